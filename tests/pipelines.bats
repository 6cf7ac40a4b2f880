# pipelines.bats -- the shipped pipelines end to end: the news crawl into
# Kafka and PostgreSQL (twice, adding nothing the second time), and a short
# run of the stock monitor through kmock, winagg, xcross, pgsink and wshub,
# its dashboard watched in headless chromium; a cluster named by
# KAFKA_BROKERS; a failing sink or news crawl failing the run.
load helpers
bats_require_minimum_version 1.5.0

setup_file() {
	unset PGHOST PGHOSTADDR PGPORT PGDATABASE PGUSER PGPASSWORD PGSERVICE DATABASE_URL KAFKA_BROKERS
	SB_TOP=$(mktemp -d /tmp/mktpipe-pipelines.XXXXXX)
	chmod 755 "$SB_TOP"
	export SB_TOP SB="$SB_TOP/pg"
	eval "$(pg-sandbox start "$SB")"
	export PGHOST PGPORT PGDATABASE PGUSER
}

teardown() {
	if [ -n "${BG_PIDS:-}" ]; then kill $BG_PIDS 2>/dev/null || true; fi
}

teardown_file() {
	pg-sandbox stop "$SB" >/dev/null 2>&1 || true
	rmdir "$SB_TOP" 2>/dev/null || true
}

@test "news-sentiment: a listing's articles scored into PostgreSQL; a re-crawl adds nothing" {
	run "$TOP/pipelines/news-sentiment" "file://$TOP/examples/news/listing.html"
	assert_success
	assert_line --partial '"title":"Retailer shares sink after profit warning","label":"bearish"'
	assert_line --partial '"title":"Chipmaker shares jump after upbeat forecast","label":"bullish"'
	run psql -X -At -c "select count(*), count(distinct url), count(body) from articles"
	assert_output '4|4|4'
	before=$(psql -X -At -c "select url, sentiment_label, md5(body) from articles order by url")
	run "$TOP/pipelines/news-sentiment" "file://$TOP/examples/news/listing.html"
	assert_success
	run psql -X -At -c "select url, sentiment_label, md5(body) from articles order by url"
	assert_output "$before"
}

@test "news-sentiment: a page that cannot be fetched fails the run; usage error exits 2" {
	cp "$TOP/examples/news/listing.html" "$BATS_TEST_TMPDIR/listing.html"
	cp "$TOP"/examples/news/{reuters,ap,cnbc}.html "$BATS_TEST_TMPDIR/"
	run "$TOP/pipelines/news-sentiment" "file://$BATS_TEST_TMPDIR/listing.html"
	assert_failure 1
	assert_output --partial 'yahoo.html: could not fetch'
	run "$TOP/pipelines/news-sentiment"
	assert_failure 2
}

@test "stock-monitor: ticks through kmock become windows and alerts in PostgreSQL, on the hub and in a browser" {
	port=$((20000 + RANDOM % 20000))
	psql -X -q -c "drop table if exists stock_aggregates, breakout_alerts" 2>/dev/null
	RUN_SECONDS=50 PORT=$port SEED=11 "$TOP/pipelines/stock-monitor" >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" 3>&- &
	pid=$!
	BG_PIDS=$pid
	# the dashboard in headless chromium while the pipeline runs: candles, a
	# moving average, an alert and the news feed appear; the screenshot is
	# kept under build/test-artifacts whatever the outcome
	mkdir -p "$TOP/build/test-artifacts"
	run timeout 90 node "$TOP/tests/browser/demo.js" "http://127.0.0.1:$port/" "$TOP/build/test-artifacts/demo.png" 45
	browser_status=$status browser_output=$output
	# the read API holds the latest alert
	latest=$(curl -fsS "http://127.0.0.1:$port/api/latest?channel=alerts" || true)
	wait "$pid"
	pipeline_status=$?
	echo "$browser_output"
	cat "$BATS_TEST_TMPDIR/err"
	[ "$browser_status" -eq 0 ]
	[ "$pipeline_status" -eq 0 ]
	[[ "$latest" == *'"signal":"'* ]]
	grep -q 'news: 4 articles scored and sent to the dashboard' "$BATS_TEST_TMPDIR/err"
	# alerts were printed as they came, and the database holds them and the windows
	output=$(cat "$BATS_TEST_TMPDIR/out")
	alerts=$(printf '%s\n' "$output" | grep -c '"signal":"\(BULLISH\|BEARISH\)"')
	[ "$alerts" -gt 0 ]
	run psql -X -At -c "select count(*) from breakout_alerts"
	[ "$output" -eq "$alerts" ]
	run psql -X -At -c "select count(distinct symbol), min(n) from (select symbol, count(*) n from stock_aggregates group by symbol) s"
	assert_output --regexp '^6\|[0-9]{2,}$'
	# windows are whole minutes
	run psql -X -At -c "select count(*) from stock_aggregates where extract(epoch from window_end - window_start) <> 60"
	assert_output 0
}

@test "stock-monitor: KAFKA_BROKERS names the cluster to use; a failing sink or news crawl fails the run" {
	port=$((20000 + RANDOM % 20000))
	mkfifo "$BATS_TEST_TMPDIR/ctl"
	kmock -T raw-trades:4 -f "$BATS_TEST_TMPDIR/boot" <"$BATS_TEST_TMPDIR/ctl" >/dev/null 3>&- &
	kpid=$!
	BG_PIDS=$kpid
	exec 8>"$BATS_TEST_TMPDIR/ctl"
	for _ in $(seq 100); do [ -s "$BATS_TEST_TMPDIR/boot" ] && break; sleep 0.1; done
	boot=$(sed -n 1p "$BATS_TEST_TMPDIR/boot")
	psql -X -q -c "drop table if exists stock_aggregates, breakout_alerts" 2>/dev/null
	KAFKA_BROKERS=$boot NEWS= RUN_SECONDS=12 PORT=$port SEED=5 run --separate-stderr "$TOP/pipelines/stock-monitor"
	echo "$stderr"
	assert_success
	[[ "$stderr" != *"kmock at"* ]]
	# the ticks went through the cluster named
	n=$(kcat -b "$boot" -C -t raw-trades -e -q -f '%p\n' 2>/dev/null | sort -u | wc -l)
	[ "$n" -ge 2 ]
	run psql -X -At -c "select count(*) > 0 from stock_aggregates"
	assert_output t
	# a sink whose rows the server rejects makes the exit status 1
	psql -X -q -c "truncate stock_aggregates; alter table stock_aggregates add constraint never check (trade_count < 0)"
	# and so does a news crawl that fails
	NEWS=file:///nonexistent/listing.html RUN_SECONDS=12 PORT=$port SEED=5 run --separate-stderr "$TOP/pipelines/stock-monitor"
	echo "$stderr"
	assert_failure 1
	[[ "$stderr" == *"pgsink -t stock_aggregates ended with status"* ]]
	[[ "$stderr" == *"news: the crawl failed"* ]]
	exec 8>&-
	kill -TERM "$kpid"
	wait "$kpid"
	psql -X -q -c "drop table if exists stock_aggregates, breakout_alerts" 2>/dev/null
}
