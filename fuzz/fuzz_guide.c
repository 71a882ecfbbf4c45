/*
 * fuzz_guide: bytes -> guide_load_buffer() as "x.fr.md" and as "x.md" ->
 * every accessor of every page and section -> search_new() and a query
 * made of a piece of the input. Beyond crashes, it checks guide.h's
 * promises about the text the bot will send: chat_is_safe() (chat.h).
 */
#include "ac-config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "guide.h"
#include "search.h"
#include "util.h"

static void
check_guide(const struct guide *g)
{
	size_t page, sec, total = 0;

	for (page = 0; page < guide_npages(g); page++) {
		size_t first = guide_page_first_section(g, page);
		size_t n = guide_page_nsections(g, page);
		const char *s;

		fuzz_check_chat("page title", guide_page_title(g, page));
		if ((s = guide_page_lang(g, page)) == NULL ||
		    strlen(s) < 2 || strlen(s) > 3 ||
		    strspn(s, "abcdefghijklmnopqrstuvwxyz") != strlen(s))
			fuzz_fail("page language is not a 2-3 letter code", s);
		if (guide_page_path(g, page) == NULL ||
		    guide_page_keywords(g, page) == NULL ||
		    guide_page_asks(g, page) == NULL ||
		    guide_page_notasks(g, page) == NULL)
			fuzz_fail("NULL path, keywords, asks or not-asks", NULL);
		if ((s = guide_page_summary(g, page)) != NULL)
			fuzz_check_chat("page summary", s);
		(void)guide_page_permalink(g, page);
		if (n > 0 && first + n > guide_nsections(g))
			fuzz_fail("page sections out of range", NULL);
		total += n;
	}
	if (total != guide_nsections(g))
		fuzz_fail("pages do not add up to the sections", NULL);
	for (sec = 0; sec < guide_nsections(g); sec++) {
		int level = guide_section_level(g, sec);

		if (guide_section_page(g, sec) >= guide_npages(g))
			fuzz_fail("section of no page", NULL);
		fuzz_check_chat("section heading", guide_section_heading(g, sec));
		fuzz_check_chat("section path", guide_section_path(g, sec));
		fuzz_check_chat("section text", guide_section_text(g, sec));
		if (guide_section_keywords(g, sec) == NULL)
			fuzz_fail("NULL section keywords", NULL);
		if (level < 1 || level > 6)
			fuzz_fail("section level out of 1..6", NULL);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct guide *g = guide_new();
	struct search *s;
	struct search_hit hits[8];
	char *text, *q;
	size_t nq, i, n;

	fuzz_setup();	/* once; no LLVMFuzzerInitialize needed */

	(void)guide_load_buffer(g, "x.fr.md", (const char *)data, size, "en");
	(void)guide_load_buffer(g, "x.md", (const char *)data, size, "es");
	check_guide(g);

	s = search_new(g);
	/* The question: the input's last line (at most 300 bytes). */
	text = fuzz_strndup(data, size);
	q = strrchr(text, '\n') ? strrchr(text, '\n') + 1 : text;
	if ((nq = strlen(q)) > 300)
		q[300] = '\0';
	n = search_query(s, q, NULL, hits, ARRAY_LEN(hits));
	/* Best first, by score x the page prior when the input has asks
	 * (search.h). */
	for (i = 0; i < n; i++)
		if (hits[i].section >= guide_nsections(g) ||
		    !(hits[i].score >= 0) || (i > 0 &&
		    hits[i].score * hits[i].prior > hits[i - 1].score *
		    hits[i - 1].prior))
			fuzz_fail("bad search hit", q);
	/* A not-ask is measured like an ask (0..1), and one named for
	 * --explain is a line of its page's not-asks. */
	for (i = 0; i < n; i++) {
		size_t len;
		const char *na = search_hit_notask(s, &hits[i], &len);

		if (!(hits[i].notask >= 0 && hits[i].notask <= 1) ||
		    (na != NULL && (hits[i].notask_id < 0 || len > 320 ||
		    memchr(na, '\n', len) != NULL)))
			fuzz_fail("bad not-ask of a hit", q);
	}
	(void)search_decide(hits, n, SEARCH_DEFAULT_MIN_SCORE);
	(void)search_query(s, q, "fr", hits, ARRAY_LEN(hits));
	search_free(s);

	free(text);
	guide_free(g);
	return 0;
}
