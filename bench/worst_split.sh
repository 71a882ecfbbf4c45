#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# s18-fixdos: the CPU the worst whole-message matches cost
# (lang_match_only(): "never mind", "how long" while a request waits,
# goodbyes, "it didn't work"). A stranger may send a message of
# limits.max_body (64 KiB, about 48 KB once decrypted): 12,000 "nvm" and
# a word while a request waits, and 3,000 "ok" and a word as a goodbye.
# Prints the user CPU of each through tests/unit/test_transcripts (build
# it first: make tests/unit/test_transcripts). Run from the top source
# directory:  sh bench/worst_split.sh
set -eu
top=$(pwd)
tmp=$(mktemp -d /tmp/worst_split.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
words() { yes "$1" | head -n "$2" | tr '\n' ' '; }
run() {
	cat >"$tmp/$1.txt" <<EOT
helper: sam@h.org Sam fr,en,es 1111111111111111111111111111111111111111
shift: sam@h.org mon-fri 09:00-17:00
escalate: on
guide: replies
time: 2024-03-04T10:00:00Z

peer: sam@h.org
facts: pinned=1 their_fp=11111111 11111111 11111111 11111111 11111111
! secure
< *

peer: p1@p.org
facts: verified=1
! secure
< *
> my phone was stolen
< *
> HUMAN
< I can pass this on to Sam*
> yes
< Thank you.*
<helper sam@h.org *my phone was stolen*
> $2
< *
EOT
	/usr/bin/time -f "$1: %U s user, %M KB" env TOP_SRCDIR="$top" \
	    "$top/tests/unit/test_transcripts" "$tmp/$1.txt" >/dev/null
}
run baseline "how do I turn on two-step verification"
run nvm12000 "$(words nvm 12000)x"
run ok3000 "$(words ok 3000)x"
run thanks3000 "$(words 'ok thanks' 3000)x"
