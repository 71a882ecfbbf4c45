/*
 * test_cpustat: the load benchmark's attribution of the daemon's CPU
 * (src/cpustat.c). Each OTR message kind is told apart as libotr tells
 * it apart (headers built from the protocol's type bytes, checked with
 * libotr's own otrl_proto_message_type), work done inside a phase is
 * charged to that phase and kind, nested phases take their time from the
 * outer one, and a disabled table stays empty.
 */
#include "ac-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libotr/proto.h>

#include "cpustat.h"
#include "tap.h"

/* "?OTR:" + base64 of the 3-byte header (version 0, v; type t) + padding
 * of a body. */
static void
header(char *out, size_t n, int v, int t)
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	unsigned long w = ((unsigned long)v << 8) | (unsigned long)t;

	snprintf(out, n, "?OTR:%c%c%c%cAAAAAAAA.", b64[(w >> 18) & 63],
	    b64[(w >> 12) & 63], b64[(w >> 6) & 63], b64[w & 63]);
}

/* Burns about ms of this thread's CPU. */
static void
burn(double ms)
{
	struct timespec a, b;
	volatile unsigned long x = 0;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &a);
	do {
		for (int i = 0; i < 10000; i++)
			x += (unsigned long)i;
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &b);
	} while ((b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6 <
	    ms);
}

static void
test_kinds(void)
{
	static const struct {
		int			 type;	/* the wire byte */
		OtrlMessageType		 otrl;
		enum cpustat_kind	 kind;
	} rows[] = {
		{ 0x02, OTRL_MSGTYPE_DH_COMMIT, CPUSTAT_DH_COMMIT },
		{ 0x0a, OTRL_MSGTYPE_DH_KEY, CPUSTAT_DH_KEY },
		{ 0x11, OTRL_MSGTYPE_REVEALSIG, CPUSTAT_REVEAL_SIG },
		{ 0x12, OTRL_MSGTYPE_SIGNATURE, CPUSTAT_SIGNATURE },
		{ 0x03, OTRL_MSGTYPE_DATA, CPUSTAT_DATA },
	};
	char buf[64], name[96];

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		for (int v = 2; v <= 3; v++) {
			header(buf, sizeof(buf), v, rows[i].type);
			snprintf(name, sizeof(name), "v%d %s (%s) is what "
			    "libotr reads", v,
			    cpustat_kind_name(rows[i].kind), buf);
			CHECK_INT(rows[i].otrl, otrl_proto_message_type(buf),
			    name);
			snprintf(name, sizeof(name), "v%d %s: kind", v,
			    cpustat_kind_name(rows[i].kind));
			CHECK_INT(rows[i].kind, cpustat_kind_of(buf), name);
		}
	}
	CHECK_INT(OTRL_MSGTYPE_QUERY, otrl_proto_message_type("?OTRv3?"),
	    "?OTRv3? is a query for libotr");
	CHECK_INT(CPUSTAT_QUERY, cpustat_kind_of("?OTRv3?"), "?OTRv3?: query");
	CHECK_INT(CPUSTAT_QUERY, cpustat_kind_of("?OTRv23?\n<b>Alice</b> "
	    "has requested"), "Pidgin's query: query");
	CHECK_INT(CPUSTAT_OTR_OTHER, cpustat_kind_of("?OTR Error: bad"),
	    "OTR error: otr-other");
	CHECK_INT(CPUSTAT_OTR_OTHER, cpustat_kind_of("?OTR|5a|6b|1,3,?OTR:"),
	    "fragment: otr-other");
	CHECK_INT(CPUSTAT_PLAIN, cpustat_kind_of("hello, my phone"),
	    "plain text: plain");
	CHECK_INT(CPUSTAT_PLAIN, cpustat_kind_of(NULL), "no body: plain");
}

static void
test_phases(void)
{
	struct cpustat *cs = cpustat_new(1);
	unsigned long n, us[CPUSTAT_NPHASES];
	char *line;

	CHECK(cpustat_line(cs) == NULL, "nothing handled: no line");
	/* A signature: 4 ms of bot, 6 of OTR, of which 3 sending. */
	cpustat_begin(cs, CPUSTAT_SIGNATURE);
	burn(4);
	cpustat_enter(cs, CPUSTAT_OTR);
	burn(3);
	cpustat_enter(cs, CPUSTAT_XMPP);
	burn(3);
	cpustat_leave(cs);
	cpustat_leave(cs);
	cpustat_end(cs);
	cpustat_get(cs, CPUSTAT_SIGNATURE, &n, us);
	CHECK_INT(1, n, "one signature counted");
	CHECK(us[CPUSTAT_BOT] >= 3800 && us[CPUSTAT_BOT] < 6000,
	    "bot phase about 4 ms");
	CHECK(us[CPUSTAT_OTR] >= 2800 && us[CPUSTAT_OTR] < 5000,
	    "otr phase about 3 ms (its nested send not included)");
	CHECK(us[CPUSTAT_XMPP] >= 2800 && us[CPUSTAT_XMPP] < 5000,
	    "xmpp phase about 3 ms");
	cpustat_get(cs, CPUSTAT_QUERY, &n, us);
	CHECK_INT(0, n + us[0] + us[1] + us[2], "other kinds untouched");
	{
		struct cpustat *q = cpustat_new(1);

		cpustat_begin_body(q, "?OTRv3?");
		cpustat_end(q);
		cpustat_get(q, CPUSTAT_QUERY, &n, us);
		CHECK_INT(1, n, "a body's kind: ?OTRv3? counted as a query");
		cpustat_free(q);
	}

	/* A nested begin (a callback inside a handler) joins the outer. */
	cpustat_begin(cs, CPUSTAT_DATA);
	cpustat_begin(cs, CPUSTAT_PRESENCE);
	burn(1);
	cpustat_end(cs);
	cpustat_end(cs);
	cpustat_get(cs, CPUSTAT_PRESENCE, &n, us);
	CHECK_INT(0, n, "nested begin: not counted on its own");
	cpustat_get(cs, CPUSTAT_DATA, &n, us);
	CHECK_INT(1, n, "nested begin: the outer stanza counted once");

	/* Outside a stanza, phases are ignored. */
	cpustat_enter(cs, CPUSTAT_OTR);
	burn(1);
	cpustat_leave(cs);
	cpustat_get(cs, CPUSTAT_OTR_OTHER, &n, us);
	CHECK_INT(0, n, "enter outside a stanza: nothing counted");

	line = cpustat_line(cs);
	CHECK(line != NULL && strncmp(line, "signature 1 ", 12) == 0 &&
	    strstr(line, "; data 1 ") != NULL, "line: kinds in order, counts");
	CHECK(line != NULL && strstr(line, "; clock-reads ") != NULL,
	    "line: the clock's reads, for the bench to subtract");
	free(line);
	CHECK(cpustat_line(cs) == NULL, "no change: no line");
	cpustat_free(cs);

	cs = cpustat_new(0);
	cpustat_begin(cs, CPUSTAT_QUERY);
	cpustat_enter(cs, CPUSTAT_OTR);
	burn(1);
	cpustat_leave(cs);
	cpustat_end(cs);
	cpustat_get(cs, CPUSTAT_QUERY, &n, us);
	CHECK_INT(0, n + us[0] + us[1] + us[2], "disabled: nothing counted");
	CHECK(cpustat_line(cs) == NULL, "disabled: no line");
	cpustat_free(cs);
}

int
main(void)
{
	test_kinds();
	test_phases();
	return TAP_DONE();
}
