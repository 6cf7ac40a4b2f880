#!/bin/sh
# bench-winagg.sh -- winagg against its anchors on the same simulated ticks,
# in one run: 1-minute tumbling OHLCV by symbol (500 symbols, 1M ticks)
# with winagg, with DuckDB on one thread (the same GROUP BY over the same
# NDJSON, timing only the query) and with jq (reduce over inputs, the same
# ticks; JQ_TICKS=100000 shortens its minute and a half); winagg's sliding 5m/1m windows against DuckDB's tumbling; and
# winagg's peak RSS with 10,000 symbols.
#
# Run from the repository root with the built programs first on PATH
# (make bench does this). TICKS, JQ_TICKS, RUNS and STEP (event time between
# two ticks, default 1ms) change the sizes.
set -eu

TICKS=${TICKS:-1000000}
JQ_TICKS=${JQ_TICKS:-$TICKS}
RUNS=${RUNS:-5}
STEP=${STEP:-1ms}   # event time between ticks: 1000 ticks a second of market
TOP=$(pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

command -v mkt-sim >/dev/null || { echo "bench-winagg: mkt-sim is not built" >&2; exit 1; }

# best_of NAME RUNS INPUT CMD... -- run CMD < INPUT RUNS times (output to
# /dev/null); set NAME_wall and NAME_cpu to the least wall-clock and CPU
# (user + system) seconds. CPU time is the steadier figure on a busy machine.
# bash's time gives milliseconds (time(1) prints hundredths, too coarse for
# a run of a tenth of a second).
best_of() {
	name=$1 runs=$2 input=$3
	shift 3
	bw=0 bc=0 i=0
	while [ $i -lt "$runs" ]; do
		bash -c 'TIMEFORMAT="%3R %3U %3S"; in=$1 out=$2; shift 2
			{ time "$@" < "$in" > /dev/null 2> /dev/null; } 2> "$out"' \
			best_of "$input" "$tmp/time" "$@"
		read -r w u s < "$tmp/time"
		c=$(awk -v u="$u" -v s="$s" 'BEGIN { print u + s }')
		bw=$(awk -v a="$bw" -v b="$w" 'BEGIN { print (a == 0 || b < a) ? b : a }')
		bc=$(awk -v a="$bc" -v b="$c" 'BEGIN { print (a == 0 || b < a) ? b : a }')
		i=$((i + 1))
	done
	eval "${name}_wall=\$bw ${name}_cpu=\$bc"
}

rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }

mkt-sim --symbols 500 --count "$TICKS" --seed 1 --step "$STEP" > "$tmp/ticks.ndjson"
mkt-sim --symbols 10000 --count "$TICKS" --seed 2 --step "$STEP" > "$tmp/ticks10k.ndjson"
head -n "$JQ_TICKS" "$tmp/ticks.ndjson" > "$tmp/ticks-jq.ndjson"
n=$(wc -l < "$tmp/ticks.ndjson")
njq=$(wc -l < "$tmp/ticks-jq.ndjson")

# ---- winagg
best_of tumble "$RUNS" "$tmp/ticks.ndjson" winagg --key symbol --size 1m
best_of slide "$RUNS" "$tmp/ticks.ndjson" winagg --key symbol --size 5m --slide 1m
rows_winagg=$(winagg --key symbol --size 1m < "$tmp/ticks.ndjson" | wc -l)

# ---- DuckDB, one thread: the same windows as a GROUP BY; only the query
# is timed (wall clock, and the process's CPU time over the query)
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
		FROM read_ndjson('${process.argv[2]}'${process.argv[4] === 'typed' ? `,
			columns = {type: 'VARCHAR', symbol: 'VARCHAR', price: 'DOUBLE',
				size: 'DOUBLE', ts: 'BIGINT', venue: 'VARCHAR'}` : ''})
		GROUP BY ALL`;
	let bw = 0, bc = 0, rows = 0;
	for (let i = 0; i < Number(process.argv[3]); i++) {
		const t0 = process.hrtime.bigint(), c0 = process.cpuUsage();
		const r = await conn.runAndReadAll(sql);
		rows = r.getRows().length;
		const c = process.cpuUsage(c0), w = Number(process.hrtime.bigint() - t0) / 1e9;
		const cpu = (c.user + c.system) / 1e6;
		if (bw === 0 || w < bw) bw = w;
		if (bc === 0 || cpu < bc) bc = cpu;
	}
	console.log(bw, bc, rows);
})().catch(e => { console.error(e.message); process.exit(1); });
EOF
# read_ndjson as it reads a file by default (schema detected from the
# data), and with the column types given (no detection)
set -- $(TOP="$TOP" node "$tmp/duck.js" "$tmp/ticks.ndjson" "$RUNS" auto)
duck_wall=$1 duck_cpu=$2 rows_duck=$3
set -- $(TOP="$TOP" node "$tmp/duck.js" "$tmp/ticks.ndjson" "$RUNS" typed)
duckt_wall=$1 duckt_cpu=$2 rows_duckt=$3

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
best_of jq 1 "$tmp/ticks-jq.ndjson" jq -nc "$jqprog"

# ---- memory with 10,000 symbols
rss() { /usr/bin/time -f '%M' -o "$tmp/rss" "$@" < "$tmp/ticks10k.ndjson" > /dev/null; awk '{ printf "%.1f", $1 / 1024 }' "$tmp/rss"; }
rss_tumble=$(rss winagg --key symbol --size 1m)
rss_slide=$(rss winagg --key symbol --size 5m --slide 1m)

line() {
	printf '%-48s %10s %10s\n' "$1" "$(rate "$2" "$3")" "$(rate "$2" "$4")"
}
printf '%-48s %10s %10s\n' "ticks/s ($n ticks, 500 symbols, step $STEP)" "wall" "cpu"
line "winagg 1m tumbling OHLCV" "$n" "$tumble_wall" "$tumble_cpu"
line "winagg 5m/1m sliding OHLCV" "$n" "$slide_wall" "$slide_cpu"
line "duckdb 1 thread, read_ndjson(file), GROUP BY" "$n" "$duck_wall" "$duck_cpu"
line "duckdb 1 thread, column types given, GROUP BY" "$n" "$duckt_wall" "$duckt_cpu"
line "jq -n reduce over inputs ($njq ticks)" "$njq" "$jq_wall" "$jq_cpu"
ratios() {
	printf '%-48s %9sx %9sx\n' "$1" \
		"$(ratio "$(rate "$2" "$3")" "$(rate "$4" "$5")")" \
		"$(ratio "$(rate "$2" "$6")" "$(rate "$4" "$7")")"
}
ratios "ratio winagg/duckdb (goal >= 2)" "$n" "$tumble_wall" "$n" "$duck_wall" "$tumble_cpu" "$duck_cpu"
ratios "ratio winagg sliding/duckdb (goal >= 1)" "$n" "$slide_wall" "$n" "$duck_wall" "$slide_cpu" "$duck_cpu"
ratios "ratio winagg/duckdb with column types" "$n" "$tumble_wall" "$n" "$duckt_wall" "$tumble_cpu" "$duckt_cpu"
ratios "ratio winagg sliding/duckdb with column types" "$n" "$slide_wall" "$n" "$duckt_wall" "$slide_cpu" "$duckt_cpu"
ratios "ratio winagg/jq" "$n" "$tumble_wall" "$njq" "$jq_wall" "$tumble_cpu" "$jq_cpu"
printf 'rows: winagg %s, duckdb %s and %s\n' "$rows_winagg" "$rows_duck" "$rows_duckt"
printf 'winagg max RSS with 10000 symbols: tumbling %s MB, sliding %s MB (goal < 64 MB)\n' \
	"$rss_tumble" "$rss_slide"
[ "$rows_winagg" = "$rows_duck" ] && [ "$rows_winagg" = "$rows_duckt" ] ||
	{ echo "bench-winagg: row counts differ" >&2; exit 1; }
