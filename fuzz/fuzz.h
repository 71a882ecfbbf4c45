/*
 * fuzz: shared helpers of the libFuzzer targets in fuzz/ (README.md).
 *
 * A target does not only look for crashes: each also checks the contract of
 * the module it drives (no '<' in guide text, valid UTF-8 out of otr, ...)
 * and calls fuzz_fail() when it is broken, so that libFuzzer keeps the input.
 */
#ifndef SECOURS_FUZZ_H
#define SECOURS_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* libFuzzer's entry points (no header ships them); Initialize is optional. */
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Logs to /dev/null, stdin from /dev/null (a config may name /dev/stdin),
 * and a private temporary directory (in $TMPDIR, else /dev/shm, else
 * /tmp), removed at exit. Returns its path (borrowed, static). */
const char *fuzz_setup(void);

/* New string: data with a NUL added (NULs inside are kept, so C string
 * functions see a prefix). */
char *fuzz_strndup(const uint8_t *data, size_t size);

/* Prints what broke, and the text (escaped), then aborts. */
void fuzz_fail(const char *what, const char *text)
    __attribute__((noreturn));

/* Fails (as fuzz_fail) unless s is chat_is_safe() text; what names it. */
void fuzz_check_chat(const char *what, const char *s);

/* 1 if s is valid UTF-8 (no overlong forms, surrogates or > U+10FFFF). */
int fuzz_utf8_valid(const char *s);
/* 1 if s holds a C0 control (but those in allowed) or DEL. */
int fuzz_has_control(const char *s, const char *allowed);

#endif
