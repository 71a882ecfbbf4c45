/* Stand-in for daemon_run() until src/daemon.c lands (see README). */
#include "ac-config.h"

#include <stdio.h>

#include "daemon.h"

int
daemon_run(const struct config *cfg)
{
	(void)cfg;
	fprintf(stderr, "secours: this build has no daemon yet\n");
	return 1;
}
