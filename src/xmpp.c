/* xmpp: the XMPP link on libstrophe 0.12.2 (see xmpp.h). */
#include "ac-config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <gcrypt.h>
#include <strophe.h>

#include "config.h"
#include "jid.h"
#include "log.h"
#include "util.h"
#include "xmpp.h"

#define NS_PING		"urn:xmpp:ping"
#define NS_HINTS	"urn:xmpp:hints"
#define NS_CARBONS	"urn:xmpp:carbons:2"
#define NS_MAM_PREFIX	"urn:xmpp:mam:"
#define NS_ROSTER	"jabber:iq:roster"

#define TICK_MS			250
#define BACKOFF_MIN_MS		1000
#define BACKOFF_MAX_MS		60000
#define AUTH_RETRY_MS		(5 * 60 * 1000)
#define CONFLICT_RETRY_MS	60000
#define PING_EVERY_MS		60000
#define PING_TIMEOUT_MS		20000
#define LOGIN_TIMEOUT_MS	30000	/* TCP, TLS, SASL, bind */
#define PEER_PINGS_MAX		64
#define PEER_PING_TIMEOUT_MS	10000

enum xstate {
	XS_IDLE = 0,		/* not started, or stopped */
	XS_WAIT,		/* a (re)connect is due at next_attempt */
	XS_CONNECTING,		/* xmpp_connect_client called, not logged in */
	XS_ONLINE,		/* logged in, initial presence sent */
	XS_ABORTING,		/* given up on (dead link, login too slow);
				   waiting for libstrophe's DISCONNECT */
	XS_STOPPING,		/* closing the stream for good */
};

struct xmppc {
	const struct config	*cfg;
	struct xmppc_callbacks	 cb;
	xmpp_ctx_t		*ctx;
	xmpp_conn_t		*conn;
	char			*full;		/* bare/resource we log in as */
	char			*domain;
	enum xstate		 state;
	int			 started;
	uint64_t		 next_attempt;	/* monotonic ms */
	uint64_t		 attempt_started;
	unsigned long		 backoff_ms;
	/* What went wrong during the current attempt (reset per attempt). */
	int			 sasl_rejected;	/* the server said no */
	int			 no_auth;	/* SASL gave up */
	int			 cert_failed;
	int			 abort_logged;	/* the reason is in the log */
	int			 logged_in;	/* CONNECT seen, no DISCONNECT */
	/* XEP-0199 ping to the server. */
	char			*ping_id;
	uint64_t		 ping_sent;
	uint64_t		 last_ping;
	uint64_t		 last_heard;	/* the last stanza in */
	uint32_t		 rng;
	/* XEP-0199 pings to people's full JIDs (xmppc_ping_peer). */
	struct peer_ping {
		char		*full;
		char		*id;
		uint64_t	 sent;
	}			 peer_pings[PEER_PINGS_MAX];
	size_t			 npeer_pings;
	int			 pings_full_logged;
	char			*status;	/* presence text; NULL: config's */
	/* Message ids (message_id): a secret drawn once, and a count. */
	char			*id_key;
	uint64_t		 id_count;
};

/*
 * libstrophe's certfail handler and its log handler get no usable userdata
 * for the connection; the process runs a single link, so they find it here.
 */
static struct xmppc *the_link;

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* xorshift32: jitter only, nothing secret depends on it. */
static uint32_t
rng_next(struct xmppc *x)
{
	uint32_t v = x->rng;

	v ^= v << 13;
	v ^= v >> 17;
	v ^= v << 5;
	x->rng = v;
	return v;
}

/*
 * 1 if a stanza's from is a JID (RFC 7622 limits, see jid.h); otherwise the
 * stanza is logged and dropped here, before any module keys anything on it,
 * so that no long address is ever cut into another person's.
 */
static int
from_ok(const char *from, const char *what)
{
	enum jid_error e = jid_parse(from, NULL);

	if (e == JID_OK)
		return 1;
	log_warnx("dropped a %s from an address that is not a JID (%s)",
	    what, jid_strerror(e));
	return 0;
}

static int
str_eq(const char *a, const char *b)
{
	return a != NULL && b != NULL && strcmp(a, b) == 0;
}

/*
 * libstrophe's messages at WARN and above go to our log. DEBUG and INFO are
 * never logged: DEBUG prints every stanza verbatim, the SASL exchange
 * included. libstrophe 0.12.2 reports a rejected password only in two log
 * lines ("SASL <mech> auth failed" at DEBUG, then "Cannot authenticate with
 * known methods" at ERROR) followed by a plain disconnect, so those two are
 * recognised here, by their fixed text, and reported at disconnect.
 */
static void
strophe_log(void *ud, xmpp_log_level_t level, const char *area,
    const char *msg)
{
	size_t n;

	(void)ud;
	if (msg == NULL || area == NULL)
		return;
	if (the_link != NULL && level == XMPP_LEVEL_DEBUG &&
	    strcmp(area, "xmpp") == 0 && strncmp(msg, "SASL ", 5) == 0 &&
	    (n = strlen(msg)) > 12 && strcmp(msg + n - 12, " auth failed") == 0)
		the_link->sasl_rejected = 1;
	if (level < XMPP_LEVEL_WARN)
		return;
	if (the_link != NULL && strcmp(area, "auth") == 0 &&
	    strstr(msg, "Cannot authenticate") != NULL) {
		the_link->no_auth = 1;
		return;
	}
	if (strstr(msg, "No certfail handler") != NULL)
		return;
	if (level == XMPP_LEVEL_ERROR)
		log_error("libstrophe %s: %s", log_vis(area), log_vis(msg));
	else
		log_warnx("libstrophe %s: %s", log_vis(area), log_vis(msg));
}

/* A certificate that does not verify is refused, with a clear reason. */
static int
certfail(const xmpp_tlscert_t *cert, const char *const errormsg)
{
	const char *subject, *sha256;

	subject = xmpp_tlscert_get_string(cert, XMPP_CERT_SUBJECT);
	sha256 = xmpp_tlscert_get_string(cert, XMPP_CERT_FINGERPRINT_SHA256);
	if (the_link != NULL) {
		the_link->cert_failed = 1;
		log_error("TLS certificate for %s not trusted: %s "
		    "(subject %s, sha256 %s); refusing to log in. Set "
		    "account.ca_file to the CA that signed it.",
		    log_vis(the_link->domain), log_vis(errormsg),
		    log_vis(subject), log_vis(sha256));
	} else {
		log_error("TLS certificate not trusted: %s", log_vis(errormsg));
	}
	return 0;
}

/* Keeps bytes that are valid UTF-8 and allowed in XML 1.0. New string.
 * Every body sent goes through here (OTR's are long base64 lines): the
 * output is never longer than the input, so it is written in place of a
 * growing buffer, printable ASCII a byte at a time. */
static char *
xml_clean(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	char *out = xmalloc(strlen(s) + 1), *w = out;

	while (*p != '\0') {
		uint32_t c;
		size_t n, i;

		if (p[0] >= 0x20 && p[0] < 0x80) {
			*w++ = (char)*p++;
			continue;
		}
		if (p[0] < 0x80) {
			c = p[0];
			n = 1;
		} else if (p[0] >= 0xc2 && p[0] <= 0xdf) {
			c = p[0] & 0x1f;
			n = 2;
		} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
			c = p[0] & 0x0f;
			n = 3;
		} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
			c = p[0] & 0x07;
			n = 4;
		} else {
			p++;
			continue;
		}
		for (i = 1; i < n; i++) {
			if ((p[i] & 0xc0) != 0x80)
				break;
			c = (c << 6) | (p[i] & 0x3f);
		}
		if (i < n) {		/* truncated sequence */
			p += i;
			continue;
		}
		if ((n == 3 && c < 0x800) || (n == 4 && c < 0x10000) ||
		    c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff) ||
		    c == 0xfffe || c == 0xffff ||
		    (c < 0x20 && c != '\t' && c != '\n' && c != '\r')) {
			p += n;
			continue;
		}
		memcpy(w, p, n);
		w += n;
		p += n;
	}
	*w = '\0';
	return out;
}

static void
send_presence(struct xmppc *x, const char *to, const char *type,
    const char *status)
{
	xmpp_stanza_t *pres, *st, *txt;

	pres = xmpp_presence_new(x->ctx);
	if (to != NULL)
		xmpp_stanza_set_to(pres, to);
	if (type != NULL)
		xmpp_stanza_set_type(pres, type);
	if (status != NULL && *status != '\0') {
		char *clean = xml_clean(status);

		st = xmpp_stanza_new(x->ctx);
		xmpp_stanza_set_name(st, "status");
		txt = xmpp_stanza_new(x->ctx);
		xmpp_stanza_set_text(txt, clean);
		xmpp_stanza_add_child(st, txt);
		xmpp_stanza_release(txt);
		xmpp_stanza_add_child(pres, st);
		xmpp_stanza_release(st);
		free(clean);
	}
	xmpp_send(x->conn, pres);
	xmpp_stanza_release(pres);
}

/*
 * A chat message's id: 32 hex digits of SHA-256(id_key, count). As unique
 * and unguessable as libstrophe's xmpp_uuid_gen, which makes a getrandom()
 * system call for every id (3 a handshake, about 4 us each on the bench
 * machine); a keyed hash of a count says nothing of how many messages
 * went out before. NULL: let libstrophe make one.
 */
static char *
message_id(struct xmppc *x)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char digest[32], count[8];
	gcry_buffer_t iov[2];
	char *id;

	if (x->id_key == NULL) {
		char *a = xmpp_uuid_gen(x->ctx), *b = xmpp_uuid_gen(x->ctx);

		/* two uuids: 244 random bits */
		if (a != NULL && b != NULL) {
			size_t n = strlen(a) + strlen(b) + 1;

			x->id_key = xmalloc(n);
			(void)util_snprintf(x->id_key, n, "%s%s", a, b);
		}
		if (a != NULL)
			xmpp_free(x->ctx, a);
		if (b != NULL)
			xmpp_free(x->ctx, b);
		if (x->id_key == NULL)
			return NULL;
	}
	x->id_count++;
	for (size_t i = 0; i < sizeof(count); i++)
		count[i] = (unsigned char)(x->id_count >> (8 * i));
	memset(iov, 0, sizeof(iov));
	iov[0].data = x->id_key;
	iov[0].len = strlen(x->id_key);
	iov[1].data = count;
	iov[1].len = sizeof(count);
	if (gcry_md_hash_buffers(GCRY_MD_SHA256, 0, digest, iov, 2) != 0)
		return NULL;
	id = xmalloc(33);
	for (size_t i = 0; i < 16; i++) {
		id[2 * i] = hex[digest[i] >> 4];
		id[2 * i + 1] = hex[digest[i] & 15];
	}
	id[32] = '\0';
	return id;
}

static void
add_empty_child(xmpp_stanza_t *parent, const char *name, const char *ns)
{
	xmpp_stanza_t *c = xmpp_stanza_new(xmpp_stanza_get_context(parent));

	xmpp_stanza_set_name(c, name);
	xmpp_stanza_set_ns(c, ns);
	xmpp_stanza_add_child(parent, c);
	xmpp_stanza_release(c);
}

/* Handlers for stanzas. Each returns 1 to stay installed. */

static int
on_message(xmpp_conn_t *conn, xmpp_stanza_t *st, void *ud)
{
	struct xmppc *x = ud;
	const char *type, *from;
	xmpp_stanza_t *c, *bodyst;
	char *body;
	size_t len;

	(void)conn;
	if (x->state != XS_ONLINE)
		return 1;	/* stopping: nothing more goes up */
	type = xmpp_stanza_get_type(st);
	from = xmpp_stanza_get_from(st);
	if (from == NULL || *from == '\0' || !from_ok(from, "message"))
		return 1;
	if (jid_bare_eq(from, x->cfg->account.jid))
		return 1;		/* ourselves, carbons wrappers */
	if (str_eq(type, "error")) {
		x->cb.message(x->cb.ud, from, NULL, 1);
		return 1;
	}
	if (type != NULL && !str_eq(type, "chat") && !str_eq(type, "normal"))
		return 1;		/* groupchat, headline, junk */
	for (c = xmpp_stanza_get_children(st); c != NULL;
	    c = xmpp_stanza_get_next(c)) {
		const char *ns = xmpp_stanza_get_ns(c);

		if (!xmpp_stanza_is_tag(c) || ns == NULL)
			continue;
		if (strcmp(ns, NS_CARBONS) == 0 &&
		    (str_eq(xmpp_stanza_get_name(c), "received") ||
		    str_eq(xmpp_stanza_get_name(c), "sent")))
			return 1;
		if (strncmp(ns, NS_MAM_PREFIX, strlen(NS_MAM_PREFIX)) == 0 &&
		    str_eq(xmpp_stanza_get_name(c), "result"))
			return 1;
	}
	bodyst = xmpp_stanza_get_child_by_name(st, "body");
	if (bodyst == NULL)
		return 1;		/* chat states, receipts ... */
	if (xmpp_stanza_get_ns(bodyst) != NULL &&
	    strcmp(xmpp_stanza_get_ns(bodyst), "jabber:client") != 0)
		return 1;
	body = xmpp_stanza_get_text(bodyst);
	if (body == NULL)
		return 1;
	len = strlen(body);
	if (len > x->cfg->limits.max_body) {
		log_warnx("message from %s dropped: body of %zu bytes over "
		    "limits.max_body (%zu)", log_peer(from), len,
		    x->cfg->limits.max_body);
	} else if (len > 0) {
		x->cb.message(x->cb.ud, from, body, 0);
	}
	xmpp_free(x->ctx, body);
	return 1;
}

static enum xmppc_show
presence_show(xmpp_stanza_t *st)
{
	xmpp_stanza_t *show = xmpp_stanza_get_child_by_name(st, "show");
	enum xmppc_show r = XMPPC_AVAILABLE;
	char *t;

	if (show == NULL)
		return r;
	t = xmpp_stanza_get_text(show);
	if (t != NULL && (strcmp(t, "away") == 0 || strcmp(t, "xa") == 0 ||
	    strcmp(t, "dnd") == 0))
		r = XMPPC_BUSY;
	if (t != NULL)
		xmpp_free(xmpp_stanza_get_context(st), t);
	return r;
}

static int
on_presence(xmpp_conn_t *conn, xmpp_stanza_t *st, void *ud)
{
	struct xmppc *x = ud;
	const char *type, *from;
	char *bare;

	(void)conn;
	if (x->state != XS_ONLINE)
		return 1;	/* stopping: nothing more goes up */
	type = xmpp_stanza_get_type(st);
	from = xmpp_stanza_get_from(st);
	if (from == NULL || *from == '\0' || !from_ok(from, "presence") ||
	    jid_bare_eq(from, x->cfg->account.jid))
		return 1;
	if (str_eq(type, "subscribe")) {
		/* Anyone may add the bot and see it online; the bot asks back
		 * so that it sees them (helpers' presence matters). */
		if ((bare = jid_bare(from)) == NULL)
			return 1;
		log_info("subscription request from %s accepted",
		    log_peer(bare));
		send_presence(x, bare, "subscribed", NULL);
		send_presence(x, bare, "subscribe", NULL);
		free(bare);
	} else if (str_eq(type, "unavailable")) {
		x->cb.presence(x->cb.ud, from, XMPPC_OFFLINE);
	} else if (type == NULL) {
		x->cb.presence(x->cb.ud, from, presence_show(st));
	}
	/* subscribed, unsubscribe(d), probe, error: nothing to do */
	return 1;
}

static int
on_iq(xmpp_conn_t *conn, xmpp_stanza_t *st, void *ud)
{
	struct xmppc *x = ud;
	const char *type, *from;
	xmpp_stanza_t *reply, *child;

	type = xmpp_stanza_get_type(st);
	if (!str_eq(type, "get") && !str_eq(type, "set"))
		return 1;		/* results and errors: id handlers */
	from = xmpp_stanza_get_from(st);
	child = xmpp_stanza_get_children(st);
	while (child != NULL && !xmpp_stanza_is_tag(child))
		child = xmpp_stanza_get_next(child);
	if (child != NULL && str_eq(type, "get") &&
	    str_eq(xmpp_stanza_get_ns(child), NS_PING) &&
	    str_eq(xmpp_stanza_get_name(child), "ping")) {
		reply = xmpp_stanza_reply(st);
		xmpp_stanza_set_type(reply, "result");
	} else if (child != NULL && str_eq(type, "set") &&
	    str_eq(xmpp_stanza_get_ns(child), NS_ROSTER) &&
	    (from == NULL || jid_bare_eq(from, x->cfg->account.jid))) {
		/* A roster push must be acknowledged (RFC 6121 2.1.6). */
		reply = xmpp_stanza_reply(st);
		xmpp_stanza_set_type(reply, "result");
	} else {
		reply = xmpp_stanza_reply_error(st, "cancel",
		    "service-unavailable", NULL);
	}
	if (reply == NULL)
		return 1;
	xmpp_send(conn, reply);
	xmpp_stanza_release(reply);
	return 1;
}

/* Every stanza in: the server is there, even when the answer to our
 * ping waits behind thousands of stanzas (a restart with many people
 * coming back). */
static int
on_heard(xmpp_conn_t *conn, xmpp_stanza_t *st, void *ud)
{
	struct xmppc *x = ud;

	(void)conn;
	(void)st;
	x->last_heard = now_ms();
	return 1;
}

static int
on_pong(xmpp_conn_t *conn, xmpp_stanza_t *st, void *ud)
{
	struct xmppc *x = ud;

	(void)conn;
	(void)st;
	/* A result or an error: either way the server is there. */
	free(x->ping_id);
	x->ping_id = NULL;
	return 0;
}

static void
ping_forget(struct xmppc *x)
{
	if (x->ping_id == NULL)
		return;
	if (x->conn != NULL)
		xmpp_id_handler_delete(x->conn, on_pong, x->ping_id);
	free(x->ping_id);
	x->ping_id = NULL;
}

static void
ping_send(struct xmppc *x, uint64_t now)
{
	xmpp_stanza_t *iq;
	char *id;

	id = xmpp_uuid_gen(x->ctx);
	if (id == NULL)
		return;
	x->ping_id = xstrdup(id);
	xmpp_free(x->ctx, id);
	iq = xmpp_iq_new(x->ctx, "get", x->ping_id);
	xmpp_stanza_set_to(iq, x->domain);
	add_empty_child(iq, "ping", NS_PING);
	xmpp_id_handler_add(x->conn, on_pong, x->ping_id, x);
	xmpp_send(x->conn, iq);
	xmpp_stanza_release(iq);
	x->ping_sent = now;
	x->last_ping = now;
}

/*
 * What a ping answer says of the full JID pinged. A result: there. An error
 * is read by its condition and its 'by' attribute (RFC 6120 8.3.2, the
 * entity that made the error): <feature-not-implemented/>, or any error
 * whose 'by' is the pinged JID, comes from the client itself (XEP-0199 lets
 * a client refuse pings), so it is there. Any other error is the server
 * answering for a session that is gone: <service-unavailable/> (RFC 6120
 * 8.5.3.2.1; Prosody and ejabberd send it, from the full JID, for a
 * resource that is not online), <recipient-unavailable/>,
 * <item-not-found/>, remote-server-*. A client that answers pings with a
 * plain service-unavailable is thus taken for gone: news for it waits
 * until it writes again, which loses nothing and sends nothing in vain.
 */
static int
pong_there(xmpp_stanza_t *st, const char *full)
{
	xmpp_stanza_t *err, *c;
	const char *by;

	if (str_eq(xmpp_stanza_get_type(st), "result"))
		return 1;
	if ((err = xmpp_stanza_get_child_by_name(st, "error")) == NULL)
		return 0;
	by = xmpp_stanza_get_attribute(err, "by");
	if (by != NULL && strcasecmp(by, full) == 0)
		return 1;
	for (c = xmpp_stanza_get_children(err); c != NULL;
	    c = xmpp_stanza_get_next(c))
		if (xmpp_stanza_is_tag(c) &&
		    str_eq(xmpp_stanza_get_name(c), "feature-not-implemented"))
			return 1;
	return 0;
}

/* Removes peer ping i; its handler must already be gone. */
static void
peer_ping_drop(struct xmppc *x, size_t i)
{
	free(x->peer_pings[i].full);
	free(x->peer_pings[i].id);
	x->peer_pings[i] = x->peer_pings[--x->npeer_pings];
}

/* Ends peer ping i (its handler deleted) and reports there or gone. */
static void
peer_ping_end(struct xmppc *x, size_t i, int there)
{
	char *full = x->peer_pings[i].full;

	x->peer_pings[i].full = NULL;
	peer_ping_drop(x, i);
	if (x->cb.reach != NULL)
		x->cb.reach(x->cb.ud, full, there);
	free(full);
}

static int
on_peer_pong(xmpp_conn_t *conn, xmpp_stanza_t *st, void *ud)
{
	struct xmppc *x = ud;
	const char *id = xmpp_stanza_get_id(st), *from;
	size_t i;

	(void)conn;
	for (i = 0; i < x->npeer_pings; i++)
		if (str_eq(x->peer_pings[i].id, id))
			break;
	if (i == x->npeer_pings)
		return 0;
	/* Only the pinged JID (or its server, on its behalf) answers. */
	from = xmpp_stanza_get_from(st);
	if (from == NULL || strcasecmp(from, x->peer_pings[i].full) != 0)
		return 1;
	peer_ping_end(x, i, pong_there(st, x->peer_pings[i].full));
	return 0;		/* libstrophe removes this handler */
}

/* Ends every peer ping as gone (link lost, or timeouts when all is set). */
static void
peer_pings_expire(struct xmppc *x, uint64_t now, int all)
{
	size_t i = 0;

	while (i < x->npeer_pings) {
		struct peer_ping *pp = &x->peer_pings[i];

		if (!all && now - pp->sent < PEER_PING_TIMEOUT_MS) {
			i++;
			continue;
		}
		if (x->conn != NULL)
			xmpp_id_handler_delete(x->conn, on_peer_pong, pp->id);
		if (!all)
			log_info("%s did not answer a ping in %d s",
			    log_peer(pp->full), PEER_PING_TIMEOUT_MS / 1000);
		peer_ping_end(x, i, 0);
	}
}

static const char *
stream_error_name(xmpp_error_type_t t)
{
	static const struct {
		xmpp_error_type_t	 type;
		const char		*name;
	} names[] = {
		{ XMPP_SE_BAD_FORMAT, "bad-format" },
		{ XMPP_SE_CONFLICT, "conflict" },
		{ XMPP_SE_CONN_TIMEOUT, "connection-timeout" },
		{ XMPP_SE_HOST_GONE, "host-gone" },
		{ XMPP_SE_HOST_UNKNOWN, "host-unknown" },
		{ XMPP_SE_INTERNAL_SERVER_ERROR, "internal-server-error" },
		{ XMPP_SE_NOT_AUTHORIZED, "not-authorized" },
		{ XMPP_SE_POLICY_VIOLATION, "policy-violation" },
		{ XMPP_SE_RESOURCE_CONSTRAINT, "resource-constraint" },
		{ XMPP_SE_SEE_OTHER_HOST, "see-other-host" },
		{ XMPP_SE_SYSTEM_SHUTDOWN, "system-shutdown" },
		{ XMPP_SE_UNDEFINED_CONDITION, "undefined-condition" },
	};

	for (size_t i = 0; i < ARRAY_LEN(names); i++)
		if (names[i].type == t)
			return names[i].name;
	return "stream error";
}

static void
schedule(struct xmppc *x, unsigned long delay_ms)
{
	x->state = XS_WAIT;
	x->next_attempt = now_ms() + delay_ms;
	log_info("xmpp: next login attempt in %lu.%01lu s", delay_ms / 1000,
	    (delay_ms % 1000) / 100);
}

/* The normal retry: backoff with +-25% jitter, then double it (capped). */
static unsigned long
backoff_next(struct xmppc *x)
{
	unsigned long d = x->backoff_ms, j = d / 2;

	if (j > 0)
		d = d - d / 4 + rng_next(x) % j;
	x->backoff_ms *= 2;
	if (x->backoff_ms > BACKOFF_MAX_MS)
		x->backoff_ms = BACKOFF_MAX_MS;
	return d;
}

/* Logs why the link went down (or never came up); returns the retry delay. */
static unsigned long
disconnect_reason(struct xmppc *x, int was_online, int error,
    xmpp_stream_error_t *se)
{
	const struct config *cfg = x->cfg;
	const char *host = cfg->account.host != NULL ? cfg->account.host :
	    x->domain;

	if (x->sasl_rejected || (se != NULL &&
	    se->type == XMPP_SE_NOT_AUTHORIZED)) {
		log_error("authentication failed for %s: check the password "
		    "(next try in %d min)", log_vis(cfg->account.jid),
		    AUTH_RETRY_MS / 60000);
		return AUTH_RETRY_MS;
	}
	if (x->no_auth) {
		log_error("cannot authenticate to %s: the server offers no "
		    "login method libstrophe supports%s (next try in %d min)",
		    log_vis(host), cfg->account.tls == CONFIG_TLS_DISABLED ?
		    "; it may require TLS (account.tls)" : "",
		    AUTH_RETRY_MS / 60000);
		return AUTH_RETRY_MS;
	}
	if (se != NULL) {
		const char *text = se->text != NULL ? se->text : "";

		switch (se->type) {
		case XMPP_SE_CONFLICT:
			log_error("xmpp: the server closed the stream "
			    "(conflict): another client logged in as %s/%s; "
			    "retrying in %d s", log_vis(cfg->account.jid),
			    log_vis(cfg->account.resource),
			    CONFLICT_RETRY_MS / 1000);
			return CONFLICT_RETRY_MS;
		case XMPP_SE_SEE_OTHER_HOST:
			log_error("xmpp: the server asks to use another host "
			    "(see-other-host %s); set account.host if it "
			    "moved", log_vis(text));
			break;
		case XMPP_SE_SYSTEM_SHUTDOWN:
			log_warnx("xmpp: the server is shutting down "
			    "(system-shutdown) %s", log_vis(text));
			break;
		default:
			log_warnx("xmpp: the server closed the stream (%s) %s",
			    stream_error_name(se->type), log_vis(text));
			break;
		}
		return backoff_next(x);
	}
	if (x->cert_failed || x->abort_logged)
		return backoff_next(x);		/* already said why */
	if (was_online)
		log_warnx("xmpp: connection to %s lost%s%s", log_vis(host),
		    error != 0 ? ": " : "", error != 0 ? strerror(error) : "");
	else
		log_warnx("xmpp: cannot log in to %s port %d%s%s",
		    log_vis(host), cfg->account.port != 0 ?
		    cfg->account.port : 5222,
		    error != 0 ? ": " : "", error != 0 ? strerror(error) : "");
	return backoff_next(x);
}

static void
on_conn(xmpp_conn_t *conn, xmpp_conn_event_t ev, int error,
    xmpp_stream_error_t *se, void *ud)
{
	struct xmppc *x = ud;
	enum xstate was = x->state;
	int was_online = x->logged_in;

	(void)conn;
	if (ev == XMPP_CONN_CONNECT) {
		if (x->state == XS_STOPPING) {
			xmpp_disconnect(x->conn);
			return;
		}
		x->state = XS_ONLINE;
		x->logged_in = 1;
		x->backoff_ms = BACKOFF_MIN_MS;
		x->last_ping = now_ms();
		log_info("xmpp: logged in as %s (%s)",
		    log_vis(xmpp_conn_get_bound_jid(x->conn)),
		    xmpp_conn_is_secured(x->conn) ? "TLS" : "no TLS");
		send_presence(x, NULL, NULL, x->status != NULL ? x->status :
		    x->cfg->account.status);
		x->cb.online(x->cb.ud);
		return;
	}
	if (ev != XMPP_CONN_DISCONNECT && ev != XMPP_CONN_FAIL)
		return;
	ping_forget(x);
	peer_pings_expire(x, 0, 1);
	x->logged_in = 0;
	if (was == XS_STOPPING || was == XS_IDLE) {
		x->state = XS_IDLE;
		return;
	}
	/* Not online any more before the callback: sends fail from here. */
	schedule(x, disconnect_reason(x, was_online, error, se));
	if (was_online)
		x->cb.offline(x->cb.ud);
}

static void
attempt(struct xmppc *x)
{
	const struct config *cfg = x->cfg;

	x->sasl_rejected = 0;
	x->no_auth = 0;
	x->cert_failed = 0;
	x->abort_logged = 0;
	x->state = XS_CONNECTING;
	x->attempt_started = now_ms();
	/* With a host, libstrophe skips SRV: no DNS for a numeric host. */
	if (xmpp_connect_client(x->conn, cfg->account.host,
	    (unsigned short)cfg->account.port, on_conn, x) != 0 &&
	    x->state == XS_CONNECTING) {
		log_warnx("xmpp: cannot start connecting to %s",
		    log_vis(cfg->account.host != NULL ? cfg->account.host :
		    x->domain));
		schedule(x, backoff_next(x));
	}
}

/* Gives up on the current connection; on_conn() schedules the retry when
 * libstrophe reports the DISCONNECT (after its close timeout). */
static void
abort_link(struct xmppc *x)
{
	x->state = XS_ABORTING;
	x->abort_logged = 1;
	xmpp_disconnect(x->conn);
}

/* One global timer for reconnects and pings: a timed handler is never
 * added or deleted from inside itself. */
static int
on_tick(xmpp_ctx_t *ctx, void *ud)
{
	struct xmppc *x = ud;
	uint64_t now = now_ms();

	(void)ctx;
	if (x->state == XS_WAIT && now >= x->next_attempt) {
		attempt(x);
	} else if (x->state == XS_CONNECTING &&
	    now - x->attempt_started >= LOGIN_TIMEOUT_MS) {
		/* A server that accepts TCP and then says nothing. */
		log_warnx("xmpp: login did not finish in %d s; retrying",
		    LOGIN_TIMEOUT_MS / 1000);
		abort_link(x);
	} else if (x->state == XS_ONLINE) {
		/* dead: no answer to the ping and nothing else heard
		 * for PING_TIMEOUT_MS */
		if (x->ping_id != NULL &&
		    now - x->ping_sent >= PING_TIMEOUT_MS &&
		    now - x->last_heard >= PING_TIMEOUT_MS) {
			log_warnx("xmpp: no answer to a ping in %d s: the link "
			    "is dead, reconnecting", PING_TIMEOUT_MS / 1000);
			ping_forget(x);
			abort_link(x);
		} else if (x->ping_id == NULL &&
		    now - x->last_ping >= PING_EVERY_MS) {
			ping_send(x, now);
		}
		if (x->state == XS_ONLINE)
			peer_pings_expire(x, now, 0);
	}
	return 1;
}

struct xmppc *
xmppc_new(const struct config *cfg, const struct xmppc_callbacks *cb)
{
	static const xmpp_log_t logger = { strophe_log, NULL };
	struct xmppc *x;
	long flags;
	char *domain;

	if (the_link != NULL) {
		log_error("xmpp: only one link per process");
		return NULL;
	}
	x = xcalloc(1, sizeof(*x));
	x->cfg = cfg;
	x->cb = *cb;
	x->backoff_ms = BACKOFF_MIN_MS;
	x->rng = (uint32_t)now_ms() ^ ((uint32_t)getpid() << 16) ^ 0x9e3779b9u;
	if (x->rng == 0)
		x->rng = 1;
	xmpp_initialize();
	x->ctx = xmpp_ctx_new(NULL, &logger);
	if (x->ctx == NULL) {
		log_error("xmpp: cannot create a libstrophe context");
		xmpp_shutdown();
		free(x);
		return NULL;
	}
	domain = xmpp_jid_domain(x->ctx, cfg->account.jid);
	if (domain == NULL || *domain == '\0') {
		log_error("xmpp: account.jid %s has no domain",
		    log_vis(cfg->account.jid));
		if (domain != NULL)
			xmpp_free(x->ctx, domain);
		xmpp_ctx_free(x->ctx);
		xmpp_shutdown();
		free(x);
		return NULL;
	}
	x->domain = xstrdup(domain);
	xmpp_free(x->ctx, domain);
	{
		struct buf b;

		buf_init(&b);
		buf_adds(&b, cfg->account.jid);
		if (cfg->account.resource != NULL &&
		    *cfg->account.resource != '\0')
			buf_addf(&b, "/%s", cfg->account.resource);
		x->full = buf_detach(&b);
	}
	x->conn = xmpp_conn_new(x->ctx);
	/* Stream management stays off: 0.12.2's resumption has known bugs,
	 * and a lost message is one the person sends again. */
	flags = XMPP_CONN_FLAG_DISABLE_SM;
	if (cfg->account.tls == CONFIG_TLS_DISABLED)
		flags |= XMPP_CONN_FLAG_DISABLE_TLS;
	else
		flags |= XMPP_CONN_FLAG_MANDATORY_TLS;
	xmpp_conn_set_flags(x->conn, flags);
	xmpp_conn_set_jid(x->conn, x->full);
	xmpp_conn_set_pass(x->conn, cfg->account.password != NULL ?
	    cfg->account.password : "");
	if (cfg->account.ca_file != NULL)
		xmpp_conn_set_cafile(x->conn, cfg->account.ca_file);
	xmpp_conn_set_certfail_handler(x->conn, certfail);
	/* Keepalive, and the 0.12 address-fallback fix. */
	xmpp_conn_set_sockopt_callback(x->conn, xmpp_sockopt_cb_keepalive);
	xmpp_handler_add(x->conn, on_heard, NULL, NULL, NULL, x);
	xmpp_handler_add(x->conn, on_message, NULL, "message", NULL, x);
	xmpp_handler_add(x->conn, on_presence, NULL, "presence", NULL, x);
	xmpp_handler_add(x->conn, on_iq, NULL, "iq", NULL, x);
	the_link = x;
	return x;
}

void
xmppc_set_status(struct xmppc *x, const char *text)
{
	free(x->status);
	x->status = text != NULL ? xstrdup(text) : NULL;
}

void
xmppc_free(struct xmppc *x)
{
	if (x == NULL)
		return;
	xmpp_global_timed_handler_delete(x->ctx, on_tick);
	ping_forget(x);
	while (x->npeer_pings > 0) {
		if (x->conn != NULL)
			xmpp_id_handler_delete(x->conn, on_peer_pong,
			    x->peer_pings[0].id);
		peer_ping_drop(x, 0);
	}
	if (x->conn != NULL)
		xmpp_conn_release(x->conn);
	xmpp_ctx_free(x->ctx);
	xmpp_shutdown();
	if (the_link == x)
		the_link = NULL;
	free(x->full);
	free(x->domain);
	free(x->status);
	if (x->id_key != NULL)
		util_strfreezero(x->id_key);
	free(x);
}

int
xmppc_start(struct xmppc *x)
{
	const struct config *cfg = x->cfg;

	if (x->started)
		return 0;
	x->started = 1;
	if (cfg->account.host == NULL)
		log_info("xmpp: connecting to %s (DNS SRV) as %s",
		    log_vis(x->domain), log_vis(x->full));
	else
		log_info("xmpp: connecting to %s port %d as %s",
		    log_vis(cfg->account.host), cfg->account.port != 0 ?
		    cfg->account.port : 5222, log_vis(x->full));
	xmpp_global_timed_handler_add(x->ctx, on_tick, TICK_MS, x);
	attempt(x);
	return 0;
}

void
xmppc_run_once(struct xmppc *x, unsigned long timeout_ms)
{
	xmpp_run_once(x->ctx, timeout_ms);
}

void
xmppc_stop(struct xmppc *x, unsigned long timeout_ms)
{
	uint64_t until = now_ms() + timeout_ms;
	enum xstate was = x->state;

	x->state = XS_STOPPING;
	if (was == XS_ONLINE) {
		send_presence(x, NULL, "unavailable", NULL);
		xmpp_disconnect(x->conn);
	} else {
		/* Not logged in: nobody to say goodbye to. A connection
		 * still being set up is closed by xmppc_free(). */
		x->state = XS_IDLE;
		return;
	}
	while (x->state == XS_STOPPING && now_ms() < until)
		xmpp_run_once(x->ctx, 50);
	if (x->state == XS_STOPPING)
		log_warnx("xmpp: the server did not close the stream in time");
	else
		log_info("xmpp: logged out");
	x->state = XS_IDLE;
}

int
xmppc_online(const struct xmppc *x)
{
	return x->state == XS_ONLINE;
}

int
xmppc_send_body(struct xmppc *x, const char *to, const char *body,
    int otr_hints)
{
	xmpp_stanza_t *msg;
	char *id, *clean;

	if (x->state != XS_ONLINE || !xmpp_conn_is_connected(x->conn))
		return -1;
	if ((id = message_id(x)) != NULL) {
		msg = xmpp_message_new(x->ctx, "chat", to, id);
		free(id);
	} else {
		id = xmpp_uuid_gen(x->ctx);
		msg = xmpp_message_new(x->ctx, "chat", to, id);
		if (id != NULL)
			xmpp_free(x->ctx, id);
	}
	if (msg == NULL)
		return -1;
	clean = xml_clean(body);
	xmpp_message_set_body(msg, clean);
	free(clean);
	if (otr_hints) {
		add_empty_child(msg, "no-copy", NS_HINTS);
		add_empty_child(msg, "no-permanent-store", NS_HINTS);
		add_empty_child(msg, "private", NS_CARBONS);
	}
	xmpp_send(x->conn, msg);
	xmpp_stanza_release(msg);
	return 0;
}

void
xmppc_subscribe(struct xmppc *x, const char *bare)
{
	if (x->state != XS_ONLINE)
		return;
	send_presence(x, bare, "subscribe", NULL);
}

int
xmppc_ping_peer(struct xmppc *x, const char *full)
{
	struct peer_ping *pp;
	xmpp_stanza_t *iq;
	char *id;

	if (x->state != XS_ONLINE || jid_resource(full) == NULL)
		return -1;
	for (size_t i = 0; i < x->npeer_pings; i++)
		if (strcasecmp(x->peer_pings[i].full, full) == 0)
			return 0;
	if (x->npeer_pings == PEER_PINGS_MAX) {
		if (!x->pings_full_logged)
			log_warnx("xmpp: %d people pinged at once; not "
			    "checking more until answers come",
			    PEER_PINGS_MAX);
		x->pings_full_logged = 1;
		return -1;
	}
	x->pings_full_logged = 0;
	if ((id = xmpp_uuid_gen(x->ctx)) == NULL)
		return -1;
	pp = &x->peer_pings[x->npeer_pings++];
	pp->id = xstrdup(id);
	xmpp_free(x->ctx, id);
	pp->full = xstrdup(full);
	pp->sent = now_ms();
	iq = xmpp_iq_new(x->ctx, "get", pp->id);
	xmpp_stanza_set_to(iq, full);
	add_empty_child(iq, "ping", NS_PING);
	xmpp_id_handler_add(x->conn, on_peer_pong, pp->id, x);
	xmpp_send(x->conn, iq);
	xmpp_stanza_release(iq);
	return 0;
}
