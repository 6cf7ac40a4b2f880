-- SPDX-License-Identifier: MIT
-- schema.sql -- the tables the mktpipe pipelines write with pgsink.
--
-- Runs on plain PostgreSQL 15 and can be run again (every statement is
-- IF NOT EXISTS). Where the TimescaleDB extension can be used, the time
-- series tables become hypertables with compression and retention
-- policies; elsewhere (not installed, installed but not loaded, not
-- allowed) they stay plain tables with the same indexes, and it says so.
--
--   psql -v ON_ERROR_STOP=1 -f examples/sql/schema.sql
--   pgsink --schema examples/sql/schema.sql --table stock_aggregates ...

-- Window rows from winagg: one row per symbol and window, replayed
-- windows overwrite (pgsink --key symbol,window_start). The seed's
-- columns, plus open/close/vwap for the dashboard's bars.
CREATE TABLE IF NOT EXISTS stock_aggregates (
	symbol        text             NOT NULL,
	window_start  timestamptz      NOT NULL,
	window_end    timestamptz      NOT NULL,
	avg_price     double precision,
	max_price     double precision,
	min_price     double precision,
	total_volume  bigint,
	trade_count   bigint,
	open          double precision,
	close         double precision,
	vwap          double precision,
	PRIMARY KEY (symbol, window_start),
	CHECK (window_end > window_start)
);
-- (bars: first and last price, and vwap, where winagg is asked for them)
ALTER TABLE stock_aggregates ADD COLUMN IF NOT EXISTS open double precision;
ALTER TABLE stock_aggregates ADD COLUMN IF NOT EXISTS close double precision;
ALTER TABLE stock_aggregates ADD COLUMN IF NOT EXISTS vwap double precision;
CREATE INDEX IF NOT EXISTS stock_aggregates_symbol_time_idx
	ON stock_aggregates (symbol, window_start DESC);
CREATE INDEX IF NOT EXISTS stock_aggregates_time_idx
	ON stock_aggregates (window_start DESC);

-- Alerts from xcross: golden/death crosses, breakouts, volume spikes
-- (pgsink --key symbol,ts,type).
CREATE TABLE IF NOT EXISTS breakout_alerts (
	symbol      text             NOT NULL,
	ts          timestamptz      NOT NULL,
	type        text             NOT NULL,
	signal      text,
	fast        double precision,
	slow        double precision,
	price       double precision,
	volume      double precision,
	threshold   double precision,
	details     jsonb,
	created_at  timestamptz      NOT NULL DEFAULT now(),
	UNIQUE (symbol, ts, type)
);
CREATE INDEX IF NOT EXISTS breakout_alerts_symbol_time_idx
	ON breakout_alerts (symbol, ts DESC);
CREATE INDEX IF NOT EXISTS breakout_alerts_time_idx
	ON breakout_alerts (ts DESC);

-- Raw trades (pgsink in append mode: a tick has no natural key).
CREATE TABLE IF NOT EXISTS price_ticks (
	symbol  text             NOT NULL,
	price   double precision NOT NULL,
	size    double precision,
	ts      timestamptz      NOT NULL,
	venue   text
);
CREATE INDEX IF NOT EXISTS price_ticks_symbol_time_idx
	ON price_ticks (symbol, ts DESC);

-- Crawled and scored news (pgsink --key url).
CREATE TABLE IF NOT EXISTS articles (
	id               bigint GENERATED ALWAYS AS IDENTITY,
	url              text        NOT NULL UNIQUE,
	title            text,
	body             text,
	source           text,
	crawled_at       timestamptz NOT NULL DEFAULT now(),
	sentiment        jsonb,
	sentiment_label  text GENERATED ALWAYS AS (sentiment ->> 'label') STORED,
	sentiment_score  double precision
	                 GENERATED ALWAYS AS ((sentiment ->> 'score')::double precision) STORED,
	symbols          jsonb,
	entities         jsonb,
	metadata         jsonb,
	PRIMARY KEY (id)
);
CREATE INDEX IF NOT EXISTS articles_crawled_idx ON articles (crawled_at DESC);
CREATE INDEX IF NOT EXISTS articles_source_time_idx ON articles (source, crawled_at DESC);
CREATE INDEX IF NOT EXISTS articles_label_time_idx
	ON articles (sentiment_label, crawled_at DESC);
CREATE INDEX IF NOT EXISTS articles_symbols_idx ON articles USING gin (symbols);

-- TimescaleDB, where it can be used: hypertables (the time column must
-- be part of every unique index, which holds for the three tables below),
-- compression of old chunks and retention of raw ticks. Installed on the
-- server but with its library not in shared_preload_libraries, CREATE
-- EXTENSION would end the session (FATAL, which no handler catches), so
-- it is not tried then, nor where that setting cannot be read (a role
-- without pg_read_all_settings) and the extension is not created yet.
-- Any other failure (no right to create it, a policy refused) is caught
-- and reported: the tables stay plain, with the same indexes.
DO $$
DECLARE
	preloaded boolean;
BEGIN
	IF NOT EXISTS (SELECT FROM pg_available_extensions WHERE name = 'timescaledb') THEN
		RAISE NOTICE 'TimescaleDB is not available: plain tables';
		RETURN;
	END IF;
	IF NOT EXISTS (SELECT FROM pg_extension WHERE extname = 'timescaledb') THEN
		BEGIN
			preloaded := current_setting('shared_preload_libraries') ~ 'timescaledb';
		EXCEPTION WHEN insufficient_privilege THEN
			RAISE NOTICE 'TimescaleDB is not created and this role cannot see whether '
				'it is in shared_preload_libraries: plain tables';
			RETURN;
		END;
		IF NOT preloaded THEN
			RAISE NOTICE 'TimescaleDB is installed but not loaded '
				'(not in shared_preload_libraries): plain tables';
			RETURN;
		END IF;
	END IF;
	BEGIN
		CREATE EXTENSION IF NOT EXISTS timescaledb;
		PERFORM create_hypertable('stock_aggregates', 'window_start',
			if_not_exists => TRUE, migrate_data => TRUE);
		PERFORM create_hypertable('breakout_alerts', 'ts',
			if_not_exists => TRUE, migrate_data => TRUE);
		PERFORM create_hypertable('price_ticks', 'ts',
			if_not_exists => TRUE, migrate_data => TRUE);
		EXECUTE 'ALTER TABLE stock_aggregates SET (timescaledb.compress,'
			' timescaledb.compress_segmentby = ''symbol'')';
		EXECUTE 'ALTER TABLE price_ticks SET (timescaledb.compress,'
			' timescaledb.compress_segmentby = ''symbol'')';
		PERFORM add_compression_policy('stock_aggregates', INTERVAL '7 days',
			if_not_exists => TRUE);
		PERFORM add_compression_policy('price_ticks', INTERVAL '1 day',
			if_not_exists => TRUE);
		PERFORM add_retention_policy('price_ticks', INTERVAL '30 days',
			if_not_exists => TRUE);
	EXCEPTION WHEN OTHERS THEN
		RAISE WARNING 'TimescaleDB could not be set up (%): plain tables', SQLERRM;
	END;
END
$$;
