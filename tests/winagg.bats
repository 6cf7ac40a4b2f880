#!/usr/bin/env bats
# winagg.bats -- event-time windows: exact rows on small hand-checked
# inputs, late records, update mode, idle and signals, bad input, and
# agreement with an independent reference (tests/ref/winagg-ref.js) on
# disordered simulated ticks.
load helpers
bats_require_minimum_version 1.5.0

D="$DATA/winagg"
REF="$TOP/tests/ref/winagg-ref.js"
ALL_AGGS='count(),sum(size),avg(price),min(price),max(price),first(price),last(price),vwap(price,size),stddev(price),stddev_pop(price)'

setup() {
	cd "$BATS_TEST_TMPDIR"
}

teardown() {
	if [ -n "${BG_PID:-}" ]; then kill "$BG_PID" 2>/dev/null || true; fi
	exec 8>&- 2>/dev/null || true
}

# ---- windows, hand-checked

@test "tumbling OHLCV: rows in order of window end then key, late records dropped" {
	run --separate-stderr winagg --size 1m < "$D/ticks.ndjson"
	assert_success
	assert_output - <<'EOF'
{"symbol":"A","window_start":0,"window_end":60000,"open":20,"high":22,"low":20,"close":22,"volume":3,"vwap":20.666666666666668,"count":2}
{"symbol":"B","window_start":0,"window_end":60000,"open":10,"high":10,"low":10,"close":10,"volume":1,"vwap":10,"count":1}
{"symbol":"B","window_start":60000,"window_end":120000,"open":11,"high":11,"low":11,"close":11,"volume":3,"vwap":11,"count":1}
{"symbol":"A","window_start":120000,"window_end":180000,"open":25,"high":25,"low":25,"close":25,"volume":5,"vwap":25,"count":1}
EOF
	[ "$stderr" = "winagg: 2 late events dropped" ]
}

@test "late records go to --late unchanged; -v names each one" {
	run --separate-stderr winagg -v --size 1m -a 'count()' --late late.ndjson < "$D/ticks.ndjson"
	assert_success
	[ "${#lines[@]}" -eq 4 ]
	sed -n '5p;7p' "$D/ticks.ndjson" | cmp - late.ndjson
	[[ "$stderr" == *"stdin:5: late event: ts 59999, watermark 61000"* ]]
	[[ "$stderr" == *"stdin:7: late event: ts 2000, watermark 121000"* ]]
	[[ "$stderr" == *"2 late events written to late.ndjson"* ]]
}

@test "allowed lateness lets a record in; a window is final when watermark >= end" {
	run --separate-stderr winagg --size 1m -w 1m -a 'count(),sum(size)' --late late.ndjson < "$D/ticks.ndjson"
	assert_success
	assert_output - <<'EOF'
{"symbol":"A","window_start":0,"window_end":60000,"count":3,"sum_size":8}
{"symbol":"B","window_start":0,"window_end":60000,"count":1,"sum_size":1}
{"symbol":"B","window_start":60000,"window_end":120000,"count":1,"sum_size":3}
{"symbol":"A","window_start":120000,"window_end":180000,"count":1,"sum_size":5}
EOF
	sed -n '7p' "$D/ticks.ndjson" | cmp - late.ndjson
	# an event exactly at the watermark of a window's end closes it
	printf '%s\n' '{"symbol":"A","price":1,"size":1,"ts":0}' \
		'{"symbol":"A","price":1,"size":1,"ts":1000}' \
		'{"symbol":"A","price":1,"size":1,"ts":999}' > edge.ndjson
	run --separate-stderr winagg --size 1s -a 'count()' --late late2.ndjson < edge.ndjson
	assert_output - <<'EOF'
{"symbol":"A","window_start":0,"window_end":1000,"count":1}
{"symbol":"A","window_start":1000,"window_end":2000,"count":1}
EOF
	sed -n '3p' edge.ndjson | cmp - late2.ndjson
}

@test "sliding windows: each record in size/slide windows; partly final records go to the open ones" {
	run --separate-stderr winagg --size 2m --slide 1m -a 'count(),sum(size)' --late late.ndjson < "$D/ticks.ndjson"
	assert_success
	assert_output - <<'EOF'
{"symbol":"A","window_start":-60000,"window_end":60000,"count":2,"sum_size":3}
{"symbol":"B","window_start":-60000,"window_end":60000,"count":1,"sum_size":1}
{"symbol":"A","window_start":0,"window_end":120000,"count":3,"sum_size":8}
{"symbol":"B","window_start":0,"window_end":120000,"count":2,"sum_size":4}
{"symbol":"A","window_start":60000,"window_end":180000,"count":1,"sum_size":5}
{"symbol":"B","window_start":60000,"window_end":180000,"count":1,"sum_size":3}
{"symbol":"A","window_start":120000,"window_end":240000,"count":1,"sum_size":5}
EOF
	sed -n '7p' "$D/ticks.ndjson" | cmp - late.ndjson
}

@test "--offset shifts window starts" {
	run --separate-stderr winagg --size 1m --offset 15s -a 'count()' < "$D/ticks.ndjson"
	assert_success
	assert_output - <<'EOF'
{"symbol":"A","window_start":-45000,"window_end":15000,"count":1}
{"symbol":"B","window_start":-45000,"window_end":15000,"count":1}
{"symbol":"A","window_start":15000,"window_end":75000,"count":2}
{"symbol":"B","window_start":15000,"window_end":75000,"count":1}
{"symbol":"A","window_start":75000,"window_end":135000,"count":1}
EOF
	[ "$stderr" = "winagg: 1 late event dropped" ]
}

@test "update mode: a row per change; the last row of each window equals append's" {
	run --separate-stderr winagg --size 1m -w 1m --emit update -a 'count(),avg(price),stddev(price),stddev_pop(price)' < "$D/ticks.ndjson"
	assert_success
	assert_output - <<'EOF'
{"symbol":"B","window_start":0,"window_end":60000,"count":1,"avg_price":10,"stddev_price":null,"stddev_pop_price":0}
{"symbol":"A","window_start":0,"window_end":60000,"count":1,"avg_price":20,"stddev_price":null,"stddev_pop_price":0}
{"symbol":"A","window_start":0,"window_end":60000,"count":2,"avg_price":21,"stddev_price":1.4142135623730951,"stddev_pop_price":1}
{"symbol":"B","window_start":60000,"window_end":120000,"count":1,"avg_price":11,"stddev_price":null,"stddev_pop_price":0}
{"symbol":"A","window_start":0,"window_end":60000,"count":3,"avg_price":21,"stddev_price":1,"stddev_pop_price":0.816496580927726}
{"symbol":"A","window_start":120000,"window_end":180000,"count":1,"avg_price":25,"stddev_price":null,"stddev_pop_price":0}
EOF
	[ "$stderr" = "winagg: 1 late event dropped" ]
	# the last row of each window is the row append mode writes
	run winagg --size 1m -w 1m -a 'count(),avg(price),stddev(price),stddev_pop(price)' < "$D/ticks.ndjson"
	assert_line --index 0 '{"symbol":"A","window_start":0,"window_end":60000,"count":3,"avg_price":21,"stddev_price":1,"stddev_pop_price":0.816496580927726}'
	assert_line --index 1 '{"symbol":"B","window_start":0,"window_end":60000,"count":1,"avg_price":10,"stddev_price":null,"stddev_pop_price":0}'
}

@test "first and last break event-time ties by arrival" {
	run winagg --size 10s -a 'first(price),last(price),min(price),max(price),count()' < "$D/ties.ndjson"
	assert_success
	assert_output '{"symbol":"X","window_start":0,"window_end":10000,"first_price":3,"last_price":6,"min_price":1,"max_price":7,"count":7}'
}

@test "several key fields, bytewise key order, escapes decoded, no key" {
	run winagg -k symbol,venue --size 1s -a 'count(),sum(size) as vol' < "$D/keys.ndjson"
	assert_success
	assert_output - <<'EOF'
{"symbol":"A","venue":"x","window_start":0,"window_end":1000,"count":1,"vol":1}
{"symbol":"a","venue":"x","window_start":0,"window_end":1000,"count":3,"vol":4}
{"symbol":"a","venue":"y","window_start":0,"window_end":1000,"count":1,"vol":1}
{"symbol":"ab","venue":"x","window_start":0,"window_end":1000,"count":1,"vol":1}
{"symbol":"b","venue":"x","window_start":0,"window_end":1000,"count":1,"vol":1}
{"symbol":7,"venue":"x","window_start":0,"window_end":1000,"count":1,"vol":1}
EOF
	run winagg -k venue -k symbol --size 1s -a 'count()' < "$D/keys.ndjson"
	assert_line --index 0 '{"venue":"x","symbol":"A","window_start":0,"window_end":1000,"count":1}'
	run winagg -k '' --size 1s -a 'count()' < "$D/keys.ndjson"
	assert_output '{"window_start":0,"window_end":1000,"count":8}'
}

@test "RFC 3339 times give RFC 3339 window bounds; --time-unit and --time-format" {
	run winagg --size 1m -a 'sum(size) as volume, avg(price)' < "$D/rfc.ndjson"
	assert_success
	assert_output - <<'EOF'
{"symbol":"A","window_start":"2024-01-11T00:00:00.000Z","window_end":"2024-01-11T00:01:00.000Z","volume":4,"avg_price":2}
{"symbol":"A","window_start":"2024-01-11T01:01:00.000Z","window_end":"2024-01-11T01:02:00.000Z","volume":4,"avg_price":3.5}
EOF
	run winagg --size 1m --time-format number -a 'count()' < "$D/rfc.ndjson"
	assert_line --index 0 '{"symbol":"A","window_start":1704931200000,"window_end":1704931260000,"count":2}'
	run winagg --size 1m --time-unit s -a 'count()' < "$D/rfc.ndjson"
	assert_line --index 1 '{"symbol":"A","window_start":"2024-01-11T01:01:00Z","window_end":"2024-01-11T01:02:00Z","count":1}'
	printf '%s\n' '{"symbol":"A","price":1,"size":1,"t":61}' | winagg --time t --time-unit s --time-format rfc3339 -a 'count()' > out
	[ "$(cat out)" = '{"symbol":"A","window_start":"1970-01-01T00:01:00Z","window_end":"1970-01-01T00:02:00Z","count":1}' ]
}

@test "vwap is null when the volume is zero; numbers in strings are accepted" {
	printf '%s\n' '{"symbol":"A","price":"2.5","size":0,"ts":1}' | winagg -a 'vwap(price,size), sum(price)' > out
	[ "$(cat out)" = '{"symbol":"A","window_start":0,"window_end":60000,"vwap_price_size":null,"sum_price":2.5}' ]
}

@test "key state is freed when a key has no open window" {
	# 3000 symbols, each trading in one minute only: one is held at a time
	awk 'BEGIN { for (i = 0; i < 3000; i++) printf "{\"symbol\":\"S%d\",\"price\":1,\"size\":1,\"ts\":%d}\n", i, i * 60000 }' > seq.ndjson
	run --separate-stderr winagg -v -a 'count()' < seq.ndjson
	assert_success
	[ "${#lines[@]}" -eq 3000 ]
	[[ "$stderr" == *"3000 records, 3000 windows, most keys held at once: 1"* ]]
	# with sliding 5m/1m windows a key stays for its five windows
	run --separate-stderr winagg -v --size 5m --slide 1m -a 'count()' < seq.ndjson
	[ "${#lines[@]}" -eq 15000 ]
	[[ "$stderr" == *"most keys held at once: 5"* ]]
}

# ---- live streams: idle timeout, signals, pipes

@test "--idle: a quiet stream closes its windows before end of input" {
	mkfifo in
	winagg --size 1s --idle 200ms -a 'count()' < in > out &
	BG_PID=$!
	exec 8> in
	echo '{"symbol":"A","price":1,"size":1,"ts":1000}' >&8
	for _ in $(seq 40); do [ -s out ] && break; sleep 0.1; done
	assert_equal "$(cat out)" '{"symbol":"A","window_start":1000,"window_end":2000,"count":1}'
	# the watermark stays where the clock took it: an event for that window is late
	echo '{"symbol":"A","price":1,"size":1,"ts":1500}' >&8
	exec 8>&-
	wait "$BG_PID"
	BG_PID=
	[ "$(wc -l < out)" -eq 1 ]
}

@test "without --idle the window waits for end of input" {
	mkfifo in
	winagg --size 1s -a 'count()' < in > out &
	BG_PID=$!
	exec 8> in
	echo '{"symbol":"A","price":1,"size":1,"ts":1000}' >&8
	sleep 1.5
	[ ! -s out ]
	exec 8>&-
	wait "$BG_PID"
	BG_PID=
	assert_equal "$(cat out)" '{"symbol":"A","window_start":1000,"window_end":2000,"count":1}'
}

@test "SIGTERM mid-stream: final rows flushed, open windows not written, exit 0" {
	mkfifo in
	winagg --size 1m -a 'count()' < in > out 2> err &
	BG_PID=$!
	exec 8> in
	printf '%s\n' '{"symbol":"A","price":1,"size":1,"ts":1000}' \
		'{"symbol":"A","price":1,"size":1,"ts":2000}' \
		'{"symbol":"A","price":1,"size":1,"ts":61000}' >&8
	for _ in $(seq 40); do [ -s out ] && break; sleep 0.1; done
	kill -TERM "$BG_PID"
	rc=0
	wait "$BG_PID" || rc=$?
	BG_PID=
	[ "$rc" -eq 0 ]
	assert_equal "$(cat out)" '{"symbol":"A","window_start":0,"window_end":60000,"count":2}'
	[ ! -s err ]
}

@test "write errors: /dev/full fails with a message, a closed pipe ends quietly" {
	run bash -c 'winagg < "$1" > /dev/full' _ "$D/ticks.ndjson"
	assert_failure 1
	assert_output --partial 'winagg: stdout: No space left on device'
	awk 'BEGIN { for (i = 0; i < 200000; i++) printf "{\"symbol\":\"S%d\",\"price\":1,\"size\":1,\"ts\":%d}\n", i % 50, i * 1000 }' > many.ndjson
	run bash -c 'winagg -a "count()" < many.ndjson 2> err | head -n1; echo "${PIPESTATUS[0]}"; cat err'
	assert_output - <<'EOF'
{"symbol":"S0","window_start":0,"window_end":60000,"count":2}
0
EOF
}

@test "-u writes every row as it is made; without it rows are written together" {
	for t in 1000 2000 3000 4000; do
		echo "{\"symbol\":\"A\",\"price\":1,\"size\":1,\"ts\":$t}"
	done > u.ndjson
	# input from a file never pauses, so only -u can write before the end
	# (LeakSanitizer cannot run under ptrace: off for a sanitizer build)
	export ASAN_OPTIONS=detect_leaks=0
	strace -o trace -e trace=write winagg --size 1s -a 'count()' < u.ndjson > out
	assert_equal "$(grep -c '^write(1,' trace)" 1
	assert_equal "$(wc -l < out)" 4
	strace -o trace -e trace=write winagg -u --size 1s -a 'count()' < u.ndjson > out
	assert_equal "$(grep -c '^write(1,' trace)" 4
	assert_equal "$(wc -l < out)" 4
}

@test "--where: records the expression refuses are left out before windows and lateness" {
	printf '%s\n' '{"symbol":"A","price":1,"size":1,"ts":1000}' \
		'{"symbol":"B","price":2,"size":1,"ts":500000}' \
		'{"symbol":"A","price":3,"size":2,"ts":2000}' \
		'{"symbol":"A","price":5,"size":1,"ts":61000}' > w.ndjson
	# B would have made A's ts 2000 late; filtered out, it moves no watermark
	run --separate-stderr winagg -v -k symbol --where '.symbol == "A"' -a 'count(),sum(price)' < w.ndjson
	assert_success
	assert_line --index 0 '{"symbol":"A","window_start":0,"window_end":60000,"count":2,"sum_price":4}'
	assert_line --index 1 '{"symbol":"A","window_start":60000,"window_end":120000,"count":1,"sum_price":5}'
	[[ "$stderr" == *'1 records left out by --where'* ]]
	[[ "$stderr" != *late* ]]
	# an error raised by the expression makes the record bad
	run --separate-stderr winagg -a 'count()' --where '.price + "x"' < w.ndjson
	assert_failure 1
	[[ "$stderr" == *'winagg: stdin:1: --where: '* ]]
	run --separate-stderr winagg --where '.[' < w.ndjson
	assert_failure 2
	[[ "$stderr" == *'--where: '* ]]
}

# ---- bad input

@test "bad records are skipped, reported with their line, counted; exit 1" {
	{
		echo '{"symbol":"A","price":1,"size":1,"ts":1000}'
		echo 'not json'
		echo '{"symbol":"A","price":1,"size":1}'
		echo '{"symbol":"A","price":1,"size":1,"ts":"yesterday"}'
		echo '{"symbol":"A","price":"cheap","size":1,"ts":1000}'
		echo '{"price":1,"size":1,"ts":1000}'
		printf '{"symbol":"\xff","price":1,"size":1,"ts":1000}\n'
		echo ''
		head -c 1100000 /dev/zero | tr '\0' 'x'; echo
		echo '{"symbol":"A","price":3,"size":1,"ts":2000}'
	} > bad.ndjson
	run --separate-stderr winagg -a 'count(),sum(price)' < bad.ndjson
	assert_failure 1
	assert_output '{"symbol":"A","window_start":0,"window_end":60000,"count":2,"sum_price":4}'
	[[ "$stderr" == *'winagg: stdin:2: column'* ]]
	[[ "$stderr" == *'winagg: stdin:3: no "ts" field'* ]]
	[[ "$stderr" == *'winagg: stdin:4: "ts" is not a number or an RFC 3339 time'* ]]
	[[ "$stderr" == *'winagg: stdin:5: "price" is not a number'* ]]
	[[ "$stderr" == *'winagg: stdin:6: no "symbol" field'* ]]
	[[ "$stderr" == *'winagg: stdin:7: column 12: invalid UTF-8 in string'* ]]
	[[ "$stderr" == *'winagg: stdin:8: column 1: empty line'* ]]
	[[ "$stderr" == *'winagg: stdin:9: line longer than'* ]]
	[[ "$stderr" == *'winagg: 8 bad records skipped'* ]]
	# -q silences the reports but not the exit status
	run --separate-stderr winagg -q -a 'count()' < bad.ndjson
	assert_failure 1
	[ -z "$stderr" ]
}

@test "--strict stops at the first bad record, after the rows already final" {
	printf '%s\n' '{"symbol":"A","price":1,"size":1,"ts":1000}' \
		'{"symbol":"A","price":1,"size":1,"ts":61000}' \
		'{"symbol":"A","price":1,"size":1,"ts":"x"}' \
		'{"symbol":"A","price":1,"size":1,"ts":62000}' > s.ndjson
	run --separate-stderr winagg --strict -a 'count()' < s.ndjson
	assert_failure 1
	assert_output '{"symbol":"A","window_start":0,"window_end":60000,"count":1}'
	[ "$stderr" = 'winagg: stdin:3: "ts" is not a number or an RFC 3339 time' ]
}

@test "empty input is reported and fails" {
	run --separate-stderr winagg < /dev/null
	assert_failure 1
	assert_output ''
	[ "$stderr" = 'winagg: stdin: empty input' ]
}

@test "usage: --help to stdout, bad options exit 2" {
	run winagg --help
	assert_success
	assert_line --index 0 --partial 'usage: winagg'
	run winagg -V
	assert_success
	assert_output --partial 'winagg (mktpipe)'
	for args in "--size 5m --slide 2m" "--size 0" "--size 1x" "--emit later" \
		"--agg nope(price)" "--agg sum()" "--agg count(),count()" "--time-unit m" \
		"--size 1500us" "extra"; do
		run --separate-stderr winagg $args < /dev/null
		[ "$status" -eq 2 ] || { echo "not a usage error: $args"; return 1; }
		[ -n "$stderr" ]
		[ -z "$output" ]
	done
}

# ---- agreement with the reference on disordered data

# ref_check "WINAGG ARGS" "REF ARGS" [FILE] -- both over FILE (sim.ndjson)
# rows agree
# (numbers within 1e-9) and the late records are the same lines.
ref_check() {
	local in=${3:-sim.ndjson}
	winagg $1 --late late-c.ndjson < "$in" > rows-c.ndjson 2> err-c
	node "$REF" $2 --late late-r.ndjson < "$in" > rows-r.ndjson
	node "$REF" --compare rows-c.ndjson rows-r.ndjson
	cmp late-c.ndjson late-r.ndjson
	[ -s rows-c.ndjson ]
	# the count winagg reports is the number of late lines
	local n
	n=$(wc -l < late-r.ndjson)
	if [ "$n" -gt 0 ]; then
		grep -qx "winagg: $n late events\? written to late-c.ndjson" err-c ||
			{ echo "late count: want $n, stderr: $(cat err-c)"; return 1; }
	else
		! grep -q late err-c
	fi
}

sim() {
	command -v mkt-sim > /dev/null || skip "mkt-sim is not built"
	mkt-sim --symbols 20 --count 200000 --seed 11 --disorder 0.05 --max-delay 90s > sim.ndjson
}

@test "reference: tumbling 1m with 30s lateness, late records identical" {
	sim
	ref_check "--size 1m -w 30s -a $ALL_AGGS" "--size 60000 --watermark 30000 --agg $ALL_AGGS"
	[ -s late-c.ndjson ]
}

@test "reference: sliding 5m/1m and 1m/20s with offset, tumbling without lateness" {
	sim
	ref_check "--size 5m --slide 1m -w 20s --offset 10s -a $ALL_AGGS" \
		"--size 300000 --slide 60000 --watermark 20000 --offset 10000 --agg $ALL_AGGS"
	ref_check "--size 1m --slide 20s -w 10s --offset 5s -a $ALL_AGGS" \
		"--size 60000 --slide 20000 --watermark 10000 --offset 5000 --agg $ALL_AGGS"
	[ -s late-c.ndjson ]
	ref_check "--size 1m" "--size 60000"
	[ -s late-c.ndjson ]
}

@test "reference: update mode, and its last row per window equals append's" {
	sim
	# the reference recomputes a window from its events at each change: keep it short
	head -n 30000 sim.ndjson > head.ndjson
	ref_check "--size 2m --slide 30s -w 10s --emit update -a count(),sum(size),last(price)" \
		"--size 120000 --slide 30000 --watermark 10000 --emit update --agg count(),sum(size),last(price)" head.ndjson
	winagg --size 2m --slide 30s -w 10s -a 'count(),sum(size),last(price)' < head.ndjson > append.ndjson 2>/dev/null
	# the last update row of each window, in append's order
	jq -sc 'reduce .[] as $r ({}; .[($r.window_end|tostring) + " " + $r.symbol] = $r)
		| to_entries | sort_by(.value.window_end, .value.symbol) | .[].value' rows-c.ndjson > last.ndjson
	cmp last.ndjson append.ndjson
}

@test "reference: several keys" {
	sim
	ref_check "-k venue,symbol --size 1m -w 45s -a count(),avg(price),vwap(price,size)" \
		"--key venue,symbol --size 60000 --watermark 45000 --agg count(),avg(price),vwap(price,size)"
}

@test "DuckDB agrees on the rows of the records winagg accepted (stddev_samp, stddev_pop)" {
	sim
	winagg -w 30s -a 'count(),sum(size) as volume,avg(price),min(price) as low,max(price) as high,vwap(price,size) as vwap,stddev(price) as sd,stddev_pop(price) as sdp' \
		--late late.ndjson < sim.ndjson > rows-c.ndjson 2>/dev/null
	grep -vxFf late.ndjson sim.ndjson > accepted.ndjson
	[ $(($(wc -l < accepted.ndjson) + $(wc -l < late.ndjson))) -eq "$(wc -l < sim.ndjson)" ]
	cat > duck.js <<'EOF'
const { DuckDBInstance } = require(process.env.TOP + '/node_modules/@duckdb/node-api');
(async () => {
	const inst = await DuckDBInstance.create(':memory:', { threads: '1' });
	const conn = await inst.connect();
	const r = await conn.runAndReadAll(`SELECT symbol, (ts // 60000) * 60000 AS ws,
		count(*), sum(size), avg(price), min(price), max(price),
		sum(price * size) / sum(size), stddev_samp(price), stddev_pop(price)
		FROM read_ndjson('${process.argv[2]}', columns = {symbol: 'VARCHAR', price: 'DOUBLE',
			size: 'DOUBLE', ts: 'BIGINT'})
		GROUP BY ALL ORDER BY ws, symbol`);
	for (const [s, ws, n, vol, avgp, lo, hi, vwap, sd, sdp] of r.getRows())
		console.log(JSON.stringify({ symbol: s, window_start: Number(ws),
			window_end: Number(ws) + 60000, count: Number(n), volume: vol,
			avg_price: avgp, low: lo, high: hi, vwap, sd, sdp }));
})().catch(e => { console.error(e.message); process.exit(1); });
EOF
	TOP="$TOP" node duck.js "$PWD/accepted.ndjson" > rows-d.ndjson
	node "$REF" --compare rows-c.ndjson rows-d.ndjson
}

# ---- the manual

@test "man page: lint and examples" {
	man_lint winagg.1
	command -v mkt-sim > /dev/null || skip "mkt-sim is not built"
	run_man_examples winagg.1
	[ "$MAN_EXAMPLES_RUN" -ge 4 ]
}
