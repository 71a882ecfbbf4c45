/* test_duty: the rota in a time zone: weekdays, shifts across midnight, both
 * DST changes of Europe/Paris, UTC, America/New_York, next shift start and
 * the local time shown to people. */
#include "ac-config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "duty.h"
#include "tap.h"

#define MON	(1u << 0)
#define TUE	(1u << 1)
#define WED	(1u << 2)
#define THU	(1u << 3)
#define FRI	(1u << 4)
#define SAT	(1u << 5)
#define SUN	(1u << 6)
#define WEEKDAYS	(MON | TUE | WED | THU | FRI)
#define EVERYDAY	(WEEKDAYS | SAT | SUN)

static time_t
utc(int y, int mo, int d, int h, int mi)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	return timegm(&tm);
}

static struct config_shift shifts[8];
static struct config cfg;

static void
rota(const char *zone)
{
	memset(&cfg, 0, sizeof(cfg));
	cfg.duty.timezone = (char *)zone;
	cfg.duty.shifts = shifts;
	cfg.duty.nshifts = 0;
}

static void
shift(const char *helper, unsigned days, int from_h, int from_m, int to_h,
    int to_m)
{
	struct config_shift *s = &shifts[cfg.duty.nshifts++];

	s->helper = (char *)helper;
	s->days = days;
	s->from_min = from_h * 60 + from_m;
	s->to_min = to_h * 60 + to_m;
}

static void
test_utc_weekdays(void)
{
	static const char *const days[7] = { "Monday", "Tuesday",
	    "Wednesday", "Thursday", "Friday", "Saturday", "Sunday" };
	struct duty *d;
	char buf[64];
	int wd, m;

	rota("UTC");
	shift("alice@h.org", WEEKDAYS, 9, 0, 17, 0);
	d = duty_new(&cfg);
	CHECK(d != NULL, "UTC: duty_new");
	CHECK_STR("UTC", duty_zone(d), "UTC: zone name");
	/* 2024-03-04 is a Monday. */
	duty_local(d, utc(2024, 3, 4, 10, 30), &wd, &m);
	CHECK_INT(0, wd, "UTC: Monday is weekday 0");
	CHECK_INT(630, m, "UTC: 10:30 is minute 630");
	CHECK_INT(1, duty_is_on(d, "alice@h.org", utc(2024, 3, 4, 9, 0)),
	    "UTC: Monday 09:00 on (start included)");
	CHECK_INT(0, duty_is_on(d, "alice@h.org", utc(2024, 3, 4, 8, 59)),
	    "UTC: Monday 08:59 off");
	CHECK_INT(1, duty_is_on(d, "alice@h.org", utc(2024, 3, 8, 16, 59)),
	    "UTC: Friday 16:59 on");
	CHECK_INT(0, duty_is_on(d, "alice@h.org", utc(2024, 3, 8, 17, 0)),
	    "UTC: Friday 17:00 off (end excluded)");
	CHECK_INT(0, duty_is_on(d, "alice@h.org", utc(2024, 3, 9, 10, 0)),
	    "UTC: Saturday off");
	CHECK_INT(1, duty_is_on(d, "ALICE@h.org", utc(2024, 3, 5, 12, 0)),
	    "UTC: helper JID compared without case");
	CHECK_INT(0, duty_is_on(d, "bob@h.org", utc(2024, 3, 5, 12, 0)),
	    "UTC: another helper is not on");
	/* Friday evening: next start is Monday 09:00. */
	CHECK_INT(utc(2024, 3, 11, 9, 0),
	    duty_next_start(d, NULL, utc(2024, 3, 8, 18, 0)),
	    "UTC: next start after Friday evening is Monday 09:00");
	CHECK_INT(utc(2024, 3, 5, 9, 0),
	    duty_next_start(d, NULL, utc(2024, 3, 4, 9, 0)),
	    "UTC: next start is strictly after t");
	CHECK_INT(utc(2024, 3, 4, 9, 0),
	    duty_next_start(d, "alice@h.org", utc(2024, 3, 4, 2, 0)),
	    "UTC: next start for one helper, same day");
	CHECK_INT(-1, duty_next_start(d, "bob@h.org", utc(2024, 3, 4, 2, 0)),
	    "UTC: no shift for bob: -1");
	CHECK_INT(0, duty_format(d, utc(2024, 3, 4, 9, 0),
	    utc(2024, 3, 4, 2, 0), NULL, buf, sizeof(buf)), "format today");
	CHECK_STR("09:00", buf, "UTC: same day shows HH:MM");
	CHECK_INT(0, duty_format(d, utc(2024, 3, 11, 9, 0),
	    utc(2024, 3, 8, 18, 0), days, buf, sizeof(buf)), "format later");
	CHECK_STR("Monday 09:00", buf, "UTC: another day shows the weekday");
	CHECK_INT(-1, duty_format(d, utc(2024, 3, 11, 9, 0),
	    utc(2024, 3, 8, 18, 0), days, buf, 6), "format: too small is -1");
	CHECK_INT(0, duty_format(d, utc(2024, 3, 11, 9, 0),
	    utc(2024, 3, 8, 18, 0), NULL, buf, sizeof(buf)), "format: no names");
	CHECK_STR("09:00", buf, "UTC: no weekday names, the time alone");
	duty_free(d);
}

static void
test_midnight(void)
{
	struct duty *d;

	rota("UTC");
	shift("bob@h.org", SAT, 22, 0, 6, 0);
	shift("carol@h.org", WED, 8, 0, 8, 0);	/* 24 hours */
	d = duty_new(&cfg);
	/* 2024-03-09 is a Saturday, 2024-03-10 a Sunday. */
	CHECK_INT(1, duty_is_on(d, "bob@h.org", utc(2024, 3, 10, 3, 0)),
	    "midnight: Saturday 22:00-06:00 covers Sunday 03:00");
	CHECK_INT(1, duty_is_on(d, "bob@h.org", utc(2024, 3, 9, 23, 0)),
	    "midnight: covers Saturday 23:00");
	CHECK_INT(1, duty_is_on(d, "bob@h.org", utc(2024, 3, 10, 0, 0)),
	    "midnight: covers Sunday 00:00");
	CHECK_INT(0, duty_is_on(d, "bob@h.org", utc(2024, 3, 10, 6, 0)),
	    "midnight: Sunday 06:00 is the end");
	CHECK_INT(0, duty_is_on(d, "bob@h.org", utc(2024, 3, 9, 21, 59)),
	    "midnight: Saturday 21:59 off");
	CHECK_INT(0, duty_is_on(d, "bob@h.org", utc(2024, 3, 9, 3, 0)),
	    "midnight: Saturday 03:00 off (that is Friday's night)");
	CHECK_INT(0, duty_is_on(d, "bob@h.org", utc(2024, 3, 11, 3, 0)),
	    "midnight: Monday 03:00 off");
	CHECK_INT(utc(2024, 3, 16, 22, 0),
	    duty_next_start(d, "bob@h.org", utc(2024, 3, 10, 3, 0)),
	    "midnight: during the shift, next start is next Saturday");
	/* 2024-03-06 is a Wednesday. */
	CHECK_INT(1, duty_is_on(d, "carol@h.org", utc(2024, 3, 7, 7, 59)),
	    "whole day: Wednesday 08:00 to Thursday 07:59");
	CHECK_INT(0, duty_is_on(d, "carol@h.org", utc(2024, 3, 7, 8, 0)),
	    "whole day: ends Thursday 08:00");
	CHECK_INT(0, duty_is_on(d, "carol@h.org", utc(2024, 3, 6, 7, 59)),
	    "whole day: not before Wednesday 08:00");
	duty_free(d);
}

static void
test_paris(void)
{
	static const char *const jours[7] = { "lundi", "mardi", "mercredi",
	    "jeudi", "vendredi", "samedi", "dimanche" };
	struct duty *d;
	char buf[64];

	rota("Europe/Paris");
	shift("alice@h.org", EVERYDAY, 9, 0, 17, 0);
	d = duty_new(&cfg);
	CHECK(d != NULL, "Paris: duty_new");
	/* Winter (CET, UTC+1): 09:00 is 08:00 UTC. */
	CHECK_INT(0, duty_is_on(d, "alice@h.org", utc(2024, 1, 15, 7, 59)),
	    "Paris winter: 07:59 UTC is 08:59, off");
	CHECK_INT(1, duty_is_on(d, "alice@h.org", utc(2024, 1, 15, 8, 0)),
	    "Paris winter: 08:00 UTC is 09:00, on");
	/* Summer (CEST, UTC+2): 09:00 is 07:00 UTC. */
	CHECK_INT(1, duty_is_on(d, "alice@h.org", utc(2024, 7, 1, 7, 0)),
	    "Paris summer: 07:00 UTC is 09:00, on");
	CHECK_INT(0, duty_is_on(d, "alice@h.org", utc(2024, 7, 1, 15, 0)),
	    "Paris summer: 15:00 UTC is 17:00, off");
	/* Spring change, Sunday 2024-03-31 02:00 CET -> 03:00 CEST. */
	CHECK_INT(0, duty_is_on(d, "alice@h.org", utc(2024, 3, 30, 7, 30)),
	    "Paris: Saturday before the change, 07:30 UTC is 08:30, off");
	CHECK_INT(1, duty_is_on(d, "alice@h.org", utc(2024, 3, 31, 7, 0)),
	    "Paris: Sunday of the change, 07:00 UTC is 09:00, on");
	CHECK_INT(utc(2024, 3, 31, 7, 0),
	    duty_next_start(d, NULL, utc(2024, 3, 30, 20, 0)),
	    "Paris: next start across the spring change is 07:00 UTC");
	CHECK_INT(utc(2024, 3, 30, 8, 0),
	    duty_next_start(d, NULL, utc(2024, 3, 30, 1, 0)),
	    "Paris: the day before the change it is 08:00 UTC");
	/* Autumn change, Sunday 2024-10-27 03:00 CEST -> 02:00 CET. */
	CHECK_INT(1, duty_is_on(d, "alice@h.org", utc(2024, 10, 26, 7, 0)),
	    "Paris: Saturday before the autumn change, 07:00 UTC on");
	CHECK_INT(0, duty_is_on(d, "alice@h.org", utc(2024, 10, 27, 7, 30)),
	    "Paris: Sunday of the autumn change, 07:30 UTC is 08:30, off");
	CHECK_INT(utc(2024, 10, 27, 8, 0),
	    duty_next_start(d, NULL, utc(2024, 10, 26, 20, 0)),
	    "Paris: next start across the autumn change is 08:00 UTC");
	CHECK_INT(0, duty_format(d, utc(2024, 10, 27, 8, 0),
	    utc(2024, 10, 26, 20, 0), jours, buf, sizeof(buf)), "format");
	CHECK_STR("dimanche 09:00", buf,
	    "Paris: local time with the reader's weekday names");
	CHECK_INT(0, duty_format(d, utc(2024, 10, 27, 8, 0),
	    utc(2024, 10, 26, 22, 30), NULL, buf, sizeof(buf)), "format");
	CHECK_STR("09:00", buf,
	    "Paris: 22:30 UTC Saturday is already Sunday in Paris");
	duty_free(d);
}

static void
test_new_york(void)
{
	struct duty *d;

	rota("America/New_York");
	shift("alice@h.org", WEEKDAYS, 9, 0, 17, 0);
	d = duty_new(&cfg);
	CHECK(d != NULL, "New York: duty_new");
	/* EST (UTC-5) until Sunday 2024-03-10, then EDT (UTC-4). */
	CHECK_INT(1, duty_is_on(d, "alice@h.org", utc(2024, 3, 8, 14, 0)),
	    "New York: Friday 14:00 UTC is 09:00 EST, on");
	CHECK_INT(0, duty_is_on(d, "alice@h.org", utc(2024, 3, 8, 13, 30)),
	    "New York: Friday 13:30 UTC is 08:30 EST, off");
	CHECK_INT(1, duty_is_on(d, "alice@h.org", utc(2024, 3, 11, 13, 0)),
	    "New York: Monday 13:00 UTC is 09:00 EDT, on");
	CHECK_INT(utc(2024, 3, 11, 13, 0),
	    duty_next_start(d, NULL, utc(2024, 3, 8, 23, 0)),
	    "New York: next start over the DST weekend is Monday 13:00 UTC");
	CHECK_INT(0, duty_is_on(d, "alice@h.org", utc(2024, 3, 8, 22, 30)),
	    "New York: Friday 22:30 UTC is 17:30 EST, off");
	CHECK_INT(1, duty_is_on(d, "alice@h.org", utc(2024, 3, 8, 21, 30)),
	    "New York: Friday 21:30 UTC is 16:30 EST, on");
	duty_free(d);
}

static void
test_bad_zone(void)
{
	rota("Europe/Nowhere");
	CHECK(duty_new(&cfg) == NULL, "unknown zone refused");
	rota("../../etc/passwd");
	CHECK(duty_new(&cfg) == NULL, "zone with .. refused");
	rota("/etc/localtime");
	CHECK(duty_new(&cfg) == NULL, "absolute zone path refused");
}

static void
test_two_zones(void)
{
	static struct config_shift s1, s2;
	struct config c1, c2;
	struct duty *a, *b;

	memset(&c1, 0, sizeof(c1));
	memset(&c2, 0, sizeof(c2));
	s1.helper = s2.helper = (char *)"alice@h.org";
	s1.days = s2.days = EVERYDAY;
	s1.from_min = s2.from_min = 9 * 60;
	s1.to_min = s2.to_min = 10 * 60;
	c1.duty.timezone = (char *)"Europe/Paris";
	c1.duty.shifts = &s1;
	c1.duty.nshifts = 1;
	c2.duty.timezone = (char *)"America/New_York";
	c2.duty.shifts = &s2;
	c2.duty.nshifts = 1;
	a = duty_new(&c1);
	b = duty_new(&c2);
	CHECK_INT(1, duty_is_on(a, "alice@h.org", utc(2024, 1, 15, 8, 30)),
	    "two zones: Paris after New York was set");
	CHECK_INT(1, duty_is_on(b, "alice@h.org", utc(2024, 1, 15, 14, 30)),
	    "two zones: New York after Paris");
	CHECK_INT(0, duty_is_on(a, "alice@h.org", utc(2024, 1, 15, 14, 30)),
	    "two zones: Paris again");
	duty_free(a);
	duty_free(b);
}

int
main(void)
{
	test_utc_weekdays();
	test_midnight();
	test_paris();
	test_new_york();
	test_bad_zone();
	test_two_zones();
	return TAP_DONE();
}
