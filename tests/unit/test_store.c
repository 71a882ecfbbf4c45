/* test_store: the durable store: file modes, schema version, cases across
 * close and reopen, waiting messages, helper settings, text wiped at close,
 * retention. The test reads the database file directly (sqlite3) to check
 * what is really on disk. */
#include "ac-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "log.h"
#include "store.h"
#include "tap.h"
#include "util.h"

static char tmp[256];
static char dir[300];
static char dbpath[400];
static char walpath[410];

static int
mode_of(const char *path)
{
	struct stat sb;

	if (lstat(path, &sb) == -1)
		return -1;
	return (int)(sb.st_mode & 0777);
}

static long
raw_int(const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	long v = -1;

	if (sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READWRITE, NULL) != 0)
		return -2;
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK) {
		if (sqlite3_step(s) == SQLITE_ROW)
			v = (long)sqlite3_column_int64(s, 0);
		sqlite3_finalize(s);
	}
	sqlite3_close(db);
	return v;
}

static void
raw_exec(const char *sql)
{
	sqlite3 *db;

	if (sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READWRITE, NULL) == 0)
		sqlite3_exec(db, sql, NULL, NULL, NULL);
	sqlite3_close(db);
}

/* 1 if needle appears anywhere in the file's bytes. */
static int
file_contains(const char *path, const char *needle)
{
	size_t len, nl = strlen(needle), i;
	char *data = util_read_file(path, 64 << 20, &len);
	int found = 0;

	if (data == NULL)
		return 0;
	for (i = 0; i + nl <= len && !found; i++)
		found = memcmp(data + i, needle, nl) == 0;
	free(data);
	return found;
}

static void
new_case(struct store_case *c, const char *person, const char *text,
    time_t opened)
{
	memset(c, 0, sizeof(*c));
	c->state = STORE_WAITING;
	c->person = xstrdup(person);
	c->lang = xstrdup("fr");
	c->text = xstrdup(text);
	c->person_fp = xstrdup("0123456789abcdef0123456789abcdef01234567");
	c->opened = opened;
}

static void
test_create(void)
{
	struct store *st;
	char side[512];

	st = store_open(dir);
	CHECK(st != NULL, "create: store_open on a missing directory");
	CHECK_INT(0700, mode_of(dir), "create: state directory is 0700");
	CHECK_INT(0600, mode_of(dbpath), "create: database is 0600");
	snprintf(side, sizeof(side), "%s-wal", dbpath);
	CHECK_INT(0600, mode_of(side), "create: -wal file is 0600");
	snprintf(side, sizeof(side), "%s-shm", dbpath);
	CHECK_INT(0600, mode_of(side), "create: -shm file is 0600");
	CHECK_STR(dbpath, store_path(st), "create: path");
	CHECK_INT(0, store_case_count(st), "create: no case");
	store_close(st);
	CHECK_INT(STORE_SCHEMA_VERSION, raw_int("PRAGMA user_version"),
	    "create: schema version recorded");
	CHECK_INT(1, raw_int("SELECT count(*) FROM pragma_journal_mode "
	    "WHERE journal_mode = 'wal'"), "create: journal mode is WAL");
}

static void
test_modes_narrowed(void)
{
	struct store *st;

	chmod(dir, 0755);
	chmod(dbpath, 0644);
	st = store_open(dir);
	CHECK(st != NULL, "modes: reopen with wide modes");
	CHECK_INT(0700, mode_of(dir), "modes: directory narrowed to 0700");
	CHECK_INT(0600, mode_of(dbpath), "modes: database narrowed to 0600");
	store_close(st);
}

static void
test_cases(void)
{
	struct store *st;
	struct store_case c1, c2, *v, got;
	size_t n;

	st = store_open(dir);
	new_case(&c1, "p1@example.org", "first words", 1000);
	new_case(&c2, "p2@example.org", "second words", 1010);
	c1.id = store_case_insert(st, &c1);
	c2.id = store_case_insert(st, &c2);
	CHECK_INT(1, c1.id, "cases: first number is 1");
	CHECK_INT(2, c2.id, "cases: second number is 2");
	c2.state = STORE_OFFERED;
	c2.helper = xstrdup("alice@h.org");
	c2.offered = 1020;
	CHECK_INT(0, store_case_update(st, &c2), "cases: update");
	store_close(st);

	st = store_open(dir);
	CHECK(st != NULL, "cases: reopen");
	CHECK_INT(0, store_cases_open(st, &v, &n), "cases: list");
	CHECK_INT(2, n, "cases: both survive close and reopen");
	if (n == 2) {
		CHECK_INT(1, v[0].id, "cases: oldest first");
		CHECK_STR("p1@example.org", v[0].person, "cases: person");
		CHECK_STR("first words", v[0].text, "cases: text kept");
		CHECK_STR("fr", v[0].lang, "cases: language");
		CHECK_INT(1000, v[0].opened, "cases: opened time");
		CHECK(v[0].helper == NULL, "cases: no helper yet");
		CHECK_INT(STORE_OFFERED, v[1].state, "cases: state updated");
		CHECK_STR("alice@h.org", v[1].helper, "cases: helper");
		CHECK_INT(1020, v[1].offered, "cases: offered time");
	}
	store_cases_free(v, n);
	CHECK_INT(1, store_case_get(st, 99, &got), "cases: no case 99");
	store_close(st);
	store_case_release(&c1);
	store_case_release(&c2);
}

/* The danger mark (schema version 2) is written and read back, after a
 * close and reopen too. */
static void
test_danger(void)
{
	struct store *st;
	struct store_case c, *v;
	size_t n, k;
	int marked = -1, plain = -1;

	st = store_open(dir);
	new_case(&c, "p3@example.org", "they are at my door", 1100);
	c.danger = 1;
	c.id = store_case_insert(st, &c);
	CHECK(c.id > 0, "danger: insert a marked case");
	store_case_release(&c);
	store_close(st);

	st = store_open(dir);
	CHECK_INT(0, store_cases_open(st, &v, &n), "danger: list");
	for (k = 0; k < n; k++) {
		if (strcmp(v[k].person, "p3@example.org") == 0)
			marked = v[k].danger;
		if (strcmp(v[k].person, "p1@example.org") == 0)
			plain = v[k].danger;
	}
	CHECK_INT(1, marked, "danger: the mark survives close and reopen");
	CHECK_INT(0, plain, "danger: an ordinary case is not marked");
	/* An update writes the mark too (words of danger while it waits). */
	for (k = 0; k < n; k++)
		if (strcmp(v[k].person, "p1@example.org") == 0) {
			v[k].danger = 1;
			CHECK_INT(0, store_case_update(st, &v[k]),
			    "danger: mark an open case");
		}
	store_cases_free(v, n);
	store_close(st);
	CHECK_INT(2, raw_int("SELECT count(*) FROM cases WHERE danger = 1"),
	    "danger: both marks on disk");
}

/* The tables as schema version 1 created them (the first release): a
 * file written by the old code, to be opened by this one. A frozen copy on
 * purpose, not store.c's schema_v1: the test must still build the old file
 * if that string is ever touched. */
static const char old_v1[] =
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
    "INSERT INTO cases (state, person, lang, text, opened)"
    " VALUES (0, 'old1@example.org', 'es', 'me están siguiendo', 500);"
    "INSERT INTO cases (state, person, lang, text, helper, opened,"
    " offered, claimed) VALUES (2, 'old2@example.org', 'fr', NULL,"
    " 'alice@h.org', 510, 520, 530);"
    "INSERT INTO outbox (case_id, recipient, lang, key, vars, sensitive,"
    " created) VALUES (2, 'old2@example.org', 'fr', 'esc_claimed',"
    " NULL, 0, 540);"
    "INSERT INTO helpers (jid, duty) VALUES ('alice@h.org', -1);"
    "PRAGMA user_version = 1;";

/* A store at version 1, written by the old code, opens: every case, waiting
 * message and setting is kept, none marked; the step is one transaction
 * (a lock held by another process leaves the file at version 1). */
static void
test_migrate_v1(void)
{
	char odir[300], opath[360], cmd[400];
	struct store *st;
	struct store_case *v;
	struct store_msg *m;
	struct store_helper h;
	sqlite3 *db, *locker;
	size_t n;

	snprintf(odir, sizeof(odir), "%s/v1", tmp);
	snprintf(opath, sizeof(opath), "%s/%s", odir, STORE_FILE);
	mkdir(odir, 0700);
	if (sqlite3_open(opath, &db) != SQLITE_OK ||
	    sqlite3_exec(db, "PRAGMA journal_mode = WAL;", NULL, NULL,
	    NULL) != SQLITE_OK ||
	    sqlite3_exec(db, old_v1, NULL, NULL, NULL) != SQLITE_OK) {
		CHECK(0, "migrate: build a version 1 file");
		sqlite3_close(db);
		return;
	}
	sqlite3_close(db);
	chmod(opath, 0600);

	/* Another process holds the write lock: refused, nothing changed. */
	sqlite3_open(opath, &locker);
	sqlite3_exec(locker, "BEGIN EXCLUSIVE", NULL, NULL, NULL);
	CHECK(store_open(odir) == NULL, "migrate: refused while locked");
	sqlite3_exec(locker, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(locker);
	snprintf(dbpath, sizeof(dbpath), "%s", opath);
	CHECK_INT(1, raw_int("PRAGMA user_version"),
	    "migrate: still version 1 after the refusal");

	st = store_open(odir);
	CHECK(st != NULL, "migrate: a version 1 store opens");
	CHECK_INT(STORE_SCHEMA_VERSION, raw_int("PRAGMA user_version"),
	    "migrate: brought to this version");
	if (st == NULL)
		goto out;
	CHECK_INT(0, store_cases_open(st, &v, &n), "migrate: list cases");
	CHECK_INT(2, n, "migrate: every open case kept");
	if (n == 2) {
		CHECK_STR("old1@example.org", v[0].person, "migrate: person");
		CHECK_STR("me están siguiendo", v[0].text, "migrate: text");
		CHECK_INT(0, v[0].danger, "migrate: an old case is not marked");
		CHECK_INT(STORE_CLAIMED, v[1].state, "migrate: state");
		CHECK_STR("alice@h.org", v[1].helper, "migrate: helper");
		CHECK_INT(530, v[1].claimed, "migrate: claimed time");
		v[0].danger = 1;
		CHECK_INT(0, store_case_update(st, &v[0]),
		    "migrate: the mark is written");
	}
	store_cases_free(v, n);
	CHECK_INT(0, store_outbox_list(st, "old2@example.org", &m, &n),
	    "migrate: list waiting messages");
	CHECK_INT(1, n, "migrate: the waiting message kept");
	store_msgs_free(m, n);
	CHECK_INT(0, store_helper_get(st, "alice@h.org", &h),
	    "migrate: helper settings");
	CHECK_INT(STORE_DUTY_OFF, h.duty, "migrate: DUTY OFF kept");
	store_helper_release(&h);
	CHECK_INT(3, store_case_next_id(st), "migrate: numbers go on");
	store_close(st);
	st = store_open(odir);
	CHECK(st != NULL, "migrate: reopen at the new version");
	CHECK_INT(0, store_cases_open(st, &v, &n), "migrate: list again");
	CHECK(n == 2 && v[0].danger == 1, "migrate: the mark survives");
	store_cases_free(v, n);
	store_close(st);
out:
	snprintf(dbpath, sizeof(dbpath), "%s/%s", dir, STORE_FILE);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", odir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", odir);
}

static void
test_outbox(void)
{
	struct store *st;
	struct store_msg m, *v;
	char k1[] = "case", v1[] = "2", k2[] = "text", v2[] = "helper said this";
	char to1[] = "p2@example.org", to2[] = "alice@h.org", fr[] = "fr";
	char key1[] = "esc_from_helper", key2[] = "esc_relay";
	char fp[] = "0123456789abcdef0123456789abcdef01234567";
	char *vars[] = { k1, v1, k2, v2, NULL };
	size_t n;

	st = store_open(dir);
	memset(&m, 0, sizeof(m));
	m.case_id = 2;
	m.to = to1;
	m.lang = fr;
	m.key = key1;
	m.vars = vars;
	m.fp = fp;
	m.created = 1030;
	CHECK(store_outbox_add(st, &m) > 0, "outbox: add for the person");
	m.to = to2;
	m.key = key2;
	m.sensitive = 1;
	m.fp = NULL;
	CHECK(store_outbox_add(st, &m) > 0, "outbox: add for the helper");
	store_close(st);

	st = store_open(dir);
	CHECK_INT(0, store_outbox_list(st, "P2@example.org", &v, &n),
	    "outbox: list (JID without case)");
	CHECK_INT(1, n, "outbox: one message for the person survives");
	if (n == 1) {
		CHECK_STR("esc_from_helper", v[0].key, "outbox: key");
		CHECK_STR("case", v[0].vars[0], "outbox: var name");
		CHECK_STR("2", v[0].vars[1], "outbox: var value");
		CHECK_STR("helper said this", v[0].vars[3], "outbox: text");
		CHECK(v[0].vars[4] == NULL, "outbox: vars terminated");
		CHECK_INT(0, v[0].sensitive, "outbox: not sensitive");
		CHECK_STR("0123456789abcdef0123456789abcdef01234567", v[0].fp,
		    "outbox: expected key kept");
		CHECK_INT(1030, v[0].created, "outbox: time");
	}
	store_msgs_free(v, n);
	CHECK_INT(0, store_outbox_readdress(st, 2, "alice@h.org", "bob@h.org"),
	    "outbox: re-address the helper's messages");
	store_outbox_list(st, "alice@h.org", &v, &n);
	CHECK_INT(0, n, "outbox: none left for alice");
	store_msgs_free(v, n);
	store_outbox_list(st, "bob@h.org", &v, &n);
	CHECK_INT(1, n, "outbox: bob has it");
	if (n == 1)
		CHECK_INT(1, v[0].sensitive, "outbox: sensitive kept");
	store_msgs_free(v, n);
	store_close(st);
}

static void
test_close_wipes(void)
{
	struct store *st;
	struct store_case c;
	struct store_msg *v;
	size_t n;

	st = store_open(dir);
	CHECK_INT(0, store_case_close(st, 2, 2000), "close: case 2");
	CHECK_INT(0, store_case_get(st, 2, &c), "close: still there");
	CHECK_INT(STORE_CLOSED, c.state, "close: state closed");
	CHECK(c.text == NULL, "close: text wiped");
	CHECK(c.person_fp == NULL, "close: fingerprint wiped");
	CHECK_INT(2000, c.closed, "close: closed time");
	store_case_release(&c);
	store_outbox_list(st, "bob@h.org", &v, &n);
	CHECK_INT(0, n, "close: messages held for the helper wiped");
	store_msgs_free(v, n);
	store_outbox_list(st, "p2@example.org", &v, &n);
	CHECK_INT(1, n, "close: news for the person kept until delivered");
	if (n == 1)
		CHECK_INT(0, store_outbox_delete(st, v[0].id),
		    "close: delivered news deleted");
	store_msgs_free(v, n);
	/* While the store is open: the WAL held the page images with the
	 * text; after the wipe it must not any longer. */
	CHECK_INT(0, file_contains(walpath, "second words"),
	    "close: the wiped text is not in the WAL");
	CHECK_INT(0, file_contains(dbpath, "second words"),
	    "close: the wiped text is not in the file (store open)");
	CHECK_INT(0, file_contains(walpath, "helper said this"),
	    "close: delivered news is not in the WAL");
	store_close(st);
	CHECK_INT(0, file_contains(dbpath, "second words"),
	    "close: the wiped text is not in the file");
	CHECK_INT(0, file_contains(dbpath, "helper said this"),
	    "close: delivered news is not in the file");
	CHECK_INT(1, file_contains(dbpath, "first words"),
	    "close: (control) an open case's text is in the file");
}

/* Text written and wiped while the store is open leaves no trace in the
 * database or in its WAL (where the insert's page image was). */
static void
test_wal_wiped(void)
{
	struct store *st;
	struct store_case c;
	struct store_msg m;
	char **vars = xcalloc(3, sizeof(*vars));

	vars[0] = xstrdup("text");
	vars[1] = xstrdup("WAL-NEWS-5T1");
	st = store_open(dir);
	new_case(&c, "p9@example.org", "WAL-MARKER-9F3 my words", 5000);
	c.id = store_case_insert(st, &c);
	memset(&m, 0, sizeof(m));
	m.case_id = c.id;
	m.to = xstrdup("alice@h.org");
	m.lang = xstrdup("en");
	m.key = xstrdup("esc_relay");
	m.vars = vars;
	m.sensitive = 1;
	m.created = 5001;
	store_outbox_add(st, &m);
	CHECK_INT(1, file_contains(walpath, "WAL-MARKER-9F3") ||
	    file_contains(dbpath, "WAL-MARKER-9F3"),
	    "wal: (control) an open case's text is on disk");
	CHECK_INT(0, store_case_close(st, c.id, 5002), "wal: close");
	CHECK_INT(0, file_contains(walpath, "WAL-MARKER-9F3"),
	    "wal: a closed case's text is not in the WAL");
	CHECK_INT(0, file_contains(dbpath, "WAL-MARKER-9F3"),
	    "wal: a closed case's text is not in the database");
	CHECK_INT(0, file_contains(walpath, "WAL-NEWS-5T1"),
	    "wal: words held for the helper are not in the WAL");
	CHECK_INT(0, file_contains(dbpath, "WAL-NEWS-5T1"),
	    "wal: words held for the helper are not in the database");
	store_close(st);
	store_msg_release(&m);
	store_case_release(&c);
}

/* One event, one transaction: every change or none. */
static void
test_apply(void)
{
	struct store *st;
	struct store_changes ch;
	struct store_case c;
	struct store_msg m;
	sqlite3 *locker;
	long before, next;

	st = store_open(dir);
	before = store_case_count(st);
	next = store_case_next_id(st);
	store_changes_init(&ch);
	memset(&c, 0, sizeof(c));
	c.id = next;
	c.person = xstrdup("p10@example.org");
	c.lang = xstrdup("en");
	c.text = xstrdup("APPLY-TEXT");
	c.opened = 6000;
	store_changes_case(&ch, STORE_OP_CASE_INSERT, &c);
	memset(&m, 0, sizeof(m));
	m.case_id = next;
	m.to = NULL;	/* NOT NULL in the schema: this change fails */
	m.lang = xstrdup("en");
	m.key = xstrdup("esc_claimed");
	store_changes_msg(&ch, &m);
	CHECK_INT(-1, store_apply(st, &ch), "apply: a failing change fails "
	    "the whole list");
	CHECK_INT(before, store_case_count(st),
	    "apply: the case inserted before the failure is rolled back");
	ch.v[1].m.to = xstrdup("p10@example.org");
	if (sqlite3_open_v2(dbpath, &locker, SQLITE_OPEN_READWRITE, NULL) ==
	    SQLITE_OK && sqlite3_exec(locker, "BEGIN EXCLUSIVE", NULL, NULL,
	    NULL) == SQLITE_OK) {
		CHECK_INT(-1, store_apply(st, &ch),
		    "apply: refused while another connection holds the lock");
		CHECK_INT(before, store_case_count(st),
		    "apply: nothing written under the lock");
	}
	sqlite3_close(locker);
	CHECK_INT(0, store_apply(st, &ch), "apply: committed once the lock "
	    "is gone");
	CHECK_INT(before + 1, store_case_count(st), "apply: the case is there");
	CHECK_INT(next + 1, store_case_next_id(st), "apply: next number");
	store_changes_release(&ch);
	store_close(st);
}

/* Lists what waits for `to` and checks how many. */
static void
outbox_count(struct store *st, const char *to, size_t want, const char *what)
{
	struct store_msg *v;
	size_t n = 99;

	CHECK_INT(0, store_outbox_list(st, to, &v, &n), what);
	CHECK_INT((long)want, (long)n, what);
	store_msgs_free(v, n);
}

/* A waiting message for `to` (NULL: one the schema refuses). */
static struct store_msg
empty_msg(const char *to)
{
	struct store_msg m;

	memset(&m, 0, sizeof(m));
	m.case_id = 77;
	m.to = to != NULL ? xstrdup(to) : NULL;
	m.lang = xstrdup("en");
	m.key = xstrdup("esc_from_helper");
	m.created = 7000;
	return m;
}

/* The outbox is skipped when known empty: never while a message waits,
 * whether it came in this run, after a rolled-back one, or a run before. */
static void
test_outbox_empty(void)
{
	char sdir[300];
	struct store *st;
	struct store_changes ch;
	struct store_msg m, *v;
	size_t n = 0;
	long id;

	snprintf(sdir, sizeof(sdir), "%s/empty", tmp);
	st = store_open(sdir);
	CHECK(st != NULL, "empty outbox: open");
	if (st == NULL)
		return;
	outbox_count(st, "p20@example.org", 0, "empty outbox: nothing");
	/* A failed transaction leaves nothing, and the next insert counts. */
	store_changes_init(&ch);
	m = empty_msg(NULL);
	store_changes_msg(&ch, &m);
	CHECK_INT(-1, store_apply(st, &ch), "empty outbox: bad insert fails");
	outbox_count(st, "p20@example.org", 0, "empty outbox: rolled back");
	store_changes_clear(&ch);
	m = empty_msg("p20@example.org");
	store_changes_msg(&ch, &m);
	CHECK_INT(0, store_apply(st, &ch), "empty outbox: queue one");
	outbox_count(st, "P20@example.org", 1, "empty outbox: one waits");
	outbox_count(st, "p21@example.org", 0, "empty outbox: not for others");
	store_close(st);

	/* A new run: what waits is still found. */
	st = store_open(sdir);
	outbox_count(st, "p21@example.org", 0, "empty outbox: reopen, other");
	store_outbox_list(st, "p20@example.org", &v, &n);
	CHECK_INT(1, n, "empty outbox: reopen, the message waits");
	id = n == 1 ? v[0].id : 0;
	store_msgs_free(v, n);
	/* Delivered: empty again; then a new message must be seen. */
	store_changes_clear(&ch);
	store_changes_op(&ch, STORE_OP_OUTBOX_DELETE, id, 0, 0);
	CHECK_INT(0, store_apply(st, &ch), "empty outbox: delete it");
	outbox_count(st, "p20@example.org", 0, "empty outbox: delivered");
	m = empty_msg("p22@example.org");
	CHECK(store_outbox_add(st, &m) > 0, "empty outbox: add directly");
	store_msg_release(&m);
	outbox_count(st, "p22@example.org", 1, "empty outbox: new one seen");
	store_close(st);
	st = store_open(sdir);
	outbox_count(st, "p22@example.org", 1, "empty outbox: and after reopen");
	store_changes_release(&ch);
	store_close(st);
}

/* The side file of cases whose CANCEL the database refused. */
static void
test_withdrawn(void)
{
	struct store *st;
	long ids[] = { 3, 7 }, *got;
	size_t n;
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, STORE_WITHDRAWN_FILE);
	st = store_open(dir);
	CHECK_INT(0, store_withdrawn_load(st, &got, &n), "withdrawn: none");
	CHECK_INT(0, n, "withdrawn: empty list without the file");
	free(got);
	CHECK_INT(0, store_withdrawn_save(st, ids, 2), "withdrawn: save");
	CHECK_INT(0600, mode_of(path), "withdrawn: the file is 0600");
	store_close(st);
	st = store_open(dir);
	CHECK_INT(0, store_withdrawn_load(st, &got, &n), "withdrawn: load");
	CHECK(n == 2 && got[0] == 3 && got[1] == 7,
	    "withdrawn: both numbers survive a reopen");
	free(got);
	CHECK_INT(0, store_withdrawn_save(st, ids, 0), "withdrawn: clear");
	CHECK_INT(-1, mode_of(path), "withdrawn: the file is gone when empty");
	store_close(st);
}

static void
test_retention(void)
{
	struct store *st;
	struct store_case c;

	st = store_open(dir);
	CHECK_INT(2, store_case_count(st), "retention: two rows");
	CHECK_INT(0, store_purge(st, 2000, 0), "retention: closed at 2000 "
	    "kept by a purge of before 2000");
	CHECK_INT(1, store_purge(st, 2001, 0), "retention: purged after");
	CHECK_INT(1, store_case_count(st), "retention: open case untouched");
	new_case(&c, "p3@example.org", "third", 3000);
	CHECK_INT(3, store_case_next_id(st), "retention: next number");
	c.id = store_case_insert(st, &c);
	CHECK_INT(3, c.id, "retention: case numbers are never reused");
	{
		struct store_msg m;
		char to[] = "p3@example.org", en[] = "en";
		char key[] = "esc_claimed";

		memset(&m, 0, sizeof(m));
		m.case_id = 3;
		m.to = to;
		m.lang = en;
		m.key = key;
		m.created = 3100;
		store_outbox_add(st, &m);
		CHECK_INT(0, store_purge(st, 0, 3100),
		    "retention: waiting message kept until its horizon");
		CHECK_INT(1, store_purge(st, 0, 3101),
		    "retention: waiting message purged after");
		CHECK_INT(2, store_case_count(st),
		    "retention: purging messages leaves cases alone");
	}
	store_close(st);
	store_case_release(&c);
}

static void
test_helpers(void)
{
	struct store *st;
	struct store_helper h;

	st = store_open(dir);
	CHECK_INT(0, store_helper_get(st, "alice@h.org", &h), "helpers: get");
	CHECK_INT(STORE_DUTY_ROTA, h.duty, "helpers: default is the rota");
	CHECK_INT(0, h.blocked, "helpers: not blocked by default");
	h.duty = STORE_DUTY_OFF;
	h.blocked = 1;
	h.blocked_fp = xstrdup("ffffffffffffffffffffffffffffffffffffffff");
	h.blocked_at = 4000;
	CHECK_INT(0, store_helper_put(st, &h), "helpers: put");
	store_helper_release(&h);
	store_close(st);
	st = store_open(dir);
	store_helper_get(st, "Alice@h.org", &h);
	CHECK_INT(STORE_DUTY_OFF, h.duty, "helpers: DUTY OFF persisted");
	CHECK_INT(1, h.blocked, "helpers: off-duty flag persisted");
	CHECK_STR("ffffffffffffffffffffffffffffffffffffffff", h.blocked_fp,
	    "helpers: seen key persisted");
	CHECK_INT(4000, h.blocked_at, "helpers: time persisted");
	store_helper_release(&h);
	store_close(st);
}

static void
test_refusals(void)
{
	char other[512];

	char sql[64];

	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d",
	    STORE_SCHEMA_VERSION + 1);
	raw_exec(sql);
	CHECK(store_open(dir) == NULL, "refuse: a newer schema version");
	CHECK_INT(STORE_SCHEMA_VERSION + 1, raw_int("PRAGMA user_version"),
	    "refuse: the newer file is left as it was");
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d",
	    STORE_SCHEMA_VERSION);
	raw_exec(sql);
	snprintf(other, sizeof(other), "%s/elsewhere.db", tmp);
	rename(dbpath, other);
	if (symlink(other, dbpath) == 0)
		CHECK(store_open(dir) == NULL, "refuse: database is a symlink");
	unlink(dbpath);
	rename(other, dbpath);
	snprintf(other, sizeof(other), "%s/file", tmp);
	fclose(fopen(other, "w"));
	CHECK(store_open(other) == NULL, "refuse: state dir is a file");
}

int
main(void)
{
	const char *t = getenv("TMPDIR");
	char cmd[400];

	log_init(LOGL_ERROR, NULL);
	snprintf(tmp, sizeof(tmp), "%s/secours-store-XXXXXX",
	    t != NULL && *t != '\0' ? t : "/tmp");
	if (mkdtemp(tmp) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(dir, sizeof(dir), "%s/state", tmp);
	snprintf(dbpath, sizeof(dbpath), "%s/%s", dir, STORE_FILE);
	snprintf(walpath, sizeof(walpath), "%s-wal", dbpath);
	test_create();
	test_modes_narrowed();
	test_cases();
	test_outbox();
	test_close_wipes();
	test_retention();
	test_helpers();
	test_wal_wiped();
	test_apply();
	test_outbox_empty();
	test_withdrawn();
	test_danger();
	test_migrate_v1();
	test_refusals();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmp);
	return TAP_DONE();
}
