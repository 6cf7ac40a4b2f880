# kmock.bash -- loaded by the Kafka bats files: start kmock on loopback
# for a test, talk to it, stop it in teardown.

# kmock_start [kmock options] -- start kmock with a FIFO as its stdin,
# wait for its bootstrap line, export KAFKA_BROKERS.
kmock_start() {
	KMOCK_IN="$BATS_TEST_TMPDIR/kmock.in"
	KMOCK_OUT="$BATS_TEST_TMPDIR/kmock.out"
	rm -f "$KMOCK_IN"
	mkfifo "$KMOCK_IN"
	kmock "$@" <"$KMOCK_IN" >"$KMOCK_OUT" 2>"$BATS_TEST_TMPDIR/kmock.err" 3>&- &
	KMOCK_PID=$!
	exec {KMOCK_FD}>"$KMOCK_IN"
	local i
	for i in $(seq 100); do
		[ -s "$KMOCK_OUT" ] && break
		sleep 0.05
	done
	KAFKA_BROKERS=$(head -n1 "$KMOCK_OUT")
	export KAFKA_BROKERS
	[ -n "$KAFKA_BROKERS" ]
}

# kmock_cmd "down 1" -- send a command and wait for its "ok" answer.
kmock_cmd() {
	echo "$1" >&"$KMOCK_FD"
	local i
	for i in $(seq 100); do
		grep -qx "ok $1" "$KMOCK_OUT" && return 0
		sleep 0.05
	done
	echo "kmock did not answer '$1'" >&2
	return 1
}

kmock_stop() {
	if [ -n "${KMOCK_PID:-}" ]; then
		kill -TERM "$KMOCK_PID" 2>/dev/null || true
		wait "$KMOCK_PID" 2>/dev/null || true
		exec {KMOCK_FD}>&-
		KMOCK_PID=
	fi
}

# wait_lines FILE N [SECONDS] -- until FILE has at least N lines.
wait_lines() {
	local i
	for i in $(seq $((${3:-20} * 10))); do
		[ "$(wc -l <"$1" 2>/dev/null || echo 0)" -ge "$2" ] && return 0
		sleep 0.1
	done
	echo "$1: $(wc -l <"$1") lines, wanted $2" >&2
	return 1
}

# wait_grep FILE REGEX [SECONDS] -- until a line of FILE matches REGEX
# (grep -E); fails, saying so, when it does not within SECONDS (20).
wait_grep() {
	local i
	for i in $(seq $((${3:-20} * 10))); do
		grep -qE -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "$1: no line matching '$2' within ${3:-20} s" >&2
	return 1
}

# wait_for SECONDS COMMAND... -- until COMMAND succeeds; fails, saying
# which command, when it does not within SECONDS.
wait_for() {
	local i n=$(($1 * 10))
	shift
	for i in $(seq "$n"); do
		"$@" && return 0
		sleep 0.1
	done
	echo "not within $((n / 10)) s: $*" >&2
	return 1
}

# assigned FILE N -- the last assignment kcat-out -v reported in FILE was
# of N partitions.
assigned() {
	[ "$(grep -o 'assigned [0-9]* partition' "$1" 2>/dev/null | tail -n1 |
		cut -d' ' -f2)" = "$2" ]
}

# committed FILE TOTAL -- the last positions kcat-out -vv reported
# committed in FILE ("committed t[0]@160 ..."), one per partition, add up
# to TOTAL.
committed() {
	[ "$(grep -o '^kcat-out: committed .*' "$1" 2>/dev/null | awk '
		{ for (i = 3; i <= NF; i++) { split($i, a, "@"); at[a[1]] = a[2] } }
		END { for (p in at) n += at[p]; print n + 0 }')" = "$2" ]
}

# has_lines N FILE... -- the files have at least N lines together.
has_lines() {
	[ "$(cat "${@:2}" 2>/dev/null | wc -l)" -ge "$1" ]
}

# ticks N [FIRST_TS] -- N tick lines over 5 symbols, i = 1..N, ts 1 s apart.
ticks() {
	awk -v n="$1" -v t0="${2:-1704931200000}" 'BEGIN {
		split("AAPL MSFT TSLA NVDA AMZN", s, " ")
		for (i = 1; i <= n; i++)
			printf "{\"type\":\"trade\",\"symbol\":\"%s\",\"price\":%d.5,\"size\":%d,\"ts\":%.0f,\"i\":%d}\n", s[(i % 5) + 1], 100 + i % 7, i, t0 + i * 1000, i
	}'
}

# Consumer group settings that make kmock's rebalances quick (it holds a
# new join for the session timeout of a member that left).
GROUP_X=(-X session.timeout.ms=6000 -X heartbeat.interval.ms=500)
