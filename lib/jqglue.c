/* SPDX-License-Identifier: MIT */
/* jqglue.c -- libjq programs for --where and --map (see jqglue.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jq.h>
#include <jv.h>

#include "jqglue.h"

struct mkt_jq {
	jq_state *jq;
	char err[512];  /* last message from jq's error callback */
};

/* jq reports a compile error in several calls (the error itself, then
 * "jq: 1 compile error"): keep the first, on one line, without jq's own
 * "jq: " prefix (ours is added where the message is used). */
static void on_jq_error(void *arg, jv msg)
{
	struct mkt_jq *q = arg;
	const char *m;
	char *p;

	if (q->err[0]) {
		jv_free(msg);
		return;
	}
	if (jv_get_kind(msg) == JV_KIND_STRING) {
		m = jv_string_value(msg);
		if (strncmp(m, "jq: ", 4) == 0)
			m += 4;
		snprintf(q->err, sizeof(q->err), "%s", m);
	} else {
		jv s = jv_dump_string(jv_copy(msg), 0);
		snprintf(q->err, sizeof(q->err), "%s", jv_string_value(s));
		jv_free(s);
	}
	jv_free(msg);
	for (p = q->err; *p; p++)
		if (*p == '\n')
			*p = ' ';
	while (p > q->err && p[-1] == ' ')
		*--p = '\0';
}

struct mkt_jq *mkt_jq_compile(const char *prog, char *errstr, size_t errsize)
{
	struct mkt_jq *q = calloc(1, sizeof(*q));

	if (q == NULL || (q->jq = jq_init()) == NULL) {
		snprintf(errstr, errsize, "out of memory");
		free(q);
		return NULL;
	}
	jq_set_error_cb(q->jq, on_jq_error, q);
	if (!jq_compile(q->jq, prog)) {
		snprintf(errstr, errsize, "jq: %s", q->err[0] ? q->err : "compile error");
		jq_teardown(&q->jq);
		free(q);
		return NULL;
	}
	return q;
}

/* Parse json and start the program on it. Returns 0 or -1. */
static int start(struct mkt_jq *q, const char *json, size_t len,
    char *errstr, size_t errsize)
{
	jv in;

	if (len > 0x7fffffff) {
		snprintf(errstr, errsize, "record too large for jq");
		return -1;
	}
	in = jv_parse_sized(json, (int)len);
	if (!jv_is_valid(in)) {
		jv msg = jv_invalid_get_msg(in);
		snprintf(errstr, errsize, "jq: %s",
		    jv_get_kind(msg) == JV_KIND_STRING ? jv_string_value(msg) : "invalid JSON");
		jv_free(msg);
		return -1;
	}
	q->err[0] = '\0';
	jq_start(q->jq, in, 0);
	return 0;
}

/* After jq_next gave an invalid value: -1 if it carries an error. */
static int finished(struct mkt_jq *q, jv v, char *errstr, size_t errsize)
{
	if (jv_invalid_has_msg(jv_copy(v))) {
		jv msg = jv_invalid_get_msg(v);
		if (jv_get_kind(msg) == JV_KIND_STRING) {
			snprintf(errstr, errsize, "jq: error: %s", jv_string_value(msg));
		} else {
			jv s = jv_dump_string(msg, 0);
			msg = jv_null();
			snprintf(errstr, errsize, "jq: error: %s", jv_string_value(s));
			jv_free(s);
		}
		jv_free(msg);
		return -1;
	}
	jv_free(v);
	if (q->err[0]) {
		snprintf(errstr, errsize, "jq: %s", q->err);
		return -1;
	}
	return 0;
}

int mkt_jq_test(struct mkt_jq *q, const char *json, size_t len,
    char *errstr, size_t errsize)
{
	jv v;
	int rc;

	if (start(q, json, len, errstr, errsize) < 0)
		return -1;
	v = jq_next(q->jq);
	if (!jv_is_valid(v))
		return finished(q, v, errstr, errsize) < 0 ? -1 : 0;
	rc = jv_get_kind(v) != JV_KIND_FALSE && jv_get_kind(v) != JV_KIND_NULL;
	jv_free(v);
	return rc;
}

int mkt_jq_map(struct mkt_jq *q, const char *json, size_t len,
    struct mkt_buf *out, char *errstr, size_t errsize)
{
	jv v, s;
	int n = 0;

	if (start(q, json, len, errstr, errsize) < 0)
		return -1;
	for (;;) {
		v = jq_next(q->jq);
		if (!jv_is_valid(v))
			return finished(q, v, errstr, errsize) < 0 ? -1 : n;
		s = jv_dump_string(v, 0);
		mkt_buf_adds(out, jv_string_value(s));
		mkt_buf_addc(out, '\n');
		jv_free(s);
		n++;
	}
}

void mkt_jq_free(struct mkt_jq *q)
{
	if (q == NULL)
		return;
	jq_teardown(&q->jq);
	free(q);
}
