/* daemon: the running bot, its event loop and the wiring (see daemon.h). */
#include "ac-config.h"

#ifdef HAVE_MALLOC_TRIM
#include <malloc.h>
#endif
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#if HAVE_DECL_MADV_HUGEPAGE && HAVE_DECL_MADV_NOHUGEPAGE && \
    HAVE_DECL_M_TOP_PAD && defined(HAVE_MALLOC_TRIM)
#define HEAP_HUGE	1
#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bot.h"
#include "config.h"
#include "cpustat.h"
#include "daemon.h"
#include "duty.h"
#include "escalate.h"
#include "guide.h"
#include "jid.h"
#include "lang.h"
#include "lexicon.h"
#include "log.h"
#include "lru.h"
#include "notify.h"
#include "otr.h"
#include "phrases.h"
#include "search.h"
#include "sources.h"
#include "status.h"
#include "store.h"
#include "util.h"
#include "xmpp.h"

#define TABLE_MAX	8192	/* strangers in the presence or rate table */
#define TABLE_MIN	64	/* the two tables hold 8 x max_sessions */
#define RATE_WINDOW	60	/* seconds */
#define STOP_TIMEOUT_MS	2000
#define FLUSH_ROUNDS	16	/* actions causing actions: a bound */
#define CHECK_EVERY	60	/* s: ping people in a case, no presence */
#define STATUS_EVERY	5	/* s: status file and STATUS= refreshed */

#define RES_PER_JID	16	/* available resources kept per bare JID */
#define TRIM_AFTER	64	/* sessions gone since the peak: heap trimmed */
#define HEAP_PAD	(8UL << 20)	/* the heap grows by at least this */
#define HUGE_PAGE	(2UL << 20)	/* a transparent huge page (4 KB pages) */
#define HUGE_FROM	(16UL << 20)	/* heap grown since start: huge pages */

/* What the daemon knows of one available resource. */
struct resource {
	char		*full;
	enum xmppc_show	 show;
	time_t		 seen;
};

/* The available resources of one bare JID (a row of d->pres). */
struct presence {
	struct resource	 res[RES_PER_JID];
	size_t		 n;
};

/* Messages counted for one bare JID in the current minute. */
struct rate {
	time_t	 start;
	int	 count;
	int	 logged;	/* the drop was logged in this window */
};

/*
 * How to reach a person (not a helper) who wrote to the bot: the full JID
 * their session is with, so that the bot can ping it when it cannot see
 * their presence. (bot.c's struct person is the conversation with them.)
 */
struct contact {
	char	*full;		/* last heard from */
	time_t	 checked;	/* last ping sent */
	int	 pinging;
};

/* A helper's text held until people's pings are answered. */
struct held {
	char		*bare;
	char		*text;
	struct otr_info	 info;	/* the helper's session when it came */
};

struct daemon {
	const struct config	*cfg;
	struct config		*live;		/* the same, replaced on reload */
	struct xmppc		*x;
	struct otr		*o;
	struct bot		*b;
	struct escalate		*esc;
	struct store		*st;
	struct duty		*du;
	struct guide		*g;
	struct search		*s;
	struct phrases		*p;
	struct lexicon		*lx;
	char			*refusal;

	/* Actions the bot asked for, executed once the current library
	 * call has returned (never from inside libotr's callbacks). */
	struct bot_actions	 pending;

	struct lru		*pres;		/* bare -> struct presence */
	struct lru		*rates;		/* bare -> struct rate */
	size_t			 table_max;	/* for each table */
	time_t			 last_tick;
	size_t			 trim_peak;	/* sessions, since the last trim */
	uintptr_t		 heap_base;	/* the heap's end at the start */
	uintptr_t		 heap_top;	/* its end at the last look */
	int			 heap_huge_off;	/* the kernel refused it */

	struct lru		*people;	/* bare -> struct contact */
	int			 checks;	/* people being pinged */
	struct held		*held;
	size_t			 nheld;

	time_t			 started;
	time_t			 status_at;	/* last status_publish() */
	int			 ready;		/* READY=1 sent */
	unsigned long		 texts;		/* decrypted texts handed over */
	struct cpustat		*cs;		/* CPU by stanza kind (debug) */
};

static volatile sig_atomic_t	 got_stop;
static volatile sig_atomic_t	 got_hup;
static pthread_t		 main_thread;

static void
on_signal(int sig)
{
	if (sig == SIGHUP)
		got_hup = 1;
	else
		got_stop = 1;
}

/* SIGUSR1 only ends the main thread's select() (or sleep) early. */
static void
on_wake(int sig)
{
	(void)sig;
}

/* From an OTR worker: a result waits for the main thread (otr.h). */
static void
otr_cb_wake(void *ud)
{
	(void)ud;
	pthread_kill(main_thread, SIGUSR1);
}

static int
signals_setup(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_signal;
	if (sigaction(SIGTERM, &sa, NULL) == -1 ||
	    sigaction(SIGINT, &sa, NULL) == -1 ||
	    sigaction(SIGHUP, &sa, NULL) == -1) {
		log_warn("sigaction");
		return -1;
	}
	/* SA_RESTART: select() and usleep() end with EINTR all the same
	 * (signal(7)); other system calls are not cut short. */
	sa.sa_handler = on_wake;
	sa.sa_flags = SA_RESTART;
	if (sigaction(SIGUSR1, &sa, NULL) == -1) {
		log_warn("sigaction");
		return -1;
	}
	sa.sa_flags = 0;
	sa.sa_handler = SIG_IGN;
	if (sigaction(SIGPIPE, &sa, NULL) == -1) {
		log_warn("sigaction");
		return -1;
	}
	main_thread = pthread_self();
	return 0;
}

static int peer_kept(void *, const char *);

/* Presence, per bare JID (lower case), then per resource. */

static struct resource *
res_find(struct daemon *d, const char *bare, const char *full)
{
	struct presence *pr = lru_get(d->pres, bare);

	if (pr == NULL)
		return NULL;
	for (size_t i = 0; i < pr->n; i++)
		if (util_strcasecmp(pr->res[i].full, full) == 0)
			return &pr->res[i];
	return NULL;
}

static void
res_remove(struct daemon *d, const char *bare, struct resource *r)
{
	struct presence *pr = lru_get(d->pres, bare);

	free(r->full);
	*r = pr->res[--pr->n];
	if (pr->n == 0)
		lru_remove(d->pres, bare);
}

static void
presence_free(void *val)
{
	struct presence *pr = val;

	for (size_t i = 0; i < pr->n; i++)
		free(pr->res[i].full);
	free(pr);
}

/*
 * Bounded tables (presence, rate): keyed by bare JID in src/lru.c, so a
 * lookup is constant whatever the number of strangers heard from. When
 * full, the least recently active stranger's row goes, never one
 * peer_kept() protects (a configured helper, a person in a case or an
 * encrypted session), so a flood never refuses a helper (issue 9.2).
 */
static int
table_kept(void *ud, const char *bare, void *val)
{
	(void)val;
	return peer_kept(ud, bare);
}

/* Records show for full; NULL when the table is full of protected rows. */
static struct resource *
res_add(struct daemon *d, const char *bare, const char *full,
    enum xmppc_show show, time_t now)
{
	struct presence *pr;
	struct resource *r;
	void **slot;
	int made;

	if ((slot = lru_touch(d->pres, bare, &made)) == NULL)
		return NULL;
	if (made)
		*slot = xcalloc(1, sizeof(struct presence));
	pr = *slot;
	if (pr->n == RES_PER_JID) {
		size_t old = 0;

		for (size_t i = 1; i < pr->n; i++)
			if (pr->res[i].seen < pr->res[old].seen)
				old = i;
		free(pr->res[old].full);
		pr->res[old] = pr->res[--pr->n];
	}
	r = &pr->res[pr->n++];
	r->full = xstrdup(full);
	r->show = show;
	r->seen = now;
	return r;
}

/* Best show among bare's resources: XMPPC_OFFLINE if none. */
static enum xmppc_show
res_best(const struct daemon *d, const char *bare)
{
	const struct presence *pr = lru_get(d->pres, bare);
	enum xmppc_show best = XMPPC_OFFLINE;

	if (pr == NULL)
		return XMPPC_OFFLINE;
	for (size_t i = 0; i < pr->n; i++) {
		if (pr->res[i].show == XMPPC_AVAILABLE)
			return XMPPC_AVAILABLE;
		best = XMPPC_BUSY;
	}
	return best;
}

static int
show_to_bot(enum xmppc_show s)
{
	switch (s) {
	case XMPPC_AVAILABLE:
		return 1;
	case XMPPC_BUSY:
		return 2;
	default:
		return 0;
	}
}

/* Rate limit: max_per_minute messages per bare JID, fixed windows. A
 * stranger who finds the table full of protected rows is dropped; a
 * helper never is. */
static int
rate_allow(struct daemon *d, const char *bare, time_t now)
{
	struct rate *r;
	void **slot;
	int made;

	if ((slot = lru_touch(d->rates, bare, &made)) == NULL) {
		if (config_helper_find(d->cfg, bare) != NULL)
			return 1;
		log_warnx("%zu senders in cases or sessions: dropping %s",
		    lru_count(d->rates), log_peer(bare));
		return 0;
	}
	if (made) {
		*slot = xcalloc(1, sizeof(struct rate));
		((struct rate *)*slot)->start = now;
	}
	r = *slot;
	if (now - r->start >= RATE_WINDOW) {
		r->start = now;
		r->count = 0;
		r->logged = 0;
	}
	if (r->count >= d->cfg->limits.max_per_minute) {
		if (!r->logged) {
			log_warnx("%s sends more than %d messages a minute: "
			    "dropping the rest of this minute", log_peer(bare),
			    d->cfg->limits.max_per_minute);
			r->logged = 1;
		}
		return 0;
	}
	r->count++;
	return 1;
}

static int
rate_expired(void *ud, const char *bare, void *val)
{
	const struct rate *r = val;
	const time_t *now = ud;

	(void)bare;
	return *now - r->start >= RATE_WINDOW;
}

/* Once a minute: windows that ended are forgotten. */
static void
rate_prune(struct daemon *d, time_t now)
{
	lru_each(d->rates, rate_expired, &now);
}

/* Bot actions. */

/* Moves the actions of a (which is emptied) to the pending list. */
static void
pending_take(struct daemon *d, struct bot_actions *a)
{
	for (size_t i = 0; i < a->n; i++) {
		struct bot_action *v = &a->v[i];

		bot_actions_add(&d->pending, v->type, v->peer, v->text);
	}
	bot_actions_clear(a);
}

/* f points into info, which must outlive it. */
static void
facts_from(struct daemon *d, const struct otr_info *info, struct bot_facts *f)
{
	memset(f, 0, sizeof(*f));
	f->encrypted = info->encrypted;
	f->verified = info->verified;
	f->pinned = info->pinned;
	f->their_fp = info->their_fp[0] != '\0' ? info->their_fp : NULL;
	f->our_fp = otr_our_fingerprint(d->o);
}

static void
facts_fill(struct daemon *d, const char *bare, struct bot_facts *f,
    struct otr_info *info)
{
	otr_info(d->o, bare, info);
	facts_from(d, info, f);
}

static void
action_run(struct daemon *d, const struct bot_action *a, time_t now,
    struct bot_actions *more)
{
	cpustat_enter(d->cs, CPUSTAT_OTR);
	switch (a->type) {
	case BOT_SAY:
		if (otr_send(d->o, a->peer, a->text) == -1)
			log_warnx("reply to %s not sent: no encrypted session",
			    log_peer(a->peer));
		break;
	case BOT_SAY_HELPER:
		if (otr_send_pinned(d->o, a->peer, a->text) == -1)
			log_warnx("note for helper %s not sent: session not "
			    "encrypted with a pinned key", log_peer(a->peer));
		break;
	case BOT_OPEN:
		if (otr_open(d->o, a->peer) == -1)
			log_warnx("cannot start OTR with %s",
			    log_peer(a->peer));
		break;
	case BOT_SMP_START:
		if (otr_smp_start(d->o, a->peer, a->text) == -1) {
			struct bot_facts f;
			struct otr_info info;

			facts_fill(d, a->peer, &f, &info);
			bot_smp(d->b, a->peer, BOT_SMP_UNAVAILABLE, &f, now,
			    more);
		}
		break;
	case BOT_END:
		otr_end(d->o, a->peer);
		break;
	}
	cpustat_leave(d->cs);
}

/* Executes pending actions, and those they cause, until none is left. */
static void
flush(struct daemon *d)
{
	struct bot_actions now_list, more;
	time_t now = time(NULL);
	int round;

	bot_actions_init(&now_list);
	bot_actions_init(&more);
	for (round = 0; round < FLUSH_ROUNDS && d->pending.n > 0; round++) {
		/* Swap: callbacks fired below append to d->pending again. */
		struct bot_actions t = now_list;

		now_list = d->pending;
		d->pending = t;
		for (size_t i = 0; i < now_list.n; i++) {
			action_run(d, &now_list.v[i], now, &more);
			pending_take(d, &more);
		}
		bot_actions_clear(&now_list);
	}
	if (d->pending.n > 0) {
		log_error("bot actions kept causing actions; %zu dropped",
		    d->pending.n);
		bot_actions_clear(&d->pending);
	}
	bot_actions_release(&now_list);
	bot_actions_release(&more);
}

/* bot_env / esc_env answers. */

/*
 * Reach of a peer. Helpers: the bot subscribes to them, so their presence
 * is known; an encrypted session with an unpinned key is a mismatch, and
 * dnd/away keeps offers away. People need not be subscribed: a live
 * encrypted session means they are there, unless the resource of that
 * session was seen going offline (then news for them waits in the store).
 */
static int
env_reach(void *ud, const char *bare)
{
	struct daemon *d = ud;
	struct otr_info info;
	enum xmppc_show show;
	char b[JID_BARE_MAX + 1];

	if (jid_bare_into(bare, b, sizeof(b)) != JID_OK)
		return ESC_OFFLINE;
	show = res_best(d, b);
	otr_info(d->o, b, &info);
	if (info.helper) {
		if (show == XMPPC_OFFLINE)
			return ESC_OFFLINE;
		if (info.encrypted && !info.pinned)
			return ESC_MISMATCH;
		if (show == XMPPC_BUSY)
			return ESC_BUSY;
		return info.encrypted ? ESC_SECURE : ESC_ONLINE;
	}
	if (info.encrypted && !info.offline)
		return ESC_SECURE;
	if (show == XMPPC_BUSY)
		return ESC_BUSY;
	return show == XMPPC_OFFLINE ? ESC_OFFLINE : ESC_ONLINE;
}

static int
env_fingerprint(void *ud, const char *bare, char *out)
{
	struct daemon *d = ud;
	struct otr_info info;

	otr_info(d->o, bare, &info);
	if (info.their_hex[0] == '\0')
		return -1;
	util_strlcpy(out, info.their_hex, 41);
	return 0;
}

static const char *
env_on_duty(void *ud, time_t now)
{
	struct daemon *d = ud;

	return d->du != NULL ? duty_sole_name(d->du, now) : NULL;
}

/* A person's active key is verified: SMP with the desk's secret passed
 * (libotr then trusts the fingerprint). News held for a changed key waits
 * for this. */
static int
env_verified(void *ud, const char *bare)
{
	struct daemon *d = ud;
	struct otr_info info;

	otr_info(d->o, bare, &info);
	return !info.helper && info.encrypted && info.verified;
}

static void
presence_changed(struct daemon *d, const char *bare, enum xmppc_show after)
{
	struct bot_actions a;

	bot_actions_init(&a);
	bot_presence(d->b, bare, show_to_bot(after), time(NULL), &a);
	pending_take(d, &a);
	bot_actions_release(&a);
}

/*
 * Reach checks. The bot sees the presence of people who added the desk to
 * their contacts; of the others it only knows that their OTR session is
 * open, and a client closed without ending OTR leaves it open. So before a
 * helper's text is acted on (their words, a claim, a close: news for a
 * person), every person with an open case, an encrypted session and no
 * presence seen is pinged at the full JID of that session, and helpers'
 * texts wait, in order, for the answers (10 s at most, see xmpp.h). A
 * session found gone is taken as an unavailable presence: news for that
 * person waits in the store until their next handshake. The same people are
 * also pinged every CHECK_EVERY seconds. Nobody is added to the roster.
 */

/*
 * The one rule for the tables a stranger can add rows to (people here,
 * and the bot's conversations through bot_env.kept): a configured
 * helper, a person with an open case, or one with an encrypted session is
 * never evicted to make room for a newcomer.
 */
static int
peer_kept(void *ud, const char *bare)
{
	struct daemon *d = ud;
	struct otr_info info;

	if (config_helper_find(d->cfg, bare) != NULL ||
	    (d->esc != NULL && escalate_case_of(d->esc, bare) > 0))
		return 1;
	if (d->o == NULL)
		return 0;
	otr_info(d->o, bare, &info);
	return info.encrypted;
}

/* OTR at max_sessions: a person with an open case keeps the session
 * (helpers' sessions are kept by otr.c itself). */
static int
session_kept(void *ud, const char *bare)
{
	struct daemon *d = ud;

	return d->esc != NULL && escalate_case_of(d->esc, bare) > 0;
}

/* People table: a ping in flight is kept too (its answer is counted). */
static int
person_kept(void *ud, const char *bare, void *val)
{
	const struct contact *p = val;

	return (p != NULL && p->pinging) || peer_kept(ud, bare);
}

static void
person_free(void *val)
{
	struct contact *p = val;

	free(p->full);
	free(p);
}

static struct contact *
person_find(struct daemon *d, const char *bare)
{
	return lru_get(d->people, bare);
}

/* A person wrote from full: the JID to ping is that one. The table is
 * bounded; a newcomer evicts the least recently active stranger (see
 * peer_kept). */
static void
person_heard(struct daemon *d, const char *full, const char *bare)
{
	struct contact *p;
	void **slot;
	int made;

	if (jid_resource(full) == NULL ||
	    config_helper_find(d->cfg, bare) != NULL)
		return;
	if ((slot = lru_touch(d->people, bare, &made)) == NULL) {
		log_warnx("%zu people in cases or sessions: %s not tracked",
		    lru_count(d->people), log_peer(bare));
		return;
	}
	if (made)
		*slot = xcalloc(1, sizeof(struct contact));
	p = *slot;
	if (p->full != NULL && strcmp(p->full, full) == 0)
		return;
	free(p->full);
	p->full = xstrdup(full);
}

static int
person_idle(void *ud, const char *bare, void *val)
{
	struct daemon *d = ud;
	const struct contact *p = val;

	return !p->pinging && escalate_case_of(d->esc, bare) <= 0;
}

/* Forgets people without an open case (they are heard again if they
 * write). */
static void
people_prune(struct daemon *d)
{
	lru_each(d->people, person_idle, d);
}

/* 1 if news for p could go into a session the bot cannot see. */
static int
person_unseen(struct daemon *d, const char *bare)
{
	struct otr_info info;

	if (escalate_case_of(d->esc, bare) <= 0 ||
	    res_best(d, bare) != XMPPC_OFFLINE)
		return 0;
	otr_info(d->o, bare, &info);
	return info.encrypted && !info.offline;
}

struct checks {
	struct daemon	*d;
	time_t		 now;
	int		 all;
};

static int
check_one(void *ud, const char *bare, void *val)
{
	struct checks *c = ud;
	struct daemon *d = c->d;
	struct contact *p = val;
	const char *full;

	if (p->pinging || !person_unseen(d, bare))
		return 0;
	if (!c->all && c->now - p->checked < CHECK_EVERY)
		return 0;
	/* The address of their encrypted session, not the last one
	 * heard from (another client of theirs may have written). */
	if ((full = otr_session_jid(d->o, bare)) == NULL)
		full = p->full;
	if (xmppc_ping_peer(d->x, full) == -1)
		return 0;
	p->pinging = 1;
	p->checked = c->now;
	d->checks++;
	return 0;
}

/* Pings the unseen people: all of them (a helper wrote), or those not
 * pinged for CHECK_EVERY seconds. */
static void
check_person(void *ud, const char *bare)
{
	struct checks *c = ud;
	struct contact *p;
	char key[JID_BARE_MAX + 1];

	/* The table's lower case. */
	if (jid_bare_into(bare, key, sizeof(key)) != JID_OK)
		return;
	if ((p = person_find(c->d, key)) != NULL)
		check_one(c, key, p);
}

/* The walk is over open cases (person_unseen needs one), not over
 * everyone heard from: a helper's message costs the same whatever the
 * number of forgotten strangers. */
static void
checks_start(struct daemon *d, time_t now, int all)
{
	struct checks c = { d, now, all };

	if (d->esc != NULL)
		escalate_each_person(d->esc, check_person, &c);
}

static void
held_add(struct daemon *d, const char *bare, const char *text,
    const struct otr_info *info)
{
	struct held *h;

	d->held = xrealloc(d->held, (d->nheld + 1) * sizeof(*d->held));
	h = &d->held[d->nheld++];
	h->bare = xstrdup(bare);
	h->text = xstrdup(text);
	h->info = *info;
}

/* The pings are answered: the held helpers' texts go to the bot, in the
 * order they came. */
static void
held_release(struct daemon *d)
{
	struct held *v = d->held;
	size_t n = d->nheld;
	time_t now = time(NULL);

	d->held = NULL;
	d->nheld = 0;
	for (size_t i = 0; i < n; i++) {
		struct bot_actions a;
		struct bot_facts f;

		facts_from(d, &v[i].info, &f);
		bot_actions_init(&a);
		bot_text(d->b, v[i].bare, v[i].text, &f, now, &a);
		pending_take(d, &a);
		bot_actions_release(&a);
		free(v[i].bare);
		util_strfreezero(v[i].text);
	}
	free(v);
}

/* otr callbacks. */

static int
otr_cb_inject(void *ud, const char *to_full, const char *body, int hints)
{
	struct daemon *d = ud;
	int rc;

	cpustat_enter(d->cs, CPUSTAT_XMPP);
	rc = xmppc_send_body(d->x, to_full, body, hints);
	cpustat_leave(d->cs);
	return rc;
}

static void
otr_cb_text(void *ud, const char *bare, const char *text)
{
	struct daemon *d = ud;
	struct bot_actions a;
	struct bot_facts f;
	struct otr_info info;

	d->texts++;
	cpustat_enter(d->cs, CPUSTAT_BOT);
	facts_fill(d, bare, &f, &info);
	if (config_helper_find(d->cfg, bare) != NULL) {
		checks_start(d, time(NULL), 1);
		if (d->checks > 0) {
			held_add(d, bare, text, &info);
			cpustat_leave(d->cs);
			return;
		}
	}
	bot_actions_init(&a);
	bot_text(d->b, bare, text, &f, time(NULL), &a);
	pending_take(d, &a);
	bot_actions_release(&a);
	cpustat_leave(d->cs);
}

/*
 * A session of a helper's account whose own key is not pinned (issue 9.1):
 * it gets the refusal about keys, in that session only, and nothing about
 * anyone; the other helpers are alerted. The helper's pinned session, if
 * any, stays on duty; without one it is the ordinary mismatch.
 */
static void
helper_impostor(struct daemon *d, const struct otr_event *ev, time_t now,
    struct bot_actions *a)
{
	const struct config_helper *h = config_helper_find(d->cfg, ev->bare);
	const char *lang = d->cfg->guide.default_language;
	const char *v[] = { "fp", ev->fp != NULL && ev->fp[0] != '\0' ?
	    ev->fp : "?", NULL };
	char *text;

	if (h == NULL)
		return;
	if (h->nlanguages > 0)
		lang = h->languages[0];
	text = phrases_render(d->p, lang, "helper_unpinned", v);
	if (otr_refuse_key(d->o, ev->bare, ev->session, text) == -1)
		log_warnx("refusal about keys to %s not sent",
		    log_peer(ev->full));
	free(text);
	bot_helper_impostor(d->b, ev->bare, now, a);
}

static void
otr_cb_event(void *ud, const struct otr_event *ev)
{
	struct daemon *d = ud;
	struct bot_actions a;
	struct bot_facts f;
	struct otr_info info;
	time_t now = time(NULL);

	cpustat_enter(d->cs, CPUSTAT_BOT);
	bot_actions_init(&a);
	facts_fill(d, ev->bare, &f, &info);
	switch (ev->type) {
	case OTR_EV_SECURE:
		bot_secure(d->b, ev->bare, &f, ev->unread, ev->plaintext, now,
		    &a);
		break;
	case OTR_EV_ENDED:
		bot_ended(d->b, ev->bare, now, &a);
		break;
	case OTR_EV_REFUSED:
		break;
	case OTR_EV_SMP_ANSWERED:
		bot_smp(d->b, ev->bare, BOT_SMP_ANSWERED, &f, now, &a);
		break;
	case OTR_EV_SMP_SUCCEEDED:
		bot_smp(d->b, ev->bare, BOT_SMP_SUCCEEDED, &f, now, &a);
		/* A person whose key changed may now get what waited. */
		if (!info.helper)
			presence_changed(d, ev->bare, res_best(d, ev->bare));
		break;
	case OTR_EV_SMP_PROVED:
		bot_smp(d->b, ev->bare, BOT_SMP_PROVED, &f, now, &a);
		break;
	case OTR_EV_SMP_FAILED:
		bot_smp(d->b, ev->bare, BOT_SMP_FAILED, &f, now, &a);
		break;
	case OTR_EV_SMP_LIMITED:
		bot_smp(d->b, ev->bare, BOT_SMP_LIMITED, &f, now, &a);
		break;
	case OTR_EV_UNPINNED:
		helper_impostor(d, ev, now, &a);
		break;
	}
	pending_take(d, &a);
	bot_actions_release(&a);
	cpustat_leave(d->cs);
}

/*
 * The desk's state for admins: STATE_DIR/status and systemd's STATUS=.
 * READY=1 goes out the first time the bot is online. Counts only; helpers
 * by JID only with log.show_jids (status.h).
 */
static void
status_publish(struct daemon *d, time_t now)
{
	static const char *const reach_words[] = {
		[ESC_OFFLINE] = "offline", [ESC_BUSY] = "busy",
		[ESC_ONLINE] = "online", [ESC_SECURE] = "private",
		[ESC_MISMATCH] = "key mismatch",
	};
	struct status_snap s;
	struct store_case *cases = NULL;
	size_t ncases = 0;
	char *line, *text;

	status_snap_init(&s);
	s.online = d->x != NULL && xmppc_online(d->x);
	s.started = d->started;
	s.sessions = d->o != NULL ? otr_nsessions(d->o) : 0;
	if (d->st != NULL && store_cases_open(d->st, &cases, &ncases) == 0) {
		for (size_t i = 0; i < ncases; i++) {
			if (cases[i].state == STORE_WAITING)
				s.waiting++;
			else if (cases[i].state == STORE_OFFERED)
				s.offered++;
			else if (cases[i].state == STORE_CLAIMED)
				s.claimed++;
			/* danger: words of danger now or of self-harm;
			 * danger to come apart. */
			if (cases[i].danger == ESC_DANGER_LATER)
				s.danger_later++;
			else if (cases[i].danger)
				status_add_danger(&s, cases[i].state ==
				    STORE_CLAIMED, cases[i].opened, now);
		}
		store_cases_free(cases, ncases);
	}
	s.nhelpers = d->cfg->nhelpers;
	s.helpers = xcalloc(s.nhelpers + 1, sizeof(*s.helpers));
	for (size_t i = 0; i < s.nhelpers; i++) {
		const char *jid = d->cfg->helpers[i].jid;
		struct store_helper h;
		int r = env_reach(d, jid);

		s.helpers[i].jid = jid;
		s.helpers[i].reach = r >= 0 && (size_t)r < ARRAY_LEN(reach_words)
		    ? reach_words[r] : "unknown";
		memset(&h, 0, sizeof(h));
		if (d->st != NULL && store_helper_get(d->st, jid, &h) == 0) {
			if (h.blocked || h.duty == STORE_DUTY_OFF)
				s.helpers[i].on_duty = 0;
			else if (h.duty == STORE_DUTY_ON)
				s.helpers[i].on_duty = 1;
			else
				s.helpers[i].on_duty = d->du != NULL &&
				    duty_is_on(d->du, jid, now);
			store_helper_release(&h);
		} else
			s.helpers[i].on_duty = d->du != NULL &&
			    duty_is_on(d->du, jid, now);
	}
	line = status_line(&s);
	if (s.online && !d->ready) {
		notify_ready(line);
		d->ready = 1;
	} else
		notify_status(line);
	text = status_text(&s, d->cfg->log.show_jids, now);
	(void)status_write(d->cfg->state_dir, text);
	free(text);
	free(line);
	free(s.helpers);
	d->status_at = now;
}

/* xmpp callbacks. */

static void
cb_online(void *ud)
{
	struct daemon *d = ud;

	/* Helpers' presence decides who gets offers: ask to see it. */
	for (size_t i = 0; i < d->cfg->nhelpers; i++)
		xmppc_subscribe(d->x, d->cfg->helpers[i].jid);
	log_info("online");
	status_publish(d, time(NULL));
}

static int
pres_gone(void *ud, const char *bare, void *val)
{
	(void)val;
	presence_changed(ud, bare, XMPPC_OFFLINE);
	return 0;
}

static void
cb_offline(void *ud)
{
	struct daemon *d = ud;

	/* Nobody is reachable until the server sends presence again. OTR
	 * sessions are end to end and survive the reconnect. */
	{
		struct lru *old = d->pres;

		d->pres = lru_new(d->table_max + d->cfg->nhelpers, table_kept,
		    presence_free, d);
		lru_each(old, pres_gone, d);
		lru_free(old);
	}
	flush(d);
	log_info("offline; reconnecting");
	status_publish(d, time(NULL));
}

/* A message on its way through OTR (otr_receive_async's cookie). */
struct rx {
	char		 bare[JID_BARE_MAX + 1];
	int		 before;	/* env_reach() before it */
	int		 timed;
	unsigned long	 texts;
	struct timespec	 t0;
};

/* OTR is done with a message (in this thread, or a worker's). */
static void
otr_cb_received(void *ud, void *cookie)
{
	struct daemon *d = ud;
	struct rx *rx = cookie;
	struct timespec t1;

	/* Called inside otr_receive_async (no worker threads) or from
	 * otr_dispatch: either way the bot's work, for cpustat. */
	cpustat_enter(d->cs, CPUSTAT_BOT);
	/* A person who wrote in the session kept while they were offline is
	 * back in it: what waited for them goes out now. (Helpers' reach
	 * follows their presence.) */
	if (rx->before != ESC_SECURE && env_reach(d, rx->bare) == ESC_SECURE &&
	    config_helper_find(d->cfg, rx->bare) == NULL)
		presence_changed(d, rx->bare, res_best(d, rx->bare));
	flush(d);
	/* For bench/run_load.py: stanza in to replies out, no content. */
	if (rx->timed && d->texts != rx->texts) {
		clock_gettime(CLOCK_MONOTONIC, &t1);
		log_debug("text handled in %ld us",
		    (long)((t1.tv_sec - rx->t0.tv_sec) * 1000000L +
		    (t1.tv_nsec - rx->t0.tv_nsec) / 1000L));
	}
	cpustat_leave(d->cs);
	free(rx);
}

static void
cb_message(void *ud, const char *from_full, const char *body, int error)
{
	struct daemon *d = ud;
	struct rx *rx;

	if (error)
		return;		/* never to OTR: it would answer errors */
	rx = xcalloc(1, sizeof(*rx));
	if ((rx->timed = log_get_level() >= LOGL_DEBUG))
		clock_gettime(CLOCK_MONOTONIC, &rx->t0);
	if (jid_bare_into(from_full, rx->bare, sizeof(rx->bare)) != JID_OK ||
	    !rate_allow(d, rx->bare, time(NULL))) {
		/* xmpp.c refuses bad JIDs at the edge */
		free(rx);
		return;
	}
	rx->texts = d->texts;
	cpustat_begin_body(d->cs, body);
	person_heard(d, from_full, rx->bare);
	rx->before = env_reach(d, rx->bare);
	cpustat_enter(d->cs, CPUSTAT_OTR);
	otr_receive_async(d->o, from_full, body, rx);
	cpustat_leave(d->cs);
	cpustat_end(d->cs);
}

static void
cb_presence(void *ud, const char *from_full, enum xmppc_show show)
{
	struct daemon *d = ud;
	struct resource *r;
	char bare[JID_BARE_MAX + 1];
	enum xmppc_show before, after;
	int helper;
	time_t now = time(NULL);

	if (jid_bare_into(from_full, bare, sizeof(bare)) != JID_OK)
		return;		/* xmpp.c refuses such JIDs at the edge */
	helper = config_helper_find(d->cfg, bare) != NULL;
	/* Presence counts against the sender's messages a minute; a
	 * helper's is never dropped. */
	if (!helper && !rate_allow(d, bare, now))
		return;
	cpustat_begin(d->cs, CPUSTAT_PRESENCE);
	r = res_find(d, bare, from_full);
	before = res_best(d, bare);
	if (show == XMPPC_OFFLINE) {
		if (r != NULL)
			res_remove(d, bare, r);
		otr_offline(d->o, from_full);
	} else if (r != NULL) {
		int made;

		r->show = show;
		r->seen = now;
		(void)lru_touch(d->pres, bare, &made);	/* most recent */
	} else if (res_add(d, bare, from_full, show, now) == NULL) {
		log_warnx("%zu JIDs in cases or sessions: presence of %s "
		    "not kept", lru_count(d->pres), log_peer(bare));
	}
	after = res_best(d, bare);
	if (before != after)
		presence_changed(d, bare, after);
	flush(d);
	cpustat_end(d->cs);
}

/* The answer to a ping of a person's full JID (see checks_start). */
static void
cb_reach(void *ud, const char *full, int there)
{
	struct daemon *d = ud;
	struct contact *p;
	char bare[JID_BARE_MAX + 1];
	int before;

	if (jid_bare_into(full, bare, sizeof(bare)) != JID_OK)
		return;		/* xmpp.c refuses such JIDs at the edge */
	if ((p = person_find(d, bare)) != NULL && p->pinging) {
		p->pinging = 0;
		d->checks--;
	}
	if (!there) {
		/* As an unavailable presence of that full JID. */
		before = env_reach(d, bare);
		otr_offline(d->o, full);
		if (env_reach(d, bare) != before) {
			log_info("%s is gone (ping): news for them waits",
			    log_peer(full));
			presence_changed(d, bare, res_best(d, bare));
		}
	}
	if (d->checks == 0)
		held_release(d);
	flush(d);
}

#ifdef HEAP_HUGE
/* Marks [from, to) of the heap for huge pages, or no longer; whole huge
 * pages only (the rest stays as it is). */
static int
heap_advise(uintptr_t from, uintptr_t to, int advice)
{
	from = (from + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
	to &= ~(HUGE_PAGE - 1);
	if (to <= from)
		return 0;
	return madvise((void *)from, to - from, advice);
}
#endif

/*
 * After a batch of sessions ended (idle expiry, a wave of people leaving),
 * the heap pages they used go back to the system (glibc's malloc_trim:
 * free pages anywhere in the heap, not only at its top), so that the RSS
 * goes down with the sessions. Once per TRIM_AFTER sessions gone below the
 * last peak: its cost (a walk of the heap) is not paid per session.
 */
static void
heap_trim(struct daemon *d)
{
	size_t n = otr_nsessions(d->o);

	if (n > d->trim_peak)
		d->trim_peak = n;
	if (d->trim_peak - n < TRIM_AFTER)
		return;
	d->trim_peak = n;
#ifdef HEAP_HUGE
	if (!d->heap_huge_off)
		(void)heap_advise(d->heap_base, (uintptr_t)sbrk(0),
		    MADV_NOHUGEPAGE);
#endif
#ifdef HAVE_MALLOC_TRIM
	(void)malloc_trim(0);
	log_debug("heap trimmed: %zu sessions", n);
#endif
}

/*
 * Each new session's keys take about six new pages of the heap, and on
 * a virtual machine each first touch of a page costs a fault of about
 * 10 us (docs/performance.md, "Instructions and the heap's page
 * faults"). So the heap grows by at least HEAP_PAD (M_TOP_PAD, from
 * daemon_run) and what it gained is marked for transparent huge pages:
 * one fault then maps 2 MB. Only once the heap has grown by HUGE_FROM
 * (about 650 sessions): a huge page is resident as a whole, and with a
 * hundred sessions its 2 MB would be 20 KB a session more. Called after
 * each round of the event loop; the allocations of the round that grew
 * the heap still fault a page at a time. heap_trim() takes the mark off
 * before it gives pages back, so that the kernel does not fill the freed
 * holes back with huge pages.
 */
static void
heap_grown(struct daemon *d)
{
#ifdef HEAP_HUGE
	uintptr_t top = (uintptr_t)sbrk(0);

	if (top == (uintptr_t)-1)
		return;
	if (top > d->heap_top && d->heap_top != 0 && !d->heap_huge_off &&
	    top >= d->heap_base + HUGE_FROM &&
	    heap_advise(d->heap_top, top, MADV_HUGEPAGE) == -1) {
		log_debug("heap: no huge pages: %s", strerror(errno));
		d->heap_huge_off = 1;
	}
	d->heap_top = top;
#else
	(void)d;
#endif
}

static void
tick(struct daemon *d, time_t now)
{
	struct bot_actions a;
	char *line;

	cpustat_begin(d->cs, CPUSTAT_TICK);
	bot_actions_init(&a);
	bot_tick(d->b, now, &a);
	pending_take(d, &a);
	bot_actions_release(&a);
	cpustat_enter(d->cs, CPUSTAT_OTR);
	otr_poll(d->o, now);
	cpustat_leave(d->cs);
	otr_dispatch(d->o);
	checks_start(d, now, 0);
	flush(d);
	heap_trim(d);
	if (now / RATE_WINDOW != d->last_tick / RATE_WINDOW) {
		rate_prune(d, now);
		people_prune(d);
	}
	d->last_tick = now;
	if (now - d->status_at >= STATUS_EVERY)
		status_publish(d, now);
	cpustat_end(d->cs);
	/* For bench/run_load.py: totals since start, when they moved. */
	if ((line = cpustat_line(d->cs)) != NULL) {
		log_debug("cpu by kind (n, us bot/otr/xmpp): %s", line);
		free(line);
	}
}

/*
 * A plaintext notice (phrase key: "refusal", or "refusal_auto" when the
 * handshake starts by itself): the phrase in the default language, then in
 * each other language the phrases have, one line each. NULL when no
 * language has the phrase.
 */
/* One language's line of a notice, unless it has none or says the same. */
static void
notice_add(const struct daemon *d, struct buf *b, const char *lang,
    const char *key)
{
	char *s;

	if (!phrases_exists(d->p, lang, key))
		return;
	s = phrases_render(d->p, lang, key, NULL);
	if (b->len == 0 || strstr(b->s, s) == NULL) {
		if (b->len > 0)
			buf_addc(b, '\n');
		buf_adds(b, s);
	}
	free(s);
}

static char *
notice_text(const struct daemon *d, const char *key)
{
	const char *def = d->cfg->guide.default_language;
	const struct lang_row *r;
	struct buf b;

	buf_init(&b);
	notice_add(d, &b, def, key);
	for (size_t i = 0; (r = lang_row_at(i)) != NULL; i++)
		if (strcmp(r->code, def) != 0)
			notice_add(d, &b, r->code, key);
	if (b.len == 0) {
		buf_release(&b);
		return NULL;
	}
	return buf_detach(&b);
}

static char *
refusal_text(const struct daemon *d)
{
	char *s = notice_text(d, "refusal");

	return s != NULL ? s : xstrdup("This help desk only answers in "
	    "private (OTR) conversations. Please turn on OTR encryption.");
}

/* The escalation machine on d's store and rota (open cases from the
 * store). */
static struct escalate *
escalation_new(struct daemon *d)
{
	struct esc_env env;

	memset(&env, 0, sizeof(env));
	env.ud = d;
	env.reach = env_reach;
	env.fingerprint = env_fingerprint;
	env.verified = env_verified;
	return escalate_new(d->cfg, d->st, d->du, &env);
}

/* The store, the rota and the escalation machine. */
static int
escalation_setup(struct daemon *d)
{
	d->st = store_open(d->cfg->state_dir);
	if (d->st == NULL) {
		/* store_open() said what failed; this says what it means. */
		log_error("cannot use the state directory %s: the bot must be "
		    "able to create and write files there (state_dir); stopping",
		    log_vis(d->cfg->state_dir));
		return -1;
	}
	d->du = duty_new(d->cfg);
	if (d->du == NULL)
		return -1;
	d->esc = escalation_new(d);
	return d->esc == NULL ? -1 : 0;
}

static int
setup(struct daemon *d)
{
	const struct config *cfg = d->cfg;
	const char *lang = cfg->guide.default_language;
	struct otr_callbacks ocb;
	struct xmppc_callbacks xcb;
	struct bot_env benv;

	if (sources_load(cfg, &d->g, &d->p, &d->lx, &d->s) == -1)
		return -1;
	d->refusal = refusal_text(d);

	if (escalation_setup(d) == -1)
		return -1;
	memset(&benv, 0, sizeof(benv));
	benv.ud = d;
	benv.reach = env_reach;
	benv.fingerprint = env_fingerprint;
	benv.on_duty = env_on_duty;
	benv.kept = peer_kept;
	d->b = bot_new(cfg, d->g, d->s, d->p, d->esc, &benv);
	if (d->b == NULL)
		return -1;

	memset(&ocb, 0, sizeof(ocb));
	ocb.ud = d;
	ocb.inject = otr_cb_inject;
	ocb.text = otr_cb_text;
	ocb.event = otr_cb_event;
	ocb.received = otr_cb_received;
	ocb.wake = otr_cb_wake;
	ocb.kept = session_kept;
	d->o = otr_new(cfg, d->refusal, &ocb);
	if (d->o == NULL)
		return -1;
	{
		char *autotext = notice_text(d, "refusal_auto");

		otr_set_auto_notice(d->o, autotext);
		free(autotext);
	}

	memset(&xcb, 0, sizeof(xcb));
	xcb.ud = d;
	xcb.online = cb_online;
	xcb.offline = cb_offline;
	xcb.message = cb_message;
	xcb.presence = cb_presence;
	xcb.reach = cb_reach;
	d->x = xmppc_new(cfg, &xcb);
	if (d->x == NULL)
		return -1;
	/* Contacts lists show what the desk is, in the default language,
	 * unless the admin wrote a status. */
	if (cfg->account.status == NULL &&
	    phrases_exists(d->p, lang, "presence_status")) {
		char *st = phrases_render(d->p, lang, "presence_status", NULL);

		xmppc_set_status(d->x, st);
		free(st);
	}
	return 0;
}

static void
teardown(struct daemon *d)
{
	/* otr before xmpp: its goodbyes go out through the link (or are
	 * dropped if it is down). */
	otr_free(d->o);
	bot_free(d->b);
	escalate_free(d->esc);
	duty_free(d->du);
	store_close(d->st);
	if (d->x != NULL)
		xmppc_free(d->x);
	search_free(d->s);
	phrases_free(d->p);
	guide_free(d->g);
	lexicon_free(d->lx);
	free(d->refusal);
	bot_actions_release(&d->pending);
	lru_free(d->pres);
	lru_free(d->rates);
	lru_free(d->people);
	for (size_t i = 0; i < d->nheld; i++) {
		free(d->held[i].bare);
		util_strfreezero(d->held[i].text);
	}
	free(d->held);
}

/* Reload. */

static int
str_same(const char *a, const char *b)
{
	return (a == NULL && b == NULL) ||
	    (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* What only a restart can change: the account, the state directory and
 * the log file. */
static int
restart_keys_same(const struct config *a, const struct config *b)
{
	return str_same(a->account.jid, b->account.jid) &&
	    str_same(a->account.password, b->account.password) &&
	    str_same(a->account.resource, b->account.resource) &&
	    str_same(a->account.host, b->account.host) &&
	    a->account.port == b->account.port &&
	    a->account.tls == b->account.tls &&
	    str_same(a->account.ca_file, b->account.ca_file) &&
	    str_same(a->account.status, b->account.status) &&
	    str_same(a->state_dir, b->state_dir) &&
	    str_same(a->log.file, b->log.file);
}

/* Parses the configuration file again into next; logs every problem as
 * FILE:LINE:COL: message. Returns the number of problems. */
static int
reload_parse(const char *path, struct config *next)
{
	char *text = NULL, *line, *nl;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int n;

	if (f == NULL) {
		log_warn("reload: open_memstream");
		config_init(next);
		return 1;
	}
	n = config_load(path, next, f);
	fclose(f);
	for (line = text; line != NULL && *line != '\0'; line = nl) {
		if ((nl = strchr(line, '\n')) != NULL)
			*nl++ = '\0';
		log_error("reload: %s", line);
	}
	free(text);
	return n;
}

/*
 * SIGHUP: the configuration, guide pages, phrases and rota, all or nothing.
 * Everything new is built first; on any problem the running configuration
 * stays, untouched. Then the new values are swapped into the live struct
 * (otr and xmpp read it through their pointer, so changed pins apply to the
 * next message), the escalation machine is made again from the store (the
 * open cases, a removed helper's offers gone) and every helper's and
 * person's reach is told to it again. OTR sessions and the XMPP link are
 * not touched.
 */
static void
reload(struct daemon *d)
{
	struct config *next = xcalloc(1, sizeof(*next)), old;
	struct guide *g;
	struct phrases *p;
	struct search *s;
	struct lexicon *lx;
	struct duty *du;
	struct escalate *esc;
	struct store_case *cases = NULL;
	size_t ncases = 0;
	time_t now = time(NULL);
	int show_jids = d->live->log.show_jids, level = d->live->log.level;

	notify_reloading();
	flush(d);
	log_info("SIGHUP: reloading %s", log_vis(d->live->path));
	if (reload_parse(d->live->path, next) > 0) {
		log_error("reload: the running configuration is kept");
		goto keep;
	}
	if (!restart_keys_same(d->live, next)) {
		log_error("reload: account, state_dir and log.file only change "
		    "with a restart; the running configuration is kept");
		goto keep;
	}
	/* The data directory comes from the command line, not the file. */
	next->guide.data_dir = d->live->guide.data_dir;
	if (sources_load(next, &g, &p, &lx, &s) == -1) {
		log_error("reload: the running configuration is kept");
		goto keep;
	}
	/* The rota is checked on next, then made again on the live struct. */
	if ((du = duty_new(next)) != NULL)
		duty_free(du);
	else {
		search_free(s);
		phrases_free(p);
		guide_free(g);
		lexicon_free(lx);
		log_error("reload: the running configuration is kept");
		goto keep;
	}

	/* Commit. The old escalation machine and rota point into the old
	 * helpers: they go before the old configuration does. */
	escalate_free(d->esc);
	d->esc = NULL;
	duty_free(d->du);
	otr_pause(d->o);	/* OTR's worker threads read the configuration */
	old = *d->live;
	*d->live = *next;
	otr_resume(d->o);
	free(next);
	next = NULL;
	if ((d->du = duty_new(d->live)) == NULL)
		fatalx("reload: the rota checked a moment ago fails");
	esc = escalation_new(d);
	d->esc = esc;
	bot_reload(d->b, g, s, p, esc);
	search_free(d->s);
	phrases_free(d->p);
	guide_free(d->g);
	lexicon_free(d->lx);
	d->g = g;
	d->p = p;
	d->lx = lx;
	d->s = s;
	config_release(&old);
	otr_pause(d->o);	/* and log.c's settings */
	if (d->live->log.level != level)
		log_set_level((enum log_level)d->live->log.level);
	if (d->live->log.show_jids != show_jids)
		log_set_peer_privacy(NULL, 0, d->live->log.show_jids);
	otr_resume(d->o);

	/* The new machine knows nobody's reach yet. */
	for (size_t i = 0; i < d->cfg->nhelpers; i++)
		presence_changed(d, d->cfg->helpers[i].jid,
		    res_best(d, d->cfg->helpers[i].jid));
	if (store_cases_open(d->st, &cases, &ncases) == 0) {
		for (size_t i = 0; i < ncases; i++)
			presence_changed(d, cases[i].person,
			    res_best(d, cases[i].person));
		store_cases_free(cases, ncases);
	}
	flush(d);
	log_info("reloaded: %zu helper(s), %zu shift(s), %zu fallback(s)",
	    d->cfg->nhelpers, d->cfg->duty.nshifts, d->cfg->duty.nfallback);
keep:
	if (next != NULL) {
		config_release(next);
		free(next);
	}
	d->ready = 0;		/* READY=1 again, with the status */
	status_publish(d, now);
}

int
daemon_run(struct config *cfg)
{
	struct daemon d;
	int status = 0;

	memset(&d, 0, sizeof(d));
	d.cfg = cfg;
	d.live = cfg;
	/* 8 per allowed session: room for every live session's resources
	 * and a margin of strangers, within [TABLE_MIN, TABLE_MAX]. */
	d.table_max = cfg->limits.max_sessions * 8;
	if (d.table_max < TABLE_MIN)
		d.table_max = TABLE_MIN;
	if (d.table_max > TABLE_MAX)
		d.table_max = TABLE_MAX;
	d.people = lru_new(d.table_max, person_kept, person_free, &d);
	d.pres = lru_new(d.table_max + cfg->nhelpers, table_kept,
	    presence_free, &d);
	d.rates = lru_new(d.table_max + cfg->nhelpers, table_kept, free, &d);
	bot_actions_init(&d.pending);
	d.cs = cpustat_new(log_get_level() >= LOGL_DEBUG);
	if (signals_setup() == -1)
		return 1;
	if (setup(&d) == -1 || xmppc_start(d.x) == -1) {
		teardown(&d);
		cpustat_free(d.cs);
		return 1;
	}

#ifdef HEAP_HUGE
	(void)mallopt(M_TOP_PAD, (int)HEAP_PAD);
	d.heap_base = d.heap_top = (uintptr_t)sbrk(0);
#endif
	d.last_tick = time(NULL);
	d.started = d.last_tick;
	notify_init();
	while (!got_stop) {
		time_t now;

		/* libstrophe's select() watches only its socket: an OTR
		 * worker with a result ends it with SIGUSR1 (otr_sleep_ms,
		 * otr_cb_wake). While the workers have enough to do, the
		 * socket is not read: messages wait there, not in their
		 * queues (otr_room); docs/design.md, "Threads". */
		otr_dispatch(d.o);
		flush(&d);
		if (otr_room(d.o))
			xmppc_run_once(d.x, otr_sleep_ms(d.o, 200));
		else
			otr_wait_room(d.o, OTR_WAKE_BOUND_MS);
		otr_dispatch(d.o);
		flush(&d);
		heap_grown(&d);
		notify_watchdog();
		if (got_hup) {
			got_hup = 0;
			reload(&d);
		}
		now = time(NULL);
		if (now != d.last_tick)
			tick(&d, now);
	}
	log_info("stopping");
	notify_stopping();
	/* DISCONNECTED to every encrypted peer while the link is up. */
	otr_end_all(d.o);
	xmppc_stop(d.x, STOP_TIMEOUT_MS);
	teardown(&d);
	cpustat_free(d.cs);
	return status;
}
