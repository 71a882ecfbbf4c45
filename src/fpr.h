/*
 * fpr: OTR fingerprints in their three forms, and the one set of
 * conversions between them. No I/O, no library.
 *
 *   raw    FPR_LEN (20) bytes, the SHA-1 of the public key; what config.c
 *          keeps for a pin and libotr compares;
 *   hex    40 lower-case hex digits; what the store and escalate.c keep;
 *   human  "8A89ABCD 12345678 ..." (five groups of eight upper-case digits),
 *          as OTR clients show it; what people read and compare.
 *
 * fpr_parse() reads hex and human alike (any case, spaces and tabs ignored)
 * and refuses anything else: so a pin can be pasted from a client.
 */
#ifndef SECOURS_FPR_H
#define SECOURS_FPR_H

#define FPR_LEN		20	/* raw bytes */
#define FPR_HEX_LEN	41	/* 40 hex digits and the NUL */
#define FPR_HUMAN_LEN	45	/* 40 digits, 4 spaces and the NUL */

/* Reads 40 hex digits (any case; spaces and tabs ignored) into raw.
 * Returns 0, or -1 (raw untouched) for NULL or anything else. */
int fpr_parse(const char *text, unsigned char raw[FPR_LEN]);

/* Writes raw as 40 lower-case hex digits. */
void fpr_to_hex(const unsigned char raw[FPR_LEN], char out[FPR_HEX_LEN]);

/* Writes raw in the human form. */
void fpr_to_human(const unsigned char raw[FPR_LEN], char out[FPR_HUMAN_LEN]);

/* Rewrites text (hex or human) as 40 lower-case hex digits; "" and -1 if
 * text is not a fingerprint. */
int fpr_norm_hex(const char *text, char out[FPR_HEX_LEN]);

/* Rewrites text (hex or human) in the human form; "?" and -1 if text is
 * not a fingerprint. */
int fpr_norm_human(const char *text, char out[FPR_HUMAN_LEN]);

#endif
