/* SPDX-License-Identifier: MIT */
/* extract.c -- html2text's work on a gumbo tree: selector matching and
 * readable text (the memory of the tree is arena.c's, the main content
 * of an article page is found in article.c). Every walk of the tree uses
 * an explicit stack, so a deep tree costs heap, never C stack. */
#include <err.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "extract.h"

/* ---- a reusable explicit stack for walks ---- */

struct stack walk_st;

struct frame *st_push(struct stack *s, const GumboNode *n)
{
	if (s->n == s->cap) {
		size_t nc = s->cap ? s->cap * 2 : 64;
		struct frame *q = realloc(s->f, nc * sizeof(*q));
		if (!q)
			err(1, "out of memory");
		s->f = q;
		s->cap = nc;
	}
	memset(&s->f[s->n], 0, sizeof(s->f[0]));
	s->f[s->n].n = n;
	return &s->f[s->n++];
}

const GumboVector *el_children(const GumboNode *n)
{
	if (n->type == GUMBO_NODE_ELEMENT || n->type == GUMBO_NODE_TEMPLATE)
		return &n->v.element.children;
	if (n->type == GUMBO_NODE_DOCUMENT)
		return &n->v.document.children;
	return NULL;
}

int el_is(const GumboNode *n)
{
	return n->type == GUMBO_NODE_ELEMENT || n->type == GUMBO_NODE_TEMPLATE;
}

const char *el_attr(const GumboNode *n, const char *name)
{
	const GumboAttribute *a;

	if (!el_is(n))
		return NULL;
	a = gumbo_get_attribute(&n->v.element.attributes, name);
	return a ? a->value : NULL;
}

/* ---- selectors ---- */

/* Whether white-space separated list has word w. */
static int has_word(const char *list, const char *w)
{
	size_t wl = strlen(w);
	const char *p = list;

	while (*p) {
		const char *q;
		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f')
			p++;
		q = p;
		while (*q && *q != ' ' && *q != '\t' && *q != '\n' && *q != '\r' && *q != '\f')
			q++;
		if ((size_t)(q - p) == wl && wl && !memcmp(p, w, wl))
			return 1;
		p = q;
	}
	return 0;
}

static int tag_is(const GumboNode *n, struct sel_compound *c)
{
	GumboStringPiece piece;
	size_t tl;

	if (!c->tagid)
		c->tagid = (int)gumbo_tag_enum(c->tag) + 1;
	if (c->tagid - 1 != GUMBO_TAG_UNKNOWN)
		return n->v.element.tag == (GumboTag)(c->tagid - 1);
	if (n->v.element.tag != GUMBO_TAG_UNKNOWN)
		return 0;
	piece = n->v.element.original_tag;
	if (!piece.data || !piece.length)
		return 0;
	gumbo_tag_from_original_text(&piece);
	tl = strlen(c->tag);
	return piece.length == tl && !strncasecmp(piece.data, c->tag, tl);
}

static int compound_match(struct sel_compound *c, const GumboNode *n)
{
	size_t k;
	const char *v;

	if (!el_is(n))
		return 0;
	if (c->tag && !tag_is(n, c))
		return 0;
	if (c->id && (!(v = el_attr(n, "id")) || strcmp(v, c->id)))
		return 0;
	if (c->nclass) {
		if (!(v = el_attr(n, "class")))
			return 0;
		for (k = 0; k < c->nclass; k++)
			if (!has_word(v, c->classes[k]))
				return 0;
	}
	for (k = 0; k < c->nattr; k++) {
		const struct sel_attr *a = &c->attrs[k];
		if (!(v = el_attr(n, a->name)))
			return 0;
		if (a->op == SEL_EQ && strcmp(v, a->value))
			return 0;
		if (a->op == SEL_INCL && !has_word(v, a->value))
			return 0;
	}
	return 1;
}

/* Compounds 0..idx of x against n and its ancestors, right to left.
 * Recursion depth is bounded by SEL_MAX_PARTS. */
static int complex_match(struct sel_complex *x, size_t idx, const GumboNode *n)
{
	const GumboNode *a;

	if (!compound_match(&x->c[idx], n))
		return 0;
	if (idx == 0)
		return 1;
	if (x->c[idx].comb == SEL_CHILD) {
		a = n->parent;
		return a && el_is(a) && complex_match(x, idx - 1, a);
	}
	for (a = n->parent; a && el_is(a); a = a->parent)
		if (complex_match(x, idx - 1, a))
			return 1;
	return 0;
}

int sel_match(const struct sel_group *g, const GumboNode *n)
{
	size_t i;

	for (i = 0; i < g->n; i++)
		if (complex_match(&g->alt[i], g->alt[i].n - 1, n))
			return 1;
	return 0;
}

enum { WALK_ON, WALK_SKIP, WALK_STOP };

/* Visit every element below root in document order, depth first, on the
 * explicit stack (never by recursion). visit() answers WALK_ON to go on
 * into the element, WALK_SKIP to pass over what is inside it, WALK_STOP
 * to end the walk. Re-entrant: a walk started inside visit() stacks on
 * top of this one. */
static void walk_elements(const GumboNode *root,
    int (*visit)(const GumboNode *, void *), void *arg)
{
	struct stack *s = &walk_st;
	size_t base = s->n;

	st_push(s, root);
	while (s->n > base) {
		struct frame *f = &s->f[s->n - 1];
		const GumboVector *ch = el_children(f->n);
		const GumboNode *c;
		int rc;
		if (!ch || f->i >= ch->length) {
			s->n--;
			continue;
		}
		c = ch->data[f->i++];
		if (!el_is(c))
			continue;
		rc = visit(c, arg);
		if (rc == WALK_STOP) {
			s->n = base;
			break;
		}
		if (rc == WALK_ON)
			st_push(s, c);
	}
}

struct each_arg {
	const struct sel_group *g;
	void (*fn)(const GumboNode *, void *);
	void *arg;
	const GumboNode *found;
};

static int each_visit(const GumboNode *c, void *arg)
{
	struct each_arg *a = arg;

	if (sel_match(a->g, c)) {
		if (a->fn == NULL) {
			a->found = c;
			return WALK_STOP;
		}
		a->fn(c, a->arg);
	}
	return WALK_ON;
}

void sel_each(const struct sel_group *g, const GumboNode *root,
    void (*fn)(const GumboNode *, void *), void *arg)
{
	struct each_arg a = { g, fn, arg, NULL };

	walk_elements(root, each_visit, &a);
}

const GumboNode *sel_first(const struct sel_group *g, const GumboNode *root)
{
	struct each_arg a = { g, NULL, NULL, NULL };

	walk_elements(root, each_visit, &a);
	return a.found;
}

static int base_visit(const GumboNode *c, void *arg)
{
	const char **href = arg;

	if (c->v.element.tag == GUMBO_TAG_BASE && (*href = el_attr(c, "href")))
		return WALK_STOP;
	return c->v.element.tag == GUMBO_TAG_BODY ? WALK_SKIP : WALK_ON;
}

const char *doc_base_href(const GumboNode *root)
{
	const char *href = NULL;

	walk_elements(root, base_visit, &href);
	return href;
}

/* ---- what is dropped, what breaks lines ---- */

/* Elements whose content is never text for a reader (forms aside). */
static int dropped_tag(GumboTag t)
{
	switch (t) {
	case GUMBO_TAG_HEAD: case GUMBO_TAG_SCRIPT: case GUMBO_TAG_STYLE:
	case GUMBO_TAG_NOSCRIPT: case GUMBO_TAG_TEMPLATE: case GUMBO_TAG_NAV:
	case GUMBO_TAG_HEADER: case GUMBO_TAG_FOOTER: case GUMBO_TAG_ASIDE:
	case GUMBO_TAG_BUTTON: case GUMBO_TAG_SELECT:
	case GUMBO_TAG_TEXTAREA: case GUMBO_TAG_INPUT: case GUMBO_TAG_IFRAME:
	case GUMBO_TAG_OBJECT: case GUMBO_TAG_EMBED: case GUMBO_TAG_SVG:
	case GUMBO_TAG_MATH: case GUMBO_TAG_CANVAS: case GUMBO_TAG_AUDIO:
	case GUMBO_TAG_VIDEO: case GUMBO_TAG_MAP: case GUMBO_TAG_KEYGEN:
	case GUMBO_TAG_MENU: case GUMBO_TAG_TITLE:
		return 1;
	default:
		return 0;
	}
}

/* Whether a style attribute's value says display:none, with any
 * spacing. */
static int display_none(const char *v)
{
	const char *p = strcasestr(v, "display");

	while (p) {
		const char *q = p + 7;
		while (*q == ' ')
			q++;
		if (*q == ':') {
			q++;
			while (*q == ' ')
				q++;
			if (!strncasecmp(q, "none", 4))
				return 1;
		}
		p = strcasestr(q, "display");
	}
	return 0;
}

static int nav_role(const char *v)
{
	return !strcasecmp(v, "navigation") || !strcasecmp(v, "banner") ||
	    !strcasecmp(v, "contentinfo") || !strcasecmp(v, "complementary") ||
	    !strcasecmp(v, "search") || !strcasecmp(v, "dialog") ||
	    !strcasecmp(v, "menu");
}

/* Hidden: the hidden attribute, aria-hidden="true", an inline style of
 * display:none, or an ARIA role of navigation and the like. One pass over
 * the attributes (their names are lower case: the parser makes them so). */
static int hidden(const GumboNode *n)
{
	const GumboVector *at = &n->v.element.attributes;
	unsigned i;

	for (i = 0; i < at->length; i++) {
		const GumboAttribute *a = at->data[i];
		const char *name = a->name;
		switch (name[0]) {
		case 'h':
			if (!strcmp(name, "hidden"))
				return 1;
			break;
		case 'a':
			if (!strcmp(name, "aria-hidden") && !strcasecmp(a->value, "true"))
				return 1;
			break;
		case 's':
			if (!strcmp(name, "style") && display_none(a->value))
				return 1;
			break;
		case 'r':
			if (!strcmp(name, "role") && nav_role(a->value))
				return 1;
			break;
		default:
			break;
		}
	}
	return 0;
}

int el_dropped(const GumboNode *n, int forms)
{
	GumboTag t = n->v.element.tag;

	return dropped_tag(t) || (forms && t == GUMBO_TAG_FORM) || hidden(n);
}

/* 0 inline, 1 line break around, 2 blank line around. */
static int block_kind(GumboTag t)
{
	switch (t) {
	case GUMBO_TAG_P: case GUMBO_TAG_H1: case GUMBO_TAG_H2:
	case GUMBO_TAG_H3: case GUMBO_TAG_H4: case GUMBO_TAG_H5:
	case GUMBO_TAG_H6: case GUMBO_TAG_BLOCKQUOTE: case GUMBO_TAG_PRE:
	case GUMBO_TAG_UL: case GUMBO_TAG_OL: case GUMBO_TAG_DL:
	case GUMBO_TAG_TABLE: case GUMBO_TAG_HR: case GUMBO_TAG_FIGURE:
		return 2;
	case GUMBO_TAG_ADDRESS: case GUMBO_TAG_ARTICLE: case GUMBO_TAG_BODY:
	case GUMBO_TAG_CENTER: case GUMBO_TAG_DD: case GUMBO_TAG_DETAILS:
	case GUMBO_TAG_DIR: case GUMBO_TAG_DIV: case GUMBO_TAG_DT:
	case GUMBO_TAG_FIELDSET: case GUMBO_TAG_FIGCAPTION:
	case GUMBO_TAG_HGROUP: case GUMBO_TAG_LI: case GUMBO_TAG_MAIN:
	case GUMBO_TAG_SECTION: case GUMBO_TAG_SUMMARY: case GUMBO_TAG_TR:
	case GUMBO_TAG_CAPTION: case GUMBO_TAG_LEGEND: case GUMBO_TAG_HTML:
	case GUMBO_TAG_TBODY: case GUMBO_TAG_THEAD: case GUMBO_TAG_TFOOT:
	case GUMBO_TAG_OPTION:
		return 1;
	default:
		return 0;
	}
}

/* ---- text writer ---- */

struct tw {
	struct mkt_buf *b;
	size_t start;   /* where this text began in b */
	int nl;         /* line breaks owed before the next text (0..2) */
	int sp;         /* a space owed */
	int pre;        /* inside pre: white space kept */
};

static void tw_break(struct tw *w, int k)
{
	if (w->b->len > w->start && k > w->nl)
		w->nl = k;
	w->sp = 0;
}

static void tw_owed(struct tw *w)
{
	if (w->b->len > w->start) {
		if (w->nl)
			mkt_buf_add(w->b, "\n\n", (size_t)w->nl);
		else if (w->sp)
			mkt_buf_addc(w->b, ' ');
	}
	w->nl = w->sp = 0;
}

/* Length of the valid UTF-8 sequence at s[0..n), or 0 if invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned c = s[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		return n >= 2 && (s[1] & 0xC0) == 0x80 ? 2 : 0;
	if (c >= 0xE0 && c <= 0xEF) {
		if (n < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
			return 0;
		if ((c == 0xE0 && s[1] < 0xA0) || (c == 0xED && s[1] > 0x9F))
			return 0;
		return 3;
	}
	if (c >= 0xF0 && c <= 0xF4) {
		if (n < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 ||
		    (s[3] & 0xC0) != 0x80)
			return 0;
		if ((c == 0xF0 && s[1] < 0x90) || (c == 0xF4 && s[1] > 0x8F))
			return 0;
		return 4;
	}
	return 0;
}

/* Length of the valid UTF-8 sequence at s[0..n) other than a no-break
 * space (which is white space here), or 0. */
static size_t utf8_text_len(const unsigned char *s, size_t n)
{
	if (s[0] == 0xC2 && n >= 2 && s[1] == 0xA0)
		return 0;
	return utf8_len(s, n);
}

/* Length of the run at s[0..n) that is written as it is: printable ASCII
 * and valid UTF-8 (no-break space aside), with single spaces inside. */
static size_t plain_run(const unsigned char *s, size_t n)
{
	size_t i = 0, k;

	while (i < n) {
		unsigned c = s[i];
		if (c > 0x20 && c < 0x7F) {
			i++;
		} else if (c == ' ' && i > 0 && i + 1 < n && s[i + 1] > 0x20 && s[i + 1] < 0x7F) {
			i += 2;
		} else if (c >= 0x80 && (k = utf8_text_len(s + i, n - i))) {
			i += k;
		} else if (c == ' ' && i > 0 && i + 1 < n && s[i + 1] >= 0x80 &&
		    (k = utf8_text_len(s + i + 1, n - i - 1))) {
			i += 1 + k;
		} else {
			break;
		}
	}
	return i;
}

/* Append text, white space collapsed (or kept in pre), invalid UTF-8 and
 * control characters replaced. Runs of ordinary text are copied whole. */
static void tw_text(struct tw *w, const char *text, size_t n)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t i = 0;

	while (i < n) {
		unsigned c = s[i];
		size_t k = plain_run(s + i, n - i);
		if (k) {
			tw_owed(w);
			mkt_buf_add(w->b, s + i, k);
			i += k;
			continue;
		}
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
		    (c == 0xC2 && i + 1 < n && s[i + 1] == 0xA0)) {
			if (w->pre && c != 0xC2) {
				if (c == '\n') {
					tw_owed(w);
					mkt_buf_addc(w->b, '\n');
				} else if (c != '\r') {
					tw_owed(w);
					mkt_buf_addc(w->b, (char)c);
				}
			} else if (w->b->len > w->start && w->b->p[w->b->len - 1] != '\n') {
				w->sp = 1;
			}
			i += c == 0xC2 ? 2 : 1;
			continue;
		}
		tw_owed(w);
		if (c >= 0x80) {
			/* not valid UTF-8: the run would have taken it */
			mkt_buf_add(w->b, "\xEF\xBF\xBD", 3);
		}
		i++; /* other control characters are dropped */
	}
}

/* ---- text of a subtree ---- */

void text_of(const GumboNode *node, const struct text_opts *o,
    struct mkt_buf *out)
{
	struct stack *s = &walk_st;
	size_t base = s->n;
	struct tw w = { out, out->len, 0, 0, 0 };
	static struct mkt_buf url = MKT_BUF_INIT;  /* reused: no allocation per call */

	st_push(s, node);
	while (s->n > base) {
		struct frame *f = &s->f[s->n - 1];
		const GumboVector *ch = el_children(f->n);
		const GumboNode *c;
		if (!ch || f->i >= ch->length) {
			/* leaving an element */
			const GumboNode *e = f->n;
			s->n--;
			if (!el_is(e))
				continue;
			if (block_kind(e->v.element.tag))
				tw_break(&w, block_kind(e->v.element.tag));
			if (e->v.element.tag == GUMBO_TAG_PRE)
				w.pre = (int)f->acc[0];
			else if (e->v.element.tag == GUMBO_TAG_TD ||
			    e->v.element.tag == GUMBO_TAG_TH)
				w.sp = w.b->len > w.start;
			else if (e->v.element.tag == GUMBO_TAG_A && o->links) {
				const char *h = el_attr(e, "href");
				if (h && *h && *h != '#' && strncasecmp(h, "javascript:", 11)) {
					mkt_buf_reset(&url);
					url_resolve(o->base, h, strlen(h), &url);
					w.sp = w.b->len > w.start;
					tw_text(&w, "<", 1);
					w.sp = 0;
					tw_text(&w, url.p, url.len);
					mkt_buf_addc(w.b, '>');
				}
			}
			continue;
		}
		c = ch->data[f->i++];
		if (c->type == GUMBO_NODE_TEXT || c->type == GUMBO_NODE_WHITESPACE ||
		    c->type == GUMBO_NODE_CDATA) {
			tw_text(&w, c->v.text.text, strlen(c->v.text.text));
			continue;
		}
		if (!el_is(c) || el_dropped(c, !o->keep_forms))
			continue;
		if (o->skip && o->skip(c))
			continue;
		if (c->v.element.tag == GUMBO_TAG_BR) {
			tw_owed(&w);
			/* at most one blank line from a run of br */
			if (w.b->len > w.start && !(w.b->len >= w.start + 2 &&
			    w.b->p[w.b->len - 1] == '\n' && w.b->p[w.b->len - 2] == '\n'))
				mkt_buf_addc(w.b, '\n');
			continue;
		}
		if (block_kind(c->v.element.tag))
			tw_break(&w, block_kind(c->v.element.tag));
		f = st_push(s, c);
		if (c->v.element.tag == GUMBO_TAG_PRE) {
			f->acc[0] = (uint32_t)w.pre;
			w.pre = 1;
		}
	}
}
