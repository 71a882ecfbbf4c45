#!/bin/sh
# ask_subject.sh: issue 8's "Done when", through the command line as a user
# would try it. With the default guide (the data dir's replies/), each
# question quoted in the issue gets an answer on its subject or a choice
# that offers it (the reply names one of the expected pages' titles, in any
# language); and a guide with no phrases/ of its own, made here in the
# DFAK's layout (no keywords, headings ending in ":"), never shows a raw
# phrase key, whatever the user types. Run by `make check` with SECOURS,
# TOP_SRCDIR and SECOURS_DATADIR set.
SECOURS=${SECOURS:-$(pwd)/secours}
TOP=${TOP_SRCDIR:-.}
T=$(mktemp -d /tmp/ask_subject.XXXXXX) || exit 99
trap 'rm -rf "$T"' EXIT
. "$TOP/tests/lib/tap.sh"
TAP_SHOW=$T/out

# Does the reply in $T/out answer from, or offer, a page of one of the
# stems given? An answer starts with "Title › Heading"; a choice is a
# line "N) Title › Heading"; a page offered whole ("this page, which
# part?") starts "This looks like: Title. " (in any language).
on_subject() {
	for stem in "$@"; do
		for page in "$TOP/replies/$stem".*.md; do
			title=$(sed -n 's/^title: "\(.*\)"$/\1/p' "$page")
			[ -n "$title" ] || continue
			if sed -n '1,6p' "$T/out" | grep -Fq "$title ›"; then
				return 0
			fi
			if sed -n '1p' "$T/out" | grep -Fq ": $title. "; then
				return 0
			fi
		done
	done
	return 1
}

# ask EXPECTED-STEMS QUESTION: the default guide, as a new user.
ask() {
	stems=$1
	q=$2
	$SECOURS --ask "$q" >"$T/out" 2>"$T/err"
	check "'$q': status 0" [ $? -eq 0 ]
	# shellcheck disable=SC2086
	check "...answers or offers $stems" on_subject $stems
	check "...no raw key" no_raw_key "$T/out"
}

# The questions the issue quotes (the default guide's, then the DFAK
# ones, asked here of replies/).
ask "impersonation" "somebody opened an instagram profile with my name and photos"
ask "phishing" "I tapped on a link in a weird text message from my bank"
ask "website-down" "le site de notre association est inaccessible depuis ce matin"
ask "harassment data-leak" "quelqu'un a mis mon adresse perso sur un forum"
ask "harassment" "je reçois des insultes tous les jours sur twitter"
ask "harassment" "me acosan por whatsapp desde hace semanas"
ask "account-suspended account-access" "twitter locked my account, how do i get it back"
ask "device-lost" "the police confiscated my computer"
ask "verify-fingerprints this-desk" "how can I check the OTR fingerprint of my friend"
ask "website-down" "our site is offline since yesterday"

# A guide in the DFAK's layout, with no phrases/: the bot's sentences come
# from its data dir, in every reply of a whole conversation.
G="$T/guide"
mkdir -p "$G/en" "$G/fr"
cat >"$G/en/Seized.md" <<'EOF'
---
title: "Devices Taken"
language: en
summary: "Your phone or computer was taken by police or at a border."
---

# Devices Taken

Was your device taken by the police, at a border or by a thief?

## Start with some questions:

- When and where was the device taken, and by whom?
- Was it locked, encrypted, switched off?

## If the device is still missing:

- Change the passwords of the accounts it could open, from another device.
- Remove the device from the sessions of your accounts.

## If you get the device back:

- Do not trust it: it may have been opened or changed. Reinstall it or use another one.
EOF
cat >"$G/en/Site.md" <<'EOF'
---
title: "Website Attacks"
language: en
summary: "Your website is offline, slow or defaced."
---

# Website Attacks

A website can be offline because of a bill, a bad update or an attack.

## Diagnostic questions:

- Does the site open from another network, or through Tor?
- Does the hosting company report a problem?

## When the site is flooded:

- Ask the hosting company to filter the traffic, and keep its logs.
EOF
cat >"$G/fr/Seized.md" <<'EOF'
---
title: "Appareils saisis"
language: fr
summary: "Votre téléphone ou votre ordinateur a été pris par la police ou à une frontière."
---

# Appareils saisis

Votre appareil a-t-il été pris par la police, à une frontière ou par un voleur ?

## Si l'appareil n'est pas revenu&nbsp;:

- Changez les mots de passe des comptes qu'il pouvait ouvrir, depuis un autre appareil.

## Si l'appareil vous est rendu&nbsp;:

- Ne lui faites plus confiance : réinstallez-le ou utilisez-en un autre.
EOF
printf '%s\n' "the police took my phone at the border" 1 2 MORE MORE \
    "what is the weather tomorrow" "site" TOPICS 1 2 HELP "LANG fr" \
    "la police a pris mon ordinateur" SUJETS 1 AIDE \
    "quelle est la recette de la blanquette" "LANG es" \
    "la policia se llevo mi telefono" TEMAS AYUDA "zzzz qqqq" >"$T/in"
$SECOURS --console --guide "$G" <"$T/in" >"$T/out" 2>"$T/err"
check "DFAK-style guide, whole console conversation: status 0" [ $? -eq 0 ]
check "...every line got a reply" \
    [ "$(grep -c '^> ' "$T/out")" -eq "$(wc -l <"$T/in")" ]
check "...the page titles are listed by TOPICS" \
    grep -q '^[0-9]) Website Attacks$' "$T/out"
check "...no raw key in any reply" no_raw_key "$T/out"
check "...no headings' &nbsp; shown" sh -c "! grep -q '&nbsp;' '$T/out'"
for q in "the police took my phone at the border" "zzzz qqqq" TOPICS HELP; do
	$SECOURS --ask "$q" --explain --guide "$G" >"$T/out" 2>&1
	check "--ask '$q' --explain on it: no raw key" no_raw_key "$T/out"
done

# A page that answers a question without naming its subject in its title
# or headings (the DFAK's DDoS page for "our site is offline"): its
# sections are offered, not "no good answer" (issue 8 quotes the case).
D="$T/ddos"
mkdir -p "$D/en"
cat >"$D/en/DDoSMitigation.md" <<'EOF'
---
title: "DDoS Mitigation"
language: en
---

# DDoS Mitigation

## Introduction

A denial of service attack floods a website with traffic until it is
offline or unavailable to its visitors.

## Diagnostic information:

- Since when is the site unreachable, and from which networks?
- Does your hosting company see a traffic spike?

## Questions for mitigation services:

- Do they protect civil society websites for free?
EOF
cat >"$D/en/Passwords.md" <<'EOF'
---
title: "Passwords"
language: en
---

# Passwords

## Use a password manager

A password manager keeps a long, different password for each account.
EOF
for q in "our site is offline since yesterday" "our website is unreachable"; do
	$SECOURS --ask "$q" --guide "$D" >"$T/out" 2>&1
	check "'$q', a DDoS page that never says 'site down' in a heading: offered" \
	    grep -qE 'DDoS Mitigation ›|looks like: DDoS Mitigation\.' "$T/out"
done

tap_done
