#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# page_console.sh: "this page, which part?" as a user would try it, on
# the console (secours --ask, --console) with --guide pointing at a guide
# without asks in the DFAK's layout (tests/fixtures/notasks), as it ships
# (no min_score, no tune): a question gets the page's list; a number reads
# that part; MORE goes on through the page; a number past the list gets a
# sentence that says which numbers there are, not a section, a crash nor
# a raw key; the same in French. Run by `make check` with SECOURS and
# TOP_SRCDIR set.
SECOURS=${SECOURS:-$(pwd)/secours}
TOP=${TOP_SRCDIR:-.}
G=$TOP/tests/fixtures/notasks
T=$(mktemp -d /tmp/page_console.XXXXXX) || exit 99
trap 'rm -rf "$T"' EXIT
. "$TOP/tests/lib/tap.sh"
TAP_SHOW=$T/out

# The reply to the Nth line of $T/in in $T/out: from its "> " line to the
# next one.
reply() {
	awk -v n="$1" '/^> / { k++; next } k == n' "$T/out"
}

# A question naming two parts of the page that nearly tie: the page.
# (With one of them alone, "insults in public replies on twitter", that
# part stands out: an answer, search.c section_clear().)
Q="insults in public replies and private messages on twitter"

# --ask: one question, the list.
$SECOURS --ask "$Q" --guide "$G" \
    >"$T/out" 2>"$T/err"
check "--ask: status 0" [ $? -eq 0 ]
check "...the page's list: its title" \
    grep -q '^This looks like: Online Harassment\. ' "$T/out"
check "...numbered from 1" grep -q '^1) ' "$T/out"
check "...at most a phone screen (5: no asks), the rest counted" \
    sh -c '! grep -q "^6) " "$1" && grep -q "^Not listed here: 4 more" "$1"' \
    sh "$T/out"
check "...the page's start first, then the closest" \
    sh -c 'grep -qx "1) Introduction" "$1" &&
    grep -qx "2) Where does it happen?" "$1"' sh "$T/out"
check "...no raw key" no_raw_key "$T/out"
$SECOURS --ask "$Q" --explain \
    --guide "$G" >"$T/out" 2>&1
check "--explain says why a page" \
    grep -q '^page outcome: [23] of the 3 best hits are on this page' "$T/out"

# One part alone stands out from the page's others: an answer, and
# --explain says why (search.c section_clear()).
$SECOURS --ask "insults in public replies on twitter" --explain \
    --guide "$G" >"$T/out" 2>&1
check "one part that stands out: an answer" \
    grep -qx 'Online Harassment › Where does it happen?' "$T/out"
check "...--explain says why an answer" grep -q \
    '^its page has no asks and would be offered, and the first section stands out' \
    "$T/out"

# --console: a whole conversation.
printf '%s\n' "$Q" 1 MORE 9 0 5 MORE MORE MORE MORE MORE \
    >"$T/in"
$SECOURS --console --guide "$G" <"$T/in" >"$T/out" 2>"$T/err"
check "--console: status 0" [ $? -eq 0 ]
check "...every line got a reply" \
    [ "$(grep -c '^> ' "$T/out")" -eq "$(wc -l <"$T/in")" ]
reply 2 >"$T/r2"
check "...'1' reads the list's first part, the page's start" \
    sh -c 'head -1 "$1" | grep -qx "Online Harassment › Introduction"' \
    sh "$T/r2"
reply 3 >"$T/r3"
check "...MORE goes on through the page" sh -c 'head -1 "$1" |
    grep -qx "Online Harassment › Who is behind the messages?"' sh "$T/r3"
for k in 4 5; do
	reply $k >"$T/r$k"
	check "...'$(sed -n ${k}p "$T/in")', past the list: which numbers" \
	    grep -qx 'Please type a number from 1 to 5, or TOPICS for all topics.' \
	    "$T/r$k"
done
reply 6 >"$T/r6"
check "...then '5' still reads the list's last part" sh -c 'head -1 "$1" |
    grep -qx "Online Harassment › Block and report"' sh "$T/r6"
reply 11 >"$T/r11"
check "...MORE past the end of the page: nothing more" \
    grep -q "^There's nothing more to show" "$T/r11"
check "...no raw key" no_raw_key "$T/out"

# In French: the French page, its headings without "&nbsp;:".
printf '%s\n' "je suis fatiguée de l'écran et des insultes" 1 PLUS 6 \
    >"$T/in"
$SECOURS --console --guide "$G" <"$T/in" >"$T/out" 2>"$T/err"
check "French: status 0" [ $? -eq 0 ]
reply 1 >"$T/r1"
check "...the French page's list" grep -q \
    '^Cela ressemble à : Harcèlement en ligne\. ' "$T/r1"
check "...no '&nbsp;' nor colon at a heading's end" \
    sh -c '! grep -Eq "&nbsp;|^[0-9]+\) .*:$" "$1"' sh "$T/r1"
reply 2 >"$T/r2"
check "...'1' reads its first part" sh -c 'head -1 "$1" |
    grep -qx "Harcèlement en ligne › Introduction"' sh "$T/r2"
reply 3 >"$T/r3"
check "...PLUS goes on" sh -c 'head -1 "$1" |
    grep -qx "Harcèlement en ligne › Qui envoie les messages ?"' sh "$T/r3"
reply 4 >"$T/r4"
check "...'6', past its 5 parts: which numbers, in French" \
    grep -qx 'Tapez un numéro de 1 à 5, ou SUJETS pour tous les sujets.' \
    "$T/r4"
check "...no raw key" no_raw_key "$T/out"

tap_done
