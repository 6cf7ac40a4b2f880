#!/usr/bin/env bats
# pgsink.bats -- pgsink against a real PostgreSQL: a sandbox cluster that
# setup_file starts (scripts/pg-sandbox) and teardown_file removes.

load helpers

setup_file() {
	unset PGHOST PGHOSTADDR PGPORT PGDATABASE PGUSER PGPASSWORD PGSERVICE DATABASE_URL
	SB_TOP=$(mktemp -d /tmp/mktpipe-pgsink.XXXXXX)
	chmod 755 "$SB_TOP"
	export SB_TOP SB="$SB_TOP/pg"
	eval "$(pg-sandbox start "$SB")"
	export PGHOST PGPORT PGDATABASE PGUSER
}

teardown_file() {
	pg-sandbox stop "$SB" || true
	if [ -e "$SB_TOP/ts" ]; then
		pg-sandbox stop "$SB_TOP/ts" || true
	fi
	rm -rf "$SB_TOP/tree"
	rmdir "$SB_TOP" 2>/dev/null || true
}

teardown() {
	# a test that made commits wait for a standby undoes it even if it failed
	if [ -e "$BATS_TEST_TMPDIR/syncrep" ]; then
		q "ALTER SYSTEM RESET synchronous_standby_names" || true
		q "ALTER SYSTEM RESET synchronous_commit" || true
		q "SELECT pg_reload_conf()" || true
	fi
}

# q SQL -- run SQL, print rows unaligned (| between columns).
q() {
	psql -X -q -At -v ON_ERROR_STOP=1 -c "$1"
}

# as_owner CMD... -- run CMD as the owner of the sandbox clusters.
as_owner() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

# pg_restart [DIR [PG_CTL]] -- restart the sandbox server in DIR (default
# $SB) with PG_CTL (default the installation's), fast shutdown.
pg_restart() {
	local ctl=${2:-$(ls /usr/lib/postgresql/*/bin/pg_ctl | tail -n1)}
	as_owner "$ctl" -D "${1:-$SB}/data" -m fast -w restart >/dev/null
}

# fake_timescale -- start a second server, in $SB_TOP/ts, that lists a
# "timescaledb" extension as available but cannot set it up: its script
# ends the session with FATAL, as the real extension does where its
# library is not in shared_preload_libraries. The server runs from hard
# links (or copies) of postgres and pg_ctl in a tree of the
# installation's shape, $SB_TOP/tree, so that it takes its share
# directory, and the extension directory in it, from there; the lib
# directory also has a timescaledb.so (auto_explain's) to preload. Sets
# TS_EXT (that extension directory), TS_CTL (its pg_ctl) and the server's
# PG* variables.
fake_timescale() {
	local real ver tree f
	real=$(ls -d /usr/lib/postgresql/*/bin | tail -n1)
	ver=$(basename "$(dirname "$real")")
	tree=$SB_TOP/tree
	TS_EXT=$tree/share/postgresql/$ver/extension
	TS_CTL=$tree/lib/postgresql/$ver/bin/pg_ctl
	mkdir -p "${TS_CTL%/*}" "$tree/lib/postgresql/$ver/lib" "$TS_EXT"
	for f in postgres pg_ctl; do
		ln "$real/$f" "${TS_CTL%/*}/$f" 2>/dev/null || cp "$real/$f" "${TS_CTL%/*}/$f"
	done
	ln -s "$real/initdb" "${TS_CTL%/*}/initdb"
	for f in "/usr/lib/postgresql/$ver/lib"/*; do
		ln -s "$f" "$tree/lib/postgresql/$ver/lib/"
	done
	ln -s "/usr/lib/postgresql/$ver/lib/auto_explain.so" "$tree/lib/postgresql/$ver/lib/timescaledb.so"
	for f in "/usr/share/postgresql/$ver"/*; do
		[ "${f##*/}" = extension ] || ln -s "$f" "$tree/share/postgresql/$ver/"
	done
	for f in "/usr/share/postgresql/$ver/extension"/*; do
		ln -s "$f" "$TS_EXT/"
	done
	printf '%s\n' "default_version = '0.0.1'" "module_pathname = '\$libdir/timescaledb'" \
		'relocatable = false' >"$TS_EXT/timescaledb.control"
	echo 'SELECT pg_terminate_backend(pg_backend_pid()); SELECT pg_sleep(5);' \
		>"$TS_EXT/timescaledb--0.0.1.sql"
	eval "$(PG_SANDBOX_BIN=${TS_CTL%/*} pg-sandbox start "$SB_TOP/ts" 2>/dev/null)"
}

@test "pgsink: help, version and usage errors" {
	run pgsink --help
	assert_success
	assert_line --partial 'usage: pgsink -t table'
	run pgsink -V
	assert_success
	assert_line --index 0 --regexp '^pgsink \(mktpipe\) [0-9.]+$'
	assert_line --index 1 --regexp '^libpq [0-9]+\.[0-9]+$'
	run pgsink
	assert_failure 2
	assert_output --partial '--table is required'
	run pgsink -t x --batch 0
	assert_failure 2
	run pgsink -t 'a.b.c'
	assert_failure 2
	run pgsink -t x --linger soon
	assert_failure 2
	run pgsink -t x --key 'a,'
	assert_failure 2
	run pgsink -t x --nope
	assert_failure 2
	run pgsink -t x extra-arg
	assert_failure 2
}

@test "pgsink: a missing table is an error unless --create" {
	run pgsink -t no_such_table </dev/null
	assert_failure 1
	assert_output --partial 'does not exist'
}

@test "pgsink: values are converted to the column types" {
	q "CREATE TABLE conv (id int, i8 bigint, i2 smallint, f double precision,
		n numeric, t text, b boolean, j jsonb, js json, tz timestamptz,
		tsn timestamp, d date, vc varchar(10))"
	cat >"$BATS_TEST_TMPDIR/in" <<'EOF'
{"id":1,"i8":9007199254740993,"i2":-5,"f":175.5,"n":"123.4500","t":"plain","b":true,"j":{"a":[1,2,{"b":null}]},"js":[1,"x"],"tz":1704931200123,"tsn":1704931200000,"d":"2024-01-11","vc":"short"}
{"id":2,"i8":100.0,"f":1e3,"n":2.5,"t":42,"b":false,"j":"str","js":{"k":"v"},"tz":"2024-01-11T01:02:03.5+01:00","d":1704931200000}
{"id":3,"i8":-1,"f":-0.25,"t":true,"b":"yes","j":123,"js":null,"tz":null,"t":"last wins"}
{"id":4,"t":{"x":1},"j":true,"b":"off"}
EOF
	run pgsink -t conv <"$BATS_TEST_TMPDIR/in"
	assert_success
	assert_output ''
	run q "SELECT id, i8, i2, f, n, t, b, j, js, tz, tsn, d, vc FROM conv ORDER BY id"
	assert_success
	assert_output - <<'EOF'
1|9007199254740993|-5|175.5|123.4500|plain|t|{"a": [1, 2, {"b": null}]}|[1,"x"]|2024-01-11 00:00:00.123+00|2024-01-11 00:00:00|2024-01-11|short
2|100||1000|2.5|42|f|"str"|{"k":"v"}|2024-01-11 00:02:03.5+00||2024-01-11|
3|-1||-0.25||last wins|t|123|||||
4|||||{"x":1}|f|true|||||
EOF
}

@test "pgsink: rows sent in binary give what their text form gives, rejects included" {
	cols="id int, t text, i2 int2, i4 int4, i8 int8, f4 real, f8 float8, b bool,
		ts timestamptz, tsn timestamp, j json, jb jsonb, vc varchar(4)"
	# every row of tb can go in COPY's binary format; in tt each row also
	# has a numeric value, which has none here, so every row goes as text
	q "CREATE TABLE tb ($cols); CREATE TABLE tt ($cols, n numeric)"
	cat >"$BATS_TEST_TMPDIR/in" <<'EOF'
{"id":1,"t":"plain","i2":32767,"i4":2147483647,"i8":9223372036854775807,"f4":1.5,"f8":175.5,"b":true,"ts":1704931200123,"tsn":1704931200123,"j":{"a":[1,2]},"jb":"str\"q","vc":"abcd"}
{"id":2,"t":"tab\there\nnl \\ bs \u00e9 \\N","i2":-32768,"i4":-2147483648,"i8":-9223372036854775808,"f4":3.4e38,"f8":1e-320,"b":false,"ts":-62135596800000,"j":[1,"x"],"jb":{"k":null}}
{"id":3,"t":12.50,"i2":32768}
{"id":4,"t":true,"i4":2147483648}
{"id":5,"t":{"x":1},"i8":9223372036854775808}
{"id":6,"i2":1.0,"i4":1e3,"f4":3.5e38}
{"id":7,"f8":1e400}
{"id":8,"f8":1e-400}
{"id":9,"f8":"2.5","b":"yes","i4":"42","ts":"2024-01-11T00:00:00.5+01:00"}
{"id":10,"ts":253402300799999,"tsn":1.5}
{"id":11,"f8":-0.0,"f4":-0,"i2":-0,"t":""}
{"id":12,"f8":0.1,"f4":0.1,"t":null,"b":null,"ts":null,"j":null,"jb":null}
{"id":13,"f4":1e-46}
{"id":14,"f4":1e-40,"f8":123456789012345678901234567890}
{"id":15,"t":"\u0000"}
{"id":16,"b":1,"vc":"abcde"}
EOF
	awk '{ sub(/}$/, ",\"n\":1}"); print }' "$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/in-n"
	run pgsink -t tb --reject "$BATS_TEST_TMPDIR/rej-b" <"$BATS_TEST_TMPDIR/in"
	assert_failure 1
	run pgsink -t tt --reject "$BATS_TEST_TMPDIR/rej-t" <"$BATS_TEST_TMPDIR/in-n"
	assert_failure 1
	run q "SELECT * FROM tb ORDER BY id"
	tb=$output
	run q "SELECT id, t, i2, i4, i8, f4, f8, b, ts, tsn, j, jb, vc FROM tt ORDER BY id"
	assert_equal "$output" "$tb"
	assert_line -n 0 '1|plain|32767|2147483647|9223372036854775807|1.5|175.5|t|2024-01-11 00:00:00.123+00|2024-01-11 00:00:00.123|{"a":[1,2]}|"str\"q"|abcd'
	assert_line -n 3 '9|||42|||2.5|t|2024-01-10 23:00:00.5+00||||'
	assert_line -n 4 '10||||||||9999-12-31 23:59:59.999+00|1970-01-01 00:00:00.0015|||'
	run jq -r .line "$BATS_TEST_TMPDIR/rej-b"
	assert_output "$(printf '%s\n' 3 4 5 6 7 8 13 15 16)"
	run diff <(jq -c 'del(.record)' "$BATS_TEST_TMPDIR/rej-b") <(jq -c 'del(.record)' "$BATS_TEST_TMPDIR/rej-t")
	assert_success
}

@test "pgsink: --epoch-unit and fractional epochs" {
	q "CREATE TABLE eu (id int, ts timestamptz)"
	printf '%s\n' '{"id":1,"ts":1704931200}' '{"id":2,"ts":1704931200.25}' |
		pgsink -t eu --epoch-unit s
	printf '%s\n' '{"id":3,"ts":1704931200000001}' | pgsink -t eu --epoch-unit us
	printf '%s\n' '{"id":4,"ts":1704931200000000000}' | pgsink -t eu --epoch-unit ns
	run q "SELECT id, ts FROM eu ORDER BY id"
	assert_output - <<'EOF'
1|2024-01-11 00:00:00+00
2|2024-01-11 00:00:00.25+00
3|2024-01-11 00:00:00.000001+00
4|2024-01-11 00:00:00+00
EOF
}

@test "pgsink: strings with tabs, newlines, backslashes and \\N survive COPY" {
	q "CREATE TABLE esc (id int, s text, j jsonb)"
	cat >"$BATS_TEST_TMPDIR/in" <<'EOF'
{"id":1,"s":"a\tb\nc\rd\\e","j":{"k":"x\ty\\z"}}
{"id":2,"s":"\\N","j":"\\N"}
{"id":3,"s":"quote \" and \u00e9\u20ac \ud83d\ude00","j":["\t"]}
{"id":4,"s":"","j":{}}
EOF
	run pgsink -t esc <"$BATS_TEST_TMPDIR/in"
	assert_success
	run q "SELECT json_build_object('id', id, 's', s, 'j', j)::text FROM esc ORDER BY id"
	assert_output - <<'EOF'
{"id" : 1, "s" : "a\tb\nc\rd\\e", "j" : {"k": "x\ty\\z"}}
{"id" : 2, "s" : "\\N", "j" : "\\N"}
{"id" : 3, "s" : "quote \" and é€ 😀", "j" : ["\t"]}
{"id" : 4, "s" : "", "j" : {}}
EOF
}

@test "pgsink: append mode adds every line, in batches" {
	q "CREATE TABLE app (id int, v text DEFAULT 'dflt', at timestamptz DEFAULT '2000-01-01Z')"
	for i in $(seq 1 25); do echo "{\"id\":$i,\"v\":\"r$i\"}"; done >"$BATS_TEST_TMPDIR/in"
	echo '{"id":26}' >>"$BATS_TEST_TMPDIR/in"
	run pgsink -t app --batch 7 -v <"$BATS_TEST_TMPDIR/in"
	assert_success
	assert_output --partial '26 rows written in 4 batches'
	run q "SELECT count(*), sum(id), count(DISTINCT id), min(v), max(at) FROM app"
	assert_output '26|351|26|dflt|2000-01-01 00:00:00+00'
	run pgsink -t app <"$BATS_TEST_TMPDIR/in"
	assert_success
	run q "SELECT count(*), count(DISTINCT id) FROM app"
	assert_output '52|26'
}

@test "pgsink: upsert twice leaves identical tables; last line of a key wins" {
	q "CREATE TABLE up (sym text, ts bigint, px double precision, note text,
		PRIMARY KEY (sym, ts))"
	for i in $(seq 1 40); do
		echo "{\"sym\":\"S$((i % 4))\",\"ts\":$((i % 10)),\"px\":$i,\"note\":\"n$i\"}"
	done >"$BATS_TEST_TMPDIR/in"
	run pgsink -t up -k sym,ts --batch 16 <"$BATS_TEST_TMPDIR/in"
	assert_success
	q "SELECT * FROM up ORDER BY sym, ts" >"$BATS_TEST_TMPDIR/dump1"
	# 20 distinct (sym, ts) pairs; each keeps its last line (the largest i)
	run q "SELECT count(*), sum(px) FROM up"
	assert_output '20|610'
	run pgsink -t up -k sym,ts --batch 1000 <"$BATS_TEST_TMPDIR/in"
	assert_success
	q "SELECT * FROM up ORDER BY sym, ts" >"$BATS_TEST_TMPDIR/dump2"
	run diff "$BATS_TEST_TMPDIR/dump1" "$BATS_TEST_TMPDIR/dump2"
	assert_success
	run q "SELECT px, note FROM up WHERE sym = 'S1' AND ts = 1"
	assert_output '21|n21'
}

@test "pgsink: --key needs a unique index on exactly the key columns" {
	q "CREATE TABLE nk (a int, b int, v text)"
	# without one the rows would be appended: stop before writing anything
	run pgsink -t nk -k a <<<'{"a":1,"b":1,"v":"x"}'
	assert_failure 1
	assert_output 'pgsink: --key a: nk has no primary key or unique index on exactly these columns, which upserts need (CREATE UNIQUE INDEX ON "nk" ("a"))'
	# --create on a table that exists does not add one either
	run pgsink -t nk -k a -c <<<'{"a":1,"b":1,"v":"x"}'
	assert_failure 1
	assert_output --partial 'no primary key or unique index on exactly these columns'
	# a unique index on a subset, a partial one, a deferrable one, one on
	# an expression: none is what ON CONFLICT (a, b) needs
	q "CREATE UNIQUE INDEX nk_a ON nk (a)"
	q "CREATE UNIQUE INDEX nk_part ON nk (a, b) WHERE a > 0"
	q "CREATE UNIQUE INDEX nk_expr ON nk (a, (b + 0))"
	q "CREATE UNIQUE INDEX nk_abv ON nk (a, b, v)"
	run pgsink -t nk -k a,b <<<'{"a":1,"b":1,"v":"x"}'
	assert_failure 1
	assert_output 'pgsink: --key a,b: nk has no primary key or unique index on exactly these columns, which upserts need (CREATE UNIQUE INDEX ON "nk" ("a", "b"))'
	q "ALTER TABLE nk ADD CONSTRAINT nk_def UNIQUE (a, b) DEFERRABLE"
	run pgsink -t nk -k a,b <<<'{"a":1,"b":1,"v":"x"}'
	assert_failure 1
	assert_output 'pgsink: --key a,b: the unique constraint of nk on these columns is deferrable, which upserts cannot use'
	q "ALTER TABLE nk DROP CONSTRAINT nk_def"
	run pgsink -t nk -k a,a <<<'{"a":1,"b":1,"v":"x"}'
	assert_failure 1
	assert_output 'pgsink: key column "a" is named twice'
	run q "SELECT count(*) FROM nk"
	assert_output '0'
	# one on (b, a) serves --key a,b; the last line of a key in a batch wins
	q "DROP INDEX nk_a; CREATE UNIQUE INDEX nk_ba ON nk (b, a) INCLUDE (v)"
	printf '%s\n' '{"a":1,"b":1,"v":"x"}' '{"a":1,"b":2,"v":"y"}' '{"a":1,"b":1,"v":"z"}' \
		'{"a":2,"b":1,"v":"w"}' '{"a":1,"b":2,"v":"u"}' >"$BATS_TEST_TMPDIR/in"
	run pgsink -t nk -k a,b <"$BATS_TEST_TMPDIR/in"
	assert_success
	run q "SELECT a, b, v FROM nk ORDER BY a, b"
	assert_output "$(printf '%s\n' '1|1|z' '1|2|u' '2|1|w')"
	run pgsink -t nk -k b,a <"$BATS_TEST_TMPDIR/in"
	assert_success
	run q "SELECT count(*) FROM nk"
	assert_output '3'
}

@test "pgsink: a replay writes nothing: rows whose values are as stored are left alone" {
	q "CREATE TABLE rp (id int PRIMARY KEY, n numeric, j json, jb jsonb, f float8, t text,
		a int[], ts timestamptz, u uuid)"
	cat >"$BATS_TEST_TMPDIR/in" <<'EOF'
{"id":1,"n":1.0,"j":{"a":1},"jb":{"b":2},"f":1.5,"t":"x","a":"{1,2}","ts":1704931200000,"u":"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"}
{"id":2,"n":2,"j":[1],"jb":null,"f":null,"t":null,"a":null}
{"id":3,"t":"only"}
EOF
	run pgsink -t rp -k id <"$BATS_TEST_TMPDIR/in"
	assert_success
	xmin1=$(q "SELECT string_agg(xmin::text, ',' ORDER BY id) FROM rp")
	# the same lines again, in batches of one, of two, of all: no new row versions
	for n in 1 2 1000; do
		run pgsink -t rp -k id --batch "$n" <"$BATS_TEST_TMPDIR/in"
		assert_success
		run q "SELECT string_agg(xmin::text, ',' ORDER BY id) FROM rp"
		assert_output "$xmin1"
	done
	# a value written another way is a change: numeric scale, json text,
	# a number's scale inside jsonb (whose = compares numbers by value)
	printf '%s\n' '{"id":1,"n":1.00,"j":{"a": 1}}' '{"id":2,"n":2}' | pgsink -t rp -k id
	run q "SELECT id, n, j, xmin::text = split_part('$xmin1', ',', id) FROM rp ORDER BY id"
	assert_output "$(printf '%s\n' '1|1.00|{"a": 1}|f' '2|2|[1]|t' '3|||t')"
	xmin2=$(q "SELECT string_agg(xmin::text, ',' ORDER BY id) FROM rp")
	set -o pipefail
	printf '%s\n' '{"id":1,"jb":{"b":2.0}}' '{"id":2,"jb":null}' '{"id":3,"jb":{"c":[1.50,{"d":1e2}]}}' |
		pgsink -t rp -k id
	printf '%s\n' '{"id":1,"jb":{"b":2.0}}' '{"id":3,"jb":{"c":[1.5,{"d":100}]}}' | pgsink -t rp -k id
	run q "SELECT id, jb, xmin::text = split_part('$xmin2', ',', id) FROM rp ORDER BY id"
	assert_output "$(printf '%s\n' '1|{"b": 2.0}|f' '2||t' '3|{"c": [1.5, {"d": 100}]}|f')"
	# and as jsonb holds it, without whitespace or key order, it is as stored
	xmin3=$(q "SELECT string_agg(xmin::text, ',' ORDER BY id) FROM rp")
	printf '%s\n' '{"id":1,"jb":{ "b" : 2.0 }}' '{"id":3,"jb":{"c":[1.5,{"d":100}]}}' | pgsink -t rp -k id
	run q "SELECT string_agg(xmin::text, ',' ORDER BY id) FROM rp"
	assert_output "$xmin3"
}

@test "pgsink: duplicate keys inside one batch: the last line wins" {
	q "CREATE TABLE dup (k text PRIMARY KEY, v int, w text)"
	printf '%s\n' '{"k":"a","v":1,"w":"first"}' '{"k":"b","v":1,"w":"b"}' \
		'{"k":"a","v":2,"w":"second"}' '{"k":"a","v":3,"w":"third"}' >"$BATS_TEST_TMPDIR/in"
	run pgsink -t dup -k k <"$BATS_TEST_TMPDIR/in"
	assert_success
	run q "SELECT k, v, w FROM dup ORDER BY k"
	assert_output - <<'EOF'
a|3|third
b|1|b
EOF
	# a missing field leaves the stored value as it is on update
	printf '%s\n' '{"k":"a","v":9}' | pgsink -t dup -k k
	run q "SELECT k, v, w FROM dup WHERE k = 'a'"
	assert_output 'a|9|third'
}

@test "pgsink: upsert of new and existing keys mixed, over many batches" {
	q "CREATE TABLE mix (id int PRIMARY KEY, v text, n int DEFAULT 7)"
	for i in $(seq 1 30); do echo "{\"id\":$i,\"v\":\"a$i\"}"; done | pgsink -t mix -k id --batch 10
	# batches of 10: new keys only, existing only, half and half, repeats
	for i in $(seq 21 60); do echo "{\"id\":$i,\"v\":\"b$i\",\"n\":$i}"; done >"$BATS_TEST_TMPDIR/in"
	for i in 5 5 61 5; do echo "{\"id\":$i,\"v\":\"c$i\"}"; done >>"$BATS_TEST_TMPDIR/in"
	run pgsink -t mix -k id --batch 10 <"$BATS_TEST_TMPDIR/in"
	assert_success
	run q "SELECT count(*), sum(id), count(*) FILTER (WHERE v LIKE 'a%'),
		count(*) FILTER (WHERE v LIKE 'b%' AND n = id) FROM mix"
	assert_output '61|1891|19|40'
	run q "SELECT id, v, n FROM mix WHERE id IN (5, 61) ORDER BY id"
	assert_output "$(printf '%s\n' '5|c5|7' '61|c61|7')"
}

@test "pgsink: keys equal in value but not in text still dedupe (last wins)" {
	q "CREATE TABLE kv (k int PRIMARY KEY, v text)"
	printf '%s\n' '{"k":1,"v":"a"}' '{"k":"01","v":"b"}' '{"k":2,"v":"c"}' '{"k":"2","v":"d"}' |
		pgsink -t kv -k k
	run q "SELECT k, v FROM kv ORDER BY k"
	assert_output "$(printf '%s\n' '1|b' '2|d')"
}

@test "pgsink: rows the server rejects go to --reject, the rest commits, exit 1" {
	q "CREATE TABLE rj (id int PRIMARY KEY, px numeric CHECK (px > 0), name text NOT NULL)"
	q "INSERT INTO rj VALUES (100, 1, 'there')"
	cat >"$BATS_TEST_TMPDIR/in" <<'EOF'
{"id":1,"px":1,"name":"ok1"}
{"id":2,"px":-1,"name":"negative"}
{"id":3,"px":"abc","name":"not a number"}
{"id":4,"px":4,"name":"ok4"}
{"id":100,"px":5,"name":"duplicate"}
{"id":6,"px":6}
{"id":7,"px":7,"name":"ok7"}
EOF
	run pgsink -t rj -r "$BATS_TEST_TMPDIR/rej" --batch 100 <"$BATS_TEST_TMPDIR/in"
	assert_failure 1
	assert_output --partial 'stdin:2: rejected by the server: new row for relation "rj" violates check constraint "rj_px_check"'
	assert_output --partial '4 rows rejected by the server'
	run q "SELECT id FROM rj ORDER BY id"
	assert_output "$(printf '1\n4\n7\n100')"
	run jq -c '[.line, .sqlstate, .record.id]' "$BATS_TEST_TMPDIR/rej"
	assert_output - <<'EOF'
[2,"23514",2]
[3,"22P02",3]
[5,"23505",100]
[6,"23502",6]
EOF
	run jq -r .error "$BATS_TEST_TMPDIR/rej"
	assert_line --index 1 'invalid input syntax for type numeric: "abc"'
	assert_line --index 2 --partial 'duplicate key value violates unique constraint "rj_pkey"'
}

@test "pgsink: rejects in upsert mode are isolated too" {
	q "CREATE TABLE rju (id int PRIMARY KEY, px numeric CHECK (px > 0))"
	for i in $(seq 1 50); do echo "{\"id\":$i,\"px\":$([ $((i % 17)) = 0 ] && echo -1 || echo $i)}"; done \
		>"$BATS_TEST_TMPDIR/in"
	run pgsink -t rju -k id -r "$BATS_TEST_TMPDIR/rej" <"$BATS_TEST_TMPDIR/in"
	assert_failure 1
	run q "SELECT count(*), sum(id) FROM rju"
	assert_output '48|1224'
	run jq -c '.record.id' "$BATS_TEST_TMPDIR/rej"
	assert_output "$(printf '17\n34')"
}

@test "pgsink: bad lines are skipped, counted, reported; exit 1" {
	q "CREATE TABLE bad (id int, v text)"
	{
		echo '{"id":1,"v":"a"}'
		echo 'not json'
		echo '{"id":2,"v":"b","unknown":1}'
		printf '{"id":3,"v":"\xff"}\n'
		echo '{"id":"x"}'
		echo '{"id":1.5}'
		echo '{"id":{"o":1}}'
		echo '{}'
		head -c 1100000 /dev/zero | tr '\0' 'x'
		echo
		echo '{"id":4,"v":"d"}'
	} >"$BATS_TEST_TMPDIR/in"
	run pgsink -t bad -r "$BATS_TEST_TMPDIR/rej" <"$BATS_TEST_TMPDIR/in"
	assert_failure 1
	assert_line --partial 'stdin:2: not a JSON object'
	assert_line 'pgsink: stdin:3: field "unknown" is not a column of bad'
	assert_line --partial 'stdin:4: not a JSON object'
	assert_line 'pgsink: stdin:6: field "id" is not an integer'
	assert_line 'pgsink: stdin:7: field "id" is an object'
	assert_line 'pgsink: stdin:8: no fields'
	assert_line 'pgsink: stdin:9: line longer than 1048576 bytes'
	assert_line --partial 'stdin:5: rejected by the server: invalid input syntax for type integer: "x"'
	assert_line 'pgsink: 8 bad records skipped'
	run q "SELECT id, v FROM bad ORDER BY id"
	assert_output "$(printf '1|a\n4|d')"
	run jq -s -c 'map(.line)' "$BATS_TEST_TMPDIR/rej"
	assert_output '[2,3,4,6,7,8,9,5]'
}

@test "pgsink: --strict stops at the first bad line" {
	q "CREATE TABLE st (id int)"
	printf '%s\n' '{"id":1}' 'oops' '{"id":3}' >"$BATS_TEST_TMPDIR/in"
	run pgsink -t st --strict <"$BATS_TEST_TMPDIR/in"
	assert_failure 1
	assert_output --partial 'stdin:2: not a JSON object'
	run q "SELECT array_agg(id) FROM st"
	assert_output '{1}'
}

@test "pgsink: empty input is an error unless --allow-empty" {
	q "CREATE TABLE em (id int)"
	run pgsink -t em </dev/null
	assert_failure 1
	assert_output 'pgsink: stdin: no records in the input'
	run pgsink -t em --allow-empty </dev/null
	assert_success
	assert_output ''
}

@test "pgsink: unknown fields into --extra" {
	q "CREATE TABLE ex (id int, meta jsonb)"
	printf '%s\n' '{"id":1,"a":"x","b":[1,2],"c\"q":{"d":null}}' '{"id":2}' |
		pgsink -t ex --extra meta
	run q "SELECT id, meta FROM ex ORDER BY id"
	assert_output "$(printf '%s\n' '1|{"a": "x", "b": [1, 2], "c\"q": {"d": null}}' '2|')"
	run pgsink -t ex --extra id </dev/null
	assert_failure 1
	assert_output --partial 'not of type json or jsonb'
}

@test "pgsink: identifiers are quoted: injection attempts are just strange names" {
	q 'CREATE TABLE victim (id int)'
	q 'INSERT INTO victim VALUES (1)'
	# a quote in a bare name is refused; quoted, the name is taken as it is
	run pgsink -t 'we"ird; DROP TABLE victim; --' --create </dev/null
	assert_failure 2
	printf '%s\n' '{"x\"; DROP TABLE victim; --":"evil","Mixed Case":1}' |
		pgsink -t '"we""ird; DROP TABLE victim; --"' --create
	run q 'SELECT count(*) FROM victim'
	assert_output '1'
	run q 'SELECT "x""; DROP TABLE victim; --", "Mixed Case" FROM "we""ird; DROP TABLE victim; --"'
	assert_output 'evil|1'
	# an existing table with such a column takes such a field
	printf '%s\n' '{"x\"; DROP TABLE victim; --":"again","Mixed Case":2}' |
		pgsink -t '"we""ird; DROP TABLE victim; --"'
	run q 'SELECT count(*) FROM "we""ird; DROP TABLE victim; --"'
	assert_output '2'
}

@test "pgsink: schema-qualified and quoted table names" {
	q 'CREATE SCHEMA mkt; CREATE TABLE mkt.ticks (id int); CREATE TABLE public.ticks (id int)'
	echo '{"id":7}' | pgsink -t mkt.ticks
	echo '{"id":8}' | pgsink -t '"mkt"."ticks"'
	echo '{"id":9}' | pgsink -t ticks
	run q 'SELECT array_agg(id ORDER BY id) FROM mkt.ticks'
	assert_output '{7,8}'
	run q 'SELECT array_agg(id) FROM public.ticks'
	assert_output '{9}'
	q 'CREATE SCHEMA "a.b"; CREATE TABLE "a.b"."c.d" (id int)'
	echo '{"id":1}' | pgsink -t '"a.b"."c.d"'
	run q 'SELECT id FROM "a.b"."c.d"'
	assert_output '1'
}

@test "pgsink: --create infers column types from the first record" {
	printf '%s\n' '{"symbol":"AAPL","ts":1704931200000,"price":175.5,"size":100,"ok":true,"tags":["x"],"meta":{"a":1},"at":"2024-01-11T00:00:00Z","none":null}' \
		'{"symbol":"TSLA","ts":1704931260000,"price":200,"size":5,"ok":false,"at":"2024-01-11T00:01:00Z"}' |
		pgsink -t cr.made -c -k symbol,ts --time ts,at
	run q "SELECT column_name, data_type FROM information_schema.columns
		WHERE table_schema = 'cr' AND table_name = 'made' ORDER BY ordinal_position"
	assert_output - <<'EOF'
symbol|text
ts|timestamp with time zone
price|double precision
size|bigint
ok|boolean
tags|jsonb
meta|jsonb
at|timestamp with time zone
none|text
EOF
	run q "SELECT symbol, ts, price FROM cr.made ORDER BY symbol"
	assert_output "$(printf '%s\n' 'AAPL|2024-01-11 00:00:00+00|175.5' 'TSLA|2024-01-11 00:01:00+00|200')"
	run q "SELECT pg_get_indexdef(indexrelid) FROM pg_index WHERE indrelid = 'cr.made'::regclass AND indisprimary"
	assert_output 'CREATE UNIQUE INDEX made_pkey ON cr.made USING btree (symbol, ts)'
}

@test "pgsink: --timescale without TimescaleDB: a plain table indexed on (key, time)" {
	if q "SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb'" | grep -q 1; then
		skip "TimescaleDB is installed here"
	fi
	run pgsink -t hyper -c -k symbol,ts --timescale ts <<<'{"symbol":"A","ts":1704931200000,"v":1}'
	assert_success
	assert_output 'pgsink: TimescaleDB is not available: hyper stays a plain table, indexed on ("symbol", "ts" DESC)'
	run q "SELECT indexdef FROM pg_indexes WHERE tablename = 'hyper' ORDER BY indexname"
	assert_output - <<'EOF'
CREATE UNIQUE INDEX hyper_pkey ON public.hyper USING btree (symbol, ts)
CREATE INDEX hyper_ts_idx ON public.hyper USING btree (symbol, ts DESC)
EOF
}

@test "pgsink: TimescaleDB installed but not usable: said so, a plain table indexed on (key, time)" {
	if q "SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb'" | grep -q 1; then
		skip "TimescaleDB is installed here"
	fi
	fake_timescale
	[ -n "$TS_EXT" ] && [ -f "$TS_EXT/timescaledb.control" ]
	run psql -X -At -c "SELECT name FROM pg_available_extensions WHERE name = 'timescaledb'"
	assert_output 'timescaledb'
	row='{"symbol":"A","ts":1704931200000,"v":1}'
	# 1. Not preloaded: pgsink does not try (the session would end)
	run pgsink -v -t h1 -c -k symbol,ts --timescale ts <<<"$row"
	assert_success
	assert_line 'pgsink: TimescaleDB is installed but not loaded (not in shared_preload_libraries): h1 stays a plain table, indexed on ("symbol", "ts" DESC)'
	refute_output --partial 'reconnected'
	run q "SELECT indexdef FROM pg_indexes WHERE tablename = 'h1' ORDER BY indexname"
	assert_output "$(printf '%s\n' 'CREATE UNIQUE INDEX h1_pkey ON public.h1 USING btree (symbol, ts)' \
		'CREATE INDEX h1_ts_idx ON public.h1 USING btree (symbol, ts DESC)')"
	# nor does the schema
	run psql -X -q -v ON_ERROR_STOP=1 -f "$TOP/examples/sql/schema.sql"
	assert_success
	assert_output --partial 'NOTICE:  TimescaleDB is installed but not loaded (not in shared_preload_libraries): plain tables'
	run pgsink --schema "$TOP/examples/sql/schema.sql" -t price_ticks <<<'{"symbol":"A","price":1,"ts":1704931200000}'
	assert_success
	run q "SELECT count(*) FROM price_ticks"
	assert_output '1'
	# 2. A role that cannot read shared_preload_libraries: pgsink tries,
	# the server refuses (not a trusted extension), the table stays plain;
	# the schema does not try
	q "CREATE ROLE joe LOGIN"
	psql -X -q -c "CREATE DATABASE joedb OWNER joe"
	run env PGUSER=joe PGDATABASE=joedb pgsink -t h2 -c -k symbol,ts --timescale ts <<<"$row"
	assert_success
	assert_output 'pgsink: cannot load TimescaleDB (permission denied to create extension "timescaledb"): h2 stays a plain table, indexed on ("symbol", "ts" DESC)'
	run env PGUSER=joe PGDATABASE=joedb psql -X -q -v ON_ERROR_STOP=1 -f "$TOP/examples/sql/schema.sql"
	assert_success
	assert_output --partial 'NOTICE:  TimescaleDB is not created and this role cannot see whether it is in shared_preload_libraries: plain tables'
	# 3. A trusted extension: CREATE EXTENSION ends the session; pgsink
	# connects again and goes on
	echo 'trusted = true' >>"$TS_EXT/timescaledb.control"
	run env PGUSER=joe PGDATABASE=joedb pgsink -v -t h3 -c -k symbol,ts --timescale ts <<<"$row"
	assert_success
	assert_line 'pgsink: cannot load TimescaleDB (FATAL:  terminating connection due to administrator command): h3 stays a plain table, indexed on ("symbol", "ts" DESC)'
	assert_line 'pgsink: reconnected after 1 attempt'
	run env PGUSER=joe PGDATABASE=joedb psql -X -At -c "SELECT symbol, ts, v FROM h3"
	assert_output 'A|2024-01-11 00:00:00+00|1'
	# 4. Preloaded, but CREATE EXTENSION fails with an error: reported by
	# pgsink and caught by the schema
	q "ALTER SYSTEM SET shared_preload_libraries = 'timescaledb'"
	pg_restart "$SB_TOP/ts" "$TS_CTL"
	run q "SHOW shared_preload_libraries"
	assert_output 'timescaledb'
	echo "DO \$\$ BEGIN RAISE EXCEPTION 'this TimescaleDB cannot be set up'; END \$\$;" \
		>"$TS_EXT/timescaledb--0.0.1.sql"
	run pgsink -t h4 -c -k symbol,ts --timescale ts <<<"$row"
	assert_success
	assert_output 'pgsink: cannot load TimescaleDB (this TimescaleDB cannot be set up): h4 stays a plain table, indexed on ("symbol", "ts" DESC)'
	run psql -X -q -v ON_ERROR_STOP=1 -f "$TOP/examples/sql/schema.sql"
	assert_success
	assert_output --partial 'WARNING:  TimescaleDB could not be set up (this TimescaleDB cannot be set up): plain tables'
	run q "SELECT count(*) FROM pg_extension WHERE extname = 'timescaledb'"
	assert_output '0'
}

@test "pgsink: --schema runs the project schema; window rows upsert into stock_aggregates" {
	row='{"symbol":"AAPL","window_start":1704931200000,"window_end":1704931500000,"avg_price":175.5,"max_price":176,"min_price":175,"total_volume":1200,"trade_count":12}'
	run pgsink --schema "$TOP/examples/sql/schema.sql" -t stock_aggregates -k symbol,window_start <<<"$row"
	assert_success
	run pgsink --schema "$TOP/examples/sql/schema.sql" -t stock_aggregates -k symbol,window_start <<<"${row/175.5/175.75}"
	assert_success
	run q "SELECT symbol, window_start, window_end, avg_price, total_volume, trade_count FROM stock_aggregates"
	assert_output 'AAPL|2024-01-11 00:00:00+00|2024-01-11 00:05:00+00|175.75|1200|12'
	run q "SELECT to_regclass('breakout_alerts') IS NOT NULL, to_regclass('articles') IS NOT NULL,
		to_regclass('price_ticks') IS NOT NULL"
	assert_output 't|t|t'
}

@test "pgsink: --linger commits a quiet stream within a fraction of a second" {
	q "CREATE TABLE lg (id int)"
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	pgsink -t lg --linger 150ms <"$BATS_TEST_TMPDIR/fifo" 3>&- &
	pid=$!
	exec 7>"$BATS_TEST_TMPDIR/fifo"
	echo '{"id":1}' >&7
	start=$(date +%s%N)
	n=0
	while [ "$n" != 1 ] && [ $(($(date +%s%N) - start)) -lt 3000000000 ]; do
		sleep 0.05
		n=$(q "SELECT count(*) FROM lg")
	done
	elapsed_ms=$((($(date +%s%N) - start) / 1000000))
	echo '{"id":2}' >&7
	exec 7>&-
	wait "$pid"
	[ "$n" = 1 ]
	echo "row visible after ${elapsed_ms} ms"
	[ "$elapsed_ms" -lt 1000 ]
	run q "SELECT count(*) FROM lg"
	assert_output '2'
}

@test "pgsink: SIGTERM commits the open batch and exits 0" {
	q "CREATE TABLE sg (id int)"
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	pgsink -t sg --linger 60s --batch 1000 <"$BATS_TEST_TMPDIR/fifo" 3>&- &
	pid=$!
	exec 7>"$BATS_TEST_TMPDIR/fifo"
	for i in 1 2 3 4 5; do echo "{\"id\":$i}" >&7; done
	sleep 0.5
	# the batch is open: nothing committed yet
	run q "SELECT count(*) FROM sg"
	assert_output '0'
	kill -TERM "$pid"
	st=0
	wait "$pid" || st=$?
	exec 7>&-
	[ "$st" = 0 ]
	run q "SELECT count(*), sum(id) FROM sg"
	assert_output '5|15'
}

# stream_restart TABLE ARGS... -- stream 300 lines {"id":N,"v":"rN"}
# into pgsink -t TABLE ARGS as they come (batches of 25, committed as
# they fill), restarting the server after line 100; pgsink must exit 0
# after one reconnection.
stream_restart() {
	local table=$1 pid rpid st=0
	shift
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	pgsink -t "$table" "$@" --linger 50 --batch 25 --retry-timeout 30s -v \
		<"$BATS_TEST_TMPDIR/fifo" 2>"$BATS_TEST_TMPDIR/err" 3>&- &
	pid=$!
	exec 7>"$BATS_TEST_TMPDIR/fifo"
	for i in $(seq 1 300); do
		echo "{\"id\":$i,\"v\":\"r$i\"}" >&7
		[ $((i % 10)) = 0 ] && sleep 0.02
		if [ "$i" = 100 ]; then
			pg_restart 3>&- 7>&- &
			rpid=$!
		fi
	done
	wait "$rpid"
	exec 7>&-
	wait "$pid" || st=$?
	cat "$BATS_TEST_TMPDIR/err"
	[ "$st" = 0 ]
	run grep -c 'reconnected' "$BATS_TEST_TMPDIR/err"
	assert_output '1'
}

@test "pgsink: a server restart mid-stream, append mode: every row once" {
	q "CREATE TABLE ra (id int, v text)"
	stream_restart ra
	run q "SELECT count(*), count(DISTINCT id), sum(id), min(id), max(id) FROM ra"
	assert_output '300|300|45150|1|300'
}

@test "pgsink: a server restart mid-stream, key mode: every row written once" {
	# the key hides a doubled row in rs itself: a trigger logs each row
	# write that commits, so a batch written twice would show (one sent
	# again whose rows are already stored is not written again at all)
	q "CREATE TABLE rs (id int PRIMARY KEY, v text); CREATE TABLE rs_log (id int)"
	q "CREATE FUNCTION rs_log() RETURNS trigger LANGUAGE plpgsql AS \$\$
		BEGIN INSERT INTO rs_log VALUES (NEW.id); RETURN NULL; END \$\$"
	q "CREATE TRIGGER rs_log AFTER INSERT OR UPDATE ON rs FOR EACH ROW EXECUTE FUNCTION rs_log()"
	stream_restart rs -k id
	run q "SELECT count(*), count(DISTINCT id), sum(id), min(id), max(id) FROM rs"
	assert_output '300|300|45150|1|300'
	run q "SELECT count(*), count(DISTINCT id) FROM rs_log"
	assert_output '300|300'
}

# backend_waiting EVENT -- the pid of pgsink's session once it waits on
# EVENT (pg_stat_activity.wait_event), within 10 s.
backend_waiting() {
	local i bpid
	for i in $(seq 1 200); do
		bpid=$(q "SELECT pid FROM pg_stat_activity WHERE application_name = 'pgsink' AND wait_event = '$1'")
		[ -n "$bpid" ] && { echo "$bpid"; return 0; }
		sleep 0.05
	done
	return 1
}

@test "pgsink: a connection lost during COMMIT: the server says whether the batch is in" {
	q "CREATE TABLE lc (id int, v text)"
	# 1. A COMMIT that waits for a synchronous standby that does not exist
	# has committed here; ending its session loses the server's answer.
	# Only pgsink's sessions wait (synchronous_commit=on in PGOPTIONS).
	touch "$BATS_TEST_TMPDIR/syncrep"
	q "ALTER SYSTEM SET synchronous_standby_names = 'nobody'"
	q "ALTER SYSTEM SET synchronous_commit = 'local'"
	q "SELECT pg_reload_conf()"
	for i in $(seq 1 100); do
		[ "$(q 'SHOW synchronous_standby_names')" = nobody ] && break
		sleep 0.05
	done
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	PGOPTIONS='-c synchronous_commit=on' pgsink -v -t lc --linger 50 --batch 1000 \
		<"$BATS_TEST_TMPDIR/fifo" 2>"$BATS_TEST_TMPDIR/err" 3>&- &
	pid=$!
	exec 7>"$BATS_TEST_TMPDIR/fifo"
	for i in $(seq 1 10); do echo "{\"id\":$i,\"v\":\"a$i\"}" >&7; done
	bpid=$(backend_waiting SyncRep)
	q "SELECT pg_terminate_backend($bpid)"
	q "ALTER SYSTEM RESET synchronous_standby_names"
	q "ALTER SYSTEM RESET synchronous_commit"
	q "SELECT pg_reload_conf()"
	rm "$BATS_TEST_TMPDIR/syncrep"
	# 2. A COMMIT whose deferred trigger is ended before the commit: the
	# batch did not commit and goes again (the trigger sleeps only once).
	q "CREATE SEQUENCE lc_seq"
	q "CREATE FUNCTION lc_slow() RETURNS trigger LANGUAGE plpgsql AS \$\$
		BEGIN IF nextval('lc_seq') = 1 THEN PERFORM pg_sleep(60); END IF; RETURN NULL; END \$\$"
	q "CREATE CONSTRAINT TRIGGER lc_slow AFTER INSERT ON lc DEFERRABLE INITIALLY DEFERRED
		FOR EACH ROW EXECUTE FUNCTION lc_slow()"
	for i in $(seq 11 20); do echo "{\"id\":$i,\"v\":\"b$i\"}" >&7; done
	bpid=$(backend_waiting PgSleep)
	q "SELECT pg_terminate_backend($bpid)"
	for i in $(seq 21 30); do echo "{\"id\":$i,\"v\":\"c$i\"}" >&7; done
	exec 7>&-
	st=0
	wait "$pid" || st=$?
	cat "$BATS_TEST_TMPDIR/err"
	[ "$st" = 0 ]
	run q "SELECT count(*), count(DISTINCT id), sum(id) FROM lc"
	assert_output '30|30|465'
	run grep -c 'connection lost during COMMIT' "$BATS_TEST_TMPDIR/err"
	assert_output '2'
	run grep -c 'the server says the batch committed: not sent again' "$BATS_TEST_TMPDIR/err"
	assert_output '1'
	run grep -c 'the server says the batch did not commit: sending it again' "$BATS_TEST_TMPDIR/err"
	assert_output '1'
}

@test "pgsink: passwords are never printed, whatever libpq or the server says" {
	# libpq quotes a malformed URI, or the piece it could not decode, back
	run pgsink -t x --dsn 'postgresql://u:s3cret%zz@127.0.0.1:1/db' </dev/null
	assert_failure 1
	assert_output 'pgsink: cannot connect: invalid percent-encoded token: "***"'
	run env DATABASE_URL='postgresql://u:s3cret%zz@127.0.0.1:1/db' pgsink -t x </dev/null
	assert_failure 1
	assert_output 'pgsink: cannot connect: invalid percent-encoded token: "***"'
	run pgsink -t x --dsn 'postgresql://u:s3cret@[::1/db' </dev/null
	assert_failure 1
	assert_output 'pgsink: cannot connect: end of string reached when looking for matching "]" in IPv6 host address in URI: "postgresql://u:***@[::1/db"'
	# a password with an '@' or a '/' that should have been %-encoded:
	# libpq takes a piece of it for the host or the port
	run pgsink -t x --dsn 'postgresql://u:s3@cret@127.0.0.1:1/db' </dev/null
	assert_failure 1
	assert_output --partial 'could not translate host name "***@127.0.0.1" to address'
	run pgsink -t x --dsn 'postgresql://u:s3cr/et@127.0.0.1:1/db' </dev/null
	assert_failure 1
	assert_output 'pgsink: cannot connect: invalid integer value "***" for connection option "port"'
	# an '@' after the authority (in a query parameter or the path) does
	# not end a user:password@: host, port and database stay readable
	q "CREATE TABLE atq (id int)"
	run pgsink -v -t atq --dsn "postgresql://127.0.0.1:$PGPORT/$PGDATABASE?application_name=a@b" <<<'{"id":1}'
	assert_success
	assert_line "pgsink: connected to database $PGDATABASE as $PGUSER on 127.0.0.1 port $PGPORT"
	refute_output --partial '***'
	run pgsink -t x --dsn "postgresql://127.0.0.1:$PGPORT/n0db@x?application_name=b:c@d" </dev/null
	assert_failure 1
	assert_output "pgsink: cannot connect: connection to server at \"127.0.0.1\", port $PGPORT failed: FATAL:  database \"n0db@x\" does not exist"
	# and the password, where there is one, still never appears
	for dsn in "postgresql://$PGUSER:s3cret0@127.0.0.1:$PGPORT/s3cret0?application_name=a@b" \
		"postgresql://127.0.0.1:$PGPORT/s3cret0?application_name=a@b&password=s3cret0"; do
		run pgsink -t x --dsn "$dsn" </dev/null
		assert_failure 1
		assert_output "pgsink: cannot connect: connection to server at \"127.0.0.1\", port $PGPORT failed: FATAL:  database \"***\" does not exist"
	done
	# a '/' left in the password: libpq reads its first piece as the port
	run pgsink -t x --dsn 'postgresql://u:s3cr/et@127.0.0.1:1/db?application_name=a@b' </dev/null
	assert_failure 1
	assert_output 'pgsink: cannot connect: invalid integer value "***" for connection option "port"'
	# the server names a database whose name is the password: each way of
	# giving a password is blotted out, as written and as decoded
	for how in "dsn=postgresql://$PGUSER:s3cr%65t1@127.0.0.1:$PGPORT/s3cret1" \
		"dsn=postgresql://127.0.0.1:$PGPORT/s3cr%65t2?user=$PGUSER&password=s3cr%65t2" \
		"dsn=host=$PGHOST port=$PGPORT dbname=s3cret3 password=s3cret3" \
		"dsn=host=$PGHOST port=$PGPORT dbname='s3 cret\\'4' password = 's3 cret\\'4'" \
		"url=postgres://$PGUSER:s3cret5@127.0.0.1:$PGPORT/s3cret5" \
		"env=s3cret6"; do
		case $how in
		dsn=*) run pgsink -vv -t x --dsn "${how#dsn=}" </dev/null ;;
		url=*) run env DATABASE_URL="${how#url=}" pgsink -vv -t x </dev/null ;;
		env=*) run env PGPASSWORD="${how#env=}" PGDATABASE="${how#env=}" pgsink -vv -t x </dev/null ;;
		esac
		assert_failure 1
		assert_output --partial 'database "***" does not exist'
		refute_output --partial 'cret'
	done
	# a server's message about a row, on stderr and in the reject file
	q "CREATE TABLE pw (id int)"
	run env PGPASSWORD=s3cret7 pgsink -t pw -r "$BATS_TEST_TMPDIR/rej" <<<'{"id":"s3cret7"}'
	assert_failure 1
	assert_line 'pgsink: stdin:1: rejected by the server: invalid input syntax for type integer: "***"'
	refute_output --partial 's3cret7'
	run jq -r .error "$BATS_TEST_TMPDIR/rej"
	assert_output 'invalid input syntax for type integer: "***"'
	# the connection line at -v
	run pgsink -v --dsn "host=$PGHOST port=$PGPORT dbname=$PGDATABASE password=$PGDATABASE" -t pw </dev/null
	assert_failure 1
	assert_line --partial "pgsink: connected to database *** as $PGUSER on "
	refute_output --partial "$PGDATABASE"
}

@test "pgsink: a batch commits early once it holds 64 MiB; lines of 1 MiB go through" {
	q "CREATE TABLE big (id int, s text)"
	s=$(head -c 1000000 /dev/zero | tr '\0' x)
	for i in $(seq 1 100); do printf '{"id":%d,"s":"%s"}\n' "$i" "$s"; done >"$BATS_TEST_TMPDIR/in"
	# each line is kept as read and as COPY data: 2 MB, so 34 lines a batch
	run pgsink -v -t big --batch 1000 --linger 60s <"$BATS_TEST_TMPDIR/in"
	assert_success
	assert_line --partial '100 rows written in 3 batches'
	run q "SELECT count(*), sum(id), sum(length(s)), min(s) = max(s) FROM big"
	assert_output '100|5050|100000000|t'
}

@test "pgsink: serialization failures and deadlocks are tried again after a pause, up to a limit" {
	q "CREATE SEQUENCE sf_seq; CREATE TABLE sf (id int)"
	q "CREATE FUNCTION sf_fail() RETURNS trigger LANGUAGE plpgsql AS \$\$
		BEGIN
			IF nextval('sf_seq') <= 3 THEN
				RAISE EXCEPTION 'simulated deadlock' USING ERRCODE = 'deadlock_detected';
			END IF;
			RETURN NULL;
		END \$\$"
	q "CREATE TRIGGER sf_fail BEFORE INSERT ON sf FOR EACH STATEMENT EXECUTE FUNCTION sf_fail()"
	run pgsink -v -t sf < <(seq 1 5 | sed 's/.*/{"id":&}/')
	assert_success
	run grep -c 'simulated deadlock (SQLSTATE 40P01); trying again in [0-9]* ms' <<<"$output"
	assert_output '3'
	run q "SELECT count(*), sum(id) FROM sf"
	assert_output '5|15'
	# always failing: 8 pauses (at least 5+10+20+40+80+160+320+500 ms),
	# then the run stops with the server's message and nothing is written
	q "CREATE OR REPLACE FUNCTION sf_fail() RETURNS trigger LANGUAGE plpgsql AS \$\$
		BEGIN
			RAISE EXCEPTION 'simulated serialization failure' USING ERRCODE = 'serialization_failure';
		END \$\$"
	start=$(date +%s%N)
	run pgsink -t sf < <(seq 6 7 | sed 's/.*/{"id":&}/')
	elapsed_ms=$((($(date +%s%N) - start) / 1000000))
	assert_failure 1
	assert_output 'pgsink: simulated serialization failure (SQLSTATE 40001); gave up after 9 tries'
	echo "gave up after ${elapsed_ms} ms"
	[ "$elapsed_ms" -ge 1100 ]
	[ "$elapsed_ms" -lt 30000 ]
	run q "SELECT count(*) FROM sf"
	assert_output '5'
}

@test "pgsink: a reject file that cannot be written fails the run" {
	q "CREATE TABLE fu (id int)"
	run pgsink -t fu -r /dev/full <<<'bad line'
	assert_failure 1
	assert_output --partial '/dev/full'
	run pgsink -t fu -r /nonexistent/dir/rej <<<'{"id":1}'
	assert_failure 1
}

@test "pg-sandbox: start, env, stop; a user's PGHOST is left alone" {
	run pg-sandbox env "$SB"
	assert_success
	assert_line --index 0 "export PGHOST=$SB PGPORT=$PGPORT PGDATABASE=mktpipe PGUSER=$PGUSER"
	run bash -c 'PGHOST=/somewhere/else pg-sandbox start 2>/dev/null'
	assert_success
	assert_output ''
	run bash -c 'PGHOST=/somewhere/else pg-sandbox start 2>&1 >/dev/null'
	assert_output --partial 'using your PostgreSQL'
	d=$(mktemp -d /tmp/mktpipe-pgsink2.XXXXXX)
	chmod 755 "$d"
	run bash -c "eval \"\$(pg-sandbox start '$d/pg' 2>/dev/null)\" && psql -X -At -c 'SELECT current_database()' &&
		case \$PGPORT in $PGPORT) exit 1 ;; esac"
	assert_success
	assert_output 'mktpipe'
	run pg-sandbox stop "$d/pg"
	assert_success
	[ ! -e "$d/pg" ]
	mkdir "$d/notours" && touch "$d/notours/file"
	run pg-sandbox stop "$d/notours"
	assert_failure
	[ -e "$d/notours/file" ]
	rm -rf "$d"
	run pg-sandbox bogus
	assert_failure 2
}

@test "pgsink: man page" {
	man_lint pgsink.1
}

@test "pgsink: man page examples run and do what the page says" {
	cd "$BATS_TEST_TMPDIR"
	ln -s "$TOP/examples" examples
	mapfile -t ex < <(man_examples pgsink.1)
	[ "${#ex[@]}" = 6 ]
	# the server: PGHOST is set here, so the sandbox is not started
	run bash -o pipefail -c "${ex[0]}"
	assert_success
	assert_output 'pg-sandbox: PGHOST or DATABASE_URL is set: using your PostgreSQL, not starting one'
	# a window row, twice: one row
	run bash -o pipefail -c "${ex[1]}"
	assert_success
	assert_output ''
	run bash -o pipefail -c "${ex[1]}"
	assert_success
	run q "SELECT count(*), min(avg_price) FROM stock_aggregates WHERE symbol = 'AAPL' AND window_start = '2024-01-11Z'"
	assert_output '1|175.5'
	run bash -o pipefail -c "${ex[2]}"
	assert_success
	assert_line --index 0 --regexp '^ symbol +\| +window_start +\| avg_price $'
	assert_line --partial ' AAPL   | 2024-01-11 00:00:00+00 |     175.5'
	# a table made from a record
	run bash -o pipefail -c "${ex[3]}"
	assert_success
	if ! q "SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb'" | grep -q 1; then
		assert_output 'pgsink: TimescaleDB is not available: trades stays a plain table, indexed on ("symbol", "ts" DESC)'
	fi
	run q "SELECT symbol, price, size, ts FROM trades"
	assert_output 'AAPL|175.5|100|2024-01-11 00:00:00+00'
	# a refused row: exit 1, the other row stored, the reason in the file
	run bash -o pipefail -c "${ex[4]}"
	assert_failure 1
	assert_line 'pgsink: stdin:2: rejected by the server: invalid input syntax for type timestamp with time zone: "never"'
	assert_line 'pgsink: 1 row rejected by the server, written to rejects.ndjson'
	run q "SELECT symbol, price, ts FROM price_ticks WHERE symbol IN ('X', 'Y')"
	assert_output 'X|1|2024-01-11 00:00:00+00'
	# what jq prints is what the page shows
	run bash -o pipefail -c "${ex[5]}"
	assert_success
	assert_output 'line 2: invalid input syntax for type timestamp with time zone: "never"'
	grep -qxF "$output" "$TOP/man/pgsink.1"
}
