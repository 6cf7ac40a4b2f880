/* SPDX-License-Identifier: MIT */
/* sentiment_tokens.c -- libFuzzer harness: sentiment's tokenizer, scorer,
 * symbol and entity finders on any bytes.
 *
 * tools/sentiment.c is included whole, its main() left out (FUZZING). A
 * small lexicon, phrase list and symbols file are set up once. For every
 * input the harness checks that the tokens lie in order inside the text
 * and do not overlap, that their lower-case forms lie inside the lower
 * buffer, that a word found in the word table is that entry's word,
 * that the tokenizer's flags and its lists of symbol candidates and
 * capitalised words agree with the tokens, that a dot kept inside a
 * sentence (T_ABBR) is a '.' glued to the word before it and followed by
 * more text, that the score is a number
 * in [-1, 1], and that every symbol and entity found is a slice of the
 * text or a listed ticker. */
#define FUZZING 1
#include "../../tools/sentiment.c"

static void setup(void)
{
	static const char *const lex[][2] = {
		{ "good", "300" }, { "bad", "-300" }, { "loss", "-300" },
		{ "profit", "200" }, { "rose", "100" }, { "great", "300" },
	};
	size_t i;

	classes_init();
	for (i = 0; i < sizeof(lex) / sizeof(lex[0]); i++) {
		size_t w = winfo_put(lex[i][0], strlen(lex[i][0]));
		winfos[w].lex = atoi(lex[i][1]);
		winfos[w].haslex = 1;
		winfo_sync(w);
	}
	phrase_add("beat* estimates", 15, 3);
	phrase_add("raise* guidance", 15, 3);
	phrase_add("# week high", 11, 2);
	phrase_add("files for bankruptcy", 20, -5);
	name_add("Apple Inc", 9, sym_intern("AAPL", 4), "fuzz", 1);
	name_add("Apple", 5, sym_intern("AAPL", 4), "fuzz", 2);
	name_add("bitcoin", 7, sym_intern("BTC", 3), "fuzz", 3);
	name_add("Bank of America", 15, sym_intern("BAC", 3), "fuzz", 4);
	sym_intern("TSLA", 4);
	symword[sym_intern("NOW", 3)] = 1;
}

static int in_range(const char *p, size_t n, const char *base, size_t blen)
{
	return p >= base && p + n <= base + blen;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	const char *s = (const char *)data;
	size_t i, prev_end = 0;
	double x, score;

	if (!ready) {
		setup();
		ready = 1;
	}
	if (size > 65536)
		return 0;
	if (tokenize(s, size, &ts) < 0)
		abort();
	for (i = 0; i < ts.n; i++) {
		const struct tok *t = &ts.t[i];
		if (t->off < prev_end || (size_t)t->off + t->len > size || t->len == 0)
			abort();
		if ((size_t)t->loff + t->llen > ts.lower.len)
			abort();
		if (t->kind == T_WORD && t->llen == 0)
			abort();
		/* a word's table entry, when it has one, holds its bytes */
		if (t->wid >= 0 && (t->kind != T_WORD || winfos[t->wid].klen != t->llen ||
		    memcmp(winfos[t->wid].key, ts.lower.p + t->loff, t->llen)))
			abort();
		/* the flags later passes rely on */
		if (!!(t->flags & TF_CAPW) != (t->kind == T_WORD && (t->flags & TF_CAP)))
			abort();
		if ((t->flags & TF_STAR) && (t->kind != T_WORD || t->llen < PKEY))
			abort();
		if (t->kind == T_CASH && !(t->flags & TF_SYM))
			abort();
		if (t->kind == T_ABBR && (t->len != 1 || s[t->off] != '.' || i == 0 ||
		    ts.t[i - 1].kind != T_WORD || ts.t[i - 1].off + ts.t[i - 1].len != t->off ||
		    i + 1 == ts.n))
			abort();
		prev_end = t->off + t->len;
	}
	/* the lists of symbol candidates and capitalised words: exactly the
	 * flagged tokens, in order */
	{
		size_t ns = 0, nc = 0;
		for (i = 0; i < ts.n; i++) {
			if (ts.t[i].flags & TF_SYM) {
				if (ns >= ts.nsymc || ts.symc[ns] != i)
					abort();
				ns++;
			}
			if (ts.t[i].flags & TF_CAPW) {
				if (nc >= ts.ncapc || ts.capc[nc] != i)
					abort();
				nc++;
			}
		}
		if (ns != ts.nsymc || nc != ts.ncapc)
			abort();
	}
	x = score_text(&ts, 0);
	score = x / sqrt(x * x + ALPHA);
	if (!isfinite(x) || !(score >= -1 && score <= 1))
		abort();
	find_symbols(s, size, &ts);
	for (i = 0; i < syms.n; i++) {
		size_t k;
		int listed = 0;
		for (k = 0; k < nsym; k++)
			if (syms.s[i] == symtab[k])
				listed = 1;
		if (!listed && !in_range(syms.s[i], syms.len[i], s, size))
			abort();
	}
	find_entities(s, &ts);
	for (i = 0; i < ents.n; i++)
		if (!in_range(ents.s[i], ents.len[i], s, size) || ents.len[i] == 0)
			abort();
	return 0;
}
