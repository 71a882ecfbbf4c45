/*
 * test_transcripts: runs the transcripts in tests/transcripts/ without a
 * network (git's t/, curl's tests/data). A transcript drives either bot.c
 * (with the real escalate.c behind it when it says "escalate: on") or
 * escalate.c alone ("drive: escalate"), on real guide, phrase and store
 * files; the daemon around them is faked from what the transcript says of
 * each peer. tests/transcripts/README describes the syntax, which is the
 * same for both.
 *
 * Each event, with the lines that list what it must produce, is one TAP
 * check named after its line; so is each state check ("? ...", "= N").
 * Every message is also checked for what must never go out: text that
 * chat_is_safe() refuses or a bare phrase key (bot), a note that breaks
 * the escalation invariants or lacks its phrase (escalate).
 */
#include "ac-config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "bot.h"
#include "chat.h"
#include "config.h"
#include "console.h"
#include "duty.h"
#include "escalate.h"
#include "fpr.h"
#include "guide.h"
#include "lang.h"
#include "lexicon.h"
#include "log.h"
#include "phrases.h"
#include "search.h"
#include "search_tune.h"
#include "store.h"
#include "tap.h"
#include "util.h"

#define T_MAX_PEERS	32
#define T_DEFAULT_PEER	"alice@example.org"
#define T_OUR_FP	"11111111 22222222 33333333 44444444 55555555"
#define T_THEIR_FP	"AAAAAAAA BBBBBBBB CCCCCCCC DDDDDDDD EEEEEEEE"
#define T_PERSON_FP	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define T_OTHER_FP	"dddddddddddddddddddddddddddddddddddddddd"

/* What the events of a transcript drive. */
enum t_drive {
	T_BOT,		/* bot.c (escalate.c behind it with "escalate: on") */
	T_ESC,		/* escalate.c alone: its notes are the messages */
};

struct t_peer {
	char			*jid;
	struct bot_facts	 f;
	char			*their_fp;
	char			*our_fp;
	int			 online;	/* as bot_presence() */
	int			 reach;		/* enum esc_reach set by
						 * "! reach", or -1: from
						 * online and f */
};

#define T_TUNES	8	/* "tune:" settings of one file */

struct t_run {
	const char		*file;
	int			 line;
	/* "tune:": ranking constants set for this file, and their values
	 * before it (restored by run_release()). */
	char			*tune_name[T_TUNES];
	double			 tune_was[T_TUNES];
	size_t			 ntune;
	const char		*top;
	enum t_drive		 drive;
	struct config		 cfg;
	int			 want_escalate;
	char			*state_dir;
	char			 disk[32];	/* tmpfs size, or "" */
	int			 mounted;
	int			 skip;		/* the tmpfs was refused */
	sqlite3			*locker;	/* holds the write lock */
	struct store		*st;
	struct duty		*d;
	struct escalate		*e;
	struct esc_notes	 notes;
	long			 last;		/* last call's return value */
	int			 have_last;
	int			 explain;
	struct guide		*g;
	struct search		*s;
	struct phrases		*p;
	struct lexicon		*lx;
	struct bot		*b;
	int			 started;
	int			 broken;	/* setup failed: stop */
	char			*guide_dir;
	char			*phrases_dir;
	struct t_peer		 peers[T_MAX_PEERS];
	size_t			 npeers;
	size_t			 cur;
	struct bot_actions	 acts;
	size_t			 next;		/* next action to match */
	size_t			 last_act;	/* last matched, for '&' */
	int			 in_block;	/* an event's results follow */
	char			*block_name;
	int			 checks;	/* comparisons made */
	int			 taps;		/* TAP lines of this file */
	time_t			 now;
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

/* One TAP line for what was checked since the last one, named name. */
static void
report(struct t_run *r, const char *name)
{
	CHECK(r->err.len == 0, name);
	r->taps++;
	if (r->err.len > 0) {
		/* TAP diagnostics: every line starts with '#'. */
		char *s = r->err.s, *nl;
		for (; s != NULL && *s != '\0'; s = nl) {
			if ((nl = strchr(s, '\n')) != NULL)
				*nl++ = '\0';
			printf("# %s\n", s);
		}
		buf_truncate(&r->err, 0);
	}
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
	buf_addf(&r->err, "  messages of the event (%s):\n", r->block_name ?
	    r->block_name : "none");
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

/* Next space-separated word of *p (NUL-terminated in place), or NULL. */
static char *
word(char **p)
{
	char *s = *p, *w;

	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '\0')
		return NULL;
	w = s;
	while (*s != '\0' && *s != ' ' && *s != '\t')
		s++;
	if (*s != '\0')
		*s++ = '\0';
	*p = s;
	return w;
}

static void
set_str(char **field, const char *v)
{
	free(*field);
	*field = xstrdup(v);
}

static time_t
parse_utc(const char *s)
{
	struct tm tm;
	const char *end;

	memset(&tm, 0, sizeof(tm));
	end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (end == NULL || *end != '\0')
		return (time_t)-1;
	return timegm(&tm);
}

static const struct config_helper *
helper_cfg(const struct t_run *r, const char *jid)
{
	for (size_t i = 0; i < r->cfg.nhelpers; i++)
		if (util_strcasecmp(r->cfg.helpers[i].jid, jid) == 0)
			return &r->cfg.helpers[i];
	return NULL;
}

static struct t_peer *
peer_cur(struct t_run *r)
{
	return &r->peers[r->cur];
}

static struct t_peer *
peer_find(struct t_run *r, const char *jid)
{
	for (size_t i = 0; i < r->npeers; i++)
		if (util_strcasecmp(r->peers[i].jid, jid) == 0)
			return &r->peers[i];
	return NULL;
}

/* The peer jid, made on first use: online in a private, unverified
 * conversation; when escalate.c is driven alone, a helper is offline with
 * its first pinned key and a person is secure with key aaaa... */
static size_t
peer_select(struct t_run *r, const char *jid)
{
	const struct config_helper *h = helper_cfg(r, jid);
	struct t_peer *p;
	char hex[41];

	if ((p = peer_find(r, jid)) != NULL)
		return (size_t)(p - r->peers);
	if (r->npeers == T_MAX_PEERS) {
		fail(r, "too many peers");
		return 0;
	}
	p = &r->peers[r->npeers];
	memset(p, 0, sizeof(*p));
	p->jid = xstrdup(jid);
	p->their_fp = xstrdup(T_THEIR_FP);
	p->our_fp = xstrdup(T_OUR_FP);
	p->f.encrypted = 1;
	p->online = 1;
	p->reach = -1;
	if (r->drive == T_ESC && h != NULL) {
		p->reach = ESC_OFFLINE;
		if (h->nfingerprints > 0) {
			fpr_to_hex(h->fingerprints[0], hex);
			set_str(&p->their_fp, hex);
		} else {
			free(p->their_fp);
			p->their_fp = NULL;
		}
	} else if (r->drive == T_ESC) {
		p->reach = ESC_SECURE;
		set_str(&p->their_fp, T_PERSON_FP);
	}
	p->f.their_fp = p->their_fp;
	p->f.our_fp = p->our_fp;
	return r->npeers++;
}

/* What no bot message may ever contain. */
static void
check_clean(struct t_run *r, const struct bot_action *a)
{
	const unsigned char *s = (const unsigned char *)a->text;
	const char *why;
	int letters_only = 1;

	if (s == NULL || r->drive == T_ESC)
		return;	/* escalate's notes are checked as they come */
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

/* Fails if the last event left messages nobody expected. */
static void
check_done(struct t_run *r)
{
	if (r->next < r->acts.n) {
		fail(r, "unexpected message after %s (got more than the "
		    "transcript lists)", r->block_name);
		dump_actions(r);
	}
	bot_actions_clear(&r->acts);
	r->next = 0;
}

/* Ends the current event: all its messages listed, then its TAP line. */
static void
block_end(struct t_run *r)
{
	if (!r->in_block)
		return;
	check_done(r);
	report(r, r->block_name);
	r->in_block = 0;
}

/* What the daemon would say of a peer: presence, then OTR, then the pin
 * ("! reach" overrides it). */
static int
env_reach(void *ud, const char *bare)
{
	struct t_run *r = ud;
	struct t_peer *p = peer_find(r, bare);

	if (p != NULL && p->reach >= 0)
		return p->reach;
	if (p == NULL || p->online == 0)
		return ESC_OFFLINE;
	if (p->online == 2)
		return ESC_BUSY;
	if (!p->f.encrypted)
		return ESC_ONLINE;
	if (helper_cfg(r, bare) != NULL && !p->f.pinned)
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

static int
env_verified(void *ud, const char *bare)
{
	struct t_peer *p = peer_find(ud, bare);

	return p != NULL && p->f.verified;
}

static const char *
env_on_duty(void *ud, time_t now)
{
	struct t_run *r = ud;

	return r->d != NULL ? duty_sole_name(r->d, now) : NULL;
}

/* ---- escalate's notes ---- */

/* The shipped phrase files, to check that every note the transcripts
 * produce has its phrase in each language, with no placeholder the note
 * does not fill. */
static const char *const phrase_langs[] = { "en", "fr", "es" };
static char *phrase_data[3];
static struct buf phrase_problems[3];

static void
phrases_read(const char *top)
{
	char path[1024];
	size_t i, len;

	for (i = 0; i < ARRAY_LEN(phrase_langs); i++) {
		util_snprintf(path, sizeof(path),
		    "%s/replies/phrases/escalate.%s.txt", top, phrase_langs[i]);
		phrase_data[i] = util_read_file(path, 1 << 20, &len);
		buf_init(&phrase_problems[i]);
	}
}

/* The text of [key] in data (up to the next "\n["), or NULL. */
static const char *
phrase_find(const char *data, const char *key, size_t *len)
{
	char head[128];
	const char *p, *end;

	util_snprintf(head, sizeof(head), "\n[%s]\n", key);
	if (data == NULL || (p = strstr(data, head)) == NULL)
		return NULL;
	p += strlen(head);
	end = strstr(p, "\n[");
	while (end != NULL && end[2] == '#')	/* "[#{case}] {text}" is text */
		end = strstr(end + 1, "\n[");
	*len = end != NULL ? (size_t)(end - p) : strlen(p);
	return p;
}

static int
note_has_var(const struct esc_note *n, const char *name, size_t len)
{
	size_t i;

	for (i = 0; n->vars[i] != NULL && n->vars[i + 1] != NULL; i += 2)
		if (strlen(n->vars[i]) == len &&
		    strncmp(n->vars[i], name, len) == 0)
			return 1;
	return 0;
}

static void
problem(size_t lang, const char *what)
{
	struct buf *b = &phrase_problems[lang];

	if (b->s != NULL && strstr(b->s, what) != NULL)
		return;
	buf_addf(b, "    %s\n", what);
}

static void
phrases_check_note(const struct esc_note *n)
{
	size_t i, len, k;
	const char *t;
	char what[256];

	if (n->to == ESC_OPEN_HELPER)
		return;
	for (i = 0; i < ARRAY_LEN(phrase_langs); i++) {
		if ((t = phrase_find(phrase_data[i], n->key, &len)) == NULL) {
			util_snprintf(what, sizeof(what), "[%s] missing",
			    n->key);
			problem(i, what);
			continue;
		}
		for (k = 0; k < len; k++) {
			size_t e = k + 1;

			if (t[k] != '{')
				continue;
			while (e < len && ((t[e] >= 'a' && t[e] <= 'z') ||
			    t[e] == '_'))
				e++;
			if (e < len && t[e] == '}' && e > k + 1 &&
			    !note_has_var(n, t + k + 1, e - k - 1)) {
				util_snprintf(what, sizeof(what),
				    "[%s] uses {%.*s}, which the note lacks",
				    n->key, (int)(e - k - 1), t + k + 1);
				problem(i, what);
			}
		}
	}
}

static void
phrases_report(void)
{
	size_t i;
	char name[64];

	for (i = 0; i < ARRAY_LEN(phrase_langs); i++) {
		util_snprintf(name, sizeof(name),
		    "phrases: escalate.%s.txt has every note's phrase",
		    phrase_langs[i]);
		CHECK(phrase_data[i] != NULL && phrase_problems[i].len == 0,
		    name);
		if (phrase_problems[i].len > 0)
			printf("%s", phrase_problems[i].s);
		buf_release(&phrase_problems[i]);
		free(phrase_data[i]);
	}
}

static void
render_value(struct buf *b, const char *v)
{
	const char *p;

	if (*v != '\0' && strpbrk(v, " \t\"{}=") == NULL) {
		buf_adds(b, v);
		return;
	}
	buf_addc(b, '"');
	for (p = v; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			buf_addc(b, '\\');
		buf_addc(b, *p);
	}
	buf_addc(b, '"');
}

/* A note as the transcript writes it: "LANG KEY {name=value ...}". */
static char *
render(const struct esc_note *n)
{
	struct buf b;

	buf_init(&b);
	buf_addf(&b, "%s %s", n->lang, n->key);
	if (n->vars != NULL && n->vars[0] != NULL) {
		buf_adds(&b, " {");
		for (size_t i = 0; n->vars[i] != NULL &&
		    n->vars[i + 1] != NULL; i += 2) {
			if (i > 0)
				buf_addc(&b, ' ');
			buf_addf(&b, "%s=", n->vars[i]);
			render_value(&b, n->vars[i + 1]);
		}
		buf_addc(&b, '}');
	}
	return buf_detach(&b);
}

/* The invariants every note must keep; "" if fine, else why not. */
static const char *
invariant(struct t_run *r, const struct esc_note *n)
{
	int helper = helper_cfg(r, n->jid) != NULL;
	int reach = env_reach(r, n->jid);

	if (n->to == ESC_TO_PERSON && helper)
		return "person note addressed to a helper";
	if (n->to != ESC_TO_PERSON && !helper)
		return "helper note addressed to a non-helper";
	if (n->to == ESC_TO_PERSON && reach != ESC_SECURE)
		return "person note while the person is not in a session";
	if (n->to == ESC_TO_PERSON && n->sensitive)
		return "person note marked sensitive";
	if (n->to == ESC_TO_HELPER && n->sensitive && reach != ESC_SECURE)
		return "sensitive note to a helper who is not secure";
	if (n->to == ESC_TO_HELPER && reach == ESC_MISMATCH)
		return "note to a helper whose key is not pinned";
	if (n->to == ESC_OPEN_HELPER && reach != ESC_ONLINE)
		return "session request to a helper who is not online";
	return "";
}

/* escalate.c's notes become the event's messages: a note to open a
 * session is "open", a sensitive one a helper message, any other "to". */
static void
notes_take(struct t_run *r)
{
	for (size_t i = 0; i < r->notes.n; i++) {
		const struct esc_note *n = &r->notes.v[i];
		const char *why = invariant(r, n);
		char *text;

		phrases_check_note(n);
		if (*why != '\0')
			fail(r, "note %zu to %s: %s", i + 1, n->jid, why);
		if (n->to == ESC_OPEN_HELPER) {
			bot_actions_add(&r->acts, BOT_OPEN, n->jid, NULL);
			continue;
		}
		text = render(n);
		bot_actions_add(&r->acts, n->sensitive ? BOT_SAY_HELPER :
		    BOT_SAY, n->jid, text);
		free(text);
	}
	esc_notes_clear(&r->notes);
}

/* ---- the real parts ---- */

/* The real escalation engine on a store in a fresh directory (a tmpfs of
 * "disk: SIZE" when asked). */
static int
escalate_setup(struct t_run *r)
{
	const char *t = getenv("TMPDIR");
	struct esc_env env = { r, env_reach, env_fingerprint, env_verified };
	struct buf dir;

	buf_init(&dir);
	buf_addf(&dir, "%s/secours-transcript-XXXXXX",
	    t != NULL && *t != '\0' ? t : "/tmp");
	if (mkdtemp(dir.s) == NULL) {
		fail(r, "mkdtemp failed");
		buf_release(&dir);
		return -1;
	}
	r->state_dir = buf_detach(&dir);
	if (r->disk[0] != '\0') {
		char opt[64];

		util_snprintf(opt, sizeof(opt), "size=%s,mode=0700", r->disk);
		if (mount("tmpfs", r->state_dir, "tmpfs", 0, opt) == -1) {
			r->skip = 1;
			return -1;
		}
		r->mounted = 1;
	}
	if ((r->st = store_open(r->state_dir)) == NULL) {
		fail(r, "store_open %s failed", r->state_dir);
		return -1;
	}
	if ((r->d = duty_new(&r->cfg)) == NULL) {
		fail(r, "duty_new failed (zone?)");
		return -1;
	}
	r->e = escalate_new(&r->cfg, r->st, r->d, &env);
	return 0;
}

static void
escalate_teardown(struct t_run *r)
{
	static const char *const files[] = { STORE_FILE, STORE_FILE "-wal",
	    STORE_FILE "-shm", STORE_FILE "-journal", "filler" };

	sqlite3_close(r->locker);
	escalate_free(r->e);
	duty_free(r->d);
	store_close(r->st);
	if (r->mounted && umount(r->state_dir) == -1)
		fprintf(stderr, "could not unmount %s\n", r->state_dir);
	if (r->state_dir != NULL) {
		for (size_t i = 0; i < ARRAY_LEN(files); i++) {
			struct buf f;

			buf_init(&f);
			buf_addf(&f, "%s/%s", r->state_dir, files[i]);
			(void)unlink(f.s);
			buf_release(&f);
		}
		if (rmdir(r->state_dir) == -1)
			fprintf(stderr, "could not remove %s\n", r->state_dir);
		free(r->state_dir);
	}
}

/* Makes the parts at the first event; -1 (the file stops) if it cannot. */
static int
setup(struct t_run *r)
{
	struct buf path;
	const char *dl = r->cfg.guide.default_language;

	if (r->started)
		return r->broken ? -1 : 0;
	r->started = 1;
	if (r->drive == T_ESC) {
		/* Helpers have their default reach and key from the start. */
		for (size_t i = 0; i < r->cfg.nhelpers; i++)
			(void)peer_select(r, r->cfg.helpers[i].jid);
		if (escalate_setup(r) < 0)
			r->broken = 1;
		return r->broken ? -1 : 0;
	}
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
		r->broken = 1;
	{
		struct bot_env env = { r, env_reach, env_fingerprint,
		    env_on_duty, NULL };
		r->b = bot_new(&r->cfg, r->g, r->s, r->p, r->e, &env);
	}
	bot_set_explain(r->b, r->explain);
	if (r->err.len > 0)
		r->broken = 1;
	return r->broken ? -1 : 0;
}

/* ---- setup lines ---- */

/* "HH:MM" into minutes. */
static int
parse_hm(const char *s, int *min)
{
	long h, m;
	char buf[8];

	if (strlen(s) != 5 || s[2] != ':')
		return -1;
	memcpy(buf, s, 2);
	buf[2] = '\0';
	if (util_parse_long(buf, 0, 24, &h) == -1 ||
	    util_parse_long(s + 3, 0, 59, &m) == -1)
		return -1;
	*min = (int)(h * 60 + m);
	return 0;
}

static int
day_index(const char *s)
{
	static const char *const d[] = { "mon", "tue", "wed", "thu", "fri",
	    "sat", "sun" };

	for (int i = 0; i < 7; i++)
		if (strncmp(s, d[i], 3) == 0)
			return i;
	return -1;
}

/* "mon-fri", "sat", "mon,wed", "daily". */
static int
parse_days(const char *s, unsigned *days)
{
	char buf[64], *p, *part;

	*days = 0;
	if (strcmp(s, "daily") == 0) {
		*days = 0x7f;
		return 0;
	}
	util_strlcpy(buf, s, sizeof(buf));
	for (p = buf; (part = strsep(&p, ",")) != NULL;) {
		int a = day_index(part), b = a;

		if (strlen(part) == 7 && part[3] == '-')
			b = day_index(part + 4);
		if (a < 0 || b < 0)
			return -1;
		for (;;) {
			*days |= 1u << a;
			if (a == b)
				break;
			a = (a + 1) % 7;
		}
	}
	return 0;
}

/* "helper: JID NAME LANGS [FP...]" */
static void
set_helper(struct t_run *r, char *s)
{
	struct config *c = &r->cfg;
	struct config_helper *h;
	char *jid = word(&s), *name = word(&s), *langs = word(&s), *a, *l;

	if (langs == NULL) {
		fail(r, "helper: expected JID NAME LANGS [FP...]");
		return;
	}
	c->helpers = xrealloc(c->helpers, (c->nhelpers + 1) *
	    sizeof(*c->helpers));
	h = &c->helpers[c->nhelpers++];
	memset(h, 0, sizeof(*h));
	h->jid = xstrdup(jid);
	h->name = xstrdup(name);
	while ((l = strsep(&langs, ",")) != NULL) {
		h->languages = xrealloc(h->languages,
		    (h->nlanguages + 1) * sizeof(char *));
		h->languages[h->nlanguages++] = xstrdup(l);
	}
	while ((a = word(&s)) != NULL) {
		h->fingerprints = xrealloc(h->fingerprints,
		    (h->nfingerprints + 1) * CONFIG_FP_LEN);
		if (fpr_parse(a, h->fingerprints[h->nfingerprints++]) < 0)
			fail(r, "helper: bad fingerprint %s", a);
	}
}

/* "shift: JID DAYS HH:MM-HH:MM" */
static void
set_shift(struct t_run *r, char *s)
{
	struct config *c = &r->cfg;
	struct config_shift *sh;
	char *jid = word(&s), *days = word(&s), *range = word(&s), *dash;

	if (range == NULL || (dash = strchr(range, '-')) == NULL) {
		fail(r, "shift: expected JID DAYS HH:MM-HH:MM");
		return;
	}
	*dash = '\0';
	c->duty.shifts = xrealloc(c->duty.shifts, (c->duty.nshifts + 1) *
	    sizeof(*c->duty.shifts));
	sh = &c->duty.shifts[c->duty.nshifts++];
	memset(sh, 0, sizeof(*sh));
	sh->helper = xstrdup(jid);
	if (parse_days(days, &sh->days) == -1)
		fail(r, "shift: bad days %s", days);
	if (parse_hm(range, &sh->from_min) == -1 ||
	    parse_hm(dash + 1, &sh->to_min) == -1)
		fail(r, "shift: expected HH:MM-HH:MM");
}

/* "fallback: JID..." */
static void
set_fallback(struct t_run *r, char *s)
{
	struct config *c = &r->cfg;
	char *a;

	while ((a = word(&s)) != NULL) {
		c->duty.fallback = xrealloc(c->duty.fallback,
		    (c->duty.nfallback + 1) * sizeof(char *));
		c->duty.fallback[c->duty.nfallback++] = xstrdup(a);
	}
}

static void
set_drive(struct t_run *r, char *s)
{
	s = trim(s);
	if (strcmp(s, "escalate") == 0)
		r->drive = T_ESC;
	else if (strcmp(s, "bot") == 0)
		r->drive = T_BOT;
	else
		fail(r, "drive: expected bot or escalate");
	if (r->npeers > 1)
		fail(r, "drive: before any peer:");
	/* The default peer takes the defaults of the drive. */
	free(r->peers[0].jid);
	free(r->peers[0].their_fp);
	free(r->peers[0].our_fp);
	r->npeers = 0;
	r->cur = peer_select(r, T_DEFAULT_PEER);
}

static void
set_escalate(struct t_run *r, char *s)
{
	r->want_escalate = strcmp(trim(s), "on") == 0;
}

static void
set_guide(struct t_run *r, char *s)
{
	set_str(&r->guide_dir, trim(s));
}

static void
set_phrases(struct t_run *r, char *s)
{
	set_str(&r->phrases_dir, trim(s));
}

static void
set_disk(struct t_run *r, char *s)
{
	util_strlcpy(r->disk, trim(s), sizeof(r->disk));
}

/* "time: 2024-03-04T10:00:00Z" */
static void
set_time(struct t_run *r, char *s)
{
	time_t t = parse_utc(trim(s));

	if (t == (time_t)-1)
		fail(r, "time: expected YYYY-MM-DDTHH:MM:SSZ");
	else
		r->now = t;
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
	else if (strcmp(k, "zone") == 0)
		set_str(&r->cfg.duty.timezone, v);
	else if (strcmp(k, "min_score") == 0)
		r->cfg.guide.min_score = strtod(v, NULL);
	else if (strcmp(k, "ack_timeout") == 0 ||
	    strcmp(k, "retention") == 0) {
		if (util_parse_duration(v, &n) == -1)
			fail(r, "config: bad duration for %s: %s", k, v);
		else if (k[0] == 'a')
			r->cfg.escalation.ack_timeout = n;
		else
			r->cfg.escalation.retention = n;
	} else if (util_parse_long(v, 0, 100000000, &n) < 0)
		fail(r, "config: bad value for %s: %s", k, v);
	else if (strcmp(k, "max_reply_chars") == 0)
		r->cfg.guide.max_reply_chars = (size_t)n;
	else if (strcmp(k, "idle_timeout") == 0)
		r->cfg.otr.idle_timeout = n;
	else if (strcmp(k, "max_sessions") == 0)
		r->cfg.limits.max_sessions = (size_t)n;
	else if (strcmp(k, "max_text") == 0)
		r->cfg.limits.max_text = (size_t)n;
	else if (strcmp(k, "max_queue") == 0)
		r->cfg.limits.max_queue = (size_t)n;
	else
		fail(r, "config: unknown key %s", k);
}

static const char *const config_keys[] = {
	"smp_question", "smp_question_fr", "smp_question_es", "smp_secret",
	"narrate", "explain", "mode", "base_url", "default_language",
	"zone", "min_score", "ack_timeout", "retention", "max_reply_chars",
	"idle_timeout", "max_sessions", "max_text", "max_queue",
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
set_config(struct t_run *r, char *s)
{
	char *k = next_key(s, 1);

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

/* "tune: name=value ...": ranking constants (src/search_tune.h) for this
 * file, set before its index is built, so that a file pins the decision
 * it shows whatever the defaults ("tune: page_hits=2": the page outcome). */
static void
set_tune(struct t_run *r, char *s)
{
	char *w = trim(s), *next;

	for (; *w != '\0'; w = next) {
		size_t len = strcspn(w, " ");
		char *eq, *end;
		double v, was;

		next = w + len + strspn(w + len, " ");
		w[len] = '\0';
		eq = strchr(w, '=');

		if (eq == NULL || r->ntune == T_TUNES) {
			fail(r, "tune: expected at most %d name=value", T_TUNES);
			return;
		}
		*eq = '\0';
		v = strtod(eq + 1, &end);
		if (end == eq + 1 || *end != '\0' ||
		    search_tune_get(w, &was) == -1) {
			fail(r, "tune: %s: no such constant, or a bad value", w);
			return;
		}
		r->tune_name[r->ntune] = xstrdup(w);
		r->tune_was[r->ntune++] = was;
		(void)search_tune_set(w, v);
	}
}

/* "peer: JID": who writes and whom events concern from now on. */
static void
set_peer(struct t_run *r, char *s)
{
	r->cur = peer_select(r, trim(s));
}

/* "facts: k=v ...": the current peer's OTR session. */
static void
set_facts(struct t_run *r, char *s)
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

/* Setup lines ("key: value"); 'any' ones may also come between events. */
static const struct {
	const char	*key;
	int		 any;
	void		(*fn)(struct t_run *, char *);
} setups[] = {
	{ "drive", 0, set_drive },
	{ "config", 0, set_config },
	{ "guide", 0, set_guide },
	{ "tune", 0, set_tune },
	{ "phrases", 0, set_phrases },
	{ "helper", 0, set_helper },
	{ "shift", 0, set_shift },
	{ "fallback", 0, set_fallback },
	{ "escalate", 0, set_escalate },
	{ "disk", 0, set_disk },
	{ "time", 0, set_time },
	{ "peer", 1, set_peer },
	{ "facts", 1, set_facts },
};

/* ---- events ---- */

/* T_VERBOSE=1: prints every event's messages (to write transcripts). */
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
ev_secure(struct t_run *r, struct t_peer *p, char *arg)
{
	bot_secure(r->b, p->jid, &p->f, strstr(arg, "unread") != NULL,
	    strstr(arg, "plaintext") != NULL, r->now, &r->acts);
}

/* Bot: the SMP run ended so; escalate: the person's key is verified (SMP
 * with the desk's secret), then a reach change, as the daemon does. */
static void
ev_smp(struct t_run *r, struct t_peer *p, char *arg)
{
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
	if (i == ARRAY_LEN(res) ||
	    (r->drive == T_ESC && res[i].r != BOT_SMP_SUCCEEDED)) {
		fail(r, "unknown smp result %s", arg);
		return;
	}
	if (res[i].r == BOT_SMP_SUCCEEDED)
		p->f.verified = 1;
	if (r->drive == T_ESC)
		escalate_reach_changed(r->e, p->jid, r->now, &r->notes);
	else
		bot_smp(r->b, p->jid, res[i].r, &p->f, r->now, &r->acts);
}

static void
ev_ended(struct t_run *r, struct t_peer *p, char *arg)
{
	(void)arg;
	bot_ended(r->b, p->jid, r->now, &r->acts);
}

static void
ev_presence(struct t_run *r, struct t_peer *p, char *arg)
{
	long n;

	if (util_parse_long(arg, 0, 2, &n) == -1) {
		fail(r, "presence: expected 0, 1 or 2");
		return;
	}
	p->online = (int)n;
	bot_presence(r->b, p->jid, (int)n, r->now, &r->acts);
}

/* "tick DURATION" or "tick TIME": moves the clock, then the timers run. */
static void
ev_tick(struct t_run *r, struct t_peer *p, char *arg)
{
	long n;
	time_t t;

	(void)p;
	if (util_parse_duration(arg, &n) == 0)
		r->now += n;
	else if ((t = parse_utc(arg)) != (time_t)-1)
		r->now = t;
	else {
		fail(r, "tick: expected a duration or a time");
		return;
	}
	if (r->drive == T_ESC)
		escalate_tick(r->e, r->now, &r->notes);
	else
		bot_tick(r->b, r->now, &r->acts);
}

static void
ev_wait(struct t_run *r, struct t_peer *p, char *arg)
{
	long n;

	(void)p;
	if (util_parse_duration(arg, &n) == -1)
		fail(r, "wait: expected a duration");
	else
		r->now += n;
}

static void
ev_lang(struct t_run *r, struct t_peer *p, char *arg)
{
	bot_set_lang(r->b, p->jid, arg);
}

/* The daemon reloads its guide (SIGHUP): the same guide, search and
 * phrases, as bot_reload() is given them. */
static void
ev_reload(struct t_run *r, struct t_peer *p, char *arg)
{
	(void)p;
	(void)arg;
	bot_reload(r->b, r->g, r->s, r->p, r->e);
}

static const char *const reach_names[] = {
	"offline", "busy", "online", "secure", "mismatch",
};

/* What the daemon says of the peer changes; "mismatch" also gives a
 * helper another key. */
static void
ev_reach(struct t_run *r, struct t_peer *p, char *arg)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(reach_names); i++)
		if (strcmp(arg, reach_names[i]) == 0)
			break;
	if (i == ARRAY_LEN(reach_names)) {
		fail(r, "reach: unknown state %s", arg);
		return;
	}
	p->reach = (int)i;
	if (p->reach == ESC_MISMATCH && helper_cfg(r, p->jid) != NULL) {
		set_str(&p->their_fp, T_OTHER_FP);
		p->f.their_fp = p->their_fp;
	}
	escalate_reach_changed(r->e, p->jid, r->now, &r->notes);
}

/* The peer's session uses key HEX from now on (not verified). */
static void
ev_fp(struct t_run *r, struct t_peer *p, char *arg)
{
	if (strlen(arg) != 40) {
		fail(r, "fp: expected 40 hex digits");
		return;
	}
	set_str(&p->their_fp, arg);
	p->f.their_fp = p->their_fp;
	p->f.verified = 0;
}

/* "open LANG TEXT": the person said yes to a human; "danger LANG TEXT":
 * to a request that came with words of danger. */
static void
open_as(struct t_run *r, struct t_peer *p, char *arg, int danger)
{
	char *lang = word(&arg);

	if (lang == NULL) {
		fail(r, "open: expected LANG TEXT");
		return;
	}
	r->last = escalate_open(r->e, p->jid, lang, trim(arg), danger, r->now,
	    &r->notes);
	r->have_last = 1;
}

static void
ev_open(struct t_run *r, struct t_peer *p, char *arg)
{
	open_as(r, p, arg, 0);
}

static void
ev_danger(struct t_run *r, struct t_peer *p, char *arg)
{
	open_as(r, p, arg, 1);
}

/* "mark [self|later]": words of danger (or of self-harm, or of danger to
 * come) from the person while their case waits. */
static void
ev_mark(struct t_run *r, struct t_peer *p, char *arg)
{
	int kind = strcmp(trim(arg), "self") == 0 ? ESC_DANGER_SELF :
	    strcmp(trim(arg), "later") == 0 ? ESC_DANGER_LATER :
	    ESC_DANGER_NOW;

	r->last = escalate_danger(r->e, p->jid, kind, r->now, &r->notes);
	r->have_last = 1;
}

/* "relayed TEXT": the person's words in a live relay, with words of
 * danger now (what bot.c passes when intent_danger() says so). */
static void
ev_relayed(struct t_run *r, struct t_peer *p, char *arg)
{
	r->last = escalate_person_text(r->e, p->jid, trim(arg),
	    ESC_DANGER_NOW, r->now, &r->notes);
	r->have_last = 1;
}

/* "relayed-self TEXT": the same with words of self-harm. */
static void
ev_relayed_self(struct t_run *r, struct t_peer *p, char *arg)
{
	r->last = escalate_person_text(r->e, p->jid, trim(arg),
	    ESC_DANGER_SELF, r->now, &r->notes);
	r->have_last = 1;
}

static void
ev_status(struct t_run *r, struct t_peer *p, char *arg)
{
	(void)arg;
	escalate_status(r->e, p->jid, NULL, r->now, &r->notes);
}

static void
ev_cancel(struct t_run *r, struct t_peer *p, char *arg)
{
	(void)arg;
	r->last = escalate_cancel(r->e, p->jid, r->now, &r->notes);
	r->have_last = 1;
}

/* A second connection takes the write lock and keeps it until "unlock". */
static void
ev_lock(struct t_run *r, struct t_peer *p, char *arg)
{
	struct buf path;

	(void)p;
	(void)arg;
	buf_init(&path);
	buf_addf(&path, "%s/%s", r->state_dir, STORE_FILE);
	if (sqlite3_open_v2(path.s, &r->locker, SQLITE_OPEN_READWRITE,
	    NULL) != SQLITE_OK ||
	    sqlite3_exec(r->locker, "BEGIN EXCLUSIVE", NULL, NULL,
	    NULL) != SQLITE_OK) {
		sqlite3_close(r->locker);
		r->locker = NULL;
		fail(r, "cannot take the lock");
	}
	buf_release(&path);
}

static void
ev_unlock(struct t_run *r, struct t_peer *p, char *arg)
{
	(void)p;
	(void)arg;
	sqlite3_close(r->locker);
	r->locker = NULL;
}

/* Fills the tmpfs of the state directory until the kernel says ENOSPC. */
static void
ev_full(struct t_run *r, struct t_peer *p, char *arg)
{
	static char block[4096];
	struct buf path;
	int fd;

	(void)p;
	(void)arg;
	if (!r->mounted) {
		fail(r, "full: no \"disk:\" in the setup");
		return;
	}
	buf_init(&path);
	buf_addf(&path, "%s/filler", r->state_dir);
	fd = open(path.s, O_WRONLY | O_CREAT | O_APPEND, 0600);
	buf_release(&path);
	if (fd == -1) {
		fail(r, "cannot fill the disk");
		return;
	}
	while (write(fd, block, sizeof(block)) > 0)
		;
	/* The last partial block, too. */
	while (write(fd, block, 1) > 0)
		;
	if (errno != ENOSPC)
		fail(r, "cannot fill the disk");
	close(fd);
}

static void
ev_unfull(struct t_run *r, struct t_peer *p, char *arg)
{
	struct buf path;

	(void)p;
	(void)arg;
	buf_init(&path);
	buf_addf(&path, "%s/filler", r->state_dir);
	(void)unlink(path.s);
	buf_release(&path);
}

/* escalate_free and store_close, then both again (as after SIGKILL). */
static void
ev_restart(struct t_run *r, struct t_peer *p, char *arg)
{
	struct esc_env env = { r, env_reach, env_fingerprint, env_verified };

	(void)p;
	(void)arg;
	escalate_free(r->e);
	store_close(r->st);
	r->e = NULL;
	if ((r->st = store_open(r->state_dir)) == NULL) {
		fail(r, "store did not reopen");
		r->broken = 1;
		return;
	}
	r->e = escalate_new(&r->cfg, r->st, r->d, &env);
}

#define DRIVE_BOT	(1u << T_BOT)
#define DRIVE_ESC	(1u << T_ESC)

/* "! NAME ARG": what may happen, and to what it may happen. */
static const struct {
	const char	*name;
	unsigned	 drives;
	void		(*fn)(struct t_run *, struct t_peer *, char *);
} events[] = {
	{ "secure", DRIVE_BOT, ev_secure },
	{ "smp", DRIVE_BOT | DRIVE_ESC, ev_smp },
	{ "ended", DRIVE_BOT, ev_ended },
	{ "presence", DRIVE_BOT, ev_presence },
	{ "tick", DRIVE_BOT | DRIVE_ESC, ev_tick },
	{ "wait", DRIVE_BOT | DRIVE_ESC, ev_wait },
	{ "lang", DRIVE_BOT, ev_lang },
	{ "reload", DRIVE_BOT, ev_reload },
	{ "reach", DRIVE_ESC, ev_reach },
	{ "fp", DRIVE_ESC, ev_fp },
	{ "open", DRIVE_ESC, ev_open },
	{ "danger", DRIVE_ESC, ev_danger },
	{ "mark", DRIVE_ESC, ev_mark },
	{ "relayed", DRIVE_ESC, ev_relayed },
	{ "relayed-self", DRIVE_ESC, ev_relayed_self },
	{ "status", DRIVE_ESC, ev_status },
	{ "cancel", DRIVE_ESC, ev_cancel },
	{ "lock", DRIVE_ESC, ev_lock },
	{ "unlock", DRIVE_ESC, ev_unlock },
	{ "full", DRIVE_ESC, ev_full },
	{ "unfull", DRIVE_ESC, ev_unfull },
	{ "restart", DRIVE_ESC, ev_restart },
};

/* Ends the last event and starts the one on line; 0, or -1 if the parts
 * cannot run (the file stops). */
static int
block_start(struct t_run *r, const char *line)
{
	struct buf name;

	block_end(r);
	if (setup(r) < 0)
		return -1;
	buf_init(&name);
	buf_addf(&name, "%s:%d: %s", r->file, r->line, line);
	free(r->block_name);
	r->block_name = buf_detach(&name);
	r->in_block = 1;
	r->have_last = 0;
	return 0;
}

static void
event(struct t_run *r, char *line)
{
	char *s = line + 2, *name;
	size_t i;

	if (block_start(r, line) < 0)
		return;
	name = word(&s);
	for (i = 0; name != NULL && i < ARRAY_LEN(events); i++)
		if (strcmp(name, events[i].name) == 0)
			break;
	if (name == NULL || i == ARRAY_LEN(events) ||
	    !(events[i].drives & (1u << r->drive))) {
		fail(r, "unknown event here: %s", line);
		return;
	}
	events[i].fn(r, peer_cur(r), trim(s));
	if (r->drive == T_ESC)
		notes_take(r);
	verbose(r);
}

/* "> TEXT": the current peer writes (to escalate.c: a helper's text or a
 * person's, by who the peer is). */
static void
say(struct t_run *r, char *line)
{
	struct t_peer *p = peer_cur(r);
	const char *text = line + 2;

	if (block_start(r, line) < 0)
		return;
	if (r->drive == T_ESC) {
		r->last = helper_cfg(r, p->jid) != NULL ?
		    escalate_helper_text(r->e, p->jid, text, r->now,
		    &r->notes) :
		    escalate_person_text(r->e, p->jid, text,
		    ESC_DANGER_NONE, r->now, &r->notes);
		r->have_last = 1;
		notes_take(r);
	} else {
		r->now++;
		bot_text(r->b, p->jid, text, &p->f, r->now, &r->acts);
	}
	verbose(r);
}

/* ---- what the events produce ---- */

/* Takes the next message; it must be of type to peer. */
static struct bot_action *
take(struct t_run *r, enum bot_act type, const char *peer)
{
	struct bot_action *a;

	r->checks++;
	if (!r->in_block) {
		fail(r, "an expected message without an event before it");
		return NULL;
	}
	if (r->next >= r->acts.n) {
		fail(r, "expected a %s message to %s, got nothing more",
		    act_name(type), peer);
		dump_actions(r);
		return NULL;
	}
	a = &r->acts.v[r->next];
	if (a->type != type || strcmp(a->peer, peer) != 0) {
		fail(r, "expected a %s message to %s, got %s to %s",
		    act_name(type), peer, act_name(a->type), a->peer);
		dump_actions(r);
		return NULL;
	}
	check_clean(r, a);
	r->last_act = r->next++;
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
	if (!r->in_block || r->last_act >= r->acts.n || r->next == 0) {
		fail(r, "'&' without a matched message before it");
		return;
	}
	expect_text(r, &r->acts.v[r->last_act], s, neg);
}

/* ---- checks of state ---- */

/* Messages in the store for jid: waiting ones (kept 0) or a handoff's
 * kept details (kept 1). */
static long
outbox_count(struct t_run *r, const char *jid, int kept)
{
	struct store_msg *v;
	size_t n;
	long count = 0;

	if (store_outbox_list(r->st, jid, &v, &n) == -1)
		return -1;
	for (size_t k = 0; k < n; k++)
		count += (strcmp(v[k].key, "esc_status_handoff") == 0 ||
		    strcmp(v[k].key, "esc_case_handoff") == 0) == kept;
	store_msgs_free(v, n);
	return count;
}

/* 1 if text is in the bytes of the database or its WAL. */
static int
on_disk(struct t_run *r, const char *text)
{
	static const char *const files[] = { "", "-wal" };
	size_t len, tl = strlen(text);
	int found = 0;

	for (size_t i = 0; i < ARRAY_LEN(files) && !found; i++) {
		struct buf path;
		char *data;

		buf_init(&path);
		buf_addf(&path, "%s/%s%s", r->state_dir, STORE_FILE, files[i]);
		data = util_read_file(path.s, 64 << 20, &len);
		buf_release(&path);
		if (data == NULL)
			continue;
		for (size_t k = 0; k + tl <= len && !found; k++)
			found = memcmp(data + k, text, tl) == 0;
		free(data);
	}
	return found;
}

/* "? what [arg] N": a check of the store and escalate's state. */
static void
query(struct t_run *r, char *line)
{
	char *p = line + 1, *w[4];
	int nw = 0;
	long expect, value, id;

	block_end(r);
	r->checks++;
	if (setup(r) < 0)
		return;
	while (nw < 4 && (w[nw] = word(&p)) != NULL)
		nw++;
	if (r->st == NULL || nw < 2 || word(&p) != NULL ||
	    util_parse_long(w[nw - 1], -1, 1000000, &expect) == -1) {
		fail(r, "cannot read this check (or no store here)");
		return;
	}
	if (strcmp(w[0], "case_of") == 0 && nw == 3)
		value = escalate_case_of(r->e, w[1]);
	else if (strcmp(w[0], "stored") == 0 && nw == 2)
		value = store_case_count(r->st);
	else if (strcmp(w[0], "outbox") == 0 && nw == 3)
		value = outbox_count(r, w[1], 0);
	else if (strcmp(w[0], "kept") == 0 && nw == 3)
		value = outbox_count(r, w[1], 1);
	else if (strcmp(w[0], "on_disk") == 0 && nw == 3)
		value = on_disk(r, w[1]);
	else if (strcmp(w[0], "text_stored") == 0 && nw == 3 &&
	    util_parse_long(w[1], 1, 1000000, &id) == 0) {
		struct store_case c;

		if (store_case_get(r->st, id, &c) != 0)
			value = -1;
		else
			value = c.text != NULL;
		store_case_release(&c);
	} else {
		fail(r, "cannot read this check");
		return;
	}
	if (value != expect)
		fail(r, "expected %ld, got %ld", expect, value);
}

/* "= N": what the last call of the event returned. */
static void
returned(struct t_run *r, char *line)
{
	long want;

	block_end(r);
	r->checks++;
	if (util_parse_long(trim(line + 1), -10, 1000000, &want) == -1 ||
	    !r->have_last)
		fail(r, "cannot read this check (or no value returned)");
	else if (want != r->last)
		fail(r, "expected %ld, got %ld", want, r->last);
}

/* ---- files ---- */

static void
run_init(struct t_run *r, const char *top, const char *name)
{
	memset(r, 0, sizeof(*r));
	r->file = name;
	r->top = top;
	r->now = 1000000;
	buf_init(&r->err);
	config_init(&r->cfg);
	/* Owned copies, as the transcript may replace them. */
	r->cfg.guide.default_language = xstrdup("en");
	r->cfg.duty.timezone = xstrdup("UTC");
	bot_actions_init(&r->acts);
	esc_notes_init(&r->notes);
	r->cur = peer_select(r, T_DEFAULT_PEER);
}

static void
run_release(struct t_run *r)
{
	struct config *c = &r->cfg;

	bot_free(r->b);
	escalate_teardown(r);
	search_free(r->s);
	while (r->ntune > 0) {
		r->ntune--;
		(void)search_tune_set(r->tune_name[r->ntune],
		    r->tune_was[r->ntune]);
		free(r->tune_name[r->ntune]);
	}
	lexicon_free(r->lx);
	guide_free(r->g);
	phrases_free(r->p);
	bot_actions_release(&r->acts);
	esc_notes_release(&r->notes);
	for (size_t i = 0; i < r->npeers; i++) {
		free(r->peers[i].jid);
		free(r->peers[i].their_fp);
		free(r->peers[i].our_fp);
	}
	for (size_t i = 0; i < c->nhelpers; i++) {
		free(c->helpers[i].jid);
		free(c->helpers[i].name);
		for (size_t k = 0; k < c->helpers[i].nlanguages; k++)
			free(c->helpers[i].languages[k]);
		free(c->helpers[i].languages);
		free(c->helpers[i].fingerprints);
	}
	free(c->helpers);
	for (size_t i = 0; i < c->duty.nshifts; i++)
		free(c->duty.shifts[i].helper);
	free(c->duty.shifts);
	for (size_t i = 0; i < c->duty.nfallback; i++)
		free(c->duty.fallback[i]);
	free(c->duty.fallback);
	free(c->duty.timezone);
	free(c->otr.smp_question);
	for (size_t i = 0; i < c->otr.smp_questions.n; i++) {
		free(c->otr.smp_questions.langs[i]);
		free(c->otr.smp_questions.texts[i]);
	}
	free(c->otr.smp_questions.langs);
	free(c->otr.smp_questions.texts);
	free(c->otr.smp_secret);
	free(c->guide.base_url);
	free(c->guide.default_language);
	free(r->guide_dir);
	free(r->phrases_dir);
	free(r->block_name);
	buf_release(&r->err);
}

/* A setup line "key: value"; 0 if line is one. */
static int
setup_line(struct t_run *r, char *line)
{
	for (size_t i = 0; i < ARRAY_LEN(setups); i++) {
		size_t n = strlen(setups[i].key);

		if (strncmp(line, setups[i].key, n) != 0 || line[n] != ':')
			continue;
		if (!setups[i].any && r->started)
			fail(r, "%s: after the first event", setups[i].key);
		else
			setups[i].fn(r, line + n + 1);
		if (r->err.len > 0) {
			struct buf name;

			buf_init(&name);
			buf_addf(&name, "%s:%d: %s", r->file, r->line, line);
			report(r, name.s);
			buf_release(&name);
		}
		return 0;
	}
	return -1;
}

/* An expectation with its "| more" lines: what an event produced. */
static char *
expectation(struct t_run *r, char *line, char **next)
{
	struct buf full;

	buf_init(&full);
	buf_adds(&full, line);
	while (*next != NULL && (*next)[0] == '|' && ((*next)[1] == '\0' ||
	    (*next)[1] == ' ' || (*next)[1] == '\n')) {
		char *s = *next, *nn = strchr(s, '\n');

		if (nn != NULL)
			*nn++ = '\0';
		r->line++;
		trim(s);
		buf_addc(&full, '\n');
		buf_adds(&full, s[1] == ' ' ? s + 2 : "");
		*next = nn;
	}
	return buf_detach(&full);
}

/* Runs one transcript; every event and check prints its TAP line. */
static void
run_file(const char *top, const char *path, const char *name)
{
	struct t_run r;
	char *data, *line, *next;
	size_t len;

	run_init(&r, top, name);
	if ((data = util_read_file(path, 1 << 20, &len)) == NULL) {
		fail(&r, "cannot read %s", path);
		report(&r, name);
		run_release(&r);
		return;
	}
	for (line = data; line != NULL && !r.broken && !r.skip;
	    line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		r.line++;
		if (line[0] == '#' || trim(line)[0] == '\0')
			continue;
		if (setup_line(&r, line) == 0)
			continue;
		if (strncmp(line, "> ", 2) == 0)
			say(&r, line);
		else if (strncmp(line, "! ", 2) == 0)
			event(&r, line);
		else if (line[0] == '?' || (line[0] == '=' && line[1] == ' ')) {
			struct buf n;

			buf_init(&n);
			buf_addf(&n, "%s:%d: %s", name, r.line, line);
			if (line[0] == '?')
				query(&r, line);
			else
				returned(&r, line);
			if (!r.skip)
				report(&r, n.s);
			buf_release(&n);
		}
		else if (line[0] == '<' || line[0] == '&') {
			int first = r.line, last;
			char *full = expectation(&r, line, &next);

			last = r.line;
			r.line = first;
			if (strncmp(full, "&! ", 3) == 0)
				also(&r, full + 3, 1);
			else if (strncmp(full, "& ", 2) == 0)
				also(&r, full + 2, 0);
			else if (full[0] == '<')
				expect(&r, full + 1);
			else
				fail(&r, "cannot read this line: %s", line);
			r.line = last;
			free(full);
		} else
			fail(&r, "cannot read this line: %s", line);
		if (!r.in_block && r.err.len > 0) {
			struct buf n;

			buf_init(&n);
			buf_addf(&n, "%s:%d: %s", name, r.line, line);
			report(&r, n.s);
			buf_release(&n);
		}
	}
	if (r.skip) {
		printf("ok %d - %s # SKIP a tmpfs for the state directory "
		    "was refused (not root?)\n", ++tap_n, name);
		r.taps++;
	} else if (r.broken && r.err.len > 0) {
		report(&r, r.block_name ? r.block_name : name);
	} else {
		r.line++;
		block_end(&r);
	}
	if (r.taps == 0) {
		fail(&r, "no event");
		report(&r, name);
	}
	printf("# %s: %d TAP lines, %d checks\n", name, r.taps, r.checks);
	free(data);
	run_release(&r);
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

	run_init(&r, top, "robust");
	r.now = 1000;
	set_str(&r.guide_dir, "tests/fixtures/bot");
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

	/* The languages' words (stopwords, commands) from the source tree. */
	if (lang_load_dir(SRCDATADIR) == -1)
		return 1;
	log_init(getenv("T_DEBUG") ? LOGL_DEBUG : LOGL_ERROR, NULL);
	if (top == NULL || *top == '\0')
		top = ".";
	phrases_read(top);
	if (argc > 1) {
		/* Explicit transcripts (for debugging one). */
		for (int i = 1; i < argc; i++) {
			const char *base = strrchr(argv[i], '/');

			run_file(top, argv[i], base ? base + 1 : argv[i]);
		}
		phrases_report();
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
		struct buf path;

		buf_init(&path);
		buf_addf(&path, "%s/%s", dir.s, names[i]);
		run_file(top, path.s, names[i]);
		buf_release(&path);
		free(names[i]);
	}
	free(names);
	CHECK(n > 0, "found transcripts");
	phrases_report();
	test_console(top);
	test_robust(top);
	buf_release(&dir);
	return TAP_DONE();
}
