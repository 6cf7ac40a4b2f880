# helpers.bash -- loaded by every tests/*.bats: the assert libraries, the
# binaries just built first on PATH, and checks shared by all programs.
bats_load_library bats-support
bats_load_library bats-assert

export TZ=UTC LC_ALL=C
: "${MKT_BUILD:=$BATS_TEST_DIRNAME/../build}"
export MKT_BUILD
PATH="$MKT_BUILD/bin:$BATS_TEST_DIRNAME/../scripts:$PATH"
TOP="$(cd "$BATS_TEST_DIRNAME/.." && pwd)"
DATA="$TOP/tests/data"

# man_lint NAME.SECTION -- mandoc finds nothing to warn about in man/NAME.SECTION.
man_lint() {
	run mandoc -Tlint -Wwarning "$TOP/man/$1"
	assert_success
	assert_output ''
}

# man_examples PAGE -- print each command of the EXAMPLES section of
# man/PAGE, one per line (.Dl lines, and .Bd -literal blocks joined where
# lines end in a backslash), with mdoc escapes undone.
man_examples() {
	awk '
	/^\.Sh / { inex = ($0 ~ /^\.Sh EXAMPLES/); next }
	!inex { next }
	/^\.Bd -literal/ { lit = 1; cmd = ""; next }
	/^\.Ed/ { if (cmd != "") print cmd; lit = 0; cmd = ""; next }
	lit {
		line = $0
		if (cmd != "" && cmd ~ /\\e$/) { sub(/\\e$/, "", cmd); cmd = cmd " " line }
		else if (cmd != "") { print cmd; cmd = line }
		else cmd = line
		next
	}
	/^\.Dl / { sub(/^\.Dl /, ""); print; next }
	' "$TOP/man/$1" | sed -e 's/\\e/\\/g' -e 's/\\-/-/g' -e "s/\\\\(aq/'/g" \
		-e 's/\\(dq/"/g' -e 's/\\&//g' -e 's/\\(ti/~/g' -e 's/\\(ha/^/g'
}

# run_man_examples PAGE -- run every EXAMPLES command of man/PAGE with bash
# -o pipefail in the current directory; each must succeed. Returns the
# number of commands run in MAN_EXAMPLES_RUN.
run_man_examples() {
	local cmd n=0
	while IFS= read -r cmd; do
		n=$((n + 1))
		run bash -o pipefail -c "$cmd"
		if [ "$status" -ne 0 ]; then
			echo "example failed ($status): $cmd" >&2
			echo "$output" >&2
			return 1
		fi
	done < <(man_examples "$1")
	MAN_EXAMPLES_RUN=$n
	[ "$n" -gt 0 ]
}
