/*
 * hits_dump: the search's hits and decision for every line of the split
 * question sets of replies/, with the question's tokens as the search
 * reads them, for scripts/page-classifier.py (a page classifier measured
 * as a prior on the search). Not part of `make check`.
 *
 *   hits_dump [-k K] top_srcdir       the questions (below)
 *   hits_dump -l top_srcdir           the lexicon's terms as the search
 *                                     compiles them
 *   hits_dump -r [-k K] top_srcdir    decide reordered hits (below)
 *   hits_dump -t top_srcdir           tokens of other text (below)
 *
 * Reads top_srcdir/replies (with its lexicon) and the sets test_quality
 * splits into halves, plus questions.tsv (all tune). No blind set is
 * ever read. For each question, lines of tab-separated fields:
 *
 *	Q qid set lineno half lang expected outcome right3 question
 *	T qid code tokens           (code: the question's language, then
 *	                             every lexicon language, "*" last)
 *	H qid rank page stem lang score right heading
 *
 * half is "tune" or "test" (questions.tsv: "tune"); lang the language the
 * question is read in (given, else detected, else the search's default);
 * outcome NONE, CHOICES, ANSWER or PAGE, decided as test_quality decides (three
 * hits, search_decide() at search_min_score()); right3 is labels_match()
 * of those three hits, "1" or "0" each ("101"); H lines are the K best
 * hits (default 10, as the bot asks), right = labels_match(). The three
 * first of K are checked to be test_quality's three ("# differ" counts
 * those that are not).
 *
 * -l prints "L concept flags lang tokens" for each lexicon term: its
 * words folded, split and stemmed in its language ("*": folded only), as
 * search.c's lx_compile() reads them (through search_tokens(), the same
 * lang_split() and stemmer).
 *
 * -r reads "qid i0 i1 i2 ..." lines on stdin (indices into the question's
 * K hits, a new order; at least one) and prints for each the outcome of
 * search_decide() on the hits in that order, with copy and translation
 * read again against the new best hit (search.c sets them against the
 * first hit), one word a line.
 *
 * -t reads "lang<TAB>text" lines on stdin (example questions, such as a
 * page's asks) and prints the T lines of each as above, numbered from 0.
 */
#include "ac-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "guide.h"
#include "lang.h"
#include "lexicon.h"
#include "log.h"
#include "search.h"
#include "util.h"

#include "../tests/unit/labels.h"

#define K_MAX		32
#define LINE_MAX_	4096

/* The sets of test_quality that are split into halves, and questions.tsv. */
static const struct {
	const char	*file;
	int		 halves;
} sets[] = {
	{ "questions.tsv", 0 },
	{ "questions-helpdesk.tsv", 1 },
	{ "questions-uncovered.tsv", 1 },
	{ "questions-long.tsv", 1 },
	{ "questions-scope.tsv", 1 },
	{ "questions-helpdesk2.tsv", 1 },
	{ "questions-helpdesk3.tsv", 1 },
	{ "questions-uncovered2.tsv", 1 },
	{ "questions-helpdesk4.tsv", 1 },
};

struct question {
	char			*lang;		/* NULL: "auto" */
	char			*text;
	struct search_hit	 hits[K_MAX];
	size_t			 n;
};

static struct question *qs;
static size_t nqs, qcap;

static const char *
outcome_name(enum search_outcome o)
{
	static const char *const names[] = {
		[SEARCH_NONE] = "NONE", [SEARCH_CHOICES] = "CHOICES",
		[SEARCH_ANSWER] = "ANSWER", [SEARCH_PAGE] = "PAGE",
	};

	return names[o];
}

/* Prints text with tabs and newlines as spaces. */
static void
put_field(const char *text)
{
	for (const char *p = text; *p != '\0'; p++)
		putchar(*p == '\t' || *p == '\n' ? ' ' : *p);
}

static void
put_tokens(size_t qid, const char *code, const char *text, const char *lang)
{
	char *t = search_tokens(text, lang);

	printf("T\t%zu\t%s\t%s\n", qid, code, t);
	free(t);
}

/* The lexicon languages ("*" last), as lx_compile() meets them. */
static size_t
lexicon_langs(const struct lexicon *lx, const char *codes[], size_t max)
{
	size_t n = 0, star = 0;

	for (size_t t = 0; t < lexicon_nterms(lx); t++) {
		const char *c = lexicon_term_lang(lx, t);
		size_t i;

		if (strcmp(c, "*") == 0) {
			star = 1;
			continue;
		}
		for (i = 0; i < n && strcmp(codes[i], c) != 0; i++)
			;
		if (i == n && n + 1 < max)
			codes[n++] = c;
	}
	if (star)
		codes[n++] = "*";
	return n;
}

/* Asks every question of one set; prints them (dump) or keeps them. */
static int
run_set(const struct guide *g, const struct search *s,
    const struct lexicon *lx, const char *top, size_t si, size_t k,
    int dump, size_t *differ)
{
	const char *codes[16];
	size_t ncodes = lexicon_langs(lx, codes, 16);
	char path[1024], line[LINE_MAX_];
	FILE *f;
	int lineno = 0, n = 0;

	(void)util_snprintf(path, sizeof(path), "%s/tests/fixtures/%s", top,
	    sets[si].file);
	if ((f = fopen(path, "r")) == NULL) {
		fprintf(stderr, "hits_dump: cannot read %s\n", path);
		return -1;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		struct search_hit h3[3];
		struct question *q;
		enum search_outcome o;
		const char *lang, *ql;
		char *q_, *exp, *tab, *nl;
		size_t n3;

		lineno++;
		if ((nl = strpbrk(line, "\r\n")) != NULL)
			*nl = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		n++;
		if ((q_ = strchr(line, '\t')) == NULL ||
		    (exp = strchr(q_ + 1, '\t')) == NULL)
			continue;
		*q_++ = '\0';
		*exp++ = '\0';
		if ((tab = strchr(exp, '\t')) != NULL)
			*tab = '\0';
		if (strncmp(exp, "!danger", 7) == 0)
			continue;
		if (nqs == qcap) {
			qcap = qcap ? qcap * 2 : 512;
			qs = xrealloc(qs, qcap * sizeof(*qs));
		}
		q = &qs[nqs];
		lang = strcmp(line, "auto") == 0 ? NULL : line;
		q->lang = lang ? xstrdup(lang) : NULL;
		q->text = xstrdup(q_);
		q->n = search_query(s, q->text, q->lang, q->hits, k);
		n3 = search_query(s, q->text, q->lang, h3, 3);
		o = search_decide(h3, n3, search_min_score(s));
		for (size_t j = 0; j < n3; j++)
			if (j >= q->n || h3[j].section != q->hits[j].section) {
				++*differ;
				break;
			}
		if (dump) {
			ql = lang ? lang : lang_detect(q->text);
			if (ql == NULL)
				ql = "-";
			printf("Q\t%zu\t%s\t%d\t%s\t%s\t%s\t%s\t", nqs,
			    sets[si].file, lineno, !sets[si].halves ||
			    !labels_half_test(n) ? "tune" : "test", ql, exp,
			    outcome_name(o));
			for (size_t j = 0; j < n3; j++)
				putchar(labels_match(exp, g, h3[j].section) ?
				    '1' : '0');
			putchar('\t');
			put_field(q->text);
			putchar('\n');
			put_tokens(nqs, "q", q->text, strcmp(ql, "-") == 0 ?
			    NULL : ql);
			for (size_t c = 0; c < ncodes; c++)
				put_tokens(nqs, codes[c], q->text, codes[c]);
			for (size_t j = 0; j < q->n; j++) {
				size_t pg = q->hits[j].page, sl;
				const char *st = guide_page_stem(g, pg, &sl);

				printf("H\t%zu\t%zu\t%zu\t%.*s\t%s\t%.6f\t%d\t",
				    nqs, j, pg, (int)sl, st,
				    guide_page_lang(g, pg), q->hits[j].score,
				    labels_match(exp, g, q->hits[j].section));
				put_field(guide_section_heading(g,
				    q->hits[j].section));
				putchar('\n');
			}
		}
		nqs++;
	}
	fclose(f);
	return 0;
}

/* Same file name, another language (search.c's page_translates()), or
 * (same set) the same language (page_twin()). */
static int
translates(const struct guide *g, size_t a, size_t b, int same)
{
	const char *x, *y;
	size_t nx, ny;

	if (a == b || (strcmp(guide_page_lang(g, a), guide_page_lang(g, b)) ==
	    0) != same)
		return 0;
	x = guide_page_stem(g, a, &nx);
	y = guide_page_stem(g, b, &ny);
	return nx > 0 && nx == ny && memcmp(x, y, nx) == 0;
}

/* -t: the T lines of each "lang<TAB>text" line of stdin. */
static void
token_lines(const struct lexicon *lx)
{
	const char *codes[16];
	size_t ncodes = lexicon_langs(lx, codes, 16), n = 0;
	char line[LINE_MAX_];

	while (fgets(line, sizeof(line), stdin) != NULL) {
		char *text, *nl;

		if ((nl = strpbrk(line, "\r\n")) != NULL)
			*nl = '\0';
		if ((text = strchr(line, '\t')) == NULL)
			continue;
		*text++ = '\0';
		put_tokens(n, "q", text, line);
		for (size_t c = 0; c < ncodes; c++)
			put_tokens(n, codes[c], text, codes[c]);
		n++;
	}
}

/* -r: one reordering a line. */
static void
decide_lines(const struct guide *g, const struct search *s)
{
	char line[LINE_MAX_];

	setvbuf(stdout, NULL, _IOLBF, 0);
	while (fgets(line, sizeof(line), stdin) != NULL) {
		struct search_hit h[K_MAX];
		const struct question *q;
		char *p = line, *end;
		unsigned long qid, ix;
		size_t n = 0;

		qid = strtoul(p, &end, 10);
		if (end == p || qid >= nqs) {
			printf("error\n");
			continue;
		}
		q = &qs[qid];
		for (p = end; n < K_MAX; p = end) {
			ix = strtoul(p, &end, 10);
			if (end == p)
				break;
			if (ix >= q->n)
				break;
			h[n++] = q->hits[ix];
		}
		if (n == 0) {
			printf("NONE\n");
			continue;
		}
		for (size_t j = 0; j < n; j++) {
			h[j].copy = j > 0 && h[j].page != h[0].page &&
			    strcmp(guide_section_text(g, h[j].section),
			    guide_section_text(g, h[0].section)) == 0;
			h[j].translation = j > 0 && translates(g, h[0].page,
			    h[j].page, 0);
			h[j].twin = j > 0 && translates(g, h[0].page,
			    h[j].page, 1);
		}
		printf("%s\n", outcome_name(search_decide(h, n,
		    search_min_score(s))));
	}
}

int
main(int argc, char **argv)
{
	char path[1024];
	struct guide *g;
	struct lexicon *lx;
	struct search *s;
	size_t k = 10, differ = 0;
	int ch, terms = 0, decide = 0, tokens = 0;

	while ((ch = getopt(argc, argv, "k:lrt")) != -1) {
		switch (ch) {
		case 'k':
			k = strtoul(optarg, NULL, 10);
			break;
		case 'l': terms = 1; break;
		case 'r': decide = 1; break;
		case 't': tokens = 1; break;
		default:
			goto usage;
		}
	}
	if (optind + 1 != argc || k < 3 || k > K_MAX)
		goto usage;
	if (lang_load_dir(SRCDATADIR) == -1)
		return 1;
	log_init(LOGL_ERROR, NULL);
	(void)util_snprintf(path, sizeof(path), "%s/replies", argv[optind]);
	g = guide_new();
	if (guide_load_dir(g, path, "fr") <= 0) {
		fprintf(stderr, "hits_dump: no page in %s\n", path);
		return 1;
	}
	lx = lexicon_new();
	if (lexicon_load_dir(lx, path) < 0) {
		fprintf(stderr, "hits_dump: %s\n", lexicon_error(lx));
		return 1;
	}
	if (tokens) {
		token_lines(lx);
		lexicon_free(lx);
		guide_free(g);
		return 0;
	}
	if (terms) {
		for (size_t t = 0; t < lexicon_nterms(lx); t++) {
			size_t c = lexicon_term_concept(lx, t);
			const char *code = lexicon_term_lang(lx, t);
			char *tok = search_tokens(lexicon_term_text(lx, t),
			    code);

			printf("L\t%s\t%u\t%s\t%s\n",
			    lexicon_concept_name(lx, c),
			    lexicon_concept_flags(lx, c), code, tok);
			free(tok);
		}
		lexicon_free(lx);
		guide_free(g);
		return 0;
	}
	s = search_new_lex(g, lx);
	for (size_t i = 0; i < ARRAY_LEN(sets); i++)
		if (run_set(g, s, lx, argv[optind], i, k, !decide, &differ) ==
		    -1)
			return 1;
	if (decide)
		decide_lines(g, s);
	else
		printf("# %zu questions, min_score %.3f, differ %zu\n", nqs,
		    search_min_score(s), differ);
	for (size_t i = 0; i < nqs; i++) {
		free(qs[i].lang);
		free(qs[i].text);
	}
	free(qs);
	search_free(s);
	lexicon_free(lx);
	guide_free(g);
	return 0;
usage:
	fprintf(stderr, "usage: hits_dump [-lrt] [-k K] top_srcdir\n");
	return 2;
}
