/*
 * otrpeer: a libotr 4.1.1 peer on standard input/output, so that
 * test_potr_libotr.py can check the patched potr (tests/lib/potrfix.py)
 * against the real libotr without any network. Test code, not part of
 * the bot.
 *
 * Account "bot@example.test", peer "alice@example.test", protocol "xmpp",
 * policy OTRL_POLICY_ALWAYS, no fragmentation. One command per line, every
 * string argument in hex:
 *   R <body>		otrl_message_receiving of a raw body from the peer
 *   S <text>		otrl_message_sending of text
 *   Q <question> <secret>	otrl_message_initiate_smp_q
 *   A <secret>		otrl_message_respond_smp
 *   F			print "F <our fingerprint>"
 *   T			print "T <their fingerprint>"
 *   Z			print "Z" (a sync point: everything before is out)
 * Output lines:
 *   I <body>		inject this raw body to the peer
 *   M <text>		decrypted text (receiving returned 0 with a message)
 *   P <body>		plain message passed through (returned 0, no message)
 *   E <event ...>	gone_secure, msg N, smp N [q=question]
 * Usage: otrpeer KEYFILE INSTAGFILE (created if missing).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gcrypt.h>
#include <libotr/proto.h>
#include <libotr/userstate.h>
#include <libotr/message.h>
#include <libotr/privkey.h>
#include <libotr/instag.h>

#define ACCT	"bot@example.test"
#define PROTO	"xmpp"
#define PEER	"alice@example.test"

static OtrlUserState us;
static const char *keyfile, *instagfile;
static OtrlMessageAppOps ops;

static void
put_hex(char tag, const char *s)
{
	printf("%c ", tag);
	for (; *s != '\0'; s++)
		printf("%02x", (unsigned char)*s);
	printf("\n");
	fflush(stdout);
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return 0;
}

/* Decodes hex up to the first space or NUL; the caller frees. */
static char *
unhex(const char *h)
{
	size_t n = strcspn(h, " ") / 2, i;
	char *o;

	if ((o = malloc(n + 1)) == NULL)
		exit(2);
	for (i = 0; i < n; i++)
		o[i] = (char)(hexval(h[2 * i]) * 16 + hexval(h[2 * i + 1]));
	o[n] = '\0';
	return o;
}

static OtrlPolicy
op_policy(void *od, ConnContext *ctx)
{
	(void)od; (void)ctx;
	return OTRL_POLICY_ALWAYS;
}

static void
op_create_privkey(void *od, const char *acct, const char *proto)
{
	(void)od;
	otrl_privkey_generate(us, keyfile, acct, proto);
}

static int
op_is_logged_in(void *od, const char *acct, const char *proto,
    const char *peer)
{
	(void)od; (void)acct; (void)proto; (void)peer;
	return 1;
}

static void
op_inject(void *od, const char *acct, const char *proto, const char *peer,
    const char *msg)
{
	(void)od; (void)acct; (void)proto; (void)peer;
	put_hex('I', msg);
}

static void
op_gone_secure(void *od, ConnContext *ctx)
{
	(void)od; (void)ctx;
	printf("E gone_secure\n");
	fflush(stdout);
}

static int
op_mms(void *od, ConnContext *ctx)
{
	(void)od; (void)ctx;
	return 0;
}

static const char *
op_err(void *od, ConnContext *ctx, OtrlErrorCode code)
{
	(void)od; (void)ctx; (void)code;
	return strdup("otrpeer error");
}

static void
op_err_free(void *od, const char *s)
{
	(void)od;
	free((char *)s);
}

static void
op_create_instag(void *od, const char *acct, const char *proto)
{
	(void)od;
	otrl_instag_generate(us, instagfile, acct, proto);
}

static void
op_msg_event(void *od, OtrlMessageEvent ev, ConnContext *ctx,
    const char *msg, gcry_error_t err)
{
	(void)od; (void)ctx; (void)msg; (void)err;
	printf("E msg %d\n", (int)ev);
	fflush(stdout);
}

static void
op_smp_event(void *od, OtrlSMPEvent ev, ConnContext *ctx,
    unsigned short progress, char *question)
{
	(void)od; (void)progress;
	printf("E smp %d%s%s\n", (int)ev, question ? " q=" : "",
	    question ? question : "");
	fflush(stdout);
	if (ev == OTRL_SMPEVENT_CHEATED || ev == OTRL_SMPEVENT_ERROR)
		otrl_message_abort_smp(us, &ops, NULL, ctx);
}

static ConnContext *
peer_context(void)
{
	return otrl_context_find(us, PEER, ACCT, PROTO, OTRL_INSTAG_BEST, 0,
	    NULL, NULL, NULL);
}

static void
command(char *line)
{
	char fp[OTRL_PRIVKEY_FPRINT_HUMAN_LEN];
	char *a, *b, *out = NULL;
	OtrlTLV *tlvs = NULL;
	ConnContext *ctx = NULL;
	const char *sp;
	int r;

	switch (line[0]) {
	case 'R':
		a = unhex(line + 2);
		r = otrl_message_receiving(us, &ops, NULL, ACCT, PROTO, PEER, a,
		    &out, &tlvs, &ctx, NULL, NULL);
		if (r == 0)
			put_hex(out != NULL ? 'M' : 'P', out != NULL ? out : a);
		otrl_message_free(out);
		otrl_tlv_free(tlvs);
		free(a);
		break;
	case 'S':
		a = unhex(line + 2);
		if (otrl_message_sending(us, &ops, NULL, ACCT, PROTO, PEER,
		    OTRL_INSTAG_BEST, a, NULL, &out, OTRL_FRAGMENT_SEND_SKIP,
		    &ctx, NULL, NULL) == 0 && out != NULL && *out != '\0')
			put_hex('I', out);
		otrl_message_free(out);
		free(a);
		break;
	case 'Q':
		if ((sp = strchr(line + 2, ' ')) == NULL || (ctx = peer_context()) == NULL)
			break;
		a = unhex(line + 2);
		b = unhex(sp + 1);
		otrl_message_initiate_smp_q(us, &ops, NULL, ctx, a,
		    (unsigned char *)b, strlen(b));
		free(a);
		free(b);
		break;
	case 'A':
		if ((ctx = peer_context()) == NULL)
			break;
		a = unhex(line + 2);
		otrl_message_respond_smp(us, &ops, NULL, ctx,
		    (unsigned char *)a, strlen(a));
		free(a);
		break;
	case 'F':
		if (otrl_privkey_fingerprint(us, fp, ACCT, PROTO) != NULL)
			printf("F %s\n", fp);
		break;
	case 'T':
		if ((ctx = peer_context()) != NULL &&
		    ctx->active_fingerprint != NULL &&
		    ctx->active_fingerprint->fingerprint != NULL) {
			otrl_privkey_hash_to_human(fp,
			    ctx->active_fingerprint->fingerprint);
			printf("T %s\n", fp);
		}
		break;
	case 'Z':
		printf("Z\n");
		break;
	default:
		break;
	}
	fflush(stdout);
}

int
main(int argc, char **argv)
{
	static char line[1 << 20];

	if (argc != 3) {
		fprintf(stderr, "usage: otrpeer KEYFILE INSTAGFILE\n");
		return 2;
	}
	keyfile = argv[1];
	instagfile = argv[2];
	OTRL_INIT;
	us = otrl_userstate_create();
	(void)otrl_privkey_read(us, keyfile);
	(void)otrl_instag_read(us, instagfile);
	if (otrl_privkey_find(us, ACCT, PROTO) == NULL)
		otrl_privkey_generate(us, keyfile, ACCT, PROTO);
	ops.policy = op_policy;
	ops.create_privkey = op_create_privkey;
	ops.is_logged_in = op_is_logged_in;
	ops.inject_message = op_inject;
	ops.gone_secure = op_gone_secure;
	ops.max_message_size = op_mms;
	ops.otr_error_message = op_err;
	ops.otr_error_message_free = op_err_free;
	ops.handle_msg_event = op_msg_event;
	ops.handle_smp_event = op_smp_event;
	ops.create_instag = op_create_instag;
	printf("E ready\n");
	fflush(stdout);
	while (fgets(line, sizeof(line), stdin) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		command(line);
	}
	otrl_userstate_free(us);
	return 0;
}
