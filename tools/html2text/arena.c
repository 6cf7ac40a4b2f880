/* SPDX-License-Identifier: MIT */
/* arena.c -- the memory gumbo parses a document into: slabs of blocks by
 * size, freed all at once, so a tree costs its bytes and no more, and is
 * freed without walking it (gumbo's own free recurses). */
/*
 * A block of up to ARENA_SMALL bytes comes from the free list of its size
 * class (multiples of 8) or from the slab of that class being filled: a
 * 64 KiB slab, 64 KiB aligned, holds blocks of one class and no header
 * per block. A freed block goes on its class's free list, so what gumbo
 * frees while parsing (grown buffers, tokens) is used again. Larger
 * blocks come from malloc behind a header that links them in a list.
 * Freeing tells the two kinds apart by the slab address below the block:
 * a small hash set holds the addresses of the slabs. One document is
 * parsed at a time; up to KEEP_CHUNKS of its chunks are kept for the next
 * one, so a stream of documents does not allocate (and fault in) its
 * memory each time.
 */
#include <err.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "extract.h"

#define SLAB_SIZE ((size_t)1 << 16)
#define SLAB_HEAD 16                  /* struct slab, rounded up */
#define ARENA_SMALL 512               /* largest size served from slabs */
#define NCLASS (ARENA_SMALL / 8 + 1)  /* class k: blocks of 8k bytes */
#define CHUNK_SLABS 16
#define KEEP_CHUNKS 8                 /* about 8.5 MiB */

struct slab {
	uint32_t cls;
};

struct chunk {
	struct chunk *next;
	char *mem;           /* as allocated */
	char *base;          /* mem rounded up to SLAB_SIZE */
	size_t used;         /* slabs cut from it */
};

struct big {
	struct big *prev, *next;
	size_t pad;          /* keeps the block 8-byte aligned (24 bytes) */
};

struct free_blk {
	struct free_blk *next;
};

struct arena {
	struct free_blk *free[NCLASS];
	char *cur[NCLASS], *end[NCLASS];  /* the slab being filled */
	struct chunk *chunks;  /* in use, the newest first */
	struct chunk *spare;   /* kept from earlier documents */
	size_t nspare;
	struct big *bigs;
	uintptr_t *set;      /* slab addresses >> 16, open addressing; 0 empty */
	size_t nset, capset;
};

static uintptr_t set_key(const void *p)
{
	return (uintptr_t)p >> 16;
}

static size_t set_slot(uintptr_t k, size_t cap)
{
	return (size_t)((k * 0x9E3779B97F4A7C15ull) >> 20) & (cap - 1);
}

static void set_add(struct arena *a, uintptr_t k)
{
	size_t i;

	if ((a->nset + 1) * 2 > a->capset) {
		size_t nc = a->capset ? a->capset * 2 : 256, j;
		uintptr_t *ns = calloc(nc, sizeof(*ns));
		if (!ns)
			err(1, "out of memory parsing HTML");
		for (j = 0; j < a->capset; j++) {
			if (!a->set[j])
				continue;
			for (i = set_slot(a->set[j], nc); ns[i]; i = (i + 1) & (nc - 1))
				;
			ns[i] = a->set[j];
		}
		free(a->set);
		a->set = ns;
		a->capset = nc;
	}
	for (i = set_slot(k, a->capset); a->set[i]; i = (i + 1) & (a->capset - 1))
		;
	a->set[i] = k;
	a->nset++;
}

static int set_has(const struct arena *a, uintptr_t k)
{
	size_t i;

	if (!a->capset)
		return 0;
	for (i = set_slot(k, a->capset); a->set[i]; i = (i + 1) & (a->capset - 1))
		if (a->set[i] == k)
			return 1;
	return 0;
}

/* A slab cut from the newest chunk, or from a new one. */
static struct slab *new_slab(struct arena *a)
{
	struct chunk *c = a->chunks;
	struct slab *s;

	if (!c || c->used == CHUNK_SLABS) {
		if ((c = a->spare)) {
			a->spare = c->next;
			a->nspare--;
		} else {
			if (!(c = malloc(sizeof(*c))) ||
			    !(c->mem = malloc((CHUNK_SLABS + 1) * SLAB_SIZE)))
				err(1, "out of memory parsing HTML");
			c->base = (char *)(((uintptr_t)c->mem + SLAB_SIZE - 1) &
			    ~(uintptr_t)(SLAB_SIZE - 1));
		}
		c->used = 0;
		c->next = a->chunks;
		a->chunks = c;
	}
	s = (struct slab *)(c->base + c->used++ * SLAB_SIZE);
	set_add(a, set_key(s));
	return s;
}

static void *arena_alloc(void *ud, size_t size)
{
	struct arena *a = ud;
	size_t cls = size ? (size + 7) / 8 : 1;
	void *p;

	if (size > ARENA_SMALL) {
		struct big *b = malloc(sizeof(*b) + size);
		if (!b)
			err(1, "out of memory parsing HTML");
		b->prev = NULL;
		b->next = a->bigs;
		if (b->next)
			b->next->prev = b;
		a->bigs = b;
		return b + 1;
	}
	if (a->free[cls]) {
		p = a->free[cls];
		a->free[cls] = a->free[cls]->next;
		return p;
	}
	if (!a->cur[cls] || (size_t)(a->end[cls] - a->cur[cls]) < cls * 8) {
		struct slab *s = new_slab(a);
		s->cls = (uint32_t)cls;
		a->cur[cls] = (char *)s + SLAB_HEAD;
		a->end[cls] = (char *)s + SLAB_SIZE;
	}
	p = a->cur[cls];
	a->cur[cls] += cls * 8;
	return p;
}

static void arena_dealloc(void *ud, void *p)
{
	struct arena *a = ud;

	if (!p)
		return;
	if (set_has(a, set_key(p))) {
		const struct slab *s =
		    (const struct slab *)((uintptr_t)p & ~(uintptr_t)(SLAB_SIZE - 1));
		struct free_blk *f = p;
		f->next = a->free[s->cls];
		a->free[s->cls] = f;
	} else {
		struct big *b = (struct big *)p - 1;
		if (b->prev)
			b->prev->next = b->next;
		else
			a->bigs = b->next;
		if (b->next)
			b->next->prev = b->prev;
		free(b);
	}
}

static struct arena arena;

int doc_parse(struct doc *d, const char *html, size_t n)
{
	GumboOptions o = kGumboDefaultOptions;
	struct arena *a = &arena;

	memset(d, 0, sizeof(*d));
	if (a->nset || a->bigs)
		errx(1, "doc_parse: a document is still parsed");
	o.allocator = arena_alloc;
	o.deallocator = arena_dealloc;
	o.userdata = a;
	o.max_errors = 0; /* parse errors are not kept: they cost memory */
	d->blocks = a;
	d->out = gumbo_parse_with_options(&o, html, n);
	if (!d->out) {
		doc_free(d);
		return -1;
	}
	return 0;
}

/* Frees the chunks (keeping a few for the next document) and the large
 * blocks: the tree, without walking it. */
void doc_free(struct doc *d)
{
	struct arena *a = d->blocks;
	struct chunk *c, *cn;
	struct big *b, *bn;

	if (a) {
		for (c = a->chunks; c; c = cn) {
			cn = c->next;
			if (a->nspare < KEEP_CHUNKS) {
				c->next = a->spare;
				a->spare = c;
				a->nspare++;
			} else {
				free(c->mem);
				free(c);
			}
		}
		a->chunks = NULL;
		for (b = a->bigs; b; b = bn) {
			bn = b->next;
			free(b);
		}
		a->bigs = NULL;
		memset(a->free, 0, sizeof(a->free));
		memset(a->cur, 0, sizeof(a->cur));
		memset(a->end, 0, sizeof(a->end));
		if (a->capset)
			memset(a->set, 0, a->capset * sizeof(*a->set));
		a->nset = 0;
	}
	memset(d, 0, sizeof(*d));
}
