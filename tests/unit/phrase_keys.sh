#!/bin/sh
# phrase_keys.sh: every phrase key the bot's code names exists in the
# English phrase files (the required set, see phrases_require()), so that
# no reply can ever show a raw key. Keys are the string literals of bot.c,
# daemon.c and console.c made of lower-case words joined by '_', and the
# literal passed to P(), say_key(), add_key(), add_line() or
# phrases_render().
set -u
top=${TOP_SRCDIR:-.}
en="$top/replies/phrases/en.txt"
for f in "$en" "$top/src/bot.c"; do
	[ -r "$f" ] || { echo "not ok 1 - $f is missing"; echo 1..1; exit 1; }
done
keys=$( (grep -ohE '"[a-z]+(_[a-z]+)+"' "$top/src/bot.c" \
    "$top/src/daemon.c" "$top/src/console.c"
    grep -ohE '(\bP|say_key)\(t, "[a-z_]+"|(add_key|add_line)\(t, &[a-z]+, "[a-z_]+"|phrases_render\([^;]*"[a-z_]+"' \
    "$top"/src/*.c | grep -oE '"[a-z_]+"$') | tr -d '"' | sort -u)
n=0
fail=0
for k in $keys; do
	n=$((n + 1))
	if cat "$top"/replies/phrases/*en.txt | grep -qx "\[$k\]"; then
		echo "ok $n - [$k] is in the English phrases"
	else
		echo "not ok $n - [$k] is used by the code but missing in $en"
		fail=1
	fi
done
[ "$n" -gt 20 ] || { n=$((n + 1)); echo "not ok $n - found only $n keys"; fail=1; }
echo "1..$n"
exit $fail
