/* test_status: the status file and what --status makes of it: no JID
 * without log.show_jids, the STATUS= line, danger cases (how many, the
 * oldest wait, no words), a missing file, a dead writer, a stale file (hung
 * daemon), mode 0600. */
#include "ac-config.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "status.h"
#include "tap.h"
#include "util.h"

static struct status_helper helpers[] = {
	{ "alice@example.org", 1, "private" },
	{ "bob@example.org", 0, "offline" },
};

static void
snap_fill(struct status_snap *s)
{
	status_snap_init(s);
	s->online = 1;
	s->started = 1000;
	s->sessions = 12;
	s->waiting = 1;
	s->offered = 1;
	s->claimed = 1;
	s->helpers = helpers;
	s->nhelpers = 2;
}

/* Runs status_print on dir at now; its return, stdout and stderr. */
static int
print_at(const char *dir, time_t now, char *out, char *err, size_t size)
{
	FILE *o = tmpfile(), *e = tmpfile();
	int rc = status_print(dir, now, o, e);
	size_t n;

	rewind(o);
	rewind(e);
	n = fread(out, 1, size - 1, o);
	out[n] = '\0';
	n = fread(err, 1, size - 1, e);
	err[n] = '\0';
	fclose(o);
	fclose(e);
	return rc;
}

int
main(void)
{
	char dir[] = "/tmp/test_status.XXXXXX", out[4096], err[4096], path[512];
	struct status_snap s;
	struct stat st;
	char *line, *text;
	pid_t child;
	int rc;

	if (mkdtemp(dir) == NULL)
		return 99;
	snap_fill(&s);

	line = status_line(&s);
	CHECK_STR("serving; 3 open requests; 12 private conversations", line,
	    "STATUS= line: counts only");
	free(line);
	s.online = 0;
	s.waiting = s.offered = 0;
	s.sessions = 1;
	line = status_line(&s);
	CHECK_STR("offline, reconnecting; 1 open request; 1 private "
	    "conversation", line, "STATUS= line: offline, singulars");
	free(line);
	snap_fill(&s);

	text = status_text(&s, 0, 2000);
	CHECK(strstr(text, "example.org") == NULL,
	    "without show_jids the file names nobody");
	CHECK(strstr(text, "helper 1: on duty, private\n") != NULL &&
	    strstr(text, "helper 2: off duty, offline\n") != NULL,
	    "helpers by their place in the configuration");
	CHECK(strstr(text, "open requests: 3 (waiting 1, offered 1, claimed "
	    "1)\n") != NULL, "open requests by state");
	CHECK(strstr(text, "helpers on duty: 1 of 2, reachable: 1\n") != NULL,
	    "helpers on duty and reachable");
	CHECK(strstr(text, "danger cases: 0 open\n") != NULL,
	    "no danger case: 0 open, no wait");
	free(text);

	/* Danger cases: one claimed, two waiting since 1500 and 1800. */
	status_add_danger(&s, 1, 1000, 2000);
	line = status_line(&s);
	CHECK_STR("serving; 3 open requests, 1 in danger (none waiting); 12 "
	    "private conversations", line, "STATUS= line: danger, claimed");
	free(line);
	text = status_text(&s, 0, 2000);
	CHECK(strstr(text, "danger cases: 1 open, none waiting\n") != NULL,
	    "a claimed danger case waits for nobody");
	free(text);
	status_add_danger(&s, 0, 1800, 2000);
	status_add_danger(&s, 0, 1500, 2000);
	line = status_line(&s);
	CHECK_STR("serving; 3 open requests, 3 in danger (oldest waiting 500 "
	    "s); 12 private conversations", line,
	    "STATUS= line: danger cases and the oldest wait");
	free(line);
	text = status_text(&s, 0, 2000);
	CHECK(strstr(text, "danger cases: 3 open, oldest waiting 500 s\n") !=
	    NULL, "the file: danger cases, the oldest unclaimed one's wait");
	free(text);
	/* s17-fixr1: danger to come is said as such, not "in danger". */
	s.danger_later = 2;
	line = status_line(&s);
	CHECK_STR("serving; 3 open requests, 3 in danger (oldest waiting 500 "
	    "s), 2 with danger to come; 12 private conversations", line,
	    "STATUS= line: danger to come apart");
	free(line);
	text = status_text(&s, 0, 2000);
	CHECK(strstr(text, "danger cases: 3 open, oldest waiting 500 s\n"
	    "danger-to-come cases: 2 open\n") != NULL,
	    "the file: danger-to-come cases apart");
	free(text);
	s.danger_later = 0;
	status_add_danger(&s, 0, 2100, 2000);
	CHECK(s.danger == 4 && s.danger_wait == 500,
	    "a case opened after now (clock step) waits 0 s");
	snap_fill(&s);

	text = status_text(&s, 1, 2000);
	CHECK(strstr(text, "helper alice@example.org: on duty") != NULL,
	    "with show_jids the helpers' JIDs");
	free(text);

	rc = print_at(dir, 2000, out, err, sizeof(out));
	CHECK(rc == 1 && strstr(err, "not running") != NULL,
	    "no file: not running, 1");

	/* Written by this process (alive) at 2000. */
	text = status_text(&s, 0, 2000);
	CHECK_INT(0, status_write(dir, text), "status_write");
	free(text);
	(void)util_snprintf(path, sizeof(path), "%s/%s", dir, STATUS_FILE);
	CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600,
	    "the file is 0600");
	rc = print_at(dir, 2005, out, err, sizeof(out));
	CHECK(rc == 0 && strncmp(out, "running: pid ", 13) == 0 &&
	    strstr(out, "up 1005 s\n") != NULL &&
	    strstr(out, "xmpp: online\n") != NULL &&
	    strstr(out, "updated:") == NULL &&
	    strstr(out, "danger cases: 0 open\n") != NULL,
	    "fresh file of a live pid: running, 0");
	{
		size_t n = strlen(out);
		int blank = 0;

		for (const char *q = out; q != NULL && *q != '\0'; ) {
			if (strspn(q, " \t") == strcspn(q, "\n"))
				blank = 1;
			if ((q = strchr(q, '\n')) != NULL)
				q++;
		}
		CHECK(!blank && n > 0 && out[n - 1] == '\n' &&
		    n >= 28 && strcmp(out + n - 28,
		    "helper 2: off duty, offline\n") == 0,
		    "--status: no blank line, ends with the last helper");
	}
	/* Not readable (another user): not "not running". */
	if (geteuid() != 0) {
		CHECK(chmod(path, 0) == 0, "chmod 0 the status file");
		rc = print_at(dir, 2005, out, err, sizeof(out));
		CHECK(rc == 1 && strstr(err, "not running") == NULL &&
		    strstr(err, "Permission denied (run --status as the bot's "
		    "user or root)") != NULL,
		    "an unreadable status file: who can read it, 1");
		(void)chmod(path, 0600);
	} else
		SKIP("an unreadable status file", "root reads any file");
	rc = print_at(dir, 2000 + STATUS_STALE + 5, out, err, sizeof(out));
	CHECK(rc == 1 && strstr(err, "hung?") != NULL,
	    "a file older than STATUS_STALE: hung?, 1");

	/* Written by a process that has exited. */
	if ((child = fork()) == 0) {
		text = status_text(&s, 0, 3000);
		_exit(status_write(dir, text) == 0 ? 0 : 1);
	}
	waitpid(child, &rc, 0);
	rc = print_at(dir, 3001, out, err, sizeof(out));
	CHECK(rc == 1 && strstr(err, "not running") != NULL,
	    "the writer is gone: not running, 1");

	(void)unlink(path);
	(void)rmdir(dir);
	return TAP_DONE();
}
