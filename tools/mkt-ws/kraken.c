/* SPDX-License-Identifier: MIT */
/* kraken.c -- Kraken spot WebSocket API v2
 *
 * wss://ws.kraken.com/v2, public channels, no key. One message per
 * channel names every symbol: {"method":"subscribe","params":
 * {"channel":"trade","symbol":["BTC/USD",..]}}. Acks carry "success";
 * false stops the program. "trade" updates and snapshots hold arrays of
 * trades (price, qty, trade_id, RFC 3339 timestamp); "ticker" becomes a
 * quote (bid, bid_qty, ask, ask_qty, and its RFC 3339 timestamp, or the
 * time of arrival where a ticker carries none, as it did before Kraken
 * added the field); "heartbeat" arrives every second once subscribed,
 * and "status" reports the system state. */
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "json.h"
#include "timeutil.h"
#include "ws.h"

static void kraken_subscribe(struct ws *s)
{
	struct mkt_buf *b = &s->tmp2;
	for (size_t c = 0; c < s->nchannels; c++) {
		mkt_buf_reset(b);
		mkt_buf_adds(b, "{\"method\":\"subscribe\",\"params\":{\"channel\":");
		mkt_json_str(b, s->channels[c], strlen(s->channels[c]));
		mkt_buf_adds(b, ",\"symbol\":[");
		for (size_t i = 0; i < s->nsymbols; i++) {
			mkt_json_sep(b);
			mkt_json_str(b, s->symbols[i], strlen(s->symbols[i]));
		}
		mkt_buf_adds(b, "]}}");
		ws_send(s, b->p, b->len, 0);
	}
}

static void kraken_open(struct ws *s)
{
	kraken_subscribe(s);
}

static void kraken_trade(struct ws *s, const char *ev, size_t len)
{
	struct mkt_jobj *o = &s->o2;
	char e[128];
	const char *sym, *id;
	size_t syml, idl;
	double p, q;
	int64_t ts;
	if (mkt_json_scan(o, ev, len, e, sizeof(e)) < 0) {
		ws_bad(s, "not JSON: %s", e);
		return;
	}
	if (ws_str(s, o, "symbol", &sym, &syml) < 0 ||
	    ws_num(o, "price", &p) < 0 || ws_num(o, "qty", &q) < 0 ||
	    ws_time_ms(o, "timestamp", &ts) < 0) {
		ws_bad(s, "trade without symbol, price, qty or timestamp");
		return;
	}
	mkt_buf_reset(&s->tmp2);
	mkt_buf_add(&s->tmp2, sym, syml);
	if (ws_rawval(o, "trade_id", &id, &idl) < 0)
		id = NULL, idl = 0;
	ws_trade(s, s->tmp2.p, syml, p, q, ts, id, idl, ev, len);
}

static void kraken_ticker(struct ws *s, const char *ev, size_t len)
{
	struct mkt_jobj *o = &s->o2;
	char e[128];
	const char *sym;
	size_t syml;
	double b, bq, a, aq;
	if (mkt_json_scan(o, ev, len, e, sizeof(e)) < 0) {
		ws_bad(s, "not JSON: %s", e);
		return;
	}
	if (ws_str(s, o, "symbol", &sym, &syml) < 0 ||
	    ws_num(o, "bid", &b) < 0 || ws_num(o, "bid_qty", &bq) < 0 ||
	    ws_num(o, "ask", &a) < 0 || ws_num(o, "ask_qty", &aq) < 0) {
		ws_bad(s, "ticker without symbol, bid, bid_qty, ask or ask_qty");
		return;
	}
	int64_t ts;
	if (!mkt_jobj_gets(o, "timestamp"))
		ts = mkt_now(MKT_TU_MS);
	else if (ws_time_ms(o, "timestamp", &ts) < 0) {
		ws_bad(s, "ticker with a \"timestamp\" that is not a time");
		return;
	}
	ws_quote(s, sym, syml, b, bq, a, aq, ts, ev, len);
}

static void kraken_frame(struct ws *s, const char *text, size_t len)
{
	struct mkt_jobj *o = &s->o;
	char e[128];
	if (mkt_json_scan(o, text, len, e, sizeof(e)) < 0) {
		ws_bad(s, "not JSON: %s", e);
		return;
	}
	const struct mkt_jfield *d = mkt_jobj_gets(o, "data");
	if (ws_is(o, "channel", "trade") || ws_is(o, "channel", "ticker")) {
		if (!d || d->type != MKT_JARR) {
			ws_bad(s, "message without a \"data\" array");
			return;
		}
		ws_each_object(s, d->val, d->vlen, ws_is(o, "channel", "trade") ?
		    kraken_trade : kraken_ticker);
		return;
	}
	const struct mkt_jfield *ok = mkt_jobj_gets(o, "success");
	if (ok && ok->type == MKT_JFALSE) {
		const char *m;
		size_t ml;
		if (ws_rawval(o, "error", &m, &ml) < 0)
			m = text, ml = len;
		ws_fatal(s, m, ml);
	} else if (ok) {
		ws_note(s, "subscribed", text, len);
	} else if (ws_is(o, "channel", "status")) {
		ws_note(s, "status", text, len);
	}
	/* heartbeat, pong: alive, nothing to write */
}

const struct ws_preset ws_preset_kraken = {
	.name = "kraken",
	.default_url = "wss://ws.kraken.com/v2",
	.default_channels = "trade",
	.needs_symbols = 1,
	.on_open = kraken_open,
	.on_frame = kraken_frame,
	.on_subscribe = kraken_subscribe,
};
