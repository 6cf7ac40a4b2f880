/* SPDX-License-Identifier: MIT */
/* mkt_ws_frames.c -- libFuzzer harness for mkt-ws's side of RFC 6455
 * (tools/mkt-ws/ws.c): the check of the server's answer to the upgrade,
 * the frame parser, and the client frames it builds.
 *
 * Input: byte 0 chooses the mode (bit 6), the message size limit
 * (16 << (bits 0-2), 16 to 2048 bytes) and a large client frame (bit 7);
 * byte 1 seeds the cut points; the rest is what the server sends.
 *   - head mode: the bytes are the whole answer, from its status line on
 *     (the expected Sec-WebSocket-Accept is the fixed ACCEPT below, so
 *     that inputs can hold it);
 *   - frame mode: a valid answer goes first, then the bytes as frames.
 *
 * Checks, besides the sanitizers':
 *   - the bytes fed in one piece, fed cut at pseudo-random points, and fed
 *     one byte at a time give the same events (the open, each message
 *     with its bytes, each ping with its payload, each message over the
 *     limit), the same result (0, 1 after a close frame with the same code
 *     and reason, or -1 with the same error text): nothing depends on how
 *     the socket splits its reads;
 *   - in frame mode the events and the result are those of a reference
 *     decoder written here from RFC 6455 on the whole buffer at once;
 *   - a result of -1 always comes with an error text; no message is
 *     longer than the limit;
 *   - a client frame built by wsp_frame() decodes (FIN, opcode, mask bit,
 *     the shortest length form, the payload once unmasked) to what was
 *     given. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../tools/mkt-ws/ws.c"

#define DIE(...) do { \
	fprintf(stderr, "mkt_ws_frames: " __VA_ARGS__); \
	fputc('\n', stderr); \
	abort(); \
} while (0)

/* RFC 6455's own example of an accept value */
#define ACCEPT "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
#define MAX_EVENTS 4096

/* ---- what the parser reports, recorded ---- */

enum { EV_OPEN = 1, EV_MSG, EV_TOO_LONG, EV_PING };

struct event {
	int type;
	size_t len;
	uint64_t hash;
};

struct trace {
	size_t max_msg;
	size_t n;
	int overflow;
	int result, close_code;
	char err[200], reason[124];
	struct event ev[MAX_EVENTS];
};

/* Empty t for a new run (the limit stays). */
static void reset(struct trace *t)
{
	t->n = 0;
	t->overflow = t->result = t->close_code = 0;
	t->err[0] = t->reason[0] = '\0';
}

static uint64_t fnv(const char *p, size_t n)
{
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 1099511628211ULL;
	return h;
}

static void add(struct trace *t, int type, const char *p, size_t n)
{
	if (t->n == MAX_EVENTS) {
		t->overflow = 1;
		return;
	}
	t->ev[t->n].type = type;
	t->ev[t->n].len = n;
	t->ev[t->n].hash = fnv(p, n);
	t->n++;
}

static void on_open(void *arg)
{
	add(arg, EV_OPEN, "", 0);
}

static void on_message(void *arg, const char *p, size_t n)
{
	struct trace *t = arg;
	if (n > t->max_msg)
		DIE("a message of %zu bytes passed the limit of %zu", n,
		    t->max_msg);
	add(t, EV_MSG, p, n);
}

static void on_too_long(void *arg)
{
	add(arg, EV_TOO_LONG, "", 0);
}

static void on_ping(void *arg, const char *p, size_t n)
{
	if (n > 125)
		DIE("a ping of %zu bytes", n);
	add(arg, EV_PING, p, n);
}

static const struct wsp_ops ops = {
	.open = on_open,
	.message = on_message,
	.too_long = on_too_long,
	.ping = on_ping,
};

/* ---- feeding ---- */

static const char valid_head[] = "HTTP/1.1 101 Switching Protocols\r\n"
    "Upgrade: websocket\r\nConnection: Upgrade\r\n"
    "Sec-WebSocket-Accept: " ACCEPT "\r\n\r\n";

static uint32_t rng;

static uint32_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

/* Feed p[0..n) in pieces: step 0 for random cuts, else pieces of step
 * bytes (n: all at once). Records into t. */
static void run(struct trace *t, int frame_mode, const char *p, size_t n,
    size_t step, uint8_t seed)
{
	struct wsp w;
	struct mkt_buf req = MKT_BUF_INIT;
	int r = 0;

	memset(&w, 0, sizeof(w));
	reset(t);
	w.ops = &ops;
	w.arg = t;
	w.max_msg = t->max_msg;
	if (wsp_start(&w, &req, "example.com", 8080, 0, "/stocks") < 0)
		DIE("wsp_start failed");
	if (!strstr(req.p, "Sec-WebSocket-Key: ") ||
	    !strstr(req.p, "Host: example.com:8080\r\n"))
		DIE("a malformed upgrade request: %s", req.p);
	mkt_buf_free(&req);
	snprintf(w.accept, sizeof(w.accept), "%s", ACCEPT);
	if (frame_mode) {
		r = wsp_feed(&w, valid_head, sizeof(valid_head) - 1);
		if (r != 0 || !w.open)
			DIE("a valid answer was refused: %s", w.err);
	}
	rng = 0x9e3779b9u ^ seed;
	for (size_t i = 0; i < n && r == 0;) {
		size_t k = step ? step : 1 + next() % (next() % 3 ? 8 : 300);
		if (k > n - i)
			k = n - i;
		r = wsp_feed(&w, p + i, k);
		i += k;
	}
	t->result = r;
	if (r == -1 && !w.err[0])
		DIE("-1 without an error text");
	if (r == 1 && !w.closed)
		DIE("1 without a close frame");
	t->close_code = w.close_code;
	memcpy(t->err, w.err, sizeof(t->err));
	memcpy(t->reason, w.reason, sizeof(t->reason));
	wsp_free(&w);
}

/* a and b hold the same events and result; with texts, the same error
 * text too (the reference has none). */
static void same(const struct trace *a, const struct trace *b,
    const char *how, int texts)
{
	if (a->overflow || b->overflow)
		return;
	if (a->n != b->n)
		DIE("%s: %zu events, not %zu", how, b->n, a->n);
	for (size_t i = 0; i < a->n; i++)
		if (a->ev[i].type != b->ev[i].type || a->ev[i].len != b->ev[i].len ||
		    a->ev[i].hash != b->ev[i].hash)
			DIE("%s: event %zu differs (type %d/%d, %zu/%zu bytes)", how,
			    i, a->ev[i].type, b->ev[i].type, a->ev[i].len,
			    b->ev[i].len);
	if (a->result != b->result)
		DIE("%s: result %d, not %d (%s / %s)", how, b->result, a->result,
		    b->err, a->err);
	if ((texts && strcmp(a->err, b->err)) || a->close_code != b->close_code ||
	    strcmp(a->reason, b->reason))
		DIE("%s: \"%s\" %d \"%s\", not \"%s\" %d \"%s\"", how, b->err,
		    b->close_code, b->reason, a->err, a->close_code, a->reason);
}

/* ---- the reference decoder: RFC 6455 section 5 on a whole buffer ---- */

/* Records the open and then the events of p[0..n) into t; the result as
 * wsp_feed() gives it (0: more bytes wanted, 1: a close frame, -1: a
 * protocol error). */
static void reference(struct trace *t, const unsigned char *p, size_t n)
{
	static char msg[4096];
	size_t i = 0, mlen = 0;
	int in_msg = 0, skipping = 0;

	reset(t);
	add(t, EV_OPEN, "", 0);
	for (;;) {
		t->result = 0;
		if (n - i < 2)
			return;
		int fin = p[i] >> 7, op = p[i] & 15;
		t->result = -1;
		if (p[i] & 0x70 || p[i + 1] & 0x80 || (op >= 3 && op <= 7) || op > 10)
			return;
		uint64_t len = p[i + 1] & 0x7f;
		size_t hl = 2;
		if (len == 126) {
			t->result = 0;
			if (n - i < 4)
				return;
			len = (uint64_t)p[i + 2] << 8 | p[i + 3];
			hl = 4;
		} else if (len == 127) {
			t->result = 0;
			if (n - i < 10)
				return;
			t->result = -1;
			if (p[i + 2] & 0x80)
				return;
			len = 0;
			for (int j = 2; j < 10; j++)
				len = len << 8 | p[i + j];
			hl = 10;
		}
		t->result = -1;
		if (op >= 8 && (!fin || len > 125))
			return;
		if (op < 8) {
			if ((op == 0 && !in_msg) || (op != 0 && in_msg))
				return;
			if (skipping || len > t->max_msg ||
			    (op == 0 ? mlen : 0) + len > t->max_msg) {
				if (!skipping)
					add(t, EV_TOO_LONG, "", 0);
				skipping = !fin;
				in_msg = !fin;
				mlen = 0;
				t->result = 0;
				if (len > n - i - hl)
					return;
				i += hl + (size_t)len;
				continue;
			}
		}
		t->result = 0;
		if (len > n - i - hl)
			return;
		const char *pl = (const char *)p + i + hl;
		i += hl + (size_t)len;
		switch (op) {
		case 9:
			add(t, EV_PING, pl, (size_t)len);
			continue;
		case 10:
			continue;
		case 8:
			t->result = len == 1 ? -1 : 1;
			if (len >= 2) {
				size_t k = 0;
				t->close_code = (unsigned char)pl[0] << 8 |
				    (unsigned char)pl[1];
				for (size_t j = 2; j < len && k < sizeof(t->reason) - 1; j++)
					t->reason[k++] = (unsigned char)pl[j] < 0x20 ?
					    ' ' : pl[j];
				t->reason[k] = '\0';
			}
			return;
		}
		if (op != 0 && fin) {
			add(t, EV_MSG, pl, (size_t)len);
			continue;
		}
		if (op != 0) {
			in_msg = 1;
			mlen = 0;
		}
		memcpy(msg + mlen, pl, (size_t)len);
		mlen += (size_t)len;
		if (fin) {
			in_msg = 0;
			add(t, EV_MSG, msg, mlen);
			mlen = 0;
		}
	}
}

/* ---- client frames ---- */

static void check_client_frame(int op, const unsigned char *p, size_t n)
{
	struct mkt_buf b = MKT_BUF_INIT;
	if (wsp_frame(&b, op, p, n) < 0)
		DIE("wsp_frame failed");
	const unsigned char *f = (const unsigned char *)b.p;
	size_t hl = 2;
	uint64_t len = f[1] & 0x7f;
	if (f[0] != (0x80 | op) || !(f[1] & 0x80))
		DIE("client frame header %02x %02x", f[0], f[1]);
	if (len == 126) {
		len = (uint64_t)f[2] << 8 | f[3];
		hl = 4;
		if (len < 126)
			DIE("a 16-bit length for %llu bytes", (unsigned long long)len);
	} else if (len == 127) {
		len = 0;
		for (int j = 2; j < 10; j++)
			len = len << 8 | f[j];
		hl = 10;
		if (len < 65536)
			DIE("a 64-bit length for %llu bytes", (unsigned long long)len);
	}
	if (len != n || b.len != hl + 4 + n)
		DIE("client frame of %zu bytes for %zu", b.len, n);
	const unsigned char *m = f + hl;
	for (size_t i = 0; i < n; i++)
		if ((f[hl + 4 + i] ^ m[i & 3]) != p[i])
			DIE("client frame payload byte %zu", i);
	mkt_buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct trace whole, cut, bytes, ref;
	if (size < 2)
		return 0;
	int frame_mode = (data[0] >> 6) & 1;
	size_t max_msg = (size_t)16 << (data[0] & 7);
	const char *p = (const char *)data + 2;
	size_t n = size - 2;

	whole.max_msg = cut.max_msg = bytes.max_msg = ref.max_msg = max_msg;
	run(&whole, frame_mode, p, n, n ? n : 1, data[1]);
	run(&cut, frame_mode, p, n, 0, data[1]);
	same(&whole, &cut, "cut at random", 1);
	run(&bytes, frame_mode, p, n, 1, data[1]);
	same(&whole, &bytes, "a byte at a time", 1);
	if (frame_mode) {
		reference(&ref, data + 2, n);
		same(&ref, &whole, "against the reference", 0);
	}

	int op = data[1] & 1 ? WSP_TEXT : WSP_PING;
	check_client_frame(op, data + 2, op == WSP_PING && n > 125 ? 125 : n);
	if (data[0] & 0x80) {
		/* a payload long enough for the 64-bit length */
		size_t big = 65536 + n;
		unsigned char *q = calloc(1, big);
		if (!q)
			return 0;
		memcpy(q + 65536, data + 2, n);
		check_client_frame(WSP_BINARY, q, big);
		free(q);
	}
	return 0;
}
