/* SPDX-License-Identifier: MIT */
/* xcross.c -- moving-average crossover, breakout and volume alerts */
/*
 * Reads rows (winagg's window rows, or ticks) from stdin, one JSON object
 * a line, and follows two series per key: a fast and a slow one, each a
 * field, or an SMA or EMA of a field over the key's last N rows (TA-Lib
 * conventions). It writes an alert when the fast series crosses the slow
 * one (golden_cross above, death_cross below), with --band when the fast
 * series leaves a band around the slow one (breakout_up, breakout_down,
 * once an excursion), and with --volume when a volume field passes a
 * threshold (high_volume, once an excursion). With --annotate every row
 * is written too, with its "fast" and "slow" values added, each alert
 * right after the row that caused it.
 *
 * A key's rows must come in time order: a row older than the key's last
 * is reported and skipped. State per key is a ring of N values for each
 * SMA (and the volume average), so memory follows keys times N.
 *
 * Output is block-buffered and flushed whenever input pauses, at exit,
 * and after every record with -u.
 */
#include <err.h>
#include <errno.h>
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
#define MAX_CARRY 32
#define MAX_PERIOD 100000

/* ---- settings ---- */

enum ma_kind { MA_FIELD, MA_SMA, MA_EMA };

/* One series: a field, or a moving average of one over n rows. */
struct ma_spec {
	enum ma_kind kind;
	char *field;
	uint32_t n;
	double k;       /* EMA smoothing, 2/(n+1) */
};

struct settings {
	const char *keys[MAX_KEYS];
	size_t nkeys;
	int key_given;
	const char *time_field;
	const char *fast_spec, *slow_spec;
	const char *up_name, *down_name;
	double band_pct;          /* < 0: no breakout alerts */
	const char *volume_field; /* NULL: no volume alerts */
	double over;              /* absolute threshold, or multiple */
	int over_mult;            /* over is a multiple of the average */
	uint32_t volume_window;   /* rows in the volume average */
	const char *carry[MAX_CARRY];
	size_t ncarry;
	int annotate;
	const char *where;
	int strict;
	int unbuffered;
};

static struct settings opt = {
	.time_field = "ts",
	.fast_spec = "sma(price,5)",
	.slow_spec = "sma(price,20)",
	.up_name = "golden_cross",
	.down_name = "death_cross",
	.band_pct = -1,
	.volume_field = NULL,
	.over = 0,
	.over_mult = 0,
	.volume_window = 20,
	.annotate = 0,
	.where = NULL,
};

static struct ma_spec fast, slow;

static void usage(FILE *fp)
{
	fprintf(fp,
	    "usage: xcross [-quvV] [-k field[,field...]] [--time field]\n"
	    "              [-f series] [-s series] [--up-name name]\n"
	    "              [--down-name name] [--band pct]\n"
	    "              [--volume field --over n|Nx] [--volume-window n]\n"
	    "              [-c field[,field...]] [-a] [--where jq] [--strict]\n");
}

static void usage_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));
static void usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarnx(fmt, ap);
	va_end(ap);
	usage(stderr);
	exit(2);
}

/* Split a comma-separated list of field names into list[] (copies kept
 * for the program's life). Exits 2 on an empty name or too many. */
static void add_list(const char *what, const char *s, const char **list,
    size_t *n, size_t max)
{
	char *copy, *tok, *save = NULL;

	if ((copy = strdup(s)) == NULL)
		err(1, NULL);
	if (*s == '\0' || s[strlen(s) - 1] == ',' || *s == ',' || strstr(s, ",,"))
		usage_error("%s: empty field name in \"%s\"", what, s);
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (*n == max)
			usage_error("%s: at most %zu fields", what, max);
		list[(*n)++] = tok;
	}
}

/* Parse a series: "sma(field,N)", "ema(field,N)" (white space allowed
 * around the parts) or a plain field name. Exits 2 when malformed. */
static void parse_series(const char *what, const char *s, struct ma_spec *m)
{
	const char *p = s, *f, *fe;
	long long n;
	char num[32];
	size_t len;

	while (*p == ' ')
		p++;
	if ((strncmp(p, "sma", 3) == 0 || strncmp(p, "ema", 3) == 0) &&
	    p[3 + strspn(p + 3, " ")] == '(') {
		m->kind = p[0] == 's' ? MA_SMA : MA_EMA;
		p += 3;
		p += strspn(p, " ") + 1;
		p += strspn(p, " ");
		f = p;
		while (*p && *p != ',' && *p != ')')
			p++;
		fe = p;
		while (fe > f && fe[-1] == ' ')
			fe--;
		if (*p != ',' || fe == f)
			usage_error("%s: expected %.3s(field,N) in \"%s\"", what, s, s);
		p++;
		p += strspn(p, " ");
		len = strcspn(p, ")");
		if (p[len] != ')' || p[len + 1 + strspn(p + len + 1, " ")] != '\0' ||
		    len >= sizeof(num))
			usage_error("%s: expected %.3s(field,N) in \"%s\"", what, s, s);
		while (len > 0 && p[len - 1] == ' ')
			len--;
		memcpy(num, p, len);
		num[len] = '\0';
		if (mkt_parse_long(num, 1, MAX_PERIOD, &n) < 0)
			usage_error("%s: N must be a whole number from 1 to %d in \"%s\"",
			    what, MAX_PERIOD, s);
		m->n = (uint32_t)n;
		m->k = 2.0 / ((double)n + 1.0);
		if ((m->field = strndup(f, (size_t)(fe - f))) == NULL)
			err(1, NULL);
		return;
	}
	if (*s == '\0' || strpbrk(s, "(),"))
		usage_error("%s: expected sma(field,N), ema(field,N) or a field, not \"%s\"",
		    what, s);
	m->kind = MA_FIELD;
	m->n = 1;
	if ((m->field = strdup(s)) == NULL)
		err(1, NULL);
}

/* ---- per-key state ---- */

/* A moving average's state. An SMA keeps its last n values in ring[]
 * (oldest at pos once full) and their sum, summed afresh from the ring
 * each time the ring wraps so that rounding does not build up. An EMA
 * sums its first n values for the seed, then runs on its own. */
struct ma_state {
	double sum, value;
	uint32_t count, pos;  /* values seen (up to n), next ring slot */
	double *ring;
};

struct kstate {
	int64_t last_t;        /* time of the key's last row (ns, or as given) */
	int prev_cmp;          /* fast against slow at the previous row */
	int prev_ok;           /* the previous row had both values */
	int band;              /* -1 below the band, 0 inside, +1 above */
	int vol_high;          /* the volume is over its threshold */
	struct ma_state ma[2]; /* fast, slow */
	struct ma_state vol;   /* the volume average (--over Nx) */
	double data[];         /* the rings */
};

static struct mkt_map keys = MKT_MAP_INIT;

/* Rows ring length of a series: n for an SMA, none otherwise. */
static size_t ring_len(const struct ma_spec *m)
{
	return m->kind == MA_SMA ? m->n : 0;
}

static struct kstate *key_new(const char *kt, size_t klen)
{
	size_t nf = ring_len(&fast), ns = ring_len(&slow);
	size_t nv = opt.over_mult ? opt.volume_window : 0;
	struct kstate *k;
	void **slot;
	int isnew;

	if ((k = calloc(1, sizeof(*k) + (nf + ns + nv) * sizeof(double))) == NULL)
		err(1, "key state");
	k->last_t = INT64_MIN;
	k->ma[0].ring = k->data;
	k->ma[1].ring = k->data + nf;
	k->vol.ring = k->data + nf + ns;
	if ((slot = mkt_map_put(&keys, kt, klen, &isnew)) == NULL)
		err(1, "key map");
	*slot = k;
	return k;
}

/* Fast against slow: -1, 0 or 1. Values that differ by no more than one
 * part in 10^12 are equal, so that rounding in the running sums (which
 * differs with the order of the additions) does not make averages that
 * are equal in exact arithmetic, as of a flat price, seem to cross. */
static int ma_cmp(double f, double s)
{
	double d = f - s, m = fmax(fabs(f), fabs(s));

	if (fabs(d) <= 1e-12 * m)
		return 0;
	return d > 0 ? 1 : -1;
}

/* Feed x to a series; returns 1 when it is defined after x (its value in
 * s->value), 0 while fewer than n values have been seen. */
static int ma_add(const struct ma_spec *m, struct ma_state *s, double x)
{
	uint32_t i;

	switch (m->kind) {
	case MA_FIELD:
		s->value = x;
		return 1;
	case MA_SMA:
		if (s->count < m->n) {
			s->ring[s->count++] = x;
			s->sum += x;
			if (s->count < m->n)
				return 0;
		} else {
			s->sum += x - s->ring[s->pos];
			s->ring[s->pos] = x;
			if (++s->pos == m->n) {
				s->pos = 0;
				s->sum = 0;
				for (i = 0; i < m->n; i++)
					s->sum += s->ring[i];
			}
		}
		s->value = s->sum / m->n;
		return 1;
	case MA_EMA:
		if (s->count < m->n) {
			s->sum += x;
			if (++s->count < m->n)
				return 0;
			s->value = s->sum / m->n;
		} else {
			s->value = s->value + m->k * (x - s->value);
		}
		return 1;
	}
	return 0;
}

/* ---- the stream ---- */

static struct mkt_reader rd;
static struct mkt_writer out;
static struct mkt_jobj jo;
static struct mkt_jq *where;
static struct mkt_buf kbuf = MKT_BUF_INIT, tmp = MKT_BUF_INIT;
static uint64_t nlines, nrows, nalerts, nunordered, nfiltered;

static void on_pause(void *arg)
{
	(void)arg;
	mkt_writer_flush(&out);
}

/* A row that cannot be handled: reported (rate-limited) and counted;
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
		mkt_writer_flush(&out);
		errx(1, "%s:%llu: %s", rd.name, (unsigned long long)rd.lineno, msg);
	}
	mkt_rec_warn(rd.name, rd.lineno, "%s", msg);
}

/* The fields of the current row an alert copies: keys, time, carry. */
static const struct mkt_jfield *kf[MAX_KEYS], *tf, *cf[MAX_CARRY];

/* Append a scanned field's JSON text (a string with its quotes). */
static void put_field(struct mkt_buf *b, const struct mkt_jfield *f)
{
	if (f->type == MKT_JSTR)
		mkt_buf_add(b, f->val - 1, f->vlen + 2);
	else
		mkt_buf_add(b, f->val, f->vlen);
}

static void put_num_or_null(struct mkt_buf *b, int ok, double v)
{
	if (ok)
		mkt_json_num(b, v);
	else
		mkt_buf_add(b, "null", 4);
}

/* Write one alert for the current row: the key fields, ts, type,
 * signal, fast and slow, then up to two extra number fields (x1 and x2
 * name them, or are NULL) and the carried fields (null where the row
 * lacks one). */
static void alert(const char *type, const char *signal, double f, double s,
    const char *x1, double v1, const char *x2, double v2)
{
	struct mkt_buf *b = &out.b;
	size_t i;

	mkt_buf_addc(b, '{');
	for (i = 0; i < opt.nkeys; i++) {
		mkt_json_key(b, opt.keys[i]);
		put_field(b, kf[i]);
	}
	mkt_json_key(b, "ts");
	put_field(b, tf);
	mkt_json_key(b, "type");
	mkt_json_str(b, type, strlen(type));
	mkt_json_key(b, "signal");
	mkt_json_str(b, signal, strlen(signal));
	mkt_json_key(b, "fast");
	mkt_json_num(b, f);
	mkt_json_key(b, "slow");
	mkt_json_num(b, s);
	if (x1) {
		mkt_json_key(b, x1);
		mkt_json_num(b, v1);
	}
	if (x2) {
		mkt_json_key(b, x2);
		mkt_json_num(b, v2);
	}
	for (i = 0; i < opt.ncarry; i++) {
		mkt_json_key(b, opt.carry[i]);
		if (cf[i])
			put_field(b, cf[i]);
		else
			mkt_buf_add(b, "null", 4);
	}
	mkt_buf_addc(b, '}');
	mkt_writer_commit(&out);
	nalerts++;
}

/* A series' input value from the row: a number, or a string holding one.
 * Returns 0, or -1 after reporting the row. */
static int field_value(const char *name, double *v)
{
	const struct mkt_jfield *f = mkt_jobj_gets(&jo, name);

	if (f == NULL) {
		bad("no \"%s\" field", name);
		return -1;
	}
	if (mkt_jfield_double(f, 1, v) < 0 || !isfinite(*v)) {
		bad("\"%s\" is not a number", name);
		return -1;
	}
	return 0;
}

/* Handle one input line: scan and filter it, find its key, check its
 * time, feed the series and fire what fired. */
static void record(const char *line, size_t len)
{
	const struct mkt_jfield *f;
	const char *kt;
	size_t klen, i;
	int64_t t;
	double xf, xs, vol = 0, fv = 0, sv = 0, thr;
	int okf, oks, ok, cmp = 0;
	struct kstate *k;
	void **slot;
	char e[256];

	if (mkt_json_scan(&jo, line, len, e, sizeof(e)) < 0) {
		bad("%s", e);
		return;
	}
	if (where) {
		int rc = mkt_jq_test(where, line, len, e, sizeof(e));
		if (rc < 0) {
			bad("--where: %s", e);
			return;
		}
		if (rc == 0) {
			nfiltered++;
			return;
		}
	}

	/* the key: each key field's JSON text, strings in one spelling,
	 * joined by newlines (which no JSON value text holds) */
	mkt_buf_reset(&kbuf);
	for (i = 0; i < opt.nkeys; i++) {
		if ((f = kf[i] = mkt_jobj_gets(&jo, opt.keys[i])) == NULL) {
			bad("no \"%s\" field", opt.keys[i]);
			return;
		}
		if (i > 0)
			mkt_buf_addc(&kbuf, '\n');
		if (f->type == MKT_JSTR && f->vesc) {
			mkt_buf_reset(&tmp);
			mkt_json_unescape(f->val, f->vlen, &tmp);
			mkt_json_str(&kbuf, tmp.p, tmp.len);
		} else {
			put_field(&kbuf, f);
		}
	}
	if (kbuf.oom || tmp.oom)
		errx(1, "out of memory");
	kt = kbuf.p ? kbuf.p : "";
	klen = kbuf.len;

	if ((tf = mkt_jobj_gets(&jo, opt.time_field)) == NULL) {
		bad("no \"%s\" field", opt.time_field);
		return;
	}
	if (mkt_jfield_time(tf, MKT_TU_NS, &t) < 0) {
		bad("\"%s\" is not a number or an RFC 3339 time", opt.time_field);
		return;
	}
	if (field_value(fast.field, &xf) < 0 || field_value(slow.field, &xs) < 0)
		return;
	if (opt.volume_field && field_value(opt.volume_field, &vol) < 0)
		return;

	if ((slot = mkt_map_get(&keys, kt, klen)) != NULL)
		k = *slot;
	else
		k = key_new(kt, klen);
	if (t < k->last_t) {
		nunordered++;
		bad("out of order: \"%s\" %.*s is before the key's last row",
		    opt.time_field, (int)(tf->vlen > 40 ? 40 : tf->vlen), tf->val);
		return;
	}
	k->last_t = t;
	nrows++;

	okf = ma_add(&fast, &k->ma[0], xf);
	oks = ma_add(&slow, &k->ma[1], xs);
	ok = okf && oks;
	if (ok) {
		fv = k->ma[0].value;
		sv = k->ma[1].value;
	}

	if (opt.annotate) {
		mkt_json_reopen(&out.b, line, len);
		mkt_json_key(&out.b, "fast");
		put_num_or_null(&out.b, okf, k->ma[0].value);
		mkt_json_key(&out.b, "slow");
		put_num_or_null(&out.b, oks, k->ma[1].value);
		mkt_buf_addc(&out.b, '}');
		mkt_writer_commit(&out);
	}
	for (i = 0; i < opt.ncarry; i++)
		cf[i] = mkt_jobj_gets(&jo, opt.carry[i]);

	if (ok) {
		cmp = ma_cmp(fv, sv);
		if (k->prev_ok) {
			if (k->prev_cmp <= 0 && cmp > 0)
				alert(opt.up_name, "BULLISH", fv, sv, NULL, 0, NULL, 0);
			else if (k->prev_cmp >= 0 && cmp < 0)
				alert(opt.down_name, "BEARISH", fv, sv, NULL, 0, NULL, 0);
		}
		k->prev_ok = 1;
		k->prev_cmp = cmp;
		if (opt.band_pct >= 0) {
			double hi = sv * (100 + opt.band_pct) / 100;
			double lo = sv * (100 - opt.band_pct) / 100;

			if (fv > hi) {
				if (k->band != 1)
					alert("breakout_up", "BULLISH", fv, sv,
					    "threshold", hi, NULL, 0);
				k->band = 1;
			} else if (fv < lo) {
				if (k->band != -1)
					alert("breakout_down", "BEARISH", fv, sv,
					    "threshold", lo, NULL, 0);
				k->band = -1;
			} else {
				k->band = 0;
			}
		}
	}
	if (opt.volume_field) {
		int have_thr = 1;

		if (opt.over_mult) {
			/* the average of the key's previous volume_window rows */
			struct ma_state *s = &k->vol;
			uint32_t n = opt.volume_window;

			have_thr = s->count == n;
			thr = opt.over * (s->sum / n);
			if (s->count < n) {
				s->ring[s->count++] = vol;
				s->sum += vol;
			} else {
				s->sum += vol - s->ring[s->pos];
				s->ring[s->pos] = vol;
				if (++s->pos == n) {
					s->pos = 0;
					s->sum = 0;
					for (i = 0; i < n; i++)
						s->sum += s->ring[i];
				}
			}
		} else {
			thr = opt.over;
		}
		if (have_thr && ok) {
			if (vol > thr && !k->vol_high)
				alert("high_volume", cmp >= 0 ? "BULLISH" : "BEARISH",
				    fv, sv, "volume", vol, "threshold", thr);
			k->vol_high = vol > thr;
		}
	}
}

static void free_all(void)
{
	size_t i;

	for (i = 0; i < keys.cap; i++)
		if (keys.e[i].key)
			free(keys.e[i].val);
	mkt_map_free(&keys);
	free(fast.field);
	free(slow.field);
	mkt_jobj_free(&jo);
	mkt_buf_free(&kbuf);
	mkt_buf_free(&tmp);
	mkt_reader_free(&rd);
	if (where)
		mkt_jq_free(where);
}

enum {
	OPT_TIME = 256, OPT_UP, OPT_DOWN, OPT_BAND, OPT_VOLUME, OPT_OVER,
	OPT_VWIN, OPT_WHERE, OPT_STRICT,
};

static const struct option longopts[] = {
	{ "key", required_argument, NULL, 'k' },
	{ "time", required_argument, NULL, OPT_TIME },
	{ "fast", required_argument, NULL, 'f' },
	{ "slow", required_argument, NULL, 's' },
	{ "up-name", required_argument, NULL, OPT_UP },
	{ "down-name", required_argument, NULL, OPT_DOWN },
	{ "band", required_argument, NULL, OPT_BAND },
	{ "volume", required_argument, NULL, OPT_VOLUME },
	{ "over", required_argument, NULL, OPT_OVER },
	{ "volume-window", required_argument, NULL, OPT_VWIN },
	{ "carry", required_argument, NULL, 'c' },
	{ "annotate", no_argument, NULL, 'a' },
	{ "where", required_argument, NULL, OPT_WHERE },
	{ "strict", no_argument, NULL, OPT_STRICT },
	{ "unbuffered", no_argument, NULL, 'u' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

int main(int argc, char **argv)
{
	char e[256];
	int c, rc, status = 0, eof = 0, over_given = 0;
	const char *line;
	size_t len;
	long long v;

	while ((c = getopt_long(argc, argv, "k:f:s:c:auqvhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'k':
			if (!opt.key_given)
				opt.nkeys = 0;
			opt.key_given = 1;
			add_list("--key", optarg, opt.keys, &opt.nkeys, MAX_KEYS);
			break;
		case OPT_TIME:
			opt.time_field = optarg;
			break;
		case 'f':
			opt.fast_spec = optarg;
			break;
		case 's':
			opt.slow_spec = optarg;
			break;
		case OPT_UP:
			opt.up_name = optarg;
			break;
		case OPT_DOWN:
			opt.down_name = optarg;
			break;
		case OPT_BAND:
			if (mkt_parse_double(optarg, 0, 1000, &opt.band_pct) < 0)
				usage_error("--band: expected a percentage from 0 to 1000");
			break;
		case OPT_VOLUME:
			opt.volume_field = optarg;
			break;
		case OPT_OVER: {
			size_t n = strlen(optarg);
			char num[64];

			over_given = 1;
			if (n > 0 && n < sizeof(num) && optarg[n - 1] == 'x') {
				opt.over_mult = 1;
				memcpy(num, optarg, n - 1);
				num[n - 1] = '\0';
			} else {
				opt.over_mult = 0;
				snprintf(num, sizeof(num), "%s", optarg);
			}
			if (n >= sizeof(num) ||
			    mkt_parse_double(num, opt.over_mult ? 1e-9 : -1e300, 1e300, &opt.over) < 0)
				usage_error("--over: expected a number, or a multiple such as 3x");
			break;
		}
		case OPT_VWIN:
			if (mkt_parse_long(optarg, 1, MAX_PERIOD, &v) < 0)
				usage_error("--volume-window: expected a whole number from 1 to %d",
				    MAX_PERIOD);
			opt.volume_window = (uint32_t)v;
			break;
		case 'c':
			add_list("--carry", optarg, opt.carry, &opt.ncarry, MAX_CARRY);
			break;
		case 'a':
			opt.annotate = 1;
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
	if (optind < argc)
		usage_error("unexpected argument: %s", argv[optind]);
	if (!opt.key_given)
		add_list("--key", "symbol", opt.keys, &opt.nkeys, MAX_KEYS);
	if ((opt.volume_field != NULL) != over_given)
		usage_error("--volume and --over go together");
	parse_series("--fast", opt.fast_spec, &fast);
	parse_series("--slow", opt.slow_spec, &slow);
	if (*opt.up_name == '\0' || *opt.down_name == '\0')
		usage_error("--up-name and --down-name must not be empty");
	if (opt.where && (where = mkt_jq_compile(opt.where, e, sizeof(e))) == NULL)
		usage_error("--where: %s", e);

	mkt_signals_init();
	if (mkt_reader_init(&rd, STDIN_FILENO, "stdin", 0, e, sizeof(e)) < 0)
		errx(1, "%s", e);
	rd.on_pause = on_pause;
	if (mkt_writer_init(&out, STDOUT_FILENO, opt.unbuffered) < 0)
		errx(1, "out of memory");

	while (!mkt_stop) {
		rc = mkt_reader_next(&rd, &line, &len);
		if (rc == MKT_READ_LINE) {
			nlines++;
			record(line, len);
		} else if (rc == MKT_READ_LONG) {
			nlines++;
			bad("line longer than %d bytes", MKT_LINE_MAX_DEFAULT);
		} else if (rc == MKT_READ_INTR || rc == MKT_READ_TIMEOUT) {
			continue;
		} else if (rc == MKT_READ_EOF) {
			eof = 1;
			break;
		} else {
			warn("stdin");
			status = 1;
			break;
		}
		if (out.err)
			break;
	}
	if (eof && nlines == 0) {
		warnx("stdin: empty input");
		status = 1;
	}
	mkt_info(1, "%llu lines, %llu rows, %llu keys, %llu alerts, %llu filtered out",
	    (unsigned long long)nlines, (unsigned long long)nrows,
	    (unsigned long long)keys.n, (unsigned long long)nalerts,
	    (unsigned long long)nfiltered);
	if (nunordered > 0)
		mkt_info(0, "%llu row%s out of order skipped", (unsigned long long)nunordered,
		    nunordered == 1 ? "" : "s");
	if (mkt_verbosity >= 0)
		mkt_rec_summary();
	if (mkt_rec_bad() > 0)
		status = 1;
	if (mkt_writer_close(&out) < 0 && out.err != EPIPE) {
		errno = out.err;
		warn("stdout");
		status = 1;
	}
	free_all();
	return status;
}
