/* log: levelled logging, escaping of peer strings, keyed hashes of JIDs. */
#include "ac-config.h"
#include <sys/stat.h>
#include <fcntl.h>

#include <errno.h>
#include <gcrypt.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "jid.h"
#include "log.h"
#include "util.h"

#define LOG_VIS_MAX	80
#define LOG_NBUFS	8

static enum log_level	 log_level = LOGL_INFO;
static FILE		*log_file;	/* NULL: stderr */
static unsigned char	 peer_key[32];
static int		 peer_key_set;
static int		 peer_show;
/* per thread: OTR's worker threads log too */
static _Thread_local char rot[LOG_NBUFS][LOG_VIS_MAX * 4 + 16];
static _Thread_local unsigned rot_next;

static const char *const level_names[] = { "error", "warn", "info", "debug" };

int
log_init(enum log_level level, const char *file)
{
	log_level = level;
	if (file != NULL) {
		/* 0600 whatever the umask (the log names keyed peers, times
		 * and events); an older file open to others is tightened. */
		int fd = open(file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
		    0600);
		struct stat st;
		FILE *f;

		if (fd == -1)
			return -1;
		if (fstat(fd, &st) == 0 && (st.st_mode & 077) != 0 &&
		    st.st_uid == geteuid() && fchmod(fd, 0600) == -1) {
			close(fd);
			return -1;
		}
		if ((f = fdopen(fd, "a")) == NULL) {
			close(fd);
			return -1;
		}
		setvbuf(f, NULL, _IOLBF, 0);
		if (log_file != NULL)
			fclose(log_file);
		log_file = f;
	}
	return 0;
}

int
log_shows_jids(void)
{
	return peer_show;
}

void
log_set_level(enum log_level level)
{
	log_level = level;
}

enum log_level
log_get_level(void)
{
	return log_level;
}

int
log_level_parse(const char *s, enum log_level *out)
{
	for (size_t i = 0; i < ARRAY_LEN(level_names); i++) {
		if (strcmp(s, level_names[i]) == 0) {
			*out = (enum log_level)i;
			return 0;
		}
	}
	return -1;
}

void
log_set_peer_privacy(const unsigned char *key, size_t keylen, int show)
{
	if (key != NULL && keylen > 0) {
		memset(peer_key, 0, sizeof(peer_key));
		memcpy(peer_key, key, keylen < sizeof(peer_key) ?
		    keylen : sizeof(peer_key));
		peer_key_set = 1;
	}
	peer_show = show;
}

void
log_close(void)
{
	if (log_file != NULL) {
		fclose(log_file);
		log_file = NULL;
	}
}

static void log_emit(enum log_level, int, const char *, va_list)
    __attribute__((format(printf, 3, 0)));

static void
log_emit(enum log_level level, int with_errno, const char *fmt, va_list ap)
{
	FILE *out = log_file ? log_file : stderr;
	int saved = errno;
	char msg[1024];

	if (level > log_level)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (log_file != NULL) {
		char ts[32];
		time_t now = time(NULL);
		struct tm tm;

		gmtime_r(&now, &tm);
		strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
		fprintf(out, "%s ", ts);
	}
	if (with_errno)
		fprintf(out, "secours: %s: %s: %s\n", level_names[level], msg,
		    strerror(saved));
	else
		fprintf(out, "secours: %s: %s\n", level_names[level], msg);
	fflush(out);
	errno = saved;
}

#define LOG_FN(name, level, with_errno)				\
void								\
name(const char *fmt, ...)					\
{								\
	va_list ap;						\
	va_start(ap, fmt);					\
	log_emit(level, with_errno, fmt, ap);			\
	va_end(ap);						\
}

LOG_FN(log_error, LOGL_ERROR, 0)
LOG_FN(log_warn, LOGL_WARN, 1)
LOG_FN(log_warnx, LOGL_WARN, 0)
LOG_FN(log_info, LOGL_INFO, 0)
LOG_FN(log_debug, LOGL_DEBUG, 0)

void
fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_emit(LOGL_ERROR, 1, fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_emit(LOGL_ERROR, 0, fmt, ap);
	va_end(ap);
	exit(1);
}

static char *
rot_buf(void)
{
	return rot[rot_next++ % LOG_NBUFS];
}

const char *
log_vis(const char *s)
{
	static const char hex[] = "0123456789abcdef";
	char *out = rot_buf(), *o = out;
	size_t n = 0;

	if (s == NULL)
		return "(null)";
	for (; *s != '\0' && n < LOG_VIS_MAX; s++, n++) {
		unsigned char c = (unsigned char)*s;

		if (c >= 0x20 && c < 0x7f && c != '\\') {
			*o++ = (char)c;
		} else {
			*o++ = '\\';
			*o++ = 'x';
			*o++ = hex[c >> 4];
			*o++ = hex[c & 15];
		}
	}
	if (*s != '\0') {
		memcpy(o, "...", 3);
		o += 3;
	}
	*o = '\0';
	return out;
}

/*
 * HMAC-SHA256 (RFC 2104) of msg under peer_key, from two plain SHA-256
 * hashes: gcry_md_open() polls the system for entropy on every call
 * (getrusage, clock_gettime: about 8 us on a virtual machine), and every
 * handshake logs two keyed peers. Same result as GCRY_MD_FLAG_HMAC
 * (tests/unit/test_jid compares them). 0, or -1 when libgcrypt fails.
 */
static int
peer_hmac(const char *msg, unsigned char mac[32])
{
	unsigned char ipad[64], opad[64], inner[32];
	gcry_buffer_t iov[2];
	int rc = 0;

	memset(ipad, 0x36, sizeof(ipad));
	memset(opad, 0x5c, sizeof(opad));
	for (size_t i = 0; i < sizeof(peer_key); i++) {
		ipad[i] ^= peer_key[i];
		opad[i] ^= peer_key[i];
	}
	memset(iov, 0, sizeof(iov));
	iov[0].data = ipad;
	iov[0].len = sizeof(ipad);
	iov[1].data = (void *)(uintptr_t)msg;
	iov[1].len = strlen(msg);
	if (gcry_md_hash_buffers(GCRY_MD_SHA256, 0, inner, iov, 2) != 0)
		rc = -1;
	iov[0].data = opad;
	iov[1].data = inner;
	iov[1].len = sizeof(inner);
	if (rc == 0 && gcry_md_hash_buffers(GCRY_MD_SHA256, 0, mac, iov,
	    2) != 0)
		rc = -1;
	explicit_bzero(ipad, sizeof(ipad));
	explicit_bzero(opad, sizeof(opad));
	explicit_bzero(inner, sizeof(inner));
	return rc;
}

const char *
log_peer(const char *jid)
{
	unsigned char mac[32];
	char bare[JID_BARE_MAX + 1];
	const char *key = bare;
	char *out;

	if (jid == NULL)
		return "(none)";
	/* The whole bare JID is hashed, never a cut of it (two long JIDs
	 * must not share a hash). What is not a JID is hashed whole. */
	if (jid_bare_into(jid, bare, sizeof(bare)) != JID_OK)
		key = jid;
	if (peer_show)
		return log_vis(key);
	if (!gcry_control(GCRYCTL_INITIALIZATION_FINISHED_P))
		gcry_check_version(NULL);	/* offline modes: no OTRL_INIT */
	if (!peer_key_set) {
		gcry_randomize(peer_key, sizeof(peer_key), GCRY_STRONG_RANDOM);
		peer_key_set = 1;
	}
	if (peer_hmac(key, mac) == -1)
		return "p:????????";
	out = rot_buf();
	snprintf(out, 16, "p:%02x%02x%02x%02x", mac[0], mac[1], mac[2], mac[3]);
	return out;
}
