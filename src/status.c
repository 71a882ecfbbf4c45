/* status: the status file and the STATUS= line (see status.h). */
#include "ac-config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "status.h"
#include "util.h"

#define STATUS_READ_MAX	(256 * 1024)

static int write_failed;	/* logged once until a write works */

static size_t
open_requests(const struct status_snap *s)
{
	return s->waiting + s->offered + s->claimed;
}

void
status_snap_init(struct status_snap *s)
{
	memset(s, 0, sizeof(*s));
	s->danger_wait = -1;
}

/*
 * The caller decides what is a danger case: the store keeps the kind
 * (enum esc_danger); danger now and self-harm count here alike, danger to
 * come (an arrest tomorrow) in s->danger_later, by the caller.
 */
void
status_add_danger(struct status_snap *s, int claimed, time_t opened,
    time_t now)
{
	long wait = now > opened ? (long)(now - opened) : 0;

	s->danger++;
	if (!claimed && wait > s->danger_wait)
		s->danger_wait = wait;
}

char *
status_line(const struct status_snap *s)
{
	struct buf b;
	size_t n = open_requests(s);

	buf_init(&b);
	buf_addf(&b, "%s; %zu open request%s",
	    s->online ? "serving" : "offline, reconnecting", n,
	    n == 1 ? "" : "s");
	if (s->danger > 0 && s->danger_wait >= 0)
		buf_addf(&b, ", %zu in danger (oldest waiting %ld s)",
		    s->danger, s->danger_wait);
	else if (s->danger > 0)
		buf_addf(&b, ", %zu in danger (none waiting)", s->danger);
	if (s->danger_later > 0)
		buf_addf(&b, ", %zu with danger to come", s->danger_later);
	buf_addf(&b, "; %zu private conversation%s", s->sessions,
	    s->sessions == 1 ? "" : "s");
	return buf_detach(&b);
}

char *
status_text(const struct status_snap *s, int show_jids, time_t now)
{
	struct buf b;
	size_t on = 0, reach = 0;

	for (size_t i = 0; i < s->nhelpers; i++) {
		if (!s->helpers[i].on_duty)
			continue;
		on++;
		if (strcmp(s->helpers[i].reach, "online") == 0 ||
		    strcmp(s->helpers[i].reach, "private") == 0)
			reach++;
	}
	buf_init(&b);
	buf_addf(&b, "pid: %ld\n", (long)getpid());
	buf_addf(&b, "updated: %lld\n", (long long)now);
	buf_addf(&b, "started: %lld\n", (long long)s->started);
	buf_addf(&b, "xmpp: %s\n", s->online ? "online" : "offline");
	buf_addf(&b, "private conversations: %zu\n", s->sessions);
	buf_addf(&b, "open requests: %zu (waiting %zu, offered %zu, "
	    "claimed %zu)\n", open_requests(s), s->waiting, s->offered,
	    s->claimed);
	buf_addf(&b, "danger cases: %zu open", s->danger);
	if (s->danger_wait >= 0)
		buf_addf(&b, ", oldest waiting %ld s\n", s->danger_wait);
	else
		buf_addf(&b, s->danger > 0 ? ", none waiting\n" : "\n");
	if (s->danger_later > 0)
		buf_addf(&b, "danger-to-come cases: %zu open\n",
		    s->danger_later);
	buf_addf(&b, "helpers on duty: %zu of %zu, reachable: %zu\n", on,
	    s->nhelpers, reach);
	for (size_t i = 0; i < s->nhelpers; i++) {
		if (show_jids)
			buf_addf(&b, "helper %s: ", s->helpers[i].jid);
		else
			buf_addf(&b, "helper %zu: ", i + 1);
		buf_addf(&b, "%s, %s\n", s->helpers[i].on_duty ? "on duty" :
		    "off duty", s->helpers[i].reach);
	}
	return buf_detach(&b);
}

/*
 * Not util_write_atomic(): that one fsyncs, and this file is rewritten every
 * few seconds and worth nothing after a crash.
 */
int
status_write(const char *state_dir, const char *text)
{
	struct buf path, tmp;
	size_t len = strlen(text);
	int fd, rc = -1;

	buf_init(&path);
	buf_init(&tmp);
	buf_addf(&path, "%s/%s", state_dir, STATUS_FILE);
	buf_addf(&tmp, "%s/.%s.tmp", state_dir, STATUS_FILE);
	fd = open(tmp.s, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
	    0600);
	if (fd == -1)
		goto out;
	if (write(fd, text, len) != (ssize_t)len) {
		close(fd);
		(void)unlink(tmp.s);
		goto out;
	}
	if (close(fd) == -1 || rename(tmp.s, path.s) == -1) {
		(void)unlink(tmp.s);
		goto out;
	}
	rc = 0;
out:
	if (rc == -1 && !write_failed)
		log_warn("cannot write the status file %s", log_vis(path.s));
	write_failed = rc == -1;
	buf_release(&path);
	buf_release(&tmp);
	return rc;
}

/* The value of "name: " in text, as a number; -1 if absent. */
static long long
field(const char *text, const char *name)
{
	size_t n = strlen(name);
	const char *p = text;
	char *end;
	long long v;

	while (p != NULL && *p != '\0') {
		if (strncmp(p, name, n) == 0 && p[n] == ':' && p[n + 1] == ' ') {
			errno = 0;
			v = strtoll(p + n + 2, &end, 10);
			if (errno != 0 || end == p + n + 2 || v < 0)
				return -1;
			return v;
		}
		p = strchr(p, '\n');
		if (p != NULL)
			p++;
	}
	return -1;
}

int
status_print(const char *state_dir, time_t now, FILE *out, FILE *err)
{
	struct buf path;
	char *text = NULL;
	size_t len;
	long long pid, updated, started;
	int alive;
	const char *p;

	buf_init(&path);
	buf_addf(&path, "%s/%s", state_dir, STATUS_FILE);
	if ((text = util_read_file(path.s, STATUS_READ_MAX, &len)) == NULL) {
		/* Not readable is not "not running": say who can read it. */
		if (errno == EACCES || errno == EPERM)
			fprintf(err, "secours: cannot read %s: %s (run --status "
			    "as the bot's user or root)\n", path.s,
			    strerror(errno));
		else
			fprintf(err, "secours: not running (no status in %s: "
			    "%s)\n", state_dir, strerror(errno));
		buf_release(&path);
		return 1;
	}
	buf_release(&path);
	pid = field(text, "pid");
	updated = field(text, "updated");
	started = field(text, "started");
	alive = pid > 0 && (kill((pid_t)pid, 0) == 0 || errno == EPERM);
	if (!alive || updated < 0) {
		fprintf(err, "secours: not running (its last status is from "
		    "%lld s ago)\n", updated < 0 ? -1LL :
		    (long long)now - updated);
		free(text);
		return 1;
	}
	if ((long long)now - updated > STATUS_STALE) {
		fprintf(err, "secours: pid %lld is not updating its status "
		    "(last %lld s ago): hung?\n", pid, (long long)now - updated);
		free(text);
		return 1;
	}
	fprintf(out, "running: pid %lld, up %lld s\n", pid,
	    started > 0 ? (long long)now - started : 0LL);
	/* The rest as written, without the lines only this reader needs. */
	for (p = text; *p != '\0'; ) {
		const char *nl = strchr(p, '\n');
		size_t n = nl != NULL ? (size_t)(nl - p) : strlen(p);

		if (strncmp(p, "pid: ", 5) != 0 &&
		    strncmp(p, "updated: ", 9) != 0 &&
		    strncmp(p, "started: ", 9) != 0)
			fprintf(out, "%.*s\n", (int)n, p);
		p += n;
		if (*p == '\n')
			p++;
	}
	free(text);
	return 0;
}
