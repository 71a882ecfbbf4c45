/*
 * fuzz_config: bytes -> a temporary config.yaml -> config_load() ->
 * config_release(). Whatever the file holds, loading must not crash, leak
 * or hang; every problem is one line "FILE:LINE:COL: message" without
 * control characters; a config that loads with no problem satisfies
 * config.h's invariants.
 */
#include "ac-config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "fuzz.h"
#include "util.h"

static char	*path;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct buf b;

	(void)argc;
	(void)argv;
	buf_init(&b);
	buf_addf(&b, "%s/config.yaml", fuzz_setup());
	path = buf_detach(&b);
	return 0;
}

static void
check_valid(const struct config *cfg)
{
	size_t i, j;

	if (cfg->account.jid == NULL || cfg->account.password == NULL ||
	    cfg->state_dir == NULL)
		fuzz_fail("loaded with no problem but a required key is unset",
		    cfg->account.jid);
	if (cfg->account.tls == CONFIG_TLS_DISABLED && cfg->account.host == NULL)
		fuzz_fail("tls disabled without a (loopback) host",
		    cfg->account.jid);
	for (i = 0; i < cfg->duty.nshifts; i++) {
		const struct config_shift *sh = &cfg->duty.shifts[i];

		if (config_helper_find(cfg, sh->helper) == NULL)
			fuzz_fail("a shift names no configured helper",
			    sh->helper);
		if (sh->from_min < 0 || sh->from_min >= 24 * 60 ||
		    sh->to_min < 0 || sh->to_min > 24 * 60)
			fuzz_fail("a shift time is out of range", sh->helper);
	}
	for (i = 0; i < cfg->nhelpers; i++)
		for (j = 0; j < cfg->helpers[i].nlanguages; j++)
			if (cfg->helpers[i].languages[j] == NULL)
				fuzz_fail("a NULL helper language",
				    cfg->helpers[i].jid);
}

/* Every line is "PATH:LINE:COL: message", escaped: no control character
 * from the file reaches the admin's terminal. */
static void
check_errors(const char *out, size_t len, int n)
{
	const char *line = out, *nl;
	size_t plen = strlen(path);
	int lines = 0;

	if (strlen(out) != len)
		fuzz_fail("a NUL byte in the error output", out);
	if (fuzz_has_control(out, "\n"))
		fuzz_fail("a control character in the error output", out);
	for (; *line != '\0'; line = nl + 1) {
		const char *p = line + plen;
		size_t d;

		if ((nl = strchr(line, '\n')) == NULL)
			fuzz_fail("an error line without a newline", line);
		lines++;
		if (strncmp(line, path, plen) != 0 || *p++ != ':')
			fuzz_fail("an error line without the file name", line);
		if ((d = strspn(p, "0123456789")) == 0 || p[d] != ':')
			fuzz_fail("an error line without a line number", line);
		p += d + 1;
		if ((d = strspn(p, "0123456789")) == 0 || p[d] != ':' ||
		    p[d + 1] != ' ')
			fuzz_fail("an error line without a column", line);
	}
	if (lines != n)
		fuzz_fail("config_load's count is not the number of lines", out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config cfg;
	char *out = NULL;
	size_t len = 0;
	FILE *errs;
	int fd, n;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) == -1)
		abort();
	if (size > 0 && write(fd, data, size) != (ssize_t)size)
		abort();
	close(fd);
	if ((errs = open_memstream(&out, &len)) == NULL)
		abort();
	n = config_load(path, &cfg, errs);
	fclose(errs);
	check_errors(out, len, n);
	free(out);
	if (n == 0)
		check_valid(&cfg);
	config_release(&cfg);
	return 0;
}
