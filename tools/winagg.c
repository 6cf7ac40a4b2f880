/* SPDX-License-Identifier: MIT */
/* winagg.c -- event-time windows over NDJSON */
/*
 * Reads records (ticks) from stdin, one JSON object a line, groups them by
 * one or more key fields into event-time windows [start, start+size)
 * aligned to the epoch plus an offset (tumbling, or sliding by a slide
 * that divides the size), and writes one row per window to stdout: the
 * key fields, window_start, window_end, then the aggregates in --agg
 * order. A watermark (largest event time seen minus the allowed lateness)
 * decides when a window is final; append mode writes a window once, when
 * it is final, update mode writes a window's row each time an event
 * changes it. Events all of whose windows are already final are late:
 * counted and, with --late, copied unchanged to a file.
 *
 * State is kept per key as a ring of panes of length slide: an event
 * updates one pane, and a window's row combines its size/slide panes when
 * it is written. A min-heap of (next window end, key) orders emission by
 * window end, then key text. A key's state is freed as soon as it has no
 * open window, so memory follows the open windows, not the stream.
 *
 * Output is block-buffered and flushed whenever input pauses, at exit,
 * and after every record with -u.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "cli.h"
#include "io.h"
#include "jqglue.h"
#include "json.h"
#include "map.h"
#include "timeutil.h"

#define MAX_KEYS 16
#define MAX_INPUTS 32
#define MAX_AGGS 64
#define TIME_LIMIT 4000000000000000000LL /* |event time| accepted, any unit */

#define DEFAULT_AGG "first(price) as open, max(price) as high, " \
	"min(price) as low, last(price) as close, sum(size) as volume, " \
	"vwap(price,size) as vwap, count() as count"

/* ---- settings ---- */

enum tfmt { TFMT_AUTO, TFMT_NUMBER, TFMT_RFC3339 };

struct settings {
	const char *keys[MAX_KEYS];
	size_t nkeys;
	int key_given;
	const char *time_field;
	enum mkt_tunit unit;
	int64_t size_ns, slide_ns, offset_ns, lateness_ns, idle_ns;
	struct mkt_buf agg_spec;
	int emit_update;
	const char *late_path;
	const char *where;
	enum tfmt tfmt;
	int strict;
	int unbuffered;
};

static struct settings opt = {
	.time_field = "ts",
	.unit = MKT_TU_MS,
	.size_ns = 60LL * 1000000000LL,
	.slide_ns = 0,
	.offset_ns = 0,
	.lateness_ns = 0,
	.idle_ns = 0,
	.agg_spec = MKT_BUF_INIT,
	.emit_update = 0,
	.late_path = NULL,
	.tfmt = TFMT_AUTO,
};

/* ---- aggregates ---- */

enum aggfn {
	AGG_COUNT, AGG_SUM, AGG_AVG, AGG_MIN, AGG_MAX, AGG_FIRST, AGG_LAST,
	AGG_VWAP, AGG_STDDEV_SAMP, AGG_STDDEV_POP,
};

static const struct {
	const char *name;
	enum aggfn fn;
	int nargs;   /* fields it reads */
	int nslots;  /* pane slots it needs */
} fns[] = {
	{ "count", AGG_COUNT, 0, 0 },
	{ "sum", AGG_SUM, 1, 1 },
	{ "avg", AGG_AVG, 1, 1 },
	{ "min", AGG_MIN, 1, 1 },
	{ "max", AGG_MAX, 1, 1 },
	{ "first", AGG_FIRST, 1, 2 },
	{ "last", AGG_LAST, 1, 2 },
	{ "vwap", AGG_VWAP, 2, 2 },
	{ "stddev", AGG_STDDEV_SAMP, 1, 2 },
	{ "stddev_samp", AGG_STDDEV_SAMP, 1, 2 },
	{ "stddev_pop", AGG_STDDEV_POP, 1, 2 },
};

struct agg {
	enum aggfn fn;
	int in[2];        /* indexes into inputs[] */
	int slot;         /* first pane slot */
	char *name;       /* output field name */
};

/* A pane slot: a count, an event time or a running value. */
union slot {
	int64_t i;
	double d;
};

static struct agg aggs[MAX_AGGS];
static size_t naggs;
static char *inputs[MAX_INPUTS]; /* distinct fields the aggregates read */
static size_t ninputs;
static size_t pstride;            /* slots per pane: 1 (count) + agg slots */

/* ---- per-key state ---- */

struct kstate {
	int64_t lo, hi;       /* pane indexes held, [lo, hi] */
	int64_t next_end;     /* end index of the next window to finish */
	size_t cap;           /* ring length in panes, a power of two */
	size_t hpos;          /* position in the heap */
	union slot *ring;     /* cap * pstride slots */
	uint32_t klen;
	uint32_t koff[MAX_KEYS + 1]; /* key field i is key[koff[i], koff[i+1]-1) */
	char key[];           /* key fields' JSON texts, each followed by ',' */
};

static struct mkt_map keys = MKT_MAP_INIT;
static struct kstate **heap;
static size_t nheap, heapcap;

/* ---- the stream ---- */

static struct mkt_reader rd;
static struct mkt_writer out, late;
static int late_open;
static int64_t size_u, slide_u, offset_u, lateness_u; /* in the time unit */
static int64_t npanes;            /* panes per window: size / slide */
static int have_wm;
static int64_t maxt, wm, wm_idx; /* wm_idx: largest final window end index */
static int64_t wm_next;           /* time at which wm_idx next grows */
static int64_t wm_at_last, last_arrival_ns;
static int out_rfc3339;
static uint64_t nlines, nlate, nwindows, nfiltered;
static struct mkt_jq *where;       /* --where, or NULL */
static size_t peak_keys;          /* most keys held at once */
static struct mkt_jobj jo;
static struct mkt_buf kbuf = MKT_BUF_INIT, tmp = MKT_BUF_INIT;
static double vals[MAX_INPUTS];

/* The fields a record is read for: want[0] the time, want[1 + i] key i,
 * want[1 + nkeys + i] input i; got[] the scanned fields found for them. */
static struct want {
	const char *name;
	size_t len;
} want[1 + MAX_KEYS + MAX_INPUTS];
static size_t nwant;
static const struct mkt_jfield *got[1 + MAX_KEYS + MAX_INPUTS];

static void usage(FILE *fp)
{
	fprintf(fp,
	    "usage: winagg [-quvV] [-k field[,field...]] [--time field]\n"
	    "              [--time-unit s|ms|us|ns] [-s size] [--slide dur]\n"
	    "              [--offset dur] [-w lateness] [-a aggregates]\n"
	    "              [--emit append|update] [--late file] [--idle dur]\n"
	    "              [--time-format auto|number|rfc3339] [--where jq]\n"
	    "              [--strict]\n");
}

/* ---- option parsing ---- */

static void add_key_list(const char *s)
{
	char *copy, *tok, *save = NULL;

	opt.key_given = 1;
	if (*s == '\0')
		return;
	if ((copy = strdup(s)) == NULL)
		err(1, NULL);
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (opt.nkeys == MAX_KEYS)
			errx(2, "at most %d key fields", MAX_KEYS);
		opt.keys[opt.nkeys++] = tok;
	}
}

static int64_t duration_opt(const char *name, const char *s)
{
	int64_t ns;
	char e[128];

	if (mkt_duration_parse(s, &ns, e, sizeof(e)) < 0) {
		warnx("%s: %s", name, e);
		usage(stderr);
		exit(2);
	}
	return ns;
}

/* Index of field name in inputs[], adding it if new; -1 when full. */
static int input_index(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < ninputs; i++)
		if (strlen(inputs[i]) == len && memcmp(inputs[i], s, len) == 0)
			return (int)i;
	if (ninputs == MAX_INPUTS)
		return -1;
	if ((inputs[ninputs] = strndup(s, len)) == NULL)
		err(1, NULL);
	return (int)ninputs++;
}

static const char *skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

/* Length of a name (field or alias) at p: anything but white space,
 * parentheses and commas. */
static size_t name_len(const char *p)
{
	size_t n = 0;

	while (p[n] && !strchr(" \t\r\n(),", p[n]))
		n++;
	return n;
}

/* Parse the aggregate list spec ("fn(args) [as name], ..."), filling
 * aggs[] and inputs[] and laying out the pane slots. Exits 2 with a
 * message on a malformed spec. */
static void parse_aggs(const char *spec)
{
	const char *p = spec, *fname, *arg[2];
	size_t flen, alen[2], k, nargs, i;
	int slot = 1;

	for (;;) {
		struct agg *a;
		char name[512];

		p = skip_ws(p);
		fname = p;
		flen = 0;
		while ((p[flen] >= 'a' && p[flen] <= 'z') || p[flen] == '_')
			flen++;
		for (k = 0; k < sizeof(fns) / sizeof(fns[0]); k++)
			if (strlen(fns[k].name) == flen && memcmp(fns[k].name, fname, flen) == 0)
				break;
		if (flen == 0 || k == sizeof(fns) / sizeof(fns[0]))
			errx(2, "--agg: unknown aggregate at \"%.20s\"", fname);
		p = skip_ws(p + flen);
		if (*p != '(')
			errx(2, "--agg: expected '(' after %.*s", (int)flen, fname);
		p = skip_ws(p + 1);
		nargs = 0;
		while (*p != ')') {
			if (nargs == 2)
				errx(2, "--agg: too many arguments to %.*s", (int)flen, fname);
			arg[nargs] = p;
			alen[nargs] = name_len(p);
			if (alen[nargs] == 0)
				errx(2, "--agg: expected a field name in %.*s()", (int)flen, fname);
			p = skip_ws(p + alen[nargs]);
			nargs++;
			if (*p == ',')
				p = skip_ws(p + 1);
			else if (*p != ')')
				errx(2, "--agg: expected ')' in %.*s()", (int)flen, fname);
		}
		p++;
		if ((int)nargs != fns[k].nargs)
			errx(2, "--agg: %s takes %d field%s", fns[k].name, fns[k].nargs,
			    fns[k].nargs == 1 ? "" : "s");
		if (naggs == MAX_AGGS)
			errx(2, "--agg: at most %d aggregates", MAX_AGGS);
		a = &aggs[naggs++];
		a->fn = fns[k].fn;
		a->slot = slot;
		slot += fns[k].nslots;
		snprintf(name, sizeof(name), "%s", fns[k].name);
		for (i = 0; i < nargs; i++) {
			if ((a->in[i] = input_index(arg[i], alen[i])) < 0)
				errx(2, "--agg: at most %d distinct fields", MAX_INPUTS);
			snprintf(name + strlen(name), sizeof(name) - strlen(name), "_%.*s",
			    (int)alen[i], arg[i]);
		}
		p = skip_ws(p);
		if (strncmp(p, "as", 2) == 0 && strchr(" \t\r\n", p[2]) && p[2] != '\0') {
			p = skip_ws(p + 2);
			if ((alen[0] = name_len(p)) == 0)
				errx(2, "--agg: expected a name after 'as'");
			snprintf(name, sizeof(name), "%.*s", (int)alen[0], p);
			p = skip_ws(p + alen[0]);
		}
		for (i = 0; i + 1 < naggs; i++)
			if (strcmp(aggs[i].name, name) == 0)
				errx(2, "--agg: two aggregates named \"%s\"", name);
		if ((a->name = strdup(name)) == NULL)
			err(1, NULL);
		if (*p == '\0')
			break;
		if (*p != ',')
			errx(2, "--agg: expected ',' or 'as' at \"%.20s\"", p);
		p++;
	}
	pstride = (size_t)slot;
}

/* ---- the heap of keys by (next window end, key text) ---- */

static int kless(const struct kstate *a, const struct kstate *b)
{
	int c;

	if (a->next_end != b->next_end)
		return a->next_end < b->next_end;
	c = memcmp(a->key, b->key, a->klen < b->klen ? a->klen : b->klen);
	return c < 0 || (c == 0 && a->klen < b->klen);
}

static void heap_set(size_t i, struct kstate *k)
{
	heap[i] = k;
	k->hpos = i;
}

static void heap_up(size_t i)
{
	struct kstate *k = heap[i];

	while (i > 0 && kless(k, heap[(i - 1) / 2])) {
		heap_set(i, heap[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
	heap_set(i, k);
}

static void heap_down(size_t i)
{
	struct kstate *k = heap[i];
	size_t c;

	for (;;) {
		c = 2 * i + 1;
		if (c >= nheap)
			break;
		if (c + 1 < nheap && kless(heap[c + 1], heap[c]))
			c++;
		if (!kless(heap[c], k))
			break;
		heap_set(i, heap[c]);
		i = c;
	}
	heap_set(i, k);
}

static void heap_push(struct kstate *k)
{
	if (nheap == heapcap) {
		size_t nc = heapcap ? heapcap * 2 : 1024;
		struct kstate **nh = realloc(heap, nc * sizeof(*nh));
		if (nh == NULL)
			err(1, NULL);
		heap = nh;
		heapcap = nc;
	}
	heap_set(nheap++, k);
	heap_up(nheap - 1);
	if (nheap > peak_keys)
		peak_keys = nheap;
}

static void heap_pop(void)
{
	if (--nheap > 0) {
		heap_set(0, heap[nheap]);
		heap_down(0);
	}
}

/* ---- panes ---- */

static inline union slot *pane(struct kstate *k, int64_t j)
{
	return k->ring + ((uint64_t)j & (k->cap - 1)) * pstride;
}

/* Make pane j part of k's ring [lo, hi], growing the ring when the span
 * no longer fits; panes newly covered start empty. */
static void ring_cover(struct kstate *k, int64_t j)
{
	int64_t nlo = j < k->lo ? j : k->lo, nhi = j > k->hi ? j : k->hi, i;
	uint64_t span = (uint64_t)(nhi - nlo) + 1;

	if (span > k->cap) {
		size_t nc = k->cap;
		union slot *nr;

		while (nc < span) {
			if (nc > ((size_t)1 << 40) / pstride)
				errx(1, "window state too large (lateness or size too large for the slide)");
			nc *= 2;
		}
		nr = malloc(nc * pstride * sizeof(*nr));
		if (nr == NULL)
			err(1, "window state");
		for (i = k->lo; i <= k->hi; i++)
			memcpy(nr + ((uint64_t)i & (nc - 1)) * pstride, pane(k, i),
			    pstride * sizeof(*nr));
		free(k->ring);
		k->ring = nr;
		k->cap = nc;
	}
	for (i = nlo; i < k->lo; i++)
		pane(k, i)[0].i = 0;
	for (i = k->hi + 1; i <= nhi; i++)
		pane(k, i)[0].i = 0;
	k->lo = nlo;
	k->hi = nhi;
}

/* Add one event (time t, field values vals[]) to pane p. */
static inline void pane_add(union slot *p, int64_t t)
{
	int64_t n = ++p[0].i;
	size_t i;

	for (i = 0; i < naggs; i++) {
		const struct agg *a = &aggs[i];
		union slot *s = p + a->slot;
		double v = vals[a->in[0]], d;

		switch (a->fn) {
		case AGG_COUNT:
			break;
		case AGG_SUM:
		case AGG_AVG:
			s[0].d = n == 1 ? v : s[0].d + v;
			break;
		case AGG_MIN:
			if (n == 1 || v < s[0].d)
				s[0].d = v;
			break;
		case AGG_MAX:
			if (n == 1 || v > s[0].d)
				s[0].d = v;
			break;
		case AGG_FIRST:
			if (n == 1 || t < s[0].i) {
				s[0].i = t;
				s[1].d = v;
			}
			break;
		case AGG_LAST:
			if (n == 1 || t >= s[0].i) {
				s[0].i = t;
				s[1].d = v;
			}
			break;
		case AGG_VWAP:
			d = vals[a->in[1]];
			if (n == 1) {
				s[0].d = v * d;
				s[1].d = d;
			} else {
				s[0].d += v * d;
				s[1].d += d;
			}
			break;
		case AGG_STDDEV_SAMP:
		case AGG_STDDEV_POP:
			if (n == 1) {
				s[0].d = v;
				s[1].d = 0;
			} else {
				d = v - s[0].d;
				s[0].d += d / (double)n;
				s[1].d += d * (v - s[0].d);
			}
			break;
		}
	}
}

/* Fold pane q into the running combination c (both non-empty). Panes are
 * folded in time order, so q's events are all later than c's. */
static void pane_merge(union slot *c, const union slot *q)
{
	int64_t na = c[0].i, nb = q[0].i, n = na + nb;
	size_t i;

	for (i = 0; i < naggs; i++) {
		const struct agg *a = &aggs[i];
		union slot *s = c + a->slot;
		const union slot *r = q + a->slot;
		double d;

		switch (a->fn) {
		case AGG_COUNT:
		case AGG_FIRST:
			break;
		case AGG_SUM:
		case AGG_AVG:
			s[0].d += r[0].d;
			break;
		case AGG_MIN:
			if (r[0].d < s[0].d)
				s[0].d = r[0].d;
			break;
		case AGG_MAX:
			if (r[0].d > s[0].d)
				s[0].d = r[0].d;
			break;
		case AGG_LAST:
			s[0] = r[0];
			s[1] = r[1];
			break;
		case AGG_VWAP:
			s[0].d += r[0].d;
			s[1].d += r[1].d;
			break;
		case AGG_STDDEV_SAMP:
		case AGG_STDDEV_POP:
			d = r[0].d - s[0].d;
			s[0].d += d * (double)nb / (double)n;
			s[1].d += r[1].d + d * d * (double)na * (double)nb / (double)n;
			break;
		}
	}
	c[0].i = n;
}

/* ---- output ---- */

/* Append d as JSON: the same text as mkt_json_num(), faster for the common
 * case of a value with at most 8 decimals and 15 significant digits
 * (prices, volumes). The decimal r / 10^k is taken when dividing the
 * integer r by 10^k gives d back: both are the correctly rounded value of
 * the same rational, so the text reads back as d, and the least such k is
 * the shortest text. Anything else goes to mkt_json_num(). */
static void num_out(struct mkt_buf *b, double d)
{
	static const double p10[] = { 1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8 };
	double a = fabs(d), r;
	char txt[32], *q = txt + sizeof(txt);
	uint64_t v;
	int k, i;

	if (!(a >= 1e-4 && a < 1e15)) {
		mkt_json_num(b, d);
		return;
	}
	for (k = 0; k <= 8; k++) {
		r = nearbyint(a * p10[k]);
		if (r >= 1e15)
			break;
		if (r / p10[k] != a)
			continue;
		v = (uint64_t)r;
		for (i = 0; i < k; i++) {
			*--q = (char)('0' + v % 10);
			v /= 10;
		}
		if (k > 0)
			*--q = '.';
		do {
			*--q = (char)('0' + v % 10);
			v /= 10;
		} while (v > 0);
		if (d < 0)
			*--q = '-';
		mkt_buf_add(b, q, (size_t)(txt + sizeof(txt) - q));
		return;
	}
	mkt_json_num(b, d);
}

/* Each output field's name as JSON with a ',' before it, built once:
 * field i is prefix.p[poff[i], poff[i+1]); keys, window_start,
 * window_end, then the aggregates. */
static struct mkt_buf prefix = MKT_BUF_INIT;
static size_t poff[MAX_KEYS + 2 + MAX_AGGS + 1];

static void prefix_build(void)
{
	size_t i, n = 0;

	for (i = 0; i < opt.nkeys + 2 + naggs; i++) {
		const char *name = i < opt.nkeys ? opt.keys[i] :
		    i == opt.nkeys ? "window_start" :
		    i == opt.nkeys + 1 ? "window_end" : aggs[i - opt.nkeys - 2].name;
		poff[n++] = prefix.len;
		mkt_buf_addc(&prefix, ',');
		mkt_json_str(&prefix, name, strlen(name));
		mkt_buf_addc(&prefix, ':');
	}
	poff[n] = prefix.len;
	if (prefix.oom)
		errx(1, "out of memory");
}

/* Field i's name, after '{' for the first field of a row. */
static inline void put_name(struct mkt_buf *b, size_t i)
{
	size_t skip = b->len > 0 && b->p[b->len - 1] == '{';

	mkt_buf_add(b, prefix.p + poff[i] + skip, poff[i + 1] - poff[i] - skip);
}

static void put_time(struct mkt_buf *b, size_t field, int64_t t)
{
	put_name(b, field);
	if (out_rfc3339) {
		mkt_buf_addc(b, '"');
		mkt_rfc3339_format(b, t, opt.unit);
		mkt_buf_addc(b, '"');
	} else {
		mkt_json_int(b, t);
	}
}

/* Write the row of k's window ending at pane index e (panes e-npanes ..
 * e-1), combining its non-empty panes. */
static void emit_row(struct kstate *k, int64_t e)
{
	static union slot *acc;
	static size_t acccap;
	struct mkt_buf *b = &out.b;
	int64_t j, from = e - npanes, to = e - 1, n;
	int have = 0;
	size_t i;

	if (acccap < pstride) {
		free(acc);
		if ((acc = malloc(pstride * sizeof(*acc))) == NULL)
			err(1, NULL);
		acccap = pstride;
	}
	if (from < k->lo)
		from = k->lo;
	if (to > k->hi)
		to = k->hi;
	for (j = from; j <= to; j++) {
		union slot *p = pane(k, j);
		if (p[0].i == 0)
			continue;
		if (!have)
			memcpy(acc, p, pstride * sizeof(*acc));
		else
			pane_merge(acc, p);
		have = 1;
	}
	if (!have)
		return;
	n = acc[0].i;
	mkt_buf_addc(b, '{');
	for (i = 0; i < opt.nkeys; i++) {
		put_name(b, i);
		mkt_buf_add(b, k->key + k->koff[i], k->koff[i + 1] - k->koff[i] - 1);
	}
	put_time(b, opt.nkeys, offset_u + (e - npanes) * slide_u);
	put_time(b, opt.nkeys + 1, offset_u + e * slide_u);
	for (i = 0; i < naggs; i++) {
		const struct agg *a = &aggs[i];
		const union slot *s = acc + a->slot;

		put_name(b, opt.nkeys + 2 + i);
		switch (a->fn) {
		case AGG_COUNT:
			mkt_json_int(b, n);
			break;
		case AGG_SUM:
		case AGG_MIN:
		case AGG_MAX:
			num_out(b, s[0].d);
			break;
		case AGG_AVG:
			num_out(b, s[0].d / (double)n);
			break;
		case AGG_FIRST:
		case AGG_LAST:
			num_out(b, s[1].d);
			break;
		case AGG_VWAP:
			num_out(b, s[1].d != 0 ? s[0].d / s[1].d : NAN);
			break;
		case AGG_STDDEV_SAMP:
			num_out(b, n > 1 ? sqrt(s[1].d / (double)(n - 1)) : NAN);
			break;
		case AGG_STDDEV_POP:
			num_out(b, sqrt(s[1].d / (double)n));
			break;
		}
	}
	mkt_buf_addc(b, '}');
	mkt_writer_commit(&out);
	nwindows++;
}

/* ---- windows ---- */

/* ---- key look-up ---- */

static inline int bytes_eq(const char *a, const char *b, size_t n)
{
	uint64_t x, y;

	for (; n >= 8; n -= 8, a += 8, b += 8) {
		memcpy(&x, a, 8);
		memcpy(&y, b, 8);
		if (x != y)
			return 0;
	}
	for (; n > 0; n--)
		if (*a++ != *b++)
			return 0;
	return 1;
}

/* A direct-mapped cache in front of the key map: a slot chosen from the
 * key text's first and last eight bytes holds the last key seen there.
 * A hit costs a multiplication and a comparison instead of hashing the
 * text byte by byte and probing the map. */
#define KCACHE_BITS 12
static struct kstate *kcache[1 << KCACHE_BITS];

static inline size_t kcache_slot(const char *kt, size_t klen)
{
	uint64_t x = klen, y = 0;
	size_t i;

	if (klen >= 8) {
		memcpy(&x, kt, 8);
		memcpy(&y, kt + klen - 8, 8);
		x ^= klen;
	} else {
		for (i = 0; i < klen; i++)
			y = y << 8 | (unsigned char)kt[i];
	}
	x = (x ^ (y * 0xff51afd7ed558ccdULL)) * 0x9E3779B97F4A7C15ULL;
	return (size_t)(x >> (64 - KCACHE_BITS));
}

/* The state of key text kt, or NULL when the key holds none. */
static inline struct kstate *key_find(const char *kt, size_t klen)
{
	size_t s = kcache_slot(kt, klen);
	struct kstate *k = kcache[s];
	void **slot;

	if (k != NULL && k->klen == klen && bytes_eq(k->key, kt, klen))
		return k;
	if ((slot = mkt_map_get(&keys, kt, klen)) == NULL)
		return NULL;
	return kcache[s] = *slot;
}

static void key_free(struct kstate *k)
{
	size_t s = kcache_slot(k->key, k->klen);

	if (kcache[s] == k)
		kcache[s] = NULL;
	mkt_map_del(&keys, k->key, k->klen);
	free(k->ring);
	free(k);
}

/* k's window ending at index e is done (written, or passed over in update
 * mode): drop the panes no later window needs and find the end of the next
 * non-empty window. Returns 0, or -1 when k has no open window left. */
static int key_advance(struct kstate *k, int64_t e)
{
	int64_t j;

	if (k->lo < e + 1 - npanes)
		k->lo = e + 1 - npanes;
	for (j = k->lo; j <= k->hi; j++)
		if (pane(k, j)[0].i != 0)
			break;
	if (j > k->hi)
		return -1;
	k->lo = j;
	k->next_end = j + 1 > e + 1 ? j + 1 : e + 1;
	return 0;
}

/* Finish every window whose end index is <= upto, in order of end, then
 * key text: written in append mode, dropped silently in update mode (its
 * rows went out as it changed). Keys left without an open window are
 * freed. */
static void drain(int64_t upto)
{
	while (nheap > 0 && heap[0]->next_end <= upto) {
		struct kstate *k = heap[0];

		if (!opt.emit_update)
			emit_row(k, k->next_end);
		if (key_advance(k, k->next_end) < 0) {
			heap_pop();
			key_free(k);
		} else {
			heap_down(0);
		}
	}
}

/* Raise the watermark to w (never lowers it) and finish what is final. */
static void wm_raise(int64_t w)
{
	if (have_wm && w <= wm)
		return;
	wm = w;
	if (have_wm && wm < wm_next)
		return;
	have_wm = 1;
	wm_idx = mkt_floordiv(wm - offset_u, slide_u);
	wm_next = offset_u + (wm_idx + 1) * slide_u;
	drain(wm_idx);
}

/* ---- records ---- */

static void flush_all(void)
{
	mkt_writer_flush(&out);
	if (late_open)
		mkt_writer_flush(&late);
}

static void on_pause(void *arg)
{
	(void)arg;
	flush_all();
}

/* A record that cannot be handled: reported (rate-limited) and counted;
 * with --strict, fatal. */
static void bad(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void bad(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (opt.strict) {
		flush_all();
		errx(1, "%s:%llu: %s", rd.name, (unsigned long long)rd.lineno, msg);
	}
	mkt_rec_warn(rd.name, rd.lineno, "%s", msg);
}

/* Append the JSON text of key field f to kbuf, strings with escapes
 * decoded and written again so equal strings give equal text. */
static void key_text(const struct mkt_jfield *f)
{
	if (f->type == MKT_JSTR) {
		if (!f->vesc) {
			mkt_buf_add(&kbuf, f->val - 1, f->vlen + 2);
		} else {
			mkt_buf_reset(&tmp);
			mkt_json_unescape(f->val, f->vlen, &tmp);
			mkt_json_str(&kbuf, tmp.p, tmp.len);
		}
	} else {
		mkt_buf_add(&kbuf, f->val, f->vlen);
	}
	mkt_buf_addc(&kbuf, ',');
}

static struct kstate *key_new(const char *kt, size_t klen,
    const uint32_t *koff, int64_t j)
{
	struct kstate *k;
	void **slot;
	size_t cap = 2;
	int isnew;

	while ((int64_t)cap < npanes + 1)
		cap *= 2;
	if ((k = malloc(sizeof(*k) + klen + 1)) == NULL ||
	    (k->ring = malloc(cap * pstride * sizeof(union slot))) == NULL)
		err(1, "key state");
	k->cap = cap;
	k->lo = k->hi = j;
	pane(k, j)[0].i = 0;
	k->klen = (uint32_t)klen;
	memcpy(k->koff, koff, sizeof(k->koff));
	memcpy(k->key, kt, klen);
	k->key[klen] = '\0';
	k->next_end = INT64_MAX;
	if ((slot = mkt_map_put(&keys, kt, klen, &isnew)) == NULL)
		err(1, "key map");
	*slot = k;
	heap_push(k);
	return k;
}

/* want_slot[h]: bit w set when want[w]'s name hashes to h (its length,
 * first and last bytes). A field's key is compared only with the names
 * of its slot, so most keys that are not wanted cost one table look-up. */
#define WANT_SLOTS 256
static uint64_t want_slot[WANT_SLOTS];
static uint64_t want_word[1 + MAX_KEYS + MAX_INPUTS]; /* first 8 bytes, 0-padded */
_Static_assert(1 + MAX_KEYS + MAX_INPUTS <= 64, "want[] indexes fit a mask");

static inline size_t want_hash(const char *k, size_t kl)
{
	if (kl == 0)
		return 0;
	return (kl * 61 + (unsigned char)k[0] * 7 + (unsigned char)k[kl - 1]) &
	    (WANT_SLOTS - 1);
}

static void want_add(const char *name)
{
	size_t n = strlen(name);

	want[nwant].name = name;
	want[nwant].len = n;
	memcpy(&want_word[nwant], name, n < 8 ? n : 8);
	want_slot[want_hash(name, n)] |= 1ULL << nwant;
	nwant++;
}

/* Whether the key kp[0..kl) of a scanned field is want[w]'s name (the
 * lengths are equal). A key of 4 to 8 bytes in the line is followed by at
 * least 4 more (quote, colon, a value, a brace), so 8 bytes can be read
 * from it and compared at once. */
static inline int want_is(size_t w, const char *kp, size_t kl, int in_line)
{
	uint64_t x;

	if (in_line && kl >= 4 && kl <= 8) {
		memcpy(&x, kp, 8);
		if (kl < 8)
			x &= ~0ULL >> (8 * (8 - kl));
		return x == want_word[w];
	}
	return bytes_eq(want[w].name, kp, kl);
}

/* The keys of the last line that went through a full pass of
 * fields_find(), and what it found: lines of a stream mostly repeat the
 * same keys in the same order, and then only the keys are compared.
 * Lines with escaped keys or more than SHAPE_MAX fields are not kept. */
#define SHAPE_MAX 64
static size_t shape_n;                       /* 0: nothing kept */
static uint32_t shape_len[SHAPE_MAX], shape_off[SHAPE_MAX];
static uint64_t shape_word[SHAPE_MAX];       /* keys of up to 8 bytes */
static int shape_got[1 + MAX_KEYS + MAX_INPUTS]; /* field index, or -1 */
static struct mkt_buf shape_keys = MKT_BUF_INIT; /* longer keys' bytes */

/* The first kl <= 8 bytes at kp (of a line ending at end) as a word,
 * zero-padded. */
static inline uint64_t key_word(const char *kp, size_t kl, const char *end)
{
	uint64_t x = 0;

	if (end - kp >= 8)
		memcpy(&x, kp, 8);
	else
		memcpy(&x, kp, kl);
	return kl < 8 ? x & ((1ULL << (8 * kl)) - 1) : x;
}

/* Point got[w] at the field named want[w] of the scanned object (the last
 * one where a name appears twice), or NULL. The line ends at end. */
static void fields_find(const char *end)
{
	size_t i, w;
	const char *kp;
	size_t kl;
	uint64_t m;
	int shape_ok;

	if (shape_n > 0 && jo.n == shape_n) {
		for (i = 0; i < jo.n; i++) {
			const struct mkt_jfield *f = &jo.f[i];

			if (f->kesc || f->klen != shape_len[i])
				goto full;
			if (f->klen <= 8) {
				if (key_word(f->key, f->klen, end) != shape_word[i])
					goto full;
			} else if (!bytes_eq(f->key, shape_keys.p + shape_off[i], f->klen)) {
				goto full;
			}
		}
		for (w = 0; w < nwant; w++)
			got[w] = shape_got[w] < 0 ? NULL : &jo.f[shape_got[w]];
		return;
	}
full:
	memset(got, 0, nwant * sizeof(got[0]));
	shape_ok = jo.n > 0 && jo.n <= SHAPE_MAX;
	mkt_buf_reset(&shape_keys);
	for (i = 0; i < jo.n; i++) {
		const struct mkt_jfield *f = &jo.f[i];

		kp = f->key;
		kl = f->klen;
		if (f->kesc) {
			shape_ok = 0;
			mkt_buf_reset(&tmp);
			if (mkt_json_unescape(f->key, f->klen, &tmp) < 0)
				continue;
			kp = tmp.p;
			kl = tmp.len;
		}
		for (m = want_slot[want_hash(kp, kl)]; m; m &= m - 1) {
			w = (size_t)__builtin_ctzll(m);
			if (want[w].len == kl && want_is(w, kp, kl, !f->kesc))
				got[w] = f;
		}
		if (shape_ok) {
			shape_len[i] = f->klen;
			if (kl <= 8) {
				shape_word[i] = key_word(kp, kl, end);
			} else {
				shape_off[i] = (uint32_t)shape_keys.len;
				mkt_buf_add(&shape_keys, kp, kl);
			}
		}
	}
	if (shape_keys.oom)
		shape_ok = 0;
	shape_n = shape_ok ? jo.n : 0;
	for (w = 0; w < nwant; w++)
		shape_got[w] = got[w] ? (int)(got[w] - jo.f) : -1;
}

/* Handle one input line: scan, take time, key and values, judge it late
 * or add it to its pane, and finish windows the watermark passed. */
static void record(const char *line, size_t len)
{
	const struct mkt_jfield *f;
	const char *kt;
	size_t klen, i;
	uint32_t koff[MAX_KEYS + 1];
	int64_t t, j, first_end, e;
	struct kstate *k;
	char e_msg[160];
	int is_str;

	if (mkt_json_scan(&jo, line, len, e_msg, sizeof(e_msg)) < 0) {
		bad("%s", e_msg);
		return;
	}
	if (where) {
		int rc = mkt_jq_test(where, line, len, e_msg, sizeof(e_msg));
		if (rc < 0) {
			bad("--where: %s", e_msg);
			return;
		}
		if (rc == 0) {
			nfiltered++;
			return;
		}
	}
	fields_find(line + len);
	if ((f = got[0]) == NULL) {
		bad("no \"%s\" field", opt.time_field);
		return;
	}
	if (mkt_jfield_time(f, opt.unit, &t) < 0) {
		bad("\"%s\" is not a number or an RFC 3339 time", opt.time_field);
		return;
	}
	if (t > TIME_LIMIT || t < -TIME_LIMIT) {
		bad("\"%s\" is out of range", opt.time_field);
		return;
	}
	is_str = f->type == MKT_JSTR;

	/* the key text: each key field's JSON text and a ',' */
	koff[0] = 0;
	if (opt.nkeys == 1 && (f = got[1]) != NULL &&
	    f->type == MKT_JSTR && !f->vesc) {
		kt = f->val - 1;          /* the string with its quotes, */
		klen = f->vlen + 3;       /* and the ',' after it in the line */
		koff[1] = (uint32_t)klen; /* (any byte: only koff[1]-1 are used) */
		if (kt[klen - 1] != ',') {
			mkt_buf_reset(&kbuf);
			key_text(f);
			kt = kbuf.p;
		}
	} else {
		mkt_buf_reset(&kbuf);
		for (i = 0; i < opt.nkeys; i++) {
			if ((f = got[1 + i]) == NULL) {
				bad("no \"%s\" field", opt.keys[i]);
				return;
			}
			key_text(f);
			koff[i + 1] = (uint32_t)kbuf.len;
		}
		if (kbuf.oom)
			errx(1, "out of memory");
		kt = kbuf.p ? kbuf.p : "";
		klen = kbuf.len;
	}

	for (i = 0; i < ninputs; i++) {
		if ((f = got[1 + opt.nkeys + i]) == NULL) {
			bad("no \"%s\" field", inputs[i]);
			return;
		}
		if (mkt_jfield_double(f, 1, &vals[i]) < 0) {
			bad("\"%s\" is not a number", inputs[i]);
			return;
		}
	}

	/* late: every window holding t is final already */
	j = mkt_floordiv(t - offset_u, slide_u);
	if (have_wm && j + npanes <= wm_idx) {
		nlate++;
		mkt_info(1, "%s:%llu: late event: %s %lld, watermark %lld", rd.name,
		    (unsigned long long)rd.lineno, opt.time_field, (long long)t,
		    (long long)wm);
		if (late_open)
			mkt_writer_line(&late, line, len);
		return;
	}

	if (opt.tfmt == TFMT_AUTO && !have_wm)
		out_rfc3339 = is_str; /* the first event accepted decides */

	/* the watermark moves first: no window holding t ends by t - lateness */
	if (t > maxt || !have_wm)
		maxt = t;
	wm_raise(maxt - lateness_u);
	wm_at_last = wm;
	if (opt.idle_ns > 0)
		last_arrival_ns = mkt_mono_ns();

	if ((k = key_find(kt, klen)) != NULL) {
		ring_cover(k, j);
	} else {
		k = key_new(kt, klen, koff, j);
	}
	pane_add(pane(k, j), t);
	first_end = j + 1 > wm_idx + 1 ? j + 1 : wm_idx + 1;
	if (first_end < k->next_end) {
		k->next_end = first_end;
		heap_up(k->hpos);
	}
	if (opt.emit_update)
		for (e = first_end; e <= j + npanes; e++)
			emit_row(k, e);
}

/* No input for --idle: let the wall clock carry the watermark on from
 * where the last event left it. */
static void idle(void)
{
	int64_t el;

	if (!have_wm)
		return;
	el = (mkt_mono_ns() - last_arrival_ns) / mkt_tunit_ns(opt.unit);
	wm_raise(wm_at_last + el);
	flush_all();
}

/* Check the outputs; returns 0, or -1 when writing failed (EPIPE on
 * stdout is a quiet end, anything else a reported failure in *status). */
static int out_check(int *status)
{
	if (out.err) {
		if (out.err != EPIPE) {
			errno = out.err;
			warn("stdout");
			*status = 1;
		}
		return -1;
	}
	if (late_open && late.err) {
		errno = late.err;
		warn("%s", opt.late_path);
		*status = 1;
		return -1;
	}
	return 0;
}

static void free_all(void)
{
	if (where)
		mkt_jq_free(where);
	size_t i;

	for (i = 0; i < nheap; i++) {
		free(heap[i]->ring);
		free(heap[i]);
	}
	free(heap);
	mkt_map_free(&keys);
	for (i = 0; i < naggs; i++)
		free(aggs[i].name);
	for (i = 0; i < ninputs; i++)
		free(inputs[i]);
	mkt_jobj_free(&jo);
	mkt_buf_free(&kbuf);
	mkt_buf_free(&tmp);
	mkt_buf_free(&shape_keys);
	mkt_buf_free(&opt.agg_spec);
	mkt_buf_free(&prefix);
	mkt_reader_free(&rd);
}

enum {
	OPT_TIME = 256, OPT_UNIT, OPT_SLIDE, OPT_OFFSET, OPT_EMIT, OPT_LATE,
	OPT_IDLE, OPT_TFMT, OPT_WHERE, OPT_STRICT,
};

static const struct option longopts[] = {
	{ "key", required_argument, NULL, 'k' },
	{ "time", required_argument, NULL, OPT_TIME },
	{ "time-unit", required_argument, NULL, OPT_UNIT },
	{ "size", required_argument, NULL, 's' },
	{ "slide", required_argument, NULL, OPT_SLIDE },
	{ "offset", required_argument, NULL, OPT_OFFSET },
	{ "watermark", required_argument, NULL, 'w' },
	{ "agg", required_argument, NULL, 'a' },
	{ "emit", required_argument, NULL, OPT_EMIT },
	{ "late", required_argument, NULL, OPT_LATE },
	{ "idle", required_argument, NULL, OPT_IDLE },
	{ "time-format", required_argument, NULL, OPT_TFMT },
	{ "where", required_argument, NULL, OPT_WHERE },
	{ "strict", no_argument, NULL, OPT_STRICT },
	{ "unbuffered", no_argument, NULL, 'u' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

/* Whole time units in a duration option; exits 2 if it is not one. */
static int64_t in_units(const char *name, int64_t ns)
{
	int64_t per = mkt_tunit_ns(opt.unit);

	if (ns % per != 0)
		errx(2, "%s is not a whole number of %s", name, mkt_tunit_name(opt.unit));
	return ns / per;
}

int main(int argc, char **argv)
{
	char e[256];
	int c, rc, status = 0, eof = 0;
	const char *line;
	size_t len;

	while ((c = getopt_long(argc, argv, "k:s:w:a:uqvhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'k':
			add_key_list(optarg);
			break;
		case OPT_TIME:
			opt.time_field = optarg;
			break;
		case OPT_UNIT:
			if (mkt_tunit_parse(optarg, &opt.unit) < 0)
				errx(2, "--time-unit: expected s, ms, us or ns");
			break;
		case 's':
			opt.size_ns = duration_opt("--size", optarg);
			break;
		case OPT_SLIDE:
			opt.slide_ns = duration_opt("--slide", optarg);
			break;
		case OPT_OFFSET:
			opt.offset_ns = duration_opt("--offset", optarg);
			break;
		case 'w':
			opt.lateness_ns = duration_opt("--watermark", optarg);
			break;
		case 'a':
			if (opt.agg_spec.len)
				mkt_buf_addc(&opt.agg_spec, ',');
			mkt_buf_adds(&opt.agg_spec, optarg);
			break;
		case OPT_EMIT:
			if (strcmp(optarg, "append") == 0)
				opt.emit_update = 0;
			else if (strcmp(optarg, "update") == 0)
				opt.emit_update = 1;
			else
				errx(2, "--emit: expected append or update");
			break;
		case OPT_LATE:
			opt.late_path = optarg;
			break;
		case OPT_IDLE:
			opt.idle_ns = duration_opt("--idle", optarg);
			break;
		case OPT_TFMT:
			if (strcmp(optarg, "auto") == 0)
				opt.tfmt = TFMT_AUTO;
			else if (strcmp(optarg, "number") == 0)
				opt.tfmt = TFMT_NUMBER;
			else if (strcmp(optarg, "rfc3339") == 0)
				opt.tfmt = TFMT_RFC3339;
			else
				errx(2, "--time-format: expected auto, number or rfc3339");
			break;
		case OPT_WHERE:
			opt.where = optarg;
			break;
		case OPT_STRICT:
			opt.strict = 1;
			break;
		case 'u':
			opt.unbuffered = 1;
			break;
		case 'q':
			mkt_verbosity = -1;
			break;
		case 'v':
			mkt_verbosity++;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			mkt_print_version(NULL);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		warnx("unexpected argument: %s", argv[optind]);
		usage(stderr);
		return 2;
	}
	if (!opt.key_given)
		add_key_list("symbol");
	if (opt.slide_ns == 0)
		opt.slide_ns = opt.size_ns;
	if (opt.size_ns == 0)
		errx(2, "--size must be more than 0");
	if (opt.slide_ns > opt.size_ns || opt.size_ns % opt.slide_ns != 0)
		errx(2, "--size must be a whole multiple of --slide");
	size_u = in_units("--size", opt.size_ns);
	slide_u = in_units("--slide", opt.slide_ns);
	offset_u = in_units("--offset", opt.offset_ns) % slide_u;
	lateness_u = in_units("--watermark", opt.lateness_ns);
	if (size_u > TIME_LIMIT / 2 || lateness_u > TIME_LIMIT / 2)
		errx(2, "--size or --watermark too large");
	npanes = size_u / slide_u;
	if (npanes > 100000)
		errx(2, "--size/--slide: at most 100000 panes a window");
	out_rfc3339 = opt.tfmt == TFMT_RFC3339;
	parse_aggs(opt.agg_spec.len ? opt.agg_spec.p : DEFAULT_AGG);
	if (opt.where && (where = mkt_jq_compile(opt.where, e, sizeof(e))) == NULL) {
		warnx("--where: %s", e);
		usage(stderr);
		exit(2);
	}
	prefix_build();
	want_add(opt.time_field);
	for (size_t i = 0; i < opt.nkeys; i++)
		want_add(opt.keys[i]);
	for (size_t i = 0; i < ninputs; i++)
		want_add(inputs[i]);

	mkt_signals_init();
	if (mkt_reader_init(&rd, STDIN_FILENO, "stdin", 0, e, sizeof(e)) < 0)
		errx(1, "%s", e);
	if (opt.idle_ns > 0) {
		int64_t ms = opt.idle_ns / 1000000;
		rd.idle_ms = ms < 1 ? 1 : ms > 86400000 ? 86400000 : (int)ms;
	}
	rd.on_pause = on_pause;
	if (mkt_writer_init(&out, STDOUT_FILENO, opt.unbuffered) < 0)
		errx(1, "out of memory");
	if (opt.late_path) {
		int fd = open(opt.late_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0)
			err(1, "%s", opt.late_path);
		if (mkt_writer_init(&late, fd, opt.unbuffered) < 0)
			errx(1, "out of memory");
		late_open = 1;
	}

	while (!mkt_stop) {
		rc = mkt_reader_next(&rd, &line, &len);
		if (rc == MKT_READ_LINE) {
			nlines++;
			record(line, len);
		} else if (rc == MKT_READ_LONG) {
			nlines++;
			bad("line longer than %d bytes", MKT_LINE_MAX_DEFAULT);
		} else if (rc == MKT_READ_TIMEOUT) {
			idle();
		} else if (rc == MKT_READ_INTR) {
			continue;
		} else if (rc == MKT_READ_EOF) {
			eof = 1;
			break;
		} else {
			warn("stdin");
			status = 1;
			break;
		}
		if ((out.err || late.err) && out_check(&status) < 0)
			goto done;
	}
	if (eof) {
		drain(INT64_MAX);
		if (nlines == 0) {
			warnx("stdin: empty input");
			status = 1;
		}
	}
	flush_all();
	out_check(&status);
done:
	if (nlate > 0)
		mkt_info(0, "%llu late event%s%s%s", (unsigned long long)nlate,
		    nlate == 1 ? "" : "s", late_open ? " written to " : " dropped",
		    late_open ? opt.late_path : "");
	mkt_info(1, "%llu records, %llu windows, most keys held at once: %zu",
	    (unsigned long long)nlines, (unsigned long long)nwindows, peak_keys);
	if (where)
		mkt_info(1, "%llu records left out by --where", (unsigned long long)nfiltered);
	if (mkt_verbosity >= 0)
		mkt_rec_summary();
	if (mkt_rec_bad() > 0)
		status = 1;
	if (late_open && mkt_writer_close(&late) < 0 && status == 0) {
		errno = late.err;
		warn("%s", opt.late_path);
		status = 1;
	}
	if (mkt_writer_close(&out) < 0 && out.err != EPIPE && status == 0) {
		errno = out.err;
		warn("stdout");
		status = 1;
	}
	free_all();
	return status;
}
