/*
 * rank_eval: answer quality for many settings of the search's ranking
 * constants (src/search_tune.h), for scripts/fit-rank.py. Not part of
 * `make check`.
 *
 *   rank_eval [-st] [-b bar] [-B bar] [-d dfak_dir] top_srcdir
 *   rank_eval -p      the constants and their defaults, "name value" lines
 *
 * -b and -B decide at this bar (min_score) on replies/ and on the DFAK
 * pages instead of the guide's own (search_min_score()): what a change
 * does to the ranking alone, its bar held.
 *
 * Loads top_srcdir/replies (with its lexicon) and, with -d, the DFAK
 * pages (with replies' lexicon, refused if a page has keywords, as
 * `make bench-dfak` does) once, and reads the questions of the sets
 * below once. Then reads settings on stdin, one a line:
 *
 *	name=value name=value ...	(an empty line: the defaults)
 *
 * For each line: every constant back to its default, the line's values
 * set, both indexes rebuilt, every question asked and decided as the bot
 * does (search_decide() at the guide's search_min_score()); prints one
 * line per set and fold,
 *
 *	set fold total top1 rank1 top3 answers wrong dash pages pageright page1
 *	    dashn bar
 *
 * (dashn: its "-" questions; bar: the min_score its guide was decided at),
 * then "end". Counted as test_quality and guide_dump -T count them
 * (labels.h: labels_judge_shown()): top-1 (an ANSWER and the section it
 * shows first right, bot_answer_first(); with -s, its best hit, the
 * counting before s16), rank-1, top-3;
 * "wrong", the confident wrong ones (an ANSWER on a wrong section, a
 * PAGE on a page the label does not name, either to a "-" question);
 * "dash" the confident outcomes (ANSWER or PAGE) to "-" questions alone
 * (the uncovered ones answered); "pages" the PAGE outcomes (search.h:
 * "this page, which part?"), "pageright" those on a page the label
 * names, "page1" top-1 or such a PAGE; "dashn" the "-" questions. And
 * on stderr, per fold, the uncovered-answered rate (dash / dashn) of the
 * replies/ sets and of the DFAK sets (issue 8: at most 5%).
 *
 * Which lines: by default the TUNE lines only (odd non-comment lines of
 * the sets with halves, "tune" lines of bench/dfak-questions.tsv, every
 * line of questions.tsv), in two folds: fold A is the 1st, 3rd, 5th...
 * tune line of a set, fold B the 2nd, 4th... (the fitter keeps a change
 * only if it helps on both). With -t, the TEST lines only, one fold
 * ("T"), totals only. No blind set is ever read, and no line's outcome
 * is printed.
 */
#include "ac-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bot.h"
#include "guide.h"
#include "lang.h"
#include "lexicon.h"
#include "log.h"
#include "search.h"
#include "search_tune.h"
#include "util.h"

#include "../tests/unit/labels.h"

#define PARAMS_MAX	128
#define LINE_MAX_	4096

/* The sets read, and how their lines are split. */
enum split {
	SPLIT_ALL,	/* every line is a tune line (questions.tsv) */
	SPLIT_HALVES,	/* odd non-comment lines tune, even ones test */
	SPLIT_COLUMN	/* a fourth column says "tune" or "test" */
};

static const struct {
	const char	*name;	/* as printed */
	const char	*file;	/* under top_srcdir */
	enum split	 split;
	int		 dfak;	/* asked of the DFAK pages */
} sets[] = {
	{ "questions", "tests/fixtures/questions.tsv", SPLIT_ALL, 0 },
	{ "helpdesk", "tests/fixtures/questions-helpdesk.tsv", SPLIT_HALVES, 0 },
	{ "uncovered", "tests/fixtures/questions-uncovered.tsv", SPLIT_HALVES,
	    0 },
	{ "long", "tests/fixtures/questions-long.tsv", SPLIT_HALVES, 0 },
	{ "scope", "tests/fixtures/questions-scope.tsv", SPLIT_HALVES, 0 },
	{ "helpdesk2", "tests/fixtures/questions-helpdesk2.tsv", SPLIT_HALVES,
	    0 },
	{ "helpdesk3", "tests/fixtures/questions-helpdesk3.tsv", SPLIT_HALVES,
	    0 },
	{ "uncovered2", "tests/fixtures/questions-uncovered2.tsv",
	    SPLIT_HALVES, 0 },
	{ "helpdesk4", "tests/fixtures/questions-helpdesk4.tsv", SPLIT_HALVES,
	    0 },
	/* Written blind and read as totals only until 2026-12-07, then
	 * split in halves to tune on (docs/design.md, "Question sets"). */
	{ "fresh", "tests/fixtures/questions-fresh.tsv", SPLIT_HALVES, 0 },
	{ "fresh3", "tests/fixtures/questions-fresh3.tsv", SPLIT_HALVES, 0 },
	/* Blind until session 12 (2026-12-07). */
	{ "fresh5", "tests/fixtures/questions-fresh5.tsv", SPLIT_HALVES, 0 },
	{ "fresh6", "tests/fixtures/questions-fresh6.tsv", SPLIT_HALVES, 0 },
	/* Blind until session 13 (2026-12-07). */
	{ "fresh7", "tests/fixtures/questions-fresh7.tsv", SPLIT_HALVES, 0 },
	/* Blind until session 14 (2026-12-07). */
	{ "fresh8", "tests/fixtures/questions-fresh8.tsv", SPLIT_HALVES, 0 },
	/* Blind until session 15 (2026-12-07). */
	{ "fresh9", "tests/fixtures/questions-fresh9.tsv", SPLIT_HALVES, 0 },
	/* Blind until session 16 (2026-12-07). */
	{ "fresh10", "tests/fixtures/questions-fresh10.tsv", SPLIT_HALVES,
	    0 },
	/* Blind until session 17 (2026-12-07). */
	{ "fresh11", "tests/fixtures/questions-fresh11.tsv", SPLIT_HALVES,
	    0 },
	/* Blind until session 18 (2026-12-07). */
	{ "fresh12", "tests/fixtures/questions-fresh12.tsv", SPLIT_HALVES,
	    0 },
	/* Blind until session 19 (2026-12-07). */
	{ "fresh13", "tests/fixtures/questions-fresh13.tsv", SPLIT_HALVES,
	    0 },
	{ "freshunc", "tests/fixtures/questions-fresh-uncovered.tsv",
	    SPLIT_HALVES, 0 },
	{ "fresh2unc", "tests/fixtures/questions-fresh2-uncovered.tsv",
	    SPLIT_HALVES, 0 },
	{ "fresh4unc", "tests/fixtures/questions-fresh4-uncovered.tsv",
	    SPLIT_HALVES, 0 },
	/* Written before any run and tuned on by s11-unc2. */
	{ "probeunc", "tests/fixtures/questions-probe-unc.tsv", SPLIT_HALVES,
	    0 },
	{ "dfak", "bench/dfak-questions.tsv", SPLIT_COLUMN, 1 },
	{ "dfak2", "bench/dfak-questions2.tsv", SPLIT_COLUMN, 1 },
	{ "dfakf1", "bench/dfak-fresh.tsv", SPLIT_COLUMN, 1 },
	{ "dfakf2", "bench/dfak-fresh2.tsv", SPLIT_COLUMN, 1 },
	{ "dfakf3", "bench/dfak-fresh3.tsv", SPLIT_COLUMN, 1 },
	/* Labelled by page; blind until session 12 (2026-12-07). */
	{ "dfakf4", "bench/dfak-fresh4.tsv", SPLIT_COLUMN, 1 },
	{ "dfakf5", "bench/dfak-fresh5.tsv", SPLIT_COLUMN, 1 },
	/* Labelled by section; blind until session 13 (2026-12-07). */
	{ "dfakf6", "bench/dfak-fresh6.tsv", SPLIT_COLUMN, 1 },
	/* Labelled by section; blind until session 14 (2026-12-07). */
	{ "dfakf7", "bench/dfak-fresh7.tsv", SPLIT_COLUMN, 1 },
	/* Labelled by section; blind until session 15 (2026-12-07). */
	{ "dfakf8", "bench/dfak-fresh8.tsv", SPLIT_COLUMN, 1 },
	/* Labelled by section; blind until session 16 (2026-12-07). */
	{ "dfakf9", "bench/dfak-fresh9.tsv", SPLIT_COLUMN, 1 },
	/* Labelled by section; blind until session 17 (2026-12-07). */
	{ "dfakf10", "bench/dfak-fresh10.tsv", SPLIT_COLUMN, 1 },
	/* Labelled by section; blind until session 18 (2026-12-07). */
	{ "dfakf11", "bench/dfak-fresh11.tsv", SPLIT_COLUMN, 1 },
	/* Labelled by section; blind until session 19 (2026-12-07). */
	{ "dfakf12", "bench/dfak-fresh12.tsv", SPLIT_COLUMN, 1 },
	/* Written before any run and tuned on by s12-dunc: uncovered subjects. */
	{ "dfakpu", "bench/dfak-probe-unc.tsv", SPLIT_COLUMN, 1 },
};

struct question {
	int	 set;
	int	 fold;		/* 0: A (or T), 1: B */
	char	*lang;		/* NULL: "auto" */
	char	*text;
	char	*expected;
};

struct tally {
	int	total, top1, rank1, top3, answers, wrong, dash;
	int	pages, pageright, page1, dashn;
};

static struct question *qs;
static size_t nqs, qcap;

/* Reads the lines of set i that test (or, with test unset, tune). */
static int
read_set(const char *top, size_t si, int test)
{
	char path[1024], line[LINE_MAX_];
	FILE *f;
	int n = 0, ntune = 0;

	(void)util_snprintf(path, sizeof(path), "%s/%s", top, sets[si].file);
	if ((f = fopen(path, "r")) == NULL) {
		fprintf(stderr, "rank_eval: cannot read %s\n", path);
		return -1;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		char *lang, *q, *exp, *split, *nl;
		int is_test;

		if ((nl = strpbrk(line, "\r\n")) != NULL)
			*nl = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		n++;
		lang = line;
		if ((q = strchr(lang, '\t')) == NULL ||
		    (exp = strchr(q + 1, '\t')) == NULL)
			continue;
		*q++ = '\0';
		*exp++ = '\0';
		if ((split = strchr(exp, '\t')) != NULL)
			*split++ = '\0';
		if (strncmp(exp, "!danger", 7) == 0)
			continue;
		switch (sets[si].split) {
		case SPLIT_ALL:
			is_test = 0;
			break;
		case SPLIT_HALVES:
			is_test = labels_half_test(n);
			break;
		default:
			if (split == NULL || (strcmp(split, "tune") != 0 &&
			    strcmp(split, "test") != 0))
				continue;
			is_test = strcmp(split, "test") == 0;
			break;
		}
		if (is_test != test || (test && sets[si].split == SPLIT_ALL))
			continue;
		if (nqs == qcap) {
			qcap = qcap ? qcap * 2 : 256;
			qs = xrealloc(qs, qcap * sizeof(*qs));
		}
		qs[nqs].set = (int)si;
		qs[nqs].fold = test ? 0 : ntune++ % 2;
		qs[nqs].lang = strcmp(lang, "auto") == 0 ? NULL : xstrdup(lang);
		qs[nqs].text = xstrdup(q);
		qs[nqs].expected = xstrdup(exp);
		nqs++;
	}
	fclose(f);
	return 0;
}

static int by_hit;	/* -s: an ANSWER counted by its best hit */

/* Asks question q of s; adds it to t. */
static void
ask(const struct guide *g, const struct search *s, double min,
    const struct question *q, struct tally *t)
{
	struct search_hit hits[3];
	struct labels_judged j;
	enum search_outcome o;
	size_t n;

	n = search_query(s, q->text, q->lang, hits, 3);
	o = search_decide(hits, n, min);
	labels_judge_shown(q->expected, g, hits, n, o, by_hit || n == 0 ?
	    (n ? hits[0].section : GUIDE_NONE) :
	    labels_shown(g, s, q->text, q->lang, hits, o, min), &j);
	t->total++;
	t->top1 += j.top1;
	t->rank1 += j.rank1;
	t->top3 += j.top3;
	t->answers += o == SEARCH_ANSWER;
	t->wrong += j.wrong;
	t->dash += j.wrong && strcmp(q->expected, "-") == 0;
	t->dashn += strcmp(q->expected, "-") == 0;
	t->pages += j.page;
	t->pageright += j.page_right;
	t->page1 += j.page1;
}

/* n of total, in percent (0 of none). */
static double
pct(int n, int total)
{
	return total > 0 ? 100.0 * n / total : 0;
}

/* Sets the constants of one stdin line (after the defaults); -1 on a
 * word that is not name=value of a known constant. */
static int
apply(char *line, const double *defaults)
{
	const char *name;
	char *w, *eq, *end;
	size_t i;

	for (i = 0; (name = search_tune_name(i)) != NULL; i++)
		(void)search_tune_set(name, defaults[i]);
	for (w = line; *w != '\0';) {
		size_t len;

		w += strspn(w, " \t");
		if (*w == '\0')
			break;
		len = strcspn(w, " \t");
		if (w[len] != '\0')
			w[len++] = '\0';
		if ((eq = strchr(w, '=')) == NULL) {
			printf("error %s: not name=value\n", w);
			return -1;
		}
		*eq = '\0';
		if (search_tune_set(w, strtod(eq + 1, &end)) == -1 ||
		    end == eq + 1 || *end != '\0') {
			printf("error %s: no such constant, or a bad value\n",
			    w);
			return -1;
		}
		w += len;
	}
	return 0;
}

static int
usage(void)
{
	fprintf(stderr, "usage: rank_eval [-pst] [-b bar] [-B bar] "
	    "[-d dfak_dir] top_srcdir\n");
	return 2;
}

int
main(int argc, char **argv)
{
	const char *top, *dfak = NULL, *name;
	char path[1024], line[LINE_MAX_];
	double fixed = -1, fixedd = -1;
	double defaults[PARAMS_MAX];
	struct guide *g, *gd = NULL;
	struct lexicon *lx;
	int ch, test = 0, print = 0;
	size_t i, nparams;

	while ((ch = getopt(argc, argv, "pstb:B:d:")) != -1) {
		switch (ch) {
		case 'p': print = 1; break;
		case 's': by_hit = 1; break;
		case 't': test = 1; break;
		case 'b': fixed = strtod(optarg, NULL); break;
		case 'B': fixedd = strtod(optarg, NULL); break;
		case 'd': dfak = optarg; break;
		default:
			return usage();
		}
	}
	for (nparams = 0; print && (name = search_tune_name(nparams)) !=
	    NULL; nparams++)
		if (search_tune_get(name, &defaults[0]) == 0)
			printf("%s %.9g\n", name, defaults[0]);
	if (print)
		return 0;
	if (optind + 1 != argc)
		return usage();
	top = argv[optind];
	if (lang_load_dir(SRCDATADIR) == -1)
		return 1;
	log_init(LOGL_ERROR, NULL);
	for (nparams = 0; (name = search_tune_name(nparams)) != NULL;
	    nparams++)
		if (nparams == PARAMS_MAX ||
		    search_tune_get(name, &defaults[nparams]) == -1)
			return 1;
	(void)util_snprintf(path, sizeof(path), "%s/replies", top);
	g = guide_new();
	if (guide_load_dir(g, path, "fr") <= 0) {
		fprintf(stderr, "rank_eval: no page in %s\n", path);
		return 1;
	}
	lx = lexicon_new();
	if (lexicon_load_dir(lx, path) < 0) {
		fprintf(stderr, "rank_eval: %s\n", lexicon_error(lx));
		return 1;
	}
	if (dfak != NULL) {
		gd = guide_new();
		if (guide_load_dir(gd, dfak, "en") <= 0 ||
		    labels_keyworded(gd) > 0) {
			fprintf(stderr, "rank_eval: %s: no page, or pages with "
			    "keywords\n", dfak);
			return 1;
		}
	}
	for (i = 0; i < ARRAY_LEN(sets); i++)
		if ((!sets[i].dfak || gd != NULL) &&
		    read_set(top, i, test) == -1)
			return 1;
	setvbuf(stdout, NULL, _IOLBF, 0);
	while (fgets(line, sizeof(line), stdin) != NULL) {
		struct tally t[ARRAY_LEN(sets)][2];
		int unc[2][2][2];	/* [dfak][fold]: answered, "-" lines */
		struct search *s, *sd = NULL;
		double min, mind = 0;
		char *nl;

		if ((nl = strchr(line, '\n')) != NULL)
			*nl = '\0';
		if (apply(line, defaults) == -1) {
			printf("end\n");
			continue;
		}
		memset(t, 0, sizeof(t));
		s = search_new_lex(g, lx);
		min = fixed > 0 ? fixed : search_min_score(s);
		if (gd != NULL) {
			sd = search_new_lex(gd, lx);
			mind = fixedd > 0 ? fixedd : search_min_score(sd);
		}
		for (i = 0; i < nqs; i++) {
			const struct question *q = &qs[i];

			if (sets[q->set].dfak)
				ask(gd, sd, mind, q, &t[q->set][q->fold]);
			else
				ask(g, s, min, q, &t[q->set][q->fold]);
		}
		memset(unc, 0, sizeof(unc));
		for (i = 0; i < ARRAY_LEN(sets); i++)
			for (int f = 0; f < (test ? 1 : 2); f++) {
				const struct tally *x = &t[i][f];

				if (x->total == 0)
					continue;
				printf("%s %c %d %d %d %d %d %d %d %d %d %d "
				    "%d %.4f\n", sets[i].name, test ? 'T' : "AB"[f],
				    x->total, x->top1, x->rank1, x->top3,
				    x->answers, x->wrong, x->dash, x->pages,
				    x->pageright, x->page1, x->dashn,
				    sets[i].dfak ? mind : min);
				unc[sets[i].dfak][f][0] += x->dash;
				unc[sets[i].dfak][f][1] += x->dashn;
			}
		for (int f = 0; f < (test ? 1 : 2); f++)
			fprintf(stderr, "uncovered answered %c: replies %d/%d "
			    "(%.1f%%), dfak %d/%d (%.1f%%)\n",
			    test ? 'T' : "AB"[f], unc[0][f][0], unc[0][f][1],
			    pct(unc[0][f][0], unc[0][f][1]), unc[1][f][0],
			    unc[1][f][1], pct(unc[1][f][0], unc[1][f][1]));
		printf("end\n");
		search_free(s);
		search_free(sd);
	}
	for (i = 0; i < nqs; i++) {
		free(qs[i].lang);
		free(qs[i].text);
		free(qs[i].expected);
	}
	free(qs);
	lexicon_free(lx);
	guide_free(g);
	guide_free(gd);
	return 0;
}
