/*
 * phrases: every sentence the bot says itself, per language, loaded from
 * replies/phrases/LANG.txt and replies/phrases/AREA.LANG.txt (e.g.
 * escalate.fr.txt: one area's phrases). A file is a list of entries:
 *
 *   [key]
 *   Text of the phrase, one or more lines, with {placeholders}.
 *
 * Lines starting with '#' before the first [key] are comments (after it,
 * every line up to the next [key] is text). Leading and trailing blank lines
 * of an entry are dropped; blank lines inside are kept. A phrase missing in
 * one language falls back to English, then to the key itself (and
 * phrases_check() warns). The loader refuses, with a file:line warning, text
 * outside any [key], empty entries, and text chat_is_safe() refuses (bad
 * UTF-8, a tab or control character, '<', '>', an entity, "?OTR": chat
 * clients would misread it); a duplicate key warns and the
 * later one wins. No libraries; reads only the files it is given.
 */
#ifndef SECOURS_PHRASES_H
#define SECOURS_PHRASES_H

#include <stddef.h>

struct phrases;

/* An empty phrase table; phrases_free() frees it (NULL is fine). */
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

/* 1 if lang itself has key (no fallback). */
int phrases_exists(const struct phrases *p, const char *lang, const char *key);

/* Warns about every key of ref (e.g. "en") missing in another loaded
 * language, and every key missing in ref. Returns how many. */
int phrases_check(const struct phrases *p, const char *ref);

/* The bot cannot start without its sentences: every key of ref (the
 * English files, en.txt and AREA.en.txt) must exist in ref and in every
 * other loaded language. Logs one error per language naming the keys it
 * lacks (or that ref is missing). Returns how many are missing; 0: ready. */
int phrases_require(const struct phrases *p, const char *ref);

/* Loads dir's phrase files (as phrases_load_dir) and checks them with
 * phrases_require(p, "en"). Returns 0, or -1 (logged) when there are none
 * or some are missing: the bot must not start. */
int phrases_load_required(struct phrases *p, const char *dir);

/* Text with {name} replaced by values from vars, a NULL-terminated list of
 * name, value pairs; unknown placeholders are left as they are.
 * New string; caller frees. */
char *phrases_render(const struct phrases *p, const char *lang,
    const char *key, const char *const *vars);

#endif
