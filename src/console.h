/*
 * console: the offline modes. --ask prints exactly what the bot would send for
 * one question; --console does the same for each line of standard input,
 * keeping conversation state (MORE, TOPICS, numbers, language). The whole
 * conversation engine (bot.c) without XMPP or OTR: a session is taken as
 * encrypted and unverified, escalation is not reachable.
 */
#ifndef SECOURS_CONSOLE_H
#define SECOURS_CONSOLE_H

#include <stdio.h>

struct config;

struct console_opts {
	const char	*lang;		/* --lang xx, or NULL: detect */
	int		 explain;	/* --explain */
};

/* Loads cfg's guide and phrases (cfg->guide.paths; the caller fills them
 * from -c FILE or --guide DIR...). Returns an exit status. */
int console_ask(const struct config *cfg, const struct console_opts *o,
    const char *question, FILE *out);
int console_run(const struct config *cfg, const struct console_opts *o,
    FILE *in, FILE *out);

#endif
