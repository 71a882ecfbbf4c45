/*
 * fuzz_bot: a conversation -> bot.c (and escalate.c behind it), with the
 * guide and phrases of replies/ and three small pages of our own; "!!g"
 * swaps the guide for tests/fixtures/notasks/ and back, as a reload
 * (SIGHUP) would: pages in the DFAK's layout, no asks, where a question
 * can get "this page, which part?" (search.h: SEARCH_PAGE).
 *
 * An input is lines. A line is what the current peer writes (normalised by
 * chat_text_in(), as the daemon does, then bot_text()), unless it starts
 * with "!!":
 *   !!p   next peer: alice, bob (people), helper (pinned, on duty)
 *   !!s   the peer's session became secure    !!e   it ended
 *   !!t   a minute passes                     !!T   four hours pass
 *   !!mN  SMP result N (0-4)                  !!oN  presence N (0-2)
 *   !!lXX LANG XX for the peer               !!g   the other guide
 * Each input is a new bot and a new, empty case store.
 *
 * Checked, beyond crashes and leaks: every message is chat-safe (chat.h:
 * no "<", ">", tab, "?OTR" in any case, entity, control character but
 * newline, invalid UTF-8) and not empty;
 * every message goes to one of the three peers; text for a helper
 * (BOT_SAY_HELPER) only goes to the helper; a person's line (16 bytes or
 * more) reaches the helper only after that person wrote a line whose
 * first word is one of the bot's yes words (bot.h's consent invariant,
 * loosely). A numbered list (a page's parts, choices, topics) is
 * numbered 1, 2, ... without a gap, each entry once when the guide holds
 * no two alike; and when the next line of that person is a number, the
 * bot reads the entry it names (its reply's first line names it) or, out
 * of the list, says the list's last number, never a section.
 */
#include "ac-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bot.h"
#include "chat.h"
#include "config.h"
#include "duty.h"
#include "escalate.h"
#include "fuzz.h"
#include "guide.h"
#include "lang.h"
#include "lexicon.h"
#include "otr.h"
#include "phrases.h"
#include "search.h"
#include "store.h"
#include "util.h"

#ifndef FUZZ_REPLIES_DIR
#define FUZZ_REPLIES_DIR "replies"
#endif
#ifndef FUZZ_NOTASKS_DIR
#define FUZZ_NOTASKS_DIR "tests/fixtures/notasks"
#endif

#define HELPER	"helper@example.org"
#define FP_HEX	"0123456789ABCDEF0123456789ABCDEF01234567"
#define FP_HUM	"01234567 89ABCDEF 01234567 89ABCDEF 01234567"
#define OUR_FP	"11111111 22222222 33333333 44444444 55555555"

static const char *const peers[] = {
	"alice@example.org", "bob@example.net", HELPER
};

static const struct {
	const char	*name;
	const char	*text;
} pages[] = {
	{ "phone.en.md",
	  "---\ntitle: Lost phone\nlanguage: en\nkeywords: [stolen, lost]\n"
	  "---\n\n# Lost phone\n\nIf your phone was **stolen**, change your "
	  "passwords.\n\n## Lock it remotely\n\n- Use the maker's service\n"
	  "- Call your carrier\n\nSee [the guide](https://example.org/x).\n" },
	{ "phone.fr.md",
	  "---\ntitle: Téléphone perdu\n---\n\n# Téléphone perdu\n\nSi "
	  "l'on vous a volé votre téléphone, changez vos mots de passe.\n\n"
	  "## Le verrouiller à distance\n\n1. Le service du fabricant\n"
	  "2. Votre opérateur\n" },
	{ "account.es.md",
	  "---\ntitle: Cuenta hackeada\n---\n\nAlguien entró en mi cuenta\n\n"
	  "Cambie la contraseña y active la verificación en dos pasos.\n\n"
	  "<!-- keywords: contraseña, correo -->\n" },
};

static struct config		 cfg;
static struct config_helper	 helper;
static unsigned char		 pin[1][CONFIG_FP_LEN];
static struct config_shift	 shift;
static struct guide		*guide, *notasks;
static struct search		*search, *notasks_s;
static struct lexicon		*lexicon;
/* Per guide (0 replies/, 1 notasks/): no two pages share a title and no
 * page has two sections headed alike, nor one headed like the page's own
 * text ("Introduction"): then a list's entries are all different. */
static int			 distinct[2];
static struct phrases		*phrases;
static struct duty		*duty;
static struct store		*store;

static int
env_reach(void *ud, const char *bare)
{
	(void)ud;
	(void)bare;
	return ESC_SECURE;
}

static int
env_fingerprint(void *ud, const char *bare, char *out)
{
	(void)ud;
	(void)bare;
	util_strlcpy(out, FP_HEX, 41);
	return 0;
}

static const struct bot_env env = { NULL, env_reach, env_fingerprint,
    NULL, NULL };

/* What everybody wrote this input, for the consent check. */
#define MAX_SAID	256
static struct {
	char	*text;
	size_t	 peer;
} said[MAX_SAID];
static size_t	nsaid;
static int	said_yes[ARRAY_LEN(peers)];

/* 1 if the first word of text (folded) is one of the bot's yes words. */
static int
yes_like(const char *text)
{
	char *f = lang_fold(text);
	size_t n = strcspn(f, " ");
	int yes;

	yes = lang_match("cmd.yes", f, n, NULL) ||
	    lang_match("cmd.yes_short", f, n, NULL);
	free(f);
	return yes;
}

static void
said_add(size_t peer, const char *text)
{
	if (strlen(text) >= 16 && nsaid < MAX_SAID) {
		said[nsaid].text = xstrdup(text);
		said[nsaid++].peer = peer;
	}
	if (yes_like(text))
		said_yes[peer] = 1;
}

/* DESIGN invariant 3 (bot.h), as far as a fuzzer can tell: a person's
 * words reach the helper only after that person said something like yes. */
static void
check_consent(const struct bot_action *act)
{
	size_t i;

	if (strcmp(act->peer, HELPER) != 0 || act->text == NULL)
		return;
	for (i = 0; i < nsaid; i++) {
		size_t k;

		if (said_yes[said[i].peer] || strcmp(peers[said[i].peer],
		    HELPER) == 0 || strstr(act->text, said[i].text) == NULL)
			continue;
		/* Not a leak if someone allowed to send these words wrote
		 * them too: the helper, or a person who said yes. */
		for (k = 0; k < nsaid; k++)
			if ((strcmp(peers[said[k].peer], HELPER) == 0 ||
			    said_yes[said[k].peer]) &&
			    strstr(said[k].text, said[i].text) != NULL)
				break;
		if (k == nsaid)
			fuzz_fail("a person's words went to the helper before "
			    "any yes", said[i].text);
	}
}

static void
said_clear(void)
{
	size_t i;

	for (i = 0; i < nsaid; i++)
		free(said[i].text);
	nsaid = 0;
	memset(said_yes, 0, sizeof(said_yes));
}
static const struct esc_env esc_env = { NULL, env_reach, env_fingerprint,
    NULL };

/* The guide in use this input: 0 replies/ and our pages, 1 notasks/. */
static int	alt;

/* The name of a page's own text in a list or a source line
 * ("Introduction"), in each language of the phrases. */
static const char *const intro_langs[] = { "en", "fr", "es", "de" };
static char	*intro[ARRAY_LEN(intro_langs)];

/* Is e one of the intro names? */
static int
is_intro(const char *e)
{
	size_t j;

	for (j = 0; j < ARRAY_LEN(intro); j++)
		if (intro[j] != NULL && strcmp(e, intro[j]) == 0)
			return 1;
	return 0;
}

/* Cuts an intro name off the end of e ("Title › Introduction"); 1 if
 * there was one. */
static int
cut_intro(char *e)
{
	size_t j, n = strlen(e), k;

	for (j = 0; j < ARRAY_LEN(intro); j++) {
		if (intro[j] == NULL || (k = strlen(intro[j])) > n ||
		    strcmp(e + n - k, intro[j]) != 0)
			continue;
		e[n - k] = '\0';
		return 1;
	}
	return 0;
}

/* Do the first n bytes of s hold one of them? */
static int
holds_intro(const char *s, size_t n)
{
	size_t j;

	for (j = 0; j < ARRAY_LEN(intro); j++)
		if (intro[j] != NULL &&
		    memmem(s, n, intro[j], strlen(intro[j])) != NULL)
			return 1;
	return 0;
}

/* A heading as a list shows it: no colon, space or no-break space at its
 * end (bot.c: add_heading()). New string. */
static char *
heading_shown(const char *h)
{
	size_t n = strlen(h);

	for (;;) {
		if (n > 0 && (h[n - 1] == ':' || h[n - 1] == ' '))
			n--;
		else if (n >= 2 && (unsigned char)h[n - 1] == 0xa0 &&
		    (unsigned char)h[n - 2] == 0xc2)
			n -= 2;
		else
			break;
	}
	return fuzz_strndup((const uint8_t *)h, n);
}

/* distinct[] for g (see there). */
static int
guide_distinct(const struct guide *g)
{
	size_t p, q, i, j, first, n;

	for (p = 0; p < guide_npages(g); p++) {
		for (q = 0; q < p; q++)
			if (strcmp(guide_page_title(g, p),
			    guide_page_title(g, q)) == 0)
				return 0;
		first = guide_page_first_section(g, p);
		n = guide_page_nsections(g, p);
		for (i = 0; i < n; i++) {
			const char *hi = guide_section_heading(g, first + i);
			char *si;
			int same = 0;

			if (hi == NULL)
				continue;
			si = heading_shown(hi);
			same = is_intro(si);
			for (j = 0; !same && j < i; j++) {
				const char *hj = guide_section_heading(g,
				    first + j);
				char *sj;

				if (hj == NULL)
					continue;
				sj = heading_shown(hj);
				same = strcmp(si, sj) == 0;
				free(sj);
			}
			free(si);
			if (same)
				return 0;
		}
	}
	return 1;
}

/*
 * The last numbered list a person was shown, while nothing else was said
 * to them and nothing happened since but other people's lines, a change
 * of peer or LANG (then the bot's listing is the one they see).
 */
#define LIST_MAX	60	/* bot.c's BOT_LISTING */
static struct {
	int	 on;
	int	 relang;	/* LANG since it was shown */
	size_t	 peer;
	size_t	 n;
	char	*entry[LIST_MAX];
} shown;

static void
shown_clear(void)
{
	size_t i;

	for (i = 0; i < shown.n; i++)
		free(shown.entry[i]);
	shown.n = 0;
	shown.on = 0;
	shown.relang = 0;
}

/* Is s a numbered list (a first line that is not a reading's "Title ›
 * Heading", then lines "N) entry", maybe indented)? Then its numbers run
 * from 1 without a gap, its entries differ (distinct[]), and it becomes
 * shown for peer. */
static void
list_parse(const char *s, size_t peer)
{
	const char *line = strchr(s, '\n'), *nl, *p;
	size_t i, k;

	shown_clear();
	if (line == NULL || memmem(s, (size_t)(line - s), "\xe2\x80\xba",
	    3) != NULL)
		return;
	for (line++; *line != '\0'; line = nl != NULL ? nl + 1 : "") {
		char *end;
		unsigned long v;

		nl = strchr(line, '\n');
		for (p = line; *p == ' '; p++)
			;
		if (*p < '0' || *p > '9')
			break;
		v = strtoul(p, &end, 10);
		if (strncmp(end, ") ", 2) != 0)
			break;
		if (v != shown.n + 1)
			fuzz_fail("a numbered list with a gap", s);
		if (shown.n == LIST_MAX)
			fuzz_fail("a list longer than a listing", s);
		end += 2;
		shown.entry[shown.n++] = fuzz_strndup((const uint8_t *)end,
		    nl != NULL ? (size_t)(nl - end) : strlen(end));
	}
	for (i = 0; distinct[alt] && i < shown.n; i++)
		for (k = 0; k < i; k++)
			if (strcmp(shown.entry[i], shown.entry[k]) == 0)
				fuzz_fail("an entry listed twice", s);
	shown.on = shown.n > 0;
	shown.peer = peer;
}

/* Does s hold a number v or larger, not as part of a longer one? */
static int
has_number_from(const char *s, size_t v)
{
	const char *p;

	for (p = s; *p != '\0'; p++) {
		char *end;
		unsigned long x;

		if (*p < '0' || *p > '9' || (p > s && p[-1] >= '0' &&
		    p[-1] <= '9'))
			continue;
		x = strtoul(p, &end, 10);
		if (x >= v)
			return 1;
		p = end - 1;
	}
	return 0;
}

/* 1 if the first n bytes of r name a page with the same file stem as
 * page p of g: its translation. */
static int
names_stem_of(const struct guide *g, size_t p, const char *r, size_t n)
{
	size_t np, nq;
	const char *sp = guide_page_stem(g, p, &np), *sq, *tq;

	for (size_t q = 0; q < guide_npages(g); q++) {
		sq = guide_page_stem(g, q, &nq);
		tq = guide_page_title(g, q);
		if (nq == np && memcmp(sp, sq, np) == 0 &&
		    memmem(r, n, tq, strlen(tq)) != NULL)
			return 1;
	}
	return 0;
}

/* 1 if the first n bytes of r name the translation of a page entry e
 * may name ("Title › Heading", a title, or a heading of a page's list):
 * what a number reads after LANG (bot.c reader_section()). */
static int
names_translation(const char *e, const char *r, size_t n)
{
	const struct guide *g = alt ? notasks : guide;
	const char *sep = strstr(e, " \xe2\x80\xba "), *h;
	size_t et = sep != NULL ? (size_t)(sep - e) : strlen(e);

	for (size_t p = 0; p < guide_npages(g); p++) {
		const char *tp = guide_page_title(g, p);

		if (strlen(tp) == et && memcmp(tp, e, et) == 0 &&
		    names_stem_of(g, p, r, n))
			return 1;
	}
	for (size_t sec = 0; sep == NULL && sec < guide_nsections(g); sec++)
		if ((h = guide_section_heading(g, sec)) != NULL &&
		    strncmp(h, e, strlen(e)) == 0 &&
		    names_stem_of(g, guide_section_page(g, sec), r, n))
			return 1;
	return 0;
}

/* The reply r to number num typed right after the shown list: the entry
 * it names, read (its name on the reply's first line: "Title › Heading"
 * or the page's title); or, out of the list, its last number, and no
 * section. */
static void
check_number(long num, const char *r)
{
	size_t first = strcspn(r, "\n");
	char *e;
	size_t n;

	if (num < 1 || (size_t)num > shown.n) {
		/* A paged list (TOPICS: MORE numbers on) may accept more
		 * than its first screen shows: the reply names the last
		 * number it accepts, at least the shown one. */
		if (memmem(r, first, "\xe2\x80\xba", 3) != NULL ||
		    !has_number_from(r, shown.n))
			fuzz_fail("a number out of the list: no clear reply", r);
		return;
	}
	e = xstrdup(shown.entry[num - 1]);
	n = strlen(e);
	/* TOPICS in no language of the person's: "Title [xx]". */
	if (n > 5 && e[n - 1] == ']' && e[n - 5] == ' ' && e[n - 4] == '[')
		e[n - 5] = '\0';
	/* TOPICS of a page the guide has in another language only:
	 * "Title (in English)" (bot.c topic_stranger()). */
	else if (n > 2 && e[n - 1] == ')' && memmem(r, first, e, n) == NULL) {
		char *open = NULL;

		for (char *p = e; (p = strstr(p, " (")) != NULL; p++)
			open = p;
		if (open != NULL)
			*open = '\0';
	}
	/* The page's own text is named in the person's language, which
	 * LANG may have changed since the list. */
	if (cut_intro(e) && !holds_intro(r, first))
		fuzz_fail("an introduction read as another entry", r);
	if (memmem(r, first, e, strlen(e)) == NULL &&
	    !(shown.relang && names_translation(e, r, first))) {
		fprintf(stderr, "fuzz_bot: entry %ld was \"%s\"\n", num, e);
		fuzz_fail("a number read another entry than the list's", r);
	}
	free(e);
}

/* A number of at most 4 digits, as bot.c reads one, or -1. */
static long
number_of(const char *s)
{
	size_t n = strspn(s, "0123456789");

	if (n == 0 || n > 4 || s[n] != '\0')
		return -1;
	return strtol(s, NULL, 10);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *dir = fuzz_setup(), *replies = getenv("FUZZ_REPLIES");
	size_t i;

	(void)argc;
	(void)argv;
	config_init(&cfg);
	cfg.account.jid = xstrdup("bot@example.test");
	cfg.state_dir = xstrdup(dir);
	cfg.otr.smp_question = xstrdup("Our word?");
	cfg.otr.smp_secret = xstrdup("s3cret");
	helper.jid = xstrdup(HELPER);
	helper.name = xstrdup("Helper");
	helper.languages = xcalloc(2, sizeof(char *));
	helper.languages[0] = xstrdup("fr");
	helper.languages[1] = xstrdup("en");
	helper.nlanguages = 2;
	memset(pin, 0x01, sizeof(pin));
	helper.fingerprints = pin;
	helper.nfingerprints = 1;
	cfg.helpers = &helper;
	cfg.nhelpers = 1;
	shift.helper = helper.jid;
	shift.days = 0x7f;
	shift.from_min = 0;
	shift.to_min = 0;	/* from midnight to midnight: always */
	cfg.duty.shifts = &shift;
	cfg.duty.nshifts = 1;

	guide = guide_new();
	if (guide_load_dir(guide, replies ? replies : FUZZ_REPLIES_DIR, "en")
	    <= 0) {
		fprintf(stderr, "fuzz_bot: no pages in %s (set FUZZ_REPLIES)\n",
		    replies ? replies : FUZZ_REPLIES_DIR);
		abort();
	}
	for (i = 0; i < ARRAY_LEN(pages); i++)
		if (guide_load_buffer(guide, pages[i].name, pages[i].text,
		    strlen(pages[i].text), "en") == -1)
			abort();
	search = search_new(guide);
	phrases = phrases_new();
	if (phrases_load_dir(phrases, replies ? replies : FUZZ_REPLIES_DIR)
	    <= 0) {
		fprintf(stderr, "fuzz_bot: no phrases in %s (set FUZZ_REPLIES)\n",
		    replies ? replies : FUZZ_REPLIES_DIR);
		abort();
	}
	/* The other guide, searched as the daemon would (with the data
	 * dir's lexicon, whatever the guide). */
	notasks = guide_new();
	if (guide_load_dir(notasks, getenv("FUZZ_NOTASKS") != NULL ?
	    getenv("FUZZ_NOTASKS") : FUZZ_NOTASKS_DIR, "en") <= 0) {
		fprintf(stderr, "fuzz_bot: no pages in %s (set FUZZ_NOTASKS)\n",
		    FUZZ_NOTASKS_DIR);
		abort();
	}
	lexicon = lexicon_new();
	(void)lexicon_load_dir(lexicon, replies ? replies : FUZZ_REPLIES_DIR);
	notasks_s = search_new_lex(notasks, lexicon);
	for (i = 0; i < ARRAY_LEN(intro); i++)
		intro[i] = phrases_render(phrases, intro_langs[i],
		    "source_intro", NULL);
	distinct[0] = guide_distinct(guide);
	distinct[1] = guide_distinct(notasks);
	if (getenv("FUZZ_BOT_TRACE") != NULL)
		fprintf(stderr, "fuzz_bot: entries distinct: %d %d\n",
		    distinct[0], distinct[1]);
	if ((duty = duty_new(&cfg)) == NULL)
		abort();
	return 0;
}

/*
 * The checks on what the bot did. cur: whose event it was; num: the
 * number that person typed right after a list (-1: none); lists: the
 * event was that person's line, so a list in its reply is on screen now
 * (else anything said to them takes the list off).
 */
static void
check_actions(struct bot_actions *a, size_t cur, long num, int lists)
{
	size_t i, k;
	int answered = 0;

	for (i = 0; i < a->n; i++) {
		const struct bot_action *act = &a->v[i];
		const char *s = act->text;

		if (getenv("FUZZ_BOT_TRACE") != NULL)
			fprintf(stderr, "fuzz_bot: %d %s: %s\n", (int)act->type,
			    act->peer, s ? s : "");

		for (k = 0; k < ARRAY_LEN(peers); k++)
			if (strcmp(act->peer, peers[k]) == 0)
				break;
		if (k == ARRAY_LEN(peers))
			fuzz_fail("an action for an unknown peer", act->peer);
		if (act->type == BOT_SAY_HELPER && strcmp(act->peer, HELPER) != 0)
			fuzz_fail("helper text to a person", act->peer);
		if (act->type != BOT_SAY && act->type != BOT_SAY_HELPER)
			continue;
		check_consent(act);
		if (s == NULL || *s == '\0')
			fuzz_fail("an empty message", act->peer);
		fuzz_check_chat("a message", s);
	}
	for (i = 0; i < a->n; i++) {
		const struct bot_action *act = &a->v[i];
		int to_cur = strcmp(act->peer, peers[cur]) == 0;

		if (act->type != BOT_SAY)
			continue;
		if (to_cur && num >= 0 && !answered)
			check_number(num, act->text);
		answered |= to_cur;
		if (to_cur && lists && strcmp(peers[cur], HELPER) != 0)
			list_parse(act->text, cur);
		else if (shown.on && strcmp(act->peer, peers[shown.peer]) == 0)
			shown_clear();
	}
	if (num >= 0 && !answered)
		fuzz_fail("no reply to a number", peers[cur]);
	bot_actions_clear(a);
}

/* 1 if the store holds anything: a case, a waiting message, a helper's
 * setting. */
static int
store_dirty(void)
{
	struct store_helper h;
	struct store_msg *v;
	size_t n, i;
	int dirty = store_case_count(store) != 0;

	for (i = 0; !dirty && i < ARRAY_LEN(peers); i++) {
		if (store_outbox_list(store, peers[i], &v, &n) == -1)
			return 1;
		store_msgs_free(v, n);
		dirty = n > 0;
	}
	if (!dirty) {
		if (store_helper_get(store, HELPER, &h) == -1)
			return 1;
		dirty = h.duty != STORE_DUTY_ROTA || h.blocked;
		store_helper_release(&h);
	}
	return dirty;
}

/* An empty case store for each input (a new one when the last input left
 * anything; opening one costs more than most inputs): case numbers and
 * queues do not depend on what ran before, so a crash input replays
 * alone. */
static void
store_fresh(void)
{
	static const char *const suffixes[] = { "", "-wal", "-shm", "-journal" };
	struct buf b;
	size_t i;

	if (store != NULL && !store_dirty())
		return;
	buf_init(&b);
	buf_addf(&b, "%s/store", fuzz_setup());
	if (store != NULL) {
		char *db = xstrdup(store_path(store));

		store_close(store);
		for (i = 0; i < ARRAY_LEN(suffixes); i++) {
			struct buf f;

			buf_init(&f);
			buf_addf(&f, "%s%s", db, suffixes[i]);
			(void)unlink(f.s);
			buf_release(&f);
		}
		free(db);
	}
	if ((store = store_open(b.s)) == NULL)
		abort();
	buf_release(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bot_facts facts[ARRAY_LEN(peers)];
	struct bot_actions acts;
	struct escalate *esc;
	struct bot *b;
	char *text, *line, *nl;
	size_t cur = 0, i;
	time_t now = 1709546400;	/* a Monday, 10:00 UTC */

	store_fresh();
	if ((esc = escalate_new(&cfg, store, duty, &esc_env)) == NULL)
		abort();
	b = bot_new(&cfg, guide, search, phrases, esc, &env);
	bot_actions_init(&acts);
	for (i = 0; i < ARRAY_LEN(peers); i++) {
		memset(&facts[i], 0, sizeof(facts[i]));
		facts[i].encrypted = 1;
		facts[i].pinned = strcmp(peers[i], HELPER) == 0;
		facts[i].verified = facts[i].pinned;
		facts[i].their_fp = FP_HUM;
		facts[i].our_fp = OUR_FP;
	}
	text = fuzz_strndup(data, size);
	alt = 0;
	shown_clear();
	for (line = text; line != NULL; line = nl) {
		const char *peer = peers[cur];
		long num = -1;
		int said_line = 0;

		if ((nl = strchr(line, '\n')) != NULL)
			*nl++ = '\0';
		now += 2;
		if (strncmp(line, "!!", 2) != 0) {
			/* What the daemon hands to the bot: normalised. */
			char *in = chat_text_in(line, cfg.limits.max_text);

			/* A number right after a list (no case open: a relay
			 * may take the person's words). */
			if (shown.on && shown.peer == cur &&
			    store_case_count(store) == 0)
				num = number_of(in);
			said_add(cur, in);
			bot_text(b, peer, in, &facts[cur], now, &acts);
			free(in);
			said_line = 1;
		} else if (line[2] == 'g') {
			alt = !alt;
			bot_reload(b, alt ? notasks : guide, alt ? notasks_s :
			    search, phrases, esc);
		} else if (line[2] == 'p') {
			cur = (cur + 1) % ARRAY_LEN(peers);
		} else if (line[2] == 's') {
			bot_secure(b, peer, &facts[cur], line[3] == 'u',
			    line[3] == 'p', now, &acts);
		} else if (line[2] == 'e') {
			bot_ended(b, peer, now, &acts);
		} else if (line[2] == 't' || line[2] == 'T') {
			now += line[2] == 't' ? 60 : 4 * 3600;
		} else if (line[2] == 'm' && line[3] >= '0') {
			bot_smp(b, peer, (enum bot_smp_result)((line[3] - '0') %
			    5), &facts[cur], now, &acts);
		} else if (line[2] == 'o' && line[3] >= '0') {
			bot_presence(b, peer, (line[3] - '0') % 3, now, &acts);
		} else if (line[2] == 'l') {
			bot_set_lang(b, peer, line + 3);
			shown.relang = shown.on;
		}
		/* Another peer's turn, or LANG, leaves the list on screen. */
		if (!said_line && line[2] != 'p' && line[2] != 'l')
			shown_clear();
		check_actions(&acts, cur, num, said_line);
		bot_tick(b, now, &acts);
		check_actions(&acts, cur, -1, 0);
	}
	shown_clear();
	free(text);
	said_clear();
	bot_actions_release(&acts);
	bot_free(b);
	escalate_free(esc);
	return 0;
}
