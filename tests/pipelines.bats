# pipelines.bats -- the shipped pipelines end to end: the news crawl into
# Kafka and PostgreSQL (twice, adding nothing the second time), and a short
# run of the stock monitor through kmock, winagg, xcross, pgsink and wshub.
load helpers

setup_file() {
	unset PGHOST PGHOSTADDR PGPORT PGDATABASE PGUSER PGPASSWORD PGSERVICE DATABASE_URL KAFKA_BROKERS
	SB_TOP=$(mktemp -d /tmp/mktpipe-pipelines.XXXXXX)
	chmod 755 "$SB_TOP"
	export SB_TOP SB="$SB_TOP/pg"
	eval "$(pg-sandbox start "$SB")"
	export PGHOST PGPORT PGDATABASE PGUSER
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

@test "stock-monitor: ticks through kmock become windows and alerts in PostgreSQL and on the hub" {
	port=$((20000 + RANDOM % 20000))
	psql -X -q -c "drop table if exists stock_aggregates, breakout_alerts" 2>/dev/null
	RUN_SECONDS=45 PORT=$port SEED=11 run "$TOP/pipelines/stock-monitor"
	assert_success
	# alerts were printed as they came, and the database holds them and the windows
	alerts=$(printf '%s\n' "$output" | grep -c '"signal":"\(BULLISH\|BEARISH\)"')
	[ "$alerts" -gt 0 ]
	run psql -X -At -c "select count(*) from breakout_alerts"
	[ "$output" -eq "$alerts" ]
	run psql -X -At -c "select count(distinct symbol), min(n) from (select symbol, count(*) n from stock_aggregates group by symbol) s"
	assert_output --regexp '^6\|[0-9]{2,}$'
	# windows are whole minutes and never stored twice
	run psql -X -At -c "select count(*) from stock_aggregates where extract(epoch from window_end - window_start) <> 60"
	assert_output 0
}
