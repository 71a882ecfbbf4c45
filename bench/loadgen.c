/*
 * loadgen: many XMPP+OTR clients in one process, for bench/run_load.py.
 *
 *   loadgen --genkey FILE
 *   loadgen --port P --first K --count N [options]
 *
 * Logs in accounts PREFIX<K>..PREFIX<K+N-1>@HOST (password PASS) on
 * 127.0.0.1:P with libstrophe (no TLS), logins staggered at --login-rate
 * per second. All clients share one libotr user state and one DSA key (read
 * from --key, written by --genkey), each with its own account name and a
 * random v3 instance tag, so that no key is generated per client.
 *
 * Phases, driven by signals so that the runner can read the bot's CPU
 * between them:
 *   after login:  prints "ready N"; waits.
 *   SIGUSR1:      every client sends "?OTRv3?" to the target (--otr-rate
 *                 a second, 0: all at once; again after --ake-retry ms,
 *                 120 s by default, without a session: a shorter wait
 *                 re-sends queries still queued at a busy bot, and each
 *                 costs it a new AKE); a client whose AKE completes waits for the
 *                 greeting (the first message) or 2 s; prints "secure N"
 *                 when all are secure.
 *   SIGUSR2:      clients ask questions from --questions in turn: one
 *                 question, wait for the first message back (the answer),
 *                 wait --think ms, next question. Without --control the
 *                 next SIGUSR2 stops new questions (sessions stay open),
 *                 the next resumes. With --control FILE, each SIGUSR2
 *                 reads "K" or "K once" from FILE: the first K clients of
 *                 this process ask (0: none); "once": each asks one
 *                 question and then waits for the next command.
 *   SIGTERM/INT:  stop; the sample file is flushed; exit 0.
 * A login that fails (libstrophe gives the TCP connect 5 s: Prosody's
 * accept queue overflows under a burst) or a link that drops is tried
 * again 1-3 s later, up to --login-tries times in a row.
 * --auto starts OTR after login and asks once secure (no signals needed).
 *
 * Modes (--mode):
 *   otr    (default) as above, to --target (the bot).
 *   echo   no OTR: the question goes in clear to --target (an echo bot);
 *          the echo is the answer. SIGUSR1 does nothing ("secure" at once).
 *   flood  one client (use --count 1) sends, --flood-rate times a second,
 *          in turn: an OTR query, a garbage OTR data message, a random
 *          plaintext line. Nothing is measured.
 *   gone   each client, once secure, asks one question, waits for the
 *          answer, ends OTR (libotr's disconnect), logs off; prints
 *          "gone N" when all have. People who came and went.
 *
 * A client whose session restarts while a question is out (the bot was
 * restarted) asks it again once secure; a question without answer after
 * --retry ms is sent again (so libotr sees a data message and recovers).
 *
 * The loop sleeps in select() (xmpp_run_once) until the next socket event
 * or the next thing due (a login, a question after --think, a re-send, the
 * end of a greeting's wait), at most 250 ms: an idle client costs nothing,
 * and the generator's CPU is its share of the OTR work.
 *
 * LOADGEN_TRACE=1 in the environment: every message a client sends or gets
 * (OTR ones: before libotr sees them) goes to stderr as "T <s> <jid> >|<
 * <its first 14 bytes>", to count who answers whom.
 *
 * Samples (--samples FILE), one line each, times in ms since the epoch
 * (wall clock, to line up with other processes) and durations in ms:
 *   L <t> <ms> <i>   client i logged in (ms since its connect)
 *   H <t> <ms> <i>   handshake done (ms since the query; 0: a re-key)
 *   A <t> <ms> <i>   answer received (ms since the question was sent)
 *   R <t> <ms> <i>   the same answer, when its question was sent again
 *                    in a new session (ms since then: the answer alone)
 *   G <t> <ms> <i>   greeting received (ms since secure)
 *   Q <t> <w> <i>    "?OTRv3?" sent: w 0 the client's own, 1 re-sent
 *                    after --ake-retry ms without an answer, 2 sent by
 *                    libotr itself (an OTR error made it start again)
 * Test and benchmark code, not part of the bot.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <gcrypt.h>
#include <libotr/proto.h>
#include <libotr/userstate.h>
#include <libotr/message.h>
#include <libotr/privkey.h>
#include <libotr/instag.h>
#include <strophe.h>

#define PROTO	"xmpp"

enum cstate {
	C_IDLE,		/* not connected yet */
	C_CONNECTING,
	C_ONLINE,	/* logged in, waiting for SIGUSR1 */
	C_AKE,		/* query sent */
	C_GREET,	/* secure, waiting for the greeting */
	C_READY,	/* secure, greeted, waiting for SIGUSR2 */
	C_ASKED,	/* question out */
	C_THINK,	/* answer in, waiting before the next question */
	C_DONE,		/* gone mode: finished */
	C_FAILED,
};

struct client {
	int idx;
	char jid[128];
	xmpp_conn_t *conn;
	enum cstate st;
	double t_connect, t_query, t_secure, t_asked, t_next, t_sent;
	int qi;
	int secured;	/* times gone secure */
	int greeted;
	int answers;
	int done_once;	/* "once": asked its question, waits */
	int tries;	/* connection attempts that failed in a row */
	int was_online;
	int was_secure;	/* counted in n_secure */
	double t_retry;	/* C_IDLE: connect again at this time */
};

static struct {
	const char *host, *prefix, *password, *target, *keyfile, *questions;
	const char *samples, *mode, *control;
	int port, first, count, auto_run;
	double login_rate, think_ms, retry_ms, flood_rate, otr_rate;
	double ake_retry_ms;
	int login_tries;
} opt = {
	/* by name: a field added in the middle must not shift the others
	 * (b5f4e08 gave ake_retry_ms the 10 meant for login_tries: every
	 * client re-sent ?OTRv3? each 10 ms until its AKE finished) */
	.host = "example.test", .prefix = "u", .password = "pw",
	.target = "bot@example.test", .mode = "otr",
	.count = 1, .login_rate = 100.0, .retry_ms = 60000.0,
	.flood_rate = 50.0, .login_tries = 10, .ake_retry_ms = 120000.0,
};

static xmpp_ctx_t *ctx;
static OtrlUserState us;
static OtrlMessageAppOps ops;
static struct client *cl;
static char **qv;
static size_t qn;
static FILE *sf;
static volatile sig_atomic_t sig_otr, sig_ask, sig_stop;
static int go_otr, go_ask, n_askers = 1 << 30, ask_once;
static int n_online, n_secure, n_gone, n_failed, n_retries;
static int said_ready, said_secure, said_gone;
static int mode_echo, mode_flood, mode_gone;

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void
sample(const struct client *c, char tag, double ms)
{
	if (sf != NULL)
		fprintf(sf, "%c %.3f %.3f %d\n", tag, now_ms(), ms, c->idx);
}

static void say(const char *, ...) __attribute__((format(printf, 1, 2)));
static void die(const char *, ...)
    __attribute__((format(printf, 1, 2), noreturn));

static void
say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

static void
die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "loadgen: ");
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	exit(2);
}

static void
on_signal(int s)
{
	if (s == SIGUSR1)
		sig_otr = 1;
	else if (s == SIGUSR2)
		sig_ask = 1;
	else
		sig_stop = 1;
}

/* Sending. */

/* LOADGEN_TRACE set: each message in and out on stderr (its first
 * bytes), to see who answers whom. */
static int trace;

static void
trace_msg(const struct client *c, const char *dir, const char *body)
{
	if (trace)
		fprintf(stderr, "T %.3f %s %s %.14s\n", now_ms() / 1e3, c->jid,
		    dir, body);
}

static void
send_raw(struct client *c, const char *to, const char *body)
{
	xmpp_stanza_t *m = xmpp_message_new(ctx, "chat", to, NULL);

	trace_msg(c, ">", body);

	xmpp_message_set_body(m, body);
	xmpp_send(c->conn, m);
	xmpp_stanza_release(m);
}

/* "?OTRv3?" to the target, in the samples as Q (value: 0 the client's
 * query, 1 a query re-sent after --ake-retry without an answer, 2 one
 * libotr sent by itself). */
static void
send_query(struct client *c, int why)
{
	sample(c, 'Q', why);
	send_raw(c, opt.target, "?OTRv3?");
}

static void
send_text(struct client *c, const char *text)
{
	char *out = NULL;
	gcry_error_t err;

	if (mode_echo) {
		send_raw(c, opt.target, text);
		return;
	}
	err = otrl_message_sending(us, &ops, c, c->jid, PROTO, opt.target,
	    OTRL_INSTAG_BEST, text, NULL, &out, OTRL_FRAGMENT_SEND_SKIP,
	    NULL, NULL, NULL);
	if (err == 0 && out != NULL && out[0] != '\0')
		send_raw(c, opt.target, out);
	otrl_message_free(out);
}

/* 1 if the session with the target is encrypted; else sends a query, as
 * a person would press "start private conversation" again (after the bot
 * ended the session, e.g. when it was restarted), and returns 0. */
static int
secure_or_requery(struct client *c)
{
	ConnContext *cc;

	if (mode_echo)
		return 1;
	cc = otrl_context_find(us, opt.target, c->jid, PROTO,
	    OTRL_INSTAG_BEST, 0, NULL, NULL, NULL);
	if (cc != NULL && cc->msgstate == OTRL_MSGSTATE_ENCRYPTED)
		return 1;
	if (cc != NULL && cc->msgstate == OTRL_MSGSTATE_FINISHED)
		otrl_context_force_plaintext(cc);
	c->greeted = 0;
	send_query(c, 0);
	return 0;
}

static void
count_secure(struct client *c)
{
	if (!c->was_secure) {
		c->was_secure = 1;
		n_secure++;
	}
}

static const char *
question(const struct client *c)
{
	return qn > 0 ? qv[(c->qi - 1) % qn] : "my phone was stolen";
}

static void
ask(struct client *c)
{
	c->qi++;
	c->st = C_ASKED;
	c->t_asked = c->t_sent = now_ms();
	if (secure_or_requery(c))
		send_text(c, question(c));
}

static void
start_otr(struct client *c)
{
	c->t_query = now_ms();
	if (mode_echo) {
		c->st = C_READY;
		count_secure(c);
		return;
	}
	c->st = C_AKE;
	c->t_sent = c->t_query;
	send_query(c, 0);
}

/* libotr callbacks; opdata is the client. */

static OtrlPolicy
op_policy(void *od, ConnContext *cc)
{
	(void)od; (void)cc;
	/* v3 only, no whitespace tags: a client starts OTR with ?OTRv3? and
	 * again after an OTR error (the bot lost the session) */
	return OTRL_POLICY_ALLOW_V3 | OTRL_POLICY_REQUIRE_ENCRYPTION |
	    OTRL_POLICY_ERROR_START_AKE;
}

static int
op_is_logged_in(void *od, const char *a, const char *p, const char *r)
{
	(void)od; (void)a; (void)p; (void)r;
	return 1;
}

static void
op_inject(void *od, const char *acct, const char *proto, const char *to,
    const char *msg)
{
	struct client *c = od;

	(void)acct; (void)proto;
	if (c != NULL && c->conn != NULL &&
	    xmpp_conn_is_connected(c->conn)) {
		if (otrl_proto_message_type(msg) == OTRL_MSGTYPE_QUERY)
			sample(c, 'Q', 2);
		send_raw(c, to, msg);
	}
}

static void
op_gone_secure(void *od, ConnContext *cc)
{
	struct client *c = od;

	(void)cc;
	if (c == NULL)
		return;
	c->secured++;
	c->t_secure = now_ms();
	if (c->st == C_AKE) {
		sample(c, 'H', c->t_secure - c->t_query);
		c->st = C_GREET;
	} else if (c->st == C_ASKED) {
		/* the bot came back: ask again once greeted (latency from
		 * the first try) */
		sample(c, 'H', 0);
		c->greeted = 0;
	}
}

static int
op_mms(void *od, ConnContext *cc)
{
	(void)od; (void)cc;
	return 0;
}

static const char *
op_err(void *od, ConnContext *cc, OtrlErrorCode code)
{
	(void)od; (void)cc; (void)code;
	return "error";
}

static void
op_err_free(void *od, const char *s)
{
	(void)od; (void)s;
}

static void
op_msg_event(void *od, OtrlMessageEvent ev, ConnContext *cc,
    const char *msg, gcry_error_t err)
{
	(void)od; (void)ev; (void)cc; (void)msg; (void)err;
}

static void
op_create_instag(void *od, const char *acct, const char *proto)
{
	FILE *f = fopen("/dev/null", "w");

	(void)od;
	if (f != NULL) {
		otrl_instag_generate_FILEp(us, f, acct, proto);
		fclose(f);
	}
}

static void
op_noop_privkey(void *od, const char *acct, const char *proto)
{
	(void)od;
	fprintf(stderr, "loadgen: no key for %s/%s\n", acct, proto);
}

/* Incoming text: the answer, the greeting, or an extra line. */
static void
got_text(struct client *c, const char *text)
{
	double t = now_ms();

	(void)text;
	switch (c->st) {
	case C_GREET:
		sample(c, 'G', t - c->t_secure);
		c->greeted = 1;
		c->st = C_READY;
		count_secure(c);
		break;
	case C_ASKED:
		if (!c->greeted && c->secured > 1 && !mode_echo &&
		    t - c->t_secure < 2000) {
			/* the greeting of a new session: ask again now */
			c->greeted = 1;
			c->t_sent = t;
			send_text(c, question(c));
			break;
		}
		sample(c, 'A', t - c->t_asked);
		/* asked again in a new session (the bot restarted): the
		 * answer's own latency, without the handshake before it */
		if (c->t_sent > c->t_asked)
			sample(c, 'R', t - c->t_sent);
		c->answers++;
		if (mode_gone) {
			otrl_message_disconnect_all_instances(us, &ops, c,
			    c->jid, PROTO, opt.target);
			c->st = C_DONE;
			n_gone++;
			xmpp_disconnect(c->conn);
			break;
		}
		if (ask_once) {
			c->done_once = 1;
			c->st = C_READY;
			break;
		}
		c->st = C_THINK;
		c->t_next = t + opt.think_ms;
		break;
	default:
		break;	/* extra lines of an answer, notices */
	}
}

static int
on_message(xmpp_conn_t *conn, xmpp_stanza_t *st, void *ud)
{
	struct client *c = ud;
	const char *type = xmpp_stanza_get_type(st);
	const char *from = xmpp_stanza_get_from(st);
	char *body, *newmsg = NULL;
	OtrlTLV *tlvs = NULL;
	int r;

	(void)conn;
	if (type != NULL && strcmp(type, "error") == 0)
		return 1;
	if ((body = xmpp_message_get_body(st)) == NULL || from == NULL) {
		xmpp_free(ctx, body);
		return 1;
	}
	if (mode_echo || mode_flood) {
		if (mode_echo)
			got_text(c, body);
		xmpp_free(ctx, body);
		return 1;
	}
	trace_msg(c, "<", body);
	r = otrl_message_receiving(us, &ops, c, c->jid, PROTO, opt.target,
	    body, &newmsg, &tlvs, NULL, NULL, NULL);
	if (tlvs != NULL) {
		/* the bot ended the session (it stops): a person with a
		 * question out starts a new one at once */
		if (otrl_tlv_find(tlvs, OTRL_TLV_DISCONNECTED) != NULL &&
		    c->st == C_ASKED) {
			c->t_sent = now_ms();
			(void)secure_or_requery(c);
		}
		otrl_tlv_free(tlvs);
	}
	if (r == 0 && newmsg != NULL)
		got_text(c, newmsg);
	otrl_message_free(newmsg);
	xmpp_free(ctx, body);
	return 1;
}

static void
on_conn(xmpp_conn_t *conn, xmpp_conn_event_t ev, int err,
    xmpp_stream_error_t *se, void *ud)
{
	struct client *c = ud;

	(void)err; (void)se;
	if (ev == XMPP_CONN_CONNECT) {
		xmpp_stanza_t *p = xmpp_presence_new(ctx);

		xmpp_handler_add(conn, on_message, NULL, "message", NULL, c);
		xmpp_send(conn, p);
		xmpp_stanza_release(p);
		c->st = C_ONLINE;
		c->tries = 0;
		if (!c->was_online) {
			c->was_online = 1;
			n_online++;
			sample(c, 'L', now_ms() - c->t_connect);
		}
		if (opt.auto_run || go_otr)
			start_otr(c);
	} else if (ev == XMPP_CONN_DISCONNECT) {
		if (c->st == C_DONE || c->st == C_FAILED)
			return;
		fprintf(stderr, "loadgen: %s: %s (%d)%s\n", c->jid,
		    c->st == C_CONNECTING ? "login failed" : "disconnected",
		    err, c->tries + 1 < opt.login_tries ? ", will retry" : "");
		if (++c->tries >= opt.login_tries) {
			c->st = C_FAILED;
			n_failed++;
			return;
		}
		/* the server's accept queue was full (libstrophe gives a TCP
		 * connect 5 s) or it dropped us: connect again in 1-3 s, as
		 * a client would; a session in progress starts again */
		if (c->st == C_GREET || c->st == C_READY || c->st == C_THINK ||
		    c->st == C_ASKED || c->st == C_AKE)
			c->secured = 0;
		c->st = C_IDLE;
		c->t_retry = now_ms() + 1000 + rand() % 2000;
		n_retries++;
	}
}

static void
client_connect(struct client *c)
{
	if (c->conn != NULL)
		xmpp_conn_release(c->conn);
	c->conn = xmpp_conn_new(ctx);
	xmpp_conn_set_flags(c->conn, XMPP_CONN_FLAG_DISABLE_TLS);
	xmpp_conn_set_jid(c->conn, c->jid);
	xmpp_conn_set_pass(c->conn, opt.password);
	if (c->tries == 0)
		c->t_connect = now_ms();	/* a login's time includes
						 * its retries */
	c->st = C_CONNECTING;
	if (xmpp_connect_client(c->conn, "127.0.0.1", (unsigned short)opt.port,
	    on_conn, c) != XMPP_EOK) {
		c->st = C_FAILED;
		n_failed++;
	}
}

/* Keys: one DSA key for every account, no key generation per client. */

static void
genkey(const char *file)
{
	OtrlUserState u = otrl_userstate_create();
	gcry_error_t e;

	unlink(file);
	if ((e = otrl_privkey_generate(u, file, "template@bench", PROTO)) != 0)
		die("key generation failed: %s", gcry_strerror(e));
	otrl_userstate_free(u);
}

static char *
slurp(const char *file, size_t *len)
{
	FILE *f = fopen(file, "rb");
	char *b;
	long n;

	if (f == NULL)
		die("%s: %s", file, strerror(errno));
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	if ((b = malloc((size_t)n + 1)) == NULL)
		die("out of memory");
	if (fread(b, 1, (size_t)n, f) != (size_t)n)
		die("%s: short read", file);
	b[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return b;
}

static void
load_keys(void)
{
	size_t len, cap, used = 0;
	char *t = slurp(opt.keyfile, &len), *key, *end, *all;
	FILE *f;

	/* the "(private-key ...)" block of the template, up to its account's
	 * closing parenthesis */
	if ((key = strstr(t, "(private-key")) == NULL)
		die("%s: no private key", opt.keyfile);
	end = t + len;
	while (end > key && *end != ')')
		end--;		/* closes privkeys */
	end--;
	while (end > key && *end != ')')
		end--;		/* closes the account */
	*end = '\0';
	cap = 32 + (size_t)opt.count * (strlen(key) + 200);
	if ((all = malloc(cap)) == NULL)
		die("out of memory");
	used += (size_t)snprintf(all, cap, "(privkeys\n");
	for (int i = 0; i < opt.count; i++)
		used += (size_t)snprintf(all + used, cap - used,
		    " (account\n  (name \"%s\")\n  (protocol %s)\n  %s)\n",
		    cl[i].jid, PROTO, key);
	used += (size_t)snprintf(all + used, cap - used, ")\n");
	/* libotr fstat()s the key file: a real (unlinked) file, not fmemopen */
	if ((f = tmpfile()) == NULL || fwrite(all, 1, used, f) != used)
		die("tmpfile: %s", strerror(errno));
	rewind(f);
	if (otrl_privkey_read_FILEp(us, f) != 0)
		die("cannot read the replicated key");
	fclose(f);
	free(all);
	free(t);
	/* instance tags */
	cap = (size_t)opt.count * 160 + 1;
	if ((all = malloc(cap)) == NULL)
		die("out of memory");
	used = 0;
	for (int i = 0; i < opt.count; i++) {
		unsigned int tag;

		gcry_randomize(&tag, sizeof(tag), GCRY_STRONG_RANDOM);
		tag |= 0x100;
		used += (size_t)snprintf(all + used, cap - used, "%s\t%s\t%08x\n",
		    cl[i].jid, PROTO, tag);
	}
	if ((f = tmpfile()) == NULL || fwrite(all, 1, used, f) != used)
		die("tmpfile: %s", strerror(errno));
	rewind(f);
	if (otrl_instag_read_FILEp(us, f) != 0)
		die("cannot read instance tags");
	fclose(f);
	free(all);
}

static void
load_questions(void)
{
	FILE *f;
	char line[2048];

	if (opt.questions == NULL)
		return;
	if ((f = fopen(opt.questions, "r")) == NULL)
		die("%s: %s", opt.questions, strerror(errno));
	while (fgets(line, sizeof(line), f) != NULL) {
		char *tab = strchr(line, '\t');

		line[strcspn(line, "\r\n")] = '\0';
		if (tab != NULL)
			*tab = '\0';	/* TSV: the question is column 1 */
		if (line[0] == '\0' || line[0] == '#')
			continue;
		qv = realloc(qv, (qn + 1) * sizeof(*qv));
		if (qv == NULL || (qv[qn++] = strdup(line)) == NULL)
			die("out of memory");
	}
	fclose(f);
}

static void
flood_one(struct client *c, unsigned long k)
{
	char b[400];
	unsigned char r[180];
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i;

	gcry_randomize(r, sizeof(r), GCRY_WEAK_RANDOM);
	switch (k % 3) {
	case 0:
		send_raw(c, opt.target, "?OTRv3?");
		break;
	case 1:
		memcpy(b, "?OTR:AAMD", 9);
		for (i = 0; i < sizeof(r); i++)
			b[9 + i] = b64[r[i] % 64];
		b[9 + i] = '.';
		b[10 + i] = '\0';
		send_raw(c, opt.target, b);
		break;
	default:
		for (i = 0; i < 60; i++)
			b[i] = (char)('a' + r[i] % 26);
		b[i] = '\0';
		send_raw(c, opt.target, b);
		break;
	}
}

/* SIGUSR2 with --control: "K" or "K once" from the file. */
static void
read_control(void)
{
	FILE *f = fopen(opt.control, "r");
	char line[64] = "";

	if (f == NULL || fgets(line, sizeof(line), f) == NULL) {
		if (f != NULL)
			fclose(f);
		fprintf(stderr, "loadgen: %s: no command\n", opt.control);
		return;
	}
	fclose(f);
	n_askers = (int)strtol(line, NULL, 10);
	ask_once = strstr(line, "once") != NULL;
	go_ask = n_askers > 0;
	for (int i = 0; i < opt.count; i++)
		cl[i].done_once = 0;
}

static double
earlier(double a, double b)
{
	return b < a ? b : a;
}

static void
usage(void)
{
	fprintf(stderr, "usage: loadgen --genkey FILE\n"
	    "       loadgen --port P --key FILE [--first K] [--count N]\n"
	    "         [--host H] [--prefix P] [--password PW] [--target JID]\n"
	    "         [--questions FILE] [--samples FILE] [--mode otr|echo|"
	    "flood|gone]\n"
	    "         [--login-rate R] [--think MS] [--retry MS] "
	    "[--flood-rate R] [--auto]\n"
	    "         [--control FILE] [--login-tries N] [--otr-rate R]\n"
	    "         [--ake-retry MS]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	int next_login = 0, next_otr = 0;
	double t_otr0 = 0;
	double t0, last_flood = 0;
	unsigned long nflood = 0;
	struct sigaction sa;

	OTRL_INIT;
	trace = getenv("LOADGEN_TRACE") != NULL;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

#define ARG(name) (strcmp(a, name) == 0 && v != NULL && ++i)
		if (strcmp(a, "--genkey") == 0 && v != NULL) {
			genkey(v);
			return 0;
		} else if (ARG("--port"))
			opt.port = (int)strtol(v, NULL, 10);
		else if (ARG("--first"))
			opt.first = (int)strtol(v, NULL, 10);
		else if (ARG("--count"))
			opt.count = (int)strtol(v, NULL, 10);
		else if (ARG("--host"))
			opt.host = v;
		else if (ARG("--prefix"))
			opt.prefix = v;
		else if (ARG("--password"))
			opt.password = v;
		else if (ARG("--target"))
			opt.target = v;
		else if (ARG("--key"))
			opt.keyfile = v;
		else if (ARG("--questions"))
			opt.questions = v;
		else if (ARG("--samples"))
			opt.samples = v;
		else if (ARG("--mode"))
			opt.mode = v;
		else if (ARG("--login-rate"))
			opt.login_rate = strtod(v, NULL);
		else if (ARG("--think"))
			opt.think_ms = strtod(v, NULL);
		else if (ARG("--retry"))
			opt.retry_ms = strtod(v, NULL);
		else if (ARG("--ake-retry"))
			opt.ake_retry_ms = strtod(v, NULL);
		else if (ARG("--otr-rate"))
			opt.otr_rate = strtod(v, NULL);
		else if (ARG("--login-tries"))
			opt.login_tries = (int)strtol(v, NULL, 10);
		else if (ARG("--control"))
			opt.control = v;
		else if (ARG("--flood-rate"))
			opt.flood_rate = strtod(v, NULL);
		else if (strcmp(a, "--auto") == 0)
			opt.auto_run = 1;
		else
			usage();
#undef ARG
	}
	mode_echo = strcmp(opt.mode, "echo") == 0;
	mode_flood = strcmp(opt.mode, "flood") == 0;
	mode_gone = strcmp(opt.mode, "gone") == 0;
	if (!mode_echo && !mode_flood && !mode_gone &&
	    strcmp(opt.mode, "otr") != 0)
		usage();
	if (opt.port <= 0 || opt.count <= 0 || opt.count > 1000 ||
	    (opt.keyfile == NULL && !mode_echo && !mode_flood))
		usage();
	if (opt.samples != NULL && (sf = fopen(opt.samples, "w")) == NULL)
		die("%s: %s", opt.samples, strerror(errno));
	if (sf != NULL)
		setvbuf(sf, NULL, _IOLBF, 0);
	load_questions();

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	if ((cl = calloc((size_t)opt.count, sizeof(*cl))) == NULL)
		die("out of memory");
	for (int i = 0; i < opt.count; i++) {
		cl[i].idx = opt.first + i;
		snprintf(cl[i].jid, sizeof(cl[i].jid), "%s%d@%s", opt.prefix,
		    opt.first + i, opt.host);
	}
	us = otrl_userstate_create();
	if (opt.keyfile != NULL)
		load_keys();
	ops.policy = op_policy;
	ops.create_privkey = op_noop_privkey;
	ops.is_logged_in = op_is_logged_in;
	ops.inject_message = op_inject;
	ops.gone_secure = op_gone_secure;
	ops.max_message_size = op_mms;
	ops.otr_error_message = op_err;
	ops.otr_error_message_free = op_err_free;
	ops.handle_msg_event = op_msg_event;
	ops.create_instag = op_create_instag;

	xmpp_initialize();
	ctx = xmpp_ctx_new(NULL, NULL);
	t0 = now_ms();
	while (!sig_stop) {
		double t = now_ms(), due = t + 250;
		long wait;

		/* staggered logins */
		while (next_login < opt.count &&
		    (t - t0) * opt.login_rate / 1e3 >= next_login)
			client_connect(&cl[next_login++]);
		if (next_login < opt.count)
			due = earlier(due, t0 + next_login * 1e3 / opt.login_rate);
		if (!said_ready && n_online + n_failed == opt.count) {
			said_ready = 1;
			say("ready %d failed %d retries %d", n_online, n_failed,
			    n_retries);
		}
		if (sig_otr && !go_otr) {
			go_otr = 1;
			t_otr0 = t;
		}
		/* SIGUSR1: the clients start OTR, at --otr-rate a second
		 * (0: all at once) */
		while (go_otr && next_otr < opt.count && (opt.otr_rate <= 0 ||
		    (t - t_otr0) * opt.otr_rate / 1e3 >= next_otr)) {
			if (cl[next_otr].st == C_ONLINE)
				start_otr(&cl[next_otr]);
			next_otr++;
		}
		if (go_otr && next_otr < opt.count)
			due = earlier(due, t_otr0 + next_otr * 1e3 / opt.otr_rate);
		if (sig_ask) {		/* SIGUSR2: a command, or a toggle */
			sig_ask = 0;
			if (opt.control != NULL)
				read_control();
			else
				go_ask = !go_ask;
		}
		if (opt.auto_run)
			go_ask = 1;
		for (int i = 0; i < opt.count; i++) {
			struct client *c = &cl[i];
			int asking = go_ask && i < n_askers && !mode_flood &&
			    !(ask_once && c->done_once);

			if (go_otr && c->st == C_ONLINE && i < next_otr)
				start_otr(c);	/* was not online at its turn */
			if (c->st == C_IDLE && c->t_retry > 0) {
				if (t >= c->t_retry) {
					c->t_retry = 0;
					client_connect(c);
				} else
					due = earlier(due, c->t_retry);
			}
			if (c->st == C_AKE) {
				/* no answer to the query (lost while the bot
				 * was away): ask for OTR again */
				if (t - c->t_sent > opt.ake_retry_ms) {
					c->t_sent = t;
					send_query(c, 1);
				}
				due = earlier(due, c->t_sent + opt.ake_retry_ms);
			}
			if (c->st == C_GREET) {
				if (t - c->t_secure > 2000) {
					c->st = C_READY;	/* no greeting */
					count_secure(c);
				} else
					due = earlier(due, c->t_secure + 2000);
			}
			if (c->st == C_ASKED && !c->greeted && c->secured > 1) {
				if (t - c->t_secure > 2000) {
					/* new session, no greeting */
					c->greeted = 1;
					c->t_sent = t;
					send_text(c, question(c));
				} else
					due = earlier(due, c->t_secure + 2000);
			}
			if (c->st == C_ASKED) {
				/* a question out is re-sent even when asking
				 * stopped: its answer is still awaited */
				if (t - c->t_sent > opt.retry_ms) {
					c->t_sent = t;
					if (secure_or_requery(c))
						send_text(c, question(c));
				}
				due = earlier(due, c->t_sent + opt.retry_ms);
				continue;
			}
			if (!asking)
				continue;
			if (c->st == C_READY ||
			    (c->st == C_THINK && t >= c->t_next))
				ask(c);
			else if (c->st == C_THINK)
				due = earlier(due, c->t_next);
		}
		if (mode_flood && go_otr && opt.flood_rate > 0) {
			if (t - last_flood >= 1e3 / opt.flood_rate) {
				last_flood = t;
				for (int i = 0; i < opt.count; i++)
					if (cl[i].st != C_FAILED &&
					    cl[i].st != C_CONNECTING &&
					    cl[i].st != C_IDLE)
						flood_one(&cl[i], nflood++);
			}
			due = earlier(due, last_flood + 1e3 / opt.flood_rate);
		}
		if (go_otr && !said_secure && !mode_flood &&
		    n_secure + n_failed >= opt.count) {
			said_secure = 1;
			say("secure %d", n_secure);
		}
		if (mode_gone && !said_gone && n_gone + n_failed >= opt.count) {
			said_gone = 1;
			say("gone %d", n_gone);
		}
		/* sleep until the next socket event or the next thing due;
		 * what the handlers queued is written first */
		wait = (long)(due - now_ms() + 0.999);
		xmpp_run_once(ctx, wait > 0 ? (unsigned long)wait : 0);
	}
	if (sf != NULL)
		fclose(sf);
	for (int i = 0; i < opt.count; i++) {
		if (cl[i].conn == NULL)
			continue;
		if (xmpp_conn_is_connected(cl[i].conn))
			xmpp_disconnect(cl[i].conn);
	}
	for (int k = 0; k < 50; k++)
		xmpp_run_once(ctx, 2);
	for (int i = 0; i < opt.count; i++)
		if (cl[i].conn != NULL)
			xmpp_conn_release(cl[i].conn);
	xmpp_ctx_free(ctx);
	xmpp_shutdown();
	otrl_userstate_free(us);
	return 0;
}
