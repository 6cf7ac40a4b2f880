#!/usr/bin/env bats
# kcat-out.bats -- topics on kmock out as NDJSON: what kcat produced comes
# out intact, --meta, offsets (numbers, times), groups splitting
# partitions, at-least-once across SIGKILL, broker down, output errors.
load helpers
bats_require_minimum_version 1.5.0
load data/kafka/kmock

setup() { cd "$BATS_TEST_TMPDIR"; }
teardown() {
	[ -z "${PIDS:-}" ] || kill -9 $PIDS 2>/dev/null || true
	kmock_stop
}

@test "kcat-out: reads what kcat produced, intact and in order per key" {
	kmock_start --topic ticks:4
	ticks 500 >in.ndjson
	awk '{ match($0, /"symbol":"[A-Z]+"/); print substr($0, RSTART + 10, RLENGTH - 11) "\t" $0 }' in.ndjson |
		kcat -b "$KAFKA_BROKERS" -P -t ticks -K '\t'
	run kcat-out -t ticks -e
	assert_success
	[ "${#lines[@]}" -eq 500 ]
	run diff <(printf '%s\n' "${lines[@]}" | sort) <(sort in.ndjson)
	assert_success
	kcat-out -t ticks -e --meta >meta
	run sh -c "awk '{ match(\$0, /\"key\":\"[A-Z]+\"/); k = substr(\$0, RSTART, RLENGTH); match(\$0, /\"i\":[0-9]+/); i = substr(\$0, RSTART + 4, RLENGTH - 4) + 0; if (i <= last[k]) bad++; last[k] = i } END { print bad + 0, length(last) }' meta"
	assert_output '0 5'
}

@test "kcat-out: --meta adds topic, partition, offset, ts and key" {
	kmock_start --topic m:1
	printf '%s\n' '{"symbol":"AAPL","price":175.5,"ts":1704931200000}' \
		'{"symbol":"TSLA","ts":1704931200250}' | kcat-in -t m -k symbol --ts-field ts
	printf '{"a":[1,{"b":2}]}\n' | kcat -b "$KAFKA_BROKERS" -P -t m
	run kcat-out -t m -e --meta -o 0
	assert_success
	assert_line -n 0 '{"symbol":"AAPL","price":175.5,"ts":1704931200000,"_kafka":{"topic":"m","partition":0,"offset":0,"ts":1704931200000,"key":"AAPL"}}'
	assert_line -n 1 '{"symbol":"TSLA","ts":1704931200250,"_kafka":{"topic":"m","partition":0,"offset":1,"ts":1704931200250,"key":"TSLA"}}'
	assert_line -n 2 --regexp '^\{"a":\[1,\{"b":2\}\],"_kafka":\{"topic":"m","partition":0,"offset":2,"ts":[0-9]{13},"key":null\}\}$'
	[ "${#lines[@]}" -eq 3 ]
}

@test "kcat-out: values that are not JSON objects are counted and skipped; --raw writes them" {
	kmock_start --topic t:1
	printf '%s\n' '{"i":1}' 'plain text' '[1]' '{"i":4}' | kcat -b "$KAFKA_BROKERS" -P -t t
	run --separate-stderr kcat-out -t t -e
	assert_failure 1
	assert_output $'{"i":1}\n{"i":4}'
	[[ "$stderr" == *'kcat-out: t[0]:1: not written: column 1: not a JSON object'* ]]
	[[ "$stderr" == *'kcat-out: t[0]:2: not written'* ]]
	[[ "$stderr" == *'2 bad records'* ]]
	run kcat-out -t t -e --raw
	assert_success
	assert_output $'{"i":1}\nplain text\n[1]\n{"i":4}'
	run --separate-stderr kcat-out -t t -e --strict
	assert_failure 1
	assert_line -n 0 '{"i":1}'
}

@test "kcat-out: -o N, -o -N, -o end, --count" {
	kmock_start --topic t:1
	ticks 10 | kcat-in -t t
	run sh -c 'kcat-out -t t -e -o 7 | grep -o "\"i\":[0-9]*" | tr "\n" " "'
	assert_output '"i":8 "i":9 "i":10 '
	run sh -c 'kcat-out -t t -e -o -2 | grep -o "\"i\":[0-9]*" | tr "\n" " "'
	assert_output '"i":9 "i":10 '
	run kcat-out -t t -e -o end
	assert_success
	assert_output ''
	run sh -c 'kcat-out -t t -c 3 | grep -o "\"i\":[0-9]*" | tr "\n" " "'
	assert_output '"i":1 "i":2 "i":3 '
}

@test "kcat-out: -o @TIME starts at the first message at or after TIME" {
	kmock_start --topic t:3
	ticks 20 | kcat-in -t t -k symbol --ts-field ts
	# ts of tick i is 2024-01-11T00:00:00Z + i s
	run sh -c 'kcat-out -t t -e -o @2024-01-11T00:00:15Z | grep -o "\"i\":[0-9]*" | sort -t: -k2n | tr "\n" " "'
	assert_output '"i":15 "i":16 "i":17 "i":18 "i":19 "i":20 '
	run sh -c 'kcat-out -t t -e -o @1704931218000 | grep -o "\"i\":[0-9]*" | sort -t: -k2n | tr "\n" " "'
	assert_output '"i":18 "i":19 "i":20 '
	run kcat-out -t t -e -o @2030-01-01T00:00:00Z
	assert_success
	assert_output ''
}

@test "kcat-out: -o @-DURATION starts that long before now" {
	kmock_start --topic t:2
	now=$(date +%s%3N)
	ticks 10 $((now - 20 * 60000)) | kcat-in -t t -k symbol --ts-field ts
	ticks 4 $((now - 3 * 60000)) | sed 's/"i":/"recent":/' | kcat-in -t t -k symbol --ts-field ts
	run kcat-out -t t -e -o @-6m
	assert_success
	[ "${#lines[@]}" -eq 4 ]
	run grep -c recent <<<"$output"
	assert_output 4
	run sh -c 'kcat-out -t t -e -o @-30m | wc -l'
	assert_output 14
}

@test "kcat-out: a member joins a group that read everything: the partitions are split, every line once" {
	kmock_start --topic g:4
	ticks 400 >in.ndjson
	ticks 400 $((1704931200000 + 3600000)) | sed 's/"i":/"j":/' >in2.ndjson
	kcat-in -t g -k symbol <in.ndjson
	# one member reads everything there is, and commits it
	kcat-out -vv -t g -G split "${GROUP_X[@]}" >a 2>a.err 3>&- &
	pa=$!
	PIDS=$pa
	wait_lines a 400 30
	wait_for 30 committed a.err 400
	# a second member joins: the partitions are shared between the two
	kcat-out -v -t g -G split "${GROUP_X[@]}" >b 2>b.err 3>&- &
	pb=$!
	PIDS="$pa $pb"
	wait_for 30 assigned a.err 2
	wait_for 30 assigned b.err 2
	kcat-in -t g -k symbol <in2.ndjson
	wait_for 30 has_lines 800 a b
	kill -TERM $pa
	rc=0; wait $pa || rc=$?; assert_equal "$rc" 0
	kill -TERM $pb
	rc=0; wait $pb || rc=$?; assert_equal "$rc" 0
	run diff <(cat a b | sort) <(sort in.ndjson in2.ndjson)
	assert_success
	# both members had a share of the new lines
	grep -q '"j":' a
	grep -q '"j":' b
	run grep -c '"i":' b
	assert_output 0
}

@test "kcat-out: two members started together split a 4-partition topic, every line once" {
	kmock_start --topic c:4
	ticks 400 >in.ndjson
	ticks 400 $((1704931200000 + 3600000)) | sed 's/"i":/"j":/' >in2.ndjson
	# (lines are produced once the group settled: kmock refuses the
	# commits made while it rebalances, which would let a member that
	# read early have its lines read again by the next owner)
	kcat-out -v -t c -G cold "${GROUP_X[@]}" >a 2>a.err 3>&- &
	pa=$!
	kcat-out -v -t c -G cold "${GROUP_X[@]}" >b 2>b.err 3>&- &
	pb=$!
	PIDS="$pa $pb"
	wait_for 30 assigned a.err 2
	wait_for 30 assigned b.err 2
	kcat-in -t c -k symbol <in.ndjson
	kcat-in -t c -k symbol <in2.ndjson
	wait_for 30 has_lines 800 a b
	kill -TERM $pa $pb
	rc=0; wait $pa || rc=$?; assert_equal "$rc" 0
	rc=0; wait $pb || rc=$?; assert_equal "$rc" 0
	run diff <(cat a b | sort) <(sort in.ndjson in2.ndjson)
	assert_success
	grep -q '"i":' a
	grep -q '"i":' b
	grep -q '"j":' a
	grep -q '"j":' b
}

@test "kcat-out: with a group, @-DURATION counts from when a partition is given; a kept one goes on" {
	kmock_start --topic w:2
	now=$(date +%s%3N)
	ticks 40 $((now - 600000)) | sed 's/"i":/"old":/' | kcat-in -t w -k symbol --ts-field ts
	kcat-out -v -t w -G win -o @-1m "${GROUP_X[@]}" >a 2>a.err 3>&- &
	pa=$!
	PIDS=$pa
	wait_for 30 assigned a.err 2
	ta=$(date +%s%3N)
	# "mid" is inside the minute before the first member's assignment,
	# but not inside the minute before any later one (1.5 s on)
	ticks 40 | sed "s/\"ts\":[0-9]*/\"ts\":$((ta - 59000))/; s/\"i\":/\"mid\":/" >mid.ndjson
	kcat-in -t w -k symbol --ts-field ts <mid.ndjson
	wait_lines a 40 30
	sleep 1.5
	kcat-out -v -t w -G win -o @-1m "${GROUP_X[@]}" >b 2>b.err 3>&- &
	pb=$!
	PIDS="$pa $pb"
	wait_for 30 assigned b.err 1
	wait_for 30 assigned a.err 1
	# "late", stamped now, reaches each member from its own partition
	ticks 40 | sed 's/"i":/"late":/' >late.ndjson
	kcat-in -t w -k symbol <late.ndjson
	wait_for 30 has_lines 80 a b
	# the second member leaves; the first takes its partition over and
	# reads it from a minute before that moment: the late lines again,
	# not the mid ones
	kill -TERM $pb
	rc=0; wait $pb || rc=$?; assert_equal "$rc" 0
	wait_for 30 assigned a.err 2
	[ "$(wc -l <b)" -gt 0 ]
	# 40 mid lines, and the 40 late ones of both partitions
	wait_for 30 has_lines 80 a
	kill -TERM $pa
	rc=0; wait $pa || rc=$?; assert_equal "$rc" 0
	# the second member read only late lines
	run grep -vc '"late":' b
	assert_output 0
	# the first wrote each mid and late line once: its kept partition was
	# not read again at the rebalance, the one it took over was read
	# from the moment it got it
	run diff <(sort a) <(sort mid.ndjson late.ndjson)
	assert_success
}

@test "kcat-out: -e exits for a group member given no partition" {
	kmock_start --topic one:1
	ticks 20 | kcat-in -t one
	# the sticky assignor leaves the one partition with the first member
	sticky=(-X partition.assignment.strategy=cooperative-sticky "${GROUP_X[@]}")
	kcat-out -v -t one -G few "${sticky[@]}" >a 2>a.err 3>&- &
	pa=$!
	PIDS=$pa
	wait_lines a 20 30
	run --separate-stderr timeout 60 kcat-out -v -e -t one -G few "${sticky[@]}"
	assert_success
	assert_output ''
	[[ "$stderr" == *'assigned 0 partition(s)'* ]]
	kill -TERM $pa
	rc=0; wait $pa || rc=$?; assert_equal "$rc" 0
	run diff a <(ticks 20)
	assert_success
}

@test "kcat-out: a consumer killed with SIGKILL and restarted loses nothing" {
	kmock_start --topic k:4
	ticks 3000 >in.ndjson
	kcat-in -t k -k symbol <in.ndjson
	# a slow reader, so that the kill lands mid-stream
	mkfifo pipe
	kcat-out -t k -G kill -u "${GROUP_X[@]}" >pipe 2>err 3>&- &
	kpid=$!
	( while IFS= read -r l; do printf '%s\n' "$l"; sleep 0.002; done <pipe >first ) 3>&- &
	rpid=$!
	PIDS="$kpid $rpid"
	wait_lines first 300 30
	kill -9 $kpid
	wait $rpid || true
	n1=$(wc -l <first)
	[ "$n1" -lt 3000 ]
	run timeout 60 kcat-out -t k -G kill -e "${GROUP_X[@]}"
	assert_success
	printf '%s\n' "${lines[@]}" >second
	run diff <(cat first second | sort -u) <(sort in.ndjson)
	assert_success
	# duplicates only for the uncommitted tail
	[ "$(cat first second | wc -l)" -lt $((3000 + n1)) ]
}

@test "kcat-out: SIGTERM commits what was written; the next run resumes there" {
	kmock_start --topic r:2
	ticks 100 >in.ndjson
	kcat-in -t r -k symbol <in.ndjson
	kcat-out -t r -G resume "${GROUP_X[@]}" >first 2>err 3>&- &
	pid=$!
	PIDS=$pid
	wait_lines first 100 30
	kill -TERM $pid
	rc=0; wait $pid || rc=$?
	assert_equal "$rc" 0
	ticks 50 $((1704931200000 + 3600000)) >in2.ndjson
	kcat-in -t r -k symbol <in2.ndjson
	run timeout 60 kcat-out -t r -G resume -e "${GROUP_X[@]}"
	assert_success
	run diff <(printf '%s\n' "${lines[@]}" | sort) <(sort in2.ndjson)
	assert_success
}

@test "kcat-out: a broker down is retried; reading resumes where it stopped" {
	kmock_start --topic t:1
	ticks 100 >in.ndjson
	head -n 50 in.ndjson | kcat-in -t t
	kcat-out -t t >out 2>err 3>&- &
	pid=$!
	PIDS=$pid
	wait_lines out 50 20
	n0=$(grep -c retrying err || true)
	kmock_cmd "down 1"
	# it finds the broker gone, says so, and keeps going
	wait_for 20 eval '[ "$(grep -c retrying err)" -gt "$n0" ]'
	kill -0 $pid
	kmock_cmd "up 1"
	tail -n 50 in.ndjson | kcat-in -t t
	wait_lines out 100 30
	kill -TERM $pid
	rc=0; wait $pid || rc=$?
	assert_equal "$rc" 0
	run diff out in.ndjson
	assert_success
}

@test "kcat-out: a live record is written promptly, even on kmock that holds empty fetches" {
	kmock_start --topic lat:1
	echo '{"sent":0}' | kcat-in -t lat
	mkfifo lines
	kcat-out -t lat >lines 2>err 3>&- &
	pid=$!
	# each line stamped with the time it came out
	( while IFS= read -r l; do printf '%s %s\n' "$(date +%s%N)" "$l"; done <lines >out ) 3>&- &
	rpid=$!
	PIDS="$pid $rpid"
	wait_lines out 1 30
	for i in $(seq 12); do
		printf '{"sent":%s}\n' "$(date +%s%N)"
		sleep 0.15
	done | kcat-in -t lat -u
	wait_lines out 13 30
	kill -TERM $pid
	rc=0; wait $pid || rc=$?
	assert_equal "$rc" 0
	wait $rpid
	# With librdkafka's own fetch wait (500 ms), kmock holds each record
	# for the rest of a fetch: half of them come out 250 ms late or more.
	# With kcat-out's 50 ms, the median delay stays far below the bound
	# even on a loaded machine.
	run sh -c "awk 'NR > 1 { split(\$2, a, \":\"); sub(/}/, \"\", a[2]);
		printf \"%d\\n\", (\$1 - a[2]) / 1e6 }' out | sort -n |
		awk '{ d[NR] = \$1 } END { m = d[int((NR + 1) / 2)];
		print (NR == 12 && m < 150 ? \"ok\" : \"median \" m \" ms of \" NR) }'"
	assert_output ok
}

@test "kcat-out: /dev/full exits 1 with a message, a closed pipe ends quietly" {
	kmock_start --topic t:1
	ticks 5000 | kcat-in -t t
	run sh -c 'kcat-out -t t -e -o 0 >/dev/full'
	assert_failure 1
	assert_output --partial 'stdout'
	run bash -o pipefail -c 'kcat-out -t t -e | head -n1'
	assert_success
	assert_output --regexp '"i":1}$'
}

@test "kcat-out: usage errors exit 2" {
	run kcat-out </dev/null
	assert_failure 2
	run env -u KAFKA_BROKERS kcat-out -t t
	assert_failure 2
	run kcat-out -b 127.0.0.1:1 -t t -o stored
	assert_failure 2
	run kcat-out -b 127.0.0.1:1 -t t -o yesterday
	assert_failure 2
	run kcat-out -b 127.0.0.1:1 -t t -o @-soon
	assert_failure 2
	run kcat-out -b 127.0.0.1:1 -t t -c 0
	assert_failure 2
	run kcat-out --help
	assert_success
	assert_output --partial 'usage: kcat-out'
}

@test "kcat-out: man page lints clean and its examples do what they say" {
	man_lint kcat-out.1
	kmock_start --topic raw-trades:4
	# 100 ticks of 2024-01-11 from 00:00:01, 20 of the last 30 seconds
	ticks 100 >old.ndjson
	ticks 20 $(($(date +%s%3N) - 30000)) | sed 's/"i":/"recent":/' >recent.ndjson
	cat old.ndjson recent.ndjson | kcat-in -t raw-trades -k symbol --ts-field ts
	mapfile -t ex < <(man_examples kcat-out.1)
	[ "${#ex[@]}" -eq 5 ]
	# everything
	run bash -o pipefail -c "${ex[0]}"
	assert_success
	run diff <(sort trades.ndjson) <(sort old.ndjson recent.ndjson)
	assert_success
	# two records with where they came from: the value as kcat reads it
	# at that partition and offset, the key, the timestamp
	run bash -o pipefail -c "${ex[1]}"
	assert_success
	[ "${#lines[@]}" -eq 2 ]
	for l in "${lines[@]}"; do
		[[ "$l" =~ ^(\{.*\"symbol\":\"([A-Z]+)\".*\"ts\":([0-9]+).*),\"_kafka\":\{\"topic\":\"raw-trades\",\"partition\":([0-3]),\"offset\":([0-9]+),\"ts\":([0-9]+),\"key\":\"([A-Z]+)\"\}\}$ ]]
		m=("${BASH_REMATCH[@]}")
		assert_equal "${m[7]}" "${m[2]}"
		assert_equal "${m[6]}" "${m[3]}"
		assert_equal "$(kcat -b "$KAFKA_BROKERS" -C -t raw-trades -p "${m[4]}" -o "${m[5]}" -c 1 -e -q)" "${m[1]}}"
	done
	# the last 6 minutes: the recent ticks
	run bash -o pipefail -c "${ex[2]}"
	assert_success
	assert_output 20
	# from 00:01:00: ticks 60 to 100, and the recent ones
	run bash -o pipefail -c "${ex[3]}"
	assert_success
	assert_output 61
	# the window stage replica: the recent ticks, in 5-minute windows
	run bash -o pipefail -c "${ex[4]}"
	assert_success
	run awk '{ match($0, /"count":[0-9]+/); n += substr($0, RSTART + 8, RLENGTH - 8)
		match($0, /"window_start":[0-9]+/); if (substr($0, RSTART + 15, RLENGTH - 15) % 300000) bad++ }
		END { print n, bad + 0 }' windows.ndjson
	assert_output '20 0'
}
