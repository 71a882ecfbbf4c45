/*
 * store: durable escalations, and the few helper settings that must survive
 * a restart. SQLite in WAL mode at STATE_DIR/secours.db; only this module
 * includes <sqlite3.h>.
 *
 * Invariants:
 * - The database file is created 0600 (its -wal and -shm files follow its
 *   mode) in a 0700 directory; a wider mode found on either is narrowed and
 *   logged.
 * - Only what delivery needs is kept: JIDs, language, state, times, the
 *   consented text until a helper has it, and messages waiting for someone
 *   who is offline, and a handoff's details (addresses and fingerprints,
 *   no words) for a bounded time (STORE_OP_OUTBOX_EXPIRE). Closing a case
 *   wipes its text, the person's fingerprint and the messages held for
 *   its helper; closed cases are deleted by store_purge() after the
 *   retention. secure_delete is on, so wiped text
 *   does not linger in free pages, and after a transaction that wiped or
 *   deleted text the WAL is checkpointed and truncated, so the old page
 *   images that held it are gone from the -wal file too.
 * - An event's writes commit or roll back together (store_apply).
 * - PRAGMA user_version is the schema version; a newer one is refused, an
 *   older one is brought up to date at open, in one transaction (version
 *   2 added cases.danger).
 * - Every error is logged once, here, with what was being done; callers only
 *   see -1.
 */
#ifndef SECOURS_STORE_H
#define SECOURS_STORE_H

#include <stddef.h>
#include <time.h>

#define STORE_FILE		"secours.db"
#define STORE_WITHDRAWN_FILE	"secours.withdrawn"
#define STORE_SCHEMA_VERSION	2

struct store;

enum store_state {
	STORE_WAITING = 0,	/* in the queue, offered to nobody */
	STORE_OFFERED,		/* offered to helper, not claimed yet */
	STORE_CLAIMED,		/* helper took it */
	STORE_CLOSED,		/* kept for the retention, text wiped */
};

/* One case. Strings are owned by the struct (store_case_release). */
struct store_case {
	long		 id;		/* case number, never reused */
	enum store_state state;
	char		*person;	/* bare JID */
	char		*lang;
	char		*text;		/* consented text; NULL once delivered */
	char		*person_fp;	/* 40 hex digits at open time, or NULL */
	char		*helper;	/* offered to / claimed by, or NULL */
	time_t		 opened;
	time_t		 offered;
	time_t		 claimed;
	time_t		 closed;
	int		 danger;	/* came with words of danger: 1 now,
					   2 self-harm, 3 to come (enum
					   esc_danger) */
};

/* A message waiting for its recipient (a person offline, or a helper
 * without a pinned session): a phrase key and its variables. */
struct store_msg {
	long	  id;
	long	  case_id;
	char	 *to;		/* bare JID */
	char	 *lang;
	char	 *key;
	char	**vars;		/* NULL-terminated name, value list */
	int	  sensitive;
	char	 *fp;		/* person: the key expected then, or NULL */
	time_t	  created;
};

enum store_duty {
	STORE_DUTY_ROTA = 0,	/* the shifts decide */
	STORE_DUTY_ON = 1,	/* DUTY ON: on duty whatever the shifts */
	STORE_DUTY_OFF = -1,	/* DUTY OFF: off duty whatever the shifts */
};

/* A helper's persistent settings. */
struct store_helper {
	char		*jid;
	enum store_duty	 duty;
	int		 blocked;	/* off duty after a pin mismatch */
	char		*blocked_fp;	/* the unpinned key seen (hex) */
	char		*blocked_pins;	/* the helper's pins then (hex, sorted) */
	time_t		 blocked_at;
};

/* Opens (creating if needed) state_dir/secours.db; state_dir is created
 * 0700 if missing. Returns NULL (logged) on failure. */
struct store *store_open(const char *state_dir);
void store_close(struct store *st);
/* Borrowed: the database path. */
const char *store_path(const struct store *st);

/*
 * Writes. An event's writes are a list of changes applied by store_apply()
 * in one transaction (BEGIN IMMEDIATE ... COMMIT): all of them, or none
 * (rolled back) and -1. A change owns copies of its strings; the text
 * fields are wiped (util_freezero) when the list is cleared.
 */
enum store_op {
	STORE_OP_CASE_INSERT,	/* case: c (c.id > 0 is kept, 0 is new) */
	STORE_OP_CASE_UPDATE,	/* case: every field of c, by c.id */
	STORE_OP_CASE_CLOSE,	/* id, t: see store_case_close() */
	STORE_OP_OUTBOX_ADD,	/* msg: m */
	STORE_OP_OUTBOX_DELETE,	/* id */
	STORE_OP_HELPER_PUT,	/* helper: h */
	STORE_OP_PURGE,		/* t: closed before, t2: messages before */
	STORE_OP_OUTBOX_EXPIRE,	/* messages with key m.key created before t */
};

struct store_change {
	enum store_op		 op;
	long			 id;
	time_t			 t;
	time_t			 t2;
	struct store_case	 c;
	struct store_msg	 m;
	struct store_helper	 h;
};

struct store_changes {
	struct store_change	*v;
	size_t			 n;
	size_t			 cap;
};

/* An empty list of changes; store_changes_release() frees it. */
void store_changes_init(struct store_changes *ch);
/* Drops every change (texts wiped); the list stays usable. */
void store_changes_clear(struct store_changes *ch);
void store_changes_release(struct store_changes *ch);
/* Appends a case insert or update; takes c's strings (c is zeroed). */
void store_changes_case(struct store_changes *ch, enum store_op op,
    struct store_case *c);
/* Appends a waiting message; takes m's strings (m is zeroed). */
void store_changes_msg(struct store_changes *ch, struct store_msg *m);
/* Appends a helper's settings; takes h's strings (h is zeroed). */
void store_changes_helper(struct store_changes *ch, struct store_helper *h);
/* Appends a close, a message delete or a purge (op says which). */
void store_changes_op(struct store_changes *ch, enum store_op op, long id,
    time_t t, time_t t2);
/* Appends the deletion of the messages with this key created before
 * `before` (records kept for a bounded time, e.g. a handoff's details). */
void store_changes_expire(struct store_changes *ch, const char *key,
    time_t before);
/* Applies ch in one transaction. Returns 0 (committed) or -1 (logged;
 * nothing of ch was written). After a commit that wiped or deleted text,
 * the WAL is checkpointed and truncated (see store_tidy). */
int store_apply(struct store *st, const struct store_changes *ch);
/* Finishes a checkpoint that a reader held up (call it now and then).
 * Returns 0 when nothing wiped is left in the WAL, -1 otherwise. */
int store_tidy(struct store *st);
/* The number the next case will get (never reused). -1 on error. */
long store_case_next_id(struct store *st);

/* Cases whose CANCEL the database refused: kept in a small side file
 * (decimal numbers, one a line, 0600, written atomically; removed when
 * empty), so that a restart before the close is written does not offer
 * them to a helper. Save replaces the list; returns 0 or -1 (logged). */
int store_withdrawn_save(struct store *st, const long *ids, size_t n);
/* The saved list; *ids is new (free it). Returns 0 or -1. */
int store_withdrawn_load(struct store *st, long **ids, size_t *n);

/* Inserts c; returns its number (c->id if > 0, else a new one) or -1. */
long store_case_insert(struct store *st, const struct store_case *c);
/* Writes every field of c (by c->id). Returns 0 or -1. */
int store_case_update(struct store *st, const struct store_case *c);
/* Marks the case closed at now, wipes its text and fingerprint and the
 * messages held for anyone but the person. Returns 0 or -1. */
int store_case_close(struct store *st, long id, time_t now);
/* Every case not closed, oldest first. *v is new; free with
 * store_cases_free(). Returns 0 or -1. */
int store_cases_open(struct store *st, struct store_case **v, size_t *n);
/* One case by number (closed or not) into c. Returns 0, 1 if there is no
 * such case, or -1. Release c with store_case_release(). */
int store_case_get(struct store *st, long id, struct store_case *c);
/* Number of case rows, closed ones included; -1 on error. */
long store_case_count(struct store *st);
void store_case_release(struct store_case *c);
void store_cases_free(struct store_case *v, size_t n);

/* Deletes cases closed before closed_before, and waiting messages created
 * before msgs_before (a person who never came back). Returns the number of
 * rows deleted, or -1. */
long store_purge(struct store *st, time_t closed_before, time_t msgs_before);

/* Queues m; returns its id, or -1. */
long store_outbox_add(struct store *st, const struct store_msg *m);
/* Messages for `to`, oldest first. *v is new; free with store_msgs_free().
 * Returns 0 or -1. */
int store_outbox_list(struct store *st, const char *to, struct store_msg **v,
    size_t *n);
int store_outbox_delete(struct store *st, long id);
/* Re-addresses the case's messages held for `from` to `to`. Returns 0 or
 * -1. */
int store_outbox_readdress(struct store *st, long case_id, const char *from,
    const char *to);
void store_msg_release(struct store_msg *m);
void store_msgs_free(struct store_msg *v, size_t n);

/* Reads jid's settings into h (defaults if none). Returns 0 or -1. Release
 * h with store_helper_release(). */
int store_helper_get(struct store *st, const char *jid,
    struct store_helper *h);
/* Writes h. Returns 0 or -1. */
int store_helper_put(struct store *st, const struct store_helper *h);
void store_helper_release(struct store_helper *h);

#endif
