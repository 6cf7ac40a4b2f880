#!/bin/sh
# bench-mkt-ws.sh -- mkt-ws against its anchor in one run: records per
# second out of a loopback server flooding massive-style frames (100
# trade events a frame, EVENTS events, built before the clock starts),
# normalised to tick records by mkt-ws --preset massive and by a Node
# `ws` client doing the same (JSON.parse, map the fields, JSON.stringify
# each record, write to stdout: tests/ws/normalise.js). Both write into
# `wc -l`, which checks the count. Best of RUNS; goal: mkt-ws 5x. The
# ratio is taken on CPU time (user + sys of the client and wc -l, not of
# the server), which a busy machine disturbs less than wall time; wall
# time is shown too (it includes the server's pace).
#
# Run from the repository root with the built programs first on PATH
# (make bench does this). EVENTS, PER and RUNS change the sizes; TLS=1
# runs the same over wss:// (a throwaway certificate for 127.0.0.1,
# trusted by mkt-ws through --cacert and by node through
# NODE_EXTRA_CA_CERTS).
set -eu

EVENTS=${EVENTS:-1000000}
PER=${PER:-100}
RUNS=${RUNS:-3}
TLS=${TLS:-0}
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

scheme=ws
set --
if [ "$TLS" = 1 ]; then
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
	    -addext subjectAltName=IP:127.0.0.1 -keyout "$tmp/key.pem" \
	    -out "$tmp/cert.pem" 2>/dev/null
	scheme=wss
	set -- --tls "$tmp/cert.pem" "$tmp/key.pem"
fi
node "$TOP/tests/ws/venue.js" --venue massive --flood "$EVENTS" --per "$PER" \
    "$@" --portfile "$tmp/port" 2>"$tmp/venue.err" &
vpid=$!
i=0
while [ ! -s "$tmp/port" ]; do
	i=$((i + 1))
	[ $i -lt 1200 ] || { echo "bench-mkt-ws: the server did not start" >&2; cat "$tmp/venue.err" >&2; exit 1; }
	sleep 0.05
done
url="$scheme://127.0.0.1:$(cat "$tmp/port")/stocks"
syms=$(seq -f 'SYM%g' 0 99 | paste -sd, -)
export MASSIVE_API_KEY=good-key

now_ns() { date +%s%N; }

# best_of NAME CMD... -- run CMD (into wc -l) RUNS times; set best_wall
# and best_cpu to the fastest wall time and the smallest CPU time
# (user + sys of CMD and wc, from the shell's `times`) in ns; fail if a
# run did not give EVENTS records.
best_of() {
	name=$1
	shift
	best_wall=0
	best_cpu=0
	r=0
	while [ $r -lt "$RUNS" ]; do
		t0=$(now_ns)
		sh -c '"$@" | wc -l >"$0"; times >"$0.t"' "$tmp/n" "$@"
		t1=$(now_ns)
		n=$(cat "$tmp/n")
		if [ "$n" -ne "$EVENTS" ]; then
			echo "bench-mkt-ws: $name gave $n records, not $EVENTS" >&2
			exit 1
		fi
		d=$((t1 - t0))
		c=$(awk 'NR == 2 { t = 0; for (i = 1; i <= 2; i++) { split($i, a, "m");
		    sub("s", "", a[2]); t += a[1] * 60 + a[2] } printf "%.0f", t * 1e9 }' "$tmp/n.t")
		if [ $best_wall -eq 0 ] || [ $d -lt $best_wall ]; then best_wall=$d; fi
		if [ $best_cpu -eq 0 ] || [ "$c" -lt $best_cpu ]; then best_cpu=$c; fi
		r=$((r + 1))
	done
}

rate() { awk -v n="$1" -v ns="$2" 'BEGIN { printf "%.0f", n / (ns / 1e9) }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
secs() { awk -v ns="$1" 'BEGIN { printf "%.3f", ns / 1e9 }'; }

cacert=
[ "$TLS" = 1 ] && cacert="--cacert=$tmp/cert.pem"
[ "$TLS" = 1 ] && export NODE_EXTRA_CA_CERTS="$tmp/cert.pem"
best_of mkt-ws mkt-ws -q --preset massive --symbols "$syms" --url "$url" -n "$EVENTS" $cacert
c_wall=$best_wall c_cpu=$best_cpu
best_of node node "$TOP/tests/ws/normalise.js" "$url" "$syms" "$EVENTS"
n_wall=$best_wall n_cpu=$best_cpu

echo "bench-mkt-ws: $EVENTS massive trade events, $PER a frame, $scheme:// on loopback, best of $RUNS"
printf '  %-30s %12s %12s %10s %10s\n' "" "records/s" "records/s" "CPU s" "wall s"
printf '  %-30s %12s %12s %10s %10s\n' "" "(CPU)" "(wall)" "" ""
printf '  %-30s %12s %12s %10s %10s\n' "mkt-ws --preset massive" \
    "$(rate "$EVENTS" "$c_cpu")" "$(rate "$EVENTS" "$c_wall")" "$(secs "$c_cpu")" "$(secs "$c_wall")"
printf '  %-30s %12s %12s %10s %10s\n' "node ws client (normalise.js)" \
    "$(rate "$EVENTS" "$n_cpu")" "$(rate "$EVENTS" "$n_wall")" "$(secs "$n_cpu")" "$(secs "$n_wall")"
echo "  mkt-ws / node: $(ratio "$n_cpu" "$c_cpu")x by CPU time (goal 5x), $(ratio "$n_wall" "$c_wall")x by wall time"
