/* SPDX-License-Identifier: MIT */
/* extract.c -- html2text's work on a gumbo tree: parsing with a tracked
 * allocator, selector matching, readable text, and the main content
 * block of an article page. Every walk of the tree uses an explicit
 * stack, so a deep tree costs heap, never C stack. */
#include <err.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "extract.h"

/* ---- parsing with a tracked allocator ---- */

/* A header before each block gumbo asks for; 32 bytes keep the block
 * 16-byte aligned. */
struct blk {
	struct blk *prev, *next;
	size_t size;
	size_t pad;
};

static void *doc_alloc(void *ud, size_t size)
{
	struct doc *d = ud;
	struct blk *b = malloc(sizeof(*b) + size);

	if (!b)
		err(1, "out of memory parsing HTML");
	b->size = size;
	b->prev = NULL;
	b->next = d->blocks;
	if (b->next)
		b->next->prev = b;
	d->blocks = b;
	d->bytes += size;
	return b + 1;
}

static void doc_dealloc(void *ud, void *p)
{
	struct doc *d = ud;
	struct blk *b;

	if (!p)
		return;
	b = (struct blk *)p - 1;
	if (b->prev)
		b->prev->next = b->next;
	else
		d->blocks = b->next;
	if (b->next)
		b->next->prev = b->prev;
	d->bytes -= b->size;
	free(b);
}

int doc_parse(struct doc *d, const char *html, size_t n)
{
	GumboOptions o = kGumboDefaultOptions;

	memset(d, 0, sizeof(*d));
	o.allocator = doc_alloc;
	o.deallocator = doc_dealloc;
	o.userdata = d;
	o.max_errors = 0; /* parse errors are not kept: they cost memory */
	d->out = gumbo_parse_with_options(&o, html, n);
	return d->out ? 0 : -1;
}

/* Frees every block still allocated: the tree, without walking it. */
void doc_free(struct doc *d)
{
	struct blk *b = d->blocks, *nx;

	for (; b; b = nx) {
		nx = b->next;
		free(b);
	}
	memset(d, 0, sizeof(*d));
}

/* ---- a reusable explicit stack for walks ---- */

struct frame {
	const GumboNode *n;
	unsigned i;        /* next child to visit */
	uint32_t acc[4];   /* per-walk accumulators */
};

struct stack {
	struct frame *f;
	size_t n, cap;
};

static struct frame *st_push(struct stack *s, const GumboNode *n)
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

static const GumboVector *children(const GumboNode *n)
{
	if (n->type == GUMBO_NODE_ELEMENT || n->type == GUMBO_NODE_TEMPLATE)
		return &n->v.element.children;
	if (n->type == GUMBO_NODE_DOCUMENT)
		return &n->v.document.children;
	return NULL;
}

static int is_el(const GumboNode *n)
{
	return n->type == GUMBO_NODE_ELEMENT || n->type == GUMBO_NODE_TEMPLATE;
}

static const char *attr(const GumboNode *n, const char *name)
{
	const GumboAttribute *a;

	if (!is_el(n))
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

	if (!is_el(n))
		return 0;
	if (c->tag && !tag_is(n, c))
		return 0;
	if (c->id && (!(v = attr(n, "id")) || strcmp(v, c->id)))
		return 0;
	if (c->nclass) {
		if (!(v = attr(n, "class")))
			return 0;
		for (k = 0; k < c->nclass; k++)
			if (!has_word(v, c->classes[k]))
				return 0;
	}
	for (k = 0; k < c->nattr; k++) {
		const struct sel_attr *a = &c->attrs[k];
		if (!(v = attr(n, a->name)))
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
		return a && is_el(a) && complex_match(x, idx - 1, a);
	}
	for (a = n->parent; a && is_el(a); a = a->parent)
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

static struct stack walk_st;

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
		const GumboVector *ch = children(f->n);
		const GumboNode *c;
		int rc;
		if (!ch || f->i >= ch->length) {
			s->n--;
			continue;
		}
		c = ch->data[f->i++];
		if (!is_el(c))
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

	if (c->v.element.tag == GUMBO_TAG_BASE && (*href = attr(c, "href")))
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

/* Elements whose content is never text for a reader. */
static int dropped_tag(GumboTag t)
{
	switch (t) {
	case GUMBO_TAG_HEAD: case GUMBO_TAG_SCRIPT: case GUMBO_TAG_STYLE:
	case GUMBO_TAG_NOSCRIPT: case GUMBO_TAG_TEMPLATE: case GUMBO_TAG_NAV:
	case GUMBO_TAG_HEADER: case GUMBO_TAG_FOOTER: case GUMBO_TAG_ASIDE:
	case GUMBO_TAG_FORM: case GUMBO_TAG_BUTTON: case GUMBO_TAG_SELECT:
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

static int hidden(const GumboNode *n)
{
	const char *v;

	if (attr(n, "hidden"))
		return 1;
	if ((v = attr(n, "aria-hidden")) && !strcasecmp(v, "true"))
		return 1;
	if ((v = attr(n, "style"))) {
		/* display:none, with any spacing */
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
	}
	if ((v = attr(n, "role")) && (!strcasecmp(v, "navigation") ||
	    !strcasecmp(v, "banner") || !strcasecmp(v, "contentinfo") ||
	    !strcasecmp(v, "complementary") || !strcasecmp(v, "search") ||
	    !strcasecmp(v, "dialog") || !strcasecmp(v, "menu")))
		return 1;
	return 0;
}

static int dropped(const GumboNode *n)
{
	return dropped_tag(n->v.element.tag) || hidden(n);
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

/* Append text, white space collapsed (or kept in pre), invalid UTF-8 and
 * control characters replaced. */
static void tw_text(struct tw *w, const char *text, size_t n)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t i = 0;

	while (i < n) {
		unsigned c = s[i];
		size_t k;
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
		k = utf8_len(s + i, n - i);
		if (k == 0) {
			mkt_buf_add(w->b, "\xEF\xBF\xBD", 3);
			i++;
		} else if (k == 1 && (c < 0x20 || c == 0x7F)) {
			i++; /* other control characters are dropped */
		} else {
			mkt_buf_add(w->b, s + i, k);
			i += k;
		}
	}
}

/* ---- main-content statistics ----
 * gumbo's parse_flags of each element are not used by html2text: the
 * main-content pass numbers elements through that field (index + 1 into
 * the statistics array below). */

struct nstat {
	const GumboNode *node;
	uint32_t tlen;     /* visible text bytes, white space collapsed */
	uint32_t llen;     /* of which inside links */
	uint32_t commas;
	uint32_t alnum;    /* letters and digits (bytes of non-ASCII count) */
	uint32_t np;       /* p elements below with some text */
	uint32_t nli;
	uint32_t nblock;   /* block children (div, p, table, lists, ...) */
	float score;
	int8_t weight;     /* class/id weight: -25, 0 or 25 (or their sum) */
	uint8_t scored;    /* has a content score */
	uint8_t junk;      /* boilerplate: left out of the content */
};

static struct nstat *stats;
static size_t nstats, capstats;

static struct nstat *st_of(const GumboNode *n)
{
	unsigned ix = (unsigned)n->parse_flags;

	return ix && ix <= nstats && stats[ix - 1].node == n ? &stats[ix - 1] : NULL;
}

static int tok_in(const char *t, size_t n, const char *const *list, int prefix)
{
	for (; *list; list++) {
		size_t l = strlen(*list);
		if (prefix ? (n >= l && !memcmp(t, *list, l)) : (n == l && !memcmp(t, *list, l)))
			return 1;
	}
	return 0;
}

static const char *const neg_exact[] = {
	"ad", "ads", "adv", "banner", "byline", "caption", "community",
	"contact", "disqus", "footer", "footnote", "gdpr", "masthead", "menu",
	"meta", "modal", "outbrain", "popup", "popular", "rail", "related",
	"sidebar", "signup", "skyscraper", "social", "tags", "tag", "taboola",
	"toolbar", "tools", "trending", "hidden", "sharing", "credit",
	"credits", "dateline", "timestamp", "author", "bio", "most",
	"more", "recommended", "newsletter", "breaking", "ticker", "cookie",
	"cookies", "consent", "widget", "video",
	"player", "gallery", "slideshow", "teaser", "teasers",
	"card", "cards", "headline", "headlines", "subscribe", "subscription",
	"header", "time", "date", "published", "updated", "disclaimer",
	"masthead", "topbar", NULL,
};
static const char *const neg_prefix[] = {
	"advert", "breadcrumb", "comment", "navbar", "navigation", "nav",
	"newsletter", "promo", "recirc", "recommend", "share", "sponsor",
	"subscri", "widget", "social", "related", "footer", "sidebar",
	"adslot", "adunit", "adcontainer", "adwrap", "outbrain", "taboola",
	"jump", "pagination", "headline", NULL,
};
/* boilerplate even inside a block marked as content */
static const char *const strong_prefix[] = {
	"share", "social", "related", "newsletter", "comment", "promo", "advert",
	"sponsor", "recommend", "recirc", "outbrain", "taboola", "trending",
	"subscri", "signup", "caption", "adslot", "adunit", "adcontainer",
	"adwrap", "breadcrumb", "byline", NULL,
};
static const char *const strong_exact[] = { "ad", "ads", "adv", NULL };
static const char *const pos_prefix[] = {
	"article", "body", "content", "entry", "hentry", "main", "post",
	"story", "text", "blog", "paragraph", "prose", NULL,
};

enum { CW_POS = 1, CW_NEG = 2, CW_STRONG = 4 };

/* Class and id words after the article extractors: CW_POS for a word that
 * marks content, CW_NEG for one that marks boilerplate, CW_STRONG for one
 * that marks boilerplate even in a content block (share bars, related
 * links, ads). Where both kinds occur, the last word decides. The attribute values are cut into lower-case words at
 * anything not a letter or digit, and at camelCase humps. */
static int class_weight(const GumboNode *n)
{
	const char *vals[2] = { attr(n, "class"), attr(n, "id") };
	int pos = 0, neg = 0, strong = 0, last = 0, v;
	char t[32];

	for (v = 0; v < 2; v++) {
		const char *p = vals[v];
		size_t k = 0;
		if (!p)
			continue;
		for (;; p++) {
			unsigned char c = (unsigned char)*p;
			int alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
			int upper = c >= 'A' && c <= 'Z';
			if ((alnum || (upper && !(k > 0 && t[k - 1] >= 'a' && t[k - 1] <= 'z'))) ) {
				if (k < sizeof(t))
					t[k++] = (char)(upper ? c + 32 : c);
				continue;
			}
			if (k && k < sizeof(t)) {
				if (tok_in(t, k, strong_prefix, 1) || tok_in(t, k, strong_exact, 0))
					strong = neg = 1, last = -1;
				else if (tok_in(t, k, pos_prefix, 1))
					pos = 1, last = 1;
				else if (tok_in(t, k, neg_exact, 0) || tok_in(t, k, neg_prefix, 1))
					neg = 1, last = -1;
			}
			k = 0;
			if (upper) {
				t[k++] = (char)(c + 32);
				continue;
			}
			if (!c)
				break;
		}
	}
	/* both kinds: the later word is the more specific one
	 * ("article-header", "post-meta" against "header-article-body") */
	if (pos && neg) {
		if (last < 0)
			pos = 0;
		else
			neg = 0;
	}
	return (pos ? CW_POS : 0) | (neg ? CW_NEG : 0) | (strong ? CW_STRONG : 0);
}

static int is_blockish(GumboTag t)
{
	switch (t) {
	case GUMBO_TAG_P: case GUMBO_TAG_DIV: case GUMBO_TAG_TABLE:
	case GUMBO_TAG_UL: case GUMBO_TAG_OL: case GUMBO_TAG_DL:
	case GUMBO_TAG_SECTION: case GUMBO_TAG_ARTICLE: case GUMBO_TAG_BLOCKQUOTE:
	case GUMBO_TAG_PRE: case GUMBO_TAG_FIGURE: case GUMBO_TAG_H1:
	case GUMBO_TAG_H2: case GUMBO_TAG_H3: case GUMBO_TAG_H4:
	case GUMBO_TAG_H5: case GUMBO_TAG_H6: case GUMBO_TAG_MAIN:
		return 1;
	default:
		return 0;
	}
}

/* Boilerplate at any size: a boilerplate class or id and no content one
 * (or a strong boilerplate word), or an element that is never article
 * text. body, html, main and article elements are never junk here. */
static int junk_el(const GumboNode *n, int cw)
{
	GumboTag t = n->v.element.tag;

	if (t == GUMBO_TAG_BODY || t == GUMBO_TAG_HTML || t == GUMBO_TAG_MAIN ||
	    t == GUMBO_TAG_ARTICLE)
		return 0;
	if (t == GUMBO_TAG_FIGURE || t == GUMBO_TAG_FIGCAPTION)
		return 1;
	return (cw & CW_STRONG) || ((cw & CW_NEG) && !(cw & CW_POS));
}

static uint32_t count_text(const char *s, size_t n, uint32_t *commas,
    uint32_t *alnum, int *ws)
{
	uint32_t len = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
			if (!*ws)
				len++;
			*ws = 1;
		} else {
			if (c == ',')
				(*commas)++;
			else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')
				(*alnum)++;
			else if ((c >= '0' && c <= '9') || c >= 0x80)
				(*alnum)++;
			len++;
			*ws = 0;
		}
	}
	return len;
}

/* Number the elements and gather statistics bottom-up. */
static void gather(const GumboNode *root)
{
	struct stack *s = &walk_st;
	size_t base = s->n;
	int ws = 1, cw;

	nstats = 0;
	st_push(s, root);
	while (s->n > base) {
		struct frame *f = &s->f[s->n - 1];
		const GumboVector *ch = children(f->n);
		const GumboNode *c;
		if (!ch || f->i >= ch->length) {
			/* leaving f->n: fold its statistics into its parent */
			struct nstat *me = is_el(f->n) ? st_of(f->n) : NULL;
			s->n--;
			if (me && s->n > base) {
				struct nstat *up = st_of(s->f[s->n - 1].n);
				if (up) {
					up->tlen += me->tlen;
					up->llen += me->llen;
					up->commas += me->commas;
					up->alnum += me->alnum;
					up->np += me->np + (f->n->v.element.tag == GUMBO_TAG_P && me->tlen > 0);
					up->nli += me->nli + (f->n->v.element.tag == GUMBO_TAG_LI);
					up->nblock += is_blockish(f->n->v.element.tag);
				}
			}
			continue;
		}
		c = ch->data[f->i++];
		if (c->type == GUMBO_NODE_TEXT || c->type == GUMBO_NODE_WHITESPACE ||
		    c->type == GUMBO_NODE_CDATA) {
			struct nstat *up = is_el(f->n) ? st_of(f->n) : NULL;
			uint32_t cm = 0, an = 0, l;
			const GumboNode *a;
			if (!up)
				continue;
			l = count_text(c->v.text.text, strlen(c->v.text.text), &cm, &an, &ws);
			up->tlen += l;
			up->alnum += an;
			up->commas += cm;
			for (a = f->n; a && is_el(a); a = a->parent)
				if (a->v.element.tag == GUMBO_TAG_A) {
					up->llen += l;
					break;
				} else if (is_blockish(a->v.element.tag)) {
					break;
				}
			continue;
		}
		if (!is_el(c))
			continue;
		((GumboNode *)c)->parse_flags = 0;
		if (dropped(c))
			continue;
		if (nstats == capstats) {
			size_t nc = capstats ? capstats * 2 : 1024;
			struct nstat *q = realloc(stats, nc * sizeof(*q));
			if (!q)
				err(1, "out of memory");
			stats = q;
			capstats = nc;
		}
		memset(&stats[nstats], 0, sizeof(stats[0]));
		stats[nstats].node = c;
		cw = class_weight(c);
		stats[nstats].weight = (int8_t)((cw & CW_POS ? 25 : 0) - (cw & CW_NEG ? 25 : 0));
		stats[nstats].junk = (uint8_t)junk_el(c, cw);
		((GumboNode *)c)->parse_flags = (GumboParseFlags)(++nstats);
		if (stats[nstats - 1].junk)
			continue; /* junk gives nothing to its ancestors */
		st_push(s, c);
	}
}

static float tag_score(GumboTag t)
{
	switch (t) {
	case GUMBO_TAG_DIV: return 5;
	case GUMBO_TAG_ARTICLE: return 10;
	case GUMBO_TAG_MAIN: case GUMBO_TAG_SECTION: return 3;
	case GUMBO_TAG_PRE: case GUMBO_TAG_TD: case GUMBO_TAG_BLOCKQUOTE: return 3;
	case GUMBO_TAG_ADDRESS: case GUMBO_TAG_OL: case GUMBO_TAG_UL:
	case GUMBO_TAG_DL: case GUMBO_TAG_DD: case GUMBO_TAG_DT:
	case GUMBO_TAG_LI: case GUMBO_TAG_FORM: return -3;
	case GUMBO_TAG_H1: case GUMBO_TAG_H2: case GUMBO_TAG_H3:
	case GUMBO_TAG_H4: case GUMBO_TAG_H5: case GUMBO_TAG_H6:
	case GUMBO_TAG_TH: return -5;
	default: return 0;
	}
}

static float link_density(const struct nstat *s)
{
	return s->tlen ? (float)s->llen / (float)s->tlen : 0;
}

/* Score paragraphs into their ancestors (parent fully, grandparent a
 * half, further up a third of the level), and return the best candidate. */
static const GumboNode *score_all(const GumboNode *root, float *best_score)
{
	struct stack *s = &walk_st;
	size_t base = s->n;
	const GumboNode *best = NULL;
	float bs = 0;

	st_push(s, root);
	while (s->n > base) {
		struct frame *f = &s->f[s->n - 1];
		const GumboVector *ch = children(f->n);
		const GumboNode *c, *a;
		struct nstat *cs;
		GumboTag t;
		int level;
		float sc;
		if (!ch || f->i >= ch->length) {
			s->n--;
			continue;
		}
		c = ch->data[f->i++];
		if (!is_el(c) || !(cs = st_of(c)) || cs->junk)
			continue;
		st_push(s, c);
		t = c->v.element.tag;
		if (!(t == GUMBO_TAG_P || t == GUMBO_TAG_PRE || t == GUMBO_TAG_TD ||
		    ((t == GUMBO_TAG_DIV || t == GUMBO_TAG_SECTION) && cs->nblock == 0)))
			continue;
		if (cs->tlen < 25 || link_density(cs) > 0.5f)
			continue;
		sc = 1 + (float)cs->commas + (cs->tlen / 100 < 3 ? (float)(cs->tlen / 100) : 3);
		for (a = c->parent, level = 0; a && is_el(a) && level < 5; a = a->parent, level++) {
			struct nstat *as = st_of(a);
			if (!as)
				break;
			if (!as->scored) {
				as->scored = 1;
				as->score = tag_score(a->v.element.tag) + as->weight;
			}
			as->score += level == 0 ? sc : level == 1 ? sc / 2 : sc / (float)(level * 3);
		}
	}
	/* final scores: scaled by how much of the text is not links */
	st_push(s, root);
	while (s->n > base) {
		struct frame *f = &s->f[s->n - 1];
		const GumboVector *ch = children(f->n);
		const GumboNode *c;
		struct nstat *cs;
		if (!ch || f->i >= ch->length) {
			s->n--;
			continue;
		}
		c = ch->data[f->i++];
		if (!is_el(c) || !(cs = st_of(c)) || cs->junk)
			continue;
		st_push(s, c);
		if (!cs->scored)
			continue;
		cs->score *= 1 - link_density(cs);
		if (!best || cs->score > bs) {
			best = c;
			bs = cs->score;
		}
	}
	*best_score = bs;
	return best;
}

static const char *const filler[] = {
	"advertisement", "ad", "ads", "sponsored", "sponsored content",
	"story continues below", "story continues below advertisement",
	"scroll to continue", "advertisement scroll to continue",
	"continue reading", "read more", "skip advertisement", NULL,
};

/* Whether a short block says only "Advertisement" or the like: its
 * letters, lower-cased, with single spaces, are one of filler[]. */
static int filler_text(const GumboNode *n)
{
	static struct mkt_buf t = MKT_BUF_INIT;
	struct text_opts o = { 0, NULL, 0 };
	char w[64];
	size_t i, k = 0;
	const char *const *f;

	mkt_buf_reset(&t);
	text_of(n, &o, &t);
	for (i = 0; i < t.len && k < sizeof(w) - 1; i++) {
		unsigned char c = (unsigned char)t.p[i];
		if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')
			w[k++] = (char)(c | 0x20);
		else if (k && w[k - 1] != ' ')
			w[k++] = ' ';
	}
	while (k && w[k - 1] == ' ')
		k--;
	w[k] = '\0';
	for (f = filler; *f; f++)
		if (!strcmp(w, *f))
			return 1;
	return 0;
}

/* Whether element n inside the content block is left out of it. */
static int content_junk(const GumboNode *n)
{
	const struct nstat *s = st_of(n);
	GumboTag t = n->v.element.tag;
	float ld;

	if (!s)
		return 1;
	if (s->junk || t == GUMBO_TAG_H1)
		return 1;
	if (s->alnum == 0 && t != GUMBO_TAG_BR && t != GUMBO_TAG_HR && t != GUMBO_TAG_IMG)
		return 1;
	if (s->tlen < 48 && (t == GUMBO_TAG_P || t == GUMBO_TAG_DIV ||
	    t == GUMBO_TAG_SPAN || t == GUMBO_TAG_SECTION) && filler_text(n))
		return 1;
	ld = link_density(s);
	switch (t) {
	case GUMBO_TAG_P:
		return s->tlen > 0 && ld > 0.5f;
	case GUMBO_TAG_UL: case GUMBO_TAG_OL:
		return s->commas < 10 && ld > 0.5f;
	case GUMBO_TAG_DIV: case GUMBO_TAG_SECTION: case GUMBO_TAG_TABLE:
	case GUMBO_TAG_DL:
		if (s->weight < 0)
			return 1;
		if (s->commas >= 10)
			return 0;
		if (s->nli > s->np + 2 && s->np == 0 && ld > 0.2f)
			return 1;
		if (s->weight < 25 && ld > 0.33f)
			return 1;
		if (s->weight >= 25 && ld > 0.5f)
			return 1;
		return 0;
	default:
		return 0;
	}
}

/* ---- text of a subtree ---- */

void text_of(const GumboNode *node, const struct text_opts *o,
    struct mkt_buf *out)
{
	struct stack *s = &walk_st;
	size_t base = s->n;
	struct tw w = { out, out->len, 0, 0, 0 };
	struct mkt_buf url = MKT_BUF_INIT;

	st_push(s, node);
	while (s->n > base) {
		struct frame *f = &s->f[s->n - 1];
		const GumboVector *ch = children(f->n);
		const GumboNode *c;
		if (!ch || f->i >= ch->length) {
			/* leaving an element */
			const GumboNode *e = f->n;
			s->n--;
			if (!is_el(e))
				continue;
			if (block_kind(e->v.element.tag))
				tw_break(&w, block_kind(e->v.element.tag));
			if (e->v.element.tag == GUMBO_TAG_PRE)
				w.pre = (int)f->acc[0];
			else if (e->v.element.tag == GUMBO_TAG_TD || e->v.element.tag == GUMBO_TAG_TH)
				w.sp = w.b->len > w.start;
			else if (e->v.element.tag == GUMBO_TAG_A && o->links) {
				const char *h = attr(e, "href");
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
		if (!is_el(c) || dropped(c))
			continue;
		if (o->cleanup && content_junk(c))
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
	mkt_buf_free(&url);
}

/* ---- main content ---- */

static int ends_sentence(const GumboNode *n)
{
	/* the last text of n ends in '.', '!' or '?' (quotes allowed) */
	const GumboNode *c = n;

	for (;;) {
		const GumboVector *ch = children(c);
		if (!ch || !ch->length)
			break;
		c = ch->data[ch->length - 1];
	}
	if (c->type == GUMBO_NODE_TEXT) {
		const char *t = c->v.text.text;
		size_t l = strlen(t);
		while (l && (t[l - 1] == ' ' || t[l - 1] == '\n' || t[l - 1] == '"'))
			l--;
		return l && (t[l - 1] == '.' || t[l - 1] == '!' || t[l - 1] == '?');
	}
	return 0;
}

int main_text(const GumboNode *root, const struct text_opts *o,
    struct mkt_buf *out)
{
	struct text_opts to = *o;
	const GumboNode *top, *parent;
	struct nstat *ts;
	float bs, thr;
	unsigned i;

	gather(root);
	top = score_all(root, &bs);
	if (!top || !(ts = st_of(top))) {
		to.cleanup = 0;
		text_of(root, &to, out);
		return -1;
	}
	/* climb while the parent holds the content more fully */
	for (parent = top->parent; parent && is_el(parent) &&
	    parent->v.element.tag != GUMBO_TAG_BODY; parent = parent->parent) {
		struct nstat *ps = st_of(parent);
		if (!ps)
			break;
		if (ps->scored && ps->score > bs) {
			top = parent;
			bs = ps->score;
			ts = ps;
			continue;
		}
		if (ps->np > ts->np * 2 && ps->scored && ps->score > bs * 0.75f) {
			top = parent;
			ts = ps;
			continue;
		}
		break;
	}
	/* descend while one child holds most of the text and what is left
	 * beside it is mostly links (a layout table cell, a wrapper) */
	for (;;) {
		const GumboNode *into = NULL;
		for (i = 0; i < top->v.element.children.length; i++) {
			const GumboNode *c = top->v.element.children.data[i];
			struct nstat *cs;
			uint32_t rest, rlinks;
			if (!is_el(c) || !(cs = st_of(c)) || cs->junk)
				continue;
			if (cs->tlen * 10 < ts->tlen * 6)
				continue;
			rest = ts->tlen - cs->tlen;
			rlinks = ts->llen - cs->llen;
			if (rest == 0 || rlinks * 2 > rest)
				into = c;
			break;
		}
		if (!into)
			break;
		top = into;
		ts = st_of(into);
		if (ts->scored && ts->score > 0)
			bs = ts->score;
	}
	to.cleanup = 1;
	parent = top->parent;
	if (!parent || !is_el(parent)) {
		text_of(top, &to, out);
		return 0;
	}
	/* the top candidate and its siblings that look like content too */
	thr = bs * 0.2f > 10 ? bs * 0.2f : 10;
	for (i = 0; i < parent->v.element.children.length; i++) {
		const GumboNode *c = parent->v.element.children.data[i];
		struct nstat *cs;
		int take = 0;
		if (!is_el(c) || !(cs = st_of(c)) || cs->junk)
			continue;
		if (c == top) {
			take = 1;
		} else if (cs->scored && cs->score >= thr) {
			take = 1;
		} else if (c->v.element.tag == GUMBO_TAG_P) {
			float ld = link_density(cs);
			if (cs->tlen > 80 && ld < 0.25f)
				take = 1;
			else if (cs->tlen > 0 && ld == 0 && ends_sentence(c))
				take = 1;
		}
		if (!take)
			continue;
		if (out->len)
			mkt_buf_add(out, "\n\n", 2);
		text_of(c, &to, out);
		while (out->len && out->p[out->len - 1] == '\n')
			out->p[--out->len] = '\0';
	}
	return 0;
}
