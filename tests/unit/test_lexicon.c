/*
 * test_lexicon: the concept lexicon's loader (errors name file:line) and
 * what concepts do to search: a word meets its synonyms and translations,
 * in sections and in questions, and a question's subject is checked
 * against the section's; and search_decide()'s three outcomes.
 */
#include "ac-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guide.h"
#include "lang.h"
#include "lexicon.h"
#include "log.h"
#include "search.h"
#include "hits.h"
#include "tap.h"
#include "util.h"

static int
load(struct lexicon *lx, const char *text)
{
	return lexicon_load_buffer(lx, "lex.txt", text, strlen(text));
}

static void
check_error(const char *text, const char *expected, const char *name)
{
	struct lexicon *lx = lexicon_new();

	CHECK_INT(-1, load(lx, text), name);
	CHECK_STR(expected, lexicon_error(lx) ? lexicon_error(lx) : "(none)",
	    name);
	lexicon_free(lx);
}

static void
test_loader(void)
{
	struct lexicon *lx = lexicon_new();
	int c;

	CHECK_INT(2, load(lx, "# comment\n\n[device] subject # tags\n"
	    "en: laptop, phone , multi word term\nfr: ordi\n"
	    "*: iphone\n[vague weak]\nen: thing\n"), "two concepts");
	CHECK(lexicon_error(lx) == NULL, "no error");
	c = lexicon_concept_find(lx, "device");
	CHECK_INT(0, c, "device found");
	CHECK_INT(LEXICON_SUBJECT, (int)lexicon_concept_flags(lx, 0),
	    "tag after the brackets");
	CHECK_INT(LEXICON_WEAK, (int)lexicon_concept_flags(lx, 1),
	    "tag inside the brackets");
	CHECK_INT(6, (int)lexicon_nterms(lx), "six terms");
	CHECK_STR("multi word term", lexicon_term_text(lx, 2), "trimmed");
	CHECK_STR("*", lexicon_term_lang(lx, 4), "any language");
	CHECK_STR("fr", lexicon_term_lang(lx, 3), "language");
	lexicon_free(lx);

	/* s18-fixun: "vague" (no situation of its own) and "law" (asks
	 * what the law allows), beside another tag. */
	lx = lexicon_new();
	CHECK_INT(2, load(lx, "[trouble weak vague]\nen: problem\n"
	    "[law-question law]\nen: \"is it legal\"\n"), "vague and law");
	CHECK_INT(LEXICON_WEAK | LEXICON_VAGUE,
	    (int)lexicon_concept_flags(lx, 0), "weak and vague");
	CHECK_INT(LEXICON_LAW, (int)lexicon_concept_flags(lx, 1), "law");
	lexicon_free(lx);

	check_error("en: orphan\n", "lex.txt:1: terms before any [concept]",
	    "terms first");
	check_error("[a]\n\nen laptop\n", "lex.txt:3: expected 'xx: term, "
	    "term' or '[concept]'", "no colon");
	check_error("[a]\nenglish: laptop\n", "lex.txt:2: language must be "
	    "two letters or '*'", "bad language");
	check_error("[a] strong\n", "lex.txt:1: unknown tag 'strong' "
	    "(subject, weak, name, addressed, vague, law)", "bad tag");
	check_error("[a\n", "lex.txt:1: '[' without ']'", "unclosed");
	check_error("[]\n", "lex.txt:1: empty concept name", "empty name");
	check_error("[a b/c]\n", "lex.txt:1: unknown tag 'b/c' (subject, "
	    "weak, name, addressed, vague, law)", "bad tag chars");
	check_error("[é]\n", "lex.txt:1: bad concept name (letters, digits, "
	    "'-' and '_')", "bad name");
	check_error("[a]\nen: x\xff\n", "lex.txt:2: not valid UTF-8 text",
	    "bad UTF-8");

	/* A bad line loses nothing else. */
	lx = lexicon_new();
	CHECK_INT(-1, load(lx, "[a]\nen: one\nbad line\nen: two\n"),
	    "bad line reported");
	CHECK_INT(2, (int)lexicon_nterms(lx), "good lines kept");
	lexicon_free(lx);

	lx = lexicon_new();
	CHECK_INT(-1, lexicon_load_file(lx, "/nonexistent/lexicon.txt"),
	    "missing file");
	CHECK(lexicon_error(lx) != NULL && strstr(lexicon_error(lx),
	    "/nonexistent/lexicon.txt") != NULL, "error names the file");
	lexicon_free(lx);
}

static const char page_laptop[] =
"---\ntitle: Your machine\n---\n"
"# If your laptop was taken at the border\n\n"
"Do not switch it on again before an expert looks at it.\n\n"
"# Cleaning the keyboard\n\nUse a soft cloth and a little alcohol.\n";

static const char page_site[] =
"---\ntitle: Your website\n---\n"
"# When the website is unreachable\n\n"
"Check with your hosting provider whether the server is up.\n\n"
"# Updating plugins\n\nKeep the plugins of the website up to date.\n";

static const char page_compte[] =
"---\ntitle: Votre compte\n---\n"
"# Récupérer un compte piraté\n\n"
"Changez le mot de passe depuis un appareil sûr.\n";

struct fixture {
	struct guide	*g;
	struct lexicon	*lx;
	struct search	*s;
	struct search	*plain;
};

static void
fixture_init(struct fixture *f, const char *lexdir)
{
	char path[1024];

	f->g = guide_new();
	guide_load_buffer(f->g, "laptop.en.md", page_laptop,
	    strlen(page_laptop), "en");
	guide_load_buffer(f->g, "site.en.md", page_site, strlen(page_site),
	    "en");
	guide_load_buffer(f->g, "compte.fr.md", page_compte,
	    strlen(page_compte), "fr");
	f->lx = lexicon_new();
	(void)util_snprintf(path, sizeof(path), "%s/lexicon.txt", lexdir);
	CHECK(lexicon_load_file(f->lx, path) > 0, "fixture lexicon loads");
	f->s = search_new_lex(f->g, f->lx);
	f->plain = search_new(f->g);
}

static void
fixture_release(struct fixture *f)
{
	search_free(f->s);
	search_free(f->plain);
	lexicon_free(f->lx);
	guide_free(f->g);
}

/* The heading of the best hit for q, or "(none)". */
static const char *
best(const struct guide *g, const struct search *s, const char *q,
    const char *lang, struct search_hit *hit)
{
	struct search_hit hits[5];
	size_t n = search_query(s, q, lang, hits, 5);

	if (n == 0)
		return "(none)";
	if (hit != NULL)
		*hit = hits[0];
	return guide_section_heading(g, hits[0].section);
}

static void
test_concepts(const char *lexdir)
{
	struct fixture f;
	struct search_hit h;

	fixture_init(&f, lexdir);
	/* Synonyms in one language: "computer" is not in the laptop page. */
	CHECK_STR("If your laptop was taken at the border",
	    best(f.g, f.s, "police confiscated my computer", "en", NULL),
	    "synonym: computer meets laptop");
	CHECK_STR("(none)", best(f.g, f.plain, "police confiscated my "
	    "computer", "en", NULL), "without the lexicon nothing matches");
	/* Across languages: a French question, an English page. */
	CHECK_STR("If your laptop was taken at the border",
	    best(f.g, f.s, "la police a confisqué mon ordi", "fr", NULL),
	    "across languages: ordi meets laptop");
	/* A multi-word term. */
	CHECK_STR("When the website is unreachable",
	    best(f.g, f.s, "notre site web est hors ligne", "fr", NULL),
	    "phrase: hors ligne meets unreachable");
	/* Spanish meets French. */
	CHECK_STR("Récupérer un compte piraté",
	    best(f.g, f.s, "me han hackeado la cuenta", "es", &h),
	    "es hackeado cuenta meets fr compte piraté");
	CHECK(!h.off_subject, "same subject: account");
	/* Subjects: a question about a device, a page about an account. */
	{
		struct search_hit hits[5];
		size_t n = search_query(f.s, "mon ordi est piraté", "fr", hits,
		    5);
		int acc = -1, dev = -1;

		for (size_t k = 0; k < n; k++) {
			const char *hd = guide_section_heading(f.g,
			    hits[k].section);

			if (strcmp(hd, "Récupérer un compte piraté") == 0)
				acc = hits[k].off_subject;
			if (strcmp(hd, "If your laptop was taken at the "
			    "border") == 0)
				dev = hits[k].off_subject;
		}
		CHECK_INT(1, acc, "device question: the account page is off "
		    "its subject");
		CHECK_INT(0, dev, "device question: the laptop page is not");
	}
	/* A question without a subject is never off subject. */
	(void)best(f.g, f.s, "piraté", "fr", &h);
	CHECK(!h.off_subject, "no subject, no mismatch");
	fixture_release(&f);
}

/* The score of the best hit for q on a guide of one page, with a lexicon
 * of the given text. */
static double
score_with(const char *page, const char *lextext, const char *q)
{
	struct guide *g = guide_new();
	struct lexicon *lx = lexicon_new();
	struct search *s;
	struct search_hit hits[3];
	size_t n;

	guide_load_buffer(g, "page.en.md", page, strlen(page), "en");
	if (*lextext != '\0')
		CHECK(load(lx, lextext) > 0, "mention lexicon loads");
	s = search_new_lex(g, lx);
	n = search_query(s, q, "en", hits, 3);
	search_free(s);
	lexicon_free(lx);
	guide_free(g);
	return n > 0 ? hits[0].score : 0;
}

/* A body word that is a lexicon term weighs less when its page is not
 * about the concept (its title and headings do not name it): a malware
 * page listing "returned" among the signs must not outrank the page on
 * returned devices on that word alone. On a page about it, nothing
 * changes. */
static void
test_mention_word(void)
{
	static const char passing[] =
	    "# Malware\n\n## Signs of infection\n\nThe battery drains "
	    "fast, new apps appear, the laptop was seized and returned.\n\n"
	    "## Cleaning\n\nReinstall the system from a clean copy.\n";
	static const char about[] =
	    "# Devices given back\n\n## Signs of infection\n\nThe battery "
	    "drains fast, new apps appear, the laptop was seized and "
	    "returned.\n\n## Cleaning\n\nReinstall the system from a clean "
	    "copy.\n";
	static const char lex[] = "[returned]\nen: returned, given back\n";
	static const char other[] = "[battery]\nen: battery\n";
	double with, without;

	with = score_with(passing, lex, "returned");
	without = score_with(passing, other, "returned");
	CHECK(with > 0 && with < 0.9 * without, "a term named in passing "
	    "weighs less than the same word the lexicon does not know");
	with = score_with(about, lex, "returned");
	without = score_with(about, other, "returned");
	CHECK(with >= 0.99 * without, "on a page about it, it weighs in full");
}

static struct search_hit
hit(double score, double coverage, size_t matched, size_t words,
    double rarity, int off)
{
	struct search_hit h = mkhit(score, coverage, rarity, words, matched);

	h.off_subject = off;
	return h;
}

/*
 * The shipped lexicon (replies/lexicon.txt) links the words of a guide
 * written like the Digital First Aid Kit to a question in another language
 * that says the same thing its own way: a page nobody tagged, in English,
 * its sections in the kit's register ("inform your network", "remove the
 * authorization", "remote data wipes", "offline"), and French and Spanish
 * questions that share no word with them. Each pair meets only through a
 * term of the shipped lexicon: without it the best hit is another section
 * ("página" alone finds the site's sections, but without "tumbar la
 * página" the offline one leads the next by 2%, not by half again).
 */
static const char page_devices[] =
"---\ntitle: Devices out of your hands\n---\n"
"# Devices out of your hands\n\n"
"What to do when a phone or a laptop was lost, taken or seized.\n\n"
"# Logging out of a shared computer\n\n"
"On a borrowed computer, log out of your accounts before you leave.\n\n"
"# If the device is still gone\n\n"
"Remove the authorization of the device from each of them, then change "
"those passwords.\n\n"
"# Tell the people who matter\n\n"
"Inform your network: the people you work with may be exposed by what "
"the device held.\n\n"
"# Before it happens\n\n"
"Think about encryption, a screen lock and a tool for remote data "
"wipes.\n";

static const char page_web[] =
"---\ntitle: Your website\n---\n"
"# Your website\n\n"
"Keeping a small site online and safe.\n\n"
"# Your site and its pages\n\n"
"A caching plugin and smaller images make each page load sooner.\n\n"
"# When the site is offline\n\n"
"Ask your host whether the server still answers.\n";

static void
test_shipped_terms(const char *top)
{
	static const struct {
		const char	*lang, *q, *want, *term;
	} qs[] = {
		{ "es", "tengo que avisar a mis contactos?",
		  "Tell the people who matter", "inform-contacts" },
		{ "fr", "comment retirer l'autorisation de mon ordi volé",
		  "If the device is still gone",
		  "revoke-access" },
		{ "fr", "on peut effacer à distance ?", "Before it happens",
		  "remote-wipe" },
		{ "es", "nos tumbaron la página", "When the site is offline",
		  "site-down" },
	};
	char dir[1024], name[256];
	struct guide *g = guide_new();
	struct lexicon *lx = lexicon_new();
	struct search *s;
	struct search_hit h[2];
	size_t i, n;

	(void)util_snprintf(dir, sizeof(dir), "%s/replies", top);
	CHECK(lexicon_load_dir(lx, dir) > 0, "the shipped lexicon loads");
	guide_load_buffer(g, "devices.en.md", page_devices,
	    strlen(page_devices), "en");
	guide_load_buffer(g, "web.en.md", page_web, strlen(page_web), "en");
	s = search_new_lex(g, lx);
	for (i = 0; i < ARRAY_LEN(qs); i++) {
		(void)util_snprintf(name, sizeof(name), "shipped [%s]: %s "
		    "(%s) meets the English page", qs[i].term, qs[i].q,
		    qs[i].lang);
		CHECK(lexicon_concept_find(lx, qs[i].term) >= 0, qs[i].term);
		n = search_query(s, qs[i].q, qs[i].lang, h, 2);
		CHECK_STR(qs[i].want, n > 0 ? guide_section_heading(g,
		    h[0].section) : "(none)", name);
		CHECK(n < 2 || h[0].score >= 1.3 * h[1].score, name);
	}
	search_free(s);
	lexicon_free(lx);
	guide_free(g);
}

/* search_decide(): the one place that says answer, choices or nothing. */
static void
test_decide(void)
{
	const double m = SEARCH_DEFAULT_MIN_SCORE;
	struct search_hit h[2];

	CHECK_INT(SEARCH_NONE, search_decide(NULL, 0, m), "no hit: none");
	h[0] = hit(m + 0.5, 1, 2, 2, 0.5, 0);
	CHECK_INT(SEARCH_ANSWER, search_decide(h, 1, m), "good hit: answer");
	h[0] = hit(m + 0.5, 1, 2, 2, 0.5, 1);
	CHECK_INT(SEARCH_CHOICES, search_decide(h, 1, m),
	    "off the question's subject: choices, never an answer");
	h[0] = hit(m - 0.01, 1, 2, 2, 0.5, 0);
	CHECK_INT(SEARCH_CHOICES, search_decide(h, 1, m),
	    "just below min_score: choices");
	h[0] = hit(SEARCH_CHOICE_MIN - 0.01, 1, 2, 2, 0.5, 0);
	CHECK_INT(SEARCH_NONE, search_decide(h, 1, m),
	    "below the choice floor: none");
	h[0] = hit(m + 0.5, 0.3, 1, 3, 0.5, 0);
	CHECK_INT(SEARCH_CHOICES, search_decide(h, 1, m),
	    "one common word of three: choices");
	h[0] = hit(m + 0.5, 0.3, 1, 3, 1.0, 0);
	CHECK_INT(SEARCH_ANSWER, search_decide(h, 1, m),
	    "one rare name of three: answer");
	h[0] = hit(m + 0.5, SEARCH_MIN_COVERAGE_ANY - 0.01, 3, 9, 1.0, 0);
	CHECK_INT(SEARCH_CHOICES, search_decide(h, 1, m),
	    "a side word of a long question: choices");
	h[0] = hit(5, 1, 2, 2, 0.5, 0);
	CHECK_INT(SEARCH_CHOICES, search_decide(h, 1, 10),
	    "a configured min_score is obeyed");
	h[0] = hit(m + 0.5, SEARCH_UNKNOWN_COVERAGE - 0.01, 2, 4, 1.0, 0);
	h[0].unknown = SEARCH_UNKNOWN_MAX;
	CHECK_INT(SEARCH_CHOICES, search_decide(h, 1, m),
	    "much of the question unknown to the guide, little covered: "
	    "choices");
	h[0].coverage = SEARCH_UNKNOWN_COVERAGE;
	CHECK_INT(SEARCH_CHOICES, search_decide(h, 1, m),
	    "...covered enough, but half the words of a short question "
	    "unmatched: choices (SEARCH_UNKNOWN_MATCHED)");
	h[0].matched = 3;
	CHECK_INT(SEARCH_ANSWER, search_decide(h, 1, m),
	    "...unless the hit covers enough of it, and most of its words");
}

int
main(void)
{
	const char *top = getenv("TOP_SRCDIR");
	char lexdir[1024];

	/* The languages' words (stopwords, commands) from the source tree. */
	if (lang_load_dir(SRCDATADIR) == -1)
		return 1;
	log_init(LOGL_ERROR, NULL);
	(void)util_snprintf(lexdir, sizeof(lexdir), "%s/tests/fixtures/lexicon",
	    top ? top : ".");
	test_loader();
	test_concepts(lexdir);
	test_shipped_terms(top ? top : ".");
	test_mention_word();
	test_decide();
	return TAP_DONE();
}
