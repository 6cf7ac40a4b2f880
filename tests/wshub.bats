#!/usr/bin/env bats
# wshub.bats -- the WebSocket hub: channels, history, slow clients, the read
# API, static files, limits; every server runs on 127.0.0.1 and is stopped
# in teardown.
load helpers

CLIENTS="$TOP/tests/browser/wsclients.js"
MIXED="$DATA/wshub/mixed.ndjson"

setup() {
	T=$BATS_TEST_TMPDIR
	cd "$T"
	PIDS=()
}

teardown() {
	local p
	for p in "${PIDS[@]}"; do
		kill "$p" 2>/dev/null || true
	done
	for p in "${PIDS[@]}"; do
		wait "$p" 2>/dev/null || true
	done
}

# start_hub ARGS... -- run wshub on a free loopback port in the background
# (stdin from $HUB_STDIN, default /dev/null; a hub that should have no
# input at all is given "--in idle=idle", a FIFO no one writes); sets HUB_PID, PORT,
# URL (http) and WS (ws://.../ws). Stderr goes to $T/hub.err.
start_hub() {
	: >"$T/hub.err"
	wshub -p 0 "$@" <"${HUB_STDIN:-/dev/null}" 2>"$T/hub.err" 3>&- &
	HUB_PID=$!
	PIDS+=("$HUB_PID")
	local i
	for i in $(seq 100); do
		PORT=$(sed -n 's/.*listening on http:\/\/127\.0\.0\.1:\([0-9]*\)\/.*/\1/p' "$T/hub.err")
		[ -n "$PORT" ] && break
		sleep 0.05
	done
	[ -n "$PORT" ] || { cat "$T/hub.err" >&2; return 1; }
	URL="http://127.0.0.1:$PORT"
	WS="ws://127.0.0.1:$PORT/ws"
}

# start_clients SPEC... -- run wsclients.js in the background writing to
# $T/out/N.ndjson; returns once all are subscribed. Sets CLI_PID.
start_clients() {
	mkdir -p "$T/out"
	: >"$T/clients.log"
	node "$CLIENTS" "$WS" "$T/out" "$@" >"$T/clients.log" 2>&1 3>&- &
	CLI_PID=$!
	PIDS+=("$CLI_PID")
	local i
	for i in $(seq 200); do
		grep -q '^ready$' "$T/clients.log" && return 0
		sleep 0.05
	done
	cat "$T/clients.log" >&2
	return 1
}

# wait_pid PID SECONDS -- wait for a background process to end; its status
# is left in WAIT_STATUS.
wait_pid() {
	local i
	for i in $(seq $(($2 * 20))); do
		kill -0 "$1" 2>/dev/null || break
		sleep 0.05
	done
	WAIT_STATUS=0
	wait "$1" || WAIT_STATUS=$?
}

# wait_health TEXT -- wait (up to 10 s) until /health contains TEXT.
wait_health() {
	local i
	for i in $(seq 200); do
		curl -s "$URL/health" | grep -qF -- "$1" && return 0
		sleep 0.05
	done
	echo "/health never showed $1: $(curl -s "$URL/health")" >&2
	return 1
}

# get CURL-ARGS... -- the status and content type of a request, then its body.
get() {
	curl -s -o "$T/body" -w '%{http_code} %{content_type}\n' "$@"
	cat "$T/body"
}

# expected RE -- the lines of mixed.ndjson whose symbol matches RE, then the
# close frame's code 1001 (the hub going away).
expected() {
	grep -E "\"symbol\":\"($1)\"" "$MIXED"
	echo '#close 1001'
}

@test "help, version and usage errors" {
	run wshub --help
	assert_success
	assert_line --index 0 --partial 'usage: wshub [-equvV] [-p port]'
	run wshub -V
	assert_success
	assert_line --index 0 --partial 'wshub (mktpipe)'
	assert_line --partial 'libwebsockets 4.'
	run wshub --port 70000
	assert_failure 2
	assert_line --index 0 'wshub: --port: "70000" is not a whole number from 0 to 65535'
	run wshub --in nofile
	assert_failure 2
	run wshub --history 10 --queue 5
	assert_failure 2
	assert_line --index 0 'wshub: --history (10) may not exceed --queue (5)'
	run wshub extra
	assert_failure 2
	run wshub --in a=/nonexistent/file
	assert_failure 1
	assert_output 'wshub: /nonexistent/file: No such file or directory'
}

@test "clients on several channels each get exactly their channel's records, in order" {
	mkfifo feed
	start_hub -e -c symbol --in feed=feed
	start_clients q:AAPL q:MSFT q:BTC m:AAPL m:MSFT,BTC q:AAPL,MSFT 'q:*' 'm:*' \
		m:AAPL,BTC q:BTC,AAPL,MSFT q:NONE m:BTC
	cat "$MIXED" >feed
	wait_pid "$CLI_PID" 20
	[ "$WAIT_STATUS" -eq 0 ] || { cat "$T/hub.err"; false; }
	wait_pid "$HUB_PID" 10
	[ "$WAIT_STATUS" -eq 0 ] || { cat "$T/hub.err"; false; }
	diff -u <(expected AAPL) out/0.ndjson
	diff -u <(expected MSFT) out/1.ndjson
	diff -u <(expected BTC) out/2.ndjson
	diff -u <(expected AAPL) out/3.ndjson
	diff -u <(expected 'MSFT|BTC') out/4.ndjson
	diff -u <(expected 'AAPL|MSFT') out/5.ndjson
	diff -u <(expected '.*') out/6.ndjson
	diff -u <(expected '.*') out/7.ndjson
	diff -u <(expected 'AAPL|BTC') out/8.ndjson
	diff -u <(expected '.*') out/9.ndjson
	diff -u <(echo '#close 1001') out/10.ndjson
	diff -u <(expected BTC) out/11.ndjson
	[ "$(grep -c . out/6.ndjson)" -eq 301 ]
}

@test "the seed's message {\"type\":\"subscribe\",\"channel\":\"X\"} brings the channel's history, then its records" {
	trade() { printf '{"type":"trade","symbol":"%s","price":%s,"ts":%s}\n' "$@"; }
	mkfifo feed
	start_hub -e -c symbol --history 2 --in feed=feed
	exec 7>feed
	{ trade btcusdt 42000.5 1; trade ethusdt 2200.25 2; trade btcusdt 42001 3
	  trade btcusdt 42002 4; trade ethusdt 2201 5; } >&7
	wait_health '"records":5,'
	start_clients s:btcusdt s:ethusdt,btcusdt s:solusdt 7>&-
	{ trade ethusdt 2202 6; trade btcusdt 42003 7; trade solusdt 101 8; } >&7
	exec 7>&-
	wait_pid "$CLI_PID" 10
	wait_pid "$HUB_PID" 10
	[ "$WAIT_STATUS" -eq 0 ] || { cat "$T/hub.err"; false; }
	diff -u <(trade btcusdt 42001 3; trade btcusdt 42002 4; trade btcusdt 42003 7
		echo '#close 1001') out/0.ndjson
	# history of each channel as it is subscribed, then live records in order
	diff -u <(trade ethusdt 2200.25 2; trade ethusdt 2201 5; trade btcusdt 42001 3
		trade btcusdt 42002 4; trade ethusdt 2202 6; trade btcusdt 42003 7
		echo '#close 1001') out/1.ndjson
	diff -u <(trade solusdt 101 8; echo '#close 1001') out/2.ndjson
}

@test "channel is the input's name without --channel; several inputs" {
	mkfifo a b
	start_hub -e --in bars=a --in news=b
	start_clients q:bars q:news 'q:*' 'q:bars,news'
	printf '{"n":1}\n{"n":2}\n' >a
	printf '{"t":"x"}\n' >b
	wait_pid "$CLI_PID" 10
	wait_pid "$HUB_PID" 10
	[ "$WAIT_STATUS" -eq 0 ] || { cat "$T/hub.err"; false; }
	diff -u <(printf '{"n":1}\n{"n":2}\n#close 1001\n') out/0.ndjson
	diff -u <(printf '{"t":"x"}\n#close 1001\n') out/1.ndjson
	[ "$(grep -c '^{' out/2.ndjson)" -eq 3 ]
	[ "$(grep -c '^{' out/3.ndjson)" -eq 3 ]
}

@test "new subscribers first get the channel's history, then live records; SIGTERM closes with 1001, exit 0" {
	mkfifo feed
	start_hub -c symbol --history 3 --in feed=feed
	exec 7>feed
	head -n 20 "$MIXED" >&7
	wait_health '"records":20'
	start_clients q:AAPL 'm:MSFT' 'q:*'
	sed -n 21,30p "$MIXED" >&7
	for i in $(seq 50); do
		[ "$(cat out/2.ndjson 2>/dev/null | wc -l)" -ge 13 ] && break
		sleep 0.05
	done
	kill -TERM "$HUB_PID"
	wait_pid "$HUB_PID" 10
	exec 7>&-
	[ "$WAIT_STATUS" -eq 0 ] || { cat "$T/hub.err"; false; }
	wait_pid "$CLI_PID" 10
	diff -u <(head -n 20 "$MIXED" | grep AAPL | tail -n 3; sed -n 21,30p "$MIXED" | grep AAPL; echo '#close 1001') out/0.ndjson
	diff -u <(head -n 20 "$MIXED" | grep MSFT | tail -n 3; sed -n 21,30p "$MIXED" | grep MSFT; echo '#close 1001') out/1.ndjson
	diff -u <(sed -n 18,30p "$MIXED"; echo '#close 1001') out/2.ndjson
}

@test "a client that stops reading is dropped while the others get every record" {
	mkfifo feed
	start_hub -e -v -Q 500 --history 0 --in feed=feed
	start_clients 'slow:*' 'q:feed' 'm:feed' 'slow:feed'
	# 20000 records of 1 kB, 5000 a second: 20 MB, more than the socket
	# buffers of a client that never reads.
	pad=$(printf '%1000s' '' | tr ' ' x)
	perl -e 'for $i (1..20000) { print "{\"i\":$i,\"pad\":\"$ARGV[0]\"}\n";
		if ($i % 50 == 0) { $| = 1; $| = 0; select(undef, undef, undef, 0.01) } }' "$pad" >feed
	wait_pid "$CLI_PID" 30
	wait_pid "$HUB_PID" 10
	[ "$WAIT_STATUS" -eq 0 ] || { cat "$T/hub.err"; false; }
	[ "$(grep -c '^{' out/1.ndjson)" -eq 20000 ]
	[ "$(grep -c '^{' out/2.ndjson)" -eq 20000 ]
	run awk -F'[:,]' '/^\{/ && $2 != NR { print "out of order at " NR; exit 1 }' out/1.ndjson
	assert_success
	tail -n 1 out/1.ndjson | grep -qx '#close 1001'
	run grep -c 'dropped client 127.0.0.1: send queue full' "$T/hub.err"
	assert_output 2
}

@test "read API: latest, history, limits, 400 and 404 as JSON" {
	HUB_STDIN=$MIXED start_hub -c symbol --history 5 -Q 100
	wait_health '"records":300'
	run curl -s "$URL/api/latest?channel=MSFT"
	assert_output "$(grep MSFT "$MIXED" | tail -n 1)"
	run curl -s "$URL/api/history?channel=BTC&limit=2"
	assert_output "[$(grep BTC "$MIXED" | tail -n 2 | paste -sd,)]"
	run curl -s "$URL/api/history?channel=BTC"
	assert_output "[$(grep BTC "$MIXED" | tail -n 5 | paste -sd,)]"
	run curl -s "$URL/api/history?channel=*&limit=1"
	assert_output "[$(tail -n 1 "$MIXED")]"
	run get "$URL/api/history?channel=BTC&limit=6"
	assert_output '400 application/json
{"error":"limit must be a whole number from 1 to 5"}'
	run get "$URL/api/history?channel=BTC&limit=0"
	assert_output '400 application/json
{"error":"limit must be a whole number from 1 to 5"}'
	run get "$URL/api/history?channel=BTC&limit=x"
	assert_output '400 application/json
{"error":"limit must be a whole number from 1 to 5"}'
	run get "$URL/api/latest"
	assert_output '400 application/json
{"error":"missing parameter: channel"}'
	run get "$URL/api/latest?channel=TSLA"
	assert_output '404 application/json
{"error":"unknown channel"}'
	run get "$URL/api/nothing"
	assert_output '404 application/json
{"error":"no such endpoint"}'
	run curl -s "$URL/api/channels"
	assert_output --partial '{"channel":"AAPL","records":120,"subscribers":0}'
	run get -X POST "$URL/api/latest?channel=BTC"
	assert_output '405 application/json
{"error":"only GET is served"}'
}

@test "read API on one keep-alive connection: a large history in pieces, then small answers, lengths exact" {
	# 3000 records of 100 bytes on one channel: the history body is about
	# 300 kB, sent as the socket drains; the answers after it on the same
	# connection must be whole and in order.
	awk 'BEGIN { for (i = 1; i <= 3000; i++) printf "{\"symbol\":\"BIG\",\"seq\":%d,\"pad\":\"%070d\"}\n", i, i }' >big.ndjson
	HUB_STDIN=big.ndjson start_hub -c symbol --history 3000 -Q 3000
	wait_health '"records":3000'
	curl -s -D headers -o b1 "$URL/api/history?channel=BIG" \
		-o b2 "$URL/api/latest?channel=BIG" \
		-o b3 "$URL/api/history?channel=BIG&limit=2" \
		-o b4 "$URL/api/latest?channel=NONE" \
		-w '%{num_connects}\n' >connects
	assert_equal "$(paste -sd' ' connects)" '1 0 0 0'
	assert_equal "$(cat b1)" "[$(paste -sd, big.ndjson)]"
	assert_equal "$(cat b2)" "$(tail -n 1 big.ndjson)"
	assert_equal "$(cat b3)" "[$(tail -n 2 big.ndjson | paste -sd,)]"
	assert_equal "$(cat b4)" '{"error":"unknown channel"}'
	tr -d '\r' <headers >h
	assert_equal "$(grep '^HTTP/' h | paste -sd,)" \
		'HTTP/1.1 200 OK,HTTP/1.1 200 OK,HTTP/1.1 200 OK,HTTP/1.1 404 Not Found'
	assert_equal "$(awk 'tolower($1) == "content-length:" { print $2 }' h | paste -sd' ')" \
		"$(wc -c <b1) $(wc -c <b2) $(wc -c <b3) $(wc -c <b4)"
	assert_equal "$(grep -ci '^content-type: application/json$' h)" 4
	assert_equal "$(grep -ci '^cache-control: no-store$' h)" 4
}

@test "read API: 300 keep-alive connections get every answer; idle ones are closed after the keep-alive timeout" {
	HUB_STDIN=$MIXED start_hub -c symbol
	wait_health '"records":300'
	curl -s -o expected "$URL/api/latest?channel=MSFT"
	assert_equal "$(cat expected)" "$(grep MSFT "$MIXED" | tail -n 1)"
	run node "$DATA/wshub/keepalive.js" "$URL/api/latest?channel=MSFT" 300 6000 expected
	assert_success
	# a connection idle for 5 s is closed; idle connections wait on the
	# hub's list in expiry order, which these 300 connections churn.
	assert_output --regexp '^answers 6000 bad 0 sockets 300 closed-by-server 300 first-close-s [4-6]\.[0-9] last-close-s [4-6]\.[0-9]$'
}

# half_request NAME [WAIT_S DATA]... -- one connection to the hub: each DATA
# (\r and \n written as such) sent WAIT_S seconds after the one before, then
# nothing more. Prints "NAME answers S,S... closed T" once the hub closes
# the connection, T seconds after the last byte it sent (or after the
# connect), or "NAME answers ... open" if it is still open 30 s after the
# last DATA went out.
half_request() {
	node -e '
		const net = require("net");
		const [port, name, ...steps] = process.argv.slice(1);
		const s = net.connect(Number(port), "127.0.0.1");
		let got = "", last = performance.now(), at = 0;
		const report = (how) => {
			const a = (got.match(/^HTTP\/1\.1 \d+/mg) || []).map((x) => x.slice(9));
			console.log(`${name} answers ${a.join(",") || "-"} ${how}`);
			process.exit(0);
		};
		s.on("data", (d) => { got += d; last = performance.now(); });
		s.on("close", () => report("closed " + ((performance.now() - last) / 1000).toFixed(1)));
		s.on("error", () => {});
		for (let i = 0; i < steps.length; i += 2) {
			at += Number(steps[i]) * 1000;
			const data = steps[i + 1].replace(/\\r/g, "\r").replace(/\\n/g, "\n");
			setTimeout(() => s.write(data), at);
		}
		setTimeout(() => report("open"), at + 30000);
	' "$PORT" "$@"
}

@test "read API: a keep-alive connection left with half a request is closed within the keep-alive and request timeouts" {
	# Each connection is answered what it asked in full, then sends part of
	# one more request and nothing after it. The hub may wait the keep-alive
	# timeout (5 s) and then the request timeout (10 s), but no longer: a
	# connection held for good keeps a header table, and 1,024 of them stop
	# the read API (next test).
	HUB_STDIN=$MIXED start_hub -c symbol
	wait_health '"records":300'
	R='GET /health HTTP/1.1\r\nHost: x\r\n\r\n'
	H='GET /api/latest?channel=MSFT HTTP/1.1\r\nHost:'
	probes=()
	probe() { half_request "$@" >>probes 3>&- & probes+=($!); }
	probe headers 0 "$R$H"
	probe pipelined 0 "$R$R$H"
	probe after-404 0 "GET /api/none HTTP/1.1\r\nHost: x\r\n\r\n$R$H"
	probe line 0 "${R}GET /api/lat"
	probe pipelined-line 0 "$R${R}GET /api/lat"
	probe pipelined-char 0 "${R}${R}G"
	# just before the idle mark, which must not cut a request short
	probe late 0 "$R" 4.8 "$H"
	probe late-pipelined 0 "$R" 4.8 "$R${R}GET /api/lat"
	PIDS+=("${probes[@]}")
	wait "${probes[@]}"

	run sort probes
	assert_output --regexp "^after-404 answers 404,200 closed [0-9.]+
headers answers 200 closed [0-9.]+
late answers 200 closed [0-9.]+
late-pipelined answers 200,200,200 closed [0-9.]+
line answers 200 closed [0-9.]+
pipelined answers 200,200 closed [0-9.]+
pipelined-char answers 200,200 closed [0-9.]+
pipelined-line answers 200,200 closed [0-9.]+$"
	# closed no sooner than the keep-alive timeout, no later than both
	run awk '$5 < 4.5 || $5 > 19 { print }' probes
	assert_output ''
}

@test "read API: 1,100 connections each holding half a pipelined request: all are closed and the read API answers again" {
	ulimit -n 8192 2>/dev/null || ulimit -n "$(ulimit -Hn)"
	[ "$(ulimit -n)" -ge 2400 ] || { echo "ulimit -n $(ulimit -n): too few descriptors"; false; }
	mkfifo idle
	start_hub --in idle=idle
	# more connections than the hub's 1,024 header tables
	node -e '
		const net = require("net");
		const [port, n] = process.argv.slice(1).map(Number);
		const R = "GET /health HTTP/1.1\r\nHost: x\r\n\r\n";
		let open = 0, closed = 0, answered = 0;
		for (let i = 0; i < n; i++) {
			const s = net.connect(port, "127.0.0.1", () => {
				s.write(R + R + "GET /health HTTP/1.1\r\nHost:");
				if (++open === n) console.log("connected");
			});
			let got = "";
			s.on("data", (d) => {
				got += d;
				if (!s.done && (got.match(/^HTTP\/1\.1 200/mg) || []).length === 2) {
					s.done = true;
					answered++;
				}
			});
			s.on("close", () => { if (++closed === n) finish(); });
			s.on("error", () => {});
		}
		function finish() { console.log(`closed ${closed} answered ${answered}`); process.exit(0); }
		setTimeout(finish, 40000);
	' "$PORT" 1100 >flood.out 2>&1 3>&- &
	FLOOD=$!
	PIDS+=("$FLOOD")
	for i in $(seq 200); do
		grep -q '^connected$' flood.out && break
		sleep 0.05
	done
	grep -q '^connected$' flood.out
	# /health is answered within the keep-alive and request timeouts
	start=$SECONDS
	code=
	while [ $((SECONDS - start)) -lt 30 ]; do
		code=$(curl -s -m 12 -o /dev/null -w '%{http_code}' "$URL/health") || true
		[ "$code" = 200 ] && break
	done
	echo "/health answered $code after $((SECONDS - start)) s"
	assert_equal "$code" 200
	wait_pid "$FLOOD" 30
	run cat flood.out
	# the first 1,024 got their two answers; the hub closed every one
	assert_line --regexp '^closed 1100 answered (10[2-9][0-9]|1100)$'
	run curl -s "$URL/health"
	assert_output --partial '"status":"ok"'
}

@test "read API: a request costs no more with 2,000 WebSocket clients and 2,000 keep-alive connections open" {
	# Connection timeouts are kept where a request does not walk past every
	# open connection's; the hub's user CPU time per request, taken around
	# two wrk runs, shows it (one such walk per request made it 4 to 8 times
	# dearer). System time is left out: poll(2) over every descriptor costs
	# each turn of the event loop, spread over however many requests wrk
	# got in, which depends on how busy the machine is.
	ulimit -n 8192 2>/dev/null || ulimit -n "$(ulimit -Hn)"
	[ "$(ulimit -n)" -ge 4000 ] || { echo "ulimit -n $(ulimit -n): too few descriptors"; false; }
	HUB_STDIN=$MIXED start_hub -c symbol -m 5000
	wait_health '"records":300'
	# us of hub user CPU time per request of a wrk run at 1,000 connections
	cpu_per_req() {
		local c0 c1
		c0=$(awk '{ print $14 }' "/proc/$HUB_PID/stat")
		wrk -t1 -c1000 -d2s "$URL/api/latest?channel=MSFT" >"$1"
		c1=$(awk '{ print $14 }' "/proc/$HUB_PID/stat")
		if grep -qE 'Non-2xx|Socket errors' "$1"; then
			cat "$1" >&2
			return 1
		fi
		awk -v t=$((c1 - c0)) -v hz="$(getconf CLK_TCK)" \
			'/requests in/ { printf "%.1f\n", t * 1e6 / hz / $1 }' "$1"
	}
	base=$(cpu_per_req wrk.base)
	node "$DATA/wshub/hold.js" "$PORT" 2000 2000 >hold.out 2>&1 3>&- &
	HOLD=$!
	PIDS+=("$HOLD")
	for i in $(seq 300); do
		grep -q '^ready$' hold.out && break
		sleep 0.05
	done
	assert_equal "$(cat hold.out)" ready
	run curl -s "$URL/health"
	assert_output --partial '"clients":2000,'
	held=$(cpu_per_req wrk.held)
	kill -TERM "$HOLD"
	wait_pid "$HOLD" 5
	echo "user us per request: $base with nothing else open, $held with 4,000 connections open"
	run cat hold.out
	assert_line --regexp '^ws 2000 http 2000 answers [0-9]+ closed 0 errors 0$'
	[ "$(awk '$5 == "answers" { print $6 }' hold.out)" -ge 2000 ]
	awk -v a="$base" -v b="$held" 'BEGIN { exit !(b < 2 * a) }'
}

@test "health counts clients, channels, records, drops and bad lines" {
	printf '{"symbol":"A"}\nnot json\n{"symbol":"B"}\n{"x":1}\n' >in.ndjson
	HUB_STDIN=in.ndjson start_hub -c symbol
	start_clients q:A q:B
	wait_health '"bad":2'
	run curl -s "$URL/health"
	assert_output --regexp '^\{"status":"ok","clients":2,"channels":2,"evicted":0,"records":2,"drops":0,"rejected":0,"bad":2,"queued":0,"inputs_open":0,"uptime_ms":[0-9]+\}$'
	grep -qx 'wshub: stdin:2: column 1: .*' "$T/hub.err" || grep -q 'wshub: stdin:2: ' "$T/hub.err"
	grep -q 'wshub: stdin:4: no "symbol" field' "$T/hub.err"
}

@test "--max-channels forgets the least recently updated channel without subscribers; health counts it" {
	mkfifo feed
	start_hub -c symbol --max-channels 3 --history 2 --in feed=feed
	exec 7>feed
	# put LINE... -- send the lines and wait until the hub has taken them
	n=0
	put() {
		printf '%s\n' "$@" >&7
		n=$((n + $#))
		wait_health "\"records\":$n,"
	}
	channels() { curl -s "$URL/api/channels" | grep -o '"channel":"[A-Z]*"' | cut -d'"' -f4 | sort | paste -sd' '; }
	start_clients q:A
	put '{"symbol":"A","n":1}' '{"symbol":"B","n":1}' '{"symbol":"C","n":1}'
	assert_equal "$(channels)" 'A B C'
	# a fourth: B, the oldest without subscribers, goes; A is older but watched
	put '{"symbol":"D","n":1}'
	assert_equal "$(channels)" 'A C D'
	# C updated: D is now the oldest
	put '{"symbol":"C","n":2}' '{"symbol":"E","n":1}'
	assert_equal "$(channels)" 'A C E'
	run curl -s "$URL/health"
	assert_output --partial '"clients":1,"channels":3,"evicted":2,"records":6,'
	run get "$URL/api/latest?channel=B"
	assert_output '404 application/json
{"error":"unknown channel"}'
	run curl -s "$URL/api/history?channel=C"
	assert_output '[{"symbol":"C","n":1},{"symbol":"C","n":2}]'
	# the subscriber leaves: A becomes the newest candidate, C the oldest
	kill "$CLI_PID"
	wait_health '"clients":0,'
	put '{"symbol":"F","n":1}'
	assert_equal "$(channels)" 'A E F'
	# a channel known only to subscribers does not count, nor evict
	node -e '
		const WebSocket = require(process.argv[1]);
		const ws = new WebSocket(process.argv[2] + "?channel=X,Y,Z");
		ws.on("open", () => ws.send("{\"type\":\"ping\"}"));
		ws.on("message", () => ws.close());
	' "$TOP/node_modules/ws" "$WS"
	run curl -s "$URL/health"
	assert_output --partial '"channels":3,"evicted":3,"records":7,'
	assert_equal "$(channels)" 'A E F'
	diff -u <(printf '{"symbol":"A","n":1}\n') <(grep -v '^#' out/0.ndjson)
	exec 7>&-
}

@test "--max-channels holds a stream of new channels to the newest N" {
	awk 'BEGIN { for (i = 0; i < 20000; i++) printf "{\"symbol\":\"S%05d\",\"n\":%d}\n", i, i }' >churn.ndjson
	HUB_STDIN=churn.ndjson start_hub -c symbol --history 10 --max-channels 100
	wait_health '"records":20000,'
	run curl -s "$URL/health"
	assert_output --partial '"channels":100,"evicted":19900,"records":20000,'
	curl -s "$URL/api/channels" | grep -o '"channel":"S[0-9]*"' | cut -d'"' -f4 | sort >kept
	diff -u <(seq -f 'S%05g' 19900 19999) kept
	run curl -s "$URL/api/latest?channel=S19999"
	assert_output '{"symbol":"S19999","n":19999}'
	kill -TERM "$HUB_PID"
	wait_pid "$HUB_PID" 10
	[ "$WAIT_STATUS" -eq 0 ] || { cat "$T/hub.err"; false; }
}

@test "bad input lines are counted and make the exit status 1; --strict stops at the first" {
	printf '{"symbol":"A"}\n{"symbol":\n{"symbol":7}\n{"symbol":[1]}\n\xff\n' >in.ndjson
	run wshub -p 0 -e -c symbol <in.ndjson
	assert_failure 1
	assert_line --partial 'wshub: stdin:2: '
	assert_line 'wshub: stdin:4: "symbol" is not a string or number'
	assert_line --partial 'wshub: stdin:5: '
	assert_line 'wshub: 3 bad records skipped'
	run wshub -p 0 -e -c symbol --strict <in.ndjson
	assert_failure 1
	assert_line 'wshub: stdin:2: bad record with --strict; stopping'
	run wshub -p 0 -e </dev/null
	assert_failure 1
	assert_line --partial 'empty input'
	run wshub -p 0 -e -c symbol <<<'{"symbol":"A"}'
	assert_success
}

@test "--max-line: a longer input line is a bad record, skipped whole; the lines after it go on" {
	# {"symbol":"A","pad":""} is 23 bytes
	line() { printf '{"symbol":"A","pad":"%s"}\n' "$(printf "%$1s" '' | tr ' ' x)"; }
	{ line 41; line 42; line 200000; line 0; line 41; } >in.ndjson
	[ "$(sed -n 1p in.ndjson | tr -d '\n' | wc -c)" -eq 64 ]
	mkfifo feed
	start_hub -e -c symbol --max-line 64 --in feed=feed
	start_clients q:A
	cat in.ndjson >feed
	wait_pid "$CLI_PID" 10
	wait_pid "$HUB_PID" 10
	[ "$WAIT_STATUS" -eq 1 ] || { cat "$T/hub.err"; false; }
	diff -u <(line 41; line 0; line 41; echo '#close 1001') out/0.ndjson
	run cat "$T/hub.err"
	assert_line 'wshub: feed:2: line too long'
	assert_line 'wshub: feed:3: line too long'
	assert_line 'wshub: 2 bad records skipped'
	refute_line --partial 'feed:4'
	run wshub --max-line 63
	assert_failure 2
	assert_line --index 0 'wshub: --max-line: "63" is not a whole number from 64 to 1073741824'
}

@test "static files: index, types, and no path outside the directory" {
	mkdir -p www/sub outside
	echo '<p>dash</p>' >www/index.html
	echo 'body{}' >www/sub/s.css
	echo secret >outside/secret.txt
	ln -s ../outside/secret.txt www/leak.txt
	ln -s sub/s.css www/inside.css
	mkfifo idle
	start_hub --static www --in idle=idle
	run curl -s -w ' %{http_code} %{content_type}' "$URL/"
	assert_output '<p>dash</p>
 200 text/html; charset=utf-8'
	run curl -s -w ' %{http_code} %{content_type}' "$URL/sub/s.css"
	assert_output 'body{}
 200 text/css; charset=utf-8'
	run curl -s -w ' %{http_code}' "$URL/inside.css"
	assert_output 'body{}
 200'
	for p in /../outside/secret.txt /sub/../../outside/secret.txt \
		/%2e%2e/outside/secret.txt /sub/%2E%2E/%2e%2e/outside/secret.txt \
		/..%2foutside%2fsecret.txt /leak.txt /nothing.html '/sub\..\..\outside\secret.txt'; do
		run curl -s --path-as-is -w ' %{http_code}' "$URL$p"
		refute_output --partial secret
		assert_output --regexp ' (400|403|404)$'
	done
	run curl -s --path-as-is "$URL/../../../../etc/passwd"
	refute_output --partial 'root:'
}

@test "--max-clients refuses upgrades beyond the limit" {
	mkfifo idle
	start_hub -m 2 --in idle=idle
	start_clients q:a q:b
	run node "$CLIENTS" "$WS" "$T/out2" try:a
	assert_line 'refused'
	refute_line 'open'
	run curl -s "$URL/health"
	assert_output --partial '"clients":2,'
	assert_output --partial '"rejected":1,'
}

@test "--origin allows only the listed origins on the upgrade" {
	mkfifo idle
	start_hub -o http://good.example -o http://also.example --in idle=idle
	upgrade() {
		curl -si --max-time 1 -H 'Connection: Upgrade' -H 'Upgrade: websocket' \
			-H 'Sec-WebSocket-Version: 13' \
			-H 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==' "$@" "$URL/ws" |
			head -n 1 | tr -d '\r' | cut -d' ' -f2
	}
	run upgrade -H 'Origin: http://good.example'
	assert_output 101
	run upgrade -H 'Origin: http://also.example'
	assert_output 101
	run upgrade -H 'Origin: http://evil.example'
	refute_output 101
	run upgrade
	refute_output 101
}

@test "client messages over --max-message close the connection with 1009; bad messages get errors" {
	mkfifo idle
	start_hub --max-message 256 --in idle=idle
	run node -e '
		const WebSocket = require(process.argv[1]);
		const ws = new WebSocket(process.argv[2]);
		const seen = [];
		ws.on("open", () => {
			ws.send("nope");
			ws.send("{\"type\":\"dance\"}");
			ws.send("{\"type\":\"subscribe\",\"channels\":[1]}");
			ws.send("{\"type\":\"ping\"}");
		});
		ws.on("message", (m) => {
			seen.push(m.toString());
			if (m.toString() === "{\"type\":\"pong\"}")
				ws.send("{\"type\":\"subscribe\",\"channel\":\"" + "x".repeat(300) + "\"}");
		});
		ws.on("close", (code) => { seen.push("close " + code); console.log(seen.join("\n")); });
	' "$TOP/node_modules/ws" "$WS"
	assert_success
	assert_output '{"type":"error","error":"message is not a JSON object"}
{"type":"error","error":"unknown message type"}
{"type":"error","error":"\"channels\" is not an array of strings"}
{"type":"pong"}
close 1009'
}

@test "unsubscribe stops a channel; at most 64 subscriptions per client" {
	mkfifo feed
	start_hub -e -c symbol --in feed=feed
	node -e '
		const WebSocket = require(process.argv[1]);
		const ws = new WebSocket(process.argv[2]);
		const seen = [];
		ws.on("open", () => {
			ws.send(JSON.stringify({ type: "subscribe", channels: ["AAPL", "MSFT"] }));
			ws.send(JSON.stringify({ type: "unsubscribe", channel: "AAPL" }));
			const many = Array.from({ length: 70 }, (_, i) => "C" + i);
			ws.send(JSON.stringify({ type: "subscribe", channels: many }));
			ws.send("{\"type\":\"ping\"}");
		});
		ws.on("message", (m) => {
			const s = m.toString();
			if (s === "{\"type\":\"pong\"}") require("fs").writeFileSync("ready", "");
			else seen.push(s);
		});
		ws.on("close", (code) => { seen.push("close " + code); require("fs").writeFileSync("seen", seen.join("\n") + "\n"); });
	' "$TOP/node_modules/ws" "$WS" 3>&- &
	PIDS+=($!)
	for i in $(seq 100); do [ -e ready ] && break; sleep 0.05; done
	head -n 20 "$MIXED" >feed
	wait_pid "$HUB_PID" 10
	for i in $(seq 100); do [ -e seen ] && break; sleep 0.05; done
	diff -u <(for i in $(seq 7); do echo '{"type":"error","error":"too many subscriptions"}'; done
		head -n 20 "$MIXED" | grep MSFT; echo 'close 1001') seen
}

@test "dashboard in headless chromium: candles, moving averages, alerts, news, capped lists, reconnect" {
	# the screenshot is saved whether the checks pass or not
	shot=$TOP/build/test-artifacts/dashboard.png
	mkdir -p "${shot%/*}"
	rm -f "$shot"
	run timeout 120 node "$TOP/tests/browser/dashboard.js" "$T" "$shot"
	echo "$output"
	assert_line "screenshot: $shot"
	[ -s "$shot" ]
	assert_success
	assert_line --partial 'ok live: 90 candles, 86 fast, 71 slow, 90 volume bars'
	assert_line --partial 'ok newest alert on top: 15:54:00 MSFT BEARISH death cross'
	assert_line --partial 'ok small page: the newest 5 alerts and 4 articles, keys for those only'
	assert_line 'ok reconnected and re-subscribed: history taken again without duplicates'
	assert_line --partial 'ok small page after the reconnect: the same rows, nothing dropped comes back'
}

@test "man page: lint and examples" {
	man_lint wshub.1
	cp "$MIXED" .
	run man_examples wshub.1
	assert_equal "${#lines[@]}" 2
	run timeout 20 bash -o pipefail -c "$(man_examples wshub.1 | sed -n 1p)"
	assert_success
	assert_output ''
	run timeout 20 bash -o pipefail -c "$(man_examples wshub.1 | sed -n 2p)"
	assert_success
	assert_output "[$(grep '"BTC"' mixed.ndjson | tail -n 2 | paste -sd,)]"
	grep -q '^wshub: listening on http://127.0.0.1:[0-9]*/$' hub.log
}
