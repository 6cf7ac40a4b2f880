/* SPDX-License-Identifier: MIT */
/* json.h -- a JSON scanner for the hot path, and a JSON emitter.
 *
 * The scanner validates one line as a JSON object (RFC 8259, strict UTF-8)
 * and records where each top-level field's key and value are, without
 * building a tree or allocating per line: a field's value is a slice of
 * the line. A malformed line is rejected with the byte column of the fault,
 * never half-read. Where a key appears twice the last one counts, as in jq.
 *
 * The emitter appends JSON text to a struct mkt_buf: strings escaped (and
 * invalid UTF-8 replaced by U+FFFD, so output is always valid), numbers in
 * the shortest form that reads back to the same double (175.5 is 175.5). */
#ifndef MKT_JSON_H
#define MKT_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define MKT_JSON_MAX_DEPTH 256

enum mkt_jtype {
	MKT_JNONE = 0,
	MKT_JSTR,
	MKT_JNUM,
	MKT_JOBJ,
	MKT_JARR,
	MKT_JTRUE,
	MKT_JFALSE,
	MKT_JNULL,
};

struct mkt_jfield {
	const char *key;   /* key bytes, between the quotes, escapes not decoded */
	const char *val;   /* value text; for a string, between the quotes */
	uint32_t klen, vlen;
	uint8_t type;      /* enum mkt_jtype */
	uint8_t kesc;      /* the key has backslash escapes */
	uint8_t vesc;      /* the string value has backslash escapes */
};

/* The fields of one scanned object. Zero-initialise, reuse across lines,
 * free with mkt_jobj_free(). */
struct mkt_jobj {
	struct mkt_jfield *f;
	size_t n, cap;
	struct mkt_buf tmp; /* scratch for decoding escaped keys in lookups */
};

/* Scan s[0..len) as one JSON object. Returns 0 and fills o, or -1 with a
 * message such as "column 17: expected ':' after key" in errstr. */
int mkt_json_scan(struct mkt_jobj *o, const char *s, size_t len,
    char *errstr, size_t errsize);

/* Validate any JSON text (one value, surrounding white space allowed).
 * Returns the type of the value, or -1 with errstr filled. */
int mkt_json_validate(const char *s, size_t len, char *errstr, size_t errsize);

/* The field named key (last occurrence), or NULL. */
const struct mkt_jfield *mkt_jobj_get(struct mkt_jobj *o, const char *key,
    size_t klen);

static inline const struct mkt_jfield *mkt_jobj_gets(struct mkt_jobj *o,
    const char *key)
{
	size_t n = 0;
	while (key[n])
		n++;
	return mkt_jobj_get(o, key, n);
}

void mkt_jobj_free(struct mkt_jobj *o);

/* A number field's value. Returns 0, or -1 if the field is not a number
 * (or, with strings_ok, a string holding exactly a JSON number). */
int mkt_jfield_double(const struct mkt_jfield *f, int strings_ok, double *out);

/* A number field's value as an integer: 0, or -1 if not a number, not
 * integral, or out of range. */
int mkt_jfield_int64(const struct mkt_jfield *f, int64_t *out);

/* Parse number text (JSON grammar, the whole of s[0..len)) into a double,
 * correctly rounded. Returns 0 or -1. */
int mkt_json_parse_number(const char *s, size_t len, double *out);

/* A string field's decoded value: points into the line when there are no
 * escapes, else into tmp. Returns 0, or -1 if the field is not a string. */
int mkt_jfield_string(const struct mkt_jfield *f, struct mkt_buf *tmp,
    const char **s, size_t *len);

/* Decode the body of a JSON string (between the quotes, already validated)
 * into out (appended). Lone surrogates become U+FFFD. */
int mkt_json_unescape(const char *s, size_t len, struct mkt_buf *out);

/* ---- emitter ---- */

/* "s" with escapes; invalid UTF-8 becomes U+FFFD. */
int mkt_json_str(struct mkt_buf *b, const char *s, size_t len);

/* Shortest round-trip form; NaN and infinities become null. */
int mkt_json_num(struct mkt_buf *b, double d);
int mkt_json_int(struct mkt_buf *b, int64_t v);

/* Separator-aware key: writes ',' unless the buffer ends in '{' or '[',
 * then "key":. */
int mkt_json_key(struct mkt_buf *b, const char *key);
int mkt_json_keyn(struct mkt_buf *b, const char *key, size_t klen);

/* Writes ',' unless the buffer ends in '{' or '[' (for array elements). */
int mkt_json_sep(struct mkt_buf *b);

/* Copy a scanned object's text without its closing '}', so that fields can
 * be appended with mkt_json_key() and the object closed with '}'. The
 * text must have passed mkt_json_scan(). */
int mkt_json_reopen(struct mkt_buf *b, const char *s, size_t len);

#endif
