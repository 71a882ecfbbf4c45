/*
 * labels.h: the expected-answer labels of the question sets
 * (tests/fixtures/questions*.tsv, bench/dfak-questions.tsv), shared by
 * test_quality and bench/guide_dump. An expected field is one or more
 * alternatives joined by " | ", each one of:
 *
 *   stem                 any section of stem.LANG.md (any language) or stem.md
 *   file.md              any section of that page file
 *   file.md :: Heading   that one section (".md" may be left out)
 *   -                    the guide has no good answer
 *
 * A file is compared by its base name, so "Malware.md" names en/Malware.md
 * and fr/Malware.md alike.
 *
 * labels_judge() counts a decided question the one way test_quality,
 * bench/guide_dump and bench/rank_eval count it, page outcomes
 * (search.h: SEARCH_PAGE) included.
 */
#ifndef SECOURS_LABELS_H
#define SECOURS_LABELS_H

#include <string.h>

#include "bot.h"
#include "guide.h"
#include "search.h"

/* Pages and sections that carry keywords (the DFAK measurement wants
 * none: -K). */
static inline size_t
labels_keyworded(const struct guide *g)
{
	size_t n = 0;

	for (size_t p = 0; p < guide_npages(g); p++)
		n += guide_page_keywords(g, p)[0] != '\0' ||
		    guide_page_asks(g, p)[0] != '\0';
	for (size_t i = 0; i < guide_nsections(g); i++)
		n += guide_section_keywords(g, i)[0] != '\0' ||
		    guide_section_asks(g, i)[0] != '\0';
	return n;
}

static const char *
labels_base(const char *path)
{
	const char *b = strrchr(path, '/');

	return b ? b + 1 : path;
}

/* Does base name f (e.g. "phishing.fr.md") belong to page label p[0..n)? */
static int
labels_file(const char *p, size_t n, const char *f)
{
	size_t fl = strlen(f);

	if (n >= 3 && memcmp(p + n - 3, ".md", 3) == 0)
		return fl == n && memcmp(p, f, n) == 0;
	/* "stem": stem.md, stem.xx.md; or "file" for "file.md". */
	if (fl == n + 3 && memcmp(f, p, n) == 0 && strcmp(f + n, ".md") == 0)
		return 1;
	return fl == n + 6 && memcmp(f, p, n) == 0 && f[n] == '.' &&
	    f[n + 1] >= 'a' && f[n + 1] <= 'z' && f[n + 2] >= 'a' &&
	    f[n + 2] <= 'z' && strcmp(f + n + 3, ".md") == 0;
}

/* Does one of the alternatives of expected name file f (a base name),
 * and, when head is not NULL and the alternative names a section, that
 * section's heading? */
static inline int
labels_alt(const char *expected, const char *f, const char *head)
{
	const char *p = expected;

	while (p != NULL && *p != '\0') {
		const char *bar = strstr(p, " | "), *sep;
		size_t n = bar ? (size_t)(bar - p) : strlen(p), fn;

		while (n > 0 && p[n - 1] == ' ')
			n--;
		while (n > 0 && *p == ' ') {
			p++;
			n--;
		}
		sep = memmem(p, n, " :: ", 4);
		fn = sep ? (size_t)(sep - p) : n;
		if (labels_file(p, fn, f) && (sep == NULL || head == NULL ||
		    (strlen(head) == n - fn - 4 &&
		    memcmp(sep + 4, head, n - fn - 4) == 0)))
			return 1;
		p = bar ? bar + 3 : NULL;
	}
	return 0;
}

/* Is section sec of g one of the alternatives of expected? */
static int
labels_match(const char *expected, const struct guide *g, size_t sec)
{
	return labels_alt(expected, labels_base(guide_page_path(g,
	    guide_section_page(g, sec))), guide_section_heading(g, sec));
}

/* Does page of g belong to one of the alternatives of expected (its file,
 * whatever section the alternative names)? */
static inline int
labels_page(const char *expected, const struct guide *g, size_t page)
{
	return labels_alt(expected, labels_base(guide_page_path(g, page)),
	    NULL);
}

/* Cuts each alternative of expected to its page, in place: "Page.md ::
 * Heading | Other.md" becomes "Page.md | Other.md" (guide_dump -P: is
 * the right page found?). */
static inline void
labels_cut_pages(char *expected)
{
	char *r = expected, *w = expected;

	while (*r != '\0') {
		char *bar = strstr(r, " | "), *sep;
		size_t n = bar ? (size_t)(bar - r) : strlen(r);

		sep = memmem(r, n, " :: ", 4);
		if (w != expected) {
			memmove(w, " | ", 3);
			w += 3;
		}
		memmove(w, r, sep ? (size_t)(sep - r) : n);
		w += sep ? (size_t)(sep - r) : n;
		if (bar == NULL)
			break;
		r = bar + 3;
	}
	*w = '\0';
}

/* Is the n-th non-comment line (from 1) of a set split in halves a TEST
 * line (its misses never printed, never tuned on)? The one rule of the
 * halves, for test_quality, bench/rank_eval, bench/guide_dump -H and
 * bench/hits_dump: odd lines tune, even lines test. */
static inline int
labels_half_test(long n)
{
	return n % 2 == 0;
}


/* How one decided question fares against its label. */
struct labels_judged {
	int	top1;	/* ANSWER and the section it shows first right
			   (labels_judge(): the best hit) ("-": neither an
			   ANSWER nor a PAGE) */
	int	rank1;	/* the best hit right, whatever the outcome ("-":
			   as top1) */
	int	top3;	/* one of the hits right ("-": as top1) */
	int	page;	/* a PAGE outcome */
	int	page_right; /* a PAGE on a page the label names */
	int	page1;	/* top1, or a PAGE on a page the label names (for
			   a section label, the person sees that section
			   in the page's list; "-": as top1) */
	int	wrong;	/* confident and wrong: an ANSWER not right, or a
			   PAGE on a page the label does not name (any of
			   them to a "-" question) */
};

/* Judges outcome o on hits[0..n) against expected, an ANSWER by the
 * section it shows first, shown (bot_answer_first(): the best hit, or
 * where the steps it points back at start), not by the best hit alone:
 * the measurement counts what the person reads. */
static inline void
labels_judge_shown(const char *expected, const struct guide *g,
    const struct search_hit *hits, size_t n, enum search_outcome o,
    size_t shown, struct labels_judged *j)
{
	int sure = o == SEARCH_ANSWER || o == SEARCH_PAGE;

	memset(j, 0, sizeof(*j));
	j->page = o == SEARCH_PAGE;
	if (strcmp(expected, "-") == 0) {
		j->top1 = j->rank1 = j->top3 = j->page1 = !sure;
		j->wrong = sure;
		return;
	}
	for (size_t k = 0; k < n; k++) {
		if (!labels_match(expected, g, hits[k].section))
			continue;
		j->top3 = 1;
		j->rank1 |= k == 0;
	}
	j->top1 = o == SEARCH_ANSWER && n > 0 && (shown == hits[0].section ?
	    j->rank1 : labels_match(expected, g, shown));
	j->page_right = j->page && n > 0 &&
	    labels_page(expected, g, hits[0].page);
	j->page1 = j->top1 || j->page_right;
	j->wrong = (o == SEARCH_ANSWER && !j->top1) ||
	    (j->page && !j->page_right);
}

/* How many hits the bot asks for (bot.c BOT_NHITS): an answer's first
 * section may be found among them (bot_answer_first()). */
#define LABELS_NHITS	10

/* The section an answer shows first to question text (lang: NULL to
 * detect) of s, whose three best hits are hits (outcome o at bar min):
 * the best hit, or bot_answer_first() of the ten hits the bot asks for
 * (when their best is the same). GUIDE_NONE for no answer. */
static inline size_t
labels_shown(const struct guide *g, const struct search *s,
    const char *text, const char *lang, const struct search_hit *hits,
    enum search_outcome o, double min)
{
	struct search_hit all[LABELS_NHITS];
	size_t n;

	if (o != SEARCH_ANSWER)
		return GUIDE_NONE;
	n = search_query(s, text, lang, all, LABELS_NHITS);
	if (n == 0 || all[0].section != hits[0].section)
		return hits[0].section;
	return bot_answer_first(g, all, n, min);
}

/* Judges outcome o on hits[0..n) against expected, an ANSWER by its best
 * hit (what the search found; labels_judge_shown() counts what is
 * read). */
static inline void
labels_judge(const char *expected, const struct guide *g,
    const struct search_hit *hits, size_t n, enum search_outcome o,
    struct labels_judged *j)
{
	labels_judge_shown(expected, g, hits, n, o,
	    n > 0 ? hits[0].section : (size_t)-1, j);
}

#endif
