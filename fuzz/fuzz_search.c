/*
 * fuzz_search: bytes -> lang_fold(), search_tokens() in fr/en/es,
 * lang_detect(), and search_query() on two guides with the concept
 * lexicon of replies/: replies/ itself (every page has asks) and
 * tests/fixtures/notasks/ (pages in the DFAK's layout, no asks, where
 * search_decide() can say SEARCH_PAGE: "this page, which part?"); then
 * search_decide() (hits in range, sorted, scores not NaN; each outcome's
 * promise, an answer's against search_decide_why()'s record of the bar
 * and the prior's part, search_page_why() for a page). search.h: "safe on any byte
 * string (invalid UTF-8 is skipped)"; folded text and tokens must come
 * out valid UTF-8.
 */
#include "ac-config.h"

#include <math.h>
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
#ifndef FUZZ_NOTASKS_DIR
#define FUZZ_NOTASKS_DIR "tests/fixtures/notasks"
#endif

/* A guide and its index, with the bar the daemon would hold it to. */
struct target {
	struct guide	*g;
	struct search	*s;
	double		 min_score;
};

static struct target	replies, notasks;
static struct lexicon	*lexicon;

static void
target_load(struct target *t, const char *dir)
{
	t->g = guide_new();
	if (guide_load_dir(t->g, dir, "en") <= 0) {
		fprintf(stderr, "fuzz_search: no guide pages in %s (set "
		    "FUZZ_REPLIES, FUZZ_NOTASKS)\n", dir);
		abort();
	}
	t->s = search_new_lex(t->g, lexicon);
	t->min_score = search_min_score(t->s);
}


int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *dir = getenv("FUZZ_REPLIES"), *na = getenv("FUZZ_NOTASKS");

	(void)argc;
	(void)argv;
	fuzz_setup();
	lexicon = lexicon_new();
	(void)lexicon_load_dir(lexicon, dir ? dir : FUZZ_REPLIES_DIR);
	target_load(&replies, dir ? dir : FUZZ_REPLIES_DIR);
	/* replies/' own bar, as before: the tuned default. */
	replies.min_score = SEARCH_DEFAULT_MIN_SCORE;
	target_load(&notasks, na ? na : FUZZ_NOTASKS_DIR);
	return 0;
}

/*
 * The page outcome's promises (search.h: SEARCH_PAGE): the best hit's
 * page gets the list, so its hits name sections of that page (the bot
 * lists them first, each once), it has a section with text to list, and
 * search_page_why() says why in a line that fits the buffer it is given;
 * for any other outcome it says nothing and leaves the buffer alone.
 */
static void
check_page(const struct target *t, const struct search_hit *hits, size_t n,
    enum search_outcome o, const char *text)
{
	char why[512], tiny[16];
	size_t i, k, page, first, nsec, listed = 0, onpage = 0;

	memset(why, 'x', sizeof(why));
	if (o != SEARCH_PAGE) {
		if (search_page_why(hits, n, t->min_score, why, sizeof(why)) ||
		    why[0] != 'x')
			fuzz_fail("search_page_why: a reason without a page",
			    text);
		return;
	}
	if (!search_page_why(hits, n, t->min_score, why, sizeof(why)) ||
	    strncmp(why, "page outcome: ", 14) != 0 ||
	    memchr(why, '\0', sizeof(why)) == NULL || !fuzz_utf8_valid(why) ||
	    fuzz_has_control(why, ""))
		fuzz_fail("search_page_why: no reason for a page", text);
	memset(tiny, 'x', sizeof(tiny));
	if (!search_page_why(hits, n, t->min_score, tiny, sizeof(tiny)) ||
	    tiny[sizeof(tiny) - 1] != '\0' ||
	    strncmp(tiny, why, sizeof(tiny) - 1) != 0)
		fuzz_fail("search_page_why: not cut to its buffer", text);
	page = hits[0].page;
	if (page >= guide_npages(t->g))
		fuzz_fail("SEARCH_PAGE: no such page", text);
	first = guide_page_first_section(t->g, page);
	nsec = guide_page_nsections(t->g, page);
	for (i = 0; i < nsec; i++)
		listed += guide_section_text(t->g, first + i)[0] != '\0';
	if (listed == 0)
		fuzz_fail("SEARCH_PAGE: a page with nothing to list", text);
	for (i = 0; i < n; i++) {
		if (hits[i].page != page)
			continue;
		if (hits[i].section < first || hits[i].section >= first + nsec)
			fuzz_fail("SEARCH_PAGE: a hit of the page outside it",
			    text);
		for (k = 0; k < i; k++)
			if (hits[k].section == hits[i].section)
				fuzz_fail("SEARCH_PAGE: a section listed twice",
				    text);
		onpage++;
	}
	if (onpage < 2)
		fuzz_fail("SEARCH_PAGE: fewer than 2 hits on the page", text);
}

/*
 * The decision's record (search.h: struct search_decision) against the
 * outcome and the hits: the outcome is search_decide()'s, the bar is a
 * positive number, the prior vouches only on a page with asks and never
 * both vouches and doubts, and the asks pick a page (search.c
 * asks_pick()) only where the prior neither doubts nor vouches; an
 * answer reaches the bar the record says decide() used (or, clear,
 * stands out on a page without asks that would be offered: then it
 * scores SEARCH_CHOICE_MIN and another hit of the SEARCH_AGREE_HITS best
 * is on its page), is on the question's subject unless the prior
 * vouched, does not lack its key concept and has no reason against it;
 * on a page without asks (plain_decide()) the prior had no part, and no
 * other page among the SEARCH_AGREE_HITS best scores as high as it (the
 * rule asks less: within 0.9 of it); any other outcome says why not.
 */
static void
check_record(const struct search_hit *hits, size_t n,
    enum search_outcome o, const struct search_decision *d,
    const char *text)
{
	size_t k;

	if (d->outcome != o)
		fuzz_fail("search_decide_why: not search_decide()'s outcome",
		    text);
	if (n == 0)
		return;
	if (!(d->bar > 0) || !isfinite(d->bar) ||
	    (d->vouched && d->doubted) || (d->forbade && d->vouched) ||
	    (d->plain != (hits[0].page_p < 0)) ||
	    (d->plain && (d->vouched || d->doubted)) ||
	    (d->picked && (d->doubted || d->vouched || d->plain)))
		fuzz_fail("search_decide_why: a record that does not add up",
		    text);
	if (o != SEARCH_ANSWER) {
		if (d->refused == NULL || !fuzz_utf8_valid(d->refused))
			fuzz_fail("search_decide_why: no reason for no answer",
			    text);
		return;
	}
	if (d->refused != NULL || d->forbade ||
	    (hits[0].score < d->bar && !d->clear) ||
	    (hits[0].off_subject && !d->vouched) || hits[0].lacks_key)
		fuzz_fail("search_decide: answer that is not one", text);
	if (!d->plain) {
		if (d->clear)
			fuzz_fail("search_decide: a clear section on a page "
			    "with asks", text);
		return;
	}
	for (k = 1; d->clear && k < n && k < SEARCH_AGREE_HITS; k++)
		if (hits[k].page == hits[0].page && !hits[k].copy)
			break;
	if (d->clear && (hits[0].score < SEARCH_CHOICE_MIN ||
	    k == n || k == SEARCH_AGREE_HITS))
		fuzz_fail("search_decide: a clear section whose page would "
		    "not be offered", text);
	for (k = 1; k < n && k < SEARCH_AGREE_HITS; k++)
		if (hits[k].page != hits[0].page && !hits[k].copy &&
		    !hits[k].translation && hits[k].score >= hits[0].score)
			fuzz_fail("search_decide: an answer on a page without "
			    "asks that another page ties", text);
}

/* The input as a question to a guide. */
static void
query(const struct target *t, const char *text, const char *lang)
{
	struct search_hit hits[10];
	struct search_decision d;
	enum search_outcome o;
	size_t i, n;

	n = search_query(t->s, text, lang, hits, ARRAY_LEN(hits));
	if (n > ARRAY_LEN(hits))
		fuzz_fail("search_query: more hits than asked", text);
	/* Best first: by score x the page prior (search.h; all ten hits
	 * are the prior's nb_k), the score alone without one. */
	for (i = 0; i < n; i++)
		if (hits[i].section >= guide_nsections(t->g) ||
		    hits[i].page != guide_section_page(t->g,
		    hits[i].section) ||
		    !(hits[i].score >= 0) || !(hits[i].prior > 0) ||
		    hits[i].prior > 1 || (i > 0 && hits[i].score *
		    hits[i].prior > hits[i - 1].score * hits[i - 1].prior))
			fuzz_fail("search_query: bad hit", text);
	/* Each outcome's promise; an answer's from the record of the
	 * decision (check_record()): the bar decide() used, the prior's
	 * part. PAGE only above the floor, on its subject, with another
	 * hit to agree. */
	o = search_decide(hits, n, t->min_score);
	(void)search_decide_why(hits, n, t->min_score, &d);
	check_record(hits, n, o, &d, text);
	switch (o) {
	case SEARCH_ANSWER:
		break;
	case SEARCH_CHOICES:
		if (n == 0 || hits[0].score < SEARCH_CHOICE_MIN)
			fuzz_fail("search_decide: choices below the floor", text);
		break;
	case SEARCH_PAGE:
		/* A page: close, on its subject, and the best hits agree;
		 * with the question's key concept, unless the page has no
		 * asks and its title names a topic of the question (search.c
		 * page_titled(), s14-dec). */
		if (n < 2 || hits[0].score < SEARCH_CHOICE_MIN ||
		    hits[0].off_subject || (hits[0].lacks_key &&
		    (hits[0].page_p >= 0 || hits[0].title_topics == 0)))
			fuzz_fail("search_decide: a page that is not one", text);
		break;
	case SEARCH_NONE:
		break;
	}
	check_page(t, hits, n, o, text);
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
	query(&replies, text, NULL);
	query(&replies, text, "es");
	query(&notasks, text, NULL);
	query(&notasks, text, "fr");
	free(text);
	return 0;
}
