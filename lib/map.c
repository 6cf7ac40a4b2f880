/* SPDX-License-Identifier: MIT */
/* map.c -- string-keyed hash map (see map.h). */
#include <stdlib.h>
#include <string.h>

#include "map.h"

uint64_t mkt_hash(const void *key, size_t len)
{
	const unsigned char *p = key;
	uint64_t h = 0xcbf29ce484222325ULL ^ len;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 32;
	return h;
}

static struct mkt_map_ent *find(struct mkt_map *m, uint64_t h,
    const void *key, size_t klen)
{
	size_t mask = m->cap - 1, i = h & mask;

	for (;;) {
		struct mkt_map_ent *e = &m->e[i];
		if (e->key == NULL)
			return e;
		if (e->hash == h && e->klen == klen && memcmp(e->key, key, klen) == 0)
			return e;
		i = (i + 1) & mask;
	}
}

static int grow(struct mkt_map *m)
{
	size_t cap = m->cap ? m->cap * 2 : 16, i;
	struct mkt_map_ent *old = m->e, *ne = calloc(cap, sizeof(*ne));
	size_t oldcap = m->cap;

	if (ne == NULL)
		return -1;
	m->e = ne;
	m->cap = cap;
	for (i = 0; i < oldcap; i++)
		if (old[i].key)
			*find(m, old[i].hash, old[i].key, old[i].klen) = old[i];
	free(old);
	return 0;
}

void **mkt_map_get(struct mkt_map *m, const void *key, size_t klen)
{
	struct mkt_map_ent *e;

	if (m->cap == 0)
		return NULL;
	e = find(m, mkt_hash(key, klen), key, klen);
	return e->key ? &e->val : NULL;
}

void **mkt_map_put(struct mkt_map *m, const void *key, size_t klen, int *isnew)
{
	uint64_t h = mkt_hash(key, klen);
	struct mkt_map_ent *e;

	*isnew = 0;
	if ((m->n + 1) * 4 > m->cap * 3 && grow(m) < 0)
		return NULL;
	e = find(m, h, key, klen);
	if (e->key)
		return &e->val;
	e->key = malloc(klen + 1);
	if (e->key == NULL)
		return NULL;
	memcpy(e->key, key, klen);
	e->key[klen] = '\0';
	e->klen = klen;
	e->hash = h;
	e->val = NULL;
	m->n++;
	*isnew = 1;
	return &e->val;
}

void *mkt_map_del(struct mkt_map *m, const void *key, size_t klen)
{
	struct mkt_map_ent *e;
	size_t mask, i, j;
	void *val;

	if (m->cap == 0)
		return NULL;
	e = find(m, mkt_hash(key, klen), key, klen);
	if (e->key == NULL)
		return NULL;
	val = e->val;
	free(e->key);
	e->key = NULL;
	m->n--;
	/* backward-shift: move later members of the probe run into the hole */
	mask = m->cap - 1;
	i = (size_t)(e - m->e);
	j = i;
	for (;;) {
		size_t home;
		j = (j + 1) & mask;
		if (m->e[j].key == NULL)
			break;
		home = m->e[j].hash & mask;
		/* can the entry at j live at i? (i lies cyclically in [home, j)) */
		if ((j > i && (home <= i || home > j)) ||
		    (j < i && (home <= i && home > j))) {
			m->e[i] = m->e[j];
			m->e[j].key = NULL;
			i = j;
		}
	}
	return val;
}

void mkt_map_free(struct mkt_map *m)
{
	size_t i;

	for (i = 0; i < m->cap; i++)
		free(m->e[i].key);
	free(m->e);
	m->e = NULL;
	m->cap = m->n = 0;
}
