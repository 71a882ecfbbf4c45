/*
 * guide: loads DFAK-style pages (YAML front matter + Markdown) into sections
 * of chat-ready plain text.
 *
 * A page goes through four steps: sanitize (size, binary junk, UTF-8, line
 * ends), split off the front matter (libyaml, with a line-by-line rescue when
 * the block is not valid YAML), rewrite the Markdown the way its authors
 * meant it (comments, "•" bullets, "- ." debris, list nesting by relative
 * indentation), then parse it with libcmark and walk the tree into sections.
 */
#include "ac-config.h"

#include <sys/types.h>
#include <sys/stat.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmark.h>
#include <yaml.h>

#include "chat.h"
#include "guide.h"
#include "lang.h"
#include "log.h"
#include "util.h"

#define GUIDE_FILE_MAX		(1024 * 1024)	/* bigger files are skipped */
#define GUIDE_PSEUDO_MAX	90	/* chars; a longer line is no heading */
#define GUIDE_RENDER_DEPTH	24	/* deeper nesting is flattened */
#define GUIDE_LIST_DEPTH	16	/* list levels the rewrite keeps */
#define GUIDE_DIR_DEPTH		8
#define GUIDE_FILES_MAX		4096
#define GUIDE_LEVELS		7	/* heading levels 1..6 (+ pseudo) */
#define GUIDE_OUTLINE_RATIO	3	/* a translated section's text is at
					   most this many times as long (DFAK:
					   up to 2.7 one way, 1.96 the other;
					   the French glossary, in its own
					   order, 8.2) */
#define GUIDE_LINKS_MAX		256	/* links to other pages kept per page */
#define GUIDE_ANCHOR_CHARS	200	/* a longer paragraph gives its link only */
#define GUIDE_ASKS_LINES	24	/* questions kept of one asks block (and
					   of one not-asks block) */
#define GUIDE_ASK_BYTES		320	/* bytes kept of one question */
#define GUIDE_ASKS_PAGE		(GUIDE_ASKS_LINES * 4)	/* asks kept of one
					   page, its title's and sections'
					   blocks together (replies/ has
					   49 at most) */
#define GUIDE_NOTASKS_PAGE	(GUIDE_ASKS_LINES * 4)	/* not-asks kept of
					   one page, all its blocks */

struct page {
	char	*path;
	char	*title;
	char	*lang;
	char	*permalink;
	char	*keywords;
	char	*asks;		/* its title's asks block, one a line */
	char	*notasks;	/* its not-asks blocks, one a line */
	char	*summary;
	struct buf anchors;	/* what other pages' links to it say */
	size_t	 first;
	size_t	 nsec;
	int	 order;		/* front matter "order:", 0: none */
};

struct section {
	size_t	 page;
	int	 level;
	char	*heading;
	char	*path;
	char	*text;
	char	*shown;		/* text for the reader, when it differs */
	char	*read;		/* shown with its notes rendered (notes_render()) */
	char	*keywords;
	char	*asks;		/* questions it answers, one a line */
	int	 borrowed;	/* its text is its first sub-section's */
	int	 term;		/* a glossary term's definition */
};

/* A link from one page to another of the guide, by the target's name. */
struct anchor {
	char	*dir;		/* the linking page's folder */
	char	*slug;		/* "Other" of "Other.md#x", "/xx/Other/" */
	char	*text;		/* what the link says about its target */
};

struct guide {
	struct page	*pages;
	size_t		 npages;
	size_t		 pcap;
	struct section	*secs;
	size_t		 nsecs;
	size_t		 scap;
	struct anchor	*anchors;	/* links to pages not loaded yet */
	size_t		 nanchors;
	size_t		 acap;
	char		**failed;	/* *.md files that were skipped */
	size_t		  nfailed;
};

/* Front matter values, as read. */
struct fm {
	char	*title;
	char	*lang;
	char	*summary;
	char	*permalink;
	char	*keywords;
	int	 order;
	int	 present;
};

/* A "<!-- keywords: ... -->" comment found in the body, by line (and an
 * "<!-- asks: -->" block: its questions, one a line). */
struct kwnote {
	size_t	 line;
	char	*words;
};

struct kwnotes {
	struct kwnote	*v;
	size_t		 n;
};

/* A section while its page is being built. */
struct draft {
	int		 level;
	int		 borrowed;	/* text is a child's */
	int		 term;		/* a glossary term */
	size_t		 line;
	char		*heading;
	char		*path;
	struct buf	 text;
	char		*shown;		/* name_pointers() */
	struct buf	 keywords;
	struct buf	 asks;
};

struct drafts {
	struct draft	*v;
	size_t		 n;
	size_t		 cap;
};

struct guide *
guide_new(void)
{
	return xcalloc(1, sizeof(struct guide));
}

void
guide_free(struct guide *g)
{
	size_t i;

	if (g == NULL)
		return;
	for (i = 0; i < g->npages; i++) {
		free(g->pages[i].path);
		free(g->pages[i].title);
		free(g->pages[i].lang);
		free(g->pages[i].permalink);
		free(g->pages[i].keywords);
		free(g->pages[i].asks);
		free(g->pages[i].notasks);
		free(g->pages[i].summary);
		buf_release(&g->pages[i].anchors);
	}
	for (i = 0; i < g->nanchors; i++) {
		free(g->anchors[i].dir);
		free(g->anchors[i].slug);
		free(g->anchors[i].text);
	}
	free(g->anchors);
	for (i = 0; i < g->nfailed; i++)
		free(g->failed[i]);
	free(g->failed);
	for (i = 0; i < g->nsecs; i++) {
		free(g->secs[i].heading);
		free(g->secs[i].read);
		free(g->secs[i].path);
		free(g->secs[i].text);
		free(g->secs[i].shown);
		free(g->secs[i].keywords);
		free(g->secs[i].asks);
	}
	free(g->pages);
	free(g->secs);
	free(g);
}

/* ---------------------------------------------------------------- UTF-8 */

/* Windows-1252 for bytes 0x80..0x9f; 0 where it has no character. */
static const uint16_t cp1252[32] = {
	0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
	0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0,
	0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
	0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178,
};

/*
 * Makes a file's bytes safe for everything below: no BOM, LF line ends, no
 * control characters but LF and TAB, valid UTF-8 (a stray byte is read as
 * Windows-1252, the usual cause of such bytes in hand-edited pages).
 * Returns a new string, or NULL (warning logged) for binary junk.
 */
static char *
sanitize(const char *name, const char *data, size_t len)
{
	const unsigned char *s = (const unsigned char *)data;
	struct buf b;
	size_t i = 0, line = 1, bad = 0, badline = 0, ctl = 0;
	uint32_t c;

	if (memchr(data, '\0', len) != NULL) {
		log_warnx("%s: binary file (NUL bytes), skipped", name);
		return NULL;
	}
	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	buf_init(&b);
	while (i < len) {
		size_t n, j;

		/* A run of printable ASCII goes in one copy. */
		for (j = i; j < len && s[j] >= 0x20 && s[j] < 0x7f; j++)
			;
		if (j > i) {
			buf_add(&b, data + i, j - i);
			i = j;
			continue;
		}
		n = util_utf8_decode(s + i, len - i, &c);
		if (n == 0) {
			if (bad++ == 0)
				badline = line;
			c = s[i] >= 0xa0 ? s[i] : cp1252[s[i] - 0x80];
			n = 1;
			if (c == 0) {
				i++;
				continue;
			}
		}
		i += n;
		if (c == '\r') {
			if (i < len && s[i] == '\n')
				continue;
			c = '\n';
		}
		if (c == '\n')
			line++;
		if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f ||
		    (c >= 0x80 && c < 0xa0)) {
			ctl++;
			continue;
		}
		buf_add_utf8(&b, c);
	}
	if (ctl > 16 && ctl > len / 64) {
		log_warnx("%s: binary file (%zu control characters), skipped",
		    name, ctl);
		buf_release(&b);
		return NULL;
	}
	if (bad > 0)
		log_warnx("%s:%zu: invalid UTF-8 (%zu bytes read as "
		    "Windows-1252)", name, badline, bad);
	if (ctl > 0)
		log_warnx("%s: %zu control characters dropped", name, ctl);
	return buf_detach(&b);
}

/* ------------------------------------------------------- text cleaning */

static int
is_space_cp(uint32_t c)
{
	return c == ' ' || c == '\t' || c == 0xa0 || c == 0x1680 ||
	    (c >= 0x2000 && c <= 0x200a) || c == 0x202f || c == 0x205f ||
	    c == 0x3000;
}

static int
is_invisible_cp(uint32_t c)
{
	return (c >= 0x200b && c <= 0x200f) || c == 0x00ad || c == 0x2060 ||
	    c == 0xfeff || (c >= 0x202a && c <= 0x202e) ||
	    (c >= 0x2066 && c <= 0x2069);
}

/*
 * Appends text to out the way chat shows it: every kind of space is one
 * ASCII space (none at line ends or starts), invisible and control
 * characters dropped. Newlines are kept. ('<', '>' and the rest of the chat
 * rules are chat_text_out()'s, applied to every text the guide keeps.)
 */
static void
clean_append(struct buf *out, const char *text, size_t len)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t i = 0, n;
	int space = 0, linestart;
	uint32_t c;

	linestart = out->len == 0 || out->s[out->len - 1] == '\n';
	while (i < len) {
		size_t j;

		/* A run of plain ASCII (no space, no markup) in one copy. */
		for (j = i; j < len && s[j] > 0x20 && s[j] < 0x7f; j++)
			;
		if (j > i) {
			if (space && !linestart)
				buf_addc(out, ' ');
			space = 0;
			linestart = 0;
			buf_add(out, text + i, j - i);
			i = j;
			continue;
		}
		if ((n = util_utf8_decode(s + i, len - i, &c)) == 0) {
			i++;
			continue;
		}
		i += n;
		if (is_space_cp(c)) {
			space = 1;
			continue;
		}
		if (c == '\n') {
			while (out->len > 0 && out->s[out->len - 1] == ' ')
				buf_truncate(out, out->len - 1);
			buf_addc(out, '\n');
			space = 0;
			linestart = 1;
			continue;
		}
		if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) ||
		    is_invisible_cp(c))
			continue;
		if (space && !linestart)
			buf_addc(out, ' ');
		space = 0;
		linestart = 0;
		buf_add_utf8(out, c);
	}
	if (space && !linestart)
		buf_addc(out, ' ');
}

static void
rtrim(struct buf *b)
{
	while (b->len > 0 && (b->s[b->len - 1] == ' ' ||
	    b->s[b->len - 1] == '\n'))
		buf_truncate(b, b->len - 1);
}

static int
is_alnum_byte(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || (unsigned char)c >= 0x80;
}

/*
 * Normalises a heading or title: entities were decoded by cmark or are
 * decoded here (&nbsp; only: the one the guide uses), '*' dropped, '_' dropped
 * where it delimits emphasis (not inside words), spaces collapsed.
 * New string.
 */
static char *
norm_heading(const char *s)
{
	struct buf raw, out;
	size_t i, n = strlen(s);

	buf_init(&raw);
	for (i = 0; i < n; i++) {
		if (strncmp(s + i, "&nbsp;", 6) == 0) {
			buf_addc(&raw, ' ');
			i += 5;
		} else if (s[i] == '*' || s[i] == '\n') {
			buf_addc(&raw, s[i] == '\n' ? ' ' : '\0');
		} else if (s[i] == '_' && !(i > 0 && is_alnum_byte(s[i - 1]) &&
		    i + 1 < n && is_alnum_byte(s[i + 1]))) {
			buf_addc(&raw, '\0');
		} else
			buf_addc(&raw, s[i]);
	}
	/* Remove the NUL placeholders without gluing words. */
	buf_init(&out);
	for (i = 0; i < raw.len; ) {
		size_t j = i;

		while (j < raw.len && raw.s[j] != '\0')
			j++;
		clean_append(&out, raw.s + i, j - i);
		i = j + 1;
	}
	buf_release(&raw);
	rtrim(&out);
	return buf_detach(&out);
}

/* --------------------------------------------------------- front matter */

static void
fm_release(struct fm *fm)
{
	free(fm->title);
	free(fm->lang);
	free(fm->summary);
	free(fm->permalink);
	free(fm->keywords);
	memset(fm, 0, sizeof(*fm));
}

static void
fm_set(char **slot, const char *value)
{
	free(*slot);
	*slot = xstrdup(value);
}

/* Stores one key; unknown keys are ignored, a repeated key overwrites. */
static void
fm_store(struct fm *fm, const char *key, const char *value)
{
	if (strcmp(key, "title") == 0)
		fm_set(&fm->title, value);
	else if (strcmp(key, "language") == 0 || strcmp(key, "lang") == 0)
		fm_set(&fm->lang, value);
	else if (strcmp(key, "summary") == 0)
		fm_set(&fm->summary, value);
	else if (strcmp(key, "permalink") == 0)
		fm_set(&fm->permalink, value);
	else if (strcmp(key, "keywords") == 0 || strcmp(key, "tags") == 0)
		fm_set(&fm->keywords, value);
	else if (strcmp(key, "order") == 0) {
		long v;

		fm->order = util_parse_long(value, 1, GUIDE_ORDER_MAX,
		    &v) == 0 ? (int)v : 0;
	}
}

/* Parses the YAML block; returns 0, or -1 with *line the bad line (0-based
 * within the block) and a message in err. */
static int
fm_yaml(struct fm *fm, const char *block, size_t len, size_t *line,
    char *err, size_t errlen)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_node_t *root;
	yaml_node_pair_t *pair;

	if (!yaml_parser_initialize(&parser)) {
		util_strlcpy(err, "cannot initialise the YAML parser", errlen);
		*line = 0;
		return -1;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)block,
	    len);
	if (!yaml_parser_load(&parser, &doc)) {
		/* The context mark is where the faulty key starts. */
		*line = parser.context != NULL ? parser.context_mark.line :
		    parser.problem_mark.line;
		util_strlcpy(err, parser.problem ? parser.problem : "error",
		    errlen);
		yaml_parser_delete(&parser);
		return -1;
	}
	root = yaml_document_get_root_node(&doc);
	if (root == NULL) {		/* empty block */
		yaml_document_delete(&doc);
		yaml_parser_delete(&parser);
		return 0;
	}
	if (root->type != YAML_MAPPING_NODE) {
		*line = root->start_mark.line;
		util_strlcpy(err, "not a mapping of keys to values", errlen);
		yaml_document_delete(&doc);
		yaml_parser_delete(&parser);
		return -1;
	}
	for (pair = root->data.mapping.pairs.start;
	    pair < root->data.mapping.pairs.top; pair++) {
		yaml_node_t *k = yaml_document_get_node(&doc, pair->key);
		yaml_node_t *v = yaml_document_get_node(&doc, pair->value);
		struct buf list;
		yaml_node_item_t *it;

		if (k == NULL || v == NULL || k->type != YAML_SCALAR_NODE)
			continue;
		if (v->type == YAML_SCALAR_NODE) {
			fm_store(fm, (const char *)k->data.scalar.value,
			    (const char *)v->data.scalar.value);
			continue;
		}
		if (v->type != YAML_SEQUENCE_NODE)
			continue;
		/* A list (keywords): joined with commas. */
		buf_init(&list);
		for (it = v->data.sequence.items.start;
		    it < v->data.sequence.items.top; it++) {
			yaml_node_t *e = yaml_document_get_node(&doc, *it);

			if (e == NULL || e->type != YAML_SCALAR_NODE)
				continue;
			if (list.len > 0)
				buf_adds(&list, ", ");
			buf_adds(&list, (const char *)e->data.scalar.value);
		}
		fm_store(fm, (const char *)k->data.scalar.value,
		    list.s ? list.s : "");
		buf_release(&list);
	}
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return 0;
}

/*
 * Rescue for a block libyaml refused: each "key: value" line on its own.
 * One-line values only (quoted or bare); block scalars are lost.
 */
static void
fm_lines(struct fm *fm, const char *block, size_t len)
{
	const char *p = block, *end = block + len;

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *k = p, *colon, *v, *ve;
		char key[64];
		struct buf val;

		if (eol == NULL)
			eol = end;
		p = eol + 1;
		colon = k;
		while (colon < eol && (is_alnum_byte(*colon) || *colon == '_' ||
		    *colon == '-') && (unsigned char)*colon < 0x80)
			colon++;
		if (colon == k || colon >= eol || *colon != ':' ||
		    (size_t)(colon - k) >= sizeof(key))
			continue;
		memcpy(key, k, (size_t)(colon - k));
		key[colon - k] = '\0';
		v = colon + 1;
		while (v < eol && *v == ' ')
			v++;
		ve = eol;
		while (ve > v && ve[-1] == ' ')
			ve--;
		if (ve > v && (*v == '>' || *v == '|'))
			continue;
		if (ve - v >= 2 && ((*v == '"' && ve[-1] == '"') ||
		    (*v == '\'' && ve[-1] == '\''))) {
			char q = *v;

			buf_init(&val);
			for (v++, ve--; v < ve; v++) {
				if (q == '"' && *v == '\\' && v + 1 < ve)
					v++;
				else if (q == '\'' && *v == '\'' &&
				    v + 1 < ve && v[1] == '\'')
					v++;
				buf_addc(&val, *v);
			}
		} else {
			buf_init(&val);
			buf_add(&val, v, (size_t)(ve - v));
		}
		fm_store(fm, key, val.s ? val.s : "");
		buf_release(&val);
	}
}

/*
 * Splits the front matter off text: it starts at byte 0 with "---" and ends
 * at the next line that is exactly "---" (or "..."). Returns the body.
 */
static const char *
fm_split(struct fm *fm, const char *name, const char *text)
{
	const char *block, *p;
	size_t line, blen;
	char err[128];

	if (strncmp(text, "---\n", 4) != 0)
		return text;
	block = text + 4;
	for (p = block; *p != '\0'; ) {
		const char *eol = strchr(p, '\n');
		size_t n = eol ? (size_t)(eol - p) : strlen(p);

		while (n > 3 && p[n - 1] == ' ')
			n--;
		if (n == 3 && (strncmp(p, "---", 3) == 0 ||
		    strncmp(p, "...", 3) == 0))
			break;
		p = eol ? eol + 1 : p + n;
	}
	if (*p == '\0') {
		log_warnx("%s:1: front matter never closed (no second '---' "
		    "line); read as text", name);
		return text + 4;
	}
	blen = (size_t)(p - block);
	fm->present = 1;
	if (fm_yaml(fm, block, blen, &line, err, sizeof(err)) == -1) {
		log_warnx("%s:%zu: front matter is not valid YAML (%s); "
		    "reading it line by line", name, line + 2, err);
		fm_release(fm);
		fm->present = 1;
		fm_lines(fm, block, blen);
	}
	p = strchr(p, '\n');
	return p ? p + 1 : block + blen + 3;
}

/* ------------------------------------------------------- preprocessing */

/* Width of a list marker at s ("-", "*", "+", "12." or "3)"), or 0. */
static size_t
list_marker(const char *s)
{
	size_t n = 0;

	if (*s == '-' || *s == '*' || *s == '+')
		n = 1;
	else {
		while (n < 9 && s[n] >= '0' && s[n] <= '9')
			n++;
		if (n == 0 || (s[n] != '.' && s[n] != ')'))
			return 0;
		n++;
	}
	if (s[n] != ' ' && s[n] != '\0' && s[n] != '\n')
		return 0;
	return n;
}

/* A thematic break ("- - -", "***") is not a list item. */
static int
is_break_line(const char *s, size_t n)
{
	size_t i, count = 0;
	char c = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == ' ')
			continue;
		if (s[i] != '-' && s[i] != '*' && s[i] != '_')
			return 0;
		if (c != 0 && s[i] != c)
			return 0;
		c = s[i];
		count++;
	}
	return count >= 3;
}

static void
kwnotes_release(struct kwnotes *k)
{
	size_t i;

	for (i = 0; i < k->n; i++)
		free(k->v[i].words);
	free(k->v);
	k->v = NULL;
	k->n = 0;
}

static int line_blank(const char *s);

/* Is the line at s a Markdown heading ("# Title", "## Part")? */
static int
line_heading(const char *s)
{
	size_t i = 0, n = 0;

	while (i < 3 && s[i] == ' ')
		i++;
	while (s[i + n] == '#')
		n++;
	return n >= 1 && n <= 6 && (s[i + n] == ' ' || s[i + n] == '\t' ||
	    s[i + n] == '\n' || s[i + n] == '\0');
}

/* Counts of what an asks (or not-asks) block lost to the bounds. */
struct askcut {
	size_t	dropped;	/* questions past GUIDE_ASKS_LINES */
	size_t	cut;		/* questions cut to GUIDE_ASK_BYTES */
	size_t	kept;
};

/* Adds one question (a line of an asks block) to b, trimmed and bounded. */
static void
ask_add(struct buf *b, const char *s, size_t n, struct askcut *c)
{
	while (n > 0 && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n == 0)
		return;
	if (c->kept == GUIDE_ASKS_LINES) {
		c->dropped++;
		return;
	}
	if (n > GUIDE_ASK_BYTES) {
		n = GUIDE_ASK_BYTES;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
		c->cut++;
	}
	if (b->len > 0)
		buf_addc(b, '\n');
	clean_append(b, s, n);
	c->kept++;
}

/*
 * Reads a block of questions, "<!-- asks:" or "<!-- not-asks:" (tag, for
 * messages), whose questions start at start (just after the tag's colon;
 * the comment opened at line `line` of the body, which is line
 * line0 + line - 1 of file name). It ends at its
 * "-->", unless a heading or another comment comes first: then it was
 * not closed, and it ends at its first blank line (or there), with an
 * error naming the line, so that the page's text is not taken for
 * questions. Adds the questions (one a line) to kw; returns where the
 * page's text goes on. One reader for both kinds: the same bounds and
 * the same warnings.
 */
static const char *
read_block(const char *name, size_t line0, size_t line, const char *start,
    const char *tag, struct kwnotes *kw)
{
	const char *l = start, *close = NULL, *end, *p;
	struct askcut c = { 0, 0, 0 };
	struct buf b;
	size_t n;

	for (;;) {
		const char *eol = strchr(l, '\n');
		size_t len = eol ? (size_t)(eol - l) : strlen(l);
		const char *cl = memmem(l, len, "-->", 3);
		const char *op = memmem(l, len, "<!--", 4);

		if (l != start && (line_heading(l) ||
		    (op != NULL && (cl == NULL || op < cl))))
			break;
		if (cl != NULL) {
			close = cl;
			break;
		}
		if (eol == NULL) {
			l += len;
			break;
		}
		l = eol + 1;
	}
	end = close;
	if (close == NULL) {
		size_t at = line0 + line - 1;

		/* Not closed: up to its first blank line. */
		for (end = start; end < l; ) {
			const char *eol = strchr(end, '\n');

			if (end != start && line_blank(end))
				break;
			if (eol == NULL || eol >= l) {
				end = l;
				break;
			}
			end = eol + 1;
		}
		for (p = start; p < end; p++)
			at += *p == '\n';
		log_warnx("%s:%zu: %s block not closed with '-->': the "
		    "page's text goes on at line %zu", name,
		    line0 + line - 1, tag, at);
	}
	buf_init(&b);
	for (p = start; p < end; ) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));

		n = eol ? (size_t)(eol - p) : (size_t)(end - p);
		ask_add(&b, p, n, &c);
		p += n + (eol != NULL);
	}
	if (c.dropped > 0)
		log_warnx("%s:%zu: %s block of %zu questions: the first %d "
		    "kept", name, line0 + line - 1, tag, c.kept + c.dropped,
		    GUIDE_ASKS_LINES);
	if (c.cut > 0)
		log_warnx("%s:%zu: %zu question(s) of the %s block longer "
		    "than %d bytes: cut", name, line0 + line - 1, c.cut, tag,
		    GUIDE_ASK_BYTES);
	if (b.len > 0) {
		kw->v = xrealloc(kw->v, (kw->n + 1) * sizeof(*kw->v));
		kw->v[kw->n].line = line;
		kw->v[kw->n].words = buf_detach(&b);
		kw->n++;
	}
	buf_release(&b);
	return close != NULL ? close + 3 : end;
}

/* The comment blocks of questions read_block() reads, by their tag. */
static const struct {
	const char	*tag;	/* "<!-- tag:" */
	size_t		 len;
	int		 notask;	/* kept apart: questions the page does
					   NOT answer */
} question_blocks[] = {
	{ "asks", 4, 0 },
	{ "not-asks", 8, 1 },
};

/*
 * Removes HTML comments (keeping their newlines so line numbers stay true);
 * a "<!-- keywords: a, b -->" comment is remembered with its line, an
 * "<!-- asks:" block's questions (read_block()) with theirs, and a
 * "<!-- not-asks:" block's in notasks. line0 is the file's line of s's
 * first line, for messages.
 */
static char *
strip_comments(const char *name, size_t line0, const char *s,
    struct kwnotes *kw, struct kwnotes *asks, struct kwnotes *notasks)
{
	struct buf b;
	size_t line = 1, k;
	const char *p = s;

	buf_init(&b);
	for (;;) {
		const char *open = strstr(p, "<!--"), *close, *q;

		if (open == NULL) {
			buf_adds(&b, p);
			break;
		}
		for (q = p; q < open; q++)
			line += *q == '\n';
		buf_add(&b, p, (size_t)(open - p));
		q = open + 4;
		while (*q == ' ' || *q == '\n')
			q++;
		for (k = 0; k < ARRAY_LEN(question_blocks); k++)
			if (strncasecmp(q, question_blocks[k].tag,
			    question_blocks[k].len) == 0 &&
			    q[question_blocks[k].len] == ':')
				break;
		if (k < ARRAY_LEN(question_blocks)) {
			const char *next = read_block(name, line0, line,
			    q + question_blocks[k].len + 1,
			    question_blocks[k].tag,
			    question_blocks[k].notask ? notasks : asks);

			for (q = open; q < next; q++) {
				if (*q == '\n') {
					buf_addc(&b, '\n');
					line++;
				}
			}
			p = next;
			continue;
		}
		close = strstr(open + 4, "-->");
		if (close == NULL)
			close = open + strlen(open);
		if (close - q > 9 && strncasecmp(q, "keywords:", 9) == 0) {
			kw->v = xrealloc(kw->v, (kw->n + 1) * sizeof(*kw->v));
			kw->v[kw->n].line = line;
			kw->v[kw->n].words = xstrndup(q + 9,
			    (size_t)(close - q - 9));
			kw->n++;
		}
		for (q = open; q < close; q++) {
			if (*q == '\n') {
				buf_addc(&b, '\n');
				line++;
			}
		}
		if (*close == '\0')
			break;
		p = close + 3;
	}
	if (b.s == NULL)
		buf_adds(&b, "");
	return buf_detach(&b);
}

/*
 * Rewrites the body so that CommonMark reads it as its authors meant:
 * lines starting with "•" become list items; in a page where items start
 * with "- ." debris the dot goes; list nesting follows "more indented than
 * the previous item = one level deeper", whatever the number of spaces, and
 * a list item's indented continuation lines stay inside that item.
 */
static char *
rewrite_lists(const char *s)
{
	struct { size_t orig, content; } stack[GUIDE_LIST_DEPTH];
	struct buf b;
	const char *p;
	size_t sp = 0, debris = 0;
	int prev_blank = 1;

	/* Does this page have the "- ." debris? */
	for (p = s; p != NULL && *p != '\0'; ) {
		const char *q = p;
		size_t m;

		while (*q == ' ')
			q++;
		if ((m = list_marker(q)) > 0 && q[m] == ' ' &&
		    q[m + 1] == '.' && q[m + 2] != '.' && q[m + 2] != ' ' &&
		    q[m + 2] != '\n')
			debris++;
		p = strchr(p, '\n');
		if (p != NULL)
			p++;
	}
	buf_init(&b);
	for (p = s; *p != '\0'; ) {
		const char *eol = strchr(p, '\n'), *q;
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		size_t n = 0, m, i, col;
		struct buf line;

		/* Leading white space, tabs to the next multiple of 4. */
		for (q = p; q < p + len && (*q == ' ' || *q == '\t'); q++)
			n = *q == '\t' ? (n / 4 + 1) * 4 : n + 1;
		buf_init(&line);
		if (q + 3 <= p + len && memcmp(q, "\xe2\x80\xa2", 3) == 0) {
			/* "•" bullet. */
			buf_adds(&line, "- ");
			q += 3;
			while (q < p + len && *q == ' ')
				q++;
			buf_add(&line, q, (size_t)(p + len - q));
		} else
			buf_add(&line, q, (size_t)(p + len - q));
		if (line.s == NULL)
			buf_adds(&line, "");

		if (line.len == 0) {
			buf_addc(&b, '\n');
			prev_blank = 1;
		} else if ((m = list_marker(line.s)) > 0 &&
		    !is_break_line(line.s, line.len)) {
			const char *rest = line.s + m;

			while (*rest == ' ')
				rest++;
			if (debris >= 2 && rest[0] == '.' && rest[1] != '.' &&
			    rest[1] != ' ' && rest[1] != '\0')
				rest++;
			while (sp > 0 && stack[sp - 1].orig > n)
				sp--;
			if (sp > 0 && stack[sp - 1].orig == n)
				sp--;
			col = sp > 0 ? stack[sp - 1].content : 0;
			if (sp < GUIDE_LIST_DEPTH) {
				stack[sp].orig = n;
				stack[sp].content = col + m + 1;
				sp++;
			}
			for (i = 0; i < col; i++)
				buf_addc(&b, ' ');
			buf_add(&b, line.s, m);
			buf_addc(&b, ' ');
			buf_adds(&b, rest);
			buf_addc(&b, '\n');
			prev_blank = 0;
		} else {
			if (line.s[0] == '#' || (n == 0 && prev_blank))
				sp = 0;
			if (sp > 0 && n > 0) {
				while (sp > 0 && stack[sp - 1].orig >= n)
					sp--;
				col = sp > 0 ? stack[sp - 1].content : 0;
			} else
				col = n;
			for (i = 0; i < col; i++)
				buf_addc(&b, ' ');
			buf_add(&b, line.s, line.len);
			buf_addc(&b, '\n');
			prev_blank = 0;
		}
		buf_release(&line);
		if (eol == NULL)
			break;
		p = eol + 1;
	}
	if (b.s == NULL)
		buf_adds(&b, "");
	return buf_detach(&b);
}

/* ------------------------------------------------------------ rendering */

static int
has_scheme(const char *u, const char *scheme)
{
	size_t n = strlen(scheme);

	return strncasecmp(u, scheme, n) == 0;
}

/* A bare e-mail address: one '@', no '/', ':' or space. */
static int
is_email(const char *s)
{
	const char *at = strchr(s, '@');

	return at != NULL && at != s && at[1] != '\0' &&
	    strchr(at + 1, '@') == NULL && strchr(at + 1, '.') != NULL &&
	    strpbrk(s, "/: ") == NULL;
}

static int
looks_like_url(const char *s)
{
	return strstr(s, "://") != NULL || has_scheme(s, "www.") ||
	    has_scheme(s, "mailto:") || is_email(s);
}

/* Strips scheme, "www." and trailing '/' for comparisons. */
static void
url_core(const char *s, const char **start, size_t *len)
{
	const char *p = strstr(s, "://");
	size_t n;

	if (p != NULL && p - s < 10)
		s = p + 3;
	else if (has_scheme(s, "mailto:"))
		s += 7;
	if (has_scheme(s, "www."))
		s += 4;
	n = strlen(s);
	while (n > 0 && s[n - 1] == '/')
		n--;
	*start = s;
	*len = n;
}

static int
same_target(const char *text, const char *url)
{
	const char *a, *b;
	size_t al, bl;

	url_core(text, &a, &al);
	url_core(url, &b, &bl);
	return al == bl && strncasecmp(a, b, al) == 0;
}

/* Inline content of node as plain text; links as "text (url)" when links. */
static void render_inlines(cmark_node *, struct buf *, int, int);

static void
render_link(cmark_node *node, struct buf *out, int links, int depth)
{
	const char *url = cmark_node_get_url(node);
	struct buf text, target;
	const char *u;
	char *t;

	buf_init(&text);
	render_inlines(node, &text, 0, depth + 1);
	t = norm_heading(text.s ? text.s : "");
	buf_release(&text);
	buf_init(&target);
	if (url == NULL)
		url = "";
	while (*url == ' ')
		url++;
	if (has_scheme(url, "mailto:")) {
		u = strchr(url, ':') + 1;
		buf_add(&target, u, strcspn(u, "?"));
	} else if (is_email(url)) {
		buf_adds(&target, url);
	} else if (has_scheme(url, "http://") || has_scheme(url, "https://") ||
	    has_scheme(url, "ftp://") || has_scheme(url, "xmpp:")) {
		for (u = url; *u != '\0'; u++)
			if (!(u[0] == '\\' && u[1] == '_') && *u != ' ')
				buf_addc(&target, *u);
	}
	/* Anything else (relative, "#anchor", javascript:...): text only. */
	if (!links || target.len == 0)
		buf_adds(out, t);
	else if (*t == '\0' || same_target(t, target.s) || looks_like_url(t))
		buf_add(out, target.s, target.len);
	else {
		buf_adds(out, t);
		buf_adds(out, " (");
		buf_add(out, target.s, target.len);
		buf_addc(out, ')');
	}
	buf_release(&target);
	free(t);
}

static void
render_inlines(cmark_node *parent, struct buf *out, int links, int depth)
{
	cmark_node *n;
	const char *lit;

	for (n = cmark_node_first_child(parent); n != NULL;
	    n = cmark_node_next(n)) {
		switch (cmark_node_get_type(n)) {
		case CMARK_NODE_TEXT:
		case CMARK_NODE_CODE:
			if ((lit = cmark_node_get_literal(n)) != NULL)
				buf_adds(out, lit);
			break;
		case CMARK_NODE_SOFTBREAK:
			buf_addc(out, ' ');
			break;
		case CMARK_NODE_LINEBREAK:
			buf_addc(out, '\n');
			break;
		case CMARK_NODE_HTML_INLINE:
			lit = cmark_node_get_literal(n);
			if (lit != NULL && strncasecmp(lit, "<br", 3) == 0)
				buf_addc(out, '\n');
			break;
		case CMARK_NODE_LINK:
			if (depth < GUIDE_RENDER_DEPTH)
				render_link(n, out, links, depth);
			break;
		default:	/* emphasis, strong, image (alt text), custom */
			if (depth < GUIDE_RENDER_DEPTH)
				render_inlines(n, out, links, depth + 1);
			break;
		}
	}
}

/* Chat text of a leaf block (paragraph, heading, code, HTML). New string. */
static char *
leaf_text(cmark_node *node)
{
	struct buf raw, out;
	const char *lit;

	buf_init(&raw);
	switch (cmark_node_get_type(node)) {
	case CMARK_NODE_CODE_BLOCK:
		if ((lit = cmark_node_get_literal(node)) != NULL)
			buf_adds(&raw, lit);
		break;
	case CMARK_NODE_HTML_BLOCK:
		/* Raw HTML: keep the words, drop the tags. */
		if ((lit = cmark_node_get_literal(node)) != NULL) {
			int intag = 0;

			for (; *lit != '\0'; lit++) {
				if (*lit == '<')
					intag = 1;
				else if (*lit == '>' && intag) {
					intag = 0;
					buf_addc(&raw, ' ');
				} else if (!intag)
					buf_addc(&raw,
					    *lit == '\n' ? ' ' : *lit);
			}
		}
		break;
	default:
		render_inlines(node, &raw, 1, 0);
		break;
	}
	buf_init(&out);
	if (raw.s != NULL)
		clean_append(&out, raw.s, raw.len);
	buf_release(&raw);
	rtrim(&out);
	if (out.s == NULL)
		buf_adds(&out, "");
	return buf_detach(&out);
}

static void
add_indent(struct buf *out, size_t n)
{
	while (n-- > 0)
		buf_addc(out, ' ');
}

/* Appends text's lines, the first after what is already there, the next
 * ones indented by indent. */
static void
add_lines(struct buf *out, const char *text, size_t indent)
{
	const char *p = text, *eol;

	while ((eol = strchr(p, '\n')) != NULL) {
		buf_add(out, p, (size_t)(eol - p) + 1);
		add_indent(out, indent);
		p = eol + 1;
	}
	buf_adds(out, p);
}

static void render_block(cmark_node *, struct buf *, int, int);

/* One list item: "- text" (or "N. text") at depth, then its other blocks. */
static void
render_item(cmark_node *item, struct buf *out, int depth, int num, int level)
{
	cmark_node *c;
	char marker[16];
	int first = 1;

	if (num > 0)
		(void)util_snprintf(marker, sizeof(marker), "%d. ", num);
	else
		util_strlcpy(marker, "- ", sizeof(marker));
	for (c = cmark_node_first_child(item); c != NULL;
	    c = cmark_node_next(c)) {
		cmark_node_type t = cmark_node_get_type(c);
		char *text;
		const char *body;

		if (t == CMARK_NODE_LIST) {
			render_block(c, out, depth + 1, level + 1);
			continue;
		}
		if (t == CMARK_NODE_BLOCK_QUOTE) {
			render_block(c, out, depth + 1, level + 1);
			continue;
		}
		text = leaf_text(c);
		body = text;
		if (first && body[0] == '.' && body[1] == ' ')
			body += 2;		/* "- . item" debris */
		if (*body == '\0' || strcmp(body, ".") == 0) {
			free(text);
			continue;
		}
		if (out->len > 0 && out->s[out->len - 1] != '\n')
			buf_addc(out, '\n');
		add_indent(out, (size_t)depth * 2);
		if (first)
			buf_adds(out, marker);
		else
			add_indent(out, strlen(marker));
		add_lines(out, body, (size_t)depth * 2 + strlen(marker));
		first = 0;
		free(text);
	}
}

/* Appends one block. Lists are tight; other blocks are separated by a
 * blank line by the caller. */
static void
render_block(cmark_node *node, struct buf *out, int depth, int level)
{
	cmark_node *c;
	int num;
	char *text;

	if (level > GUIDE_RENDER_DEPTH)
		depth = GUIDE_RENDER_DEPTH / 2;
	switch (cmark_node_get_type(node)) {
	case CMARK_NODE_LIST:
		num = cmark_node_get_list_type(node) == CMARK_ORDERED_LIST ?
		    cmark_node_get_list_start(node) : 0;
		if (num < 0 || num > 1000000)
			num = 1;
		for (c = cmark_node_first_child(node); c != NULL;
		    c = cmark_node_next(c)) {
			if (level > GUIDE_RENDER_DEPTH * 2)
				break;
			render_item(c, out, depth, num, level);
			if (num > 0)
				num++;
		}
		break;
	case CMARK_NODE_BLOCK_QUOTE:
		for (c = cmark_node_first_child(node); c != NULL;
		    c = cmark_node_next(c)) {
			if (level > GUIDE_RENDER_DEPTH * 2)
				break;
			if (out->len > 0 && out->s[out->len - 1] != '\n')
				buf_addc(out, '\n');
			render_block(c, out, depth, level + 1);
		}
		break;
	case CMARK_NODE_THEMATIC_BREAK:
		break;
	default:
		text = leaf_text(node);
		if (*text != '\0') {
			if (out->len > 0 && out->s[out->len - 1] != '\n')
				buf_addc(out, '\n');
			add_indent(out, (size_t)depth * 2);
			add_lines(out, text, (size_t)depth * 2);
		}
		free(text);
		break;
	}
}

/* ------------------------------------------------------------- sections */

static struct draft *
draft_add(struct drafts *d, int level, size_t line, const char *heading)
{
	struct draft *s;

	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 16;
		d->v = xrealloc(d->v, d->cap * sizeof(*d->v));
	}
	s = &d->v[d->n++];
	memset(s, 0, sizeof(*s));
	s->level = level;
	s->line = line;
	s->heading = heading ? xstrdup(heading) : NULL;
	buf_init(&s->text);
	buf_init(&s->keywords);
	buf_init(&s->asks);
	return s;
}

static void
drafts_release(struct drafts *d)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		free(d->v[i].heading);
		free(d->v[i].path);
		buf_release(&d->v[i].text);
		free(d->v[i].shown);
		buf_release(&d->v[i].keywords);
		buf_release(&d->v[i].asks);
	}
	free(d->v);
	memset(d, 0, sizeof(*d));
}

static int
line_blank(const char *s)
{
	for (; *s != '\0' && *s != '\n'; s++)
		if (*s != ' ' && *s != '\t')
			return 0;
	return 1;
}

/* Index of each line start of text (lines[0] = line 1). */
static const char **
line_index(const char *text, size_t *nlines)
{
	const char **v;
	const char *p;
	size_t n = 1, i = 0;

	for (p = text; *p != '\0'; p++)
		n += *p == '\n';
	v = xcalloc(n + 1, sizeof(*v));
	v[i++] = text;
	for (p = text; *p != '\0'; p++)
		if (*p == '\n' && i < n)
			v[i++] = p + 1;
	*nlines = n;
	return v;
}

/*
 * A pseudo-heading: a top-level paragraph of one source line with a blank
 * line (or the page's edge) before and after it, under GUIDE_PSEUDO_MAX
 * characters, not ending like a sentence ('.', ',', ';', '…'), not starting
 * with a lower-case letter, not a bare URL, not an aside in brackets. It
 * must be followed by content before the next real heading (no empty
 * section).
 */
static int
is_pseudo_heading(cmark_node *node, const char *text, const char **lines,
    size_t nlines)
{
	int start = cmark_node_get_start_line(node);
	int end = cmark_node_get_end_line(node);
	cmark_node *next = cmark_node_next(node);
	size_t len = strlen(text), chars = util_utf8_chars(text);
	const char *p;

	if (cmark_node_get_type(node) != CMARK_NODE_PARAGRAPH || start != end ||
	    start < 1 || (size_t)start > nlines)
		return 0;
	if (chars < 2 || chars >= GUIDE_PSEUDO_MAX || strchr(text, '\n'))
		return 0;
	if (start > 1 && !line_blank(lines[start - 2]))
		return 0;
	if ((size_t)end < nlines && !line_blank(lines[end]))
		return 0;
	if (text[len - 1] == '.' || text[len - 1] == ',' ||
	    text[len - 1] == ';' || (len >= 3 &&
	    strcmp(text + len - 3, "\xe2\x80\xa6") == 0))
		return 0;
	if (strstr(text, "://") != NULL || has_scheme(text, "www."))
		return 0;
	/* "(a note)" or "[soon]" is an aside, not a title. */
	if ((text[0] == '(' && text[len - 1] == ')') ||
	    (text[0] == '[' && text[len - 1] == ']'))
		return 0;
	for (p = text; *p != '\0' && !is_alnum_byte(*p); p++)
		;
	if (*p == '\0' || (*p >= 'a' && *p <= 'z'))
		return 0;
	if (next == NULL || cmark_node_get_type(next) == CMARK_NODE_HEADING)
		return 0;
	return 1;
}

/* Text of a heading's (or a link's) inlines, normalised. New string. */
static char *
heading_text(cmark_node *node)
{
	struct buf raw;
	char *s;

	buf_init(&raw);
	render_inlines(node, &raw, 0, 0);
	s = norm_heading(raw.s ? raw.s : "");
	buf_release(&raw);
	return s;
}

/* Should the pseudo-heading rule apply to this page? Only when it has at
 * most one real sub-heading (level 2+): in a page organised with '#'
 * headings, a short line is a short line. */
static int
page_wants_pseudo(cmark_node *doc)
{
	cmark_node *n;
	int sub = 0;

	for (n = cmark_node_first_child(doc); n != NULL; n = cmark_node_next(n))
		if (cmark_node_get_type(n) == CMARK_NODE_HEADING &&
		    cmark_node_get_heading_level(n) >= 2)
			sub++;
	return sub <= 1;
}

/* "Term : definition" without emphasis (a converted glossary): the term is
 * what comes before the first ':', short, of a few words. New string or
 * NULL. */
static char *
plain_term(cmark_node *para)
{
	char *text = leaf_text(para), *t = text, *colon, *h = NULL;
	size_t n, words = 1;

	while (*t == '.' || *t == ' ')
		t++;
	if ((colon = strchr(t, ':')) != NULL) {
		n = (size_t)(colon - t);
		/* Spaces and no-break spaces before the colon. */
		while (n > 0 && (t[n - 1] == ' ' || (n >= 2 &&
		    (unsigned char)t[n - 2] == 0xc2 &&
		    (unsigned char)t[n - 1] == 0xa0)))
			n -= t[n - 1] == ' ' ? 1 : 2;
		for (size_t i = 0; i < n; i++)
			words += t[i] == ' ';
		if (n > 0 && n < 60 && words <= 8) {
			t[n] = '\0';
			h = norm_heading(t);
		}
	}
	free(text);
	return h;
}

/* The term of a glossary item "- **Term**: definition" (or "**Term:**",
 * or with plain, "Term : definition"), or NULL. New string. */
static char *
definition_term(cmark_node *item, int plain)
{
	cmark_node *p = cmark_node_first_child(item), *st, *after;
	const char *lit;
	struct buf raw;
	char *h = NULL;
	int colon;

	if (p == NULL || cmark_node_get_type(p) != CMARK_NODE_PARAGRAPH)
		return NULL;
	st = cmark_node_first_child(p);
	if (st == NULL || cmark_node_get_type(st) != CMARK_NODE_STRONG)
		return plain ? plain_term(p) : NULL;
	after = cmark_node_next(st);
	buf_init(&raw);
	render_inlines(st, &raw, 0, 0);
	rtrim(&raw);
	colon = raw.len > 0 && raw.s[raw.len - 1] == ':';
	if (colon)
		buf_truncate(&raw, raw.len - 1);
	else if (after != NULL && cmark_node_get_type(after) ==
	    CMARK_NODE_TEXT && (lit = cmark_node_get_literal(after)) != NULL) {
		while (*lit == ' ')
			lit++;
		colon = *lit == ':';
	}
	rtrim(&raw);
	if (colon && raw.len > 0 && util_utf8_chars(raw.s) < GUIDE_PSEUDO_MAX)
		h = norm_heading(raw.s);
	buf_release(&raw);
	if (h != NULL && h[0] == '\0') {
		free(h);
		h = NULL;
	}
	return h;
}

/* Whether a list item's text after its first ':' says something besides
 * links ("Scanner : https://..." does not). */
static int
item_defines(cmark_node *item)
{
	struct buf block;
	const char *p;
	int words = 0;

	buf_init(&block);
	render_item(item, &block, 0, 0, 0);
	p = block.s ? strchr(block.s, ':') : NULL;
	while (p != NULL && words == 0) {
		size_t n;
		char w[16];

		p += strspn(p, ": \n");
		if ((n = strcspn(p, " \n")) == 0)
			break;
		util_strlcpy(w, p, n < sizeof(w) ? n + 1 : sizeof(w));
		words = strstr(w, "://") == NULL && !has_scheme(w, "www.") &&
		    !has_scheme(w, "mailto:") && strchr(w, '@') == NULL;
		p += n;
	}
	buf_release(&block);
	return words;
}

/* Whether term t starts with the same word as first ("Step 1", "Step 2"). */
static int
same_first_word(const char *first, const char *t)
{
	size_t n = strcspn(first, " ");

	return first[0] != '\0' && strncasecmp(first, t, n) == 0 &&
	    (t[n] == ' ' || t[n] == '\0');
}

/* A glossary: a list of three items or more, nearly all of them
 * "**Term**: definition" (1), or of five or more, all "Term : definition"
 * (2); and most items define their term (a list of "Name: link" is a list
 * of links), and the terms are not one word numbered ("Step 1: ...,
 * Step 2: ..." is a procedure). 0: not a glossary. */
static int
is_definition_list(cmark_node *list)
{
	int items = 0, terms = 0, plain = 0, defines = 0, steps = 0;
	char *first = NULL;
	cmark_node *c;

	if (cmark_node_get_type(list) != CMARK_NODE_LIST)
		return 0;
	for (c = cmark_node_first_child(list); c != NULL;
	    c = cmark_node_next(c)) {
		char *t = definition_term(c, 0), *pt = definition_term(c, 1);
		const char *term = t != NULL ? t : pt;

		items++;
		terms += t != NULL;
		plain += pt != NULL;
		defines += item_defines(c);
		if (term != NULL && first == NULL)
			first = xstrdup(term);
		else if (term != NULL)
			steps += same_first_word(first, term);
		free(t);
		free(pt);
	}
	free(first);
	if (defines * 2 < items || steps * 2 >= items)
		return 0;
	if (items >= 3 && terms * 5 >= items * 4)
		return 1;
	/* Without emphasis, a longer list, every item alike. */
	return items >= 5 && plain == items ? 2 : 0;
}

/* Each item of a glossary becomes a section under the current heading:
 * the term its heading, the definition its text. */
static struct draft *
add_definitions(cmark_node *list, struct drafts *d, struct draft *cur,
    int level, int kind)
{
	cmark_node *c;

	for (c = cmark_node_first_child(list); c != NULL;
	    c = cmark_node_next(c)) {
		char *term = definition_term(c, kind == 2);
		struct buf block;
		const char *body;

		buf_init(&block);
		render_item(c, &block, 0, 0, 0);
		rtrim(&block);
		body = block.s ? block.s : "";
		if (term != NULL) {
			const char *colon = strchr(body, ':');

			cur = draft_add(d, level > 6 ? 6 : level,
			    (size_t)cmark_node_get_start_line(c), term);
			cur->term = 1;
			free(term);
			body = colon ? colon + 1 : body;
			while (*body == ' ')
				body++;
		} else if (cur == NULL)
			cur = draft_add(d, 1, 1, NULL);
		if (*body != '\0') {
			if (cur->text.len > 0)
				buf_adds(&cur->text, "\n");
			buf_adds(&cur->text, body);
		}
		buf_release(&block);
	}
	return cur;
}

/* Walks the document's top-level blocks into drafts, one per heading. */
static void
build_drafts(cmark_node *doc, const char *text, struct drafts *d)
{
	const char **lines;
	size_t nlines;
	cmark_node *n;
	struct draft *cur = NULL;
	int pseudo = page_wants_pseudo(doc), real_level = 0, kind;

	lines = line_index(text, &nlines);
	for (n = cmark_node_first_child(doc); n != NULL;
	    n = cmark_node_next(n)) {
		cmark_node_type t = cmark_node_get_type(n);
		struct buf block;
		char *h;

		if (t == CMARK_NODE_HEADING) {
			real_level = cmark_node_get_heading_level(n);
			h = heading_text(n);
			cur = draft_add(d, real_level,
			    (size_t)cmark_node_get_start_line(n), h);
			free(h);
			continue;
		}
		if (pseudo && t == CMARK_NODE_PARAGRAPH) {
			h = leaf_text(n);
			if (is_pseudo_heading(n, h, lines, nlines)) {
				char *nh = norm_heading(h);

				cur = draft_add(d, real_level + 1 > 6 ? 6 :
				    real_level + 1,
				    (size_t)cmark_node_get_start_line(n), nh);
				free(nh);
				free(h);
				continue;
			}
			free(h);
		}
		if (pseudo && t == CMARK_NODE_LIST &&
		    (kind = is_definition_list(n)) != 0) {
			/* The terms sit one level below the heading above
			 * the list, and what follows the list is that
			 * heading's again, not the last term's. */
			size_t home = cur != NULL ? (size_t)(cur - d->v) : 0;
			int back = cur != NULL, level = cur != NULL ?
			    cur->level + 1 : real_level + 1;

			cur = add_definitions(n, d, cur, level, kind);
			if (back)
				cur = &d->v[home];
			continue;
		}
		if (cur == NULL)		/* text before any heading */
			cur = draft_add(d, 1, 1, NULL);
		buf_init(&block);
		render_block(n, &block, 0, 0);
		rtrim(&block);
		if (block.len > 0) {
			if (cur->text.len > 0)
				buf_adds(&cur->text, "\n\n");
			buf_add(&cur->text, block.s, block.len);
		}
		buf_release(&block);
	}
	free(lines);
}

/* ------------------------------------------------------------- language */

/* A language a folder name or a file name suffix may spell. */
static int
known_lang(const char *s, size_t n)
{
	return n == 2 && lang_row_n(s, n) != NULL;
}

/* "en", "en-US", "EN_us", "fra"... to a 2-3 letter lower-case code. */
static int
norm_lang(const char *in, char out[4])
{
	size_t i;

	for (i = 0; i < 3 && ((in[i] >= 'a' && in[i] <= 'z') ||
	    (in[i] >= 'A' && in[i] <= 'Z')); i++)
		out[i] = (char)(in[i] | 0x20);
	out[i] = '\0';
	if (i < 2 || (in[i] != '\0' && in[i] != '-' && in[i] != '_'))
		return -1;
	return 0;
}

/* "name.fr.md" → "fr". */
static int
lang_from_name(const char *path, char out[4])
{
	const char *base = strrchr(path, '/'), *dot, *ext;

	base = base ? base + 1 : path;
	ext = strrchr(base, '.');
	if (ext == NULL || ext == base)
		return -1;
	for (dot = ext - 1; dot > base && *dot != '.'; dot--)
		;
	if (*dot != '.' || !known_lang(dot + 1, (size_t)(ext - dot - 1)))
		return -1;
	memcpy(out, dot + 1, 2);
	out[2] = '\0';
	return 0;
}

/* The innermost folder of path named like a language ("fr/"). */
static int
lang_from_dir(const char *path, char out[4])
{
	const char *end = strrchr(path, '/'), *start;

	while (end != NULL && end > path) {
		for (start = end - 1; start > path && start[-1] != '/'; start--)
			;
		if (known_lang(start, (size_t)(end - start))) {
			memcpy(out, start, 2);
			out[2] = '\0';
			return 0;
		}
		end = start > path ? start - 1 : NULL;
	}
	return -1;
}

static const char *
basename_of(const char *path)
{
	const char *b = strrchr(path, '/');

	return b ? b + 1 : path;
}

/* Language of a page: front matter, file suffix, folder (unless the text
 * plainly says otherwise), text, default. */
static char *
page_lang(const char *name, const struct fm *fm, const char *text,
    const char *default_lang)
{
	char code[4];
	const char *det;
	size_t best = 0, prior = 0;

	if (fm->lang != NULL && norm_lang(fm->lang, code) == 0)
		return xstrdup(code);
	if (fm->lang != NULL)
		log_warnx("%s: front matter language '%s' not understood",
		    name, log_vis(fm->lang));
	if (lang_from_name(name, code) == 0)
		return xstrdup(code);
	if (lang_from_dir(name, code) == 0) {
		det = lang_detect_counts(text, code, &best, &prior);
		if (det != NULL && strcmp(det, code) != 0) {
			if (best >= 20 && best >= 4 * prior) {
				log_info("%s: page in folder '%s' reads as "
				    "'%s'", name, code, det);
				return xstrdup(det);
			}
		}
		return xstrdup(code);
	}
	if ((det = lang_detect(text)) != NULL)
		return xstrdup(det);
	return xstrdup(default_lang ? default_lang : "en");
}

/* ---------------------------------------------------------------- pages */

static void
add_section(struct guide *g, size_t page, struct draft *d)
{
	struct section *s;

	if (g->nsecs == g->scap) {
		g->scap = g->scap ? g->scap * 2 : 64;
		g->secs = xrealloc(g->secs, g->scap * sizeof(*g->secs));
	}
	s = &g->secs[g->nsecs++];
	s->page = page;
	s->level = d->level;
	s->heading = chat_text_out(d->heading);
	s->path = chat_text_out(d->path);
	s->text = chat_text_out(d->text.s ? d->text.s : "");
	s->shown = d->shown != NULL ? chat_text_out(d->shown) : NULL;
	s->read = NULL;
	s->keywords = chat_text_out(d->keywords.s ? d->keywords.s : "");
	/* Index data only, never shown: not chat text. */
	s->asks = xstrdup(d->asks.s ? d->asks.s : "");
	s->borrowed = d->borrowed;
	s->term = d->term;
}

/* Appends an asks block's questions (one a line) to b. */
static void
add_asks(struct buf *b, const char *lines)
{
	if (b->len > 0)
		buf_addc(b, '\n');
	buf_adds(b, lines);
}

/* Keywords "a, b; c" to "a b c" (cleaned). */
static void
add_keywords(struct buf *b, const char *words)
{
	struct buf tmp;
	const char *p;

	buf_init(&tmp);
	for (p = words; *p != '\0'; p++)
		buf_addc(&tmp, (*p == ',' || *p == ';' || *p == '\n') ? ' ' :
		    *p);
	if (tmp.s != NULL) {
		if (b->len > 0)
			buf_addc(b, ' ');
		clean_append(b, tmp.s, tmp.len);
		rtrim(b);
	}
	buf_release(&tmp);
}

/*
 * Keeps the first max questions of a page's blocks of one kind (what:
 * "asks" or "not-asks", for the warning), in the order they stand, and
 * drops the rest with a warning naming file name: one per-page bound for
 * both kinds, on top of read_block()'s bounds on each block.
 */
static void
page_bound(const char *name, const char *what, struct kwnotes *blocks,
    size_t max)
{
	size_t total = 0, cut = blocks->n, k;

	for (k = 0; k < blocks->n; k++) {
		char *p = blocks->v[k].words;

		while (*p != '\0') {
			size_t n = strcspn(p, "\n");

			/* The first question past the bound: it and every
			 * one after it go. */
			if (++total == max + 1) {
				if (p == blocks->v[k].words)
					cut = k;
				else {
					p[-1] = '\0';
					cut = k + 1;
				}
			}
			p += n + (p[n] == '\n');
		}
	}
	if (total <= max)
		return;
	for (k = cut; k < blocks->n; k++)
		free(blocks->v[k].words);
	blocks->n = cut;
	log_warnx("%s: %zu %s in its blocks: the first %zu kept", name, total,
	    what, max);
}

/* A page's not-asks blocks (page_bound() first) as one text, one question
 * a line. New string; caller frees. */
static char *
page_notasks(const char *name, struct kwnotes *notasks)
{
	struct buf b;
	char *r;

	page_bound(name, "not-asks", notasks, GUIDE_NOTASKS_PAGE);
	buf_init(&b);
	for (size_t k = 0; k < notasks->n; k++)
		add_asks(&b, notasks->v[k].words);
	r = xstrdup(b.s ? b.s : "");
	buf_release(&b);
	return r;
}

/*
 * An empty parent borrows the text of its first descendant that has some
 * (drafts are visited from the end: a borrowed text is never borrowed
 * again, only original ones are), unless that is a glossary term: a
 * glossary's heading would show the first term's definition as if it were
 * the page's; its terms are its sections. A draft still empty after this
 * (a heading followed by one of its level or above) is no section.
 */
static void
borrow_texts(struct drafts *d)
{
	size_t i, j;

	for (i = d->n; i-- > 0; ) {
		if (d->v[i].text.len > 0)
			continue;
		for (j = i + 1; j < d->n && d->v[j].level > d->v[i].level; j++)
			if (d->v[j].text.len > 0 && !d->v[j].borrowed) {
				if (d->v[j].term)
					break;
				buf_add(&d->v[i].text, d->v[j].text.s,
				    d->v[j].text.len);
				d->v[i].borrowed = 1;
				break;
			}
	}
}

/* Fills in headings and paths, adds the non-empty sections of a page to
 * g (borrow_texts() has run). */
static void
finish_page(struct guide *g, size_t page, struct drafts *d,
    const struct kwnotes *kw, struct buf *pagekw, const struct kwnotes *asks,
    struct buf *pageasks)
{
	const char *stack[GUIDE_LEVELS + 1];
	struct page *p = &g->pages[page];
	size_t i, k;
	int l;

	for (l = 0; l <= GUIDE_LEVELS; l++)
		stack[l] = NULL;
	for (k = 0; k < kw->n; k++) {
		for (i = d->n; i > 0 && d->v[i - 1].line > kw->v[k].line; i--)
			;
		if (i == 0 || d->v[i - 1].heading == NULL)
			add_keywords(pagekw, kw->v[k].words);
		else
			add_keywords(&d->v[i - 1].keywords, kw->v[k].words);
	}
	/* An asks block before any heading, under the page's title (its
	 * first H1, when it is the title) or under a heading that is no
	 * section (empty, borrowing nothing: borrow_texts() has run) is the
	 * page's: a heading with no text of its own introduces what follows
	 * it, which may be several sections. */
	for (k = 0; k < asks->n; k++) {
		for (i = d->n; i > 0 && d->v[i - 1].line > asks->v[k].line;
		    i--)
			;
		if (i == 0 || d->v[i - 1].heading == NULL ||
		    d->v[i - 1].text.len == 0 || (i == 1 &&
		    d->v[0].level == 1 && strcmp(d->v[0].heading,
		    p->title) == 0)) {
			if (i > 1 && d->v[i - 1].heading != NULL &&
			    d->v[i - 1].text.len == 0)
				log_warnx("%s: asks block under \"%s\", a "
				    "heading with no text: kept as the page's",
				    p->path, d->v[i - 1].heading);
			add_asks(pageasks, asks->v[k].words);
		} else
			add_asks(&d->v[i - 1].asks, asks->v[k].words);
	}
	for (i = 0; i < d->n; i++) {
		struct draft *s = &d->v[i];
		struct buf path;

		if (s->heading == NULL)
			s->heading = xstrdup(p->title);
		if (s->level < 1)
			s->level = 1;
		if (s->level > GUIDE_LEVELS)
			s->level = GUIDE_LEVELS;
		stack[s->level] = s->heading;
		for (l = s->level + 1; l <= GUIDE_LEVELS; l++)
			stack[l] = NULL;
		buf_init(&path);
		for (l = 1; l <= s->level; l++) {
			if (stack[l] == NULL)
				continue;
			if (path.len > 0)
				buf_adds(&path, " \xe2\x80\xba ");
			buf_adds(&path, stack[l]);
		}
		s->path = buf_detach(&path);
	}
	p->first = g->nsecs;
	for (i = 0; i < d->n; i++)
		if (d->v[i].text.len > 0)
			add_section(g, page, &d->v[i]);
	p->nsec = g->nsecs - p->first;
}

/* ---------------------------------------------------------------- links */

/* The name a relative link gives its target: "Other" of "Other.md#x",
 * "../xx/Other/" or "/site/xx/Other/". New string, or NULL for a link out
 * of the guide (a scheme, an e-mail address, "#anchor" alone). */
static char *
link_slug(const char *url)
{
	size_t n, start;

	if (url == NULL || *url == '\0' || *url == '#' || is_email(url) ||
	    strchr(url, ':') != NULL)
		return NULL;
	n = strcspn(url, "#?");
	while (n > 0 && url[n - 1] == '/')
		n--;
	for (start = n; start > 0 && url[start - 1] != '/'; start--)
		;
	if (n - start > 3 && strncasecmp(url + n - 3, ".md", 3) == 0)
		n -= 3;
	return n > start ? xstrndup(url + start, n - start) : NULL;
}

/* What a link says about its target: its paragraph when the link opens a
 * short one ("- [Is your site down?](Site) (Has it been defaced?)", an
 * index page's entry), else its own text. New string. */
static char *
link_text(cmark_node *link)
{
	cmark_node *para = cmark_node_parent(link);
	char *t;

	if (para != NULL && cmark_node_get_type(para) ==
	    CMARK_NODE_PARAGRAPH && cmark_node_first_child(para) == link) {
		t = leaf_text(para);
		if (util_utf8_chars(t) <= GUIDE_ANCHOR_CHARS)
			return t;
		free(t);
	}
	return heading_text(link);
}

/* The links of a parsed page to other pages of the guide, into *v. */
static size_t
links_collect(cmark_node *doc, struct anchor **v)
{
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	size_t n = 0;

	*v = NULL;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *node = cmark_iter_get_node(it);
		char *slug, *text;

		if (ev != CMARK_EVENT_ENTER ||
		    cmark_node_get_type(node) != CMARK_NODE_LINK ||
		    (slug = link_slug(cmark_node_get_url(node))) == NULL)
			continue;
		text = link_text(node);
		if (*text == '\0' || n == GUIDE_LINKS_MAX) {
			free(slug);
			free(text);
			continue;
		}
		if (n == 0)
			*v = xcalloc(GUIDE_LINKS_MAX, sizeof(**v));
		(*v)[n].slug = slug;
		(*v)[n].text = text;
		n++;
	}
	cmark_iter_free(it);
	return n;
}

/* Folder part of a path ("" for none). New string. */
static char *
dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? xstrndup(path, (size_t)(slash - path)) : xstrdup("");
}

/* Whether a link from folder dir naming slug points at page p: the same
 * folder, and the slug is its file name (without ".md", or without
 * ".xx.md") or the last part of its permalink. */
static int
link_hits(const struct page *p, const char *dir, const char *slug)
{
	const char *base = basename_of(p->path), *perm, *end;
	size_t n = strlen(slug), pdir = (size_t)(base - p->path);

	if (pdir > 0)
		pdir--;			/* the '/' */
	if (strlen(dir) != pdir || strncmp(dir, p->path, pdir) != 0)
		return 0;
	if (strncasecmp(base, slug, n) == 0 && (strcasecmp(base + n, ".md")
	    == 0 || (base[n] == '.' && strlen(base + n) == 6 &&
	    strcasecmp(base + n + 3, ".md") == 0)))
		return 1;
	if ((perm = p->permalink) == NULL)
		return 0;
	for (end = perm + strlen(perm); end > perm && end[-1] == '/'; end--)
		;
	for (perm = end; perm > p->permalink && perm[-1] != '/'; perm--)
		;
	return (size_t)(end - perm) == n && strncasecmp(perm, slug, n) == 0;
}

static void
anchor_add(struct page *p, const char *text)
{
	if (p->anchors.len > 0)
		buf_addc(&p->anchors, '\n');
	buf_adds(&p->anchors, text);
}

/*
 * What pages say of each other: the text of each link from one page to
 * another (an index page's "[Has your site been defaced?](Site)") is
 * given to its target as words about it, whichever of the two loads
 * first (links to pages not loaded yet wait in g->anchors).
 */
static void
links_resolve(struct guide *g, size_t page, struct anchor *mine, size_t n)
{
	struct page *p = &g->pages[page];
	char *dir = dir_of(p->path);
	size_t i, k, keep = 0;

	for (i = 0; i < g->nanchors; i++) {
		struct anchor *a = &g->anchors[i];

		if (link_hits(p, a->dir, a->slug)) {
			anchor_add(p, a->text);
			free(a->dir);
			free(a->slug);
			free(a->text);
		} else
			g->anchors[keep++] = *a;
	}
	g->nanchors = keep;
	for (i = 0; i < n; i++) {
		for (k = 0; k < g->npages; k++)
			if (link_hits(&g->pages[k], dir, mine[i].slug))
				break;
		if (k < g->npages) {
			if (k != page)
				anchor_add(&g->pages[k], mine[i].text);
			free(mine[i].slug);
			free(mine[i].text);
			continue;
		}
		if (g->nanchors == g->acap) {
			g->acap = g->acap ? g->acap * 2 : 32;
			g->anchors = xrealloc(g->anchors, g->acap *
			    sizeof(*g->anchors));
		}
		mine[i].dir = xstrdup(dir);
		g->anchors[g->nanchors++] = mine[i];
	}
	free(dir);
}

/* Title: front matter, else the first heading of a section (drafts
 * borrowed their texts already), else file name without ".md". */
static char *
page_title(const char *name, const struct fm *fm, const struct drafts *d)
{
	const char *base;
	size_t i, n;
	char *t;

	if (fm->title != NULL) {
		t = norm_heading(fm->title);
		if (*t != '\0')
			return t;
		free(t);
	}
	/* The first heading of a section or of sub-sections (a glossary's
	 * heading over its terms): an empty heading followed by one of its
	 * level or above is none, and its words are not the page's. */
	for (i = 0; i < d->n; i++)
		if (d->v[i].heading != NULL && d->v[i].heading[0] != '\0' &&
		    (d->v[i].text.len > 0 || (i + 1 < d->n &&
		    d->v[i + 1].level > d->v[i].level)))
			return xstrdup(d->v[i].heading);
	base = basename_of(name);
	n = strlen(base);
	if (n > 3 && strcmp(base + n - 3, ".md") == 0)
		n -= 3;
	return xstrndup(base, n);
}

/*
 * A page's H1 that says its title with another case, spacing or final
 * punctuation ("Lost devices?" under the title "Lost devices") takes the
 * title's spelling: it is the page's introduction, and is read as one
 * only when it matches the title.
 */
static void
same_as_title(struct drafts *d, const char *title)
{
	struct draft *h = d->n > 0 ? &d->v[0] : NULL;
	char *a, *b;

	if (h == NULL || h->heading == NULL || h->level != 1 ||
	    strcmp(h->heading, title) == 0)
		return;
	a = lang_fold(h->heading);
	b = lang_fold(title);
	if (a != NULL && b != NULL && strcmp(a, b) == 0) {
		free(h->heading);
		h->heading = xstrdup(title);
	}
	free(a);
	free(b);
}

static void	name_pointers(struct drafts *);
static void	notes_render(struct guide *);

int
guide_load_buffer(struct guide *g, const char *name, const char *data,
    size_t len, const char *default_lang)
{
	struct fm fm;
	struct kwnotes kw = { NULL, 0 }, asks = { NULL, 0 };
	struct kwnotes notasks = { NULL, 0 };
	struct drafts d = { NULL, 0, 0 };
	struct buf pagekw, pageasks;
	struct page *p;
	struct anchor *links = NULL;
	cmark_node *doc;
	char *clean, *nocomment, *md;
	const char *body, *q;
	size_t page, nlinks, line0 = 1;

	if (len > GUIDE_FILE_MAX) {
		log_warnx("%s: %zu bytes, more than %d: skipped", name, len,
		    GUIDE_FILE_MAX);
		return -1;
	}
	if ((clean = sanitize(name, data, len)) == NULL)
		return -1;
	memset(&fm, 0, sizeof(fm));
	body = fm_split(&fm, name, clean);
	for (q = clean; q < body; q++)
		line0 += *q == '\n';
	nocomment = strip_comments(name, line0, body, &kw, &asks, &notasks);
	md = rewrite_lists(nocomment);
	free(nocomment);
	doc = cmark_parse_document(md, strlen(md), CMARK_OPT_VALIDATE_UTF8);
	if (doc == NULL) {
		log_warnx("%s: cannot parse the Markdown, skipped", name);
		free(md);
		free(clean);
		fm_release(&fm);
		kwnotes_release(&kw);
		kwnotes_release(&asks);
		kwnotes_release(&notasks);
		return -1;
	}
	build_drafts(doc, md, &d);
	borrow_texts(&d);
	name_pointers(&d);
	nlinks = links_collect(doc, &links);
	cmark_node_free(doc);
	free(md);

	if (g->npages == g->pcap) {
		g->pcap = g->pcap ? g->pcap * 2 : 16;
		g->pages = xrealloc(g->pages, g->pcap * sizeof(*g->pages));
	}
	page = g->npages++;
	p = &g->pages[page];
	memset(p, 0, sizeof(*p));
	p->path = xstrdup(name);
	buf_init(&p->anchors);
	p->title = page_title(name, &fm, &d);
	{
		char *t = chat_text_out(p->title);

		free(p->title);
		p->title = t;
	}
	p->permalink = fm.permalink ? xstrdup(fm.permalink) : NULL;
	p->order = fm.order;
	if (fm.summary != NULL) {
		char *s = norm_heading(fm.summary);

		p->summary = chat_text_out(s);
		free(s);
	}
	buf_init(&pagekw);
	if (fm.keywords != NULL)
		add_keywords(&pagekw, fm.keywords);
	same_as_title(&d, p->title);
	buf_init(&pageasks);
	page_bound(name, "asks", &asks, GUIDE_ASKS_PAGE);
	finish_page(g, page, &d, &kw, &pagekw, &asks, &pageasks);
	p->keywords = chat_text_out(pagekw.s ? pagekw.s : "");
	buf_release(&pagekw);
	p->asks = xstrdup(pageasks.s ? pageasks.s : "");
	buf_release(&pageasks);
	/* Not-asks are the page's wherever they stand: index data only,
	 * never shown, so not chat text either. */
	p->notasks = page_notasks(name, &notasks);
	{
		struct buf all;
		size_t i;

		buf_init(&all);
		for (i = p->first; i < p->first + p->nsec; i++) {
			buf_adds(&all, g->secs[i].text);
			buf_addc(&all, '\n');
		}
		p->lang = page_lang(name, &fm, all.s ? all.s : "",
		    default_lang);
		buf_release(&all);
	}
	if (p->nsec == 0)
		log_warnx("%s: no text found", name);
	drafts_release(&d);
	kwnotes_release(&kw);
	kwnotes_release(&asks);
	kwnotes_release(&notasks);
	fm_release(&fm);
	free(clean);
	links_resolve(g, page, links, nlinks);
	free(links);
	notes_render(g);
	return 0;
}

int
guide_load_file(struct guide *g, const char *path, const char *default_lang)
{
	char *data;
	size_t len;
	int rc;

	if ((data = util_read_file(path, GUIDE_FILE_MAX, &len)) == NULL) {
		if (errno == EFBIG)
			log_warnx("%s: more than %d bytes: skipped", path,
			    GUIDE_FILE_MAX);
		else
			log_warn("%s", path);
		return -1;
	}
	rc = guide_load_buffer(g, path, data, len, default_lang);
	free(data);
	return rc;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
is_md(const char *name)
{
	size_t n = strlen(name);

	return n > 3 && strcmp(name + n - 3, ".md") == 0;
}

static int
load_dir(struct guide *g, const char *dir, const char *default_lang,
    int depth, size_t *files)
{
	DIR *dp;
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0, i;
	int loaded = 0;

	if ((dp = opendir(dir)) == NULL) {
		log_warn("%s", dir);
		return -1;
	}
	while ((de = readdir(dp)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			names = xrealloc(names, cap * sizeof(*names));
		}
		names[n++] = xstrdup(de->d_name);
	}
	closedir(dp);
	if (n > 0)
		qsort(names, n, sizeof(*names), cmp_str);
	for (i = 0; i < n; i++) {
		struct buf path;
		struct stat st;

		buf_init(&path);
		buf_addf(&path, "%s/%s", dir, names[i]);
		if (stat(path.s, &st) == -1) {
			log_warn("%s", path.s);
		} else if (S_ISDIR(st.st_mode)) {
			int r;

			if (depth >= GUIDE_DIR_DEPTH)
				log_warnx("%s: folders nested too deep, "
				    "skipped", path.s);
			else if ((r = load_dir(g, path.s, default_lang,
			    depth + 1, files)) > 0)
				loaded += r;
		} else if (S_ISREG(st.st_mode) && is_md(names[i])) {
			if (++*files > GUIDE_FILES_MAX) {
				if (*files == GUIDE_FILES_MAX + 1)
					log_warnx("%s: more than %d pages, "
					    "the rest skipped", dir,
					    GUIDE_FILES_MAX);
			} else if (guide_load_file(g, path.s,
			    default_lang) == 0)
				loaded++;
			else {
				g->failed = xrealloc(g->failed,
				    (g->nfailed + 1) * sizeof(*g->failed));
				g->failed[g->nfailed++] = xstrdup(path.s);
			}
		}
		buf_release(&path);
		free(names[i]);
	}
	free(names);
	return loaded;
}

int
guide_load_dir(struct guide *g, const char *dir, const char *default_lang)
{
	size_t files = 0;

	return load_dir(g, dir, default_lang, 0, &files);
}

/* -------------------------------------------------------------- access */

/* What a page or a section out of range answers: no title, path or text
 * (NULL), no keywords or asks (""), 0 for a number. */
static char no_words[] = "";
static const struct page no_page = {
	.keywords = no_words, .asks = no_words, .notasks = no_words
};
static const struct section no_section = {
	.keywords = no_words, .asks = no_words
};

/* The one range check of the accessors below: page (sec), or no_page
 * (no_section) when there is none such. */
static const struct page *
page_at(const struct guide *g, size_t page)
{
	return page < g->npages ? &g->pages[page] : &no_page;
}

static const struct section *
section_at(const struct guide *g, size_t sec)
{
	return sec < g->nsecs ? &g->secs[sec] : &no_section;
}

size_t
guide_npages(const struct guide *g)
{
	return g->npages;
}

size_t
guide_nsections(const struct guide *g)
{
	return g->nsecs;
}

size_t
guide_nfailed(const struct guide *g)
{
	return g->nfailed;
}

const char *
guide_failed_path(const struct guide *g, size_t i)
{
	return i < g->nfailed ? g->failed[i] : NULL;
}

const char *
guide_page_title(const struct guide *g, size_t page)
{
	return page_at(g, page)->title;
}

const char *
guide_page_lang(const struct guide *g, size_t page)
{
	return page_at(g, page)->lang;
}

const char *
guide_page_path(const struct guide *g, size_t page)
{
	return page_at(g, page)->path;
}

/* The page's file name without its folders, ".md" and the language
 * suffix its language may be read from ("fr/Page.md": "Page";
 * "page.fr.md": "page"): n bytes at the result. */
const char *
guide_page_stem(const struct guide *g, size_t page, size_t *n)
{
	const char *base;
	char code[4];
	size_t len, k;

	if (page >= g->npages) {
		*n = 0;
		return "";
	}
	base = basename_of(g->pages[page].path);
	len = strlen(base);
	if (len > 3 && strcmp(base + len - 3, ".md") == 0)
		len -= 3;
	if (lang_from_name(base, code) == 0) {
		for (k = len; k > 0 && base[k - 1] != '.'; k--)
			;
		if (k > 0)
			len = k - 1;
	}
	*n = len;
	return base;
}

size_t
guide_desk_pages(const struct guide *g)
{
	size_t k = 0, n, len = strlen(GUIDE_DESK_STEM);

	for (size_t p = 0; p < g->npages; p++)
		if (strncasecmp(guide_page_stem(g, p, &n), GUIDE_DESK_STEM,
		    len) == 0 && n == len)
			k++;
	return k;
}

const char *
guide_page_permalink(const struct guide *g, size_t page)
{
	return page_at(g, page)->permalink;
}

const char *
guide_page_keywords(const struct guide *g, size_t page)
{
	return page_at(g, page)->keywords;
}

const char *
guide_page_asks(const struct guide *g, size_t page)
{
	return page_at(g, page)->asks;
}

const char *
guide_page_notasks(const struct guide *g, size_t page)
{
	return page_at(g, page)->notasks;
}

const char *
guide_page_anchors(const struct guide *g, size_t page)
{
	const struct page *p = page_at(g, page);

	return p->anchors.s ? p->anchors.s : "";
}

const char *
guide_page_summary(const struct guide *g, size_t page)
{
	return page_at(g, page)->summary;
}

int
guide_page_order(const struct guide *g, size_t page)
{
	return page_at(g, page)->order;
}

size_t
guide_page_first_section(const struct guide *g, size_t page)
{
	return page_at(g, page)->first;
}

size_t
guide_page_nsections(const struct guide *g, size_t page)
{
	return page_at(g, page)->nsec;
}

/* Does the line of n bytes at line hold a link ("://" or "www.")?
 * A plain scan: memmem() here made gcc's sanitizer builds (-O1 and up)
 * see a NULL haystack on a path that has none (-Wnonnull). */
static int
line_link(const char *line, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((n - i >= 3 && strncmp(line + i, "://", 3) == 0) ||
		    (n - i >= 4 && strncmp(line + i, "www.", 4) == 0))
			return 1;
	return 0;
}

/* Is a section's text a list of links: three list items or more
 * ("- ", "* "), three in four of them holding one? No text (a section
 * out of range: guide_section_text() is NULL) is none. */
static int
text_links(const char *s)
{
	size_t items = 0, links = 0;

	if (s == NULL)
		return 0;
	for (size_t at = 0; s[at] != '\0'; at += strspn(s + at, "\n")) {
		const char *line = s + at;
		size_t n = strcspn(line, "\n"), k = strspn(line, " \t");

		if (k + 1 < n && (line[k] == '-' || line[k] == '*') &&
		    line[k + 1] == ' ') {
			items++;
			if (line_link(line, n))
				links++;
		}
		at += n;
	}
	return items >= 3 && 4 * links >= 3 * items;
}

int
guide_page_links(const struct guide *g, size_t page)
{
	size_t first = guide_page_first_section(g, page), lists = 0;
	size_t n = guide_page_nsections(g, page);

	for (size_t k = 0; k < n; k++)
		lists += text_links(guide_section_text(g, first + k));
	return n > 0 && 2 * lists >= n;
}

size_t
guide_section_page(const struct guide *g, size_t sec)
{
	return section_at(g, sec)->page;
}

const char *
guide_section_heading(const struct guide *g, size_t sec)
{
	return section_at(g, sec)->heading;
}

const char *
guide_section_path(const struct guide *g, size_t sec)
{
	return section_at(g, sec)->path;
}

const char *
guide_section_text(const struct guide *g, size_t sec)
{
	return section_at(g, sec)->text;
}

const char *
guide_section_shown(const struct guide *g, size_t sec)
{
	const struct section *s = section_at(g, sec);

	if (s->read != NULL)
		return s->read;
	return s->shown != NULL ? s->shown : s->text;
}

const char *
guide_section_keywords(const struct guide *g, size_t sec)
{
	return section_at(g, sec)->keywords;
}

const char *
guide_section_asks(const struct guide *g, size_t sec)
{
	return section_at(g, sec)->asks;
}

int
guide_section_for_desk(const struct guide *g, size_t sec)
{
	if (sec >= g->nsecs)
		return 0;
	return g->secs[sec].asks[0] != '\0' ||
	    guide_page_asks(g, guide_section_page(g, sec))[0] != '\0';
}

int
guide_section_borrowed(const struct guide *g, size_t sec)
{
	return section_at(g, sec)->borrowed;
}

int
guide_section_term(const struct guide *g, size_t sec)
{
	return section_at(g, sec)->term;
}

int
guide_section_level(const struct guide *g, size_t sec)
{
	return section_at(g, sec)->level;
}

/*
 * Do pages a and b have the same sections, one for one: as many, each at
 * the same heading level, empty or borrowing where the other is, neither
 * text over GUIDE_OUTLINE_RATIO times as long as the other, and no heading
 * of one spelled as a heading of the other at another place ("SSL" in a
 * glossary sorted in each language's alphabetical order)?
 */
static int
same_outline(const struct guide *g, size_t a, size_t b)
{
	const struct section *x = g->secs + g->pages[a].first;
	const struct section *y = g->secs + g->pages[b].first;
	size_t n = g->pages[a].nsec;

	if (n != g->pages[b].nsec)
		return 0;
	for (size_t i = 0; i < n; i++) {
		size_t lx = strlen(x[i].text), ly = strlen(y[i].text);

		if (x[i].level != y[i].level ||
		    x[i].borrowed != y[i].borrowed || (lx == 0) != (ly == 0) ||
		    lx > GUIDE_OUTLINE_RATIO * ly ||
		    ly > GUIDE_OUTLINE_RATIO * lx)
			return 0;
		if (x[i].heading == NULL || y[i].heading == NULL ||
		    strcasecmp(x[i].heading, y[i].heading) == 0)
			continue;
		for (size_t j = 0; j < n; j++)
			if (y[j].heading != NULL &&
			    strcasecmp(x[i].heading, y[j].heading) == 0)
				return 0;
	}
	return 1;
}

size_t
guide_section_in_lang(const struct guide *g, size_t sec, const char *lang)
{
	size_t page, n, m;
	const char *stem, *other;

	if (sec >= g->nsecs || lang == NULL)
		return GUIDE_NONE;
	page = g->secs[sec].page;
	if (strcmp(guide_page_lang(g, page), lang) == 0)
		return sec;
	stem = guide_page_stem(g, page, &n);
	for (size_t p = 0; p < g->npages && n > 0; p++) {
		if (p == page || strcmp(guide_page_lang(g, p), lang) != 0)
			continue;
		other = guide_page_stem(g, p, &m);
		if (m == n && memcmp(stem, other, n) == 0 &&
		    same_outline(g, page, p))
			return g->pages[p].first + (sec - g->pages[page].first);
	}
	return GUIDE_NONE;
}

/* ------------------------------------------------------------- excerpts */

/*
 * Words whose '.' ends no sentence before a capitalised word: titles
 * before a name ("Dr. Ortiz"), "p. ex."'s "ex", "p. ej."'s "ej", "etc."
 * (English, French, Spanish; folded to lower case ASCII; no everyday
 * word such as "no", which ends sentences). A lower-case word after
 * any '.' never starts a sentence, and words with a dot inside ("e.g",
 * "i.e", "p.ej") or of one letter ("p", "J") are abbreviations whatever
 * follows, so they need no list.
 */
static const char *const abbreviations[] = {
	"cf", "dr", "dra", "ej", "etc", "ex", "jr", "mlle", "mme", "mr",
	"mrs", "ms", "pr", "prof", "sr", "sra", "srta", "st", "vs", NULL
};

/* What says "below" of text on the same page: the excerpt rule keeps
 * such a sentence with what it points to, and the loader names or drops
 * one that points out of its section (English, French, Spanish). */
static const char *const pointer_words[] = {
	"below", "ci-dessous", "ci-apr\xc3\xa8s", "plus bas",
	"m\xc3\xa1s abajo", "de abajo", "a continuaci\xc3\xb3n", NULL
};

/* The word that ends just before s[end] (a run of letters, digits and
 * inner dots): its start in *start. */
static size_t
word_before(const char *s, size_t end, size_t *start)
{
	size_t i = end;

	while (i > 0 && (is_alnum_byte(s[i - 1]) || (s[i - 1] == '.' &&
	    i >= 2 && is_alnum_byte(s[i - 2]))))
		i--;
	*start = i;
	return end - i;
}

/* Is w (n bytes) letters in parts of one or two cut by dots ("e.g",
 * "i.e", "p.ej", "U.S"), not "4.4" or "example.com"? */
static int
dotted_short(const char *w, size_t n)
{
	size_t part = 0, dots = 0;

	for (size_t i = 0; i < n; i++) {
		if (w[i] == '.') {
			if (part == 0)
				return 0;
			dots++;
			part = 0;
		} else if ((w[i] >= '0' && w[i] <= '9') || ++part > 2)
			return 0;
	}
	return dots > 0;
}

/* Is the '.' at s[dot] (followed by a space) the end of a sentence? */
static int
dot_ends_sentence(const char *s, size_t dot)
{
	size_t start, n = word_before(s, dot, &start), k;
	const char *next = s + dot + 1;
	char w[8];

	while (*next == ' ')
		next++;
	if (*next >= 'a' && *next <= 'z' && strncmp(next, "http", 4) != 0 &&
	    strncmp(next, "www.", 4) != 0)
		return 0;	/* "etc. and", "p. ex. les", not a link */
	if (n == 0)
		return 1;	/* "...", "word)." */
	if (dotted_short(s + start, n) || (n == 1 &&
	    !(s[start] >= '0' && s[start] <= '9')))
		return 0;	/* "e.g.", "p.ej.", "p.", "J." */
	for (k = 0; k < n && (s[start + k] >= '0' && s[start + k] <= '9'); k++)
		;
	if (k == n) {
		/* "2." opening a numbered item is no end; "in 2019." is. */
		size_t b = start;

		while (b > 0 && s[b - 1] == ' ')
			b--;
		return !(b == 0 || s[b - 1] == '\n');
	}
	if (n >= sizeof(w))
		return 1;
	for (k = 0; k < n; k++)
		w[k] = (char)(s[start + k] >= 'A' && s[start + k] <= 'Z' ?
		    s[start + k] + 32 : s[start + k]);
	w[n] = '\0';
	for (k = 0; abbreviations[k] != NULL; k++)
		if (strcmp(w, abbreviations[k]) == 0)
			return 0;
	return 1;
}

/* Is s[i], a space, just after the end of a sentence? */
static int
sentence_end(const char *s, size_t i)
{
	if (i == 0 || s[i] != ' ')
		return 0;
	if (s[i - 1] == '.')
		return dot_ends_sentence(s, i - 1);
	return s[i - 1] == '!' || s[i - 1] == '?' ||
	    (i >= 3 && strncmp(s + i - 3, "\xe2\x80\xa6", 3) == 0);
}

/* Where the last pointer word of s[0..end) starts, or (size_t)-1. */
static size_t
last_pointer(const char *s, size_t end)
{
	size_t best = (size_t)-1;

	for (size_t k = 0; pointer_words[k] != NULL; k++) {
		size_t n = strlen(pointer_words[k]);

		for (size_t i = 0; i + n <= end; i++)
			if (strncasecmp(s + i, pointer_words[k], n) == 0 &&
			    (i == 0 || !is_alnum_byte(s[i - 1])) &&
			    !is_alnum_byte(s[i + n]) &&
			    (best == (size_t)-1 || i > best))
				best = i;
	}
	return best;
}

/*
 * A cut at cut that shows a pointer ("the organisations below") but not
 * the first line of what follows its line moves back to before the
 * pointer's sentence, when that leaves at least a third of chars bytes:
 * MORE then shows the sentence with what it points to.
 */
static size_t
keep_pointer_whole(const char *s, size_t cut, size_t chars)
{
	size_t p = last_pointer(s, cut), eol, next, i;

	if (p == (size_t)-1)
		return cut;
	eol = p + strcspn(s + p, "\n");
	for (next = eol; s[next] == '\n' || s[next] == ' '; next++)
		;
	if (s[next] == '\0')
		return cut;	/* nothing follows in the section */
	if (cut >= next && cut >= next + strcspn(s + next, "\n"))
		return cut;	/* its first line is shown */
	for (i = p; i > 0 && s[i] != '\n' && !sentence_end(s, i); i--)
		;
	return i >= chars / 3 ? i : cut;
}

/* How many bytes the first chars characters of s take (all of s if it
 * is shorter). */
static size_t
chars_bytes(const char *s, size_t chars)
{
	size_t lim = 0;

	for (size_t n = 0; s[lim] != '\0' && n < chars; n++) {
		lim++;
		while (((unsigned char)s[lim] & 0xc0) == 0x80)
			lim++;
	}
	return lim;
}

static int	line_item(const char *, size_t *);

size_t
guide_excerpt_lead(const char *s, size_t cut)
{
	size_t e = cut, i;

	while (e > 0 && (s[e - 1] == ' ' || s[e - 1] == '\n'))
		e--;
	if (e == 0 || s[e - 1] != ':')
		return cut;
	for (i = e - 1; i > 0 && s[i] != '\n' && !sentence_end(s, i); i--)
		;
	return i > 0 && i >= cut / 3 ? i : cut;
}

size_t
guide_excerpt_cut(const char *s, size_t chars)
{
	size_t lim = chars_bytes(s, chars), best = 0, space = 0, semi = 0;

	if (s[lim] == '\0')
		return lim;
	for (size_t i = lim; i > 0; i--) {
		if (s[i] == '\n' || sentence_end(s, i)) {
			best = i;
			break;
		}
		if (semi == 0 && s[i] == ' ' && s[i - 1] == ';')
			semi = i;
		if (space == 0 && s[i] == ' ')
			space = i;
	}
	/* A semicolon ends half a sentence ("the app shows the question;
	 * type the answer"): a cut there only when no line or sentence
	 * ends in the last two thirds; and a list item cut after one of its
	 * sentences is cut before it instead, when that leaves a third
	 * (s18-fixk: "- Type VERIFY. Your app shows the question; ..."). */
	if (best > 0 && s[best] != '\n') {
		size_t ls = best, ind;

		while (ls > 0 && s[ls - 1] != '\n')
			ls--;
		if (ls > 0 && ls - 1 >= lim / 3 && line_item(s + ls, &ind))
			best = ls - 1;
	}
	/* Nor a line that opens what is cut ("You can also use question
	 * and answer:") at the end (guide_excerpt_lead(), the one rule). */
	while (best > 0 && (semi == 0 || best >= lim / 3)) {
		size_t b = guide_excerpt_lead(s, best);

		if (b == best || b < lim / 3)
			break;
		best = b;
	}
	while (best > 1 && s[best - 1] == '\n')
		best--;
	if (best > 0 && (semi == 0 || best >= lim / 3))
		return keep_pointer_whole(s, best, chars);
	if (semi > 0)
		return semi;
	if (space > 0)
		return space;
	return lim;
}

size_t
guide_excerpt_aim(const char *s, size_t target, size_t max)
{
	size_t cut = guide_excerpt_cut(s, max), lim, line = 0, before = 0;

	if (target >= max || s[cut] == '\0')
		return cut;
	lim = chars_bytes(s, target);
	if (s[lim] == '\0')
		return cut;
	for (size_t i = 0; i < lim; i++) {
		if (((unsigned char)s[i] & 0xc0) == 0x80)
			continue;
		if (++before > target / 3 && s[i] == '\n')
			line = i;
	}
	if (line == 0 || line >= cut)
		return cut;
	/* Not after a line that opens what the phone cut leaves out. */
	while ((before = guide_excerpt_lead(s, line)) != line &&
	    before >= lim / 3)
		line = before;
	return keep_pointer_whole(s, line, target);
}

/* The length of the pointer word at s[p] (pointer_words), 0 if none; *fr
 * tells whether it is French. */
static size_t
pointer_len(const char *s, size_t p, int *fr)
{
	for (size_t k = 0; pointer_words[k] != NULL; k++)
		if (strncasecmp(s + p, pointer_words[k],
		    strlen(pointer_words[k])) == 0) {
			*fr = k >= 1 && k <= 3;
			return strlen(pointer_words[k]);
		}
	return 0;
}

/* Does s hold stem (n bytes), case aside? */
static int
holds(const char *s, const char *stem, size_t n)
{
	for (size_t k = 0; s != NULL && s[k] != '\0'; k++)
		if (strncasecmp(s + k, stem, n) == 0)
			return 1;
	return 0;
}

/* The heading of the page's first section after draft i whose heading
 * holds stem (n bytes), case aside, or NULL. */
static const char *
later_heading(const struct drafts *d, size_t i, const char *stem, size_t n)
{
	for (size_t j = i + 1; j < d->n; j++)
		if (holds(d->v[j].heading, stem, n))
			return d->v[j].heading;
	return NULL;
}

/* Is the line at s an item ("- ", "N. ") after its indentation? Its
 * indentation in *indent. */
static int
line_item(const char *s, size_t *indent)
{
	size_t i = 0;

	while (s[i] == ' ')
		i++;
	*indent = i;
	if (s[i] == '-' && s[i + 1] == ' ')
		return 1;
	while (s[i] >= '0' && s[i] <= '9')
		i++;
	return i > *indent && s[i] == '.' && s[i + 1] == ' ';
}

/*
 * Does the pointer at t[p] point out of its text? Not when the text has
 * sub-sections (MORE shows those next), nor when its line ends in ':',
 * is a paragraph followed by a list or an item followed by sub-items, nor
 * when the text after its line holds the stem (n bytes, 0: none) of the
 * word it qualifies ("the steps below", then "Step 5").
 */
static int
pointer_out(const char *t, size_t p, int has_sub, const char *stem, size_t n)
{
	size_t bol = p, eol = p + strcspn(t + p, "\n"), next, ind, nind, e;
	int item;

	if (has_sub)
		return 0;
	while (bol > 0 && t[bol - 1] != '\n')
		bol--;
	item = line_item(t + bol, &ind);
	for (e = eol; e > bol && t[e - 1] == ' '; e--)
		;
	if (e > bol && t[e - 1] == ':')
		return 0;
	for (next = eol; t[next] == '\n'; next++)
		;
	if (t[next] != '\0' && line_item(t + next, &nind) && (!item ||
	    nind > ind))
		return 0;
	return n == 0 || !holds(t + eol, stem, n);
}

/*
 * A pointer that points out of its section ("Call the organisations below
 * early", the organisations being a later section's) reads as text the
 * reader cannot see when the section is shown alone. A short parenthesis
 * that only points ("(see below)") goes. After a word (the organisations
 * below), the pointer becomes the heading of the page's first later
 * section whose heading holds that word's stem ("the organisations
 * (“Organisations that help”)"), or goes when there is none. Any other
 * ("See below for") stays. Returns where the text before it ends.
 */
static size_t
pointer_fix(const struct drafts *d, size_t i, struct buf *t, size_t p,
    int has_sub)
{
	struct buf out;
	const char *s = t->s, *h = NULL;
	size_t start = p, end, open, w, ws = p, b = p, stem;
	int fr = 0, paren = 0;

	end = p + pointer_len(s, p, &fr);
	for (open = p, w = 0; open > 0 && s[open - 1] != '(' &&
	    s[open - 1] != ')' && s[open - 1] != '\n'; open--)
		w += s[open - 1] == ' ';
	if (open > 0 && s[open - 1] == '(' && w <= 3 &&
	    s[end + strcspn(s + end, "()\n")] == ')') {
		paren = 1;
		b = open - 1;
	}
	while (b > 0 && s[b - 1] == ' ')
		b--;
	stem = word_before(s, b, &ws);
	if (stem < 4)
		stem = 0;
	else if (stem > 6)
		stem = 6;
	if (!pointer_out(s, p, has_sub, s + ws, stem))
		return p;
	if (paren) {
		start = b;
		end += strcspn(s + end, ")") + 1;
	} else if (stem > 0) {
		h = later_heading(d, i, s + ws, stem);
		start = h != NULL ? p : b;
	} else
		return p;
	buf_init(&out);
	buf_add(&out, s, start);
	if (h != NULL) {
		size_t hn = strlen(h);

		while (hn > 0 && (h[hn - 1] == ':' || h[hn - 1] == ' '))
			hn--;	/* "Important next steps:" */
		buf_addf(&out, fr ? "(\xc2\xab %.*s \xc2\xbb)" :
		    "(\xe2\x80\x9c%.*s\xe2\x80\x9d)", (int)hn, h);
	}
	buf_adds(&out, s + end);
	buf_release(t);
	*t = out;
	return start;
}

/* Every pointer of every draft through pointer_fix(), into the text
 * shown (the search reads the text as written); a borrowing parent shows
 * what its lender shows. */
static void
name_pointers(struct drafts *d)
{
	for (size_t i = 0; i < d->n; i++) {
		int has_sub = i + 1 < d->n && d->v[i + 1].level > d->v[i].level;
		struct buf t;
		size_t end, p;

		if (d->v[i].borrowed || d->v[i].text.s == NULL ||
		    last_pointer(d->v[i].text.s, d->v[i].text.len) ==
		    (size_t)-1)
			continue;
		buf_init(&t);
		buf_add(&t, d->v[i].text.s, d->v[i].text.len);
		end = t.len;
		while ((p = last_pointer(t.s, end)) != (size_t)-1)
			end = pointer_fix(d, i, &t, p, has_sub);
		if (strcmp(t.s, d->v[i].text.s) != 0)
			d->v[i].shown = buf_detach(&t);
		else
			buf_release(&t);
	}
	for (size_t i = d->n; i-- > 0; ) {
		if (!d->v[i].borrowed)
			continue;
		for (size_t j = i + 1; j < d->n; j++)
			if (!d->v[j].borrowed && d->v[j].text.s != NULL &&
			    strcmp(d->v[j].text.s, d->v[i].text.s) == 0) {
				if (d->v[j].shown != NULL)
					d->v[i].shown =
					    xstrdup(d->v[j].shown);
				break;
			}
	}
}

/*
 * The kit's authors left notes in square brackets that are no links: a
 * word ("[forthcoming]") or a pointer to another page ("[See 2-factor
 * notes from 'Account Hijack' section]", "[Voir ... dans la section
 * Piratage de compte]"). A reader can act on neither the brackets nor a
 * name that is no page's title. A note is shown in parentheses; one that
 * opens with a word of see_words and names a page of the guide in its
 * page's language (every word of 4 letters or more of that page's title,
 * each by its first 6 letters at most) becomes that word and the title
 * ("(See “Account Hijacking”)"), which TOPICS lists. Pages load one by
 * one, so every load renders every section's notes again.
 */
static const char *const see_words[] = {
	"see", "voir", "consultez", "consulter", "consulta", "consulte",
	"vease", "ver", NULL
};

/* Does folded word w[0..n) begin with a word of see_words? */
static int
see_word(const char *w, size_t n)
{
	for (size_t i = 0; see_words[i] != NULL; i++)
		if (strlen(see_words[i]) == n &&
		    memcmp(see_words[i], w, n) == 0)
			return 1;
	return 0;
}

/* Does folded text f hold a word starting with the first min(n, 6)
 * bytes of w (a word of n bytes)? */
static int
note_has_word(const char *f, const char *w, size_t n)
{
	size_t k = n < 6 ? n : 6;

	for (const char *p = f; *p != '\0'; ) {
		size_t len;

		while (*p != '\0' && !is_alnum_byte(*p))
			p++;
		for (len = 0; is_alnum_byte(p[len]); len++)
			;
		if (len >= k && memcmp(p, w, k) == 0)
			return 1;
		p += len;
	}
	return 0;
}

/* How many words of 4 letters or more page's title has, if note f
 * (folded) holds them all (note_has_word()); else 0. */
static size_t
note_names(const struct guide *g, size_t page, const char *f)
{
	char *t = lang_fold(g->pages[page].title);
	size_t found = 0;

	for (const char *p = t; p != NULL && *p != '\0'; ) {
		size_t len;

		while (*p != '\0' && !is_alnum_byte(*p))
			p++;
		for (len = 0; is_alnum_byte(p[len]); len++)
			;
		if (len >= 4) {
			if (!note_has_word(f, p, len)) {
				found = 0;
				break;
			}
			found++;
		}
		p += len;
	}
	free(t);
	return found;
}

/* The page of g other than self, in self's language, note (len bytes)
 * names (note_names(): the most title words), or GUIDE_NONE. */
static size_t
note_page(const struct guide *g, size_t self, const char *note, size_t len)
{
	const char *lang = g->pages[self].lang;
	size_t best = GUIDE_NONE, most = 0, fl;
	char *f = lang_fold_alloc(note, len, &fl);

	for (size_t p = 0; p < g->npages; p++) {
		size_t k;

		if (p == self || lang == NULL || g->pages[p].lang == NULL ||
		    strcmp(lang, g->pages[p].lang) != 0)
			continue;
		if ((k = note_names(g, p, f)) > most) {
			most = k;
			best = p;
		}
	}
	free(f);
	return best;
}

/* The end of a note opening at s[i] ('['): the index of its ']' on the
 * same line, with no '[' between and no '(' after (a link), or 0. */
static size_t
note_end(const char *s, size_t i)
{
	size_t e = i + 1 + strcspn(s + i + 1, "[]\n");

	if (s[e] != ']' || e == i + 1 || e - i > 300 || s[e + 1] == '(')
		return 0;
	return e;
}

/* Section sec's text with its notes rendered, or NULL for none. */
static char *
notes_of(const struct guide *g, size_t sec)
{
	const struct section *x = &g->secs[sec];
	const char *s = x->shown != NULL ? x->shown : x->text;
	int fr = x->page < g->npages && g->pages[x->page].lang != NULL &&
	    strcmp(g->pages[x->page].lang, "fr") == 0;
	size_t from = 0, i, e;
	struct buf out;
	char *r;

	buf_init(&out);
	for (i = 0; s[i] != '\0'; i++) {
		size_t w, p;

		if (s[i] != '[' || (e = note_end(s, i)) == 0)
			continue;
		buf_add(&out, s + from, i - from);
		from = e + 1;
		for (w = i + 1; is_alnum_byte(s[w]); w++)
			;
		{
			size_t fl;
			char *f = lang_fold_alloc(s + i + 1, w - i - 1, &fl);
			int see = see_word(f, fl);

			free(f);
			p = see ? note_page(g, x->page, s + i + 1, e - i - 1) :
			    GUIDE_NONE;
		}
		if (p != GUIDE_NONE) {
			/* In running text: "(see “Title”)". */
			buf_addc(&out, '(');
			buf_addc(&out, (char)tolower((unsigned char)s[i + 1]));
			buf_addf(&out, fr ? "%.*s \xc2\xab %s \xc2\xbb)" :
			    "%.*s \xe2\x80\x9c%s\xe2\x80\x9d)",
			    (int)(w - i - 2), s + i + 2, g->pages[p].title);
		} else {
			buf_addc(&out, '(');
			buf_add(&out, s + i + 1, e - i - 1);
			buf_addc(&out, ')');
		}
		i = e;
	}
	if (from == 0) {
		buf_release(&out);
		return NULL;
	}
	buf_adds(&out, s + from);
	r = chat_text_out(out.s);
	buf_release(&out);
	return r;
}

/* Every section's notes rendered (above), into what the reader sees. */
static void
notes_render(struct guide *g)
{
	for (size_t i = 0; i < g->nsecs; i++) {
		const struct section *x = &g->secs[i];

		if (strchr(x->shown != NULL ? x->shown : x->text, '[') ==
		    NULL)
			continue;
		free(g->secs[i].read);
		g->secs[i].read = notes_of(g, i);
	}
}
