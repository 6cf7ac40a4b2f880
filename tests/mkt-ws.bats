#!/usr/bin/env bats
# mkt-ws.bats -- the venue WebSocket client against loopback servers that
# speak each preset's documented messages (tests/ws/venue.js on
# 127.0.0.1, a free port, stopped in teardown): normalisation, one
# subscribe message, auth failures, reconnects and resubscription,
# silent feeds, busy venues, pings, duplicates, batched events, malformed
# frames, TLS, slow readers, signals and write errors.
load helpers
bats_require_minimum_version 1.5.0

VENUE="$TOP/tests/ws/venue.js"

setup() {
	T=$BATS_TEST_TMPDIR
	cd "$T"
	PIDS=()
	export MASSIVE_API_KEY=good-key FINNHUB_API_KEY=good-key
	export ALPACA_API_KEY_ID=good-key ALPACA_API_SECRET_KEY=good-secret
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

# start_venue [--port P] ARGS... -- run venue.js in the background on
# 127.0.0.1; sets VPID, PORT and URL (ws://127.0.0.1:PORT); the messages
# it receives go to $T/venue.log.
start_venue() {
	rm -f "$T/port"
	node "$VENUE" --portfile "$T/port" --log "$T/venue.log" "$@" \
	    2>>"$T/venue.err" 3>&- &
	VPID=$!
	PIDS+=("$VPID")
	local i
	for i in $(seq 200); do
		[ -s "$T/port" ] && break
		sleep 0.05
	done
	PORT=$(cat "$T/port") || return 1
	URL="ws://127.0.0.1:$PORT"
}

# wait_pid PID SECONDS -- wait for a background process; status in WAIT_STATUS.
wait_pid() {
	local i
	for i in $(seq $(($2 * 20))); do
		kill -0 "$1" 2>/dev/null || break
		sleep 0.05
	done
	WAIT_STATUS=0
	wait "$1" || WAIT_STATUS=$?
}

# sent N -- the messages the client sent on connection N, one per line.
sent() {
	node -e '
	const fs = require("fs");
	for (const l of fs.readFileSync(process.argv[1], "utf8").split("\n"))
		if (l) { const o = JSON.parse(l); if (o.conn == process.argv[2] && o.msg) console.log(o.msg); }
	' "$T/venue.log" "$1"
}

count_in_log() { grep -c "$1" "$T/venue.log" || true; }

# backoff STDERR MIN MAX GROWTH -- the delays of the "reconnecting in Xs"
# lines of STDERR, in order: delay i (from 0) must lie in the upper half
# of MIN * GROWTH^i capped at MAX (the jitter), give or take the rounding
# of the message; at least three of them.
backoff() {
	printf '%s\n' "$1" | sed -n 's/.*reconnecting in \([0-9.]*\)s$/\1/p' |
	awk -v b="$2" -v m="$3" -v g="$4" '
	{
		d = b * g ^ (NR - 1)
		if (d > m) d = m
		if ($1 < d / 2 - 0.006 || $1 > d + 0.006) {
			print "delay " NR " is " $1 "s, not in [" d / 2 ", " d "]"
			bad = 1
		}
		n = NR
	}
	END {
		if (n < 3) { print "only " n + 0 " delays"; bad = 1 }
		exit bad
	}'
}

# backoff_run MIN MAX GROWTH VENUE-ARGS... -- MKT-WS-ARGS... -- a fresh
# massive venue with VENUE-ARGS, and mkt-ws with --backoff-min MIN
# --backoff-max MAX and MKT-WS-ARGS against it: it must succeed, and its
# delays follow backoff MIN MAX GROWTH. Sets BACKOFF_STDERR and
# BACKOFF_RECORDS (the lines it wrote).
backoff_run() {
	local min=$1 max=$2 growth=$3 va=()
	shift 3
	while [ "$1" != -- ]; do
		va+=("$1")
		shift
	done
	shift
	rm -f "$T/venue.log"
	start_venue --venue massive "${va[@]}"
	run --separate-stderr mkt-ws --preset massive --symbols AAPL --url "$URL/stocks" \
	    --backoff-min "$min" --backoff-max "$max" "$@"
	assert_success
	BACKOFF_STDERR=$stderr
	BACKOFF_RECORDS=${#lines[@]}
	run backoff "$stderr" "$min" "$max" "$growth"
	assert_success
}

# open_gaps -- ms between the connections the venue saw, one a line.
open_gaps() {
	node -e '
	const fs = require("fs");
	const at = fs.readFileSync(process.argv[1], "utf8").split("\n").filter(Boolean)
		.map(JSON.parse).filter((o) => o.open).map((o) => o.at);
	for (let i = 1; i < at.length; i++) console.log(at[i] - at[i - 1]);
	' "$T/venue.log"
}

# memscan PID TEXT -- how many times TEXT occurs in the readable memory of
# process PID (mappings of up to 1 GiB: a sanitizer's shadow is skipped).
memscan() {
	MEMSCAN_TEXT=$2 node -e '
	const fs = require("fs");
	const pid = process.argv[1], needle = Buffer.from(process.env.MEMSCAN_TEXT, "latin1");
	const fd = fs.openSync("/proc/" + pid + "/mem", "r"), buf = Buffer.alloc(1 << 20);
	let n = 0;
	for (const l of fs.readFileSync("/proc/" + pid + "/maps", "utf8").split("\n")) {
		const m = /^([0-9a-f]+)-([0-9a-f]+) r/.exec(l);
		if (!m) continue;
		const lo = parseInt(m[1], 16), hi = parseInt(m[2], 16);
		if (hi - lo > 2 ** 30) continue;
		let carry = Buffer.alloc(0);
		for (let at = lo; at < hi; at += buf.length) {
			let k;
			try { k = fs.readSync(fd, buf, 0, Math.min(buf.length, hi - at), at); } catch (e) { break; }
			const b = Buffer.concat([carry, buf.subarray(0, k)]);
			for (let i = b.indexOf(needle); i >= 0; i = b.indexOf(needle, i + 1)) n++;
			carry = b.subarray(Math.max(0, b.length - needle.length + 1));
		}
	}
	console.log(n);
	' "$1"
}

# wait_file FILE TEXT -- wait up to 10 s for TEXT in FILE.
wait_file() {
	local i
	for i in $(seq 200); do
		grep -qF -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	echo "no \"$2\" in $1:" >&2
	cat "$1" >&2
	return 1
}

@test "help, version and usage errors" {
	run mkt-ws --help
	assert_success
	assert_line --partial "usage: mkt-ws --preset name"
	run mkt-ws --version
	assert_success
	assert_output --partial "libwebsockets"
	run mkt-ws
	assert_failure 2
	assert_output --partial "give --preset NAME, or --url URL"
	run mkt-ws --preset nosuch --symbols A
	assert_failure 2
	assert_output --partial 'unknown preset "nosuch"'
	run mkt-ws --preset massive
	assert_failure 2
	assert_output --partial "needs --symbols"
	run mkt-ws --preset binance --symbols A --map .
	assert_failure 2
	run mkt-ws --url http://x/
	assert_failure 2
	assert_output --partial "ws:// or wss://"
	run mkt-ws --url ws://127.0.0.1:1/ --map '.['
	assert_failure 2
	run mkt-ws --preset massive --symbols A --backoff-min 5 --backoff-max 1
	assert_failure 2
	run mkt-ws --preset massive --symbols A --bogus
	assert_failure 2
}

@test "massive: auth, one subscribe message, trades normalised" {
	start_venue --venue massive --frames 2 --per 3
	run --separate-stderr mkt-ws --preset massive --symbols AAPL,TSLA --url "$URL/stocks" -n 6
	assert_success
	assert_output - <<'EOF'
{"type":"trade","symbol":"AAPL","price":100.25,"size":1,"ts":1704931200001,"venue":"massive"}
{"type":"trade","symbol":"TSLA","price":100.5,"size":2,"ts":1704931200002,"venue":"massive"}
{"type":"trade","symbol":"AAPL","price":100.75,"size":3,"ts":1704931200003,"venue":"massive"}
{"type":"trade","symbol":"TSLA","price":101,"size":4,"ts":1704931200004,"venue":"massive"}
{"type":"trade","symbol":"AAPL","price":101.25,"size":5,"ts":1704931200005,"venue":"massive"}
{"type":"trade","symbol":"TSLA","price":101.5,"size":6,"ts":1704931200006,"venue":"massive"}
EOF
	run sent 1
	assert_output - <<'EOF'
{"action":"auth","params":"good-key"}
{"action":"subscribe","params":"T.AAPL,T.TSLA"}
EOF
}

@test "massive: quotes, second and minute aggregates, --raw keeps the event" {
	start_venue --venue massive --frames 1 --per 3
	run --separate-stderr mkt-ws --preset massive --symbols AAPL --channels Q,AM,A --url "$URL/stocks" -n 3
	assert_success
	assert_output - <<'EOF'
{"type":"quote","symbol":"AAPL","bid":100.25,"bid_size":2,"ask":100.75,"ask_size":3,"ts":1704931200001,"venue":"massive"}
{"type":"bar","symbol":"AAPL","open":100.5,"high":101,"low":100,"close":100.75,"volume":2,"vwap":100.6,"ts":1704931200000,"end":1704931260000,"venue":"massive"}
{"type":"bar","symbol":"AAPL","open":100.75,"high":101.25,"low":100.25,"close":101,"volume":3,"vwap":100.85,"ts":1704931200000,"end":1704931201000,"venue":"massive"}
EOF
	run sent 1
	assert_line --index 1 '{"action":"subscribe","params":"Q.AAPL,AM.AAPL,A.AAPL"}'
	start_venue --venue massive --frames 1 --per 1
	run --separate-stderr mkt-ws --preset massive --symbols AAPL --url "$URL/stocks" -n 1 --raw
	assert_success
	assert_output '{"type":"trade","symbol":"AAPL","price":100.25,"size":1,"ts":1704931200001,"venue":"massive","raw":{"ev":"T","sym":"AAPL","x":4,"i":"1","z":3,"p":100.25,"s":1,"c":[0,12],"t":1704931200001,"q":1}}'
}

@test "massive crypto: XT trades, XQ quotes, XA and XAS aggregates, keyed by pair" {
	start_venue --venue massive --frames 1 --per 4
	run --separate-stderr mkt-ws --preset massive --market crypto --symbols BTC-USD \
	    --channels XT,XQ,XA,XAS --url "$URL/crypto" -n 4
	assert_success
	assert_output - <<'EOF'
{"type":"trade","symbol":"BTC-USD","price":100.25,"size":0.01,"ts":1704931200001,"venue":"massive"}
{"type":"quote","symbol":"BTC-USD","bid":100.5,"bid_size":0.5,"ask":101,"ask_size":0.25,"ts":1704931200002,"venue":"massive"}
{"type":"bar","symbol":"BTC-USD","open":100.75,"high":101.25,"low":100.25,"close":101,"volume":0.75,"vwap":100.875,"ts":1704931200000,"end":1704931260000,"venue":"massive"}
{"type":"bar","symbol":"BTC-USD","open":101,"high":101.5,"low":100.5,"close":101.25,"volume":1,"vwap":101.125,"ts":1704931200000,"end":1704931201000,"venue":"massive"}
EOF
	run sent 1
	assert_line --index 1 '{"action":"subscribe","params":"XT.BTC-USD,XQ.BTC-USD,XA.BTC-USD,XAS.BTC-USD"}'
	# XT is the default channel of --market crypto; a replayed trade (the
	# same integer id "i" again) is dropped
	rm -f "$T/venue.log"
	start_venue --venue massive --script "$DATA/mkt-ws/crypto.txt"
	run --separate-stderr mkt-ws --preset massive --market crypto --symbols ETH-USD --url "$URL/crypto" -d 1s
	assert_success
	assert_output - <<'EOF'
{"type":"trade","symbol":"ETH-USD","price":2301.5,"size":0.125,"ts":1704931200001,"venue":"massive"}
{"type":"trade","symbol":"ETH-USD","price":2301.75,"size":0.5,"ts":1704931200002,"venue":"massive"}
EOF
	assert_regex "$stderr" "1 duplicates dropped"
	run sent 1
	assert_line --index 1 '{"action":"subscribe","params":"XT.ETH-USD"}'
}

@test "massive: a refused key stops with status 1 after one attempt" {
	start_venue --venue massive
	MASSIVE_API_KEY=wrong-key run mkt-ws --preset massive --symbols AAPL --url "$URL/stocks" --backoff-min 0.05
	assert_failure 1
	assert_output --partial "authentication failed: authentication failed"
	refute_output --partial "wrong-key"
	[ "$(count_in_log '"open":true')" -eq 1 ]
	# the key is not printed even with -vv
	MASSIVE_API_KEY=wrong-key run mkt-ws -vv --preset massive --symbols AAPL --url "$URL/stocks"
	assert_failure 1
	refute_output --partial "wrong-key"
	assert_output --partial "sent the authentication message"
	# a missing key is reported before any connection is made
	MASSIVE_API_KEY= run mkt-ws --preset massive --symbols AAPL --url "$URL/stocks"
	assert_failure 1
	assert_output "mkt-ws: MASSIVE_API_KEY is not set"
	[ "$(count_in_log '"open":true')" -eq 2 ]
}

@test "a frame with a hundred events gives a hundred records" {
	start_venue --venue massive --frames 1 --per 100
	run mkt-ws --preset massive --symbols AAPL --url "$URL/stocks" -n 100 -v
	assert_success
	[ "$(grep -c '^{"type":"trade"' <<<"$output")" -eq 100 ]
	assert_output --partial "records"
	# the data frame is one frame: status + auth reply + subscribed + 1 data
	assert_line "mkt-ws: 4 frames, 100 records, 0 reconnects, 0 malformed, 0 duplicates dropped"
}

@test "binance: 50 symbols in ONE subscribe message; string prices; combined streams" {
	start_venue --venue binance --frames 3 --per 1
	syms=$(seq -f 'S%gUSDT' 1 50 | paste -sd,)
	run --separate-stderr mkt-ws --preset binance --symbols "$syms" --url "$URL/stream" -n 3
	assert_success
	assert_output - <<'EOF'
{"type":"trade","symbol":"S1USDT","price":100.25,"size":0.01,"ts":1704931200001,"venue":"binance"}
{"type":"trade","symbol":"S2USDT","price":100.5,"size":0.02,"ts":1704931200002,"venue":"binance"}
{"type":"trade","symbol":"S3USDT","price":100.75,"size":0.03,"ts":1704931200003,"venue":"binance"}
EOF
	run sent 1
	[ "${#lines[@]}" -eq 1 ]
	expect='{"method":"SUBSCRIBE","params":['$(seq -f '"s%gusdt@trade"' 1 50 | paste -sd,)'],"id":1}'
	assert_output "$expect"
}

@test "binance: klines become bars, only closed ones unless --all-bars" {
	start_venue --venue binance --frames 4 --per 1
	run --separate-stderr mkt-ws --preset binance --symbols BTCUSDT --channels kline_1m --url "$URL/stream" -n 2
	assert_success
	assert_output - <<'EOF'
{"type":"bar","symbol":"BTCUSDT","open":100.5,"high":101,"low":100,"close":100.75,"volume":2,"vwap":100.5,"ts":1704931200000,"end":1704931260000,"venue":"binance"}
{"type":"bar","symbol":"BTCUSDT","open":101,"high":101.5,"low":100.5,"close":101.25,"volume":2,"vwap":101,"ts":1704931200000,"end":1704931260000,"venue":"binance"}
EOF
	run sent 1
	assert_output '{"method":"SUBSCRIBE","params":["btcusdt@kline_1m"],"id":1}'
	start_venue --venue binance --frames 2 --per 1
	run --separate-stderr mkt-ws --preset binance --symbols BTCUSDT --channels kline_1m --url "$URL/stream" -n 2 --all-bars
	assert_success
	[ "${#lines[@]}" -eq 2 ]
}

@test "binance: aggTrade events; a raw stream (/ws/<symbol>@trade) sends bare events" {
	start_venue --venue binance --frames 2 --per 2
	run --separate-stderr mkt-ws --preset binance --symbols BTCUSDT,ETHUSDT --channels aggTrade --url "$URL/stream" -n 4
	assert_success
	assert_output - <<'EOF'
{"type":"trade","symbol":"BTCUSDT","price":100.25,"size":0.01,"ts":1704931200001,"venue":"binance"}
{"type":"trade","symbol":"ETHUSDT","price":100.5,"size":0.02,"ts":1704931200002,"venue":"binance"}
{"type":"trade","symbol":"BTCUSDT","price":100.75,"size":0.03,"ts":1704931200003,"venue":"binance"}
{"type":"trade","symbol":"ETHUSDT","price":101,"size":0.04,"ts":1704931200004,"venue":"binance"}
EOF
	# each event in a message of its own (as Binance sends them): the
	# subscription's answer and four events
	assert_regex "$stderr" "mkt-ws: 5 frames, 4 records"
	run sent 1
	assert_output '{"method":"SUBSCRIBE","params":["btcusdt@aggTrade","ethusdt@aggTrade"],"id":1}'
	start_venue --venue binance --frames 3 --per 1
	run --separate-stderr mkt-ws --preset binance --symbols BTCUSDT --url "$URL/ws/btcusdt@trade" -n 3 --raw
	assert_success
	assert_output - <<'EOF'
{"type":"trade","symbol":"BTCUSDT","price":100.25,"size":0.01,"ts":1704931200001,"venue":"binance","raw":{"e":"trade","E":1704931200002,"s":"BTCUSDT","t":1,"p":"100.25000000","q":"0.01000000","T":1704931200001,"m":true,"M":true}}
{"type":"trade","symbol":"BTCUSDT","price":100.5,"size":0.02,"ts":1704931200002,"venue":"binance","raw":{"e":"trade","E":1704931200003,"s":"BTCUSDT","t":2,"p":"100.50000000","q":"0.02000000","T":1704931200002,"m":true,"M":true}}
{"type":"trade","symbol":"BTCUSDT","price":100.75,"size":0.03,"ts":1704931200003,"venue":"binance","raw":{"e":"trade","E":1704931200004,"s":"BTCUSDT","t":3,"p":"100.75000000","q":"0.03000000","T":1704931200003,"m":true,"M":true}}
EOF
	run grep -c '"open":true,"path":"/ws/btcusdt@trade"' "$T/venue.log"
	assert_output 1
}

@test "coinbase: matches; last_match replayed after a reconnect is dropped by trade id" {
	start_venue --venue coinbase --frames 2 --per 2 --drop-after 2
	run --separate-stderr mkt-ws --preset coinbase --symbols BTC-USD --url "$URL" -n 8 --backoff-min 0.05 --backoff-max 0.1
	assert_success
	assert_line --index 0 '{"type":"trade","symbol":"BTC-USD","price":100.25,"size":0.01,"ts":1704931200001,"venue":"coinbase"}'
	assert_equal "${#lines[@]}" 8
	assert_regex "$stderr" "[1-9] duplicates dropped"
	# trades 1..8, each once, in order
	run sh -c "printf '%s\n' \"\$0\" | grep '^{' | sed 's/.*\"size\":\\([0-9.]*\\).*/\\1/' | paste -sd' '" "$output"
	assert_output "0.01 0.02 0.03 0.04 0.05 0.06 0.07 0.08"
	run sent 1
	assert_output '{"type":"subscribe","product_ids":["BTC-USD"],"channels":["matches","heartbeat"]}'
	run sent 2
	assert_output '{"type":"subscribe","product_ids":["BTC-USD"],"channels":["matches","heartbeat"]}'
}

@test "coinbase: --dedup 0 keeps the replayed last_match" {
	start_venue --venue coinbase --frames 1 --per 2 --drop-after 1
	run --separate-stderr mkt-ws --preset coinbase --symbols BTC-USD --url "$URL" -n 4 --dedup 0 --backoff-min 0.05 --backoff-max 0.1
	assert_success
	run sh -c "printf '%s\n' \"\$0\" | grep '^{' | sed 's/.*\"size\":\\([0-9.]*\\).*/\\1/' | paste -sd' '" "$output"
	assert_output "0.01 0.02 0.02 0.03"
}

@test "coinbase: the ticker channel gives quotes of the best bid and ask" {
	start_venue --venue coinbase --frames 2 --per 1
	run --separate-stderr mkt-ws --preset coinbase --symbols BTC-USD --channels ticker,heartbeat --url "$URL" -n 2
	assert_success
	assert_output - <<'EOF'
{"type":"quote","symbol":"BTC-USD","bid":100.24,"bid_size":0.5,"ask":100.26,"ask_size":1.25,"ts":1704931200001,"venue":"coinbase"}
{"type":"quote","symbol":"BTC-USD","bid":100.49,"bid_size":0.5,"ask":100.51,"ask_size":1.25,"ts":1704931200002,"venue":"coinbase"}
EOF
	run sent 1
	assert_output '{"type":"subscribe","product_ids":["BTC-USD"],"channels":["ticker","heartbeat"]}'
}

@test "finnhub: token in the query, one subscribe per symbol; a bad token stops" {
	start_venue --venue finnhub --frames 1 --per 2
	run --separate-stderr mkt-ws --preset finnhub --symbols AAPL,MSFT --url "$URL" -n 2
	assert_success
	assert_output - <<'EOF'
{"type":"trade","symbol":"AAPL","price":100.25,"size":1,"ts":1704931200001,"venue":"finnhub"}
{"type":"trade","symbol":"MSFT","price":100.5,"size":2,"ts":1704931200002,"venue":"finnhub"}
EOF
	run sent 1
	assert_output - <<'EOF'
{"type":"subscribe","symbol":"AAPL"}
{"type":"subscribe","symbol":"MSFT"}
EOF
	FINNHUB_API_KEY=bad-token run mkt-ws --preset finnhub --symbols AAPL --url "$URL" -v
	assert_failure 1
	assert_output --partial "HTTP 401"
	assert_output --partial "the key was refused"
	refute_output --partial "bad-token"
	[ "$(count_in_log '"unauthorized"')" -eq 1 ]
	# a missing key is reported before any connection is made
	local seen
	seen=$(wc -l <"$T/venue.log")
	FINNHUB_API_KEY= run mkt-ws --preset finnhub --symbols AAPL --url "$URL"
	assert_failure 1
	assert_output "mkt-ws: FINNHUB_API_KEY is not set"
	[ "$(wc -l <"$T/venue.log")" -eq "$seen" ]
}

@test "alpaca: auth with key and secret, nanosecond times; a bad secret stops" {
	start_venue --venue alpaca --frames 1 --per 2
	run --separate-stderr mkt-ws --preset alpaca --symbols AAPL,TSLA --url "$URL/v2/iex" -n 2
	assert_success
	assert_output - <<'EOF'
{"type":"trade","symbol":"AAPL","price":100.25,"size":1,"ts":1704931200001,"venue":"alpaca"}
{"type":"trade","symbol":"TSLA","price":100.5,"size":2,"ts":1704931200002,"venue":"alpaca"}
EOF
	run sent 1
	assert_output - <<'EOF'
{"action":"auth","key":"good-key","secret":"good-secret"}
{"action":"subscribe","trades":["AAPL","TSLA"]}
EOF
	ALPACA_API_SECRET_KEY=nope run mkt-ws --preset alpaca --symbols AAPL --url "$URL/v2/iex"
	assert_failure 1
	assert_output --partial "authentication failed: auth failed"
	refute_output --partial "nope"
	[ "$(count_in_log '"open":true')" -eq 2 ]
	# missing keys are reported before any connection is made
	ALPACA_API_SECRET_KEY= run mkt-ws --preset alpaca --symbols AAPL --url "$URL/v2/iex"
	assert_failure 1
	assert_output "mkt-ws: ALPACA_API_KEY_ID and ALPACA_API_SECRET_KEY must be set"
	[ "$(count_in_log '"open":true')" -eq 2 ]
}

@test "alpaca: quotes and minute bars in one subscribe message" {
	start_venue --venue alpaca --frames 1 --per 3
	run --separate-stderr mkt-ws --preset alpaca --symbols AAPL --channels trades,quotes,bars --url "$URL/v2/sip" -n 3
	assert_success
	assert_output - <<'EOF'
{"type":"trade","symbol":"AAPL","price":100.25,"size":1,"ts":1704931200001,"venue":"alpaca"}
{"type":"quote","symbol":"AAPL","bid":100.5,"bid_size":1,"ask":101,"ask_size":4,"ts":1704931200002,"venue":"alpaca"}
{"type":"bar","symbol":"AAPL","open":100.75,"high":101.25,"low":100.25,"close":101,"volume":300,"vwap":100.875,"ts":1704931200000,"end":1704931260000,"venue":"alpaca"}
EOF
	run sent 1
	assert_line --index 1 '{"action":"subscribe","trades":["AAPL"],"quotes":["AAPL"],"bars":["AAPL"]}'
}

@test "alpaca errors: 407, 500, 401 and 404 reconnect; 405 and 409 stop" {
	local code msg
	for code in 407:"slow client" 500:"internal error" 401:"not authenticated" 404:"auth timeout"; do
		msg=${code#*:}
		code=${code%%:*}
		rm -f "$T/venue.log"
		start_venue --venue alpaca --frames 1 --per 1 --error-after-auth "$code"
		run --separate-stderr mkt-ws --preset alpaca --symbols AAPL --url "$URL/v2/iex" -n 1 --backoff-min 0.05 --backoff-max 0.1
		assert_success
		assert_output '{"type":"trade","symbol":"AAPL","price":100.25,"size":1,"ts":1704931200001,"venue":"alpaca"}'
		assert_regex "$stderr" "mkt-ws: the venue reported an error: $msg"
		assert_regex "$stderr" "connection closed; reconnecting in"
		# authenticated and subscribed again on the second connection
		[ "$(count_in_log '"open":true')" -eq 2 ]
		run sent 2
		assert_line --index 1 '{"action":"subscribe","trades":["AAPL"]}'
	done
	for code in 405:"symbol limit exceeded" 409:"insufficient subscription"; do
		msg=${code#*:}
		code=${code%%:*}
		rm -f "$T/venue.log"
		start_venue --venue alpaca --frames 1 --per 1 --error-after-auth "$code"
		run --separate-stderr mkt-ws --preset alpaca --symbols AAPL --url "$URL/v2/iex" -d 2s --backoff-min 0.05 --backoff-max 0.1
		assert_failure 1
		assert_output ''
		assert_regex "$stderr" "mkt-ws: the venue refused the request: $msg"
		[ "$(count_in_log '"open":true')" -eq 1 ]
	done
}

@test "kraken: v2 subscribe, trades, heartbeats keep a quiet feed alive" {
	start_venue --venue kraken --frames 2 --per 1
	run mkt-ws --preset kraken --symbols BTC/USD --url "$URL/v2" -d 2.5s --stall 1.5
	assert_success
	assert_output --partial '{"type":"trade","symbol":"BTC/USD","price":100.25,"size":0.01,"ts":1704931200001,"venue":"kraken"}'
	assert_output --partial '{"type":"trade","symbol":"BTC/USD","price":100.5,"size":0.02,"ts":1704931200002,"venue":"kraken"}'
	assert_output --partial "0 reconnects"
	run sent 1
	assert_output '{"method":"subscribe","params":{"channel":"trade","symbol":["BTC/USD"]}}'
}

@test "kraken: the ticker channel gives quotes timed by their timestamp" {
	start_venue --venue kraken --frames 2 --per 1
	run --separate-stderr mkt-ws --preset kraken --symbols BTC/USD --channels ticker --url "$URL/v2" -n 2
	assert_success
	assert_output - <<'EOF'
{"type":"quote","symbol":"BTC/USD","bid":99.75,"bid_size":0.5,"ask":100.75,"ask_size":1.25,"ts":1704931200001,"venue":"kraken"}
{"type":"quote","symbol":"BTC/USD","bid":100,"bid_size":0.5,"ask":101,"ask_size":1.25,"ts":1704931200002,"venue":"kraken"}
EOF
	run sent 1
	assert_output '{"method":"subscribe","params":{"channel":"ticker","symbol":["BTC/USD"]}}'
}

@test "reconnect and resubscribe after the server is killed" {
	start_venue --venue massive --frames 2 --per 1 --interval 20
	local port=$PORT
	mkt-ws --preset massive --symbols AAPL --url "$URL/stocks" -n 4 \
	    --backoff-min 0.1 --backoff-max 0.3 >"$T/out" 2>"$T/err" &
	local m=$!
	PIDS+=("$m")
	for i in $(seq 100); do [ "$(wc -l <"$T/out")" -ge 2 ] && break; sleep 0.05; done
	kill "$VPID"
	wait "$VPID" || true
	sleep 0.5
	start_venue --venue massive --port "$port" --frames 2 --per 1 --start 100
	wait_pid "$m" 10
	[ "$WAIT_STATUS" -eq 0 ]
	run cat "$T/out"
	assert_output - <<'EOF'
{"type":"trade","symbol":"AAPL","price":100.25,"size":1,"ts":1704931200001,"venue":"massive"}
{"type":"trade","symbol":"AAPL","price":100.5,"size":2,"ts":1704931200002,"venue":"massive"}
{"type":"trade","symbol":"AAPL","price":101.25,"size":101,"ts":1704931200101,"venue":"massive"}
{"type":"trade","symbol":"AAPL","price":101.5,"size":102,"ts":1704931200102,"venue":"massive"}
EOF
	grep -q "reconnecting in" "$T/err"
	grep -q "1 reconnects\|[2-9] reconnects" "$T/err"
	# the new server saw auth and the subscription again
	run sent 1
	assert_line --index 1 '{"action":"subscribe","params":"T.AAPL"}'
}

@test "a feed that goes silent with the socket open is dropped after --stall" {
	start_venue --venue massive --frames 3 --per 1 --silent-after 1
	run mkt-ws --preset massive --symbols AAPL --url "$URL/stocks" -n 2 --stall 0.7 --backoff-min 0.05 --backoff-max 0.1
	assert_success
	assert_output --partial "no frame for 0.7s; dropping the connection"
	[ "$(grep -c '^{"type":"trade"' <<<"$output")" -eq 2 ]
	run sent 2
	assert_line --index 1 '{"action":"subscribe","params":"T.AAPL"}'
}

@test "backoff: a venue that greets and hangs up gets doubling delays; a healthy connection starts them again" {
	# greet, then drop the connection without a close frame
	backoff_run 0.1 10 2 --hangup 0 -- -d 3.5s
	# at most 7 connections in 3.5 s (at the shortest delay it would be
	# dozens); the venue saw them no closer than the delays said
	local n=$(count_in_log '"open":true')
	[ "$n" -ge 3 ] && [ "$n" -le 7 ]
	run open_gaps
	paste -d' ' <(printf '%s\n' "$output") \
	    <(printf '%s\n' "$BACKOFF_STDERR" | sed -n 's/.*reconnecting in \([0-9.]*\)s$/\1/p') |
	    awk 'NF == 2 && $1 < $2 * 1000 - 10 { print "gap " $1 " ms < delay " $2 " s"; bad = 1 } END { exit bad }'
	# the same with a close frame before the hang-up
	backoff_run 0.1 10 2 --hangup 0 --hangup-close -- -d 2.5s
	# the delays stop growing at --backoff-max
	backoff_run 0.1 0.4 2 --hangup 0 -- -d 3s
	# a connection that delivered records was healthy: every delay is the
	# first one
	backoff_run 0.1 10 1 --frames 1 --per 1 --drop-after 1 -- -n 5
	[ "$BACKOFF_RECORDS" -eq 5 ]
	# so was one that stayed up as long as --backoff-max, records or not
	backoff_run 0.1 0.3 1 --hangup 500 -- -d 2.6s
}

@test "HTTP 429 on the upgrade backs off to --backoff-max" {
	start_venue --venue massive --busy 2 --frames 1
	local t0=$(date +%s%N)
	run mkt-ws --preset massive --symbols AAPL --url "$URL/stocks" -n 1 --backoff-min 0.01 --backoff-max 0.8
	local ms=$((($(date +%s%N) - t0) / 1000000))
	assert_success
	assert_output --partial "(HTTP 429)"
	[ "$(count_in_log '"busy"')" -eq 2 ]
	# two waits of at least half of --backoff-max each (ordinary failures
	# would wait 0.01 s and 0.02 s)
	[ "$ms" -ge 800 ]
}

@test "massive max_connections and alpaca 406 back off and then go on" {
	start_venue --venue massive --busy-msg 1 --frames 1
	run mkt-ws --preset massive --symbols AAPL --url "$URL/stocks" -n 1 --backoff-min 0.01 --backoff-max 0.4
	assert_success
	assert_output --partial "the venue is busy: Maximum number of websocket connections exceeded"
	[ "$(count_in_log '"open":true')" -eq 2 ]
	start_venue --venue alpaca --busy-msg 1 --frames 1
	run mkt-ws --preset alpaca --symbols AAPL --url "$URL/v2/iex" -n 1 --backoff-min 0.01 --backoff-max 0.4
	assert_success
	assert_output --partial "the venue is busy: connection limit exceeded"
}

@test "server pings are answered with pongs" {
	start_venue --venue binance --frames 1 --ping 100
	run mkt-ws --preset binance --symbols BTCUSDT --url "$URL/stream" -d 1s
	assert_success
	[ "$(count_in_log '"pong":true')" -ge 5 ]
	# each pong carries the ping's payload back
	[ "$(count_in_log '"pong":true,"data":"hb"')" -eq "$(count_in_log '"pong":true')" ]
}

@test "a slow reader does not stop the pongs" {
	# 3000 events (~300 kB) fill the pipe; the reader sleeps 2 s first
	start_venue --venue massive --frames 30 --per 100 --interval 1 --ping 100
	run bash -c "mkt-ws --preset massive --symbols AAPL --url '$URL/stocks' -d 3s | { sleep 2; wc -l; }"
	assert_success
	assert_line 3000
	run node -e '
	const fs = require("fs");
	const l = fs.readFileSync(process.argv[1], "utf8").split("\n").filter(Boolean).map(JSON.parse);
	console.log(l.filter((o) => o.pong).length);' "$T/venue.log"
	[ "$output" -ge 15 ]
}

@test "malformed frames are counted and reported; --strict stops at the first" {
	start_venue --venue massive --malformed --frames 1 --per 2
	run mkt-ws --preset massive --symbols AAPL --url "$URL/stocks" -d 1s
	assert_failure 1
	assert_output --partial "mkt-ws: frame:4: not JSON: column 11"
	assert_output --partial "mkt-ws: frame:5: not JSON: column 8: invalid UTF-8"
	assert_output --partial 'mkt-ws: frame:6: trade without a numeric "p", "s" or "t"'
	assert_output --partial "3 malformed"
	[ "$(grep -c '^{"type":"trade"' <<<"$output")" -eq 2 ]
	run mkt-ws --preset massive --symbols AAPL --url "$URL/stocks" -d 2s --strict
	assert_failure 1
	assert_output --partial "stopping at the first malformed frame"
	refute_output --partial '{"type":"trade"'
	# a message longer than --max-frame is skipped whole
	start_venue --venue massive --frames 2 --per 100
	run mkt-ws --preset massive --symbols AAPL --url "$URL/stocks" -d 1s --max-frame 4096
	assert_failure 1
	assert_output --partial "message longer than 4096 bytes skipped"
	refute_output --partial '{"type":"trade"'
}

@test "wss with a self-signed certificate: --cacert accepted; without it an error that stops" {
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
	    -addext subjectAltName=IP:127.0.0.1 -keyout "$T/key.pem" -out "$T/cert.pem" 2>/dev/null
	start_venue --venue massive --tls "$T/cert.pem" "$T/key.pem" --frames 100 --per 1
	local wss="wss://127.0.0.1:$PORT/stocks"
	run mkt-ws --preset massive --symbols AAPL --url "$wss" -n 2 --cacert "$T/cert.pem"
	assert_success
	[ "$(grep -c '^{"type":"trade"' <<<"$output")" -eq 2 ]
	# a certificate that does not verify is not retried: status 1 at once
	run mkt-ws --preset massive --symbols AAPL --url "$wss" -d 5s --backoff-min 0.05
	assert_failure 1
	refute_output --partial '{"type":"trade"'
	assert_line --index 0 "mkt-ws: connection failed: TLS: certificate verify failed: self-signed certificate (--cacert FILE trusts a certificate, --insecure skips the check)"
	refute_output --partial "reconnecting"
	assert_output --partial "0 reconnects"
	run mkt-ws --preset massive --symbols AAPL --url "$wss" -n 1 --insecure
	assert_success
	[ "$(grep -c '^{"type":"trade"' <<<"$output")" -eq 1 ]
	run mkt-ws --preset massive --symbols AAPL --url "$wss" --cacert "$T/none.pem"
	assert_failure 1
	# a certificate for another address is refused even when trusted
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.2 \
	    -addext subjectAltName=IP:127.0.0.2 -keyout "$T/key2.pem" -out "$T/cert2.pem" 2>/dev/null
	start_venue --venue massive --tls "$T/cert2.pem" "$T/key2.pem" --frames 100 --per 1
	run mkt-ws --preset massive --symbols AAPL --url "wss://127.0.0.1:$PORT/stocks" \
	    --cacert "$T/cert2.pem" -d 5s --backoff-min 0.05
	assert_failure 1
	refute_output --partial '{"type":"trade"'
	assert_output --partial "connection failed: TLS: certificate verify failed: IP address mismatch"
	assert_output --partial "0 reconnects"
	run mkt-ws --preset massive --symbols AAPL --url "wss://127.0.0.1:$PORT/stocks" -n 1 --insecure
	assert_success
	[ "$(grep -c '^{"type":"trade"' <<<"$output")" -eq 1 ]
}

@test "generic: --send on connect and a jq --map" {
	start_venue --venue massive --frames 1 --per 2
	run --separate-stderr mkt-ws --url "$URL/stocks" --send '{"action":"auth","params":"good-key"}' \
	    --send '{"action":"subscribe","params":"T.AAPL"}' \
	    --map '.[] | select(.ev == "T") | {sym, p}' -n 2
	assert_success
	assert_output - <<'EOF'
{"sym":"AAPL","p":100.25}
{"sym":"AAPL","p":100.5}
EOF
	start_venue --venue massive --frames 1 --per 1
	run --separate-stderr mkt-ws --url "$URL/stocks" -n 1
	assert_success
	assert_output '{"ev":"status","status":"connected","message":"Connected Successfully"}'
	run mkt-ws --url "$URL/stocks" --map 'error("boom")' -d 0.5s
	assert_failure 1
	assert_output --partial "mkt-ws: frame:1: jq: error: boom"
}

@test "generic: \${NAME} in --send comes from the environment, reaches the server, is never printed" {
	# a key with a quote and a backslash: written as a JSON string body
	local key='s3cr3t-"q"\z'
	start_venue --venue massive --key "$key" --frames 1 --per 1 --drop-after 1
	TEST_WS_KEY=$key run --separate-stderr mkt-ws -vv --url "$URL/stocks" \
	    --send '{"action":"auth","params":"${TEST_WS_KEY}"}' \
	    --send '{"action":"subscribe","params":"T.AAPL","note":"$${TEST_WS_KEY}"}' \
	    --map '.[] | select(.ev == "T") | {sym, p}' -n 2 --backoff-min 0.05
	assert_success
	assert_output - <<'EOF'
{"sym":"AAPL","p":100.25}
{"sym":"AAPL","p":100.5}
EOF
	# the venue accepted the key on both connections ...
	[ "$(count_in_log '"open":true')" -eq 2 ]
	run sent 2
	assert_output - <<'EOF'
{"action":"auth","params":"s3cr3t-\"q\"\\z"}
{"action":"subscribe","params":"T.AAPL","note":"${TEST_WS_KEY}"}
EOF
	# ... and stderr, at -vv, has the message as given, never the key
	assert_regex "$stderr" 'sent \{"action":"auth","params":"\$\{TEST_WS_KEY\}"\} \(its \$\{NAME\}s expanded\)'
	refute_regex "$stderr" 's3cr3t'
	# an unset variable is an error before connecting; a bad reference a
	# usage error
	run mkt-ws --url "$URL/stocks" --send '{"params":"${TEST_WS_UNSET}"}'
	assert_failure 1
	assert_output "mkt-ws: --send: TEST_WS_UNSET is not set"
	run mkt-ws --url "$URL/stocks" --send '{"params":"${TEST WS}"}'
	assert_failure 2
	assert_line --index 0 --partial 'mkt-ws: --send: "${TEST WS}"}": a "${" must be followed by a variable name'
	[ "$(count_in_log '"open":true')" -eq 2 ]
}

@test "secrets: no copy of a key is left in memory, however long the key, and when a connection ends before it is sent" {
	# 300 backslashes, 600 once escaped: the buffers the messages are
	# built in grow several times while holding the key. Only the escaped
	# text has 'Zq\"' (the environment's copy has 'Zq"'), so each copy
	# mkt-ws made is counted, and the environment's shows that the scan
	# reads the process's memory.
	local key esc='Zq\"\\\\' env='Zq"\\\\' g m a p i
	key='Zq"'$(printf '\\%.0s' $(seq 300))'end'
	start_venue --venue massive --key "$key" --frames 1 --per 1 --silent-after 1
	TEST_WS_KEY=$key mkt-ws --url "$URL/stocks" \
	    --send '{"action":"auth","params":"${TEST_WS_KEY}"}' \
	    --send '{"action":"subscribe","params":"T.AAPL"}' \
	    --map '.[] | select(.ev == "T") | {sym}' >"$T/g.out" 2>"$T/g.err" &
	g=$!
	PIDS+=("$g")
	MASSIVE_API_KEY=$key mkt-ws --preset massive --symbols AAPL \
	    --url "$URL/stocks" >"$T/m.out" 2>"$T/m.err" &
	m=$!
	PIDS+=("$m")
	start_venue --venue alpaca --secret "$key" --frames 1 --per 1 --silent-after 1
	ALPACA_API_SECRET_KEY=$key mkt-ws --preset alpaca --symbols AAPL \
	    --url "$URL/v2/iex" >"$T/a.out" 2>"$T/a.err" &
	a=$!
	PIDS+=("$a")
	# a trade each: the venues took the key
	wait_file "$T/g.out" '{"sym":"AAPL"}'
	wait_file "$T/m.out" '"venue":"massive"'
	wait_file "$T/a.out" '"venue":"alpaca"'
	for p in "$g" "$m" "$a"; do
		run memscan "$p" "$esc"
		assert_output 0
		run memscan "$p" "$env"
		refute_output 0
	done
	# a server that answers the upgrade and closes in the same packet:
	# the auth message is queued, never sent, and dropped with the
	# connection; nothing answers the reconnect
	cat >"$T/closer.js" <<'EOF'
const net = require('net'), crypto = require('crypto'), fs = require('fs');
const srv = net.createServer((c) => {
	let head = '', done = false;
	c.on('data', (d) => {
		if (done) return fs.appendFileSync(process.argv[3], d.toString('hex') + '\n');
		head += d.toString('latin1');
		if (!head.includes('\r\n\r\n')) return;
		done = true;
		const key = /sec-websocket-key: *(\S+)/i.exec(head)[1];
		const acc = crypto.createHash('sha1').update(key + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
		c.end(Buffer.concat([Buffer.from('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n' +
		    'Connection: Upgrade\r\nSec-WebSocket-Accept: ' + acc + '\r\n\r\n', 'latin1'),
		    Buffer.from([0x88, 2, 0x03, 0xe9])]));
		srv.close();
	});
});
srv.listen(0, '127.0.0.1', () => fs.writeFileSync(process.argv[2], String(srv.address().port)));
EOF
	node "$T/closer.js" "$T/cport" "$T/crx" &
	PIDS+=("$!")
	for i in $(seq 200); do [ -s "$T/cport" ] && break; sleep 0.05; done
	TEST_WS_KEY=$key mkt-ws -v --url "ws://127.0.0.1:$(cat "$T/cport")/" \
	    --send '{"action":"auth","params":"${TEST_WS_KEY}"}' \
	    --backoff-min 60 --backoff-max 60 >"$T/c.out" 2>"$T/c.err" &
	g=$!
	PIDS+=("$g")
	wait_file "$T/c.err" "reconnecting in"
	run memscan "$g" "$esc"
	assert_output 0
	run memscan "$g" "$env"
	refute_output 0
	# the message was queued when the connection opened, and never sent:
	# the server got no frame but a close (opcode 8)
	run cat "$T/c.err"
	assert_line "mkt-ws: connected to 127.0.0.1:$(cat "$T/cport")"
	refute_output --partial "sent "
	run sh -c "cat '$T/crx' 2>/dev/null | grep -vc '^88'"
	assert_output 0
}

@test "SIGTERM mid-stream: clean close, flushed output, status 0" {
	start_venue --venue massive --frames 10000 --per 5 --interval 5
	mkt-ws --preset massive --symbols AAPL --url "$URL/stocks" >"$T/out" 2>"$T/err" &
	local m=$!
	PIDS+=("$m")
	for i in $(seq 100); do [ -s "$T/out" ] && break; sleep 0.05; done
	sleep 0.3
	kill -TERM "$m"
	wait_pid "$m" 5
	[ "$WAIT_STATUS" -eq 0 ]
	[ "$(wc -l <"$T/out")" -gt 5 ]
	# every line is a whole record
	run sh -c "grep -vc '^{\"type\":\"trade\".*\"venue\":\"massive\"}\$' '$T/out'"
	assert_output 0
	grep -q '"closed":true' "$T/venue.log"
}

@test "/dev/full is an error, a closed pipe a quiet end" {
	start_venue --venue massive --frames 100 --per 10 --interval 5
	run bash -c "mkt-ws --preset massive --symbols AAPL --url '$URL/stocks' -n 50 -u >/dev/full"
	assert_failure 1
	assert_output --partial "stdout: No space left on device"
	run bash -c "mkt-ws --preset massive --symbols AAPL --url '$URL/stocks' -d 5s 2>'$T/err' | head -n1; echo \${PIPESTATUS[0]}"
	assert_success
	assert_line --index 0 --partial '{"type":"trade"'
	assert_line --index 1 0
	run cat "$T/err"
	refute_output --partial "Broken pipe"
}

@test "man page is lint-clean and its examples run" {
	man_lint mkt-ws.1
	start_venue --venue massive --frames 100000 --per 5 --interval 2
	export MKT_WS_TEST_URL=$URL
	run_man_examples mkt-ws.1
}

@test "duplicates: by trade id per symbol, in or out of order, within --dedup ids" {
	start_venue --venue massive --script "$DATA/mkt-ws/dedup.txt"
	# A: 5 new, 3 new (out of order), 5 dup, 3 dup, 9 new;
	# B: x, y new, x dup, 5 new; C (window of 2): 1, 2, 3 new,
	# 1 forgotten so new again, 3 dup
	run --separate-stderr mkt-ws --preset massive --symbols A,B,C --url "$URL/stocks" --dedup 2 -d 1s
	assert_success
	run sh -c "printf '%s\n' \"\$0\" | sed 's/.*\"size\":\\([0-9]*\\).*/\\1/' | paste -sd' '" "$output"
	assert_output "1 2 4 5 8 9 10 11 12 13"
}

# The frame parser against hand-made frames (venue.js --evil), sent a
# few bytes at a time so that headers and payloads are cut anywhere.

@test "frames: fragments with a ping inside, 16- and 64-bit lengths, binary; client frames masked" {
	start_venue --evil frames
	run --separate-stderr mkt-ws --preset massive --symbols E --url "$URL/" -n 5
	assert_success
	assert_output - <<'EOF'
{"type":"trade","symbol":"E","price":100.25,"size":1,"ts":1704931200001,"venue":"massive"}
{"type":"trade","symbol":"E","price":100.5,"size":2,"ts":1704931200002,"venue":"massive"}
{"type":"trade","symbol":"E","price":100.75,"size":3,"ts":1704931200003,"venue":"massive"}
{"type":"trade","symbol":"E","price":101,"size":4,"ts":1704931200004,"venue":"massive"}
{"type":"trade","symbol":"E","price":101.25,"size":5,"ts":1704931200005,"venue":"massive"}
EOF
	# the ping between two fragments was answered with its payload
	[ "$(count_in_log '"conn":1,"op":10,"masked":true,"data":"hb1"')" -eq 1 ]
	# the auth message went out as one masked text frame
	[ "$(count_in_log '"conn":1,"op":1,"masked":true,"data":"{\\"action\\":\\"auth\\"')" -eq 1 ]
	# no client frame went unmasked; the end was a close frame 1000
	[ "$(count_in_log '"masked":false')" -eq 0 ]
	[ "$(count_in_log '"conn":1,"op":8,"masked":true,"code":1000')" -eq 1 ]
}

@test "frames: a masked server frame or a reserved bit is a protocol error (close 1002, reconnect)" {
	start_venue --evil masked
	run --separate-stderr mkt-ws --preset massive --symbols E --url "$URL/" -d 1s --backoff-min 0.2 --backoff-max 0.3
	assert_success
	assert_regex "$stderr" "mkt-ws: protocol error: the server masked a frame"
	# trade 1 of each connection: the first written, the replays dropped
	assert_output '{"type":"trade","symbol":"E","price":100.25,"size":1,"ts":1704931200001,"venue":"massive"}'
	[ "$(count_in_log '"conn":1,"op":8,"masked":true,"code":1002')" -eq 1 ]
	[ "$(count_in_log '"conn":2,"open":true')" -eq 1 ]
	start_venue --evil rsv
	run --separate-stderr mkt-ws --preset massive --symbols E --url "$URL/" -d 0.5s
	assert_success
	assert_regex "$stderr" "mkt-ws: protocol error: the server set a reserved bit"
	[ "$(count_in_log '"code":1002')" -ge 1 ]
}

@test "frames: a wrong Sec-WebSocket-Accept or an extension not offered is refused before anything is sent" {
	start_venue --evil bad-accept
	run mkt-ws --preset massive --symbols E --url "$URL/" -d 2s --backoff-min 0.2 --backoff-max 0.3
	assert_success
	assert_output --partial "connection failed: the server's Sec-WebSocket-Accept does not answer our key; reconnecting in"
	refute_output --partial '{"type":"trade"'
	[ "$(count_in_log '"op":')" -eq 0 ]
	[ "$(count_in_log '"open":true')" -ge 2 ]
	start_venue --evil ext
	run mkt-ws --preset massive --symbols E --url "$URL/" -d 2s --backoff-min 0.2 --backoff-max 0.3
	assert_success
	assert_output --partial "connection failed: the server chose an extension or subprotocol that was not offered"
	refute_output --partial '{"type":"trade"'
}

@test "frames: a close frame from the server is echoed with its code, then a reconnect" {
	start_venue --evil close
	run --separate-stderr mkt-ws -v --preset massive --symbols E --url "$URL/" -d 0.8s --backoff-min 0.1 --backoff-max 0.2
	assert_success
	assert_regex "$stderr" "mkt-ws: the server closed with code 4000: bye"
	[ "$(count_in_log '"conn":1,"op":8,"masked":true,"code":4000')" -eq 1 ]
	[ "$(count_in_log '"conn":2,"open":true')" -eq 1 ]
}

@test "frames: messages fragmented by a WebSocket library; --max-frame counts the whole message" {
	start_venue --venue massive --frames 2 --per 2 --fragment 7
	run --separate-stderr mkt-ws --preset massive --symbols AAPL --url "$URL/stocks" -n 4
	assert_success
	assert_output - <<'EOF'
{"type":"trade","symbol":"AAPL","price":100.25,"size":1,"ts":1704931200001,"venue":"massive"}
{"type":"trade","symbol":"AAPL","price":100.5,"size":2,"ts":1704931200002,"venue":"massive"}
{"type":"trade","symbol":"AAPL","price":100.75,"size":3,"ts":1704931200003,"venue":"massive"}
{"type":"trade","symbol":"AAPL","price":101,"size":4,"ts":1704931200004,"venue":"massive"}
EOF
	# 100 events (about 10 kB) a message, in fragments of 1000 bytes:
	# each message is skipped whole, the small ones around them are read
	start_venue --venue massive --frames 2 --per 100 --fragment 1000
	run mkt-ws --preset massive --symbols AAPL --url "$URL/stocks" -d 1s --max-frame 4096
	assert_failure 1
	assert_output --partial "mkt-ws: frame:4: message longer than 4096 bytes skipped"
	assert_output --partial "mkt-ws: frame:5: message longer than 4096 bytes skipped"
	assert_output --partial "2 malformed"
	refute_output --partial '{"type":"trade"'
	run sent 1
	assert_line --index 1 '{"action":"subscribe","params":"T.AAPL"}'
}
