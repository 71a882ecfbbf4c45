/*
 * search: tokenizer and BM25 index over a loaded guide.
 *
 * Tokens: Unicode NFKC and case folding (libunistring), accents folded,
 * French elisions stripped (l' d' j' qu' c' s' n' m', both apostrophes),
 * stopwords dropped, Snowball stemming (libstemmer) in the text's language.
 * Heading, title and front-matter keywords weigh more than body text.
 *
 * Invariants: search_query() does no allocation proportional to the index,
 * never touches the guide's text, and is safe on any byte string (invalid
 * UTF-8 is skipped).
 */
#ifndef SECOURS_SEARCH_H
#define SECOURS_SEARCH_H

#include <stddef.h>

struct guide;
struct search;

struct search_hit {
	size_t	section;	/* index into the guide */
	double	score;		/* BM25, higher is better */
};

/* Builds an index over every section of g (g must outlive it). */
struct search *search_new(const struct guide *g);
void search_free(struct search *s);

/* Ranks sections for text. lang ("fr", "en", ...) picks the stemmer for the
 * question; NULL means detect. Sections in lang get a small boost. Fills at
 * most max hits, best first; returns how many. */
size_t search_query(const struct search *s, const char *text,
    const char *lang, struct search_hit *hits, size_t max);

/* Guesses the language of text from stopword profiles among the languages
 * the index knows (or fr/en/es); returns a borrowed 2-letter code, or NULL
 * when there is no evidence (e.g. one unknown word). */
const char *search_detect_lang(const char *text);

/* Folds text for comparisons of commands: NFKC, case fold, accents removed,
 * apostrophes unified, surrounding spaces and one final punctuation mark
 * dropped. New string; caller frees. */
char *search_fold(const char *text);

/* For tests and --explain: the tokens of text in lang, space-separated.
 * New string; caller frees. */
char *search_tokens(const char *text, const char *lang);

#endif
