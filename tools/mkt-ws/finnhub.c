/* SPDX-License-Identifier: MIT */
/* finnhub.c -- the Finnhub real-time trades WebSocket
 *
 * wss://ws.finnhub.io?token=KEY, the key from FINNHUB_API_KEY (a refused
 * token is an HTTP 401 on the upgrade). Finnhub takes one
 * {"type":"subscribe","symbol":S} message per symbol. Trades arrive as
 * {"type":"trade","data":[{"s","p","v","t"},...]} with t in epoch ms;
 * {"type":"ping"} is its heartbeat; {"type":"error","msg":..} stops the
 * program. */
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "json.h"
#include "ws.h"

static int finnhub_url(struct ws *s, const char *base, struct mkt_buf *out,
    char *errstr, size_t errsize)
{
	(void)s;
	const char *key = ws_env("FINNHUB_API_KEY");
	if (!key) {
		snprintf(errstr, errsize, "FINNHUB_API_KEY is not set");
		return -1;
	}
	mkt_buf_adds(out, base);
	mkt_buf_adds(out, strchr(base, '?') ? "&token=" : "?token=");
	for (const char *p = key; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || strchr("-._~", c))
			mkt_buf_addc(out, (char)c);
		else
			mkt_buf_printf(out, "%%%02X", c);
	}
	return 0;
}

static void finnhub_subscribe(struct ws *s)
{
	struct mkt_buf *b = &s->tmp2;
	for (size_t i = 0; i < s->nsymbols; i++) {
		mkt_buf_reset(b);
		mkt_buf_adds(b, "{\"type\":\"subscribe\",\"symbol\":");
		mkt_json_str(b, s->symbols[i], strlen(s->symbols[i]));
		mkt_buf_addc(b, '}');
		ws_send(s, b->p, b->len, 0);
	}
}

static void finnhub_open(struct ws *s)
{
	finnhub_subscribe(s);
}

static void finnhub_trade(struct ws *s, const char *ev, size_t len)
{
	struct mkt_jobj *o = &s->o2;
	char e[128];
	const char *sym;
	size_t syml;
	double p, v;
	int64_t ts;
	if (mkt_json_scan(o, ev, len, e, sizeof(e)) < 0) {
		ws_bad(s, "not JSON: %s", e);
		return;
	}
	if (ws_str(s, o, "s", &sym, &syml) < 0 || ws_num(o, "p", &p) < 0 ||
	    ws_num(o, "v", &v) < 0 || ws_time_ms(o, "t", &ts) < 0) {
		ws_bad(s, "trade without s, p, v or t");
		return;
	}
	ws_trade(s, sym, syml, p, v, ts, NULL, 0, ev, len);
}

static void finnhub_frame(struct ws *s, const char *text, size_t len)
{
	struct mkt_jobj *o = &s->o;
	char e[128];
	if (mkt_json_scan(o, text, len, e, sizeof(e)) < 0) {
		ws_bad(s, "not JSON: %s", e);
		return;
	}
	if (ws_is(o, "type", "trade")) {
		const struct mkt_jfield *d = mkt_jobj_gets(o, "data");
		if (!d || d->type != MKT_JARR) {
			ws_bad(s, "trade message without a \"data\" array");
			return;
		}
		ws_each_object(s, d->val, d->vlen, finnhub_trade);
	} else if (ws_is(o, "type", "error")) {
		const char *m;
		size_t ml;
		if (ws_rawval(o, "msg", &m, &ml) < 0)
			m = text, ml = len;
		ws_fatal(s, m, ml);
	}
	/* "ping" and others: alive, nothing to write */
}

const struct ws_preset ws_preset_finnhub = {
	.name = "finnhub",
	.default_url = "wss://ws.finnhub.io",
	.default_channels = NULL,
	.needs_symbols = 1,
	.build_url = finnhub_url,
	.on_open = finnhub_open,
	.on_frame = finnhub_frame,
	.on_subscribe = finnhub_subscribe,
};
