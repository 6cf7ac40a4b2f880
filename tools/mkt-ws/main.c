/* SPDX-License-Identifier: MIT */
/* main.c -- mkt-ws: a venue's WebSocket feed as NDJSON ticks, quotes and bars
 *
 * mkt-ws connects to a market-data WebSocket (a venue preset, or any URL
 * with --send and a jq --map), authenticates with a key taken from the
 * environment, subscribes in one message where the venue allows it, and
 * writes one record per event to stdout: trades, quotes and bars in the
 * shapes of mktpipe(7). It stays up: a connection that drops, or goes
 * silent for --stall seconds, is replaced after an exponential backoff
 * with jitter and the subscription is sent again; a venue that says it
 * still holds the old session is given the longest backoff; trades a
 * venue replays after a reconnect are dropped by trade id. A refused key
 * stops the program with status 1.
 *
 * libwebsockets runs the event loop and the socket in its raw role;
 * the WebSocket protocol is ws.c's and TLS is tls.c's, so a frame's
 * payload is read in bulk and a message that fits in one read is handed
 * to the preset where it lies.
 *
 * The socket is read by the event loop; records go into a buffer that a
 * writer thread empties, so a slow reader downstream does not stop the
 * loop from answering the venue's pings. Output is handed to the writer
 * after every round of frames (each frame with -u) and at exit. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <err.h>

#include <libwebsockets.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <openssl/crypto.h>

#include "buf.h"
#include "cli.h"
#include "io.h"
#include "jqglue.h"
#include "json.h"
#include "map.h"
#include "timeutil.h"
#include "ws.h"
#include "wsproto.h"

static const char usage_text[] =
"usage: mkt-ws --preset name [-s symbols] [-c channels] [--url url]\n"
"              [--market market] [--raw] [--all-bars]\n"
"              [-n count] [-d duration] [--stall seconds]\n"
"              [--backoff-min seconds] [--backoff-max seconds]\n"
"              [--dedup n] [--cacert file] [--insecure]\n"
"              [--max-frame bytes] [--strict] [-quvV]\n"
"       mkt-ws --url url [--send message]... [--map jq] [options]\n";

static void usage(FILE *f)
{
	fputs(usage_text, f);
	if (f == stdout)
		fputs(
"  -p, --preset NAME        massive, binance, coinbase, finnhub, alpaca,\n"
"                           kraken, or generic (the default with --url)\n"
"  -s, --symbols LIST       symbols to subscribe to, comma-separated\n"
"  -c, --channels LIST      the preset's channels (see mkt-ws(1))\n"
"      --url URL            ws:// or wss:// address (keeps the preset's protocol)\n"
"      --market NAME        massive: stocks, crypto, ...; alpaca: iex, sip, crypto\n"
"      --send MSG           generic: a text message sent on every connect\n"
"      --map JQ             generic: jq turning a frame into records\n"
"      --raw                add the venue's event as \"raw\"\n"
"      --all-bars           also bars that are not final yet (binance kline)\n"
"  -n, --count N            stop after N records\n"
"  -d, --duration DUR       stop after DUR (e.g. 30s, 5m)\n"
"      --stall SECONDS      reconnect after this long without a frame (60; 0 off)\n"
"      --backoff-min SECONDS  first reconnect delay (0.5)\n"
"      --backoff-max SECONDS  longest reconnect delay (30)\n"
"      --dedup N            remember N trade ids per symbol (1024; 0 off)\n"
"      --cacert FILE        trust FILE's certificates too (PEM)\n"
"      --insecure           do not verify the server's certificate\n"
"      --max-frame BYTES    largest message accepted (16777216)\n"
"      --strict             stop at the first malformed frame\n"
"  -u, --unbuffered         hand each record to the output at once\n"
"  -q, --quiet              no messages but errors\n"
"  -v, --verbose            more messages (stats every 10 s)\n"
"  -h, --help               this help\n"
"  -V, --version            version\n", f);
}

/* ---- settings ---- */

static struct opts {
	const char *preset, *url, *symbols, *channels, *market, *map;
	const char *cacert;
	int insecure, raw, all_bars, strict, unbuffered;
	long long count, dedup, max_frame;
	int64_t duration_ns;
	double stall, backoff_min, backoff_max;
} opt = {
	.count = 0,
	.dedup = 1024,
	.max_frame = 16 << 20,
	.stall = 60,
	.backoff_min = 0.5,
	.backoff_max = 30,
};

/* ---- output: a buffer the loop fills, a thread that writes it ---- */

#define OUT_HIGH (64u << 20) /* past this the loop waits for the writer */

static struct {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t th;
	struct mkt_buf cur;   /* records being added by the loop */
	struct mkt_buf busy;  /* records the writer is writing */
	int have_busy, done, err;
} out = { .mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER };

static struct lws_context *ctx;

/* The writer thread: writes each handed-over buffer to stdout, wakes the
 * loop when done. After a write error it keeps the errno and discards. */
static void *writer_main(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&out.mu);
	for (;;) {
		while (!out.have_busy && !out.done)
			pthread_cond_wait(&out.cv, &out.mu);
		if (!out.have_busy)
			break;
		pthread_mutex_unlock(&out.mu);
		int e = 0;
		if (!out.err && mkt_write_all(STDOUT_FILENO, out.busy.p,
		    out.busy.len) < 0)
			e = errno;
		pthread_mutex_lock(&out.mu);
		if (e && !out.err)
			out.err = e;
		mkt_buf_reset(&out.busy);
		out.have_busy = 0;
		pthread_cond_broadcast(&out.cv);
		if (ctx)
			lws_cancel_service(ctx);
	}
	pthread_mutex_unlock(&out.mu);
	return NULL;
}

/* Hand the records built so far to the writer. If it is still writing,
 * they wait in cur (the loop calls this again when it is woken) unless
 * cur has grown past OUT_HIGH or wait is set: then this waits. */
static void out_flush(int wait)
{
	if (out.cur.len == 0)
		return;
	pthread_mutex_lock(&out.mu);
	while (out.have_busy && !out.err && (wait || out.cur.len > OUT_HIGH))
		pthread_cond_wait(&out.cv, &out.mu);
	if (!out.have_busy) {
		struct mkt_buf t = out.busy;
		out.busy = out.cur;
		out.cur = t;
		mkt_buf_reset(&out.cur);
		out.have_busy = 1;
		pthread_cond_broadcast(&out.cv);
	}
	pthread_mutex_unlock(&out.mu);
}

/* Write everything and stop the writer. Returns its errno, or 0. */
static int out_finish(void)
{
	out_flush(1);
	pthread_mutex_lock(&out.mu);
	while (out.have_busy)
		pthread_cond_wait(&out.cv, &out.mu);
	out.done = 1;
	pthread_cond_broadcast(&out.cv);
	pthread_mutex_unlock(&out.mu);
	pthread_join(out.th, NULL);
	if (out.cur.oom && !out.err)
		out.err = ENOMEM;
	return out.err;
}

/* ---- the session ---- */

enum cstate { C_IDLE, C_CONNECTING, C_OPEN };

#define HANDSHAKE_NS 15000000000LL /* connect, TLS and upgrade */
#define TX_MAX (1u << 20)         /* bytes waiting to be sent */

static struct {
	struct ws ws;
	enum cstate state;
	struct lws *wsi;
	char host[256], path[2048];
	int port, tls_wanted;
	struct mkt_buf url;
	int64_t next_connect, last_rx, opened, started, deadline, last_stats;
	unsigned attempt;          /* failed attempts since a healthy connection */
	uint64_t conn_records;     /* records from the current connection */
	int busy, fatal, closing, finished;
	uint64_t rng;
	/* the connection: WebSocket over TLS (when wss) over lws's raw socket */
	struct wsp proto;
	struct tlsc *tls;          /* NULL for ws:// */
	struct mkt_buf tx;         /* bytes for the socket, after LWS_PRE;
	                            * tx.wipe: it holds a secret frame (ws://) */
	struct mkt_buf fr;         /* one outgoing frame being built */
	int64_t conn_at;           /* when the attempt began */
	int sent_close;            /* our close frame is queued */
	int close_after_flush;     /* close once tx is written */
	int rx_off;                /* ignore what the server sends now */
	int fail_status;           /* HTTP status of a refused upgrade */
	int fail_fatal;            /* ... and retrying will not mend it */
	char fail[320];            /* why the attempt or connection failed */
	struct mkt_buf *q;          /* queued messages */
	unsigned char *qsecret;
	const char **qshown;        /* what -v shows of a secret message */
	size_t qn, qhead, qcap;
	uint64_t frames, records, reconnects, bad, dups, other;
	struct mkt_map seen;        /* symbol -> struct seen */
	struct mkt_buf tail;        /* ,"venue":"NAME"}\n */
	lws_sorted_usec_list_t tick;
} S;

/* Queue msg; secret: never shown, and wiped once framed (or dropped);
 * shown: what -v says instead of a secret message (NULL: "the
 * authentication message"). */
static void queue_msg(const char *msg, size_t len, int secret,
    const char *shown)
{
	if (S.qn == S.qcap) {
		size_t nc = S.qcap ? S.qcap * 2 : 8;
		struct mkt_buf *nq = realloc(S.q, nc * sizeof(*nq));
		if (!nq)
			err(MKT_EXIT_FAIL, NULL);
		S.q = nq;
		unsigned char *ns = realloc(S.qsecret, nc);
		if (!ns)
			err(MKT_EXIT_FAIL, NULL);
		S.qsecret = ns;
		const char **nw = realloc(S.qshown, nc * sizeof(*nw));
		if (!nw)
			err(MKT_EXIT_FAIL, NULL);
		S.qshown = nw;
		/* any message may be one that holds a secret */
		for (size_t i = S.qcap; i < nc; i++) {
			S.q[i] = (struct mkt_buf)MKT_BUF_INIT;
			S.q[i].wipe = 1;
		}
		S.qcap = nc;
	}
	struct mkt_buf *b = &S.q[S.qn];
	mkt_buf_reset(b);
	if (mkt_buf_add(b, msg, len) < 0)
		err(MKT_EXIT_FAIL, NULL);
	S.qsecret[S.qn] = (unsigned char)secret;
	S.qshown[S.qn] = shown;
	S.qn++;
	if (S.wsi)
		lws_callback_on_writable(S.wsi);
}

/* Drop the messages not sent yet, wiping every secret one (those sent
 * were wiped when framed): at the end of a connection and at exit. */
static void queue_drop(void)
{
	for (size_t i = 0; i < S.qn; i++)
		if (S.qsecret[i])
			mkt_buf_wipe(&S.q[i]);
	S.qn = S.qhead = 0;
}

void ws_send(struct ws *s, const char *msg, size_t len, int secret)
{
	(void)s;
	queue_msg(msg, len, secret, NULL);
}

void ws_send_secret(struct ws *s, const char *msg, size_t len,
    const char *shown)
{
	(void)s;
	queue_msg(msg, len, 1, shown);
}

/* Stop the session for good with exit status 1. */
static void stop_fatal(void)
{
	S.fatal = 1;
	S.finished = 1;
	if (S.wsi)
		lws_set_timeout(S.wsi, PENDING_TIMEOUT_CLOSE_SEND, LWS_TO_KILL_ASYNC);
}

/* Print a venue's message, cut short and stripped of control bytes. */
static void print_msg(const char *what, const char *msg, size_t len)
{
	char t[256];
	size_t n = 0;
	for (size_t i = 0; i < len && n < sizeof(t) - 1; i++)
		t[n++] = (unsigned char)msg[i] < 0x20 ? ' ' : msg[i];
	t[n] = '\0';
	warnx("%s: %s", what, t);
}

void ws_subscribed(struct ws *s)
{
	if (s->preset->on_subscribe)
		s->preset->on_subscribe(s);
}

void ws_auth_failed(struct ws *s, const char *msg, size_t len)
{
	(void)s;
	print_msg("authentication failed", msg, len);
	stop_fatal();
}

void ws_fatal(struct ws *s, const char *msg, size_t len)
{
	(void)s;
	print_msg("the venue refused the request", msg, len);
	stop_fatal();
}

void ws_busy(struct ws *s, const char *msg, size_t len)
{
	(void)s;
	if (mkt_verbosity >= 0)
		print_msg("the venue is busy", msg, len);
	S.busy = 1;
	if (S.wsi)
		lws_set_timeout(S.wsi, PENDING_TIMEOUT_CLOSE_SEND, LWS_TO_KILL_ASYNC);
}

void ws_reconnect(struct ws *s, const char *msg, size_t len)
{
	(void)s;
	if (mkt_verbosity >= 0)
		print_msg("the venue reported an error", msg, len);
	if (S.wsi)
		lws_set_timeout(S.wsi, PENDING_TIMEOUT_CLOSE_SEND, LWS_TO_KILL_ASYNC);
}

void ws_note(struct ws *s, const char *what, const char *msg, size_t len)
{
	(void)s;
	if (mkt_verbosity >= 1)
		print_msg(what, msg, len);
}

void ws_bad(struct ws *s, const char *fmt, ...)
{
	(void)s;
	char m[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(m, sizeof(m), fmt, ap);
	va_end(ap);
	S.bad++;
	mkt_rec_warn("frame", S.frames, "%s", m);
	if (opt.strict) {
		warnx("stopping at the first malformed frame (--strict)");
		stop_fatal();
	}
}

const char *ws_env(const char *name)
{
	const char *v = getenv(name);
	return v && *v ? v : NULL;
}

/* ---- duplicates: a bounded set of recent trade ids per symbol ----
 *
 * Each symbol keeps the hashes of its last opt.dedup trade ids in a ring.
 * Most venues number trades upwards per symbol, so while ids are whole
 * numbers that only grow, a new id is known to be new without a lookup
 * (the ring is only written, in order, which keeps this cheap); an id at
 * or below the largest seen (a replay after a reconnect) is looked for in
 * the ring. A symbol whose ids are not numbers, or come out of order
 * more than a few times, gets a hash table over the ring instead. */

#define SEEN_OOO_MAX 16 /* out-of-order ids before a symbol is hashed */

struct seen {
	uint64_t *ring, *tab;   /* tab: NULL until the symbol is hashed */
	size_t cap, mask, n, pos;
	uint64_t max;           /* largest numeric id so far */
	unsigned ooo;
};

static int seen_find(const struct seen *z, uint64_t h, size_t *at)
{
	for (size_t i = h & z->mask;; i = (i + 1) & z->mask) {
		if (!z->tab[i]) {
			*at = i;
			return 0;
		}
		if (z->tab[i] == h) {
			*at = i;
			return 1;
		}
	}
}

/* Remove the entry at slot i, moving later entries of its probe run back
 * (backward-shift deletion keeps lookups correct without tombstones). */
static void seen_del_at(struct seen *z, size_t i)
{
	size_t j = i;
	for (;;) {
		j = (j + 1) & z->mask;
		if (!z->tab[j])
			break;
		size_t k = z->tab[j] & z->mask;
		if ((j > i && (k <= i || k > j)) || (j < i && k <= i && k > j)) {
			z->tab[i] = z->tab[j];
			i = j;
		}
	}
	z->tab[i] = 0;
}

/* Switch z to hashed mode: a table over what the ring holds. 0 or -1. */
static int seen_hash(struct seen *z)
{
	size_t tcap = 2;
	while (tcap < z->cap * 2)
		tcap <<= 1;
	if (!(z->tab = calloc(tcap, sizeof(uint64_t))))
		return -1;
	z->mask = tcap - 1;
	for (size_t i = 0; i < z->n; i++) {
		size_t at;
		uint64_t h = z->ring[(z->pos + z->cap - 1 - i) % z->cap];
		if (!seen_find(z, h, &at))
			z->tab[at] = h;
	}
	return 0;
}

/* A trade id as a whole number (quotes already off; one leading letter,
 * a prefix of ours, skipped). Returns 0, or -1 if it is not one. */
static int id_number(const char *id, size_t n, uint64_t *v)
{
	size_t i = n && !(id[0] >= '0' && id[0] <= '9') ? 1 : 0;
	if (i == n || n - i > 19)
		return -1;
	uint64_t x = 0;
	for (; i < n; i++) {
		if (id[i] < '0' || id[i] > '9')
			return -1;
		x = x * 10 + (uint64_t)(id[i] - '0');
	}
	*v = x;
	return 0;
}

/* Whether trade id was seen among the last opt.dedup trades of symbol;
 * records it if not. Out of memory: treated as unseen. */
static int seen_check(const char *sym, size_t symlen, const char *id,
    size_t idlen)
{
	static struct seen *last;      /* the symbol of the previous trade */
	static char last_sym[64];
	static size_t last_len;
	struct seen *z;
	if (last && last_len == symlen && !memcmp(last_sym, sym, symlen)) {
		z = last;
	} else {
		int isnew;
		void **slot = mkt_map_put(&S.seen, sym, symlen, &isnew);
		if (!slot)
			return 0;
		z = *slot;
		if (!z) {
			z = calloc(1, sizeof(*z));
			if (z && !(z->ring = calloc((size_t)opt.dedup, sizeof(uint64_t)))) {
				free(z);
				z = NULL;
			}
			if (!z) {
				mkt_map_del(&S.seen, sym, symlen);
				return 0;
			}
			z->cap = (size_t)opt.dedup;
			*slot = z;
		}
		last = NULL;
		if (symlen <= sizeof(last_sym)) {
			memcpy(last_sym, sym, symlen);
			last_len = symlen;
			last = z;
		}
	}
	uint64_t h = mkt_hash(id, idlen), num;
	if (!h)
		h = 1;
	if (!z->tab) {
		int numeric = id_number(id, idlen, &num) == 0;
		if (numeric && (num > z->max || z->n == 0)) {
			z->max = num;
			goto add;
		}
		for (size_t i = 0; i < z->n; i++)
			if (z->ring[i] == h)
				return 1;
		if (++z->ooo <= SEEN_OOO_MAX && numeric)
			goto add;
		if (seen_hash(z) < 0)
			goto add;
	}
	size_t at;
	if (seen_find(z, h, &at))
		return 1;
	if (z->n == z->cap) {
		size_t old;
		if (seen_find(z, z->ring[z->pos], &old))
			seen_del_at(z, old);
		z->n--;
		seen_find(z, h, &at);
	}
	z->tab[at] = h;
	z->ring[z->pos] = h;
	z->pos = (z->pos + 1) % z->cap;
	z->n++;
	return 0;
add:
	z->ring[z->pos] = h;
	z->pos = (z->pos + 1) % z->cap;
	if (z->n < z->cap)
		z->n++;
	return 0;
}

/* ---- records ---- */

static int want_more(void)
{
	return !S.finished && (opt.count == 0 || S.records < (uint64_t)opt.count);
}

static void rec_begin(const char *type, const char *sym, size_t symlen)
{
	struct mkt_buf *b = &out.cur;
	mkt_buf_adds(b, "{\"type\":\"");
	mkt_buf_adds(b, type);
	mkt_buf_adds(b, "\",\"symbol\":");
	mkt_json_str(b, sym, symlen);
}

static void rec_done(void);

static void rec_end(const char *raw, size_t rawlen)
{
	struct mkt_buf *b = &out.cur;
	mkt_json_key(b, "venue");
	mkt_json_str(b, S.ws.preset->name, strlen(S.ws.preset->name));
	if (S.ws.raw && raw) {
		mkt_json_key(b, "raw");
		mkt_buf_add(b, raw, rawlen);
	}
	mkt_buf_add(b, "}\n", 2);
	rec_done();
}

/* A record has been appended. */
static void rec_done(void)
{
	S.records++;
	S.conn_records++;
	if (opt.unbuffered)
		out_flush(0);
	if (opt.count && S.records >= (uint64_t)opt.count)
		S.finished = 1;
}

/* Append d as mkt_json_num() would (the shortest text that reads back
 * as d), without printf for the common case of prices and sizes: a value
 * of at most 15 significant digits, at most 8 decimals, and a magnitude
 * where %g writes no exponent. d * 10^k is tried for k = 0..8; the first
 * k at which it is a whole number m with m / 10^k == d gives the digits
 * (a decimal of at most 15 digits that reads back as d is the one %.15g
 * writes). Anything else goes to mkt_json_num(). */
static void fast_num(struct mkt_buf *b, double d)
{
	static const double p10[] = { 1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8 };
	double a = fabs(d);
	if (!(a >= 1e-4 && a < 1e15) || d == floor(d)) {
		mkt_json_num(b, d);
		return;
	}
	for (int k = 1; k <= 8; k++) {
		double m = a * p10[k];
		if (m >= 1e15)
			break;
		if (m != floor(m) || m / p10[k] != a)
			continue;
		if ((uint64_t)m % 10 == 0)
			break; /* a trailing zero: let the general path decide */
		char t[40], *e = t + sizeof(t), *q = e;
		uint64_t v = (uint64_t)m;
		for (int i = 0; i < k; i++) {
			*--q = (char)('0' + v % 10);
			v /= 10;
		}
		*--q = '.';
		do {
			*--q = (char)('0' + v % 10);
			v /= 10;
		} while (v);
		if (d < 0)
			*--q = '-';
		mkt_buf_add(b, q, (size_t)(e - q));
		return;
	}
	mkt_json_num(b, d);
}

static void num_field(const char *key, double v)
{
	mkt_json_key(&out.cur, key);
	fast_num(&out.cur, v);
}

void ws_trade(struct ws *s, const char *sym, size_t symlen, double price,
    double size, int64_t ts_ms, const char *id, size_t idlen,
    const char *raw, size_t rawlen)
{
	(void)s;
	if (!want_more())
		return;
	if (id && opt.dedup > 0 && seen_check(sym, symlen, id, idlen)) {
		S.dups++;
		return;
	}
	rec_begin("trade", sym, symlen);
	num_field("price", price);
	num_field("size", size);
	mkt_json_key(&out.cur, "ts");
	mkt_json_int(&out.cur, ts_ms);
	rec_end(raw, rawlen);
}

/* Whether the JSON number text t[0..n) is exactly what the emitter
 * writes for its value, so that it can be copied as it is: no exponent,
 * no "-0", no trailing zero after a point, at most 15 significant digits
 * (a decimal of 15 digits or fewer is the shortest text of its double)
 * and a magnitude in [1e-4, 1e15) or zero, where no exponent is used. */
static int num_is_canonical(const char *t, size_t n)
{
	size_t i = t[0] == '-', id = 0, fd = 0, lz = 0;
	if (i == n)
		return 0;
	if (t[i] == '0') {
		i++;
		if (i == n)
			return t[0] != '-';
	} else {
		while (i < n && t[i] >= '0' && t[i] <= '9')
			i++, id++;
	}
	if (i < n) {
		if (t[i] != '.')
			return 0;
		for (i++; i < n && t[i] >= '0' && t[i] <= '9'; i++) {
			if (t[i] == '0' && lz == fd && id == 0)
				lz++;
			fd++;
		}
		if (i < n || t[n - 1] == '0')
			return 0;
		if (id == 0 && lz > 3)
			return 0;
	}
	return id + fd - (id ? 0 : lz) <= 15;
}

/* Append number field f (a JSON number, or a string holding one) as the
 * emitter would write its value: copied when its text is already that,
 * else parsed and written. -1 when f is not a number. */
static int num_copy(struct mkt_buf *b, const struct mkt_jfield *f)
{
	if (f->type == MKT_JNUM && num_is_canonical(f->val, f->vlen))
		return mkt_buf_add(b, f->val, f->vlen), 0;
	double d;
	if (mkt_jfield_double(f, 1, &d) < 0)
		return -1;
	fast_num(b, d);
	return 0;
}

/* Whether f is a JSON integer of at most 18 digits (not "-0"): its text
 * is what mkt_json_int() writes for it. */
static int int_is_plain(const struct mkt_jfield *f)
{
	if (f->type != MKT_JNUM || f->vlen > 19)
		return 0;
	size_t i = f->val[0] == '-';
	if (i == f->vlen || (f->val[i] == '0' && (i || f->vlen > 1)))
		return 0;
	for (; i < f->vlen; i++)
		if (f->val[i] < '0' || f->val[i] > '9')
			return 0;
	return 1;
}

int ws_trade_f(struct ws *s, const struct mkt_jfield *sym,
    const struct mkt_jfield *price, const struct mkt_jfield *size,
    const struct mkt_jfield *ts, const char *id, size_t idlen,
    const char *raw, size_t rawlen)
{
	struct mkt_buf *b = &out.cur;
	const char *sp = sym->val;
	size_t sl = sym->vlen;
	int64_t t = 0;
	int tplain = int_is_plain(ts);
	if (sym->type != MKT_JSTR ||
	    (!tplain && mkt_jfield_time(ts, MKT_TU_MS, &t) < 0))
		return -1;
	if (sym->vesc) {
		mkt_buf_reset(&s->tmp2);
		if (mkt_jfield_string(sym, &s->tmp2, &sp, &sl) < 0)
			return -1;
	}
	if (!want_more())
		return 0;
	size_t at = b->len;
	static const char head[] = "{\"type\":\"trade\",\"symbol\":";
	mkt_buf_add(b, head, sizeof(head) - 1);
	if (sym->vesc)
		mkt_json_str(b, sp, sl);
	else
		mkt_buf_add(b, sym->val - 1, sym->vlen + 2); /* with its quotes */
	mkt_buf_add(b, ",\"price\":", 9);
	if (num_copy(b, price) < 0)
		goto bad;
	mkt_buf_add(b, ",\"size\":", 8);
	if (num_copy(b, size) < 0)
		goto bad;
	if (id && opt.dedup > 0 && seen_check(sp, sl, id, idlen)) {
		S.dups++;
		b->len = at;
		b->p[at] = '\0';
		return 0;
	}
	mkt_buf_add(b, ",\"ts\":", 6);
	if (tplain)
		mkt_buf_add(b, ts->val, ts->vlen);
	else
		mkt_json_int(b, t);
	if (S.ws.raw) {
		rec_end(raw, rawlen);
		return 0;
	}
	mkt_buf_add(b, S.tail.p, S.tail.len);
	rec_done();
	return 0;
bad:
	b->len = at;
	b->p[at] = '\0';
	return -1;
}

void ws_quote(struct ws *s, const char *sym, size_t symlen, double bid,
    double bid_size, double ask, double ask_size, int64_t ts_ms,
    const char *raw, size_t rawlen)
{
	(void)s;
	if (!want_more())
		return;
	rec_begin("quote", sym, symlen);
	num_field("bid", bid);
	num_field("bid_size", bid_size);
	num_field("ask", ask);
	num_field("ask_size", ask_size);
	mkt_json_key(&out.cur, "ts");
	mkt_json_int(&out.cur, ts_ms);
	rec_end(raw, rawlen);
}

void ws_bar(struct ws *s, const char *sym, size_t symlen, double open,
    double high, double low, double close, double volume, double vwap,
    int64_t start_ms, int64_t end_ms, const char *raw, size_t rawlen)
{
	(void)s;
	if (!want_more())
		return;
	rec_begin("bar", sym, symlen);
	num_field("open", open);
	num_field("high", high);
	num_field("low", low);
	num_field("close", close);
	num_field("volume", volume);
	if (!isnan(vwap))
		num_field("vwap", vwap);
	mkt_json_key(&out.cur, "ts");
	mkt_json_int(&out.cur, start_ms);
	mkt_json_key(&out.cur, "end");
	mkt_json_int(&out.cur, end_ms);
	rec_end(raw, rawlen);
}

void ws_line(struct ws *s, const char *line, size_t len)
{
	(void)s;
	if (!want_more())
		return;
	mkt_buf_add(&out.cur, line, len);
	mkt_buf_addc(&out.cur, '\n');
	S.records++;
	S.conn_records++;
	if (opt.unbuffered)
		out_flush(0);
	if (opt.count && S.records >= (uint64_t)opt.count)
		S.finished = 1;
}

/* ---- helpers for presets ---- */

/* Where the object or array at s[0] ends: the length up to and with its
 * closing bracket, or len if it does not close. Brackets inside strings
 * do not count; a backslash escapes the byte after it. The text need not
 * be valid (the caller's scan checks it): the walk stays within len.
 *
 * Sixteen bytes at a time where SSE2 is there: the quotes and brackets
 * of a block are found as bit masks and walked in order; a block with a
 * backslash in it is walked a byte at a time. */
static size_t container_len(const char *s, size_t len)
{
	size_t i = 0;
	int depth = 0, instr = 0;
#ifdef __SSE2__
	const __m128i vq = _mm_set1_epi8('"'), vb = _mm_set1_epi8('\\'),
	    vo1 = _mm_set1_epi8('{'), vo2 = _mm_set1_epi8('['),
	    vc1 = _mm_set1_epi8('}'), vc2 = _mm_set1_epi8(']');
	while (i + 16 <= len) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
		if (_mm_movemask_epi8(_mm_cmpeq_epi8(v, vb)))
			goto bytes;
		unsigned mq = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, vq));
		unsigned mo = (unsigned)_mm_movemask_epi8(_mm_or_si128(
		    _mm_cmpeq_epi8(v, vo1), _mm_cmpeq_epi8(v, vo2)));
		unsigned mc = (unsigned)_mm_movemask_epi8(_mm_or_si128(
		    _mm_cmpeq_epi8(v, vc1), _mm_cmpeq_epi8(v, vc2)));
		for (unsigned all = mq | mo | mc; all; all &= all - 1) {
			unsigned bit = all & -all;
			if (mq & bit) {
				instr = !instr;
			} else if (!instr) {
				if (mo & bit)
					depth++;
				else if (--depth == 0)
					return i + (size_t)__builtin_ctz(bit) + 1;
			}
		}
		i += 16;
		continue;
bytes:
		/* this block a byte at a time (an escape may reach past it) */
		for (size_t end = i + 16; i < end; i++) {
			char c = s[i];
			if (instr) {
				if (c == '\\')
					i++;
				else if (c == '"')
					instr = 0;
			} else if (c == '"') {
				instr = 1;
			} else if (c == '{' || c == '[') {
				depth++;
			} else if ((c == '}' || c == ']') && --depth == 0) {
				return i + 1;
			}
		}
	}
#endif
	for (; i < len; i++) {
		char c = s[i];
		if (instr) {
			if (c == '\\')
				i++;
			else if (c == '"')
				instr = 0;
		} else if (c == '"') {
			instr = 1;
		} else if (c == '{' || c == '[') {
			depth++;
		} else if ((c == '}' || c == ']') && --depth == 0) {
			return i + 1;
		}
	}
	return len;
}

/* Length of the JSON value starting at s[0]. */
static size_t value_len(const char *s, size_t len)
{
	size_t i;
	if (s[0] == '"') {
		for (i = 1; i < len; i++) {
			if (s[i] == '\\')
				i++;
			else if (s[i] == '"')
				return i + 1;
		}
		return len;
	}
	if (s[0] == '{' || s[0] == '[')
		return container_len(s, len);
	for (i = 0; i < len && !strchr(",]} \t\r\n", s[i]); i++)
		;
	return i;
}

static int is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

void ws_each_object(struct ws *s, const char *text, size_t len,
    void (*fn)(struct ws *s, const char *obj, size_t olen))
{
	size_t i = 0;
	while (i < len && is_ws(text[i]))
		i++;
	if (i < len && text[i] == '{') {
		fn(s, text + i, len - i);
		return;
	}
	if (i >= len || text[i] != '[') {
		ws_bad(s, "not JSON: column %zu: expected an object or an array",
		    i + 1);
		return;
	}
	/* The elements are validated by the callback's scan; the array's own
	 * punctuation is checked here. */
	i++;
	int first = 1;
	for (;;) {
		while (i < len && is_ws(text[i]))
			i++;
		if (i < len && text[i] == ']' && first) {
			i++;
			break;
		}
		if (i >= len) {
			ws_bad(s, "not JSON: column %zu: the array is not closed", i + 1);
			return;
		}
		size_t n = value_len(text + i, len - i);
		if (!want_more())
			return;
		if (text[i] == '{')
			fn(s, text + i, n);
		else
			ws_bad(s, "array element at column %zu is not an object", i + 1);
		i += n;
		first = 0;
		while (i < len && is_ws(text[i]))
			i++;
		if (i < len && text[i] == ',') {
			i++;
			continue;
		}
		if (i < len && text[i] == ']') {
			i++;
			break;
		}
		ws_bad(s, "not JSON: column %zu: expected ',' or ']'", i + 1);
		return;
	}
	while (i < len && is_ws(text[i]))
		i++;
	if (i < len)
		ws_bad(s, "not JSON: column %zu: text after the array", i + 1);
}

int ws_num(struct mkt_jobj *o, const char *key, double *v)
{
	const struct mkt_jfield *f = mkt_jobj_gets(o, key);
	return f ? mkt_jfield_double(f, 1, v) : -1;
}

int ws_str(struct ws *s, struct mkt_jobj *o, const char *key,
    const char **p, size_t *n)
{
	const struct mkt_jfield *f = mkt_jobj_gets(o, key);
	if (!f || f->type != MKT_JSTR)
		return -1;
	if (f->vesc) {
		mkt_buf_reset(&s->tmp);
		return mkt_jfield_string(f, &s->tmp, p, n);
	}
	*p = f->val;
	*n = f->vlen;
	return 0;
}

int ws_time_ms(struct mkt_jobj *o, const char *key, int64_t *t)
{
	const struct mkt_jfield *f = mkt_jobj_gets(o, key);
	return f ? mkt_jfield_time(f, MKT_TU_MS, t) : -1;
}

int ws_is(struct mkt_jobj *o, const char *key, const char *lit)
{
	const struct mkt_jfield *f = mkt_jobj_gets(o, key);
	size_t n = strlen(lit);
	return f && f->type == MKT_JSTR && f->vlen == n &&
	    memcmp(f->val, lit, n) == 0;
}

int ws_rawval(struct mkt_jobj *o, const char *key, const char **p,
    size_t *n)
{
	const struct mkt_jfield *f = mkt_jobj_gets(o, key);
	if (!f || f->type == MKT_JNULL)
		return -1;
	*p = f->val;
	*n = f->vlen;
	return 0;
}

void ws_json_body(struct mkt_buf *b, const char *str)
{
	size_t at = b->len;
	if (mkt_json_str(b, str, strlen(str)) < 0 || b->len < at + 2)
		return;
	/* drop the quotes the emitter put around it */
	memmove(b->p + at, b->p + at + 1, b->len - at - 2);
	b->len -= 2;
	b->p[b->len] = '\0';
}

/* ---- connection ---- */

/* Split a ws:// or wss:// URL into S.host, S.port, S.path. Returns 0 or
 * -1 (with a message in errstr). */
static int parse_url(const char *url, char *errstr, size_t errsize)
{
	const char *p;
	if (!strncmp(url, "wss://", 6)) {
		S.tls_wanted = 1;
		S.port = 443;
		p = url + 6;
	} else if (!strncmp(url, "ws://", 5)) {
		S.tls_wanted = 0;
		S.port = 80;
		p = url + 5;
	} else {
		snprintf(errstr, errsize, "the URL must start with ws:// or wss://");
		return -1;
	}
	size_t hl;
	const char *rest;
	if (*p == '[') {
		const char *e = strchr(p, ']');
		if (!e) {
			snprintf(errstr, errsize, "unclosed '[' in the URL");
			return -1;
		}
		hl = (size_t)(e - p - 1);
		if (hl >= sizeof(S.host))
			goto toolong;
		memcpy(S.host, p + 1, hl);
		rest = e + 1;
	} else {
		hl = strcspn(p, ":/?");
		if (hl >= sizeof(S.host))
			goto toolong;
		memcpy(S.host, p, hl);
		rest = p + hl;
	}
	S.host[hl] = '\0';
	if (!hl) {
		snprintf(errstr, errsize, "no host in the URL");
		return -1;
	}
	if (*rest == ':') {
		char *end;
		long v = strtol(rest + 1, &end, 10);
		if (end == rest + 1 || v < 1 || v > 65535) {
			snprintf(errstr, errsize, "bad port in the URL");
			return -1;
		}
		S.port = (int)v;
		rest = end;
	}
	if (*rest && *rest != '/' && *rest != '?') {
		snprintf(errstr, errsize, "unexpected text after the host in the URL");
		return -1;
	}
	int n = snprintf(S.path, sizeof(S.path), "%s%s",
	    *rest == '/' ? "" : "/", rest);
	if (n < 0 || (size_t)n >= sizeof(S.path))
		goto toolong;
	return 0;
toolong:
	snprintf(errstr, errsize, "the URL is too long");
	return -1;
}

static uint64_t rnd(void)
{
	S.rng ^= S.rng << 13;
	S.rng ^= S.rng >> 7;
	S.rng ^= S.rng << 17;
	return S.rng;
}

/* Plan the next connection attempt: exponential backoff from
 * --backoff-min, doubling per attempt since the last healthy connection
 * up to --backoff-max, with jitter (a uniform draw from the upper half of
 * the delay). A venue that said it was busy gets the longest delay. */
static void schedule_reconnect(const char *why)
{
	double d = opt.backoff_min * ldexp(1.0, S.attempt < 30 ? (int)S.attempt : 30);
	if (d > opt.backoff_max || S.busy)
		d = opt.backoff_max;
	double j = d / 2 + (d / 2) * ((double)(rnd() >> 11) / 9007199254740992.0);
	S.attempt++;
	S.busy = 0;
	S.state = C_IDLE;
	S.next_connect = mkt_mono_ns() + (int64_t)(j * 1e9);
	if (!S.finished && !mkt_stop && mkt_verbosity >= 0)
		warnx("%s; reconnecting in %.2fs", why, j);
}

/* Empty the outgoing bytes, keeping LWS_PRE bytes of room in front for
 * lws_write(); wiped first if they held a secret frame. */
static void tx_reset(void)
{
	if (S.tx.wipe) {
		mkt_buf_wipe(&S.tx);
		S.tx.wipe = 0;
	}
	mkt_buf_reset(&S.tx);
	if (mkt_buf_reserve(&S.tx, LWS_PRE + 4096) < 0)
		errx(MKT_EXIT_FAIL, "out of memory");
	memset(S.tx.p, 0, LWS_PRE);
	S.tx.len = LWS_PRE;
}

/* Queue bytes for the socket (encrypted first on a TLS connection) and
 * ask for a chance to write them. secret: p is a frame that holds a
 * secret; on ws://, where it goes into tx as it is (masking hides
 * nothing: the mask is in the frame), tx.wipe is set: tx grows leaving
 * no copy behind and is wiped when it is next emptied. */
static void tx_add(const void *p, size_t n, int secret)
{
	int r;
	if (S.tls) {
		r = tlsc_write(S.tls, p, n, &S.tx);
	} else {
		if (secret)
			S.tx.wipe = 1;
		r = mkt_buf_add(&S.tx, p, n);
	}
	if (r < 0 || S.tx.oom)
		errx(MKT_EXIT_FAIL, "cannot queue bytes for the server");
	if (S.wsi)
		lws_callback_on_writable(S.wsi);
}

/* Queue one masked frame. A frame that held a secret is wiped from the
 * scratch buffer once it is queued (fr.wipe is set: it grows leaving no
 * copy behind). */
static void send_frame(int op, const void *p, size_t n, int secret)
{
	mkt_buf_reset(&S.fr);
	if (wsp_frame(&S.fr, op, p, n) < 0)
		errx(MKT_EXIT_FAIL, "cannot build a frame");
	tx_add(S.fr.p, S.fr.len, secret);
	if (secret)
		mkt_buf_wipe(&S.fr);
}

/* Queue a close frame with status code (once per connection). */
static void send_close(int code)
{
	if (S.sent_close)
		return;
	unsigned char c[2] = { (unsigned char)(code >> 8), (unsigned char)code };
	send_frame(WSP_CLOSE, c, code ? 2 : 0, 0);
	S.sent_close = 1;
}

static void connect_now(void)
{
	struct lws_client_connect_info ci;
	memset(&ci, 0, sizeof(ci));
	ci.context = ctx;
	ci.address = S.host;
	ci.port = S.port;
	ci.path = S.path;
	ci.host = S.host;
	ci.method = "RAW"; /* the WebSocket protocol is ours (ws.c) */
	ci.protocol = "mkt-ws";
	ci.local_protocol_name = "mkt-ws";
	ci.pwsi = &S.wsi;
	S.state = C_CONNECTING;
	S.conn_at = mkt_mono_ns();
	queue_drop();
	S.sent_close = S.close_after_flush = S.rx_off = 0;
	S.fail_status = S.fail_fatal = 0;
	S.fail[0] = '\0';
	S.conn_records = 0;
	tx_reset();
	if (S.tls)
		tlsc_end(S.tls);
	if (S.started)
		S.reconnects++;
	S.started = 1;
	mkt_info(1, "connecting to %s:%d", S.host, S.port);
	if (!lws_client_connect_via_info(&ci)) {
		S.wsi = NULL;
		schedule_reconnect("cannot start a connection");
	}
}

/* A whole message has arrived: the preset validates it as it reads it
 * (the scanner checks every object, ws_each_object the arrays around
 * them, jq the generic preset's frames). */
static void handle_frame(const char *text, size_t len)
{
	S.frames++;
	S.ws.preset->on_frame(&S.ws, text, len);
}

/* ---- what the protocol reports (struct wsp_ops) ---- */

static void proto_open(void *arg)
{
	(void)arg;
	S.state = C_OPEN;
	S.opened = S.last_rx = mkt_mono_ns();
	mkt_info(1, "connected to %s:%d", S.host, S.port);
	S.ws.preset->on_open(&S.ws);
	if (S.wsi && S.qn > S.qhead)
		lws_callback_on_writable(S.wsi);
}

static void proto_message(void *arg, const char *p, size_t n)
{
	(void)arg;
	if (S.rx_off)
		return;
	handle_frame(n ? p : "", n);
	if (opt.unbuffered)
		out_flush(0);
}

static void proto_too_long(void *arg)
{
	(void)arg;
	S.frames++;
	ws_bad(&S.ws, "message longer than %lld bytes skipped", opt.max_frame);
}

/* A ping: answered with a pong of the same payload. A server that pings
 * without reading what is sent to it would make the pongs pile up: past
 * TX_MAX waiting bytes the connection is dropped instead. */
static void proto_ping(void *arg, const char *p, size_t n)
{
	(void)arg;
	if (S.sent_close || S.rx_off)
		return;
	if (S.tx.len > TX_MAX) {
		snprintf(S.fail, sizeof(S.fail), "the server does not read our "
		    "pongs; dropping the connection");
		S.rx_off = 1;
		if (S.wsi)
			lws_set_timeout(S.wsi, PENDING_TIMEOUT_CLOSE_SEND,
			    LWS_TO_KILL_ASYNC);
		return;
	}
	send_frame(WSP_PONG, p, n, 0);
}

static const struct wsp_ops proto_ops = {
	.open = proto_open,
	.message = proto_message,
	.too_long = proto_too_long,
	.ping = proto_ping,
};

/* Plaintext from the server. Returns -1 when the connection is to be
 * closed at once (S.fail says why), else 0. */
static int rx_plain(const char *p, size_t n)
{
	if (S.rx_off)
		return 0;
	int r = wsp_feed(&S.proto, p, n);
	if (r == 0)
		return 0;
	if (r == 1) {
		const struct wsp *w = &S.proto;
		if (w->close_code)
			mkt_info(1, "the server closed with code %d%s%s",
			    w->close_code, w->reason[0] ? ": " : "", w->reason);
		else
			mkt_info(1, "the server closed the connection");
		/* an answer to our close ends it now; a close of the
		 * server's own is echoed first */
		int echo = !S.sent_close;
		send_close(w->close_code);
		S.close_after_flush = 1;
		S.rx_off = 1;
		if (!echo && S.tx.len <= LWS_PRE)
			return -1;
		if (S.wsi)
			lws_callback_on_writable(S.wsi);
		return 0;
	}
	if (!S.proto.open) {
		S.fail_status = S.proto.status;
		snprintf(S.fail, sizeof(S.fail), "connection failed: %s",
		    S.proto.err);
		if (S.proto.status)
			snprintf(S.fail + strlen(S.fail), sizeof(S.fail) -
			    strlen(S.fail), " (HTTP %d)", S.proto.status);
		return -1;
	}
	/* the server broke the protocol: say so, close with 1002 */
	snprintf(S.fail, sizeof(S.fail), "%s", S.proto.err);
	send_close(1002);
	S.close_after_flush = 1;
	S.rx_off = 1;
	if (S.wsi)
		lws_callback_on_writable(S.wsi);
	return 0;
}

/* Bytes from the socket: through TLS when there is TLS. -1 to close. */
static int rx_bytes(const char *in, size_t len)
{
	static char plain[256 << 10];
	char e[256];
	if (!S.tls)
		return rx_plain(in, len);
	int r = tlsc_feed(S.tls, in, len, &S.tx, e, sizeof(e));
	if (r == 1) {
		mkt_buf_reset(&S.fr);
		if (wsp_start(&S.proto, &S.fr, S.host, S.port, S.port == 443,
		    S.path) < 0)
			errx(MKT_EXIT_FAIL, "cannot build the upgrade request");
		tx_add(S.fr.p, S.fr.len, 0);
	}
	/* TLS gives a record (16 kB at most) a call: gather them, so that
	 * fewer frames straddle two batches */
	size_t have = 0;
	while (r >= 0) {
		long k = tlsc_read(S.tls, plain + have, sizeof(plain) - have, &S.tx,
		    e, sizeof(e));
		if (k > 0)
			have += (size_t)k;
		else
			r = (int)k;
		if (k <= 0 || sizeof(plain) - have < (16 << 10)) {
			if (have && rx_plain(plain, have) < 0)
				return -1;
			have = 0;
			if (k <= 0)
				break;
		}
	}
	if (S.wsi && S.tx.len > LWS_PRE)
		lws_callback_on_writable(S.wsi);
	if (r < 0 && !S.fail[0])
		snprintf(S.fail, sizeof(S.fail), "%s%s",
		    S.state == C_OPEN ? "" : "connection failed: ", e);
	if (r == -2) {
		/* the certificate was refused: no retry will change that */
		S.fail_fatal = 1;
		snprintf(S.fail + strlen(S.fail), sizeof(S.fail) - strlen(S.fail),
		    " (--cacert FILE trusts a certificate, --insecure skips "
		    "the check)");
	}
	return r < 0 ? -1 : 0;
}

/* The connection ended (or never came up): report, plan the next. */
static void conn_over(void)
{
	S.wsi = NULL;
	queue_drop();
	if (S.tls)
		tlsc_end(S.tls);
	if (S.state == C_OPEN) {
		/* Only a connection that proved healthy starts the backoff
		 * again: one that delivered records, or stayed up at least as
		 * long as the longest delay (so that a venue that accepts,
		 * greets and hangs up is not called again and again at the
		 * shortest delay). */
		if (S.conn_records || mkt_mono_ns() - S.opened >=
		    (int64_t)(opt.backoff_max * 1e9))
			S.attempt = 0;
		if (S.fail[0] && mkt_verbosity >= 0 && !S.finished && !mkt_stop)
			warnx("%s", S.fail);
		schedule_reconnect("connection closed");
		return;
	}
	const char *why = S.fail[0] ? S.fail :
	    "connection failed: closed before the upgrade was answered";
	if (S.fail_fatal) {
		warnx("%s", why);
		stop_fatal();
		S.state = C_IDLE;
		return;
	}
	int st = S.fail_status;
	if (st == 401 || st == 403) {
		warnx("%s: the key was refused", why);
		stop_fatal();
		S.state = C_IDLE;
		return;
	}
	if (st == 429 || st == 406 || st == 503 || st == 418)
		S.busy = 1;
	schedule_reconnect(why);
}

static int callback(struct lws *wsi, enum lws_callback_reasons reason,
    void *user, void *in, size_t len)
{
	(void)user;
	switch (reason) {
	case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
		if (wsi != S.wsi && S.wsi)
			return 0;
		snprintf(S.fail, sizeof(S.fail), "connection failed: %.*s",
		    in ? (int)(len && len < 200 ? len : strnlen(in, 200)) : 7,
		    in ? (const char *)in : "unknown");
		S.fail_status = 0;
		S.state = C_CONNECTING;
		conn_over();
		return 0;
	case LWS_CALLBACK_RAW_CONNECTED: {
		char e[256];
		if (wsi != S.wsi)
			return -1;
		if (S.tls) {
			if (tlsc_start(S.tls, S.host, &S.tx, e, sizeof(e)) < 0) {
				snprintf(S.fail, sizeof(S.fail), "connection failed: %s", e);
				return -1;
			}
		} else {
			mkt_buf_reset(&S.fr);
			if (wsp_start(&S.proto, &S.fr, S.host, S.port, S.port == 80,
			    S.path) < 0)
				errx(MKT_EXIT_FAIL, "cannot build the upgrade request");
			tx_add(S.fr.p, S.fr.len, 0);
		}
		lws_callback_on_writable(wsi);
		return 0;
	}
	case LWS_CALLBACK_RAW_RX:
		if (wsi != S.wsi)
			return -1;
		S.last_rx = mkt_mono_ns();
		return rx_bytes(in, len);
	case LWS_CALLBACK_RAW_WRITEABLE:
		if (wsi != S.wsi)
			return -1;
		while (S.state == C_OPEN && !S.sent_close && S.qhead < S.qn) {
			struct mkt_buf *b = &S.q[S.qhead];
			int secret = S.qsecret[S.qhead];
			if (mkt_verbosity >= 1) {
				if (secret && S.qshown[S.qhead])
					mkt_info(1, "sent %.*s (its ${NAME}s expanded)",
					    (int)strnlen(S.qshown[S.qhead], 300),
					    S.qshown[S.qhead]);
				else if (secret)
					mkt_info(1, "sent the authentication message");
				else
					mkt_info(1, "sent %.*s",
					    (int)(b->len > 300 ? 300 : b->len), b->p);
			}
			send_frame(WSP_TEXT, b->p, b->len, secret);
			/* a message that held a secret does not stay here */
			if (secret)
				mkt_buf_wipe(b);
			S.qhead++;
		}
		if (S.tx.len > LWS_PRE) {
			size_t n = S.tx.len - LWS_PRE;
			if (lws_write(wsi, (unsigned char *)S.tx.p + LWS_PRE, n,
			    LWS_WRITE_RAW) < (int)n)
				return -1;
			tx_reset();
		}
		return S.close_after_flush ? -1 : 0;
	case LWS_CALLBACK_RAW_CLOSE:
		if (wsi == S.wsi)
			conn_over();
		return 0;
	default:
		return 0;
	}
}

static void print_stats(void)
{
	warnx("%llu frames, %llu records, %llu reconnects, %llu malformed, "
	    "%llu duplicates dropped",
	    (unsigned long long)S.frames, (unsigned long long)S.records,
	    (unsigned long long)S.reconnects, (unsigned long long)S.bad,
	    (unsigned long long)S.dups);
}

/* Every 100 ms: stall detection, reconnects that are due, --duration,
 * periodic stats with -v. */
static void tick(lws_sorted_usec_list_t *sul)
{
	int64_t now = mkt_mono_ns();
	if (S.deadline && now >= S.deadline)
		S.finished = 1;
	if (S.finished || mkt_stop) {
		if (S.wsi && !S.closing) {
			S.closing = 1;
			lws_set_timeout(S.wsi, PENDING_TIMEOUT_CLOSE_SEND, 1);
			/* a close frame, then the server's answer (or the
			 * timeout) ends the connection */
			if (S.state == C_OPEN)
				send_close(1000);
			else
				S.close_after_flush = 1;
			lws_callback_on_writable(S.wsi);
		}
	} else if (S.state == C_CONNECTING && S.wsi &&
	    now - S.conn_at > HANDSHAKE_NS) {
		snprintf(S.fail, sizeof(S.fail), "connection failed: no answer "
		    "to the upgrade in %d s", (int)(HANDSHAKE_NS / 1000000000));
		S.conn_at = now;
		lws_set_timeout(S.wsi, PENDING_TIMEOUT_CLOSE_SEND, LWS_TO_KILL_ASYNC);
	} else if (S.state == C_OPEN && opt.stall > 0 && S.wsi &&
	    now - S.last_rx > (int64_t)(opt.stall * 1e9)) {
		warnx("no frame for %.1fs; dropping the connection", opt.stall);
		S.last_rx = now;
		lws_set_timeout(S.wsi, PENDING_TIMEOUT_CLOSE_SEND, LWS_TO_KILL_ASYNC);
	} else if (S.state == C_IDLE && now >= S.next_connect) {
		connect_now();
	}
	if (mkt_verbosity >= 1 && now - S.last_stats > 10000000000LL) {
		S.last_stats = now;
		print_stats();
	}
	lws_sul_schedule(ctx, 0, sul, tick, 100 * LWS_US_PER_MS);
}

/* lws's own log lines, at -vv, with any token in a query string hidden. */
static void lws_emit(int level, const char *line)
{
	(void)level;
	char t[1024];
	size_t n = 0;
	for (const char *p = line; *p && n < sizeof(t) - 1; p++) {
		t[n++] = *p;
		if ((*p == '=') && n >= 6 && !strncmp(t + n - 6, "token=", 6)) {
			for (const char *r = "***"; *r && n < sizeof(t) - 1; r++)
				t[n++] = *r;
			while (p[1] && p[1] != '&' && p[1] != ' ' && p[1] != '\n')
				p++;
		}
	}
	while (n && t[n - 1] == '\n')
		n--;
	t[n] = '\0';
	warnx("lws: %s", t);
}

/* Whether the socket has bytes waiting, so that the loop will be back at
 * once: output is then kept for one more round, and handed over when the
 * input pauses (or the buffer is full), not after every read. */
static int more_input(void)
{
	if (!S.wsi || S.state != C_OPEN)
		return 0;
	struct pollfd p = { .fd = lws_get_socket_fd(S.wsi), .events = POLLIN };
	return p.fd >= 0 && poll(&p, 1, 0) == 1 && (p.revents & POLLIN);
}

/* ---- main ---- */

static const struct ws_preset *const presets[] = {
	&ws_preset_massive, &ws_preset_binance, &ws_preset_coinbase,
	&ws_preset_finnhub, &ws_preset_alpaca, &ws_preset_kraken,
	&ws_preset_generic,
};

/* Split a comma list into a NULL-free array (empty items dropped). */
static char **split(const char *s, size_t *n)
{
	char *c = strdup(s);
	size_t cap = 1;
	for (const char *p = s; *p; p++)
		cap += *p == ',';
	char **v = calloc(cap, sizeof(*v));
	if (!c || !v)
		err(MKT_EXIT_FAIL, NULL);
	*n = 0;
	for (char *tok = strtok(c, ","); tok; tok = strtok(NULL, ","))
		v[(*n)++] = tok;
	return v;
}

static double secs_opt(const char *name, const char *s, double min)
{
	double v;
	if (mkt_parse_double(s, min, 1e9, &v) < 0) {
		warnx("--%s: \"%s\" is not a number of seconds >= %g", name, s, min);
		usage(stderr);
		exit(MKT_EXIT_USAGE);
	}
	return v;
}

static long long num_opt(const char *name, const char *s, long long min,
    long long max)
{
	long long v;
	if (mkt_parse_long(s, min, max, &v) < 0) {
		warnx("--%s: \"%s\" is not a whole number in [%lld, %lld]", name,
		    s, min, max);
		usage(stderr);
		exit(MKT_EXIT_USAGE);
	}
	return v;
}

enum {
	OPT_URL = 256, OPT_MARKET, OPT_SEND, OPT_MAP, OPT_RAW, OPT_ALLBARS,
	OPT_STALL, OPT_BMIN, OPT_BMAX, OPT_DEDUP, OPT_CACERT, OPT_INSECURE,
	OPT_MAXFRAME, OPT_STRICT,
};

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "preset", required_argument, NULL, 'p' },
		{ "symbols", required_argument, NULL, 's' },
		{ "channels", required_argument, NULL, 'c' },
		{ "url", required_argument, NULL, OPT_URL },
		{ "market", required_argument, NULL, OPT_MARKET },
		{ "send", required_argument, NULL, OPT_SEND },
		{ "map", required_argument, NULL, OPT_MAP },
		{ "raw", no_argument, NULL, OPT_RAW },
		{ "all-bars", no_argument, NULL, OPT_ALLBARS },
		{ "count", required_argument, NULL, 'n' },
		{ "duration", required_argument, NULL, 'd' },
		{ "stall", required_argument, NULL, OPT_STALL },
		{ "backoff-min", required_argument, NULL, OPT_BMIN },
		{ "backoff-max", required_argument, NULL, OPT_BMAX },
		{ "dedup", required_argument, NULL, OPT_DEDUP },
		{ "cacert", required_argument, NULL, OPT_CACERT },
		{ "insecure", no_argument, NULL, OPT_INSECURE },
		{ "max-frame", required_argument, NULL, OPT_MAXFRAME },
		{ "strict", no_argument, NULL, OPT_STRICT },
		{ "unbuffered", no_argument, NULL, 'u' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct ws *ws = &S.ws;
	char e[256];
	int c;
	/* the buffers a key passes through grow leaving no copy behind */
	ws->tmp2.wipe = 1;
	S.fr.wipe = 1;
	while ((c = getopt_long(argc, argv, "p:s:c:n:d:uqvhV", longopts,
	    NULL)) != -1) {
		switch (c) {
		case 'p': opt.preset = optarg; break;
		case 's': opt.symbols = optarg; break;
		case 'c': opt.channels = optarg; break;
		case OPT_URL: opt.url = optarg; break;
		case OPT_MARKET: opt.market = optarg; break;
		case OPT_SEND: {
			char **t = realloc(ws->sends, (ws->nsends + 1) * sizeof(*t));
			if (!t)
				err(MKT_EXIT_FAIL, NULL);
			ws->sends = t;
			ws->sends[ws->nsends++] = optarg;
			break;
		}
		case OPT_MAP: opt.map = optarg; break;
		case OPT_RAW: opt.raw = 1; break;
		case OPT_ALLBARS: opt.all_bars = 1; break;
		case 'n': opt.count = num_opt("count", optarg, 1, LLONG_MAX); break;
		case 'd':
			if (mkt_duration_parse(optarg, &opt.duration_ns, e,
			    sizeof(e)) < 0 || opt.duration_ns == 0) {
				warnx("--duration: %s", opt.duration_ns == 0 &&
				    !e[0] ? "must be more than 0" : e);
				usage(stderr);
				return MKT_EXIT_USAGE;
			}
			break;
		case OPT_STALL: opt.stall = secs_opt("stall", optarg, 0); break;
		case OPT_BMIN: opt.backoff_min = secs_opt("backoff-min", optarg, 0.001); break;
		case OPT_BMAX: opt.backoff_max = secs_opt("backoff-max", optarg, 0.001); break;
		case OPT_DEDUP: opt.dedup = num_opt("dedup", optarg, 0, 1 << 20); break;
		case OPT_CACERT: opt.cacert = optarg; break;
		case OPT_INSECURE: opt.insecure = 1; break;
		case OPT_MAXFRAME:
			opt.max_frame = num_opt("max-frame", optarg, 64, 1 << 30);
			break;
		case OPT_STRICT: opt.strict = 1; break;
		case 'u': opt.unbuffered = 1; break;
		case 'q': mkt_verbosity = -1; break;
		case 'v': if (mkt_verbosity >= 0) mkt_verbosity++; break;
		case 'h': usage(stdout); return MKT_EXIT_OK;
		case 'V':
			snprintf(e, sizeof(e), "libwebsockets %s, %s",
			    lws_get_library_version(),
			    OpenSSL_version(OPENSSL_VERSION));
			mkt_print_version(e);
			return MKT_EXIT_OK;
		default: usage(stderr); return MKT_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		warnx("unexpected argument \"%s\"", argv[optind]);
		usage(stderr);
		return MKT_EXIT_USAGE;
	}
	e[0] = '\0';
	if (!opt.preset && !opt.url)
		snprintf(e, sizeof(e), "give --preset NAME, or --url URL");
	if (!opt.preset)
		opt.preset = "generic";
	for (size_t i = 0; i < sizeof(presets) / sizeof(presets[0]); i++)
		if (!strcmp(presets[i]->name, opt.preset))
			ws->preset = presets[i];
	if (!e[0] && !ws->preset)
		snprintf(e, sizeof(e), "unknown preset \"%s\"", opt.preset);
	else if (!e[0] && ws->preset->needs_symbols && !opt.symbols)
		snprintf(e, sizeof(e), "--preset %s needs --symbols", opt.preset);
	else if (!e[0] && ws->preset == &ws_preset_generic && !opt.url)
		snprintf(e, sizeof(e), "--preset generic needs --url");
	else if (!e[0] && ws->preset != &ws_preset_generic &&
	    (opt.map || ws->nsends))
		snprintf(e, sizeof(e), "--send and --map go with --url alone "
		    "(or --preset generic)");
	else if (!e[0] && opt.backoff_max < opt.backoff_min)
		snprintf(e, sizeof(e), "--backoff-max is less than --backoff-min");
	if (e[0]) {
		warnx("%s", e);
		usage(stderr);
		return MKT_EXIT_USAGE;
	}
	if (opt.symbols)
		ws->symbols = split(opt.symbols, &ws->nsymbols);
	if (opt.symbols && ws->nsymbols == 0) {
		warnx("--symbols: no symbol given");
		usage(stderr);
		return MKT_EXIT_USAGE;
	}
	const char *chan = opt.channels ? opt.channels : ws->preset->default_channels;
	if (chan)
		ws->channels = split(chan, &ws->nchannels);
	ws->market = opt.market;
	ws->raw = opt.raw;
	ws->closed_bars_only = !opt.all_bars;
	if (ws->preset == &ws_preset_generic) {
		ws->map = mkt_jq_compile(opt.map ? opt.map :
		    "if type == \"array\" then .[] else . end", e, sizeof(e));
		if (!ws->map) {
			warnx("--map: %s", e);
			usage(stderr);
			return MKT_EXIT_USAGE;
		}
	}
	for (size_t i = 0; i < ws->nsends; i++) {
		/* every ${NAME} of --send must be set before connecting */
		struct mkt_buf t = MKT_BUF_INIT;
		t.wipe = 1;
		int nvars, r = ws_expand(&t, ws->sends[i], &nvars, e, sizeof(e));
		mkt_buf_free(&t);
		if (r == -1) {
			warnx("--send: %s", e);
			usage(stderr);
			return MKT_EXIT_USAGE;
		}
		if (r < 0)
			errx(MKT_EXIT_FAIL, "--send: %s", e);
	}
	if (opt.cacert && access(opt.cacert, R_OK) < 0)
		err(MKT_EXIT_FAIL, "%s", opt.cacert);
	mkt_buf_adds(&S.tail, ",\"venue\":");
	mkt_json_str(&S.tail, ws->preset->name, strlen(ws->preset->name));
	mkt_buf_add(&S.tail, "}\n", 2);
	S.proto.ops = &proto_ops;
	S.proto.max_msg = (size_t)opt.max_frame;

	const char *base = opt.url ? opt.url : ws->preset->default_url;
	if (ws->preset->build_url) {
		if (ws->preset->build_url(ws, base, &S.url, e, sizeof(e)) < 0)
			errx(MKT_EXIT_FAIL, "%s", e);
	} else {
		mkt_buf_adds(&S.url, base);
	}
	if (S.url.oom)
		errx(MKT_EXIT_FAIL, "out of memory");
	if (parse_url(S.url.p, e, sizeof(e)) < 0) {
		warnx("--url: %s", e);
		usage(stderr);
		return MKT_EXIT_USAGE;
	}

	if (S.tls_wanted && !(S.tls = tlsc_new(opt.cacert, opt.insecure, e,
	    sizeof(e))))
		errx(MKT_EXIT_FAIL, "%s", e);

	mkt_signals_init();
	S.rng = (uint64_t)mkt_mono_ns() ^ ((uint64_t)getpid() << 32) ^
	    0x9e3779b97f4a7c15ULL;
	if (!S.rng)
		S.rng = 1;
	if (mkt_buf_reserve(&out.cur, MKT_WRITE_BUF_DEFAULT) < 0 ||
	    mkt_buf_reserve(&out.busy, MKT_WRITE_BUF_DEFAULT) < 0)
		errx(MKT_EXIT_FAIL, "out of memory");
	{
		/* the writer thread takes no signals: the loop handles them */
		sigset_t all, old;
		sigfillset(&all);
		pthread_sigmask(SIG_BLOCK, &all, &old);
		if (pthread_create(&out.th, NULL, writer_main, NULL))
			errx(MKT_EXIT_FAIL, "cannot start the writer thread");
		pthread_sigmask(SIG_SETMASK, &old, NULL);
	}

	lws_set_log_level(mkt_verbosity >= 2 ? LLL_ERR | LLL_WARN : 0, lws_emit);
	static struct lws_protocols protocols[] = {
		{ "mkt-ws", callback, 0, 65536, 0, NULL, 0 },
		{ NULL, NULL, 0, 0, 0, NULL, 0 },
	};
	struct lws_context_creation_info info;
	memset(&info, 0, sizeof(info));
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.protocols = protocols;
	info.gid = -1;
	info.uid = -1;
	info.timeout_secs = 15;
	info.connect_timeout_secs = 15;
	/* raw reads of up to this much at a time */
	info.pt_serv_buf_size = 256 << 10;
	if (!(ctx = lws_create_context(&info)))
		errx(MKT_EXIT_FAIL, "cannot create the WebSocket context");

	int64_t t0 = mkt_mono_ns();
	S.last_stats = t0;
	if (opt.duration_ns)
		S.deadline = t0 + opt.duration_ns;
	S.state = C_IDLE;
	S.next_connect = t0;
	lws_sul_schedule(ctx, 0, &S.tick, tick, 1);

	int io_failed = 0;
	int64_t stop_at = 0;
	for (;;) {
		if ((S.finished || mkt_stop) && !stop_at) {
			stop_at = mkt_mono_ns() + 2000000000LL;
			tick(&S.tick);
		}
		if (stop_at && (!S.wsi || mkt_mono_ns() > stop_at))
			break;
		if (lws_service(ctx, 0) < 0)
			break;
		if (out.cur.len >= MKT_WRITE_BUF_DEFAULT || !more_input())
			out_flush(0);
		if (out.err) {
			if (out.err != EPIPE) {
				errno = out.err;
				warn("stdout");
				io_failed = 1;
			}
			S.finished = 1;
		}
	}
	{
		/* the writer wakes the loop through ctx under out.mu: take
		 * it away there before it goes */
		pthread_mutex_lock(&out.mu);
		struct lws_context *dead = ctx;
		ctx = NULL;
		pthread_mutex_unlock(&out.mu);
		lws_context_destroy(dead);
	}
	/* what is left of a key in our buffers: messages never sent, a frame
	 * never written */
	queue_drop();
	if (S.tx.wipe)
		mkt_buf_wipe(&S.tx);
	int werr = out_finish();
	if (werr && werr != EPIPE && !io_failed) {
		errno = werr;
		warn("stdout");
		io_failed = 1;
	}
	if (mkt_verbosity >= 0)
		print_stats();
	mkt_rec_summary();
	if (ws->map)
		mkt_jq_free(ws->map);
	tlsc_free(S.tls);
	wsp_free(&S.proto);
	if (S.fatal || io_failed || S.bad)
		return MKT_EXIT_FAIL;
	return MKT_EXIT_OK;
}
