#!/usr/bin/env bats
# kcat-in.bats -- NDJSON into a topic on kmock, read back with kcat (an
# independent client): lines intact, keys, partitions as Java's and
# kcat's murmur2, order per key, timestamps, headers, bad lines, broker
# down, a full local queue as back-pressure, signals.
load helpers
load data/kafka/kmock

setup() { cd "$BATS_TEST_TMPDIR"; }
teardown() {
	[ -z "${PIDS:-}" ] || kill -9 $PIDS 2>/dev/null || true
	kmock_stop
}

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

@test "kcat-in: keys land where a Java producer puts them (murmur2, Kafka's test vectors)" {
	kmock_start --topic j:8
	keys=(21 foobar a-little-bit-long-string a-little-bit-longer-string
		lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8 abc
		AAPL MSFT TSLA NVDA AMZN)
	# an implementation of Java's Utils.murmur2 apart from librdkafka's,
	# checked against the hashes of Kafka's own tests ...
	node "$DATA/kafka/murmur2.js" 8 "${keys[@]}" >java
	run awk 'NR <= 6 { print $1, $2 }' java
	assert_output "$(printf '%s\n' '21 -973932308' 'foobar -790332482' \
		'a-little-bit-long-string -985981536' \
		'a-little-bit-longer-string -1486304829' \
		'lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8 -58897971' \
		'abc 479470107')"
	# ... and the partitions a Java producer picks on 8 partitions,
	# toPositive(murmur2(key)) % 8
	run awk 'NR > 6 { print $1, $3 }' java
	assert_output $'AAPL 1\nMSFT 2\nTSLA 7\nNVDA 5\nAMZN 1'
	# kcat-in's choice, read back with kcat
	for k in "${keys[@]}"; do printf '{"k":"%s"}\n' "$k"; done | kcat-in -t j -k k
	kcat -b "$KAFKA_BROKERS" -C -t j -e -q -f '%k %p\n' | sort >got
	[ "$(wc -l <got)" -eq "${#keys[@]}" ]
	run diff got <(awk '{ print $1, $3 }' java | sort)
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
	kcat-in -t t -k symbol --timeout 30s <in.ndjson >out 2>err 3>&- &
	pid=$!
	PIDS=$pid
	# it has tried the broker that is down
	wait_grep err 'retrying' 20
	kill -0 "$pid"
	kmock_cmd "up 1"
	rc=0; wait "$pid" || rc=$?
	assert_equal "$rc" 0
	run sh -c "kcat -b '$KAFKA_BROKERS' -C -t t -e -q | sort"
	assert_output "$(sort in.ndjson)"
}

@test "kcat-in: a full local queue is back-pressure, never a drop: broker down a while, then up" {
	kmock_start --topic t:2
	kmock_cmd "down 1"
	ticks 300 >in.ndjson
	kcat-in -v -t t -k symbol --timeout 60s -X queue.buffering.max.messages=10 \
		<in.ndjson >out 2>err 3>&- &
	pid=$!
	PIDS=$pid
	# ten messages wait for the broker; the eleventh line waits for room
	wait_grep err 'stdin:11: local queue full' 20
	kill -0 "$pid"
	kmock_cmd "up 1"
	rc=0; wait "$pid" || rc=$?
	assert_equal "$rc" 0
	run grep -cE 'line\(s\) waited for room in the local queue|: 300 message\(s\) delivered' err
	assert_output 2
	kcat -b "$KAFKA_BROKERS" -C -t t -e -q -f '%p %o %s\n' >got
	run diff <(cut -d' ' -f3- got | sort) <(sort in.ndjson)
	assert_success
	# per key, in input order
	run sh -c "sort -k1,1n -k2,2n got | awk '{ match(\$0, /\"symbol\":\"[A-Z]+\"/); k = substr(\$0, RSTART, RLENGTH); match(\$0, /\"i\":[0-9]+/); i = substr(\$0, RSTART + 4, RLENGTH - 4) + 0; if (i <= last[k]) bad++; last[k] = i } END { print bad + 0, length(last) }'"
	assert_output '0 5'
}

@test "kcat-in: SIGTERM while the local queue is full ends the wait; what was handed over is delivered" {
	kmock_start --topic t:1
	kmock_cmd "down 1"
	ticks 50 >in.ndjson
	kcat-in -v -t t --timeout 60s -X queue.buffering.max.messages=5 \
		<in.ndjson >out 2>err 3>&- &
	pid=$!
	PIDS=$pid
	wait_grep err 'stdin:6: local queue full' 20
	kill -TERM "$pid"
	# at once, with the broker still down, not after message.timeout.ms
	wait_grep err 'stdin:6: not sent: stopped while the local queue was full' 5
	# the five messages handed over are still waiting for the broker
	kill -0 "$pid"
	kmock_cmd "up 1"
	rc=0; wait "$pid" || rc=$?
	assert_equal "$rc" 1
	grep -q '1 line(s) not sent' err
	run kcat -b "$KAFKA_BROKERS" -C -t t -e -q
	assert_output "$(head -n 5 in.ndjson)"
}

@test "kcat-in: SIGTERM on a quiet input drains and exits 0" {
	kmock_start --topic t:1
	ticks 100 >in.ndjson
	mkfifo in
	kcat-in -t t <in 2>err 3>&- &
	pid=$!
	PIDS=$pid
	# the writer keeps the input open: kcat-in waits for more
	exec {w}>in
	cat in.ndjson >&"$w"
	for i in $(seq 300); do
		[ "$(kcat -b "$KAFKA_BROKERS" -C -t t -e -q | wc -l)" -ge 100 ] && break
		sleep 0.1
	done
	kill -0 "$pid"
	kill -TERM "$pid"
	rc=0; wait "$pid" || rc=$?
	exec {w}>&-
	assert_equal "$rc" 0
	run kcat -b "$KAFKA_BROKERS" -C -t t -e -q
	assert_output "$(cat in.ndjson)"
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

@test "kcat-in: man page lints clean and its examples do what they say" {
	man_lint kcat-in.1
	kmock_start --topic raw-trades:4
	mapfile -t ex < <(man_examples kcat-in.1)
	[ "${#ex[@]}" -eq 4 ]
	# two ticks, keyed by symbol, with their own timestamps
	run bash -o pipefail -c "${ex[0]}"
	assert_success
	assert_output ''
	run sh -c "kcat -b '$KAFKA_BROKERS' -C -t raw-trades -e -q -f '%k %T %s\n' | sort"
	assert_output "$(printf '%s\n' \
		'AAPL 1704931200000 {"symbol":"AAPL","price":175.5,"ts":1704931200000}' \
		'TSLA 1704931200250 {"symbol":"TSLA","price":238.1,"ts":1704931200250}')"
	# lz4-compressed, with a header
	run bash -o pipefail -c "${ex[1]}"
	assert_success
	run sh -c "kcat -b '$KAFKA_BROKERS' -C -t raw-trades -e -q -f '%k [%h] %s\n' | grep venue"
	assert_output 'AAPL [venue=massive] {"symbol":"AAPL","venue":"massive"}'
	# 10000 simulated ticks
	run bash -o pipefail -c "${ex[2]}"
	assert_success
	run sh -c "kcat -b '$KAFKA_BROKERS' -C -t raw-trades -e -q | wc -l"
	assert_output 10003
	# the settings, as the page shows them
	run bash -o pipefail -c "${ex[3]}"
	assert_success
	assert_output "kcat-in: producer: acks=-1 enable.idempotence=true linger.ms=5 batch.num.messages=10000 batch.size=1000000 compression.codec=none partitioner=murmur2_random message.timeout.ms=300000 queue.buffering.max.messages=100000
kcat-in: 1 message(s) delivered to raw-trades"
	# and the page says the same
	run sh -c "sed -n '/^which prints/,/^\\.Ed/p' '$TOP/man/kcat-in.1' | sed '1,2d;\$d' | sed 's/^  / /' | tr -d '\n'"
	assert_output "kcat-in: producer: acks=-1 enable.idempotence=true linger.ms=5 batch.num.messages=10000 batch.size=1000000 compression.codec=none partitioner=murmur2_random message.timeout.ms=300000 queue.buffering.max.messages=100000kcat-in: 1 message(s) delivered to raw-trades"
}
