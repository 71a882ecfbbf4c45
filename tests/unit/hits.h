/*
 * hits.h: a search result made by hand, with the fields search_decide()
 * and search_is_answer() read, for test_search and test_lexicon.
 */
#ifndef SECOURS_HITS_H
#define SECOURS_HITS_H

#include <string.h>

#include "search.h"

static struct search_hit
mkhit(double score, double coverage, double rarity, size_t words,
    size_t matched)
{
	struct search_hit h;

	memset(&h, 0, sizeof(h));
	h.score = score;
	h.coverage = coverage;
	h.rarity = rarity;
	h.words = words;
	h.matched = matched;
	return h;
}

#endif
