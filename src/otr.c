/*
 * otr: every libotr call. Keys, instance tags, fingerprints, policy,
 * encrypt and decrypt, SMP and session events. See otr.h for the
 * invariants; the libotr behaviour relied on is explained where it is used.
 *
 * Shape: the contexts spread over limits.otr_userstates OtrlUserStates by
 * bare JID (us_of), each holding the same key and instance tag, so that
 * libotr's walks of its context list (about ten a handshake) stay short;
 * a list of peers (one per bare JID) holding what libotr does not (last
 * full JIDs per instance, cooldowns, SMP attempts).
 * The peers are in a hash table, two recency lists (eviction, live
 * sessions) and a min-heap of the time eng_poll() must next look at each.
 * libotr calls back into the ops below; those callbacks only record facts
 * and queue events, and the events and texts reach the daemon after the
 * libotr call has returned, so the daemon never re-enters libotr.
 */
#include "ac-config.h"

#include <sys/stat.h>

#include <pthread.h>
#include <signal.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <gcrypt.h>
#include <libotr/proto.h>
#include <libotr/auth.h>
#include <libotr/context.h>
#include <libotr/instag.h>
#include <libotr/message.h>
#include <libotr/privkey.h>
#include <libotr/sm.h>
#include <libotr/tlv.h>
#include <libotr/userstate.h>

#include "chat.h"
#include "config.h"
#include "fpr.h"
#include "jid.h"
#include "log.h"
#include "otr.h"
#include "util.h"

#define PROTO		"xmpp"
#define POLICY		(OTRL_POLICY_ALLOW_V2 | OTRL_POLICY_ALLOW_V3 |	\
			    OTRL_POLICY_REQUIRE_ENCRYPTION |		\
			    OTRL_POLICY_WHITESPACE_START_AKE |		\
			    OTRL_POLICY_ERROR_START_AKE)
#define QUERY_TAG	"?OTRv23?"
#define STALE_TEXT	"The bot could not read your encrypted message: its " \
			"private conversation with you was lost (it restarted?). " \
			"A new one is starting; please send your message again"

#define KEY_FILE	"otr.private_key"
#define INSTAG_FILE	"otr.instance_tags"
#define FPR_FILE	"otr.fingerprints"

#define MAX_INSTANCES	8	/* instances remembered per bare JID */
#define STALE_COOLDOWN	60	/* one stale-session recovery a minute */
#define PROTO_COOLDOWN	10	/* libotr's own errors and queries */
#define ASK_WINDOW	10	/* our query waits this long for an answer */
/* A repeated query within this many seconds of the DH-commit that answered
 * the last one is dropped: a client's answer normally comes in well under
 * a second, so 10 s covers a double click and a client's re-send behind
 * a queue, while a client that really lost the commit gets a new one
 * soon after. */
#define REQUERY_WINDOW	10
#define MAX_BARE	5	/* bare queries per cooldown without a handshake */
#define SMP_WINDOW	3600	/* smp_max_attempts per this many seconds */
#define SMP_TRACK	64
#define AKE_WINDOW	120	/* a plaintext-only context lives this long */
#define LATE_WINDOW	10	/* plaintext this soon after a session began,
				   before any private message: written before
				   it (late_plaintext); a round trip, under
				   load too */
#define PEERS_FACTOR	4	/* peer records: this many per live session */
#define MAX_SEND	(64 * 1024)	/* bytes of text in one otr_send */
#define PEER_BUCKETS	1024
#define MAX_UNREADABLE	16	/* per session: libotr leaks 40 bytes each */
#define EVICT_TRIES	32	/* idle records looked at to make room */
#define FRAG_PEERS	16	/* fragments in flight: this many max_body */

enum smp_action {
	SMP_NONE = 0,
	SMP_RESPOND,
	SMP_ABORT,
	SMP_REFUSE,	/* smp_refused(): aborted, the peer's state kept */
};

/* A session's address: set when the session starts (a handshake done in
 * it) or a message decrypts in it, never by a message that merely carries
 * its instance tag (issue 9.5b). */
struct inst {
	otrl_instag_t	 tag;		/* 0: the master context (OTR v2) */
	char		*full;
	time_t		 seen;
	int		 offline;	/* that full JID went offline */
};

/* Peers sit in two lists, most recently active first: every peer
 * (LIST_ALL: the order records are evicted in) and those with a live
 * session (LIST_LIVE: the order sessions are ended in at the cap). */
enum { LIST_ALL, LIST_LIVE, NLISTS };

struct plink {
	struct peer	*prev;		/* more recently active */
	struct peer	*next;		/* less recently active */
};

struct plist {
	struct peer	*head;
	struct peer	*tail;
};

struct peer {
	struct plink	 link[NLISTS];
	struct peer	*hnext;		/* same hash bucket */
	time_t		 due;		/* eng_poll() looks at it then */
	size_t		 heap_at;	/* its place in o->heap, 1-based; 0 none */
	unsigned long	 polled;	/* o->polls when the tick last looked */
	ConnContext	*master;	/* cached; NULL: see no_ctx */
	int		 no_ctx;	/* known: libotr has no context */
	int		 live;		/* counted in o->nlive, in LIST_LIVE */
	time_t		 ake_at;	/* last message while a handshake ran */
	otrl_instag_t	 asked_in;	/* session of the last text decrypted */
	int		 has_asked_in;
	size_t		 frag;		/* counted in o->frag_total */
	char		*bare;
	char		*full;		/* last full JID heard from */
	struct inst	 inst[MAX_INSTANCES];
	time_t		 active;	/* last message in or out */
	uint64_t	 touched;	/* touch_clock then: orders the
					   shards' peers (front_evict) */
	time_t		 refused;	/* last refusal notice sent */
	time_t		 plain_at;	/* last plaintext refused */
	time_t		 stale;		/* last stale-session recovery */
	time_t		 proto_err;	/* last OTR error libotr sent */
	time_t		 proto_query;	/* last query libotr sent */
	time_t		 asked;		/* last query we sent */
	int		 asked_open;	/* ... by eng_open() */
	int		 nbare;		/* bare queries since the last notice */
	time_t		 ake_seen;	/* last handshake message from them */
	time_t		 commit_at;	/* our last DH-commit, if they have sent
					   nothing but queries since; 0 */
	int		 smp_ours;	/* the running SMP is the bot's check */
	time_t		 smp[SMP_TRACK];	/* SMP attempts, oldest first */
	int		 nsmp;
	int		 smp_busy;
	int		 unread;	/* lost a message since the last SECURE */
	int		 nunreadable;	/* unreadable messages this session */
	int		 offline;
	int		 secure;	/* SECURE announced, ENDED not yet */
	unsigned char	 secure_fp[20];	/* ... with this key */
	time_t		 secure_at;	/* the session began or re-keyed */
	int		 heard;		/* ... and read a data message since */
	int		 plain_told;	/* ... saying plaintext was not read */
};

struct pending {
	int		 is_text;
	enum otr_event_type type;
	char		*bare;
	char		*full;		/* UNPINNED: the session's address */
	unsigned int	 session;	/* UNPINNED: its instance tag */
	char		 fp[OTR_FP_HUMAN_LEN];	/* UNPINNED: its key */
	char		*text;
	int		 unread;
	int		 plaintext;
};

struct eng {
	const struct config	*cfg;
	struct otr_callbacks	 cb;
	OtrlUserState		*us;		/* nus of them; a JID's: us_of */
	unsigned int		 nus;
	OtrlMessageAppOps	 ops;
	char			*account;
	char			*refusal;
	char			*refusal_auto;	/* NULL: the refusal's text */
	char			*key_path;
	char			*instag_path;
	char			*fpr_path;
	char			*fpr_written;	/* its content, as last written */
	char			 our_fp[OTR_FP_HUMAN_LEN];
	struct plist		 list[NLISTS];
	struct peer		*bucket[PEER_BUCKETS];
	size_t			 npeers;
	size_t			 nlive;		/* peers with a live session */
	size_t			 frag_total;	/* bytes of fragments held */
	time_t			 last_poll;
	size_t			 poll_visits;	/* peers the last poll looked at */
	time_t			 poll_now;	/* the running poll's time; 0 */
	unsigned long		 polls;		/* eng_poll() calls so far */
	struct peer		**heap;		/* min-heap of peers by due */
	size_t			 nheap;
	size_t			 heapcap;
	long			 sched_idle;	/* idle_timeout the dues used */
	long			 sched_keep;	/* record_keep() the dues used */
	unsigned int		 poll_interval;
	time_t			(*clock)(void);

	/* Where libotr's injections go now (NULL: the peer's last JID). */
	const char		*route;

	/* Facts recorded by the callbacks during one receive. */
	int			 rx_unencrypted;
	int			 rx_other_instance;
	int			 rx_unrecognized;
	int			 rx_unreadable;
	ConnContext		*smp_ctx;
	enum smp_action		 smp_action;
	ConnContext		*smp_over;	/* an SMP ended here */
	ConnContext		*ake_over;	/* a handshake ended here */

	/* Sharded (otr_threads > 0): this engine holds the JIDs with
	 * shard_of(bare, nshards) == shard; the live count is summed over
	 * the shards; the fingerprints file is written by the main thread. */
	unsigned int		 nshards;	/* 0: the only engine */
	unsigned int		 shard;
	size_t			*live_total;	/* atomic; NULL if not sharded */
	int			*fpr_dirty;	/* atomic; set to ask for a write */
	int			 in_worker;	/* running in a worker thread */
	int			 deferred;	/* receive must run in the main
						 * thread (session_evict) */

	struct pending		*pend;
	size_t			 npend;
	size_t			 pendcap;
	int			 depth;
};

static int lib_ready;

static int peer_end(struct eng *, struct peer *);
static void eng_free(struct eng *);
static void eng_end_all(struct eng *);
static int session_evict(struct eng *);

/* ---------------------------------------------------------------------
 * Small helpers
 */

static time_t
now_of(const struct eng *o)
{
	return (o != NULL && o->clock != NULL) ? o->clock() : time(NULL);
}

static char
lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/* New string: the bare, lower-cased JID of jid; NULL if it is not a
 * person's JID (no localpart, or not valid: see jid.h). */
static char *
person_bare(const char *jid)
{
	return jid_has_local(jid) ? jid_bare(jid) : NULL;
}

static const char *
ascii_strcasestr(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay != '\0'; hay++) {
		size_t i;

		for (i = 0; i < n; i++)
			if (hay[i] == '\0' || lower(hay[i]) != lower(needle[i]))
				break;
		if (i == n)
			return hay;
	}
	return NULL;
}

/*
 * Plaintext that looks like somebody's automatic notice or auto-reply gets
 * no refusal notice: two bots that each answer the other's notice loop.
 * Phrases, not topics: a person asking about OTR in plaintext must still
 * be told how to reach the bot.
 */
static const char *const auto_phrases[] = {
	"?otr",
	"[otr]",
	"auto-reply",
	"autoreply",
	"auto reply",
	"automatic reply",
	"automatic message",
	"automated message",
	"this is an automated",
	"this is an automatic",
	"out of office",
	"do not reply",
	"i am a bot",
	"this is a bot",
	"requires encryption",
	"encryption is required",
	"requires an encrypted",
	"only accepts encrypted",
	"only accept encrypted",
	"only answers encrypted",
	"encrypted messages only",
	"does not accept unencrypted",
	"unencrypted messages are not",
	"plaintext messages are not",
	"has requested an off-the-record",
};

static int
looks_automatic(const char *body)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(auto_phrases); i++)
		if (ascii_strcasestr(body, auto_phrases[i]) != NULL)
			return 1;
	return 0;
}

/*
 * Fragments: "?OTR|sender|receiver,k,n,piece," (v3) or "?OTR,k,n,piece,"
 * (v2). libotr reassembles the first "?OTR|" anywhere in the body, or
 * failing that the first "?OTR,", whatever comes before it (libotr's
 * otrl_proto_fragment_accumulate), so the same header is checked here.
 * Returns 0 if libotr will not take body for a fragment, 1 if it is an
 * acceptable one, -1 if it must be dropped (n over the limit, or a header
 * libotr would read differently).
 */
static int
fragment_check(const char *body, int max_fragments)
{
	const char *p;
	long k = 0, n = 0;

	if ((p = strstr(body, "?OTR|")) != NULL) {
		/* skip the two instance tags */
		if ((p = strchr(p + 5, '|')) == NULL ||
		    (p = strchr(p + 1, ',')) == NULL)
			return -1;
		p++;
	} else if ((p = strstr(body, "?OTR,")) != NULL)
		p += 5;
	else
		return 0;
	while (*p >= '0' && *p <= '9' && k < 100000)
		k = k * 10 + (*p++ - '0');
	if (*p++ != ',')
		return -1;
	while (*p >= '0' && *p <= '9' && n < 100000)
		n = n * 10 + (*p++ - '0');
	if (*p != ',' || k < 1 || n < 1 || k > n || n > max_fragments)
		return -1;
	return 1;
}

/* ---------------------------------------------------------------------
 * Files: 0600 in a 0700 directory, written through a temporary file.
 */

static char *
path_in(const char *dir, const char *file)
{
	struct buf b;

	buf_init(&b);
	buf_addf(&b, "%s/%s", dir, file);
	return buf_detach(&b);
}

static int
dir_ensure(const char *dir)
{
	struct stat st;

	if (stat(dir, &st) == -1) {
		if (errno != ENOENT) {
			log_warn("otr: %s", dir);
			return -1;
		}
		if (mkdir(dir, 0700) == -1) {
			log_warn("otr: cannot create %s", dir);
			return -1;
		}
		log_info("otr: created the state directory %s", dir);
		return 0;
	}
	if (!S_ISDIR(st.st_mode)) {
		log_warnx("otr: %s is not a directory", dir);
		return -1;
	}
	if (st.st_mode & 077)
		log_warnx("otr: %s is open to group or others (mode %04o); "
		    "it should be 0700", dir, (unsigned)(st.st_mode & 07777));
	return 0;
}

/* Returns 1 if path is a usable key file, 0 if missing, -1 if refused. */
static int
key_file_check(const char *path)
{
	struct stat st;

	if (stat(path, &st) == -1) {
		if (errno == ENOENT)
			return 0;
		log_warn("otr: %s", path);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		log_error("otr: %s is not a regular file", path);
		return -1;
	}
	if (st.st_mode & 077) {
		log_error("otr: refusing the key %s: it is open to group or "
		    "others (mode %04o); run chmod 600 on it", path,
		    (unsigned)(st.st_mode & 07777));
		return -1;
	}
	return 1;
}

/* Older files made more open than 0600 are tightened. */
static void
file_tighten(const char *path)
{
	struct stat st;

	if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 077)) {
		if (chmod(path, 0600) == -1)
			log_warn("otr: chmod 600 %s", path);
		else
			log_info("otr: %s was mode %04o, now 0600", path,
			    (unsigned)(st.st_mode & 07777));
	}
}

/* A temporary file next to path, 0600, open for reading and writing. */
static FILE *
tmp_open(const char *path, char **tmp)
{
	struct buf b;
	FILE *f;
	int fd;

	buf_init(&b);
	buf_addf(&b, "%s.tmpXXXXXX", path);
	if ((fd = mkstemp(b.s)) == -1) {
		log_warn("otr: cannot create a file next to %s", path);
		buf_release(&b);
		return NULL;
	}
	if (fchmod(fd, 0600) == -1 || (f = fdopen(fd, "w+")) == NULL) {
		log_warn("otr: %s", b.s);
		close(fd);
		unlink(b.s);
		buf_release(&b);
		return NULL;
	}
	*tmp = buf_detach(&b);
	return f;
}

/* Closes f and renames it over path if ok; removes it otherwise. */
static int
tmp_commit(FILE *f, char *tmp, const char *path, int ok)
{
	if (ok && (fflush(f) != 0 || fsync(fileno(f)) == -1)) {
		log_warn("otr: writing %s", path);
		ok = 0;
	}
	if (fclose(f) != 0 && ok) {
		log_warn("otr: writing %s", path);
		ok = 0;
	}
	if (ok && rename(tmp, path) == -1) {
		log_warn("otr: rename to %s", path);
		ok = 0;
	}
	if (!ok)
		unlink(tmp);
	free(tmp);
	return ok ? 0 : -1;
}

static void
lib_init(void)
{
	if (lib_ready)
		return;
	OTRL_INIT;
	/* libotr installs its allocators but leaves gcrypt's initialisation
	 * to the application; log.c checks for it. */
	if (!gcry_control(GCRYCTL_INITIALIZATION_FINISHED_P)) {
		gcry_check_version(NULL);
		gcry_control(GCRYCTL_INITIALIZATION_FINISHED, 0);
	}
	lib_ready = 1;
}

/* Loads the key for account from path, generating it if missing. */
static int
key_load(OtrlUserState us, const char *path, const char *account)
{
	gcry_error_t err;
	char *tmp;
	FILE *f;
	int have;

	if ((have = key_file_check(path)) < 0)
		return -1;
	if (have && (err = otrl_privkey_read(us, path)) != 0) {
		log_warnx("otr: cannot read the key %s: %s", path,
		    gcry_strerror(err));
		return -1;
	}
	if (otrl_privkey_find(us, account, PROTO) != NULL)
		return 0;
	log_info("otr: generating the OTR key, this can take a few seconds");
	if ((f = tmp_open(path, &tmp)) == NULL)
		return -1;
	err = otrl_privkey_generate_FILEp(us, f, account, PROTO);
	if (err)
		log_warnx("otr: key generation failed: %s", gcry_strerror(err));
	if (tmp_commit(f, tmp, path, err == 0) == -1 ||
	    otrl_privkey_find(us, account, PROTO) == NULL)
		return -1;
	log_info("otr: key written to %s", path);
	return 0;
}

static int
instag_generate(struct eng *o)
{
	gcry_error_t err;
	char *tmp;
	FILE *f;

	if ((f = tmp_open(o->instag_path, &tmp)) == NULL)
		return -1;
	err = otrl_instag_generate_FILEp(o->us[0], f, o->account, PROTO);
	if (err)
		log_warnx("otr: instance tag: %s", gcry_strerror(err));
	if (tmp_commit(f, tmp, o->instag_path, err == 0) == -1)
		return -1;
	log_info("otr: new instance tag written to %s", o->instag_path);
	return 0;
}

/* Gives every user state the bot's instance tag: read from the file, or
 * made once (into the first) and written, then read into the others. */
static int
instags_ensure(struct eng *o)
{
	gcry_error_t err;
	unsigned int i;

	file_tighten(o->instag_path);
	for (i = 0; i < o->nus; i++) {
		if (otrl_instag_find(o->us[i], o->account, PROTO) != NULL)
			continue;
		err = otrl_instag_read(o->us[i], o->instag_path);
		if (err && gcry_err_code(err) != GPG_ERR_ENOENT) {
			log_warnx("otr: cannot read %s: %s", o->instag_path,
			    gcry_strerror(err));
			return -1;
		}
		if (otrl_instag_find(o->us[i], o->account, PROTO) != NULL)
			continue;
		if (i > 0) {
			log_warnx("otr: %s lost the instance tag",
			    o->instag_path);
			return -1;
		}
		if (instag_generate(o) == -1)
			return -1;
	}
	return 0;
}


static int
pin_matches(const struct config_helper *h, const unsigned char *fp)
{
	size_t i;

	if (h == NULL || fp == NULL)
		return 0;
	for (i = 0; i < h->nfingerprints; i++)
		if (memcmp(h->fingerprints[i], fp, CONFIG_FP_LEN) == 0)
			return 1;
	return 0;
}

/* Whose keys are written to disk: helpers', and people's if the admin
 * chose to remember them. */
static int
keeps_keys(const struct eng *o, const char *bare)
{
	return o->cfg->otr.remember_people || config_helper_find(o->cfg, bare) != NULL;
}

static unsigned int
shard_of(const char *bare, unsigned int n)
{
	return n > 1 ? (util_hash_str(bare) >> 8) % n : 0;
}

/* Which of n user states holds bare's contexts. Other bits of the hash
 * than shard_of's, so that every shard uses every user state. */
static unsigned int
us_index(const char *bare, unsigned int n)
{
	uint32_t h = util_hash_str(bare);

	h = (h ^ (h >> 15)) * 0x2c1b3c6du;
	return n > 1 ? (h >> 12) % n : 0;
}

/* The user state of bare (lower-cased bare JID): every libotr call about
 * a peer goes to this one. */
static OtrlUserState
us_of(const struct eng *o, const char *bare)
{
	return o->us[us_index(bare, o->nus)];
}

static ConnContext *master_of(const struct eng *, const char *);

/* The keys of master context m (and its instances' list) as lines of the
 * fingerprints file. */
static void
fpr_lines(struct buf *b, const ConnContext *m)
{
	const Fingerprint *f;
	char hex[FPR_HEX_LEN];

	for (f = m->fingerprint_root.next; f != NULL; f = f->next) {
		buf_addf(b, "%s\t%s\t%s\t", m->username, m->accountname,
		    m->protocol);
		fpr_to_hex(f->fingerprint, hex);
		buf_adds(b, hex);
		buf_addf(b, "\t%s\n", f->trust ? f->trust : "");
	}
}

/* Appends the lines of the fingerprints file for o's kept keys
 * (keeps_keys): without remember_people only the helpers' contexts are
 * looked at, not every context. */
static void
fingerprints_dump(const struct eng *o, struct buf *b)
{
	ConnContext *c;

	if (o->cfg->otr.remember_people) {
		for (unsigned int i = 0; i < o->nus; i++)
			for (c = o->us[i]->context_root; c != NULL;
			    c = c->next)
				if (c->m_context == c &&
				    keeps_keys(o, c->username))
					fpr_lines(b, c);
		return;
	}
	for (size_t i = 0; i < o->cfg->nhelpers; i++) {
		char bare[JID_BARE_MAX + 1];

		if (jid_bare_into(o->cfg->helpers[i].jid, bare,
		    sizeof(bare)) == JID_OK &&
		    (c = master_of(o, bare)) != NULL)
			fpr_lines(b, c);
	}
}

/*
 * Writes the kept keys. libotr asks for this at every key it has not
 * seen, that is at most handshakes with a newcomer; a file that would not
 * change (a stranger's key, not kept) is not written again (no rename, no
 * fsync). Sharded, the file holds every shard's keys: the main thread
 * writes it (otr_dispatch), asked through fpr_dirty.
 */
static int
fingerprints_write(struct eng *o)
{
	struct buf b;
	int rc;

	if (o->fpr_dirty != NULL) {
		__atomic_store_n(o->fpr_dirty, 1, __ATOMIC_SEQ_CST);
		return 0;
	}
	buf_init(&b);
	buf_adds(&b, "");
	fingerprints_dump(o, &b);
	if (o->fpr_written != NULL && strcmp(o->fpr_written, b.s) == 0) {
		buf_release(&b);
		return 0;
	}
	rc = util_write_atomic(o->fpr_path, b.s, b.len, 0600);
	if (rc == -1)
		log_warn("otr: cannot write %s", o->fpr_path);
	free(o->fpr_written);
	o->fpr_written = rc == 0 ? buf_detach(&b) : NULL;
	buf_release(&b);
	return rc;
}

/* ---------------------------------------------------------------------
 * Peers and their contexts
 */

static unsigned int
peer_hash(const char *bare)
{
	return util_hash_str(bare) % PEER_BUCKETS;
}

static struct peer *
peer_find(const struct eng *o, const char *bare)
{
	struct peer *p;

	for (p = o->bucket[peer_hash(bare)]; p != NULL; p = p->hnext)
		if (strcmp(p->bare, bare) == 0)
			return p;
	return NULL;
}

/* The master context of bare (NULL if none). libotr keeps contexts in one
 * sorted list; to keep each message's cost constant, the peer record
 * caches the master, and that there is none. Without a record, only a
 * JID whose keys are kept can have a context (peer_remove forgets the
 * others'), so only then is the list searched. */
static ConnContext *
master_of(const struct eng *o, const char *bare)
{
	struct peer *p = peer_find(o, bare);
	ConnContext *m;

	if (p != NULL && p->master != NULL)
		return p->master;
	if (p != NULL ? p->no_ctx : !keeps_keys(o, bare))
		return NULL;
	m = otrl_context_find(us_of(o, bare), bare, o->account, PROTO,
	    OTRL_INSTAG_MASTER, 0, NULL, NULL, NULL);
	if (p != NULL) {
		p->master = m;
		p->no_ctx = m == NULL;
	}
	return m;
}

#define FOREACH_INSTANCE(c, m) \
	for ((c) = (m); (c) != NULL && (c)->m_context == (m); (c) = (c)->next)

/* A session is live while a context is ENCRYPTED, or a handshake runs
 * that moved in the last AKE_WINDOW seconds. A FINISHED context (the
 * person ended OTR) or an abandoned handshake holds nothing: it does not
 * count towards max_sessions. */
static int
peer_live(const struct eng *o, const struct peer *p)
{
	ConnContext *m, *c;
	time_t now = now_of(o);
	int fresh = (p->ake_at != 0 && now - p->ake_at < AKE_WINDOW) ||
	    (p->asked != 0 && now - p->asked < AKE_WINDOW);

	if ((m = master_of(o, p->bare)) == NULL)
		return 0;
	FOREACH_INSTANCE(c, m)
		if (c->msgstate == OTRL_MSGSTATE_ENCRYPTED ||
		    (fresh && c->auth.authstate != OTRL_AUTHSTATE_NONE))
			return 1;
	return 0;
}

/* Whether a context of p is FINISHED (the other side ended OTR). */
static int
peer_finished(const struct eng *o, const struct peer *p)
{
	ConnContext *m, *c;

	if ((m = master_of(o, p->bare)) == NULL)
		return 0;
	FOREACH_INSTANCE(c, m)
		if (c->msgstate == OTRL_MSGSTATE_FINISHED)
			return 1;
	return 0;
}

/* Live sessions in every shard. */
static size_t
live_all(const struct eng *o)
{
	return o->live_total != NULL ?
	    __atomic_load_n(o->live_total, __ATOMIC_SEQ_CST) : o->nlive;
}

/* Takes p out of list l (nothing if it is not in it). */
static void
list_unlink(struct eng *o, int l, struct peer *p)
{
	struct plink *k = &p->link[l];
	struct plist *s = &o->list[l];

	if (k->prev != NULL)
		k->prev->link[l].next = k->next;
	else if (s->head == p)
		s->head = k->next;
	if (k->next != NULL)
		k->next->link[l].prev = k->prev;
	else if (s->tail == p)
		s->tail = k->prev;
	k->prev = k->next = NULL;
}

/* Puts p at the front of list l (moving it if it is in it). */
static void
list_front(struct eng *o, int l, struct peer *p)
{
	struct plink *k = &p->link[l];
	struct plist *s = &o->list[l];

	if (s->head == p)
		return;
	list_unlink(o, l, p);
	k->next = s->head;
	if (s->head != NULL)
		s->head->link[l].prev = p;
	s->head = p;
	if (s->tail == NULL)
		s->tail = p;
}

static int
peer_ake_running(const struct eng *o, const char *bare)
{
	ConnContext *m, *c;

	if ((m = master_of(o, bare)) == NULL)
		return 0;
	FOREACH_INSTANCE(c, m)
		if (c->auth.authstate != OTRL_AUTHSTATE_NONE)
			return 1;
	return 0;
}

static int
peer_encrypted(const struct eng *o, const char *bare)
{
	ConnContext *m, *c;

	if ((m = master_of(o, bare)) == NULL)
		return 0;
	FOREACH_INSTANCE(c, m)
		if (c->msgstate == OTRL_MSGSTATE_ENCRYPTED)
			return 1;
	return 0;
}

/* Bytes of fragments libotr holds for p (constant: its instances). */
static size_t
peer_frag_bytes(const struct eng *o, const struct peer *p)
{
	ConnContext *m, *c;
	size_t n = 0;

	if ((m = master_of(o, p->bare)) == NULL)
		return 0;
	FOREACH_INSTANCE(c, m)
		n += c->context_priv->fragment_len;
	return n;
}

/*
 * The tick's timer: a binary min-heap of peers keyed by the time
 * eng_poll() must next look at them (peer_due). Every change to what the
 * tick acts on (activity, a libotr call, a handshake) goes through
 * peer_touch() or peer_recount(), which reschedule; the tick then pops
 * only the peers whose time came, so its cost does not grow with the
 * people heard from and gone (issue 13).
 */
static void
heap_put(struct eng *o, size_t i, struct peer *p)
{
	o->heap[i] = p;
	p->heap_at = i + 1;
}

static void
heap_up(struct eng *o, size_t i)
{
	struct peer *p = o->heap[i];

	while (i > 0 && o->heap[(i - 1) / 2]->due > p->due) {
		heap_put(o, i, o->heap[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
	heap_put(o, i, p);
}

static void
heap_down(struct eng *o, size_t i)
{
	struct peer *p = o->heap[i];
	size_t k;

	while ((k = 2 * i + 1) < o->nheap) {
		if (k + 1 < o->nheap && o->heap[k + 1]->due < o->heap[k]->due)
			k++;
		if (o->heap[k]->due >= p->due)
			break;
		heap_put(o, i, o->heap[k]);
		i = k;
	}
	heap_put(o, i, p);
}

static void
heap_remove(struct eng *o, struct peer *p)
{
	struct peer *last;
	size_t i = p->heap_at;

	if (i-- == 0)
		return;
	p->heap_at = 0;
	if (i == --o->nheap)
		return;
	last = o->heap[o->nheap];
	heap_put(o, i, last);
	heap_down(o, i);
	heap_up(o, last->heap_at - 1);
}

/* Sets p's due time, adding p to the heap if it is not in it. */
static void
heap_set(struct eng *o, struct peer *p, time_t due)
{
	if (p->heap_at == 0) {
		if (o->nheap == o->heapcap) {
			o->heapcap = o->heapcap ? o->heapcap * 2 : 64;
			o->heap = xrealloc(o->heap,
			    o->heapcap * sizeof(*o->heap));
		}
		p->due = due;
		heap_put(o, o->nheap++, p);
		heap_up(o, o->nheap - 1);
		return;
	}
	p->due = due;
	heap_up(o, p->heap_at - 1);
	heap_down(o, p->heap_at - 1);
}

/* How long a peer record outlives its last message: the refusal
 * cooldown and the SMP attempt window are counted in it. */
static long
record_keep(const struct eng *o)
{
	long keep = o->cfg->otr.refusal_cooldown;

	return keep < SMP_WINDOW ? SMP_WINDOW : keep;
}

static time_t
earlier(time_t a, time_t b)
{
	return a < b ? a : b;
}

/*
 * When eng_poll() must next look at p, from its state now: no later than
 * the first time one of the tick's rules could apply to it (an encrypted
 * session idle for idle_timeout, a FINISHED context, contexts without a
 * session for AKE_WINDOW, a fresh handshake going stale, the record's
 * keep over). Too early costs one visit; never too late.
 */
static time_t
peer_due(const struct eng *o, const struct peer *p, time_t now)
{
	ConnContext *m, *c;
	long keep = record_keep(o);
	time_t t = p->active + keep;
	int enc = 0, busy = 0;

	if (t <= now && config_helper_find(o->cfg, p->bare) != NULL)
		t = now + keep;		/* a helper's record stays; look again
					 * in case a reload removed them */
	if ((m = master_of(o, p->bare)) != NULL) {
		FOREACH_INSTANCE(c, m) {
			if (c->msgstate == OTRL_MSGSTATE_FINISHED)
				return now;
			enc |= c->msgstate == OTRL_MSGSTATE_ENCRYPTED;
			busy |= c != m || c->msgstate != OTRL_MSGSTATE_PLAINTEXT ||
			    c->auth.authstate != OTRL_AUTHSTATE_NONE;
		}
		if (enc)
			t = earlier(t, p->active + o->cfg->otr.idle_timeout);
		else if (busy || !keeps_keys(o, p->bare))
			t = earlier(t, p->active + AKE_WINDOW);
	}
	if (p->live && p->ake_at + AKE_WINDOW > now)
		t = earlier(t, p->ake_at + AKE_WINDOW);
	if (p->live && p->asked + AKE_WINDOW > now)
		t = earlier(t, p->asked + AKE_WINDOW);
	return t;
}

/* Puts p in the heap at its due time. One the running tick looked at
 * already waits for the next tick if it is still due (never twice in the
 * same one); any other that is due is looked at by the running or the
 * next tick. */
static void
peer_schedule(struct eng *o, struct peer *p)
{
	time_t now = now_of(o), t;

	if (o->poll_now > now)
		now = o->poll_now;
	t = peer_due(o, p, now);
	if (t <= now && o->poll_now != 0 && p->polled == o->polls)
		t = now + 1;
	heap_set(o, p, t);
}

/* After any libotr call about p: recounts its live session and its
 * fragments into the totals (live sessions are counted as they start and
 * end, never by walking every peer). */
static void
peer_recount(struct eng *o, struct peer *p)
{
	int live = peer_live(o, p);
	size_t frag = peer_frag_bytes(o, p);

	o->nlive = o->nlive - (size_t)p->live + (size_t)live;
	if (o->live_total != NULL && live != p->live)
		__atomic_add_fetch(o->live_total, live ? 1 : (size_t)-1,
		    __ATOMIC_SEQ_CST);
	if (live && !p->live)
		list_front(o, LIST_LIVE, p);
	else if (!live && p->live)
		list_unlink(o, LIST_LIVE, p);
	p->live = live;
	o->frag_total = o->frag_total - p->frag + frag;
	p->frag = frag;
	peer_schedule(o, p);
}

/* p was active now: it moves to the front of the eviction order. */
/* Counts peer_touch() calls of every engine: "least recently active"
 * across shards, finer than a second. */
static uint64_t touch_clock;

static void
peer_touch(struct eng *o, struct peer *p, time_t now)
{
	p->active = now;
	p->touched = __atomic_add_fetch(&touch_clock, 1, __ATOMIC_RELAXED);
	if (p->live)
		list_front(o, LIST_LIVE, p);
	list_front(o, LIST_ALL, p);
	peer_schedule(o, p);
}

/*
 * The one answer to "is this session a helper's": it is encrypted, its JID
 * is a configured helper, and the key of this very session (not another
 * session of the same JID) equals one of that helper's pins. Every helper
 * text, reply and note goes through it.
 */
static const struct config_helper *
session_helper(const struct eng *o, const ConnContext *c)
{
	const struct config_helper *h;

	if (c == NULL || c->msgstate != OTRL_MSGSTATE_ENCRYPTED ||
	    c->active_fingerprint == NULL ||
	    (h = config_helper_find(o->cfg, c->username)) == NULL)
		return NULL;
	return pin_matches(h, c->active_fingerprint->fingerprint) ? h : NULL;
}

/* An encrypted session of a helper's JID whose key is not pinned. */
static int
session_unpinned(const struct eng *o, const ConnContext *c)
{
	return c != NULL && c->msgstate == OTRL_MSGSTATE_ENCRYPTED &&
	    config_helper_find(o->cfg, c->username) != NULL &&
	    session_helper(o, c) == NULL;
}

/*
 * SMP runs only in a session that session_helper() takes for a helper's,
 * or in one of a JID that is no helper's: another session of a helper's
 * account is refused (aborted, no trust, no SMP event: never the helper's
 * check, never the helper's proof). Every SMP path asks this.
 */
static int
smp_refused(const struct eng *o, const ConnContext *c)
{
	return c != NULL && config_helper_find(o->cfg, c->username) != NULL &&
	    session_helper(o, c) == NULL;
}

/*
 * The current session with bare: the ENCRYPTED instance whose text came
 * last (replies go to the session that asked), else the one that received
 * most recently. With a helper's JID, only a session_helper() one, unless
 * any_key (eng_info() reporting a mismatch).
 */
static ConnContext *
current_ctx(const struct eng *o, const char *bare, int any_key)
{
	ConnContext *m, *c, *best = NULL;
	const struct peer *p = peer_find(o, bare);
	int helper = config_helper_find(o->cfg, bare) != NULL;

	if ((m = master_of(o, bare)) == NULL)
		return NULL;
	FOREACH_INSTANCE(c, m) {
		if (c->msgstate != OTRL_MSGSTATE_ENCRYPTED)
			continue;
		if (helper && !any_key && session_helper(o, c) == NULL)
			continue;
		if (p != NULL && p->has_asked_in &&
		    c->their_instance == p->asked_in)
			return c;
		if (best == NULL ||
		    c->context_priv->lastrecv >= best->context_priv->lastrecv)
			best = c;
	}
	return best;
}

/*
 * libotr 4.1.1 leaks memory in long-running use; each workaround below is
 * checked by the unit test under LeakSanitizer:
 * - otrl_context_forget() never frees context_priv (ctx_forget frees it,
 *   one context at a time, children first);
 * - a finished handshake leaves its gcrypt handles in ctx->auth and the
 *   next one in the same context overwrites them (ake_tidy clears them);
 * - each SMP run overwrites the previous run's numbers (smp_tidy frees
 *   them once an SMP is over).
 */
static int
ctx_forget(ConnContext *c)
{
	void *priv = c->context_priv;

	if (c->m_context == c) {
		ConnContext *k;
		int again = 1;

		while (again) {
			again = 0;
			FOREACH_INSTANCE(k, c) {
				if (k != c && k->msgstate == OTRL_MSGSTATE_PLAINTEXT) {
					if (ctx_forget(k) == 0)
						again = 1;
					break;
				}
			}
		}
	}
	if (otrl_context_forget(c) != 0)
		return -1;
	free(priv);
	return 0;
}

static void
ake_tidy(ConnContext *c)
{
	if (c->auth.authstate == OTRL_AUTHSTATE_NONE)
		otrl_auth_clear(&c->auth);
	/* The master's v3 commit waits for other instances for a minute;
	 * the bot needs only one. */
	if (c->m_context != c &&
	    c->m_context->auth.authstate == OTRL_AUTHSTATE_AWAITING_DHKEY)
		otrl_auth_clear(&c->m_context->auth);
}

static void
smp_tidy(ConnContext *c)
{
	if (c->smstate != NULL && c->smstate->nextExpected == OTRL_SMP_EXPECT1)
		otrl_sm_state_free(c->smstate);
}

/* Forgets the contexts of p. Helpers' (and, when people are remembered,
 * everybody's) master contexts stay: they hold the known keys. */
static void
contexts_forget(struct eng *o, struct peer *p)
{
	ConnContext *m, *c;
	int again = 1;

	if ((m = master_of(o, p->bare)) == NULL)
		return;
	FOREACH_INSTANCE(c, m)
		otrl_context_force_plaintext(c);
	if (!keeps_keys(o, p->bare)) {
		ctx_forget(m);
		p->master = NULL;
		p->no_ctx = 1;
		peer_recount(o, p);
		return;
	}
	while (again) {
		again = 0;
		FOREACH_INSTANCE(c, m) {
			if (c != m) {
				ctx_forget(c);
				again = 1;
				break;
			}
		}
	}
	peer_recount(o, p);
}

static void
peer_free(struct peer *p)
{
	int i;

	for (i = 0; i < MAX_INSTANCES; i++)
		free(p->inst[i].full);
	free(p->bare);
	free(p->full);
	free(p);
}

static void
peer_remove(struct eng *o, struct peer *victim)
{
	struct peer **pp;

	contexts_forget(o, victim);
	if (victim->live)
		list_unlink(o, LIST_LIVE, victim);
	o->nlive -= (size_t)victim->live;
	if (o->live_total != NULL && victim->live)
		__atomic_sub_fetch(o->live_total, 1, __ATOMIC_SEQ_CST);
	o->frag_total -= victim->frag;
	for (pp = &o->bucket[peer_hash(victim->bare)]; *pp != NULL;
	    pp = &(*pp)->hnext) {
		if (*pp == victim) {
			*pp = victim->hnext;
			break;
		}
	}
	list_unlink(o, LIST_ALL, victim);
	heap_remove(o, victim);
	peer_free(victim);
	o->npeers--;
}

/* The peer record for bare, made if missing. NULL (logged) when the
 * records are full of live sessions. */
static struct peer *
peer_get(struct eng *o, const char *bare)
{
	struct peer *p, *oldest = NULL;
	size_t cap = o->cfg->limits.max_sessions * PEERS_FACTOR +
	    o->cfg->nhelpers + 1;

	if ((p = peer_find(o, bare)) != NULL)
		return p;
	if (o->npeers >= cap) {
		/* The least recently active idle record goes. Live or helper
		 * records met on the way move to the front: each is passed
		 * over once per round of the list, so the cost per new peer
		 * is constant (EVICT_TRIES at worst). */
		int tries;

		for (tries = 0; tries < EVICT_TRIES &&
		    o->list[LIST_ALL].tail != NULL; tries++) {
			p = o->list[LIST_ALL].tail;
			if (!p->live && !config_helper_find(o->cfg, p->bare)) {
				oldest = p;
				break;
			}
			peer_touch(o, p, p->active);
		}
		if (oldest == NULL) {
			log_warnx("otr: %zu peers, all in sessions: ignoring %s",
			    o->npeers, log_peer(bare));
			return NULL;
		}
		peer_remove(o, oldest);
	}
	p = xcalloc(1, sizeof(*p));
	p->bare = xstrdup(bare);
	p->no_ctx = !keeps_keys(o, bare);
	list_front(o, LIST_ALL, p);
	p->hnext = o->bucket[peer_hash(bare)];
	o->bucket[peer_hash(bare)] = p;
	o->npeers++;
	p->active = now_of(o);
	peer_schedule(o, p);
	return p;
}

static void
inst_set(struct peer *p, otrl_instag_t tag, const char *full, time_t now,
    int may_route)
{
	int i, slot = 0;

	for (i = 0; i < MAX_INSTANCES; i++) {
		if (p->inst[i].full != NULL && p->inst[i].tag == tag) {
			slot = i;
			break;
		}
		if (p->inst[i].full == NULL ||
		    p->inst[i].seen < p->inst[slot].seen)
			slot = i;
		if (p->inst[slot].full == NULL)
			break;
	}
	if (p->inst[slot].full != NULL && p->inst[slot].tag == tag &&
	    !may_route)
		return;		/* not from that session: no re-routing */
	if (p->inst[slot].full == NULL || strcmp(p->inst[slot].full, full)) {
		free(p->inst[slot].full);
		p->inst[slot].full = xstrdup(full);
	}
	p->inst[slot].tag = tag;
	p->inst[slot].seen = now;
	p->inst[slot].offline = 0;
}

/* The address slot of ctx's session (NULL if none). */
static const struct inst *
inst_of(const struct peer *p, const ConnContext *ctx)
{
	int i;

	if (p != NULL && ctx != NULL)
		for (i = 0; i < MAX_INSTANCES; i++)
			if (p->inst[i].full != NULL &&
			    p->inst[i].tag == ctx->their_instance)
				return &p->inst[i];
	return NULL;
}

/* Borrowed: the full JID the session in ctx is with. */
static const char *
ctx_full(const struct peer *p, const ConnContext *ctx, const char *bare)
{
	const struct inst *in = inst_of(p, ctx);

	if (in != NULL)
		return in->full;
	if (p != NULL && p->full != NULL)
		return p->full;
	return bare;
}

/* Too many instances of one bare JID (each OTR v3 instance tag gets a
 * context): forget the oldest, plaintext ones first, then other sessions,
 * a helper's pinned ones last; never keep (the session that just spoke,
 * so replies still go to the session that asked). Encrypted ones count
 * too: one account cannot hold more than MAX_INSTANCES sessions. */
static void
instances_trim(struct eng *o, const char *bare, const ConnContext *keep)
{
	ConnContext *m, *c, *oldest;
	int n, rank, best;

	if ((m = master_of(o, bare)) == NULL)
		return;
	for (;;) {
		n = 0;
		oldest = NULL;
		best = 3;
		FOREACH_INSTANCE(c, m) {
			if (c == m)
				continue;
			n++;
			if (c == keep)
				continue;
			rank = c->msgstate == OTRL_MSGSTATE_PLAINTEXT ? 0 :
			    session_helper(o, c) == NULL ? 1 : 2;
			if (rank < best || (rank == best &&
			    c->context_priv->lastrecv <
			    oldest->context_priv->lastrecv)) {
				oldest = c;
				best = rank;
			}
		}
		if (n <= MAX_INSTANCES || oldest == NULL)
			return;
		log_debug("otr: %s has %d instances, forgetting one%s",
		    log_peer(bare), n, best > 0 ? " in a session" : "");
		if (best > 0)
			otrl_context_force_plaintext(oldest);
		ctx_forget(oldest);
	}
}

/* ---------------------------------------------------------------------
 * Events reach the daemon after libotr returns
 */

static void
queue_add(struct eng *o, const struct pending *pd)
{
	if (o->npend == o->pendcap) {
		o->pendcap = o->pendcap ? o->pendcap * 2 : 8;
		o->pend = xrealloc(o->pend, o->pendcap * sizeof(*o->pend));
	}
	o->pend[o->npend++] = *pd;
}

static void
queue_event(struct eng *o, enum otr_event_type type, const char *bare,
    int unread, int plaintext)
{
	struct pending pd;

	memset(&pd, 0, sizeof(pd));
	pd.type = type;
	pd.bare = xstrdup(bare);
	pd.unread = unread;
	pd.plaintext = plaintext;
	queue_add(o, &pd);
}

/* A session of a helper's JID whose key is not pinned spoke or opened:
 * the daemon refuses it (otr_refuse_key) and alerts the others. */
static void
queue_unpinned(struct eng *o, const struct peer *p, const ConnContext *c)
{
	struct pending pd;

	memset(&pd, 0, sizeof(pd));
	pd.type = OTR_EV_UNPINNED;
	pd.bare = xstrdup(c->username);
	pd.full = xstrdup(ctx_full(p, c, c->username));
	pd.session = c->their_instance;
	if (c->active_fingerprint != NULL)
		otrl_privkey_hash_to_human(pd.fp,
		    c->active_fingerprint->fingerprint);
	log_warnx("otr: pin mismatch: a session of helper %s with key %s "
	    "(not pinned) is refused", log_peer(c->username),
	    pd.fp[0] != '\0' ? pd.fp : "?");
	queue_add(o, &pd);
}

static void
queue_text(struct eng *o, const char *bare, char *text)
{
	struct pending pd;

	memset(&pd, 0, sizeof(pd));
	pd.is_text = 1;
	pd.bare = xstrdup(bare);
	pd.text = text;
	queue_add(o, &pd);
}

static void
queue_drop(struct eng *o)
{
	size_t i;

	for (i = 0; i < o->npend; i++) {
		free(o->pend[i].bare);
		free(o->pend[i].full);
		free(o->pend[i].text);
	}
	free(o->pend);
	o->pend = NULL;
	o->npend = o->pendcap = 0;
}

/* Delivers queued events; callbacks may call back into this module. */
static void
flush(struct eng *o)
{
	while (o->depth == 0 && o->npend > 0) {
		struct pending *list = o->pend;
		size_t i, n = o->npend;

		o->pend = NULL;
		o->npend = o->pendcap = 0;
		for (i = 0; i < n; i++) {
			struct pending *pd = &list[i];

			if (pd->is_text) {
				if (o->cb.text != NULL)
					o->cb.text(o->cb.ud, pd->bare, pd->text);
			} else if (o->cb.event != NULL) {
				struct otr_event ev;

				memset(&ev, 0, sizeof(ev));
				ev.type = pd->type;
				ev.bare = pd->bare;
				ev.unread = pd->unread;
				ev.plaintext = pd->plaintext;
				ev.full = pd->full;
				ev.session = pd->session;
				ev.fp = pd->fp;
				o->cb.event(o->cb.ud, &ev);
			}
			free(pd->bare);
			free(pd->full);
			free(pd->text);
		}
		free(list);
	}
}

/* ---------------------------------------------------------------------
 * libotr's callbacks
 */

static OtrlPolicy
op_policy(void *od, ConnContext *ctx)
{
	(void)od;
	(void)ctx;
	return POLICY;
}

static void
op_create_privkey(void *od, const char *acct, const char *proto)
{
	(void)od;
	(void)proto;
	log_warnx("otr: libotr has no key for %s (it is made at start-up)",
	    log_vis(acct));
}

static int
op_is_logged_in(void *od, const char *acct, const char *proto,
    const char *user)
{
	struct eng *o = od;
	struct peer *p = peer_find(o, user);
	int i;

	(void)acct;
	(void)proto;
	if (p == NULL)
		return 1;
	/* Per session: the address libotr is about to write to. */
	if (o->route != NULL)
		for (i = 0; i < MAX_INSTANCES; i++)
			if (p->inst[i].full != NULL &&
			    strcmp(p->inst[i].full, o->route) == 0)
				return !p->inst[i].offline;
	return p->offline ? 0 : 1;
}

static void
op_inject(void *od, const char *acct, const char *proto, const char *user,
    const char *msg)
{
	struct eng *o = od;
	struct peer *p = peer_find(o, user);
	const char *to = NULL;
	time_t now = now_of(o);
	char *bare;

	(void)acct;
	(void)proto;
	if (msg == NULL || *msg == '\0')
		return;
	switch (otrl_proto_message_type(msg)) {
	case OTRL_MSGTYPE_QUERY:
		/* Only ERROR_START_AKE makes libotr send a query itself; its
		 * text (with Debian's HTML) is replaced by the bare tag. */
		if (p != NULL && p->proto_query != 0 &&
		    now - p->proto_query < PROTO_COOLDOWN) {
			log_debug("otr: not repeating a query to %s so soon",
			    log_peer(user));
			return;
		}
		if (p != NULL)
			p->proto_query = now;
		msg = QUERY_TAG;
		break;
	case OTRL_MSGTYPE_ERROR:
		if (p != NULL && p->proto_err != 0 &&
		    now - p->proto_err < PROTO_COOLDOWN) {
			log_debug("otr: not repeating an OTR error to %s so soon",
			    log_peer(user));
			return;
		}
		if (p != NULL)
			p->proto_err = now;
		break;
	case OTRL_MSGTYPE_DH_COMMIT:
		if (p != NULL)
			p->commit_at = now;
		break;
	default:
		break;
	}
	if (o->route != NULL && (bare = person_bare(o->route)) != NULL) {
		if (strcmp(bare, user) == 0)
			to = o->route;
		free(bare);
	}
	if (to == NULL)
		to = ctx_full(p, NULL, user);
	if (o->cb.inject(o->cb.ud, to, msg, 1) == -1)
		log_debug("otr: could not send to %s", log_peer(user));
}

/* A person's key is as personal as their JID, and more lasting: it names
 * their device and links them across restarts (the JID hash key changes).
 * So it is logged only with log.show_jids, which covers both. Helpers'
 * keys are in the config. The human form is made only when it is shown
 * (two a handshake otherwise, 40 sprintf calls for a line that hides it).
 * fp NULL: "?". */
static const char *
key_for_log(const struct eng *o, const char *bare, const unsigned char *fp,
    char human[OTRL_PRIVKEY_FPRINT_HUMAN_LEN])
{
	if (!log_shows_jids() && config_helper_find(o->cfg, bare) == NULL)
		return "(a person's key: logged only with log.show_jids)";
	if (fp == NULL)
		return "?";
	otrl_privkey_hash_to_human(human, fp);
	return human;
}

static void
op_new_fingerprint(void *od, OtrlUserState us, const char *acct,
    const char *proto, const char *user, unsigned char fp[20])
{
	char human[OTRL_PRIVKEY_FPRINT_HUMAN_LEN];

	(void)us;
	(void)acct;
	(void)proto;
	log_info("otr: new key for %s: %s", log_peer(user),
	    key_for_log(od, user, fp, human));
}

static void
op_write_fingerprints(void *od)
{
	fingerprints_write(od);
}

/* A session with p began (or re-keyed) now; SECURE says plaintext was
 * refused before it if plaintext (late_plaintext). */
static void
session_began(struct peer *p, time_t now, int plaintext)
{
	p->secure_at = now;
	p->heard = 0;
	p->plain_told = plaintext;
}

static void
op_gone_secure(void *od, ConnContext *ctx)
{
	struct eng *o = od;
	struct peer *p = peer_find(o, ctx->username);
	const struct config_helper *h = config_helper_find(o->cfg, ctx->username);
	char human[OTRL_PRIVKEY_FPRINT_HUMAN_LEN] = "?";
	const unsigned char *fp = ctx->active_fingerprint != NULL ?
	    ctx->active_fingerprint->fingerprint : NULL;
	int plaintext = 0, unread = 0, back = 0;
	time_t now = now_of(o);

	log_info("otr: private conversation with %s (OTR v%u, key %s)",
	    log_peer(ctx->username), ctx->protocol_version,
	    key_for_log(o, ctx->username, fp, human));
	if (h != NULL) {
		if (ctx->active_fingerprint != NULL &&
		    pin_matches(h, ctx->active_fingerprint->fingerprint))
			log_info("otr: helper %s: key matches a pin",
			    log_peer(ctx->username));
		else
			log_warnx("otr: helper %s uses key %s, which is NOT "
			    "pinned: nothing will be sent to it",
			    log_peer(ctx->username), human);
	}
	o->ake_over = ctx;
	if (session_unpinned(o, ctx)) {
		/* Not the helper's session: no SECURE, nothing of the
		 * helper's state changes. */
		queue_unpinned(o, p, ctx);
		return;
	}
	if (p == NULL) {
		queue_event(o, OTR_EV_SECURE, ctx->username, 0, 0);
		return;
	}
	unread = p->unread;
	plaintext = p->plain_at != 0 &&
	    now - p->plain_at <= o->cfg->otr.refusal_cooldown;
	p->unread = 0;
	p->plain_at = 0;
	p->smp_busy = 0;
	p->smp_ours = 0;
	/* A conversation that got this far starts the next refusal afresh:
	 * whoever ends it and writes in clear again gets the whole notice. */
	p->refused = 0;
	p->nbare = 0;
	peer_touch(o, p, now);
	p->asked = 0;
	p->nunreadable = 0;
	back = p->offline;
	p->offline = 0;
	session_began(p, now, plaintext);
	/* A re-key with the same key (libotr passes through PLAINTEXT when
	 * the bot's v3 commit is answered) is no new session for the
	 * daemon, unless a message was lost on the way or the peer had gone
	 * offline (a restarted client: what waited for them is due). */
	if (p->secure && ctx->active_fingerprint != NULL &&
	    memcmp(p->secure_fp, ctx->active_fingerprint->fingerprint,
	    sizeof(p->secure_fp)) == 0 && !unread && !plaintext && !back)
		return;
	p->secure = 1;
	if (ctx->active_fingerprint != NULL)
		memcpy(p->secure_fp, ctx->active_fingerprint->fingerprint,
		    sizeof(p->secure_fp));
	queue_event(o, OTR_EV_SECURE, ctx->username, unread, plaintext);
}

static void
op_still_secure(void *od, ConnContext *ctx, int is_reply)
{
	struct eng *o = od;
	struct peer *p = peer_find(o, ctx->username);

	o->ake_over = ctx;
	log_debug("otr: session with %s refreshed (%s)",
	    log_peer(ctx->username), is_reply ? "we asked" : "they asked");
	if (session_unpinned(o, ctx))
		return;
	if (p != NULL) {
		int unread = p->unread;
		/* A client that ended OTR without telling us (Pidgin does
		 * not, for a contact missing from its buddy list) wrote in
		 * clear; our query made it re-key with the same keys. */
		int plaintext = p->plain_at != 0 &&
		    now_of(o) - p->plain_at <= o->cfg->otr.refusal_cooldown;

		p->asked = 0;
		p->plain_at = 0;
		session_began(p, now_of(o), plaintext);
		if (p->unread || p->offline || plaintext) {
			/* the refresh followed a lost message, or comes from
			 * a client that had gone offline (restarted), or
			 * the plaintext it sent was refused unread */
			p->unread = 0;
			p->offline = 0;
			p->refused = 0;
			p->nbare = 0;
			queue_event(o, OTR_EV_SECURE, ctx->username, unread,
			    plaintext);
		}
	}
}

static int
op_max_message_size(void *od, ConnContext *ctx)
{
	(void)od;
	(void)ctx;
	return 0;	/* no fragmentation on XMPP */
}

/* Goes to the peer in clear after "?OTR Error: ": no content. */
static const char *
op_otr_error_message(void *od, ConnContext *ctx, OtrlErrorCode code)
{
	(void)od;
	(void)ctx;
	switch (code) {
	case OTRL_ERRCODE_ENCRYPTION_ERROR:
		return "The bot could not encrypt a message.";
	case OTRL_ERRCODE_MSG_NOT_IN_PRIVATE:
		return "The bot has no private conversation with you.";
	case OTRL_ERRCODE_MSG_UNREADABLE:
		return "The bot could not read your encrypted message; "
		    "please send it again";
	case OTRL_ERRCODE_MSG_MALFORMED:
		return "The bot received a malformed OTR message.";
	default:
		return "OTR error.";
	}
}

static void
op_handle_msg_event(void *od, OtrlMessageEvent ev, ConnContext *ctx,
    const char *message, gcry_error_t err)
{
	struct eng *o = od;
	const char *who = ctx != NULL ? log_peer(ctx->username) : "(none)";
	struct peer *p = ctx != NULL ? peer_find(o, ctx->username) : NULL;

	(void)message;		/* may be the peer's text: never logged */
	switch (ev) {
	case OTRL_MSGEVENT_ENCRYPTION_REQUIRED:
		log_warnx("otr: text for %s reached libotr outside a private "
		    "conversation (dropped)", who);
		break;
	case OTRL_MSGEVENT_ENCRYPTION_ERROR:
		log_warnx("otr: encrypting for %s failed", who);
		break;
	case OTRL_MSGEVENT_CONNECTION_ENDED:
		log_info("otr: %s had ended the conversation; not sent", who);
		break;
	case OTRL_MSGEVENT_SETUP_ERROR:
		log_info("otr: handshake with %s failed: %s", who,
		    gcry_strerror(err));
		break;
	case OTRL_MSGEVENT_MSG_REFLECTED:
		log_warnx("otr: %s reflected our own OTR messages", who);
		break;
	case OTRL_MSGEVENT_MSG_RESENT:
		log_debug("otr: libotr resent a message to %s", who);
		break;
	case OTRL_MSGEVENT_RCVDMSG_NOT_IN_PRIVATE:
		log_info("otr: encrypted message from %s outside a private "
		    "conversation", who);
		break;
	case OTRL_MSGEVENT_RCVDMSG_UNREADABLE:
		log_info("otr: unreadable encrypted message from %s", who);
		o->rx_unreadable = 1;
		if (p != NULL)
			p->unread = 1;
		break;
	case OTRL_MSGEVENT_RCVDMSG_MALFORMED:
		log_info("otr: malformed OTR message from %s", who);
		if (p != NULL)
			p->unread = 1;
		break;
	case OTRL_MSGEVENT_LOG_HEARTBEAT_RCVD:
		log_debug("otr: heartbeat from %s", who);
		break;
	case OTRL_MSGEVENT_LOG_HEARTBEAT_SENT:
		log_debug("otr: heartbeat sent to %s", who);
		break;
	case OTRL_MSGEVENT_RCVDMSG_GENERAL_ERR:
		log_info("otr: %s sent an OTR error", who);
		break;
	case OTRL_MSGEVENT_RCVDMSG_UNENCRYPTED:
		log_info("otr: refused a plaintext message from %s", who);
		o->rx_unencrypted = 1;
		break;
	case OTRL_MSGEVENT_RCVDMSG_UNRECOGNIZED:
		log_info("otr: unrecognised OTR message from %s", who);
		o->rx_unrecognized = 1;
		break;
	case OTRL_MSGEVENT_RCVDMSG_FOR_OTHER_INSTANCE:
		log_debug("otr: message from %s for another instance", who);
		o->rx_other_instance = 1;
		break;
	default:
		log_debug("otr: event %d for %s", (int)ev, who);
		break;
	}
}

/* Our own check's outcome becomes the key's trust, written down when the
 * key is kept (helpers; people with remember_people): a pass marks it, a
 * failure clears a pass from before. libotr does much the same; doing it
 * here keeps the rule in one place whatever it does. */
static void
smp_trust(struct eng *o, ConnContext *ctx, int passed)
{
	Fingerprint *f = ctx->active_fingerprint;

	if (f == NULL)
		return;
	otrl_context_set_trust(f, passed ? "smp" : "");
	if (keeps_keys(o, ctx->username))
		fingerprints_write(o);
}

static void
smp_over(struct eng *o, struct peer *p, ConnContext *ctx, int passed)
{
	int ours = p != NULL && p->smp_ours;

	if (p != NULL) {
		p->smp_busy = 0;
		p->smp_ours = 0;
	}
	if (ours) {
		smp_trust(o, ctx, passed);
		log_info("otr: the bot's check of %s %s (SMP)",
		    log_peer(ctx->username), passed ? "passed" : "failed");
		queue_event(o, passed ? OTR_EV_SMP_SUCCEEDED :
		    OTR_EV_SMP_FAILED, ctx->username, 0, 0);
		return;
	}
	log_info("otr: %s's check of the bot %s (SMP)",
	    log_peer(ctx->username), passed ? "passed" : "failed");
	if (!passed) {
		queue_event(o, OTR_EV_SMP_FAILED, ctx->username, 0, 0);
		return;
	}
	queue_event(o, OTR_EV_SMP_PROVED, ctx->username, 0, 0);
	/* Without a question both sides learn the result: a mutual check. */
	if (!ctx->smstate->received_question) {
		smp_trust(o, ctx, 1);
		queue_event(o, OTR_EV_SMP_SUCCEEDED, ctx->username, 0, 0);
	}
}

static void
op_handle_smp_event(void *od, OtrlSMPEvent ev, ConnContext *ctx,
    unsigned short pct, char *question)
{
	struct eng *o = od;
	struct peer *p = peer_find(o, ctx->username);
	const char *who = log_peer(ctx->username);

	(void)pct;
	(void)question;		/* the peer's words: never logged */
	if (smp_refused(o, ctx)) {
		/* Whatever step it is: aborted after this receive, nothing
		 * about the helper; a request is a pin mismatch. */
		if (ev == OTRL_SMPEVENT_ASK_FOR_SECRET ||
		    ev == OTRL_SMPEVENT_ASK_FOR_ANSWER)
			queue_unpinned(o, p, ctx);
		o->smp_ctx = ctx;
		o->smp_action = SMP_REFUSE;
		o->smp_over = ctx;
		return;
	}
	if (ev != OTRL_SMPEVENT_ASK_FOR_SECRET &&
	    ev != OTRL_SMPEVENT_ASK_FOR_ANSWER &&
	    ev != OTRL_SMPEVENT_IN_PROGRESS)
		o->smp_over = ctx;
	switch (ev) {
	case OTRL_SMPEVENT_ASK_FOR_SECRET:
	case OTRL_SMPEVENT_ASK_FOR_ANSWER:
		log_info("otr: %s asks the bot to prove its identity (SMP)",
		    who);
		o->smp_ctx = ctx;
		o->smp_action = SMP_RESPOND;
		if (p != NULL)
			p->smp_ours = 0;
		break;
	case OTRL_SMPEVENT_CHEATED:
	case OTRL_SMPEVENT_ERROR:
		log_info("otr: SMP with %s broke off (%s)", who,
		    ev == OTRL_SMPEVENT_CHEATED ? "cheated" : "error");
		o->smp_ctx = ctx;
		o->smp_action = SMP_ABORT;
		smp_over(o, p, ctx, 0);
		break;
	case OTRL_SMPEVENT_ABORT:
		log_info("otr: %s aborted SMP", who);
		if (p != NULL && p->smp_busy)
			smp_over(o, p, ctx, 0);
		break;
	case OTRL_SMPEVENT_IN_PROGRESS:
		log_debug("otr: SMP with %s in progress", who);
		break;
	case OTRL_SMPEVENT_SUCCESS:
		smp_over(o, p, ctx, 1);
		break;
	case OTRL_SMPEVENT_FAILURE:
		smp_over(o, p, ctx, 0);
		break;
	default:
		break;
	}
}

static void
op_create_instag(void *od, const char *acct, const char *proto)
{
	struct eng *o = od;

	(void)acct;
	(void)proto;
	instags_ensure(o);
}

/* ---------------------------------------------------------------------
 * Start and stop
 */

static void
ops_init(OtrlMessageAppOps *ops)
{
	memset(ops, 0, sizeof(*ops));
	ops->policy = op_policy;
	ops->create_privkey = op_create_privkey;
	ops->is_logged_in = op_is_logged_in;
	ops->inject_message = op_inject;
	ops->new_fingerprint = op_new_fingerprint;
	ops->write_fingerprints = op_write_fingerprints;
	ops->gone_secure = op_gone_secure;
	ops->still_secure = op_still_secure;
	ops->max_message_size = op_max_message_size;
	ops->otr_error_message = op_otr_error_message;
	ops->handle_msg_event = op_handle_msg_event;
	ops->handle_smp_event = op_handle_smp_event;
	ops->create_instag = op_create_instag;
	/* timer_control NULL: eng_poll() calls otrl_message_poll. */
}

static char *
account_of(const struct config *cfg)
{
	char *acct = person_bare(cfg->account.jid);

	if (acct == NULL)
		log_warnx("otr: the account JID is not a user@domain JID");
	return acct;
}

/* Forgets every context of us (children first: ctx_forget). */
static void
us_forget_all(OtrlUserState us)
{
	ConnContext *c;

	for (c = us->context_root; c != NULL; c = c->next)
		otrl_context_force_plaintext(c);
	while (us->context_root != NULL)
		if (ctx_forget(us->context_root->m_context) != 0)
			break;
}

/* Reads the known keys (one file for every shard and user state) into a
 * user state of its own, then gives each kept master context and its keys
 * to its JID's user state in this engine; people's are dropped unless
 * remembered. libotr's reader walks its list once per line: reading into
 * each user state would cost that many times more. */
static int
fingerprints_load(struct eng *o)
{
	OtrlUserState all;
	gcry_error_t err;
	ConnContext *c, *m;
	Fingerprint *f, *g;
	int dropped = 0;

	file_tighten(o->fpr_path);
	all = otrl_userstate_create();
	err = otrl_privkey_read_fingerprints(all, o->fpr_path, NULL, NULL);
	if (err && gcry_err_code(err) != GPG_ERR_ENOENT) {
		log_warnx("otr: cannot read %s: %s", o->fpr_path,
		    gcry_strerror(err));
		us_forget_all(all);
		otrl_userstate_free(all);
		return -1;
	}
	for (c = all->context_root; c != NULL; c = c->next) {
		if (c->m_context != c)
			continue;
		if (!keeps_keys(o, c->username)) {
			dropped++;
			continue;
		}
		if (shard_of(c->username, o->nshards) != o->shard)
			continue;	/* another shard's */
		m = otrl_context_find(us_of(o, c->username), c->username,
		    c->accountname, c->protocol, OTRL_INSTAG_MASTER, 1, NULL,
		    NULL, NULL);
		if (m == NULL)
			continue;
		for (f = c->fingerprint_root.next; f != NULL; f = f->next)
			if ((g = otrl_context_find_fingerprint(m,
			    f->fingerprint, 1, NULL)) != NULL)
				otrl_context_set_trust(g, f->trust);
	}
	us_forget_all(all);
	otrl_userstate_free(all);
	if (dropped > 0) {
		log_info("otr: forgot %d people's keys (remember_people is off)",
		    dropped);
		return fingerprints_write(o);
	}
	return 0;
}

static struct eng *
eng_new(const struct config *cfg, const char *refusal,
    const struct otr_callbacks *cb, unsigned int nshards, unsigned int shard,
    size_t *live_total, int *fpr_dirty)
{
	struct eng *o;
	struct buf b;

	if (cfg->state_dir == NULL || cb == NULL || cb->inject == NULL) {
		log_warnx("otr: no state directory or no way to send");
		return NULL;
	}
	lib_init();
	o = xcalloc(1, sizeof(*o));
	o->cfg = cfg;
	o->cb = *cb;
	o->nshards = nshards;
	o->shard = shard;
	o->live_total = live_total;
	o->fpr_dirty = fpr_dirty;
	ops_init(&o->ops);
	if ((o->account = account_of(cfg)) == NULL)
		goto fail;
	buf_init(&b);
	buf_addf(&b, "%s\n%s", QUERY_TAG, refusal ? refusal : "");
	o->refusal = buf_detach(&b);
	o->key_path = path_in(cfg->state_dir, KEY_FILE);
	o->instag_path = path_in(cfg->state_dir, INSTAG_FILE);
	o->fpr_path = path_in(cfg->state_dir, FPR_FILE);
	o->nus = cfg->limits.otr_userstates > 0 ?
	    (unsigned int)cfg->limits.otr_userstates : 1;
	o->us = xcalloc(o->nus, sizeof(*o->us));
	for (unsigned int i = 0; i < o->nus; i++)
		o->us[i] = otrl_userstate_create();
	o->poll_interval = otrl_message_poll_get_default_interval(o->us[0]);
	o->sched_idle = o->cfg->otr.idle_timeout;
	o->sched_keep = record_keep(o);

	if (dir_ensure(cfg->state_dir) == -1)
		goto fail;
	/* The first read makes the key if missing, the others read it. */
	for (unsigned int i = 0; i < o->nus; i++)
		if (key_load(o->us[i], o->key_path, o->account) == -1)
			goto fail;
	if (instags_ensure(o) == -1 || fingerprints_load(o) == -1)
		goto fail;
	if (otrl_privkey_fingerprint(o->us[0], o->our_fp, o->account,
	    PROTO) == NULL)
		goto fail;
	log_info("otr: the bot's OTR fingerprint is %s", o->our_fp);
	return o;
fail:
	log_warnx("otr: cannot start OTR");
	eng_free(o);
	return NULL;
}

static void
eng_free(struct eng *o)
{
	struct peer *p;

	if (o == NULL)
		return;
	if (o->us != NULL)
		eng_end_all(o);
	queue_drop(o);
	while ((p = o->list[LIST_ALL].head) != NULL) {
		o->list[LIST_ALL].head = p->link[LIST_ALL].next;
		peer_free(p);
	}
	memset(o->bucket, 0, sizeof(o->bucket));
	for (unsigned int i = 0; o->us != NULL && i < o->nus; i++) {
		if (o->us[i] == NULL)
			continue;
		us_forget_all(o->us[i]);
		otrl_userstate_free(o->us[i]);
	}
	free(o->us);
	free(o->account);
	free(o->refusal);
	free(o->refusal_auto);
	free(o->key_path);
	free(o->instag_path);
	free(o->fpr_path);
	free(o->fpr_written);
	free(o->heap);
	free(o);
}

int
otr_fingerprint_only(const struct config *cfg, char fp[OTR_FP_HUMAN_LEN])
{
	OtrlUserState us;
	char *acct, *path;
	int rc = -1;

	fp[0] = '\0';
	if (cfg->state_dir == NULL || (acct = account_of(cfg)) == NULL)
		return -1;
	lib_init();
	path = path_in(cfg->state_dir, KEY_FILE);
	us = otrl_userstate_create();
	if (dir_ensure(cfg->state_dir) == 0 &&
	    key_load(us, path, acct) == 0 &&
	    otrl_privkey_fingerprint(us, fp, acct, PROTO) != NULL)
		rc = 0;
	otrl_userstate_free(us);
	free(path);
	free(acct);
	return rc;
}

static void
eng_set_auto_notice(struct eng *o, const char *text)
{
	free(o->refusal_auto);
	o->refusal_auto = text != NULL ? xstrdup(text) : NULL;
}

static void
eng_set_clock(struct eng *o, time_t (*clock)(void))
{
	o->clock = clock;
}

/* ---------------------------------------------------------------------
 * Receiving
 */

/* Whether a handshake with p is under way: our query is fresh, or the
 * peer's handshake messages are. A query now would cross it. */
static int
handshake_fresh(const struct eng *o, const struct peer *p, time_t now)
{
	if (p->asked != 0 && now - p->asked < ASK_WINDOW)
		return 1;
	return p->ake_seen != 0 && now - p->ake_seen < ASK_WINDOW &&
	    peer_ake_running(o, p->bare);
}

/*
 * A plaintext that comes just after p's session began, before any private
 * message in it: the person wrote it while the handshake ran (a client
 * that lets them type meanwhile, or one slow to go private), and it
 * travelled behind the handshake, a round trip at most. A query now would
 * make their client re-key a session that has just begun, and what either
 * side sends while the keys change is lost: the person's next question
 * cannot be read (libotr: "unreadable"). Only the session's own address
 * counts (an instance record with the session's tag, not gone offline
 * since: a client that went away and came back has lost the session);
 * another client of the person's, or a session whose record was evicted,
 * gets the query, and so does a plaintext after LATE_WINDOW or a clock
 * that stepped back.
 */
static int
late_plaintext(const struct eng *o, const struct peer *p,
    const char *from_full, time_t now)
{
	const struct inst *in;
	ConnContext *m, *c;

	if (p->secure_at == 0 || now < p->secure_at ||
	    now - p->secure_at >= LATE_WINDOW ||
	    p->heard || (m = master_of(o, p->bare)) == NULL)
		return 0;
	FOREACH_INSTANCE(c, m)
		if (c->msgstate == OTRL_MSGSTATE_ENCRYPTED &&
		    (in = inst_of(p, c)) != NULL && !in->offline &&
		    strcmp(in->full, from_full) == 0)
			return 1;
	return 0;
}

/*
 * A plaintext is never met with silence: the notice (text and query tag)
 * once per cooldown, and inside it the query tag alone, which an OTR client
 * answers with a handshake and a plain one shows as a short code. No
 * answer to automatic messages or to our own notices (two bots would
 * loop), none while a handshake is under way (crossed handshakes stall),
 * and at most MAX_BARE bare queries in a row that no handshake followed (a
 * slow auto-responder gets a few, then nothing). A late plaintext
 * (late_plaintext()) gets the notice's text without the tag, which starts
 * no re-key, up to MAX_BARE more times inside the cooldown: the person's
 * client may have lost the session (restarted), and only that says her
 * message was not read.
 */
static void
refuse(struct eng *o, struct peer *p, const char *from_full,
    const char *body, time_t now)
{
	const char *s, *e, *text, *autotext, *out;
	int ake;

	p->plain_at = now;
	queue_event(o, OTR_EV_REFUSED, p->bare, 0, 1);
	text = o->refusal + strlen(QUERY_TAG) + 1;
	autotext = o->refusal_auto != NULL ? o->refusal_auto : text;
	if (looks_automatic(body) ||
	    (*text != '\0' && strstr(body, text) != NULL) ||
	    (*autotext != '\0' && strstr(body, autotext) != NULL)) {
		log_info("otr: no notice to %s: looks like an automatic message",
		    log_peer(p->bare));
		return;
	}
	/* A whitespace tag means libotr has started the handshake itself:
	 * a query now would cross it (potr cannot cope). The handshake is
	 * the answer; the notice says so, once per cooldown. */
	ake = strstr(body, OTRL_MESSAGE_TAG_BASE) != NULL &&
	    otrl_proto_whitespace_bestversion(body, &s, &e, POLICY) > 0;
	if (ake)
		p->ake_seen = now;
	if (late_plaintext(o, p, from_full, now)) {
		/* plain_at stays: a re-key soon after (the client had lost
		 * the session) says it was not read. */
		out = ake ? autotext : text;
		log_info("otr: plaintext from %s %lds after its private "
		    "conversation began: the notice without a query (%s)",
		    log_peer(p->bare), (long)(now - p->secure_at),
		    p->plain_told ? "already told it was not read" :
		    "telling it privately too");
		if (!p->plain_told) {
			p->plain_told = 1;
			queue_event(o, OTR_EV_SECURE, p->bare, 0, 1);
		}
		if (p->refused == 0 ||
		    now - p->refused >= o->cfg->otr.refusal_cooldown) {
			p->refused = now;
			p->nbare = 0;
		} else if (p->nbare++ >= MAX_BARE)
			return;
		if (*out != '\0')
			o->cb.inject(o->cb.ud, from_full, out, 0);
		return;
	}
	if (ake) {
		if ((p->refused != 0 &&
		    now - p->refused < o->cfg->otr.refusal_cooldown) ||
		    *autotext == '\0')
			return;
		p->refused = now;
		p->nbare = 0;
		log_info("otr: sent the refusal notice to %s (handshake "
		    "already started)", log_peer(p->bare));
		o->cb.inject(o->cb.ud, from_full, autotext, 0);
		return;
	}
	if (handshake_fresh(o, p, now)) {
		log_debug("otr: no query to %s: a handshake is under way",
		    log_peer(p->bare));
		return;
	}
	if (p->refused == 0 || now - p->refused >= o->cfg->otr.refusal_cooldown) {
		p->refused = now;
		p->nbare = 0;
		out = o->refusal;
		log_info("otr: sent the refusal notice to %s",
		    log_peer(p->bare));
	} else if (p->nbare >= MAX_BARE) {
		log_info("otr: no query to %s: %d in a row went unanswered",
		    log_peer(p->bare), p->nbare);
		return;
	} else {
		p->nbare++;
		out = QUERY_TAG;
		log_info("otr: sent a bare query to %s (notice sent %lds ago)",
		    log_peer(p->bare), (long)(now - p->refused));
	}
	p->asked = now;
	p->asked_open = 0;
	o->cb.inject(o->cb.ud, from_full, out, out == o->refusal ? 0 : 1);
}

/* Encrypted data we cannot read outside a session: after a restart the
 * peer still thinks it has one. Tell them (unless libotr did), and start
 * a fresh handshake. */
static void
recover(struct eng *o, struct peer *p, const char *from_full, time_t now,
    int tell)
{
	p->unread = 1;
	if (p->stale != 0 && now - p->stale < STALE_COOLDOWN) {
		log_debug("otr: stale session with %s: already recovering",
		    log_peer(p->bare));
		return;
	}
	p->stale = now;
	log_info("otr: stale session with %s (bot restarted?): asking for a "
	    "new one", log_peer(p->bare));
	if (tell)
		o->cb.inject(o->cb.ud, from_full, OTR_ERROR_PREFIX STALE_TEXT, 1);
	if (!peer_ake_running(o, p->bare)) {
		p->asked = now;
		p->asked_open = 0;
		o->cb.inject(o->cb.ud, from_full, QUERY_TAG, 1);
	}
}

static int
smp_limited(struct eng *o, struct peer *p, time_t now)
{
	int i, n = 0, max = o->cfg->otr.smp_max_attempts;

	for (i = 0; i < p->nsmp; i++)
		if (now - p->smp[i] < SMP_WINDOW)
			p->smp[n++] = p->smp[i];
	p->nsmp = n;
	if (max > SMP_TRACK)
		max = SMP_TRACK;
	return n >= max;
}

static void
smp_count(struct peer *p, time_t now)
{
	if (p->nsmp == SMP_TRACK) {
		memmove(p->smp, p->smp + 1, (SMP_TRACK - 1) * sizeof(p->smp[0]));
		p->nsmp--;
	}
	p->smp[p->nsmp++] = now;
}

/* SMP steps libotr asked for, done once otrl_message_receiving is over. */
static void
smp_followup(struct eng *o, struct peer *p, time_t now)
{
	ConnContext *ctx = o->smp_ctx;
	const char *secret = o->cfg->otr.smp_secret;
	enum smp_action act = o->smp_action;

	o->smp_ctx = NULL;
	o->smp_action = SMP_NONE;
	if (ctx == NULL || act == SMP_NONE ||
	    ctx->msgstate != OTRL_MSGSTATE_ENCRYPTED)
		return;
	if (act == SMP_REFUSE || smp_refused(o, ctx)) {
		/* Not the helper's SMP: the pinned session's run, if any,
		 * is left alone. */
		otrl_message_abort_smp(us_of(o, ctx->username), &o->ops, o,
		    ctx);
		o->smp_over = ctx;
		return;
	}
	if (act == SMP_RESPOND && smp_limited(o, p, now)) {
		log_warnx("otr: %s is over the SMP attempt limit",
		    log_peer(p->bare));
		queue_event(o, OTR_EV_SMP_LIMITED, p->bare, 0, 0);
		act = SMP_ABORT;
	} else if (act == SMP_RESPOND && (secret == NULL || *secret == '\0')) {
		log_info("otr: no smp_secret configured: aborting SMP with %s",
		    log_peer(p->bare));
		queue_event(o, OTR_EV_SMP_FAILED, p->bare, 0, 0);
		act = SMP_ABORT;
	}
	if (act == SMP_RESPOND) {
		smp_count(p, now);
		p->smp_busy = 1;
		otrl_message_respond_smp(us_of(o, ctx->username), &o->ops, o, ctx,
		    (const unsigned char *)secret, strlen(secret));
		queue_event(o, OTR_EV_SMP_ANSWERED, p->bare, 0, 0);
	} else {
		p->smp_busy = 0;
		otrl_message_abort_smp(us_of(o, ctx->username), &o->ops, o,
		    ctx);
		o->smp_over = ctx;
	}
}

/*
 * Both sides answering each other's query start two handshakes at once,
 * and libotr (v3: one in the master context, one in an instance's) as
 * well as potr then stall. After our query the peer's client answers with
 * a handshake; its own query (a libotr client sends one on our OTR
 * error) is dropped. Two bots opening at once: the larger JID waits.
 */
static int
query_crosses(const struct eng *o, const struct peer *p, time_t now)
{
	if (p->asked == 0 || now - p->asked >= ASK_WINDOW)
		return 0;
	return !p->asked_open || strcmp(o->account, p->bare) > 0;
}

/*
 * A query from a peer whose handshake the bot opened (it sent a DH-commit,
 * and still awaits the DH-key) a moment ago, and which has sent nothing
 * else since: a double click, a client's re-send, a flood. libotr would
 * make a new DH-commit (a 1,536-bit exponentiation) and break the one in
 * flight; the first commit answers this query as well.
 */
static int
query_repeated(const struct eng *o, const struct peer *p, time_t now)
{
	ConnContext *m;

	if (p->commit_at == 0 || now - p->commit_at >= REQUERY_WINDOW)
		return 0;
	m = master_of(o, p->bare);
	return m != NULL && m->auth.authstate == OTRL_AUTHSTATE_AWAITING_DHKEY;
}

static void
eng_receive(struct eng *o, const char *from_full, const char *body)
{
	OtrlMessageType type;
	OtrlTLV *tlvs = NULL;
	ConnContext *ctx = NULL, *m;
	unsigned int m_version = 0;
	struct peer *p;
	char *bare, *newmsg = NULL;
	size_t len;
	time_t now = now_of(o);
	unsigned char flags = 0;
	int r, frag, ended = 0, other_client;

	if (body == NULL)
		return;
	if ((bare = person_bare(from_full)) == NULL) {
		enum jid_error e = jid_parse(from_full, NULL);

		log_warnx("otr: dropped a message from an address that is not "
		    "a person's JID (%s)", e == JID_OK ? "no localpart" :
		    jid_strerror(e));
		return;
	}
	if (strcmp(bare, o->account) == 0) {
		free(bare);
		return;
	}
	if ((len = strlen(body)) > o->cfg->limits.max_body) {
		log_warnx("otr: dropped a %zu-byte message from %s (limit %zu)",
		    len, log_peer(bare), o->cfg->limits.max_body);
		free(bare);
		return;
	}
	if ((frag = fragment_check(body, o->cfg->limits.max_fragments)) < 0) {
		log_warnx("otr: dropped an OTR fragment from %s (bad header or "
		    "more than %d pieces)", log_peer(bare),
		    o->cfg->limits.max_fragments);
		free(bare);
		return;
	}
	if ((p = peer_get(o, bare)) == NULL) {
		free(bare);
		return;
	}
	if (frag > 0 && (p->frag + len > o->cfg->limits.max_body ||
	    (config_helper_find(o->cfg, bare) == NULL && o->frag_total + len >
	    FRAG_PEERS * o->cfg->limits.max_body))) {
		log_warnx("otr: dropped an OTR fragment from %s (%zu bytes of "
		    "fragments held for it, %zu in all)", log_peer(bare),
		    p->frag, o->frag_total);
		free(bare);
		return;
	}
	/* At the cap, a newcomer starting OTR ends the least recently
	 * active unprotected session (session_evict); other OTR from
	 * outside a session is ignored, and so is everything when every
	 * session is protected. */
	type = otrl_proto_message_type(body);
	if (!p->live && config_helper_find(o->cfg, bare) == NULL &&
	    live_all(o) >= o->cfg->limits.max_sessions &&
	    (strstr(body, "?OTR") != NULL ||
	    strstr(body, OTRL_MESSAGE_TAG_BASE) != NULL)) {
		int opens = type == OTRL_MSGTYPE_QUERY ||
		    type == OTRL_MSGTYPE_DH_COMMIT ||
		    type == OTRL_MSGTYPE_TAGGEDPLAINTEXT;

		/* session_evict asks the daemon's kept(): a worker hands
		 * this message to the main thread (otr_dispatch). */
		if (opens && o->in_worker) {
			o->deferred = 1;
			free(bare);
			return;
		}
		if (!opens || session_evict(o) == -1) {
			log_warnx("otr: %zu live sessions (the limit): ignoring "
			    "OTR from %s", o->cfg->limits.max_sessions,
			    log_peer(bare));
			free(bare);
			return;
		}
	}
	/* Our pending query went to the last address heard from (or the
	 * bare JID); a query from another client of the peer does not
	 * cross it. */
	other_client = p->full != NULL && strcmp(p->full, from_full) != 0;
	if (p->full == NULL || other_client) {
		free(p->full);
		p->full = xstrdup(from_full);
	}
	peer_touch(o, p, now);

	if (type == OTRL_MSGTYPE_DATA)
		otrl_proto_data_read_flags(body, &flags);
	if (type == OTRL_MSGTYPE_DH_COMMIT || type == OTRL_MSGTYPE_DH_KEY ||
	    type == OTRL_MSGTYPE_REVEALSIG || type == OTRL_MSGTYPE_SIGNATURE)
		p->ake_seen = now;
	if (type == OTRL_MSGTYPE_QUERY && !other_client &&
	    query_crosses(o, p, now)) {
		log_debug("otr: %s asked while our query is pending; their "
		    "handshake will answer ours", log_peer(bare));
		free(bare);
		return;
	}
	if (type == OTRL_MSGTYPE_QUERY && !other_client &&
	    query_repeated(o, p, now)) {
		log_debug("otr: %s asked again %lds after our DH-commit; "
		    "that one answers it", log_peer(bare),
		    (long)(now - p->commit_at));
		free(bare);
		return;
	}
	p->commit_at = 0;	/* something else: the rule is over */
	o->rx_unencrypted = o->rx_other_instance = o->rx_unrecognized = 0;
	o->rx_unreadable = 0;
	o->smp_ctx = o->smp_over = o->ake_over = NULL;
	o->smp_action = SMP_NONE;

	o->depth++;
	o->route = from_full;
	if ((m = master_of(o, bare)) != NULL &&
	    m->msgstate == OTRL_MSGSTATE_ENCRYPTED)
		m_version = m->protocol_version;
	p->no_ctx = 0;		/* libotr makes the context if missing */
	r = otrl_message_receiving(us_of(o, bare), &o->ops, o, o->account, PROTO,
	    bare,
	    body, &newmsg, &tlvs, &ctx, NULL, NULL);
	/* A v3 handshake from another client of the peer runs partly in the
	 * master context and leaves it marked v3, while the master's own
	 * session (a v2 client's) keeps its keys: libotr would then write v3
	 * data that client drops. The master's session keeps its version. */
	if (m_version != 0 && m->msgstate == OTRL_MSGSTATE_ENCRYPTED &&
	    o->ake_over != m && m->protocol_version != m_version) {
		log_debug("otr: %s: the v%u session keeps its version",
		    log_peer(bare), m_version);
		m->protocol_version = m_version;
	}
	if (ctx != NULL) {
		/* Only the session itself moves its address: a handshake
		 * done in it, or a message that decrypts in it. */
		int routes = ctx->msgstate != OTRL_MSGSTATE_ENCRYPTED ||
		    o->ake_over == ctx || (r == 0 && newmsg != NULL &&
		    (type == OTRL_MSGTYPE_DATA || frag));

		p->master = ctx->m_context;
		inst_set(p, ctx->their_instance, from_full, now, routes);
	}
	if (peer_ake_running(o, bare))
		p->ake_at = now;	/* a handshake that moves is live */
	if ((type == OTRL_MSGTYPE_DATA || (frag && r == 0)) && ctx != NULL &&
	    ctx->msgstate == OTRL_MSGSTATE_ENCRYPTED && !o->rx_unreadable &&
	    !o->rx_other_instance && !o->rx_unrecognized)
		p->heard = 1;		/* the client is in the session */

	/* Text only from an encrypted session, and only from a data
	 * message (a reassembled fragment is one). */
	if (r == 0 && newmsg != NULL && session_unpinned(o, ctx) &&
	    (type == OTRL_MSGTYPE_DATA || frag)) {
		/* Not the helper: never their text (issue 9.1). */
		queue_unpinned(o, p, ctx);
	} else if (r == 0 && newmsg != NULL && ctx != NULL &&
	    ctx->msgstate == OTRL_MSGSTATE_ENCRYPTED &&
	    (type == OTRL_MSGTYPE_DATA || frag)) {
		char *text = chat_text_in(newmsg, o->cfg->limits.max_text);

		p->offline = 0;		/* back in the kept session */
		p->asked_in = ctx->their_instance;
		p->has_asked_in = 1;

		if (*text != '\0')
			queue_text(o, bare, text);
		else
			free(text);
	} else if (r == 0) {
		log_warnx("otr: libotr passed a message from %s that was not "
		    "private; dropped", log_peer(bare));
	}
	if (newmsg != NULL)
		otrl_message_free(newmsg);

	/* The DISCONNECTED TLV comes with r == 1 and leaves the context
	 * FINISHED; plaintext lets it be pruned (nothing is sent anyway). */
	if (tlvs != NULL && otrl_tlv_find(tlvs, OTRL_TLV_DISCONNECTED) != NULL &&
	    ctx != NULL) {
		log_info("otr: %s ended the private conversation",
		    log_peer(bare));
		ended = 1;
		otrl_context_force_plaintext(ctx);
		p->smp_busy = 0;
		if (p->secure && !peer_encrypted(o, bare)) {
			p->secure = 0;
			queue_event(o, OTR_EV_ENDED, bare, 0, 0);
		}
	}
	otrl_tlv_free(tlvs);
	smp_followup(o, p, now);
	if (o->smp_over != NULL)
		smp_tidy(o->smp_over);
	if (o->ake_over != NULL)
		ake_tidy(o->ake_over);
	o->smp_over = o->ake_over = NULL;

	if (o->rx_unencrypted)
		refuse(o, p, from_full, body, now);
	else if (!ended && r == 1 && (o->rx_unrecognized ||
	    (type == OTRL_MSGTYPE_DATA &&
	    !(flags & OTRL_MSGFLAGS_IGNORE_UNREADABLE) &&
	    (ctx == NULL ? !o->rx_other_instance :
	    ctx->msgstate != OTRL_MSGSTATE_ENCRYPTED))))
		recover(o, p, from_full, now, 1);
	else if (o->rx_unreadable && ++p->nunreadable > MAX_UNREADABLE) {
		/* libotr 4.1.1 leaks its extra key on each one: a peer that
		 * keeps sending them loses the session instead. */
		log_warnx("otr: %d unreadable messages from %s: ending the "
		    "session", p->nunreadable, log_peer(bare));
		if (p->secure) {
			p->secure = 0;
			queue_event(o, OTR_EV_ENDED, bare, 0, 0);
		}
		peer_end(o, p);
		ctx = NULL;
	} else if (o->rx_unreadable)
		recover(o, p, from_full, now, 0);

	instances_trim(o, bare, ctx);
	/* Nothing under way with this peer (plaintext refused, no
	 * handshake, no fragments): its contexts go now, so that libotr's
	 * sorted list, which it walks for every message, holds the live
	 * sessions and kept keys only, not every stranger heard from. */
	if (!keeps_keys(o, bare) && !peer_live(o, p) &&
	    peer_frag_bytes(o, p) == 0)
		contexts_forget(o, p);
	peer_recount(o, p);
	o->route = NULL;
	o->depth--;
	free(bare);
	flush(o);
}

/* ---------------------------------------------------------------------
 * Sending
 */

static int
send_ctx(struct eng *o, struct peer *p, ConnContext *ctx, const char *bare,
    const char *text)
{
	ConnContext *used = NULL;
	gcry_error_t err;
	char *safe, *out = NULL;
	int rc = -1;

	if (strlen(text) > MAX_SEND) {
		log_warnx("otr: not sending %zu bytes to %s (limit %d)",
		    strlen(text), log_peer(bare), MAX_SEND);
		return -1;
	}
	safe = chat_text_out(text);
	if (*safe == '\0') {
		free(safe);
		return -1;
	}
	o->depth++;
	o->route = ctx_full(p, ctx, bare);
	err = otrl_message_sending(us_of(o, bare), &o->ops, o, o->account,
	    PROTO, bare,
	    ctx->their_instance, safe, NULL, &out, OTRL_FRAGMENT_SEND_SKIP,
	    &used, NULL, NULL);
	if (err != 0 || out == NULL || *out == '\0' || used != ctx ||
	    used->msgstate != OTRL_MSGSTATE_ENCRYPTED ||
	    otrl_proto_message_type(out) != OTRL_MSGTYPE_DATA) {
		log_warnx("otr: encrypting for %s failed; nothing sent",
		    log_peer(bare));
	} else if (o->cb.inject(o->cb.ud, o->route, out, 1) == 0) {
		rc = 0;
		if (p != NULL)
			peer_touch(o, p, now_of(o));
	}
	if (out != NULL)
		otrl_message_free(out);
	free(safe);
	o->route = NULL;
	o->depth--;
	flush(o);
	return rc;
}

static int
eng_send(struct eng *o, const char *bare_in, const char *text)
{
	ConnContext *ctx;
	char *bare;
	int rc = -1;

	if (text == NULL || (bare = person_bare(bare_in)) == NULL)
		return -1;
	if ((ctx = current_ctx(o, bare, 0)) == NULL)
		log_info("otr: not sending to %s: no private conversation",
		    log_peer(bare));
	else
		rc = send_ctx(o, peer_find(o, bare), ctx, bare, text);
	free(bare);
	return rc;
}

static int
eng_send_pinned(struct eng *o, const char *bare_in, const char *text)
{
	const struct config_helper *h;
	ConnContext *ctx;
	char *bare;
	int rc = -1;

	if (text == NULL || (bare = person_bare(bare_in)) == NULL)
		return -1;
	if ((h = config_helper_find(o->cfg, bare)) == NULL)
		log_warnx("otr: %s is not a helper: nothing sent",
		    log_peer(bare));
	else if ((ctx = current_ctx(o, bare, 0)) == NULL)
		log_warnx("otr: no private conversation with helper %s under a "
		    "pinned key: nothing sent", log_peer(bare));
	else
		rc = send_ctx(o, peer_find(o, bare), ctx, bare, text);
	free(bare);
	return rc;
}

static int
eng_refuse_key(struct eng *o, const char *bare_in, unsigned int session,
    const char *text)
{
	ConnContext *m, *c, *ctx = NULL;
	char *bare;
	int rc = -1;

	if (text == NULL || (bare = person_bare(bare_in)) == NULL)
		return -1;
	if ((m = master_of(o, bare)) != NULL)
		FOREACH_INSTANCE(c, m)
			if (c->their_instance == session && session_unpinned(o, c))
				ctx = c;
	if (ctx != NULL)
		rc = send_ctx(o, peer_find(o, bare), ctx, bare, text);
	free(bare);
	return rc;
}

static int
eng_open(struct eng *o, const char *bare_in)
{
	struct peer *p;
	char *bare;
	int rc = 0;

	if ((bare = person_bare(bare_in)) == NULL)
		return -1;
	if ((p = peer_get(o, bare)) == NULL) {
		free(bare);
		return -1;
	}
	if (peer_ake_running(o, bare)) {
		log_debug("otr: handshake with %s already running",
		    log_peer(bare));
	} else {
		log_info("otr: asking %s for a private conversation",
		    log_peer(bare));
		peer_touch(o, p, now_of(o));
		p->asked = p->active;
		p->asked_open = 1;
		rc = o->cb.inject(o->cb.ud, p->full ? p->full : bare,
		    QUERY_TAG, 1);
	}
	free(bare);
	return rc;
}

static int
eng_smp_start(struct eng *o, const char *bare_in, const char *question)
{
	const char *q = question != NULL && *question != '\0' ? question :
	    o->cfg->otr.smp_question;
	const char *secret = o->cfg->otr.smp_secret;
	ConnContext *ctx;
	struct peer *p;
	char *bare;
	time_t now = now_of(o);

	if (q == NULL || *q == '\0' || secret == NULL || *secret == '\0')
		return -1;
	if ((bare = person_bare(bare_in)) == NULL)
		return -1;
	if ((ctx = current_ctx(o, bare, 0)) == NULL || smp_refused(o, ctx) ||
	    (p = peer_find(o, bare)) == NULL) {
		free(bare);
		return -1;
	}
	if (smp_limited(o, p, now)) {
		log_warnx("otr: %s is over the SMP attempt limit",
		    log_peer(bare));
		queue_event(o, OTR_EV_SMP_LIMITED, bare, 0, 0);
		free(bare);
		flush(o);
		return -1;
	}
	smp_count(p, now);
	o->depth++;
	o->route = ctx_full(p, ctx, bare);
	if (ctx->smstate->nextExpected != OTRL_SMP_EXPECT1)
		otrl_message_abort_smp(us_of(o, ctx->username), &o->ops, o,
		    ctx);
	smp_tidy(ctx);
	log_info("otr: asking %s the SMP question", log_peer(bare));
	otrl_message_initiate_smp_q(us_of(o, ctx->username), &o->ops, o, ctx, q,
	    (const unsigned char *)secret, strlen(secret));
	p->smp_busy = 1;
	p->smp_ours = 1;
	peer_touch(o, p, now);
	o->route = NULL;
	o->depth--;
	free(bare);
	flush(o);
	return 0;
}

/* Sends DISCONNECTED to each encrypted instance and forgets them. Returns
 * whether a session was encrypted. */
static int
peer_end(struct eng *o, struct peer *p)
{
	ConnContext *m, *c;
	int was = 0;

	if ((m = master_of(o, p->bare)) != NULL) {
		o->depth++;
		FOREACH_INSTANCE(c, m) {
			if (c->msgstate != OTRL_MSGSTATE_ENCRYPTED)
				continue;
			was = 1;
			o->route = ctx_full(p, c, p->bare);
			otrl_message_disconnect(us_of(o, p->bare), &o->ops, o,
			    o->account,
			    PROTO, p->bare, c->their_instance);
		}
		o->route = NULL;
		o->depth--;
	}
	/* Our handshakes go with the contexts: a query of ours no longer
	 * waits for an answer, so the peer's next query must not be dropped. */
	p->asked = 0;
	p->ake_at = 0;
	contexts_forget(o, p);
	p->secure = 0;
	p->smp_busy = 0;
	p->smp_ours = 0;
	return was;
}

/* The least recently active live session nobody protects (a configured
 * helper's, or one the owner's kept() names: a person with an open case),
 * or NULL. Sessions that stopped being live (a stale handshake) drop out
 * on the way; protected ones move to the front, each passed over once
 * per round. */
static struct peer *
evict_candidate(struct eng *o)
{
	size_t tries, n = o->nlive;

	for (tries = 0; tries < n && o->list[LIST_LIVE].tail != NULL;
	    tries++) {
		struct peer *p = o->list[LIST_LIVE].tail;

		peer_recount(o, p);
		if (!p->live)
			continue;
		if (config_helper_find(o->cfg, p->bare) != NULL ||
		    (o->cb.kept != NULL && o->cb.kept(o->cb.ud, p->bare))) {
			list_front(o, LIST_LIVE, p);
			continue;
		}
		return p;
	}
	return NULL;
}

static void
evict_end(struct eng *o, struct peer *p)
{
	log_info("otr: %zu live sessions (the limit): ending the least "
	    "recently active, with %s", o->cfg->limits.max_sessions,
	    log_peer(p->bare));
	if (p->secure) {
		p->secure = 0;
		queue_event(o, OTR_EV_ENDED, p->bare, 0, 0);
	}
	peer_end(o, p);
	peer_recount(o, p);
}

/*
 * At the cap: ends the least recently active live session that nobody
 * protects (a configured helper's, or one the owner's kept() names: a
 * person with an open case), so that a newcomer is served rather than
 * refused. Sessions that stopped being live (a stale handshake) drop out
 * on the way; protected ones move to the front, each passed over once per
 * round. 0 when there is room.
 */
static int
session_evict(struct eng *o)
{
	size_t max = o->cfg->limits.max_sessions;
	struct peer *p;

	while (live_all(o) >= max && (p = evict_candidate(o)) != NULL)
		evict_end(o, p);
	return live_all(o) < max ? 0 : -1;
}

static void
eng_end(struct eng *o, const char *bare_in)
{
	struct peer *p;
	char *bare;

	if ((bare = person_bare(bare_in)) == NULL)
		return;
	if ((p = peer_find(o, bare)) != NULL) {
		if (peer_end(o, p))
			log_info("otr: ended the private conversation with %s",
			    log_peer(bare));
	} else if (master_of(o, bare) != NULL) {
		struct peer tmp;

		memset(&tmp, 0, sizeof(tmp));
		tmp.bare = bare;
		peer_end(o, &tmp);
	}
	free(bare);
	flush(o);
}

static void
eng_end_all(struct eng *o)
{
	struct peer *p;
	int n = 0;

	for (p = o->list[LIST_ALL].head; p != NULL;
	    p = p->link[LIST_ALL].next)
		n += peer_end(o, p);
	if (n > 0)
		log_info("otr: ended %d private conversations", n);
	flush(o);
}

static void
eng_offline(struct eng *o, const char *full)
{
	struct peer *p;
	char *bare;

	if ((bare = person_bare(full)) == NULL)
		return;
	/* The session stays: a client that kept its keys may come back. Only
	 * the DISCONNECTED notice is no longer sent to nobody. Presence is
	 * per session address, not "the last address heard from". */
	if ((p = peer_find(o, bare)) != NULL) {
		ConnContext *ctx = current_ctx(o, bare, 0);
		const struct inst *cur = inst_of(p, ctx);
		int i;

		for (i = 0; i < MAX_INSTANCES; i++)
			if (p->inst[i].full != NULL &&
			    strcmp(p->inst[i].full, full) == 0)
				p->inst[i].offline = 1;
		if (cur != NULL ? cur->offline :
		    (p->full != NULL && strcmp(p->full, full) == 0))
			p->offline = 1;
	}
	free(bare);
}

/* After libotr's own timer (it may end the master's wait for a v3
 * handshake): the live peers with a context are recounted. Only contexts
 * are walked, which libotr's poll walked already. */
static void
poll_recount(struct eng *o)
{
	ConnContext *c;
	struct peer *p;

	for (unsigned int i = 0; i < o->nus; i++)
		for (c = o->us[i]->context_root; c != NULL; c = c->next)
			if (c->m_context == c &&
			    (p = peer_find(o, c->username)) != NULL && p->live)
				peer_recount(o, p);
}

/* A reload changed the timeouts: every peer's due time again. */
static void
poll_reschedule(struct eng *o)
{
	struct peer *p;

	o->sched_idle = o->cfg->otr.idle_timeout;
	o->sched_keep = record_keep(o);
	for (p = o->list[LIST_ALL].head; p != NULL; p = p->link[LIST_ALL].next)
		peer_schedule(o, p);
}

/* The tick's rules for one peer whose time came. Returns 1 if its record
 * was removed. */
static int
poll_peer(struct eng *o, struct peer *p, time_t now)
{
	p->polled = o->polls;
	peer_recount(o, p);	/* handshakes may have gone stale */
	if (peer_encrypted(o, p->bare)) {
		if (now - p->active >= o->cfg->otr.idle_timeout) {
			log_info("otr: session with %s idle for %lds: ending it",
			    log_peer(p->bare), (long)(now - p->active));
			if (p->secure) {
				p->secure = 0;
				queue_event(o, OTR_EV_ENDED, p->bare, 0, 0);
			}
			peer_end(o, p);
		}
	} else if (peer_finished(o, p) ||
	    (!p->live && now - p->active >= AKE_WINDOW)) {
		/* ended by the peer (FINISHED holds nothing), plaintext
		 * only, or a handshake that never finished */
		if (p->secure) {
			p->secure = 0;
			queue_event(o, OTR_EV_ENDED, p->bare, 0, 0);
		}
		contexts_forget(o, p);
	}
	if (now - p->active >= record_keep(o) &&
	    !config_helper_find(o->cfg, p->bare)) {
		peer_remove(o, p);
		return 1;
	}
	peer_schedule(o, p);
	return 0;
}

static void
eng_poll(struct eng *o, time_t now)
{
	if (o->last_poll == 0)
		o->last_poll = now;
	o->poll_now = now;
	o->polls++;
	if (now - o->last_poll >= (time_t)o->poll_interval) {
		o->depth++;
		for (unsigned int i = 0; i < o->nus; i++)
			otrl_message_poll(o->us[i], &o->ops, o);
		o->depth--;
		o->last_poll = now;
		poll_recount(o);
	}
	if (o->sched_idle != o->cfg->otr.idle_timeout ||
	    o->sched_keep != record_keep(o))
		poll_reschedule(o);
	o->poll_visits = 0;
	/* Each peer looked at is rescheduled after now (peer_schedule), so
	 * every peer is visited at most once per tick. */
	while (o->nheap > 0 && o->heap[0]->due <= now) {
		o->poll_visits++;
		poll_peer(o, o->heap[0], now);
	}
	o->poll_now = 0;
	flush(o);
}

/* ---------------------------------------------------------------------
 * Facts
 */

static void
eng_info(const struct eng *o, const char *bare_in, struct otr_info *info)
{
	const struct config_helper *h;
	const struct peer *p;
	ConnContext *ctx, *m, *c;
	char *bare;

	memset(info, 0, sizeof(*info));
	if ((bare = person_bare(bare_in)) == NULL)
		return;
	h = config_helper_find(o->cfg, bare);
	info->helper = h != NULL;
	p = peer_find(o, bare);
	info->offline = p != NULL && p->offline;
	if ((m = master_of(o, bare)) != NULL)
		FOREACH_INSTANCE(c, m)
			info->sessions += c->msgstate == OTRL_MSGSTATE_ENCRYPTED;
	if ((ctx = current_ctx(o, bare, 0)) == NULL)
		ctx = current_ctx(o, bare, 1);	/* helper: only unpinned */
	if (ctx != NULL && ctx->active_fingerprint != NULL) {
		const unsigned char *fp = ctx->active_fingerprint->fingerprint;

		info->encrypted = 1;
		info->pinned = session_helper(o, ctx) != NULL;
		info->verified = info->pinned ||
		    otrl_context_is_fingerprint_trusted(ctx->active_fingerprint);
		fpr_to_human(fp, info->their_fp);
		fpr_to_hex(fp, info->their_hex);
	}
	free(bare);
}

static const char *
eng_session_jid(const struct eng *o, const char *bare_in)
{
	struct peer *p;
	ConnContext *ctx;
	char *bare;
	const char *full = NULL;

	if ((bare = person_bare(bare_in)) == NULL)
		return NULL;
	if ((p = peer_find(o, bare)) != NULL &&
	    (ctx = current_ctx(o, bare, 0)) != NULL)
		full = ctx_full(p, ctx, NULL);
	free(bare);
	return full;
}

static const char *
eng_our_fingerprint(const struct eng *o)
{
	return o->our_fp;
}

static size_t
eng_nsessions(const struct eng *o)
{
	return o->nlive;
}

static size_t
eng_poll_visits(const struct eng *o)
{
	return o->poll_visits;
}

/* ---------------------------------------------------------------------
 * The front: the public functions, over one engine (otr_threads 0) or
 * over shards, each an engine with its own OtrlUserState, a mutex and a
 * worker thread (otr_threads > 0). A bare JID always goes to the same
 * shard (shard_of), whose worker runs its jobs in order: messages in,
 * texts out, ends, the poll. Everything an engine produces (injected
 * bodies, texts, events) is queued, in order, for the main thread, which
 * hands it to the daemon in otr_dispatch(): libstrophe, the bot and the
 * store stay in the main thread. The calls whose result the caller needs
 * wait for the shard's queue, then run in the main thread under the
 * shard's mutex; otr_info() reads a snapshot (struct snap).
 * docs/design.md, "Threads", says why this is safe and how the main
 * thread is woken.
 */

enum item_kind { IT_INJECT, IT_TEXT, IT_EVENT, IT_DONE, IT_DEFERRED };

enum lane_no { LANE_FAST, LANE_SLOW };

struct item {
	struct item		*next;
	enum item_kind		 kind;
	char			*to;		/* INJECT; DEFERRED: from */
	char			*body;		/* INJECT, TEXT; DEFERRED */
	int			 hints;
	char			*bare;		/* TEXT, EVENT */
	struct otr_event	 ev;		/* EVENT (bare, full, fp owned) */
	char			*full;
	char			 fp[OTR_FP_HUMAN_LEN];
	void			*cookie;	/* DONE, DEFERRED */
	unsigned int		 shard;		/* DEFERRED */
	/* DONE: when the job was queued, taken by its worker, had the
	 * engine's mutex, was done (monotonic us; log.level debug). */
	uint64_t		 t_in, t_start, t_locked, t_done;
};

/* What a worker does for the main thread, in its shard's order. */
enum job_kind {
	J_RECEIVE,		/* from (full), body, cookie */
	J_SEND,			/* from (bare), body: the text */
	J_END,			/* from (bare) */
	J_POLL,			/* now */
};

struct job {
	struct job		*next;
	enum job_kind		 kind;
	enum lane_no		 lane;
	char			*from;
	char			*body;
	char			*bare;		/* its person; NULL: the poll */
	size_t			 bytes;		/* body's, counted in the lane */
	void			*cookie;
	time_t			 now;
	uint64_t		 t_in;		/* monotonic us, queued */
};

/*
 * A shard's jobs wait in two FIFOs. The fast one holds what answers a
 * person whose session is up: their data messages, the bot's texts to
 * them, ends, the poll. The slow one holds handshakes, queries, fragments,
 * plaintext: the work a restart storm or a stranger brings. The worker
 * takes the fast lane first, but after LANE_FAST_RUN fast jobs in a row
 * one slow job, so handshakes are never starved.
 *
 * One person's jobs keep their order: a job goes to the fast lane only if
 * none of the same person's waits in the slow one (slow_of[] counts the
 * slow lane's jobs by a hash of the person; the lane is walked only when
 * that count is not 0), and the worker takes the slow lane's head only
 * when none of that person's jobs waits in the fast lane (a walk: the
 * fast lane is short, the main thread stops reading at LANE_FAST_DEPTH).
 *
 * Back-pressure (otr_room): the main thread reads from the XMPP socket
 * only while every shard has fewer than `depth` fast jobs waiting or
 * running, and its slow lane holds fewer than LANE_SLOW_JOBS jobs and
 * LANE_SLOW_BYTES bytes: beyond that, messages wait in the socket and
 * the server, as with one thread. Its jobs (the bot's texts, the poll)
 * are always queued.
 */
#define LANE_FAST_RUN		OTR_FAST_RUN
#define LANE_FAST_DEPTH		OTR_DEPTH	/* SECOURS_OTR_DEPTH changes it */
#define LANE_SLOW_JOBS		OTR_SLOW_JOBS
#define LANE_SLOW_BYTES		OTR_SLOW_BYTES
#define LANE_SLOTS		1024

struct lane {
	struct job		*head;
	struct job		**tail;
	size_t			 n;
	size_t			 bytes;
};

/*
 * What otr_info() says of a JID, as its engine last left it: the main
 * thread reads this instead of waiting for a worker's crypto. A worker
 * writes its job's JID after each job; anything that can change other
 * JIDs (the poll, an eviction, a reload) moves the shard's generation on,
 * which makes every entry stale (read again under the engine's mutex).
 * Entries are written with the engine's mutex held, then smu.
 */
#define SNAP_SLOTS	1024

struct snap {
	char			*bare;		/* NULL: empty */
	uint64_t		 gen;
	struct otr_info		 info;
	int			 sendable;	/* current_ctx() != NULL */
};

struct shard {
	struct otr		*front;
	unsigned int		 no;
	struct eng		*e;
	pthread_mutex_t		*mu;		/* the engine */
	pthread_mutex_t		 jmu;		/* the jobs, under it: */
	pthread_cond_t		 jcv;
	struct lane		 lanes[2];	/* enum lane_no */
	unsigned int		 slow_of[LANE_SLOTS]; /* by person */
	unsigned int		 fast_run;	/* fast jobs in a row */
	const struct job	*run;		/* the running job, or NULL */
	size_t			 fast_recv;	/* received messages in the
						   fast lane (for the trace) */
	int			 syncing;	/* the main thread waits */
	pthread_cond_t		 idle;		/* a job was done */
	size_t			 pending;	/* queued + running */
	pthread_t		 th;
	int			 started;
	int			 stop;		/* under jmu */
	uint64_t		 gen;		/* atomic; written under mu */
	/* Under mu, while the worker runs a job: what the engine produces,
	 * handed to the main thread once the job's snapshot is written. */
	int			 batching;
	struct item		*bhead, **btail;
	pthread_mutex_t		 smu;		/* snaps */
	struct snap		*snaps;
};

struct otr {
	struct otr_callbacks	 cb;		/* the daemon's */
	unsigned int		 n;		/* shards; 0: one engine, direct */
	struct eng		*e;		/* n == 0 */
	struct shard		*sh;
	pthread_mutex_t		 omu;		/* the output queue */
	struct item		*ohead;
	struct item		**otail;
	size_t			 inflight;	/* atomic: jobs not yet done */
	size_t			 live_total;	/* atomic */
	int			 fpr_dirty;	/* atomic */
	int			 dispatching;
	int			 sleeping;	/* atomic: the main thread may
						   be in select() */
	int			 trace;		/* SECOURS_OTR_TRACE: log where
						   each message's time went */
	size_t			 depth;		/* fast jobs a shard may hold */
	pthread_mutex_t		 rmu;		/* the wait for room */
	pthread_cond_t		 rcv;
	int			 room_wait;	/* under rmu */
	char			**session_jid;	/* otr_session_jid's copy */
	char			*fpr_path;
	char			*fpr_written;	/* its content, as last written */
	const struct config	*cfg;
	pthread_t		 main;
};

static uint64_t
mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* Queues a list of items (it, linked by next) for the main thread. */
static void
out_push(struct otr *f, struct item *it)
{
	struct item *last = it;

	while (last->next != NULL)
		last = last->next;
	pthread_mutex_lock(&f->omu);
	*f->otail = it;
	f->otail = &last->next;
	pthread_mutex_unlock(&f->omu);
	/* One wake-up per sleep: the first item after otr_sleep_ms(). */
	if (__atomic_exchange_n(&f->sleeping, 0, __ATOMIC_SEQ_CST) &&
	    f->cb.wake != NULL)
		f->cb.wake(f->cb.ud);
}

/* What an engine produced: to the main thread, or held until its job is
 * done (a worker's job; see job_run). */
static void
shard_push(struct shard *sh, struct item *it)
{
	if (!sh->batching) {
		out_push(sh->front, it);
		return;
	}
	it->next = NULL;
	*sh->btail = it;
	sh->btail = &it->next;
}

static int
front_inject(void *ud, const char *to, const char *body, int hints)
{
	struct shard *sh = ud;
	struct item *it = xcalloc(1, sizeof(*it));

	it->kind = IT_INJECT;
	it->to = xstrdup(to);
	it->body = xstrdup(body);
	it->hints = hints;
	shard_push(sh, it);
	return 0;
}

static void
front_text(void *ud, const char *bare, const char *text)
{
	struct shard *sh = ud;
	struct item *it = xcalloc(1, sizeof(*it));

	it->kind = IT_TEXT;
	it->bare = xstrdup(bare);
	it->body = xstrdup(text);
	shard_push(sh, it);
}

static void
front_event(void *ud, const struct otr_event *ev)
{
	struct shard *sh = ud;
	struct item *it = xcalloc(1, sizeof(*it));

	it->kind = IT_EVENT;
	it->ev = *ev;
	it->bare = xstrdup(ev->bare);
	it->ev.bare = it->bare;
	if (ev->full != NULL) {
		it->full = xstrdup(ev->full);
		it->ev.full = it->full;
	}
	if (ev->fp != NULL) {
		util_strlcpy(it->fp, ev->fp, sizeof(it->fp));
		it->ev.fp = it->fp;
	}
	shard_push(sh, it);
}

/* Only the main thread asks (a worker defers what would need it). */
static int
front_kept(void *ud, const char *bare)
{
	struct shard *sh = ud;
	struct otr *f = sh->front;

	if (!pthread_equal(pthread_self(), f->main)) {
		log_warnx("otr: kept() asked outside the main thread");
		return 1;
	}
	return f->cb.kept != NULL && f->cb.kept(f->cb.ud, bare);
}

static void
item_free(struct item *it)
{
	free(it->to);
	free(it->body);
	free(it->bare);
	free(it->full);
	free(it);
}

static void
job_free(struct job *j)
{
	free(j->from);
	free(j->body);
	free(j->bare);
	free(j);
}

static unsigned int
lane_slot(const char *bare)
{
	return util_hash_str(bare) % LANE_SLOTS;
}

/* Under jmu: does one of bare's jobs wait in that lane? The slow lane
 * is walked only when bare's slot counts a job there (a collision). */
static int
lane_has(const struct shard *sh, enum lane_no lane, const char *bare)
{
	const struct job *j;

	if (lane == LANE_SLOW && sh->slow_of[lane_slot(bare)] == 0)
		return 0;
	for (j = sh->lanes[lane].head; j != NULL; j = j->next)
		if (j->bare != NULL && strcmp(j->bare, bare) == 0)
			return 1;
	return 0;
}

/* Under jmu: appends j to its lane. */
static void
lane_push(struct shard *sh, struct job *j)
{
	struct lane *l = &sh->lanes[j->lane];

	j->next = NULL;
	*l->tail = j;
	l->tail = &j->next;
	l->n++;
	l->bytes += j->bytes;
	if (j->lane == LANE_SLOW && j->bare != NULL)
		sh->slow_of[lane_slot(j->bare)]++;
	if (j->lane == LANE_FAST && j->kind == J_RECEIVE)
		sh->fast_recv++;
}

/* Under jmu: the next job for the worker (the lanes are not both empty):
 * the fast lane's head, unless LANE_FAST_RUN fast jobs ran in a row and
 * the slow lane's head is not behind a fast job of its person. */
static struct job *
lane_take(struct shard *sh)
{
	struct lane *fast = &sh->lanes[LANE_FAST];
	struct lane *slow = &sh->lanes[LANE_SLOW];
	struct lane *l;
	struct job *j;

	if (fast->head != NULL && (slow->head == NULL ||
	    sh->fast_run < LANE_FAST_RUN || (slow->head->bare != NULL &&
	    lane_has(sh, LANE_FAST, slow->head->bare)))) {
		l = fast;
		sh->fast_run++;
	} else {
		l = slow;
		sh->fast_run = 0;
	}
	j = l->head;
	if ((l->head = j->next) == NULL)
		l->tail = &l->head;
	l->n--;
	l->bytes -= j->bytes;
	if (j->lane == LANE_SLOW && j->bare != NULL)
		sh->slow_of[lane_slot(j->bare)]--;
	if (j->lane == LANE_FAST && j->kind == J_RECEIVE)
		sh->fast_recv--;
	return j;
}

/* The lane of a message from a person: an OTR data message (v3 or v2,
 * whole) goes to the fast lane; queries, handshakes, fragments and
 * plaintext go to the slow one. What a message says of itself is
 * enough: a false claim buys a place in a queue, nothing else (libotr
 * answers it as any other message, within the sender's rate limit). */
static enum lane_no
lane_of_body(const char *body)
{
	static const char *const fast[] = { "?OTR:AAMD", "?OTR:AAID" };
	size_t i;

	for (i = 0; i < ARRAY_LEN(fast); i++)
		if (strncmp(body, fast[i], strlen(fast[i])) == 0)
			return LANE_FAST;
	return LANE_SLOW;
}

static void shard_lock(const struct shard *);
static void shard_unlock(const struct shard *);

static uint64_t
gen_of(const struct shard *sh)
{
	return __atomic_load_n(&sh->gen, __ATOMIC_SEQ_CST);
}

/* Under sh->mu: every snapshot of the shard is stale. */
static void
gen_bump(struct shard *sh)
{
	__atomic_add_fetch(&sh->gen, 1, __ATOMIC_SEQ_CST);
}

static struct snap *
snap_slot(const struct shard *sh, const char *bare)
{
	return &sh->snaps[util_hash_str(bare) % SNAP_SLOTS];
}

/* Under sh->mu: bare's snapshot from its engine, now. */
static void
snap_take(struct shard *sh, const char *bare, struct snap *out)
{
	out->gen = gen_of(sh);
	eng_info(sh->e, bare, &out->info);
	out->sendable = current_ctx(sh->e, bare, 0) != NULL;
	pthread_mutex_lock(&sh->smu);
	{
		struct snap *s = snap_slot(sh, bare);

		if (s->bare == NULL || strcmp(s->bare, bare) != 0) {
			free(s->bare);
			s->bare = xstrdup(bare);
		}
		s->gen = out->gen;
		s->info = out->info;
		s->sendable = out->sendable;
	}
	pthread_mutex_unlock(&sh->smu);
}

/* Main thread: bare's (lower-cased bare JID) snapshot, waiting for the
 * engine only when the stored one is stale or missing. */
static void
snap_get(struct shard *sh, const char *bare, struct snap *out)
{
	struct snap *s;
	int hit;

	pthread_mutex_lock(&sh->smu);
	s = snap_slot(sh, bare);
	if ((hit = s->bare != NULL && s->gen == gen_of(sh) &&
	    strcmp(s->bare, bare) == 0)) {
		*out = *s;
		out->bare = NULL;
	}
	pthread_mutex_unlock(&sh->smu);
	if (hit)
		return;
	shard_lock(sh);
	snap_take(sh, bare, out);
	out->bare = NULL;
	shard_unlock(sh);
}

/* Runs one job on the shard's engine (worker, engine mutex held). Returns
 * 1 if a receive must be finished by the main thread (an eviction). */
static int
job_run(struct shard *sh, struct job *j)
{
	struct eng *e = sh->e;
	struct snap tmp;
	char *bare;
	int deferred = 0;

	switch (j->kind) {
	case J_RECEIVE:
		e->in_worker = 1;
		eng_receive(e, j->from, j->body);
		deferred = e->deferred;
		e->deferred = 0;
		e->in_worker = 0;
		break;
	case J_SEND:
		(void)eng_send(e, j->from, j->body);
		break;
	case J_END:
		eng_end(e, j->from);
		break;
	case J_POLL:
		/* Only the records whose time came can change (the heap's);
		 * libotr's own poll only drops stale handshake state. */
		eng_poll(e, j->now);
		if (eng_poll_visits(e) > 0)
			gen_bump(sh);
		return 0;
	}
	if ((bare = person_bare(j->from)) != NULL) {
		snap_take(sh, bare, &tmp);
		free(bare);
	}
	return deferred;
}

static void *
worker(void *arg)
{
	struct shard *sh = arg;
	struct otr *f = sh->front;

	for (;;) {
		struct job *j;
		struct item *batch, **btail;
		int deferred;
		uint64_t t_start, t_locked;

		pthread_mutex_lock(&sh->jmu);
		while (sh->lanes[LANE_FAST].head == NULL &&
		    sh->lanes[LANE_SLOW].head == NULL && !sh->stop)
			pthread_cond_wait(&sh->jcv, &sh->jmu);
		if (sh->lanes[LANE_FAST].head == NULL &&
		    sh->lanes[LANE_SLOW].head == NULL) {
			pthread_mutex_unlock(&sh->jmu);
			return NULL;
		}
		j = lane_take(sh);
		sh->run = j;
		pthread_mutex_unlock(&sh->jmu);

		t_start = mono_us();
		pthread_mutex_lock(sh->mu);
		t_locked = mono_us();
		sh->batching = 1;
		sh->bhead = NULL;
		sh->btail = &sh->bhead;
		deferred = job_run(sh, j);
		sh->batching = 0;
		batch = sh->bhead;
		btail = batch != NULL ? sh->btail : &batch;
		pthread_mutex_unlock(sh->mu);

		/* The job's items, then its "done", in one go: the main thread
		 * sees none of them before the job's snapshot. */
		if (j->kind == J_RECEIVE) {
			struct item *it = xcalloc(1, sizeof(*it));

			it->cookie = j->cookie;
			it->t_in = j->t_in;
			it->t_start = t_start;
			it->t_locked = t_locked;
			it->t_done = mono_us();
			if (deferred) {
				it->kind = IT_DEFERRED;
				it->shard = sh->no;
				it->to = j->from;
				it->body = j->body;
				j->from = j->body = NULL;
			} else
				it->kind = IT_DONE;
			*btail = it;
		}
		pthread_mutex_lock(&sh->jmu);
		sh->run = NULL;
		--sh->pending;
		if (sh->syncing)
			pthread_cond_broadcast(&sh->idle);
		pthread_mutex_unlock(&sh->jmu);
		job_free(j);
		/* A slot is free: the main thread, if it waits for room, reads
		 * again. Before the items, which it handles first. */
		pthread_mutex_lock(&f->rmu);
		if (f->room_wait)
			pthread_cond_signal(&f->rcv);
		pthread_mutex_unlock(&f->rmu);
		if (batch != NULL)
			out_push(f, batch);
		/* After the item: otr_dispatch() returning 0 means all done. */
		__atomic_sub_fetch(&f->inflight, 1, __ATOMIC_SEQ_CST);
	}
}

/* Queues a job (main thread). Takes from and body. want: LANE_FAST if
 * the job may go ahead of handshakes (it does unless its person has a
 * job in the slow lane). */
static void
job_queue(struct otr *f, struct shard *sh, enum job_kind kind, char *from,
    char *body, void *cookie, time_t now, enum lane_no want)
{
	struct job *j = xcalloc(1, sizeof(*j));

	j->kind = kind;
	j->from = from;
	j->body = body;
	j->bare = from != NULL ? person_bare(from) : NULL;
	j->bytes = body != NULL ? strlen(body) : 0;
	j->cookie = cookie;
	j->now = now;
	j->t_in = mono_us();
	__atomic_add_fetch(&f->inflight, 1, __ATOMIC_SEQ_CST);
	pthread_mutex_lock(&sh->jmu);
	j->lane = want;
	if (j->bare != NULL && lane_has(sh, LANE_SLOW, j->bare))
		j->lane = LANE_SLOW;	/* after that person's jobs */
	sh->pending++;
	lane_push(sh, j);
	pthread_cond_signal(&sh->jcv);
	pthread_mutex_unlock(&sh->jmu);
}

/* Under jmu: a job of bare (NULL: any job) waits or runs. */
static int
shard_holds(const struct shard *sh, const char *bare)
{
	if (bare == NULL)
		return sh->pending > 0;
	return (sh->run != NULL && sh->run->bare != NULL &&
	    strcmp(sh->run->bare, bare) == 0) ||
	    lane_has(sh, LANE_SLOW, bare) || lane_has(sh, LANE_FAST, bare);
}

/* Main thread: waits until the shard's worker has done every job of jid's
 * person queued so far (jid NULL: every job), for the few calls whose
 * result the caller needs, so that they come after the sends queued
 * before them; then takes the engine's mutex (the worker may be between
 * two other people's jobs: it waits for this call). */
static void
shard_sync(struct shard *sh, const char *jid)
{
	char *bare = jid != NULL ? person_bare(jid) : NULL;

	pthread_mutex_lock(&sh->jmu);
	sh->syncing++;
	while (shard_holds(sh, bare))
		pthread_cond_wait(&sh->idle, &sh->jmu);
	sh->syncing--;
	pthread_mutex_unlock(&sh->jmu);
	free(bare);
	shard_lock(sh);
}

static unsigned int
threads_wanted(const struct config *cfg)
{
	/* 0 by default: with workers, the bot's latency is not yet below
	 * the single-threaded path's on this project's 2-core machines
	 * (docs/performance.md, "OTR worker threads"). */
	return cfg->limits.otr_threads > 0 ?
	    (unsigned int)cfg->limits.otr_threads : 0;
}

/* The back-pressure bound (LANE_FAST_DEPTH; SECOURS_OTR_DEPTH, 1..64,
 * for the benchmark). */
static size_t
depth_wanted(void)
{
	const char *env = getenv("SECOURS_OTR_DEPTH");
	long v;

	if (env != NULL && util_parse_long(env, 1, 64, &v) == 0)
		return (size_t)v;
	return LANE_FAST_DEPTH;
}

static struct shard *
shard_for(const struct otr *f, const char *jid)
{
	char *bare = person_bare(jid);
	unsigned int i = 0;

	if (bare != NULL) {
		i = shard_of(bare, f->n);
		free(bare);
	}
	return &f->sh[i];
}

static void
shard_lock(const struct shard *sh)
{
	uint64_t t0;

	if (pthread_mutex_trylock(sh->mu) == 0)
		return;
	t0 = mono_us();
	pthread_mutex_lock(sh->mu);
	/* For bench/: the main thread waiting for a worker's crypto. */
	if (sh->front->trace)
		log_debug("otr: main thread waited %lu us for a shard",
		    (unsigned long)(mono_us() - t0));
}

static void
shard_unlock(const struct shard *sh)
{
	pthread_mutex_unlock(sh->mu);
}

struct otr *
otr_new(const struct config *cfg, const char *refusal,
    const struct otr_callbacks *cb)
{
	struct otr *f;
	struct otr_callbacks ecb;
	sigset_t all, old;
	unsigned int i;

	if (cfg->state_dir == NULL || cb == NULL || cb->inject == NULL) {
		log_warnx("otr: no state directory or no way to send");
		return NULL;
	}
	f = xcalloc(1, sizeof(*f));
	f->cb = *cb;
	f->cfg = cfg;
	f->main = pthread_self();
	f->session_jid = xcalloc(1, sizeof(*f->session_jid));
	f->n = threads_wanted(cfg);
	f->trace = getenv("SECOURS_OTR_TRACE") != NULL;
	pthread_mutex_init(&f->omu, NULL);
	pthread_mutex_init(&f->rmu, NULL);
	{
		pthread_condattr_t ca;

		pthread_condattr_init(&ca);
		pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
		pthread_cond_init(&f->rcv, &ca);
		pthread_condattr_destroy(&ca);
	}
	f->otail = &f->ohead;
	f->depth = depth_wanted();
	if (f->n == 0) {
		if ((f->e = eng_new(cfg, refusal, cb, 0, 0, NULL, NULL)) ==
		    NULL) {
			free(f->session_jid);
			free(f);
			return NULL;
		}
		return f;
	}
	f->fpr_path = path_in(cfg->state_dir, FPR_FILE);
	f->sh = xcalloc(f->n, sizeof(*f->sh));
	for (i = 0; i < f->n; i++) {
		struct shard *sh = &f->sh[i];

		sh->front = f;
		sh->no = i;
		sh->mu = xmalloc(sizeof(*sh->mu));
		pthread_mutex_init(sh->mu, NULL);
		pthread_mutex_init(&sh->jmu, NULL);
		pthread_cond_init(&sh->jcv, NULL);
		pthread_cond_init(&sh->idle, NULL);
		pthread_mutex_init(&sh->smu, NULL);
		sh->snaps = xcalloc(SNAP_SLOTS, sizeof(*sh->snaps));
		sh->lanes[LANE_FAST].tail = &sh->lanes[LANE_FAST].head;
		sh->lanes[LANE_SLOW].tail = &sh->lanes[LANE_SLOW].head;
		memset(&ecb, 0, sizeof(ecb));
		ecb.ud = sh;
		ecb.inject = front_inject;
		ecb.text = front_text;
		ecb.event = front_event;
		ecb.kept = front_kept;
		/* The first engine makes the key and instance tag if missing;
		 * the others read the same files. */
		if ((sh->e = eng_new(cfg, refusal, &ecb, f->n, i,
		    &f->live_total, &f->fpr_dirty)) == NULL) {
			otr_free(f);
			return NULL;
		}
	}
	/* log.c makes the key of its JID hashes on first use: before the
	 * workers, so that they all hash with the same one (TSan). */
	(void)log_peer(cfg->account.jid);
	/* The workers block every signal: SIGTERM, SIGHUP and the daemon's
	 * wake-up reach the main thread, whose select() they interrupt. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	for (i = 0; i < f->n; i++) {
		if (pthread_create(&f->sh[i].th, NULL, worker, &f->sh[i]) != 0)
			break;
		f->sh[i].started = 1;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (i < f->n) {
		log_warnx("otr: cannot start a worker thread");
		otr_free(f);
		return NULL;
	}
	log_info("otr: %u worker threads, sessions sharded by JID", f->n);
	return f;
}

/* Writes the fingerprints file from every shard's kept keys. */
static void
fpr_write_all(struct otr *f)
{
	struct buf b;
	unsigned int i;

	int rc;

	buf_init(&b);
	buf_adds(&b, "");
	for (i = 0; i < f->n; i++) {
		shard_lock(&f->sh[i]);
		fingerprints_dump(f->sh[i].e, &b);
		shard_unlock(&f->sh[i]);
	}
	if (f->fpr_written != NULL && strcmp(f->fpr_written, b.s) == 0) {
		buf_release(&b);
		return;
	}
	rc = util_write_atomic(f->fpr_path, b.s, b.len, 0600);
	if (rc == -1)
		log_warn("otr: cannot write %s", f->fpr_path);
	free(f->fpr_written);
	f->fpr_written = rc == 0 ? buf_detach(&b) : NULL;
	buf_release(&b);
}

/* At the cap, before a newcomer's message: ends the least recently
 * active unprotected session of all the shards, until there is room or
 * none is left (main thread; one shard locked at a time). */
static void
front_evict(struct otr *f)
{
	size_t max = f->cfg->limits.max_sessions;
	unsigned int i, tries;

	for (tries = 0; tries < 64 &&
	    __atomic_load_n(&f->live_total, __ATOMIC_SEQ_CST) >= max; tries++) {
		struct peer *p;
		uint64_t at = 0;
		int best = -1;

		for (i = 0; i < f->n; i++) {
			shard_lock(&f->sh[i]);
			if ((p = evict_candidate(f->sh[i].e)) != NULL &&
			    (best < 0 || p->touched < at)) {
				best = (int)i;
				at = p->touched;
			}
			gen_bump(&f->sh[i]);	/* stale handshakes dropped */
			shard_unlock(&f->sh[i]);
		}
		if (best < 0 || __atomic_load_n(&f->live_total,
		    __ATOMIC_SEQ_CST) < max)
			return;		/* none, or stale ones made room */
		shard_lock(&f->sh[best]);
		if ((p = evict_candidate(f->sh[best].e)) != NULL)
			evict_end(f->sh[best].e, p);
		gen_bump(&f->sh[best]);
		shard_unlock(&f->sh[best]);
	}
}

/* Delivers one item to the daemon (main thread, no lock held). */
static void
item_deliver(struct otr *f, struct item *it)
{
	switch (it->kind) {
	case IT_INJECT:
		if (f->cb.inject(f->cb.ud, it->to, it->body, it->hints) == -1)
			log_debug("otr: could not send a body");
		break;
	case IT_TEXT:
		if (f->cb.text != NULL)
			f->cb.text(f->cb.ud, it->bare, it->body);
		break;
	case IT_EVENT:
		if (f->cb.event != NULL)
			f->cb.event(f->cb.ud, &it->ev);
		break;
	case IT_DONE:
		/* For bench/: where a message's time went with workers. */
		if (it->t_in != 0 && f->trace)
			log_debug("otr job: queued %lu us, lock %lu us, "
			    "work %lu us, noticed %lu us",
			    (unsigned long)(it->t_start - it->t_in),
			    (unsigned long)(it->t_locked - it->t_start),
			    (unsigned long)(it->t_done - it->t_locked),
			    (unsigned long)(mono_us() - it->t_done));
		if (it->cookie != NULL && f->cb.received != NULL)
			f->cb.received(f->cb.ud, it->cookie);
		break;
	case IT_DEFERRED: {
		struct shard *sh = &f->sh[it->shard];
		struct item *done = xcalloc(1, sizeof(*done));

		front_evict(f);
		shard_lock(sh);
		eng_receive(sh->e, it->to, it->body);
		gen_bump(sh);
		shard_unlock(sh);
		done->kind = IT_DONE;
		done->cookie = it->cookie;
		out_push(f, done);
		break;
	}
	}
}

unsigned long
otr_sleep_ms(struct otr *f, unsigned long want)
{
	int waiting;

	if (f->n == 0)
		return want;
	/* Set before looking: a worker that pushes after the look sees
	 * it and wakes the main thread (out_push). */
	__atomic_store_n(&f->sleeping, 1, __ATOMIC_SEQ_CST);
	pthread_mutex_lock(&f->omu);
	waiting = f->ohead != NULL;
	pthread_mutex_unlock(&f->omu);
	if (waiting) {
		__atomic_store_n(&f->sleeping, 0, __ATOMIC_SEQ_CST);
		return 0;
	}
	if (__atomic_load_n(&f->inflight, __ATOMIC_SEQ_CST) > 0 &&
	    want > OTR_WAKE_BOUND_MS)
		return OTR_WAKE_BOUND_MS;
	return want;
}

int
otr_room(struct otr *f)
{
	unsigned int i;
	int room = 1;

	for (i = 0; i < f->n && room; i++) {
		struct shard *sh = &f->sh[i];

		pthread_mutex_lock(&sh->jmu);
		room = sh->lanes[LANE_FAST].n + (size_t)(sh->run != NULL) < f->depth &&
		    sh->lanes[LANE_SLOW].n < LANE_SLOW_JOBS &&
		    sh->lanes[LANE_SLOW].bytes < LANE_SLOW_BYTES;
		pthread_mutex_unlock(&sh->jmu);
	}
	return room;
}

/* SECOURS_OTR_TRACE: what each shard holds when the main thread stops
 * reading: its fast jobs (received messages, the bot's own), the running
 * job, the slow lane (docs/performance.md, "OTR worker threads"). */
static void
room_trace(struct otr *f)
{
	static const char *const kinds[] = { "receive", "send", "end",
	    "poll" };
	unsigned int i;

	for (i = 0; i < f->n; i++) {
		struct shard *sh = &f->sh[i];
		const struct job *r;

		pthread_mutex_lock(&sh->jmu);
		r = sh->run;
		log_debug("otr: reading stopped: shard %u fast %zu "
		    "(received %zu, own %zu), running %s%s, slow %zu", i,
		    sh->lanes[LANE_FAST].n, sh->fast_recv,
		    sh->lanes[LANE_FAST].n - sh->fast_recv,
		    r != NULL ? kinds[r->kind] : "none",
		    r == NULL ? "" : r->lane == LANE_FAST ? " (fast)" :
		    " (slow)", sh->lanes[LANE_SLOW].n);
		pthread_mutex_unlock(&sh->jmu);
	}
}

size_t
otr_queued(struct otr *f)
{
	unsigned int i;
	size_t n = 0;

	for (i = 0; i < f->n; i++) {
		pthread_mutex_lock(&f->sh[i].jmu);
		n += f->sh[i].lanes[LANE_FAST].n + f->sh[i].lanes[LANE_SLOW].n;
		pthread_mutex_unlock(&f->sh[i].jmu);
	}
	return n;
}

void
otr_wait_room(struct otr *f, unsigned long ms)
{
	struct timespec until;
	uint64_t t0;
	int waiting = 0;

	if (f->n == 0)
		return;
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += (time_t)(ms / 1000);
	until.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	/* rmu, then a shard's jmu or omu: a worker takes them one at a
	 * time, and signals rcv under rmu after each job. */
	if (f->trace)
		room_trace(f);
	t0 = mono_us();
	pthread_mutex_lock(&f->rmu);
	f->room_wait = 1;
	while (!otr_room(f) && !waiting) {
		if (pthread_cond_timedwait(&f->rcv, &f->rmu, &until) != 0)
			break;
		pthread_mutex_lock(&f->omu);
		waiting = f->ohead != NULL;
		pthread_mutex_unlock(&f->omu);
	}
	f->room_wait = 0;
	pthread_mutex_unlock(&f->rmu);
	if (f->trace)
		log_debug("otr: reading resumed after %lu us",
		    (unsigned long)(mono_us() - t0));
}

int
otr_dispatch(struct otr *f)
{
	if (f->n == 0)
		return 0;
	__atomic_store_n(&f->sleeping, 0, __ATOMIC_SEQ_CST);
	if (f->dispatching)
		return 1;
	f->dispatching = 1;
	for (;;) {
		struct item *list, *it;

		pthread_mutex_lock(&f->omu);
		list = f->ohead;
		f->ohead = NULL;
		f->otail = &f->ohead;
		pthread_mutex_unlock(&f->omu);
		if (list == NULL)
			break;
		while ((it = list) != NULL) {
			list = it->next;
			item_deliver(f, it);
			item_free(it);
		}
	}
	if (__atomic_exchange_n(&f->fpr_dirty, 0, __ATOMIC_SEQ_CST))
		fpr_write_all(f);
	f->dispatching = 0;
	return __atomic_load_n(&f->inflight, __ATOMIC_SEQ_CST) > 0;
}

void
otr_settle(struct otr *f)
{
	while (f->n > 0 && otr_dispatch(f))
		usleep(200);
	otr_dispatch(f);
}

void
otr_pause(struct otr *f)
{
	unsigned int i;

	for (i = 0; i < f->n; i++)
		shard_lock(&f->sh[i]);
}

void
otr_resume(struct otr *f)
{
	unsigned int i;

	for (i = f->n; i > 0; i--) {
		gen_bump(&f->sh[i - 1]);	/* the configuration changed */
		shard_unlock(&f->sh[i - 1]);
	}
}

unsigned int
otr_threads(const struct otr *f)
{
	return f->n;
}

void
otr_free(struct otr *f)
{
	unsigned int i;
	struct item *it;

	if (f == NULL)
		return;
	if (f->n == 0) {
		eng_free(f->e);
		free(f->session_jid);
		free(f);
		return;
	}
	for (i = 0; i < f->n; i++) {
		pthread_mutex_lock(&f->sh[i].jmu);
		f->sh[i].stop = 1;
		pthread_cond_signal(&f->sh[i].jcv);
		pthread_mutex_unlock(&f->sh[i].jmu);
	}
	for (i = 0; i < f->n; i++)
		if (f->sh[i].started)
			pthread_join(f->sh[i].th, NULL);
	if (__atomic_load_n(&f->fpr_dirty, __ATOMIC_SEQ_CST))
		fpr_write_all(f);
	for (i = 0; i < f->n; i++) {
		struct job *j;
		int k;

		for (k = 0; k < 2; k++)
			while ((j = f->sh[i].lanes[k].head) != NULL) {
				f->sh[i].lanes[k].head = j->next;
				job_free(j);
			}
		eng_free(f->sh[i].e);
	}
	/* What the engines said last: the bodies go out, the rest is
	 * dropped (the daemon is going away). */
	while ((it = f->ohead) != NULL) {
		f->ohead = it->next;
		if (it->kind == IT_INJECT)
			item_deliver(f, it);
		item_free(it);
	}
	for (i = 0; i < f->n; i++) {
		if (f->sh[i].mu != NULL)
			pthread_mutex_destroy(f->sh[i].mu);
		free(f->sh[i].mu);
		pthread_mutex_destroy(&f->sh[i].jmu);
		pthread_cond_destroy(&f->sh[i].jcv);
		pthread_cond_destroy(&f->sh[i].idle);
		pthread_mutex_destroy(&f->sh[i].smu);
		if (f->sh[i].snaps != NULL)
			for (size_t k = 0; k < SNAP_SLOTS; k++)
				free(f->sh[i].snaps[k].bare);
		free(f->sh[i].snaps);
	}
	pthread_mutex_destroy(&f->omu);
	pthread_mutex_destroy(&f->rmu);
	pthread_cond_destroy(&f->rcv);
	free(f->sh);
	free(f->fpr_path);
	free(f->fpr_written);
	free(*f->session_jid);
	free(f->session_jid);
	free(f);
}

void
otr_receive_async(struct otr *f, const char *from_full, const char *body,
    void *cookie)
{
	struct shard *sh;

	if (f->n == 0) {
		eng_receive(f->e, from_full, body);
		if (cookie != NULL && f->cb.received != NULL)
			f->cb.received(f->cb.ud, cookie);
		return;
	}
	if (from_full == NULL || body == NULL) {
		if (cookie != NULL && f->cb.received != NULL)
			f->cb.received(f->cb.ud, cookie);
		return;
	}
	sh = shard_for(f, from_full);
	job_queue(f, sh, J_RECEIVE, xstrdup(from_full), xstrdup(body), cookie,
	    0, lane_of_body(body));
}

void
otr_receive(struct otr *f, const char *from_full, const char *body)
{
	otr_receive_async(f, from_full, body, NULL);
}

/* Runs CALL on the engine of JID: directly, or once its shard's worker
 * has done what was queued before (shard_sync), under the shard's mutex. */
#define ON_SHARD(f, jid, e, call) do {					\
	if ((f)->n == 0) {						\
		struct eng *e = (f)->e;					\
		call;							\
	} else {							\
		struct shard *sh_ = shard_for((f), (jid));		\
		struct eng *e = sh_->e;					\
		shard_sync(sh_, (jid));					\
		call;							\
		gen_bump(sh_);						\
		shard_unlock(sh_);					\
	}								\
} while (0)

/* Runs CALL on every engine, each under its mutex. */
#define ON_EACH(f, e, call) do {					\
	if ((f)->n == 0) {						\
		struct eng *e = (f)->e;					\
		call;							\
	} else {							\
		unsigned int i_;					\
		for (i_ = 0; i_ < (f)->n; i_++) {			\
			struct eng *e = (f)->sh[i_].e;			\
			shard_lock(&(f)->sh[i_]);			\
			call;						\
			gen_bump(&(f)->sh[i_]);				\
			shard_unlock(&(f)->sh[i_]);			\
		}							\
	}								\
} while (0)

/*
 * Sharded, a text is encrypted by its shard's worker, after what was
 * queued for the same shard before: the checks that decide whether it
 * can go at all (a session, its size, something left once cleaned) are
 * made here, from the JID's snapshot, so that the caller still learns
 * "nothing sent". A session that ends in between is logged by the worker.
 */
static int
send_queue(struct otr *f, const char *bare_in, const char *text)
{
	struct shard *sh;
	struct snap sn;
	char *bare, *safe;
	int ok;

	if (text == NULL || (bare = person_bare(bare_in)) == NULL)
		return -1;
	if (strlen(text) > MAX_SEND) {
		log_warnx("otr: not sending %zu bytes to %s (limit %d)",
		    strlen(text), log_peer(bare), MAX_SEND);
		free(bare);
		return -1;
	}
	safe = chat_text_out(text);
	ok = *safe != '\0';
	free(safe);
	sh = shard_for(f, bare);
	if (ok) {
		snap_get(sh, bare, &sn);
		ok = sn.sendable;
		if (!ok)
			log_info("otr: not sending to %s: no private "
			    "conversation", log_peer(bare));
	}
	if (!ok) {
		free(bare);
		return -1;
	}
	job_queue(f, sh, J_SEND, bare, xstrdup(text), NULL, 0, LANE_FAST);
	return 0;
}

int
otr_send(struct otr *f, const char *bare, const char *text)
{
	if (f->n == 0)
		return eng_send(f->e, bare, text);
	return send_queue(f, bare, text);
}

/* Synchronous, as the other calls below: a helper's pin is checked by
 * the caller's clock (a reload may have just changed it). */
int
otr_send_pinned(struct otr *f, const char *bare, const char *text)
{
	int rc;

	ON_SHARD(f, bare, e, rc = eng_send_pinned(e, bare, text));
	return rc;
}

int
otr_refuse_key(struct otr *f, const char *bare, unsigned int session,
    const char *text)
{
	int rc;

	ON_SHARD(f, bare, e, rc = eng_refuse_key(e, bare, session, text));
	return rc;
}

int
otr_open(struct otr *f, const char *bare)
{
	int rc;

	ON_SHARD(f, bare, e, rc = eng_open(e, bare));
	return rc;
}

int
otr_smp_start(struct otr *f, const char *bare, const char *question)
{
	int rc;

	ON_SHARD(f, bare, e, rc = eng_smp_start(e, bare, question));
	return rc;
}

void
otr_set_auto_notice(struct otr *f, const char *text)
{
	ON_EACH(f, e, eng_set_auto_notice(e, text));
}

void
otr_end(struct otr *f, const char *bare)
{
	if (f->n == 0)
		eng_end(f->e, bare);
	else if (bare != NULL)
		job_queue(f, shard_for(f, bare), J_END, xstrdup(bare), NULL,
		    NULL, 0, LANE_FAST);
}

void
otr_end_all(struct otr *f)
{
	unsigned int i;

	if (f->n == 0) {
		eng_end_all(f->e);
		return;
	}
	for (i = 0; i < f->n; i++) {
		shard_sync(&f->sh[i], NULL);
		eng_end_all(f->sh[i].e);
		gen_bump(&f->sh[i]);
		shard_unlock(&f->sh[i]);
	}
	otr_dispatch(f);
}

/* Synchronous: the daemon asks otr_info() right after. */
void
otr_offline(struct otr *f, const char *full)
{
	ON_SHARD(f, full, e, eng_offline(e, full));
}

void
otr_poll(struct otr *f, time_t now)
{
	unsigned int i;

	if (f->n == 0) {
		eng_poll(f->e, now);
		return;
	}
	for (i = 0; i < f->n; i++)
		job_queue(f, &f->sh[i], J_POLL, NULL, NULL, NULL, now,
		    LANE_FAST);
}

void
otr_info(const struct otr *f, const char *bare_in, struct otr_info *info)
{
	struct snap sn;
	char *bare;

	if (f->n == 0) {
		eng_info(f->e, bare_in, info);
		return;
	}
	if ((bare = person_bare(bare_in)) == NULL) {
		memset(info, 0, sizeof(*info));
		return;
	}
	snap_get(shard_for(f, bare), bare, &sn);
	*info = sn.info;
	free(bare);
}

const char *
otr_session_jid(const struct otr *f, const char *bare)
{
	const char *full;

	if (f->n == 0)
		return eng_session_jid(f->e, bare);
	free(*f->session_jid);
	*f->session_jid = NULL;
	ON_SHARD(f, bare, e, {
		if ((full = eng_session_jid(e, bare)) != NULL)
			*f->session_jid = xstrdup(full);
	});
	return *f->session_jid;
}

const char *
otr_our_fingerprint(const struct otr *f)
{
	return eng_our_fingerprint(f->n == 0 ? f->e : f->sh[0].e);
}

size_t
otr_nsessions(const struct otr *f)
{
	if (f->n == 0)
		return eng_nsessions(f->e);
	return __atomic_load_n(&f->live_total, __ATOMIC_SEQ_CST);
}

void
otr_set_clock(struct otr *f, time_t (*clock)(void))
{
	ON_EACH(f, e, eng_set_clock(e, clock));
}

size_t
otr_poll_visits(const struct otr *f)
{
	size_t n = 0;

	ON_EACH(f, e, n += eng_poll_visits(e));
	return n;
}

unsigned int
otr_userstate_of(const struct otr *f, const char *bare_in)
{
	const struct eng *e = f->n == 0 ? f->e : f->sh[0].e;
	char *bare = person_bare(bare_in);
	unsigned int i = 0;

	if (bare == NULL)
		return 0;
	if (f->n > 0)
		i = shard_of(bare, f->n) * e->nus;
	i += us_index(bare, e->nus);
	free(bare);
	return i;
}
