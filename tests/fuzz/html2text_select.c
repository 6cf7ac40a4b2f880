/* SPDX-License-Identifier: MIT */
/* html2text_select.c -- libFuzzer harness: html2text's selector parser,
 * URL resolver and nesting guard (the parts that need no gumbo).
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
 *     "<!--"; and
 *     guard_apply() in place gives what a copy gives, less those bytes. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../../tools/html2text/selparse.c"
#include "../../tools/html2text/url.c"
#include "../../tools/html2text/guard.c"

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
		if ((q - seg == 1 && seg[0] == '.') || (q - seg == 2 && seg[0] == '.' && seg[1] == '.')) {
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
	if (guard_scan(s, size, 64, NULL, e, sizeof(e)) < 0 && !e[0])
		abort();
	free(s);
	return 0;
}
