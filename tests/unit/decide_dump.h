/*
 * decide_dump.h: one TSV line per question with what search_decide() can know
 * about its best hits (search_features()), for scripts/fit-decide.py.
 * Shared by test_quality (SECOURS_QUALITY_DUMP=file) and bench/guide_dump
 * (-D file). Only lines whose misses may be looked at are written (tune
 * halves, questions.tsv); never a test line, never a blind set's.
 */
#ifndef SECOURS_DECIDE_DUMP_H
#define SECOURS_DECIDE_DUMP_H

#include <stdio.h>

#include "search.h"

/* One line of the dump: set, line, "-" question, rank-1 right, top-3
 * right, the outcome, hits, then search_features() at min. */
static void
features_dump_line(FILE *f, const char *set, int lineno,
    const struct search_hit *hits, size_t n, double min, int dash, int rank1,
    int top3, enum search_outcome o)
{
	double x[SEARCH_NFEATURES];

	fprintf(f, "%s\t%d\t%d\t%d\t%d\t%d\t%zu", set, lineno, dash,
	    !dash && rank1, !dash && top3, (int)o, n);
	if (n > 0)
		search_features(hits, n, min, x);
	for (int k = 0; k < SEARCH_NFEATURES; k++)
		fprintf(f, "\t%.6g", n > 0 ? x[k] : 0.0);
	fputc('\n', f);
}

/* The dump's header line. */
static void
features_dump_header(FILE *f)
{
	fputs("set\tline\tdash\trank1\ttop3\toutcome\tnhits", f);
	for (int k = 0; k < SEARCH_NFEATURES; k++)
		fprintf(f, "\t%s", search_feature_name((enum search_feature)k));
	fputc('\n', f);
}

#endif
