/* daemon: the running bot, its event loop and the wiring (see daemon.h). */
#include "ac-config.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bot.h"
#include "config.h"
#include "daemon.h"
#include "duty.h"
#include "escalate.h"
#include "guide.h"
#include "log.h"
#include "otr.h"
#include "phrases.h"
#include "search.h"
#include "store.h"
#include "util.h"
#include "xmpp.h"

#define PRESENCE_MAX	8192	/* full JIDs tracked */
#define RATE_MAX	8192	/* bare JIDs with a rate window */
#define RATE_WINDOW	60	/* seconds */
#define STOP_TIMEOUT_MS	2000
#define FLUSH_ROUNDS	16	/* actions causing actions: a bound */
#define JID_MAX		512
#define PEOPLE_MAX	8192	/* people tracked for reach checks */
#define CHECK_EVERY	60	/* s: ping people in a case, no presence */

/* What the daemon knows of one available resource. */
struct resource {
	char		*full;
	char		*bare;		/* lower case */
	enum xmppc_show	 show;
};

/* Messages counted for one bare JID in the current minute. */
struct rate {
	char	*bare;
	time_t	 start;
	int	 count;
	int	 logged;	/* the drop was logged in this window */
};

/*
 * A person (not a helper) who wrote to the bot: the full JID their session
 * is with, so that the bot can ping it when it cannot see their presence.
 */
struct person {
	char	*bare;		/* lower case */
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
	struct xmppc		*x;
	struct otr		*o;
	struct bot		*b;
	struct escalate		*esc;
	struct store		*st;
	struct duty		*du;
	struct guide		*g;
	struct search		*s;
	struct phrases		*p;
	char			*refusal;

	/* Actions the bot asked for, executed once the current library
	 * call has returned (never from inside libotr's callbacks). */
	struct bot_actions	 pending;

	struct resource		*res;
	size_t			 nres;
	struct rate		*rates;
	size_t			 nrates;
	time_t			 last_tick;

	struct person		*people;
	size_t			 npeople;
	int			 checks;	/* people being pinged */
	struct held		*held;
	size_t			 nheld;
	unsigned long		 texts;		/* decrypted texts handed over */
};

static volatile sig_atomic_t	 got_stop;
static volatile sig_atomic_t	 got_hup;

static void
on_signal(int sig)
{
	if (sig == SIGHUP)
		got_hup = 1;
	else
		got_stop = 1;
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
	sa.sa_handler = SIG_IGN;
	if (sigaction(SIGPIPE, &sa, NULL) == -1) {
		log_warn("sigaction");
		return -1;
	}
	return 0;
}

/* Lower-cased bare JID of a full or bare JID into out. */
static void
jid_bare(const char *jid, char *out, size_t size)
{
	size_t i;

	for (i = 0; jid[i] != '\0' && jid[i] != '/' && i + 1 < size; i++) {
		char c = jid[i];

		out[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
	}
	out[i] = '\0';
}

/* Presence, per full JID. */

static struct resource *
res_find(struct daemon *d, const char *full)
{
	for (size_t i = 0; i < d->nres; i++)
		if (util_strcasecmp(d->res[i].full, full) == 0)
			return &d->res[i];
	return NULL;
}

static void
res_remove(struct daemon *d, struct resource *r)
{
	free(r->full);
	free(r->bare);
	*r = d->res[--d->nres];
}

/* Best show among bare's resources: XMPPC_OFFLINE if none. */
static enum xmppc_show
res_best(const struct daemon *d, const char *bare)
{
	enum xmppc_show best = XMPPC_OFFLINE;

	for (size_t i = 0; i < d->nres; i++) {
		if (strcmp(d->res[i].bare, bare) != 0)
			continue;
		if (d->res[i].show == XMPPC_AVAILABLE)
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

/* Rate limit: max_per_minute messages per bare JID, fixed windows. */

static int
rate_allow(struct daemon *d, const char *bare, time_t now)
{
	struct rate *r = NULL;

	for (size_t i = 0; i < d->nrates; i++) {
		if (strcmp(d->rates[i].bare, bare) == 0) {
			r = &d->rates[i];
			break;
		}
	}
	if (r == NULL) {
		if (d->nrates == RATE_MAX)
			return 0;	/* a flood of senders: wait for windows */
		d->rates = xrealloc(d->rates, (d->nrates + 1) *
		    sizeof(*d->rates));
		r = &d->rates[d->nrates++];
		r->bare = xstrdup(bare);
		r->start = now;
		r->count = 0;
		r->logged = 0;
	}
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

static void
rate_prune(struct daemon *d, time_t now)
{
	size_t i = 0;

	while (i < d->nrates) {
		if (now - d->rates[i].start >= RATE_WINDOW) {
			free(d->rates[i].bare);
			d->rates[i] = d->rates[--d->nrates];
		} else {
			i++;
		}
	}
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
		if (otr_smp_start(d->o, a->peer) == -1) {
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
	char b[JID_MAX];

	jid_bare(bare, b, sizeof(b));
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

static struct person *
person_find(struct daemon *d, const char *bare)
{
	for (size_t i = 0; i < d->npeople; i++)
		if (strcmp(d->people[i].bare, bare) == 0)
			return &d->people[i];
	return NULL;
}

/* A person wrote from full: the JID to ping is that one. */
static void
person_heard(struct daemon *d, const char *full, const char *bare)
{
	struct person *p;

	if (strchr(full, '/') == NULL ||
	    config_helper_find(d->cfg, bare) != NULL)
		return;
	if ((p = person_find(d, bare)) != NULL) {
		if (strcmp(p->full, full) == 0)
			return;
		free(p->full);
	} else {
		if (d->npeople == PEOPLE_MAX)
			return;
		d->people = xrealloc(d->people, (d->npeople + 1) *
		    sizeof(*d->people));
		p = &d->people[d->npeople++];
		memset(p, 0, sizeof(*p));
		p->bare = xstrdup(bare);
	}
	p->full = xstrdup(full);
}

/* Forgets people without an open case (they are heard again if they
 * write). */
static void
people_prune(struct daemon *d)
{
	size_t i = 0;

	while (i < d->npeople) {
		struct person *p = &d->people[i];

		if (p->pinging || escalate_case_of(d->esc, p->bare) > 0) {
			i++;
			continue;
		}
		free(p->bare);
		free(p->full);
		*p = d->people[--d->npeople];
	}
}

/* 1 if news for p could go into a session the bot cannot see. */
static int
person_unseen(struct daemon *d, const struct person *p)
{
	struct otr_info info;

	if (escalate_case_of(d->esc, p->bare) <= 0 ||
	    res_best(d, p->bare) != XMPPC_OFFLINE)
		return 0;
	otr_info(d->o, p->bare, &info);
	return info.encrypted && !info.offline;
}

/* Pings the unseen people: all of them (a helper wrote), or those not
 * pinged for CHECK_EVERY seconds. */
static void
checks_start(struct daemon *d, time_t now, int all)
{
	for (size_t i = 0; i < d->npeople; i++) {
		struct person *p = &d->people[i];

		if (p->pinging || !person_unseen(d, p))
			continue;
		if (!all && now - p->checked < CHECK_EVERY)
			continue;
		if (xmppc_ping_peer(d->x, p->full) == -1)
			continue;
		p->pinging = 1;
		p->checked = now;
		d->checks++;
	}
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
		free(v[i].text);
	}
	free(v);
}

/* otr callbacks. */

static int
otr_cb_inject(void *ud, const char *to_full, const char *body, int hints)
{
	struct daemon *d = ud;

	return xmppc_send_body(d->x, to_full, body, hints);
}

static void
otr_cb_text(void *ud, const char *bare, const char *text)
{
	struct daemon *d = ud;
	struct bot_actions a;
	struct bot_facts f;
	struct otr_info info;

	d->texts++;
	facts_fill(d, bare, &f, &info);
	if (config_helper_find(d->cfg, bare) != NULL) {
		checks_start(d, time(NULL), 1);
		if (d->checks > 0) {
			held_add(d, bare, text, &info);
			return;
		}
	}
	bot_actions_init(&a);
	bot_text(d->b, bare, text, &f, time(NULL), &a);
	pending_take(d, &a);
	bot_actions_release(&a);
}

static void
otr_cb_event(void *ud, const struct otr_event *ev)
{
	struct daemon *d = ud;
	struct bot_actions a;
	struct bot_facts f;
	struct otr_info info;
	time_t now = time(NULL);

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
		break;
	case OTR_EV_SMP_FAILED:
		bot_smp(d->b, ev->bare, BOT_SMP_FAILED, &f, now, &a);
		break;
	case OTR_EV_SMP_LIMITED:
		bot_smp(d->b, ev->bare, BOT_SMP_LIMITED, &f, now, &a);
		break;
	}
	pending_take(d, &a);
	bot_actions_release(&a);
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
}

static void
cb_offline(void *ud)
{
	struct daemon *d = ud;

	/* Nobody is reachable until the server sends presence again. OTR
	 * sessions are end to end and survive the reconnect. */
	while (d->nres > 0) {
		char *bare = xstrdup(d->res[d->nres - 1].bare);

		for (size_t i = d->nres; i-- > 0; )
			if (strcmp(d->res[i].bare, bare) == 0)
				res_remove(d, &d->res[i]);
		presence_changed(d, bare, XMPPC_OFFLINE);
		free(bare);
	}
	flush(d);
	log_info("offline; reconnecting");
}

static void
cb_message(void *ud, const char *from_full, const char *body, int error)
{
	struct daemon *d = ud;
	char bare[JID_MAX];
	int before, timed = log_get_level() >= LOGL_DEBUG;
	unsigned long texts = d->texts;
	struct timespec t0, t1;

	if (error)
		return;		/* never to OTR: it would answer errors */
	if (timed)
		clock_gettime(CLOCK_MONOTONIC, &t0);
	jid_bare(from_full, bare, sizeof(bare));
	if (!rate_allow(d, bare, time(NULL)))
		return;
	person_heard(d, from_full, bare);
	before = env_reach(d, bare);
	otr_receive(d->o, from_full, body);
	/* A person who wrote in the session kept while they were offline is
	 * back in it: what waited for them goes out now. (Helpers' reach
	 * follows their presence.) */
	if (before != ESC_SECURE && env_reach(d, bare) == ESC_SECURE &&
	    config_helper_find(d->cfg, bare) == NULL)
		presence_changed(d, bare, res_best(d, bare));
	flush(d);
	/* For bench/run_load.py: stanza in to replies out, no content. */
	if (timed && d->texts != texts) {
		clock_gettime(CLOCK_MONOTONIC, &t1);
		log_debug("text handled in %ld us",
		    (long)((t1.tv_sec - t0.tv_sec) * 1000000L +
		    (t1.tv_nsec - t0.tv_nsec) / 1000L));
	}
}

static void
cb_presence(void *ud, const char *from_full, enum xmppc_show show)
{
	struct daemon *d = ud;
	struct resource *r = res_find(d, from_full);
	char bare[JID_MAX];
	enum xmppc_show before, after;

	jid_bare(from_full, bare, sizeof(bare));
	before = res_best(d, bare);
	if (show == XMPPC_OFFLINE) {
		if (r != NULL)
			res_remove(d, r);
		otr_offline(d->o, from_full);
	} else if (r != NULL) {
		r->show = show;
	} else if (d->nres < PRESENCE_MAX) {
		d->res = xrealloc(d->res, (d->nres + 1) * sizeof(*d->res));
		d->res[d->nres].full = xstrdup(from_full);
		d->res[d->nres].bare = xstrdup(bare);
		d->res[d->nres].show = show;
		d->nres++;
	}
	after = res_best(d, bare);
	if (before != after)
		presence_changed(d, bare, after);
	flush(d);
}

/* The answer to a ping of a person's full JID (see checks_start). */
static void
cb_reach(void *ud, const char *full, int there)
{
	struct daemon *d = ud;
	struct person *p;
	char bare[JID_MAX];
	int before;

	jid_bare(full, bare, sizeof(bare));
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

static void
tick(struct daemon *d, time_t now)
{
	struct bot_actions a;

	bot_actions_init(&a);
	bot_tick(d->b, now, &a);
	pending_take(d, &a);
	bot_actions_release(&a);
	otr_poll(d->o, now);
	checks_start(d, now, 0);
	flush(d);
	if (now / RATE_WINDOW != d->last_tick / RATE_WINDOW) {
		rate_prune(d, now);
		people_prune(d);
	}
	d->last_tick = now;
}

/*
 * The plaintext refusal notice: the short "refusal" phrase in the default
 * language, then in each other language the phrases have, one line each.
 */
static char *
refusal_text(const struct daemon *d)
{
	static const char *const langs[] = {
		"en", "fr", "es", "de", "it", "pt", "ar", "ru", "fa", "tr",
	};
	const char *def = d->cfg->guide.default_language != NULL ?
	    d->cfg->guide.default_language : "en";
	struct buf b;
	char *s;

	buf_init(&b);
	for (size_t i = 0; i <= ARRAY_LEN(langs); i++) {
		const char *lang = i == 0 ? def : langs[i - 1];

		if (i > 0 && strcmp(lang, def) == 0)
			continue;
		if (!phrases_exists(d->p, lang, "refusal"))
			continue;
		s = phrases_render(d->p, lang, "refusal", NULL);
		if (strstr(b.s != NULL ? b.s : "", s) == NULL) {
			if (b.len > 0)
				buf_addc(&b, '\n');
			buf_adds(&b, s);
		}
		free(s);
	}
	if (b.len == 0)
		buf_adds(&b, "This help desk only answers in private (OTR) "
		    "conversations. Please turn on OTR encryption.");
	return buf_detach(&b);
}

/* The store, the rota and the escalation machine. */
static int
escalation_setup(struct daemon *d)
{
	struct esc_env env;

	d->st = store_open(d->cfg->state_dir);
	if (d->st == NULL)
		return -1;
	d->du = duty_new(d->cfg);
	if (d->du == NULL)
		return -1;
	memset(&env, 0, sizeof(env));
	env.ud = d;
	env.reach = env_reach;
	env.fingerprint = env_fingerprint;
	d->esc = escalate_new(d->cfg, d->st, d->du, &env);
	return d->esc == NULL ? -1 : 0;
}

static int
setup(struct daemon *d)
{
	const struct config *cfg = d->cfg;
	const char *lang = cfg->guide.default_language != NULL ?
	    cfg->guide.default_language : "en";
	struct otr_callbacks ocb;
	struct xmppc_callbacks xcb;
	struct bot_env benv;
	int n = 0;

	d->g = guide_new();
	d->p = phrases_new();
	for (size_t i = 0; i < cfg->guide.npaths; i++) {
		int k = guide_load_dir(d->g, cfg->guide.paths[i], lang);

		if (k == -1) {
			log_error("cannot read guide directory %s",
			    log_vis(cfg->guide.paths[i]));
			return -1;
		}
		n += k;
		if (phrases_load_dir(d->p, cfg->guide.paths[i]) == -1)
			log_warnx("no phrases loaded from %s",
			    log_vis(cfg->guide.paths[i]));
	}
	log_info("guide: %d page(s), %zu section(s)", n,
	    guide_nsections(d->g));
	d->s = search_new(d->g);
	d->refusal = refusal_text(d);

	if (escalation_setup(d) == -1)
		return -1;
	memset(&benv, 0, sizeof(benv));
	benv.ud = d;
	benv.reach = env_reach;
	benv.fingerprint = env_fingerprint;
	d->b = bot_new(cfg, d->g, d->s, d->p, d->esc, &benv);
	if (d->b == NULL)
		return -1;

	memset(&ocb, 0, sizeof(ocb));
	ocb.ud = d;
	ocb.inject = otr_cb_inject;
	ocb.text = otr_cb_text;
	ocb.event = otr_cb_event;
	d->o = otr_new(cfg, d->refusal, &ocb);
	if (d->o == NULL)
		return -1;

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
	free(d->refusal);
	bot_actions_release(&d->pending);
	for (size_t i = 0; i < d->nres; i++) {
		free(d->res[i].full);
		free(d->res[i].bare);
	}
	free(d->res);
	for (size_t i = 0; i < d->nrates; i++)
		free(d->rates[i].bare);
	free(d->rates);
	for (size_t i = 0; i < d->npeople; i++) {
		free(d->people[i].bare);
		free(d->people[i].full);
	}
	free(d->people);
	for (size_t i = 0; i < d->nheld; i++) {
		free(d->held[i].bare);
		free(d->held[i].text);
	}
	free(d->held);
}

int
daemon_run(const struct config *cfg)
{
	struct daemon d;
	int status = 0;

	memset(&d, 0, sizeof(d));
	d.cfg = cfg;
	bot_actions_init(&d.pending);
	if (signals_setup() == -1)
		return 1;
	if (setup(&d) == -1 || xmppc_start(d.x) == -1) {
		teardown(&d);
		return 1;
	}

	d.last_tick = time(NULL);
	while (!got_stop) {
		time_t now;

		xmppc_run_once(d.x, 200);
		if (got_hup) {
			got_hup = 0;
			log_info("SIGHUP: reloading is not supported; restart "
			    "the service to apply a new configuration");
		}
		now = time(NULL);
		if (now != d.last_tick)
			tick(&d, now);
	}
	log_info("stopping");
	/* DISCONNECTED to every encrypted peer while the link is up. */
	otr_end_all(d.o);
	xmppc_stop(d.x, STOP_TIMEOUT_MS);
	teardown(&d);
	return status;
}
