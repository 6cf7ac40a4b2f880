/* SPDX-License-Identifier: MIT */
/* massive.c -- the Massive (formerly Polygon.io) WebSocket feed
 *
 * wss://socket.massive.com/<market> (stocks by default; --market crypto,
 * options, ...). The server greets with a status message; the client
 * sends {"action":"auth","params":KEY} with MASSIVE_API_KEY, waits for
 * status "auth_success", then subscribes to every channel of every
 * symbol in ONE message: {"action":"subscribe","params":"T.AAPL,T.TSLA"}.
 * Frames are JSON arrays of events keyed by "ev": T/XT trades, Q/XQ
 * quotes, A/AM/XA/XAS aggregates; "status" events carry the session's
 * state (auth_failed stops the program, max_connections backs off). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "json.h"
#include "ws.h"

/* The key, or NULL. */
static const char *massive_key(void)
{
	const char *key = ws_env("MASSIVE_API_KEY");
	return key ? key : ws_env("POLYGON_API_KEY");
}

/* The URL, once the key is known to be there (no connection is made
 * without one). */
static int massive_url(struct ws *s, const char *base, struct mkt_buf *out,
    char *errstr, size_t errsize)
{
	if (!massive_key()) {
		snprintf(errstr, errsize, "MASSIVE_API_KEY is not set");
		return -1;
	}
	if (base) {
		mkt_buf_adds(out, base);
		return 0;
	}
	mkt_buf_adds(out, "wss://socket.massive.com/");
	mkt_buf_adds(out, s->market ? s->market : "stocks");
	return 0;
}

static void massive_open(struct ws *s)
{
	const char *key = massive_key();
	if (!key) {
		const char m[] = "MASSIVE_API_KEY is not set";
		ws_auth_failed(s, m, sizeof(m) - 1);
		return;
	}
	/* built in tmp2, which grows leaving no copy of the key behind, and
	 * wiped once queued (ws_send() wipes its own copy) */
	struct mkt_buf *b = &s->tmp2;
	mkt_buf_wipe(b);
	mkt_buf_adds(b, "{\"action\":\"auth\",\"params\":\"");
	ws_json_body(b, key);
	mkt_buf_adds(b, "\"}");
	ws_send(s, b->p, b->len, 1);
	mkt_buf_wipe(b);
}

/* The subscription: every channel prefix with every symbol. */
static void massive_subscribe(struct ws *s)
{
	struct mkt_buf *b = &s->tmp2;
	mkt_buf_reset(b);
	mkt_buf_adds(b, "{\"action\":\"subscribe\",\"params\":\"");
	int first = 1;
	static char *xt[] = { "XT" }, *tt[] = { "T" };
	char **chan = s->channels;
	size_t nchan = s->nchannels;
	if (!nchan) {
		chan = s->market && !strcmp(s->market, "crypto") ? xt : tt;
		nchan = 1;
	}
	for (size_t c = 0; c < nchan; c++)
		for (size_t i = 0; i < s->nsymbols; i++) {
			if (!first)
				mkt_buf_addc(b, ',');
			first = 0;
			ws_json_body(b, chan[c]);
			mkt_buf_addc(b, '.');
			ws_json_body(b, s->symbols[i]);
		}
	mkt_buf_adds(b, "\"}");
	ws_send(s, b->p, b->len, 0);
}

/* The hot path: a trade event (T, or XT for crypto) whose keys have no
 * escapes, its fields picked out in one pass over the scanned object
 * (the last of a repeated key counts, as in a lookup). Returns 0 when it
 * handled the event (a record, a duplicate, or a report of a bad one),
 * -1 to leave it to the general path. */
static int massive_trade(struct ws *s, struct mkt_jobj *o, const char *ev,
    size_t len)
{
	const struct mkt_jfield *fev = NULL, *fsym = NULL, *fpair = NULL,
	    *fp = NULL, *fs = NULL, *ft = NULL, *fi = NULL;
	for (size_t i = 0; i < o->n; i++) {
		const struct mkt_jfield *f = &o->f[i];
		const char *k = f->key;
		if (f->kesc)
			return -1;
		switch (f->klen) {
		case 1:
			switch (k[0]) {
			case 'p': fp = f; break;
			case 's': fs = f; break;
			case 't': ft = f; break;
			case 'i': fi = f; break;
			}
			break;
		case 2:
			if (k[0] == 'e' && k[1] == 'v')
				fev = f;
			break;
		case 3:
			if (k[0] == 's' && k[1] == 'y' && k[2] == 'm')
				fsym = f;
			break;
		case 4:
			if (!memcmp(k, "pair", 4))
				fpair = f;
			break;
		}
	}
	if (!fev || fev->type != MKT_JSTR || fev->vesc)
		return -1;
	int crypto;
	if (fev->vlen == 1 && fev->val[0] == 'T')
		crypto = 0;
	else if (fev->vlen == 2 && fev->val[0] == 'X' && fev->val[1] == 'T')
		crypto = 1;
	else
		return -1;
	const struct mkt_jfield *fy = crypto ? fpair : fsym;
	if (!fy || fy->type != MKT_JSTR) {
		ws_bad(s, "%s event without \"%s\"", crypto ? "XT" : "T",
		    crypto ? "pair" : "sym");
		return 0;
	}
	const char *id = NULL;
	size_t idl = 0;
	if (fi && fi->type != MKT_JNULL) {
		id = fi->val;
		idl = fi->vlen;
	}
	if (!fp || !fs || !ft ||
	    ws_trade_f(s, fy, fp, fs, ft, id, idl, ev, len) < 0)
		ws_bad(s, "trade without a numeric \"p\", \"s\" or \"t\"");
	return 0;
}

static void massive_event(struct ws *s, const char *ev, size_t len)
{
	struct mkt_jobj *o = &s->o;
	char e[128];
	if (mkt_json_scan(o, ev, len, e, sizeof(e)) < 0) {
		ws_bad(s, "not JSON: %s", e);
		return;
	}
	if (massive_trade(s, o, ev, len) == 0)
		return;
	const char *t, *sym, *msg = "";
	size_t tl, syml, msgl = 0;
	if (ws_str(s, o, "ev", &t, &tl) < 0) {
		ws_bad(s, "event without \"ev\"");
		return;
	}
	if (tl == 6 && !memcmp(t, "status", 6)) {
		const char *st;
		size_t stl;
		ws_rawval(o, "message", &msg, &msgl);
		if (ws_str(s, o, "status", &st, &stl) < 0)
			return;
		if (stl == 12 && !memcmp(st, "auth_success", 12)) {
			ws_note(s, "authenticated", msg, msgl);
			ws_subscribed(s);
		} else if ((stl == 11 && !memcmp(st, "auth_failed", 11)) ||
		    (stl == 12 && !memcmp(st, "auth_timeout", 12))) {
			ws_auth_failed(s, msg, msgl);
		} else if (stl == 15 && !memcmp(st, "max_connections", 15)) {
			ws_busy(s, msg, msgl);
		} else if (stl == 5 && !memcmp(st, "error", 5)) {
			ws_fatal(s, msg, msgl);
		} else {
			ws_note(s, "status", msg, msgl);
		}
		return;
	}
	int crypto = t[0] == 'X';
	const char *symkey = crypto ? "pair" : "sym";
	if (ws_str(s, o, symkey, &sym, &syml) < 0) {
		ws_bad(s, "%.*s event without \"%s\"", (int)tl, t, symkey);
		return;
	}
	/* the symbol may sit in s->tmp: keep it apart from later lookups */
	mkt_buf_reset(&s->tmp2);
	mkt_buf_add(&s->tmp2, sym, syml);
	sym = s->tmp2.p;
	const char *id = NULL;
	size_t idl = 0;
	int64_t ts;
	if ((tl == 1 && t[0] == 'T') || (tl == 2 && !memcmp(t, "XT", 2))) {
		double p, z;
		if (ws_num(o, "p", &p) < 0 || ws_num(o, "s", &z) < 0 ||
		    ws_time_ms(o, "t", &ts) < 0) {
			ws_bad(s, "trade without a numeric \"p\", \"s\" or \"t\"");
			return;
		}
		ws_rawval(o, "i", &id, &idl);
		ws_trade(s, sym, syml, p, z, ts, id, idl, ev, len);
	} else if ((tl == 1 && t[0] == 'Q') || (tl == 2 && !memcmp(t, "XQ", 2))) {
		double bp, bs, ap, as;
		if (ws_num(o, "bp", &bp) < 0 || ws_num(o, "bs", &bs) < 0 ||
		    ws_num(o, "ap", &ap) < 0 || ws_num(o, "as", &as) < 0 ||
		    ws_time_ms(o, "t", &ts) < 0) {
			ws_bad(s, "quote without bp, bs, ap, as or t");
			return;
		}
		ws_quote(s, sym, syml, bp, bs, ap, as, ts, ev, len);
	} else if ((tl == 1 && t[0] == 'A') || (tl == 2 && !memcmp(t, "AM", 2)) ||
	    (tl == 2 && !memcmp(t, "XA", 2)) || (tl == 3 && !memcmp(t, "XAS", 3))) {
		double op, hi, lo, cl, v, vw = NAN;
		int64_t st, en;
		if (ws_num(o, "o", &op) < 0 || ws_num(o, "h", &hi) < 0 ||
		    ws_num(o, "l", &lo) < 0 || ws_num(o, "c", &cl) < 0 ||
		    ws_num(o, "v", &v) < 0 || ws_time_ms(o, "s", &st) < 0 ||
		    ws_time_ms(o, "e", &en) < 0) {
			ws_bad(s, "aggregate without o, h, l, c, v, s or e");
			return;
		}
		ws_num(o, "vw", &vw);
		ws_bar(s, sym, syml, op, hi, lo, cl, v, vw, st, en, ev, len);
	}
	/* other events (LULD, FMV, ...) are not records here */
}

static void massive_frame(struct ws *s, const char *text, size_t len)
{
	ws_each_object(s, text, len, massive_event);
}

const struct ws_preset ws_preset_massive = {
	.name = "massive",
	.default_url = NULL,
	.default_channels = NULL,
	.needs_symbols = 1,
	.build_url = massive_url,
	.on_open = massive_open,
	.on_frame = massive_frame,
	.on_subscribe = massive_subscribe,
};
