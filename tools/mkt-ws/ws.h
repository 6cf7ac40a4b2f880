/* SPDX-License-Identifier: MIT */
/* ws.h -- what mkt-ws's connection loop (main.c) and its venue presets
 * (one file each) share: the preset table entry, the session a preset
 * talks to, and the record emitters that turn venue events into ticks,
 * quotes and bars.
 *
 * A preset never touches the socket: it queues text messages with
 * ws_send(), reads frames handed to it whole, and reports what it saw
 * (records through the emitters, an authentication failure, a venue that
 * says it is busy, a malformed frame). main.c does the rest. */
#ifndef MKT_WS_H
#define MKT_WS_H
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "json.h"

struct ws;

/* What a preset does. build_url may be NULL (the default URL is used as
 * is); on_open queues the first messages of a connection (auth, or the
 * subscription when there is no auth step); on_frame handles one whole
 * text frame. */
struct ws_preset {
	const char *name;
	const char *default_url;
	const char *default_channels;  /* comma list, or NULL */
	int needs_symbols;
	/* Append the URL to connect to (the preset's default, or --url) to
	 * out, adding what the venue wants in it (streams, a token). 0, or
	 * -1 with the reason in errstr (a key that is not set). */
	int (*build_url)(struct ws *s, const char *base, struct mkt_buf *out,
	    char *errstr, size_t errsize);
	void (*on_open)(struct ws *s);
	void (*on_frame)(struct ws *s, const char *text, size_t len);
	/* Queue the subscription (after auth, or from on_open). */
	void (*on_subscribe)(struct ws *s);
};

extern const struct ws_preset ws_preset_massive, ws_preset_binance,
    ws_preset_coinbase, ws_preset_finnhub, ws_preset_alpaca,
    ws_preset_kraken, ws_preset_generic;

/* The session as a preset sees it. */
struct ws {
	const struct ws_preset *preset;
	char **symbols;            /* --symbols, split */
	size_t nsymbols;
	char **channels;           /* --channels (or the preset's default), split */
	size_t nchannels;
	const char *market;        /* --market, or NULL */
	char **sends;              /* --send messages, in order */
	size_t nsends;
	struct mkt_jq *map;        /* --map, compiled */
	int raw;                   /* --raw: add the venue's event as "raw" */
	int closed_bars_only;      /* bars: only closed (final) ones */
	/* scratch the presets may use, reused across frames */
	struct mkt_jobj o, o2, o3;
	struct mkt_buf tmp, tmp2; /* tmp2.wipe is set: keys are built in it */
	void *priv;                /* the preset's own state */
};

/* Queue one text message for the current connection (sent in order as
 * the socket allows); msg is copied. A secret message is never echoed
 * with -v, and its copy is wiped (mkt_buf_wipe()) once it has been framed
 * for the socket, or when its connection ends before it was sent, and
 * at exit. The caller wipes msg. */
void ws_send(struct ws *s, const char *msg, size_t len, int secret);
/* Queue a secret message as ws_send() does; -v shows shown (text
 * without the secret) in its place. */
void ws_send_secret(struct ws *s, const char *msg, size_t len,
    const char *shown);
/* The preset has finished its auth step: queue the subscription. */
void ws_subscribed(struct ws *s);
/* Authentication was refused: report msg and stop with exit status 1. */
void ws_auth_failed(struct ws *s, const char *msg, size_t len);
/* The venue refused the session for now (too many connections, rate
 * limit): close and reconnect after the longest backoff. */
void ws_busy(struct ws *s, const char *msg, size_t len);
/* The venue reported an error that a new connection may mend (a slow
 * client, an internal error): report it, close, and reconnect after the
 * usual backoff. */
void ws_reconnect(struct ws *s, const char *msg, size_t len);
/* The venue reported an error that retrying will not mend (a bad
 * subscription): report it and stop with exit status 1. */
void ws_fatal(struct ws *s, const char *msg, size_t len);
/* A frame or an event in it could not be understood: counted, reported
 * with the frame number (rate-limited). */
void ws_bad(struct ws *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Report at -v (a status message of the venue, say). */
void ws_note(struct ws *s, const char *what, const char *msg, size_t len);

/* A secret from the environment, or NULL (a message says which variable
 * is missing when required). */
const char *ws_env(const char *name);

/* Expand the ${NAME} references of a --send message tmpl from the
 * environment into out (appended), each value written as the body of a
 * JSON string (quotes, backslashes and control bytes escaped); "$${"
 * stands for a literal "${". *nvars gets the number of references. out
 * should have out->wipe set (it grows leaving no copy of a value behind);
 * the caller wipes it with mkt_buf_wipe() or mkt_buf_free() when done, on
 * error too.
 * 0, -1 when tmpl is malformed (an unclosed "${" or a bad name) or -2
 * when a variable is unset or empty; err says which. */
int ws_expand(struct mkt_buf *out, const char *tmpl, int *nvars, char *err,
    size_t errsize);

/* ---- records ---- */

/* A trade. id (may be NULL) is the venue's trade id: a trade whose id was
 * already seen recently for that symbol is dropped as a duplicate. raw is
 * the venue's event text (added as "raw" with --raw). */
void ws_trade(struct ws *s, const char *sym, size_t symlen, double price,
    double size, int64_t ts_ms, const char *id, size_t idlen,
    const char *raw, size_t rawlen);
/* A trade straight from the fields of a scanned event: the symbol (a
 * string), price and size (numbers, or strings holding them) and time
 * (ms, or RFC 3339), each copied as text where the text is already what
 * ws_trade() would write. -1 (nothing written) when a field is not of
 * its type. */
int ws_trade_f(struct ws *s, const struct mkt_jfield *sym,
    const struct mkt_jfield *price, const struct mkt_jfield *size,
    const struct mkt_jfield *ts, const char *id, size_t idlen,
    const char *raw, size_t rawlen);
void ws_quote(struct ws *s, const char *sym, size_t symlen, double bid,
    double bid_size, double ask, double ask_size, int64_t ts_ms,
    const char *raw, size_t rawlen);
/* A bar [start, end) in epoch ms; vwap NaN when the venue gives none. */
void ws_bar(struct ws *s, const char *sym, size_t symlen, double open,
    double high, double low, double close, double volume, double vwap,
    int64_t start_ms, int64_t end_ms, const char *raw, size_t rawlen);
/* A ready record line (from --map), written as is. */
void ws_line(struct ws *s, const char *line, size_t len);

/* ---- helpers for presets ---- */

/* Call fn for each object of a frame that is either one JSON object or an
 * array of them (the frame has been validated). Elements that are not
 * objects are reported as bad. */
void ws_each_object(struct ws *s, const char *text, size_t len,
    void (*fn)(struct ws *s, const char *obj, size_t olen));
/* Field accessors on a scanned object: 0 on success, -1 when missing or
 * of the wrong type. ws_num accepts a number or a string holding one
 * (venues that send prices as strings). */
int ws_num(struct mkt_jobj *o, const char *key, double *out);
int ws_str(struct ws *s, struct mkt_jobj *o, const char *key,
    const char **out, size_t *olen);
/* A time field in ms: a number (already ms) or an RFC 3339 string. */
int ws_time_ms(struct mkt_jobj *o, const char *key, int64_t *out);
/* Whether string field key equals lit. */
int ws_is(struct mkt_jobj *o, const char *key, const char *lit);
/* The raw text (with quotes for strings) of any field, for ids. */
int ws_rawval(struct mkt_jobj *o, const char *key, const char **out,
    size_t *olen);
/* Append s as a JSON string body (escaped, no quotes) to b. */
void ws_json_body(struct mkt_buf *b, const char *str);

#endif
