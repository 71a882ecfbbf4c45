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
 */
#ifndef SECOURS_LABELS_H
#define SECOURS_LABELS_H

#include <string.h>

#include "guide.h"

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

/* Is section sec of g one of the alternatives of expected? */
static int
labels_match(const char *expected, const struct guide *g, size_t sec)
{
	const char *f = labels_base(guide_page_path(g,
	    guide_section_page(g, sec)));
	const char *head = guide_section_heading(g, sec);
	const char *p = expected;

	while (p != NULL && *p != '\0') {
		const char *bar = strstr(p, " | "), *sep;
		size_t n = bar ? (size_t)(bar - p) : strlen(p);

		while (n > 0 && p[n - 1] == ' ')
			n--;
		while (n > 0 && *p == ' ') {
			p++;
			n--;
		}
		sep = memmem(p, n, " :: ", 4);
		if (sep == NULL) {
			if (labels_file(p, n, f))
				return 1;
		} else {
			size_t hn = n - (size_t)(sep - p) - 4;

			if (labels_file(p, (size_t)(sep - p), f) &&
			    strlen(head) == hn && memcmp(sep + 4, head, hn) == 0)
				return 1;
		}
		p = bar ? bar + 3 : NULL;
	}
	return 0;
}

#endif
