/* SPDX-License-Identifier: MIT */
/* kmock.c -- an embedded Kafka-protocol broker on loopback, for tests and demos */
/*
 * Starts librdkafka's mock cluster (rdkafka_mock.h): N brokers that speak
 * the Kafka protocol on 127.0.0.1, ephemeral ports. Writes the bootstrap
 * list as the first line on stdout (and to --bootstrap-file), then serves
 * until SIGTERM or SIGINT and exits 0. Commands come as lines on stdin:
 * "down ID", "up ID", "rtt ID MS", "topic NAME:PARTITIONS"; each is
 * answered on stdout with "ok ..." or "error ..." (flushed at once), so a
 * script can wait for the answer. SIGUSR1 takes every broker down,
 * SIGUSR2 brings them all back. End of stdin only ends the commands.
 *
 * It is not Kafka: a partition keeps only about 5 MB or 100k message
 * sets, and nothing survives its exit.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include "cli.h"
#include "io.h"

#define MAX_TOPICS 64

struct settings {
	int brokers;
	const char *topics[MAX_TOPICS];
	size_t ntopics;
	const char *bootstrap_file;
};

static volatile sig_atomic_t usr_down, usr_up;

static void on_usr(int sig)
{
	if (sig == SIGUSR1)
		usr_down = 1;
	else
		usr_up = 1;
}

static void usage(FILE *fp)
{
	fprintf(fp,
	    "usage: kmock [-qv] [-n brokers] [-T name:partitions]... "
	    "[--bootstrap-file file]\n"
	    "       kmock -h | -V\n"
	    "  -n, --brokers N           brokers in the cluster (1..16, default 1)\n"
	    "  -T, --topic NAME:P        create topic NAME with P partitions\n"
	    "  -f, --bootstrap-file F    also write the bootstrap list to F\n"
	    "  -q, --quiet / -v, --verbose\n"
	    "  -h, --help / -V, --version\n"
	    "stdin commands: down ID | up ID | rtt ID MS | topic NAME:P\n");
}

/* Create the topic described by "NAME:PARTITIONS". Returns 0, or -1 with
 * a reason in why. */
static int create_topic(rd_kafka_mock_cluster_t *mc, const char *spec,
    int brokers, char *why, size_t whysize)
{
	char name[250];
	const char *colon = strrchr(spec, ':');
	long long parts;
	size_t nlen;
	rd_kafka_resp_err_t e;

	if (colon == NULL || colon == spec ||
	    mkt_parse_long(colon + 1, 1, 10000, &parts) < 0) {
		snprintf(why, whysize, "%s: expected NAME:PARTITIONS", spec);
		return -1;
	}
	nlen = (size_t)(colon - spec);
	if (nlen >= sizeof(name)) {
		snprintf(why, whysize, "%s: topic name too long", spec);
		return -1;
	}
	memcpy(name, spec, nlen);
	name[nlen] = '\0';
	e = rd_kafka_mock_topic_create(mc, name, (int)parts,
	    brokers < 3 ? brokers : 3);
	if (e) {
		snprintf(why, whysize, "%s: %s", spec, rd_kafka_err2str(e));
		return -1;
	}
	return 0;
}

/* Say s on stdout at once. */
static void say(const char *s)
{
	fputs(s, stdout);
	fputc('\n', stdout);
	fflush(stdout);
}

/* Run one command line; answers on stdout. */
static void command(rd_kafka_mock_cluster_t *mc, int brokers, char *line)
{
	char verb[16], arg[256], ans[600], why[400];
	long long id = 0, ms = 0;
	int n;
	rd_kafka_resp_err_t e = 0;

	arg[0] = '\0';
	n = sscanf(line, "%15s %255s %lld", verb, arg, &ms);
	if (n < 1)
		return;
	if (strcmp(verb, "topic") == 0 && n >= 2) {
		if (create_topic(mc, arg, brokers, why, sizeof(why)) < 0) {
			snprintf(ans, sizeof(ans), "error %s", why);
			say(ans);
			return;
		}
		snprintf(ans, sizeof(ans), "ok topic %s", arg);
		say(ans);
		return;
	}
	if (n < 2 || mkt_parse_long(arg, 1, brokers, &id) < 0 ||
	    (strcmp(verb, "down") && strcmp(verb, "up") &&
	    (strcmp(verb, "rtt") || n < 3 || ms < 0 || ms > 600000))) {
		snprintf(ans, sizeof(ans), "error unknown command: %.500s", line);
		say(ans);
		return;
	}
	if (strcmp(verb, "down") == 0)
		e = rd_kafka_mock_broker_set_down(mc, (int32_t)id);
	else if (strcmp(verb, "up") == 0)
		e = rd_kafka_mock_broker_set_up(mc, (int32_t)id);
	else
		e = rd_kafka_mock_broker_set_rtt(mc, (int32_t)id, (int)ms);
	if (e)
		snprintf(ans, sizeof(ans), "error %s %lld: %s", verb, id,
		    rd_kafka_err2str(e));
	else if (strcmp(verb, "rtt") == 0)
		snprintf(ans, sizeof(ans), "ok rtt %lld %lld", id, ms);
	else
		snprintf(ans, sizeof(ans), "ok %s %lld", verb, id);
	mkt_info(1, "%s", ans);
	say(ans);
}

/* Every broker down (up = 0) or up. */
static void all_brokers(rd_kafka_mock_cluster_t *mc, int brokers, int up)
{
	char ans[64];
	int i;

	for (i = 1; i <= brokers; i++) {
		if (up)
			rd_kafka_mock_broker_set_up(mc, i);
		else
			rd_kafka_mock_broker_set_down(mc, i);
	}
	snprintf(ans, sizeof(ans), "ok %s all", up ? "up" : "down");
	say(ans);
}

int main(int argc, char **argv)
{
	struct settings s = {
		.brokers = 1,
		.ntopics = 0,
		.bootstrap_file = NULL,
	};
	static const struct option longopts[] = {
		{ "brokers", required_argument, NULL, 'n' },
		{ "topic", required_argument, NULL, 'T' },
		{ "bootstrap-file", required_argument, NULL, 'f' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	char errstr[512], why[400], vers[64];
	rd_kafka_conf_t *conf;
	rd_kafka_t *rk;
	rd_kafka_mock_cluster_t *mc;
	struct mkt_reader rd;
	struct sigaction sa;
	const char *bs;
	long long v;
	size_t i;
	int c, stdin_open = 1;

	while ((c = getopt_long(argc, argv, "n:T:f:qvhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'n':
			if (mkt_parse_long(optarg, 1, 16, &v) < 0) {
				warnx("--brokers: expected 1..16, got '%s'", optarg);
				usage(stderr);
				return MKT_EXIT_USAGE;
			}
			s.brokers = (int)v;
			break;
		case 'T':
			if (s.ntopics >= MAX_TOPICS) {
				warnx("too many --topic (at most %d)", MAX_TOPICS);
				return MKT_EXIT_USAGE;
			}
			if (strrchr(optarg, ':') == NULL) {
				warnx("--topic %s: expected NAME:PARTITIONS", optarg);
				usage(stderr);
				return MKT_EXIT_USAGE;
			}
			s.topics[s.ntopics++] = optarg;
			break;
		case 'f':
			s.bootstrap_file = optarg;
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

	mkt_signals_init();
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);

	/* The mock cluster hangs off a client handle; this one never
	 * connects anywhere. The mock brokers listen on 127.0.0.1. */
	conf = rd_kafka_conf_new();
	if (mkt_verbosity < 1)
		rd_kafka_conf_set(conf, "log_level", "3", why, sizeof(why));
	rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
	if (rk == NULL)
		errx(MKT_EXIT_FAIL, "%s", errstr);
	mc = rd_kafka_mock_cluster_new(rk, s.brokers);
	if (mc == NULL)
		errx(MKT_EXIT_FAIL, "could not start the mock cluster");
	for (i = 0; i < s.ntopics; i++)
		if (create_topic(mc, s.topics[i], s.brokers, why, sizeof(why)) < 0) {
			warnx("--topic %s", why);
			rd_kafka_mock_cluster_destroy(mc);
			rd_kafka_destroy(rk);
			return MKT_EXIT_USAGE;
		}
	bs = rd_kafka_mock_cluster_bootstraps(mc);
	if (s.bootstrap_file != NULL) {
		FILE *f = fopen(s.bootstrap_file, "w");

		if (f == NULL || fprintf(f, "%s\n", bs) < 0 || fclose(f) != 0)
			err(MKT_EXIT_FAIL, "%s", s.bootstrap_file);
	}
	say(bs);
	if (ferror(stdout))
		err(MKT_EXIT_FAIL, "stdout");
	mkt_info(1, "%d broker(s) on %s", s.brokers, bs);

	if (mkt_reader_init(&rd, 0, "stdin", 4096, errstr, sizeof(errstr)) < 0)
		errx(MKT_EXIT_FAIL, "%s", errstr);
	rd.idle_ms = 200;
	while (!mkt_stop) {
		const char *line;
		size_t len;
		int r;

		if (usr_down) {
			usr_down = 0;
			all_brokers(mc, s.brokers, 0);
		}
		if (usr_up) {
			usr_up = 0;
			all_brokers(mc, s.brokers, 1);
		}
		if (!stdin_open) {
			poll(NULL, 0, 200); /* a signal cuts this short */
			continue;
		}
		r = mkt_reader_next(&rd, &line, &len);
		if (r == MKT_READ_LINE) {
			char cmd[512];

			if (len >= sizeof(cmd))
				len = sizeof(cmd) - 1;
			memcpy(cmd, line, len);
			cmd[len] = '\0';
			command(mc, s.brokers, cmd);
		} else if (r == MKT_READ_EOF || r == MKT_READ_ERROR) {
			stdin_open = 0;
		}
		/* LONG, TIMEOUT, INTR: go round */
	}
	mkt_info(1, "stopping on signal %d", (int)mkt_stop);
	mkt_reader_free(&rd);
	rd_kafka_mock_cluster_destroy(mc);
	rd_kafka_destroy(rk);
	return MKT_EXIT_OK;
}
