/* SPDX-License-Identifier: MIT */
/* unit.h -- a minimal test harness for lib/: CHECK() counts and reports,
 * main() of each test file ends with UNIT_END(). */
#ifndef MKT_UNIT_H
#define MKT_UNIT_H

#include <stdio.h>
#include <string.h>

static int unit_pass, unit_fail;

#define CHECK(cond) do { \
	if (cond) { \
		unit_pass++; \
	} else { \
		unit_fail++; \
		fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
	} \
} while (0)

#define CHECK_STR(got, want) do { \
	const char *g_ = (got), *w_ = (want); \
	if (g_ && strcmp(g_, w_) == 0) { \
		unit_pass++; \
	} else { \
		unit_fail++; \
		fprintf(stderr, "%s:%d: got '%s', want '%s'\n", __FILE__, __LINE__, \
		    g_ ? g_ : "(null)", w_); \
	} \
} while (0)

#define UNIT_END() do { \
	printf("%s: %d passed, %d failed\n", __FILE__, unit_pass, unit_fail); \
	return unit_fail ? 1 : 0; \
} while (0)

#endif
