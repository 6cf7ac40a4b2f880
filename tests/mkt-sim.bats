#!/usr/bin/env bats
# mkt-sim.bats -- the simulated market: reproducible bytes, counts and
# symbols, event times, the tick shape, disorder that reorders without
# losing or doubling, regimes that make moving averages cross, pacing,
# replay, bad options and the usual error paths.
load helpers
bats_require_minimum_version 1.5.0

D="$DATA/mkt-sim"

setup() {
	cd "$BATS_TEST_TMPDIR"
}

teardown() {
	if [ -n "${BG_PID:-}" ]; then kill "$BG_PID" 2>/dev/null || true; fi
	exec 7<&- 8>&- 2>/dev/null || true
}

# ---- reproducibility and shape

@test "same options give the same bytes; another seed gives others" {
	mkt-sim --count 5000 --seed 42 > a.ndjson
	mkt-sim --count 5000 --seed 42 > b.ndjson
	mkt-sim --count 5000 --seed 43 > c.ndjson
	cmp a.ndjson b.ndjson
	! cmp -s a.ndjson c.ndjson
	# a run that is cut short is a prefix of the longer one
	mkt-sim --count 100 --seed 42 | cmp - <(head -n 100 a.ndjson)
	[ "$(wc -l < a.ndjson)" -eq 5000 ]
}

@test "every line is a tick: fields in order, prices whole cents above 0, sizes positive integers" {
	mkt-sim --count 20000 --seed 3 > t.ndjson
	# the keys, in order, and the fixed fields
	run sh -c "jq -c '[keys_unsorted, .type, .venue]' t.ndjson | sort -u"
	assert_output '[["type","symbol","price","size","ts","venue"],"trade","sim"]'
	run jq -r 'select((.price > 0 and ((.price * 100 | round) - .price * 100 | fabs) < 1e-6
		and (.size | type) == "number" and .size >= 1 and .size == (.size | floor)
		and .ts == (.ts | floor)) | not)' t.ndjson
	assert_output ''
	# numbers in their shortest form: jq writes every line back unchanged
	jq -c . t.ndjson | cmp - t.ndjson
	# sizes are heavy-tailed: mostly small, some very large
	[ "$(jq -s 'map(.size) | max' t.ndjson)" -ge 10000 ]
	[ "$(jq -s 'map(select(.size <= 300)) | length' t.ndjson)" -ge 12000 ]
}

@test "--count: exactly that many lines, 0 included" {
	run -0 sh -c 'mkt-sim --count 1234 | wc -l'
	assert_output 1234
	run -0 sh -c 'mkt-sim -n 0 | wc -c'
	assert_output 0
}

@test "--symbols: a list is used as given, a count names S0001..; default 10" {
	mkt-sim --symbols AAPL,TSLA,MSFT --count 3000 > t.ndjson
	run sh -c "jq -r .symbol t.ndjson | sort | uniq -c | awk '\$1 > 800 { print \$2 }'"
	assert_output $'AAPL\nMSFT\nTSLA'
	run sh -c "mkt-sim -s 3 -n 600 | jq -r .symbol | sort -u | tr '\n' ' '"
	assert_output 'S0001 S0002 S0003 '
	run sh -c "mkt-sim -n 5000 | jq -r .symbol | sort -u | wc -l"
	assert_output 10
	run sh -c "mkt-sim -s 12000 -n 200000 | jq -r .symbol | sort -u | sed -n '1p;\$p' | tr '\n' ' '"
	assert_output 'S00001 S12000 '
	# a name that needs escaping is escaped
	run -0 sh -c "mkt-sim -s 'a\"b' -n 1 | jq -r .symbol"
	assert_output 'a"b'
	run -0 sh -c "mkt-sim --venue 'x y' -n 1 | jq -r .venue"
	assert_output 'x y'
}

@test "event time: start + i * step, default 2024-01-11T00:00:00Z and 100ms" {
	run -0 sh -c "mkt-sim -n 4 | jq -r .ts | tr '\n' ' '"
	assert_output '1704931200000 1704931200100 1704931200200 1704931200300 '
	run -0 sh -c "mkt-sim -n 3 --start 2024-01-01T00:00:01Z --step 1m | jq -r .ts | tr '\n' ' '"
	assert_output '1704067201000 1704067261000 1704067321000 '
	run -0 sh -c "mkt-sim -n 4 --start 1000 --step 250us | jq -r .ts | tr '\n' ' '"
	assert_output '1000 1000 1000 1000 '
	run -0 sh -c "mkt-sim -n 5 --start 1000 --step 1500us | jq -r .ts | tr '\n' ' '"
	assert_output '1000 1001 1003 1004 1006 '
	# event time ends 2^61 ns (26687 days and a bit) after the start
	run --separate-stderr bash -o pipefail -c "mkt-sim --step 1d --start 0 -n 30000 | tail -n 1 | jq .ts"
	assert_failure 1
	assert_output $((26687 * 86400000))
	[[ "$stderr" == *"event time ran past 73 years from the start"* ]]
}

# ---- disorder

@test "--disorder: about that share arrives late, no later than --max-delay, each event once" {
	mkt-sim --count 50000 --seed 9 > in-order.ndjson
	mkt-sim --count 50000 --seed 9 --disorder 0.2 --max-delay 2s > disordered.ndjson
	# the same lines, another order
	! cmp -s in-order.ndjson disordered.ndjson
	cmp <(sort in-order.ndjson) <(sort disordered.ndjson)
	# in order without --disorder
	run sh -c "jq -r .ts in-order.ndjson | sort -c -n && echo sorted"
	assert_output sorted
	# a late line's ts is below the largest before it, by at most the delay
	run sh -c "jq -r .ts disordered.ndjson | awk '
		NR > 1 && \$1 < max { late++; if (max - \$1 > 2000) far++ }
		\$1 > max { max = \$1 }
		END { printf \"%d %d\n\", late, far }'"
	read -r late far <<< "$output"
	[ "$far" -eq 0 ]
	# held-back events with a delay under one step do not overtake anyone:
	# expect 0.2 * (1 - 0.1s/2s / 2) * 50000 = 9750, give or take
	[ "$late" -gt 8500 ] && [ "$late" -lt 10500 ]
}

@test "--disorder with --rate: held-back events come when due, none lost" {
	mkt-sim --rate 200 -n 100 --start 0 > a.ndjson
	mkt-sim --rate 200 -n 100 --start 0 --disorder 0.3 --max-delay 200ms > b.ndjson
	cmp <(sort a.ndjson) <(sort b.ndjson)
	! cmp -s a.ndjson b.ndjson
	# the last event is due at 495 ms; a held-back one at most 200 ms later
	run sh -c "jq -r .ts b.ndjson | awk '\$1 < max { if (max - \$1 > 200) print; next } { max = \$1 }'"
	assert_output ''
}

@test "--disorder 1 with a delay shorter than a step reorders nothing" {
	mkt-sim --count 2000 --seed 4 > a.ndjson
	mkt-sim --count 2000 --seed 4 --disorder 1 --max-delay 99ms | cmp - a.ndjson
}

# ---- regimes

@test "regimes: SMA(50) and SMA(200) of every symbol cross, in both directions" {
	mkt-sim --count 40000 --symbols 8 --seed 5 | jq -r '[.symbol, .price] | @tsv' > p.tsv
	# per symbol: crossings up and down of the 50- and 200-tick averages
	run awk -v F=50 -v S=200 '
	{
		s = $1; k = ++n[s]; p[s, k] = $2; sf[s] += $2; ss[s] += $2
		if (k > F) sf[s] -= p[s, k - F]
		if (k > S) ss[s] -= p[s, k - S]
		if (k >= S) {
			d = sf[s] / F - ss[s] / S
			if (has[s] && prev[s] <= 0 && d > 0) up[s]++
			if (has[s] && prev[s] > 0 && d <= 0) down[s]++
			prev[s] = d; has[s] = 1
		}
	}
	END { for (s in n) if (up[s] < 1 || down[s] < 1) print s, up[s] + 0, down[s] + 0 }' p.tsv
	assert_success
	assert_output ''
	[ "$(cut -f1 p.tsv | sort -u | wc -l)" -eq 8 ]
}

@test "regimes: trends are long enough to move a price well away from noise" {
	# over 5000 ticks a symbol's range is many times one tick's change
	mkt-sim --count 5000 --symbols 1 --seed 2 | jq -r .price > p.txt
	run awk 'NR > 1 { d = $1 - last; if (d < 0) d = -d; s += d }
		{ last = $1; if (NR == 1 || $1 < lo) lo = $1; if (NR == 1 || $1 > hi) hi = $1 }
		END { if ((hi - lo) > 20 * s / (NR - 1)) print "ok"; else print hi - lo, s / (NR - 1) }' p.txt
	assert_output ok
}

# ---- pacing

@test "--rate paces by the clock; times follow --start" {
	local t0 t1
	t0=$(date +%s%N)
	mkt-sim --rate 200 --count 200 --start 0 > r.ndjson
	t1=$(date +%s%N)
	# 200 events at 200/s: the last is due at 0.995 s
	[ $(( (t1 - t0) / 1000000 )) -ge 950 ]
	[ $(( (t1 - t0) / 1000000 )) -lt 3000 ]
	run sh -c "jq -r .ts r.ndjson | sed -n '1p;2p;200p' | tr '\n' ' '"
	assert_output '0 5 995 '
	# without --start the times are the wall clock
	run -0 sh -c "mkt-sim --rate 100 -n 1 | jq .ts"
	local now=$(( $(date +%s%N) / 1000000 ))
	[ "$output" -le "$now" ] && [ "$output" -gt $(( now - 5000 )) ]
}

@test "--rate flushes each event as it is due" {
	# an endless stream at 2 events a second: without a flush before each
	# wait, the second line would not come for hours
	mkfifo f
	mkt-sim --rate 2 --start 0 > f &
	BG_PID=$!
	exec 7< f
	local t0 t1 l1 l2
	read -r -t 5 l1 <&7
	t0=$(date +%s%N)
	read -r -t 5 l2 <&7
	t1=$(date +%s%N)
	exec 7<&-
	[[ "$l1" == *'"ts":0,'* ]]
	[[ "$l2" == *'"ts":500,'* ]]
	# and not before it was due
	[ $(( (t1 - t0) / 1000000 )) -ge 400 ]
}

@test "SIGTERM mid-stream: whole lines flushed, exit 0" {
	mkt-sim --rate 1000 > s.ndjson &
	BG_PID=$!
	sleep 0.6
	kill -TERM "$BG_PID"
	local rc=0
	wait "$BG_PID" || rc=$?
	BG_PID=
	[ "$rc" -eq 0 ]
	[ "$(wc -l < s.ndjson)" -gt 100 ]
	jq -c . s.ndjson | cmp - s.ndjson
}

# ---- replay

@test "--replay: lines pass through unchanged, paced by ts / speed" {
	cp "$D/recording.ndjson" .
	local t0 t1
	t0=$(date +%s%N)
	mkt-sim --replay recording.ndjson --speed 4 > out.ndjson
	t1=$(date +%s%N)
	cmp out.ndjson recording.ndjson
	# the recording spans 3 s (one line goes back in time): 0.75 s at speed 4
	[ $(( (t1 - t0) / 1000000 )) -ge 700 ]
	[ $(( (t1 - t0) / 1000000 )) -lt 2000 ]
	# speed 0: at once
	t0=$(date +%s%N)
	mkt-sim --replay recording.ndjson --speed 0 | cmp - recording.ndjson
	t1=$(date +%s%N)
	[ $(( (t1 - t0) / 1000000 )) -lt 500 ]
	# standard input, --count, and another time field
	run -0 sh -c "mkt-sim --replay - --speed 100 --count 2 < recording.ndjson | wc -l"
	assert_output 2
	printf '%s\n' '{"t":"2024-01-01T00:00:00Z"}' '{"t":"2024-01-01T00:00:00.5Z"}' > t.ndjson
	t0=$(date +%s%N)
	mkt-sim --replay t.ndjson --time t | cmp - t.ndjson
	t1=$(date +%s%N)
	[ $(( (t1 - t0) / 1000000 )) -ge 450 ]
}

@test "--replay flushes each line when it is due" {
	# the recording comes through a pipe that stays open
	mkfifo in f
	mkt-sim --replay - < in > f &
	BG_PID=$!
	exec 8> in
	printf '%s\n' '{"ts":0}' '{"ts":300}' '{"ts":600}' >&8
	exec 7< f
	local t0 t1 l1 l2 l3
	read -r -t 5 l1 <&7
	t0=$(date +%s%N)
	read -r -t 5 l2 <&7
	read -r -t 5 l3 <&7
	t1=$(date +%s%N)
	exec 7<&- 8>&-
	[ "$l2" = '{"ts":300}' ]
	[ "$l3" = '{"ts":600}' ]
	[ $(( (t1 - t0) / 1000000 )) -ge 500 ]
}

@test "--replay: bad lines skipped, counted and reported; --strict stops" {
	run --separate-stderr mkt-sim --replay "$D/bad.ndjson" --speed 0
	assert_failure 1
	assert_output - <<'EOF'
{"ts":1,"n":1}
{"ts":2,"n":2}
{"n":3}
{"ts":"soon","n":4}
{"ts":5,"n":5}
EOF
	[[ "$stderr" == *'bad.ndjson:2: column'* ]]
	[[ "$stderr" == *'bad.ndjson:3: column 14: invalid UTF-8 in string'* ]]
	[[ "$stderr" == *'2 bad records skipped'* ]]
	# at a speed the time must be there
	run --separate-stderr mkt-sim --replay "$D/bad.ndjson" --speed 1000
	assert_failure 1
	assert_output - <<'EOF'
{"ts":1,"n":1}
{"ts":2,"n":2}
{"ts":5,"n":5}
EOF
	[[ "$stderr" == *'bad.ndjson:5: no "ts" field'* ]]
	[[ "$stderr" == *'bad.ndjson:6: "ts" is not a number or an RFC 3339 time'* ]]
	[[ "$stderr" == *'4 bad records skipped'* ]]
	run --separate-stderr mkt-sim --replay "$D/bad.ndjson" --speed 0 --strict
	assert_failure 1
	assert_output '{"ts":1,"n":1}'
	[[ "$stderr" == *'bad.ndjson:2: column'* ]]
	# an over-long line and an empty file
	{ echo '{"ts":1}'; head -c 1100000 /dev/zero | tr '\0' 'x'; echo; echo '{"ts":2}'; } > long.ndjson
	run --separate-stderr mkt-sim --replay long.ndjson --speed 0
	assert_failure 1
	assert_output $'{"ts":1}\n{"ts":2}'
	[[ "$stderr" == *'long.ndjson:2: line longer than'* ]]
	: > empty.ndjson
	run --separate-stderr mkt-sim --replay empty.ndjson
	assert_failure 1
	[[ "$stderr" == *'empty input'* ]]
	run --separate-stderr mkt-sim --replay nonexistent.ndjson
	assert_failure 1
	[[ "$stderr" == *'nonexistent.ndjson'* ]]
}

# ---- options and error paths

@test "bad options exit 2 with the usage" {
	local a
	for a in "--symbols 0" "--symbols ," "--symbols A,,B" "--count -1" "--count x" \
	    "--rate 0" "--rate fast" "--step 1x" "--step -1s" "--start yesterday" \
	    "--disorder 1.5" "--disorder -0.1" "--max-delay 2d" "--seed -3" "--bogus" \
	    "extra" "--replay f --seed 1" "--speed 2" "--strict" "--replay f --speed -1" \
	    "--disorder 0.5 --max-delay 0" "--rate 10 --step 1s" "--start 5000000000000000"; do
		run --separate-stderr mkt-sim $a
		[ "$status" -eq 2 ] || { echo "mkt-sim $a: status $status" >&2; return 1; }
		[ -z "$output" ]
		[[ "$stderr" == *usage:* ]] || { echo "mkt-sim $a: $stderr" >&2; return 1; }
	done
}

@test "--help to stdout, --version" {
	run --separate-stderr mkt-sim --help
	assert_success
	[[ "$output" == "usage: mkt-sim "* ]]
	[ -z "$stderr" ]
	run -0 mkt-sim -V
	[[ "$output" == "mkt-sim (mktpipe) "* ]]
}

@test "/dev/full: exit 1 with a message" {
	run --separate-stderr sh -c 'mkt-sim -n 100000 > /dev/full'
	assert_failure 1
	[[ "$stderr" == *"mkt-sim: stdout: No space left on device"* ]]
	run --separate-stderr sh -c 'mkt-sim --replay "$1" --speed 0 > /dev/full' sh "$D/bad.ndjson"
	assert_failure 1
	[[ "$stderr" == *"No space left on device"* ]]
}

@test "| head -n1: a quiet end, without and with --rate" {
	run --separate-stderr bash -o pipefail -c 'mkt-sim | head -n1'
	assert_success
	[ -z "$stderr" ]
	[[ "$output" == '{"type":"trade",'* ]]
	run --separate-stderr bash -o pipefail -c 'mkt-sim --rate 1000 | head -n1'
	assert_success
	[ -z "$stderr" ]
}

@test "man page: lint and examples" {
	man_lint mkt-sim.1
	run_man_examples mkt-sim.1
	[ "$MAN_EXAMPLES_RUN" -ge 5 ]
}
