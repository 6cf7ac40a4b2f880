/* SPDX-License-Identifier: MIT */
/* test_time.c -- durations, time units, RFC 3339 parsing and formatting,
 * floor division, time fields of records. */
#include <stdint.h>
#include <time.h>

#include "json.h"
#include "timeutil.h"
#include "unit.h"

static char err[256];

static int64_t dur(const char *s)
{
	int64_t ns = -12345;
	if (mkt_duration_parse(s, &ns, err, sizeof(err)) < 0)
		return -1;
	return ns;
}

static int64_t rfc(const char *s)
{
	int64_t ns = -12345;
	if (mkt_rfc3339_parse(s, strlen(s), &ns) < 0)
		return INT64_MIN;
	return ns;
}

static const char *fmt(int64_t t, enum mkt_tunit u)
{
	static struct mkt_buf b;
	mkt_buf_reset(&b);
	mkt_rfc3339_format(&b, t, u);
	return b.p;
}

/* Scan {"t":<text>} and read its time in unit u; INT64_MIN if refused. */
static int64_t ftime(const char *text, enum mkt_tunit u)
{
	static struct mkt_jobj o;
	char line[256];
	int64_t t;

	snprintf(line, sizeof(line), "{\"t\":%s}", text);
	if (mkt_json_scan(&o, line, strlen(line), err, sizeof(err)) < 0)
		return INT64_MIN + 1;
	if (mkt_jfield_time(mkt_jobj_gets(&o, "t"), u, &t) < 0)
		return INT64_MIN;
	return t;
}

static void test_durations(void)
{
	static const char *bad[] = {
		"", "5", "ms", "-5s", "5x", "5 s", " 5s", "5s ", "1h-30m", "s5",
		"5S", "5min", "1e400s", "inf", "nan", "5ss", "1.5.5s", "106752d",
		"+5s", "0x10s", "1e3s", ".s",
	};
	size_t i;

	CHECK(dur("0") == 0);
	CHECK(dur("0s") == 0);
	CHECK(dur("7ns") == 7);
	CHECK(dur("10us") == 10000);
	CHECK(dur("250ms") == 250000000);
	CHECK(dur("1s") == 1000000000);
	CHECK(dur("1.5s") == 1500000000);
	CHECK(dur("0.001s") == 1000000);
	CHECK(dur(".5s") == 500000000);
	CHECK(dur("5m") == 300000000000LL);
	CHECK(dur("1h") == 3600000000000LL);
	CHECK(dur("1h30m") == 5400000000000LL);
	CHECK(dur("2d") == 172800000000000LL);
	CHECK(dur("1w") == 604800000000000LL);
	CHECK(dur("1h1m1s1ms1us1ns") == 3661001001001LL);
	CHECK(dur("30m1h") == 5400000000000LL); /* order is free */
	CHECK(dur("1.1s") == 1100000000);
	CHECK(dur("100000d") == 8640000000000000000LL);
	/* whole terms add up exactly, however large */
	CHECK(dur("365d1ns") == 31536000000000001LL);
	CHECK(dur("1000000h1ns") == 3600000000000000001LL);
	CHECK(dur("161611h3h3w2d3h0m4m5d3h0m4m5s6m7s00m4d3h0m4m5s6m7s00m4ms6m2d3h0m4d"
	    "3h0m45ms6m7s00m4ms6m2d3h0m4m2d3h0m4m5s6ms7ms6m2d3h0m4m5m2d3h0m4m5s6ms7ms6m"
	    "2d3h0m4m2d3h0m4m5s6ms7ms74d") == 592647826092000000LL);
	CHECK(dur("9199999999999999999ns") == 9199999999999999999LL);
	CHECK(dur("9200000000000000000ns") == -1);
	CHECK(dur("9199999999999999999ns1ns") == -1);
	CHECK(dur("18446744073709551616ns") == -1);
	CHECK(dur("0.5ns") == 1); /* a fraction rounds to the nearest ns */
	CHECK(dur("0.4ns") == 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int64_t got = dur(bad[i]);
		CHECK(got == -1);
		if (got != -1)
			fprintf(stderr, "  accepted duration '%s' as %lld\n", bad[i],
			    (long long)got);
	}
	CHECK(mkt_duration_parse("5x", &(int64_t){0}, err, sizeof(err)) == -1);
	CHECK(strstr(err, "'5x'") != NULL);

	CHECK(mkt_duration_in(300000000000LL, MKT_TU_MS) == 300000);
	CHECK(mkt_duration_in(300000000000LL, MKT_TU_S) == 300);
	CHECK(mkt_duration_in(1500, MKT_TU_US) == 1);
	CHECK(mkt_duration_in(0, MKT_TU_MS) == 0);
	/* never 0 for a non-zero duration (a window size must not vanish) */
	CHECK(mkt_duration_in(500, MKT_TU_MS) == 1);
	CHECK(mkt_duration_in(999999999, MKT_TU_S) == 1);
}

static void test_units(void)
{
	enum mkt_tunit u;

	CHECK(mkt_tunit_parse("s", &u) == 0 && u == MKT_TU_S);
	CHECK(mkt_tunit_parse("ms", &u) == 0 && u == MKT_TU_MS);
	CHECK(mkt_tunit_parse("us", &u) == 0 && u == MKT_TU_US);
	CHECK(mkt_tunit_parse("ns", &u) == 0 && u == MKT_TU_NS);
	CHECK(mkt_tunit_parse("m", &u) == -1);
	CHECK(mkt_tunit_parse("", &u) == -1);
	CHECK(mkt_tunit_parse("MS", &u) == -1);
	CHECK_STR(mkt_tunit_name(MKT_TU_MS), "ms");
	CHECK_STR(mkt_tunit_name(MKT_TU_NS), "ns");
	CHECK(mkt_tunit_ns(MKT_TU_S) == 1000000000);
	CHECK(mkt_tunit_ns(MKT_TU_MS) == 1000000);
	CHECK(mkt_tunit_ns(MKT_TU_US) == 1000);
	CHECK(mkt_tunit_ns(MKT_TU_NS) == 1);
}

static void test_rfc3339(void)
{
	static const char *bad[] = {
		"", "2024-01-11", "2024-01-11T00:00:00", "2024-01-11T00:00:00ZZ",
		"2024-13-01T00:00:00Z", "2024-00-01T00:00:00Z", "2024-01-00T00:00:00Z",
		"2024-01-32T00:00:00Z", "2024-04-31T00:00:00Z", "2023-02-29T00:00:00Z",
		"1900-02-29T00:00:00Z", "2024-01-11T24:00:00Z", "2024-01-11T00:60:00Z",
		"2024-01-11T00:00:61Z", "2024-01-11T00:00:00+0100",
		"2024-01-11T00:00:00+24:00", "2024-01-11T00:00:00+01:60",
		"2024-01-11T00:00:00.Z", "2024-01-11T00:00:00.5", "2024-01-11X00:00:00Z",
		"2024/01/11T00:00:00Z", "2024-1-11T00:00:00Z", "2024-01-11T0:00:00Z",
		"2024-01-11T00:00:00Z ", " 2024-01-11T00:00:00Z", "2024-01-11T00:00:00+01:00x",
		"20a4-01-11T00:00:00Z", "2024-01-11T00:00:00,5Z", "2024-01-11T00:00:00+01",
		"1000-01-01T00:00:00Z", "2300-01-01T00:00:00Z",
	};
	size_t i;

	CHECK(rfc("1970-01-01T00:00:00Z") == 0);
	CHECK(rfc("2024-01-11T00:00:00Z") == 1704931200000000000LL);
	CHECK(rfc("2024-01-11t00:00:00z") == 1704931200000000000LL);
	CHECK(rfc("2024-01-11 00:00:00Z") == 1704931200000000000LL);
	CHECK(rfc("2024-01-11T01:00:00+01:00") == 1704931200000000000LL);
	CHECK(rfc("2024-01-10T19:30:00-04:30") == 1704931200000000000LL);
	CHECK(rfc("2024-01-11T00:00:00+00:00") == 1704931200000000000LL);
	CHECK(rfc("2024-01-11T00:00:00-00:00") == 1704931200000000000LL);
	CHECK(rfc("2024-01-11T00:00:00.1Z") == 1704931200100000000LL);
	CHECK(rfc("2024-01-11T00:00:00.123Z") == 1704931200123000000LL);
	CHECK(rfc("2024-01-11T00:00:00.123456789Z") == 1704931200123456789LL);
	CHECK(rfc("2024-01-11T00:00:00.000000001Z") == 1704931200000000001LL);
	/* digits past the ninth are dropped (rounded down) */
	CHECK(rfc("2024-01-11T00:00:00.1234567899Z") == 1704931200123456789LL);
	CHECK(rfc("2024-01-11T01:00:00.5+01:00") == 1704931200500000000LL);
	/* leap days, and a leap second read as the last second of its minute */
	CHECK(rfc("2024-02-29T00:00:00Z") == 1709164800000000000LL);
	CHECK(rfc("2000-02-29T12:00:00Z") == 951825600000000000LL);
	CHECK(rfc("2016-12-31T23:59:60Z") == 1483228799000000000LL);
	CHECK(rfc("2024-12-31T23:59:59Z") == 1735689599000000000LL);
	/* before the epoch */
	CHECK(rfc("1969-12-31T23:59:59.5Z") == -500000000LL);
	CHECK(rfc("1900-01-01T00:00:00Z") == -2208988800000000000LL);
	/* the ends of the int64 nanosecond range */
	CHECK(rfc("2262-04-11T23:47:16Z") == 9223372036000000000LL);
	CHECK(rfc("2262-04-11T23:47:16.854775807Z") == 9223372036854775807LL);
	CHECK(rfc("1677-09-21T00:12:44Z") == -9223372036000000000LL);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int64_t got = rfc(bad[i]);
		CHECK(got == INT64_MIN);
		if (got != INT64_MIN)
			fprintf(stderr, "  accepted '%s' as %lld\n", bad[i], (long long)got);
	}
	/* only len bytes are read */
	CHECK(mkt_rfc3339_parse("2024-01-11T00:00:00Zjunk", 20, &(int64_t){0}) == 0);
	CHECK(mkt_rfc3339_parse("2024-01-11T00:00:00Z", 19, &(int64_t){0}) == -1);
}

static void test_format(void)
{
	static const int64_t samples[] = {
		0, 1, -1, 999999999, -999999999, 1704931200123456789LL,
		-2208988800000000000LL, 951825600000000001LL, 9223372036854775807LL,
		-9223372036854775807LL, INT64_MIN, 1709164799999999999LL,
	};
	size_t i;

	CHECK_STR(fmt(1704931200000LL, MKT_TU_MS), "2024-01-11T00:00:00.000Z");
	CHECK_STR(fmt(1704931200, MKT_TU_S), "2024-01-11T00:00:00Z");
	CHECK_STR(fmt(1704931200123456LL, MKT_TU_US), "2024-01-11T00:00:00.123456Z");
	CHECK_STR(fmt(1704931200123456789LL, MKT_TU_NS), "2024-01-11T00:00:00.123456789Z");
	CHECK_STR(fmt(-1, MKT_TU_MS), "1969-12-31T23:59:59.999Z");
	CHECK_STR(fmt(-1, MKT_TU_S), "1969-12-31T23:59:59Z");
	CHECK_STR(fmt(1709164800000LL, MKT_TU_MS), "2024-02-29T00:00:00.000Z");
	CHECK_STR(fmt(951825600, MKT_TU_S), "2000-02-29T12:00:00Z");
	CHECK_STR(fmt(0, MKT_TU_NS), "1970-01-01T00:00:00.000000000Z");
	CHECK_STR(fmt(INT64_MIN, MKT_TU_NS), "1677-09-21T00:12:43.145224192Z");
	CHECK_STR(fmt(INT64_MAX, MKT_TU_NS), "2262-04-11T23:47:16.854775807Z");
	CHECK(rfc("2262-04-11T23:47:16.854775808Z") == INT64_MIN); /* refused */
	CHECK(rfc("1677-09-21T00:12:43.145224191Z") == INT64_MIN); /* refused */
	/* a round trip through the text, in ns */
	for (i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
		const char *s = fmt(samples[i], MKT_TU_NS);
		int64_t back = 0;
		CHECK(mkt_rfc3339_parse(s, strlen(s), &back) == 0 && back == samples[i]);
	}
	/* every day of 1968..2030 formats and reads back */
	{
		int64_t d, bad = 0;
		for (d = -730; d < 22000; d++) {
			int64_t t = d * 86400000000000LL + 45296789000000LL;
			if (rfc(fmt(t, MKT_TU_NS)) != t)
				bad++;
		}
		CHECK(bad == 0);
	}
}

static void test_floordiv(void)
{
	CHECK(mkt_floordiv(7, 2) == 3);
	CHECK(mkt_floordiv(-7, 2) == -4);
	CHECK(mkt_floordiv(-8, 2) == -4);
	CHECK(mkt_floordiv(7, -2) == -4);
	CHECK(mkt_floordiv(-7, -2) == 3);
	CHECK(mkt_floordiv(0, 5) == 0);
	CHECK(mkt_floordiv(-1, 60000) == -1);
	CHECK(mkt_floordiv(-60000, 60000) == -1);
	CHECK(mkt_floordiv(-60001, 60000) == -2);
	CHECK(mkt_floordiv(INT64_MIN, 1000) == INT64_MIN / 1000 - 1);
}

static void test_time_args_and_fields(void)
{
	int64_t t, now;

	CHECK(mkt_time_arg("2024-01-11T00:00:00Z", MKT_TU_MS, &t, err, sizeof(err)) == 0 &&
	    t == 1704931200000LL);
	CHECK(mkt_time_arg("1969-12-31T23:59:59.9995Z", MKT_TU_MS, &t, err, sizeof(err)) == 0 &&
	    t == -1);
	CHECK(mkt_time_arg("1704931200", MKT_TU_S, &t, err, sizeof(err)) == 0 &&
	    t == 1704931200);
	CHECK(mkt_time_arg("-5", MKT_TU_MS, &t, err, sizeof(err)) == 0 && t == -5);
	CHECK(mkt_time_arg("1.5", MKT_TU_S, &t, err, sizeof(err)) == -1);
	CHECK(mkt_time_arg("yesterday", MKT_TU_S, &t, err, sizeof(err)) == -1);
	CHECK(strstr(err, "yesterday") != NULL);
	CHECK(mkt_time_arg("", MKT_TU_S, &t, err, sizeof(err)) == -1);
	CHECK(mkt_time_arg("now", MKT_TU_S, &t, err, sizeof(err)) == 0);
	now = (int64_t)time(NULL);
	CHECK(t >= now - 2 && t <= now + 2);
	now = mkt_now(MKT_TU_MS);
	CHECK(now / 1000 >= (int64_t)time(NULL) - 2 && now / 1000 <= (int64_t)time(NULL) + 2);
	t = mkt_mono_ns();
	CHECK(mkt_mono_ns() >= t);

	CHECK(ftime("1704931200000", MKT_TU_MS) == 1704931200000LL);
	CHECK(ftime("1704931200000", MKT_TU_S) == 1704931200000LL); /* taken as is */
	CHECK(ftime("1.7", MKT_TU_S) == 1);
	CHECK(ftime("-1.5", MKT_TU_S) == -2);   /* rounded down */
	CHECK(ftime("1e3", MKT_TU_MS) == 1000);
	CHECK(ftime("1e300", MKT_TU_MS) == INT64_MIN);
	CHECK(ftime("\"2024-01-11T00:00:00.123456Z\"", MKT_TU_MS) == 1704931200123LL);
	CHECK(ftime("\"2024-01-11T00:00:00.123456Z\"", MKT_TU_US) == 1704931200123456LL);
	CHECK(ftime("\"1969-12-31T23:59:59.9995Z\"", MKT_TU_MS) == -1);
	CHECK(ftime("\"2024-01-11\"", MKT_TU_MS) == INT64_MIN);
	CHECK(ftime("\"1704931200000\"", MKT_TU_MS) == INT64_MIN);
	CHECK(ftime("true", MKT_TU_MS) == INT64_MIN);
	CHECK(ftime("null", MKT_TU_MS) == INT64_MIN);
	CHECK(ftime("[1]", MKT_TU_MS) == INT64_MIN);
}

int main(void)
{
	test_durations();
	test_units();
	test_rfc3339();
	test_format();
	test_floordiv();
	test_time_args_and_fields();
	UNIT_END();
}
