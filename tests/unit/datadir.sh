#!/bin/sh
# datadir.sh: the bot's own sentences and lexicon come from its data
# directory whatever --guide says (issue 8: a guide without phrases/ made
# the bot print raw keys). Run by `make check` with SECOURS, TOP_SRCDIR and
# SECOURS_DATADIR set.
SECOURS=${SECOURS:-$(pwd)/secours}
TOP=${TOP_SRCDIR:-.}
T=$(mktemp -d /tmp/datadir.XXXXXX) || exit 99
trap 'rm -rf "$T"' EXIT
. "$TOP/tests/lib/tap.sh"

# A guide with no phrases/ of its own: sentences come from the data dir.
$SECOURS --ask hello --guide "$TOP/tests/fixtures/bot" >"$T/hello" 2>"$T/err"
check "--ask with a guide that has no phrases: status 0" [ $? -eq 0 ]
check "...the greeting is a sentence" grep -q '^Hello' "$T/hello"
check "...no raw key" no_raw_key "$T/hello"
$SECOURS --ask "zzzz qqqq" --guide "$TOP/tests/fixtures/bot" >"$T/none" 2>&1
check "no answer: a sentence, no raw key" no_raw_key "$T/none"
check "...that offers TOPICS and HUMAN" grep -q 'TOPICS.*HUMAN' "$T/none"
$SECOURS --ask "remote wipe" --lang fr --guide "$TOP/tests/fixtures/bot" \
    >"$T/fr" 2>&1
check "French answer: no raw key" no_raw_key "$T/fr"

# No data dir: a clear start-up error, nothing said.
$SECOURS --ask hello --datadir "$T/none-here" --guide "$TOP/tests/fixtures/bot" \
    >"$T/out" 2>"$T/err"
check "missing data dir: exit 1" [ $? -eq 1 ]
check "...nothing printed" [ ! -s "$T/out" ]
check "...the error names phrase files" grep -q 'no phrase files' "$T/err"

# An incomplete language: the error names the missing keys.
mkdir -p "$T/data/phrases"
cp -r "$TOP/replies/lang" "$T/data/lang"
cp "$TOP/replies/phrases/en.txt" "$T/data/phrases/en.txt"
awk '/^\[no_answer\]$/ { skip = 1; next } /^\[/ { skip = 0 } !skip' \
    "$TOP/replies/phrases/fr.txt" >"$T/data/phrases/fr.txt"
$SECOURS --ask hello --datadir "$T/data" --guide "$TOP/tests/fixtures/bot" \
    >"$T/out" 2>"$T/err"
check "incomplete French phrases: exit 1" [ $? -eq 1 ]
check "...the error names the missing key" \
    grep -q 'fr phrases lack 1 key(s) that en has: no_answer' "$T/err"
SECOURS_DATADIR="$T/data" $SECOURS --ask hello \
    --guide "$TOP/tests/fixtures/bot" >"$T/out" 2>"$T/err"
check "SECOURS_DATADIR is the data dir too" [ $? -eq 1 ]

# The complete copy works, and --datadir wins over SECOURS_DATADIR.
cp "$TOP/replies/phrases/"*.txt "$T/data/phrases/"
SECOURS_DATADIR="$T/none-here" $SECOURS --ask hello --datadir "$T/data" \
    --guide "$TOP/tests/fixtures/bot" >"$T/out" 2>"$T/err"
check "--datadir wins over SECOURS_DATADIR" [ $? -eq 0 ]

# A language file without a word list the code uses: the error names it.
awk '/^\[cmd\.help\]$/ { skip = 1; next } /^\[/ { skip = 0 } !skip' \
    "$TOP/replies/lang/en.txt" >"$T/data/lang/en.txt"
$SECOURS --ask hello --datadir "$T/data" --guide "$TOP/tests/fixtures/bot" \
    >"$T/out" 2>"$T/err"
check "English words without [cmd.help]: exit 1" [ $? -eq 1 ]
check "...the error names the missing key" \
    grep -q 'lang/en.txt: missing key \[cmd.help\]' "$T/err"

tap_done
