/*
 * fuzz_search: bytes -> lang_fold(), search_tokens() in fr/en/es,
 * lang_detect(), and search_query() on the guide in replies/ with
 * its concept lexicon, then search_decide() (hits
 * in range, sorted, scores not NaN). search.h: "safe on any byte string (invalid UTF-8
 * is skipped)"; folded text and tokens must come out valid UTF-8.
 */
#include "ac-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "guide.h"
#include "lang.h"
#include "lexicon.h"
#include "search.h"
#include "util.h"

#ifndef FUZZ_REPLIES_DIR
#define FUZZ_REPLIES_DIR "replies"
#endif

static struct guide	*guide;
static struct search	*index_;
static struct lexicon	*lexicon;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *dir = getenv("FUZZ_REPLIES");

	(void)argc;
	(void)argv;
	fuzz_setup();
	guide = guide_new();
	if (guide_load_dir(guide, dir ? dir : FUZZ_REPLIES_DIR, "en") <= 0) {
		fprintf(stderr, "fuzz_search: no guide pages in %s (set "
		    "FUZZ_REPLIES)\n", dir ? dir : FUZZ_REPLIES_DIR);
		abort();
	}
	lexicon = lexicon_new();
	(void)lexicon_load_dir(lexicon, dir ? dir : FUZZ_REPLIES_DIR);
	index_ = search_new_lex(guide, lexicon);
	return 0;
}

/* The input as a question to the project's own guide. */
static void
query(const char *text, const char *lang)
{
	struct search_hit hits[10];
	size_t i, n;

	n = search_query(index_, text, lang, hits, ARRAY_LEN(hits));
	if (n > ARRAY_LEN(hits))
		fuzz_fail("search_query: more hits than asked", text);
	/* Best first: by score x the page prior (search.h; all ten hits
	 * are the prior's nb_k), the score alone without one. */
	for (i = 0; i < n; i++)
		if (hits[i].section >= guide_nsections(guide) ||
		    !(hits[i].score >= 0) || !(hits[i].prior > 0) ||
		    hits[i].prior > 1 || (i > 0 && hits[i].score *
		    hits[i].prior > hits[i - 1].score * hits[i - 1].prior))
			fuzz_fail("search_query: bad hit", text);
	/* CHOICES or NONE below the choice floor; ANSWER only when the best
	 * hit is an answer and on its subject; PAGE only above the floor, on
	 * its subject, with another hit to agree. */
	switch (search_decide(hits, n, SEARCH_DEFAULT_MIN_SCORE)) {
	case SEARCH_ANSWER:
		if (n == 0 || hits[0].off_subject ||
		    !search_is_answer(&hits[0], SEARCH_DEFAULT_MIN_SCORE))
			fuzz_fail("search_decide: answer that is not one", text);
		break;
	case SEARCH_CHOICES:
		if (n == 0 || hits[0].score < SEARCH_CHOICE_MIN)
			fuzz_fail("search_decide: choices below the floor", text);
		break;
	case SEARCH_PAGE:
		/* A page: close, on its subject, and the best hits agree. */
		if (n < 2 || hits[0].score < SEARCH_CHOICE_MIN ||
		    hits[0].off_subject || hits[0].lacks_key)
			fuzz_fail("search_decide: a page that is not one", text);
		break;
	case SEARCH_NONE:
		break;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const langs[] = { "fr", "en", "es", "de", "xx" };
	char *text = fuzz_strndup(data, size), *out;
	const char *lang;
	size_t i, best, other;

	out = lang_fold(text);
	if (out == NULL || !fuzz_utf8_valid(out))
		fuzz_fail("lang_fold: not UTF-8", out);
	free(out);
	for (i = 0; i < sizeof(langs) / sizeof(langs[0]); i++) {
		out = search_tokens(text, langs[i]);
		if (out == NULL || !fuzz_utf8_valid(out))
			fuzz_fail("search_tokens: not UTF-8", out);
		free(out);
	}
	lang = lang_detect(text);
	if (lang != NULL && strlen(lang) != 2)
		fuzz_fail("lang_detect: not a 2-letter code", lang);
	lang = lang_detect_counts(text, "fr", &best, &other);
	if (lang != NULL && strcmp(lang, "fr") == 0 && other != best)
		fuzz_fail("lang_detect_counts: fr wins, counts differ",
		    lang);
	query(text, NULL);
	query(text, "es");
	free(text);
	return 0;
}
