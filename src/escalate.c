/*
 * escalate: the escalation state machine (see escalate.h for the contract).
 *
 * How a case moves:
 *   open -> WAITING -> OFFERED (one helper at a time) -> CLAIMED -> closed
 *                 ^------ timeout / helper gone ---'
 * Offers go to one helper at a time, so that the person's words reach as
 * few people as possible: first the helpers on duty (those speaking the
 * case's language first, then the least loaded), then the fallback list, in
 * its order (config.example.yaml: "when nobody is on duty or the one on
 * duty does not answer"; a fallback helper who is online and available
 * stands in, outside the shifts too; DUTY OFF or an away status keeps them
 * out). Offline and busy (dnd/xa/away) helpers are skipped.
 * A helper who let an offer time out (or went away) is not offered the same
 * case again until their availability changes (they come back online, come
 * on duty or say DUTY ON); until then the case waits in the queue, where
 * any helper can still see it (QUEUE) and take it (CLAIM n).
 *
 * Everything a helper receives goes through helper_note(), the one place
 * that checks the helper's reach; everything a person receives as news
 * goes through person_news(), which queues it in the store when the person
 * is not in a private conversation, or when their key is not the one of
 * the request and nobody has vouched for the new one (SMP with the desk's
 * secret, or the helper's TRUST n).
 *
 * One event, one transaction: the decisions only append to e->changes;
 * event_end() is the one place that writes (store_apply, all or nothing).
 * If the store refuses, the event never happened: the state from before it
 * is restored, its notes are dropped, and whoever caused it is told the
 * truth (not recorded, not sent, not cancelled yet). A CANCEL that could
 * not be written still withdraws the case from the helpers at once and is
 * retried every RETRY_EVERY seconds; reach changes are retried too.
 */
#include "ac-config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "duty.h"
#include "escalate.h"
#include "fpr.h"
#include "lang.h"
#include "log.h"
#include "store.h"
#include "util.h"

#define ASK_INTERVAL	60	/* seconds between two OTR requests to a helper */
#define PURGE_INTERVAL	60	/* seconds between two retention purges */
#define MSG_KEEP	(7 * 86400)	/* undelivered news kept at least */
#define QUEUE_SHOWN	20	/* cases listed by QUEUE */
#define FP_HEX		(FPR_HEX_LEN - 1)
#define RETRY_MAX	64	/* reach changes waiting for the store */
#define RETRY_EVERY	5	/* s between retries: each may wait for a lock */
#define HANDOFF_KEEP	(24 * 3600)	/* a handoff's details, repeatable */
/* The handoff's details, kept in the outbox under these keys for
 * HANDOFF_KEEP (or the retention if shorter): never flushed, repeated on
 * request (the person's STATUS, the helper's CASE n), then deleted. */
#define KEPT_PERSON	"esc_status_handoff"
#define KEPT_HELPER	"esc_case_handoff"
#define UNUSED		__attribute__((unused))

struct esc_case {
	long		 id;
	enum store_state state;
	char		*person;
	char		*lang;
	char		*text;		/* consented text; NULL once claimed */
	char		*person_fp;	/* at open time (or last warned), or NULL */
	int		 helper;	/* offered to / claimed by, or -1 */
	int		 offer_sent;	/* the offer text went out */
	int		 held_told;	/* person told their words are held */
	int		 wait_told;	/* person told nobody answered yet */
	int		 withdrawn;	/* CANCEL not written yet: hidden, retried */
	int		 danger;	/* came with words of danger (enum
					   esc_danger): first */
	char		*warned_fp;	/* new key the person was warned about */
	time_t		 opened;
	time_t		 offered;
	time_t		 claimed;
	unsigned	*tried;		/* per helper: gen + 1 when tried */
};

#define IMPOSTOR_EVERY	600	/* s: one alert per helper account */

struct esc_helper {
	const struct config_helper *cfg;
	int		 reach;		/* last reported */
	unsigned	 gen;		/* bumped when they become available */
	int		 shift_on;	/* a shift covered the last tick */
	enum store_duty	 duty;		/* DUTY ON/OFF/AUTO */
	int		 blocked;	/* pin mismatch: off until the admin acts */
	long		 talk;		/* TALK n, or 0 */
	time_t		 asked;		/* last ESC_OPEN_HELPER, or 0 */
	int		 fallback;	/* index in duty.fallback, or -1 */
	time_t		 impostor;	/* last alert about an unpinned session */
};

struct escalate {
	const struct config	*cfg;
	struct store		*st;
	const struct duty	*duty;
	struct esc_env		 env;
	struct esc_case		**cases;	/* open cases, in case_cmp order */
	size_t			 ncases;
	size_t			 capcases;
	struct esc_helper	*helpers;	/* parallel to cfg->helpers */
	size_t			 nhelpers;
	time_t			 last_purge;
	long			 next_id;	/* the next case number */
	struct store_changes	 changes;	/* the current event's writes */
	char			*retry[RETRY_MAX];	/* bare JIDs */
	size_t			 nretry;
	time_t			 retried;	/* last retry that failed */
};

/* What an event can restore if the store refuses it. */
struct esc_event {
	size_t			 mark;		/* notes before the event */
	struct esc_case		**cases;
	size_t			 ncases;
	struct esc_helper	*helpers;
	time_t			 last_purge;
	long			 next_id;
};

/* ---- notes ---- */

void
esc_notes_init(struct esc_notes *n)
{
	memset(n, 0, sizeof(*n));
}

static void
note_free(struct esc_note *note)
{
	size_t i;

	free(note->jid);
	free(note->lang);
	free(note->key);
	/* Values can be a person's or a helper's words. */
	for (i = 0; note->vars != NULL && note->vars[i] != NULL; i++)
		util_strfreezero(note->vars[i]);
	free(note->vars);
}

void
esc_notes_clear(struct esc_notes *n)
{
	size_t i;

	for (i = 0; i < n->n; i++)
		note_free(&n->v[i]);
	n->n = 0;
}

void
esc_notes_release(struct esc_notes *n)
{
	esc_notes_clear(n);
	free(n->v);
	esc_notes_init(n);
}

/* A NULL-terminated list of copies of name, value, ..., NULL. */
static char **
vars_make(const char *first, ...)
{
	va_list ap;
	const char *s;
	char **v;
	size_t n = 0, i = 0;

	va_start(ap, first);
	for (s = first; s != NULL; s = va_arg(ap, const char *))
		n++;
	va_end(ap);
	v = xcalloc(n + 1, sizeof(*v));
	va_start(ap, first);
	for (s = first; s != NULL; s = va_arg(ap, const char *))
		v[i++] = xstrdup(s);
	va_end(ap);
	return v;
}

static char **
vars_copy(char *const *vars)
{
	char **v;
	size_t n = 0, i;

	while (vars != NULL && vars[n] != NULL)
		n++;
	v = xcalloc(n + 1, sizeof(*v));
	for (i = 0; i < n; i++)
		v[i] = xstrdup(vars[i]);
	return v;
}

static void
vars_free(char **v)
{
	size_t i;

	for (i = 0; v != NULL && v[i] != NULL; i++)
		util_strfreezero(v[i]);
	free(v);
}

/* Appends a note; takes vars. */
static void
note_push(struct esc_notes *out, enum esc_note_to to, const char *jid,
    const char *lang, const char *key, char **vars, int sensitive)
{
	struct esc_note *note;

	if (out->n == out->cap) {
		out->cap = out->cap ? out->cap * 2 : 8;
		out->v = xrealloc(out->v, out->cap * sizeof(*out->v));
	}
	note = &out->v[out->n++];
	note->to = to;
	note->jid = xstrdup(jid);
	note->lang = xstrdup(lang);
	note->key = xstrdup(key);
	note->vars = vars != NULL ? vars : xcalloc(1, sizeof(char *));
	note->sensitive = sensitive;
}

/* Moves every note of from to the end of to. */
static void
notes_move(struct esc_notes *to, struct esc_notes *from)
{
	size_t i;

	for (i = 0; i < from->n; i++) {
		if (to->n == to->cap) {
			to->cap = to->cap ? to->cap * 2 : 8;
			to->v = xrealloc(to->v, to->cap * sizeof(*to->v));
		}
		to->v[to->n++] = from->v[i];
	}
	from->n = 0;
}

static const char *
num(char buf[32], long v)
{
	util_snprintf(buf, 32, "%ld", v);
	return buf;
}

/* ---- helpers ---- */

static int
helper_find(const struct escalate *e, const char *jid)
{
	size_t i;

	for (i = 0; i < e->nhelpers; i++)
		if (util_strcasecmp(e->helpers[i].cfg->jid, jid) == 0)
			return (int)i;
	return -1;
}

static const char *
helper_jid(const struct escalate *e, int i)
{
	return e->helpers[i].cfg->jid;
}

static const char *
helper_name(const struct escalate *e, int i)
{
	const struct config_helper *h = e->helpers[i].cfg;

	return h->name != NULL && *h->name != '\0' ? h->name : h->jid;
}

static const char *
default_lang(const struct escalate *e)
{
	const char *l = e->cfg->guide.default_language;

	return l != NULL && *l != '\0' ? l : "en";
}

static const char *
helper_lang(const struct escalate *e, int i)
{
	const struct config_helper *h = e->helpers[i].cfg;

	return h->nlanguages > 0 ? h->languages[0] : default_lang(e);
}

static int
helper_speaks(const struct escalate *e, int i, const char *lang)
{
	const struct config_helper *h = e->helpers[i].cfg;
	size_t k;

	for (k = 0; k < h->nlanguages; k++)
		if (util_strcasecmp(h->languages[k], lang) == 0)
			return 1;
	return 0;
}

static int
reach_of(const struct escalate *e, const char *jid)
{
	int r = e->env.reach != NULL ? e->env.reach(e->env.ud, jid) :
	    ESC_OFFLINE;

	return r >= ESC_OFFLINE && r <= ESC_MISMATCH ? r : ESC_OFFLINE;
}

static int
available(int reach)
{
	return reach == ESC_ONLINE || reach == ESC_SECURE;
}

/* The active fingerprint of jid (40 hex digits, lower case), or "". */
static void
fingerprint_of(const struct escalate *e, const char *jid, char out[FP_HEX + 1])
{
	out[0] = '\0';
	if (e->env.fingerprint == NULL ||
	    e->env.fingerprint(e->env.ud, jid, out) != 0) {
		out[0] = '\0';
		return;
	}
	out[FP_HEX] = '\0';
	(void)fpr_norm_hex(out, out);
}

/* The helper's pins as "hex,hex,...", to notice when the admin edits them. */
static char *
helper_pins(const struct escalate *e, int i)
{
	const struct config_helper *h = e->helpers[i].cfg;
	struct buf b;
	char hex[FP_HEX + 1];
	size_t k;

	buf_init(&b);
	buf_adds(&b, "");
	for (k = 0; k < h->nfingerprints; k++) {
		fpr_to_hex(h->fingerprints[k], hex);
		if (k > 0)
			buf_addc(&b, ',');
		buf_adds(&b, hex);
	}
	return buf_detach(&b);
}

static int
helper_pinned(const struct escalate *e, int i, const char *hex)
{
	const struct config_helper *h = e->helpers[i].cfg;
	char pin[FP_HEX + 1];
	size_t k;

	for (k = 0; hex != NULL && k < h->nfingerprints; k++) {
		fpr_to_hex(h->fingerprints[k], pin);
		if (util_strcasecmp(pin, hex) == 0)
			return 1;
	}
	return 0;
}

/* On duty now: DUTY ON, or the rota says so (and not DUTY OFF), and not
 * taken off duty by a pin mismatch. */
static int
on_duty(const struct escalate *e, int i, time_t now)
{
	const struct esc_helper *h = &e->helpers[i];

	if (h->blocked || h->duty == STORE_DUTY_OFF)
		return 0;
	if (h->duty == STORE_DUTY_ON)
		return 1;
	return duty_is_on(e->duty, h->cfg->jid, now);
}

/* The desk is open when a shift covers now or someone said DUTY ON (even
 * if those helpers are away, off duty or blocked). It only changes what the
 * person is told when nobody can be reached: "busy, you are number N" or
 * "nobody on duty, the next shift starts at ...". */
static int
desk_open(const struct escalate *e, time_t now)
{
	size_t i;

	for (i = 0; i < e->nhelpers; i++) {
		const struct esc_helper *h = &e->helpers[i];

		if ((h->duty == STORE_DUTY_ON && !h->blocked) ||
		    duty_is_on(e->duty, h->cfg->jid, now))
			return 1;
	}
	return 0;
}

/* Next shift start of a helper who could take it, or -1. */
static time_t
next_start(const struct escalate *e, time_t now)
{
	time_t best = (time_t)-1, t;
	size_t i;

	for (i = 0; i < e->nhelpers; i++) {
		const struct esc_helper *h = &e->helpers[i];

		if (h->blocked || h->duty == STORE_DUTY_OFF)
			continue;
		t = duty_next_start(e->duty, h->cfg->jid, now);
		if (t != (time_t)-1 && (best == (time_t)-1 || t < best))
			best = t;
	}
	return best;
}

static void
format_local(const struct escalate *e, time_t t, time_t now, const char *lang,
    char *out, size_t size)
{
	const char *const *names;
	size_t n;

	/* Weekday names are data (lang.c, 7 each): the reader's, else
	 * English. */
	if ((names = lang_items(lang, "weekdays", &n)) == NULL)
		names = lang_items("en", "weekdays", &n);
	if (duty_format(e->duty, t, now, names, out, size) == -1)
		util_strlcpy(out, "?", size);
}

/* Records helper i's settings (seen_fp: the unpinned key just seen). */
static void
helper_save(struct escalate *e, int i, const char *seen_fp)
{
	struct esc_helper *h = &e->helpers[i];
	struct store_helper sh, old;

	memset(&sh, 0, sizeof(sh));
	if (h->blocked && seen_fp == NULL) {
		/* Keep what was recorded when the flag was set. */
		if (store_helper_get(e->st, h->cfg->jid, &old) == 0 &&
		    old.blocked) {
			sh.blocked_fp = old.blocked_fp;
			sh.blocked_pins = old.blocked_pins;
			sh.blocked_at = old.blocked_at;
			old.blocked_fp = old.blocked_pins = NULL;
		} else
			sh.blocked_pins = helper_pins(e, i);
		store_helper_release(&old);
	} else if (h->blocked) {
		sh.blocked_fp = xstrdup(seen_fp);
		sh.blocked_pins = helper_pins(e, i);
	}
	sh.jid = xstrdup(h->cfg->jid);
	sh.duty = h->duty;
	sh.blocked = h->blocked;
	store_changes_helper(&e->changes, &sh);
}

/* ---- cases ---- */

/* An open case by number, as helpers see them (a withdrawn one is gone). */
static struct esc_case *
case_find(const struct escalate *e, long id)
{
	size_t i;

	for (i = 0; i < e->ncases; i++)
		if (e->cases[i]->id == id && !e->cases[i]->withdrawn)
			return e->cases[i];
	return NULL;
}

/* Is c helper i's, claimed by them: theirs to talk to, vouch for,
 * write to by number? */
static int
case_claimed_by(const struct esc_case *c, int i)
{
	return c != NULL && c->state == STORE_CLAIMED && c->helper == i;
}

static struct esc_case *
case_of_person(const struct escalate *e, const char *person)
{
	size_t i;

	for (i = 0; i < e->ncases; i++)
		if (util_strcasecmp(e->cases[i]->person, person) == 0)
			return e->cases[i];
	return NULL;
}

static void
case_free(struct esc_case *c)
{
	if (c == NULL)
		return;
	free(c->person);
	free(c->lang);
	util_strfreezero(c->text);
	free(c->person_fp);
	free(c->warned_fp);
	free(c->tried);
	free(c);
}

static char *
strdup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

static struct esc_case *
case_dup(const struct escalate *e, const struct esc_case *c)
{
	struct esc_case *d = xmalloc(sizeof(*d));

	*d = *c;
	d->person = xstrdup(c->person);
	d->lang = xstrdup(c->lang);
	d->text = strdup_or_null(c->text);
	d->person_fp = strdup_or_null(c->person_fp);
	d->warned_fp = strdup_or_null(c->warned_fp);
	d->tried = xcalloc(e->nhelpers + 1, sizeof(*d->tried));
	memcpy(d->tried, c->tried, e->nhelpers * sizeof(*d->tried));
	return d;
}

/*
 * The queue's order, the one rule behind dispatch (who is offered a helper
 * first), QUEUE and the person's position ("you are number N"): cases that
 * came with words of danger first (danger now or self-harm, then danger to
 * come), then the oldest (lowest number) first.
 * e->cases is kept in this order (cases_order), and each of them walks it.
 */
/*
 * How urgent a mark (enum esc_danger) is, lowest first: self-harm, danger
 * now, danger to come, none. With now_alike, self-harm and danger now are
 * one rank: the queue keeps their cases in order of arrival.
 */
static int
danger_rank(int kind, int now_alike)
{
	switch (kind) {
	case ESC_DANGER_SELF:
		return now_alike ? 1 : 0;
	case ESC_DANGER_NOW:
		return 1;
	case ESC_DANGER_LATER:
		return 2;
	default:
		return 3;
	}
}

/* Kind (enum esc_danger) as a case keeps it: any other non-zero value is
 * danger now. */
static int
danger_kind(int kind)
{
	return kind == ESC_DANGER_SELF || kind == ESC_DANGER_LATER ? kind :
	    kind != 0 ? ESC_DANGER_NOW : ESC_DANGER_NONE;
}

static int
case_cmp(const void *a, const void *b)
{
	const struct esc_case *x = *(const struct esc_case *const *)a;
	const struct esc_case *y = *(const struct esc_case *const *)b;

	if (danger_rank(x->danger, 1) != danger_rank(y->danger, 1))
		return danger_rank(x->danger, 1) < danger_rank(y->danger, 1) ?
		    -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* Puts e->cases back in the queue's order after a case came or changed. */
static void
cases_order(struct escalate *e)
{
	if (e->ncases > 1)
		qsort(e->cases, e->ncases, sizeof(*e->cases), case_cmp);
}

static void
case_add(struct escalate *e, struct esc_case *c)
{
	if (e->ncases == e->capcases) {
		e->capcases = e->capcases ? e->capcases * 2 : 16;
		e->cases = xrealloc(e->cases, e->capcases * sizeof(*e->cases));
	}
	e->cases[e->ncases++] = c;
}

/* Records c as it is now (op: STORE_OP_CASE_INSERT or _UPDATE). */
static void
case_write(struct escalate *e, const struct esc_case *c, enum store_op op)
{
	struct store_case sc;

	memset(&sc, 0, sizeof(sc));
	sc.id = c->id;
	sc.state = c->state;
	sc.person = xstrdup(c->person);
	sc.lang = xstrdup(c->lang);
	sc.text = strdup_or_null(c->text);
	sc.person_fp = strdup_or_null(c->person_fp);
	sc.helper = c->helper >= 0 ? xstrdup(helper_jid(e, c->helper)) : NULL;
	sc.opened = c->opened;
	sc.offered = c->offered;
	sc.claimed = c->claimed;
	sc.danger = c->danger;
	store_changes_case(&e->changes, op, &sc);
}

static void
case_save(struct escalate *e, const struct esc_case *c)
{
	case_write(e, c, STORE_OP_CASE_UPDATE);
}

/* 1-based place among the cases nobody has claimed yet, in the queue's
 * order (case_cmp), or 0. */
static long
case_position(const struct escalate *e, const struct esc_case *c)
{
	long pos = 0;
	size_t i;

	for (i = 0; i < e->ncases; i++) {
		const struct esc_case *o = e->cases[i];

		if (o->state == STORE_CLAIMED || o->withdrawn)
			continue;
		pos++;
		if (o == c)
			return pos;
	}
	return 0;
}

static int
case_tried(const struct escalate *e, const struct esc_case *c, int i)
{
	return c->tried[i] == e->helpers[i].gen + 1;
}

static size_t
helper_load(const struct escalate *e, int i)
{
	size_t k, n = 0;

	for (k = 0; k < e->ncases; k++)
		if (e->cases[k]->helper == i && !e->cases[k]->withdrawn)
			n++;
	return n;
}

/* ---- sending ---- */

/* Asks for a private conversation with helper i (at most once a minute). */
static void
helper_ask(struct escalate *e, struct esc_notes *out, int i, time_t now)
{
	struct esc_helper *h = &e->helpers[i];

	if (h->asked != 0 && now - h->asked < ASK_INTERVAL)
		return;
	h->asked = now;
	note_push(out, ESC_OPEN_HELPER, h->cfg->jid, helper_lang(e, i),
	    "esc_open", NULL, 0);
}

/* The one way to a helper. A sensitive note goes out only while the
 * helper's reach is ESC_SECURE; otherwise, when hold_case > 0, it waits in
 * the store (and a session is asked for when the helper is online), else it
 * is dropped. Nothing at all goes out to a helper whose key is not pinned.
 * Returns 1 if the note went out now, 0 if held, -1 if dropped. Takes
 * vars. */
static int
helper_note(struct escalate *e, struct esc_notes *out, int i, const char *key,
    char **vars, int sensitive, long hold_case, time_t now)
{
	int r = reach_of(e, helper_jid(e, i));

	if (r == ESC_SECURE) {
		note_push(out, ESC_TO_HELPER, helper_jid(e, i),
		    helper_lang(e, i), key, vars, sensitive);
		return 1;
	}
	if (sensitive && hold_case > 0) {
		struct store_msg m;

		memset(&m, 0, sizeof(m));
		m.case_id = hold_case;
		m.to = xstrdup(helper_jid(e, i));
		m.lang = xstrdup(helper_lang(e, i));
		m.key = xstrdup(key);
		m.vars = vars;
		m.sensitive = 1;
		m.created = now;
		store_changes_msg(&e->changes, &m);
		if (r == ESC_ONLINE)
			helper_ask(e, out, i, now);
		return 0;
	}
	if (!sensitive && r != ESC_MISMATCH && r != ESC_OFFLINE) {
		/* Not pinned yet, or busy: otr_send() still refuses clear. */
		note_push(out, ESC_TO_HELPER, helper_jid(e, i),
		    helper_lang(e, i), key, vars, 0);
		return 1;
	}
	log_debug("escalate: note %s for helper %s dropped (reach %d)", key,
	    log_peer(helper_jid(e, i)), r);
	vars_free(vars);
	return -1;
}

static int
verified_of(const struct escalate *e, const char *jid)
{
	return e->env.verified != NULL && e->env.verified(e->env.ud, jid) == 1;
}

/* 1 if news of c may go to the key the person uses now (cur): it is the
 * key of the request, or it was verified (SMP with the desk's secret),
 * which makes it the key of the request from now on. */
static int
person_key_ok(struct escalate *e, struct esc_case *c, const char *cur)
{
	if (c->person_fp == NULL) {
		if (cur[0] != '\0') {
			c->person_fp = xstrdup(cur);
			case_save(e, c);
		}
		return 1;
	}
	if (util_strcasecmp(c->person_fp, cur) == 0)
		return 1;
	if (cur[0] == '\0' || !verified_of(e, c->person))
		return 0;
	log_info("escalate: case %ld: the person's new OTR key is verified",
	    c->id);
	free(c->person_fp);
	c->person_fp = xstrdup(cur);
	free(c->warned_fp);
	c->warned_fp = NULL;
	case_save(e, c);
	return 1;
}

/* The person (in a session with key cur) and the case's helper are told,
 * once per new key, that the key is not the one of the request, and that
 * news waits until it is verified. */
static void
person_key_warn(struct escalate *e, struct esc_case *c, const char *cur,
    struct esc_notes *out, time_t now)
{
	char nb[32];

	if (c->warned_fp != NULL && util_strcasecmp(c->warned_fp, cur) == 0)
		return;
	free(c->warned_fp);
	c->warned_fp = xstrdup(cur);
	log_info("escalate: case %ld: the person's OTR key changed; news "
	    "waits until it is verified", c->id);
	note_push(out, ESC_TO_PERSON, c->person, c->lang, "esc_fp_changed",
	    vars_make("case", num(nb, c->id), NULL), 0);
	if (c->state == STORE_CLAIMED && c->helper >= 0)
		helper_note(e, out, c->helper, "esc_person_key_changed",
		    vars_make("case", num(nb, c->id), NULL), 0, 0, now);
}

static void person_flush(struct escalate *, const char *, struct esc_notes *,
    time_t);

/* 1 if this event already took message id out of the store. */
static int
msg_taken(const struct escalate *e, long id)
{
	size_t i;

	for (i = 0; i < e->changes.n; i++)
		if (e->changes.v[i].op == STORE_OP_OUTBOX_DELETE &&
		    e->changes.v[i].id == id)
			return 1;
	return 0;
}

/* A handoff's kept details: not news, only repeated on request. */
static int
msg_kept(const struct store_msg *m)
{
	return strcmp(m->key, KEPT_PERSON) == 0 ||
	    strcmp(m->key, KEPT_HELPER) == 0;
}

/* Keeps a handoff's details for `to` (after the case's close in the same
 * transaction, which drops the case's other held messages). Takes vars. */
static void
handoff_keep(struct escalate *e, long id, const char *to, const char *lang,
    const char *key, char **vars, int sensitive, const char *fp, time_t now)
{
	struct store_msg m;

	memset(&m, 0, sizeof(m));
	m.case_id = id;
	m.to = xstrdup(to);
	m.lang = xstrdup(lang);
	m.key = xstrdup(key);
	m.vars = vars;
	m.sensitive = sensitive;
	m.fp = strdup_or_null(fp);
	m.created = now;
	store_changes_msg(&e->changes, &m);
}

static time_t
handoff_kept_since(const struct escalate *e, time_t now)
{
	long keep = e->cfg->escalation.retention;

	return now - (keep > 0 && keep < HANDOFF_KEEP ? keep : HANDOFF_KEEP);
}

enum news { NEWS_SENT, NEWS_OFFLINE, NEWS_KEY };

/* News for a person (a claim, a helper's words, a close): delivered now if
 * they are in a private conversation with the key of the request (after
 * what was waiting), else kept in the store until they are; a new key
 * that nobody vouched for gets a warning, not the news. c may be closed
 * (handoff). Takes vars. */
static enum news
person_news(struct escalate *e, struct esc_notes *out, struct esc_case *c,
    const char *key, char **vars, time_t now)
{
	char cur[FP_HEX + 1];
	struct store_msg m;
	enum news r = NEWS_OFFLINE;

	if (reach_of(e, c->person) == ESC_SECURE) {
		fingerprint_of(e, c->person, cur);
		if (person_key_ok(e, c, cur)) {
			person_flush(e, c->person, out, now);
			note_push(out, ESC_TO_PERSON, c->person, c->lang, key,
			    vars, 0);
			return NEWS_SENT;
		}
		person_key_warn(e, c, cur, out, now);
		r = NEWS_KEY;
	}
	memset(&m, 0, sizeof(m));
	m.case_id = c->id;
	m.to = xstrdup(c->person);
	m.lang = xstrdup(c->lang);
	m.key = xstrdup(key);
	m.vars = vars;
	m.fp = strdup_or_null(c->person_fp);
	m.created = now;
	store_changes_msg(&e->changes, &m);
	log_debug("escalate: case %ld: news kept for the person (%s)", c->id,
	    r == NEWS_KEY ? "key not verified" : "not in a session");
	return r;
}

/* Delivers what waits for a person who is in a private conversation, as
 * long as their key is the one each message expects (or verified). */
static void
person_flush(struct escalate *e, const char *jid, struct esc_notes *out,
    time_t now)
{
	struct esc_case *c = case_of_person(e, jid);
	struct store_msg *v;
	char cur[FP_HEX + 1];
	size_t n, k, sent = 0;
	int case_ok = 0, warned = 0;

	if (store_outbox_list(e->st, jid, &v, &n) == -1 || n == 0) {
		store_msgs_free(v, n);
		return;
	}
	fingerprint_of(e, jid, cur);
	if (c != NULL)
		case_ok = person_key_ok(e, c, cur);
	for (k = 0; k < n; k++) {
		int ok;

		if (msg_taken(e, v[k].id) || msg_kept(&v[k]))
			continue;
		if (c != NULL && v[k].case_id == c->id)
			ok = case_ok;
		else
			ok = v[k].fp == NULL ||
			    util_strcasecmp(v[k].fp, cur) == 0 ||
			    (cur[0] != '\0' && verified_of(e, jid));
		if (!ok) {
			char nb[32];

			if (c != NULL && v[k].case_id == c->id)
				person_key_warn(e, c, cur, out, now);
			else if (!warned)
				note_push(out, ESC_TO_PERSON, jid, v[k].lang,
				    "esc_fp_changed", vars_make("case",
				    num(nb, v[k].case_id), NULL), 0);
			warned = 1;
			continue;
		}
		note_push(out, ESC_TO_PERSON, jid, v[k].lang, v[k].key,
		    vars_copy(v[k].vars), 0);
		store_changes_op(&e->changes, STORE_OP_OUTBOX_DELETE, v[k].id,
		    0, 0);
		sent++;
	}
	if (sent > 0)
		log_info("escalate: %zu waiting messages delivered to %s",
		    sent, log_peer(jid));
	store_msgs_free(v, n);
}

/* Delivers what waits for a helper now in a pinned session. */
static void
helper_flush(struct escalate *e, int i, struct esc_notes *out)
{
	struct store_msg *v;
	size_t n, k;

	if (store_outbox_list(e->st, helper_jid(e, i), &v, &n) == -1) {
		store_msgs_free(v, n);
		return;
	}
	for (k = 0; k < n; k++) {
		struct esc_case *c = case_find(e, v[k].case_id);

		if (msg_taken(e, v[k].id) || msg_kept(&v[k]))
			continue;
		note_push(out, ESC_TO_HELPER, helper_jid(e, i), v[k].lang,
		    v[k].key, vars_copy(v[k].vars), v[k].sensitive);
		store_changes_op(&e->changes, STORE_OP_OUTBOX_DELETE, v[k].id,
		    0, 0);
		if (c != NULL)
			c->held_told = 0;
	}
	store_msgs_free(v, n);
}

/* ---- offers ---- */

static void
offer_send(struct escalate *e, struct esc_case *c, time_t now,
    struct esc_notes *out)
{
	char nb[32], mb[32];
	long minutes = (e->cfg->escalation.ack_timeout + 59) / 60;

	if (helper_note(e, out, c->helper, c->danger == ESC_DANGER_SELF ?
	    "esc_offer_self" : c->danger == ESC_DANGER_LATER ?
	    "esc_offer_later" : c->danger ? "esc_offer_danger" : "esc_offer",
	    vars_make("case", num(nb, c->id), "lang", c->lang,
	    "text", c->text != NULL ? c->text : "", "minutes",
	    num(mb, minutes), NULL), 1, 0, now) != 1)
		return;
	c->offer_sent = 1;
	c->offered = now;	/* the helper's time starts now */
	case_save(e, c);
	log_info("escalate: case %ld offered to %s", c->id,
	    log_peer(helper_jid(e, c->helper)));
}

/* The offer of c ends (timeout, helper gone, mismatch): the helper is not
 * offered it again until their availability changes. tell: say so. */
static void
offer_revoke(struct escalate *e, struct esc_case *c, const char *why,
    int tell, time_t now, struct esc_notes *out)
{
	int i = c->helper;
	char nb[32];

	if (i < 0)
		return;
	c->tried[i] = e->helpers[i].gen + 1;
	if (tell && c->offer_sent)
		helper_note(e, out, i, "esc_offer_revoked",
		    vars_make("case", num(nb, c->id), NULL), 0, 0, now);
	log_info("escalate: case %ld: offer to %s ended (%s)", c->id,
	    log_peer(helper_jid(e, i)), why);
	c->state = STORE_WAITING;
	c->helper = -1;
	c->offer_sent = 0;
	case_save(e, c);
}

static void helper_mismatch(struct escalate *, int, time_t,
    struct esc_notes *);

/* The best helper for c now, or -1: on duty before fallback, speaking the
 * case's language, least loaded, then in configuration order. */
static int
helper_choose(struct escalate *e, struct esc_case *c, time_t now,
    struct esc_notes *out)
{
	long best_rank = -1;
	int best = -1;
	size_t i;

	for (i = 0; i < e->nhelpers; i++) {
		struct esc_helper *h = &e->helpers[i];
		long tier, rank;
		int r;

		if (h->blocked || case_tried(e, c, (int)i))
			continue;
		if (on_duty(e, (int)i, now))
			tier = 0;
		else if (h->fallback >= 0 && h->duty != STORE_DUTY_OFF)
			tier = 1;
		else
			continue;
		r = reach_of(e, h->cfg->jid);
		if (r == ESC_MISMATCH) {
			helper_mismatch(e, (int)i, now, out);
			continue;
		}
		if (!available(r))
			continue;
		rank = tier * 1000000L +
		    (helper_speaks(e, (int)i, c->lang) ? 0 : 100000L) +
		    (long)helper_load(e, (int)i) * 1000L +
		    (tier ? h->fallback : (long)i);
		if (best < 0 || rank < best_rank) {
			best = (int)i;
			best_rank = rank;
		}
	}
	return best;
}

static void
offer_to(struct escalate *e, struct esc_case *c, int i, time_t now,
    struct esc_notes *out)
{
	c->state = STORE_OFFERED;
	c->helper = i;
	c->offered = now;
	c->offer_sent = 0;
	case_save(e, c);
	if (reach_of(e, helper_jid(e, i)) == ESC_SECURE)
		offer_send(e, c, now, out);
	else
		helper_ask(e, out, i, now);
}

/* Offers c to the best helper, if any. Returns 1 if c has a helper now. */
static int
case_dispatch(struct escalate *e, struct esc_case *c, time_t now,
    struct esc_notes *out)
{
	int i;

	if (c->withdrawn)
		return 0;
	if (c->state != STORE_WAITING)
		return c->helper >= 0;
	i = helper_choose(e, c, now, out);
	if (i < 0)
		return 0;
	offer_to(e, c, i, now, out);
	return 1;
}

/* Offers the waiting cases in the queue's order (case_cmp). */
static void
dispatch(struct escalate *e, time_t now, struct esc_notes *out)
{
	size_t k;

	for (k = 0; k < e->ncases; k++)
		case_dispatch(e, e->cases[k], now, out);
}

/* Closes c: the store wipes its text; c is freed. */
static void
case_close(struct escalate *e, struct esc_case *c, time_t now,
    const char *why)
{
	size_t k;

	store_changes_op(&e->changes, STORE_OP_CASE_CLOSE, c->id, now, 0);
	for (k = 0; k < e->nhelpers; k++)
		if (e->helpers[k].talk == c->id)
			e->helpers[k].talk = 0;
	for (k = 0; k < e->ncases; k++) {
		if (e->cases[k] == c) {
			memmove(&e->cases[k], &e->cases[k + 1],
			    (e->ncases - k - 1) * sizeof(*e->cases));
			e->ncases--;
			break;
		}
	}
	log_info("escalate: case %ld closed (%s)", c->id, why);
	case_free(c);
}

/* Helper i's session is encrypted with a key that is not pinned: nothing is
 * sent to them, they are off duty until the admin acts, the others on duty
 * (and the fallback helpers) are told, and their offers move on. Their claimed cases stay theirs (one
 * point of contact): the person's words are held, and the person is told
 * they may cancel and ask again. */
static void
helper_mismatch(struct escalate *e, int i, time_t now, struct esc_notes *out)
{
	struct esc_helper *h = &e->helpers[i];
	char seen[FP_HEX + 1], nb[32];
	size_t k;

	if (h->blocked)
		return;
	fingerprint_of(e, h->cfg->jid, seen);
	h->blocked = 1;
	helper_save(e, i, seen);
	log_warnx("escalate: helper %s is using an OTR key that is not pinned "
	    "(%s): off duty until the admin acts", log_peer(h->cfg->jid),
	    seen[0] != '\0' ? seen : "unknown key");
	for (k = 0; k < e->nhelpers; k++) {
		const struct esc_helper *o = &e->helpers[k];

		if ((int)k == i || o->blocked ||
		    reach_of(e, helper_jid(e, (int)k)) != ESC_SECURE)
			continue;
		if (!on_duty(e, (int)k, now) &&
		    (o->fallback < 0 || o->duty == STORE_DUTY_OFF))
			continue;
		helper_note(e, out, (int)k, "esc_helper_mismatch",
		    vars_make("helper", helper_name(e, i), NULL), 0, 0, now);
	}
	for (k = 0; k < e->ncases; k++) {
		struct esc_case *c = e->cases[k];

		if (c->helper != i || c->withdrawn)
			continue;
		if (c->state == STORE_OFFERED)
			offer_revoke(e, c, "helper key not pinned", 0, now,
			    out);
		else if (c->state == STORE_CLAIMED)
			person_news(e, out, c, "esc_helper_unavailable",
			    vars_make("case", num(nb, c->id), "helper",
			    helper_name(e, i), NULL), now);
	}
}

/*
 * Nobody has a request in hand: "waiting" (a shift is on, its helpers
 * busy), "closed" (when: the next shift's start today, "09:00"),
 * "closed_day" (day and when: "Monday", "09:00", in lang: each language
 * words "on Monday at 09:00" its own way) or "noshift" (no shift ahead);
 * day and when (size bytes each) are "" when not said.
 */
static const char *
desk_state(const struct escalate *e, time_t now, const char *lang,
    char *day, char *when, size_t size)
{
	char hm[16];
	size_t n, k;
	time_t next;

	day[0] = when[0] = '\0';
	if (desk_open(e, now))
		return "waiting";
	if ((next = next_start(e, now)) == (time_t)-1)
		return "noshift";
	format_local(e, next, now, lang, when, size);
	if (duty_format(e->duty, next, now, NULL, hm, sizeof(hm)) == -1 ||
	    (n = strlen(when)) <= (k = strlen(hm)) + 1)
		return "closed";
	util_strlcpy(day, when, n - k);
	memmove(when, when + n - k, k + 1);
	return "closed_day";
}

/* Tells the person what happens next after open (or STATUS), in lang
 * (the conversation's now; NULL: the request's). */
static void
person_whatnext(const struct escalate *e, const struct esc_case *c,
    const char *lang, time_t now, const char *prefix, struct esc_notes *out)
{
	char nb[32], pb[32], day[64], when[64], key[64];

	if (lang == NULL || *lang == '\0')
		lang = c->lang;

	if (c->state == STORE_CLAIMED) {
		util_snprintf(key, sizeof(key), "%s_claimed", prefix);
		note_push(out, ESC_TO_PERSON, c->person, lang, key,
		    vars_make("case", num(nb, c->id), "helper",
		    helper_name(e, c->helper), NULL), 0);
		return;
	}
	num(nb, c->id);
	num(pb, case_position(e, c));
	if (c->state == STORE_OFFERED) {
		util_snprintf(key, sizeof(key), "%s_contacting", prefix);
		note_push(out, ESC_TO_PERSON, c->person, lang, key,
		    vars_make("case", nb, "position", pb, NULL), 0);
		return;
	}
	util_snprintf(key, sizeof(key), "%s_%s", prefix,
	    desk_state(e, now, lang, day, when, sizeof(when)));
	if (when[0] == '\0')
		note_push(out, ESC_TO_PERSON, c->person, lang, key,
		    vars_make("case", nb, "position", pb, NULL), 0);
	else if (day[0] == '\0')
		note_push(out, ESC_TO_PERSON, c->person, lang, key,
		    vars_make("case", nb, "position", pb, "time", when,
		    "zone", duty_zone(e->duty), NULL), 0);
	else
		note_push(out, ESC_TO_PERSON, c->person, lang, key,
		    vars_make("case", nb, "position", pb, "day", day,
		    "time", when, "zone", duty_zone(e->duty), NULL), 0);
}

/*
 * 1 if a request opened now would reach a helper at once: one on duty, or
 * on the fallback list and not DUTY OFF, is online (helper_choose()'s
 * choice, without its side effects).
 */
static int
desk_reachable(const struct escalate *e, time_t now)
{
	size_t i;

	for (i = 0; i < e->nhelpers; i++) {
		const struct esc_helper *h = &e->helpers[i];

		if (h->blocked)
			continue;
		if (!on_duty(e, (int)i, now) &&
		    (h->fallback < 0 || h->duty == STORE_DUTY_OFF))
			continue;
		if (available(reach_of(e, h->cfg->jid)))
			return 1;
	}
	return 0;
}

/*
 * The person's open case, as STATUS tells it (esc_status_..., or
 * esc_cancel_failed when withdrawn) in lang (NULL: the request's): 1 if
 * they have one, else 0 and no note.
 */
static int
person_case_status(const struct escalate *e, const char *person,
    const char *lang, time_t now, struct esc_notes *out)
{
	const struct esc_case *c = case_of_person(e, person);
	char nb[32];

	if (c == NULL)
		return 0;
	if (c->withdrawn)
		note_push(out, ESC_TO_PERSON, person, lang != NULL &&
		    *lang != '\0' ? lang : c->lang, "esc_cancel_failed",
		    vars_make("case", num(nb, c->id), NULL), 0);
	else
		person_whatnext(e, c, lang, now, "esc_status", out);
	return 1;
}

void
escalate_desk(const struct escalate *e, const char *person, const char *lang,
    time_t now, struct esc_notes *out)
{
	char day[64], when[64], key[64];
	size_t max = e->cfg->limits.max_queue;

	if (lang == NULL || *lang == '\0')
		lang = default_lang(e);
	/* What HUMAN would answer: the case they have, or a full queue. */
	if (person_case_status(e, person, lang, now, out))
		return;
	if (max > 0 && e->ncases >= max) {
		note_push(out, ESC_TO_PERSON, person, lang, "esc_desk_full",
		    NULL, 0);
		return;
	}
	if (desk_reachable(e, now)) {
		note_push(out, ESC_TO_PERSON, person, lang, "esc_desk_now",
		    NULL, 0);
		return;
	}
	util_snprintf(key, sizeof(key), "esc_desk_%s",
	    desk_state(e, now, lang, day, when, sizeof(when)));
	note_push(out, ESC_TO_PERSON, person, lang, key, when[0] == '\0' ?
	    NULL : day[0] == '\0' ? vars_make("time", when, "zone",
	    duty_zone(e->duty), NULL) : vars_make("day", day, "time", when,
	    "zone", duty_zone(e->duty), NULL), 0);
}

/* ---- events: one transaction each ---- */

/* Keeps what the event may have to restore. */
static void
event_begin(struct escalate *e, struct esc_event *ev,
    const struct esc_notes *out)
{
	size_t k;

	store_changes_clear(&e->changes);
	ev->mark = out->n;
	ev->ncases = e->ncases;
	ev->cases = xcalloc(e->ncases + 1, sizeof(*ev->cases));
	for (k = 0; k < e->ncases; k++)
		ev->cases[k] = case_dup(e, e->cases[k]);
	ev->helpers = xcalloc(e->nhelpers + 1, sizeof(*ev->helpers));
	memcpy(ev->helpers, e->helpers, e->nhelpers * sizeof(*e->helpers));
	ev->last_purge = e->last_purge;
	ev->next_id = e->next_id;
}

static void
event_drop(struct esc_event *ev)
{
	size_t k;

	for (k = 0; k < ev->ncases; k++)
		case_free(ev->cases[k]);
	free(ev->cases);
	free(ev->helpers);
	memset(ev, 0, sizeof(*ev));
}

/* Writes the event's changes in one transaction. Returns 0 if they are
 * committed; -1 if the store refused them: the state from before the
 * event is back, and the notes it made are dropped (nothing of it may
 * reach anyone). The caller tells the truth about it. */
static int
event_end(struct escalate *e, struct esc_event *ev, struct esc_notes *out)
{
	size_t k;
	int rc = store_apply(e->st, &e->changes);

	store_changes_clear(&e->changes);
	if (rc == 0) {
		event_drop(ev);
		return 0;
	}
	for (k = 0; k < e->ncases; k++)
		case_free(e->cases[k]);
	if (e->capcases < ev->ncases + 1) {
		e->capcases = ev->ncases + 1;
		e->cases = xrealloc(e->cases,
		    e->capcases * sizeof(*e->cases));
	}
	memcpy(e->cases, ev->cases, ev->ncases * sizeof(*e->cases));
	e->ncases = ev->ncases;
	ev->ncases = 0;
	memcpy(e->helpers, ev->helpers, e->nhelpers * sizeof(*e->helpers));
	e->last_purge = ev->last_purge;
	e->next_id = ev->next_id;
	for (k = ev->mark; k < out->n; k++)
		note_free(&out->v[k]);
	out->n = ev->mark;
	event_drop(ev);
	return -1;
}

/* A reach change the store refused: done again at the next tick. */
static void
retry_add(struct escalate *e, const char *bare)
{
	size_t k;

	for (k = 0; k < e->nretry; k++)
		if (util_strcasecmp(e->retry[k], bare) == 0)
			return;
	if (e->nretry == RETRY_MAX) {
		free(e->retry[0]);
		memmove(&e->retry[0], &e->retry[1],
		    (RETRY_MAX - 1) * sizeof(e->retry[0]));
		e->nretry--;
	}
	e->retry[e->nretry++] = xstrdup(bare);
}

/* ---- the person's side ---- */

static long
open_case(struct escalate *e, const char *person, const char *lang,
    const char *text, int danger, time_t now, struct esc_notes *out)
{
	struct esc_notes later;
	struct esc_case *c;
	char fp[FP_HEX + 1];
	size_t max = e->cfg->limits.max_queue;

	if ((c = case_of_person(e, person)) != NULL) {
		if (c->withdrawn) {
			char nb[32];

			note_push(out, ESC_TO_PERSON, person, c->lang,
			    "esc_cancel_failed", vars_make("case",
			    num(nb, c->id), NULL), 0);
			return c->id;
		}
		person_whatnext(e, c, lang, now, "esc_already", out);
		return c->id;
	}
	if (max > 0 && e->ncases >= max) {
		log_warnx("escalate: queue full (%zu open cases); request "
		    "from %s refused", e->ncases, log_peer(person));
		note_push(out, ESC_TO_PERSON, person, lang, "esc_queue_full",
		    NULL, 0);
		return -1;
	}
	if (e->next_id <= 0 && (e->next_id = store_case_next_id(e->st)) <= 0)
		return 0;
	fingerprint_of(e, person, fp);
	c = xcalloc(1, sizeof(*c));
	c->id = e->next_id++;
	c->state = STORE_WAITING;
	c->person = xstrdup(person);
	c->lang = xstrdup(lang);
	c->text = xstrdup(text != NULL ? text : "");
	c->person_fp = fp[0] != '\0' ? xstrdup(fp) : NULL;
	c->helper = -1;
	c->danger = danger_kind(danger);
	c->opened = now;
	c->tried = xcalloc(e->nhelpers + 1, sizeof(*c->tried));
	case_add(e, c);
	cases_order(e);
	case_write(e, c, STORE_OP_CASE_INSERT);
	log_info("escalate: case %ld opened by %s (%s)", c->id,
	    log_peer(person), log_vis(lang));
	/* The person hears what happens next before any helper note. */
	esc_notes_init(&later);
	case_dispatch(e, c, now, &later);
	person_whatnext(e, c, NULL, now, "esc_opened", out);
	notes_move(out, &later);
	esc_notes_release(&later);
	return c->id;
}

long
escalate_open(struct escalate *e, const char *person, const char *lang,
    const char *text, int danger, time_t now, struct esc_notes *out)
{
	struct esc_event ev;
	long id;

	if (lang == NULL || *lang == '\0')
		lang = default_lang(e);
	event_begin(e, &ev, out);
	id = open_case(e, person, lang, text, danger, now, out);
	if (event_end(e, &ev, out) == -1 || id == 0) {
		log_warnx("escalate: request from %s not recorded (store)",
		    log_peer(person));
		note_push(out, ESC_TO_PERSON, person, lang, "esc_store_failed",
		    NULL, 0);
		return -1;
	}
	return id;
}

/* Marks c with kind (enum esc_danger: words of danger or of self-harm),
 * stored. A waiting case moves up the queue, and a helper who holds its
 * offer hears it; the others are offered again in the new order. A
 * claimed case only keeps the mark (its helper read the words, flagged:
 * relay_text()), for QUEUE, --status and a restart. */
static void
danger_mark(struct escalate *e, struct esc_case *c, int kind, time_t now,
    struct esc_notes *out)
{
	const char *what = kind == ESC_DANGER_LATER ? "danger to come" :
	    kind == ESC_DANGER_SELF ? "self-harm" : "danger now";
	char nb[32];

	c->danger = danger_kind(kind);
	case_save(e, c);
	if (c->state == STORE_CLAIMED) {
		log_info("escalate: case %ld: words of %s in the relay; "
		    "marked", c->id, what);
		return;
	}
	cases_order(e);
	log_info("escalate: case %ld: words of %s while it waits; moved "
	    "up the queue", c->id, what);
	if (c->state == STORE_OFFERED && c->offer_sent)
		helper_note(e, out, c->helper, kind == ESC_DANGER_LATER ?
		    "esc_offer_now_later" : "esc_offer_now_danger",
		    vars_make("case", num(nb, c->id), NULL), 0, 0, now);
	dispatch(e, now, out);
}

/* Does kind (enum esc_danger) say more than c's mark: any danger on an
 * unmarked case, danger now on one marked for danger to come, self-harm on
 * one marked for danger now? */
static int
danger_raises(const struct esc_case *c, int kind)
{
	return danger_rank(kind, 0) < danger_rank(c->danger, 0);
}

int
escalate_danger(struct escalate *e, const char *person, int kind,
    time_t now, struct esc_notes *out)
{
	struct esc_case *c = case_of_person(e, person);
	struct esc_event ev;
	char nb[32];

	if (c == NULL || c->withdrawn || !danger_raises(c, kind) ||
	    c->state == STORE_CLAIMED)
		return 0;
	event_begin(e, &ev, out);
	danger_mark(e, c, kind, now, out);
	if (event_end(e, &ev, out) == -1) {
		c = case_of_person(e, person);
		log_warnx("escalate: case %ld: danger mark not recorded "
		    "(store)", c->id);
		note_push(out, ESC_TO_PERSON, person, c->lang,
		    "esc_danger_failed", vars_make("case", num(nb, c->id),
		    NULL), 0);
		return -1;
	}
	return 1;
}

long
escalate_case_of(const struct escalate *e, const char *person)
{
	const struct esc_case *c = case_of_person(e, person);

	return c != NULL ? c->id : 0;
}

/* A person without an open case whose request was handed off lately: the
 * details again (the latest), if their key is the one of the request (or
 * verified). Returns 1 if repeated. */
static int
handoff_repeat_person(struct escalate *e, const char *person, time_t now,
    struct esc_notes *out)
{
	char cur[FP_HEX + 1];
	struct store_msg *v;
	size_t n, k, found = (size_t)-1;

	if (store_outbox_list(e->st, person, &v, &n) == -1) {
		store_msgs_free(v, n);
		return 0;
	}
	fingerprint_of(e, person, cur);
	for (k = 0; k < n; k++)
		if (strcmp(v[k].key, KEPT_PERSON) == 0 &&
		    v[k].created >= handoff_kept_since(e, now) &&
		    (v[k].fp == NULL || util_strcasecmp(v[k].fp, cur) == 0 ||
		    (cur[0] != '\0' && verified_of(e, person))))
			found = k;
	if (found != (size_t)-1)
		note_push(out, ESC_TO_PERSON, person, v[found].lang,
		    KEPT_PERSON, vars_copy(v[found].vars), 0);
	store_msgs_free(v, n);
	return found != (size_t)-1;
}

int
escalate_handoff_status(struct escalate *e, const char *person, time_t now,
    struct esc_notes *out)
{
	if (case_of_person(e, person) != NULL)
		return 0;
	return handoff_repeat_person(e, person, now, out);
}

void
escalate_each_person(const struct escalate *e,
    void (*fn)(void *ud, const char *person), void *ud)
{
	size_t i;

	for (i = 0; i < e->ncases; i++)
		fn(ud, e->cases[i]->person);
}

void
escalate_status(struct escalate *e, const char *person, const char *lang,
    time_t now, struct esc_notes *out)
{
	if (person_case_status(e, person, lang, now, out))
		return;
	if (handoff_repeat_person(e, person, now, out))
		return;
	note_push(out, ESC_TO_PERSON, person, default_lang(e),
	    "esc_status_none", NULL, 0);
}

/* Closes c at the person's request (notes: person first, then helper). */
static void
cancel_case(struct escalate *e, struct esc_case *c, time_t now,
    struct esc_notes *out)
{
	char nb[32];

	num(nb, c->id);
	if (reach_of(e, c->person) == ESC_SECURE)
		note_push(out, ESC_TO_PERSON, c->person, c->lang,
		    "esc_cancelled", vars_make("case", nb, NULL), 0);
	else
		person_news(e, out, c, "esc_cancelled", vars_make("case", nb,
		    NULL), now);
	if (c->state == STORE_CLAIMED)
		helper_note(e, out, c->helper, "esc_closed_by_person",
		    vars_make("case", nb, NULL), 0, 0, now);
	else if (c->state == STORE_OFFERED && c->offer_sent)
		helper_note(e, out, c->helper, "esc_offer_withdrawn",
		    vars_make("case", nb, NULL), 0, 0, now);
	case_close(e, c, now, c->state == STORE_CLAIMED ?
	    "closed by the person" : "withdrawn by the person");
}

/* Keeps the numbers of the withdrawn cases beside the database (see
 * store_withdrawn_save): a restart must not offer them again. */
static void
withdrawn_save(struct escalate *e)
{
	long *ids = xcalloc(e->ncases + 1, sizeof(*ids));
	size_t k, n = 0;

	for (k = 0; k < e->ncases; k++)
		if (e->cases[k]->withdrawn)
			ids[n++] = e->cases[k]->id;
	store_withdrawn_save(e->st, ids, n);
	free(ids);
}

/* The CANCEL of person's case, as one event. Returns 0, or -1 if the store
 * refused it: then the case is withdrawn from the helpers in memory (so
 * nothing more reaches them) and the close is retried every RETRY_EVERY
 * seconds. */
static int
cancel_event(struct escalate *e, const char *person, time_t now,
    struct esc_notes *out)
{
	struct esc_event ev;
	struct esc_case *c;
	char *who = xstrdup(person);	/* person may be the case's */
	int rc = 0, was;

	c = case_of_person(e, who);
	was = c->withdrawn;
	event_begin(e, &ev, out);
	cancel_case(e, c, now, out);
	if (event_end(e, &ev, out) == -1) {
		rc = -1;
		if ((c = case_of_person(e, who)) != NULL && !c->withdrawn) {
			log_warnx("escalate: case %ld: CANCEL not recorded "
			    "(store); withdrawn from the helpers, retried",
			    c->id);
			c->withdrawn = 1;
			withdrawn_save(e);
		}
	} else if (was)
		withdrawn_save(e);
	free(who);
	return rc;
}

int
escalate_cancel(struct escalate *e, const char *person, time_t now,
    struct esc_notes *out)
{
	struct esc_case *c = case_of_person(e, person);
	char nb[32];

	if (c == NULL) {
		note_push(out, ESC_TO_PERSON, person, default_lang(e),
		    "esc_cancel_none", NULL, 0);
		return 0;
	}
	if (cancel_event(e, person, now, out) == -1) {
		c = case_of_person(e, person);
		note_push(out, ESC_TO_PERSON, person, c->lang,
		    "esc_cancel_failed", vars_make("case", num(nb, c->id),
		    NULL), 0);
	}
	return 1;
}

static void
relay_text(struct escalate *e, struct esc_case *c, const char *text,
    int danger, time_t now, struct esc_notes *out)
{
	char nb[32], cur[FP_HEX + 1];

	if (text == NULL) {	/* the person typed STOP */
		helper_note(e, out, c->helper, "esc_person_stopped",
		    vars_make("case", num(nb, c->id), NULL), 0, 0, now);
		return;
	}
	fingerprint_of(e, c->person, cur);
	if (!person_key_ok(e, c, cur))
		person_key_warn(e, c, cur, out, now);
	if (helper_note(e, out, c->helper, danger == ESC_DANGER_SELF ?
	    "esc_relay_self" : danger ? "esc_relay_danger" : "esc_relay",
	    vars_make("case", num(nb, c->id), "text", text, NULL), 1, c->id,
	    now) == 0 && !c->held_told) {
		c->held_told = 1;
		note_push(out, ESC_TO_PERSON, c->person, c->lang,
		    "esc_relay_held", vars_make("case", nb, "helper",
		    helper_name(e, c->helper), NULL), 0);
	}
}

int
escalate_person_text(struct escalate *e, const char *person, const char *text,
    int danger, time_t now, struct esc_notes *out)
{
	struct esc_case *c = case_of_person(e, person);
	struct esc_event ev;
	char nb[32];

	if (c == NULL || c->withdrawn || c->state != STORE_CLAIMED ||
	    c->helper < 0)
		return 0;
	event_begin(e, &ev, out);
	relay_text(e, c, text, danger, now, out);
	if (danger_raises(c, danger))
		danger_mark(e, c, danger, now, out);
	if (event_end(e, &ev, out) == -1) {
		c = case_of_person(e, person);
		log_warnx("escalate: case %ld: words not passed on (store)",
		    c->id);
		note_push(out, ESC_TO_PERSON, person, c->lang,
		    "esc_relay_failed", vars_make("case", num(nb, c->id),
		    NULL), 0);
	}
	return 1;
}

int
escalate_person_stopped(struct escalate *e, const char *person, time_t now,
    struct esc_notes *out)
{
	return escalate_person_text(e, person, NULL, ESC_DANGER_NONE, now,
	    out);
}

/* ---- the helper's side ---- */

/* Folds one word for command matching (lang_fold: case, accents), trailing
 * punctuation dropped. Returns 0, or -1 if too long. */
static int
fold_word(const char *s, size_t len, char *out, size_t size)
{
	char *w = xstrndup(s, len), *f = lang_fold(w);
	size_t o = strlen(f);

	free(w);
	while (o > 0 && strchr(".!?:;,", f[o - 1]) != NULL)
		o--;
	f[o] = '\0';
	if (o + 1 >= size || util_strlcpy(out, f, size) >= size) {
		free(f);
		return -1;
	}
	free(f);
	return 0;
}

/* Splits text into at most max folded words; returns the count, or -1 if
 * there are more words or one is too long. */
static int
fold_words(const char *text, char words[][32], int max)
{
	const char *p = text;
	int n = 0;

	for (;;) {
		const char *w;

		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			p++;
		if (*p == '\0')
			return n;
		w = p;
		while (*p != '\0' && *p != ' ' && *p != '\t' && *p != '\n' &&
		    *p != '\r')
			p++;
		if (n == max || fold_word(w, (size_t)(p - w), words[n], 32) == -1)
			return -1;
		if (words[n][0] != '\0')	/* "WHO ?": the "?" is no word */
			n++;
	}
}

/* "3" or "#3" into a case number; 0 if not one. */
static long
parse_case(const char *w)
{
	long v;

	if (*w == '#')
		w++;
	if (util_parse_long(w, 1, 999999999L, &v) == -1)
		return 0;
	return v;
}

/* "#n text": the case number, and *rest the text; 0 if not that form. */
static long
parse_hash(const char *text, const char **rest)
{
	char digits[16];
	size_t n = 0;
	long v;

	while (*text == ' ' || *text == '\t')
		text++;
	if (*text++ != '#')
		return 0;
	while (*text >= '0' && *text <= '9' && n < sizeof(digits) - 1)
		digits[n++] = *text++;
	digits[n] = '\0';
	if (n == 0 || (*text != ' ' && *text != '\t' && *text != '\n'))
		return 0;
	while (*text == ' ' || *text == '\t' || *text == '\n')
		text++;
	if (*text == '\0' || util_parse_long(digits, 1, 999999999L, &v) == -1)
		return 0;
	*rest = text;
	return v;
}

static void
say_helper(struct escalate *e, struct esc_notes *out, int i, const char *key,
    char **vars, time_t now)
{
	helper_note(e, out, i, key, vars, 0, 0, now);
}

static void
helper_to_person(struct escalate *e, int i, struct esc_case *c,
    const char *text, time_t now, struct esc_notes *out)
{
	char nb[32];

	num(nb, c->id);
	if (reach_of(e, c->person) != ESC_SECURE)
		say_helper(e, out, i, "esc_relay_kept",
		    vars_make("case", nb, NULL), now);
	if (person_news(e, out, c, "esc_from_helper", vars_make("case", nb,
	    "helper", helper_name(e, i), "text", text, NULL), now) ==
	    NEWS_KEY)
		say_helper(e, out, i, "esc_relay_key_held",
		    vars_make("case", nb, NULL), now);
}

static void
cmd_claim(struct escalate *e, int i, long n, const char *arg UNUSED,
    time_t now, struct esc_notes *out)
{
	struct esc_case *c = case_find(e, n);
	char nb[32], hfp[FP_HEX + 1], human[FPR_HUMAN_LEN], phuman[FPR_HUMAN_LEN];
	const struct config_helper *h = e->helpers[i].cfg;
	char **hvars, **pvars, *person, *lang, *pfp;
	long id;

	num(nb, n);
	if (reach_of(e, h->jid) != ESC_SECURE) {
		say_helper(e, out, i, "esc_need_secure",
		    vars_make("case", nb, NULL), now);
		return;
	}
	if (e->helpers[i].blocked) {
		say_helper(e, out, i, "esc_duty_blocked", NULL, now);
		return;
	}
	if (c == NULL) {
		say_helper(e, out, i, "esc_no_case", vars_make("case", nb,
		    NULL), now);
		return;
	}
	if (c->state == STORE_CLAIMED) {
		if (c->helper == i)
			say_helper(e, out, i, "esc_claim_yours",
			    vars_make("case", nb, NULL), now);
		else
			say_helper(e, out, i, "esc_claim_taken",
			    vars_make("case", nb, "helper",
			    helper_name(e, c->helper), NULL), now);
		return;
	}
	/* First claim wins; whoever had the offer hears it is taken. */
	if (c->state == STORE_OFFERED && c->helper != i && c->offer_sent)
		say_helper(e, out, c->helper, "esc_offer_taken",
		    vars_make("case", nb, "helper", helper_name(e, i), NULL),
		    now);
	c->state = STORE_CLAIMED;
	c->helper = i;
	c->claimed = now;
	c->offer_sent = 1;
	log_info("escalate: case %ld claimed by %s", c->id, log_peer(h->jid));
	if (e->cfg->escalation.mode == CONFIG_ESC_HANDOFF) {
		fingerprint_of(e, h->jid, hfp);
		if (hfp[0] == '\0' && h->nfingerprints > 0)
			fpr_to_hex(h->fingerprints[0], hfp);
		(void)fpr_norm_human(hfp, human);
		(void)fpr_norm_human(c->person_fp, phuman);
		hvars = vars_make("case", nb, "lang", c->lang, "text",
		    c->text != NULL ? c->text : "", "jid", c->person,
		    "fingerprint", phuman, NULL);
		pvars = vars_make("case", nb, "helper", helper_name(e, i),
		    "jid", h->jid, "fingerprint", human, NULL);
		helper_note(e, out, i, "esc_handoff_helper", hvars, 1, 0,
		    now);
		/* Kept without the person's words: those are wiped once
		 * handed over, as in every close. */
		hvars = vars_make("case", nb, "lang", c->lang, "jid",
		    c->person, "fingerprint", phuman, NULL);
		person_news(e, out, c, "esc_handoff", vars_copy(pvars), now);
		id = c->id;
		person = xstrdup(c->person);
		lang = xstrdup(c->lang);
		pfp = strdup_or_null(c->person_fp);
		case_close(e, c, now, "handed off");
		/* Kept in the same transaction: if an answer above is lost
		 * (the bot killed before it left), either side can ask. */
		handoff_keep(e, id, person, lang, KEPT_PERSON, pvars, 0, pfp,
		    now);
		handoff_keep(e, id, h->jid, lang, KEPT_HELPER, hvars, 1, NULL,
		    now);
		free(person);
		free(lang);
		free(pfp);
		return;
	}
	helper_note(e, out, i, "esc_claim_ok", vars_make("case", nb, "lang",
	    c->lang, "text", c->text != NULL ? c->text : "", NULL), 1, 0, now);
	e->helpers[i].talk = c->id;
	/* Delivered: the consented text is not kept any longer. */
	util_strfreezero(c->text);
	c->text = NULL;
	case_save(e, c);
	person_news(e, out, c, "esc_claimed", vars_make("case", nb, "helper",
	    helper_name(e, i), NULL), now);
}

/* Case n when helper i claimed it (case_claimed_by()); else NULL, and
 * they are told: no such case, or not theirs. */
static struct esc_case *
case_mine(struct escalate *e, int i, long n, time_t now,
    struct esc_notes *out)
{
	struct esc_case *c = case_find(e, n);
	char nb[32];

	if (case_claimed_by(c, i))
		return c;
	num(nb, n);
	say_helper(e, out, i, c == NULL ? "esc_no_case" : "esc_not_yours",
	    vars_make("case", nb, NULL), now);
	return NULL;
}

static void
cmd_talk(struct escalate *e, int i, long n, const char *arg UNUSED,
    time_t now, struct esc_notes *out)
{
	char nb[32];

	if (case_mine(e, i, n, now, out) == NULL)
		return;
	num(nb, n);
	e->helpers[i].talk = n;
	say_helper(e, out, i, "esc_talk_ok", vars_make("case", nb, NULL),
	    now);
}

/* TRUST n: the case's helper vouches for the person's new key (they
 * checked with the person); news waiting for it goes out. */
static void
cmd_trust(struct escalate *e, int i, long n, const char *arg UNUSED,
    time_t now, struct esc_notes *out)
{
	struct esc_case *c = case_mine(e, i, n, now, out);
	char nb[32], cur[FP_HEX + 1];

	if (c == NULL)
		return;
	num(nb, n);
	fingerprint_of(e, c->person, cur);
	if (cur[0] == '\0' || c->person_fp == NULL ||
	    util_strcasecmp(c->person_fp, cur) == 0) {
		say_helper(e, out, i, "esc_trust_nothing", vars_make("case",
		    nb, NULL), now);
		return;
	}
	free(c->person_fp);
	c->person_fp = xstrdup(cur);
	free(c->warned_fp);
	c->warned_fp = NULL;
	case_save(e, c);
	log_info("escalate: case %ld: the helper vouched for the person's new "
	    "OTR key", c->id);
	say_helper(e, out, i, "esc_trust_ok", vars_make("case", nb, NULL),
	    now);
	if (reach_of(e, c->person) == ESC_SECURE)
		person_flush(e, c->person, out, now);
}

static void
cmd_close(struct escalate *e, int i, long n, const char *arg UNUSED,
    time_t now, struct esc_notes *out)
{
	struct esc_case *c = case_find(e, n);
	char nb[32];

	num(nb, n);
	if (c == NULL) {
		say_helper(e, out, i, "esc_no_case", vars_make("case", nb,
		    NULL), now);
		return;
	}
	if (c->state == STORE_CLAIMED && c->helper != i) {
		say_helper(e, out, i, "esc_not_yours", vars_make("case", nb,
		    NULL), now);
		return;
	}
	if (c->state == STORE_OFFERED && c->helper != i && c->offer_sent)
		say_helper(e, out, c->helper, "esc_offer_withdrawn",
		    vars_make("case", nb, NULL), now);
	say_helper(e, out, i, "esc_closed_ok", vars_make("case", nb, NULL),
	    now);
	person_news(e, out, c, "esc_closed_by_helper", vars_make("case", nb,
	    "helper", helper_name(e, i), NULL), now);
	case_close(e, c, now, "closed by a helper");
}

/* Open cases, not counting those withdrawn (a CANCEL being written). */
static size_t
live_cases(const struct escalate *e)
{
	size_t k, n = 0;

	for (k = 0; k < e->ncases; k++)
		if (!e->cases[k]->withdrawn)
			n++;
	return n;
}

static void
cmd_queue(struct escalate *e, int i, long n UNUSED, const char *arg UNUSED,
    time_t now, struct esc_notes *out)
{
	char nb[32], mb[32], key[40];
	size_t k, shown = 0;

	if (live_cases(e) == 0) {
		say_helper(e, out, i, "esc_queue_empty", NULL, now);
		return;
	}
	say_helper(e, out, i, "esc_queue_head", vars_make("count",
	    num(nb, (long)live_cases(e)), NULL), now);
	for (k = 0; k < e->ncases && shown < QUEUE_SHOWN; k++) {
		struct esc_case *c = e->cases[k];

		if (c->withdrawn)
			continue;
		shown++;
		num(nb, c->id);
		num(mb, (long)((now - c->opened) / 60));
		/* esc_queue_STATE, or esc_queue_STATE_danger: marked. */
		util_snprintf(key, sizeof(key), "esc_queue_%s%s",
		    c->state == STORE_CLAIMED ? "claimed" :
		    c->state == STORE_OFFERED ? "offered" : "waiting",
		    c->danger ? "_danger" : "");
		if (c->state == STORE_WAITING)
			say_helper(e, out, i, key, vars_make("case", nb,
			    "lang", c->lang, "minutes", mb, NULL), now);
		else
			say_helper(e, out, i, key, vars_make("case", nb,
			    "lang", c->lang, "minutes", mb, "helper",
			    helper_name(e, c->helper), NULL), now);
	}
	if (live_cases(e) > shown)
		say_helper(e, out, i, "esc_queue_more", vars_make("count",
		    num(nb, (long)(live_cases(e) - shown)), NULL), now);
}

static void
names_add(struct buf *b, const char *name)
{
	if (b->len > 0)
		buf_adds(b, ", ");
	buf_adds(b, name);
}

static void
cmd_who(struct escalate *e, int i, long n UNUSED, const char *arg UNUSED,
    time_t now, struct esc_notes *out)
{
	struct buf on, fb, off;
	char when[64];
	size_t k;

	buf_init(&on);
	buf_init(&fb);
	buf_init(&off);
	for (k = 0; k < e->nhelpers; k++) {
		const struct esc_helper *h = &e->helpers[k];

		if (on_duty(e, (int)k, now))
			names_add(&on, helper_name(e, (int)k));
		else if (h->blocked)
			names_add(&off, helper_name(e, (int)k));
		else if (h->fallback >= 0 && h->duty != STORE_DUTY_OFF)
			names_add(&fb, helper_name(e, (int)k));
	}
	if (on.len == 0) {
		time_t next = next_start(e, now);

		if (next != (time_t)-1) {
			format_local(e, next, now, helper_lang(e, i), when,
			    sizeof(when));
			say_helper(e, out, i, "esc_who_none", vars_make("time",
			    when, "zone", duty_zone(e->duty), "off",
			    off.len ? off.s : "-", NULL), now);
		} else
			say_helper(e, out, i, "esc_who_noshift",
			    vars_make("off", off.len ? off.s : "-", NULL), now);
	} else
		say_helper(e, out, i, "esc_who", vars_make("on", on.s,
		    "fallback", fb.len ? fb.s : "-", "off",
		    off.len ? off.s : "-", NULL), now);
	buf_release(&on);
	buf_release(&fb);
	buf_release(&off);
}

static void
cmd_duty(struct escalate *e, int i, long n UNUSED, const char *arg,
    time_t now, struct esc_notes *out)
{
	struct esc_helper *h = &e->helpers[i];
	size_t k;

	if (arg == NULL) {
		say_helper(e, out, i, h->blocked ? "esc_duty_blocked" :
		    on_duty(e, i, now) ? "esc_duty_is_on" : "esc_duty_is_off",
		    NULL, now);
		return;
	}
	if (strcmp(arg, "on") == 0) {
		if (h->blocked) {
			say_helper(e, out, i, "esc_duty_blocked", NULL, now);
			return;
		}
		h->duty = STORE_DUTY_ON;
		h->gen++;
		say_helper(e, out, i, "esc_duty_on", NULL, now);
	} else if (strcmp(arg, "off") == 0) {
		h->duty = STORE_DUTY_OFF;
		say_helper(e, out, i, "esc_duty_off", NULL, now);
		for (k = 0; k < e->ncases; k++)
			if (e->cases[k]->state == STORE_OFFERED &&
			    e->cases[k]->helper == i)
				offer_revoke(e, e->cases[k], "DUTY OFF", 0,
				    now, out);
	} else if (strcmp(arg, "auto") == 0) {
		h->duty = STORE_DUTY_ROTA;
		h->gen++;
		say_helper(e, out, i, h->blocked ? "esc_duty_blocked" :
		    on_duty(e, i, now) ? "esc_duty_auto_on" :
		    "esc_duty_auto_off", NULL, now);
	} else {
		say_helper(e, out, i, "esc_helper_help", NULL, now);
		return;
	}
	helper_save(e, i, NULL);
	log_info("escalate: helper %s set duty %s", log_peer(h->cfg->jid),
	    arg);
}

/* CASE n: a case handed off to this helper lately, its details again. */
static void
cmd_case(struct escalate *e, int i, long n, const char *arg UNUSED,
    time_t now, struct esc_notes *out)
{
	struct store_msg *v;
	size_t k, cnt;
	char nb[32];
	int found = 0;

	num(nb, n);
	if (reach_of(e, helper_jid(e, i)) != ESC_SECURE) {
		say_helper(e, out, i, "esc_need_secure",
		    vars_make("case", nb, NULL), now);
		return;
	}
	if (store_outbox_list(e->st, helper_jid(e, i), &v, &cnt) == 0)
		for (k = 0; k < cnt && !found; k++)
			if (strcmp(v[k].key, KEPT_HELPER) == 0 &&
			    v[k].case_id == n &&
			    v[k].created >= handoff_kept_since(e, now)) {
				helper_note(e, out, i, KEPT_HELPER,
				    vars_copy(v[k].vars), 1, 0, now);
				found = 1;
			}
	store_msgs_free(v, cnt);
	if (!found)
		say_helper(e, out, i, "esc_case_none", vars_make("case", nb,
		    NULL), now);
}

static void
cmd_help(struct escalate *e, int i, long n UNUSED, const char *arg UNUSED,
    time_t now, struct esc_notes *out)
{
	say_helper(e, out, i, "esc_helper_help", NULL, now);
}

enum cmd_arg { ARG_NONE, ARG_CASE, ARG_DUTY };

/* Helper commands: a row per command; its words are the items of its key
 * in every language file (DATADIR/lang/). A command is only recognised in
 * its exact form (CLAIM 3, WHO), so that relayed text starting with such
 * a word ("who gave you...") is not taken for one. */
static const struct helper_cmd {
	const char	*key;
	enum cmd_arg	 arg;
	void		(*fn)(struct escalate *, int, long, const char *,
			    time_t, struct esc_notes *);
} helper_cmds[] = {
	{ "helper.queue",	ARG_NONE,	cmd_queue },
	{ "helper.claim",	ARG_CASE,	cmd_claim },
	{ "helper.talk",	ARG_CASE,	cmd_talk },
	{ "helper.close",	ARG_CASE,	cmd_close },
	{ "helper.trust",	ARG_CASE,	cmd_trust },
	{ "helper.who",		ARG_NONE,	cmd_who },
	{ "helper.duty",	ARG_DUTY,	cmd_duty },
	{ "helper.case",	ARG_CASE,	cmd_case },
	{ "helper.help",	ARG_NONE,	cmd_help },
};

/* DUTY's argument: a row per value, its words in the language files. */
static const struct {
	const char	*key;
	const char	*arg;
} duty_args[] = {
	{ "helper.on",		"on" },
	{ "helper.off",		"off" },
	{ "helper.auto",	"auto" },
};

static int
helper_command(struct escalate *e, int i, const char *text, time_t now,
    struct esc_notes *out)
{
	char w[3][32];
	const struct helper_cmd *cmd = NULL;
	const char *arg = NULL;
	long n = 0;
	size_t k;
	int nw;

	nw = fold_words(text, w, 3);
	if (nw < 1)
		return 0;
	for (k = 0; k < ARRAY_LEN(helper_cmds) && cmd == NULL; k++)
		if (lang_match(helper_cmds[k].key, w[0], strlen(w[0]), NULL))
			cmd = &helper_cmds[k];
	if (cmd == NULL)
		return 0;
	switch (cmd->arg) {
	case ARG_NONE:
		if (nw != 1)
			return 0;
		break;
	case ARG_CASE:
		if (nw != 2 || (n = parse_case(w[1])) == 0)
			return 0;
		break;
	case ARG_DUTY:
		if (nw > 2)
			return 0;
		for (k = 0; nw == 2 && k < ARRAY_LEN(duty_args); k++)
			if (lang_match(duty_args[k].key, w[1], strlen(w[1]),
			    NULL))
				arg = duty_args[k].arg;
		if (nw == 2 && arg == NULL)
			return 0;
		break;
	}
	cmd->fn(e, i, n, arg, now, out);
	return 1;
}

static int
helper_text(struct escalate *e, int i, const char *text, time_t now,
    struct esc_notes *out)
{
	struct esc_helper *h = &e->helpers[i];
	struct esc_case *c;
	const char *rest;
	long n;
	size_t k;

	if (helper_command(e, i, text, now, out)) {
		dispatch(e, now, out);
		return 1;
	}
	if ((n = parse_hash(text, &rest)) > 0) {
		if ((c = case_mine(e, i, n, now, out)) != NULL)
			helper_to_person(e, i, c, rest, now, out);
		return 1;
	}
	if (h->talk != 0) {
		c = case_find(e, h->talk);
		if (case_claimed_by(c, i)) {
			helper_to_person(e, i, c, text, now, out);
			return 1;
		}
		h->talk = 0;
	}
	for (k = 0; k < e->ncases; k++) {
		if (case_claimed_by(e->cases[k], i) &&
		    !e->cases[k]->withdrawn) {
			say_helper(e, out, i, "esc_helper_which", NULL, now);
			return 1;
		}
	}
	return 0;
}

int
escalate_helper_text(struct escalate *e, const char *helper, const char *text,
    time_t now, struct esc_notes *out)
{
	struct esc_event ev;
	int i = helper_find(e, helper), used;

	if (i < 0 || text == NULL)
		return 0;
	event_begin(e, &ev, out);
	used = helper_text(e, i, text, now, out);
	if (event_end(e, &ev, out) == -1) {
		log_warnx("escalate: text from helper %s not acted on (store)",
		    log_peer(helper_jid(e, i)));
		say_helper(e, out, i, "esc_helper_failed", NULL, now);
		return 1;
	}
	return used;
}

/* ---- events ---- */

static void
reach_changed(struct escalate *e, const char *bare, time_t now,
    struct esc_notes *out)
{
	int i = helper_find(e, bare);
	struct esc_helper *h;
	size_t k;
	int r, prev;

	if (i < 0) {
		if (reach_of(e, bare) == ESC_SECURE)
			person_flush(e, bare, out, now);
		return;
	}
	h = &e->helpers[i];
	r = reach_of(e, bare);
	prev = h->reach;
	h->reach = r;
	if (r == ESC_MISMATCH) {
		helper_mismatch(e, i, now, out);
		dispatch(e, now, out);
		return;
	}
	if (!available(prev) && available(r))
		h->gen++;	/* back: may be offered what they missed */
	for (k = 0; k < e->ncases; k++) {
		struct esc_case *c = e->cases[k];

		if (c->helper != i || c->state != STORE_OFFERED ||
		    c->withdrawn)
			continue;
		if (!available(r))
			offer_revoke(e, c, r == ESC_BUSY ? "helper busy" :
			    "helper offline", 0, now, out);
		else if (r == ESC_SECURE && !c->offer_sent)
			offer_send(e, c, now, out);
	}
	if (r == ESC_SECURE)
		helper_flush(e, i, out);
	dispatch(e, now, out);
}

/* 1 if a reach change of bare can change nothing: a person (not a
 * helper) out of a private conversation, or in one with nothing for them
 * in the outbox. An outbox that cannot be read is not idle: person_flush
 * then runs and logs the store's failure. reach_changed() does nothing else
 * for a person, so no event is needed, nor its copy of every open case
 * (event_begin): with the queue full, that copy was most of the cost of
 * each new session (docs/performance.md). */
static int
reach_idle(struct escalate *e, const char *bare)
{
	struct store_msg *v;
	size_t n;
	int rc;

	if (helper_find(e, bare) >= 0)
		return 0;
	if (reach_of(e, bare) != ESC_SECURE)
		return 1;
	rc = store_outbox_list(e->st, bare, &v, &n);
	store_msgs_free(v, n);
	return rc == 0 && n == 0;
}

void
escalate_reach_changed(struct escalate *e, const char *bare, time_t now,
    struct esc_notes *out)
{
	struct esc_event ev;

	if (reach_idle(e, bare))
		return;
	event_begin(e, &ev, out);
	reach_changed(e, bare, now, out);
	if (event_end(e, &ev, out) == -1) {
		log_warnx("escalate: reach change of %s not acted on (store); "
		    "retried", log_peer(bare));
		retry_add(e, bare);
		e->retried = now;
	}
}

/* What the store refused before: CANCELs, then reach changes. */
static void
retries(struct escalate *e, time_t now, struct esc_notes *out)
{
	char *v[RETRY_MAX];
	size_t k, n = e->nretry;

	if (e->retried != 0 && now - e->retried < RETRY_EVERY)
		return;
	e->retried = 0;
	for (k = 0; k < e->ncases; k++) {
		if (!e->cases[k]->withdrawn)
			continue;
		if (cancel_event(e, e->cases[k]->person, now, out) == -1) {
			e->retried = now;	/* the store still refuses */
			return;
		}
		k = (size_t)-1;		/* e->cases changed: again */
	}
	memcpy(v, e->retry, n * sizeof(*v));
	e->nretry = 0;
	for (k = 0; k < n; k++) {
		escalate_reach_changed(e, v[k], now, out);
		free(v[k]);
	}
}

static void
tick(struct escalate *e, time_t now, struct esc_notes *out)
{
	long timeout = e->cfg->escalation.ack_timeout;
	struct esc_case **ended;
	size_t k, nended = 0;

	for (k = 0; k < e->nhelpers; k++) {
		struct esc_helper *h = &e->helpers[k];
		int on = duty_is_on(e->duty, h->cfg->jid, now);

		if (on && !h->shift_on)
			h->gen++;	/* a shift starts: a fresh chance */
		h->shift_on = on;
	}
	/* The offers that time out end first; then every waiting case is
	 * offered again in the queue's order (a case in danger before one
	 * whose offer just ended). */
	ended = xcalloc(e->ncases + 1, sizeof(*ended));
	for (k = 0; k < e->ncases; k++) {
		struct esc_case *c = e->cases[k];

		if (c->state != STORE_OFFERED || c->withdrawn)
			continue;
		if (now - c->offered < timeout) {
			/* Still waiting for a pinned session: ask again. */
			if (!c->offer_sent) {
				int r = reach_of(e, helper_jid(e, c->helper));

				if (r == ESC_SECURE)
					offer_send(e, c, now, out);
				else if (r == ESC_ONLINE)
					helper_ask(e, out, c->helper, now);
			}
			continue;
		}
		offer_revoke(e, c, c->offer_sent ? "no claim in time" :
		    "no private conversation in time", 1, now, out);
		ended[nended++] = c;
	}
	dispatch(e, now, out);
	for (k = 0; k < nended; k++) {
		struct esc_case *c = ended[k];
		char nb[32], pb[32];

		if (c->state != STORE_WAITING || c->wait_told)
			continue;
		c->wait_told = 1;
		person_news(e, out, c, "esc_still_waiting", vars_make("case",
		    num(nb, c->id), "position", num(pb, case_position(e, c)),
		    NULL), now);
	}
	free(ended);
	if (e->last_purge == 0 || now - e->last_purge >= PURGE_INTERVAL) {
		long keep = e->cfg->escalation.retention;

		/* Undelivered news is kept at least MSG_KEEP, even with a
		 * shorter retention: it is still owed to someone. */
		store_changes_op(&e->changes, STORE_OP_PURGE, 0, now - keep,
		    now - (keep > MSG_KEEP ? keep : MSG_KEEP));
		store_changes_expire(&e->changes, KEPT_PERSON,
		    handoff_kept_since(e, now));
		store_changes_expire(&e->changes, KEPT_HELPER,
		    handoff_kept_since(e, now));
		e->last_purge = now;
	}
}

void
escalate_tick(struct escalate *e, time_t now, struct esc_notes *out)
{
	struct esc_event ev;

	retries(e, now, out);
	event_begin(e, &ev, out);
	tick(e, now, out);
	if (event_end(e, &ev, out) == -1)
		log_warnx("escalate: timeouts and retention not recorded "
		    "(store); retried at the next tick");
	store_tidy(e->st);
}

/* ---- life cycle ---- */

static void
helpers_load(struct escalate *e)
{
	size_t i, k;

	e->nhelpers = e->cfg->nhelpers;
	e->helpers = xcalloc(e->nhelpers + 1, sizeof(*e->helpers));
	for (i = 0; i < e->nhelpers; i++) {
		struct esc_helper *h = &e->helpers[i];
		struct store_helper sh;

		h->cfg = &e->cfg->helpers[i];
		h->fallback = -1;
		for (k = 0; k < e->cfg->duty.nfallback; k++)
			if (util_strcasecmp(e->cfg->duty.fallback[k],
			    h->cfg->jid) == 0 && h->fallback < 0)
				h->fallback = (int)k;
		if (store_helper_get(e->st, h->cfg->jid, &sh) == -1)
			continue;
		h->duty = sh.duty;
		h->blocked = sh.blocked;
		if (h->blocked) {
			char *pins = helper_pins(e, (int)i);

			/* The admin acted: the key seen is pinned now, or the
			 * pins were edited since. */
			if (helper_pinned(e, (int)i, sh.blocked_fp) ||
			    sh.blocked_pins == NULL ||
			    strcmp(pins, sh.blocked_pins) != 0) {
				h->blocked = 0;
				helper_save(e, (int)i, NULL);
				log_info("escalate: helper %s: pins changed "
				    "by the admin; back on duty",
				    log_peer(h->cfg->jid));
			} else
				log_info("escalate: helper %s stays off duty "
				    "(key not pinned; the admin has not acted)",
				    log_peer(h->cfg->jid));
			free(pins);
		}
		store_helper_release(&sh);
	}
}

/* Cases the person cancelled before a restart, the close not written
 * yet: withdrawn again (hidden from helpers, the close retried). */
static void
withdrawn_load(struct escalate *e)
{
	long *ids;
	size_t n, k, found = 0;
	struct esc_case *c;

	if (store_withdrawn_load(e->st, &ids, &n) == -1)
		return;
	for (k = 0; k < n; k++) {
		size_t j;

		for (j = 0, c = NULL; j < e->ncases && c == NULL; j++)
			if (e->cases[j]->id == ids[k])
				c = e->cases[j];
		if (c == NULL)
			continue;
		c->withdrawn = 1;
		found++;
		log_info("escalate: case %ld: cancelled before the restart; "
		    "its close is retried", c->id);
	}
	if (found != n)
		withdrawn_save(e);
	free(ids);
}

static void
cases_load(struct escalate *e)
{
	struct store_case *v;
	size_t n, k;

	if (store_cases_open(e->st, &v, &n) == -1)
		return;
	for (k = 0; k < n; k++) {
		struct esc_case *c = xcalloc(1, sizeof(*c));

		c->id = v[k].id;
		c->state = v[k].state;
		c->person = v[k].person;
		c->lang = v[k].lang;
		c->text = v[k].text;
		c->person_fp = v[k].person_fp;
		c->helper = v[k].helper != NULL ?
		    helper_find(e, v[k].helper) : -1;
		c->opened = v[k].opened;
		c->offered = v[k].offered;
		c->claimed = v[k].claimed;
		c->danger = v[k].danger;
		c->tried = xcalloc(e->nhelpers + 1, sizeof(*c->tried));
		v[k].person = v[k].lang = v[k].text = v[k].person_fp = NULL;
		/* An offer made before the restart is not waited for: the
		 * case is offered again as soon as a helper is available. */
		if (c->state == STORE_OFFERED ||
		    (c->state == STORE_CLAIMED && c->helper < 0)) {
			c->state = STORE_WAITING;
			c->helper = -1;
			case_save(e, c);
		}
		case_add(e, c);
	}
	cases_order(e);
	if (n > 0)
		log_info("escalate: %zu open cases loaded from the store", n);
	store_cases_free(v, n);
	withdrawn_load(e);
}

struct escalate *
escalate_new(const struct config *cfg, struct store *st, const struct duty *d,
    const struct esc_env *env)
{
	struct escalate *e;

	if (cfg == NULL || st == NULL || d == NULL)
		fatalx("escalate_new: config, store and duty are required");
	e = xcalloc(1, sizeof(*e));
	e->cfg = cfg;
	e->st = st;
	e->duty = d;
	if (env != NULL)
		e->env = *env;
	store_changes_init(&e->changes);
	helpers_load(e);
	cases_load(e);
	/* Offers from before the restart, pins the admin changed: a store
	 * that refuses them now is told so again by the next event. */
	if (store_apply(e->st, &e->changes) == -1)
		log_warnx("escalate: state after loading not recorded (store)");
	store_changes_clear(&e->changes);
	e->next_id = store_case_next_id(st);
	return e;
}

void
escalate_free(struct escalate *e)
{
	size_t k;

	if (e == NULL)
		return;
	for (k = 0; k < e->ncases; k++)
		case_free(e->cases[k]);
	for (k = 0; k < e->nretry; k++)
		free(e->retry[k]);
	store_changes_release(&e->changes);
	free(e->cases);
	free(e->helpers);
	free(e);
}

void
escalate_helper_impostor(struct escalate *e, const char *bare, time_t now,
    struct esc_notes *out)
{
	int i = helper_find(e, bare);
	size_t k;

	if (i < 0)
		return;
	if (reach_of(e, bare) != ESC_SECURE) {
		/* No pinned session left: the ordinary mismatch. */
		escalate_reach_changed(e, bare, now, out);
		return;
	}
	if (e->helpers[i].impostor != 0 &&
	    now - e->helpers[i].impostor < IMPOSTOR_EVERY)
		return;
	e->helpers[i].impostor = now;
	log_warnx("escalate: a session of helper %s's account with a key that "
	    "is not pinned was refused; their pinned session stays on duty",
	    log_peer(helper_jid(e, i)));
	for (k = 0; k < e->nhelpers; k++) {
		if ((int)k == i || e->helpers[k].blocked ||
		    reach_of(e, helper_jid(e, (int)k)) != ESC_SECURE)
			continue;
		helper_note(e, out, (int)k, "esc_helper_impostor",
		    vars_make("helper", helper_name(e, i), NULL), 0, 0, now);
	}
}
