/*
 * test_search: tokenizer, language guess, command folding and ranking on
 * the fixture pages of tests/fixtures/guide/search and .../guide/pages.
 */
#include "ac-config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guide.h"
#include "lang.h"
#include "lexicon.h"
#include "log.h"
#include "search.h"
#include "search_tune.h"
#include "hits.h"
#include "tap.h"
#include "util.h"

static char fixdir[1024];

/* The rules of a page without asks (search.c: plain_decide(), the
 * constants page_other, page_section, page_heading, page_clear,
 * page_topic, page_far, page_share, page_carry, page_alone, page_titled,
 * page_rival_share, sec_branch, sec_cover and sec_tie) off (0: the decision
 * of every page) or as the daemon has them (-1), so that checks of the
 * rules of every page hold on hand-made hits, which have no page prior. */
static void
plain_on(int on)
{
	static double other = -1, section = -1, heading = -1, clear = -1;
	static double topic = -1, far = -1, share = -1, carry = -1;
	static double alone = -1, titled = -1, rival = -1;
	static double sbranch = -1, scover = -1, stie = -1;

	if (other < 0) {
		(void)search_tune_get("page_other", &other);
		(void)search_tune_get("page_section", &section);
		(void)search_tune_get("page_heading", &heading);
		(void)search_tune_get("page_clear", &clear);
		(void)search_tune_get("page_topic", &topic);
		(void)search_tune_get("page_far", &far);
		(void)search_tune_get("page_share", &share);
		(void)search_tune_get("page_carry", &carry);
		(void)search_tune_get("page_alone", &alone);
		(void)search_tune_get("page_titled", &titled);
		(void)search_tune_get("page_rival_share", &rival);
		(void)search_tune_get("sec_branch", &sbranch);
		(void)search_tune_get("sec_cover", &scover);
		(void)search_tune_get("sec_tie", &stie);
	}
	(void)search_tune_set("sec_branch", on == 0 ? 0 : sbranch);
	(void)search_tune_set("sec_cover", on == 0 ? 0 : scover);
	(void)search_tune_set("sec_tie", on == 0 ? 0 : stie);
	(void)search_tune_set("page_alone", on == 0 ? 0 : alone);
	(void)search_tune_set("page_titled", on == 0 ? 0 : titled);
	(void)search_tune_set("page_rival_share", on == 0 ? 0 : rival);
	(void)search_tune_set("page_far", on == 0 ? 0 : far);
	(void)search_tune_set("page_share", on == 0 ? 0 : share);
	(void)search_tune_set("page_carry", on == 0 ? 0 : carry);
	(void)search_tune_set("page_other", on == 0 ? 2 : other);
	(void)search_tune_set("page_section", on == 0 ? 2 : section);
	(void)search_tune_set("page_heading", on == 0 ? 0 : heading);
	(void)search_tune_set("page_clear", on == 0 ? 0 : clear);
	(void)search_tune_set("page_topic", on == 0 ? 0 : topic);
}

/* The page outcome (search.h: SEARCH_PAGE) on as s10-page measured it
 * (1: page_hits 2, page_agreed 0.95), off (0), or as the daemon has it
 * (-1: the defaults), so that the checks hold whatever the defaults. On
 * or off, the rules of a page without asks are off (plain_on(0)); -1
 * puts them back. */
static void
page_on(int on)
{
	static double hits = -1, agreed = -1;

	if (hits < 0) {
		(void)search_tune_get("page_hits", &hits);
		(void)search_tune_get("page_agreed", &agreed);
	}
	(void)search_tune_set("page_hits", on > 0 ? 2 : on == 0 ? 0 : hits);
	(void)search_tune_set("page_agreed", on > 0 ? 0.95 : on == 0 ? 0 :
	    agreed);
	plain_on(on < 0 ? -1 : 0);
}

static void
check_tokens(const char *text, const char *lang, const char *expected,
    const char *name)
{
	char *got = search_tokens(text, lang);

	CHECK_STR(expected, got, name);
	free(got);
}

static void
check_fold(const char *text, const char *expected)
{
	char *got = lang_fold(text);

	CHECK_STR(expected, got, text);
	free(got);
}

static void
check_lang(const char *text, const char *expected)
{
	const char *got = lang_detect(text);

	CHECK_STR(expected ? expected : "(null)", got ? got : "(null)", text);
}

static void
test_tokens(void)
{
	check_tokens("L'ordinateur d’Anne", "fr", "ordin anne",
	    "elisions with ' and ’");
	check_tokens("piratée piratées piraté pirate arrêtée arrêté", "fr",
	    "pirat pirat pirat pirat arret arret",
	    "French -ée(s) stems as -é");
	check_tokens("qu'il jusqu'au lorsqu’elle", "fr", "",
	    "elided stopwords vanish");
	check_tokens("Téléphone TELEPHONE telephone", "fr",
	    "telephon telephon telephon", "case and accents folded");
	check_tokens("sécurité securite", "fr", "securit securit",
	    "accents folded before stemming");
	check_tokens("piraté piratés pirate", "fr", "pirat pirat pirat",
	    "French stems");
	check_tokens("le la les des du de un une et est", "fr", "",
	    "French stopwords");
	check_tokens("the and is of my how", "en", "", "English stopwords");
	check_tokens("how do i reach you", "en", "reach you", "the word that "
	    "addresses the bot is shown after the words searched");
	check_tokens("can you help me with signal", "en", "help signal",
	    "...not the politeness of \"can you\"");
	check_tokens("el los que para con", "es", "", "Spanish stopwords");
	check_tokens("hacked hacking accounts", "en", "hack hack account",
	    "English stems");
	check_tokens("hackearon cuentas", "es", "hack cuent",
	    "Spanish stems");
	check_tokens("organización organizacion organizaciones "
	    "Organizaciones", "es", "organiz organiz organiz organiz",
	    "Spanish -ción: singular (typed with or without accent) and "
	    "plural meet");
	check_tokens("dernière derniere dernières dernier", "fr",
	    "derni derni derni derni", "French -ière meets -ier");
	check_tokens("e-mail anti-virus", "en", "mail email anti virus "
	    "antivirus", "hyphenated words: parts and compound");
	check_tokens("don't DON’T", "en", "", "don't is dont, a stopword");
	check_tokens("Œuvre straße", "fr", "oeuvr strass",
	    "ligatures and sharp s");
	check_tokens("２ＦＡ ﬁle", "en", "2fa file", "NFKC compatibility");
	check_tokens("bad \xff\xfe utf8 \xc3", "en", "bad utf8",
	    "invalid UTF-8 skipped");
	check_tokens("Bonjour, merci svp", "fr", "", "greetings dropped");
	check_tokens("aide help ayuda", "fr", "aid help ayud",
	    "help words kept");
	check_tokens("", "fr", "", "empty text");
	check_tokens("Write to Help@Example.org now", "en",
	    "write help@example.org help exampl org now",
	    "an e-mail address is also one word");
	check_tokens("fera-t-il peut-être", "fr", "fer peutetr",
	    "3-part words give no compound, 2-part ones do");
}

static void
test_detect(void)
{
	check_lang("Bonjour, mon téléphone a été volé", "fr");
	check_lang("qu'est-ce que je dois faire ?", "fr");
	check_lang("My phone was stolen, what do I do?", "en");
	check_lang("Me robaron el teléfono, ¿qué hago?", "es");
	check_lang("Mein Telefon ist weg und ich weiß nicht", "de");
	check_lang("Мой телефон украли", "ru");
	check_lang("aide", "fr");
	check_lang("help", "en");
	check_lang("malware", NULL);
	check_lang("", NULL);
	check_lang("la", NULL);
	check_lang("\xff\xfe", NULL);
	{
		size_t best = 0, other = 0;
		const char *l = lang_detect_counts("le chat et le chien "
		    "sont dans la maison avec the dog", "en", &best, &other);

		CHECK_STR("fr", l ? l : "(null)", "counts: winner");
		CHECK(best == 7 && other == 1, "counts: evidence of both");
	}
}

static void
test_fold(void)
{
	check_fold("Vérifier !", "verifier");
	check_fold("AIDE", "aide");
	check_fold("  Aide?  ", "aide");
	check_fold("¿Ayuda?", "ayuda");
	check_fold("l’aide", "l'aide");
	check_fold("HUMAIN.", "humain");
	check_fold("plus  de   détails", "plus de details");
	check_fold("!", "");
	check_fold("", "");
	check_fold("MORE!!", "more!");
}

/* Heading of the best section for text, or "(none)". */
static const char *
best(const struct guide *g, const struct search *s, const char *text,
    const char *lang, double *score)
{
	struct search_hit h[3];
	size_t n = search_query(s, text, lang, h, 3);

	if (score)
		*score = n ? h[0].score : 0;
	return n ? guide_section_path(g, h[0].section) : "(none)";
}

static const char *
best_lang(const struct guide *g, const struct search *s, const char *text,
    const char *lang)
{
	struct search_hit h[1];

	if (search_query(s, text, lang, h, 1) == 0)
		return "(none)";
	return guide_page_lang(g, guide_section_page(g, h[0].section));
}

/* Near matches: a misspelling reaches the word it misspells; a word of
 * the language the guide does not use (the lang files' [words]) is not
 * read as a misspelling of another, and a typo keeps its first letter. */
static void
test_near(void)
{
	static const char md[] =
	    "---\ntitle: \"Accounts\"\nlanguage: en\n---\n\n"
	    "# Accounts\n\nWhat to do about an account.\n\n"
	    "## Protect your account\n\nTurn on two-factor "
	    "authentication.\n\n"
	    "## Change the password\n\nPick a long passphrase.\n\n"
	    "## Back up the phone\n\nCopy the photos to a disk.\n\n"
	    "## Hacked\n\nSomeone else got in.\n\n"
	    "## Ask your girlfriend\n\nShe may know.\n";
	struct guide *g = guide_new();
	struct search *s;
	struct search_hit h[3];

	CHECK_INT(0, guide_load_buffer(g, "accounts.md", md, strlen(md),
	    "en"), "near: page loads");
	s = search_new(g);
	CHECK_STR("Accounts › Change the password", best(g, s, "pasword",
	    "en", NULL), "near: a misspelling reaches its word");
	CHECK_STR("Accounts › Back up the phone", best(g, s, "phtoos", "en",
	    NULL), "near: letters swapped");
	CHECK_INT(0, search_query(s, "protest", "en", h, 3),
	    "near: \"protest\" is a word, not \"protect\" misspelt");
	CHECK_INT(0, search_query(s, "black", "en", h, 3),
	    "near: \"black\" is not \"back\"");
	CHECK_INT(0, search_query(s, "wassword", "en", h, 3),
	    "near: a typo keeps its first letter");
	CHECK_STR("Accounts › Ask your girlfriend", best(g, s, "girl", "en",
	    NULL), "near: a word as a compound's first part");
	search_free(s);
	guide_free(g);
}

static void
test_ranking(void)
{
	struct guide *g = guide_new();
	struct search *s;
	struct search_hit h[50];
	char path[1200];
	double score;
	size_t n, i;
	char *big;

	(void)util_snprintf(path, sizeof(path), "%s/guide/search", fixdir);
	CHECK_INT(6, guide_load_dir(g, path, "en"), "search fixtures load");
	(void)util_snprintf(path, sizeof(path), "%s/guide/pages", fixdir);
	guide_load_dir(g, path, "en");
	s = search_new(g);

	CHECK_STR("Lost or stolen phone", best(g, s, "my phone was stolen",
	    "en", NULL), "English question, English page");
	CHECK_STR("Téléphone perdu ou volé", best(g, s,
	    "on m'a volé mon téléphone", "fr", NULL),
	    "French question, French page");
	CHECK_STR("Teléfono robado", best(g, s, "me robaron el teléfono",
	    "es", NULL), "Spanish question, Spanish page");
	CHECK_STR("en", best_lang(g, s, "phone stolen", NULL),
	    "language detected in the question: English wins");
	CHECK_STR("fr", best_lang(g, s, "mon téléphone est perdu", NULL),
	    "language detected: French wins");
	CHECK_STR("Radioaficionados", best(g, s, "shortwave radio news",
	    "en", NULL), "English question finds the Spanish-only topic");
	CHECK_STR("Lost or stolen phone › Block the SIM card", best(g, s,
	    "block the SIM", "en", NULL), "heading words weigh more");
	CHECK_STR("Computer infected › Antivirus", best(g, s, "antivirus",
	    "en", NULL), "heading beats body mention");
	CHECK_STR("Locked out of an account", best(g, s, "hijacked", "en",
	    NULL), "front matter keyword");
	CHECK_STR("Locked out of an account › Who can help", best(g, s,
	    "hotline", "en", NULL), "section keyword");
	CHECK_STR("Lost or stolen phone", best(g, s, "smartphone", "en",
	    NULL), "comma-separated keywords");
	CHECK_STR("Téléphone perdu ou volé", best(g, s, "telephone vole",
	    "fr", NULL), "no accents typed");
	CHECK_STR("Ordinateur infecté › Réinstaller le système", best(g, s,
	    "reinstaler le systeme", "fr", NULL), "typo: one letter missing");
	CHECK_STR("Computer infected › Antivirus", best(g, s, "antivirsu",
	    "en", NULL), "typo: letters swapped");
	CHECK_STR("Ordinateur infecté", best(g, s, "ordinateur piratage",
	    "fr", NULL), "prefix: piratage finds piratés");
	{
		size_t fr = 0, en = 0;

		for (i = 0; i < guide_nsections(g); i++) {
			const char *l = guide_page_lang(g,
			    guide_section_page(g, i));

			fr += strcmp(l, "fr") == 0;
			en += strcmp(l, "en") == 0;
		}
		CHECK_STR(fr > en ? "fr" : "en", best_lang(g, s, "SIM", NULL),
		    "no evidence: the language most sections are in");
	}
	best(g, s, "recipe for a chocolate cake", "en", &score);
	CHECK(score < SEARCH_DEFAULT_MIN_SCORE,
	    "unrelated question scores below the threshold");
	best(g, s, "my phone was stolen", "en", &score);
	CHECK(score >= SEARCH_DEFAULT_MIN_SCORE,
	    "good question scores above the threshold");

	CHECK_INT(0, search_query(s, "", "en", h, 3), "empty question");
	CHECK_INT(0, search_query(s, "the of and", "en", h, 3),
	    "only stopwords");
	CHECK_INT(0, search_query(s, "phone", "en", h, 0), "max 0");
	n = search_query(s, "\xff\xfe phone \xc3", "en", h, 3);
	CHECK(n > 0, "invalid UTF-8 in the question skipped");
	n = search_query(s, "phone", "xx", h, 50);
	for (i = 1; i < n; i++)
		if (h[i].score > h[i - 1].score)
			break;
	CHECK(n > 1 && i == n, "hits sorted best first");
	big = xmalloc(100000);
	for (i = 0; i < 99999; i++)
		big[i] = "phone stolen "[i % 13];
	big[99999] = '\0';
	CHECK(search_query(s, big, NULL, h, 3) > 0, "huge question is cut");
	free(big);
	search_free(s);
	guide_free(g);

	/* An empty guide. */
	g = guide_new();
	s = search_new(g);
	CHECK_INT(0, search_query(s, "phone", "en", h, 3), "empty index");
	search_free(s);
	guide_free(g);
}

static void
test_is_answer(void)
{
	struct guide *g = guide_new();
	struct search *s;
	struct search_hit h[3], x;
	char path[1200];
	size_t n;

	CHECK(!search_is_answer(NULL, 0.5), "no hit, no answer");
	x = mkhit(0.4, 1, 1, 2, 2);
	CHECK(!search_is_answer(&x, 0.5), "below min_score");
	x = mkhit(0.4, 1, 1, 2, 2);
	CHECK(search_is_answer(&x, 0.3), "min_score is the caller's");
	x = mkhit(1.6, 0.35, 0.54, 2, 1);
	CHECK(!search_is_answer(&x, 0.5),
	    "one common word of two, high score: refused (horoscope du jour)");
	x = mkhit(1.5, 0.36, 1.0, 3, 1);
	CHECK(search_is_answer(&x, 0.5),
	    "one word of three, but a rare one: answer (cryptocat existe)");
	x = mkhit(1.5, 0.45, 0.6, 2, 1);
	CHECK(search_is_answer(&x, 0.5),
	    "one common word that is most of the question: answer");
	x = mkhit(1.5, 0.2, 0.3, 1, 1);
	CHECK(search_is_answer(&x, 0.5), "a one-word question: answer");
	x = mkhit(1.0, 0.3, 0.5, 4, 2);
	CHECK(search_is_answer(&x, 0.5), "two words matched: answer");
	/* A short question, a quarter of it words the guide never uses, a
	 * third of its words unmatched: its subject is what the guide lacks
	 * ("necesito abogado para una demanda laboral"). */
	x = mkhit(2.0, 0.65, 1.0, 3, 2);
	x.unknown = 0.3;
	CHECK(!search_is_answer(&x, 0.5),
	    "short, some unknown words, one of three unmatched: no answer");
	x.matched = 3;
	CHECK(search_is_answer(&x, 0.5), "...every word matched: answer");
	x = mkhit(2.0, 0.65, 1.0, 8, 5);
	x.unknown = 0.3;
	CHECK(search_is_answer(&x, 0.5),
	    "...a longer question (a place named): answer");

	/* Between SEARCH_AGREE * min and min: an answer only when the three
	 * best hits are sections of one page; with the page outcome on
	 * (page_hits 2, page_agreed 0.95: measured, off by default), well
	 * under min the agreement says the page is sure, not the section:
	 * the page. */
	h[0] = mkhit(0.9 * 0.5, 1, 1, 2, 2);
	h[1] = mkhit(0.9 * 0.5 - 0.01, 1, 1, 2, 2);
	h[2] = mkhit(0.9 * 0.5 - 0.02, 1, 1, 2, 2);
	h[0].page = h[1].page = h[2].page = 4;
	page_on(0);
	CHECK(SEARCH_AGREE < 0.9 && search_decide(h, 3, 0.5) ==
	    SEARCH_ANSWER, "three best on one page: answer below min_score");
	h[2].page = 5;
	CHECK(search_decide(h, 3, 0.5) == SEARCH_CHOICES,
	    "three best on two pages: choices below min_score (the page "
	    "outcome off)");
	h[2].page = 4;
	page_on(1);
	CHECK(SEARCH_AGREE < 0.9 && search_decide(h, 3, 0.5) ==
	    SEARCH_PAGE, "page outcome on: the agreement makes the page "
	    "sure, not the section: the page");
	h[0].score = 0.97 * 0.5;
	CHECK(search_decide(h, 3, 0.5) == SEARCH_ANSWER,
	    "...an answer that needs little of the agreement stays one");
	h[0].score = 0.9 * 0.5;
	h[2].page = 5;
	CHECK(search_decide(h, 3, 0.5) == SEARCH_PAGE,
	    "two of the three best on one page, below min_score: that page, "
	    "which part?");
	h[1].page = 6;
	CHECK(search_decide(h, 3, 0.5) == SEARCH_CHOICES,
	    "three best on three pages: choices below min_score");
	CHECK(search_decide(h, 2, 0.5) == SEARCH_CHOICES,
	    "two hits only, on two pages: choices below min_score");
	h[0].score = 0.5 * SEARCH_AGREE - 0.01;
	h[1].page = h[2].page = 4;
	CHECK(search_decide(h, 3, 0.5) == SEARCH_PAGE,
	    "one page, below SEARCH_AGREE * min_score: no answer, the page");
	page_on(0);
	CHECK(search_decide(h, 3, 0.5) == SEARCH_CHOICES,
	    "...choices with the page outcome off");
	page_on(-1);
	h[0] = mkhit(3.0, 1, 1, 2, 2);
	CHECK(search_decide(h, 1, 0.5) == SEARCH_ANSWER, "a strong hit: answer");
	h[0].lacks_key = 1;
	CHECK(search_decide(h, 1, 0.5) == SEARCH_CHOICES,
	    "a strong hit whose page lacks the key concept: choices");

	(void)util_snprintf(path, sizeof(path), "%s/guide/search", fixdir);
	guide_load_dir(g, path, "en");
	s = search_new(g);
	n = search_query(s, "my phone was stolen", "en", h, 3);
	CHECK(n > 0 && h[0].words == 2 && h[0].matched == 2,
	    "phone stolen: two words, both matched");
	CHECK(n > 0 && h[0].coverage > 0.99 && h[0].coverage <= 1,
	    "phone stolen: full coverage");
	CHECK(n > 0 && h[0].rarity > 0 && h[0].rarity <= 1,
	    "rarity within (0, 1]");
	CHECK(n > 0 && search_is_answer(&h[0], SEARCH_DEFAULT_MIN_SCORE),
	    "phone stolen: an answer");
	/* "accounts" is in two sections' bodies: common in this guide. */
	n = search_query(s, "accounts horoscope zodiac", "en", h, 3);
	CHECK(n > 0 && h[0].words == 3 && h[0].matched == 1,
	    "accounts horoscope zodiac: one word of three matched");
	CHECK(n > 0 && h[0].coverage < SEARCH_MIN_COVERAGE &&
	    h[0].rarity < SEARCH_RARE,
	    "accounts horoscope zodiac: low coverage, common word");
	CHECK(n > 0 && !search_is_answer(&h[0], 0.01),
	    "one common word of three: not an answer whatever its score");
	/* "phone": only one section's own word here. */
	n = search_query(s, "phone horoscope zodiac", "en", h, 3);
	CHECK(n > 0 && h[0].matched == 1 && h[0].rarity >= SEARCH_RARE,
	    "phone horoscope zodiac: one rare word matched");
	/* ...but the two others are words the guide never uses: a subject
	 * it lacks, not an answer (issue 8: no confident wrong answer). */
	CHECK(n > 0 && h[0].unknown >= SEARCH_UNKNOWN_MAX,
	    "phone horoscope zodiac: two words unknown to the guide");
	CHECK(n > 0 && !search_is_answer(&h[0], SEARCH_DEFAULT_MIN_SCORE),
	    "one rare word and two unknown ones: not an answer");
	search_free(s);
	guide_free(g);
}

/*
 * Scope (issue 8: never a confident wrong answer). The same question asked
 * of a guide without a page on its subject and of the same guide with one:
 * no answer from a page on something else (the guide names routers once,
 * in passing), an answer once the page is there. Nothing names the
 * covered subjects: it is read from the pages.
 */
static const char scope_lexicon[] =
"[router]\nen: router, wifi router, modem\nfr: routeur, box internet\n"
"[password]\nen: password\nfr: mot de passe\n"
"[protest]\nen: protest\nes: protesta, marcha\n"
"[linkedin name]\n*: linkedin\n";

static const char scope_accounts[] =
"---\ntitle: Accounts\n---\n"
"# Change your password\n\n"
"Change the password of each account from a safe device, and use a long "
"password that you use nowhere else. A password manager helps.\n\n"
"# Two-step login\n\nTurn on two-step login for every account: a password "
"alone is not enough.\n";

static const char scope_phones[] =
"---\ntitle: Phones\n---\n"
"# Lock your phone\n\nSet a screen lock password and keep the phone "
"updated. At home it reaches the internet through a router.\n";

static const char scope_router[] =
"---\ntitle: Your home network\n---\n"
"# Your router\n\n"
"Open the router's admin page, change its default password and keep its "
"software up to date.\n";

static struct search *
scope_search(struct guide *g, struct lexicon *lx, int with_router)
{
	guide_load_buffer(g, "accounts.en.md", scope_accounts,
	    strlen(scope_accounts), "en");
	guide_load_buffer(g, "phones.en.md", scope_phones,
	    strlen(scope_phones), "en");
	if (with_router)
		guide_load_buffer(g, "router.en.md", scope_router,
		    strlen(scope_router), "en");
	return search_new_lex(g, lx);
}

static void
test_scope(void)
{
	static const char *const qs[][2] = {
		{ "en", "how do i change the password of my router" },
		{ "fr", "comment changer le mot de passe de ma box internet" },
	};
	struct lexicon *lx = lexicon_new();
	struct guide *without = guide_new(), *with = guide_new();
	struct search *s0, *s1;
	struct search_hit h[3];
	size_t n;

	CHECK(lexicon_load_buffer(lx, "scope.txt", scope_lexicon,
	    strlen(scope_lexicon)) == 4, "scope lexicon loads");
	CHECK((lexicon_concept_flags(lx, (size_t)lexicon_concept_find(lx,
	    "linkedin")) & LEXICON_NAME) != 0, "the 'name' tag is read");
	s0 = scope_search(without, lx, 0);
	s1 = scope_search(with, lx, 1);
	for (size_t i = 0; i < ARRAY_LEN(qs); i++) {
		char name[256];

		n = search_query(s0, qs[i][1], qs[i][0], h, 3);
		(void)util_snprintf(name, sizeof(name), "no router page, %s: "
		    "the best page lacks the key concept", qs[i][1]);
		CHECK(n > 0 && h[0].lacks_key, name);
		(void)util_snprintf(name, sizeof(name), "no router page, %s: "
		    "no answer", qs[i][1]);
		CHECK(n > 0 && search_decide(h, n, SEARCH_DEFAULT_MIN_SCORE) !=
		    SEARCH_ANSWER, name);
		n = search_query(s1, qs[i][1], qs[i][0], h, 3);
		(void)util_snprintf(name, sizeof(name), "router page, %s: "
		    "answered from it", qs[i][1]);
		CHECK(n > 0 && !h[0].lacks_key && strcmp(guide_section_heading(
		    with, h[0].section), "Your router") == 0 &&
		    search_decide(h, n, SEARCH_DEFAULT_MIN_SCORE) ==
		    SEARCH_ANSWER, name);
	}
	/* A platform's name is not a subject of its own: the guide's advice
	 * on passwords applies to LinkedIn's. */
	n = search_query(s0, "change my linkedin password", "en", h, 3);
	CHECK(n > 0 && !h[0].lacks_key, "a name is never the key concept");
	/* French "marche" is not Spanish "marcha" (a protest). */
	n = search_query(s0, "le mot de passe ne marche pas", "fr", h, 3);
	CHECK(n > 0 && !h[0].lacks_key,
	    "a look-alike word of another language is not the key concept");
	n = search_query(s0, "password protest", "en", h, 3);
	CHECK(n > 0 && h[0].lacks_key,
	    "...but the concept in the question's own language is");
	search_free(s0);
	search_free(s1);
	guide_free(without);
	guide_free(with);
	lexicon_free(lx);
}

/*
 * The shipped lexicon's neighbouring subjects (replies/lexicon.txt), with
 * a guide made here: asked whether a smartwatch spies, a guide whose only
 * page on spying is about stalkerware apps gives no confident answer (the
 * page shares "spy" with the question, not its subject; two sections
 * say it, so that it is not a rare word of this small guide), in each
 * language; the same guide with a page on smartwatches answers from it.
 */
static const char *const watch_stalker[][2] = {
	{ "en", "---\ntitle: Stalkerware\n---\n"
	  "# Apps that spy on your phone\n\n"
	  "A partner or an ex may hide an app that spies on your phone and "
	  "sends them your messages, calls and location. Signs: the battery "
	  "drains fast and settings change by themselves.\n\n"
	  "# Before you remove a spy app\n\n"
	  "Whoever spies may notice that the app is gone: plan with someone "
	  "you trust first.\n" },
	{ "fr", "---\ntitle: Logiciels espions\n---\n"
	  "# Les applis qui espionnent votre téléphone\n\n"
	  "Un conjoint ou un ex peut cacher une appli qui espionne votre "
	  "téléphone et lui envoie vos messages, vos appels et votre "
	  "position. Signes : la batterie se vide vite, les réglages "
	  "changent seuls.\n\n"
	  "# Avant de supprimer une appli espion\n\n"
	  "La personne qui espionne peut remarquer que l'appli a disparu : "
	  "préparez-vous d'abord avec quelqu'un de confiance.\n" },
	{ "es", "---\ntitle: Aplicaciones espía\n---\n"
	  "# Apps que espían tu teléfono\n\n"
	  "Una pareja o una expareja puede esconder una app que espía tu "
	  "teléfono y le manda tus mensajes, llamadas y ubicación. Señales: "
	  "la batería se gasta rápido y la configuración cambia sola.\n\n"
	  "# Antes de borrar una app espía\n\n"
	  "Quien espía puede notar que la app ya no está: prepárate antes "
	  "con alguien de confianza.\n" },
};
static const char *const watch_page[][2] = {
	{ "en", "---\ntitle: Smartwatches\n---\n"
	  "# Is your smartwatch spying on you?\n\n"
	  "A smartwatch or fitness band sends your heart rate, sleep and "
	  "location to its maker's app. Check what it shares in that app.\n" },
	{ "fr", "---\ntitle: Montres connectées\n---\n"
	  "# Votre montre connectée vous espionne-t-elle ?\n\n"
	  "Une montre connectée ou un bracelet connecté envoie votre rythme "
	  "cardiaque, votre sommeil et votre position à l'appli du fabricant. "
	  "Regardez ce qu'elle partage dans cette appli.\n" },
	{ "es", "---\ntitle: Relojes inteligentes\n---\n"
	  "# ¿Tu reloj inteligente te espía?\n\n"
	  "Un reloj inteligente o una pulsera de actividad manda tu ritmo "
	  "cardíaco, tu sueño y tu ubicación a la app del fabricante. Mira "
	  "qué comparte en esa app.\n" },
};

/*
 * One neighbouring subject asked in each language: with only the nlang
 * pages of near (files near_stem.LANG.md) the best hit lacks the question's key
 * concept and is no answer; once own's pages (own_stem.LANG.md) are added
 * as well, they answer. concept must be in the shipped lexicon.
 */
static void
check_neighbour(const char *concept, const char *what,
    const char *const near[][2], const char *near_stem,
    const char *const own[][2], const char *own_stem, size_t nlang,
    const char *const qs[][2], size_t nq)
{
	const char *top = getenv("TOP_SRCDIR");
	char replies[1024], name[256], path[64];
	struct lexicon *lx = lexicon_new();
	struct guide *without = guide_new(), *with = guide_new();
	struct search *s0, *s1;
	struct search_hit h[3];
	size_t n, i, stem = strlen(own_stem);

	(void)util_snprintf(replies, sizeof(replies), "%s/replies",
	    top ? top : ".");
	(void)util_snprintf(name, sizeof(name), "the shipped lexicon has the "
	    "neighbouring subject '%s'", concept);
	CHECK(lexicon_load_dir(lx, replies) > 0 &&
	    lexicon_concept_find(lx, concept) >= 0, name);
	for (i = 0; i < nlang; i++) {
		const char *l = near[i][0];

		(void)util_snprintf(path, sizeof(path), "%s.%s.md", near_stem,
		    l);
		guide_load_buffer(without, path, near[i][1], strlen(near[i][1]),
		    l);
		guide_load_buffer(with, path, near[i][1], strlen(near[i][1]), l);
		(void)util_snprintf(path, sizeof(path), "%s.%s.md", own_stem,
		    own[i][0]);
		guide_load_buffer(with, path, own[i][1], strlen(own[i][1]),
		    own[i][0]);
	}
	s0 = search_new_lex(without, lx);
	s1 = search_new_lex(with, lx);
	for (i = 0; i < nq; i++) {
		n = search_query(s0, qs[i][1], qs[i][0], h, 3);
		(void)util_snprintf(name, sizeof(name), "no page on %s, %s: the "
		    "%s page lacks the key concept", what, qs[i][1], near_stem);
		CHECK(n > 0 && h[0].lacks_key, name);
		(void)util_snprintf(name, sizeof(name), "no page on %s, %s: no "
		    "confident answer", what, qs[i][1]);
		CHECK(n > 0 && search_decide(h, n, SEARCH_DEFAULT_MIN_SCORE) !=
		    SEARCH_ANSWER, name);
		n = search_query(s1, qs[i][1], qs[i][0], h, 3);
		(void)util_snprintf(name, sizeof(name), "page on %s, %s: "
		    "answered from it", what, qs[i][1]);
		CHECK(n > 0 && strncmp(guide_page_path(with,
		    guide_section_page(with, h[0].section)), own_stem, stem) ==
		    0 && guide_page_path(with, guide_section_page(with,
		    h[0].section))[stem] == '.' &&
		    search_decide(h, n, SEARCH_DEFAULT_MIN_SCORE) ==
		    SEARCH_ANSWER, name);
	}
	search_free(s0);
	search_free(s1);
	guide_free(without);
	guide_free(with);
	lexicon_free(lx);
}

static void
test_neighbours(void)
{
	static const char *const qs[][2] = {
		{ "en", "is my smartwatch spying on me" },
		{ "fr", "est-ce que ma montre connectée m'espionne" },
		{ "es", "mi reloj inteligente me espía?" },
	};

	check_neighbour("wearables", "smartwatches", watch_stalker,
	    "stalkerware", watch_page, "watch", ARRAY_LEN(watch_page), qs,
	    ARRAY_LEN(qs));
}

/*
 * A neighbouring subject that a heading names in another sense: asked how
 * to blur faces in protest photos, a guide whose only page on faces is
 * about unlocking a phone with one (at a protest, with photos behind the
 * lock) gives no confident answer in any language, because the shipped
 * lexicon knows blurring as a subject of its own (`face-blur`); without
 * that block each question is a confident answer from the unlock section.
 * "protest" is in both sections, so that it is not a rare concept of this
 * small guide. With a page on blurring faces, the same question is
 * answered from it.
 */
static const char *const blur_unlock[][2] = {
	{ "en", "---\ntitle: Phones\nkeywords: face, protest\n---\n"
	  "# Face and fingerprint unlock\n\n"
	  "At a protest or a border, police can hold your phone up to your "
	  "face or press your finger on it. Before a protest, turn face "
	  "unlock off and use a long passcode: the messages and photos you "
	  "post are behind that lock.\n\n"
	  "# Update your phone\n\n"
	  "Install updates for the system and the apps as soon as they "
	  "come, and before a protest.\n" },
	{ "fr", "---\ntitle: Téléphones\nkeywords: visage, manifestation\n---\n"
	  "# Déverrouillage par le visage ou l'empreinte\n\n"
	  "En manifestation ou à une frontière, la police peut mettre votre "
	  "téléphone devant votre visage ou y poser votre doigt. Avant une "
	  "manifestation, désactivez le déverrouillage par le visage et "
	  "choisissez un long code : vos messages et vos photos sont derrière "
	  "ce verrou.\n\n"
	  "# Mettre à jour le téléphone\n\n"
	  "Installez les mises à jour du système et des applis dès qu'elles "
	  "arrivent, et avant une manifestation.\n" },
	{ "es", "---\ntitle: Teléfonos\nkeywords: cara, protesta\n---\n"
	  "# Desbloqueo con la cara o la huella\n\n"
	  "En una protesta o en una frontera, la policía puede poner tu "
	  "teléfono frente a tu cara o apoyar tu dedo. Antes de una protesta, "
	  "desactiva el desbloqueo con la cara y usa un código largo: tus "
	  "mensajes y tus fotos están detrás de ese bloqueo.\n\n"
	  "# Actualizar el teléfono\n\n"
	  "Instala las actualizaciones del sistema y de las apps en cuanto "
	  "lleguen, y antes de una protesta.\n" },
};
static const char *const blur_page[][2] = {
	{ "en", "---\ntitle: Photos of people\n---\n"
	  "# Blur faces before you post protest photos\n\n"
	  "Blur or cover every face in your photos of a protest, and crop "
	  "tattoos and signs, before posting them.\n" },
	{ "fr", "---\ntitle: Photos de personnes\n---\n"
	  "# Flouter les visages avant de publier des photos de manifestation\n\n"
	  "Floutez ou couvrez chaque visage sur vos photos de manifestation, "
	  "et coupez tatouages et pancartes, avant de les publier.\n" },
	{ "es", "---\ntitle: Fotos de personas\n---\n"
	  "# Difuminar caras antes de publicar fotos de una protesta\n\n"
	  "Difumina o tapa cada cara en tus fotos de una protesta, y recorta "
	  "tatuajes y carteles, antes de publicarlas.\n" },
};

static void
test_neighbours_blur(void)
{
	static const char *const qs[][2] = {
		{ "en", "how do i blur faces in my protest photos before "
		  "posting them" },
		{ "fr", "comment flouter les visages sur mes photos de manif" },
		{ "es", "como difumino caras en fotos de la protesta" },
	};

	check_neighbour("face-blur", "blurring faces", blur_unlock, "phones",
	    blur_page, "blur", ARRAY_LEN(blur_page), qs, ARRAY_LEN(qs));
}

/*
 * A setting the guide names only in passing: asked whether to turn on
 * encrypted DNS (DNS over HTTPS), a guide whose only page on it is about
 * the https padlock (both its sections say DNS, https, encrypted and
 * browser, so that none is a rare concept of this small guide) gives no
 * confident answer in any language: the shipped lexicon knows encrypted
 * DNS as a subject of its own (`encrypted-dns`, 2026-12-07), which the
 * padlock page lacks; without that block the English question lacks
 * nothing there, and only its score keeps it from an answer. With a page
 * on encrypted DNS, the same question is answered from it.
 */
static const char *const dns_padlock[][2] = {
	{ "en", "---\ntitle: Website padlocks\n---\n"
	  "# The padlock in your browser\n\n"
	  "The padlock means https: the page travels encrypted between the "
	  "site and your browser. Your network still sees which site you "
	  "visit, through DNS and the site's name.\n\n"
	  "# When the padlock is missing\n\n"
	  "Without https the page is not encrypted: anyone on the network "
	  "can read and change what your browser shows. Do not type a "
	  "password there; https does not hide the DNS look-up either.\n" },
	{ "fr", "---\ntitle: Le cadenas des sites\n---\n"
	  "# Le cadenas du navigateur\n\n"
	  "Le cadenas veut dire https : la page voyage chiffrée entre le site "
	  "et votre navigateur. Votre réseau voit quand même quel site vous "
	  "visitez, par le DNS et le nom du site.\n\n"
	  "# Quand le cadenas manque\n\n"
	  "Sans https, la page n'est pas chiffrée : n'importe qui sur le "
	  "réseau peut lire et modifier ce qu'affiche votre navigateur. N'y "
	  "tapez pas de mot de passe ; https ne cache pas non plus la "
	  "requête DNS.\n" },
	{ "es", "---\ntitle: El candado de los sitios\n---\n"
	  "# El candado del navegador\n\n"
	  "El candado quiere decir https: la página viaja cifrada entre el "
	  "sitio y tu navegador. Tu red igual ve qué sitio visitas, por el "
	  "DNS y el nombre del sitio.\n\n"
	  "# Cuando falta el candado\n\n"
	  "Sin https la página no va cifrada: cualquiera en la red puede leer "
	  "y cambiar lo que muestra tu navegador. No escribas una contraseña "
	  "ahí; https tampoco oculta la consulta DNS.\n" },
};
static const char *const dns_page[][2] = {
	{ "en", "---\ntitle: Encrypted DNS\n---\n"
	  "# Turn on encrypted DNS\n\n"
	  "Encrypted DNS (DNS over HTTPS) hides from your network which "
	  "sites you look up. Turn it on in your browser's or your phone's "
	  "network settings.\n" },
	{ "fr", "---\ntitle: DNS chiffré\n---\n"
	  "# Activer le DNS chiffré\n\n"
	  "Le DNS chiffré (DNS sur HTTPS) cache à votre réseau les sites que "
	  "vous cherchez. Activez-le dans les réglages réseau du navigateur "
	  "ou du téléphone.\n" },
	{ "es", "---\ntitle: DNS cifrado\n---\n"
	  "# Activar el DNS cifrado\n\n"
	  "El DNS cifrado (DNS sobre HTTPS) le oculta a tu red qué sitios "
	  "buscas. Actívalo en la configuración de red del navegador o del "
	  "teléfono.\n" },
};

static void
test_neighbours_dns(void)
{
	static const char *const qs[][2] = {
		{ "en", "should i turn on encrypted dns in my browser" },
		{ "fr", "faut-il activer le dns chiffré dans mon navigateur" },
		{ "es", "conviene activar el dns cifrado en el navegador" },
	};

	check_neighbour("encrypted-dns", "encrypted DNS", dns_padlock,
	    "padlock", dns_page, "dns", ARRAY_LEN(dns_page), qs,
	    ARRAY_LEN(qs));
}

/*
 * An everyday phone setting beside a covered subject: asked how to set up
 * voicemail on a new phone, a guide whose only page on phone numbers is
 * about a SIM taken over after a theft (both its sections say phone, new,
 * SIM and set up, so that none is a rare concept of this small guide)
 * gives no confident answer in any language: the shipped lexicon knows
 * setting up voicemail as a subject of its own (`voicemail-setup`,
 * s12-unc3), which the SIM page lacks; without that block the French and
 * Spanish questions are confident answers from the SIM page. With a page
 * on voicemail, the same question is answered from it.
 */
static const char *const voicemail_sim[][2] = {
	{ "en", "---\ntitle: Your SIM card\n---\n"
	  "# Your SIM card and phone number\n\n"
	  "If your phone was stolen, call your operator to block the SIM "
	  "and get a new SIM with the same number, then set up your "
	  "accounts again on the new phone.\n\n"
	  "# A PIN for the SIM\n\n"
	  "Set up a PIN on the new SIM so that nobody can use your number "
	  "in another phone.\n" },
	{ "fr", "---\ntitle: Votre carte SIM\n---\n"
	  "# Votre carte SIM et votre numéro\n\n"
	  "Si on vous a volé votre téléphone, appelez l'opérateur pour "
	  "bloquer la SIM et obtenir une nouvelle SIM avec le même numéro, "
	  "puis configurez à nouveau vos comptes sur le nouveau "
	  "téléphone.\n\n"
	  "# Un code PIN pour la SIM\n\n"
	  "Configurez un code PIN sur la nouvelle SIM pour que personne ne "
	  "puisse utiliser votre numéro dans un autre téléphone.\n" },
	{ "es", "---\ntitle: Tu tarjeta SIM\n---\n"
	  "# Tu tarjeta SIM y tu número\n\n"
	  "Si te robaron el teléfono, llama a tu operador para bloquear la "
	  "SIM y pedir una SIM nueva con el mismo número, y luego configura "
	  "otra vez tus cuentas en el teléfono nuevo.\n\n"
	  "# Un PIN para la SIM\n\n"
	  "Configura un PIN en la SIM nueva para que nadie pueda usar tu "
	  "número en otro teléfono.\n" },
};
static const char *const voicemail_page[][2] = {
	{ "en", "---\ntitle: Voicemail\n---\n"
	  "# Set up voicemail\n\n"
	  "Call your own number or your operator's voicemail number, choose "
	  "a PIN and record a greeting.\n" },
	{ "fr", "---\ntitle: Messagerie vocale\n---\n"
	  "# Configurer la messagerie vocale\n\n"
	  "Appelez votre propre numéro ou celui de la messagerie de "
	  "l'opérateur, choisissez un code et enregistrez une annonce.\n" },
	{ "es", "---\ntitle: Buzón de voz\n---\n"
	  "# Configurar el buzón de voz\n\n"
	  "Llama a tu propio número o al del buzón de tu operador, elige un "
	  "PIN y graba un saludo.\n" },
};

static void
test_neighbours_voicemail(void)
{
	static const char *const qs[][2] = {
		{ "en", "how do i set up voicemail on my new phone" },
		{ "fr", "comment configurer la messagerie vocale sur mon "
		  "nouveau téléphone" },
		{ "es", "cómo configuro el buzón de voz en mi teléfono nuevo" },
	};

	check_neighbour("voicemail-setup", "voicemail", voicemail_sim, "sim",
	    voicemail_page, "voicemail", ARRAY_LEN(voicemail_page), qs,
	    ARRAY_LEN(qs));
}

/*
 * A section that nothing marks as being about the question (its heading
 * shares no word with it, its page's title names none of its topics) and
 * that covers little of it is not an answer: the question's most specific
 * word ("watch") is not on the page, which only uses its generic ones
 * (send, location, company) in passing. The same question about a phone,
 * which the heading names, is answered. No list of subjects: the guide's
 * own words decide. (A word the whole guide never uses is the unknown-words
 * test's: SEARCH_UNKNOWN_MAX.)
 */
static const char aside_phones[] =
"---\ntitle: Phones\n---\n"
"# Your phone shows where you are\n\n"
"Apps send your location to their company, and the company keeps every "
"location they send. Check which apps may send the location, and turn "
"the location off when you do not need it.\n\n"
"# Lock screen\n\nSet a long code to unlock the screen, and never send "
"the code to anyone.\n";

static const char aside_accounts[] =
"---\ntitle: Accounts\n---\n"
"# Change your password\n\nChange the password of each account from a "
"safe device. The company that runs it may send you a code.\n\n"
"# Two-step login\n\nTurn on two-step login for every account, and watch "
"for a message about a new login: it may tell you its location.\n";

static void
test_aside(void)
{
	struct guide *g = guide_new();
	struct search *s;
	struct search_hit h[3];
	const double m = 0.6;	/* a guide.min_score the hit reaches */
	size_t n;

	guide_load_buffer(g, "phones.en.md", aside_phones,
	    strlen(aside_phones), "en");
	guide_load_buffer(g, "accounts.en.md", aside_accounts,
	    strlen(aside_accounts), "en");
	s = search_new(g);
	n = search_query(s, "does my watch send my location to the company",
	    "en", h, 3);
	CHECK(n > 0 && strcmp(guide_section_heading(g, h[0].section),
	    "Your phone shows where you are") == 0 && h[0].heading == 0 &&
	    h[0].coverage < SEARCH_ASIDE_COVERAGE,
	    "watch: the best section matches only words in passing");
	CHECK(n > 0 && h[0].score >= m, "...and scores above the bar");
	CHECK(n > 0 && search_decide(h, n, m) != SEARCH_ANSWER,
	    "...but it is not an answer");
	CHECK(n > 0 && !search_is_answer(&h[0], m),
	    "...nor for search_is_answer()");
	n = search_query(s, "does my phone send my location to the company",
	    "en", h, 3);
	CHECK(n > 0 && strcmp(guide_section_heading(g, h[0].section),
	    "Your phone shows where you are") == 0 && h[0].heading > 0 &&
	    search_decide(h, n, m) == SEARCH_ANSWER,
	    "the same question about a phone, which the heading names: "
	    "answer");
	/* Words of the question in the heading, or a covered question,
	 * keep a hit an answer; a long question is judged apart. */
	h[0] = mkhit(1.5, SEARCH_ASIDE_COVERAGE - 0.1, 1, 4, 2);
	h[0].heading = 0;
	CHECK(!search_is_answer(&h[0], 0.8), "by hand: aside, not an answer");
	h[0].heading = 0.1;
	CHECK(search_is_answer(&h[0], 0.8), "...its heading matches: answer");
	h[0].heading = 0;
	h[0].title_topics = 1;
	CHECK(search_is_answer(&h[0], 0.8),
	    "...its page's title names a topic of the question: answer");
	h[0].title_topics = 0;
	h[0].coverage = SEARCH_ASIDE_COVERAGE;
	CHECK(search_is_answer(&h[0], 0.8),
	    "...it covers SEARCH_ASIDE_COVERAGE of the question: answer");
	h[0] = mkhit(1.5, SEARCH_ASIDE_COVERAGE - 0.1, 1, 20, 5);
	h[0].heading = 0;
	h[0].topics = 1;
	h[0].page_topics = 1;
	CHECK_INT(SEARCH_ANSWER, search_decide(&h[0], 1, 0.8),
	    "...a long question whose topics the page carries: answer (its "
	    "many words are not the page's)");
	search_free(s);
	guide_free(g);
}

/* A page of sections that share its words: one names the question's
 * first word in its heading, another covers more of the question. */
static const char siblings_lost[] =
"---\ntitle: Lost devices\n---\n"
"# Lost devices\n\nSomething about losing things and staying calm.\n\n"
"## Stolen phones\n\nThieves take phones on buses and in markets. Stay "
"calm and write down what happened.\n\n"
"## Wipe it from afar\n\nIf your phone is gone, you can wipe it remotely "
"from your account, and lock it so that nobody reads your messages.\n\n"
"## Your SIM card\n\nCall your provider to block the SIM card.\n";

/* The same with subjects: the sibling covering more is about an account,
 * the question about a phone. */
static const char siblings_theft[] =
"---\ntitle: After a theft\n---\n"
"# After a theft\n\nStay calm.\n\n"
"## Phones\n\nPhones go missing on buses.\n\n"
"## Wipe it from afar\n\nStolen? Wipe it remotely. A stolen one is wiped "
"remotely from your account: sign in to your account and wipe it.\n";

static const char siblings_lexicon[] =
"[device subject]\nen: phone, device\n"
"[account subject]\nen: account\n";

/*
 * hits_within_page(): inside a page, a near tie goes to the section that
 * covers clearly more of the question (SIBLING_NEAR, SIBLING_COVER), and
 * the page's score stays at the top.
 */
static void
test_siblings(void)
{
	struct guide *g = guide_new();
	struct lexicon *lx;
	struct search *s;
	struct search_hit h[3];
	size_t n;

	guide_load_buffer(g, "lost.en.md", siblings_lost,
	    strlen(siblings_lost), "en");
	s = search_new(g);
	n = search_query(s, "my phone was stolen, how do i wipe it remotely",
	    "en", h, 3);
	CHECK(n >= 2 && strcmp(guide_section_heading(g, h[0].section),
	    "Wipe it from afar") == 0 && strcmp(guide_section_heading(g,
	    h[1].section), "Stolen phones") == 0,
	    "stolen, wipe remotely: the sibling covering more of the question "
	    "goes first");
	CHECK(n >= 2 && h[0].coverage > h[1].coverage + 0.15 &&
	    h[0].score >= h[1].score && h[1].score >= 0.85 * h[0].score,
	    "...a near tie, the page's score at the top");
	n = search_query(s, "stolen phone wipe", "en", h, 3);
	CHECK(n >= 2 && strcmp(guide_section_heading(g, h[0].section),
	    "Stolen phones") == 0 && h[0].coverage <= h[1].coverage + 0.15,
	    "stolen phone wipe: the same coverage, the better score stays "
	    "first");
	n = search_query(s, "stolen phone: lock my messages", "en", h, 3);
	CHECK(n >= 2 && strcmp(guide_section_heading(g, h[0].section),
	    "Stolen phones") == 0 && h[1].coverage > h[0].coverage + 0.15 &&
	    h[1].score < 0.85 * h[0].score,
	    "stolen phone, lock messages: a sibling covering more but far "
	    "below stays below");
	search_free(s);
	guide_free(g);

	/* A sibling off the question's subject is ranked below on purpose
	 * (and never an answer): covering more does not undo that. */
	lx = lexicon_new();
	g = guide_new();
	CHECK(lexicon_load_buffer(lx, "siblings.txt", siblings_lexicon,
	    strlen(siblings_lexicon)) == 2, "siblings lexicon loads");
	guide_load_buffer(g, "theft.en.md", siblings_theft,
	    strlen(siblings_theft), "en");
	s = search_new_lex(g, lx);
	n = search_query(s, "phone stolen, can i wipe it", "en", h, 3);
	CHECK(n >= 2 && strcmp(guide_section_heading(g, h[0].section),
	    "Phones") == 0 && !h[0].off_subject && strcmp(
	    guide_section_heading(g, h[1].section), "Wipe it from afar") == 0 &&
	    h[1].off_subject && h[1].coverage > h[0].coverage + 0.15 &&
	    h[1].score >= 0.85 * h[0].score,
	    "phone stolen, wipe it: the sibling about an account, covering "
	    "more and near, stays below the one on the phone");
	search_free(s);
	guide_free(g);
	lexicon_free(lx);
}

/*
 * A page that names the question's key concept in passing is not about it
 * (issue 8: telling a page's subject from its mentions). Asked about a
 * stolen bank card, a guide whose only words on cards are "the last digits
 * of a card number" in a section on scams with stolen data matches
 * "stolen" in that section's heading: without the key concept's test that
 * is an answer; with it, the key concept is only mentioned (key_mention)
 * and the section is an aside. The same guide with a page on bank cards
 * answers from it.
 */
static const char mention_lexicon[] =
"[payment-fraud]\nen: bank card, card number, credit card\n"
"[stolen]\nen: stolen, stole\n"
"[leak]\nen: leaked, data leak\n";

static const char mention_scams[] =
"---\ntitle: Your data leaked\n---\n"
"# Your data leaked\n\nA company lost your data: find out what leaked, "
"and change the passwords it held.\n\n"
"# Scams that use stolen data\n\n"
"Crooks who got your leaked data may phone you and pretend to be a "
"company you know. To seem real they may quote your address or the last "
"digits of a card number. Hang up and call the company back on a number "
"you know. Never give a code on the phone.\n";

static const char mention_phones[] =
"---\ntitle: Phones\n---\n"
"# If your phone was stolen\n\nLock it from another device, then change "
"the passwords of the accounts it was logged in to. Shops and banks may "
"call you about purchases made abroad: ask them to write.\n";

static const char mention_cards[] =
"---\ntitle: Bank cards\n---\n"
"# If your bank card was stolen\n\nCall your bank to block the card, "
"then check the purchases on your statement.\n";

static void
test_key_mention(void)
{
	static const char q[] =
	    "my bank card was stolen and used for purchases abroad";
	struct lexicon *lx = lexicon_new();
	struct guide *without = guide_new(), *with = guide_new();
	struct search *s0, *s1;
	struct search_hit h[3];
	const double m = 0.6;	/* a guide.min_score the hit reaches */
	size_t n;

	CHECK(lexicon_load_buffer(lx, "mention.txt", mention_lexicon,
	    strlen(mention_lexicon)) == 3, "mention lexicon loads");
	guide_load_buffer(without, "leak.en.md", mention_scams,
	    strlen(mention_scams), "en");
	guide_load_buffer(without, "phones.en.md", mention_phones,
	    strlen(mention_phones), "en");
	guide_load_buffer(with, "leak.en.md", mention_scams,
	    strlen(mention_scams), "en");
	guide_load_buffer(with, "phones.en.md", mention_phones,
	    strlen(mention_phones), "en");
	guide_load_buffer(with, "cards.en.md", mention_cards,
	    strlen(mention_cards), "en");
	s0 = search_new_lex(without, lx);
	s1 = search_new_lex(with, lx);
	n = search_query(s0, q, "en", h, 3);
	CHECK(n > 0 && strcmp(guide_section_heading(without, h[0].section),
	    "Scams that use stolen data") == 0 && h[0].heading > 0 &&
	    h[0].score >= m, "no page on cards: the scams section, its "
	    "heading matching, above the bar");
	CHECK(n > 0 && !h[0].lacks_key && h[0].key_mention,
	    "...its page names the key concept only in passing");
	CHECK(n > 0 && search_decide(h, n, m) != SEARCH_ANSWER,
	    "...not an answer");
	if (n > 0)
		h[0].key_mention = 0;
	CHECK(n > 0 && search_decide(h, n, m) == SEARCH_ANSWER,
	    "...which it would be but for the passing mention");
	n = search_query(s1, q, "en", h, 3);
	CHECK(n > 0 && strcmp(guide_section_heading(with, h[0].section),
	    "If your bank card was stolen") == 0 && !h[0].key_mention &&
	    search_decide(h, n, m) == SEARCH_ANSWER,
	    "a page on bank cards: answered from it");
	search_free(s0);
	search_free(s1);
	guide_free(without);
	guide_free(with);
	lexicon_free(lx);
}

/*
 * The evidence search_decide() takes besides the score: the best page's
 * title naming a topic of the question, a rival page among the best hits,
 * a long question whose topics the page all carries. By hand first, then
 * read from pages.
 */
static void
test_decide_evidence(void)
{
	const double m = 0.8;
	struct search_hit h[3];
	double lowbar;

	/* Three hits on three pages, none agreeing; 1 topic in the question. */
	h[0] = mkhit(0.5 * m + 0.02, 0.5, 1, 4, 2);
	h[1] = mkhit(0.3, 0.5, 1, 4, 2);
	h[2] = mkhit(0.3, 0.5, 1, 4, 2);
	for (size_t k = 0; k < 3; k++) {
		h[k].page = k;
		h[k].topics = 1;
	}
	CHECK_INT(SEARCH_CHOICES, search_decide(h, 3, m),
	    "below min_score, no title naming the topic: choices");
	h[0].title_topics = h[0].page_topics = 1;
	CHECK_INT(SEARCH_CHOICES, search_decide(h, 3, m),
	    "the best page's title names the topic: still choices (a lower "
	    "bar for it gave more wrong answers on the blind set)");
	/* Rivals. */
	h[0] = mkhit(m + 1, 0.8, 1, 4, 3);
	h[0].topics = 2;
	h[0].page_topics = 1;
	h[1].title_topics = 2;
	CHECK_INT(SEARCH_CHOICES, search_decide(h, 3, m),
	    "another page's title names a topic the best page never "
	    "carries: choices, whatever the score");
	h[0].page_topics = 3;
	CHECK_INT(SEARCH_ANSWER, search_decide(h, 3, m),
	    "...the best page carries it too: answer");
	h[0].page_topics = 1;
	h[1].page = h[0].page;
	CHECK_INT(SEARCH_ANSWER, search_decide(h, 3, m),
	    "...a section of the best page itself is no rival");
	h[1].page = 1;
	CHECK_INT(SEARCH_ANSWER, search_decide(h, 1, m),
	    "...nor a hit that is not there");
	h[1].title_topics = 0;
	h[2].title_topics = 2;
	CHECK_INT(SEARCH_CHOICES, search_decide(h, 3, m),
	    "the third hit can be a rival");
	h[2].title_topics = 0;
	/* Long questions: 20 content words, 2 topics. */
	lowbar = m * sqrt((double)SEARCH_LONG_WORDS / 20);
	h[0] = mkhit(lowbar + 0.02, SEARCH_LONG_COVERAGE + 0.02, 1, 20, 5);
	h[0].unknown = SEARCH_UNKNOWN_MAX;
	h[0].topics = 2;
	h[0].page_topics = 3;
	CHECK_INT(SEARCH_ANSWER, search_decide(h, 3, m),
	    "a long question whose topics the page all carries: the bar "
	    "and the coverage floor come down with its length");
	h[0].page_topics = 1;
	CHECK_INT(SEARCH_CHOICES, search_decide(h, 3, m),
	    "...not when the page lacks one of its topics");
	h[0].page_topics = 3;
	h[0].words = SEARCH_LONG_WORDS - 1;
	CHECK_INT(SEARCH_CHOICES, search_decide(h, 3, m),
	    "...nor for a shorter question");
	h[0].words = 20;
	h[0].score = lowbar - 0.02;
	CHECK_INT(SEARCH_CHOICES, search_decide(h, 3, m),
	    "...nor below sqrt(SEARCH_LONG_WORDS / words) of the bar");
	h[0].score = lowbar + 0.02;
	h[0].coverage = SEARCH_LONG_COVERAGE - 0.01;
	CHECK_INT(SEARCH_CHOICES, search_decide(h, 3, m),
	    "...nor below SEARCH_LONG_COVERAGE");
}

/*
 * A thin lead (SEARCH_LEAD): a strong best hit whose next two hits are on
 * other pages, the second nearly tied with it, gives choices; a clear
 * lead, or a next hit on the best hit's own page, gives the answer.
 */
static void
lead_thin_hits(struct search_hit h[3], double top)
{
	for (size_t k = 0; k < 3; k++) {
		h[k] = mkhit(top, 0.9, 1, 4, 4);
		h[k].page = k;
	}
	h[1].score = top * (SEARCH_LEAD + 1) / 2;
	h[2].score = top * 0.5;
}

static void
test_decide_lead(void)
{
	const double m = 0.8, top = 3 * m;
	struct search_hit h[3];

	/* The rule of every page: hand-made hits have no page prior, and
	 * a page without asks adds its own (test_decide_plain()). */
	plain_on(0);
	lead_thin_hits(h, top);
	CHECK_INT(SEARCH_CHOICES, search_decide(h, 3, m),
	    "three times the bar, but another page nearly ties: choices");
	h[1].score = top * SEARCH_LEAD * 0.9;
	CHECK_INT(SEARCH_ANSWER, search_decide(h, 3, m),
	    "...the same hits with a clear lead: answer");
	h[1].score = top * (SEARCH_LEAD + 1) / 2;
	h[2].page = h[0].page;
	CHECK_INT(SEARCH_ANSWER, search_decide(h, 3, m),
	    "...nearly tied, but the third hit is on the best page: answer");
	h[2].page = 2;
	h[1].page = h[0].page;
	CHECK_INT(SEARCH_ANSWER, search_decide(h, 3, m),
	    "...nearly tied with a section of the best page itself: answer");
	h[1].page = 1;
	/* The page prior orders hits by score x p(page): the third may
	 * score as high as the first (s19-fixdec). */
	h[1].score = top * 0.5;
	h[2].score = top;
	CHECK_INT(SEARCH_CHOICES, search_decide(h, 3, m),
	    "...the third hit, on another page, ties with the best: choices");
	h[1].score = top * (SEARCH_LEAD + 1) / 2;
	h[2].score = top * 0.5;
	CHECK_INT(SEARCH_ANSWER, search_decide(h, 1, m),
	    "...a single hit has no rival to tie with: answer");
	h[1].coverage = h[1].heading = 0.9 - SEARCH_LEAD_COVERAGE - 0.05;
	CHECK_INT(SEARCH_ANSWER, search_decide(h, 3, m),
	    "...nearly tied, but the best covers much more of the question: "
	    "answer");
	plain_on(-1);
}

/*
 * The page prior vouches for the best hit's page (search.c:
 * prior_decide()): its p(page) leads every other page's by nb_doubt or
 * more and the hit covers nb_vouch_cover of the question. Then the
 * subject test and a score between nb_vouch_bar of the bar and the bar
 * do not refuse it; a thin lead over another page (since s19-fixdec), a
 * key concept the page lacks, or too little of the question covered,
 * still do. Without the prior (a page without asks), or with a prior
 * that hesitates, the same hits give choices.
 */
static void
test_decide_vouch(void)
{
	const double m = 0.8, top = 3 * m;
	double doubt = -1, vbar = -1, vcover = -1;
	struct search_hit h[3];

	CHECK(search_tune_get("nb_doubt", &doubt) == 0 &&
	    search_tune_get("nb_vouch_bar", &vbar) == 0 &&
	    search_tune_get("nb_vouch_cover", &vcover) == 0 && doubt < 0.9 &&
	    vbar < 0.9 && vcover <= 0.6, "the prior vouches from a lead of "
	    "nb_doubt, for a hit covering nb_vouch_cover of the question");
	/* The rule of every page (test_decide_lead()). */
	plain_on(0);
	lead_thin_hits(h, top);
	CHECK_INT(SEARCH_CHOICES, search_decide(h, 3, m),
	    "another page nearly ties, no prior: choices (the thin lead)");
	h[0].page_p = 0.95;
	h[0].page_rival = 0.02;
	CHECK_INT(SEARCH_CHOICES, search_decide(h, 3, m),
	    "...the prior sure of the best hit's page: still choices (a "
	    "thin lead is not the prior's to waive: s19-fixdec)");
	h[0].page_p = 0.5;
	h[0].page_rival = 0.4;
	CHECK_INT(SEARCH_CHOICES, search_decide(h, 3, m),
	    "...a prior that hesitates: choices");
	h[1].score = top * 0.5;
	h[0].page_p = 0.95;
	h[0].page_rival = 0.02;
	h[0].lacks_key = 1;
	CHECK_INT(SEARCH_CHOICES, search_decide(h, 3, m),
	    "...vouched for, but its page lacks the question's key concept: "
	    "choices");
	h[0].lacks_key = 0;
	/* Off the question's subject, with a clear lead. */
	h[0].off_subject = 1;
	CHECK_INT(SEARCH_ANSWER, search_decide(h, 3, m),
	    "off the question's subject, the prior sure of its page: an "
	    "answer");
	CHECK_INT(SEARCH_PRIOR_VOUCHED, search_prior_effect(h, 3, m),
	    "...and --explain can say the prior did it");
	h[0].page_p = h[0].page_rival = -1;
	CHECK_INT(SEARCH_CHOICES, search_decide(h, 3, m),
	    "...the same on a page without asks: choices");
	h[0].off_subject = 0;
	/* Under the bar, above nb_vouch_bar of it. */
	h[0].score = m * (1 + vbar) / 2;
	h[1].score = h[2].score = h[0].score / 2;
	CHECK_INT(SEARCH_CHOICES, search_decide(h, 3, m),
	    "under the bar, no prior: choices");
	h[0].page_p = 0.95;
	h[0].page_rival = 0.02;
	CHECK_INT(SEARCH_ANSWER, search_decide(h, 3, m),
	    "...the prior sure of its page: an answer");
	h[0].coverage = h[0].heading = vcover - 0.05;
	CHECK_INT(SEARCH_CHOICES, search_decide(h, 3, m),
	    "...but covering less than nb_vouch_cover of the question: "
	    "choices");
	h[0].coverage = h[0].heading = 0.9;
	h[0].score = m * vbar * 0.9;
	CHECK_INT(SEARCH_CHOICES, search_decide(h, 3, m),
	    "...under nb_vouch_bar of the bar: choices");
	plain_on(-1);
}

/*
 * The record of a decision (search.h: search_decide_why()): the outcome
 * search_decide() gives, the bar it used and what the page prior did, so
 * that --explain and fuzz_search read the rule rather than copy it. The
 * prior vouching: a bar of nb_vouch_bar of min_score, an answer off the
 * question's subject; a page without asks: min_score, the subject test
 * refuses, the prior has no part; a prior that hesitates: a higher bar.
 */
static void
test_decide_record(void)
{
	const double m = 0.8, top = 3 * m;
	double vbar = -1, dbar = -1;
	struct search_decision d;
	struct search_hit h[3];

	CHECK(search_tune_get("nb_vouch_bar", &vbar) == 0 &&
	    search_tune_get("nb_doubt_bar", &dbar) == 0 && vbar < 1 &&
	    dbar > 1, "the prior lowers the bar when it vouches, raises it "
	    "when it doubts");
	plain_on(0);
	lead_thin_hits(h, top);
	h[1].score = top * 0.5;
	h[0].off_subject = 1;
	h[0].page_p = 0.95;
	h[0].page_rival = 0.02;
	CHECK_INT(SEARCH_ANSWER, search_decide_why(h, 3, m, &d),
	    "off the subject, the prior sure of its page: an answer");
	CHECK(d.outcome == SEARCH_ANSWER && d.vouched && !d.doubted &&
	    !d.forbade && !d.plain && d.refused == NULL &&
	    fabs(d.bar - m * vbar) < 1e-9, "...the record: vouched, the "
	    "bar nb_vouch_bar of min_score, no reason against it");
	CHECK(h[0].score >= d.bar && h[0].off_subject, "...an answer at "
	    "the record's bar, the subject test waived (the fuzzer's check)");
	h[0].page_p = h[0].page_rival = -1;
	CHECK_INT(SEARCH_CHOICES, search_decide_why(h, 3, m, &d),
	    "...the same on a page without asks: choices");
	CHECK(d.outcome == SEARCH_CHOICES && !d.vouched && !d.doubted &&
	    d.plain && fabs(d.bar - m) < 1e-9 && d.refused != NULL &&
	    strstr(d.refused, "subject") != NULL, "...the record: plain, "
	    "the bar min_score, refused for its subject");
	h[0].off_subject = 0;
	h[0].page_p = 0.5;
	h[0].page_rival = 0.4;
	(void)search_decide_why(h, 3, m, &d);
	CHECK(d.doubted && !d.vouched && d.bar >= m * dbar - 1e-9,
	    "a prior that hesitates: doubted, a higher bar");
	CHECK_INT(search_decide(h, 3, m), d.outcome,
	    "...the record's outcome is search_decide()'s");
	CHECK_INT(SEARCH_NONE, search_decide_why(h, 0, m, &d),
	    "no hits: nothing");
	CHECK(d.outcome == SEARCH_NONE && d.refused != NULL,
	    "...and the record says why");
	plain_on(-1);
}

/*
 * The pages' asks pick the first hit's page (search.c: asks_pick()): its
 * best ask reads ask_pick like the question, more than any other page's
 * among the best three. Then a thin lead over another page does not
 * refuse it, nor does a page prior that hesitates (no higher bar); a
 * prior that puts another page first still raises the bar. Asks that tie
 * with another page's, or that read less than ask_pick like the
 * question, pick nothing.
 */
/* A ranking constant's value (src/search_tune.h), -1 when it has none. */
static double
tuned(const char *name)
{
	double v = -1;

	return search_tune_get(name, &v) == 0 ? v : -1;
}

static void
test_decide_asks_pick(void)
{
	const double m = 0.8, top = 3 * m, pick = tuned("ask_pick"),
	    dbar = tuned("nb_doubt_bar");
	struct search_hit h[3];
	struct search_decision d;

	CHECK(pick > 0.2 && pick < 0.8 && dbar > 1,
	    "the asks pick a page from ask_pick");
	plain_on(0);
	lead_thin_hits(h, top);
	for (size_t k = 0; k < 3; k++) {
		h[k].page_p = 0.95;
		h[k].page_rival = 0.9;
		h[k].ask = pick - 0.1;
	}
	CHECK_INT(SEARCH_CHOICES, search_decide(h, 3, m),
	    "another page nearly ties, the prior hesitates, no ask reads "
	    "like the question: choices (the thin lead)");
	h[0].ask = pick + 0.1;
	CHECK_INT(SEARCH_ANSWER, search_decide_why(h, 3, m, &d),
	    "...the first hit's ask reads like the question, more than the "
	    "other pages': an answer");
	CHECK(d.picked && !d.doubted && fabs(d.bar - m) < 1e-9,
	    "...the record: the asks picked the page, no higher bar");
	h[2].ask = h[0].ask;
	CHECK_INT(SEARCH_CHOICES, search_decide(h, 3, m),
	    "...another page's ask reads as much like it: choices");
	h[2].translation = 1;
	CHECK_INT(SEARCH_ANSWER, search_decide(h, 3, m),
	    "...its own page in another language is no other page: an "
	    "answer");
	h[2].translation = 0;
	h[2].ask = pick - 0.1;
	/* The prior alone: no thin lead, a score between the bar and
	 * nb_doubt_bar times it. */
	h[1].score = h[2].score = top * 0.5;
	h[0].score = m * (1 + dbar) / 2;
	CHECK_INT(SEARCH_ANSWER, search_decide(h, 3, m),
	    "under the doubted bar, the prior hesitating, the asks picking "
	    "its page: an answer");
	h[0].page_p = 0.3;
	h[0].page_rival = 0.6;
	CHECK_INT(SEARCH_CHOICES, search_decide_why(h, 3, m, &d),
	    "...the prior putting another page first: choices");
	CHECK(d.doubted && !d.picked, "...the record: doubted, the asks do "
	    "not overrule a contradiction");
	h[0].page_p = 0.95;
	h[0].page_rival = 0.9;
	h[0].ask = pick - 0.05;
	CHECK_INT(SEARCH_CHOICES, search_decide(h, 3, m),
	    "...its ask under ask_pick: choices");
	plain_on(-1);
}

/*
 * The first hit on a page with asks must be backed by the question
 * (search.c: hit_unbacked()): it covers ask_cover of it (a long question
 * aside), and when the page prior, not the search, put it first, one of
 * its asks reads moved_ask like it. An everyday question sharing a
 * page's words ("how do i turn on dark mode in signal") scored well
 * above the bar on a section that covered a third of it, the prior sure
 * of the page. On a page without asks the same hits are decided as
 * before (plain_decide() has its own rules).
 */
static void
test_decide_unbacked(void)
{
	const double m = 0.8, top = 3 * m;
	double cover = -1, moved = -1;
	struct search_hit h[1];

	CHECK(search_tune_get("ask_cover", &cover) == 0 &&
	    search_tune_get("moved_ask", &moved) == 0 && cover > 0.3 &&
	    cover < SEARCH_ASIDE_COVERAGE && moved > 0.2 && moved < 0.5,
	    "a first hit on a page with asks must cover ask_cover of the "
	    "question, and read like an ask when the prior moved it");
	plain_on(0);
	h[0] = mkhit(top, cover - 0.05, 1, 4, 2);
	CHECK_INT(SEARCH_ANSWER, search_decide(h, 1, m),
	    "three times the bar, its heading on the question, covering a "
	    "little under ask_cover, no asks: an answer");
	h[0].page_p = 0.99;
	h[0].page_rival = 0.01;
	CHECK_INT(SEARCH_CHOICES, search_decide(h, 1, m),
	    "...the same on a page with asks, the prior sure of it: choices");
	h[0].coverage = h[0].heading = cover + 0.05;
	CHECK_INT(SEARCH_ANSWER, search_decide(h, 1, m),
	    "...covering a little over ask_cover: an answer");
	h[0].coverage = h[0].heading = cover - 0.05;
	h[0].words = 40;
	h[0].matched = 20;
	h[0].topics = 1;
	h[0].page_topics = h[0].title_topics = 1;
	CHECK_INT(SEARCH_ANSWER, search_decide(h, 1, m),
	    "...a long question whose topics its page carries, of 40 words: "
	    "an answer (ask_cover x sqrt(10/40) is half of it)");
	h[0].words = 12;
	h[0].matched = 6;
	CHECK(cover - 0.05 < cover * sqrt(10.0 / 12), "...of 12 words, it "
	    "covers less than ask_cover x sqrt(10/12)");
	CHECK_INT(SEARCH_CHOICES, search_decide(h, 1, m),
	    "...so choices: a long question's share is scaled, not waived");
	h[0] = mkhit(top, 0.9, 1, 4, 4);
	h[0].page_p = 0.99;
	h[0].page_rival = 0.01;
	h[0].prior_moved = 1;
	h[0].ask = moved - 0.05;
	CHECK_INT(SEARCH_CHOICES, search_decide(h, 1, m),
	    "the prior put it first and no ask of its reads like the "
	    "question: choices");
	CHECK_INT(SEARCH_PRIOR_MOVED, search_prior_effect(h, 1, m),
	    "...and --explain says the prior put it first");
	h[0].ask = moved + 0.05;
	CHECK_INT(SEARCH_ANSWER, search_decide(h, 1, m),
	    "...an ask of its reads like the question: an answer");
	h[0].ask = moved - 0.05;
	h[0].prior_moved = 0;
	CHECK_INT(SEARCH_ANSWER, search_decide(h, 1, m),
	    "...the search put it first itself: an answer");
	h[0].prior_moved = 1;
	h[0].page_p = h[0].page_rival = -1;
	CHECK_INT(SEARCH_ANSWER, search_decide(h, 1, m),
	    "...moved first onto a page without asks: an answer");
	plain_on(-1);
}

/*
 * The first hit on a page with asks must match match_share of the
 * question's content words, counted (search.c: hit_unbacked()): a rare
 * word or two carry most of a question's weight, so a section can cover
 * 0.9 of it by idf while explaining two of its five words. On a page
 * without asks the same hit is decided as before.
 */
static void
test_decide_matched(void)
{
	const double m = 0.8, top = 3 * m;
	struct search_hit h[1];
	static const struct {
		size_t	words, matched;
		double	page_p;
		enum search_outcome want;
		const char *what;
	} c[] = {
		{ 5, 2, -1, SEARCH_ANSWER, "three times the bar, covering "
		    "0.9 of the question, 2 of its 5 words, no asks: an "
		    "answer" },
		{ 5, 2, 0.99, SEARCH_CHOICES, "...the same on a page with "
		    "asks, the prior sure of it: choices" },
		{ 5, 3, 0.99, SEARCH_ANSWER, "...3 of its 5 words: an answer" },
		{ 2, 1, 0.99, SEARCH_ANSWER, "...1 of 2 words: an answer" },
	};

	plain_on(0);
	for (size_t k = 0; k < sizeof(c) / sizeof(c[0]); k++) {
		h[0] = mkhit(top, 0.9, 1, c[k].words, c[k].matched);
		h[0].page_p = c[k].page_p;
		h[0].page_rival = c[k].page_p >= 0 ? 0.01 : -1;
		CHECK_INT(c[k].want, search_decide(h, 1, m), c[k].what);
	}
	plain_on(-1);
}

/* A page held twice (the DFAK seed folder repeats a French page): the
 * copy ties with the best hit but is no second opinion. */
static const char copy_ink[] =
"# Printer ink\n\nWhen the printer ink runs dry, buy a new cartridge "
"and shake it before use.\n";
static const char copy_ink_other[] =
"# Printer ink\n\nWhen the printer ink runs dry, buy a fresh cartridge "
"and shake it before use.\n";
static const char copy_paper[] =
"# Printer paper\n\nWhen the printer jams, take the paper out gently; "
"ink stains wash out with water.\n";

/*
 * "This page, which part?" (SEARCH_PAGE), on an invented guide
 * (tests/fixtures/page): a page written as a path, as the DFAK pages are,
 * and a short page on another subject. At a bar no section reaches, two
 * sections of one page that nearly tie give that page; a question whose
 * words reach two pages gives choices; a question that names its section
 * clearly is an answer at the guide's own bar.
 */
static void
test_decide_page(void)
{
	struct guide *g = guide_new();
	struct search *s;
	struct search_hit h[10];
	char path[1024];
	size_t n, dev = 0;
	int found = 0;

	(void)util_snprintf(path, sizeof(path), "%s/page", fixdir);
	guide_load_dir(g, path, "en");
	for (size_t p = 0; p < guide_npages(g); p++)
		if (strcmp(guide_page_title(g, p), "My device acts strangely") ==
		    0) {
			dev = p;
			found = 1;
		}
	CHECK(found, "page fixture: the device page is loaded");
	s = search_new(g);
	n = search_query(s, "battery light", "en", h, 10);
	CHECK(n >= 2 && h[0].page == dev && h[1].page == dev &&
	    h[1].score > 0.9 * h[0].score, "battery light: two sections of "
	    "the device page nearly tie");
	page_on(0);
	CHECK_INT(SEARCH_CHOICES, search_decide(h, n, 2 * h[0].score),
	    "...no section is an answer: choices, the page outcome off");
	page_on(1);
	CHECK_INT(SEARCH_PAGE, search_decide(h, n, 2 * h[0].score),
	    "...with it on, the page is: which part?");
	{
		char why[512] = "";

		CHECK(search_page_why(h, n, 2 * h[0].score, why,
		    sizeof(why)) == 1 && strstr(why, "page outcome: 2 of the "
		    "3 best hits are on this page; the best section is under "
		    "the answer bar") == why, "...--explain says why a page");
		CHECK(search_page_why(h, n, search_min_score(s), why,
		    sizeof(why)) == 0, "...and says nothing of an answer");
	}
	CHECK_INT(SEARCH_PAGE, search_decide(h, n < 3 ? n : 3, 2 * h[0].score),
	    "...the same from the three best hits (test_quality asks three)");
	CHECK_INT(SEARCH_ANSWER, search_decide(h, n, search_min_score(s)),
	    "...at the guide's bar the best section is an answer (a tie of "
	    "two answers stays an answer: page_tie is 0)");
	page_on(-1);
	{
		char why[512] = "";

		CHECK_INT(SEARCH_PAGE, search_decide(h, n,
		    search_min_score(s)), "...but as the daemon has it, a "
		    "page without asks whose next section nearly ties: the "
		    "page, which part?");
		CHECK(search_page_why(h, n, search_min_score(s), why,
		    sizeof(why)) == 1 && strstr(why, "the page's next "
		    "section nearly ties with the best one") != NULL,
		    "...--explain says so");
	}
	page_on(1);
	n = search_query(s, "the camera light turns on by itself", "en", h, 10);
	CHECK(n > 0 && strcmp(guide_section_heading(g, h[0].section),
	    "The camera light turns on") == 0 && search_decide(h, n,
	    search_min_score(s)) == SEARCH_ANSWER,
	    "a question that names its section clearly: an answer");
	n = search_query(s, "traffic and battery", "en", h, 10);
	CHECK(n >= 2 && h[0].page != h[1].page,
	    "traffic and battery: the two best hits on two pages");
	CHECK_INT(SEARCH_CHOICES, search_decide(h, n, 2 * h[0].score),
	    "...sections of two pages: choices, not a page");
	n = search_query(s, "something is wrong with my device", "en", h, 10);
	CHECK(n >= 3 && h[0].page == dev && h[1].page == dev && h[2].page ==
	    dev && h[0].coverage < 0.2, "something is wrong with my device: "
	    "the three best on the device page, little of the question "
	    "covered");
	CHECK_INT(SEARCH_CHOICES, search_decide(h, n, search_min_score(s)),
	    "...a page covering too little of the question is not offered "
	    "as the page");
	page_on(-1);
	search_free(s);
	guide_free(g);
}

/* The copy of the best hit's section on another page does not make its
 * lead thin; a page that differs by one word does. */
static void
test_decide_copy(void)
{
	const char *const second[] = { copy_ink, copy_ink_other };
	const int want[] = { SEARCH_ANSWER, SEARCH_CHOICES };
	const char *const what[] = {
		"a page held twice: the copy ties, but the answer stands",
		"...a page that differs by a word is another page: choices",
	};

	for (size_t i = 0; i < 2; i++) {
		struct guide *g = guide_new();
		struct search *s;
		struct search_hit h[3];
		size_t n;

		guide_load_buffer(g, "ink.en.md", copy_ink, strlen(copy_ink),
		    "en");
		guide_load_buffer(g, "ink-again.en.md", second[i],
		    strlen(second[i]), "en");
		guide_load_buffer(g, "paper.en.md", copy_paper,
		    strlen(copy_paper), "en");
		s = search_new(g);
		n = search_query(s, "the printer ink runs dry", "en", h, 3);
		CHECK(n == 3 && h[1].page != h[0].page && h[2].page !=
		    h[0].page && h[1].score > SEARCH_LEAD * h[0].score &&
		    h[1].copy == (i == 0), "printer ink: the next two hits on "
		    "other pages, the second tied");
		CHECK_INT(want[i], search_decide(h, n, search_min_score(s)),
		    what[i]);
		if (i == 0) {
			/* Under a bar it does not reach, the copy is no
			 * second section of the best hit's page. */
			page_on(1);
			CHECK_INT(SEARCH_CHOICES, search_decide(h, n,
			    2 * h[0].score), "...and the copy is no second "
			    "opinion for the page outcome: choices");
			page_on(-1);
		}
		search_free(s);
		guide_free(g);
	}
}

/* A small guide without asks, as the DFAK's pages are: one page in two
 * parts, one that nearly shares the first part's heading, one apart. */
static const char plain_phone[] =
"# My phone was taken\n\n## The police kept my phone\n\nIf the police "
"kept your phone, write down when and where it was taken, and ask a "
"lawyer how to get it back.\n\n## The police returned my phone\n\nIf "
"the police returned your phone, do not trust it any more: reset it, or "
"use another one.\n";
static const char plain_laptop[] =
"# My laptop was taken\n\n## The police kept my laptop\n\nIf the police "
"kept your laptop or your phone, write down when and where it was taken, "
"and change the passwords it held.\n";

/* The search over the phone, laptop and paper pages (no asks) of guide g,
 * its bar in *m. */
static struct search *
plain_search(struct guide *g, double *m)
{
	struct search *s;

	guide_load_buffer(g, "phone.en.md", plain_phone, strlen(plain_phone),
	    "en");
	guide_load_buffer(g, "laptop.en.md", plain_laptop,
	    strlen(plain_laptop), "en");
	guide_load_buffer(g, "paper.en.md", copy_paper, strlen(copy_paper),
	    "en");
	s = search_new(g);
	*m = search_min_score(s);
	return s;
}

/* Hits that the rule of every page answers (plain_on(0)) and the rules
 * of a page without asks (plain_on(-1), as the daemon has them) decide
 * as want. */
static void
check_plain(const struct search_hit *h, size_t n, double m, int want,
    const char *what)
{
	plain_on(0);
	CHECK_INT(SEARCH_ANSWER, search_decide(h, n, m),
	    "...the rule of every page: an answer");
	plain_on(-1);
	CHECK_INT(want, search_decide(h, n, m), what);
}

/* page_clear (search.c: section_clear()) off (0) or as the daemon has
 * it (-1); and with it sec_cover (section_picked()'s coverage lead, the
 * other rule by which a section stands out on its page: s18-ddec). */
static void
clear_on(int on)
{
	static double clear = -1, cover = -1;

	if (clear < 0) {
		(void)search_tune_get("page_clear", &clear);
		(void)search_tune_get("sec_cover", &cover);
	}
	(void)search_tune_set("page_clear", on == 0 ? 0 : clear);
	(void)search_tune_set("sec_cover", on == 0 ? 0 : cover);
}

/* Hits that the rules of a page without asks make the page with
 * page_clear off, and an answer as the daemon has them, its record saying
 * why (search_decision.clear): the rule fails on the old rules. */
static void
check_clear(const struct search_hit *h, size_t n, double m,
    const char *what)
{
	struct search_decision d;

	clear_on(0);
	CHECK_INT(SEARCH_PAGE, search_decide(h, n, m),
	    "...page_clear off: the page");
	clear_on(-1);
	CHECK(search_decide_why(h, n, m, &d) == SEARCH_ANSWER && d.plain &&
	    d.clear && d.refused == NULL, what);
}

/*
 * Where a page without asks would be offered ("which part?"), its best
 * section is the answer when it stands out among the page's parts
 * (search.c: section_picked(); s18-ddec): its heading opens with a
 * condition (search_hit.branch: "If your device is still missing"), not
 * the page's introduction, not tied with another part; or, sec_cover on,
 * its heading names sec_heading of the question, it is about the
 * question (search.c: hit_about()), it matches sec_matched of the
 * question's words when its unknown words say the subject may be another
 * (hit_unknown()), and it covers sec_cover more of it than the page's
 * other parts among the three best. And an
 * answer whose page's next part (not its introduction, nor the other
 * side of its branch pair) scores sec_tie of it or more and covers as
 * much of the question is the page instead (section_tied()).
 */
static void
test_decide_sectioned(void)
{
	struct guide *g = guide_new();
	struct search *s;
	struct search_hit h[3];
	struct search_decision d;
	double m, cover, close;
	size_t n;

	s = plain_search(g, &m);
	/* The branch and the tie first, the coverage lead off; and the
	 * close score that ties whatever the coverage (sec_close) off but
	 * where it is checked: these hand-made hits nearly tie. */
	(void)search_tune_get("sec_cover", &cover);
	(void)search_tune_set("sec_cover", 0);
	(void)search_tune_get("sec_close", &close);
	(void)search_tune_set("sec_close", 0);

	n = search_query(s, "police phone", "en", h, 3);
	CHECK(n == 3 && h[1].page == h[0].page && !h[0].branch &&
	    search_decide(h, n, m) == SEARCH_PAGE,
	    "police phone: two sections of the phone page nearly tie: the "
	    "page");
	h[0].branch = 1;
	h[0].intro = 0;
	h[1].coverage = h[0].coverage / 2;
	CHECK(search_decide_why(h, n, m, &d) == SEARCH_ANSWER && d.plain &&
	    d.sectioned && d.refused == NULL, "...its best section a branch "
	    "(\"If ...\"), not tied: that part, an answer");
	{
		struct search_hit c[3];

		memcpy(c, h, sizeof(c));
		c[1].intro = c[1].pair = c[1].copy = 0;
		c[1].score = 0.97 * c[0].score;
		(void)search_tune_set("sec_close", close);
		CHECK_INT(SEARCH_PAGE, search_decide(c, n, m),
		    "...the next part at 0.97 of it, whatever it covers: "
		    "the page (sec_close)");
		(void)search_tune_set("sec_close", 0);
		CHECK_INT(SEARCH_ANSWER, search_decide(c, n, m),
		    "...sec_close off: an answer");
	}
	(void)search_tune_set("sec_branch", 0);
	CHECK_INT(SEARCH_PAGE, search_decide(h, n, m),
	    "...sec_branch off: the page");
	(void)search_tune_set("sec_branch", 1);
	h[0].intro = 1;
	CHECK_INT(SEARCH_PAGE, search_decide(h, n, m),
	    "...the page's introduction: the page");
	h[0].intro = 0;
	h[1].intro = 0;
	h[1].coverage = h[0].coverage;
	CHECK_INT(SEARCH_PAGE, search_decide(h, n, m),
	    "...the next part as high and covering as much: the page");
	h[1].intro = 1;
	CHECK_INT(SEARCH_ANSWER, search_decide(h, n, m),
	    "...unless that part is the page's introduction: an answer");
	h[1].intro = 0;
	h[1].pair = 1;
	CHECK_INT(SEARCH_ANSWER, search_decide(h, n, m),
	    "...or the other side of its branch pair (the question chose "
	    "between them): an answer");
	h[1].pair = 0;
	h[0].branch = 0;
	h[1].intro = 0;
	h[1].coverage = h[0].coverage / 2;
	(void)search_tune_set("sec_cover", 0.21);
	h[0].heading = 0;
	CHECK_INT(SEARCH_PAGE, search_decide(h, n, m),
	    "...no branch, sec_cover 0.21, a heading that names nothing of "
	    "the question: the page");
	h[0].heading = 0.1;
	CHECK(h[0].coverage >= 0.42 && search_decide_why(h, n, m, &d) ==
	    SEARCH_ANSWER && d.sectioned, "...its heading naming 0.1 of the "
	    "question, it covers twice what the next part does: an answer");
	h[0].key_mention = 1;
	CHECK_INT(SEARCH_PAGE, search_decide(h, n, m),
	    "...its page mentions the question's key concepts in passing "
	    "(not about it): the page");
	h[0].key_mention = 0;
	/* A short question whose own words the guide lacks (a quarter of
	 * it unknown, a third unmatched: hit_unknown()) may be about
	 * another subject: the one word a heading shares is not enough
	 * ("how do i report a noisy neighbour to the police" and "Reports
	 * on State-sponsored Malware attacks"), two are. */
	h[0].words = 3;
	h[0].matched = 1;
	h[0].unknown = SEARCH_UNKNOWN_SOME;
	CHECK_INT(SEARCH_PAGE, search_decide(h, n, m),
	    "...a quarter of a short question unknown to the guide, one of "
	    "its three words matched: the page");
	h[0].matched = 2;
	CHECK(search_decide_why(h, n, m, &d) == SEARCH_ANSWER &&
	    d.sectioned, "...two of its three words matched: an answer");
	(void)search_tune_set("sec_matched", 0);
	h[0].matched = 1;
	CHECK_INT(SEARCH_ANSWER, search_decide(h, n, m),
	    "...one matched, sec_matched off: an answer");
	(void)search_tune_set("sec_matched", 2);
	h[0].unknown = 0;
	(void)search_tune_set("sec_cover", 0);
	CHECK_INT(SEARCH_PAGE, search_decide(h, n, m),
	    "...sec_cover off: the page");
	(void)search_tune_set("sec_cover", cover);

	n = search_query(s, "the police kept my phone", "en", h, 3);
	CHECK(n == 3 && search_decide(h, n, m) == SEARCH_ANSWER,
	    "the police kept my phone: an answer");
	h[1].page = h[0].page;
	h[1].copy = h[1].intro = h[1].translation = h[1].twin = 0;
	h[1].score = 0.8 * h[0].score;
	h[1].coverage = h[0].coverage;
	CHECK(search_decide_why(h, n, m, &d) == SEARCH_PAGE &&
	    d.refused != NULL && strstr(d.refused, "another part of its "
	    "page") != NULL, "...another part of its page at 0.8 of it, "
	    "covering as much: the page, and --explain says why");
	h[1].coverage = h[0].coverage * 0.9;
	CHECK_INT(SEARCH_ANSWER, search_decide(h, n, m),
	    "...covering less of the question: an answer");
	h[1].coverage = h[0].coverage;
	h[1].intro = 1;
	CHECK_INT(SEARCH_ANSWER, search_decide(h, n, m),
	    "...that part the page's introduction: an answer");
	(void)search_tune_set("sec_close", close);
	search_free(s);
	guide_free(g);
}

/*
 * A page without asks (search.c: plain_decide()): an answer only when
 * its section clearly beats the page's other sections (page_section; and
 * page_heading when the three best hits are on its page) and its page
 * clearly beats the other pages (page_other); the page ("which part?")
 * when the page is clear but not the section; choices when the page is
 * not clear. Each of the first three fails on the rule of every page,
 * which answers. But a section that stands out from its page's others
 * where the page fits (page_clear) is an answer, whatever its heading or
 * the bar (s12-ddec).
 */
static void
test_decide_plain(void)
{
	struct guide *g = guide_new();
	struct search *s;
	struct search_hit h[3];
	const char *head;
	double m, cover;
	size_t n;

	s = plain_search(g, &m);
	/* Where a check below holds the rules before section_picked()'s
	 * coverage lead (sec_cover), which this small guide's sections,
	 * each covering much more than the next, meet, it is off there:
	 * test_decide_sectioned() checks it. */
	(void)search_tune_get("sec_cover", &cover);

	n = search_query(s, "police phone", "en", h, 3);
	CHECK(n == 3 && h[0].page_p < 0 && h[1].page == h[0].page &&
	    h[1].score >= 0.9 * h[0].score && h[0].score > 2 * m,
	    "police phone: two sections of the phone page nearly tie, far "
	    "above the bar, no asks");
	check_plain(h, n, m, SEARCH_PAGE, "...a page without asks: the "
	    "section is not clear, the page is: which part?");

	n = search_query(s, "police kept", "en", h, 3);
	CHECK(n == 3 && h[1].page != h[0].page && h[2].page == h[0].page &&
	    h[1].score >= 0.9 * h[0].score && h[0].score > 2 * m,
	    "police kept: the laptop page nearly ties with the phone page, "
	    "the third hit on the phone page");
	check_plain(h, n, m, SEARCH_CHOICES, "...a page without asks: the "
	    "page is not clear, choices (the rule of every page answers: "
	    "the third hit backs the first, the lead is not thin)");
	{
		char why[512] = "";

		CHECK(search_page_why(h, n, m, why, sizeof(why)) == 0,
		    "...--explain gives no page reason for choices");
	}
	/* The same, the laptop page being the phone page held twice in
	 * one language (search_hit.twin: a folder's page left
	 * untranslated): it does not put the page in doubt, only the
	 * section: the page, not choices (s16-dconf). */
	h[1].twin = 1;
	(void)search_tune_set("sec_cover", 0);
	CHECK_INT(SEARCH_PAGE, search_decide(h, n, m), "...the other page "
	    "its twin: the page, which part? (sec_cover off)");
	(void)search_tune_set("sec_cover", cover);
	h[1].twin = 0;

	n = search_query(s, "phone trust", "en", h, 3);
	CHECK(n == 3 && h[1].page == h[0].page && h[2].page == h[0].page &&
	    h[1].score < 0.6 * h[0].score && h[0].heading < 0.3 &&
	    h[0].score > m, "phone trust: the three best on the phone page, "
	    "the first well ahead, its heading naming little of the "
	    "question");
	plain_on(0);
	CHECK_INT(SEARCH_ANSWER, search_decide(h, n, m),
	    "...the rule of every page: an answer");
	plain_on(-1);
	clear_on(0);
	CHECK_INT(SEARCH_PAGE, search_decide(h, n, m), "...a page without "
	    "asks, page_clear off: what ranked it is the page's words, the "
	    "page");
	{
		char why[512] = "";

		CHECK(search_page_why(h, n, m, why, sizeof(why)) == 1 &&
		    strstr(why, "page outcome: 3 of the 3 best hits are on "
		    "this page; the three best hits are on this page and the "
		    "best one's heading names little of the question") == why,
		    "...--explain says why");
	}
	clear_on(-1);
	check_clear(h, n, m, "...as the daemon has it: the page fits and "
	    "the first section stands out from its page's others (the next "
	    "under page_clear of it): an answer");
	check_clear(h, n, h[0].score * 1.5, "...under a bar it does not "
	    "reach, the same: an answer, not the page");
	h[1].score = h[0].score * 0.7;
	(void)search_tune_set("sec_cover", 0);
	CHECK_INT(SEARCH_PAGE, search_decide(h, n, m), "...the page's next "
	    "section at 0.7 of it: the page (its heading names little; "
	    "sec_cover off)");
	h[1].score = h[0].score * 0.5;
	h[2].page = h[0].page + 1;
	h[2].score = h[0].score * 0.95;
	{
		struct search_decision d;

		CHECK(search_decide_why(h, n, h[0].score * 1.5, &d) ==
		    SEARCH_PAGE && !d.clear, "...another page at 0.95 of it, "
		    "under the bar: not clear, the page as before");
	}
	(void)search_tune_set("sec_cover", cover);
	/* The same clear section, but the question's words unknown to the
	 * guide say it lacks the subject (hit_unknown(): a short question,
	 * a quarter unknown, a third of its words unmatched): the page, no
	 * answer (s16-unc). */
	n = search_query(s, "phone trust", "en", h, 3);
	check_clear(h, n, m, "phone trust again: an answer");
	h[0].words = 3;
	h[0].matched = 2;
	h[0].unknown = SEARCH_UNKNOWN_SOME;
	/* (sec_cover off: section_picked() takes a section that matches
	 * two of three words; test_decide_sectioned() checks it.) */
	(void)search_tune_set("sec_cover", 0);
	{
		struct search_decision d;

		char why[512];
		double f[SEARCH_NFEATURES];

		CHECK(search_decide_why(h, n, m, &d) == SEARCH_PAGE &&
		    !d.clear && d.refused != NULL, "...a third of a short "
		    "question unmatched, a quarter of it unknown: the page, "
		    "not the clear section");
		/* --explain says why: the unknown words, not an earlier
		 * reason the clear section would have overridden
		 * (s16-fixr). */
		CHECK(d.refused != NULL && strstr(d.refused, "words that the "
		    "guide does not know") != NULL && search_page_why(h, n,
		    m, why, sizeof(why)) && strstr(why, "words that the guide "
		    "does not know") != NULL, "...and --explain's reason "
		    "names the words the guide does not know");
		/* The rules kept around a fitted model read the same test
		 * (decide_veto(), s16-fixr). */
		search_features(h, n, m, f);
		CHECK(f[SF_VETO] == 1, "...and scripts/fit-decide.py's veto "
		    "feature says no");
	}
	(void)search_tune_set("sec_cover", cover);

	n = search_query(s, "the police kept my phone", "en", h, 3);
	head = n > 0 ? guide_section_heading(g, h[0].section) : "";
	CHECK(n == 3 && strcmp(head, "The police kept my phone") == 0 &&
	    h[1].score < 0.9 * h[0].score && h[2].score < 0.9 * h[0].score,
	    "the police kept my phone: its section well ahead of the rest");
	CHECK_INT(SEARCH_ANSWER, search_decide(h, n, m),
	    "...section and page clear: an answer");
	CHECK(n > 0 && !h[0].main_missed, "...its page names the "
	    "question's heaviest word");

	/* The question's heaviest word ("stains", on the paper page alone)
	 * is its main subject: a section that meets the question in its
	 * body, whose page never names it, is no answer (hit_missed_why(),
	 * s17-fixdu). */
	n = search_query(s, "stains, a lawyer for my phone", "en", h, 3);
	head = n > 0 ? guide_section_heading(g, h[0].section) : "";
	CHECK(n > 0 && strcmp(head, "The police kept my phone") == 0 &&
	    h[0].main_missed && h[0].heading < 0.5 * h[0].coverage,
	    "stains, a lawyer for my phone: the lawyer's section first, its "
	    "page never naming 'stains' (first of the heaviest words), its "
	    "heading little of the question");
	(void)search_tune_set("sec_cover", 0);
	CHECK(search_decide(h, n, m) != SEARCH_ANSWER, "...no answer "
	    "(sec_cover off)");
	(void)search_tune_set("sec_cover", cover);
	/* sec_cover on, the heading naming the question and the section
	 * covering far more of it than its page's other parts outweigh the
	 * heaviest word, often a word of the asking ("gratis",
	 * "recomiendan": section_picked(), s18-ddec2). */
	CHECK_INT(SEARCH_ANSWER, search_decide(h, n, m), "...sec_cover on: "
	    "its coverage lead over the page's other parts, an answer");
	h[0].main_missed = 0;
	CHECK_INT(SEARCH_ANSWER, search_decide(h, n, m), "...the same hits "
	    "with the heaviest word on its page: an answer");
	search_free(s);
	guide_free(g);
}

/*
 * A page without asks that carries none of the question's topic concepts
 * (search.c: page_off_topic(); search_hit.topics, .page_topics, as
 * hits_topics() reads them from the lexicon): never offered as a page,
 * and its section is no answer when no other of the three best hits is
 * on its page ("my account was suspended" is not "Account Hijacking,
 * which part?" because both say "account"). With page_topic 0 (the rule
 * before s12-dunc) the same hits are the page and an answer.
 */
static void
test_decide_off_topic(void)
{
	struct guide *g = guide_new();
	struct search *s;
	struct search_hit h[3];
	double m;
	size_t n;

	s = plain_search(g, &m);

	n = search_query(s, "police phone", "en", h, 3);
	CHECK(n == 3 && h[0].page_p < 0 && h[1].page == h[0].page,
	    "police phone: two sections of the phone page first, no asks");
	CHECK_INT(SEARCH_PAGE, search_decide(h, n, m),
	    "...the page, when it carries the question's topic");
	h[0].topics = 1;
	h[0].page_topics = 0;
	(void)search_tune_set("page_topic", 0);
	(void)search_tune_set("page_carry", 0);
	CHECK_INT(SEARCH_PAGE, search_decide(h, n, m),
	    "...its page carrying none of the question's topics, page_topic "
	    "and page_carry off: the page (the old rule)");
	plain_on(-1);
	CHECK_INT(SEARCH_CHOICES, search_decide(h, n, m),
	    "...as the daemon has it: never the page, choices");

	n = search_query(s, "the police kept my phone", "en", h, 3);
	CHECK(n == 3 && search_decide(h, n, m) == SEARCH_ANSWER,
	    "the police kept my phone: an answer");
	h[0].topics = 1;
	h[0].page_topics = 0;
	for (size_t k = 1; k < n; k++)
		h[k].page = h[0].page + 1 + k;
	(void)search_tune_set("page_topic", 0);
	CHECK_INT(SEARCH_ANSWER, search_decide(h, n, m),
	    "...alone on a page that carries none of the question's topics, "
	    "page_topic off: an answer (the old rule)");
	plain_on(-1);
	{
		struct search_decision d;

		CHECK(search_decide_why(h, n, m, &d) != SEARCH_ANSWER &&
		    d.refused != NULL && strstr(d.refused, "none of the "
		    "question's topics") != NULL, "...as the daemon has it: "
		    "no answer, and --explain says why");
	}
	h[1].page = h[0].page;
	h[1].copy = 0;
	h[1].coverage = h[0].coverage / 2;	/* no tie (sec_tie) */
	CHECK_INT(SEARCH_ANSWER, search_decide(h, n, m),
	    "...a second hit on its page: an answer still");
	search_free(s);
	guide_free(g);
}

/* A ranking constant set to v, or back to its default (v < 0). */
static void
tune_one(const char *name, double v)
{
	static const char *names[8];
	static double was[8];
	size_t i;

	for (i = 0; i < 8 && names[i] != NULL && strcmp(names[i], name) != 0;
	    i++)
		;
	if (i == 8)
		return;
	if (names[i] == NULL) {
		names[i] = name;
		(void)search_tune_get(name, &was[i]);
	}
	(void)search_tune_set(name, v < 0 ? was[i] : v);
}

/* The best hit's question names topics concepts, its page carries those
 * of the mask carried and share of its sections carry one; its bar (2
 * times its score, out of reach) into *bar. */
static void
hit_topics(struct search_hit *h, unsigned topics, unsigned carried,
    double share, double *bar)
{
	h[0].topics = topics;
	h[0].page_topics = carried;
	h[0].page_share = share;
	*bar = 2 * h[0].score;
}

/* The decision on hits with the ranking constant name at 0 (what: off
 * is want_off) and as the daemon has it (want). */
static void
check_rule(const struct search_hit *h, size_t n, double bar,
    const char *name, int want_off, int want, const char *what)
{
	tune_one(name, 0);
	CHECK_INT(want_off, search_decide(h, n, bar), what);
	tune_one(name, -1);
	CHECK_INT(want, search_decide(h, n, bar), "...as the daemon has it");
}

/*
 * Committing to a page without asks (search.c: page_plain_fits(),
 * page_weak(); s13-dpage). The page is offered from one hit on it when
 * no other page among the three best comes within page_far of it, the
 * hit is in the question's language and its page carries a topic of
 * the question (with page_far 0, the rule before: choices). And it is
 * not offered when its best hit is under the bar and few of its
 * sections carry the question's topic (page_share), or when it carries
 * few of the question's topics (page_carry): the page mentions the
 * subject, it is not about it.
 */
static void
test_decide_commit(void)
{
	struct guide *g = guide_new();
	struct search *s;
	struct search_hit h[3];
	char why[512] = "";
	double m, bar, cover;
	size_t n;

	s = plain_search(g, &m);
	/* The page offers below, not section_picked()'s coverage lead
	 * (sec_cover: this small guide's sections cover much of their
	 * questions, with no other part of the page among the hits). */
	(void)search_tune_get("sec_cover", &cover);
	(void)search_tune_set("sec_cover", 0);

	n = search_query(s, "the police kept my phone", "en", h, 3);
	CHECK(n == 3 && h[0].page_p < 0, "the police kept my phone: hits, "
	    "no asks");
	for (size_t k = 1; k < n; k++) {
		h[k].page = h[0].page + 1 + k;
		h[k].copy = h[k].translation = 0;
	}
	h[1].score = 0.5 * h[0].score;
	h[2].score = 0.4 * h[0].score;
	h[0].other_lang = 0;
	hit_topics(h, 1, 1, 1, &bar);
	check_rule(h, n, bar, "page_far", SEARCH_CHOICES, SEARCH_PAGE,
	    "...alone on its page, under the bar, page_far off: choices (on, "
	    "no other page near it: the page)");
	CHECK(search_page_why(h, n, bar, why, sizeof(why)) == 1 &&
	    strstr(why, "1 of the 3 best hits are on this page, no other "
	    "page comes near it") != NULL, "...--explain says why");
	h[1].score = 0.75 * h[0].score;
	CHECK_INT(SEARCH_CHOICES, search_decide(h, n, bar),
	    "...another page at 0.75 of it: choices");
	h[1].translation = 1;
	CHECK_INT(SEARCH_PAGE, search_decide(h, n, bar),
	    "...but that is its page in another language: the page");
	h[1].translation = 0;
	h[1].score = 0.5 * h[0].score;
	h[0].other_lang = 1;
	CHECK_INT(SEARCH_CHOICES, search_decide(h, n, bar),
	    "...the best hit in another language than the question's: "
	    "choices");
	h[0].other_lang = 0;
	hit_topics(h, 0, 0, 0, &bar);
	CHECK_INT(SEARCH_CHOICES, search_decide(h, n, bar),
	    "...a question naming no topic the page carries: choices");

	n = search_query(s, "police phone", "en", h, 3);
	CHECK(n == 3 && h[1].page == h[0].page && search_decide(h, n, m) ==
	    SEARCH_PAGE, "police phone: two sections of the phone page "
	    "first, the page");
	hit_topics(h, 1, 1, 0.1, &bar);
	check_rule(h, n, bar, "page_share", SEARCH_PAGE, SEARCH_CHOICES,
	    "...one section in ten carrying the question's topic, under the "
	    "bar, page_share off: the page (on: a weak guess, choices)");
	hit_topics(h, 2, 1, 0.5, &bar);
	check_rule(h, n, bar, "page_carry", SEARCH_PAGE, SEARCH_CHOICES,
	    "...half its sections carrying one of the question's two topics, "
	    "never the other, page_carry off: the page (on: choices)");
	hit_topics(h, 2, 3, 0.5, &bar);
	CHECK_INT(SEARCH_PAGE, search_decide(h, n, bar),
	    "...carrying both: the page");
	(void)search_tune_set("sec_cover", cover);
	search_free(s);
	guide_free(g);
}

/*
 * The page when the search has no other (search.c: page_plausible(),
 * page_weak(); s14-dec). On a page without asks, the three best hits on
 * its page alone (no other page among them) offer it from a coverage of
 * page_alone (0.1), never as an answer, never off the question's
 * subject; a page whose title names a topic of the question is offered
 * though it lacks the question's key concept or carries few of its
 * topics (page_titled); and a page under the bar is not offered when
 * another page among the three best has page_rival_share (0.1) more of
 * its sections carrying a topic of the question. Each with its constant
 * at 0: the rule before.
 */
/* test_decide_alone()'s hits for its rule i, in the case the rule
 * changes (on 1) or its contrast (on 0), on hits h the three best of
 * one page, that page's own and the third another page's. */
static void
alone_case(struct search_hit *h, size_t i, int on)
{
	double bar;

	switch (i) {
	case 0:		/* page_alone: two hits on the page, the third too */
		h[2].page = h[0].page;
		h[0].coverage = on ? 0.15 : 0.05;
		break;
	case 1:		/* page_titled: lacking the key concept */
		hit_topics(h, 2, 1, 0.5, &bar);
		h[0].lacks_key = 1;
		h[0].title_topics = on;
		break;
	default:	/* page_rival_share: another page more about it */
		hit_topics(h, 1, 1, 0.3, &bar);
		h[2].page_share = on ? 0.45 : 0.35;
		break;
	}
}

static void
test_decide_alone(void)
{
	static const struct {
		const char	*name;
		int		 off, on, contrast;
		const char	*what;
	} c[] = {
		{ "page_alone", SEARCH_CHOICES, SEARCH_PAGE, SEARCH_CHOICES,
		    "...the three best on its page, covering 0.15 (0.05: "
		    "choices), page_alone off: choices (on: the page)" },
		{ "page_titled", SEARCH_CHOICES, SEARCH_PAGE, SEARCH_CHOICES,
		    "...lacking the key concept, carrying one topic of two, "
		    "its title naming it (or not: choices), page_titled off: "
		    "choices (on: the page)" },
		{ "page_rival_share", SEARCH_PAGE, SEARCH_CHOICES, SEARCH_PAGE,
		    "...under the bar, another page among the three with 0.45 "
		    "of its sections carrying the topic against 0.3 (0.35: "
		    "the page), page_rival_share off: the page (on: "
		    "choices)" },
	};
	struct guide *g = guide_new();
	struct search *s;
	struct search_hit h[3], k[3];
	double m, bar;
	size_t n;

	s = plain_search(g, &m);
	n = search_query(s, "police phone", "en", h, 3);
	CHECK(n == 3 && h[1].page == h[0].page && h[0].page_p < 0,
	    "police phone: two sections of the phone page first, no asks");
	h[2] = h[1];
	h[2].page = h[0].page + 1;
	h[1].score = 0.9 * h[0].score;
	h[2].score = 0.8 * h[0].score;
	hit_topics(h, 0, 0, 0, &bar);
	h[0].coverage = 0.5;
	for (size_t i = 0; i < ARRAY_LEN(c); i++) {
		memcpy(k, h, sizeof(k));
		alone_case(k, i, 1);
		check_rule(k, n, bar, c[i].name, c[i].off, c[i].on, c[i].what);
		alone_case(k, i, 0);
		CHECK_INT(c[i].contrast, search_decide(k, n, bar),
		    "...the contrast");
	}
	alone_case(h, 0, 1);
	h[1].score = 0.3 * h[0].score;
	h[2].score = 0.2 * h[0].score;
	CHECK_INT(SEARCH_PAGE, search_decide(h, n, bar),
	    "...covering 0.15, its next section far behind: the page, never "
	    "an answer (an answer keeps the page's coverage floor)");
	h[0].off_subject = 1;
	CHECK_INT(SEARCH_CHOICES, search_decide(h, n, bar),
	    "...off the question's subject: choices (the subject test "
	    "stands)");
	h[0].off_subject = 0;
	h[2].page = h[0].page + 1;
	CHECK_INT(SEARCH_CHOICES, search_decide(h, n, bar),
	    "...another page third: choices");
	search_free(s);
	guide_free(g);
}

/* A page, its French version, and a page that nearly ties with it. */
static const char trans_en[] =
"# Signal safety numbers\n\nCompare the safety numbers in Signal with "
"your contact, in person or by a call.\n";
static const char trans_fr[] =
"# Numéros de sécurité Signal\n\nComparez les numéros de sécurité dans "
"Signal avec votre contact, en personne ou par un appel.\n";
static const char trans_groups[] =
"# Safety numbers in Signal groups\n\nIn Signal groups, check the safety "
"numbers of each new member with them.\n";

/* The best hit's page in another language, third among the hits, is its
 * page: the lead is not thin. A French page of another name is another
 * page. */
static void
test_decide_translation(void)
{
	const char *const frname[] = { "numbers.fr.md", "other.fr.md",
	    "numbers.groups.fr.md" };
	const int want[] = { SEARCH_ANSWER, SEARCH_CHOICES, SEARCH_CHOICES };
	const char *const what[] = {
		"the third hit is the best page in French: answer",
		"...a French page of another name: choices",
		"...nor is numbers.groups.fr.md numbers.en.md in French",
	};

	for (size_t i = 0; i < 3; i++) {
		struct guide *g = guide_new();
		struct search *s;
		struct search_hit h[3];
		size_t n;

		guide_load_buffer(g, "numbers.en.md", trans_en,
		    strlen(trans_en), "en");
		guide_load_buffer(g, frname[i], trans_fr, strlen(trans_fr),
		    "en");
		guide_load_buffer(g, "groups.en.md", trans_groups,
		    strlen(trans_groups), "en");
		s = search_new(g);
		n = search_query(s, "signal safety numbers", "en", h, 3);
		CHECK(n == 3 && strcmp(guide_section_heading(g, h[0].section),
		    "Signal safety numbers") == 0 && strcmp(
		    guide_section_heading(g, h[2].section),
		    "Numéros de sécurité Signal") == 0 &&
		    h[1].score > SEARCH_LEAD * h[0].score &&
		    h[2].translation == (i == 0), "signal safety numbers: "
		    "another page nearly ties, the French page third");
		/* The thin lead, the rule of every page: on a page without
		 * asks another page this close gives choices whatever the
		 * third hit (plain_decide(): page_other). */
		plain_on(0);
		CHECK_INT(want[i], search_decide(h, n, search_min_score(s)),
		    what[i]);
		plain_on(-1);
		if (i == 0) {
			/* The French page is this one-section page again:
			 * no second part to offer. */
			page_on(1);
			CHECK_INT(SEARCH_CHOICES, search_decide(h, n,
			    2 * h[0].score), "...and its translation is no "
			    "second hit for the page outcome: choices");
			page_on(-1);
		}
		search_free(s);
		guide_free(g);
	}
}

/*
 * A question in French whose page the guide has only in English (the
 * DFAK's EstablishingTrust.md, s17-fixd): its English section ranks above
 * a French section that shares one word with it, not halved below it as
 * every other language's section is (lang_other); when the page has a
 * French copy, that copy comes first and the English one below the weak
 * French section again.
 */
static const char absent_chat_en[] =
    "# Chat trust\n\nHow to trust a chat.\n\n"
    "## OTR fingerprints\n\nIn Pidgin, compare the OTR fingerprint "
    "with your friend over the phone.\n";
static const char absent_chat_fr[] =
    "# Confiance dans le chat\n\nComment faire confiance.\n\n"
    "## Vérifier l'empreinte OTR\n\nDans Pidgin, comparez l'empreinte "
    "OTR de votre contact au téléphone avant de discuter.\n";
static const char absent_dev_en[] =
    "# Devices\n\nYour devices.\n\n## Check the device\n\n"
    "Check the device and its settings before a trip.\n";
static const char absent_dev_fr[] =
    "# Appareils\n\nVos appareils.\n\n## Vérifier l'appareil\n\n"
    "Vérifiez l'appareil et ses réglages avant de partir.\n";

static void
test_lang_absent(void)
{
	static const char q[] = "vérifier l'otr de mon contact";
	static const struct {
		const char	*name, *text;
	} pages[] = {
		{ "chat.en.md", absent_chat_en },
		{ "chat.fr.md", absent_chat_fr },
		{ "device.en.md", absent_dev_en },
		{ "device.fr.md", absent_dev_fr },
	};

	for (int copy = 0; copy < 2; copy++) {
		struct guide *g = guide_new();
		struct search *s;
		struct search_hit h[5];
		size_t n, en = 5, dev = 5;

		for (size_t i = 0; i < 4; i++)
			if (copy || pages[i].text != absent_chat_fr)
				guide_load_buffer(g, pages[i].name,
				    pages[i].text, strlen(pages[i].text),
				    "en");
		s = search_new(g);
		n = search_query(s, q, "fr", h, 5);
		for (size_t i = 0; i < n; i++) {
			const char *p = guide_section_path(g, h[i].section);

			if (en == 5 && strcmp(p,
			    "Chat trust › OTR fingerprints") == 0)
				en = i;
			if (dev == 5 && strcmp(p,
			    "Appareils › Vérifier l'appareil") == 0)
				dev = i;
		}
		if (!copy)
			CHECK(en == 0 && dev == 1, "lang absent: a French "
			    "question, its page only in English: the English "
			    "section first, the weak French one second");
		else
			CHECK(n > 0 && strcmp(guide_section_path(g,
			    h[0].section), "Confiance dans le chat › "
			    "Vérifier l'empreinte OTR") == 0 && dev < en &&
			    en < 5, "lang absent: ...the page in French too: "
			    "its French copy first, the English one below the "
			    "weak French section");
		search_free(s);
		guide_free(g);
	}
}

/*
 * The first hits do not depend on how many the caller asks for (s17-fixd:
 * the rules that reorder hits, hits_within_page() first, ran on the
 * caller's max only when the guide had no asks, so test_quality's and
 * rank_eval's three could differ from the bot's ten). Asked of the
 * fixture guides, which have no asks: every section's heading, and each
 * with the next one's, as questions; max 1, 3 and 5 against 10, and 10
 * against 40.
 */
static int
same_first(const struct search *s, const char *q, size_t a, size_t b)
{
	struct search_hit x[40], y[40];
	size_t nx = search_query(s, q, NULL, x, a);
	size_t ny = search_query(s, q, NULL, y, b);

	if (nx != (ny < a ? ny : a))
		return 0;
	for (size_t k = 0; k < nx; k++)
		if (x[k].section != y[k].section || x[k].score != y[k].score)
			return 0;
	return 1;
}

static void
test_max_independent(void)
{
	static const char *const dirs[] = { "guide/search", "guide/pages",
	    "guide/workflow" };
	static const size_t few[] = { 1, 3, 5 };
	struct guide *g = guide_new();
	struct search *s;
	char path[1200], q[512];
	size_t nq = 0, bad = 0;

	for (size_t i = 0; i < 3; i++) {
		(void)util_snprintf(path, sizeof(path), "%s/%s", fixdir,
		    dirs[i]);
		guide_load_dir(g, path, "en");
	}
	s = search_new(g);
	for (size_t i = 0; i < guide_nsections(g); i++)
		for (size_t j = i; j <= i + 1 && j < guide_nsections(g);
		    j++) {
			(void)util_snprintf(q, sizeof(q), "%s %s",
			    guide_section_heading(g, i), j > i ?
			    guide_section_heading(g, j) : "");
			for (size_t k = 0; k < 3; k++)
				bad += !same_first(s, q, few[k], 10);
			bad += !same_first(s, q, 10, 40);
			nq++;
		}
	CHECK(nq > 50 && bad == 0, "max: the first hits are the same "
	    "whatever max (1, 3, 5 or 10; 10 or 40), over every heading of "
	    "the fixture guides and each with the next");
	search_free(s);
	guide_free(g);
}

/* A made-up word for n, of consonant-vowel syllables no stemmer cuts. */
static void
made_word(size_t n, char w[16])
{
	static const char c[] = "bdfgklmnprtvz", v[] = "aiou";
	size_t k = 0;

	for (int i = 0; i < 3; i++) {
		w[k++] = c[n % 13];
		n /= 13;
		w[k++] = v[n % 4];
		n /= 4;
	}
	w[k] = '\0';
}

/* Page i's title (a made-up word) into page, to add words to. */
static void
made_page_begin(char *page, size_t size, size_t i)
{
	char w[16];

	made_word(5000 + i, w);
	(void)util_snprintf(page, size, "# %s\n\n", w);
}

/* Made-up word `word` as the page's j-th, a full stop after every 8th. */
static void
made_page_word(char *page, size_t size, size_t j, size_t word)
{
	char w[16];
	size_t len = strlen(page);

	made_word(word, w);
	(void)util_snprintf(page + len, size - len, "%s%s", w,
	    j % 8 == 7 ? ".\n" : " ");
}

/* Loads the page into g as page i. */
static void
made_page_end(struct guide *g, const char *page, size_t i)
{
	char name[32];

	(void)util_snprintf(name, sizeof(name), "p%03zu.en.md", i);
	guide_load_buffer(g, name, page, strlen(page), "en");
}

/* A guide of npages pages: page i's body is 24 made-up words from the
 * (i * step)-th on, so that pages share 24 - step words with the next. */
static struct guide *
made_guide(size_t npages, size_t step)
{
	struct guide *g = guide_new();
	char page[1024];

	for (size_t i = 0; i < npages; i++) {
		made_page_begin(page, sizeof(page), i);
		for (size_t j = 0; j < 24; j++)
			made_page_word(page, sizeof(page), j, i * step + j);
		made_page_end(g, page, i);
	}
	return g;
}

/* A guide of npages pages of made-up text: page i has 20 to 40 words,
 * half of them common ones (the lower the number, the more often), half
 * its topic's, shared with its neighbours; the last page has 10 (too
 * short for a passage). Page `longer` (none: npages) goes on with a
 * sentence of 8 words more, drawn the same way. */
static struct guide *
made_text_guide(size_t npages, size_t longer)
{
	struct guide *g = guide_new();
	char page[2048];

	for (size_t i = 0; i < npages; i++) {
		size_t n = i + 1 < npages ? 20 + i * 13 % 21 : 10;
		uint32_t r = 12345 + 7919 * i;

		made_page_begin(page, sizeof(page), i);
		for (size_t j = 0; j < n + (i == longer ? 8 : 0); j++) {
			double u;

			r = r * 1103515245 + 12345;
			u = (double)(r >> 8) / (1 << 24);
			made_page_word(page, sizeof(page), j, j % 2 ?
			    (size_t)(100 * u * u * u) :
			    100 + 5 * i + (size_t)(20 * u));
		}
		made_page_end(g, page, i);
	}
	return g;
}

/*
 * The bar does not move with one section's text: a sentence more on one
 * page of a guide of 512 short pages moves it by under 0.3% (at most
 * 0.09% here), whichever page, the last one too, which it makes long
 * enough to give passages: one section more to measure, where the bar
 * once began to ask every other passage (512 sections), and moved 0.57%.
 */
static void
test_guide_bar_stable(void)
{
	static const size_t pages[] = { 0, 100, 200, 300, 400, 511 };
	struct guide *g = made_text_guide(512, 512), *g2;
	struct search *s = search_new(g), *s2;
	double b = search_min_score(s), d;

	for (size_t i = 0; i < ARRAY_LEN(pages); i++) {
		g2 = made_text_guide(512, pages[i]);
		s2 = search_new(g2);
		d = fabs(search_min_score(s2) - b) / b;
		CHECK(d < 0.003, "a sentence more on one page moves the bar "
		    "by under 0.3%");
		search_free(s2);
		guide_free(g2);
	}
	search_free(s);
	guide_free(g);
}

/*
 * The answer bar is the guide's own (search_min_score()): measured on
 * passages of its pages, asked as questions, from the score a section
 * other than their own gets. Where pages share little, a near miss scores
 * low and so does the bar; where each shares most of its words with its
 * neighbours, both are high. A guide too small to measure keeps
 * SEARCH_DEFAULT_MIN_SCORE.
 */
static void
test_guide_bar(void)
{
	struct guide *apart = made_guide(40, 22), *close = made_guide(40, 4),
	    *tiny = made_guide(3, 22);
	struct search *sa = search_new(apart), *sc = search_new(close),
	    *st = search_new(tiny);
	double lo = SEARCH_DEFAULT_MIN_SCORE * SEARCH_BAR_LOW,
	    hi = SEARCH_DEFAULT_MIN_SCORE * SEARCH_BAR_HIGH;
	double ba = search_min_score(sa), bc = search_min_score(sc);
	struct search_hit h[3];
	char q[64], w[16];
	size_t n;

	CHECK(search_min_score(st) == SEARCH_DEFAULT_MIN_SCORE,
	    "a guide of three short pages: the default bar");
	CHECK(search_min_score(NULL) == SEARCH_DEFAULT_MIN_SCORE,
	    "no guide: the default bar");
	CHECK(ba >= lo && ba <= hi && bc >= lo && bc <= hi,
	    "the measured bars stay within SEARCH_BAR_LOW and "
	    "SEARCH_BAR_HIGH times the default");
	CHECK(ba < SEARCH_DEFAULT_MIN_SCORE,
	    "pages that share two words of 24: a bar under the default");
	CHECK(bc > ba + 0.1, "pages that share 20 words of 24 with the next: "
	    "a higher bar");
	/* The same hit decides differently on the two guides. */
	h[0] = mkhit((ba + bc) / 2, 0.8, 1, 3, 3);
	h[1] = mkhit(ba / 2, 0.5, 1, 3, 2);
	h[2] = mkhit(ba / 3, 0.5, 1, 3, 1);
	h[0].heading = 0.5;
	for (size_t k = 0; k < 3; k++)
		h[k].page = k;
	CHECK_INT(SEARCH_ANSWER, search_decide(h, 3, ba),
	    "a score between the two bars: an answer on the guide of "
	    "distinct pages");
	CHECK_INT(SEARCH_CHOICES, search_decide(h, 3, bc),
	    "...choices on the guide whose pages overlap");
	/* A question made of three words of one page of the distinct
	 * guide is answered there. */
	q[0] = '\0';
	for (size_t j = 3; j < 24; j += 6) {
		size_t len = strlen(q);

		made_word(10 * 22 + j, w);
		(void)util_snprintf(q + len, sizeof(q) - len, "%s ", w);
	}
	n = search_query(sa, q, "en", h, 3);
	CHECK(n > 0 && h[0].page == 10 && search_decide(h, n, ba) ==
	    SEARCH_ANSWER, "three words of one page: answered from it");
	search_free(sa);
	search_free(sc);
	search_free(st);
	guide_free(apart);
	guide_free(close);
	guide_free(tiny);
}

static const char topics_lexicon[] =
"[arrest]\nen: arrested, detained\nfr: arrêté, interpellé\n"
"[impersonation]\nen: pretending to be, fake profile\n"
"[stolen]\nen: stolen, theft\n";

static const char topics_arrested[] =
"# Someone I know was arrested\n\n"
"Call a lawyer. Do not post about it on their accounts.\n\n"
"## Their phone\n\nThe police may keep their phone: change the passwords "
"of the accounts it opened.\n";

static const char topics_accounts[] =
"# Recover your account\n\n"
"## Get back in\n\nReset the password of the account from a safe device. "
"Someone pretending to be you may write to your friends.\n\n"
"## Recover a Facebook account\n\nUse the Facebook recovery form to get "
"your Facebook account back.\n";

static const char topics_fake[] =
"# Someone is pretending to be me\n\n"
"## Report the fake profile\n\nReport it to the platform and keep "
"screenshots.\n";

/* The same, read from pages: titles carry topics, rivals are real pages. */
static void
test_topics(void)
{
	struct lexicon *lx = lexicon_new();
	struct guide *g = guide_new();
	struct search *s;
	struct search_hit h[3];
	size_t n;

	CHECK(lexicon_load_buffer(lx, "topics.txt", topics_lexicon,
	    strlen(topics_lexicon)) == 3, "topics lexicon loads");
	guide_load_buffer(g, "arrested.en.md", topics_arrested,
	    strlen(topics_arrested), "en");
	guide_load_buffer(g, "accounts.en.md", topics_accounts,
	    strlen(topics_accounts), "en");
	guide_load_buffer(g, "fake.en.md", topics_fake, strlen(topics_fake),
	    "en");
	s = search_new_lex(g, lx);
	n = search_query(s, "my brother was detained, they have his phone",
	    "en", h, 3);
	CHECK(n > 0 && h[0].topics == 1 && h[0].title_topics == 1 &&
	    strcmp(guide_page_path(g, h[0].page), "arrested.en.md") == 0,
	    "detained: the arrested page's title names the question's topic");
	n = search_query(s, "someone is pretending to be me on facebook", "en",
	    h, 3);
	CHECK(n > 1 && h[0].topics == 1, "pretending to be: one topic");
	{
		int fake = 0, acc = 0;

		for (size_t k = 0; k < n; k++) {
			const char *p = guide_page_path(g, h[k].page);

			if (strcmp(p, "fake.en.md") == 0)
				fake |= h[k].title_topics == 1 ? 1 : 2;
			else if (strcmp(p, "accounts.en.md") == 0)
				acc |= h[k].title_topics == 0 &&
				    h[k].page_topics == 1 ? 1 : 2;
		}
		CHECK_INT(1, fake, "the fake-profile page's title names it");
		CHECK_INT(1, acc,
		    "the accounts page carries it, its title does not");
	}
	n = search_query(s, "a recipe for cake", "en", h, 3);
	CHECK(n == 0 || h[0].topics == 0, "no concept: no topic");
	search_free(s);
	guide_free(g);
	lexicon_free(lx);
}

/*
 * A question with no language to go by ("pidgin", "signal": one word, a
 * name) is taken in the person's previous language, else in the default
 * one; other languages only as the cross-language fallback. The guide
 * below has more Spanish sections than English ones: once, removing one
 * English section turned "pidgin" into a Spanish answer.
 */
static const char *const deflang_pages[][2] = {
	{ "pidgin.en.md", "# Pidgin\n\nPidgin is a chat program for the "
	    "computer. Install the OTR plugin in Pidgin.\n" },
	{ "pidgin.fr.md", "# Pidgin\n\nPidgin est un logiciel de discussion "
	    "pour l'ordinateur. Installez le plugin OTR dans Pidgin.\n" },
	{ "pidgin.es.md", "# Pidgin\n\nPidgin es un programa de chat para la "
	    "computadora. Instala el plugin OTR en Pidgin.\n\n"
	    "## Cuentas en Pidgin\n\nAgrega tu cuenta en Pidgin.\n\n"
	    "## Signal\n\nSignal es otra aplicación de mensajes cifrados.\n" },
};

static const char *
deflang_best(const struct guide *g, const struct search *s, const char *q,
    const char *lang, const char *prev)
{
	struct search_hit h[3];

	if (search_query_prev(s, q, lang, prev, h, 3) == 0)
		return "(none)";
	return guide_page_lang(g, guide_section_page(g, h[0].section));
}

static void
test_deflang(void)
{
	struct guide *g = guide_new();
	struct search *s;

	for (size_t i = 0; i < ARRAY_LEN(deflang_pages); i++)
		guide_load_buffer(g, deflang_pages[i][0], deflang_pages[i][1],
		    strlen(deflang_pages[i][1]), "en");
	s = search_new(g);
	CHECK_STR("(null)", lang_detect("pidgin") ? lang_detect("pidgin") :
	    "(null)", "pidgin: no language detected");
	CHECK_STR("es", deflang_best(g, s, "pidgin", NULL, NULL),
	    "no default set: the language most sections are in");
	CHECK_INT(-1, search_set_default_lang(s, "de"),
	    "a default language no page is in is refused");
	CHECK_INT(0, search_set_default_lang(s, "en"), "default language en");
	CHECK_STR("en", deflang_best(g, s, "pidgin", NULL, NULL),
	    "pidgin, no previous language: the default language's page, "
	    "not the language most sections are in");
	CHECK_STR("en", deflang_best(g, s, "Pidgin", NULL, NULL),
	    "the same with a capital");
	CHECK_STR("fr", deflang_best(g, s, "pidgin", NULL, "fr"),
	    "pidgin from a French-speaking person: the French page");
	CHECK_STR("es", deflang_best(g, s, "pidgin", NULL, "es"),
	    "...from a Spanish-speaking person: the Spanish page");
	CHECK_STR("en", deflang_best(g, s, "pidgin", NULL, "de"),
	    "a previous language no page is in: the default language");
	CHECK_STR("en", deflang_best(g, s, "pidgin", "de", NULL),
	    "a question language no page is in: the default language");
	CHECK_STR("fr", deflang_best(g, s, "pidgin", "fr", "es"),
	    "a language given wins over the previous one");
	CHECK_STR("fr", deflang_best(g, s, "le plugin pour pidgin", NULL,
	    "es"), "a language detected wins over the previous one");
	CHECK_STR("es", deflang_best(g, s, "signal", NULL, "fr"),
	    "signal, only on a Spanish page: the cross-language fallback");
	search_free(s);
	guide_free(g);
}

/*
 * Asks (guide.h): the questions a section says it answers, in people's
 * words, are searched. A question that reads like one ask finds its
 * section though the section's text shares no word with it; and one ask
 * that says the whole question beats a section whose asks each share a
 * word or two with it (the best single ask, not the union of many).
 */
static const char asks_money[] =
"---\ntitle: Money\n---\n"
"# Money\n\nWhat to do about money troubles.\n\n"
"## Spot a fake shop\n\n"
"<!-- asks:\nis this wallet website legit\na thief sells stuff there\n"
"shelves emptied overnight\nwhich app is safe\n-->\n\n"
"Check the address of the shop before you pay, and look for reviews.\n\n"
"## Freeze a card\n\n"
"<!-- asks:\na thief emptied my wallet app overnight\n-->\n\n"
"Call the number on the back of the card and ask them to block it.\n";

static void
test_asks(void)
{
	struct guide *g = guide_new();
	struct search *s;
	struct search_hit h[3];
	const char *q = "a thief emptied my wallet app overnight, help";
	const char *a;
	double w_asks = -1, w_ask = -1, w_ask_own = -1;
	size_t n, len;

	guide_load_buffer(g, "money.en.md", asks_money, strlen(asks_money),
	    "en");
	CHECK(search_tune_get("w_asks", &w_asks) == 0 && w_asks > 0 &&
	    search_tune_get("w_ask", &w_ask) == 0 && w_ask > 0,
	    "asks are weighed (w_asks, w_ask)");
	s = search_new(g);
	n = search_query(s, q, "en", h, 3);
	CHECK(n >= 2 && strcmp(guide_section_heading(g, h[0].section),
	    "Freeze a card") == 0, "the section whose one ask says the "
	    "question comes first");
	a = n > 0 ? search_hit_ask(s, &h[0], &len, NULL) : NULL;
	CHECK(a != NULL && len == strlen("a thief emptied my wallet app "
	    "overnight") && strncmp(a, "a thief emptied", 15) == 0,
	    "...and names that ask (for --explain)");
	CHECK(n >= 2 && h[0].ask > 0.8 && h[1].ask < 0.5,
	    "one ask close to the question, against several sharing a word");
	search_free(s);

	/* The same asks without the per-ask similarity (the best ask's and
	 * a section's own): their words as a field only tie, and the
	 * section first on the page wins. */
	search_tune_get("w_ask_own", &w_ask_own);
	search_tune_set("w_ask", 0);
	search_tune_set("w_ask_own", 0);
	s = search_new(g);
	n = search_query(s, q, "en", h, 3);
	CHECK(n >= 2 && strcmp(guide_section_heading(g, h[0].section),
	    "Spot a fake shop") == 0, "w_ask 0: the union of many asks "
	    "ranks as high");
	search_free(s);

	/* Asks not read: the question's words are in no section's text. */
	search_tune_set("w_asks", 0);
	s = search_new(g);
	n = search_query(s, q, "en", h, 3);
	CHECK_INT(0, n, "without asks nothing matches");
	CHECK(search_hit_ask(s, &(struct search_hit){ .ask_id = 0 }, &len,
	    NULL) == NULL && len == 0, "...and no ask is named");
	search_free(s);
	search_tune_set("w_asks", w_asks);
	search_tune_set("w_ask", w_ask);
	search_tune_set("w_ask_own", w_ask_own);
	guide_free(g);

	/* A page carries what its text says, not what its asks name: an
	 * ask on the stalkerware page that mentions a smartwatch does not
	 * make the guide cover smartwatches (the shipped lexicon's
	 * neighbouring subject, as in test_neighbours()). */
	{
		const char *top = getenv("TOP_SRCDIR");
		char replies[1024];
		struct lexicon *lx = lexicon_new();
		struct buf page;

		(void)util_snprintf(replies, sizeof(replies), "%s/replies",
		    top ? top : ".");
		buf_init(&page);
		buf_adds(&page, watch_stalker[0][1]);
		buf_adds(&page, "\n<!-- asks:\ncould my ex see me through my "
		    "smartwatch\n-->\n");
		g = guide_new();
		guide_load_buffer(g, "stalkerware.en.md", page.s, page.len,
		    "en");
		CHECK(lexicon_load_dir(lx, replies) > 0 && strstr(
		    guide_section_asks(g, 1), "smartwatch") != NULL,
		    "a stalkerware section whose ask names a smartwatch");
		s = search_new_lex(g, lx);
		n = search_query(s, "is my smartwatch spying on me", "en", h,
		    3);
		CHECK(n > 0 && h[0].lacks_key && search_decide(h, n,
		    SEARCH_DEFAULT_MIN_SCORE) != SEARCH_ANSWER,
		    "...does not carry the concept: the question still lacks "
		    "its key, no confident answer");
		search_free(s);
		guide_free(g);
		lexicon_free(lx);
		buf_release(&page);
	}
}

/*
 * A section's own ask counts again on top of the best ask (w_ask_own): a
 * page's ask lifts all its sections alike, a section's own tells them
 * apart. The screen-lock section's text says three of the question's four
 * words; the section on a taken phone says none of them, but one of its
 * asks reads much like the question.
 */
static const char asks_own[] =
"# Phone\n\n<!-- asks:\nwhat should i do about my phone\n-->\n\n"
"## Screen lock\n\n<!-- asks:\nhow do i set a screen lock\n"
"which code is best for the phone\n-->\n\n"
"Set a screen lock with a long code. Is a short code enough? A long "
"code keeps the phone shut.\n\n"
"## Taken phone\n\n<!-- asks:\nthey took my phone at the border, is my "
"code enough\n-->\n\nChange your passwords from another device.\n";

static void
test_ask_own(void)
{
	struct guide *g = guide_new();
	struct search *s;
	const char *q = "they took my phone, is the code enough";
	double own = -1;

	guide_load_buffer(g, "phone.en.md", asks_own, strlen(asks_own), "en");
	CHECK(search_tune_get("w_ask_own", &own) == 0 && own > 0,
	    "a section's own ask is weighed again (w_ask_own)");
	s = search_new(g);
	CHECK_STR("Phone › Taken phone", best(g, s, q, "en", NULL),
	    "the section whose own ask reads like the question comes first");
	search_free(s);
	(void)search_tune_set("w_ask_own", 0);
	s = search_new(g);
	CHECK_STR("Phone › Screen lock", best(g, s, q, "en", NULL),
	    "...not without it (w_ask_own 0): the words of the other "
	    "section's text win");
	search_free(s);
	(void)search_tune_set("w_ask_own", own);
	guide_free(g);
}

/*
 * A French verb's third person plural ("ils m'insultent"): Snowball keeps
 * its "-ent", which the guide's forms of the verb ("insulte", "insulter")
 * do not have; the question meets them through the word less "nt". Not
 * for a word the guide uses as it is.
 */
static void
test_plural_verb(void)
{
	static const char md[] =
	    "# Harcèlement\n\nQuand on vous insulte en ligne, gardez des "
	    "captures d'écran.\n\n## Comptes\n\nIls bloquent les "
	    "comptes.\n";
	struct guide *g = guide_new();
	struct search *s;

	CHECK_INT(0, guide_load_buffer(g, "harcelement.fr.md", md,
	    strlen(md), "fr"), "plural verb: page loads");
	s = search_new(g);
	CHECK_STR("Harcèlement", best(g, s, "ils m'insultent tous les jours",
	    "fr", NULL), "plural verb: \"insultent\" meets \"insulte\"");
	CHECK_STR("Harcèlement › Comptes", best(g, s, "ils bloquent", "fr",
	    NULL), "plural verb: a form the guide uses as it is");
	search_free(s);
	guide_free(g);
}


/*
 * A French elision typed without its apostrophe (s19-rrank): "ladresse",
 * "je louvre" meet the guide's "adresse", "ouvre" (bare_elision()); a
 * word the guide uses as it is stays that word.
 */
static void
test_bare_elision(void)
{
	static const char md[] =
	    "# Usurpation\n\nQuelqu'un se fait passer pour vous.\n\n"
	    "## Votre adresse\n\nVotre adresse sert à envoyer des "
	    "mails.\n\n## Pièces jointes\n\nNe l'ouvrez pas : demandez "
	    "d'abord.\n\n## Lecture\n\nLire un livre.\n";
	struct guide *g = guide_new();
	struct search *s;

	CHECK_INT(0, guide_load_buffer(g, "usurpation.fr.md", md,
	    strlen(md), "fr"), "bare elision: page loads");
	s = search_new(g);
	CHECK_STR("Usurpation › Votre adresse", best(g, s, "ladresse",
	    "fr", NULL), "bare elision: \"ladresse\" meets \"adresse\"");
	CHECK_STR("Usurpation › Pièces jointes", best(g, s, "louvrez",
	    "fr", NULL), "bare elision: \"louvrez\" meets \"ouvrez\"");
	CHECK_STR("Usurpation › Lecture", best(g, s, "lire", "fr", NULL),
	    "bare elision: a word the guide uses as it is");
	search_free(s);
	guide_free(g);
}

/*
 * Overlapping expressions (s18-fixlx): the longer one claims the words,
 * wherever its block stands in the lexicon. "fait appel à" (called on
 * someone) is not the "fait appel" of an appeal, before or after it;
 * "faire appel" alone still is.
 */
static const char olap_appeal[] =
"# Faire appel\n\nVotre compte est suspendu : contestez la décision "
"auprès de la plateforme.\n";
static const char olap_site[] =
"# Un site en panne\n\nLe site de votre association ne répond plus : "
"votre prestataire vérifie son hébergement.\n";

static void
test_expression_overlap(void)
{
	static const char *lexs[] = {
	    "[appeal]\nfr: \"faire appel\", \"fait appel\", contester\n"
	    "[other-sense weak]\nfr: \"faire appel à\", \"fait appel à\"\n",
	    "[other-sense weak]\nfr: \"faire appel à\", \"fait appel à\"\n"
	    "[appeal]\nfr: \"faire appel\", \"fait appel\", contester\n" };

	for (size_t k = 0; k < 2; k++) {
		struct lexicon *lx = lexicon_new();
		struct guide *g = guide_new();
		struct search *s;
		struct search_hit h[3];
		size_t n, i;

		CHECK(lexicon_load_buffer(lx, "olap.txt", lexs[k],
		    strlen(lexs[k])) >= 1, "overlap: lexicon loads");
		guide_load_buffer(g, "appeal.fr.md", olap_appeal,
		    strlen(olap_appeal), "fr");
		guide_load_buffer(g, "site.fr.md", olap_site,
		    strlen(olap_site), "fr");
		s = search_new_lex(g, lx);
		n = search_query(s, "on a fait appel à un prestataire", "fr",
		    h, 3);
		for (i = 0; i < n && strcmp(guide_section_heading(g,
		    h[i].section), "Faire appel") != 0; i++)
			;
		CHECK(n > 0 && i == n, k ? "overlap: \"fait appel à\" "
		    "outweighs \"fait appel\" that follows it" : "overlap: "
		    "\"fait appel à\" outweighs \"fait appel\" that comes "
		    "first");
		CHECK(search_query(s, "on a fait appel à eux", "fr", h, 3) == 0,
		    "overlap: \"fait appel à eux\" asks nothing");
		CHECK_STR("Faire appel", best(g, s, "comment faire appel "
		    "auprès de la plateforme", "fr", NULL),
		    "overlap: \"faire appel\" alone is still an appeal");
		search_free(s);
		guide_free(g);
		lexicon_free(lx);
	}
}

/*
 * Expressions (lexicon terms in quotes, search.c query_expressions()):
 * every word counts, stopwords too, and the question words they cover
 * mean their concept only. "se fait passer pour" is impersonation, and
 * its "passer" no longer meets the "passe" of "mot de passe"; a click
 * the question says was not made ("si je clique pas") does not pull to
 * the section for those who clicked.
 */
static const char expr_account[] =
"# Récupérer un accès Facebook\n\nChangez le mot de passe Facebook depuis "
"un appareil sûr.\n";
static const char expr_fake[] =
"# Un faux profil\n\nQuelqu'un utilise votre nom et vos photos sur "
"Facebook : signalez le faux profil.\n";
static const char expr_phish[] =
"# Hameçonnage\n\n## Les signes d'un piège\n\nUn mail urgent menace de "
"fermer votre compte.\n\n## Si vous avez cliqué\n\nVous avez cliqué sur "
"le lien du mail : changez le mot de passe du compte.\n";
static const char expr_lexicon[] =
"[impersonation]\nfr: \"se faire passer pour\", \"se fait passer pour\", "
"faux profil, usurpation\n"
"[not-done weak]\nfr: \"pas cliqué\", \"cliqué pas\"\n";

static void
test_expressions(void)
{
	static const char *lexs[] = { "[impersonation]\nfr: faux profil, "
	    "usurpation\n", expr_lexicon };
	static const char *want[] = { "Récupérer un accès Facebook",
	    "Un faux profil" };
	static const char *pages[][2] = { { "account.fr.md", expr_account },
	    { "fake.fr.md", expr_fake }, { "phish.fr.md", expr_phish } };
	struct search_hit h[3];

	for (size_t k = 0; k < 2; k++) {
		struct lexicon *lx = lexicon_new();
		struct guide *g = guide_new();
		struct search *s;
		size_t n;

		CHECK(lexicon_load_buffer(lx, "expr.txt", lexs[k],
		    strlen(lexs[k])) >= 1, "expressions: lexicon loads");
		for (size_t j = 0; j < 3; j++)
			guide_load_buffer(g, pages[j][0], pages[j][1],
			    strlen(pages[j][1]), "fr");
		s = search_new_lex(g, lx);
		CHECK_STR(want[k], best(g, s, "quelqu'un se fait passer pour "
		    "moi sur facebook", "fr", NULL), k ? "expressions: \"se "
		    "fait passer pour\" is impersonation" : "expressions: "
		    "without one, \"passer\" meets \"mot de passe\"");
		CHECK_STR("Récupérer un accès Facebook", best(g, s, "j'ai "
		    "oublié le mot de passe de mon compte facebook", "fr",
		    NULL), "expressions: \"mot de passe\" still meets itself");
		/* Without the expression, and without the tense of "je
		 * clique" (ask.unacted, section_tense(): s18-fixph). */
		CHECK(search_tune_set("w_warn_acted", 1) == 0,
		    "expressions: tense weight off");
		n = search_query(s, "j'ai reçu un mail qui dit que mon compte "
		    "sera fermé si je clique pas", "fr", h, 3);
		CHECK(n > 0 && strcmp(guide_section_heading(g, h[0].section),
		    k ? "Les signes d'un piège" : "Si vous avez cliqué") == 0,
		    k ? "expressions: a click not made is not asked" :
		    "expressions: without one, \"clique pas\" meets "
		    "\"cliqué\"");
		CHECK(search_tune_set("w_warn_acted", 0.4) == 0,
		    "expressions: tense weight back");
		n = search_query(s, "j'ai reçu un mail qui dit que mon compte "
		    "sera fermé si je clique pas", "fr", h, 3);
		CHECK(n > 0 && strcmp(guide_section_heading(g, h[0].section),
		    "Les signes d'un piège") == 0, "expressions: \"je "
		    "clique\" asks before the click, with or without the "
		    "expression");
		search_free(s);
		guide_free(g);
		lexicon_free(lx);
	}
}

/*
 * The page prior (search.c): among the best hits, the page whose asks the
 * question reads like goes first. Three pages whose text matches the
 * question alike (the search's asks weights at 0, so that only the prior
 * tells them apart): the calls page's asks are about callers, the apps
 * page's about strange messages on a phone, the notes page has none (a
 * page an admin adds without asks: the neutral prior, between a page the
 * question reads like and one it does not).
 */
static const char prior_calls[] =
"# Calls\n\n<!-- asks:\nsomeone called pretending to be my bank\n"
"a caller asked for my code\nwho keeps ringing me at night\n-->\n\n"
"Note the message, the phone and anything strange first.\n";
static const char prior_apps[] =
"# Apps\n\n<!-- asks:\nmy phone shows strange pop-ups\n"
"an app sends messages by itself\nstrange things on my phone screen\n"
"-->\n\nNote the message, the phone and anything strange later.\n";
static const char prior_notes[] =
"# Notes\n\nNote the message, the phone and anything strange again.\n";

/*
 * The apps page with its asks three times over: asks added to a page move
 * its p(page) less with its counts scaled towards the mean page's
 * (nb_norm, s17-fixd: s16-asks3 found that adding asks to a page worked
 * against it) than without (nb_norm 0).
 */
static const char prior_apps3[] =
"# Apps\n\n<!-- asks:\nmy phone shows strange pop-ups\n"
"an app sends messages by itself\nstrange things on my phone screen\n"
"my phone shows strange pop-ups\n"
"an app sends messages by itself\nstrange things on my phone screen\n"
"my phone shows strange pop-ups\n"
"an app sends messages by itself\nstrange things on my phone screen\n"
"-->\n\nNote the message, the phone and anything strange later.\n";

/* p(page) of the apps page for q, its asks once (more 0) or thrice. */
static double
apps_p(int more, const char *q)
{
	struct guide *g = guide_new();
	struct search *s;
	struct search_hit h[3];
	double p = -1;
	size_t n;

	guide_load_buffer(g, "calls.en.md", prior_calls, strlen(prior_calls),
	    "en");
	guide_load_buffer(g, "apps.en.md", more ? prior_apps3 : prior_apps,
	    strlen(more ? prior_apps3 : prior_apps), "en");
	s = search_new(g);
	n = search_query(s, q, "en", h, 3);
	for (size_t k = 0; k < n; k++)
		if (strcmp(guide_section_heading(g, h[k].section), "Apps") == 0)
			p = h[k].page_p;
	search_free(s);
	guide_free(g);
	return p;
}

static void
test_prior_norm(void)
{
	static const char q[] = "a strange caller on my phone";
	double norm = -1, d0, d;

	(void)search_tune_get("nb_norm", &norm);
	d = fabs(apps_p(1, q) - apps_p(0, q));
	search_tune_set("nb_norm", 0);
	d0 = fabs(apps_p(1, q) - apps_p(0, q));
	search_tune_set("nb_norm", norm);
	CHECK(norm > 0 && d0 > 0 && d < d0, "prior norm: a page's asks "
	    "given three times move its p(page) less than without nb_norm");
}

static const char *
prior_order(const struct guide *g, const struct search *s, size_t max,
    char *out, size_t outsz)
{
	struct search_hit h[10];
	size_t n = search_query(s, "a strange message on my phone", "en", h,
	    max);

	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		size_t len;
		const char *st = guide_page_stem(g, h[i].page, &len);
		size_t used = strlen(out);

		(void)util_snprintf(out + used, outsz - used, "%s%.*s",
		    i ? " " : "", (int)len, st);
	}
	return out;
}

static void
test_prior(void)
{
	struct guide *g = guide_new();
	struct search *s;
	char order[256];
	double beta = -1, w_asks = -1, w_ask = -1;

	guide_load_buffer(g, "calls.en.md", prior_calls, strlen(prior_calls),
	    "en");
	guide_load_buffer(g, "apps.en.md", prior_apps, strlen(prior_apps),
	    "en");
	guide_load_buffer(g, "notes.en.md", prior_notes, strlen(prior_notes),
	    "en");
	CHECK(search_tune_get("nb_beta", &beta) == 0 && beta > 0,
	    "the page prior is on (nb_beta)");
	(void)search_tune_get("w_asks", &w_asks);
	(void)search_tune_get("w_ask", &w_ask);
	search_tune_set("w_asks", 0);
	search_tune_set("w_ask", 0);
	s = search_new(g);
	CHECK_STR("apps notes calls", prior_order(g, s, 3, order,
	    sizeof(order)), "a tie goes to the page whose asks the question "
	    "reads like; the page without asks is neutral");
	CHECK_STR("apps", prior_order(g, s, 1, order, sizeof(order)),
	    "the same first hit when one hit is asked for");
	CHECK_STR("apps notes calls", prior_order(g, s, 10, order,
	    sizeof(order)), "...or ten");
	{
		struct search_hit h[3];
		size_t n = search_query(s, "a strange message on my phone",
		    "en", h, 3);

		CHECK(n == 3 && fabs(h[1].prior - pow(0.5, beta)) < 1e-9 &&
		    h[0].prior > h[1].prior && h[2].prior < h[1].prior,
		    "the page without asks has the neutral prior, 1/2 of two "
		    "classes");
	}
	search_tune_set("nb_beta", 0);
	CHECK_STR("calls apps notes", prior_order(g, s, 3, order,
	    sizeof(order)), "nb_beta 0: the search's own order (a tie: "
	    "the first section)");
	search_free(s);
	/* Built without the prior (nb_beta 0), the index has none. */
	s = search_new(g);
	search_tune_set("nb_beta", beta);
	CHECK_STR("calls apps notes", prior_order(g, s, 3, order,
	    sizeof(order)), "an index built with nb_beta 0 has no prior");
	search_free(s);
	guide_free(g);
	/* A guide without asks (the DFAK pages) has no prior at all. */
	g = guide_new();
	guide_load_buffer(g, "notes.en.md", prior_notes, strlen(prior_notes),
	    "en");
	guide_load_buffer(g, "more.en.md", prior_notes, strlen(prior_notes),
	    "en");
	s = search_new(g);
	{
		struct search_hit h[3];
		size_t n = search_query(s, "a strange message on my phone",
		    "en", h, 3);

		CHECK(n == 2 && h[0].prior == 1 && h[1].prior == 1,
		    "a guide without asks: no prior");
	}
	search_free(s);
	search_tune_set("w_asks", w_asks);
	search_tune_set("w_ask", w_ask);
	guide_free(g);
}

/*
 * A first hit the page prior put there gets the sibling rules too
 * (hits_within_page() again after hits_prior()). The market page wins on
 * the question's words, but its asks are about stalls; the prior puts the
 * lost-devices page first, whose best section by score is "Stolen phones"
 * (its heading), while "Wipe it from afar", near it, covers clearly more
 * of the question: the search's own first hit would have got it, and now
 * the prior's does.
 */
static const char moved_lost[] =
"---\ntitle: Lost devices\n---\n"
"# Lost devices\n\n<!-- asks:\nmy phone was stolen what now\n"
"a thief took my mobile\nsomeone stole my phone on the bus\n-->\n\n"
"Something about losing things and staying calm.\n\n"
"## Stolen phones\n\nThieves take phones on buses and in markets. Stay "
"calm and write down what happened.\n\n"
"## Wipe it from afar\n\nIf your phone is gone, you can wipe it remotely "
"from your account, and lock it so that nobody reads your messages.\n\n"
"## Your SIM card\n\nCall your provider to block the SIM card.\n";
static const char moved_market[] =
"# Market stalls and stolen phones\n\n<!-- asks:\nwhere do i rent a "
"stall\nwhat does a stall cost\nopening hours of the market\n-->\n\n"
"Stalls wipe a stolen phone remotely.\n";

static void
test_prior_siblings(void)
{
	struct guide *g = guide_new();
	struct search *s;
	struct search_hit h[3];
	double w_asks = -1, w_ask = -1, w_own = -1;
	size_t n;

	guide_load_buffer(g, "lost.en.md", moved_lost, strlen(moved_lost),
	    "en");
	guide_load_buffer(g, "market.en.md", moved_market,
	    strlen(moved_market), "en");
	/* The asks feed the prior only, as in test_prior(). */
	(void)search_tune_get("w_asks", &w_asks);
	(void)search_tune_get("w_ask", &w_ask);
	(void)search_tune_get("w_ask_own", &w_own);
	search_tune_set("w_asks", 0);
	search_tune_set("w_ask", 0);
	search_tune_set("w_ask_own", 0);
	s = search_new(g);
	n = search_query(s, "my phone was stolen, how do i wipe it remotely",
	    "en", h, 3);
	CHECK(n == 3 && h[0].prior_moved && strcmp(guide_section_heading(g,
	    h[0].section), "Wipe it from afar") == 0 &&
	    strcmp(guide_section_heading(g, h[2].section), "Stolen phones") ==
	    0, "the prior moved the lost-devices page first: its sibling "
	    "covering more of the question goes first, as it would for the "
	    "search's own first hit");
	search_free(s);
	search_tune_set("w_asks", w_asks);
	search_tune_set("w_ask", w_ask);
	search_tune_set("w_ask_own", w_own);
	guide_free(g);
}

/*
 * The page prior in the decision (search.c: prior_decide()): the search
 * puts the router page first on the question's words (wifi, password),
 * far enough ahead that the prior does not reorder it, but the question
 * reads like the scam page's asks (a caller asking for a password). A
 * first hit whose page the prior puts behind another is not a confident
 * answer at a bar its score passes: the person chooses. A question that
 * reads like the router page's own asks is answered, and so is one whose
 * first hit is on a page without asks (the prior knows nothing of it).
 */
static const char veto_router[] =
"# Router\n\n<!-- asks:\nhow do i change the wifi password of my router\n"
"the box lights blink red\nreset the router to its factory settings\n"
"-->\n\n## Change the wifi password\n\n"
"Open the router page in a browser, then change the wifi password "
"there: a long one.\n\n## Lights\n\nRed lights mean no line.\n";
static const char veto_scams[] =
"# Scams\n\n<!-- asks:\na caller asked me for a code\n"
"someone on the phone asked for my password\n"
"a caller pretending to be my bank wanted a code\n"
"they called and asked me to read a code\n-->\n\n"
"Hang up, then call back on a number you know.\n";
static const char veto_modem[] =
"# Modem\n\n## Change the wifi password\n\n"
"Open the modem page in a browser, then change the wifi password "
"there: a long one.\n";

static void
test_prior_decide(void)
{
	const char *q = "a caller asked me to change the wifi password";
	struct guide *g = guide_new();
	struct search *s;
	struct search_hit h[3];
	double bar = -1, min;
	size_t n;

	guide_load_buffer(g, "router.en.md", veto_router, strlen(veto_router),
	    "en");
	guide_load_buffer(g, "scams.en.md", veto_scams, strlen(veto_scams),
	    "en");
	s = search_new(g);
	n = search_query(s, q, "en", h, 3);
	CHECK(n >= 2 && strcmp(guide_section_heading(g, h[0].section),
	    "Change the wifi password") == 0 && !h[0].prior_moved,
	    "the router section first, where the search put it");
	CHECK(n >= 1 && h[0].page_p >= 0 && h[0].page_p < h[0].page_rival,
	    "...its page behind another in the prior (the scam page's asks)");
	/* A bar the first hit passes, but not raised by nb_doubt_bar. */
	CHECK(search_tune_get("nb_doubt_bar", &bar) == 0 && bar > 1,
	    "the prior raises the bar of a contested page");
	min = n > 0 ? h[0].score / (1 + bar) * 2 : 1;
	CHECK_INT(SEARCH_CHOICES, search_decide(h, n, min),
	    "the prior contradicts the first hit's page: choices, not an "
	    "answer");
	CHECK_INT(SEARCH_PRIOR_DOUBTED, search_prior_effect(h, n, min),
	    "...and --explain can say the prior did it");
	search_tune_set("nb_doubt_bar", 1);
	CHECK_INT(SEARCH_ANSWER, search_decide(h, n, min),
	    "without the prior in the decision (nb_doubt_bar 1): an answer");
	search_tune_set("nb_doubt_bar", bar);
	n = search_query(s, "how do i change the wifi password of the router",
	    "en", h, 3);
	CHECK(n >= 1 && h[0].page_p > h[0].page_rival,
	    "a question like the router's asks: the prior backs its page");
	CHECK_INT(SEARCH_ANSWER, search_decide(h, n, min),
	    "...an answer at the same bar");
	CHECK_INT(SEARCH_PRIOR_KEPT, search_prior_effect(h, n, min),
	    "...the prior kept the first hit");
	search_free(s);
	guide_free(g);
	/* The same router section on a page without asks: neutral. */
	g = guide_new();
	guide_load_buffer(g, "modem.en.md", veto_modem, strlen(veto_modem),
	    "en");
	guide_load_buffer(g, "scams.en.md", veto_scams, strlen(veto_scams),
	    "en");
	s = search_new(g);
	n = search_query(s, q, "en", h, 3);
	CHECK(n >= 1 && strcmp(guide_section_heading(g, h[0].section),
	    "Change the wifi password") == 0 && h[0].page_p < 0,
	    "a first hit on a page without asks: no p(page) for it");
	CHECK_INT(SEARCH_ANSWER, search_decide(h, n, min),
	    "...it stays an answer, whatever the other page's asks");
	search_free(s);
	guide_free(g);
}

/*
 * A question with one hit: nothing for the prior to reorder, but the
 * decision still reads its page's p(page) (search.h: search_hit.page_p is
 * -1 only for a page without asks or a question with no prior). The
 * question's words are in the router's one section and in no page's
 * asks: the prior, knowing none of them, leans to the page with fewer
 * asks (the scam page), and doubts the router's as it would the first
 * of many hits.
 */
static const char one_router[] =
"# Router\n\n<!-- asks:\nhow do i change the wifi password of my router\n"
"the box lights blink red\nreset the router to its factory settings\n"
"my internet connection keeps dropping at night\n"
"the modem shows an error after an update\n"
"how do i hide the name of my network\n"
"-->\n\nOpen the router page in a browser, then change the wifi "
"password there: a long one.\n";

static void
test_prior_one_hit(void)
{
	const char *q = "open it in a browser";
	struct guide *g = guide_new();
	struct search *s;
	struct search_hit h[3];
	double bar = -1, doubt = -1, min;
	size_t n;

	guide_load_buffer(g, "router.en.md", one_router, strlen(one_router),
	    "en");
	guide_load_buffer(g, "scams.en.md", veto_scams, strlen(veto_scams),
	    "en");
	s = search_new(g);
	n = search_query(s, q, "en", h, 3);
	CHECK_INT(1, n, "one hit: the router's section");
	CHECK(search_tune_get("nb_doubt", &doubt) == 0 &&
	    search_tune_get("nb_doubt_bar", &bar) == 0 && bar > 1,
	    "nb_doubt and nb_doubt_bar read back");
	CHECK(n == 1 && h[0].page_p >= 0 && h[0].page_rival >= 0 &&
	    h[0].page_p - h[0].page_rival < doubt,
	    "...its page's p(page) is known, and leads by less than nb_doubt");
	min = n > 0 ? h[0].score / (1 + bar) * 2 : 1;
	CHECK_INT(SEARCH_CHOICES, search_decide(h, n, min),
	    "...so one hit is doubted as the first of many is: choices");
	search_tune_set("nb_doubt_bar", 1);
	CHECK_INT(SEARCH_ANSWER, search_decide(h, n, min),
	    "...an answer at that bar without the doubt (nb_doubt_bar 1)");
	search_tune_set("nb_doubt_bar", bar);
	search_free(s);
	guide_free(g);
}

/*
 * Not-asks (guide.h): questions near a page's subject, sharing its words,
 * that the page says it does not answer. A question that shares words
 * with the page but reads like one of its not-asks gets no confident
 * answer from it; the same page without its not-asks block answers it;
 * and a question the page does answer still gets its answer with the
 * block there.
 */
static const char notasks_head[] =
"---\ntitle: Backups\n---\n"
"# Backups\n\n"
"<!-- asks:\nhow do i back up my phone\n"
"where should i keep a copy of my photos\n-->\n\n";
static const char notasks_block[] =
"<!-- not-asks:\nhow do i move my photos from my old phone to a new phone\n"
"can i get back photos i deleted last year\n-->\n\n";
static const char notasks_body[] =
"Keep copies of what matters in two places, and check them.\n\n"
"## Back up the photos of a phone\n\n"
"<!-- asks:\nhow do i save the photos on my phone\n-->\n\n"
"Copy the photos and contacts of the phone to a computer or to an "
"encrypted drive once a week, and check that the copy opens. Move the "
"old copies to the drive; a new phone can start from the last one.\n\n"
"## Keep the copies safe\n\n"
"Put one copy on an encrypted drive at home and one with a person you "
"trust.\n";

static struct search *
notasks_guide(struct guide **g, int with_block)
{
	struct buf page;

	buf_init(&page);
	buf_adds(&page, notasks_head);
	if (with_block)
		buf_adds(&page, notasks_block);
	buf_adds(&page, notasks_body);
	*g = guide_new();
	guide_load_buffer(*g, "backups.en.md", page.s, page.len, "en");
	buf_release(&page);
	return search_new(*g);
}

/*
 * A hit that nothing marks as being about the question (no heading word
 * shared, no title topic: hit_about()) answers only on how much of the
 * question its words cover. Then its page's not-ask refuses it when it
 * reads about as much like the question as the page's best ask
 * (not_aside, s11-unc): "quel plugin de securite installer sur notre site
 * wordpress" met a section on what breaks a site, aside, whose page's
 * not-asks on ordinary WordPress use read as much like it as its asks. A
 * hit whose heading shares a word with the question still needs a
 * not-ask clearly closer than any ask (not_margin).
 */
static void
test_notasks_aside(void)
{
	struct search_hit h[1];

	h[0] = mkhit(2.0, 0.7, 1, 5, 4);
	h[0].notask = 0.46;
	h[0].notask_id = 0;
	h[0].page_ask = 0.48;
	CHECK_INT(SEARCH_ANSWER, search_decide(h, 1, 0.8), "a not-ask as "
	    "like the question as the best ask: the section whose heading "
	    "shares its words answers");
	h[0].heading = 0;
	CHECK(search_decide(h, 1, 0.8) != SEARCH_ANSWER, "...an aside "
	    "section of that page (covering 0.7 of the question) does not");
	h[0].notask = 0.3;
	CHECK_INT(SEARCH_ANSWER, search_decide(h, 1, 0.8), "...unless the "
	    "not-ask reads clearly less like it than the best ask");
	h[0].notask = 0.46;
	h[0].title_topics = 1;
	CHECK_INT(SEARCH_ANSWER, search_decide(h, 1, 0.8), "...or its "
	    "page's title names a topic of the question");
}

static void
test_notasks(void)
{
	const char *moved = "how do i move the photos of my old phone to "
	    "my new phone";
	const char *covered = "how do i back up the photos on my phone";
	struct guide *g;
	struct search *s;
	struct search_hit h[3];
	const char *a;
	double floor = -1, margin = -1, before = -1;
	size_t n, len;

	CHECK(search_tune_get("not_floor", &floor) == 0 && floor > 0 &&
	    search_tune_get("not_margin", &margin) == 0 && margin >= 0,
	    "not-asks refuse (not_floor, not_margin)");
	s = notasks_guide(&g, 0);
	n = search_query(s, moved, "en", h, 3);
	CHECK(n > 0 && search_decide(h, n, SEARCH_DEFAULT_MIN_SCORE) ==
	    SEARCH_ANSWER && h[0].notask_id == -1, "without not-asks, a "
	    "question on moving photos is answered by the backups page");
	before = n > 0 ? h[0].score : -1;
	search_free(s);
	guide_free(g);

	s = notasks_guide(&g, 1);
	CHECK(strstr(guide_page_notasks(g, 0), "can i get back photos") !=
	    NULL && strstr(guide_page_asks(g, 0), "move my photos") == NULL,
	    "the not-asks block is the page's, apart from its asks");
	n = search_query(s, moved, "en", h, 3);
	CHECK(n > 0 && h[0].score == before, "not-asks change no score (a "
	    "vocabulary of their own)");
	CHECK(n > 0 && h[0].notask > h[0].page_ask + margin &&
	    h[0].notask >= floor, "with them, it reads more like a not-ask "
	    "than like any ask of the page");
	CHECK(n > 0 && search_decide(h, n, SEARCH_DEFAULT_MIN_SCORE) !=
	    SEARCH_ANSWER, "...so the page does not answer it");
	a = n > 0 ? search_hit_notask(s, &h[0], &len) : NULL;
	CHECK(a != NULL && len == strlen("how do i move my photos from my "
	    "old phone to a new phone") && strncmp(a, "how do i move", 13) ==
	    0, "...and the not-ask that refused it is named (--explain)");
	n = search_query(s, covered, "en", h, 3);
	CHECK(n > 0 && search_decide(h, n, SEARCH_DEFAULT_MIN_SCORE) ==
	    SEARCH_ANSWER && strcmp(guide_section_heading(g, h[0].section),
	    "Back up the photos of a phone") == 0 &&
	    search_hit_notask(s, &h[0], &len) == NULL, "a question the page "
	    "answers is still answered, by its section");
	/* A margin no not-ask can win by: they refuse nothing. */
	search_tune_set("not_margin", 1.0);
	n = search_query(s, moved, "en", h, 3);
	CHECK(n > 0 && search_decide(h, n, SEARCH_DEFAULT_MIN_SCORE) ==
	    SEARCH_ANSWER, "not_margin 1: answered again");
	search_tune_set("not_margin", margin);
	search_free(s);
	guide_free(g);
	test_notasks_aside();
}

/*
 * A subject term inside a longer term of another concept (query_subjects()):
 * "recovery phone" is an account's way back in. The question is still
 * about a device, but a section that carries the longer term's concept
 * ([recovery]) is not off it. Without the rule the account page is off
 * the question's subject and never an answer; with it the account page
 * answers. A phone named alone brings no such concept: the stolen phone
 * is answered by the phone page, the account page off its subject.
 */
static const char subjspan_lexicon[] =
"[device subject]\nen: phone, device\n"
"[account subject]\nen: account\n"
"[recovery]\nen: recovery, recovery phone\n"
"[stolen]\nen: stolen, stole\n";

static const char subjspan_account[] =
"---\ntitle: Get your account back\n---\n"
"# Get your account back\n\nIf someone took over your account, sign in "
"from a safe computer and open the recovery form. Check the recovery phone "
"and the recovery email it lists: an intruder changes them first. Then "
"change the password and sign every other session out.\n";

static const char subjspan_phone[] =
"---\ntitle: A stolen phone\n---\n"
"# If your phone was stolen\n\nLock the stolen phone from another "
"device, then ask your provider to block its SIM card.\n";

static void
test_subject_span(void)
{
	struct lexicon *lx = lexicon_new();
	struct guide *g = guide_new();
	struct search *s;
	struct search_hit h[3];
	size_t n;

	CHECK(lexicon_load_buffer(lx, "subjspan.txt", subjspan_lexicon,
	    strlen(subjspan_lexicon)) == 4, "subject span lexicon loads");
	guide_load_buffer(g, "account.en.md", subjspan_account,
	    strlen(subjspan_account), "en");
	guide_load_buffer(g, "phone.en.md", subjspan_phone,
	    strlen(subjspan_phone), "en");
	s = search_new_lex(g, lx);
	n = search_query(s, "they changed the recovery phone and the "
	    "password", "en", h, 3);
	CHECK(n > 0 && strcmp(guide_section_heading(g, h[0].section),
	    "Get your account back") == 0 && !h[0].off_subject &&
	    search_decide(h, n, SEARCH_DEFAULT_MIN_SCORE) == SEARCH_ANSWER,
	    "recovery phone changed: the account page, on the question's "
	    "subject, answers");
	n = search_query(s, "my phone was stolen", "en", h, 3);
	CHECK(n > 0 && strcmp(guide_section_heading(g, h[0].section),
	    "If your phone was stolen") == 0 && search_decide(h, n,
	    SEARCH_DEFAULT_MIN_SCORE) == SEARCH_ANSWER, "phone stolen: the "
	    "phone page answers");
	for (size_t k = 0; k < n; k++)
		if (strcmp(guide_section_heading(g, h[k].section),
		    "Get your account back") == 0)
			CHECK(h[k].off_subject, "...and the account page is "
			    "off its subject (a device)");
	/* However many subject terms come first, a later one is still the
	 * question's subject (query_concept(); the spans query_subjects()
	 * reads are capped at QSPAN_MAX): a pasted text that says "account"
	 * 40 times, then the stolen phone. */
	{
		char q[512] = "";
		size_t at;

		for (int i = 0; i < 40; i++)
			(void)strncat(q, "account ", sizeof(q) - strlen(q) - 1);
		(void)strncat(q, "my phone was stolen",
		    sizeof(q) - strlen(q) - 1);
		n = search_query(s, q, "en", h, 3);
		for (at = 0; at < n; at++)
			if (strcmp(guide_section_heading(g, h[at].section),
			    "If your phone was stolen") == 0)
				break;
		CHECK(at < n && !h[at].off_subject, "40 x 'account', then "
		    "a stolen phone: the phone page is on the question's "
		    "subject");
	}
	search_free(s);
	guide_free(g);
	lexicon_free(lx);
}

/*
 * What a section is indexed with (docs/design.md, "How a section is
 * indexed"): an empty parent shows its first sub-section's text, but
 * that text is the sub-section's, indexed there; the parent is found by
 * its heading. And a body shorter than its language's mean is not more
 * about a word than one of the mean's length (bm25_mindl): a one-line
 * section does not outrank a fuller one for the same single mention.
 */
static const char index_page[] =
"---\ntitle: Lost phones\n---\n"
"# Lost phones\n\nWhat to do when a phone goes missing, and who can help "
"you with the next steps afterwards.\n\n"
"## First steps\n\n"
"### Wipe it from afar\n\nErase the quokkaphone from another device: "
"sign in to the vendor's site and choose erase.\n\n"
"### Tell your contacts\n\nWarn the people in your address book that "
"messages from the old number may not be yours.\n\n"
"## Short note\n\nA wallaby.\n\n"
"## Longer note\n\nIf you travel, a wallaby sticker on the case helps "
"the office.\n\n"
"## Long story\n\nPhones are lost on buses, in taxis and at "
"airports more than anywhere else, and most come back within a day when "
"the owner's name and a second number are written on the case or shown "
"on the locked screen, so write them there before you travel, and keep "
"a note of the serial number at home with the receipt and the box.\n";

static void
test_index_fields(void)
{
	struct guide *g = guide_new();
	struct search *s;
	struct search_hit h[5];
	/* The page's sections in order: the title's, "First steps" (the
	 * parent), "Wipe it from afar", "Tell your contacts", "Short note",
	 * "Longer note", "Long story". */
	const long parent = 1, child = 2, shortn = 4, longern = 5;
	size_t n, k;
	double ps = 0, sshort = 0, slonger = 0;

	guide_load_buffer(g, "lost.en.md", index_page, strlen(index_page),
	    "en");
	CHECK(guide_nsections(g) == 7 && strcmp(guide_section_heading(g,
	    parent), "First steps") == 0 && strcmp(guide_section_heading(g,
	    longern), "Longer note") == 0 && guide_section_borrowed(g,
	    (size_t)parent) && !guide_section_borrowed(g, (size_t)child) &&
	    strcmp(guide_section_text(g, (size_t)parent),
	    guide_section_text(g, (size_t)child)) == 0,
	    "the empty parent shows its first sub-section's text (borrowed)");
	s = search_new(g);
	n = search_query(s, "quokkaphone", "en", h, 5);
	for (k = 0; k < n; k++)
		if ((long)h[k].section == parent)
			ps = h[k].score;
	CHECK(n >= 1 && (long)h[0].section == child && ps < h[0].score,
	    "a word of the borrowed text finds the sub-section, not its "
	    "parent ahead of it");
	n = search_query(s, "first steps", "en", h, 5);
	CHECK(n >= 1 && (long)h[0].section == parent,
	    "the parent is found by its own heading");
	n = search_query(s, "wallaby", "en", h, 5);
	for (k = 0; k < n; k++) {
		if ((long)h[k].section == shortn)
			sshort = h[k].score;
		if ((long)h[k].section == longern)
			slonger = h[k].score;
	}
	CHECK(sshort > 0 && slonger > 0 && fabs(sshort - slonger) <
	    1e-6 * sshort, "one mention in a one-line body and in a fuller "
	    "one under the mean length: the same score");
	search_free(s);
	guide_free(g);
}

/*
 * A borrowed parent's subjects (section_subjects()): its body is not
 * indexed, but the text it shows is its lender's, so it is about what that
 * text names. "Updates" over "On a phone" is about a device, and a
 * question about a website's updates is off its subject.
 */
static const char borrowsubj_lexicon[] =
"[device subject]\nen: phone, device\n"
"[website subject]\nen: website, site\n";

static const char borrowsubj_updates[] =
"# Updates\n\n## On a phone\n\nInstall your phone's updates as soon as "
"they come: open the settings, find the software update entry, and let "
"the phone restart. An old phone that gets no updates any more is worth "
"replacing.\n";

/* Whether q's hit on section sec is off its subject; -1: no such hit. */
static int
off_subject_of(struct search *s, const char *q, size_t sec)
{
	struct search_hit h[3];
	size_t n = search_query(s, q, "en", h, 3);

	for (size_t k = 0; k < n; k++)
		if (h[k].section == sec)
			return h[k].off_subject != 0;
	return -1;
}

static void
test_borrowed_subjects(void)
{
	struct lexicon *lx = lexicon_new();
	struct guide *g = guide_new();
	struct search *s;

	CHECK(lexicon_load_buffer(lx, "borrowsubj.txt", borrowsubj_lexicon,
	    strlen(borrowsubj_lexicon)) == 2, "borrowed subjects lexicon "
	    "loads");
	guide_load_buffer(g, "updates.en.md", borrowsubj_updates,
	    strlen(borrowsubj_updates), "en");
	guide_load_buffer(g, "account.en.md", subjspan_account,
	    strlen(subjspan_account), "en");
	CHECK(guide_nsections(g) == 3 && guide_section_borrowed(g, 0),
	    "the empty \"Updates\" borrows its sub-section's text");
	s = search_new_lex(g, lx);
	CHECK_INT(1, off_subject_of(s, "updates for my website", 0),
	    "a website's updates: the borrowed parent is off the question's "
	    "subject (a device, from its lender's text)");
	CHECK_INT(0, off_subject_of(s, "updates for my phone", 0),
	    "a phone's updates: on its subject");
	search_free(s);
	guide_free(g);
	lexicon_free(lx);
}

/*
 * The ranking constants a measurement varies (search_tune.h,
 * bench/rank_eval): every name reads back, a bad name is refused, a value
 * set changes the next query's ranking, and the default set back restores
 * it (rank_eval puts every constant back to its default between two
 * settings).
 */
/*
 * A question that reads word for word like a section's own ask
 * (search.c: hits_exact()): a help desk's page of its own, added to the
 * shipped guide, whose "Opening hours" section has the ask "when are you
 * open". Its one content word, "open", is all over the phishing page
 * ("If you opened an attachment..."), whose sections outscore it; the
 * rule puts the section first and answers it. Asks that only share the
 * question's content words, or a second section with the same ask, do
 * not.
 */
/* "when is it open": no word that addresses the bot (lang/ [you]), which
 * names the shipped this-desk page too; this is the exact rule alone. "when
 * are you open" is its "you" form (s13-ux3): the desk's own page answers it
 * all the same. */
static const char exact_hours[] =
"# Our help desk\n\n<!-- asks:\nhow do i reach you\n-->\n\n"
"We are a small team of volunteers.\n\n"
"## Opening hours\n\n<!-- asks:\nwhen is it open\nwhen are you open\n"
"what are your hours\n-->\n\n"
"We answer from 9:00 to 18:00, Monday to Friday.\n\n"
"## Contact\n\n<!-- asks:\nhow can i contact a person\n-->\n\n"
"Write to us on Signal or by email.\n";
static const char exact_other[] =
"# Our office\n\n## The office\n\n<!-- asks:\nwhen is it open\n-->"
"\n\nThe office is on the second floor.\n";

static int
exact_first(const struct guide *g, const struct search *s, const char *q,
    struct search_decision *d)
{
	struct search_hit h[5];
	size_t n = search_query(s, q, "en", h, 5);

	(void)search_decide_why(h, n, SEARCH_DEFAULT_MIN_SCORE, d);
	return n > 0 && strcmp(guide_section_heading(g, h[0].section),
	    "Opening hours") == 0 && h[0].exact;
}

/* 1 if q's answer is the "Opening hours" section (exact or not). */
static int
you_first(const struct guide *g, const struct search *s, const char *q)
{
	struct search_hit h[5];
	size_t n = search_query(s, q, "en", h, 5);

	return n > 0 && strcmp(guide_section_heading(g, h[0].section),
	    "Opening hours") == 0 && search_decide(h, n,
	    SEARCH_DEFAULT_MIN_SCORE) == SEARCH_ANSWER;
}

static void
test_exact(void)
{
	const char *top = getenv("TOP_SRCDIR");
	char replies[1024];
	struct lexicon *lx = lexicon_new();
	struct guide *g = guide_new();
	struct search *s;
	struct search_hit h[5], x;
	struct search_decision d;
	double exact = -1, norm = -1;
	size_t n;

	(void)util_snprintf(replies, sizeof(replies), "%s/replies",
	    top ? top : ".");
	CHECK(lexicon_load_dir(lx, replies) > 0 &&
	    guide_load_dir(g, replies, "en") > 0 && guide_load_buffer(g,
	    "hours.en.md", exact_hours, strlen(exact_hours), "en") == 0,
	    "the shipped guide and a desk's own page");
	s = search_new_lex(g, lx);
	CHECK(search_tune_get("exact_ask", &exact) == 0 && exact >= 0.85 &&
	    exact < 1, "exact_ask reads back, near 0.9");
	/* Before the rule, and before nb_norm (whose prior, since
	 * s17-fixd, puts the one-ask page first for this question). */
	(void)search_tune_get("nb_norm", &norm);
	search_tune_set("exact_ask", 0);
	search_tune_set("nb_norm", 0);
	n = search_query(s, "when is it open", "en", h, 5);
	CHECK(n > 1 && strcmp(guide_section_heading(g, h[0].section),
	    "Opening hours") != 0 && h[0].score > h[1].score && !h[0].exact,
	    "exact_ask 0 (before the rule): sections that say \"open\" "
	    "outscore the one whose ask is the question");
	search_tune_set("exact_ask", exact);
	search_tune_set("nb_norm", norm);
	CHECK(exact_first(g, s, "when is it open", &d) &&
	    d.outcome == SEARCH_ANSWER && d.exact && d.refused == NULL &&
	    !d.forbade && !d.vouched && !d.doubted, "with it, that section "
	    "goes first and answers; the record says why (exact, no prior)");
	CHECK(exact_first(g, s, "When is it OPEN?", &d) &&
	    d.outcome == SEARCH_ANSWER, "...whatever the case and "
	    "punctuation");
	CHECK(!exact_first(g, s, "can i open it", &d), "a question that "
	    "shares only its content word is not that ask");
	CHECK(you_first(g, s, "when are you open"), "its \"you\" form, "
	    "which names the shipped desk page too: the desk's own section "
	    "answers");
	CHECK(you_first(g, s, "What are your hours?"), "...and \"your\"");
	/* Without the page prior a caller's max is the list's length: the
	 * section stays in a list of one, whatever outscores it. */
	{
		double beta = -1;

		CHECK_INT(0, search_tune_get("nb_beta", &beta), "nb_beta");
		search_tune_set("nb_beta", 0);
		n = search_query(s, "when is it open", "en", h, 1);
		CHECK(n == 1 && h[0].exact, "a list of one keeps it");
		search_tune_set("nb_beta", beta);
	}
	search_free(s);
	guide_load_buffer(g, "office.en.md", exact_other,
	    strlen(exact_other), "en");
	s = search_new_lex(g, lx);
	n = search_query(s, "when is it open", "en", h, 5);
	CHECK(n > 0 && !h[0].exact && !h[1].exact, "another section's ask "
	    "reads as much like it: no section is the exact one");
	search_free(s);
	guide_free(g);
	lexicon_free(lx);

	/* What refuses it (answer_refused()): only its subject and a not-ask
	 * of its page; not the bar, a thin lead nor the page prior. */
	x = mkhit(0.5, 1, 1, 2, 2);
	x.exact = 1;
	x.page_p = 0.1;
	x.page_rival = 0.8;
	x.prior_moved = 1;
	CHECK(search_decide_why(&x, 1, 0.8, &d) == SEARCH_ANSWER &&
	    d.exact && d.refused == NULL && !d.forbade, "under the bar, the "
	    "prior against it: an exact ask still answers");
	x.off_subject = 1;
	CHECK(search_decide_why(&x, 1, 0.8, &d) != SEARCH_ANSWER &&
	    d.refused != NULL && strstr(d.refused, "subject") != NULL,
	    "off the question's subject: refused, and the record says so");
	x.off_subject = 0;
	x.notask = 0.9;
	x.notask_id = 0;
	x.page_ask = 0.3;
	x.heading = 1;
	CHECK(search_decide_why(&x, 1, 0.8, &d) != SEARCH_ANSWER &&
	    d.refused != NULL && strstr(d.refused, "not-ask") != NULL,
	    "a not-ask of its page refuses it");
}

static void
test_tune(void)
{
	struct guide *g = guide_new();
	struct search *s;
	struct search_hit h[3];
	const char *name;
	double v, cover = -1;
	size_t i, n;
	int bad = 0;

	for (i = 0; (name = search_tune_name(i)) != NULL; i++)
		bad += search_tune_get(name, &v) != 0 || v < 0;
	CHECK(i >= 20 && bad == 0, "every ranking constant reads back");
	CHECK_INT(-1, search_tune_get("w_nothing", &v), "unknown name: get");
	CHECK_INT(-1, search_tune_set("w_nothing", 1), "unknown name: set");
	CHECK(search_tune_get("sibling_cover", &cover) == 0 && cover > 0 &&
	    cover < 1, "sibling_cover is a share of the question");
	guide_load_buffer(g, "lost.en.md", siblings_lost,
	    strlen(siblings_lost), "en");
	s = search_new(g);
	CHECK_INT(0, search_tune_set("sibling_cover", 1.0),
	    "sibling_cover set to 1");
	n = search_query(s, "my phone was stolen, how do i wipe it remotely",
	    "en", h, 3);
	CHECK(n >= 2 && strcmp(guide_section_heading(g, h[0].section),
	    "Stolen phones") == 0, "no sibling covers a whole question more: "
	    "the better score stays first");
	CHECK_INT(0, search_tune_set("sibling_cover", cover),
	    "sibling_cover back to its default");
	n = search_query(s, "my phone was stolen, how do i wipe it remotely",
	    "en", h, 3);
	CHECK(n >= 2 && strcmp(guide_section_heading(g, h[0].section),
	    "Wipe it from afar") == 0, "the default back: the sibling "
	    "covering more goes first again");
	search_free(s);
	guide_free(g);
}

/*
 * The two branches of one workflow step (search.c: hits_branch()): their
 * headings differ only by a negation ("still" / "no longer"), which the
 * search drops with the stopwords, and the question's words mostly meet
 * the fuller branch's text. A question that says access is lost ("i cant
 * log in anymore", "je peux plus me connecter") is in the negative
 * branch: it goes first with the score the other one had; a question
 * without such a word keeps the order of the words.
 */
static const char branch_page[] =
"# Taken-over account\n\nWhat to do when someone else uses your "
"account.\n\n## First steps\n\n"
"### If you still have access to the account\n\n"
"Change the password at once, log out every other session, check the "
"recovery email and phone number, and turn on two-step login.\n\n"
"### If you no longer have access to the account\n\n"
"Fill in the provider's recovery form from a device you trust.\n\n"
"## Keep an eye on it\n\nWatch the account's activity for a month.\n";
static const char branch_page_fr[] =
"# Compte détourné\n\nQue faire quand quelqu'un utilise votre "
"compte.\n\n## Premiers gestes\n\n"
"### Si vous avez toujours accès au compte\n\n"
"Changez le mot de passe tout de suite, déconnectez les autres sessions, "
"vérifiez l'adresse et le numéro de récupération.\n\n"
"### Si vous n'avez plus accès au compte\n\n"
"Remplissez le formulaire de récupération du service.\n";

static const char branch_other[] =
"# Taken-over mailbox\n\nWhat to do when someone else reads your "
"mail.\n\n## First steps\n\n"
"### If you still have access to the mailbox\n\n"
"Log out every other session and turn on two-step login.\n\n"
"### If you no longer have access to the mailbox\n\n"
"Ask the provider to reset the password, and change the password of "
"every account that shared it.\n";

/* Runs q with the branch rule and without it: the first hit's heading
 * must be with, then without, and the score at the top the same. */
static void
branch_check(const struct guide *g, const struct search *s, const char *q,
    const char *with, const char *without, const char *what)
{
	struct search_hit h[3], h0[3];
	size_t n, n0;

	n = search_query(s, q, "en", h, 3);
	CHECK(search_tune_set("w_branch", 0) == 0, "w_branch set");
	n0 = search_query(s, q, "en", h0, 3);
	CHECK(search_tune_set("w_branch", 1) == 0, "w_branch back");
	CHECK(n >= 1 && strcmp(guide_section_heading(g, h[0].section),
	    with) == 0, what);
	CHECK(n0 >= 1 && strcmp(guide_section_heading(g, h0[0].section),
	    without) == 0, "...and without the rule the other branch");
	CHECK(n >= 1 && n0 >= 1 && h[0].score == h0[0].score,
	    "...scoring what the first hit scores with the rule");
}

/* Whether q's first hit (in lang) has heading want. */
static int
first_heading(const struct guide *g, const struct search *s, const char *q,
    const char *lang, const char *want)
{
	struct search_hit h[3];
	size_t n = search_query(s, q, lang, h, 3);

	return n >= 1 && strcmp(guide_section_heading(g, h[0].section),
	    want) == 0;
}

static void
test_branch(void)
{
	struct guide *g = guide_new();
	struct search *s;

	guide_load_buffer(g, "taken.en.md", branch_page,
	    strlen(branch_page), "en");
	guide_load_buffer(g, "detourne.fr.md", branch_page_fr,
	    strlen(branch_page_fr), "fr");
	s = search_new(g);
	branch_check(g, s, "someone changed my password and i cant log in "
	    "anymore", "If you no longer have access to the account",
	    "If you still have access to the account",
	    "\"cant log in anymore\": the branch without access first");
	CHECK(first_heading(g, s, "someone changed my password, what do i "
	    "do now", "en", "If you still have access to the account"),
	    "no loss word, the first hit the positive branch: it stays");
	CHECK(first_heading(g, s, "on a changé mon mot de passe, je peux "
	    "plus me connecter", "fr", "Si vous n'avez plus accès au compte"),
	    "\"je peux plus me connecter\": the French branch without "
	    "access first");
	CHECK(first_heading(g, s, "how do i use the recovery form", "en",
	    "If you no longer have access to the account"),
	    "\"recovery\" is a loss word: the branch without access stays");
	/* Ordinary negations are loss words too (s12-fixs). */
	CHECK(first_heading(g, s, "they changed my password, I do not have "
	    "access", "en", "If you no longer have access to the account"),
	    "\"do not have access\": the branch without access first");
	CHECK(first_heading(g, s, "they changed my password so I have no "
	    "access to my account", "en", "If you no longer have access to "
	    "the account"), "\"no access\": the branch without access");
	CHECK(first_heading(g, s, "hacker changed password, no access to "
	    "account", "en", "If you no longer have access to the account"),
	    "\"no access to account\": the branch without access");
	CHECK(first_heading(g, s, "they changed the password and I don't "
	    "have access to my account", "en", "If you no longer have access "
	    "to the account"), "\"don't have access\": the branch without "
	    "access");
	CHECK(first_heading(g, s, "mon compte a été piraté, je n'y ai pas "
	    "accès", "fr", "Si vous n'avez plus accès au compte"),
	    "\"je n'y ai pas accès\": the French branch without access");
	search_free(s);
	guide_free(g);
	/* The other way: no loss word, and the positive branch says
	 * "still": the words of the negative one do not take it. */
	g = guide_new();
	guide_load_buffer(g, "mailbox.en.md", branch_other,
	    strlen(branch_other), "en");
	s = search_new(g);
	branch_check(g, s, "someone knows my password, what do i change",
	    "If you still have access to the mailbox",
	    "If you no longer have access to the mailbox",
	    "no loss word: the branch that still has access first");
	search_free(s);
	guide_free(g);
}

/*
 * A glossary term's definition answers a question that asks what the word
 * means, not every question that uses it (search.c: W_TERM, the
 * ask.define words of the language files): "our website is down" goes to
 * the page on a site that stops answering, not to "Website host" whose
 * heading holds its word; "what is a website host" still gets the term.
 */
static const char term_glossary[] =
"# Glossary\n\n"
"- **Website host**: a company whose servers keep a website online.\n"
"- **Domain name**: the name people type to reach a website.\n"
"- **Firewall**: a filter between a network and the internet.\n";
static const char term_down[] =
"# Attacks on a site\n\nWhat to do when an organisation is under "
"attack.\n\n## When it stops answering\n\nCheck whether it loads from "
"another network and write down since when it is unreachable, then call "
"the people who run it.\n";

static void
test_term(void)
{
	struct guide *g = guide_new();
	struct search *s;

	guide_load_buffer(g, "glossary.en.md", term_glossary,
	    strlen(term_glossary), "en");
	guide_load_buffer(g, "down.en.md", term_down, strlen(term_down),
	    "en");
	CHECK(guide_nsections(g) == 5 && guide_section_term(g, 1) &&
	    !guide_section_term(g, 4), "three glossary terms, one page");
	s = search_new(g);
	CHECK(first_heading(g, s, "our website is down since this morning",
	    "en", "When it stops answering"), "\"our website is down\": "
	    "not the definition of a website host");
	CHECK(first_heading(g, s, "what is a website host", "en",
	    "Website host"), "\"what is a website host\": the term");
	CHECK(first_heading(g, s, "c'est quoi un website host", "fr",
	    "Website host"), "\"c'est quoi\": the term too");
	search_free(s);
	guide_free(g);
}

/*
 * A page of where to turn (guide_page_links(): half its sections or more
 * lists of links, as the kit's "Resources") answers a question that asks
 * who or what can help (search.c: W_LINKS, the ask.resource words of the
 * language files), though its link texts say little of the question:
 * "which organisations support threatened journalists" goes to its list,
 * not to the page on threats that uses the question's words; the same
 * question without such a word stays on that page. A page that cites a
 * link in passing is no such page.
 */
static const char links_page[] =
"# Where to turn\n\n## Emergency support\n\n"
"- Front Line Defenders https://www.frontlinedefenders.org\n"
"- Access Now Digital Security Helpline https://www.accessnow.org/help\n"
"- Committee to Protect Journalists https://cpj.org\n\n"
"## Reading\n\n"
"- Security in a Box https://securityinabox.org\n"
"- Surveillance Self-Defense https://ssd.eff.org\n"
"- Umbrella (Android) https://secfirst.org\n";
static const char links_threat[] =
"# Threats\n\nWhat to do when journalists are threatened for their "
"work.\n\n## When a journalist is threatened\n\nWrite down every "
"threat, support the threatened journalist, and tell the editors; see "
"https://example.org/threats for a template.\n\n## Threats online\n\n"
"Keep screenshots of threatening messages.\n";

static void
test_where_to_turn(void)
{
	struct guide *g = guide_new();
	struct search *s;
	double w;

	guide_load_buffer(g, "turn.en.md", links_page, strlen(links_page),
	    "en");
	guide_load_buffer(g, "threats.en.md", links_threat,
	    strlen(links_threat), "en");
	CHECK(guide_page_links(g, 0) && !guide_page_links(g, 1),
	    "a page of link lists; a page citing one link is not");
	s = search_new(g);
	CHECK(first_heading(g, s, "which organisations support threatened "
	    "journalists", "en", "Emergency support"), "\"which "
	    "organisations\": the page of where to turn");
	CHECK(first_heading(g, s, "how do we support threatened journalists",
	    "en", "When a journalist is threatened"), "no ask.resource word: "
	    "the page on threats");
	search_free(s);
	(void)search_tune_get("w_links", &w);
	(void)search_tune_set("w_links", 1);
	s = search_new(g);
	CHECK(!first_heading(g, s, "which organisations support threatened "
	    "journalists", "en", "Emergency support"), "w_links 1: the page "
	    "on threats, whose words the question uses");
	search_free(s);
	(void)search_tune_set("w_links", w);
	guide_free(g);
}

/*
 * The kit's words for the state a taken device was in (the shipped
 * lexicon's [power-state]): "asleep", "lid closed" and "apagado" meet a
 * checklist that asks whether it was "completely turned off"; without the
 * concept the question's only content words say nothing the page says.
 */
static const char power_page[] =
"# Devices taken\n\nWhat to do when a device was taken from you.\n\n"
"## What happened?\n\nWho took it, from where, and since when.\n\n"
"## What state was it in?\n\nWas the laptop locked with a password, or "
"completely turned off?\n";
static const char power_page_es[] =
"# Dispositivos incautados\n\nQué hacer si te quitaron un equipo.\n\n"
"## ¿Qué pasó?\n\nQuién se lo llevó, desde dónde y desde cuándo.\n\n"
"## ¿En qué estado estaba?\n\n¿Estaba bloqueado con contraseña o "
"completamente apagado?\n";

static void
test_power_state(void)
{
	const char *top = getenv("TOP_SRCDIR");
	char replies[1024];
	struct lexicon *lx = lexicon_new();
	struct guide *g = guide_new();
	struct search *s;

	(void)util_snprintf(replies, sizeof(replies), "%s/replies",
	    top ? top : ".");
	CHECK(lexicon_load_dir(lx, replies) > 0 &&
	    lexicon_concept_find(lx, "power-state") >= 0,
	    "the shipped lexicon has [power-state]");
	guide_load_buffer(g, "taken.en.md", power_page, strlen(power_page),
	    "en");
	guide_load_buffer(g, "taken.es.md", power_page_es,
	    strlen(power_page_es), "es");
	s = search_new_lex(g, lx);
	CHECK(first_heading(g, s, "it was asleep, lid closed, does that "
	    "matter", "en", "What state was it in?"), "\"asleep\", \"lid "
	    "closed\": the section that asks whether it was turned off");
	CHECK(first_heading(g, s, "quedó suspendido, eso importa",
	    "es", "¿En qué estado estaba?"), "\"suspendido\": the section "
	    "that asks whether it was apagado");
	search_free(s);
	guide_free(g);
	lexicon_free(lx);
}

/* A workflow page (no asks): a list of questions to find one's branch,
 * and two branches whose texts say the site's host over and over. */
static const char router_page[] =
"# Site offline\n\nWhat to do when your organisation's site is offline.\n\n"
"## First, a few facts\n\n"
"- Who made the site, and can they still help?\n"
"- Which company hosts the site?\n"
"- Where was the domain name bought?\n"
"- Who has the passwords for the host and the domain?\n\n"
"## Steps\n\n"
"### When the site was vandalised\n\n"
"Ask the hosting company for a backup of the site. The host can tell "
"how the attackers got in; the hosting company may also restore the "
"site, and the host keeps logs of the site.\n\n"
"### When the site is flooded with traffic\n\n"
"Move the site behind a protection service; tell the host.\n";
static const char router_page_es[] =
"# Sitio caído\n\nQué hacer si el sitio de tu organización no "
"carga.\n\n"
"## Primero, algunos datos\n\n"
"- ¿Quién hizo el sitio y puede ayudar todavía?\n"
"- ¿Qué empresa aloja el sitio, quién es el proveedor de hosting?\n"
"- ¿Dónde se compró el dominio?\n"
"- ¿Quién tiene las claves del hosting y del dominio?\n\n"
"## Pasos\n\n"
"### Cuando modificaron el sitio\n\n"
"Pide al proveedor de hosting una copia del sitio. El proveedor de "
"hosting puede decir cómo entraron; el hosting guarda registros del "
"sitio y el proveedor puede restaurarlo.\n\n"
"### Cuando el sitio recibe demasiado tráfico\n\n"
"Pon el sitio detrás de un servicio de protección; avisa al "
"proveedor.\n";

/*
 * A question that says the person does not know a fact of their case
 * (ask.unknown) gets its page's list of questions first (hits_router()):
 * that list is how the page finds the branch. The same words without "i
 * don't know" keep the branch that says them most.
 */
static void
test_unknown_router(void)
{
	struct guide *g = guide_new();
	struct search *s;

	guide_load_buffer(g, "site.en.md", router_page,
	    strlen(router_page), "en");
	guide_load_buffer(g, "site.es.md", router_page_es,
	    strlen(router_page_es), "es");
	s = search_new(g);
	CHECK(first_heading(g, s, "i dont know who hosts our site", "en",
	    "First, a few facts"), "\"i dont know who hosts\": the list of "
	    "questions, not the branch that says \"host\" most");
	CHECK(first_heading(g, s, "no se quien es el proveedor de hosting "
	    "del sitio", "es", "Primero, algunos datos"), "\"no se quien\": "
	    "the Spanish list of questions");
	CHECK(!first_heading(g, s, "who hosts our site, they keep logs",
	    "en", "First, a few facts"), "no \"don't know\": the list of "
	    "questions is not moved first");
	/* Folded "no sé" is also the reflexive "no se" (s13-fixs): "no se
	 * carga" says nothing unknown. */
	CHECK(!first_heading(g, s, "el sitio no se carga, el proveedor de "
	    "hosting guarda registros del sitio", "es",
	    "Primero, algunos datos"), "\"no se carga\": a reflexive, the "
	    "list of questions is not moved first");
	CHECK(first_heading(g, s, "no sé dónde se compró el dominio del "
	    "sitio", "es", "Primero, algunos datos"), "\"no se donde\": the "
	    "Spanish list of questions");
	search_free(s);
	guide_free(g);
}

/* A French workflow page: a list of questions, and a pair of branches
 * whose negative one says "n'avez pas". */
static const char router_pair_fr[] =
"# Appareil saisi\n\nQue faire quand la police a pris votre appareil.\n\n"
"## Que s'est-il passé ?\n\n"
"- La police a-t-elle pris le téléphone ?\n"
"- Quels comptes étaient ouverts dessus ?\n"
"- Était-il allumé ?\n"
"- Vous l'a-t-on rendu ?\n\n"
"## Si vous récupérez votre appareil\n\n"
"Ne le rallumez pas avant de l'avoir fait examiner.\n\n"
"## Si vous n'avez pas récupéré l'appareil\n\n"
"La police garde le téléphone : changez les mots de passe des comptes "
"ouverts sur le téléphone, prévenez vos contacts, déconnectez le "
"téléphone de vos comptes.\n";

/* "N'avez pas" is a loss (branch.not): the two French branches are a
 * pair, and a question that has found its branch of a pair keeps it, "je
 * sais pas par quoi commencer" or not (hits_router()). */
static void
test_unknown_pair(void)
{
	struct guide *g = guide_new();
	struct search *s;

	guide_load_buffer(g, "saisi.fr.md", router_pair_fr,
	    strlen(router_pair_fr), "fr");
	s = search_new(g);
	CHECK(first_heading(g, s, "la police garde mon telephone avec mes "
	    "comptes ouverts, je sais pas par quoi commencer", "fr",
	    "Si vous n'avez pas récupéré l'appareil"), "the branch the "
	    "question is in, not the list of questions");
	search_free(s);
	guide_free(g);
}

/*
 * A pair whose positive side says a change ("If you get your device
 * back") and whose negative side says the state goes on ("still
 * missing"): the change branch's text tells the whole story of a taken
 * device, so a question on a stolen phone meets it most. A question is in
 * the change branch only when it names a word of that heading that its
 * page's title does not ("back") and negates nothing ("still haven't",
 * "i don't know when"); else it is in the branch that goes on
 * (search.c: branches_build()'s BRANCH_STAY, change_words(),
 * hits_branch()).
 */
static const char change_page[] =
"# Seized device\n\nWhat to do about a device someone took.\n\n"
"## First steps\n\n"
"### If your device is still missing\n\n"
"Change the passwords of the accounts it could open, and wipe it from "
"afar if you can.\n\n"
"### If you get your device back\n\n"
"A phone or a laptop that was stolen, lost or taken by the police and "
"then returned may have been tampered with: whoever had the phone could "
"have put something on it. Do not use the phone for sensitive talks "
"until someone checks it.\n";

static void
test_branch_change(void)
{
	struct guide *g = guide_new();
	struct search *s;

	guide_load_buffer(g, "seized.en.md", change_page,
	    strlen(change_page), "en");
	s = search_new(g);
	branch_check(g, s, "my phone was stolen, what do i do",
	    "If your device is still missing", "If you get your device back",
	    "a stolen phone, nothing said of its return: the branch where "
	    "it is still missing");
	CHECK(first_heading(g, s, "the police gave my phone back, is it "
	    "safe to use", "en", "If you get your device back"),
	    "\"gave my phone back\": the branch of the device back");
	branch_check(g, s, "the police took my phone and still haven't "
	    "given it back", "If your device is still missing",
	    "If you get your device back", "\"still haven't given it back\": "
	    "the branch where it is still missing");
	branch_check(g, s, "they kept my phone and i don't know when i get "
	    "it back", "If your device is still missing",
	    "If you get your device back", "\"i don't know when i get it "
	    "back\": the branch where it is still missing");
	search_free(s);
	guide_free(g);
}

/*
 * The side of a pair the question is in for want of a word ("If your
 * device is still missing", the state that goes on) answers as a branch
 * (search_hit.branch, search.c branch_stands()) only when the question
 * names the page's situation (a key concept its introduction carries:
 * [seized] of "took") or no key concept at all; "the border police want
 * my phone password" names others ([border], and [password], which the
 * step only mentions) and is in neither side: no branch, the page is
 * offered. A side the question's words chose ("gave it back") is one.
 */
static const char stands_lexicon[] =
"[device subject]\nen: device, phone\n"
"[seized]\nen: took, taken, stolen, seized\n"
"[border]\nen: border, customs\n"
"[password]\nen: password\n";

static void
test_branch_stands(void)
{
	struct lexicon *lx = lexicon_new();
	struct guide *g = guide_new();
	struct search *s;
	struct search_hit h[3];
	size_t n;

	CHECK(lexicon_load_buffer(lx, "stands.txt", stands_lexicon,
	    strlen(stands_lexicon)) == 4, "branch stands lexicon loads");
	guide_load_buffer(g, "seized.en.md", change_page,
	    strlen(change_page), "en");
	s = search_new_lex(g, lx);
	n = search_query(s, "the border police want my phone password", "en",
	    h, 3);
	CHECK(n >= 1 && strcmp(guide_section_heading(g, h[0].section),
	    "If your device is still missing") == 0 && !h[0].branch,
	    "another situation than the page's: the step first, no branch");
	n = search_query(s, "my phone was stolen, what do i do", "en", h, 3);
	CHECK(n >= 1 && strcmp(guide_section_heading(g, h[0].section),
	    "If your device is still missing") == 0 && h[0].branch,
	    "the page's situation named: a branch");
	n = search_query(s, "the police gave my phone back, is it safe to "
	    "use", "en", h, 3);
	CHECK(n >= 1 && strcmp(guide_section_heading(g, h[0].section),
	    "If you get your device back") == 0 && h[0].branch,
	    "the side the question's words chose: a branch");
	search_free(s);
	guide_free(g);
	lexicon_free(lx);
}

/*
 * The side of a pair the question's own words chose (a loss word: "i
 * cant log in anymore") goes before a part of its page that only shares
 * the question's other words (search.c hits_within_page(), W_PICKED):
 * here "Investigate", whose text says "hacked" and "account" over and
 * over. With W_PICKED at 0 "Investigate" is first.
 */
static const char picked_page[] =
"# Taken-over account\n\nWhat to do when someone else uses your "
"account.\n\n## First steps\n\n"
"### If you still have access to the account\n\n"
"Change the password at once and log out every other session.\n\n"
"### If you no longer have access to the account\n\n"
"Fill in the provider's recovery form from a device you trust.\n\n"
"## Investigate\n\nWhy was your account hacked? A hacked account was "
"often hacked for your work: who wanted your account hacked?\n";

static void
test_branch_picked(void)
{
	struct guide *g = guide_new();
	struct search *s;
	double w = 0;
	const char *q = "my account was hacked and i cant log in anymore";

	guide_load_buffer(g, "taken.en.md", picked_page,
	    strlen(picked_page), "en");
	CHECK(search_tune_get("w_picked", &w) == 0 && w > 0,
	    "the picked constant is on");
	(void)search_tune_set("w_picked", 0);
	s = search_new(g);
	CHECK(first_heading(g, s, q, "en", "Investigate"), "without the "
	    "rule the part that repeats \"hacked\" is first");
	search_free(s);
	(void)search_tune_set("w_picked", w);
	s = search_new(g);
	CHECK(first_heading(g, s, q, "en", "If you no longer have access to "
	    "the account"), "\"cant log in anymore\": the side it chose "
	    "first");
	search_free(s);
	guide_free(g);
}

/*
 * The flags section_picked() and section_tied() read are the search's
 * own (search.c: hits_scope(); s18-ddec), not only hand-set ones as in
 * test_decide_sectioned(): on change_page, the branch the question is
 * in is a branch (search_hit.branch), the other side of its pair is its
 * pair (search_hit.pair), the page's first section its introduction
 * (search_hit.intro), and no branch.
 */
static void
test_branch_flags(void)
{
	struct guide *g = guide_new();
	struct search *s;
	struct search_hit h[6];
	size_t n, k;
	int pair = 0, intro = 0;

	guide_load_buffer(g, "seized.en.md", change_page,
	    strlen(change_page), "en");
	s = search_new(g);
	n = search_query(s, "the police took my phone and still haven't "
	    "given it back", "en", h, 6);
	CHECK(n >= 3 && strcmp(guide_section_heading(g, h[0].section),
	    "If your device is still missing") == 0 && h[0].branch &&
	    !h[0].intro && !h[0].pair, "still missing: the first hit, a "
	    "branch, not the introduction");
	for (k = 1; k < n; k++) {
		const char *head = guide_section_heading(g, h[k].section);

		if (strcmp(head, "If you get your device back") == 0)
			pair = h[k].pair && h[k].branch && !h[k].intro;
		else if (strcmp(head, "Seized device") == 0)
			intro = h[k].intro && !h[k].branch && !h[k].pair;
	}
	CHECK(pair, "...\"If you get your device back\": the other side of "
	    "its pair");
	CHECK(intro, "...the page's first section: its introduction, no "
	    "branch");
	search_free(s);
	guide_free(g);
}

/*
 * Where a negation reaches (search.c: text_branch()'s word places,
 * words_negated(), says_change(); s15-neg), on a small DFAK-like workflow
 * guide in each language (tests/fixtures/guide/workflow) with the shipped
 * lexicon: a negation negates the return only a few words before it, in
 * its clause ("not back", "pas rendu", "aún no me lo devuelven"), not
 * after it nor across a comma or "but" ("they returned my phone, no idea
 * if they installed spyware"); a question that says the state goes on ("i
 * can still log in") is in the branch with access whatever loss word
 * follows ("...but they changed the recovery email"), unless a negation
 * reaches the still word ("i still can't log in", "toujours pas") or the
 * still word is of something else (no ask.stay word in its reach: "they
 * still have my phone and i can't log in").
 */
static const struct {
	const char	*lang, *q, *want;
} negation_cases[] = {
	{ "en", "the police took my phone and it is not back yet",
	    "If your device is still missing" },
	{ "en", "they took my laptop at the border and never gave it back",
	    "If your device is still missing" },
	{ "en", "i never got my laptop back from the police",
	    "If your device is still missing" },
	{ "en", "the police still haven't given my phone back",
	    "If your device is still missing" },
	{ "en", "they kept my phone and i don't know when i get it back",
	    "If your device is still missing" },
	{ "fr", "la police ne m'a pas rendu mon téléphone",
	    "Si vous n'avez pas récupéré l'appareil" },
	{ "fr", "je n'ai toujours pas récupéré mon téléphone, la douane le "
	    "garde",
	    "Si vous n'avez pas récupéré l'appareil" },
	{ "fr", "ils ne m'ont toujours pas rendu mon ordinateur",
	    "Si vous n'avez pas récupéré l'appareil" },
	{ "es", "la policía se llevó mi celular y no me lo devolvieron",
	    "Si tu dispositivo sigue perdido" },
	{ "es", "la policía tiene mi teléfono y aún no me lo devuelven",
	    "Si tu dispositivo sigue perdido" },
	{ "es", "todavía no me devuelven la computadora",
	    "Si tu dispositivo sigue perdido" },
	{ "en", "they returned my phone, no idea if they installed spyware",
	    "If you get your device back" },
	{ "en", "i got my laptop back from the police but i don't know if it "
	    "is safe",
	    "If you get your device back" },
	{ "en", "the police gave my phone back, not sure if they put "
	    "something on it",
	    "If you get your device back" },
	{ "fr", "la police m'a rendu mon téléphone, je ne sais pas s'ils ont "
	    "installé quelque chose",
	    "Si vous récupérez votre appareil" },
	{ "fr", "la douane m'a rendu mon ordinateur mais je n'ai aucune idée "
	    "de ce qu'ils ont fait",
	    "Si vous récupérez votre appareil" },
	{ "es", "me devolvieron el celular pero no sé si le instalaron algo",
	    "Si vuelves a tener el dispositivo" },
	{ "es", "en la aduana me devolvieron la computadora, ni idea de lo "
	    "que le hicieron",
	    "Si vuelves a tener el dispositivo" },
	{ "en", "I still have access to my hacked account",
	    "If you still have access to the account" },
	{ "en", "I don't have access anymore to my hacked account",
	    "If you no longer have access to the account" },
	{ "en", "my account was hacked, I can still log in but they changed "
	    "the recovery email",
	    "If you still have access to the account" },
	{ "en", "someone hacked my mail but i can still log in",
	    "If you still have access to the account" },
	{ "en", "i still can't log in to my hacked account",
	    "If you no longer have access to the account" },
	{ "fr", "je n'ai plus accès à mon compte piraté",
	    "Si vous n'avez plus accès au compte" },
	{ "fr", "mon compte est piraté mais j'ai toujours accès",
	    "Si vous avez toujours accès au compte" },
	{ "fr", "je n'arrive toujours pas à me connecter à mon compte piraté",
	    "Si vous n'avez plus accès au compte" },
	{ "es", "ya no tengo acceso a mi cuenta hackeada",
	    "Si ya no tienes acceso a la cuenta" },
	{ "es", "me hackearon la cuenta pero todavía puedo entrar",
	    "Si todavía tienes acceso a la cuenta" },
	{ "es", "sigo sin poder entrar a mi cuenta hackeada",
	    "Si ya no tienes acceso a la cuenta" },
	/* s15-fixv2: a still word of something else is no access. */
	{ "en", "they still have my phone and i can't log in to my account",
	    "If you no longer have access to the account" },
	{ "en", "i still have my old phone but i can't get into my hacked "
	    "account",
	    "If you no longer have access to the account" },
	{ "fr", "il a toujours mon téléphone et je ne peux plus me "
	    "connecter à mon compte",
	    "Si vous n'avez plus accès au compte" },
	{ "es", "todavía tiene mi teléfono y ya no puedo entrar a mi cuenta",
	    "Si ya no tienes acceso a la cuenta" },
};

/* A search over the workflow fixture in lang (tests/fixtures/guide/
 * workflow/lang) and the shipped lexicon, loaded into g and lx; extra, if
 * not NULL, is one more page (extra_name) loaded with it. */
static struct search *
workflow_search(const char *lang, struct guide *g, struct lexicon *lx,
    const char *extra_name, const char *extra)
{
	const char *top = getenv("TOP_SRCDIR");
	char path[1200];

	(void)util_snprintf(path, sizeof(path), "%s/replies",
	    top ? top : ".");
	CHECK(lexicon_load_dir(lx, path) > 0, "the shipped lexicon");
	(void)util_snprintf(path, sizeof(path), "%s/guide/workflow/%s",
	    fixdir, lang);
	CHECK_INT(2, guide_load_dir(g, path, lang),
	    "the workflow fixture loads");
	if (extra != NULL)
		guide_load_buffer(g, extra_name, extra, strlen(extra), lang);
	return search_new_lex(g, lx);
}

static void
test_branch_negation(void)
{
	static const char *const langs[] = { "en", "fr", "es" };

	for (size_t l = 0; l < ARRAY_LEN(langs); l++) {
		struct lexicon *lx = lexicon_new();
		struct guide *g = guide_new();
		struct search *s = workflow_search(langs[l], g, lx, NULL,
		    NULL);

		for (size_t i = 0; i < ARRAY_LEN(negation_cases); i++) {
			if (strcmp(negation_cases[i].lang, langs[l]) != 0)
				continue;
			CHECK(first_heading(g, s, negation_cases[i].q,
			    langs[l], negation_cases[i].want),
			    negation_cases[i].q);
		}
		search_free(s);
		guide_free(g);
		lexicon_free(lx);
	}
}

/*
 * Questions a tester found on the wrong DFAK page (s15-fixd), on the
 * workflow fixture with the shipped lexicon and, in English, a short page
 * on checking keys whose words ("email", "send", "contact") a hijacked
 * mailbox shares: "hacked my email" is a hijacked account, a
 * stolen ("piqué") account no stolen device, "kept my phone" a seizure and
 * "devolvió" or "for an hour" a device given back. heading NULL: any
 * section of the page titled title.
 */
static const char fixd_trust_page[] =
"# Establishing trust\n\n## Trust in email: PGP\n\n"
"PGP encrypts the email you send. Check the fingerprint of a contact's\n"
"key with them before you trust it: anyone can put a key on a key server\n"
"with your address.\n";

static const struct {
	const char	*lang, *q, *title, *heading;
} fixd_cases[] = {
	{ "en", "someone hacked my email and is sending messages to my "
	    "contacts", "Hijacked account", NULL },
	{ "fr", "on m'a piqué mon compte insta", "Messagerie détournée",
	    NULL },
	{ "en", "customs kept my phone overnight", "Seized device", NULL },
	{ "en", "border guards took my laptop for an hour", "Seized device",
	    "If you get your device back" },
	{ "es", "la policía me devolvió el celular", "Dispositivo incautado",
	    "Si vuelves a tener el dispositivo" },
};

static void
test_fixd_pages(void)
{
	static const char *const langs[] = { "en", "fr", "es" };

	for (size_t l = 0; l < ARRAY_LEN(langs); l++) {
		struct lexicon *lx = lexicon_new();
		struct guide *g = guide_new();
		int en = strcmp(langs[l], "en") == 0;
		struct search *s = workflow_search(langs[l], g, lx,
		    "trust.en.md", en ? fixd_trust_page : NULL);

		for (size_t i = 0; i < ARRAY_LEN(fixd_cases); i++) {
			struct search_hit h[3];
			size_t n;
			size_t sec;

			if (strcmp(fixd_cases[i].lang, langs[l]) != 0)
				continue;
			n = search_query(s, fixd_cases[i].q, langs[l], h, 3);
			sec = n > 0 ? h[0].section : 0;
			CHECK(n > 0 && strcmp(guide_page_title(g,
			    guide_section_page(g, sec)),
			    fixd_cases[i].title) == 0 &&
			    (fixd_cases[i].heading == NULL ||
			    strcmp(guide_section_heading(g, sec),
			    fixd_cases[i].heading) == 0), fixd_cases[i].q);
		}
		search_free(s);
		guide_free(g);
		lexicon_free(lx);
	}
}

/*
 * A guide in the kit's layout (no keywords, no asks) with the shipped
 * lexicon (s16-fixw): a named spyware is malware, so "pegasus" finds the
 * malware page, not a seizure page's "think about encryption" on a
 * phone; and a section that names a webcam twice is about a device, so a
 * camera light on a laptop is not "off subject" for the indicators that
 * list it.
 */
static const char fixw_malware[] =
"# Malware\n\nMalicious software can end up on a phone or a computer.\n\n"
"## What is an indicator of compromise anyway?\n\n"
"Reasons to suspect an infection:\n\n"
"- You opened an attachment or a link you now distrust\n"
"- The webcam light comes on while nobody uses the webcam\n"
"- Your accounts are taken over again after each new password\n\n"
"## Cleaning your device\n\n"
"Update the system, remove the apps you do not know, and reinstall it\n"
"from the maker's own source.\n";

static const char fixw_seized[] =
"# Devices seized\n\n## If your device is still missing\n\n"
"From another device, log out of your accounts and change passwords.\n\n"
"## Take extra precautions against attackers\n\n"
"Think about encryption, passwords, a screen lock on your phone and a\n"
"tool that erases a lost phone from afar.\n";

/* A search over English pages from a table (name, text) and the shipped
 * lexicon (TOP_SRCDIR/replies), loaded into g and lx. */
static struct search *
kit_search(struct guide *g, struct lexicon *lx, const char *const (*pages)[2],
    size_t npages)
{
	const char *top = getenv("TOP_SRCDIR");
	char replies[1024];

	for (size_t i = 0; i < npages; i++)
		guide_load_buffer(g, pages[i][0], pages[i][1],
		    strlen(pages[i][1]), "en");
	(void)util_snprintf(replies, sizeof(replies), "%s/replies",
	    top ? top : ".");
	CHECK(lexicon_load_dir(lx, replies) > 0, "the shipped lexicon");
	return search_new_lex(g, lx);
}

static void
test_fixw_kit_pages(void)
{
	static const char *const pages[][2] = {
		{ "malware.en.md", fixw_malware },
		{ "seized.en.md", fixw_seized },
	};
	struct guide *g = guide_new();
	struct lexicon *lx = lexicon_new();
	struct search *s = kit_search(g, lx, pages, ARRAY_LEN(pages));
	struct search_hit h[3];
	size_t n;

	n = search_query(s, "i think i have pegasus on my phone", "en", h, 3);
	CHECK(n > 0 && strcmp(guide_page_title(g, guide_section_page(g,
	    h[0].section)), "Malware") == 0,
	    "pegasus on a phone: the malware page");
	n = search_query(s, "the webcam light on my laptop comes on by itself",
	    "en", h, 3);
	CHECK(n > 0 && strcmp(guide_section_heading(g, h[0].section),
	    "What is an indicator of compromise anyway?") == 0 &&
	    !h[0].off_subject,
	    "a webcam light on a laptop: the indicators, on its subject");
	search_free(s);
	guide_free(g);
	lexicon_free(lx);
}

/*
 * The kit's English account page says "hijacking" and "compromised", never
 * "hacked"; its malware page's heading says "compromise" (s16-fixw2): with
 * the shipped lexicon an English hacked mail or Instagram account finds
 * the account page first, not the indicators of compromise.
 */
static const char fixw2_hijack[] =
"# Account Hijacking\n\n"
"Are you having a problem accessing an email, social media or web\n"
"account? Does an account show activity that you do not recognize?\n\n"
"## If you still have access to the account\n\n"
"Change the password, log out other sessions and turn on two-factor\n"
"authentication. Check whether your recovery e-mail was compromised.\n";

static void
test_fixw2_kit_hijack(void)
{
	static const char *const qs[] = {
		"my gmail was hacked", "my instagram was hacked",
		"someone hacked my instagram",
	};
	static const char *const pages[][2] = {
		{ "malware.en.md", fixw_malware },
		{ "hijack.en.md", fixw2_hijack },
	};
	struct guide *g = guide_new();
	struct lexicon *lx = lexicon_new();
	struct search *s = kit_search(g, lx, pages, ARRAY_LEN(pages));
	struct search_hit h[3];
	size_t n;

	for (size_t i = 0; i < ARRAY_LEN(qs); i++) {
		n = search_query(s, qs[i], "en", h, 3);
		CHECK(n > 0 && strcmp(guide_page_title(g,
		    guide_section_page(g, h[0].section)),
		    "Account Hijacking") == 0, qs[i]);
	}
	search_free(s);
	guide_free(g);
	lexicon_free(lx);
}

/* A search over the shipped guide (TOP_SRCDIR/replies) and its lexicon,
 * loaded into g and lx. */
static struct search *
shipped_search(struct guide *g, struct lexicon *lx)
{
	const char *top = getenv("TOP_SRCDIR");
	char replies[1024];

	(void)util_snprintf(replies, sizeof(replies), "%s/replies",
	    top ? top : ".");
	CHECK(lexicon_load_dir(lx, replies) > 0 &&
	    guide_load_dir(g, replies, "en") > 0, "the shipped guide");
	return search_new_lex(g, lx);
}

/* A desk's own page in French whose asks carry accents and a dash. */
static const char exact_fr[] =
"# Notre service\n\n## Nous trouver\n\n<!-- asks:\nOù êtes-vous ?\n"
"quand êtes-vous ouverts ?\n-->\n\n"
"Au local du syndicat, du lundi au vendredi, de 9 h à 18 h.\n";

/* 1 if q (in lang) is answered first, as an exact ask, by the section
 * heading. */
static int
exact_is(const struct guide *g, const struct search *s, const char *q,
    const char *lang, const char *heading)
{
	struct search_hit h[5];
	size_t n = search_query(s, q, lang, h, 5);

	return n > 0 && h[0].exact && strcmp(guide_section_heading(g,
	    h[0].section), heading) == 0;
}

/* The exact ask's words are compared folded (raw_dice()): case, accents,
 * "¿", "¡", "«" and "»" aside, as people type on a phone. Not the dash:
 * "ou etes vous" has no content word, and "êtes-vous" is one
 * (lang_split()'s compound), so the asks' similarity never reads it. */
static void
test_exact_folded(void)
{
	static const char *const es[] = { "¿cómo los contacto?",
	    "cómo los contacto", "como los contacto", "COMO LOS CONTACTO",
	    "¡¿Cómo los contacto?!", "«como los contacto»" };
	static const char *const fr[] = { "ou etes-vous", "OÙ ÊTES-VOUS",
	    "où êtes-vous ?", "quand etes-vous ouverts",
	    "QUAND ETES-VOUS OUVERTS", "« quand etes-vous ouverts »" };
	struct lexicon *lx = lexicon_new();
	struct guide *g = guide_new();
	struct search *s;
	size_t i;

	CHECK_INT(0, guide_load_buffer(g, "nous.fr.md", exact_fr,
	    strlen(exact_fr), "fr"), "a French desk page");
	s = shipped_search(g, lx);
	for (i = 0; i < sizeof(es) / sizeof(es[0]); i++)
		CHECK(exact_is(g, s, es[i], "es", "Hablar con una persona"),
		    es[i]);
	for (i = 0; i < sizeof(fr) / sizeof(fr[0]); i++)
		CHECK(exact_is(g, s, fr[i], "fr", "Nous trouver"), fr[i]);
	CHECK(!exact_is(g, s, "como los contactos", "es",
	    "Hablar con una persona"), "another word is still another word");
	search_free(s);
	guide_free(g);
	lexicon_free(lx);
}

/*
 * Someone it happened to does not want the section for next time
 * (search.c: section_tense()). A section whose heading says it is for
 * before an incident (section.prevent: "Before you cross a border",
 * "Take extra precautions") weighs less for a question that says it
 * happened already (ask.happened: "took", "has been"), more for one that
 * asks what to do before (ask.before). A page with asks (replies/) and
 * one without (the kit's workflow pages).
 */
static const char tense_page[] =
"# When a device is gone\n\nWhat to do first.\n\n"
"## If the police or guards took your device\n\n"
"<!-- asks:\nthe police kept my phone\n-->\n\n"
"Write down who took the phone, when, and what was on it. From another "
"device, change the passwords of the accounts open on it, and ask a "
"lawyer.\n\n"
"## Before you cross a border\n\n"
"<!-- asks:\ncan border guards ask for my phone password\n-->\n\n"
"Border guards may take your phone and ask for its password. Travel "
"with a phone that holds little, and log out of your accounts.\n";
static const char tense_kit[] =
"# Devices Seized\n\nWhat to do when a device is stolen or seized.\n\n"
"## If your device is still missing\n\n"
"Change the passwords of the accounts that were open on the stolen "
"laptop or phone, and warn your contacts.\n\n"
"## Take extra precautions against attackers\n\n"
"Prevention is the key to the risk of having your laptop stolen or "
"seized: encryption, passwords, a lock code, remote wipe.\n";

/* q's first hit is with, and with both weights at 1 without. */
static void
tense_check(const struct guide *g, const struct search *s, const char *q,
    const char *with, const char *without, const char *what)
{
	int w, w0;

	w = first_heading(g, s, q, "en", with);
	CHECK(search_tune_set("w_prevent_past", 1) == 0 &&
	    search_tune_set("w_prevent_before", 1) == 0, "tense weights off");
	w0 = first_heading(g, s, q, "en", without);
	CHECK(search_tune_set("w_prevent_past", 0.6) == 0 &&
	    search_tune_set("w_prevent_before", 1.3) == 0,
	    "tense weights back");
	CHECK(w, what);
	CHECK(w0, "...and without the weights the other section");
}

static void
test_tense(void)
{
	struct guide *g = guide_new(), *k = guide_new();
	struct search *s, *sk;

	guide_load_buffer(g, "gone.en.md", tense_page, strlen(tense_page),
	    "en");
	guide_load_buffer(k, "Seized.md", tense_kit, strlen(tense_kit), "en");
	s = search_new(g);
	sk = search_new(k);
	tense_check(g, s, "border guards took my phone",
	    "If the police or guards took your device",
	    "Before you cross a border", "\"took\": the section for what "
	    "happened, not the one for next time");
	CHECK(first_heading(g, s, "what should i do with my phone before i "
	    "cross a border", "en", "Before you cross a border"),
	    "\"before\": the preventive section");
	tense_check(k, sk, "my laptop has been seized",
	    "If your device is still missing",
	    "Take extra precautions against attackers", "a page without "
	    "asks, \"has been seized\": not the precautions");
	tense_check(k, sk, "how do i protect my laptop before it gets stolen",
	    "Take extra precautions against attackers",
	    "If your device is still missing", "\"before it gets stolen\": "
	    "the precautions");
	search_free(s);
	search_free(sk);
	guide_free(g);
	guide_free(k);
}

/*
 * A defaced site (replies/website-down.*.md, s13-pages): before its
 * section, "hackers changed our homepage" went to the account pages
 * ("First: is it really hacked?") and the DDoS signs held the only
 * sentence on it. Each language's wording, none of them an ask as
 * written, goes first to its own language's section; an account that
 * was hacked stays with the account pages.
 */
static void
test_defacement(void)
{
	static const struct {
		const char *q, *lang, *want;
	} cases[] = {
		{ "hackers changed our homepage", "en",
		    "If the site was defaced (its pages were changed)" },
		{ "page d'accueil modifiée par des pirates", "fr",
		    "Si le site a été défiguré (ses pages ont été modifiées)" },
		{ "hackearon la web y pusieron un mensaje", "es",
		    "Si el sitio fue desfigurado (cambiaron sus páginas)" },
	};
	char name[128];
	struct lexicon *lx = lexicon_new();
	struct guide *g = guide_new();
	struct search *s;
	size_t i;

	s = shipped_search(g, lx);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		(void)util_snprintf(name, sizeof(name), "\"%s\": the "
		    "defaced-site section", cases[i].q);
		CHECK(first_heading(g, s, cases[i].q, cases[i].lang,
		    cases[i].want), name);
	}
	CHECK(!first_heading(g, s, "my facebook was hacked and they changed "
	    "the password", "en", cases[0].want), "a hacked account is "
	    "not a defaced site");
	search_free(s);
	guide_free(g);
	lexicon_free(lx);
}

/*
 * A lone branch the question denies (s15-fixg, src/search.c lone_denied()):
 * replies/device-lost's "When they give the device back" has no pair, and
 * "the police never gave my phone back" (they still have it) went to it,
 * confidently; "i lost my phone, it has no pin" went to "If the police
 * took your device" for its keyword "pin". A return said without a
 * negation stays with the returned device; the others as the page's asks
 * place them (s15-fixg).
 */
static void
test_lone_denied(void)
{
	static const struct {
		const char *q, *lang, *want;
	} cases[] = {
		{ "the police never gave my phone back", "en",
		    "If the police took your device" },
		{ "i did not get my phone back from the police", "en",
		    "If the police took your device" },
		{ "la police ne m'a pas rendu mon téléphone", "fr",
		    "Si la police a pris votre appareil" },
		{ "la policía no me ha devuelto el teléfono", "es",
		    "Si la policía se llevó tu dispositivo" },
		{ "police gave my phone back is it safe to use", "en",
		    "When they give the device back" },
		{ "me devolvieron el celular en la comisaría", "es",
		    "Cuando te devuelven el dispositivo" },
		{ "i lost my phone, it has no pin", "en",
		    "In the first hour: lock or erase it from afar" },
		{ "someone stole my laptop with all our interviews on it",
		    "en", "When to ask a person, and who can help" },
		{ "me quitaron el teléfono en el aeropuerto", "es",
		    "Si la policía se llevó tu dispositivo" },
		{ "les flics ont pris mon tel … ils me l'ont rendu", "fr",
		    "Quand on vous rend l'appareil" },
	};
	char name[200];
	struct lexicon *lx = lexicon_new();
	struct guide *g = guide_new();
	struct search *s;

	s = shipped_search(g, lx);
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		(void)util_snprintf(name, sizeof(name), "\"%s\": \"%s\"",
		    cases[i].q, cases[i].want);
		CHECK(first_heading(g, s, cases[i].q, cases[i].lang,
		    cases[i].want), name);
	}
	search_free(s);
	guide_free(g);
	lexicon_free(lx);
}

/*
 * The case of a lone branch (src/search.c lone_cases(), section_case()): a
 * workflow page without asks whose step has two conditional branches
 * without a pair, each headed by its case ([ddos], [defacement]), one of
 * them also by a word the page says all over ("website", a subject).
 * A question that names neither case ("our website is down") is not the
 * defacement step's, whose heading shares "website" with it, but the
 * diagnosis'; one that names a case ("ddos on our website, the attackers
 * want our passwords") is that branch's; one that names it only where a
 * negation reaches it ("it's not a ddos, our website is down") does not
 * name it: the step scores W_CASE of itself, not W_CASE_NAMED (s16-fixr).
 * With the rule's constants at 1
 * the defacement step is first for both.
 */
/* The score of the hit headed want among q's first five (English); -1
 * when none is. */
static double
heading_score(const struct guide *g, const struct search *s, const char *q,
    const char *want)
{
	struct search_hit h[5];
	size_t n = search_query(s, q, "en", h, 5);

	for (size_t i = 0; i < n; i++)
		if (strcmp(guide_section_heading(g, h[i].section), want) == 0)
			return h[i].score;
	return -1;
}

static const char case_lexicon[] =
"[website subject]\nen: website, site\n"
"[ddos]\nen: ddos, denial of service\n"
"[defacement]\nen: defacement, defaced\n"
"[site-down]\nen: down, offline, not loading\n";

static const char case_page[] =
"# Under attack\n\nWhat to do when your organisation is attacked "
"online.\n\n"
"## Diagnostic information\n\n"
"Find out whether the website is down for everyone or only for you: ask "
"the hosting company since when it is down, and note the time. A website "
"that is offline only in your country may be blocked there.\n\n"
"## First steps\n\n"
"### When you are suffering from a Denial of Service attack\n\n"
"Move the site behind a protection service and tell the hosting "
"company. Keep the logs.\n\n"
"### When you are suffering from a Website Defacement\n\n"
"Restore the website from a backup, change its passwords, and find out "
"how the attackers got in.\n";

static void
test_lone_case(void)
{
	struct lexicon *lx = lexicon_new();
	struct guide *g = guide_new();
	struct search *s;
	double w_case = 0, w_named = 0, w_head = 1, plain, neg;
	const char *dos = "When you are suffering from a Denial of Service "
	    "attack";

	CHECK(lexicon_load_buffer(lx, "case.txt", case_lexicon,
	    strlen(case_lexicon)) == 4, "lone case lexicon loads");
	guide_load_buffer(g, "website.en.md", case_page, strlen(case_page),
	    "en");
	CHECK(search_tune_get("w_case", &w_case) == 0 &&
	    search_tune_get("w_case_named", &w_named) == 0 && w_case < 1 &&
	    w_named > 1, "the lone case constants are on");
	s = search_new_lex(g, lx);
	CHECK(first_heading(g, s, "our website is down", "en",
	    "Diagnostic information"), "no case named: the diagnosis, not "
	    "the defacement step whose heading says \"website\"");
	CHECK(first_heading(g, s, "ddos on our website, the attackers want "
	    "our passwords", "en", "When you are suffering from a Denial of "
	    "Service attack"), "[ddos] named: its branch, not the "
	    "defacement step that says \"website\" and \"passwords\"");
	plain = heading_score(g, s, "ddos, our website is down", dos);
	neg = heading_score(g, s, "it's not a ddos, our website is down",
	    dos);
	CHECK(plain > 0 && neg > 0 && fabs(neg - plain * w_case / w_named) <
	    1e-6 * plain, "[ddos] named only where a negation reaches it: "
	    "not named, W_CASE of the step rather than W_CASE_NAMED");
	search_free(s);
	/* The heading rule (hits_page_title(): "website" alone meets the
	 * defacement step's heading) off too: the case rule's own part. */
	(void)search_tune_get("w_title_head", &w_head);
	(void)search_tune_set("w_case", 1);
	(void)search_tune_set("w_case_named", 1);
	(void)search_tune_set("w_title_head", 1);
	s = search_new_lex(g, lx);
	CHECK(first_heading(g, s, "our website is down", "en", "When you "
	    "are suffering from a Website Defacement") && first_heading(g, s,
	    "ddos on our website, the attackers want our passwords", "en",
	    "When you are suffering from a Website Defacement"), "without the "
	    "rule the defacement step is first for both");
	search_free(s);
	(void)search_tune_set("w_case", w_case);
	(void)search_tune_set("w_case_named", w_named);
	(void)search_tune_set("w_title_head", w_head);
	guide_free(g);
	lexicon_free(lx);
}

/*
 * A page that carries none of the question's specific concepts (src/
 * search.c page_absent()): two workflow pages without asks, one on trust
 * in PGP whose heading and text say "email", one on a hijacked account
 * that says "email" once in its step and names the intrusion ([hacked])
 * in its introduction. "my email was hacked" shares only "email" with
 * the PGP section, whose page says nothing of an intrusion: the account
 * page's step goes first; with W_PAGE_ABSENT at 1 the PGP section is
 * first. A question naming PGP keeps the PGP section; one naming no
 * specific concept ("email") is left as the search ranks it.
 */
static const char absent_lexicon[] =
"[message subject]\nen: email, mail, message\n"
"[hacked]\nen: hacked, intrusion, compromised\n"
"[pgp]\nen: pgp, gpg\n";

static const char absent_trust[] =
"# Establishing trust\n\nHow to know who you talk to.\n\n"
"## Trust in Email: PGP\n\n"
"PGP encrypts an email and signs each email you send.\n\n"
"## Trust in chat\n\nCompare the fingerprints in person.\n";

static const char absent_account[] =
"# Account hijacking\n\nWhat to do after an intrusion into an online "
"account.\n\n"
"## Take back your email\n\n"
"Change the password of the email and log out every other session.\n\n"
"## Investigate\n\n"
"Find out how it happened: a reused password, a phishing page.\n";

static void
test_page_absent(void)
{
	struct lexicon *lx = lexicon_new();
	struct guide *g = guide_new();
	struct search *s;
	double w = 0;

	CHECK(lexicon_load_buffer(lx, "absent.txt", absent_lexicon,
	    strlen(absent_lexicon)) == 3, "page absent lexicon loads");
	guide_load_buffer(g, "trust.en.md", absent_trust,
	    strlen(absent_trust), "en");
	guide_load_buffer(g, "account.en.md", absent_account,
	    strlen(absent_account), "en");
	CHECK(search_tune_get("w_page_absent", &w) == 0 && w < 1,
	    "the page absent constant is on");
	s = search_new_lex(g, lx);
	CHECK(first_heading(g, s, "my email was hacked", "en",
	    "Take back your email"), "[hacked] named: the account page's "
	    "step, not the PGP section that shares only \"email\"");
	CHECK(first_heading(g, s, "how do i use pgp for my email", "en",
	    "Trust in Email: PGP"), "[pgp] named: the PGP section");
	CHECK(first_heading(g, s, "email", "en", "Trust in Email: PGP"),
	    "no specific concept: the search's own order");
	search_free(s);
	(void)search_tune_set("w_page_absent", 1);
	s = search_new_lex(g, lx);
	CHECK(first_heading(g, s, "my email was hacked", "en",
	    "Trust in Email: PGP"), "without the rule the PGP section is "
	    "first");
	search_free(s);
	(void)search_tune_set("w_page_absent", w);
	guide_free(g);
	lexicon_free(lx);
}

/*
 * A page's title against a section's chance words (src/search.c
 * hits_page_title()): three workflow pages without asks. "got my account
 * back, how do i stop them getting in again" names the account, which
 * the account page's title names and the devices page's does not: the
 * devices page's branch, met by "get" and "back", gives the first place
 * to the account page's step (W_TITLE_SUBJECT). "found a forwarding
 * rule in my email" meets the PGP section's heading by "email" alone,
 * a subject word, and names nothing of its page's title: the account
 * page's settings step goes first (W_TITLE_HEAD). With both at 1 the
 * search's own order comes back; a question naming PGP keeps the PGP
 * section.
 */
static const char title_lexicon[] =
"[account subject]\nen: account, inbox\n"
"[device subject]\nen: device, phone, laptop\n"
"[message subject]\nen: email, mail, message\n"
"[pgp]\nen: pgp, gpg\n"
"[mail-forwarding]\nen: forwarding, forwarding rule\n";

static const char title_seized[] =
"---\ntitle: Devices seized\n---\n# Devices seized\n\nWhen the "
"police take your device.\n\n## If you get your device back\n\nDo "
"not use it before a helper checks it. Change the passwords of "
"every account it held, and log out of each account.\n\n## What "
"was on the device?\n\nList the apps and the accounts the device "
"held.\n";

static const char title_hijack[] =
"---\ntitle: Account hijacking\n---\n# Account hijacking\n\nWhen "
"someone took over an online account.\n\n## Keep them out\n\nStop "
"them getting in again: turn on two-factor login and log out every "
"other session of the account.\n\n## Check the settings\n\nLook "
"for a forwarding rule in the settings of the inbox that sends "
"your email to another address, and delete it; then check each "
"email filter.\n";

static const char title_trust[] =
"---\ntitle: Establishing trust\n---\n# Establishing trust\n\nHow "
"to know who you talk to.\n\n## Trust in Email: PGP\n\nPGP "
"encrypts an email and signs each email you send to an address.\n";

static void
test_page_title(void)
{
	struct lexicon *lx = lexicon_new();
	struct guide *g = guide_new();
	struct search *s;
	double ws = 0, wh = 0;
	const char *acc = "got my account back, how do i stop them getting "
	    "in again", *fwd = "found a forwarding rule in my email";

	CHECK(lexicon_load_buffer(lx, "title.txt", title_lexicon,
	    strlen(title_lexicon)) == 5, "page title lexicon loads");
	guide_load_buffer(g, "seized.en.md", title_seized,
	    strlen(title_seized), "en");
	guide_load_buffer(g, "hijack.en.md", title_hijack,
	    strlen(title_hijack), "en");
	guide_load_buffer(g, "trust.en.md", title_trust,
	    strlen(title_trust), "en");
	CHECK(search_tune_get("w_title_subject", &ws) == 0 && ws < 1 &&
	    search_tune_get("w_title_head", &wh) == 0 && wh < 1,
	    "the page title constants are on");
	s = search_new_lex(g, lx);
	CHECK(first_heading(g, s, acc, "en", "Keep them out"), "an account "
	    "named: the account page's step, not the devices page's branch "
	    "met by \"get\" and \"back\"");
	CHECK(first_heading(g, s, fwd, "en", "Check the settings"),
	    "\"email\" alone meets the PGP heading: the settings step");
	CHECK(first_heading(g, s, "how do i sign an email with pgp", "en",
	    "Trust in Email: PGP"), "[pgp] named: the PGP section");
	search_free(s);
	(void)search_tune_set("w_title_subject", 1);
	(void)search_tune_set("w_title_head", 1);
	s = search_new_lex(g, lx);
	CHECK(first_heading(g, s, acc, "en", "If you get your device back"),
	    "without the rules the devices page's branch is first...");
	CHECK(first_heading(g, s, fwd, "en", "Trust in Email: PGP"),
	    "...and the PGP section");
	search_free(s);
	(void)search_tune_set("w_title_subject", ws);
	(void)search_tune_set("w_title_head", wh);
	guide_free(g);
	lexicon_free(lx);
}

/*
 * A page's introduction or list of questions gives the first place to a
 * step of its page (src/search.c page_step()): a workflow page without
 * asks whose introduction's heading is its title ("Stolen phone") and
 * says the question's words, a list of questions, and a step that says
 * what to do. "my phone was stolen, what about my accounts" meets the
 * introduction most (the title in its heading); the step scores W_YIELD
 * of it and goes first. With W_YIELD at 0 the introduction is first. A
 * question that says the person does not know (ask.unknown) keeps the
 * list of questions first (hits_router()).
 */
static const char yield_page[] =
"# Stolen phone\n\nWhat to do when your phone was stolen: a stolen phone "
"still holds your accounts, and every account open on a stolen phone is "
"open to the thief.\n\n"
"## Start by answering some simple questions:\n\n"
"- When did it happen?\n"
"- Was the screen locked?\n"
"- Do you have a backup?\n"
"- Who else knows?\n\n"
"## Log out everywhere\n\n"
"From another device, log the stolen phone out of your accounts.\n";

static void
test_page_step(void)
{
	struct guide *g = guide_new();
	struct search *s;
	double w = 0;
	const char *q = "my phone was stolen, what about my accounts";

	guide_load_buffer(g, "stolen.en.md", yield_page, strlen(yield_page),
	    "en");
	CHECK(search_tune_get("w_yield", &w) == 0 && w > 0,
	    "the yield constant is on");
	s = search_new(g);
	CHECK(first_heading(g, s, q, "en", "Log out everywhere"), "the step "
	    "first, not the introduction");
	CHECK(first_heading(g, s, "i dont know if the screen was locked, "
	    "who else knows it was stolen", "en", "Start by answering some "
	    "simple questions:"), "\"don't know\": the list of questions "
	    "first");
	search_free(s);
	(void)search_tune_set("w_yield", 0);
	s = search_new(g);
	CHECK(first_heading(g, s, q, "en", "Stolen phone"), "without the "
	    "rule the introduction is first");
	search_free(s);
	(void)search_tune_set("w_yield", w);
	guide_free(g);
}

/*
 * A page's closing part gives the first place to a step of its page
 * scoring W_CLOSING of it (src/search.c closing_step()): its text names
 * the page's situations again, to say when to type HUMAN ("if the fake
 * profile asks for money"), and meets the question's words as much as
 * the step that answers it (here the step scores 0.86 of it: the test
 * sets W_CLOSING to 0.8). With W_CLOSING at 0 the closing part is first.
 */
static const char closing_page[] =
"# Someone is pretending to be me\n\nFake profiles in your name.\n\n"
"## Report a fake profile\n\n"
"A fake profile in your name asks for money: report it to the platform, "
"and ask friends to report it too.\n\n"
"## When to ask for a human\n\n"
"Type HUMAN if the fake profile asks for money in your name and the "
"platform does not remove it.\n";

static void
test_closing_step(void)
{
	struct guide *g = guide_new();
	struct search *s;
	struct search_hit h[3];
	double w = 0;
	const char *q = "a fake profile asks for money in my name";
	size_t n;

	guide_load_buffer(g, "fake.en.md", closing_page, strlen(closing_page),
	    "en");
	CHECK(search_tune_get("w_closing", &w) == 0 && w > 0,
	    "the closing constant is on");
	CHECK(search_section_closing(g, 2) && !search_section_closing(g, 1) &&
	    !search_section_closing(g, 0), "the last part, saying HUMAN, is "
	    "the closing one");
	(void)search_tune_set("w_closing", 0);
	s = search_new(g);
	n = search_query(s, q, "en", h, 3);
	CHECK(n >= 2 && strcmp(guide_section_heading(g, h[0].section),
	    "When to ask for a human") == 0 && h[1].score >= 0.8 * h[0].score,
	    "without the rule the closing part is first, the step near it");
	search_free(s);
	(void)search_tune_set("w_closing", 0.8);
	s = search_new(g);
	CHECK(first_heading(g, s, q, "en", "Report a fake profile"), "the "
	    "step first, not the closing part");
	search_free(s);
	(void)search_tune_set("w_closing", w);
	guide_free(g);
}

/*
 * The desk's own page (replies/this-desk.*.md, s13-desk): someone
 * elsewhere claiming to be the desk, and how to reach it. Before, "someone
 * on telegram says they are you and asks for my password" went to the
 * account pages, "quelqu'un se fait passer pour vous sur signal" to
 * TextSecure and "¿cómo los contacto?" to "Avisar a tus contactos". Each
 * goes first to the desk's section in its own language; someone
 * pretending to be the person writing stays with the impersonation page.
 */
static void
test_desk_page(void)
{
	static const struct {
		const char *q, *lang, *want;
	} cases[] = {
		{ "is this desk legit? someone on telegram says they are you "
		    "and asks for my password", "en",
		    "Check that it's really us" },
		{ "je crois que quelqu'un se fait passer pour vous sur "
		    "signal", "fr", "Vérifier que c'est bien nous" },
		{ "alguien en whatsapp dice que es de este servicio y me pide "
		    "la contraseña", "es", "Comprobar que somos nosotros" },
		{ "¿cómo los contacto?", "es", "Hablar con una persona" },
	};
	static const struct {
		const char *q, *lang;
	} me[] = {
		{ "someone is pretending to be me on instagram", "en" },
		{ "alguien se hace pasar por mí en facebook", "es" },
	};
	char name[160];
	struct lexicon *lx = lexicon_new();
	struct guide *g = guide_new();
	struct search *s;
	struct search_hit h[3];
	const char *stem;
	size_t i, n, len = 0;

	s = shipped_search(g, lx);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		(void)util_snprintf(name, sizeof(name), "\"%s\": the desk's "
		    "\"%s\"", cases[i].q, cases[i].want);
		CHECK(first_heading(g, s, cases[i].q, cases[i].lang,
		    cases[i].want), name);
	}
	for (i = 0; i < sizeof(me) / sizeof(me[0]); i++) {
		n = search_query(s, me[i].q, me[i].lang, h, 3);
		stem = n >= 1 ? guide_page_stem(g, h[0].page, &len) : "";
		(void)util_snprintf(name, sizeof(name), "\"%s\": the "
		    "impersonation page, not the desk's", me[i].q);
		CHECK(n >= 1 && len == 13 && memcmp(stem, "impersonation",
		    13) == 0, name);
	}
	search_free(s);
	guide_free(g);
	lexicon_free(lx);
}

/*
 * Expressions on the shipped guide (s13-fixq2): "pretending" of "pretend
 * to be" keeps its own stem, so a platform's name no longer takes the
 * question to that platform's recovery section; "si je clique pas ...
 * je risque quelque chose ?" is about risk, not about the "quelque chose"
 * someone installed.
 */
static void
test_expr_shipped(void)
{
	struct lexicon *lx = lexicon_new();
	struct guide *g = guide_new();
	struct search *s;
	struct search_hit h[3];
	const char *stem = "";
	size_t n, len = 0;

	s = shipped_search(g, lx);
	n = search_query(s, "someone is pretending to be me on whatsapp", "en",
	    h, 3);
	if (n >= 1)
		stem = guide_page_stem(g, h[0].page, &len);
	CHECK(n >= 1 && len == 13 && memcmp(stem, "impersonation", 13) == 0,
	    "\"pretending to be me on whatsapp\": the impersonation page");
	CHECK(first_heading(g, s, "si je clique pas sur le lien, est-ce que "
	    "je risque quelque chose ?", "fr", "Vérifier un lien sans "
	    "l'ouvrir"), "\"si je clique pas ... je risque quelque chose\": "
	    "checking a link, not what was installed");
	search_free(s);
	guide_free(g);
	lexicon_free(lx);
}

/*
 * X, the platform (s18-fixk): one letter, which the search drops as a
 * word; [twitter]'s expressions ("x account", "compte x", "cuenta de
 * x") keep it, so the takeover of an X account finds the recovery of
 * Facebook, Instagram and X, not Google's ("my x account is posting
 * crypto scams" had Google's as an answer). "my x" alone is often an
 * ex: no expression, no platform.
 */
static void
test_x_platform(void)
{
	struct lexicon *lx = lexicon_new();
	struct guide *g = guide_new();
	struct search *s;

	s = shipped_search(g, lx);
	CHECK(first_heading(g, s, "my x account is posting crypto scams",
	    "en", "Recover a Facebook, Instagram or X account"),
	    "\"my x account is posting crypto scams\": X's recovery first");
	CHECK(first_heading(g, s, "mon compte x publie des arnaques crypto",
	    "fr", "Récupérer un compte Facebook, Instagram ou X"),
	    "\"mon compte x publie des arnaques\": X's recovery first");
	CHECK(first_heading(g, s, "mi cuenta de x está publicando estafas de "
	    "cripto", "es", "Recuperar una cuenta de Facebook, Instagram o X"),
	    "\"mi cuenta de x está publicando estafas\": X's recovery first");
	CHECK(!first_heading(g, s, "my x keeps texting me", "en",
	    "Recover a Facebook, Instagram or X account"),
	    "\"my x keeps texting me\": an ex, not the platform");
	search_free(s);
	guide_free(g);
	lexicon_free(lx);
}

/*
 * After the click (s18-fixph; search.c: section_tense()): a question
 * that says the person did the act (ask.acted: "installed", "j'ai
 * cliqué", "abrí") no longer gets the section that warns against it
 * (section.warn: "Attachments: don't open them", "Les signes d'un
 * piège") but the one for after it, in en, fr and es; a question that
 * says the act was not done ("haven't opened", "pas ouvert", "no abrí")
 * or asks before doing it keeps the warning.
 */
static void
test_acted(void)
{
	static const struct {
		const char	*lang, *q, *want;
	} t[] = {
		{ "en", "i installed an apk someone sent me on whatsapp",
		    "If you opened an attachment or installed something" },
		{ "en", "opened a pdf attachment from someone i dont know",
		    "If you opened an attachment or installed something" },
		{ "en", "i opened the zip the lawyer sent, now what",
		    "If you opened an attachment or installed something" },
		{ "fr", "jai cliqué sur un lien bizarre dans un sms colissimo",
		    "Si vous avez cliqué ou tapé votre mot de passe" },
		{ "fr", "j'ai ouvert la pièce jointe d'un inconnu",
		    "Si vous avez ouvert une pièce jointe ou installé "
		    "quelque chose" },
		{ "es", "abrí el pdf que me mandaron",
		    "Si abriste un adjunto o instalaste algo" },
		{ "es", "le di clic a un link raro en un sms de correos",
		    "Si hiciste clic o escribiste tu contraseña" },
		/* Not done, or not yet: the warning. */
		{ "en", "should i open this pdf a stranger sent me",
		    "Attachments: don't open them, ask" },
		{ "en", "i haven't opened the attachment yet, is it safe",
		    "Attachments: don't open them, ask" },
		{ "fr", "je n'ai pas ouvert la pièce jointe, je risque "
		    "quelque chose ?",
		    "Pièces jointes : ne les ouvrez pas, demandez" },
		{ "es", "no abrí el adjunto todavía, es peligroso?",
		    "Adjuntos: no los abras, pregunta" },
		/* Asked before the act (ask.unacted): not the section for
		 * after it. */
		{ "en", "should i click the link in this sms from my bank",
		    "Signs of a trap" },
		{ "fr", "je dois cliquer sur ce lien ?",
		    "Vérifier un lien sans l'ouvrir" },
		{ "en", "i clicked the link, should i open the file too",
		    "If you clicked the link or typed your password" },
		/* Lost at an airport (ask.happened "lost my"): the first
		 * hour, not "Before you cross a border". */
		{ "en", "lost my laptop at the airport, its not encrypted",
		    "In the first hour: lock or erase it from afar" },
		{ "fr", "perdu mon ordi à l'aéroport, il est pas chiffré",
		    "Dans la première heure : verrouiller ou effacer à "
		    "distance" },
		{ "es", "perdí mi laptop en el aeropuerto y no está cifrada",
		    "En la primera hora: bloquearlo o borrarlo a distancia" },
		{ "en", "what should i do with my laptop before the airport",
		    "Before you cross a border" },
	};
	struct lexicon *lx = lexicon_new();
	struct guide *g = guide_new();
	struct search *s;

	s = shipped_search(g, lx);
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		CHECK(first_heading(g, s, t[i].q, t[i].lang, t[i].want),
		    t[i].q);
	search_free(s);
	guide_free(g);
	lexicon_free(lx);
}

/*
 * The part of the right page for the person's situation (s18-fixph, the
 * tester's questions): a site down since this morning is first checked
 * for everyone (as fr/es were), codes one never asked for with
 * "verification" between (es, fr) are the "is it really hacked?" check,
 * a mail threatening to block the account is the signs of a trap (es),
 * an organisation's internal documents are the organisation's leak (en),
 * a hacked profile posting scams to one's friends is warning them (the
 * takeover alone stays X's recovery: test_x_platform()).
 */
static void
test_situation(void)
{
	static const struct {
		const char	*lang, *q, *want;
	} t[] = {
		{ "en", "our website is down since this morning",
		    "Is it down for everyone?" },
		{ "es", "me llegan codigos de verificacion que no pedi",
		    "Primero: ¿de verdad te la hackearon?" },
		{ "fr", "je reçois des codes de vérification que j'ai pas "
		    "demandés", "D'abord : est-ce vraiment un piratage ?" },
		{ "es", "me llego un correo raro diciendo que mi cuenta sera "
		    "bloqueada", "Señales de una trampa" },
		{ "en", "our internal documents were leaked online",
		    "If your organisation's documents leaked" },
		{ "en", "my fb was hacked and they r posting scam crypto "
		    "stuff to my friends", "Warn your contacts" },
		{ "es", "me hackearon el face y estan publicando estafas de "
		    "cripto a mis amigos", "Avisar a tus contactos" },
	};
	struct lexicon *lx = lexicon_new();
	struct guide *g = guide_new();
	struct search *s;

	s = shipped_search(g, lx);
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		CHECK(first_heading(g, s, t[i].q, t[i].lang, t[i].want),
		    t[i].q);
	CHECK(!first_heading(g, s, "my twitter is locked and they want my "
	    "phone number", "en", "Signal on your phone"), "a locked "
	    "account is not the phone's lock screen (\"locked ... phone\" "
	    "across stopwords)");
	search_free(s);
	guide_free(g);
	lexicon_free(lx);
}

int
main(void)
{
	const char *top = getenv("TOP_SRCDIR");

	/* The languages' words (stopwords, commands) from the source tree. */
	if (lang_load_dir(SRCDATADIR) == -1)
		return 1;
	log_init(LOGL_ERROR, NULL);
	(void)util_snprintf(fixdir, sizeof(fixdir), "%s/tests/fixtures",
	    top ? top : ".");
	test_tokens();
	test_detect();
	test_fold();
	test_ranking();
	test_near();
	test_is_answer();
	test_scope();
	test_neighbours();
	test_neighbours_blur();
	test_neighbours_dns();
	test_neighbours_voicemail();
	test_aside();
	test_key_mention();
	test_siblings();
	test_index_fields();
	test_borrowed_subjects();
	test_asks();
	test_ask_own();
	test_plural_verb();
	test_bare_elision();
	test_expressions();
	test_expression_overlap();
	test_prior();
	test_prior_siblings();
	test_prior_decide();
	test_prior_one_hit();
	test_notasks();
	test_subject_span();
	test_tune();
	test_exact();
	test_exact_folded();
	test_deflang();
	test_decide_evidence();
	test_decide_lead();
	test_decide_vouch();
	test_decide_record();
	test_decide_unbacked();
	test_decide_matched();
	test_decide_asks_pick();
	test_decide_copy();
	test_decide_page();
	test_decide_translation();
	test_lang_absent();
	test_max_independent();
	test_prior_norm();
	test_decide_plain();
	test_decide_sectioned();
	test_decide_off_topic();
	test_decide_commit();
	test_decide_alone();
	test_guide_bar();
	test_guide_bar_stable();
	test_topics();
	test_branch();
	test_term();
	test_where_to_turn();
	test_power_state();
	test_unknown_router();
	test_unknown_pair();
	test_branch_change();
	test_branch_flags();
	test_branch_negation();
	test_fixd_pages();
	test_fixw_kit_pages();
	test_fixw2_kit_hijack();
	test_lone_denied();
	test_lone_case();
	test_page_absent();
	test_page_title();
	test_page_step();
	test_branch_stands();
	test_branch_picked();
	test_closing_step();
	test_tense();
	test_defacement();
	test_desk_page();
	test_expr_shipped();
	test_x_platform();
	test_acted();
	test_situation();
	return TAP_DONE();
}
