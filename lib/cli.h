/* SPDX-License-Identifier: MIT */
/* cli.h -- what every mktpipe program does the same way: exit codes,
 * signals, number parsing for options, the version line, and rate-limited
 * warnings about bad records.
 *
 * This is the one module of lib/ that writes to stderr: diagnostics are
 * its job. Everything else in lib/ returns codes and fills error buffers. */
#ifndef MKT_CLI_H
#define MKT_CLI_H

#include <signal.h>
#include <stdint.h>

#define MKT_VERSION "0.1.0"

enum {
	MKT_EXIT_OK = 0,     /* everything given was handled */
	MKT_EXIT_FAIL = 1,   /* runtime or I/O failure, or records not handled */
	MKT_EXIT_USAGE = 2,  /* bad command line */
};

/* Set by the SIGINT/SIGTERM/SIGHUP handler to the signal number; the main
 * loop drains and exits 0 when it sees it. A second SIGINT exits at once
 * (status 130). */
extern volatile sig_atomic_t mkt_stop;

/* Install the handlers (sigaction, no SA_RESTART, so blocking reads return
 * EINTR) and ignore SIGPIPE (writes then fail with EPIPE). */
void mkt_signals_init(void);

/* Option values: whole numbers and reals with an end pointer and a range
 * check. Return 0, or -1 (not a number, or out of [min, max]). */
int mkt_parse_long(const char *s, long long min, long long max, long long *out);
int mkt_parse_double(const char *s, double min, double max, double *out);

/* "winagg (mktpipe) 0.1.0" and any extra library lines, to stdout. */
void mkt_print_version(const char *extra);

/* Verbosity shared by -q/-v: -1 quiet, 0 normal, 1+ verbose. */
extern int mkt_verbosity;

/* Report a bad record: "prog: SRC:LINE: message". The first 10 are
 * printed, then at most one a second, each noting how many were left
 * unprinted; all are counted. */
void mkt_rec_warn(const char *src, uint64_t lineno, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Number of bad records reported so far. */
uint64_t mkt_rec_bad(void);

/* At exit: "prog: N bad records skipped (M not printed)" if any. */
void mkt_rec_summary(void);

/* Print "prog: message" to stderr when verbosity >= level. */
void mkt_info(int level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
