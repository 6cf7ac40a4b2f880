/* SPDX-License-Identifier: MIT */
/* pgsink.c -- NDJSON records into a PostgreSQL table, by COPY in batches
 *
 * Each input line is a JSON object whose fields name columns of one table.
 * The column types are read from the catalog once; each record is turned
 * into a row of COPY data (values converted for their column: epoch
 * numbers and RFC 3339 strings to timestamps, objects and arrays to jsonb)
 * and streamed to the server while input keeps coming. A row whose every
 * value has an exact binary form for its column (the usual case: text,
 * integers, floats, booleans, epoch timestamps, json) goes in COPY's
 * binary format, which the server takes about twice as fast as text;
 * any other row goes as text, for the server to parse as it would. A batch is one
 * transaction, committed when it holds --batch rows or --linger has
 * passed since its first row, whichever comes first, at end of input and
 * on SIGINT/SIGTERM. With --key the rows go through a temporary table and
 * INSERT ... ON CONFLICT DO UPDATE, so a replay leaves the table as it
 * was. The lines of a batch are kept until it commits (a batch also
 * ends early past BATCH_BYTES): a lost connection is retried from the
 * start of the batch, unless it was lost during COMMIT and the server,
 * asked on a new connection, says the transaction committed; rows the
 * server rejects are isolated by bisection and written to --reject while
 * the others commit. pgsink writes nothing to stdout. */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "buf.h"
#include "cli.h"
#include "io.h"
#include "json.h"
#include "map.h"
#include "timeutil.h"

#define STAGE "pg_temp.pgsink_stage"
#define TALIAS "\"pgsink target\""
#define PUSH_CHUNK (512 * 1024)
#define NAME_MAX_BYTES 63 /* NAMEDATALEN - 1 */
#define RETRY_MAX 8       /* tries again after serialization failures */
#define BATCH_BYTES (64 << 20) /* a batch commits early past this size */

static struct settings {
	const char *table;
	const char *keys;        /* comma list, or NULL for append mode */
	const char *dsn;         /* --dsn, else DATABASE_URL, else libpq env */
	const char *reject;      /* --reject FILE */
	const char *timescale;   /* time column for a hypertable */
	const char *times;       /* comma list of timestamptz columns (--create) */
	const char *extra;       /* jsonb column for unknown fields */
	const char *schema;      /* SQL file run once at start */
	int create;
	int strict;
	int allow_empty;
	long long batch;
	int64_t linger_ns;
	int64_t retry_ns;
	enum mkt_tunit unit;
} opt = {
	.batch = 50000,
	.linger_ns = 200 * 1000000LL,
	.retry_ns = 60 * 1000000000LL,
	.unit = MKT_TU_MS,
};

enum kind { K_OTHER, K_INT, K_BOOL, K_JSON, K_TIME };

/* binary COPY form of a column's type, B_NONE where rows go as text */
enum bin { B_NONE, B_TEXT, B_I2, B_I4, B_I8, B_F4, B_F8, B_BOOL, B_TS,
	B_JSON, B_JSONB };

struct column {
	char *name;
	size_t nlen;
	char *qname;    /* quoted identifier */
	int kind;       /* enum kind */
	int bin;        /* enum bin */
	int eq;         /* = compares stored values exactly (else as text) */
};

/* One buffered line of the open batch. */
struct line {
	size_t raw_off, copy_off;
	uint32_t raw_len, copy_len;
	uint64_t lineno;
};

/* Outcome of a database step. */
enum { DB_OK = 0, DB_CONN, DB_ROW, DB_FATAL, DB_RETRY, DB_AGAIN };

static struct sink {
	PGconn *conn;
	char *schema_name, *table_name;
	struct mkt_buf qtable;          /* "schema"."table" */
	struct column *col;
	size_t ncol, nw;                /* columns; 64-bit words per mask */
	struct mkt_map colmap;          /* name -> index + 1 */
	int *keycol;
	size_t nkey;
	int extra_col;                  /* index, or -1 */

	/* the open batch */
	struct mkt_buf raw, copy;
	struct line *ln;
	uint64_t *masks;                /* nw words per line */
	size_t n, cap;
	int64_t deadline;               /* monotonic ns by which it commits */

	/* streaming state of the open batch */
	int in_tx, in_copy, stream_err;

	/* key mode: hashes of the batch's keys, to skip the DISTINCT ON sort
	 * when no key repeats (slots of an older batch have another gen) */
	struct keyslot { uint64_t h; uint32_t gen; } *keyset;
	size_t keyset_cap;              /* power of two */
	uint32_t gen;
	int batch_dup;                  /* a key may repeat in the batch */
	int always_distinct;            /* the server found a repeat we missed */
	int skip_plain, skip_next;      /* runs to go without a direct COPY */
	int run_direct;                 /* the run's COPY goes straight to the table */
	size_t run_first;               /* first line of the COPY in progress */
	size_t pushed;                  /* bytes of copy already sent */

	/* column of the field at each position of the previous line: lines
	 * of a stream mostly have their fields in the same order */
	int fpos[32];

	/* per-line scratch */
	const struct mkt_jfield **vals;
	uint64_t *mask;
	struct mkt_jobj obj;
	struct mkt_buf tmp, extra, sql, rej;

	/* last database error */
	char errmsg[1024];
	char sqlstate[6];
	char xid[24];                   /* id of the open transaction */

	FILE *rejf;
	uint64_t rows, batches, rejected, reconnects, lines;
} S = { .extra_col = -1 };

static const char *src_name = "stdin";

static void usage(FILE *f)
{
	fprintf(f,
	    "usage: pgsink -t table [-k col,...] [-c] [-n rows] [-l linger] [-r file]\n"
	    "              [--timescale col] [--time col,...] [--extra col] [--dsn dsn]\n"
	    "              [--epoch-unit s|ms|us|ns] [--schema file] [--retry-timeout dur]\n"
	    "              [--allow-empty] [--strict] [-qv] [-hV]\n"
	    "  -t, --table T          target table, optionally schema.table\n"
	    "  -k, --key COLS         upsert on these columns (a unique key)\n"
	    "  -c, --create           create the table from the first record if missing\n"
	    "  -n, --batch N          rows per transaction (50000)\n"
	    "  -l, --linger DUR       commit an open batch after this long (200ms;\n"
	    "                         a bare number is milliseconds)\n"
	    "  -r, --reject FILE      append rejected records with the error here\n"
	    "      --timescale COL    with --create: hypertable on COL if TimescaleDB\n"
	    "      --time COLS        with --create: these columns are timestamptz\n"
	    "      --extra COL        put unknown fields into this jsonb column\n"
	    "      --dsn DSN          connection string or URI (else DATABASE_URL,\n"
	    "                         else PGHOST, PGDATABASE, ...)\n"
	    "      --epoch-unit U     unit of epoch numbers for timestamps (ms)\n"
	    "      --schema FILE      run this SQL file once before starting\n"
	    "      --retry-timeout D  give up reconnecting after this long (60s)\n"
	    "      --allow-empty      empty input is not an error\n"
	    "      --strict           stop at the first bad or rejected record\n"
	    "  -q, --quiet            no warnings about single records\n"
	    "  -v, --verbose          connection and statistics on stderr\n"
	    "  -h, --help             this help\n"
	    "  -V, --version          version\n");
}

/* ---- small helpers ---- */

/* Append name as a quoted SQL identifier: "name" with " doubled. */
static void qident(struct mkt_buf *b, const char *name, size_t len)
{
	mkt_buf_addc(b, '"');
	for (size_t i = 0; i < len; i++) {
		if (name[i] == '"')
			mkt_buf_addc(b, '"');
		mkt_buf_addc(b, name[i]);
	}
	mkt_buf_addc(b, '"');
}

/* Append s[0..n) escaped for COPY text format: backslash, tab, newline
 * and carriage return become two-character escapes; all else is literal. */
static int copy_esc(struct mkt_buf *b, const char *s, size_t n)
{
	char *o;

	if (mkt_buf_reserve(b, 2 * n) < 0)
		return -1;
	o = b->p + b->len;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		switch (c) {
		case '\\': *o++ = '\\'; *o++ = '\\'; break;
		case '\t': *o++ = '\\'; *o++ = 't'; break;
		case '\n': *o++ = '\\'; *o++ = 'n'; break;
		case '\r': *o++ = '\\'; *o++ = 'r'; break;
		default: *o++ = c;
		}
	}
	b->len = (size_t)(o - b->p);
	b->p[b->len] = '\0';
	return 0;
}

/* Split --table into schema and table name. Each part is either bare
 * (taken literally, case kept) or double-quoted with "" for a quote.
 * Returns 0, or -1 if the text is not one or two such parts. */
static int parse_table(const char *s, char **schema, char **table)
{
	char *part[2] = { NULL, NULL };
	int np = 0;

	for (;;) {
		struct mkt_buf b = MKT_BUF_INIT;
		if (np == 2)
			goto bad;
		if (*s == '"') {
			s++;
			for (;;) {
				if (*s == '\0')
					goto badb;
				if (*s == '"') {
					if (s[1] != '"')
						break;
					s++;
				}
				mkt_buf_addc(&b, *s++);
			}
			s++;
		} else {
			while (*s && *s != '.' && *s != '"')
				mkt_buf_addc(&b, *s++);
		}
		if (b.len == 0 || b.len > NAME_MAX_BYTES)
			goto badb;
		part[np++] = b.p;
		if (*s == '\0')
			break;
		if (*s != '.')
			goto bad;
		s++;
		continue;
badb:
		mkt_buf_free(&b);
		goto bad;
	}
	if (np == 2) {
		*schema = part[0];
		*table = part[1];
	} else {
		*schema = NULL;
		*table = part[0];
	}
	return 0;
bad:
	free(part[0]);
	free(part[1]);
	return -1;
}

/* ---- passwords ---- */

/* The passwords pgsink may connect with, in every spelling a message can
 * carry them: PGPASSWORD; the DSN's password (a URI's user:password@ or
 * password= parameter, a conninfo string's password=), as written and
 * decoded, also where the DSN is malformed and libpq quotes it back; and
 * the one libpq used. Each message pgsink prints with text from libpq or
 * the server goes through redact(). */
#define NSECRET 32
static char *secret[NSECRET];   /* longest first */
static size_t nsecret;

static void secret_add(const char *s, size_t n)
{
	size_t i;
	char *d;

	if (n == 0 || nsecret == NSECRET)
		return;
	for (i = 0; i < nsecret; i++)
		if (strlen(secret[i]) == n && memcmp(secret[i], s, n) == 0)
			return;
	if ((d = strndup(s, n)) == NULL)
		err(1, "out of memory");
	for (i = nsecret++; i > 0 && strlen(secret[i - 1]) < n; i--)
		secret[i] = secret[i - 1];
	secret[i] = d;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)(c | 0x20);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Add s[0..n) as written and percent-decoded (a bad %-sequence kept). */
static void secret_add_uri(const char *s, size_t n)
{
	struct mkt_buf d = MKT_BUF_INIT;

	secret_add(s, n);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
			mkt_buf_addc(&d, (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2])));
			i += 2;
		} else {
			mkt_buf_addc(&d, s[i]);
		}
	}
	if (d.oom)
		err(1, "out of memory");
	if (d.len)
		secret_add(d.p, d.len);
	mkt_buf_free(&d);
}

/* Whether v, a port libpq read from a DSN, is a list of numbers (or
 * empty, or none): a port a connection can use. */
static int port_ok(const char *v)
{
	return v == NULL || v[strspn(v, "0123456789,")] == '\0';
}

/* The last '@' in s[0..n), or NULL. */
static const char *last_at(const char *s, size_t n)
{
	while (n > 0)
		if (s[--n] == '@')
			return s + n;
	return NULL;
}

/* Gather the passwords written in the DSN s, whether libpq can parse it
 * or not. */
static void secrets_from_dsn(const char *s)
{
	PQconninfoOption *o;
	char *emsg = NULL;
	int usable = 0;

	o = PQconninfoParse(s, &emsg);
	if (o) {
		usable = 1;
		for (PQconninfoOption *p = o; p->keyword; p++) {
			if (strcmp(p->keyword, "password") == 0 && p->val)
				secret_add(p->val, strlen(p->val));
			if (strcmp(p->keyword, "port") == 0 && !port_ok(p->val))
				usable = 0;
		}
		PQconninfoFree(o);
	}
	PQfreemem(emsg);

	/* a URI's user:password@host. The userinfo is the authority (from
	 * "://" to the first '/', '?' or '#') up to its last '@': an '@' in
	 * the path or a query parameter is no part of it. A password that
	 * holds an unencoded '/' ends the authority early, and libpq reads
	 * its first piece as the port; so where the authority has no '@' and
	 * libpq found no usable port (or could not parse the URI), the
	 * userinfo runs to the last '@' before any '?' or '#'. Where the
	 * password holds an '@' or a '/', libpq splits it elsewhere and may
	 * quote any of its pieces. */
	if (strncmp(s, "postgresql://", 13) == 0 || strncmp(s, "postgres://", 11) == 0) {
		const char *a = strstr(s, "://") + 3;
		size_t alen = strcspn(a, "/?#");
		const char *last = last_at(a, alen);
		const char *colon;

		if (!last && !usable)
			last = last_at(a, strcspn(a, "?#"));
		colon = memchr(a, ':', last && (size_t)(last - a) < alen ? (size_t)(last - a) : alen);
		if (last && colon) {
			const char *p = colon + 1;
			secret_add_uri(p, (size_t)(last - p));
			while (p < last) {
				size_t n = strcspn(p, "@/");
				secret_add_uri(p, n < (size_t)(last - p) ? n : (size_t)(last - p));
				p += n + 1;
			}
		}
	}

	/* password=VALUE, in a conninfo string or a URI's parameters */
	for (const char *p = s; (p = strstr(p, "password")) != NULL; p += 8) {
		const char *v = p + 8;
		if (p > s && !strchr(" \t\n\r\f\v?&", p[-1]))
			continue;
		v += strspn(v, " \t\n\r\f\v");
		if (*v++ != '=')
			continue;
		v += strspn(v, " \t\n\r\f\v");
		if (*v == '\'') {
			struct mkt_buf u = MKT_BUF_INIT;
			const char *q = ++v;
			for (; *q && *q != '\''; q++) {
				if (*q == '\\' && q[1])
					q++;
				mkt_buf_addc(&u, *q);
			}
			if (u.oom)
				err(1, "out of memory");
			secret_add(v, (size_t)(q - v));
			if (u.len)
				secret_add(u.p, u.len);
			mkt_buf_free(&u);
		} else {
			secret_add_uri(v, strcspn(v, " \t\n\r\f\v"));
			secret_add_uri(v, strcspn(v, " \t\n\r\f\v&"));
		}
	}
}

/* Replace each password in s (NUL-terminated, in a buffer of size bytes)
 * with "***", cutting the result to fit. */
static void redact(char *s, size_t size)
{
	struct mkt_buf b = MKT_BUF_INIT;
	size_t i, k;

	if (nsecret == 0 || s[0] == '\0')
		return;
	for (i = 0; s[i]; ) {
		for (k = 0; k < nsecret; k++)
			if (strncmp(s + i, secret[k], strlen(secret[k])) == 0)
				break;
		if (k < nsecret) {
			mkt_buf_adds(&b, "***");
			i += strlen(secret[k]);
		} else {
			mkt_buf_addc(&b, s[i++]);
		}
	}
	if (b.oom)
		err(1, "out of memory");
	if (b.len >= size)
		b.len = size - 1;
	memcpy(s, b.p, b.len);
	s[b.len] = '\0';
	mkt_buf_free(&b);
}

/* ---- database errors ---- */

/* Record the error of res (or of the connection when res is NULL) in
 * S.errmsg / S.sqlstate, passwords blotted out, and say what kind it is:
 * DB_CONN for a lost connection or a server shutting down (reconnect,
 * send the batch again), DB_RETRY for a serialization failure or
 * deadlock (send it again after a pause), DB_AGAIN for a repeated key
 * the batch's hash missed (send it again, sorted), DB_ROW for data
 * errors a single row can cause (bisect), DB_FATAL for the rest (wrong
 * table, permissions, ...). */
static int db_error(PGresult *res)
{
	const char *st = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	const char *det = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL) : NULL;
	size_t n;

	if (msg)
		snprintf(S.errmsg, sizeof(S.errmsg), "%s%s%s%s", msg,
		    det ? " (" : "", det ? det : "", det ? ")" : "");
	else
		snprintf(S.errmsg, sizeof(S.errmsg), "%s",
		    S.conn ? PQerrorMessage(S.conn) : "no connection");
	n = strlen(S.errmsg);
	while (n > 0 && (S.errmsg[n - 1] == '\n' || S.errmsg[n - 1] == ' '))
		S.errmsg[--n] = '\0';
	redact(S.errmsg, sizeof(S.errmsg));
	snprintf(S.sqlstate, sizeof(S.sqlstate), "%s", st ? st : "");
	if (S.conn == NULL || PQstatus(S.conn) == CONNECTION_BAD || st == NULL)
		return DB_CONN;
	if (strcmp(st, "21000") == 0 && opt.keys && !S.always_distinct) {
		/* a key repeated in a form the hash did not see (1 and 01):
		 * from now on always sort and keep the last line */
		S.always_distinct = 1;
		return DB_AGAIN;
	}
	if (strcmp(st, "40001") == 0 || strcmp(st, "40P01") == 0)
		return DB_RETRY;
	if (strncmp(st, "08", 2) == 0 || strcmp(st, "57P01") == 0 ||
	    strcmp(st, "57P02") == 0 || strcmp(st, "57P03") == 0)
		return DB_CONN;
	if (strncmp(st, "22", 2) == 0 || strncmp(st, "23", 2) == 0 ||
	    strncmp(st, "54", 2) == 0 || strncmp(st, "P0", 2) == 0 ||
	    strcmp(st, "42804") == 0)
		return DB_ROW;
	return DB_FATAL;
}

/* Run sql and expect a result of status want; DB_OK or an error kind. */
static int db_exec(const char *sql, ExecStatusType want)
{
	PGresult *res = PQexec(S.conn, sql);
	int rc = DB_OK;

	if (res == NULL || PQresultStatus(res) != want)
		rc = db_error(res);
	PQclear(res);
	return rc;
}

/* ---- connection and catalog ---- */

/* Server notices (NOTICE, WARNING) are shown with -vv only. */
static void on_notice(void *arg, const char *msg)
{
	char m[2048];
	size_t n;

	(void)arg;
	if (mkt_verbosity < 2)
		return;
	snprintf(m, sizeof(m), "%s", msg);
	redact(m, sizeof(m));
	n = strlen(m);
	while (n > 0 && m[n - 1] == '\n')
		m[--n] = '\0';
	fprintf(stderr, "pgsink: server: %s\n", m);
}

/* Open a connection (S.conn, possibly bad). The DSN goes in as dbname
 * with expansion, so a conninfo string or a URI work; without one libpq
 * takes PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD... itself. */
static void db_open(void)
{
	const char *kw[] = { "dbname", "client_encoding", "fallback_application_name", NULL };
	const char *val[] = { opt.dsn, "UTF8", "pgsink", NULL };

	S.conn = PQconnectdbParams(kw, val, 1);
	if (S.conn) {
		const char *pw = PQpass(S.conn);
		if (pw)
			secret_add(pw, strlen(pw));
		PQsetNoticeProcessor(S.conn, on_notice, NULL);
	}
}

/* Read the table's columns from the catalog into S.col. Returns 1 if
 * the table exists, 0 if not, -1 on error (S.errmsg). */
static int load_columns(void)
{
	const char *sql =
	    "SELECT a.attname, a.atttypid::int8, t.typcategory::text"
	    " FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid"
	    " WHERE a.attrelid = to_regclass($1) AND a.attnum > 0"
	    " AND NOT a.attisdropped AND a.attgenerated = ''"
	    " ORDER BY a.attnum";
	const char *param[1] = { S.qtable.p };
	PGresult *res = PQexecParams(S.conn, sql, 1, NULL, param, NULL, NULL, 0);
	int nrow;

	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		db_error(res);
		PQclear(res);
		return -1;
	}
	nrow = PQntuples(res);
	if (nrow == 0) {
		PQclear(res);
		return 0;
	}
	S.ncol = (size_t)nrow;
	S.nw = (S.ncol + 1 + 63) / 64; /* bit ncol: the row is binary */
	S.col = calloc(S.ncol, sizeof(*S.col));
	S.vals = calloc(S.ncol, sizeof(*S.vals));
	S.mask = calloc(S.nw, sizeof(*S.mask));
	if (!S.col || !S.vals || !S.mask)
		err(1, "out of memory");
	for (int i = 0; i < nrow; i++) {
		struct column *c = &S.col[i];
		const char *name = PQgetvalue(res, i, 0);
		long oid = atol(PQgetvalue(res, i, 1));
		const char *cat = PQgetvalue(res, i, 2);
		struct mkt_buf q = MKT_BUF_INIT;
		int isnew;
		void **slot;

		c->name = strdup(name);
		c->nlen = strlen(name);
		qident(&q, name, strlen(name));
		c->qname = q.p;
		switch (oid) {
		case 16: c->kind = K_BOOL; break;
		case 20: case 21: case 23: c->kind = K_INT; break;
		case 114: case 3802: c->kind = K_JSON; break;
		case 1082: case 1114: case 1184: c->kind = K_TIME; break;
		default: c->kind = (cat[0] == 'D') ? K_TIME : K_OTHER;
		}
		/* not numeric (1.0 = 1.00), json (no =) nor jsonb, whose =
		 * compares numbers inside by value ({"a":1.0} = {"a":1.00}) */
		switch (oid) {
		case 16: case 18: case 19: case 20: case 21: case 23: case 25: case 26:
		case 700: case 701: case 1042: case 1043: case 1082: case 1114:
		case 1184: case 2950:
			c->eq = 1;
			break;
		default:
			c->eq = 0;
		}
		switch (oid) {
		case 25: case 1042: case 1043: c->bin = B_TEXT; break;
		case 21: c->bin = B_I2; break;
		case 23: c->bin = B_I4; break;
		case 20: c->bin = B_I8; break;
		case 700: c->bin = B_F4; break;
		case 701: c->bin = B_F8; break;
		case 16: c->bin = B_BOOL; break;
		case 1114: case 1184: c->bin = B_TS; break;
		case 114: c->bin = B_JSON; break;
		case 3802: c->bin = B_JSONB; break;
		default: c->bin = B_NONE;
		}
		slot = mkt_map_put(&S.colmap, name, strlen(name), &isnew);
		if (!c->name || !c->qname || !slot)
			err(1, "out of memory");
		*slot = (void *)(intptr_t)(i + 1);
	}
	PQclear(res);
	memset(S.fpos, -1, sizeof(S.fpos));
	return 1;
}

static int col_index(const char *name, size_t len)
{
	void **slot = mkt_map_get(&S.colmap, name, len);
	return slot ? (int)(intptr_t)*slot - 1 : -1;
}

/* In key mode, check that the table has what ON CONFLICT needs: a
 * unique index (a primary key or unique constraint, or a unique index of
 * its own) that is valid, not partial and not on expressions, whose key
 * columns are exactly the --key columns, in any order, and no deferrable
 * one on them (the server refuses those as arbiters). Without one, rows
 * would be appended as long as no key repeats. Exits with a message if
 * there is none. */
static void check_key_index(void)
{
	const char *sql =
	    "SELECT coalesce(bool_or(i.indimmediate AND i.indpred IS NULL), false),"
	    " coalesce(bool_or(NOT i.indimmediate), false)"
	    " FROM pg_catalog.pg_index i"
	    " WHERE i.indrelid = pg_catalog.to_regclass($1) AND i.indisunique"
	    " AND i.indisvalid AND i.indexprs IS NULL"
	    " AND i.indnkeyatts = pg_catalog.cardinality($2::text[])"
	    " AND ARRAY(SELECT a.attname::text FROM pg_catalog.pg_attribute a"
	    "  WHERE a.attrelid = i.indrelid"
	    "  AND a.attnum = ANY ((i.indkey::int2[])[0:i.indnkeyatts - 1])) @> $2::text[]";
	struct mkt_buf arr = MKT_BUF_INIT;
	const char *param[2];
	PGresult *res;
	int ok, deferrable;

	mkt_buf_addc(&arr, '{');
	for (size_t k = 0; k < S.nkey; k++) {
		const char *n = S.col[S.keycol[k]].name;
		mkt_buf_adds(&arr, k ? ",\"" : "\"");
		for (; *n; n++) {
			if (*n == '"' || *n == '\\')
				mkt_buf_addc(&arr, '\\');
			mkt_buf_addc(&arr, *n);
		}
		mkt_buf_addc(&arr, '"');
	}
	mkt_buf_addc(&arr, '}');
	if (arr.oom)
		err(1, "out of memory");
	param[0] = S.qtable.p;
	param[1] = arr.p;
	res = PQexecParams(S.conn, sql, 2, NULL, param, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		db_error(res);
		errx(1, "cannot read the indexes of %s: %s", opt.table, S.errmsg);
	}
	ok = PQgetvalue(res, 0, 0)[0] == 't';
	deferrable = PQgetvalue(res, 0, 1)[0] == 't';
	PQclear(res);
	if (deferrable)
		errx(1, "--key %s: the unique constraint of %s on these columns is deferrable, "
		    "which upserts cannot use", opt.keys, opt.table);
	if (!ok) {
		mkt_buf_reset(&arr);
		for (size_t k = 0; k < S.nkey; k++)
			mkt_buf_printf(&arr, "%s%s", k ? ", " : "", S.col[S.keycol[k]].qname);
		errx(1, "--key %s: %s has no primary key or unique index on exactly these "
		    "columns, which upserts need (CREATE UNIQUE INDEX ON %s (%s))",
		    opt.keys, opt.table, S.qtable.p, arr.p);
	}
	mkt_buf_free(&arr);
}

/* Resolve --key and --extra against the columns just loaded, and check
 * the key's unique index. Exits on a name that is not a column. */
static void resolve_names(void)
{
	if (opt.keys) {
		const char *s = opt.keys;
		S.nkey = 0;
		free(S.keycol);
		S.keycol = calloc(strlen(s) + 1, sizeof(int));
		if (!S.keycol)
			err(1, "out of memory");
		while (*s) {
			size_t l = strcspn(s, ",");
			int i = col_index(s, l);
			if (i < 0)
				errx(1, "key column \"%.*s\" is not a column of %s", (int)l, s, opt.table);
			for (size_t k = 0; k < S.nkey; k++)
				if (S.keycol[k] == i)
					errx(1, "key column \"%.*s\" is named twice", (int)l, s);
			S.keycol[S.nkey++] = i;
			s += l;
			if (*s == ',')
				s++;
		}
		check_key_index();
	}
	if (opt.extra) {
		S.extra_col = col_index(opt.extra, strlen(opt.extra));
		if (S.extra_col < 0)
			errx(1, "extra column \"%s\" is not a column of %s", opt.extra, opt.table);
		if (S.col[S.extra_col].kind != K_JSON)
			errx(1, "extra column \"%s\" is not of type json or jsonb", opt.extra);
	}
}

/* Per-session setup: in key mode the staging table, a temporary table
 * of the target's columns (no defaults, no constraints, no indexes).
 * Each COPY into it starts with TRUNCATE (a new, empty file), so its
 * rows lie in the order of their lines, and ctid orders them. Returns
 * DB_OK or an error kind. */
static int session_setup(void)
{
	int rc;

	if (!opt.keys || S.ncol == 0)
		return DB_OK;
	mkt_buf_reset(&S.sql);
	mkt_buf_printf(&S.sql, "DROP TABLE IF EXISTS " STAGE "; "
	    "CREATE TEMP TABLE pgsink_stage AS SELECT * FROM %s WITH NO DATA",
	    S.qtable.p);
	if (S.sql.oom)
		err(1, "out of memory");
	rc = db_exec(S.sql.p, PGRES_COMMAND_OK);
	return rc;
}

/* Connect (again) with backoff: 100 ms doubling to 5 s between tries,
 * until --retry-timeout has passed. Returns 0, or -1 (S.errmsg says why). */
static int reconnect(void)
{
	int64_t start = mkt_mono_ns(), wait = 100 * 1000000LL;
	int tries = 0;

	if (S.conn)
		PQfinish(S.conn);
	S.conn = NULL;
	S.in_tx = S.in_copy = 0;
	for (;;) {
		db_open();
		if (S.conn && PQstatus(S.conn) == CONNECTION_OK) {
			if (session_setup() == DB_OK) {
				S.reconnects++;
				mkt_info(1, "reconnected after %d attempt%s", tries + 1,
				    tries ? "s" : "");
				return 0;
			}
		} else {
			db_error(NULL);
		}
		if (tries++ == 0)
			warnx("connection lost (%s); reconnecting", S.errmsg);
		if (S.conn)
			PQfinish(S.conn);
		S.conn = NULL;
		if (mkt_mono_ns() - start > opt.retry_ns)
			return -1;
		struct timespec ts = { wait / 1000000000LL, wait % 1000000000LL };
		nanosleep(&ts, NULL);
		wait = wait * 2 > 5000000000LL ? 5000000000LL : wait * 2;
	}
}

/* ---- --create ---- */

static int in_list(const char *list, const char *name, size_t len)
{
	while (list && *list) {
		size_t l = strcspn(list, ",");
		if (l == len && memcmp(list, name, len) == 0)
			return 1;
		list += l;
		if (*list == ',')
			list++;
	}
	return 0;
}

/* Whether TimescaleDB can be used for --timescale: 1 if it is there, or
 * 0 with the reason in why. Created already: used as it is. Installed on
 * the server: created, unless the server says its library is not in
 * shared_preload_libraries (CREATE EXTENSION would then end the session
 * with FATAL; where the setting cannot be read, it is tried, and a lost
 * session is replaced). */
static int timescale_ready(char *why, size_t size)
{
	PGresult *res = PQexec(S.conn,
	    "SELECT EXISTS (SELECT FROM pg_catalog.pg_extension WHERE extname = 'timescaledb'),"
	    " EXISTS (SELECT FROM pg_catalog.pg_available_extensions WHERE name = 'timescaledb')");
	int created, available, rc;

	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		db_error(res);
		errx(1, "cannot look for TimescaleDB: %s", S.errmsg);
	}
	created = PQgetvalue(res, 0, 0)[0] == 't';
	available = PQgetvalue(res, 0, 1)[0] == 't';
	PQclear(res);
	if (created)
		return 1;
	if (!available) {
		snprintf(why, size, "TimescaleDB is not available");
		return 0;
	}
	res = PQexec(S.conn, "SELECT pg_catalog.current_setting('shared_preload_libraries')"
	    " ~ 'timescaledb'");
	if (PQresultStatus(res) == PGRES_TUPLES_OK && PQgetvalue(res, 0, 0)[0] == 'f') {
		PQclear(res);
		snprintf(why, size, "TimescaleDB is installed but not loaded "
		    "(not in shared_preload_libraries)");
		return 0;
	}
	PQclear(res);
	rc = db_exec("CREATE EXTENSION IF NOT EXISTS timescaledb", PGRES_COMMAND_OK);
	if (rc == DB_OK)
		return 1;
	S.errmsg[strcspn(S.errmsg, "\n")] = '\0';
	snprintf(why, size, "cannot load TimescaleDB (%s)", S.errmsg);
	if (rc == DB_CONN && reconnect() < 0)
		errx(1, "%s; cannot connect again: %s", why, S.errmsg);
	return 0;
}

/* Create the table from the fields of the first record o (types as the
 * man page says), with the key as primary key, then make it a hypertable
 * where TimescaleDB can be used, or index (key, time) where not. */
static void create_table(struct mkt_jobj *o)
{
	struct mkt_buf *q = &S.sql;
	const char *name;
	size_t nlen;
	int rc, ncols = 0, has_extra = 0;
	PGresult *res;
	char why[sizeof(S.errmsg) + 64];

	mkt_buf_reset(q);
	if (S.schema_name) {
		mkt_buf_adds(q, "CREATE SCHEMA IF NOT EXISTS ");
		qident(q, S.schema_name, strlen(S.schema_name));
		mkt_buf_adds(q, "; ");
	}
	mkt_buf_printf(q, "CREATE TABLE IF NOT EXISTS %s (", S.qtable.p);
	for (size_t i = 0; i < o->n; i++) {
		const struct mkt_jfield *f = &o->f[i];
		const char *type;
		int dup = 0;

		mkt_buf_reset(&S.tmp);
		if (mkt_jfield_string(&(struct mkt_jfield){ .val = f->key,
		    .vlen = f->klen, .type = MKT_JSTR, .vesc = f->kesc },
		    &S.tmp, &name, &nlen) < 0)
			continue;
		if (nlen == 0 || nlen > NAME_MAX_BYTES || memchr(name, 0, nlen))
			errx(1, "cannot create a column named by field \"%.*s\"",
			    (int)nlen, name);
		for (size_t j = i + 1; j < o->n; j++)
			if (o->f[j].klen == f->klen && memcmp(o->f[j].key, f->key, f->klen) == 0)
				dup = 1;
		if (dup)
			continue;
		if (opt.extra && strlen(opt.extra) == nlen && memcmp(opt.extra, name, nlen) == 0)
			has_extra = 1;
		if ((opt.timescale && strlen(opt.timescale) == nlen &&
		    memcmp(opt.timescale, name, nlen) == 0) || in_list(opt.times, name, nlen))
			type = "timestamptz";
		else switch (f->type) {
		case MKT_JNUM:
			type = strcspn(f->val, ".eE") < f->vlen ? "double precision" : "bigint";
			break;
		case MKT_JTRUE: case MKT_JFALSE: type = "boolean"; break;
		case MKT_JOBJ: case MKT_JARR: type = "jsonb"; break;
		default: type = "text";
		}
		if (ncols++)
			mkt_buf_adds(q, ", ");
		qident(q, name, nlen);
		mkt_buf_printf(q, " %s", type);
	}
	if (opt.extra && !has_extra) {
		if (ncols++)
			mkt_buf_adds(q, ", ");
		qident(q, opt.extra, strlen(opt.extra));
		mkt_buf_adds(q, " jsonb");
	}
	if (opt.keys) {
		const char *s = opt.keys;
		mkt_buf_adds(q, ", PRIMARY KEY (");
		while (*s) {
			size_t l = strcspn(s, ",");
			qident(q, s, l);
			s += l;
			if (*s == ',') {
				mkt_buf_addc(q, ',');
				s++;
			}
		}
		mkt_buf_addc(q, ')');
	}
	mkt_buf_addc(q, ')');
	if (q->oom)
		err(1, "out of memory");
	if ((rc = db_exec(q->p, PGRES_COMMAND_OK)) != DB_OK)
		errx(1, "cannot create %s: %s", opt.table, S.errmsg);
	mkt_info(1, "created table %s", S.qtable.p);
	if (!opt.timescale)
		return;
	if (timescale_ready(why, sizeof(why))) {
		const char *p[2] = { S.qtable.p, opt.timescale };
		res = PQexecParams(S.conn, "SELECT create_hypertable($1::regclass, $2::name,"
		    " if_not_exists => TRUE, migrate_data => TRUE)", 2, NULL, p, NULL, NULL, 0);
		if (PQresultStatus(res) != PGRES_TUPLES_OK) {
			db_error(res);
			errx(1, "cannot make %s a hypertable: %s", opt.table, S.errmsg);
		}
		PQclear(res);
		mkt_info(1, "%s is a hypertable on %s", opt.table, opt.timescale);
		return;
	}
	mkt_buf_reset(q);
	mkt_buf_printf(q, "CREATE INDEX IF NOT EXISTS ");
	{
		struct mkt_buf ix = MKT_BUF_INIT;
		mkt_buf_printf(&ix, "%s_%s_idx", S.table_name, opt.timescale);
		if (ix.len > NAME_MAX_BYTES)
			ix.len = NAME_MAX_BYTES;
		qident(q, ix.p, ix.len);
		mkt_buf_free(&ix);
	}
	mkt_buf_printf(q, " ON %s (", S.qtable.p);
	{
		size_t cols = q->len;
		const char *s = opt.keys ? opt.keys : "";
		while (*s) {
			size_t l = strcspn(s, ",");
			if (!(l == strlen(opt.timescale) && memcmp(s, opt.timescale, l) == 0)) {
				qident(q, s, l);
				mkt_buf_adds(q, ", ");
			}
			s += l;
			if (*s == ',')
				s++;
		}
		qident(q, opt.timescale, strlen(opt.timescale));
		mkt_buf_adds(q, " DESC)");
		warnx("%s: %s stays a plain table, indexed on (%s", why, opt.table, q->p + cols);
	}
	if (db_exec(q->p, PGRES_COMMAND_OK) != DB_OK)
		errx(1, "cannot index %s: %s", opt.table, S.errmsg);
}

/* ---- rejects ---- */

/* Write one rejected record to --reject: {"line":N,"error":..,"sqlstate":..,
 * "record":{..}} where the record is the original line (or "text":".."
 * when the line was not a JSON object). */
static void write_reject(uint64_t lineno, const char *line, size_t len,
    int is_json, const char *msg, const char *sqlstate)
{
	struct mkt_buf *b = &S.rej;

	if (!S.rejf)
		return;
	mkt_buf_reset(b);
	mkt_buf_printf(b, "{\"line\":%llu,\"error\":", (unsigned long long)lineno);
	mkt_json_str(b, msg, strlen(msg));
	if (sqlstate && *sqlstate) {
		mkt_buf_adds(b, ",\"sqlstate\":");
		mkt_json_str(b, sqlstate, strlen(sqlstate));
	}
	if (is_json) {
		mkt_buf_adds(b, ",\"record\":");
		mkt_buf_add(b, line, len);
	} else {
		mkt_buf_adds(b, ",\"text\":");
		mkt_json_str(b, line, len);
	}
	mkt_buf_adds(b, "}\n");
	if (!b->oom)
		fwrite(b->p, 1, b->len, S.rejf);
}

/* A record pgsink itself cannot load: warn (rate-limited), count, write
 * to --reject. With --strict this ends the run. */
static void bad_record(uint64_t lineno, const char *line, size_t len,
    int is_json, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int commit_batch(void);

static void bad_record(uint64_t lineno, const char *line, size_t len,
    int is_json, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	mkt_rec_warn(src_name, lineno, "%s", msg);
	write_reject(lineno, line, len, is_json, msg, NULL);
	if (opt.strict) {
		commit_batch();
		if (S.rejf)
			fflush(S.rejf);
		errx(1, "stopping at the first bad record (--strict)");
	}
}

/* ---- records to COPY rows ---- */

/* Append time t (in unit u) as RFC 3339 UTC, "2024-01-11T00:00:00.123Z",
 * with as many fraction digits as the unit has. The date part is kept
 * from the previous call while the day stays the same, which it does for
 * a stream; the rest is written digit by digit. Same text as
 * mkt_rfc3339_format(), several times faster. */
static int put_time(struct mkt_buf *b, int64_t t, enum mkt_tunit u)
{
	static int64_t cday = INT64_MIN;
	static char cdate[32];
	static size_t cdlen;
	static const int fdig[] = { 0, 3, 6, 9 };
	int64_t per = 1000000000LL / mkt_tunit_ns(u);
	int64_t secs = mkt_floordiv(t, per), sub = t - secs * per;
	int64_t day = mkt_floordiv(secs, 86400), rem = secs - day * 86400;
	char *o;

	if (day != cday) {
		struct mkt_buf d = MKT_BUF_INIT;
		if (mkt_rfc3339_format(&d, day * 86400, MKT_TU_S) < 0 || d.len < 10 ||
		    d.len - 9 > sizeof(cdate)) {
			mkt_buf_free(&d);
			return mkt_rfc3339_format(b, t, u);
		}
		cdlen = d.len - 9; /* "YYYY-MM-DDT" without "00:00:00Z" */
		memcpy(cdate, d.p, cdlen);
		mkt_buf_free(&d);
		cday = day;
	}
	if (mkt_buf_reserve(b, cdlen + 20) < 0)
		return -1;
	o = b->p + b->len;
	memcpy(o, cdate, cdlen);
	o += cdlen;
	int hh = (int)(rem / 3600), mm = (int)(rem / 60 % 60), ss = (int)(rem % 60);
	*o++ = (char)('0' + hh / 10); *o++ = (char)('0' + hh % 10); *o++ = ':';
	*o++ = (char)('0' + mm / 10); *o++ = (char)('0' + mm % 10); *o++ = ':';
	*o++ = (char)('0' + ss / 10); *o++ = (char)('0' + ss % 10);
	if (fdig[u]) {
		*o++ = '.';
		for (int k = fdig[u] - 1; k >= 0; k--) {
			o[k] = (char)('0' + sub % 10);
			sub /= 10;
		}
		o += fdig[u];
	}
	*o++ = 'Z';
	b->len = (size_t)(o - b->p);
	b->p[b->len] = '\0';
	return 0;
}

/* Convert field f for column c and append it to the COPY data. Returns
 * 0, or -1 with a reason in why. */
static int put_value(struct mkt_buf *b, const struct column *c,
    const struct mkt_jfield *f, const char **why)
{
	const char *s;
	size_t n;

	if (f->type == MKT_JNULL)
		return mkt_buf_add(b, "\\N", 2);
	if (c->kind == K_JSON) {
		if (f->type == MKT_JSTR)
			return copy_esc(b, f->val - 1, f->vlen + 2);
		return copy_esc(b, f->val, f->vlen);
	}
	switch (f->type) {
	case MKT_JSTR:
		if (!f->vesc)
			return mkt_buf_add(b, f->val, f->vlen);
		mkt_buf_reset(&S.tmp);
		if (mkt_jfield_string(f, &S.tmp, &s, &n) < 0)
			return -1;
		return copy_esc(b, s, n);
	case MKT_JNUM:
		if (c->kind == K_INT) {
			int64_t v;
			if (strcspn(f->val, ".eE") >= f->vlen)
				return mkt_buf_add(b, f->val, f->vlen);
			if (mkt_jfield_int64(f, &v) < 0) {
				*why = "is not an integer";
				return -1;
			}
			return mkt_buf_printf(b, "%lld", (long long)v);
		}
		if (c->kind == K_TIME) {
			int64_t t;
			double d;
			if (mkt_jfield_int64(f, &t) == 0)
				return put_time(b, t, opt.unit);
			/* a fraction of the unit: to microseconds, the server's precision */
			if (mkt_jfield_double(f, 0, &d) < 0)
				return -1;
			d = d * (double)mkt_tunit_ns(opt.unit) / 1000.0;
			if (!(fabs(d) < 9.0e18)) {
				*why = "is out of range for a timestamp";
				return -1;
			}
			return put_time(b, (int64_t)llround(d), MKT_TU_US);
		}
		return mkt_buf_add(b, f->val, f->vlen);
	case MKT_JTRUE:
	case MKT_JFALSE:
		if (c->kind == K_INT || c->kind == K_TIME) {
			*why = "is a boolean";
			return -1;
		}
		if (c->kind == K_BOOL)
			return mkt_buf_addc(b, f->type == MKT_JTRUE ? 't' : 'f');
		return mkt_buf_adds(b, f->type == MKT_JTRUE ? "true" : "false");
	default: /* object or array */
		if (c->kind != K_OTHER) {
			*why = f->type == MKT_JOBJ ? "is an object" : "is an array";
			return -1;
		}
		return copy_esc(b, f->val, f->vlen);
	}
}

static inline int mask_get(const uint64_t *m, size_t i)
{
	return (int)((m[i / 64] >> (i % 64)) & 1);
}

static int is_key(size_t ci)
{
	for (size_t k = 0; k < S.nkey; k++)
		if (S.keycol[k] == (int)ci)
			return 1;
	return 0;
}

/* ---- binary COPY rows ---- */

static const char bin_header[19] = "PGCOPY\n\377\r\n\0\0\0\0\0\0\0\0\0";

static void put_be(char *o, uint64_t v, int n)
{
	for (int k = n - 1; k >= 0; k--) {
		o[k] = (char)(v & 0xff);
		v >>= 8;
	}
}

/* Append n bytes of big-endian v. */
static int add_be(struct mkt_buf *b, uint64_t v, int n)
{
	if (mkt_buf_reserve(b, (size_t)n) < 0)
		return -1;
	put_be(b->p + b->len, v, n);
	b->len += (size_t)n;
	return 0;
}

/* A JSON number literal with no fraction or exponent, as int64. Returns
 * 0, or -1 if it has one or does not fit. */
static int plain_int(const struct mkt_jfield *f, int64_t *out)
{
	const char *p = f->val, *e = f->val + f->vlen;
	uint64_t v = 0;
	int neg = *p == '-';

	p += neg;
	if (p == e || e - p > 19)
		return -1;
	for (; p < e; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (v > (uint64_t)INT64_MAX)
		return -1;
	*out = neg ? -(int64_t)v : (int64_t)v;
	return 0;
}

/* Whether a number literal's mantissa has a digit other than 0 (so that
 * a result of 0 is an underflow, which the server refuses). */
static int nonzero_mantissa(const struct mkt_jfield *f)
{
	for (size_t i = 0; i < f->vlen && f->val[i] != 'e' && f->val[i] != 'E'; i++)
		if (f->val[i] >= '1' && f->val[i] <= '9')
			return 1;
	return 0;
}

/* Append field f's value for column c in COPY binary format, without
 * its length word. Returns 1 if done, 0 if the value has no binary form
 * that is exactly what the server makes of its text form (the row then
 * goes as text and is converted, or refused, as text rows are), -1 out
 * of memory. Times are microseconds since 2000-01-01, kept within the
 * years 1 to 9999 that the text form can write. */
static int put_bin(struct mkt_buf *b, const struct column *c,
    const struct mkt_jfield *f)
{
	const char *s;
	size_t n;
	int64_t v;

	switch (c->bin) {
	case B_TEXT:
		switch (f->type) {
		case MKT_JSTR:
			if (!f->vesc)
				return mkt_buf_add(b, f->val, f->vlen) < 0 ? -1 : 1;
			mkt_buf_reset(&S.tmp);
			if (mkt_jfield_string(f, &S.tmp, &s, &n) < 0)
				return 0;
			return mkt_buf_add(b, s, n) < 0 ? -1 : 1;
		case MKT_JTRUE:
		case MKT_JFALSE:
			return mkt_buf_adds(b, f->type == MKT_JTRUE ? "true" : "false") < 0 ? -1 : 1;
		default: /* numbers, objects and arrays as written */
			return mkt_buf_add(b, f->val, f->vlen) < 0 ? -1 : 1;
		}
	case B_JSONB:
		if (mkt_buf_addc(b, 1) < 0) /* jsonb's binary version */
			return -1;
		/* fall through */
	case B_JSON:
		if (f->type == MKT_JSTR)
			return mkt_buf_add(b, f->val - 1, f->vlen + 2) < 0 ? -1 : 1;
		return mkt_buf_add(b, f->val, f->vlen) < 0 ? -1 : 1;
	case B_I2:
	case B_I4:
	case B_I8:
		if (f->type != MKT_JNUM || plain_int(f, &v) < 0)
			return 0;
		if (c->bin == B_I2 && (v < INT16_MIN || v > INT16_MAX))
			return 0;
		if (c->bin == B_I4 && (v < INT32_MIN || v > INT32_MAX))
			return 0;
		n = c->bin == B_I2 ? 2 : c->bin == B_I4 ? 4 : 8;
		return add_be(b, (uint64_t)v, (int)n) < 0 ? -1 : 1;
	case B_F8: {
		double d;
		uint64_t u;

		if (f->type != MKT_JNUM || mkt_json_parse_number(f->val, f->vlen, &d) < 0 ||
		    !isfinite(d) || (d == 0 && nonzero_mantissa(f)))
			return 0;
		memcpy(&u, &d, 8);
		return add_be(b, u, 8) < 0 ? -1 : 1;
	}
	case B_F4: {
		char num[64], *end;
		float x;
		uint32_t u;

		if (f->type != MKT_JNUM || f->vlen >= sizeof(num))
			return 0;
		memcpy(num, f->val, f->vlen);
		num[f->vlen] = '\0';
		errno = 0;
		x = strtof(num, &end);
		if (errno || *end || !isfinite(x))
			return 0;
		memcpy(&u, &x, 4);
		return add_be(b, u, 4) < 0 ? -1 : 1;
	}
	case B_BOOL:
		if (f->type != MKT_JTRUE && f->type != MKT_JFALSE)
			return 0;
		return mkt_buf_addc(b, f->type == MKT_JTRUE ? 1 : 0) < 0 ? -1 : 1;
	case B_TS: {
		/* 0001-01-01 and 9999-12-31T23:59:59.999999 in seconds */
		const int64_t lo = -62135596800LL, hi = 253402300799LL;
		int64_t per = 1000000000LL / mkt_tunit_ns(opt.unit), us;

		if (f->type != MKT_JNUM || plain_int(f, &v) < 0)
			return 0;
		if (mkt_floordiv(v, per) < lo || mkt_floordiv(v, per) > hi)
			return 0; /* (lo * per does not fit in 64 bits for ns) */
		if (opt.unit == MKT_TU_NS) {
			if (v % 1000)
				return 0; /* the server rounds nanoseconds its own way */
			us = v / 1000;
		} else {
			us = v * (1000000 / per);
		}
		us -= 946684800LL * 1000000; /* 2000-01-01 */
		return add_be(b, (uint64_t)us, 8) < 0 ? -1 : 1;
	}
	default:
		return 0;
	}
}

/* Append the line's row (fields in S.vals, columns in S.mask) in COPY
 * binary format, folding key values into *kh. Returns 1 if appended, 0
 * if some value has no exact binary form (S.copy is then as it was). */
static int put_row_bin(uint64_t *kh)
{
	size_t row0 = S.copy.len, nf = 0;

	if (add_be(&S.copy, 0, 2) < 0)
		err(1, "out of memory");
	for (size_t ci = 0; ci < S.ncol; ci++) {
		const struct mkt_jfield *f = S.vals[ci];
		size_t lenpos, v0;
		int r;

		if (!mask_get(S.mask, ci))
			continue;
		nf++;
		lenpos = S.copy.len;
		if (add_be(&S.copy, 0, 4) < 0)
			err(1, "out of memory");
		v0 = S.copy.len;
		if ((int)ci == S.extra_col) {
			if (S.col[ci].bin == B_JSONB)
				mkt_buf_addc(&S.copy, 1);
			r = mkt_buf_add(&S.copy, S.extra.p, S.extra.len) < 0 ? -1 : 1;
		} else if (f->type == MKT_JNULL) {
			put_be(S.copy.p + lenpos, (uint32_t)-1, 4);
			continue;
		} else {
			r = put_bin(&S.copy, &S.col[ci], f);
		}
		if (r < 0 || S.copy.oom)
			err(1, "out of memory");
		if (r == 0 || S.copy.len - v0 > INT32_MAX) {
			S.copy.len = row0;
			return 0;
		}
		put_be(S.copy.p + lenpos, S.copy.len - v0, 4);
		if (S.nkey && is_key(ci))
			*kh = (*kh ^ mkt_hash(S.copy.p + v0, S.copy.len - v0)) * 0x100000001b3ULL;
	}
	put_be(S.copy.p + row0, nf, 2);
	return 1;
}


/* Remember the key hash of the line being taken; a hash seen before in
 * this batch (a repeated key, or rarely a collision) sets S.batch_dup,
 * and so does a full set. */
static void note_key(uint64_t h)
{
	size_t mask, i;

	if (S.batch_dup)
		return;
	if (S.keyset == NULL) {
		size_t want = 1024;
		while (want < 2 * (size_t)opt.batch && want < ((size_t)1 << 20))
			want *= 2;
		S.keyset = calloc(want, sizeof(*S.keyset));
		if (!S.keyset)
			err(1, "out of memory");
		S.keyset_cap = want;
		S.gen = 1;
	}
	if (S.n + 1 > S.keyset_cap / 2) {
		S.batch_dup = 1;
		return;
	}
	mask = S.keyset_cap - 1;
	for (i = h & mask; S.keyset[i].gen == S.gen; i = (i + 1) & mask) {
		if (S.keyset[i].h == h) {
			S.batch_dup = 1;
			return;
		}
	}
	S.keyset[i].h = h;
	S.keyset[i].gen = S.gen;
}


/* Take one input line into the open batch: scan it, map its fields to
 * columns, append its COPY row, keep the line for retries. Returns 1 if
 * taken, 0 if it was a bad record (reported). */
static int take_line(const char *line, size_t len, uint64_t lineno)
{
	char ebuf[128];
	const char *why = NULL;
	size_t row0 = S.copy.len;
	int first = 1, have_extra = 0;

	if (mkt_json_scan(&S.obj, line, len, ebuf, sizeof(ebuf)) < 0) {
		bad_record(lineno, line, len, 0, "not a JSON object: %s", ebuf);
		return 0;
	}
	memset(S.vals, 0, S.ncol * sizeof(*S.vals));
	memset(S.mask, 0, S.nw * sizeof(*S.mask));
	mkt_buf_reset(&S.extra);
	for (size_t i = 0; i < S.obj.n; i++) {
		const struct mkt_jfield *f = &S.obj.f[i];
		const char *name = f->key;
		size_t nlen = f->klen;
		int ci;

		if (f->kesc) {
			mkt_buf_reset(&S.tmp);
			mkt_json_unescape(f->key, f->klen, &S.tmp);
			name = S.tmp.p;
			nlen = S.tmp.len;
			ci = col_index(name, nlen);
		} else if (i < 32 && S.fpos[i] >= 0 && S.col[S.fpos[i]].nlen == nlen &&
		    memcmp(S.col[S.fpos[i]].name, name, nlen) == 0) {
			ci = S.fpos[i];
		} else {
			ci = col_index(name, nlen);
			if (i < 32)
				S.fpos[i] = ci;
		}
		if (ci < 0 || ci == S.extra_col) {
			if (S.extra_col < 0 || ci == S.extra_col) {
				bad_record(lineno, line, len, 1, ci < 0 ?
				    "field \"%.*s\" is not a column of %s" :
				    "field \"%.*s\" is the --extra column", (int)nlen, name, opt.table);
				return 0;
			}
			mkt_buf_addc(&S.extra, S.extra.len ? ',' : '{');
			mkt_buf_addc(&S.extra, '"');
			mkt_buf_add(&S.extra, f->key, f->klen);
			mkt_buf_add(&S.extra, "\":", 2);
			if (f->type == MKT_JSTR)
				mkt_buf_add(&S.extra, f->val - 1, f->vlen + 2);
			else
				mkt_buf_add(&S.extra, f->val, f->vlen);
			have_extra = 1;
			continue;
		}
		S.vals[ci] = f;
		S.mask[ci / 64] |= 1ULL << (ci % 64);
	}
	if (have_extra) {
		mkt_buf_addc(&S.extra, '}');
		S.mask[S.extra_col / 64] |= 1ULL << (S.extra_col % 64);
	}
	for (size_t k = 0; k < S.nkey; k++) {
		const struct mkt_jfield *f = S.vals[S.keycol[k]];
		if (f == NULL || f->type == MKT_JNULL) {
			bad_record(lineno, line, len, 1, "key field \"%s\" is %s",
			    S.col[S.keycol[k]].name, f ? "null" : "missing");
			return 0;
		}
	}
	uint64_t kh = 0x9e3779b97f4a7c15ULL;
	for (size_t w = 0; w < S.nw; w++)
		if (S.mask[w])
			first = 0;
	if (!first && put_row_bin(&kh)) {
		S.mask[S.ncol / 64] |= 1ULL << (S.ncol % 64);
		goto taken;
	}
	first = 1;
	kh = 0x9e3779b97f4a7c15ULL;
	for (size_t ci = 0; ci < S.ncol; ci++) {
		size_t v0;
		if (!mask_get(S.mask, ci))
			continue;
		if (!first)
			mkt_buf_addc(&S.copy, '\t');
		first = 0;
		v0 = S.copy.len;
		if ((int)ci == S.extra_col) {
			copy_esc(&S.copy, S.extra.p, S.extra.len);
			continue;
		}
		if (put_value(&S.copy, &S.col[ci], S.vals[ci], &why) < 0) {
			S.copy.len = row0;
			bad_record(lineno, line, len, 1, "field \"%s\" %s", S.col[ci].name,
			    why ? why : "cannot be converted");
			return 0;
		}
		if (S.nkey && is_key(ci))
			kh = (kh ^ mkt_hash(S.copy.p + v0, S.copy.len - v0)) * 0x100000001b3ULL;
	}
	if (first) {
		bad_record(lineno, line, len, 1, "no fields");
		return 0;
	}
	mkt_buf_addc(&S.copy, '\n');
taken:
	if (S.nkey)
		note_key(kh);
	if (S.n == S.cap) {
		size_t nc = S.cap ? S.cap * 2 : 1024;
		struct line *l = realloc(S.ln, nc * sizeof(*l));
		uint64_t *m = l ? realloc(S.masks, nc * S.nw * sizeof(*m)) : NULL;
		if (!l || !m)
			err(1, "out of memory");
		S.ln = l;
		S.masks = m;
		S.cap = nc;
	}
	S.ln[S.n] = (struct line){ .raw_off = S.raw.len, .raw_len = (uint32_t)len,
		.copy_off = row0, .copy_len = (uint32_t)(S.copy.len - row0),
		.lineno = lineno };
	memcpy(S.masks + S.n * S.nw, S.mask, S.nw * sizeof(*S.mask));
	mkt_buf_add(&S.raw, line, len);
	if (S.raw.oom || S.copy.oom || S.extra.oom || S.tmp.oom)
		err(1, "out of memory");
	if (S.n == 0)
		S.deadline = mkt_mono_ns() + opt.linger_ns;
	S.n++;
	return 1;
}

/* ---- sending ---- */

static int same_mask(size_t a, size_t b)
{
	return memcmp(S.masks + a * S.nw, S.masks + b * S.nw, S.nw * sizeof(uint64_t)) == 0;
}

/* Append the column list of line i's fields to S.sql. */
static void add_cols(size_t i)
{
	const uint64_t *m = S.masks + i * S.nw;
	int first = 1;

	for (size_t ci = 0; ci < S.ncol; ci++) {
		if (!mask_get(m, ci))
			continue;
		if (!first)
			mkt_buf_addc(&S.sql, ',');
		first = 0;
		mkt_buf_adds(&S.sql, S.col[ci].qname);
	}
}

/* Send n bytes of COPY data, in pieces of at most PUSH_CHUNK (libpq
 * takes an int length). */
static int push(const char *p, size_t n)
{
	while (n > 0) {
		int k = n < PUSH_CHUNK ? (int)n : PUSH_CHUNK;
		if (PQputCopyData(S.conn, p, k) != 1)
			return db_error(NULL);
		p += k;
		n -= (size_t)k;
	}
	return DB_OK;
}

/* Send the COPY command for rows shaped like line i into target. */
static int copy_start(size_t i, const char *target)
{
	PGresult *res;
	int rc = DB_OK;

	int bin = mask_get(S.masks + i * S.nw, S.ncol);

	mkt_buf_reset(&S.sql);
	if (strcmp(target, STAGE) == 0)
		mkt_buf_adds(&S.sql, "TRUNCATE " STAGE "; ");
	mkt_buf_printf(&S.sql, "COPY %s (", target);
	add_cols(i);
	mkt_buf_adds(&S.sql, bin ? ") FROM STDIN (FORMAT binary)" : ") FROM STDIN");
	if (S.sql.oom)
		err(1, "out of memory");
	res = PQexec(S.conn, S.sql.p);
	if (PQresultStatus(res) != PGRES_COPY_IN)
		rc = db_error(res);
	else
		S.in_copy = 1 + bin;
	PQclear(res);
	if (rc == DB_OK && bin)
		rc = push(bin_header, sizeof(bin_header));
	return rc;
}


/* End the COPY in progress and collect its result. */
static int copy_end(void)
{
	PGresult *res;
	int rc = DB_OK;

	if (S.in_copy == 2) { /* binary: the trailer */
		static const char trailer[2] = { '\377', '\377' };
		if ((rc = push(trailer, 2)) != DB_OK)
			return rc;
	}
	S.in_copy = 0;
	if (PQputCopyEnd(S.conn, NULL) != 1)
		return db_error(NULL);
	while ((res = PQgetResult(S.conn)) != NULL) {
		if (rc == DB_OK && PQresultStatus(res) != PGRES_COMMAND_OK)
			rc = db_error(res);
		PQclear(res);
	}
	return rc;
}

/* Start the COPY of a run of rows shaped like line i. Append mode copies
 * into the table. Key mode copies straight into the table too, under a
 * savepoint, as long as keys have been new (a live stream's usual case,
 * and as fast as append); otherwise into the staging table, whose rows
 * run_close() then upserts. */
static int run_open(size_t i)
{
	int rc;

	S.run_first = i;
	S.run_direct = !opt.keys || (!S.always_distinct && S.skip_plain == 0);
	if (opt.keys && !S.run_direct && S.skip_plain > 0)
		S.skip_plain--;
	if (opt.keys && S.run_direct &&
	    (rc = db_exec("SAVEPOINT pgsink_try", PGRES_COMMAND_OK)) != DB_OK)
		return rc;
	return copy_start(i, S.run_direct ? S.qtable.p : STAGE);
}

/* End the run of COPY data whose bytes end at offset end of S.copy. In
 * key mode a direct COPY that met an existing key (unique violation) is
 * rolled back to its savepoint and its rows go through the staging
 * table instead; the direct attempt is then skipped for 8 runs, doubling
 * up to 256 while keys keep repeating (a replay). From the staging table
 * the rows move with INSERT ... ON CONFLICT DO UPDATE, the last line of
 * each key winning. */
static int run_close(size_t end)
{
	int rc = copy_end();
	const uint64_t *m;

	if (!opt.keys)
		return rc;
	if (S.run_direct) {
		if (rc == DB_OK) {
			S.skip_next = 0;
			return db_exec("RELEASE SAVEPOINT pgsink_try", PGRES_COMMAND_OK);
		}
		if (strcmp(S.sqlstate, "23505") != 0)
			return rc;
		if ((rc = db_exec("ROLLBACK TO SAVEPOINT pgsink_try", PGRES_COMMAND_OK)) != DB_OK)
			return rc;
		S.skip_next = S.skip_next ? (S.skip_next < 256 ? S.skip_next * 2 : 256) : 8;
		S.skip_plain = S.skip_next;
		if ((rc = copy_start(S.run_first, STAGE)) != DB_OK)
			return rc;
		if ((rc = push(S.copy.p + S.ln[S.run_first].copy_off,
		    end - S.ln[S.run_first].copy_off)) != DB_OK)
			return rc;
		if ((rc = copy_end()) != DB_OK)
			return rc;
	} else if (rc != DB_OK) {
		return rc;
	}

	m = S.masks + S.run_first * S.nw;
	mkt_buf_reset(&S.sql);
	mkt_buf_printf(&S.sql, "INSERT INTO %s AS " TALIAS " (", S.qtable.p);
	add_cols(S.run_first);
	if (S.batch_dup || S.always_distinct) {
		mkt_buf_adds(&S.sql, ") SELECT DISTINCT ON (");
		for (size_t k = 0; k < S.nkey; k++)
			mkt_buf_printf(&S.sql, "%s%s", k ? "," : "", S.col[S.keycol[k]].qname);
		mkt_buf_adds(&S.sql, ") ");
		add_cols(S.run_first);
		mkt_buf_adds(&S.sql, " FROM " STAGE " ORDER BY ");
		for (size_t k = 0; k < S.nkey; k++)
			mkt_buf_printf(&S.sql, "%s,", S.col[S.keycol[k]].qname);
		mkt_buf_adds(&S.sql, "ctid DESC");
	} else {
		/* no key repeats in this batch: no sort needed */
		mkt_buf_adds(&S.sql, ") SELECT ");
		add_cols(S.run_first);
		mkt_buf_adds(&S.sql, " FROM " STAGE);
	}
	mkt_buf_adds(&S.sql, " ON CONFLICT (");
	for (size_t k = 0; k < S.nkey; k++)
		mkt_buf_printf(&S.sql, "%s%s", k ? "," : "", S.col[S.keycol[k]].qname);
	mkt_buf_adds(&S.sql, ") DO ");
	{
		/* UPDATE SET c = EXCLUDED.c, ... WHERE (t.c, ...) IS DISTINCT
		 * FROM (EXCLUDED.c, ...): a row whose values are all as stored is
		 * left alone (no new row version, no index entries, no WAL for
		 * it), so a replay writes almost nothing. Types whose = is not
		 * "the same value as stored" (numeric 1.0 = 1.00, jsonb {"a":1.0} =
		 * {"a":1.00}, json has none) are compared as text. */
		struct mkt_buf *w = &S.tmp;
		int nset = 0;

		mkt_buf_reset(w);
		for (size_t ci = 0; ci < S.ncol; ci++) {
			const char *cast = S.col[ci].eq ? "" : "::text";
			if (!mask_get(m, ci) || is_key(ci))
				continue;
			mkt_buf_printf(&S.sql, "%s%s = EXCLUDED.%s", nset ? ", " : "UPDATE SET ",
			    S.col[ci].qname, S.col[ci].qname);
			mkt_buf_printf(w, "%s" TALIAS ".%s%s", nset ? ", " : "", S.col[ci].qname, cast);
			nset++;
		}
		if (nset == 0) {
			mkt_buf_adds(&S.sql, "NOTHING");
		} else {
			mkt_buf_adds(&S.sql, nset > 1 ? " WHERE (" : " WHERE ");
			mkt_buf_add(&S.sql, w->p, w->len);
			mkt_buf_adds(&S.sql, nset > 1 ? ") IS DISTINCT FROM (" : " IS DISTINCT FROM ");
			for (size_t ci = 0, n = 0; ci < S.ncol; ci++) {
				if (!mask_get(m, ci) || is_key(ci))
					continue;
				mkt_buf_printf(&S.sql, "%sEXCLUDED.%s%s", n++ ? ", " : "",
				    S.col[ci].qname, S.col[ci].eq ? "" : "::text");
			}
			if (nset > 1)
				mkt_buf_addc(&S.sql, ')');
		}
	}
	if (S.sql.oom)
		err(1, "out of memory");
	return db_exec(S.sql.p, PGRES_COMMAND_OK);
}

/* Give up the transaction in progress (after an error). */
static void abort_tx(void)
{
	PGresult *res;

	if (S.conn && PQstatus(S.conn) == CONNECTION_OK) {
		if (S.in_copy) {
			PQputCopyEnd(S.conn, "batch abandoned");
			while ((res = PQgetResult(S.conn)) != NULL)
				PQclear(res);
		}
		if (S.in_tx)
			PQclear(PQexec(S.conn, "ROLLBACK"));
	}
	S.in_copy = S.in_tx = 0;
}

/* Open a transaction and note its id for commit_tx(). */
static int tx_begin(void)
{
	PGresult *res = PQexec(S.conn, "BEGIN; SELECT pg_catalog.txid_current()");
	int rc = DB_OK;

	S.in_tx = 1;
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		rc = db_error(res);
	else
		snprintf(S.xid, sizeof(S.xid), "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	return rc;
}

/* Commit the open transaction. Where the connection drops before the
 * server has answered, the transaction may or may not have committed:
 * connect again and ask the server (txid_status of the id tx_begin
 * noted), waiting while the old session is still finishing it. Returns
 * DB_OK if it committed; DB_AGAIN if it did not, the connection being
 * fresh (send the lines again); the error kind of a COMMIT the server
 * refused; or DB_FATAL where the server could not be reached again, or
 * the old session did not finish, within --retry-timeout. */
static int commit_tx(void)
{
	int rc = db_exec("COMMIT", PGRES_COMMAND_OK);
	int64_t start;

	S.in_tx = 0;
	if (rc != DB_CONN)
		return rc;
	mkt_info(1, "connection lost during COMMIT (%s)", S.errmsg);
	if (reconnect() < 0)
		return DB_FATAL;
	start = mkt_mono_ns();
	for (;;) {
		const char *param[1] = { S.xid };
		char st[16] = "";
		PGresult *res = PQexecParams(S.conn, "SELECT pg_catalog.txid_status($1::int8)",
		    1, NULL, param, NULL, NULL, 0);

		rc = DB_OK;
		if (PQresultStatus(res) != PGRES_TUPLES_OK)
			rc = db_error(res);
		else if (!PQgetisnull(res, 0, 0))
			snprintf(st, sizeof(st), "%s", PQgetvalue(res, 0, 0));
		PQclear(res);
		if (rc == DB_CONN) {
			if (reconnect() < 0)
				return DB_FATAL;
			continue;
		}
		if (strcmp(st, "committed") == 0) {
			mkt_info(1, "the server says the batch committed: not sent again");
			return DB_OK;
		}
		if (strcmp(st, "aborted") == 0 || (rc != DB_OK && strcmp(S.sqlstate, "22023") == 0)) {
			/* aborted, or an id the server never logged (lost in a crash) */
			mkt_info(1, "the server says the batch did not commit: sending it again");
			return DB_AGAIN;
		}
		if (rc != DB_OK || st[0] == '\0') {
			warnx("cannot learn whether transaction %s committed (%s); sending its "
			    "rows again", S.xid, rc != DB_OK ? S.errmsg : "too old");
			return DB_AGAIN;
		}
		/* in progress: the old session is still finishing it */
		if (mkt_mono_ns() - start > opt.retry_ns) {
			snprintf(S.errmsg, sizeof(S.errmsg), "transaction %s of a lost connection "
			    "was still in progress after --retry-timeout", S.xid);
			return DB_FATAL;
		}
		struct timespec ts = { 0, 50 * 1000000L };
		nanosleep(&ts, NULL);
	}
}

/* Wait before trying again after the tries-th serialization failure or
 * deadlock in a row: 10 ms doubling up to 1 s, less a random part of up
 * to half, so that sessions that collided do not collide again. */
static void retry_pause(int tries)
{
	int64_t d = (10 * 1000000LL) << (tries < 7 ? tries : 7);

	if (d > 1000000000LL)
		d = 1000000000LL;
	d -= (int64_t)(mkt_hash(&S.rows, sizeof(S.rows)) ^ (uint64_t)mkt_mono_ns()) % (d / 2);
	mkt_info(1, "%s (SQLSTATE %s); trying again in %lld ms", S.errmsg, S.sqlstate,
	    (long long)(d / 1000000));
	struct timespec ts = { d / 1000000000LL, d % 1000000000LL };
	nanosleep(&ts, NULL);
}

/* Send lines [lo, hi) of the batch as one transaction. */
static int send_range(size_t lo, size_t hi)
{
	int rc;
	size_t seg = 0, end;

	if ((rc = tx_begin()) != DB_OK)
		goto fail;
	for (size_t i = lo; i < hi; i++) {
		if (i > lo && same_mask(i, i - 1))
			continue;
		if (i > lo) {
			if ((rc = push(S.copy.p + seg, S.ln[i].copy_off - seg)) != DB_OK ||
			    (rc = run_close(S.ln[i].copy_off)) != DB_OK)
				goto fail;
		}
		if ((rc = run_open(i)) != DB_OK)
			goto fail;
		seg = S.ln[i].copy_off;
	}
	end = S.ln[hi - 1].copy_off + S.ln[hi - 1].copy_len;
	if ((rc = push(S.copy.p + seg, end - seg)) != DB_OK ||
	    (rc = run_close(end)) != DB_OK)
		goto fail;
	return commit_tx();
fail:
	abort_tx();
	return rc;
}

/* Commit lines [lo, hi) whatever happens: a lost connection is
 * re-established and the range sent again; a serialization failure or
 * deadlock is tried again after a pause, up to RETRY_MAX times in a row;
 * a row error splits the range in two until the bad rows stand alone
 * and go to --reject. rc is the outcome of a try already made, or -1.
 * Returns 0, or -1 on a fatal error (S.errmsg). */
static int deliver(size_t lo, size_t hi, int rc)
{
	int tries = 0;

	if (rc < 0)
		rc = send_range(lo, hi);
	for (;; rc = send_range(lo, hi)) {
		if (rc == DB_OK) {
			S.rows += hi - lo;
			return 0;
		}
		if (rc == DB_CONN) {
			if (reconnect() < 0)
				return -1;
			continue;
		}
		if (rc == DB_AGAIN)
			continue;
		if (rc == DB_RETRY) {
			if (tries == RETRY_MAX) {
				size_t n = strlen(S.errmsg);
				snprintf(S.errmsg + n, sizeof(S.errmsg) - n, " (SQLSTATE %s); gave "
				    "up after %d tries", S.sqlstate, RETRY_MAX + 1);
				return -1;
			}
			retry_pause(tries++);
			continue;
		}
		if (rc == DB_FATAL)
			return -1;
		if (opt.strict)
			errx(1, "%s:%llu..%llu: the server rejected a row: %s (--strict)",
			    src_name, (unsigned long long)S.ln[lo].lineno,
			    (unsigned long long)S.ln[hi - 1].lineno, S.errmsg);
		if (hi - lo == 1) {
			const struct line *l = &S.ln[lo];
			S.rejected++;
			mkt_rec_warn(src_name, l->lineno, "rejected by the server: %s", S.errmsg);
			write_reject(l->lineno, S.raw.p + l->raw_off, l->raw_len, 1,
			    S.errmsg, S.sqlstate);
			return 0;
		}
		size_t mid = lo + (hi - lo) / 2;
		if (deliver(lo, mid, -1) < 0)
			return -1;
		lo = mid;
		tries = 0;
	}
}

/* Bytes the open batch holds: its lines as read, their COPY rows, and
 * the index of both. */
static size_t batch_bytes(void)
{
	return S.raw.len + S.copy.len + S.n * (sizeof(*S.ln) + S.nw * sizeof(*S.masks));
}

static void batch_reset(void)
{
	S.gen++;
	S.batch_dup = 0;
	S.n = 0;
	S.pushed = 0;
	S.stream_err = 0;
	mkt_buf_reset(&S.raw);
	mkt_buf_reset(&S.copy);
}

/* Stream the line just taken (index S.n - 1): open the transaction and
 * the COPY as needed, send data in large chunks. An error is kept in
 * S.stream_err and the batch is then sent again by deliver(). */
static void stream_line(void)
{
	size_t i = S.n - 1;
	int rc = DB_OK;

	if (S.stream_err)
		return;
	if (!S.in_tx && (rc = tx_begin()) != DB_OK)
		goto fail;
	if (S.in_copy && !same_mask(i, S.run_first)) {
		if ((rc = push(S.copy.p + S.pushed, S.ln[i].copy_off - S.pushed)) != DB_OK ||
		    (rc = run_close(S.ln[i].copy_off)) != DB_OK)
			goto fail;
		S.pushed = S.ln[i].copy_off;
	}
	if (!S.in_copy) {
		if ((rc = run_open(i)) != DB_OK)
			goto fail;
		S.pushed = S.ln[i].copy_off;
	}
	if (S.copy.len - S.pushed >= PUSH_CHUNK) {
		if ((rc = push(S.copy.p + S.pushed, S.copy.len - S.pushed)) != DB_OK)
			goto fail;
		S.pushed = S.copy.len;
	}
	return;
fail:
	S.stream_err = rc;
	abort_tx();
}

/* Commit the open batch: finish the streamed transaction, or after a
 * failure deliver it again from the kept lines. Returns 0, or -1 after a
 * fatal error. */
static int commit_batch(void)
{
	int rc = S.stream_err;

	if (S.n == 0)
		return 0;
	if (rc == DB_OK) {
		if ((rc = push(S.copy.p + S.pushed, S.copy.len - S.pushed)) == DB_OK &&
		    (rc = run_close(S.copy.len)) == DB_OK)
			rc = commit_tx();
		if (rc == DB_OK)
			S.rows += S.n;
		else
			abort_tx();
	}
	if (rc == DB_FATAL) {
		warnx("%s", S.errmsg);
		batch_reset();
		return -1;
	}
	if (rc != DB_OK && deliver(0, S.n, rc) < 0) {
		warnx("%s", S.errmsg);
		batch_reset();
		return -1;
	}
	S.batches++;
	if (S.rejf)
		fflush(S.rejf);
	batch_reset();
	return 0;
}

/* ---- main ---- */

static void run_schema_file(const char *path)
{
	FILE *f = fopen(path, "r");
	struct mkt_buf b = MKT_BUF_INIT;
	char chunk[65536];
	size_t n;

	if (!f)
		err(1, "%s", path);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		mkt_buf_add(&b, chunk, n);
	if (ferror(f))
		err(1, "%s", path);
	fclose(f);
	if (b.oom)
		errx(1, "%s: out of memory", path);
	if (b.len && db_exec(b.p, PGRES_COMMAND_OK) != DB_OK && *S.sqlstate)
		errx(1, "%s: %s", path, S.errmsg);
	/* a file ending in a query returns tuples; that is fine too */
	mkt_buf_free(&b);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "table", required_argument, NULL, 't' },
		{ "key", required_argument, NULL, 'k' },
		{ "create", no_argument, NULL, 'c' },
		{ "batch", required_argument, NULL, 'n' },
		{ "linger", required_argument, NULL, 'l' },
		{ "reject", required_argument, NULL, 'r' },
		{ "timescale", required_argument, NULL, 1 },
		{ "time", required_argument, NULL, 2 },
		{ "extra", required_argument, NULL, 3 },
		{ "dsn", required_argument, NULL, 4 },
		{ "epoch-unit", required_argument, NULL, 5 },
		{ "schema", required_argument, NULL, 6 },
		{ "retry-timeout", required_argument, NULL, 7 },
		{ "allow-empty", no_argument, NULL, 8 },
		{ "strict", no_argument, NULL, 9 },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct mkt_reader r;
	char ebuf[256];
	const char *line;
	size_t len;
	long long v;
	int c, rc, fail = 0, exists;
	int64_t t0;

	while ((c = getopt_long(argc, argv, "t:k:cn:l:r:qvhV", longopts, NULL)) != -1) {
		switch (c) {
		case 't': opt.table = optarg; break;
		case 'k': opt.keys = optarg; break;
		case 'c': opt.create = 1; break;
		case 'n':
			if (mkt_parse_long(optarg, 1, 10000000, &v) < 0)
				errx(2, "--batch: expected a number of rows from 1 to 10000000");
			opt.batch = v;
			break;
		case 'l':
			if (mkt_parse_long(optarg, 0, 86400000, &v) == 0)
				opt.linger_ns = v * 1000000LL;
			else if (mkt_duration_parse(optarg, &opt.linger_ns, ebuf, sizeof(ebuf)) < 0)
				errx(2, "--linger: %s", ebuf);
			break;
		case 'r': opt.reject = optarg; break;
		case 1: opt.timescale = optarg; break;
		case 2: opt.times = optarg; break;
		case 3: opt.extra = optarg; break;
		case 4: opt.dsn = optarg; break;
		case 5:
			if (mkt_tunit_parse(optarg, &opt.unit) < 0)
				errx(2, "--epoch-unit: expected s, ms, us or ns");
			break;
		case 6: opt.schema = optarg; break;
		case 7:
			if (mkt_duration_parse(optarg, &opt.retry_ns, ebuf, sizeof(ebuf)) < 0)
				errx(2, "--retry-timeout: %s", ebuf);
			break;
		case 8: opt.allow_empty = 1; break;
		case 9: opt.strict = 1; break;
		case 'q': mkt_verbosity = -1; break;
		case 'v': mkt_verbosity++; break;
		case 'h': usage(stdout); return 0;
		case 'V':
			snprintf(ebuf, sizeof(ebuf), "libpq %d.%d", PQlibVersion() / 10000,
			    PQlibVersion() % 10000);
			mkt_print_version(ebuf);
			return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		warnx("unexpected argument: %s", argv[optind]);
		usage(stderr);
		return 2;
	}
	if (!opt.table) {
		warnx("--table is required");
		usage(stderr);
		return 2;
	}
	if (parse_table(opt.table, &S.schema_name, &S.table_name) < 0)
		errx(2, "--table: expected NAME or SCHEMA.NAME (\"quoted\" parts allowed, "
		    "up to %d bytes each)", NAME_MAX_BYTES);
	if (opt.keys && (opt.keys[0] == '\0' || strstr(opt.keys, ",,") ||
	    opt.keys[strlen(opt.keys) - 1] == ','))
		errx(2, "--key: expected COL[,COL...]");
	if (opt.timescale && !opt.create)
		warnx("--timescale only matters with --create");
	if (!opt.dsn)
		opt.dsn = getenv("DATABASE_URL");
	if (opt.dsn && !*opt.dsn)
		opt.dsn = NULL;
	if (opt.dsn)
		secrets_from_dsn(opt.dsn);
	if (getenv("PGPASSWORD"))
		secret_add(getenv("PGPASSWORD"), strlen(getenv("PGPASSWORD")));
	if (S.schema_name) {
		qident(&S.qtable, S.schema_name, strlen(S.schema_name));
		mkt_buf_addc(&S.qtable, '.');
	}
	qident(&S.qtable, S.table_name, strlen(S.table_name));

	mkt_signals_init();
	if (opt.reject) {
		S.rejf = fopen(opt.reject, "a");
		if (!S.rejf)
			err(1, "%s", opt.reject);
	}
	db_open();
	if (!S.conn || PQstatus(S.conn) != CONNECTION_OK) {
		db_error(NULL);
		errx(1, "cannot connect: %s", S.errmsg);
	}
	if (mkt_verbosity >= 1) {
		char m[1024];
		snprintf(m, sizeof(m), "connected to database %s as %s on %s port %s",
		    PQdb(S.conn), PQuser(S.conn), PQhost(S.conn), PQport(S.conn));
		redact(m, sizeof(m));
		mkt_info(1, "%s", m);
	}
	if (opt.schema)
		run_schema_file(opt.schema);
	exists = load_columns();
	if (exists < 0)
		errx(1, "cannot read the columns of %s: %s", opt.table, S.errmsg);
	if (exists == 0 && !opt.create)
		errx(1, "table %s does not exist (--create makes it)", opt.table);
	if (exists) {
		resolve_names();
		if (session_setup() != DB_OK)
			errx(1, "cannot prepare the staging table: %s", S.errmsg);
	}

	if (mkt_reader_init(&r, STDIN_FILENO, src_name, 0, ebuf, sizeof(ebuf)) < 0)
		errx(1, "%s", ebuf);
	t0 = mkt_mono_ns();
	for (;;) {
		/* the clock is read before a read that may wait, and every 256
		 * lines while input is buffered */
		if (S.n > 0 && (!mkt_reader_ready(&r) || S.n % 256 == 0)) {
			int64_t rem = S.deadline - mkt_mono_ns();
			if (rem <= 0) {
				if (commit_batch() < 0) {
					fail = 1;
					break;
				}
				continue;
			}
			r.idle_ms = (int)((rem + 999999) / 1000000);
		} else if (S.n == 0) {
			r.idle_ms = -1;
		}
		if (mkt_stop)
			break;
		rc = mkt_reader_next(&r, &line, &len);
		if (rc == MKT_READ_EOF)
			break;
		if (rc == MKT_READ_TIMEOUT || rc == MKT_READ_INTR)
			continue;
		if (rc == MKT_READ_ERROR) {
			warn("%s", src_name);
			fail = 1;
			break;
		}
		S.lines++;
		if (rc == MKT_READ_LONG) {
			bad_record(r.lineno, "", 0, 0, "line longer than %zu bytes", r.max_line);
			continue;
		}
		if (S.ncol == 0) {
			/* --create and no table yet: the first good record shapes it */
			if (mkt_json_scan(&S.obj, line, len, ebuf, sizeof(ebuf)) < 0) {
				bad_record(r.lineno, line, len, 0, "not a JSON object: %s", ebuf);
				continue;
			}
			create_table(&S.obj);
			if (load_columns() <= 0)
				errx(1, "cannot read the columns of %s: %s", opt.table, S.errmsg);
			resolve_names();
			if (session_setup() != DB_OK)
				errx(1, "cannot prepare the staging table: %s", S.errmsg);
		}
		if (take_line(line, len, r.lineno)) {
			stream_line();
			if ((S.stream_err || (long long)S.n >= opt.batch ||
			    batch_bytes() >= BATCH_BYTES) && commit_batch() < 0) {
				fail = 1;
				break;
			}
		}
	}
	if (!fail && commit_batch() < 0)
		fail = 1;
	if (mkt_stop)
		mkt_info(1, "stopped by signal %d; open batch committed", (int)mkt_stop);
	if (S.lines == 0 && !fail && !mkt_stop && !opt.allow_empty) {
		warnx("%s: no records in the input", src_name);
		fail = 1;
	}
	{
		double secs = (double)(mkt_mono_ns() - t0) / 1e9;
		mkt_info(1, "%llu rows written in %llu batches, %llu rejected by the server, "
		    "%llu bad records, %llu reconnects, %.3f s (%.0f rows/s)",
		    (unsigned long long)S.rows, (unsigned long long)S.batches,
		    (unsigned long long)S.rejected, (unsigned long long)mkt_rec_bad() -
		    S.rejected, (unsigned long long)S.reconnects, secs,
		    secs > 0 ? (double)S.rows / secs : 0.0);
	}
	if (S.rejected)
		warnx("%llu row%s rejected by the server%s%s", (unsigned long long)S.rejected,
		    S.rejected == 1 ? "" : "s", opt.reject ? ", written to " : "",
		    opt.reject ? opt.reject : "");
	if (mkt_rec_bad() > 0) {
		mkt_rec_summary();
		fail = 1;
	}
	if (S.rejf && (fflush(S.rejf) != 0 || ferror(S.rejf) || fclose(S.rejf) != 0)) {
		warn("%s", opt.reject);
		fail = 1;
	}
	PQfinish(S.conn);
	mkt_reader_free(&r);
	return fail ? 1 : 0;
}
