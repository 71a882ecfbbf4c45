/* util: memory, bounded strings, durations, files, growable buffers. */
#include "ac-config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <unistr.h>

#include "util.h"

static void
oom(void)
{
	fputs("secours: out of memory\n", stderr);
	abort();
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		oom();
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		oom();
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (q == NULL)
		oom();
	return q;
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

void
util_freezero(void *p, size_t n)
{
	if (p == NULL)
		return;
	explicit_bzero(p, n);
	free(p);
}

void
util_strfreezero(char *s)
{
	if (s != NULL)
		util_freezero(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *p = xmalloc(len + 1);

	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

size_t
util_strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size > 0) {
		size_t n = len < size - 1 ? len : size - 1;
		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

int
util_snprintf(char *dst, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(dst, size, fmt, ap);
	va_end(ap);
	return (n < 0 || (size_t)n >= size) ? -1 : 0;
}

int
util_parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	if (s == NULL || *s == '\0')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || end == s || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int
util_parse_duration(const char *s, long *seconds)
{
	static const struct { char unit; long mult; } units[] = {
		{ 's', 1 }, { 'm', 60 }, { 'h', 3600 }, { 'd', 86400 },
	};
	char num[32];
	size_t len;
	long mult = 1, v;

	if (s == NULL)
		return -1;
	len = strlen(s);
	if (len == 0 || len >= sizeof(num))
		return -1;
	memcpy(num, s, len + 1);
	for (size_t i = 0; i < ARRAY_LEN(units); i++) {
		if (num[len - 1] == units[i].unit) {
			mult = units[i].mult;
			num[--len] = '\0';
			break;
		}
	}
	if (len == 0 || num[0] < '0' || num[0] > '9')
		return -1;
	if (util_parse_long(num, 0, LONG_MAX / mult, &v) == -1)
		return -1;
	*seconds = v * mult;
	return 0;
}

int
util_strcasecmp(const char *a, const char *b)
{
	for (;; a++, b++) {
		int ca = (unsigned char)*a, cb = (unsigned char)*b;

		if (ca >= 'A' && ca <= 'Z')
			ca += 'a' - 'A';
		if (cb >= 'A' && cb <= 'Z')
			cb += 'a' - 'A';
		if (ca != cb || ca == 0)
			return ca - cb;
	}
}

char *
util_read_file(const char *path, size_t max, size_t *lenp)
{
	struct buf b;
	char chunk[8192];
	size_t n;
	FILE *f;

	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	buf_init(&b);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (b.len + n > max) {
			fclose(f);
			buf_release(&b);
			errno = EFBIG;
			return NULL;
		}
		buf_add(&b, chunk, n);
	}
	if (ferror(f)) {
		int saved = errno;
		fclose(f);
		buf_release(&b);
		errno = saved ? saved : EIO;
		return NULL;
	}
	fclose(f);
	if (lenp)
		*lenp = b.len;
	return buf_detach(&b);
}

int
util_write_atomic(const char *path, const void *data, size_t len, int mode)
{
	struct buf tmp;
	const char *p = data;
	int fd, saved;

	buf_init(&tmp);
	buf_addf(&tmp, "%s.tmpXXXXXX", path);
	if ((fd = mkstemp(tmp.s)) == -1)
		goto fail;
	if (fchmod(fd, (mode_t)mode) == -1)
		goto fail_fd;
	while (len > 0) {
		ssize_t w = write(fd, p, len);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			goto fail_fd;
		}
		p += w;
		len -= (size_t)w;
	}
	if (fsync(fd) == -1)
		goto fail_fd;
	if (close(fd) == -1) {
		fd = -1;
		goto fail_fd;
	}
	if (rename(tmp.s, path) == -1)
		goto fail_unlink;
	buf_release(&tmp);
	return 0;
fail_fd:
	saved = errno;
	if (fd != -1)
		close(fd);
	errno = saved;
fail_unlink:
	saved = errno;
	unlink(tmp.s);
	errno = saved;
fail:
	saved = errno;
	buf_release(&tmp);
	errno = saved;
	return -1;
}

size_t
util_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	ucs4_t c;
	int len;

	if (n == 0)
		return 0;
	if ((len = u8_mbtoucr(&c, s, n)) <= 0)
		return 0;
	*cp = c;
	return (size_t)len;
}

size_t
util_utf8_chars(const char *s)
{
	return u8_mbsnlen((const uint8_t *)s, strlen(s));
}

uint32_t
util_hash(const void *p, size_t n)
{
	const unsigned char *c = p;
	uint32_t h = 2166136261u;

	while (n-- > 0)
		h = (h ^ *c++) * 16777619u;
	return h;
}

uint32_t
util_hash_str(const char *s)
{
	return util_hash(s, strlen(s));
}

int
util_within_one(const char *a, size_t an, const char *b, size_t bn)
{
	size_t i = 0;

	if (an > bn + 1 || bn > an + 1)
		return 0;
	while (i < an && i < bn && a[i] == b[i])
		i++;
	if (i == an || i == bn)
		return 1;
	if (an == bn) {
		if (memcmp(a + i + 1, b + i + 1, an - i - 1) == 0)
			return 1;	/* substitution */
		return i + 1 < an && a[i] == b[i + 1] && a[i + 1] == b[i] &&
		    memcmp(a + i + 2, b + i + 2, an - i - 2) == 0;
	}
	if (an > bn)
		return memcmp(a + i + 1, b + i, an - i - 1) == 0;
	return memcmp(a + i, b + i + 1, bn - i - 1) == 0;
}

void
buf_add_utf8(struct buf *b, uint32_t c)
{
	uint8_t u[6];
	int n = u8_uctomb(u, c, sizeof(u));

	if (n > 0)
		buf_add(b, (const char *)u, (size_t)n);
}

void
buf_init(struct buf *b)
{
	b->cap = 64;
	b->len = 0;
	b->s = xmalloc(b->cap);
	b->s[0] = '\0';
}

static void
buf_grow(struct buf *b, size_t extra)
{
	if (b->s == NULL)
		buf_init(b);
	if (b->len + extra + 1 <= b->cap)
		return;
	while (b->len + extra + 1 > b->cap)
		b->cap *= 2;
	b->s = xrealloc(b->s, b->cap);
}

void
buf_add(struct buf *b, const char *s, size_t n)
{
	buf_grow(b, n);
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void
buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void
buf_addc(struct buf *b, char c)
{
	buf_add(b, &c, 1);
}

void
buf_vaddf(struct buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;

	buf_grow(b, 0);
	va_copy(ap2, ap);
	n = vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return;
	if ((size_t)n >= b->cap - b->len) {
		buf_grow(b, (size_t)n);
		n = vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
		if (n < 0)
			return;
	}
	b->len += (size_t)n;
}

void
buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	buf_vaddf(b, fmt, ap);
	va_end(ap);
}

void
buf_truncate(struct buf *b, size_t len)
{
	if (b->s != NULL && len < b->len) {
		b->len = len;
		b->s[len] = '\0';
	}
}

char *
buf_detach(struct buf *b)
{
	char *s;

	if (b->s == NULL)
		buf_init(b);
	s = b->s;
	b->s = NULL;
	b->len = b->cap = 0;
	return s;
}

void
buf_release(struct buf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}

void
buf_release_zero(struct buf *b)
{
	util_freezero(b->s, b->cap);
	b->s = NULL;
	b->len = b->cap = 0;
}
