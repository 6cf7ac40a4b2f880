/* SPDX-License-Identifier: MIT */
/* time_parse.c -- libFuzzer harness for lib/timeutil.c: RFC 3339 and
 * durations against independent readings.
 *
 * RFC 3339: mkt_rfc3339_parse must never crash; it must accept exactly
 * the texts that have the fixed shape (YYYY-MM-DD, T/t/space, hh:mm:ss,
 * an optional fraction of at least one digit, Z/z or +hh:mm/-hh:mm with
 * hh <= 23, mm <= 59) and name a real date and time (checked here with
 * timegm/gmtime_r of the C library, seconds 60 read as 59) within the
 * int64 nanosecond range; its value must be timegm's; and the value
 * formatted with mkt_rfc3339_format in ns must read back to itself, and
 * in ms to itself rounded down.
 *
 * Durations: mkt_duration_parse must never crash and must accept exactly
 * "0" and sequences of <digits with at most one '.'><unit> under 9.2e18
 * ns; whole-number terms must add up exactly, and a term with a fraction
 * may differ from the exact value by a nanosecond plus a double's
 * rounding. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "timeutil.h"

#define DIE(...) do { \
	fprintf(stderr, "time_parse: " __VA_ARGS__); \
	fputc('\n', stderr); \
	abort(); \
} while (0)

static int dig(const char *s, size_t n, int *v)
{
	size_t i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		*v = *v * 10 + (s[i] - '0');
	}
	return 1;
}

/* The independent reading: 1 and *ns if s is a valid RFC 3339 time in
 * range, else 0. */
static int reference_rfc3339(const char *s, size_t n, int64_t *ns)
{
	int y, mo, d, h, mi, se, oh = 0, om = 0, sign = 0;
	size_t i = 19, fd = 0;
	long long frac = 0;
	struct tm tm, back;
	time_t t;
	__int128 total;

	if (n < 20 || !dig(s, 4, &y) || s[4] != '-' || !dig(s + 5, 2, &mo) ||
	    s[7] != '-' || !dig(s + 8, 2, &d) || !strchr("Tt ", s[10]) ||
	    s[10] == '\0' || !dig(s + 11, 2, &h) || s[13] != ':' ||
	    !dig(s + 14, 2, &mi) || s[16] != ':' || !dig(s + 17, 2, &se))
		return 0;
	if (s[i] == '.') {
		for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++, fd++)
			if (fd < 9)
				frac = frac * 10 + (s[i] - '0');
		if (fd == 0)
			return 0;
		for (; fd < 9; fd++)
			frac *= 10;
	}
	if (i + 1 == n && (s[i] == 'Z' || s[i] == 'z')) {
		sign = 0;
	} else if (i + 6 == n && (s[i] == '+' || s[i] == '-') &&
	    dig(s + i + 1, 2, &oh) && s[i + 3] == ':' && dig(s + i + 4, 2, &om)) {
		if (oh > 23 || om > 59)
			return 0;
		sign = s[i] == '-' ? -1 : 1;
	} else {
		return 0;
	}
	if (h > 23 || mi > 59 || se > 60 || mo < 1 || mo > 12 || d < 1)
		return 0;
	if (se == 60)
		se = 59;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = se;
	t = timegm(&tm);
	if (gmtime_r(&t, &back) == NULL || back.tm_mday != d || back.tm_mon != mo - 1)
		return 0; /* no such day (timegm moved it) */
	total = ((__int128)t - sign * (oh * 3600 + om * 60)) * 1000000000 + frac;
	if (total > INT64_MAX || total < INT64_MIN)
		return 0;
	*ns = (int64_t)total;
	return 1;
}

static void check_rfc3339(const char *s, size_t n)
{
	static struct mkt_buf b;
	int64_t got = 0, want = 0, back = 0, ms;
	int ok = mkt_rfc3339_parse(s, n, &got) == 0;
	int ref = reference_rfc3339(s, n, &want);

	if (ok != ref)
		DIE("'%.*s': ours %s, reference %s", (int)n, s, ok ? "accepts" : "refuses",
		    ref ? "accepts" : "refuses");
	if (!ok)
		return;
	if (got != want)
		DIE("'%.*s': ours %lld, reference %lld", (int)n, s, (long long)got,
		    (long long)want);
	mkt_buf_reset(&b);
	mkt_rfc3339_format(&b, got, MKT_TU_NS);
	if (mkt_rfc3339_parse(b.p, b.len, &back) < 0 || back != got)
		DIE("%lld formats as '%s', which reads back as %lld", (long long)got,
		    b.p, (long long)back);
	ms = mkt_floordiv(got, 1000000);
	mkt_buf_reset(&b);
	mkt_rfc3339_format(&b, ms, MKT_TU_MS);
	if (__builtin_mul_overflow(ms, 1000000, &want)) {
		/* rounded down past the start of the ns range: out of range */
		if (mkt_rfc3339_parse(b.p, b.len, &back) == 0)
			DIE("'%s' is before the ns range but reads as %lld", b.p,
			    (long long)back);
	} else if (mkt_rfc3339_parse(b.p, b.len, &back) < 0 || back != want) {
		DIE("%lld ms formats as '%s', which reads back as %lld ns",
		    (long long)ms, b.p, (long long)back);
	}
}

/* The duration grammar; *total gets the sum of the terms, and *tol the
 * rounding allowed: none for whole numbers, which must add up exactly,
 * a nanosecond and a double's precision for each term with a fraction. */
static int reference_duration(const char *s, long double *total, long double *tol)
{
	static const struct { const char *u; long double ns; } units[] = {
		{ "ns", 1 }, { "us", 1e3L }, { "ms", 1e6L }, { "s", 1e9L },
		{ "m", 60e9L }, { "h", 3600e9L }, { "d", 86400e9L }, { "w", 604800e9L },
	};
	size_t i, k;

	*total = *tol = 0;
	if (strcmp(s, "0") == 0)
		return 1;
	if (*s == '\0')
		return 0;
	while (*s) {
		long double v = 0, scale = 1;
		int digits = 0, dots = 0, found = 0;
		for (; (*s >= '0' && *s <= '9') || *s == '.'; s++) {
			if (*s == '.') {
				if (dots++)
					return 0;
			} else {
				digits++;
				if (dots)
					v += (*s - '0') * (scale /= 10);
				else
					v = v * 10 + (*s - '0');
			}
		}
		if (digits == 0)
			return 0;
		for (k = 0; s[k] >= 'a' && s[k] <= 'z'; k++)
			;
		for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
			if (strlen(units[i].u) == k && strncmp(units[i].u, s, k) == 0) {
				*total += dots ? roundl(v * units[i].ns) : v * units[i].ns;
				if (dots)
					*tol += 1 + v * units[i].ns * 3e-16L;
				found = 1;
			}
		}
		if (!found)
			return 0;
		s += k;
	}
	return 1;
}

static void check_duration(const char *s)
{
	char err[256];
	int64_t ns = -1;
	long double want, tol;
	int ok = mkt_duration_parse(s, &ns, err, sizeof(err)) == 0;
	int ref = reference_duration(s, &want, &tol);

	if (ref && tol > 0 && fabsl(want - 9.2e18L) <= tol)
		return; /* at the limit a fraction may round either way */
	if (ref && want >= 9.2e18L)
		ref = 0;
	if (ok != ref)
		DIE("duration '%s': ours %s, reference %s", s, ok ? "accepts" : "refuses",
		    ref ? "accepts" : "refuses");
	if (!ok)
		return;
	if (ns < 0 || fabsl((long double)ns - want) > tol)
		DIE("duration '%s': ours %lld, reference %.3Lf", s, (long long)ns, want);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;

	if (size > 256)
		return 0;
	check_rfc3339((const char *)data, size);
	s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	check_duration(s);
	free(s);
	return 0;
}
