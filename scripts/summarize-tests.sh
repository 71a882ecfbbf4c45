#!/bin/sh
# Reads the results Automake's test harness left in DIR (*.trs and *.log) and
# prints each failing test's log tail, one line per test program, and a last
# line "N passed, N failed[, N skipped]" counting every check: the "ok" and
# "not ok" lines the test programs print ("ok ... # SKIP why" counts as
# skipped, not passed), plus one failure for a program that failed without
# saying which check (a crash, a timeout), and one skip for a program that
# skipped itself (exit 77).
# Exit status: 0 if nothing failed.
set -u
dir=${1:-.}
passed=0 failed=0 skipped=0
trs_list=$(find "$dir" -name '*.trs' -not -path '*/_build/*' | sort)
if [ -z "$trs_list" ]; then
	echo "no test results found"
	echo "0 passed, 1 failed"
	exit 1
fi
for trs in $trs_list; do
	log=${trs%.trs}.log
	name=${trs#"$dir"/}; name=${name%.trs}
	result=$(sed -n 's/^:test-result: //p' "$trs" | head -n 1)
	ok=0 nok=0 skip=0
	if [ -f "$log" ]; then
		skip=$(grep -c '^ok\b.*# *SKIP' "$log")
		ok=$(($(grep -c '^ok\b' "$log") - skip))
		nok=$(grep -c '^not ok\b' "$log")
	fi
	skipped=$((skipped + skip))
	case "$result" in
	PASS|XFAIL)
		[ "$ok" -eq 0 ] && [ "$skip" -eq 0 ] && ok=1
		passed=$((passed + ok)); failed=$((failed + nok))
		if [ "$skip" -gt 0 ]; then
			printf '%-4s %s (%d checks, %d skipped)\n' "$result" \
			    "$name" "$ok" "$skip"
		else
			printf '%-4s %s (%d checks)\n' "$result" "$name" "$ok"
		fi ;;
	SKIP)
		skipped=$((skipped + 1))
		printf 'SKIP %s\n' "$name" ;;
	*)
		[ "$nok" -eq 0 ] && nok=1
		passed=$((passed + ok)); failed=$((failed + nok))
		printf '%-4s %s (%d ok, %d failed)\n' "$result" "$name" "$ok" "$nok"
		[ -f "$log" ] && tail -n 30 "$log" | sed 's/^/    | /' ;;
	esac
done
if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
