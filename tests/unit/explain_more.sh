#!/bin/sh
# explain_more.sh: `--explain` on a console explains questions only. A
# line that is no question (MORE, a number picked from a list) reads on
# from the last question, and --explain then prints nothing about the
# search: neither the bot's search details nor the console's own lines
# (asks matched, page prior), never the last question's hits as if they
# were this line's (bot.h: bot_explain_hits() has none after such a
# line). The invented guide's pages have asks, so those lines would
# show. Run by `make check` with SECOURS and TOP_SRCDIR set.
SECOURS=${SECOURS:-$(pwd)/secours}
TOP=${TOP_SRCDIR:-.}
T=$(mktemp -d /tmp/explain_more.XXXXXX) || exit 99
trap 'rm -rf "$T"' EXIT
. "$TOP/tests/lib/tap.sh"
TAP_SHOW=$T/out

mkdir "$T/guide"
cat >"$T/guide/kites.en.md" <<'PAGE'
---
title: "Kites"
---

# Kites

<!-- asks:
my kite is stuck in a tree
-->

What to do when a kite goes wrong.

## A kite in a tree

<!-- asks:
how do i get my kite down from a tree
-->

Pull the string gently, never climb the tree.

## A torn kite

<!-- asks:
my kite has a hole in it
-->

Patch the hole with tape on both sides.
PAGE
cat >"$T/guide/boats.en.md" <<'PAGE'
---
title: "Paper boats"
---

# Paper boats

<!-- asks:
my paper boat sinks
-->

What to do when a paper boat goes wrong.

## A boat that sinks

<!-- asks:
why does my paper boat sink
-->

Rub wax on the paper before you fold it.

## A torn boat

<!-- asks:
my paper boat has a hole in it
-->

Fold a new one: tape does not hold on wet paper.
PAGE

# A question answered, MORE; a question with choices, a number, MORE.
printf '%s\n' 'my kite is stuck in a tree' MORE tape 1 MORE |
    $SECOURS --console --explain --guide "$T/guide" >"$T/out" 2>"$T/err"
check "console runs" [ $? -eq 0 ]

# Each turn's lines, each after its number and a tab (the first line
# given is turn 1).
awk '/^> / { n++; next } { print n "\t" $0 }' "$T/out" >"$T/turns"
TAP_SHOW=$T/turns
# shows N LINE: turn N printed LINE.
shows() {
	grep -qxF "$1	$2" "$T/turns"
}
# explained N: turn N printed a line of --explain about the search.
explained() {
	grep -Eq "^$1	(Search details|Words searched|Asks matched|Page prior|prior |Not-asks that refused)" \
	    "$T/turns"
}
# quiet N: it printed none.
quiet() {
	! explained "$1"
}

check "a question is answered" shows 1 'Kites › A kite in a tree'
check "...and explained" explained 1
check "...on the console's own lines too" \
    sh -c 'grep -q "^1	Asks matched" "$1" && grep -q "^1	Page prior" "$1"' \
    sh "$T/turns"
check "MORE reads on from it" shows 2 'Kites › A torn kite'
check "...and --explain says nothing about the search" quiet 2
check "a question with choices" shows 3 '2) Paper boats › A torn boat'
check "...explained" explained 3
check "a number picks a choice" shows 4 'Kites › A torn kite'
check "...and --explain says nothing about the search" quiet 4
check "MORE after it reads the other choice" shows 5 'Paper boats › A torn boat'
check "...says nothing about the search either" quiet 5
tap_done
