/*
 * jid: the one place that splits, checks and compares XMPP addresses
 * (RFC 7622: [localpart@]domainpart[/resourcepart]).
 *
 * Invariants:
 * - Each part is at most JID_PART_MAX (1023) bytes and, when its separator
 *   is there, not empty; the domainpart is never empty. So a bare JID is at
 *   most JID_BARE_MAX bytes and a full one at most JID_FULL_MAX.
 * - The split follows RFC 7622 3.2: the resource starts at the first '/'
 *   (it may hold more '/' and '@'), the localpart ends at the first '@'
 *   before it.
 * - No part holds a control character (below 0x20, or 0x7f); the localpart
 *   and domainpart hold no space, the localpart none of " & ' / : < > @
 *   (RFC 7622 3.3.1) and the domainpart none of @ \ < > " ' &.
 * - A bare JID made here is lower-cased in ASCII (localpart and domainpart);
 *   the resource keeps its case. Comparisons fold ASCII case the same way.
 *   Full PRECIS (Unicode case mapping, width and normalisation) and IDNA are
 *   out of scope: the server already enforces them for what it routes.
 * - Nothing is ever truncated: a JID that does not fit is an error, so two
 *   long JIDs can never share a bare form (nor a log hash).
 */
#ifndef SECOURS_JID_H
#define SECOURS_JID_H

#include <stddef.h>

#define JID_PART_MAX	1023
#define JID_BARE_MAX	(2 * JID_PART_MAX + 1)
#define JID_FULL_MAX	(3 * JID_PART_MAX + 2)

enum jid_error {
	JID_OK = 0,
	JID_NULL,		/* no JID at all */
	JID_EMPTY_LOCAL,	/* "@domain" */
	JID_EMPTY_DOMAIN,	/* "", "local@", "/res" */
	JID_EMPTY_RESOURCE,	/* "domain/" */
	JID_LONG_LOCAL,		/* localpart over JID_PART_MAX */
	JID_LONG_DOMAIN,	/* domainpart over JID_PART_MAX */
	JID_LONG_RESOURCE,	/* resourcepart over JID_PART_MAX */
	JID_BAD_CHAR,		/* a character not allowed in its part */
	JID_NO_ROOM		/* jid_bare_into: the caller's buffer is too small */
};

/* The parts of a JID, pointing into the string parsed (borrowed). A missing
 * localpart or resource has length 0 and a NULL pointer. */
struct jid_parts {
	const char	*local;
	size_t		 nlocal;
	const char	*domain;
	size_t		 ndomain;
	const char	*resource;
	size_t		 nresource;
};

/* Splits and checks jid; out may be NULL. JID_OK or the first problem. */
enum jid_error jid_parse(const char *jid, struct jid_parts *out);

/* Static text for an error, e.g. "localpart longer than 1023 bytes". */
const char *jid_strerror(enum jid_error e);

/* New string: the lower-cased bare JID of jid; caller frees. NULL if jid is
 * not valid (see jid_parse). */
char *jid_bare(const char *jid);

/* The lower-cased bare JID of jid into out (size bytes with the NUL).
 * JID_OK, a jid_parse error, or JID_NO_ROOM (out is then ""): never cut. */
enum jid_error jid_bare_into(const char *jid, char *out, size_t size);

/* Borrowed: the resource of jid (after the first '/'), NULL if none or if
 * jid is not valid. */
const char *jid_resource(const char *jid);

/* 1 if jid is valid and has no resource. */
int jid_is_bare(const char *jid);

/* 1 if jid is valid and has a localpart (a person or a bot, not a server). */
int jid_has_local(const char *jid);

/* 1 if a and b are valid and have the same bare JID, ASCII case folded. */
int jid_bare_eq(const char *a, const char *b);

#endif
