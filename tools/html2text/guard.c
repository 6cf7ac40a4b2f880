/* SPDX-License-Identifier: MIT */
/* guard.c -- a cheap pre-scan of HTML that refuses pages nested deeper
 * than a limit before the parser sees them.
 *
 * gumbo 0.10.1 has quadratic cases (thousands of unclosed tags, very deep
 * trees) and frees its tree recursively. This scan models the stack of
 * open elements well enough to bound the tree depth: void elements and
 * self-closing tags push nothing, raw text elements (script, style,
 * textarea, title, ...) are skipped to their end tag, an end tag pops to
 * the nearest open element of its name (within a few levels, as misnested
 * markup is closed by browsers), and p, li, td, tr, option and the like
 * close an open sibling of their kind. One pass, no allocation but the
 * list of cuts.
 *
 * The same pass lists the bodies of script and style elements, whose
 * text html2text shows only where a selector asks for it, so that the
 * parser need not read them (they are a third or more of a news page). A
 * body is listed only where the HTML tokenizer itself would end it at the
 * end tag found: script bodies are followed through the tokenizer's
 * escaped states; in a select the scan follows the parser, which ignores
 * most tags there (a style among them), and where it cannot tell (a
 * table tag or a template in a select) nothing more is cut; nothing is
 * cut inside SVG or MathML or after a frameset, nor a body with "<!--"
 * inside or anything that could end another state the parser might be in
 * (an end tag of a raw text element, "-->"). Inside SVG and MathML the
 * scan does not follow the parser back into HTML (integration points such
 * as foreignObject, tags such as p or br that break out): where a raw
 * text element could be read as HTML there, nothing more is cut, and "/>"
 * no longer counts as closing. */
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "html2text.h"

#define GUARD_STACK 4096   /* the highest --max-depth accepted */
#define GUARD_LOOKBACK 16  /* levels an end tag may close at once */
#define GUARD_CUT_MIN 32   /* shorter bodies are not worth a cut */

static const char *const void_tags[] = {
	"area", "base", "basefont", "bgsound", "br", "col", "embed", "frame",
	"hr", "img", "input", "keygen", "link", "meta", "param", "source",
	"track", "wbr", "image", NULL,
};
/* noscript is not among them: gumbo parses its content as markup */
static const char *const raw_tags[] = {
	"script", "style", "textarea", "title", "xmp", "iframe", "noembed",
	"noframes", NULL,
};
static const char *const cut_tags[] = { "script", "style", NULL };
/* in a select: start tags the parser does not ignore there (script is
 * raw text; a select closes the open one; the others close it and are
 * read again outside) */
static const char *const select_kept_tags[] = {
	"script", "option", "optgroup", "select", "input", "keygen", "textarea",
	NULL,
};
/* in a select: start tags that close it */
static const char *const select_end_tags[] = { "input", "keygen", "textarea", NULL };
/* in a select: tags that close it when it is in a table and are ignored
 * otherwise, and template, whose content is read as in a head */
static const char *const select_unsure_tags[] = {
	"caption", "table", "tbody", "tfoot", "thead", "tr", "td", "th",
	"template", NULL,
};
/* after these the scan no longer follows the parser well enough to cut */
static const char *const nocut_tags[] = { "frameset", "plaintext", NULL };
/* in SVG and MathML: raw text elements that are SVG elements too */
static const char *const svg_raw_tags[] = { "script", "style", "title", NULL };
/* in SVG and MathML: elements whose content the parser reads as HTML */
static const char *const integration_tags[] = {
	"foreignobject", "desc", "title", "mi", "mo", "mn", "ms", "mtext",
	"annotation-xml", NULL,
};
/* in SVG and MathML: tags that make the parser leave them */
static const char *const breakout_tags[] = {
	"b", "big", "blockquote", "body", "br", "center", "code", "dd", "div",
	"dl", "dt", "em", "embed", "h1", "h2", "h3", "h4", "h5", "h6", "head",
	"hr", "i", "img", "li", "listing", "menu", "meta", "nobr", "ol", "p",
	"pre", "ruby", "s", "small", "span", "strong", "strike", "sub", "sup",
	"table", "tt", "u", "ul", "var", "font", NULL,
};
static const char *const sibling_tags[] = {
	"p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "rb",
	"rt", "rp", "tbody", "thead", "tfoot", "colgroup", "caption", NULL,
};

/* elements a sibling-closing start tag does not look past */
static const char *const scope_tags[] = {
	"table", "ul", "ol", "dl", "select", "template", "td", "th", "li",
	"div", "section", "article", "blockquote", NULL,
};

static uint32_t name_hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h | 1;
}

/* What the scan needs to know of a start tag, by name. */
enum {
	K_VOID = 1, K_RAW = 2, K_SIBLING = 4, K_SCOPE = 8, K_FOREIGN = 16,
	K_PLAINTEXT = 32, K_CUT = 64, K_SVG_RAW = 128, K_INTEGRATION = 256,
	K_SELECT_KEPT = 512, K_NOCUT = 1024, K_SELECT = 2048, K_BREAKOUT = 4096,
	K_SELECT_END = 8192, K_SELECT_UNSURE = 16384,
};

/* The names of the lists above (about a hundred), by hash: hash, index +
 * 1 into kind_names[], and kind. Filled on first use; open addressing. */
#define KIND_SLOTS 256
static struct {
	uint32_t h;
	uint8_t ix;
	uint16_t kind;
} kinds[KIND_SLOTS];
static const char *kind_names[KIND_SLOTS / 2];
static int nkind_names;

static void kind_add(const char *const *l, int k)
{
	for (; *l; l++) {
		uint32_t h = name_hash(*l);
		unsigned i = h & (KIND_SLOTS - 1);
		while (kinds[i].ix && strcmp(kind_names[kinds[i].ix - 1], *l))
			i = (i + 1) & (KIND_SLOTS - 1);
		if (!kinds[i].ix) {
			if (nkind_names == KIND_SLOTS / 2)
				abort(); /* the lists outgrew the table */
			kind_names[nkind_names++] = *l;
			kinds[i].h = h;
			kinds[i].ix = (uint8_t)nkind_names;
		}
		kinds[i].kind |= (uint16_t)k;
	}
}

static int tag_kind(const char *name, uint32_t h)
{
	static const char *const foreign[] = { "svg", "math", NULL };
	static const char *const plaintext[] = { "plaintext", NULL };
	static const char *const select_tag[] = { "select", NULL };
	unsigned i;

	if (!nkind_names) {
		kind_add(void_tags, K_VOID);
		kind_add(raw_tags, K_RAW);
		kind_add(sibling_tags, K_SIBLING);
		kind_add(scope_tags, K_SCOPE);
		kind_add(foreign, K_FOREIGN);
		kind_add(plaintext, K_PLAINTEXT);
		kind_add(cut_tags, K_CUT);
		kind_add(svg_raw_tags, K_SVG_RAW);
		kind_add(integration_tags, K_INTEGRATION);
		kind_add(breakout_tags, K_BREAKOUT);
		kind_add(select_kept_tags, K_SELECT_KEPT);
		kind_add(select_end_tags, K_SELECT_END);
		kind_add(select_unsure_tags, K_SELECT_UNSURE);
		kind_add(nocut_tags, K_NOCUT);
		kind_add(select_tag, K_SELECT);
	}
	for (i = h & (KIND_SLOTS - 1); kinds[i].ix; i = (i + 1) & (KIND_SLOTS - 1))
		if (kinds[i].h == h && !strcmp(kind_names[kinds[i].ix - 1], name))
			return kinds[i].kind;
	return 0;
}

static int is_alpha(unsigned char c)
{
	return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

/* Read a tag name at s[i..n) into name (lower-cased, cut at 31 bytes);
 * returns the index after it. */
static size_t tag_name(const char *s, size_t i, size_t n, char name[32])
{
	size_t k = 0;

	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		if (c == '>' || c == '/' || c == ' ' || c == '\t' || c == '\n' ||
		    c == '\r' || c == '\f')
			break;
		/* a NUL stays in the name (the tokenizer makes it U+FFFD) */
		if (k < 31)
			name[k++] = (char)(c == 0 ? 0x7F : (c >= 'A' && c <= 'Z') ? c + 32 : c);
		i++;
	}
	name[k] = '\0';
	return i;
}

static int is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* Skip the rest of a tag, from just after its name up to and past its
 * '>', through the tokenizer's attribute states: a quote opens a value
 * only where a value may start (after '=' that follows an attribute
 * name); sets *selfclose when the tag ends in a "/>" of its own (not one
 * inside an unquoted value). */
static size_t tag_end(const char *s, size_t i, size_t n, int *selfclose)
{
	enum { BEFORE_NAME, NAME, AFTER_NAME, BEFORE_VALUE, QUOTED, UNQUOTED,
	    AFTER_QUOTED, SLASH } st = BEFORE_NAME;
	char q = 0;

	*selfclose = 0;
	for (; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		int ws = is_space(c);
		switch (st) {
		case QUOTED:
			if (c == (unsigned char)q)
				st = AFTER_QUOTED;
			continue;
		case UNQUOTED:
			if (ws)
				st = BEFORE_NAME;
			else if (c == '>')
				return i + 1;
			continue;
		case BEFORE_VALUE:
			if (c == '"' || c == '\'') {
				q = (char)c;
				st = QUOTED;
			} else if (c == '>') {
				return i + 1;
			} else if (!ws) {
				st = UNQUOTED;
			}
			continue;
		case NAME:
		case AFTER_NAME:
			if (c == '=') {
				st = BEFORE_VALUE;
				continue;
			}
			break;
		case SLASH:
			if (c == '>') {
				*selfclose = 1;
				return i + 1;
			}
			break;
		default:
			break;
		}
		/* the states left read the same: white space, '/', '>' */
		if (c == '>')
			return i + 1;
		if (c == '/')
			st = SLASH;
		else if (ws)
			st = st == NAME || st == AFTER_NAME ? AFTER_NAME : BEFORE_NAME;
		else
			st = NAME;  /* '=' here starts a name too */
	}
	return n;
}

/* Where the raw text that started at s[i] ends: at "</" and the element's
 * name nl bytes long (any case), followed by white space, '/' or '>' --
 * as the tokenizer ends it -- or at n. */
static size_t raw_end(const char *s, size_t i, size_t n, const char *name,
    size_t nl)
{
	for (;;) {
		const char *e = memmem(s + i, n - i, "</", 2);
		size_t k;
		if (!e)
			return n;
		k = (size_t)(e - s);
		if (n - k - 2 > nl && !strncasecmp(s + k + 2, name, nl) &&
		    (is_space((unsigned char)s[k + 2 + nl]) || s[k + 2 + nl] == '/' ||
		    s[k + 2 + nl] == '>'))
			return k;
		i = k + 2;
	}
}

/* Where a comment whose text starts at s[i] ends, as the tokenizer ends
 * it: at once for "<!-->" and "<!--->", else after the first "-->" or
 * "--!>", or at n. */
static size_t comment_end(const char *s, size_t i, size_t n)
{
	const char *e;

	if (i < n && s[i] == '>')
		return i + 1;
	if (n - i >= 2 && s[i] == '-' && s[i + 1] == '>')
		return i + 2;
	for (; (e = memmem(s + i, n - i, "--", 2)); i = (size_t)(e - s) + 1) {
		size_t k = (size_t)(e - s) + 2;
		if (k < n && s[k] == '>')
			return k + 1;
		if (n - k >= 2 && s[k] == '!' && s[k + 1] == '>')
			return k + 2;
	}
	return n;
}

/* Whether s[i..n) starts with "<" (or "</" with slash) and the name nl
 * bytes long (any case), followed by white space, '/' or '>'. */
static int tag_at(const char *s, size_t i, size_t n, int slash,
    const char *name, size_t nl)
{
	size_t k = i + 1 + (size_t)slash;

	if (k + nl >= n || s[i] != '<' || (slash && s[i + 1] != '/') ||
	    strncasecmp(s + k, name, nl))
		return 0;
	k += nl;
	return is_space((unsigned char)s[k]) || s[k] == '/' || s[k] == '>';
}

/* Where a script's text that started at s[i] ends, following the
 * tokenizer's script data states: "<!--" escapes, a "<script" inside
 * escapes twice (a "</script" then only undoes that), and "-->" ends
 * either. Returns the index of the ending "</script", or n. */
static size_t script_end(const char *s, size_t i, size_t n)
{
	enum { DATA, ESCAPED, TWICE } st = DATA;
	int dashes = 0;

	while (i < n) {
		char c = s[i];
		if (st == DATA) {
			const char *lt = memchr(s + i, '<', n - i);
			if (!lt)
				return n;
			i = (size_t)(lt - s);
			if (tag_at(s, i, n, 1, "script", 6))
				return i;
			if (n - i >= 4 && !memcmp(s + i, "<!--", 4)) {
				st = ESCAPED;
				dashes = 2;
				i += 4;
			} else {
				i++;
			}
			continue;
		}
		if (c == '-') {
			dashes++;
			i++;
			continue;
		}
		if (c == '>' && dashes >= 2) {
			st = DATA;
			dashes = 0;
			i++;
			continue;
		}
		dashes = 0;
		if (c == '<' && tag_at(s, i, n, 1, "script", 6)) {
			if (st == ESCAPED)
				return i;
			st = ESCAPED;
			i += 8;
			continue;
		}
		if (c == '<' && st == ESCAPED && tag_at(s, i, n, 0, "script", 6)) {
			st = TWICE;
			i += 7;
			continue;
		}
		i++;
	}
	return n;
}

/* Whether the parser could be made to leave a state by something in
 * s[i..end) that a cut would take away: an end tag of a raw text element,
 * the end of a comment or of a CDATA section. */
static int cut_risky(const char *s, size_t start, size_t end)
{
	static const char *const ends[] = {
		"script", "style", "textarea", "title", "xmp", "iframe",
		"noembed", "noframes", NULL,
	};
	const char *e;
	size_t i, k;

	for (i = start; (e = memmem(s + i, end - i, "</", 2)); i = k) {
		const char *const *l;
		k = (size_t)(e - s) + 2;
		for (l = ends; *l; l++)
			if (end - k >= strlen(*l) && !strncasecmp(s + k, *l, strlen(*l)))
				return 1;
	}
	return memmem(s + start, end - start, "-->", 3) ||
	    memmem(s + start, end - start, "--!>", 4) ||
	    memmem(s + start, end - start, "]]>", 3);
}

static void cut_add(struct guard_cuts *g, size_t tag, size_t start,
    size_t end)
{
	if (g->n == g->cap) {
		size_t nc = g->cap ? g->cap * 2 : 64;
		struct guard_cut *q = realloc(g->c, nc * sizeof(*q));
		if (!q) {
			g->oom = 1;
			return;
		}
		g->c = q;
		g->cap = nc;
	}
	g->c[g->n].tag = tag;
	g->c[g->n].start = start;
	g->c[g->n].end = end;
	g->n++;
}

size_t guard_apply(char *dst, const char *s, size_t n,
    const struct guard_cuts *g)
{
	size_t i, from = 0, len = 0;

	for (i = 0; i < g->n; i++) {
		size_t k = g->c[i].start - from;
		memmove(dst + len, s + from, k);
		len += k;
		from = g->c[i].end;
	}
	memmove(dst + len, s + from, n - from);
	return len + n - from;
}

/* ---- cuts a selector could see ---- */

#define GUARD_TAG_MAX 4096  /* longer start tags are not read for attributes */

/* Whether the start tag t[0..tl) is written plainly: printable ASCII, tab,
 * line feed and form feed, no '&'. The parser then reads its attribute
 * names (lower-cased) and values as they are written. */
static int tag_plain(const char *t, size_t tl)
{
	size_t i;

	for (i = 0; i < tl; i++) {
		unsigned char c = (unsigned char)t[i];
		if (c == '&' || c > 0x7E ||
		    (c < 0x20 && c != '\t' && c != '\n' && c != '\f'))
			return 0;
	}
	return 1;
}

/* Whether w occurs in t[0..tl), in any case where nocase is set. */
static int tag_has(const char *t, size_t tl, const char *w, int nocase)
{
	size_t wl = strlen(w), i;

	if (!nocase)
		return memmem(t, tl, w, wl) != NULL || wl == 0;
	for (i = 0; i + wl <= tl; i++)
		if (!strncasecmp(t + i, w, wl))
			return 1;
	return 0;
}

/* Whether compound c could match the element named name whose start tag
 * is t[0..tl): its type, and where the tag is plain and short enough to
 * tell, the names and values of the attributes it asks for. */
static int compound_may_match(const struct sel_compound *c, const char *name,
    const char *t, size_t tl)
{
	size_t k;

	if (c->tag && strcmp(c->tag, name))
		return 0;
	if (tl > GUARD_TAG_MAX || !tag_plain(t, tl))
		return 1;
	if (c->id && (!tag_has(t, tl, "id", 1) || !tag_has(t, tl, c->id, 0)))
		return 0;
	if (c->nclass && !tag_has(t, tl, "class", 1))
		return 0;
	for (k = 0; k < c->nclass; k++)
		if (!tag_has(t, tl, c->classes[k], 0))
			return 0;
	for (k = 0; k < c->nattr; k++) {
		const struct sel_attr *a = &c->attrs[k];
		if (!tag_has(t, tl, a->name, 1) ||
		    (a->value && !tag_has(t, tl, a->value, 0)))
			return 0;
	}
	return 1;
}

void guard_keep_selectable(struct guard_cuts *cuts, const char *s,
    const struct sel_group *g)
{
	size_t i, j, kept = 0;
	char name[32];

	for (i = 0; i < cuts->n; i++) {
		const struct guard_cut *c = &cuts->c[i];
		int may = 0;
		tag_name(s, c->tag + 1, c->start, name);
		for (j = 0; j < g->n && !may; j++) {
			const struct sel_complex *x = &g->alt[j];
			may = compound_may_match(&x->c[x->n - 1], name, s + c->tag,
			    c->start - c->tag);
		}
		if (!may)
			cuts->c[kept++] = *c;
	}
	cuts->n = kept;
}

/* An end tag of hash h closes the nearest open element of that name above
 * floor, if one is within GUARD_LOOKBACK levels, and everything open
 * inside it: *depth drops to below it. Returns whether one was found. */
static int close_to(const uint32_t *stack, size_t *depth, size_t floor,
    uint32_t h)
{
	size_t k;

	for (k = *depth; k > floor && *depth - k < GUARD_LOOKBACK; k--) {
		if (stack[k - 1] == h) {
			*depth = k - 1;
			return 1;
		}
	}
	return 0;
}

int guard_scan(const char *s, size_t n, int max_depth,
    struct guard_cuts *cuts, char *err, size_t errsize)
{
	uint32_t stack[GUARD_STACK + 1];
	uint8_t scope[GUARD_STACK + 1];
	size_t depth = 0, i = 0, limit;
	size_t foreign = 0; /* depth just inside the open svg or math, or 0 */
	size_t integ = 0;   /* depth just inside an integration point, or 0 */
	int broke_out = 0;  /* the parser may have left that svg or math */
	size_t select = 0;  /* depth just inside the open select, or 0 */
	int nocut = 0;      /* cuts could be wrong from here on */
	char name[32];

	limit = max_depth < 1 ? 1 : max_depth > GUARD_STACK ? GUARD_STACK : (size_t)max_depth;
	if (cuts) {
		cuts->n = 0;
		cuts->oom = 0;
	}
	while (i < n) {
		const char *lt = memchr(s + i, '<', n - i);
		int sc;
		if (!lt)
			break;
		i = (size_t)(lt - s) + 1;
		if (i >= n)
			break;
		if (s[i] == '!') {
			if (foreign && n - i >= 8 && !memcmp(s + i, "![CDATA[", 8)) {
				/* where the parser may be reading HTML again, it could
				 * take this for a comment that ends at the next '>' */
				const char *e = memmem(s + i + 8, n - i - 8, "]]>", 3);
				if (integ || broke_out)
					nocut = 1;
				i = e ? (size_t)(e - s) + 3 : n;
			} else if (n - i >= 3 && s[i + 1] == '-' && s[i + 2] == '-') {
				i = comment_end(s, i + 3, n);
			} else {
				const char *e = memchr(s + i, '>', n - i);
				i = e ? (size_t)(e - s) + 1 : n;
			}
		} else if (s[i] == '?') {
			const char *e = memchr(s + i, '>', n - i);
			i = e ? (size_t)(e - s) + 1 : n;
		} else if (s[i] == '/') {
			uint32_t h;
			int pure, found;
			if (i + 1 >= n)
				break;
			if (!is_alpha((unsigned char)s[i + 1])) {
				/* "</>" is dropped, "</" and anything else opens a
				 * bogus comment that ends at '>' */
				const char *e = memchr(s + i, '>', n - i);
				i = e ? (size_t)(e - s) + 1 : n;
				continue;
			}
			i = tag_name(s, i + 1, n, name);
			i = tag_end(s, i, n, &sc);
			h = name_hash(name);
			if (select) {
				/* in a select the parser ends the select, an option or
				 * an optgroup, and ignores the rest */
				int kind = tag_kind(name, h);
				if (kind & K_SELECT) {
					depth = select - 1;
					select = 0;
					continue;
				}
				if (kind & K_SELECT_UNSURE)
					nocut = 1;
				close_to(stack, &depth, select, h);
				continue;
			}
			pure = foreign && !integ && !broke_out;
			found = close_to(stack, &depth, 0, h);
			/* in SVG or MathML an end tag of none of their open
			 * elements is read as HTML, which may close them or not */
			if (pure && (!found || depth + 1 < foreign))
				nocut = 1;
			if (integ > depth)
				integ = 0;
			/* SVG and MathML end with their own end tag; where the scan
			 * no longer follows the parser there, nothing more is cut */
			if (foreign > depth) {
				if (!pure)
					nocut = 1;
				foreign = integ = 0;
				broke_out = 0;
			}
		} else if (is_alpha((unsigned char)s[i])) {
			uint32_t h;
			int kind;
			i = tag_name(s, i, n, name);
			i = tag_end(s, i, n, &sc);
			h = name_hash(name);
			kind = tag_kind(name, h);
			if (select) {
				/* the parser ignores most start tags in a select; a
				 * select ends it, and input, keygen and textarea end it
				 * and are read again */
				if (!(kind & K_SELECT_KEPT)) {
					if (kind & K_SELECT_UNSURE)
						nocut = 1;
					continue;
				}
				if (kind & (K_SELECT | K_SELECT_END)) {
					depth = select - 1;
					select = 0;
					if (kind & K_SELECT)
						continue;
				}
			}
			if (kind & K_PLAINTEXT)
				break;
			if (kind & K_NOCUT)
				nocut = 1;
			if (foreign && (kind & K_RAW) &&
			    (integ || broke_out || !(kind & K_SVG_RAW)))
				nocut = 1;
			if (foreign && (kind & K_BREAKOUT))
				broke_out = 1;
			if ((kind & K_RAW) && !foreign) {
				/* skip to the end tag (the loop reads it next) */
				size_t end = strcmp(name, "script") ?
				    raw_end(s, i, n, name, strlen(name)) : script_end(s, i, n);
				if (cuts && !nocut && (kind & K_CUT) && end - i >= GUARD_CUT_MIN &&
				    !memmem(s + i, end - i, "<!--", 4) && !cut_risky(s, i, end))
					cut_add(cuts, (size_t)(lt - s), i, end);
				i = end;
				continue;
			}
			/* "/>" closes an element only in SVG and MathML, not where
			 * the parser may be reading HTML again */
			if ((sc && foreign && !integ && !broke_out) || (kind & K_VOID))
				continue;
			if (kind & K_SIBLING) {
				size_t k;
				for (k = depth; k > 0 && depth - k < 4; k--) {
					if (stack[k - 1] == h) {
						depth = k - 1;
						break;
					}
					if (scope[k - 1])
						break;
				}
			}
			if (depth >= limit) {
				snprintf(err, errsize, "elements nested deeper than %zu "
				    "(at byte %zu; see --max-depth)", limit, (size_t)(lt - s));
				return -1;
			}
			scope[depth] = (uint8_t)((kind & K_SCOPE) != 0);
			stack[depth++] = h;
			if (!foreign && (kind & K_FOREIGN))
				foreign = depth;
			else if (foreign && !integ && (kind & K_INTEGRATION))
				integ = depth;
			/* a select in SVG or MathML is theirs; where the parser
			 * may read HTML there, the scan no longer follows it */
			if ((kind & K_SELECT) && !foreign)
				select = depth;
			else if ((kind & K_SELECT) && (integ || broke_out))
				nocut = 1;
		}
	}
	return 0;
}
