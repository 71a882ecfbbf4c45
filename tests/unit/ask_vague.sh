#!/bin/sh
# ask_vague.sh: what the guide does not cover, or a subject alone, gets no
# confident answer (s18-fixun, from qa18's probe): through the command
# line as a user would try it, with the default guide (the data dir's
# replies/). A subject with no situation ("my account", "phone") gets
# choices from more than one page; a question on what the law allows
# gets choices; an uncovered question that shares a word or a brand with
# a section is not answered with it; and the questions a lexicon
# collision took away are answered. Run by `make check` with SECOURS,
# TOP_SRCDIR and SECOURS_DATADIR set.
SECOURS=${SECOURS:-$(pwd)/secours}
TOP=${TOP_SRCDIR:-.}
T=$(mktemp -d /tmp/ask_vague.XXXXXX) || exit 99
trap 'rm -rf "$T"' EXIT
. "$TOP/tests/lib/tap.sh"
TAP_SHOW=$T/out

# The first line of an answer is "Title › Heading"; choices and "no good
# answer" open with a sentence, their sections numbered "N) Title ›".
answered() {
	sed -n '1p' "$T/out" | grep -q ' › '
}

# How many pages the numbered lines name (their titles, before " › ").
pages_listed() {
	sed -n 's/^[0-9]) \(.*\) › .*/\1/p' "$T/out" | sort -u | wc -l
}

ask() {
	$SECOURS --ask "$1" >"$T/out" 2>"$T/err"
	check "'$1': status 0" [ $? -eq 0 ]
}

# A subject alone: choices, from two pages or more.
for q in "my account" "phone" "jai un probleme avec mon tel" "mi celular" \
    "my laptop"; do
	ask "$q"
	check "...not answered with one section" sh -c "! sed -n 1p '$T/out' | grep -q ' › '"
	check "...choices from two pages or more" [ "$(pages_listed)" -ge 2 ]
done

# A situation, even in few words, is still answered.
for q in "my phone was stolen" "mon compte est piraté" \
    "me estan acosando en redes sociales" "les sms c'est securise?"; do
	ask "$q"
	check "...answered" answered
done

# What the law allows: choices, never one section.
for q in "can the police legally force me to unlock my phone in germany" \
    "quels sont mes droits si la police me controle dans la rue"; do
	ask "$q"
	check "...not answered with one section" sh -c "! sed -n 1p '$T/out' | grep -q ' › '"
done

# What the law allows, in a situation the guide covers: never "no good
# answer", but choices under a head that says the guide can't say what
# the law allows, the practical section among the first lines (s18-fixlaw,
# from qa18's second look: the law words were the question's key concept,
# carried by no page, so every section lacked it).
law_ask() {
	ask "$1"
	check "...not 'no good answer'" sh -c "! sed -n 1p '$T/out' | grep -q \
	    -e \"good answer\" -e \"bonne réponse\" -e \"buena respuesta\""
	check "...'$2' among the first lines" sh -c "sed -n 1,4p '$T/out' |
	    grep -qF -- '› $2'"
	check "...says the guide can't say what the law allows" sh -c \
	    "sed -n 1p '$T/out' | grep -q -e 'law allows' -e 'la loi permet' \
	    -e 'permite la ley'"
}
law_ask "est-il légal que mon mari lise mes messages" \
    "Si un conjoint ou un ex espionne peut-être votre téléphone"
law_ask "is it illegal for my partner to install spyware on my phone" \
    "If a partner or ex may be spying on your phone"
law_ask "es legal que mi ex instale una app espia en mi cel" \
    "Si tu pareja o tu ex podría estar espiando tu teléfono"
law_ask "can the police legally take my phone at the border" \
    "Before you cross a border"
law_ask "the police took my phone, what are my legal rights" \
    "If the police took your device"

# Uncovered, sharing a word or a brand with a section: not answered.
for q in "how to recover deleted whatsapp messages" \
    "comment recuperer des messages whatsapp supprimés" \
    "how to block a number on my iphone" \
    "how to make a website with wordpress" \
    "can i get a refund from a scammer through my bank"; do
	ask "$q"
	check "...not answered with one section" sh -c "! sed -n 1p '$T/out' | grep -q ' › '"
done

# A takeover's sign and a stolen SIM, once read as BIOS and a bank card:
# answered with the right section.
ask "twitter account hacked, bio changed to bitcoin giveaway"
check "...Recover a Facebook, Instagram or X account" \
    grep -q '^I lost access to my account, or it was hacked › Recover a Facebook, Instagram or X account$' "$T/out"
ask "my sim card was stolen with the phone, someone could get my codes"
check "...Your SIM card and phone number" \
    grep -q '^My phone or laptop was lost, stolen or taken › Your SIM card and phone number$' "$T/out"

tap_done
