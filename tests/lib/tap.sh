# tap.sh: the TAP lines of the shell tests (tests/*.sh source it). ok and
# not_ok print one check, skip one that cannot run here (counted as
# skipped, never as passed), same compares two files; tap_done prints the
# plan and returns 1 if any check failed.
n=0
failed=0

ok() {
	n=$((n + 1))
	echo "ok $n - $1"
}

not_ok() {
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - $1"
}

# skip NAME WHY
skip() {
	n=$((n + 1))
	echo "ok $n - $1 # SKIP $2"
}

# same NAME EXPECTED_FILE GOT_FILE: equal, else both shown.
same() {
	if cmp -s "$2" "$3"; then
		ok "$1"
	else
		not_ok "$1"
		echo "  expected:"; sed 's/^/    /' "$2"
		echo "  got:"; sed 's/^/    /' "$3"
	fi
}

tap_done() {
	echo "1..$n"
	[ "$failed" -eq 0 ]
}
