/* SPDX-License-Identifier: MIT */
/* kcat-in.c -- NDJSON lines into a Kafka topic, none lost silently */
/*
 * Reads lines from stdin; each line that is a JSON object becomes one
 * message on the topic (with --raw, every line as is). The key is a
 * field's value (murmur2 partitioner, as Java producers key), the message
 * timestamp can come from a field, headers from fields. Defaults are the
 * safe ones: acks=all, idempotence on; batching by linger.ms. A full
 * local queue is back-pressure: poll and retry, never drop; a SIGTERM or
 * SIGINT ends the wait, and the line that waited is counted as not sent.
 *
 * Delivery reports are served between lines, whenever input pauses, and
 * at the end, where the producer flushes and waits for every report (up
 * to message.timeout.ms). The exit status is 1 if any message was not
 * delivered or any line was not sent; the counts go to stderr.
 */
#include <err.h>
#include <errno.h>
#include <getopt.h>
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

#define MAX_HEADERS 16
#define POLL_EVERY 1024 /* lines between non-blocking polls */

struct header {
	const char *name;
	const char *field;
};

struct settings {
	const char *brokers;
	const char *topic;
	const char *key_field;
	const char *ts_field;
	enum mkt_tunit ts_unit;
	struct header headers[MAX_HEADERS];
	size_t nheaders;
	const char *compression;
	const char *partitioner;
	long long timeout_ms;
	long long linger_ms;
	int raw;
	int strict;
	struct mkt_kafka_props x;
};

/* Delivery counts, updated by the delivery report callback (which runs
 * inside rd_kafka_poll/flush on this thread), and how many lines had to
 * wait for room in the local queue. */
static struct {
	uint64_t sent, delivered, failed;
	uint64_t waited;
} stats;

static const char *input_name = "stdin";

static void usage(FILE *fp)
{
	fprintf(fp,
	    "usage: kcat-in [-qvu] [-b brokers] -t topic [-k field] [--ts-field field]\n"
	    "               [--ts-unit unit] [-H name=field]... [-z codec] [--timeout duration]\n"
	    "               [--linger ms] [--partitioner name] [--raw] [--strict]\n"
	    "               [-X prop=val]...\n"
	    "       kcat-in -h | -V\n"
	    "  -b, --brokers LIST     bootstrap brokers (default $KAFKA_BROKERS)\n"
	    "  -t, --topic TOPIC      topic to produce to\n"
	    "  -k, --key FIELD        message key from this field\n"
	    "      --ts-field FIELD   message timestamp from this field\n"
	    "      --ts-unit UNIT     unit of numeric timestamps: s ms us ns (default ms)\n"
	    "  -H, --header NAME=FIELD  header NAME from FIELD (repeatable)\n"
	    "  -z, --compression C    none gzip snappy lz4 zstd (default none)\n"
	    "      --timeout DUR      delivery timeout, message.timeout.ms (default 5m)\n"
	    "      --linger MS        batching delay, linger.ms (default 5)\n"
	    "      --partitioner P    librdkafka partitioner (default murmur2_random)\n"
	    "      --raw              send every line as is, JSON or not\n"
	    "      --strict           stop at the first line that cannot be sent\n"
	    "  -X, --property P=V     librdkafka property (repeatable, wins over the above)\n"
	    "  -u, --unbuffered       wait for each message's delivery report\n"
	    "  -q, --quiet / -v, --verbose\n"
	    "  -h, --help / -V, --version\n");
}

/* Delivery report: count, and name the input line of a failed message
 * (its line number rides in the message opaque). */
static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m,
    void *opaque)
{
	(void)rk;
	(void)opaque;
	if (m->err) {
		stats.failed++;
		mkt_rec_warn(input_name, (uint64_t)(uintptr_t)m->_private,
		    "not delivered: %s", rd_kafka_err2str(m->err));
	} else {
		stats.delivered++;
	}
}

/* librdkafka's log lines, kept to warnings unless -v. */
static void on_log(const rd_kafka_t *rk, int level, const char *fac,
    const char *buf)
{
	(void)rk;
	if (level <= 4 ? mkt_verbosity >= 0 : mkt_verbosity >= 2)
		warnx("librdkafka: %s: %s", fac, buf);
}

/* Errors librdkafka reports outside a message (brokers down, ...). A
 * fatal one (idempotence broken) ends the run. */
static void on_error(rd_kafka_t *rk, int e, const char *reason, void *opaque)
{
	static int64_t last;
	int64_t now = mkt_mono_ns();
	char why[512];

	(void)opaque;
	if (e == RD_KAFKA_RESP_ERR__FATAL) {
		rd_kafka_fatal_error(rk, why, sizeof(why));
		warnx("fatal: %s", why);
		mkt_stop = SIGTERM;
		return;
	}
	/* retried by librdkafka until message.timeout.ms: said once a
	 * second at most */
	if (now - last >= 1000000000LL || mkt_verbosity >= 1) {
		last = now;
		mkt_info(0, "%s (retrying)", reason);
	}
}

/* At -v, the producer settings in force once the defaults and -X are
 * applied (librdkafka's own defaults included), so that a run can be
 * compared with another client's like with like. */
static void say_settings(const rd_kafka_conf_t *conf)
{
	static const char *const names[] = {
		"acks", "enable.idempotence", "linger.ms", "batch.num.messages",
		"batch.size", "compression.codec", "partitioner",
		"message.timeout.ms", "queue.buffering.max.messages", NULL,
	};
	char line[600], val[128];
	size_t i, len = 0, n;

	if (mkt_verbosity < 1)
		return;
	line[0] = '\0';
	for (i = 0; names[i] != NULL && len < sizeof(line); i++) {
		n = sizeof(val);
		if (rd_kafka_conf_get(conf, names[i], val, &n) != RD_KAFKA_CONF_OK)
			continue;
		len += (size_t)snprintf(line + len, sizeof(line) - len, " %s=%s",
		    names[i], val);
	}
	mkt_info(1, "producer:%s", line);
}

static void on_pause(void *arg)
{
	rd_kafka_poll((rd_kafka_t *)arg, 0);
}

/* A field's bytes for a key or header: a string's decoded text, any
 * other value's JSON text. */
static void field_bytes(const struct mkt_jfield *f, struct mkt_buf *tmp,
    const char **p, size_t *n)
{
	if (f->type == MKT_JSTR) {
		mkt_jfield_string(f, tmp, p, n);
	} else {
		*p = f->val;
		*n = f->vlen;
	}
}

/* Wait for room in the local queue (back-pressure): serve delivery
 * reports, which free it. Said at -v, once a second at most. */
static void queue_full_wait(rd_kafka_t *rk, uint64_t lineno, int first)
{
	static int64_t last;
	int64_t now;

	if (first) {
		stats.waited++;
		now = mkt_mono_ns();
		if (mkt_verbosity >= 1 && now - last >= 1000000000LL) {
			last = now;
			mkt_info(1, "%s:%llu: local queue full (%d message(s) "
			    "waiting): waiting for deliveries", input_name,
			    (unsigned long long)lineno, rd_kafka_outq_len(rk));
		}
	}
	rd_kafka_poll(rk, 100);
}

/* Send one line. Returns 0 (handed to the producer), 1 (bad line,
 * reported) or -1 (producer refused it for good, or a stop signal came
 * while it waited for room in the local queue). Blocks in rd_kafka_poll
 * while the local queue is full. */
static int send_line(rd_kafka_t *rk, rd_kafka_topic_t *rkt,
    const struct settings *s, struct mkt_jobj *o, struct mkt_buf *ktmp,
    struct mkt_buf *htmp, const char *line, size_t len, uint64_t lineno)
{
	const char *key = NULL;
	size_t klen = 0;
	int64_t ts = 0;
	rd_kafka_headers_t *hdrs = NULL;
	rd_kafka_resp_err_t e;
	char why[200];
	size_t i;
	int tries = 0;

	if (!s->raw) {
		if (mkt_json_scan(o, line, len, why, sizeof(why)) < 0) {
			mkt_rec_warn(input_name, lineno, "not sent: %s", why);
			return 1;
		}
		if (s->key_field) {
			const struct mkt_jfield *f = mkt_jobj_gets(o, s->key_field);

			if (f == NULL) {
				mkt_rec_warn(input_name, lineno, "no \"%s\" field",
				    s->key_field);
				return 1;
			}
			field_bytes(f, ktmp, &key, &klen);
		}
		if (s->ts_field) {
			const struct mkt_jfield *f = mkt_jobj_gets(o, s->ts_field);

			if (f == NULL || mkt_jfield_time(f, s->ts_unit, &ts) < 0) {
				mkt_rec_warn(input_name, lineno,
				    f ? "\"%s\" is not a time" : "no \"%s\" field",
				    s->ts_field);
				return 1;
			}
			ts = mkt_floordiv(ts * mkt_tunit_ns(s->ts_unit), 1000000);
			if (ts < 0) {
				mkt_rec_warn(input_name, lineno,
				    "\"%s\" is before 1970", s->ts_field);
				return 1;
			}
		}
		for (i = 0; i < s->nheaders; i++) {
			const struct mkt_jfield *f =
			    mkt_jobj_gets(o, s->headers[i].field);
			const char *hv;
			size_t hn;

			if (f == NULL)
				continue; /* an absent header field: no header */
			if (hdrs == NULL)
				hdrs = rd_kafka_headers_new(s->nheaders);
			mkt_buf_reset(htmp);
			field_bytes(f, htmp, &hv, &hn);
			rd_kafka_header_add(hdrs, s->headers[i].name, -1, hv,
			    (ssize_t)hn);
		}
	}
	for (;;) {
		/* without headers or a timestamp, the plain call: it skips
		 * producev's walk through its arguments, about 8% of the
		 * per-message instructions of this thread */
		if (hdrs == NULL && ts == 0)
			e = rd_kafka_produce(rkt, RD_KAFKA_PARTITION_UA,
			    RD_KAFKA_MSG_F_COPY, (void *)line, len, key, klen,
			    (void *)(uintptr_t)lineno) == 0 ? 0 :
			    rd_kafka_last_error();
		else
			e = rd_kafka_producev(rk,
			    RD_KAFKA_V_RKT(rkt),
			    RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
			    RD_KAFKA_V_VALUE((void *)line, len),
			    RD_KAFKA_V_KEY(key, klen),
			    RD_KAFKA_V_TIMESTAMP(ts),
			    RD_KAFKA_V_HEADERS(hdrs),
			    RD_KAFKA_V_OPAQUE((void *)(uintptr_t)lineno),
			    RD_KAFKA_V_END);
		if (e != RD_KAFKA_RESP_ERR__QUEUE_FULL || mkt_stop)
			break;
		/* back-pressure: serve reports until there is room */
		queue_full_wait(rk, lineno, tries++ == 0);
	}
	if (e) {
		if (hdrs)
			rd_kafka_headers_destroy(hdrs);
		if (e == RD_KAFKA_RESP_ERR__QUEUE_FULL)
			mkt_rec_warn(input_name, lineno, "not sent: stopped while "
			    "the local queue was full");
		else
			mkt_rec_warn(input_name, lineno, "not sent: %s",
			    rd_kafka_err2str(e));
		return -1;
	}
	stats.sent++;
	return 0;
}

int main(int argc, char **argv)
{
	struct settings s = {
		.brokers = NULL,
		.topic = NULL,
		.key_field = NULL,
		.ts_field = NULL,
		.ts_unit = MKT_TU_MS,
		.nheaders = 0,
		.compression = "none",
		.partitioner = "murmur2_random",
		.timeout_ms = 300000,
		.linger_ms = 5,
		.raw = 0,
		.strict = 0,
	};
	enum { OPT_TS_FIELD = 256, OPT_TS_UNIT, OPT_TIMEOUT, OPT_LINGER,
		OPT_PARTITIONER, OPT_RAW, OPT_STRICT };
	static const struct option longopts[] = {
		{ "brokers", required_argument, NULL, 'b' },
		{ "topic", required_argument, NULL, 't' },
		{ "key", required_argument, NULL, 'k' },
		{ "ts-field", required_argument, NULL, OPT_TS_FIELD },
		{ "ts-unit", required_argument, NULL, OPT_TS_UNIT },
		{ "header", required_argument, NULL, 'H' },
		{ "compression", required_argument, NULL, 'z' },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "linger", required_argument, NULL, OPT_LINGER },
		{ "partitioner", required_argument, NULL, OPT_PARTITIONER },
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
	char errstr[512], num[32], vers[64];
	rd_kafka_conf_t *conf;
	rd_kafka_t *rk;
	rd_kafka_topic_t *rkt;
	struct mkt_reader rd;
	struct mkt_jobj o = { 0 };
	struct mkt_buf ktmp = MKT_BUF_INIT, htmp = MKT_BUF_INIT;
	const char *brokers;
	int64_t ns;
	long long v;
	uint64_t since_poll = 0, not_sent = 0;
	int c, unbuffered = 0, status = MKT_EXIT_OK, r;

	while ((c = getopt_long(argc, argv, "b:t:k:H:z:X:uqvhV", longopts,
	    NULL)) != -1) {
		switch (c) {
		case 'b':
			s.brokers = optarg;
			break;
		case 't':
			s.topic = optarg;
			break;
		case 'k':
			s.key_field = optarg;
			break;
		case OPT_TS_FIELD:
			s.ts_field = optarg;
			break;
		case OPT_TS_UNIT:
			if (mkt_tunit_parse(optarg, &s.ts_unit) < 0) {
				warnx("--ts-unit: expected s, ms, us or ns");
				return MKT_EXIT_USAGE;
			}
			break;
		case 'H': {
			char *eq = strchr(optarg, '=');

			if (eq == NULL || eq == optarg || eq[1] == '\0' ||
			    s.nheaders >= MAX_HEADERS) {
				warnx("-H %s: expected NAME=FIELD (at most %d)",
				    optarg, MAX_HEADERS);
				usage(stderr);
				return MKT_EXIT_USAGE;
			}
			*eq = '\0';
			s.headers[s.nheaders].name = optarg;
			s.headers[s.nheaders++].field = eq + 1;
			break;
		}
		case 'z':
			s.compression = optarg;
			break;
		case OPT_TIMEOUT:
			if (mkt_duration_parse(optarg, &ns, errstr, sizeof(errstr)) < 0 ||
			    ns < 1000000 || ns / 1000000 > INT32_MAX) {
				warnx("--timeout: expected a duration from 1ms, got '%s'",
				    optarg);
				usage(stderr);
				return MKT_EXIT_USAGE;
			}
			s.timeout_ms = ns / 1000000;
			break;
		case OPT_LINGER:
			if (mkt_parse_long(optarg, 0, 900000, &v) < 0) {
				warnx("--linger: expected 0..900000 ms, got '%s'", optarg);
				usage(stderr);
				return MKT_EXIT_USAGE;
			}
			s.linger_ms = v;
			break;
		case OPT_PARTITIONER:
			s.partitioner = optarg;
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
			unbuffered = 1;
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
	if (s.topic == NULL || *s.topic == '\0' || brokers == NULL) {
		warnx(s.topic ? "no brokers: give -b or set KAFKA_BROKERS" :
		    "-t TOPIC is required");
		usage(stderr);
		return MKT_EXIT_USAGE;
	}
	if (s.raw && (s.key_field || s.ts_field || s.nheaders)) {
		warnx("--raw sends lines as they are: -k, --ts-field and -H need JSON");
		usage(stderr);
		return MKT_EXIT_USAGE;
	}

	{
		char tmo[24], linger[24];
		const char *defaults[] = {
			"acks", "all",
			"enable.idempotence", "true",
			"compression.type", s.compression,
			"partitioner", s.partitioner,
			"message.timeout.ms", tmo,
			"linger.ms", linger,
			NULL,
		};

		snprintf(tmo, sizeof(tmo), "%lld", s.timeout_ms);
		snprintf(linger, sizeof(linger), "%lld", s.linger_ms);
		conf = rd_kafka_conf_new();
		if (mkt_kafka_configure(conf, defaults, brokers, &s.x, errstr,
		    sizeof(errstr)) < 0) {
			warnx("%s", errstr);
			rd_kafka_conf_destroy(conf);
			return MKT_EXIT_USAGE;
		}
	}
	say_settings(conf);
	rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
	rd_kafka_conf_set_log_cb(conf, on_log);
	rd_kafka_conf_set_error_cb(conf, on_error);
	rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
	if (rk == NULL)
		errx(MKT_EXIT_FAIL, "%s", errstr);
	rkt = rd_kafka_topic_new(rk, s.topic, NULL);
	if (rkt == NULL)
		errx(MKT_EXIT_FAIL, "%s: %s", s.topic,
		    rd_kafka_err2str(rd_kafka_last_error()));

	mkt_signals_init();
	if (mkt_reader_init(&rd, STDIN_FILENO, input_name, 0, errstr,
	    sizeof(errstr)) < 0)
		errx(MKT_EXIT_FAIL, "%s", errstr);
	rd.on_pause = on_pause;
	rd.pause_arg = rk;
	rd.idle_ms = 200; /* serve delivery reports while input is quiet */

	while (!mkt_stop) {
		const char *line;
		size_t len;

		r = mkt_reader_next(&rd, &line, &len);
		if (r == MKT_READ_EOF)
			break;
		if (r == MKT_READ_TIMEOUT || r == MKT_READ_INTR) {
			rd_kafka_poll(rk, 0);
			continue;
		}
		if (r == MKT_READ_ERROR) {
			warn("%s", input_name);
			status = MKT_EXIT_FAIL;
			break;
		}
		if (r == MKT_READ_LONG) {
			mkt_rec_warn(input_name, rd.lineno, "line too long, skipped");
			not_sent++;
			if (s.strict)
				break;
			continue;
		}
		r = send_line(rk, rkt, &s, &o, &ktmp, &htmp, line, len, rd.lineno);
		if (r != 0) {
			not_sent++;
			if (s.strict)
				break;
		}
		if (unbuffered) {
			while (rd_kafka_outq_len(rk) > 0 && !mkt_stop)
				rd_kafka_flush(rk, 100);
		} else if (++since_poll >= POLL_EVERY) {
			since_poll = 0;
			rd_kafka_poll(rk, 0);
		}
		if (s.strict && stats.failed)
			break;
	}
	if (rd.bytes == 0 && !mkt_stop && status == MKT_EXIT_OK) {
		warnx("%s: empty input", input_name);
		status = MKT_EXIT_FAIL;
	}

	/* Drain: every message handed over gets its report (delivered, or
	 * failed once message.timeout.ms has passed). */
	mkt_info(1, "flushing %d message(s)", rd_kafka_outq_len(rk));
	while (rd_kafka_outq_len(rk) > 0) {
		rd_kafka_flush(rk, 500);
		if (rd_kafka_fatal_error(rk, NULL, 0))
			break;
	}
	rd_kafka_poll(rk, 0);

	if (stats.failed || stats.sent != stats.delivered) {
		uint64_t lost = stats.sent - stats.delivered;

		warnx("%llu of %llu message(s) not delivered",
		    (unsigned long long)lost, (unsigned long long)stats.sent);
		status = MKT_EXIT_FAIL;
	}
	if (not_sent) {
		warnx("%llu line(s) not sent", (unsigned long long)not_sent);
		status = MKT_EXIT_FAIL;
	}
	if (stats.waited)
		mkt_info(1, "%llu line(s) waited for room in the local queue",
		    (unsigned long long)stats.waited);
	snprintf(num, sizeof(num), "%llu", (unsigned long long)stats.delivered);
	mkt_info(1, "%s message(s) delivered to %s", num, s.topic);

	mkt_jobj_free(&o);
	mkt_buf_free(&ktmp);
	mkt_buf_free(&htmp);
	mkt_reader_free(&rd);
	rd_kafka_topic_destroy(rkt);
	rd_kafka_destroy(rk);
	return status;
}
