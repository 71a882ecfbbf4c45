/*
 * test_quality: answer quality of the search on the project's own guide
 * ($TOP_SRCDIR/replies, with its lexicon), decided as the bot decides
 * (search_decide() at the guide's search_min_score()). Question sets, one
 * question a line:
 *
 *	lang<TAB>question<TAB>expected
 *
 * lang is a code or "auto" (detect); expected as in labels.h ("stem",
 * "file.md", "file.md :: Heading", alternatives joined by " | ", "-" when
 * the guide has no good answer). Lines expecting "!danger" are skipped
 * (the bot's danger words are tested with the bot).
 *
 *   questions.tsv            the project's first set (tuned on)
 *   questions-helpdesk.tsv   held out: helpdesk questions over the guide
 *   questions-uncovered.tsv  held out: on-domain subjects the guide does not
 *                            cover; none should get a confident answer
 *   questions-long.tsv       held out: three sentences or more, as
 *                            frightened people write (and four uncovered)
 *   questions-scope.tsv      halves: uncovered subjects unlike those of
 *                            questions-uncovered.tsv, and answerable
 *                            questions that share their words
 *   questions-helpdesk2.tsv  halves: helpdesk questions over every page
 *                            stem, labelled by section, written for the
 *                            lexicon's vocabulary (tuned on its odd lines)
 *   questions-helpdesk3.tsv  halves: helpdesk questions over every page,
 *                            labelled by section, with about 10% "-",
 *                            written by someone who had not seen the
 *                            search, the lexicon nor the other sets
 *   questions-uncovered2.tsv halves: on-domain subjects the guide does
 *                            not cover (105 "-"), many sharing words with
 *                            covered pages, and 46 covered questions on the
 *                            same ground, labelled by section; written
 *                            before any run by someone who had not seen the
 *                            search, the lexicon nor the other sets
 *   questions-helpdesk4.tsv  halves: helpdesk questions over every page,
 *                            labelled by section, and on-domain subjects
 *                            no section answers (86 "-" of 261), written
 *                            before any run by someone who had not seen
 *                            the search, the lexicon nor the other sets
 *   questions-fresh.tsv      blind, held out whole: written after two
 *                            sessions had seen the halves above, never
 *                            run while written (its header says when)
 *   questions-fresh-uncovered.tsv  blind, held out whole: on-domain
 *                            subjects the guide does not cover, all "-"
 *   questions-fresh2-uncovered.tsv  blind, held out whole: the same kind,
 *                            written by someone who had not seen the
 *                            lexicon nor the other sets (its header says
 *                            when), all "-"
 *   questions-fresh3.tsv     blind, held out whole: helpdesk questions over
 *                            every page, labelled by section, written by
 *                            someone who had not seen the search, the
 *                            lexicon nor the other sets (its header says
 *                            when)
 *   questions-fresh4-uncovered.tsv  blind, held out whole: on-domain
 *                            subjects the guide does not cover (some sharing
 *                            words with covered pages), all "-", written by
 *                            someone who had not seen the search, the
 *                            lexicon nor the other sets (its header says
 *                            when)
 *   questions-fresh5.tsv     halves since s12, blind before: helpdesk
 *                            questions over every page, labelled by
 *                            section, and on-domain subjects no section
 *                            answers ("-"), written by someone who had
 *                            not seen the search, the lexicon nor the
 *                            other sets (its header says when)
 *   questions-fresh6.tsv     halves since s12, blind before: same kind as
 *                            questions-fresh5.tsv, by another writer (its
 *                            header says when)
 *   questions-fresh7.tsv     halves since s13, blind before: the same kind as
 *                            questions-fresh5.tsv, by a third writer (its
 *                            header says when)
 *   questions-fresh8.tsv     halves since s14, blind before: the same kind as
 *                            questions-fresh5.tsv, by a fourth writer
 *                            (its header says when)
 *   questions-fresh9.tsv     halves since s15, blind before: the same kind as
 *                            questions-fresh5.tsv, by a fifth writer
 *                            (its header says when)
 *   questions-fresh10.tsv    halves since s16, blind before: the same kind as
 *                            questions-fresh5.tsv, by a sixth writer
 *                            (its header says when)
 *   questions-fresh11.tsv    halves since s17, blind before: the same kind as
 *                            questions-fresh5.tsv, by a seventh writer
 *                            (its header says when)
 *   questions-fresh12.tsv    halves since s18, blind before: the same kind as
 *                            questions-fresh5.tsv, by an eighth writer
 *                            (its header says when)
 *   questions-fresh13.tsv    halves since s19, blind before: the same kind as
 *                            questions-fresh5.tsv, by a ninth writer
 *                            (its header says when)
 *   questions-fresh14.tsv    blind, held out whole: the same kind as
 *                            questions-fresh5.tsv, by a tenth writer
 *                            (its header says when)
 *   questions-fresh15.tsv    blind, held out whole: the same kind as
 *                            questions-fresh5.tsv, by an eleventh writer
 *                            (its header says when)
 *   questions-probe-unc.tsv  tuned on: everyday questions near the
 *                            pages that no section answers, and covered
 *                            ones on the same pages, written before any
 *                            run by the engineer who then tuned on them
 *
 * questions-fresh.tsv, -fresh-uncovered, -fresh2-uncovered, -fresh3 and
 * -fresh4-uncovered were blind until 2026-12-07; they are split in halves
 * since (their headers say so): more tune lines nobody wrote for the
 * search, and test halves that were never read line by line.
 * questions-fresh5 and -fresh6 followed in session 12 (2026-12-07),
 * after their totals had been read three times; questions-fresh7 in
 * session 13, after four readings; questions-fresh8 in session 14, after
 * five; questions-fresh9 in session 15, after six; questions-fresh10 in
 * session 16, after two; questions-fresh11 in session 17, after four;
 * questions-fresh12 in session 18, after four; questions-fresh13 in
 * session 19, after three.
 *
 * A hit is right at top-1 when the outcome is ANSWER and its section
 * matches; at top-3 when one of the 3 best matches; at rank-1 when the
 * best hit matches, whatever the decision (the ranking alone). "-" is
 * right (at each of the three) when the outcome is neither ANSWER nor
 * PAGE. A PAGE outcome ("this page, which part?") is right at page-1 when
 * the label names its page (the person sees the section in the page's
 * list), as is a right ANSWER. "Confident wrong" counts the ANSWERs on a
 * wrong section and the PAGEs on a page the label does not name (any of
 * them to a "-" question): the worst outcome for a frightened person
 * (labels.h: labels_judge()). Prints the rates, and fails below each set's
 * thresholds, or when a set is missing.
 *
 * The held-out sets are split before anything was tuned on them: the n-th
 * non-comment line (from 1) is TUNE when n is odd, TEST when n is even.
 * Misses are printed for TUNE lines only (and for every line of
 * questions.tsv); a TEST line is only counted, so that nobody tunes on it.
 * Rates are printed for each half and for the whole set. A blind set is
 * not split: only its totals are printed, never a miss.
 */
#include "ac-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "guide.h"
#include "decide_dump.h"
#include "labels.h"
#include "lang.h"
#include "lexicon.h"
#include "log.h"
#include "search.h"
#include "util.h"

/* How a set may be looked at. */
enum set_kind {
	SET_TUNED,	/* every miss is printed */
	SET_HALVES,	/* odd lines tune (misses printed), even lines test */
	SET_BLIND	/* held out whole: totals only, no miss printed */
};

struct set {
	const char	*file;
	double		 min_top1;	/* of all questions (-1: not checked) */
	double		 min_top3;
	double		 min_refused;	/* of the "-" questions */
	enum set_kind	 kind;
};

/*
 * Thresholds are what the search reaches today, rounded down, so that a
 * regression fails make check. questions-uncovered.tsv: every line is "-";
 * min_refused 0.95 would be "at most 5% get a confident answer".
 */
static const struct set sets[] = {
	/*
	 * questions.tsv 0.90 and helpdesk 0.76 until a thin lead gave
	 * choices (SEARCH_LEAD): 14 and 6 right answers became choices that
	 * hold them, the price of fewer confident wrong ones (16 to 12, 7 to
	 * 6). Now 84.7% and 75.9%.
	 */
	{ "questions.tsv",		0.84, 0.97, 0.96, SET_TUNED },
	{ "questions-helpdesk.tsv",	0.75, 0.95, -1, SET_HALVES },
	/* The target is 0.95; this is what is reached today. */
	{ "questions-uncovered.tsv",	-1, -1, 0.90, SET_HALVES },
	/* 0.55 until SEARCH_LEAD: 58.3% to 50.0% top-1, confident wrong 4
	 * to 2 of 24. */
	{ "questions-long.tsv",		0.45, 0.90, 1.0, SET_HALVES },
	/* Floors under what is reached (top-1 87.6%, 89.1% refused). */
	{ "questions-scope.tsv",	0.85, -1, 0.85, SET_HALVES },
	/*
	 * Labelled by section. Test half 60.6% top-1, 87.2% top-3 (whole set
	 * 65.1%, 89.4%) on 2026-12-06 after the lexicon was tuned on its odd
	 * lines; floors a little under, for the decision's retuning.
	 */
	{ "questions-helpdesk2.tsv",	0.58, 0.85, -1, SET_HALVES },
	/*
	 * Labelled by section, 25 of 250 lines "-". First run, 2026-12-06 on
	 * dc69c49 (base 3fc0e51): whole set top-1 60.4%, top-3 84.8%, 76.0%
	 * of the "-" not answered; test half 65.6%, 88.0%, 71.4%. Floors
	 * under the whole set, as helpdesk2's, so that they cannot fail by
	 * chance today.
	 */
	{ "questions-helpdesk3.tsv",	0.53, 0.80, 0.64, SET_HALVES },
	/*
	 * 105 "-" and 46 covered questions, written on 2026-12-06 (commit
	 * 2f71be0, before any run). First run, on this branch's base
	 * a4dd4a6: whole set top-1 80.1%, top-3 87.4%, 84.8% of the "-" not
	 * answered (16 of 105 answered); test half 78.7%, 85.3%, 84.6%.
	 * Floors about 5 points under the whole set, so that they cannot
	 * fail by chance today; issue 8's target is 0.95 not answered.
	 */
	{ "questions-uncovered2.tsv",	0.75, 0.82, 0.79, SET_HALVES },
	/*
	 * 175 covered and 86 "-", written on 2026-12-06 (commits fa12e18
	 * and 6b11749, before any run). No floor yet (-1: the first figures
	 * are the lead's to read); it fails only when the file is missing
	 * or holds no question.
	 */
	{ "questions-helpdesk4.tsv",	-1, -1, -1, SET_HALVES },
	/*
	 * The five sets below were written blind and read as totals only
	 * until 2026-12-07; since then they are split in halves like those
	 * above (more questions nobody wrote for the search to tune on),
	 * and their floors, set on the whole set, stay.
	 *
	 * Blind sets: a floor only catches a regression, 5 points under
	 * what main 654e2d3 reached on 2026-12-06 (docs/design.md has the
	 * figures); raising it to today's figure after a search change
	 * would be tuning on them.
	 */
	{ "questions-fresh.tsv",	0.55, 0.85, -1, SET_HALVES },
	{ "questions-fresh-uncovered.tsv", -1, -1, 0.70, SET_HALVES },
	/*
	 * Written blind on 2026-12-06 (commit c924be3, before any run);
	 * 49/54 (90.7%) not answered on its first run, floor 5 points under.
	 */
	{ "questions-fresh2-uncovered.tsv", -1, -1, 0.85, SET_HALVES },
	/*
	 * Written blind on 2026-12-06 (commit 7386ce8, before any run); top-1
	 * 101/159 (63.5%), top-3 139/159 (87.4%) on its first run, on this
	 * branch's base 26b870d; floors 5 points under.
	 */
	{ "questions-fresh3.tsv",	0.58, 0.82, -1, SET_HALVES },
	/*
	 * Written blind on 2026-12-06 (commit 426efaf, before any run);
	 * 56/66 (84.8%) not answered on its first run, on this branch's base
	 * f78f0c1; floor 5 points under.
	 */
	{ "questions-fresh4-uncovered.tsv", -1, -1, 0.79, SET_HALVES },
	/*
	 * Written blind on 2026-12-06 (commit 4f5f620, before any run):
	 * 106 covered questions and 59 "-". No floor yet: it asks nothing of
	 * the figures (the lead reads the totals once); it fails only when
	 * the file is missing or holds no question.
	 */
	{ "questions-fresh5.tsv",	-1, -1, -1, SET_HALVES },
	/*
	 * Written blind on 2026-12-06 (commit 3d01de1, before any run):
	 * 101 covered questions and 61 "-". No floor: it asks nothing of
	 * the figures (the lead reads the totals once); it fails only when
	 * the file is missing or holds no question.
	 */
	{ "questions-fresh6.tsv",	-1, -1, -1, SET_HALVES },
	/*
	 * Written blind on 2026-12-07 (s11-fq7, before any run): 111
	 * covered questions and 60 "-"; split in halves since s13. No
	 * floor: it fails only when the file is missing or holds no
	 * question.
	 */
	{ "questions-fresh7.tsv",	-1, -1, -1, SET_HALVES },
	/*
	 * Written blind on 2026-12-07 (s12-fq8, before any run): 107
	 * covered questions and 58 "-"; split in halves since s14. No
	 * floor: it fails only when the file is missing or holds no
	 * question.
	 */
	{ "questions-fresh8.tsv",	-1, -1, -1, SET_HALVES },
	/*
	 * Written blind on 2026-12-07 (s13-fq9, before any run): 110
	 * covered questions and 60 "-"; split in halves since s15. No
	 * floor: it fails only when the file is missing or holds no
	 * question.
	 */
	{ "questions-fresh9.tsv",	-1, -1, -1, SET_HALVES },
	/*
	 * Written blind on 2026-12-07 (s14-fq10, before any run): 105
	 * covered questions and 60 "-"; split in halves since s16. No
	 * floor: it fails only when the file is missing or holds no
	 * question.
	 */
	{ "questions-fresh10.tsv",	-1, -1, -1, SET_HALVES },
	/*
	 * Written blind on 2026-12-07 (s15-fq11, before any run): 105
	 * covered questions and 60 "-"; split in halves since s17. No
	 * floor: it fails only when the file is missing or holds no
	 * question.
	 */
	{ "questions-fresh11.tsv",	-1, -1, -1, SET_HALVES },
	/*
	 * Written blind on 2026-12-07 (s16-fq12, before any run): 100
	 * covered questions and 60 "-"; split in halves since s18. No
	 * floor: it fails only when the file is missing or holds no
	 * question.
	 */
	{ "questions-fresh12.tsv",	-1, -1, -1, SET_HALVES },
	/*
	 * Written blind on 2026-12-07 (s17-fq13, before any run): 107
	 * covered questions and 60 "-"; split in halves since s19. No
	 * floor: it fails only when the file is missing or holds no
	 * question.
	 */
	{ "questions-fresh13.tsv",	-1, -1, -1, SET_HALVES },
	/*
	 * Written blind on 2026-12-07 (s18-fq14, before any run): 107
	 * covered questions and 60 "-". No floor: it asks nothing of the
	 * figures (the lead reads the totals once); it fails only when the
	 * file is missing or holds no question.
	 */
	{ "questions-fresh14.tsv",	-1, -1, -1, SET_BLIND },
	/*
	 * Written blind on 2026-12-07 (s19-fq15, before any run): 106
	 * covered questions and 60 "-". No floor: it asks nothing of the
	 * figures (the lead reads the totals once); it fails only when the
	 * file is missing or holds no question.
	 */
	{ "questions-fresh15.tsv",	-1, -1, -1, SET_BLIND },
	/*
	 * Written on 2026-12-07 by s11-unc2 before any run (commit
	 * 24184ff): 50 everyday "-" questions near the pages and 30
	 * covered ones; tuned on by the same engineer, so every miss is
	 * printed and no floor is set.
	 */
	{ "questions-probe-unc.tsv",	-1, -1, -1, SET_TUNED },
};

struct tally {
	int	total;
	int	top1;
	int	rank1;		/* the best hit is right, whatever the outcome */
	int	top3;
	int	off;		/* "-" questions */
	int	offref;		/* ...not answered */
	int	onref;		/* answerable ones not answered */
	int	choices;	/* answerable ones given CHOICES */
	int	answers;	/* outcome ANSWER */
	int	pages;		/* outcome PAGE */
	int	page_right;	/* ...on a page the label names */
	int	page1;		/* top1, or such a PAGE */
	int	wrong;		/* an ANSWER on a wrong section, a PAGE on
				   a page the label does not name, or
				   either to a "-" one */
};

static const char *
outcome_name(enum search_outcome o)
{
	static const char *const names[] = {
		[SEARCH_NONE] = "NONE", [SEARCH_CHOICES] = "CHOICES",
		[SEARCH_ANSWER] = "ANSWER", [SEARCH_PAGE] = "PAGE",
	};

	return names[o];
}

static void
label(const struct guide *g, size_t sec, char *out, size_t len)
{
	(void)util_snprintf(out, len, "%s :: %s", labels_base(guide_page_path(g,
	    guide_section_page(g, sec))), guide_section_heading(g, sec));
}

/* Where SECOURS_QUALITY_DUMP says to write the features of the lines
 * whose misses may be looked at (tune halves, questions.tsv), or NULL. */
static FILE *dump;

/* One question: updates t, prints it when missed and show is set. */
static void
run_line(const struct guide *g, const struct search *s, const char *path,
    int lineno, char *line, struct tally *t, int show)
{
	char *lang, *q, *exp, *tab, l[512];
	struct search_hit hits[3];
	struct labels_judged j;
	enum search_outcome o;
	size_t n, k;

	lang = line;
	if ((q = strchr(lang, '\t')) == NULL ||
	    (exp = strchr(q + 1, '\t')) == NULL) {
		printf("# %s:%d: not lang<TAB>question<TAB>expected\n", path,
		    lineno);
		t->total++;
		return;
	}
	*q++ = '\0';
	*exp++ = '\0';
	if ((tab = strchr(exp, '\t')) != NULL)
		*tab = '\0';
	if (strncmp(exp, "!danger", 7) == 0)
		return;
	n = search_query(s, q, strcmp(lang, "auto") == 0 ? NULL : lang, hits,
	    3);
	o = search_decide(hits, n, search_min_score(s));
	labels_judge(exp, g, hits, n, o, &j);
	t->total++;
	t->answers += o == SEARCH_ANSWER;
	t->pages += j.page;
	t->page_right += j.page_right;
	t->page1 += j.page1;
	if (strcmp(exp, "-") == 0) {
		t->off++;
		t->offref += j.top1;
	} else {
		t->onref += o != SEARCH_ANSWER;
		t->choices += o == SEARCH_CHOICES;
	}
	if (show && dump != NULL)
		features_dump_line(dump, path, lineno, hits, n,
		    search_min_score(s), strcmp(exp, "-") == 0, j.rank1, j.top3,
		    o);
	t->top1 += j.top1;
	t->rank1 += j.rank1;
	t->top3 += j.top3;
	t->wrong += j.wrong;
	if (j.top1 || !show)
		return;
	printf("# miss (%s:%d) [%s] %s\n#   expected: %s, got %s%s\n", path,
	    lineno, lang, q, exp, outcome_name(o), j.page_right ?
	    " (the label's page)" : j.page ? " (another page)" : "");
	for (k = 0; k < n; k++) {
		char na[64] = "";

		label(g, hits[k].section, l, sizeof(l));
		if (hits[k].notask > 0)
			(void)util_snprintf(na, sizeof(na), ", not-ask %.2f "
			    "vs ask %.2f", hits[k].notask, hits[k].page_ask);
		printf("#   %.3f (coverage %.2f, %zu/%zu words, rarity %.2f%s%s) "
		    "%s\n", hits[k].score, hits[k].coverage, hits[k].matched,
		    hits[k].words, hits[k].rarity, hits[k].off_subject ?
		    ", off subject" : "", na, l);
	}
}

static void
tally_add(struct tally *to, const struct tally *t)
{
	to->total += t->total;
	to->top1 += t->top1;
	to->rank1 += t->rank1;
	to->top3 += t->top3;
	to->off += t->off;
	to->offref += t->offref;
	to->onref += t->onref;
	to->choices += t->choices;
	to->answers += t->answers;
	to->pages += t->pages;
	to->page_right += t->page_right;
	to->page1 += t->page1;
	to->wrong += t->wrong;
}

static void
tally_print(const char *name, const struct tally *t)
{
	if (t->total == 0)
		return;
	printf("# %s: top-1 %d/%d (%.1f%%), top-3 %d/%d (%.1f%%), "
	    "rank-1 %d/%d (%.1f%%); no-answer questions not answered %d/%d (%.1f%%), confident "
	    "answers to them %d (%.1f%%); answerable ones not answered %d/%d "
	    "(%d given choices); pages %d (on the label's page %d), page-1 "
	    "%d/%d; confident wrong %d/%d of the questions "
	    "(%.1f%%), %d/%d of the answers and pages (%.1f%%)\n", name,
	    t->top1, t->total,
	    100.0 * t->top1 / t->total, t->top3, t->total,
	    100.0 * t->top3 / t->total, t->rank1, t->total,
	    100.0 * t->rank1 / t->total, t->offref, t->off,
	    t->off ? 100.0 * t->offref / t->off : 100.0, t->off - t->offref,
	    t->off ? 100.0 * (t->off - t->offref) / t->off : 0, t->onref,
	    t->total - t->off, t->choices, t->pages, t->page_right, t->page1,
	    t->total, t->wrong, t->total, 100.0 * t->wrong / t->total,
	    t->wrong, t->answers + t->pages, t->answers + t->pages ?
	    100.0 * t->wrong / (t->answers + t->pages) : 0);
}

/* Runs one set; returns the number of failed checks. */
static int
run_set(const struct guide *g, const struct search *s, const char *top,
    const struct set *set, int *tapn)
{
	static const char *const half[] = { "tune", "test" };
	char path[1024], line[4096], name[256];
	struct tally t, h[2];
	FILE *f;
	int lineno = 0, n = 0, failed = 0;
	double r1, r3, ref;

	memset(&t, 0, sizeof(t));
	memset(h, 0, sizeof(h));
	(void)util_snprintf(path, sizeof(path), "%s/tests/fixtures/%s", top,
	    set->file);
	if ((f = fopen(path, "r")) == NULL) {
		printf("not ok %d - %s: cannot read it\n", ++*tapn, path);
		return 1;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		char *nl;

		lineno++;
		if ((nl = strchr(line, '\n')) != NULL)
			*nl = '\0';
		if ((nl = strchr(line, '\r')) != NULL)
			*nl = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		n++;
		if (set->kind == SET_HALVES) {
			struct tally one;

			memset(&one, 0, sizeof(one));
			run_line(g, s, set->file, lineno, line, &one,
			    !labels_half_test(n));
			tally_add(&h[labels_half_test(n)], &one);
			tally_add(&t, &one);
		} else
			run_line(g, s, set->file, lineno, line, &t,
			    set->kind == SET_TUNED);
	}
	fclose(f);
	for (int i = 0; set->kind == SET_HALVES && i < 2; i++) {
		(void)util_snprintf(name, sizeof(name), "%s %s", set->file,
		    half[i]);
		tally_print(name, &h[i]);
	}
	if (t.total == 0) {
		printf("not ok %d - %s: no question\n", ++*tapn, set->file);
		return 1;
	}
	r1 = (double)t.top1 / t.total;
	r3 = (double)t.top3 / t.total;
	ref = t.off ? (double)t.offref / t.off : 1;
	tally_print(set->file, &t);
	if (set->min_top1 >= 0) {
		failed += r1 < set->min_top1;
		printf("%s %d - %s: top-1 at least %.0f%%\n", r1 <
		    set->min_top1 ? "not ok" : "ok", ++*tapn, set->file,
		    100 * set->min_top1);
	}
	if (set->min_top3 >= 0) {
		failed += r3 < set->min_top3;
		printf("%s %d - %s: top-3 at least %.0f%%\n", r3 <
		    set->min_top3 ? "not ok" : "ok", ++*tapn, set->file,
		    100 * set->min_top3);
	}
	if (set->min_refused >= 0) {
		failed += ref < set->min_refused;
		printf("%s %d - %s: no confident answer to at least %.0f%% of "
		    "the questions the guide cannot answer\n", ref <
		    set->min_refused ? "not ok" : "ok", ++*tapn, set->file,
		    100 * set->min_refused);
	}
	return failed;
}

int
main(void)
{
	const char *top = getenv("TOP_SRCDIR");
	char replies[1024];
	struct stat st;
	struct guide *g;
	struct lexicon *lx;
	struct search *s;
	int tapn = 0, failed = 0;

	/* The languages' words (stopwords, commands) from the source tree. */
	if (lang_load_dir(SRCDATADIR) == -1)
		return 1;
	if (top == NULL)
		top = ".";
	(void)util_snprintf(replies, sizeof(replies), "%s/replies", top);
	log_init(LOGL_WARN, NULL);
	g = guide_new();
	if (stat(replies, &st) == -1 || guide_load_dir(g, replies, "fr") <= 0) {
		printf("not ok 1 - no page in %s\n1..1\n", replies);
		guide_free(g);
		return 1;
	}
	lx = lexicon_new();
	if (lexicon_load_dir(lx, replies) < 0) {
		printf("not ok %d - %s/lexicon.txt: %s\n", ++tapn, replies,
		    lexicon_error(lx));
		failed++;
	}
	s = search_new_lex(g, lx);
	printf("# %zu pages, %zu sections, %zu concepts, min_score %.3f\n",
	    guide_npages(g), guide_nsections(g), lexicon_nconcepts(lx),
	    search_min_score(s));
	if (getenv("SECOURS_QUALITY_DUMP") != NULL) {
		if ((dump = fopen(getenv("SECOURS_QUALITY_DUMP"), "w")) ==
		    NULL) {
			printf("not ok %d - cannot write %s\n", ++tapn,
			    getenv("SECOURS_QUALITY_DUMP"));
			failed++;
		} else
			features_dump_header(dump);
	}
	for (size_t i = 0; i < ARRAY_LEN(sets); i++)
		failed += run_set(g, s, top, &sets[i], &tapn);
	if (dump != NULL)
		fclose(dump);
	search_free(s);
	lexicon_free(lx);
	guide_free(g);
	printf("1..%d\n", tapn);
	return failed ? 1 : 0;
}
