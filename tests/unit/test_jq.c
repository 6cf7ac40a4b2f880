/* SPDX-License-Identifier: MIT */
/* test_jq.c -- --where and --map programs through libjq: outputs, the
 * first output deciding a test, compile and runtime errors, and state
 * after an error. */
#include "jqglue.h"
#include "unit.h"

static char err[512];

static int test(struct mkt_jq *q, const char *json)
{
	err[0] = '\0';
	return mkt_jq_test(q, json, strlen(json), err, sizeof(err));
}

static const char *map(struct mkt_jq *q, const char *json, int *n)
{
	static struct mkt_buf out;
	mkt_buf_reset(&out);
	mkt_buf_adds(&out, ""); /* never NULL */
	err[0] = '\0';
	*n = mkt_jq_map(q, json, strlen(json), &out, err, sizeof(err));
	return out.p;
}

int main(void)
{
	static const char tick[] =
	    "{\"type\":\"trade\",\"symbol\":\"AAPL\",\"price\":175.5,\"size\":100}";
	struct mkt_jq *q;
	int n;

	/* compile errors carry jq's message */
	CHECK(mkt_jq_compile(".price >", err, sizeof(err)) == NULL);
	CHECK(strncmp(err, "jq: error: syntax error", 23) == 0);
	CHECK(strchr(err, '\n') == NULL);
	CHECK(mkt_jq_compile("nosuchfunction(1)", err, sizeof(err)) == NULL);
	CHECK_STR(err, "jq: error: nosuchfunction/1 is not defined at <top-level>, "
	    "line 1: nosuchfunction(1)");

	/* tests: the first output decides, false and null are false */
	q = mkt_jq_compile(".price > 100 and .symbol == \"AAPL\"", err, sizeof(err));
	CHECK(q != NULL);
	CHECK(test(q, tick) == 1);
	CHECK(test(q, "{\"symbol\":\"AAPL\",\"price\":99.5}") == 0);
	CHECK(test(q, "{\"symbol\":\"TSLA\",\"price\":175.5}") == 0);
	CHECK(test(q, "{}") == 0);
	/* not JSON: -1 with jq's message; the next record is fine */
	CHECK(test(q, "{\"price\":") == -1);
	CHECK(strncmp(err, "jq: ", 4) == 0);
	CHECK(test(q, tick) == 1);
	mkt_jq_free(q);

	q = mkt_jq_compile(".x", err, sizeof(err));
	CHECK(test(q, "{\"x\":0}") == 1);       /* 0 is true in jq */
	CHECK(test(q, "{\"x\":\"\"}") == 1);
	CHECK(test(q, "{\"x\":[]}") == 1);
	CHECK(test(q, "{\"x\":false}") == 0);
	CHECK(test(q, "{\"x\":null}") == 0);
	CHECK(test(q, "{}") == 0);
	mkt_jq_free(q);

	q = mkt_jq_compile("empty", err, sizeof(err));
	CHECK(test(q, tick) == 0);
	mkt_jq_free(q);
	q = mkt_jq_compile(".a, .b", err, sizeof(err));
	CHECK(test(q, "{\"a\":false,\"b\":true}") == 0);
	CHECK(test(q, "{\"a\":true,\"b\":false}") == 1);
	mkt_jq_free(q);

	/* runtime errors: -1 with the message, and the state recovers */
	q = mkt_jq_compile(".a.b > 1", err, sizeof(err));
	CHECK(test(q, "{\"a\":5}") == -1);
	CHECK(strstr(err, "Cannot index number") != NULL);
	CHECK(test(q, "{\"a\":{\"b\":2}}") == 1);
	CHECK(test(q, "{\"a\":{\"b\":0}}") == 0);
	mkt_jq_free(q);
	q = mkt_jq_compile("error(\"boom\")", err, sizeof(err));
	CHECK(test(q, "{}") == -1);
	CHECK_STR(err, "jq: error: boom");
	mkt_jq_free(q);
	q = mkt_jq_compile("error({\"code\":7})", err, sizeof(err));
	CHECK(test(q, "{}") == -1);
	CHECK_STR(err, "jq: error: {\"code\":7}");
	mkt_jq_free(q);

	/* maps: every output, compact, one per line */
	q = mkt_jq_compile(".", err, sizeof(err));
	CHECK_STR(map(q, " { \"a\" : [1, 2.50, \"\\u00e9\"] } ", &n), "{\"a\":[1,2.5,\"\xc3\xa9\"]}\n");
	CHECK(n == 1);
	mkt_jq_free(q);
	q = mkt_jq_compile("{s: .symbol, notional: (.price * .size)}, .type", err, sizeof(err));
	CHECK_STR(map(q, tick, &n), "{\"s\":\"AAPL\",\"notional\":17550}\n\"trade\"\n");
	CHECK(n == 2);
	mkt_jq_free(q);
	q = mkt_jq_compile("select(.price > 200)", err, sizeof(err));
	CHECK_STR(map(q, tick, &n), "");
	CHECK(n == 0);
	mkt_jq_free(q);
	q = mkt_jq_compile(".[]", err, sizeof(err));
	CHECK_STR(map(q, "{\"a\":1,\"b\":\"x\"}", &n), "1\n\"x\"\n");
	CHECK(n == 2);
	map(q, "{\"a\":1", &n);
	CHECK(n == -1 && strncmp(err, "jq: ", 4) == 0);
	map(q, "7", &n);
	CHECK(n == -1 && strstr(err, "Cannot iterate over number") != NULL);
	CHECK_STR(map(q, "[3]", &n), "3\n");
	CHECK(n == 1);
	mkt_jq_free(q);
	q = mkt_jq_compile(".a, error(\"late\")", err, sizeof(err));
	map(q, "{\"a\":1}", &n);
	CHECK(n == -1);
	CHECK_STR(err, "jq: error: late");
	mkt_jq_free(q);
	mkt_jq_free(NULL);
	UNIT_END();
}
