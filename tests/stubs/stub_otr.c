/* Stand-in for otr_fingerprint_only() until src/otr.c lands. */
#include "ac-config.h"

#include <stdio.h>

#include "otr.h"

int
otr_fingerprint_only(const struct config *cfg, char fp[OTR_FP_HUMAN_LEN])
{
	(void)cfg;
	fp[0] = '\0';
	fprintf(stderr, "secours: this build has no OTR module yet\n");
	return -1;
}
