/*
 * test_jid: jid.c against RFC 7622's limits, one table row per case: part
 * lengths at 1023 and 1024 bytes, empty parts, server JIDs, resources that
 * hold '/' and '@', case folding; then the bare form into a small buffer
 * (an error, never a cut) and log_peer's hash of two long JIDs that agree
 * on their first 511 bytes (they shared one hash when log.c cut there),
 * and that hash is HMAC-SHA256: RFC 4231's first vector, and libgcrypt's
 * own HMAC of a JID (log.c computes it from two plain hashes).
 */
#include "ac-config.h"

#include <gcrypt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jid.h"
#include "log.h"
#include "tap.h"
#include "util.h"

/* A JID made of parts of given lengths; -1 leaves a part (and its
 * separator) out. Parts are 'a's, 'd's and 'r's. */
struct len_case {
	const char	*name;
	int		 nlocal, ndomain, nres;
	enum jid_error	 want;
};

static const struct len_case len_cases[] = {
	{ "localpart of 1023 bytes", 1023, 8, -1, JID_OK },
	{ "localpart of 1024 bytes", 1024, 8, -1, JID_LONG_LOCAL },
	{ "domainpart of 1023 bytes", 5, 1023, -1, JID_OK },
	{ "domainpart of 1024 bytes", 5, 1024, -1, JID_LONG_DOMAIN },
	{ "resourcepart of 1023 bytes", 5, 8, 1023, JID_OK },
	{ "resourcepart of 1024 bytes", 5, 8, 1024, JID_LONG_RESOURCE },
	{ "all three parts at 1023 bytes", 1023, 1023, 1023, JID_OK },
	{ "server JID of 1023 bytes", -1, 1023, -1, JID_OK },
	{ "server JID of 1024 bytes", -1, 1024, -1, JID_LONG_DOMAIN },
	{ "empty localpart", 0, 8, -1, JID_EMPTY_LOCAL },
	{ "empty domainpart", 5, 0, -1, JID_EMPTY_DOMAIN },
	{ "empty resourcepart", 5, 8, 0, JID_EMPTY_RESOURCE },
	{ "empty string", -1, 0, -1, JID_EMPTY_DOMAIN },
	{ "only a resource", -1, 0, 4, JID_EMPTY_DOMAIN },
};

static char *
make_jid(const struct len_case *c)
{
	char *s = xmalloc(3 * 1100);
	size_t n = 0;

	if (c->nlocal >= 0) {
		memset(s + n, 'a', (size_t)c->nlocal);
		n += (size_t)c->nlocal;
		s[n++] = '@';
	}
	memset(s + n, 'd', (size_t)c->ndomain);
	n += (size_t)c->ndomain;
	if (c->nres >= 0) {
		s[n++] = '/';
		memset(s + n, 'r', (size_t)c->nres);
		n += (size_t)c->nres;
	}
	s[n] = '\0';
	return s;
}

/* Literal JIDs: validity, bare form, resource, bare or not. */
struct str_case {
	const char	*jid;
	enum jid_error	 want;
	const char	*bare;		/* NULL when not valid */
	const char	*resource;	/* NULL when none */
	int		 has_local;
};

static const struct str_case str_cases[] = {
	{ "Alice@Example.ORG", JID_OK, "alice@example.org", NULL, 1 },
	{ "Alice@Example.ORG/Phone", JID_OK, "alice@example.org", "Phone", 1 },
	{ "alice@example.org/a/b@c", JID_OK, "alice@example.org", "a/b@c", 1 },
	{ "example.org", JID_OK, "example.org", NULL, 0 },
	{ "Example.org/res", JID_OK, "example.org", "res", 0 },
	{ "a@b@example.org", JID_BAD_CHAR, NULL, NULL, 0 },
	{ "@example.org", JID_EMPTY_LOCAL, NULL, NULL, 0 },
	{ "alice@", JID_EMPTY_DOMAIN, NULL, NULL, 0 },
	{ "alice@example.org/", JID_EMPTY_RESOURCE, NULL, NULL, 0 },
	{ "al ice@example.org", JID_BAD_CHAR, NULL, NULL, 0 },
	{ "al:ice@example.org", JID_BAD_CHAR, NULL, NULL, 0 },
	{ "alice@exa<mple.org", JID_BAD_CHAR, NULL, NULL, 0 },
	{ "alice\n@example.org", JID_BAD_CHAR, NULL, NULL, 0 },
	{ "alice@example.org/a\x7f", JID_BAD_CHAR, NULL, NULL, 0 },
	{ "alice@example.org/with space", JID_OK, "alice@example.org",
	    "with space", 1 },
	{ "\xc3\x89lise@example.org", JID_OK, "\xc3\x89lise@example.org",
	    NULL, 1 },
};

/* Pairs for jid_bare_eq. */
struct eq_case {
	const char	*a, *b;
	int		 want;
};

static const struct eq_case eq_cases[] = {
	{ "alice@example.org", "ALICE@Example.Org", 1 },
	{ "alice@example.org/phone", "Alice@example.org", 1 },
	{ "alice@example.org/x", "alice@example.org/y", 1 },
	{ "alice@example.org", "alice@example.org.evil", 0 },
	{ "alice@example.org", "alicia@example.org", 0 },
	{ "example.org", "x@example.org", 0 },
	{ "alice@example.org", "@example.org", 0 },
	{ "alice@example.org", NULL, 0 },
};

static void
test_lengths(void)
{
	char name[128];

	for (size_t i = 0; i < ARRAY_LEN(len_cases); i++) {
		const struct len_case *c = &len_cases[i];
		char *jid = make_jid(c);
		char *bare = jid_bare(jid);

		snprintf(name, sizeof(name), "%s: %s", c->name,
		    jid_strerror(c->want));
		CHECK_INT(c->want, jid_parse(jid, NULL), name);
		snprintf(name, sizeof(name), "%s: bare %s", c->name,
		    c->want == JID_OK ? "made whole" : "refused");
		if (c->want == JID_OK)
			CHECK_INT((c->nlocal >= 0 ? c->nlocal + 1 : 0) +
			    c->ndomain, bare != NULL ? (long)strlen(bare) : -1,
			    name);
		else
			CHECK(bare == NULL, name);
		free(bare);
		free(jid);
	}
}

static void
test_strings(void)
{
	char name[160];

	for (size_t i = 0; i < ARRAY_LEN(str_cases); i++) {
		const struct str_case *c = &str_cases[i];
		char *bare = jid_bare(c->jid);
		const char *res = jid_resource(c->jid);

		snprintf(name, sizeof(name), "'%s': %s", log_vis(c->jid),
		    jid_strerror(c->want));
		CHECK_INT(c->want, jid_parse(c->jid, NULL), name);
		snprintf(name, sizeof(name), "'%s': bare form",
		    log_vis(c->jid));
		if (c->bare != NULL)
			CHECK_STR(c->bare, bare, name);
		else
			CHECK(bare == NULL, name);
		snprintf(name, sizeof(name), "'%s': resource", log_vis(c->jid));
		if (c->resource != NULL)
			CHECK_STR(c->resource, res, name);
		else
			CHECK(res == NULL, name);
		snprintf(name, sizeof(name), "'%s': is bare", log_vis(c->jid));
		CHECK_INT(c->want == JID_OK && c->resource == NULL,
		    jid_is_bare(c->jid), name);
		snprintf(name, sizeof(name), "'%s': has a localpart",
		    log_vis(c->jid));
		CHECK_INT(c->has_local, jid_has_local(c->jid), name);
		free(bare);
	}
	CHECK(jid_bare(NULL) == NULL && jid_parse(NULL, NULL) == JID_NULL,
	    "NULL is no JID");
}

static void
test_eq(void)
{
	char name[160];

	for (size_t i = 0; i < ARRAY_LEN(eq_cases); i++) {
		const struct eq_case *c = &eq_cases[i];

		snprintf(name, sizeof(name), "'%s' %s '%s'", c->a,
		    c->want ? "==" : "!=", c->b != NULL ? c->b : "(null)");
		CHECK_INT(c->want, jid_bare_eq(c->a, c->b), name);
	}
}

/* Into a caller's buffer: whole or an error, never a shorter JID. */
static void
test_into(void)
{
	char out[18];

	CHECK_INT(JID_OK, jid_bare_into("Alice@Example.org/x", out,
	    sizeof(out)), "bare into a buffer that just fits");
	CHECK_STR("alice@example.org", out, "bare into a buffer: the text");
	CHECK_INT(JID_NO_ROOM, jid_bare_into("alice@example.orgx", out,
	    sizeof(out)), "bare one byte too long for the buffer: JID_NO_ROOM");
	CHECK_STR("", out, "bare too long for the buffer: nothing left in it");
	CHECK_INT(JID_EMPTY_LOCAL, jid_bare_into("@x", out, sizeof(out)),
	    "bare of a bad JID into a buffer: its error");
}

/* Two JIDs whose first 511 bytes agree: log.c used to hash only those, so
 * two people shared one hash in the log. Now each hashes whole. */
static void
test_log_collision(void)
{
	struct len_case lc = { "", 600, 11, 5, JID_OK };
	char *a = make_jid(&lc), *b = make_jid(&lc);
	char ha[16], hb[16], hc[16];
	unsigned char key[32];

	memset(key, 7, sizeof(key));
	log_set_peer_privacy(key, sizeof(key), 0);
	b[598] = 'b';		/* differ after byte 511, in the localpart */
	CHECK(memcmp(a, b, 511) == 0 && strcmp(a, b) != 0,
	    "two long JIDs agree on their first 511 bytes");
	snprintf(ha, sizeof(ha), "%s", log_peer(a));
	snprintf(hb, sizeof(hb), "%s", log_peer(b));
	CHECK(strncmp(ha, "p:", 2) == 0 && strcmp(ha, hb) != 0,
	    "log_peer: two long JIDs that agree on 511 bytes hash apart");
	b[598] = 'A';		/* same person, other case and resource */
	b[strlen(b) - 1] = 'z';
	snprintf(hc, sizeof(hc), "%s", log_peer(b));
	CHECK_STR(ha, hc, "log_peer: same bare JID in another case and "
	    "resource hashes the same");
	free(a);
	free(b);
}

/* "p:" and the first 4 bytes of HMAC-SHA256(key, msg) as libgcrypt's own
 * HMAC gives them. */
static void
gcry_peer(const unsigned char *key, size_t keylen, const char *msg,
    char out[16])
{
	gcry_md_hd_t h;
	const unsigned char *m;

	out[0] = '\0';
	if (gcry_md_open(&h, GCRY_MD_SHA256, GCRY_MD_FLAG_HMAC) != 0)
		return;
	gcry_md_setkey(h, key, keylen);
	gcry_md_write(h, msg, strlen(msg));
	m = gcry_md_read(h, GCRY_MD_SHA256);
	snprintf(out, 16, "p:%02x%02x%02x%02x", m[0], m[1], m[2], m[3]);
	gcry_md_close(h);
}

static void
test_log_hmac(void)
{
	unsigned char key[32];
	char want[16], got[16];

	/* RFC 4231, test case 1: key 20 bytes of 0x0b, data "Hi There",
	 * HMAC-SHA256 b0344c61d8db...; a key shorter than 32 bytes is
	 * padded with zeros, as HMAC pads it. "Hi There" is no JID: it is
	 * hashed whole. */
	memset(key, 0x0b, 20);
	log_set_peer_privacy(key, 20, 0);
	CHECK_STR("p:b0344c61", log_peer("Hi There"),
	    "log_peer: RFC 4231's first HMAC-SHA256 vector");
	for (size_t i = 0; i < sizeof(key); i++)
		key[i] = (unsigned char)(i * 37 + 1);
	log_set_peer_privacy(key, sizeof(key), 0);
	gcry_peer(key, sizeof(key), "anna@example.org", want);
	snprintf(got, sizeof(got), "%s", log_peer("Anna@Example.org/phone"));
	CHECK_STR(want, got, "log_peer: libgcrypt's HMAC of the bare JID");
	gcry_peer(key, sizeof(key), "b@x", want);
	CHECK_STR(want, log_peer("b@x"), "log_peer: a short JID");
}

int
main(void)
{
	test_lengths();
	test_strings();
	test_eq();
	test_into();
	test_log_collision();
	test_log_hmac();
	return TAP_DONE();
}
