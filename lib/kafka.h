/* SPDX-License-Identifier: MIT */
/* kafka.h -- what kcat-in and kcat-out set up the same way with
 * librdkafka: the broker list (-b or $KAFKA_BROKERS), -X prop=val
 * pass-through, and configuration with an error message instead of a
 * print. Nothing here prints or exits. */
#ifndef MKT_KAFKA_H
#define MKT_KAFKA_H

#include <stddef.h>

#include <librdkafka/rdkafka.h>

#define MKT_KAFKA_MAX_X 64

/* -X properties collected from the command line, applied after the
 * tool's own defaults so that they override them. */
struct mkt_kafka_props {
	const char *x[MKT_KAFKA_MAX_X]; /* "prop=val", as given */
	size_t n;
};

/* Remember one -X argument. Returns 0, or -1 with errstr filled (no '=',
 * an empty name, or too many). */
int mkt_kafka_props_add(struct mkt_kafka_props *p, const char *arg,
    char *errstr, size_t errsize);

/* The broker list: brokers if not NULL, else $KAFKA_BROKERS if set and
 * not empty, else NULL. */
const char *mkt_kafka_brokers(const char *brokers);

/* Set one property. Returns 0, or -1 with errstr filled with
 * "name: librdkafka's reason". */
int mkt_kafka_set(rd_kafka_conf_t *conf, const char *name, const char *val,
    char *errstr, size_t errsize);

/* Apply defaults (a NULL-terminated list of name, value pairs), then
 * bootstrap.servers, then every -X property in order. Returns 0, or -1
 * with errstr filled. */
int mkt_kafka_configure(rd_kafka_conf_t *conf, const char *const *defaults,
    const char *brokers, const struct mkt_kafka_props *p,
    char *errstr, size_t errsize);

#endif
