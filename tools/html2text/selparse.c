/* SPDX-License-Identifier: MIT */
/* selparse.c -- the CSS selector subset of html2text, parsed into a tree
 * of compounds. Anything outside the subset is refused with its column,
 * so an unsupported selector is an error, never a silent non-match. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html2text.h"

struct sp {
	const char *s;
	size_t i;
	char *err;
	size_t errsize;
};

static int fail(struct sp *p, const char *what)
{
	snprintf(p->err, p->errsize, "selector column %zu: %s", p->i + 1, what);
	return -1;
}

static int is_ident(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '_' || c >= 0x80;
}

static int is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static void skip_ws(struct sp *p)
{
	while (is_ws(p->s[p->i]))
		p->i++;
}

/* Copy s[a, b) into a new string, lower-cased when lower is set. */
static char *dup_range(const char *s, size_t a, size_t b, int lower)
{
	char *d = malloc(b - a + 1);
	size_t k;

	if (!d)
		return NULL;
	for (k = a; k < b; k++) {
		char c = s[k];
		if (lower && c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		d[k - a] = c;
	}
	d[b - a] = '\0';
	return d;
}

/* An identifier at p->i: returns a new string or NULL (err filled). */
static char *ident(struct sp *p, int lower, const char *what)
{
	size_t a = p->i;

	if (p->s[p->i] == '\\')
		return fail(p, "escapes are not supported"), NULL;
	while (is_ident((unsigned char)p->s[p->i]))
		p->i++;
	if (p->i == a) {
		char m[96];
		snprintf(m, sizeof(m), "expected %s", what);
		return fail(p, m), NULL;
	}
	/* an identifier may not start with a digit, or with '-' and a digit */
	if ((p->s[a] >= '0' && p->s[a] <= '9') ||
	    (p->s[a] == '-' && p->s[a + 1] >= '0' && p->s[a + 1] <= '9')) {
		p->i = a;
		return fail(p, "an identifier cannot start with a digit"), NULL;
	}
	return dup_range(p->s, a, p->i, lower);
}

static int push(void **arr, size_t *n, size_t size)
{
	void *q = realloc(*arr, (*n + 1) * size);

	if (!q)
		return -1;
	memset((char *)q + *n * size, 0, size);
	*arr = q;
	(*n)++;
	return 0;
}

static int parse_attr(struct sp *p, struct sel_compound *c)
{
	struct sel_attr *a;
	char q;
	size_t st;

	p->i++; /* [ */
	skip_ws(p);
	if (push((void **)&c->attrs, &c->nattr, sizeof(*c->attrs)) < 0)
		return fail(p, "out of memory");
	a = &c->attrs[c->nattr - 1];
	if (!(a->name = ident(p, 1, "an attribute name")))
		return -1;
	skip_ws(p);
	if (p->s[p->i] == ']') {
		p->i++;
		a->op = SEL_EXISTS;
		return 0;
	}
	if (p->s[p->i] == '=') {
		a->op = SEL_EQ;
		p->i++;
	} else if (p->s[p->i] == '~' && p->s[p->i + 1] == '=') {
		a->op = SEL_INCL;
		p->i += 2;
	} else if (strchr("^$*|", p->s[p->i]) && p->s[p->i] && p->s[p->i + 1] == '=') {
		return fail(p, "attribute operators other than = and ~= are not supported");
	} else {
		return fail(p, "expected ']', '=' or '~=' in an attribute selector");
	}
	skip_ws(p);
	q = p->s[p->i];
	if (q == '"' || q == '\'') {
		st = ++p->i;
		while (p->s[p->i] && p->s[p->i] != q) {
			if (p->s[p->i] == '\\')
				return fail(p, "escapes are not supported");
			p->i++;
		}
		if (!p->s[p->i])
			return fail(p, "unterminated string");
		a->value = dup_range(p->s, st, p->i, 0);
		p->i++;
	} else {
		if (!(a->value = ident(p, 0, "an attribute value")))
			return -1;
	}
	if (!a->value)
		return fail(p, "out of memory");
	skip_ws(p);
	if (p->s[p->i] == 'i' || p->s[p->i] == 's')
		return fail(p, "attribute flags are not supported");
	if (p->s[p->i] != ']')
		return fail(p, "expected ']'");
	p->i++;
	return 0;
}

/* One compound at p->i; returns 0 or -1. */
static int parse_compound(struct sp *p, struct sel_compound *c)
{
	size_t start = p->i;
	char *v;

	if (p->s[p->i] == '*') {
		p->i++;
	} else if (is_ident((unsigned char)p->s[p->i])) {
		if (!(c->tag = ident(p, 1, "a type")))
			return -1;
	}
	for (;;) {
		char ch = p->s[p->i];
		if (ch == '#') {
			p->i++;
			if (c->id)
				return fail(p, "two #ids in one compound never match");
			if (!(c->id = ident(p, 0, "an id after '#'")))
				return -1;
		} else if (ch == '.') {
			p->i++;
			if (!(v = ident(p, 0, "a class name after '.'")))
				return -1;
			if (push((void **)&c->classes, &c->nclass, sizeof(char *)) < 0) {
				free(v);
				return fail(p, "out of memory");
			}
			c->classes[c->nclass - 1] = v;
		} else if (ch == '[') {
			if (parse_attr(p, c) < 0)
				return -1;
		} else if (ch == ':') {
			return fail(p, "pseudo-classes and pseudo-elements are not supported");
		} else {
			break;
		}
	}
	if (p->i == start)
		return fail(p, p->s[p->i] ? "expected a type, '*', '#', '.' or '['"
		    : "expected a selector");
	return 0;
}

static int parse_complex(struct sp *p, struct sel_complex *x)
{
	int comb = SEL_DESC;

	for (;;) {
		int ws;
		if (x->n >= SEL_MAX_PARTS)
			return fail(p, "too many compounds");
		if (push((void **)&x->c, &x->n, sizeof(*x->c)) < 0)
			return fail(p, "out of memory");
		x->c[x->n - 1].comb = comb;
		if (parse_compound(p, &x->c[x->n - 1]) < 0)
			return -1;
		ws = is_ws(p->s[p->i]);
		skip_ws(p);
		switch (p->s[p->i]) {
		case '\0':
		case ',':
			return 0;
		case '>':
			p->i++;
			skip_ws(p);
			comb = SEL_CHILD;
			break;
		case '+':
		case '~':
			return fail(p, "sibling combinators are not supported");
		default:
			if (!ws)
				return fail(p, "unexpected character");
			comb = SEL_DESC;
			break;
		}
	}
}

int sel_parse(const char *s, struct sel_group *g, char *err, size_t errsize)
{
	struct sp p = { s, 0, err, errsize };

	memset(g, 0, sizeof(*g));
	if (strlen(s) > SEL_MAX_LEN) {
		snprintf(err, errsize, "selector longer than %d bytes", SEL_MAX_LEN);
		return -1;
	}
	for (;;) {
		skip_ws(&p);
		if (push((void **)&g->alt, &g->n, sizeof(*g->alt)) < 0) {
			fail(&p, "out of memory");
			goto bad;
		}
		if (parse_complex(&p, &g->alt[g->n - 1]) < 0)
			goto bad;
		if (p.s[p.i] == '\0')
			return 0;
		p.i++; /* ',' */
	}
bad:
	sel_free(g);
	return -1;
}

void sel_free(struct sel_group *g)
{
	size_t i, j, k;

	for (i = 0; i < g->n; i++) {
		struct sel_complex *x = &g->alt[i];
		for (j = 0; j < x->n; j++) {
			struct sel_compound *c = &x->c[j];
			free(c->tag);
			free(c->id);
			for (k = 0; k < c->nclass; k++)
				free(c->classes[k]);
			free(c->classes);
			for (k = 0; k < c->nattr; k++) {
				free(c->attrs[k].name);
				free(c->attrs[k].value);
			}
			free(c->attrs);
		}
		free(x->c);
	}
	free(g->alt);
	memset(g, 0, sizeof(*g));
}
