#!/bin/sh
# bench-winagg.sh -- winagg against its anchors on the same simulated ticks,
# in one run: 1-minute tumbling OHLCV by symbol (500 symbols, 1M ticks)
# with winagg, with DuckDB on one thread (the same GROUP BY over the same
# NDJSON, timing only the query) and with jq (reduce over inputs, on fewer
# ticks); winagg's sliding 5m/1m windows against DuckDB's tumbling; and
# winagg's peak RSS with 10,000 symbols.
#
# Run from the repository root with the built programs first on PATH
# (make bench does this). TICKS, JQ_TICKS and RUNS change the sizes.
set -eu

TICKS=${TICKS:-1000000}
JQ_TICKS=${JQ_TICKS:-100000}
RUNS=${RUNS:-3}
TOP=$(pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

command -v mkt-sim >/dev/null || { echo "bench-winagg: mkt-sim is not built" >&2; exit 1; }

now_ns() { date +%s%N; }

# best_of CMD... -- run CMD (output to /dev/null) RUNS times; print the
# fastest wall time in nanoseconds.
best_of() {
	best=0
	i=0
	while [ $i -lt "$RUNS" ]; do
		t0=$(now_ns)
		"$@" > /dev/null
		t1=$(now_ns)
		d=$((t1 - t0))
		if [ $best -eq 0 ] || [ $d -lt $best ]; then best=$d; fi
		i=$((i + 1))
	done
	echo $best
}

rate() { awk -v n="$1" -v ns="$2" 'BEGIN { printf "%.0f", n / (ns / 1e9) }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

mkt-sim --symbols 500 --count "$TICKS" --seed 1 > "$tmp/ticks.ndjson"
mkt-sim --symbols 10000 --count "$TICKS" --seed 2 > "$tmp/ticks10k.ndjson"
head -n "$JQ_TICKS" "$tmp/ticks.ndjson" > "$tmp/ticks-jq.ndjson"
n=$(wc -l < "$tmp/ticks.ndjson")
njq=$(wc -l < "$tmp/ticks-jq.ndjson")

# ---- winagg
tumble() { winagg --key symbol --size 1m < "$tmp/ticks.ndjson"; }
slide() { winagg --key symbol --size 5m --slide 1m < "$tmp/ticks.ndjson"; }
t_tumble=$(best_of tumble)
t_slide=$(best_of slide)
rows_winagg=$(tumble | wc -l)

# ---- DuckDB, one thread: the same windows as a GROUP BY; only the query is timed
cat > "$tmp/duck.js" <<'EOF'
const { DuckDBInstance } = require(process.env.TOP + '/node_modules/@duckdb/node-api');
(async () => {
	const inst = await DuckDBInstance.create(':memory:', { threads: '1' });
	const conn = await inst.connect();
	await conn.run('SET threads = 1');
	const sql = `SELECT symbol, (ts // 60000) * 60000 AS window_start,
		(ts // 60000) * 60000 + 60000 AS window_end,
		arg_min(price, ts) AS open, max(price) AS high, min(price) AS low,
		arg_max(price, ts) AS close, sum(size) AS volume,
		sum(price * size) / sum(size) AS vwap, count(*) AS count
		FROM read_ndjson('${process.argv[2]}',
			columns = {type: 'VARCHAR', symbol: 'VARCHAR', price: 'DOUBLE',
				size: 'DOUBLE', ts: 'BIGINT', venue: 'VARCHAR'})
		GROUP BY ALL`;
	let best = 0, rows = 0;
	for (let i = 0; i < Number(process.argv[3]); i++) {
		const t0 = process.hrtime.bigint();
		const r = await conn.runAndReadAll(sql);
		rows = r.getRows().length;
		const d = Number(process.hrtime.bigint() - t0);
		if (best === 0 || d < best) best = d;
	}
	console.log(best, rows);
})().catch(e => { console.error(e.message); process.exit(1); });
EOF
set -- $(TOP="$TOP" node "$tmp/duck.js" "$tmp/ticks.ndjson" "$RUNS")
t_duck=$1
rows_duck=$2

# ---- jq: reduce over inputs, the same OHLCV per symbol and minute
jqprog='reduce inputs as $t ({};
	($t.ts / 60000 | floor) as $w
	| .[$t.symbol + " " + ($w | tostring)] |= (
		if . == null then {symbol: $t.symbol, window_start: ($w * 60000),
			window_end: ($w * 60000 + 60000), open: $t.price, high: $t.price,
			low: $t.price, close: $t.price, volume: $t.size, pv: ($t.price * $t.size),
			count: 1, ft: $t.ts, lt: $t.ts}
		else .high = ([.high, $t.price] | max) | .low = ([.low, $t.price] | min)
			| (if $t.ts < .ft then .open = $t.price | .ft = $t.ts else . end)
			| (if $t.ts >= .lt then .close = $t.price | .lt = $t.ts else . end)
			| .volume += $t.size | .pv += $t.price * $t.size | .count += 1
		end))
	| .[] | .vwap = .pv / .volume | del(.pv, .ft, .lt)'
jqrun() { jq -nc "$jqprog" "$tmp/ticks-jq.ndjson"; }
t0=$(now_ns); jqrun > /dev/null; t_jq=$(( $(now_ns) - t0 ))

# ---- memory with 10,000 symbols
rss_kb=$( { /usr/bin/time -f '%M' winagg --key symbol --size 1m < "$tmp/ticks10k.ndjson" > /dev/null; } 2>&1 | tail -n 1)
rss_slide_kb=$( { /usr/bin/time -f '%M' winagg --key symbol --size 5m --slide 1m < "$tmp/ticks10k.ndjson" > /dev/null; } 2>&1 | tail -n 1)

r_tumble=$(rate "$n" "$t_tumble")
r_slide=$(rate "$n" "$t_slide")
r_duck=$(rate "$n" "$t_duck")
r_jq=$(rate "$njq" "$t_jq")

printf '%-52s %12s ticks/s\n' "winagg 1m tumbling OHLCV ($n ticks, 500 symbols)" "$r_tumble"
printf '%-52s %12s ticks/s\n' "winagg 5m/1m sliding OHLCV" "$r_slide"
printf '%-52s %12s ticks/s\n' "duckdb 1 thread, GROUP BY symbol, minute" "$r_duck"
printf '%-52s %12s ticks/s\n' "jq reduce over inputs ($njq ticks)" "$r_jq"
printf 'rows: winagg %s, duckdb %s\n' "$rows_winagg" "$rows_duck"
printf 'ratio winagg/duckdb          %6sx (goal >= 2)\n' "$(ratio "$r_tumble" "$r_duck")"
printf 'ratio winagg sliding/duckdb  %6sx (goal >= 1)\n' "$(ratio "$r_slide" "$r_duck")"
printf 'ratio winagg/jq              %6sx\n' "$(ratio "$r_tumble" "$r_jq")"
printf 'winagg max RSS, 10000 symbols: tumbling %s MB, sliding %s MB (goal < 64 MB)\n' \
	"$(awk -v k="$rss_kb" 'BEGIN { printf "%.1f", k / 1024 }')" \
	"$(awk -v k="$rss_slide_kb" 'BEGIN { printf "%.1f", k / 1024 }')"
[ "$rows_winagg" = "$rows_duck" ] || { echo "bench-winagg: row counts differ" >&2; exit 1; }
