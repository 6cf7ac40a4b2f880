/* SPDX-License-Identifier: MIT */
/* test_map.c -- the hash map: basics, binary keys, deletion by backward
 * shift in long and wrapping probe runs, and random operations checked
 * against a plain array. */
#include <stdint.h>
#include <stdlib.h>

#include "map.h"
#include "unit.h"

static void **put(struct mkt_map *m, const char *k, int *isnew)
{
	return mkt_map_put(m, k, strlen(k), isnew);
}

static void *get(struct mkt_map *m, const char *k)
{
	void **v = mkt_map_get(m, k, strlen(k));
	return v ? *v : NULL;
}

static void test_basics(void)
{
	struct mkt_map m = MKT_MAP_INIT;
	int isnew = -1, a = 1, b = 2;
	void **v;

	CHECK(mkt_map_get(&m, "x", 1) == NULL);
	CHECK(mkt_map_del(&m, "x", 1) == NULL);
	v = put(&m, "AAPL", &isnew);
	CHECK(v != NULL && isnew == 1 && *v == NULL);
	*v = &a;
	v = put(&m, "AAPL", &isnew);
	CHECK(v != NULL && isnew == 0 && *v == &a);
	v = put(&m, "TSLA", &isnew);
	*v = &b;
	CHECK(m.n == 2);
	CHECK(get(&m, "AAPL") == &a && get(&m, "TSLA") == &b);
	CHECK(get(&m, "AAP") == NULL && get(&m, "AAPLX") == NULL);
	/* keys are bytes with a length: NULs, the empty key, prefixes */
	v = mkt_map_put(&m, "a\0b", 3, &isnew);
	*v = &b;
	v = mkt_map_put(&m, "a", 1, &isnew);
	CHECK(isnew == 1);
	*v = &a;
	v = mkt_map_put(&m, "", 0, &isnew);
	CHECK(v != NULL && isnew == 1);
	*v = &a;
	CHECK(*mkt_map_get(&m, "a\0b", 3) == &b && *mkt_map_get(&m, "a", 1) == &a);
	CHECK(mkt_map_get(&m, "a\0", 2) == NULL);
	CHECK(*mkt_map_get(&m, "", 0) == &a);
	CHECK(m.n == 5);
	CHECK(mkt_map_del(&m, "AAPL", 4) == &a);
	CHECK(mkt_map_del(&m, "AAPL", 4) == NULL);
	CHECK(get(&m, "AAPL") == NULL && get(&m, "TSLA") == &b);
	CHECK(m.n == 4);
	/* the stored key is a NUL-terminated copy */
	{
		char k[8] = "MSFT";
		void **s = put(&m, k, &isnew);
		size_t i;
		*s = &a;
		k[0] = 'X';
		CHECK(get(&m, "MSFT") == &a);
		for (i = 0; i < m.cap; i++)
			if (m.e[i].key && m.e[i].klen == 4 && memcmp(m.e[i].key, "MSFT", 5) == 0)
				break;
		CHECK(i < m.cap);
	}
	mkt_map_free(&m);
	CHECK(m.cap == 0 && m.n == 0 && m.e == NULL);
	CHECK(mkt_map_get(&m, "MSFT", 4) == NULL);
	mkt_map_free(&m);
	CHECK(mkt_hash("abc", 3) == mkt_hash("abc", 3));
	CHECK(mkt_hash("abc", 3) != mkt_hash("abd", 3));
	CHECK(mkt_hash("", 0) != mkt_hash("\0", 1));
}

/* Keys k<i> whose hash has the given low 10 bits: they share a home slot
 * in every table of up to 1024 slots. Later calls give other keys. */
static int colliding(unsigned low10, char keys[][16], int want)
{
	static unsigned long i; /* continues, so that no key comes twice */
	int n = 0;

	for (; n < want && i < 50000000; i++) {
		char k[16];
		snprintf(k, sizeof(k), "k%lu", i);
		if ((mkt_hash(k, strlen(k)) & 1023) == low10)
			memcpy(keys[n++], k, sizeof(k));
	}
	return n;
}

/* Every key of keys[0..n) is present (with its own value) where alive[i],
 * absent otherwise. */
static int consistent(struct mkt_map *m, char keys[][16], const int *alive, int n)
{
	int i, count = 0;

	for (i = 0; i < n; i++) {
		void **v = mkt_map_get(m, keys[i], strlen(keys[i]));
		if (alive[i]) {
			if (v == NULL || *v != (void *)keys[i])
				return 0;
			count++;
		} else if (v != NULL) {
			return 0;
		}
	}
	return (size_t)count == m->n;
}

static void test_collisions(void)
{
	/* runs at the end of the table wrap to its start: homes 1022, 1023,
	 * 0, 1 give one long run across the wrap in a table of any size */
	static const unsigned homes[] = { 1023, 1022, 0, 1, 1023, 0 };
	char keys[48][16];
	int alive[48], n = 0, i, k, isnew;
	size_t h;
	struct mkt_map m = MKT_MAP_INIT;
	uint64_t seed = 42;

	for (h = 0; h < sizeof(homes) / sizeof(homes[0]); h++)
		n += colliding(homes[h], keys + n, 8);
	CHECK(n == 48);
	/* repeat with different deletion orders */
	for (k = 0; k < 40; k++) {
		for (i = 0; i < n; i++) {
			void **v = put(&m, keys[i], &isnew);
			*v = keys[i];
			alive[i] = 1;
		}
		CHECK(consistent(&m, keys, alive, n));
		for (i = 0; i < n; i++) {
			int j;
			seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
			j = (int)((seed >> 33) % (uint64_t)n);
			if (alive[j]) {
				CHECK(mkt_map_del(&m, keys[j], strlen(keys[j])) == keys[j]);
				alive[j] = 0;
			}
			if (!consistent(&m, keys, alive, n)) {
				CHECK(!"map consistent after a delete");
				break;
			}
		}
		/* put back some, delete the rest */
		for (i = 0; i < n; i += 3) {
			void **v = put(&m, keys[i], &isnew);
			CHECK(isnew == !alive[i]);
			*v = keys[i];
			alive[i] = 1;
		}
		CHECK(consistent(&m, keys, alive, n));
		for (i = n - 1; i >= 0; i--) {
			if (alive[i])
				mkt_map_del(&m, keys[i], strlen(keys[i]));
			alive[i] = 0;
		}
		CHECK(m.n == 0 && consistent(&m, keys, alive, n));
	}
	mkt_map_free(&m);
}

/* Random puts, gets and deletes over 3000 keys against an array. */
static void test_random(void)
{
	enum { NKEYS = 3000, OPS = 300000 };
	static char keys[NKEYS][16];
	static int alive[NKEYS];
	struct mkt_map m = MKT_MAP_INIT;
	uint64_t seed = 7;
	int i, op, isnew, bad = 0;
	size_t maxcap = 0;

	for (i = 0; i < NKEYS; i++)
		snprintf(keys[i], sizeof(keys[i]), "%c%d", 'A' + i % 26, i);
	for (op = 0; op < OPS; op++) {
		int j, what;
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		j = (int)((seed >> 33) % NKEYS);
		what = (int)((seed >> 20) % 3);
		/* phases: grow, then mostly delete, then mixed */
		if (op > OPS / 3 && op < 2 * OPS / 3 && what == 0)
			what = 2;
		if (what == 0) {
			void **v = put(&m, keys[j], &isnew);
			if (v == NULL || isnew != !alive[j] || (!isnew && *v != keys[j]))
				bad++;
			if (v)
				*v = keys[j];
			alive[j] = 1;
		} else if (what == 1) {
			if (get(&m, keys[j]) != (alive[j] ? keys[j] : NULL))
				bad++;
		} else {
			if (mkt_map_del(&m, keys[j], strlen(keys[j])) != (alive[j] ? keys[j] : NULL))
				bad++;
			alive[j] = 0;
		}
		if (m.cap > maxcap)
			maxcap = m.cap;
		if (op % 10000 == 0 && !consistent(&m, keys, alive, NKEYS))
			bad++;
	}
	CHECK(bad == 0);
	CHECK(consistent(&m, keys, alive, NKEYS));
	CHECK(m.n * 4 <= m.cap * 3); /* load factor kept */
	CHECK(maxcap >= 4096 && maxcap <= 8192);
	mkt_map_free(&m);
}

int main(void)
{
	test_basics();
	test_collisions();
	test_random();
	UNIT_END();
}
