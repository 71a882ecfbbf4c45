/* fuzz_common: what every fuzz target needs (see fuzz.h). */
#include "ac-config.h"

#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chat.h"
#include "fuzz.h"
#include "lang.h"
#include "log.h"
#include "util.h"

static char fuzz_dir[256];

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void
fuzz_cleanup(void)
{
	if (fuzz_dir[0] != '\0')
		nftw(fuzz_dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

const char *
fuzz_setup(void)
{
	const char *tmp = getenv("TMPDIR");
	int fd;

	if (fuzz_dir[0] != '\0')
		return fuzz_dir;
	if ((fd = open("/dev/null", O_RDONLY)) != -1) {
		dup2(fd, STDIN_FILENO);
		close(fd);
	}
	if (getenv("FUZZ_VERBOSE") == NULL)
		log_init(LOGL_ERROR, "/dev/null");
	else
		log_init(LOGL_DEBUG, NULL);
	/* tmpfs when there is one: fuzz_bot's case store syncs to disk. */
	if (tmp == NULL || *tmp == '\0')
		tmp = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
	if (util_snprintf(fuzz_dir, sizeof(fuzz_dir), "%s/secours-fuzz.XXXXXX",
	    tmp) == -1 || mkdtemp(fuzz_dir) == NULL) {
		perror("fuzz: mkdtemp");
		abort();
	}
	atexit(fuzz_cleanup);
	/* The languages' words (stopwords, commands): FUZZ_REPLIES, else
	 * the source tree's. */
	if (lang_load_dir(getenv("FUZZ_REPLIES") != NULL ?
	    getenv("FUZZ_REPLIES") : SRCDATADIR) == -1) {
		fprintf(stderr, "fuzz: no language data (set FUZZ_REPLIES)\n");
		abort();
	}
	return fuzz_dir;
}

char *
fuzz_strndup(const uint8_t *data, size_t size)
{
	char *s = xmalloc(size + 1);

	if (size > 0)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

void
fuzz_fail(const char *what, const char *text)
{
	const unsigned char *s = (const unsigned char *)text;

	fprintf(stderr, "\nfuzz: contract broken: %s\n  text: \"", what);
	for (; s != NULL && *s != '\0'; s++) {
		if (*s == '\n')
			fputs("\\n", stderr);
		else if (*s < 0x20 || *s >= 0x7f || *s == '"' || *s == '\\')
			fprintf(stderr, "\\x%02x", *s);
		else
			fputc(*s, stderr);
	}
	fputs("\"\n", stderr);
	fuzz_cleanup();		/* abort() skips atexit */
	fuzz_dir[0] = '\0';
	abort();
}

void
fuzz_check_chat(const char *what, const char *s)
{
	const char *why;

	if (s == NULL)
		fuzz_fail(what, "(NULL)");
	if (!chat_is_safe(s, &why)) {
		fprintf(stderr, "\nfuzz: %s %s", what, why);
		fuzz_fail(what, s);
	}
}

int
fuzz_utf8_valid(const char *text)
{
	const unsigned char *s = (const unsigned char *)text;

	while (*s != '\0') {
		uint32_t c, min;
		size_t n, i;

		if (s[0] < 0x80) {
			s++;
			continue;
		}
		if ((s[0] & 0xe0) == 0xc0) {
			n = 2; c = s[0] & 0x1f; min = 0x80;
		} else if ((s[0] & 0xf0) == 0xe0) {
			n = 3; c = s[0] & 0x0f; min = 0x800;
		} else if ((s[0] & 0xf8) == 0xf0) {
			n = 4; c = s[0] & 0x07; min = 0x10000;
		} else
			return 0;
		for (i = 1; i < n; i++) {
			if ((s[i] & 0xc0) != 0x80)
				return 0;
			c = (c << 6) | (s[i] & 0x3f);
		}
		if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
			return 0;
		s += n;
	}
	return 1;
}

int
fuzz_has_control(const char *text, const char *allowed)
{
	const unsigned char *s = (const unsigned char *)text;

	for (; *s != '\0'; s++)
		if ((*s < 0x20 || *s == 0x7f) && strchr(allowed, *s) == NULL)
			return 1;
	return 0;
}
