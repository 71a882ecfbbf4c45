/*
 * daemon: the running bot. Wires xmpp (bodies in and out), otr (encryption,
 * sessions), bot (what to say) and escalation together, executes the bot's
 * actions and runs the event loop until SIGTERM/SIGINT; SIGHUP reloads.
 *
 * Invariants: every BOT_SAY goes through otr_send(); every BOT_SAY_HELPER
 * through otr_send_pinned(); nothing else sends text.
 */
#ifndef SECOURS_DAEMON_H
#define SECOURS_DAEMON_H

struct config;

/* Runs until a termination signal; returns the exit status. On SIGHUP,
 * reloads cfg->path into *cfg (all or nothing; see reload() in daemon.c). */
int daemon_run(struct config *cfg);

#endif
