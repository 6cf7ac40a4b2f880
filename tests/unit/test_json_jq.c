/* SPDX-License-Identifier: MIT */
/* test_json_jq.c -- lib/json.c's scanner against libjq's parser, as a unit
 * test: the fuzz harness's oracle (tests/fuzz/json_scan.c, which aborts on
 * any disagreement and prints it) run over a fixed corpus, so that `make
 * unit` checks the same agreement without clang or libFuzzer.
 *
 * The corpus: the hand-written cases below, every seed of the harness
 * (tests/fuzz/json_scan.seeds, read from the top of the source tree), and
 * deterministic mutations of each: every prefix, and every byte replaced
 * in turn by each of a few bytes that change the grammar's path (quotes,
 * brackets, separators, digits, signs, escapes, control and non-ASCII
 * bytes). */
#include "../fuzz/json_scan.c"

#include <dirent.h>

#include "unit.h"

#define SEEDS "tests/fuzz/json_scan.seeds"

static const char *const cases[] = {
	"{\"type\":\"trade\",\"symbol\":\"AAPL\",\"price\":175.5,\"size\":100,\"ts\":1704931200000}",
	"{}", " { } ", "{\"a\":1,\"a\":2}", "{\"a\":[1,[2,{\"b\":null}]],\"c\":{}}",
	"{\"s\":\"\\u00e9\\ud83d\\ude00\\n\\t\\\"\\\\/\"}", "{\"e\":1e308,\"f\":-0.0,\"g\":5e-324}",
	"{\"big\":123456789012345678901234567890,\"x\":0.1}", "{\"t\":true,\"f\":false,\"n\":null}",
	"{\"k\":\"caf\xc3\xa9\",\"\xe2\x82\xac\":1}", "[1,2]", "\"str\"", "42", "null", "",
	"{", "}", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "{,}", "{\"a\":01}", "{\"a\":1.}",
	"{\"a\":.5}", "{\"a\":+1}", "{\"a\":nan}", "{\"a\":\"\\x\"}", "{\"a\":\"\\u12\"}",
	"{\"a\":\"\x01\"}", "{\"a\":\"\xff\"}", "{\"a\":\"\xc0\xaf\"}", "{\"a\":1} x", "{\"a\":1}{}",
	"{\"a\":tru}", "{\"a\":[1,]}", "{\"a\":[1 2]}", "{'a':1}", "{\"a\":1 \"b\":2}",
};

static int ncompared;

static void one(const char *s, size_t n)
{
	LLVMFuzzerTestOneInput((const uint8_t *)s, n);
	ncompared++;
}

static void with_mutations(const char *s, size_t n)
{
	static const char subst[] = "\"\\{}[],: 0-.eE\x01\x7f\x80\xff";
	char *m = malloc(n + 1);

	CHECK(m != NULL);
	if (!m)
		return;
	one(s, n);
	for (size_t len = 0; len < n; len++)
		one(s, len);
	for (size_t i = 0; i < n; i++) {
		memcpy(m, s, n);
		for (size_t k = 0; k < sizeof(subst) - 1; k++) {
			if (s[i] == subst[k])
				continue;
			m[i] = subst[k];
			one(m, n);
		}
	}
	free(m);
}

static void test_cases(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		with_mutations(cases[i], strlen(cases[i]));
	CHECK(ncompared > 1000);
}

static void test_seeds(void)
{
	DIR *d = opendir(SEEDS);
	struct dirent *e;
	int nfiles = 0;

	CHECK(d != NULL);
	if (!d) {
		fprintf(stderr, "test_json_jq: cannot open %s (run from the top of the tree)\n", SEEDS);
		return;
	}
	while ((e = readdir(d)) != NULL) {
		char path[512], buf[1 << 16];
		FILE *f;
		size_t n;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", SEEDS, e->d_name);
		f = fopen(path, "rb");
		CHECK(f != NULL);
		if (!f)
			continue;
		n = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		with_mutations(buf, n);
		nfiles++;
	}
	closedir(d);
	CHECK(nfiles >= 20);
}

int main(void)
{
	test_cases();
	test_seeds();
	printf("test_json_jq: %d texts agreed with jq\n", ncompared);
	UNIT_END();
}
