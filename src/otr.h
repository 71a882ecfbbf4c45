/*
 * otr: every libotr call. Keys, instance tags, fingerprints, policy, encrypt
 * and decrypt, SMP, session state events. Only this module includes libotr.
 *
 * Invariants:
 * - otr_send() is the only way text reaches a peer, and it sends nothing
 *   unless the peer's current session is ENCRYPTED (fails closed, -1).
 * - The only plaintext the bot ever sends is the refusal notice given to
 *   otr_new(), with an OTR query tag, at most once per bare JID per cooldown
 *   (a conversation that reached ENCRYPTED starts a new one), never in
 *   answer to an error, an OTR error or another bot's notice. Inside the
 *   cooldown a refused plaintext still gets the bare query tag (no text),
 *   unless a handshake is under way or MAX_BARE of them went unanswered.
 * - Text is never handed to libotr while the session is not encrypted (its
 *   REQUIRE_ENCRYPTION resend would give it to whoever finishes the next
 *   handshake).
 * - Bodies are capped (size, fragments) before libotr sees them.
 * - Key, instance-tag and fingerprint files are 0600 in a 0700 directory; a
 *   key file readable by group or others is refused. Only helpers' keys are
 *   written to disk, and people's only with otr.remember_people.
 * - Callbacks (inject aside) run after libotr has returned, never inside
 *   it: they may call any function of this module.
 * - The bot's OTR plaintext besides the notice is protocol only: queries
 *   ("?OTRv23?"), OTR errors with fixed English text, handshake messages.
 */
#ifndef SECOURS_OTR_H
#define SECOURS_OTR_H

#include <stddef.h>
#include <time.h>

#include "fpr.h"

struct config;
struct otr;

#define OTR_FP_HUMAN_LEN FPR_HUMAN_LEN	/* "XXXXXXXX x5" and the NUL */

enum otr_event_type {
	OTR_EV_SECURE,		/* a new session (new key, or after ENDED),
				 * or a re-key after a lost message */
	OTR_EV_ENDED,		/* peer ended it, or it expired */
	OTR_EV_REFUSED,		/* plaintext refused (notice sent or not) */
	OTR_EV_SMP_ANSWERED,	/* peer asked, the bot answered */
	OTR_EV_SMP_SUCCEEDED,	/* the bot's own SMP succeeded: verified */
	OTR_EV_SMP_PROVED,	/* the peer's SMP of the bot succeeded */
	OTR_EV_SMP_FAILED,	/* failure or abort, either direction */
	OTR_EV_SMP_LIMITED,	/* peer over the SMP attempt limit */
	OTR_EV_UNPINNED,	/* a session of a helper's JID whose key is not
				 * pinned opened or wrote: answer it only with
				 * otr_refuse_key() */
};

struct otr_event {
	enum otr_event_type	 type;
	const char		*bare;		/* peer, bare JID, lower case */
	int			 unread;	/* SECURE: something was unreadable */
	int			 plaintext;	/* SECURE: plaintext refused before */
	const char		*full;		/* UNPINNED: the session's JID */
	unsigned int		 session;	/* UNPINNED: which session */
	const char		*fp;		/* UNPINNED: its key, human */
};

struct otr_callbacks {
	void	*ud;
	/* Sends a raw body to a full JID; otr_hints: add XEP-0334 no-copy,
	 * no-permanent-store and carbons private. Returns 0 or -1. */
	int	(*inject)(void *ud, const char *to_full, const char *body,
		    int otr_hints);
	/* Decrypted, normalised text from an ENCRYPTED session; for a helper's
	 * JID, only from a session whose own key is pinned. */
	void	(*text)(void *ud, const char *bare, const char *text);
	void	(*event)(void *ud, const struct otr_event *ev);
	/* 1 if bare's session must not be ended to make room for a newcomer
	 * at max_sessions (a person with an open case); may be NULL. */
	int	(*kept)(void *ud, const char *bare);
	/* otr_receive_async()'s message is done (its texts and events were
	 * delivered before); may be NULL. */
	void	(*received)(void *ud, void *cookie);
	/* Called from a worker thread, at most once per otr_sleep_ms(): a
	 * result waits for the main thread, which may be asleep in select().
	 * Must be thread-safe (the daemon sends its main thread a signal);
	 * may be NULL (then results wait for the sleep to end). */
	void	(*wake)(void *ud);
};

/* Opens or creates the key (logged: it can take a few seconds), instance
 * tags and fingerprints under cfg->state_dir. refusal is the plaintext
 * notice without query tag (the tag is added). NULL on a fatal problem
 * (logged), e.g. a key file readable by others. */
struct otr *otr_new(const struct config *cfg, const char *refusal,
    const struct otr_callbacks *cb);
/* Ends every session (DISCONNECTED to each encrypted peer), then frees. */
void otr_free(struct otr *o);

/* For --fingerprint: makes the key if missing, writes the human fingerprint
 * into fp. Returns 0 or -1 (logged). */
int otr_fingerprint_only(const struct config *cfg,
    char fp[OTR_FP_HUMAN_LEN]);

/* Every incoming chat body (already filtered: no errors, carbons, MAM). */
void otr_receive(struct otr *o, const char *from_full, const char *body);
/* As otr_receive; with worker threads the message is decrypted in its
 * shard's thread, and cb.received(cookie) is called from otr_dispatch()
 * once done (at once without threads). NULL cookie: no call. */
void otr_receive_async(struct otr *o, const char *from_full,
    const char *body, void *cookie);
/* Main thread: hands what the workers produced (bodies to inject, texts,
 * events, cb.received) to the callbacks, in order. Returns 1 while
 * messages are still being decrypted (call again soon), else 0. */
int otr_dispatch(struct otr *o);
/* Main thread, just before it sleeps (select()) for up to want ms: how
 * long it may sleep. 0 if results wait already; OTR_WAKE_BOUND_MS at most
 * while workers have jobs (a wake-up signal that comes between this call
 * and select() is lost; the sleep is then that long); else want. From
 * this call to the next otr_dispatch(), the first result calls cb.wake. */
unsigned long otr_sleep_ms(struct otr *o, unsigned long want);
#define OTR_WAKE_BOUND_MS	20
/* Main thread, before it reads the XMPP socket: 1 if every shard can take
 * more messages (always without worker threads). While 0, messages wait
 * in the socket: a shard holds a few answers' jobs (SECOURS_OTR_DEPTH,
 * 3), a bounded queue of handshakes, and what one read of the socket
 * brings; docs/design.md, "Threads". */
int otr_room(struct otr *o);
#define OTR_DEPTH		3	/* answers' jobs in a shard */
#define OTR_SLOW_JOBS		4096	/* handshakes' queue, jobs */
#define OTR_SLOW_BYTES		(4u << 20)	/* and bytes */
/* A shard's worker takes answers first, but one handshake's job after at
 * most this many answers' jobs in a row. */
#define OTR_FAST_RUN		4
/* Main thread, when otr_room() said 0: sleeps until a worker is done with
 * a job, at most ms. */
void otr_wait_room(struct otr *o, unsigned long ms);
/* For tests: jobs waiting in the shards' queues (not the running ones). */
size_t otr_queued(struct otr *o);
/* For tests: waits until every queued message is done and delivered. */
void otr_settle(struct otr *o);
/* Main thread: holds every worker off (a reload swaps the configuration
 * they read) until otr_resume(). */
void otr_pause(struct otr *o);
void otr_resume(struct otr *o);
/* Worker threads (limits.otr_threads, or SECOURS_OTR_THREADS); 0: none,
 * everything runs in the caller's thread. */
unsigned int otr_threads(const struct otr *o);
/* Sends text to the peer's current encrypted session; -1 (and nothing sent)
 * if there is none. For a helper's JID, only a session whose own key is
 * pinned is one (a second client of the account never gets it). Text goes
 * out as chat_text_out() makes it. */
int otr_send(struct otr *o, const char *bare, const char *text);
/* As otr_send, and only if bare is a configured helper whose active
 * fingerprint equals one of its pins. */
int otr_send_pinned(struct otr *o, const char *bare, const char *text);
/* Sends text (the refusal about keys) to one session of a helper's JID
 * whose key is not pinned (OTR_EV_UNPINNED's session), and to nothing
 * else; -1 if that session is gone. */
int otr_refuse_key(struct otr *o, const char *bare, unsigned int session,
    const char *text);
/* Sends an OTR query to a peer's last known full JID (or the bare JID). */
int otr_open(struct otr *o, const char *bare);
/* Starts SMP with question (NULL: the configured default); -1 if
 * unavailable. */
int otr_smp_start(struct otr *o, const char *bare, const char *question);
/* The notice's text for a refused plaintext that carried a whitespace tag
 * (the handshake starts by itself): no query tag is added. NULL: the
 * refusal's own text. Copied. */
void otr_set_auto_notice(struct otr *o, const char *text);
/* Ends the session with bare (DISCONNECTED) and forgets its state. */
void otr_end(struct otr *o, const char *bare);
/* Ends every encrypted session (SIGTERM, or before a reconnect). */
void otr_end_all(struct otr *o);
/* The peer's full JID went offline (per session address: another
 * resource of the same person going offline is not the session's): the
 * session is kept (a client that
 * kept its keys may come back), only the DISCONNECTED notice is no longer
 * sent to it, and otr_info() says offline until the peer is back in a
 * session (a handshake that completes then is a new OTR_EV_SECURE). */
void otr_offline(struct otr *o, const char *full);
/* Drives libotr's timer and expires idle sessions (ENDED, DISCONNECTED
 * sent) and half-open handshakes; call every few seconds. */
void otr_poll(struct otr *o, time_t now);

struct otr_info {
	int	encrypted;
	int	verified;		/* fingerprint trusted */
	int	pinned;			/* helper key matches a pin */
	int	helper;			/* bare is a configured helper */
	int	offline;		/* the session's resource went offline
					   (otr_offline); cleared by a message
					   decrypted or a handshake completed */
	int	sessions;		/* encrypted sessions (instances) with
					   bare, at most 8 + 1 */
	char	their_fp[OTR_FP_HUMAN_LEN];	/* "" if none */
	char	their_hex[FPR_HEX_LEN];		/* "" if none */
};
/* Fills info for bare (zeroes if unknown). */
void otr_info(const struct otr *o, const char *bare, struct otr_info *info);
/* Borrowed until the next call: the full JID of bare's current encrypted
 * session (where otr_send() writes), or NULL. */
const char *otr_session_jid(const struct otr *o, const char *bare);
/* Borrowed: the bot's fingerprint, human form. */
const char *otr_our_fingerprint(const struct otr *o);
/* Number of live (non-plaintext or recent) sessions. */
size_t otr_nsessions(const struct otr *o);

/* For tests: the module's clock (NULL: time()). Cooldowns, idle times and
 * SMP windows are measured with it; otr_poll() uses the time it is given. */
void otr_set_clock(struct otr *o, time_t (*clock)(void));
/* For tests: peer records the last otr_poll() looked at. */
size_t otr_poll_visits(const struct otr *o);
/* For tests: which libotr user state holds bare's contexts, 0 to
 * max(threads, 1) x limits.otr_userstates - 1. */
unsigned int otr_userstate_of(const struct otr *o, const char *bare);

#endif
