# tap.sh: the TAP lines of the shell tests (tests/*.sh source it). ok and
# not_ok print one check, skip one that cannot run here (counted as
# skipped, never as passed), same compares two files, check runs a
# command, no_raw_key checks replies for a raw phrase key; tap_done prints
# the plan and returns 1 if any check failed.
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

# check NAME COMMAND...: ok when the command's status is 0; else, when
# TAP_SHOW names a file, its first lines are shown under the failure.
check() {
	_name=$1
	shift
	if "$@"; then
		ok "$_name"
	else
		not_ok "$_name"
		if [ -n "${TAP_SHOW:-}" ] && [ -f "$TAP_SHOW" ]; then
			sed 's/^/#   /' "$TAP_SHOW" | head -8
		fi
	fi
}

# no_raw_key FILE: no phrase key shown raw in the replies in FILE: a
# lower-case word with an underscore standing alone on a line, after "› "
# or between spaces (no address in the bot's replies has one).
no_raw_key() {
	! grep -Eq '(^|[ ›])[a-z]+(_[a-z0-9]+)+([ .,:;!?]|$)' "$1"
}

tap_done() {
	echo "1..$n"
	[ "$failed" -eq 0 ]
}
