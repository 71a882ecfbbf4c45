#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# danger_memcheck.sh: after the danger reply, bot.c danger_guidance()
# searches the message without its danger words; when that search finds
# nothing (a guide of one page that the whole message hits, the rest
# "arrested brother" not), its hits must not be read (s13-fixs: it compared
# rhits[0].page, never written). Under valgrind's memcheck; skipped
# without valgrind or with a sanitizer build (they do not mix). Run by
# `make check` with SECOURS and TOP_SRCDIR set.
SECOURS=${SECOURS:-$(pwd)/secours}
TOP=${TOP_SRCDIR:-.}
T=$(mktemp -d /tmp/danger_memcheck.XXXXXX) || exit 99
trap 'rm -rf "$T"' EXIT
. "$TOP/tests/lib/tap.sh"
TAP_SHOW=$T/err

if ! command -v valgrind >/dev/null 2>&1; then
	skip "danger_guidance() reads no unwritten hit" "no valgrind"
elif nm "$SECOURS" 2>/dev/null | grep -q '__asan_init\|__ubsan_'; then
	skip "danger_guidance() reads no unwritten hit" "sanitizer build"
else
	mkdir "$T/guide" && cp "$TOP/replies/data-leak.en.md" "$T/guide/"
	valgrind -q --error-exitcode=9 "$SECOURS" --ask \
	    "they are at my door right now, they arrested my brother" \
	    --guide "$T/guide" --datadir "$TOP/replies" >"$T/out" 2>"$T/err"
	check "danger_guidance() reads no unwritten hit" [ $? -eq 0 ]
	check "...and the danger reply came" \
	    grep -q '^You may be in danger right now' "$T/out"
fi
tap_done
