/* phrases: the bot's own sentences per language, from replies/phrases/. */
#include "ac-config.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "chat.h"
#include "log.h"
#include "phrases.h"
#include "util.h"

#define PHRASES_FILE_MAX	(1024 * 1024)
#define PHRASES_KEY_MAX		64
#define PHRASES_LANG_MAX	8

struct phrase {
	char	*lang;
	char	*key;
	char	*text;
	char	*where;		/* "file:line", for duplicate warnings */
};

struct phrases {
	struct phrase	 *v;
	size_t		  n;
	size_t		  cap;
	char		**langs;	/* languages with a file */
	size_t		  nlangs;
};

struct phrases *
phrases_new(void)
{
	return xcalloc(1, sizeof(struct phrases));
}

void
phrases_free(struct phrases *p)
{
	if (p == NULL)
		return;
	for (size_t i = 0; i < p->n; i++) {
		free(p->v[i].lang);
		free(p->v[i].key);
		free(p->v[i].text);
		free(p->v[i].where);
	}
	free(p->v);
	for (size_t i = 0; i < p->nlangs; i++)
		free(p->langs[i]);
	free(p->langs);
	free(p);
}

static struct phrase *
phrases_find(const struct phrases *p, const char *lang, const char *key)
{
	for (size_t i = 0; i < p->n; i++)
		if (strcmp(p->v[i].key, key) == 0 &&
		    strcmp(p->v[i].lang, lang) == 0)
			return &p->v[i];
	return NULL;
}

static void
phrases_add_lang(struct phrases *p, const char *lang)
{
	for (size_t i = 0; i < p->nlangs; i++)
		if (strcmp(p->langs[i], lang) == 0)
			return;
	p->langs = xrealloc(p->langs, (p->nlangs + 1) * sizeof(char *));
	p->langs[p->nlangs++] = xstrdup(lang);
}

/* A valid phrase key: letters, digits, '_', '-', '.'. */
static int
key_valid(const char *s, size_t n)
{
	if (n == 0 || n > PHRASES_KEY_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.'))
			return 0;
	}
	return 1;
}

/* Stores one entry; text is taken over. Refuses text that could not be sent
 * as is (markup, OTR tags, bad UTF-8). */
static void
phrases_store(struct phrases *p, const char *lang, const char *name,
    int line, const char *key, char *text)
{
	struct phrase *old;
	const char *why;
	char where[512];
	size_t len = strlen(text);

	(void)util_snprintf(where, sizeof(where), "%s:%d", name, line);
	if (len == 0) {
		log_warnx("%s: phrase [%s] is empty; ignored", where, key);
		free(text);
		return;
	}
	if (!chat_is_safe(text, &why)) {
		log_warnx("%s: phrase [%s] %s (chat clients would misread it); "
		    "ignored", where, key, why);
		free(text);
		return;
	}
	if ((old = phrases_find(p, lang, key)) != NULL) {
		log_warnx("%s: duplicate phrase [%s] (first at %s); "
		    "this one wins", where, key, old->where);
		free(old->text);
		free(old->where);
		old->text = text;
		old->where = xstrdup(where);
		return;
	}
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 64;
		p->v = xrealloc(p->v, p->cap * sizeof(*p->v));
	}
	p->v[p->n].lang = xstrdup(lang);
	p->v[p->n].key = xstrdup(key);
	p->v[p->n].text = text;
	p->v[p->n].where = xstrdup(where);
	p->n++;
}

/* Ends the current entry: drops leading and trailing blank lines. */
static void
phrases_flush(struct phrases *p, const char *lang, const char *name,
    int line, const char *key, struct buf *text)
{
	size_t start = 0, end = text->len;

	if (key[0] == '\0')
		return;
	while (start < end && (text->s[start] == '\n' ||
	    text->s[start] == ' '))
		start++;
	while (end > start && (text->s[end - 1] == '\n' ||
	    text->s[end - 1] == ' '))
		end--;
	phrases_store(p, lang, name, line, key, xstrndup(text->s + start,
	    end - start));
	buf_truncate(text, 0);
}

int
phrases_load_buffer(struct phrases *p, const char *lang, const char *name,
    const char *data, size_t len)
{
	struct buf text;
	char key[PHRASES_KEY_MAX + 1] = "";
	int line = 0, keyline = 0, nerr = 0;
	size_t pos = 0;

	if (lang == NULL || lang[0] == '\0' ||
	    strlen(lang) >= PHRASES_LANG_MAX) {
		log_warnx("%s: no language for phrases", name);
		return -1;
	}
	buf_init(&text);
	phrases_add_lang(p, lang);
	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
		pos = 3;	/* byte order mark */
	while (pos < len) {
		const char *s = data + pos;
		const char *nl = memchr(s, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - s) : len - pos;

		pos += n + (nl ? 1 : 0);
		line++;
		while (n > 0 && (s[n - 1] == '\r' || s[n - 1] == ' ' ||
		    s[n - 1] == '\t'))
			n--;
		if (n >= 2 && s[0] == '[' && s[n - 1] == ']' &&
		    key_valid(s + 1, n - 2)) {
			phrases_flush(p, lang, name, keyline, key, &text);
			memcpy(key, s + 1, n - 2);
			key[n - 2] = '\0';
			keyline = line;
			continue;
		}
		if (key[0] == '\0') {
			if (n == 0 || s[0] == '#')
				continue;
			log_warnx("%s:%d: text outside any [key]; ignored",
			    name, line);
			nerr++;
			continue;
		}
		if (memchr(s, '\0', n) != NULL) {
			log_warnx("%s:%d: NUL byte in phrase [%s]; line ignored",
			    name, line, key);
			nerr++;
			continue;
		}
		buf_add(&text, s, n);
		buf_addc(&text, '\n');
	}
	phrases_flush(p, lang, name, keyline, key, &text);
	buf_release(&text);
	return 0;
}

/* Language of a phrase file name: "fr.txt" or "escalate.fr.txt" gives "fr";
 * anything else gives 0. */
static int
file_lang(const char *file, char *lang, size_t size)
{
	size_t n = strlen(file), i, start;

	if (n < 6 || strcmp(file + n - 4, ".txt") != 0 || file[0] == '.')
		return 0;
	n -= 4;
	start = n;
	while (start > 0 && file[start - 1] != '.')
		start--;
	if (n - start < 2 || n - start > 3 || n - start >= size)
		return 0;
	for (i = start; i < n; i++)
		if (file[i] < 'a' || file[i] > 'z')
			return 0;
	memcpy(lang, file + start, n - start);
	lang[n - start] = '\0';
	return 1;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Loads the phrase files directly in dir, sorted by name (so LANG.txt comes
 * before AREA.LANG.txt only by name order; duplicates warn either way). */
static int
phrases_load_one_dir(struct phrases *p, const char *dir)
{
	DIR *d;
	struct dirent *de;
	char **names = NULL, lang[PHRASES_LANG_MAX];
	size_t nnames = 0;
	int loaded = 0;

	if ((d = opendir(dir)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		if (!file_lang(de->d_name, lang, sizeof(lang)))
			continue;
		names = xrealloc(names, (nnames + 1) * sizeof(char *));
		names[nnames++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (nnames > 0)
		qsort(names, nnames, sizeof(char *), name_cmp);
	for (size_t i = 0; i < nnames; i++) {
		struct buf path;
		char *data;
		size_t len;

		buf_init(&path);
		buf_addf(&path, "%s/%s", dir, names[i]);
		(void)file_lang(names[i], lang, sizeof(lang));
		if ((data = util_read_file(path.s, PHRASES_FILE_MAX, &len)) ==
		    NULL)
			log_warn("%s", path.s);
		else {
			if (phrases_load_buffer(p, lang, path.s, data, len) == 0)
				loaded++;
			free(data);
		}
		buf_release(&path);
		free(names[i]);
	}
	free(names);
	return loaded;
}

int
phrases_load_dir(struct phrases *p, const char *dir)
{
	struct buf sub;
	int a, b;

	a = phrases_load_one_dir(p, dir);
	buf_init(&sub);
	buf_addf(&sub, "%s/phrases", dir);
	b = phrases_load_one_dir(p, sub.s);
	buf_release(&sub);
	if (a < 0 && b < 0) {
		log_warn("%s", dir);
		return -1;
	}
	return (a > 0 ? a : 0) + (b > 0 ? b : 0);
}

int
phrases_has_lang(const struct phrases *p, const char *lang)
{
	if (lang == NULL)
		return 0;
	for (size_t i = 0; i < p->nlangs; i++)
		if (strcmp(p->langs[i], lang) == 0)
			return 1;
	return 0;
}

const char *
phrases_get(const struct phrases *p, const char *lang, const char *key)
{
	struct phrase *ph = NULL;

	if (p != NULL) {
		if (lang != NULL)
			ph = phrases_find(p, lang, key);
		if (ph == NULL)
			ph = phrases_find(p, "en", key);
	}
	return ph ? ph->text : key;
}

int
phrases_exists(const struct phrases *p, const char *lang, const char *key)
{
	return phrases_find(p, lang, key) != NULL;
}

char *
phrases_render(const struct phrases *p, const char *lang, const char *key,
    const char *const *vars)
{
	const char *s = phrases_get(p, lang, key);
	struct buf out;

	buf_init(&out);
	while (*s != '\0') {
		const char *close;
		size_t n;
		int found = 0;

		if (*s != '{' || (close = strchr(s + 1, '}')) == NULL) {
			buf_addc(&out, *s++);
			continue;
		}
		n = (size_t)(close - s - 1);
		for (size_t i = 0; vars != NULL && vars[i] != NULL &&
		    vars[i + 1] != NULL; i += 2) {
			if (strlen(vars[i]) == n &&
			    memcmp(vars[i], s + 1, n) == 0) {
				buf_adds(&out, vars[i + 1]);
				found = 1;
				break;
			}
		}
		if (found)
			s = close + 1;
		else
			buf_addc(&out, *s++);
	}
	return buf_detach(&out);
}

int
phrases_check(const struct phrases *p, const char *ref)
{
	int missing = 0;

	for (size_t l = 0; l < p->nlangs; l++) {
		if (strcmp(p->langs[l], ref) == 0)
			continue;
		for (size_t i = 0; i < p->n; i++) {
			if (strcmp(p->v[i].lang, ref) != 0 ||
			    phrases_find(p, p->langs[l], p->v[i].key) != NULL)
				continue;
			log_warnx("%s: phrase [%s] has no %s translation "
			    "(falls back to %s)", p->v[i].where, p->v[i].key,
			    p->langs[l], ref);
			missing++;
		}
	}
	for (size_t i = 0; i < p->n; i++) {
		if (phrases_find(p, ref, p->v[i].key) != NULL)
			continue;
		log_warnx("%s: phrase [%s] has no %s version (other "
		    "languages fall back to the key itself)", p->v[i].where,
		    p->v[i].key, ref);
		missing++;
	}
	return missing;
}

int
phrases_require(const struct phrases *p, const char *ref)
{
	int missing = 0;

	if (!phrases_has_lang(p, ref)) {
		log_error("no %s phrases: the bot's own sentences are missing",
		    ref);
		return 1;
	}
	for (size_t l = 0; l < p->nlangs; l++) {
		struct buf keys;
		int n = 0;

		if (strcmp(p->langs[l], ref) == 0)
			continue;
		buf_init(&keys);
		for (size_t i = 0; i < p->n; i++) {
			if (strcmp(p->v[i].lang, ref) != 0 ||
			    phrases_find(p, p->langs[l], p->v[i].key) != NULL)
				continue;
			buf_addf(&keys, "%s%s", n++ ? ", " : "", p->v[i].key);
		}
		if (n > 0)
			log_error("%s phrases lack %d key(s) that %s has: %s",
			    p->langs[l], n, ref, keys.s);
		missing += n;
		buf_release(&keys);
	}
	return missing;
}

int
phrases_load_required(struct phrases *p, const char *dir)
{
	if (dir == NULL) {
		log_error("no data directory for the bot's phrases");
		return -1;
	}
	if (phrases_load_dir(p, dir) <= 0) {
		log_error("%s: no phrase files (phrases/LANG.txt)",
		    log_vis(dir));
		return -1;
	}
	return phrases_require(p, "en") == 0 ? 0 : -1;
}
