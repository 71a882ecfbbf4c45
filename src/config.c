/*
 * config: the YAML file, parsed into struct config by tables of keys.
 *
 * Each mapping of the file has a table: one row per key with its name, its
 * type, where the value goes and its limits. A value is checked by its type's
 * parser; checks that need several keys (tls and host, password and
 * password_file, a shift and the helpers) run when a mapping is complete, or
 * at the end for the whole file. Every problem is collected with its place
 * and printed sorted, so that --check shows them all at once.
 */
#include "ac-config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <yaml.h>

#include "config.h"
#include "jid.h"
#include "log.h"
#include "util.h"

#define CONFIG_FILE_MAX		(1024 * 1024)
#define PASSWORD_FILE_MAX	4096
#define ZONEINFO_DIR		"/usr/share/zoneinfo"

#ifndef PKGDATADIR
#define PKGDATADIR "/usr/share/secours"
#endif

/*
 * config_init() sets string defaults without allocating: they are copied
 * from the key tables into this arena, which config_release() knows not to
 * free (the struct holds char *, a table's default is const).
 */
static char defaults_arena[64];

/* One problem in the file, kept until all are printed in order. */
struct problem {
	size_t	 line, col;	/* from 1 */
	size_t	 seq;		/* order found, to keep the sort stable */
	char	*msg;
};

/* Where the value stored at some address came from, for later checks. */
struct mark {
	const void	*addr;
	size_t		 line, col;
};

struct ctx {
	const char	*path;
	yaml_document_t	*doc;
	struct config	*cfg;
	struct problem	*probs;
	size_t		 nprobs, capprobs;
	struct mark	*marks;
	size_t		 nmarks, capmarks;
	unsigned char	*visited;	/* one byte per node: aliases */
	size_t		 nnodes;
	int		 flags;		/* CONFIG_* of config_load_opts() */
};

enum ktype {
	T_STR,		/* non-empty string */
	T_JID,		/* bare JID, stored lower-cased */
	T_PASSFILE,	/* a file holding the password: stores the password */
	T_FILE,		/* path of a readable file */
	T_INT,		/* int in [min, max] */
	T_SIZE,		/* size_t in [min, max] */
	T_FLOAT,	/* double in [min, max] */
	T_BOOL,		/* true/false/yes/no */
	T_DURATION,	/* long seconds in [min, max]: 30s, 10m, 2h, 7d */
	T_ENUM,		/* int: index of the value in names */
	T_LEVEL,	/* int: enum log_level */
	T_LANG,		/* language code, 2 or 3 letters, lower-cased */
	T_URL,		/* http:// or https:// */
	T_TZ,		/* a zone under /usr/share/zoneinfo, or UTC */
	T_TIME,		/* int: minutes after midnight, from HH:MM */
	T_DAY,		/* unsigned: days bits, OR'ed (list items only) */
	T_FP,		/* unsigned char[CONFIG_FP_LEN] (list items only) */
	T_LIST,		/* list of item, or a single one */
	T_SECTION,	/* mapping whose keys write into the same base */
	T_MAPLIST,	/* list of mappings, each an element of an array */
	T_TEXTS,	/* a string, or {lang: string, ...} into the
			   struct config_texts at noff (off: the default) */
};

enum kind { K_SCALAR, K_LIST, K_MAP, K_MAPLIST, K_TEXTS };

struct table;

/*
 * A key of a mapping: a row. def is the key's default as a file would
 * write it ("10m", "relay"), parsed by config_init() with the key's own
 * parser: the one place a default is written (config.example.yaml and
 * the man page follow it; test_config compares them). What each key means
 * is man/keys.txt's line (tests/man.sh).
 */
struct key {
	const char		*name;
	enum ktype		 type;
	size_t			 off;	/* value, from the mapping's base */
	size_t			 noff;	/* T_LIST, T_MAPLIST: the count */
	long			 min, max; /* numbers; lists: min items */
	int			 required;
	enum ktype		 item;	/* T_LIST */
	const struct table	*sub;	/* T_SECTION, T_MAPLIST */
	const char *const	*names;	/* T_ENUM */
	const char		*def;	/* NULL: none (zero, NULL) */
};

/* A mapping: its keys, and a check once all of them are read. */
struct table {
	const struct key	*keys;
	size_t			 nkeys;
	size_t			 elemsize;	/* T_MAPLIST elements */
	void			(*check)(struct ctx *, yaml_node_t *,
				    void *, uint64_t);
};

typedef void scalar_fn(struct ctx *, const struct key *, yaml_node_t *,
    const char *, void *);

static scalar_fn p_str, p_jid, p_passfile, p_file, p_int, p_size, p_float,
    p_bool, p_duration, p_enum, p_level, p_lang, p_url, p_tz, p_time, p_day,
    p_fp;

/* What each type is made of: its YAML kind, its item size, its parser. */
static const struct {
	enum kind	 kind;
	size_t		 size;	/* as a list item; 0: items OR into one */
	scalar_fn	*parse;
} types[] = {
	[T_STR] =	{ K_SCALAR, sizeof(char *), p_str },
	[T_JID] =	{ K_SCALAR, sizeof(char *), p_jid },
	[T_PASSFILE] =	{ K_SCALAR, sizeof(char *), p_passfile },
	[T_FILE] =	{ K_SCALAR, sizeof(char *), p_file },
	[T_INT] =	{ K_SCALAR, sizeof(int), p_int },
	[T_SIZE] =	{ K_SCALAR, sizeof(size_t), p_size },
	[T_FLOAT] =	{ K_SCALAR, sizeof(double), p_float },
	[T_BOOL] =	{ K_SCALAR, sizeof(int), p_bool },
	[T_DURATION] =	{ K_SCALAR, sizeof(long), p_duration },
	[T_ENUM] =	{ K_SCALAR, sizeof(int), p_enum },
	[T_LEVEL] =	{ K_SCALAR, sizeof(int), p_level },
	[T_LANG] =	{ K_SCALAR, sizeof(char *), p_lang },
	[T_URL] =	{ K_SCALAR, sizeof(char *), p_url },
	[T_TZ] =	{ K_SCALAR, sizeof(char *), p_tz },
	[T_TIME] =	{ K_SCALAR, sizeof(int), p_time },
	[T_DAY] =	{ K_SCALAR, 0, p_day },
	[T_FP] =	{ K_SCALAR, CONFIG_FP_LEN, p_fp },
	[T_LIST] =	{ K_LIST, 0, NULL },
	[T_SECTION] =	{ K_MAP, 0, NULL },
	[T_MAPLIST] =	{ K_MAPLIST, 0, NULL },
	[T_TEXTS] =	{ K_TEXTS, 0, NULL },
};

static const char *const tls_names[] = { "required", "disabled", NULL };
static const char *const esc_names[] = { "relay", "handoff", NULL };

static void check_top(struct ctx *, yaml_node_t *, void *, uint64_t);
static void check_account(struct ctx *, yaml_node_t *, void *, uint64_t);
static void check_otr(struct ctx *, yaml_node_t *, void *, uint64_t);
static void check_helper(struct ctx *, yaml_node_t *, void *, uint64_t);

#define C(f)	offsetof(struct config, f)
#define H(f)	offsetof(struct config_helper, f)
#define S(f)	offsetof(struct config_shift, f)
#define TABLE(k, size, check) { k, ARRAY_LEN(k), size, check }
#define HOUR	3600L
#define DAY	86400L

static const struct key account_keys[] = {
	{ .name = "jid", .type = T_JID, .off = C(account.jid), .required = 1 },
	{ .name = "password", .type = T_STR, .off = C(account.password) },
	{ .name = "password_file", .type = T_PASSFILE,
	    .off = C(account.password) },
	{ .name = "resource", .type = T_STR, .off = C(account.resource),
	    .def = "secours" },
	{ .name = "host", .type = T_STR, .off = C(account.host) },
	{ .name = "port", .type = T_INT, .off = C(account.port), .min = 1,
	    .max = 65535 },
	{ .name = "tls", .type = T_ENUM, .off = C(account.tls),
	    .names = tls_names, .def = "required" },
	{ .name = "ca_file", .type = T_FILE, .off = C(account.ca_file) },
	{ .name = "status", .type = T_STR, .off = C(account.status) },
};

static const struct key guide_keys[] = {
	{ .name = "paths", .type = T_LIST, .off = C(guide.paths),
	    .noff = C(guide.npaths), .min = 1, .item = T_STR },
	{ .name = "default_language", .type = T_LANG,
	    .off = C(guide.default_language), .def = "en" },
	{ .name = "base_url", .type = T_URL, .off = C(guide.base_url) },
	{ .name = "max_reply_chars", .type = T_SIZE,
	    .off = C(guide.max_reply_chars), .min = 200, .max = 4000,
	    .def = "1200" },
	{ .name = "min_score", .type = T_FLOAT, .off = C(guide.min_score),
	    .min = 0, .max = 1000, .def = "0" },
};

static const struct key log_keys[] = {
	{ .name = "level", .type = T_LEVEL, .off = C(log.level),
	    .def = "info" },
	{ .name = "file", .type = T_STR, .off = C(log.file) },
	{ .name = "show_jids", .type = T_BOOL, .off = C(log.show_jids),
	    .def = "false" },
};

static const struct key otr_keys[] = {
	{ .name = "refusal_cooldown", .type = T_DURATION,
	    .off = C(otr.refusal_cooldown), .min = 10, .max = 7 * DAY,
	    .def = "10m" },
	{ .name = "remember_people", .type = T_BOOL,
	    .off = C(otr.remember_people), .def = "false" },
	{ .name = "smp_question", .type = T_TEXTS, .off = C(otr.smp_question),
	    .noff = C(otr.smp_questions) },
	{ .name = "smp_secret", .type = T_STR, .off = C(otr.smp_secret) },
	{ .name = "narrate", .type = T_BOOL, .off = C(otr.narrate),
	    .def = "false" },
	{ .name = "idle_timeout", .type = T_DURATION,
	    .off = C(otr.idle_timeout), .min = 60, .max = 30 * DAY,
	    .def = "1h" },
	{ .name = "smp_max_attempts", .type = T_INT,
	    .off = C(otr.smp_max_attempts), .min = 1, .max = 100, .def = "5" },
};

static const struct key limits_keys[] = {
	{ .name = "max_body", .type = T_SIZE, .off = C(limits.max_body),
	    .min = 1024, .max = 1024 * 1024, .def = "65536" },
	{ .name = "max_text", .type = T_SIZE, .off = C(limits.max_text),
	    .min = 100, .max = 65536, .def = "2000" },
	{ .name = "max_per_minute", .type = T_INT,
	    .off = C(limits.max_per_minute), .min = 1, .max = 600,
	    .def = "60" },
	{ .name = "max_sessions", .type = T_SIZE,
	    .off = C(limits.max_sessions), .min = 1, .max = 100000,
	    .def = "1000" },
	{ .name = "max_queue", .type = T_SIZE, .off = C(limits.max_queue),
	    .min = 1, .max = 100000, .def = "200" },
	{ .name = "max_fragments", .type = T_INT,
	    .off = C(limits.max_fragments), .min = 1, .max = 1000,
	    .def = "64" },
	/* SECOURS_OTR_THREADS changes this default (config_init). */
	{ .name = "otr_threads", .type = T_INT,
	    .off = C(limits.otr_threads), .min = 0, .max = 64, .def = "0" },
	{ .name = "otr_userstates", .type = T_INT,
	    .off = C(limits.otr_userstates), .min = 1, .max = 1024,
	    .def = "256" },
};

static const struct key helper_keys[] = {
	{ .name = "jid", .type = T_JID, .off = H(jid), .required = 1 },
	{ .name = "name", .type = T_STR, .off = H(name) },
	{ .name = "languages", .type = T_LIST, .off = H(languages),
	    .noff = H(nlanguages), .min = 1, .item = T_LANG },
	{ .name = "fingerprints", .type = T_LIST, .off = H(fingerprints),
	    .noff = H(nfingerprints), .min = 1, .required = 1, .item = T_FP },
};

static const struct key shift_keys[] = {
	{ .name = "helper", .type = T_JID, .off = S(helper), .required = 1 },
	{ .name = "days", .type = T_LIST, .off = S(days), .min = 1,
	    .required = 1, .item = T_DAY },
	{ .name = "from", .type = T_TIME, .off = S(from_min), .required = 1 },
	{ .name = "to", .type = T_TIME, .off = S(to_min), .required = 1 },
};

static const struct table helper_table =
    TABLE(helper_keys, sizeof(struct config_helper), check_helper);
static const struct table shift_table =
    TABLE(shift_keys, sizeof(struct config_shift), NULL);

static const struct key duty_keys[] = {
	{ .name = "timezone", .type = T_TZ, .off = C(duty.timezone),
	    .def = "UTC" },
	{ .name = "shifts", .type = T_MAPLIST, .off = C(duty.shifts),
	    .noff = C(duty.nshifts), .sub = &shift_table },
	{ .name = "fallback", .type = T_LIST, .off = C(duty.fallback),
	    .noff = C(duty.nfallback), .item = T_JID },
};

static const struct key escalation_keys[] = {
	{ .name = "mode", .type = T_ENUM, .off = C(escalation.mode),
	    .names = esc_names, .def = "relay" },
	{ .name = "ack_timeout", .type = T_DURATION,
	    .off = C(escalation.ack_timeout), .min = 30, .max = 7 * DAY,
	    .def = "10m" },
	{ .name = "retention", .type = T_DURATION,
	    .off = C(escalation.retention), .min = 0, .max = 365 * DAY,
	    .def = "7d" },
};

static const struct table account_table =
    TABLE(account_keys, 0, check_account);
static const struct table guide_table = TABLE(guide_keys, 0, NULL);
static const struct table log_table = TABLE(log_keys, 0, NULL);
static const struct table otr_table = TABLE(otr_keys, 0, check_otr);
static const struct table limits_table = TABLE(limits_keys, 0, NULL);
static const struct table duty_table = TABLE(duty_keys, 0, NULL);
static const struct table escalation_table =
    TABLE(escalation_keys, 0, NULL);

static const struct key top_keys[] = {
	{ .name = "account", .type = T_SECTION, .required = 1,
	    .sub = &account_table },
	{ .name = "state_dir", .type = T_STR, .off = C(state_dir),
	    .required = 1 },
	{ .name = "guide", .type = T_SECTION, .sub = &guide_table },
	{ .name = "log", .type = T_SECTION, .sub = &log_table },
	{ .name = "otr", .type = T_SECTION, .sub = &otr_table },
	{ .name = "limits", .type = T_SECTION, .sub = &limits_table },
	{ .name = "helpers", .type = T_MAPLIST, .off = C(helpers),
	    .noff = C(nhelpers), .sub = &helper_table },
	{ .name = "duty", .type = T_SECTION, .sub = &duty_table },
	{ .name = "escalation", .type = T_SECTION, .sub = &escalation_table },
};

static const struct table top_table = TABLE(top_keys, 0, check_top);

/* Problems and marks. */

static void __attribute__((format(printf, 4, 5)))
problem_at(struct ctx *c, size_t line, size_t col, const char *fmt, ...)
{
	struct problem *p;
	struct buf b;
	va_list ap;

	if (c->nprobs == c->capprobs) {
		c->capprobs = c->capprobs ? c->capprobs * 2 : 8;
		c->probs = xrealloc(c->probs, c->capprobs * sizeof(*c->probs));
	}
	buf_init(&b);
	va_start(ap, fmt);
	buf_vaddf(&b, fmt, ap);
	va_end(ap);
	p = &c->probs[c->nprobs];
	p->line = line;
	p->col = col;
	p->seq = c->nprobs++;
	p->msg = buf_detach(&b);
}

/* The problem's place is the node's start; libyaml counts from 0. */
#define problem(c, node, ...)						\
	problem_at((c), (node)->start_mark.line + 1,			\
	    (node)->start_mark.column + 1, __VA_ARGS__)

static int
problem_cmp(const void *a, const void *b)
{
	const struct problem *pa = a, *pb = b;

	if (pa->line != pb->line)
		return pa->line < pb->line ? -1 : 1;
	if (pa->col != pb->col)
		return pa->col < pb->col ? -1 : 1;
	return pa->seq < pb->seq ? -1 : pa->seq > pb->seq;
}

static void
mark_add(struct ctx *c, const void *addr, yaml_node_t *node)
{
	if (c->nmarks == c->capmarks) {
		c->capmarks = c->capmarks ? c->capmarks * 2 : 32;
		c->marks = xrealloc(c->marks, c->capmarks * sizeof(*c->marks));
	}
	c->marks[c->nmarks].addr = addr;
	c->marks[c->nmarks].line = node->start_mark.line + 1;
	c->marks[c->nmarks].col = node->start_mark.column + 1;
	c->nmarks++;
}

/* The place of the value stored at addr; 0 if none was read there. */
static int
mark_find(const struct ctx *c, const void *addr, size_t *line, size_t *col)
{
	/* The last value read there is the one kept. */
	for (size_t i = c->nmarks; i-- > 0; ) {
		if (c->marks[i].addr == addr) {
			*line = c->marks[i].line;
			*col = c->marks[i].col;
			return 1;
		}
	}
	return 0;
}

/* Strings. */

static int
is_default(const char *s)
{
	return s >= defaults_arena && s < defaults_arena +
	    sizeof(defaults_arena);
}

static void
str_set(char **dst, char *s)
{
	if (*dst != NULL && !is_default(*dst))
		free(*dst);
	*dst = s;
}

static void
str_lower(char *s)
{
	for (; *s != '\0'; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

static const char *
kind_name(yaml_node_t *n)
{
	switch (n->type) {
	case YAML_MAPPING_NODE:
		return "a mapping";
	case YAML_SEQUENCE_NODE:
		return "a list";
	default:
		return "a single value";
	}
}

/* A plain empty, ~ or null value: the key is there without a value. */
static int
is_null(yaml_node_t *n)
{
	const char *s;

	if (n->type != YAML_SCALAR_NODE ||
	    n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return 0;
	s = (const char *)n->data.scalar.value;
	return *s == '\0' || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 ||
	    strcmp(s, "Null") == 0 || strcmp(s, "NULL") == 0;
}

/* Scalar parsers: each stores into dst or reports a problem at n. */

static void
p_str(struct ctx *c, const struct key *k, yaml_node_t *n, const char *s,
    void *dst)
{
	if (*s == '\0') {
		problem(c, n, "'%s' must not be empty", k->name);
		return;
	}
	str_set(dst, xstrdup(s));
}

/* A bot's or helper's JID: bare, with a localpart, valid (jid.h), and a
 * domain that neither starts nor ends with a dot. */
static int
jid_valid(const char *s)
{
	struct jid_parts p;

	if (jid_parse(s, &p) != JID_OK || p.local == NULL || p.resource != NULL)
		return 0;
	return p.domain[0] != '.' && p.domain[p.ndomain - 1] != '.';
}

static void
p_jid(struct ctx *c, const struct key *k, yaml_node_t *n, const char *s,
    void *dst)
{
	char *jid;

	if (!jid_valid(s)) {
		problem(c, n, "bad JID for '%s': '%s' (expected name@domain, "
		    "without a resource)", k->name, log_vis(s));
		return;
	}
	jid = xstrdup(s);
	str_lower(jid);
	str_set(dst, jid);
}

static void
p_passfile(struct ctx *c, const struct key *k, yaml_node_t *n, const char *s,
    void *dst)
{
	char *pw;
	size_t len;

	/* --status and the like never log in: the file is not their business
	 * (nor, often, readable by whoever runs them). */
	if (c->flags & CONFIG_NO_PASSWORD)
		return;
	if ((pw = util_read_file(s, PASSWORD_FILE_MAX, &len)) == NULL) {
		problem(c, n, "cannot read %s '%s': %s", k->name, log_vis(s),
		    strerror(errno));
		return;
	}
	if (len > 0 && pw[len - 1] == '\n')
		pw[--len] = '\0';
	if (len > 0 && pw[len - 1] == '\r')
		pw[--len] = '\0';
	if (len == 0 || strlen(pw) != len) {
		problem(c, n, "%s '%s' holds no usable password (empty, or a "
		    "NUL byte)", k->name, log_vis(s));
		explicit_bzero(pw, len);
		free(pw);
		return;
	}
	str_set(dst, pw);
}

static void
p_file(struct ctx *c, const struct key *k, yaml_node_t *n, const char *s,
    void *dst)
{
	int fd;

	if ((fd = open(s, O_RDONLY | O_CLOEXEC)) == -1) {
		problem(c, n, "cannot read %s '%s': %s", k->name, log_vis(s),
		    strerror(errno));
		return;
	}
	close(fd);
	str_set(dst, xstrdup(s));
}

/* A whole number in the key's range; a problem and -1 otherwise. */
static int
bounded(struct ctx *c, const struct key *k, yaml_node_t *n, const char *s,
    long *v)
{
	if (util_parse_long(s, k->min, k->max, v) == -1) {
		problem(c, n, "bad number for '%s': '%s' (expected %ld..%ld)",
		    k->name, log_vis(s), k->min, k->max);
		return -1;
	}
	return 0;
}

static void
p_int(struct ctx *c, const struct key *k, yaml_node_t *n, const char *s,
    void *dst)
{
	long v;

	if (bounded(c, k, n, s, &v) == 0)
		*(int *)dst = (int)v;
}

static void
p_size(struct ctx *c, const struct key *k, yaml_node_t *n, const char *s,
    void *dst)
{
	long v;

	if (bounded(c, k, n, s, &v) == 0)
		*(size_t *)dst = (size_t)v;
}

static void
p_float(struct ctx *c, const struct key *k, yaml_node_t *n, const char *s,
    void *dst)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || *end != '\0' || errno != 0 || !isfinite(v) ||
	    v < (double)k->min || v > (double)k->max) {
		problem(c, n, "bad number for '%s': '%s' (expected %ld..%ld)",
		    k->name, log_vis(s), k->min, k->max);
		return;
	}
	*(double *)dst = v;
}

static void
p_bool(struct ctx *c, const struct key *k, yaml_node_t *n, const char *s,
    void *dst)
{
	if (util_strcasecmp(s, "true") == 0 || util_strcasecmp(s, "yes") == 0)
		*(int *)dst = 1;
	else if (util_strcasecmp(s, "false") == 0 ||
	    util_strcasecmp(s, "no") == 0)
		*(int *)dst = 0;
	else
		problem(c, n, "bad boolean for '%s': '%s' (expected true or "
		    "false)", k->name, log_vis(s));
}

/* Writes a duration the way the file would: 90 -> "90s", 600 -> "10m". */
static void
duration_fmt(long secs, char *out, size_t size)
{
	if (secs != 0 && secs % DAY == 0)
		(void)util_snprintf(out, size, "%ldd", secs / DAY);
	else if (secs != 0 && secs % HOUR == 0)
		(void)util_snprintf(out, size, "%ldh", secs / HOUR);
	else if (secs != 0 && secs % 60 == 0)
		(void)util_snprintf(out, size, "%ldm", secs / 60);
	else
		(void)util_snprintf(out, size, "%lds", secs);
}

static void
p_duration(struct ctx *c, const struct key *k, yaml_node_t *n, const char *s,
    void *dst)
{
	char lo[32], hi[32];
	long v;

	if (util_parse_duration(s, &v) == -1) {
		problem(c, n, "bad duration for '%s': '%s' (expected a number "
		    "with s, m, h or d, e.g. 10m)", k->name, log_vis(s));
		return;
	}
	if (v < k->min || v > k->max) {
		duration_fmt(k->min, lo, sizeof(lo));
		duration_fmt(k->max, hi, sizeof(hi));
		problem(c, n, "bad duration for '%s': '%s' (expected %s..%s)",
		    k->name, log_vis(s), lo, hi);
		return;
	}
	*(long *)dst = v;
}

static void
p_enum(struct ctx *c, const struct key *k, yaml_node_t *n, const char *s,
    void *dst)
{
	struct buf want;

	for (int i = 0; k->names[i] != NULL; i++) {
		if (strcmp(s, k->names[i]) == 0) {
			*(int *)dst = i;
			return;
		}
	}
	buf_init(&want);
	for (int i = 0; k->names[i] != NULL; i++)
		buf_addf(&want, "%s%s", i == 0 ? "" :
		    k->names[i + 1] == NULL ? " or " : ", ", k->names[i]);
	problem(c, n, "bad value for '%s': '%s' (expected %s)", k->name,
	    log_vis(s), want.s);
	buf_release(&want);
}

static void
p_level(struct ctx *c, const struct key *k, yaml_node_t *n, const char *s,
    void *dst)
{
	enum log_level l;

	if (log_level_parse(s, &l) == -1) {
		problem(c, n, "bad value for '%s': '%s' (expected error, warn, "
		    "info or debug)", k->name, log_vis(s));
		return;
	}
	*(int *)dst = (int)l;
}

static void
p_lang(struct ctx *c, const struct key *k, yaml_node_t *n, const char *s,
    void *dst)
{
	size_t len = strlen(s);
	char *code;

	for (size_t i = 0; i < len; i++) {
		if (!isascii((unsigned char)s[i]) ||
		    !isalpha((unsigned char)s[i]))
			len = 0;
	}
	if (len < 2 || len > 3) {
		problem(c, n, "bad language for '%s': '%s' (expected a 2-letter "
		    "code, e.g. en)", k->name, log_vis(s));
		return;
	}
	code = xstrdup(s);
	str_lower(code);
	str_set(dst, code);
}

static void
p_url(struct ctx *c, const struct key *k, yaml_node_t *n, const char *s,
    void *dst)
{
	if ((strncmp(s, "https://", 8) != 0 && strncmp(s, "http://", 7) != 0) ||
	    strpbrk(s, " \t\r\n") != NULL) {
		problem(c, n, "bad URL for '%s': '%s' (expected https://...)",
		    k->name, log_vis(s));
		return;
	}
	str_set(dst, xstrdup(s));
}

/* A zone name made of safe parts, naming a file of the zone database. */
static int
tz_exists(const char *s)
{
	const char *dir, *p;
	char path[1024];
	struct stat st;

	if (strcmp(s, "UTC") == 0)
		return 1;
	if (*s == '\0' || *s == '/' || strlen(s) > 255)
		return 0;
	for (p = s; *p != '\0'; p++)
		if (!isascii((unsigned char)*p) ||
		    (!isalnum((unsigned char)*p) && strchr("_+-/", *p) == NULL))
			return 0;
	for (p = s; p != NULL; p = strchr(p, '/')) {
		if (*p == '/')
			p++;
		if (*p == '/' || *p == '\0' || *p == '.')
			return 0;
	}
	if ((dir = getenv("TZDIR")) == NULL || *dir == '\0')
		dir = ZONEINFO_DIR;
	if (util_snprintf(path, sizeof(path), "%s/%s", dir, s) == -1)
		return 0;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static void
p_tz(struct ctx *c, const struct key *k, yaml_node_t *n, const char *s,
    void *dst)
{
	if (!tz_exists(s)) {
		problem(c, n, "unknown time zone for '%s': '%s' (expected a name "
		    "such as Europe/Paris, or UTC)", k->name, log_vis(s));
		return;
	}
	str_set(dst, xstrdup(s));
}

static void
p_time(struct ctx *c, const struct key *k, yaml_node_t *n, const char *s,
    void *dst)
{
	size_t len = strlen(s), h = len == 4 ? 1 : 2;
	int hh, mm;

	if ((len != 4 && len != 5) || s[h] != ':' ||
	    !isdigit((unsigned char)s[0]) || !isdigit((unsigned char)s[h - 1]) ||
	    !isdigit((unsigned char)s[h + 1]) ||
	    !isdigit((unsigned char)s[h + 2]))
		goto bad;
	hh = h == 1 ? s[0] - '0' : (s[0] - '0') * 10 + (s[1] - '0');
	mm = (s[h + 1] - '0') * 10 + (s[h + 2] - '0');
	if (hh > 23 || mm > 59)
		goto bad;
	*(int *)dst = hh * 60 + mm;
	return;
bad:
	problem(c, n, "bad time for '%s': '%s' (expected HH:MM, 00:00..23:59)",
	    k->name, log_vis(s));
}

static const char *const day_names[] = {
	"mon", "tue", "wed", "thu", "fri", "sat", "sun",
};
static const char *const day_long[] = {
	"monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
	"sunday",
};

/* Day number 0 (Monday) .. 6, or -1. */
static int
day_parse(const char *s, size_t len)
{
	for (int i = 0; i < 7; i++) {
		if ((len == 3 && strncasecmp(s, day_names[i], 3) == 0) ||
		    (len == strlen(day_long[i]) &&
		    strncasecmp(s, day_long[i], len) == 0))
			return i;
	}
	return -1;
}

/* "mon", "monday", "mon-fri" (wrapping: "fri-mon"), "weekdays", "weekend",
 * "daily": OR'ed into the unsigned at dst. */
static void
p_day(struct ctx *c, const struct key *k, yaml_node_t *n, const char *s,
    void *dst)
{
	const char *dash;
	unsigned bits = 0;
	int a, b;

	if (util_strcasecmp(s, "weekdays") == 0)
		bits = 0x1f;
	else if (util_strcasecmp(s, "weekend") == 0)
		bits = 0x60;
	else if (util_strcasecmp(s, "daily") == 0)
		bits = 0x7f;
	else if ((dash = strchr(s, '-')) != NULL) {
		a = day_parse(s, (size_t)(dash - s));
		b = day_parse(dash + 1, strlen(dash + 1));
		if (a != -1 && b != -1) {
			for (int d = a; ; d = (d + 1) % 7) {
				bits |= 1u << d;
				if (d == b)
					break;
			}
		}
	} else if ((a = day_parse(s, strlen(s))) != -1)
		bits = 1u << a;
	if (bits == 0) {
		problem(c, n, "bad day for '%s': '%s' (expected mon..sun, a "
		    "range such as mon-fri, weekdays, weekend or daily)",
		    k->name, log_vis(s));
		return;
	}
	*(unsigned *)dst |= bits;
}

static void
p_fp(struct ctx *c, const struct key *k, yaml_node_t *n, const char *s,
    void *dst)
{
	if (fpr_parse(s, dst) == -1)
		problem(c, n, "bad fingerprint for '%s': '%s' (expected 40 hex "
		    "digits, spaces allowed)", k->name, log_vis(s));
}

/* The walk over the document. */

static void parse_map(struct ctx *, const struct table *, yaml_node_t *,
    void *);

/* Each node is read once: a second visit is an alias, which would let a
 * small file expand into a huge configuration. */
static int
node_first_visit(struct ctx *c, yaml_node_t *n)
{
	size_t i = (size_t)(n - c->doc->nodes.start);

	if (i >= c->nnodes)
		return 0;
	if (c->visited[i]) {
		problem(c, n, "aliases (*name) are not supported here");
		return 0;
	}
	c->visited[i] = 1;
	return 1;
}

static yaml_node_t *
node_get(struct ctx *c, int id)
{
	return yaml_document_get_node(c->doc, id);
}

/* A scalar for k: checks kind, NUL bytes and aliases, then parses. */
static void
parse_scalar(struct ctx *c, const struct key *k, enum ktype type,
    yaml_node_t *n, void *dst, const char *what)
{
	const char *s;

	if (!node_first_visit(c, n))
		return;
	if (n->type != YAML_SCALAR_NODE) {
		problem(c, n, "%s'%s' must be a single value, not %s", what,
		    k->name, kind_name(n));
		return;
	}
	if (is_null(n)) {
		problem(c, n, "no value for '%s'", k->name);
		return;
	}
	s = (const char *)n->data.scalar.value;
	if (strlen(s) != n->data.scalar.length) {
		problem(c, n, "'%s' contains a NUL byte", k->name);
		return;
	}
	types[type].parse(c, k, n, s, dst);
	mark_add(c, dst, n);
}

/* A list (or a single value standing for a list of one). */
static void
parse_list(struct ctx *c, const struct key *k, yaml_node_t *n, void *base)
{
	size_t size = types[k->item].size, count;
	yaml_node_item_t *items, one;
	unsigned char *arr;

	if (n->type == YAML_SCALAR_NODE) {
		one = (yaml_node_item_t)(n - c->doc->nodes.start + 1);
		items = &one;
		count = 1;
	} else if (n->type == YAML_SEQUENCE_NODE) {
		if (!node_first_visit(c, n))
			return;
		items = n->data.sequence.items.start;
		count = (size_t)(n->data.sequence.items.top - items);
	} else {
		problem(c, n, "'%s' must be a list, not a mapping", k->name);
		return;
	}
	if (count < (size_t)k->min) {
		problem(c, n, "'%s' must not be empty", k->name);
		return;
	}
	if (size == 0) {
		/* Items OR'ed into one value (days). */
		for (size_t i = 0; i < count; i++)
			parse_scalar(c, k, k->item, node_get(c, items[i]),
			    (char *)base + k->off, "each item of ");
		return;
	}
	if (count == 0)
		return;
	arr = xcalloc(count, size);
	*(void **)((char *)base + k->off) = arr;
	*(size_t *)((char *)base + k->noff) = count;
	for (size_t i = 0; i < count; i++)
		parse_scalar(c, k, k->item, node_get(c, items[i]),
		    arr + i * size, "each item of ");
}

/* A list of mappings, each becoming one element of a new array. */
static void
parse_maplist(struct ctx *c, const struct key *k, yaml_node_t *n, void *base)
{
	const struct table *t = k->sub;
	yaml_node_item_t *items;
	unsigned char *arr;
	size_t count;

	if (n->type != YAML_SEQUENCE_NODE) {
		problem(c, n, "'%s' must be a list, not %s", k->name,
		    kind_name(n));
		return;
	}
	if (!node_first_visit(c, n))
		return;
	items = n->data.sequence.items.start;
	count = (size_t)(n->data.sequence.items.top - items);
	if (count == 0)
		return;
	arr = xcalloc(count, t->elemsize);
	*(void **)((char *)base + k->off) = arr;
	*(size_t *)((char *)base + k->noff) = count;
	for (size_t i = 0; i < count; i++) {
		yaml_node_t *e = node_get(c, items[i]);

		if (e->type != YAML_MAPPING_NODE) {
			problem(c, e, "each item of '%s' must be a mapping, "
			    "not %s", k->name, kind_name(e));
			continue;
		}
		if (node_first_visit(c, e))
			parse_map(c, t, e, arr + i * t->elemsize);
	}
}

/*
 * A text per language: {fr: "...", en: "..."}. Each language once; the
 * first text stands for the others until check_top() picks the default
 * language's.
 */
static void
parse_texts(struct ctx *c, const struct key *k, yaml_node_t *n, void *base)
{
	struct config_texts *t = (void *)((char *)base + k->noff);
	yaml_node_pair_t *pair;

	if (n->type == YAML_SCALAR_NODE) {
		parse_scalar(c, k, T_STR, n, (char *)base + k->off, "");
		return;
	}
	if (n->type != YAML_MAPPING_NODE) {
		problem(c, n, "'%s' must be a text, or one text per language "
		    "({fr: ..., en: ...}), not %s", k->name, kind_name(n));
		return;
	}
	if (!node_first_visit(c, n))
		return;
	for (pair = n->data.mapping.pairs.start;
	    pair < n->data.mapping.pairs.top; pair++) {
		yaml_node_t *kn = node_get(c, pair->key);
		yaml_node_t *vn = node_get(c, pair->value);
		char *lang = NULL, *text = NULL;

		if (kn->type != YAML_SCALAR_NODE) {
			problem(c, kn, "each language of '%s' must be a "
			    "2-letter code, not %s", k->name, kind_name(kn));
			continue;
		}
		p_lang(c, k, kn, (const char *)kn->data.scalar.value, &lang);
		if (lang == NULL)
			continue;
		for (size_t i = 0; i < t->n; i++)
			if (strcmp(t->langs[i], lang) == 0) {
				problem(c, kn, "'%s' gives language '%s' twice",
				    k->name, lang);
				free(lang);
				lang = NULL;
				break;
			}
		if (lang == NULL)
			continue;
		parse_scalar(c, k, T_STR, vn, &text, "each text of ");
		if (text == NULL) {
			free(lang);
			continue;
		}
		t->langs = xrealloc(t->langs, (t->n + 1) * sizeof(char *));
		t->texts = xrealloc(t->texts, (t->n + 1) * sizeof(char *));
		t->langs[t->n] = lang;
		t->texts[t->n] = text;
		t->n++;
	}
	if (t->n == 0) {
		problem(c, n, "'%s' has no text", k->name);
		return;
	}
	str_set((char **)((char *)base + k->off), xstrdup(t->texts[0]));
	mark_add(c, (char *)base + k->off, n);
}

/* The value n of key k (whose own node is kn) into base. */
static void
parse_value(struct ctx *c, const struct key *k, yaml_node_t *kn,
    yaml_node_t *n, void *base)
{
	if (is_null(n)) {
		/* An empty value has no place of its own: name the key. */
		problem(c, kn, "no value for '%s'", k->name);
		return;
	}
	switch (types[k->type].kind) {
	case K_SCALAR:
		parse_scalar(c, k, k->type, n, (char *)base + k->off, "");
		break;
	case K_LIST:
		parse_list(c, k, n, base);
		break;
	case K_MAPLIST:
		parse_maplist(c, k, n, base);
		break;
	case K_TEXTS:
		parse_texts(c, k, n, base);
		break;
	case K_MAP:
		if (n->type != YAML_MAPPING_NODE)
			problem(c, n, "'%s' must be a mapping, not %s",
			    k->name, kind_name(n));
		else if (node_first_visit(c, n))
			parse_map(c, k->sub, n, base);
		break;
	}
}

static const struct key *
table_find(const struct table *t, const char *name, size_t *idx)
{
	for (size_t i = 0; i < t->nkeys; i++) {
		if (strcmp(t->keys[i].name, name) == 0) {
			*idx = i;
			return &t->keys[i];
		}
	}
	return NULL;
}

/* Whether the key named name was in the mapping (seen: one bit per row). */
static int
table_seen(const struct table *t, uint64_t seen, const char *name)
{
	size_t i;

	return table_find(t, name, &i) != NULL && (seen & (1ULL << i)) != 0;
}

static void
parse_map(struct ctx *c, const struct table *t, yaml_node_t *map, void *base)
{
	yaml_node_pair_t *pair;
	const struct key *k;
	uint64_t seen = 0;
	size_t i;

	for (pair = map->data.mapping.pairs.start;
	    pair < map->data.mapping.pairs.top; pair++) {
		yaml_node_t *kn = node_get(c, pair->key);
		yaml_node_t *vn = node_get(c, pair->value);
		const char *name;

		if (kn->type != YAML_SCALAR_NODE) {
			problem(c, kn, "a key must be a word, not %s",
			    kind_name(kn));
			continue;
		}
		name = (const char *)kn->data.scalar.value;
		if ((k = table_find(t, name, &i)) == NULL) {
			problem(c, kn, "unknown key '%s'", log_vis(name));
			continue;
		}
		if (seen & (1ULL << i)) {
			problem(c, kn, "duplicate key '%s'", name);
			continue;
		}
		seen |= 1ULL << i;
		parse_value(c, k, kn, vn, base);
	}
	for (i = 0; i < t->nkeys; i++)
		if (t->keys[i].required && !(seen & (1ULL << i)))
			problem(c, map, "missing required key '%s'",
			    t->keys[i].name);
	if (t->check != NULL)
		t->check(c, map, base, seen);
}

/* Checks across keys. */

static int
host_is_loopback(const char *host)
{
	unsigned char a[16];

	if (host == NULL)
		return 0;
	if (util_strcasecmp(host, "localhost") == 0)
		return 1;
	if (inet_pton(AF_INET, host, a) == 1)
		return a[0] == 127;
	if (inet_pton(AF_INET6, host, a) == 1)
		return memcmp(a, &in6addr_loopback, 16) == 0;
	return 0;
}

static void
check_account(struct ctx *c, yaml_node_t *map, void *base, uint64_t seen)
{
	struct config *cfg = base;
	int pw = table_seen(&account_table, seen, "password");
	int pwf = table_seen(&account_table, seen, "password_file");
	size_t line, col;

	if (!pw && !pwf)
		problem(c, map, "missing required key 'password' or "
		    "'password_file'");
	if (pw && pwf && mark_find(c, &cfg->account.password, &line, &col))
		problem_at(c, line, col, "'password' and 'password_file' "
		    "cannot both be set");
	if (cfg->account.tls == CONFIG_TLS_DISABLED &&
	    !host_is_loopback(cfg->account.host) &&
	    mark_find(c, &cfg->account.tls, &line, &col))
		problem_at(c, line, col, "'tls: disabled' needs a loopback "
		    "'host' (127.0.0.1, ::1 or localhost)");
}

static void
check_otr(struct ctx *c, yaml_node_t *map, void *base, uint64_t seen)
{
	struct config *cfg = base;
	size_t line, col;

	(void)map;
	(void)seen;
	if (cfg->otr.smp_question != NULL && cfg->otr.smp_secret == NULL &&
	    mark_find(c, &cfg->otr.smp_question, &line, &col))
		problem_at(c, line, col, "'smp_question' needs 'smp_secret'");
	if (cfg->otr.smp_secret != NULL && cfg->otr.smp_question == NULL &&
	    mark_find(c, &cfg->otr.smp_secret, &line, &col))
		problem_at(c, line, col, "'smp_secret' needs 'smp_question'");
}

static void
check_helper(struct ctx *c, yaml_node_t *map, void *base, uint64_t seen)
{
	struct config_helper *h = base;
	struct jid_parts p;

	(void)c;
	(void)map;
	(void)seen;
	if (h->name == NULL && jid_parse(h->jid, &p) == JID_OK &&
	    p.local != NULL)
		h->name = xstrndup(p.local, p.nlocal);
}

/* A JID read at addr must name a configured helper. */
static void
check_is_helper(struct ctx *c, const char *jid, const void *addr,
    const char *what)
{
	size_t line, col;

	if (jid == NULL || config_helper_find(c->cfg, jid) != NULL)
		return;
	if (mark_find(c, addr, &line, &col))
		problem_at(c, line, col, "%s '%s' is not one of the helpers",
		    what, log_vis(jid));
}

static void
check_top(struct ctx *c, yaml_node_t *map, void *base, uint64_t seen)
{
	struct config *cfg = base;
	const struct config_texts *q = &cfg->otr.smp_questions;
	size_t line, col;

	(void)map;
	(void)seen;
	/* Questions per language: the default language's stands for the
	 * languages that have none. */
	for (size_t i = 0; i < q->n; i++)
		if (cfg->guide.default_language != NULL &&
		    strcmp(q->langs[i], cfg->guide.default_language) == 0)
			str_set(&cfg->otr.smp_question, xstrdup(q->texts[i]));
	for (size_t i = 0; i < cfg->nhelpers; i++) {
		const char *jid = cfg->helpers[i].jid;

		for (size_t j = 0; jid != NULL && j < i; j++) {
			if (cfg->helpers[j].jid != NULL &&
			    strcmp(cfg->helpers[j].jid, jid) == 0 &&
			    mark_find(c, &cfg->helpers[i].jid, &line, &col)) {
				problem_at(c, line, col, "helper '%s' is listed "
				    "twice", log_vis(jid));
				break;
			}
		}
	}
	for (size_t i = 0; i < cfg->duty.nshifts; i++)
		check_is_helper(c, cfg->duty.shifts[i].helper,
		    &cfg->duty.shifts[i].helper, "shift helper");
	for (size_t i = 0; i < cfg->duty.nfallback; i++)
		check_is_helper(c, cfg->duty.fallback[i],
		    &cfg->duty.fallback[i], "fallback");
}

/* Loading. */

static void
yaml_problem(struct ctx *c, yaml_parser_t *p)
{
	const char *what = p->problem ? p->problem : "cannot parse the file";
	yaml_mark_t m = p->problem_mark;

	if (p->error == YAML_READER_ERROR) {
		/* The reader reports an offset, not a line. */
		problem_at(c, 1, 1, "%s (at byte %zu)", what, p->problem_offset);
		return;
	}
	if (p->context != NULL)
		problem_at(c, m.line + 1, m.column + 1, "%s (%s at line %zu)",
		    what, p->context, p->context_mark.line + 1);
	else
		problem_at(c, m.line + 1, m.column + 1, "%s", what);
}

static void
load_document(struct ctx *c, const unsigned char *text, size_t len)
{
	yaml_parser_t parser;
	yaml_document_t doc, extra;
	yaml_node_t *root;

	if (!yaml_parser_initialize(&parser))
		fatalx("yaml_parser_initialize: out of memory");
	yaml_parser_set_input_string(&parser, text, len);
	if (!yaml_parser_load(&parser, &doc)) {
		yaml_problem(c, &parser);
		yaml_parser_delete(&parser);
		return;
	}
	c->doc = &doc;
	c->nnodes = (size_t)(doc.nodes.top - doc.nodes.start);
	c->visited = xcalloc(c->nnodes + 1, 1);
	if ((root = yaml_document_get_root_node(&doc)) == NULL)
		problem_at(c, 1, 1, "the file is empty (expected a mapping "
		    "with 'account' and 'state_dir')");
	else if (root->type != YAML_MAPPING_NODE)
		problem(c, root, "the file must be a mapping of keys, not %s",
		    kind_name(root));
	else if (node_first_visit(c, root))
		parse_map(c, &top_table, root, c->cfg);
	free(c->visited);
	c->visited = NULL;
	c->doc = NULL;

	/* A second document would be silently ignored: refuse it. */
	if (root != NULL) {
		if (!yaml_parser_load(&parser, &extra))
			yaml_problem(c, &parser);
		else {
			yaml_node_t *r2 = yaml_document_get_root_node(&extra);

			if (r2 != NULL)
				problem(c, r2, "only one YAML document is "
				    "allowed");
			yaml_document_delete(&extra);
		}
	}
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
}

/* Sets the defaults of table t's keys at base (sections too); *arena is
 * where the next string default goes. */
static void
defaults_set(const struct table *t, void *base, struct ctx *c, size_t *arena)
{
	static yaml_node_t none;	/* problems: a bad default, line 1 */

	for (size_t i = 0; i < t->nkeys; i++) {
		const struct key *k = &t->keys[i];
		void *dst = (char *)base + k->off;
		size_t n;

		if (k->type == T_SECTION) {
			defaults_set(k->sub, base, c, arena);
			continue;
		}
		if (k->def == NULL)
			continue;
		switch (k->type) {
		case T_STR: case T_LANG: case T_TZ:
			n = strlen(k->def) + 1;
			if (*arena + n > sizeof(defaults_arena))
				fatalx("config: defaults_arena too small");
			memcpy(defaults_arena + *arena, k->def, n);
			*(char **)dst = defaults_arena + *arena;
			*arena += n;
			break;
		default:
			types[k->type].parse(c, k, &none, k->def, dst);
			break;
		}
	}
}

/* The test suite runs with and without OTR worker threads: its
 * environment may change that one default (a file's value still wins). */
static void
threads_from_env(struct config *cfg)
{
	const char *env = getenv("SECOURS_OTR_THREADS");
	char *end;
	long v;

	if (env == NULL || *env == '\0')
		return;
	v = strtol(env, &end, 10);
	if (*end == '\0' && v >= 0 && v <= 64)
		cfg->limits.otr_threads = (int)v;
}

void
config_init(struct config *cfg)
{
	struct ctx c;
	size_t arena = 0;

	memset(cfg, 0, sizeof(*cfg));
	memset(&c, 0, sizeof(c));
	c.cfg = cfg;
	defaults_set(&top_table, cfg, &c, &arena);
	if (c.nprobs > 0)
		fatalx("config: bad default in the key table: %s",
		    c.probs[0].msg);
	threads_from_env(cfg);
}

int
config_load(const char *path, struct config *cfg, FILE *errs)
{
	return config_load_opts(path, cfg, errs, 0);
}

int
config_load_opts(const char *path, struct config *cfg, FILE *errs, int flags)
{
	struct ctx c;
	char *text;
	size_t len;
	int n;

	config_init(cfg);
	cfg->path = xstrdup(path);
	if ((text = util_read_file(path, CONFIG_FILE_MAX, &len)) == NULL) {
		fprintf(errs, "%s: cannot read: %s\n", path, strerror(errno));
		return 1;
	}
	memset(&c, 0, sizeof(c));
	c.path = path;
	c.cfg = cfg;
	c.flags = flags;
	load_document(&c, (const unsigned char *)text, len);
	free(text);

	if (cfg->guide.npaths == 0) {
		cfg->guide.paths = xcalloc(1, sizeof(char *));
		cfg->guide.paths[0] = xstrdup(PKGDATADIR "/replies");
		cfg->guide.npaths = 1;
	}

	if (c.nprobs > 0)
		qsort(c.probs, c.nprobs, sizeof(*c.probs), problem_cmp);
	for (size_t i = 0; i < c.nprobs; i++) {
		fprintf(errs, "%s:%zu:%zu: %s\n", path, c.probs[i].line,
		    c.probs[i].col, c.probs[i].msg);
		free(c.probs[i].msg);
	}
	fflush(errs);
	n = (int)c.nprobs;
	free(c.probs);
	free(c.marks);
	return n;
}

static void
strv_free(char **v, size_t n)
{
	for (size_t i = 0; v != NULL && i < n; i++)
		free(v[i]);
	free(v);
}

static void
str_free(char *s)
{
	if (s != NULL && !is_default(s))
		free(s);
}

void
config_release(struct config *cfg)
{
	if (cfg->account.password != NULL)
		explicit_bzero(cfg->account.password,
		    strlen(cfg->account.password));
	if (cfg->otr.smp_secret != NULL)
		explicit_bzero(cfg->otr.smp_secret,
		    strlen(cfg->otr.smp_secret));
	str_free(cfg->path);
	str_free(cfg->account.jid);
	str_free(cfg->account.password);
	str_free(cfg->account.resource);
	str_free(cfg->account.host);
	str_free(cfg->account.ca_file);
	str_free(cfg->account.status);
	str_free(cfg->state_dir);
	strv_free(cfg->guide.paths, cfg->guide.npaths);
	str_free(cfg->guide.default_language);
	str_free(cfg->guide.base_url);
	str_free(cfg->log.file);
	str_free(cfg->otr.smp_question);
	strv_free(cfg->otr.smp_questions.langs, cfg->otr.smp_questions.n);
	strv_free(cfg->otr.smp_questions.texts, cfg->otr.smp_questions.n);
	str_free(cfg->otr.smp_secret);
	for (size_t i = 0; i < cfg->nhelpers; i++) {
		struct config_helper *h = &cfg->helpers[i];

		str_free(h->jid);
		str_free(h->name);
		strv_free(h->languages, h->nlanguages);
		free(h->fingerprints);
	}
	free(cfg->helpers);
	str_free(cfg->duty.timezone);
	for (size_t i = 0; i < cfg->duty.nshifts; i++)
		str_free(cfg->duty.shifts[i].helper);
	free(cfg->duty.shifts);
	strv_free(cfg->duty.fallback, cfg->duty.nfallback);
	config_init(cfg);
}

const char *
config_smp_question(const struct config *cfg, const char *lang)
{
	const struct config_texts *q = &cfg->otr.smp_questions;

	for (size_t i = 0; lang != NULL && i < q->n; i++)
		if (strcmp(q->langs[i], lang) == 0)
			return q->texts[i];
	return cfg->otr.smp_question;
}

const struct config_helper *
config_helper_find(const struct config *cfg, const char *bare_jid)
{
	if (bare_jid == NULL)
		return NULL;
	for (size_t i = 0; i < cfg->nhelpers; i++)
		if (cfg->helpers[i].jid != NULL &&
		    util_strcasecmp(cfg->helpers[i].jid, bare_jid) == 0)
			return &cfg->helpers[i];
	return NULL;
}

/*
 * The key table, for the man page: one line per key, tab-separated: its
 * dotted path ("helpers[].jid" inside a list of mappings), its type, its
 * default, its range and "required" or "optional". Walks the same tables
 * parse_map() reads, so the manual cannot name a key the parser lacks.
 */

static const char *const type_words[] = {
	[T_STR] = "string", [T_JID] = "JID", [T_PASSFILE] = "file name",
	[T_FILE] = "file name", [T_INT] = "integer", [T_SIZE] = "integer",
	[T_FLOAT] = "number", [T_BOOL] = "boolean", [T_DURATION] = "duration",
	[T_ENUM] = "word", [T_LEVEL] = "word", [T_LANG] = "language code",
	[T_URL] = "URL", [T_TZ] = "time zone", [T_TIME] = "HH:MM",
	[T_DAY] = "day", [T_FP] = "fingerprint", [T_LIST] = "list",
	[T_SECTION] = "mapping", [T_MAPLIST] = "list of mappings",
	[T_TEXTS] = "text, or a mapping of language codes to texts",
};

/* enum log_level, as log_level_parse() reads it. */
static const char *const level_words[] = {
	[LOGL_ERROR] = "error", [LOGL_WARN] = "warn", [LOGL_INFO] = "info",
	[LOGL_DEBUG] = "debug",
};

/* The default of k, read from base (a config_init()'ed struct); "-" if
 * none. */
static void
key_default(const struct key *k, const void *base, char *out, size_t size)
{
	const char *p = (const char *)base + k->off;
	const char *s;

	if (base == NULL || k->required) {
		(void)util_snprintf(out, size, "-");
		return;
	}
	switch (k->type) {
	case T_INT:
		(void)util_snprintf(out, size, "%d", *(const int *)p);
		break;
	case T_SIZE:
		(void)util_snprintf(out, size, "%zu", *(const size_t *)p);
		break;
	case T_FLOAT:
		(void)util_snprintf(out, size, "%g", *(const double *)p);
		break;
	case T_BOOL:
		(void)util_snprintf(out, size, "%s",
		    *(const int *)p ? "true" : "false");
		break;
	case T_DURATION:
		duration_fmt(*(const long *)p, out, size);
		break;
	case T_ENUM:
		(void)util_snprintf(out, size, "%s", k->names[*(const int *)p]);
		break;
	case T_LEVEL:
		(void)util_snprintf(out, size, "%s",
		    level_words[*(const int *)p]);
		break;
	case T_STR: case T_JID: case T_PASSFILE: case T_FILE: case T_LANG:
	case T_URL: case T_TZ:
		s = *(char *const *)p;
		(void)util_snprintf(out, size, "%s", s != NULL ? s : "-");
		break;
	default:
		(void)util_snprintf(out, size, "-");
		break;
	}
}

/* The values k accepts beyond its type; "-" if nothing more to say. */
static void
key_range(const struct key *k, char *out, size_t size)
{
	char lo[32], hi[32];
	struct buf b;

	switch (k->type) {
	case T_INT: case T_SIZE: case T_FLOAT:
		if (k->min == 0 && k->max == 0)
			goto none;
		(void)util_snprintf(out, size, "%ld..%ld", k->min, k->max);
		return;
	case T_DURATION:
		duration_fmt(k->min, lo, sizeof(lo));
		duration_fmt(k->max, hi, sizeof(hi));
		(void)util_snprintf(out, size, "%s..%s", lo, hi);
		return;
	case T_ENUM:
		buf_init(&b);
		for (int i = 0; k->names[i] != NULL; i++)
			buf_addf(&b, "%s%s", i == 0 ? "" : ", ", k->names[i]);
		(void)util_snprintf(out, size, "%s", b.s);
		buf_release(&b);
		return;
	case T_LEVEL:
		(void)util_snprintf(out, size, "error, warn, info, debug");
		return;
	case T_TIME:
		(void)util_snprintf(out, size, "00:00..23:59");
		return;
	case T_LIST:
		if (k->min > 0) {
			(void)util_snprintf(out, size, "%s, at least %ld",
			    type_words[k->item], k->min);
			return;
		}
		(void)util_snprintf(out, size, "%s", type_words[k->item]);
		return;
	default:
		break;
	}
none:
	(void)util_snprintf(out, size, "-");
}

static void
table_dump(const struct table *t, const char *prefix, const void *base,
    FILE *out)
{
	char path[128], def[256], range[256];

	for (size_t i = 0; i < t->nkeys; i++) {
		const struct key *k = &t->keys[i];

		(void)util_snprintf(path, sizeof(path), "%s%s", prefix,
		    k->name);
		if (k->type == T_SECTION) {
			(void)util_snprintf(path, sizeof(path), "%s%s.",
			    prefix, k->name);
			table_dump(k->sub, path, base, out);
			continue;
		}
		key_default(k, base, def, sizeof(def));
		key_range(k, range, sizeof(range));
		fprintf(out, "%s\t%s\t%s\t%s\t%s\n", path, type_words[k->type],
		    def, range, k->required ? "required" : "optional");
		if (k->type == T_MAPLIST) {
			(void)util_snprintf(path, sizeof(path), "%s%s[].",
			    prefix, k->name);
			table_dump(k->sub, path, NULL, out);
		}
	}
}

void
config_dump(const struct config *cfg, FILE *out)
{
	table_dump(&top_table, "", cfg, out);
}

void
config_dump_keys(FILE *out)
{
	struct config cfg;

	config_init(&cfg);
	config_dump(&cfg, out);
}
