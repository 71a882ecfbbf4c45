/*
 * status: the desk's state for admins. The daemon rewrites STATE_DIR/status
 * (0600, atomically: a reader sees the old file or the new one) every few
 * seconds and on each change; `secours --status` reads it back and tells
 * whether the daemon that wrote it is still alive. The same counts make the
 * one-line STATUS= for systemd.
 *
 * Invariants: the file holds counts (danger cases: how many, the oldest
 * wait), and helpers' JIDs only when
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
	size_t			 danger;	/* of those, came with danger
						   now or self-harm */
	size_t			 danger_later;	/* of those, marked for
						   danger to come */
	long			 danger_wait;	/* s: the oldest danger case
						   not claimed yet; -1 none */
	struct status_helper	*helpers;
	size_t			 nhelpers;
};

/* Empties s (danger_wait -1). */
void status_snap_init(struct status_snap *s);
/* Counts an open case that came with words of danger now or of
 * self-harm, opened at opened, claimed or not, in s->danger and
 * s->danger_wait (danger to come: the caller counts s->danger_later). */
void status_add_danger(struct status_snap *s, int claimed, time_t opened,
    time_t now);
/* New string: "serving; 3 open requests; 12 private conversations", with
 * ", 1 in danger (oldest waiting 340 s)" and ", 1 with danger to come"
 * after the requests if any. */
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
