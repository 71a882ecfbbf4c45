/*
 * seeds: a plain main() for every fuzz target, built with the normal
 * compiler by `make check` (tests/am/fuzz.am). It hands each file of the
 * target's seed corpus (FUZZ_SEEDS, or the files and directories given as
 * arguments) once to LLVMFuzzerTestOneInput, in name order, in a buffer of
 * exactly its size, as libFuzzer does when it replays a corpus. So the
 * contract checks of every target run in each build, with or without
 * --enable-fuzzing: a broken contract aborts (fuzz_fail) and the test fails.
 */
#include "ac-config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "util.h"

#define SEED_MAX	(4 * 1024 * 1024)

static int n, failed;

/* Runs one seed file; prints its TAP line. */
static void
run_file(const char *path)
{
	FILE *f;
	unsigned char *data;
	size_t size;
	struct stat st;

	n++;
	if ((f = fopen(path, "rb")) == NULL || fstat(fileno(f), &st) == -1 ||
	    st.st_size < 0 || st.st_size > SEED_MAX) {
		printf("not ok %d - %s: cannot read: %s\n", n, path,
		    f == NULL ? strerror(errno) : "too large");
		failed++;
		if (f != NULL)
			fclose(f);
		return;
	}
	size = (size_t)st.st_size;
	data = xmalloc(size > 0 ? size : 1);
	if (fread(data, 1, size, f) != size) {
		printf("not ok %d - %s: short read\n", n, path);
		failed++;
	} else {
		printf("# seed %s\n", path);
		fflush(stdout);
		(void)LLVMFuzzerTestOneInput(data, size);
		printf("ok %d - %s\n", n, path);
	}
	fflush(stdout);
	free(data);
	fclose(f);
}

static int
by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/* Runs every regular file in dir, or dir itself if it is a file. */
static void
run_path(const char *path)
{
	struct dirent **ents;
	struct stat st;
	int i, k, seen = 0;

	if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
		run_file(path);
		return;
	}
	if ((k = scandir(path, &ents, NULL, by_name)) == -1) {
		printf("not ok %d - %s: %s\n", ++n, path, strerror(errno));
		failed++;
		return;
	}
	for (i = 0; i < k; i++) {
		struct buf p;

		buf_init(&p);
		buf_addf(&p, "%s/%s", path, ents[i]->d_name);
		if (ents[i]->d_name[0] != '.' && stat(p.s, &st) == 0 &&
		    S_ISREG(st.st_mode)) {
			run_file(p.s);
			seen++;
		}
		buf_release(&p);
		free(ents[i]);
	}
	free(ents);
	if (seen == 0) {
		printf("not ok %d - %s: no seed\n", ++n, path);
		failed++;
	}
}

int
main(int argc, char **argv)
{
	int i;

	if (LLVMFuzzerInitialize != NULL)
		(void)LLVMFuzzerInitialize(&argc, &argv);
	if (argc > 1) {
		for (i = 1; i < argc; i++)
			run_path(argv[i]);
	} else {
#ifdef FUZZ_SEEDS
		run_path(FUZZ_SEEDS);
#else
		fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
		return 2;
#endif
	}
	printf("1..%d\n", n);
	return failed ? 1 : 0;
}
