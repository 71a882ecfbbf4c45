/*
 * clear.h: what the bot may send outside OTR, one rule for test_otr and
 * fuzz_otr: OTR protocol (a data or error message, the bare query) or the
 * refusal notice, alone or after the query.
 */
#ifndef SECOURS_CLEAR_H
#define SECOURS_CLEAR_H

#include <string.h>

enum clear_kind {
	CLEAR_LEAK,		/* anything else: must never go out */
	CLEAR_OTR,		/* protocol */
	CLEAR_NOTICE,		/* the refusal */
};

static int
clear_starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* What body, sent in clear by a bot whose refusal text is refusal, is. */
static enum clear_kind
clear_kind(const char *body, const char *refusal)
{
	size_t q = strlen("?OTRv23?\n");

	if (clear_starts(body, "?OTR:") || clear_starts(body, "?OTR Error: ") ||
	    strcmp(body, "?OTRv23?") == 0)
		return CLEAR_OTR;
	if (strcmp(body, refusal) == 0 || (strncmp(body, "?OTRv23?\n", q) ==
	    0 && strcmp(body + q, refusal) == 0))
		return CLEAR_NOTICE;
	return CLEAR_LEAK;
}

#endif
