/*
 * bot_stubs: weak stand-ins for modules that other helpers are still
 * writing (guide, search, config, escalate), so that the conversation engine
 * can be tested before they land. Linked after libsecours.a: as soon as the
 * real module is in the library, its strong symbols win and these are unused.
 * Simple on purpose: a guide of "# headings" and a word-count search.
 */
#include "ac-config.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "escalate.h"
#include "guide.h"
#include "search.h"
#include "util.h"

#define WEAK __attribute__((weak))

/* config */

WEAK void config_init(struct config *cfg);
WEAK void
config_init(struct config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->guide.max_reply_chars = 1200;
	cfg->otr.refusal_cooldown = 600;
	cfg->otr.idle_timeout = 3600;
	cfg->otr.smp_max_attempts = 5;
	cfg->limits.max_body = 65536;
	cfg->limits.max_text = 2000;
	cfg->limits.max_per_minute = 20;
	cfg->limits.max_sessions = 1000;
	cfg->limits.max_queue = 200;
	cfg->limits.max_fragments = 64;
	cfg->escalation.ack_timeout = 600;
	cfg->escalation.retention = 7 * 86400;
}

WEAK const struct config_helper *config_helper_find(const struct config *cfg,
    const char *bare_jid);
WEAK const struct config_helper *
config_helper_find(const struct config *cfg, const char *bare_jid)
{
	for (size_t i = 0; i < cfg->nhelpers; i++)
		if (util_strcasecmp(cfg->helpers[i].jid, bare_jid) == 0)
			return &cfg->helpers[i];
	return NULL;
}

/* escalate: never called with esc == NULL; linked only. */

WEAK void esc_notes_init(struct esc_notes *n);
WEAK void
esc_notes_init(struct esc_notes *n)
{
	memset(n, 0, sizeof(*n));
}

WEAK void esc_notes_clear(struct esc_notes *n);
WEAK void
esc_notes_clear(struct esc_notes *n)
{
	n->n = 0;
}

WEAK void esc_notes_release(struct esc_notes *n);
WEAK void
esc_notes_release(struct esc_notes *n)
{
	free(n->v);
	memset(n, 0, sizeof(*n));
}

WEAK long escalate_open(struct escalate *e, const char *person,
    const char *lang, const char *text, time_t now, struct esc_notes *out);
WEAK long
escalate_open(struct escalate *e, const char *person, const char *lang,
    const char *text, time_t now, struct esc_notes *out)
{
	(void)e; (void)person; (void)lang; (void)text; (void)now; (void)out;
	return -1;
}

WEAK long escalate_case_of(const struct escalate *e, const char *person);
WEAK long
escalate_case_of(const struct escalate *e, const char *person)
{
	(void)e; (void)person;
	return 0;
}

WEAK void escalate_status(struct escalate *e, const char *person, time_t now,
    struct esc_notes *out);
WEAK void
escalate_status(struct escalate *e, const char *person, time_t now,
    struct esc_notes *out)
{
	(void)e; (void)person; (void)now; (void)out;
}

WEAK int escalate_cancel(struct escalate *e, const char *person, time_t now,
    struct esc_notes *out);
WEAK int
escalate_cancel(struct escalate *e, const char *person, time_t now,
    struct esc_notes *out)
{
	(void)e; (void)person; (void)now; (void)out;
	return 0;
}

WEAK int escalate_person_text(struct escalate *e, const char *person,
    const char *text, time_t now, struct esc_notes *out);
WEAK int
escalate_person_text(struct escalate *e, const char *person,
    const char *text, time_t now, struct esc_notes *out)
{
	(void)e; (void)person; (void)text; (void)now; (void)out;
	return 0;
}

WEAK int escalate_helper_text(struct escalate *e, const char *helper,
    const char *text, time_t now, struct esc_notes *out);
WEAK int
escalate_helper_text(struct escalate *e, const char *helper,
    const char *text, time_t now, struct esc_notes *out)
{
	(void)e; (void)helper; (void)text; (void)now; (void)out;
	return 0;
}

WEAK void escalate_reach_changed(struct escalate *e, const char *bare,
    time_t now, struct esc_notes *out);
WEAK void
escalate_reach_changed(struct escalate *e, const char *bare, time_t now,
    struct esc_notes *out)
{
	(void)e; (void)bare; (void)now; (void)out;
}

WEAK void escalate_tick(struct escalate *e, time_t now,
    struct esc_notes *out);
WEAK void
escalate_tick(struct escalate *e, time_t now, struct esc_notes *out)
{
	(void)e; (void)now; (void)out;
}

/* guide: "title:" and "language:" front matter, "#" headings, text. */

struct stub_section {
	size_t	 page;
	char	*heading;
	struct buf text;
	int	 level;
};

struct stub_page {
	char	*title, *lang, *path, *permalink;
	size_t	 first, n;
};

struct guide {
	struct stub_page	*pages;
	size_t			 npages;
	struct stub_section	*secs;
	size_t			 nsecs;
};

WEAK struct guide *guide_new(void);
WEAK struct guide *
guide_new(void)
{
	return xcalloc(1, sizeof(struct guide));
}

WEAK void guide_free(struct guide *g);
WEAK void
guide_free(struct guide *g)
{
	if (g == NULL)
		return;
	for (size_t i = 0; i < g->npages; i++) {
		free(g->pages[i].title);
		free(g->pages[i].lang);
		free(g->pages[i].path);
		free(g->pages[i].permalink);
	}
	for (size_t i = 0; i < g->nsecs; i++) {
		free(g->secs[i].heading);
		buf_release(&g->secs[i].text);
	}
	free(g->pages);
	free(g->secs);
	free(g);
}

static void
stub_add_section(struct guide *g, const char *heading, int level)
{
	struct stub_section *s;

	g->secs = xrealloc(g->secs, (g->nsecs + 1) * sizeof(*g->secs));
	s = &g->secs[g->nsecs++];
	s->page = g->npages - 1;
	s->heading = xstrdup(heading);
	s->level = level;
	buf_init(&s->text);
	g->pages[g->npages - 1].n++;
}

WEAK int guide_load_buffer(struct guide *g, const char *name,
    const char *data, size_t len, const char *default_lang);
WEAK int
guide_load_buffer(struct guide *g, const char *name, const char *data,
    size_t len, const char *default_lang)
{
	struct stub_page *p;
	char *copy = xstrndup(data, len), *line, *next;
	int fm = 0;

	g->pages = xrealloc(g->pages, (g->npages + 1) * sizeof(*g->pages));
	p = &g->pages[g->npages++];
	memset(p, 0, sizeof(*p));
	p->path = xstrdup(name);
	p->first = g->nsecs;
	for (line = copy; line != NULL; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if (line == copy && strcmp(line, "---") == 0) {
			fm = 1;
			continue;
		}
		if (fm) {
			if (strcmp(line, "---") == 0)
				fm = 0;
			else if (strncmp(line, "title: ", 7) == 0) {
				char *t = line + 7;
				size_t l = strlen(t);
				if (l >= 2 && t[0] == '"' && t[l - 1] == '"') {
					t[l - 1] = '\0';
					t++;
				}
				p->title = xstrdup(t);
			}
			else if (strncmp(line, "language: ", 10) == 0)
				p->lang = xstrdup(line + 10);
			else if (strncmp(line, "permalink: ", 11) == 0)
				p->permalink = xstrdup(line + 11);
			continue;
		}
		if (line[0] == '#') {
			int level = 0;
			while (line[level] == '#')
				level++;
			if (p->title == NULL)
				p->title = xstrdup(line + level + 1);
			stub_add_section(g, line + level + 1, level);
			continue;
		}
		if (g->nsecs == p->first) {
			if (line[0] == '\0')
				continue;
			stub_add_section(g, p->title ? p->title : name, 1);
		}
		buf_adds(&g->secs[g->nsecs - 1].text, line);
		buf_addc(&g->secs[g->nsecs - 1].text, '\n');
	}
	for (size_t i = p->first; i < g->nsecs; i++) {
		struct buf *t = &g->secs[i].text;
		while (t->len > 0 && (t->s[t->len - 1] == '\n'))
			buf_truncate(t, t->len - 1);
		while (t->len > 0 && t->s[0] == '\n')
			memmove(t->s, t->s + 1, t->len--);
	}
	if (p->title == NULL)
		p->title = xstrdup(name);
	if (p->lang == NULL)
		p->lang = xstrdup(default_lang ? default_lang : "en");
	free(copy);
	return 0;
}

static int
stub_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

WEAK int guide_load_dir(struct guide *g, const char *dir,
    const char *default_lang);
WEAK int
guide_load_dir(struct guide *g, const char *dir, const char *default_lang)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0;
	int loaded = 0;

	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		size_t l = strlen(de->d_name);
		if (l > 3 && strcmp(de->d_name + l - 3, ".md") == 0) {
			names = xrealloc(names, (n + 1) * sizeof(char *));
			names[n++] = xstrdup(de->d_name);
		}
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof(char *), stub_cmp);
	for (size_t i = 0; i < n; i++) {
		struct buf path;
		char *data;
		size_t len;

		buf_init(&path);
		buf_addf(&path, "%s/%s", dir, names[i]);
		if ((data = util_read_file(path.s, 1 << 20, &len)) != NULL) {
			if (guide_load_buffer(g, path.s, data, len,
			    default_lang) == 0)
				loaded++;
			free(data);
		}
		buf_release(&path);
		free(names[i]);
	}
	free(names);
	return loaded;
}

WEAK size_t guide_npages(const struct guide *g);
WEAK size_t
guide_npages(const struct guide *g)
{
	return g->npages;
}

WEAK size_t guide_nsections(const struct guide *g);
WEAK size_t
guide_nsections(const struct guide *g)
{
	return g->nsecs;
}

WEAK const char *guide_page_title(const struct guide *g, size_t page);
WEAK const char *
guide_page_title(const struct guide *g, size_t page)
{
	return g->pages[page].title;
}

WEAK const char *guide_page_lang(const struct guide *g, size_t page);
WEAK const char *
guide_page_lang(const struct guide *g, size_t page)
{
	return g->pages[page].lang;
}

WEAK const char *guide_page_path(const struct guide *g, size_t page);
WEAK const char *
guide_page_path(const struct guide *g, size_t page)
{
	return g->pages[page].path;
}

WEAK const char *guide_page_permalink(const struct guide *g, size_t page);
WEAK const char *
guide_page_permalink(const struct guide *g, size_t page)
{
	return g->pages[page].permalink;
}

WEAK size_t guide_page_first_section(const struct guide *g, size_t page);
WEAK size_t
guide_page_first_section(const struct guide *g, size_t page)
{
	return g->pages[page].first;
}

WEAK size_t guide_page_nsections(const struct guide *g, size_t page);
WEAK size_t
guide_page_nsections(const struct guide *g, size_t page)
{
	return g->pages[page].n;
}

WEAK size_t guide_section_page(const struct guide *g, size_t sec);
WEAK size_t
guide_section_page(const struct guide *g, size_t sec)
{
	return g->secs[sec].page;
}

WEAK const char *guide_section_heading(const struct guide *g, size_t sec);
WEAK const char *
guide_section_heading(const struct guide *g, size_t sec)
{
	return g->secs[sec].heading;
}

WEAK const char *guide_section_text(const struct guide *g, size_t sec);
WEAK const char *
guide_section_text(const struct guide *g, size_t sec)
{
	return g->secs[sec].text.s ? g->secs[sec].text.s : "";
}

WEAK int guide_section_level(const struct guide *g, size_t sec);
WEAK int
guide_section_level(const struct guide *g, size_t sec)
{
	return g->secs[sec].level;
}

/* search: ASCII words of 4+ letters; heading words count three times.
 * Uses only guide.h, so it works over the real guide too. */

struct search {
	const struct guide *g;
};

WEAK struct search *search_new(const struct guide *g);
WEAK struct search *
search_new(const struct guide *g)
{
	struct search *s = xcalloc(1, sizeof(*s));

	s->g = g;
	return s;
}

WEAK void search_free(struct search *s);
WEAK void
search_free(struct search *s)
{
	free(s);
}

/* Accented Latin letters (UTF-8, two bytes) and their plain form. */
static const struct {
	const char	*from;
	char		 to;
} stub_accents[] = {
	{ "à", 'a' }, { "â", 'a' }, { "ä", 'a' }, { "á", 'a' }, { "ã", 'a' },
	{ "À", 'a' }, { "Â", 'a' }, { "Á", 'a' }, { "ç", 'c' }, { "Ç", 'c' },
	{ "é", 'e' }, { "è", 'e' }, { "ê", 'e' }, { "ë", 'e' }, { "É", 'e' },
	{ "È", 'e' }, { "Ê", 'e' }, { "í", 'i' }, { "ì", 'i' }, { "î", 'i' },
	{ "ï", 'i' }, { "Í", 'i' }, { "Î", 'i' }, { "ñ", 'n' }, { "Ñ", 'n' },
	{ "ó", 'o' }, { "ò", 'o' }, { "ô", 'o' }, { "ö", 'o' }, { "õ", 'o' },
	{ "Ó", 'o' }, { "Ô", 'o' }, { "ú", 'u' }, { "ù", 'u' }, { "û", 'u' },
	{ "ü", 'u' }, { "Ú", 'u' }, { "Û", 'u' }, { "ÿ", 'y' },
};

WEAK char *search_fold(const char *text);
WEAK char *
search_fold(const char *text)
{
	struct buf b;
	const char *s = text;
	size_t n;

	buf_init(&b);
	while (*s == ' ' || *s == '\n' || *s == '\t')
		s++;
	while (*s != '\0') {
		size_t i;
		if (strncmp(s, "\xe2\x80\x99", 3) == 0) {
			buf_addc(&b, '\'');
			s += 3;
			continue;
		}
		for (i = 0; i < sizeof(stub_accents) / sizeof(stub_accents[0]);
		    i++)
			if (strncmp(s, stub_accents[i].from, 2) == 0)
				break;
		if (i < sizeof(stub_accents) / sizeof(stub_accents[0])) {
			buf_addc(&b, stub_accents[i].to);
			s += 2;
			continue;
		}
		if (*s >= 'A' && *s <= 'Z')
			buf_addc(&b, (char)(*s - 'A' + 'a'));
		else
			buf_addc(&b, *s);
		s++;
	}
	n = b.len;
	while (n > 0 && (b.s[n - 1] == ' ' || b.s[n - 1] == '\n'))
		n--;
	if (n > 0 && strchr("!?.,;:", b.s[n - 1]) != NULL)
		n--;
	while (n > 0 && b.s[n - 1] == ' ')
		n--;
	buf_truncate(&b, n);
	return buf_detach(&b);
}

WEAK char *search_tokens(const char *text, const char *lang);
WEAK char *
search_tokens(const char *text, const char *lang)
{
	(void)lang;
	return search_fold(text);
}

static int
stub_has_word(const char *hay, const char *word)
{
	size_t n = strlen(word);
	const char *p = hay;
	int count = 0;

	while ((p = strstr(p, word)) != NULL) {
		count++;
		p += n;
	}
	return count;
}

WEAK size_t search_query(const struct search *s, const char *text,
    const char *lang, struct search_hit *hits, size_t max);
WEAK size_t
search_query(const struct search *s, const char *text, const char *lang,
    struct search_hit *hits, size_t max)
{
	char *q = search_fold(text), *w, *save = NULL;
	size_t n = 0;
	(void)save;

	for (size_t sec = 0; sec < guide_nsections(s->g); sec++) {
		char *h = search_fold(guide_section_heading(s->g, sec));
		char *b = search_fold(guide_section_text(s->g, sec));
		char *copy = xstrdup(q);
		double score = 0;

		for (w = copy; *w != '\0'; ) {
			char *e = w;
			while (*e >= 'a' && *e <= 'z')
				e++;
			if (e - w >= 4) {
				char c = *e;
				*e = '\0';
				score += 3 * stub_has_word(h, w) +
				    (stub_has_word(b, w) ? 1 : 0);
				*e = c;
			}
			w = *e ? e + 1 : e;
		}
		if (lang && strcmp(guide_page_lang(s->g,
		    guide_section_page(s->g, sec)), lang) == 0 && score > 0)
			score += 0.5;
		if (score > 0) {
			size_t i = n < max ? n++ : max - 1;
			if (n == max && score <= hits[max - 1].score)
				goto next;
			while (i > 0 && hits[i - 1].score < score) {
				hits[i] = hits[i - 1];
				i--;
			}
			hits[i].section = sec;
			hits[i].score = score;
		}
next:
		free(h);
		free(b);
		free(copy);
	}
	free(q);
	return n;
}

WEAK const char *search_detect_lang(const char *text);
WEAK const char *
search_detect_lang(const char *text)
{
	static const char *const fr[] = { " je ", " le ", " la ", " les ",
	    " des ", " un ", " une ", " est ", " pour ", " comment ", " mon ",
	    " ma ", " mes ", " que ", " pas ", " avec ", " j'", " d'", " l'" };
	static const char *const en[] = { " the ", " is ", " how ", " do ",
	    " i ", " my ", " to ", " what ", " can ", " of ", " with ",
	    " and " };
	static const char *const es[] = { " el ", " los ", " las ", " es ",
	    " como ", " mi ", " mis ", " por ", " para ", " una ", " con ",
	    " que " };
	char *f = search_fold(text);
	struct buf b;
	int nf = 0, ne = 0, ns = 0;

	buf_init(&b);
	for (char *c = f; *c != '\0'; c++) {
		if (strncmp(c, "\xc2\xbf", 2) == 0 ||
		    strncmp(c, "\xc2\xa1", 2) == 0)
			c[0] = c[1] = ' ';
		else if (*c != '\'' && (unsigned char)*c < 0x80 &&
		    !(*c >= 'a' && *c <= 'z'))
			*c = ' ';
	}
	buf_addf(&b, " %s ", f);
	for (size_t i = 0; i < sizeof(fr) / sizeof(fr[0]); i++)
		nf += stub_has_word(b.s, fr[i]);
	for (size_t i = 0; i < sizeof(en) / sizeof(en[0]); i++)
		ne += stub_has_word(b.s, en[i]);
	for (size_t i = 0; i < sizeof(es) / sizeof(es[0]); i++)
		ns += stub_has_word(b.s, es[i]);
	buf_release(&b);
	free(f);
	if (nf > ne && nf > ns)
		return "fr";
	if (ne > nf && ne > ns)
		return "en";
	if (ns > nf && ns > ne)
		return "es";
	return NULL;
}

/* escalate_new: NULL tells the transcript runner to skip escalation
 * transcripts until escalate.c is linked. */
WEAK struct escalate *escalate_new(const struct config *cfg, struct store *st,
    const struct duty *d, const struct esc_env *env);
WEAK struct escalate *
escalate_new(const struct config *cfg, struct store *st, const struct duty *d,
    const struct esc_env *env)
{
	(void)cfg; (void)st; (void)d; (void)env;
	return NULL;
}

WEAK void escalate_free(struct escalate *e);
WEAK void
escalate_free(struct escalate *e)
{
	(void)e;
}
