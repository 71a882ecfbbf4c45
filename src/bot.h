/*
 * bot: the conversation engine. Pure: an event (who, what, the facts of their
 * OTR session, the time) goes in, a list of actions comes out. No I/O, no
 * clock, no library types; the daemon executes the actions, --ask/--console
 * print them, tests compare them with transcripts.
 *
 * Invariants:
 * - bot never decides whether text may go out: every BOT_SAY is sent only
 *   through otr_send(), which fails closed; BOT_SAY_HELPER only to a helper
 *   whose session is encrypted and pinned.
 * - Nothing a person wrote is put in a BOT_SAY_HELPER before the person said
 *   yes to a question naming what is sent and to whom (DESIGN invariant 3).
 * - Text a person sent before their session was encrypted is never seen here.
 */
#ifndef SECOURS_BOT_H
#define SECOURS_BOT_H

#include <stddef.h>
#include <time.h>

struct config;
struct guide;
struct search;
struct search_hit;
struct phrases;
struct escalate;

enum bot_act {
	BOT_SAY,		/* peer, text: to a person or helper, over OTR */
	BOT_SAY_HELPER,		/* peer, text: carries a person's words; the
				   daemon checks the helper's pin first */
	BOT_OPEN,		/* peer: start OTR with a helper (query) */
	BOT_SMP_START,		/* peer, text: SMP with this question (the
				   configured one in the person's language) */
	BOT_END,		/* peer: end the OTR session, forget state */
};

struct bot_action {
	enum bot_act	 type;
	char		*peer;	/* bare JID */
	char		*text;	/* NULL for BOT_OPEN, BOT_END */
};

struct bot_actions {
	struct bot_action	*v;
	size_t			 n;
	size_t			 cap;
};

/* An empty list of actions, owned by the caller (bot_actions_release()). */
void bot_actions_init(struct bot_actions *a);
/* Appends an action; copies peer and text. */
void bot_actions_add(struct bot_actions *a, enum bot_act type,
    const char *peer, const char *text);
/* Frees every action; the list can be reused. */
void bot_actions_clear(struct bot_actions *a);
void bot_actions_release(struct bot_actions *a);

/* What the daemon knows of one peer's OTR session, when the event happens. */
struct bot_facts {
	int		 encrypted;	/* session ENCRYPTED */
	int		 verified;	/* their key is trusted (SMP done) */
	int		 pinned;	/* helper: key equals a pinned one */
	const char	*their_fp;	/* "XXXXXXXX x5", or NULL */
	const char	*our_fp;	/* the bot's, same form */
};

enum bot_smp_result {
	BOT_SMP_ANSWERED,	/* the person asked; the bot answered */
	BOT_SMP_SUCCEEDED,	/* the bot's own check succeeded */
	BOT_SMP_PROVED,		/* the person's check of the bot succeeded */
	BOT_SMP_FAILED,		/* wrong answer or abort, either side: the
				   session is not verified either way */
	BOT_SMP_LIMITED,	/* too many attempts; refused */
	BOT_SMP_UNAVAILABLE,	/* no smp_question configured */
};

/* The daemon's read-only answers about other peers, for escalation. */
struct bot_env {
	void	*ud;
	/* enum esc_reach for a bare JID (see escalate.h). */
	int	(*reach)(void *ud, const char *bare);
	/* Active fingerprint as 40 hex digits into out[41]; 0 or -1. */
	int	(*fingerprint)(void *ud, const char *bare, char *out);
	/* The display name of the one helper on duty at now, NULL when none
	 * or several are (borrowed). May be NULL. */
	const char *(*on_duty)(void *ud, time_t now);
	/* 1 if the conversation of bare must not make room for a newcomer
	 * (the daemon's rule for its tables). May be NULL. */
	int	(*kept)(void *ud, const char *bare);
};

/* The conversation table: people held, people evicted to make room for
 * newcomers, and the table's work so far in rows looked at. */
struct bot_stats {
	size_t	 people;
	size_t	 evicted;
	size_t	 steps;
};

/* esc may be NULL (offline modes: HUMAN then explains the desk is not
 * reachable from here). g, s, p, esc must outlive the bot. */
struct bot *bot_new(const struct config *cfg, const struct guide *g,
    const struct search *s, const struct phrases *p, struct escalate *esc,
    const struct bot_env *env);
void bot_free(struct bot *b);

/* Decrypted, normalised text from peer. */
void bot_text(struct bot *b, const char *peer, const char *text,
    const struct bot_facts *f, time_t now, struct bot_actions *out);
/* The session with peer just became encrypted. unread: something the peer
 * sent could not be read (stale session) and must be asked for again;
 * plaintext: the peer wrote in clear before and was refused. */
void bot_secure(struct bot *b, const char *peer, const struct bot_facts *f,
    int unread, int plaintext, time_t now, struct bot_actions *out);
/* The peer ended the session (or it expired): forget conversation state. */
void bot_ended(struct bot *b, const char *peer, time_t now,
    struct bot_actions *out);
void bot_smp(struct bot *b, const char *peer, enum bot_smp_result r,
    const struct bot_facts *f, time_t now, struct bot_actions *out);
/* available: 0 offline, 1 online, 2 online but do-not-disturb/away. */
void bot_presence(struct bot *b, const char *peer, int available,
    time_t now, struct bot_actions *out);
/* A session of helper peer's account with a key that is not pinned was
 * refused (the daemon answered it): alert the other helpers. */
void bot_helper_impostor(struct bot *b, const char *peer, time_t now,
    struct bot_actions *out);
/* Called about once a second: timeouts, retries, expiry. */
void bot_tick(struct bot *b, time_t now, struct bot_actions *out);

/* The conversation table's counters (for the status and tests). */
void bot_stats(const struct bot *b, struct bot_stats *st);

/* --explain: when set, guide answers are followed by the five best sections
 * and their scores. */
void bot_set_explain(struct bot *b, int on);
/* With --explain on: the best hits of the question of the last bot_text()
 * (as many as the explain lines, none when it was no question), for a
 * console to show what only it may show (search_hit_ask(): the asks,
 * never sent in chat). Valid until the next call into b. */
size_t bot_explain_hits(const struct bot *b, const struct search_hit **hits);
/* The score an answer must reach: the config's guide.min_score, else the
 * guide's own threshold (search_min_score()). */
double bot_min_score(const struct bot *b);
/* The section an answer (SEARCH_ANSWER) on hits[0..n), in the reader's
 * language, shows first at the bar min: the best hit, or where the steps
 * it points back at start (bot.c answer_first()); GUIDE_NONE for no hit.
 * For the measurement, which counts what the person reads. */
size_t bot_answer_first(const struct guide *g, const struct search_hit *hits,
    size_t n, double min);
/* After a reload (SIGHUP): new guide, search, phrases and escalation
 * machine; each person's paging and numbered lists start again, the rest of
 * their conversation (language, consent, verification) is kept. */
void bot_reload(struct bot *b, const struct guide *g, const struct search *s,
    const struct phrases *p, struct escalate *esc);
/* Forces the conversation language of peer ("fr", "en", ...), as LANG xx. */
void bot_set_lang(struct bot *b, const char *peer, const char *lang);

#endif
