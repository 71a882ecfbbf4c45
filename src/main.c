/*
 * main: the command line. Chooses a mode, loads the configuration, refuses
 * root for the daemon, sets up logging and resource limits, then hands over
 * to daemon_run() or to the offline modes (console, fingerprint).
 */
#include "ac-config.h"

#include <sys/resource.h>
#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "console.h"
#include "daemon.h"
#include "fpr.h"
#include "guide.h"
#include "lang.h"
#include "lexicon.h"
#include "log.h"
#include "otr.h"
#include "phrases.h"
#include "search.h"
#include "sources.h"
#include "status.h"
#include "util.h"

#ifndef PKGDATADIR
#define PKGDATADIR "/usr/share/secours"
#endif
#ifndef SRCDATADIR
#define SRCDATADIR "./replies"
#endif

#define EXIT_USAGE	2

/*
 * libotr 4.1.1 reassembles fragments into one buffer whose size can overflow
 * on 64-bit hosts past 4 GiB (CVE-2016-2851); a cap on the address space
 * turns that into a failed allocation. Sanitizers reserve terabytes of
 * virtual memory, so the cap is left out of those builds.
 */
#define AS_LIMIT	(2UL * 1024 * 1024 * 1024)

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define HAVE_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define HAVE_SANITIZER 1
#endif
#endif

enum mode {
	MODE_RUN,
	MODE_CHECK,
	MODE_FINGERPRINT,
	MODE_ASK,
	MODE_CONSOLE,
	MODE_STATUS,
};

enum {
	OPT_CHECK = 256,
	OPT_FINGERPRINT,
	OPT_ASK,
	OPT_CONSOLE,
	OPT_LANG,
	OPT_EXPLAIN,
	OPT_GUIDE,
	OPT_ALLOW_ROOT,
	OPT_DATADIR,
	OPT_STATUS,
};

static const struct option long_options[] = {
	{ "config",		required_argument,	NULL, 'c' },
	{ "check",		no_argument,		NULL, OPT_CHECK },
	{ "fingerprint",	no_argument,		NULL, OPT_FINGERPRINT },
	{ "ask",		required_argument,	NULL, OPT_ASK },
	{ "console",		no_argument,		NULL, OPT_CONSOLE },
	{ "lang",		required_argument,	NULL, OPT_LANG },
	{ "explain",		no_argument,		NULL, OPT_EXPLAIN },
	{ "guide",		required_argument,	NULL, OPT_GUIDE },
	{ "allow-root",		no_argument,		NULL, OPT_ALLOW_ROOT },
	{ "datadir",		required_argument,	NULL, OPT_DATADIR },
	{ "status",		no_argument,		NULL, OPT_STATUS },
	{ "verbose",		no_argument,		NULL, 'v' },
	{ "help",		no_argument,		NULL, 'h' },
	{ "version",		no_argument,		NULL, 'V' },
	{ NULL,			0,			NULL, 0 },
};

static const char usage_text[] =
"Usage: secours -c FILE [--allow-root] [-v...]\n"
"       secours -c FILE --check\n"
"       secours -c FILE --fingerprint\n"
"       secours -c FILE --status\n"
"       secours --ask QUESTION [--lang xx] [--explain] [-c FILE | --guide DIR...]\n"
"       secours --console [--lang xx] [--explain] [-c FILE | --guide DIR...]\n"
"\n"
"A help desk bot for XMPP that talks only inside OTR, answers from a guide\n"
"and hands people on to the helper on duty.\n"
"\n"
"Modes:\n"
"  -c, --config FILE   run the bot in the foreground with this configuration\n"
"      --check         check the configuration: print 'configuration OK', or\n"
"                      every problem as FILE:LINE:COL: message (exit 1)\n"
"      --fingerprint   print the bot's OTR fingerprint and an xmpp: URI for a\n"
"                      QR code, creating the key if there is none\n"
"      --status        print the running bot's state: online, conversations,\n"
"                      open requests, helpers on duty (exit 1 if not running)\n"
"      --ask QUESTION  print the answer the bot would send to QUESTION\n"
"      --console       the same for each line of standard input, keeping the\n"
"                      conversation (MORE, topic numbers, language)\n"
"\n"
"Options:\n"
"      --lang xx       answer in this language instead of detecting it\n"
"      --explain       also show why a section was chosen (scores, and the\n"
"                      guide's asks each matched: console only)\n"
"      --guide DIR     read guide pages from DIR (repeatable); without it and\n"
"                      without -c: the data directory's pages\n"
"      --datadir DIR   the bot's own data: DIR/phrases/ (its sentences) and\n"
"                      DIR/lexicon.txt, whatever the guide; default:\n"
"                      $SECOURS_DATADIR, else " PKGDATADIR "/replies,\n"
"                      else the source tree's replies/ (not installed)\n"
"      --allow-root    let the bot run as root (tests only; offline modes\n"
"                      never need it)\n"
"  -v, --verbose       log more: once for debug above the configured level\n"
"  -h, --help          show this help\n"
"  -V, --version       show the version\n"
"\n"
"Exit status: 0 success, 1 error (configuration, start-up), 2 bad usage.\n";

static void __attribute__((noreturn, format(printf, 1, 2)))
usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("secours: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'secours --help' for more information.\n", stderr);
	exit(EXIT_USAGE);
}

static void
set_mode(enum mode *mode, int *mode_set, enum mode m)
{
	if (*mode_set && *mode != m)
		usage_error("--check, --fingerprint, --status, --ask and "
		    "--console cannot be combined");
	*mode = m;
	*mode_set = 1;
}

static int
lang_valid(const char *s)
{
	size_t len = strlen(s);

	if (len < 2 || len > 3)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z')))
			return 0;
	return 1;
}

static enum log_level
level_raise(int level, int verbose)
{
	level += verbose;
	return level > LOGL_DEBUG ? LOGL_DEBUG : (enum log_level)level;
}

static void
limit_address_space(void)
{
#ifndef HAVE_SANITIZER
	struct rlimit rl;

	if (getrlimit(RLIMIT_AS, &rl) == -1) {
		log_warn("getrlimit");
		return;
	}
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur <= AS_LIMIT)
		return;
	rl.rlim_cur = AS_LIMIT;
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < rl.rlim_cur)
		rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_AS, &rl) == -1)
		log_warn("setrlimit(RLIMIT_AS)");
#endif
}

/* Loads FILE, printing every problem; 0 or -1. */
static int
load(const char *path, struct config *cfg)
{
	if (config_load(path, cfg, stderr) != 0)
		return -1;
	return 0;
}

/* The languages' words from the data directory: the daemon cannot start
 * without them. 0 or -1 (logged). */
static int
languages_load(const char *data_dir)
{
	if (lang_load_dir(data_dir) == -1) {
		log_error("cannot start without the languages' words; set the "
		    "data directory with --datadir or SECOURS_DATADIR");
		return -1;
	}
	return 0;
}

/* --check: the file, then what the daemon loads at its start (the guide,
 * phrases, languages), through the same functions, so that it fails where
 * the start would. The guide's summary and warnings go to standard error. */
static int
run_check(const char *path, int verbose, const char *data_dir)
{
	struct config cfg;
	struct guide *g = NULL;
	struct phrases *p = NULL;
	struct lexicon *lx = NULL;
	struct search *s = NULL;
	int rc = 1;

	if (load(path, &cfg) == -1)
		goto out;
	cfg.guide.data_dir = data_dir;
	(void)log_init(level_raise(LOGL_INFO, verbose), NULL);
	if (languages_load(data_dir) == -1)
		goto out;
	if (sources_load(&cfg, &g, &p, &lx, &s) == -1)
		goto out;
	printf("configuration OK\n");
	rc = 0;
	search_free(s);
	guide_free(g);
	phrases_free(p);
	lexicon_free(lx);
out:
	config_release(&cfg);
	return rc;
}

static int
run_fingerprint(const char *path, int verbose)
{
	char fp[OTR_FP_HUMAN_LEN], hex[FPR_HEX_LEN];
	struct config cfg;
	int rc = 1;

	if (load(path, &cfg) == -1)
		goto out;
	if (log_init(level_raise(LOGL_INFO, verbose), NULL) == -1)
		goto out;
	umask(077);
	if (otr_fingerprint_only(&cfg, fp) == -1)
		goto out;
	if (fpr_norm_hex(fp, hex) == -1)
		goto out;
	printf("%s\n", fp);
	printf("xmpp:%s?otr-fingerprint=%s\n", cfg.account.jid, hex);
	rc = 0;
out:
	config_release(&cfg);
	return rc;
}

/* --status: what the running bot last wrote in its state directory. */
static int
run_status(const char *path)
{
	struct config cfg;
	int rc = 1;

	/* No password: --status reads a file, it does not log in. */
	if (config_load_opts(path, &cfg, stderr, CONFIG_NO_PASSWORD) == 0)
		rc = status_print(cfg.state_dir, time(NULL), stdout, stderr);
	config_release(&cfg);
	return rc;
}

static int
dir_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Where the bot's own data (phrases/, lexicon.txt) is: --datadir, else
 * $SECOURS_DATADIR, else the installed copy, else the source tree's
 * replies/ (a build that was never installed). Borrowed. */
static const char *
data_dir_find(const char *flag)
{
	const char *env = getenv("SECOURS_DATADIR");

	if (flag != NULL)
		return flag;
	if (env != NULL && env[0] != '\0')
		return env;
	if (dir_exists(PKGDATADIR "/replies/phrases"))
		return PKGDATADIR "/replies";
	return SRCDATADIR;
}

/* --ask and --console: the guide from -c, from --guide, or the data
 * directory's pages. */
static int
run_console(enum mode mode, const char *path, char **guides, size_t nguides,
    const char *question, const struct console_opts *o, int verbose,
    const char *data_dir)
{
	struct config cfg;
	int rc;

	if (path != NULL) {
		if (load(path, &cfg) == -1) {
			config_release(&cfg);
			return 1;
		}
	} else {
		config_init(&cfg);
		if (nguides > 0) {
			cfg.guide.paths = xcalloc(nguides, sizeof(char *));
			for (size_t i = 0; i < nguides; i++)
				cfg.guide.paths[i] = xstrdup(guides[i]);
			cfg.guide.npaths = nguides;
		} else {
			cfg.guide.paths = xcalloc(1, sizeof(char *));
			cfg.guide.paths[0] = xstrdup(data_dir);
			cfg.guide.npaths = 1;
		}
	}
	cfg.guide.data_dir = data_dir;
	(void)log_init(level_raise(LOGL_WARN, verbose), NULL);
	if (mode == MODE_ASK)
		rc = console_ask(&cfg, o, question, stdout);
	else
		rc = console_run(&cfg, o, stdin, stdout);
	fflush(stdout);
	config_release(&cfg);
	return rc;
}

static int
run_daemon(const char *path, int allow_root, int verbose,
    const char *data_dir)
{
	struct config cfg;
	int rc;

	if (load(path, &cfg) == -1) {
		config_release(&cfg);
		return 1;
	}
	cfg.guide.data_dir = data_dir;
	if (geteuid() == 0 && !allow_root) {
		fprintf(stderr, "secours: refusing to run as root; run it as "
		    "its own user (e.g. secours), or pass --allow-root\n");
		config_release(&cfg);
		return 1;
	}
	if (log_init(level_raise(cfg.log.level, verbose), cfg.log.file) == -1) {
		fprintf(stderr, "secours: cannot open log file %s: %s\n",
		    cfg.log.file, strerror(errno));
		config_release(&cfg);
		return 1;
	}
	log_set_peer_privacy(NULL, 0, cfg.log.show_jids);
	umask(077);
	limit_address_space();
	signal(SIGPIPE, SIG_IGN);
	log_info("%s starting as %s", PACKAGE_STRING,
	    log_vis(cfg.account.jid));
	if (languages_load(data_dir) == -1)
		rc = 1;
	else
		rc = daemon_run(&cfg);
	log_info("%s stopped", PACKAGE_NAME);
	config_release(&cfg);
	log_close();
	return rc;
}

int
main(int argc, char *argv[])
{
	struct console_opts copts = { NULL, 0 };
	enum mode mode = MODE_RUN;
	const char *path = NULL, *question = NULL, *datadir = NULL;
	char **guides = NULL;
	size_t nguides = 0;
	int ch, mode_set = 0, allow_root = 0, verbose = 0, rc;

	while ((ch = getopt_long(argc, argv, "c:vhV", long_options, NULL))
	    != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		case OPT_CHECK:
			set_mode(&mode, &mode_set, MODE_CHECK);
			break;
		case OPT_FINGERPRINT:
			set_mode(&mode, &mode_set, MODE_FINGERPRINT);
			break;
		case OPT_ASK:
			set_mode(&mode, &mode_set, MODE_ASK);
			question = optarg;
			break;
		case OPT_CONSOLE:
			set_mode(&mode, &mode_set, MODE_CONSOLE);
			break;
		case OPT_STATUS:
			set_mode(&mode, &mode_set, MODE_STATUS);
			break;
		case OPT_LANG:
			if (!lang_valid(optarg))
				usage_error("--lang wants a language code such "
				    "as en or fr, not '%s'", optarg);
			copts.lang = optarg;
			break;
		case OPT_EXPLAIN:
			copts.explain = 1;
			break;
		case OPT_GUIDE:
			guides = xrealloc(guides,
			    (nguides + 1) * sizeof(*guides));
			guides[nguides++] = optarg;
			break;
		case OPT_ALLOW_ROOT:
			allow_root = 1;
			break;
		case OPT_DATADIR:
			datadir = optarg;
			break;
		case 'v':
			verbose++;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		case 'V':
			printf("%s\n", PACKAGE_STRING);
			return 0;
		default:
			fputs("Try 'secours --help' for more information.\n",
			    stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc)
		usage_error("unexpected argument '%s'", argv[optind]);

	if (mode != MODE_ASK && mode != MODE_CONSOLE) {
		if (copts.lang != NULL || copts.explain || nguides > 0)
			usage_error("--lang, --explain and --guide go with --ask "
			    "or --console");
		if (path == NULL)
			usage_error("-c FILE is required");
	} else if (path != NULL && nguides > 0)
		usage_error("use either -c FILE or --guide DIR, not both");

	switch (mode) {
	case MODE_CHECK:
		rc = run_check(path, verbose, data_dir_find(datadir));
		break;
	case MODE_FINGERPRINT:
		rc = run_fingerprint(path, verbose);
		break;
	case MODE_STATUS:
		rc = run_status(path);
		break;
	case MODE_ASK:
	case MODE_CONSOLE:
		rc = run_console(mode, path, guides, nguides, question, &copts,
		    verbose, data_dir_find(datadir));
		break;
	default:
		rc = run_daemon(path, allow_root, verbose,
		    data_dir_find(datadir));
		break;
	}
	lang_unload();
	free(guides);
	return rc;
}
