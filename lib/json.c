/* SPDX-License-Identifier: MIT */
/* json.c -- JSON scanner and emitter (see json.h).
 *
 * The scanner is a recursive-descent validator over the bytes of a line
 * that remembers only the top-level fields. Depth is bounded by
 * MKT_JSON_MAX_DEPTH, so recursion is bounded too. mkt_json_scan() runs a
 * pointer-based fast path over the top level first and hands any line it
 * does not accept to the reference scanner, which names the fault.
 * Numbers are read by Clinger's fast path where it is exact (else
 * strtod) and written from exact 128-bit arithmetic where that applies
 * (else snprintf), with the same results as strtod and printf. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

/* ---- scanner ---- */

struct scan {
	const char *s;
	size_t len, pos;
	char *err;
	size_t errsize;
	int failed;
};

/* byte classes inside strings: 0 plain, 1 quote, 2 backslash, 3 control, 4 non-ASCII */
static const unsigned char str_class[256] = {
	3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
	3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
	0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
};

static int fail(struct scan *sc, const char *what)
{
	if (!sc->failed) {
		sc->failed = 1;
		if (sc->pos >= sc->len)
			snprintf(sc->err, sc->errsize, "column %zu: %s (line ends)",
			    sc->pos + 1, what);
		else
			snprintf(sc->err, sc->errsize, "column %zu: %s", sc->pos + 1,
			    what);
	}
	return -1;
}

static inline void skip_ws(struct scan *sc)
{
	while (sc->pos < sc->len) {
		char c = sc->s[sc->pos];
		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			break;
		sc->pos++;
	}
}

/* Length of the well-formed UTF-8 sequence at p (n bytes left), or 0. */
static size_t utf8_seq(const unsigned char *p, size_t n)
{
	unsigned char c = p[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		return (n >= 2 && (p[1] & 0xC0) == 0x80) ? 2 : 0;
	if (c >= 0xE0 && c <= 0xEF) {
		unsigned char lo = 0x80, hi = 0xBF;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F;
		if (n < 3 || p[1] < lo || p[1] > hi || (p[2] & 0xC0) != 0x80)
			return 0;
		return 3;
	}
	if (c >= 0xF0 && c <= 0xF4) {
		unsigned char lo = 0x80, hi = 0xBF;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
		if (n < 4 || p[1] < lo || p[1] > hi || (p[2] & 0xC0) != 0x80 ||
		    (p[3] & 0xC0) != 0x80)
			return 0;
		return 4;
	}
	return 0;
}

static inline int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* At an opening quote; leaves pos after the closing quote. *esc is set
 * when the body has escapes. */
static int scan_string(struct scan *sc, int *esc)
{
	const unsigned char *s = (const unsigned char *)sc->s;
	size_t i = sc->pos + 1, n = sc->len;

	*esc = 0;
	for (;;) {
		while (i < n && str_class[s[i]] == 0)
			i++;
		if (i >= n) {
			sc->pos = i;
			return fail(sc, "unterminated string");
		}
		switch (str_class[s[i]]) {
		case 1:
			sc->pos = i + 1;
			return 0;
		case 2:
			*esc = 1;
			if (i + 1 >= n) {
				sc->pos = i + 1;
				return fail(sc, "unterminated string");
			}
			switch (s[i + 1]) {
			case '"': case '\\': case '/': case 'b': case 'f':
			case 'n': case 'r': case 't':
				i += 2;
				break;
			case 'u':
				if (i + 6 > n || hexval(s[i + 2]) < 0 || hexval(s[i + 3]) < 0 ||
				    hexval(s[i + 4]) < 0 || hexval(s[i + 5]) < 0) {
					sc->pos = i;
					return fail(sc, "bad \\u escape in string");
				}
				i += 6;
				break;
			default:
				sc->pos = i;
				return fail(sc, "bad escape in string");
			}
			break;
		case 3:
			sc->pos = i;
			return fail(sc, "control character in string");
		case 4: {
			size_t k = utf8_seq(s + i, n - i);
			if (k == 0) {
				sc->pos = i;
				return fail(sc, "invalid UTF-8 in string");
			}
			i += k;
			break;
		}
		}
	}
}

static int scan_number(struct scan *sc)
{
	const char *s = sc->s;
	size_t i = sc->pos, n = sc->len;

	if (i < n && s[i] == '-')
		i++;
	if (i >= n || s[i] < '0' || s[i] > '9') {
		sc->pos = i;
		return fail(sc, "bad number");
	}
	if (s[i] == '0')
		i++;
	else
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	if (i < n && s[i] == '.') {
		i++;
		if (i >= n || s[i] < '0' || s[i] > '9') {
			sc->pos = i;
			return fail(sc, "bad number: digit expected after '.'");
		}
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		if (i >= n || s[i] < '0' || s[i] > '9') {
			sc->pos = i;
			return fail(sc, "bad number: digit expected in exponent");
		}
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	sc->pos = i;
	return 0;
}

static int scan_literal(struct scan *sc, const char *lit, size_t l)
{
	if (sc->len - sc->pos < l || memcmp(sc->s + sc->pos, lit, l) != 0)
		return fail(sc, "unexpected character");
	sc->pos += l;
	return 0;
}

static int scan_value(struct scan *sc, int depth, int *type, int *esc);

static int scan_container(struct scan *sc, int depth, int is_obj)
{
	int t, e;
	char close = is_obj ? '}' : ']';

	if (depth > MKT_JSON_MAX_DEPTH)
		return fail(sc, "nested too deeply");
	sc->pos++; /* '{' or '[' */
	skip_ws(sc);
	if (sc->pos < sc->len && sc->s[sc->pos] == close) {
		sc->pos++;
		return 0;
	}
	for (;;) {
		if (is_obj) {
			if (sc->pos >= sc->len || sc->s[sc->pos] != '"')
				return fail(sc, "expected a string key");
			if (scan_string(sc, &e) < 0)
				return -1;
			skip_ws(sc);
			if (sc->pos >= sc->len || sc->s[sc->pos] != ':')
				return fail(sc, "expected ':' after key");
			sc->pos++;
			skip_ws(sc);
		}
		if (scan_value(sc, depth, &t, &e) < 0)
			return -1;
		skip_ws(sc);
		if (sc->pos < sc->len && sc->s[sc->pos] == ',') {
			sc->pos++;
			skip_ws(sc);
			continue;
		}
		if (sc->pos < sc->len && sc->s[sc->pos] == close) {
			sc->pos++;
			return 0;
		}
		return fail(sc, is_obj ? "expected ',' or '}'" : "expected ',' or ']'");
	}
}

/* At the first byte of a value (white space already skipped). */
static int scan_value(struct scan *sc, int depth, int *type, int *esc)
{
	*esc = 0;
	if (sc->pos >= sc->len)
		return fail(sc, "value expected");
	switch (sc->s[sc->pos]) {
	case '"':
		*type = MKT_JSTR;
		return scan_string(sc, esc);
	case '{':
		*type = MKT_JOBJ;
		return scan_container(sc, depth + 1, 1);
	case '[':
		*type = MKT_JARR;
		return scan_container(sc, depth + 1, 0);
	case 't':
		*type = MKT_JTRUE;
		return scan_literal(sc, "true", 4);
	case 'f':
		*type = MKT_JFALSE;
		return scan_literal(sc, "false", 5);
	case 'n':
		*type = MKT_JNULL;
		return scan_literal(sc, "null", 4);
	case '-': case '0': case '1': case '2': case '3': case '4':
	case '5': case '6': case '7': case '8': case '9':
		*type = MKT_JNUM;
		return scan_number(sc);
	default:
		return fail(sc, "unexpected character");
	}
}

static int add_field(struct mkt_jobj *o, struct mkt_jfield *f)
{
	if (o->n == o->cap) {
		size_t cap = o->cap ? o->cap * 2 : 32;
		struct mkt_jfield *nf = realloc(o->f, cap * sizeof(*nf));
		if (nf == NULL)
			return -1;
		o->f = nf;
		o->cap = cap;
	}
	o->f[o->n++] = *f;
	return 0;
}

/* The reference scanner: the same language as the fast path below, one
 * byte at a time through struct scan. mkt_json_scan() hands a line over to
 * it whenever the fast path meets anything it does not take (an error,
 * out of memory), so every message and column comes from here. */
static int scan_slow(struct mkt_jobj *o, const char *s, size_t len,
    char *errstr, size_t errsize)
{
	struct scan sc = { s, len, 0, errstr, errsize, 0 };
	struct mkt_jfield f;
	size_t start;
	int t, e;

	o->n = 0;
	skip_ws(&sc);
	if (sc.pos >= len)
		return fail(&sc, "empty line, expected a JSON object");
	if (s[sc.pos] != '{')
		return fail(&sc, "not a JSON object");
	sc.pos++;
	skip_ws(&sc);
	if (sc.pos < len && s[sc.pos] == '}') {
		sc.pos++;
		goto tail;
	}
	for (;;) {
		if (sc.pos >= len || s[sc.pos] != '"')
			return fail(&sc, "expected a string key");
		start = sc.pos;
		if (scan_string(&sc, &e) < 0)
			return -1;
		f.key = s + start + 1;
		f.klen = (uint32_t)(sc.pos - start - 2);
		f.kesc = (uint8_t)e;
		skip_ws(&sc);
		if (sc.pos >= len || s[sc.pos] != ':')
			return fail(&sc, "expected ':' after key");
		sc.pos++;
		skip_ws(&sc);
		start = sc.pos;
		if (scan_value(&sc, 1, &t, &e) < 0)
			return -1;
		f.type = (uint8_t)t;
		f.vesc = (uint8_t)e;
		if (t == MKT_JSTR) {
			f.val = s + start + 1;
			f.vlen = (uint32_t)(sc.pos - start - 2);
		} else {
			f.val = s + start;
			f.vlen = (uint32_t)(sc.pos - start);
		}
		if (add_field(o, &f) < 0)
			return fail(&sc, "out of memory");
		skip_ws(&sc);
		if (sc.pos < len && s[sc.pos] == ',') {
			sc.pos++;
			skip_ws(&sc);
			continue;
		}
		if (sc.pos < len && s[sc.pos] == '}') {
			sc.pos++;
			break;
		}
		return fail(&sc, "expected ',' or '}'");
	}
tail:
	skip_ws(&sc);
	if (sc.pos != len)
		return fail(&sc, "trailing characters after the object");
	return 0;
}

/* ---- the fast path of mkt_json_scan ----
 *
 * The same grammar as the reference scanner, over pointers, with runs of
 * digits taken eight bytes at a time.
 * It takes no error path of its own: on anything it does not accept it
 * returns NULL and the line is scanned again by scan_slow(), which says
 * where and why. Nested objects and arrays in a value go to the reference
 * scanner's scan_container(). */

#define ONES 0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && \
    defined(__GNUC__)
#define SWAR 1
#else
#define SWAR 0
#endif

static inline uint64_t load64(const unsigned char *p)
{
	uint64_t x;

	memcpy(&x, p, 8);
	return x;
}

/* High bit set in each byte of x that is not an ASCII digit; exact for the
 * lowest such byte (a carry can only come out of a non-digit). */
static inline uint64_t non_digits(uint64_t x)
{
	uint64_t hi = (x & (ONES * 0xF0)) ^ (ONES * 0x30);
	uint64_t lo = ((x + ONES * 0x06) & (ONES * 0xF0)) ^ (ONES * 0x30);

	return (((hi | lo) >> 4) + ONES * 0x7F) & HIGHS;
}

static inline int is_digit(unsigned char c)
{
	return (unsigned char)(c - '0') < 10;
}

/* Past the run of digits at p (none is fine). */
static inline const unsigned char *skip_digits(const unsigned char *p,
    const unsigned char *e)
{
#if SWAR
	while (e - p >= 8) {
		uint64_t m = non_digits(load64(p));
		if (m)
			return p + (__builtin_ctzll(m) >> 3);
		p += 8;
	}
#endif
	while (p < e && is_digit(*p))
		p++;
	return p;
}

/* Past white space at p. */
static const unsigned char *ws_rest(const unsigned char *p,
    const unsigned char *e)
{
	while (p < e && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

static inline const unsigned char *fast_ws(const unsigned char *p,
    const unsigned char *e)
{
	return p < e && *p <= ' ' ? ws_rest(p, e) : p;
}

/* The body of a string at p (just after its opening quote): returns the
 * byte after the closing quote and sets *esc when there are escapes, or
 * NULL when the string is not valid. */
static const unsigned char *string_rest(const unsigned char *p,
    const unsigned char *e, uint8_t *esc)
{
	size_t k;

	*esc = 0;
	for (;;) {
		while (p < e && str_class[*p] == 0)
			p++;
		if (p >= e)
			return NULL;
		switch (str_class[*p]) {
		case 1:
			return p + 1;
		case 2:
			*esc = 1;
			if (e - p < 2)
				return NULL;
			switch (p[1]) {
			case '"': case '\\': case '/': case 'b': case 'f':
			case 'n': case 'r': case 't':
				p += 2;
				break;
			case 'u':
				if (e - p < 6 || hexval(p[2]) < 0 || hexval(p[3]) < 0 ||
				    hexval(p[4]) < 0 || hexval(p[5]) < 0)
					return NULL;
				p += 6;
				break;
			default:
				return NULL;
			}
			break;
		case 3:
			return NULL;
		default:
			if ((k = utf8_seq(p, (size_t)(e - p))) == 0)
				return NULL;
			p += k;
			break;
		}
	}
}

/* string_rest() with its common case inline: a body of plain ASCII bytes
 * ending within the line. Byte by byte through a table, four a round: the
 * branches predict well, where finding the quote by word arithmetic makes
 * every string wait on a chain of dependent operations. */
static inline const unsigned char *fast_string(const unsigned char *p,
    const unsigned char *e, uint8_t *esc)
{
	while (e - p >= 4) {
		if (str_class[p[0]])
			goto stop;
		if (str_class[p[1]]) {
			p += 1;
			goto stop;
		}
		if (str_class[p[2]]) {
			p += 2;
			goto stop;
		}
		if (str_class[p[3]]) {
			p += 3;
			goto stop;
		}
		p += 4;
	}
	return string_rest(p, e, esc);
stop:
	if (*p == '"') {
		*esc = 0;
		return p + 1;
	}
	return string_rest(p, e, esc);
}

/* A number at p: the byte after it, or NULL when it is not valid. */
static inline const unsigned char *fast_number(const unsigned char *p,
    const unsigned char *e)
{
	if (*p == '-')
		p++;
	if (p >= e || !is_digit(*p))
		return NULL;
	if (*p == '0')
		p++;
	else
		p = skip_digits(p + 1, e);
	if (p < e && *p == '.') {
		p++;
		if (p >= e || !is_digit(*p))
			return NULL;
		p = skip_digits(p + 1, e);
	}
	if (p < e && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < e && (*p == '+' || *p == '-'))
			p++;
		if (p >= e || !is_digit(*p))
			return NULL;
		p = skip_digits(p + 1, e);
	}
	return p;
}

static int jobj_grow(struct mkt_jobj *o)
{
	size_t cap = o->cap ? o->cap * 2 : 32;
	struct mkt_jfield *nf = realloc(o->f, cap * sizeof(*nf));

	if (nf == NULL)
		return -1;
	o->f = nf;
	o->cap = cap;
	return 0;
}

int mkt_json_scan(struct mkt_jobj *o, const char *s, size_t len,
    char *errstr, size_t errsize)
{
	const unsigned char *b = (const unsigned char *)s, *p = b, *e = b + len;
	struct mkt_jfield *f;
	uint8_t esc;

	o->n = 0;
	p = fast_ws(p, e);
	if (p >= e || *p != '{')
		goto slow;
	p = fast_ws(p + 1, e);
	if (p < e && *p == '}') {
		p++;
		goto tail;
	}
	for (;;) {
		if (p >= e || *p != '"')
			goto slow;
		if (o->n == o->cap && jobj_grow(o) < 0)
			goto slow;
		f = &o->f[o->n];
		f->key = (const char *)p + 1;
		if ((p = fast_string(p + 1, e, &esc)) == NULL)
			goto slow;
		f->klen = (uint32_t)((const char *)p - f->key - 1);
		f->kesc = esc;
		if (p < e && *p == ':') {
			p++;
		} else {
			p = fast_ws(p, e);
			if (p >= e || *p != ':')
				goto slow;
			p++;
		}
		p = fast_ws(p, e);
		if (p >= e)
			goto slow;
		f->vesc = 0;
		switch (*p) {
		case '"':
			f->val = (const char *)p + 1;
			if ((p = fast_string(p + 1, e, &esc)) == NULL)
				goto slow;
			f->vlen = (uint32_t)((const char *)p - f->val - 1);
			f->type = MKT_JSTR;
			f->vesc = esc;
			break;
		case '-': case '0': case '1': case '2': case '3': case '4':
		case '5': case '6': case '7': case '8': case '9':
			f->val = (const char *)p;
			if ((p = fast_number(p, e)) == NULL)
				goto slow;
			f->vlen = (uint32_t)((const char *)p - f->val);
			f->type = MKT_JNUM;
			break;
		case '{':
		case '[': {
			struct scan sc = { s, len, (size_t)(p - b), NULL, 0, 1 };
			f->val = (const char *)p;
			f->type = *p == '{' ? MKT_JOBJ : MKT_JARR;
			if (scan_container(&sc, 2, *p == '{') < 0)
				goto slow;
			p = b + sc.pos;
			f->vlen = (uint32_t)((const char *)p - f->val);
			break;
		}
		case 't':
			if (e - p < 4 || memcmp(p, "true", 4) != 0)
				goto slow;
			f->val = (const char *)p;
			f->vlen = 4;
			f->type = MKT_JTRUE;
			p += 4;
			break;
		case 'f':
			if (e - p < 5 || memcmp(p, "false", 5) != 0)
				goto slow;
			f->val = (const char *)p;
			f->vlen = 5;
			f->type = MKT_JFALSE;
			p += 5;
			break;
		case 'n':
			if (e - p < 4 || memcmp(p, "null", 4) != 0)
				goto slow;
			f->val = (const char *)p;
			f->vlen = 4;
			f->type = MKT_JNULL;
			p += 4;
			break;
		default:
			goto slow;
		}
		o->n++;
		p = fast_ws(p, e);
		if (p < e && *p == ',') {
			p = fast_ws(p + 1, e);
			continue;
		}
		if (p < e && *p == '}') {
			p++;
			break;
		}
		goto slow;
	}
tail:
	if (fast_ws(p, e) == e)
		return 0;
slow:
	return scan_slow(o, s, len, errstr, errsize);
}

int mkt_json_validate(const char *s, size_t len, char *errstr, size_t errsize)
{
	struct scan sc = { s, len, 0, errstr, errsize, 0 };
	int t, e;

	skip_ws(&sc);
	if (scan_value(&sc, 0, &t, &e) < 0)
		return -1;
	skip_ws(&sc);
	if (sc.pos != len)
		return fail(&sc, "trailing characters after the value");
	return t;
}

const struct mkt_jfield *mkt_jobj_get(struct mkt_jobj *o, const char *key,
    size_t klen)
{
	size_t i = o->n;

	while (i-- > 0) {
		const struct mkt_jfield *f = &o->f[i];
		if (!f->kesc) {
			if (f->klen == klen && memcmp(f->key, key, klen) == 0)
				return f;
		} else {
			mkt_buf_reset(&o->tmp);
			if (mkt_json_unescape(f->key, f->klen, &o->tmp) == 0 &&
			    o->tmp.len == klen && memcmp(o->tmp.p, key, klen) == 0)
				return f;
		}
	}
	return NULL;
}

void mkt_jobj_free(struct mkt_jobj *o)
{
	free(o->f);
	o->f = NULL;
	o->n = o->cap = 0;
	mkt_buf_free(&o->tmp);
}

/* ---- numbers ---- */

static const double pow10_exact[] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

static const uint64_t pow10_int[] = {
	1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000,
};

/* Eight ASCII digits (the first in the lowest byte) as their value. */
static inline uint64_t digits8(uint64_t x)
{
	x -= ONES * '0';
	x = (x * 10 + (x >> 8)) & 0x00FF00FF00FF00FFULL;
	x = (x * 100 + (x >> 16)) & 0x0000FFFF0000FFFFULL;
	return (x * 10000 + (x >> 32)) & 0xFFFFFFFFULL;
}

/* strtod() of s[0..len), a valid JSON number. */
static int parse_slow(const char *s, size_t len, double *out)
{
	char tmp[64], *end;

	if (len < sizeof(tmp)) {
		memcpy(tmp, s, len);
		tmp[len] = '\0';
		*out = strtod(tmp, &end);
	} else {
		char *big = malloc(len + 1);
		if (big == NULL)
			return -1;
		memcpy(big, s, len);
		big[len] = '\0';
		*out = strtod(big, &end);
		free(big);
	}
	return 0;
}

/* Validate and read a number in one pass. The decimal m * 10^exp10 is
 * exact in a double when m < 2^53 and |exp10| <= 22 (Clinger's fast
 * path): one correctly rounded multiplication or division then gives the
 * correctly rounded value. Anything else goes to strtod(). */
static int parse_general(const char *s, size_t len, double *out)
{
	const unsigned char *p = (const unsigned char *)s, *e = p + len;
	uint64_t m = 0;
	int digits = 0, exp10 = 0, neg = 0, big = 0, ev = 0, eneg = 0;
	double d;

	if (p < e && *p == '-') {
		neg = 1;
		p++;
	}
	if (p >= e || !is_digit(*p))
		return -1;
	if (*p == '0') {
		p++;
	} else {
		while (p < e && is_digit(*p)) {
			if (digits < 19) {
				m = m * 10 + (uint64_t)(*p - '0');
				digits++;
			} else {
				big = 1;
			}
			p++;
		}
	}
	if (p < e && *p == '.') {
		p++;
		if (p >= e || !is_digit(*p))
			return -1;
		while (p < e && is_digit(*p)) {
			if (digits < 19) {
				m = m * 10 + (uint64_t)(*p - '0');
				if (m)
					digits++;
				exp10--;
			} else {
				big = 1;
			}
			p++;
		}
	}
	if (p < e && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < e && (*p == '+' || *p == '-'))
			eneg = *p++ == '-';
		if (p >= e || !is_digit(*p))
			return -1;
		while (p < e && is_digit(*p)) {
			if (ev < 100000)
				ev = ev * 10 + (*p - '0');
			p++;
		}
		exp10 += eneg ? -ev : ev;
	}
	if (p != e)
		return -1;
	if (big || m >= (1ULL << 53) || exp10 < -22 || exp10 > 22)
		return parse_slow(s, len, out);
	d = (double)m;
	d = exp10 < 0 ? d / pow10_exact[-exp10] : d * pow10_exact[exp10];
	*out = neg ? -d : d;
	return 0;
}

/* The common case first: a plain decimal (no exponent) of at most 19
 * digits, so that m cannot overflow, read without counting significant
 * digits; anything else is left to parse_general(), which also gives the
 * verdict on text that is not a number. */
int mkt_json_parse_number(const char *s, size_t len, double *out)
{
	const unsigned char *p = (const unsigned char *)s, *e = p + len, *d0, *f0;
	uint64_t m = 0;
	int exp10 = 0;
	double d;

	if (p < e && *p == '-')
		p++;
	d0 = p;
	if (p >= e || !is_digit(*p))
		return -1;
	if (*p == '0')
		p++;
	else
		for (; p < e && is_digit(*p); p++)
			m = m * 10 + (uint64_t)(*p - '0');
	if (p < e && *p == '.') {
		f0 = ++p;
		for (; p < e && is_digit(*p); p++)
			m = m * 10 + (uint64_t)(*p - '0');
		exp10 = (int)(f0 - p);
		if (p == f0 || p - d0 > 20)
			return parse_general(s, len, out);
	} else if (p - d0 > 19) {
		return parse_general(s, len, out);
	}
	if (p != e || m >= (1ULL << 53) || exp10 < -22)
		return parse_general(s, len, out);
	d = (double)m;
	if (exp10 < 0)
		d /= pow10_exact[-exp10];
	*out = *s == '-' ? -d : d;
	return 0;
}

int mkt_jfield_double(const struct mkt_jfield *f, int strings_ok, double *out)
{
	if (f->type == MKT_JNUM)
		return mkt_json_parse_number(f->val, f->vlen, out);
	if (strings_ok && f->type == MKT_JSTR && !f->vesc)
		return mkt_json_parse_number(f->val, f->vlen, out);
	return -1;
}

int mkt_jfield_int64(const struct mkt_jfield *f, int64_t *out)
{
	const unsigned char *p = (const unsigned char *)f->val, *e = p + f->vlen;
	uint64_t v = 0;
	int neg = 0;
	double d;

	if (f->type != MKT_JNUM || p == e)
		return -1;
	if (*p == '-') {
		neg = 1;
		p++;
	}
	if (p == e)
		return -1;
	if (e - p > 19)
		goto dbl;
#if SWAR
	/* Up to 19 digits: v cannot overflow. Eight digits at a time, then
	 * the last 1 to 7 from the eight bytes that end the text, the bytes
	 * already read turned into leading zeros. */
	if (e - p >= 8) {
		uint64_t x = load64(p), keep;
		size_t r;

		if (non_digits(x) == 0) {
			v = digits8(x);
			p += 8;
			if (e - p >= 8 && non_digits(x = load64(p)) == 0) {
				v = v * 100000000 + digits8(x);
				p += 8;
			}
			if ((r = (size_t)(e - p)) > 0 && r < 8) {
				keep = ~0ULL << (8 * (8 - r));
				x = (load64(e - 8) & keep) | (ONES * '0' & ~keep);
				if (non_digits(x) == 0) {
					v = v * pow10_int[r] + digits8(x);
					p = e;
				}
			}
		}
	}
#endif
	for (; p < e && is_digit(*p); p++)
		v = v * 10 + (uint64_t)(*p - '0');
	if (p == e) {
		if (neg ? v > (uint64_t)INT64_MAX + 1 : v > (uint64_t)INT64_MAX)
			return -1;
		*out = neg ? (int64_t)(0 - v) : (int64_t)v;
		return 0;
	}
dbl:
	if (mkt_json_parse_number(f->val, f->vlen, &d) < 0 || d != floor(d) ||
	    d < -9223372036854775808.0 || d >= 9223372036854775808.0)
		return -1;
	*out = (int64_t)d;
	return 0;
}

/* ---- strings ---- */

static void put_utf8(struct mkt_buf *b, unsigned cp)
{
	char u[4];

	if (cp < 0x80) {
		mkt_buf_addc(b, (char)cp);
	} else if (cp < 0x800) {
		u[0] = (char)(0xC0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3F));
		mkt_buf_add(b, u, 2);
	} else if (cp < 0x10000) {
		u[0] = (char)(0xE0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[2] = (char)(0x80 | (cp & 0x3F));
		mkt_buf_add(b, u, 3);
	} else {
		u[0] = (char)(0xF0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[3] = (char)(0x80 | (cp & 0x3F));
		mkt_buf_add(b, u, 4);
	}
}

static unsigned hex4(const char *p)
{
	return (unsigned)(hexval(p[0]) << 12 | hexval(p[1]) << 8 |
	    hexval(p[2]) << 4 | hexval(p[3]));
}

int mkt_json_unescape(const char *s, size_t len, struct mkt_buf *out)
{
	size_t i = 0, run;

	while (i < len) {
		run = i;
		while (i < len && s[i] != '\\')
			i++;
		mkt_buf_add(out, s + run, i - run);
		if (i >= len)
			break;
		if (i + 1 >= len)
			return -1;
		switch (s[i + 1]) {
		case '"': mkt_buf_addc(out, '"'); i += 2; break;
		case '\\': mkt_buf_addc(out, '\\'); i += 2; break;
		case '/': mkt_buf_addc(out, '/'); i += 2; break;
		case 'b': mkt_buf_addc(out, '\b'); i += 2; break;
		case 'f': mkt_buf_addc(out, '\f'); i += 2; break;
		case 'n': mkt_buf_addc(out, '\n'); i += 2; break;
		case 'r': mkt_buf_addc(out, '\r'); i += 2; break;
		case 't': mkt_buf_addc(out, '\t'); i += 2; break;
		case 'u': {
			unsigned cp, lo;
			if (i + 6 > len)
				return -1;
			cp = hex4(s + i + 2);
			i += 6;
			if (cp >= 0xD800 && cp <= 0xDBFF && i + 6 <= len &&
			    s[i] == '\\' && s[i + 1] == 'u' &&
			    (lo = hex4(s + i + 2)) >= 0xDC00 && lo <= 0xDFFF) {
				cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
				i += 6;
			} else if (cp >= 0xD800 && cp <= 0xDFFF) {
				cp = 0xFFFD;
			}
			put_utf8(out, cp);
			break;
		}
		default:
			return -1;
		}
	}
	return out->oom ? -1 : 0;
}

int mkt_jfield_string(const struct mkt_jfield *f, struct mkt_buf *tmp,
    const char **s, size_t *len)
{
	if (f->type != MKT_JSTR)
		return -1;
	if (!f->vesc) {
		*s = f->val;
		*len = f->vlen;
		return 0;
	}
	mkt_buf_reset(tmp);
	if (mkt_json_unescape(f->val, f->vlen, tmp) < 0)
		return -1;
	*s = tmp->p;
	*len = tmp->len;
	return 0;
}

/* ---- emitter ---- */

int mkt_json_str(struct mkt_buf *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, run;

	if (mkt_buf_reserve(b, len + 2) < 0)
		return -1;
	mkt_buf_addc(b, '"');
	while (i < len) {
		run = i;
		while (i < len && str_class[u[i]] == 0)
			i++;
		mkt_buf_add(b, s + run, i - run);
		if (i >= len)
			break;
		switch (str_class[u[i]]) {
		case 1:
			mkt_buf_add(b, "\\\"", 2);
			i++;
			break;
		case 2:
			mkt_buf_add(b, "\\\\", 2);
			i++;
			break;
		case 3: {
			char e[6] = { '\\', 'u', '0', '0', hex[u[i] >> 4], hex[u[i] & 15] };
			switch (u[i]) {
			case '\n': mkt_buf_add(b, "\\n", 2); break;
			case '\t': mkt_buf_add(b, "\\t", 2); break;
			case '\r': mkt_buf_add(b, "\\r", 2); break;
			case '\b': mkt_buf_add(b, "\\b", 2); break;
			case '\f': mkt_buf_add(b, "\\f", 2); break;
			default: mkt_buf_add(b, e, 6); break;
			}
			i++;
			break;
		}
		case 4: {
			size_t k = utf8_seq(u + i, len - i);
			if (k == 0) {
				mkt_buf_add(b, "\xEF\xBF\xBD", 3);
				i++;
			} else {
				mkt_buf_add(b, s + i, k);
				i += k;
			}
			break;
		}
		}
	}
	return mkt_buf_addc(b, '"');
}

int mkt_json_int(struct mkt_buf *b, int64_t v)
{
	char tmp[24], *p = tmp + sizeof(tmp);
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--p = '-';
	return mkt_buf_add(b, p, (size_t)(tmp + sizeof(tmp) - p));
}

#if defined(__SIZEOF_INT128__)
typedef unsigned __int128 u128;

static const uint64_t pow10_u64[] = {
	1ULL, 10ULL, 100ULL, 1000ULL, 10000ULL, 100000ULL, 1000000ULL,
	10000000ULL, 100000000ULL, 1000000000ULL, 10000000000ULL,
	100000000000ULL, 1000000000000ULL, 10000000000000ULL,
	100000000000000ULL, 1000000000000000ULL, 10000000000000000ULL,
	100000000000000000ULL, 1000000000000000000ULL,
	10000000000000000000ULL,
};

/* 10^k, 0 <= k <= 38. */
static inline u128 pow10_u128(int k)
{
	if (k <= 19)
		return pow10_u64[k];
	return (u128)pow10_u64[19] * pow10_u64[k - 19];
}

/* What the loop in mkt_json_num() makes of a = |d| by snprintf("%.*g")
 * and strtod(), for 1e-4 <= a < 1e15 that is not an integer, exactly and
 * without them: the correctly rounded decimal of 15, 16 or 17 significant
 * digits, the first that reads back as a. With a = m / 2^s and k the
 * power of ten that puts P digits before the point, N = m * 10^k is exact
 * in 128 bits (m < 2^53, k <= 21), the P digits are N / 2^s rounded half
 * to even, as printf rounds, and they read back as a when they lie within
 * half a unit in the last place of a (a quarter below a power of two; a
 * tie goes to the even mantissa, as strtod rounds). In that range %g
 * writes no exponent. Returns 0, or -1 to leave a to snprintf. */
static int num_fixed(struct mkt_buf *b, double d)
{
	static const double p10[] = {
		1e-4, 1e-3, 1e-2, 1e-1, 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7,
		1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14,
	};
	double a = fabs(d);
	uint64_t bits, m, v;
	u128 n, dg, rem, half, x, diff, t;
	int s, e0, e10 = 0, prec, k, i, tries, nd, lead;
	char dig[24], txt[48], *q = txt;

	memcpy(&bits, &a, sizeof(bits));
	m = (bits & ((1ULL << 52) - 1)) | (1ULL << 52);
	s = 1075 - (int)(bits >> 52);
	if (!(a >= 1e-4 && a < 1e15) || s < 1 || s > 100)
		return -1;
	for (e0 = 14; e0 > -4 && a < p10[e0 + 4]; e0--)
		;
	for (prec = 15; prec <= 17; prec++) {
		/* the power of ten is found again for each precision: rounding
		 * to fewer digits may carry into the next one (0.0999...96 is
		 * 0.1 to 15 digits but 0.09999999999999996 to 16) */
		e10 = e0;
		for (tries = 0;; tries++) {
			k = prec - 1 - e10;
			if (k < 0 || k > 24 || tries > 3)
				return -1;
			n = (u128)m * pow10_u128(k);
			dg = n >> s;
			rem = n - (dg << s);
			half = (u128)1 << (s - 1);
			if (rem > half || (rem == half && (dg & 1)))
				dg++;
			if (dg >= pow10_u128(prec))
				e10++;
			else if (dg < pow10_u128(prec - 1))
				e10--;
			else
				break;
		}
		if (prec == 17)
			break;
		x = dg << s;
		diff = x > n ? x - n : n - x;
		t = pow10_u128(k);
		if (x < n && m == (1ULL << 52))
			diff *= 4;
		else
			diff *= 2;
		if (diff < t || (diff == t && !(m & 1)))
			break;
	}
	/* the digits (fewer than 10^17: 64 bits), trailing zeros dropped */
	for (v = (uint64_t)dg, i = prec - 1; i >= 0; i--) {
		dig[i] = (char)('0' + (int)(v % 10));
		v /= 10;
	}
	for (nd = prec; nd > 1 && dig[nd - 1] == '0'; nd--)
		;
	if (d < 0)
		*q++ = '-';
	if (e10 >= 0) {
		lead = e10 + 1;
		for (i = 0; i < lead; i++)
			*q++ = i < nd ? dig[i] : '0';
		if (nd > lead) {
			*q++ = '.';
			for (i = lead; i < nd; i++)
				*q++ = dig[i];
		}
	} else {
		*q++ = '0';
		*q++ = '.';
		for (i = 0; i < -e10 - 1; i++)
			*q++ = '0';
		for (i = 0; i < nd; i++)
			*q++ = dig[i];
	}
	return mkt_buf_add(b, txt, (size_t)(q - txt));
}
#else
static int num_fixed(struct mkt_buf *b, double d)
{
	(void)b;
	(void)d;
	return -1;
}
#endif

int mkt_json_num(struct mkt_buf *b, double d)
{
	char tmp[40];
	int prec, n = 0;

	if (isnan(d) || isinf(d))
		return mkt_buf_add(b, "null", 4);
	if (d == floor(d) && fabs(d) < 1e15) {
		if (d == 0 && signbit(d))
			return mkt_buf_add(b, "-0", 2);
		return mkt_json_int(b, (int64_t)d);
	}
	if (num_fixed(b, d) == 0)
		return b->oom ? -1 : 0;
	for (prec = 15; prec <= 17; prec++) {
		n = snprintf(tmp, sizeof(tmp), "%.*g", prec, d);
		if (prec == 17 || strtod(tmp, NULL) == d)
			break;
	}
	return mkt_buf_add(b, tmp, (size_t)n);
}

int mkt_json_sep(struct mkt_buf *b)
{
	if (b->len > 0 && b->p[b->len - 1] != '{' && b->p[b->len - 1] != '[')
		return mkt_buf_addc(b, ',');
	return 0;
}

int mkt_json_keyn(struct mkt_buf *b, const char *key, size_t klen)
{
	mkt_json_sep(b);
	mkt_json_str(b, key, klen);
	return mkt_buf_addc(b, ':');
}

int mkt_json_key(struct mkt_buf *b, const char *key)
{
	return mkt_json_keyn(b, key, strlen(key));
}

int mkt_json_reopen(struct mkt_buf *b, const char *s, size_t len)
{
	while (len > 0 && s[len - 1] != '}')
		len--;
	if (len == 0)
		return -1;
	len--;
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t' ||
	    s[len - 1] == '\n' || s[len - 1] == '\r'))
		len--;
	return mkt_buf_add(b, s, len);
}
