/* test_fpr: fingerprint forms and conversions (fpr.h), table-driven. */
#include "ac-config.h"

#include <stdio.h>
#include <string.h>

#include "fpr.h"
#include "tap.h"

#define HEX	"1a2b3c4d1a2b3c4d1a2b3c4d1a2b3c4d1a2b3c4d"
#define HUMAN	"1A2B3C4D 1A2B3C4D 1A2B3C4D 1A2B3C4D 1A2B3C4D"

static const struct {
	const char	*text;
	int		 ok;
} parse_rows[] = {
	{ HUMAN, 1 },
	{ HEX, 1 },
	{ "  1a2b3c4d 1A2B3C4D\t1a2b 3c4d 1a2b3c4d 1a2b3c4d  ", 1 },
	{ "1A2B3C4D 1A2B3C4D 1A2B3C4D 1A2B3C4D 1A2B3C4", 0 },	/* 39 */
	{ "1A2B3C4D 1A2B3C4D 1A2B3C4D 1A2B3C4D 1A2B3C4D0", 0 },	/* 41 */
	{ "1A2B3C4D:1A2B3C4D:1A2B3C4D:1A2B3C4D:1A2B3C4D", 0 },
	{ "0x1A2B3C 1A2B3C4D 1A2B3C4D 1A2B3C4D 1A2B3C4D", 0 },
	{ "1A2B3C4D\n1A2B3C4D 1A2B3C4D 1A2B3C4D 1A2B3C4D", 0 },
	{ "g" HEX, 0 },
	{ "", 0 },
};

int
main(void)
{
	unsigned char raw[FPR_LEN], want[FPR_LEN], all[FPR_LEN];
	char hex[FPR_HEX_LEN], human[FPR_HUMAN_LEN], name[200];
	size_t i;

	for (i = 0; i < FPR_LEN; i++)
		want[i] = (unsigned char[]){ 0x1a, 0x2b, 0x3c, 0x4d }[i % 4];
	for (i = 0; i < sizeof(parse_rows) / sizeof(parse_rows[0]); i++) {
		int rc;

		memset(raw, 0xee, sizeof(raw));
		rc = fpr_parse(parse_rows[i].text, raw);
		snprintf(name, sizeof(name), "parse \"%s\"", parse_rows[i].text);
		CHECK_INT(parse_rows[i].ok ? 0 : -1, rc, name);
		if (parse_rows[i].ok)
			CHECK(memcmp(raw, want, sizeof(raw)) == 0, name);
		else
			CHECK(raw[0] == 0xee, "a bad fingerprint leaves raw as it was");
	}
	CHECK_INT(-1, fpr_parse(NULL, raw), "NULL fingerprint");

	fpr_to_hex(want, hex);
	CHECK_STR(HEX, hex, "raw to hex: lower case");
	fpr_to_human(want, human);
	CHECK_STR(HUMAN, human, "raw to human: groups of eight, upper case");
	CHECK_INT(FPR_HUMAN_LEN - 1, strlen(human), "human form fills its size");

	for (i = 0; i < FPR_LEN; i++)
		all[i] = (unsigned char)(i * 13 + 0xf0);
	fpr_to_human(all, human);
	CHECK(fpr_parse(human, raw) == 0 && memcmp(raw, all, FPR_LEN) == 0,
	    "human form parses back to the same bytes");
	fpr_to_hex(all, hex);
	CHECK(fpr_parse(hex, raw) == 0 && memcmp(raw, all, FPR_LEN) == 0,
	    "hex parses back to the same bytes");

	CHECK(fpr_norm_hex(HUMAN, hex) == 0, "human to hex");
	CHECK_STR(HEX, hex, "human to hex: text");
	CHECK(fpr_norm_hex("1A2B3C4D1A2B3C4D1A2B3C4D1A2B3C4D1A2B3C4D",
	    hex) == 0, "upper-case hex to hex");
	CHECK_STR(HEX, hex, "upper-case hex to hex: lower case");
	snprintf(hex, sizeof(hex), "junk");
	CHECK_INT(-1, fpr_norm_hex("not a fingerprint", hex), "junk to hex");
	CHECK_STR("", hex, "junk to hex: empty");
	snprintf(hex, sizeof(hex), "%s", HEX);
	CHECK(fpr_norm_hex(hex, hex) == 0, "hex in place");
	CHECK_STR(HEX, hex, "hex in place: unchanged");

	CHECK(fpr_norm_human(HEX, human) == 0, "hex to human");
	CHECK_STR(HUMAN, human, "hex to human: text");
	CHECK_INT(-1, fpr_norm_human(NULL, human), "NULL to human");
	CHECK_STR("?", human, "NULL to human: ?");
	CHECK_INT(-1, fpr_norm_human(HEX "0", human), "41 digits to human");
	CHECK_STR("?", human, "41 digits to human: ?");
	return TAP_DONE();
}
