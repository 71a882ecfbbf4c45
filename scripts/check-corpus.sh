#!/bin/sh
# check-corpus.sh: developer tool. Loads real guide pages with every
# warning shown, prints what the loader made of them, and optionally
# measures search accuracy on a labelled question file.
#
#   scripts/check-corpus.sh [-t] [-q questions.tsv] [dir...]
#
#   -t      also print each section's chat text
#   -q FILE lang<TAB>question<TAB>expected[<TAB>split] lines (as in
#           tests/fixtures/questions.tsv, bench/dfak-questions.tsv), with
#           replies/lexicon.txt: every miss, then top-1 / top-3 per split
#   dir     default: ../shared/dfak-corpus and ../shared/dfak-extras beside
#           the source tree
#
# Run from the top of a configured build tree (it builds bench/guide_dump).
# The shared corpus is read in place, never copied into the repository.
set -eu

text=
questions=
while getopts tq: opt; do
	case $opt in
	t) text=-t ;;
	q) questions=$OPTARG ;;
	*) sed -n '5,11s/^# \{0,1\}//p' "$0"; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
shared=$(cd "$(dirname "$0")/../.." && pwd)/shared
[ $# -gt 0 ] || set -- "$shared/dfak-corpus" "$shared/dfak-extras"

make -s bench/guide_dump >/dev/null
out=$(mktemp)
errs=$(mktemp)
trap 'rm -f "$out" "$errs"' EXIT

./bench/guide_dump $text "$@" >"$out" 2>"$errs"
cat "$out"
echo
echo "== warnings and notes"
cat "$errs"
echo "== $(grep -c '^== ' "$out" || true) pages," \
    "$(grep -c '^  [0-9] ' "$out" || true) sections," \
    "$(grep -c 'warn:' "$errs" || true) warnings"

if [ -n "$questions" ]; then
	echo "== questions: $questions"
	lex=
	[ -f replies/lexicon.txt ] && lex="-x replies/lexicon.txt"
	# shellcheck disable=SC2086
	./bench/guide_dump $lex -T "$@" <"$questions" 2>/dev/null
fi
