/*
 * fuzz_search: bytes -> search_fold(), search_tokens() in fr/en/es,
 * search_detect_lang(). search.h: "safe on any byte string (invalid UTF-8
 * is skipped)"; folded text and tokens must come out valid UTF-8.
 */
#include "ac-config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "search.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_setup();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const langs[] = { "fr", "en", "es", "de", "xx" };
	char *text = fuzz_strndup(data, size), *out;
	const char *lang;
	size_t i, best, other;

	out = search_fold(text);
	if (out == NULL || !fuzz_utf8_valid(out))
		fuzz_fail("search_fold: not UTF-8", out);
	free(out);
	for (i = 0; i < sizeof(langs) / sizeof(langs[0]); i++) {
		out = search_tokens(text, langs[i]);
		if (out == NULL || !fuzz_utf8_valid(out))
			fuzz_fail("search_tokens: not UTF-8", out);
		free(out);
	}
	lang = search_detect_lang(text);
	if (lang != NULL && strlen(lang) != 2)
		fuzz_fail("search_detect_lang: not a 2-letter code", lang);
	lang = search_detect_lang_counts(text, "fr", &best, &other);
	if (lang != NULL && strcmp(lang, "fr") == 0 && other != best)
		fuzz_fail("search_detect_lang_counts: fr wins, counts differ",
		    lang);
	free(text);
	return 0;
}
