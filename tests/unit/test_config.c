/*
 * test_config: config_load() on small files, one per kind of problem, each
 * with the exact lines --check prints; then defaults, the shipped example,
 * fingerprints and durations.
 *
 * Each case's YAML is written to config.yaml in a fresh temporary directory
 * (the current directory while the test runs), next to a file "password".
 */
#include "ac-config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "tap.h"
#include "util.h"

struct file_case {
	const char	*name;
	const char	*yaml;
	const char	*errors;	/* exactly what is printed; "" = OK */
};

/* The smallest valid file, for cases that change one thing. */
#define MIN_ACCOUNT \
	"account:\n" \
	"  jid: bot@example.org\n" \
	"  password: secret\n"
#define MIN MIN_ACCOUNT "state_dir: /tmp/state\n"
/* MIN plus two helpers, for duty cases. */
#define HELPERS \
	"helpers:\n" \
	"  - jid: alice@example.org\n" \
	"    fingerprints: [\"1A2B3C4D 1A2B3C4D 1A2B3C4D 1A2B3C4D 1A2B3C4D\"]\n" \
	"  - jid: bob@example.org\n" \
	"    fingerprints: [\"0000000000000000000000000000000000000000\"]\n"

static const struct file_case cases[] = {
	{ "minimal file", MIN, "" },
	{ "unknown key, and the missing key it was meant to be",
	    "# comment\n"
	    "state_dir: /var/lib/secours\n"
	    "log:\n"
	    "  level: info\n"
	    "limits:\n"
	    "  max_body: 65536\n"
	    "guide:\n"
	    "  default_language: en\n"
	    "account:\n"
	    "  password: x\n"
	    "  resource: r\n"
	    "  jdi: bot@example.org\n",
	    "config.yaml:10:3: missing required key 'jid'\n"
	    "config.yaml:12:3: unknown key 'jdi'\n" },
	{ "unknown top-level key",
	    MIN "colour: blue\n",
	    "config.yaml:5:1: unknown key 'colour'\n" },
	{ "scalar where a mapping is expected",
	    "account: bot@example.org\n"
	    "state_dir: /tmp/state\n",
	    "config.yaml:1:10: 'account' must be a mapping, not a single "
	    "value\n" },
	{ "list where a mapping is expected",
	    MIN "otr: [narrate]\n",
	    "config.yaml:5:6: 'otr' must be a mapping, not a list\n" },
	{ "mapping where a scalar is expected",
	    "account:\n"
	    "  jid:\n"
	    "    node: bot\n"
	    "  password: x\n"
	    "state_dir: /tmp/state\n",
	    "config.yaml:3:5: 'jid' must be a single value, not a mapping\n" },
	{ "list where a scalar is expected",
	    MIN_ACCOUNT "  port: [1, 2]\n" "state_dir: /tmp/state\n",
	    "config.yaml:4:9: 'port' must be a single value, not a list\n" },
	{ "scalar where a list of mappings is expected",
	    MIN "helpers: alice@example.org\n",
	    "config.yaml:5:10: 'helpers' must be a list, not a single value\n" },
	{ "list item of the wrong kind",
	    MIN "guide:\n  paths: [/a, {b: c}]\n",
	    "config.yaml:6:15: each item of 'paths' must be a single value, "
	    "not a mapping\n" },
	{ "missing required top-level keys",
	    "log:\n  level: debug\n",
	    "config.yaml:1:1: missing required key 'account'\n"
	    "config.yaml:1:1: missing required key 'state_dir'\n" },
	{ "missing password and password_file",
	    "account:\n  jid: bot@example.org\nstate_dir: /tmp/state\n",
	    "config.yaml:2:3: missing required key 'password' or "
	    "'password_file'\n" },
	{ "key without a value",
	    MIN_ACCOUNT "state_dir:\n",
	    "config.yaml:4:1: no value for 'state_dir'\n" },
	{ "password and password_file together",
	    MIN_ACCOUNT "  password_file: password\n" "state_dir: /tmp/state\n",
	    "config.yaml:4:18: 'password' and 'password_file' cannot both be "
	    "set\n" },
	{ "unreadable password file",
	    "account:\n"
	    "  jid: bot@example.org\n"
	    "  password_file: /nonexistent/password\n"
	    "state_dir: /tmp/state\n",
	    "config.yaml:3:18: cannot read password_file "
	    "'/nonexistent/password': No such file or directory\n" },
	{ "empty password file",
	    "account:\n"
	    "  jid: bot@example.org\n"
	    "  password_file: empty\n"
	    "state_dir: /tmp/state\n",
	    "config.yaml:3:18: password_file 'empty' holds no usable password "
	    "(empty, or a NUL byte)\n" },
	{ "unreadable ca_file",
	    MIN_ACCOUNT "  ca_file: /nonexistent/ca.pem\n" "state_dir: /tmp/s\n",
	    "config.yaml:4:12: cannot read ca_file '/nonexistent/ca.pem': No "
	    "such file or directory\n" },
	{ "tls disabled with a remote host",
	    MIN_ACCOUNT
	    "  host: xmpp.example.org\n"
	    "  tls: disabled\n"
	    "state_dir: /tmp/state\n",
	    "config.yaml:5:8: 'tls: disabled' needs a loopback 'host' "
	    "(127.0.0.1, ::1 or localhost)\n" },
	{ "tls disabled without a host",
	    MIN_ACCOUNT "  tls: disabled\n" "state_dir: /tmp/state\n",
	    "config.yaml:4:8: 'tls: disabled' needs a loopback 'host' "
	    "(127.0.0.1, ::1 or localhost)\n" },
	{ "tls disabled on 127.0.0.1",
	    MIN_ACCOUNT "  host: 127.0.0.1\n  port: 5222\n  tls: disabled\n"
	    "state_dir: /tmp/state\n", "" },
	{ "tls disabled on 127.1.2.3",
	    MIN_ACCOUNT "  host: 127.1.2.3\n  tls: disabled\n"
	    "state_dir: /tmp/state\n", "" },
	{ "tls disabled on ::1",
	    MIN_ACCOUNT "  host: \"::1\"\n  tls: disabled\n"
	    "state_dir: /tmp/state\n", "" },
	{ "tls disabled on localhost",
	    MIN_ACCOUNT "  host: localhost\n  tls: disabled\n"
	    "state_dir: /tmp/state\n", "" },
	{ "tls disabled on 128.0.0.1",
	    MIN_ACCOUNT "  host: 128.0.0.1\n  tls: disabled\n"
	    "state_dir: /tmp/state\n",
	    "config.yaml:5:8: 'tls: disabled' needs a loopback 'host' "
	    "(127.0.0.1, ::1 or localhost)\n" },
	{ "bad tls value",
	    MIN_ACCOUNT "  tls: maybe\n" "state_dir: /tmp/state\n",
	    "config.yaml:4:8: bad value for 'tls': 'maybe' (expected required "
	    "or disabled)\n" },
	{ "port out of range",
	    MIN_ACCOUNT "  port: 70000\n" "state_dir: /tmp/state\n",
	    "config.yaml:4:9: bad number for 'port': '70000' (expected "
	    "1..65535)\n" },
	{ "port not a number",
	    MIN_ACCOUNT "  port: 52x\n" "state_dir: /tmp/state\n",
	    "config.yaml:4:9: bad number for 'port': '52x' (expected "
	    "1..65535)\n" },
	{ "JID with a resource, JID without a node",
	    "account:\n"
	    "  jid: bot@example.org/home\n"
	    "  password: x\n"
	    "state_dir: /tmp/state\n"
	    "duty:\n"
	    "  fallback: [example.org]\n",
	    "config.yaml:2:8: bad JID for 'jid': 'bot@example.org/home' "
	    "(expected name@domain, without a resource)\n"
	    "config.yaml:6:14: bad JID for 'fallback': 'example.org' "
	    "(expected name@domain, without a resource)\n" },
	{ "bad duration",
	    MIN "otr:\n  idle_timeout: 10x\n",
	    "config.yaml:6:17: bad duration for 'idle_timeout': '10x' "
	    "(expected a number with s, m, h or d, e.g. 10m)\n" },
	{ "duration out of range",
	    MIN "otr:\n  refusal_cooldown: 1s\n"
	    "escalation:\n  retention: 400d\n",
	    "config.yaml:6:21: bad duration for 'refusal_cooldown': '1s' "
	    "(expected 10s..7d)\n"
	    "config.yaml:8:14: bad duration for 'retention': '400d' "
	    "(expected 0s..365d)\n" },
	{ "bad boolean",
	    MIN "log:\n  show_jids: perhaps\n",
	    "config.yaml:6:14: bad boolean for 'show_jids': 'perhaps' "
	    "(expected true or false)\n" },
	{ "bad log level, bad escalation mode",
	    MIN "log:\n  level: loud\nescalation:\n  mode: email\n",
	    "config.yaml:6:10: bad value for 'level': 'loud' (expected error, "
	    "warn, info or debug)\n"
	    "config.yaml:8:9: bad value for 'mode': 'email' (expected relay "
	    "or handoff)\n" },
	{ "max_reply_chars out of range",
	    MIN "guide:\n  max_reply_chars: 100\n",
	    "config.yaml:6:20: bad number for 'max_reply_chars': '100' "
	    "(expected 200..4000)\n" },
	{ "bad language and URL",
	    MIN "guide:\n  default_language: english\n"
	    "  base_url: ftp://example.org\n",
	    "config.yaml:6:21: bad language for 'default_language': 'english' "
	    "(expected a 2-letter code, e.g. en)\n"
	    "config.yaml:7:13: bad URL for 'base_url': 'ftp://example.org' "
	    "(expected https://...)\n" },
	{ "smp_question without smp_secret, and the reverse",
	    MIN "otr:\n  smp_question: \"Which colour?\"\n",
	    "config.yaml:6:17: 'smp_question' needs 'smp_secret'\n" },
	{ "smp_question per language: bad language, twice, empty, a list",
	    MIN "otr:\n  smp_question: {english: a, fr: b, fr: c, es: \"\"}\n"
	    "  smp_secret: s\n",
	    "config.yaml:6:18: bad language for 'smp_question': 'english' "
	    "(expected a 2-letter code, e.g. en)\n"
	    "config.yaml:6:37: 'smp_question' gives language 'fr' twice\n"
	    "config.yaml:6:48: 'smp_question' must not be empty\n" },
	{ "smp_question as a list",
	    MIN "otr:\n  smp_question: [a, b]\n  smp_secret: s\n",
	    "config.yaml:6:17: 'smp_question' must be a text, or one text per "
	    "language ({fr: ..., en: ...}), not a list\n"
	    "config.yaml:7:15: 'smp_secret' needs 'smp_question'\n" },
	{ "smp_secret without smp_question",
	    MIN "otr:\n  smp_secret: blue\n",
	    "config.yaml:6:15: 'smp_secret' needs 'smp_question'\n" },
	{ "bad fingerprints",
	    MIN
	    "helpers:\n"
	    "  - jid: alice@example.org\n"
	    "    fingerprints:\n"
	    "      - \"1A2B3C4D 1A2B3C4D 1A2B3C4D 1A2B3C4D\"\n"
	    "      - \"1A2B3C4D 1A2B3C4D 1A2B3C4D 1A2B3C4D 1A2B3C4G\"\n"
	    "  - jid: bob@example.org\n"
	    "    fingerprints: []\n",
	    "config.yaml:8:9: bad fingerprint for 'fingerprints': '1A2B3C4D "
	    "1A2B3C4D 1A2B3C4D 1A2B3C4D' (expected 40 hex digits, spaces "
	    "allowed)\n"
	    "config.yaml:9:9: bad fingerprint for 'fingerprints': '1A2B3C4D "
	    "1A2B3C4D 1A2B3C4D 1A2B3C4D 1A2B3C4G' (expected 40 hex digits, "
	    "spaces allowed)\n"
	    "config.yaml:11:19: 'fingerprints' must not be empty\n" },
	{ "helper without fingerprints, helper listed twice",
	    MIN
	    "helpers:\n"
	    "  - jid: alice@example.org\n"
	    "  - jid: Bob@Example.org\n"
	    "    fingerprints: [\"0000000000000000000000000000000000000000\"]\n"
	    "  - jid: bob@example.org\n"
	    "    fingerprints: [\"0000000000000000000000000000000000000000\"]\n"
	    "  - alice@example.org\n",
	    "config.yaml:6:5: missing required key 'fingerprints'\n"
	    "config.yaml:9:10: helper 'bob@example.org' is listed twice\n"
	    "config.yaml:11:5: each item of 'helpers' must be a mapping, not "
	    "a single value\n" },
	{ "duty: shifts and fallback with helpers that exist",
	    MIN HELPERS
	    "duty:\n"
	    "  timezone: Europe/Paris\n"
	    "  shifts:\n"
	    "    - { helper: alice@example.org, days: [mon, tue, wed, thu, fri],"
	    " from: \"09:00\", to: \"17:00\" }\n"
	    "    - { helper: BOB@example.org, days: [sat, sun], from: \"22:00\","
	    " to: \"06:00\" }\n"
	    "    - { helper: bob@example.org, days: weekdays, from: \"9:30\","
	    " to: \"23:59\" }\n"
	    "  fallback: [bob@example.org, alice@example.org]\n", "" },
	{ "shift naming an unknown helper, fallback too",
	    MIN HELPERS
	    "duty:\n"
	    "  shifts:\n"
	    "    - helper: carol@example.org\n"
	    "      days: [mon]\n"
	    "      from: \"09:00\"\n"
	    "      to: \"17:00\"\n"
	    "  fallback: dave@example.org\n",
	    "config.yaml:12:15: shift helper 'carol@example.org' is not one of "
	    "the helpers\n"
	    "config.yaml:16:13: fallback 'dave@example.org' is not one of the "
	    "helpers\n" },
	{ "unknown time zone",
	    MIN "duty:\n  timezone: Mars/Olympus_Mons\n",
	    "config.yaml:6:13: unknown time zone for 'timezone': "
	    "'Mars/Olympus_Mons' (expected a name such as Europe/Paris, or "
	    "UTC)\n" },
	{ "time zone escaping the zone directory",
	    MIN "duty:\n  timezone: ../../../etc/passwd\n",
	    "config.yaml:6:13: unknown time zone for 'timezone': "
	    "'../../../etc/passwd' (expected a name such as Europe/Paris, or "
	    "UTC)\n" },
	{ "bad day, bad time, missing days",
	    MIN HELPERS
	    "duty:\n"
	    "  shifts:\n"
	    "    - { helper: alice@example.org, days: [mon, funday], from: "
	    "\"25:00\", to: \"17:00\" }\n"
	    "    - { helper: alice@example.org, from: \"9h\", to: \"17:00\" }\n",
	    "config.yaml:12:48: bad day for 'days': 'funday' (expected "
	    "mon..sun, a range such as mon-fri, weekdays, weekend or daily)\n"
	    "config.yaml:12:63: bad time for 'from': '25:00' (expected HH:MM, "
	    "00:00..23:59)\n"
	    "config.yaml:13:7: missing required key 'days'\n"
	    "config.yaml:13:42: bad time for 'from': '9h' (expected HH:MM, "
	    "00:00..23:59)\n" },
	{ "duplicate key",
	    "account:\n"
	    "  jid: bot@example.org\n"
	    "  password: x\n"
	    "  jid: other@example.org\n"
	    "state_dir: /tmp/state\n"
	    "state_dir: /tmp/other\n",
	    "config.yaml:4:3: duplicate key 'jid'\n"
	    "config.yaml:6:1: duplicate key 'state_dir'\n" },
	{ "YAML syntax error",
	    "account:\n"
	    "  jid: bot@example.org\n"
	    "  password: [x\n"
	    "state_dir: /tmp/state\n",
	    "config.yaml:4:10: did not find expected ',' or ']' (while parsing "
	    "a flow sequence at line 3)\n" },
	{ "YAML syntax error: bad indentation",
	    "account:\n"
	    "  jid: bot@example.org\n"
	    " password: x\n",
	    "config.yaml:3:2: did not find expected key (while parsing a block "
	    "mapping at line 1)\n" },
	{ "empty file", "",
	    "config.yaml:1:1: the file is empty (expected a mapping with "
	    "'account' and 'state_dir')\n" },
	{ "a list instead of a mapping", "- account\n- state_dir\n",
	    "config.yaml:1:1: the file must be a mapping of keys, not a "
	    "list\n" },
	{ "two documents", MIN "---\nstate_dir: /x\n",
	    "config.yaml:6:1: only one YAML document is allowed\n" },
	{ "aliases are refused",
	    "account:\n"
	    "  jid: &j bot@example.org\n"
	    "  password: *j\n"
	    "state_dir: /tmp/state\n",
	    "config.yaml:2:8: aliases (*name) are not supported here\n" },
	{ "every problem is reported, in file order",
	    "account:\n"
	    "  jid: nobody\n"
	    "  port: 0\n"
	    "  pasword: x\n"
	    "limits:\n"
	    "  max_body: 10\n"
	    "  max_fragments: lots\n",
	    "config.yaml:1:1: missing required key 'state_dir'\n"
	    "config.yaml:2:3: missing required key 'password' or "
	    "'password_file'\n"
	    "config.yaml:2:8: bad JID for 'jid': 'nobody' (expected "
	    "name@domain, without a resource)\n"
	    "config.yaml:3:9: bad number for 'port': '0' (expected 1..65535)\n"
	    "config.yaml:4:3: unknown key 'pasword'\n"
	    "config.yaml:6:13: bad number for 'max_body': '10' (expected "
	    "1024..1048576)\n"
	    "config.yaml:7:18: bad number for 'max_fragments': 'lots' "
	    "(expected 1..1000)\n" },
};

/* Writes text to path; the test cannot go on without it. */
static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f == NULL || fputs(text, f) == EOF || fclose(f) == EOF) {
		perror(path);
		exit(99);
	}
}

/* Loads text as config.yaml; returns what was printed (caller frees). */
static char *
load_text(const char *text, struct config *cfg, int *nerr)
{
	char *out = NULL;
	size_t len = 0;
	FILE *m;

	write_file("config.yaml", text);
	if ((m = open_memstream(&out, &len)) == NULL) {
		perror("open_memstream");
		exit(99);
	}
	*nerr = config_load("config.yaml", cfg, m);
	fclose(m);
	return out;
}

static int
count_lines(const char *s)
{
	int n = 0;

	for (; *s != '\0'; s++)
		n += *s == '\n';
	return n;
}

static void
test_cases(void)
{
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct config cfg;
		char *out;
		int n;

		out = load_text(cases[i].yaml, &cfg, &n);
		CHECK_STR(cases[i].errors, out, cases[i].name);
		CHECK_INT(count_lines(cases[i].errors), n, cases[i].name);
		config_release(&cfg);
		free(out);
	}
}

static void
test_defaults(void)
{
	struct config cfg;
	char *out;
	int n;

	config_init(&cfg);
	CHECK_STR("secours", cfg.account.resource, "default resource");
	CHECK_INT(CONFIG_TLS_REQUIRED, cfg.account.tls, "default tls");
	CHECK_INT(0, cfg.account.port, "default port");
	CHECK_STR("en", cfg.guide.default_language, "default language");
	CHECK_INT(1200, cfg.guide.max_reply_chars, "default max_reply_chars");
	CHECK_INT(LOGL_INFO, cfg.log.level, "default log level");
	CHECK_INT(0, cfg.log.show_jids, "default show_jids");
	CHECK_INT(600, cfg.otr.refusal_cooldown, "default refusal_cooldown");
	CHECK_INT(3600, cfg.otr.idle_timeout, "default idle_timeout");
	CHECK_INT(5, cfg.otr.smp_max_attempts, "default smp_max_attempts");
	CHECK_INT(65536, cfg.limits.max_body, "default max_body");
	CHECK_INT(2000, cfg.limits.max_text, "default max_text");
	CHECK_INT(60, cfg.limits.max_per_minute, "default max_per_minute");
	CHECK_INT(1000, cfg.limits.max_sessions, "default max_sessions");
	CHECK_INT(200, cfg.limits.max_queue, "default max_queue");
	CHECK_INT(64, cfg.limits.max_fragments, "default max_fragments");
	CHECK_STR("UTC", cfg.duty.timezone, "default timezone");
	CHECK_INT(CONFIG_ESC_RELAY, cfg.escalation.mode, "default mode");
	CHECK_INT(600, cfg.escalation.ack_timeout, "default ack_timeout");
	CHECK_INT(7 * 86400, cfg.escalation.retention, "default retention");
	config_release(&cfg);	/* nothing allocated: must not free defaults */

	out = load_text(MIN, &cfg, &n);
	CHECK_INT(0, n, "minimal file loads");
	CHECK_STR("config.yaml", cfg.path, "path kept as given");
	CHECK_STR("bot@example.org", cfg.account.jid, "jid");
	CHECK_STR("secret", cfg.account.password, "inline password");
	CHECK_STR("/tmp/state", cfg.state_dir, "state_dir");
	CHECK_STR("secours", cfg.account.resource, "resource defaults");
	CHECK_INT(1, cfg.guide.npaths, "one default guide path");
	CHECK_STR(PKGDATADIR "/replies", cfg.guide.npaths ? cfg.guide.paths[0] :
	    NULL, "guide path defaults to the installed replies");
	CHECK(cfg.guide.base_url == NULL, "no base_url by default");
	CHECK(cfg.account.host == NULL, "no host by default");
	CHECK_INT(0, cfg.nhelpers, "no helpers");
	config_release(&cfg);
	free(out);
}

static void
test_values(void)
{
	struct config cfg;
	const struct config_helper *h;
	char *out;
	int n;

	write_file("password", "hunter2\n");
	out = load_text(
	    "account:\n"
	    "  jid: Bot@Example.ORG\n"
	    "  password_file: password\n"
	    "  port: 5223\n"
	    "  resource: desk\n"
	    "state_dir: /tmp/state\n"
	    "guide:\n"
	    "  paths: /srv/guide\n"
	    "  default_language: FR\n"
	    "  min_score: 2.5\n"
	    "log:\n"
	    "  level: debug\n"
	    "  show_jids: yes\n"
	    "otr:\n"
	    "  refusal_cooldown: 30s\n"
	    "  idle_timeout: 2h\n"
	    "  narrate: true\n"
	    "  smp_question: q\n"
	    "  smp_secret: s\n"
	    "helpers:\n"
	    "  - jid: Alice@Example.org\n"
	    "    languages: [FR, en]\n"
	    "    fingerprints: [\"1a2b3c4d 1A2B3C4D\t1a2b3c4d1a2b3c4d 1a2b3c4d\"]\n"
	    "  - jid: bob@example.org\n"
	    "    name: Robert\n"
	    "    fingerprints: [\"0123456789abcdef0123456789abcdef01234567\","
	    " \"FFFFFFFF FFFFFFFF FFFFFFFF FFFFFFFF FFFFFFFF\"]\n"
	    "duty:\n"
	    "  shifts:\n"
	    "    - { helper: alice@example.org, days: [mon-wed, sun], "
	    "from: \"22:00\", to: \"06:00\" }\n"
	    "    - { helper: bob@example.org, days: [fri-mon], "
	    "from: \"0:05\", to: \"23:59\" }\n"
	    "    - { helper: bob@example.org, days: weekend, "
	    "from: \"10:00\", to: \"10:00\" }\n"
	    "  fallback: [Bob@example.org]\n"
	    "escalation:\n"
	    "  mode: handoff\n"
	    "  ack_timeout: 90s\n"
	    "  retention: 0\n", &cfg, &n);
	CHECK_STR("", out, "value file loads");
	CHECK_INT(0, n, "value file: no problems");
	CHECK_STR("bot@example.org", cfg.account.jid, "bot JID lower-cased");
	CHECK_STR("hunter2", cfg.account.password, "password file, newline cut");
	CHECK_INT(5223, cfg.account.port, "port");
	CHECK_STR("desk", cfg.account.resource, "resource");
	CHECK_INT(1, cfg.guide.npaths, "single path as a list");
	CHECK_STR("/srv/guide", cfg.guide.paths[0], "path");
	CHECK_STR("fr", cfg.guide.default_language, "language lower-cased");
	CHECK(cfg.guide.min_score == 2.5, "min_score");
	CHECK_INT(LOGL_DEBUG, cfg.log.level, "log level");
	CHECK_INT(1, cfg.log.show_jids, "yes is true");
	CHECK_INT(30, cfg.otr.refusal_cooldown, "30s");
	CHECK_INT(7200, cfg.otr.idle_timeout, "2h");
	CHECK_INT(1, cfg.otr.narrate, "narrate");
	CHECK_STR("q", cfg.otr.smp_question, "smp_question");
	CHECK_STR("s", cfg.otr.smp_secret, "smp_secret");
	CHECK_INT(2, cfg.nhelpers, "two helpers");
	CHECK_STR("alice@example.org", cfg.helpers[0].jid,
	    "helper JID lower-cased");
	CHECK_STR("alice", cfg.helpers[0].name, "name defaults to the node");
	CHECK_INT(2, cfg.helpers[0].nlanguages, "languages");
	CHECK_STR("fr", cfg.helpers[0].languages[0], "languages lower-cased");
	CHECK_INT(1, cfg.helpers[0].nfingerprints, "one fingerprint");
	CHECK(cfg.helpers[0].fingerprints[0][0] == 0x1a &&
	    cfg.helpers[0].fingerprints[0][19] == 0x4d,
	    "fingerprint with spaces, tab, mixed case");
	CHECK_STR("Robert", cfg.helpers[1].name, "name");
	CHECK_INT(2, cfg.helpers[1].nfingerprints, "two fingerprints");
	CHECK(cfg.helpers[1].fingerprints[1][0] == 0xff, "second fingerprint");
	CHECK_INT(3, cfg.duty.nshifts, "three shifts");
	CHECK_INT(0x47, cfg.duty.shifts[0].days, "mon-wed + sun");
	CHECK_INT(22 * 60, cfg.duty.shifts[0].from_min, "from 22:00");
	CHECK_INT(6 * 60, cfg.duty.shifts[0].to_min, "to 06:00");
	CHECK_INT(0x71, cfg.duty.shifts[1].days, "fri-mon wraps");
	CHECK_INT(5, cfg.duty.shifts[1].from_min, "from 0:05");
	CHECK_INT(23 * 60 + 59, cfg.duty.shifts[1].to_min, "to 23:59");
	CHECK_INT(0x60, cfg.duty.shifts[2].days, "weekend");
	CHECK_STR("bob@example.org", cfg.duty.fallback[0],
	    "fallback lower-cased");
	CHECK_INT(CONFIG_ESC_HANDOFF, cfg.escalation.mode, "handoff");
	CHECK_INT(90, cfg.escalation.ack_timeout, "90s");
	CHECK_INT(0, cfg.escalation.retention, "retention 0");

	h = config_helper_find(&cfg, "BOB@Example.Org");
	CHECK(h == &cfg.helpers[1], "helper found case-insensitively");
	CHECK(config_helper_find(&cfg, "carol@example.org") == NULL,
	    "unknown helper not found");
	CHECK(config_helper_find(&cfg, NULL) == NULL, "NULL JID");
	config_release(&cfg);
	free(out);
}

/* otr.smp_question given per language: each language's own, the default
 * language's for the others. */
static void
test_questions(void)
{
	struct config cfg;
	char *out;
	int n;

	out = load_text(MIN
	    "guide:\n  default_language: fr\n"
	    "otr:\n"
	    "  smp_question: {en: \"Name of the city?\", fr: \"Nom de la ville ?\"}\n"
	    "  smp_secret: Lyon\n", &cfg, &n);
	CHECK_STR("", out, "questions per language load");
	CHECK_INT(2, (int)cfg.otr.smp_questions.n, "two languages");
	CHECK_STR("Nom de la ville ?", cfg.otr.smp_question,
	    "the default language's question stands for the others");
	CHECK_STR("Name of the city?", config_smp_question(&cfg, "en"), "en");
	CHECK_STR("Nom de la ville ?", config_smp_question(&cfg, "fr"), "fr");
	CHECK_STR("Nom de la ville ?", config_smp_question(&cfg, "es"),
	    "a language without its own question");
	config_release(&cfg);
	free(out);
	out = load_text(MIN "otr:\n  smp_question: {es: \"¿Ciudad?\"}\n"
	    "  smp_secret: Lyon\n", &cfg, &n);
	CHECK_STR("", out, "one language only");
	CHECK_STR("¿Ciudad?", config_smp_question(&cfg, "en"),
	    "no question in the default language: the first one");
	config_release(&cfg);
	free(out);
	out = load_text(MIN "otr:\n  smp_question: \"Which city?\"\n"
	    "  smp_secret: Lyon\n", &cfg, &n);
	CHECK_STR("Which city?", config_smp_question(&cfg, "fr"),
	    "a single text for every language");
	config_release(&cfg);
	free(out);
}

/* config_dump() of cfg, one key a line. New string; caller frees. */
static char *
dump_of(const struct config *cfg)
{
	char *s = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&s, &n);

	if (f == NULL)
		return xstrdup("");
	config_dump(cfg, f);
	fclose(f);
	return s;
}

/*
 * Every key with a default that config.example.yaml sets has the value of
 * the key table's default, but for the keys below (a different value shows
 * how to write it). Keys it leaves out, commented, are the defaults by
 * definition; keys without a default ("-": jid, host...) show an example.
 */
static void
test_example_defaults(const struct config *example)
{
	static const struct {
		const char	*key;
		const char	*why;
	} differ[] = {
		{ "duty.timezone", "shows a zone name (the default is UTC)" },
	};
	struct config def;
	char *d, *e, *dl, *el, *dsave = NULL, *esave = NULL;
	int compared = 0;

	config_init(&def);
	d = dump_of(&def);
	e = dump_of(example);
	for (dl = strtok_r(d, "\n", &dsave), el = strtok_r(e, "\n", &esave);
	    dl != NULL && el != NULL;
	    dl = strtok_r(NULL, "\n", &dsave), el = strtok_r(NULL, "\n",
	    &esave)) {
		size_t klen = strcspn(dl, "\t");
		const char *col = strchr(dl + klen + 1, '\t');
		int skip = col != NULL && strncmp(col, "\t-\t", 3) == 0;

		for (size_t i = 0; i < ARRAY_LEN(differ); i++)
			if (strlen(differ[i].key) == klen &&
			    strncmp(dl, differ[i].key, klen) == 0) {
				skip = 1;
				CHECK(strcmp(dl, el) != 0, differ[i].why);
			}
		if (!skip) {
			CHECK_STR(dl, el, "example agrees with the table");
			compared++;
		}
	}
	CHECK(dl == NULL && el == NULL, "example: as many keys as the table");
	CHECK(compared >= 20, "example: every key with a default compared");
	free(d);
	free(e);
}

/* config.example.yaml loads with 0 problems once its password file exists. */
static void
test_example(const char *example)
{
	struct config cfg;
	struct buf b;
	char *text, *p, *out;
	size_t len;
	int n;

	if ((text = util_read_file(example, 1 << 20, &len)) == NULL) {
		CHECK(0, "read config.example.yaml");
		return;
	}
	p = strstr(text, "password_file: /etc/secours/password");
	CHECK(p != NULL, "example has password_file");
	if (p == NULL) {
		free(text);
		return;
	}
	buf_init(&b);
	buf_add(&b, text, (size_t)(p - text));
	buf_adds(&b, "password_file: password");
	buf_adds(&b, p + strlen("password_file: /etc/secours/password"));
	write_file("password", "s3cret\n");
	out = load_text(b.s, &cfg, &n);
	CHECK_STR("", out, "config.example.yaml loads without problems");
	CHECK_INT(0, n, "config.example.yaml: 0 problems");
	CHECK_INT(2, cfg.nhelpers, "example: two helpers");
	CHECK_INT(2, cfg.duty.nshifts, "example: two shifts");
	CHECK_STR("Europe/Paris", cfg.duty.timezone, "example: timezone");
	CHECK_STR("/usr/share/secours/replies", cfg.guide.npaths ?
	    cfg.guide.paths[0] : NULL, "example: guide path");
	CHECK_INT(CONFIG_TLS_REQUIRED, cfg.account.tls, "example: tls");
	test_example_defaults(&cfg);
	config_release(&cfg);
	free(out);
	buf_release(&b);
	free(text);
}

/* --status loads the file without the password: an unreadable password
 * file is no problem then, and nothing is read into account.password. */
static void
test_no_password(void)
{
	static const char text[] = "account:\n  jid: bot@example.org\n"
	    "  password_file: /nonexistent/password\n"
	    "state_dir: /tmp/state\n";
	struct config cfg;
	char *out = NULL;
	size_t len = 0;
	FILE *m;
	int n;

	write_file("config.yaml", text);
	n = config_load_opts("config.yaml", &cfg, stderr, CONFIG_NO_PASSWORD);
	CHECK_INT(0, n, "no password: an unreadable password_file is fine");
	CHECK(cfg.account.password == NULL, "no password: none read");
	config_release(&cfg);
	write_file("config.yaml", "account:\n  jid: bot@example.org\n"
	    "  password_file: password\nstate_dir: /tmp/state\n");
	n = config_load_opts("config.yaml", &cfg, stderr, CONFIG_NO_PASSWORD);
	CHECK(n == 0 && cfg.account.password == NULL,
	    "no password: a readable password_file is not read either");
	config_release(&cfg);
	write_file("config.yaml", "account:\n  jid: bot@example.org\n"
	    "state_dir: /tmp/state\n");
	if ((m = open_memstream(&out, &len)) == NULL) {
		perror("open_memstream");
		exit(99);
	}
	n = config_load_opts("config.yaml", &cfg, m, CONFIG_NO_PASSWORD);
	fclose(m);
	CHECK_INT(1, n, "no password: the key is still required");
	CHECK(out != NULL && strstr(out, "missing required key 'password'")
	    != NULL, "no password: says which key");
	free(out);
	config_release(&cfg);
}

static void
test_durations(void)
{
	static const struct {
		const char	*text;
		long		 secs;	/* -1: refused */
	} ds[] = {
		{ "30s", 30 }, { "10m", 600 }, { "2h", 7200 }, { "7d", 604800 },
		{ "45", 45 }, { "0", 0 }, { "", -1 }, { "m", -1 }, { "10x", -1 },
		{ "-5m", -1 }, { "1.5h", -1 }, { " 5m", -1 }, { "5 m", -1 },
		{ "99999999999999999999d", -1 },
	};

	for (size_t i = 0; i < ARRAY_LEN(ds); i++) {
		long v = -1;
		int rc = util_parse_duration(ds[i].text, &v);

		CHECK_INT(ds[i].secs, rc == 0 ? v : -1, ds[i].text);
	}
}

int
main(void)
{
	char tmpl[] = "/tmp/test_config.XXXXXX", example[PATH_MAX];
	const char *top = getenv("TOP_SRCDIR");
	struct buf path;

	buf_init(&path);
	buf_addf(&path, "%s/config.example.yaml", top ? top : ".");
	if (realpath(path.s, example) == NULL) {
		perror(path.s);
		return 99;
	}
	buf_release(&path);
	if (mkdtemp(tmpl) == NULL || chdir(tmpl) == -1) {
		perror(tmpl);
		return 99;
	}
	write_file("empty", "\n");
	write_file("password", "hunter2\n");

	test_cases();
	test_defaults();
	test_values();
	test_questions();
	test_example(example);
	test_durations();
	test_no_password();

	(void)unlink("config.yaml");
	(void)unlink("password");
	(void)unlink("empty");
	if (chdir("/") == 0)
		(void)rmdir(tmpl);
	return TAP_DONE();
}
