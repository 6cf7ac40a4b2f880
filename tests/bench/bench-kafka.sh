#!/bin/sh
# bench-kafka.sh -- kcat-in against kcat -P and kcat-out against kcat -C -e,
# on kmock, 100k ticks (500 symbols) on 8-partition topics, keyed by
# symbol, same producer settings (acks=all, idempotence, murmur2_random).
# Best of $REPEAT runs each; prints msgs/s side by side and the ratios.
# kcat-out asks brokers to hold an empty fetch for 50 ms at most, kcat
# keeps librdkafka's 500 ms; the last line gives kcat the same setting, so
# that the consuming overhead itself is compared too.
# Run from the repo root with the built binaries first on PATH.
set -eu
N=${N:-100000}
REPEAT=${REPEAT:-5}
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

topics=
r=1
while [ $r -le "$REPEAT" ]; do topics="$topics --topic ours$r:8 --topic theirs$r:8"; r=$((r + 1)); done
# shellcheck disable=SC2086
kmock $topics </dev/null >"$tmp/bs" 2>/dev/null &
kpid=$!
i=0
while [ ! -s "$tmp/bs" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
B=$(head -n1 "$tmp/bs")

now() { date +%s%N; }
# rate COUNT START END -> msgs/s
rate() { awk -v n="$1" -v a="$2" -v b="$3" 'BEGIN { printf "%.0f", n / ((b - a) / 1e9) }'; }
best() { awk -v a="$1" -v b="$2" 'BEGIN { print (a > b ? a : b) }'; }

same="-X acks=all -X enable.idempotence=true -X partitioner=murmur2_random -X linger.ms=5"
in_ours=0 in_kcat=0 out_ours=0 out_kcat=0 out_kcat50=0
r=1
while [ $r -le "$REPEAT" ]; do
	t0=$(now); kcat-in -b "$B" -t ours$r -k symbol <"$tmp/ticks"; t1=$(now)
	in_ours=$(best "$in_ours" "$(rate "$N" "$t0" "$t1")")
	t0=$(now); kcat -b "$B" -P -t theirs$r -K '	' $same <"$tmp/keyed"; t1=$(now)
	in_kcat=$(best "$in_kcat" "$(rate "$N" "$t0" "$t1")")

	t0=$(now); got=$(kcat-out -b "$B" -t ours$r -e | wc -l); t1=$(now)
	[ "$got" -eq "$N" ] || { echo "kcat-out read $got of $N"; exit 1; }
	out_ours=$(best "$out_ours" "$(rate "$N" "$t0" "$t1")")
	t0=$(now); got=$(kcat -b "$B" -C -t ours$r -e -q | wc -l); t1=$(now)
	[ "$got" -eq "$N" ] || { echo "kcat -C read $got of $N"; exit 1; }
	out_kcat=$(best "$out_kcat" "$(rate "$N" "$t0" "$t1")")
	t0=$(now); got=$(kcat -b "$B" -C -t ours$r -e -q -X fetch.wait.max.ms=50 | wc -l); t1=$(now)
	[ "$got" -eq "$N" ] || { echo "kcat -C read $got of $N"; exit 1; }
	out_kcat50=$(best "$out_kcat50" "$(rate "$N" "$t0" "$t1")")
	r=$((r + 1))
done

printf '%-22s %12s %12s %8s\n' "($N ticks, 8 partitions)" "mktpipe" "kcat" "ratio"
printf '%-22s %12s %12s %7.2fx\n' "produce msgs/s" "$in_ours" "$in_kcat" \
	"$(awk -v a="$in_ours" -v b="$in_kcat" 'BEGIN { print a / b }')"
printf '%-22s %12s %12s %7.2fx\n' "consume msgs/s" "$out_ours" "$out_kcat" \
	"$(awk -v a="$out_ours" -v b="$out_kcat" 'BEGIN { print a / b }')"
printf '%-22s %12s %12s %7.2fx\n' "consume, same wait" "$out_ours" "$out_kcat50" \
	"$(awk -v a="$out_ours" -v b="$out_kcat50" 'BEGIN { print a / b }')"
