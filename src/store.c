/* store: durable escalations in SQLite (the only file including sqlite3.h). */
#include "ac-config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "log.h"
#include "store.h"
#include "util.h"

/* Every statement the store runs, prepared once at open. */
enum stmt {
	S_CASE_INSERT,
	S_CASE_UPDATE,
	S_CASE_CLOSE,
	S_CASE_CLOSE_OUTBOX,
	S_CASES_OPEN,
	S_CASE_GET,
	S_CASE_COUNT,
	S_PURGE_CASES,
	S_PURGE_OUTBOX,
	S_OUTBOX_ADD,
	S_OUTBOX_LIST,
	S_OUTBOX_DELETE,
	S_OUTBOX_EXPIRE,
	S_OUTBOX_READDRESS,
	S_HELPER_GET,
	S_HELPER_PUT,
	S_NEXT_ID,
	S_OUTBOX_ANY,
	S_COUNT,
};

#define CASE_COLS "id, state, person, lang, text, person_fp, helper, " \
	"opened, offered, claimed, closed, danger"

static const char *const stmt_sql[S_COUNT] = {
	[S_CASE_INSERT] =
	    "INSERT INTO cases (id, state, person, lang, text, person_fp,"
	    " helper, opened, offered, claimed, closed, danger)"
	    " VALUES (?12, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
	[S_CASE_UPDATE] =
	    "UPDATE cases SET state = ?2, person = ?3, lang = ?4, text = ?5,"
	    " person_fp = ?6, helper = ?7, opened = ?8, offered = ?9,"
	    " claimed = ?10, closed = ?11, danger = ?12 WHERE id = ?1",
	[S_CASE_CLOSE] =
	    "UPDATE cases SET state = 3, text = NULL, person_fp = NULL,"
	    " closed = ?2 WHERE id = ?1",
	[S_CASE_CLOSE_OUTBOX] =
	    "DELETE FROM outbox WHERE case_id = ?1 AND recipient <>"
	    " (SELECT person FROM cases WHERE id = ?1)",
	[S_CASES_OPEN] =
	    "SELECT " CASE_COLS " FROM cases WHERE state <> 3 ORDER BY id",
	[S_CASE_GET] =
	    "SELECT " CASE_COLS " FROM cases WHERE id = ?1",
	[S_CASE_COUNT] =
	    "SELECT count(*) FROM cases",
	[S_PURGE_CASES] =
	    "DELETE FROM cases WHERE state = 3 AND closed < ?1",
	[S_PURGE_OUTBOX] =
	    "DELETE FROM outbox WHERE created < ?1",
	[S_OUTBOX_ADD] =
	    "INSERT INTO outbox (case_id, recipient, lang, key, vars,"
	    " sensitive, fp, created) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	[S_OUTBOX_LIST] =
	    "SELECT id, case_id, recipient, lang, key, vars, sensitive, fp,"
	    " created FROM outbox WHERE recipient = ?1 ORDER BY id",
	[S_OUTBOX_DELETE] =
	    "DELETE FROM outbox WHERE id = ?1",
	[S_OUTBOX_EXPIRE] =
	    "DELETE FROM outbox WHERE key = ?1 AND created < ?2",
	[S_OUTBOX_READDRESS] =
	    "UPDATE outbox SET recipient = ?3 WHERE case_id = ?1"
	    " AND recipient = ?2",
	[S_HELPER_GET] =
	    "SELECT duty, blocked, blocked_fp, blocked_pins, blocked_at"
	    " FROM helpers WHERE jid = ?1",
	[S_HELPER_PUT] =
	    "INSERT OR REPLACE INTO helpers (jid, duty, blocked, blocked_fp,"
	    " blocked_pins, blocked_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[S_NEXT_ID] =
	    "SELECT max(coalesce((SELECT seq FROM sqlite_sequence"
	    " WHERE name = 'cases'), 0), coalesce((SELECT max(id)"
	    " FROM cases), 0)) + 1",
	[S_OUTBOX_ANY] =
	    "SELECT EXISTS (SELECT 1 FROM outbox)",
};

/* A writer waiting for another process's lock stalls the whole daemon:
 * wait briefly, then fail the event (it is retried, and people are told). */
#define STORE_BUSY_MS	250

/* Version 1, as the first release wrote it: never edited (a store at
 * version 1 is brought up to date by the steps after it). */
static const char schema_v1[] =
    "CREATE TABLE cases ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " state INTEGER NOT NULL,"
    " person TEXT NOT NULL COLLATE NOCASE,"
    " lang TEXT NOT NULL,"
    " text TEXT,"
    " person_fp TEXT,"
    " helper TEXT COLLATE NOCASE,"
    " opened INTEGER NOT NULL,"
    " offered INTEGER NOT NULL DEFAULT 0,"
    " claimed INTEGER NOT NULL DEFAULT 0,"
    " closed INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE outbox ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " case_id INTEGER NOT NULL,"
    " recipient TEXT NOT NULL COLLATE NOCASE,"
    " lang TEXT NOT NULL,"
    " key TEXT NOT NULL,"
    " vars BLOB,"
    " sensitive INTEGER NOT NULL,"
    " fp TEXT,"
    " created INTEGER NOT NULL);"
    "CREATE INDEX outbox_recipient ON outbox (recipient);"
    "CREATE TABLE helpers ("
    " jid TEXT PRIMARY KEY COLLATE NOCASE,"
    " duty INTEGER NOT NULL DEFAULT 0,"
    " blocked INTEGER NOT NULL DEFAULT 0,"
    " blocked_fp TEXT,"
    " blocked_pins TEXT,"
    " blocked_at INTEGER NOT NULL DEFAULT 0);"
    "PRAGMA user_version = 1;";

/* Version 2: a case that came with words of danger is marked, and offered
 * before the others after a restart too (1 danger now, 2 self-harm: the
 * kind, since s13-fixd, in the same column; 3 danger to come since
 * s17-fixs4). */
static const char schema_v2[] =
    "ALTER TABLE cases ADD COLUMN danger INTEGER NOT NULL DEFAULT 0;"
    "PRAGMA user_version = 2;";

/* What the store knows of the outbox as a whole. EMPTY is set only by
 * outbox_known_empty(), from a committed read; every insert leaves it
 * first, so a stale EMPTY cannot hide a waiting message. */
enum outbox_state {
	OUTBOX_UNKNOWN,		/* look (once) before trusting either */
	OUTBOX_EMPTY,		/* no row: listing can skip SQLite */
	OUTBOX_USED,		/* rows were added since the last look */
};

struct store {
	sqlite3		*db;
	char		*path;
	char		*wpath;		/* the withdrawn cases' side file */
	sqlite3_stmt	*stmt[S_COUNT];
	int		 wiped;		/* the WAL may hold wiped text */
	enum outbox_state outbox;	/* whether anything waits at all */
};

static int
store_fail(struct store *st, const char *what)
{
	log_warnx("store: %s: %s (%s)", what, sqlite3_errmsg(st->db),
	    log_vis(st->path));
	return -1;
}

/* The state directory: created 0700, or narrowed to 0700. */
static int
state_dir_prepare(const char *dir)
{
	struct stat sb;

	if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
		log_warn("store: mkdir %s", log_vis(dir));
		return -1;
	}
	if (lstat(dir, &sb) == -1) {
		log_warn("store: %s", log_vis(dir));
		return -1;
	}
	if (!S_ISDIR(sb.st_mode)) {
		log_warnx("store: %s is not a directory", log_vis(dir));
		return -1;
	}
	if ((sb.st_mode & 077) != 0) {
		log_warnx("store: state directory %s was mode %03o; now 0700",
		    log_vis(dir), (unsigned)(sb.st_mode & 0777));
		if (chmod(dir, 0700) == -1) {
			log_warn("store: chmod %s", log_vis(dir));
			return -1;
		}
	}
	return 0;
}

/* Creates path 0600 if missing (never through a symlink), or narrows it. */
static int
file_prepare(const char *path, int create)
{
	struct stat sb;
	int fd;

	fd = open(path, O_RDWR | O_NOFOLLOW | O_CLOEXEC |
	    (create ? O_CREAT : 0), 0600);
	if (fd == -1) {
		if (!create && errno == ENOENT)
			return 0;
		log_warn("store: open %s", log_vis(path));
		return -1;
	}
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode)) {
		log_warnx("store: %s is not a regular file", log_vis(path));
		close(fd);
		return -1;
	}
	if ((sb.st_mode & 077) != 0) {
		log_warnx("store: %s was mode %03o; now 0600", log_vis(path),
		    (unsigned)(sb.st_mode & 0777));
		if (fchmod(fd, 0600) == -1) {
			log_warn("store: chmod %s", log_vis(path));
			close(fd);
			return -1;
		}
	}
	close(fd);
	return 0;
}

static int
store_exec(struct store *st, const char *sql, const char *what)
{
	char *err = NULL;

	if (sqlite3_exec(st->db, sql, NULL, NULL, &err) != SQLITE_OK) {
		log_warnx("store: %s: %s (%s)", what, err ? err : "?",
		    log_vis(st->path));
		sqlite3_free(err);
		return -1;
	}
	return 0;
}

static int
pragma_int(struct store *st, const char *sql, long *out)
{
	sqlite3_stmt *s;
	int rc;

	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
		return store_fail(st, sql);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*out = (long)sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW)
		return store_fail(st, sql);
	return 0;
}

/* Brings the schema to STORE_SCHEMA_VERSION in one transaction: created
 * (version 0), then each step from the version found; a version newer than
 * this program's is refused, and a failed step leaves the file as it was. */
static int
store_migrate(struct store *st)
{
	static const char *const steps[STORE_SCHEMA_VERSION] = {
		schema_v1, schema_v2,
	};
	long version;
	int i;

	/* Up to date: no write lock needed (a backup may hold it). */
	if (pragma_int(st, "PRAGMA user_version", &version) == -1)
		return -1;
	if (version != STORE_SCHEMA_VERSION && (store_exec(st,
	    "BEGIN IMMEDIATE", "begin schema") == -1 ||
	    pragma_int(st, "PRAGMA user_version", &version) == -1))
		goto fail;
	if (version > STORE_SCHEMA_VERSION || version < 0) {
		log_warnx("store: %s has schema version %ld, which this "
		    "program (version %d) does not know", log_vis(st->path),
		    version, STORE_SCHEMA_VERSION);
		goto fail;
	}
	if (version == STORE_SCHEMA_VERSION && sqlite3_get_autocommit(st->db))
		return 0;
	for (i = (int)version; i < STORE_SCHEMA_VERSION; i++)
		if (store_exec(st, steps[i], "schema") == -1)
			goto fail;
	if (store_exec(st, "COMMIT", "commit schema") == -1)
		goto fail;
	if (version == 0)
		log_info("store: created %s (schema version %d)",
		    log_vis(st->path), STORE_SCHEMA_VERSION);
	else if (version < STORE_SCHEMA_VERSION)
		log_info("store: %s: schema version %ld brought to %d",
		    log_vis(st->path), version, STORE_SCHEMA_VERSION);
	return 0;
fail:
	if (!sqlite3_get_autocommit(st->db))
		store_exec(st, "ROLLBACK", "rollback schema");
	return -1;
}

struct store *
store_open(const char *state_dir)
{
	static const char *const sidecars[] = { "-wal", "-shm" };
	struct store *st;
	struct buf b;
	size_t i;
	int rc;

	if (state_dir_prepare(state_dir) == -1)
		return NULL;
	st = xcalloc(1, sizeof(*st));
	buf_init(&b);
	buf_addf(&b, "%s/%s", state_dir, STORE_FILE);
	st->path = buf_detach(&b);
	buf_addf(&b, "%s/%s", state_dir, STORE_WITHDRAWN_FILE);
	st->wpath = buf_detach(&b);
	if (file_prepare(st->path, 1) == -1 || file_prepare(st->wpath, 0) == -1)
		goto fail;
	for (i = 0; i < ARRAY_LEN(sidecars); i++) {
		char side[1024];

		if (util_snprintf(side, sizeof(side), "%s%s", st->path,
		    sidecars[i]) == -1 || file_prepare(side, 0) == -1)
			goto fail;
	}
	rc = sqlite3_open_v2(st->path, &st->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_NOFOLLOW, NULL);
	if (rc != SQLITE_OK) {
		if (st->db != NULL)
			store_fail(st, "open");
		else
			log_warnx("store: open %s: %s", log_vis(st->path),
			    sqlite3_errstr(rc));
		goto fail;
	}
	sqlite3_extended_result_codes(st->db, 1);
	sqlite3_busy_timeout(st->db, STORE_BUSY_MS);
	/* WAL survives a SIGKILL with synchronous=NORMAL, and lets a backup
	 * or an admin read while the bot writes; secure_delete overwrites
	 * what is deleted (wiped texts, purged cases) in the database file,
	 * and store_tidy() truncates the WAL after such a change. */
	if (store_exec(st, "PRAGMA journal_mode = WAL; "
	    "PRAGMA synchronous = NORMAL; PRAGMA secure_delete = ON; "
	    "PRAGMA foreign_keys = ON", "pragmas") == -1)
		goto fail;
	if (store_migrate(st) == -1)
		goto fail;
	/* A previous run may have stopped before its checkpoint. */
	st->wiped = 1;
	for (i = 0; i < S_COUNT; i++) {
		if (sqlite3_prepare_v3(st->db, stmt_sql[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &st->stmt[i], NULL) != SQLITE_OK) {
			store_fail(st, stmt_sql[i]);
			goto fail;
		}
	}
	return st;
fail:
	store_close(st);
	return NULL;
}

void
store_close(struct store *st)
{
	size_t i;

	if (st == NULL)
		return;
	for (i = 0; i < S_COUNT; i++)
		sqlite3_finalize(st->stmt[i]);
	if (st->db != NULL && st->wiped)
		store_tidy(st);
	if (st->db != NULL && sqlite3_close(st->db) != SQLITE_OK)
		store_fail(st, "close");
	free(st->path);
	free(st->wpath);
	free(st);
}

const char *
store_path(const struct store *st)
{
	return st->path;
}

/* The prepared statement, reset and unbound, ready to bind. */
static sqlite3_stmt *
stmt_get(struct store *st, enum stmt k)
{
	sqlite3_stmt *s = st->stmt[k];

	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return s;
}

/* After a delete: the outbox may now be empty; look next time. */
static void
outbox_shrunk(struct store *st)
{
	if (st->outbox == OUTBOX_USED)
		st->outbox = OUTBOX_UNKNOWN;
}

static int
bind_text(sqlite3_stmt *s, int i, const char *v)
{
	if (v == NULL)
		return sqlite3_bind_null(s, i);
	return sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
}

/* Steps a statement that returns no row. */
static int
stmt_done(struct store *st, sqlite3_stmt *s, const char *what)
{
	int rc = sqlite3_step(s);

	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return store_fail(st, what);
	return 0;
}

static char *
col_text(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);

	return t == NULL ? NULL : xstrdup((const char *)t);
}

static int
bind_case(sqlite3_stmt *s, const struct store_case *c, int first)
{
	int rc = 0;

	rc |= sqlite3_bind_int(s, first, (int)c->state);
	rc |= bind_text(s, first + 1, c->person);
	rc |= bind_text(s, first + 2, c->lang);
	rc |= bind_text(s, first + 3, c->text);
	rc |= bind_text(s, first + 4, c->person_fp);
	rc |= bind_text(s, first + 5, c->helper);
	rc |= sqlite3_bind_int64(s, first + 6, (sqlite3_int64)c->opened);
	rc |= sqlite3_bind_int64(s, first + 7, (sqlite3_int64)c->offered);
	rc |= sqlite3_bind_int64(s, first + 8, (sqlite3_int64)c->claimed);
	rc |= sqlite3_bind_int64(s, first + 9, (sqlite3_int64)c->closed);
	rc |= sqlite3_bind_int(s, first + 10, c->danger);
	return rc == SQLITE_OK ? 0 : -1;
}

/* Room for one more of n elements of size bytes at v (*cap of them
 * allocated): v, or v grown, doubling from first. */
static void *
rows_grow(void *v, size_t n, size_t *cap, size_t first, size_t size)
{
	if (n == *cap) {
		*cap = *cap ? *cap * 2 : first;
		v = xrealloc(v, *cap * size);
	}
	return v;
}

static void
read_case(sqlite3_stmt *s, struct store_case *c)
{
	memset(c, 0, sizeof(*c));
	c->id = (long)sqlite3_column_int64(s, 0);
	c->state = (enum store_state)sqlite3_column_int(s, 1);
	c->person = col_text(s, 2);
	c->lang = col_text(s, 3);
	c->text = col_text(s, 4);
	c->person_fp = col_text(s, 5);
	c->helper = col_text(s, 6);
	c->opened = (time_t)sqlite3_column_int64(s, 7);
	c->offered = (time_t)sqlite3_column_int64(s, 8);
	c->claimed = (time_t)sqlite3_column_int64(s, 9);
	c->closed = (time_t)sqlite3_column_int64(s, 10);
	/* 0, 1 (danger now), 2 (self-harm: s13-fixd, the same column) or
	 * 3 (danger to come: s17-fixs4) */
	c->danger = sqlite3_column_int(s, 11);
	if (c->danger < 0 || c->danger > 3)
		c->danger = 1;
	if (c->person == NULL)
		c->person = xstrdup("");
	if (c->lang == NULL)
		c->lang = xstrdup("en");
}

long
store_case_insert(struct store *st, const struct store_case *c)
{
	sqlite3_stmt *s = stmt_get(st, S_CASE_INSERT);

	if (bind_case(s, c, 1) == -1 || (c->id > 0 &&
	    sqlite3_bind_int64(s, 12, c->id) != SQLITE_OK))
		return store_fail(st, "bind new case");
	if (stmt_done(st, s, "insert case") == -1)
		return -1;
	return (long)sqlite3_last_insert_rowid(st->db);
}

long
store_case_next_id(struct store *st)
{
	sqlite3_stmt *s = stmt_get(st, S_NEXT_ID);
	long n = -1;

	if (sqlite3_step(s) == SQLITE_ROW)
		n = (long)sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	if (n == -1)
		store_fail(st, "next case number");
	return n;
}

int
store_case_update(struct store *st, const struct store_case *c)
{
	sqlite3_stmt *s = stmt_get(st, S_CASE_UPDATE);

	if (sqlite3_bind_int64(s, 1, c->id) != SQLITE_OK ||
	    bind_case(s, c, 2) == -1)
		return store_fail(st, "bind case update");
	return stmt_done(st, s, "update case");
}

/* The two statements of a close, inside the caller's transaction. */
static int
case_close_stmts(struct store *st, long id, time_t now)
{
	sqlite3_stmt *s;

	s = stmt_get(st, S_CASE_CLOSE_OUTBOX);
	sqlite3_bind_int64(s, 1, id);
	if (stmt_done(st, s, "wipe held messages of closed case") == -1)
		return -1;
	s = stmt_get(st, S_CASE_CLOSE);
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)now);
	return stmt_done(st, s, "close case");
}

int
store_case_close(struct store *st, long id, time_t now)
{
	struct store_changes ch;
	int rc;

	store_changes_init(&ch);
	store_changes_op(&ch, STORE_OP_CASE_CLOSE, id, now, 0);
	rc = store_apply(st, &ch);
	store_changes_release(&ch);
	return rc;
}

int
store_cases_open(struct store *st, struct store_case **v, size_t *n)
{
	sqlite3_stmt *s = stmt_get(st, S_CASES_OPEN);
	size_t cap = 0;
	int rc;

	*v = NULL;
	*n = 0;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		*v = rows_grow(*v, *n, &cap, 16, sizeof(**v));
		read_case(s, &(*v)[(*n)++]);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		store_cases_free(*v, *n);
		*v = NULL;
		*n = 0;
		return store_fail(st, "list open cases");
	}
	return 0;
}

int
store_case_get(struct store *st, long id, struct store_case *c)
{
	sqlite3_stmt *s = stmt_get(st, S_CASE_GET);
	int rc;

	memset(c, 0, sizeof(*c));
	sqlite3_bind_int64(s, 1, id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		read_case(s, c);
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc == SQLITE_DONE)
		return 1;
	return store_fail(st, "read case");
}

long
store_case_count(struct store *st)
{
	sqlite3_stmt *s = stmt_get(st, S_CASE_COUNT);
	long n = -1;

	if (sqlite3_step(s) == SQLITE_ROW)
		n = (long)sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	if (n == -1)
		store_fail(st, "count cases");
	return n;
}

void
store_case_release(struct store_case *c)
{
	free(c->person);
	free(c->lang);
	util_strfreezero(c->text);
	free(c->person_fp);
	free(c->helper);
	memset(c, 0, sizeof(*c));
}

void
store_cases_free(struct store_case *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		store_case_release(&v[i]);
	free(v);
}

long
store_purge(struct store *st, time_t closed_before, time_t msgs_before)
{
	sqlite3_stmt *s;
	long n;

	s = stmt_get(st, S_PURGE_CASES);
	sqlite3_bind_int64(s, 1, (sqlite3_int64)closed_before);
	if (stmt_done(st, s, "purge closed cases") == -1)
		return -1;
	n = (long)sqlite3_changes(st->db);
	s = stmt_get(st, S_PURGE_OUTBOX);
	sqlite3_bind_int64(s, 1, (sqlite3_int64)msgs_before);
	if (stmt_done(st, s, "purge old waiting messages") == -1)
		return -1;
	n += (long)sqlite3_changes(st->db);
	if (n > 0) {
		st->wiped = 1;
		outbox_shrunk(st);
	}
	return n;
}

/* vars as "name\0value\0..." (no string can hold a NUL). */
static void
vars_encode(char *const *vars, struct buf *b)
{
	size_t i;

	for (i = 0; vars != NULL && vars[i] != NULL; i++)
		buf_add(b, vars[i], strlen(vars[i]) + 1);
}

static char **
vars_decode(const char *p, size_t len)
{
	char **v;
	size_t i, n = 0, k = 0;

	for (i = 0; i < len; i++)
		if (p[i] == '\0')
			n++;
	v = xcalloc(n + 1, sizeof(*v));
	for (i = 0; i < len && k < n; k++) {
		size_t l = strnlen(p + i, len - i);

		v[k] = xstrndup(p + i, l);
		i += l + 1;
	}
	/* A name needs its value. */
	if (k % 2 == 1) {
		free(v[k - 1]);
		v[k - 1] = NULL;
	}
	return v;
}

long
store_outbox_add(struct store *st, const struct store_msg *m)
{
	sqlite3_stmt *s = stmt_get(st, S_OUTBOX_ADD);
	struct buf b;
	int rc = 0;

	/* Before the insert: even a failed or rolled-back one. */
	st->outbox = OUTBOX_USED;
	buf_init(&b);
	vars_encode(m->vars, &b);
	rc |= sqlite3_bind_int64(s, 1, m->case_id);
	rc |= bind_text(s, 2, m->to);
	rc |= bind_text(s, 3, m->lang);
	rc |= bind_text(s, 4, m->key);
	rc |= sqlite3_bind_blob(s, 5, b.s, (int)b.len, SQLITE_STATIC);
	rc |= sqlite3_bind_int(s, 6, m->sensitive);
	rc |= bind_text(s, 7, m->fp);
	rc |= sqlite3_bind_int64(s, 8, (sqlite3_int64)m->created);
	if (rc != SQLITE_OK) {
		buf_release_zero(&b);
		return store_fail(st, "bind waiting message");
	}
	rc = stmt_done(st, s, "queue waiting message");
	/* The blob may hold a person's words: wipe our copy too. */
	buf_release_zero(&b);
	if (rc == -1)
		return -1;
	return (long)sqlite3_last_insert_rowid(st->db);
}

/* 1 if the outbox holds no row for anyone, as last committed; 0 if it
 * may hold some (or the store cannot tell). Reads SQLite only when a
 * delete may have emptied it. */
static int
outbox_known_empty(struct store *st)
{
	sqlite3_stmt *s;
	int rc;

	if (st->outbox != OUTBOX_UNKNOWN)
		return st->outbox == OUTBOX_EMPTY;
	/* Inside a transaction a rollback could bring rows back. */
	if (!sqlite3_get_autocommit(st->db))
		return 0;
	s = stmt_get(st, S_OUTBOX_ANY);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		st->outbox = sqlite3_column_int(s, 0) == 0 ? OUTBOX_EMPTY :
		    OUTBOX_USED;
	sqlite3_reset(s);
	return st->outbox == OUTBOX_EMPTY;
}

int
store_outbox_list(struct store *st, const char *to, struct store_msg **v,
    size_t *n)
{
	sqlite3_stmt *s;
	size_t cap = 0;
	int rc;

	*v = NULL;
	*n = 0;
	/* Nearly always so, at each new private conversation. */
	if (outbox_known_empty(st))
		return 0;
	s = stmt_get(st, S_OUTBOX_LIST);
	bind_text(s, 1, to);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct store_msg *m;
		const void *blob;

		*v = rows_grow(*v, *n, &cap, 8, sizeof(**v));
		m = &(*v)[(*n)++];
		memset(m, 0, sizeof(*m));
		m->id = (long)sqlite3_column_int64(s, 0);
		m->case_id = (long)sqlite3_column_int64(s, 1);
		m->to = col_text(s, 2);
		m->lang = col_text(s, 3);
		m->key = col_text(s, 4);
		blob = sqlite3_column_blob(s, 5);
		m->vars = vars_decode(blob ? blob : "",
		    (size_t)sqlite3_column_bytes(s, 5));
		m->sensitive = sqlite3_column_int(s, 6);
		m->fp = col_text(s, 7);
		m->created = (time_t)sqlite3_column_int64(s, 8);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		store_msgs_free(*v, *n);
		*v = NULL;
		*n = 0;
		return store_fail(st, "list waiting messages");
	}
	return 0;
}

int
store_outbox_delete(struct store *st, long id)
{
	sqlite3_stmt *s = stmt_get(st, S_OUTBOX_DELETE);

	sqlite3_bind_int64(s, 1, id);
	if (stmt_done(st, s, "delete delivered message") == -1)
		return -1;
	st->wiped = 1;
	outbox_shrunk(st);
	return 0;
}

int
store_outbox_readdress(struct store *st, long case_id, const char *from,
    const char *to)
{
	sqlite3_stmt *s = stmt_get(st, S_OUTBOX_READDRESS);

	sqlite3_bind_int64(s, 1, case_id);
	bind_text(s, 2, from);
	bind_text(s, 3, to);
	return stmt_done(st, s, "re-address held messages");
}

/* The values may be a person's or a helper's words: wiped. */
void
store_msg_release(struct store_msg *m)
{
	size_t j;

	free(m->to);
	free(m->lang);
	free(m->key);
	for (j = 0; m->vars != NULL && m->vars[j] != NULL; j++)
		util_strfreezero(m->vars[j]);
	free(m->vars);
	free(m->fp);
	memset(m, 0, sizeof(*m));
}

void
store_msgs_free(struct store_msg *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		store_msg_release(&v[i]);
	free(v);
}

int
store_helper_get(struct store *st, const char *jid, struct store_helper *h)
{
	sqlite3_stmt *s = stmt_get(st, S_HELPER_GET);
	int rc;

	memset(h, 0, sizeof(*h));
	h->jid = xstrdup(jid);
	bind_text(s, 1, jid);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		int duty = sqlite3_column_int(s, 0);

		h->duty = duty > 0 ? STORE_DUTY_ON :
		    duty < 0 ? STORE_DUTY_OFF : STORE_DUTY_ROTA;
		h->blocked = sqlite3_column_int(s, 1) != 0;
		h->blocked_fp = col_text(s, 2);
		h->blocked_pins = col_text(s, 3);
		h->blocked_at = (time_t)sqlite3_column_int64(s, 4);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(st, "read helper settings");
	return 0;
}

int
store_helper_put(struct store *st, const struct store_helper *h)
{
	sqlite3_stmt *s = stmt_get(st, S_HELPER_PUT);
	int rc = 0;

	rc |= bind_text(s, 1, h->jid);
	rc |= sqlite3_bind_int(s, 2, (int)h->duty);
	rc |= sqlite3_bind_int(s, 3, h->blocked ? 1 : 0);
	rc |= bind_text(s, 4, h->blocked_fp);
	rc |= bind_text(s, 5, h->blocked_pins);
	rc |= sqlite3_bind_int64(s, 6, (sqlite3_int64)h->blocked_at);
	if (rc != SQLITE_OK)
		return store_fail(st, "bind helper settings");
	return stmt_done(st, s, "write helper settings");
}

void
store_helper_release(struct store_helper *h)
{
	free(h->jid);
	free(h->blocked_fp);
	free(h->blocked_pins);
	memset(h, 0, sizeof(*h));
}

/* ---- one event, one transaction ---- */

void
store_changes_init(struct store_changes *ch)
{
	memset(ch, 0, sizeof(*ch));
}

void
store_changes_clear(struct store_changes *ch)
{
	size_t i;

	for (i = 0; i < ch->n; i++) {
		store_case_release(&ch->v[i].c);
		store_msg_release(&ch->v[i].m);
		store_helper_release(&ch->v[i].h);
	}
	ch->n = 0;
}

void
store_changes_release(struct store_changes *ch)
{
	store_changes_clear(ch);
	free(ch->v);
	store_changes_init(ch);
}

static struct store_change *
change_new(struct store_changes *ch, enum store_op op)
{
	struct store_change *x;

	ch->v = rows_grow(ch->v, ch->n, &ch->cap, 8, sizeof(*ch->v));
	x = &ch->v[ch->n++];
	memset(x, 0, sizeof(*x));
	x->op = op;
	return x;
}

void
store_changes_case(struct store_changes *ch, enum store_op op,
    struct store_case *c)
{
	struct store_change *x = change_new(ch, op);

	x->c = *c;
	x->id = c->id;
	memset(c, 0, sizeof(*c));
}

void
store_changes_msg(struct store_changes *ch, struct store_msg *m)
{
	struct store_change *x = change_new(ch, STORE_OP_OUTBOX_ADD);

	x->m = *m;
	memset(m, 0, sizeof(*m));
}

void
store_changes_helper(struct store_changes *ch, struct store_helper *h)
{
	struct store_change *x = change_new(ch, STORE_OP_HELPER_PUT);

	x->h = *h;
	memset(h, 0, sizeof(*h));
}

void
store_changes_op(struct store_changes *ch, enum store_op op, long id,
    time_t t, time_t t2)
{
	struct store_change *x = change_new(ch, op);

	x->id = id;
	x->t = t;
	x->t2 = t2;
}

/* Deletes the messages with this key created before `before`. */
static int
outbox_expire(struct store *st, const char *key, time_t before)
{
	sqlite3_stmt *s = stmt_get(st, S_OUTBOX_EXPIRE);

	bind_text(s, 1, key);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)before);
	return stmt_done(st, s, "expire kept messages");
}

void
store_changes_expire(struct store_changes *ch, const char *key,
    time_t before)
{
	struct store_change *x = change_new(ch, STORE_OP_OUTBOX_EXPIRE);

	x->m.key = xstrdup(key);
	x->t = before;
}

/* One change inside the transaction. Sets *wiped if it removed text. */
static int
change_run(struct store *st, const struct store_change *x, int *wiped)
{
	switch (x->op) {
	case STORE_OP_CASE_INSERT:
		return store_case_insert(st, &x->c) == -1 ? -1 : 0;
	case STORE_OP_CASE_UPDATE:
		if (x->c.text == NULL)
			*wiped = 1;
		return store_case_update(st, &x->c);
	case STORE_OP_CASE_CLOSE:
		*wiped = 1;
		return case_close_stmts(st, x->id, x->t);
	case STORE_OP_OUTBOX_ADD:
		return store_outbox_add(st, &x->m) == -1 ? -1 : 0;
	case STORE_OP_OUTBOX_DELETE:
		*wiped = 1;
		return store_outbox_delete(st, x->id);
	case STORE_OP_HELPER_PUT:
		return store_helper_put(st, &x->h);
	case STORE_OP_OUTBOX_EXPIRE:
		*wiped = 1;
		return outbox_expire(st, x->m.key, x->t);
	case STORE_OP_PURGE:
		*wiped = 1;
		return store_purge(st, x->t, x->t2) == -1 ? -1 : 0;
	}
	return -1;
}

int
store_apply(struct store *st, const struct store_changes *ch)
{
	size_t i;
	int wiped = 0;

	if (ch->n == 0)
		return 0;
	if (store_exec(st, "BEGIN IMMEDIATE", "begin") == -1)
		return -1;
	for (i = 0; i < ch->n; i++)
		if (change_run(st, &ch->v[i], &wiped) == -1)
			goto fail;
	if (store_exec(st, "COMMIT", "commit") == -1)
		goto fail;
	if (wiped) {
		st->wiped = 1;
		outbox_shrunk(st);
		store_tidy(st);
	}
	return 0;
fail:
	if (!sqlite3_get_autocommit(st->db))
		store_exec(st, "ROLLBACK", "rollback");
	log_warnx("store: %zu change(s) rolled back (%s)", ch->n,
	    log_vis(st->path));
	return -1;
}

int
store_tidy(struct store *st)
{
	int rc;

	if (!st->wiped)
		return 0;
	/* A reader or another writer holds it up: try again later rather
	 * than stall the daemon. */
	sqlite3_busy_timeout(st->db, 0);
	rc = sqlite3_wal_checkpoint_v2(st->db, NULL,
	    SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
	sqlite3_busy_timeout(st->db, STORE_BUSY_MS);
	if (rc != SQLITE_OK) {
		log_debug("store: WAL checkpoint postponed: %s",
		    sqlite3_errmsg(st->db));
		return -1;
	}
	st->wiped = 0;
	return 0;
}

/* ---- cases withdrawn before their close could be written ---- */

int
store_withdrawn_save(struct store *st, const long *ids, size_t n)
{
	struct buf b;
	size_t i;
	int rc;

	log_debug("store: %zu withdrawn case(s) in %s", n, log_vis(st->wpath));
	if (n == 0) {
		if (unlink(st->wpath) == -1 && errno != ENOENT) {
			log_warn("store: unlink %s", log_vis(st->wpath));
			return -1;
		}
		return 0;
	}
	buf_init(&b);
	for (i = 0; i < n; i++)
		buf_addf(&b, "%ld\n", ids[i]);
	rc = util_write_atomic(st->wpath, b.s, b.len, 0600);
	if (rc == -1)
		log_warn("store: write %s", log_vis(st->wpath));
	buf_release(&b);
	return rc;
}

int
store_withdrawn_load(struct store *st, long **ids, size_t *n)
{
	char *data, *line, *next;
	size_t len;
	long v;

	*ids = NULL;
	*n = 0;
	if ((data = util_read_file(st->wpath, 1 << 20, &len)) == NULL) {
		if (errno == ENOENT)
			return 0;
		log_warn("store: read %s", log_vis(st->wpath));
		return -1;
	}
	for (line = data; line != NULL && *line != '\0'; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if (util_parse_long(line, 1, 999999999L, &v) == -1) {
			log_warnx("store: %s: not a case number: %s",
			    log_vis(st->wpath), log_vis(line));
			continue;
		}
		*ids = xrealloc(*ids, (*n + 1) * sizeof(**ids));
		(*ids)[(*n)++] = v;
	}
	free(data);
	return 0;
}
