/*
 * fuzz_config: bytes -> a temporary config.yaml -> config_load() ->
 * config_release(). Problems go to /dev/null; whatever the file holds,
 * loading must not crash, leak or hang, and a config that loads with no
 * problem must satisfy config.h's invariants.
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
static FILE	*devnull;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct buf b;

	(void)argc;
	(void)argv;
	buf_init(&b);
	buf_addf(&b, "%s/config.yaml", fuzz_setup());
	path = buf_detach(&b);
	if ((devnull = fopen("/dev/null", "w")) == NULL)
		abort();
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

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config cfg;
	int fd;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) == -1)
		abort();
	if (size > 0 && write(fd, data, size) != (ssize_t)size)
		abort();
	close(fd);
	if (config_load(path, &cfg, devnull) == 0)
		check_valid(&cfg);
	config_release(&cfg);
	return 0;
}
