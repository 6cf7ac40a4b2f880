#!/bin/sh
# bench-kafka.sh -- kcat-in against kcat -P and kcat-out against kcat -C -e,
# on kmock, 100k ticks (500 symbols) on 8-partition topics, keyed by
# symbol. Like with like: both producers run with the same settings,
# printed at the top (kcat-in's defaults are acks=all, idempotence on,
# murmur2_random, linger.ms 5; kcat is given them with -X); a second pair
# of rows runs both with acks=1 and no idempotence, which shows what the
# safe defaults cost. Every topic written is read back with kcat and its
# count checked; every run's exit status is checked.
#
# The machine is shared, so one run says little: each round runs every
# case once, the order of ours and kcat's alternating from round to round,
# and the table gives the median rate over $REPEAT rounds, the median of
# the per-round ratios (each pair ran side by side), the best rates, and
# the median CPU time (user + system, all threads) of each client. Where
# valgrind is installed, a last line counts the instructions each
# producer runs per message (callgrind, $CG_N messages): on the thread
# that reads the input and hands messages over, which does the tool's own
# work and bounds its rate, and on all threads (the broker thread's share
# moves with batch sizes, so with timing).
# kcat-out asks brokers to hold an empty fetch for 50 ms at most, kcat
# keeps librdkafka's 500 ms; the last row gives kcat the same setting.
# Run from the repo root with the built binaries first on PATH.
set -eu
N=${N:-100000}
REPEAT=${REPEAT:-9}
CG_N=${CG_N:-20000}
tmp=$(mktemp -d)
kpid=
cleanup() {
	[ -z "$kpid" ] || kill "$kpid" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

if command -v mkt-sim >/dev/null 2>&1; then
	mkt-sim --symbols 500 --count "$N" --seed 7 >"$tmp/ticks"
else
	awk -v n="$N" 'BEGIN { for (i = 1; i <= n; i++)
		printf "{\"type\":\"trade\",\"symbol\":\"S%04d\",\"price\":%.2f,\"size\":%d,\"ts\":%.0f,\"venue\":\"sim\"}\n",
		    i % 500, 100 + (i % 997) / 100, 100 * (i % 9 + 1), 1704931200000 + i * 10 }' >"$tmp/ticks"
fi
# kcat's keyed input: KEY<TAB>LINE
sed 's/^\(.*"symbol":"\([^"]*\)".*\)$/\2	\1/' "$tmp/ticks" >"$tmp/keyed"

topics="--topic=settings:1 --topic=cg-ours:8 --topic=cg-kcat:8"
r=1
while [ $r -le "$REPEAT" ]; do
	for t in safe-ours safe-kcat fast-ours fast-kcat; do
		topics="$topics --topic $t$r:8"
	done
	r=$((r + 1))
done
# shellcheck disable=SC2086
kmock $topics </dev/null >"$tmp/bs" 2>"$tmp/kmock.err" &
kpid=$!
i=0
while [ ! -s "$tmp/bs" ] && [ $i -lt 600 ] && kill -0 "$kpid" 2>/dev/null; do
	sleep 0.05
	i=$((i + 1))
done
B=$(head -n1 "$tmp/bs")
[ -n "$B" ] || { echo "kmock did not start"; cat "$tmp/kmock.err"; exit 1; }

same="-X acks=all -X enable.idempotence=true -X partitioner=murmur2_random -X linger.ms=5"
fast="-X acks=1 -X enable.idempotence=false"

echo "producer settings ($N ticks, 8 partitions):"
printf '  kcat-in (defaults): '
echo '{"symbol":"X"}' | kcat-in -v -b "$B" -t settings -k symbol 2>&1 |
	sed -n 's/^kcat-in: producer: //p'
printf '  kcat -P %s:\n   ' "$same"
# shellcheck disable=SC2086
kcat -b "$B" -P -t settings $same -X dump 2>/dev/null |
	awk -F' = ' '$1 ~ /^(request.required.acks|enable.idempotence|queue.buffering.max.ms|batch.num.messages|batch.size|compression.codec|partitioner|message.timeout.ms|queue.buffering.max.messages)$/ && !seen[$1]++ { printf " %s=%s", $1, $2 } END { print "" }'
echo "  fast rows: both sides add $fast"

have_time=
[ -x /usr/bin/time ] && have_time=1

# run NAME CMD... -- run CMD (stdin/stdout as given), append elapsed ns
# and CPU ms to $tmp/NAME.el and $tmp/NAME.cpu; exit on failure.
run() {
	name=$1
	shift
	t0=$(date +%s%N)
	if [ -n "$have_time" ]; then
		/usr/bin/time -f '%U %S' -o "$tmp/cpu" "$@" || {
			echo "$name: '$*' failed"; exit 1; }
	else
		"$@" || { echo "$name: '$*' failed"; exit 1; }
	fi
	t1=$(date +%s%N)
	echo $((t1 - t0)) >>"$tmp/$name.el"
	if [ -n "$have_time" ]; then
		awk '{ printf "%d\n", ($1 + $2) * 1000 }' "$tmp/cpu" >>"$tmp/$name.cpu"
	fi
}

# count TOPIC -- the topic holds N messages, as kcat reads it.
count() {
	got=$(kcat -b "$B" -C -t "$1" -e -q | wc -l)
	[ "$got" -eq "$N" ] || { echo "$1 holds $got of $N messages"; exit 1; }
}

# lines FILE WHAT -- FILE has N lines.
lines() {
	got=$(wc -l <"$1")
	[ "$got" -eq "$N" ] || { echo "$2 read $got of $N"; exit 1; }
}

produce_ours() { # TOPIC [-X ...]
	t=$1
	shift
	run "$kind-ours" kcat-in -b "$B" -t "$t" -k symbol "$@" <"$tmp/ticks"
	count "$t"
}
produce_kcat() { # TOPIC [-X ...]
	t=$1
	shift
	run "$kind-kcat" kcat -b "$B" -P -t "$t" -K '	' "$@" <"$tmp/keyed"
	count "$t"
}

r=1
while [ $r -le "$REPEAT" ]; do
	# shellcheck disable=SC2086
	for kind in safe fast; do
		if [ "$kind" = safe ]; then ours_x= kcat_x=$same; else ours_x=$fast kcat_x="$same $fast"; fi
		if [ $((r % 2)) -eq 1 ]; then
			produce_ours "$kind-ours$r" $ours_x
			produce_kcat "$kind-kcat$r" $kcat_x
		else
			produce_kcat "$kind-kcat$r" $kcat_x
			produce_ours "$kind-ours$r" $ours_x
		fi
	done
	# consume what kcat-in produced with the safe settings
	t=safe-ours$r
	if [ $((r % 2)) -eq 1 ]; then
		run out-ours kcat-out -b "$B" -t "$t" -e >"$tmp/out"; lines "$tmp/out" kcat-out
		run out-kcat kcat -b "$B" -C -t "$t" -e -q >"$tmp/out"; lines "$tmp/out" "kcat -C"
	else
		run out-kcat kcat -b "$B" -C -t "$t" -e -q >"$tmp/out"; lines "$tmp/out" "kcat -C"
		run out-ours kcat-out -b "$B" -t "$t" -e >"$tmp/out"; lines "$tmp/out" kcat-out
	fi
	run out-kcat50 kcat -b "$B" -C -t "$t" -e -q -X fetch.wait.max.ms=50 >"$tmp/out"
	lines "$tmp/out" "kcat -C"
	r=$((r + 1))
done

# row LABEL OURS KCAT -- medians, paired ratio, bests, CPU.
row() {
	paste "$tmp/$2.el" "$tmp/$3.el" | awk -v n="$N" -v label="$1" \
	    -v ca="$(sort -n "$tmp/$2.cpu" 2>/dev/null | awk '{ a[NR] = $1 } END { print NR ? a[int((NR + 1) / 2)] : "-" }')" \
	    -v cb="$(sort -n "$tmp/$3.cpu" 2>/dev/null | awk '{ a[NR] = $1 } END { print NR ? a[int((NR + 1) / 2)] : "-" }')" '
	function med(x, k,   i, j, t) {
		for (i = 1; i <= k; i++)
			for (j = i + 1; j <= k; j++)
				if (x[j] < x[i]) { t = x[i]; x[i] = x[j]; x[j] = t }
		return k % 2 ? x[(k + 1) / 2] : (x[k / 2] + x[k / 2 + 1]) / 2
	}
	{ a[NR] = n / ($1 / 1e9); b[NR] = n / ($2 / 1e9); q[NR] = a[NR] / b[NR]
	  if (a[NR] > ba) ba = a[NR]; if (b[NR] > bb) bb = b[NR] }
	END {
		printf "%-20s %9.0f %9.0f %6.2fx  %9.0f %9.0f %6.2fx  %6s %6s\n", label,
		    med(a, NR), med(b, NR), med(q, NR), ba, bb, ba / bb, ca, cb
	}'
}

echo
printf '%-20s %9s %9s %7s  %9s %9s %7s  %6s %6s\n' "msgs/s ($REPEAT rounds)" \
	"median" "" "ratio" "best" "" "ratio" "cpu ms" ""
printf '%-20s %9s %9s %7s  %9s %9s %7s  %6s %6s\n' "" \
	"mktpipe" "kcat" "" "mktpipe" "kcat" "" "ours" "kcat"
row "produce, safe" safe-ours safe-kcat
row "produce, fast" fast-ours fast-kcat
row "consume" out-ours out-kcat
row "consume, same wait" out-ours out-kcat50
paste "$tmp/safe-ours.el" "$tmp/fast-ours.el" "$tmp/safe-kcat.el" "$tmp/fast-kcat.el" |
	awk '{ o[NR] = $1 / $2; k[NR] = $3 / $4 }
	function med(x, k,   i, j, t) {
		for (i = 1; i <= k; i++)
			for (j = i + 1; j <= k; j++)
				if (x[j] < x[i]) { t = x[i]; x[i] = x[j]; x[j] = t }
		return k % 2 ? x[(k + 1) / 2] : (x[k / 2] + x[k / 2 + 1]) / 2
	}
	END { printf "safe settings cost (time safe / time fast, median): mktpipe %.2fx, kcat %.2fx\n", med(o, NR), med(k, NR) }'

command -v valgrind >/dev/null 2>&1 || exit 0
head -n "$CG_N" "$tmp/ticks" >"$tmp/cg-ticks"
head -n "$CG_N" "$tmp/keyed" >"$tmp/cg-keyed"
cg() { # NAME CMD... -- "MAIN ALL": instructions of CMD per message
	name=$1
	shift
	valgrind --tool=callgrind --separate-threads=yes \
	    --callgrind-out-file="$tmp/cg.$name" "$@" 2>"$tmp/cg.err" ||
	    { echo "callgrind: '$*' failed" >&2; exit 1; }
	cat "$tmp/cg.$name"-[0-9]* | awk -v n="$CG_N" '
	    /^summary:/ { all += $2; if (!seen++) main = $2 }
	    END { printf "%.0f %.0f", main / n, all / n }'
}
# shellcheck disable=SC2086
ci=$(cg ours kcat-in -b "$B" -t cg-ours -k symbol <"$tmp/cg-ticks")
# shellcheck disable=SC2086
ck=$(cg kcat kcat -b "$B" -P -t cg-kcat -K '	' $same <"$tmp/cg-keyed")
N=$CG_N count cg-ours
N=$CG_N count cg-kcat
echo "$ci $ck" | awk '{ printf "produce, safe: instructions per message: main thread mktpipe %d, kcat %d (%.2fx); all threads mktpipe %d, kcat %d (%.2fx)\n", $1, $3, $3 / $1, $2, $4, $4 / $2 }'
