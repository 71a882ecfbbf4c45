/*
 * test_escalate: runs the escalation transcripts in tests/escalate/ (one .txt file each)
 * against escalate.c, duty.c and store.c (a real SQLite file in a temp
 * directory), with a fake environment for reach and fingerprints.
 *
 * A transcript is a setup, then events each followed by the notes they must
 * produce, all of them, in order (see tests/escalate/README for the
 * format). Whatever the transcript says, every note is also checked
 * against the invariants: a sensitive note only to a helper whose reach is
 * secure, nothing to a helper with a mismatched key, nothing to a person
 * who is not in a private conversation.
 *
 * A failing store is real too: "lock" has a second SQLite connection hold
 * the write lock (BEGIN EXCLUSIVE), and with "disk SIZE" the state
 * directory is a tmpfs of that size that "full" fills (the transcript is
 * skipped, and says so, where mounting is refused).
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

#include "config.h"
#include "fpr.h"
#include "duty.h"
#include "escalate.h"
#include "lang.h"
#include "log.h"
#include "store.h"
#include "tap.h"
#include "util.h"

#define MAXPEERS	32
#define MAXLINES	2048

struct peer {
	char	*jid;
	int	 reach;
	char	 fp[41];
	int	 verified;	/* SMP with the desk's secret passed */
};

struct run {
	const char	*file;
	struct config	 cfg;
	struct duty	*duty;
	struct store	*st;
	struct escalate	*esc;
	struct esc_env	 env;
	char		 dir[256];
	struct peer	 peers[MAXPEERS];
	size_t		 npeers;
	time_t		 now;
	long		 last;		/* last call's return value */
	int		 have_last;
	char		 disk[32];	/* tmpfs size for the state dir, or "" */
	int		 mounted;
	int		 skip;		/* the tmpfs was refused */
	sqlite3		*locker;	/* a second connection holding the lock */
};

/* The shipped phrase files, to check that every note the transcripts
 * produce has its phrase in each language, with no placeholder the note
 * does not fill. */
static const char *const phrase_langs[] = { "en", "fr", "es" };
static char *phrase_data[3];
static struct buf phrase_problems[3];

static const char *const reach_names[] = {
	"offline", "busy", "online", "secure", "mismatch",
};

/* ---- fake environment ---- */

/* Like config_helper_find(), without linking the parser. */
static const struct config_helper *
helper_cfg(const struct config *cfg, const char *bare_jid)
{
	size_t i;

	for (i = 0; i < cfg->nhelpers; i++)
		if (util_strcasecmp(cfg->helpers[i].jid, bare_jid) == 0)
			return &cfg->helpers[i];
	return NULL;
}


static int
is_helper(struct run *r, const char *jid)
{
	return helper_cfg(&r->cfg, jid) != NULL;
}

static struct peer *
peer_get(struct run *r, const char *jid)
{
	struct peer *p;
	size_t i;

	for (i = 0; i < r->npeers; i++)
		if (util_strcasecmp(r->peers[i].jid, jid) == 0)
			return &r->peers[i];
	if (r->npeers == MAXPEERS) {
		fprintf(stderr, "too many peers\n");
		exit(2);
	}
	p = &r->peers[r->npeers++];
	p->jid = xstrdup(jid);
	if (is_helper(r, jid)) {
		const struct config_helper *h = helper_cfg(&r->cfg, jid);

		p->reach = ESC_OFFLINE;
		if (h->nfingerprints > 0)
			fpr_to_hex(h->fingerprints[0], p->fp);
	} else {
		p->reach = ESC_SECURE;	/* a person writing is in a session */
		memset(p->fp, 'a', 40);
	}
	p->fp[40] = '\0';
	return p;
}

static int
env_reach(void *ud, const char *bare)
{
	return peer_get(ud, bare)->reach;
}

static int
env_verified(void *ud, const char *bare)
{
	return peer_get(ud, bare)->verified;
}

static int
env_fp(void *ud, const char *bare, char *out)
{
	struct peer *p = peer_get(ud, bare);

	if (p->fp[0] == '\0')
		return -1;
	util_strlcpy(out, p->fp, 41);
	return 0;
}

/* ---- parsing helpers ---- */

static char *
trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' ||
	    e[-1] == '\r'))
		*--e = '\0';
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
	int i;

	for (i = 0; i < 7; i++)
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

/* ---- setup ---- */

static int
setup_line(struct run *r, char *line)
{
	struct config *c = &r->cfg;
	char *p = line, *k = word(&p), *a;
	long v;

	if (strcmp(k, "zone") == 0) {
		free(c->duty.timezone);
		c->duty.timezone = xstrdup(word(&p));
	} else if (strcmp(k, "mode") == 0) {
		a = word(&p);
		c->escalation.mode = strcmp(a, "handoff") == 0 ?
		    CONFIG_ESC_HANDOFF : CONFIG_ESC_RELAY;
	} else if (strcmp(k, "ack_timeout") == 0) {
		if (util_parse_duration(word(&p), &v) == -1)
			return -1;
		c->escalation.ack_timeout = v;
	} else if (strcmp(k, "retention") == 0) {
		if (util_parse_duration(word(&p), &v) == -1)
			return -1;
		c->escalation.retention = v;
	} else if (strcmp(k, "max_queue") == 0) {
		if (util_parse_long(word(&p), 0, 100000, &v) == -1)
			return -1;
		c->limits.max_queue = (size_t)v;
	} else if (strcmp(k, "helper") == 0) {
		struct config_helper *h;
		char *langs, *l;

		c->helpers = xrealloc(c->helpers,
		    (c->nhelpers + 1) * sizeof(*c->helpers));
		h = &c->helpers[c->nhelpers++];
		memset(h, 0, sizeof(*h));
		h->jid = xstrdup(word(&p));
		h->name = xstrdup(word(&p));
		langs = word(&p);
		while ((l = strsep(&langs, ",")) != NULL) {
			h->languages = xrealloc(h->languages,
			    (h->nlanguages + 1) * sizeof(char *));
			h->languages[h->nlanguages++] = xstrdup(l);
		}
		while ((a = word(&p)) != NULL) {
			h->fingerprints = xrealloc(h->fingerprints,
			    (h->nfingerprints + 1) * CONFIG_FP_LEN);
			if (fpr_parse(a, h->fingerprints[h->nfingerprints++]))
				return -1;
		}
	} else if (strcmp(k, "shift") == 0) {
		struct config_shift *s;
		char *range, *dash;

		c->duty.shifts = xrealloc(c->duty.shifts,
		    (c->duty.nshifts + 1) * sizeof(*c->duty.shifts));
		s = &c->duty.shifts[c->duty.nshifts++];
		s->helper = xstrdup(word(&p));
		if (parse_days(word(&p), &s->days) == -1)
			return -1;
		range = word(&p);
		if (range == NULL || (dash = strchr(range, '-')) == NULL)
			return -1;
		*dash = '\0';
		if (parse_hm(range, &s->from_min) == -1 ||
		    parse_hm(dash + 1, &s->to_min) == -1)
			return -1;
	} else if (strcmp(k, "fallback") == 0) {
		while ((a = word(&p)) != NULL) {
			c->duty.fallback = xrealloc(c->duty.fallback,
			    (c->duty.nfallback + 1) * sizeof(char *));
			c->duty.fallback[c->duty.nfallback++] = xstrdup(a);
		}
	} else if (strcmp(k, "disk") == 0) {
		if ((a = word(&p)) == NULL)
			return -1;
		util_strlcpy(r->disk, a, sizeof(r->disk));
	} else if (strcmp(k, "start") == 0) {
		if ((r->now = parse_utc(word(&p))) == (time_t)-1)
			return -1;
	} else
		return -1;
	return 0;
}

static void
config_free(struct config *c)
{
	size_t i, k;

	for (i = 0; i < c->nhelpers; i++) {
		free(c->helpers[i].jid);
		free(c->helpers[i].name);
		for (k = 0; k < c->helpers[i].nlanguages; k++)
			free(c->helpers[i].languages[k]);
		free(c->helpers[i].languages);
		free(c->helpers[i].fingerprints);
	}
	free(c->helpers);
	for (i = 0; i < c->duty.nshifts; i++)
		free(c->duty.shifts[i].helper);
	free(c->duty.shifts);
	for (i = 0; i < c->duty.nfallback; i++)
		free(c->duty.fallback[i]);
	free(c->duty.fallback);
	free(c->duty.timezone);
}

static int
start(struct run *r)
{
	char *t = getenv("TMPDIR");

	if (r->esc != NULL)
		return 0;
	r->duty = duty_new(&r->cfg);
	if (r->duty == NULL)
		return -1;
	util_snprintf(r->dir, sizeof(r->dir), "%s/secours-esc-XXXXXX",
	    t != NULL && *t != '\0' ? t : "/tmp");
	if (mkdtemp(r->dir) == NULL)
		return -1;
	if (r->disk[0] != '\0') {
		char opt[64];

		util_snprintf(opt, sizeof(opt), "size=%s,mode=0700", r->disk);
		if (mount("tmpfs", r->dir, "tmpfs", 0, opt) == -1) {
			r->skip = 1;
			return -1;
		}
		r->mounted = 1;
	}
	r->st = store_open(r->dir);
	if (r->st == NULL)
		return -1;
	r->env.ud = r;
	r->env.reach = env_reach;
	r->env.fingerprint = env_fp;
	r->env.verified = env_verified;
	r->esc = escalate_new(&r->cfg, r->st, r->duty, &r->env);
	return 0;
}

/* ---- notes as text ---- */

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

static char *
render(const struct esc_note *n)
{
	struct buf b;
	size_t i;

	buf_init(&b);
	if (n->to == ESC_OPEN_HELPER) {
		buf_addf(&b, "-> %s open", n->jid);
		return buf_detach(&b);
	}
	buf_addf(&b, "%s %s %s %s", n->sensitive ? "=>" : "->", n->jid,
	    n->lang, n->key);
	if (n->vars != NULL && n->vars[0] != NULL) {
		buf_adds(&b, " {");
		for (i = 0; n->vars[i] != NULL && n->vars[i + 1] != NULL;
		    i += 2) {
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
invariant(struct run *r, const struct esc_note *n)
{
	int helper = is_helper(r, n->jid);
	int reach = peer_get(r, n->jid)->reach;

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

/* ---- phrases ---- */

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

/* ---- a store that fails ---- */

/* A second connection takes the write lock and keeps it until "unlock". */
static int
lock_take(struct run *r)
{
	char path[400];

	util_snprintf(path, sizeof(path), "%s/%s", r->dir, STORE_FILE);
	if (sqlite3_open_v2(path, &r->locker, SQLITE_OPEN_READWRITE,
	    NULL) != SQLITE_OK ||
	    sqlite3_exec(r->locker, "BEGIN EXCLUSIVE", NULL, NULL,
	    NULL) != SQLITE_OK) {
		sqlite3_close(r->locker);
		r->locker = NULL;
		return -1;
	}
	return 0;
}

/* Fills the tmpfs of the state directory until the kernel says ENOSPC. */
static int
disk_fill(struct run *r)
{
	static char block[4096];
	char path[400];
	int fd;

	if (!r->mounted)
		return -1;
	util_snprintf(path, sizeof(path), "%s/filler", r->dir);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0600)) == -1)
		return -1;
	while (write(fd, block, sizeof(block)) > 0)
		;
	/* The last partial block, too. */
	while (write(fd, block, 1) > 0)
		;
	close(fd);
	return errno == ENOSPC ? 0 : -1;
}

/* 1 if text is in the bytes of the database or its WAL. */
static int
on_disk(struct run *r, const char *text)
{
	static const char *const files[] = { "", "-wal" };
	size_t i, k, len, tl = strlen(text);
	char path[400], *data;
	int found = 0;

	for (i = 0; i < ARRAY_LEN(files) && !found; i++) {
		util_snprintf(path, sizeof(path), "%s/%s%s", r->dir,
		    STORE_FILE, files[i]);
		if ((data = util_read_file(path, 64 << 20, &len)) == NULL)
			continue;
		for (k = 0; k + tl <= len && !found; k++)
			found = memcmp(data + k, text, tl) == 0;
		free(data);
	}
	return found;
}

/* ---- events ---- */

static int
event(struct run *r, char *line, struct esc_notes *out, char *err,
    size_t errsize)
{
	char *p = line, *k = word(&p), *jid, *a;
	long v;

	if (start(r) == -1) {
		if (r->skip)
			return 0;
		util_snprintf(err, errsize, "cannot start (zone, store)");
		return -1;
	}
	r->have_last = 0;
	if (strcmp(k, "@") == 0) {
		a = word(&p);
		if (a != NULL && *a == '+') {
			if (util_parse_duration(a + 1, &v) == -1)
				goto bad;
			r->now += v;
		} else if (a == NULL ||
		    (r->now = parse_utc(a)) == (time_t)-1)
			goto bad;
		escalate_tick(r->esc, r->now, out);
	} else if (strcmp(k, "~") == 0) {
		struct peer *pe;
		size_t i;

		jid = word(&p);
		a = word(&p);
		if (jid == NULL || a == NULL)
			goto bad;
		pe = peer_get(r, jid);
		for (i = 0; i < ARRAY_LEN(reach_names); i++)
			if (strcmp(a, reach_names[i]) == 0)
				break;
		if (i == ARRAY_LEN(reach_names))
			goto bad;
		pe->reach = (int)i;
		if (pe->reach == ESC_MISMATCH && is_helper(r, jid))
			memset(pe->fp, 'd', 40);
		escalate_reach_changed(r->esc, jid, r->now, out);
	} else if (strcmp(k, "fp") == 0) {
		jid = word(&p);
		a = word(&p);
		if (jid == NULL || a == NULL || strlen(a) != 40)
			goto bad;
		util_strlcpy(peer_get(r, jid)->fp, a, 41);
		peer_get(r, jid)->verified = 0;
	} else if (strcmp(k, "smp") == 0) {
		/* The person answered the desk's question: as the daemon
		 * does, a reach change follows. */
		if ((jid = word(&p)) == NULL)
			goto bad;
		peer_get(r, jid)->verified = 1;
		escalate_reach_changed(r->esc, jid, r->now, out);
	} else if (strcmp(k, "lock") == 0) {
		if (lock_take(r) == -1) {
			util_snprintf(err, errsize, "cannot take the lock");
			return -1;
		}
	} else if (strcmp(k, "unlock") == 0) {
		sqlite3_close(r->locker);
		r->locker = NULL;
	} else if (strcmp(k, "full") == 0) {
		if (disk_fill(r) == -1) {
			util_snprintf(err, errsize, "cannot fill the disk");
			return -1;
		}
	} else if (strcmp(k, "unfull") == 0) {
		char path[400];

		util_snprintf(path, sizeof(path), "%s/filler", r->dir);
		unlink(path);
	} else if (strcmp(k, "open") == 0) {
		jid = word(&p);
		a = word(&p);
		if (jid == NULL || a == NULL)
			goto bad;
		r->last = escalate_open(r->esc, jid, a, trim(p), r->now, out);
		r->have_last = 1;
	} else if (strcmp(k, "status") == 0) {
		if ((jid = word(&p)) == NULL)
			goto bad;
		escalate_status(r->esc, jid, r->now, out);
	} else if (strcmp(k, "cancel") == 0) {
		if ((jid = word(&p)) == NULL)
			goto bad;
		r->last = escalate_cancel(r->esc, jid, r->now, out);
		r->have_last = 1;
	} else if (strcmp(k, ">") == 0) {
		if ((jid = word(&p)) == NULL)
			goto bad;
		r->last = escalate_person_text(r->esc, jid, trim(p), r->now,
		    out);
		r->have_last = 1;
	} else if (strcmp(k, "<") == 0) {
		if ((jid = word(&p)) == NULL)
			goto bad;
		r->last = escalate_helper_text(r->esc, jid, trim(p), r->now,
		    out);
		r->have_last = 1;
	} else if (strcmp(k, "restart") == 0) {
		escalate_free(r->esc);
		store_close(r->st);
		r->st = store_open(r->dir);
		if (r->st == NULL) {
			util_snprintf(err, errsize, "store did not reopen");
			return -1;
		}
		r->esc = escalate_new(&r->cfg, r->st, r->duty, &r->env);
	} else
		goto bad;
	return 0;
bad:
	util_snprintf(err, errsize, "cannot read this event");
	return -1;
}

/* "? what [arg] N": a check of state. Returns 1 ok, 0 failed, -1 bad. */
static int
query(struct run *r, char *line, char *got, size_t size)
{
	char *p = line + 1, *w[4];
	int nw = 0;
	long expect, value, id;

	if (start(r) == -1)
		return -1;
	if (r->skip)
		return 1;
	while (nw < 4 && (w[nw] = word(&p)) != NULL)
		nw++;
	if (nw < 2 || word(&p) != NULL ||
	    util_parse_long(w[nw - 1], -1, 1000000, &expect) == -1)
		return -1;
	if (strcmp(w[0], "case_of") == 0 && nw == 3)
		value = escalate_case_of(r->esc, w[1]);
	else if (strcmp(w[0], "stored") == 0 && nw == 2)
		value = store_case_count(r->st);
	else if (strcmp(w[0], "outbox") == 0 && nw == 3) {
		struct store_msg *v;
		size_t n;

		size_t k;

		if (store_outbox_list(r->st, w[1], &v, &n) == -1)
			return -1;
		/* Waiting messages: a handoff's kept details are not. */
		value = 0;
		for (k = 0; k < n; k++)
			value += strcmp(v[k].key, "esc_status_handoff") != 0 &&
			    strcmp(v[k].key, "esc_case_handoff") != 0;
		store_msgs_free(v, n);
	} else if (strcmp(w[0], "kept") == 0 && nw == 3) {
		struct store_msg *v;
		size_t n, k;

		if (store_outbox_list(r->st, w[1], &v, &n) == -1)
			return -1;
		value = 0;
		for (k = 0; k < n; k++)
			value += strcmp(v[k].key, "esc_status_handoff") == 0 ||
			    strcmp(v[k].key, "esc_case_handoff") == 0;
		store_msgs_free(v, n);
	} else if (strcmp(w[0], "on_disk") == 0 && nw == 3) {
		value = on_disk(r, w[1]);
	} else if (strcmp(w[0], "text_stored") == 0 && nw == 3) {
		struct store_case c;

		if (util_parse_long(w[1], 1, 1000000, &id) == -1)
			return -1;
		if (store_case_get(r->st, id, &c) != 0)
			value = -1;
		else
			value = c.text != NULL;
		store_case_release(&c);
	} else
		return -1;
	util_snprintf(got, size, "%ld", value);
	return value == expect;
}

static int
expect_line(const char *s)
{
	return strncmp(s, "-> ", 3) == 0 || strncmp(s, "=> ", 3) == 0;
}

static void
run_file(const char *path, const char *name)
{
	struct run r;
	struct esc_notes out;
	char *data, *lines[MAXLINES], *p;
	size_t len, n = 0, i, k;
	int in_setup = 1;

	memset(&r, 0, sizeof(r));
	r.file = name;
	r.cfg.escalation.ack_timeout = 600;
	r.cfg.escalation.retention = 7 * 86400;
	r.cfg.limits.max_queue = 200;
	r.cfg.duty.timezone = xstrdup("UTC");
	data = util_read_file(path, 1 << 20, &len);
	if (data == NULL) {
		CHECK(0, path);
		return;
	}
	for (p = data; p != NULL && n < MAXLINES;) {
		lines[n++] = p;
		if ((p = strchr(p, '\n')) != NULL)
			*p++ = '\0';
	}
	esc_notes_init(&out);
	for (i = 0; i < n; i++) {
		char *line = trim(lines[i]), err[128], desc[512];
		char *copy;
		size_t first, nexp, j;
		int ok;

		if (*line == '\0' || *line == '#')
			continue;
		util_snprintf(desc, sizeof(desc), "%s:%zu: %s", name, i + 1,
		    line);
		if (expect_line(line)) {
			CHECK(0, desc);
			printf("  (an expected note without an event)\n");
			continue;
		}
		if (*line == '=' && line[1] == ' ') {
			long want;

			if (util_parse_long(trim(line + 1), -10, 1000000,
			    &want) == -1 || !r.have_last) {
				CHECK(0, desc);
				continue;
			}
			CHECK_INT(want, r.last, desc);
			continue;
		}
		if (*line == '?') {
			char got[64] = "?";
			int q;

			copy = xstrdup(line);
			q = query(&r, copy, got, sizeof(got));
			free(copy);
			if (q == -1) {
				CHECK(0, desc);
				printf("  (cannot read this check)\n");
			} else {
				char want[64];
				const char *sp = strrchr(line, ' ');

				util_strlcpy(want, sp ? sp + 1 : "", sizeof(want));
				CHECK_STR(want, got, desc);
			}
			continue;
		}
		if (in_setup) {
			copy = xstrdup(line);
			ok = setup_line(&r, copy) == 0;
			free(copy);
			if (ok)
				continue;
			in_setup = 0;
		}
		copy = xstrdup(line);
		esc_notes_clear(&out);
		ok = event(&r, copy, &out, err, sizeof(err)) == 0;
		free(copy);
		if (r.skip)
			break;
		if (!ok) {
			CHECK(0, desc);
			printf("  (%s)\n", err);
			continue;
		}
		/* The expected notes follow the event. */
		first = i + 1;
		for (j = first; j < n; j++) {
			char *t = trim(lines[j]);

			if (*t == '#' || *t == '\0')
				continue;
			if (!expect_line(t))
				break;
		}
		nexp = 0;
		for (k = first; k < j; k++)
			if (expect_line(trim(lines[k])))
				nexp++;
		ok = nexp == out.n;
		{
			size_t e = 0;

			for (k = first; k < j && ok; k++) {
				char *t = trim(lines[k]), *g;

				if (!expect_line(t))
					continue;
				g = render(&out.v[e++]);
				ok = strcmp(t, g) == 0;
				free(g);
			}
		}
		for (k = 0; k < out.n; k++) {
			phrases_check_note(&out.v[k]);
			if (*invariant(&r, &out.v[k]) != '\0')
				ok = 0;
		}
		CHECK(ok, desc);
		if (!ok) {
			printf("  expected:\n");
			for (k = first; k < j; k++)
				if (expect_line(trim(lines[k])))
					printf("    %s\n", trim(lines[k]));
			printf("  got:\n");
			for (k = 0; k < out.n; k++) {
				char *g = render(&out.v[k]);
				const char *why = invariant(&r, &out.v[k]);

				printf("    %s%s%s\n", g, *why ? "   <-- " : "",
				    why);
				free(g);
			}
		}
		i = j - 1;
	}
	esc_notes_release(&out);
	if (r.skip)
		printf("ok %d - %s # SKIP a tmpfs for the state directory "
		    "was refused (not root?)\n", ++tap_n, name);
	sqlite3_close(r.locker);
	escalate_free(r.esc);
	store_close(r.st);
	duty_free(r.duty);
	if (r.mounted && umount(r.dir) == -1)
		fprintf(stderr, "could not unmount %s\n", r.dir);
	if (r.dir[0] != '\0') {
		char cmd[400];

		util_snprintf(cmd, sizeof(cmd), "rm -rf '%s'", r.dir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", r.dir);
	}
	for (k = 0; k < r.npeers; k++)
		free(r.peers[k].jid);
	config_free(&r.cfg);
	free(data);
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
main(int argc, char **argv)
{
	const char *top = getenv("TOP_SRCDIR");
	char dirpath[1024], path[1200];
	char *names[256];
	size_t n = 0, i;
	struct dirent *de;
	DIR *dir;

	/* The languages' words (stopwords, commands) from the source tree. */
	if (lang_load_dir(SRCDATADIR) == -1)
		return 1;
	log_init(getenv("ESC_DEBUG") ? LOGL_DEBUG : LOGL_ERROR, NULL);
	if (top == NULL || *top == '\0')
		top = ".";
	phrases_read(top);
	if (argc > 1) {
		for (i = 1; i < (size_t)argc; i++) {
			const char *base = strrchr(argv[i], '/');

			run_file(argv[i], base ? base + 1 : argv[i]);
		}
		phrases_report();
		return TAP_DONE();
	}
	util_snprintf(dirpath, sizeof(dirpath), "%s/tests/escalate", top);
	if ((dir = opendir(dirpath)) == NULL) {
		perror(dirpath);
		return 1;
	}
	while ((de = readdir(dir)) != NULL && n < ARRAY_LEN(names)) {
		size_t l = strlen(de->d_name);

		if (l > 4 && strcmp(de->d_name + l - 4, ".txt") == 0)
			names[n++] = xstrdup(de->d_name);
	}
	closedir(dir);
	qsort(names, n, sizeof(*names), cmp_names);
	for (i = 0; i < n; i++) {
		util_snprintf(path, sizeof(path), "%s/%s", dirpath, names[i]);
		run_file(path, names[i]);
		free(names[i]);
	}
	CHECK(n > 0, "transcripts found");
	phrases_report();
	return TAP_DONE();
}
