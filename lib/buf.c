/* SPDX-License-Identifier: MIT */
/* buf.c -- growable byte buffers (see buf.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

int mkt_buf_reserve(struct mkt_buf *b, size_t n)
{
	size_t need, cap;
	char *p;

	if (b->oom)
		return -1;
	if (n > (size_t)-1 / 2 - b->len)
		goto fail;
	need = b->len + n + 1;
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 256;
	while (cap < need)
		cap *= 2;
	if (!b->wipe) {
		p = realloc(b->p, cap);
		if (p == NULL)
			goto fail;
	} else {
		/* a copy of the bytes in place of realloc(), which may free
		 * the old block with them still in it */
		p = malloc(cap);
		if (p == NULL)
			goto fail;
		p[0] = '\0';
		if (b->cap) {
			memcpy(p, b->p, b->len + 1);
			explicit_bzero(b->p, b->cap);
			free(b->p);
		}
	}
	b->p = p;
	b->cap = cap;
	return 0;
fail:
	b->oom = 1;
	return -1;
}

int mkt_buf_printf(struct mkt_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (mkt_buf_reserve(b, 64) < 0)
		return -1;
	va_start(ap, fmt);
	n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	if ((size_t)n >= b->cap - b->len) {
		if (mkt_buf_reserve(b, (size_t)n) < 0)
			return -1;
		va_start(ap, fmt);
		vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
	return 0;
}

void mkt_buf_wipe(struct mkt_buf *b)
{
	if (b->cap)
		explicit_bzero(b->p, b->cap);
	b->len = 0;
}

void mkt_buf_free(struct mkt_buf *b)
{
	if (b->wipe && b->cap)
		explicit_bzero(b->p, b->cap);
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
	b->oom = 0;
}
