/* SPDX-License-Identifier: MIT */
/* json_scan.c -- libFuzzer harness: lib/json.c's scanner against jq 1.6.
 *
 * The same bytes go to mkt_json_validate(), mkt_json_scan() and jq's
 * parser (jv_parse_sized). The harness aborts when they disagree:
 *   - on acceptance (ours accepts exactly when jq does, and mkt_json_scan
 *     accepts exactly the texts that validate as an object);
 *   - on content, when both accept: the object rebuilt from the scanner's
 *     fields (keys decoded, last duplicate winning; strings decoded with
 *     mkt_jfield_string, numbers read with mkt_jfield_double, nested
 *     objects scanned again, arrays re-parsed by jq from their slice) must
 *     be jv_equal to jq's value, and every key's lookup must return its
 *     last occurrence.
 * Every number read must be what strtod reads from its text, bit for
 * bit, and mkt_json_num must write it as the first of %.15g, %.16g and
 * %.17g that reads back (the text it always wrote, now made without them).
 * On the way it checks the emitter: every decoded string and number,
 * written back with mkt_json_str/mkt_json_num, must read back through jq
 * to the same value, and mkt_json_reopen plus one more field must give
 * jq's object with that field set.
 *
 * jq 1.6 is not a strict RFC 8259 parser; our scanner is (and strict about
 * UTF-8). Where they differ by design the harness skips, but only when the
 * input falls into one of these classes, each recognised precisely:
 *
 *  L  jq accepts a "literal" that is not a JSON literal or number: jq
 *     collects any run of bytes other than white space, []{},: and '"'
 *     into one token and accepts it when it is true/false/null/nan or when
 *     its whole text (up to a NUL byte!) is read by its strtod: 01, 1., .5,
 *     +1, -.5, nan, NaN, -nan, inf, Infinity, and "\0<anything>" (as 0).
 *     Skipped when this is the first deviation in the text and our error
 *     lies inside that token (or at its end).
 *  U  jq accepts invalid UTF-8 inside strings, replacing it with U+FFFD
 *     (overlong forms, surrogates, code points past U+10FFFF, truncated or
 *     stray bytes). Skipped when this is the first deviation and our error
 *     is exactly at the first invalid byte, found by the harness's own
 *     UTF-8 decoder.
 *  C  jq accepts two raw control characters inside strings, NUL (0x00)
 *     and US (0x1F): its check is "0 < c < 0x1F" where RFC 8259 wants
 *     every byte below 0x20 escaped. Skipped when such a byte is the first
 *     deviation and our error is exactly at it.
 *  B  jq skips a UTF-8 byte order mark at the very start. Not skipped:
 *     the text after the mark is compared in full instead, after checking
 *     that jq gives the same value without the mark.
 *  R  jq stops at an ASCII RS byte (0x1E, the json-seq separator) that
 *     follows a complete value and ignores the rest of the text, even the
 *     unfinished start of a second value before the RS (-1{<RS>...).
 *     Not skipped: our error must be at or before that RS, and then
 *     either the text before the RS, or else the text before our error
 *     (the first value alone), must give jq's value, and is compared in
 *     full.
 *  D  jq's depth limit (256) counts an object twice while one of its
 *     values is being parsed (the pending key is pushed on its stack), so
 *     {"a":[[...]]} with 255 levels in all is refused. Arrays alone count
 *     once each, and there jq is right: 256 levels pass, 257 do not, and
 *     ours (MKT_JSON_MAX_DEPTH) agrees. Skipped when jq reports the depth
 *     limit, ours accepted, and the harness's recount of jq's stack
 *     (array 1, object 2 per enclosing level) reaches 256 at some opening.
 *  S  jq refuses a high surrogate escape (\uD800-\uDBFF) that is not
 *     followed at once by a low surrogate escape. RFC 8259 (section 8.2)
 *     allows such unpaired escapes in its grammar; ours accepts them and
 *     decodes them to U+FFFD (as jq itself does for an unpaired low
 *     surrogate). Skipped when jq reports a surrogate pair error and the
 *     text has such an unpaired high surrogate escape.
 * Everything else where jq and we differ is a finding. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jv.h>

#include "buf.h"
#include "json.h"

#define DIE(...) do { \
	fprintf(stderr, "json_scan: " __VA_ARGS__); \
	fputc('\n', stderr); \
	abort(); \
} while (0)

static struct mkt_buf tmp, emit;

/* ---- an independent view of the text, as jq tokenises it ---- */

static int is_sep(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == 0x1E ||
	    c == '[' || c == ']' || c == '{' || c == '}' || c == ',' ||
	    c == ':' || c == '"';
}

/* RFC 8259 literal or number, the whole of s[0..n). */
static int strict_literal(const unsigned char *s, size_t n)
{
	size_t i = 0;

	if ((n == 4 && memcmp(s, "true", 4) == 0) ||
	    (n == 5 && memcmp(s, "false", 5) == 0) ||
	    (n == 4 && memcmp(s, "null", 4) == 0))
		return 1;
	if (i < n && s[i] == '-')
		i++;
	if (i >= n)
		return 0;
	if (s[i] == '0')
		i++;
	else if (s[i] >= '1' && s[i] <= '9')
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	else
		return 0;
	if (i < n && s[i] == '.') {
		size_t d = ++i;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
		if (i == d)
			return 0;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		size_t d;
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		d = i;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
		if (i == d)
			return 0;
	}
	return i == n;
}

/* Length of a valid UTF-8 character at s (n bytes left), or 0. Decodes
 * the code point and checks its range, unlike lib/json.c's table of
 * allowed second bytes. */
static size_t utf8_char(const unsigned char *s, size_t n)
{
	uint32_t cp, min;
	size_t k, i;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xE0) == 0xC0) {
		k = 2; cp = s[0] & 0x1F; min = 0x80;
	} else if ((s[0] & 0xF0) == 0xE0) {
		k = 3; cp = s[0] & 0x0F; min = 0x800;
	} else if ((s[0] & 0xF8) == 0xF0) {
		k = 4; cp = s[0] & 0x07; min = 0x10000;
	} else {
		return 0;
	}
	if (n < k)
		return 0;
	for (i = 1; i < k; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return k;
}

enum { DEV_NONE, DEV_LITERAL, DEV_UTF8, DEV_CTRL };

/* The first place, in jq's tokenisation, where the text leaves RFC 8259
 * in a way jq tolerates (classes L, U and C). Sets [*from, *to]. */
static int first_deviation(const unsigned char *s, size_t n, size_t *from,
    size_t *to)
{
	size_t i = 0, j, k;

	while (i < n) {
		if (s[i] == '"') {
			for (j = i + 1; j < n && s[j] != '"';) {
				if (s[j] == '\\') {
					j += 2;
				} else if (s[j] == 0x00 || s[j] == 0x1F) {
					*from = *to = j;
					return DEV_CTRL;
				} else if (s[j] >= 0x80) {
					if ((k = utf8_char(s + j, n - j)) == 0) {
						*from = *to = j;
						return DEV_UTF8;
					}
					j += k;
				} else {
					j++;
				}
			}
			i = j + 1;
		} else if (is_sep(s[i])) {
			i++;
		} else {
			for (j = i; j < n && !is_sep(s[j]); j++)
				;
			if (!strict_literal(s + i, j - i)) {
				*from = i;
				*to = j;
				return DEV_LITERAL;
			}
			i = j;
		}
	}
	return DEV_NONE;
}

/* Class D: does jq's stack count (array 1, object 2 per enclosing level)
 * reach 256 when some container opens? s is valid JSON. */
static int jq_depth_exceeded(const unsigned char *s, size_t n)
{
	unsigned char kinds[300];
	size_t i, depth = 0, slots = 0;

	for (i = 0; i < n; i++) {
		unsigned char c = s[i];
		if (c == '"') {
			for (i++; i < n && s[i] != '"'; i++)
				if (s[i] == '\\')
					i++;
		} else if (c == '{' || c == '[') {
			if (slots >= 256)
				return 1;
			if (depth >= sizeof(kinds))
				return 0;
			kinds[depth++] = c;
			slots += c == '{' ? 2 : 1;
		} else if (c == '}' || c == ']') {
			if (depth == 0)
				return 0;
			slots -= kinds[--depth] == '{' ? 2 : 1;
		}
	}
	return 0;
}

static int hexdig(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	    (c >= 'A' && c <= 'F');
}

static unsigned hex4val(const unsigned char *p)
{
	char t[5] = { (char)p[0], (char)p[1], (char)p[2], (char)p[3], 0 };
	return (unsigned)strtoul(t, NULL, 16);
}

/* Class S: a \uD800-\uDBFF escape not followed by a \uDC00-\uDFFF one.
 * s is valid JSON. */
static int unpaired_high_surrogate(const unsigned char *s, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		if (s[i] != '"')
			continue;
		for (j = i + 1; j < n && s[j] != '"'; j++) {
			if (s[j] != '\\')
				continue;
			if (j + 5 < n && s[j + 1] == 'u' && hexdig(s[j + 2])) {
				unsigned cp = hex4val(s + j + 2), lo = 0;
				if (cp >= 0xD800 && cp <= 0xDBFF) {
					if (j + 11 < n && s[j + 6] == '\\' && s[j + 7] == 'u')
						lo = hex4val(s + j + 8);
					if (!(lo >= 0xDC00 && lo <= 0xDFFF))
						return 1;
				}
			}
			j++; /* the escaped character */
		}
		i = j;
	}
	return 0;
}

/* ---- our view, rebuilt as jq values ---- */

static jv ours_object(const char *s, size_t n);

/* A number field read by us, cross-checked with the integer reader and
 * the emitter. */
static jv ours_number(const struct mkt_jfield *f)
{
	double d, back;
	int64_t i;
	char text[64];
	int prec;

	if (mkt_jfield_double(f, 0, &d) < 0)
		DIE("mkt_jfield_double refused number '%.*s'", (int)f->vlen, f->val);
	if (mkt_jfield_int64(f, &i) == 0) {
		if ((double)i != d)
			DIE("int64 %lld and double %.17g differ for '%.*s'",
			    (long long)i, d, (int)f->vlen, f->val);
	} else if (d == floor(d) && fabs(d) <= 9007199254740992.0) {
		/* (beyond 2^53 the text may be out of range while its double
		 * is not, e.g. -9223372036854775809: refusing is right) */
		DIE("mkt_jfield_int64 refused integral '%.*s'", (int)f->vlen, f->val);
	}
	if (f->vlen < sizeof(text)) { /* the fast paths read what strtod reads */
		memcpy(text, f->val, f->vlen);
		text[f->vlen] = '\0';
		back = strtod(text, NULL);
		if (memcmp(&back, &d, sizeof(d)) != 0)
			DIE("'%s' read as %.17g, strtod %.17g", text, d, back);
	}
	if (d - d == 0) { /* finite: the emitter must round-trip it */
		mkt_buf_reset(&emit);
		mkt_json_num(&emit, d);
		if (mkt_json_parse_number(emit.p, emit.len, &back) < 0 || back != d)
			DIE("mkt_json_num(%.17g) wrote '%s'", d, emit.p);
		/* and write what %.15g, %.16g or %.17g (the first that reads
		 * back) writes, beyond the integers it writes as such */
		if (!(d == floor(d) && fabs(d) < 1e15)) {
			for (prec = 15; prec <= 17; prec++) {
				snprintf(text, sizeof(text), "%.*g", prec, d);
				if (prec == 17 || strtod(text, NULL) == d)
					break;
			}
			if (strcmp(text, emit.p) != 0)
				DIE("mkt_json_num(%.17g) wrote '%s', %%.%dg '%s'", d,
				    emit.p, prec, text);
		}
	}
	return jv_number(d);
}

/* A decoded string, with the emitter's escaping read back by jq. */
static jv ours_string(const char *s, size_t len)
{
	jv js = jv_string_sized(s, (int)len), back;

	mkt_buf_reset(&emit);
	mkt_json_str(&emit, s, len);
	back = jv_parse_sized(emit.p, (int)emit.len);
	if (!jv_equal(jv_copy(js), back))
		DIE("mkt_json_str wrote '%s', which jq reads differently", emit.p);
	return js;
}

static jv ours_value(const struct mkt_jfield *f)
{
	const char *s;
	size_t len;
	jv v;

	switch (f->type) {
	case MKT_JSTR:
		if (mkt_jfield_string(f, &tmp, &s, &len) < 0)
			DIE("mkt_jfield_string refused a scanned string");
		return ours_string(s, len);
	case MKT_JNUM:
		return ours_number(f);
	case MKT_JOBJ:
		if (mkt_json_validate(f->val, f->vlen, NULL, 0) != MKT_JOBJ)
			DIE("an object slice does not validate as an object");
		return ours_object(f->val, f->vlen);
	case MKT_JARR:
		if (mkt_json_validate(f->val, f->vlen, NULL, 0) != MKT_JARR)
			DIE("an array slice does not validate as an array");
		v = jv_parse_sized(f->val, (int)f->vlen);
		if (!jv_is_valid(v))
			DIE("jq refuses the array slice '%.*s'", (int)f->vlen, f->val);
		return v;
	case MKT_JTRUE:
		if (f->vlen != 4 || memcmp(f->val, "true", 4) != 0)
			DIE("bad true slice");
		return jv_true();
	case MKT_JFALSE:
		if (f->vlen != 5 || memcmp(f->val, "false", 5) != 0)
			DIE("bad false slice");
		return jv_false();
	case MKT_JNULL:
		if (f->vlen != 4 || memcmp(f->val, "null", 4) != 0)
			DIE("bad null slice");
		return jv_null();
	}
	DIE("field of unknown type %d", f->type);
}

/* The field's key, decoded, as a jq string. */
static jv ours_key(const struct mkt_jfield *f)
{
	mkt_buf_reset(&tmp);
	if (f->kesc) {
		if (mkt_json_unescape(f->key, f->klen, &tmp) < 0)
			DIE("mkt_json_unescape refused a scanned key");
	} else {
		mkt_buf_add(&tmp, f->key, f->klen);
	}
	return ours_string(tmp.p ? tmp.p : "", tmp.len);
}

/* Scan s[0..n) (valid) and rebuild it as a jq object; check lookups. */
static jv ours_object(const char *s, size_t n)
{
	struct mkt_jobj o = { 0 };
	char err[128];
	jv obj = jv_object();
	size_t i, j;

	if (mkt_json_scan(&o, s, n, err, sizeof(err)) < 0)
		DIE("mkt_json_scan refused what validated as an object: %s", err);
	for (i = 0; i < o.n; i++) {
		jv key = ours_key(&o.f[i]);
		const struct mkt_jfield *g;
		size_t last = i;
		/* the lookup must find the last field of this (decoded) key */
		for (j = i + 1; j < o.n; j++) {
			jv kj = ours_key(&o.f[j]);
			if (jv_equal(jv_copy(key), kj))
				last = j;
		}
		g = mkt_jobj_get(&o, jv_string_value(key),
		    (size_t)jv_string_length_bytes(jv_copy(key)));
		if (g != &o.f[last])
			DIE("lookup of key %zu found field %td, not %zu", i,
			    g ? g - o.f : -1, last);
		obj = jv_object_set(obj, key, ours_value(&o.f[i]));
	}
	mkt_jobj_free(&o);
	return obj;
}

/* ---- the comparison ---- */

/* jv_equal, except that a NaN equals a NaN: jq reads nan, NaN and -nan
 * as numbers (class L), and the B and R checks compare two of jq's own
 * readings of such a text. Consumes a and b. */
static int same_value(jv a, jv b)
{
	int eq;

	if (jv_get_kind(a) != jv_get_kind(b)) {
		eq = 0;
	} else if (jv_get_kind(a) == JV_KIND_NUMBER) {
		double x = jv_number_value(a), y = jv_number_value(b);
		eq = x == y || (isnan(x) && isnan(y));
	} else if (jv_get_kind(a) == JV_KIND_ARRAY) {
		int i, n = jv_array_length(jv_copy(a));
		eq = n == jv_array_length(jv_copy(b));
		for (i = 0; eq && i < n; i++)
			eq = same_value(jv_array_get(jv_copy(a), i),
			    jv_array_get(jv_copy(b), i));
	} else if (jv_get_kind(a) == JV_KIND_OBJECT) {
		jv keys = jv_keys(jv_copy(a));
		int i, n = jv_array_length(jv_copy(keys));
		eq = n == jv_object_length(jv_copy(b));
		for (i = 0; eq && i < n; i++) {
			jv k = jv_array_get(jv_copy(keys), i);
			eq = jv_object_has(jv_copy(b), jv_copy(k)) &&
			    same_value(jv_object_get(jv_copy(a), jv_copy(k)),
			    jv_object_get(jv_copy(b), jv_copy(k)));
			jv_free(k);
		}
		jv_free(keys);
	} else {
		return jv_equal(a, b);
	}
	jv_free(a);
	jv_free(b);
	return eq;
}

static size_t err_offset(const char *err, size_t n)
{
	size_t col;

	if (sscanf(err, "column %zu:", &col) != 1 || col < 1 || col > n + 1)
		DIE("bad error message '%s' (length %zu)", err, n);
	return col - 1;
}

static void compare(const char *s, size_t n, int level);

/* Both accepted s: the same value. */
static void compare_values(const char *s, size_t n, int type, jv want)
{
	jv got;
	size_t a = 0, b = n;
	struct mkt_jfield f = { 0 };

	while (a < b && strchr(" \t\r\n", s[a]))
		a++;
	while (b > a && strchr(" \t\r\n", s[b - 1]))
		b--;
	f.type = (uint8_t)type;
	f.val = s + a;
	f.vlen = (uint32_t)(b - a);
	if (type == MKT_JSTR) {
		f.val++;
		f.vlen -= 2;
		f.vesc = 1;
	}
	got = ours_value(&f);
	if (!jv_equal(jv_copy(got), jv_copy(want))) {
		jv g = jv_dump_string(got, 0), w = jv_dump_string(want, 0);
		DIE("values differ for '%.*s':\n  ours %s\n  jq   %s", (int)n, s,
		    jv_string_value(g), jv_string_value(w));
	}
	if (type == MKT_JOBJ) {
		/* reopen the object, add a field, close it */
		jv back, exp;
		mkt_buf_reset(&emit);
		if (mkt_json_reopen(&emit, s, n) < 0)
			DIE("mkt_json_reopen refused an object");
		mkt_json_key(&emit, "\x01reopened");
		mkt_json_int(&emit, 7);
		mkt_buf_addc(&emit, '}');
		back = jv_parse_sized(emit.p, (int)emit.len);
		exp = jv_object_set(jv_copy(want), jv_string("\x01reopened"),
		    jv_number(7));
		if (!jv_equal(back, exp))
			DIE("mkt_json_reopen gave '%s'", emit.p);
	}
	jv_free(got);
	jv_free(want);
}

static const char *kind_name(int t)
{
	static const char *names[] = { "none", "string", "number", "object",
		"array", "true", "false", "null" };
	return t >= 0 && t <= MKT_JNULL ? names[t] : "invalid";
}

static int jq_type(jv v)
{
	switch (jv_get_kind(v)) {
	case JV_KIND_STRING: return MKT_JSTR;
	case JV_KIND_NUMBER: return MKT_JNUM;
	case JV_KIND_OBJECT: return MKT_JOBJ;
	case JV_KIND_ARRAY: return MKT_JARR;
	case JV_KIND_TRUE: return MKT_JTRUE;
	case JV_KIND_FALSE: return MKT_JFALSE;
	case JV_KIND_NULL: return MKT_JNULL;
	default: return -1;
	}
}

/* jq accepted s (value want), ours did not (error at off): one of the
 * classes L, U, B, R, or a finding. Consumes want. */
static void jq_only(const char *s, size_t n, size_t off, jv want, int level)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t from = 0, to = 0;
	const char *rs;
	int dev;

	if (level < 4 && n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0 && off == 0) {
		/* B: compare the rest, which jq must read the same */
		jv rest = jv_parse_sized(s + 3, (int)n - 3);
		if (!same_value(jv_copy(want), rest))
			DIE("jq reads the text differently without its BOM");
		jv_free(want);
		compare(s + 3, n - 3, level + 1);
		return;
	}
	rs = memchr(s, 0x1E, n);
	if (level < 4 && rs != NULL && (size_t)(rs - s) >= off) {
		/* R: jq read up to the RS; either the text before it is one
		 * value, or it is one value (which ours must read as far as
		 * where it stopped) and the start of another that the RS cut */
		size_t r = (size_t)(rs - s);
		jv head = jv_parse_sized(s, (int)r);
		if (same_value(jv_copy(want), head)) {
			jv_free(want);
			compare(s, r, level + 1);
			return;
		}
		head = jv_parse_sized(s, (int)off);
		if (same_value(jv_copy(want), head)) {
			jv_free(want);
			compare(s, off, level + 1);
			return;
		}
		/* else the RS is not why we differ: try the other classes */
	}
	dev = first_deviation(u, n, &from, &to);
	if (dev != DEV_NONE && off >= from && off <= to) {
		jv_free(want); /* L, U or C */
		return;
	}
	{
		jv w = jv_dump_string(want, 0);
		DIE("jq accepts, ours refuses at byte %zu (deviation %d at %zu-%zu): "
		    "'%.*s'\n  jq: %s", off, dev, from, to, (int)n, s,
		    jv_string_value(w));
	}
}

/* Ours accepted s, jq did not (message msg): class D or S, or a finding. */
static void ours_only(const char *s, size_t n, const char *msg)
{
	const unsigned char *u = (const unsigned char *)s;

	if (strstr(msg, "Exceeds depth limit") && jq_depth_exceeded(u, n))
		return; /* D */
	if (strstr(msg, "surrogate pair") && unpaired_high_surrogate(u, n))
		return; /* S */
	DIE("ours accepts, jq refuses: '%.*s'\n  jq: %s", (int)n, s, msg);
}

static void compare(const char *s, size_t n, int level)
{
	char verr[128], serr[128];
	struct mkt_jobj o = { 0 };
	int vt, st;
	jv v;

	verr[0] = serr[0] = '\0';
	vt = mkt_json_validate(s, n, verr, sizeof(verr));
	st = mkt_json_scan(&o, s, n, serr, sizeof(serr));
	mkt_jobj_free(&o);
	if ((st == 0) != (vt == MKT_JOBJ))
		DIE("mkt_json_scan %d but mkt_json_validate %d (%s)", st, vt, serr);
	if (st < 0)
		err_offset(serr, n);
	if (vt >= 0) {
		/* what ours accepts has none of the deviations jq tolerates
		 * (a lax UTF-8 check would otherwise pass unseen: jq reads the
		 * same bad bytes the same way) */
		size_t from, to;
		int dev = first_deviation((const unsigned char *)s, n, &from, &to);
		if (dev != DEV_NONE)
			DIE("ours accepts deviation %d at %zu-%zu: '%.*s'", dev, from,
			    to, (int)n, s);
	}
	v = jv_parse_sized(s, (int)n);
	if (jv_is_valid(v)) {
		if (vt < 0) {
			jq_only(s, n, err_offset(verr, n), v, level);
			return;
		}
		if (jq_type(v) != vt)
			DIE("ours says %s, jq %s", kind_name(vt), kind_name(jq_type(v)));
		compare_values(s, n, vt, v);
		return;
	}
	if (vt >= 0) {
		jv msg = jv_invalid_get_msg(v);
		char m[512];
		snprintf(m, sizeof(m), "%s", jv_get_kind(msg) == JV_KIND_STRING ?
		    jv_string_value(msg) : "(no message)");
		jv_free(msg);
		ours_only(s, n, m);
		return;
	}
	jv_free(v);
}

/* jq 1.6 leaks the string token when a string follows a complete value
 * (["a" "b"], {"a""b":1}: "Expected separator between values"). Leaks
 * from allocations made inside libjq are therefore not findings; leaks
 * of memory that lib/ allocates still are. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libjq.so\n";
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 1 << 16)
		return 0;
	compare((const char *)data, size, 0);
	return 0;
}
