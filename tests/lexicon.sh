#!/bin/sh
# lexicon.sh: the concept lexicon the bot ships (replies/lexicon.txt) passes
# scripts/check-lexicon.py, and the checker refuses broken copies, each for
# the reason it should give. Run by `make check` (TOP_SRCDIR set), or by hand
# from the source tree.

TOP_SRCDIR=${TOP_SRCDIR:-$(pwd)}
PY=/usr/bin/python3
CHECK="$TOP_SRCDIR/scripts/check-lexicon.py"
LEX="$TOP_SRCDIR/replies/lexicon.txt"
T=$(mktemp -d /tmp/lexicon.XXXXXX) || exit 99
trap 'rm -rf "$T"' EXIT
. "$TOP_SRCDIR/tests/lib/tap.sh"

# The shipped lexicon: no error, and the counts line says what it holds.
# Warnings (terms in three blocks, terms made only of stopwords) go to the
# log for whoever edits the lexicon; they do not fail the test.
LANG_DIR="$TOP_SRCDIR/replies/lang"
STOPS=
[ -f "$LANG_DIR/en.txt" ] && STOPS="--stopwords $LANG_DIR"
if "$PY" "$CHECK" $STOPS "$LEX" > "$T/out" 2>&1; then
	ok "replies/lexicon.txt passes the checker"
else
	not_ok "replies/lexicon.txt passes the checker"
	sed 's/^/    /' "$T/out"
fi
blocks=$(sed -n 's/^.*: \([0-9][0-9]*\) blocks (5 subject,.*$/\1/p' "$T/out")
if [ -n "$blocks" ] && [ "$blocks" -ge 150 ]; then
	ok "the lexicon has $blocks concepts, five of them subjects"
else
	not_ok "the lexicon has at least 150 concepts, five of them subjects"
	tail -n 1 "$T/out" | sed 's/^/    /'
fi

sed -n 's/^warning: /    warning: /p' "$T/out"

# concepts LANG QUESTION CONCEPT...: the question, read as the search reads
# it, brings in each CONCEPT (the examples of issue 8).
concepts() {
	lang=$1 q=$2
	shift 2
	if [ -z "$STOPS" ]; then
		skip "'$q' brings in $*" "no language files in replies/lang"
		return
	fi
	"$PY" "$CHECK" $STOPS --match "$lang" "$q" "$LEX" > "$T/match" 2>&1
	missing=
	for c in "$@"; do
		grep -q "^  \[$c[] ]" "$T/match" || missing="$missing $c"
	done
	if [ -z "$missing" ]; then
		ok "'$q' brings in $*"
	else
		not_ok "'$q' brings in $* (missing:$missing)"
		sed 's/^/    /' "$T/match"
	fi
}

concepts en "somebody opened an instagram profile with my name and photos" \
    impersonation instagram account
concepts en "I tapped on a link in a weird text message from my bank" \
    clicked link message bank
concepts fr "le site de notre association est inaccessible depuis ce matin" \
    website site-down
concepts fr "quelqu'un a mis mon adresse perso sur un forum" doxxing
concepts fr "je reçois des insultes tous les jours sur twitter" \
    harassment twitter
concepts es "me acosan por whatsapp desde hace semanas" harassment whatsapp
# A threat of violence in everyday words (s12-rrank): [physical-harm].
concepts fr "un mec menace de venir me frapper" threats physical-harm
concepts en "he said he would beat me up after the protest" physical-harm
concepts es "me escribió que me va a dar una paliza" physical-harm
concepts en "twitter locked my account, how do i get it back" \
    account-suspended account twitter
concepts en "the police confiscated my computer" seized device police
concepts en "how can I check the OTR fingerprint of my friend" \
    key-fingerprint otr
concepts en "our site is offline since yesterday" website site-down
concepts en "what does dns mean" domain-dns definition
# A mailbox said hacked is the account taken over (s17-fixd): alone,
# "email" is a message, and the guide's page on encrypted email came first.
concepts en "my email was hacked" account-hijacked hacked
concepts fr "mon email est piraté" account-hijacked hacked
concepts es "mi email fue hackeado" account-hijacked hacked
# Neighbouring subjects the default guide lacks: each question must bring
# in its key concept, or the search cannot tell that it is not covered.
concepts en "they used my debit card number to buy things" payment-fraud
concepts fr "comment sécuriser ma box internet" router
concepts es "hay cámaras de reconocimiento facial en la plaza" \
    street-cameras
concepts en "is my smart speaker recording us" smart-home
# One question a branch of the taxonomy of neighbouring subjects, as
# people type them, in the three languages.
concepts en "is my fitness tracker sending my heart rate to the company" \
    wearables
concepts fr "mon employeur a mis un logiciel de surveillance sur mon pc" \
    employment
concepts es "perdí la frase semilla de mi billetera" crypto-wallet
concepts en "how do i password protect a pdf" file-encryption
concepts fr "comment enlever les métadonnées de mes photos" photo-metadata
concepts es "mi casero nos quiere desalojar" tenancy
concepts en "someone took a loan in my name" identity-credit
concepts fr "ma montre connectée m'espionne" wearables
concepts es "mi app de menstruación vende mis datos" health-data
concepts en "i forgot the bios password of my laptop" firmware
# Neighbours added for issue 8's uncovered questions: a heading that says
# the question's words in another sense (faces to unlock a phone), a
# covered page's word on another subject (an appeal, a bank, a hearing).
concepts es "como difumino caras en fotos de la protesta" face-blur
concepts en "my asylum application was rejected" asylum
concepts fr "comment effacer mon casier judiciaire" court-procedure
concepts en "the bank froze our ngo's account" bank-account-frozen
concepts es "mi vecino se roba mi wifi" wifi-intruder
concepts fr "où ranger les documents papier de l'association" paper-records
concepts es "como pido medidas cautelares a la cidh" protection-mechanisms
concepts fr "j'ai envoyé un mail au mauvais destinataire" email-recall
# Neighbours added in s11 (2026-12-07): settings and purchases a helpdesk
# hears about that digital first aid does not explain.
concepts en "should i switch on dns over https" encrypted-dns
concepts fr "comment activer le dns chiffré" encrypted-dns
concepts es "mis datos del whois de mi dominio son públicos?" domain-privacy
concepts fr "où trouver une carte sim anonyme" sim-registration
concepts en "how do i harden wordpress against attacks" cms-security
concepts es "en migración me pidieron dar mis huellas" biometric-collection
# Neighbours added in s12-unc3 (2026-12-07): deleted texts brought back,
# a SIM bought unregistered, getting lost oneself, setting up voicemail.
concepts fr "comment récupérer des sms effacés sur mon téléphone" \
    data-recovery
concepts en "where can i buy a sim card without registering it" \
    sim-registration
concepts es "me perdí en una ciudad que no conozco" finding-the-way
concepts en "how do i set up voicemail on my new phone" voicemail-setup
concepts es "cómo configuro el buzón de voz" voicemail-setup

# without LANG QUESTION CONCEPT: the question does not bring in CONCEPT. A
# concept of everyday adverbs pulls any question that uses them: remote
# help is help from afar, not anything done from afar (wiping a lost phone
# is remote-wipe's).
without() {
	lang=$1 q=$2 c=$3
	if [ -z "$STOPS" ]; then
		skip "'$q' does not bring in $c" "no language files in replies/lang"
		return
	fi
	"$PY" "$CHECK" $STOPS --match "$lang" "$q" "$LEX" > "$T/match" 2>&1
	if grep -q "^  \[$c[] ]" "$T/match"; then
		not_ok "'$q' does not bring in $c"
		sed 's/^/    /' "$T/match"
	else
		ok "'$q' does not bring in $c"
	fi
}

without en "how do i wipe my stolen phone from far away" remote-help
without fr "je peux effacer mon tel de loin ?" remote-help
without es "puedo borrar mi celular robado desde lejos" remote-help
concepts en "can you help me remotely with my laptop" remote-help
# Terms that shrank to one everyday word once stopwords went ("who is on
# my wifi" and "using my wifi without" were "wifi"); "capturado" (arrested)
# is also "captura" (a screenshot).
without en "my wifi is slow" wifi-intruder
concepts en "someone is stealing my wifi" wifi-intruder
without es "tomé una captura de pantalla del mensaje" arrest
concepts es "a mi hermano lo detuvieron ayer" arrest
concepts fr "quelqu'un peut m'aider à distance" remote-help
concepts es "necesito ayuda remota con mi compu" remote-help
# "*" terms are compared as typed, not stemmed: Spanish "autoridades" is
# "autor" once stemmed, and a participle's stem is its verb's ("deleted
# my account" by the platform, "delete my account" by oneself).
without es "quién es el autor de este artículo" government
concepts es "las autoridades se llevaron mi compu" government
without en "how do i delete my account" account-suspended
# A SIM registered to one's name is covered (private-channels); buying
# one without registering it is not.
without es "mi chip está registrado a mi nombre?" sim-registration
concepts en "instagram deleted my account without warning" \
    account-suspended
# The ways people type what happened to them (s14-lexw): verbs in the
# forms of a chat, SMS forms, nicknames, and words that must not mean a
# concept. Expressions where stopwords carry the sense ("got into my",
# "sait où je suis"); Spanish "metieron" stems like "meta" (Facebook's
# owner, now compared as typed).
concepts es "se metieron en mi cuenta de insta" account-hijacked instagram
without es "se metieron en mi cuenta" facebook
concepts fr "ils sont rentrés dans mon compte" account-hijacked
concepts en "someone got into my email" account-hijacked
concepts en "i can't log in to my gmail" lost-access google
concepts fr "je peux plus me connecter à mon insta" lost-access instagram
concepts es "me chorearon el celu en el bondi" stolen phone
concepts fr "on m'a taxé mon portable" stolen phone
without fr "j'ai oublié mon téléphone dans le taxi" stolen
concepts fr "mon cellulaire chauffe" phone device-symptoms
concepts en "my phone suddenly has no signal" sim-swap
concepts en "they know where i live" doxxing
concepts fr "il sait où je suis" location-tracking
# Overlapping expressions (s18-fixlx): the longer one claims the words,
# wherever its block stands. "faire appel à" (to call on someone, in
# [other-sense]) is not the "faire appel" of [appeal], which comes first.
without fr "on a fait appel à un prestataire pour notre site" appeal
concepts fr "on a fait appel à un prestataire pour notre site" other-sense
concepts fr "comment faire appel auprès de la plateforme" appeal

# no_neighbour LANG QUESTION: a covered question that names a neighbouring
# subject only as context (when, where, who) brings in no concept of the
# lexicon's neighbouring part, else its best page lacks that key concept
# and the person gets choices instead of the answer.
NEIGHBOURS=$(awk '/^# Neighbouring subjects/ { f = 1 }
    f && /^\[/ { sub(/^\[/, ""); sub(/[] ].*$/, ""); print }' "$LEX")
no_neighbour() {
	lang=$1 q=$2
	if [ -z "$STOPS" ]; then
		skip "'$q' brings in no neighbouring subject" \
		    "no language files in replies/lang"
		return
	fi
	"$PY" "$CHECK" $STOPS --match "$lang" "$q" "$LEX" > "$T/match" 2>&1
	found=
	for c in $(sed -n 's/^  \[\([a-z0-9-]*\).*$/\1/p' "$T/match"); do
		for nb in $NEIGHBOURS; do
			[ "$c" = "$nb" ] && found="$found $c"
		done
	done
	if [ -z "$found" ] && [ -n "$NEIGHBOURS" ]; then
		ok "'$q' brings in no neighbouring subject"
	else
		not_ok "'$q' brings in no neighbouring subject (got:$found)"
	fi
}

no_neighbour en "my friend was arrested abroad and the embassy is not \
helping, can we lock his accounts"
no_neighbour en "i am a journalist in a war zone, how do i check a signal \
safety number"
no_neighbour es "después de la sentencia me acosan en twitter"
no_neighbour fr "on m'a volé mon téléphone pendant la coupure de courant"
no_neighbour en "someone shared a blurred photo of me naked and threatens \
to post the real one"
no_neighbour es "di el código de whatsapp a la persona equivocada y perdí \
la cuenta"
no_neighbour en "the police stopped and searched me and took my phone"
no_neighbour fr "mon pc affiche un écran noir et demande une rançon"
no_neighbour en "after i testified in court my email was hacked"
no_neighbour es "me robaron el celular con la batería externa"
no_neighbour en "someone cloned our website after we registered our ngo"
no_neighbour en "my phone was stolen, should i buy a sim card with the \
same number"
no_neighbour en "should i back up my phone before i reset it"
no_neighbour es "me detuvieron y me tomaron las huellas"
no_neighbour en "our site went down after we installed a security plugin"
no_neighbour es "perdí el celular en una ciudad extranjera, qué hago"
no_neighbour en "someone hacked my voicemail and took over my whatsapp"
no_neighbour fr "on m'a volé mon portable, je dois racheter une carte sim ?"

# Who is involved (a boss, a union), where a theft happened, a brand and
# a past participle are context (s12-miss): "leaked to the press" is a
# leak, "leak to the press" whistleblowing.
no_neighbour es "detuvieron a mi jefe"
no_neighbour fr "mon patron a été arrêté hier"
no_neighbour es "se llevaron detenido a un compañero del sindicato"
no_neighbour en "our internal documents were leaked to the press"
no_neighbour es "filtraron a la prensa nuestros documentos internos"
no_neighbour en "laptop stolen from my car, all my accounts were logged in"
no_neighbour en "i use mpesa on the phone that got stolen"
no_neighbour en "my laptop was at the repair shop for a week, can i trust it"
concepts en "my laptop was at the repair shop for a week" untrusted-device
concepts en "how do i leak documents to the press safely" whistleblowing
concepts es "quiero filtrar documentos a la prensa" whistleblowing
concepts es "recibo llamadas de números desconocidos" unknown-calls
without es "me mandan amenazas desde números desconocidos" unknown-calls
concepts en "my boss installed bossware on my laptop" employment
# Expressions (s13-rfix): terms in quotes, every word counted, stopwords
# too; "passer" alone is not impersonation.
concepts fr "quelqu'un se fait passer pour moi sur facebook" \
    impersonation facebook
concepts es "alguien se hace pasar por mí en instagram" impersonation
concepts fr "un mail dit que mon compte sera fermé si je clique pas" not-done
without fr "je dois passer pour récupérer mon mot de passe" impersonation
# "$": a clause ends there; folded "sûr" is the stopword "sur".
concepts fr "est ce que whatsapp est sur ?" security
without fr "mon nom est sur facebook" security
# s16-fixw: a device that acts by itself is a sign, not one of the slow,
# hot or noisy devices "What is usually not a sign" reassures about; a
# named spyware is malware too (a guide's malware page answers it); a
# forgotten computer code is the uncovered neighbour, not a lost device.
concepts en "the light of my webcam turns on by itself" acts-by-itself
without en "the light of my webcam turns on by itself" device-symptoms
concepts fr "le voyant de ma webcam s'allume tout seul" acts-by-itself
without fr "le voyant de ma webcam s'allume tout seul" device-symptoms
concepts es "la luz de la cámara se prende sola" acts-by-itself
without es "la luz de la cámara se prende sola" device-symptoms
concepts en "my phone is slow and the battery drains" device-symptoms
concepts en "i think i have pegasus on my phone" spyware malware
concepts fr "j'ai oublié le code de mon ordi" forgot-device-code
concepts es "olvidé la contraseña de mi compu" forgot-device-code

# No concept of the neighbouring subjects is carried by a page of the
# default guide (else its questions have nothing to miss), except those
# named here with the reason: data-leak tells what to do when card
# details leaked; French "imprimez" (verify-fingerprints) has the stem of
# "imprimante", and that page is never a printer question's best one;
# device-suspicious names the tracker (an AirTag) a partner may hide in a
# bag or a car, in the partner section's text only (s15-fixp); phishing's
# "Signs of a trap" carries [platform-claim] on purpose: a message that
# claims to come from the platform's support is the sign (s19-rrank2).
if [ -z "$STOPS" ]; then
	skip "no neighbouring subject is carried by a replies/ page" \
	    "no language files in replies/lang"
else
	"$PY" "$CHECK" $STOPS --pages "$TOP_SRCDIR/replies" "$LEX" \
	    > "$T/carried" 2>&1
	status=$?
	grep -v -e '^carried: \[payment-fraud\] data-leak\.' \
	    -e '^carried: \[printer\] verify-fingerprints\.fr\.md (imprimante)$' \
	    -e '^carried: \[physical-tracker\] device-suspicious\.' \
	    -e '^carried: \[platform-claim\] phishing\.' \
	    "$T/carried" > "$T/unexpected"
	if [ "$status" -eq 0 ] && [ ! -s "$T/unexpected" ]; then
		ok "no neighbouring subject is carried by a replies/ page"
	else
		not_ok "no neighbouring subject is carried by a replies/ page \
(exit $status)"
		sed 's/^/    /' "$T/unexpected"
	fi
	# ...and the check sees a collision: a page that names one.
	mkdir "$T/guide"
	printf '# Printers\n\nOur office printer is on the wifi.\n' \
	    > "$T/guide/printers.en.md"
	if "$PY" "$CHECK" $STOPS --pages "$T/guide" "$LEX" 2>&1 |
	    grep -q '^carried: \[printer\] printers\.en\.md (printer)$'; then
		ok "--pages names the concept a page carries, and the term"
	else
		not_ok "--pages names the concept a page carries, and the term"
	fi
	# ...but not in a page's asks: the search leaves them out of what a
	# page carries; and an asks block left open is an error, named.
	mkdir "$T/asked"
	# asked NAME STATUS [TEXT]: $T/asked/phones.en.md, checked with
	# --pages, exits STATUS and prints TEXT (without TEXT: carries
	# nothing).
	asked() {
		"$PY" "$CHECK" $STOPS --pages "$T/asked" "$LEX" > "$T/out" 2>&1
		status=$?
		if [ -n "$3" ]; then
			grep -q "$3" "$T/out"
		else
			! grep -q '^carried:' "$T/out"
		fi
		if [ $? -eq 0 ] && [ "$status" -eq "$2" ]; then
			ok "$1"
		else
			not_ok "$1 (exit $status)"
			sed 's/^/    /' "$T/out"
		fi
	}
	page=phones.en.md
	printf '# Phones\n\n<!-- asks:\ncan my printer spy on me\n-->\n\n%s\n' \
	    'Lock your phone.' > "$T/asked/$page"
	asked "--pages leaves a page's asks out" 0
	printf '# Phones\n\n<!-- not-asks:\nmy printer prints by itself\n-->\n\n%s\n' \
	    'Lock your phone.' > "$T/asked/$page"
	asked "--pages leaves a page's not-asks out" 0
	printf '# Phones\n\n<!-- NOT-ASKS:\nmy printer prints by itself\n\n%s\n' \
	    'Lock your phone.' > "$T/asked/$page"
	asked "--pages: a not-asks block left open is an error" 1 \
	    "$page:3: not-asks block not closed with '-->'"
	printf '# Phones\n\n<!-- asks:\ncan my printer spy on me\n\n%s\n' \
	    'Lock your phone.' > "$T/asked/$page"
	asked "--pages: an asks block left open is an error" 1 \
	    "$page:3: asks block not closed with '-->'"
fi

# broken NAME EXPECTED_ERROR_TEXT: $T/bad.txt must fail with that error.
broken() {
	"$PY" "$CHECK" --quiet "$T/bad.txt" > "$T/out" 2>&1
	status=$?
	if [ "$status" -eq 1 ] && grep -q "^error: .*$2" "$T/out"; then
		ok "refused: $1"
	else
		not_ok "refused: $1 (exit $status, want 1 and '$2')"
		sed 's/^/    /' "$T/out"
	fi
}

# A copy of the real lexicon with one line appended or one edit made, so
# that each case has exactly one thing wrong.
cp "$LEX" "$T/good.txt"
if "$PY" "$CHECK" --quiet "$T/good.txt" > "$T/out" 2>&1; then
	ok "an unchanged copy passes"
else
	not_ok "an unchanged copy passes"
	sed 's/^/    /' "$T/out"
fi

{ cat "$T/good.txt"; printf '[lonely urgent]\nen: lonely\n'; } > "$T/bad.txt"
broken "an unknown tag" "unknown tag 'urgent'"

{ cat "$T/good.txt"; printf '[Bad_Name]\nen: thing\n'; } > "$T/bad.txt"
broken "a bad block name" "bad block name 'Bad_Name'"

{ cat "$T/good.txt"; printf '[twice]\nen: laptop, Laptops\n'; } > "$T/bad.txt"
broken "the same term twice in a block (after folding and stemming)" \
    "'Laptops' (en) in \[twice\] is the same term as 'laptop'"

{ cat "$T/good.txt"; printf '[dutch]\nnl: rekenaar\n'; } > "$T/bad.txt"
broken "an unknown language" "unknown language 'nl'"

{ cat "$T/good.txt"; printf '[holes]\nen: one, , two\n'; } > "$T/bad.txt"
broken "an empty term" "empty term in \[holes\]"

{ cat "$T/good.txt"; printf '[empty]\n'; } > "$T/bad.txt"
broken "a block without terms" "block \[empty\] has no terms"

{ cat "$T/good.txt"; printf '[phone]\nen: mobile\n'; } > "$T/bad.txt"
broken "a block defined twice" "block \[phone\] already defined"

{ cat "$T/good.txt"; printf '[gadget subject]\nen: gizmo\n'; } > "$T/bad.txt"
broken "a sixth subject" "subject blocks are"

sed 's/^\[website subject\]$/[website]/' "$T/good.txt" > "$T/bad.txt"
broken "a missing subject" "subject blocks are"

{ printf 'en: orphan\n'; cat "$T/good.txt"; } > "$T/bad.txt"
broken "terms before any block" "terms before any \[block\]"

{ cat "$T/good.txt"; printf '[noise]\nthis line means nothing\n'; } \
    > "$T/bad.txt"
broken "a line that is not a term line" "not a comment"

{ cat "$T/good.txt"; printf '[letters]\nen: x\n'; } > "$T/bad.txt"
broken "a term the search cannot see" "only one-letter"

{ cat "$T/good.txt"; printf '[latin1]\nfr: t\351l\351phone\n'; } \
    > "$T/bad.txt"
broken "a file that is not UTF-8" "not UTF-8"

tap_done
