/*
 * lang_eval: how often the language of a question is told wrong, by its
 * length in words.
 *
 *   lang_eval [-t] [-v] [-d datadir] file.tsv...
 *
 * Reads question files (lang<TAB>question<TAB>...; "#" lines skipped).
 * A file named "h:FILE" is split in halves as rank_eval splits it: its
 * odd non-comment lines are tune lines, read by default; with -t its
 * even ones (test), totals only. Other files are read whole (tune
 * material: testers' probes). Lines in en, fr or es only.
 *
 * For each length (1, 2, 3, 4, 5, 6-8, 9 and more words) it prints how
 * many lines, and how many lang_detect() and lang_guess() tell wrong
 * (another language) or not at all (none), and "bot": the language the
 * bot answers a first message in (lang_guess(), else the best guess
 * among en, fr and es, lang_guess_among(), else the desk's default, -D
 * xx, "en" by default) wrong. -v prints each wrong tune line
 * (never with -t). -w k: each run of k words of a line instead of the
 * line (short messages: "vol de telephone"), a run that is a line's
 * whole counted once. Never give it a blind set.
 */
#include "ac-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lang.h"
#include "util.h"

#define NB	7

struct tally {
	long	n[NB], dwrong[NB], dnone[NB], gwrong[NB], gnone[NB], bot[NB];
};

static int
bucket(const char *q)
{
	int w = 0, in = 0;

	for (const char *p = q; *p != '\0'; p++) {
		if (*p == ' ' || *p == '\t')
			in = 0;
		else if (!in) {
			in = 1;
			w++;
		}
	}
	if (w <= 5)
		return w <= 1 ? 0 : w - 1;
	return w <= 8 ? 5 : 6;
}

/* The bot's guess for a first message: lang_guess(), else the best
 * among the desk's three, the default first when tied. */
static const char *
among(const char *q, const char *def)
{
	const char *codes[] = { "en", "fr", "es" };
	const char *b = lang_guess_among(q, codes, 3, def);

	return b != NULL ? b : def;
}

static const char *names[NB] = { "1", "2", "3", "4", "5", "6-8", "9+" };

int
main(int argc, char **argv)
{
	const char *datadir = "replies", *def = "en";
	struct tally t[3];	/* en, fr, es */
	const char *codes[3] = { "en", "fr", "es" };
	int ch, test = 0, verbose = 0, win = 0;

	while ((ch = getopt(argc, argv, "tvw:d:D:")) != -1) {
		switch (ch) {
		case 'w': win = atoi(optarg); break;
		case 't': test = 1; break;
		case 'v': verbose = 1; break;
		case 'd': datadir = optarg; break;
		case 'D': def = optarg; break;
		default:
			fprintf(stderr, "usage: lang_eval [-t] [-v] "
			    "[-d datadir] [-D xx] [h:]file...\n");
			return 2;
		}
	}
	if (test)
		verbose = 0;
	if (lang_load_dir(datadir) < 0)
		return 1;
	memset(t, 0, sizeof(t));
	for (int a = optind; a < argc; a++) {
		const char *path = argv[a];
		int halves = strncmp(path, "h:", 2) == 0;
		char line[4096];
		long n = 0;
		FILE *f;

		if (halves)
			path += 2;
		else if (test)
			continue;
		if ((f = fopen(path, "r")) == NULL) {
			perror(path);
			return 1;
		}
		while (fgets(line, sizeof(line), f) != NULL) {
			char *q, *e, *nl;
			const char *d, *g, *b;
			int li, k;

			if ((nl = strpbrk(line, "\r\n")) != NULL)
				*nl = '\0';
			if (line[0] == '#' || line[0] == '\0')
				continue;
			n++;
			if (halves && (n % 2 == 0) != test)
				continue;
			if ((q = strchr(line, '\t')) == NULL)
				continue;
			*q++ = '\0';
			if ((e = strchr(q, '\t')) != NULL)
				*e = '\0';
			for (li = 0; li < 3; li++)
				if (strcmp(line, codes[li]) == 0)
					break;
			if (li == 3)
				continue;
			for (char *s = q; s != NULL; ) {
				char run[4096], *p = s;
				int w;

				/* The k words from s, or the line whole. */
				for (w = 0; win > 0 && w < win && p != NULL;
				    w++)
					if ((p = strchr(p, ' ')) != NULL)
						p++;
				if (win > 0 && w < win && s != q)
					break;
				if (win > 0 && p != NULL) {
					(void)util_strlcpy(run, s, sizeof(run));
					run[p - s - 1] = '\0';
				} else
					(void)util_strlcpy(run, s, sizeof(run));
				k = bucket(run);
				d = lang_detect(run);
				g = lang_guess(run);
				b = g != NULL ? g : among(run, def);
				t[li].n[k]++;
				t[li].dnone[k] += d == NULL;
				t[li].dwrong[k] += d != NULL &&
				    strcmp(d, line) != 0;
				t[li].gnone[k] += g == NULL;
				t[li].gwrong[k] += g != NULL &&
				    strcmp(g, line) != 0;
				t[li].bot[k] += strcmp(b, line) != 0;
				if (verbose && strcmp(b, line) != 0)
					printf("%s\t%s\t%s\t%s\n", line,
					    d ? d : "-", g ? g : "-", run);
				if (win == 0 || p == NULL)
					break;
				s = strchr(s, ' ');
				s = s != NULL ? s + 1 : NULL;
			}
		}
		fclose(f);
	}
	for (int li = 0; li < 3; li++) {
		long sn = 0, sd = 0, sdn = 0, sg = 0, sgn = 0, sb = 0;

		printf("%s: words lines | detect wrong none | guess wrong "
		    "none | bot wrong\n", codes[li]);
		for (int k = 0; k < NB; k++) {
			printf("  %-4s %5ld | %4ld %4ld | %4ld %4ld | %4ld "
			    "(%.1f%%)\n", names[k], t[li].n[k],
			    t[li].dwrong[k], t[li].dnone[k], t[li].gwrong[k],
			    t[li].gnone[k], t[li].bot[k], t[li].n[k] ?
			    100.0 * t[li].bot[k] / t[li].n[k] : 0.0);
			sn += t[li].n[k];
			sd += t[li].dwrong[k];
			sdn += t[li].dnone[k];
			sg += t[li].gwrong[k];
			sgn += t[li].gnone[k];
			sb += t[li].bot[k];
		}
		printf("  all  %5ld | %4ld %4ld | %4ld %4ld | %4ld (%.1f%%)\n",
		    sn, sd, sdn, sg, sgn, sb, sn ? 100.0 * sb / sn : 0.0);
	}
	lang_unload();
	return 0;
}
