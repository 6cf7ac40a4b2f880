/* SPDX-License-Identifier: MIT */
/* wsproto.h -- the client side of RFC 6455 (ws.c) and TLS over memory
 * buffers (tls.c), for mkt-ws's connection loop.
 *
 * libwebsockets carries the bytes (connect, event loop, timers) in its
 * raw role; these two modules turn them into WebSocket messages. Neither
 * touches a socket or prints: they fill buffers and report through
 * callbacks and error strings. */
#ifndef MKT_WS_PROTO_H
#define MKT_WS_PROTO_H
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* ---- WebSocket (ws.c) ---- */

enum { WSP_CONT = 0, WSP_TEXT = 1, WSP_BINARY = 2, WSP_CLOSE = 8,
	WSP_PING = 9, WSP_PONG = 10 };

/* What the parser reports, with the caller's arg. message gets a whole
 * data message (text or binary), its bytes valid during the call only;
 * too_long is called once for a message over the size limit, which is
 * skipped; ping gets a ping's payload (answer it with a pong). */
struct wsp_ops {
	void (*open)(void *arg);
	void (*message)(void *arg, const char *p, size_t n);
	void (*too_long)(void *arg);
	void (*ping)(void *arg, const char *p, size_t n);
};

struct wsp {
	const struct wsp_ops *ops;
	void *arg;
	size_t max_msg;      /* largest message accepted */
	int open;            /* the upgrade was accepted */
	int closed;          /* the server sent a close frame */
	int close_code;      /* its status code, or 0 when it gave none */
	int status;          /* HTTP status of a refused upgrade, or 0 */
	char accept[32];     /* the Sec-WebSocket-Accept we expect */
	char err[200];       /* why wsp_feed() failed */
	char reason[124];    /* the close frame's reason, printable */
	struct mkt_buf head; /* the response head so far */
	struct mkt_buf part; /* a frame that straddles two reads */
	struct mkt_buf msg;  /* a fragmented message being put together */
	int in_msg;          /* a fragmented message is open */
	int skip_msg;        /* ... and it is over the limit: skipped */
	uint64_t skip_left;  /* payload bytes of the current frame to skip */
	int skip_fin;        /* that frame ends its message */
};

/* Reset w for a new connection and append the HTTP/1.1 upgrade request
 * for host:port/path (default_port: whether port need not be named in
 * Host) to out, with a fresh random key. 0, or -1 if no random bytes. */
int wsp_start(struct wsp *w, struct mkt_buf *out, const char *host,
    int port, int default_port, const char *path);

/* Feed bytes read from the connection. Returns 0 (go on), 1 (the server
 * sent a close frame: w->close_code and w->reason say what; echo it and
 * close) or -1 (the upgrade was refused, with w->status set for an HTTP
 * answer, or the server broke the protocol: w->err says why; close). */
int wsp_feed(struct wsp *w, const char *p, size_t n);

/* Append one masked client frame (FIN set) of opcode op with payload
 * p[0..n) to out. 0, or -1 if no random bytes or out of memory. */
int wsp_frame(struct mkt_buf *out, int op, const void *p, size_t n);

void wsp_free(struct wsp *w);

/* ---- TLS over memory buffers (tls.c) ---- */

struct tlsc;

/* The client TLS settings: the system's trust store and cafile (or NULL)
 * on top, or no verification at all with insecure. NULL with errstr. */
struct tlsc *tlsc_new(const char *cafile, int insecure, char *errstr,
    size_t errsize);
/* Begin a session with host (a name, checked against the certificate
 * and sent as SNI, or an IP address, checked against its IP entries):
 * the ClientHello is appended to tx. 0 or -1 with errstr. */
int tlsc_start(struct tlsc *t, const char *host, struct mkt_buf *tx,
    char *errstr, size_t errsize);
/* Bytes from the socket. Returns 1 when the handshake has just
 * completed, 0 otherwise, -1 on failure (errstr says why), -2 when the
 * server's certificate did not pass the check. What the handshake wants
 * sent is appended to tx. */
int tlsc_feed(struct tlsc *t, const char *p, size_t n, struct mkt_buf *tx,
    char *errstr, size_t errsize);
/* Decrypted bytes into buf: the count, 0 when none are ready, -1 on a
 * failure (errstr says why). Call until it gives 0. */
long tlsc_read(struct tlsc *t, char *buf, size_t cap, struct mkt_buf *tx,
    char *errstr, size_t errsize);
/* Encrypt p[0..n) onto tx (after the handshake). 0 or -1. */
int tlsc_write(struct tlsc *t, const void *p, size_t n, struct mkt_buf *tx);
/* End the session (the settings stay). */
void tlsc_end(struct tlsc *t);
void tlsc_free(struct tlsc *t);

#endif
