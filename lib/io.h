/* SPDX-License-Identifier: MIT */
/* io.h -- buffered line reader and record writer for NDJSON streams.
 *
 * The reader hands out lines that point into its own buffer (valid until
 * the next call), so reading allocates nothing per line. A line longer
 * than the limit is reported once and skipped whole, never cut into a
 * wrong record. Before a read that would block, the reader calls the
 * caller's pause hook: that is where tools flush their output, so files
 * go at full speed and live streams keep a low latency. */
#ifndef MKT_IO_H
#define MKT_IO_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define MKT_LINE_MAX_DEFAULT (1024 * 1024)

enum mkt_read_status {
	MKT_READ_LINE = 1,     /* *line, *len set (no newline, no trailing CR kept) */
	MKT_READ_EOF = 0,      /* end of input */
	MKT_READ_ERROR = -1,   /* read(2) failed; errno set */
	MKT_READ_LONG = -2,    /* a line over the limit was skipped; lineno is its number */
	MKT_READ_TIMEOUT = -3, /* idle_ms passed with no input */
	MKT_READ_INTR = -4,    /* a signal arrived while waiting */
};

struct mkt_reader {
	int fd;
	const char *name;        /* for messages: "stdin" or a path */
	char *buf;
	size_t cap, start, end;  /* unread bytes are buf[start, end) */
	size_t scan;             /* bytes of buf[start..] already searched for '\n' */
	size_t max_line;
	uint64_t lineno;         /* number of the line last returned (1-based) */
	int eof;
	int skipping;            /* discarding the rest of an over-long line */
	int idle_ms;             /* -1: wait forever; otherwise MKT_READ_TIMEOUT after this */
	void (*on_pause)(void *arg); /* called before a read that would block */
	void *pause_arg;
	uint64_t bytes;          /* bytes read so far */
	int stop_told;           /* MKT_READ_INTR returned for a stop signal */
};

/* Set up a reader on fd. max_line 0 means MKT_LINE_MAX_DEFAULT. Returns 0,
 * or -1 with errstr filled (out of memory). */
int mkt_reader_init(struct mkt_reader *r, int fd, const char *name,
    size_t max_line, char *errstr, size_t errsize);

/* Next line. See enum mkt_read_status. */
int mkt_reader_next(struct mkt_reader *r, const char **line, size_t *len);

/* Whether a complete line is already buffered (no read needed). */
int mkt_reader_ready(const struct mkt_reader *r);

void mkt_reader_free(struct mkt_reader *r);

/* Writer: records are built in w->b and handed over with
 * mkt_writer_commit(), which writes when the buffer passes its threshold
 * (or at once when unbuffered). Errors stick: once a write failed, errno
 * is kept in w->err and later calls return -1. EPIPE is such an error;
 * tools treat it as a quiet end. */
struct mkt_writer {
	int fd;
	struct mkt_buf b;
	size_t flush_at;
	int unbuffered;
	int err;        /* errno of the first failed write, or 0 */
	uint64_t records;
};

#define MKT_WRITE_BUF_DEFAULT (256 * 1024)

int mkt_writer_init(struct mkt_writer *w, int fd, int unbuffered);
int mkt_writer_flush(struct mkt_writer *w);

/* End the record being built: append '\n', count it, write if due. */
int mkt_writer_commit(struct mkt_writer *w);

/* Copy a whole line (newline added) into the output. */
int mkt_writer_line(struct mkt_writer *w, const char *s, size_t len);

/* Flush and free. Returns -1 if anything ever failed to be written. */
int mkt_writer_close(struct mkt_writer *w);

/* Write all of buf to fd, retrying on EINTR and short writes. */
int mkt_write_all(int fd, const void *buf, size_t len);

#endif
