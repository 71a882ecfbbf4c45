/*
 * console: --ask and --console, the conversation engine on a terminal. The
 * session is taken as encrypted and unverified. The escalation machine is
 * the real one, on a throwaway store, with every helper of the rota taken
 * as online: what the person reads (the danger reply's line on the desk,
 * HUMAN, consent) is what the bot says; helpers' messages are not shown.
 */
#include "ac-config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bot.h"
#include "config.h"
#include "console.h"
#include "duty.h"
#include "escalate.h"
#include "guide.h"
#include "lang.h"
#include "lexicon.h"
#include "log.h"
#include "phrases.h"
#include "search.h"
#include "store.h"
#include "util.h"

#define CONSOLE_PEER		"console"
#define CONSOLE_LINE_MAX	4096
#define CONSOLE_SEPARATOR	"---"

struct console {
	struct guide	*g;
	struct search	*s;
	struct phrases	*p;
	struct lexicon	*lx;
	struct bot	*b;
	struct store	*st;	/* in dir, removed at the end */
	struct duty	*du;
	struct escalate	*esc;
	char		 dir[64];
	int		 nmsg;	/* messages printed in this turn */
	int		 explain;
};

/* Removes the throwaway state directory and its files. */
static void
console_rmdir(const char *dir)
{
	DIR *d;
	struct dirent *e;
	char path[512];

	if (dir[0] == '\0' || (d = opendir(dir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0 &&
		    util_snprintf(path, sizeof(path), "%s/%s", dir,
		    e->d_name) != -1)
			(void)unlink(path);
	closedir(d);
	(void)rmdir(dir);
}

/* Every helper is taken as online with the pinned key: the console shows
 * what the bot says while the rota's helpers are there. */
static int
console_reach(void *ud, const char *bare)
{
	(void)ud;
	(void)bare;
	return ESC_SECURE;
}

/*
 * The escalation machine the daemon builds (escalate.c, the rota of cfg),
 * on a store in a new temporary directory: one path for what the person
 * reads. NULL (and a warning) if the store cannot be made: then the
 * bot's replies without escalation.
 */
static struct escalate *
console_escalation(struct console *c, const struct config *cfg)
{
	const char *tmp = getenv("TMPDIR");
	struct esc_env env;

	if (tmp == NULL || tmp[0] == '\0')
		tmp = "/tmp";
	if (util_snprintf(c->dir, sizeof(c->dir), "%s/secours-console.XXXXXX",
	    tmp) == -1 || mkdtemp(c->dir) == NULL ||
	    (c->st = store_open(c->dir)) == NULL ||
	    (c->du = duty_new(cfg)) == NULL) {
		fprintf(stderr, "secours: no temporary store for the console: "
		    "HUMAN and the desk's lines are not shown as the bot says "
		    "them\n");
		return NULL;
	}
	memset(&env, 0, sizeof(env));
	env.reach = console_reach;
	return escalate_new(cfg, c->st, c->du, &env);
}

static void
console_release(struct console *c)
{
	bot_free(c->b);
	escalate_free(c->esc);
	store_close(c->st);
	duty_free(c->du);
	console_rmdir(c->dir);
	search_free(c->s);
	guide_free(c->g);
	phrases_free(c->p);
	lexicon_free(c->lx);
}

/* Loads the guide from every guide path, and the bot's own data (phrases,
 * lexicon) from the data directory whatever the guide. Returns 0 or -1. */
static int
console_init(struct console *c, const struct config *cfg,
    const struct console_opts *o)
{
	const char *dl = cfg->guide.default_language;
	int rc = 0;

	memset(c, 0, sizeof(*c));
	/* Every problem at once: the languages, the guide, the phrases. */
	if (lang_load_dir(cfg->guide.data_dir) == -1) {
		fprintf(stderr, "secours: %s: the languages' words are missing "
		    "or incomplete (see above); --datadir or SECOURS_DATADIR "
		    "names the directory that holds lang/\n",
		    cfg->guide.data_dir ? cfg->guide.data_dir : "(none)");
		rc = -1;
	}
	c->g = guide_new();
	c->p = phrases_new();
	c->lx = lexicon_new();
	for (size_t i = 0; i < cfg->guide.npaths; i++) {
		if (guide_load_dir(c->g, cfg->guide.paths[i], dl) < 0) {
			fprintf(stderr, "secours: %s: cannot read the guide "
			    "directory\n", cfg->guide.paths[i]);
			rc = -1;
		}
	}
	if (phrases_load_required(c->p, cfg->guide.data_dir) == -1) {
		fprintf(stderr, "secours: %s: the bot's own phrases are missing "
		    "or incomplete (see above); --datadir or SECOURS_DATADIR "
		    "names the directory that holds phrases/\n",
		    cfg->guide.data_dir ? cfg->guide.data_dir : "(none)");
		rc = -1;
	}
	(void)lexicon_load_dir(c->lx, cfg->guide.data_dir);
	c->s = search_new_lex(c->g, c->lx);
	(void)search_set_default_lang(c->s, dl);
	if (rc == 0)
		c->esc = console_escalation(c, cfg);
	c->b = bot_new(cfg, c->g, c->s, c->p, c->esc, NULL);
	if (o != NULL) {
		bot_set_explain(c->b, o->explain);
		c->explain = o->explain;
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
		if (a->v[i].type != BOT_SAY || a->v[i].text == NULL ||
		    a->v[i].peer == NULL ||
		    strcmp(a->v[i].peer, CONSOLE_PEER) != 0)
			continue;
		if (c->nmsg++ > 0)
			fprintf(out, "%s\n", CONSOLE_SEPARATOR);
		fprintf(out, "%s\n", a->v[i].text);
	}
	bot_actions_clear(a);
}

/*
 * --explain, for the guide's admins: which of its asks (guide.h: the
 * questions a section says it answers) each numbered hit matched best,
 * and which not-ask (a question its page says it does not answer), if
 * any, kept the hit's page from answering.
 * Printed here, on the console alone: asks are index data, and the bot
 * never puts them in what it says (its explain lines go out like any
 * message; these do not go through it).
 */
static void
console_asks(struct console *c, FILE *out)
{
	const struct search_hit *h;
	size_t n = bot_explain_hits(c->b, &h), len;
	int head = 0, page;

	for (size_t i = 0; i < n; i++) {
		const char *a = search_hit_ask(c->s, &h[i], &len, &page);

		if (a == NULL)
			continue;
		if (!head++)
			fprintf(out, "Asks matched (console only, never "
			    "sent):\n");
		fprintf(out, "%zu) %.2f %.*s%s\n", i + 1, h[i].ask, (int)len, a,
		    page ? " (the page's)" : "");
	}
	/* The not-ask (guide.h) that kept a hit's page from answering,
	 * once a page. */
	for (size_t i = 0, head2 = 0, k; i < n; i++) {
		const char *a = search_hit_notask(c->s, &h[i], &len);

		for (k = 0; k < i && h[k].page != h[i].page; k++)
			;
		if (a == NULL || k < i)
			continue;
		if (!head2++)
			fprintf(out, "Not-asks that refused a page (console "
			    "only, never sent):\n");
		fprintf(out, "%zu) %.2f %.*s (its best ask %.2f)\n", i + 1,
		    h[i].notask, (int)len, a, h[i].page_ask);
	}
}

/* What the page prior did to the decision (search_prior_effect()). */
static const char *const prior_effects[] = {
	[SEARCH_PRIOR_NONE] = NULL,
	[SEARCH_PRIOR_KEPT] = "prior kept the first hit",
	[SEARCH_PRIOR_MOVED] = "prior put another hit first",
	[SEARCH_PRIOR_VETOED] = "prior vetoed: choices",
	[SEARCH_PRIOR_DOUBTED] = "prior doubted the first hit's page: "
	    "choices",
	[SEARCH_PRIOR_VOUCHED] = "prior vouched for the first hit's page: "
	    "an answer",
};

/*
 * --explain: each numbered hit's page probability in the page prior
 * (search.h: search_hit.page_p, read from the pages' asks), what the
 * prior did to the decision, and whether it vouched for the first hit's
 * page (search_decide_why(): a lower bar, the subject test waived when
 * the hit is off it) or doubted it (a higher bar), or hesitated while the
 * asks picked the page (no higher bar), each with whether the outcome
 * would be the same without the prior. On the console alone, as the asks
 * are.
 */
static void
console_prior(struct console *c, FILE *out)
{
	const struct search_hit *h;
	struct search_decision d;
	size_t n = bot_explain_hits(c->b, &h);
	enum search_prior e = search_prior_effect(h, n,
	    bot_min_score(c->b));
	int same;

	if (n == 0 || prior_effects[e] == NULL)
		return;
	fprintf(out, "Page prior (console only, never sent):\n");
	for (size_t i = 0; i < n; i++) {
		if (h[i].page_p < 0)
			fprintf(out, "%zu) its page has no asks: neutral\n",
			    i + 1);
		else
			fprintf(out, "%zu) p(page) %.2f, the best other page "
			    "%.2f\n", i + 1, h[i].page_p, h[i].page_rival);
	}
	fprintf(out, "%s\n", prior_effects[e]);
	(void)search_decide_why(h, n, bot_min_score(c->b), &d);
	/* Say what the prior's part changed, not what it could: a tester
	 * read "waived" as the cause of answers that stand without it
	 * (s19-fixdec). */
	same = e == SEARCH_PRIOR_KEPT || e == SEARCH_PRIOR_MOVED;
	if (d.vouched)
		fprintf(out, "the page prior is sure of this page: a lower bar "
		    "(%.2f)%s%s\n", d.bar, h[0].off_subject ? ", the subject "
		    "test waived" : "", same ? "; the outcome is the same "
		    "without it" : "");
	else if (d.doubted)
		fprintf(out, "the page prior doubts this page: a higher bar "
		    "(%.2f)%s\n", d.bar, same && d.outcome == SEARCH_ANSWER ?
		    "; the answer clears it" : "");
	else if (d.picked)
		fprintf(out, "the page prior hesitates, but this page's asks "
		    "read most like the question: no higher bar (%.2f)%s\n",
		    d.bar, same ? "; the outcome is the same without it" :
		    "");
}

/* --explain: an answer given because the first hit's own ask reads
 * exactly like the question (search_decide_why(): exact), whatever the
 * bar and the page prior; or because, on a page without asks that would
 * be offered, the first section stands out from the page's others
 * (clear), whatever the bar and its heading, or stands out among the
 * page's parts (sectioned); on the console alone. */
static void
console_exact(struct console *c, FILE *out)
{
	const struct search_hit *h;
	struct search_decision d;
	size_t n = bot_explain_hits(c->b, &h);

	if (n == 0)
		return;
	(void)search_decide_why(h, n, bot_min_score(c->b), &d);
	if (d.exact && d.outcome == SEARCH_ANSWER)
		fprintf(out, "Why an answer (console only, never sent):\n"
		    "one of the first section's asks reads exactly like the "
		    "question: it answers whatever the bar and the page "
		    "prior\n");
	else if (d.clear && d.outcome == SEARCH_ANSWER)
		fprintf(out, "Why an answer (console only, never sent):\n"
		    "its page has no asks and would be offered, and the first "
		    "section stands out from the page's other sections: it "
		    "answers whatever the bar and its heading\n");
	else if (d.sectioned && d.outcome == SEARCH_ANSWER)
		fprintf(out, "Why an answer (console only, never sent):\n"
		    "its page has no asks and would be offered, and the first "
		    "section stands out among the page's parts (a branch, "
		    "\"If ...\", or it covers much more of the question): "
		    "that part rather than \"which part?\"\n");
}

/* --explain: why the bot offered a page's sections ("this page, which
 * part?": search.h, SEARCH_PAGE), on the console alone. */
static void
console_page(struct console *c, FILE *out)
{
	const struct search_hit *h;
	size_t n = bot_explain_hits(c->b, &h);
	char why[512];

	if (n > 0 && search_page_why(h, n, bot_min_score(c->b), why,
	    sizeof(why)))
		fprintf(out, "Why a page (console only, never sent):\n%s\n",
		    why);
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
	if (c->explain) {
		console_asks(c, out);
		console_prior(c, out);
		console_exact(c, out);
		console_page(c, out);
	}
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
	console_turn(&c, question, time(NULL), &a, out);
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
	time_t now = time(NULL);

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
