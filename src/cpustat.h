/*
 * cpustat: where the daemon's thread spends its CPU, for the load
 * benchmark (bench/run_load.py, docs/performance.md). Each handled
 * stanza is charged to its kind (an OTR query, each message of the OTR
 * handshake, OTR data, plaintext; presence; the tick), and inside it the
 * time moves between phases: the daemon and the bot, otr.c with libotr,
 * and the XMPP send (called from inside libotr).
 *
 * Thread CPU time (CLOCK_THREAD_CPUTIME_ID). Off unless enabled (the
 * daemon enables it at log.level debug): then every call returns at once.
 * Phases nest (enter/leave); time is charged to the innermost one.
 * One thread only: the daemon's main thread, which handles every stanza
 * today. Callbacks that come to run in another thread (OTR workers) must
 * not call it: the counters are plain, and the clock is that thread's.
 */
#ifndef SECOURS_CPUSTAT_H
#define SECOURS_CPUSTAT_H

enum cpustat_kind {
	CPUSTAT_QUERY,		/* ?OTRv3? and the like */
	CPUSTAT_DH_COMMIT,
	CPUSTAT_DH_KEY,
	CPUSTAT_REVEAL_SIG,
	CPUSTAT_SIGNATURE,
	CPUSTAT_DATA,		/* encrypted message */
	CPUSTAT_OTR_OTHER,	/* OTR error, fragment, anything else */
	CPUSTAT_PLAIN,		/* no OTR */
	CPUSTAT_PRESENCE,
	CPUSTAT_TICK,
	CPUSTAT_NKINDS
};

enum cpustat_phase {
	CPUSTAT_BOT,		/* the daemon and the bot */
	CPUSTAT_OTR,		/* otr.c and libotr */
	CPUSTAT_XMPP,		/* sending a stanza */
	CPUSTAT_NPHASES
};

struct cpustat;

/* Off (every call a no-op) unless enabled. */
struct cpustat *cpustat_new(int enabled);
void cpustat_free(struct cpustat *cs);
/* The kind of a message body (NULL: plaintext); no allocation. */
enum cpustat_kind cpustat_kind_of(const char *body);
/* Borrowed name of a kind ("query", "dh-key", ...). */
const char *cpustat_kind_name(enum cpustat_kind k);
/* Starts charging to kind k, phase CPUSTAT_BOT (nested begins join the
 * outer one). */
void cpustat_begin(struct cpustat *cs, enum cpustat_kind k);
/* cpustat_begin with the kind of a message body: the body is only read
 * when cpustat is on (the daemon calls it for every message). */
void cpustat_begin_body(struct cpustat *cs, const char *body);
/* Ends the current stanza: counted once for its kind. */
void cpustat_end(struct cpustat *cs);
/* Inside a begin/end: charge to phase ph until the matching leave. */
void cpustat_enter(struct cpustat *cs, enum cpustat_phase ph);
void cpustat_leave(struct cpustat *cs);
/* Counts and microseconds of one kind since cpustat_new (for tests). */
void cpustat_get(const struct cpustat *cs, enum cpustat_kind k,
    unsigned long *n, unsigned long us[CPUSTAT_NPHASES]);
/* New string: every kind seen, "NAME N BOT_US OTR_US XMPP_US", separated
 * by "; ", totals since cpustat_new, then "clock-reads N NS 0 0" (reads of
 * the clock so far, one read's cost: the measurement's own, for the
 * bench to subtract); NULL when off or when no stanza was handled since
 * the last call. Caller frees. */
char *cpustat_line(struct cpustat *cs);

#endif
