/*
 * search_tune.h: the ranking constants of src/search.c (BM25_K1, W_HEADING,
 * ... in lower case: "bm25_k1", "w_heading"), varied by measurements only
 * (bench/rank_eval.c). Only search.c and measurement programs include
 * it: the daemon ranks with the defaults written in search.c. A value set
 * applies to indexes built (search_new*) and queries run after it; it is
 * process-wide and not thread-safe.
 */
#ifndef SECOURS_SEARCH_TUNE_H
#define SECOURS_SEARCH_TUNE_H

#include <stddef.h>

/* Name of the i-th ranking constant, or NULL past the last one. */
const char *search_tune_name(size_t i);
/* Value of a ranking constant; -1 when no constant has that name. */
int search_tune_get(const char *name, double *v);
/* Sets a ranking constant; -1 when no constant has that name. */
int search_tune_set(const char *name, double v);
/* A near match a query made (kind 'p' prefix, 't' typo): the question's
 * stem and the guide's term it reached. */
typedef void (*search_near_fn)(void *arg, int kind, const char *stem,
    size_t sl, const char *term, size_t tl);
/* Calls fn for each near match of the queries run after it, for
 * measurements (guide_dump -v); NULL: none. Process-wide. */
void search_tune_near_hook(search_near_fn fn, void *arg);

#endif
