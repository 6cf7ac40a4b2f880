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
 * close an open sibling of their kind. One pass, no allocation. */
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "html2text.h"

#define GUARD_STACK 4096   /* the highest --max-depth accepted */
#define GUARD_LOOKBACK 16  /* levels an end tag may close at once */

static const char *const void_tags[] = {
	"area", "base", "basefont", "bgsound", "br", "col", "embed", "frame",
	"hr", "img", "input", "keygen", "link", "meta", "param", "source",
	"track", "wbr", "image", NULL,
};
static const char *const raw_tags[] = {
	"script", "style", "textarea", "title", "xmp", "iframe", "noembed",
	"noframes", "noscript", NULL,
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
	K_PLAINTEXT = 32,
};

/* The names of the lists above, by hash: hash, index + 1 into names[],
 * and kind. Filled on first use; open addressing. */
#define KIND_SLOTS 256
static struct {
	uint32_t h;
	uint8_t ix;
	uint8_t kind;
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
			kind_names[nkind_names++] = *l;
			kinds[i].h = h;
			kinds[i].ix = (uint8_t)nkind_names;
		}
		kinds[i].kind |= (uint8_t)k;
	}
}

static int tag_kind(const char *name, uint32_t h)
{
	static const char *const foreign[] = { "svg", "math", NULL };
	static const char *const plaintext[] = { "plaintext", NULL };
	unsigned i;

	if (!nkind_names) {
		kind_add(void_tags, K_VOID);
		kind_add(raw_tags, K_RAW);
		kind_add(sibling_tags, K_SIBLING);
		kind_add(scope_tags, K_SCOPE);
		kind_add(foreign, K_FOREIGN);
		kind_add(plaintext, K_PLAINTEXT);
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
		if (k < 31)
			name[k++] = (char)((c >= 'A' && c <= 'Z') ? c + 32 : c);
		i++;
	}
	name[k] = '\0';
	return i;
}

/* Skip the rest of a tag (attributes, quoted values) up to and past '>';
 * sets *selfclose when it ends in "/>". */
static size_t tag_end(const char *s, size_t i, size_t n, int *selfclose)
{
	char q = 0;

	*selfclose = 0;
	for (; i < n; i++) {
		char c = s[i];
		if (q) {
			if (c == q)
				q = 0;
		} else if (c == '"' || c == '\'') {
			/* only an attribute value opens a quote: after '=' */
			size_t k = i;
			while (k > 0 && (s[k - 1] == ' ' || s[k - 1] == '\t' || s[k - 1] == '\n'))
				k--;
			if (k > 0 && s[k - 1] == '=')
				q = c;
		} else if (c == '>') {
			*selfclose = i > 0 && s[i - 1] == '/';
			return i + 1;
		}
	}
	return n;
}

int guard_scan(const char *s, size_t n, int max_depth, char *err,
    size_t errsize)
{
	uint32_t stack[GUARD_STACK + 1];
	uint8_t scope[GUARD_STACK + 1];
	size_t depth = 0, i = 0, limit;
	size_t foreign = 0; /* depth just inside the open svg or math, or 0 */
	char name[32];

	limit = max_depth < 1 ? 1 : max_depth > GUARD_STACK ? GUARD_STACK : (size_t)max_depth;
	while (i < n) {
		const char *lt = memchr(s + i, '<', n - i);
		int sc;
		if (!lt)
			break;
		i = (size_t)(lt - s) + 1;
		if (i >= n)
			break;
		if (s[i] == '!') {
			if (n - i >= 3 && s[i + 1] == '-' && s[i + 2] == '-') {
				const char *e = memmem(s + i + 3, n - i - 3, "-->", 3);
				i = e ? (size_t)(e - s) + 3 : n;
			} else {
				const char *e = memchr(s + i, '>', n - i);
				i = e ? (size_t)(e - s) + 1 : n;
			}
		} else if (s[i] == '?') {
			const char *e = memchr(s + i, '>', n - i);
			i = e ? (size_t)(e - s) + 1 : n;
		} else if (s[i] == '/') {
			size_t k;
			uint32_t h;
			if (i + 1 >= n || !is_alpha((unsigned char)s[i + 1]))
				continue;
			i = tag_name(s, i + 1, n, name);
			i = tag_end(s, i, n, &sc);
			h = name_hash(name);
			for (k = depth; k > 0 && depth - k < GUARD_LOOKBACK; k--) {
				if (stack[k - 1] == h) {
					depth = k - 1;
					break;
				}
			}
			if (foreign > depth)
				foreign = 0;
		} else if (is_alpha((unsigned char)s[i])) {
			uint32_t h;
			int kind;
			i = tag_name(s, i, n, name);
			i = tag_end(s, i, n, &sc);
			h = name_hash(name);
			kind = tag_kind(name, h);
			if (kind & K_PLAINTEXT)
				break;
			if (kind & K_RAW) {
				/* skip to the matching end tag */
				size_t nl = strlen(name);
				for (;;) {
					const char *e = memmem(s + i, n - i, "</", 2);
					if (!e) {
						i = n;
						break;
					}
					i = (size_t)(e - s) + 2;
					if (n - i >= nl && !strncasecmp(s + i, name, nl))
						break;
				}
				continue;
			}
			/* "/>" closes an element only in SVG and MathML */
			if ((sc && foreign) || (kind & K_VOID))
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
		}
	}
	return 0;
}
