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
	/* Its heading shares words with the question (else a hit covering
	 * little of it is "aside": see SEARCH_ASIDE_COVERAGE). */
	h.heading = coverage;
	/* No page prior (search_hit.page_p): the decision as it was. */
	h.prior = 1;
	h.page_p = -1;
	h.page_rival = -1;
	return h;
}

#endif
