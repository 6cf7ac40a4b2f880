// SPDX-License-Identifier: MIT
/* main.c -- html2text: HTML pages to readable text or NDJSON records */
/*
 * Three modes. Plain: each HTML document (stdin, or each FILE) becomes
 * readable text. Selector (--select): one NDJSON record per element that
 * matches, with --field values taken by sub-selectors, link targets made
 * absolute against --base. Filter (--in-field): NDJSON article records
 * in, each with the text of its HTML field added as --out-field; --main
 * keeps only the main content block of the page.
 *
 * Before gumbo sees a document, its size is checked against --max-bytes
 * and a pre-scan of its tag nesting against --max-depth, so a hostile page
 * ends in a clear error rather than in gumbo's quadratic cases or a deep
 * recursion. The same scan finds the bodies of script and style elements,
 * which gumbo is then not given to read, apart from those of elements
 * whose text a selector could ask for. The tree is walked with explicit
 * stacks and freed with the arena it was parsed into.
 *
 * Output is block-buffered and flushed whenever input pauses (filter
 * mode), after each document, at exit, and after every record with -u.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "cli.h"
#include "io.h"
#include "json.h"
#include "extract.h"
#include "html2text.h"

#define MAX_FIELDS 32
#define DEFAULT_MAX_BYTES (16LL * 1024 * 1024)
#define DEFAULT_MAX_DEPTH 512

/* ---- settings ---- */

struct field {
	const char *name;
	struct sel_group sel;   /* empty: the matched element itself */
	int has_sel;
	char *attr;             /* NULL: the text */
};

struct settings {
	const char *select;
	struct field fields[MAX_FIELDS];
	size_t nfields;
	const char *base;
	int links;
	int main_only;
	const char *in_field;
	const char *out_field;
	const char *url_field;
	int drop;
	long long max_bytes;
	int max_depth;
	int strict;
	int unbuffered;
};

static struct settings opt = {
	.select = NULL,
	.nfields = 0,
	.base = NULL,
	.links = 0,
	.main_only = 0,
	.in_field = NULL,
	.out_field = "body",
	.url_field = "url",
	.drop = 0,
	.max_bytes = DEFAULT_MAX_BYTES,
	.max_depth = DEFAULT_MAX_DEPTH,
	.strict = 0,
	.unbuffered = 0,
};

static struct sel_group sel;
static struct mkt_writer out;
static struct mkt_reader rd;
static struct mkt_buf doc_buf = MKT_BUF_INIT, tbuf = MKT_BUF_INIT,
    ubuf = MKT_BUF_INIT, basebuf = MKT_BUF_INIT, sbuf = MKT_BUF_INIT,
    cbuf = MKT_BUF_INIT;
static struct guard_cuts cuts;
/* the selector groups whose matches give their text: the --select group
 * (without --field, in filter mode, or with a --field of no selector and
 * no @ATTR) and those of --field without @ATTR */
static const struct sel_group *text_sel[MAX_FIELDS + 1];
static size_t ntext_sel;
static struct mkt_jobj jo;
static int status;

static void usage(FILE *f)
{
	fprintf(f,
	    "usage: html2text [-lmuqv] [--links] [--main] [--base URL]\n"
	    "                 [--max-bytes N] [--max-depth N] [--strict] [file ...]\n"
	    "       html2text --select SEL [--field NAME=SEL[@ATTR] ...] [--base URL]\n"
	    "                 [-luqv] [--max-bytes N] [--max-depth N] [--strict] [file ...]\n"
	    "       html2text --in-field NAME [--out-field NAME] [--url-field NAME]\n"
	    "                 [--main | --select SEL] [--drop] [--base URL] [-luqv]\n"
	    "                 [--max-bytes N] [--max-depth N] [--strict]\n"
	    "       html2text -h | -V\n");
}

/* A document that cannot be handled: reported and counted, fatal with
 * --strict. src names it, lineno is its record number or 0. */
static void bad(const char *src, uint64_t lineno, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void bad(const char *src, uint64_t lineno, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (opt.strict) {
		mkt_writer_flush(&out);
		if (lineno)
			errx(1, "%s:%llu: %s", src, (unsigned long long)lineno, msg);
		errx(1, "%s: %s", src, msg);
	}
	if (lineno)
		mkt_rec_warn(src, lineno, "%s", msg);
	else
		warnx("%s: %s", src, msg);
	status = 1;
}

/* Whether the bytes look like binary data rather than text: a NUL in the
 * first 8 KiB. */
static int looks_binary(const char *s, size_t n)
{
	return memchr(s, '\0', n < 8192 ? n : 8192) != NULL;
}

/* Checks before parsing; returns 0, or -1 after reporting. Lists the
 * script and style bodies the parser can be spared in cuts: those of
 * elements no group of text_sel could match. */
static int doc_ok(const char *src, uint64_t lineno, const char *s, size_t n)
{
	char e[256];
	size_t i;

	if ((long long)n > opt.max_bytes) {
		bad(src, lineno, "document larger than --max-bytes (%lld bytes)", opt.max_bytes);
		return -1;
	}
	if (n == 0) {
		bad(src, lineno, "empty document");
		return -1;
	}
	if (looks_binary(s, n)) {
		bad(src, lineno, "binary data, not HTML");
		return -1;
	}
	if (guard_scan(s, n, opt.max_depth, &cuts, e, sizeof(e)) < 0) {
		bad(src, lineno, "%s", e);
		return -1;
	}
	for (i = 0; i < ntext_sel && cuts.n; i++)
		guard_keep_selectable(&cuts, s, text_sel[i]);
	if (mkt_verbosity >= 2) {
		size_t b = 0;
		for (i = 0; i < cuts.n; i++)
			b += cuts.c[i].end - cuts.c[i].start;
		if (lineno)
			mkt_info(2, "%s:%llu: script and style bodies not parsed: "
			    "%zu, %zu bytes", src, (unsigned long long)lineno,
			    cuts.oom ? 0 : cuts.n, cuts.oom ? 0 : b);
		else
			mkt_info(2, "%s: script and style bodies not parsed: %zu, %zu bytes",
			    src, cuts.oom ? 0 : cuts.n, cuts.oom ? 0 : b);
	}
	return 0;
}

/* The base for links: the document's <base href> resolved against the
 * given base (or alone), else the given base. Points into basebuf or
 * given; NULL when there is none. */
static const char *doc_base(const GumboNode *root, const char *given)
{
	const char *bh = doc_base_href(root);

	if (!bh)
		return given;
	mkt_buf_reset(&basebuf);
	url_resolve(given, bh, strlen(bh), &basebuf);
	return basebuf.p;
}

static int url_attr(const char *a)
{
	return !strcmp(a, "href") || !strcmp(a, "src") || !strcmp(a, "action") ||
	    !strcmp(a, "cite") || !strcmp(a, "poster") || !strcmp(a, "data-src") ||
	    !strcmp(a, "data-href") || !strcmp(a, "data-url");
}

/* ---- selector mode ---- */

struct card_ctx {
	const char *base;
};

/* One record for a matched element: its --field values in order (a field
 * with no match is left out), or {"text":...} without --field. */
static void emit_card(const GumboNode *el, void *arg)
{
	struct card_ctx *cx = arg;
	struct text_opts to = { opt.links, cx->base, 0, NULL };
	struct mkt_buf *b = &out.b;
	size_t i;

	mkt_buf_addc(b, '{');
	if (opt.nfields == 0) {
		mkt_buf_reset(&tbuf);
		text_of(el, &to, &tbuf);
		mkt_json_key(b, "text");
		mkt_json_str(b, tbuf.p ? tbuf.p : "", tbuf.len);
	}
	for (i = 0; i < opt.nfields; i++) {
		const struct field *f = &opt.fields[i];
		const GumboNode *n = el;
		if (f->has_sel && !(n = sel_first(&f->sel, el)))
			continue;
		if (f->attr) {
			const GumboAttribute *a =
			    gumbo_get_attribute(&n->v.element.attributes, f->attr);
			if (!a)
				continue;
			mkt_json_key(b, f->name);
			if (url_attr(f->attr) && cx->base) {
				mkt_buf_reset(&ubuf);
				url_resolve(cx->base, a->value, strlen(a->value), &ubuf);
				mkt_json_str(b, ubuf.p ? ubuf.p : "", ubuf.len);
			} else {
				mkt_json_str(b, a->value, strlen(a->value));
			}
		} else {
			mkt_buf_reset(&tbuf);
			text_of(n, &to, &tbuf);
			mkt_json_key(b, f->name);
			mkt_json_str(b, tbuf.p ? tbuf.p : "", tbuf.len);
		}
	}
	mkt_buf_addc(b, '}');
	mkt_writer_commit(&out);
}

/* ---- the text of one document, by mode ---- */

struct join_ctx {
	struct text_opts to;
	struct mkt_buf *dst;
};

static void join_match(const GumboNode *el, void *arg)
{
	struct join_ctx *j = arg;

	if (j->dst->len)
		mkt_buf_add(j->dst, "\n\n", 2);
	text_of(el, &j->to, j->dst);
}

/* Text of a parsed document into dst: the main block, the matches of
 * --select, or the whole. */
static void doc_text(const GumboNode *root, const char *base, struct mkt_buf *dst)
{
	struct text_opts to = { opt.links, base, 0, NULL };

	if (opt.main_only) {
		main_text(root, &to, dst);
	} else if (opt.select) {
		struct join_ctx j = { to, dst };
		sel_each(&sel, root, join_match, &j);
	} else {
		text_of(root, &to, dst);
	}
}

/* The document s[0..n) less the script and style bodies listed in cuts:
 * moved down in place where s is buf (a buffer of ours), else copied to
 * cbuf. Sets *n. */
static const char *spare_parser(struct mkt_buf *buf, const char *s, size_t *n)
{
	if (cuts.n == 0 || cuts.oom)
		return s;
	if (buf && s == buf->p) {
		*n = buf->len = guard_apply(buf->p, s, *n, &cuts);
		buf->p[buf->len] = '\0';
		return buf->p;
	}
	mkt_buf_reset(&cbuf);
	if (mkt_buf_reserve(&cbuf, *n) < 0)
		return s;
	*n = cbuf.len = guard_apply(cbuf.p, s, *n, &cuts);
	cbuf.p[cbuf.len] = '\0';
	return cbuf.p;
}

/* Plain and selector modes: one whole document. */
static void do_document(const char *src, const char *s, size_t n)
{
	struct doc d;
	const char *base;

	if (doc_ok(src, 0, s, n) < 0)
		return;
	s = spare_parser(&doc_buf, s, &n);
	if (doc_parse(&d, s, n) < 0) {
		bad(src, 0, "out of memory");
		return;
	}
	base = doc_base(d.out->root, opt.base);
	if (opt.select) {
		struct card_ctx cx = { base };
		sel_each(&sel, d.out->document, emit_card, &cx);
	} else {
		mkt_buf_reset(&tbuf);
		doc_text(d.out->document, base, &tbuf);
		if (tbuf.len) {
			mkt_buf_add(&out.b, tbuf.p, tbuf.len);
			mkt_writer_commit(&out);
		}
	}
	doc_free(&d);
	mkt_writer_flush(&out);
}

/* Read all of fd into doc_buf, up to max_bytes + 1 bytes. Returns 0, or
 * -1 on a read error (errno set). */
static int slurp(int fd)
{
	mkt_buf_reset(&doc_buf);
	for (;;) {
		ssize_t r;
		size_t want = 1 << 20;
		if ((long long)doc_buf.len > opt.max_bytes)
			return 0;
		if (mkt_buf_reserve(&doc_buf, want) < 0) {
			errno = ENOMEM;
			return -1;
		}
		r = read(fd, doc_buf.p + doc_buf.len, want);
		if (r < 0) {
			if (errno == EINTR) {
				if (mkt_stop)
					return 0;
				continue;
			}
			return -1;
		}
		if (r == 0)
			return 0;
		doc_buf.len += (size_t)r;
		doc_buf.p[doc_buf.len] = '\0';
	}
}

static void do_file(const char *path)
{
	int fd = STDIN_FILENO;
	const char *src = "stdin";

	if (path && strcmp(path, "-")) {
		src = path;
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
			warn("%s", path);
			status = 1;
			return;
		}
	}
	if (slurp(fd) < 0) {
		warn("%s", src);
		status = 1;
	} else if (!mkt_stop) {
		do_document(src, doc_buf.p ? doc_buf.p : "", doc_buf.len);
	}
	if (fd != STDIN_FILENO)
		close(fd);
}

/* ---- filter mode ---- */

static void on_pause(void *arg)
{
	(void)arg;
	mkt_writer_flush(&out);
}

/* Copy the scanned object without the field named skip (its last and
 * any earlier occurrence), leaving it open for more fields. */
static void copy_without(const char *skip)
{
	struct mkt_buf *b = &out.b;
	size_t i, sl = strlen(skip);

	mkt_buf_addc(b, '{');
	for (i = 0; i < jo.n; i++) {
		const struct mkt_jfield *f = &jo.f[i];
		if (!f->kesc && f->klen == sl && !memcmp(f->key, skip, sl))
			continue;
		mkt_json_sep(b);
		mkt_buf_addc(b, '"');
		mkt_buf_add(b, f->key, f->klen);
		mkt_buf_add(b, "\":", 2);
		if (f->type == MKT_JSTR)
			mkt_buf_add(b, f->val - 1, f->vlen + 2);
		else
			mkt_buf_add(b, f->val, f->vlen);
	}
}

static void do_record(const char *line, size_t len)
{
	char e[256];
	const struct mkt_jfield *f, *uf;
	const char *html, *base = opt.base;
	size_t hlen;
	struct doc d;

	if (mkt_json_scan(&jo, line, len, e, sizeof(e)) < 0) {
		bad(rd.name, rd.lineno, "%s", e);
		return;
	}
	if (!(f = mkt_jobj_gets(&jo, opt.in_field))) {
		bad(rd.name, rd.lineno, "\"%s\" is missing", opt.in_field);
		return;
	}
	if (f->type != MKT_JSTR) {
		bad(rd.name, rd.lineno, "\"%s\" is not a string", opt.in_field);
		return;
	}
	mkt_buf_reset(&sbuf);
	if (mkt_jfield_string(f, &sbuf, &html, &hlen) < 0) {
		bad(rd.name, rd.lineno, "\"%s\" is not a string", opt.in_field);
		return;
	}
	if (!base && (uf = mkt_jobj_gets(&jo, opt.url_field)) && uf->type == MKT_JSTR) {
		const char *u;
		size_t ul;
		mkt_buf_reset(&ubuf);
		if (mkt_jfield_string(uf, &ubuf, &u, &ul) == 0 && memchr(u, '\0', ul) == NULL) {
			if (u != ubuf.p) {
				mkt_buf_reset(&ubuf);
				mkt_buf_add(&ubuf, u, ul);
			}
			base = ubuf.p;
		}
	}
	if (doc_ok(rd.name, rd.lineno, html, hlen) < 0)
		return;
	html = spare_parser(&sbuf, html, &hlen);
	if (doc_parse(&d, html, hlen) < 0) {
		bad(rd.name, rd.lineno, "out of memory");
		return;
	}
	mkt_buf_reset(&tbuf);
	doc_text(d.out->document, doc_base(d.out->root, base), &tbuf);
	doc_free(&d);
	if (opt.drop)
		copy_without(opt.in_field);
	else
		mkt_json_reopen(&out.b, line, len);
	mkt_json_key(&out.b, opt.out_field);
	mkt_json_str(&out.b, tbuf.p ? tbuf.p : "", tbuf.len);
	mkt_buf_addc(&out.b, '}');
	mkt_writer_commit(&out);
}

static void filter(void)
{
	char e[256];
	const char *line;
	size_t len;
	uint64_t n = 0;
	size_t max_line = (size_t)opt.max_bytes * 6 + 65536;
	int rc;

	if (mkt_reader_init(&rd, STDIN_FILENO, "stdin", max_line, e, sizeof(e)) < 0)
		errx(1, "%s", e);
	rd.on_pause = on_pause;
	while (!mkt_stop) {
		rc = mkt_reader_next(&rd, &line, &len);
		if (rc == MKT_READ_LINE) {
			n++;
			do_record(line, len);
		} else if (rc == MKT_READ_LONG) {
			n++;
			bad(rd.name, rd.lineno, "line longer than %zu bytes", max_line);
		} else if (rc == MKT_READ_INTR || rc == MKT_READ_TIMEOUT) {
			continue;
		} else if (rc == MKT_READ_EOF) {
			if (n == 0) {
				warnx("stdin: empty input");
				status = 1;
			}
			break;
		} else {
			warn("stdin");
			status = 1;
			break;
		}
		if (out.err)
			break;
	}
	mkt_reader_free(&rd);
}

/* ---- options ---- */

/* NAME=SEL[@ATTR]: the '@' that starts ATTR is the last one outside
 * brackets and quotes, followed only by an attribute name. */
static void parse_field(const char *arg)
{
	struct field *f;
	const char *eq = strchr(arg, '=');
	char *spec, *at = NULL, e[256];
	size_t i;
	int depth = 0;
	char q = 0;

	if (opt.nfields >= MAX_FIELDS)
		errx(2, "--field: at most %d fields", MAX_FIELDS);
	if (!eq || eq == arg)
		errx(2, "--field: expected NAME=SELECTOR[@ATTR], got '%s'", arg);
	f = &opt.fields[opt.nfields++];
	if (!(spec = strdup(eq + 1)) || !(f->name = strndup(arg, (size_t)(eq - arg))))
		err(1, "strdup");
	for (i = 0; spec[i]; i++) {
		char c = spec[i];
		if (q) {
			if (c == q)
				q = 0;
		} else if (c == '"' || c == '\'') {
			q = c;
		} else if (c == '[') {
			depth++;
		} else if (c == ']') {
			depth--;
		} else if (c == '@' && depth == 0) {
			at = spec + i;
		}
	}
	if (at) {
		size_t k;
		*at++ = '\0';
		for (k = 0; at[k]; k++) {
			char c = at[k];
			if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			    (c >= '0' && c <= '9') || c == '-' || c == '_' || c == ':')) {
				snprintf(e, sizeof(e), "bad attribute name '%.200s'", at);
				goto bad;
			}
			if (c >= 'A' && c <= 'Z')
				at[k] = (char)(c + 32);
		}
		if (!*at) {
			snprintf(e, sizeof(e), "attribute name missing after '@'");
			goto bad;
		}
		if (!(f->attr = strdup(at)))
			err(1, "strdup");
	}
	for (i = 0; spec[i] == ' ' || spec[i] == '\t'; i++)
		;
	if (spec[i]) {
		if (sel_parse(spec, &f->sel, e, sizeof(e)) < 0)
			goto bad;
		f->has_sel = 1;
	}
	free(spec);
	return;
bad:
	/* spec freed first: a leak checker sees no block lost at exit */
	free(spec);
	errx(2, "--field %s: %s", f->name, e);
}

/* Fill text_sel from the settings. */
static void text_groups(void)
{
	size_t i;
	int whole = opt.nfields == 0;

	for (i = 0; i < opt.nfields; i++) {
		const struct field *f = &opt.fields[i];
		if (f->attr)
			continue;
		if (f->has_sel)
			text_sel[ntext_sel++] = &f->sel;
		else
			whole = 1;
	}
	if (opt.select && whole)
		text_sel[ntext_sel++] = &sel;
}

enum {
	OPT_BASE = 256, OPT_IN, OPT_OUT, OPT_URLF, OPT_DROP, OPT_MAXB,
	OPT_MAXD, OPT_STRICT,
};

static const struct option longopts[] = {
	{ "select", required_argument, NULL, 's' },
	{ "field", required_argument, NULL, 'f' },
	{ "base", required_argument, NULL, OPT_BASE },
	{ "links", no_argument, NULL, 'l' },
	{ "main", no_argument, NULL, 'm' },
	{ "in-field", required_argument, NULL, OPT_IN },
	{ "out-field", required_argument, NULL, OPT_OUT },
	{ "url-field", required_argument, NULL, OPT_URLF },
	{ "drop", no_argument, NULL, OPT_DROP },
	{ "max-bytes", required_argument, NULL, OPT_MAXB },
	{ "max-depth", required_argument, NULL, OPT_MAXD },
	{ "strict", no_argument, NULL, OPT_STRICT },
	{ "unbuffered", no_argument, NULL, 'u' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

/* A byte count with an optional k, M or G suffix (powers of 1024). */
static long long bytes_opt(const char *name, const char *s)
{
	char num[64];
	size_t l = strlen(s);
	long long v, mul = 1;

	if (l == 0 || l >= sizeof(num))
		errx(2, "%s: expected a byte count", name);
	memcpy(num, s, l + 1);
	switch (num[l - 1]) {
	case 'k': case 'K': mul = 1024; break;
	case 'm': case 'M': mul = 1024 * 1024; break;
	case 'g': case 'G': mul = 1024LL * 1024 * 1024; break;
	default: break;
	}
	if (mul > 1)
		num[l - 1] = '\0';
	if (mkt_parse_long(num, 1, (4LL << 30) / mul, &v) < 0)
		errx(2, "%s: expected a byte count from 1 to 4G, got '%s'", name, s);
	return v * mul;
}

int main(int argc, char **argv)
{
	char e[256];
	long long v;
	int c, i;

	while ((c = getopt_long(argc, argv, "s:f:lmuqvhV", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			opt.select = optarg;
			break;
		case 'f':
			parse_field(optarg);
			break;
		case OPT_BASE:
			opt.base = optarg;
			break;
		case 'l':
			opt.links = 1;
			break;
		case 'm':
			opt.main_only = 1;
			break;
		case OPT_IN:
			opt.in_field = optarg;
			break;
		case OPT_OUT:
			opt.out_field = optarg;
			break;
		case OPT_URLF:
			opt.url_field = optarg;
			break;
		case OPT_DROP:
			opt.drop = 1;
			break;
		case OPT_MAXB:
			opt.max_bytes = bytes_opt("--max-bytes", optarg);
			break;
		case OPT_MAXD:
			if (mkt_parse_long(optarg, 8, 4096, &v) < 0)
				errx(2, "--max-depth: expected a number from 8 to 4096");
			opt.max_depth = (int)v;
			break;
		case OPT_STRICT:
			opt.strict = 1;
			break;
		case 'u':
			opt.unbuffered = 1;
			break;
		case 'q':
			mkt_verbosity = -1;
			break;
		case 'v':
			mkt_verbosity++;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			mkt_print_version("gumbo 0.10.1");
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (opt.select && sel_parse(opt.select, &sel, e, sizeof(e)) < 0)
		errx(2, "--select: %s", e);
	if (opt.nfields && !opt.select)
		errx(2, "--field needs --select");
	if (opt.main_only && opt.select)
		errx(2, "--main and --select exclude each other");
	if (opt.in_field) {
		if (opt.nfields)
			errx(2, "--field is for selector mode, not with --in-field");
		if (optind < argc)
			errx(2, "filter mode (--in-field) reads stdin only");
	} else if (opt.drop) {
		errx(2, "--drop needs --in-field");
	}
	if (opt.base && !strchr(opt.base, ':'))
		errx(2, "--base: expected an absolute URL, got '%s'", opt.base);
	text_groups();

	mkt_signals_init();
	if (mkt_writer_init(&out, STDOUT_FILENO, opt.unbuffered) < 0)
		errx(1, "out of memory");
	if (opt.in_field) {
		filter();
	} else if (optind == argc) {
		do_file(NULL);
	} else {
		for (i = optind; i < argc && !mkt_stop && !out.err; i++)
			do_file(argv[i]);
	}
	mkt_rec_summary();
	if (mkt_rec_bad() > 0)
		status = 1;
	if (mkt_writer_close(&out) < 0 && out.err != EPIPE) {
		errno = out.err;
		warn("stdout");
		status = 1;
	}
	sel_free(&sel);
	mkt_buf_free(&doc_buf);
	mkt_buf_free(&tbuf);
	mkt_buf_free(&ubuf);
	mkt_buf_free(&basebuf);
	mkt_buf_free(&sbuf);
	mkt_buf_free(&cbuf);
	free(cuts.c);
	mkt_jobj_free(&jo);
	return status;
}
