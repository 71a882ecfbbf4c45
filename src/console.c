/*
 * console: --ask and --console, the conversation engine on a terminal. The
 * session is taken as encrypted and unverified; escalation is unreachable.
 */
#include "ac-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bot.h"
#include "config.h"
#include "console.h"
#include "guide.h"
#include "log.h"
#include "phrases.h"
#include "search.h"
#include "util.h"

#define CONSOLE_PEER		"console"
#define CONSOLE_LINE_MAX	4096
#define CONSOLE_SEPARATOR	"---"

struct console {
	struct guide	*g;
	struct search	*s;
	struct phrases	*p;
	struct bot	*b;
	int		 nmsg;	/* messages printed in this turn */
};

static void
console_release(struct console *c)
{
	bot_free(c->b);
	search_free(c->s);
	guide_free(c->g);
	phrases_free(c->p);
}

/* Loads the guide and phrases from every guide path; phrases also from the
 * installed replies when the paths hold none. Returns 0 or -1. */
static int
console_init(struct console *c, const struct config *cfg,
    const struct console_opts *o)
{
	const char *dl = cfg->guide.default_language ?
	    cfg->guide.default_language : "en";
	int nphrases = 0, rc = 0;

	memset(c, 0, sizeof(*c));
	c->g = guide_new();
	c->p = phrases_new();
	for (size_t i = 0; i < cfg->guide.npaths; i++) {
		int n;

		if (guide_load_dir(c->g, cfg->guide.paths[i], dl) < 0) {
			fprintf(stderr, "secours: %s: cannot read the guide "
			    "directory\n", cfg->guide.paths[i]);
			rc = -1;
		}
		if ((n = phrases_load_dir(c->p, cfg->guide.paths[i])) > 0)
			nphrases += n;
	}
	if (nphrases == 0) {
		int n = phrases_load_dir(c->p, PKGDATADIR "/replies");

		if (n <= 0)
			fprintf(stderr, "secours: no phrase files found (looked "
			    "in the guide paths and %s/replies)\n", PKGDATADIR);
	}
	c->s = search_new(c->g);
	c->b = bot_new(cfg, c->g, c->s, c->p, NULL, NULL);
	if (o != NULL) {
		bot_set_explain(c->b, o->explain);
		if (o->lang != NULL)
			bot_set_lang(c->b, CONSOLE_PEER, o->lang);
	}
	return rc;
}

/* Prints what a person would read: every BOT_SAY, separated by a line. */
static void
console_print(struct console *c, struct bot_actions *a, FILE *out)
{
	for (size_t i = 0; i < a->n; i++) {
		if (a->v[i].type != BOT_SAY || a->v[i].text == NULL)
			continue;
		if (c->nmsg++ > 0)
			fprintf(out, "%s\n", CONSOLE_SEPARATOR);
		fprintf(out, "%s\n", a->v[i].text);
	}
	bot_actions_clear(a);
}

static void
console_turn(struct console *c, const char *text, time_t now,
    struct bot_actions *a, FILE *out)
{
	struct bot_facts f = {
		.encrypted = 1,
		.verified = 0,
		.pinned = 0,
		.their_fp = NULL,
		.our_fp = "(console)",
	};

	c->nmsg = 0;
	bot_text(c->b, CONSOLE_PEER, text, &f, now, a);
	console_print(c, a, out);
}

int
console_ask(const struct config *cfg, const struct console_opts *o,
    const char *question, FILE *out)
{
	struct console c;
	struct bot_actions a;

	if (console_init(&c, cfg, o) < 0) {
		console_release(&c);
		return 1;
	}
	bot_actions_init(&a);
	console_turn(&c, question, 0, &a, out);
	bot_actions_release(&a);
	console_release(&c);
	return fflush(out) == 0 ? 0 : 1;
}

int
console_run(const struct config *cfg, const struct console_opts *o,
    FILE *in, FILE *out)
{
	struct console c;
	struct bot_actions a;
	char line[CONSOLE_LINE_MAX];
	int echo = !isatty(fileno(in));
	time_t now = 0;

	if (console_init(&c, cfg, o) < 0) {
		console_release(&c);
		return 1;
	}
	bot_actions_init(&a);
	while (fgets(line, sizeof(line), in) != NULL) {
		size_t n = strlen(line);

		if (n > 0 && line[n - 1] != '\n' && !feof(in)) {
			int ch;
			/* Over-long line: the rest is dropped, as the
			 * daemon caps a message. */
			while ((ch = fgetc(in)) != EOF && ch != '\n')
				;
		}
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (n == 0)
			continue;
		if (echo)
			fprintf(out, "> %s\n", line);
		console_turn(&c, line, ++now, &a, out);
		fprintf(out, "\n");
		fflush(out);
	}
	bot_actions_release(&a);
	console_release(&c);
	return ferror(in) ? 1 : 0;
}
