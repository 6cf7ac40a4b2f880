#!/bin/sh
# bench-mkt-sim.sh -- mkt-sim and xcross against their anchors, in one run.
#
# mkt-sim: 1M ticks (500 symbols) written to a pipe, against cat(1)
# copying the same bytes (the ceiling of the pipe) and a plain awk random
# walk printing the same shape (a minimal generator, no regimes).
# xcross: SMA(5)/SMA(20) crossovers over the same ticks, against DuckDB on
# one thread (window averages, LAG, the same crossing rule; only the query
# is timed) and awk (per-symbol rings); the alert counts are printed side
# by side. Also xcross --annotate (every row written again, two numbers
# added).
#
# Run from the repository root with the built programs first on PATH
# (make bench does this). TICKS and RUNS change the sizes.
set -eu

TICKS=${TICKS:-1000000}
RUNS=${RUNS:-3}
TOP=$(pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

command -v mkt-sim >/dev/null || { echo "bench-mkt-sim: mkt-sim is not built" >&2; exit 1; }
command -v xcross >/dev/null || { echo "bench-mkt-sim: xcross is not built" >&2; exit 1; }

now_ns() { date +%s%N; }

# best_of CMD... -- run CMD RUNS times, its output through a pipe to
# wc(1) (as into a next stage); print the fastest wall time in ns.
best_of() {
	best=0
	i=0
	while [ $i -lt "$RUNS" ]; do
		t0=$(now_ns)
		"$@" | wc -c > /dev/null
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
n=$(wc -l < "$tmp/ticks.ndjson")

# ---- mkt-sim and its anchors
sim() { mkt-sim --symbols 500 --count "$TICKS" --seed 1; }
catf() { cat "$tmp/ticks.ndjson"; }
awksim() {
	awk -v n="$TICKS" 'BEGIN {
		srand(1)
		for (s = 0; s < 500; s++) p[s] = 10 + 490 * rand()
		for (i = 0; i < n; i++) {
			s = int(rand() * 500)
			p[s] *= exp(0.0008 * sqrt(-2 * log(1 - rand())) * cos(6.283185307 * rand()))
			printf "{\"type\":\"trade\",\"symbol\":\"S%04d\",\"price\":%.2f,\"size\":%d,\"ts\":%d,\"venue\":\"sim\"}\n",
				s + 1, p[s], 100 * int((1 - rand()) ^ (-1 / 1.5)), 1704931200000 + i * 100
		}
	}'
}
t_sim=$(best_of sim)
t_cat=$(best_of catf)
t_awksim=$(best_of awksim)

# ---- xcross and its anchors
xc() { xcross --fast 'sma(price,5)' --slow 'sma(price,20)' < "$tmp/ticks.ndjson"; }
xca() { xcross -a --fast 'sma(price,5)' --slow 'sma(price,20)' < "$tmp/ticks.ndjson"; }
awkx() {
	awk -F'[:,]' '{
		s = $4; p = $6; k = ++c[s]
		if (k > 20) f20[s] -= r[s, k % 20]
		if (k > 5) f5[s] -= r[s, (k - 5) % 20]
		r[s, k % 20] = p; f5[s] += p; f20[s] += p
		if (k >= 20) {
			f = f5[s] / 5; sl = f20[s] / 20
			if (ok[s] && pf[s] <= ps[s] && f > sl) print s, "up"
			else if (ok[s] && pf[s] >= ps[s] && f < sl) print s, "down"
			pf[s] = f; ps[s] = sl; ok[s] = 1
		}
	}' "$tmp/ticks.ndjson"
}
t_xc=$(best_of xc)
t_xca=$(best_of xca)
t_awkx=$(best_of awkx)
alerts_xc=$(xc | wc -l)
alerts_awk=$(awkx | wc -l)

cat > "$tmp/duck.js" <<'EOF'
const { DuckDBInstance } = require(process.env.TOP + '/node_modules/@duckdb/node-api');
(async () => {
	const inst = await DuckDBInstance.create(':memory:', { threads: '1' });
	const conn = await inst.connect();
	await conn.run('SET threads = 1');
	const sql = `WITH t AS (
		SELECT symbol, ts, row_number() OVER w AS rn,
			avg(price) OVER (w ROWS BETWEEN 4 PRECEDING AND CURRENT ROW) AS f,
			avg(price) OVER (w ROWS BETWEEN 19 PRECEDING AND CURRENT ROW) AS s
		FROM read_ndjson('${process.argv[2]}',
			columns = {type: 'VARCHAR', symbol: 'VARCHAR', price: 'DOUBLE',
				size: 'DOUBLE', ts: 'BIGINT', venue: 'VARCHAR'})
		WINDOW w AS (PARTITION BY symbol ORDER BY ts)),
	u AS (SELECT f, s, lag(f) OVER v AS pf, lag(s) OVER v AS ps FROM t
		WHERE rn >= 20 WINDOW v AS (PARTITION BY symbol ORDER BY ts))
	SELECT count(*) FILTER (WHERE pf <= ps AND f > s)
		+ count(*) FILTER (WHERE pf >= ps AND f < s) AS n FROM u`;
	let best = 0, n = 0;
	for (let i = 0; i < Number(process.argv[3]); i++) {
		const t0 = process.hrtime.bigint();
		const r = await conn.runAndReadAll(sql);
		n = Number(r.getRows()[0][0]);
		const d = Number(process.hrtime.bigint() - t0);
		if (best === 0 || d < best) best = d;
	}
	console.log(best, n);
})().catch(e => { console.error(e.message); process.exit(1); });
EOF
set -- $(TOP="$TOP" node "$tmp/duck.js" "$tmp/ticks.ndjson" "$RUNS")
t_duck=$1
alerts_duck=$2

r_sim=$(rate "$n" "$t_sim")
r_cat=$(rate "$n" "$t_cat")
r_awksim=$(rate "$n" "$t_awksim")
r_xc=$(rate "$n" "$t_xc")
r_xca=$(rate "$n" "$t_xca")
r_awkx=$(rate "$n" "$t_awkx")
r_duck=$(rate "$n" "$t_duck")

printf '%-52s %12s ticks/s\n' "mkt-sim ($n ticks, 500 symbols) into a pipe" "$r_sim"
printf '%-52s %12s ticks/s\n' "cat of the same bytes into a pipe" "$r_cat"
printf '%-52s %12s ticks/s\n' "awk random walk, same shape" "$r_awksim"
printf 'ratio mkt-sim/cat            %6sx\n' "$(ratio "$r_sim" "$r_cat")"
printf 'ratio mkt-sim/awk            %6sx\n' "$(ratio "$r_sim" "$r_awksim")"
printf '%-52s %12s rows/s\n' "xcross sma(5)/sma(20) over ticks" "$r_xc"
printf '%-52s %12s rows/s\n' "xcross --annotate" "$r_xca"
printf '%-52s %12s rows/s\n' "duckdb 1 thread, window avg + lag" "$r_duck"
printf '%-52s %12s rows/s\n' "awk per-symbol rings" "$r_awkx"
printf 'alerts: xcross %s, duckdb %s, awk %s (the others also cross on rounding noise)\n' \
	"$alerts_xc" "$alerts_duck" "$alerts_awk"
printf 'ratio xcross/duckdb          %6sx\n' "$(ratio "$r_xc" "$r_duck")"
printf 'ratio xcross/awk             %6sx\n' "$(ratio "$r_xc" "$r_awkx")"
