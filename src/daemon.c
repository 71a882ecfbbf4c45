/* daemon: the running bot, its event loop and the wiring (see daemon.h). */
#include "ac-config.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "daemon.h"
#include "log.h"
#include "util.h"
#include "xmpp.h"

#define PRESENCE_MAX	8192	/* full JIDs tracked */
#define RATE_MAX	8192	/* bare JIDs with a rate window */
#define RATE_WINDOW	60	/* seconds */
#define STOP_TIMEOUT_MS	2000

/* What the daemon knows of one available resource. */
struct resource {
	char		*full;
	enum xmppc_show	 show;
};

/* Messages counted for one bare JID in the current minute. */
struct rate {
	char	*bare;
	time_t	 start;
	int	 count;
	int	 logged;	/* the drop was logged in this window */
};

struct daemon {
	const struct config	*cfg;
	struct xmppc		*x;

	struct resource		*res;
	size_t			 nres;
	struct rate		*rates;
	size_t			 nrates;
	time_t			 last_tick;
};

static volatile sig_atomic_t	 got_stop;
static volatile sig_atomic_t	 got_hup;

static void
on_signal(int sig)
{
	if (sig == SIGHUP)
		got_hup = 1;
	else
		got_stop = 1;
}

static int
signals_setup(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_signal;
	if (sigaction(SIGTERM, &sa, NULL) == -1 ||
	    sigaction(SIGINT, &sa, NULL) == -1 ||
	    sigaction(SIGHUP, &sa, NULL) == -1) {
		log_warn("sigaction");
		return -1;
	}
	sa.sa_handler = SIG_IGN;
	if (sigaction(SIGPIPE, &sa, NULL) == -1) {
		log_warn("sigaction");
		return -1;
	}
	return 0;
}

/* Lower-cased bare JID of a full or bare JID into out. */
static void
jid_bare(const char *jid, char *out, size_t size)
{
	size_t i;

	for (i = 0; jid[i] != '\0' && jid[i] != '/' && i + 1 < size; i++) {
		char c = jid[i];

		out[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
	}
	out[i] = '\0';
}

/* Presence, per full JID. */

static struct resource *
res_find(struct daemon *d, const char *full)
{
	for (size_t i = 0; i < d->nres; i++)
		if (util_strcasecmp(d->res[i].full, full) == 0)
			return &d->res[i];
	return NULL;
}

static void
res_remove(struct daemon *d, struct resource *r)
{
	free(r->full);
	*r = d->res[--d->nres];
}

/* Best show among bare's resources: XMPPC_OFFLINE if none. */
static enum xmppc_show
res_best(const struct daemon *d, const char *bare)
{
	enum xmppc_show best = XMPPC_OFFLINE;
	char b[512];

	for (size_t i = 0; i < d->nres; i++) {
		jid_bare(d->res[i].full, b, sizeof(b));
		if (strcmp(b, bare) != 0)
			continue;
		if (d->res[i].show == XMPPC_AVAILABLE)
			return XMPPC_AVAILABLE;
		best = XMPPC_BUSY;
	}
	return best;
}

static void
res_clear(struct daemon *d)
{
	for (size_t i = 0; i < d->nres; i++)
		free(d->res[i].full);
	free(d->res);
	d->res = NULL;
	d->nres = 0;
}

/* Rate limit: max_per_minute messages per bare JID, fixed windows. */

static int
rate_allow(struct daemon *d, const char *bare, time_t now)
{
	struct rate *r = NULL;
	size_t i;

	for (i = 0; i < d->nrates; i++) {
		if (strcmp(d->rates[i].bare, bare) == 0) {
			r = &d->rates[i];
			break;
		}
	}
	if (r == NULL) {
		if (d->nrates == RATE_MAX) {
			/* A flood of senders: nobody new until windows end. */
			return 0;
		}
		d->rates = xrealloc(d->rates, (d->nrates + 1) *
		    sizeof(*d->rates));
		r = &d->rates[d->nrates++];
		r->bare = xstrdup(bare);
		r->start = now;
		r->count = 0;
		r->logged = 0;
	}
	if (now - r->start >= RATE_WINDOW) {
		r->start = now;
		r->count = 0;
		r->logged = 0;
	}
	if (r->count >= d->cfg->limits.max_per_minute) {
		if (!r->logged) {
			log_warnx("%s sends more than %d messages a minute: "
			    "dropping the rest of this minute", log_peer(bare),
			    d->cfg->limits.max_per_minute);
			r->logged = 1;
		}
		return 0;
	}
	r->count++;
	return 1;
}

static void
rate_prune(struct daemon *d, time_t now)
{
	size_t i = 0;

	while (i < d->nrates) {
		if (now - d->rates[i].start >= RATE_WINDOW) {
			free(d->rates[i].bare);
			d->rates[i] = d->rates[--d->nrates];
		} else {
			i++;
		}
	}
}

/* xmpp callbacks. */

static void
cb_online(void *ud)
{
	struct daemon *d = ud;

	for (size_t i = 0; i < d->cfg->nhelpers; i++)
		xmppc_subscribe(d->x, d->cfg->helpers[i].jid);
	log_info("online");
}

static void
cb_offline(void *ud)
{
	struct daemon *d = ud;

	/* Presence is unknown until the server sends it again. */
	res_clear(d);
	log_info("offline; reconnecting");
}

static void
cb_message(void *ud, const char *from_full, const char *body, int error)
{
	struct daemon *d = ud;
	char bare[512];

	if (error) {
		log_debug("error message from %s", log_peer(from_full));
		return;
	}
	jid_bare(from_full, bare, sizeof(bare));
	if (!rate_allow(d, bare, time(NULL)))
		return;
	log_debug("message from %s (%zu bytes)", log_peer(from_full),
	    strlen(body));
}

static void
cb_presence(void *ud, const char *from_full, enum xmppc_show show)
{
	struct daemon *d = ud;
	struct resource *r = res_find(d, from_full);
	char bare[512];
	enum xmppc_show before, after;

	jid_bare(from_full, bare, sizeof(bare));
	before = res_best(d, bare);
	if (show == XMPPC_OFFLINE) {
		if (r != NULL)
			res_remove(d, r);
	} else if (r != NULL) {
		r->show = show;
	} else if (d->nres < PRESENCE_MAX) {
		d->res = xrealloc(d->res, (d->nres + 1) * sizeof(*d->res));
		d->res[d->nres].full = xstrdup(from_full);
		d->res[d->nres].show = show;
		d->nres++;
	}
	after = res_best(d, bare);
	if (before != after)
		log_debug("presence of %s: %d", log_peer(bare), (int)after);
}

static void
tick(struct daemon *d, time_t now)
{
	if (now / RATE_WINDOW != d->last_tick / RATE_WINDOW)
		rate_prune(d, now);
	d->last_tick = now;
}

int
daemon_run(const struct config *cfg)
{
	struct daemon d;
	struct xmppc_callbacks xcb;
	int status = 0;

	memset(&d, 0, sizeof(d));
	d.cfg = cfg;
	if (signals_setup() == -1)
		return 1;

	memset(&xcb, 0, sizeof(xcb));
	xcb.ud = &d;
	xcb.online = cb_online;
	xcb.offline = cb_offline;
	xcb.message = cb_message;
	xcb.presence = cb_presence;
	d.x = xmppc_new(cfg, &xcb);
	if (d.x == NULL)
		return 1;
	if (xmppc_start(d.x) == -1) {
		status = 1;
		goto out;
	}

	d.last_tick = time(NULL);
	while (!got_stop) {
		time_t now;

		xmppc_run_once(d.x, 200);
		if (got_hup) {
			got_hup = 0;
			log_info("SIGHUP: reloading is not supported; restart "
			    "the service to apply a new configuration");
		}
		now = time(NULL);
		if (now != d.last_tick)
			tick(&d, now);
	}
	log_info("stopping");
	xmppc_stop(d.x, STOP_TIMEOUT_MS);
out:
	xmppc_free(d.x);
	res_clear(&d);
	for (size_t i = 0; i < d.nrates; i++)
		free(d.rates[i].bare);
	free(d.rates);
	return status;
}
