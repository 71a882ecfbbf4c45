/*
 * xmpp: the XMPP link, on libstrophe. Connects (TLS verified, or plaintext
 * only to a loopback host), keeps the link alive (XEP-0199 pings, TCP
 * keepalive), reconnects with capped exponential backoff and jitter, accepts
 * subscriptions, answers pings, and passes message bodies and presence up.
 * It also pings people's full JIDs on request, to learn whether a session
 * whose presence the bot cannot see (no subscription) is still there.
 * Only this module includes <strophe.h>; its functions are prefixed xmppc_
 * because libstrophe owns the xmpp_ prefix.
 *
 * Invariants: with account.host set, no DNS SRV lookup happens. Only chat and
 * normal messages with a sender and a direct <body> reach the callback:
 * errors, groupchat, headlines, carbons, MAM results and our own JID are
 * dropped before, and bodies over limits.max_body are dropped with a log line.
 * Type error messages reach the callback flagged as errors (never for OTR).
 * A certificate that does not verify is refused (never TRUST_TLS).
 *
 * Timing: reconnect after 1 s, doubling to 60 s (+-25% jitter), back to 1 s
 * after a login; a rejected password retries every 5 min; a login not done
 * in 30 s, or a server ping unanswered for 20 s (one a minute), drops the
 * connection. Stream management (XEP-0198) is off: libstrophe 0.12.2's
 * resumption is buggy, and OTR copes with a lost message.
 */
#ifndef SECOURS_XMPP_H
#define SECOURS_XMPP_H

#include <stddef.h>

struct config;
struct xmppc;

enum xmppc_show {
	XMPPC_OFFLINE = 0,
	XMPPC_AVAILABLE,
	XMPPC_BUSY,		/* away, xa, dnd */
};

struct xmppc_callbacks {
	void	*ud;
	/* Logged in; initial presence sent. */
	void	(*online)(void *ud);
	/* Link lost; a reconnect is scheduled. */
	void	(*offline)(void *ud);
	/* A chat/normal message body from a full JID. error != 0: a message
	 * of type error (body may be NULL); never feed those to OTR. */
	void	(*message)(void *ud, const char *from_full, const char *body,
		    int error);
	/* Presence of a full JID changed. */
	void	(*presence)(void *ud, const char *from_full,
		    enum xmppc_show show);
	/* Answer to xmppc_ping_peer(): the full JID is still there (1) or
	 * gone (0: its server answered for it, no answer in time, or the
	 * link was lost). See xmpp.c for how errors are read. */
	void	(*reach)(void *ud, const char *full, int there);
};

/* The process's one link, not yet started; cfg must outlive it. NULL,
 * logged, when it cannot be (a second link, a JID without a domain).
 * xmppc_free() frees it. */
struct xmppc *xmppc_new(const struct config *cfg,
    const struct xmppc_callbacks *cb);
void xmppc_free(struct xmppc *x);
/* The presence status text sent at each login, instead of the config's
 * account.status (the daemon's default when that is not set). Copied. */
void xmppc_set_status(struct xmppc *x, const char *text);

/* Starts connecting (and reconnecting for ever). Returns 0 or -1. */
int xmppc_start(struct xmppc *x);
/* Runs the event loop for up to timeout_ms. */
void xmppc_run_once(struct xmppc *x, unsigned long timeout_ms);
/* Unavailable presence, stream closed; returns once closed or after
 * timeout_ms. */
void xmppc_stop(struct xmppc *x, unsigned long timeout_ms);
int xmppc_online(const struct xmppc *x);

/* Sends <message type='chat'> with body to a full or bare JID. otr_hints:
 * XEP-0334 no-copy and no-permanent-store, carbons private. Control
 * characters invalid in XML are removed. Returns 0, or -1 when offline. */
int xmppc_send_body(struct xmppc *x, const char *to, const char *body,
    int otr_hints);
/* Asks for a presence subscription (helpers, so the bot sees them). */
void xmppc_subscribe(struct xmppc *x, const char *bare);
/* Pings a full JID (XEP-0199) to learn whether that session still exists,
 * without a presence subscription; the answer comes through cb.reach,
 * within 10 s. One ping per JID, at most 64 at once. Returns 0 if a ping
 * is (already) on its way, -1 when offline or too many are. */
int xmppc_ping_peer(struct xmppc *x, const char *full);

#endif
