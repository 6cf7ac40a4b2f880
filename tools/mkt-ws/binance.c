/* SPDX-License-Identifier: MIT */
/* binance.c -- Binance spot market streams
 *
 * wss://stream.binance.com:9443/stream, the combined-stream endpoint:
 * events arrive wrapped as {"stream":NAME,"data":EVENT}; a raw endpoint
 * (/ws/...) given with --url sends the events bare, and both are read.
 * Streams are <symbol>@<channel> in lower case: trade, aggTrade,
 * kline_<interval>, bookTicker. Binance allows 5 incoming messages a
 * second, so every stream goes in ONE {"method":"SUBSCRIBE","params":
 * [...],"id":1} message. Prices and quantities arrive as strings. The
 * server pings every 20 s and drops a client that does not pong within a
 * minute: main.c answers every ping at once, whatever the state of the
 * output. It also ends every connection after 24 hours, which is an
 * ordinary reconnect here. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "json.h"
#include "timeutil.h"
#include "ws.h"

static void binance_subscribe(struct ws *s)
{
	struct mkt_buf *b = &s->tmp2;
	mkt_buf_reset(b);
	mkt_buf_adds(b, "{\"method\":\"SUBSCRIBE\",\"params\":[");
	for (size_t c = 0; c < s->nchannels; c++)
		for (size_t i = 0; i < s->nsymbols; i++) {
			mkt_json_sep(b);
			mkt_buf_addc(b, '"');
			size_t at = b->len;
			ws_json_body(b, s->symbols[i]);
			for (size_t k = at; k < b->len; k++)
				b->p[k] = (char)tolower((unsigned char)b->p[k]);
			mkt_buf_addc(b, '@');
			ws_json_body(b, s->channels[c]);
			mkt_buf_addc(b, '"');
		}
	mkt_buf_adds(b, "],\"id\":1}");
	ws_send(s, b->p, b->len, 0);
}

static void binance_open(struct ws *s)
{
	binance_subscribe(s);
}

/* One event object (unwrapped). */
static void binance_event(struct ws *s, const char *ev, size_t len)
{
	struct mkt_jobj *o = &s->o2;
	char e[128];
	if (mkt_json_scan(o, ev, len, e, sizeof(e)) < 0) {
		ws_bad(s, "not JSON: %s", e);
		return;
	}
	const char *sym, *id;
	size_t syml, idl;
	double p, q;
	int64_t ts;
	if (ws_str(s, o, "s", &sym, &syml) < 0) {
		ws_bad(s, "event without \"s\"");
		return;
	}
	mkt_buf_reset(&s->tmp2);
	mkt_buf_add(&s->tmp2, sym, syml);
	sym = s->tmp2.p;
	if (ws_is(o, "e", "trade") || ws_is(o, "e", "aggTrade")) {
		int agg = ws_is(o, "e", "aggTrade");
		if (ws_num(o, "p", &p) < 0 || ws_num(o, "q", &q) < 0 ||
		    ws_time_ms(o, "T", &ts) < 0) {
			ws_bad(s, "trade without \"p\", \"q\" or \"T\"");
			return;
		}
		char idb[64];
		if (ws_rawval(o, agg ? "a" : "t", &id, &idl) == 0 && idl < 60) {
			idb[0] = agg ? 'a' : 't';
			memcpy(idb + 1, id, idl);
			ws_trade(s, sym, syml, p, q, ts, idb, idl + 1, ev, len);
		} else {
			ws_trade(s, sym, syml, p, q, ts, NULL, 0, ev, len);
		}
	} else if (ws_is(o, "e", "kline")) {
		const struct mkt_jfield *k = mkt_jobj_gets(o, "k");
		struct mkt_jobj *ko = &s->o3;
		if (!k || k->type != MKT_JOBJ ||
		    mkt_json_scan(ko, k->val, k->vlen, e, sizeof(e)) < 0) {
			ws_bad(s, "kline without a \"k\" object");
			return;
		}
		const struct mkt_jfield *x = mkt_jobj_gets(ko, "x");
		if (s->closed_bars_only && (!x || x->type != MKT_JTRUE))
			return;
		double op, hi, lo, cl, v, qv, vw = NAN;
		int64_t st, en;
		if (ws_num(ko, "o", &op) < 0 || ws_num(ko, "h", &hi) < 0 ||
		    ws_num(ko, "l", &lo) < 0 || ws_num(ko, "c", &cl) < 0 ||
		    ws_num(ko, "v", &v) < 0 || ws_time_ms(ko, "t", &st) < 0 ||
		    ws_time_ms(ko, "T", &en) < 0) {
			ws_bad(s, "kline without o, h, l, c, v, t or T");
			return;
		}
		if (ws_num(ko, "q", &qv) == 0 && v > 0)
			vw = qv / v;
		ws_bar(s, sym, syml, op, hi, lo, cl, v, vw, st, en + 1, ev, len);
	} else if (!mkt_jobj_gets(o, "e") && mkt_jobj_gets(o, "b") &&
	    mkt_jobj_gets(o, "a")) {
		/* bookTicker: best bid and ask, no time of its own */
		double b, bq, a, aq;
		if (ws_num(o, "b", &b) < 0 || ws_num(o, "B", &bq) < 0 ||
		    ws_num(o, "a", &a) < 0 || ws_num(o, "A", &aq) < 0) {
			ws_bad(s, "bookTicker without b, B, a or A");
			return;
		}
		ws_quote(s, sym, syml, b, bq, a, aq, mkt_now(MKT_TU_MS), ev, len);
	}
}

static void binance_frame(struct ws *s, const char *text, size_t len)
{
	struct mkt_jobj *o = &s->o;
	char e[128];
	if (len && text[0] == '[') {
		ws_each_object(s, text, len, binance_event);
		return;
	}
	if (mkt_json_scan(o, text, len, e, sizeof(e)) < 0) {
		ws_bad(s, "not JSON: %s", e);
		return;
	}
	const struct mkt_jfield *d = mkt_jobj_gets(o, "data");
	if (d && d->type == MKT_JOBJ) {
		binance_event(s, d->val, d->vlen);
		return;
	}
	if (d && d->type == MKT_JARR) {
		ws_each_object(s, d->val, d->vlen, binance_event);
		return;
	}
	const struct mkt_jfield *er = mkt_jobj_gets(o, "error");
	if (er) {
		ws_fatal(s, er->val, er->vlen);
		return;
	}
	if (mkt_jobj_gets(o, "result")) {
		ws_note(s, "subscribed", text, len);
		return;
	}
	binance_event(s, text, len);
}

const struct ws_preset ws_preset_binance = {
	.name = "binance",
	.default_url = "wss://stream.binance.com:9443/stream",
	.default_channels = "trade",
	.needs_symbols = 1,
	.on_open = binance_open,
	.on_frame = binance_frame,
	.on_subscribe = binance_subscribe,
};
