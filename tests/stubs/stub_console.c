/* Stand-in for console_ask()/console_run() until src/console.c lands. */
#include "ac-config.h"

#include <stdio.h>

#include "console.h"

int
console_ask(const struct config *cfg, const struct console_opts *o,
    const char *question, FILE *out)
{
	(void)cfg;
	(void)o;
	(void)question;
	(void)out;
	fprintf(stderr, "secours: this build has no console yet\n");
	return 1;
}

int
console_run(const struct config *cfg, const struct console_opts *o,
    FILE *in, FILE *out)
{
	(void)in;
	return console_ask(cfg, o, NULL, out);
}
