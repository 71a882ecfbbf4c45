/*
 * lang: the table of languages, their words as data (DATADIR/lang/CODE.txt),
 * folding, word splitting, stopwords and language detection (see lang.h).
 */
#include "ac-config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <unicase.h>
#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>

#include <libstemmer.h>

#include "lang.h"
#include "lexicon.h"
#include "log.h"
#include "util.h"

#define WORD_MAX	LANG_WORD_MAX
#define LOADED_MAX	32	/* languages with a file (bits of a mask) */
#define FILE_MAX	(256 * 1024)
#define ITEM_MAX	200	/* bytes of one item */

/*
 * The languages the bot recognises, one row each. The first rows are in
 * the order a plaintext notice lists its languages; the rest follow in
 * code order. stemmer: a libstemmer algorithm, NULL when it has none.
 */
static const struct lang_row rows[] = {
	{ .code = "en", .name = "English",	.stemmer = "english" },
	{ .code = "fr", .name = "French",	.stemmer = "french" },
	{ .code = "es", .name = "Spanish",	.stemmer = "spanish" },
	{ .code = "de", .name = "German",	.stemmer = "german" },
	{ .code = "it", .name = "Italian",	.stemmer = "italian" },
	{ .code = "pt", .name = "Portuguese",	.stemmer = "portuguese" },
	{ .code = "ar", .name = "Arabic",	.stemmer = "arabic" },
	{ .code = "ru", .name = "Russian",	.stemmer = "russian" },
	{ .code = "fa", .name = "Persian",	.stemmer = NULL },
	{ .code = "tr", .name = "Turkish",	.stemmer = "turkish" },
	{ .code = "bg", .name = "Bulgarian",	.stemmer = NULL },
	{ .code = "bn", .name = "Bengali",	.stemmer = NULL },
	{ .code = "ca", .name = "Catalan",	.stemmer = "catalan" },
	{ .code = "cs", .name = "Czech",	.stemmer = NULL },
	{ .code = "da", .name = "Danish",	.stemmer = "danish" },
	{ .code = "el", .name = "Greek",	.stemmer = "greek" },
	{ .code = "et", .name = "Estonian",	.stemmer = NULL },
	{ .code = "fi", .name = "Finnish",	.stemmer = "finnish" },
	{ .code = "he", .name = "Hebrew",	.stemmer = NULL },
	{ .code = "hi", .name = "Hindi",	.stemmer = "hindi" },
	{ .code = "hr", .name = "Croatian",	.stemmer = NULL },
	{ .code = "hu", .name = "Hungarian",	.stemmer = "hungarian" },
	{ .code = "id", .name = "Indonesian",	.stemmer = "indonesian" },
	{ .code = "ja", .name = "Japanese",	.stemmer = NULL },
	{ .code = "ko", .name = "Korean",	.stemmer = NULL },
	{ .code = "lt", .name = "Lithuanian",	.stemmer = "lithuanian" },
	{ .code = "lv", .name = "Latvian",	.stemmer = NULL },
	{ .code = "my", .name = "Burmese",	.stemmer = NULL },
	{ .code = "nl", .name = "Dutch",	.stemmer = "dutch" },
	{ .code = "no", .name = "Norwegian",	.stemmer = "norwegian" },
	{ .code = "pl", .name = "Polish",	.stemmer = NULL },
	{ .code = "ps", .name = "Pashto",	.stemmer = NULL },
	{ .code = "ro", .name = "Romanian",	.stemmer = "romanian" },
	{ .code = "sk", .name = "Slovak",	.stemmer = NULL },
	{ .code = "sl", .name = "Slovenian",	.stemmer = NULL },
	{ .code = "sq", .name = "Albanian",	.stemmer = NULL },
	{ .code = "sr", .name = "Serbian",	.stemmer = "serbian" },
	{ .code = "sv", .name = "Swedish",	.stemmer = "swedish" },
	{ .code = "sw", .name = "Swahili",	.stemmer = NULL },
	{ .code = "th", .name = "Thai",		.stemmer = NULL },
	{ .code = "uk", .name = "Ukrainian",	.stemmer = NULL },
	{ .code = "ur", .name = "Urdu",		.stemmer = NULL },
	{ .code = "vi", .name = "Vietnamese",	.stemmer = NULL },
	{ .code = "zh", .name = "Chinese",	.stemmer = NULL },
};

/* How the items of a key are used. */
enum key_use {
	USE_MATCH,	/* compared folded with what people type */
	USE_SHOW,	/* shown as written (weekday names) */
	USE_STOP,	/* stopwords: dropped, and evidence of the language */
	USE_HINT,	/* evidence of the language, kept */
	USE_ELISION,	/* cut before an apostrophe ("l'", "qu'") */
};

/*
 * Every key a language file may have. required: English must have it
 * (the code asks for it); other languages may leave any key out.
 */
static const struct lang_key {
	const char	*name;
	enum key_use	 use;
	int		 required;
	const char	*doc;
	size_t		 count;		/* items it must have; 0: any */
} keys[] = {
	{ .name = "cmd.help", .use = USE_MATCH, .required = 1,
	    .doc = "HELP" },
	{ .name = "cmd.topics", .use = USE_MATCH, .required = 1,
	    .doc = "TOPICS" },
	{ .name = "cmd.more", .use = USE_MATCH, .required = 1,
	    .doc = "MORE" },
	{ .name = "cmd.fingerprint", .use = USE_MATCH, .required = 1,
	    .doc = "FINGERPRINT" },
	{ .name = "cmd.verify", .use = USE_MATCH, .required = 1,
	    .doc = "VERIFY" },
	{ .name = "cmd.status", .use = USE_MATCH, .required = 1,
	    .doc = "STATUS" },
	{ .name = "cmd.stop", .use = USE_MATCH, .required = 1,
	    .doc = "STOP" },
	{ .name = "cmd.lang", .use = USE_MATCH, .required = 1,
	    .doc = "LANG xx" },
	{ .name = "cmd.lang_name", .use = USE_MATCH, .required = 1,
	    .doc = "words that choose this language" },
	{ .name = "cmd.human", .use = USE_MATCH, .required = 1,
	    .doc = "HUMAN" },
	{ .name = "cmd.yes", .use = USE_MATCH, .required = 1,
	    .doc = "YES; also starts a yes" },
	{ .name = "cmd.yes_short", .use = USE_MATCH, .required = 1,
	    .doc = "yes, only while a question waits" },
	{ .name = "cmd.no", .use = USE_MATCH, .required = 1,
	    .doc = "NO; also starts a no" },
	{ .name = "cmd.no_short", .use = USE_MATCH, .required = 1,
	    .doc = "no, only while a question waits" },
	{ .name = "cmd.cancel", .use = USE_MATCH, .required = 1,
	    .doc = "CANCEL" },
	{ .name = "cmd.hello", .use = USE_MATCH, .required = 1,
	    .doc = "a greeting" },
	{ .name = "cmd.thanks", .use = USE_MATCH, .required = 1,
	    .doc = "thanks" },
	{ .name = "cmd.ack", .use = USE_MATCH, .required = 1,
	    .doc = "an acknowledgement (ok, d'accord, vale)" },
	{ .name = "cmd.bye", .use = USE_MATCH,
	    .doc = "a farewell (bye, au revoir, adiós): with thanks and "
	    "acknowledgements, what thanks gets" },
	{ .name = "cmd.back", .use = USE_MATCH,
	    .doc = "BACK: the last numbered list again" },
	{ .name = "human", .use = USE_MATCH, .required = 1,
	    .doc = "ways of asking for a person" },
	{ .name = "human.want", .use = USE_MATCH,
	    .doc = "one word of a wish (want, veux, quiero): with a "
	    "human.who word, you.talk, human.filler words and stopwords "
	    "only, a message asks for a person (HUMAN)" },
	{ .name = "human.who", .use = USE_MATCH,
	    .doc = "one word naming a person to talk to (person, quelqu, "
	    "alguien)" },
	{ .name = "human.filler", .use = USE_MATCH,
	    .doc = "one word such a wish may also hold (real, vrai, verdad, "
	    "please)" },
	{ .name = "human.not", .use = USE_MATCH,
	    .doc = "a word that negates such a wish (don't, pas, no): no "
	    "HUMAN" },
	{ .name = "lang.ask", .use = USE_MATCH,
	    .doc = "words beside a language's name (cmd.lang_name) that ask "
	    "for it (in, please, en, svp, por favor): that language" },
	{ .name = "consent.again", .use = USE_MATCH,
	    .doc = "a yes said again (actually yes): after a NO to consent, "
	    "YES" },
	{ .name = "consent.add", .use = USE_MATCH,
	    .doc = "opens words added to what consent would send (also, "
	    "wait)" },
	{ .name = "follow", .use = USE_MATCH,
	    .doc = "opens a follow-up of the last question" },
	{ .name = "split.also", .use = USE_MATCH,
	    .doc = "joins two subjects in one message (and, et aussi, y "
	    "tambien): the bot searches each side alone" },
	{ .name = "you", .use = USE_MATCH,
	    .doc = "words that address the bot (your, ton, tu): the search "
	    "reads them as naming the lexicon's addressed concept" },
	{ .name = "you.polite", .use = USE_MATCH,
	    .doc = "before a [you] word, politeness (can you, pouvez-vous): "
	    "that word does not address the bot" },
	{ .name = "you.what", .use = USE_MATCH,
	    .doc = "with a [you] word and stopwords only, asks what the bot "
	    "is (are you a bot, tu es humain): the bot says it" },
	{ .name = "you.ask", .use = USE_MATCH,
	    .doc = "with a [you] word and nothing else, asks who the bot is "
	    "(who are you, qui es-tu, are you there): the bot says it" },
	{ .name = "follow.more", .use = USE_MATCH,
	    .doc = "MORE when a reading is open, else a follow-up" },
	{ .name = "follow.next", .use = USE_MATCH,
	    .doc = "words of what comes next (next, step): with stopwords "
	    "only, a follow.more message" },
	{ .name = "you.talk", .use = USE_MATCH,
	    .doc = "talking to the bot (talking, parle, hablo): with "
	    "stopwords only, a question about the bot" },
	{ .name = "pointer.above", .use = USE_MATCH,
	    .doc = "words of a text pointing back (above, ci-dessus): "
	    "a closing part saying so is not shown first" },
	{ .name = "follow.narrow", .use = USE_MATCH,
	    .doc = "a platform, a device, whose it is (android, work, ex): "
	    "a short message of these says which one, a follow-up" },
	{ .name = "follow.filler", .use = USE_MATCH,
	    .doc = "words such a message may also hold (actually, en fait)" },
	{ .name = "follow.failed", .use = USE_MATCH,
	    .doc = "the advice failed: HUMAN offered, no search" },
	{ .name = "consent.unsure", .use = USE_MATCH,
	    .doc = "heard, not a yes: consent asked again" },
	{ .name = "consent.yes_plain", .use = USE_MATCH,
	    .doc = "after a yes, words that add nothing to send" },
	{ .name = "consent.yes", .use = USE_MATCH,
	    .doc = "a whole message that says yes (yep, vas-y, dale): YES" },
	{ .name = "request.drop", .use = USE_MATCH,
	    .doc = "a whole message of these says a waiting request is not "
	    "needed (never mind): how to CANCEL it" },
	{ .name = "request.when", .use = USE_MATCH,
	    .doc = "a whole message of these asks when a waiting request "
	    "is answered (anyone there): where it stands" },
	{ .name = "request.when_alone", .use = USE_MATCH,
	    .doc = "a whole message asking when a waiting request is "
	    "answered (how long): where it stands" },
	{ .name = "consent.but", .use = USE_MATCH,
	    .doc = "after a yes, words opening a condition (not now, but wait): "
	    "nothing sent, consent asked again" },
	{ .name = "number.prefix", .use = USE_MATCH,
	    .doc = "before a list number: #, n°, number" },
	{ .name = "number.words", .use = USE_SHOW,
	    .doc = "line n: words for n (two second 2nd)" },
	{ .name = "helper.queue", .use = USE_MATCH, .required = 1,
	    .doc = "helper: QUEUE" },
	{ .name = "helper.claim", .use = USE_MATCH, .required = 1,
	    .doc = "helper: CLAIM n" },
	{ .name = "helper.talk", .use = USE_MATCH, .required = 1,
	    .doc = "helper: TALK n" },
	{ .name = "helper.close", .use = USE_MATCH, .required = 1,
	    .doc = "helper: CLOSE n" },
	{ .name = "helper.trust", .use = USE_MATCH, .required = 1,
	    .doc = "helper: TRUST n" },
	{ .name = "helper.who", .use = USE_MATCH, .required = 1,
	    .doc = "helper: WHO" },
	{ .name = "helper.duty", .use = USE_MATCH, .required = 1,
	    .doc = "helper: DUTY [on|off|auto]" },
	{ .name = "helper.case", .use = USE_MATCH, .required = 1,
	    .doc = "helper: CASE n" },
	{ .name = "helper.help", .use = USE_MATCH, .required = 1,
	    .doc = "helper: HELP" },
	{ .name = "helper.on", .use = USE_MATCH, .required = 1,
	    .doc = "DUTY on" },
	{ .name = "helper.off", .use = USE_MATCH, .required = 1,
	    .doc = "DUTY off" },
	{ .name = "helper.auto", .use = USE_MATCH, .required = 1,
	    .doc = "DUTY auto" },
	{ .name = "weekdays", .use = USE_SHOW, .required = 1, .count = 7,
	    .doc = "Monday to Sunday, as shown" },
	{ .name = "stopwords", .use = USE_STOP, .required = 1,
	    .doc = "dropped from questions" },
	{ .name = "hints", .use = USE_HINT,
	    .doc = "tell the language, kept" },
	{ .name = "hints.pairs", .use = USE_MATCH,
	    .doc = "two words together that tell the language whatever "
	    "each is alone (tu es, es-tu): they count for it only" },
	{ .name = "elisions", .use = USE_ELISION,
	    .doc = "cut before an apostrophe" },
	{ .name = "near", .use = USE_SHOW, .count = 1,
	    .doc = "the language to answer in when the desk does not speak "
	    "this one (pt: es); none: the default" },
	{ .name = "branch.if", .use = USE_MATCH,
	    .doc = "a heading's first word that makes it a branch (search)" },
	{ .name = "branch.not", .use = USE_MATCH,
	    .doc = "words that negate a branch or a question (search)" },
	{ .name = "branch.still", .use = USE_MATCH,
	    .doc = "words that say a state goes on (search)" },
	{ .name = "ask.define", .use = USE_MATCH,
	    .doc = "words (or two) of a question that asks what a term "
	    "means (search)" },
	{ .name = "ask.unknown", .use = USE_MATCH,
	    .doc = "words (or two) of a question that says the person does "
	    "not know a fact of their case (search)" },
	{ .name = "ask.not", .use = USE_MATCH,
	    .doc = "words (or two) of a question that negate what it says "
	    "(search: a workflow branch it does not say it is in)" },
	{ .name = "ask.break", .use = USE_MATCH,
	    .doc = "words that end a clause (but, mais, pero): a negation "
	    "before one does not reach past it (search)" },
	{ .name = "ask.stay", .use = USE_MATCH,
	    .doc = "words (or two) that, a few words after a branch.still "
	    "word, say the access goes on (i can still log in) (search)" },
	{ .name = "section.prevent", .use = USE_MATCH,
	    .doc = "words (or two) of a heading that make its section "
	    "advice for before an incident (search)" },
	{ .name = "ask.happened", .use = USE_MATCH,
	    .doc = "words (or two) of a question that say the incident "
	    "happened already (search)" },
	{ .name = "ask.before", .use = USE_MATCH,
	    .doc = "words (or two) of a question that asks what to do "
	    "before an incident (search)" },
	{ .name = "section.warn", .use = USE_MATCH,
	    .doc = "words (or two) of a heading that make its section a "
	    "warning against an act (don't open, a trap) (search)" },
	{ .name = "ask.acted", .use = USE_MATCH,
	    .doc = "words (or two) of a question that say the person did "
	    "the act already (clicked, opened, installed) (search)" },
	{ .name = "ask.unacted", .use = USE_MATCH,
	    .doc = "words (or two) of a question that asks whether to do "
	    "the act (should i click, je dois cliquer, lo abro) (search)" },
	{ .name = "ask.resource", .use = USE_MATCH,
	    .doc = "words (or two) of a question that asks who or what can "
	    "help (an organisation, a lawyer, a guide): a page of link "
	    "lists answers it more (search)" },
	{ .name = "ask.vague", .use = USE_MATCH,
	    .doc = "words that say something is wrong, not what (a "
	    "problem): with subject words alone, no situation, so "
	    "choices, not one section (search)" },
	{ .name = "words", .use = USE_SHOW,
	    .doc = "common words: never read as misspellings (search)" },
	{ .name = "words.guess", .use = USE_SHOW,
	    .doc = "words that tell the language of a short message, as "
	    "[words] do, for lang_guess() only (irregular forms: hago, "
	    "recu; the search does not read them)" },
	{ .name = "session.this", .use = USE_MATCH,
	    .doc = "words naming this conversation (chat, cette, esta): "
	    "a question of this session's check (bot.c about_session())" },
	{ .name = "session.me", .use = USE_MATCH,
	    .doc = "the person writing (my, am, mon, mi) in a question of "
	    "this session's check" },
	{ .name = "session.state", .use = USE_MATCH,
	    .doc = "a session's check or privacy (verified, chiffree, "
	    "cifrado)" },
	{ .name = "session.key", .use = USE_MATCH,
	    .doc = "a key's fingerprint (fingerprint, empreinte, huella)" },
	{ .name = "session.question", .use = USE_MATCH,
	    .doc = "the desk's check question (question, pregunta)" },
	{ .name = "session.which", .use = USE_MATCH,
	    .doc = "asks which (what, quelle, cual): with a question word, "
	    "the desk's question" },
	{ .name = "session.how", .use = USE_MATCH,
	    .doc = "asks how (how, comment, como): with a check word and "
	    "a [you] word, how to check the bot" },
	{ .name = "session.also", .use = USE_MATCH,
	    .doc = "other words such a question may hold (smp, show, tell, "
	    "yet)" },
};

struct entry {
	const struct lang_key	*key;
	char			**raw;
	char			**fold;
	size_t			  n;
};

struct langdata {
	const struct lang_row	*row;
	struct entry		*e;
	size_t			 ne;
};

struct wl_entry {
	char		*w;
	uint32_t	 langs;		/* bit i: evidence of loaded[i] */
	int		 stop;
};

/* Everything loaded, swapped in whole by lang_load_dir(). */
struct langset {
	struct langdata		 v[LOADED_MAX];
	size_t			 n;
	struct wl_entry		*wl;
	size_t			 nwl;
	uint32_t		*slots;		/* index + 1 into wl */
	size_t			 mask;
	char			**elisions;
	size_t			 nelisions;
	/* lang_guess()'s words: stems of [words] and of the lexicon's
	 * one-word terms, each in its language, sorted. */
	struct wl_entry		*gw;
	size_t			 ngw;
};

static struct langset cur;

/* ------------------------------------------------------------ the table */

const struct lang_row *
lang_row_n(const char *code, size_t n)
{
	for (size_t i = 0; i < ARRAY_LEN(rows); i++)
		if (strlen(rows[i].code) == n && memcmp(rows[i].code, code,
		    n) == 0)
			return &rows[i];
	return NULL;
}

const struct lang_row *
lang_row(const char *code)
{
	return code != NULL ? lang_row_n(code, strlen(code)) : NULL;
}

const struct lang_row *
lang_row_at(size_t i)
{
	return i < ARRAY_LEN(rows) ? &rows[i] : NULL;
}

/* ------------------------------------------------------------- the data */

static const struct lang_key *
key_find(const char *name, size_t n)
{
	for (size_t i = 0; i < ARRAY_LEN(keys); i++)
		if ((n == 0 || keys[i].name[0] == name[0]) &&
		    strlen(keys[i].name) == n &&
		    memcmp(keys[i].name, name, n) == 0)
			return &keys[i];
	return NULL;
}

static void
langdata_release(struct langdata *d)
{
	for (size_t i = 0; i < d->ne; i++) {
		for (size_t k = 0; k < d->e[i].n; k++) {
			free(d->e[i].raw[k]);
			free(d->e[i].fold[k]);
		}
		free(d->e[i].raw);
		free(d->e[i].fold);
	}
	free(d->e);
	memset(d, 0, sizeof(*d));
}

static void
langset_release(struct langset *s)
{
	for (size_t i = 0; i < s->n; i++)
		langdata_release(&s->v[i]);
	free(s->wl);
	free(s->slots);
	free(s->elisions);
	for (size_t i = 0; i < s->ngw; i++)
		free(s->gw[i].w);
	free(s->gw);
	memset(s, 0, sizeof(*s));
}

static int
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* Adds one item (trimmed, non-empty) to entry e. */
static int
item_add(struct entry *e, const char *s, size_t n, const char *name,
    size_t line)
{
	size_t flen;

	while (n > 0 && is_blank(*s)) {
		s++;
		n--;
	}
	while (n > 0 && is_blank(s[n - 1]))
		n--;
	if (n == 0)
		return 0;
	if (n > ITEM_MAX || memchr(s, '\0', n) != NULL) {
		log_error("%s:%zu: item longer than %d bytes", name, line,
		    ITEM_MAX);
		return -1;
	}
	for (size_t i = 0; i < n; ) {
		uint32_t c;
		size_t k = util_utf8_decode((const unsigned char *)s + i,
		    n - i, &c);

		if (k == 0) {
			log_error("%s:%zu: not UTF-8", name, line);
			return -1;
		}
		i += k;
	}
	e->raw = xrealloc(e->raw, (e->n + 1) * sizeof(char *));
	e->fold = xrealloc(e->fold, (e->n + 1) * sizeof(char *));
	e->raw[e->n] = xstrndup(s, n);
	e->fold[e->n] = lang_fold_alloc(s, n, &flen);
	e->n++;
	return 0;
}

/* Parses one language file into d. Returns 0, or -1 (logged). */
static int
parse(struct langdata *d, const char *name, const char *text, size_t len)
{
	struct entry *e = NULL;
	size_t line = 0, pos = 0;
	int rc = 0;

	while (pos < len) {
		const char *s = text + pos, *nl = memchr(s, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - s) : len - pos;

		pos += n + (nl != NULL);
		line++;
		while (n > 0 && is_blank(*s)) {
			s++;
			n--;
		}
		while (n > 0 && is_blank(s[n - 1]))
			n--;
		if (n == 0 || s[0] == '#')
			continue;
		if (s[0] == '[') {
			const struct lang_key *k = NULL;

			if (s[n - 1] == ']')
				k = key_find(s + 1, n - 2);
			if (k == NULL) {
				log_error("%s:%zu: unknown key '%.*s'", name,
				    line, (int)(n > 40 ? 40 : n), s);
				rc = -1;
				e = NULL;
				continue;
			}
			for (size_t i = 0; i < d->ne; i++)
				if (d->e[i].key == k) {
					log_error("%s:%zu: key [%s] twice",
					    name, line, k->name);
					rc = -1;
				}
			d->e = xrealloc(d->e, (d->ne + 1) * sizeof(*d->e));
			e = &d->e[d->ne++];
			memset(e, 0, sizeof(*e));
			e->key = k;
			continue;
		}
		if (e == NULL) {
			if (rc == 0)
				log_error("%s:%zu: text before any [key]",
				    name, line);
			rc = -1;
			continue;
		}
		for (;;) {
			const char *comma = memchr(s, ',', n);
			size_t m = comma ? (size_t)(comma - s) : n;

			if (item_add(e, s, m, name, line) == -1)
				rc = -1;
			if (comma == NULL)
				break;
			s += m + 1;
			n -= m + 1;
		}
	}
	for (size_t i = 0; i < d->ne; i++)
		if (d->e[i].key->count != 0 && d->e[i].n != d->e[i].key->count) {
			log_error("%s: [%s] has %zu items, not %zu", name,
			    d->e[i].key->name, d->e[i].n, d->e[i].key->count);
			rc = -1;
		}
	return rc;
}

/* A key the code asks for must be a row of keys[]: a typo would never
 * match anything, silently. Returns its row, for entry_of(). */
static const struct lang_key *
key_check(const char *key)
{
	const struct lang_key *k = key_find(key, strlen(key));

	if (k == NULL)
		fatalx("lang: the code asks for [%s], not in lang.c's keys",
		    key);
	return k;
}

/* d's entry of key k (a row of keys[], as the loader stores them). */
static const struct entry *
entry_of(const struct langdata *d, const struct lang_key *k)
{
	for (size_t i = 0; i < d->ne; i++)
		if (d->e[i].key == k)
			return &d->e[i];
	return NULL;
}

static uint32_t
wl_hash(const char *w, size_t n)
{
	uint32_t h = util_hash(w, n);

	return h ^ (h >> 13);
}

static struct wl_entry *
wl_find(const struct langset *s, const char *w, size_t n)
{
	uint32_t h;

	if (s->slots == NULL || n >= WORD_MAX)
		return NULL;
	for (h = wl_hash(w, n) & s->mask; s->slots[h] != 0;
	    h = (h + 1) & s->mask) {
		struct wl_entry *e = &s->wl[s->slots[h] - 1];

		if (strncmp(e->w, w, n) == 0 && e->w[n] == '\0')
			return e;
	}
	return NULL;
}

/* One hashed table of every stopword and hint with its languages. */
static void
wl_build(struct langset *s)
{
	size_t total = 0, cap;

	for (size_t i = 0; i < s->n; i++)
		for (size_t k = 0; k < s->v[i].ne; k++)
			total += s->v[i].e[k].n;
	for (cap = 64; cap < 4 * total; cap *= 2)
		;
	s->slots = xcalloc(cap, sizeof(*s->slots));
	s->mask = cap - 1;
	s->wl = xcalloc(total ? total : 1, sizeof(*s->wl));
	s->elisions = xcalloc(total ? total : 1, sizeof(char *));
	for (size_t i = 0; i < s->n; i++) {
		for (size_t k = 0; k < s->v[i].ne; k++) {
			const struct entry *e = &s->v[i].e[k];
			enum key_use use = e->key->use;

			for (size_t j = 0; j < e->n; j++) {
				char *w = e->fold[j];
				struct wl_entry *we;
				uint32_t h;

				if (use == USE_ELISION)
					s->elisions[s->nelisions++] = w;
				if (use != USE_STOP && use != USE_HINT)
					continue;
				if ((we = wl_find(s, w, strlen(w))) == NULL) {
					we = &s->wl[s->nwl++];
					we->w = w;
					h = wl_hash(w, strlen(w)) & s->mask;
					while (s->slots[h] != 0)
						h = (h + 1) & s->mask;
					s->slots[h] = (uint32_t)s->nwl;
				}
				we->langs |= 1u << i;
				we->stop |= use == USE_STOP;
			}
		}
	}
}

/* Every key the code uses must be in English. */
static int
check_required(const struct langset *s, const char *dir)
{
	const struct langdata *en = NULL;
	int rc = 0;

	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i].row->code, "en") == 0)
			en = &s->v[i];
	if (en == NULL) {
		log_error("%s/lang/en.txt: missing (English is required)",
		    dir);
		return -1;
	}
	for (size_t i = 0; i < ARRAY_LEN(keys); i++)
		if (keys[i].required && entry_of(en, &keys[i]) == NULL) {
			log_error("%s/lang/en.txt: missing key [%s] (%s)", dir,
			    keys[i].name, keys[i].doc);
			rc = -1;
		}
	return rc;
}

/* 1 if name is "<code>.txt" for a row; -1 if it is another "*.txt". */
static int
lang_file(const char *name, const struct lang_row **row)
{
	size_t n = strlen(name);

	if (n < 5 || strcmp(name + n - 4, ".txt") != 0)
		return 0;
	*row = lang_row_n(name, n - 4);
	return *row != NULL ? 1 : -1;
}

/* Folded word w (n bytes) stemmed by sb (NULL: as it is). New string. */
static char *
stem_word(struct sb_stemmer *sb, const char *w, size_t n)
{
	const sb_symbol *st;

	if (sb == NULL || (st = sb_stemmer_stem(sb, (const sb_symbol *)w,
	    (int)n)) == NULL)
		return xstrndup(w, n);
	return xstrndup((const char *)st, (size_t)sb_stemmer_length(sb));
}

static struct sb_stemmer *
stemmer_of(const struct lang_row *row)
{
	return row->stemmer != NULL ? sb_stemmer_new(row->stemmer, "UTF_8") :
	    NULL;
}

static void
gw_add(struct langset *s, size_t *cap, struct sb_stemmer *sb, size_t i,
    const char *w)
{
	size_t n = strlen(w);

	if (n < 3 || strchr(w, ' ') != NULL || wl_find(s, w, n) != NULL)
		return;		/* one word, not a stopword or hint */
	if (s->ngw == *cap) {
		*cap = *cap ? *cap * 2 : 1024;
		s->gw = xrealloc(s->gw, *cap * sizeof(*s->gw));
	}
	s->gw[s->ngw].w = stem_word(sb, w, n);
	s->gw[s->ngw].langs = 1u << i;
	s->gw[s->ngw].stop = 0;
	s->ngw++;
	/* And as written, after "=": "hacke" (hacké), not "hack". */
	if (s->ngw == *cap) {
		*cap *= 2;
		s->gw = xrealloc(s->gw, *cap * sizeof(*s->gw));
	}
	s->gw[s->ngw].w = xmalloc(n + 2);
	s->gw[s->ngw].w[0] = '=';
	memcpy(s->gw[s->ngw].w + 1, w, n + 1);
	s->gw[s->ngw].langs = 1u << i;
	s->gw[s->ngw].stop = 0;
	s->ngw++;
}

static int
gw_cmp(const void *a, const void *b)
{
	return strcmp(((const struct wl_entry *)a)->w,
	    ((const struct wl_entry *)b)->w);
}

/*
 * lang_guess()'s words: each language's [words] and [words.guess] and the
 * one-word terms of
 * DATADIR/lexicon.txt in that language (when there is one), folded and
 * stemmed in it, sorted with the languages of each stem merged.
 */
static void
gw_build(struct langset *s, const char *datadir)
{
	struct lexicon *lx = lexicon_new();
	size_t cap = 0, k = 0;
	char path[4096];

	/* When there is one: the search loads it too, and says so. */
	if (util_snprintf(path, sizeof(path), "%s/lexicon.txt", datadir) !=
	    -1 && access(path, R_OK) == 0)
		(void)lexicon_load_file(lx, path);
	for (size_t i = 0; i < s->n; i++) {
		struct sb_stemmer *sb = stemmer_of(s->v[i].row);
		const char *code = s->v[i].row->code;

		for (size_t e = 0; e < s->v[i].ne; e++)
			if (strcmp(s->v[i].e[e].key->name, "words") == 0 ||
			    strcmp(s->v[i].e[e].key->name,
			    "words.guess") == 0)
				for (size_t j = 0; j < s->v[i].e[e].n; j++)
					gw_add(s, &cap, sb, i,
					    s->v[i].e[e].fold[j]);
		for (size_t t = 0; t < lexicon_nterms(lx); t++) {
			char *f;

			if (strcmp(lexicon_term_lang(lx, t), code) != 0)
				continue;
			f = lang_fold(lexicon_term_text(lx, t));
			gw_add(s, &cap, sb, i, f);
			free(f);
		}
		if (sb != NULL)
			sb_stemmer_delete(sb);
	}
	lexicon_free(lx);
	if (s->ngw == 0)
		return;
	qsort(s->gw, s->ngw, sizeof(*s->gw), gw_cmp);
	for (size_t j = 1; j < s->ngw; j++) {
		if (strcmp(s->gw[j].w, s->gw[k].w) == 0) {
			s->gw[k].langs |= s->gw[j].langs;
			free(s->gw[j].w);
		} else
			s->gw[++k] = s->gw[j];
	}
	s->ngw = k + 1;
}

int
lang_load_dir(const char *datadir)
{
	struct langset s;
	char path[4096];
	DIR *d;
	struct dirent *de;
	int present[ARRAY_LEN(rows)], rc = 0;

	if (datadir == NULL) {
		log_error("no data directory for the languages");
		return -1;
	}
	(void)util_snprintf(path, sizeof(path), "%s/lang", datadir);
	if ((d = opendir(path)) == NULL) {
		log_error("%s: %s", path, strerror(errno));
		return -1;
	}
	memset(present, 0, sizeof(present));
	while ((de = readdir(d)) != NULL) {
		const struct lang_row *row = NULL;
		int k = lang_file(de->d_name, &row);

		if (k == 1)
			present[row - rows] = 1;
		else if (k == -1) {
			log_error("%s/%s: not a language the bot knows "
			    "(src/lang.c's table)", path, de->d_name);
			rc = -1;
		}
	}
	closedir(d);
	memset(&s, 0, sizeof(s));
	for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
		char file[4200], *text;
		size_t len;

		if (!present[i])
			continue;
		(void)util_snprintf(file, sizeof(file), "%s/%s.txt", path,
		    rows[i].code);
		if (s.n == LOADED_MAX) {
			log_error("%s: more than %d languages", path,
			    LOADED_MAX);
			rc = -1;
			break;
		}
		if ((text = util_read_file(file, FILE_MAX, &len)) == NULL) {
			log_error("%s: %s", file, strerror(errno));
			rc = -1;
			continue;
		}
		s.v[s.n].row = &rows[i];
		if (parse(&s.v[s.n], file, text, len) == -1)
			rc = -1;
		s.n++;
		free(text);
	}
	if (rc == 0)
		rc = check_required(&s, datadir);
	if (rc == -1) {
		langset_release(&s);
		return -1;
	}
	wl_build(&s);
	gw_build(&s, datadir);
	langset_release(&cur);
	cur = s;
	return (int)cur.n;
}

void
lang_unload(void)
{
	langset_release(&cur);
}

static const struct langdata *
loaded_of(const char *code)
{
	for (size_t i = 0; code != NULL && i < cur.n; i++)
		if (strcmp(cur.v[i].row->code, code) == 0)
			return &cur.v[i];
	return NULL;
}

int
lang_loaded(const char *code)
{
	return loaded_of(code) != NULL;
}

/* Is folded (n bytes) one of entry e's items (e may be NULL)? */
static int
entry_has(const struct entry *e, const char *folded, size_t n)
{
	for (size_t k = 0; e != NULL && k < e->n; k++)
		if ((n == 0 || e->fold[k][0] == folded[0]) &&
		    strlen(e->fold[k]) == n &&
		    memcmp(e->fold[k], folded, n) == 0)
			return 1;
	return 0;
}

int
lang_match(const char *key, const char *folded, size_t n, const char **lang)
{
	const struct lang_key *k;
	const char *found = NULL;
	int hits = 0;

	k = key_check(key);
	for (size_t i = 0; i < cur.n; i++)
		if (entry_has(entry_of(&cur.v[i], k), folded, n)) {
			found = cur.v[i].row->code;
			hits++;
		}
	if (lang != NULL)
		*lang = hits == 1 ? found : NULL;
	return hits > 0;
}

/* The longest folded item of key in any loaded language, in bytes. */
static size_t
item_max(const char *key)
{
	const struct lang_key *k = key_check(key);
	const struct entry *e;
	size_t max = 0;

	for (size_t i = 0; i < cur.n; i++)
		if ((e = entry_of(&cur.v[i], k)) != NULL)
			for (size_t j = 0; j < e->n; j++)
				if (strlen(e->fold[j]) > max)
					max = strlen(e->fold[j]);
	return max;
}

/*
 * Is folded only items of keyv, one after the other? Dynamic programming
 * over the word starts, from the end: can the words from start i on be
 * split into items (with or without one of keyv[0..nown) before them)?
 * An item is tried only as long as the longest one, so a message costs
 * its words times the words of an item, never every split of it (30 "ok"
 * and a word took a minute, 12,000 "nvm" and a word 26 s).
 */
int
lang_match_only(const char *const *keyv, size_t nkeys, size_t nown,
    const char *folded, const char **lang)
{
	size_t len = strlen(folded), nw = 1, maxn = 0, *at, i, j, k;
	unsigned char *ok;
	const char **ol;
	int r;

	for (k = 0; k < nkeys; k++)
		if (item_max(keyv[k]) > maxn)
			maxn = item_max(keyv[k]);
	for (i = 0; i < len; i++)
		if (folded[i] == ' ')
			nw++;
	/* at[i]: where word i starts; at[nw]: one past the end. */
	at = xcalloc(nw + 1, sizeof(*at));
	ok = xcalloc(2 * (nw + 1), 1);
	ol = xcalloc(2 * (nw + 1), sizeof(*ol));
	for (i = 0, j = 1; i < len; i++)
		if (folded[i] == ' ')
			at[j++] = i + 1;
	at[nw] = len + 1;
	/* ok[2i + c]: 1 if words i.. are items, with an own item among
	 * them or before them (c); ol: the language of their first own
	 * item that tells one. Past the end: done if an own one was. */
	ok[2 * nw + 1] = 1;
	for (i = nw; i-- > 0;)
		for (j = i + 1; j <= nw && at[j] - 1 - at[i] <= maxn; j++)
			for (k = 0; k < nkeys; k++) {
				const char *kl = NULL;
				int own = k < nown;

				if (ok[2 * i] && ok[2 * i + 1])
					break;
				if (!lang_match(keyv[k], folded + at[i],
				    at[j] - 1 - at[i], &kl))
					continue;
				for (int c = 0; c < 2; c++) {
					size_t to = 2 * j + (c || own);

					if (ok[2 * i + c] || !ok[to])
						continue;
					ok[2 * i + c] = 1;
					ol[2 * i + c] = own && kl != NULL ? kl :
					    ol[to];
				}
			}
	r = ok[0];
	if (r && ol[0] != NULL && lang != NULL)
		*lang = ol[0];
	free(ol);
	free(ok);
	free(at);
	return r;
}

int
lang_match_in(const char *code, const char *key, const char *folded,
    size_t n)
{
	const struct lang_key *k;
	const struct langdata *d;

	if (code == NULL)
		return lang_match(key, folded, n, NULL);
	k = key_check(key);
	d = loaded_of(code);
	return d != NULL && entry_has(entry_of(d, k), folded, n);
}

const char *const *
lang_items(const char *lang, const char *key, size_t *n)
{
	const struct langdata *d = loaded_of(lang);
	const struct lang_key *k = key_check(key);
	const struct entry *e;

	e = d != NULL ? entry_of(d, k) : NULL;
	*n = e != NULL ? e->n : 0;
	return e != NULL ? (const char *const *)e->raw : NULL;
}

int
lang_is_stopword(const char *w, size_t n)
{
	const struct wl_entry *e = wl_find(&cur, w, n);

	return e != NULL && e->stop;
}

/* ---------------------------------------------------------------- folding */

static int
is_apostrophe(ucs4_t c)
{
	return c == '\'' || c == 0x2019 || c == 0x2018 || c == 0x02bc ||
	    c == 0x2032 || c == 0x00b4 || c == '`';
}

/*
 * The slow, exact path: a run of valid UTF-8 through libunistring's case
 * fold with compatibility decomposition, marks dropped, a few letters that
 * do not decompose spelt out.
 */
static size_t
fold_slow(const uint8_t *in, size_t n, char *out, size_t cap)
{
	uint8_t fsmall[512], *f;
	size_t flen = sizeof(fsmall), i, o = 0;

	f = u8_casefold(in, n, NULL, UNINORM_NFKD, fsmall, &flen);
	if (f == NULL)
		return 0;
	for (i = 0; i < flen; ) {
		ucs4_t c;
		const char *rep = NULL;
		uint8_t u[6];
		int k = u8_mbtouc(&c, f + i, flen - i), m;

		i += (size_t)k;
		if (uc_is_general_category_withtable(c, UC_CATEGORY_MASK_M))
			continue;
		if (is_apostrophe(c))
			c = '\'';
		else if (c == 0x2010 || c == 0x2011)
			c = '-';
		switch (c) {
		case 0x0153: rep = "oe"; break;		/* œ */
		case 0x00e6: rep = "ae"; break;		/* æ */
		case 0x00f8: rep = "o"; break;		/* ø */
		case 0x0142: rep = "l"; break;		/* ł */
		case 0x0111: rep = "d"; break;		/* đ */
		case 0x0131: rep = "i"; break;		/* ı */
		case 0x00fe: rep = "th"; break;		/* þ */
		case 0x00f0: rep = "d"; break;		/* ð */
		default: break;
		}
		if (rep != NULL) {
			m = (int)strlen(rep);
			memcpy(u, rep, (size_t)m);
		} else if ((m = u8_uctomb(u, c, sizeof(u))) <= 0)
			continue;
		if (o + (size_t)m > cap)
			break;
		memcpy(out + o, u, (size_t)m);
		o += (size_t)m;
	}
	if (f != fsmall)
		free(f);
	return o;
}

/* Folded forms of U+00C0..U+017F (NULL: take the slow path). */
static const char *const latin_fold[0x180 - 0xc0] = {
	/* C0 */ "a", "a", "a", "a", "a", "a", "ae", "c",
	/* C8 */ "e", "e", "e", "e", "i", "i", "i", "i",
	/* D0 */ "d", "n", "o", "o", "o", "o", "o", NULL,
	/* D8 */ "o", "u", "u", "u", "u", "y", "th", "ss",
	/* E0 */ "a", "a", "a", "a", "a", "a", "ae", "c",
	/* E8 */ "e", "e", "e", "e", "i", "i", "i", "i",
	/* F0 */ "d", "n", "o", "o", "o", "o", "o", NULL,
	/* F8 */ "o", "u", "u", "u", "u", "y", "th", "y",
	/* 100 */ "a", "a", "a", "a", "a", "a", "c", "c",
	/* 108 */ "c", "c", "c", "c", "c", "c", "d", "d",
	/* 110 */ "d", "d", "e", "e", "e", "e", "e", "e",
	/* 118 */ "e", "e", "e", "e", "g", "g", "g", "g",
	/* 120 */ "g", "g", "g", "g", "h", "h", "h", "h",
	/* 128 */ "i", "i", "i", "i", "i", "i", "i", "i",
	/* 130 */ NULL, "i", "ij", "ij", "j", "j", "k", "k",
	/* 138 */ NULL, "l", "l", "l", "l", "l", "l", NULL,
	/* 140 */ NULL, "l", "l", "n", "n", "n", "n", "n",
	/* 148 */ "n", NULL, NULL, NULL, "o", "o", "o", "o",
	/* 150 */ "o", "o", "oe", "oe", "r", "r", "r", "r",
	/* 158 */ "r", "r", "s", "s", "s", "s", "s", "s",
	/* 160 */ "s", "s", "t", "t", "t", "t", NULL, NULL,
	/* 168 */ "u", "u", "u", "u", "u", "u", "u", "u",
	/* 170 */ "u", "u", "u", "u", "w", "w", "y", "y",
	/* 178 */ "y", "z", "z", "z", "z", "z", "z", "s",
};

/* Fast folded form of c, or NULL when libunistring must decide. */
static const char *
fold_fast(uint32_t c)
{
	if (c >= 0xc0 && c < 0x180)
		return latin_fold[c - 0xc0];
	if (c == 0xa0 || (c >= 0x2000 && c <= 0x200a) || c == 0x202f)
		return " ";
	if (c == 0x2018 || c == 0x2019 || c == 0x2032 || c == 0x02bc ||
	    c == 0xb4)
		return "'";
	if (c == 0x2010 || c == 0x2011)
		return "-";
	/* Punctuation that stays punctuation: a separator. */
	if ((c >= 0xa1 && c <= 0xbf && c != 0xaa && c != 0xb2 && c != 0xb3 &&
	    c != 0xb5 && c != 0xb9 && c != 0xba && c < 0xbc) ||
	    c == 0xbf || (c >= 0x2012 && c <= 0x2017) ||
	    (c >= 0x201a && c <= 0x2023) || c == 0x2026 ||
	    (c >= 0x2030 && c <= 0x2031) || (c >= 0x2039 && c <= 0x203a))
		return " ";
	return NULL;
}

/*
 * Folds text: case folded, compatibility-decomposed, marks dropped,
 * ligatures split, every apostrophe made "'", dashes made "-". Invalid
 * UTF-8 is skipped. Writes into out (cap bytes, cut there) and returns the
 * length. ASCII and Latin letters take a table; anything else goes to
 * libunistring (fold_slow), one run of such characters at a time.
 */
size_t
lang_fold_buf(const char *text, size_t len, char *out, size_t cap)
{
	const uint8_t *s = (const uint8_t *)text;
	size_t i = 0, o = 0, n, j;
	uint32_t c;
	const char *rep;

	while (i < len) {
		if (s[i] < 0x80) {
			char b = (char)s[i++];

			if (o >= cap)
				break;
			if (b >= 'A' && b <= 'Z')
				b = (char)(b - 'A' + 'a');
			else if (b == '`')
				b = '\'';
			out[o++] = b;
			continue;
		}
		if ((n = util_utf8_decode(s + i, len - i, &c)) == 0) {
			i++;
			continue;
		}
		if ((rep = fold_fast(c)) != NULL) {
			size_t rl = strlen(rep);

			if (o + rl > cap)
				break;
			memcpy(out + o, rep, rl);
			o += rl;
			i += n;
			continue;
		}
		/* A run of characters for libunistring. */
		for (j = i + n; j < len && s[j] >= 0x80; j += n) {
			if ((n = util_utf8_decode(s + j, len - j, &c)) == 0 ||
			    fold_fast(c) != NULL)
				break;
		}
		o += fold_slow(s + i, j - i, out + o, cap - o);
		i = j;
	}
	return o;
}

char *
lang_fold_alloc(const char *text, size_t len, size_t *outlen)
{
	size_t cap = len * 3 + 16;
	char *out = xmalloc(cap + 1);

	*outlen = lang_fold_buf(text, len, out, cap);
	out[*outlen] = '\0';
	return out;
}

/* ------------------------------------------------------------- splitting */

int
lang_is_word_cp(uint32_t c)
{
	if (c < 0x80)
		return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    (c >= 'A' && c <= 'Z');
	return uc_is_general_category_withtable(c, UC_CATEGORY_MASK_L |
	    UC_CATEGORY_MASK_N);
}

static void
emit(const char *w, size_t n, lang_word_fn fn, void *arg, float weight)
{
	if (n == 0 || (n == 1 && !(w[0] >= '0' && w[0] <= '9')))
		return;
	if (lang_is_stopword(w, n))
		return;
	fn(arg, w, n, weight);
}

/*
 * One raw word (letters, digits, inner apostrophes and hyphens): cut a
 * French elision, join what other apostrophes split ("don't" → "dont"),
 * emit hyphenated parts and, for 2 parts, the joined compound too
 * ("e-mail" → "mail", "email").
 */
static void
flush_word(char *w, size_t n, lang_word_fn fn, void *arg, float weight)
{
	char joined[WORD_MAX];
	const char *ap;
	size_t i, j, parts = 1, start;

	while (n > 0 && (w[n - 1] == '\'' || w[n - 1] == '-'))
		n--;
	if (n == 0)
		return;
	if ((ap = memchr(w, '\'', n)) != NULL) {
		size_t pre = (size_t)(ap - w);

		for (i = 0; i < cur.nelisions; i++)
			if (strlen(cur.elisions[i]) == pre &&
			    memcmp(cur.elisions[i], w, pre) == 0) {
				w += pre + 1;
				n -= pre + 1;
				break;
			}
	}
	for (i = 0, j = 0; i < n; i++)
		if (w[i] != '\'')
			w[j++] = w[i];
	n = j;
	for (i = 0; i < n; i++)
		parts += w[i] == '-';
	if (parts == 1) {
		emit(w, n, fn, arg, weight);
		return;
	}
	for (i = 0, j = 0, start = 0; i <= n; i++) {
		if (i == n || w[i] == '-') {
			emit(w + start, i - start, fn, arg, weight);
			start = i + 1;
		} else
			joined[j++] = w[i];
	}
	if (parts == 2)
		emit(joined, j, fn, arg, weight);
}

static int
is_addr_byte(char c, int domain)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
	    c == '-' || (!domain && (c == '_' || c == '+'));
}

/* An e-mail address around the '@' at f[at] is also one word: someone who
 * pastes "help@example.org" wants the section that gives it. */
static void
email_word(const char *f, size_t len, size_t at, lang_word_fn fn, void *arg,
    float weight)
{
	size_t a = at, b = at + 1;
	int dot = 0;

	while (a > 0 && is_addr_byte(f[a - 1], 0))
		a--;
	while (b < len && is_addr_byte(f[b], 1)) {
		dot |= f[b] == '.';
		b++;
	}
	while (b > at + 1 && (f[b - 1] == '.' || f[b - 1] == '-'))
		b--;
	if (a < at && dot && b - a < WORD_MAX && memchr(f + at + 1, '.',
	    b - at - 1) != NULL)
		fn(arg, f + a, b - a, weight);
}

void
lang_split(const char *f, size_t len, int skip_urls, lang_word_fn fn, void *arg,
    float weight)
{
	char w[WORD_MAX];
	size_t i = 0, n = 0;
	ucs4_t c, next;

	while (i < len) {
		int k;

		if (n == 0 && skip_urls && len - i >= 8 &&
		    (memcmp(f + i, "www.", 4) == 0 ||
		    memcmp(f + i, "http://", 7) == 0 ||
		    memcmp(f + i, "https://", 8) == 0)) {
			while (i < len && f[i] != ' ' && f[i] != '\n')
				i++;
			continue;
		}
		k = u8_mbtouc(&c, (const uint8_t *)f + i, len - i);
		if (lang_is_word_cp(c)) {
			if (n + (size_t)k < sizeof(w)) {
				memcpy(w + n, f + i, (size_t)k);
				n += (size_t)k;
			}
			i += (size_t)k;
			continue;
		}
		if (c == '@')
			email_word(f, len, i, fn, arg, weight);
		if ((c == '\'' || c == '-') && n > 0 && i + 1 < len) {
			u8_mbtouc(&next, (const uint8_t *)f + i + 1,
			    len - i - 1);
			if (lang_is_word_cp(next) && n + 1 < sizeof(w)) {
				w[n++] = (char)c;
				i++;
				continue;
			}
		}
		if (n > 0)
			flush_word(w, n, fn, arg, weight);
		n = 0;
		i += (size_t)k;
	}
	if (n > 0)
		flush_word(w, n, fn, arg, weight);
}

/* ------------------------------------------------------- language guess */

struct lang_count {
	size_t	hits[LOADED_MAX];
	size_t	cyr_hits[LOADED_MAX];	/* from Cyrillic words */
	size_t	cyrillic;
	size_t	latin;
};

static void
count_word(void *arg, const char *w, size_t n, float weight)
{
	struct lang_count *lc = arg;
	const struct wl_entry *e = wl_find(&cur, w, n);
	int cyr = (unsigned char)w[0] == 0xd0 || (unsigned char)w[0] == 0xd1;
	size_t i;

	(void)weight;
	for (i = 0; e != NULL && i < cur.n; i++)
		if (e->langs & (1u << i)) {
			lc->hits[i]++;
			lc->cyr_hits[i] += cyr;
		}
	if (cyr)
		lc->cyrillic++;
	else
		lc->latin++;
}

/* Calls fn for each word of folded f, stopwords included (lang_split
 * drops them; here they are the point). */
static void
each_word(const char *f, size_t len, lang_word_fn fn, void *arg)
{
	size_t i = 0, start = 0;
	ucs4_t c;

	while (i <= len) {
		int k = 1;

		if (i < len) {
			k = u8_mbtouc(&c, (const uint8_t *)f + i, len - i);
			if (lang_is_word_cp(c)) {
				i += (size_t)k;
				continue;
			}
		}
		if (i > start && i - start < WORD_MAX)
			fn(arg, f + start, i - start, 1);
		i += (size_t)k;
		start = i;
	}
}

/* The end of the word of folded f (len bytes) that starts at i. */
static size_t
word_end(const char *f, size_t len, size_t i)
{
	ucs4_t c;
	int k;

	while (i < len && (k = u8_mbtouc(&c, (const uint8_t *)f + i,
	    len - i)) > 0 && lang_is_word_cp(c))
		i += (size_t)k;
	return i;
}

/*
 * Two words of f that one language's [hints.pairs] lists, joined as
 * written (a space, "-" or "'": "tu es", "es-tu", "t'es"), count twice for
 * that language and are blanked: "es" and "tu" alone are Spanish words
 * too, together they are French.
 */
static void
count_pairs(char *f, size_t len, struct lang_count *lc)
{
	const struct lang_key *pairs = key_check("hints.pairs");
	size_t a = 0, b, c, d, i, hit = 0, who = 0;

	while (a < len) {
		b = word_end(f, len, a);
		if (b == a) {
			a++;
			continue;
		}
		c = b + 1;
		d = b < len && strchr(" -'", f[b]) != NULL ? word_end(f, len,
		    c) : c;
		for (i = 0; d > c && i < cur.n; i++)
			if (entry_has(entry_of(&cur.v[i], pairs), f + a,
			    d - a)) {
				hit++;
				who = i;
			}
		if (hit == 1) {
			lc->hits[who] += 2;
			lc->latin += 2;
			memset(f + a, ' ', d - a);
			a = d;
		} else
			a = b;
		hit = 0;
	}
}

const char *
lang_detect_counts(const char *text, const char *other, size_t *best,
    size_t *other_hits)
{
	struct lang_count lc;
	char *f;
	size_t flen, i, top = 0, second = 0, win = 0;

	memset(&lc, 0, sizeof(lc));
	f = lang_fold_alloc(text, strlen(text), &flen);
	count_pairs(f, flen, &lc);
	/* Elisions ("l'", "qu'") count as French words. */
	for (i = 0; i < flen; i++)
		if (f[i] == '\'' || f[i] == '-')
			f[i] = ' ';
	each_word(f, flen, count_word, &lc);
	free(f);
	if (best)
		*best = 0;
	if (other_hits) {
		*other_hits = 0;
		for (i = 0; other != NULL && i < cur.n; i++)
			if (strcmp(cur.v[i].row->code, other) == 0)
				*other_hits = lc.hits[i];
		if (other != NULL && strcmp(other, "ru") == 0)
			*other_hits = lc.cyrillic;
	}
	/* Mostly Cyrillic: a loaded language whose own words are there,
	 * else Russian, the most read language written so. */
	if (lc.cyrillic > lc.latin && lc.cyrillic >= 1) {
		for (i = 0; i < cur.n; i++) {
			if (lc.cyr_hits[i] > top) {
				second = top;
				top = lc.cyr_hits[i];
				win = i;
			} else if (lc.cyr_hits[i] > second)
				second = lc.cyr_hits[i];
		}
		if (top > 0 && top > second) {
			if (best)
				*best = top;
			return cur.v[win].row->code;
		}
		if (best)
			*best = lc.cyrillic;
		return "ru";
	}
	for (i = 0; i < cur.n; i++) {
		if (lc.hits[i] > top) {
			second = top;
			top = lc.hits[i];
			win = i;
		} else if (lc.hits[i] > second)
			second = lc.hits[i];
	}
	if (top == 0 || top == second)
		return NULL;
	if (best)
		*best = top;
	return cur.v[win].row->code;
}

const char *
lang_detect(const char *text)
{
	return lang_detect_counts(text, NULL, NULL, NULL);
}

/* lang_guess()'s second look at a message, word by word. */
struct guess {
	struct lang_count	 lc;		/* the first look's evidence */
	long			 score[LOADED_MAX];
	struct sb_stemmer	*sb[LOADED_MAX];
	char			 prev[WORD_MAX];	/* the word before */
};

static int
is_vowel(char c)
{
	return c != '\0' && strchr("aeiouy", c) != NULL;
}

/* 1 if folded word w (n bytes), stemmed in language i, is a stem of
 * that language's [words] or lexicon terms. */
static int
guess_known(const struct guess *g, size_t i, const char *w, size_t n)
{
	struct wl_entry key, *e;

	if (cur.ngw == 0)
		return 0;
	key.w = stem_word(g->sb[i], w, n);
	e = bsearch(&key, cur.gw, cur.ngw, sizeof(*cur.gw), gw_cmp);
	free(key.w);
	return e != NULL && (e->langs & (1u << i)) != 0;
}

/* The languages whose [words] or lexicon terms hold folded word w (n
 * bytes) as it is, unstemmed (gw_add()'s "=" entries). */
static uint32_t
guess_written(const char *w, size_t n)
{
	struct wl_entry key, *e;
	char buf[WORD_MAX + 1];

	if (cur.ngw == 0 || n >= WORD_MAX)
		return 0;
	buf[0] = '=';
	memcpy(buf + 1, w, n);
	buf[n + 1] = '\0';
	key.w = buf;
	e = bsearch(&key, cur.gw, cur.ngw, sizeof(*cur.gw), gw_cmp);
	return e != NULL ? e->langs : 0;
}

/* 1 if the word before ("me", "de") is one language i elides. */
static int
elided(const struct guess *g, size_t i)
{
	size_t pn = strlen(g->prev);
	const struct langdata *d = &cur.v[i];

	if (pn < 2 || g->prev[pn - 1] != 'e')
		return 0;
	for (size_t k = 0; k < d->ne; k++) {
		const struct entry *el = &d->e[k];

		if (el->key->use != USE_ELISION)
			continue;
		for (size_t j = 0; j < el->n; j++)
			if (strlen(el->fold[j]) == pn - 1 &&
			    memcmp(el->fold[j], g->prev, pn - 1) == 0)
				return 1;
	}
	return 0;
}

static void
guess_word(void *arg, const char *w, size_t n, float weight)
{
	struct guess *g = arg;
	size_t known = 0, who = 0, as = 0;
	uint32_t langs = 0, written;

	(void)weight;
	/* A word one language knows and no other: evidence of it. Not a
	 * stopword or hint, already counted: French "tuer" stems to "tu". */
	for (size_t i = 0; wl_find(&cur, w, n) == NULL && i < cur.n; i++)
		if (guess_known(g, i, w, n)) {
			known++;
			who = i;
			langs |= 1u << i;
		}
	/* A stem several know ("hack": hacké, hacked, hackeado): the one of
	 * them whose words hold it as written, accents folded. */
	if (known > 1 && (written = guess_written(w, n) & langs) != 0)
		for (size_t i = 0; i < cur.n; i++)
			if (written & (1u << i)) {
				as++;
				who = i;
			}
	/* Scores count halves: a word one language tells alone 2, one
	 * several know 1 for each ("vol de telephone": "vol" French and
	 * Spanish, "telephone" French and English, "de" French and Spanish
	 * tell French together). */
	if (known == 1 || as == 1)
		g->score[who] += 2;
	else if (known > 1)
		for (size_t i = 0; i < cur.n; i++)
			if (langs & (1u << i))
				g->score[i]++;
	/* "me acosan": a language that elides ("m'", "d'") would not
	 * write "me", "de" before a vowel. */
	if (is_vowel(w[0]))
		for (size_t i = 0; i < cur.n; i++)
			if (elided(g, i))
				g->score[i] -= 2;
	if (n < sizeof(g->prev)) {
		memcpy(g->prev, w, n);
		g->prev[n] = '\0';
	} else
		g->prev[0] = '\0';
}

/* lang_guess()'s scores of text, in halves, into sc (cur.n of them). */
static void
guess_scores(const char *text, long *sc)
{
	struct guess g;
	char *f;
	size_t flen;

	memset(&g, 0, sizeof(g));
	f = lang_fold_alloc(text, strlen(text), &flen);
	count_pairs(f, flen, &g.lc);
	for (size_t i = 0; i < flen; i++)
		if (f[i] == '\'' || f[i] == '-')
			f[i] = ' ';
	each_word(f, flen, count_word, &g.lc);
	for (size_t i = 0; i < cur.n; i++)
		g.sb[i] = stemmer_of(cur.v[i].row);
	each_word(f, flen, guess_word, &g);
	free(f);
	for (size_t i = 0; i < cur.n; i++) {
		sc[i] = g.score[i] + 2 * (long)g.lc.hits[i];
		if (g.sb[i] != NULL)
			sb_stemmer_delete(g.sb[i]);
	}
}

const char *
lang_guess(const char *text)
{
	const char *d = lang_detect(text);
	long sc[LOADED_MAX], top = 0;
	size_t win = 0, ties = 0;

	if (d != NULL || text == NULL)
		return d;
	guess_scores(text, sc);
	for (size_t i = 0; i < cur.n; i++) {
		if (sc[i] > top) {
			top = sc[i];
			win = i;
			ties = 0;
		} else if (sc[i] == top)
			ties++;
	}
	return top > 0 && ties == 0 ? cur.v[win].row->code : NULL;
}

const char *
lang_guess_among(const char *text, const char *const *codes, size_t n,
    const char *prefer)
{
	const char *d = lang_guess(text), *best = NULL;
	long sc[LOADED_MAX], top = 0;

	if (text == NULL || n == 0)
		return NULL;
	if (d != NULL) {
		for (size_t k = 0; k < n; k++)
			if (strcmp(codes[k], d) == 0)
				return d;
	}
	guess_scores(text, sc);
	for (size_t k = 0; k < n; k++) {
		size_t i;

		for (i = 0; i < cur.n; i++)
			if (strcmp(cur.v[i].row->code, codes[k]) == 0)
				break;
		if (i == cur.n || sc[i] <= 0 || sc[i] < top)
			continue;
		if (sc[i] > top) {
			top = sc[i];
			best = codes[k];
		}
		/* Tied with the best so far, or above it. */
		if (prefer != NULL && strcmp(codes[k], prefer) == 0)
			best = codes[k];
	}
	return best;
}

const char *
lang_near(const char *code)
{
	const char *const *items;
	size_t n;

	if (code == NULL || (items = lang_items(code, "near", &n)) == NULL ||
	    n == 0)
		return NULL;
	return items[0];
}

/* ------------------------------------------------------------ commands */

char *
lang_fold(const char *text)
{
	size_t len = strlen(text), flen, start = 0, end;
	char *f = lang_fold_alloc(text, len, &flen), *out;
	struct buf b;
	size_t i;
	int space = 0;

	end = flen;
	while (start < end && (f[start] == ' ' || f[start] == '\t' ||
	    f[start] == '\n' || f[start] == '\r'))
		start++;
	/* "¿" and "¡" open Spanish questions and exclamations. */
	if (end - start >= 2 && (unsigned char)f[start] == 0xc2 &&
	    ((unsigned char)f[start + 1] == 0xbf ||
	    (unsigned char)f[start + 1] == 0xa1))
		start += 2;
	while (end > start && (f[end - 1] == ' ' || f[end - 1] == '\t' ||
	    f[end - 1] == '\n' || f[end - 1] == '\r'))
		end--;
	if (end > start && strchr("!?.,;:", f[end - 1]) != NULL)
		end--;
	buf_init(&b);
	for (i = start; i < end; i++) {
		char c = f[i];

		if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			space = 1;
			continue;
		}
		if (space && b.len > 0)
			buf_addc(&b, ' ');
		space = 0;
		buf_addc(&b, c);
	}
	/* A space left before the dropped mark ("Vérifier !"). */
	while (b.len > 0 && b.s[b.len - 1] == ' ')
		buf_truncate(&b, b.len - 1);
	if (b.s == NULL)
		buf_adds(&b, "");
	out = buf_detach(&b);
	free(f);
	return out;
}

/*
 * Does text hold an item of key of a loaded language as a whole word
 * (items folded as written, text folded)? upper: only written in capitals
 * ("Type HUMAN", not "a human").
 */
int
lang_text_names(const char *text, const char *key, int upper)
{
	const struct lang_row *r;
	char *f = upper ? xstrdup(text) : lang_fold(text);
	int found = 0;

	for (size_t i = 0; !found && (r = lang_row_at(i)) != NULL; i++) {
		const char *const *items;
		size_t n;

		if ((items = lang_items(r->code, key, &n)) == NULL)
			continue;
		for (size_t k = 0; !found && k < n; k++) {
			char *w = lang_fold(items[k]);
			size_t wn = strlen(w);

			for (size_t c = 0; upper && c < wn; c++)
				w[c] = (char)toupper((unsigned char)w[c]);
			for (const char *p = f; !found && wn > 0 &&
			    (p = strstr(p, w)) != NULL; p++)
				found = (p == f || !isalnum((unsigned char)
				    p[-1])) && !isalnum((unsigned char)p[wn]);
			free(w);
		}
	}
	free(f);
	return found;
}
