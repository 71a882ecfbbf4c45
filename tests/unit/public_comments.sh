#!/bin/sh
# public_comments.sh: STYLE.md's "one comment line above each public
# function". A public function is declared in a header of src/; its
# line sits directly above the declaration, or above the run of
# declarations it is one of (buf_init, buf_add, ... under one line), as
# in git's strbuf.h; a #define or a struct between the comment and the
# declaration breaks the run. Each header is one check, naming what
# lacks its line; then a copy with one line taken away must fail. Run by
# `make check` with TOP_SRCDIR set.
TOP=${TOP_SRCDIR:-.}
T=$(mktemp -d /tmp/public_comments.XXXXXX) || exit 99
trap 'rm -rf "$T"' EXIT
. "$TOP/tests/lib/tap.sh"

# uncommented FILE: prints "file:line: name" for each declaration of a
# function at the start of a line with no comment above it or its run.
uncommented() {
	awk '
	# A comment of its own lines (not one after code on its line).
	incomment || /^[ \t]*\/\*/ {
		incomment = ($0 !~ /\*\//)
		last = "comment"
		next
	}
	# The rest of a declaration (arguments, attributes).
	open {
		if ($0 ~ /;[ \t]*$/)
			open = 0
		next
	}
	/^[a-z][a-z0-9_ ]*[ *]\**[a-z_][a-z0-9_]*\(/ &&
	    !/^(typedef|struct [a-z0-9_]+ {|static|extern "C")/ {
		name = $0
		sub(/\(.*/, "", name)
		sub(/.*[ *]/, "", name)
		if (last == "comment")
			covered = 1
		else if (last != "decl")
			covered = 0
		if (!covered)
			printf "%s:%d: %s\n", FILENAME, FNR, name
		last = "decl"
		open = ($0 !~ /;[ \t]*$/)
		next
	}
	{ last = "other" }
	' "$1"
}

for h in "$TOP"/src/*.h; do
	uncommented "$h" >"$T/out"
	TAP_SHOW=$T/out
	check "${h##*/}: each public function has its comment line" \
	    [ ! -s "$T/out" ]
done

# The check can fail: guide.h without the line above guide_section_page().
grep -vx '/\* The page the section belongs to\. \*/' "$TOP/src/guide.h" \
    >"$T/guide.h"
uncommented "$T/guide.h" >"$T/out"
TAP_SHOW=$T/out
check "a header with one line taken away is caught, named" \
    grep -q ': guide_section_page$' "$T/out"
tap_done
