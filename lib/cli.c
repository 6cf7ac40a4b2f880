/* SPDX-License-Identifier: MIT */
/* cli.c -- signals, option numbers, version, rate-limited record warnings
 * (see cli.h). */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "timeutil.h"

extern char *program_invocation_short_name;

volatile sig_atomic_t mkt_stop;
int mkt_verbosity;

static void on_signal(int sig)
{
	if (sig == SIGINT && mkt_stop == SIGINT)
		_exit(130);
	mkt_stop = sig;
}

void mkt_signals_init(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0; /* no SA_RESTART: blocking calls return EINTR */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

int mkt_parse_long(const char *s, long long min, long long max, long long *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (end == s || *end != '\0' || errno != 0 || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int mkt_parse_double(const char *s, double min, double max, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || *end != '\0' || errno != 0 || isnan(v) || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

void mkt_print_version(const char *extra)
{
	printf("%s (mktpipe) %s\n", program_invocation_short_name, MKT_VERSION);
	if (extra && *extra)
		printf("%s\n", extra);
}

static uint64_t rec_bad, rec_unprinted, rec_hidden; /* hidden: never printed, in all */
static int64_t rec_last_ns;

void mkt_rec_warn(const char *src, uint64_t lineno, const char *fmt, ...)
{
	va_list ap;
	int64_t now;
	char msg[512];

	rec_bad++;
	if (mkt_verbosity < 0) {
		rec_unprinted++;
		rec_hidden++;
		return;
	}
	if (rec_bad > 10) {
		now = mkt_mono_ns();
		if (now - rec_last_ns < 1000000000LL) {
			rec_unprinted++;
			rec_hidden++;
			return;
		}
		rec_last_ns = now;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (rec_unprinted)
		fprintf(stderr, "%s: %s:%llu: %s (%llu similar messages not shown)\n",
		    program_invocation_short_name, src, (unsigned long long)lineno,
		    msg, (unsigned long long)rec_unprinted);
	else
		fprintf(stderr, "%s: %s:%llu: %s\n", program_invocation_short_name,
		    src, (unsigned long long)lineno, msg);
	rec_unprinted = 0;
}

uint64_t mkt_rec_bad(void)
{
	return rec_bad;
}

void mkt_rec_summary(void)
{
	if (rec_bad == 0)
		return;
	if (rec_hidden)
		fprintf(stderr, "%s: %llu bad record%s skipped (%llu not printed)\n",
		    program_invocation_short_name, (unsigned long long)rec_bad,
		    rec_bad == 1 ? "" : "s", (unsigned long long)rec_hidden);
	else
		fprintf(stderr, "%s: %llu bad record%s skipped\n",
		    program_invocation_short_name, (unsigned long long)rec_bad,
		    rec_bad == 1 ? "" : "s");
}

void mkt_info(int level, const char *fmt, ...)
{
	va_list ap;

	if (mkt_verbosity < level)
		return;
	fprintf(stderr, "%s: ", program_invocation_short_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
