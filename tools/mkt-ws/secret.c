/* SPDX-License-Identifier: MIT */
/* secret.c -- buffers that hold a key, or a message built from one
 *
 * realloc() may move a buffer and free the old block with its bytes still
 * in it, so a buffer that holds a secret never grows through it: the
 * functions here move the contents to a new block themselves and wipe
 * the old one before freeing it, and ws_wipe() clears a whole block once
 * its secret has been used. explicit_bzero() is used throughout: a plain
 * memset() just before free() may be left out by the compiler. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "ws.h"

int ws_secret_reserve(struct mkt_buf *b, size_t n)
{
	if (b->oom)
		return -1;
	if (n > SIZE_MAX / 2 - b->len)
		goto fail;
	size_t need = b->len + n + 1;
	if (need <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < need)
		cap *= 2;
	char *p = malloc(cap);
	if (!p)
		goto fail;
	if (b->cap) {
		memcpy(p, b->p, b->len + 1);
		explicit_bzero(b->p, b->cap);
		free(b->p);
	} else {
		p[0] = '\0';
	}
	b->p = p;
	b->cap = cap;
	return 0;
fail:
	b->oom = 1;
	return -1;
}

int ws_secret_add(struct mkt_buf *b, const char *p, size_t n)
{
	if (ws_secret_reserve(b, n) < 0)
		return -1;
	return mkt_buf_add(b, p, n);
}

int ws_secret_adds(struct mkt_buf *b, const char *str)
{
	return ws_secret_add(b, str, strlen(str));
}

int ws_secret_body(struct mkt_buf *b, const char *str)
{
	size_t n = strlen(str);
	/* the longest escape, \u00XX, is six bytes for one */
	if (n > SIZE_MAX / 8 || ws_secret_reserve(b, 6 * n + 2) < 0)
		return -1;
	ws_json_body(b, str);
	return b->oom ? -1 : 0;
}

void ws_wipe(struct mkt_buf *b)
{
	if (b->cap)
		explicit_bzero(b->p, b->cap);
	b->len = 0;
}
