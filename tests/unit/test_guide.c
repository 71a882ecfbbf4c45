/*
 * test_guide: the page loader on the fixture pages of tests/fixtures/guide
 * (each reproduces a trick of real DFAK pages, in invented words) and on
 * broken buffers.
 */
#include "ac-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chat.h"
#include "guide.h"
#include "lang.h"
#include "log.h"
#include "tap.h"
#include "util.h"

#define LOAD(g, name, text, def) \
	guide_load_buffer((g), (name), (text), strlen(text), (def))

static char logpath[] = "/tmp/test_guide_log.XXXXXX";
static char fixdir[1024];

/* Everything logged since the last call (new string). */
static char *
log_take(void)
{
	char *s;
	size_t len;

	log_close();
	s = util_read_file(logpath, 1 << 20, &len);
	if (s == NULL)
		s = xstrdup("");
	truncate(logpath, 0);
	log_init(LOGL_INFO, logpath);
	return s;
}

/* Index of the page whose path ends with suffix, or -1. */
static long
page_by_name(const struct guide *g, const char *suffix)
{
	size_t i, n = strlen(suffix);

	for (i = 0; i < guide_npages(g); i++) {
		const char *p = guide_page_path(g, i);
		size_t len = strlen(p);

		if (len >= n && strcmp(p + len - n, suffix) == 0)
			return (long)i;
	}
	return -1;
}

/* Section of page whose heading is h, or -1. */
static long
section_by_heading(const struct guide *g, long page, const char *h)
{
	size_t i, first;

	if (page < 0)
		return -1;
	first = guide_page_first_section(g, (size_t)page);
	for (i = first; i < first + guide_page_nsections(g, (size_t)page); i++)
		if (strcmp(guide_section_heading(g, i), h) == 0)
			return (long)i;
	return -1;
}

static const char *
text_of(const struct guide *g, long sec)
{
	return sec < 0 ? NULL : guide_section_text(g, (size_t)sec);
}

static struct guide *
load_one(const char *rel, const char *def)
{
	struct guide *g = guide_new();
	char path[1200];

	(void)util_snprintf(path, sizeof(path), "%s/%s", fixdir, rel);
	CHECK(guide_load_file(g, path, def) == 0, rel);
	return g;
}

/* Loads a buffer as a page named name; the section texts joined by "|". */
static char *
render(const char *name, const char *md)
{
	struct guide *g = guide_new();
	struct buf b;
	size_t i;

	buf_init(&b);
	if (guide_load_buffer(g, name, md, strlen(md), "en") == 0) {
		for (i = 0; i < guide_nsections(g); i++) {
			if (i > 0)
				buf_addc(&b, '|');
			buf_adds(&b, guide_section_text(g, i));
		}
	} else
		buf_adds(&b, "(skipped)");
	guide_free(g);
	if (b.s == NULL)
		buf_adds(&b, "");
	return buf_detach(&b);
}

static void
check_render(const char *md, const char *expected, const char *name)
{
	char *got = render("t.md", md);

	CHECK_STR(expected, got, name);
	free(got);
}

static void
test_lockout(void)
{
	struct guide *g = load_one("pages/en/Lockout.md", "fr");
	long p = page_by_name(g, "Lockout.md"), s;

	CHECK_STR("Locked out of an account", guide_page_title(g, 0),
	    "quoted title");
	CHECK_STR("en", guide_page_lang(g, 0), "language from front matter");
	CHECK_STR("/en/Lockout/", guide_page_permalink(g, 0), "permalink");
	CHECK_STR("When a stranger takes over one of your accounts.",
	    guide_page_summary(g, 0), "folded summary");
	CHECK_STR("hijacked taken over stolen password",
	    guide_page_keywords(g, 0), "keywords as a YAML list");
	CHECK_INT(5, guide_page_nsections(g, 0), "five sections");
	s = section_by_heading(g, p, "First things to try");
	CHECK_STR("1. Change the password from a device you trust.\n"
	    "2. Turn on two-step login.\n"
	    "3. Log out every other session.", text_of(g, s),
	    "empty parent borrows its child's text; 1. 1. 1. numbered");
	CHECK_INT(2, guide_section_level(g, (size_t)s), "H2 level");
	s = section_by_heading(g, p, "You can still log in");
	CHECK_STR("Locked out of an account › First things to try › "
	    "You can still log in", guide_section_path(g, (size_t)s),
	    "heading path");
	CHECK_INT(3, guide_section_level(g, (size_t)s), "H3 level");
	s = section_by_heading(g, p, "You cannot log in any more");
	CHECK_STR("Use the recovery form of the service (see the help page "
	    "(https://help.example.com/recover/)).", text_of(g, s),
	    "link as text (url)");
	s = section_by_heading(g, p, "Who can help");
	CHECK_STR("- Write to support@example.org.\n"
	    "- Visit http://help.example.org/.\n"
	    "- Read the other page too.\n"
	    "- A local link is not shown.\n"
	    "\n"
	    "Text with raw markup & a ?-OTR?v2? string.", text_of(g, s),
	    "mailto, URL-as-text, relative and javascript links, HTML, ?OTR");
	CHECK_STR("helpdesk hotline", guide_section_keywords(g, (size_t)s),
	    "section keywords comment");
	CHECK_STR("", guide_section_keywords(g, 0), "no keywords on intro");
	guide_free(g);
}

static void
test_pseudo_headings(void)
{
	struct guide *g = load_one("pages/fr/Virus.md", "en");
	long p = 0, s;

	CHECK_STR("fr", guide_page_lang(g, 0), "language from fr/ folder");
	CHECK_INT(3, guide_page_nsections(g, 0), "three sections");
	CHECK_STR("Virus", guide_section_heading(g, 0), "H1 section");
	CHECK_STR("Un texte d'accueil qui présente la page.",
	    guide_section_text(g, 0), "intro text");
	CHECK(guide_section_shown(g, guide_nsections(g)) == NULL,
	    "no such section: nothing shown");
	s = section_by_heading(g, p, "Les bons réflexes :");
	CHECK(s >= 0, "pseudo-heading ending in ':' with &nbsp;");
	CHECK_STR("- Coupez le réseau de la machine.\n"
	    "- Écrivez l'heure quelque part.", text_of(g, s),
	    "'- .' debris and trailing &nbsp; removed");
	CHECK_INT(2, s >= 0 ? guide_section_level(g, (size_t)s) : 0,
	    "pseudo-heading one below the H1");
	s = section_by_heading(g, p, "Logiciel antivirus");
	CHECK_STR("Un antivirus tenu à jour arrête la plupart des menaces "
	    "ordinaires.\n\nCeci est une phrase courte.\n\n"
	    "(Note du traducteur)\n\n"
	    "Fin de la page avec un dernier paragraphe qui conclut.",
	    text_of(g, s),
	    "sentences and bracketed asides are not headings");
	guide_free(g);

	/* A page organised with '#' headings keeps its short lines. */
	check_render("# T\n\nIntro.\n\n## A\n\nShort line\n\nText.\n\n"
	    "## B\n\nOther line\n\nMore.\n",
	    "Intro.|Short line\n\nText.|Other line\n\nMore.",
	    "no pseudo-headings in a page with real sub-headings");
	check_render("# T\n\nIntro.\n\nlower case line\n\nText.\n",
	    "Intro.\n\nlower case line\n\nText.",
	    "a line starting lower-case is not a heading");
	check_render("# T\n\nIntro.\n\nLast line\n",
	    "Intro.\n\nLast line", "a heading needs text after it");
	/* A glossary: each "**Term**: definition" item is a section. */
	check_render("# Glossary\n\n- **DNS**: the phone book.\n"
	    "- **Host:** where it lives.\n  - a detail\n- **SSL**: old TLS.\n",
	    "the phone book.|where it lives.\n  - a detail|old TLS.",
	    "glossary items become sections (the empty H1 borrows no term)");
	check_render("# G\n\n- .Un : premier.\n- Deux&nbsp;: second.\n"
	    "- Trois : 3.\n- Quatre : 4.\n- Cinq : 5.\n",
	    "premier.|second.|3.|4.|5.",
	    "a converted glossary without emphasis, five items alike");
	check_render("# T\n\n- **A**: one.\n- plain\n- **B**: two.\n",
	    "- A: one.\n- plain\n- B: two.",
	    "a list with a plain item among three is not a glossary");
	check_render("# T\n\nIntro.\n\nA line\nthat continues\n\nText.\n",
	    "Intro.\n\nA line that continues\n\nText.",
	    "a two-line paragraph is not a heading");
}

/* Section of the page whose path ends with name, by heading path. */
static long
section_by_path(const struct guide *g, const char *name, const char *path)
{
	long p = page_by_name(g, name);
	size_t i, first;

	if (p < 0)
		return -1;
	first = guide_page_first_section(g, (size_t)p);
	for (i = first; i < first + guide_page_nsections(g, (size_t)p); i++)
		if (strcmp(guide_section_path(g, i), path) == 0)
			return (long)i;
	return -1;
}

/* How pages whose sections have no '#' (cuts/fr) are cut around lists:
 * glossaries, lists of links and numbered steps. */
static void
test_list_cuts(void)
{
	struct guide *g = guide_new();
	char path[1200];
	long s;

	(void)util_snprintf(path, sizeof(path), "%s/cuts", fixdir);
	CHECK_INT(2, guide_load_dir(g, path, "en"), "cuts pages load");
	free(log_take());

	/* A glossary under a pseudo-heading sits below it. */
	s = section_by_path(g, "Lexique.md", "Lexique \xe2\x80\xba Routeur");
	CHECK_STR("la boîte qui relie la maison à Internet.", text_of(g, s),
	    "glossary term below its pseudo-heading, in its path");
	CHECK_INT(2, s >= 0 ? guide_section_level(g, (size_t)s) : 0,
	    "glossary term one level below the pseudo-heading");
	CHECK(section_by_path(g, "Lexique.md", "Lexique") < 0,
	    "an empty heading over a glossary shows no term as its own");
	CHECK_INT(5, guide_page_nsections(g, (size_t)page_by_name(g,
	    "Lexique.md")), "one section per term");
	CHECK_STR("Lexique", guide_page_title(g, (size_t)page_by_name(g,
	    "Lexique.md")), "the title stays");

	/* "Name : link" items are a list of links, not of terms. */
	s = section_by_path(g, "Nettoyage.md",
	    "Nettoyage \xe2\x80\xba Outils en ligne");
	CHECK_STR("Ces outils gratuits analysent un ordinateur depuis le "
	    "navigateur.\n\n"
	    "- Alpha Scan (Windows) : http://alpha.example.org/scan/\n"
	    "- BetaCheck : http://beta.example.net/\n"
	    "- Gamma (Mac) : https://gamma.example.com/\n"
	    "- Delta Online : http://delta.example.org/\n"
	    "- Epsilon (Linux) : http://epsilon.example.org/\n\n"
	    "Gardez l'outil à jour avant de lancer une analyse.",
	    text_of(g, s), "a list of links stays in its section");
	CHECK(section_by_heading(g, page_by_name(g, "Nettoyage.md"),
	    "BetaCheck") < 0, "a link's name is no heading");

	/* "Étape 1 : ..., Étape 2 : ..." is a procedure, kept whole. */
	s = section_by_path(g, "Nettoyage.md",
	    "Nettoyage \xe2\x80\xba Marche à suivre");
	CHECK_STR("- Étape 1 : Débranchez la machine du réseau avant toute "
	    "chose.\n"
	    "- Étape 2 : Notez ce que vous voyez à l'écran.\n"
	    "- Étape 3 : Lancez l'analyse complète du disque dur.\n"
	    "- Étape 4 : Supprimez ce que l'outil a trouvé.\n"
	    "- Étape 5 : Changez vos mots de passe depuis un autre appareil.",
	    text_of(g, s), "numbered steps are not a glossary");

	/* After a glossary, the text is its heading's again. */
	s = section_by_path(g, "Nettoyage.md",
	    "Nettoyage \xe2\x80\xba Mots à connaître");
	CHECK_STR("Si l'outil ne trouve rien, demandez de l'aide à une "
	    "personne de confiance.", text_of(g, s),
	    "text after a glossary goes back to the heading above it");
	s = section_by_path(g, "Nettoyage.md", "Nettoyage \xe2\x80\xba "
	    "Mots à connaître \xe2\x80\xba Bac à sable");
	CHECK_STR("un endroit où l'on ouvre un fichier sans risque.",
	    text_of(g, s), "the last term keeps its own definition only");
	CHECK_INT(3, s >= 0 ? guide_section_level(g, (size_t)s) : 0,
	    "terms one level below a pseudo-heading under an H1");
	guide_free(g);
}

/* An H1 that is the title but for its case, spaces or final '?' is the
 * page's introduction, spelled like the title. */
static void
test_title_h1(void)
{
	struct guide *g = guide_new();

	CHECK_INT(0, LOAD(g, "a.md", "---\ntitle: \"Lost devices\"\n---\n"
	    "# Lost  devices?\n\nText.\n\n## Next\n\nMore.\n", "en"),
	    "page with a near-title H1 loads");
	CHECK_STR("Lost devices", guide_section_heading(g, 0),
	    "H1 spelled like the title");
	CHECK_STR("Lost devices \xe2\x80\xba Next", guide_section_path(g, 1),
	    "the path under it too");
	CHECK_INT(0, LOAD(g, "b.md", "---\ntitle: \"Resources\"\n---\n"
	    "# Helpful resources\n\nText.\n", "en"), "other H1 loads");
	CHECK_STR("Helpful resources", guide_section_heading(g, 2),
	    "an H1 with other words keeps them");
	guide_free(g);
}

/* What links between pages say of their targets (links/fr): an index
 * page's entries, link texts, whichever page loads first. */
static void
test_link_anchors(void)
{
	struct guide *g = guide_new();
	char path[1200];

	(void)util_snprintf(path, sizeof(path), "%s/links", fixdir);
	CHECK_INT(3, guide_load_dir(g, path, "en"), "links pages load");
	free(log_take());
	CHECK_STR("Votre ordinateur rame ? (Il plante, il chauffe, il fait du "
	    "bruit ?)", guide_page_anchors(g, (size_t)page_by_name(g,
	    "Lenteur.md")), "an index entry, by permalink, loaded later");
	CHECK_STR("Vos fichiers ont disparu (Vous avez effacé un dossier par "
	    "erreur ?)\nla page des sauvegardes", guide_page_anchors(g,
	    (size_t)page_by_name(g, "Sauvegardes.md")),
	    "by file name with '.md#part'; a long paragraph gives its link only");
	CHECK_STR("l'accueil", guide_page_anchors(g, (size_t)page_by_name(g,
	    "Accueil.md")), "a link to a page loaded before; not to itself, "
	    "not out of the guide");
	CHECK(strstr(guide_section_text(g, 0), "Votre ordinateur rame ? (Il "
	    "plante") != NULL, "the index page's own text is unchanged");
	guide_free(g);

	/* Another folder is another guide: no link crosses it. */
	g = guide_new();
	CHECK_INT(0, LOAD(g, "a/index.md", "# A\n\n- [Go](Page)\n", "en"),
	    "index in a/");
	CHECK_INT(0, LOAD(g, "b/Page.md", "# Page\n\nText.\n", "en"),
	    "page in b/");
	CHECK_STR("", guide_page_anchors(g, 1), "no link from another folder");
	guide_free(g);
}

static void
test_entities_urls(void)
{
	struct guide *g = load_one("pages/fr/Etapes.md", "en");
	long s;
	const char *list = "- Analyse en ligne : "
	    "http://scan.example.org/ma_page/\n"
	    "- Écrire à https://aide.example.net/contact@example.net";

	s = section_by_heading(g, 0, "Étape 2 : joindre l'équipe ?");
	CHECK(s >= 0, "heading: &nbsp; decoded, emphasis dropped");
	CHECK_STR(list, text_of(g, s), "\\_ unescaped, URL stops at &nbsp;, "
	    "URL+e-mail kept as text");
	CHECK_STR(list, guide_section_text(g, 0),
	    "empty H1 borrows its first child's text");
	s = section_by_heading(g, 0, "Étape 3");
	CHECK_STR("Le texte de la sous-étape.", text_of(g, s),
	    "empty parent borrows past an empty child");
	CHECK(section_by_heading(g, 0, "Sous-étape vide") < 0,
	    "empty section without children dropped");
	guide_free(g);
}

static void
test_messy_front_matter(void)
{
	struct guide *g = load_one("pages/fr/Aide.md", "en");

	CHECK_STR("Aide", guide_page_title(g, 0), "bare title");
	CHECK_STR("Première ligne du résumé qui se poursuit ici.",
	    guide_page_summary(g, 0), "folded summary, duplicate key");
	CHECK_STR("fr", guide_page_lang(g, 0), "no language key: folder");
	CHECK_INT(1, guide_nsections(g), "one section");
	CHECK_STR("Aide", guide_section_heading(g, 0),
	    "setext H1 glued to the closing ---");
	CHECK_INT(1, guide_section_level(g, 0), "setext level 1");
	CHECK_STR("- Association X\n"
	    "  - site : https://x.example.org\n"
	    "  - courriel : contact@x.example.org\n"
	    "- Association Y\n"
	    "  - site : https://y.example.org/\n"
	    "\n"
	    "- premier point\n"
	    "- second point", guide_section_text(g, 0),
	    "1-space and 4-space children nested, e-mail target, • bullets");
	guide_free(g);
}

static void
test_bad_yaml(void)
{
	struct guide *g;
	char *log;

	free(log_take());
	g = load_one("pages/ru/Broken.md", "en");
	log = log_take();
	CHECK(strstr(log, "Broken.md:5: front matter is not valid YAML") !=
	    NULL, "warning names file and line");
	CHECK_STR("Сломанная страница", guide_page_title(g, 0),
	    "title read line by line");
	CHECK_STR("ru", guide_page_lang(g, 0), "language read line by line");
	CHECK_STR("/ru/broken/", guide_page_permalink(g, 0),
	    "key without space after ':' rescued");
	CHECK_STR("Текст страницы.", guide_section_text(g, 0), "body");
	free(log);
	guide_free(g);
}

static void
test_front_matter_buffers(void)
{
	struct guide *g = guide_new();

	LOAD(g, "a.md", "---\ntitle: First\ntitle: \"Second &nbsp;*one*\"\n"
	    "keywords: \"alpha, beta;gamma\"\nsummary: \" spaced\n  "
	    "quote\"\ndate: 2015-08\n---\n# H\n\nText.\n", "en");
	CHECK_STR("Second one", guide_page_title(g, 0),
	    "duplicate key: last wins; title normalised");
	CHECK_STR("alpha beta gamma", guide_page_keywords(g, 0),
	    "keywords as a comma-separated string");
	CHECK_STR("spaced quote", guide_page_summary(g, 0),
	    "quoted summary closed on the next line");
	CHECK(guide_page_permalink(g, 0) == NULL, "no permalink");
	LOAD(g, "dir/b.md", "# \n\nNo title anywhere.\n", "en");
	CHECK_STR("b", guide_page_title(g, 1), "title from the file name");
	LOAD(g, "c.md", "---\ntitle: \"\"\n---\nJust text.\n", "en");
	CHECK_STR("c", guide_page_title(g, 2), "empty title: file name");
	guide_free(g);
}

/* An empty heading followed by one of its level heads no section: its
 * words are not the page's title, nor any section's path. */
static void
test_empty_heading(void)
{
	struct guide *g = guide_new();
	size_t i;
	char *log;

	LOAD(g, "a.md", "## Zebra crossing\n\n## Second\n\nSecond text.\n",
	    "en");
	CHECK_STR("Second", guide_page_title(g, 0),
	    "title from the first heading of a section, not an empty one");
	CHECK_INT(1, guide_page_nsections(g, 0), "the empty heading is left out");
	LOAD(g, "b.md", "Before.\n\n## Zebra crossing\n\n## Second\n\n"
	    "Second text.\n\n## Third\n\nThird text.\n", "en");
	for (i = guide_page_first_section(g, 1); i <
	    guide_page_first_section(g, 1) + guide_page_nsections(g, 1); i++)
		CHECK(strstr(guide_section_path(g, i), "Zebra") == NULL,
		    "no section's path holds the empty heading");
	LOAD(g, "c.md", "## Parent\n\n### Child\n\nChild text.\n", "en");
	CHECK_STR("Parent", guide_page_title(g, 2),
	    "an empty parent that borrows its child's text is a section");
	CHECK_STR("Child text.", guide_section_text(g,
	    guide_page_first_section(g, 2)), "...with its child's text");
	/* A glossary's heading never borrows a term's text, but its terms
	 * are below it: it is the page's title, not its first term. */
	LOAD(g, "d.md", "# Glossary\n\n"
	    "- **Two-factor authentication**: a second proof of who you "
	    "are.\n"
	    "- **Phishing**: a message that lies about who sent it.\n"
	    "- **Malware**: a program that works for someone else.\n", "en");
	CHECK_STR("Glossary", guide_page_title(g, 3),
	    "an empty heading over sub-sections (a glossary's) is the title");
	CHECK_INT(3, guide_page_nsections(g, 3), "...its terms the sections");
	/* The asks under an empty first H1, no section and not the title:
	 * the page's, not lost. */
	LOAD(g, "e.md", "# Staying safe online\n\n"
	    "<!-- asks:\nhow do i stay safe online\n-->\n\n"
	    "# Passwords\n\nUse a password manager.\n\n"
	    "# Updates\n\nInstall them when they come.\n", "en");
	CHECK_STR("Passwords", guide_page_title(g, 4),
	    "an empty H1 followed by another H1 is not the title");
	CHECK_STR("how do i stay safe online", guide_page_asks(g, 4),
	    "...and the asks block under it is the page's");
	/* Nor under an empty heading further down (one followed by a
	 * heading of its level, or the page's last): no section, so the
	 * page's, with a warning naming the page and the heading. */
	free(log_take());
	LOAD(g, "f.md", "# Chat apps\n\nIt depends on who you talk to.\n\n"
	    "## Choosing an app\n\n"
	    "<!-- asks:\nwhich messenger is best for a journalist\n-->\n\n"
	    "## Signal\n\nSignal encrypts calls.\n\n"
	    "## Later\n\n<!-- asks:\nwhat comes next\n-->\n", "en");
	log = log_take();
	CHECK_STR("which messenger is best for a journalist\nwhat comes next",
	    guide_page_asks(g, 5), "asks under an empty heading further "
	    "down are the page's, not lost");
	CHECK_INT(2, guide_page_nsections(g, 5),
	    "...the empty headings are still no sections");
	CHECK(strstr(log, "f.md: asks block under \"Choosing an app\", a "
	    "heading with no text: kept as the page's") != NULL,
	    "...with a warning naming the page and the heading");
	free(log);
	guide_free(g);
}

static void
test_no_front_matter(void)
{
	struct guide *g = load_one("pages/NoFront.md", "fr");

	CHECK_STR("A title line", guide_page_title(g, 0),
	    "title from the first (pseudo-)heading");
	CHECK_STR("en", guide_page_lang(g, 0), "language from the text");
	CHECK_INT(2, guide_nsections(g), "two sections");
	CHECK_STR("Second part", guide_section_heading(g, 1),
	    "pseudo-heading in a page without '#'");
	guide_free(g);
}

static void
test_language(void)
{
	struct guide *g = load_one("guide/Telephone.md", "en");

	CHECK_STR("fr", guide_page_lang(g, 0),
	    "French text in a folder named guide/");
	guide_free(g);
	g = guide_new();
	LOAD(g, "x/page.es.md", "# T\n\nThe text.\n", "fr");
	LOAD(g, "x/page.md", "---\nlanguage: EN-us\n---\n# T\n\nx\n", "fr");
	LOAD(g, "de/page.md", "# T\n\nx\n", "fr");
	LOAD(g, "page.md", "# T\n\nxyz\n", "fr");
	LOAD(g, "fr/page.md", "# T\n\nThe page is in English "
	    "and it says so: this is the text of the page and all of it is "
	    "in the language of the people who wrote it, with the words that "
	    "tell it from the others, as it was and as it is.\n", "fr");
	CHECK_STR("es", guide_page_lang(g, 0), "name.es.md suffix");
	CHECK_STR("en", guide_page_lang(g, 1), "front matter EN-us");
	CHECK_STR("de", guide_page_lang(g, 2), "de/ folder");
	CHECK_STR("fr", guide_page_lang(g, 3), "default");
	CHECK_STR("en", guide_page_lang(g, 4),
	    "English page in fr/ folder reads as English");
	guide_free(g);
}

/* This desk's own pages are told by their file stem. */
static void
test_desk_pages(void)
{
	struct guide *g = guide_new();

	LOAD(g, "x/phone.en.md", "# Lost phone\n\nWhat to do.\n", "en");
	CHECK_INT(0, (long)guide_desk_pages(g), "no desk page");
	LOAD(g, "x/this-desk.en.md", "# How to use this desk\n\nTOPICS.\n",
	    "en");
	LOAD(g, "fr/this-desk.md", "# Ce service\n\nSUJETS.\n", "en");
	LOAD(g, "x/this-desk-old.en.md", "# Old\n\nOld.\n", "en");
	CHECK_INT(2, (long)guide_desk_pages(g), "two desk pages, by stem");
	guide_free(g);
}

/* A section in another language: the same place on its page's
 * translation, and only a translation section for section. */
static void
test_section_in_lang(void)
{
	struct guide *g = guide_new();
	size_t en, fr, es;

	LOAD(g, "x/phone.en.md", "# Lost phone\n\nWhat to do.\n\n"
	    "## Lock it\n\nLock it from afar now.\n\n"
	    "## SIM card\n\nCall the operator.\n", "en");
	LOAD(g, "fr/phone.md", "# Téléphone perdu\n\nQue faire.\n\n"
	    "## Le verrouiller\n\nVerrouillez-le à distance.\n\n"
	    "## Carte SIM\n\nAppelez l'opérateur.\n", "en");
	/* Spanish, but one section fewer: no translation section for
	 * section. */
	LOAD(g, "x/phone.es.md", "# Teléfono perdido\n\nQué hacer.\n\n"
	    "## Bloquearlo\n\nBloquéalo a distancia ahora.\n", "en");
	/* A glossary in each language's alphabetical order: "SSL" is not
	 * at the same place. */
	LOAD(g, "x/glossary.en.md", "# Glossary\n\n## DNS\n\nNames.\n\n"
	    "## Hibernate\n\nSleep deeper.\n\n## SSL\n\nLocks.\n", "en");
	LOAD(g, "x/glossary.fr.md", "# Glossaire\n\n## DNS\n\nNoms.\n\n"
	    "## SSL\n\nVerrous.\n\n## Veille\n\nDormir.\n", "en");
	en = guide_page_first_section(g, 0);
	fr = guide_page_first_section(g, 1);
	es = guide_page_first_section(g, 2);
	CHECK_INT(3, (long)guide_page_nsections(g, 1), "three sections");
	CHECK(guide_section_in_lang(g, en + 2, "fr") == fr + 2,
	    "English SIM card -> French Carte SIM");
	CHECK(guide_section_in_lang(g, fr + 1, "en") == en + 1,
	    "and back");
	CHECK(guide_section_in_lang(g, en + 1, "en") == en + 1,
	    "its own language: itself");
	CHECK(guide_section_in_lang(g, en + 1, "es") == GUIDE_NONE,
	    "Spanish page with another outline: none");
	CHECK(guide_section_in_lang(g, es, "en") == GUIDE_NONE,
	    "nor the other way");
	CHECK(guide_section_in_lang(g, en, "de") == GUIDE_NONE,
	    "no German page");
	CHECK(guide_section_in_lang(g, guide_page_first_section(g, 3) + 2,
	    "fr") == GUIDE_NONE, "glossary in another order: none");
	CHECK(guide_section_in_lang(g, guide_nsections(g), "fr") ==
	    GUIDE_NONE, "no such section");
	guide_free(g);
}

static void
test_broken_dir(void)
{
	struct guide *g = guide_new();
	char path[1200], *log;
	long p;

	free(log_take());
	(void)util_snprintf(path, sizeof(path), "%s/broken", fixdir);
	CHECK_INT(2, guide_load_dir(g, path, "en"), "two of three pages load");
	log = log_take();
	CHECK(strstr(log, "Junk.md: binary file") != NULL,
	    "binary page skipped with a warning naming it");
	CHECK(strstr(log, "Latin1.md:6: invalid UTF-8") != NULL,
	    "invalid UTF-8 warned with its line");
	p = page_by_name(g, "Latin1.md");
	CHECK_STR("Un café très chaud.", text_of(g, section_by_heading(g, p,
	    "Café")), "stray Latin-1 bytes read as such");
	CHECK(page_by_name(g, "Good.md") >= 0, "good page loaded");
	free(log);
	CHECK_INT(-1, guide_load_dir(g, "/nonexistent/dir", "en"),
	    "unreadable dir");
	free(log_take());
	guide_free(g);
}

static void
test_buffers(void)
{
	struct guide *g = guide_new();
	char *big, *log;
	size_t i;

	free(log_take());
	big = xmalloc(1100 * 1024);
	memset(big, 'a', 1100 * 1024);
	CHECK_INT(-1, guide_load_buffer(g, "big.md", big, 1100 * 1024, "en"),
	    "file over 1 MiB skipped");
	log = log_take();
	CHECK(strstr(log, "big.md:") != NULL, "size warning names the file");
	free(log);
	/* Deep nesting must not blow the stack. */
	for (i = 0; i < 100000; i++)
		big[i] = i % 2 ? ' ' : '>';
	CHECK_INT(0, guide_load_buffer(g, "deep.md", big, 100000, "en"),
	    "deeply nested quotes load");
	{
		struct buf lists;

		buf_init(&lists);
		for (i = 0; i < 3000; i++)
			buf_addf(&lists, "%*s- x\n", (int)(i % 40), "");
		CHECK_INT(0, guide_load_buffer(g, "lists.md", lists.s,
		    lists.len, "en"), "deeply nested lists load");
		buf_release(&lists);
	}
	free(big);
	CHECK_INT(0, LOAD(g, "empty.md", "", "en"), "empty page loads");
	CHECK_INT(0, LOAD(g, "open.md", "---\ntitle: x\n", "en"),
	    "unclosed front matter loads");
	log = log_take();
	CHECK(strstr(log, "open.md:1: front matter never closed") != NULL,
	    "unclosed front matter warned");
	free(log);
	CHECK_INT(0, LOAD(g, "fm.md", "---\n---\n# H\n\nT\n", "en"),
	    "empty front matter");
	CHECK_INT(0, LOAD(g, "list.md", "---\n- a\n- b\n---\nT\n", "en"),
	    "front matter that is not a mapping");
	log = log_take();
	CHECK(strstr(log, "list.md:2:") != NULL, "non-mapping warned");
	free(log);
	guide_free(g);

	check_render("A\x01 b\x7f c\x1b[31m d\r\ne\tf\n",
	    "A b c[31m d e f", "control characters dropped, CRLF read");
	check_render("\xef\xbb\xbf# T\n\nx\n", "x", "BOM skipped");
	check_render("a < b > c &amp; <!-- gone --> d\n",
	    "a ‹ b › c & d", "no raw < or > left, comments dropped");
	check_render("x\n\n<!--\nhidden\n\nparagraphs\n-->\n\ny\n", "x\n\ny",
	    "multi-paragraph comment dropped");
	check_render("<div>\n<b>Bold</b> text\n</div>\n", "Bold text",
	    "HTML block: tags dropped");
	check_render("[http://a.example](https://a.example/)\n",
	    "https://a.example/", "URL as link text: target shown once");
	check_render("[a@b.example](mailto:c@b.example?subject=x)\n",
	    "c@b.example", "e-mail text: target address shown");
	check_render("[Page](/DFAK/fr/Page/) and [x](#y)\n", "Page and x",
	    "site-relative and anchor links: text only");
	check_render("[](https://e.example)\n", "https://e.example",
	    "empty link text: URL");
	check_render("**Label**: text _em_ snake_case *x\n",
	    "Label: text em snake_case *x", "emphasis dropped");
	check_render("Line one  \nline two\n", "Line one\nline two",
	    "hard break kept");
	check_render("- a\n\n    continued\n- b\n",
	    "- a\n  continued\n- b", "item continuation paragraph");
	check_render("3. c\n4. d\n", "3. c\n4. d", "ordered list start");
	check_render("- .\n- ok\n", "- ok", "lone-dot item dropped");
	check_render("- . spaced\n", "- spaced", "'- . ' debris");
	check_render("- .NET is a name\n", "- .NET is a name",
	    "one '.X' item is not debris");
	check_render("- a\n-b\n", "- a -b", "'-b' merges into the item");
	check_render("x ?OTR?v3? y ?otr\n", "x ?-OTR?v3? y ?-otr",
	    "?OTR defanged");
	g = guide_new();
	CHECK_INT(-1, guide_load_buffer(g, "nul.md", "\0junk", 5, "en"),
	    "NUL byte: skipped");
	CHECK_INT(0, guide_npages(g), "nothing kept");
	guide_free(g);
	free(log_take());
}

/* Is s valid UTF-8 to its end? */
static int
utf8_ok(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t len = strlen(s), i = 0, n;
	uint32_t c;

	while (i < len) {
		if ((n = util_utf8_decode(u + i, len - i, &c)) == 0)
			return 0;
		i += n;
	}
	return 1;
}

/* How many lines a block of questions holds (one a line, no final
 * newline). */
static size_t
block_lines(const char *a)
{
	size_t lines = 1;

	for (; *a != '\0'; a++)
		lines += *a == '\n';
	return lines;
}

/* The "<!-- asks:" blocks: whose they are, never in the text, bounded, and
 * a block left open costs no text. */
static void
test_asks(void)
{
	static const char page[] =
	    "---\ntitle: Lost phone\n---\n\n"
	    "# Lost phone\n\n"
	    "<!-- asks:\nmy cell is gone\nsomeone nicked my mobile\n-->\n\n"
	    "What to do first.\n\n"
	    "## Lock it from afar\n\n"
	    "<!-- keywords: wipe -->\n\n"
	    "<!-- asks:\n  how do i erase my mobile from far away  \n"
	    "is there a way to lock a <stolen> handset ?OTR\n\n"
	    "can they read my chats\n-->\n\n"
	    "Use the service that finds the device.\n\n"
	    "## Tell your friends\n\n"
	    "<!-- asks:\nshould i warn my mates\n"
	    "what do i tell my contacts\n\n"
	    "Tell them the phone is gone.\n"
	    "## Last steps\n\n"
	    "<!-- asks:\nstill open here\n"
	    "## Buy a new one\n\n"
	    "Keep the box.\n";
	struct guide *g = guide_new();
	long s;
	size_t i;
	char *log;
	struct buf b;

	free(log_take());
	CHECK_INT(0, LOAD(g, "asks.en.md", page, "en"), "asks page loads");
	log = log_take();
	CHECK_STR("my cell is gone\nsomeone nicked my mobile\nstill open here",
	    guide_page_asks(g, 0), "the title's block is the page's (and "
	    "the block under the empty \"Last steps\", below)");
	CHECK_STR("", guide_section_asks(g, 0),
	    "...not the introduction's own");
	s = section_by_heading(g, 0, "Lock it from afar");
	CHECK_STR("how do i erase my mobile from far away\n"
	    "is there a way to lock a <stolen> handset ?OTR\n"
	    "can they read my chats", s < 0 ? NULL :
	    guide_section_asks(g, (size_t)s),
	    "a section's block: one question a line, trimmed, blank lines "
	    "skipped, kept as written (index data, not chat text)");
	CHECK_STR("wipe", s < 0 ? NULL : guide_section_keywords(g, (size_t)s),
	    "keywords beside it unchanged");
	CHECK_STR("Use the service that finds the device.", text_of(g, s),
	    "the section's text has none of them");
	s = section_by_heading(g, 0, "Tell your friends");
	CHECK_STR("Tell them the phone is gone.", text_of(g, s),
	    "a block without '-->' ends at its blank line: the text after "
	    "it stays the section's");
	CHECK_STR("should i warn my mates\nwhat do i tell my contacts",
	    s < 0 ? NULL : guide_section_asks(g, (size_t)s),
	    "...and its questions are still read");
	CHECK(strstr(log, "asks.en.md:29: asks block not closed with '-->'")
	    != NULL && strstr(log, "goes on at line 32") != NULL,
	    "...with an error naming the file, the line, and where the "
	    "text goes on");
	s = section_by_heading(g, 0, "Buy a new one");
	CHECK_STR("Keep the box.", text_of(g, s),
	    "a block left open before a heading does not swallow it");
	CHECK(strstr(log, "asks.en.md:36: asks block not closed") != NULL,
	    "...named too");
	for (i = 0; i < guide_nsections(g); i++)
		CHECK(strstr(guide_section_text(g, i), "nicked") == NULL &&
		    strstr(guide_section_text(g, i), "erase my") == NULL &&
		    strstr(guide_section_text(g, i), "warn my") == NULL &&
		    strstr(guide_section_text(g, i), "still open") == NULL,
		    "no question in any section's text");
	CHECK(guide_page_summary(g, 0) == NULL, "nor a summary made of them");
	free(log);
	guide_free(g);

	/* A page nobody wrote by hand: one huge block, one huge line. */
	g = guide_new();
	buf_init(&b);
	buf_adds(&b, "# Big\n\n<!-- asks:\n");
	for (i = 0; i < 5000; i++)
		buf_addf(&b, "question number %zu\n", i);
	for (i = 0; i < 400; i++)
		buf_adds(&b, "\xc3\xa9");	/* 800 bytes of "é" */
	buf_adds(&b, "\n-->\n\nThe text.\n\n## Part\n\n<!-- asks:\n");
	for (i = 0; i < 400; i++)
		buf_adds(&b, "\xc3\xa9");
	buf_adds(&b, "\n-->\n\nPart text.\n");
	CHECK_INT(0, guide_load_buffer(g, "big.md", b.s, b.len, "en"),
	    "a page with a huge asks block loads");
	log = log_take();
	{
		const char *a = guide_page_asks(g, 0);

		CHECK_INT(24, block_lines(a),
		    "a block keeps its first 24 questions");
		CHECK(strstr(a, "question number 23") != NULL &&
		    strstr(a, "question number 24") == NULL,
		    "...in order");
	}
	CHECK(strstr(log, "big.md:3: asks block of 5001 questions: the "
	    "first 24 kept") != NULL, "...with a warning naming the file");
	s = section_by_heading(g, 0, "Part");
	CHECK(s >= 0 && strlen(guide_section_asks(g, (size_t)s)) <= 320 &&
	    strlen(guide_section_asks(g, (size_t)s)) >= 318,
	    "a question is cut to 320 bytes");
	CHECK(s >= 0 && utf8_ok(guide_section_asks(g, (size_t)s)),
	    "...on a character's edge");
	CHECK(strstr(log, "big.md:5011: 1 question(s) of the asks block longer "
	    "than 320 bytes: cut") != NULL, "...with a warning");
	CHECK_STR("The text.", text_of(g, 0), "the text is whole");
	free(log);
	buf_release(&b);
	guide_free(g);

	/* A page's blocks together: 96 asks (four blocks' worth), the
	 * title's and its sections' in the order they stand, as its
	 * not-asks are bounded (test_notasks()). */
	g = guide_new();
	buf_init(&b);
	buf_adds(&b, "# Many\n\n<!-- asks:\n");
	for (i = 0; i < 4; i++)
		buf_addf(&b, "title ask %zu\n", i);
	buf_adds(&b, "-->\n\nThe text.\n");
	for (i = 0; i < 240; i++) {
		if (i % 24 == 0)
			buf_addf(&b, "%s\n## Part %zu\n\n<!-- asks:\n",
			    i > 0 ? "-->\n\nSome text.\n" : "", i / 24);
		buf_addf(&b, "section ask %zu\n", i);
	}
	buf_adds(&b, "-->\n\nSome text.\n");
	CHECK_INT(0, guide_load_buffer(g, "many.md", b.s, b.len, "en"),
	    "a page with many asks blocks loads");
	log = log_take();
	{
		size_t kept = block_lines(guide_page_asks(g, 0)), last = 0;

		for (i = 0; i < guide_nsections(g); i++) {
			const char *a = guide_section_asks(g, i);

			if (*a != '\0') {
				kept += block_lines(a);
				last = i;
			}
		}
		CHECK_INT(96, kept, "a page keeps 96 asks, all blocks "
		    "together");
		CHECK_INT(4, block_lines(guide_page_asks(g, 0)),
		    "...the title's first");
		CHECK(strstr(guide_section_asks(g, last), "section ask 91") !=
		    NULL && strstr(guide_section_asks(g, last),
		    "section ask 92") == NULL, "...then the sections' first "
		    "ones, in order");
		s = section_by_heading(g, 0, "Part 9");
		CHECK_STR("", s < 0 ? NULL : guide_section_asks(g, (size_t)s),
		    "...a section past the bound has none");
		CHECK_STR("Some text.", text_of(g, s), "...and its text");
	}
	CHECK(strstr(log, "many.md: 244 asks in its blocks: the first 96 "
	    "kept") != NULL, "...with a warning naming the file");
	free(log);
	buf_release(&b);
	guide_free(g);
}

/* The "<!-- not-asks:" blocks (questions the page does not answer): the
 * page's wherever they stand, apart from its asks, never in the text, read
 * by the asks' reader (its bounds, and a block left open costs no text). */
static void
test_notasks(void)
{
	static const char page[] =
	    "---\ntitle: Lost phone\n---\n\n"
	    "# Lost phone\n\n"
	    "<!-- asks:\nmy cell is gone\n-->\n\n"
	    "<!-- not-asks:\nmy cell has no signal\n"
	    "  how do i buy a <cheap> phone ?OTR  \n\n"
	    "-->\n\n"
	    "What to do first.\n\n"
	    "## Lock it from afar\n\n"
	    "<!-- not-asks:\ncan i track my child's phone\n-->\n\n"
	    "Use the service that finds the device.\n\n"
	    "## Tell your friends\n\n"
	    "<!-- NOT-ASKS:\nhow do i block a contact\n"
	    "Tell them the phone is gone.\n\n"
	    "They may get odd messages.\n";
	struct guide *g = guide_new();
	struct buf b;
	long s;
	size_t i;
	char *log;

	free(log_take());
	CHECK_INT(0, LOAD(g, "notasks.en.md", page, "en"),
	    "not-asks page loads");
	log = log_take();
	CHECK_STR("my cell is gone", guide_page_asks(g, 0),
	    "the page's asks have no not-ask");
	CHECK_STR("my cell has no signal\n"
	    "how do i buy a <cheap> phone ?OTR\n"
	    "can i track my child's phone\n"
	    "how do i block a contact\n"
	    "Tell them the phone is gone.", guide_page_notasks(g, 0),
	    "every not-asks block is the page's: one question a line, "
	    "trimmed, as written (index data, not chat text)");
	s = section_by_heading(g, 0, "Lock it from afar");
	CHECK_STR("", s < 0 ? NULL : guide_section_asks(g, (size_t)s),
	    "...not a section's asks");
	CHECK_STR("Use the service that finds the device.", text_of(g, s),
	    "...nor a section's text");
	s = section_by_heading(g, 0, "Tell your friends");
	CHECK_STR("They may get odd messages.", text_of(g, s),
	    "a block without '-->' ends at its blank line: the text after "
	    "it stays the section's");
	CHECK(strstr(log, "notasks.en.md:29: not-asks block not closed with "
	    "'-->'") != NULL && strstr(log, "goes on at line 32") != NULL,
	    "...with an error naming the file, the line, and where the "
	    "text goes on");
	for (i = 0; i < guide_nsections(g); i++)
		CHECK(strstr(guide_section_text(g, i), "signal") == NULL &&
		    strstr(guide_section_text(g, i), "track my") == NULL &&
		    strstr(guide_section_heading(g, i), "cheap") == NULL,
		    "no not-ask in any section's text or heading");
	CHECK_STR("", guide_page_notasks(g, 1), "no page 1: empty");
	free(log);
	guide_free(g);

	/* Bounds: the asks' (24 questions, 320 bytes), with warnings. */
	g = guide_new();
	buf_init(&b);
	buf_adds(&b, "# Big\n\n<!-- not-asks:\n");
	for (i = 0; i < 30; i++)
		buf_addf(&b, "not this one %zu\n", i);
	for (i = 0; i < 400; i++)
		buf_adds(&b, "\xc3\xa9");
	buf_adds(&b, "\n-->\n\nThe text.\n");
	CHECK_INT(0, guide_load_buffer(g, "bignot.md", b.s, b.len, "en"),
	    "a page with a huge not-asks block loads");
	log = log_take();
	{
		const char *a = guide_page_notasks(g, 0);

		CHECK_INT(24, block_lines(a),
		    "a not-asks block keeps 24 questions");
		CHECK(strstr(a, "not this one 23") != NULL &&
		    strstr(a, "not this one 24") == NULL, "...its first ones");
	}
	CHECK(strstr(log, "bignot.md:3: not-asks block of 31 questions: the "
	    "first 24 kept") != NULL, "...with a warning naming the file");
	CHECK_STR("The text.", text_of(g, 0), "the text is whole");
	free(log);
	buf_release(&b);
	guide_free(g);

	/* A page's blocks together: 96 questions (four blocks' worth). */
	g = guide_new();
	buf_init(&b);
	buf_adds(&b, "# Many\n\n");
	for (i = 0; i < 120; i++) {
		if (i % 20 == 0)
			buf_adds(&b, i > 0 ? "-->\n\n<!-- not-asks:\n" :
			    "<!-- not-asks:\n");
		buf_addf(&b, "not this one %zu\n", i);
	}
	buf_adds(&b, "-->\n\nThe text.\n");
	CHECK_INT(0, guide_load_buffer(g, "manynot.md", b.s, b.len, "en"),
	    "a page with many not-asks blocks loads");
	log = log_take();
	{
		const char *a = guide_page_notasks(g, 0);

		CHECK_INT(96, block_lines(a),
		    "a page keeps 96 not-asks, all blocks together");
		CHECK(strstr(a, "not this one 95") != NULL &&
		    strstr(a, "not this one 96") == NULL, "...its first ones");
	}
	CHECK(strstr(log, "manynot.md: 120 not-asks in its blocks: the "
	    "first 96 kept") != NULL, "...with a warning naming the file");
	CHECK_STR("The text.", text_of(g, 0), "the text is whole");
	free(log);
	buf_release(&b);
	guide_free(g);
}

static void
test_no_markup_left(void)
{
	struct guide *g = guide_new();
	char path[1200];
	size_t i;
	int bad = 0;

	(void)util_snprintf(path, sizeof(path), "%s/pages", fixdir);
	CHECK(guide_load_dir(g, path, "en") >= 5, "pages load");
	for (i = 0; i < guide_nsections(g); i++) {
		const char *t = guide_section_text(g, i);

		if (!chat_is_safe(t, NULL))
			bad++;
	}
	CHECK_INT(0, bad, "every text is chat-safe (no <, >, tab, CR, ?OTR, "
	    "&nbsp;)");
	free(log_take());
	guide_free(g);
}

/* Where an excerpt of at most chars characters ends, against where it
 * should (the bytes before the expected end's text). */
static void
check_cut(const char *s, const char *lim_at, const char *want_after,
    const char *name)
{
	size_t chars = (size_t)(strstr(s, lim_at) - s) + strlen(lim_at);
	size_t want = (size_t)(strstr(s, want_after) - s) +
	    strlen(want_after);

	CHECK_INT((long)want, (long)guide_excerpt_cut(s, chars), name);
}

/* guide_excerpt_cut(): abbreviations, numbers and numbered items end no
 * sentence (en, fr, es); a sentence that says "below" is not shown
 * without the first line of what it points to. */
static void
test_excerpt_cut(void)
{
	check_cut("Keep it updated. Old systems, i.e. Android 4.4 and older, "
	    "get nothing.", "Android", "updated.", "'i.e.' ends no sentence");
	check_cut("Keep it updated. Use an app, e.g. Signal for calls.",
	    "Signal", "updated.", "'e.g.' before a capital ends no sentence");
	check_cut("Mettez-le à jour. Prenez une appli, p. ex. Signal pour "
	    "appeler.", "Signal", "jour.", "'p. ex.' ends no sentence");
	check_cut("Actualízalo. Usa una app, p.ej. Signal para llamar.",
	    "Signal", "Actualízalo.", "'p.ej.' ends no sentence");
	check_cut("Ask someone you trust. Dr. Ortiz can help you there.",
	    "Ortiz", "trust.", "'Dr.' ends no sentence");
	check_cut("Phones, laptops, etc. and anything else you carry.",
	    "anything", "anything", "'etc.' before a lower-case word ends no "
	    "sentence (the last space instead)");
	check_cut("Steps to follow now:\n2. Open the settings and look.",
	    "settings", "now:", "a numbered item's '2.' ends no sentence");
	check_cut("It was fixed in 2019. Update it now and restart.",
	    "restart", "2019.", "a year ending a sentence still does");
	check_cut("It works. Then the rest goes on.", "rest", "works.",
	    "a plain sentence end still cuts");
	check_cut("An IREX initiative. https://www.irex.org/ helps.", "helps",
	    "initiative.", "...and one before a link");
	check_cut("This part is long enough to be shown alone. Call the "
	    "organisations below early.\n- Access Now: help@accessnow.org\n"
	    "- Front Line Defenders", "Access", "alone.", "a pointer is not "
	    "shown without the first line it points to: the cut goes before "
	    "its sentence");
	check_cut("This part is long enough to be shown alone. Call the "
	    "organisations below early.\n- Access Now: help@accessnow.org\n"
	    "- Front Line Defenders", "Front", "accessnow.org",
	    "...and is kept when that line is shown");
	/* s18-fixk: "Vérifier que c'est bien nous" ended on "la question
	 * du service ;" in chat (en, es the same). */
	check_cut("To know this bot is ours, compare its fingerprint with "
	    "the one the desk published.\n\nYou can also use question and "
	    "answer:\n\n- Type VERIFY. Your app shows the desk's question; "
	    "type the answer the desk gave you.", "type the", "published.",
	    "no cut at a '; ', inside a list item, nor after the line that "
	    "opens the list");
	check_cut("Pour savoir si ce robot est vraiment le nôtre et pas un "
	    "imposteur, comparez son empreinte.\n\nVous pouvez aussi utiliser la question et "
	    "réponse :\n\n- Tapez VERIFIER. Votre application affiche la "
	    "question du service ; tapez la réponse.", "tapez la",
	    "empreinte.", "the same in French (' ; ', ' :')");
	check_cut("Dites-le au service, à un avocat, à une personne de "
	    "confiance ; jamais à celui qui vous écrit", "jamais",
	    "confiance ;", "with no sentence end, a '; ' still cuts");
}

/* guide_excerpt_aim(): a text that must be cut is cut at the last
 * paragraph or list item that fits the phone target, MORE for the rest;
 * one that fits the most is shown whole; with no line end near the
 * target, the cut is guide_excerpt_cut()'s at the most. */
static void
test_excerpt_aim(void)
{
	char long_item[700], s[1200], one[1200];

	memset(long_item, 'x', sizeof(long_item) - 1);
	long_item[sizeof(long_item) - 1] = '\0';
	for (size_t i = 50; i < sizeof(long_item) - 1; i += 50)
		long_item[i] = ' ';
	(void)util_snprintf(s, sizeof(s), "First paragraph, long enough to "
	    "stand alone on a phone screen and say what to do first.\n\n"
	    "- Step one: lock the phone.\n- Step two: %s.\n", long_item);
	CHECK_INT((long)(strstr(s, "lock the phone.") - s) + 15,
	    (long)guide_excerpt_aim(s, 200, 600),
	    "cut at the list item that fits the target, not at the most");
	CHECK_INT((long)strlen(s), (long)guide_excerpt_aim(s, 200,
	    strlen(s) + 10), "a text that fits the most is shown whole");
	(void)util_snprintf(one, sizeof(one), "One paragraph %s.", long_item);
	CHECK_INT((long)guide_excerpt_cut(one, 600),
	    (long)guide_excerpt_aim(one, 200, 600),
	    "one long paragraph: the usual cut at the most");
}

/* guide_excerpt_lead(): an excerpt ending on the sentence that opens
 * what follows stops before it (s18-fixux: the DFAK's Malware
 * introduction in Spanish, too long to show the next part with it). */
static void
test_excerpt_lead(void)
{
	const char *s = "Harmful software can read your messages and send "
	    "your files elsewhere. If you think your device is infected, "
	    "here are some things you can do:";
	const char *t = "Keep records. Report it.";
	const char *u = "Look:";

	CHECK_INT((long)(strstr(s, " If you") - s),
	    (long)guide_excerpt_lead(s, strlen(s)),
	    "before the sentence that ends on a colon");
	CHECK_INT((long)strlen(t), (long)guide_excerpt_lead(t, strlen(t)),
	    "no colon: the cut stays");
	CHECK_INT((long)strlen(u), (long)guide_excerpt_lead(u, strlen(u)),
	    "nothing would stay before it: the cut stays");
}

/* guide_section_shown(): a pointer to another section is named or left
 * out for the reader; the search's text is the page's. */
static void
test_pointers(void)
{
	struct guide *g = guide_new();
	long s;

	LOAD(g, "arrested.en.md", "# Arrested\n\n## Their safety\n\n"
	    "- Find a lawyer.\n- Call the organisations below early.\n\n"
	    "Everything else comes after this.\n\n"
	    "## Devices\n\n- A warning from the state (see below).\n"
	    "- Act in the order below:\n  - lock it\n  - erase it\n\n"
	    "## Organisations that help\n\n- Access Now\n", "en");
	LOAD(g, "arrete.fr.md", "# Arrêté\n\n## Sa sécurité\n\n"
	    "- Contactez les organisations ci-dessous.\n- Un avocat.\n\n"
	    "## Organisations qui aident\n\n- Access Now\n", "fr");
	s = section_by_heading(g, 0, "Their safety");
	CHECK(s >= 0 && strstr(guide_section_shown(g, (size_t)s),
	    "Call the organisations (\xe2\x80\x9cOrganisations that help"
	    "\xe2\x80\x9d) early.") != NULL, "a pointer out of its section "
	    "names the later section it means, for the reader");
	CHECK(strstr(text_of(g, s), "organisations below early") != NULL,
	    "...the search's text is as written");
	s = section_by_heading(g, 0, "Devices");
	CHECK(s >= 0 && strstr(guide_section_shown(g, (size_t)s),
	    "- A warning from the state.\n") != NULL,
	    "a short '(see below)' is left out");
	CHECK(s >= 0 && strstr(guide_section_shown(g, (size_t)s),
	    "Act in the order below:") != NULL,
	    "a pointer followed by what it points to stays");
	s = section_by_heading(g, 1, "Sa sécurité");
	CHECK(s >= 0 && strstr(guide_section_shown(g, (size_t)s),
	    "les organisations (\xc2\xab Organisations qui aident \xc2\xbb)")
	    != NULL, "...in French too");
	s = section_by_heading(g, 0, "Organisations that help");
	CHECK(s >= 0 && guide_section_shown(g, (size_t)s) == text_of(g, s),
	    "a section without one shows its text");
	guide_free(g);
}

/* The kit authors' bracketed notes (guide.c notes_render()): no square
 * brackets for the reader; a cross-reference by a name that is no page's
 * title reads as the title of the page it names, in its page's language,
 * whichever page loads first; the search's text is as written. */
static void
test_notes(void)
{
	struct guide *g = guide_new();
	long s;

	LOAD(g, "en/Seized.md", "---\ntitle: Devices Taken\nlanguage: en\n"
	    "---\n# Devices Taken\n\n## First steps\n\n"
	    "- Turn on two-step login. Not every service offers it [See "
	    "2-step notes from 'Account Hijack' section].\n"
	    "- A checklist [forthcoming]\n- [Other](https://example.org/x)\n",
	    "en");
	LOAD(g, "fr/Seized.md", "---\ntitle: Appareils saisis\n---\n"
	    "# Appareils saisis\n\n## Premières mesures\n\n"
	    "- Activez la connexion en deux étapes [Voir les remarques dans "
	    "la section Piratage de compte].\n- Rien [Voir la section "
	    "Disparue].\n", "en");
	LOAD(g, "en/Hijack.md", "---\ntitle: Account Hijacking\n"
	    "language: en\n---\n# Account Hijacking\n\n## Two-step login\n\n"
	    "A code from your phone.\n", "en");
	LOAD(g, "fr/Hijack.md", "---\ntitle: Piratage de compte\n---\n"
	    "# Piratage de compte\n\n## Deux étapes\n\nUn code.\n", "en");
	s = section_by_heading(g, 0, "First steps");
	CHECK(s >= 0 && strstr(guide_section_shown(g, (size_t)s),
	    "offers it (see \xe2\x80\x9c" "Account Hijacking\xe2\x80\x9d).\n")
	    != NULL, "a cross-reference note names the page it means, "
	    "loaded after it");
	CHECK(s >= 0 && strstr(guide_section_shown(g, (size_t)s),
	    "- A checklist (forthcoming)") != NULL,
	    "a one-word note reads in parentheses");
	CHECK(s >= 0 && strchr(guide_section_shown(g, (size_t)s), '[') ==
	    NULL, "...no square bracket is left");
	CHECK(strstr(text_of(g, s), "[forthcoming]") != NULL,
	    "...the search's text is as written");
	s = section_by_heading(g, 1, "Premières mesures");
	CHECK(s >= 0 && strstr(guide_section_shown(g, (size_t)s),
	    "deux étapes (voir \xc2\xab Piratage de compte \xc2\xbb).")
	    != NULL, "...in French, the French page's title");
	CHECK(s >= 0 && strstr(guide_section_shown(g, (size_t)s),
	    "- Rien (Voir la section Disparue).") != NULL,
	    "a note naming no page keeps its words, in parentheses");
	guide_free(g);
}

int
main(void)
{
	const char *top = getenv("TOP_SRCDIR");
	int fd;

	/* The languages' words (stopwords, commands) from the source tree. */
	if (lang_load_dir(SRCDATADIR) == -1)
		return 1;
	(void)util_snprintf(fixdir, sizeof(fixdir), "%s/tests/fixtures/guide",
	    top ? top : ".");
	if ((fd = mkstemp(logpath)) == -1)
		return 99;
	close(fd);
	log_init(LOGL_INFO, logpath);
	test_lockout();
	test_pseudo_headings();
	test_list_cuts();
	test_title_h1();
	test_link_anchors();
	test_entities_urls();
	test_messy_front_matter();
	test_bad_yaml();
	test_front_matter_buffers();
	test_empty_heading();
	test_no_front_matter();
	test_language();
	test_section_in_lang();
	test_desk_pages();
	test_broken_dir();
	test_buffers();
	test_asks();
	test_excerpt_cut();
	test_excerpt_aim();
	test_excerpt_lead();
	test_pointers();
	test_notes();
	test_notasks();
	test_no_markup_left();
	log_close();
	unlink(logpath);
	return TAP_DONE();
}
