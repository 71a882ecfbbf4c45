/*
 * guide_dump: developer tool. Loads guide directories (warnings shown) and
 * prints what the loader made of them, or answers questions.
 *
 *   guide_dump [-t] [-q question [-l lang]] [-s] dir...
 *     (default)  one line per page and per section (level, path, size)
 *     -t         also print each section's chat text
 *     -q text    print the 5 best sections for a question (-l: its language)
 *     -T         read "lang<TAB>question<TAB>expected" lines on stdin and
 *                print accuracy (expected as in tests/fixtures/questions.tsv)
 */
#include "ac-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "guide.h"
#include "log.h"
#include "search.h"
#include "util.h"

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

/* Copy of s without ".md" before " :: ". */
static void
strip_md(const char *s, size_t n, char *out, size_t len)
{
	const char *sep;

	(void)util_snprintf(out, len, "%.*s", (int)n, s);
	if ((sep = strstr(out, ".md :: ")) != NULL)
		memmove((char *)sep, sep + 3, strlen(sep + 3) + 1);
}

static int
matches(const char *expected, const char *got)
{
	const char *p = expected;
	char g[512], e[512];

	strip_md(got, strlen(got), g, sizeof(g));
	while (p != NULL && *p != '\0') {
		const char *bar = strstr(p, " | ");
		size_t n = bar ? (size_t)(bar - p) : strlen(p);

		strip_md(p, n, e, sizeof(e));
		if (strcmp(e, g) == 0)
			return 1;
		p = bar ? bar + 3 : NULL;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct guide *g;
	struct search *s;
	const char *q = NULL, *lang = NULL;
	int ch, text = 0, tsv = 0, i;
	double min = SEARCH_DEFAULT_MIN_SCORE;

	log_init(LOGL_INFO, NULL);
	while ((ch = getopt(argc, argv, "tq:l:Tm:")) != -1) {
		switch (ch) {
		case 't': text = 1; break;
		case 'q': q = optarg; break;
		case 'l': lang = optarg; break;
		case 'T': tsv = 1; break;
		case 'm': min = strtod(optarg, NULL); break;
		default:
			fprintf(stderr, "usage: guide_dump [-t] [-q text [-l lang]] "
			    "[-T] dir...\n");
			return 2;
		}
	}
	g = guide_new();
	for (i = optind; i < argc; i++)
		if (guide_load_dir(g, argv[i], "en") < 0)
			guide_load_file(g, argv[i], "en");
	s = search_new(g);
	if (q != NULL) {
		struct search_hit hits[5];
		size_t n = search_query(s, q, lang, hits, 5), k;
		char l[512];
		char *toks = search_tokens(q, lang ? lang :
		    search_detect_lang(q));

		printf("lang %s, tokens: %s\n", lang ? lang :
		    (search_detect_lang(q) ? search_detect_lang(q) : "?"), toks);
		free(toks);
		for (k = 0; k < n; k++) {
			label(g, hits[k].section, l, sizeof(l));
			printf("%.3f [%s] %s\n", hits[k].score,
			    guide_page_lang(g, guide_section_page(g,
			    hits[k].section)), l);
			if (text && k == 0)
				printf("%s\n", guide_section_text(g,
				    hits[k].section));
		}
	} else if (tsv) {
		char line[4096];
		int total = 0, top1 = 0, top3 = 0;

		while (fgets(line, sizeof(line), stdin) != NULL) {
			char *ql, *qq, *qe, *nl;
			struct search_hit hits[3];
			size_t n, k;
			char l[512];
			int ok1 = 0, ok3 = 0;

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
			n = search_query(s, qq, strcmp(ql, "auto") == 0 ? NULL :
			    ql, hits, 3);
			total++;
			if (strcmp(qe, "-") == 0) {
				ok1 = ok3 = n == 0 || hits[0].score < min;
			} else {
				for (k = 0; k < n; k++) {
					label(g, hits[k].section, l, sizeof(l));
					if (matches(qe, l)) {
						ok3 = 1;
						if (k == 0 && hits[0].score >= min)
							ok1 = 1;
					}
				}
			}
			top1 += ok1;
			top3 += ok3;
			if (!ok1) {
				printf("MISS [%s] %s\n  want: %s\n", ql, qq, qe);
				for (k = 0; k < n; k++) {
					label(g, hits[k].section, l, sizeof(l));
					printf("  %.3f %s\n", hits[k].score, l);
				}
			}
		}
		printf("top-1 %d/%d (%.1f%%), top-3 %d/%d (%.1f%%)\n", top1,
		    total, total ? 100.0 * top1 / total : 0, top3, total,
		    total ? 100.0 * top3 / total : 0);
	} else {
		size_t p, k;

		for (p = 0; p < guide_npages(g); p++) {
			const char *kw = guide_page_keywords(g, p);

			printf("== %s [%s] \"%s\"%s%s\n", guide_page_path(g, p),
			    guide_page_lang(g, p), guide_page_title(g, p),
			    *kw ? " kw: " : "", kw);
			for (k = guide_page_first_section(g, p);
			    k < guide_page_first_section(g, p) +
			    guide_page_nsections(g, p); k++) {
				printf("  %d %s (%zu bytes)\n",
				    guide_section_level(g, k),
				    guide_section_path(g, k),
				    strlen(guide_section_text(g, k)));
				if (text)
					printf("%s\n\n", guide_section_text(g, k));
			}
		}
	}
	search_free(s);
	guide_free(g);
	return 0;
}
