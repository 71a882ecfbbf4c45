/*
 * guide: loads guide pages (Markdown with YAML front matter, the Digital First
 * Aid Kit format) into sections of chat-ready plain text.
 *
 * A section is identified by (page, heading path), never by heading text
 * alone. Section text is already rendered for chat: list items as "- " lines
 * (indented two spaces per level), links as "text (url)" or the URL alone,
 * entities decoded, emphasis dropped, conversion debris removed, and no
 * "?OTR" sequence anywhere: every text is chat_text_out()'s (chat.h). No I/O
 * except reading the files given.
 *
 * Invariants: a broken page is skipped or loaded partly, always with one
 * warning naming the file (and line when known); it never stops the others.
 * Files over 1 MiB are skipped. Output text holds no '<' or '>' (Pidgin
 * reads HTML: they become '‹' '›'), no control characters but newlines.
 *
 * Page language: front matter "language", else a "name.xx.md" suffix, else
 * a folder named like a language ("fr/") unless the text plainly reads as
 * another one, else the text's stopwords, else the default.
 *
 * Keywords (extra search words, never shown): front matter "keywords:" (a
 * list or a comma-separated string) for the page, and a comment
 * "<!-- keywords: word, word -->" in the body for the section it is in.
 *
 * Asks (questions a section answers, in people's words; search index data
 * only, never shown): a comment block
 *     <!-- asks:
 *     one question per line
 *     -->
 * under a section's heading is that section's; under the page's title (its
 * first H1, the title), under a heading that is no section (no text of its
 * own nor borrowed; a warning but for the first H1) or before any heading,
 * the page's. A block keeps
 * at most 24 questions of at most 320 bytes (warning: the rest is cut),
 * and a page 96, its title's and sections' blocks together, the first
 * as they stand (warning naming the file: the rest is dropped);
 * one without its "-->" ends at its first blank line, with an error naming
 * the file and line, so the page's text is never read as questions. The
 * questions are the page author's text as written, NOT made chat-safe:
 * nothing that goes out in chat may carry them.
 *
 * Not-asks (questions near a page's subject, sharing its words, that the
 * page does NOT answer; search index data only, never shown): a comment
 * block "<!-- not-asks:", one question a line, "-->", read like an asks
 * block (the same bounds, warnings and unclosed-block rule; and 96 a
 * page, its blocks together, with a warning), is the
 * page's wherever it stands (the guide's writers put it under the title's
 * asks). The search reads them to refuse a confident answer from the page
 * to a question that reads more like one of them than like its asks.
 *
 * Pages whose sections have no '#' (at most one sub-heading): a short
 * standalone line (blank line around, < 90 characters, not ending in '.',
 * ',' or ';', not starting lower-case, followed by text) is a heading one
 * level below the last real one.
 */
#ifndef SECOURS_GUIDE_H
#define SECOURS_GUIDE_H

#include <stddef.h>

struct guide;

/* An empty guide (load pages into it); guide_free() frees it and every
 * string it lent. */
struct guide *guide_new(void);
void guide_free(struct guide *g);

/* Loads every *.md below dir (recursively, sorted by path). default_lang is
 * used when neither front matter, file name, folder nor text tells the
 * language. Returns the number of pages loaded, or -1 if dir is unreadable. */
int guide_load_dir(struct guide *g, const char *dir, const char *default_lang);
/* Loads one page; returns 0, or -1 if it was skipped (warning logged). */
int guide_load_file(struct guide *g, const char *path, const char *default_lang);
/* Loads one page from memory; name is used for messages and the language
 * suffix rule. Returns 0 or -1. */
int guide_load_buffer(struct guide *g, const char *name, const char *data,
    size_t len, const char *default_lang);

/* How many pages, and how many sections (numbered across the pages, each
 * page's consecutive), the guide holds. */
size_t guide_npages(const struct guide *g);
size_t guide_nsections(const struct guide *g);
/* The *.md files guide_load_dir() found but could not load (unreadable,
 * too big, not a page; each warned about), in the order met: how many, and
 * the i-th one's path (NULL past the end). Borrowed. */
size_t guide_nfailed(const struct guide *g);
const char *guide_failed_path(const struct guide *g, size_t i);

/* All strings below are borrowed: valid until guide_free(). */
const char *guide_page_title(const struct guide *g, size_t page);
const char *guide_page_lang(const struct guide *g, size_t page);
const char *guide_page_path(const struct guide *g, size_t page);
/* The page's file name without folders, ".md" and a language suffix
 * ("page.fr.md", "fr/Page.md": "page", "Page"): *n bytes at the result. */
const char *guide_page_stem(const struct guide *g, size_t page, size_t *n);
/* The file stem of this desk's own pages (how to reach it, check it). */
#define GUIDE_DESK_STEM	"this-desk"
/* How many pages are this desk's own: those whose file stem is
 * GUIDE_DESK_STEM ("this-desk.en.md", "fr/this-desk.md"), as the shipped
 * replies/ has in every language. */
size_t guide_desk_pages(const struct guide *g);
/* Front matter permalink, or NULL. */
const char *guide_page_permalink(const struct guide *g, size_t page);
/* Front matter keywords joined by spaces, or "". */
const char *guide_page_keywords(const struct guide *g, size_t page);
/* The page's asks (its title's block), one question a line, or "". Never
 * shown in chat; for the search and --explain on a console. */
const char *guide_page_asks(const struct guide *g, size_t page);
/* The page's not-asks (every not-asks block of it), one question a line,
 * or "". Never shown in chat; for the search and --explain on a console. */
const char *guide_page_notasks(const struct guide *g, size_t page);
/* What other pages' links to this one say (their text, or the short
 * paragraph a link opens: an index page's entry), one per line, or "".
 * Never shown; for the search. */
const char *guide_page_anchors(const struct guide *g, size_t page);
/* Front matter summary (normalised), or NULL. */
const char *guide_page_summary(const struct guide *g, size_t page);
#define GUIDE_ORDER_MAX	1000
/* Front matter "order:" (1 to GUIDE_ORDER_MAX: where TOPICS lists the
 * page, urgent situations first), or 0 when it has none (after those
 * that have one, in file order). */
int guide_page_order(const struct guide *g, size_t page);
/* First section of the page, and how many it has (consecutive indices). */
size_t guide_page_first_section(const struct guide *g, size_t page);
size_t guide_page_nsections(const struct guide *g, size_t page);
/* Is the page a list of where to turn (the kit's "Resources":
 * organisations, guides)? 1 when half its sections or more are lists of
 * links (three items or more, three in four holding a link), else 0. A
 * page that only cites links here and there is not. */
int guide_page_links(const struct guide *g, size_t page);

/* The page the section belongs to. */
size_t guide_section_page(const struct guide *g, size_t sec);
/* The section's own heading (normalised), or the page title for text that
 * comes before any heading; a first H1 that is the title but for case,
 * spaces or final punctuation is spelled as the title. */
const char *guide_section_heading(const struct guide *g, size_t sec);
/* Headings from the page's top down to this one, joined by " › ". */
const char *guide_section_path(const struct guide *g, size_t sec);
/* Chat text of the section (an empty parent borrows its first child's,
 * unless that is a glossary term: then the parent is left out). */
const char *guide_section_text(const struct guide *g, size_t sec);
/* The section's text as the reader sees it: guide_section_text() but for
 * a sentence that says "below" of another section ("the organisations
 * below", the organisations being a later section's): a short "(see
 * below)" is left out; after a word, the pointer becomes the heading of
 * the page's first later section whose heading holds that word's stem
 * ("the organisations (“Organisations that help”)"), or is left out. The
 * search reads guide_section_text(). NULL for no such section, as there. */
const char *guide_section_shown(const struct guide *g, size_t sec);
/* Whether the section's text is borrowed: an empty parent's, its first
 * sub-section's (1), or its own (0). */
int guide_section_borrowed(const struct guide *g, size_t sec);
/* Whether the section is one term of a glossary ("- **Term**:
 * definition", one section per term): 1, else 0. */
int guide_section_term(const struct guide *g, size_t sec);
/* Keywords that apply to this section ("" if none). */
const char *guide_section_keywords(const struct guide *g, size_t sec);
/* The section's asks, one question a line, or "" (see above: never shown
 * in chat). */
const char *guide_section_asks(const struct guide *g, size_t sec);
/* Was the section written for this desk: does it, or its page, carry
 * asks? (replies/ pages do; pages written for the web, like the DFAK's,
 * do not.) The one test of it: the search's lone-step case and the
 * phone-screen cut read it. */
int guide_section_for_desk(const struct guide *g, size_t sec);
/* Heading level 1..6 (pseudo-headings count one below their parent). */
int guide_section_level(const struct guide *g, size_t sec);

/* No such section. */
#define GUIDE_NONE	((size_t)-1)
/* Section sec as a reader of lang finds it: sec when its page is in lang;
 * else the section at the same place of its page's translation (a page in
 * lang with the same file name but for its language suffix or folder,
 * guide_page_stem(), and the same outline: as many sections, each at the
 * same level, each empty or borrowing where the other is); else
 * GUIDE_NONE. */
size_t guide_section_in_lang(const struct guide *g, size_t sec,
    const char *lang);

/* How many bytes of s (a section's text, from where the reader is) to show
 * in at most chars characters: all of s if it fits, else up to the last
 * line or sentence end that fits (an abbreviation's, a number's or a
 * numbered item's '.' is none: "e.g.", "p. ex.", "Dr.", "4.4", "2."), not
 * after a sentence that says "below" when the first line of what follows
 * it is left out (a third of chars at least stays); a "; " only when no
 * line or sentence ends in the last two thirds; else the last space;
 * else as many whole characters as fit. */
size_t guide_excerpt_cut(const char *s, size_t chars);
/* How many bytes of s to show aiming at target characters and never over
 * max: guide_excerpt_cut(s, max), but when s must be cut (it does not
 * fit max), up to the last line end (a paragraph's or a list item's: a
 * guide text's lines are either) within target with a third of target
 * before it, when there is one, and not after a line or sentence that
 * opens what it leaves out (guide_excerpt_lead()): a phone screen, MORE
 * for the rest. */
size_t guide_excerpt_aim(const char *s, size_t target, size_t max);
/* When s's first cut bytes end on a line or sentence that opens what
 * follows (a ':' last: "here are some things you can do:"), where that
 * line or sentence starts, if a third of cut at least stays before it;
 * else cut. The one rule: guide_excerpt_cut() and _aim() apply it to
 * their cuts, bot.c to a section that ends so. */
size_t guide_excerpt_lead(const char *s, size_t cut);

#endif
