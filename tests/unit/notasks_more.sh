#!/bin/sh
# notasks_more.sh: a page whose not-asks (guide.h: questions it says it
# does not answer) read like the question answers it in no way: not as
# the first answer (test_search), nor as a section MORE reads after
# another page's answer. Through the console: the question is the backup
# page's not-ask; the stolen-phone page answers it; MORE has nothing more,
# though the backup section scores above the bar. And with the not-asks
# block gone, MORE reads the backup section (so the test can fail). Run
# by `make check` with SECOURS and TOP_SRCDIR set.
SECOURS=${SECOURS:-$(pwd)/secours}
TOP=${TOP_SRCDIR:-.}
T=$(mktemp -d /tmp/notasks_more.XXXXXX) || exit 99
trap 'rm -rf "$T"' EXIT
. "$TOP/tests/lib/tap.sh"
TAP_SHOW=$T/out

mkdir "$T/guide"
cat >"$T/guide/stolen.en.md" <<'PAGE'
---
title: "Stolen phone"
---

# Stolen phone

<!-- asks:
my phone was stolen what do i do
someone stole my phone and my photos
-->

When a phone was stolen: lock the stolen phone from afar, then change
the passwords of your accounts. Photos on a stolen phone are lost unless
a copy exists.
PAGE
cat >"$T/guide/backup.en.md" <<'PAGE'
---
title: "Phone backups"
---

# Phone backups

<!-- asks:
how do i back up my phone
-->

<!-- not-asks:
my phone was stolen can i get my photos back
-->

## Photos of the phone

Copy the photos of the phone to a computer once a week, and check the
copy: you get them back from it.
PAGE

ask() {
	printf '%s\n' 'my phone was stolen, can i get my photos back' MORE |
	    $SECOURS --console --explain --guide "$T/guide" >"$T/out" \
	    2>"$T/err"
}

ask
check "console runs" [ $? -eq 0 ]
check "the stolen-phone page answers" \
    grep -q '^Stolen phone › Introduction$' "$T/out"
check "...the backup section scores above the bar (2nd hit)" \
    awk '/^Search details \(answers need a score of/ {
	    bar = $NF; sub(/\)?:$/, "", bar) }
	/^2\) [0-9.]+ Phone backups/ { if ($2 + 0 >= bar + 0) ok = 1 }
	END { exit !ok }' "$T/out"
check "...but its not-ask refuses it: MORE has nothing more" \
    grep -q "^There's nothing more to show" "$T/out"
check "...and shows no backup text" \
    sh -c '! grep -q "^Copy the photos" "$1"' sh "$T/out"

# The same page without its not-asks block: MORE reads it.
sed '/^<!-- not-asks:$/,/^-->$/d' "$T/guide/backup.en.md" >"$T/b" &&
    mv "$T/b" "$T/guide/backup.en.md"
ask
check "without the not-asks block, MORE reads the backup section" \
    grep -q "^Copy the photos of the phone" "$T/out"
tap_done
