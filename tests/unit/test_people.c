/*
 * test_people: the bot's conversation table (bot.c, issue 13) at helpdesk
 * scale. With 5,000 people it finds a person, takes a newcomer and runs the
 * idle tick for a constant number of rows looked at (bot_stats' steps, the
 * table's own count: no timing), and when full a newcomer takes the place
 * of the least recently active person instead of being refused, never the
 * place of one whose conversation is kept (bot_env.kept; consent and cases:
 * tests/transcripts/sessions.txt).
 */
#include "ac-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bot.h"
#include "config.h"
#include "guide.h"
#include "lang.h"
#include "phrases.h"
#include "search.h"
#include "tap.h"
#include "util.h"

#define NPEOPLE		5000
#define T0		1000000

static struct config cfg;
static struct phrases *p;
static struct guide *g;
static struct search *s;

/* Kept by the "daemon": JIDs starting with "kept". */
static int
env_kept(void *ud, const char *bare)
{
	(void)ud;
	return strncmp(bare, "kept", 4) == 0;
}

static const struct bot_env env = { NULL, NULL, NULL, NULL, env_kept };

static void
jid_of(char *out, size_t size, const char *who, int i)
{
	(void)util_snprintf(out, size, "%s%d@example.org", who, i);
}

/* peer writes text at now; returns the first reply (static copy) or "". */
static const char *
say(struct bot *b, const char *peer, const char *text, time_t now)
{
	static char first[256];
	struct bot_facts f;
	struct bot_actions a;

	memset(&f, 0, sizeof(f));
	f.encrypted = 1;
	bot_actions_init(&a);
	bot_text(b, peer, text, &f, now, &a);
	first[0] = '\0';
	if (a.n > 0 && a.v[0].text != NULL)
		util_strlcpy(first, a.v[0].text, sizeof(first));
	bot_actions_release(&a);
	return first;
}

static size_t
steps(struct bot *b)
{
	struct bot_stats st;

	bot_stats(b, &st);
	return st.steps;
}

/* 5,000 people: constant work per lookup, per newcomer and per tick. */
static void
test_constant_work(void)
{
	struct bot *b;
	struct bot_stats st;
	struct bot_actions a;
	char jid[64];
	size_t before, worst = 0;

	cfg.limits.max_sessions = NPEOPLE;
	b = bot_new(&cfg, g, s, p, NULL, &env);
	for (int i = 0; i < NPEOPLE; i++) {
		jid_of(jid, sizeof(jid), "p", i);
		before = steps(b);
		(void)say(b, jid, "aide", T0 + i / 10);
		if (steps(b) - before > worst)
			worst = steps(b) - before;
	}
	bot_stats(b, &st);
	CHECK_INT(NPEOPLE, st.people, "5,000 conversations held");
	printf("# 5,000 newcomers: %zu rows looked at in all, %zu at most "
	    "for one\n", st.steps, worst);
	CHECK(worst <= 8, "a newcomer looks at 8 rows at most, "
	    "whatever the number held");

	/* The first one, the middle one, the last one, in other case. */
	worst = 0;
	for (int i = 0; i < NPEOPLE; i += NPEOPLE / 2 - 1) {
		jid_of(jid, sizeof(jid), "P", i);
		before = steps(b);
		(void)say(b, jid, "aide", T0 + 600);
		if (steps(b) - before > worst)
			worst = steps(b) - before;
	}
	bot_stats(b, &st);
	CHECK_INT(NPEOPLE, st.people, "found again, whatever the case");
	printf("# finding one of 5,000: %zu rows at most\n", worst);
	CHECK(worst <= 8, "finding one of 5,000 looks at 8 rows at most");

	/* The once-a-second tick with nobody idle long enough. */
	bot_actions_init(&a);
	before = steps(b);
	bot_tick(b, T0 + 600, &a);
	printf("# a tick, nobody expiring: %zu rows\n", steps(b) - before);
	CHECK(steps(b) - before <= 2, "the tick looks at 2 rows at most "
	    "when nobody expires");
	/* Idle: the first tenth expires, the tick looks at those. */
	before = steps(b);
	bot_tick(b, T0 + 3600 + NPEOPLE / 100, &a);
	bot_stats(b, &st);
	printf("# a tick expiring %zu: %zu rows\n", NPEOPLE - st.people,
	    steps(b) - before);
	CHECK(st.people < NPEOPLE && st.people > NPEOPLE * 8 / 10,
	    "the oldest expire, not the others");
	CHECK(steps(b) - before <= NPEOPLE - st.people + 2,
	    "the tick looks at the expired rows and one more");
	bot_actions_release(&a);
	bot_free(b);
}

/* Full: the least recently active makes room; kept ones never do. */
static void
test_eviction(void)
{
	struct bot *b;
	struct bot_stats st;
	char jid[64];
	const char *busy = phrases_get(p, "en", "busy");
	int refused = 0;

	cfg.limits.max_sessions = 10;
	b = bot_new(&cfg, g, s, p, NULL, &env);
	/* Three kept people, then seven others who chose French. */
	for (int i = 0; i < 3; i++) {
		jid_of(jid, sizeof(jid), "kept", i);
		(void)say(b, jid, "francais", T0);
	}
	for (int i = 0; i < 7; i++) {
		jid_of(jid, sizeof(jid), "p", i);
		(void)say(b, jid, "francais", T0 + 1 + i);
	}
	/* 100 newcomers. */
	for (int i = 0; i < 100; i++) {
		jid_of(jid, sizeof(jid), "new", i);
		if (strcmp(say(b, jid, "help", T0 + 10 + i), busy) == 0)
			refused++;
	}
	CHECK_INT(0, refused, "no newcomer is refused while one place is "
	    "not kept");
	bot_stats(b, &st);
	CHECK_INT(10, st.people, "the table stays at max_sessions");
	CHECK_INT(100, st.evicted, "each newcomer took one place");
	/* The kept ones still read French; p0 (evicted) is back in
	 * English. */
	jid_of(jid, sizeof(jid), "kept", 0);
	CHECK(strncmp(say(b, jid, "help", T0 + 200), "Posez", 5) == 0,
	    "a kept person's conversation (French) stayed");
	jid_of(jid, sizeof(jid), "p", 0);
	CHECK(strncmp(say(b, jid, "help", T0 + 201), "Ask", 3) == 0,
	    "an evicted person starts again (English)");
	bot_free(b);

	/* Every place kept: the newcomer is told to come back. */
	cfg.limits.max_sessions = 2;
	b = bot_new(&cfg, g, s, p, NULL, &env);
	(void)say(b, "kept1@example.org", "help", T0);
	(void)say(b, "kept2@example.org", "help", T0);
	CHECK_STR(busy, say(b, "stranger@example.org", "help", T0 + 1),
	    "all places kept: come back later");
	bot_free(b);
}

int
main(void)
{
	const char *top = getenv("TOP_SRCDIR");
	char dir[4096];

	if (top == NULL)
		top = ".";
	/* The languages' words (commands, "francais"): src/lang.c. */
	if (lang_load_dir(SRCDATADIR) == -1)
		return 1;
	config_init(&cfg);
	p = phrases_new();
	(void)util_snprintf(dir, sizeof(dir), "%s/replies", top);
	if (phrases_load_dir(p, dir) <= 0) {
		printf("Bail out! no phrases in %s\n", dir);
		return 1;
	}
	g = guide_new();
	s = search_new(g);
	test_constant_work();
	test_eviction();
	search_free(s);
	guide_free(g);
	phrases_free(p);
	config_release(&cfg);
	return TAP_DONE();
}
