/*
 * escalate: the escalation state machine. A case is opened with the person's
 * consent, offered to the on-duty helper, claimed, relayed or handed off, and
 * closed; unclaimed offers time out and go to the fallback helpers; with
 * nobody available the case waits in a queue that survives restarts (store).
 *
 * Invariants:
 * - A note with sensitive = 1 (it carries the person's words or JID) is only
 *   produced for a helper whose reach is ESC_SECURE (encrypted, pinned);
 *   otherwise the case waits and an ESC_OPEN_HELPER note asks for a session.
 * - A case is never shown to a second helper after a claim: the person was
 *   promised one point of contact. (If that helper's key stops matching,
 *   the case stays theirs, the person's words wait in the store, and the
 *   person is told they may CANCEL and ask again.)
 * - Nothing at all is produced for a helper whose reach is ESC_MISMATCH.
 * - News for a person (a claim, a helper's words, a close) is produced only
 *   while the person's reach is ESC_SECURE and their OTR key is the one of
 *   the request; otherwise it waits in the store and comes out of
 *   escalate_reach_changed() when they are back. A new key gets an
 *   "esc_fp_changed" note (and the helper "esc_person_key_changed"), never
 *   the news, until it is verified (env.verified: SMP with the desk's
 *   secret) or the helper vouches for it (TRUST n).
 * - One event (each public function below) is one store transaction: its
 *   notes come out only if its writes were committed. If the store refuses
 *   them, the state from before the event is restored, and the one who
 *   caused it is told the truth ("esc_store_failed", "esc_cancel_failed",
 *   "esc_relay_failed", "esc_helper_failed"); a refused CANCEL withdraws
 *   the case from the helpers at once and is retried by escalate_tick(),
 *   as are refused reach changes.
 * - Time comes in as an argument; no clock is read here.
 *
 * Notes: key is a phrase key of replies/phrases/escalate.LANG.txt (for
 * ESC_OPEN_HELPER it is "esc_open" and has no phrase); vars is never NULL;
 * sensitive is only ever set on ESC_TO_HELPER notes. The offers, relays and
 * helper commands are described in escalate.c; tests/transcripts/escalate-*
 * has the transcripts that pin the behaviour down.
 */
#ifndef SECOURS_ESCALATE_H
#define SECOURS_ESCALATE_H

#include <stddef.h>
#include <time.h>

struct config;
struct store;
struct duty;

enum esc_reach {
	ESC_OFFLINE = 0,	/* no available resource */
	ESC_BUSY,		/* online but dnd/xa/away */
	ESC_ONLINE,		/* available, OTR not (yet) encrypted/pinned */
	ESC_SECURE,		/* available and OTR encrypted (helpers: pinned) */
	ESC_MISMATCH,		/* helper: encrypted with an unpinned key */
};

struct esc_env {
	void	*ud;
	int	(*reach)(void *ud, const char *bare);	/* enum esc_reach */
	/* Active fingerprint as 40 hex digits into out[41]; 0 or -1. */
	int	(*fingerprint)(void *ud, const char *bare, char *out);
	/* 1 if the active key of a person was verified (SMP with the desk's
	 * secret); may be NULL (never). */
	int	(*verified)(void *ud, const char *bare);
};

enum esc_note_to {
	ESC_TO_PERSON,		/* phrase to a person (queued if unreachable) */
	ESC_TO_HELPER,		/* phrase to a helper */
	ESC_OPEN_HELPER,	/* start OTR with this helper; no text */
};

/* A message for someone, as a phrase key and its variables, rendered by the
 * caller in lang. */
struct esc_note {
	enum esc_note_to	 to;
	char			*jid;		/* bare */
	char			*lang;
	char			*key;		/* phrase key, e.g. "esc_offer" */
	char			**vars;		/* NULL-terminated name, value */
	int			 sensitive;
};

struct esc_notes {
	struct esc_note	*v;
	size_t		 n;
	size_t		 cap;
};

/* An empty list of notes; clear frees the notes (their words wiped) and
 * keeps the list usable; release frees it all, leaving it empty. */
void esc_notes_init(struct esc_notes *n);
void esc_notes_clear(struct esc_notes *n);
void esc_notes_release(struct esc_notes *n);

/* cfg, st and d are required and must outlive e. Loads open cases from the
 * store; those already offered are offered again as soon as a helper is
 * available (the next escalate_tick or escalate_reach_changed). */
struct escalate *escalate_new(const struct config *cfg, struct store *st,
    const struct duty *d, const struct esc_env *env);
void escalate_free(struct escalate *e);

/* What a person's words say besides their text: nothing, danger now,
 * that they may hurt themselves, or danger to come (stored as such in a
 * case). */
enum esc_danger {
	ESC_DANGER_NONE = 0,
	ESC_DANGER_NOW = 1,
	ESC_DANGER_SELF = 2,
	ESC_DANGER_LATER = 3,	/* danger to come: an arrest tomorrow */
};

/* Opens a case for person with the consented text (already confirmed);
 * danger (enum esc_danger): it came with words of danger or of self-harm
 * (stored: the helper's offer says which first, and the case goes before
 * the others in the queue, after a restart too); the person's current
 * fingerprint (env) is kept to notice a key change.
 * Returns the case number (> 0), or -1 when the queue is full (a note says
 * so). Notes tell the person what happens next. */
long escalate_open(struct escalate *e, const char *person, const char *lang,
    const char *text, int danger, time_t now, struct esc_notes *out);
/* Whether a request opened now would reach a person, before any request
 * (for someone in danger): one note for person, what STATUS would say
 * ("esc_status_..." in lang too) when they already have a
 * case, else in lang "esc_desk_full" (limits.max_queue open cases: HUMAN
 * would be refused), "esc_desk_now" (a helper on duty, or of the fallback
 * list, is online), "esc_desk_waiting" (a shift is on, nobody reachable),
 * "esc_desk_closed" {time zone} (the next shift's start) or
 * "esc_desk_noshift". Changes nothing. */
void escalate_desk(const struct escalate *e, const char *person,
    const char *lang, time_t now, struct esc_notes *out);
/* Words of danger from a person whose case waits (not claimed yet): the
 * case is marked as if it came with them, stored, and moves up the queue;
 * a helper holding its offer hears it ("esc_offer_now_danger", or
 * "esc_offer_now_later" for danger to come; no words). kind is
 * ESC_DANGER_NOW, ESC_DANGER_SELF (self-harm) or ESC_DANGER_LATER; a case
 * marked for danger to come is marked again for danger now, one marked for
 * danger now again for self-harm, so that its offer is "esc_offer_self".
 * Returns 1 if marked now, 0 if there was nothing to mark (no case, a
 * claimed one, already marked so), -1 if the store
 * refused: nothing changed and the person hears "esc_danger_failed". */
int escalate_danger(struct escalate *e, const char *person, int kind,
    time_t now, struct esc_notes *out);
/* The person's open case number, or 0. */
long escalate_case_of(const struct escalate *e, const char *person);
/* Calls fn with the person of each open case (withdrawn ones included:
 * their sessions are still to be reached). */
void escalate_each_person(const struct escalate *e,
    void (*fn)(void *ud, const char *person), void *ud);
/* STATUS for a person: a note with state and queue position, in lang
 * (the conversation's; NULL: the request's), or, with no open case, a
 * recent handoff's details, or esc_status_none. */
void escalate_status(struct escalate *e, const char *person,
    const char *lang, time_t now, struct esc_notes *out);
/* A person with no open case: the details of their case handed off in the
 * last 24 hours, as a note, if their key is the one of the request.
 * Returns 1 if a note was added, else 0. */
int escalate_handoff_status(struct escalate *e, const char *person,
    time_t now, struct esc_notes *out);
/* The person typed STOP (the bot forgot its side of the conversation):
 * the helper who claimed their case is told; it stays open. 1 if there
 * was such a helper, else 0 and no note. */
int escalate_person_stopped(struct escalate *e, const char *person,
    time_t now, struct esc_notes *out);
/* CANCEL: withdraws the person's case (helper told if it was offered).
 * If the store refuses the close, the person hears "esc_cancel_failed",
 * the case is hidden from the helpers at once (also across a restart) and
 * escalate_tick() writes the close later, then tells the person. */
int escalate_cancel(struct escalate *e, const char *person, time_t now,
    struct esc_notes *out);
/* Text from a person with a claimed relay case: forwarded to the helper as
 * "[#n] text", flagged "DANGER" (danger, enum esc_danger: which words) if
 * it says so, and the case marked so (stored) if it was not yet (or kept
 * for them: "esc_relay_held", or, if the store refuses,
 * "esc_relay_failed"). Returns 1 if consumed, 0 if the person has no live
 * relay. */
int escalate_person_text(struct escalate *e, const char *person,
    const char *text, int danger, time_t now, struct esc_notes *out);
/* Text from a configured helper whose session is pinned: QUEUE, CLAIM n,
 * TALK n, CLOSE n, TRUST n, WHO, DUTY ON/OFF/AUTO, HELP (or their French and Spanish
 * names), "#n text", or relay text after TALK (a claim sets TALK). Returns
 * 1 if handled, 0 if it is none of these (the bot may answer it). */
int escalate_helper_text(struct escalate *e, const char *helper,
    const char *text, time_t now, struct esc_notes *out);
/* A peer's reach changed (presence or OTR state, or a person's key was
 * just verified): offers, deliveries of queued news, pin mismatches
 * happen here. */
void escalate_reach_changed(struct escalate *e, const char *bare, time_t now,
    struct esc_notes *out);
/* Timeouts, fallbacks, retention; retries of what the store refused. */
void escalate_tick(struct escalate *e, time_t now, struct esc_notes *out);
/* A session of helper bare's account whose key is not pinned was refused
 * (issue 9.1): the other helpers are alerted (once per 10 minutes); the
 * helper's pinned session stays on duty. Without a pinned session it is
 * the ordinary mismatch (escalate_reach_changed). */
void escalate_helper_impostor(struct escalate *e, const char *bare,
    time_t now, struct esc_notes *out);

#endif
