/* cpustat: the daemon's thread CPU by stanza kind and phase (cpustat.h). */
#include "ac-config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cpustat.h"
#include "util.h"

#define DEPTH	16	/* nested phases kept; deeper ones join the 16th */

struct cpustat {
	int			 enabled;
	int			 active;	/* begin() nesting */
	enum cpustat_kind	 kind;
	enum cpustat_phase	 stack[DEPTH];
	int			 depth;		/* may exceed DEPTH */
	uint64_t		 last;		/* ns, thread CPU */
	uint64_t		 n[CPUSTAT_NKINDS];
	uint64_t		 ns[CPUSTAT_NKINDS][CPUSTAT_NPHASES];
	uint64_t		 shown;		/* stanzas at the last line */
	uint64_t		 reads;		/* of the clock: each a system
						 * call, its cost is the bench's
						 * to subtract */
	uint64_t		 read_ns;	/* one read's cost, measured */
};

/* Body prefixes, v3 then v2: "?OTR:" + base64 of version and type. */
static const struct {
	const char		*prefix;
	enum cpustat_kind	 kind;
} kinds[] = {
	{ "?OTRv", CPUSTAT_QUERY },
	{ "?OTR?", CPUSTAT_QUERY },
	{ "?OTR:AAMC", CPUSTAT_DH_COMMIT },
	{ "?OTR:AAMK", CPUSTAT_DH_KEY },
	{ "?OTR:AAMR", CPUSTAT_REVEAL_SIG },
	{ "?OTR:AAMS", CPUSTAT_SIGNATURE },
	{ "?OTR:AAMD", CPUSTAT_DATA },
	{ "?OTR:AAIC", CPUSTAT_DH_COMMIT },
	{ "?OTR:AAIK", CPUSTAT_DH_KEY },
	{ "?OTR:AAIR", CPUSTAT_REVEAL_SIG },
	{ "?OTR:AAIS", CPUSTAT_SIGNATURE },
	{ "?OTR:AAID", CPUSTAT_DATA },
};

static const char *const names[CPUSTAT_NKINDS] = {
	[CPUSTAT_QUERY] = "query",
	[CPUSTAT_DH_COMMIT] = "dh-commit",
	[CPUSTAT_DH_KEY] = "dh-key",
	[CPUSTAT_REVEAL_SIG] = "reveal-sig",
	[CPUSTAT_SIGNATURE] = "signature",
	[CPUSTAT_DATA] = "data",
	[CPUSTAT_OTR_OTHER] = "otr-other",
	[CPUSTAT_PLAIN] = "plain",
	[CPUSTAT_PRESENCE] = "presence",
	[CPUSTAT_TICK] = "tick",
};

static uint64_t
thread_ns(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) == -1)
		return 0;
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Counted read of the clock. */
static uint64_t
clock_read(struct cpustat *cs)
{
	cs->reads++;
	return thread_ns();
}

/* Charges the time since the last switch to the innermost phase. */
static void
charge(struct cpustat *cs)
{
	uint64_t now = clock_read(cs);
	int top = cs->depth < DEPTH ? cs->depth - 1 : DEPTH - 1;

	if (top >= 0 && now > cs->last)
		cs->ns[cs->kind][cs->stack[top]] += now - cs->last;
	cs->last = now;
}

struct cpustat *
cpustat_new(int enabled)
{
	struct cpustat *cs = xcalloc(1, sizeof(*cs));

	cs->enabled = enabled;
	if (enabled) {
		/* What a read costs here (a system call: 0.1 us on bare
		 * metal, 3 us on some virtual machines). */
		uint64_t t0 = thread_ns(), t1;

		for (int i = 0; i < 63; i++)
			(void)thread_ns();
		t1 = thread_ns();
		cs->read_ns = t1 > t0 ? (t1 - t0) / 64 : 0;
	}
	return cs;
}

void
cpustat_free(struct cpustat *cs)
{
	free(cs);
}

enum cpustat_kind
cpustat_kind_of(const char *body)
{
	if (body == NULL)
		return CPUSTAT_PLAIN;
	for (size_t i = 0; i < ARRAY_LEN(kinds); i++)
		if (strncmp(body, kinds[i].prefix, strlen(kinds[i].prefix)) == 0)
			return kinds[i].kind;
	return strstr(body, "?OTR") != NULL ? CPUSTAT_OTR_OTHER :
	    CPUSTAT_PLAIN;
}

const char *
cpustat_kind_name(enum cpustat_kind k)
{
	return (unsigned)k < CPUSTAT_NKINDS ? names[k] : "?";
}

void
cpustat_begin(struct cpustat *cs, enum cpustat_kind k)
{
	if (!cs->enabled || cs->active++ > 0)
		return;
	cs->kind = (unsigned)k < CPUSTAT_NKINDS ? k : CPUSTAT_OTR_OTHER;
	cs->stack[0] = CPUSTAT_BOT;
	cs->depth = 1;
	cs->last = clock_read(cs);
}

void
cpustat_begin_body(struct cpustat *cs, const char *body)
{
	if (cs->enabled)
		cpustat_begin(cs, cpustat_kind_of(body));
}

void
cpustat_end(struct cpustat *cs)
{
	if (!cs->enabled || cs->active == 0 || --cs->active > 0)
		return;
	charge(cs);
	cs->n[cs->kind]++;
	cs->depth = 0;
}

void
cpustat_enter(struct cpustat *cs, enum cpustat_phase ph)
{
	if (!cs->enabled || cs->active == 0)
		return;
	charge(cs);
	if (cs->depth < DEPTH)
		cs->stack[cs->depth] = ph;
	cs->depth++;
}

void
cpustat_leave(struct cpustat *cs)
{
	if (!cs->enabled || cs->active == 0 || cs->depth <= 1)
		return;
	charge(cs);
	cs->depth--;
}

void
cpustat_get(const struct cpustat *cs, enum cpustat_kind k, unsigned long *n,
    unsigned long us[CPUSTAT_NPHASES])
{
	*n = (unsigned)k < CPUSTAT_NKINDS ? (unsigned long)cs->n[k] : 0;
	for (int p = 0; p < CPUSTAT_NPHASES; p++)
		us[p] = (unsigned)k < CPUSTAT_NKINDS ?
		    (unsigned long)(cs->ns[k][p] / 1000) : 0;
}

char *
cpustat_line(struct cpustat *cs)
{
	struct buf b;
	uint64_t total = 0;

	if (!cs->enabled)
		return NULL;
	/* The tick runs every second: alone it is no news. */
	for (int k = 0; k < CPUSTAT_NKINDS; k++)
		if (k != CPUSTAT_TICK)
			total += cs->n[k];
	if (total == cs->shown)
		return NULL;
	cs->shown = total;
	buf_init(&b);
	for (int k = 0; k < CPUSTAT_NKINDS; k++) {
		if (cs->n[k] == 0)
			continue;
		buf_addf(&b, "%s%s %llu %llu %llu %llu", b.len > 0 ? "; " : "",
		    names[k], (unsigned long long)cs->n[k],
		    (unsigned long long)(cs->ns[k][CPUSTAT_BOT] / 1000),
		    (unsigned long long)(cs->ns[k][CPUSTAT_OTR] / 1000),
		    (unsigned long long)(cs->ns[k][CPUSTAT_XMPP] / 1000));
	}
	/* As a kind of its own: reads, and one read's cost in ns. */
	buf_addf(&b, "; clock-reads %llu %llu 0 0",
	    (unsigned long long)cs->reads, (unsigned long long)cs->read_ns);
	return buf_detach(&b);
}
