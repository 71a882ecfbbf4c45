/* duty: the rota, in the configured time zone (see duty.h for the approach). */
#include "ac-config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "duty.h"
#include "log.h"
#include "util.h"

#define ZONEINFO_DIR	"/usr/share/zoneinfo"

struct duty {
	const struct config	*cfg;
	char			*zone;		/* as configured */
	char			*tzenv;		/* ":" + zone, the value of TZ */
};

/* A zone name is a relative path under the zoneinfo directory, made of
 * letters, digits and "_+-/", with no ".." component. */
static int
zone_name_ok(const char *z)
{
	const char *p;

	if (*z == '\0' || *z == '/' || strlen(z) > 64 || strstr(z, "..") != NULL)
		return 0;
	for (p = z; *p != '\0'; p++) {
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '_' || *p == '+' ||
		    *p == '-' || *p == '/'))
			return 0;
	}
	return 1;
}

static int
zone_exists(const char *z)
{
	const char *dir = getenv("TZDIR");
	char path[512];

	/* glibc knows UTC without any file. */
	if (strcmp(z, "UTC") == 0)
		return 1;
	if (dir == NULL || *dir == '\0')
		dir = ZONEINFO_DIR;
	if (util_snprintf(path, sizeof(path), "%s/%s", dir, z) == -1)
		return 0;
	return access(path, R_OK) == 0;
}

/* Makes sure TZ names this duty's zone (another duty may have changed it). */
static void
duty_enter(const struct duty *d)
{
	const char *cur = getenv("TZ");

	if (cur != NULL && strcmp(cur, d->tzenv) == 0)
		return;
	if (setenv("TZ", d->tzenv, 1) == -1)
		fatal("duty: setenv TZ");
	tzset();
}

struct duty *
duty_new(const struct config *cfg)
{
	const char *z = cfg->duty.timezone ? cfg->duty.timezone : "UTC";
	struct duty *d;
	size_t n;

	if (!zone_name_ok(z) || !zone_exists(z)) {
		log_warnx("duty: unknown time zone '%s' (no such file under %s)",
		    log_vis(z), ZONEINFO_DIR);
		return NULL;
	}
	d = xcalloc(1, sizeof(*d));
	d->cfg = cfg;
	d->zone = xstrdup(z);
	n = strlen(z) + 2;
	d->tzenv = xmalloc(n);
	d->tzenv[0] = ':';
	memcpy(d->tzenv + 1, z, n - 1);
	duty_enter(d);
	log_debug("duty: rota in zone %s, %zu shifts", z, cfg->duty.nshifts);
	return d;
}

void
duty_free(struct duty *d)
{
	if (d == NULL)
		return;
	free(d->zone);
	free(d->tzenv);
	free(d);
}

const char *
duty_zone(const struct duty *d)
{
	return d->zone;
}

static void
local_tm(const struct duty *d, time_t t, struct tm *tm)
{
	duty_enter(d);
	if (localtime_r(&t, tm) == NULL)
		fatalx("duty: localtime_r failed for %lld", (long long)t);
}

void
duty_local(const struct duty *d, time_t t, int *weekday, int *minute)
{
	struct tm tm;

	local_tm(d, t, &tm);
	*weekday = (tm.tm_wday + 6) % 7;
	*minute = tm.tm_hour * 60 + tm.tm_min;
}

static int
day_set(unsigned days, int weekday)
{
	return (days >> ((weekday % 7 + 7) % 7)) & 1u;
}

/* Does shift s cover local weekday wd at minute m? */
static int
shift_covers(const struct config_shift *s, int wd, int m)
{
	if (s->from_min < s->to_min)
		return day_set(s->days, wd) && m >= s->from_min && m < s->to_min;
	/* Crosses midnight (or lasts a whole day when from == to). */
	if (day_set(s->days, wd) && m >= s->from_min)
		return 1;
	return day_set(s->days, wd - 1) && m < s->to_min;
}

int
duty_is_on(const struct duty *d, const char *helper, time_t t)
{
	const struct config *cfg = d->cfg;
	int wd, m;
	size_t i;

	duty_local(d, t, &wd, &m);
	for (i = 0; i < cfg->duty.nshifts; i++) {
		const struct config_shift *s = &cfg->duty.shifts[i];

		if (util_strcasecmp(s->helper, helper) != 0)
			continue;
		if (shift_covers(s, wd, m))
			return 1;
	}
	return 0;
}

const char *
duty_sole_name(const struct duty *d, time_t t)
{
	const struct config *cfg = d->cfg;
	const char *name = NULL;

	for (size_t i = 0; i < cfg->nhelpers; i++) {
		if (!duty_is_on(d, cfg->helpers[i].jid, t))
			continue;
		if (name != NULL)
			return NULL;
		name = cfg->helpers[i].name;
	}
	return name;
}

time_t
duty_next_start(const struct duty *d, const char *helper, time_t t)
{
	const struct config *cfg = d->cfg;
	time_t best = (time_t)-1;
	struct tm base;
	int k;
	size_t i;

	local_tm(d, t, &base);
	/* Today and the next 7 days cover every weekly shift. */
	for (k = 0; k <= 7; k++) {
		for (i = 0; i < cfg->duty.nshifts; i++) {
			const struct config_shift *s = &cfg->duty.shifts[i];
			struct tm tm;
			time_t start;

			if (helper != NULL &&
			    util_strcasecmp(s->helper, helper) != 0)
				continue;
			if (!day_set(s->days, (base.tm_wday + 6 + k) % 7))
				continue;
			memset(&tm, 0, sizeof(tm));
			tm.tm_year = base.tm_year;
			tm.tm_mon = base.tm_mon;
			tm.tm_mday = base.tm_mday + k;
			tm.tm_hour = s->from_min / 60;
			tm.tm_min = s->from_min % 60;
			tm.tm_isdst = -1;	/* let the zone decide */
			start = mktime(&tm);
			if (start == (time_t)-1 || start <= t)
				continue;
			if (best == (time_t)-1 || start < best)
				best = start;
		}
		if (best != (time_t)-1)
			break;	/* a later day cannot start earlier */
	}
	return best;
}

int
duty_format(const struct duty *d, time_t t, time_t now,
    const char *const *weekdays, char *out, size_t size)
{
	struct tm lt, ln;

	local_tm(d, t, &lt);
	local_tm(d, now, &ln);
	if (weekdays == NULL ||
	    (lt.tm_year == ln.tm_year && lt.tm_yday == ln.tm_yday))
		return util_snprintf(out, size, "%02d:%02d", lt.tm_hour,
		    lt.tm_min);
	return util_snprintf(out, size, "%s %02d:%02d",
	    weekdays[(lt.tm_wday + 6) % 7], lt.tm_hour, lt.tm_min);
}
