#!/bin/sh
# bench-pgsink.sh -- pgsink's rows/s into PostgreSQL, each figure side by
# side with psql doing the same work, in one run, on a sandbox cluster of
# its own (scripts/pg-sandbox). 1M ticks:
#   append      pgsink -t price_ticks (batches of 50000, and the whole
#               file as one batch)  vs  psql \copy price_ticks FROM csv
#   new keys    pgsink -k id into an empty table with a primary key; as
#               keys are new, pgsink copies straight into the table under
#               a savepoint  vs  psql \copy into the same table
#   replay      pgsink -k id again, every key stored with the same values:
#               the ON CONFLICT path (COPY into a temporary table, INSERT
#               ... ON CONFLICT DO UPDATE ... WHERE the row differs)  vs
#               psql \copy into a temporary table + that same INSERT
#   changed     the same, every row with a new price
# Each row also shows the ratio to psql's plain \copy of the rows.
# Goals: append >= 0.9x \copy, upsert >= 0.5x \copy.
#
# Run from the repository root with the built binaries first on PATH
# (make bench does this). ROWS changes the size, RUNS the number of runs
# of which the fastest counts (the machine may be busy); the two sides of
# a row take turns, run after run.
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
			printf "{\"symbol\":\"S%03d\",\"price\":%.4f,\"size\":%d,\"ts\":%.0f,\"venue\":\"sim\"}\n",
			    k, p[k], 1 + int(rand() * 500), 1704931200000 + i * 3
		}
	}' >"$tmp/ticks.ndjson"
fi
tocsv() {
	jq -r '[.symbol, .price, .size,
		((.ts / 1000 | floor | todate | .[:-1]) + "." + ("00" + (.ts % 1000 | tostring) | .[-3:]) + "Z"),
		.venue] | @csv' "$1"
}
tocsv "$tmp/ticks.ndjson" >"$tmp/ticks.csv"
# with a key; and the same rows with another price each
awk '{ printf "{\"id\":%d,%s\n", NR, substr($0, 2) }' "$tmp/ticks.ndjson" >"$tmp/ka.ndjson"
awk '{ printf "%d,%s\n", NR, $0 }' "$tmp/ticks.csv" >"$tmp/ka.csv"
jq -c '.price += 1' "$tmp/ticks.ndjson" >"$tmp/ticks-b.ndjson"
awk '{ printf "{\"id\":%d,%s\n", NR, substr($0, 2) }' "$tmp/ticks-b.ndjson" >"$tmp/kb.ndjson"
tocsv "$tmp/ticks-b.ndjson" | awk '{ printf "%d,%s\n", NR, $0 }' >"$tmp/kb.csv"
rows=$(wc -l <"$tmp/ticks.ndjson" | tr -d ' ')

psql -X -q -v ON_ERROR_STOP=1 >/dev/null <<'EOF'
CREATE TABLE price_ticks (symbol text NOT NULL, price double precision NOT NULL,
	size double precision, ts timestamptz NOT NULL, venue text);
CREATE TABLE kticks (id bigint PRIMARY KEY, symbol text NOT NULL,
	price double precision NOT NULL, size double precision, ts timestamptz NOT NULL, venue text);
EOF

now() { date +%s%N; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", a / b }'; }
sql() { psql -X -q -v ON_ERROR_STOP=1 -c "$1" >/dev/null; }
empty() { sql "TRUNCATE price_ticks, kticks"; sql "CHECKPOINT"; }
settle() { sql "VACUUM kticks"; sql "CHECKPOINT"; }
check() {
	got=$(psql -X -At -c "SELECT count(*) FROM $1")
	[ "$got" = "$rows" ] || { echo "bench-pgsink: $1 has $got rows, expected $rows" >&2; exit 1; }
}
# timed TABLE CMD... -- run CMD, check TABLE, print the nanoseconds it took
timed() {
	table=$1
	shift
	t0=$(now)
	"$@"
	t1=$(now)
	check "$table"
	echo $((t1 - t0))
}
rate() { awk -v n="$rows" -v t="$1" 'BEGIN { printf "%.0f", n / (t / 1e9) }'; }
# race TABLE PREP A B -- RUNS times: PREP, A timed, PREP, B timed; sets
# ra and rb to the rows/s of the fastest run of each. A and B are
# called with the run's number (for inputs that alternate).
race() {
	table=$1 prep=$2 a=$3 b=$4
	ba="" bb=""
	i=0
	while [ $i -lt "$RUNS" ]; do
		$prep
		t=$(timed "$table" $a $i)
		if [ -z "$ba" ] || [ "$t" -lt "$ba" ]; then ba=$t; fi
		$prep
		t=$(timed "$table" $b $i)
		if [ -z "$bb" ] || [ "$t" -lt "$bb" ]; then bb=$t; fi
		i=$((i + 1))
	done
	ra=$(rate "$ba")
	rb=$(rate "$bb")
}

upsert_sql='INSERT INTO kticks AS t SELECT * FROM s ON CONFLICT (id) DO UPDATE
	SET symbol = EXCLUDED.symbol, price = EXCLUDED.price, size = EXCLUDED.size,
	ts = EXCLUDED.ts, venue = EXCLUDED.venue
	WHERE (t.symbol, t.price, t.size, t.ts, t.venue) IS DISTINCT FROM
	(EXCLUDED.symbol, EXCLUDED.price, EXCLUDED.size, EXCLUDED.ts, EXCLUDED.venue)'
psql_app() { psql -X -q -c "\\copy price_ticks FROM '$tmp/ticks.csv' WITH (FORMAT csv)"; }
psql_key() { psql -X -q -c "\\copy kticks FROM '$tmp/ka.csv' WITH (FORMAT csv)"; }
psql_upsert() {
	psql -X -q -v ON_ERROR_STOP=1 >/dev/null <<EOF
CREATE TEMP TABLE s (LIKE kticks);
\\copy s FROM '$1' WITH (FORMAT csv)
$upsert_sql;
EOF
}
pgsink_app() { pgsink -t price_ticks <"$tmp/ticks.ndjson"; }
pgsink_app1() { pgsink -t price_ticks --batch "$rows" <"$tmp/ticks.ndjson"; }
pgsink_key() { pgsink -t kticks -k id <"$tmp/ka.ndjson"; }
# the table holds ka before the replays; in the "changed" race psql
# always writes kb over ka and pgsink ka over kb
psql_same() { psql_upsert "$tmp/ka.csv"; }
pgsink_same() { pgsink -t kticks -k id <"$tmp/ka.ndjson"; }
psql_changed() { psql_upsert "$tmp/kb.csv"; }
pgsink_changed() { pgsink -t kticks -k id <"$tmp/ka.ndjson"; }

race price_ticks empty psql_app pgsink_app
psql_app_r=$ra pg_app=$rb
race price_ticks empty pgsink_app1 psql_app
pg_app1=$ra
[ "$rb" -gt "$psql_app_r" ] && psql_app_r=$rb
race kticks empty psql_key pgsink_key
psql_key_r=$ra pg_key=$rb
race kticks settle psql_same pgsink_same
psql_same_r=$ra pg_same=$rb
race kticks settle psql_changed pgsink_changed
psql_chg_r=$ra pg_chg=$rb

echo "ticks: $rows rows from $src; best of $RUNS runs each"
printf '%-38s %11s %11s %7s %8s %5s\n' "mode" "pgsink r/s" "psql r/s" "ratio" "x \\copy" "goal"
row() {
	printf '%-38s %11s %11s %7s %8s %5s\n' "$1" "$2" "$3" "$(ratio "$2" "$3")" "$(ratio "$2" "$4")" "$5"
}
row "append, batches of 50000 / \\copy" "$pg_app" "$psql_app_r" "$psql_app_r" 0.9x
row "append, one batch / \\copy" "$pg_app1" "$psql_app_r" "$psql_app_r" -
row "-k id, new keys (direct) / \\copy" "$pg_key" "$psql_key_r" "$psql_key_r" 0.5x
row "-k id, replay unchanged / temp+upsert" "$pg_same" "$psql_same_r" "$psql_key_r" 0.5x
row "-k id, every row changed / temp+upsert" "$pg_chg" "$psql_chg_r" "$psql_key_r" -
