/* SPDX-License-Identifier: MIT */
/* test_buf.c -- growable buffers: appends, growth, printf, reset, and the
 * sticky out-of-memory state, and buffers that hold a secret. */
#include <stdint.h>

#include "buf.h"
#include "unit.h"

int main(void)
{
	struct mkt_buf b = MKT_BUF_INIT;
	size_t cap, i;
	char big[1000];

	CHECK(b.p == NULL && b.len == 0 && b.cap == 0);
	mkt_buf_reset(&b); /* fine on an empty buffer */
	CHECK(mkt_buf_add(&b, "ab", 2) == 0);
	CHECK(mkt_buf_addc(&b, 'c') == 0);
	CHECK(mkt_buf_adds(&b, "def") == 0);
	CHECK(b.len == 6 && b.p[6] == '\0');
	CHECK_STR(b.p, "abcdef");
	CHECK(b.cap == 256);
	CHECK(mkt_buf_add(&b, "", 0) == 0 && b.len == 6);
	/* bytes with NULs are kept whole */
	CHECK(mkt_buf_add(&b, "x\0y", 3) == 0 && b.len == 9 && memcmp(b.p + 6, "x\0y", 3) == 0);

	/* growth keeps the contents and the terminating NUL */
	memset(big, 'z', sizeof(big));
	for (i = 0; i < 100; i++)
		CHECK(mkt_buf_add(&b, big, sizeof(big)) == 0);
	CHECK(b.len == 9 + 100 * sizeof(big));
	CHECK(b.cap >= b.len + 1 && b.p[b.len] == '\0');
	CHECK(b.p[9] == 'z' && b.p[b.len - 1] == 'z' && b.p[5] == 'f');
	/* reset forgets the contents and keeps the allocation */
	cap = b.cap;
	mkt_buf_reset(&b);
	CHECK(b.len == 0 && b.cap == cap && b.p[0] == '\0');

	/* printf, short and longer than the first guess (64 bytes) */
	CHECK(mkt_buf_printf(&b, "%s=%d", "n", 42) == 0);
	CHECK_STR(b.p, "n=42");
	CHECK(mkt_buf_printf(&b, ";%0100d;", 7) == 0);
	CHECK(b.len == 4 + 102 && b.p[4] == ';' && b.p[104] == '7' && b.p[105] == ';');
	mkt_buf_free(&b);
	CHECK(b.p == NULL && b.len == 0 && b.cap == 0);
	/* a long printf into a fresh buffer */
	CHECK(mkt_buf_printf(&b, "%0300d", 1) == 0);
	CHECK(b.len == 300 && b.p[299] == '1' && b.p[300] == '\0');
	mkt_buf_free(&b);

	/* reserve exact sizes: room for n more bytes and the NUL */
	CHECK(mkt_buf_reserve(&b, 1000) == 0 && b.cap >= 1001);
	cap = b.cap;
	CHECK(mkt_buf_reserve(&b, cap - 1) == 0 && b.cap == cap);

	/* an impossible size fails, sets oom, and later appends fail and
	 * change nothing, even where there would be room */
	CHECK(mkt_buf_adds(&b, "keep") == 0);
	CHECK(mkt_buf_reserve(&b, SIZE_MAX / 2) == -1);
	CHECK(b.oom == 1);
	CHECK(mkt_buf_add(&b, "x", 1) == -1);
	CHECK(mkt_buf_addc(&b, 'y') == -1);
	CHECK(mkt_buf_adds(&b, "z") == -1);
	CHECK(mkt_buf_printf(&b, "%d", 1) == -1);
	CHECK(b.len == 4);
	CHECK_STR(b.p, "keep");
	mkt_buf_reset(&b);
	CHECK(b.oom == 1); /* still sticky after a reset */
	mkt_buf_free(&b);
	CHECK(b.oom == 0);
	CHECK(mkt_buf_adds(&b, "again") == 0);
	CHECK_STR(b.p, "again");
	mkt_buf_free(&b);
	mkt_buf_free(&b);

	/* a buffer that may hold a secret grows by copy and keeps its
	 * contents; wiping clears every byte of the block and keeps it */
	b.wipe = 1;
	CHECK(mkt_buf_adds(&b, "key=") == 0 && b.cap == 256);
	for (i = 0; i < 3; i++)
		CHECK(mkt_buf_add(&b, big, sizeof(big)) == 0);
	CHECK(b.len == 4 + 3 * sizeof(big) && b.p[b.len] == '\0');
	CHECK(memcmp(b.p, "key=zz", 6) == 0 && b.p[b.len - 1] == 'z');
	cap = b.cap;
	mkt_buf_wipe(&b);
	CHECK(b.len == 0 && b.cap == cap);
	for (i = 0; i < cap && b.p[i] == 0; i++)
		;
	CHECK(i == cap);
	CHECK(mkt_buf_adds(&b, "again") == 0);
	CHECK_STR(b.p, "again");
	mkt_buf_free(&b);
	CHECK(b.p == NULL && b.cap == 0 && b.wipe == 1);
	mkt_buf_wipe(&b); /* fine on an empty buffer */
	CHECK(b.len == 0);
	UNIT_END();
}
