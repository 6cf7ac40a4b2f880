#!/usr/bin/env bats
# kcat-in.bats -- NDJSON into a topic on kmock, read back with kcat (an
# independent client): lines intact, keys, partitions as kcat's murmur2,
# order per key, timestamps, headers, bad lines, broker down.
load helpers
load data/kafka/kmock

setup() { cd "$BATS_TEST_TMPDIR"; }
teardown() { kmock_stop; }

@test "kcat-in: every line arrives intact, keyed and in order per key" {
	kmock_start --topic ticks:4
	ticks 500 >in.ndjson
	run kcat-in -t ticks -k symbol <in.ndjson
	assert_success
	assert_output ''
	kcat -b "$KAFKA_BROKERS" -C -t ticks -e -q -f '%p %o %k %s\n' >got
	[ "$(wc -l <got)" -eq 500 ]
	# the values, byte for byte
	cut -d' ' -f4- got | sort >values
	run diff values <(sort in.ndjson)
	assert_success
	# the key is the symbol, and one symbol lives in one partition
	run awk '{ split($4, a, "\"symbol\":\""); split(a[2], b, "\""); if (b[1] != $3) bad++ } END { print bad + 0 }' got
	assert_output 0
	run sh -c "awk '{print \$3, \$1}' got | sort -u | awk '{print \$1}' | uniq -d"
	assert_output ''
	# per key, offsets follow input order
	run sh -c "sort -k1,1n -k2,2n got | awk '{ match(\$0, /\"i\":[0-9]+/); i = substr(\$0, RSTART + 4, RLENGTH - 4) + 0; if (i <= last[\$3]) bad++; last[\$3] = i } END { print bad + 0 }'"
	assert_output 0
}

@test "kcat-in: keys land on the partitions kcat's murmur2_random picks (Java's)" {
	kmock_start --topic a:8 --topic b:8
	ticks 50 >in.ndjson
	kcat-in -t a -k symbol <in.ndjson
	awk '{ match($0, /"symbol":"[A-Z]+"/); print substr($0, RSTART + 10, RLENGTH - 11) "\t" $0 }' in.ndjson |
		kcat -b "$KAFKA_BROKERS" -P -t b -K '\t' -X partitioner=murmur2_random
	kcat -b "$KAFKA_BROKERS" -C -t a -e -q -f '%k %p\n' | sort -u >pa
	kcat -b "$KAFKA_BROKERS" -C -t b -e -q -f '%k %p\n' | sort -u >pb
	[ "$(wc -l <pa)" -eq 5 ]
	run diff pa pb
	assert_success
}

@test "kcat-in: --ts-field sets the message timestamp, -H adds headers" {
	kmock_start --topic t:1
	printf '%s\n' '{"symbol":"AAPL","ts":1704931200123,"venue":"x"}' \
		'{"symbol":"TSLA","ts":"2024-01-11T00:00:01.5Z"}' >in.ndjson
	run kcat-in -t t -k symbol --ts-field ts -H sym=symbol -H venue=venue <in.ndjson
	assert_success
	run kcat -b "$KAFKA_BROKERS" -C -t t -e -q -f '%k %T [%h]\n'
	assert_output $'AAPL 1704931200123 [sym=AAPL,venue=x]\nTSLA 1704931201500 [sym=TSLA]'
	printf '{"ts":5}\n' | kcat-in -t t --ts-field ts --ts-unit s
	run kcat -b "$KAFKA_BROKERS" -C -t t -o 2 -e -q -f '%T\n'
	assert_output 5000
}

@test "kcat-in: bad lines are not sent, counted, exit 1; the rest is delivered" {
	kmock_start --topic t:1
	printf '%s\n' '{"symbol":"A","i":1}' 'not json' '{"i":2}' '[1,2]' \
		'{"symbol":"B","i":3}' $'{"symbol":"\xff"}' >in.ndjson
	run kcat-in -t t -k symbol <in.ndjson
	assert_failure 1
	assert_output --partial 'kcat-in: stdin:2: not sent: column 1'
	assert_output --partial 'kcat-in: stdin:3: no "symbol" field'
	assert_output --partial 'kcat-in: stdin:4: not sent: column 1'
	assert_output --partial 'kcat-in: stdin:6: not sent: column'
	assert_output --partial '4 line(s) not sent'
	run kcat -b "$KAFKA_BROKERS" -C -t t -e -q
	assert_output $'{"symbol":"A","i":1}\n{"symbol":"B","i":3}'
}

@test "kcat-in: an over-long line is skipped whole and reported" {
	kmock_start --topic t:1
	{ echo '{"i":1}'; printf '{"pad":"%s"}\n' "$(head -c 1100000 /dev/zero | tr '\0' x)"; echo '{"i":3}'; } >in
	run kcat-in -t t <in
	assert_failure 1
	assert_output --partial 'kcat-in: stdin:2: line too long'
	run kcat -b "$KAFKA_BROKERS" -C -t t -e -q
	assert_output $'{"i":1}\n{"i":3}'
}

@test "kcat-in: --strict stops at the first bad line, --raw sends anything" {
	kmock_start --topic s:1 --topic r:1
	printf '%s\n' '{"i":1}' 'oops' '{"i":3}' >in
	run kcat-in -t s --strict <in
	assert_failure 1
	run kcat -b "$KAFKA_BROKERS" -C -t s -e -q
	assert_output '{"i":1}'
	run kcat-in -t r --raw <in
	assert_success
	run kcat -b "$KAFKA_BROKERS" -C -t r -e -q
	assert_output $'{"i":1}\noops\n{"i":3}'
}

@test "kcat-in: broker down past --timeout: reports, exits 1, does not hang" {
	kmock_start --topic t:1
	kmock_cmd "down 1"
	ticks 20 >in.ndjson
	SECONDS=0
	run kcat-in -q -t t -k symbol --timeout 3s <in.ndjson
	assert_failure 1
	assert_output --partial '20 of 20 message(s) not delivered'
	[ "$SECONDS" -lt 15 ]
}

@test "kcat-in: broker back within --timeout: everything is delivered, exit 0" {
	kmock_start --topic t:1
	kmock_cmd "down 1"
	ticks 200 >in.ndjson
	kcat-in -q -t t -k symbol --timeout 30s <in.ndjson >out 2>err 3>&- &
	pid=$!
	sleep 3
	kmock_cmd "up 1"
	rc=0; wait "$pid" || rc=$?
	assert_equal "$rc" 0
	run sh -c "kcat -b '$KAFKA_BROKERS' -C -t t -e -q | sort"
	assert_output "$(sort in.ndjson)"
}

@test "kcat-in: SIGTERM mid-stream drains what was read and exits 0" {
	kmock_start --topic t:1
	( ticks 100; sleep 30 ) | kcat-in -t t 2>err 3>&- &
	pid=$!
	sleep 2
	kill -TERM "$pid"
	rc=0; wait "$pid" || rc=$?
	assert_equal "$rc" 0
	run sh -c "kcat -b '$KAFKA_BROKERS' -C -t t -e -q | wc -l"
	assert_output 100
}

@test "kcat-in: -b defaults to KAFKA_BROKERS; usage errors exit 2; empty input exits 1" {
	kmock_start --topic t:1
	run kcat-in -t t </dev/null
	assert_failure 1
	assert_output --partial 'empty input'
	run env -u KAFKA_BROKERS kcat-in -t t </dev/null
	assert_failure 2
	run kcat-in </dev/null
	assert_failure 2
	run kcat-in -t t -X nonsense </dev/null
	assert_failure 2
	run kcat-in -t t -X no.such.property=1 </dev/null
	assert_failure 2
	run kcat-in -t t --timeout soon </dev/null
	assert_failure 2
	run kcat-in -t t --raw -k symbol </dev/null
	assert_failure 2
	run kcat-in --help
	assert_success
	assert_output --partial 'usage: kcat-in'
	run kcat-in -V
	assert_output --partial 'librdkafka'
}

@test "kcat-in: man page lints clean and its examples run" {
	man_lint kcat-in.1
	kmock_start --topic raw-trades:4
	run_man_examples kcat-in.1
}
