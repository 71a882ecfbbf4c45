/*
 * fuzz_otr: the receive path of otr.c on arbitrary bodies, and otr.h's
 * invariants, without a network.
 *
 * Two otr instances live in this process, as in tests/unit/test_otr.c: the
 * bot (bot@example.test) and alice, who has an encrypted session with it
 * (re-established whenever an input broke it). What one injects is handed
 * to the other's otr_receive(); what the bot injects to anybody else is
 * only audited.
 *
 * An input is a control byte, then bodies separated by 0x01 (a byte no
 * XMPP body can hold). Control byte:
 *   bits 0-2  sender: 0 eve, 1 alice, 2 eve in capitals, 3 the bot's own
 *             account, 4 no '@', 5 a control character, 6 bare eve,
 *             7 mallory
 *   bit 3     alice (sender 1) encrypts each body with otr_send() instead
 *             of sending it raw: the bot must get exactly what she wrote,
 *             normalised
 *   bit 4     the clock jumps two days before each body (cooldowns,
 *             expiry), else 1 s
 *   bits 5+7  the bot starts SMP with alice first (both bits: SMP costs
 *             half a second, a quarter of the inputs would be too many)
 *   bit 6     the bot also tries otr_send()/otr_send_pinned() of each body
 *             to the sender: only alice's session may carry it
 *
 * Every input (after the control byte, bodies and separators together)
 * also goes through chat_text_in() and chat_text_out(): the first must give
 * valid UTF-8 without control characters (but newline and tab), capped; the
 * second text that chat_is_safe() accepts and that it leaves unchanged.
 *
 * Checked, beyond crashes and leaks: the bot sends in clear only OTR
 * protocol or the refusal notice, at most one notice per bare JID per
 * cooldown, none in answer to an OTR error or an automatic notice; text
 * reaches the text callback only from alice's encrypted session, and is
 * what she sent; bodies from the bot's own account or from malformed JIDs
 * are ignored.
 */
#include "ac-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "chat.h"
#include "config.h"
#include "fuzz.h"
#include "otr.h"
#include "util.h"
#include "clear.h"
#include "wire.h"

#define BOT		"bot@example.test"
#define BOT_FULL	"bot@example.test/secours"
#define ALICE		"alice@example.org"
#define ALICE_FULL	"alice@example.org/phone"
#define REFUSAL		"This help desk only answers in private (encrypted, OTR) " \
			"conversations. Please start one from your chat app, " \
			"then write again."
#define MAX_TEXTS	64
#define MAX_NOTICES	16
#define IDLE		(7 * 86400)	/* alice's session outlives inputs */
#define JUMP		(2 * 86400)

struct node {
	const char	*name;
	const char	*full;
	struct config	 cfg;
	struct otr	*o;
	char		*texts[MAX_TEXTS];	/* received this step */
	char		*from[MAX_TEXTS];
	int		 ntexts;
	int		 nevents;
};

static struct node	 bot = { .name = BOT, .full = BOT_FULL };
static struct node	 alice = { .name = ALICE, .full = ALICE_FULL };
static struct config_helper helper;
static unsigned char	 pin[1][CONFIG_FP_LEN];
static struct wire_msg	 queue[256];
static int		 nqueue;
static time_t		 now = 1700000000;

/* The bot's notices this input, for the cooldown check. */
static struct {
	char	*bare;
	time_t	 at;
} notices[MAX_NOTICES];
static int	 nnotices;
static int	 notice_now;		/* a notice was sent this step */
static int	 clear_now;		/* anything was sent to eve this step */

static const char *const senders[8] = {
	"eve@example.net/r1",
	ALICE_FULL,
	"EVE@Example.NET/r2",
	BOT "/other",
	"no-at-sign.example/x",
	"e\x02ve@example.net/r",
	"eve@example.net",
	"mallory@example.com/m",
};

static time_t
fuzz_clock(void)
{
	return now;
}

static char *
bare_of(const char *jid)
{
	char *s = xstrndup(jid, strcspn(jid, "/"));
	char *p;

	for (p = s; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return s;
}

/* Everything the bot sends in clear must be OTR protocol or the notice;
 * notices at most one per bare per cooldown. */
static void
audit(const char *to, const char *body)
{
	enum clear_kind kind;
	char *bare;
	int i;

	if ((kind = clear_kind(body, REFUSAL)) == CLEAR_OTR)
		return;
	if (kind == CLEAR_LEAK)
		fuzz_fail("the bot sent something in clear", body);
	notice_now = 1;
	bare = bare_of(to);
	for (i = 0; i < nnotices; i++) {
		if (strcmp(notices[i].bare, bare) != 0)
			continue;
		if (now - notices[i].at < bot.cfg.otr.refusal_cooldown)
			fuzz_fail("two refusal notices within the cooldown",
			    bare);
		notices[i].at = now;
		free(bare);
		return;
	}
	if (nnotices < MAX_NOTICES) {
		notices[nnotices].bare = bare;
		notices[nnotices++].at = now;
	} else
		free(bare);
}

static int
cb_inject(void *ud, const char *to, const char *body, int hints)
{
	struct node *n = ud;

	(void)hints;
	if (n == &bot) {
		audit(to, body);
		if (!clear_starts(to, ALICE))
			clear_now = 1;
	}
	return wire_push(queue, &nqueue, (int)ARRAY_LEN(queue), n->full, to,
	    body);
}

static void
cb_text(void *ud, const char *bare, const char *text)
{
	struct node *n = ud;

	if (n->ntexts == MAX_TEXTS)
		fuzz_fail("more texts than bodies", text);
	n->from[n->ntexts] = xstrdup(bare);
	n->texts[n->ntexts++] = xstrdup(text);
}

static void
cb_event(void *ud, const struct otr_event *ev)
{
	struct node *n = ud;

	if (n == &bot && ev->type != OTR_EV_REFUSED &&
	    strcmp(ev->bare, ALICE) != 0)
		fuzz_fail("a session event with somebody who cannot have a "
		    "session", ev->bare);
	n->nevents++;
}

static void
texts_clear(struct node *n)
{
	int i;

	for (i = 0; i < n->ntexts; i++) {
		free(n->texts[i]);
		free(n->from[i]);
	}
	n->ntexts = 0;
}

/* Hands queued bodies to their receivers until quiet. */
static void
deliver(void)
{
	struct wire_msg m;
	int count;

	for (count = 0; count < 400 && wire_pop(queue, &nqueue, &m);
	    count++) {
		if (getenv("FUZZ_OTR_TRACE") != NULL)
			fprintf(stderr, "fuzz_otr: %s -> %s: %s\n",
			    m.from, m.to, m.body);
		if (strcmp(m.from, BOT_FULL) == 0 && clear_starts(m.to, ALICE))
			otr_receive(alice.o, BOT_FULL, m.body);
		else if (strcmp(m.from, ALICE_FULL) == 0 &&
		    clear_starts(m.to, BOT))
			otr_receive(bot.o, ALICE_FULL, m.body);
		wire_msg_free(&m);
	}
	if (nqueue > 0)
		fuzz_fail("bot and alice never stop talking", NULL);
}

static void
node_init(struct node *n, const char *dir)
{
	static const struct otr_callbacks proto = {
		NULL, cb_inject, cb_text, cb_event, NULL, NULL, NULL
	};
	struct otr_callbacks cb = proto;
	struct buf b;

	config_init(&n->cfg);
	n->cfg.account.jid = xstrdup(n->name);
	buf_init(&b);
	buf_addf(&b, "%s/%s", dir, n->name);
	n->cfg.state_dir = buf_detach(&b);
	n->cfg.otr.smp_question = xstrdup("Our word?");
	n->cfg.otr.smp_secret = xstrdup("s3cret");
	n->cfg.otr.idle_timeout = IDLE;
	/* Each step checks what came out at once: no worker threads. */
	n->cfg.limits.otr_threads = 0;
	if (n == &bot) {
		/* A helper pinned to a key nobody has. */
		helper.jid = xstrdup("helper@example.org");
		helper.name = xstrdup("Helper");
		memset(pin, 0xab, sizeof(pin));
		helper.fingerprints = pin;
		helper.nfingerprints = 1;
		n->cfg.helpers = &helper;
		n->cfg.nhelpers = 1;
	}
	cb.ud = n;
	if ((n->o = otr_new(&n->cfg, REFUSAL, &cb)) == NULL) {
		fprintf(stderr, "fuzz_otr: otr_new failed\n");
		abort();
	}
	otr_set_clock(n->o, fuzz_clock);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *dir = fuzz_setup();

	(void)argc;
	(void)argv;
	node_init(&bot, dir);
	node_init(&alice, dir);
	return 0;
}

static int
encrypted(void)
{
	struct otr_info a, b;

	otr_info(bot.o, ALICE, &b);
	otr_info(alice.o, BOT, &a);
	return a.encrypted && b.encrypted;
}

/* Alice and the bot in an encrypted session, whatever happened before. */
static void
session_ensure(void)
{
	if (encrypted())
		return;
	otr_end(alice.o, BOT);
	otr_end(bot.o, ALICE);
	now += 100;	/* past every query and error cooldown */
	deliver();
	otr_open(alice.o, BOT);
	deliver();
	texts_clear(&bot);
	texts_clear(&alice);
	if (!encrypted())
		fuzz_fail("alice and the bot cannot start a session again",
		    NULL);
}

/* The text n got during one step must be exactly want (nothing if want is
 * empty). */
static void
expect_text(struct node *n, const char *from, const char *want)
{
	if (*want == '\0') {
		if (n->ntexts != 0)
			fuzz_fail("text out of an empty message", n->texts[0]);
		return;
	}
	if (n->ntexts != 1)
		fuzz_fail(n->ntexts == 0 ? "sent text never arrived" :
		    "one message arrived as several texts", want);
	if (strcmp(n->from[0], from) != 0)
		fuzz_fail("text from the wrong peer", n->from[0]);
	if (strcmp(n->texts[0], want) != 0) {
		fprintf(stderr, "fuzz_otr: got \"%s\"\n", n->texts[0]);
		fuzz_fail("the text that arrived is not the one sent", want);
	}
}

/* Sends body from the sender (or from alice through her session). */
static void
step(int sel, int flags, const char *body)
{
	const char *from = senders[sel];
	int ignored = sel == 3 || sel == 4 || sel == 5, events;
	int ours = strstr(body, REFUSAL) != NULL ||
	    strstr(body, "?OTR Error") != NULL;
	char *bare = bare_of(from);

	notice_now = clear_now = 0;
	events = bot.nevents;
	now += (flags & 0x10) ? JUMP : 1;
	if (sel == 1 && (flags & 0x08)) {
		char *out = chat_text_out(body);
		char *want = chat_text_in(out, bot.cfg.limits.max_text);
		int rc;

		session_ensure();
		rc = otr_send(alice.o, BOT, body);
		deliver();
		if (rc == 0)
			expect_text(&bot, ALICE, want);
		else if (*out != '\0' && strlen(body) <= 65536)
			fuzz_fail("alice could not send in her session", body);
		free(want);
		free(out);
	} else {
		otr_receive(bot.o, from, body);
		deliver();
		if (bot.ntexts > 0)
			fuzz_fail("text came out of a raw body", bot.texts[0]);
	}
	if (ignored && (bot.nevents != events || notice_now || clear_now))
		fuzz_fail("a body from the bot's account or a bad JID was not "
		    "ignored", from);
	if (ours && notice_now)
		fuzz_fail("a refusal notice in answer to an OTR error or a "
		    "notice", body);
	texts_clear(&bot);

	if (flags & 0x40) {
		int enc = sel == 1 && encrypted();
		char *out = chat_text_out(body);
		char *want = chat_text_in(out, alice.cfg.limits.max_text);
		int rc = otr_send(bot.o, bare, body);

		deliver();
		if (rc == 0 && !enc)
			fuzz_fail("otr_send succeeded without a session", bare);
		if (rc == 0)
			expect_text(&alice, BOT, want);
		if (otr_send_pinned(bot.o, bare, body) == 0)
			fuzz_fail("otr_send_pinned to an unpinned peer", bare);
		deliver();
		texts_clear(&alice);
		free(want);
		free(out);
	}
	otr_poll(bot.o, now);
	otr_poll(alice.o, now);
	deliver();
	texts_clear(&bot);
	texts_clear(&alice);
	free(bare);
}

/* chat.h's promises about the two normalisers. */
static void
check_normalisers(const char *text)
{
	const unsigned char *s;
	char *in = chat_text_in(text, 100), *out = chat_text_out(text), *again;
	size_t chars = 0;

	if (!fuzz_utf8_valid(in) || fuzz_has_control(in, "\n\t"))
		fuzz_fail("chat_text_in: not UTF-8, or a control character", in);
	for (s = (const unsigned char *)in; *s != '\0'; s++)
		chars += (*s & 0xc0) != 0x80;
	if (chars > 100)
		fuzz_fail("chat_text_in: longer than max_chars", in);
	fuzz_check_chat("chat_text_out", out);
	again = chat_text_out(out);
	if (strcmp(again, out) != 0)
		fuzz_fail("chat_text_out changed its own output", out);
	if (chat_is_safe(text, NULL) != (strcmp(text, out) == 0))
		fuzz_fail("chat_is_safe disagrees with chat_text_out", text);
	free(again);
	free(in);
	free(out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text, *body, *sep;
	int sel, flags, i;

	if (size == 0)
		return 0;
	sel = data[0] & 7;
	flags = data[0] & 0xf8;
	text = fuzz_strndup(data + 1, size - 1);
	check_normalisers(text);
	nnotices = 0;
	if (sel == 1)
		session_ensure();
	if ((flags & 0xa0) == 0xa0) {
		otr_smp_start(bot.o, ALICE, NULL);
		deliver();
	}
	for (body = text; body != NULL; body = sep) {
		if ((sep = strchr(body, '\x01')) != NULL)
			*sep++ = '\0';
		step(sel, flags, body);
	}
	/* Strangers are forgotten (sessions, then cooldowns when their time
	 * is up): the next input starts afresh. */
	for (i = 0; i < 8; i++) {
		char *b = bare_of(senders[i]);

		if (strcmp(b, ALICE) != 0)
			otr_end(bot.o, b);
		free(b);
	}
	deliver();
	now += 3601;
	otr_poll(bot.o, now);
	otr_poll(alice.o, now);
	deliver();
	for (i = 0; i < nnotices; i++)
		free(notices[i].bare);
	nnotices = 0;
	free(text);
	return 0;
}
