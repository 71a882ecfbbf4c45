/*
 * test_transcripts: runs the conversation transcripts in tests/transcripts/
 * against bot.c, without a network (git's t/, curl's tests/data).
 *
 * A transcript is a text file, one directive per line:
 *
 *   # comment (also: blank lines)
 *   config: key=value [key=value ...]   before the first event; keys below
 *   guide: DIR          guide pages, relative to TOP_SRCDIR (default: none)
 *   phrases: DIR        phrase files, relative to TOP_SRCDIR (default: replies)
 *   peer: JID           who speaks from now on (default alice@example.org)
 *   helper: JID NAME LANGS FP   a helper (LANGS "fr,en"; FP 40 hex digits)
 *   shift: JID DAYS HH:MM-HH:MM a shift (DAYS mon-fri, daily, sat ...)
 *   escalate: on        the real escalate.c with a store in a temp dir
 *   time: YYYY-MM-DDTHH:MM:SSZ  the clock (default a Monday, 1970-01-12)
 *   facts: k=v ...      the current peer's OTR facts: encrypted verified
 *                       pinned (0/1), their_fp, our_fp (rest of line)
 *   > text              the peer writes text
 *   ! secure [unread] [plaintext]
 *   ! smp answered|succeeded|proved|failed|limited|unavailable
 *   ! ended | ! presence N | ! tick SECONDS | ! wait SECONDS | ! lang xx
 *   < GLOB              next action: a message to the current peer matching
 *                       GLOB ('*' is any text, newlines too; '\*' a star)
 *   | more GLOB         a line after '<' or '&': the expected message goes
 *                       on with a newline ("|" alone: an empty line)
 *   & GLOB, &! GLOB     the same message also matches / must not match
 *   <to JID GLOB        next action: a message to JID
 *   <helper JID GLOB    next action: a helper message (BOT_SAY_HELPER)
 *   <smp, <end, <open JID   next action: start SMP, end OTR, open a helper
 *   <...                ignore the rest of this event's actions
 *
 * After each event every action must be matched before the next event.
 * Config keys: smp_question smp_question_fr smp_question_es smp_secret
 * narrate mode (relay|handoff)
 * max_reply_chars base_url default_language min_score idle_timeout
 * max_sessions max_text explain helper (jid[,name[,lang]]).
 *
 * A peer is online, encrypted and unverified until told otherwise
 * (! presence, facts:); escalate.c sees a helper as reachable when its facts
 * say pinned=1.
 *
 * Every message is also checked for what must never go out: text that
 * chat_is_safe() refuses, or a bare phrase key.
 */
#include "ac-config.h"

#include <dirent.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include "bot.h"
#include "chat.h"
#include "config.h"
#include "fpr.h"
#include "console.h"
#include "duty.h"
#include "escalate.h"
#include "guide.h"
#include "lexicon.h"
#include "log.h"
#include "phrases.h"
#include "search.h"
#include "store.h"
#include "tap.h"
#include "util.h"

#define T_MAX_PEERS	16
#define T_MAX_HELPERS	8
#define T_MAX_SHIFTS	8
#define T_DEFAULT_PEER	"alice@example.org"
#define T_OUR_FP	"11111111 22222222 33333333 44444444 55555555"
#define T_THEIR_FP	"AAAAAAAA BBBBBBBB CCCCCCCC DDDDDDDD EEEEEEEE"

struct t_peer {
	char			*jid;
	struct bot_facts	 f;
	char			*their_fp;
	char			*our_fp;
	int			 online;	/* as bot_presence() */
};

struct t_run {
	const char		*file;
	int			 line;
	const char		*top;
	struct config		 cfg;
	struct config_helper	 helpers[T_MAX_HELPERS];
	struct config_shift	 shifts[T_MAX_SHIFTS];
	int			 want_escalate;
	char			*state_dir;
	struct store		*st;
	struct duty		*d;
	struct escalate		*e;
	int			 explain;
	struct guide		*g;
	struct search		*s;
	struct phrases		*p;
	struct lexicon		*lx;
	struct bot		*b;
	char			*guide_dir;
	char			*phrases_dir;
	struct t_peer		 peers[T_MAX_PEERS];
	size_t			 npeers;
	size_t			 cur;
	struct bot_actions	 acts;
	size_t			 next;		/* next action to match */
	size_t			 last;		/* last matched, for '&' */
	int			 event_line;
	time_t			 now;
	int			 checks;
	struct buf		 err;
};

static void
fail(struct t_run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
fail(struct t_run *r, const char *fmt, ...)
{
	va_list ap;

	if (r->err.len > 0)
		return;	/* the first failure is the one that matters */
	buf_addf(&r->err, "%s:%d: ", r->file, r->line);
	va_start(ap, fmt);
	buf_vaddf(&r->err, fmt, ap);
	va_end(ap);
	buf_addc(&r->err, '\n');
}

static const char *
act_name(enum bot_act t)
{
	switch (t) {
	case BOT_SAY:		return "say";
	case BOT_SAY_HELPER:	return "helper";
	case BOT_OPEN:		return "open";
	case BOT_SMP_START:	return "smp";
	case BOT_END:		return "end";
	}
	return "?";
}

/* Appends every action of the current event, for failure messages. */
static void
dump_actions(struct t_run *r)
{
	buf_addf(&r->err, "  actions of the event at line %d:\n",
	    r->event_line);
	if (r->acts.n == 0)
		buf_adds(&r->err, "    (none)\n");
	for (size_t i = 0; i < r->acts.n; i++) {
		struct bot_action *a = &r->acts.v[i];
		buf_addf(&r->err, "    [%zu] %s %s%s\n", i + 1,
		    act_name(a->type), a->peer, a->text ? ":" : "");
		if (a->text != NULL) {
			const char *s = a->text;
			while (*s != '\0') {
				const char *nl = strchr(s, '\n');
				size_t n = nl ? (size_t)(nl - s) : strlen(s);
				buf_adds(&r->err, "      | ");
				buf_add(&r->err, s, n);
				buf_addc(&r->err, '\n');
				s += n + (nl ? 1 : 0);
			}
		}
	}
}

/* Whole-string glob: '*' matches anything (newlines too), "\*" a star. */
static int
glob_match(const char *p, const char *s)
{
	while (*p != '\0') {
		if (*p == '*') {
			while (*p == '*')
				p++;
			if (*p == '\0')
				return 1;
			for (; *s != '\0'; s++)
				if (glob_match(p, s))
					return 1;
			return 0;
		}
		if (*p == '\\' && p[1] == '*')
			p++;
		if (*s != *p)
			return 0;
		p++;
		s++;
	}
	return *s == '\0';
}

static char *
trim(char *s)
{
	size_t n;

	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' ||
	    s[n - 1] == '\r'))
		s[--n] = '\0';
	return s;
}

static struct t_peer *
peer_cur(struct t_run *r)
{
	return &r->peers[r->cur];
}

static size_t
peer_select(struct t_run *r, const char *jid)
{
	for (size_t i = 0; i < r->npeers; i++)
		if (strcmp(r->peers[i].jid, jid) == 0)
			return i;
	if (r->npeers == T_MAX_PEERS) {
		fail(r, "too many peers");
		return 0;
	}
	{
		struct t_peer *p = &r->peers[r->npeers];
		memset(p, 0, sizeof(*p));
		p->jid = xstrdup(jid);
		p->their_fp = xstrdup(T_THEIR_FP);
		p->our_fp = xstrdup(T_OUR_FP);
		p->f.encrypted = 1;
		p->online = 1;
		p->f.their_fp = p->their_fp;
		p->f.our_fp = p->our_fp;
	}
	return r->npeers++;
}

/* What no message may ever contain. */
static void
check_clean(struct t_run *r, const struct bot_action *a)
{
	const unsigned char *s = (const unsigned char *)a->text;
	const char *why;
	int letters_only = 1;

	if (s == NULL)
		return;
	r->checks++;
	if (!chat_is_safe(a->text, &why))
		fail(r, "message %s", why);
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || *s == '_'))
			letters_only = 0;
	/* A guide answer fits max_reply_chars (its first line names the
	 * source). */
	{
		const char *nl = strchr(a->text, '\n');
		const char *sep = strstr(a->text, " \xe2\x80\xba ");
		size_t chars = 0;

		for (s = (const unsigned char *)a->text; *s != '\0'; s++)
			if ((*s & 0xc0) != 0x80)
				chars++;
		if (sep != NULL && (nl == NULL || sep < nl) &&
		    r->cfg.guide.max_reply_chars > 0 &&
		    chars > r->cfg.guide.max_reply_chars)
			fail(r, "guide answer of %zu characters, more than "
			    "max_reply_chars (%zu)", chars,
			    r->cfg.guide.max_reply_chars);
	}
	if (letters_only && strchr(a->text, '_') != NULL)
		fail(r, "message \"%s\" looks like a missing phrase key",
		    a->text);
}

/* Fails if the last event left actions nobody expected. */
static void
check_done(struct t_run *r)
{
	if (r->next < r->acts.n) {
		fail(r, "unexpected action after the event at line %d "
		    "(got more than the transcript lists)", r->event_line);
		dump_actions(r);
	}
	bot_actions_clear(&r->acts);
	r->next = 0;
}

static struct t_peer *
peer_find(struct t_run *r, const char *jid)
{
	for (size_t i = 0; i < r->npeers; i++)
		if (util_strcasecmp(r->peers[i].jid, jid) == 0)
			return &r->peers[i];
	return NULL;
}

static int
is_helper(const struct t_run *r, const char *jid)
{
	for (size_t i = 0; i < r->cfg.nhelpers; i++)
		if (util_strcasecmp(r->helpers[i].jid, jid) == 0)
			return 1;
	return 0;
}

/* What the daemon would say of a peer: presence, then OTR, then the pin. */
static int
env_reach(void *ud, const char *bare)
{
	struct t_run *r = ud;
	struct t_peer *p = peer_find(r, bare);

	if (p == NULL || p->online == 0)
		return ESC_OFFLINE;
	if (p->online == 2)
		return ESC_BUSY;
	if (!p->f.encrypted)
		return ESC_ONLINE;
	if (is_helper(r, bare) && !p->f.pinned)
		return ESC_MISMATCH;
	return ESC_SECURE;
}

static int
env_fingerprint(void *ud, const char *bare, char *out)
{
	struct t_run *r = ud;
	struct t_peer *p = peer_find(r, bare);
	size_t n = 0;

	if (p == NULL || p->f.their_fp == NULL || !p->f.encrypted)
		return -1;
	for (const char *s = p->f.their_fp; *s != '\0' && n < 40; s++)
		if (*s != ' ')
			out[n++] = *s;
	out[n] = '\0';
	return n == 40 ? 0 : -1;
}

/* The real escalation engine on a store in a fresh directory. */
static int
escalate_setup(struct t_run *r)
{
	char tmpl[] = "/tmp/secours-transcript-XXXXXX";
	struct esc_env env = { r, env_reach, env_fingerprint, NULL };

	if (mkdtemp(tmpl) == NULL) {
		fail(r, "mkdtemp failed");
		return -1;
	}
	r->state_dir = xstrdup(tmpl);
	if ((r->st = store_open(r->state_dir)) == NULL) {
		fail(r, "store_open %s failed", r->state_dir);
		return -1;
	}
	if ((r->d = duty_new(&r->cfg)) == NULL) {
		fail(r, "duty_new failed");
		return -1;
	}
	r->e = escalate_new(&r->cfg, r->st, r->d, &env);
	return 0;
}

static void
escalate_teardown(struct t_run *r)
{
	static const char *const files[] = { STORE_FILE, STORE_FILE "-wal",
	    STORE_FILE "-shm", STORE_FILE "-journal" };

	escalate_free(r->e);
	duty_free(r->d);
	store_close(r->st);
	if (r->state_dir != NULL) {
		for (size_t i = 0; i < ARRAY_LEN(files); i++) {
			struct buf f;

			buf_init(&f);
			buf_addf(&f, "%s/%s", r->state_dir, files[i]);
			(void)unlink(f.s);
			buf_release(&f);
		}
		(void)rmdir(r->state_dir);
		free(r->state_dir);
	}
}

static const char *
env_on_duty(void *ud, time_t now)
{
	struct t_run *r = ud;

	return r->d != NULL ? duty_sole_name(r->d, now) : NULL;
}

static int
setup(struct t_run *r)
{
	struct buf path;
	const char *dl = r->cfg.guide.default_language;

	if (r->b != NULL)
		return 0;
	r->g = guide_new();
	r->p = phrases_new();
	buf_init(&path);
	if (r->guide_dir != NULL) {
		buf_addf(&path, "%s/%s", r->top, r->guide_dir);
		if (guide_load_dir(r->g, path.s, dl ? dl : "en") <= 0)
			fail(r, "no guide pages in %s", path.s);
		buf_truncate(&path, 0);
	}
	buf_addf(&path, "%s/%s", r->top,
	    r->phrases_dir ? r->phrases_dir : "replies");
	if (phrases_load_dir(r->p, path.s) <= 0)
		fail(r, "no phrase files in %s", path.s);
	/* The lexicon sits beside the phrases, as in the data directory. */
	r->lx = lexicon_new();
	(void)lexicon_load_dir(r->lx, path.s);
	buf_release(&path);
	r->s = search_new_lex(r->g, r->lx);
	if (r->want_escalate && escalate_setup(r) < 0)
		return -1;
	{
		struct bot_env env = { r, env_reach, env_fingerprint,
		    env_on_duty, NULL };
		r->b = bot_new(&r->cfg, r->g, r->s, r->p, r->e, &env);
	}
	bot_set_explain(r->b, r->explain);
	return r->err.len > 0 ? -1 : 0;
}

static void
add_helper(struct t_run *r, const char *spec)
{
	struct config_helper *h;
	char *copy = xstrdup(spec), *name, *lang;

	if (r->cfg.nhelpers == T_MAX_HELPERS) {
		fail(r, "too many helpers");
		free(copy);
		return;
	}
	h = &r->helpers[r->cfg.nhelpers++];
	memset(h, 0, sizeof(*h));
	if ((name = strchr(copy, ',')) != NULL)
		*name++ = '\0';
	if (name != NULL && (lang = strchr(name, ',')) != NULL) {
		*lang++ = '\0';
		h->languages = xcalloc(1, sizeof(char *));
		h->languages[0] = xstrdup(lang);
		h->nlanguages = 1;
	}
	h->jid = xstrdup(copy);
	h->name = xstrdup(name ? name : copy);
	r->cfg.helpers = r->helpers;
	free(copy);
}

static void set_str(char **field, const char *v);

/* "helper: JID NAME LANGS FP" */
static void
parse_helper(struct t_run *r, char *s)
{
	char *w[4], *save = s;
	struct config_helper *h;
	size_t n = 0;

	for (n = 0; n < 4; n++) {
		while (*save == ' ')
			save++;
		if (*save == '\0')
			break;
		w[n] = save;
		if (n < 3 && (save = strchr(save, ' ')) != NULL)
			*save++ = '\0';
		else
			save = w[n] + strlen(w[n]);
	}
	if (n < 3 || r->cfg.nhelpers == T_MAX_HELPERS || r->b != NULL) {
		fail(r, "helper: expected JID NAME LANGS [FP] before events");
		return;
	}
	h = &r->helpers[r->cfg.nhelpers++];
	memset(h, 0, sizeof(*h));
	h->jid = xstrdup(w[0]);
	h->name = xstrdup(w[1]);
	for (char *l = w[2], *c; l != NULL; l = c) {
		if ((c = strchr(l, ',')) != NULL)
			*c++ = '\0';
		h->languages = xrealloc(h->languages,
		    (h->nlanguages + 1) * sizeof(char *));
		h->languages[h->nlanguages++] = xstrdup(l);
	}
	if (n == 4) {
		h->fingerprints = xcalloc(1, sizeof(*h->fingerprints));
		if (fpr_parse(w[3], h->fingerprints[0]) < 0)
			fail(r, "helper: bad fingerprint %s", w[3]);
		h->nfingerprints = 1;
	}
	r->cfg.helpers = r->helpers;
}

/* "HH:MM" at s into minutes; returns the end, or NULL. */
static const char *
parse_hhmm(const char *s, int *min)
{
	if (s[0] < '0' || s[0] > '2' || s[1] < '0' || s[1] > '9' ||
	    s[2] != ':' || s[3] < '0' || s[3] > '5' || s[4] < '0' ||
	    s[4] > '9')
		return NULL;
	*min = ((s[0] - '0') * 10 + (s[1] - '0')) * 60 +
	    (s[3] - '0') * 10 + (s[4] - '0');
	return s + 5;
}

/* "shift: JID DAYS HH:MM-HH:MM" */
static void
parse_shift(struct t_run *r, char *s)
{
	static const char *const days[] = { "mon", "tue", "wed", "thu",
	    "fri", "sat", "sun" };
	char *jid, *d, *hours, *dash;
	const char *e;
	struct config_shift *sh;
	int a = -1, b = -1;

	jid = trim(s);
	if ((d = strchr(jid, ' ')) == NULL ||
	    (hours = strchr(d + 1, ' ')) == NULL ||
	    r->cfg.duty.nshifts == T_MAX_SHIFTS) {
		fail(r, "shift: expected JID DAYS HH:MM-HH:MM");
		return;
	}
	*d++ = '\0';
	*hours++ = '\0';
	sh = &r->shifts[r->cfg.duty.nshifts++];
	memset(sh, 0, sizeof(*sh));
	sh->helper = xstrdup(jid);
	r->cfg.duty.shifts = r->shifts;
	if ((e = parse_hhmm(trim(hours), &sh->from_min)) == NULL ||
	    *e != '-' || (e = parse_hhmm(e + 1, &sh->to_min)) == NULL ||
	    *e != '\0') {
		fail(r, "shift: expected HH:MM-HH:MM");
		return;
	}
	if (strcmp(d, "daily") == 0) {
		sh->days = 0x7f;
		return;
	}
	if ((dash = strchr(d, '-')) != NULL)
		*dash++ = '\0';
	for (int i = 0; i < 7; i++) {
		if (strcmp(d, days[i]) == 0)
			a = i;
		if (dash != NULL && strcmp(dash, days[i]) == 0)
			b = i;
	}
	if (b < 0)
		b = a;
	if (a < 0) {
		fail(r, "shift: unknown day %s", d);
		return;
	}
	for (int i = a; ; i = (i + 1) % 7) {
		sh->days |= 1u << i;
		if (i == b)
			break;
	}
}

/* "time: 2024-03-04T10:00:00Z" */
static void
parse_time(struct t_run *r, char *s)
{
	struct tm tm;
	char *end;

	memset(&tm, 0, sizeof(tm));
	end = strptime(trim(s), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (end == NULL || *end != '\0') {
		fail(r, "time: expected YYYY-MM-DDTHH:MM:SSZ");
		return;
	}
	r->now = timegm(&tm);
}

static void
set_str(char **field, const char *v)
{
	free(*field);
	*field = xstrdup(v);
}

static void
config_key(struct t_run *r, const char *k, const char *v)
{
	long n;

	if (strcmp(k, "smp_question") == 0)
		set_str(&r->cfg.otr.smp_question, v);
	else if (strncmp(k, "smp_question_", 13) == 0) {
		/* smp_question_fr=...: the question in one language */
		struct config_texts *q = &r->cfg.otr.smp_questions;

		q->langs = xrealloc(q->langs, (q->n + 1) * sizeof(char *));
		q->texts = xrealloc(q->texts, (q->n + 1) * sizeof(char *));
		q->langs[q->n] = xstrdup(k + 13);
		q->texts[q->n] = xstrdup(v);
		q->n++;
	}
	else if (strcmp(k, "smp_secret") == 0)
		set_str(&r->cfg.otr.smp_secret, v);
	else if (strcmp(k, "narrate") == 0)
		r->cfg.otr.narrate = strcmp(v, "1") == 0;
	else if (strcmp(k, "explain") == 0)
		r->explain = strcmp(v, "1") == 0;
	else if (strcmp(k, "mode") == 0)
		r->cfg.escalation.mode = strcmp(v, "handoff") == 0 ?
		    CONFIG_ESC_HANDOFF : CONFIG_ESC_RELAY;
	else if (strcmp(k, "base_url") == 0)
		set_str(&r->cfg.guide.base_url, v);
	else if (strcmp(k, "default_language") == 0)
		set_str(&r->cfg.guide.default_language, v);
	else if (strcmp(k, "helper") == 0)
		add_helper(r, v);
	else if (strcmp(k, "min_score") == 0)
		r->cfg.guide.min_score = strtod(v, NULL);
	else if (util_parse_long(v, 0, 100000000, &n) < 0)
		fail(r, "config: bad value for %s: %s", k, v);
	else if (strcmp(k, "max_reply_chars") == 0)
		r->cfg.guide.max_reply_chars = (size_t)n;
	else if (strcmp(k, "idle_timeout") == 0)
		r->cfg.otr.idle_timeout = n;
	else if (strcmp(k, "max_sessions") == 0)
		r->cfg.limits.max_sessions = (size_t)n;
	else if (strcmp(k, "max_text") == 0)
		r->cfg.limits.max_text = (size_t)n;
	else
		fail(r, "config: unknown key %s", k);
}

static const char *const config_keys[] = {
	"smp_question", "smp_question_fr", "smp_question_es", "smp_secret",
	"narrate", "explain", "mode", "base_url",
	"default_language", "helper", "min_score", "max_reply_chars",
	"idle_timeout", "max_sessions", "max_text",
};

/* Where the next "key=" of a known key starts in s (at s or after a space),
 * or NULL. */
static char *
next_key(char *s, int at_start)
{
	for (char *p = s; *p != '\0'; p++) {
		if (!(p == s && at_start) && p[-1] != ' ')
			continue;
		for (size_t i = 0; i < ARRAY_LEN(config_keys); i++) {
			size_t n = strlen(config_keys[i]);
			if (strncmp(p, config_keys[i], n) == 0 && p[n] == '=')
				return p;
		}
	}
	return NULL;
}

static void
parse_config(struct t_run *r, char *s)
{
	char *k = next_key(s, 1);

	if (r->b != NULL) {
		fail(r, "config: after the first event");
		return;
	}
	if (k == NULL || trim(s) != k) {
		fail(r, "config: expected key=value");
		return;
	}
	while (k != NULL) {
		char *eq = strchr(k, '='), *v = eq + 1, *nk = next_key(v, 0);

		*eq = '\0';
		if (nk != NULL)
			nk[-1] = '\0';
		config_key(r, k, trim(v));
		k = nk;
	}
}

static void
parse_facts(struct t_run *r, char *s)
{
	struct t_peer *p = peer_cur(r);
	char *w, *save = s;

	while (*(s = trim(save)) != '\0') {
		char *eq;

		if ((w = strchr(s, ' ')) != NULL)
			*w = '\0';
		save = w ? w + 1 : s + strlen(s);
		if ((eq = strchr(s, '=')) == NULL) {
			fail(r, "facts: expected key=value");
			return;
		}
		*eq++ = '\0';
		if (strcmp(s, "encrypted") == 0)
			p->f.encrypted = strcmp(eq, "1") == 0;
		else if (strcmp(s, "verified") == 0)
			p->f.verified = strcmp(eq, "1") == 0;
		else if (strcmp(s, "pinned") == 0)
			p->f.pinned = strcmp(eq, "1") == 0;
		else if (strcmp(s, "their_fp") == 0 ||
		    strcmp(s, "our_fp") == 0) {
			/* The rest of the line: fingerprints have spaces. */
			char *v = eq;
			if (w != NULL) {
				*w = ' ';
				save = v + strlen(v);
			}
			if (strcmp(v, "none") == 0) {
				if (s[0] == 't')
					p->f.their_fp = NULL;
				else
					p->f.our_fp = NULL;
			} else if (s[0] == 't') {
				set_str(&p->their_fp, v);
				p->f.their_fp = p->their_fp;
			} else {
				set_str(&p->our_fp, v);
				p->f.our_fp = p->our_fp;
			}
		} else
			fail(r, "facts: unknown key %s", s);
	}
}

/* T_VERBOSE=1: prints every event's actions (to write transcripts). */
static void
verbose(struct t_run *r)
{
	struct buf saved = r->err;

	if (getenv("T_VERBOSE") == NULL)
		return;
	buf_init(&r->err);
	dump_actions(r);
	printf("%s", r->err.s);
	buf_release(&r->err);
	r->err = saved;
}

static void
event(struct t_run *r, char *s)
{
	struct t_peer *p;
	char *arg;
	long n;

	check_done(r);
	if (r->err.len > 0 || setup(r) < 0)
		return;
	r->event_line = r->line;
	p = peer_cur(r);
	s = trim(s);
	if ((arg = strchr(s, ' ')) != NULL)
		*arg++ = '\0';
	else
		arg = s + strlen(s);
	if (strcmp(s, "secure") == 0) {
		bot_secure(r->b, p->jid, &p->f, strstr(arg, "unread") != NULL,
		    strstr(arg, "plaintext") != NULL, r->now, &r->acts);
	} else if (strcmp(s, "smp") == 0) {
		static const struct {
			const char		*name;
			enum bot_smp_result	 r;
		} res[] = {
			{ "answered", BOT_SMP_ANSWERED },
			{ "succeeded", BOT_SMP_SUCCEEDED },
			{ "proved", BOT_SMP_PROVED },
			{ "failed", BOT_SMP_FAILED },
			{ "limited", BOT_SMP_LIMITED },
			{ "unavailable", BOT_SMP_UNAVAILABLE },
		};
		size_t i;
		for (i = 0; i < ARRAY_LEN(res); i++)
			if (strcmp(arg, res[i].name) == 0)
				break;
		if (i == ARRAY_LEN(res)) {
			fail(r, "unknown smp result %s", arg);
			return;
		}
		if (res[i].r == BOT_SMP_SUCCEEDED)
			p->f.verified = 1;
		bot_smp(r->b, p->jid, res[i].r, &p->f, r->now, &r->acts);
	} else if (strcmp(s, "ended") == 0) {
		bot_ended(r->b, p->jid, r->now, &r->acts);
	} else if (strcmp(s, "presence") == 0 &&
	    util_parse_long(arg, 0, 2, &n) == 0) {
		p->online = (int)n;
		bot_presence(r->b, p->jid, (int)n, r->now, &r->acts);
	} else if (strcmp(s, "tick") == 0 &&
	    util_parse_long(arg, 0, 100000000, &n) == 0) {
		r->now += n;
		bot_tick(r->b, r->now, &r->acts);
	} else if (strcmp(s, "wait") == 0 &&
	    util_parse_long(arg, 0, 100000000, &n) == 0) {
		r->now += n;
	} else if (strcmp(s, "lang") == 0) {
		bot_set_lang(r->b, p->jid, arg);
	} else
		fail(r, "unknown event: %s %s", s, arg);
	verbose(r);
}

static void
say(struct t_run *r, const char *text)
{
	struct t_peer *p;

	check_done(r);
	if (r->err.len > 0 || setup(r) < 0)
		return;
	r->event_line = r->line;
	r->now++;
	p = peer_cur(r);
	bot_text(r->b, p->jid, text, &p->f, r->now, &r->acts);
	verbose(r);
}

/* Takes the next action; it must be of type to peer. */
static struct bot_action *
take(struct t_run *r, enum bot_act type, const char *peer)
{
	struct bot_action *a;

	r->checks++;
	if (r->next >= r->acts.n) {
		fail(r, "expected a %s action to %s, got nothing more",
		    act_name(type), peer);
		dump_actions(r);
		return NULL;
	}
	a = &r->acts.v[r->next];
	if (a->type != type || strcmp(a->peer, peer) != 0) {
		fail(r, "expected a %s action to %s, got %s to %s",
		    act_name(type), peer, act_name(a->type), a->peer);
		dump_actions(r);
		return NULL;
	}
	check_clean(r, a);
	r->last = r->next++;
	return a;
}

static void
expect_text(struct t_run *r, struct bot_action *a, const char *glob, int neg)
{
	if (a == NULL)
		return;
	r->checks++;
	if (glob_match(glob, a->text ? a->text : "") == !neg)
		return;
	fail(r, "message %zu %s match\n  expected: %s\n  got:      %s",
	    (size_t)(a - r->acts.v) + 1, neg ? "must not" : "does not",
	    glob, a->text ? a->text : "(none)");
	dump_actions(r);
}

static void
expect(struct t_run *r, char *s)
{
	char *jid, *glob;

	if (strcmp(s, "...") == 0) {
		r->next = r->acts.n;
		return;
	}
	if (strcmp(s, "smp") == 0) {
		take(r, BOT_SMP_START, peer_cur(r)->jid);
		return;
	}
	if (strcmp(s, "end") == 0) {
		take(r, BOT_END, peer_cur(r)->jid);
		return;
	}
	if (strncmp(s, "open ", 5) == 0) {
		take(r, BOT_OPEN, trim(s + 5));
		return;
	}
	if (strncmp(s, "to ", 3) == 0 || strncmp(s, "helper ", 7) == 0) {
		enum bot_act t = s[0] == 't' ? BOT_SAY : BOT_SAY_HELPER;

		jid = s + (s[0] == 't' ? 3 : 7);
		if ((glob = strchr(jid, ' ')) == NULL) {
			fail(r, "expected JID and GLOB");
			return;
		}
		*glob++ = '\0';
		expect_text(r, take(r, t, jid), glob, 0);
		return;
	}
	if (s[0] != ' ' && s[0] != '\0') {
		fail(r, "unknown expectation <%s", s);
		return;
	}
	expect_text(r, take(r, BOT_SAY, peer_cur(r)->jid),
	    s[0] ? s + 1 : s, 0);
}

static void
also(struct t_run *r, const char *s, int neg)
{
	if (r->last >= r->acts.n || r->next == 0) {
		fail(r, "'&' without a matched message before it");
		return;
	}
	expect_text(r, &r->acts.v[r->last], s, neg);
}

static void
run_release(struct t_run *r)
{
	bot_free(r->b);
	escalate_teardown(r);
	for (size_t i = 0; i < r->cfg.duty.nshifts; i++)
		free(r->shifts[i].helper);
	search_free(r->s);
	lexicon_free(r->lx);
	guide_free(r->g);
	phrases_free(r->p);
	bot_actions_release(&r->acts);
	for (size_t i = 0; i < r->npeers; i++) {
		free(r->peers[i].jid);
		free(r->peers[i].their_fp);
		free(r->peers[i].our_fp);
	}
	for (size_t i = 0; i < r->cfg.nhelpers; i++) {
		free(r->helpers[i].jid);
		free(r->helpers[i].name);
		for (size_t k = 0; k < r->helpers[i].nlanguages; k++)
			free(r->helpers[i].languages[k]);
		free(r->helpers[i].languages);
		free(r->helpers[i].fingerprints);
	}
	free(r->cfg.otr.smp_question);
	for (size_t i = 0; i < r->cfg.otr.smp_questions.n; i++) {
		free(r->cfg.otr.smp_questions.langs[i]);
		free(r->cfg.otr.smp_questions.texts[i]);
	}
	free(r->cfg.otr.smp_questions.langs);
	free(r->cfg.otr.smp_questions.texts);
	free(r->cfg.otr.smp_secret);
	free(r->cfg.guide.base_url);
	free(r->cfg.guide.default_language);
	free(r->guide_dir);
	free(r->phrases_dir);
	buf_release(&r->err);
}

/* Runs one transcript; returns 0, or -1 with the reason printed. */
static int
run_file(const char *top, const char *path, const char *name, int *checks)
{
	struct t_run r;
	char *data, *line, *next;
	size_t len;
	int rc;

	memset(&r, 0, sizeof(r));
	r.file = name;
	r.top = top;
	r.now = 1000000;
	buf_init(&r.err);
	config_init(&r.cfg);
	r.cfg.guide.default_language = xstrdup("en");
	bot_actions_init(&r.acts);
	r.cur = peer_select(&r, T_DEFAULT_PEER);
	if ((data = util_read_file(path, 1 << 20, &len)) == NULL) {
		printf("# %s: cannot read\n", path);
		run_release(&r);
		return -1;
	}
	for (line = data; line != NULL && r.err.len == 0; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		r.line++;
		if (line[0] == '#' || trim(line)[0] == '\0')
			continue;
		if (strncmp(line, "config:", 7) == 0)
			parse_config(&r, line + 7);
		else if (strncmp(line, "guide:", 6) == 0)
			set_str(&r.guide_dir, trim(line + 6));
		else if (strncmp(line, "phrases:", 8) == 0)
			set_str(&r.phrases_dir, trim(line + 8));
		else if (strncmp(line, "helper:", 7) == 0)
			parse_helper(&r, line + 7);
		else if (strncmp(line, "shift:", 6) == 0)
			parse_shift(&r, line + 6);
		else if (strncmp(line, "escalate:", 9) == 0)
			r.want_escalate = strcmp(trim(line + 9), "on") == 0;
		else if (strncmp(line, "time:", 5) == 0)
			parse_time(&r, line + 5);
		else if (strncmp(line, "peer:", 5) == 0)
			r.cur = peer_select(&r, trim(line + 5));
		else if (strncmp(line, "facts:", 6) == 0)
			parse_facts(&r, line + 6);
		else if (strncmp(line, "> ", 2) == 0)
			say(&r, line + 2);
		else if (strncmp(line, "! ", 2) == 0)
			event(&r, line + 2);
		else if (line[0] == '<' || line[0] == '&') {
			/* "| text" lines continue the expected message. */
			struct buf full;
			int first = r.line, last = r.line;

			buf_init(&full);
			buf_adds(&full, line);
			while (next != NULL && next[0] == '|' &&
			    (next[1] == '\0' || next[1] == ' ' ||
			    next[1] == '\n')) {
				char *nn = strchr(next, '\n');

				if (nn != NULL)
					*nn++ = '\0';
				last++;
				trim(next);
				buf_addc(&full, '\n');
				buf_adds(&full, next[1] == ' ' ? next + 2 : "");
				next = nn;
			}
			r.line = first;
			if (strncmp(full.s, "&! ", 3) == 0)
				also(&r, full.s + 3, 1);
			else if (strncmp(full.s, "& ", 2) == 0)
				also(&r, full.s + 2, 0);
			else if (full.s[0] == '<')
				expect(&r, full.s + 1);
			else
				fail(&r, "cannot read this line: %s", line);
			r.line = last;
			buf_release(&full);
		} else
			fail(&r, "cannot read this line: %s", line);
	}
	if (r.err.len == 0) {
		r.line++;
		check_done(&r);
	}
	free(data);
	rc = r.err.len > 0 ? -1 : 0;
	if (rc < 0) {
		/* TAP diagnostics: every line starts with '#'. */
		char *s = r.err.s, *nl;
		for (; s != NULL && *s != '\0'; s = nl) {
			if ((nl = strchr(s, '\n')) != NULL)
				*nl++ = '\0';
			printf("# %s\n", s);
		}
	}
	*checks = r.checks;
	run_release(&r);
	return rc;
}

/* Reads a whole stream from the start. New string. */
static char *
slurp(FILE *f)
{
	struct buf b;
	char chunk[512];
	size_t n;

	buf_init(&b);
	rewind(f);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&b, chunk, n);
	return buf_detach(&b);
}

/* --ask and --console print what the person would read. */
static void
test_console(const char *top)
{
	struct config cfg;
	struct console_opts o = { NULL, 0 };
	struct buf g, p;
	char *paths[2], *got;
	FILE *out, *in;

	config_init(&cfg);
	buf_init(&g);
	buf_init(&p);
	buf_addf(&g, "%s/tests/fixtures/bot", top);
	buf_addf(&p, "%s/replies", top);
	paths[0] = g.s;
	paths[1] = NULL;
	cfg.guide.paths = paths;
	cfg.guide.npaths = 1;
	/* The bot's phrases come from its data directory, not the guide. */
	cfg.guide.data_dir = p.s;

	out = tmpfile();
	CHECK_INT(0, console_ask(&cfg, &o, "remote wipe", out), "--ask status");
	got = slurp(out);
	CHECK(glob_match("Lost or stolen phone › Remote wipe\n"
	    "A remote wipe erases*\n\nType MORE*\n", got),
	    "--ask prints the answer");
	free(got);
	fclose(out);

	o.lang = "fr";
	o.explain = 1;
	out = tmpfile();
	console_ask(&cfg, &o, "remote wipe", out);
	got = slurp(out);
	CHECK(glob_match("Lost or stolen phone › Remote wipe\n*"
	    "Cette partie du guide n'existe qu'en anglais.*\n---\n"
	    "Détails de la recherche*", got),
	    "--ask --lang fr --explain");
	free(got);
	fclose(out);

	o.lang = NULL;
	o.explain = 0;
	out = tmpfile();
	in = tmpfile();
	fputs("remote wipe\nmore\n\nzzzz\n", in);
	rewind(in);
	CHECK_INT(0, console_run(&cfg, &o, in, out), "--console status");
	got = slurp(out);
	CHECK(glob_match("> remote wipe\nLost or stolen phone › Remote wipe\n"
	    "*\n\n> more\nLost or stolen phone › *\n\n"
	    "> zzzz\nI don't have a good answer*\n\n", got),
	    "--console keeps state, one block per line");
	free(got);
	fclose(in);
	fclose(out);

	cfg.guide.paths = NULL;
	cfg.guide.npaths = 0;
	buf_release(&g);
	buf_release(&p);
}

/* Odd input never crashes the bot nor gets anything unclean out. */
static void
test_robust(const char *top)
{
	static const char *const odd[] = {
	    "", " ", "\n\n", "???", "\xc2\xbf", "...", "0", "-1", "007",
	    "99999999999999999999", "1 2", "lang", "lang ", "LANG a",
	    "lang \xc3\xa9\xc3\xa9", "lang ../../etc", "?OTRv23?",
	    "?OTR:AAMG", "<b>bold</b> & <script>", "caf\xc3 au lait",
	    "\xff\xfe\xfd", "tab\there", "more more more", "oui oui",
	    "yes", "human", "HUMAN", "cancel", "stop", "topics", "1",
	};
	struct t_run r;
	struct buf big;
	int bad = 0;

	memset(&r, 0, sizeof(r));
	r.file = "robust";
	r.top = top;
	r.now = 1000;
	buf_init(&r.err);
	config_init(&r.cfg);
	r.cfg.guide.default_language = xstrdup("en");
	set_str(&r.guide_dir, "tests/fixtures/bot");
	bot_actions_init(&r.acts);
	r.cur = peer_select(&r, T_DEFAULT_PEER);
	buf_init(&big);
	for (int i = 0; i < 5000; i++)
		buf_adds(&big, "?OTR <x> \xc3\xa9t\xc3\xa9 ");
	if (setup(&r) == 0) {
		for (size_t i = 0; i <= ARRAY_LEN(odd); i++) {
			const char *in = i < ARRAY_LEN(odd) ? odd[i] : big.s;

			bot_text(r.b, T_DEFAULT_PEER, in, &peer_cur(&r)->f,
			    ++r.now, &r.acts);
			for (size_t k = 0; k < r.acts.n; k++)
				check_clean(&r, &r.acts.v[k]);
			bot_actions_clear(&r.acts);
		}
		/* The long question is kept, capped, for HUMAN. */
	}
	if (r.err.len > 0) {
		printf("# %s", r.err.s);
		bad = 1;
	}
	CHECK(!bad, "odd input: nothing unclean goes out, no crash");
	buf_release(&big);
	run_release(&r);
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
main(int argc, char **argv)
{
	const char *top = getenv("TOP_SRCDIR");
	struct buf dir;
	DIR *d;
	struct dirent *de;
	char **names = NULL;
	size_t n = 0;

	log_init(LOGL_ERROR, NULL);
	if (top == NULL)
		top = ".";
	if (argc > 1) {
		/* Explicit transcripts (for debugging one). */
		for (int i = 1; i < argc; i++) {
			int checks = 0, rc = run_file(top, argv[i], argv[i],
			    &checks);
			CHECK(rc == 0, argv[i]);
		}
		return TAP_DONE();
	}
	buf_init(&dir);
	buf_addf(&dir, "%s/tests/transcripts", top);
	if ((d = opendir(dir.s)) == NULL) {
		printf("# %s: cannot open\n", dir.s);
		buf_release(&dir);
		return 1;
	}
	while ((de = readdir(d)) != NULL) {
		size_t l = strlen(de->d_name);
		if (l > 4 && strcmp(de->d_name + l - 4, ".txt") == 0) {
			names = xrealloc(names, (n + 1) * sizeof(char *));
			names[n++] = xstrdup(de->d_name);
		}
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof(char *), name_cmp);
	for (size_t i = 0; i < n; i++) {
		struct buf path, label;
		int checks = 0, rc;

		buf_init(&path);
		buf_init(&label);
		buf_addf(&path, "%s/%s", dir.s, names[i]);
		rc = run_file(top, path.s, names[i], &checks);
		buf_addf(&label, "%s (%d checks)", names[i], checks);
		CHECK(rc == 0, label.s);
		buf_release(&path);
		buf_release(&label);
		free(names[i]);
	}
	free(names);
	CHECK(n > 0, "found transcripts");
	test_console(top);
	test_robust(top);
	buf_release(&dir);
	return TAP_DONE();
}
