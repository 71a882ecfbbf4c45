/*
 * lang: everything the bot knows about human languages, in one place.
 *
 * - The table of languages (lang_row): one row per language code the bot
 *   recognises (guide folders and file suffixes, LANG xx, phrase files),
 *   with its English name and its Snowball stemmer. The rows' order is the
 *   order in which a notice lists its languages.
 * - Words as data: DATADIR/lang/<code>.txt, one file per language, holds
 *   its command words, yes/no words, ways of asking for a person, helper
 *   commands, weekday names, stopwords, language hints and elisions:
 *
 *     # comment
 *     [cmd.help]
 *     help
 *     [stopwords]
 *     a, about, am, an
 *
 *   An entry's items are separated by newlines or commas. Keys are the
 *   rows of lang.c's key table: an unknown key is an error, and English
 *   must have every key the code uses (lang_load_dir names the missing
 *   one). A word listed by two languages for the same key tells neither
 *   ("stop" is English and French). Adding a language is adding a file.
 * - Folding (lang_fold): Unicode case fold with compatibility
 *   decomposition (libunistring), marks dropped, apostrophes and dashes
 *   unified; word splitting with elisions cut and stopwords dropped
 *   (lang_split); language detection from stopwords and hints
 *   (lang_detect).
 *
 * Invariants: the loaded data is process-wide and read-only once loaded;
 * lang_load_dir() replaces it all or leaves it untouched. Without loaded
 * data nothing is a stopword, no language is detected and no command word
 * matches. Depends on util, log and lexicon (lang_guess() reads the
 * lexicon file's terms) only: no guide, search, bot, escalate.
 */
#ifndef SECOURS_LANG_H
#define SECOURS_LANG_H

#include <stddef.h>
#include <stdint.h>

#define LANG_WORD_MAX	48	/* bytes of one folded word; the rest is cut */

struct lang_row {
	const char	*code;		/* ISO 639-1, lower case */
	const char	*name;		/* English name */
	const char	*stemmer;	/* libstemmer algorithm, or NULL */
};

/* The row of code (exactly n bytes), or NULL. Borrowed, static. */
const struct lang_row *lang_row_n(const char *code, size_t n);
/* The row of a NUL-terminated code, or NULL. Borrowed, static. */
const struct lang_row *lang_row(const char *code);
/* Row i of the table, in notice order; NULL past the end. Borrowed. */
const struct lang_row *lang_row_at(size_t i);

/* Loads every DATADIR/lang/<code>.txt. Returns how many languages, or -1
 * (each problem logged as "file:line: message", a missing English key
 * named) and the data loaded before stays. */
int lang_load_dir(const char *datadir);
/* Frees the loaded data (at exit, for leak checkers). */
void lang_unload(void);
/* 1 if a file was loaded for code. */
int lang_loaded(const char *code);

/* Finds folded text (n bytes) among the items of key in every loaded
 * language. Returns 1 if found; *lang (may be NULL) gets the language that
 * lists it, or NULL when several do. Borrowed, static. */
int lang_match(const char *key, const char *folded, size_t n,
    const char **lang);
/* 1 if folded is only items of keys (nkeys), one after the other, one
 * of keys[0..nown) at least: "never mind i fixed it", "ok thanks bye".
 * *lang (may be NULL) gets the language of the first of those that tells
 * one, else is untouched. Linear in the words of folded. */
int lang_match_only(const char *const *keys, size_t nkeys, size_t nown,
    const char *folded, const char **lang);
/* The same in one language, code (NULL: in any): 1 if found. */
int lang_match_in(const char *code, const char *key, const char *folded,
    size_t n);
/* Items of key in lang as written (weekday names), or NULL when lang has
 * no such entry; *n gets the count. Borrowed: valid until lang_unload(). */
const char *const *lang_items(const char *lang, const char *key, size_t *n);
/* 1 if text holds an item of key of a loaded language as a whole word
 * (items folded as written, text folded; upper: only written in
 * capitals, "Type HUMAN", not "a human"). */
int lang_text_names(const char *text, const char *key, int upper);

/* Folds len bytes of text into out (cap bytes; cut there): case folded,
 * compatibility-decomposed, marks dropped, ligatures split, apostrophes
 * "'", dashes "-". Invalid UTF-8 is skipped. Returns the length. */
size_t lang_fold_buf(const char *text, size_t len, char *out, size_t cap);
/* The same into a new NUL-terminated string; *outlen gets its length. */
char *lang_fold_alloc(const char *text, size_t len, size_t *outlen);

/* 1 if code point c is part of a word: an ASCII letter or digit, or a
 * Unicode letter or number (what lang_split() keeps together). */
int lang_is_word_cp(uint32_t c);
/* Folds text for comparisons of commands: lang_fold_buf, surrounding
 * spaces, a leading "¿" or "¡" and one final punctuation mark dropped,
 * inner runs of spaces made one. New string; caller frees. */
char *lang_fold(const char *text);

/* Called for each word; weight is passed through. */
typedef void (*lang_word_fn)(void *arg, const char *w, size_t n,
    float weight);
/* Calls fn for each word of folded text: elisions cut ("l'", "qu'"),
 * apostrophes joined, hyphenated parts and 2-part compounds, e-mail
 * addresses whole, stopwords and one-letter words dropped; URLs skipped
 * when skip_urls. */
void lang_split(const char *folded, size_t len, int skip_urls,
    lang_word_fn fn, void *arg, float weight);
/* 1 if the folded word w (n bytes) is a stopword of a loaded language. */
int lang_is_stopword(const char *w, size_t n);

/* Guesses the language of text from the stopwords and hints of the loaded
 * languages (mostly Cyrillic text with no evidence: "ru"). Returns a
 * borrowed code, or NULL when there is no evidence or a tie. */
const char *lang_detect(const char *text);
/* lang_detect, and when it tells none (no evidence, or a tie: "me acosan
 * en twitter" has "me" and "en" of French and Spanish alike) a second
 * look: a word whose stem only one language's [words] or lexicon terms
 * (DATADIR/lexicon.txt, one-word terms) have counts for it, and "me",
 * "de"... before a vowel counts against a language that elides them
 * ([elisions]: French writes "m'", "d'"). For short messages to the bot;
 * the search and the guide keep lang_detect. Borrowed code, or NULL. */
const char *lang_guess(const char *text);
/* When unsure, the best guess among the languages codes (n of them, in
 * order of preference): lang_guess()'s when it is one of them, else the
 * one of them with most evidence, prefer (may be NULL) among those tied
 * for it, else the first tied in codes' order ("de la ong": French and
 * Spanish alike, never English). NULL when none of them has any
 * evidence. Borrowed: one of codes. */
const char *lang_guess_among(const char *text, const char *const *codes,
    size_t n, const char *prefer);
/* The language to answer in for code, one the desk may not speak: its
 * [near] entry ("pt": "es"), the closest the desk has; NULL when none is
 * told (the person's language, or the default, then). The one rule of
 * every reply to a message in a language the desk does not speak.
 * Borrowed. */
const char *lang_near(const char *code);
/* As lang_detect, and tells the evidence: *best = hits of the winner,
 * *other_hits = hits of language other. Any pointer may be NULL. */
const char *lang_detect_counts(const char *text, const char *other,
    size_t *best, size_t *other_hits);

#endif
