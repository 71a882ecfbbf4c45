/*
 * config-keys: prints the configuration keys the parser knows (see
 * config_dump_keys()). Built with the parser itself; man/mkman.sh makes
 * secours.yaml(5) from its output.
 */
#include "ac-config.h"

#include <stdio.h>

#include "config.h"

int
main(void)
{
	config_dump_keys(stdout);
	return fflush(stdout) == 0 ? 0 : 1;
}
