/* SPDX-License-Identifier: MIT */
/* buf.h -- growable byte buffers, reused across records so the hot path
 * allocates only while a buffer is still growing to its working size. */
#ifndef MKT_BUF_H
#define MKT_BUF_H

#include <stddef.h>
#include <string.h>

struct mkt_buf {
	char *p;      /* bytes; always NUL-terminated when cap > 0 */
	size_t len;   /* bytes in use, not counting the NUL */
	size_t cap;   /* bytes allocated */
	int oom;      /* set once an allocation failed; later appends are no-ops */
	int wipe;     /* the bytes may hold a secret: growing moves them to a
	               * new block and clears the old one (realloc() would
	               * leave a copy behind), and mkt_buf_free() clears the
	               * block before freeing it */
};

#define MKT_BUF_INIT { NULL, 0, 0, 0, 0 }

/* Make room for n more bytes (plus the NUL). Returns 0, or -1 and sets
 * b->oom when memory ran out. */
int mkt_buf_reserve(struct mkt_buf *b, size_t n);

/* Append len bytes; returns 0 or -1 (out of memory). */
static inline int mkt_buf_add(struct mkt_buf *b, const void *s, size_t len)
{
	if ((b->len + len + 1 > b->cap || b->oom) && mkt_buf_reserve(b, len) < 0)
		return -1;
	memcpy(b->p + b->len, s, len);
	b->len += len;
	b->p[b->len] = '\0';
	return 0;
}

static inline int mkt_buf_addc(struct mkt_buf *b, char c)
{
	if ((b->len + 2 > b->cap || b->oom) && mkt_buf_reserve(b, 1) < 0)
		return -1;
	b->p[b->len++] = c;
	b->p[b->len] = '\0';
	return 0;
}

static inline int mkt_buf_adds(struct mkt_buf *b, const char *s)
{
	return mkt_buf_add(b, s, strlen(s));
}

/* printf-style append. Returns 0 or -1. */
int mkt_buf_printf(struct mkt_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Forget the contents, keep the allocation. */
static inline void mkt_buf_reset(struct mkt_buf *b)
{
	b->len = 0;
	if (b->cap)
		b->p[0] = '\0';
}

/* Clear the whole block, not only its length (explicit_bzero(), which
 * the compiler keeps), and empty b; the block is kept for reuse. */
void mkt_buf_wipe(struct mkt_buf *b);

/* Free the block (cleared first when b->wipe is set) and empty b; b->wipe
 * stays as it was. */
void mkt_buf_free(struct mkt_buf *b);

#endif
