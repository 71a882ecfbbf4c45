#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# explain_bar.sh: --explain's "answers need a score of X" is the bar the
# decision held this question's best hit to (search.h:
# search_decide_why(): agreement, a long question, the page prior), not
# the guide's starting bar; and when the page prior vouched for the page
# the console says so. A question the tester asked: replies/ answers it
# at a score under the guide's bar, the prior sure of its page. Run by
# `make check` with SECOURS and TOP_SRCDIR set.
SECOURS=${SECOURS:-$(pwd)/secours}
TOP=${TOP_SRCDIR:-.}
T=$(mktemp -d /tmp/explain_bar.XXXXXX) || exit 99
trap 'rm -rf "$T"' EXIT
. "$TOP/tests/lib/tap.sh"
TAP_SHOW=$T/out

$SECOURS --ask "fb disabled our page for no reason" --explain \
    --guide "$TOP/replies" >"$T/out" 2>"$T/err"
check "console runs" [ $? -eq 0 ]
check "the suspended-page page answers" \
    grep -q '^My account was suspended or my content was taken down › ' \
    "$T/out"
check "...at a score the explained bar allows" \
    awk '/^Search details \(answers need a score of/ {
	    bar = $NF; sub(/\)?:$/, "", bar) }
	/^1\) [0-9.]+ / { if (bar != "" && $2 + 0 >= bar + 0) ok = 1 }
	END { exit !ok }' "$T/out"
check "...and the console says the prior vouched: a lower bar" \
    grep -q '^the page prior is sure of this page: a lower bar' "$T/out"
tap_done
