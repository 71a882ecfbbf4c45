/*
 * echobot: a plain XMPP account that sends every chat body back to its
 * sender, for bench/run_load.py: the same load generator against it gives
 * what the XMPP server alone can carry (the server's ceiling).
 *
 *   echobot --port P --jid JID --password PW
 *
 * Prints "online" once logged in; stops on SIGTERM. No TLS, 127.0.0.1 only.
 * Benchmark code, not part of the bot.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <strophe.h>

static volatile sig_atomic_t stop;

static void
on_term(int s)
{
	(void)s;
	stop = 1;
}

static int
on_message(xmpp_conn_t *conn, xmpp_stanza_t *st, void *ud)
{
	xmpp_ctx_t *ctx = ud;
	const char *type = xmpp_stanza_get_type(st);
	const char *from = xmpp_stanza_get_from(st);
	char *body;
	xmpp_stanza_t *m;

	if (from == NULL || (type != NULL && strcmp(type, "error") == 0))
		return 1;
	if ((body = xmpp_message_get_body(st)) == NULL)
		return 1;
	m = xmpp_message_new(ctx, "chat", from, NULL);
	xmpp_message_set_body(m, body);
	xmpp_send(conn, m);
	xmpp_stanza_release(m);
	xmpp_free(ctx, body);
	return 1;
}

static void
on_conn(xmpp_conn_t *conn, xmpp_conn_event_t ev, int err,
    xmpp_stream_error_t *se, void *ud)
{
	xmpp_ctx_t *ctx = ud;

	(void)err; (void)se;
	if (ev == XMPP_CONN_CONNECT) {
		xmpp_stanza_t *p = xmpp_presence_new(ctx);

		xmpp_handler_add(conn, on_message, NULL, "message", NULL, ctx);
		xmpp_send(conn, p);
		xmpp_stanza_release(p);
		printf("online\n");
		fflush(stdout);
	} else {
		fprintf(stderr, "echobot: disconnected\n");
		stop = 1;
	}
}

int
main(int argc, char **argv)
{
	const char *jid = NULL, *pw = NULL;
	int port = 0;
	xmpp_ctx_t *ctx;
	xmpp_conn_t *conn;

	for (int i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--port") == 0)
			port = (int)strtol(argv[i + 1], NULL, 10);
		else if (strcmp(argv[i], "--jid") == 0)
			jid = argv[i + 1];
		else if (strcmp(argv[i], "--password") == 0)
			pw = argv[i + 1];
	}
	if (jid == NULL || pw == NULL || port <= 0) {
		fprintf(stderr, "usage: echobot --port P --jid JID "
		    "--password PW\n");
		return 2;
	}
	signal(SIGTERM, on_term);
	signal(SIGINT, on_term);
	xmpp_initialize();
	ctx = xmpp_ctx_new(NULL, NULL);
	conn = xmpp_conn_new(ctx);
	xmpp_conn_set_flags(conn, XMPP_CONN_FLAG_DISABLE_TLS);
	xmpp_conn_set_jid(conn, jid);
	xmpp_conn_set_pass(conn, pw);
	if (xmpp_connect_client(conn, "127.0.0.1", (unsigned short)port,
	    on_conn, ctx) != XMPP_EOK)
		return 1;
	while (!stop)
		xmpp_run_once(ctx, 50);
	xmpp_disconnect(conn);
	for (int k = 0; k < 20; k++)
		xmpp_run_once(ctx, 5);
	xmpp_conn_release(conn);
	xmpp_ctx_free(ctx);
	xmpp_shutdown();
	return 0;
}
