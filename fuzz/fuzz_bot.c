/*
 * fuzz_bot: a conversation -> bot.c (and escalate.c behind it), with the
 * guide and phrases of replies/ and three small pages of our own.
 *
 * An input is lines. A line is what the current peer writes (normalised by
 * chat_text_in(), as the daemon does, then bot_text()), unless it starts
 * with "!!":
 *   !!p   next peer: alice, bob (people), helper (pinned, on duty)
 *   !!s   the peer's session became secure    !!e   it ended
 *   !!t   a minute passes                     !!T   four hours pass
 *   !!mN  SMP result N (0-4)                  !!oN  presence N (0-2)
 *   !!lXX LANG XX for the peer
 * Each input is a new bot and a new, empty case store.
 *
 * Checked, beyond crashes and leaks: every message is chat-safe (chat.h:
 * no "<", ">", tab, "?OTR" in any case, entity, control character but
 * newline, invalid UTF-8) and not empty;
 * every message goes to one of the three peers; text for a helper
 * (BOT_SAY_HELPER) only goes to the helper; a person's line (16 bytes or
 * more) reaches the helper only after that person wrote a line whose
 * first word is one of the bot's yes words (bot.h's consent invariant,
 * loosely).
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
#include "otr.h"
#include "phrases.h"
#include "search.h"
#include "store.h"
#include "util.h"

#ifndef FUZZ_REPLIES_DIR
#define FUZZ_REPLIES_DIR "replies"
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
static struct guide		*guide;
static struct search		*search;
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
	if ((duty = duty_new(&cfg)) == NULL)
		abort();
	return 0;
}

static void
check_actions(struct bot_actions *a)
{
	size_t i, k;

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
	for (line = text; line != NULL; line = nl) {
		const char *peer = peers[cur];

		if ((nl = strchr(line, '\n')) != NULL)
			*nl++ = '\0';
		now += 2;
		if (strncmp(line, "!!", 2) != 0) {
			/* What the daemon hands to the bot: normalised. */
			char *in = chat_text_in(line, cfg.limits.max_text);

			said_add(cur, in);
			bot_text(b, peer, in, &facts[cur], now, &acts);
			free(in);
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
		}
		check_actions(&acts);
		bot_tick(b, now, &acts);
		check_actions(&acts);
	}
	free(text);
	said_clear();
	bot_actions_release(&acts);
	bot_free(b);
	escalate_free(esc);
	return 0;
}
