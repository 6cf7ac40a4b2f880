/* SPDX-License-Identifier: MIT */
/* html2text_select.c -- libFuzzer harness: html2text's selector parser,
 * URL resolver, nesting guard, and the text it extracts with gumbo.
 *
 *   - sel_parse() either refuses the input with a message or returns a
 *     group that, written back as canonical selector text, parses again to
 *     the same canonical text (a round trip), with every compound holding
 *     at least one part;
 *   - url_resolve() of the input against an absolute base gives a URL
 *     whose path has no "." or ".." segment left (RFC 3986 5.2.4);
 *   - guard_scan() returns 0 or -1 with a message, whatever the bytes;
 *     the script and style bodies it lists for cutting are in order, do
 *     not overlap, each runs from a '>' to an end tag of a script or style
 *     element whose start tag comes before (or to the end), and holds no
 *     "<!--"; guard_apply() in place gives what a copy gives, less those
 *     bytes; and
 *   - the text html2text extracts is the same whether gumbo parses the
 *     input whole or without those bodies: plain text (with links), the
 *     main content (--main), and the text of every element a selector
 *     matches, for a set of selectors, once guard_keep_selectable() has
 *     taken back the bodies the selector could see. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../../tools/html2text/selparse.c"
#include "../../tools/html2text/url.c"
#include "../../tools/html2text/guard.c"
#include "../../tools/html2text/arena.c"
#include "../../tools/html2text/extract.c"
#include "../../tools/html2text/article.c"

static void put_str(struct mkt_buf *b, const char *s)
{
	mkt_buf_adds(b, s);
}

/* Canonical text: compounds as tag#id.c1.c2[a][b="v"][c~="v"], joined by
 * " " or " > ", groups by ", ". */
static void canon(const struct sel_group *g, struct mkt_buf *b)
{
	size_t i, j, k;

	for (i = 0; i < g->n; i++) {
		if (i)
			put_str(b, ", ");
		for (j = 0; j < g->alt[i].n; j++) {
			const struct sel_compound *c = &g->alt[i].c[j];
			if (j)
				put_str(b, c->comb == SEL_CHILD ? " > " : " ");
			put_str(b, c->tag ? c->tag : "*");
			if (c->id) {
				put_str(b, "#");
				put_str(b, c->id);
			}
			for (k = 0; k < c->nclass; k++) {
				put_str(b, ".");
				put_str(b, c->classes[k]);
			}
			for (k = 0; k < c->nattr; k++) {
				const struct sel_attr *a = &c->attrs[k];
				char q = a->value && strchr(a->value, '"') ? '\'' : '"';
				put_str(b, "[");
				put_str(b, a->name);
				if (a->op != SEL_EXISTS) {
					put_str(b, a->op == SEL_EQ ? "=" : "~=");
					mkt_buf_addc(b, q);
					put_str(b, a->value);
					mkt_buf_addc(b, q);
				}
				put_str(b, "]");
			}
		}
	}
}

static void check_selector(const char *s)
{
	struct sel_group g, g2;
	struct mkt_buf a = MKT_BUF_INIT, b = MKT_BUF_INIT;
	char e[256];

	if (sel_parse(s, &g, e, sizeof(e)) < 0) {
		if (!e[0] || g.n != 0)
			abort();
		return;
	}
	canon(&g, &a);
	if (a.len > SEL_MAX_LEN) {
		/* written back with "*" and quotes it may pass the length limit */
	} else if (sel_parse(a.p, &g2, e, sizeof(e)) < 0) {
		/* a value holding both quote kinds cannot be written back */
		if (!strstr(a.p, "'\"") && !strstr(a.p, "\"'"))
			abort();
	} else {
		canon(&g2, &b);
		if (strcmp(a.p, b.p))
			abort();
		sel_free(&g2);
	}
	sel_free(&g);
	mkt_buf_free(&a);
	mkt_buf_free(&b);
}

static void check_url(const char *ref, size_t n)
{
	struct mkt_buf out = MKT_BUF_INIT;
	const char *p, *path, *end;

	if (url_resolve("http://a/b/c/d;p?q", ref, n, &out) < 0 || !out.p)
		return;
	/* the path: after "scheme:" and "//authority", up to '?' or '#' */
	p = strchr(out.p, ':');
	if (!p)
		abort();
	p++;
	if (p[0] == '/' && p[1] == '/') {
		p += 2;
		while (*p && *p != '/' && *p != '?' && *p != '#')
			p++;
	}
	path = p;
	end = path + strcspn(path, "?#");
	if (memchr(out.p, '\0', out.len) != NULL && strlen(out.p) != out.len)
		goto done; /* a NUL in the reference: path checks end there */
	while (path < end) {
		const char *seg = path, *q;
		if (*seg == '/')
			seg++;
		q = seg;
		while (q < end && *q != '/')
			q++;
		if ((q - seg == 1 && seg[0] == '.') ||
		    (q - seg == 2 && seg[0] == '.' && seg[1] == '.')) {
			/* a scheme-relative reference keeps its own dots only
			 * when it has no scheme of ours: never here */
			abort();
		}
		path = q;
		if (path < end && *path != '/')
			abort();
		if (seg == q && path >= end)
			break;
	}
done:
	mkt_buf_free(&out);
}

/* Whether s[k..n) is "<" or "</" (slash) and name (any case) followed
 * by white space, '/' or '>'. */
static int tag_named(const char *s, size_t k, size_t n, int slash,
    const char *name)
{
	size_t nl = strlen(name), p = k + 1 + (size_t)slash;

	return p + nl < n && s[k] == '<' && (!slash || s[k + 1] == '/') &&
	    !strncasecmp(s + p, name, nl) && s[p + nl] && strchr(" \t\n\r\f/>", s[p + nl]);
}

/* Whether a start tag of element name comes before s[i], which follows
 * a '>'. */
static int start_tag_before(const char *s, size_t i, const char *name)
{
	size_t k = i;

	if (k == 0 || s[k - 1] != '>')
		return 0;
	while (k-- > 0)
		if (tag_named(s, k, i, 0, name))
			return 1;
	return 0;
}

static void check_guard(const char *s, size_t n)
{
	struct guard_cuts g = { 0 };
	char e[256], *a, *b;
	const char *name;
	size_t i, prev = 0, total = 0, la, lb;

	if (guard_scan(s, n, 64, &g, e, sizeof(e)) < 0) {
		if (!e[0])
			abort();
		free(g.c);
		return;
	}
	for (i = 0; i < g.n; i++) {
		size_t st = g.c[i].start, en = g.c[i].end;
		if (st < prev || en < st || en > n)
			abort();
		if (en < n && tag_named(s, en, n, 1, "script"))
			name = "script";
		else if (en < n && tag_named(s, en, n, 1, "style"))
			name = "style";
		else if (en < n)
			abort();
		if (en < n && !start_tag_before(s, st, name))
			abort();
		if (memmem(s + st, en - st, "<!--", 4))
			abort();
		prev = en;
		total += en - st;
	}
	a = malloc(n + 1);
	b = malloc(n + 1);
	if (a && b) {
		memcpy(b, s, n);
		la = guard_apply(a, s, n, &g);
		lb = guard_apply(b, b, n, &g);
		if (la != n - total || lb != la || memcmp(a, b, la))
			abort();
	}
	free(a);
	free(b);
	free(g.c);
}

/* ---- the text with and without the cuts ---- */

/* Selectors whose matches give their text, as in --select without
 * --field: some can see script or style elements, some cannot. */
static const char *const text_sels[] = {
	"script", "style", "*", "[type]", "#a", ".a", "[type=a]",
	"script[id~=a]", "[src]", "p", "div > *", "STYLE.b, [data-x=\"1\"]",
	"head *", "style[media], script[type=\"text/x\"]", "[class~=b]",
};
#define NSEL (sizeof(text_sels) / sizeof(text_sels[0]))

static struct sel_group sels[NSEL];
static struct mkt_buf want_plain, want_main, want_sel[NSEL];
static struct mkt_buf got_plain, got_main, got_sel[NSEL], cutbuf;

/* NSEL selector groups, parsed once. */
static void sels_init(void)
{
	static int done;
	char e[256];
	size_t i;

	if (done)
		return;
	for (i = 0; i < NSEL; i++)
		if (sel_parse(text_sels[i], &sels[i], e, sizeof(e)) < 0)
			abort();
	done = 1;
}

static const struct text_opts topts = { 1, "http://a/b/c", 0, NULL };

/* The text of a match, after a separator, as join_match and emit_card
 * take it. */
static void sel_text(const GumboNode *el, void *arg)
{
	struct mkt_buf *b = arg;

	mkt_buf_addc(b, '\x01');
	text_of(el, &topts, b);
}

/* The texts of s[0..n): plain and main into plain and mainb (unless
 * NULL), and that of the matches of selector i into sel[i] for i in
 * [from, to). */
static void texts(const char *s, size_t n, struct mkt_buf *plain,
    struct mkt_buf *mainb, struct mkt_buf *sel, size_t from, size_t to)
{
	struct doc d;
	size_t i;

	if (doc_parse(&d, s, n) < 0)
		abort();
	if (plain) {
		mkt_buf_reset(plain);
		text_of(d.out->document, &topts, plain);
		mkt_buf_reset(mainb);
		main_text(d.out->document, &topts, mainb);
	}
	for (i = from; i < to; i++) {
		mkt_buf_reset(&sel[i]);
		sel_each(&sels[i], d.out->document, sel_text, &sel[i]);
	}
	doc_free(&d);
}

static int same(const struct mkt_buf *a, const struct mkt_buf *b)
{
	return a->len == b->len && (a->len == 0 || !memcmp(a->p, b->p, a->len));
}

/* s[0..n) less the cuts g, in cutbuf. */
static void apply(const char *s, size_t n, const struct guard_cuts *g)
{
	mkt_buf_reset(&cutbuf);
	if (mkt_buf_reserve(&cutbuf, n + 1) < 0)
		abort();
	cutbuf.len = guard_apply(cutbuf.p, s, n, g);
}

/* The texts with and without the cuts: plain and main with all of them,
 * each selector's with those guard_keep_selectable() leaves it. */
static void check_text(const char *s, size_t n)
{
	struct guard_cuts g = { 0 }, k = { 0 };
	char e[256];
	size_t i;

	if (guard_scan(s, n, 64, &g, e, sizeof(e)) < 0 || g.n == 0 || g.oom) {
		free(g.c);
		return;
	}
	sels_init();
	texts(s, n, &want_plain, &want_main, want_sel, 0, NSEL);
	apply(s, n, &g);
	texts(cutbuf.p, cutbuf.len, &got_plain, &got_main, got_sel, 0, NSEL);
	if (!same(&want_plain, &got_plain) || !same(&want_main, &got_main))
		abort();
	if (!(k.c = malloc(g.n * sizeof(*k.c))))
		abort();
	for (i = 0; i < NSEL; i++) {
		memcpy(k.c, g.c, g.n * sizeof(*k.c));
		k.n = g.n;
		guard_keep_selectable(&k, s, &sels[i]);
		if (k.n < g.n) {
			apply(s, n, &k);
			texts(cutbuf.p, cutbuf.len, NULL, NULL, got_sel, i, i + 1);
		}
		if (!same(&want_sel[i], &got_sel[i]))
			abort();
	}
	free(k.c);
	free(g.c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s, e[256];

	if (size > 8192)
		return 0;
	s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	check_selector(s);
	check_url(s, size);
	check_guard(s, size);
	check_text(s, size);
	if (guard_scan(s, size, 64, NULL, e, sizeof(e)) < 0 && !e[0])
		abort();
	free(s);
	return 0;
}
