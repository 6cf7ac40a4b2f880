/* SPDX-License-Identifier: MIT */
/* article.c -- html2text --main: the article body of a page, found the
 * way readability-style extractors find it. */
/*
 * 1. Gather. One walk numbers the elements that may hold content and sums
 *    up what each holds: visible text, text inside links, commas,
 *    paragraphs, children with text, and the text of its own inline runs
 *    (text not inside a block child). Left out with all they hold:
 *    figures, elements whose class or id words mark boilerplate, and
 *    blocks opened by a heading such as "Comments (30)" or "Most read".
 * 2. Score. Every paragraph -- p, pre, a td or block element with no
 *    block inside, or the inline runs of a block -- of 25 characters or
 *    more and mostly not links gives 1 + its commas + one per 100
 *    characters (up to 3) to the element holding it, half to the one
 *    above, and a third of the level to the three above that. Wrappers
 *    holding nothing but the paragraph belong to it: the first holder is
 *    the element above them, so a paragraph wrapped in two divs counts as
 *    one standing in the body. A holder starts from a score by tag and by
 *    its class words; final scores are scaled by the share of text that
 *    is not links.
 * 3. Pick. The best element. When three of the four next best score
 *    close to it, the deepest element below it holding three of them, or
 *    else the ancestor holding three (paragraphs split into columns);
 *    otherwise up the chain to a parent that scores better than the one
 *    below it. Then the child holding most of the text where the rest is
 *    links (a layout table's cell), and the wrappers around it. Its
 *    siblings join when their paragraphs score a fifth of its own and
 *    they are mostly not links, or when they are paragraphs of prose (a
 *    body split in two by a paywall wrapper).
 * 4. Write the text of those, leaving out what inside them is
 *    boilerplate: class words, figures, link lists, forms, filler such as
 *    "Advertisement".
 * A result under 500 characters is taken for a miss (a page-wide wrapper
 * named "has-sidebar" thrown out with the boilerplate): the page is tried
 * again with strong class words only, then with none, and the longest
 * result is kept.
 *
 * gumbo's parse_flags of an element are not used by html2text: this file
 * numbers elements through that field (index + 1 into stats[]).
 */
#include <err.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "extract.h"

/* ---- statistics of an element ---- */

struct nstat {
	const GumboNode *node;
	uint32_t tlen;      /* visible text bytes, white space runs as one */
	uint32_t llen;      /* of which inside links */
	uint32_t commas;
	uint32_t alnum;     /* letters and digits (bytes of non-ASCII count) */
	uint32_t itext;     /* own inline runs: text not inside a block child */
	uint32_t ilinks;    /* of which inside links */
	uint32_t icommas;
	uint32_t np;        /* p elements below with some text */
	uint32_t nli;       /* li elements below */
	uint32_t nkids;     /* element children with some text */
	float score;        /* by tag, class words and paragraphs */
	float para;         /* of which from paragraphs */
	int8_t weight;      /* class and id words: -25, 0 or 25 */
	uint8_t cw;         /* class and id words: CW_* bits */
	uint8_t bp;         /* boilerplate headings: BP_* bits */
	uint8_t hasblock;   /* a block element below */
	uint8_t scored;     /* has a content score */
	uint8_t junk;       /* boilerplate: left out with all it holds */
};

static struct nstat *stats;
static size_t nstats, capstats;

static struct nstat *st_of(const GumboNode *n)
{
	unsigned ix = (unsigned)n->parse_flags;

	return el_is(n) && ix && ix <= nstats && stats[ix - 1].node == n ?
	    &stats[ix - 1] : NULL;
}

static float link_density(const struct nstat *s)
{
	return s->tlen ? (float)s->llen / (float)s->tlen : 0;
}

static GumboTag tag_of(const GumboNode *n)
{
	return n->v.element.tag;
}

/* ---- class and id words ---- */

/* Words of class names and ids, in alphabetical order. Strong:
 * boilerplate even inside a block marked as content (share bars, related
 * links, ads). Unlikely: a block of boilerplate unless a content word
 * says otherwise (navigation, sidebars, footers). Weak: probably not
 * content, only scored down (meta data, cards, video). Content: the
 * article. A prefix word also matches the words it begins. */
enum { W_WEAK = 1, W_UNLIKELY, W_CONTENT, W_STRONG };

struct word {
	const char *w;
	uint8_t len, kind, prefix;
};

#define W(s, kind, prefix) { s, sizeof(s) - 1, kind, prefix }
static const struct word words[] = {
	W("ad", W_STRONG, 0),
	W("adcontainer", W_STRONG, 1),
	W("ads", W_STRONG, 0),
	W("adslot", W_STRONG, 1),
	W("adunit", W_STRONG, 1),
	W("adv", W_STRONG, 0),
	W("advert", W_STRONG, 1),
	W("adwrap", W_STRONG, 1),
	W("article", W_CONTENT, 1),
	W("author", W_WEAK, 0),
	W("banner", W_UNLIKELY, 0),
	W("bio", W_WEAK, 0),
	W("blog", W_CONTENT, 1),
	W("body", W_CONTENT, 1),
	W("breadcrumb", W_STRONG, 1),
	W("breaking", W_WEAK, 0),
	W("byline", W_STRONG, 1),
	W("caption", W_STRONG, 1),
	W("card", W_WEAK, 0),
	W("cards", W_WEAK, 0),
	W("comment", W_STRONG, 1),
	W("community", W_UNLIKELY, 0),
	W("consent", W_UNLIKELY, 0),
	W("contact", W_WEAK, 0),
	W("content", W_CONTENT, 1),
	W("cookie", W_UNLIKELY, 0),
	W("cookies", W_UNLIKELY, 0),
	W("credit", W_WEAK, 0),
	W("credits", W_WEAK, 0),
	W("date", W_WEAK, 0),
	W("dateline", W_WEAK, 0),
	W("disclaimer", W_WEAK, 0),
	W("disqus", W_UNLIKELY, 0),
	W("entry", W_CONTENT, 1),
	W("footer", W_UNLIKELY, 1),
	W("footnote", W_WEAK, 0),
	W("gallery", W_WEAK, 0),
	W("gdpr", W_UNLIKELY, 0),
	W("header", W_UNLIKELY, 0),
	W("headline", W_WEAK, 1),
	W("hentry", W_CONTENT, 1),
	W("hidden", W_WEAK, 0),
	W("jump", W_WEAK, 1),
	W("main", W_CONTENT, 1),
	W("masthead", W_UNLIKELY, 0),
	W("menu", W_UNLIKELY, 0),
	W("meta", W_WEAK, 0),
	W("modal", W_UNLIKELY, 0),
	W("more", W_WEAK, 0),
	W("most", W_WEAK, 0),
	W("nav", W_UNLIKELY, 0),
	W("navbar", W_UNLIKELY, 1),
	W("navigation", W_UNLIKELY, 1),
	W("newsletter", W_STRONG, 1),
	W("outbrain", W_STRONG, 1),
	W("pager", W_UNLIKELY, 0),
	W("pagination", W_UNLIKELY, 1),
	W("paragraph", W_CONTENT, 1),
	W("player", W_WEAK, 0),
	W("popular", W_WEAK, 0),
	W("popup", W_UNLIKELY, 0),
	W("post", W_CONTENT, 1),
	W("promo", W_STRONG, 1),
	W("prose", W_CONTENT, 1),
	W("published", W_WEAK, 0),
	W("rail", W_WEAK, 0),
	W("recirc", W_STRONG, 1),
	W("recommend", W_STRONG, 1),
	W("related", W_STRONG, 1),
	W("share", W_STRONG, 1),
	W("sharing", W_UNLIKELY, 0),
	W("sidebar", W_UNLIKELY, 1),
	W("signup", W_STRONG, 1),
	W("skyscraper", W_UNLIKELY, 0),
	W("slideshow", W_WEAK, 0),
	W("social", W_STRONG, 1),
	W("sponsor", W_STRONG, 1),
	W("story", W_CONTENT, 1),
	W("subscribe", W_UNLIKELY, 0),
	W("subscription", W_UNLIKELY, 0),
	W("taboola", W_STRONG, 1),
	W("tags", W_WEAK, 0),
	W("teaser", W_WEAK, 0),
	W("teasers", W_WEAK, 0),
	W("text", W_CONTENT, 1),
	W("ticker", W_WEAK, 0),
	W("time", W_WEAK, 0),
	W("timestamp", W_WEAK, 0),
	W("toolbar", W_UNLIKELY, 0),
	W("tools", W_WEAK, 0),
	W("topbar", W_UNLIKELY, 0),
	W("trending", W_STRONG, 1),
	W("updated", W_WEAK, 0),
	W("video", W_WEAK, 0),
	W("widget", W_UNLIKELY, 1),
};
#undef W

#define NWORDS (sizeof(words) / sizeof(words[0]))

/* The kind of word t[0..n) (lower case), 0 for none; where several
 * entries match, the strongest (W_* order). */
static int word_kind(const char *t, size_t n)
{
	static uint8_t first[27];  /* entries of letter c: first[c]..first[c+1] */
	static int ready;
	size_t i;
	int k = 0;

	if (!ready) {
		int c = 0;
		for (i = 0; i <= NWORDS; i++)
			while (c <= 26 && (i == NWORDS || words[i].w[0] - 'a' >= c))
				first[c++] = (uint8_t)i;
		ready = 1;
	}
	if (t[0] < 'a' || t[0] > 'z')
		return 0;
	for (i = first[t[0] - 'a']; i < first[t[0] - 'a' + 1]; i++) {
		const struct word *e = &words[i];
		if ((e->prefix ? n >= e->len : n == e->len) && !memcmp(t, e->w, e->len) &&
		    e->kind > k)
			k = e->kind;
	}
	return k;
}

enum { CW_POS = 1, CW_NEG = 2, CW_UNLIKELY = 4, CW_STRONG = 8 };

/* The verdict of one class name (or the id), p[0..n): cut into
 * lower-case words at anything not a letter or digit and at camelCase
 * humps. A strong boilerplate word anywhere decides ("comment-content",
 * "related-body"); else where content and boilerplate words both occur
 * the last one decides ("article-header" against "header-article-body"). */
static int name_weight(const char *p, size_t n)
{
	int pos = 0, neg = 0, last = 0;
	char t[32];
	size_t i, k = 0;

	for (i = 0; i <= n; i++) {
		unsigned char c = i < n ? (unsigned char)p[i] : 0;
		int lower = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
		int upper = c >= 'A' && c <= 'Z';
		if (lower || (upper && !(k > 0 && t[k - 1] >= 'a' && t[k - 1] <= 'z'))) {
			if (k < sizeof(t))
				t[k++] = (char)(upper ? c + 32 : c);
			continue;
		}
		if (k && k < sizeof(t)) {
			switch (word_kind(t, k)) {
			case W_STRONG:
				return CW_NEG | CW_UNLIKELY | CW_STRONG;
			case W_CONTENT:
				pos = 1;
				last = CW_POS;
				break;
			case W_UNLIKELY:
				neg |= CW_NEG | CW_UNLIKELY;
				last = CW_NEG | CW_UNLIKELY;
				break;
			case W_WEAK:
				neg |= CW_NEG;
				last = CW_NEG;
				break;
			default:
				break;
			}
		}
		k = 0;
		if (upper)
			t[k++] = (char)(c + 32);
	}
	if (pos && neg)
		return last;
	return (pos ? CW_POS : 0) | neg;
}

/* The verdicts of the class names and the id of n, together. */
static int class_weight(const GumboNode *n)
{
	const char *cls = el_attr(n, "class"), *id = el_attr(n, "id");
	int w = 0;

	if (id && *id)
		w |= name_weight(id, strlen(id));
	while (cls && *cls) {
		size_t l;
		while (*cls == ' ' || *cls == '\t' || *cls == '\n' || *cls == '\r' || *cls == '\f')
			cls++;
		l = strcspn(cls, " \t\n\r\f");
		if (l)
			w |= name_weight(cls, l);
		cls += l;
	}
	return w;
}

/* ---- kinds of elements ---- */

/* Block-level elements: they end an inline run. */
static int block_tag(GumboTag t)
{
	switch (t) {
	case GUMBO_TAG_ADDRESS: case GUMBO_TAG_ARTICLE: case GUMBO_TAG_ASIDE:
	case GUMBO_TAG_BLOCKQUOTE: case GUMBO_TAG_BODY: case GUMBO_TAG_CENTER:
	case GUMBO_TAG_DD: case GUMBO_TAG_DETAILS:
	case GUMBO_TAG_DIR: case GUMBO_TAG_DIV: case GUMBO_TAG_DL:
	case GUMBO_TAG_DT: case GUMBO_TAG_FIELDSET: case GUMBO_TAG_FIGCAPTION:
	case GUMBO_TAG_FIGURE: case GUMBO_TAG_FOOTER: case GUMBO_TAG_FORM:
	case GUMBO_TAG_H1: case GUMBO_TAG_H2: case GUMBO_TAG_H3:
	case GUMBO_TAG_H4: case GUMBO_TAG_H5: case GUMBO_TAG_H6:
	case GUMBO_TAG_HEADER: case GUMBO_TAG_HGROUP: case GUMBO_TAG_HR:
	case GUMBO_TAG_HTML: case GUMBO_TAG_LI: case GUMBO_TAG_MAIN:
	case GUMBO_TAG_MENU: case GUMBO_TAG_NAV: case GUMBO_TAG_OL:
	case GUMBO_TAG_P: case GUMBO_TAG_PRE: case GUMBO_TAG_SECTION:
	case GUMBO_TAG_SUMMARY: case GUMBO_TAG_TABLE: case GUMBO_TAG_TBODY:
	case GUMBO_TAG_TD: case GUMBO_TAG_TFOOT: case GUMBO_TAG_TH:
	case GUMBO_TAG_THEAD: case GUMBO_TAG_TR: case GUMBO_TAG_UL:
	case GUMBO_TAG_CAPTION: case GUMBO_TAG_LEGEND: case GUMBO_TAG_OPTION:
		return 1;
	default:
		return 0;
	}
}

/* Elements that are a paragraph when no block is inside them. */
static int para_tag(GumboTag t)
{
	switch (t) {
	case GUMBO_TAG_P: case GUMBO_TAG_PRE: case GUMBO_TAG_TD:
	case GUMBO_TAG_DIV: case GUMBO_TAG_SECTION: case GUMBO_TAG_ARTICLE:
	case GUMBO_TAG_CENTER: case GUMBO_TAG_UNKNOWN:
		return 1;
	default:
		return 0;
	}
}

/* Elements a paragraph's wrappers never pass: what is above them holds
 * more than one paragraph's worth of structure. */
static int wrapper_tag(GumboTag t)
{
	switch (t) {
	case GUMBO_TAG_BODY: case GUMBO_TAG_HTML: case GUMBO_TAG_TD:
	case GUMBO_TAG_TH: case GUMBO_TAG_TR: case GUMBO_TAG_TBODY:
	case GUMBO_TAG_TABLE: case GUMBO_TAG_LI: case GUMBO_TAG_UL:
	case GUMBO_TAG_OL: case GUMBO_TAG_DL: case GUMBO_TAG_FORM:
		return 0;
	default:
		return 1;
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

/* How much class words count: not at all, strong words only, all. */
enum { CLASSES_NONE, CLASSES_STRONG, CLASSES_ALL };

/* Boilerplate at any size: a figure; by class words, a strong
 * boilerplate word, or an unlikely one and no content word. body, html,
 * main and article elements never are. */
static int junk_el(GumboTag t, int cw, int classes)
{
	if (t == GUMBO_TAG_BODY || t == GUMBO_TAG_HTML || t == GUMBO_TAG_MAIN ||
	    t == GUMBO_TAG_ARTICLE)
		return 0;
	if (t == GUMBO_TAG_FIGURE || t == GUMBO_TAG_FIGCAPTION)
		return 1;
	if (classes >= CLASSES_STRONG && (cw & CW_STRONG))
		return 1;
	return classes == CLASSES_ALL && (cw & CW_UNLIKELY) && !(cw & CW_POS);
}

/* The words of n's text into w (size wsize, NUL-terminated): its letters
 * in lower case, each run of anything else one space, no space at either
 * end, cut where w is full. For matching short texts against lists. */
static void words_of(const GumboNode *n, char *w, size_t wsize)
{
	static struct mkt_buf t = MKT_BUF_INIT;
	struct text_opts o = { 0, NULL, 0, NULL };
	size_t i, k = 0;

	mkt_buf_reset(&t);
	text_of(n, &o, &t);
	for (i = 0; i < t.len && k < wsize - 1; i++) {
		unsigned char c = (unsigned char)t.p[i];
		if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')
			w[k++] = (char)(c | 0x20);
		else if (k && w[k - 1] != ' ')
			w[k++] = ' ';
	}
	while (k && w[k - 1] == ' ')
		k--;
	w[k] = '\0';
}

/* ---- boilerplate headings ---- */

/* Headings that open a block of boilerplate rather than a part of the
 * article ("Comments (87)", "37 thoughts on ...", "More from Business",
 * "Most read"), in lower case, digits and punctuation left out: the
 * heading is one of these, or starts with one followed by a space. */
static const char *const bp_whole[] = {
	"comments", "comment", "reactions", "responses", "replies",
	"discussion", "conversation", "related", "popular", "trending",
	"recommended", "share", "share this", "sponsored", "promoted",
	"newsletter", NULL,
};
static const char *const bp_start[] = {
	"comments on", "responses to", "thoughts on", "replies to",
	"reader comments", "readers comments", "reader reactions",
	"join the conversation", "join the discussion", "leave a reply",
	"leave a comment", "add a comment", "post a comment",
	"related stories", "related articles", "related content",
	"related coverage", "related topics", "related links", "related news",
	"related reading", "more on this", "more from", "more in",
	"more stories", "more news", "more to read", "more like this",
	"most read", "most viewed", "most popular", "most shared",
	"most commented", "you may also like", "you might also like",
	"you may like", "you might like", "read next", "up next",
	"what to read next", "recommended for you", "latest news",
	"latest stories", "top stories", "editors picks", "editor s picks",
	"around the web", "from around the web", "sign up for",
	"explore more on", "trending now", "popular now", NULL,
};

#define BP_HEAD 1   /* a boilerplate heading, or a wrapper of just one */
#define BP_FIRST 2  /* the first child with text is a BP_HEAD */

static int bp_heading(const GumboNode *h)
{
	const char *const *l;
	char w[64];

	words_of(h, w, sizeof(w));
	for (l = bp_whole; *l; l++)
		if (!strcmp(w, *l))
			return 1;
	for (l = bp_start; *l; l++) {
		size_t n = strlen(*l);
		if (!strncmp(w, *l, n) && (w[n] == ' ' || w[n] == '\0'))
			return 1;
	}
	return 0;
}

/* ---- 1. gather ---- */

static uint32_t count_text(const char *s, uint32_t *commas, uint32_t *alnum,
    int *ws)
{
	uint32_t len = 0;

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
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

/* Fold the statistics of child c (element of tag t) into its parent's. */
static void fold(struct nstat *up, const struct nstat *me, GumboTag t)
{
	up->tlen += me->tlen;
	up->llen += me->llen;
	up->commas += me->commas;
	up->alnum += me->alnum;
	up->np += me->np + (t == GUMBO_TAG_P && me->tlen > 0);
	up->nli += me->nli + (t == GUMBO_TAG_LI);
	if (me->tlen > 0) {
		if ((me->bp & BP_HEAD) && up->nkids == 0)
			up->bp |= BP_FIRST;
		up->nkids++;
	}
	if (block_tag(t) || me->hasblock) {
		up->hasblock = 1;
	} else {
		up->itext += me->itext;
		up->ilinks += me->ilinks;
		up->icommas += me->icommas;
	}
}

static int heading_tag(GumboTag t)
{
	return t == GUMBO_TAG_H2 || t == GUMBO_TAG_H3 || t == GUMBO_TAG_H4 ||
	    t == GUMBO_TAG_H5 || t == GUMBO_TAG_H6;
}

/* An element being left: a heading of boilerplate, or a block opened by
 * one (then junk, unless it is only the heading's wrapper). */
static void leave(const GumboNode *e, struct nstat *me)
{
	if (heading_tag(tag_of(e)) && me->tlen > 0 && me->tlen < 80 && bp_heading(e))
		me->bp |= BP_HEAD;
	if (me->bp & BP_FIRST) {
		if (me->nkids == 1)
			me->bp |= BP_HEAD;
		else
			me->junk = 1;
	}
}

/* Number the elements (in document order) and gather statistics
 * bottom-up; classes says how far class and id words make boilerplate
 * junk and weigh scores. A frame's acc[0] says whether it is inside a
 * link. */
static void gather(const GumboNode *root, int classes)
{
	struct stack *s = &walk_st;
	size_t base = s->n, i;
	int ws = 1;

	nstats = 0;
	st_push(s, root);
	while (s->n > base) {
		struct frame *f = &s->f[s->n - 1];
		const GumboVector *ch = el_children(f->n);
		const GumboNode *c;
		struct nstat *me;
		int cw;
		if (!ch || f->i >= ch->length) {
			const GumboNode *e = f->n;
			s->n--;
			if (s->n > base && (me = st_of(e))) {
				struct nstat *up;
				leave(e, me);
				if (!me->junk && (up = st_of(s->f[s->n - 1].n)))
					fold(up, me, tag_of(e));
			}
			continue;
		}
		c = ch->data[f->i++];
		if (c->type == GUMBO_NODE_TEXT || c->type == GUMBO_NODE_WHITESPACE ||
		    c->type == GUMBO_NODE_CDATA) {
			struct nstat *up = st_of(f->n);
			uint32_t cm = 0, an = 0, l;
			if (!up)
				continue;
			l = count_text(c->v.text.text, &cm, &an, &ws);
			up->tlen += l;
			up->alnum += an;
			up->commas += cm;
			up->itext += l;
			up->icommas += cm;
			if (f->acc[0]) {
				up->llen += l;
				up->ilinks += l;
			}
			continue;
		}
		if (!el_is(c))
			continue;
		((GumboNode *)c)->parse_flags = 0;
		if (el_dropped(c, 0))
			continue;
		if (nstats == capstats) {
			size_t nc = capstats ? capstats * 2 : 1024;
			struct nstat *q = realloc(stats, nc * sizeof(*q));
			if (!q)
				err(1, "out of memory");
			stats = q;
			capstats = nc;
		}
		me = &stats[nstats];
		memset(me, 0, sizeof(*me));
		me->node = c;
		cw = class_weight(c);
		me->cw = (uint8_t)cw;
		if (classes == CLASSES_ALL)
			me->weight = (int8_t)((cw & CW_POS ? 25 : 0) - (cw & CW_NEG ? 25 : 0));
		me->junk = (uint8_t)junk_el(tag_of(c), cw, classes);
		((GumboNode *)c)->parse_flags = (GumboParseFlags)(++nstats);
		if (me->junk)
			continue; /* junk gives nothing to its ancestors */
		cw = (int)f->acc[0] || tag_of(c) == GUMBO_TAG_A;
		f = st_push(s, c);
		f->acc[0] = (uint32_t)cw;
	}
	/* what a block found junk on leaving it holds is junk too (stats[]
	 * is in document order: parents first) */
	for (i = 0; i < nstats; i++) {
		const GumboNode *pn = stats[i].node->parent;
		const struct nstat *up = pn ? st_of(pn) : NULL;
		if (up && up->junk)
			stats[i].junk = 1;
	}
}

/* ---- 2. score ---- */

/* Whether element a (statistics as) is only a wrapper around its one
 * child with text: no text of its own, nothing else with text. */
static int is_wrapper(const GumboNode *a, const struct nstat *as)
{
	return as->nkids == 1 && as->itext == 0 && wrapper_tag(tag_of(a));
}

/* The outermost element that holds paragraph p and nothing else. */
static const GumboNode *para_unit(const GumboNode *p)
{
	const GumboNode *a;
	struct nstat *as;

	while ((a = p->parent) && (as = st_of(a)) && !as->junk && is_wrapper(a, as))
		p = a;
	return p;
}

/* Give sc to a and, decreasing, to four levels above it. */
static void give(const GumboNode *a, float sc)
{
	float g;
	int level;

	for (level = 0; a && level < 5; a = a->parent, level++) {
		struct nstat *as = st_of(a);
		if (!as)
			break;
		if (!as->scored) {
			as->scored = 1;
			as->score = tag_score(tag_of(a)) + as->weight;
		}
		g = level == 0 ? sc : level == 1 ? sc / 2 : sc / (float)(level * 3);
		as->score += g;
		as->para += g;
	}
}

static float para_score(uint32_t len, uint32_t commas)
{
	return 1 + (float)commas + (float)(len / 100 < 3 ? len / 100 : 3);
}

/* Score every paragraph into its holders; then scale each holder's score
 * by the share of its text that is not links. */
static void score_all(void)
{
	size_t i;

	for (i = 0; i < nstats; i++) {
		struct nstat *e = &stats[i];
		const GumboNode *n = e->node;
		if (e->junk)
			continue;
		if (para_tag(tag_of(n)) && (!e->hasblock || tag_of(n) == GUMBO_TAG_P ||
		    tag_of(n) == GUMBO_TAG_PRE)) {
			if (e->tlen < 25 || link_density(e) > 0.5f)
				continue;
			give(para_unit(n)->parent, para_score(e->tlen, e->commas));
		} else if (e->hasblock && e->itext >= 25 && e->ilinks * 2 <= e->itext) {
			/* inline runs beside blocks: a paragraph held by n */
			give(n, para_score(e->itext, e->icommas));
		}
	}
	for (i = 0; i < nstats; i++) {
		if (stats[i].scored) {
			float k = 1 - link_density(&stats[i]);
			stats[i].score *= k;
			stats[i].para *= k;
		}
	}
}

/* ---- 3. pick ---- */

#define NTOP 5

static int is_ancestor(const GumboNode *a, const GumboNode *n)
{
	for (n = n->parent; n; n = n->parent)
		if (n == a)
			return 1;
	return 0;
}

/* How many of alt[0..n) are a or inside it. */
static int held(const GumboNode *a, const GumboNode *const *alt, int n)
{
	int k, c = 0;

	for (k = 0; k < n; k++)
		c += alt[k] == a || is_ancestor(a, alt[k]);
	return c;
}

static int stop_tag(const GumboNode *n)
{
	return !el_is(n) || tag_of(n) == GUMBO_TAG_BODY || tag_of(n) == GUMBO_TAG_HTML;
}

/* The best NTOP scored elements, best first, into top[]; returns how
 * many. */
static int best_of(const GumboNode **top)
{
	size_t i;
	int n = 0, k;

	for (i = 0; i < nstats; i++) {
		const struct nstat *e = &stats[i];
		if (!e->scored || e->junk)
			continue;
		for (k = n; k > 0 && st_of(top[k - 1])->score < e->score; k--)
			if (k < NTOP)
				top[k] = top[k - 1];
		if (k < NTOP) {
			top[k] = e->node;
			if (n < NTOP)
				n++;
		}
	}
	return n;
}

/* The element n's wrappers hold (n when it is no wrapper). */
static const GumboNode *unwrap(const GumboNode *n)
{
	for (;;) {
		const struct nstat *s = st_of(n);
		const GumboVector *ch;
		unsigned i;
		if (!s || s->junk || !is_wrapper(n, s))
			return n;
		ch = el_children(n);
		for (i = 0; i < ch->length; i++) {
			const struct nstat *cs = st_of(ch->data[i]);
			if (cs && !cs->junk && cs->tlen > 0)
				break;
		}
		if (i == ch->length)
			return n;
		n = ch->data[i];
	}
}

/* The paragraph score of n, or of the element its wrappers hold. */
static float eff_para(const GumboNode *n)
{
	const struct nstat *s = st_of(unwrap(n));

	return s && !s->junk && s->scored ? s->para : 0;
}

/* The deepest element below or at t that holds three of alt[0..n)
 * (the body's section inside an article with a byline and a bio). */
static const GumboNode *deepest_holder(const GumboNode *t,
    const GumboNode *const *alt, int n)
{
	const GumboNode *deep = t, *a;
	int k, d, dd = 0;

	for (k = 0; k < n; k++) {
		if (!is_ancestor(t, alt[k]))
			continue; /* a runner-up outside t */
		for (d = 0, a = alt[k]; a != t; a = a->parent)
			d++;
		for (a = alt[k]; a != t; a = a->parent, d--) {
			if (held(a, alt, n) >= 3) {
				if (d > dd) {
					deep = a;
					dd = d;
				}
				break;
			}
		}
	}
	return deep;
}

/* Up from t (scoring best): to the ancestor holding three of alt[0..n)
 * (paragraphs split among columns of about the same score), then up the
 * chain to the first parent that scores better than the one below it,
 * while parents score a third of the start or more. */
static const GumboNode *climb(const GumboNode *t, float best,
    const GumboNode *const *alt, int n)
{
	const GumboNode *a;
	struct nstat *ts, *as;
	float last, thr;

	if (n >= 3) {
		for (a = t->parent; a && !stop_tag(a); a = a->parent) {
			if (held(a, alt, n) >= 3) {
				t = a;
				break;
			}
		}
	}
	ts = st_of(t);
	last = ts->scored ? ts->score : best;
	thr = last / 3;
	for (a = t->parent; a && !stop_tag(a); a = a->parent) {
		if (!(as = st_of(a)))
			break;
		if (!as->scored)
			continue;
		if (as->score < thr)
			break;
		if (as->score > last)
			return a;
		last = as->score;
	}
	return t;
}

/* Down from t while one child holds three fifths of the text and what is
 * left beside it is mostly links (a layout table's cell). */
static const GumboNode *descend(const GumboNode *t)
{
	for (;;) {
		const GumboVector *ch = el_children(t);
		const struct nstat *ts = st_of(t);
		const GumboNode *into = NULL;
		unsigned i;
		for (i = 0; ts && i < ch->length; i++) {
			const GumboNode *c = ch->data[i];
			const struct nstat *cs = st_of(c);
			uint32_t rest, rlinks;
			if (!cs || cs->junk || cs->tlen * 10 < ts->tlen * 6)
				continue;
			rest = ts->tlen - cs->tlen;
			rlinks = ts->llen - cs->llen;
			if (rest > 0 && rlinks * 2 > rest)
				into = c;
			break;
		}
		if (!into)
			return t;
		t = into;
	}
}

/* The element the content is taken from, or NULL when nothing scored. */
static const GumboNode *pick(void)
{
	const GumboNode *top[NTOP], *alt[NTOP], *t, *a;
	const struct nstat *as;
	int n, k, nalt = 0;
	float best;

	if (!(n = best_of(top)))
		return NULL;
	t = top[0];
	best = st_of(t)->score;
	/* the runners-up that score close to the best */
	for (k = 1; k < n; k++)
		if (st_of(top[k])->score >= best * 0.75f)
			alt[nalt++] = top[k];
	if (held(t, alt, nalt) >= 3)
		t = deepest_holder(t, alt, nalt);
	else
		t = climb(t, best, alt, nalt);
	t = descend(t);
	/* out of the wrappers around it */
	while ((a = t->parent) && !stop_tag(a) && (as = st_of(a)) && is_wrapper(a, as))
		t = a;
	return t;
}

/* ---- 4. write ---- */

static const char *const filler[] = {
	"advertisement", "ad", "ads", "sponsored", "sponsored content",
	"story continues below", "story continues below advertisement",
	"scroll to continue", "advertisement scroll to continue",
	"continue reading", "read more", "skip advertisement", "share",
	"share this", "tweet", "email", "print", "copy link", "save", NULL,
};

/* Whether a short block says only "Advertisement" or the like: its
 * letters, lower-cased, with single spaces, are one of filler[]. */
static int filler_text(const GumboNode *n)
{
	const char *const *f;
	char w[64];

	words_of(n, w, sizeof(w));
	for (f = filler; *f; f++)
		if (!strcmp(w, *f))
			return 1;
	return 0;
}

/* Whether element n inside the content is left out of it. */
static int content_junk(const GumboNode *n)
{
	const struct nstat *s = st_of(n);
	GumboTag t = tag_of(n);
	float ld;

	if (!s)
		return 1;
	if (s->junk || t == GUMBO_TAG_H1 || junk_el(t, s->cw, CLASSES_ALL))
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
	case GUMBO_TAG_FORM:
		return s->np < 3;
	case GUMBO_TAG_DIV: case GUMBO_TAG_SECTION: case GUMBO_TAG_TABLE:
	case GUMBO_TAG_DL:
		if ((s->cw & CW_NEG) && !(s->cw & CW_POS))
			return 1;
		if (s->commas >= 10)
			return 0;
		if (s->nli > s->np + 2 && s->np == 0 && ld > 0.2f)
			return 1;
		return ld > ((s->cw & CW_POS) ? 0.5f : 0.33f);
	default:
		return 0;
	}
}

/* Whether the last text of n ends a sentence: '.', '!' or '?', closing
 * quotes allowed. */
static int ends_sentence(const GumboNode *n)
{
	const GumboNode *c = n;

	for (;;) {
		const GumboVector *ch = el_children(c);
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

static int same_class(const GumboNode *a, const GumboNode *b)
{
	const char *ca = el_attr(a, "class"), *cb = el_attr(b, "class");

	return ca && cb && *ca && !strcmp(ca, cb);
}

/* Whether sibling c of the chosen element top joins the content: it
 * holds paragraphs scoring thr (less a bonus where it is of top's class)
 * and is mostly not links (no rail of teasers), or it is a paragraph of
 * prose. */
static int take_sibling(const GumboNode *c, const GumboNode *top, float thr,
    float best)
{
	const struct nstat *cs = st_of(c);
	const GumboNode *u;
	float bonus = 0;

	if (!cs || cs->junk)
		return 0;
	u = unwrap(c);
	if (same_class(c, top) || same_class(u, unwrap(top)))
		bonus = best * 0.2f;
	if (eff_para(c) + bonus >= thr && link_density(cs) < 0.25f)
		return 1;
	if (tag_of(u) == GUMBO_TAG_P) {
		float ld = link_density(cs);
		if (cs->tlen > 80 && ld < 0.25f)
			return 1;
		if (cs->tlen > 0 && ld == 0 && ends_sentence(u))
			return 1;
	}
	return 0;
}

static void add_text(const GumboNode *n, const struct text_opts *o,
    struct mkt_buf *out)
{
	if (out->len)
		mkt_buf_add(out, "\n\n", 2);
	text_of(n, o, out);
	while (out->len && out->p[out->len - 1] == '\n')
		out->p[--out->len] = '\0';
}

/* One try: gather, score, pick and write the content to out. Returns 0,
 * or -1 (nothing written) when no element scored. */
static int attempt(const GumboNode *root, int classes,
    const struct text_opts *o, struct mkt_buf *out)
{
	struct text_opts to = *o;
	const GumboNode *top, *parent;
	float best, thr;
	unsigned i;

	gather(root, classes);
	score_all();
	if (!(top = pick()))
		return -1;
	to.skip = content_junk;
	to.keep_forms = 1;
	parent = top->parent;
	if (!parent || !el_is(parent)) {
		add_text(top, &to, out);
		return 0;
	}
	/* the chosen element and those of its siblings that look like
	 * content too */
	best = eff_para(top);
	thr = best * 0.2f > 10 ? best * 0.2f : 10;
	for (i = 0; i < parent->v.element.children.length; i++) {
		const GumboNode *c = parent->v.element.children.data[i];
		if (c == top || (el_is(c) && take_sibling(c, top, thr, best)))
			add_text(c, &to, out);
	}
	return 0;
}

static void cut(struct mkt_buf *b, size_t len)
{
	b->len = len;
	if (b->cap)
		b->p[len] = '\0';
}

/* Content shorter than this is taken for a miss: class words may have
 * thrown the article out with the boilerplate (a page-wide wrapper named
 * "has-sidebar"), so the page is tried again with fewer of them, and the
 * longest content found is kept. */
#define MIN_CONTENT 500

int main_text(const GumboNode *root, const struct text_opts *o,
    struct mkt_buf *out)
{
	struct text_opts to = *o;
	size_t start = out->len, len, blen = 0;
	int classes, bclasses = -1;

	for (classes = CLASSES_ALL; classes >= CLASSES_NONE; classes--) {
		cut(out, start);
		if (attempt(root, classes, o, out) < 0)
			continue;
		len = out->len - start;
		if (len >= MIN_CONTENT)
			return 0;
		if (bclasses < 0 || len > blen) {
			blen = len;
			bclasses = classes;
		}
	}
	cut(out, start);
	if (bclasses >= 0 && attempt(root, bclasses, o, out) == 0)
		return 0;
	to.skip = NULL;
	to.keep_forms = 0;
	text_of(root, &to, out);
	return -1;
}
