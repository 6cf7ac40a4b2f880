#!/usr/bin/env bats
# mktpipe.bats -- the project as a whole: mktpipe(7) is lint-clean, names
# every program and documents every field of the record shapes; every
# program has its man page (with EXIT STATUS and EXAMPLES) and its bats
# file; every built program answers --help, --version and a bad option
# the same way.
load helpers
bats_require_minimum_version 1.5.0

# The programs of tools/: NAME.c files and NAME/ folders.
programs() {
	local f
	for f in "$TOP"/tools/*.c "$TOP"/tools/*/; do
		[ -e "$f" ] || continue
		f=${f%/}
		f=${f##*/}
		printf '%s\n' "${f%.c}"
	done | sort -u
}

@test "mktpipe.7 is lint-clean" {
	man_lint mktpipe.7
}

@test "every program has man/NAME.1 and tests/NAME.bats" {
	local p missing=()
	while IFS= read -r p; do
		[ -f "$TOP/man/$p.1" ] || missing+=("man/$p.1")
		[ -f "$TOP/tests/$p.bats" ] || missing+=("tests/$p.bats")
	done < <(programs)
	if [ ${#missing[@]} -gt 0 ]; then
		echo "missing: ${missing[*]}" >&2
		return 1
	fi
}

@test "every man page has NAME, SYNOPSIS, DESCRIPTION, EXIT STATUS, EXAMPLES, SEE ALSO" {
	local page sec bad=()
	for page in "$TOP"/man/*.1; do
		[ -e "$page" ] || continue
		for sec in NAME SYNOPSIS DESCRIPTION "EXIT STATUS" EXAMPLES "SEE ALSO"; do
			grep -qx "\.Sh $sec" "$page" || bad+=("${page##*/}: no $sec")
		done
		# EXAMPLES must hold at least one command
		[ -n "$(man_examples "${page##*/}")" ] || bad+=("${page##*/}: no example command")
	done
	if [ ${#bad[@]} -gt 0 ]; then
		printf '%s\n' "${bad[@]}" >&2
		return 1
	fi
}

@test "mktpipe.7 lists every program, and every program it lists is planned" {
	local p bad=()
	while IFS= read -r p; do
		grep -q "^\.It Xr $p 1\$" "$TOP/man/mktpipe.7" || bad+=("$p not in THE PROGRAMS")
		grep -q "^\.Xr $p 1" "$TOP/man/mktpipe.7" || bad+=("$p not in SEE ALSO")
	done < <(programs)
	# and the list holds exactly the eleven programs of the design
	run sh -c "grep '^\.It Xr .* 1\$' '$TOP/man/mktpipe.7' | awk '{print \$3}' | sort | tr '\n' ' '"
	assert_output "html2text kcat-in kcat-out kmock mkt-sim mkt-ws pgsink sentiment winagg wshub xcross "
	if [ ${#bad[@]} -gt 0 ]; then
		printf '%s\n' "${bad[@]}" >&2
		return 1
	fi
}

@test "mktpipe.7 documents every field of the record shapes" {
	local f bad=()
	for f in type symbol price size ts venue open high low close volume vwap end \
	    window_start window_end avg_price max_price min_price total_volume trade_count \
	    signal url title html source crawled_at body sentiment symbols entities; do
		grep -Eq "^\.It (.* )?Va $f( ,|\$)" "$TOP/man/mktpipe.7" || bad+=("$f")
	done
	if [ ${#bad[@]} -gt 0 ]; then
		echo "undocumented fields: ${bad[*]}" >&2
		return 1
	fi
	# the alert types and sentiment labels, as DESIGN.md spells them
	for f in golden_cross death_cross breakout_up breakout_down high_volume \
	    BULLISH BEARISH bullish bearish neutral; do
		grep -q "Qq $f" "$TOP/man/mktpipe.7" || bad+=("$f")
	done
	[ ${#bad[@]} -eq 0 ] || { echo "missing values: ${bad[*]}" >&2; return 1; }
}

@test "every built program: --help to stdout and 0, --version 0, a bad option 2" {
	local bin name bad=() n=0
	for bin in "$MKT_BUILD"/bin/*; do
		[ -x "$bin" ] || continue
		name=${bin##*/}
		n=$((n + 1))
		run --separate-stderr timeout 10 "$bin" --help
		[ "$status" -eq 0 ] || bad+=("$name --help: status $status")
		[ -n "$output" ] || bad+=("$name --help: nothing on stdout")
		[ -z "$stderr" ] || bad+=("$name --help: wrote to stderr")
		[[ "$output" == *"$name"* ]] || bad+=("$name --help: does not name the program")
		run --separate-stderr timeout 10 "$bin" -h
		[ "$status" -eq 0 ] || bad+=("$name -h: status $status")
		run --separate-stderr timeout 10 "$bin" --version
		[ "$status" -eq 0 ] || bad+=("$name --version: status $status")
		[[ "${lines[0]}" == "$name (mktpipe) "* ]] || bad+=("$name --version: first line '${lines[0]}'")
		run --separate-stderr timeout 10 "$bin" -V
		[ "$status" -eq 0 ] || bad+=("$name -V: status $status")
		run --separate-stderr timeout 10 "$bin" --no-such-option </dev/null
		[ "$status" -eq 2 ] || bad+=("$name --no-such-option: status $status")
		[ -z "$output" ] || bad+=("$name --no-such-option: wrote to stdout")
		[ -n "$stderr" ] || bad+=("$name --no-such-option: said nothing on stderr")
	done
	if [ ${#bad[@]} -gt 0 ]; then
		printf '%s\n' "${bad[@]}" >&2
		return 1
	fi
	[ "$n" -gt 0 ] || skip "no programs built in $MKT_BUILD/bin"
}

@test "mktpipe.7 examples: exact results" {
	command -v winagg >/dev/null || skip "winagg is not built"
	cd "$BATS_TEST_TMPDIR"
	cp "$DATA/lib/ticks.ndjson" .
	run bash -o pipefail -c "$(man_examples mktpipe.7 | sed -n 1p)"
	assert_success
	assert_output - <<'EOF'
{"symbol":"AAPL","window_start":1704931200000,"window_end":1704931260000,"avg_price":102,"trade_count":3}
{"symbol":"AAPL","window_start":1704931260000,"window_end":1704931320000,"avg_price":102,"trade_count":2}
EOF
	run --separate-stderr bash -o pipefail -c "$(man_examples mktpipe.7 | sed -n 2p)"
	assert_success
	assert_output '{"symbol":"X","window_start":"2024-01-10T23:00:00.000Z","window_end":"2024-01-10T23:01:00.000Z","n":1}'
	run --separate-stderr bash -o pipefail -c "$(man_examples mktpipe.7 | sed -n 3p)"
	assert_success
	assert_output 'exit status 1'
	[[ "$stderr" == *"winagg: stdin:1: column 18: "* ]]
	[[ "$stderr" == *"winagg: 1 bad record skipped"* ]]
}

@test "mktpipe.7 examples all run" {
	local p missing=()
	for p in winagg mkt-sim; do
		command -v "$p" >/dev/null || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] || skip "not built yet: ${missing[*]}"
	cd "$BATS_TEST_TMPDIR"
	cp "$DATA/lib/ticks.ndjson" .
	run_man_examples mktpipe.7
	[ "$MAN_EXAMPLES_RUN" -eq 4 ]
}
