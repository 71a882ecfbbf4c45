/*
 * otrfloor: what libotr alone costs the bot, with no XMPP and no bot logic:
 * the crypto floor that bench/run_load.py divides the daemon's figures by.
 *
 *   otrfloor [--handshakes N] [--answers N] [--answer-bytes B]
 *            [--greeting-bytes G] [--contexts C] [--userstates K]
 *            [--keep 1] [--pause-us U]
 *
 * Two user states in one process, "bot@example.test" and a client, pass
 * messages to each other in memory. A handshake is what the daemon does
 * when a client sends "?OTRv3?": the bot receives the query, starts the AKE
 * and receives the DH-key and Signature messages. An answer is the bot
 * receiving one encrypted question and sending one reply of B bytes. Only
 * the bot's calls are timed (process CPU time around them). Like the bot,
 * which greets each person once the session is private, a handshake ends
 * with one message of G bytes from the bot (320 by default, the length of
 * the English greeting; 0: none). Prints
 *   floor handshake_cpu_ms X answer_cpu_ms Y handshakes N answers N
 *   ake_cpu_ms Z greeting_bytes G
 * where Z is the handshake without the greeting, then one line
 *   steps query Q dh-key K signature S greeting G data-in D reply R
 * with the bot's CPU per call of each step in ms (per handshake for the
 * first four, per answer for the last two; faults: minor page faults
 * of the whole process per handshake): what the daemon's
 * "cpu by kind" debug line counts per incoming stanza, for the same
 * comparison step by step. --contexts C: the bot's user state holds C
 * other people's sessions (a master and an instance context each, the
 * peer in the middle of libotr's sorted list, names that share its first
 * letters, each context followed by a block of memory the size of a
 * session's), as the daemon's does with C sessions open: libotr walks
 * that list, from its head, about three times per message it receives,
 * and each step is a cache miss when the contexts lie apart in memory.
 * --userstates K: the bot's contexts spread over K user states by a hash
 * of the peer's name, each holding the same key and instance tag, as the
 * daemon's limits.otr_userstates. --keep 1: each handshake is with a new
 * person and the bot keeps the session after it, as the daemon does with
 * the people who come (without it, one peer whose session is forgotten
 * before each handshake, so the same memory serves every handshake).
 * --pause-us U: sleep U us before each message the bot receives, as the
 * daemon waits for the client's next message (caches go cold).
 * Benchmark code, not part of the bot.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>

#include <gcrypt.h>
#include <libotr/proto.h>
#include <libotr/userstate.h>
#include <libotr/message.h>
#include <libotr/privkey.h>
#include <libotr/instag.h>

#define PROTO	"xmpp"
#define BOT	"bot@example.test"
#define PEER	"alice@example.test"
#define QMAX	16

struct side {
	OtrlUserState us;
	const char *acct, *peer;
	char *q[QMAX];		/* messages injected towards the other side */
	int nq;
	int secure;
};

static struct side bot, cli;
static OtrlMessageAppOps ops;
static int pause_us;		/* --pause-us: sleep before each bot step */
static OtrlUserState *bot_uss;	/* --userstates: the bot's, as otr.c's */
static int nus = 1;

/* The bot's user state for peer: spread by a hash of the name, as the
 * daemon spreads people over limits.otr_userstates. */
static OtrlUserState
bot_us(const char *peer)
{
	unsigned int h = 2166136261u;

	for (const char *c = peer; *c != '\0'; c++)
		h = (h ^ (unsigned char)*c) * 16777619u;
	return bot_uss[(h >> 12) % (unsigned int)nus];
}
static double bot_cpu;
/* The bot's CPU by what it received (OTRL_MSGTYPE_*) and sent. */
static double step_in[OTRL_MSGTYPE_UNKNOWN + 1], step_out;

static double
cpu_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static OtrlPolicy
op_policy(void *od, ConnContext *c)
{
	(void)od; (void)c;
	return OTRL_POLICY_ALWAYS;
}

static int
op_logged(void *od, const char *a, const char *p, const char *r)
{
	(void)od; (void)a; (void)p; (void)r;
	return 1;
}

static void
op_inject(void *od, const char *a, const char *p, const char *to,
    const char *msg)
{
	struct side *s = od;

	(void)a; (void)p; (void)to;
	if (s->nq < QMAX)
		s->q[s->nq++] = strdup(msg);
}

static void
op_secure(void *od, ConnContext *c)
{
	struct side *s = od;

	(void)c;
	s->secure = 1;
}

static int
op_mms(void *od, ConnContext *c)
{
	(void)od; (void)c;
	return 0;
}

static const char *
op_err(void *od, ConnContext *c, OtrlErrorCode e)
{
	(void)od; (void)c; (void)e;
	return "error";
}

static void
op_err_free(void *od, const char *s)
{
	(void)od; (void)s;
}

static void
op_event(void *od, OtrlMessageEvent e, ConnContext *c, const char *m,
    gcry_error_t err)
{
	(void)od; (void)e; (void)c; (void)m; (void)err;
}

static void
op_instag(void *od, const char *acct, const char *proto)
{
	struct side *s = od;
	FILE *f = fopen("/dev/null", "w");

	if (f != NULL) {
		otrl_instag_generate_FILEp(s->us, f, acct, proto);
		fclose(f);
	}
}

static void
op_privkey(void *od, const char *acct, const char *proto)
{
	(void)od;
	fprintf(stderr, "otrfloor: no key for %s/%s\n", acct, proto);
}

/* The bot's own calls into libotr, out of line so that a profile can pick
 * them out: `valgrind --tool=callgrind --toggle-collect=bot_receiving
 * --toggle-collect=bot_sending` counts the bot's side only, and a page
 * fault with one of them on its stack is the bot's. */
__attribute__((noinline)) static int
bot_receiving(const char *body, char **newmsg, OtrlTLV **tlvs)
{
	return otrl_message_receiving(bot.us, &ops, &bot, bot.acct, PROTO,
	    bot.peer, body, newmsg, tlvs, NULL, NULL, NULL);
}

__attribute__((noinline)) static gcry_error_t
bot_sending(const char *text, char **out)
{
	return otrl_message_sending(bot.us, &ops, &bot, bot.acct, PROTO,
	    bot.peer, OTRL_INSTAG_BEST, text, NULL, out,
	    OTRL_FRAGMENT_SEND_SKIP, NULL, NULL, NULL);
}

/* Delivers body to side s; what s injects is queued on s. The call is
 * timed when s is the bot. Returns the decrypted text, if any. */
static char *
deliver(struct side *s, const char *body)
{
	char *newmsg = NULL;
	OtrlTLV *tlvs = NULL;
	double t0;
	int r;

	if (s == &bot && pause_us > 0)
		usleep((useconds_t)pause_us);
	t0 = s == &bot ? cpu_ms() : 0;

	if (s == &bot)
		r = bot_receiving(body, &newmsg, &tlvs);
	else
		r = otrl_message_receiving(s->us, &ops, s, s->acct, PROTO,
		    s->peer, body, &newmsg, &tlvs, NULL, NULL, NULL);
	if (s == &bot) {
		double d = cpu_ms() - t0;
		OtrlMessageType t = otrl_proto_message_type(body);

		bot_cpu += d;
		if ((unsigned)t <= OTRL_MSGTYPE_UNKNOWN)
			step_in[t] += d;
	}
	if (tlvs != NULL)
		otrl_tlv_free(tlvs);
	if (r != 0 || newmsg == NULL) {
		otrl_message_free(newmsg);
		return NULL;
	}
	return newmsg;
}

/* Encrypts text from s to the other side; returns the body to deliver. */
static char *
encrypt_from(struct side *s, const char *text)
{
	char *out = NULL;
	double t0 = s == &bot ? cpu_ms() : 0;

	if ((s == &bot ? bot_sending(text, &out) :
	    otrl_message_sending(s->us, &ops, s, s->acct, PROTO, s->peer,
	    OTRL_INSTAG_BEST, text, NULL, &out, OTRL_FRAGMENT_SEND_SKIP,
	    NULL, NULL, NULL)) != 0) {
		fprintf(stderr, "otrfloor: sending failed\n");
		exit(1);
	}
	if (s == &bot) {
		bot_cpu += cpu_ms() - t0;
		step_out += cpu_ms() - t0;
	}
	return out;
}

/* Passes queued messages back and forth until both queues are empty. */
static void
pump(void)
{
	while (bot.nq > 0 || cli.nq > 0) {
		struct side *from = bot.nq > 0 ? &bot : &cli;
		struct side *to = from == &bot ? &cli : &bot;
		char *m = from->q[0];

		memmove(from->q, from->q + 1, (size_t)--from->nq *
		    sizeof(*from->q));
		otrl_message_free(deliver(to, m));
		free(m);
	}
}

static void
keys(struct side *s, const char *dir)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s.key", dir, s->acct);
	if (otrl_privkey_generate(s->us, path, s->acct, PROTO) != 0) {
		fprintf(stderr, "otrfloor: keygen failed\n");
		exit(1);
	}
	op_instag(s, s->acct, PROTO);
	/* the bot's other user states read the same key, as the daemon's */
	for (int i = 1; s == &bot && i < nus; i++) {
		bot.us = bot_uss[i];
		if (otrl_privkey_read(bot.us, path) != 0) {
			fprintf(stderr, "otrfloor: cannot read the key\n");
			exit(1);
		}
		op_instag(s, s->acct, PROTO);
	}
	bot.us = bot_uss != NULL ? bot_uss[0] : bot.us;
	unlink(path);
}

int
main(int argc, char **argv)
{
	int nh = 200, na = 1000, ab = 1200, gb = 320, nc = 0, keep = 0;
	char dir[] = "/tmp/otrfloor-XXXXXX", *answer, *greeting;
	double hs_cpu, ans_cpu, ake_cpu, greet_cpu = 0;
	double s_query, s_key, s_sig, s_data;
	char **junk, peer_name[64];
	struct rusage ru0, ru1;

	for (int i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--handshakes") == 0)
			nh = atoi(argv[i + 1]);
		else if (strcmp(argv[i], "--answers") == 0)
			na = atoi(argv[i + 1]);
		else if (strcmp(argv[i], "--answer-bytes") == 0)
			ab = atoi(argv[i + 1]);
		else if (strcmp(argv[i], "--greeting-bytes") == 0)
			gb = atoi(argv[i + 1]);
		else if (strcmp(argv[i], "--contexts") == 0)
			nc = atoi(argv[i + 1]);
		else if (strcmp(argv[i], "--keep") == 0)
			keep = atoi(argv[i + 1]);
		else if (strcmp(argv[i], "--pause-us") == 0)
			pause_us = atoi(argv[i + 1]);
		else if (strcmp(argv[i], "--userstates") == 0)
			nus = atoi(argv[i + 1]);
	}
	OTRL_INIT;
	if (mkdtemp(dir) == NULL)
		return 1;
	ops.policy = op_policy;
	ops.create_privkey = op_privkey;
	ops.is_logged_in = op_logged;
	ops.inject_message = op_inject;
	ops.gone_secure = op_secure;
	ops.max_message_size = op_mms;
	ops.otr_error_message = op_err;
	ops.otr_error_message_free = op_err_free;
	ops.handle_msg_event = op_event;
	ops.create_instag = op_instag;
	if (nus < 1)
		nus = 1;
	if ((bot_uss = calloc((size_t)nus, sizeof(*bot_uss))) == NULL)
		return 1;
	for (int i = 0; i < nus; i++)
		bot_uss[i] = otrl_userstate_create();
	bot.us = bot_uss[0];
	cli.us = otrl_userstate_create();
	bot.acct = BOT;
	bot.peer = PEER;
	cli.acct = PEER;
	cli.peer = BOT;
	keys(&bot, dir);
	keys(&cli, dir);
	rmdir(dir);

	if ((answer = malloc((size_t)ab + 1)) == NULL)
		return 1;
	for (int i = 0; i < ab; i++)
		answer[i] = "Change the password of the account, then "[i % 42];
	answer[ab] = '\0';
	if ((greeting = malloc((size_t)gb + 1)) == NULL)
		return 1;
	for (int i = 0; i < gb; i++)
		greeting[i] = "We are now talking privately. "[i % 30];
	greeting[gb] = '\0';

	/* Other people's sessions: "alicd.." sorts before PEER, "alicf.."
	 * after; 32 KB after each (a session's keys and state in the bot)
	 * keeps them apart in memory. Kept until exit. */
	junk = calloc((size_t)nc + 1, sizeof(*junk));
	for (int i = 0; i < nc; i++) {
		char who[64];

		snprintf(who, sizeof(who), "alic%c%d@example.test",
		    i % 2 ? 'f' : 'd', i);
		otrl_context_find(bot_us(who), who, BOT, PROTO,
		    (otrl_instag_t)(0x1000 + i), 1, NULL, NULL, NULL);
		if (junk != NULL && (junk[i] = malloc(32768)) != NULL)
			memset(junk[i], i & 0xff, 32768);
	}

	/* handshakes: the client asks, the bot starts the AKE */
	getrusage(RUSAGE_SELF, &ru0);
	bot_cpu = 0;
	for (int i = 0; i < nh; i++) {
		ConnContext *m = otrl_context_find(bot_us(bot.peer), bot.peer,
		    BOT, PROTO, OTRL_INSTAG_MASTER, 0, NULL, NULL, NULL);

		if (keep) {
			/* a new person each time; the bot keeps the others */
			snprintf(peer_name, sizeof(peer_name),
			    "alice%d@example.test", i);
			bot.peer = peer_name;
		} else if (m != NULL)
			otrl_context_forget(m);
		bot.us = bot_us(bot.peer);
		otrl_context_forget_all(cli.us);
		bot.secure = cli.secure = 0;
		otrl_message_free(deliver(&bot, "?OTRv3?"));
		pump();
		if (!bot.secure || !cli.secure) {
			fprintf(stderr, "otrfloor: handshake %d failed\n", i);
			return 1;
		}
		if (gb > 0) {
			double before = bot_cpu;
			char *g = encrypt_from(&bot, greeting), *text;

			greet_cpu += bot_cpu - before;

			pump();
			text = deliver(&cli, g);
			otrl_message_free(g);
			if (text == NULL) {
				fprintf(stderr, "otrfloor: greeting %d lost\n",
				    i);
				return 1;
			}
			otrl_message_free(text);
		}
	}
	getrusage(RUSAGE_SELF, &ru1);
	hs_cpu = bot_cpu / nh;
	ake_cpu = (bot_cpu - greet_cpu) / nh;
	s_query = step_in[OTRL_MSGTYPE_QUERY] / nh;
	s_key = step_in[OTRL_MSGTYPE_DH_KEY] / nh;
	s_sig = step_in[OTRL_MSGTYPE_SIGNATURE] / nh;
	s_data = step_in[OTRL_MSGTYPE_DATA];
	step_out = 0;

	/* answers: question in, reply out */
	bot_cpu = 0;
	for (int i = 0; i < na; i++) {
		char *q = encrypt_from(&cli, "my phone was stolen, what now?");
		char *text, *a;

		text = deliver(&bot, q);
		otrl_message_free(q);
		if (text == NULL) {
			fprintf(stderr, "otrfloor: question %d lost\n", i);
			return 1;
		}
		otrl_message_free(text);
		a = encrypt_from(&bot, answer);
		pump();
		text = deliver(&cli, a);
		otrl_message_free(a);
		if (text == NULL) {
			fprintf(stderr, "otrfloor: answer %d lost\n", i);
			return 1;
		}
		otrl_message_free(text);
	}
	ans_cpu = bot_cpu / na;
	printf("floor handshake_cpu_ms %.3f answer_cpu_ms %.3f handshakes %d "
	    "answers %d ake_cpu_ms %.3f greeting_bytes %d\n", hs_cpu, ans_cpu,
	    nh, na, ake_cpu, gb);
	printf("steps query %.3f dh-key %.3f signature %.3f greeting %.3f "
	    "data-in %.3f reply %.3f contexts %d faults %.2f\n", s_query,
	    s_key, s_sig, greet_cpu / nh,
	    (step_in[OTRL_MSGTYPE_DATA] - s_data) / na, step_out / na, nc,
	    (double)(ru1.ru_minflt - ru0.ru_minflt) / nh);
	free(answer);
	free(greeting);
	for (int i = 0; i < nus; i++)
		otrl_userstate_free(bot_uss[i]);
	free(bot_uss);
	otrl_userstate_free(cli.us);
	return 0;
}
