/*
 * config: the YAML configuration file, parsed and validated into a plain
 * struct config. Besides guide.c (page front matter), only this module
 * includes <yaml.h>.
 *
 * Invariants: a struct config returned by config_load() with 0 errors is fully
 * valid (every required key present, every value in range, tls disabled only
 * for a loopback host, every shift naming a configured helper). Errors are
 * printed as "FILE:LINE:COL: message" (FILE as given, LINE/COL from 1), all of
 * them, not only the first. Unknown keys are errors.
 *
 * struct config is a plain value type: the one struct in the project whose
 * fields are public, because every module reads its own part of it.
 */
#ifndef SECOURS_CONFIG_H
#define SECOURS_CONFIG_H

#include <stddef.h>
#include <stdio.h>

#include "fpr.h"

enum config_tls {
	CONFIG_TLS_REQUIRED = 0,
	CONFIG_TLS_DISABLED,
};

enum config_escalation_mode {
	CONFIG_ESC_RELAY = 0,
	CONFIG_ESC_HANDOFF,
};

#define CONFIG_FP_LEN FPR_LEN	/* raw bytes of a pin (fpr.h) */

struct config_helper {
	char		 *jid;		/* bare, lower-cased */
	char		 *name;		/* shown to people; defaults to the node */
	char		**languages;	/* 2-letter codes */
	size_t		  nlanguages;
	unsigned char	(*fingerprints)[CONFIG_FP_LEN];
	size_t		  nfingerprints;
};

/* A text given per language ({fr: ..., en: ...}). */
struct config_texts {
	char		**langs;	/* 2-letter codes, lower case */
	char		**texts;
	size_t		  n;
};

struct config_shift {
	char		*helper;	/* bare JID, one of config.helpers */
	unsigned	 days;		/* bit 0 = Monday ... bit 6 = Sunday */
	int		 from_min;	/* minutes after local midnight */
	int		 to_min;	/* to_min <= from_min: crosses midnight */
};

struct config {
	char	*path;			/* as given on the command line */

	struct {
		char		*jid;		/* bare JID of the bot */
		char		*password;	/* from password: or password_file: */
		char		*resource;
		char		*host;		/* NULL: resolve the JID's domain */
		int		 port;		/* 0: 5222, or the SRV records' */
		enum config_tls	 tls;
		char		*ca_file;	/* NULL: system CAs */
		char		*status;	/* presence status text */
	} account;

	char	*state_dir;		/* keys, fingerprints, instags, store */

	struct {
		char	**paths;
		size_t	  npaths;
		char	 *default_language;
		char	 *base_url;		/* NULL: no page URLs in replies */
		size_t	  max_reply_chars;
		double	  min_score;		/* below: "no good answer"; 0:
					   the guide's, search_min_score() */
		const char *data_dir;		/* phrases/ and lexicon.txt: set by
						   main (--datadir...), not from
						   the file; borrowed */
	} guide;

	struct {
		int	 level;		/* enum log_level */
		char	*file;		/* NULL: standard error */
		int	 show_jids;	/* 0: keyed hashes */
	} log;

	struct {
		long	 refusal_cooldown;	/* seconds */
		int	 remember_people;
		char	*smp_question;		/* NULL: VERIFY is unavailable;
						   given per language: the
						   default language's */
		struct config_texts smp_questions;	/* per language */
		char	*smp_secret;
		int	 narrate;		/* trainer narration */
		long	 idle_timeout;		/* seconds */
		int	 smp_max_attempts;	/* per person per hour */
	} otr;

	struct {
		size_t	 max_body;		/* bytes before OTR */
		size_t	 max_text;		/* decrypted chars kept */
		int	 max_per_minute;	/* stanzas per bare JID */
		size_t	 max_sessions;		/* live people */
		int	 otr_threads;		/* OTR worker threads; 0 none */
		int	 otr_userstates;	/* libotr user states, per
						   engine (contexts by JID) */
		size_t	 max_queue;		/* open cases */
		int	 max_fragments;		/* per pending OTR message */
	} limits;

	struct config_helper	*helpers;
	size_t			 nhelpers;

	struct {
		char			 *timezone;
		struct config_shift	 *shifts;
		size_t			  nshifts;
		char			**fallback;	/* bare JIDs */
		size_t			  nfallback;
	} duty;

	struct {
		enum config_escalation_mode	 mode;
		long				 ack_timeout;	/* seconds */
		long				 retention;	/* seconds */
	} escalation;
};

/* Sets every default: the key table's in config.c, the only place a default
 * is written (secours.yaml(5) lists them); no allocation. */
void config_init(struct config *cfg);
/* Parses and validates path into cfg (initialised first). Prints every
 * problem to errs as "FILE:LINE:COL: message". Returns the number of
 * problems; cfg must be released either way. */
int config_load(const char *path, struct config *cfg, FILE *errs);
void config_release(struct config *cfg);

#define CONFIG_NO_PASSWORD	0x1	/* config_load_opts(): see there */
/* config_load() with flags: CONFIG_NO_PASSWORD leaves password_file unread
 * and account.password NULL when it is the source (modes that never log in,
 * such as --status). */
int config_load_opts(const char *path, struct config *cfg, FILE *errs,
    int flags);

/* Finds a configured helper by bare JID (case-insensitive). Borrowed. */
const struct config_helper *config_helper_find(const struct config *cfg,
    const char *bare_jid);

/* The SMP question in lang: its own, else the default one; NULL when
 * none is configured. Borrowed. */
const char *config_smp_question(const struct config *cfg, const char *lang);
/* Writes every key the parser knows, one per line: path, type, default,
 * range, required or optional (tab-separated). For the man page. */
void config_dump_keys(FILE *out);
/* The same with cfg's values in the third column (lists and required keys:
 * "-"). For tests that compare a file with the defaults. */
void config_dump(const struct config *cfg, FILE *out);

#endif
