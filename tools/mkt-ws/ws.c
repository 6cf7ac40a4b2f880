/* SPDX-License-Identifier: MIT */
/* ws.c -- the client side of the WebSocket protocol (RFC 6455) on a byte
 * stream: the HTTP/1.1 upgrade, a frame parser that takes payloads in
 * bulk, and masked client frames.
 *
 * Bytes come in as the connection gives them (wsp_feed). The response
 * head is read up to its blank line and checked (101, Upgrade, the
 * Sec-WebSocket-Accept that answers our key, no extension or protocol we
 * did not offer). Frames are then decoded where they lie: a whole
 * unfragmented message inside a read is handed over in place, without a
 * copy; only a frame cut by the end of a read is copied (into part), and
 * only a fragmented message is put together (in msg, up to max_msg). A
 * message over the limit is skipped as it streams past. A server frame
 * that is masked, sets a reserved bit, has an unknown opcode, or breaks
 * the fragmentation rules is a protocol error. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "buf.h"
#include "wsproto.h"

#define HEAD_MAX 16384  /* longest response head accepted */
#define WS_GUID "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

/* ---- the upgrade ---- */

int wsp_start(struct wsp *w, struct mkt_buf *out, const char *host,
    int port, int default_port, const char *path)
{
	unsigned char nonce[16], md[EVP_MAX_MD_SIZE];
	char key[32], cat[96];
	unsigned mdlen = 0;
	if (RAND_bytes(nonce, sizeof(nonce)) != 1)
		return -1;
	EVP_EncodeBlock((unsigned char *)key, nonce, sizeof(nonce));
	snprintf(cat, sizeof(cat), "%s%s", key, WS_GUID);
	if (EVP_Digest(cat, strlen(cat), md, &mdlen, EVP_sha1(), NULL) != 1)
		return -1;
	EVP_EncodeBlock((unsigned char *)w->accept, md, (int)mdlen);
	w->open = w->closed = w->close_code = w->status = 0;
	w->err[0] = w->reason[0] = '\0';
	mkt_buf_reset(&w->head);
	mkt_buf_reset(&w->part);
	mkt_buf_reset(&w->msg);
	w->in_msg = w->skip_msg = w->skip_fin = 0;
	w->skip_left = 0;

	int v6 = strchr(host, ':') != NULL;
	mkt_buf_adds(out, "GET ");
	mkt_buf_adds(out, path);
	mkt_buf_adds(out, " HTTP/1.1\r\nHost: ");
	mkt_buf_adds(out, v6 ? "[" : "");
	mkt_buf_adds(out, host);
	mkt_buf_adds(out, v6 ? "]" : "");
	if (!default_port)
		mkt_buf_printf(out, ":%d", port);
	mkt_buf_adds(out, "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
	    "Sec-WebSocket-Key: ");
	mkt_buf_adds(out, key);
	mkt_buf_adds(out, "\r\nSec-WebSocket-Version: 13\r\n"
	    "User-Agent: mkt-ws\r\n\r\n");
	return out->oom ? -1 : 0;
}

/* Whether the header line l[0..n) is named name; *v gets its value with
 * the blanks around it taken off. */
static int header_is(const char *l, size_t n, const char *name,
    const char **v, size_t *vn)
{
	size_t k = strlen(name);
	if (n <= k || l[k] != ':' || strncasecmp(l, name, k))
		return 0;
	const char *p = l + k + 1, *e = l + n;
	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	*v = p;
	*vn = (size_t)(e - p);
	return 1;
}

/* Whether the comma list v[0..n) holds token tok (any case). */
static int has_token(const char *v, size_t n, const char *tok)
{
	size_t k = strlen(tok);
	for (size_t i = 0; i + k <= n; i++)
		if (!strncasecmp(v + i, tok, k) &&
		    (i == 0 || v[i - 1] == ',' || v[i - 1] == ' ') &&
		    (i + k == n || v[i + k] == ',' || v[i + k] == ' '))
			return 1;
	return 0;
}

/* Check the response head h[0..n) (the blank line excluded). 0, or -1
 * with w->err (and w->status for an answer other than 101). */
static int check_head(struct wsp *w, const char *h, size_t n)
{
	const char *e = h + n, *l = h;
	const char *nl = memchr(l, '\n', n);
	size_t ln = nl ? (size_t)(nl - l) : n;
	if (ln && l[ln - 1] == '\r')
		ln--;
	if (ln < 12 || strncmp(l, "HTTP/1.", 7) || l[8] != ' ' ||
	    l[9] < '1' || l[9] > '5' || l[10] < '0' || l[10] > '9' ||
	    l[11] < '0' || l[11] > '9') {
		snprintf(w->err, sizeof(w->err), "not an HTTP response");
		return -1;
	}
	int code = (l[9] - '0') * 100 + (l[10] - '0') * 10 + (l[11] - '0');
	if (code != 101) {
		size_t rn = ln > 13 ? ln - 13 : 0;
		w->status = code;
		snprintf(w->err, sizeof(w->err), "the server answered %d%s%.*s",
		    code, rn ? " " : "", (int)(rn > 80 ? 80 : rn), l + 13);
		for (char *c = w->err; *c; c++)
			if ((unsigned char)*c < 0x20 || *c == 0x7f)
				*c = ' ';
		return -1;
	}
	int upgrade = 0, conn = 0, accept = 0;
	for (l = nl ? nl + 1 : e; l < e; l = nl ? nl + 1 : e) {
		nl = memchr(l, '\n', (size_t)(e - l));
		ln = nl ? (size_t)(nl - l) : (size_t)(e - l);
		if (ln && l[ln - 1] == '\r')
			ln--;
		const char *v;
		size_t vn;
		if (header_is(l, ln, "Upgrade", &v, &vn))
			upgrade = vn == 9 && !strncasecmp(v, "websocket", 9);
		else if (header_is(l, ln, "Connection", &v, &vn))
			conn = has_token(v, vn, "upgrade");
		else if (header_is(l, ln, "Sec-WebSocket-Accept", &v, &vn))
			accept = vn == strlen(w->accept) && !memcmp(v, w->accept, vn);
		else if (header_is(l, ln, "Sec-WebSocket-Extensions", &v, &vn) ||
		    header_is(l, ln, "Sec-WebSocket-Protocol", &v, &vn)) {
			snprintf(w->err, sizeof(w->err), "the server chose an "
			    "extension or subprotocol that was not offered");
			return -1;
		}
	}
	if (!upgrade || !conn) {
		snprintf(w->err, sizeof(w->err), "the 101 answer lacks "
		    "\"Upgrade: websocket\" or \"Connection: Upgrade\"");
		return -1;
	}
	if (!accept) {
		snprintf(w->err, sizeof(w->err), "the server's "
		    "Sec-WebSocket-Accept does not answer our key");
		return -1;
	}
	return 0;
}

/* ---- frames ---- */

struct hdr {
	int fin, op;
	uint64_t len;
};

/* Decode the frame header at p[0..n): its length (2 to 10), 0 when more
 * bytes are needed, -1 on a protocol error (w->err). */
static int get_hdr(struct wsp *w, const unsigned char *p, size_t n,
    struct hdr *h)
{
	if (n < 2)
		return 0;
	h->fin = p[0] >> 7;
	h->op = p[0] & 15;
	if (p[0] & 0x70) {
		snprintf(w->err, sizeof(w->err), "protocol error: the server "
		    "set a reserved bit (no extension was agreed)");
		return -1;
	}
	if (p[1] & 0x80) {
		snprintf(w->err, sizeof(w->err), "protocol error: the server "
		    "masked a frame");
		return -1;
	}
	if (h->op > WSP_BINARY && (h->op < WSP_CLOSE || h->op > WSP_PONG)) {
		snprintf(w->err, sizeof(w->err), "protocol error: unknown "
		    "opcode %d", h->op);
		return -1;
	}
	unsigned l7 = p[1] & 0x7f;
	int hl = 2;
	if (l7 < 126) {
		h->len = l7;
	} else if (l7 == 126) {
		if (n < 4)
			return 0;
		h->len = (uint64_t)p[2] << 8 | p[3];
		hl = 4;
	} else {
		if (n < 10)
			return 0;
		if (p[2] & 0x80) {
			snprintf(w->err, sizeof(w->err), "protocol error: a frame "
			    "length over 2^63");
			return -1;
		}
		h->len = 0;
		for (int i = 2; i < 10; i++)
			h->len = h->len << 8 | p[i];
		hl = 10;
	}
	if (h->op >= WSP_CLOSE && (!h->fin || h->len > 125)) {
		snprintf(w->err, sizeof(w->err), "protocol error: a control "
		    "frame that is fragmented or longer than 125 bytes");
		return -1;
	}
	return hl;
}

/* Whether a data frame of header h starts (or continues) a message that
 * would go over the limit; checks the fragmentation rules too (-1). */
static int data_frame_check(struct wsp *w, const struct hdr *h)
{
	if (h->op == WSP_CONT && !w->in_msg) {
		snprintf(w->err, sizeof(w->err), "protocol error: a "
		    "continuation frame outside a message");
		return -1;
	}
	if (h->op != WSP_CONT && w->in_msg) {
		snprintf(w->err, sizeof(w->err), "protocol error: a new "
		    "message inside a fragmented one");
		return -1;
	}
	if (w->skip_msg)
		return 1;
	uint64_t have = h->op == WSP_CONT ? w->msg.len : 0;
	return h->len > w->max_msg || have + h->len > w->max_msg;
}

/* Act on one whole frame: header h, payload p[0..h->len). Returns 0, 1
 * (a close frame) or -1 (w->err). */
static int on_frame(struct wsp *w, const struct hdr *h, const char *p)
{
	size_t n = (size_t)h->len;
	switch (h->op) {
	case WSP_PING:
		w->ops->ping(w->arg, p, n);
		return 0;
	case WSP_PONG:
		return 0;
	case WSP_CLOSE:
		w->closed = 1;
		if (n == 1) {
			snprintf(w->err, sizeof(w->err), "protocol error: a close "
			    "frame of one byte");
			return -1;
		}
		if (n >= 2) {
			const unsigned char *c = (const unsigned char *)p;
			w->close_code = c[0] << 8 | c[1];
			size_t k = 0;
			for (size_t i = 2; i < n && k < sizeof(w->reason) - 1; i++)
				w->reason[k++] = (unsigned char)p[i] < 0x20 ? ' ' : p[i];
			w->reason[k] = '\0';
		}
		return 1;
	}
	if (h->op != WSP_CONT && h->fin) {
		w->ops->message(w->arg, p, n);
		return 0;
	}
	if (h->op != WSP_CONT) {
		w->in_msg = 1;
		mkt_buf_reset(&w->msg);
	}
	if (mkt_buf_add(&w->msg, p, n) < 0) {
		snprintf(w->err, sizeof(w->err), "out of memory");
		return -1;
	}
	if (h->fin) {
		w->in_msg = 0;
		w->ops->message(w->arg, w->msg.p, w->msg.len);
		mkt_buf_reset(&w->msg);
	}
	return 0;
}

/* A data frame of header h goes over the limit: skip its payload (the
 * next skip bytes of the stream) and, if it does not end the message,
 * the rest of the message. */
static void start_skip(struct wsp *w, const struct hdr *h)
{
	if (!w->skip_msg)
		w->ops->too_long(w->arg);
	w->skip_msg = !h->fin;
	w->in_msg = !h->fin;
	w->skip_left = h->len;
	w->skip_fin = h->fin;
	mkt_buf_reset(&w->msg);
}

/* The frame parser proper, on bytes after the response head. */
static int feed_frames(struct wsp *w, const char *p, size_t n)
{
	struct hdr h;
	int hl, r;
	while (n) {
		if (w->skip_left) {
			size_t k = w->skip_left < n ? (size_t)w->skip_left : n;
			w->skip_left -= k;
			p += k;
			n -= k;
			continue;
		}
		if (w->part.len) {
			/* a frame begun in an earlier read: its header first,
			 * byte by byte (at most 10), then its payload in bulk */
			while (!(hl = get_hdr(w, (unsigned char *)w->part.p,
			    w->part.len, &h)) && n) {
				mkt_buf_addc(&w->part, *p++);
				n--;
			}
			if (hl <= 0)
				return hl;
			if (h.op < WSP_CLOSE && (r = data_frame_check(w, &h)) != 0) {
				if (r < 0)
					return -1;
				start_skip(w, &h);
				w->skip_left -= w->part.len - (size_t)hl;
				mkt_buf_reset(&w->part);
				continue;
			}
			size_t total = (size_t)hl + (size_t)h.len;
			size_t k = total - w->part.len < n ? total - w->part.len : n;
			if (mkt_buf_add(&w->part, p, k) < 0) {
				snprintf(w->err, sizeof(w->err), "out of memory");
				return -1;
			}
			p += k;
			n -= k;
			if (w->part.len < total)
				return 0;
			r = on_frame(w, &h, w->part.p + hl);
			mkt_buf_reset(&w->part);
			if (r)
				return r;
			continue;
		}
		hl = get_hdr(w, (const unsigned char *)p, n, &h);
		if (hl < 0)
			return -1;
		if (hl > 0 && h.op < WSP_CLOSE &&
		    (r = data_frame_check(w, &h)) != 0) {
			if (r < 0)
				return -1;
			start_skip(w, &h);
			p += hl;
			n -= (size_t)hl;
			continue;
		}
		if (hl == 0 || h.len > n - (size_t)hl) {
			if (mkt_buf_add(&w->part, p, n) < 0) {
				snprintf(w->err, sizeof(w->err), "out of memory");
				return -1;
			}
			return 0;
		}
		if ((r = on_frame(w, &h, p + hl)) != 0)
			return r;
		p += (size_t)hl + (size_t)h.len;
		n -= (size_t)hl + (size_t)h.len;
	}
	return 0;
}

int wsp_feed(struct wsp *w, const char *p, size_t n)
{
	if (w->closed)
		return 1;
	if (w->open)
		return feed_frames(w, p, n);
	/* the response head: up to its blank line */
	size_t old = w->head.len;
	size_t k = n < HEAD_MAX + 4 - old ? n : HEAD_MAX + 4 - old;
	if (mkt_buf_add(&w->head, p, k) < 0) {
		snprintf(w->err, sizeof(w->err), "out of memory");
		return -1;
	}
	const char *end = NULL;
	size_t from = old > 3 ? old - 3 : 0;
	for (size_t i = from; i + 4 <= w->head.len; i++)
		if (!memcmp(w->head.p + i, "\r\n\r\n", 4)) {
			end = w->head.p + i;
			break;
		}
	if (!end) {
		/* full (a head of HEAD_MAX bytes and its blank line) without
		 * the blank line: too long, however the reads were cut */
		if (w->head.len >= HEAD_MAX + 4) {
			snprintf(w->err, sizeof(w->err), "the response head is "
			    "longer than %d bytes", HEAD_MAX);
			return -1;
		}
		return 0;
	}
	size_t hn = (size_t)(end - w->head.p);
	if (check_head(w, w->head.p, hn) < 0)
		return -1;
	w->open = 1;
	w->ops->open(w->arg);
	/* what came after the head is the first frames */
	size_t used = hn + 4 - old;
	mkt_buf_reset(&w->head);
	return feed_frames(w, p + used, n - used);
}

int wsp_frame(struct mkt_buf *out, int op, const void *p, size_t n)
{
	unsigned char h[14], mask[4];
	size_t hl = 2;
	if (RAND_bytes(mask, 4) != 1)
		return -1;
	h[0] = (unsigned char)(0x80 | op);
	if (n < 126) {
		h[1] = (unsigned char)(0x80 | n);
	} else if (n < 65536) {
		h[1] = 0x80 | 126;
		h[2] = (unsigned char)(n >> 8);
		h[3] = (unsigned char)n;
		hl = 4;
	} else {
		h[1] = 0x80 | 127;
		for (int i = 0; i < 8; i++)
			h[2 + i] = (unsigned char)((uint64_t)n >> (56 - 8 * i));
		hl = 10;
	}
	memcpy(h + hl, mask, 4);
	hl += 4;
	if (mkt_buf_add(out, h, hl) < 0 || mkt_buf_reserve(out, n) < 0)
		return -1;
	unsigned char *d = (unsigned char *)out->p + out->len;
	const unsigned char *s = p;
	for (size_t i = 0; i < n; i++)
		d[i] = s[i] ^ mask[i & 3];
	out->len += n;
	out->p[out->len] = '\0';
	return 0;
}

void wsp_free(struct wsp *w)
{
	mkt_buf_free(&w->head);
	mkt_buf_free(&w->part);
	mkt_buf_free(&w->msg);
}
