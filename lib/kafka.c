/* SPDX-License-Identifier: MIT */
/* kafka.c -- broker list, -X properties and configuration shared by the
 * Kafka tools (see kafka.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kafka.h"

int mkt_kafka_props_add(struct mkt_kafka_props *p, const char *arg,
    char *errstr, size_t errsize)
{
	const char *eq = strchr(arg, '=');

	if (eq == NULL || eq == arg) {
		snprintf(errstr, errsize, "-X %s: expected prop=val", arg);
		return -1;
	}
	if (p->n >= MKT_KAFKA_MAX_X) {
		snprintf(errstr, errsize, "too many -X properties (at most %d)",
		    MKT_KAFKA_MAX_X);
		return -1;
	}
	p->x[p->n++] = arg;
	return 0;
}

const char *mkt_kafka_brokers(const char *brokers)
{
	const char *env;

	if (brokers != NULL && *brokers != '\0')
		return brokers;
	env = getenv("KAFKA_BROKERS");
	if (env != NULL && *env != '\0')
		return env;
	return NULL;
}

int mkt_kafka_set(rd_kafka_conf_t *conf, const char *name, const char *val,
    char *errstr, size_t errsize)
{
	char why[512];

	if (rd_kafka_conf_set(conf, name, val, why, sizeof(why)) !=
	    RD_KAFKA_CONF_OK) {
		snprintf(errstr, errsize, "%s: %s", name, why);
		return -1;
	}
	return 0;
}

int mkt_kafka_configure(rd_kafka_conf_t *conf, const char *const *defaults,
    const char *brokers, const struct mkt_kafka_props *p,
    char *errstr, size_t errsize)
{
	char name[256];
	size_t i;

	for (i = 0; defaults != NULL && defaults[i] != NULL; i += 2)
		if (mkt_kafka_set(conf, defaults[i], defaults[i + 1], errstr,
		    errsize) < 0)
			return -1;
	if (brokers != NULL &&
	    mkt_kafka_set(conf, "bootstrap.servers", brokers, errstr, errsize) < 0)
		return -1;
	for (i = 0; p != NULL && i < p->n; i++) {
		const char *eq = strchr(p->x[i], '=');
		size_t nlen = (size_t)(eq - p->x[i]);

		if (nlen >= sizeof(name)) {
			snprintf(errstr, errsize, "-X: property name too long");
			return -1;
		}
		memcpy(name, p->x[i], nlen);
		name[nlen] = '\0';
		if (mkt_kafka_set(conf, name, eq + 1, errstr, errsize) < 0)
			return -1;
	}
	return 0;
}
