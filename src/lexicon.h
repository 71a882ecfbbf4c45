/*
 * lexicon: concepts that join words across languages and synonyms, as data
 * (replies/lexicon.txt). search.c folds and stems the terms and adds a
 * concept to every section and question that uses one of its terms.
 *
 *   # comment (also after a line's content)
 *   [concept-name] subject      tags: "subject", "weak", "name",
 *   en: term, multi word term   "addressed" (inside the brackets or
 *   fr: terme                   after them)
 *   es: "hacerse pasar por"     in quotes: an expression, every word
 *                               kept (search.c: query_expressions())
 *   *: whatsapp                 same in every language
 *
 * Invariants: a bad line is skipped with one warning naming file:line and
 * never stops the rest; lexicon_error() keeps the first such message. Terms
 * are kept as written (search.c folds them); a concept name is ASCII
 * letters, digits, '-' and '_'. No libraries; reads only the file given.
 */
#ifndef SECOURS_LEXICON_H
#define SECOURS_LEXICON_H

#include <stddef.h>

struct lexicon;

#define LEXICON_SUBJECT	0x1	/* what a question or section is about */
#define LEXICON_WEAK	0x2	/* too general to count alone */
#define LEXICON_NAME	0x4	/* a platform, product or organisation: what
				   the guide says of its kind applies, named
				   or not (never a question's key concept) */
#define LEXICON_ADDRESSED 0x8	/* what a question addressed to the bot is
				   about ("your key", "ton empreinte": the
				   bot's; [you] of the language files) */
#define LEXICON_VAGUE	0x10	/* says no situation of its own: a kind
				   of a subject ("phone", "laptop";
				   search.c: question_subject_only()) */
#define LEXICON_LAW	0x20	/* asks what the law allows ("legally",
				   "ai-je le droit"): a guide gives no legal
				   advice (search.c: question_law()) */

/* An empty lexicon (no concepts); lexicon_free() frees it (NULL is fine). */
struct lexicon *lexicon_new(void);
void lexicon_free(struct lexicon *lx);

/* Loads a lexicon file. Returns how many concepts it holds, or -1 when the
 * file cannot be read or has a bad line (the good lines are kept). */
int lexicon_load_file(struct lexicon *lx, const char *path);
/* Loads dir/lexicon.txt when it exists (0 when it does not: search works
 * without concepts). Returns as lexicon_load_file. */
int lexicon_load_dir(struct lexicon *lx, const char *dir);
/* Same from memory; name is used in messages. */
int lexicon_load_buffer(struct lexicon *lx, const char *name,
    const char *data, size_t len);

/* The first problem met, as "file:line: message", or NULL. Borrowed. */
const char *lexicon_error(const struct lexicon *lx);

/* How many concepts it holds (0 for NULL); concepts are 0 to n - 1. */
size_t lexicon_nconcepts(const struct lexicon *lx);
/* Borrowed: valid until lexicon_free(). */
const char *lexicon_concept_name(const struct lexicon *lx, size_t c);
/* LEXICON_SUBJECT, LEXICON_WEAK, LEXICON_NAME or'ed. */
unsigned lexicon_concept_flags(const struct lexicon *lx, size_t c);
/* Index of the concept called name, or -1. */
int lexicon_concept_find(const struct lexicon *lx, const char *name);

/* Terms: every term of every concept, in file order. */
size_t lexicon_nterms(const struct lexicon *lx);
size_t lexicon_term_concept(const struct lexicon *lx, size_t t);
/* "en", "fr"... or "*" for every language. Borrowed. */
const char *lexicon_term_lang(const struct lexicon *lx, size_t t);
/* The term as written (trimmed). Borrowed. */
const char *lexicon_term_text(const struct lexicon *lx, size_t t);

#endif
