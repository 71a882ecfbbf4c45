/*
 * tap.h: the tiny test helper every unit program uses. Each check prints
 * "ok N - name" or "not ok N - name" with expected then got (SKIP: "ok N -
 * name # SKIP why", counted as skipped); the program
 * exits 1 if any check failed (Automake's harness reads the exit code).
 */
#ifndef SECOURS_TAP_H
#define SECOURS_TAP_H

#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

#define CHECK(cond, name) do {						\
	tap_n++;							\
	if (cond) printf("ok %d - %s\n", tap_n, (name));		\
	else { tap_failed++;						\
		printf("not ok %d - %s (%s:%d: %s)\n", tap_n, (name),	\
		    __FILE__, __LINE__, #cond); }			\
} while (0)

#define CHECK_STR(expected, got, name) do {				\
	const char *e_ = (expected), *g_ = (got);			\
	tap_n++;							\
	if (e_ && g_ && strcmp(e_, g_) == 0)				\
		printf("ok %d - %s\n", tap_n, (name));			\
	else { tap_failed++;						\
		printf("not ok %d - %s (%s:%d)\n  expected: %s\n  got:      %s\n", \
		    tap_n, (name), __FILE__, __LINE__,			\
		    e_ ? e_ : "(null)", g_ ? g_ : "(null)"); }		\
} while (0)

#define CHECK_INT(expected, got, name) do {				\
	long e_ = (long)(expected), g_ = (long)(got);			\
	tap_n++;							\
	if (e_ == g_) printf("ok %d - %s\n", tap_n, (name));		\
	else { tap_failed++;						\
		printf("not ok %d - %s (%s:%d)\n  expected: %ld\n  got:      %ld\n", \
		    tap_n, (name), __FILE__, __LINE__, e_, g_); }	\
} while (0)

/* A check that cannot run in this build: counted as skipped, not passed. */
#define SKIP(name, why) do {						\
	tap_n++;							\
	printf("ok %d - %s # SKIP %s\n", tap_n, (name), (why));	\
} while (0)

#define TAP_DONE() (printf("1..%d\n", tap_n), tap_failed ? 1 : 0)

#endif
