#!/bin/sh
# bench-json.sh -- the JSON scanner of lib/ against jq, in one run, on the
# same ticks: MB/s of mkt_json_scan (validate each line and read symbol,
# price and ts from it, as the tools do) and of mkt_json_validate, against
# jq -c . (parse and print each record) and jq -c 'select(.price > 100)'.
# Informative only: jq builds a tree and prints, the scanner does neither.
#
# Run from the repository root (make bench does this). TICKS and RUNS
# change the sizes; MKT_BUILD names the build (for libmkt.a).
set -eu

TICKS=${TICKS:-1000000}
RUNS=${RUNS:-3}
: "${MKT_BUILD:=$PWD/build}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

[ -f "$MKT_BUILD/libmkt.a" ] || { echo "bench-json: $MKT_BUILD/libmkt.a is not built" >&2; exit 1; }

# the ticks: mkt-sim's when it is built, else the same shape from awk
if command -v mkt-sim >/dev/null 2>&1; then
	mkt-sim --count "$TICKS" --seed 7 > "$tmp/ticks.ndjson"
	src="mkt-sim --count $TICKS --seed 7"
else
	awk -v n="$TICKS" 'BEGIN {
		srand(7); split("AAPL TSLA MSFT NVDA AMZN GOOG META NFLX AMD INTC", s, " ")
		for (i = 0; i < n; i++)
			printf "{\"type\":\"trade\",\"symbol\":\"%s\",\"price\":%.2f,\"size\":%d,\"ts\":%d,\"venue\":\"sim\"}\n",
			    s[i % 10 + 1], 50 + rand() * 200, 1 + int(rand() * 500), 1704931200000 + i * 7
	}' > "$tmp/ticks.ndjson"
	src="awk (mkt-sim is not built)"
fi
bytes=$(wc -c < "$tmp/ticks.ndjson")

cat > "$tmp/scan.c" <<'CEOF'
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "io.h"
#include "json.h"
int main(int argc, char **argv)
{
	struct mkt_reader r;
	struct mkt_jobj o = { 0 };
	struct mkt_buf tmp = MKT_BUF_INIT;
	const char *line, *s;
	size_t len, sl;
	char err[128];
	double price, sum = 0;
	int64_t ts, tsum = 0;
	long bad = 0, n = 0;
	int validate_only = argc > 1 && strcmp(argv[1], "validate") == 0, rc;
	const struct mkt_jfield *f;

	if (mkt_reader_init(&r, 0, "stdin", 0, err, sizeof(err)) < 0)
		return 1;
	while ((rc = mkt_reader_next(&r, &line, &len)) == MKT_READ_LINE) {
		n++;
		if (validate_only) {
			if (mkt_json_validate(line, len, err, sizeof(err)) != MKT_JOBJ)
				bad++;
			continue;
		}
		if (mkt_json_scan(&o, line, len, err, sizeof(err)) < 0 ||
		    (f = mkt_jobj_gets(&o, "symbol")) == NULL ||
		    mkt_jfield_string(f, &tmp, &s, &sl) < 0 ||
		    (f = mkt_jobj_gets(&o, "price")) == NULL ||
		    mkt_jfield_double(f, 0, &price) < 0 ||
		    (f = mkt_jobj_gets(&o, "ts")) == NULL ||
		    mkt_jfield_int64(f, &ts) < 0) {
			bad++;
			continue;
		}
		sum += price + (double)sl;
		tsum += ts;
	}
	printf("%ld %ld %f %lld\n", n, bad, sum, (long long)tsum);
	return bad != 0 || rc != MKT_READ_EOF;
}
CEOF
cc -std=c11 -O2 -D_GNU_SOURCE -I"$PWD/lib" -o "$tmp/scan" "$tmp/scan.c" "$MKT_BUILD/libmkt.a" -lm

now_ns() { date +%s%N; }

# best_of CMD... -- fastest of RUNS wall times (ns), stdin the ticks.
best_of() {
	best=0
	i=0
	while [ $i -lt "$RUNS" ]; do
		t0=$(now_ns)
		"$@" < "$tmp/ticks.ndjson" > /dev/null
		t1=$(now_ns)
		d=$((t1 - t0))
		if [ $best -eq 0 ] || [ $d -lt $best ]; then best=$d; fi
		i=$((i + 1))
	done
	echo $best
}

mbs() { awk -v b="$bytes" -v ns="$1" 'BEGIN { printf "%.1f", b / 1e6 / (ns / 1e9) }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b / a }'; }

"$tmp/scan" < "$tmp/ticks.ndjson" > /dev/null || { echo "bench-json: the scanner refused a tick" >&2; exit 1; }
t_scan=$(best_of "$tmp/scan")
t_val=$(best_of "$tmp/scan" validate)
t_jq=$(best_of jq -c .)
t_jqs=$(best_of jq -c 'select(.price > 100)')

echo "ticks: $TICKS from $src, $bytes bytes, best of $RUNS"
printf '%-44s %10s %10s\n' "" "MB/s" "x jq -c ."
printf '%-44s %10s %10s\n' "mkt_json_scan + symbol, price, ts" "$(mbs "$t_scan")" "$(ratio "$t_scan" "$t_jq")"
printf '%-44s %10s %10s\n' "mkt_json_validate" "$(mbs "$t_val")" "$(ratio "$t_val" "$t_jq")"
printf '%-44s %10s %10s\n' "jq -c ." "$(mbs "$t_jq")" "1.0"
printf '%-44s %10s %10s\n' "jq -c 'select(.price > 100)'" "$(mbs "$t_jqs")" "$(ratio "$t_jqs" "$t_jq")"
