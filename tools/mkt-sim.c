/* SPDX-License-Identifier: MIT */
/* mkt-sim.c -- a seeded market of trade ticks, or a recording replayed */
/*
 * Writes trade ticks to stdout, one JSON object a line, in the tick shape
 * of mktpipe(7): {"type":"trade","symbol":..,"price":..,"size":..,"ts":..,
 * "venue":"sim"}. Each symbol's price is a random walk in log space whose
 * drift and volatility follow a Markov chain of regimes (flat, trending
 * up, trending down), so that moving averages of it really cross; prices
 * are whole cents and never below 0.01; sizes are heavy-tailed positive
 * integers. The same options give the same bytes: every random draw comes
 * from a xoshiro256** generator seeded by splitmix64 from --seed.
 *
 * Without --rate, event time advances by --step per event and output goes
 * as fast as it can be written, in large blocks. With --rate, events are
 * paced by the monotonic clock and output is flushed before every wait.
 * --disorder holds a share of events back by a random delay, so that they
 * come after later ones. --replay copies a recorded file's lines through
 * unchanged, paced by the differences of their time field.
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
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "cli.h"
#include "io.h"
#include "json.h"
#include "timeutil.h"

#define DEFAULT_START 1704931200000LL   /* 2024-01-11T00:00:00Z */
#define MAX_SYMBOLS 1000000
#define MAX_DELAY_NS (86400LL * 1000000000LL)
#define MAX_STEP_NS (86400LL * 1000000000LL)
#define END_NS (1LL << 61)      /* event time after the start: ~73 years */
#define START_LIMIT 4000000000000000LL /* |--start| in ms: ~126,000 years */

/* ---- settings ---- */

struct settings {
	const char *symbols;     /* a count ("10") or a list ("AAPL,MSFT") */
	long long count;         /* events to write; -1: until stopped */
	double rate;             /* events a second; 0: as fast as possible */
	int64_t step_ns;         /* event-time advance per event, unpaced */
	const char *start;       /* first event time, or NULL for the default */
	uint64_t seed;
	double disorder;         /* share of events held back */
	int64_t max_delay_ns;
	const char *venue;
	const char *replay;      /* file to replay, "-" for stdin */
	double speed;            /* replay speed; 0: as fast as possible */
	const char *time_field;  /* replay: the field that holds the time */
	int strict;
	int unbuffered;
};

static struct settings opt = {
	.symbols = "10",
	.count = -1,
	.rate = 0,
	.step_ns = 100000000LL,
	.start = NULL,
	.seed = 1,
	.disorder = 0,
	.max_delay_ns = 5000000000LL,
	.venue = "sim",
	.replay = NULL,
	.speed = 1,
	.time_field = "ts",
	.strict = 0,
	.unbuffered = 0,
};

static void usage(FILE *fp)
{
	fprintf(fp,
	    "usage: mkt-sim [-quvV] [-s count|symbol[,symbol...]] [-n count]\n"
	    "               [-r rate] [--step dur] [--start time] [--seed n]\n"
	    "               [-d share] [--max-delay dur] [--venue name]\n"
	    "       mkt-sim [-quvV] --replay file [--speed x] [--time field]\n"
	    "               [-n count] [--strict]\n");
}

static void usage_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));

/* ---- random numbers: splitmix64 seeds xoshiro256** ---- */

/* A generator's state. The market draws from one; the disorder from a
 * second, so that --disorder reorders the same events without changing
 * them. */
struct rng {
	uint64_t s[4];
};

static struct rng mr, dr;

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void rng_seed(struct rng *g, uint64_t *x)
{
	int i;

	for (i = 0; i < 4; i++)
		g->s[i] = splitmix64(x);
}

static inline uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

/* xoshiro256** */
static inline uint64_t rng_next(struct rng *g)
{
	uint64_t *rs = g->s, r = rotl(rs[1] * 5, 7) * 9, t = rs[1] << 17;

	rs[2] ^= rs[0];
	rs[3] ^= rs[1];
	rs[1] ^= rs[2];
	rs[0] ^= rs[3];
	rs[2] ^= t;
	rs[3] = rotl(rs[3], 45);
	return r;
}

static inline uint64_t rnd(void)
{
	return rng_next(&mr);
}

/* Uniform in [0, 1) from g. */
static inline double unif_of(struct rng *g)
{
	return (double)(rng_next(g) >> 11) * 0x1.0p-53;
}

static inline double unif(void)
{
	return unif_of(&mr);
}

/* Uniform in (0, 1]: safe for log() and negative powers. */
static inline double unif_pos(void)
{
	return (double)((rnd() >> 11) + 1) * 0x1.0p-53;
}

/* Uniform whole number in [0, n), n < 2^32 (multiply-shift). */
static inline uint32_t below(uint32_t n)
{
	return (uint32_t)(((rnd() >> 32) * (uint64_t)n) >> 32);
}

static int have_spare;
static double spare;

/* Standard normal deviate (Box-Muller; the second value is kept). */
static inline double gauss(void)
{
	double r, a;

	if (have_spare) {
		have_spare = 0;
		return spare;
	}
	r = sqrt(-2.0 * log(unif_pos()));
	a = 6.283185307179586 * unif();
	spare = r * sin(a);
	have_spare = 1;
	return r * cos(a);
}

/* ---- the market ---- */

enum regime { FLAT, UP, DOWN };

/* Per-tick parameters of the walk, in log-price units. */
#define REGIME_TICKS 250.0   /* mean regime length, in the symbol's ticks */
#define BASE_VOL 0.0008      /* typical volatility per tick */
#define TREND 0.25           /* trend drift as a share of the volatility */
#define REVERT 0.0001        /* pull back toward the first price */

struct sym {
	double logp, log0;   /* log of the price, and of the first price */
	double vol, drift;
	int regime;
	uint32_t plen;       /* length of the line's prefix */
	char *prefix;        /* {"type":"trade","symbol":"NAME","price": */
};

static struct sym *syms;
static uint32_t nsyms;
static struct mkt_buf suffix = MKT_BUF_INIT;   /* ,"venue":"sim"} */

/* A new regime for s: the chain moves away from the current state (flat
 * to up or down alike; a trend to flat 60%, to the opposite trend 40%),
 * and draws a volatility around BASE_VOL (log-normal). */
static void regime_switch(struct sym *s)
{
	double u = unif();

	if (s->regime == FLAT)
		s->regime = u < 0.5 ? UP : DOWN;
	else if (u < 0.6)
		s->regime = FLAT;
	else
		s->regime = s->regime == UP ? DOWN : UP;
	s->vol = BASE_VOL * exp(0.5 * gauss());
	s->drift = s->regime == UP ? TREND * s->vol :
	    s->regime == DOWN ? -TREND * s->vol : 0;
}

/* Set up symbol i named name[0..len): its line prefix, a first price
 * between 10 and 500 (log-uniform) and a first regime. */
static void sym_init(struct sym *s, const char *name, size_t len)
{
	struct mkt_buf b = MKT_BUF_INIT;

	mkt_buf_adds(&b, "{\"type\":\"trade\",\"symbol\":");
	mkt_json_str(&b, name, len);
	mkt_buf_adds(&b, ",\"price\":");
	if (b.oom)
		errx(1, "out of memory");
	s->prefix = b.p;
	s->plen = (uint32_t)b.len;
	s->logp = s->log0 = log(10.0) + unif() * log(50.0);
	s->regime = (int)below(3);
	s->vol = BASE_VOL * exp(0.5 * gauss());
	s->drift = s->regime == UP ? TREND * s->vol :
	    s->regime == DOWN ? -TREND * s->vol : 0;
}

/* Parse --symbols: a whole number N gives S0001..SN (at least four
 * digits), anything else is a comma-separated list of names. Exits 2 on
 * an empty name or too many symbols. */
static void symbols_init(const char *spec)
{
	long long n;
	const char *p, *q;
	char name[32];
	uint32_t i;

	if (mkt_parse_long(spec, 1, MAX_SYMBOLS, &n) == 0) {
		int width = n > 9999 ? (n > 99999 ? (n > 999999 ? 7 : 6) : 5) : 4;

		nsyms = (uint32_t)n;
		if ((syms = calloc(nsyms, sizeof(*syms))) == NULL)
			err(1, NULL);
		for (i = 0; i < nsyms; i++) {
			int len = snprintf(name, sizeof(name), "S%0*u", width, i + 1);
			sym_init(&syms[i], name, (size_t)len);
		}
		return;
	}
	if (spec[0] >= '0' && spec[0] <= '9' && strspn(spec, "0123456789") == strlen(spec))
		usage_error("--symbols: a count must be from 1 to %d", MAX_SYMBOLS);
	for (p = spec, n = 1; *p; p++)
		if (*p == ',')
			n++;
	if (n > MAX_SYMBOLS)
		usage_error("--symbols: at most %d symbols", MAX_SYMBOLS);
	nsyms = (uint32_t)n;
	if ((syms = calloc(nsyms, sizeof(*syms))) == NULL)
		err(1, NULL);
	for (p = spec, i = 0; i < nsyms; i++, p = q + 1) {
		q = strchr(p, ',');
		if (q == NULL)
			q = p + strlen(p);
		if (q == p)
			usage_error("--symbols: empty symbol name in \"%s\"", spec);
		sym_init(&syms[i], p, (size_t)(q - p));
	}
}

/* ---- output ---- */

static struct mkt_writer out;

/* Append a price of c cents (c >= 1) to b as the shortest decimal that
 * reads back as the double c/100, which is what mkt_json_num() writes
 * for it: the digits of c with the point two places from the right and
 * trailing fraction zeros dropped (175.5, 175.01, 175). Done here by hand
 * because it runs once a tick and needs no printf/strtod round trip. */
static inline void put_cents(char **pp, int64_t c)
{
	char tmp[24], *t = tmp + sizeof(tmp), *p = *pp;
	int64_t whole = c / 100, frac = c % 100;

	do {
		*--t = (char)('0' + whole % 10);
		whole /= 10;
	} while (whole);
	memcpy(p, t, (size_t)(tmp + sizeof(tmp) - t));
	p += tmp + sizeof(tmp) - t;
	if (frac) {
		*p++ = '.';
		*p++ = (char)('0' + frac / 10);
		if (frac % 10)
			*p++ = (char)('0' + frac % 10);
	}
	*pp = p;
}

static inline void put_int(char **pp, int64_t v)
{
	char tmp[24], *t = tmp + sizeof(tmp);
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

	do {
		*--t = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--t = '-';
	memcpy(*pp, t, (size_t)(tmp + sizeof(tmp) - t));
	*pp += tmp + sizeof(tmp) - t;
}

/* One event, generated but not yet written. */
struct event {
	int64_t due_ns;   /* when it is written, in ns after the start */
	uint64_t seq;     /* generation order, to break ties */
	int64_t ts;       /* event time, ms */
	int64_t cents;
	int64_t size;
	uint32_t sym;
};

/* Write one tick line into the output buffer. Returns 0, or -1 when
 * writing failed (out.err says why). */
static int emit(const struct event *e)
{
	const struct sym *s = &syms[e->sym];
	char *p;

	if (mkt_buf_reserve(&out.b, s->plen + suffix.len + 80) < 0) {
		out.err = ENOMEM;
		return -1;
	}
	p = out.b.p + out.b.len;
	memcpy(p, s->prefix, s->plen);
	p += s->plen;
	put_cents(&p, e->cents);
	memcpy(p, ",\"size\":", 8);
	p += 8;
	put_int(&p, e->size);
	memcpy(p, ",\"ts\":", 6);
	p += 6;
	put_int(&p, e->ts);
	memcpy(p, suffix.p, suffix.len);
	p += suffix.len;
	*p = '\0';
	out.b.len = (size_t)(p - out.b.p);
	return mkt_writer_commit(&out);
}

/* ---- pacing ---- */

static int64_t mono0;   /* monotonic clock at the start, ns */

/* With --rate (or a replay at a speed), wait until due_ns after the
 * start, flushing first; returns -1 when a signal asks to stop. */
static int wait_until(int64_t due_ns)
{
	struct timespec ts;
	int64_t at = mono0 + due_ns;

	if (mkt_mono_ns() >= at)
		return 0;
	mkt_writer_flush(&out);
	ts.tv_sec = at / 1000000000LL;
	ts.tv_nsec = at % 1000000000LL;
	while (!mkt_stop) {
		int rc = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
		if (rc == 0)
			return 0;
		if (rc != EINTR) {
			errno = rc;
			err(1, "clock_nanosleep");
		}
	}
	return -1;
}

/* ---- held-back events: a min-heap by (due, seq) ---- */

static struct event *heap;
static size_t nheap, heapcap;

static inline int ev_less(const struct event *a, const struct event *b)
{
	return a->due_ns < b->due_ns || (a->due_ns == b->due_ns && a->seq < b->seq);
}

static void heap_push(const struct event *e)
{
	size_t i;

	if (nheap == heapcap) {
		size_t nc = heapcap ? heapcap * 2 : 1024;
		struct event *nh = realloc(heap, nc * sizeof(*nh));
		if (nh == NULL)
			err(1, "held-back events");
		heap = nh;
		heapcap = nc;
	}
	i = nheap++;
	while (i > 0 && ev_less(e, &heap[(i - 1) / 2])) {
		heap[i] = heap[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	heap[i] = *e;
}

static void heap_pop(struct event *top)
{
	struct event last;
	size_t i = 0, c;

	*top = heap[0];
	last = heap[--nheap];
	for (;;) {
		c = 2 * i + 1;
		if (c >= nheap)
			break;
		if (c + 1 < nheap && ev_less(&heap[c + 1], &heap[c]))
			c++;
		if (!ev_less(&heap[c], &last))
			break;
		heap[i] = heap[c];
		i = c;
	}
	if (nheap > 0)
		heap[i] = last;
}

/* Write the held-back events due by due_ns (all of them when due_ns is
 * INT64_MAX), in order, waiting for each when paced. Returns -1 when
 * writing failed or a signal asks to stop. */
static int release(int64_t due_ns, int paced)
{
	struct event e;

	while (nheap > 0 && heap[0].due_ns <= due_ns) {
		if (paced && wait_until(heap[0].due_ns) < 0)
			return -1;
		heap_pop(&e);
		if (emit(&e) < 0)
			return -1;
	}
	return 0;
}

/* ---- simulation ---- */

/* Run the market: --count events (or until stopped). Returns 0, -1
 * when writing failed or a signal stopped it, or -2 (reported) when event
 * time ran out of range. */
static int simulate(int64_t start_ms)
{
	const double pswitch = 1.0 / REGIME_TICKS;
	const double lmin = log(0.01), lmax = log(1e7);
	int paced = opt.rate > 0;
	uint64_t i, imax;
	struct event e;

	/* the last event whose time stays within END_NS of the start */
	imax = paced ? (uint64_t)((double)END_NS / 1e9 * opt.rate) :
	    (uint64_t)END_NS / (opt.step_ns > 0 ? (uint64_t)opt.step_ns : 1);
	mono0 = mkt_mono_ns();
	for (i = 0; opt.count < 0 || i < (uint64_t)opt.count; i++) {
		struct sym *s;
		double x;

		if (mkt_stop)
			return -1;
		if (i > imax) {
			warnx("event time ran past %lld years from the start",
			    END_NS / 1000000000LL / 31556952LL);
			release(INT64_MAX, paced);
			return -2;
		}
		e.seq = i;
		e.due_ns = paced ? (int64_t)((double)i * 1e9 / opt.rate) :
		    (int64_t)i * opt.step_ns;
		e.ts = start_ms + e.due_ns / 1000000;
		e.sym = nsyms > 1 ? below(nsyms) : 0;
		s = &syms[e.sym];
		if (unif() < pswitch)
			regime_switch(s);
		s->logp += s->drift - REVERT * (s->logp - s->log0) + s->vol * gauss();
		if (s->logp < lmin)
			s->logp = lmin;
		else if (s->logp > lmax)
			s->logp = lmax;
		e.cents = llround(exp(s->logp) * 100.0);
		if (e.cents < 1)
			e.cents = 1;
		/* Pareto sizes, tail index 1.5: round lots 70% of the time */
		x = pow(unif_pos(), -1.0 / 1.5);
		if (x > 10000)
			x = 10000;
		e.size = unif() < 0.7 ? 100 * (int64_t)x : (int64_t)(x * 10.0);
		if (opt.disorder > 0 && unif_of(&dr) < opt.disorder) {
			e.due_ns += 1 + (int64_t)(unif_of(&dr) * (double)opt.max_delay_ns);
			heap_push(&e);
			continue;
		}
		if (nheap > 0 && release(e.due_ns, paced) < 0)
			return -1;
		if (paced && wait_until(e.due_ns) < 0)
			return -1;
		if (emit(&e) < 0)
			return -1;
	}
	return release(INT64_MAX, paced);
}

/* ---- replay ---- */

static struct mkt_reader rd;
static struct mkt_jobj jo;

static void on_pause(void *arg)
{
	(void)arg;
	mkt_writer_flush(&out);
}

/* A line that cannot be replayed: reported (rate-limited) and counted;
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

/* Copy the lines of --replay to stdout unchanged. At a speed above 0, a
 * line of time t is written (t - t0)/speed after the first line (of time
 * t0) was; a line whose moment has passed goes at once. Returns 0, or -1
 * on a read or write failure (reported) or a stop by signal. *nlines
 * counts the lines read. */
static int replay(uint64_t *nlines)
{
	char e[256];
	const char *line;
	size_t len;
	int fd, rc, have_t0 = 0;
	int64_t t0 = 0, t;
	uint64_t done = 0;

	if (strcmp(opt.replay, "-") == 0)
		fd = STDIN_FILENO;
	else if ((fd = open(opt.replay, O_RDONLY | O_CLOEXEC)) < 0)
		err(1, "%s", opt.replay);
	if (mkt_reader_init(&rd, fd, fd == STDIN_FILENO ? "stdin" : opt.replay,
	    0, e, sizeof(e)) < 0)
		errx(1, "%s", e);
	rd.on_pause = on_pause;
	mono0 = mkt_mono_ns();
	while (!mkt_stop && (opt.count < 0 || done < (uint64_t)opt.count)) {
		const struct mkt_jfield *f;

		rc = mkt_reader_next(&rd, &line, &len);
		if (rc == MKT_READ_EOF)
			break;
		if (rc == MKT_READ_INTR)
			continue;
		if (rc == MKT_READ_ERROR) {
			warn("%s", rd.name);
			return -1;
		}
		(*nlines)++;
		if (rc == MKT_READ_LONG) {
			bad("line longer than %d bytes", MKT_LINE_MAX_DEFAULT);
			continue;
		}
		if (mkt_json_scan(&jo, line, len, e, sizeof(e)) < 0) {
			bad("%s", e);
			continue;
		}
		if (opt.speed > 0) {
			if ((f = mkt_jobj_gets(&jo, opt.time_field)) == NULL) {
				bad("no \"%s\" field", opt.time_field);
				continue;
			}
			if (mkt_jfield_time(f, MKT_TU_MS, &t) < 0) {
				bad("\"%s\" is not a number or an RFC 3339 time",
				    opt.time_field);
				continue;
			}
			if (!have_t0) {
				have_t0 = 1;
				t0 = t;
			}
			if (t > t0) {
				double d = ((double)t - (double)t0) * 1e6 / opt.speed;
				if (d > 9e18)
					d = 9e18;
				if (wait_until((int64_t)d) < 0)
					break;
			}
		}
		if (mkt_writer_line(&out, line, len) < 0)
			return -1;
		done++;
	}
	return 0;
}

/* ---- main ---- */

enum {
	OPT_STEP = 256, OPT_START, OPT_SEED, OPT_MAX_DELAY, OPT_VENUE,
	OPT_REPLAY, OPT_SPEED, OPT_TIME, OPT_STRICT,
};

static const struct option longopts[] = {
	{ "symbols", required_argument, NULL, 's' },
	{ "count", required_argument, NULL, 'n' },
	{ "rate", required_argument, NULL, 'r' },
	{ "step", required_argument, NULL, OPT_STEP },
	{ "start", required_argument, NULL, OPT_START },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "disorder", required_argument, NULL, 'd' },
	{ "max-delay", required_argument, NULL, OPT_MAX_DELAY },
	{ "venue", required_argument, NULL, OPT_VENUE },
	{ "replay", required_argument, NULL, OPT_REPLAY },
	{ "speed", required_argument, NULL, OPT_SPEED },
	{ "time", required_argument, NULL, OPT_TIME },
	{ "strict", no_argument, NULL, OPT_STRICT },
	{ "unbuffered", no_argument, NULL, 'u' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static void usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarnx(fmt, ap);
	va_end(ap);
	usage(stderr);
	exit(2);
}

static int64_t duration_opt(const char *name, const char *s, int64_t max)
{
	int64_t ns;
	char e[128];

	if (mkt_duration_parse(s, &ns, e, sizeof(e)) < 0)
		usage_error("%s: %s", name, e);
	if (ns > max)
		usage_error("%s: at most %lld s", name, (long long)(max / 1000000000LL));
	return ns;
}

int main(int argc, char **argv)
{
	int c, status = 0, given_sim = 0, given_replay = 0, step_given = 0;
	long long v;
	int64_t start_ms;
	uint64_t nlines = 0, seed;
	char e[256];

	while ((c = getopt_long(argc, argv, "s:n:r:d:uqvhV", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			opt.symbols = optarg;
			given_sim = 1;
			break;
		case 'n':
			if (mkt_parse_long(optarg, 0, INT64_MAX, &v) < 0)
				usage_error("--count: expected a whole number >= 0");
			opt.count = v;
			break;
		case 'r':
			if (mkt_parse_double(optarg, 1e-3, 1e9, &opt.rate) < 0)
				usage_error("--rate: expected events a second, 0.001 to 1e9");
			given_sim = 1;
			break;
		case OPT_STEP:
			opt.step_ns = duration_opt("--step", optarg, MAX_STEP_NS);
			given_sim = step_given = 1;
			break;
		case OPT_START:
			opt.start = optarg;
			given_sim = 1;
			break;
		case OPT_SEED:
			if (mkt_parse_long(optarg, 0, INT64_MAX, &v) < 0)
				usage_error("--seed: expected a whole number >= 0");
			opt.seed = (uint64_t)v;
			given_sim = 1;
			break;
		case 'd':
			if (mkt_parse_double(optarg, 0, 1, &opt.disorder) < 0)
				usage_error("--disorder: expected a share from 0 to 1");
			given_sim = 1;
			break;
		case OPT_MAX_DELAY:
			opt.max_delay_ns = duration_opt("--max-delay", optarg, MAX_DELAY_NS);
			given_sim = 1;
			break;
		case OPT_VENUE:
			opt.venue = optarg;
			given_sim = 1;
			break;
		case OPT_REPLAY:
			opt.replay = optarg;
			break;
		case OPT_SPEED:
			if (mkt_parse_double(optarg, 0, 1e9, &opt.speed) < 0)
				usage_error("--speed: expected a factor from 0 to 1e9");
			given_replay = 1;
			break;
		case OPT_TIME:
			opt.time_field = optarg;
			given_replay = 1;
			break;
		case OPT_STRICT:
			opt.strict = 1;
			given_replay = 1;
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
	if (opt.replay && given_sim)
		usage_error("--replay takes only --speed, --time, --count, --strict");
	if (!opt.replay && given_replay)
		usage_error("--speed, --time and --strict go with --replay");
	if (opt.rate > 0 && step_given)
		usage_error("--step and --rate exclude each other");
	if (opt.max_delay_ns <= 0 && opt.disorder > 0)
		usage_error("--max-delay must be more than 0 with --disorder");

	mkt_signals_init();
	if (mkt_writer_init(&out, STDOUT_FILENO, opt.unbuffered) < 0)
		errx(1, "out of memory");

	if (opt.replay) {
		if (replay(&nlines) < 0 && !out.err)
			status = 1;
		if (nlines == 0 && !mkt_stop && !out.err) {
			warnx("%s: empty input", rd.name);
			status = 1;
		}
	} else {
		if (opt.start) {
			if (mkt_time_arg(opt.start, MKT_TU_MS, &start_ms, e, sizeof(e)) < 0)
				usage_error("--start: %s", e);
			if (start_ms > START_LIMIT || start_ms < -START_LIMIT)
				usage_error("--start: out of range");
		} else {
			start_ms = opt.rate > 0 ? mkt_now(MKT_TU_MS) : DEFAULT_START;
		}
		seed = opt.seed;
		rng_seed(&mr, &seed);
		rng_seed(&dr, &seed);
		mkt_buf_adds(&suffix, ",\"venue\":");
		mkt_json_str(&suffix, opt.venue, strlen(opt.venue));
		mkt_buf_addc(&suffix, '}');
		if (suffix.oom)
			errx(1, "out of memory");
		symbols_init(opt.symbols);
		if (simulate(start_ms) == -2)
			status = 1;
	}

	if (mkt_verbosity >= 0)
		mkt_rec_summary();
	if (mkt_rec_bad() > 0)
		status = 1;
	if (mkt_writer_close(&out) < 0 && out.err != EPIPE) {
		errno = out.err;
		warn("stdout");
		status = 1;
	}
	if (opt.replay) {
		mkt_reader_free(&rd);
		mkt_jobj_free(&jo);
	} else {
		uint32_t i;

		for (i = 0; i < nsyms; i++)
			free(syms[i].prefix);
		free(syms);
		free(heap);
		mkt_buf_free(&suffix);
	}
	return status;
}
