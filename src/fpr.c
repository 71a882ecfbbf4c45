/* fpr: fingerprint forms and conversions (see fpr.h). */
#include "ac-config.h"

#include <string.h>

#include "fpr.h"

static const char hex_digits[] = "0123456789abcdef";

static int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
fpr_parse(const char *text, unsigned char raw[FPR_LEN])
{
	unsigned char fp[FPR_LEN];
	size_t ndigits = 0;
	int v;

	if (text == NULL)
		return -1;
	for (; *text != '\0'; text++) {
		if (*text == ' ' || *text == '\t')
			continue;
		if ((v = hex_value(*text)) == -1 || ndigits == 2 * FPR_LEN)
			return -1;
		if (ndigits % 2 == 0)
			fp[ndigits / 2] = (unsigned char)(v << 4);
		else
			fp[ndigits / 2] |= (unsigned char)v;
		ndigits++;
	}
	if (ndigits != 2 * FPR_LEN)
		return -1;
	memcpy(raw, fp, FPR_LEN);
	return 0;
}

void
fpr_to_hex(const unsigned char raw[FPR_LEN], char out[FPR_HEX_LEN])
{
	size_t i;

	for (i = 0; i < FPR_LEN; i++) {
		out[2 * i] = hex_digits[raw[i] >> 4];
		out[2 * i + 1] = hex_digits[raw[i] & 15];
	}
	out[2 * FPR_LEN] = '\0';
}

void
fpr_to_human(const unsigned char raw[FPR_LEN], char out[FPR_HUMAN_LEN])
{
	size_t i, o = 0;

	for (i = 0; i < 2 * FPR_LEN; i++) {
		unsigned v = i % 2 == 0 ? raw[i / 2] >> 4 : raw[i / 2] & 15;

		if (i > 0 && i % 8 == 0)
			out[o++] = ' ';
		out[o++] = "0123456789ABCDEF"[v];
	}
	out[o] = '\0';
}

int
fpr_norm_hex(const char *text, char out[FPR_HEX_LEN])
{
	unsigned char raw[FPR_LEN];

	if (fpr_parse(text, raw) == -1) {
		out[0] = '\0';
		return -1;
	}
	fpr_to_hex(raw, out);
	return 0;
}

int
fpr_norm_human(const char *text, char out[FPR_HUMAN_LEN])
{
	unsigned char raw[FPR_LEN];

	if (fpr_parse(text, raw) == -1) {
		memcpy(out, "?", 2);
		return -1;
	}
	fpr_to_human(raw, out);
	return 0;
}
