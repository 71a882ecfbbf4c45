/*
 * test_chat: the rules for chat text (chat.h), one table row per case.
 * Rows marked "was:" are where the old copies (bot.c out_clean, otr.c
 * otr_text_out, guide.c guide_defang, the phrase loader's check) disagreed.
 */
#include "ac-config.h"

#include <stdlib.h>
#include <string.h>

#include "chat.h"
#include "tap.h"

#define LQ	"\xe2\x80\xb9"		/* U+2039 */
#define RQ	"\xe2\x80\xba"		/* U+203A */
#define AMP	"\xef\xbc\x86"		/* U+FF06 */

static const struct {
	const char	*name;
	const char	*in;
	const char	*out;		/* chat_text_out(in) */
	const char	*why;		/* chat_is_safe(in)'s reason, NULL: safe */
} out_rows[] = {
	{ "plain text", "Bonjour, \xc3\xa7" "a va ?\nOui.",
	  "Bonjour, \xc3\xa7" "a va ?\nOui.", NULL },
	{ "empty", "", "", NULL },
	{ "angle brackets", "1 < 2 > 0", "1 " LQ " 2 " RQ " 0",
	  "contains '<' or '>'" },
	{ "markup", "<b>x</b>", LQ "b" RQ "x" LQ "/b" RQ,
	  "contains '<' or '>'" },
	{ "a lone & stays", "AT&T & co", "AT&T & co", NULL },
	{ "entities (was: only otr.c)", "&amp; &#60; &x;",
	  AMP "amp; " AMP "#60; " AMP "x;", "contains an HTML entity (&name;)" },
	{ "no name, or too long: no entity", "&; &abcdefghij;",
	  "&; &abcdefghij;", NULL },
	{ "?OTR", "try ?OTRv2? now", "try ?-OTRv2? now", "contains \"?OTR\"" },
	{ "?otr in any case (was: only guide.c)", "?otr ?Otr",
	  "?-otr ?-Otr", "contains \"?OTR\"" },
	{ "?OT is not a tag", "?OT ?O", "?OT ?O", NULL },
	{ "?OTR at the end", "x?OTR", "x?-OTR", "contains \"?OTR\"" },
	{ "tab becomes a space (was: kept by otr.c)", "a\tb", "a b",
	  "contains a tab" },
	{ "C0 controls and DEL dropped, newline kept", "a\x01\x1b[m\x7f\nb\r",
	  "a[m\nb", "contains a control character" },
	{ "C1 controls dropped (was: kept by bot.c)", "a\xc2\x85" "b",
	  "ab", "contains a control character" },
	{ "U+FFFE and U+FFFF dropped (was: kept by bot.c)",
	  "a\xef\xbf\xbe\xef\xbf\xbf" "b", "ab",
	  "contains a control character" },
	{ "invalid UTF-8 dropped (was: U+FFFD in otr.c)", "a\xff" "b\xc0\xaf",
	  "ab", "is not valid UTF-8" },
	{ "surrogate dropped", "a\xed\xa0\x80" "b", "ab", "is not valid UTF-8" },
	{ "truncated sequence at the end", "caf\xc3", "caf",
	  "is not valid UTF-8" },
	{ "DEL cannot join ?OTR (was: bot.c sent ?OTR)", "?O\x7fTR",
	  "?-OTR", "contains a control character" },
	{ "bad byte cannot join ?OTR", "?OT\xffR", "?-OTR",
	  "is not valid UTF-8" },
	{ "DEL cannot join an entity", "&am\x7fp;", AMP "amp;",
	  "contains a control character" },
	{ "the old otr.c row", "line\nnext\ttab\x07\x7f\xc2\x85 \xff",
	  "line\nnext tab ", "contains a tab" },
	{ "its own output is safe", "?-OTR " LQ " " AMP "amp;",
	  "?-OTR " LQ " " AMP "amp;", NULL },
	{ "4-byte UTF-8 kept", "\xf0\x9f\x99\x82", "\xf0\x9f\x99\x82", NULL },
};

static const struct {
	const char	*name;
	const char	*in;
	size_t		 max;
	const char	*out;		/* chat_text_in(in, max) */
} in_rows[] = {
	{ "html: entity and <br>", "a &lt; b<br>c", 2000, "a < b\nc" },
	{ "html: tags, entities", "<html><body><b>bold</b> &amp; "
	  "<font color=\"red\">x</font><br/>&#233;&#x263A;&quot;&#39;&nbsp;!"
	  "</body></html>", 2000, "bold & x\n\xc3\xa9\xe2\x98\xba\"' !" },
	{ "plain text with < > & kept", "if x<y and y>z, a&b", 2000,
	  "if x<y and y>z, a&b" },
	{ "html: paragraphs", "<p>one</p><p>two</p>", 2000, "one\ntwo\n" },
	{ "unknown tag kept", "<script>x", 2000, "<script>x" },
	{ "invalid UTF-8 replaced, controls dropped, tab kept",
	  "bad \xff\xfe utf8 \xc0\xaf and ctl\x01\x1b[31m\r\n\tok", 2000,
	  "bad \xef\xbf\xbd\xef\xbf\xbd utf8 \xef\xbf\xbd\xef\xbf\xbd "
	  "and ctl[31m\n\tok" },
	{ "cap counts characters", "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 3,
	  "\xc3\xa9\xc3\xa9\xc3\xa9" },
	{ "ascii cap", "aaaaaaaaaaaaaaaaaaaa", 10, "aaaaaaaaaa" },
	{ "bad numeric entities", "&#0; &#xD800; &#99999999;", 2000,
	  "\xef\xbf\xbd \xef\xbf\xbd \xef\xbf\xbd" },
	{ "empty", "", 10, "" },
};

int
main(void)
{
	char name[200];
	size_t i;

	for (i = 0; i < sizeof(out_rows) / sizeof(out_rows[0]); i++) {
		const char *why = "(unset)";
		char *out = chat_text_out(out_rows[i].in), *again;
		int safe = chat_is_safe(out_rows[i].in, &why);

		snprintf(name, sizeof(name), "out: %s", out_rows[i].name);
		CHECK_STR(out_rows[i].out, out, name);
		snprintf(name, sizeof(name), "safe: %s", out_rows[i].name);
		CHECK_INT(out_rows[i].why == NULL, safe, name);
		if (out_rows[i].why != NULL) {
			snprintf(name, sizeof(name), "why: %s",
			    out_rows[i].name);
			CHECK_STR(out_rows[i].why, why, name);
		}
		/* Safe means unchanged; what comes out is safe and stays. */
		snprintf(name, sizeof(name), "safe iff unchanged: %s",
		    out_rows[i].name);
		CHECK_INT(strcmp(out, out_rows[i].in) == 0, safe, name);
		again = chat_text_out(out);
		snprintf(name, sizeof(name), "output safe and stable: %s",
		    out_rows[i].name);
		CHECK(chat_is_safe(out, NULL) && strcmp(again, out) == 0, name);
		free(again);
		free(out);
	}
	for (i = 0; i < sizeof(in_rows) / sizeof(in_rows[0]); i++) {
		char *out = chat_text_in(in_rows[i].in, in_rows[i].max);

		snprintf(name, sizeof(name), "in: %s", in_rows[i].name);
		CHECK_STR(in_rows[i].out, out, name);
		free(out);
	}
	return TAP_DONE();
}
