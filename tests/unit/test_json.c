/* SPDX-License-Identifier: MIT */
/* test_json.c -- the scanner and emitter on hand-written cases. */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "json.h"
#include "unit.h"

static int scan(struct mkt_jobj *o, const char *s)
{
	char err[128];
	return mkt_json_scan(o, s, strlen(s), err, sizeof(err));
}

static const char *num(double d)
{
	static struct mkt_buf b;
	mkt_buf_reset(&b);
	mkt_json_num(&b, d);
	return b.p;
}

/* Error column of mkt_json_scan on s, or 0 if it was accepted. */
static int errcol(const char *s, size_t len)
{
	static struct mkt_jobj o;
	char err[128];
	int col = 0;

	if (mkt_json_scan(&o, s, len, err, sizeof(err)) == 0)
		return 0;
	if (sscanf(err, "column %d:", &col) != 1)
		return -1;
	return col;
}

/* n nested arrays inside {"a": ... } when obj, else n bare arrays. */
static char *nest(int n, int obj)
{
	char *s = malloc((size_t)n * 2 + 8), *p = s;
	int i;

	if (obj)
		p += sprintf(p, "{\"a\":");
	for (i = 0; i < n; i++)
		*p++ = '[';
	for (i = 0; i < n; i++)
		*p++ = ']';
	if (obj)
		*p++ = '}';
	*p = '\0';
	return s;
}

static const char *dnum(double d)
{
	static struct mkt_buf b;
	mkt_buf_reset(&b);
	mkt_json_num(&b, d);
	return b.p;
}

static void test_more(void)
{
	struct mkt_jobj o = { 0 };
	struct mkt_buf tmp = MKT_BUF_INIT, b = MKT_BUF_INIT;
	const struct mkt_jfield *f;
	char err[128], *s;
	const char *str;
	size_t len;
	double d;
	int64_t i;
	int k;

	/* mkt_json_validate: any value, its type */
	CHECK(mkt_json_validate(" 1 ", 3, err, sizeof(err)) == MKT_JNUM);
	CHECK(mkt_json_validate("\"x\"", 3, err, sizeof(err)) == MKT_JSTR);
	CHECK(mkt_json_validate("[]", 2, err, sizeof(err)) == MKT_JARR);
	CHECK(mkt_json_validate("{}", 2, err, sizeof(err)) == MKT_JOBJ);
	CHECK(mkt_json_validate("true", 4, err, sizeof(err)) == MKT_JTRUE);
	CHECK(mkt_json_validate("false", 5, err, sizeof(err)) == MKT_JFALSE);
	CHECK(mkt_json_validate("null", 4, err, sizeof(err)) == MKT_JNULL);
	CHECK(mkt_json_validate("", 0, err, sizeof(err)) == -1);
	CHECK(mkt_json_validate("1 2", 3, err, sizeof(err)) == -1);
	CHECK(mkt_json_validate("nul", 3, err, sizeof(err)) == -1);
	CHECK(mkt_json_validate("[1,[2,[3]]]", 11, err, sizeof(err)) == MKT_JARR);

	/* depth: 256 levels pass, 257 do not (jq 1.6 agrees for arrays) */
	s = nest(256, 0);
	CHECK(mkt_json_validate(s, strlen(s), err, sizeof(err)) == MKT_JARR);
	free(s);
	s = nest(257, 0);
	CHECK(mkt_json_validate(s, strlen(s), err, sizeof(err)) == -1);
	CHECK(strstr(err, "column 257: nested too deeply") != NULL);
	free(s);
	s = nest(255, 1);
	CHECK(scan(&o, s) == 0 && o.n == 1 && o.f[0].type == MKT_JARR && o.f[0].vlen == 510);
	free(s);
	s = nest(256, 1);
	CHECK(scan(&o, s) == -1);
	free(s);

	/* error columns point at the fault */
	CHECK(errcol("{\"a\":1,}", 8) == 8);
	CHECK(errcol("{\"a\" 1}", 7) == 6);
	CHECK(errcol("{\"a\":\"\x01\"}", 9) == 7);
	CHECK(errcol("{\"a\":\"x\xff\"}", 10) == 8);
	CHECK(errcol("{\"a\":1} x", 9) == 9);
	CHECK(errcol("[1]", 3) == 1);
	CHECK(errcol("{\"a\":1", 6) == 7);
	CHECK(errcol("{\"a\":\"x\\u00\"}", 13) == 8);
	/* a NUL byte is a byte like any other: not an end */
	CHECK(errcol("{\"a\":1}\0", 8) == 8);
	CHECK(errcol("{\"a\":\"\0\"}", 9) == 7);

	/* white space: only the four of RFC 8259 */
	CHECK(scan(&o, "\t\r\n {\n\"a\"\t:\r1\n}\n") == 0 && o.n == 1);
	CHECK(scan(&o, "\f{}") == -1);
	CHECK(scan(&o, "{}\v") == -1);
	CHECK(scan(&o, "\xc2\xa0{}") == -1);

	/* UTF-8: the boundaries of each form */
	CHECK(scan(&o, "{\"a\":\"\x7f\xc2\x80\xdf\xbf\xe0\xa0\x80\xed\x9f\xbf\xee\x80\x80\xef\xbf\xbf\xf0\x90\x80\x80\xf4\x8f\xbf\xbf\"}") == 0);
	CHECK(scan(&o, "{\"a\":\"\xc1\xbf\"}") == -1);          /* overlong */
	CHECK(scan(&o, "{\"a\":\"\xe0\x9f\xbf\"}") == -1);      /* overlong */
	CHECK(scan(&o, "{\"a\":\"\xf0\x8f\xbf\xbf\"}") == -1);  /* overlong */
	CHECK(scan(&o, "{\"a\":\"\xed\xbf\xbf\"}") == -1);      /* surrogate */
	CHECK(scan(&o, "{\"a\":\"\xf4\x90\x80\x80\"}") == -1);  /* > U+10FFFF */
	CHECK(scan(&o, "{\"a\":\"\xf5\x80\x80\x80\"}") == -1);
	CHECK(scan(&o, "{\"a\":\"\x80\"}") == -1);              /* stray continuation */
	CHECK(scan(&o, "{\"a\":\"\xe2\x82\"}") == -1);          /* cut short */
	CHECK(scan(&o, "{\"\xe2\x82\xac\":1}") == 0);            /* in keys too */
	CHECK(scan(&o, "{\"\xe2\x82\":1}") == -1);

	/* many fields (the field array grows) and lookups by escaped key */
	mkt_buf_reset(&b);
	mkt_buf_addc(&b, '{');
	for (k = 0; k < 100; k++) {
		char key[16];
		snprintf(key, sizeof(key), "f%d", k);
		mkt_json_key(&b, key);
		mkt_json_int(&b, k);
	}
	mkt_buf_adds(&b, ",\"f\\u0035\":\"five\"}");
	CHECK(scan(&o, b.p) == 0 && o.n == 101);
	f = mkt_jobj_gets(&o, "f99");
	CHECK(f && mkt_jfield_int64(f, &i) == 0 && i == 99);
	f = mkt_jobj_gets(&o, "f5"); /* the later, escaped spelling wins */
	CHECK(f && f->kesc && mkt_jfield_string(f, &tmp, &str, &len) == 0 && len == 4);
	f = mkt_jobj_gets(&o, "f50");
	CHECK(f && mkt_jfield_int64(f, &i) == 0 && i == 50);
	CHECK(mkt_jobj_get(&o, "f5\0", 3) == NULL);
	CHECK(scan(&o, "{\"a\\u0000b\":1}") == 0);
	CHECK(mkt_jobj_get(&o, "a\0b", 3) != NULL && mkt_jobj_gets(&o, "a") == NULL);

	/* numbers: types and readers */
	CHECK(scan(&o, "{\"i\":-9223372036854775808,\"j\":9223372036854775807,"
	    "\"k\":9223372036854775808,\"e\":1e3,\"x\":1.5,\"z\":-0,\"s\":\"2.5\","
	    "\"t\":\"2.5x\",\"u\":\"\\u0032\",\"b\":true}") == 0);
	CHECK(mkt_jfield_int64(mkt_jobj_gets(&o, "i"), &i) == 0 && i == INT64_MIN);
	CHECK(mkt_jfield_int64(mkt_jobj_gets(&o, "j"), &i) == 0 && i == INT64_MAX);
	CHECK(mkt_jfield_int64(mkt_jobj_gets(&o, "k"), &i) == -1);
	CHECK(mkt_jfield_int64(mkt_jobj_gets(&o, "e"), &i) == 0 && i == 1000);
	CHECK(mkt_jfield_int64(mkt_jobj_gets(&o, "x"), &i) == -1);
	CHECK(mkt_jfield_int64(mkt_jobj_gets(&o, "z"), &i) == 0 && i == 0);
	CHECK(mkt_jfield_int64(mkt_jobj_gets(&o, "s"), &i) == -1);
	CHECK(mkt_jfield_double(mkt_jobj_gets(&o, "s"), 0, &d) == -1);
	CHECK(mkt_jfield_double(mkt_jobj_gets(&o, "s"), 1, &d) == 0 && d == 2.5);
	CHECK(mkt_jfield_double(mkt_jobj_gets(&o, "t"), 1, &d) == -1);
	CHECK(mkt_jfield_double(mkt_jobj_gets(&o, "u"), 1, &d) == -1);
	CHECK(mkt_jfield_double(mkt_jobj_gets(&o, "b"), 1, &d) == -1);
	CHECK(mkt_jfield_string(mkt_jobj_gets(&o, "b"), &tmp, &str, &len) == -1);
	CHECK(mkt_json_parse_number("1e-400", 6, &d) == 0 && d == 0);
	CHECK(mkt_json_parse_number("4.9406564584124654e-324", 23, &d) == 0 && d == 4.9406564584124654e-324);
	CHECK(mkt_json_parse_number("9007199254740993", 16, &d) == 0 && d == 9007199254740992.0);
	CHECK(mkt_json_parse_number("0.30000000000000004", 19, &d) == 0 && d == 0.1 + 0.2);
	CHECK(mkt_json_parse_number("1.7976931348623157e308", 22, &d) == 0 && d == 1.7976931348623157e308);
	CHECK(mkt_json_parse_number("01", 2, &d) == -1);
	CHECK(mkt_json_parse_number("1 ", 2, &d) == -1);
	CHECK(mkt_json_parse_number("", 0, &d) == -1);
	CHECK(mkt_json_parse_number("-", 1, &d) == -1);
	CHECK(mkt_json_parse_number("0.000000000000000000000000000001", 32, &d) == 0 && d == 1e-30);

	/* the emitter's numbers read back exactly */
	CHECK_STR(dnum(1e21), "1e+21");
	CHECK_STR(dnum(1e15), "1e+15");
	CHECK_STR(dnum(999999999999999.0), "999999999999999");
	CHECK_STR(dnum(-1e-7), "-1e-07");
	CHECK_STR(dnum(0.1 + 0.2), "0.30000000000000004");
	CHECK_STR(dnum(5e-324), "4.94065645841247e-324");
	CHECK_STR(dnum(-175.25), "-175.25");
	CHECK_STR(dnum(INFINITY), "null");
	CHECK_STR(dnum(-INFINITY), "null");
	mkt_buf_reset(&b);
	mkt_json_int(&b, INT64_MIN);
	CHECK_STR(b.p, "-9223372036854775808");

	/* unescaping: every escape, surrogate pairs, lone halves */
	mkt_buf_reset(&tmp);
	CHECK(mkt_json_unescape("\\\"\\\\\\/\\b\\f\\n\\r\\t", 16, &tmp) == 0);
	CHECK(tmp.len == 8 && memcmp(tmp.p, "\"\\/\b\f\n\r\t", 8) == 0);
	mkt_buf_reset(&tmp);
	CHECK(mkt_json_unescape("\\ud800x\\udc00\\ud800\\ud800\\udfff", 31, &tmp) == 0);
	CHECK_STR(tmp.p, "\xef\xbf\xbdx\xef\xbf\xbd\xef\xbf\xbd\xf0\x90\x8f\xbf");
	mkt_buf_reset(&tmp);
	CHECK(mkt_json_unescape("\\u00", 4, &tmp) == -1);
	mkt_buf_reset(&tmp);
	CHECK(mkt_json_unescape("a\\", 2, &tmp) == -1);

	/* emitter strings: controls, DEL, the replacement of bad bytes */
	mkt_buf_reset(&b);
	mkt_json_str(&b, "\x7f\x1f\b\f\r\t\0/", 8);
	CHECK_STR(b.p, "\"\x7f\\u001f\\b\\f\\r\\t\\u0000/\"");
	mkt_buf_reset(&b);
	mkt_json_str(&b, "\xe2\x82\xc3\xa9\xf4\x90\x80\x80", 8);
	CHECK(mkt_json_validate(b.p, b.len, err, sizeof(err)) == MKT_JSTR);
	CHECK_STR(b.p, "\"\xef\xbf\xbd\xef\xbf\xbd\xc3\xa9\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"");
	mkt_buf_reset(&b);
	mkt_json_str(&b, "", 0);
	CHECK_STR(b.p, "\"\"");

	/* separators and keys */
	mkt_buf_reset(&b);
	mkt_buf_addc(&b, '[');
	mkt_json_sep(&b);
	mkt_json_int(&b, 1);
	mkt_json_sep(&b);
	mkt_buf_addc(&b, '{');
	mkt_json_keyn(&b, "k\"ey", 4);
	mkt_json_str(&b, "v", 1);
	mkt_buf_adds(&b, "}]");
	CHECK_STR(b.p, "[1,{\"k\\\"ey\":\"v\"}]");

	/* reopen: white space before the brace, and a text without one */
	mkt_buf_reset(&b);
	CHECK(mkt_json_reopen(&b, "{\"a\":{\"b\":1}\n}\r", 15) == 0);
	CHECK_STR(b.p, "{\"a\":{\"b\":1}");
	mkt_buf_reset(&b);
	CHECK(mkt_json_reopen(&b, "[1]", 3) == -1);

	mkt_jobj_free(&o);
	mkt_jobj_free(&o);
	mkt_buf_free(&tmp);
	mkt_buf_free(&b);
}

/* ---- the fast paths against references ---- */

static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;

static uint64_t rng(void)
{
	uint64_t x = rng_state;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return rng_state = x;
}

/* Random JSON number text into s (NUL-terminated); *integer set when it
 * has no fraction and no exponent. */
static void rand_number(char *s, int *integer)
{
	int n = 0, k, len;

	if (rng() % 3 == 0)
		s[n++] = '-';
	if (rng() % 5 == 0) {
		s[n++] = '0';
	} else {
		len = 1 + (int)(rng() % 21);
		s[n++] = (char)('1' + rng() % 9);
		for (k = 1; k < len; k++)
			s[n++] = (char)('0' + rng() % 10);
	}
	*integer = 1;
	if (rng() % 2) {
		*integer = 0;
		s[n++] = '.';
		len = 1 + (int)(rng() % 20);
		for (k = 0; k < len; k++)
			s[n++] = (char)('0' + (rng() % 4 == 0 ? 0 : rng() % 10));
	}
	if (rng() % 4 == 0) {
		*integer = 0;
		s[n++] = rng() % 2 ? 'e' : 'E';
		if (rng() % 2)
			s[n++] = rng() % 2 ? '-' : '+';
		len = 1 + (int)(rng() % 3);
		for (k = 0; k < len; k++)
			s[n++] = (char)('0' + rng() % 10);
	}
	s[n] = '\0';
}

/* Numbers read from scanned lines against strtod() and strtoll(): the
 * same double, bit for bit, and the same integer or the same refusal. */
static void test_numbers_random(void)
{
	struct mkt_jobj o = { 0 };
	char text[96], line[128];
	const struct mkt_jfield *f;
	int bad = 0, integer, i, rc;
	double d, want;
	int64_t v, wantv;

	for (i = 0; i < 1000000 && bad < 10; i++) {
		rand_number(text, &integer);
		snprintf(line, sizeof(line), "{\"v\":%s}", text);
		if (scan(&o, line) != 0 || (f = mkt_jobj_gets(&o, "v")) == NULL ||
		    f->vlen != strlen(text)) {
			fprintf(stderr, "  not scanned: %s\n", text);
			bad++;
			continue;
		}
		want = strtod(text, NULL);
		if (mkt_jfield_double(f, 0, &d) != 0 || memcmp(&d, &want, sizeof(d)) != 0) {
			fprintf(stderr, "  %s: read %.17g, strtod %.17g\n", text, d, want);
			bad++;
		}
		rc = mkt_jfield_int64(f, &v);
		if (integer) {
			errno = 0;
			wantv = strtoll(text, NULL, 10);
			if (errno == ERANGE ? rc != -1 : rc != 0 || v != wantv) {
				fprintf(stderr, "  %s: int64 %d %lld\n", text, rc, (long long)v);
				bad++;
			}
		} else {
			int ok = want == floor(want) && want >= -9223372036854775808.0 &&
			    want < 9223372036854775808.0;
			if (ok ? rc != 0 || v != (int64_t)want : rc != -1) {
				fprintf(stderr, "  %s: int64 %d %lld\n", text, rc, (long long)v);
				bad++;
			}
		}
	}
	CHECK(bad == 0);
	mkt_jobj_free(&o);
}

/* mkt_json_scan() (its fast path, and the reference scanner behind it)
 * against mkt_json_validate() on mutated lines: accepted exactly when the
 * text is an object, and then every field's key and value are what the
 * validator makes of their slices. */
static void test_scan_mutations(void)
{
	static const char *base[] = {
		"{\"type\":\"trade\",\"symbol\":\"S0272\",\"price\":11.69,\"size\":100,\"ts\":1704931200000,\"venue\":\"sim\"}",
		" { \"a\" : 1 , \"bb\":\"x\\\"y\\\\z\\/\\b\\f\\n\\r\\t\\u00e9\" ,\"c\":[1,{\"d\":null}],\"e\":true,\"f\":false } ",
		"{\"long key with spaces\":\"a string of some length, \xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80 and more text\",\"n\":-0.5e+10}",
		"{\"\":\"\",\"k\":\"abcdefghijklmnopqrstuvwxyz0123456789\",\"x\":{}}",
	};
	static const char pool[] = "\"\\\x01\x1f\x7f\x80\xbf\xc3\xa9\xe2\xed\xf0\xf4\xffu0:,}{[] e-.9a";
	struct mkt_jobj o = { 0 };
	char line[256], err[128];
	int bad = 0, i, k, m, acc, ref, accepted = 0;
	size_t n, j, pos;

	for (i = 0; i < 300000 && bad < 10; i++) {
		const char *b = base[rng() % (sizeof(base) / sizeof(base[0]))];
		n = strlen(b);
		memcpy(line, b, n);
		m = (int)(rng() % 3);
		for (k = 0; k < m && n > 0; k++) {
			pos = (size_t)(rng() % n);
			switch (rng() % 3) {
			case 0:
				line[pos] = pool[rng() % (sizeof(pool) - 1)];
				break;
			case 1:
				memmove(line + pos, line + pos + 1, n - pos - 1);
				n--;
				break;
			default:
				if (n + 1 < sizeof(line)) {
					memmove(line + pos + 1, line + pos, n - pos);
					line[pos] = pool[rng() % (sizeof(pool) - 1)];
					n++;
				}
				break;
			}
		}
		acc = mkt_json_scan(&o, line, n, err, sizeof(err)) == 0;
		ref = mkt_json_validate(line, n, err, sizeof(err)) == MKT_JOBJ;
		if (acc != ref) {
			fprintf(stderr, "  scan %d, validate %d: %.*s\n", acc, ref, (int)n, line);
			bad++;
			continue;
		}
		if (!acc)
			continue;
		accepted++;
		for (j = 0; j < o.n; j++) {
			const struct mkt_jfield *f = &o.f[j];
			int kt = mkt_json_validate(f->key - 1, f->klen + 2, err, sizeof(err));
			int vt = f->type == MKT_JSTR ?
			    mkt_json_validate(f->val - 1, f->vlen + 2, err, sizeof(err)) :
			    mkt_json_validate(f->val, f->vlen, err, sizeof(err));
			int kesc = memchr(f->key, '\\', f->klen) != NULL;
			int vesc = f->type == MKT_JSTR && memchr(f->val, '\\', f->vlen) != NULL;
			if (kt != MKT_JSTR || vt != f->type || kesc != f->kesc ||
			    vesc != f->vesc) {
				fprintf(stderr, "  field %zu of %.*s\n", j, (int)n, line);
				bad++;
			}
		}
	}
	CHECK(bad == 0);
	CHECK(accepted > 1000);
	mkt_jobj_free(&o);
}

/* mkt_json_num() as it was written with snprintf() and strtod() alone:
 * the reference its exact path must match byte for byte. */
static const char *num_ref(double d)
{
	static char tmp[40];
	int prec;

	if (isnan(d) || isinf(d))
		return "null";
	if (d == floor(d) && fabs(d) < 1e15) {
		if (d == 0 && signbit(d))
			return "-0";
		snprintf(tmp, sizeof(tmp), "%lld", (long long)d);
		return tmp;
	}
	for (prec = 15; prec <= 17; prec++) {
		snprintf(tmp, sizeof(tmp), "%.*g", prec, d);
		if (prec == 17 || strtod(tmp, NULL) == d)
			break;
	}
	return tmp;
}

static int num_differs(double d)
{
	const char *want = num_ref(d), *got = num(d);

	if (strcmp(got, want) == 0)
		return 0;
	fprintf(stderr, "  %.17g: wrote %s, want %s\n", d, got, want);
	return 1;
}

/* Numbers written against the reference: random bit patterns over the
 * whole range of exponents the exact path takes (and beyond), decimals
 * such as prices and their sums and quotients, and the edges (powers of
 * two and ten, their neighbours, the ends of the range). */
static void test_num_writer(void)
{
	static const double edges[] = {
		1e-4, 1e-3, 0.1, 0.2, 0.3, 1.0 / 3, 2.0 / 3, 0.5, 1.5, 9.5, 99.5,
		999999999999999.9, 999999999999999.5, 99999999999999.99,
		9.9999999999999995, 0.99999999999999994, 0.00099999999999999,
		123456.789, 175.5, 156.53108526461432, 5e-324, 1e15, 1e16, 1e-5,
		4503599627370495.5, 0.30000000000000004, 2.2250738585072014e-308,
	};
	int bad = 0, i, j;
	double d, x, y;
	uint64_t bits;

	for (i = 0; i < (int)(sizeof(edges) / sizeof(edges[0])); i++)
		for (j = -3; j <= 3; j++) {
			d = edges[i];
			memcpy(&bits, &d, sizeof(bits));
			bits += (uint64_t)(int64_t)j;
			memcpy(&d, &bits, sizeof(d));
			bad += num_differs(d) + num_differs(-d);
		}
	for (i = -1100; i <= 1100 && bad < 10; i++) {
		d = ldexp(1.0, i);
		bad += num_differs(d) + num_differs(nextafter(d, 0)) +
		    num_differs(nextafter(d, INFINITY));
	}
	for (i = -20; i <= 20 && bad < 10; i++) {
		d = pow(10, i);
		bad += num_differs(d) + num_differs(nextafter(d, 0)) +
		    num_differs(nextafter(d, INFINITY));
	}
	for (i = 0; i < 1000000 && bad < 10; i++) {
		/* exponents from about 1e-6 to 1e17, any mantissa */
		bits = (rng() & ((1ULL << 52) - 1)) |
		    (uint64_t)(1003 + rng() % 54) << 52 | (rng() & 1) << 63;
		memcpy(&d, &bits, sizeof(d));
		bad += num_differs(d);
	}
	for (i = 0; i < 1000000 && bad < 10; i++) {
		x = (double)(rng() % 10000000) / 100;
		y = (double)(1 + rng() % 100000);
		switch (i % 4) {
		case 0: d = x; break;
		case 1: d = x * y / (y + 7); break;
		case 2: d = x + (double)(rng() % 1000) / 1000; break;
		default: d = x / y / 1000; break;
		}
		bad += num_differs(d);
	}
	CHECK(bad == 0);
}

int main(void)
{
	struct mkt_jobj o = { 0 };
	struct mkt_buf b = MKT_BUF_INIT, tmp = MKT_BUF_INIT;
	const struct mkt_jfield *f;
	const char *s;
	size_t len;
	double d;
	int64_t i;
	static const char *bad[] = {
		"", " ", "[]", "1", "\"x\"", "{", "{\"a\"}", "{\"a\":}", "{\"a\":1,}",
		"{\"a\":01}", "{\"a\":1.}", "{\"a\":.5}", "{\"a\":+1}", "{\"a\":1e}",
		"{\"a\":tru}", "{\"a\":\"\\x\"}", "{\"a\":\"\\u12G4\"}", "{\"a\":\"\x01\"}",
		"{\"a\":\"\xff\"}", "{\"a\":\"\xc0\xaf\"}", "{\"a\":\"\xed\xa0\x80\"}",
		"{\"a\":1}x", "{\"a\":1} {}", "{'a':1}", "{\"a\":[1,]}", "{\"a\":NaN}",
		"{\"a\":\"unterminated}",
	};
	size_t k;

	CHECK(scan(&o, "{\"type\":\"trade\",\"symbol\":\"AAPL\",\"price\":175.5,\"size\":100,\"ts\":1704931200000}") == 0);
	CHECK(o.n == 5);
	f = mkt_jobj_gets(&o, "price");
	CHECK(f && f->type == MKT_JNUM && mkt_jfield_double(f, 0, &d) == 0 && d == 175.5);
	f = mkt_jobj_gets(&o, "ts");
	CHECK(f && mkt_jfield_int64(f, &i) == 0 && i == 1704931200000LL);
	f = mkt_jobj_gets(&o, "symbol");
	CHECK(f && mkt_jfield_string(f, &tmp, &s, &len) == 0 && len == 4 && memcmp(s, "AAPL", 4) == 0);
	CHECK(mkt_jobj_gets(&o, "nope") == NULL);

	/* duplicates: the last wins; escaped keys match */
	CHECK(scan(&o, " { \"a\" : 1 , \"a\":2, \"\\u0062\":[{\"x\":[]}], \"c\":\"q\\\"\\n\\u00e9\\ud83d\\ude00\" } ") == 0);
	f = mkt_jobj_gets(&o, "a");
	CHECK(f && mkt_jfield_double(f, 0, &d) == 0 && d == 2);
	f = mkt_jobj_gets(&o, "b");
	CHECK(f && f->type == MKT_JARR && f->vlen == 10);
	f = mkt_jobj_gets(&o, "c");
	CHECK(f && mkt_jfield_string(f, &tmp, &s, &len) == 0);
	CHECK_STR(s, "q\"\n\xc3\xa9\xf0\x9f\x98\x80");
	CHECK(scan(&o, "{}") == 0 && o.n == 0);

	for (k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		int rc = scan(&o, bad[k]);
		CHECK(rc == -1);
		if (rc != -1)
			fprintf(stderr, "  accepted: %s\n", bad[k]);
	}

	/* numbers */
	CHECK(mkt_json_parse_number("0.1", 3, &d) == 0 && d == 0.1);
	CHECK(mkt_json_parse_number("-1.5e-3", 7, &d) == 0 && d == -1.5e-3);
	CHECK(mkt_json_parse_number("123456789012345678901234", 24, &d) == 0 && d == 123456789012345678901234.0);
	CHECK(mkt_json_parse_number("1e400", 5, &d) == 0 && isinf(d));
	CHECK(mkt_json_parse_number("2.2250738585072011e-308", 23, &d) == 0 && d == 2.2250738585072011e-308);
	CHECK_STR(num(175.5), "175.5");
	CHECK_STR(num(0.1), "0.1");
	CHECK_STR(num(1.0 / 3), "0.3333333333333333");
	CHECK_STR(num(100), "100");
	CHECK_STR(num(-0.0), "-0");
	CHECK_STR(num(1e300), "1e+300");
	CHECK_STR(num(NAN), "null");
	CHECK_STR(num(123456.789), "123456.789");

	/* emitter */
	mkt_buf_reset(&b);
	mkt_buf_addc(&b, '{');
	mkt_json_key(&b, "s");
	mkt_json_str(&b, "a\"b\\c\n\x01\xff\xc3\xa9", 10);
	mkt_json_key(&b, "n");
	mkt_json_int(&b, -42);
	mkt_buf_addc(&b, '}');
	CHECK_STR(b.p, "{\"s\":\"a\\\"b\\\\c\\n\\u0001\xef\xbf\xbd\xc3\xa9\",\"n\":-42}");
	CHECK(scan(&o, b.p) == 0);

	mkt_buf_reset(&b);
	mkt_json_reopen(&b, "{\"a\":1 } ", 9);
	mkt_json_key(&b, "z");
	mkt_json_num(&b, 2.5);
	mkt_buf_addc(&b, '}');
	CHECK_STR(b.p, "{\"a\":1,\"z\":2.5}");
	mkt_buf_reset(&b);
	mkt_json_reopen(&b, "{}", 2);
	mkt_json_key(&b, "z");
	mkt_json_int(&b, 1);
	mkt_buf_addc(&b, '}');
	CHECK_STR(b.p, "{\"z\":1}");

	test_more();
	test_numbers_random();
	test_scan_mutations();
	test_num_writer();

	mkt_jobj_free(&o);
	mkt_buf_free(&b);
	mkt_buf_free(&tmp);
	UNIT_END();
}
