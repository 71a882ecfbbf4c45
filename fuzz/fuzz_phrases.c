/*
 * fuzz_phrases: bytes -> phrases_load_buffer() as English, and its second
 * half as French -> phrases_get() and phrases_render() of every [key] the
 * input names -> phrases_check(). The loader refuses text that
 * chat_is_safe() refuses; what it keeps must be safe.
 */
#include "ac-config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "phrases.h"
#include "util.h"

/* Every "[key]" at a line start, with its ']' at the line end. */
static void
each_key(const struct phrases *p, const char *text)
{
	static const char *const vars[] = {
		"name", "Ana", "n", "3", "url", "https://example.org/x",
		"", "empty", "{", "brace", NULL
	};
	const char *line = text;

	while (line != NULL && *line != '\0') {
		const char *nl = strchr(line, '\n');
		size_t n = nl ? (size_t)(nl - line) : strlen(line);

		if (n >= 2 && n < 200 && line[0] == '[') {
			char key[200];
			char *r;
			const char *lang;
			size_t k;

			memcpy(key, line + 1, n - 1);
			key[n - 1] = '\0';
			if ((k = strcspn(key, "]")) < n - 1)
				key[k] = '\0';
			if (!phrases_exists(p, "en", key) &&
			    !phrases_exists(p, "fr", key)) {
				line = nl ? nl + 1 : NULL;
				continue;
			}
			for (lang = "en"; lang != NULL;
			    lang = strcmp(lang, "en") == 0 ? "fr" : NULL) {
				if (phrases_exists(p, lang, key))
					fuzz_check_chat("phrases_get",
					    phrases_get(p, lang, key));
				r = phrases_render(p, lang, key, vars);
				fuzz_check_chat("phrases_render", r);
				free(r);
			}
		}
		line = nl ? nl + 1 : NULL;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct phrases *p = phrases_new();
	char *text;

	fuzz_setup();	/* once; no LLVMFuzzerInitialize needed */

	(void)phrases_load_buffer(p, "en", "en.txt", (const char *)data, size);
	(void)phrases_load_buffer(p, "fr", "fr.txt",
	    (const char *)data + size / 2, size - size / 2);
	text = fuzz_strndup(data, size);
	each_key(p, text);
	(void)phrases_check(p, "en");
	(void)phrases_has_lang(p, "fr");
	free(text);
	phrases_free(p);
	return 0;
}
