/* chat: the rules for chat text in and out (see chat.h). */
#include "ac-config.h"

#include <stdint.h>
#include <string.h>

#include "chat.h"
#include "util.h"

static char
lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/* Decodes one UTF-8 sequence at s (NUL-terminated). Returns its length,
 * or 0 for an invalid, overlong or surrogate sequence. */
static size_t
utf8_decode(const unsigned char *s, uint32_t *cp)
{
	return util_utf8_decode(s, strnlen((const char *)s, 4), cp);
}

/* Characters no message keeps: C0 controls but newline and tab, DEL, C1
 * controls, and the two XML-invalid noncharacters. */
static int
unwanted(uint32_t c)
{
	if (c < 0x20)
		return c != '\n' && c != '\t';
	return c == 0x7f || (c >= 0x80 && c < 0xa0) || c == 0xfffe ||
	    c == 0xffff;
}

/* ---------------------------------------------------------------------
 * Incoming
 */

static const struct {
	const char	*name;
	int		 breaks;	/* 1: any; 2: the closing tag */
} html_tags[] = {
	{ "a", 0 }, { "b", 0 }, { "big", 0 }, { "blockquote", 2 },
	{ "body", 0 }, { "br", 1 }, { "code", 0 }, { "del", 0 },
	{ "div", 2 }, { "em", 0 }, { "font", 0 }, { "head", 0 },
	{ "hr", 1 }, { "html", 0 }, { "i", 0 }, { "img", 0 }, { "li", 2 },
	{ "ol", 0 }, { "p", 2 }, { "pre", 0 }, { "s", 0 }, { "small", 0 },
	{ "span", 0 }, { "strike", 0 }, { "strong", 0 }, { "sub", 0 },
	{ "sup", 0 }, { "tt", 0 }, { "u", 0 }, { "ul", 0 },
};

static const struct {
	const char	*name;
	const char	*text;
} html_entities[] = {
	{ "amp", "&" }, { "apos", "'" }, { "gt", ">" }, { "lt", "<" },
	{ "nbsp", " " }, { "quot", "\"" },
};

/* At s == '<': if a known tag starts here, returns its length and sets
 * *nl when it breaks the line; 0 if it is just a '<'. */
static size_t
html_tag(const char *s, int *nl)
{
	char name[12];
	size_t i = 1, n = 0, k;
	int closing = 0;

	if (s[i] == '/') {
		closing = 1;
		i++;
	}
	while (((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
	    (s[i] >= '0' && s[i] <= '9')) && n < sizeof(name) - 1)
		name[n++] = lower(s[i++]);
	name[n] = '\0';
	if (n == 0 || !(name[0] >= 'a' && name[0] <= 'z'))
		return 0;
	if (s[i] != '>' && s[i] != '/' && s[i] != ' ' && s[i] != '\t' &&
	    s[i] != '\n' && s[i] != '\r')
		return 0;
	for (k = 0; k < ARRAY_LEN(html_tags); k++)
		if (strcmp(html_tags[k].name, name) == 0)
			break;
	if (k == ARRAY_LEN(html_tags))
		return 0;
	for (; s[i] != '>'; i++)
		if (s[i] == '\0' || s[i] == '<' || i > 512)
			return 0;
	*nl = html_tags[k].breaks == 1 || (html_tags[k].breaks == 2 && closing);
	return i + 1;
}

/* At s == '&': if an entity starts here, appends what it stands for and
 * returns its length; 0 if it is just a '&'. */
static size_t
html_entity(const char *s, struct buf *out)
{
	size_t i, k;

	if (s[1] == '#') {
		uint32_t c = 0;
		int hex = (s[2] == 'x' || s[2] == 'X'), digits = 0;

		for (i = hex ? 3 : 2; digits < 8; i++, digits++) {
			char d = s[i];

			if (d >= '0' && d <= '9')
				c = c * (hex ? 16 : 10) + (uint32_t)(d - '0');
			else if (hex && lower(d) >= 'a' && lower(d) <= 'f')
				c = c * 16 + (uint32_t)(lower(d) - 'a' + 10);
			else
				break;
		}
		if (digits == 0 || s[i] != ';')
			return 0;
		if (c == 0 || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
			c = 0xfffd;
		buf_add_utf8(out, c);
		return i + 1;
	}
	for (k = 0; k < ARRAY_LEN(html_entities); k++) {
		size_t n = strlen(html_entities[k].name);

		if (strncmp(s + 1, html_entities[k].name, n) == 0 &&
		    s[1 + n] == ';') {
			buf_adds(out, html_entities[k].text);
			return n + 2;
		}
	}
	return 0;
}

char *
chat_text_in(const char *in, size_t max_chars)
{
	struct buf html, out;
	const unsigned char *s;
	size_t n, chars = 0;

	buf_init(&html);
	while (*in != '\0') {
		int nl = 0;

		if (*in == '<' && (n = html_tag(in, &nl)) > 0) {
			if (nl)
				buf_addc(&html, '\n');
			in += n;
		} else if (*in == '&' && (n = html_entity(in, &html)) > 0) {
			in += n;
		} else {
			buf_addc(&html, *in++);
		}
	}
	buf_init(&out);
	for (s = (const unsigned char *)html.s; *s != '\0' && chars < max_chars; s += n) {
		uint32_t c;

		if ((n = utf8_decode(s, &c)) == 0) {
			c = 0xfffd;
			n = 1;
		}
		if (unwanted(c))
			continue;
		buf_add_utf8(&out, c);
		chars++;
	}
	buf_release(&html);
	return buf_detach(&out);
}

/* ---------------------------------------------------------------------
 * Outgoing
 */

/* An entity-like "&...;" that Pidgin would render: 1 to 9 letters, digits
 * or '#', then ';'. */
static int
entity_like(const char *s)
{
	size_t i;

	for (i = 1; i <= 10; i++) {
		char c = s[i];

		if (c == ';')
			return i > 1;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '#'))
			return 0;
	}
	return 0;
}

/* "?OTR" in any case at s. */
static int
otr_tag_at(const char *s)
{
	return s[0] == '?' && lower(s[1]) == 'o' && lower(s[2]) == 't' &&
	    lower(s[3]) == 'r';
}

char *
chat_text_out(const char *in)
{
	const unsigned char *s;
	struct buf kept, out;
	size_t n;

	buf_init(&kept);
	for (s = (const unsigned char *)in; *s != '\0'; s += n) {
		uint32_t c;

		if ((n = utf8_decode(s, &c)) == 0)
			n = 1;
		else if (c == '\t')
			buf_addc(&kept, ' ');
		else if (!unwanted(c))
			buf_add(&kept, (const char *)s, n);
	}
	buf_init(&out);
	for (s = (const unsigned char *)kept.s; *s != '\0'; s++) {
		if (*s == '<')
			buf_adds(&out, "\xe2\x80\xb9");		/* U+2039 */
		else if (*s == '>')
			buf_adds(&out, "\xe2\x80\xba");		/* U+203A */
		else if (*s == '&' && entity_like((const char *)s))
			buf_adds(&out, "\xef\xbc\x86");		/* U+FF06 */
		else if (otr_tag_at((const char *)s))
			buf_adds(&out, "?-");
		else
			buf_addc(&out, (char)*s);
	}
	buf_release(&kept);
	return buf_detach(&out);
}

int
chat_is_safe(const char *text, const char **why)
{
	const unsigned char *s;
	const char *problem = NULL;
	size_t n;

	for (s = (const unsigned char *)text; *s != '\0' && problem == NULL;
	    s += n) {
		uint32_t c;

		if ((n = utf8_decode(s, &c)) == 0)
			problem = "is not valid UTF-8";
		else if (c == '\t')
			problem = "contains a tab";
		else if (unwanted(c))
			problem = "contains a control character";
		else if (c == '<' || c == '>')
			problem = "contains '<' or '>'";
		else if (c == '&' && entity_like((const char *)s))
			problem = "contains an HTML entity (&name;)";
		else if (otr_tag_at((const char *)s))
			problem = "contains \"?OTR\"";
	}
	if (why != NULL)
		*why = problem;
	return problem == NULL;
}
