/* jid: splitting, checking and comparing XMPP addresses (see jid.h). */

#include <stdlib.h>
#include <string.h>

#include "jid.h"
#include "util.h"

/* What each part must not hold beyond control characters. */
static const struct part_rule {
	const char	*banned;	/* bytes refused (besides controls) */
	enum jid_error	 empty, toolong;
} rule_local = { " \"&'/:<>@", JID_EMPTY_LOCAL, JID_LONG_LOCAL },
  rule_domain = { " @\\<>\"'&", JID_EMPTY_DOMAIN, JID_LONG_DOMAIN },
  rule_resource = { "", JID_EMPTY_RESOURCE, JID_LONG_RESOURCE };

static const char *const messages[] = {
	[JID_OK] = "valid",
	[JID_NULL] = "no JID",
	[JID_EMPTY_LOCAL] = "empty localpart (nothing before '@')",
	[JID_EMPTY_DOMAIN] = "empty domainpart",
	[JID_EMPTY_RESOURCE] = "empty resourcepart (nothing after '/')",
	[JID_LONG_LOCAL] = "localpart longer than 1023 bytes",
	[JID_LONG_DOMAIN] = "domainpart longer than 1023 bytes",
	[JID_LONG_RESOURCE] = "resourcepart longer than 1023 bytes",
	[JID_BAD_CHAR] = "a character not allowed in a JID",
	[JID_NO_ROOM] = "JID longer than the room for it",
};

static char
lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static enum jid_error
part_check(const char *s, size_t n, const struct part_rule *r)
{
	size_t i;

	if (n == 0)
		return r->empty;
	if (n > JID_PART_MAX)
		return r->toolong;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f || strchr(r->banned, c) != NULL)
			return JID_BAD_CHAR;
	}
	return JID_OK;
}

enum jid_error
jid_parse(const char *jid, struct jid_parts *out)
{
	struct jid_parts p = { NULL, 0, NULL, 0, NULL, 0 };
	const char *slash, *at;
	size_t nbare;
	enum jid_error e;

	if (out != NULL)
		*out = p;
	if (jid == NULL)
		return JID_NULL;
	nbare = strcspn(jid, "/");
	slash = jid[nbare] == '/' ? jid + nbare : NULL;
	at = memchr(jid, '@', nbare);
	if (at != NULL) {
		p.local = jid;
		p.nlocal = (size_t)(at - jid);
		p.domain = at + 1;
	} else {
		p.domain = jid;
	}
	p.ndomain = (size_t)(jid + nbare - p.domain);
	if (slash != NULL) {
		p.resource = slash + 1;
		p.nresource = strnlen(p.resource, JID_PART_MAX + 1);
	}
	if (at != NULL && (e = part_check(p.local, p.nlocal,
	    &rule_local)) != JID_OK)
		return e;
	if ((e = part_check(p.domain, p.ndomain, &rule_domain)) != JID_OK)
		return e;
	if (slash != NULL && (e = part_check(p.resource, p.nresource,
	    &rule_resource)) != JID_OK)
		return e;
	if (out != NULL)
		*out = p;
	return JID_OK;
}

const char *
jid_strerror(enum jid_error e)
{
	if ((size_t)e >= sizeof(messages) / sizeof(messages[0]) ||
	    messages[e] == NULL)
		return "unknown JID error";
	return messages[e];
}

enum jid_error
jid_bare_into(const char *jid, char *out, size_t size)
{
	struct jid_parts p;
	enum jid_error e;
	size_t n, i;

	if (size > 0)
		out[0] = '\0';
	if ((e = jid_parse(jid, &p)) != JID_OK)
		return e;
	n = p.local != NULL ? p.nlocal + 1 + p.ndomain : p.ndomain;
	if (n >= size)
		return JID_NO_ROOM;
	for (i = 0; i < n; i++)
		out[i] = lower(jid[i]);
	out[n] = '\0';
	return JID_OK;
}

char *
jid_bare(const char *jid)
{
	/* On the stack, then a copy of its length: a 3 KB malloc shrunk by
	 * realloc took glibc's slow path (and a fresh page) for every
	 * person's message (docs/performance.md, "The bot's own work"). */
	char s[JID_BARE_MAX + 1];

	if (jid_bare_into(jid, s, sizeof(s)) != JID_OK)
		return NULL;
	return xstrdup(s);
}

const char *
jid_resource(const char *jid)
{
	struct jid_parts p;

	return jid_parse(jid, &p) == JID_OK ? p.resource : NULL;
}

int
jid_is_bare(const char *jid)
{
	struct jid_parts p;

	return jid_parse(jid, &p) == JID_OK && p.resource == NULL;
}

int
jid_has_local(const char *jid)
{
	struct jid_parts p;

	return jid_parse(jid, &p) == JID_OK && p.local != NULL;
}

int
jid_bare_eq(const char *a, const char *b)
{
	struct jid_parts pa, pb;
	size_t na, nb, i;

	if (jid_parse(a, &pa) != JID_OK || jid_parse(b, &pb) != JID_OK)
		return 0;
	na = (size_t)(pa.domain + pa.ndomain - a);
	nb = (size_t)(pb.domain + pb.ndomain - b);
	if (na != nb)
		return 0;
	for (i = 0; i < na; i++)
		if (lower(a[i]) != lower(b[i]))
			return 0;
	return 1;
}
