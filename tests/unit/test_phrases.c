/* test_phrases: the phrase file format, fallback, substitution, bad input,
 * and the shipped files in replies/phrases. */
#include "ac-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "phrases.h"
#include "tap.h"
#include "util.h"

static int
load(struct phrases *p, const char *lang, const char *text)
{
	return phrases_load_buffer(p, lang, "test.txt", text, strlen(text));
}

static void
test_parse(void)
{
	struct phrases *p = phrases_new();
	const char *en =
	    "# comment before the first key\n"
	    "\n"
	    "[hello]\n"
	    "Hello there.\n"
	    "\n"
	    "[two_lines]\n"
	    "\n"
	    "First line.\n"
	    "Second line.\n"
	    "\n"
	    "Paragraph after a blank line.\n"
	    "\n"
	    "\n"
	    "[crlf]\r\n"
	    "Windows line.\r\n"
	    "[hash]\n"
	    "# not a comment here\n"
	    "[case]\n"
	    "[#12] is text, not a key\n"
	    "[last]\n"
	    "No final newline";

	CHECK_INT(0, load(p, "en", en), "load en buffer");
	CHECK_STR("Hello there.", phrases_get(p, "en", "hello"), "one line");
	CHECK_STR("First line.\nSecond line.\n\nParagraph after a blank line.",
	    phrases_get(p, "en", "two_lines"),
	    "blank lines trimmed at the ends, kept inside");
	CHECK_STR("Windows line.", phrases_get(p, "en", "crlf"), "CRLF");
	CHECK_STR("# not a comment here", phrases_get(p, "en", "hash"),
	    "# after the first key is text");
	CHECK_STR("[#12] is text, not a key", phrases_get(p, "en", "case"),
	    "a bracketed line that is not a key is text");
	CHECK_STR("No final newline", phrases_get(p, "en", "last"),
	    "last entry without newline");
	CHECK(phrases_has_lang(p, "en"), "en is loaded");
	CHECK(!phrases_has_lang(p, "fr"), "fr is not");
	CHECK(phrases_exists(p, "en", "hello"), "exists");
	CHECK(!phrases_exists(p, "fr", "hello"), "exists: no fallback");
	phrases_free(p);
}

static void
test_fallback(void)
{
	struct phrases *p = phrases_new();

	load(p, "en", "[a]\nA in English\n[b]\nB in English\n");
	load(p, "fr", "[a]\nA en français\n[only_fr]\nSeulement\n");
	CHECK_STR("A en français", phrases_get(p, "fr", "a"), "own language");
	CHECK_STR("B in English", phrases_get(p, "fr", "b"),
	    "missing in fr: English");
	CHECK_STR("B in English", phrases_get(p, "de", "b"),
	    "unknown language: English");
	CHECK_STR("B in English", phrases_get(p, NULL, "b"),
	    "no language: English");
	CHECK_STR("nope", phrases_get(p, "fr", "nope"),
	    "missing everywhere: the key");
	CHECK_STR("only_fr", phrases_get(p, "en", "only_fr"),
	    "missing in en: the key");
	CHECK_STR("missing", phrases_get(NULL, "en", "missing"),
	    "no phrases at all: the key");
	CHECK_INT(2, phrases_check(p, "en"),
	    "check: b missing in fr, only_fr missing in en");
	phrases_free(p);
}

/* The bot does not start without every English key in every language. */
static void
test_require(void)
{
	struct phrases *p = phrases_new();
	const char *top = getenv("TOP_SRCDIR");
	char dir[1024];

	CHECK_INT(1, phrases_require(p, "en"), "require: no English at all");
	load(p, "en", "[a]\nA\n[b]\nB\n");
	CHECK_INT(0, phrases_require(p, "en"), "require: English alone");
	load(p, "fr", "[a]\nA fr\n");
	CHECK_INT(1, phrases_require(p, "en"), "require: fr lacks b");
	load(p, "fr", "[b]\nB fr\n");
	CHECK_INT(0, phrases_require(p, "en"), "require: fr complete");
	phrases_free(p);

	p = phrases_new();
	CHECK_INT(-1, phrases_load_required(p, "/nonexistent"),
	    "load_required: no directory");
	phrases_free(p);
	p = phrases_new();
	CHECK_INT(-1, phrases_load_required(p, NULL),
	    "load_required: no directory given");
	phrases_free(p);
	p = phrases_new();
	(void)util_snprintf(dir, sizeof(dir), "%s/replies", top ? top : ".");
	CHECK_INT(0, phrases_load_required(p, dir),
	    "the shipped phrases are complete in every language");
	phrases_free(p);
}

static void
test_render(void)
{
	struct phrases *p = phrases_new();
	const char *vars[] = { "name", "Ana", "n", "12", "empty", "", NULL };
	char *s;

	load(p, "en", "[hi]\nHello {name}, case {n}{empty}.\n"
	    "[unknown]\nKeep {this} and {name} and { and {} and }.\n"
	    "[twice]\n{name}{name}\n"
	    "[brace]\nOpen { only\n");
	s = phrases_render(p, "en", "hi", vars);
	CHECK_STR("Hello Ana, case 12.", s, "substitution");
	free(s);
	s = phrases_render(p, "en", "unknown", vars);
	CHECK_STR("Keep {this} and Ana and { and {} and }.", s,
	    "unknown placeholders kept");
	free(s);
	s = phrases_render(p, "en", "twice", vars);
	CHECK_STR("AnaAna", s, "twice");
	free(s);
	s = phrases_render(p, "en", "brace", vars);
	CHECK_STR("Open { only", s, "unclosed brace");
	free(s);
	s = phrases_render(p, "en", "hi", NULL);
	CHECK_STR("Hello {name}, case {n}{empty}.", s, "no vars");
	free(s);
	{
		const char *odd[] = { "name", NULL };
		s = phrases_render(p, "en", "hi", odd);
		CHECK_STR("Hello {name}, case {n}{empty}.", s,
		    "name without value ignored");
		free(s);
	}
	s = phrases_render(p, "fr", "missing_key", vars);
	CHECK_STR("missing_key", s, "render a missing key");
	free(s);
	phrases_free(p);
}

static void
test_malformed(void)
{
	struct phrases *p = phrases_new();
	const char *bad =
	    "text before any key\n"
	    "[ok]\n"
	    "fine\n"
	    "[empty]\n"
	    "\n"
	    "[html]\n"
	    "a <b>bold</b> claim\n"
	    "[otr]\n"
	    "say ?OTRv2? now\n"
	    "[badutf8]\n"
	    "caf\xc3 au lait\n"
	    "[ctrl]\n"
	    "bell \x07 here\n"
	    "[dup]\n"
	    "first\n"
	    "[dup]\n"
	    "second\n"
	    "[has space]\n"
	    "text of has space goes to dup\n";

	CHECK_INT(0, load(p, "en", bad), "malformed input still loads");
	CHECK_STR("fine", phrases_get(p, "en", "ok"), "good entry kept");
	CHECK_STR("empty", phrases_get(p, "en", "empty"), "empty refused");
	CHECK_STR("html", phrases_get(p, "en", "html"), "markup refused");
	CHECK_STR("otr", phrases_get(p, "en", "otr"), "OTR tag refused");
	CHECK_STR("badutf8", phrases_get(p, "en", "badutf8"),
	    "bad UTF-8 refused");
	CHECK_STR("ctrl", phrases_get(p, "en", "ctrl"),
	    "control character refused");
	CHECK_STR("second\n[has space]\ntext of has space goes to dup",
	    phrases_get(p, "en", "dup"),
	    "duplicate: the later wins; an invalid key line is text");
	CHECK_INT(-1, phrases_load_buffer(p, "", "x.txt", "[a]\nb\n", 6),
	    "no language refused");
	CHECK_INT(0, phrases_load_buffer(p, "en", "nul.txt", "[n]\na\0b\n", 8),
	    "NUL byte");
	CHECK_STR("n", phrases_get(p, "en", "n"), "line with NUL dropped");
	CHECK_INT(0, phrases_load_buffer(p, "en", "bom.txt",
	    "\xef\xbb\xbf[bom]\nok\n", 13), "byte order mark");
	CHECK_STR("ok", phrases_get(p, "en", "bom"), "BOM skipped");
	phrases_free(p);
}

static void
test_dir(void)
{
	const char *top = getenv("TOP_SRCDIR");
	struct phrases *p = phrases_new();
	struct buf dir;
	int n;
	static const char *const keys[] = { "refusal", "hello", "help",
	    "consent", "no_answer", "footer_more", "smp_failed_ours" };
	static const char *const langs[] = { "en", "fr", "es" };

	buf_init(&dir);
	buf_addf(&dir, "%s/replies", top ? top : ".");
	n = phrases_load_dir(p, dir.s);
	CHECK(n >= 3, "replies/ loads at least en, fr, es");
	CHECK_INT(-1, phrases_load_dir(p, "/nonexistent/secours"),
	    "unreadable directory");
	for (size_t l = 0; l < ARRAY_LEN(langs); l++) {
		CHECK(phrases_has_lang(p, langs[l]), langs[l]);
		for (size_t k = 0; k < ARRAY_LEN(keys); k++)
			CHECK(phrases_exists(p, langs[l], keys[k]), keys[k]);
	}
	/* Every shipped language has every key of the bot's own files. */
	{
		struct phrases *own = phrases_new();
		struct buf f;
		for (size_t l = 0; l < ARRAY_LEN(langs); l++) {
			char *data;
			size_t len;

			buf_init(&f);
			buf_addf(&f, "%s/replies/phrases/%s.txt",
			    top ? top : ".", langs[l]);
			data = util_read_file(f.s, 1 << 20, &len);
			CHECK(data != NULL, f.s);
			if (data != NULL)
				phrases_load_buffer(own, langs[l], f.s, data,
				    len);
			free(data);
			buf_release(&f);
		}
		CHECK_INT(0, phrases_check(own, "en"),
		    "en.txt, fr.txt, es.txt have the same keys");
		phrases_free(own);
	}
	/* The refusal is short: one or two sentences for a plaintext client. */
	for (size_t l = 0; l < ARRAY_LEN(langs); l++) {
		const char *r = phrases_get(p, langs[l], "refusal");
		CHECK(strlen(r) < 400 && strchr(r, '\n') == NULL,
		    "refusal is one short line");
		CHECK(strstr(r, "?OTR") == NULL, "refusal carries no tag");
	}
	buf_release(&dir);
	phrases_free(p);
}

int
main(void)
{
	log_init(LOGL_ERROR, NULL);
	test_parse();
	test_fallback();
	test_require();
	test_render();
	test_malformed();
	test_dir();
	return TAP_DONE();
}
