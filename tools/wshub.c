/* SPDX-License-Identifier: MIT */
/* wshub.c -- broadcast NDJSON records to WebSocket clients by channel
 *
 * Records come from stdin, or from several named inputs (--in NAME=FILE,
 * e.g. FIFOs), one reader thread each. Every record is put on a channel:
 * the value of --channel FIELD when given, else the name of its input.
 * The hub sends each record, as one text frame holding the line as read,
 * to every WebSocket client subscribed to that channel or to "*", keeps the
 * last --history records of each channel for new subscribers and for the
 * read API (/api/latest, /api/history), answers /health, and serves a
 * directory of static files (the dashboard) on the same port.
 *
 * Nothing is written to stdout. Each client has a bounded send queue; a
 * client that falls --queue messages (or --queue-bytes) behind is dropped
 * and counted, never buffered without limit. Frames go out as soon as the
 * client's socket is writable. EOF on the inputs leaves the hub serving
 * unless -e is given; SIGINT/SIGTERM close the clients (1001) and exit 0. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <err.h>

#include <libwebsockets.h>

#include "buf.h"
#include "cli.h"
#include "io.h"
#include "json.h"
#include "map.h"
#include "timeutil.h"

#define CHANNEL_NAME_MAX 256   /* bytes of a channel name a client may ask for */
#define CLIENT_SUBS_MAX 64     /* subscriptions per client */
#define PENDING_MAX (8u << 20) /* input bytes waiting for the event loop */
#define HTTP_CHUNK 16384
#define KEEPALIVE_S 5          /* an idle keep-alive connection is closed after */
#define REQUEST_S 10           /* a request's headers (or its answer) must come within */

static const char usage_text[] =
"usage: wshub [-equvV] [-p port] [-b addr] [-s dir] [-c field] [-n history]\n"
"             [-i name=file]... [-Q messages] [--queue-bytes bytes]\n"
"             [-m max-clients] [-o origin]... [--max-channels n]\n"
"             [--max-message bytes] [--max-line bytes] [--strict]\n";

static void usage(FILE *f)
{
	fputs(usage_text, f);
	if (f == stdout)
		fputs(
"  -p, --port P           listen on port P (default 8080; 0: any free port)\n"
"  -b, --bind ADDR        listen address (default 127.0.0.1)\n"
"  -s, --static DIR       serve the files under DIR (default: the dashboard)\n"
"  -c, --channel FIELD    channel = value of FIELD (default: input name)\n"
"  -n, --history N        records kept per channel (default 100)\n"
"  -i, --in NAME=FILE     read FILE as input NAME (repeatable; - is stdin)\n"
"  -Q, --queue N          drop a client N messages behind (default 4096)\n"
"      --queue-bytes B    ... or B bytes behind (default 16777216)\n"
"  -m, --max-clients N    WebSocket clients at most (default 10000)\n"
"  -o, --origin ORIGIN    allow this Origin on upgrades (repeatable)\n"
"      --max-channels N   channels with records at most (default 10000)\n"
"      --max-message B    largest client message (default 4096)\n"
"      --max-line B       longest input line (default 1048576)\n"
"  -e, --exit-at-eof      exit once all inputs ended and queues are sent\n"
"      --strict           a bad input line is fatal\n"
"  -q, --quiet / -v, --verbose / -u, --unbuffered (no effect) / -V, --version\n",
		    f);
}

/* ------------------------------------------------------------------ */
/* settings */

struct input {
	char *name;
	const char *path;    /* NULL: stdin */
	int fd;
	pthread_t th;
	int open;            /* not yet at EOF (main thread's view) */
};

static struct settings {
	int port;
	const char *bind;
	const char *static_dir;
	const char *channel_field;
	long long history;
	long long queue;
	long long queue_bytes;
	long long max_clients;
	long long max_channels;
	long long max_message;
	long long max_line;
	const char **origins;
	size_t norigins;
	int exit_at_eof;
	int strict;
} opt = {
	.port = 8080,
	.bind = "127.0.0.1",
	.static_dir = NULL,
	.channel_field = NULL,
	.history = 100,
	.queue = 4096,
	.queue_bytes = 16 << 20,
	.max_clients = 10000,
	.max_channels = 10000,
	.max_message = 4096,
	.max_line = MKT_LINE_MAX_DEFAULT,
	.origins = NULL,
	.norigins = 0,
	.exit_at_eof = 0,
	.strict = 0,
};

/* ------------------------------------------------------------------ */
/* messages: one refcounted block per record, shared by every queue and
 * history ring that holds it, recycled through size-class free lists so
 * the steady state allocates nothing. */

struct msg {
	struct msg *next_free;
	uint32_t refs;
	uint32_t len;
	uint8_t cls;
	unsigned char data[]; /* LWS_PRE bytes, then len bytes of text */
};

#define MSG_CLASSES 40
static struct msg *msg_free[MSG_CLASSES];

/* A message of len bytes (contents unset), with one reference. NULL when
 * out of memory. */
static struct msg *msg_new(size_t len)
{
	size_t need = sizeof(struct msg) + LWS_PRE + len;
	unsigned cls = 8;
	while (((size_t)1 << cls) < need)
		cls++;
	if (cls >= MSG_CLASSES)
		return NULL;
	struct msg *m = msg_free[cls];
	if (m)
		msg_free[cls] = m->next_free;
	else if (!(m = malloc((size_t)1 << cls)))
		return NULL;
	m->next_free = NULL;
	m->refs = 1;
	m->len = (uint32_t)len;
	m->cls = (uint8_t)cls;
	return m;
}

static inline void msg_ref(struct msg *m) { m->refs++; }

static void msg_unref(struct msg *m)
{
	if (m && --m->refs == 0) {
		m->next_free = msg_free[m->cls];
		msg_free[m->cls] = m;
	}
}

static inline char *msg_text(struct msg *m) { return (char *)m->data + LWS_PRE; }

/* ------------------------------------------------------------------ */
/* channels, clients, subscriptions */

struct client;

struct sub {
	struct client *c;
	struct channel *ch;
	lws_dll2_t in_ch;          /* on the channel's list of subscribers */
	struct sub *cnext;         /* in the client's list */
};

struct channel {
	char *name;
	size_t nlen;
	struct msg **hist;         /* ring of opt.history */
	size_t hhead, hn;          /* oldest at hhead */
	struct msg *latest;
	uint64_t records;
	lws_dll2_owner_t subs;     /* struct sub, by in_ch */
	lws_dll2_t lru;            /* on the eviction list */
};

/* Per-connection data, for HTTP requests and WebSocket clients alike. */
struct client {
	struct lws *wsi;
	int is_ws;
	/* WebSocket */
	lws_dll2_t node;           /* on the hub's list of clients */
	struct msg **q;            /* ring of queued messages */
	size_t qcap, qhead, qn, qbytes;
	struct sub *subs;
	size_t nsubs;
	int all;                   /* subscribed to "*" */
	int dropped, closing;
	struct mkt_buf rx;         /* a client message being assembled */
	int rx_over;
	/* HTTP */
	struct mkt_buf body;
	size_t body_off;
	lws_dll2_t idle;           /* on the keep-alive idle list */
	int64_t idle_until;
};

static struct hub {
	struct lws_context *ctx;
	struct mkt_map channels;
	struct channel *star;
	lws_dll2_owner_t clients;  /* WebSocket clients, by node */
	size_t nchannels;          /* channels with records, "*" aside */
	lws_dll2_owner_t lru;      /* eviction candidates, oldest first */
	uint64_t records, drops, queued, rejected, evicted;
	struct input *inputs;
	size_t ninputs, inputs_open;
	int fatal;
	int io_failed;
	char static_real[PATH_MAX];
	int have_static;
	int64_t started_ns;
	struct mkt_jobj jo;
	struct mkt_buf tmp;
	struct mkt_buf reply;      /* the HTTP reply being built */
	lws_sorted_usec_list_t tick;
	lws_dll2_owner_t idle;     /* idle keep-alive connections, oldest first */
	int rebound;               /* lws dropped a connection's protocol */
	/* input hand-over between the reader threads and the event loop */
	pthread_mutex_t lock;
	pthread_cond_t drained;
	struct mkt_buf pending, work;
	int ctx_dead;
} hub = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.drained = PTHREAD_COND_INITIALIZER,
};

/* The channel named name, created when create is set; NULL when absent
 * (or out of memory). */
static struct channel *channel_get(const char *name, size_t nlen, int create)
{
	void **slot;
	int isnew = 0;
	if (!create) {
		slot = mkt_map_get(&hub.channels, name, nlen);
		return slot ? *slot : NULL;
	}
	if (!(slot = mkt_map_put(&hub.channels, name, nlen, &isnew)))
		return NULL;
	if (!isnew)
		return *slot;
	struct channel *ch = calloc(1, sizeof(*ch));
	if (ch && opt.history > 0)
		ch->hist = calloc((size_t)opt.history, sizeof(*ch->hist));
	if (ch)
		ch->name = strndup(name, nlen);
	if (!ch || (opt.history > 0 && !ch->hist) || !ch->name) {
		if (ch) {
			free(ch->hist);
			free(ch->name);
		}
		free(ch);
		mkt_map_del(&hub.channels, name, nlen);
		return NULL;
	}
	ch->nlen = nlen;
	*slot = ch;
	return ch;
}

static void channel_free(struct channel *ch)
{
	for (size_t i = 0; i < ch->hn; i++)
		msg_unref(ch->hist[(ch->hhead + i) % (size_t)opt.history]);
	msg_unref(ch->latest);
	mkt_map_del(&hub.channels, ch->name, ch->nlen);
	free(ch->hist);
	free(ch->name);
	free(ch);
}

/* Forget a channel that has neither records nor subscribers (one that
 * clients asked for and left), so that subscriptions cannot grow the hub. */
static void channel_gc(struct channel *ch)
{
	if (ch->records || ch->subs.count || ch == hub.star)
		return;
	channel_free(ch);
}

/* The eviction list (hub.lru): the channels that have records and no
 * subscriber, in the order of their last record (or of their last
 * subscriber leaving), oldest first. Every change is O(1); removing a
 * channel that is not on it does nothing. */
static void lru_append(struct channel *ch)
{
	lws_dll2_remove(&ch->lru);
	lws_dll2_add_tail(&ch->lru, &hub.lru);
}

/* Forget channels from the head of the eviction list while more than
 * --max-channels have records. A channel with subscribers is never
 * forgotten, so the hub may hold more while clients watch them (at most
 * --max-clients times CLIENT_SUBS_MAX). */
static void channels_trim(void)
{
	struct lws_dll2 *d;
	while (hub.nchannels > (size_t)opt.max_channels &&
	    (d = lws_dll2_get_head(&hub.lru))) {
		struct channel *ch = lws_container_of(d, struct channel, lru);
		mkt_info(2, "channel \"%s\" forgotten (%zu channels)", ch->name,
		    hub.nchannels);
		lws_dll2_remove(&ch->lru);
		hub.nchannels--;
		hub.evicted++;
		channel_free(ch);
	}
}

/* ch lost a subscriber. With none left, a channel without records is
 * forgotten, and one with records becomes the newest eviction candidate. */
static void channel_left(struct channel *ch)
{
	if (ch->subs.count || ch == hub.star)
		return;
	if (!ch->records) {
		channel_gc(ch);
		return;
	}
	lru_append(ch);
	channels_trim();
}

/* Append m to ch's history and make it the latest record. */
static void channel_keep(struct channel *ch, struct msg *m)
{
	msg_ref(m);
	msg_unref(ch->latest);
	ch->latest = m;
	if (ch->records++ == 0 && ch != hub.star)
		hub.nchannels++;
	if (!ch->subs.count && ch != hub.star)
		lru_append(ch);
	if (!opt.history)
		return;
	size_t cap = (size_t)opt.history;
	msg_ref(m);
	if (ch->hn == cap) {
		msg_unref(ch->hist[ch->hhead]);
		ch->hist[ch->hhead] = m;
		ch->hhead = (ch->hhead + 1) % cap;
	} else {
		ch->hist[(ch->hhead + ch->hn) % cap] = m;
		ch->hn++;
	}
}

static struct msg *channel_hist(const struct channel *ch, size_t i)
{
	return ch->hist[(ch->hhead + i) % (size_t)opt.history];
}

/* Release every queued message and subscription of c. */
static void client_release(struct client *c)
{
	while (c->qn) {
		msg_unref(c->q[c->qhead]);
		c->qhead = (c->qhead + 1) % c->qcap;
		c->qn--;
		hub.queued--;
	}
	c->qbytes = 0;
	free(c->q);
	c->q = NULL;
	c->qcap = 0;
	struct sub *s, *next;
	for (s = c->subs; s; s = next) {
		next = s->cnext;
		lws_dll2_remove(&s->in_ch);
		channel_left(s->ch);
		free(s);
	}
	c->subs = NULL;
	c->nsubs = 0;
	mkt_buf_free(&c->rx);
}

/* Drop a client that fell behind: free what it holds, count it, and have
 * lws close its socket without waiting for it. */
static void client_drop(struct client *c, const char *why)
{
	char peer[64] = "?";
	lws_get_peer_simple(c->wsi, peer, sizeof(peer));
	mkt_info(1, "dropped client %s: %s (%zu messages, %zu bytes queued)",
	    peer, why, c->qn, c->qbytes);
	c->dropped = 1;
	hub.drops++;
	client_release(c);
	lws_set_timeout(c->wsi, PENDING_TIMEOUT_CLOSE_SEND, LWS_TO_KILL_ASYNC);
}

/* Queue m for c (a new reference). Drops c when its queue is over the
 * limits. */
static void client_send(struct client *c, struct msg *m)
{
	if (c->dropped || c->closing)
		return;
	if (c->qn >= (size_t)opt.queue ||
	    c->qbytes + m->len > (size_t)opt.queue_bytes) {
		client_drop(c, "send queue full");
		return;
	}
	if (c->qn == c->qcap) {
		size_t ncap = c->qcap ? c->qcap * 2 : 16;
		if (ncap > (size_t)opt.queue)
			ncap = (size_t)opt.queue;
		struct msg **nq = malloc(ncap * sizeof(*nq));
		if (!nq) {
			client_drop(c, "out of memory");
			return;
		}
		for (size_t i = 0; i < c->qn; i++)
			nq[i] = c->q[(c->qhead + i) % c->qcap];
		free(c->q);
		c->q = nq;
		c->qcap = ncap;
		c->qhead = 0;
	}
	msg_ref(m);
	c->q[(c->qhead + c->qn) % c->qcap] = m;
	c->qn++;
	c->qbytes += m->len;
	hub.queued++;
	if (c->qn == 1)
		lws_callback_on_writable(c->wsi);
}

/* Send m to the subscribers of ch, but those also subscribed to "*" when
 * skip_all is set. */
static void send_subs(struct channel *ch, struct msg *m, int skip_all)
{
	struct lws_dll2 *d, *next;
	for (d = lws_dll2_get_head(&ch->subs); d; d = next) {
		next = d->next; /* client_send may drop the client and unlink d */
		struct sub *s = lws_container_of(d, struct sub, in_ch);
		if (!skip_all || !s->c->all)
			client_send(s->c, m);
	}
}

/* Send m (a record of channel ch) to ch's subscribers and to "*". */
static void broadcast(struct channel *ch, struct msg *m)
{
	if (ch != hub.star)
		send_subs(ch, m, 1);
	send_subs(hub.star, m, 0);
}

/* A control message to one client: {"type":"error","error":"..."}, or
 * {"type":"pong"} when text is NULL. */
static void client_error(struct client *c, const char *text)
{
	struct mkt_buf *b = &hub.tmp;
	mkt_buf_reset(b);
	if (text) {
		mkt_buf_adds(b, "{\"type\":\"error\",\"error\":");
		mkt_json_str(b, text, strlen(text));
		mkt_buf_addc(b, '}');
	} else {
		mkt_buf_adds(b, "{\"type\":\"pong\"}");
	}
	if (b->oom)
		return;
	struct msg *m = msg_new(b->len);
	if (!m)
		return;
	memcpy(msg_text(m), b->p, b->len);
	client_send(c, m);
	msg_unref(m);
}

/* Subscribe c to the channel name[0..nlen): "*" is every channel. New
 * subscribers are sent the channel's history first, oldest first. A second
 * subscription to the same channel is ignored. Returns 0, or -1 with an
 * error already sent to the client. */
static int client_subscribe(struct client *c, const char *name, size_t nlen)
{
	if (nlen == 0 || nlen > CHANNEL_NAME_MAX) {
		client_error(c, "bad channel name");
		return -1;
	}
	struct channel *ch = channel_get(name, nlen, 1);
	if (!ch) {
		client_error(c, "out of memory");
		return -1;
	}
	for (struct sub *s = c->subs; s; s = s->cnext)
		if (s->ch == ch)
			return 0;
	struct sub *s = c->nsubs < CLIENT_SUBS_MAX ? calloc(1, sizeof(*s)) : NULL;
	if (!s) {
		channel_gc(ch);
		client_error(c, c->nsubs < CLIENT_SUBS_MAX ? "out of memory"
		    : "too many subscriptions");
		return -1;
	}
	s->c = c;
	s->ch = ch;
	lws_dll2_add_head(&s->in_ch, &ch->subs);
	lws_dll2_remove(&ch->lru);
	s->cnext = c->subs;
	c->subs = s;
	c->nsubs++;
	if (ch == hub.star)
		c->all = 1;
	else if (c->all)
		return 0; /* "*" already brings this channel */
	for (size_t i = 0; i < ch->hn && !c->dropped; i++)
		client_send(c, channel_hist(ch, i));
	return 0;
}

static void client_unsubscribe(struct client *c, const char *name, size_t nlen)
{
	struct sub **pp, *s;
	for (pp = &c->subs; (s = *pp); pp = &s->cnext) {
		if (s->ch->nlen != nlen || memcmp(s->ch->name, name, nlen))
			continue;
		*pp = s->cnext;
		lws_dll2_remove(&s->in_ch);
		if (s->ch == hub.star)
			c->all = 0;
		c->nsubs--;
		channel_left(s->ch);
		free(s);
		return;
	}
}

/* Call fn for each string element of the JSON array text a[0..len)
 * (already validated). Returns 0, or -1 if an element is not a string. */
static int each_string(const char *a, size_t len,
    int (*fn)(struct client *, const char *, size_t), struct client *c)
{
	size_t i = 1;
	struct mkt_buf dec = MKT_BUF_INIT;
	int rc = 0;
	for (;;) {
		while (i < len && strchr(" \t\r\n,", a[i]))
			i++;
		if (i >= len || a[i] == ']')
			break;
		if (a[i] != '"') {
			rc = -1;
			break;
		}
		size_t j = ++i;
		while (j < len && a[j] != '"')
			j += a[j] == '\\' ? 2 : 1;
		mkt_buf_reset(&dec);
		if (mkt_json_unescape(a + i, j - i, &dec) < 0 || dec.oom) {
			rc = -1;
			break;
		}
		fn(c, dec.p ? dec.p : "", dec.len);
		i = j + 1;
	}
	mkt_buf_free(&dec);
	return rc;
}

static int sub_fn(struct client *c, const char *s, size_t n)
{
	return client_subscribe(c, s, n);
}

static int unsub_fn(struct client *c, const char *s, size_t n)
{
	client_unsubscribe(c, s, n);
	return 0;
}

/* Handle one message from a client: {"type":"subscribe"|"unsubscribe",
 * "channel":"X"} or with "channels":["X","Y"]. Anything else is answered
 * with an error message. */
static void client_message(struct client *c, const char *s, size_t len)
{
	char e[128];
	struct mkt_jobj *o = &hub.jo;
	const struct mkt_jfield *t, *ch, *chs;
	const char *tv, *cv;
	size_t tl, cl;
	int sub;

	if (mkt_json_scan(o, s, len, e, sizeof(e)) < 0) {
		client_error(c, "message is not a JSON object");
		return;
	}
	t = mkt_jobj_gets(o, "type");
	if (!t || mkt_jfield_string(t, &hub.tmp, &tv, &tl) < 0) {
		client_error(c, "message has no \"type\"");
		return;
	}
	if (tl == 9 && !memcmp(tv, "subscribe", 9))
		sub = 1;
	else if (tl == 11 && !memcmp(tv, "unsubscribe", 11))
		sub = 0;
	else if (tl == 4 && !memcmp(tv, "ping", 4)) {
		client_error(c, NULL);
		return;
	} else {
		client_error(c, "unknown message type");
		return;
	}
	ch = mkt_jobj_gets(o, "channel");
	chs = mkt_jobj_gets(o, "channels");
	if (!ch && !chs) {
		client_error(c, "message has no \"channel\"");
		return;
	}
	if (ch) {
		struct mkt_buf cb = MKT_BUF_INIT;
		if (ch->type != MKT_JSTR || mkt_jfield_string(ch, &cb, &cv, &cl) < 0)
			client_error(c, "\"channel\" is not a string");
		else if (sub)
			client_subscribe(c, cv, cl);
		else
			client_unsubscribe(c, cv, cl);
		mkt_buf_free(&cb);
	}
	if (chs) {
		if (chs->type != MKT_JARR ||
		    each_string(chs->val, chs->vlen, sub ? sub_fn : unsub_fn, c) < 0)
			client_error(c, "\"channels\" is not an array of strings");
	}
}

/* Subscribe c to the channels named in the upgrade URL's query:
 * channel=A (repeatable) or channel=A,B. */
static void client_url_subs(struct client *c)
{
	char frag[CHANNEL_NAME_MAX * 4 + 16];
	for (int i = 0; i < 64; i++) {
		int n = lws_hdr_copy_fragment(c->wsi, frag, sizeof(frag),
		    WSI_TOKEN_HTTP_URI_ARGS, i);
		if (n < 0)
			break;
		if (strncmp(frag, "channel=", 8))
			continue;
		char *p = frag + 8, *comma;
		for (;;) {
			comma = strchr(p, ',');
			size_t l = comma ? (size_t)(comma - p) : strlen(p);
			if (l)
				client_subscribe(c, p, l);
			if (!comma)
				break;
			p = comma + 1;
		}
	}
}

/* ------------------------------------------------------------------ */
/* input: reader threads hand lines to the event loop */

enum { IN_LINE, IN_LONG, IN_EOF, IN_ERROR };

struct in_hdr {
	uint32_t input, kind;
	uint64_t lineno;   /* or errno for IN_ERROR */
	uint64_t len;
};

/* Append one entry for the event loop and wake it if it was idle. Waits
 * while too much is pending (the loop is behind). */
static void in_push(uint32_t input, uint32_t kind, uint64_t lineno,
    const char *s, size_t len)
{
	struct in_hdr h = { input, kind, lineno, len };
	pthread_mutex_lock(&hub.lock);
	while (hub.pending.len > PENDING_MAX && !hub.ctx_dead)
		pthread_cond_wait(&hub.drained, &hub.lock);
	int was_empty = hub.pending.len == 0;
	if (mkt_buf_add(&hub.pending, &h, sizeof(h)) == 0 && len)
		mkt_buf_add(&hub.pending, s, len);
	if (was_empty && !hub.ctx_dead)
		lws_cancel_service(hub.ctx);
	pthread_mutex_unlock(&hub.lock);
}

static void *reader_main(void *arg)
{
	struct input *in = arg;
	uint32_t idx = (uint32_t)(in - hub.inputs);
	struct mkt_reader r;
	char e[256];
	const char *line;
	size_t len;

	if (in->path && (in->fd = open(in->path, O_RDONLY | O_CLOEXEC)) < 0) {
		in_push(idx, IN_ERROR, (uint64_t)errno, NULL, 0);
		return NULL;
	}
	if (mkt_reader_init(&r, in->fd, in->name, (size_t)opt.max_line, e,
	    sizeof(e)) < 0) {
		in_push(idx, IN_ERROR, ENOMEM, NULL, 0);
		return NULL;
	}
	for (;;) {
		int rc = mkt_reader_next(&r, &line, &len);
		if (rc == MKT_READ_LINE)
			in_push(idx, IN_LINE, r.lineno, line, len);
		else if (rc == MKT_READ_LONG)
			in_push(idx, IN_LONG, r.lineno, NULL, 0);
		else if (rc == MKT_READ_INTR || rc == MKT_READ_TIMEOUT)
			continue;
		else if (rc == MKT_READ_EOF) {
			in_push(idx, r.lineno == 0 ? IN_ERROR : IN_EOF, 0, NULL, 0);
			break;
		} else {
			in_push(idx, IN_ERROR, (uint64_t)errno, NULL, 0);
			break;
		}
	}
	mkt_reader_free(&r);
	if (in->path)
		close(in->fd);
	return NULL;
}

static void bad_record(struct input *in, uint64_t lineno, const char *what)
{
	mkt_rec_warn(in->name, lineno, "%s", what);
	if (opt.strict) {
		warnx("%s:%llu: bad record with --strict; stopping", in->name,
		    (unsigned long long)lineno);
		hub.fatal = 1;
	}
}

/* Put one input line on its channel and send it out. */
static void in_line(struct input *in, uint64_t lineno, const char *s, size_t len)
{
	char e[160], num[64];
	const char *cn = in->name;
	size_t cl = strlen(in->name);

	if (mkt_json_scan(&hub.jo, s, len, e, sizeof(e)) < 0) {
		bad_record(in, lineno, e);
		return;
	}
	if (opt.channel_field) {
		const struct mkt_jfield *f = mkt_jobj_gets(&hub.jo, opt.channel_field);
		if (!f) {
			snprintf(e, sizeof(e), "no \"%s\" field", opt.channel_field);
			bad_record(in, lineno, e);
			return;
		}
		if (f->type == MKT_JSTR) {
			mkt_jfield_string(f, &hub.tmp, &cn, &cl);
		} else if (f->type == MKT_JNUM && f->vlen < sizeof(num)) {
			memcpy(num, f->val, f->vlen);
			cn = num;
			cl = f->vlen;
		} else {
			snprintf(e, sizeof(e), "\"%s\" is not a string or number",
			    opt.channel_field);
			bad_record(in, lineno, e);
			return;
		}
		if (cl == 0) {
			snprintf(e, sizeof(e), "\"%s\" is empty", opt.channel_field);
			bad_record(in, lineno, e);
			return;
		}
	}
	struct channel *ch = channel_get(cn, cl, 1);
	struct msg *m = ch ? msg_new(len) : NULL;
	if (!m) {
		if (ch)
			channel_gc(ch);
		warnx("%s:%llu: out of memory", in->name, (unsigned long long)lineno);
		hub.io_failed = 1;
		return;
	}
	memcpy(msg_text(m), s, len);
	hub.records++;
	channel_keep(ch, m);
	if (ch != hub.star)
		channel_keep(hub.star, m);
	broadcast(ch, m);
	msg_unref(m);
	channels_trim();
}

/* Take everything the readers handed over (event loop thread). */
static void in_drain(void)
{
	pthread_mutex_lock(&hub.lock);
	struct mkt_buf t = hub.pending;
	hub.pending = hub.work;
	hub.work = t;
	mkt_buf_reset(&hub.pending);
	pthread_cond_broadcast(&hub.drained);
	pthread_mutex_unlock(&hub.lock);

	size_t off = 0;
	while (off + sizeof(struct in_hdr) <= hub.work.len && !hub.fatal) {
		struct in_hdr h;
		memcpy(&h, hub.work.p + off, sizeof(h));
		off += sizeof(h);
		struct input *in = &hub.inputs[h.input];
		switch (h.kind) {
		case IN_LINE:
			in_line(in, h.lineno, hub.work.p + off, h.len);
			off += h.len;
			break;
		case IN_LONG:
			bad_record(in, h.lineno, "line too long");
			break;
		case IN_EOF:
		case IN_ERROR:
			if (h.kind == IN_ERROR && h.lineno) {
				warnx("%s: %s", in->path ? in->path : in->name,
				    strerror((int)h.lineno));
				hub.io_failed = 1;
			} else if (h.kind == IN_ERROR) {
				mkt_rec_warn(in->name, 0, "empty input");
			}
			mkt_info(1, "%s: end of input", in->name);
			in->open = 0;
			hub.inputs_open--;
			break;
		}
	}
	mkt_buf_reset(&hub.work);
}

/* ------------------------------------------------------------------ */
/* HTTP: /health, the read API, static files */

static int http_writeable(struct client *c);

/* Keep-alive connections between requests wait on the hub's idle list, not
 * on libwebsockets' timeout list.
 *
 * libwebsockets 4.1 keeps the pending timeouts of all connections in one
 * list sorted by expiry, and inserts a new one by walking it from the
 * head. Each keep-alive request sets two (its headers, then the idle wait
 * for the next request), each due after nearly every idle connection's, so
 * with the idle connections in that list every request would walk past all
 * of them: some 40% of the hub's time at 1,000 connections. Once a
 * transaction is complete the hub cancels the connection's library timeout
 * (lws_set_timeout with NO_PENDING_TIMEOUT) and appends it to its own list;
 * since every idle wait is KEEPALIVE_S long, appending keeps that list in
 * expiry order, and tick() hands connections from its head back to the
 * library (idle_expire). What stays in the library's list is the few
 * connections with a request under way. No connection is ever without a
 * deadline: off the list it has the library's timeout (lws sets one on a
 * request before LWS_CALLBACK_HTTP), on it the hub's, and it leaves the
 * list either for a request (LWS_CALLBACK_HTTP, an upgrade), for good, or
 * at its deadline with a library timeout set again. */

static void idle_del(struct client *c)
{
	if (c)
		lws_dll2_remove(&c->idle);
}

static void idle_add(struct client *c, struct lws *wsi)
{
	lws_dll2_remove(&c->idle);
	c->wsi = wsi;
	c->idle_until = mkt_mono_ns() + KEEPALIVE_S * 1000000000LL;
	lws_dll2_add_tail(&c->idle, &hub.idle);
}

/* Hand the connections idle since before now - KEEPALIVE_S back to the
 * library's timeouts: one with no request under way is closed; one whose
 * next request line has come, but not all its headers, gets REQUEST_S for
 * the rest. That timeout must be set here: the one the library put on a
 * request it had already read part of (pipelined behind the last) was
 * cancelled with the others when the connection joined the idle list, so a
 * client that sent half a request and then nothing would otherwise hold
 * its connection and a header table for good. */
static void idle_expire(int64_t now)
{
	struct lws_dll2 *d;
	while ((d = lws_dll2_get_head(&hub.idle))) {
		struct client *c = lws_container_of(d, struct client, idle);
		if (c->idle_until > now)
			break;
		lws_dll2_remove(d);
		if (lws_hdr_total_length(c->wsi, WSI_TOKEN_GET_URI) > 0)
			lws_set_timeout(c->wsi, PENDING_TIMEOUT_HOLDING_AH,
			    REQUEST_S);
		else
			lws_set_timeout(c->wsi,
			    PENDING_TIMEOUT_HTTP_KEEPALIVE_IDLE, LWS_TO_KILL_ASYNC);
	}
}

/* Complete wsi's HTTP transaction; a keep-alive connection then waits for
 * its next request on the idle list. When output is still queued the
 * library completes the transaction itself once it is sent (and keeps its
 * own idle timeout): it has then not rebound the protocol. Returns 0, or -1
 * to close the connection. */
static int http_done(struct lws *wsi)
{
	hub.rebound = 0;
	if (lws_http_transaction_completed(wsi))
		return -1;
	struct client *c = lws_wsi_user(wsi);
	if (hub.rebound && c) {
		lws_set_timeout(wsi, NO_PENDING_TIMEOUT, 0);
		idle_add(c, wsi);
	}
	return 0;
}

/* Room kept in front of a reply body for LWS_PRE and the headers, which
 * are put right before the body so that both go out in one write. */
#define REPLY_HEAD (LWS_PRE + 512)
/* Bodies up to this size go out at once (lws keeps any part the socket
 * does not take); larger ones in HTTP_CHUNK pieces as the socket drains. */
#define REPLY_AT_ONCE (4 * HTTP_CHUNK)

/* Send the reply built in hub.reply (body from REPLY_HEAD on) to c with
 * status: headers and a small body in one write, after which the
 * transaction is complete; a large body moves to c->body and is sent from
 * writable callbacks. Returns 0 or -1 (close). */
static int http_reply(struct client *c, unsigned status)
{
	struct mkt_buf *b = &hub.reply;
	unsigned char hbuf[LWS_PRE + 512], *hdr = hbuf + LWS_PRE, *p = hdr,
	    *end = hbuf + sizeof(hbuf);
	size_t blen = b->len - REPLY_HEAD;
	if (b->oom)
		return -1;
	if (lws_add_http_common_headers(c->wsi, status, "application/json",
	    blen, &p, end) ||
	    lws_add_http_header_by_name(c->wsi,
	    (const unsigned char *)"cache-control:",
	    (const unsigned char *)"no-store", 8, &p, end) ||
	    lws_finalize_http_header(c->wsi, &p, end))
		return -1;
	size_t hlen = (size_t)(p - hdr);
	if (blen > REPLY_AT_ONCE) {
		if (lws_write(c->wsi, hdr, hlen, LWS_WRITE_HTTP_HEADERS) != (int)hlen)
			return -1;
		struct mkt_buf t = c->body; /* swap: no copy, no allocation */
		c->body = *b;
		*b = t;
		c->body_off = REPLY_HEAD;
		lws_callback_on_writable(c->wsi);
		return 0;
	}
	unsigned char *start = (unsigned char *)b->p + REPLY_HEAD - hlen;
	memcpy(start, hdr, hlen);
	if (lws_write(c->wsi, start, hlen + blen, LWS_WRITE_HTTP_FINAL) !=
	    (int)(hlen + blen))
		return -1;
	return http_done(c->wsi);
}

/* Start a reply body in hub.reply (shared: a reply is built and sent in
 * one callback) and return it. */
static struct mkt_buf *body_start(void)
{
	struct mkt_buf *b = &hub.reply;
	if (b->cap > (1u << 20)) /* give back what a large history took */
		mkt_buf_free(b);
	mkt_buf_reset(b);
	b->oom = 0;
	if (mkt_buf_reserve(b, REPLY_HEAD + 256) == 0) {
		memset(b->p, ' ', REPLY_HEAD);
		b->len = REPLY_HEAD;
		b->p[b->len] = '\0';
	}
	return b;
}

static int http_error(struct client *c, unsigned status, const char *text)
{
	struct mkt_buf *b = body_start();
	mkt_buf_adds(b, "{\"error\":");
	mkt_json_str(b, text, strlen(text));
	mkt_buf_adds(b, "}\n");
	return http_reply(c, status);
}

/* The value of query argument name (decoded by lws) into buf; 1 if found,
 * 0 if absent, -1 if too long. */
static int http_arg(struct lws *wsi, const char *name, char *buf, size_t size)
{
	char frag[1024];
	size_t nl = strlen(name);
	for (int i = 0; i < 32; i++) {
		int n = lws_hdr_copy_fragment(wsi, frag, sizeof(frag),
		    WSI_TOKEN_HTTP_URI_ARGS, i);
		if (n < 0)
			return 0;
		if (strncmp(frag, name, nl) || frag[nl] != '=')
			continue;
		if (strlen(frag + nl + 1) >= size)
			return -1;
		strcpy(buf, frag + nl + 1);
		return 1;
	}
	return 0;
}

static int api_health(struct client *c)
{
	struct mkt_buf *b = body_start();
	mkt_buf_printf(b,
	    "{\"status\":\"ok\",\"clients\":%zu,\"channels\":%zu,"
	    "\"evicted\":%llu,"
	    "\"records\":%llu,\"drops\":%llu,\"rejected\":%llu,\"bad\":%llu,"
	    "\"queued\":%llu,\"inputs_open\":%zu,\"uptime_ms\":%lld}\n",
	    (size_t)hub.clients.count, hub.nchannels,
	    (unsigned long long)hub.evicted,
	    (unsigned long long)hub.records,
	    (unsigned long long)hub.drops, (unsigned long long)hub.rejected,
	    (unsigned long long)mkt_rec_bad(), (unsigned long long)hub.queued,
	    hub.inputs_open,
	    (long long)((mkt_mono_ns() - hub.started_ns) / 1000000));
	return http_reply(c, 200);
}

static int api_channels(struct client *c)
{
	struct mkt_buf *b = body_start();
	mkt_buf_addc(b, '[');
	for (size_t i = 0; i < hub.channels.cap; i++) {
		struct mkt_map_ent *e = &hub.channels.e[i];
		struct channel *ch = e->key ? e->val : NULL;
		if (!ch || ch == hub.star || !ch->records)
			continue;
		mkt_json_sep(b);
		mkt_buf_adds(b, "{\"channel\":");
		mkt_json_str(b, ch->name, ch->nlen);
		mkt_buf_printf(b, ",\"records\":%llu,\"subscribers\":%zu}",
		    (unsigned long long)ch->records, (size_t)ch->subs.count);
	}
	mkt_buf_adds(b, "]\n");
	return http_reply(c, 200);
}

/* /api/latest?channel=C and /api/history?channel=C&limit=N. */
static int api_read(struct client *c, int history)
{
	char name[CHANNEL_NAME_MAX + 1], lim[32];
	int r = http_arg(c->wsi, "channel", name, sizeof(name));
	if (r < 0)
		return http_error(c, 400, "channel name too long");
	if (r == 0 || !name[0])
		return http_error(c, 400, "missing parameter: channel");
	long long limit = opt.history;
	if (history) {
		r = http_arg(c->wsi, "limit", lim, sizeof(lim));
		if (r < 0 || (r > 0 && mkt_parse_long(lim, 1, opt.history, &limit) < 0)) {
			char e[96];
			snprintf(e, sizeof(e),
			    "limit must be a whole number from 1 to %lld", opt.history);
			return http_error(c, 400, e);
		}
	}
	struct channel *ch = channel_get(name, strlen(name), 0);
	if (!ch || !ch->records)
		return http_error(c, 404, "unknown channel");
	struct mkt_buf *b = body_start();
	if (!history) {
		mkt_buf_add(b, msg_text(ch->latest), ch->latest->len);
		mkt_buf_addc(b, '\n');
		return http_reply(c, 200);
	}
	size_t n = ch->hn < (size_t)limit ? ch->hn : (size_t)limit;
	mkt_buf_addc(b, '[');
	for (size_t i = ch->hn - n; i < ch->hn; i++) {
		struct msg *m = channel_hist(ch, i);
		mkt_json_sep(b);
		mkt_buf_add(b, msg_text(m), m->len);
	}
	mkt_buf_adds(b, "]\n");
	return http_reply(c, 200);
}

static const char *mime_of(const char *path)
{
	static const struct { const char *ext, *type; } t[] = {
		{ ".html", "text/html; charset=utf-8" },
		{ ".js", "text/javascript; charset=utf-8" },
		{ ".mjs", "text/javascript; charset=utf-8" },
		{ ".css", "text/css; charset=utf-8" },
		{ ".json", "application/json" },
		{ ".svg", "image/svg+xml" },
		{ ".png", "image/png" },
		{ ".ico", "image/x-icon" },
		{ ".txt", "text/plain; charset=utf-8" },
	};
	const char *dot = strrchr(path, '.');
	for (size_t i = 0; dot && i < sizeof(t) / sizeof(t[0]); i++)
		if (!strcmp(dot, t[i].ext))
			return t[i].type;
	return "application/octet-stream";
}

/* Serve uri (decoded by lws) from the static directory. A path with a
 * "..", "." or empty segment, a backslash, or one whose real path (after
 * symlinks) is not inside the directory, is answered 404; so is anything
 * that is not a regular file. "/" and directories mean index.html. */
static int http_static(struct client *c, const char *uri)
{
	char path[PATH_MAX], real[PATH_MAX];
	if (!hub.have_static || uri[0] != '/' || strchr(uri, '\\'))
		return http_error(c, 404, "not found");
	for (const char *p = uri; *p; ) {
		const char *q = strchr(p + 1, '/');
		size_t l = q ? (size_t)(q - p - 1) : strlen(p + 1);
		if ((l == 1 && p[1] == '.') || (l == 2 && p[1] == '.' && p[2] == '.'))
			return http_error(c, 404, "not found");
		if (!q)
			break;
		p = q;
	}
	int n = snprintf(path, sizeof(path), "%s%s", hub.static_real, uri);
	if (n < 0 || (size_t)n >= sizeof(path) - 16)
		return http_error(c, 404, "not found");
	struct stat st;
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		strcat(path, path[n - 1] == '/' ? "index.html" : "/index.html");
	if (!realpath(path, real))
		return http_error(c, 404, "not found");
	size_t rl = strlen(hub.static_real);
	if (strncmp(real, hub.static_real, rl) || real[rl] != '/' ||
	    stat(real, &st) < 0 || !S_ISREG(st.st_mode))
		return http_error(c, 404, "not found");
	static const char extra[] = "x-content-type-options: nosniff\r\n"
	    "cache-control: no-cache\r\n";
	n = lws_serve_http_file(c->wsi, real, mime_of(real), extra,
	    (int)sizeof(extra) - 1);
	if (n < 0 || (n > 0 && http_done(c->wsi)))
		return -1;
	return 0;
}

static int http_request(struct client *c, const char *uri)
{
	if (lws_hdr_total_length(c->wsi, WSI_TOKEN_GET_URI) <= 0)
		return http_error(c, 405, "only GET is served");
	if (!strcmp(uri, "/health"))
		return api_health(c);
	if (!strcmp(uri, "/api/latest"))
		return api_read(c, 0);
	if (!strcmp(uri, "/api/history"))
		return api_read(c, 1);
	if (!strcmp(uri, "/api/channels"))
		return api_channels(c);
	if (!strncmp(uri, "/api/", 5) || !strcmp(uri, "/api"))
		return http_error(c, 404, "no such endpoint");
	return http_static(c, uri);
}

/* Send the next piece of a JSON body; finish the transaction after it. */
static int http_writeable(struct client *c)
{
	unsigned char buf[LWS_PRE + HTTP_CHUNK];
	if (c->body_off == 0 || c->body_off > c->body.len)
		return 0;
	size_t left = c->body.len - c->body_off;
	size_t n = left > HTTP_CHUNK ? HTTP_CHUNK : left;
	memcpy(buf + LWS_PRE, c->body.p + c->body_off, n);
	int final = n == left;
	if (lws_write(c->wsi, buf + LWS_PRE, n,
	    final ? LWS_WRITE_HTTP_FINAL : LWS_WRITE_HTTP) != (int)n)
		return -1;
	c->body_off += n;
	if (!final) {
		lws_callback_on_writable(c->wsi);
		return 0;
	}
	c->body_off = 0;
	if (c->body.cap > 65536)
		mkt_buf_free(&c->body);
	return http_done(c->wsi);
}

/* ------------------------------------------------------------------ */
/* WebSocket upgrade checks */

static int ws_allowed(struct lws *wsi)
{
	char uri[64], origin[512];
	if (lws_hdr_copy(wsi, uri, sizeof(uri), WSI_TOKEN_GET_URI) < 0 ||
	    (strcmp(uri, "/ws") && strcmp(uri, "/"))) {
		mkt_info(1, "refused upgrade: path is not /ws");
		return 0;
	}
	if ((long long)hub.clients.count >= opt.max_clients) {
		mkt_info(1, "refused upgrade: %u clients already",
		    (unsigned)hub.clients.count);
		return 0;
	}
	if (opt.norigins) {
		int n = lws_hdr_copy(wsi, origin, sizeof(origin), WSI_TOKEN_ORIGIN);
		for (size_t i = 0; n > 0 && i < opt.norigins; i++)
			if (!strcmp(origin, opt.origins[i]))
				return 1;
		mkt_info(1, "refused upgrade: origin \"%s\" not allowed",
		    n > 0 ? origin : "");
		return 0;
	}
	return 1;
}

static int callback(struct lws *wsi, enum lws_callback_reasons reason,
    void *user, void *in, size_t len)
{
	struct client *c = user;

	switch (reason) {
	case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
		in_drain();
		break;

	case LWS_CALLBACK_HTTP:
		idle_del(c);
		c->wsi = wsi;
		return http_request(c, in) ? -1 : 0;
	case LWS_CALLBACK_HTTP_WRITEABLE:
		return http_writeable(c);
	case LWS_CALLBACK_HTTP_FILE_COMPLETION:
		return http_done(wsi);
	case LWS_CALLBACK_HTTP_DROP_PROTOCOL:
		hub.rebound = 1;
		/* fall through */
	case LWS_CALLBACK_CLOSED_HTTP:
	case LWS_CALLBACK_WSI_DESTROY:
		idle_del(c);
		if (c && !c->is_ws)
			mkt_buf_free(&c->body);
		break;

	case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
		idle_del(c);
		if (!ws_allowed(wsi)) {
			hub.rejected++;
			return -1;
		}
		break;
	case LWS_CALLBACK_ESTABLISHED:
		idle_del(c);
		mkt_buf_free(&c->body);
		memset(c, 0, sizeof(*c));
		c->wsi = wsi;
		c->is_ws = 1;
		lws_dll2_add_head(&c->node, &hub.clients);
		if (mkt_verbosity >= 2) {
			char peer[64] = "?";
			lws_get_peer_simple(wsi, peer, sizeof(peer));
			mkt_info(2, "client %s connected", peer);
		}
		client_url_subs(c);
		break;
	case LWS_CALLBACK_CLOSED:
		if (!c || !c->is_ws)
			break;
		client_release(c);
		lws_dll2_remove(&c->node);
		c->is_ws = 0;
		break;
	case LWS_CALLBACK_SERVER_WRITEABLE: {
		if (c->dropped)
			return -1;
		if (c->closing && !c->qn) {
			lws_close_reason(wsi, LWS_CLOSE_STATUS_GOINGAWAY,
			    (unsigned char *)"hub closing", 11);
			return -1;
		}
		if (!c->qn)
			break;
		struct msg *m = c->q[c->qhead];
		if (lws_write(wsi, m->data + LWS_PRE, m->len, LWS_WRITE_TEXT) <
		    (int)m->len)
			return -1;
		c->qhead = (c->qhead + 1) % c->qcap;
		c->qn--;
		c->qbytes -= m->len;
		hub.queued--;
		msg_unref(m);
		if (c->qn || c->closing)
			lws_callback_on_writable(wsi);
		break;
	}
	case LWS_CALLBACK_RECEIVE:
		if (lws_is_first_fragment(wsi)) {
			mkt_buf_reset(&c->rx);
			c->rx_over = 0;
		}
		if (c->rx.len + len + lws_remaining_packet_payload(wsi) >
		    (size_t)opt.max_message) {
			lws_close_reason(wsi, LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE,
			    (unsigned char *)"message too large", 17);
			return -1;
		}
		mkt_buf_add(&c->rx, in, len);
		if (lws_is_final_fragment(wsi) && !lws_remaining_packet_payload(wsi)) {
			client_message(c, c->rx.p ? c->rx.p : "", c->rx.len);
			mkt_buf_reset(&c->rx);
		}
		break;
	default:
		break;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* main */

static void tick(lws_sorted_usec_list_t *sul)
{
	idle_expire(mkt_mono_ns());
	lws_sul_schedule(hub.ctx, 0, sul, tick, 100 * LWS_US_PER_MS);
}

/* Find the directory to serve when --static is not given: $MKT_DATADIR,
 * then ../share/dashboard next to the executable (the build tree), then
 * the installed data directory. */
static const char *default_static(char *buf, size_t size)
{
	struct stat st;
	const char *env = getenv("MKT_DATADIR");
	char exe[PATH_MAX - 64];
	ssize_t n;
	if (env && *env) {
		snprintf(buf, size, "%s/dashboard", env);
		if (stat(buf, &st) == 0 && S_ISDIR(st.st_mode))
			return buf;
	}
	if ((n = readlink("/proc/self/exe", exe, sizeof(exe) - 1)) > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			snprintf(buf, size, "%s/../share/dashboard", exe);
			if (stat(buf, &st) == 0 && S_ISDIR(st.st_mode))
				return buf;
		}
	}
	snprintf(buf, size, "%s/dashboard", MKT_DATADIR);
	if (stat(buf, &st) == 0 && S_ISDIR(st.st_mode))
		return buf;
	return NULL;
}

static void add_input(char *spec)
{
	char *eq = strchr(spec, '=');
	if (!eq || eq == spec || !eq[1]) {
		warnx("--in wants NAME=FILE, not \"%s\"", spec);
		usage(stderr);
		exit(MKT_EXIT_USAGE);
	}
	*eq = '\0';
	for (size_t i = 0; i < hub.ninputs; i++)
		if (!strcmp(hub.inputs[i].name, spec))
			errx(MKT_EXIT_USAGE, "input \"%s\" given twice", spec);
	struct input *t = realloc(hub.inputs, (hub.ninputs + 1) * sizeof(*t));
	if (!t)
		err(MKT_EXIT_FAIL, NULL);
	hub.inputs = t;
	hub.inputs[hub.ninputs++] = (struct input){
		.name = spec,
		.path = strcmp(eq + 1, "-") ? eq + 1 : NULL,
		.fd = 0,
		.open = 1,
	};
}

static long long num_opt(const char *name, const char *s, long long min,
    long long max)
{
	long long v;
	if (mkt_parse_long(s, min, max, &v) < 0) {
		warnx("--%s: \"%s\" is not a whole number from %lld to %lld",
		    name, s, min, max);
		usage(stderr);
		exit(MKT_EXIT_USAGE);
	}
	return v;
}

enum { OPT_QBYTES = 256, OPT_MAXCHAN, OPT_MAXMSG, OPT_MAXLINE, OPT_STRICT };

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "port", required_argument, NULL, 'p' },
		{ "bind", required_argument, NULL, 'b' },
		{ "static", required_argument, NULL, 's' },
		{ "channel", required_argument, NULL, 'c' },
		{ "history", required_argument, NULL, 'n' },
		{ "in", required_argument, NULL, 'i' },
		{ "queue", required_argument, NULL, 'Q' },
		{ "queue-bytes", required_argument, NULL, OPT_QBYTES },
		{ "max-clients", required_argument, NULL, 'm' },
		{ "origin", required_argument, NULL, 'o' },
		{ "max-channels", required_argument, NULL, OPT_MAXCHAN },
		{ "max-message", required_argument, NULL, OPT_MAXMSG },
		{ "max-line", required_argument, NULL, OPT_MAXLINE },
		{ "exit-at-eof", no_argument, NULL, 'e' },
		{ "strict", no_argument, NULL, OPT_STRICT },
		{ "unbuffered", no_argument, NULL, 'u' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;
	char sbuf[PATH_MAX];

	while ((ch = getopt_long(argc, argv, "p:b:s:c:n:i:Q:m:o:equvhV",
	    longopts, NULL)) != -1) {
		switch (ch) {
		case 'p': opt.port = (int)num_opt("port", optarg, 0, 65535); break;
		case 'b': opt.bind = optarg; break;
		case 's': opt.static_dir = optarg; break;
		case 'c': opt.channel_field = optarg; break;
		case 'n': opt.history = num_opt("history", optarg, 0, 1000000); break;
		case 'i': add_input(optarg); break;
		case 'Q': opt.queue = num_opt("queue", optarg, 1, 10000000); break;
		case OPT_QBYTES:
			opt.queue_bytes = num_opt("queue-bytes", optarg, 1024,
			    (long long)1 << 40);
			break;
		case 'm':
			opt.max_clients = num_opt("max-clients", optarg, 0, 1000000);
			break;
		case 'o': {
			const char **t = realloc(opt.origins,
			    (opt.norigins + 1) * sizeof(*t));
			if (!t)
				err(MKT_EXIT_FAIL, NULL);
			opt.origins = t;
			opt.origins[opt.norigins++] = optarg;
			break;
		}
		case OPT_MAXCHAN:
			opt.max_channels = num_opt("max-channels", optarg, 1,
			    100000000);
			break;
		case OPT_MAXMSG:
			opt.max_message = num_opt("max-message", optarg, 64, 1 << 24);
			break;
		case OPT_MAXLINE:
			opt.max_line = num_opt("max-line", optarg, 64, 1 << 30);
			break;
		case 'e': opt.exit_at_eof = 1; break;
		case OPT_STRICT: opt.strict = 1; break;
		case 'u': break; /* frames are always sent at once */
		case 'q': mkt_verbosity = -1; break;
		case 'v': if (mkt_verbosity >= 0) mkt_verbosity++; break;
		case 'h': usage(stdout); return MKT_EXIT_OK;
		case 'V': {
			char extra[128];
			snprintf(extra, sizeof(extra), "libwebsockets %s",
			    lws_get_library_version());
			mkt_print_version(extra);
			return MKT_EXIT_OK;
		}
		default: usage(stderr); return MKT_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		warnx("unexpected argument \"%s\"", argv[optind]);
		usage(stderr);
		return MKT_EXIT_USAGE;
	}
	if (opt.history > opt.queue) {
		warnx("--history (%lld) may not exceed --queue (%lld)",
		    opt.history, opt.queue);
		usage(stderr);
		return MKT_EXIT_USAGE;
	}
	if (hub.ninputs == 0) {
		static char stdin_name[] = "stdin=-";
		add_input(stdin_name);
	}
	for (size_t i = 0; i < hub.ninputs; i++) {
		struct stat st;
		if (hub.inputs[i].path && stat(hub.inputs[i].path, &st) < 0)
			err(MKT_EXIT_FAIL, "%s", hub.inputs[i].path);
	}
	const char *sdir = opt.static_dir ? opt.static_dir
	    : default_static(sbuf, sizeof(sbuf));
	if (sdir) {
		if (!realpath(sdir, hub.static_real))
			err(MKT_EXIT_FAIL, "%s", sdir);
		hub.have_static = 1;
	} else {
		mkt_info(1, "no dashboard directory found; static files are off");
	}

	mkt_signals_init();
	lws_set_log_level(mkt_verbosity >= 2 ? LLL_ERR | LLL_WARN :
	    mkt_verbosity >= 1 ? LLL_ERR : 0, NULL);
	hub.started_ns = mkt_mono_ns();
	if (!(hub.star = channel_get("*", 1, 1)))
		err(MKT_EXIT_FAIL, NULL);

	static struct lws_protocols protocols[] = {
		{ "mktpipe", callback, sizeof(struct client), 4096, 0, NULL, 0 },
		{ NULL, NULL, 0, 0, 0, NULL, 0 },
	};
	protocols[0].rx_buffer_size = (size_t)opt.max_message;
	struct lws_context_creation_info info;
	memset(&info, 0, sizeof(info));
	info.port = opt.port;
	info.iface = opt.bind;
	info.protocols = protocols;
	info.gid = -1;
	info.uid = -1;
	info.max_http_header_pool = 1024;
	info.pt_serv_buf_size = 32768;
	info.timeout_secs = REQUEST_S;
	info.keepalive_timeout = KEEPALIVE_S;
	info.options = LWS_SERVER_OPTION_VALIDATE_UTF8;
	if (!strchr(opt.bind, ':'))
		info.options |= LWS_SERVER_OPTION_DISABLE_IPV6;
	info.server_string = "wshub";
	if (!(hub.ctx = lws_create_context(&info)))
		errx(MKT_EXIT_FAIL, "cannot listen on %s port %d", opt.bind, opt.port);
	struct lws_vhost *vh = lws_get_vhost_by_name(hub.ctx, "default");
	int port = vh ? lws_get_vhost_listen_port(vh) : opt.port;
	if (vh && port <= 0)
		errx(MKT_EXIT_FAIL, "cannot listen on %s port %d", opt.bind, opt.port);
	mkt_info(0, "listening on http://%s:%d/", opt.bind, port);
	lws_sul_schedule(hub.ctx, 0, &hub.tick, tick, 100 * LWS_US_PER_MS);

	/* Reader threads get no signals: the event loop handles them. */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	hub.inputs_open = hub.ninputs;
	for (size_t i = 0; i < hub.ninputs; i++)
		if (pthread_create(&hub.inputs[i].th, NULL, reader_main,
		    &hub.inputs[i]))
			errx(MKT_EXIT_FAIL, "cannot start a reader thread");
	pthread_sigmask(SIG_SETMASK, &old, NULL);

	while (!mkt_stop && !hub.fatal) {
		if (lws_service(hub.ctx, 0) < 0)
			break;
		if (opt.exit_at_eof && hub.inputs_open == 0 && hub.queued == 0)
			break;
	}

	/* Close every client with 1001 and give them a moment to go. */
	for (struct lws_dll2 *d = lws_dll2_get_head(&hub.clients); d; d = d->next) {
		struct client *c = lws_container_of(d, struct client, node);
		c->closing = 1;
		lws_callback_on_writable(c->wsi);
	}
	int64_t deadline = mkt_mono_ns() + 2000000000LL;
	while (hub.clients.count && mkt_mono_ns() < deadline)
		if (lws_service(hub.ctx, 0) < 0)
			break;
	pthread_mutex_lock(&hub.lock);
	hub.ctx_dead = 1;
	pthread_cond_broadcast(&hub.drained);
	pthread_mutex_unlock(&hub.lock);
	lws_context_destroy(hub.ctx);

	mkt_info(1, "%llu records, %llu clients dropped",
	    (unsigned long long)hub.records, (unsigned long long)hub.drops);
	mkt_rec_summary();
	if (hub.fatal || hub.io_failed || mkt_rec_bad())
		return MKT_EXIT_FAIL;
	return MKT_EXIT_OK;
}
