#!/usr/bin/env bats
# xcross.bats -- crossovers, breakouts and volume alerts: exact alert lines
# on small hand-checked series (SMA and EMA, both directions, equalities,
# undefined points), band and volume excursions, annotation, several
# keys, order, bad input, live flushing, signals and the manual.
load helpers
bats_require_minimum_version 1.5.0

D="$DATA/xcross"

setup() {
	cd "$BATS_TEST_TMPDIR"
}

teardown() {
	if [ -n "${BG_PID:-}" ]; then kill "$BG_PID" 2>/dev/null || true; fi
	exec 7>&- 2>/dev/null || true
}

# ---- crossovers, hand-checked

# sma.ndjson, key A: prices 10 10 10 13 7 4 10 16 at ts 1..8.
#   SMA(2): -  10 10 11.5 10 5.5 7 13
#   SMA(3): -  -  10 11   10 8   7 10
#   ts 3 first defined (equal); ts 4 above (golden); ts 5 equal (nothing,
#   equal is not below); ts 6 below (death, from equal); ts 7 equal;
#   ts 8 above (golden, from equal).
# key B: prices 1 2 3 4: SMA(2) 2.5 > SMA(3) 2 at its first defined point,
#   3.5 > 3 after: never a cross (an undefined point is no previous point).
@test "SMA: golden and death crosses, equal points, undefined points fire nothing" {
	run --separate-stderr xcross --fast 'sma(price,2)' --slow 'sma(price,3)' < "$D/sma.ndjson"
	assert_success
	assert_output - <<'EOF'
{"symbol":"A","ts":4,"type":"golden_cross","signal":"BULLISH","fast":11.5,"slow":11}
{"symbol":"A","ts":6,"type":"death_cross","signal":"BEARISH","fast":5.5,"slow":8}
{"symbol":"A","ts":8,"type":"golden_cross","signal":"BULLISH","fast":13,"slow":10}
EOF
	[ -z "$stderr" ]
}

# ema.ndjson: EMA(3), k = 0.5, of 2 4 6 3 1 8 against the field ref:
#   EMA: - - 4 (the SMA seed) 3.5 2.25 5.125;  ref: 0 0 4 3 3 5
#   first defined 4 = 4; then 3.5 > 3 golden, 2.25 < 3 death, 5.125 > 5
#   golden. The RFC 3339 times are copied as they are.
@test "EMA seeded by the SMA of its first N values, against a plain field" {
	run --separate-stderr xcross -f 'ema(price,3)' -s ref < "$D/ema.ndjson"
	assert_success
	assert_output - <<'EOF'
{"symbol":"X","ts":"2024-01-11T00:04:00Z","type":"golden_cross","signal":"BULLISH","fast":3.5,"slow":3}
{"symbol":"X","ts":"2024-01-11T00:05:00Z","type":"death_cross","signal":"BEARISH","fast":2.25,"slow":3}
{"symbol":"X","ts":"2024-01-11T00:06:00Z","type":"golden_cross","signal":"BULLISH","fast":5.125,"slow":5}
EOF
	# the same with white space in the specs, and other names
	run --separate-stderr xcross -f ' ema( price , 3 ) ' -s ref --up-name up --down-name down < "$D/ema.ndjson"
	assert_success
	run jq -r .type <<< "$output"
	assert_output $'up\ndown\nup'
}

# A flat price of 0.1 against its SMA(20): the running sum makes the
# average 0.09999999999999994 or 0.10000000000000002 at times, which must
# not count as crossings; the spike to 2.7 at row 21 does cross, twice.
@test "averages equal in exact arithmetic do not cross on rounding noise" {
	{ for i in $(seq 20); do echo 0.1; done; echo 2.7; for i in $(seq 40); do echo 0.1; done; } \
		| awk '{ printf "{\"symbol\":\"A\",\"p\":%s,\"ts\":%d}\n", $1, NR }' > flat.ndjson
	run --separate-stderr xcross -f p -s 'sma(p,20)' < flat.ndjson
	assert_success
	assert_output - <<'EOF'
{"symbol":"A","ts":21,"type":"golden_cross","signal":"BULLISH","fast":2.7,"slow":0.23000000000000004}
{"symbol":"A","ts":22,"type":"death_cross","signal":"BEARISH","fast":0.1,"slow":0.23000000000000004}
EOF
}

@test "EMA and SMA agree with a direct computation on simulated ticks" {
	mkt-sim --symbols 3 --count 3000 --seed 5 > t.ndjson
	xcross -a -f 'ema(price,10)' -s 'sma(price,30)' < t.ndjson > a.ndjson
	# the reference: jq over each symbol's prices, TA-Lib's definitions
	jq -sc 'def sma($n): . as $x | [range(0; length) | if . < $n - 1 then null
			else ($x[. - $n + 1 : . + 1] | add / $n) end];
		def ema($n): . as $x | (2 / ($n + 1)) as $k
			| reduce range(0; length) as $i ([];
				. + [if $i < $n - 1 then null
				elif $i == $n - 1 then ($x[0:$n] | add / $n)
				else .[$i - 1] + $k * ($x[$i] - .[$i - 1]) end]);
		group_by(.symbol) | map(map(.price) as $p | [($p | ema(10)), ($p | sma(30))]
			| transpose) | add | .[]' t.ndjson > ref.json
	jq -sc 'map(select(.type == "trade")) | group_by(.symbol) | add | .[] | [.fast, .slow]' a.ndjson > got.json
	[ "$(wc -l < got.json)" -eq 3000 ]
	# equal to 1e-9 (the SMA's running sum rounds differently)
	run jq -n --slurpfile a got.json --slurpfile b ref.json '[range(0; $a | length) as $i
		| $a[$i] as $x | $b[$i] as $y | range(0; 2) as $j
		| select(($x[$j] == null) != ($y[$j] == null)
			or ($x[$j] != null and (($x[$j] - $y[$j]) | fabs) > 1e-9))] | length'
	assert_output 0
}

@test "crossings on winagg rows agree with a jq computation of the same rule" {
	mkt-sim --symbols 4 --count 300000 --seed 8 | winagg --size 1m -a 'avg(price) as avg_price' > rows.ndjson
	xcross --time window_end -f 'sma(avg_price,5)' -s 'ema(avg_price,12)' < rows.ndjson \
		| jq -c '[.symbol, .ts, .type]' | sort > got.txt
	jq -sc 'def sma($n): . as $x | [range(0; length) | if . < $n - 1 then null
			else ($x[. - $n + 1 : . + 1] | add / $n) end];
		def ema($n): . as $x | (2 / ($n + 1)) as $k
			| reduce range(0; length) as $i ([];
				. + [if $i < $n - 1 then null
				elif $i == $n - 1 then ($x[0:$n] | add / $n)
				else .[$i - 1] + $k * ($x[$i] - .[$i - 1]) end]);
		group_by(.symbol)[] | . as $r | map(.avg_price) as $p
		| ($p | sma(5)) as $f | ($p | ema(12)) as $s
		| range(1; length) as $i
		| select($f[$i - 1] != null and $s[$i - 1] != null and $f[$i] != null and $s[$i] != null)
		| if $f[$i - 1] <= $s[$i - 1] and $f[$i] > $s[$i] then [$r[$i].symbol, $r[$i].window_end, "golden_cross"]
		  elif $f[$i - 1] >= $s[$i - 1] and $f[$i] < $s[$i] then [$r[$i].symbol, $r[$i].window_end, "death_cross"]
		  else empty end' rows.ndjson | sort > want.txt
	[ "$(wc -l < want.txt)" -ge 20 ]
	diff want.txt got.txt
}

# ---- breakouts and volume

# band.ndjson: fast = price, slow = ref = 100, --band 10: the band is
# [90, 110]. price 100 111 115 105 112 85 80 90 89 125:
#   111 leaves above (up), 115 same excursion, 105 re-arms, 112 up again,
#   85 leaves below (down), 80 same, 90 is on the edge (inside), 89 down,
#   125 up. Crossovers of price over ref fire too, before the breakout.
@test "--band: once per excursion, re-armed inside the band (edge included)" {
	run --separate-stderr xcross -f price -s ref --band 10 < "$D/band.ndjson"
	assert_success
	assert_output - <<'EOF'
{"symbol":"A","ts":2,"type":"golden_cross","signal":"BULLISH","fast":111,"slow":100}
{"symbol":"A","ts":2,"type":"breakout_up","signal":"BULLISH","fast":111,"slow":100,"threshold":110}
{"symbol":"A","ts":5,"type":"breakout_up","signal":"BULLISH","fast":112,"slow":100,"threshold":110}
{"symbol":"A","ts":6,"type":"death_cross","signal":"BEARISH","fast":85,"slow":100}
{"symbol":"A","ts":6,"type":"breakout_down","signal":"BEARISH","fast":85,"slow":100,"threshold":90}
{"symbol":"A","ts":9,"type":"breakout_down","signal":"BEARISH","fast":89,"slow":100,"threshold":90}
{"symbol":"A","ts":10,"type":"golden_cross","signal":"BULLISH","fast":125,"slow":100}
{"symbol":"A","ts":10,"type":"breakout_up","signal":"BULLISH","fast":125,"slow":100,"threshold":110}
EOF
}

# sizes 100 600 700 400 501 500 900 100 100 100 over 500: 600 fires, 700
# is the same excursion, 400 re-arms, 501 fires, 500 (not over) re-arms,
# 900 fires. The signal follows fast against slow at the row.
@test "--volume --over N: once per excursion" {
	run --separate-stderr xcross -f price -s ref --volume size --over 500 < "$D/band.ndjson"
	assert_success
	assert_output - <<'EOF'
{"symbol":"A","ts":2,"type":"golden_cross","signal":"BULLISH","fast":111,"slow":100}
{"symbol":"A","ts":2,"type":"high_volume","signal":"BULLISH","fast":111,"slow":100,"volume":600,"threshold":500}
{"symbol":"A","ts":5,"type":"high_volume","signal":"BULLISH","fast":112,"slow":100,"volume":501,"threshold":500}
{"symbol":"A","ts":6,"type":"death_cross","signal":"BEARISH","fast":85,"slow":100}
{"symbol":"A","ts":7,"type":"high_volume","signal":"BEARISH","fast":80,"slow":100,"volume":900,"threshold":500}
{"symbol":"A","ts":10,"type":"golden_cross","signal":"BULLISH","fast":125,"slow":100}
EOF
}

# volumes 10 30 50 90 60 300, threshold 2x the mean of the previous 2:
#   -, -, 2*20=40 (50 fires), 2*40=80 (90 same excursion), 2*70=140 (60
#   re-arms), 2*75=150 (300 fires). fast = slow: BULLISH. Rows where
#   fast or slow is undefined neither fire nor change the excursion.
@test "--volume --over Nx: a multiple of the key's recent mean" {
	local v i=0
	for v in 10 30 50 90 60 300; do
		i=$((i + 1))
		printf '{"symbol":"A","p":1,"vol":%d,"ts":%d}\n' "$v" "$i"
	done > vol.ndjson
	run --separate-stderr xcross -f p -s p --volume vol --over 2x --volume-window 2 < vol.ndjson
	assert_success
	assert_output - <<'EOF'
{"symbol":"A","ts":3,"type":"high_volume","signal":"BULLISH","fast":1,"slow":1,"volume":50,"threshold":40}
{"symbol":"A","ts":6,"type":"high_volume","signal":"BULLISH","fast":1,"slow":1,"volume":300,"threshold":150}
EOF
	# SMA(5) is defined from row 5: 60 is under 140, 300 over 150
	run --separate-stderr xcross -f 'sma(p,5)' -s p --volume vol --over 2x --volume-window 2 < vol.ndjson
	assert_success
	assert_output '{"symbol":"A","ts":6,"type":"high_volume","signal":"BULLISH","fast":1,"slow":1,"volume":300,"threshold":150}'
	# SMA(4) is defined from row 4: row 3 (50 over 40) neither fires nor
	# starts an excursion, so row 4 (90 over 80) fires
	run --separate-stderr xcross -f 'sma(p,4)' -s p --volume vol --over 2x --volume-window 2 < vol.ndjson
	assert_success
	assert_output - <<'EOF'
{"symbol":"A","ts":4,"type":"high_volume","signal":"BULLISH","fast":1,"slow":1,"volume":90,"threshold":80}
{"symbol":"A","ts":6,"type":"high_volume","signal":"BULLISH","fast":1,"slow":1,"volume":300,"threshold":150}
EOF
}

# ---- annotation, keys, carry, filters

@test "--annotate: every row with fast and slow (null while undefined), alerts after their row" {
	printf '%s\n' '{"symbol":"A","price":1,"ts":1} ' '{"symbol":"A","price":3,"ts":2}' \
		'{"symbol":"A","price":2,"ts":3}' > a.ndjson
	run --separate-stderr xcross -a -f price -s 'sma(price,2)' < a.ndjson
	assert_success
	assert_output - <<'EOF'
{"symbol":"A","price":1,"ts":1,"fast":1,"slow":null}
{"symbol":"A","price":3,"ts":2,"fast":3,"slow":2}
{"symbol":"A","price":2,"ts":3,"fast":2,"slow":2.5}
{"symbol":"A","ts":3,"type":"death_cross","signal":"BEARISH","fast":2,"slow":2.5}
EOF
}

# keys.ndjson: three keys (venue, symbol) interleaved; fast = avg_price,
# slow = SMA(2) of it:
#   v1/A 1 3 1 -> SMA - 2 2: 3 > 2 first, 1 < 2 death at 180
#   v2/A 5 1 9 -> SMA - 3 5: 1 < 3 first, 9 > 5 golden at 180
#   v1/B 3 3 7 -> SMA - 3 5: equal first, 7 > 5 golden at 180 (no close)
@test "several keys interleaved, --carry copies fields (null when absent)" {
	run --separate-stderr xcross -k venue,symbol --time window_end -f avg_price \
		-s 'sma(avg_price,2)' --carry close,avg_price < "$D/keys.ndjson"
	assert_success
	assert_output - <<'EOF'
{"venue":"v1","symbol":"A","ts":180,"type":"death_cross","signal":"BEARISH","fast":1,"slow":2,"close":1.5,"avg_price":1}
{"venue":"v2","symbol":"A","ts":180,"type":"golden_cross","signal":"BULLISH","fast":9,"slow":5,"close":9.5,"avg_price":9}
{"venue":"v1","symbol":"B","ts":180,"type":"golden_cross","signal":"BULLISH","fast":7,"slow":5,"close":null,"avg_price":7}
EOF
	# -k given twice adds up; the same key spelled with an escape is the same key
	run --separate-stderr xcross -k venue -k symbol --time window_end -f avg_price \
		-s 'sma(avg_price,2)' < "$D/keys.ndjson"
	assert_success
	[ "${#lines[@]}" -eq 3 ]
	printf '%s\n' '{"symbol":"A","p":1,"ts":1}' '{"symbol":"\u0041","p":3,"ts":2}' \
		'{"symbol":"A","p":1,"ts":3}' > esc.ndjson
	run --separate-stderr xcross -f p -s 'sma(p,2)' < esc.ndjson
	assert_output '{"symbol":"A","ts":3,"type":"death_cross","signal":"BEARISH","fast":1,"slow":2}'
}

@test "--where: rows it rejects are ignored (not written with --annotate)" {
	run --separate-stderr xcross -a --where '.symbol == "B"' -f 'sma(price,2)' \
		-s 'sma(price,3)' < "$D/sma.ndjson"
	assert_success
	assert_output - <<'EOF'
{"symbol":"B","price":1,"ts":1,"fast":null,"slow":null}
{"symbol":"B","price":2,"ts":2,"fast":1.5,"slow":null}
{"symbol":"B","price":3,"ts":3,"fast":2.5,"slow":2}
{"symbol":"B","price":4,"ts":4,"fast":3.5,"slow":3}
EOF
	run --separate-stderr xcross --where '.price | error("no")' < "$D/sma.ndjson"
	assert_failure 1
	[[ "$stderr" == *"stdin:1: --where: "* ]]
	run --separate-stderr xcross --where '.['
	assert_failure 2
}

# ---- order and bad input

@test "a row older than its key's last is reported and skipped; equal times are fine" {
	printf '%s\n' '{"symbol":"A","p":1,"ts":1}' '{"symbol":"A","p":2,"ts":3}' \
		'{"symbol":"A","p":9,"ts":2}' '{"symbol":"B","p":1,"ts":0}' \
		'{"symbol":"A","p":0,"ts":3}' > o.ndjson
	run --separate-stderr xcross -a -f p -s 'sma(p,2)' < o.ndjson
	assert_failure 1
	assert_output - <<'EOF'
{"symbol":"A","p":1,"ts":1,"fast":1,"slow":null}
{"symbol":"A","p":2,"ts":3,"fast":2,"slow":1.5}
{"symbol":"B","p":1,"ts":0,"fast":1,"slow":null}
{"symbol":"A","p":0,"ts":3,"fast":0,"slow":1}
{"symbol":"A","ts":3,"type":"death_cross","signal":"BEARISH","fast":0,"slow":1}
EOF
	[[ "$stderr" == *'stdin:3: out of order: "ts" 2 is before the key'* ]]
	[[ "$stderr" == *"1 row out of order skipped"* ]]
	[[ "$stderr" == *"1 bad record skipped"* ]]
}

@test "bad lines: malformed, missing or mistyped field, invalid UTF-8 skipped, counted, reported" {
	run --separate-stderr xcross -a -f price -s 'sma(price,2)' < "$D/bad.ndjson"
	assert_failure 1
	assert_output - <<'EOF'
{"symbol":"A","price":1,"ts":1,"fast":1,"slow":null}
{"symbol":"A","price":"5","ts":5,"fast":5,"slow":3}
{"symbol":"A","price":8,"ts":8,"fast":8,"slow":6.5}
EOF
	[[ "$stderr" == *"xcross: stdin:2: column 31: "* ]]
	[[ "$stderr" == *'xcross: stdin:3: no "symbol" field'* ]]
	[[ "$stderr" == *'xcross: stdin:4: "price" is not a number'* ]]
	[[ "$stderr" == *'xcross: stdin:6: column 20: invalid UTF-8'* ]]
	[[ "$stderr" == *'xcross: stdin:7: "ts" is not a number or an RFC 3339 time'* ]]
	[[ "$stderr" == *"xcross: 5 bad records skipped"* ]]
	# -q keeps the summary quiet, not the status
	run --separate-stderr xcross -q -f price -s price < "$D/bad.ndjson"
	assert_failure 1
	[[ "$stderr" != *"bad records skipped"* ]]
}

@test "--strict: the first bad line is fatal, after what came before" {
	run --separate-stderr xcross --strict -a -f price -s price < "$D/bad.ndjson"
	assert_failure 1
	assert_output '{"symbol":"A","price":1,"ts":1,"fast":1,"slow":1}'
	[[ "$stderr" == *"xcross: stdin:2: column 31: "* ]]
}

@test "an over-long line is skipped whole; empty input is an error" {
	{ echo '{"symbol":"A","p":1,"ts":1}'
	  printf '{"symbol":"A","p":5,"ts":2,"x":"'; head -c 1100000 /dev/zero | tr '\0' 'x'; echo '"}'
	  echo '{"symbol":"A","p":3,"ts":3}'; } > long.ndjson
	run --separate-stderr xcross -a -f p -s p < long.ndjson
	assert_failure 1
	assert_output $'{"symbol":"A","p":1,"ts":1,"fast":1,"slow":1}\n{"symbol":"A","p":3,"ts":3,"fast":3,"slow":3}'
	[[ "$stderr" == *"stdin:2: line longer than"* ]]
	run --separate-stderr xcross < /dev/null
	assert_failure 1
	[[ "$stderr" == *"stdin: empty input"* ]]
}

@test "bad options exit 2 with the usage" {
	local a
	for a in "--fast 'sma(price)'" "--fast 'sma(price,0)'" "--fast 'sma(price,x)'" \
	    "--fast 'ema(,3)'" "--slow 'sma(price,3'" "--slow a,b" "--fast ''" \
	    "--fast 'sma(p,100001)'" "--slow 'sma(p,2) x'" \
	    "--band -1" "--band x" "--volume size" "--over 3" "--volume v --over 3y" \
	    "--volume v --over 0x" "--volume-window 0" "-k ''" "-k a,,b" "--carry ," \
	    "--up-name ''" "--bogus" "extra"; do
		eval "run --separate-stderr xcross $a < /dev/null"
		[ "$status" -eq 2 ] || { echo "xcross $a: status $status" >&2; return 1; }
		[[ "$stderr" == *usage:* ]] || { echo "xcross $a: $stderr" >&2; return 1; }
	done
	run --separate-stderr xcross --help
	assert_success
	[[ "$output" == "usage: xcross "* ]]
	run -0 xcross --version
	[[ "$output" == "xcross (mktpipe) "* ]]
}

# ---- output and signals

@test "/dev/full exits 1 with a message; | head -n1 ends quietly" {
	run --separate-stderr sh -c 'mkt-sim -n 200000 | xcross -a > /dev/full'
	assert_failure 1
	[[ "$stderr" == *"xcross: stdout: No space left on device"* ]]
	run --separate-stderr bash -o pipefail -c 'mkt-sim -n 200000 | xcross -a | head -n1'
	assert_success
	[ -z "$stderr" ]
	[[ "$output" == *'"fast":'* ]]
}

@test "live: an alert is written as soon as its row came in; SIGTERM drains, exit 0" {
	mkfifo in
	xcross -f p -s 'sma(p,2)' < in > out.ndjson 2> err.txt &
	BG_PID=$!
	exec 7> in
	printf '%s\n' '{"symbol":"A","p":1,"ts":1}' '{"symbol":"A","p":3,"ts":2}' \
		'{"symbol":"A","p":1,"ts":3}' >&7
	local i
	for i in $(seq 50); do [ -s out.ndjson ] && break; sleep 0.1; done
	assert_equal "$(cat out.ndjson)" '{"symbol":"A","ts":3,"type":"death_cross","signal":"BEARISH","fast":1,"slow":2}'
	kill -TERM "$BG_PID"
	local rc=0
	wait "$BG_PID" || rc=$?
	BG_PID=
	exec 7>&-
	[ "$rc" -eq 0 ]
	[ ! -s err.txt ]
}

# ---- the pipeline and the manual

@test "in the pipeline: window rows from winagg give crosses that alternate per symbol" {
	mkt-sim --symbols 4 --count 200000 --seed 3 | winagg --size 1m -a 'avg(price) as avg_price' \
		| xcross --time window_end -f 'sma(avg_price,5)' -s 'sma(avg_price,20)' > alerts.ndjson
	[ "$(wc -l < alerts.ndjson)" -ge 8 ]
	# golden and death alternate within each symbol, and every symbol has one
	run jq -rs 'group_by(.symbol) | map([.[].type] | . as $t
		| [range(1; length) | select($t[.] == $t[. - 1])] | length) | add' alerts.ndjson
	assert_output 0
	run sh -c "jq -r .symbol alerts.ndjson | sort -u | wc -l"
	assert_output 4
}

@test "man page: lint and examples" {
	man_lint xcross.1
	run_man_examples xcross.1
	[ "$MAN_EXAMPLES_RUN" -ge 4 ]
}
