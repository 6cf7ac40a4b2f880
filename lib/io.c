/* SPDX-License-Identifier: MIT */
/* io.c -- buffered line reader and record writer (see io.h). */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "io.h"

#define READ_CHUNK (256 * 1024)

int mkt_reader_init(struct mkt_reader *r, int fd, const char *name,
    size_t max_line, char *errstr, size_t errsize)
{
	memset(r, 0, sizeof(*r));
	r->fd = fd;
	r->name = name;
	r->max_line = max_line ? max_line : MKT_LINE_MAX_DEFAULT;
	r->idle_ms = -1;
	r->cap = r->max_line + READ_CHUNK;
	r->buf = malloc(r->cap);
	if (r->buf == NULL) {
		snprintf(errstr, errsize, "out of memory for a %zu-byte line buffer",
		    r->cap);
		return -1;
	}
	return 0;
}

void mkt_reader_free(struct mkt_reader *r)
{
	free(r->buf);
	r->buf = NULL;
}

int mkt_reader_ready(const struct mkt_reader *r)
{
	if (r->skipping)
		return 0;
	if (r->eof)
		return 1;
	return memchr(r->buf + r->start + r->scan, '\n',
	    r->end - r->start - r->scan) != NULL;
}

/* Wait until fd is readable; calls on_pause first if it is not already.
 * SIGINT and SIGTERM stay blocked from the check of mkt_stop until ppoll()
 * unblocks them while it waits: one that comes after the tool's last look
 * at mkt_stop (in on_pause, say) ends the wait with MKT_READ_INTR instead
 * of being lost before a wait with no end. That is said once: a reader
 * that goes on reading after a stop waits as before. */
static int wait_readable(struct mkt_reader *r)
{
	struct pollfd pfd = { .fd = r->fd, .events = POLLIN };
	struct timespec ts, *tp = NULL;
	sigset_t stop, old;
	int n, e;

	n = poll(&pfd, 1, 0);
	if (n == 0) {
		if (r->on_pause)
			r->on_pause(r->pause_arg);
		sigemptyset(&stop);
		sigaddset(&stop, SIGINT);
		sigaddset(&stop, SIGTERM);
		sigprocmask(SIG_BLOCK, &stop, &old);
		if (mkt_stop && !r->stop_told) {
			r->stop_told = 1;
			sigprocmask(SIG_SETMASK, &old, NULL);
			return MKT_READ_INTR;
		}
		if (r->idle_ms >= 0) {
			ts.tv_sec = r->idle_ms / 1000;
			ts.tv_nsec = (long)(r->idle_ms % 1000) * 1000000L;
			tp = &ts;
		}
		n = ppoll(&pfd, 1, tp, &old);
		e = errno;
		sigprocmask(SIG_SETMASK, &old, NULL);
		errno = e;
		if (n == 0)
			return MKT_READ_TIMEOUT;
	}
	if (n < 0)
		return errno == EINTR ? MKT_READ_INTR : MKT_READ_ERROR;
	return 0;
}

int mkt_reader_next(struct mkt_reader *r, const char **line, size_t *len)
{
	char *nl;
	ssize_t n;
	int rc;

	for (;;) {
		if (r->skipping) {
			nl = memchr(r->buf + r->start, '\n', r->end - r->start);
			if (nl != NULL) {
				r->start = (size_t)(nl - r->buf) + 1;
				r->skipping = 0;
				r->scan = 0;
				continue;
			}
			r->start = r->end = 0;
		} else {
			nl = memchr(r->buf + r->start + r->scan, '\n',
			    r->end - r->start - r->scan);
			if (nl != NULL) {
				size_t l = (size_t)(nl - (r->buf + r->start));
				*line = r->buf + r->start;
				r->start += l + 1;
				r->scan = 0;
				r->lineno++;
				if (l > 0 && (*line)[l - 1] == '\r')
					l--;
				if (l > r->max_line)
					return MKT_READ_LONG;
				*len = l;
				return MKT_READ_LINE;
			}
			r->scan = r->end - r->start;
			if (r->scan > r->max_line) {
				r->lineno++;
				r->skipping = 1;
				r->start = r->end = r->scan = 0;
				return MKT_READ_LONG;
			}
			if (r->eof) {
				if (r->start == r->end)
					return MKT_READ_EOF;
				*line = r->buf + r->start;
				*len = r->end - r->start;
				r->start = r->end;
				r->scan = 0;
				r->lineno++;
				if (*len > 0 && (*line)[*len - 1] == '\r')
					(*len)--;
				return MKT_READ_LINE;
			}
		}
		if (r->eof)
			return MKT_READ_EOF;
		if (r->start > 0) {
			memmove(r->buf, r->buf + r->start, r->end - r->start);
			r->end -= r->start;
			r->start = 0;
		}
		if ((rc = wait_readable(r)) != 0)
			return rc;
		n = read(r->fd, r->buf + r->end, r->cap - r->end);
		if (n < 0) {
			if (errno == EINTR)
				return MKT_READ_INTR;
			if (errno == EAGAIN)
				continue;
			return MKT_READ_ERROR;
		}
		if (n == 0)
			r->eof = 1;
		r->end += (size_t)n;
		r->bytes += (uint64_t)n;
	}
}

int mkt_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN) {
				if (errno == EAGAIN) {
					struct pollfd pfd = { .fd = fd, .events = POLLOUT };
					poll(&pfd, 1, 1000);
				}
				continue;
			}
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int mkt_writer_init(struct mkt_writer *w, int fd, int unbuffered)
{
	memset(w, 0, sizeof(*w));
	w->fd = fd;
	w->unbuffered = unbuffered;
	w->flush_at = MKT_WRITE_BUF_DEFAULT;
	return mkt_buf_reserve(&w->b, MKT_WRITE_BUF_DEFAULT + 4096);
}

int mkt_writer_flush(struct mkt_writer *w)
{
	if (w->err) {
		mkt_buf_reset(&w->b);
		return -1;
	}
	if (w->b.oom) {
		w->err = ENOMEM;
		return -1;
	}
	if (w->b.len > 0 && mkt_write_all(w->fd, w->b.p, w->b.len) < 0)
		w->err = errno;
	mkt_buf_reset(&w->b);
	return w->err ? -1 : 0;
}

int mkt_writer_commit(struct mkt_writer *w)
{
	if (mkt_buf_addc(&w->b, '\n') < 0) {
		w->err = ENOMEM;
		return -1;
	}
	w->records++;
	if (w->unbuffered || w->b.len >= w->flush_at)
		return mkt_writer_flush(w);
	return w->err ? -1 : 0;
}

int mkt_writer_line(struct mkt_writer *w, const char *s, size_t len)
{
	mkt_buf_add(&w->b, s, len);
	return mkt_writer_commit(w);
}

int mkt_writer_close(struct mkt_writer *w)
{
	int rc = mkt_writer_flush(w);

	mkt_buf_free(&w->b);
	return rc;
}
