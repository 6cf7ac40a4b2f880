/* SPDX-License-Identifier: MIT */
/* timeutil.c -- durations and timestamps (see timeutil.h). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "json.h"
#include "timeutil.h"

int64_t mkt_tunit_ns(enum mkt_tunit u)
{
	switch (u) {
	case MKT_TU_S: return 1000000000LL;
	case MKT_TU_MS: return 1000000LL;
	case MKT_TU_US: return 1000LL;
	case MKT_TU_NS: return 1LL;
	}
	return 1000000LL;
}

int mkt_tunit_parse(const char *s, enum mkt_tunit *u)
{
	if (strcmp(s, "s") == 0)
		*u = MKT_TU_S;
	else if (strcmp(s, "ms") == 0)
		*u = MKT_TU_MS;
	else if (strcmp(s, "us") == 0)
		*u = MKT_TU_US;
	else if (strcmp(s, "ns") == 0)
		*u = MKT_TU_NS;
	else
		return -1;
	return 0;
}

const char *mkt_tunit_name(enum mkt_tunit u)
{
	static const char *names[] = { "s", "ms", "us", "ns" };
	return names[u];
}

int mkt_duration_parse(const char *s, int64_t *ns, char *errstr, size_t errsize)
{
	static const struct { const char *name; int64_t ns; } units[] = {
		{ "ns", 1 }, { "us", 1000 }, { "ms", 1000000 }, { "s", 1000000000 },
		{ "m", 60000000000LL }, { "h", 3600000000000LL },
		{ "d", 86400000000000LL }, { "w", 604800000000000LL },
	};
	/* the largest total accepted, just under 2^63 */
	const int64_t limit = 9199999999999999999LL;
	const char *p = s;
	int64_t total = 0, term;
	int terms = 0;

	if (strcmp(s, "0") == 0) {
		*ns = 0;
		return 0;
	}
	while (*p) {
		char *end;
		double v;
		size_t ul = 0, i, best = 0, found = 0, nd;

		if (!((*p >= '0' && *p <= '9') || *p == '.'))
			goto bad;
		errno = 0;
		v = strtod(p, &end);
		if (end == p || errno != 0 || v < 0)
			goto bad;
		/* digits and one '.' only: strtod would also take 1e3 or 0x10 */
		nd = strspn(p, "0123456789");
		if (strspn(p, "0123456789.") < (size_t)(end - p))
			goto bad;
		while (end[ul] >= 'a' && end[ul] <= 'z')
			ul++;
		for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
			if (strlen(units[i].name) == ul &&
			    strncmp(units[i].name, end, ul) == 0) {
				best = i;
				found = 1;
			}
		}
		if (!found)
			goto bad;
		if (nd == (size_t)(end - p)) {
			/* a whole number: exact integer arithmetic */
			unsigned long long w;
			errno = 0;
			w = strtoull(p, NULL, 10);
			if (errno != 0 || w > (unsigned long long)(limit / units[best].ns))
				goto bad;
			term = (int64_t)w * units[best].ns;
		} else {
			/* a fraction: rounded to the nanosecond, term by term */
			double d = v * (double)units[best].ns;
			if (!(d < 9.2e18))
				goto bad;
			term = (int64_t)llround(d);
		}
		if (term > limit - total)
			goto bad;
		total += term;
		p = end + ul;
		terms++;
	}
	if (terms == 0)
		goto bad;
	*ns = total;
	return 0;
bad:
	snprintf(errstr, errsize,
	    "bad duration '%s' (expected e.g. 250ms, 5s, 5m, 1h, 1d, 1h30m)", s);
	return -1;
}

int64_t mkt_duration_in(int64_t ns, enum mkt_tunit u)
{
	int64_t r = ns / mkt_tunit_ns(u);

	return (r == 0 && ns > 0) ? 1 : r; /* a duration never vanishes */
}

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	*y = (int64_t)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y += *m <= 2;
}

static int digits(const char *s, size_t n, int *out)
{
	int v = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

int mkt_rfc3339_parse(const char *s, size_t len, int64_t *ns)
{
	static const unsigned char mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, mo, d, h, mi, sec, oh = 0, om = 0;
	int64_t frac = 0, days, secs;
	size_t i = 19;
	int fd = 0, sign = 0, leap;

	if (len < 20)
		return -1;
	if (digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &mo) ||
	    s[7] != '-' || digits(s + 8, 2, &d) ||
	    (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
	    digits(s + 11, 2, &h) || s[13] != ':' || digits(s + 14, 2, &mi) ||
	    s[16] != ':' || digits(s + 17, 2, &sec))
		return -1;
	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] ||
	    (mo == 2 && d == 29 && !leap) || h > 23 || mi > 59 || sec > 60)
		return -1;
	if (sec == 60) /* a leap second reads as the last second of its minute */
		sec = 59;
	if (s[i] == '.') {
		i++;
		if (i >= len || s[i] < '0' || s[i] > '9')
			return -1;
		while (i < len && s[i] >= '0' && s[i] <= '9') {
			if (fd < 9) {
				frac = frac * 10 + (s[i] - '0');
				fd++;
			}
			i++;
		}
		while (fd < 9) {
			frac *= 10;
			fd++;
		}
	}
	if (i >= len)
		return -1;
	if ((s[i] == 'Z' || s[i] == 'z') && i + 1 == len) {
		sign = 0;
	} else if ((s[i] == '+' || s[i] == '-') && i + 6 == len) {
		sign = s[i] == '-' ? -1 : 1;
		if (digits(s + i + 1, 2, &oh) || s[i + 3] != ':' ||
		    digits(s + i + 4, 2, &om) || oh > 23 || om > 59)
			return -1;
	} else {
		return -1;
	}
	days = days_from_civil(y, (unsigned)mo, (unsigned)d);
	secs = days * 86400 + h * 3600 + mi * 60 + sec;
	secs -= sign * (oh * 3600 + om * 60);
	/* the whole int64 range of nanoseconds, 1677-09-21 to 2262-04-11
	 * (borrowing a second first, so that INT64_MIN itself fits) */
	if (secs < 0 && frac > 0) {
		secs++;
		frac -= 1000000000LL;
	}
	if (__builtin_mul_overflow(secs, 1000000000LL, &secs) ||
	    __builtin_add_overflow(secs, frac, ns))
		return -1;
	return 0;
}

int mkt_rfc3339_format(struct mkt_buf *b, int64_t t, enum mkt_tunit u)
{
	int64_t per = 1000000000LL / mkt_tunit_ns(u); /* units per second */
	int64_t secs = mkt_floordiv(t, per), sub = t % per;
	int64_t days = mkt_floordiv(secs, 86400), rem = secs - days * 86400;
	int64_t y;
	unsigned m, d;
	static const int fdig[] = { 0, 3, 6, 9 };

	if (sub < 0) /* t - secs * per, which could overflow near INT64_MIN */
		sub += per;
	civil_from_days(days, &y, &m, &d);
	mkt_buf_printf(b, "%04lld-%02u-%02uT%02d:%02d:%02d", (long long)y, m, d,
	    (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60));
	if (u != MKT_TU_S)
		mkt_buf_printf(b, ".%0*lld", fdig[u], (long long)sub);
	return mkt_buf_addc(b, 'Z');
}

int mkt_time_arg(const char *s, enum mkt_tunit u, int64_t *t,
    char *errstr, size_t errsize)
{
	int64_t ns;
	char *end;
	long long v;

	if (strcmp(s, "now") == 0) {
		*t = mkt_now(u);
		return 0;
	}
	if (mkt_rfc3339_parse(s, strlen(s), &ns) == 0) {
		*t = mkt_floordiv(ns, mkt_tunit_ns(u));
		return 0;
	}
	errno = 0;
	v = strtoll(s, &end, 10);
	if (end != s && *end == '\0' && errno == 0) {
		*t = v;
		return 0;
	}
	snprintf(errstr, errsize,
	    "bad time '%s' (expected RFC 3339, epoch %s, or now)", s,
	    mkt_tunit_name(u));
	return -1;
}

int64_t mkt_now(enum mkt_tunit u)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ((int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec) / mkt_tunit_ns(u);
}

int64_t mkt_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int mkt_jfield_time(const struct mkt_jfield *f, enum mkt_tunit u, int64_t *t)
{
	double d;
	int64_t ns;

	if (f->type == MKT_JNUM) {
		if (mkt_jfield_int64(f, t) == 0)
			return 0;
		if (mkt_json_parse_number(f->val, f->vlen, &d) < 0 || !(d > -9.2e18 && d < 9.2e18))
			return -1;
		*t = (int64_t)floor(d);
		return 0;
	}
	if (f->type == MKT_JSTR && !f->vesc &&
	    mkt_rfc3339_parse(f->val, f->vlen, &ns) == 0) {
		*t = mkt_floordiv(ns, mkt_tunit_ns(u));
		return 0;
	}
	return -1;
}
