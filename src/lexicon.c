/* lexicon: concepts and their terms per language, from replies/lexicon.txt. */
#include "ac-config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lexicon.h"
#include "log.h"
#include "util.h"

#define LEXICON_FILE_MAX	(1024 * 1024)
#define LEXICON_NAME_MAX	40	/* "#" + name is one search word */
#define LEXICON_TERM_MAX	120	/* bytes of one term */
#define LEXICON_CONCEPTS_MAX	4096
#define LEXICON_TERMS_MAX	65536

struct concept {
	char		*name;
	unsigned	 flags;
};

struct lterm {
	size_t	 concept;
	char	 lang[4];
	char	*text;
};

struct lexicon {
	struct concept	*c;
	size_t		 nc;
	struct lterm	*t;
	size_t		 nt;
	char		*error;
};

/* Tags a concept may carry: a table, so that a new tag is a new row. */
static const struct {
	const char	*name;
	unsigned	 flag;
} tags[] = {
	{ "subject",	LEXICON_SUBJECT },
	{ "weak",	LEXICON_WEAK },
	{ "name",	LEXICON_NAME },
	{ "addressed",	LEXICON_ADDRESSED },
	{ "vague",	LEXICON_VAGUE },
	{ "law",	LEXICON_LAW },
};

struct lexicon *
lexicon_new(void)
{
	return xcalloc(1, sizeof(struct lexicon));
}

void
lexicon_free(struct lexicon *lx)
{
	if (lx == NULL)
		return;
	for (size_t i = 0; i < lx->nc; i++)
		free(lx->c[i].name);
	for (size_t i = 0; i < lx->nt; i++)
		free(lx->t[i].text);
	free(lx->c);
	free(lx->t);
	free(lx->error);
	free(lx);
}

static void __attribute__((format(printf, 4, 5)))
bad(struct lexicon *lx, const char *name, int line, const char *fmt, ...)
{
	char msg[256], full[512];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	(void)util_snprintf(full, sizeof(full), "%s:%d: %s", name, line, msg);
	log_warnx("%s", full);
	if (lx->error == NULL)
		lx->error = xstrdup(full);
}

static int
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* s[0..*n) without blanks around. */
static const char *
trim(const char *s, size_t *n)
{
	while (*n > 0 && is_blank(*s)) {
		s++;
		(*n)--;
	}
	while (*n > 0 && is_blank(s[*n - 1]))
		(*n)--;
	return s;
}

static int
name_valid(const char *s, size_t n)
{
	if (n == 0 || n > LEXICON_NAME_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return 0;
	}
	return 1;
}

/* 1 if s[0..n) is valid UTF-8 without control characters. */
static int
utf8_valid(const char *s, size_t n)
{
	size_t i = 0;
	uint32_t cp;

	while (i < n) {
		size_t k;

		if ((unsigned char)s[i] < 0x20 && s[i] != '\t')
			return 0;
		k = util_utf8_decode((const unsigned char *)s + i, n - i, &cp);
		if (k == 0)
			return 0;
		i += k;
	}
	return 1;
}

int
lexicon_concept_find(const struct lexicon *lx, const char *name)
{
	for (size_t i = 0; i < lx->nc; i++)
		if (strcmp(lx->c[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* "[name] tags" or "[name tags]": returns the concept index, or -1. */
static int
parse_head(struct lexicon *lx, const char *name, int line, const char *s,
    size_t n)
{
	const char *close = memchr(s, ']', n), *w, *end = s + n;
	char cname[LEXICON_NAME_MAX + 1];
	unsigned flags = 0;
	size_t cn;
	int first = 1, c;

	if (close == NULL) {
		bad(lx, name, line, "'[' without ']'");
		return -1;
	}
	/* Words inside the brackets, then after them. */
	for (w = s + 1; w < end; ) {
		const char *e;

		while (w < end && (is_blank(*w) || *w == ']'))
			w++;
		if (w >= end)
			break;
		for (e = w; e < end && !is_blank(*e) && *e != ']'; e++)
			;
		if (first) {
			if (w > close || !name_valid(w, (size_t)(e - w))) {
				bad(lx, name, line, "bad concept name (letters, "
				    "digits, '-' and '_')");
				return -1;
			}
			cn = (size_t)(e - w);
			memcpy(cname, w, cn);
			cname[cn] = '\0';
			first = 0;
		} else {
			size_t k, tn = (size_t)(e - w);

			for (k = 0; k < ARRAY_LEN(tags); k++)
				if (strlen(tags[k].name) == tn &&
				    memcmp(tags[k].name, w, tn) == 0)
					break;
			if (k == ARRAY_LEN(tags)) {
				bad(lx, name, line, "unknown tag '%.*s' "
				    "(subject, weak, name, addressed, vague, "
				    "law)",
				    (int)(tn > 32 ? 32 : tn), w);
				return -1;
			}
			flags |= tags[k].flag;
		}
		w = e;
	}
	if (first) {
		bad(lx, name, line, "empty concept name");
		return -1;
	}
	if ((c = lexicon_concept_find(lx, cname)) >= 0) {
		/* A second block adds terms; its tags add up. */
		lx->c[c].flags |= flags;
		return c;
	}
	if (lx->nc == LEXICON_CONCEPTS_MAX) {
		bad(lx, name, line, "too many concepts");
		return -1;
	}
	lx->c = xrealloc(lx->c, (lx->nc + 1) * sizeof(*lx->c));
	lx->c[lx->nc].name = xstrdup(cname);
	lx->c[lx->nc].flags = flags;
	return (int)lx->nc++;
}

/* "xx: term, term" for concept c. */
static void
parse_terms(struct lexicon *lx, const char *name, int line, int c,
    const char *s, size_t n)
{
	const char *colon = memchr(s, ':', n), *p, *end = s + n;
	size_t ln;
	char lang[4];

	if (colon == NULL) {
		bad(lx, name, line, "expected 'xx: term, term' or '[concept]'");
		return;
	}
	ln = (size_t)(colon - s);
	s = trim(s, &ln);
	if (!(ln == 1 && s[0] == '*') && !(ln == 2 && s[0] >= 'a' &&
	    s[0] <= 'z' && s[1] >= 'a' && s[1] <= 'z')) {
		bad(lx, name, line, "language must be two letters or '*'");
		return;
	}
	if (c < 0) {
		bad(lx, name, line, "terms before any [concept]");
		return;
	}
	memcpy(lang, s, ln);
	lang[ln] = '\0';
	for (p = colon + 1; p < end; ) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		size_t tn = comma ? (size_t)(comma - p) : (size_t)(end - p);
		const char *t = trim(p, &tn);

		p = comma ? comma + 1 : end;
		if (tn == 0)
			continue;
		if (tn > LEXICON_TERM_MAX) {
			bad(lx, name, line, "term longer than %d bytes",
			    LEXICON_TERM_MAX);
			continue;
		}
		if (lx->nt == LEXICON_TERMS_MAX) {
			bad(lx, name, line, "too many terms");
			return;
		}
		lx->t = xrealloc(lx->t, (lx->nt + 1) * sizeof(*lx->t));
		lx->t[lx->nt].concept = (size_t)c;
		memcpy(lx->t[lx->nt].lang, lang, ln + 1);
		lx->t[lx->nt].text = xstrndup(t, tn);
		lx->nt++;
	}
}

int
lexicon_load_buffer(struct lexicon *lx, const char *name, const char *data,
    size_t len)
{
	const char *p = data, *end = data + len;
	int line = 0, c = -1, bads = 0;
	char *had = lx->error;

	lx->error = NULL;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		const char *s = p, *hash;

		p = nl ? nl + 1 : end;
		line++;
		if (!utf8_valid(s, n)) {
			bad(lx, name, line, "not valid UTF-8 text");
			continue;
		}
		if ((hash = memchr(s, '#', n)) != NULL)
			n = (size_t)(hash - s);
		s = trim(s, &n);
		if (n == 0)
			continue;
		if (s[0] == '[') {
			c = parse_head(lx, name, line, s, n);
			continue;
		}
		parse_terms(lx, name, line, c, s, n);
	}
	bads = lx->error != NULL;
	if (had != NULL) {
		free(lx->error);
		lx->error = had;
	}
	return bads ? -1 : (int)lx->nc;
}

int
lexicon_load_file(struct lexicon *lx, const char *path)
{
	size_t len;
	char *data = util_read_file(path, LEXICON_FILE_MAX, &len);
	int rc;

	if (data == NULL) {
		log_warn("lexicon %s", log_vis(path));
		if (lx->error == NULL) {
			char msg[512];

			(void)util_snprintf(msg, sizeof(msg), "%s: cannot read "
			    "the file", path);
			lx->error = xstrdup(msg);
		}
		return -1;
	}
	rc = lexicon_load_buffer(lx, path, data, len);
	free(data);
	return rc;
}

const char *
lexicon_error(const struct lexicon *lx)
{
	return lx->error;
}

size_t
lexicon_nconcepts(const struct lexicon *lx)
{
	return lx ? lx->nc : 0;
}

const char *
lexicon_concept_name(const struct lexicon *lx, size_t c)
{
	return lx->c[c].name;
}

unsigned
lexicon_concept_flags(const struct lexicon *lx, size_t c)
{
	return lx->c[c].flags;
}

size_t
lexicon_nterms(const struct lexicon *lx)
{
	return lx ? lx->nt : 0;
}

size_t
lexicon_term_concept(const struct lexicon *lx, size_t t)
{
	return lx->t[t].concept;
}

const char *
lexicon_term_lang(const struct lexicon *lx, size_t t)
{
	return lx->t[t].lang;
}

const char *
lexicon_term_text(const struct lexicon *lx, size_t t)
{
	return lx->t[t].text;
}

int
lexicon_load_dir(struct lexicon *lx, const char *dir)
{
	char path[4096];

	if (dir == NULL || util_snprintf(path, sizeof(path), "%s/lexicon.txt",
	    dir) == -1)
		return 0;
	if (access(path, F_OK) == -1) {
		log_info("no lexicon at %s: search without concepts",
		    log_vis(path));
		return 0;
	}
	return lexicon_load_file(lx, path);
}
