/* SPDX-License-Identifier: MIT */
/* kcat-out.c -- Kafka topics out as NDJSON, offsets committed after output */
/*
 * Consumes one or more topics and writes each message's value to stdout,
 * one line per message; a value that is not a JSON object is counted and
 * reported, not written (--raw writes it). --meta adds a "_kafka" object
 * (topic, partition, offset, ts, key) to each record.
 *
 * With a group (-G), the partitions are shared with the group's other
 * members and the position of a partition is stored only once its lines
 * have been written to stdout and the output flushed (at-least-once:
 * enable.auto.offset.store=false); stored offsets are committed once
 * the output is quiet, every second, on rebalance and at exit. An -o
 * other than beginning/end/stored places a partition when this member
 * gets it from the group (an @-time counted from that moment); a
 * partition kept through a rebalance goes on from where it was. Without
 * a group, every partition of the topics is read and nothing is
 * committed.
 *
 * Output is block-buffered and flushed whenever no message is waiting,
 * at exit, and after every record with -u.
 */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>

#include "buf.h"
#include "cli.h"
#include "io.h"
#include "json.h"
#include "kafka.h"
#include "timeutil.h"

#define MAX_TOPICS 64
#define POLL_MS 100
#define BATCH 256 /* messages taken from the consumer queue at once */
#define META_TIMEOUT_MS 10000
/* How long a broker may hold a fetch that finds no new message. Kafka
 * answers as soon as data arrives, but kmock (librdkafka's mock cluster)
 * holds every empty fetch for the whole wait: librdkafka's 500 ms default
 * would delay a live record by up to half a second there, and -e by as
 * much at the end. 50 ms costs a real broker 20 small requests a second
 * per idle consumer connection. -X fetch.wait.max.ms=... overrides it. */
#define FETCH_WAIT_MS "50"

enum offmode { OFF_DEFAULT, OFF_BEGIN, OFF_END, OFF_STORED, OFF_ABS,
	OFF_TAIL, OFF_TIME, OFF_AGO };

struct settings {
	const char *brokers;
	char *topics[MAX_TOPICS];
	size_t ntopics;
	const char *group;
	enum offmode off;
	int64_t off_val;     /* OFF_ABS: offset, OFF_TAIL: count, OFF_TIME:
	                      * epoch ms, OFF_AGO: ms before the assignment */
	int exit_at_end;
	long long count;     /* 0: no limit */
	int meta;
	int raw;
	int strict;
	int unbuffered;
	struct mkt_kafka_props x;
};

/* One assigned partition. */
struct part {
	char *topic;
	int32_t partition;
	int eof;             /* at its end since the last message */
	int64_t skip_ts;     /* >= 0: skip messages older than this (ms) */
	int64_t next;        /* offset to store, once output is flushed; -1 none */
	int stored_next;     /* next has been handed to rd_kafka_offsets_store */
	int revoked;         /* revoked (eager rebalance); kept if assigned again */
};

static struct {
	struct part *p;
	size_t n, cap;
	size_t last;         /* index of the last hit, for runs of one partition */
	int assigned;        /* an assignment is in force: none between an eager
	                      * revoke and the next assign, nor after an
	                      * incremental revoke that left no partition */
} parts;

static struct settings s = {
	.brokers = NULL,
	.ntopics = 0,
	.group = NULL,
	.off = OFF_DEFAULT,
	.off_val = 0,
	.exit_at_end = 0,
	.count = 0,
	.meta = 0,
	.raw = 0,
	.strict = 0,
	.unbuffered = 0,
};

static struct mkt_writer out;
static int cooperative;      /* the group's rebalance protocol, as the
                              * last rebalance callback found it */
static int uncommitted;       /* offsets stored since the last commit */

static void usage(FILE *fp)
{
	fprintf(fp,
	    "usage: kcat-out [-qvue] [-b brokers] -t topic[,topic]... [-G group] [-o offset]\n"
	    "                [-c count] [--meta] [--raw] [--strict] [-X prop=val]...\n"
	    "       kcat-out -h | -V\n"
	    "  -b, --brokers LIST   bootstrap brokers (default $KAFKA_BROKERS)\n"
	    "  -t, --topic T[,T]    topics to read (repeatable)\n"
	    "  -G, --group GROUP    consumer group: share partitions, commit offsets\n"
	    "  -o, --offset OFF     beginning, end, stored, N, -N (N before the end),\n"
	    "                       @TIME (RFC 3339 or epoch ms), @-DURATION (e.g. @-6m)\n"
	    "  -e, --exit-at-end    exit once every assigned partition is at its end\n"
	    "  -c, --count N        exit after N records written\n"
	    "      --meta           add \"_kafka\":{topic,partition,offset,ts,key}\n"
	    "      --raw            write every value as is, JSON or not\n"
	    "      --strict         stop at the first value that cannot be written\n"
	    "  -X, --property P=V   librdkafka property (repeatable)\n"
	    "  -u, --unbuffered     flush after every record\n"
	    "  -q, --quiet / -v, --verbose\n"
	    "  -h, --help / -V, --version\n");
}

/* ---- options ---- */

/* Parse -o into s.off and s.off_val. Returns 0 or -1. */
static int parse_offset(const char *a)
{
	char errstr[200];
	long long v;
	int64_t ns;

	if (strcmp(a, "beginning") == 0) {
		s.off = OFF_BEGIN;
	} else if (strcmp(a, "end") == 0) {
		s.off = OFF_END;
	} else if (strcmp(a, "stored") == 0) {
		s.off = OFF_STORED;
	} else if (a[0] == '@' && a[1] == '-') {
		if (mkt_duration_parse(a + 2, &ns, errstr, sizeof(errstr)) < 0)
			return -1;
		s.off = OFF_AGO;
		s.off_val = ns / 1000000;
	} else if (a[0] == '@') {
		int64_t t;

		if (mkt_time_arg(a + 1, MKT_TU_MS, &t, errstr, sizeof(errstr)) < 0 ||
		    t < 0)
			return -1;
		s.off = OFF_TIME;
		s.off_val = t;
	} else if (a[0] == '-') {
		if (mkt_parse_long(a + 1, 1, INT64_MAX / 4, &v) < 0)
			return -1;
		s.off = OFF_TAIL;
		s.off_val = v;
	} else {
		if (mkt_parse_long(a, 0, INT64_MAX / 4, &v) < 0)
			return -1;
		s.off = OFF_ABS;
		s.off_val = v;
	}
	return 0;
}

/* ---- partition table ---- */

static struct part *part_find(const char *topic, int32_t partition)
{
	size_t i;

	if (parts.last < parts.n && parts.p[parts.last].partition == partition &&
	    strcmp(parts.p[parts.last].topic, topic) == 0)
		return &parts.p[parts.last];
	for (i = 0; i < parts.n; i++)
		if (parts.p[i].partition == partition &&
		    strcmp(parts.p[i].topic, topic) == 0) {
			parts.last = i;
			return &parts.p[i];
		}
	return NULL;
}

static struct part *part_add(const char *topic, int32_t partition)
{
	struct part *p = part_find(topic, partition);

	if (p != NULL)
		return p;
	if (parts.n == parts.cap) {
		size_t cap = parts.cap ? parts.cap * 2 : 16;
		struct part *np = realloc(parts.p, cap * sizeof(*np));

		if (np == NULL)
			err(MKT_EXIT_FAIL, "out of memory");
		parts.p = np;
		parts.cap = cap;
	}
	p = &parts.p[parts.n++];
	p->topic = strdup(topic);
	if (p->topic == NULL)
		err(MKT_EXIT_FAIL, "out of memory");
	p->partition = partition;
	p->eof = 0;
	p->skip_ts = -1;
	p->next = -1;
	p->stored_next = 1;
	p->revoked = 0;
	return p;
}

static void part_drop(struct part *p)
{
	free(p->topic);
	*p = parts.p[--parts.n];
	parts.last = 0;
}

/* Every partition of the assignment at its end; also true for an
 * assignment of none (a member of a group with more members than
 * partitions). */
static int all_at_end(void)
{
	size_t i;

	if (!parts.assigned)
		return 0;
	for (i = 0; i < parts.n; i++)
		if (!parts.p[i].eof)
			return 0;
	return 1;
}

/* ---- offsets ---- */

/* Hand the positions of everything written so far to librdkafka's offset
 * store (group mode; committed by the auto-commit timer, on rebalance and
 * at exit). Call only right after the output was flushed. */
static void store_written(rd_kafka_t *rk)
{
	rd_kafka_topic_partition_list_t *l;
	rd_kafka_resp_err_t e;
	size_t i, n = 0;

	if (s.group == NULL)
		return;
	for (i = 0; i < parts.n; i++)
		n += !parts.p[i].stored_next;
	if (n == 0)
		return;
	l = rd_kafka_topic_partition_list_new((int)n);
	for (i = 0; i < parts.n; i++) {
		struct part *p = &parts.p[i];

		if (p->stored_next)
			continue;
		rd_kafka_topic_partition_list_add(l, p->topic,
		    p->partition)->offset = p->next;
		p->stored_next = 1;
	}
	e = rd_kafka_offsets_store(rk, l);
	if (e && e != RD_KAFKA_RESP_ERR__STATE)
		mkt_info(0, "storing offsets: %s", rd_kafka_err2str(e));
	rd_kafka_topic_partition_list_destroy(l);
	uncommitted = 1;
}

/* Once the output is quiet, commit what was stored without waiting for
 * the auto-commit timer (asynchronously, five times a second at most):
 * a member that takes a partition over, or a restart, then starts after
 * the last line written even where a commit during the rebalance is
 * refused (kmock refuses them). */
static void commit_quiet(rd_kafka_t *rk)
{
	static int64_t last;
	int64_t now;

	if (s.group == NULL || !uncommitted)
		return;
	now = mkt_mono_ns();
	if (now - last < 200000000LL)
		return;
	last = now;
	uncommitted = 0;
	rd_kafka_commit(rk, NULL, 1);
}

/* Flush stdout, then store what it now holds. Returns 0, or -1 when the
 * output failed. */
static int flush_and_store(rd_kafka_t *rk)
{
	if (mkt_writer_flush(&out) < 0)
		return -1;
	store_written(rk);
	return 0;
}

/* Whether the broker answers time queries for this non-empty partition:
 * a real broker finds the first message for time 0; librdkafka's mock
 * cluster answers "none" to every time. */
static int has_time_index(rd_kafka_t *rk, const char *topic, int32_t part)
{
	rd_kafka_topic_partition_list_t *q = rd_kafka_topic_partition_list_new(1);
	int64_t lo = 0, hi = 0;
	int yes = 1;

	if (rd_kafka_query_watermark_offsets(rk, topic, part, &lo, &hi,
	    META_TIMEOUT_MS) == 0 && hi > lo) {
		rd_kafka_topic_partition_list_add(q, topic, part)->offset = 0;
		if (rd_kafka_offsets_for_times(rk, q, META_TIMEOUT_MS) == 0 &&
		    q->elems[0].err == 0 && q->elems[0].offset < 0)
			yes = 0;
	}
	rd_kafka_topic_partition_list_destroy(q);
	return yes;
}

/* Where a partition new to this member starts, from -o (the offset
 * field of a list element; RD_KAFKA_OFFSET_INVALID means the group's
 * committed position, or auto.offset.reset where there is none). */
static int64_t start_offset(void)
{
	switch (s.off) {
	case OFF_BEGIN:
	case OFF_DEFAULT:
		return s.group ? RD_KAFKA_OFFSET_INVALID : RD_KAFKA_OFFSET_BEGINNING;
	case OFF_END:
		return s.group ? RD_KAFKA_OFFSET_INVALID : RD_KAFKA_OFFSET_END;
	case OFF_ABS:
		return s.off_val;
	case OFF_TAIL:
		return RD_KAFKA_OFFSET_TAIL(s.off_val);
	default: /* stored; the times are looked up by the caller */
		return RD_KAFKA_OFFSET_INVALID;
	}
}

/* Set the start offsets of list l (the partitions being assigned) and add
 * them to the partition table. A partition this member kept through an
 * eager rebalance (revoked, then assigned again) goes on after the last
 * message it handled. Any other starts from -o: @TIME and @-DURATION ask
 * the broker for the first offset whose timestamp is at or after the time
 * (for @-DURATION, that long before now, the moment of assignment); none:
 * the end. Where the broker has no time index (kmock), the partition is
 * read from its beginning and messages older than the time are skipped up
 * to the first that is not, which starts at the same message. */
static void set_start_offsets(rd_kafka_t *rk,
    rd_kafka_topic_partition_list_t *l)
{
	rd_kafka_topic_partition_list_t *q = NULL;
	rd_kafka_resp_err_t e;
	int64_t t = s.off == OFF_AGO ? mkt_now(MKT_TU_MS) - s.off_val : s.off_val;
	int i;

	for (i = 0; i < l->cnt; i++) {
		rd_kafka_topic_partition_t *el = &l->elems[i];
		struct part *p = part_find(el->topic, el->partition);

		if (p != NULL && p->revoked && p->next >= 0) {
			p->revoked = 0;
			p->eof = 0;
			el->offset = p->next;
			mkt_info(2, "%s[%d]: kept, from offset %" PRId64, p->topic,
			    (int)p->partition, p->next);
			continue;
		}
		if (p != NULL) /* kept, but nothing read yet: start afresh */
			part_drop(p);
		p = part_add(el->topic, el->partition);
		if (s.off == OFF_TIME || s.off == OFF_AGO) {
			if (q == NULL)
				q = rd_kafka_topic_partition_list_new(l->cnt);
			rd_kafka_topic_partition_list_add(q, el->topic,
			    el->partition)->offset = t;
		} else {
			el->offset = start_offset();
		}
	}
	if (q == NULL)
		return;
	e = rd_kafka_offsets_for_times(rk, q, META_TIMEOUT_MS);
	for (i = 0; i < q->cnt; i++) {
		rd_kafka_topic_partition_t *r = &q->elems[i];
		rd_kafka_topic_partition_t *el =
		    rd_kafka_topic_partition_list_find(l, r->topic, r->partition);
		struct part *p = part_find(r->topic, r->partition);

		mkt_info(2, "%s[%d]: time %" PRId64 ": offset %" PRId64 " (%s)",
		    r->topic, (int)r->partition, t, r->offset,
		    rd_kafka_err2str(e ? e : r->err));
		if (e == 0 && r->err == 0 && r->offset >= 0) {
			el->offset = r->offset;
		} else if (e == 0 && r->err == 0 &&
		    has_time_index(rk, r->topic, r->partition)) {
			el->offset = RD_KAFKA_OFFSET_END;
		} else {
			mkt_info(1, "%s[%d]: no time index: reading from the "
			    "beginning, skipping messages before %" PRId64,
			    r->topic, (int)r->partition, t);
			el->offset = RD_KAFKA_OFFSET_BEGINNING;
			p->skip_ts = t;
		}
	}
	rd_kafka_topic_partition_list_destroy(q);
}

/* ---- callbacks ---- */

static void on_rebalance(rd_kafka_t *rk, rd_kafka_resp_err_t e,
    rd_kafka_topic_partition_list_t *l, void *opaque)
{
	rd_kafka_error_t *er = NULL;
	size_t j;
	int i;

	(void)opaque;
	/* known once the group is joined, not before */
	cooperative = strcmp(rd_kafka_rebalance_protocol(rk), "COOPERATIVE") == 0;
	if (e == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
		mkt_info(1, "assigned %d partition(s)", l->cnt);
		set_start_offsets(rk, l);
		/* what an eager rebalance revoked and did not give back */
		for (j = parts.n; j-- > 0;)
			if (parts.p[j].revoked)
				part_drop(&parts.p[j]);
		parts.assigned = 1;
		if (cooperative)
			er = rd_kafka_incremental_assign(rk, l);
		else
			rd_kafka_assign(rk, l);
	} else {
		int lost = rd_kafka_assignment_lost(rk);

		/* what was written is committed before the partitions go */
		if (flush_and_store(rk) == 0 && !lost &&
		    (e = rd_kafka_commit(rk, NULL, 0)) != 0 &&
		    e != RD_KAFKA_RESP_ERR__NO_OFFSET)
			mkt_info(0, "commit on rebalance: %s", rd_kafka_err2str(e));
		for (i = 0; i < l->cnt; i++) {
			struct part *p = part_find(l->elems[i].topic,
			    l->elems[i].partition);

			/* an eager revoke is followed by an assignment that may
			 * give the partition back */
			if (p != NULL && !cooperative && !lost)
				p->revoked = 1;
			else if (p != NULL)
				part_drop(p);
		}
		/* an eager revoke takes the whole assignment; an incremental
		 * one only the listed partitions, the rest stay assigned (a
		 * lost assignment is all of it) */
		parts.assigned = cooperative && !lost && parts.n > 0;
		if (parts.assigned)
			mkt_info(1, "revoked %d partition(s), keeping %zu", l->cnt,
			    parts.n);
		else
			mkt_info(1, "revoked %d partition(s)%s", l->cnt,
			    lost ? " (lost)" : "");
		if (cooperative)
			er = rd_kafka_incremental_unassign(rk, l);
		else
			rd_kafka_assign(rk, NULL);
	}
	if (er != NULL) {
		warnx("rebalance: %s", rd_kafka_error_string(er));
		rd_kafka_error_destroy(er);
	}
}

/* A commit's outcome: a failure at -v, the positions committed at -vv
 * ("committed t[0]@160 t[1]@240"). */
static void on_commit(rd_kafka_t *rk, rd_kafka_resp_err_t e,
    rd_kafka_topic_partition_list_t *l, void *opaque)
{
	char line[1024];
	size_t len = 0;
	int i, n;

	(void)rk;
	(void)opaque;
	if (e == RD_KAFKA_RESP_ERR__NO_OFFSET || mkt_verbosity < (e ? 1 : 2))
		return;
	line[0] = '\0';
	for (i = 0; l != NULL && i < l->cnt; i++) {
		if (l->elems[i].offset < 0)
			continue;
		n = snprintf(line + len, sizeof(line) - len, " %s[%d]@%" PRId64,
		    l->elems[i].topic, (int)l->elems[i].partition,
		    l->elems[i].offset);
		if (n < 0 || (size_t)n >= sizeof(line) - len)
			break;
		len += (size_t)n;
	}
	if (e)
		mkt_info(1, "commit failed:%s: %s", line, rd_kafka_err2str(e));
	else
		mkt_info(2, "committed%s", line);
}

static void on_log(const rd_kafka_t *rk, int level, const char *fac,
    const char *buf)
{
	(void)rk;
	if (level <= 3 ? mkt_verbosity >= 0 : mkt_verbosity >= 2)
		warnx("librdkafka: %s: %s", fac, buf);
}

/* Say a transient error (retried by librdkafka), once a second at most
 * unless -v. */
static void say_retrying(const char *reason)
{
	static int64_t last;
	int64_t now = mkt_mono_ns();

	if (now - last >= 1000000000LL || mkt_verbosity >= 1) {
		last = now;
		mkt_info(0, "%s (retrying)", reason);
	}
}

/* Errors outside a message: brokers down and the like are retried;
 * fatal ones end the run. */
static void on_error(rd_kafka_t *rk, int e, const char *reason, void *opaque)
{
	(void)rk;
	(void)opaque;
	if (e == RD_KAFKA_RESP_ERR__FATAL) {
		warnx("fatal: %s", reason);
		mkt_stop = SIGTERM;
		return;
	}
	say_retrying(reason);
}

/* ---- records ---- */

/* Write one message. Returns 1 written, 0 skipped (reported), -1 output
 * failed. */
static int write_message(const rd_kafka_message_t *m, struct mkt_jobj *o)
{
	const char *v = m->payload;
	size_t len = m->len;
	char why[200];

	if (s.raw && !s.meta)
		return mkt_writer_line(&out, v ? v : "", v ? len : 0) < 0 ? -1 : 1;
	if (v == NULL || mkt_json_scan(o, v, len, why, sizeof(why)) < 0) {
		char src[300];

		if (s.raw && v == NULL)
			snprintf(why, sizeof(why), "no value");
		else if (s.raw)
			return mkt_writer_line(&out, v, len) < 0 ? -1 : 1;
		snprintf(src, sizeof(src), "%s[%d]", rd_kafka_topic_name(m->rkt),
		    (int)m->partition);
		mkt_rec_warn(src, (uint64_t)m->offset, "not written: %s",
		    v ? why : "no value");
		return 0;
	}
	if (!s.meta)
		return mkt_writer_line(&out, v, len) < 0 ? -1 : 1;
	{
		struct mkt_buf *b = &out.b;
		rd_kafka_timestamp_type_t tt;
		int64_t ts = rd_kafka_message_timestamp(m, &tt);
		const char *tn = rd_kafka_topic_name(m->rkt);

		mkt_json_reopen(b, v, len);
		mkt_json_key(b, "_kafka");
		mkt_buf_adds(b, "{\"topic\":");
		mkt_json_str(b, tn, strlen(tn));
		mkt_json_key(b, "partition");
		mkt_json_int(b, m->partition);
		mkt_json_key(b, "offset");
		mkt_json_int(b, m->offset);
		mkt_json_key(b, "ts");
		if (tt == RD_KAFKA_TIMESTAMP_NOT_AVAILABLE)
			mkt_buf_adds(b, "null");
		else
			mkt_json_int(b, ts);
		mkt_json_key(b, "key");
		if (m->key == NULL)
			mkt_buf_adds(b, "null");
		else
			mkt_json_str(b, m->key, m->key_len);
		mkt_buf_adds(b, "}}");
		return mkt_writer_commit(&out) < 0 ? -1 : 1;
	}
}

/* Without a group: assign every partition of the topics. Returns 0 or -1. */
static int assign_all(rd_kafka_t *rk)
{
	rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(16);
	size_t t;
	int i, rc = 0;

	for (t = 0; t < s.ntopics && rc == 0; t++) {
		rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, s.topics[t], NULL);
		const struct rd_kafka_metadata *md = NULL;
		rd_kafka_resp_err_t e;
		int64_t until = mkt_mono_ns() + (int64_t)META_TIMEOUT_MS * 1000000;

		/* a topic being created, or brokers starting: ask again */
		for (;;) {
			e = rd_kafka_metadata(rk, 0, rkt, &md, 2000);
			if (e == 0 && md->topic_cnt == 1 && md->topics[0].err == 0 &&
			    md->topics[0].partition_cnt > 0)
				break;
			if (e == 0) {
				e = md->topic_cnt == 1 && md->topics[0].err ?
				    md->topics[0].err :
				    RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART;
				rd_kafka_metadata_destroy(md);
				md = NULL;
			}
			if (mkt_stop || mkt_mono_ns() > until)
				break;
			usleep(200000);
		}
		if (md == NULL) {
			warnx("%s: %s", s.topics[t], rd_kafka_err2str(e));
			rc = -1;
		} else {
			for (i = 0; i < md->topics[0].partition_cnt; i++)
				rd_kafka_topic_partition_list_add(l, s.topics[t],
				    md->topics[0].partitions[i].id);
			rd_kafka_metadata_destroy(md);
		}
		rd_kafka_topic_destroy(rkt);
	}
	if (rc == 0) {
		set_start_offsets(rk, l);
		parts.assigned = 1;
		rd_kafka_assign(rk, l);
	}
	rd_kafka_topic_partition_list_destroy(l);
	return rc;
}

/* Handle one message or event from the consumer queue and release it:
 * an end-of-partition mark, a consumer error (said, retried), a message
 * of a partition no longer assigned (dropped), or a value to write.
 * Returns 1 when the loop must stop (every partition at its end with -e,
 * --count reached, output failed, --strict), else 0. */
static int handle_message(rd_kafka_t *rk, rd_kafka_message_t *m,
    struct mkt_jobj *o, long long *written, long long *skipped, int *status,
    int *out_failed)
{
	struct part *p = m->rkt ? part_find(rd_kafka_topic_name(m->rkt),
	    m->partition) : NULL;
	int r;

	if (m->err) {
		int stop = 0;

		if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
			if (p != NULL && !p->revoked)
				p->eof = 1;
			stop = s.exit_at_end && all_at_end();
		} else {
			say_retrying(rd_kafka_message_errstr(m));
		}
		rd_kafka_message_destroy(m);
		return stop;
	}
	if (p == NULL || p->revoked) {
		/* from a partition revoked while the batch was taken (a
		 * rebalance callback runs inside the batch call): not
		 * written, not stored; whoever gets the partition next reads
		 * it from the committed position */
		mkt_info(2, "%s[%d]:%" PRId64 ": revoked partition, not written",
		    rd_kafka_topic_name(m->rkt), (int)m->partition, m->offset);
		rd_kafka_message_destroy(m);
		return 0;
	}
	p->eof = 0;
	if (p->skip_ts >= 0) {
		int64_t ts = rd_kafka_message_timestamp(m, NULL);

		if (ts >= 0 && ts < p->skip_ts) {
			p->next = m->offset + 1;
			p->stored_next = 0;
			rd_kafka_message_destroy(m);
			return 0;
		}
		p->skip_ts = -1;
	}
	r = write_message(m, o);
	p->next = m->offset + 1;
	p->stored_next = 0;
	rd_kafka_message_destroy(m);
	if (r < 0) {
		*out_failed = 1;
		return 1;
	}
	if (out.b.len == 0) /* the writer just flushed: all is out */
		store_written(rk);
	if (r == 0) {
		(*skipped)++;
		if (s.strict) {
			*status = MKT_EXIT_FAIL;
			return 1;
		}
	} else if (s.count && ++*written >= s.count) {
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	enum { OPT_META = 256, OPT_RAW, OPT_STRICT };
	static const struct option longopts[] = {
		{ "brokers", required_argument, NULL, 'b' },
		{ "topic", required_argument, NULL, 't' },
		{ "group", required_argument, NULL, 'G' },
		{ "offset", required_argument, NULL, 'o' },
		{ "exit-at-end", no_argument, NULL, 'e' },
		{ "count", required_argument, NULL, 'c' },
		{ "meta", no_argument, NULL, OPT_META },
		{ "raw", no_argument, NULL, OPT_RAW },
		{ "strict", no_argument, NULL, OPT_STRICT },
		{ "property", required_argument, NULL, 'X' },
		{ "unbuffered", no_argument, NULL, 'u' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	char errstr[512], vers[64];
	rd_kafka_conf_t *conf;
	rd_kafka_t *rk;
	struct mkt_jobj o = { 0 };
	const char *brokers;
	long long v, written = 0, skipped = 0;
	int c, status = MKT_EXIT_OK, out_failed = 0, done = 0;
	rd_kafka_message_t *batch[BATCH];
	rd_kafka_queue_t *q;
	size_t i;

	while ((c = getopt_long(argc, argv, "b:t:G:o:ec:X:uqvhV", longopts,
	    NULL)) != -1) {
		switch (c) {
		case 'b':
			s.brokers = optarg;
			break;
		case 't': {
			char *tok, *save = NULL;

			for (tok = strtok_r(optarg, ",", &save); tok != NULL;
			    tok = strtok_r(NULL, ",", &save)) {
				if (s.ntopics >= MAX_TOPICS) {
					warnx("too many topics (at most %d)", MAX_TOPICS);
					return MKT_EXIT_USAGE;
				}
				s.topics[s.ntopics++] = tok;
			}
			break;
		}
		case 'G':
			s.group = optarg;
			break;
		case 'o':
			if (parse_offset(optarg) < 0) {
				warnx("-o %s: expected beginning, end, stored, N, -N, "
				    "@TIME or @-DURATION", optarg);
				usage(stderr);
				return MKT_EXIT_USAGE;
			}
			break;
		case 'e':
			s.exit_at_end = 1;
			break;
		case 'c':
			if (mkt_parse_long(optarg, 1, INT64_MAX / 4, &v) < 0) {
				warnx("--count: expected a positive number, got '%s'",
				    optarg);
				usage(stderr);
				return MKT_EXIT_USAGE;
			}
			s.count = v;
			break;
		case OPT_META:
			s.meta = 1;
			break;
		case OPT_RAW:
			s.raw = 1;
			break;
		case OPT_STRICT:
			s.strict = 1;
			break;
		case 'X':
			if (mkt_kafka_props_add(&s.x, optarg, errstr, sizeof(errstr)) < 0) {
				warnx("%s", errstr);
				usage(stderr);
				return MKT_EXIT_USAGE;
			}
			break;
		case 'u':
			s.unbuffered = 1;
			break;
		case 'q':
			mkt_verbosity = -1;
			break;
		case 'v':
			mkt_verbosity++;
			break;
		case 'h':
			usage(stdout);
			return MKT_EXIT_OK;
		case 'V':
			snprintf(vers, sizeof(vers), "librdkafka %s",
			    rd_kafka_version_str());
			mkt_print_version(vers);
			return MKT_EXIT_OK;
		default:
			usage(stderr);
			return MKT_EXIT_USAGE;
		}
	}
	if (optind != argc) {
		warnx("unexpected argument '%s'", argv[optind]);
		usage(stderr);
		return MKT_EXIT_USAGE;
	}
	brokers = mkt_kafka_brokers(s.brokers);
	if (s.ntopics == 0 || brokers == NULL) {
		warnx(s.ntopics ? "no brokers: give -b or set KAFKA_BROKERS" :
		    "-t TOPIC is required");
		usage(stderr);
		return MKT_EXIT_USAGE;
	}
	if (s.off == OFF_STORED && s.group == NULL) {
		warnx("-o stored needs a group (-G)");
		usage(stderr);
		return MKT_EXIT_USAGE;
	}

	{
		const char *group_defaults[] = {
			"enable.auto.offset.store", "false",
			"enable.auto.commit", "true",
			"auto.commit.interval.ms", "1000",
			"auto.offset.reset", s.off == OFF_END ? "latest" : "earliest",
			"enable.partition.eof", s.exit_at_end ? "true" : "false",
			"fetch.wait.max.ms", FETCH_WAIT_MS,
			NULL,
		};
		const char *plain_defaults[] = {
			"enable.auto.commit", "false",
			"enable.auto.offset.store", "false",
			"enable.partition.eof", s.exit_at_end ? "true" : "false",
			"fetch.wait.max.ms", FETCH_WAIT_MS,
			NULL,
		};

		char own[64];

		/* Without -G the partitions are assigned, not joined; the
		 * consumer still wants a group id, one that never commits. */
		snprintf(own, sizeof(own), "kcat-out-%ld", (long)getpid());
		conf = rd_kafka_conf_new();
		if (mkt_kafka_set(conf, "group.id", s.group ? s.group : own, errstr,
		    sizeof(errstr)) < 0 ||
		    mkt_kafka_configure(conf, s.group ? group_defaults :
		    plain_defaults, brokers, &s.x, errstr, sizeof(errstr)) < 0) {
			warnx("%s", errstr);
			rd_kafka_conf_destroy(conf);
			return MKT_EXIT_USAGE;
		}
	}
	if (s.group) {
		rd_kafka_conf_set_rebalance_cb(conf, on_rebalance);
		rd_kafka_conf_set_offset_commit_cb(conf, on_commit);
	}
	rd_kafka_conf_set_log_cb(conf, on_log);
	rd_kafka_conf_set_error_cb(conf, on_error);
	rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof(errstr));
	if (rk == NULL)
		errx(MKT_EXIT_FAIL, "%s", errstr);
	rd_kafka_poll_set_consumer(rk);
	mkt_signals_init();
	mkt_writer_init(&out, STDOUT_FILENO, s.unbuffered);

	if (s.group) {
		rd_kafka_topic_partition_list_t *l =
		    rd_kafka_topic_partition_list_new((int)s.ntopics);
		rd_kafka_resp_err_t e;

		for (i = 0; i < s.ntopics; i++)
			rd_kafka_topic_partition_list_add(l, s.topics[i],
			    RD_KAFKA_PARTITION_UA);
		e = rd_kafka_subscribe(rk, l);
		rd_kafka_topic_partition_list_destroy(l);
		if (e)
			errx(MKT_EXIT_FAIL, "subscribe: %s", rd_kafka_err2str(e));
	} else if (assign_all(rk) < 0) {
		status = MKT_EXIT_FAIL;
		mkt_stop = SIGTERM;
	}

	q = rd_kafka_queue_get_consumer(rk);
	while (!mkt_stop && !done) {
		ssize_t n = rd_kafka_consume_batch_queue(q, 0, batch, BATCH);
		ssize_t k;

		if (n <= 0) {
			/* nothing waiting: the input paused */
			if (flush_and_store(rk) < 0) {
				out_failed = 1;
				break;
			}
			commit_quiet(rk);
			if (s.exit_at_end && all_at_end())
				break;
			/* a batch call with a timeout waits for a full batch:
			 * wait for one message only */
			n = rd_kafka_consume_batch_queue(q, POLL_MS, batch, 1);
			if (n <= 0)
				continue;
		}
		for (k = 0; k < n; k++) {
			rd_kafka_message_t *m = batch[k];

			batch[k] = NULL;
			if (done) {
				rd_kafka_message_destroy(m);
				continue;
			}
			done = handle_message(rk, m, &o, &written, &skipped,
			    &status, &out_failed);
		}
	}
	rd_kafka_queue_destroy(q);

	/* Drain: flush, store, commit, leave the group cleanly. */
	if (!out_failed && flush_and_store(rk) < 0)
		out_failed = 1;
	if (s.group) {
		rd_kafka_resp_err_t e = rd_kafka_commit(rk, NULL, 0);

		if (e && e != RD_KAFKA_RESP_ERR__NO_OFFSET)
			warnx("commit: %s", rd_kafka_err2str(e));
	}
	if (out_failed) {
		if (out.err != EPIPE) {
			errno = out.err;
			warn("stdout");
			status = MKT_EXIT_FAIL;
		}
		/* nothing more is stored: what did not reach stdout is read
		 * again next time */
		for (i = 0; i < parts.n; i++)
			parts.p[i].stored_next = 1;
	}
	rd_kafka_consumer_close(rk);
	if (skipped) {
		mkt_rec_summary();
		status = MKT_EXIT_FAIL;
	}
	mkt_writer_close(&out);
	mkt_jobj_free(&o);
	rd_kafka_destroy(rk);
	for (i = 0; i < parts.n; i++)
		free(parts.p[i].topic);
	free(parts.p);
	return status;
}
