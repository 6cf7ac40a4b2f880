/* SPDX-License-Identifier: MIT */
/* test_cli.c -- option numbers, the version line, rate-limited record
 * warnings and their summary, verbosity, and the signal handlers. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "unit.h"

/* Run fn with stderr (or stdout) sent to a file; return what it wrote. */
static const char *capture(int fd, void (*fn)(void))
{
	static char out[8192];
	char path[] = "/tmp/test_cli.XXXXXX";
	int tmp = mkstemp(path), saved = dup(fd);
	ssize_t n;

	unlink(path);
	fflush(stdout);
	fflush(stderr);
	dup2(tmp, fd);
	fn();
	fflush(stdout);
	fflush(stderr);
	dup2(saved, fd);
	close(saved);
	lseek(tmp, 0, SEEK_SET);
	n = read(tmp, out, sizeof(out) - 1);
	out[n > 0 ? n : 0] = '\0';
	close(tmp);
	return out;
}

static void test_numbers(void)
{
	long long v = -7;
	double d = -7;

	CHECK(mkt_parse_long("42", 0, 100, &v) == 0 && v == 42);
	CHECK(mkt_parse_long("-3", -5, 5, &v) == 0 && v == -3);
	CHECK(mkt_parse_long("0", 0, 0, &v) == 0 && v == 0);
	CHECK(mkt_parse_long("100", 0, 100, &v) == 0 && v == 100);  /* bounds included */
	v = 9;
	CHECK(mkt_parse_long("101", 0, 100, &v) == -1 && v == 9);   /* untouched */
	CHECK(mkt_parse_long("-1", 0, 100, &v) == -1);
	CHECK(mkt_parse_long("", 0, 100, &v) == -1);
	CHECK(mkt_parse_long("12x", 0, 100, &v) == -1);
	CHECK(mkt_parse_long("1.0", 0, 100, &v) == -1);
	CHECK(mkt_parse_long("0x10", 0, 100, &v) == -1);
	CHECK(mkt_parse_long("x", 0, 100, &v) == -1);
	CHECK(mkt_parse_long("9223372036854775807", 0, INT64_MAX, &v) == 0 && v == INT64_MAX);
	CHECK(mkt_parse_long("9223372036854775808", 0, INT64_MAX, &v) == -1);
	CHECK(mkt_parse_long("-9223372036854775809", INT64_MIN, 0, &v) == -1);

	CHECK(mkt_parse_double("1.5", 0, 10, &d) == 0 && d == 1.5);
	CHECK(mkt_parse_double("-2", -5, 5, &d) == 0 && d == -2);
	CHECK(mkt_parse_double("1e3", 0, 1e6, &d) == 0 && d == 1000);
	CHECK(mkt_parse_double("10", 0, 10, &d) == 0 && d == 10);
	d = 9;
	CHECK(mkt_parse_double("10.000001", 0, 10, &d) == -1 && d == 9);
	CHECK(mkt_parse_double("", 0, 10, &d) == -1);
	CHECK(mkt_parse_double("1.5x", 0, 10, &d) == -1);
	CHECK(mkt_parse_double("nan", -INFINITY, INFINITY, &d) == -1);
	CHECK(mkt_parse_double("inf", 0, 1e300, &d) == -1);
	CHECK(mkt_parse_double("1e400", 0, INFINITY, &d) == -1);
	CHECK(mkt_parse_double("-0.5", 0, 1, &d) == -1);
}

static void version(void)
{
	mkt_print_version("libfoo 1.2");
}

static void warn_many(void)
{
	int i;

	for (i = 1; i <= 20; i++)
		mkt_rec_warn("stdin", (uint64_t)i, "\"ts\" is not a number (%d)", i);
}

static void warn_later(void)
{
	usleep(1100 * 1000);
	mkt_rec_warn("in.ndjson", 21, "bad");
}

static void summary(void)
{
	mkt_rec_summary();
}

static void info(void)
{
	mkt_info(1, "verbose %d", 1);
	mkt_info(0, "normal");
	mkt_info(-1, "always");
}

static void quiet_warn(void)
{
	mkt_rec_warn("stdin", 99, "hidden");
}

static void test_messages(void)
{
	const char *out;
	char want[256];
	int i;

	out = capture(1, version);
	CHECK_STR(out, "test_cli (mktpipe) " MKT_VERSION "\nlibfoo 1.2\n");

	CHECK(mkt_rec_bad() == 0);
	out = capture(2, summary);
	CHECK_STR(out, ""); /* nothing bad, nothing said */

	/* the first ten, then one a second; all counted */
	out = capture(2, warn_many);
	CHECK(mkt_rec_bad() == 20);
	for (i = 1; i <= 10; i++) {
		snprintf(want, sizeof(want), "test_cli: stdin:%d: \"ts\" is not a number (%d)\n", i, i);
		CHECK(strstr(out, want) != NULL);
	}
	CHECK(strstr(out, "stdin:12:") == NULL && strstr(out, "stdin:20:") == NULL);
	{
		int lines = 0;
		const char *p;
		for (p = out; *p; p++)
			lines += *p == '\n';
		CHECK(lines == 11); /* ten, and the first of the next second */
	}
	out = capture(2, warn_later);
	CHECK_STR(out, "test_cli: in.ndjson:21: bad (9 similar messages not shown)\n");
	out = capture(2, summary);
	CHECK_STR(out, "test_cli: 21 bad records skipped (9 not printed)\n");

	mkt_verbosity = -1;
	out = capture(2, quiet_warn);
	CHECK_STR(out, "");
	CHECK(mkt_rec_bad() == 22);
	out = capture(2, info);
	CHECK_STR(out, "test_cli: always\n");
	mkt_verbosity = 1;
	out = capture(2, info);
	CHECK_STR(out, "test_cli: verbose 1\ntest_cli: normal\ntest_cli: always\n");
	mkt_verbosity = 0;
	out = capture(2, summary);
	CHECK_STR(out, "test_cli: 22 bad records skipped (10 not printed)\n");
}

static void test_signals(void)
{
	int p[2], st;
	pid_t pid;

	mkt_signals_init();
	CHECK(mkt_stop == 0);
	raise(SIGTERM);
	CHECK(mkt_stop == SIGTERM);
	mkt_stop = 0;
	raise(SIGHUP);
	CHECK(mkt_stop == SIGHUP);
	mkt_stop = 0;
	raise(SIGINT);
	CHECK(mkt_stop == SIGINT);
	/* SIGPIPE is ignored: a write to a closed pipe fails with EPIPE */
	CHECK(pipe(p) == 0);
	close(p[0]);
	errno = 0;
	CHECK(write(p[1], "x", 1) == -1 && errno == EPIPE);
	close(p[1]);
	/* a blocking read returns EINTR (no SA_RESTART) */
	CHECK(pipe(p) == 0);
	pid = fork();
	if (pid == 0) {
		char c;
		ssize_t n;
		mkt_stop = 0;
		n = read(p[0], &c, 1);
		_exit(n == -1 && errno == EINTR && mkt_stop == SIGTERM ? 0 : 1);
	}
	usleep(100 * 1000);
	kill(pid, SIGTERM);
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	/* a second SIGINT exits at once with 130 */
	pid = fork();
	if (pid == 0) {
		mkt_stop = 0;
		raise(SIGINT);
		raise(SIGINT);
		_exit(0);
	}
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 130);
	close(p[0]);
	close(p[1]);
	mkt_stop = 0;
}

int main(void)
{
	test_numbers();
	test_messages();
	test_signals();
	UNIT_END();
}
