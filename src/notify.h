/*
 * notify: tells systemd what the daemon is doing (sd_notify(3)): READY=1,
 * STATUS=, RELOADING=1, STOPPING=1 and the watchdog's WATCHDOG=1. Built
 * with libsystemd (configure --with-systemd); without it, or outside a
 * Type=notify unit (no NOTIFY_SOCKET), every function does nothing.
 *
 * Invariants: a STATUS= line never names a person (counts only); READY=1 is
 * sent once per start and again after each reload.
 */
#ifndef SECOURS_NOTIFY_H
#define SECOURS_NOTIFY_H

/* Reads the watchdog interval (WATCHDOG_USEC) once. */
void notify_init(void);
/* READY=1 with a STATUS= line (the first time, or after a reload). */
void notify_ready(const char *status);
/* STATUS=text, when it differs from the last one sent. */
void notify_status(const char *status);
/* RELOADING=1 (a SIGHUP is being applied). */
void notify_reloading(void);
/* STOPPING=1. */
void notify_stopping(void);
/* WATCHDOG=1, at most every quarter of WatchdogSec; call it from the loop. */
void notify_watchdog(void);
/* 1 if built with libsystemd. */
int notify_available(void);

#endif
