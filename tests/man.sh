#!/bin/sh
# man.sh: the man pages cannot drift from the program. secours.yaml(5) lists
# exactly the keys the parser's tables hold (man/config-keys), each with a
# description; secours(8) describes every option of `secours --help`; groff
# renders both without warnings; `make install` puts them, and the unit with
# the configured bindir (Type=notify only in a build with libsystemd), where
# configure said.
SECOURS=${SECOURS:-$(pwd)/secours}
B=${TOP_BUILDDIR:-$(pwd)}
S=${TOP_SRCDIR:-$(pwd)}
T=$(mktemp -d /tmp/man.XXXXXX) || exit 99
trap 'rm -rf "$T"' EXIT
. "$S/tests/lib/tap.sh"
# same_list NAME A B: the two sorted lists are equal, else the difference.
same_list() {
	if cmp -s "$2" "$3"; then ok "$1"
	else not_ok "$1"; diff "$2" "$3" | sed -n 's/^[<>]/  &/p'; fi
}

ASAN_OPTIONS=detect_leaks=0 "$B/man/config-keys" | cut -f1 | sort > "$T/parser"
[ -s "$T/parser" ] && ok "man/config-keys lists $(wc -l < "$T/parser") keys" ||
	not_ok "man/config-keys lists the parser's keys"
sed -n '/^\.SH KEYS/,/^\.SH /{/^\.B /{s/^\.B //;s/\\-/-/g;p}}' \
	"$B/man/secours.yaml.5" | sort > "$T/man"
same_list "secours.yaml(5) lists every key of the parser, and no other" \
	"$T/parser" "$T/man"
grep -v '^#' "$S/man/keys.txt" | grep . | cut -f1 | sort > "$T/described"
same_list "man/keys.txt describes every key of the parser, and no other" \
	"$T/parser" "$T/described"
if grep -q 'Not described yet' "$B/man/secours.yaml.5"; then
	not_ok "no key is left undescribed in secours.yaml(5)"
else ok "no key is left undescribed in secours.yaml(5)"; fi

# Defaults and ranges, as the parser enforces them (spot checks a user
# would make).
grep -A2 '^\.B limits\.max_body$' "$B/man/secours.yaml.5" > "$T/body"
grep -q 'default: 65536; values: 1024\.\.1048576' "$T/body" &&
	ok "limits.max_body: default 65536, 1024..1048576" ||
	{ not_ok "limits.max_body: default 65536, 1024..1048576"; cat "$T/body"; }
grep -A2 '^\.B account\.jid$' "$B/man/secours.yaml.5" | grep -q 'required' &&
	ok "account.jid is marked required" || not_ok "account.jid is marked required"

# secours(8): every long option of --help.
"$SECOURS" --help | grep -o -- '--[a-z][a-z-]*' | sort -u > "$T/opts"
missing=""
for o in $(cat "$T/opts"); do
	esc=$(printf '%s' "$o" | sed 's/-/\\\\-/g')
	grep -q -- "$esc" "$B/man/secours.8" || missing="$missing $o"
done
[ -z "$missing" ] && ok "secours(8) describes every option of --help" ||
	not_ok "secours(8) describes every option of --help (missing:$missing)"

# Both render cleanly.
if command -v groff >/dev/null 2>&1; then
	for p in secours.8 secours.yaml.5; do
		groff -man -ww -z -Tutf8 "$B/man/$p" > "$T/groff" 2>&1
		[ -s "$T/groff" ] && { not_ok "groff renders $p without warnings"
			sed 's/^/  /' "$T/groff"; } ||
			ok "groff renders $p without warnings"
	done
else
	echo "# groff not installed: rendering not checked"
fi

# make install: the man pages and a unit that runs the installed binary.
if make -s -C "$B" install DESTDIR="$T/root" > "$T/install.log" 2>&1; then
	ok "make install DESTDIR=..."
	man8=$(find "$T/root" -path '*/man8/secours.8')
	man5=$(find "$T/root" -path '*/man5/secours.yaml.5')
	[ -n "$man8" ] && [ -n "$man5" ] && ok "make install installs both man pages" ||
		not_ok "make install installs both man pages"
	unit=$(find "$T/root" -name secours.service)
	exe=$(sed -n 's/^ExecStart=\([^ ]*\) .*/\1/p' "$unit" 2>/dev/null)
	[ -n "$exe" ] && [ -x "$T/root$exe" ] &&
		ok "the installed unit's ExecStart= is the installed binary ($exe)" ||
		not_ok "the installed unit's ExecStart= is the installed binary ($exe)"
	cond=$(sed -n 's/^ConditionPathExists=//p' "$unit" 2>/dev/null)
	conf=$(sed -n 's/^ExecStart=[^ ]* -c //p' "$unit" 2>/dev/null)
	[ -n "$cond" ] && [ "$cond" = "$conf" ] &&
		ok "the unit waits for the file it reads ($conf)" ||
		not_ok "the unit waits for the file it reads ($cond, $conf)"
	if grep -q '^#define HAVE_LIBSYSTEMD 1' "$B/ac-config.h"; then
		want="Type=notify"; else want="Type=simple"; fi
	grep -q "^$want\$" "$unit" && ok "the unit is $want, as this build" ||
		not_ok "the unit is $want, as this build"
else
	not_ok "make install DESTDIR=..."; tail -n 20 "$T/install.log"
fi

tap_done
