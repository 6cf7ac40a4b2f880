/* SPDX-License-Identifier: MIT */
/* jqglue.h -- user expressions in jq (libjq): --where filters and --map
 * transforms. A program is compiled once; each record is parsed by jq only
 * when an expression has to see it. */
#ifndef MKT_JQGLUE_H
#define MKT_JQGLUE_H

#include <stddef.h>

#include "buf.h"

struct mkt_jq;

/* Compile a jq program. Returns NULL with jq's message in errstr. */
struct mkt_jq *mkt_jq_compile(const char *prog, char *errstr, size_t errsize);

/* Run the program on one JSON text; its first output decides: 1 when it
 * is neither false nor null, 0 otherwise (or when it has no output), -1
 * when the text is not JSON or the program raised an error (errstr). */
int mkt_jq_test(struct mkt_jq *q, const char *json, size_t len,
    char *errstr, size_t errsize);

/* Run the program on one JSON text and append every output, compact, one
 * per line ('\n' after each), to out. Returns the number of outputs, or -1
 * with errstr filled. */
int mkt_jq_map(struct mkt_jq *q, const char *json, size_t len,
    struct mkt_buf *out, char *errstr, size_t errsize);

void mkt_jq_free(struct mkt_jq *q);

#endif
