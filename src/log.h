/*
 * log: levelled logging to standard error (systemd's journal) or a file.
 *
 * Invariants: nothing logged ever contains message text. Peer-supplied strings
 * go through log_vis() (escaped, bounded); a person's JID goes through
 * log_peer(), which prints a short keyed hash unless the admin opted in with
 * log.show_jids. fatal()/fatalx() are for start-up or impossible states only.
 */
#ifndef SECOURS_LOG_H
#define SECOURS_LOG_H

#include <stddef.h>

enum log_level {
	LOGL_ERROR = 0,
	LOGL_WARN,
	LOGL_INFO,
	LOGL_DEBUG,
};

/* Opens file for appending (NULL: standard error), creating it 0600
 * whatever the umask. Returns 0 or -1. */
int log_init(enum log_level level, const char *file);
void log_set_level(enum log_level level);
enum log_level log_get_level(void);
/* Parses "error" | "warn" | "info" | "debug"; returns 0 or -1. */
int log_level_parse(const char *s, enum log_level *out);
/* Key for log_peer's hashes (random per run unless set); show != 0 prints
 * JIDs in clear. */
void log_set_peer_privacy(const unsigned char *key, size_t keylen, int show);
/* Whether JIDs (and people's key fingerprints) are logged in clear. */
int log_shows_jids(void);
void log_close(void);

/* One line at each level, printf-like, when the level is shown; fatal
 * and fatalx also exit. */
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* log_warn appends strerror(errno); log_warnx does not. */
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void fatal(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));
void fatalx(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));

/* Borrowed: one of 8 rotating static buffers, valid for the next 7 calls.
 * Control characters and non-ASCII bytes escaped, cut to 80 bytes. */
const char *log_vis(const char *s);
/* Borrowed, as log_vis. "p:" + 8 hex digits of a keyed hash of the bare,
 * lower-cased JID, or the JID itself (escaped) when show_jids is on. */
const char *log_peer(const char *jid);

#endif
