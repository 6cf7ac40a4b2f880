/* SPDX-License-Identifier: MIT */
/* test_io.c -- the line reader (boundaries, CRLF, long lines, pauses,
 * timeouts, signals) and the record writer (thresholds, sticky errors). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "io.h"
#include "unit.h"

static char err[256];
static int pauses;

static void count_pause(void *arg)
{
	(*(int *)arg)++;
}

/* A regular file holding s[0..n), opened for reading. */
static int file_with(const char *s, size_t n)
{
	char path[] = "/tmp/test_io.XXXXXX";
	int fd = mkstemp(path);

	if (fd < 0)
		return -1;
	unlink(path);
	if (mkt_write_all(fd, s, n) < 0 || lseek(fd, 0, SEEK_SET) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Next line as a NUL-terminated copy in a static buffer, or NULL; the
 * status goes to *rc. */
static const char *next(struct mkt_reader *r, int *rc)
{
	static char copy[4096];
	const char *line;
	size_t len;

	*rc = mkt_reader_next(r, &line, &len);
	if (*rc != MKT_READ_LINE)
		return NULL;
	if (len >= sizeof(copy))
		len = sizeof(copy) - 1;
	memcpy(copy, line, len);
	copy[len] = '\0';
	return copy;
}

static void test_file_lines(void)
{
	static const char text[] = "one\r\ntwo\n\nthr\ree\r\nlast";
	struct mkt_reader r;
	int fd = file_with(text, sizeof(text) - 1), rc;

	CHECK(fd >= 0);
	CHECK(mkt_reader_init(&r, fd, "t", 0, err, sizeof(err)) == 0);
	r.on_pause = count_pause;
	r.pause_arg = &pauses;
	pauses = 0;
	CHECK_STR(next(&r, &rc), "one");
	CHECK(r.lineno == 1);
	CHECK(mkt_reader_ready(&r));
	CHECK_STR(next(&r, &rc), "two");
	CHECK_STR(next(&r, &rc), "");
	CHECK(r.lineno == 3);
	CHECK_STR(next(&r, &rc), "thr\ree"); /* only a CR before the newline goes */
	CHECK_STR(next(&r, &rc), "last");    /* no newline at the end */
	CHECK(r.lineno == 5);
	CHECK(next(&r, &rc) == NULL && rc == MKT_READ_EOF);
	CHECK(next(&r, &rc) == NULL && rc == MKT_READ_EOF);
	CHECK(r.lineno == 5);
	CHECK(r.bytes == sizeof(text) - 1);
	CHECK(pauses == 0); /* a regular file never blocks */
	mkt_reader_free(&r);
	close(fd);

	/* empty input; a lone CR line at the end */
	fd = file_with("", 0);
	CHECK(mkt_reader_init(&r, fd, "t", 0, err, sizeof(err)) == 0);
	CHECK(next(&r, &rc) == NULL && rc == MKT_READ_EOF && r.lineno == 0);
	mkt_reader_free(&r);
	close(fd);
	fd = file_with("a\n\r", 3);
	CHECK(mkt_reader_init(&r, fd, "t", 0, err, sizeof(err)) == 0);
	CHECK_STR(next(&r, &rc), "a");
	CHECK_STR(next(&r, &rc), "");
	CHECK(next(&r, &rc) == NULL && rc == MKT_READ_EOF && r.lineno == 2);
	mkt_reader_free(&r);
	close(fd);
}

static void test_long_lines(void)
{
	/* limit 8: 8 bytes pass (a CR does not count), 9 do not */
	static const char text[] =
	    "12345678\n123456789\nok\n12345678\r\n123456789\r\nabcdefghijklmnop\nend";
	struct mkt_reader r;
	int fd = file_with(text, sizeof(text) - 1), rc;
	size_t big = 600 * 1024, i;
	char *s;

	CHECK(mkt_reader_init(&r, fd, "t", 8, err, sizeof(err)) == 0);
	CHECK_STR(next(&r, &rc), "12345678");
	CHECK(next(&r, &rc) == NULL && rc == MKT_READ_LONG && r.lineno == 2);
	CHECK_STR(next(&r, &rc), "ok");
	CHECK(r.lineno == 3);
	CHECK_STR(next(&r, &rc), "12345678");
	CHECK(next(&r, &rc) == NULL && rc == MKT_READ_LONG && r.lineno == 5);
	CHECK(next(&r, &rc) == NULL && rc == MKT_READ_LONG && r.lineno == 6);
	CHECK_STR(next(&r, &rc), "end");
	CHECK(r.lineno == 7);
	CHECK(next(&r, &rc) == NULL && rc == MKT_READ_EOF);
	mkt_reader_free(&r);
	close(fd);

	/* a line far longer than the whole buffer (limit + one read) is
	 * reported once and skipped whole, across many reads */
	s = malloc(big + 64);
	memcpy(s, "first\n", 6);
	for (i = 6; i < big; i++)
		s[i] = 'x';
	memcpy(s + big, "\nsecond\n", 8);
	fd = file_with(s, big + 8);
	CHECK(mkt_reader_init(&r, fd, "t", 100, err, sizeof(err)) == 0);
	CHECK_STR(next(&r, &rc), "first");
	CHECK(next(&r, &rc) == NULL && rc == MKT_READ_LONG && r.lineno == 2);
	CHECK_STR(next(&r, &rc), "second");
	CHECK(r.lineno == 3);
	CHECK(next(&r, &rc) == NULL && rc == MKT_READ_EOF);
	mkt_reader_free(&r);
	close(fd);

	/* an over-long last line without a newline */
	fd = file_with(s, big);
	CHECK(mkt_reader_init(&r, fd, "t", 100, err, sizeof(err)) == 0);
	CHECK_STR(next(&r, &rc), "first");
	CHECK(next(&r, &rc) == NULL && rc == MKT_READ_LONG && r.lineno == 2);
	CHECK(next(&r, &rc) == NULL && rc == MKT_READ_EOF);
	mkt_reader_free(&r);
	close(fd);

	/* the default limit: a line of exactly MKT_LINE_MAX_DEFAULT passes */
	free(s);
	s = malloc(MKT_LINE_MAX_DEFAULT + 2);
	memset(s, 'y', MKT_LINE_MAX_DEFAULT);
	s[MKT_LINE_MAX_DEFAULT] = '\n';
	fd = file_with(s, MKT_LINE_MAX_DEFAULT + 1);
	CHECK(mkt_reader_init(&r, fd, "t", 0, err, sizeof(err)) == 0);
	{
		const char *line;
		size_t len;
		CHECK(mkt_reader_next(&r, &line, &len) == MKT_READ_LINE &&
		    len == MKT_LINE_MAX_DEFAULT);
	}
	mkt_reader_free(&r);
	close(fd);
	free(s);
}

static void on_alarm(int sig)
{
	(void)sig;
}

static void test_pipe(void)
{
	struct mkt_reader r;
	int p[2], rc;
	int64_t t0;
	struct timespec ts;
	struct sigaction sa;
	struct itimerval it;

	CHECK(pipe(p) == 0);
	CHECK(mkt_reader_init(&r, p[0], "pipe", 0, err, sizeof(err)) == 0);
	r.on_pause = count_pause;
	r.pause_arg = &pauses;
	r.idle_ms = 50;
	pauses = 0;

	/* a line split across reads */
	CHECK(write(p[1], "{\"a\":", 5) == 5);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	t0 = ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
	CHECK(next(&r, &rc) == NULL && rc == MKT_READ_TIMEOUT);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	CHECK(ts.tv_sec * 1000LL + ts.tv_nsec / 1000000 - t0 >= 45);
	/* data was ready for the first read (no pause), then it would block */
	CHECK(pauses == 1);
	CHECK(!mkt_reader_ready(&r));
	CHECK(write(p[1], "1}\n{\"b\"", 7) == 7);
	CHECK_STR(next(&r, &rc), "{\"a\":1}");
	CHECK(pauses == 1);
	CHECK(next(&r, &rc) == NULL && rc == MKT_READ_TIMEOUT);
	CHECK(pauses == 2);
	CHECK(write(p[1], ":2}\n", 4) == 4);
	CHECK_STR(next(&r, &rc), "{\"b\":2}");
	CHECK(r.lineno == 2);

	/* a signal while waiting: MKT_READ_INTR, and reading goes on after */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	memset(&it, 0, sizeof(it));
	it.it_value.tv_usec = 30000;
	setitimer(ITIMER_REAL, &it, NULL);
	r.idle_ms = -1;
	CHECK(next(&r, &rc) == NULL && rc == MKT_READ_INTR);
	CHECK(write(p[1], "x\n", 2) == 2);
	CHECK_STR(next(&r, &rc), "x");

	/* end of input, last line without a newline */
	CHECK(write(p[1], "tail", 4) == 4);
	close(p[1]);
	CHECK_STR(next(&r, &rc), "tail");
	CHECK(next(&r, &rc) == NULL && rc == MKT_READ_EOF);
	CHECK(r.lineno == 4);
	mkt_reader_free(&r);
	close(p[0]);

	/* an over-long line arriving in pieces on a pipe */
	CHECK(pipe(p) == 0);
	CHECK(mkt_reader_init(&r, p[0], "pipe", 4, err, sizeof(err)) == 0);
	r.idle_ms = 20;
	CHECK(write(p[1], "abc", 3) == 3);
	CHECK(next(&r, &rc) == NULL && rc == MKT_READ_TIMEOUT);
	CHECK(write(p[1], "defg", 4) == 4);
	CHECK(next(&r, &rc) == NULL && rc == MKT_READ_LONG && r.lineno == 1);
	CHECK(next(&r, &rc) == NULL && rc == MKT_READ_TIMEOUT);
	CHECK(write(p[1], "hij\nok\n", 7) == 7);
	CHECK_STR(next(&r, &rc), "ok");
	CHECK(r.lineno == 2);
	close(p[1]);
	CHECK(next(&r, &rc) == NULL && rc == MKT_READ_EOF);
	mkt_reader_free(&r);
	close(p[0]);
}

/* Bytes waiting in a pipe. */
static int pending(int fd)
{
	int n = -1;
	ioctl(fd, FIONREAD, &n);
	return n;
}

static void test_writer(void)
{
	struct mkt_writer w;
	int p[2], fd;
	char got[256];
	ssize_t n;

	CHECK(pipe(p) == 0);
	CHECK(mkt_writer_init(&w, p[1], 0) == 0);
	CHECK(w.flush_at == MKT_WRITE_BUF_DEFAULT);
	w.flush_at = 16;
	mkt_buf_adds(&w.b, "{\"a\":1}");
	CHECK(mkt_writer_commit(&w) == 0);           /* 8 bytes: kept */
	CHECK(pending(p[0]) == 0);
	CHECK(mkt_writer_line(&w, "{\"b\":2}", 7) == 0); /* 16 bytes: written */
	CHECK(pending(p[0]) == 16);
	CHECK(w.b.len == 0);
	CHECK(mkt_writer_line(&w, "x", 1) == 0);
	CHECK(pending(p[0]) == 16);
	CHECK(mkt_writer_flush(&w) == 0);
	CHECK(pending(p[0]) == 18);
	CHECK(mkt_writer_flush(&w) == 0); /* nothing to write */
	CHECK(w.records == 3);
	n = read(p[0], got, sizeof(got) - 1);
	CHECK(n == 18);
	got[n > 0 ? n : 0] = '\0';
	CHECK_STR(got, "{\"a\":1}\n{\"b\":2}\nx\n");
	CHECK(mkt_writer_close(&w) == 0);

	/* unbuffered: every record goes at once */
	CHECK(mkt_writer_init(&w, p[1], 1) == 0);
	CHECK(mkt_writer_line(&w, "u", 1) == 0);
	CHECK(pending(p[0]) == 2);
	CHECK(mkt_writer_close(&w) == 0);
	CHECK(read(p[0], got, sizeof(got)) == 2);

	/* EPIPE once the reader is gone sticks, and close reports it */
	close(p[0]);
	signal(SIGPIPE, SIG_IGN);
	CHECK(mkt_writer_init(&w, p[1], 1) == 0);
	CHECK(mkt_writer_line(&w, "z", 1) == -1);
	CHECK(w.err == EPIPE);
	CHECK(mkt_writer_line(&w, "z", 1) == -1);
	CHECK(mkt_writer_close(&w) == -1);
	close(p[1]);

	/* /dev/full: the error shows at the flush and sticks */
	fd = open("/dev/full", O_WRONLY);
	CHECK(fd >= 0);
	CHECK(mkt_writer_init(&w, fd, 0) == 0);
	CHECK(mkt_writer_line(&w, "a", 1) == 0); /* only buffered so far */
	CHECK(mkt_writer_flush(&w) == -1);
	CHECK(w.err == ENOSPC);
	CHECK(mkt_writer_line(&w, "b", 1) == -1);
	CHECK(mkt_writer_flush(&w) == -1);
	CHECK(w.b.len == 0); /* nothing piles up after the error */
	CHECK(mkt_writer_close(&w) == -1);
	close(fd);

	/* the default threshold: 256 KiB of records go out in one write */
	CHECK(pipe(p) == 0);
	fcntl(p[1], F_SETPIPE_SZ, 1024 * 1024);
	CHECK(mkt_writer_init(&w, p[1], 0) == 0);
	{
		char rec[1024];
		int i, flushed_at = -1;
		memset(rec, 'r', sizeof(rec) - 1);
		for (i = 0; i < 300 && flushed_at < 0; i++) {
			CHECK(mkt_writer_line(&w, rec, sizeof(rec) - 1) == 0);
			if (pending(p[0]) > 0)
				flushed_at = i;
		}
		/* record 256 (0-based) brings the buffer to 256 KiB */
		CHECK(flushed_at == 255);
		CHECK(pending(p[0]) == 256 * 1024);
	}
	CHECK(mkt_writer_close(&w) == 0);
	close(p[0]);
	close(p[1]);

	/* mkt_write_all: everything, through short writes */
	fd = file_with("", 0);
	CHECK(mkt_write_all(fd, "hello", 5) == 0);
	CHECK(lseek(fd, 0, SEEK_CUR) == 5);
	close(fd);
	CHECK(mkt_write_all(-1, "x", 1) == -1 && errno == EBADF);
}

int main(void)
{
	test_file_lines();
	test_long_lines();
	test_pipe();
	test_writer();
	UNIT_END();
}
