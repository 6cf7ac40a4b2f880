# lib.sh -- sourced by the pipelines: Kafka and PostgreSQL as the
# environment names them, or embedded ones started for this run. Expects
# $work (a private directory, removed by the caller) and say().

# use_kafka TOPIC:PARTITIONS... -- keep $KAFKA_BROKERS, or start kmock with
# these topics (its pid in KMOCK_PID, empty otherwise). Returns 1 on failure.
use_kafka() {
	local t args=()
	KMOCK_PID=""
	if [ -z "${KAFKA_BROKERS:-}" ]; then
		for t in "$@"; do args+=(-T "$t"); done
		mkfifo "$work/kmock.ctl"
		kmock "${args[@]}" -f "$work/bootstrap" <"$work/kmock.ctl" >/dev/null &
		KMOCK_PID=$!
		exec 9>"$work/kmock.ctl" # keep kmock's command channel open
		for _ in $(seq 100); do [ -s "$work/bootstrap" ] && break; sleep 0.1; done
		[ -s "$work/bootstrap" ] || { say "kmock did not start"; return 1; }
		KAFKA_BROKERS=$(sed -n 1p "$work/bootstrap")
		say "Kafka: kmock at $KAFKA_BROKERS"
	fi
	export KAFKA_BROKERS
}

# use_postgres -- keep PGHOST / DATABASE_URL, or start a pg-sandbox in
# $work/pg (OWN_PG=1); then load the schema. Returns 1 on failure.
use_postgres() {
	local pgenv
	OWN_PG=0
	if [ -z "${PGHOST:-}${DATABASE_URL:-}" ]; then
		pgenv=$(pg-sandbox start "$work/pg") || { say "pg-sandbox failed"; return 1; }
		eval "$pgenv"
		OWN_PG=1
	fi
	PGOPTIONS="-c client_min_messages=warning" psql -X -q -v ON_ERROR_STOP=1 \
		-f "$top/examples/sql/schema.sql" >/dev/null || { say "schema failed"; return 1; }
}
