/* SPDX-License-Identifier: MIT */
/* generic.c -- any WebSocket feed: --send messages on every connect,
 * and a jq --map that turns each frame into zero or more records
 * (without --map, a frame that is an array gives one record per element
 * and anything else one record). A frame jq cannot parse, or on which
 * the map raises an error, is reported as malformed. */
#include <string.h>

#include "buf.h"
#include "jqglue.h"
#include "ws.h"

static void generic_open(struct ws *s)
{
	for (size_t i = 0; i < s->nsends; i++)
		ws_send(s, s->sends[i], strlen(s->sends[i]), 0);
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
