/*
 * phrases: every sentence the bot says itself, per language, loaded from
 * replies/phrases/LANG.txt and replies/phrases/AREA.LANG.txt (e.g.
 * escalate.fr.txt: one area's phrases). A file is a list of entries:
 *
 *   [key]
 *   Text of the phrase, one or more lines, with {placeholders}.
 *
 * Lines starting with '#' before the first [key] are comments. A phrase
 * missing in one language falls back to English, then to the key itself
 * (and the loader warns). No libraries; reads only the files it is given.
 */
#ifndef SECOURS_PHRASES_H
#define SECOURS_PHRASES_H

#include <stddef.h>

struct phrases;

struct phrases *phrases_new(void);
void phrases_free(struct phrases *p);

/* Loads every LANG.txt and AREA.LANG.txt in dir (and in dir/phrases/). Returns the
 * number of files loaded, or -1. Problems are logged with file:line. */
int phrases_load_dir(struct phrases *p, const char *dir);
/* Loads one language from memory (tests). Returns 0 or -1. */
int phrases_load_buffer(struct phrases *p, const char *lang,
    const char *name, const char *data, size_t len);

/* 1 if lang has its own phrase file. */
int phrases_has_lang(const struct phrases *p, const char *lang);

/* Borrowed raw text (with {placeholders}). Never NULL. */
const char *phrases_get(const struct phrases *p, const char *lang,
    const char *key);

/* Text with {name} replaced by values from vars, a NULL-terminated list of
 * name, value pairs; unknown placeholders are left as they are.
 * New string; caller frees. */
char *phrases_render(const struct phrases *p, const char *lang,
    const char *key, const char *const *vars);

#endif
