#!/usr/bin/env bats
# kmock.bats -- the embedded broker: bootstrap line, topics, down/up
# commands and signals, clean exit; checked with kcat as the client.
load helpers
load data/kafka/kmock

teardown() { kmock_stop; }

@test "kmock: prints a loopback bootstrap list and writes --bootstrap-file" {
	kmock_start --brokers 3 --topic prices:4 --bootstrap-file "$BATS_TEST_TMPDIR/bs"
	[[ "$KAFKA_BROKERS" =~ ^127\.0\.0\.1:[0-9]+(,127\.0\.0\.1:[0-9]+){2}$ ]]
	assert_equal "$(cat "$BATS_TEST_TMPDIR/bs")" "$KAFKA_BROKERS"
	run kcat -b "$KAFKA_BROKERS" -L -t prices -m 5
	assert_success
	assert_output --partial '3 brokers:'
	assert_output --partial 'topic "prices" with 4 partitions:'
}

@test "kmock: stores messages that kcat produces and reads back" {
	kmock_start --topic t:1
	printf 'a\nb\nc\n' | kcat -b "$KAFKA_BROKERS" -P -t t
	run kcat -b "$KAFKA_BROKERS" -C -t t -e -q
	assert_success
	assert_output $'a\nb\nc'
}

@test "kmock: down and up commands on stdin are answered and take effect" {
	kmock_start --topic t:1
	kmock_cmd "down 1"
	run kcat -b "$KAFKA_BROKERS" -L -m 2
	assert_failure
	kmock_cmd "up 1"
	run kcat -b "$KAFKA_BROKERS" -L -m 5 -t t
	assert_success
	assert_output --partial 'topic "t" with 1 partitions:'
	kmock_cmd "topic more:2"
	run kcat -b "$KAFKA_BROKERS" -L -m 5 -t more
	assert_output --partial 'topic "more" with 2 partitions:'
	echo "down 7" >&"$KMOCK_FD"
	echo "dance" >&"$KMOCK_FD"
	wait_for 10 eval '[ "$(grep -c "^error " "$KMOCK_OUT")" -ge 2 ]'
	run grep '^error ' "$KMOCK_OUT"
	assert_line -n 0 --partial 'error unknown command: down 7'
	assert_line -n 1 'error unknown command: dance'
	[ "${#lines[@]}" -eq 2 ]
}

@test "kmock: SIGUSR1 takes every broker down, SIGUSR2 brings them back" {
	kmock_start --brokers 2
	kill -USR1 "$KMOCK_PID"
	wait_lines "$KMOCK_OUT" 2 5
	run cat "$KMOCK_OUT"
	assert_line 'ok down all'
	run kcat -b "$KAFKA_BROKERS" -L -m 2
	assert_failure
	kill -USR2 "$KMOCK_PID"
	wait_lines "$KMOCK_OUT" 3 5
	run cat "$KMOCK_OUT"
	assert_line 'ok up all'
	run kcat -b "$KAFKA_BROKERS" -L -m 5
	assert_success
}

@test "kmock: SIGTERM and SIGINT end it with status 0, stdin at EOF keeps it serving" {
	kmock </dev/null >"$BATS_TEST_TMPDIR/out" 3>&- &
	pid=$!
	# serving once the bootstrap line is out, with stdin already at EOF
	wait_lines "$BATS_TEST_TMPDIR/out" 1 10
	kill -0 "$pid"
	run kcat -b "$(head -n1 "$BATS_TEST_TMPDIR/out")" -L -m 5
	assert_success
	kill -TERM "$pid"
	rc=0; wait "$pid" || rc=$?
	assert_equal "$rc" 0
	kmock </dev/null >"$BATS_TEST_TMPDIR/out2" 3>&- &
	pid=$!
	wait_lines "$BATS_TEST_TMPDIR/out2" 1 10
	kill -INT "$pid"
	rc=0; wait "$pid" || rc=$?
	assert_equal "$rc" 0
}

@test "kmock: usage errors exit 2, --help and --version exit 0" {
	run kmock --brokers 0
	assert_failure 2
	run kmock --topic nopartitions
	assert_failure 2
	run kmock --topic t:x </dev/null
	assert_failure 2
	run kmock extra
	assert_failure 2
	run kmock --help
	assert_success
	assert_output --partial 'usage: kmock'
	run kmock --version
	assert_success
	assert_output --partial 'librdkafka'
}

@test "kmock: man page lints clean and its examples print what it says" {
	man_lint kmock.1
	cd "$BATS_TEST_TMPDIR"
	mapfile -t ex < <(man_examples kmock.1)
	[ "${#ex[@]}" -eq 2 ]
	run timeout 30 bash -o pipefail -c "${ex[0]}"
	assert_success
	assert_output 8
	run timeout 30 bash -o pipefail -c "${ex[1]}"
	assert_success
	assert_output $'ok down 1\nok up 1'
}
