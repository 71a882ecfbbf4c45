/*
 * test_otr: the otr module against itself, in one process, no network.
 * The bot ("bot@example.test") and its peers ("alice", a helper, a second
 * bot) are each an otr instance with its own state directory; what one
 * injects is queued and handed to the other's otr_receive(). Raw bodies
 * (plaintext, fragments, queries) are fed to the bot directly.
 */
#include "ac-config.h"

#include <sys/stat.h>

#include <fcntl.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "fpr.h"
#include "log.h"
#include "clear.h"
#include "otr.h"
#include "tap.h"
#include "util.h"
#include "wire.h"

/*
 * Each call as the daemon makes it, then, with OTR's worker threads
 * (limits.otr_threads, SECOURS_OTR_THREADS), a wait until they are done
 * and what they produced is delivered: the checks below see it at once.
 */
static int
settled(struct otr *o, int rc)
{
	if (o != NULL)
		otr_settle(o);
	return rc;
}
#define otr_receive(o, f, b)	((void)settled((o), (otr_receive((o), (f), (b)), 0)))
#define otr_send(o, b, t)	settled((o), otr_send((o), (b), (t)))
#define otr_send_pinned(o, b, t) settled((o), otr_send_pinned((o), (b), (t)))
#define otr_refuse_key(o, b, s, t) settled((o), otr_refuse_key((o), (b), (s), (t)))
#define otr_open(o, b)		settled((o), otr_open((o), (b)))
#define otr_smp_start(o, b, q)	settled((o), otr_smp_start((o), (b), (q)))
#define otr_end(o, b)		((void)settled((o), (otr_end((o), (b)), 0)))
#define otr_end_all(o)		((void)settled((o), (otr_end_all(o), 0)))
#define otr_poll(o, t)		((void)settled((o), (otr_poll((o), (t)), 0)))

#define REFUSAL	"This bot only reads private (OTR) messages. Yours was not read."
#define TAG_BASE " \t  \t\t\t\t \t \t \t  "
#define TAG_V2	"  \t\t  \t "
#define TAG_V3	"  \t\t  \t\t"
#define SECRET_TEXT "ANSWER-SECRET-1234"	/* must never travel in clear */

struct node {
	const char		*name;		/* bare JID */
	const char		*full;
	struct config		 cfg;
	struct config_helper	 helper;
	unsigned char		 pin[1][CONFIG_FP_LEN];
	char			 dir[256];
	struct otr		*o;
	struct otr_event	 ev[256];
	char			 evbare[256][64];
	int			 nev;
	char			*texts[64];
	int			 ntexts;
	int			 nsent;		/* bodies injected */
};

static struct wire_msg queue[512];
static int nqueue;
static struct node bot, alice, helper, evil, bot2, small, mob, wide, cap,
    fresh, crowd, dora, sbot, pa, pb, qbot, qa, lena, lou;
/* evil: the helper's account, another resource, a key that is not pinned.
 * Bodies for a bare JID go to the first node of that name. */
static struct node *nodes[] = { &bot, &alice, &helper, &evil, &bot2, &small,
    &mob, &wide, &cap, &fresh, &crowd, &dora, &sbot, &pa, &pb, &qbot, &qa,
    &lena, &lou };
static time_t test_now;
static char tmproot[] = "/tmp/test_otr.XXXXXX";
static int leaks;	/* plaintext from the bot that was neither notice nor OTR */

static void test_replay(int);

static time_t
test_clock(void)
{
	return test_now;
}

/* Everything the bot sends in clear must be OTR protocol or the notice. */
static void
audit(const struct node *from, const char *body)
{
	if (from != &bot && from != &bot2)
		return;
	if (strstr(body, SECRET_TEXT) != NULL)
		leaks++;
	if (clear_kind(body, REFUSAL) != CLEAR_LEAK)
		return;
	fprintf(stderr, "LEAK from %s: %s\n", from->name, body);
	leaks++;
}

static int
cb_inject(void *ud, const char *to, const char *body, int hints)
{
	struct node *n = ud;

	(void)hints;
	audit(n, body);
	n->nsent++;
	if (wire_push(queue, &nqueue, (int)ARRAY_LEN(queue), n->full, to,
	    body) == -1) {
		fprintf(stderr, "queue full\n");
		return -1;
	}
	return 0;
}

static void
cb_text(void *ud, const char *bare, const char *text)
{
	struct node *n = ud;

	(void)bare;
	if (n->ntexts < (int)ARRAY_LEN(n->texts))
		n->texts[n->ntexts++] = xstrdup(text);
}

static void
cb_event(void *ud, const struct otr_event *ev)
{
	struct node *n = ud;

	if (n->nev < (int)ARRAY_LEN(n->ev)) {
		n->ev[n->nev] = *ev;
		util_strlcpy(n->evbare[n->nev], ev->bare, 64);
		n->ev[n->nev].bare = n->evbare[n->nev];
		n->nev++;
	}
}

static void
queue_clear(void)
{
	int i;

	for (i = 0; i < nqueue; i++)
		wire_msg_free(&queue[i]);
	nqueue = 0;
}

static struct node *
node_of(const char *jid)
{
	size_t i, n = strcspn(jid, "/");

	for (i = 0; i < ARRAY_LEN(nodes); i++)
		if (nodes[i]->full != NULL && strcmp(nodes[i]->full, jid) == 0)
			return nodes[i];
	for (i = 0; i < ARRAY_LEN(nodes); i++)
		if (nodes[i]->name != NULL && strlen(nodes[i]->name) == n &&
		    strncmp(nodes[i]->name, jid, n) == 0)
			return nodes[i];
	return NULL;
}

/* Delivers queued bodies until quiet; returns how many were delivered. */
static int
deliver(void)
{
	struct wire_msg m;
	int count = 0;

	while (count < 400 && wire_pop(queue, &nqueue, &m)) {
		struct node *to = node_of(m.to);

		if (getenv("TEST_OTR_TRACE") != NULL)
			fprintf(stderr, "# %s -> %s: %.16s\n", m.from, m.to,
			    m.body);
		if (to != NULL && to->o != NULL)
			otr_receive(to->o, m.from, m.body);
		wire_msg_free(&m);
		count++;
	}
	return count;
}

/* Delivers the oldest queued body only. */
static int
deliver_one(void)
{
	struct wire_msg m;
	struct node *to;

	if (!wire_pop(queue, &nqueue, &m))
		return 0;
	if ((to = node_of(m.to)) != NULL && to->o != NULL)
		otr_receive(to->o, m.from, m.body);
	wire_msg_free(&m);
	return 1;
}

static int
count_ev(const struct node *n, enum otr_event_type type)
{
	int i, c = 0;

	for (i = 0; i < n->nev; i++)
		c += n->ev[i].type == type;
	return c;
}

static const struct otr_event *
last_ev(const struct node *n, enum otr_event_type type)
{
	int i;

	for (i = n->nev - 1; i >= 0; i--)
		if (n->ev[i].type == type)
			return &n->ev[i];
	return NULL;
}

static const char *
last_text(const struct node *n)
{
	return n->ntexts > 0 ? n->texts[n->ntexts - 1] : "";
}

/* A person with an open case, as the daemon would say (NULL: none). */
static const char *open_case;

static int
cb_kept(void *ud, const char *bare)
{
	(void)ud;
	return open_case != NULL && strcmp(bare, open_case) == 0;
}

static void
node_setup(struct node *n, const char *name, const char *full,
    const char *dirname)
{
	struct config *c = &n->cfg;

	config_init(c);
	n->name = name;
	n->full = full;
	util_snprintf(n->dir, sizeof(n->dir), "%s/%s", tmproot, dirname);
	c->account.jid = (char *)name;
	c->state_dir = n->dir;
	c->otr.refusal_cooldown = 600;
	c->otr.remember_people = 0;
	c->otr.smp_question = (char *)"Name of the cat?";
	c->otr.smp_secret = (char *)"tiger";
	c->otr.idle_timeout = 3600;
	c->otr.smp_max_attempts = 4;
	c->limits.max_body = 65536;
	c->limits.max_text = 2000;
	c->limits.max_per_minute = 20;
	c->limits.max_sessions = 1000;
	c->limits.max_queue = 200;
	c->limits.max_fragments = 64;
}

static int
node_start(struct node *n)
{
	struct otr_callbacks cb = { n, cb_inject, cb_text, cb_event,
	    cb_kept, NULL, NULL };

	n->o = otr_new(&n->cfg, REFUSAL, &cb);
	if (n->o != NULL)
		otr_set_clock(n->o, test_clock);
	return n->o != NULL ? 0 : -1;
}

static int
mode_of(const char *dir, const char *file)
{
	char path[512];
	struct stat st;

	if (file != NULL)
		util_snprintf(path, sizeof(path), "%s/%s", dir, file);
	else
		util_strlcpy(path, dir, sizeof(path));
	if (stat(path, &st) == -1)
		return -1;
	return (int)(st.st_mode & 07777);
}

static char *
slurp(const char *dir, const char *file)
{
	char path[512];

	util_snprintf(path, sizeof(path), "%s/%s", dir, file);
	return util_read_file(path, 1 << 20, NULL);
}

static double
ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) * 1e3 +
	    (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

static void
test_files(void)
{
	char fp[OTR_FP_HUMAN_LEN], path[512], *tags;
	struct node tmp;

	CHECK_INT(0700, mode_of(bot.dir, NULL), "state dir created 0700");
	CHECK_INT(0600, mode_of(bot.dir, "otr.private_key"), "key file 0600");
	CHECK_INT(0600, mode_of(bot.dir, "otr.instance_tags"),
	    "instance tags file 0600");
	CHECK(strlen(otr_our_fingerprint(bot.o)) == 44, "our fingerprint");
	CHECK(otr_fingerprint_only(&bot.cfg, fp) == 0, "--fingerprint works");
	CHECK_STR(otr_our_fingerprint(bot.o), fp, "--fingerprint: same key");

	tags = slurp(bot.dir, "otr.instance_tags");
	CHECK(tags != NULL && strstr(tags, "bot@example.test\txmpp\t") != NULL,
	    "instance tag stored");
	free(tags);

	/* A key readable by others is refused. */
	node_setup(&tmp, "bot@example.test", "bot@example.test/x", "loose");
	CHECK(otr_fingerprint_only(&tmp.cfg, fp) == 0, "fresh key made");
	util_snprintf(path, sizeof(path), "%s/otr.private_key", tmp.dir);
	chmod(path, 0644);
	{
		struct otr_callbacks cb = { &tmp, cb_inject, cb_text,
		    cb_event, cb_kept, NULL, NULL };
		struct otr *o = otr_new(&tmp.cfg, REFUSAL, &cb);

		CHECK(o == NULL, "world-readable key: otr_new fails");
		otr_free(o);
	}
	CHECK(otr_fingerprint_only(&tmp.cfg, fp) == -1,
	    "world-readable key: --fingerprint fails");
	chmod(path, 0600);
	CHECK(otr_fingerprint_only(&tmp.cfg, fp) == 0, "0600 key accepted");
}

/* A sender whose address is not a person's JID (RFC 7622 limits, see
 * jid.h) is refused whole: no notice, no event, never a cut JID that could
 * be someone else's. */
static void
test_bad_jid(void)
{
	char *jid = xmalloc(1100);
	int n0 = bot.nsent, ev0 = bot.nev;

	memset(jid, 'a', 1024);
	memcpy(jid + 1024, "@example.test/r", sizeof("@example.test/r"));
	otr_receive(bot.o, jid, "hello?");
	CHECK(nqueue == 0 && bot.nsent == n0 && bot.nev == ev0,
	    "plaintext from a 1024-byte localpart: dropped, nothing sent");
	otr_receive(bot.o, "example.test/r", "hello?");
	CHECK(nqueue == 0 && bot.nsent == n0 && bot.nev == ev0,
	    "plaintext from a server JID (no localpart): dropped");
	otr_receive(bot.o, "alice@example.test/", "hello?");
	CHECK(nqueue == 0 && bot.nsent == n0 && bot.nev == ev0,
	    "plaintext from an empty resource: dropped");
	queue_clear();
	free(jid);
}

static void
test_refusal(void)
{
	int n0 = bot.nsent;

	otr_receive(bot.o, "alice@example.test/phone", "hello, anyone?");
	CHECK_INT(1, nqueue, "plaintext: exactly one reply");
	CHECK_STR("?OTRv23?\n" REFUSAL, nqueue ? queue[0].body : NULL,
	    "the reply is the notice with a query tag");
	CHECK_STR("alice@example.test/phone", nqueue ? queue[0].to : NULL,
	    "notice goes to the full JID");
	CHECK_INT(1, count_ev(&bot, OTR_EV_REFUSED), "REFUSED event");
	queue_clear();

	otr_receive(bot.o, "alice@example.test/phone", "hello again?");
	CHECK_INT(0, nqueue, "second plaintext while our query is fresh: "
	    "nothing (a query now could cross a handshake)");
	CHECK_INT(2, count_ev(&bot, OTR_EV_REFUSED), "REFUSED again");
	CHECK_INT(n0 + 1, bot.nsent, "one body sent in all");

	/* Never silence: later plaintext inside the cooldown gets the bare
	 * query tag, no text; a few in a row that no handshake follows, then
	 * nothing (a slow auto-responder must not loop with us). */
	for (int i = 0; i < 5; i++) {
		test_now += 11;
		otr_receive(bot.o, "alice@example.test/phone", "anyone??");
		CHECK(nqueue == 1 && strcmp(queue[0].body, "?OTRv23?") == 0,
		    "plaintext 11 s later, inside the cooldown: the bare query");
		queue_clear();
	}
	test_now += 11;
	otr_receive(bot.o, "alice@example.test/phone", "anyone??");
	CHECK_INT(0, nqueue, "after 5 unanswered bare queries: nothing");
	test_now += 600;
	otr_receive(bot.o, "alice@example.test/phone", "hello?");
	CHECK_STR("?OTRv23?\n" REFUSAL, nqueue ? queue[0].body : NULL,
	    "after the cooldown: the whole notice again");
	queue_clear();
	test_now += 11;

	CHECK_INT(-1, otr_send(bot.o, "alice@example.test", "an answer"),
	    "otr_send before encryption fails");
	CHECK_INT(0, nqueue, "and sends nothing");
	CHECK_INT(-1, otr_send_pinned(bot.o, "alice@example.test", "x"),
	    "otr_send_pinned to a non-helper fails");

	otr_receive(bot.o, "erin@example.test/w", "[Auto-Reply] I am away");
	CHECK_INT(0, nqueue, "no notice to an auto-reply");
	otr_receive(bot.o, "erin@example.test/w",
	    "This account only accepts encrypted messages.");
	CHECK_INT(0, nqueue, "no notice to another bot's notice");
	otr_receive(bot.o, "erin@example.test/w",
	    "?OTR Error: You sent encrypted data, but I wasn't expecting it.");
	CHECK(nqueue <= 1 && (nqueue == 0 || strcmp(queue[0].body, "?OTRv23?") == 0),
	    "an OTR error gets at most a bare query, never the notice");
	queue_clear();
	otr_receive(bot.o, "erin@example.test/w",
	    "?OTR Error: again");
	CHECK_INT(0, nqueue, "errors do not make queries in a loop");

	/* Tagged plaintext: libotr starts the AKE; the notice has no query. */
	otr_receive(bot.o, "gus@example.test/pidgin",
	    "hi there" TAG_BASE TAG_V2 TAG_V3);
	CHECK_INT(2, nqueue, "tagged plaintext: AKE message and notice");
	CHECK(nqueue == 2 && clear_starts(queue[0].body, "?OTR:AAMC"),
	    "first a v3 DH commit");
	CHECK_STR(REFUSAL, nqueue == 2 ? queue[1].body : NULL,
	    "then the notice without a query tag");
	queue_clear();

	/* A v2-only client (potr, Profanity) asking. */
	otr_receive(bot.o, "frank@example.test/potr", "?OTRv2?");
	CHECK(nqueue == 1 && clear_starts(queue[0].body, "?OTR:AAIC"),
	    "?OTRv2? gets a v2 DH commit");
	queue_clear();
}

/* DH-commits (v2 or v3) the bot has queued for to, the handshakes it
 * started. */
static int
commits_to(const char *to)
{
	int i, n = 0;

	for (i = 0; i < nqueue; i++)
		n += strcmp(queue[i].from, bot.full) == 0 &&
		    strcmp(queue[i].to, to) == 0 &&
		    (clear_starts(queue[i].body, "?OTR:AAMC") ||
		    clear_starts(queue[i].body, "?OTR:AAIC"));
	return n;
}

/* A query repeated a moment after the bot's DH-commit answered the last
 * one costs no new handshake; after 10 s, or after anything else from the
 * peer, it does. */
static void
test_requery(void)
{
	static const char *const asks[] = { "?OTRv3?", "?OTRv23?", "?OTR?v2?",
	    "?OTRv2?" };
	const char *to = "dora@example.test/pc";
	struct otr_info info;
	size_t i;
	int s0;

	queue_clear();
	node_setup(&dora, "dora@example.test", to, "dora");
	CHECK(node_start(&dora) == 0, "dora starts");
	for (i = 0; i < ARRAY_LEN(asks); i++) {
		otr_end(bot.o, "dora@example.test");
		queue_clear();
		test_now += 1;
		otr_receive(bot.o, to, asks[i]);
		test_now += 1;
		otr_receive(bot.o, to, asks[i]);
		printf("# %s twice, 1 s apart: %d DH-commits\n", asks[i],
		    commits_to(to));
		CHECK_INT(1, commits_to(to), "the same query twice, 1 s apart: "
		    "one handshake");
		otr_receive(bot.o, to, asks[i]);
		CHECK_INT(1, commits_to(to), "a third: still one");
		queue_clear();
	}

	/* After the window: a new handshake, as before. */
	otr_end(bot.o, "dora@example.test");
	queue_clear();
	test_now += 1;
	otr_receive(bot.o, to, "?OTRv3?");
	test_now += 10;
	otr_receive(bot.o, to, "?OTRv3?");
	CHECK_INT(2, commits_to(to), "the query again 10 s later: a second "
	    "handshake");
	queue_clear();

	/* A duplicate between the commit and dora's answer: the handshake
	 * still completes, with one commit. */
	test_now += 11;
	s0 = count_ev(&dora, OTR_EV_SECURE);
	CHECK_INT(0, otr_open(dora.o, "bot@example.test"), "dora asks");
	CHECK_INT(1, nqueue, "her query");
	test_now += 1;
	CHECK_INT(1, deliver_one(), "reaches the bot");
	CHECK_INT(1, commits_to(to), "which answers with a DH-commit");
	test_now += 1;
	otr_receive(bot.o, to, "?OTRv23?");
	CHECK_INT(1, commits_to(to), "her second query: no other");
	deliver();
	otr_info(bot.o, "dora@example.test", &info);
	CHECK(info.encrypted, "the handshake completes");
	CHECK_INT(s0 + 1, count_ev(&dora, OTR_EV_SECURE), "dora is private");
	CHECK_INT(0, otr_send(bot.o, "dora@example.test", "hello dora"),
	    "the bot writes in the session");
	deliver();
	CHECK_STR("hello dora", last_text(&dora), "and dora reads it");
	otr_end(bot.o, "dora@example.test");
	otr_end(dora.o, "bot@example.test");
	queue_clear();
}

static void
test_limits(void)
{
	char *big = xmalloc(bot.cfg.limits.max_body + 2);
	int r0;

	memset(big, 'a', bot.cfg.limits.max_body + 1);
	big[bot.cfg.limits.max_body + 1] = '\0';
	r0 = count_ev(&bot, OTR_EV_REFUSED);
	otr_receive(bot.o, "dave@example.test/r", big);
	CHECK_INT(r0, count_ev(&bot, OTR_EV_REFUSED), "body over the cap dropped");
	CHECK_INT(0, nqueue, "and not answered");
	big[bot.cfg.limits.max_body] = '\0';
	otr_receive(bot.o, "dave@example.test/r", big);
	CHECK_INT(r0 + 1, count_ev(&bot, OTR_EV_REFUSED),
	    "body at the cap reaches libotr");
	queue_clear();
	free(big);

	r0 = count_ev(&bot, OTR_EV_REFUSED);
	otr_receive(bot.o, "dave@example.test/r", "?OTR,1,65,abc,");
	CHECK_INT(r0, count_ev(&bot, OTR_EV_REFUSED), "65 fragments dropped");
	otr_receive(bot.o, "dave@example.test/r", "?OTR,3,2,abc,");
	otr_receive(bot.o, "dave@example.test/r", "?OTR,0,2,abc,");
	otr_receive(bot.o, "dave@example.test/r", "?OTR|abc,1,2,x,");
	CHECK_INT(r0, count_ev(&bot, OTR_EV_REFUSED), "bad fragment headers dropped");
	otr_receive(bot.o, "dave@example.test/r", "?OTR,1,2,hel,");
	CHECK_INT(r0, count_ev(&bot, OTR_EV_REFUSED), "first of two fragments kept");
	otr_receive(bot.o, "dave@example.test/r", "?OTR,2,2,lo,");
	CHECK_INT(r0 + 1, count_ev(&bot, OTR_EV_REFUSED),
	    "reassembled plaintext refused");
	queue_clear();

	/* Issue 9.2: libotr reassembles the first "?OTR|" or "?OTR," found
	 * anywhere, whatever comes first: the cap must look at that one. A
	 * 100-piece query behind "?OTRx " must not be reassembled. */
	{
		char body[64], msg[101];
		int k;

		memset(msg, 'x', 100);
		memcpy(msg, "?OTRv23?", 8);
		msg[100] = '\0';
		for (k = 1; k <= 100; k++) {
			util_snprintf(body, sizeof(body), "?OTRx ?OTR,%d,100,%c,",
			    k, msg[k - 1]);
			otr_receive(bot.o, "mallory@example.test/r", body);
		}
		CHECK_INT(0, nqueue, "100 fragments behind \"?OTRx \": dropped, "
		    "no handshake from their query");
		queue_clear();
	}
	/* Fragments held per peer are capped at max_body in all: 64 pieces
	 * of 60 KB would hold 3.8 MB until the last. */
	{
		size_t piece = 60 * 1024;
		char *body = xmalloc(piece + 64);
		int k;

		for (k = 1; k <= 64; k++) {
			int h = snprintf(body, 64, "?OTR,%d,64,", k);

			memset(body + h, 'y', piece);
			if (k == 1)
				memcpy(body + h, "?OTRv23?", 8);
			body[h + piece] = ',';
			body[h + piece + 1] = '\0';
			otr_receive(bot.o, "mallory@example.test/r", body);
		}
		free(body);
		CHECK_INT(0, nqueue, "a 3.8 MB reassembly is not held: no query "
		    "comes out of it");
		queue_clear();
	}

	otr_receive(bot.o, "example.test", "server says hi");
	otr_receive(bot.o, "bot@example.test/other", "myself");
	CHECK_INT(0, nqueue, "server and own JIDs ignored");
}

static void
test_session(void)
{
	struct timespec t0;
	const struct otr_event *ev;
	struct otr_info info;
	int n;
	double ms;

	/* The notice from the bot reaches alice's client, which starts the
	 * AKE because of the query tag. */
	test_now += 601;
	otr_receive(bot.o, "alice@example.test/phone", "plaintext once more");
	CHECK_INT(1, nqueue, "after the cooldown: a notice again");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	n = deliver();
	ms = ms_since(&t0);
	printf("# AKE (notice, v3, in process): %.1f ms, %d messages\n", ms, n);
	CHECK_INT(1, count_ev(&bot, OTR_EV_SECURE), "bot: SECURE");
	CHECK_INT(1, count_ev(&alice, OTR_EV_SECURE), "alice: SECURE");
	ev = last_ev(&bot, OTR_EV_SECURE);
	CHECK(ev != NULL && ev->plaintext == 1 && ev->unread == 0,
	    "SECURE says plaintext was refused before");
	CHECK_STR("alice@example.test", ev ? ev->bare : NULL, "SECURE names alice");
	/* alice's, and the handshakes gus and frank began */
	CHECK_INT(3, otr_nsessions(bot.o), "live sessions");
	otr_info(bot.o, "Alice@Example.test", &info);
	CHECK(info.encrypted && !info.verified && !info.pinned && !info.helper,
	    "info: encrypted, unverified");
	CHECK(strlen(info.their_fp) == 44 && strlen(info.their_hex) == 40,
	    "info: fingerprints");
	CHECK_STR(otr_our_fingerprint(alice.o), info.their_fp,
	    "the bot sees alice's key");

	CHECK_INT(0, otr_send(bot.o, "alice@example.test",
	    SECRET_TEXT " 1 < 2 & AT&T &amp; try ?OTRv2? now"), "otr_send works");
	CHECK(nqueue == 1 && clear_starts(queue[0].body, "?OTR:AAMD"),
	    "the answer travels as a v3 data message");
	CHECK_STR("alice@example.test/phone", nqueue ? queue[0].to : NULL,
	    "to the full JID of the session");
	deliver();
	CHECK_STR(SECRET_TEXT " 1 \xe2\x80\xb9 2 & AT&T \xef\xbc\x86" "amp; "
	    "try ?-OTRv2? now", last_text(&alice), "alice reads it, defanged");
	CHECK_INT(1, count_ev(&alice, OTR_EV_SECURE), "no re-key from ?OTRv2?");

	CHECK_INT(0, otr_send(alice.o, "bot@example.test", "how do I verify?"),
	    "alice answers");
	deliver();
	CHECK_STR("how do I verify?", last_text(&bot), "bot reads alice");
	/* A re-key while private changes nothing visible. */
	n = count_ev(&bot, OTR_EV_SECURE);
	CHECK_INT(0, otr_open(alice.o, "bot@example.test"), "alice re-keys");
	deliver();
	CHECK_INT(n, count_ev(&bot, OTR_EV_SECURE), "no new SECURE on a re-key");
	CHECK_INT(0, otr_send(alice.o, "bot@example.test", "still here"),
	    "alice talks after the re-key");
	deliver();
	CHECK_STR("still here", last_text(&bot), "bot reads it");

	/* alice ends OTR without telling the bot (Pidgin does so for a
	 * contact missing from its buddy list: the disconnect message is
	 * never sent) and writes in clear. The bot's query makes her re-key
	 * with the same keys, which libotr reports as still secure: SECURE
	 * must still come, saying the plaintext was not read. */
	otr_end(alice.o, "bot@example.test");
	queue_clear();
	n = count_ev(&bot, OTR_EV_SECURE);
	otr_receive(bot.o, "alice@example.test/phone", "are you there?");
	CHECK(nqueue >= 1 && strstr(queue[0].body, "?OTRv23?") != NULL,
	    "unannounced end, then plaintext: the bot answers with a query");
	deliver();
	CHECK_INT(n + 1, count_ev(&bot, OTR_EV_SECURE),
	    "... the re-key brings SECURE");
	ev = last_ev(&bot, OTR_EV_SECURE);
	CHECK(ev != NULL && ev->plaintext == 1 && ev->unread == 0,
	    "... which says the plaintext was not read");
	CHECK_INT(0, otr_send(alice.o, "bot@example.test", "written again"),
	    "alice writes it again, privately");
	deliver();
	CHECK_STR("written again", last_text(&bot), "bot reads it");
	n = count_ev(&bot, OTR_EV_SECURE);

	CHECK_INT(-1, otr_send(bot.o, "alice@example.test", ""),
	    "empty text not sent");
	CHECK_INT(-1, otr_send(bot.o, "alice@example.test", "\x01\x02"),
	    "text of control characters not sent");
	CHECK_INT(0, nqueue, "nothing queued");

	/* A replayed data message cannot be read: libotr says so, the bot
	 * asks for a fresh handshake, and SECURE then says unread. libotr
	 * 4.1.1 leaks 40 bytes on this path (its extra symmetric key), so
	 * LeakSanitizer builds skip it. */
#if defined(__SANITIZE_ADDRESS__)
	SKIP("replayed message", "ASan: libotr 4.1.1 leaks 40 B on it");
	if (0)
#endif
	test_replay(n);
}

static void
test_replay(int n)
{
	CHECK_INT(0, otr_send(alice.o, "bot@example.test", "once"), "sent once");
	{
		char *from = xstrdup(queue[0].from), *body = xstrdup(queue[0].body);
		int i, err = 0, query = 0;

		deliver();
		otr_receive(bot.o, from, body);
		for (i = 0; i < nqueue; i++) {
			err += clear_starts(queue[i].body, "?OTR Error: ");
			query += strcmp(queue[i].body, "?OTRv23?") == 0;
		}
		printf("# replay: %d error(s), %d query\n", err, query);
		CHECK(err <= 1 && query == 1, "replay: an error and a query");
		deliver();
		CHECK(count_ev(&bot, OTR_EV_SECURE) == n + 1 &&
		    last_ev(&bot, OTR_EV_SECURE)->unread == 1,
		    "after a lost message, SECURE with unread");

		/* Whoever keeps sending unreadable data loses the session. */
		CHECK_INT(0, otr_send(alice.o, "bot@example.test", "again"),
		    "sent");
		free(body);
		body = xstrdup(queue[0].body);
		deliver();
		n = count_ev(&bot, OTR_EV_ENDED);
		for (i = 0; i < 17; i++)
			otr_receive(bot.o, from, body);
		queue_clear();
		CHECK_INT(n + 1, count_ev(&bot, OTR_EV_ENDED),
		    "17 unreadable messages end the session");
		free(from);
		free(body);
	}
	otr_open(alice.o, "bot@example.test");
	deliver();
	CHECK(otr_send(bot.o, "alice@example.test", "back") == 0,
	    "and alice can start again");
	deliver();
}

static void
test_smp(void)
{
	struct otr_info info;
	int s0, f0, a0;
	struct timespec t0;

	s0 = count_ev(&bot, OTR_EV_SMP_SUCCEEDED);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK_INT(0, otr_smp_start(bot.o, "alice@example.test", NULL),
	    "bot starts SMP");
	deliver();
	printf("# SMP round (in process): %.1f ms\n", ms_since(&t0));
	CHECK_INT(s0 + 1, count_ev(&bot, OTR_EV_SMP_SUCCEEDED),
	    "right secret: SUCCEEDED");
	CHECK_INT(1, count_ev(&alice, OTR_EV_SMP_ANSWERED), "alice answered");
	otr_info(bot.o, "alice@example.test", &info);
	CHECK(info.verified, "alice now verified");

	alice.cfg.otr.smp_max_attempts = 100;
	alice.cfg.otr.smp_secret = (char *)"lion";
	f0 = count_ev(&bot, OTR_EV_SMP_FAILED);
	CHECK_INT(0, otr_smp_start(bot.o, "alice@example.test", NULL),
	    "bot starts SMP again");
	deliver();
	CHECK_INT(f0 + 1, count_ev(&bot, OTR_EV_SMP_FAILED),
	    "wrong secret: FAILED");
	CHECK_INT(s0 + 1, count_ev(&bot, OTR_EV_SMP_SUCCEEDED), "no success");
	otr_info(bot.o, "alice@example.test", &info);
	CHECK(!info.verified, "alice no longer verified");
	alice.cfg.otr.smp_secret = (char *)"tiger";

	/* Alice asks the bot (a question): the bot answers. */
	a0 = count_ev(&bot, OTR_EV_SMP_ANSWERED);
	s0 = count_ev(&alice, OTR_EV_SMP_SUCCEEDED);
	CHECK_INT(0, otr_smp_start(alice.o, "bot@example.test", NULL),
	    "alice asks the bot");
	deliver();
	CHECK_INT(a0 + 1, count_ev(&bot, OTR_EV_SMP_ANSWERED), "bot ANSWERED");
	CHECK_INT(s0 + 1, count_ev(&alice, OTR_EV_SMP_SUCCEEDED),
	    "alice verified the bot");

	/* Attempts so far on the bot's side: 3 of 4. */
	CHECK_INT(0, otr_smp_start(bot.o, "alice@example.test", NULL), "4th attempt");
	deliver();
	CHECK_INT(-1, otr_smp_start(bot.o, "alice@example.test", NULL),
	    "5th attempt refused");
	CHECK_INT(1, count_ev(&bot, OTR_EV_SMP_LIMITED), "LIMITED");
	CHECK_INT(0, nqueue, "nothing sent");
	a0 = count_ev(&bot, OTR_EV_SMP_ANSWERED);
	f0 = count_ev(&alice, OTR_EV_SMP_FAILED);
	otr_smp_start(alice.o, "bot@example.test", NULL);
	deliver();
	CHECK_INT(a0, count_ev(&bot, OTR_EV_SMP_ANSWERED),
	    "over the limit: the bot does not answer");
	CHECK_INT(2, count_ev(&bot, OTR_EV_SMP_LIMITED), "LIMITED again");
	CHECK_INT(f0 + 1, count_ev(&alice, OTR_EV_SMP_FAILED),
	    "alice sees the abort");

	test_now += 3601;
	CHECK_INT(0, otr_smp_start(bot.o, "alice@example.test", NULL),
	    "an hour later SMP works again");
	deliver();

	bot.cfg.otr.smp_question = NULL;
	CHECK_INT(-1, otr_smp_start(bot.o, "alice@example.test", NULL),
	    "no question configured: -1");
	bot.cfg.otr.smp_question = (char *)"Name of the cat?";
}

static void
test_end_and_restart(void)
{
	struct wire_msg m;
	char *tags0, *tags1;
	const struct otr_event *ev;
	int i, saw_err = 0, saw_query = 0, n;

	/* Alice ends; the bot notices. */
	n = count_ev(&bot, OTR_EV_ENDED);
	otr_end(alice.o, "bot@example.test");
	deliver();
	CHECK_INT(n + 1, count_ev(&bot, OTR_EV_ENDED), "peer ends: ENDED");
	CHECK_INT(-1, otr_send(bot.o, "alice@example.test", "still there?"),
	    "no sending after the end");
	CHECK_INT(0, nqueue, "nothing sent");

	/* Alice starts again. */
	n = count_ev(&bot, OTR_EV_SECURE);
	CHECK_INT(0, otr_open(alice.o, "bot@example.test"), "alice re-opens");
	deliver();
	CHECK_INT(n + 1, count_ev(&bot, OTR_EV_SECURE), "SECURE again");
	ev = last_ev(&bot, OTR_EV_SECURE);
	CHECK(ev && !ev->unread && !ev->plaintext, "clean SECURE");

	/* The bot dies without a word (nothing it sends is delivered) and
	 * comes back with the same state directory. */
	tags0 = slurp(bot.dir, "otr.instance_tags");
	otr_free(bot.o);
	bot.o = NULL;
	queue_clear();
	CHECK(node_start(&bot) == 0, "bot restarts");
	tags1 = slurp(bot.dir, "otr.instance_tags");
	CHECK(tags0 && tags1 && strcmp(tags0, tags1) == 0,
	    "same instance tag after a restart");
	free(tags0);
	free(tags1);

	CHECK_INT(0, otr_send(alice.o, "bot@example.test", "are you there?"),
	    "alice still thinks she is private");
	if (wire_pop(queue, &nqueue, &m)) {
		otr_receive(bot.o, m.from, m.body);
		wire_msg_free(&m);
	}
	for (i = 0; i < nqueue; i++) {
		saw_err |= clear_starts(queue[i].body, "?OTR Error: ");
		saw_query |= strcmp(queue[i].body, "?OTRv23?") == 0;
	}
	CHECK(saw_err, "stale data: an OTR error");
	CHECK(saw_query, "stale data: a query");
	n = deliver();
	printf("# stale-session recovery: %d messages\n", n);
	ev = last_ev(&bot, OTR_EV_SECURE);
	CHECK(ev != NULL && ev->unread == 1, "SECURE after restart says unread");
	CHECK_INT(0, otr_send(bot.o, "alice@example.test", "please repeat"),
	    "bot talks again");
	deliver();
	CHECK_STR("please repeat", last_text(&alice), "alice reads it");
}

static void
test_helper(void)
{
	struct otr_info info;
	char fp[OTR_FP_HUMAN_LEN], *store;

	/* The helper's key, pinned in the bot's config. */
	CHECK(otr_fingerprint_only(&helper.cfg, fp) == 0, "helper key");
	CHECK(fpr_parse(fp, helper.pin[0]) == 0, "helper key parses");
	CHECK(node_start(&helper) == 0, "helper starts");
	CHECK(otr_open(helper.o, "bot@example.test") == 0, "helper opens");
	deliver();
	otr_info(bot.o, "helper@example.test", &info);
	CHECK(info.encrypted && info.helper && info.pinned && info.verified,
	    "helper: encrypted, pinned, verified");
	CHECK_INT(0, otr_send_pinned(bot.o, "helper@example.test", "case #1"),
	    "otr_send_pinned to the pinned helper");
	deliver();
	CHECK_STR("case #1", last_text(&helper), "helper reads it");
	CHECK_INT(0600, mode_of(bot.dir, "otr.fingerprints"),
	    "fingerprints file 0600");
	store = slurp(bot.dir, "otr.fingerprints");
	CHECK(store != NULL && strstr(store, "helper@example.test\t") != NULL,
	    "helper's key stored");
	CHECK(store != NULL && strstr(store, "alice@") == NULL,
	    "people's keys not stored");
	free(store);

	/* A newcomer's key (libotr asks for the file to be written) leaves
	 * the file as it is: not rewritten (same inode), no fsync. */
	{
		char path[512];
		struct stat before, after;

		util_snprintf(path, sizeof(path), "%s/otr.fingerprints",
		    bot.dir);
		node_setup(&fresh, "fresh@example.test",
		    "fresh@example.test/phone", "fresh");
		CHECK(stat(path, &before) == 0 && node_start(&fresh) == 0 &&
		    otr_open(fresh.o, "bot@example.test") == 0,
		    "a newcomer opens");
		deliver();
		otr_info(bot.o, "fresh@example.test", &info);
		CHECK(info.encrypted, "the newcomer's session is encrypted");
		CHECK(stat(path, &after) == 0 && after.st_ino == before.st_ino,
		    "a stranger's new key does not rewrite the file");
		otr_free(fresh.o);
		fresh.o = NULL;
		queue_clear();
	}

	helper.pin[0][0] ^= 0xff;
	CHECK_INT(-1, otr_send_pinned(bot.o, "helper@example.test", "case #2"),
	    "wrong pin: nothing sent");
	CHECK_INT(0, nqueue, "really nothing");
	otr_info(bot.o, "helper@example.test", &info);
	CHECK(info.encrypted && !info.pinned, "info: not pinned");
	helper.pin[0][0] ^= 0xff;
}

/*
 * Issue 9.1: a helper is a key, not a JID. A second client on the helper's
 * account (v3: its own instance, its own session) with a key that is not
 * pinned gets nothing of the helper's: its text is not the helper's text,
 * replies for the helper go to the pinned session only, and the pinned
 * session stays pinned.
 */
static void
test_helper_impostor(void)
{
	struct otr_info info;
	int texts0 = bot.ntexts, h0, e0;

	CHECK(node_start(&evil) == 0, "second client on the helper's JID");
	CHECK(otr_open(evil.o, "bot@example.test") == 0, "it opens a session");
	deliver();
	otr_info(evil.o, "bot@example.test", &info);
	CHECK(info.encrypted, "its session is encrypted");
	otr_info(bot.o, "helper@example.test", &info);
	CHECK(info.encrypted && info.pinned,
	    "the helper's pinned session is still the helper's");

	CHECK_INT(0, otr_send(evil.o, "bot@example.test", "CLAIM 1"),
	    "the other session writes CLAIM 1");
	deliver();
	CHECK_INT(texts0, bot.ntexts,
	    "its text is not handed over as the helper's");
	CHECK_INT(0, otr_send(evil.o, "bot@example.test", "#1 hello"),
	    "and #1 text");
	deliver();
	CHECK_INT(texts0, bot.ntexts, "not that either");
	{
		const struct otr_event *ev = last_ev(&bot, OTR_EV_UNPINNED);
		unsigned int session;

		CHECK(count_ev(&bot, OTR_EV_UNPINNED) >= 3,
		    "UNPINNED for its handshake and for each text");
		CHECK(ev != NULL && ev->session != 0,
		    "naming that session (v3 instance)");
		session = ev != NULL ? ev->session : 0;
		e0 = evil.ntexts;
		h0 = helper.ntexts;
		CHECK_INT(0, otr_refuse_key(bot.o, "helper@example.test",
		    session, "not your key"), "the refusal about keys");
		deliver();
		CHECK_INT(e0 + 1, evil.ntexts, "reaches that session");
		CHECK_STR("not your key", last_text(&evil), "as sent");
		CHECK_INT(h0, helper.ntexts, "and not the pinned one");
		CHECK_INT(-1, otr_refuse_key(bot.o, "helper@example.test",
		    session + 1, "x"), "no other session gets it");
		CHECK_INT(0, nqueue, "nothing sent");
	}

	/* It spoke last: replies for the helper still go to the pinned one. */
	h0 = helper.ntexts;
	e0 = evil.ntexts;
	CHECK_INT(0, otr_send(bot.o, "helper@example.test", "queue: 1 case"),
	    "a reply for the helper");
	CHECK_INT(0, otr_send_pinned(bot.o, "helper@example.test", "case #1"),
	    "a note for the helper");
	deliver();
	CHECK_INT(h0 + 2, helper.ntexts, "the pinned session reads both");
	CHECK_INT(e0, evil.ntexts, "the other session reads neither");
	otr_info(bot.o, "helper@example.test", &info);
	CHECK(info.encrypted && info.pinned, "the helper is still pinned");

	/* The pinned helper still talks. */
	CHECK_INT(0, otr_send(helper.o, "bot@example.test", "QUEUE"),
	    "the pinned helper writes");
	deliver();
	CHECK_INT(texts0 + 1, bot.ntexts, "and is heard");
	CHECK_STR("QUEUE", last_text(&bot), "as the helper");

	/*
	 * SMP from the other session, with the desk's right secret: the bot
	 * never answers it as the helper's check (nor as anyone's: it is
	 * refused, like the session's texts), so no SMP event about the
	 * helper reaches the daemon and the other client learns nothing.
	 */
	{
		int ans = count_ev(&bot, OTR_EV_SMP_ANSWERED);
		int prov = count_ev(&bot, OTR_EV_SMP_PROVED);
		int succ = count_ev(&bot, OTR_EV_SMP_SUCCEEDED);
		int fail = count_ev(&bot, OTR_EV_SMP_FAILED);
		int unp = count_ev(&bot, OTR_EV_UNPINNED);
		int esucc = count_ev(&evil, OTR_EV_SMP_SUCCEEDED);

		CHECK_INT(0, otr_smp_start(evil.o, "bot@example.test", NULL),
		    "the other session asks the bot to prove itself (SMP)");
		deliver();
		CHECK_INT(ans, count_ev(&bot, OTR_EV_SMP_ANSWERED),
		    "the bot does not answer it as the helper's");
		CHECK_INT(prov, count_ev(&bot, OTR_EV_SMP_PROVED),
		    "no SMP_PROVED for the helper");
		CHECK_INT(succ, count_ev(&bot, OTR_EV_SMP_SUCCEEDED),
		    "no SMP_SUCCEEDED for the helper");
		CHECK_INT(fail, count_ev(&bot, OTR_EV_SMP_FAILED),
		    "no SMP_FAILED either (the helper's own check stands)");
		CHECK(count_ev(&bot, OTR_EV_UNPINNED) > unp,
		    "it is a pin mismatch (UNPINNED)");
		CHECK_INT(esucc, count_ev(&evil, OTR_EV_SMP_SUCCEEDED),
		    "the other client's check of the bot does not pass");
		otr_info(bot.o, "helper@example.test", &info);
		CHECK(info.encrypted && info.pinned,
		    "the helper's pinned session is still the helper's");
	}
	/* The pinned helper's own SMP still works. */
	{
		int prov = count_ev(&bot, OTR_EV_SMP_PROVED);

		CHECK_INT(0, otr_smp_start(helper.o, "bot@example.test", NULL),
		    "the pinned helper asks the bot to prove itself");
		deliver();
		CHECK_INT(prov + 1, count_ev(&bot, OTR_EV_SMP_PROVED),
		    "the bot proves itself to the pinned helper");
	}
}

/*
 * Issue 9.5b: one person, two clients. The phone has the encrypted
 * session; the laptop writes plaintext, and replays one of the phone's
 * messages (it carries the session's instance tag). Neither re-routes the
 * phone's session, and the phone going offline is noticed although the
 * laptop spoke last.
 */
static void
test_two_resources(void)
{
	struct otr_info info;
	char *body;
	int a0;

	otr_info(bot.o, "alice@example.test", &info);
	if (!info.encrypted) {
		otr_open(alice.o, "bot@example.test");
		deliver();
	}
	CHECK_INT(0, otr_send(alice.o, "bot@example.test", "from the phone"),
	    "the phone writes in its session");
	CHECK(nqueue == 1, "one body");
	body = nqueue == 1 ? xstrdup(queue[0].body) : xstrdup("");
	deliver();
	CHECK_STR("from the phone", last_text(&bot), "the bot reads it");
	otr_receive(bot.o, "alice@example.test/laptop", "hello from the laptop");
	otr_receive(bot.o, "alice@example.test/laptop", body);
	free(body);
	queue_clear();

	CHECK_INT(0, otr_send(bot.o, "alice@example.test", "for the phone"),
	    "the bot answers in the session");
	CHECK(nqueue == 1 && strcmp(queue[0].to, "alice@example.test/phone") == 0,
	    "to the phone, not the laptop that spoke last");
	a0 = alice.ntexts;
	deliver();
	CHECK_INT(a0 + 1, alice.ntexts, "the phone reads it");

	otr_offline(bot.o, "alice@example.test/phone");
	otr_info(bot.o, "alice@example.test", &info);
	CHECK(info.offline, "the phone going offline is noticed");
	CHECK_INT(0, otr_send(alice.o, "bot@example.test", "back"),
	    "the phone writes again");
	deliver();
	otr_info(bot.o, "alice@example.test", &info);
	CHECK(info.encrypted && !info.offline, "and is back");
	otr_receive(bot.o, "alice@example.test/laptop", "hello again");
	queue_clear();
	otr_offline(bot.o, "alice@example.test/laptop");
	otr_info(bot.o, "alice@example.test", &info);
	CHECK(info.encrypted && !info.offline,
	    "the laptop going offline leaves the phone's session there");
}

/* Whether a body queued since index from goes to jid in clear. */
static int
clear_to(int from, const char *jid)
{
	int i;

	for (i = from; i < nqueue; i++)
		if (strncmp(queue[i].to, jid, strlen(jid)) == 0 &&
		    !clear_starts(queue[i].body, "?OTR:"))
			return 1;
	return 0;
}

/*
 * Plaintext typed while the handshake ran reaches the bot just after its
 * side of the session began. A query then made the client re-key, and its
 * next message, under the old keys, was unreadable (test_otr.py's alice,
 * under load). Now: nothing in clear, said once inside the session, and
 * the next message is read. After a private message, or LATE_WINDOW, the
 * query comes as before (the client may have left the session).
 */
static void
test_late_plaintext(void)
{
	const struct otr_event *ev;
	int i, n0, s0 = count_ev(&bot, OTR_EV_SECURE);

	node_setup(&lena, "lena@example.test", "lena@example.test/phone",
	    "lena");
	node_setup(&lou, "lou@example.test", "lou@example.test/pc", "lou");
	CHECK(node_start(&lena) == 0 && node_start(&lou) == 0,
	    "lena and lou start");
	queue_clear();

	/* lena writes in clear; the notice's query starts the handshake. */
	otr_receive(bot.o, lena.full, "hello, anyone?");
	CHECK(nqueue == 1 && strstr(queue[0].body, "?OTRv23?") != NULL,
	    "lena's plaintext: the notice");
	for (i = 0; i < 20 && count_ev(&bot, OTR_EV_SECURE) == s0 &&
	    deliver_one(); i++)
		;
	CHECK(count_ev(&bot, OTR_EV_SECURE) == s0 + 1 &&
	    count_ev(&lena, OTR_EV_SECURE) == 0,
	    "the bot's side is private, lena's signature still on its way");
	ev = last_ev(&bot, OTR_EV_SECURE);
	CHECK(ev != NULL && ev->plaintext == 1, "SECURE: plaintext not read");
	n0 = nqueue;
	otr_receive(bot.o, lena.full, "hello?? why no answer");
	CHECK(nqueue == n0 && count_ev(&bot, OTR_EV_SECURE) == s0 + 1,
	    "her late plaintext: nothing sent, no second SECURE (told)");
	deliver();
	CHECK_INT(1, count_ev(&lena, OTR_EV_SECURE), "lena private, once");
	CHECK_INT(0, otr_send(lena.o, "bot@example.test", "my question"),
	    "lena asks");
	deliver();
	CHECK_STR("my question", last_text(&bot), "the bot reads it");
	CHECK_INT(1, count_ev(&lena, OTR_EV_SECURE), "lena: still one session");

	/* lou opens OTR himself and his plaintext comes after: told once,
	 * inside the session. */
	CHECK_INT(0, otr_open(lou.o, "bot@example.test"), "lou asks for OTR");
	deliver();
	s0 = count_ev(&bot, OTR_EV_SECURE);
	CHECK_INT(1, count_ev(&lou, OTR_EV_SECURE), "lou private");
	queue_clear();
	otr_receive(bot.o, lou.full, "typed too early");
	otr_receive(bot.o, lou.full, "and again");
	CHECK(!clear_to(0, lou.full), "lou's late plaintext: nothing in clear");
	CHECK_INT(s0 + 1, count_ev(&bot, OTR_EV_SECURE),
	    "one SECURE for both ...");
	ev = last_ev(&bot, OTR_EV_SECURE);
	CHECK(ev != NULL && ev->plaintext == 1 && ev->unread == 0,
	    "... saying the plaintext was not read");
	deliver();
	CHECK_INT(1, count_ev(&lou, OTR_EV_SECURE), "lou: no re-key");
	/* His laptop, not in the session, writing in clear: the notice. */
	otr_receive(bot.o, "lou@example.test/laptop", "from the laptop");
	CHECK(nqueue == 1 &&
	    strcmp(queue[0].to, "lou@example.test/laptop") == 0 &&
	    strstr(queue[0].body, "?OTRv23?") != NULL,
	    "another client of his writing in clear: the notice, as before");
	queue_clear();
	test_now += 11;		/* past that query's handshake window */

	/* Once lou has written privately, plaintext means his client left
	 * the session: the query, as before. */
	CHECK_INT(0, otr_send(lou.o, "bot@example.test", "hi"), "lou writes");
	deliver();
	n0 = nqueue;
	otr_receive(bot.o, lou.full, "in clear again");
	CHECK(nqueue > n0 && strstr(queue[nqueue - 1].body, "?OTRv23?") != NULL,
	    "plaintext after a private message: a query");
	deliver();

	/* lena, silent in her session past LATE_WINDOW: the query too. */
	test_now += 61;
	n0 = nqueue;
	otr_receive(bot.o, lena.full, "in clear, a minute later");
	CHECK(nqueue > n0 && strstr(queue[nqueue - 1].body, "?OTRv23?") != NULL,
	    "plaintext a minute after the session began: a query");
	deliver();
}

static void
test_two_bots(void)
{
	int n;

	/* Two bots open at the same time: crossing queries and handshakes. */
	CHECK(node_start(&bot2) == 0, "second bot starts");
	otr_open(bot.o, "bot2@example.test");
	otr_open(bot2.o, "bot@example.test");
	n = deliver();
	printf("# two bots opening at once settle in %d messages\n", n);
	CHECK(n < 40, "bounded");
	{
		struct otr_info a, b;

		otr_info(bot.o, "bot2@example.test", &a);
		otr_info(bot2.o, "bot@example.test", &b);
		CHECK(a.encrypted && b.encrypted, "both encrypted");
	}
	/* Each bot's plaintext notice to the other is a query: no loop. */
	otr_end(bot.o, "bot2@example.test");
	otr_end(bot2.o, "bot@example.test");
	queue_clear();
	test_now += 601;
	otr_receive(bot2.o, "bot@example.test/secours", "stray plaintext");
	n = deliver();
	printf("# a notice between two bots: %d messages\n", n);
	CHECK(n < 40, "notice between bots settles");
	CHECK(count_ev(&bot2, OTR_EV_SECURE) >= 1, "and ends encrypted");
}

static void
test_expiry(void)
{
	int e0 = count_ev(&bot, OTR_EV_ENDED), a0 = count_ev(&alice, OTR_EV_ENDED);

	CHECK(otr_nsessions(bot.o) >= 1, "sessions live");
	test_now += bot.cfg.otr.idle_timeout + 1;
	otr_poll(bot.o, test_now);
	CHECK(count_ev(&bot, OTR_EV_ENDED) > e0, "idle session: ENDED");
	deliver();
	CHECK_INT(a0 + 1, count_ev(&alice, OTR_EV_ENDED),
	    "alice was told (DISCONNECTED)");
	CHECK_INT(0, otr_nsessions(bot.o), "no live sessions left");
	CHECK_INT(-1, otr_send(bot.o, "alice@example.test", "x"),
	    "expired: no sending");
}

/* A bot for 3 live sessions: more handshakes end the least recently
 * active ones, plaintext is still refused, peer records stay bounded. */
static void
test_caps(void)
{
	char jid[64];
	int i, notices = 0, akes = 0;

	node_setup(&small, "small@example.test", "small@example.test/s", "small");
	small.cfg.limits.max_sessions = 3;
	CHECK(node_start(&small) == 0, "small bot starts");
	for (i = 0; i < 6; i++) {
		util_snprintf(jid, sizeof(jid), "t%d@example.test/x", i);
		otr_receive(small.o, jid, "hi" TAG_BASE TAG_V2 TAG_V3);
	}
	for (i = 0; i < nqueue; i++)
		akes += clear_starts(queue[i].body, "?OTR:AAMC");
	CHECK_INT(6, akes, "6 handshakes started: each newcomer at the cap "
	    "ends the least recently active one");
	CHECK_INT(3, otr_nsessions(small.o), "3 live sessions");
	queue_clear();
	for (i = 0; i < 100; i++) {
		util_snprintf(jid, sizeof(jid), "p%d@example.test/x", i);
		otr_receive(small.o, jid, "hello?");
	}
	for (i = 0; i < nqueue; i++)
		notices += clear_starts(queue[i].body, "?OTRv23?\n");
	CHECK_INT(100, notices, "plaintext is refused whatever the load");
	CHECK_INT(3, otr_nsessions(small.o), "still 3 live sessions");
	queue_clear();
	test_now += 121;
	otr_poll(small.o, test_now);
	CHECK_INT(0, otr_nsessions(small.o),
	    "handshakes that never finish are dropped after 2 minutes");
	otr_receive(small.o, "t9@example.test/x", "hi" TAG_BASE TAG_V2 TAG_V3);
	CHECK(nqueue == 2 && clear_starts(queue[0].body, "?OTR:AAMC"),
	    "and new ones start again");
	queue_clear();
	otr_receive(small.o, "p0@example.test/x", "hello again?");
	CHECK_INT(1, nqueue, "an evicted record's cooldown is forgotten");
	queue_clear();
	otr_free(small.o);
	small.o = NULL;
}

/*
 * Ended and abandoned sessions do not hold the desk: a session the person
 * ended, or a handshake that never finished, stops counting towards
 * max_sessions, and a newcomer at the cap evicts the least recently active
 * session rather than being refused (found by the load benchmark: 1,100
 * ended sessions refused the next people for an hour).
 */
static void
test_session_cap(void)
{
	struct otr_info info;
	char jid[64];
	int i, akes;

	node_setup(&cap, "cap@example.test", "cap@example.test/s", "cap");
	cap.cfg.limits.max_sessions = 2;
	CHECK(node_start(&cap) == 0, "a bot for 2 sessions starts");
	queue_clear();
	CHECK(otr_open(alice.o, "cap@example.test") == 0, "alice opens");
	deliver();
	otr_info(alice.o, "cap@example.test", &info);
	CHECK(info.encrypted, "alice is in a session with it");
	CHECK_INT(1, otr_nsessions(cap.o), "1 live session");
	otr_end(alice.o, "cap@example.test");
	deliver();
	otr_poll(cap.o, test_now);
	CHECK_INT(0, otr_nsessions(cap.o), "ended by alice: not live");

	/* Two strangers start handshakes and never finish them. */
	for (i = 0; i < 2; i++) {
		util_snprintf(jid, sizeof(jid), "ab%d@example.test/x", i);
		otr_receive(cap.o, jid, "hi" TAG_BASE TAG_V2 TAG_V3);
	}
	CHECK_INT(2, otr_nsessions(cap.o), "2 handshakes under way: the cap");
	queue_clear();
	test_now += 130;	/* stale, before any tick */
	otr_receive(cap.o, "new1@example.test/x", "hi" TAG_BASE TAG_V2 TAG_V3);
	for (i = akes = 0; i < nqueue; i++)
		akes += clear_starts(queue[i].body, "?OTR:AAMC");
	CHECK_INT(1, akes, "stale handshakes do not refuse a newcomer");
	queue_clear();
	otr_receive(cap.o, "new2@example.test/x", "hi" TAG_BASE TAG_V2 TAG_V3);
	otr_receive(cap.o, "new3@example.test/x", "hi" TAG_BASE TAG_V2 TAG_V3);
	for (i = akes = 0; i < nqueue; i++)
		akes += clear_starts(queue[i].body, "?OTR:AAMC");
	CHECK_INT(2, akes, "at the cap a newcomer evicts, is not refused");
	CHECK(otr_nsessions(cap.o) <= 2, "and the cap holds");
	queue_clear();

	/* A person with an open case keeps the session; without it, the
	 * least recently active session ends (DISCONNECTED sent). */
	test_now += 130;
	CHECK(otr_open(alice.o, "cap@example.test") == 0, "alice again");
	deliver();
	otr_info(cap.o, "alice@example.test", &info);
	CHECK(info.encrypted, "alice in a session with it again");
	otr_receive(cap.o, "new4@example.test/x", "hi" TAG_BASE TAG_V2 TAG_V3);
	queue_clear();
	CHECK_INT(2, otr_nsessions(cap.o), "alice and a stranger: the cap");
	open_case = "alice@example.test";
	otr_receive(cap.o, "new5@example.test/x", "hi" TAG_BASE TAG_V2 TAG_V3);
	queue_clear();
	otr_info(cap.o, "alice@example.test", &info);
	CHECK(info.encrypted, "an open case keeps its session at the cap");
	open_case = NULL;
	otr_receive(cap.o, "new6@example.test/x", "hi" TAG_BASE TAG_V2 TAG_V3);
	otr_info(cap.o, "alice@example.test", &info);
	CHECK(!info.encrypted, "without one, the least recent session ends");
	deliver();
	otr_info(alice.o, "cap@example.test", &info);
	CHECK(!info.encrypted, "and alice is told it ended");
	queue_clear();
	otr_free(cap.o);
	cap.o = NULL;
}

/*
 * Issue 9.4: the log file is made 0600 whatever the umask, and a person's
 * key (which links them across restarts, unlike the keyed JID hash) is
 * logged only with log.show_jids. Everything above logged into logpath.
 */
/* Lines of text naming fp, other than its owner's own start-up line (the
 * peers here are otr instances logging into the same file). */
static int
fp_logged(const char *text, const char *fp)
{
	const char *p = text, *eol;
	int n = 0;

	for (; p != NULL && *p != '\0'; p = eol != NULL ? eol + 1 : NULL) {
		eol = strchr(p, '\n');
		if (strstr(p, fp) == NULL || (eol != NULL && strstr(p, fp) > eol))
			continue;
		if (strstr(p, "the bot's OTR fingerprint is") != NULL &&
		    (eol == NULL ||
		    strstr(p, "the bot's OTR fingerprint is") < eol))
			continue;
		n++;
	}
	return n;
}

static void
test_log_privacy(const char *logpath)
{
	char alice_fp[OTR_FP_HUMAN_LEN], path[512], *text;
	int n0;

	CHECK_INT(0600, mode_of(logpath, NULL),
	    "log file created 0600 under umask 022");
	CHECK(otr_fingerprint_only(&alice.cfg, alice_fp) == 0, "alice's key");
	text = slurp(tmproot, "test.log");
	CHECK(text != NULL && strstr(text, "private conversation with") != NULL,
	    "the log has the sessions");
	CHECK(text != NULL && fp_logged(text, alice_fp) == 0,
	    "but not a person's fingerprint");
	CHECK(text != NULL && strstr(text, "(a person's key: logged only with "
	    "log.show_jids)") != NULL,
	    "the line says what is hidden and which option shows it");
	CHECK(text != NULL && strstr(text, "otr: dropped a message from an "
	    "address that is not a person's JID (localpart longer than 1023 "
	    "bytes)") != NULL && strstr(text, "aaaaaaaaaaaaaaaa") == NULL,
	    "a 1024-byte localpart: the log says why, without the JID");
	free(text);

	/* With show_jids, the admin chose to see who is who. */
	log_set_peer_privacy(NULL, 0, 1);
	otr_end(bot.o, "alice@example.test");
	deliver();
	n0 = count_ev(&bot, OTR_EV_SECURE);
	otr_open(alice.o, "bot@example.test");
	deliver();
	CHECK(count_ev(&bot, OTR_EV_SECURE) > n0, "alice back in a session");
	text = slurp(tmproot, "test.log");
	CHECK(text != NULL && fp_logged(text, alice_fp) > 0,
	    "with show_jids her key is logged");
	free(text);
	log_set_peer_privacy(NULL, 0, 0);

	/* An existing log file open to others is tightened. */
	util_snprintf(path, sizeof(path), "%s/loose.log", tmproot);
	close(open(path, O_WRONLY | O_CREAT, 0644));
	chmod(path, 0644);
	CHECK_INT(0, log_init(LOGL_DEBUG, path), "log reopened");
	CHECK_INT(0600, mode_of(path, NULL), "an old 0644 log file becomes 0600");
}

/*
 * Issue 9.2: encrypted sessions per bare JID are capped. One account
 * opens 12 v3 sessions (a client restarted with a new instance tag each
 * time, its old sessions left open): the bot keeps at most 8, and the
 * newest still works.
 */
static void
test_instances_cap(void)
{
	struct otr_info info;
	char path[512];
	int i, t0;

	node_setup(&mob, "mob@example.test", "mob@example.test/m", "mob");
	util_snprintf(path, sizeof(path), "%s/otr.instance_tags", mob.dir);
	for (i = 0; i < 12; i++) {
		if (mob.o != NULL) {
			otr_free(mob.o);	/* its DISCONNECTED is lost */
			mob.o = NULL;
			queue_clear();
		}
		unlink(path);
		CHECK(node_start(&mob) == 0 &&
		    otr_open(mob.o, "bot@example.test") == 0, "mob opens");
		deliver();
	}
	otr_info(bot.o, "mob@example.test", &info);
	printf("# one JID, 12 instances opened: %d sessions kept\n",
	    info.sessions);
	CHECK(info.sessions >= 1 && info.sessions <= 8,
	    "at most 8 encrypted sessions per JID");
	t0 = mob.ntexts;
	CHECK_INT(0, otr_send(mob.o, "bot@example.test", "anyone?"),
	    "the newest session asks");
	deliver();
	CHECK_INT(0, otr_send(bot.o, "mob@example.test", "still here"),
	    "the reply goes to the session that asked");
	deliver();
	CHECK_INT(t0 + 1, mob.ntexts, "and reads it");
	otr_free(mob.o);
	mob.o = NULL;
	queue_clear();
	otr_end(bot.o, "mob@example.test");
	queue_clear();
}

/*
 * Issue 9.2: the cost of a stranger's message does not grow with the
 * number of peer records (evicting one used to walk them all, twice).
 * 1000 sessions allowed: 4000 records; the first 500 strangers (table
 * nearly empty) against 500 more once it is full and each one evicts.
 * CPU time of this process, so that other load does not count.
 */
static void
test_eviction_cost(void)
{
	struct timespec t0, t1;
	double first = 0, full = 0;
	char jid[64];
	int i;

	node_setup(&wide, "wide@example.test", "wide@example.test/s", "wide");
	wide.cfg.limits.max_sessions = 1000;
	CHECK(node_start(&wide) == 0, "a bot for 1000 sessions starts");
	for (i = 0; i < 5000; i++) {
		if (i == 0 || i == 4500)
			clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
		util_snprintf(jid, sizeof(jid), "s%d@example.test/x", i);
		otr_receive(wide.o, jid, "hello?");
		if (nqueue > 400)
			queue_clear();
		if (i == 499 || i == 4999) {
			clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
			*(i == 499 ? &first : &full) =
			    (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
			    (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
		}
	}
	queue_clear();
	printf("# 500 strangers: %.1f ms CPU with few records, %.1f ms with "
	    "4000 (each evicting one)\n", first, full);
	CHECK(full < 3 * first + 20, "per-message cost stays flat when full");
	otr_free(wide.o);
	wide.o = NULL;
}

/* Peer records the tick looks at when n strangers wrote once each, were
 * refused, and are now forgotten (no OTR context, record kept for the
 * cooldown), plus one live session: the tick must not visit them. */
static size_t
tick_visits(int n)
{
	char jid[64];
	size_t v;
	int i;

	node_setup(&crowd, "crowd@example.test", "crowd@example.test/s",
	    n < 100 ? "crowd-small" : "crowd-big");
	crowd.cfg.limits.max_sessions = 3000;
	if (node_start(&crowd) == -1)
		return (size_t)-1;
	for (i = 0; i < n; i++) {
		util_snprintf(jid, sizeof(jid), "gone%d@example.test/x", i);
		otr_receive(crowd.o, jid, "hello?");
		if (nqueue > 400)
			queue_clear();
	}
	queue_clear();
	otr_poll(crowd.o, test_now);	/* the first tick may look at all */
	test_now += 2;
	otr_receive(crowd.o, "newcomer@example.test/x", "hi");
	queue_clear();
	test_now += 2;
	otr_poll(crowd.o, test_now);
	v = otr_poll_visits(crowd.o);
	test_now += 2;
	otr_poll(crowd.o, test_now);
	if (otr_poll_visits(crowd.o) > v)
		v = otr_poll_visits(crowd.o);
	/* after the cooldown every record has come due and goes */
	test_now += 3600 + 1;
	otr_poll(crowd.o, test_now);
	printf("# %d forgotten strangers: the tick visited %zu records; "
	    "after the cooldown %zu\n", n, v, otr_poll_visits(crowd.o));
	CHECK(otr_poll_visits(crowd.o) >= (size_t)n,
	    "after the cooldown the forgotten records come due");
	test_now += 2;
	otr_poll(crowd.o, test_now);
	CHECK_INT(0, (int)otr_poll_visits(crowd.o),
	    "and are gone: the next tick visits none");
	otr_free(crowd.o);
	crowd.o = NULL;
	return v;
}

/*
 * Issue 13: the one-second tick does work only for peers whose deadline
 * came (idle expiry, a handshake gone stale, a record's cooldown over),
 * not for every stranger heard from in the last hour. Counted in records
 * visited, not in time.
 */
static void
test_tick_cost(void)
{
	size_t few = tick_visits(10), many = tick_visits(10000);

	CHECK(few <= 2, "10 forgotten strangers: the tick visits at most 2");
	CHECK(many <= few, "10,000 forgotten strangers: no more than with 10");
}

/* The sender instance tag of an OTR v3 message ("?OTR:" and base64 of
 * version 3, a type, then the tag); 0 if body is not one. */
static unsigned long
v3_sender_tag(const char *body)
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	unsigned char raw[9];
	unsigned long v = 0;
	int i, bits = 0, n = 0;

	if (body == NULL || strncmp(body, "?OTR:", 5) != 0)
		return 0;
	for (i = 5; body[i] != '\0' && n < (int)sizeof(raw); i++) {
		const char *c = strchr(b64, body[i]);

		if (c == NULL || *c == '\0')
			return 0;
		v = (v << 6) | (unsigned long)(c - b64);
		if ((bits += 6) >= 8) {
			bits -= 8;
			raw[n++] = (unsigned char)(v >> bits);
			v &= (1ul << bits) - 1;
		}
	}
	if (n < 7 || raw[0] != 0 || raw[1] != 3)
		return 0;
	return (unsigned long)raw[3] << 24 | (unsigned long)raw[4] << 16 |
	    (unsigned long)raw[5] << 8 | raw[6];
}

/* How many times needle occurs in hay. */
static int
count_of(const char *hay, const char *needle)
{
	int n = 0;

	while (hay != NULL && (hay = strstr(hay, needle)) != NULL) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

/*
 * Issue 13: the bot's contexts are spread over limits.otr_userstates
 * libotr user states by JID. Two people whose JIDs fall in different
 * ones see the same bot: one key, one instance tag, handshakes and SMP
 * both ways, and one fingerprints file holding both after a restart.
 */
static void
test_userstates(void)
{
	static char name[2][64], full[2][80];
	struct node *peer[2] = { &pa, &pb };
	char hex[2][FPR_HEX_LEN], tagline[64], *tags, *store, *key;
	unsigned long tag[2] = { 0, 0 };
	unsigned int us[2];
	struct otr_info info;
	int i, k, s0, a0;

	node_setup(&sbot, "sbot@example.test", "sbot@example.test/secours",
	    "sbot");
	sbot.cfg.otr.remember_people = 1;
	CHECK_INT(256, sbot.cfg.limits.otr_userstates,
	    "limits.otr_userstates defaults to 256");
	CHECK(node_start(&sbot) == 0, "a bot with 256 user states starts");
	/* Two JIDs that fall in different user states. */
	for (i = 0, k = 0; k < 2 && i < 100; i++) {
		util_snprintf(name[k], sizeof(name[k]), "p%d@example.test", i);
		us[k] = otr_userstate_of(sbot.o, name[k]);
		if (k == 1 && us[1] == us[0])
			continue;
		util_snprintf(full[k], sizeof(full[k]), "%s/phone", name[k]);
		k++;
	}
	CHECK(k == 2 && us[0] != us[1], "two people in different user states");
	printf("# %s in user state %u, %s in %u\n", name[0], us[0], name[1],
	    us[1]);

	for (k = 0; k < 2; k++) {
		struct node *n = peer[k];

		node_setup(n, name[k], full[k], name[k]);
		CHECK(node_start(n) == 0, "a person starts");
		CHECK_INT(0, otr_open(n->o, "sbot@example.test"),
		    "the person opens a private conversation");
		deliver();
		otr_info(sbot.o, name[k], &info);
		CHECK(info.encrypted, "the bot's session with them is encrypted");
		util_strlcpy(hex[k], info.their_hex, sizeof(hex[k]));
		CHECK_STR(otr_our_fingerprint(n->o), info.their_fp,
		    "the bot sees the person's key");
		otr_info(n->o, "sbot@example.test", &info);
		CHECK(info.encrypted, "the person's session is encrypted");
		CHECK_STR(otr_our_fingerprint(sbot.o), info.their_fp,
		    "the person sees the bot's one key");
		CHECK_INT(0, otr_send(sbot.o, name[k], "hello"), "the bot writes");
		CHECK_INT(1, nqueue, "one message");
		tag[k] = nqueue == 1 ? v3_sender_tag(queue[0].body) : 0;
		deliver();
		CHECK_STR("hello", last_text(n), "the person reads it");
		CHECK_INT(0, otr_send(n->o, "sbot@example.test", "thanks"),
		    "the person answers");
		deliver();
		CHECK_STR("thanks", last_text(&sbot), "the bot reads it");

		s0 = count_ev(&sbot, OTR_EV_SMP_SUCCEEDED);
		CHECK_INT(0, otr_smp_start(sbot.o, name[k], NULL),
		    "the bot starts SMP");
		deliver();
		CHECK_INT(s0 + 1, count_ev(&sbot, OTR_EV_SMP_SUCCEEDED),
		    "SMP succeeds: the person is verified");
		a0 = count_ev(&sbot, OTR_EV_SMP_ANSWERED);
		CHECK_INT(0, otr_smp_start(n->o, "sbot@example.test", NULL),
		    "the person asks the bot SMP");
		deliver();
		CHECK_INT(a0 + 1, count_ev(&sbot, OTR_EV_SMP_ANSWERED),
		    "the bot answers it");
		CHECK_INT(1, count_ev(n, OTR_EV_SMP_SUCCEEDED),
		    "the person verified the bot");
	}
	tags = slurp(sbot.dir, "otr.instance_tags");
	util_snprintf(tagline, sizeof(tagline), "sbot@example.test\txmpp\t%08lx",
	    tag[0]);
	CHECK(tag[0] != 0 && tag[0] == tag[1],
	    "both people see the bot's one instance tag");
	CHECK(tags != NULL && strstr(tags, tagline) != NULL &&
	    count_of(tags, "sbot@example.test") == 1,
	    "it is the one in the instance tags file");
	free(tags);
	key = slurp(sbot.dir, "otr.private_key");
	CHECK_INT(1, count_of(key, "sbot@example.test"),
	    "one key in the key file");
	free(key);

	/* Restart: one file held both people's keys, trusted by SMP. */
	otr_free(sbot.o);
	sbot.o = NULL;
	queue_clear();
	store = slurp(sbot.dir, "otr.fingerprints");
	for (k = 0; k < 2; k++) {
		char line[160];

		util_snprintf(line, sizeof(line),
		    "%s\tsbot@example.test\txmpp\t%s\tsmp\n", name[k], hex[k]);
		CHECK(store != NULL && strstr(store, line) != NULL &&
		    count_of(store, name[k]) == 1,
		    "the fingerprints file holds the person's key once, trusted");
	}
	CHECK(node_start(&sbot) == 0, "the bot restarts");
	for (k = 0; k < 2; k++) {
		struct node *n = peer[k];

		otr_end(n->o, "sbot@example.test");
		queue_clear();
		CHECK_INT(0, otr_open(n->o, "sbot@example.test"),
		    "the person opens again");
		deliver();
		otr_info(sbot.o, name[k], &info);
		CHECK(info.encrypted && info.verified,
		    "after the restart: encrypted, and still verified");
		otr_info(n->o, "sbot@example.test", &info);
		CHECK_STR(otr_our_fingerprint(sbot.o), info.their_fp,
		    "the same bot key after the restart");
	}
	otr_free(sbot.o);
	sbot.o = NULL;
	queue_clear();
	{
		char *again = slurp(sbot.dir, "otr.fingerprints");

		CHECK(store != NULL && again != NULL &&
		    strcmp(store, again) == 0,
		    "the file written after the restart holds the same keys");
		free(again);
	}
	free(store);
}

/*
 * The worker's two lanes and the main thread's back-pressure (one worker
 * thread, whatever SECOURS_OTR_THREADS: every person in its one shard).
 * otr_pause() holds the worker off: it takes a first job (the "plug") and
 * waits for the engine, so what is queued next shows the lanes' order
 * once otr_resume() lets it go. The order is cb.received's, in cookies.
 */
static int qorder[128];
static int nqorder;

static void
cb_received_q(void *ud, void *cookie)
{
	(void)ud;
	if (nqorder < (int)ARRAY_LEN(qorder))
		qorder[nqorder++] = (int)(intptr_t)cookie;
}

static int
q_pos(int cookie)
{
	int i;

	for (i = 0; i < nqorder; i++)
		if (qorder[i] == cookie)
			return i;
	return -1;
}

/* A question as qa's client sends it to qbot: an OTR data message. */
static char *
qa_says(const char *text)
{
	struct wire_msg m;
	char *body = NULL;

	queue_clear();
	if (otr_send(qa.o, "qbot@example.test", text) == 0 &&
	    wire_pop(queue, &nqueue, &m)) {
		body = xstrdup(m.body);
		wire_msg_free(&m);
	}
	queue_clear();
	return body;
}

/* Holds qbot's worker on a plug job: returns once it took it. */
static void
q_stall(void)
{
	int i;

	nqorder = 0;
	otr_pause(qbot.o);
	otr_receive_async(qbot.o, "plug@example.test/x", "hello", (void *)1);
	for (i = 0; i < 5000 && otr_queued(qbot.o) > 0; i++)
		usleep(1000);
}

static void
q_go(void)
{
	otr_resume(qbot.o);
	otr_settle(qbot.o);
	queue_clear();
}

/* One reply to qa, sent and done: its snapshot is fresh after it, so a
 * reply queued while the worker is stuck does not wait for the engine. */
static void
q_reply_warm(void)
{
	CHECK_INT(0, otr_send(qbot.o, "qa@example.test", "warm"),
	    "lanes: a reply to qa");
	otr_settle(qbot.o);
	queue_clear();
}

static void
q_ask(const char *from, const char *body, int cookie)
{
	otr_receive_async(qbot.o, from, body, (void *)(intptr_t)cookie);
}

static void
test_lanes(void)
{
	struct otr_callbacks cb = { &qbot, cb_inject, cb_text, cb_event,
	    cb_kept, cb_received_q, NULL };
	char *b[OTR_FAST_RUN + 2], *big, *text, logpath[300];
	size_t fed;
	int i;

	node_setup(&qbot, "qbot@example.test", "qbot@example.test/secours",
	    "qbot");
	qbot.cfg.limits.otr_threads = 1;
	node_setup(&qa, "qa@example.test", "qa@example.test/pc", "qa");
	/* The trace of why reading stops, checked below (bench/ reads it),
	 * in a log of its own. */
	util_snprintf(logpath, sizeof(logpath), "%s/lanes.log", tmproot);
	CHECK_INT(0, log_init(LOGL_DEBUG, logpath), "lanes: log opened");
	setenv("SECOURS_OTR_TRACE", "1", 1);
	qbot.o = otr_new(&qbot.cfg, REFUSAL, &cb);
	unsetenv("SECOURS_OTR_TRACE");
	CHECK(qbot.o != NULL && node_start(&qa) == 0, "lanes: bot and qa start");
	if (qbot.o == NULL || qa.o == NULL)
		return;
	otr_set_clock(qbot.o, test_clock);
	otr_open(qa.o, "qbot@example.test");
	deliver();
	CHECK_INT(1, count_ev(&qbot, OTR_EV_SECURE), "lanes: qa is private");

	/* An answer's job overtakes the handshakes queued before it. */
	b[0] = qa_says("first question");
	q_stall();
	q_ask("s1@example.test/x", "?OTRv3?", 2);
	q_ask("s2@example.test/x", "?OTRv3?", 3);
	q_ask("s3@example.test/x", "?OTRv3?", 4);
	q_ask("qa@example.test/pc", b[0], 10);
	q_go();
	CHECK_INT(5, nqorder, "lanes: every job done");
	CHECK_INT(1, q_pos(10), "lanes: qa's question right after the plug, "
	    "before three queries queued earlier");
	CHECK(q_pos(2) < q_pos(3) && q_pos(3) < q_pos(4),
	    "lanes: the queries in their order");
	CHECK_STR("first question", last_text(&qbot), "lanes: qa's question read");
	free(b[0]);

	/* One person's order holds: qa's query first, then qa's question. */
	b[0] = qa_says("second question");
	q_stall();
	q_ask("s4@example.test/x", "?OTRv3?", 2);
	q_ask("qa@example.test/pc", "?OTRv3?", 20);
	q_ask("qa@example.test/pc", b[0], 21);
	q_go();
	CHECK(q_pos(2) < q_pos(20) && q_pos(20) < q_pos(21),
	    "lanes: qa's question stays behind qa's own query");
	CHECK_STR("second question", last_text(&qbot),
	    "lanes: read after the re-key began");
	free(b[0]);
	otr_open(qa.o, "qbot@example.test");
	deliver();

	/* Handshakes are not starved: one after OTR_FAST_RUN answers. */
	for (i = 0; i < OTR_FAST_RUN + 2; i++)
		b[i] = qa_says("again");
	q_stall();
	q_ask("s5@example.test/x", "?OTRv3?", 30);
	for (i = 0; i < OTR_FAST_RUN + 2; i++)
		q_ask("qa@example.test/pc", b[i], 31 + i);
	q_go();
	CHECK_INT(OTR_FAST_RUN + 1, q_pos(30), "lanes: the query after "
	    "OTR_FAST_RUN answers");
	CHECK(q_pos(31) == 1 && q_pos(31 + OTR_FAST_RUN) == OTR_FAST_RUN + 2,
	    "lanes: the answers in their order around it");
	for (i = 0; i < OTR_FAST_RUN + 2; i++) {
		free(b[i]);
		b[i] = qa_says("and again");
	}

	/* Back-pressure: with the worker stalled, the main thread takes no
	 * more than the bound (the plug running, OTR_DEPTH - 1 waiting). */
	q_stall();
	for (fed = 0; fed < OTR_FAST_RUN + 2 && otr_room(qbot.o); fed++)
		q_ask("qa@example.test/pc", b[fed], 40 + (int)fed);
	CHECK_INT(OTR_DEPTH - 1, (int)fed, "back-pressure: answers' jobs taken "
	    "while the worker is stuck");
	CHECK_INT(OTR_DEPTH - 1, (int)otr_queued(qbot.o), "back-pressure: "
	    "that many held");
	q_go();
	CHECK(otr_room(qbot.o), "back-pressure: room again once done");

	/* The bot's own texts count towards the bound too, and the trace
	 * says which kind of job filled the shard when reading stopped. */
	q_reply_warm();
	q_stall();
	CHECK_INT(0, (otr_send)(qbot.o, "qa@example.test", "reply"),
	    "back-pressure: a reply queued (not settled: the worker is stuck)");
	for (fed = 0; fed < OTR_FAST_RUN + 2 && otr_room(qbot.o); fed++)
		q_ask("qa@example.test/pc", b[OTR_DEPTH + fed], 45 + (int)fed);
	CHECK_INT(OTR_DEPTH - 2, (int)fed, "back-pressure: one reply queued, "
	    "one answer's job less taken");
	otr_wait_room(qbot.o, 1);
	text = slurp(tmproot, "lanes.log");
	CHECK(text != NULL && strstr(text, "otr: reading stopped: shard 0 "
	    "fast 2 (received 1, own 1), running receive (slow), slow 0") !=
	    NULL, "back-pressure: the trace names what fills the shard");
	CHECK(text != NULL && strstr(text, "otr: reading resumed after ") !=
	    NULL, "back-pressure: and how long the reading stopped");
	free(text);
	q_go();
	for (i = 0; i < OTR_FAST_RUN + 2; i++)
		free(b[i]);

	/* The handshakes' lane has its bounds too: jobs, then bytes. */
	q_stall();
	for (fed = 0; fed < OTR_SLOW_JOBS + 10 && otr_room(qbot.o); fed++)
		q_ask("s6@example.test/x", "x", 50);
	CHECK_INT(OTR_SLOW_JOBS, (int)fed, "back-pressure: at most "
	    "OTR_SLOW_JOBS handshakes' jobs");
	q_go();
	big = xmalloc(60001);
	memset(big, 'a', 60000);
	big[60000] = '\0';
	q_stall();
	for (fed = 0; fed < 200 && otr_room(qbot.o); fed++)
		q_ask("s7@example.test/x", big, 60);
	CHECK_INT((int)((OTR_SLOW_BYTES + 59999) / 60000), (int)fed,
	    "back-pressure: at most OTR_SLOW_BYTES in handshakes' jobs");
	q_go();
	free(big);
	CHECK_INT(0, (int)otr_queued(qbot.o), "lanes: all done");
}

int
main(void)
{
	char logpath[300];
	int i;

	if (mkdtemp(tmproot) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	umask(022);
	util_snprintf(logpath, sizeof(logpath), "%s/test.log", tmproot);
	if (log_init(LOGL_DEBUG, logpath) == -1) {
		perror(logpath);
		return 1;
	}
	printf("# log: %s (KEEP_TMP=1 keeps it)\n", logpath);
	test_now = time(NULL);
	node_setup(&bot, "bot@example.test", "bot@example.test/secours", "bot");
	node_setup(&alice, "alice@example.test", "alice@example.test/phone",
	    "alice");
	node_setup(&helper, "helper@example.test", "helper@example.test/desk",
	    "helper");
	node_setup(&evil, "helper@example.test", "helper@example.test/evil",
	    "evil");
	node_setup(&bot2, "bot2@example.test", "bot2@example.test/secours",
	    "bot2");
	bot.helper.jid = (char *)"helper@example.test";
	bot.helper.name = (char *)"Helper";
	bot.helper.fingerprints = helper.pin;
	bot.helper.nfingerprints = 1;
	bot.cfg.helpers = &bot.helper;
	bot.cfg.nhelpers = 1;

	CHECK(node_start(&bot) == 0, "bot starts");
	CHECK(node_start(&alice) == 0, "alice starts");
	test_files();
	test_bad_jid();
	test_refusal();
	test_limits();
	test_session();
	test_smp();
	test_end_and_restart();
	test_helper();
	test_helper_impostor();
	test_two_resources();
	test_requery();
	test_late_plaintext();
	test_two_bots();
	test_expiry();
	test_caps();
	test_session_cap();
	test_instances_cap();
	test_eviction_cost();
	test_userstates();
	test_log_privacy(logpath);
	test_lanes();		/* after: its strangers fill the log */
	test_tick_cost();	/* after: its 10,000 strangers fill the log */
	CHECK_INT(0, leaks, "nothing but notices and OTR in clear from bots");

	for (i = 0; i < (int)ARRAY_LEN(nodes); i++) {
		int k;

		otr_free(nodes[i]->o);
		nodes[i]->o = NULL;
		for (k = 0; k < nodes[i]->ntexts; k++)
			free(nodes[i]->texts[k]);
	}
	queue_clear();
	{
		char cmd[300];

		util_snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmproot);
		if (getenv("KEEP_TMP") == NULL && system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", tmproot);
	}
	return TAP_DONE();
}
