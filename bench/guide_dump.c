/*
 * guide_dump: developer tool. Loads guide directories (warnings shown) and
 * prints what the loader made of them, or answers questions.
 *
 *   guide_dump [-t] [-x lexicon.txt] [-K] [-q question [-l lang]]
 *       [-T [-v] [-P] [-H] [-s] [-A] [-D file]] dir...
 *     (default)  one line per page and per section (level, path, size)
 *     -t         also print each section's chat text (and what other
 *                pages' links to each page say, and the asks: the
 *                questions each page and section says it answers; and
 *                the not-asks: those each page says it does not)
 *     -x file    use this concept lexicon (as the bot does its data dir's)
 *     -K         refuse pages with keywords (a measurement on pages nobody
 *                tuned must not use them)
 *     -q text    print the 5 best sections for a question (-l: its language)
 *                and the ask (guide.h) each matched best
 *     -T         read "lang<TAB>question<TAB>expected[<TAB>split]" lines on
 *                stdin (labels as in tests/unit/labels.h) and print top-1
 *                (search_decide() says ANSWER and the section it shows
 *                first is right: bot_answer_first(); -s: its best hit),
 *                rank-1 (the best hit is right, whatever the decision: the
 *                ranking alone; a "-" line counts as for top-1) and top-3,
 *                confident answers, page outcomes (SEARCH_PAGE: "this
 *                page, which part?") and those on the label's page,
 *                page-1 (top-1, or a page outcome on the label's page)
 *                and the confident wrong ones (an ANSWER not right, or a
 *                page outcome on a page the label does not name; counted
 *                as labels.h's labels_judge() counts them),
 *                for each split ("tune", "test") and in all;
 *                misses are printed for tune lines only (and lines with
 *                no split), never for test lines; then the bar used and
 *                the number of pages and sections
 *     -D file    with -T: write the tune lines' search_features() there
 *                (tests/unit/decide_dump.h), for scripts/fit-decide.py
 *     -H         with -T: a line without a split is "tune" when it is
 *                the set's odd non-comment line, "test" when even, as
 *                test_quality splits its sets in halves (always give it
 *                for tests/fixtures sets: their test lines' misses must
 *                not be seen)
 *     -s         with -T: an ANSWER counted by its best hit (the counting
 *                before s16), not by the section it shows first
 *     -A         with -T: also one tab-separated "ALL" line for every
 *                tune line (never a test line), hit or miss: its outcome,
 *                counts and hits with their flags (the decision's data,
 *                for fitting it: s18-ddec)
 *     -P         with -T: each label cut to its page ("Page.md :: Section"
 *                read as "Page.md"): is the right page found?
 *     -v         with -T: each printed miss's decision record
 *                (search_decide_why(): the bar, what the page prior and
 *                the asks did, why there is no answer) and its hits with
 *                their coverage, heading share, page, copy and key flags,
 *                p(page) and ask, and whether search_is_answer() takes
 *                them at the bar
 *     -m score   decide at this min_score (default: the guide's own,
 *                search_min_score(), as the bot does)
 *     -S n=v     set ranking constant n (src/search_tune.h) to v before
 *                the index is built, e.g. -S page_hits=99: no page
 *                outcome, the decision as it was before it (repeatable)
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

#include "../tests/unit/decide_dump.h"
#include "../tests/unit/labels.h"

static const char *
base(const char *path)
{
	const char *b = strrchr(path, '/');

	return b ? b + 1 : path;
}

/* "page-basename :: Section heading" of a section. */
static void
label(const struct guide *g, size_t sec, char *out, size_t len)
{
	size_t page = guide_section_page(g, sec);
	char name[256];
	size_t n;

	util_strlcpy(name, base(guide_page_path(g, page)), sizeof(name));
	n = strlen(name);
	if (n > 3 && strcmp(name + n - 3, ".md") == 0)
		name[n - 3] = '\0';
	(void)util_snprintf(out, len, "%s :: %s", name,
	    guide_section_heading(g, sec));
}

#define SPLITS 3	/* tune, test, other */

struct tally {
	int	total, top1, rank1, top3, answered;
	int	pages;		/* page outcomes */
	int	page_right;	/* ...on a page the label names */
	int	page1;		/* top-1, or such a page outcome */
	int	wrong;		/* an ANSWER not right at top-1, or a page
				   outcome on a page the label does not
				   name */
};

static void
tally_print(const char *name, const struct tally *t)
{
	if (t->total == 0)
		return;
	printf("%s: top-1 %d/%d (%.1f%%), top-3 %d/%d (%.1f%%), confident "
	    "answers %d, pages %d (on the label's page %d), page-1 %d/%d "
	    "(%.1f%%), confident wrong %d (%.1f%% of the questions), rank-1 "
	    "%d/%d (%.1f%%)\n", name, t->top1, t->total,
	    100.0 * t->top1 / t->total, t->top3, t->total,
	    100.0 * t->top3 / t->total, t->answered, t->pages, t->page_right,
	    t->page1, t->total, 100.0 * t->page1 / t->total, t->wrong,
	    100.0 * t->wrong / t->total, t->rank1, t->total,
	    100.0 * t->rank1 / t->total);
}

/* -T -v: the near matches (prefix, typo) of the question being asked,
 * "stem>term" pairs, and how often they decide a tune line's best hit. */
static char near_log[1024];
static size_t near_len;

static void
near_note(void *arg, int kind, const char *st, size_t sl, const char *term,
    size_t tl)
{
	int n;

	(void)arg;
	if (near_len >= sizeof(near_log))
		return;
	n = snprintf(near_log + near_len, sizeof(near_log) - near_len,
	    " %.*s%s%.*s", (int)sl, st, kind == 't' ? "~" : ">", (int)tl,
	    term);
	if (n > 0)
		near_len += (size_t)n;
}

struct near_tally {
	int	lines;		/* tune lines with a near match */
	int	decided;	/* ...whose best hit or outcome it changes */
	int	top1_on, top1_off, wrong_on, wrong_off;
};

/* Asks qq again with no near match; counts the line if its best hit or
 * outcome changes, and prints it. */
static void
near_compare(const struct guide *g, const struct search *s, const char *ql,
    const char *qq, const char *qe, double min, const struct search_hit *on,
    size_t non, enum search_outcome oon, const struct labels_judged *jon,
    struct near_tally *nt)
{
	struct search_hit hits[3];
	struct labels_judged j;
	enum search_outcome o;
	double wt, wp;
	size_t n;

	nt->lines++;
	(void)search_tune_get("w_typo", &wt);
	(void)search_tune_get("w_prefix", &wp);
	(void)search_tune_set("w_typo", 0);
	(void)search_tune_set("w_prefix", 0);
	n = search_query(s, qq, strcmp(ql, "auto") == 0 ? NULL : ql, hits, 3);
	(void)search_tune_set("w_typo", wt);
	(void)search_tune_set("w_prefix", wp);
	o = search_decide(hits, n, min);
	labels_judge(qe, g, hits, n, o, &j);
	if (o == oon && n == non && (n == 0 ||
	    hits[0].section == on[0].section)) {
		printf("NEAR [%s] %s\n  near:%s\n  same without\n", ql, qq,
		    near_log);
		return;
	}
	nt->decided++;
	nt->top1_on += jon->page1;
	nt->top1_off += j.page1;
	nt->wrong_on += jon->wrong;
	nt->wrong_off += j.wrong;
	printf("NEAR [%s] %s\n  near:%s\n  with: %s, without: %s\n", ql, qq,
	    near_log, jon->page1 ? "right" : jon->wrong ? "WRONG" : "unsure",
	    j.page1 ? "right" : j.wrong ? "WRONG" : "unsure");
}

/* -T: the questions on stdin. */
static int verbose;	/* -v: why each hit of a printed miss is kept */
static int by_page;	/* -P: labels cut to their pages */
static int halves;	/* -H: unsplit lines split as test_quality does */
static int by_hit;	/* -s: an ANSWER counted by its best hit */
static int all_lines;	/* -A: every tune line, one line each */

static const char *const outcome_names[] = {
	[SEARCH_NONE] = "NONE", [SEARCH_CHOICES] = "CHOICES",
	[SEARCH_ANSWER] = "ANSWER", [SEARCH_PAGE] = "PAGE",
};

static void
run_questions(const struct guide *g, const struct search *s, double min,
    FILE *dump)
{
	int lineno = 0, nq = 0;
	char tune[] = "tune", test[] = "test";

	static const char *const names[SPLITS] = { "tune", "test", "all" };
	struct tally t[SPLITS];
	char line[4096];

	struct near_tally nt;

	memset(&nt, 0, sizeof(nt));
	memset(t, 0, sizeof(t));
	if (verbose)
		search_tune_near_hook(near_note, NULL);
	while (fgets(line, sizeof(line), stdin) != NULL) {
		char *ql, *qq, *qe, *split, *nl;
		struct search_hit hits[3];
		struct labels_judged j;
		enum search_outcome o;
		size_t n, k, shown;
		char l[512];
		int sp;

		lineno++;
		if ((nl = strchr(line, '\n')) != NULL)
			*nl = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		ql = line;
		if ((qq = strchr(ql, '\t')) == NULL)
			continue;
		*qq++ = '\0';
		if ((qe = strchr(qq, '\t')) == NULL)
			continue;
		*qe++ = '\0';
		if ((split = strchr(qe, '\t')) != NULL)
			*split++ = '\0';
		nq++;
		if (split == NULL && halves)
			split = labels_half_test(nq) ? test : tune;
		if (strncmp(qe, "!danger", 7) == 0)
			continue;
		if (by_page)
			labels_cut_pages(qe);
		sp = split == NULL ? 2 : strcmp(split, "tune") == 0 ? 0 :
		    strcmp(split, "test") == 0 ? 1 : 2;
		near_len = 0;
		near_log[0] = '\0';
		n = search_query(s, qq, strcmp(ql, "auto") == 0 ? NULL : ql,
		    hits, 3);
		o = search_decide(hits, n, min);
		shown = n == 0 || by_hit ? (n ? hits[0].section : GUIDE_NONE) :
		    labels_shown(g, s, qq, strcmp(ql, "auto") == 0 ? NULL : ql,
		    hits, o, min);
		labels_judge_shown(qe, g, hits, n, o, shown, &j);
		/* Test lines are never compared: their outcomes stay unseen. */
		if (verbose && near_len > 0 && sp != 1)
			near_compare(g, s, ql, qq, qe, min, hits, n, o, &j,
			    &nt);
		for (int i = 0; i < SPLITS; i++) {
			if (i != sp && i != 2)
				continue;
			t[i].total++;
			t[i].top1 += j.top1;
			t[i].rank1 += j.rank1;
			t[i].top3 += j.top3;
			t[i].answered += o == SEARCH_ANSWER;
			t[i].pages += j.page;
			t[i].page_right += j.page_right;
			t[i].page1 += j.page1;
			t[i].wrong += j.wrong;
		}
		if (dump != NULL && sp == 0)
			features_dump_line(dump, "dfak", lineno, hits, n, min,
			    strcmp(qe, "-") == 0, j.rank1, j.top3, o);
		/* -A: every tune line (never a test line), tab-separated:
		 * its language and text, the outcome, top-1, rank-1, page
		 * right, wrong, a "-" line; per hit its score, other
		 * language, branch, on a label's page, right, its page's
		 * introduction (search_hit.intro), heading share, coverage,
		 * page and label; then why no answer. */
		if (all_lines && sp == 0) {
			printf("ALL\t%s\t%s\t%s\t%d\t%d\t%d\t%d\t%d",
			    ql, qq, outcome_names[o], j.top1, j.rank1,
			    j.page_right, j.wrong, strcmp(qe, "-") == 0);
			for (k = 0; k < n; k++) {
				label(g, hits[k].section, l, sizeof(l));
				printf("\t%.3f|%d|%d|%d|%d|%d|%.2f|%.2f|%zu|%s",
				    hits[k].score, hits[k].other_lang,
				    hits[k].branch, labels_page(qe, g,
				    hits[k].page), labels_match(qe, g,
				    hits[k].section), hits[k].intro,
				    hits[k].heading, hits[k].coverage,
				    hits[k].page, l);
			}
			if (n > 0) {
				struct search_decision d;

				(void)search_decide_why(hits, n, min, &d);
				printf("\t%s", d.refused ? d.refused : "-");
			}
			printf("\n");
		}
		/* A test line's miss is never printed: only tune lines
		 * (and lines without a split) may be looked at. */
		if (!j.top1 && sp != 1) {
			printf("MISS %s[%s] %s\n  want: %s, got %s%s\n",
			    split ? split : "", ql, qq, qe, outcome_names[o],
			    j.page_right ? " (the label's page)" : j.page ?
			    " (another page)" : "");
			if (o == SEARCH_ANSWER && n > 0 &&
			    shown != hits[0].section) {
				label(g, shown, l, sizeof(l));
				printf("  shown first: %s\n", l);
			}
			if (verbose && n > 0) {
				struct search_decision d;

				(void)search_decide_why(hits, n, min, &d);
				printf("  decision: bar %.3f%s%s%s%s%s%s p(page) "
				    "%.2f lead %.2f ask %.2f: %s\n", d.bar,
				    d.vouched ? " vouched" : "", d.doubted ?
				    " doubted" : "", d.picked ? " picked" : "",
				    hits[0].prior_moved ? " moved" : "",
				    d.exact ? " exact" : "",
				    d.clear ? " clear" : "", hits[0].page_p, hits[0].page_p -
				    hits[0].page_rival, hits[0].ask,
				    d.refused ? d.refused : "an answer");
			}
			for (k = 0; k < n; k++) {
				label(g, hits[k].section, l, sizeof(l));
				printf("  %.3f%s %s\n", hits[k].score,
				    hits[k].off_subject ? " (off subject)" : "",
				    l);
				if (verbose)
					printf("      %s cov %.2f head %.2f "
					    "page %zu%s%s%s%s answerable %d "
					    "words %zu matched %zu rarity %.2f "
					    "unknown %.2f title %u about %d "
					    "notask %.2f ask %.2f p(page) %.2f "
					    "hit ask %.2f\n",
					    labels_match(qe, g,
					    hits[k].section) ? "RIGHT" : "wrong",
					    hits[k].coverage, hits[k].heading,
					    hits[k].page, hits[k].copy ?
					    " copy" : "", hits[k].translation ?
					    " translation" : "",
					    hits[k].lacks_key ? " lacks_key" :
					    "", hits[k].key_mention ?
					    " key_mention" : "",
					    search_is_answer(&hits[k], min),
					    hits[k].words, hits[k].matched,
					    hits[k].rarity, hits[k].unknown,
					    hits[k].title_topics,
					    (hits[k].heading > 0 ||
					    hits[k].title_topics != 0) &&
					    !hits[k].key_mention,
					    hits[k].notask, hits[k].page_ask,
					    hits[k].page_p, hits[k].ask);
			}
		}
	}
	for (int i = 0; i < SPLITS; i++)
		tally_print(names[i], &t[i]);
	if (verbose)
		printf("near matches: %d tune lines have one, %d decide the best "
		    "hit or outcome: page-1 %d with, %d without; confident "
		    "wrong %d with, %d without\n", nt.lines, nt.decided,
		    nt.top1_on, nt.top1_off, nt.wrong_on, nt.wrong_off);
	search_tune_near_hook(NULL, NULL);
	/* The bar moves with how the pages are cut (it is measured on their
	 * sections): a change of outcome near it is often the bar's. */
	printf("bar: min_score %.3f, %zu pages, %zu sections\n", min,
	    guide_npages(g), guide_nsections(g));
}

int
main(int argc, char **argv)
{
	struct guide *g;
	struct search *s;
	struct lexicon *lx = lexicon_new();
	const char *q = NULL, *lang = NULL, *lexfile = NULL, *dumpfile = NULL;
	FILE *dump = NULL;
	int ch, text = 0, tsv = 0, nokw = 0, i;
	double min = -1;

	/* The languages' words (stopwords, commands) from the source tree. */
	if (lang_load_dir(SRCDATADIR) == -1)
		return 1;
	log_init(LOGL_INFO, NULL);
	while ((ch = getopt(argc, argv, "tq:l:Tm:x:KD:vPHsAS:")) != -1) {
		switch (ch) {
		case 'x': lexfile = optarg; break;
		case 'K': nokw = 1; break;
		case 'v': verbose = 1; break;
		case 'P': by_page = 1; break;
		case 'H': halves = 1; break;
		case 's': by_hit = 1; break;
		case 'A': all_lines = 1; break;
		case 'S': {
			char *eq = strchr(optarg, '='), *end;
			double v;

			if (eq == NULL) {
				fprintf(stderr, "guide_dump: -S name=value\n");
				lexicon_free(lx);
				return 2;
			}
			*eq = '\0';
			v = strtod(eq + 1, &end);
			if (end == eq + 1 || *end != '\0' ||
			    search_tune_set(optarg, v) == -1) {
				fprintf(stderr, "guide_dump: -S %s: no such "
				    "constant, or a bad value\n", optarg);
				lexicon_free(lx);
				return 2;
			}
			break;
		}
		case 'D': dumpfile = optarg; break;
		case 't': text = 1; break;
		case 'q': q = optarg; break;
		case 'l': lang = optarg; break;
		case 'T': tsv = 1; break;
		case 'm': min = strtod(optarg, NULL); break;
		default:
			fprintf(stderr, "usage: guide_dump [-t] [-x lexicon] [-K] "
			    "[-m score] [-S name=value] [-q text [-l lang]] "
			    "[-T [-v] [-P] [-H] [-s] [-A] [-D file]] dir...\n");
			lexicon_free(lx);
			return 2;
		}
	}
	g = guide_new();
	for (i = optind; i < argc; i++)
		if (guide_load_dir(g, argv[i], "en") < 0)
			guide_load_file(g, argv[i], "en");
	if (lexfile != NULL && lexicon_load_file(lx, lexfile) < 0)
		fprintf(stderr, "guide_dump: %s\n", lexicon_error(lx));
	if (nokw && labels_keyworded(g) > 0) {
		fprintf(stderr, "guide_dump: -K: %zu pages or sections have "
		    "keywords\n", labels_keyworded(g));
		guide_free(g);
		lexicon_free(lx);
		return 1;
	}
	s = search_new_lex(g, lx);
	if (min < 0)
		min = search_min_score(s);
	if (q != NULL) {
		struct search_hit hits[5];
		size_t n = search_query(s, q, lang, hits, 5), k;
		char l[512];
		char *toks = search_tokens(q, lang ? lang :
		    lang_detect(q));

		printf("lang %s, tokens: %s\n", lang ? lang :
		    (lang_detect(q) ? lang_detect(q) : "?"), toks);
		free(toks);
		printf("decision: %s (min_score %.3f)\n",
		    outcome_names[search_decide(hits, n, min)], min);
		for (k = 0; k < n; k++) {
			label(g, hits[k].section, l, sizeof(l));
			printf("%.3f%s [%s] %s (p(page) %.2f)\n",
			    hits[k].score, hits[k].off_subject ?
			    " (off subject)" : "", guide_page_lang(g,
			    guide_section_page(g, hits[k].section)), l,
			    hits[k].page_p);
			{
				size_t alen;
				int pg;
				const char *a = search_hit_ask(s, &hits[k],
				    &alen, &pg);

				if (a != NULL)
					printf("      ask %.2f: %.*s%s\n",
					    hits[k].ask, (int)alen, a,
					    pg ? " (the page's)" : "");
			}
			if (text && k == 0)
				printf("%s\n", guide_section_text(g,
				    hits[k].section));
		}
	} else if (tsv) {
		if (dumpfile != NULL && (dump = fopen(dumpfile, "w")) ==
		    NULL) {
			fprintf(stderr, "guide_dump: %s: cannot write it\n",
			    dumpfile);
			search_free(s);
			guide_free(g);
			lexicon_free(lx);
			return 1;
		}
		if (dump != NULL)
			features_dump_header(dump);
		run_questions(g, s, min, dump);
		if (dump != NULL)
			fclose(dump);
	} else {
		size_t p, k;

		for (p = 0; p < guide_npages(g); p++) {
			const char *kw = guide_page_keywords(g, p);

			const char *an = guide_page_anchors(g, p);

			printf("== %s [%s] \"%s\"%s%s\n", guide_page_path(g, p),
			    guide_page_lang(g, p), guide_page_title(g, p),
			    *kw ? " kw: " : "", kw);
			if (text && *an)
				printf("  (links to it say:)\n%s\n", an);
			if (text && *guide_page_asks(g, p))
				printf("  (asks:)\n%s\n", guide_page_asks(g, p));
			if (text && *guide_page_notasks(g, p))
				printf("  (not-asks:)\n%s\n",
				    guide_page_notasks(g, p));
			for (k = guide_page_first_section(g, p);
			    k < guide_page_first_section(g, p) +
			    guide_page_nsections(g, p); k++) {
				printf("  %d %s (%zu bytes)\n",
				    guide_section_level(g, k),
				    guide_section_path(g, k),
				    strlen(guide_section_text(g, k)));
				if (text && *guide_section_asks(g, k))
					printf("  (asks:)\n%s\n",
					    guide_section_asks(g, k));
				if (text)
					printf("%s\n\n", guide_section_text(g, k));
			}
		}
	}
	search_free(s);
	guide_free(g);
	lexicon_free(lx);
	return 0;
}
