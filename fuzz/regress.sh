#!/bin/sh
# regress.sh: runs every libFuzzer target once over each file of its seed
# corpus (fuzz/corpus/TARGET/), as `make check` does: a regression test, not
# fuzzing. Skipped (77) unless the build was configured with
# --enable-fuzzing, which sets FUZZ_TARGETS (tests/am/fuzz.am).

TOP_SRCDIR=${TOP_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
TOP_BUILDDIR=${TOP_BUILDDIR:-$(pwd)}

if [ -z "$FUZZ_TARGETS" ]; then
	echo "1..0 # SKIP not configured with --enable-fuzzing"
	exit 77
fi
: "${LSAN_OPTIONS:=suppressions=$TOP_SRCDIR/tests/lsan.supp:print_suppressions=0}"
export LSAN_OPTIONS

n=0
failed=0
for t in $FUZZ_TARGETS; do
	name=$(basename "$t")
	corpus=$TOP_SRCDIR/fuzz/corpus/$name
	n=$((n + 1))
	if [ ! -x "$TOP_BUILDDIR/$t" ]; then
		failed=$((failed + 1))
		echo "not ok $n - $name: not built"
		continue
	fi
	files=$(find "$corpus" -type f 2>/dev/null | sort)
	if [ -z "$files" ]; then
		failed=$((failed + 1))
		echo "not ok $n - $name: no seed in $corpus"
		continue
	fi
	count=$(echo "$files" | wc -l)
	# One run per file (no mutation); libFuzzer stops at the first crash,
	# leak or sanitizer report and exits non-zero.
	# shellcheck disable=SC2086
	if out=$("$TOP_BUILDDIR/$t" -rss_limit_mb=2048 -timeout=60 \
	    $files 2>&1); then
		echo "ok $n - $name: $count seeds"
	else
		failed=$((failed + 1))
		echo "not ok $n - $name"
		echo "$out" | tail -n 40 | sed 's/^/#   /'
	fi
done
echo "1..$n"
[ "$failed" -eq 0 ]
