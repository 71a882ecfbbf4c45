/* test_intent: danger-now and plea detection (intent.c) with the shipped
 * phrase data; then the held-out set tests/fixtures/questions-danger.tsv:
 * the detector must say "danger" exactly on its !danger lines. */
#include "ac-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intent.h"
#include "lang.h"
#include "phrases.h"
#include "tap.h"
#include "util.h"

static const struct {
	const char	*text;
	int		 danger;
	int		 plea;
} cases[] = {
	{ "I'm being followed", 1, 0 },
	{ "they are at my door", 1, 0 },
	{ "they are arresting my brother right now", 1, 0 },
	{ "Je suis suivie", 1, 0 },
	{ "la police est devant chez moi", 1, 0 },
	{ "Me están siguiendo", 1, 0 },
	{ "se llevaron a mi hermano hace una hora", 1, 0 },
	{ "what should I do if I get arrested someday?", 0, 0 },
	{ "que faire si je suis suivie un jour ?", 0, 0 },
	{ "¿qué hago si me siguen algún día?", 0, 0 },
	{ "my friend was arrested last year, what about her accounts", 0, 0 },
	{ "how do I verify a fingerprint", 0, 0 },
	{ "hello, I need help", 0, 1 },
	{ "Hi! Can you help me please?", 0, 1 },
	{ "bonjour, j'ai besoin d'aide", 0, 1 },
	{ "necesito ayuda", 0, 1 },
	{ "hello, I need help with my hacked account", 0, 0 },
	{ "", 0, 0 },
};

static void
test_cases(const struct intent *in)
{
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		char name[160];

		(void)util_snprintf(name, sizeof(name), "danger %d: %s",
		    cases[i].danger, cases[i].text);
		CHECK_INT(cases[i].danger, intent_danger(in, cases[i].text,
		    NULL), name);
		(void)util_snprintf(name, sizeof(name), "plea %d: %s",
		    cases[i].plea, cases[i].text);
		CHECK_INT(cases[i].plea, intent_plea(in, cases[i].text, NULL),
		    name);
	}
	CHECK_INT(0, intent_danger(NULL, "they are at my door", NULL),
	    "no data: no alarm");
}

/* lang TAB question TAB expected; '#' comments. Every line is a check. */
static void
test_heldout(const struct intent *in, const char *path)
{
	FILE *f = fopen(path, "r");
	char line[2048];
	int n = 0, tp = 0, fn = 0, fp = 0, tn = 0;

	if (f == NULL) {
		CHECK(0, "held-out danger set readable");
		return;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		char *q, *want, *nl;
		int is_danger, said;
		char name[2200];

		if (line[0] == '#' || line[0] == '\n')
			continue;
		if ((nl = strchr(line, '\n')) != NULL)
			*nl = '\0';
		if ((q = strchr(line, '\t')) == NULL ||
		    (want = strchr(q + 1, '\t')) == NULL)
			continue;
		*want++ = '\0';
		q++;
		is_danger = strcmp(want, "!danger") == 0;
		said = intent_danger(in, q, NULL);
		n++;
		if (is_danger && said)
			tp++;
		else if (is_danger)
			fn++;
		else if (said)
			fp++;
		else
			tn++;
		(void)util_snprintf(name, sizeof(name), "held-out %s %s: %s",
		    line, is_danger ? "danger" : "not danger", q);
		CHECK_INT(is_danger, said, name);
	}
	fclose(f);
	printf("# held-out danger set: %d lines; danger found %d of %d, "
	    "missed %d; false alarms %d of %d\n", n, tp, tp + fn, fn, fp,
	    fp + tn);
	CHECK(n >= 20, "held-out danger set has lines");
}

int
main(void)
{
	const char *top = getenv("TOP_SRCDIR");
	struct phrases *p = phrases_new();
	struct intent *in;
	char path[4096];

	/* The languages' words (stopwords, commands) from the source tree. */
	if (lang_load_dir(SRCDATADIR) == -1)
		return 1;
	if (top == NULL)
		top = ".";
	(void)util_snprintf(path, sizeof(path), "%s/replies", top);
	CHECK(phrases_load_dir(p, path) > 0, "shipped phrases load");
	in = intent_new(p);
	phrases_free(p);
	test_cases(in);
	(void)util_snprintf(path, sizeof(path),
	    "%s/tests/fixtures/questions-danger.tsv", top);
	test_heldout(in, path);
	intent_free(in);
	return TAP_DONE();
}
