#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# console_desk.sh: the console says what the bot says (s14-trainer). Its
# danger reply ended without the desk's line ("type HUMAN to ..."), and
# HUMAN said the helpers were out of reach, because the console ran the
# bot without the escalation machine. It now runs the real one on a
# throwaway store (removed at the end). Run by `make check` with SECOURS
# and TOP_SRCDIR set.
SECOURS=${SECOURS:-$(pwd)/secours}
TOP=${TOP_SRCDIR:-.}
T=$(mktemp -d /tmp/console_desk.XXXXXX) || exit 99
trap 'rm -rf "$T"' EXIT
. "$TOP/tests/lib/tap.sh"
TAP_SHOW=$T/out

mkdir "$T/tmp"
printf '%s\n' 'they are breaking down my door right now' human yes |
    TMPDIR=$T/tmp "$SECOURS" --console --datadir "$TOP/replies" \
    --guide "$TOP/replies" >"$T/out" 2>"$T/err"
check "the console runs" [ $? -eq 0 ]
check "the danger reply says how to reach the desk (HUMAN)" \
    grep -q '^You may be in danger right now\. .*type HUMAN' "$T/out"
check "HUMAN asks consent, as the bot does" \
    grep -q '^Type YES to send it, or NO to keep it here\.' "$T/out"
check "YES queues the request" grep -q 'Your request is number 1' "$T/out"
check "no helper's message shown" sh -c "! grep -qi 'claim' '$T/out'"
check "the throwaway store is removed" \
    sh -c "[ -z \"\$(ls -A '$T/tmp')\" ]"
tap_done
