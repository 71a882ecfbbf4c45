/*
 * status: the desk's state for admins. The daemon rewrites STATE_DIR/status
 * (0600, atomically: a reader sees the old file or the new one) every few
 * seconds and on each change; `secours --status` reads it back and tells
 * whether the daemon that wrote it is still alive. The same counts make the
 * one-line STATUS= for systemd.
 *
 * Invariants: the file holds counts, and helpers' JIDs only when
 * log.show_jids is true (else "helper N", N their place in the
 * configuration); never a person's JID or words.
 */
#ifndef SECOURS_STATUS_H
#define SECOURS_STATUS_H

#include <stddef.h>
#include <stdio.h>
#include <time.h>

#define STATUS_FILE	"status"
#define STATUS_STALE	30	/* s: an older file means a hung daemon */

struct status_helper {
	const char	*jid;		/* borrowed */
	int		 on_duty;
	const char	*reach;		/* offline, busy, online, private, key mismatch */
};

/* The desk at one moment; strings borrowed. */
struct status_snap {
	int			 online;	/* logged in */
	time_t			 started;
	size_t			 sessions;	/* OTR conversations kept */
	size_t			 waiting, offered, claimed;
	struct status_helper	*helpers;
	size_t			 nhelpers;
};

/* New string: "serving; 3 open requests; 12 private conversations". */
char *status_line(const struct status_snap *s);
/* New string: the file's text. */
char *status_text(const struct status_snap *s, int show_jids, time_t now);
/* Writes text to state_dir/status atomically, 0600. Returns 0 or -1
 * (logged once until it works again). */
int status_write(const char *state_dir, const char *text);
/* --status: prints state_dir/status to out with whether its daemon runs.
 * Returns 0 if it does, 1 if not (message on err). */
int status_print(const char *state_dir, time_t now, FILE *out, FILE *err);

#endif
