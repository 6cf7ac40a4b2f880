#!/bin/sh
# bench-pgsink.sh -- pgsink's rows/s into PostgreSQL against psql's
# \copy of the same rows as CSV, side by side, in one run, on a sandbox
# cluster of its own (scripts/pg-sandbox):
#   append: 1M ticks, pgsink -t price_ticks  vs  \copy price_ticks FROM csv
#           (default batches of 50000 rows, and the whole file as one batch,
#           which is what \copy does: each batch is a COPY and a commit)
#   upsert: the same ticks with an id, pgsink -k id into an empty table
#           with a primary key  vs  \copy into the same shape of table
#   replay: pgsink -k id again over the full table (every row an update),
#           informative, against the same \copy figure
# Goals: append >= 0.9x psql, upsert >= 0.5x psql.
#
# Run from the repository root with the built binaries first on PATH
# (make bench does this). ROWS changes the size, RUNS the number of runs
# of which the fastest counts (the machine may be busy).
set -eu

ROWS=${ROWS:-1000000}
RUNS=${RUNS:-3}
tmp=$(mktemp -d /tmp/mktpipe-bench-pg.XXXXXX)
chmod 755 "$tmp"
cleanup() {
	scripts/pg-sandbox stop "$tmp/pg" >/dev/null 2>&1 || true
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

unset PGHOST PGHOSTADDR PGPORT PGDATABASE PGUSER PGPASSWORD PGSERVICE DATABASE_URL
eval "$(scripts/pg-sandbox start "$tmp/pg" 2>/dev/null)"

# the ticks: mkt-sim's when it is built, else the same shape from awk;
# NDJSON for pgsink, CSV (times as RFC 3339) for psql, made here, untimed
if command -v mkt-sim >/dev/null 2>&1 &&
	mkt-sim --symbols 500 --count "$ROWS" --seed 7 >"$tmp/sim.ndjson" 2>/dev/null &&
	[ -s "$tmp/sim.ndjson" ]; then
	src="mkt-sim --symbols 500 --count $ROWS"
	jq -c '{symbol, price, size, ts, venue}' "$tmp/sim.ndjson" >"$tmp/ticks.ndjson"
else
	src="awk (mkt-sim is not built)"
	awk -v n="$ROWS" 'BEGIN {
		srand(7)
		for (k = 0; k < 500; k++) p[k] = 20 + rand() * 400
		for (i = 0; i < n; i++) {
			k = int(rand() * 500)
			p[k] = p[k] * (1 + (rand() - 0.5) / 500)
			printf "{\"symbol\":\"S%03d\",\"price\":%.4f,\"size\":%d,\"ts\":%d,\"venue\":\"sim\"}\n",
			    k, p[k], 1 + int(rand() * 500), 1704931200000 + i * 3
		}
	}' >"$tmp/ticks.ndjson"
fi
jq -r '[.symbol, .price, .size,
	((.ts / 1000 | floor | todate | .[:-1]) + "." + ("00" + (.ts % 1000 | tostring) | .[-3:]) + "Z"),
	.venue] | @csv' "$tmp/ticks.ndjson" >"$tmp/ticks.csv"
awk '{ printf "{\"id\":%d,%s\n", NR, substr($0, 2) }' "$tmp/ticks.ndjson" >"$tmp/kticks.ndjson"
awk '{ printf "%d,%s\n", NR, $0 }' "$tmp/ticks.csv" >"$tmp/kticks.csv"
rows=$(wc -l <"$tmp/ticks.ndjson" | tr -d ' ')

psql -X -q -v ON_ERROR_STOP=1 >/dev/null <<'EOF'
CREATE TABLE price_ticks (symbol text NOT NULL, price double precision NOT NULL,
	size double precision, ts timestamptz NOT NULL, venue text);
CREATE TABLE kticks (id bigint PRIMARY KEY, symbol text NOT NULL,
	price double precision NOT NULL, size double precision, ts timestamptz NOT NULL, venue text);
EOF

now() { date +%s%N; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
reset() { psql -X -q -c "TRUNCATE price_ticks, kticks" -c "CHECKPOINT" >/dev/null; }
check() {
	got=$(psql -X -At -c "SELECT count(*) FROM $1")
	[ "$got" = "$rows" ] || { echo "bench-pgsink: $1 has $got rows, expected $rows" >&2; exit 1; }
}
# best TABLE NOREST CMD... -- rows/s of the fastest of RUNS runs of CMD
# (the table emptied before each unless NOREST is 1, for the replay)
best() {
	table=$1 norest=$2
	shift 2
	bt=""
	i=0
	while [ $i -lt "$RUNS" ]; do
		[ "$norest" = 1 ] || reset
		t0=$(now)
		"$@"
		t1=$(now)
		check "$table"
		t=$((t1 - t0))
		if [ -z "$bt" ] || [ "$t" -lt "$bt" ]; then bt=$t; fi
		i=$((i + 1))
	done
	awk -v n="$rows" -v t="$bt" 'BEGIN { printf "%.0f", n / (t / 1e9) }'
}
pgsink_app() { pgsink -t price_ticks <"$tmp/ticks.ndjson"; }
pgsink_app1() { pgsink -t price_ticks --batch "$rows" <"$tmp/ticks.ndjson"; }
pgsink_key() { pgsink -t kticks -k id <"$tmp/kticks.ndjson"; }
psql_app() { psql -X -q -c "\\copy price_ticks FROM '$tmp/ticks.csv' WITH (FORMAT csv)"; }
psql_key() { psql -X -q -c "\\copy kticks FROM '$tmp/kticks.csv' WITH (FORMAT csv)"; }

psql_app=$(best price_ticks 0 psql_app)
pg_app=$(best price_ticks 0 pgsink_app)
pg_app1=$(best price_ticks 0 pgsink_app1)
psql_key=$(best kticks 0 psql_key)
pg_key=$(best kticks 0 pgsink_key)
pg_replay=$(best kticks 1 pgsink_key)

echo "ticks: $rows rows from $src; best of $RUNS runs each"
printf '%-34s %12s %12s %8s %6s\n' "mode" "pgsink r/s" "psql r/s" "ratio" "goal"
printf '%-34s %12s %12s %8s %6s\n' "append (batches of 50000)" "$pg_app" "$psql_app" "$(ratio "$pg_app" "$psql_app")x" "0.9x"
printf '%-34s %12s %12s %8s %6s\n' "append (--batch $rows, one tx)" "$pg_app1" "$psql_app" "$(ratio "$pg_app1" "$psql_app")x" "-"
printf '%-34s %12s %12s %8s %6s\n' "upsert -k id (new keys)" "$pg_key" "$psql_key" "$(ratio "$pg_key" "$psql_key")x" "0.5x"
printf '%-34s %12s %12s %8s %6s\n' "upsert replay (all updates)" "$pg_replay" "$psql_key" "$(ratio "$pg_replay" "$psql_key")x" "-"
