/*
 * otrshard: how the bot's OTR work scales with limits.otr_threads, without
 * XMPP, Prosody or a load generator on the same two cores.
 *
 *   otrshard [--threads N] [--sessions S] [--rounds R]
 *            [--answer-bytes B] [--greeting-bytes G] [--userstates K]
 *            [--per-thread 1] [--storm 1]
 *
 * The bot is src/otr.c as the daemon uses it (otr_new, otr_receive_async,
 * otr_dispatch, otr_send; replies sent from the main thread the way
 * daemon.c's flush does). S clients are plain libotr accounts in this
 * process. The run alternates two phases and times only the first:
 *   bot phase:    every message the clients sent is handed to the bot at
 *                 once; the phase ends when the bot has nothing left to do
 *                 (what it sent is queued for the clients);
 *   client phase: the clients read what the bot sent and write back.
 * So the clients' own crypto (as costly as the bot's) never competes with
 * the bot's threads for the cores, and the bot always has S messages in
 * front of it: the figures are its capacity, in answers and handshakes
 * per second of wall time. The handshake is the one a client starts with
 * "?OTRv3?" and ends with the bot's greeting of G bytes (320, as
 * bench/otrfloor.c); an answer is one question in, one reply of B bytes
 * (1,200) out, R rounds of one question per client. Prints one line:
 * K: limits.otr_userstates (default: its default).
 *   otrshard threads N userstates K sessions S handshakes H handshakes_per_s X
 *   handshake_cpu_ms Y handshake_cores C answers A answers_per_s Z
 *   answer_cpu_ms W answer_cores D
 * (CPU: the process's, over the bot phases only, per handshake/answer;
 * cores: that CPU over the phases' wall time.)
 * With --per-thread 1, for the handshake phases and for the answer
 * phases: the machine's busy CPUs and what the other programs took of
 * them (others_cores), then each thread's time running, waiting for a CPU
 * (runqueue: the machine was busy) and asleep (no job, or a lock):
 *   otrshard answers machine_busy_cores M others_cores O steal_cores T
 *   otrshard answers thread main|worker tid I run_s R runqueue_s Q
 *     asleep_s A of_wall_s W
 * With --storm 1 (one round), the restart storm of S people: all S
 * queries reach the bot at once, each client answers what it gets
 * (the DH-key, its signature, then, once the greeting is in, its one
 * question), and the storm is over when every client has its answer:
 *   otrshard storm threads N userstates K sessions S all_answered_s W
 *     bot_cpu_s C bot_cores X handshakes_s H answer_s A clients_cpu_s Y
 * (W = H + A: the bot phases' wall time, what the storm takes when the
 * bot has the cores to itself; clients_cpu_s: the clients' untimed
 * crypto in between, what real clients on the same machine would need
 * beside it.)
 * Benchmark code, not part of the bot.
 */
#include "ac-config.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libotr/proto.h>
#include <libotr/userstate.h>
#include <libotr/message.h>
#include <libotr/privkey.h>
#include <libotr/instag.h>

#include "config.h"
#include "log.h"
#include "otr.h"
#include "util.h"

#define PROTO		"xmpp"
#define BOT		"bot@example.test"
#define REFUSAL		"This bot only reads private (OTR) messages."
#define QUESTION	"How do I know if my phone is being watched?"

struct msg {
	struct msg	*next;
	char		*who;		/* to the bot: from (full); else: to */
	char		*body;
};

struct mq {
	struct msg	*head, **tail;
	size_t		 n;
};

static struct mq to_bot, to_cli, replies;	/* replies: who = bare */
static OtrlUserState cus;
static OtrlMessageAppOps cops;
static char dir[] = "/tmp/otrshard.XXXXXX";
static size_t answer_bytes = 1200, greeting_bytes = 320;
static size_t secure, answered;
static pthread_mutex_t wmu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wcv = PTHREAD_COND_INITIALIZER;
static int woken;

/*
 * The machine's CPU over the bot phases, from /proc/stat's first line (in
 * USER_HZ ticks): busy (user, nice, system, irq, softirq) and steal (the
 * hypervisor gave the virtual CPU to someone else). Less the bot's own
 * CPU, busy is what the other programs on the machine took.
 */
struct mstat {
	double		 busy, steal;	/* s, all CPUs */
};

static struct mstat macc_hs, macc_ans;

static void
mstat_read(struct mstat *m)
{
	char *text, *p, *end;
	unsigned long long v[8];
	size_t len;
	long hz = sysconf(_SC_CLK_TCK);
	int i;

	m->busy = m->steal = 0;
	if (hz <= 0 || (text = util_read_file("/proc/stat", 1 << 16, &len)) ==
	    NULL)
		return;
	p = text + strcspn(text, " ");
	for (i = 0; i < 8; i++) {
		v[i] = strtoull(p, &end, 10);
		if (end == p)
			break;
		p = end;
	}
	free(text);
	if (i < 8)
		return;
	/* user nice system idle iowait irq softirq steal */
	m->busy = (double)(v[0] + v[1] + v[2] + v[5] + v[6]) / hz;
	m->steal = (double)v[7] / hz;
}

/*
 * Per thread, over the bot phases: the time it ran, the time it was ready
 * but waited for a CPU (the kernel's run queue: the machine was busy),
 * from /proc/self/task/TID/schedstat; the rest of the phases' wall time
 * it slept (no work, or a lock). --per-thread 1 prints them.
 */
#define MAXT	80

struct tstat {
	long		 tid;
	double		 run, wait;	/* s */
};

struct tset {
	size_t		 n;
	struct tstat	 t[MAXT];
};

static int per_thread, storm;
static struct tset acc_hs, acc_ans;

static void
tset_read(struct tset *s)
{
	DIR *d;
	struct dirent *de;

	s->n = 0;
	if ((d = opendir("/proc/self/task")) == NULL)
		return;
	while ((de = readdir(d)) != NULL && s->n < MAXT) {
		char path[96], *text, *e1, *e2;
		unsigned long long run, wait;
		struct tstat *t = &s->t[s->n];
		long tid;
		size_t len;
		int ok;

		if (util_parse_long(de->d_name, 1, 1L << 30, &tid) == -1)
			continue;
		util_snprintf(path, sizeof(path), "/proc/self/task/%ld/schedstat",
		    tid);
		if ((text = util_read_file(path, 256, &len)) == NULL)
			continue;
		run = strtoull(text, &e1, 10);
		wait = strtoull(e1, &e2, 10);
		ok = e1 != text && e2 != e1;
		free(text);
		if (!ok)
			continue;
		t->tid = tid;
		t->run = run / 1e9;
		t->wait = wait / 1e9;
		s->n++;
	}
	closedir(d);
}

/* acc += after - before, thread by thread (a thread seen only after:
 * all of it). */
static void
tset_add(struct tset *acc, const struct tset *b, const struct tset *a)
{
	for (size_t i = 0; i < a->n; i++) {
		const struct tstat *x = &a->t[i];
		double run = x->run, wait = x->wait;
		size_t k;

		for (k = 0; k < b->n; k++)
			if (b->t[k].tid == x->tid) {
				run -= b->t[k].run;
				wait -= b->t[k].wait;
				break;
			}
		for (k = 0; k < acc->n; k++)
			if (acc->t[k].tid == x->tid)
				break;
		if (k == acc->n) {
			if (acc->n == MAXT)
				continue;
			acc->t[k] = *x;
			acc->t[k].run = acc->t[k].wait = 0;
			acc->n++;
		}
		acc->t[k].run += run;
		acc->t[k].wait += wait;
	}
}

static void
tset_print(const char *what, const struct tset *acc, double wall,
    double cpu, const struct mstat *m)
{
	if (wall > 0)
		printf("otrshard %s machine_busy_cores %.2f others_cores %.2f "
		    "steal_cores %.2f\n", what, m->busy / wall,
		    (m->busy - cpu) / wall, m->steal / wall);
	for (size_t i = 0; i < acc->n; i++) {
		const struct tstat *t = &acc->t[i];

		printf("otrshard %s thread %s tid %ld run_s %.2f runqueue_s "
		    "%.2f asleep_s %.2f of_wall_s %.2f\n", what,
		    t->tid == (long)getpid() ? "main" : "worker", t->tid, t->run,
		    t->wait, wall - t->run - t->wait, wall);
	}
}

static double
now_s(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
mq_init(struct mq *q)
{
	q->head = NULL;
	q->tail = &q->head;
	q->n = 0;
}

static void
mq_push(struct mq *q, const char *who, const char *body)
{
	struct msg *m = xcalloc(1, sizeof(*m));

	m->who = xstrdup(who);
	m->body = xstrdup(body);
	*q->tail = m;
	q->tail = &m->next;
	q->n++;
}

/* Takes the whole queue. */
static struct msg *
mq_take(struct mq *q)
{
	struct msg *m = q->head;

	mq_init(q);
	return m;
}

static void
msg_free(struct msg *m)
{
	free(m->who);
	free(m->body);
	free(m);
}

static char *
text_of(size_t len)
{
	static const char words[] = "keep your phone updated and locked ";
	char *s = xmalloc(len + 1);

	for (size_t i = 0; i < len; i++)
		s[i] = words[i % (sizeof(words) - 1)];
	s[len] = '\0';
	return s;
}

/* --- the bot's side, as daemon.c wires it */

static int
bot_inject(void *ud, const char *to, const char *body, int hints)
{
	(void)ud;
	(void)hints;
	mq_push(&to_cli, to, body);
	return 0;
}

static void
bot_text(void *ud, const char *bare, const char *text)
{
	(void)ud;
	(void)text;
	mq_push(&replies, bare, "");
}

static void
bot_event(void *ud, const struct otr_event *ev)
{
	(void)ud;
	if (ev->type == OTR_EV_SECURE) {
		secure++;
		mq_push(&replies, ev->bare, "greeting");
	}
}

static void
bot_wake(void *ud)
{
	(void)ud;
	pthread_mutex_lock(&wmu);
	woken = 1;
	pthread_cond_signal(&wcv);
	pthread_mutex_unlock(&wmu);
}

/* The daemon's flush: each text gets its reply, each session its
 * greeting, sent from the main thread. Returns how many were sent. */
static size_t
bot_flush(struct otr *o)
{
	struct msg *m, *next;
	size_t n = 0;

	for (m = mq_take(&replies); m != NULL; m = next) {
		int greeting = strcmp(m->body, "greeting") == 0;
		char *t = text_of(greeting ? greeting_bytes : answer_bytes);

		next = m->next;
		if ((!greeting || greeting_bytes > 0) &&
		    otr_send(o, m->who, t) == 0 && !greeting)
			answered++;
		free(t);
		msg_free(m);
		n++;
	}
	return n;
}

/* Hands the bot everything the clients sent; returns when it is done. */
static void
bot_phase(struct otr *o)
{
	struct msg *m, *next;

	for (m = mq_take(&to_bot); m != NULL; m = next) {
		next = m->next;
		otr_receive_async(o, m->who, m->body, NULL);
		msg_free(m);
	}
	for (;;) {
		unsigned long ms;
		int busy = otr_dispatch(o);

		if (bot_flush(o) > 0)
			continue;
		/* Idle seen: every result was queued before; one more look. */
		if (!busy && otr_dispatch(o) == 0 && replies.n == 0)
			break;
		if ((ms = otr_sleep_ms(o, 50)) == 0)
			continue;
		pthread_mutex_lock(&wmu);
		if (!woken) {
			struct timespec until;

			clock_gettime(CLOCK_REALTIME, &until);
			until.tv_nsec += (long)ms * 1000000L;
			until.tv_sec += until.tv_nsec / 1000000000L;
			until.tv_nsec %= 1000000000L;
			pthread_cond_timedwait(&wcv, &wmu, &until);
		}
		woken = 0;
		pthread_mutex_unlock(&wmu);
	}
}

/* bot_phase, its wall and process CPU time added to *wall and *cpu (the
 * clients' phases are left out of both). */
static void
bot_phase_timed(struct otr *o, double *wall, double *cpu, struct tset *acc,
    struct mstat *macc)
{
	static struct tset before, after;
	struct mstat m0, m1;
	double t, c;

	if (per_thread) {
		tset_read(&before);
		mstat_read(&m0);
	}
	t = now_s(CLOCK_MONOTONIC);
	c = now_s(CLOCK_PROCESS_CPUTIME_ID);
	bot_phase(o);
	*wall += now_s(CLOCK_MONOTONIC) - t;
	*cpu += now_s(CLOCK_PROCESS_CPUTIME_ID) - c;
	if (per_thread) {
		tset_read(&after);
		tset_add(acc, &before, &after);
		mstat_read(&m1);
		macc->busy += m1.busy - m0.busy;
		macc->steal += m1.steal - m0.steal;
	}
}

/* --- the clients: plain libotr */

static OtrlPolicy
c_policy(void *od, ConnContext *c)
{
	(void)od;
	(void)c;
	return OTRL_POLICY_ALLOW_V3 | OTRL_POLICY_REQUIRE_ENCRYPTION;
}

static int
c_logged(void *od, const char *a, const char *p, const char *r)
{
	(void)od;
	(void)a;
	(void)p;
	(void)r;
	return 1;
}

static void
c_inject(void *od, const char *acct, const char *p, const char *to,
    const char *body)
{
	char from[128];

	(void)od;
	(void)p;
	(void)to;
	util_snprintf(from, sizeof(from), "%s/bench", acct);
	mq_push(&to_bot, from, body);
}

static void
c_instag(void *od, const char *acct, const char *p)
{
	char path[256];

	(void)od;
	util_snprintf(path, sizeof(path), "%s/cli.instag", dir);
	otrl_instag_generate(cus, path, acct, p);
}

static const char *
c_error(void *od, ConnContext *c, OtrlErrorCode e)
{
	(void)od;
	(void)c;
	(void)e;
	return "error";
}

static void
c_error_free(void *od, const char *s)
{
	(void)od;
	(void)s;
}

static void
c_event(void *od, OtrlMessageEvent ev, ConnContext *c, const char *m,
    gcry_error_t err)
{
	(void)od;
	(void)ev;
	(void)c;
	(void)m;
	(void)err;
}

static void
client_name(char *out, size_t len, size_t i)
{
	util_snprintf(out, len, "c%zu@example.test", i);
}

/* One DSA key for every client account (key generation is not what is
 * measured): generated once, its file entry copied under each name. */
static int
clients_init(size_t n)
{
	char path[256], name[64], *text, *acct, *end;
	struct buf b;
	size_t len;
	gcry_error_t err = 0;

	cus = otrl_userstate_create();
	cops.policy = c_policy;
	cops.is_logged_in = c_logged;
	cops.inject_message = c_inject;
	cops.create_instag = c_instag;
	cops.otr_error_message = c_error;
	cops.otr_error_message_free = c_error_free;
	cops.handle_msg_event = c_event;
	util_snprintf(path, sizeof(path), "%s/cli.key", dir);
	client_name(name, sizeof(name), 0);
	if (otrl_privkey_generate(cus, path, name, PROTO) != 0 ||
	    (text = util_read_file(path, 1 << 20, &len)) == NULL ||
	    (acct = strstr(text, "(account")) == NULL ||
	    (end = strrchr(text, ')')) == NULL || end < acct) {
		fprintf(stderr, "otrshard: cannot make the clients' key\n");
		return -1;
	}
	*end = '\0';
	buf_init(&b);
	buf_adds(&b, "(privkeys\n");
	for (size_t i = 0; i < n; i++) {
		const char *p = acct, *hit;

		client_name(name, sizeof(name), i);
		hit = strstr(p, "c0@example.test");
		buf_addf(&b, "%.*s%s%s", (int)(hit - p), p, name,
		    hit + strlen("c0@example.test"));
	}
	buf_adds(&b, ")\n");
	free(text);
	otrl_userstate_free(cus);
	cus = otrl_userstate_create();
	util_snprintf(path, sizeof(path), "%s/clients.key", dir);
	if (util_write_atomic(path, b.s, b.len, 0600) == -1 ||
	    (err = otrl_privkey_read(cus, path)) != 0) {
		fprintf(stderr, "otrshard: cannot read the clients' keys: "
		    "%s\n", gcry_strerror(err));
		return -1;
	}
	buf_release(&b);
	return 0;
}

/* Each client reads what the bot sent it. */
static void
client_phase(void)
{
	struct msg *m, *next;

	for (m = mq_take(&to_cli); m != NULL; m = next) {
		char acct[128], *slash, *out = NULL;
		OtrlTLV *tlvs = NULL;

		next = m->next;
		util_strlcpy(acct, m->who, sizeof(acct));
		if ((slash = strchr(acct, '/')) != NULL)
			*slash = '\0';
		otrl_message_receiving(cus, &cops, NULL, acct, PROTO, BOT,
		    m->body, &out, &tlvs, NULL, NULL, NULL);
		if (out != NULL)
			otrl_message_free(out);
		otrl_tlv_free(tlvs);
		msg_free(m);
	}
}

static void
clients_ask(size_t n)
{
	char name[64];

	for (size_t i = 0; i < n; i++) {
		char *out = NULL;

		client_name(name, sizeof(name), i);
		if (otrl_message_sending(cus, &cops, NULL, name, PROTO, BOT,
		    OTRL_INSTAG_BEST, QUESTION, NULL, &out,
		    OTRL_FRAGMENT_SEND_SKIP, NULL, NULL, NULL) == 0 &&
		    out != NULL) {
			char from[128];

			util_snprintf(from, sizeof(from), "%s/bench", name);
			mq_push(&to_bot, from, out);
		}
		if (out != NULL)
			otrl_message_free(out);
	}
}

int
main(int argc, char **argv)
{
	struct config cfg;
	struct otr_callbacks cb;
	struct otr *o;
	size_t sessions = 100, rounds = 10, i;
	long threads = 1, userstates = 0;
	double wall = 0, cpu = 0, hs_wall, hs_cpu, cli_cpu = 0, c;
	char cmd[300], bdir[256], name[64];

	for (int a = 1; a < argc; a += 2) {
		long v;

		if (a + 1 >= argc ||
		    util_parse_long(argv[a + 1], 0, 100000, &v) == -1) {
			fprintf(stderr, "otrshard: %s needs a number\n",
			    argv[a]);
			return 2;
		}
		if (strcmp(argv[a], "--threads") == 0)
			threads = v;
		else if (strcmp(argv[a], "--sessions") == 0)
			sessions = (size_t)v;
		else if (strcmp(argv[a], "--rounds") == 0)
			rounds = (size_t)v;
		else if (strcmp(argv[a], "--answer-bytes") == 0)
			answer_bytes = (size_t)v;
		else if (strcmp(argv[a], "--greeting-bytes") == 0)
			greeting_bytes = (size_t)v;
		else if (strcmp(argv[a], "--userstates") == 0)
			userstates = v;
		else if (strcmp(argv[a], "--per-thread") == 0)
			per_thread = v != 0;
		else if (strcmp(argv[a], "--storm") == 0)
			storm = v != 0;
		else {
			fprintf(stderr, "otrshard: unknown option %s\n",
			    argv[a]);
			return 2;
		}
	}
	if (threads < 0 || threads > 64 || sessions < 1 || sessions > 5000 ||
	    userstates > 1024) {
		fprintf(stderr, "otrshard: --threads 0..64, --sessions "
		    "1..5000, --userstates 1..1024, --per-thread 0|1, "
		    "--storm 0|1\n");
		return 2;
	}
	if (storm)
		rounds = 1;
	if (mkdtemp(dir) == NULL)
		return 1;
	log_init(LOGL_WARN, NULL);
	OTRL_INIT;
	mq_init(&to_bot);
	mq_init(&to_cli);
	mq_init(&replies);
	if (clients_init(sessions) == -1)
		return 1;

	config_init(&cfg);
	util_snprintf(bdir, sizeof(bdir), "%s/bot", dir);
	cfg.account.jid = (char *)BOT;
	cfg.state_dir = bdir;
	cfg.limits.otr_threads = (int)threads;
	if (userstates > 0)
		cfg.limits.otr_userstates = (int)userstates;
	cfg.limits.max_sessions = sessions + 10;
	memset(&cb, 0, sizeof(cb));
	cb.inject = bot_inject;
	cb.text = bot_text;
	cb.event = bot_event;
	cb.wake = bot_wake;
	if (mkdir(bdir, 0700) == -1 ||
	    (o = otr_new(&cfg, REFUSAL, &cb)) == NULL) {
		fprintf(stderr, "otrshard: otr_new failed\n");
		return 1;
	}

	/* Handshakes: every client sends the query at once. */
	for (i = 0; i < sessions; i++) {
		char from[128];

		client_name(name, sizeof(name), i);
		util_snprintf(from, sizeof(from), "%s/bench", name);
		mq_push(&to_bot, from, "?OTRv3?");
	}
	while (to_bot.n > 0) {
		bot_phase_timed(o, &wall, &cpu, &acc_hs, &macc_hs);
		c = now_s(CLOCK_PROCESS_CPUTIME_ID);
		client_phase();
		cli_cpu += now_s(CLOCK_PROCESS_CPUTIME_ID) - c;
	}
	hs_wall = wall;
	hs_cpu = cpu;
	wall = cpu = 0;

	/* Answers: R rounds of one question per client. */
	answered = 0;
	for (size_t r = 0; r < rounds; r++) {
		c = now_s(CLOCK_PROCESS_CPUTIME_ID);
		clients_ask(sessions);
		cli_cpu += now_s(CLOCK_PROCESS_CPUTIME_ID) - c;
		bot_phase_timed(o, &wall, &cpu, &acc_ans, &macc_ans);
		c = now_s(CLOCK_PROCESS_CPUTIME_ID);
		client_phase();
		cli_cpu += now_s(CLOCK_PROCESS_CPUTIME_ID) - c;
	}
	/* cores: CPU over wall time in the bot phases, the cores the bot
	 * got (on a shared machine, less than the threads it has). */
	printf("otrshard threads %u userstates %d sessions %zu handshakes %zu "
	    "handshakes_per_s %.1f handshake_cpu_ms %.2f handshake_cores "
	    "%.2f answers %zu answers_per_s %.1f answer_cpu_ms %.2f "
	    "answer_cores %.2f\n",
	    otr_threads(o), cfg.limits.otr_userstates, sessions, secure,
	    hs_wall > 0 ? secure / hs_wall : 0,
	    secure > 0 ? hs_cpu * 1e3 / secure : 0,
	    hs_wall > 0 ? hs_cpu / hs_wall : 0, answered,
	    wall > 0 ? answered / wall : 0,
	    answered > 0 ? cpu * 1e3 / answered : 0,
	    wall > 0 ? cpu / wall : 0);
	if (storm)
		printf("otrshard storm threads %u userstates %d sessions %zu "
		    "all_answered_s %.2f bot_cpu_s %.2f bot_cores %.2f "
		    "handshakes_s %.2f answer_s %.2f clients_cpu_s %.2f\n",
		    otr_threads(o), cfg.limits.otr_userstates, sessions,
		    hs_wall + wall, hs_cpu + cpu,
		    hs_wall + wall > 0 ? (hs_cpu + cpu) / (hs_wall + wall) : 0,
		    hs_wall, wall, cli_cpu);
	if (per_thread) {
		tset_print("handshakes", &acc_hs, hs_wall, hs_cpu, &macc_hs);
		tset_print("answers", &acc_ans, wall, cpu, &macc_ans);
	}
	otr_free(o);
	otrl_userstate_free(cus);
	util_snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "otrshard: could not remove %s\n", dir);
	return secure == sessions && answered == sessions * rounds ? 0 : 1;
}
