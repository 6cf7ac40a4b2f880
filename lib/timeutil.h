/* SPDX-License-Identifier: MIT */
/* timeutil.h -- durations ("250ms", "5m", "1h30m") and timestamps (epoch
 * numbers in s/ms/us/ns, RFC 3339 strings). Times are int64 counts of a
 * unit since the Unix epoch; durations are int64 nanoseconds. */
#ifndef MKT_TIMEUTIL_H
#define MKT_TIMEUTIL_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

enum mkt_tunit { MKT_TU_S, MKT_TU_MS, MKT_TU_US, MKT_TU_NS };

/* Nanoseconds in one unit. */
int64_t mkt_tunit_ns(enum mkt_tunit u);

/* "s", "ms", "us", "ns" -> unit. Returns 0 or -1. */
int mkt_tunit_parse(const char *s, enum mkt_tunit *u);
const char *mkt_tunit_name(enum mkt_tunit u);

/* Parse a duration: one or more <number><unit> terms (ns us ms s m h d w),
 * e.g. "250ms", "5m", "1h30m", "1.5s"; a bare "0" is zero. Negative
 * durations are refused. Returns 0 and *ns, or -1 with errstr filled. */
int mkt_duration_parse(const char *s, int64_t *ns, char *errstr, size_t errsize);

/* A duration in a time unit, rounded down; 0 < result unless ns is 0. */
int64_t mkt_duration_in(int64_t ns, enum mkt_tunit u);

/* Parse an RFC 3339 timestamp ("2024-01-11T00:00:00Z",
 * "2024-01-11T00:00:00.123456789+01:00"; 't', ' ' and lower-case 'z'
 * accepted) into nanoseconds since the epoch. Returns 0 or -1. */
int mkt_rfc3339_parse(const char *s, size_t len, int64_t *ns);

/* Format t (in unit u) as RFC 3339 UTC with as many fraction digits as
 * the unit has (ms: 3). Appends to b. */
int mkt_rfc3339_format(struct mkt_buf *b, int64_t t, enum mkt_tunit u);

/* Parse a point in time given on a command line: RFC 3339, or an epoch
 * number in unit u, or "now". Result in unit u. Returns 0 or -1. */
int mkt_time_arg(const char *s, enum mkt_tunit u, int64_t *t,
    char *errstr, size_t errsize);

/* Wall clock now, in unit u. */
int64_t mkt_now(enum mkt_tunit u);

/* Monotonic clock in nanoseconds. */
int64_t mkt_mono_ns(void);

struct mkt_jfield;

/* A record field's time in unit u: a number is taken to be in u already
 * (a fraction is rounded down), a string must be RFC 3339. Returns 0, or
 * -1 if the field is neither. */
int mkt_jfield_time(const struct mkt_jfield *f, enum mkt_tunit u, int64_t *t);

/* Floor division (rounds toward minus infinity), for window alignment. */
static inline int64_t mkt_floordiv(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

#endif
