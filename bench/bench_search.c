/*
 * bench_search: how long loading, indexing and one query take.
 *
 *   bench_search [-x lexicon.txt] dir...
 *
 * Loads every dir (replies/ and the DFAK corpus, say), reports load+index
 * time, then runs a fixed list of questions many times and reports the
 * median and 99th percentile of one query, and the peak RSS. Targets:
 * load+index < 50 ms, query median < 50 µs. With -x, the index has that
 * concept lexicon, as the bot's has its data dir's (the lexicon's
 * concepts are read in every question and at index time). Not part of
 * `make check`.
 */
#include "ac-config.h"

#include <sys/resource.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "guide.h"
#include "lang.h"
#include "lexicon.h"
#include "log.h"
#include "search.h"
#include "util.h"

#define ROUNDS 200

static const char *const questions[] = {
	"mon téléphone a été volé, que faire ?",
	"j'ai un virus sur mon ordinateur",
	"mon compte facebook a été piraté",
	"je ne peux plus me connecter à ma boîte mail",
	"comment vérifier que je parle bien à vous",
	"quelle application pour discuter en sécurité",
	"mon site web est attaqué",
	"la police a saisi mon ordinateur",
	"qui contacter pour avoir de l'aide",
	"comment chiffrer mes mails avec PGP",
	"telephone vole",
	"piratage compte",
	"my phone was stolen",
	"I think my computer has malware",
	"someone hacked my email account",
	"how do I verify the fingerprint",
	"which app should I use to chat securely",
	"my website is down, is it a DDoS?",
	"who can help me",
	"the police took my laptop",
	"how to use Signal",
	"is Tor safe",
	"me robaron el teléfono",
	"hackearon mi cuenta",
	"mi computadora tiene un virus",
	"cómo puedo comunicarme de forma segura",
	"recette de la tarte aux pommes",
	"what is the weather tomorrow",
	"aide",
	"help",
	"Bonjour, je voudrais savoir comment protéger mes communications "
	    "quand je suis en déplacement à l'étranger et que je pense être "
	    "surveillé par les autorités du pays",
	"antivirsu",
};

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double
cpu(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
	struct guide *g;
	struct lexicon *lx = NULL;
	struct search *s;
	struct search_hit hits[5];
	struct rusage ru;
	size_t nq = ARRAY_LEN(questions), i, r, k = 0;
	double t0, t1, t2, c0, c1, c2, *times;
	int a, ch;

	/* The languages' words (stopwords, commands) from the source tree. */
	if (lang_load_dir(SRCDATADIR) == -1)
		return 1;
	log_init(LOGL_ERROR, NULL);
	while ((ch = getopt(argc, argv, "x:")) != -1) {
		if (ch != 'x') {
			fprintf(stderr, "usage: bench_search [-x lexicon] "
			    "dir...\n");
			return 1;
		}
		if (lx == NULL)
			lx = lexicon_new();
		if (lexicon_load_file(lx, optarg) < 0) {
			fprintf(stderr, "bench_search: %s\n",
			    lexicon_error(lx));
			lexicon_free(lx);
			return 1;
		}
	}
	t0 = now();
	c0 = cpu();
	g = guide_new();
	for (a = optind; a < argc; a++)
		if (guide_load_dir(g, argv[a], "fr") < 0)
			fprintf(stderr, "bench_search: %s not loaded\n", argv[a]);
	t1 = now();
	c1 = cpu();
	s = lx != NULL ? search_new_lex(g, lx) : search_new(g);
	t2 = now();
	c2 = cpu();
	printf("pages %zu, sections %zu\n", guide_npages(g),
	    guide_nsections(g));
	printf("load %.1f ms + index %.1f ms = %.1f ms (CPU time: %.1f + "
	    "%.1f = %.1f ms)\n", (t1 - t0) * 1e3, (t2 - t1) * 1e3,
	    (t2 - t0) * 1e3, (c1 - c0) * 1e3, (c2 - c1) * 1e3,
	    (c2 - c0) * 1e3);
	times = xcalloc(nq * ROUNDS, sizeof(*times));
	for (r = 0; r < ROUNDS; r++) {
		for (i = 0; i < nq; i++) {
			double q0 = now();

			(void)search_query(s, questions[i], NULL, hits, 5);
			times[k++] = now() - q0;
		}
	}
	qsort(times, k, sizeof(*times), cmp_double);
	printf("query (%zu questions x %d): median %.1f us, p99 %.1f us, "
	    "max %.1f us\n", nq, ROUNDS, times[k / 2] * 1e6,
	    times[k * 99 / 100] * 1e6, times[k - 1] * 1e6);
	getrusage(RUSAGE_SELF, &ru);
	printf("peak RSS %ld KiB\n", ru.ru_maxrss);
	free(times);
	search_free(s);
	guide_free(g);
	if (lx != NULL)
		lexicon_free(lx);
	return 0;
}
