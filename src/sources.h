/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * sources: what the bot answers from, loaded and checked in one place: the
 * guide pages of guide.paths, the bot's phrases and lexicon from its data
 * directory, and the search index. The daemon's start, its reload and
 * --check all call sources_load(), so --check refuses what the start would.
 */
#ifndef SECOURS_SOURCES_H
#define SECOURS_SOURCES_H

struct config;
struct guide;
struct lexicon;
struct phrases;
struct search;

/*
 * Loads all four, or nothing (-1). Every problem is logged: a guide path
 * that is missing, not a folder, unreadable or holds no page, and missing
 * phrases are errors (-1: the bot must not start); pages that fail to load
 * (counted and named), no page about the desk, and a helper's language the
 * bot has no phrases in are warnings. Logs, at info, the pages and sections
 * read per language.
 */
int sources_load(const struct config *cfg, struct guide **gp,
    struct phrases **pp, struct lexicon **lxp, struct search **sp);

#endif
