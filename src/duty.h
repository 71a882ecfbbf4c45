/*
 * duty: who is on duty at time T, from the rota in config (duty.timezone,
 * duty.shifts). Pure: time comes in as an argument; no clock is read here.
 *
 * Time zone approach: the C library's own zone code (TZ=":Zone", tzset,
 * localtime_r, mktime), so the system's zoneinfo and its DST rules are used
 * as they are. TZ is process-global: duty_new() sets it once, and so the
 * whole process runs in the duty zone (logs are written in UTC and do not
 * care). Every query checks that TZ still names this duty's zone and sets it
 * again if not, so that two duties in one process (tests) stay correct.
 *
 * Invariants:
 * - A shift with to <= from crosses midnight: it covers its day from "from"
 *   and the next day until "to" (Saturday 22:00-06:00 covers Sunday 03:00);
 *   from == to is a whole day (24 hours from "from").
 * - Local wall-clock times are what count: a 09:00 shift in Europe/Paris
 *   starts at 07:00 UTC in summer and 08:00 UTC in winter.
 */
#ifndef SECOURS_DUTY_H
#define SECOURS_DUTY_H

#include <stddef.h>
#include <time.h>

struct config;
struct duty;

/* Reads cfg->duty (cfg must outlive the duty). Returns NULL (logged) when
 * the zone is unknown. Sets TZ for the process (see above). */
struct duty *duty_new(const struct config *cfg);
void duty_free(struct duty *d);

/* Borrowed: the zone name as configured ("Europe/Paris"). */
const char *duty_zone(const struct duty *d);

/* 1 if one of helper's shifts covers t, else 0. */
int duty_is_on(const struct duty *d, const char *helper, time_t t);

/* The display name of the one helper on duty at t; NULL when nobody or
 * several are. Borrowed from the config. */
const char *duty_sole_name(const struct duty *d, time_t t);

/* Start of the first shift (of helper, or of anyone when helper is NULL)
 * strictly after t, or (time_t)-1 when there is none. */
time_t duty_next_start(const struct duty *d, const char *helper, time_t t);

/* Local time of t as "HH:MM", or "<weekday> HH:MM" when t is not on the
 * same local day as now. weekdays: 7 names, Monday first, in the reader's
 * language (lang.c's data; NULL: "HH:MM" whatever the day). Returns 0, or
 * -1 if out was too small. */
int duty_format(const struct duty *d, time_t t, time_t now,
    const char *const *weekdays, char *out, size_t size);

/* Local weekday (0 = Monday) and minutes after local midnight of t. */
void duty_local(const struct duty *d, time_t t, int *weekday, int *minute);

#endif
