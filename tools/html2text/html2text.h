/* SPDX-License-Identifier: MIT */
/* html2text.h -- the parts of html2text: selector parsing and matching,
 * URL resolution, the pre-scan guard, text extraction, main content. */
#ifndef HTML2TEXT_H
#define HTML2TEXT_H

#include <stddef.h>

#include "buf.h"

/* ---- selectors (selparse.c: no gumbo, so the fuzz harness can take it) */

#define SEL_MAX_LEN 4096
#define SEL_MAX_PARTS 32   /* compounds in one complex selector */

enum sel_op { SEL_EXISTS, SEL_EQ, SEL_INCL };
enum sel_comb { SEL_DESC, SEL_CHILD };

struct sel_attr {
	char *name;     /* lower-cased */
	char *value;    /* NULL for SEL_EXISTS */
	int op;         /* enum sel_op */
};

/* One compound selector: tag (NULL for any), #id, .classes, [attrs].
 * comb says how it relates to the compound before it (to its left). */
struct sel_compound {
	char *tag;
	char *id;
	char **classes;
	size_t nclass;
	struct sel_attr *attrs;
	size_t nattr;
	int comb;       /* enum sel_comb; unused for the first compound */
	int tagid;      /* matcher cache: 0 unresolved, else tag number + 1 */
};

struct sel_complex {
	struct sel_compound *c;
	size_t n;
};

struct sel_group {
	struct sel_complex *alt;
	size_t n;
};

/* Parse a selector group (s is NUL-terminated). Returns 0, or -1 with a
 * message naming the column and the construct in err; g is then empty.
 * Supported: type, *, .class, #id, [attr], [attr=v], [attr~=v] (v bare or
 * quoted), the descendant and child combinators, and comma groups. */
int sel_parse(const char *s, struct sel_group *g, char *err, size_t errsize);
void sel_free(struct sel_group *g);

/* ---- URLs (url.c) ---- */

/* Resolve reference ref (length rlen) against absolute base (RFC 3986
 * section 5.2, with leading and trailing white space of ref removed),
 * appending the result to out. An empty or NULL base leaves ref as it is.
 * Returns 0 or -1 (out of memory). */
int url_resolve(const char *base, const char *ref, size_t rlen,
    struct mkt_buf *out);

/* ---- guard (guard.c) ---- */

/* Parts of a document the parser need not see: bodies of script and style
 * elements, [start, end) in document order. */
struct guard_cut {
	size_t tag;         /* where the element's start tag begins ('<') */
	size_t start, end;
};

struct guard_cuts {
	struct guard_cut *c;
	size_t n, cap;
	int oom;        /* the list is short: memory ran out */
};

/* Scan HTML for tag nesting before the parser sees it: a stack of open
 * elements that knows void elements, raw text elements and the elements
 * that close a sibling of their kind, much as a browser's would. Returns
 * 0, or -1 with err filled when nesting passes max_depth. With cuts, also
 * lists the script and style bodies that the tokenizer would end where
 * the scan does (cuts->c grows as needed; free it when done). Linear
 * time, memory O(max_depth) and the list. */
int guard_scan(const char *s, size_t n, int max_depth,
    struct guard_cuts *cuts, char *err, size_t errsize);

/* Take out of cuts the bodies of the elements that group g could match
 * (an alternative's last compound: type, and the names and values of the
 * attributes it asks for where the start tag in s shows them plainly), so
 * that the text of what g selects is the same with and without the cuts.
 * Errs on the side of keeping a body. */
void guard_keep_selectable(struct guard_cuts *cuts, const char *s,
    const struct sel_group *g);

/* Copy s[0..n) less the cuts to dst (dst == s is allowed: the copy only
 * moves bytes down); returns the new length. */
size_t guard_apply(char *dst, const char *s, size_t n,
    const struct guard_cuts *cuts);

#endif
