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

#endif
