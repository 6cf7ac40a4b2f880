/* SPDX-License-Identifier: MIT */
/* map.h -- a hash map from byte strings to pointers (open addressing,
 * linear probing, backward-shift deletion). Lookups allocate nothing;
 * an insert copies the key once. Per-key state in winagg, xcross and
 * the others lives behind it. */
#ifndef MKT_MAP_H
#define MKT_MAP_H

#include <stddef.h>
#include <stdint.h>

struct mkt_map_ent {
	uint64_t hash;
	char *key;      /* NUL-terminated copy; NULL marks an empty slot */
	size_t klen;
	void *val;
};

struct mkt_map {
	struct mkt_map_ent *e;
	size_t cap;     /* power of two, or 0 */
	size_t n;
};

#define MKT_MAP_INIT { NULL, 0, 0 }

uint64_t mkt_hash(const void *key, size_t len);

/* The value slot of key, or NULL if absent. */
void **mkt_map_get(struct mkt_map *m, const void *key, size_t klen);

/* The value slot of key, inserted (value NULL, *isnew = 1) if absent.
 * NULL when out of memory. Slots move when the map grows: do not keep
 * one across another insert. */
void **mkt_map_put(struct mkt_map *m, const void *key, size_t klen, int *isnew);

/* Remove key; returns its value (or NULL if absent). */
void *mkt_map_del(struct mkt_map *m, const void *key, size_t klen);

/* Free the map and its key copies (not the values). */
void mkt_map_free(struct mkt_map *m);

#endif
