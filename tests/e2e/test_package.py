#!/usr/bin/python3
"""The Debian package, as an admin meets it: scripts/build-deb builds
secours_*.deb from a copy of the checkout, lintian finds no error, `dpkg -i`
installs the binary, the guide, the unit, the user and the directories with
the right owners and modes, the example configuration passes `secours
--check` as the secours user, `systemd-analyze verify` accepts the unit, and
`dpkg --purge` leaves no file behind.

Needs root and dpkg-buildpackage with debhelper (scripts/deps.sh installs
them): otherwise it is skipped (exit 77). Also skipped when a secours package
is already installed here, which it would not touch. Holds a lock so that two
runs on one machine do not install over each other.
"""

import fcntl
import glob
import grp
import os
import pwd
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import time

from checks import check, failures, note, short

TOP = os.environ.get("TOP_SRCDIR") or os.path.dirname(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LOCK = "/tmp/secours-test-package.lock"


def ck(ok, what, detail=""):
    """A check; the detail (tool output) only when it failed."""
    return check(ok, what, short(detail, 400) if not ok else "")


def skip(why):
    print("# SKIP %s" % why)
    sys.exit(77)


def run(cmd, **kw):
    return subprocess.run(cmd, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, **kw)


def installed():
    r = run(["dpkg-query", "-W", "-f=${Status}", "secours"])
    return r.returncode == 0 and "installed" in r.stdout \
        and "not-installed" not in r.stdout


def mode_owner(path):
    st = os.lstat(path)
    return (stat.S_IMODE(st.st_mode), pwd.getpwuid(st.st_uid).pw_name,
            grp.getgrgid(st.st_gid).gr_name)


def check_mode(path, mode, user, group):
    try:
        got = mode_owner(path)
    except (OSError, KeyError) as e:
        ck(False, "%s is %o %s:%s" % (path, mode, user, group), str(e))
        return
    ck(got == (mode, user, group),
          "%s is %o %s:%s" % (path, mode, user, group),
          "got %o %s:%s" % got)


def build(out):
    t0 = time.monotonic()
    r = run(["nice", os.path.join(TOP, "scripts", "build-deb"), out])
    secs = time.monotonic() - t0
    note("scripts/build-deb: %.0f s" % secs)
    debs = glob.glob(os.path.join(out, "secours_*.deb"))
    if not ck(r.returncode == 0 and len(debs) == 1,
                 "scripts/build-deb builds one secours_*.deb",
                 r.stdout[-2000:]):
        return None
    lint = os.path.join(out, "lintian.txt")
    if os.path.exists(lint):
        with open(lint) as f:
            tags = [l.rstrip() for l in f if l[:2] in ("E:", "W:")]
        errors = [t for t in tags if t.startswith("E:")]
        for t in tags:
            note("lintian: " + t)
        ck(not errors, "lintian reports no error", "; ".join(errors))
    return debs[0]


def check_files():
    ck(os.access("/usr/bin/secours", os.X_OK),
          "the binary is /usr/bin/secours")
    check_mode("/usr/bin/secours", 0o755, "root", "root")
    for lang in ("en", "fr", "es"):
        pages = glob.glob("/usr/share/secours/replies/*.%s.md" % lang)
        ck(len(pages) >= 3, "guide pages in %s under "
              "/usr/share/secours/replies" % lang, "%d" % len(pages))
    ck(glob.glob("/usr/share/secours/replies/phrases/*.txt") != [],
          "the phrases are under /usr/share/secours/replies/phrases")
    unit = "/lib/systemd/system/secours.service"
    text = open(unit).read() if os.path.exists(unit) else ""
    ck("ExecStart=/usr/bin/secours -c /etc/secours/config.yaml\n" in text,
          "the unit runs /usr/bin/secours -c /etc/secours/config.yaml")
    ck("ConditionPathExists=/etc/secours/config.yaml\n" in text,
          "the unit waits for /etc/secours/config.yaml")
    ck("Type=notify\n" in text and "WatchdogSec=" in text,
       "the unit is Type=notify with a watchdog (built with libsystemd)")
    ck("ExecReload=" in text, "the unit can reload (ExecReload=)")
    for f in ("/usr/lib/sysusers.d/secours.conf",
              "/usr/lib/tmpfiles.d/secours.conf",
              "/usr/share/doc/secours/config.example.yaml",
              "/usr/share/doc/secours/copyright",
              "/usr/share/doc/secours/CREDITS.txt"):
        ck(os.path.isfile(f), "%s is installed" % f)
    mans = ("/usr/share/man/man8/secours.8.gz",
            "/usr/share/man/man5/secours.yaml.5.gz")
    if os.path.exists(os.path.join(TOP, "man")):
        for f in mans:
            ck(os.path.isfile(f), "%s is installed" % f)
    ck(os.path.exists("/etc/systemd/system/multi-user.target.wants/"
                         "secours.service"), "the service is enabled")


def check_user():
    try:
        pw = pwd.getpwnam("secours")
    except KeyError:
        ck(False, "installing made the user secours")
        return
    ck(True, "installing made the user secours")
    ck(pw.pw_uid < 1000, "secours is a system user", "uid %d" % pw.pw_uid)
    ck(pw.pw_dir == "/var/lib/secours", "its home is /var/lib/secours",
          pw.pw_dir)
    ck(pw.pw_shell in ("/usr/sbin/nologin", "/sbin/nologin"),
          "it has no login shell", pw.pw_shell)
    check_mode("/etc/secours", 0o750, "root", "secours")
    check_mode("/var/lib/secours", 0o700, "secours", "secours")


def check_config():
    """What the admin does next: copy the example, write the password."""
    shutil.copy("/usr/share/doc/secours/config.example.yaml",
                "/etc/secours/config.yaml")
    with open("/etc/secours/password", "w") as f:
        f.write("not the real password\n")
    # What tmpfiles does with z lines at boot, for the files made now.
    r = run(["systemd-tmpfiles", "--create", "secours.conf"])
    note("systemd-tmpfiles: %s" % (r.stdout.strip() or "ok"))
    check_mode("/etc/secours/password", 0o640, "root", "secours")
    r = run(["runuser", "-u", "secours", "--", "/usr/bin/secours", "-c",
             "/etc/secours/config.yaml", "--check"])
    ck(r.returncode == 0 and r.stdout.endswith("configuration OK\n") and
       re.search(r"guide: [1-9][0-9]* page", r.stdout) is not None and
       "error" not in r.stdout and "warn" not in r.stdout,
          "as secours, `secours --check` accepts the example configuration "
          "and reads the installed guide",
          r.stdout.strip())
    r = run(["runuser", "-u", "secours", "--", "/usr/bin/secours", "-c",
             "/etc/secours/config.yaml", "--fingerprint"])
    ck(r.returncode == 0 and "xmpp:helpdesk@example.org?otr-fingerprint="
          in r.stdout, "as secours, `secours --fingerprint` makes the key "
          "in the state directory", r.stdout.strip()[-300:])
    check_mode("/var/lib/secours/otr.private_key", 0o600, "secours",
               "secours")


def check_unit():
    if shutil.which("systemd-analyze") is None:
        note("systemd-analyze is not installed: unit not verified")
        return
    r = run(["systemd-analyze", "verify",
             "/lib/systemd/system/secours.service"])
    mine = [l for l in r.stdout.splitlines() if "secours" in l]
    ck(r.returncode == 0 and not mine,
          "systemd-analyze verify accepts the unit", r.stdout.strip()[-500:])


def purge(files):
    r = run(["dpkg", "--purge", "secours"])
    ck(r.returncode == 0, "dpkg --purge secours", r.stdout[-500:])
    left = [f for f in files if os.path.lexists(f) and not os.path.isdir(f)]
    ck(not left, "no file of the package is left", " ".join(left[:5]))
    for d in ("/etc/secours", "/var/lib/secours", "/usr/share/secours",
              "/usr/share/doc/secours",
              "/etc/systemd/system/multi-user.target.wants/secours.service"):
        ck(not os.path.lexists(d), "%s is gone" % d)


def main():
    if os.geteuid() != 0:
        skip("not root: cannot install a package")
    for tool in ("dpkg-buildpackage", "dh", "dpkg"):
        if shutil.which(tool) is None:
            skip("%s is not installed (scripts/deps.sh)" % tool)
    lock = open(LOCK, "w")
    fcntl.flock(lock, fcntl.LOCK_EX)
    if installed():
        skip("a secours package is installed on this machine; left alone")
    out = tempfile.mkdtemp(prefix="secours-pkg.")
    try:
        deb = build(out)
        if deb is None:
            return
        r = run(["dpkg", "-i", deb])
        if not ck(r.returncode == 0, "dpkg -i installs it",
                     r.stdout[-1000:]):
            run(["dpkg", "--purge", "secours"])
            return
        files = run(["dpkg", "-L", "secours"]).stdout.split()
        try:
            check_files()
            check_user()
            check_config()
            check_unit()
        finally:
            purge(files)
    finally:
        shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
    sys.exit(1 if failures() else 0)
