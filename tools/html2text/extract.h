/* SPDX-License-Identifier: MIT */
/* extract.h -- what html2text does with a parsed tree: parse with bounded
 * memory and an iterative free, match selectors, write text, find the
 * main content block. */
#ifndef HTML2TEXT_EXTRACT_H
#define HTML2TEXT_EXTRACT_H

#include <stdint.h>

#include <gumbo.h>

#include "buf.h"
#include "html2text.h"

/* A parsed document (arena.c). Every block gumbo allocates comes from the
 * arena, so the tree is freed with the arena: no recursion, whatever the
 * depth. One document is parsed at a time. */
struct doc {
	GumboOutput *out;
	void *blocks;      /* the arena (opaque) */
};

/* Parse html[0..n) (any bytes; invalid UTF-8 becomes U+FFFD), which must
 * outlive the tree. Returns 0, or -1 when the parser gave nothing; exits
 * when memory runs out. */
int doc_parse(struct doc *d, const char *html, size_t n);
void doc_free(struct doc *d);

struct text_opts {
	int links;          /* keep link targets: "text <url>" */
	const char *base;   /* resolve link targets against it (or NULL) */
	int keep_forms;     /* forms are not dropped (skip decides) */
	int (*skip)(const GumboNode *);  /* elements left out, or NULL */
};

/* Append the readable text of node (an element or the document) to out:
 * block elements break lines, paragraphs are separated by a blank line,
 * white space is collapsed (kept inside pre), dropped elements (script,
 * style, nav, header, footer, aside, forms, ...) and those o->skip
 * answers 1 for give nothing. No leading or trailing white space.
 * Iterative. */
void text_of(const GumboNode *node, const struct text_opts *o,
    struct mkt_buf *out);

/* Whether element node matches the group. */
int sel_match(const struct sel_group *g, const GumboNode *node);

/* The first element in document order below root (root itself excluded
 * unless self is set) matching g, or NULL. */
const GumboNode *sel_first(const struct sel_group *g, const GumboNode *root);

/* Call fn for every element below root matching g, in document order.
 * Matches inside a match are visited too. */
void sel_each(const struct sel_group *g, const GumboNode *root,
    void (*fn)(const GumboNode *, void *), void *arg);

/* The document's <base href>, or NULL. */
const char *doc_base_href(const GumboNode *root);

/* ---- article.c ---- */

/* The main content (article body) of the document: written as text to
 * out. Returns 0, or -1 when no block looks like content (out then holds
 * the text of the whole body). */
int main_text(const GumboNode *root, const struct text_opts *o,
    struct mkt_buf *out);

/* ---- shared by extract.c and article.c ---- */

/* An explicit stack for walks of the tree: a frame per open node, with
 * the index of its next child and room for what a walk keeps per node.
 * Walks share walk_st; each pops back to where it started, so one walk
 * may run another. */
struct frame {
	const GumboNode *n;
	unsigned i;        /* next child to visit */
	uint32_t acc[4];   /* per-walk accumulators */
};

struct stack {
	struct frame *f;
	size_t n, cap;
};

extern struct stack walk_st;

/* Push n (a zeroed frame); exits when memory runs out. */
struct frame *st_push(struct stack *s, const GumboNode *n);

/* The children of an element or the document, or NULL. */
const GumboVector *el_children(const GumboNode *n);

/* Whether n is an element (template included). */
int el_is(const GumboNode *n);

/* The value of attribute name of element n, or NULL. */
const char *el_attr(const GumboNode *n, const char *name);

/* Whether element n gives no text: script, style, nav, header, footer,
 * aside, form controls, embedded content, hidden elements and those with
 * a navigation-like ARIA role; forms too where forms is set. */
int el_dropped(const GumboNode *n, int forms);

#endif
