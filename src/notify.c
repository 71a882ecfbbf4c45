/* notify: systemd service notifications (see notify.h). */
#include "ac-config.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#ifdef HAVE_LIBSYSTEMD
#include <systemd/sd-daemon.h>
#endif

#include "log.h"
#include "notify.h"
#include "util.h"

#define STATUS_MAX	256

static uint64_t	watchdog_usec;		/* 0: no watchdog */
static uint64_t	watchdog_last;		/* monotonic µs of the last ping */
static char	last_status[STATUS_MAX];

static uint64_t
now_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

#ifdef HAVE_LIBSYSTEMD
static void
send_state(const char *state)
{
	int rc = sd_notify(0, state);

	if (rc < 0)
		log_debug("sd_notify: %s", strerror(-rc));
}
#else
static void
send_state(const char *state)
{
	(void)state;
}
#endif

void
notify_init(void)
{
#ifdef HAVE_LIBSYSTEMD
	uint64_t usec = 0;

	if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0) {
		watchdog_usec = usec;
		log_info("systemd watchdog: every %llu ms",
		    (unsigned long long)(usec / 1000));
	}
#endif
	watchdog_last = 0;
	last_status[0] = '\0';
}

void
notify_ready(const char *status)
{
	char msg[STATUS_MAX + 32];

	(void)util_snprintf(msg, sizeof(msg), "READY=1\nSTATUS=%s",
	    status != NULL ? status : "serving");
	send_state(msg);
	util_strlcpy(last_status, status != NULL ? status : "serving",
	    sizeof(last_status));
}

void
notify_status(const char *status)
{
	char msg[STATUS_MAX + 16];

	if (status == NULL || strcmp(status, last_status) == 0)
		return;
	util_strlcpy(last_status, status, sizeof(last_status));
	(void)util_snprintf(msg, sizeof(msg), "STATUS=%s", status);
	send_state(msg);
}

void
notify_reloading(void)
{
	send_state("RELOADING=1\nSTATUS=reloading the configuration");
	last_status[0] = '\0';
}

void
notify_stopping(void)
{
	send_state("STOPPING=1\nSTATUS=stopping");
}

void
notify_watchdog(void)
{
	uint64_t now;

	if (watchdog_usec == 0)
		return;
	now = now_usec();
	if (watchdog_last != 0 && now - watchdog_last < watchdog_usec / 4)
		return;
	watchdog_last = now;
	send_state("WATCHDOG=1");
}

int
notify_available(void)
{
#ifdef HAVE_LIBSYSTEMD
	return 1;
#else
	return 0;
#endif
}
