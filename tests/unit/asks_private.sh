#!/bin/sh
# asks_private.sh: a page's asks (guide.h: the questions a section says it
# answers) and its not-asks (questions it says it does not answer) are
# search data, never chat text. Through the console as a
# helpdesk admin would try it: a question that reads like an ask gets its
# section, `--explain` shows the ask on the console's own lines, and no
# message of the bot (the answer, TOPICS, MORE, a numbered choice, the
# explain lines it sends like any message) carries any ask; a question
# that reads like a not-ask gets no answer from its page, `--explain`
# names that not-ask on the console's own lines, and no message carries
# it. replies/'s blocks are well formed (the page linter's part for asks
# and not-asks). And in the source, only the loader, the search and the
# console read them. Run by
# `make check` with SECOURS, TOP_SRCDIR and SECOURS_DATADIR set.
SECOURS=${SECOURS:-$(pwd)/secours}
TOP=${TOP_SRCDIR:-.}
T=$(mktemp -d /tmp/asks_private.XXXXXX) || exit 99
trap 'rm -rf "$T"' EXIT
. "$TOP/tests/lib/tap.sh"
TAP_SHOW=$T/out

mkdir "$T/guide"
cat >"$T/guide/pets.en.md" <<'PAGE'
---
title: "Odd pets"
---

# Odd pets

<!-- asks:
my pet does strange things, who do i call about moonbeams
-->

<!-- not-asks:
which veterinarian clinic takes my zebraphone that quacks
-->

What to do when a pet behaves oddly.

## Noisy animals at night

<!-- asks:
my zebraphone quacks all night when the lanterns glow
why is my parrot so loud
-->

Keep the room dark and quiet, and give it water.

## Feeding

Give small meals twice a day.
PAGE

printf '%s\n' 'zebraphone quacks all night' MORE TOPICS 1 \
    'who do i call about moonbeams' \
    'which veterinarian takes a zebraphone that quacks' |
    $SECOURS --console --explain --guide "$T/guide" >"$T/out" 2>"$T/err"
check "console runs" [ $? -eq 0 ]
check "the question that reads like an ask gets its section" \
    grep -q 'Odd pets › Noisy animals at night' "$T/out"
# The console's own lines: "Asks matched" and the numbered asks after it;
# "Page prior", each hit's p(page) and what the prior did; "Not-asks
# that refused" and the not-asks after it.
awk '/^(Asks matched|Page prior|Not-asks that refused)/ { inside = 1; next }
    inside && /^([0-9]+\) |prior )/ { next }
    { inside = 0; print }' "$T/out" >"$T/said"
check "--explain shows the ask it matched, on the console" \
    grep -q '^1) [0-9.]* my zebraphone quacks all night when the lanterns glow$' \
    "$T/out"
check "...and the page's, said so" \
    grep -q "who do i call about moonbeams (the page's)$" "$T/out"
check "--explain shows each hit's page prior, on the console" \
    grep -q '^1) p(page) 1.00, the best other page 0.00$' "$T/out"
check "...and what the prior did to the decision" \
    grep -q '^prior kept the first hit$' "$T/out"
check "--explain names the not-ask that refused the page, on the console" \
    grep -q '^1) [0-9.]* which veterinarian clinic takes my zebraphone that quacks (its best ask [0-9.]*)$' \
    "$T/out"
TAP_SHOW=$T/said
check "no ask in anything the bot says" \
    sh -c '! grep -Eq "lanterns|parrot|strange things" "$1"' sh "$T/said"
check "no not-ask in anything the bot says" \
    sh -c '! grep -Eqi "clinic" "$1"' sh "$T/said"

# The shipped pages' asks blocks are well formed: the loader, which warns
# about a block left open, too long or with an over-long line, says
# nothing about them; and a broken copy is caught, named.
$SECOURS --ask hello >/dev/null 2>"$T/err"
TAP_SHOW=$T/err
check "replies/: no asks or not-asks block is broken" \
    sh -c '! grep -q "asks block" "$1"' sh "$T/err"
mkdir "$T/broken"
sed '0,/^-->$/s/^-->$//' "$TOP/replies/harassment.en.md" \
    >"$T/broken/harassment.en.md"
$SECOURS --ask hello --guide "$T/broken" >/dev/null 2>"$T/err"
check "...a block left open is named with its file and line" \
    grep -q 'harassment.en.md:[0-9]*: asks block not closed' "$T/err"

# Only the loader, the search and the console read asks in src/.
readers=$(grep -lE 'guide_(section|page)_asks|search_hit_ask' \
    "$TOP"/src/*.c | sed 's|.*/||' | sort | tr '\n' ' ')
check "asks are read by guide.c, search.c and console.c only ($readers)" \
    [ "$readers" = "console.c guide.c search.c " ]
readers=$(grep -lE 'guide_page_notasks|search_hit_notask' \
    "$TOP"/src/*.c | sed 's|.*/||' | sort | tr '\n' ' ')
check "not-asks are read by guide.c, search.c and console.c only ($readers)" \
    [ "$readers" = "console.c guide.c search.c " ]
tap_done
