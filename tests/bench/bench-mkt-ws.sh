#!/bin/sh
# bench-mkt-ws.sh -- mkt-ws against its anchor in one run: records per
# second out of a loopback server flooding massive-style frames (100
# trade events a frame, EVENTS events, built before the clock starts),
# normalised to tick records by mkt-ws --preset massive and by a Node
# `ws` client doing the same (JSON.parse, map the fields, JSON.stringify
# each record, write to stdout: tests/ws/normalise.js). Both write into
# `wc -l`, which checks the count. Best of RUNS; goal: mkt-ws 5x.
#
# Run from the repository root with the built programs first on PATH
# (make bench does this). EVENTS, PER and RUNS change the sizes.
set -eu

EVENTS=${EVENTS:-1000000}
PER=${PER:-100}
RUNS=${RUNS:-3}
TOP=$(pwd)
tmp=$(mktemp -d)
vpid=
cleanup() {
	[ -n "$vpid" ] && kill "$vpid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

command -v mkt-ws >/dev/null || { echo "bench-mkt-ws: mkt-ws is not built" >&2; exit 1; }

node "$TOP/tests/ws/venue.js" --venue massive --flood "$EVENTS" --per "$PER" \
    --portfile "$tmp/port" 2>"$tmp/venue.err" &
vpid=$!
i=0
while [ ! -s "$tmp/port" ]; do
	i=$((i + 1))
	[ $i -lt 1200 ] || { echo "bench-mkt-ws: the server did not start" >&2; cat "$tmp/venue.err" >&2; exit 1; }
	sleep 0.05
done
url="ws://127.0.0.1:$(cat "$tmp/port")/stocks"
syms=$(seq -f 'SYM%g' 0 99 | paste -sd, -)
export MASSIVE_API_KEY=good-key

now_ns() { date +%s%N; }

# best_of NAME CMD... -- run CMD (into wc -l) RUNS times; print the fastest
# wall time in ns; fail if a run did not give EVENTS records.
best_of() {
	name=$1
	shift
	best=0
	r=0
	while [ $r -lt "$RUNS" ]; do
		t0=$(now_ns)
		n=$("$@" | wc -l)
		t1=$(now_ns)
		if [ "$n" -ne "$EVENTS" ]; then
			echo "bench-mkt-ws: $name gave $n records, not $EVENTS" >&2
			exit 1
		fi
		d=$((t1 - t0))
		if [ $best -eq 0 ] || [ $d -lt $best ]; then best=$d; fi
		r=$((r + 1))
	done
	echo $best
}

rate() { awk -v n="$1" -v ns="$2" 'BEGIN { printf "%.0f", n / (ns / 1e9) }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

c_ns=$(best_of mkt-ws mkt-ws -q --preset massive --symbols "$syms" --url "$url" -n "$EVENTS")
n_ns=$(best_of node node "$TOP/tests/ws/normalise.js" "$url" "$syms" "$EVENTS")
c_rate=$(rate "$EVENTS" "$c_ns")
n_rate=$(rate "$EVENTS" "$n_ns")

echo "bench-mkt-ws: $EVENTS massive trade events, $PER a frame, loopback, best of $RUNS"
printf '  %-34s %12s records/s  %7.3f s\n' "mkt-ws --preset massive" "$c_rate" \
    "$(awk -v ns="$c_ns" 'BEGIN { print ns / 1e9 }')"
printf '  %-34s %12s records/s  %7.3f s\n' "node ws client (normalise.js)" "$n_rate" \
    "$(awk -v ns="$n_ns" 'BEGIN { print ns / 1e9 }')"
echo "  mkt-ws / node: $(ratio "$c_rate" "$n_rate")x (goal 5x)"
