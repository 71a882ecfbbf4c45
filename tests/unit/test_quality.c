/*
 * test_quality: answer quality of the search on the project's own guide.
 * Reads $TOP_SRCDIR/tests/fixtures/questions.tsv, one question a line:
 *
 *	lang<TAB>question<TAB>expected
 *
 * lang is a code or "auto" (detect); expected is "page :: Section heading"
 * (page = file name, ".md" optional), alternatives separated by " | ", or "-"
 * when no good answer exists (correct when search_is_answer() refuses the
 * best hit at SEARCH_DEFAULT_MIN_SCORE, as the bot does). Loads
 * $TOP_SRCDIR/replies, prints top-1 and top-3 accuracy, the no-answer
 * precision (off-topic questions refused, answerable ones refused) and
 * every miss, and fails below 90% top-1 or when fewer than 70% of the
 * off-topic questions are refused. Skips (77) while replies/ or the
 * questions are missing.
 */
#include "ac-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "guide.h"
#include "log.h"
#include "search.h"
#include "util.h"

#define MIN_TOP1 0.90
#define MIN_REFUSED 0.70

/* "page.md :: heading" of a section (file name as in the questions). */
static void
label(const struct guide *g, size_t sec, char *out, size_t len)
{
	const char *path = guide_page_path(g, guide_section_page(g, sec));
	const char *base = strrchr(path, '/');

	(void)util_snprintf(out, len, "%s :: %s", base ? base + 1 : path,
	    guide_section_heading(g, sec));
}

/* Does one expected label (n bytes at e) name got? The page may be
 * written with or without its ".md". */
static int
same_label(const char *e, size_t n, const char *got)
{
	const char *sep = strstr(got, " :: "), *esep;
	size_t gpage, epage;

	if (sep == NULL || (esep = memmem(e, n, " :: ", 4)) == NULL)
		return 0;
	gpage = (size_t)(sep - got);
	epage = (size_t)(esep - e);
	if (strlen(sep) != n - epage || strncmp(sep, esep, n - epage) != 0)
		return 0;
	if (epage == gpage && strncmp(e, got, gpage) == 0)
		return 1;
	return epage + 3 == gpage && strncmp(e, got, epage) == 0 &&
	    strncmp(got + epage, ".md", 3) == 0;
}

/* Is got one of the " | "-separated alternatives? */
static int
matches(const char *expected, const char *got)
{
	const char *p = expected;

	while (p != NULL && *p != '\0') {
		const char *bar = strstr(p, " | ");
		size_t n = bar ? (size_t)(bar - p) : strlen(p);

		while (n > 0 && p[n - 1] == ' ')
			n--;
		while (n > 0 && *p == ' ') {
			p++;
			n--;
		}
		if (same_label(p, n, got))
			return 1;
		p = bar ? bar + 3 : NULL;
	}
	return 0;
}

int
main(void)
{
	const char *top = getenv("TOP_SRCDIR");
	char replies[1024], questions[1024], line[4096], l[512];
	struct stat st;
	struct guide *g;
	struct search *s;
	FILE *f;
	int total = 0, top1 = 0, top3 = 0, lineno = 0;
	int off = 0, offref = 0, onref = 0;
	double rate, refused;

	if (top == NULL)
		top = ".";
	(void)util_snprintf(replies, sizeof(replies), "%s/replies", top);
	(void)util_snprintf(questions, sizeof(questions),
	    "%s/tests/fixtures/questions.tsv", top);
	if (stat(replies, &st) == -1 || stat(questions, &st) == -1) {
		printf("# SKIP: %s or %s missing\n", replies, questions);
		return 77;
	}
	log_init(LOGL_WARN, NULL);
	g = guide_new();
	if (guide_load_dir(g, replies, "fr") <= 0) {
		printf("# SKIP: no page in %s\n", replies);
		guide_free(g);
		return 77;
	}
	s = search_new(g);
	if ((f = fopen(questions, "r")) == NULL) {
		perror(questions);
		return 99;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		char *lang, *q, *exp, *nl;
		struct search_hit hits[3];
		size_t n, k;
		int ok1 = 0, ok3 = 0;

		lineno++;
		if ((nl = strchr(line, '\n')) != NULL)
			*nl = '\0';
		if ((nl = strchr(line, '\r')) != NULL)
			*nl = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		lang = line;
		if ((q = strchr(lang, '\t')) == NULL ||
		    (exp = strchr(q + 1, '\t')) == NULL) {
			printf("# %s:%d: not lang<TAB>question<TAB>expected\n",
			    questions, lineno);
			continue;
		}
		*q++ = '\0';
		*exp++ = '\0';
		n = search_query(s, q, strcmp(lang, "auto") == 0 ? NULL : lang,
		    hits, 3);
		total++;
		if (strcmp(exp, "-") == 0) {
			ok1 = ok3 = n == 0 || !search_is_answer(&hits[0],
			    SEARCH_DEFAULT_MIN_SCORE);
			off++;
			offref += ok1;
		} else {
			onref += n == 0 || !search_is_answer(&hits[0],
			    SEARCH_DEFAULT_MIN_SCORE);
			for (k = 0; k < n; k++) {
				label(g, hits[k].section, l, sizeof(l));
				if (!matches(exp, l))
					continue;
				ok3 = 1;
				if (k == 0 && search_is_answer(&hits[0],
				    SEARCH_DEFAULT_MIN_SCORE))
					ok1 = 1;
			}
		}
		top1 += ok1;
		top3 += ok3;
		if (ok1)
			continue;
		printf("# miss (line %d) [%s] %s\n#   expected: %s\n", lineno,
		    lang, q, exp);
		for (k = 0; k < n; k++) {
			label(g, hits[k].section, l, sizeof(l));
			printf("#   got %.3f (coverage %.2f, %zu/%zu words, "
			    "rarity %.2f) %s\n", hits[k].score,
			    hits[k].coverage, hits[k].matched, hits[k].words,
			    hits[k].rarity, l);
		}
		if (n == 0)
			printf("#   got nothing\n");
	}
	fclose(f);
	search_free(s);
	guide_free(g);
	if (total == 0) {
		printf("# SKIP: no question in %s\n", questions);
		return 77;
	}
	rate = (double)top1 / total;
	refused = off ? (double)offref / off : 1;
	printf("# top-1 %d/%d (%.1f%%), top-3 %d/%d (%.1f%%), threshold %.2f\n",
	    top1, total, 100.0 * rate, top3, total, 100.0 * top3 / total,
	    SEARCH_DEFAULT_MIN_SCORE);
	printf("# no answer: %d/%d off-topic questions refused (%.1f%%), "
	    "%d/%d answerable ones refused\n", offref, off, 100.0 * refused,
	    onref, total - off);
	printf("%s 1 - top-1 accuracy at least %.0f%%\n",
	    rate >= MIN_TOP1 ? "ok" : "not ok", 100 * MIN_TOP1);
	printf("%s 2 - off-topic questions refused at least %.0f%%\n1..2\n",
	    refused >= MIN_REFUSED ? "ok" : "not ok", 100 * MIN_REFUSED);
	return rate >= MIN_TOP1 && refused >= MIN_REFUSED ? 0 : 1;
}
