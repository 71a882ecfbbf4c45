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

SRC=$(cd "${TOP_SRCDIR:-.}" && pwd) || exit 99
# A valid configuration with guide.paths [$1], and more lines from stdin.
good_with() {
	cat <<EOF
account:
  jid: bot@localhost
  password: secret
  host: 127.0.0.1
  port: 5222
  tls: disabled
state_dir: $T/state
guide:
  paths: [$1]
EOF
	cat
}
good_with "$SRC/replies" < /dev/null > "$T/good.yaml"

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

run_grep "--check OK" 0 out "^configuration OK$" -- -c "$T/good.yaml" --check
run_grep "--check OK, long option" 0 out "^configuration OK$" \
    -- --config="$T/good.yaml" --check
run_grep "--check counts the guide per language" 0 err \
    "^secours: info: guide: [0-9]* page(s), [0-9]* section(s); per language (pages/sections): en [0-9]*/[0-9]*, " \
    -- -c "$T/good.yaml" --check

# The guide as the daemon loads it: a missing folder, a file, an empty
# folder, a folder of pages that do not load refuse; a broken page beside
# good ones is named; every path is reported in one run.
mkdir "$T/empty" "$T/broken" "$T/mixed" || exit 99
printf 'not a page\0\n' > "$T/broken/nul.md"
cp "$SRC"/replies/*.md "$T/mixed/"
printf 'not a page\0\n' > "$T/mixed/zz-broken.md"
: > "$T/file"
good_with "$T/none" < /dev/null > "$T/g-none.yaml"
run "--check: guide folder missing" 1 "" "secours: error: guide.paths: $T/none: no such folder
secours: info: guide: 0 page(s), 0 section(s); per language (pages/sections): none
" -- -c "$T/g-none.yaml" --check
# check_guide NAME STATUS PATHS PATTERN: --check with guide.paths [PATHS],
# its status and a line of stderr.
check_guide() {
	good_with "$3" < /dev/null > "$T/g.yaml"
	run_grep "--check: $1" "$2" err "$4" -- -c "$T/g.yaml" --check
}
check_guide "guide folder empty" 1 "$T/empty" \
    "^secours: error: guide.paths: $T/empty: no page"
check_guide "guide path a file" 1 "$T/file" \
    "^secours: error: guide.paths: $T/file: not a folder"
check_guide "only broken pages" 1 "$T/broken" \
    "guide: 1 page(s) could not be loaded (see above), the rest is used: $T/broken/nul.md"
check_guide "a broken page beside good ones is named" 0 "$T/mixed" \
    "^secours: warn: guide: 1 page(s) could not be loaded (see above), the rest is used: $T/mixed/zz-broken.md$"
good_with "$SRC/replies, $T/none, $T/empty" < /dev/null > "$T/g-two.yaml"
"$SECOURS" -c "$T/g-two.yaml" --check > /dev/null 2> "$T/got.err"
if [ "$(grep -c '^secours: error: guide.paths: ' "$T/got.err")" = 2 ]; then
	ok "--check names every bad guide path in one run"
else
	not_ok "--check names every bad guide path in one run"
	sed 's/^/    /' "$T/got.err"
fi
run_grep "--check: no data directory" 1 err \
    "cannot start without the languages' words" \
    -- -c "$T/good.yaml" --check --datadir "$T/empty"

# A helper's language the bot has no phrases in: a warning naming the
# languages it has.
good_with "$SRC/replies" > "$T/g-de.yaml" <<EOF
helpers:
  - jid: hans@localhost
    name: Hans
    languages: [de]
    fingerprints: ["1A2B3C4D 1A2B3C4D 1A2B3C4D 1A2B3C4D 1A2B3C4D"]
EOF
run_grep "--check: a helper's language without phrases" 0 err \
    "^secours: warn: helpers: helper 1 (Hans): languages: the bot has no phrases nor guide pages in 'de' (it talks en, " \
    -- -c "$T/g-de.yaml" --check

# --status never logs in: it does not read the password file.
cat > "$T/status-pwf.yaml" <<EOF
account:
  jid: bot@localhost
  password_file: $T/no-such-password
  host: 127.0.0.1
  tls: disabled
state_dir: $T/state
EOF
run_grep "--status without the password file" 1 err \
    "^secours: not running (no status in $T/state" \
    -- -c "$T/status-pwf.yaml" --status

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
		run_grep "fixture $f" 0 out "^configuration OK$" \
		    -- -c "$f" --check
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
	run_grep "--check works as root" 0 out "^configuration OK$" \
	    -- -c "$T/good.yaml" --check
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
