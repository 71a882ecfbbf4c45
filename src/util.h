/*
 * util: memory, bounded strings and a growable buffer, shared by every module.
 *
 * Invariants: the x* allocators never return NULL (they abort the process on
 * exhaustion, as libotr does); every buf is NUL-terminated after any call.
 */
#ifndef SECOURS_UTIL_H
#define SECOURS_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* New memory; caller frees. Abort on exhaustion. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* The one wipe for memory that held a person's words (consented text,
 * relayed text, held news): explicit_bzero, which the compiler may not
 * remove, then free. NULL is fine. */
void util_freezero(void *p, size_t n);
/* util_freezero() of a NUL-terminated string. */
void util_strfreezero(char *s);

/* Copies at most size-1 bytes and terminates; returns strlen(src), so a
 * result >= size means the copy was truncated. */
size_t util_strlcpy(char *dst, const char *src, size_t size);

/* snprintf that reports truncation: returns 0, or -1 if it did not fit. */
int util_snprintf(char *dst, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Parses a decimal integer in [min, max]; returns 0 or -1 on any junk. */
int util_parse_long(const char *s, long min, long max, long *out);

/* Parses "30s", "10m", "2h", "7d" (a bare number means seconds) into seconds.
 * Returns 0, or -1 if the text is not such a duration. */
int util_parse_duration(const char *s, long *seconds);

/* ASCII case-insensitive comparison, locale-independent. */
int util_strcasecmp(const char *a, const char *b);

/* Reads a whole file of at most max bytes. New string (NUL-terminated);
 * caller frees. Returns NULL with errno set (EFBIG when too large). */
char *util_read_file(const char *path, size_t max, size_t *len);

/* Writes data to path atomically: temp file in the same directory with the
 * given mode, fsync, rename. Returns 0 or -1 with errno set. */
int util_write_atomic(const char *path, const void *data, size_t len, int mode);

/* UTF-8, on libunistring. Decodes the sequence at s (n bytes available):
 * returns its length and sets *cp, or 0 for an invalid, overlong,
 * surrogate or truncated sequence. */
size_t util_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);
/* Code points in a valid UTF-8 string. */
size_t util_utf8_chars(const char *s);

/* FNV-1a of n bytes, and of a string: the one hash behind the tables
 * (peers, shards, user states, caches, word lists); callers mix or
 * reduce it as their table needs. */
uint32_t util_hash(const void *p, size_t n);
uint32_t util_hash_str(const char *s);

/* 1 if a (an bytes) and b (bn bytes) are at most one edit apart
 * (optimal string alignment: one letter added, dropped, changed, or two
 * neighbours swapped). */
int util_within_one(const char *a, size_t an, const char *b, size_t bn);

/* A growable NUL-terminated byte buffer. */
struct buf {
	char	*s;
	size_t	 len;
	size_t	 cap;
};

/* Empty string; append bytes, a string, a character or printf output
 * (the buffer grows; it is always NUL-terminated). */
void buf_init(struct buf *b);
void buf_add(struct buf *b, const char *s, size_t n);
void buf_adds(struct buf *b, const char *s);
void buf_addc(struct buf *b, char c);
void buf_addf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void buf_vaddf(struct buf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
/* Appends code point c encoded as UTF-8 (nothing if c is not one). */
void buf_add_utf8(struct buf *b, uint32_t c);
/* Cuts the string to len bytes (nothing if it is shorter). */
void buf_truncate(struct buf *b, size_t len);
/* The buffer's string; caller frees; the buffer is empty afterwards. */
char *buf_detach(struct buf *b);
/* Frees the string; the buffer is empty and can be used again. */
void buf_release(struct buf *b);
/* buf_release() that wipes the whole buffer first (see util_freezero). */
void buf_release_zero(struct buf *b);

#endif
