/* SPDX-License-Identifier: MIT */
/* generic.c -- any WebSocket feed: --send messages on every connect,
 * and a jq --map that turns each frame into zero or more records
 * (without --map, a frame that is an array gives one record per element
 * and anything else one record). A frame jq cannot parse, or on which
 * the map raises an error, is reported as malformed.
 *
 * A --send message may name environment variables as ${NAME} (a key,
 * say): they are expanded when the message is sent, on every connect,
 * into a buffer that grows without leaving copies behind (tmp2, its
 * wipe flag set) and is wiped once the message is queued; the queue
 * wipes its own copy in turn (see ws_send()). -v shows the message as
 * given, with its ${NAME}s. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "jqglue.h"
#include "ws.h"

/* Whether c may start (first) or continue a variable name. */
static int name_char(char c, int first)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' ||
	    (!first && c >= '0' && c <= '9');
}

int ws_expand(struct mkt_buf *out, const char *tmpl, int *nvars, char *err,
    size_t errsize)
{
	const char *p = tmpl;
	*nvars = 0;
	while (*p) {
		const char *d = strchr(p, '$');
		if (!d) {
			mkt_buf_adds(out, p);
			break;
		}
		mkt_buf_add(out, p, (size_t)(d - p));
		if (d[1] == '$' && d[2] == '{') {
			/* "$${": a literal "${" */
			mkt_buf_add(out, "${", 2);
			p = d + 3;
			continue;
		}
		if (d[1] != '{') {
			mkt_buf_addc(out, '$');
			p = d + 1;
			continue;
		}
		const char *n = d + 2, *e = n;
		while (*e && name_char(*e, e == n))
			e++;
		if (e == n || *e != '}') {
			snprintf(err, errsize, "\"%.40s\": a \"${\" must be followed "
			    "by a variable name and \"}\" (\"$${\" is a literal "
			    "\"${\")", d);
			return -1;
		}
		char name[128];
		size_t nl = (size_t)(e - n);
		if (nl >= sizeof(name)) {
			snprintf(err, errsize, "\"%.40s\": variable name too long", d);
			return -1;
		}
		memcpy(name, n, nl);
		name[nl] = '\0';
		const char *v = ws_env(name);
		if (!v) {
			snprintf(err, errsize, "%s is not set", name);
			return -2;
		}
		ws_json_body(out, v);
		(*nvars)++;
		p = e + 1;
	}
	if (out->oom) {
		snprintf(err, errsize, "out of memory");
		return -2;
	}
	return 0;
}

static void generic_open(struct ws *s)
{
	struct mkt_buf *b = &s->tmp2;
	char e[200];
	int nvars;
	for (size_t i = 0; i < s->nsends; i++) {
		mkt_buf_wipe(b);
		if (ws_expand(b, s->sends[i], &nvars, e, sizeof(e)) < 0) {
			/* checked at startup: the environment does not change */
			ws_fatal(s, e, strlen(e));
			break;
		}
		if (nvars)
			ws_send_secret(s, b->p, b->len, s->sends[i]);
		else
			ws_send(s, b->p, b->len, 0);
	}
	mkt_buf_wipe(b);
}

static void generic_frame(struct ws *s, const char *text, size_t len)
{
	char e[256];
	mkt_buf_reset(&s->tmp);
	int n = mkt_jq_map(s->map, text, len, &s->tmp, e, sizeof(e));
	if (n < 0) {
		ws_bad(s, "%s", e);
		return;
	}
	const char *p = s->tmp.p, *end = s->tmp.p + s->tmp.len;
	while (p && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		ws_line(s, p, (size_t)(nl - p));
		p = nl + 1;
	}
}

const struct ws_preset ws_preset_generic = {
	.name = "generic",
	.default_url = NULL,
	.default_channels = NULL,
	.needs_symbols = 0,
	.on_open = generic_open,
	.on_frame = generic_frame,
};
