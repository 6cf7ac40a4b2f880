/* SPDX-License-Identifier: MIT */
/* test_json.c -- the scanner and emitter on hand-written cases. */
#include <math.h>
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

	mkt_jobj_free(&o);
	mkt_buf_free(&b);
	mkt_buf_free(&tmp);
	UNIT_END();
}
