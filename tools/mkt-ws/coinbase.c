/* SPDX-License-Identifier: MIT */
/* coinbase.c -- the Coinbase Exchange market data feed
 *
 * wss://ws-feed.exchange.coinbase.com. One subscribe message names the
 * products and channels: {"type":"subscribe","product_ids":[...],
 * "channels":["matches","heartbeat"]}. "match" and "last_match" become
 * trades (last_match is replayed on every subscribe, so after a
 * reconnect it is dropped by trade_id), "ticker" becomes a quote of the
 * best bid and ask; "heartbeat" keeps a quiet product's connection
 * known to be alive; "error" stops the program. Times are ISO 8601 with
 * microseconds, prices and sizes strings. The Advanced Trade feed
 * (--url wss://advanced-trade-ws.coinbase.com, --channels market_trades)
 * is read too: its "market_trades" events hold arrays of trades. */
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "json.h"
#include "ws.h"

static void coinbase_subscribe(struct ws *s)
{
	struct mkt_buf *b = &s->tmp2;
	int advanced = 0;
	for (size_t c = 0; c < s->nchannels; c++)
		if (!strcmp(s->channels[c], "market_trades"))
			advanced = 1;
	/* Advanced Trade takes one channel per message */
	for (size_t c = 0; c < (advanced ? s->nchannels : 1); c++) {
		mkt_buf_reset(b);
		mkt_buf_adds(b, "{\"type\":\"subscribe\",\"product_ids\":[");
		for (size_t i = 0; i < s->nsymbols; i++) {
			mkt_json_sep(b);
			mkt_json_str(b, s->symbols[i], strlen(s->symbols[i]));
		}
		if (advanced) {
			mkt_buf_adds(b, "],\"channel\":");
			mkt_json_str(b, s->channels[c], strlen(s->channels[c]));
		} else {
			mkt_buf_adds(b, "],\"channels\":[");
			for (size_t k = 0; k < s->nchannels; k++) {
				mkt_json_sep(b);
				mkt_json_str(b, s->channels[k], strlen(s->channels[k]));
			}
			mkt_buf_addc(b, ']');
		}
		mkt_buf_addc(b, '}');
		ws_send(s, b->p, b->len, 0);
	}
}

static void coinbase_open(struct ws *s)
{
	coinbase_subscribe(s);
}

/* A trade object of either feed: product_id, price, size, time, trade_id. */
static void coinbase_trade(struct ws *s, struct mkt_jobj *o, const char *ev,
    size_t len)
{
	const char *sym, *id;
	size_t syml, idl;
	double p, z;
	int64_t ts;
	if (ws_str(s, o, "product_id", &sym, &syml) < 0 ||
	    ws_num(o, "price", &p) < 0 || ws_num(o, "size", &z) < 0 ||
	    ws_time_ms(o, "time", &ts) < 0) {
		ws_bad(s, "trade without product_id, price, size or time");
		return;
	}
	mkt_buf_reset(&s->tmp2);
	mkt_buf_add(&s->tmp2, sym, syml);
	if (ws_rawval(o, "trade_id", &id, &idl) < 0)
		id = NULL, idl = 0;
	ws_trade(s, s->tmp2.p, syml, p, z, ts, id, idl, ev, len);
}

static void market_trade(struct ws *s, const char *ev, size_t len)
{
	char e[128];
	if (mkt_json_scan(&s->o3, ev, len, e, sizeof(e)) < 0) {
		ws_bad(s, "not JSON: %s", e);
		return;
	}
	coinbase_trade(s, &s->o3, ev, len);
}

static void market_event(struct ws *s, const char *ev, size_t len)
{
	char e[128];
	if (mkt_json_scan(&s->o2, ev, len, e, sizeof(e)) < 0) {
		ws_bad(s, "not JSON: %s", e);
		return;
	}
	const struct mkt_jfield *t = mkt_jobj_gets(&s->o2, "trades");
	if (t && t->type == MKT_JARR)
		ws_each_object(s, t->val, t->vlen, market_trade);
}

static void coinbase_frame(struct ws *s, const char *text, size_t len)
{
	struct mkt_jobj *o = &s->o;
	char e[128];
	if (mkt_json_scan(o, text, len, e, sizeof(e)) < 0) {
		ws_bad(s, "not JSON: %s", e);
		return;
	}
	if (ws_is(o, "type", "match") || ws_is(o, "type", "last_match")) {
		coinbase_trade(s, o, text, len);
	} else if (ws_is(o, "type", "ticker")) {
		const char *sym;
		size_t syml;
		double b, bq, a, aq;
		int64_t ts;
		if (ws_str(s, o, "product_id", &sym, &syml) < 0 ||
		    ws_num(o, "best_bid", &b) < 0 || ws_num(o, "best_ask", &a) < 0 ||
		    ws_time_ms(o, "time", &ts) < 0) {
			ws_bad(s, "ticker without product_id, best_bid, best_ask or time");
			return;
		}
		if (ws_num(o, "best_bid_size", &bq) < 0)
			bq = 0;
		if (ws_num(o, "best_ask_size", &aq) < 0)
			aq = 0;
		ws_quote(s, sym, syml, b, bq, a, aq, ts, text, len);
	} else if (ws_is(o, "type", "error")) {
		const char *m;
		size_t ml;
		if (ws_rawval(o, "reason", &m, &ml) < 0 &&
		    ws_rawval(o, "message", &m, &ml) < 0)
			m = text, ml = len;
		ws_fatal(s, m, ml);
	} else if (ws_is(o, "channel", "market_trades")) {
		const struct mkt_jfield *ev = mkt_jobj_gets(o, "events");
		if (ev && ev->type == MKT_JARR)
			ws_each_object(s, ev->val, ev->vlen, market_event);
	} else if (ws_is(o, "type", "subscriptions") ||
	    ws_is(o, "channel", "subscriptions")) {
		ws_note(s, "subscribed", text, len);
	}
	/* heartbeat and other messages: alive, nothing to write */
}

const struct ws_preset ws_preset_coinbase = {
	.name = "coinbase",
	.default_url = "wss://ws-feed.exchange.coinbase.com",
	.default_channels = "matches,heartbeat",
	.needs_symbols = 1,
	.on_open = coinbase_open,
	.on_frame = coinbase_frame,
	.on_subscribe = coinbase_subscribe,
};
