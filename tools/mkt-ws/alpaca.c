/* SPDX-License-Identifier: MIT */
/* alpaca.c -- Alpaca market data stream (v2)
 *
 * wss://stream.data.alpaca.markets/v2/<feed> (iex by default; --market
 * sip, delayed_sip, or crypto for v1beta3/crypto/us). The server greets
 * with [{"T":"success","msg":"connected"}]; the client sends
 * {"action":"auth","key":..,"secret":..} from ALPACA_API_KEY_ID and
 * ALPACA_API_SECRET_KEY and, on "authenticated", one subscribe message
 * {"action":"subscribe","trades":[..],"quotes":[..],"bars":[..]}.
 * Messages are arrays: "T":"t" trades, "q" quotes, "b" minute bars, with
 * RFC 3339 times carrying nanoseconds. "error" messages, by code (as
 * Alpaca's stream documentation lists them): 402 (auth failed) stops the
 * program as a refused key; 406 (connection limit exceeded: the venue
 * still holds an earlier session) and 429 back off to the longest delay;
 * 407 (slow client), 500 (internal error), and 401 (not authenticated)
 * or 404 (auth timeout), which say that the session's authentication did
 * not go through in time rather than that the key is wrong, close the
 * connection and reconnect after the usual backoff; any other code (400
 * invalid syntax, 405 symbol limit exceeded, 409 insufficient
 * subscription, ...) is a request that retrying will not mend, and stops
 * the program. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "json.h"
#include "ws.h"

static int alpaca_url(struct ws *s, const char *base, struct mkt_buf *out,
    char *errstr, size_t errsize)
{
	if (!ws_env("ALPACA_API_KEY_ID") || !ws_env("ALPACA_API_SECRET_KEY")) {
		snprintf(errstr, errsize, "ALPACA_API_KEY_ID and "
		    "ALPACA_API_SECRET_KEY must be set");
		return -1;
	}
	if (base) {
		mkt_buf_adds(out, base);
		return 0;
	}
	if (s->market && !strcmp(s->market, "crypto"))
		mkt_buf_adds(out, "wss://stream.data.alpaca.markets/v1beta3/crypto/us");
	else {
		mkt_buf_adds(out, "wss://stream.data.alpaca.markets/v2/");
		mkt_buf_adds(out, s->market ? s->market : "iex");
	}
	return 0;
}

static void alpaca_open(struct ws *s)
{
	const char *id = ws_env("ALPACA_API_KEY_ID");
	const char *sec = ws_env("ALPACA_API_SECRET_KEY");
	if (!id || !sec) {
		const char m[] = "ALPACA_API_KEY_ID and ALPACA_API_SECRET_KEY "
		    "must be set";
		ws_auth_failed(s, m, sizeof(m) - 1);
		return;
	}
	/* built in tmp2, which grows leaving no copy of the keys behind, and
	 * wiped once queued (ws_send() wipes its own copy) */
	struct mkt_buf *b = &s->tmp2;
	mkt_buf_wipe(b);
	mkt_buf_adds(b, "{\"action\":\"auth\",\"key\":\"");
	ws_json_body(b, id);
	mkt_buf_adds(b, "\",\"secret\":\"");
	ws_json_body(b, sec);
	mkt_buf_adds(b, "\"}");
	ws_send(s, b->p, b->len, 1);
	mkt_buf_wipe(b);
}

static void alpaca_subscribe(struct ws *s)
{
	struct mkt_buf *b = &s->tmp2;
	mkt_buf_reset(b);
	mkt_buf_adds(b, "{\"action\":\"subscribe\"");
	for (size_t c = 0; c < s->nchannels; c++) {
		mkt_json_key(b, s->channels[c]);
		mkt_buf_addc(b, '[');
		for (size_t i = 0; i < s->nsymbols; i++) {
			mkt_json_sep(b);
			mkt_json_str(b, s->symbols[i], strlen(s->symbols[i]));
		}
		mkt_buf_addc(b, ']');
	}
	mkt_buf_addc(b, '}');
	ws_send(s, b->p, b->len, 0);
}

static void alpaca_event(struct ws *s, const char *ev, size_t len)
{
	struct mkt_jobj *o = &s->o;
	char e[128];
	if (mkt_json_scan(o, ev, len, e, sizeof(e)) < 0) {
		ws_bad(s, "not JSON: %s", e);
		return;
	}
	const char *t, *sym, *msg = "";
	size_t tl, syml, msgl = 0;
	if (ws_str(s, o, "T", &t, &tl) < 0) {
		ws_bad(s, "message without \"T\"");
		return;
	}
	if (tl == 7 && !memcmp(t, "success", 7)) {
		ws_rawval(o, "msg", &msg, &msgl);
		if (ws_is(o, "msg", "authenticated")) {
			ws_note(s, "authenticated", msg, msgl);
			ws_subscribed(s);
		} else {
			ws_note(s, "status", msg, msgl);
		}
		return;
	}
	if (tl == 5 && !memcmp(t, "error", 5)) {
		double code = 0;
		ws_num(o, "code", &code);
		if (ws_rawval(o, "msg", &msg, &msgl) < 0)
			msg = ev, msgl = len;
		if (code == 402)
			ws_auth_failed(s, msg, msgl);
		else if (code == 406 || code == 429)
			ws_busy(s, msg, msgl);
		else if (code == 407 || code == 500 || code == 401 || code == 404)
			ws_reconnect(s, msg, msgl);
		else
			ws_fatal(s, msg, msgl);
		return;
	}
	if (tl == 12 && !memcmp(t, "subscription", 12)) {
		ws_note(s, "subscribed", ev, len);
		return;
	}
	if (tl != 1 || (t[0] != 't' && t[0] != 'q' && t[0] != 'b'))
		return;
	if (ws_str(s, o, "S", &sym, &syml) < 0) {
		ws_bad(s, "\"%c\" message without \"S\"", t[0]);
		return;
	}
	mkt_buf_reset(&s->tmp2);
	mkt_buf_add(&s->tmp2, sym, syml);
	sym = s->tmp2.p;
	int64_t ts;
	if (ws_time_ms(o, "t", &ts) < 0) {
		ws_bad(s, "\"%c\" message without a time \"t\"", t[0]);
		return;
	}
	if (t[0] == 't') {
		double p, z;
		const char *id;
		size_t idl;
		if (ws_num(o, "p", &p) < 0 || ws_num(o, "s", &z) < 0) {
			ws_bad(s, "trade without \"p\" or \"s\"");
			return;
		}
		if (ws_rawval(o, "i", &id, &idl) < 0)
			id = NULL, idl = 0;
		ws_trade(s, sym, syml, p, z, ts, id, idl, ev, len);
	} else if (t[0] == 'q') {
		double bp, bs, ap, as;
		if (ws_num(o, "bp", &bp) < 0 || ws_num(o, "bs", &bs) < 0 ||
		    ws_num(o, "ap", &ap) < 0 || ws_num(o, "as", &as) < 0) {
			ws_bad(s, "quote without bp, bs, ap or as");
			return;
		}
		ws_quote(s, sym, syml, bp, bs, ap, as, ts, ev, len);
	} else {
		double op, hi, lo, cl, v, vw = NAN;
		if (ws_num(o, "o", &op) < 0 || ws_num(o, "h", &hi) < 0 ||
		    ws_num(o, "l", &lo) < 0 || ws_num(o, "c", &cl) < 0 ||
		    ws_num(o, "v", &v) < 0) {
			ws_bad(s, "bar without o, h, l, c or v");
			return;
		}
		ws_num(o, "vw", &vw);
		ws_bar(s, sym, syml, op, hi, lo, cl, v, vw, ts, ts + 60000, ev, len);
	}
}

static void alpaca_frame(struct ws *s, const char *text, size_t len)
{
	ws_each_object(s, text, len, alpaca_event);
}

const struct ws_preset ws_preset_alpaca = {
	.name = "alpaca",
	.default_url = NULL,
	.default_channels = "trades",
	.needs_symbols = 1,
	.build_url = alpaca_url,
	.on_open = alpaca_open,
	.on_frame = alpaca_frame,
	.on_subscribe = alpaca_subscribe,
};
