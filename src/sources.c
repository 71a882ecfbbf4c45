/* SPDX-License-Identifier: GPL-3.0-or-later */
/* sources: the guide, phrases, lexicon and index, checked (see sources.h). */
#include "ac-config.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "guide.h"
#include "lang.h"
#include "lexicon.h"
#include "log.h"
#include "phrases.h"
#include "search.h"
#include "sources.h"
#include "util.h"

#define SOURCES_LANGS_MAX	64	/* languages counted in the summary */

/* One guide path: its pages loaded into g. Returns the number of pages, or
 * -1 (logged) when it is not a readable folder holding a page. */
static int
guide_path_load(struct guide *g, const char *dir, const char *lang)
{
	struct stat st;
	int k;

	if (stat(dir, &st) == -1) {
		log_error("guide.paths: %s: %s", log_vis(dir),
		    errno == ENOENT ? "no such folder" : strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		log_error("guide.paths: %s: not a folder", log_vis(dir));
		return -1;
	}
	if ((k = guide_load_dir(g, dir, lang)) == -1) {
		log_error("guide.paths: %s: cannot read the folder (see above)",
		    log_vis(dir));
		return -1;
	}
	if (k == 0) {
		log_error("guide.paths: %s: no page (no *.md file that loads) "
		    "in this folder: every question would get \"no good "
		    "answer\"", log_vis(dir));
		return -1;
	}
	return k;
}

/* The pages and sections per language, at info; pages that failed to load,
 * counted and named, as a warning. */
static void
guide_summary(const struct guide *g)
{
	const char *codes[SOURCES_LANGS_MAX];
	size_t pages[SOURCES_LANGS_MAX], secs[SOURCES_LANGS_MAX], n = 0;
	struct buf b;

	for (size_t i = 0; i < guide_npages(g); i++) {
		const char *l = guide_page_lang(g, i);
		size_t k;

		if (l == NULL)
			l = "?";
		for (k = 0; k < n && strcmp(codes[k], l) != 0; k++)
			;
		if (k == n) {
			if (n == SOURCES_LANGS_MAX)
				continue;
			codes[n] = l;
			pages[n] = secs[n] = 0;
			n++;
		}
		pages[k]++;
		secs[k] += guide_page_nsections(g, i);
	}
	buf_init(&b);
	for (size_t k = 0; k < n; k++)
		buf_addf(&b, "%s%s %zu/%zu", k ? ", " : "", codes[k], pages[k],
		    secs[k]);
	log_info("guide: %zu page(s), %zu section(s); per language "
	    "(pages/sections): %s", guide_npages(g), guide_nsections(g),
	    n > 0 ? b.s : "none");
	buf_release(&b);
	if (guide_nfailed(g) == 0)
		return;
	buf_init(&b);
	for (size_t i = 0; i < guide_nfailed(g); i++)
		buf_addf(&b, "%s%s", i ? ", " : "",
		    log_vis(guide_failed_path(g, i)));
	log_warnx("guide: %zu page(s) could not be loaded (see above), "
	    "the rest is used: %s", guide_nfailed(g), b.s);
	buf_release(&b);
}

/* Whether the guide has a page in lang. */
static int
guide_has_lang(const struct guide *g, const char *lang)
{
	for (size_t i = 0; i < guide_npages(g); i++)
		if (guide_page_lang(g, i) != NULL &&
		    strcmp(guide_page_lang(g, i), lang) == 0)
			return 1;
	return 0;
}

/* A helper's language the bot has neither phrases nor pages in: nobody
 * talks to the bot in it (a person's language must be one of those), so
 * nobody is handed to that helper for it. */
static void
helpers_langs_check(const struct config *cfg, const struct guide *g,
    const struct phrases *p)
{
	struct buf has;
	const struct lang_row *r;

	buf_init(&has);
	for (size_t i = 0; (r = lang_row_at(i)) != NULL; i++)
		if (phrases_has_lang(p, r->code))
			buf_addf(&has, "%s%s", has.len ? ", " : "", r->code);
	for (size_t i = 0; i < cfg->nhelpers; i++) {
		const struct config_helper *h = &cfg->helpers[i];

		for (size_t k = 0; k < h->nlanguages; k++) {
			const char *l = h->languages[k];

			if (phrases_has_lang(p, l) || guide_has_lang(g, l))
				continue;
			log_warnx("helpers: helper %zu (%s): languages: the bot "
			    "has no phrases nor guide pages in '%s' (it talks "
			    "%s): nobody will be handed to this helper for "
			    "speaking '%s'", i + 1, log_vis(h->name),
			    log_vis(l), has.len ? has.s : "no language",
			    log_vis(l));
		}
	}
	buf_release(&has);
}

int
sources_load(const struct config *cfg, struct guide **gp,
    struct phrases **pp, struct lexicon **lxp, struct search **sp)
{
	const char *lang = cfg->guide.default_language;
	struct guide *g = guide_new();
	struct phrases *p = phrases_new();
	struct lexicon *lx;
	int bad = 0;

	/* Every path, so that one run names every problem. */
	for (size_t i = 0; i < cfg->guide.npaths; i++)
		if (guide_path_load(g, cfg->guide.paths[i], lang) == -1)
			bad = 1;
	if (cfg->guide.npaths == 0) {
		log_error("guide.paths: no folder given");
		bad = 1;
	}
	guide_summary(g);
	/* Without the desk's own pages, questions about the bot ("how do I
	 * verify your fingerprint") find some other chat's sections. */
	if (!bad && guide_desk_pages(g) == 0)
		log_warnx("guide: no page about this desk (a file named %s."
		    "LANG.md, as in the shipped replies/ folder): questions "
		    "about the bot, its key or how to reach a person will get "
		    "other pages' sections; keep replies/ (or its %s pages) "
		    "in guide.paths", GUIDE_DESK_STEM, GUIDE_DESK_STEM);
	if (phrases_load_required(p, cfg->guide.data_dir) == -1) {
		log_error("cannot start without the bot's phrases; set the "
		    "data directory with --datadir or SECOURS_DATADIR");
		bad = 1;
	} else
		helpers_langs_check(cfg, g, p);
	if (bad) {
		guide_free(g);
		phrases_free(p);
		return -1;
	}
	lx = lexicon_new();
	(void)lexicon_load_dir(lx, cfg->guide.data_dir);
	*gp = g;
	*pp = p;
	*lxp = lx;
	*sp = search_new_lex(g, lx);
	(void)search_set_default_lang(*sp, lang);
	return 0;
}
