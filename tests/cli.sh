#!/bin/sh
# cli.sh: the command line of secours, as a user meets it: help, version,
# --check (exit status and exact output), refusing root, bad usage.
# Run by `make check` with SECOURS set to the built binary.

SECOURS=${SECOURS:-$(pwd)/secours}
T=$(mktemp -d /tmp/cli.XXXXXX) || exit 99
trap 'rm -rf "$T"' EXIT
. "${TOP_SRCDIR:-$(pwd)}/tests/lib/tap.sh"

# run NAME STATUS EXPECTED_STDOUT EXPECTED_STDERR -- ARGS...
run() {
	name=$1 status=$2
	printf '%s' "$3" > "$T/want.out"
	printf '%s' "$4" > "$T/want.err"
	shift 5
	"$SECOURS" "$@" > "$T/got.out" 2> "$T/got.err" < /dev/null
	rc=$?
	if [ "$rc" = "$status" ]; then ok "$name: exit status $status"
	else not_ok "$name: exit status $status (got $rc)"; fi
	same "$name: stdout" "$T/want.out" "$T/got.out"
	same "$name: stderr" "$T/want.err" "$T/got.err"
}

# run_grep NAME STATUS STREAM PATTERN -- ARGS...: status, and a line of
# stdout or stderr matching PATTERN.
run_grep() {
	name=$1 status=$2 stream=$3 pattern=$4
	shift 5
	"$SECOURS" "$@" > "$T/got.out" 2> "$T/got.err" < /dev/null
	rc=$?
	if [ "$rc" = "$status" ]; then ok "$name: exit status $status"
	else not_ok "$name: exit status $status (got $rc)"; fi
	if grep -q -- "$pattern" "$T/got.$stream"; then ok "$name: $pattern"
	else
		not_ok "$name: $pattern"
		echo "  got on std$stream:"; sed 's/^/    /' "$T/got.$stream"
	fi
}

cat > "$T/good.yaml" <<EOF
account:
  jid: bot@localhost
  password: secret
  host: 127.0.0.1
  port: 5222
  tls: disabled
state_dir: $T/state
EOF

cat > "$T/bad.yaml" <<EOF
account:
  jdi: bot@localhost
  password: secret
  port: 99999
state_dir: $T/state
duty:
  timezone: Nowhere/Atlantis
EOF

run_grep "--help" 0 out "^Usage: secours -c FILE" -- --help
run_grep "--help lists --check" 0 out "--check" -- --help
run "--version" 0 "secours 0.1.0
" "" -- --version

run "--check OK" 0 "configuration OK
" "" -- -c "$T/good.yaml" --check
run "--check OK, long option" 0 "configuration OK
" "" -- --config="$T/good.yaml" --check

cd "$T" || exit 99
run "--check reports every problem" 1 "" "bad.yaml:2:3: unknown key 'jdi'
bad.yaml:2:3: missing required key 'jid'
bad.yaml:4:9: bad number for 'port': '99999' (expected 1..65535)
bad.yaml:7:13: unknown time zone for 'timezone': 'Nowhere/Atlantis' (expected a name such as Europe/Paris, or UTC)
" -- -c bad.yaml --check
cd - > /dev/null || exit 99

# Data-driven: tests/fixtures/config/NAME.yaml, with NAME.expected when the
# check must fail (see the README there).
FIX=${TOP_SRCDIR:-.}/tests/fixtures/config
cd "$FIX" || exit 99
for f in *.yaml; do
	name=${f%.yaml}
	if [ -f "$name.expected" ]; then
		run "fixture $f" 1 "" "$(cat "$name.expected")
" -- -c "$f" --check
	else
		run "fixture $f" 0 "configuration OK
" "" -- -c "$f" --check
	fi
done
cd - > /dev/null || exit 99

run "--check on a missing file" 1 "" "$T/none.yaml: cannot read: No such file or directory
" -- -c "$T/none.yaml" --check
run "running with a bad config" 1 "" "bad.yaml: cannot read: No such file or directory
" -- -c bad.yaml --allow-root

if [ "$(id -u)" = 0 ]; then
	run "root refused without --allow-root" 1 "" "secours: refusing to run as root; run it as its own user (e.g. secours), or pass --allow-root
" -- -c "$T/good.yaml"
	run "--check works as root" 0 "configuration OK
" "" -- -c "$T/good.yaml" --check
else
	skip "root refused without --allow-root" "not root"
	skip "--check works as root" "not root"
fi

run_grep "unknown option" 2 err "Try 'secours --help'" -- --frobnicate
run_grep "no -c" 2 err "secours: -c FILE is required" -- --check
run_grep "two modes" 2 err "cannot be combined" -- -c x --check --console
run_grep "stray argument" 2 err "unexpected argument 'extra'" -- -c x extra
run_grep "bad --lang" 2 err "--lang wants a language code" -- --ask hi --lang 'x y'
run_grep "--guide without --ask" 2 err "go with --ask or --console" -- -c x --guide /tmp
run_grep "-c and --guide together" 2 err "either -c FILE or --guide" -- --ask hi -c x --guide /tmp
run_grep "missing argument" 2 err "Try 'secours --help'" -- -c

tap_done
