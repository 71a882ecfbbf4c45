#!/usr/bin/python3
"""The daemon as systemd and an admin see it, against a real Prosody.

systemd's side, through a fake NOTIFY_SOCKET (a Unix datagram socket this
test binds) and WATCHDOG_USEC: READY=1 only once the bot is logged in, with
a STATUS= line; WATCHDOG=1 again and again from the event loop; STATUS=
following the desk (a private conversation opened); RELOADING=1 then READY=1
on SIGHUP; STOPPING=1 on SIGTERM.
(Those checks are left out in a build without libsystemd; the rest runs.)

The admin's side: `secours -c FILE --status` prints the desk (online,
conversations, open requests by state, danger cases, helpers on duty and
reachable) with no JID in it (log.show_jids is false), and says "not
running" once the bot is gone.

SIGTERM: the person's OTR session is ended (their client sees it finished),
the bot goes offline (its presence turns unavailable), the store passes
SQLite's integrity check with no WAL left over, exit 0 within 5 s.
"""

import os
import re
import socket
import sqlite3
import stat
import sys
import tempfile
import threading
import time

from checks import attempt, check, failures, note, short
from prosody import Prosody
from botproc import Bot, TOP_BUILDDIR
from otrclient import Client

SCALE = float(os.environ.get("SECOURS_TEST_TIMEOUT_SCALE", "1") or 1)
WATCHDOG_USEC = 400000


class Notify:
    """A fake systemd: binds a datagram socket, keeps what arrives."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="secours-notify-")
        self.path = os.path.join(self.dir, "notify.sock")
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(self.path)
        self.sock.settimeout(0.2)
        self.msgs = []          # (monotonic time, text, bot log so far)
        self.log_path = None
        self.lock = threading.Lock()
        self.done = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self.done:
            try:
                data = self.sock.recv(4096)
            except socket.timeout:
                continue
            except OSError:
                return
            log = ""
            if self.log_path and os.path.exists(self.log_path):
                with open(self.log_path, errors="replace") as f:
                    log = f.read()
            with self.lock:
                self.msgs.append((time.monotonic(),
                                  data.decode("utf-8", "replace"), log))

    def find(self, regex, since=0.0):
        rx = re.compile(regex, re.M)
        with self.lock:
            return [m for m in self.msgs if m[0] >= since and rx.search(m[1])]

    def wait(self, regex, timeout, since=0.0):
        deadline = time.monotonic() + timeout * SCALE
        while time.monotonic() < deadline:
            found = self.find(regex, since)
            if found:
                return found[0]
            time.sleep(0.05)
        return None

    def close(self):
        self.done = True
        self.sock.close()
        self.thread.join(2)
        try:
            os.unlink(self.path)
            os.rmdir(self.dir)
        except OSError:
            pass


def built_with_systemd():
    path = os.path.join(TOP_BUILDDIR, "ac-config.h")
    try:
        with open(path) as f:
            return re.search(r"^#define HAVE_LIBSYSTEMD 1", f.read(), re.M)
    except OSError:
        return False


def status(bot):
    rc, out, err = bot.run("--status")
    return rc, out, err


def admin_and_stop(bot, alice, fake, sd):
    """--status, SIGHUP (notifications if sd), SIGTERM."""
    # --status, as the admin runs it.
    time.sleep(1.0)
    deadline = time.monotonic() + 10 * SCALE
    while True:
        rc, out, err = status(bot)
        if "private conversations: 1" in out or \
                time.monotonic() > deadline:
            break
        time.sleep(0.5)
    note("--status:\n" + out.strip() + ("\n" + err.strip() if err else ""))
    check(rc == 0 and out.startswith("running: pid %d" % bot.pid),
          "--status: running, with the daemon's pid", short(out + err))
    check("xmpp: online\n" in out, "--status: online")
    check("private conversations: 1\n" in out,
          "--status: 1 private conversation")
    check("open requests: 0 (waiting 0, offered 0, claimed 0)\n" in out,
          "--status: open requests by state")
    check("danger cases: 0 open\n" in out, "--status: no danger case")
    check("helpers on duty: 0 of 1, reachable: 0\n" in out and
          "helper 1: off duty, offline\n" in out,
          "--status: helpers on duty and reachable")
    check("alice" not in out and "helper1" not in out and
          "example.test" not in out,
          "--status names nobody (log.show_jids is false)")
    sfile = os.path.join(bot.state_dir, "status")
    mode = stat.S_IMODE(os.stat(sfile).st_mode) if os.path.exists(sfile) else None
    check(mode == 0o600, "the status file is 0600",
          "%o" % mode if mode is not None else "missing")

    # SIGHUP: RELOADING=1, then READY=1 again.
    h0 = time.monotonic()
    since = bot.mark()
    bot.signal(__import__("signal").SIGHUP)
    check(attempt(bot.wait_log, r"reloaded: ", 10, since=since) is not None,
          "SIGHUP: reloaded")
    if sd:
        rel = fake.wait(r"^RELOADING=1$", 10, since=h0)
        again = fake.wait(r"^READY=1$", 10, since=h0)
        check(rel is not None and again is not None and again[0] >= rel[0],
              "SIGHUP: RELOADING=1, then READY=1 once reloaded",
              " | ".join(short(m[1], 40) for m in fake.find(".", h0)
                         if "WATCHDOG" not in m[1]))

    # SIGTERM.
    s0 = time.monotonic()
    rc, secs = bot.stop(timeout=10.0)
    note("SIGTERM to exit: %.2f s" % secs)
    check(rc == 0, "SIGTERM: exit status 0", "rc %s" % rc)
    check(secs < 5.0, "SIGTERM: exit within 5 s", "%.2f s" % secs)
    if sd:
        check(fake.find(r"^STOPPING=1$", s0) != [], "STOPPING=1 on SIGTERM")
    fin = attempt(alice.wait_state, bot.jid, "finished", timeout=5)
    check(fin is not None or alice.otr_state(bot.jid) == "finished",
          "SIGTERM ends the person's OTR session (their client sees "
          "it finished)", alice.otr_state(bot.jid))
    attempt(alice.wait_presence, bot.jid, "unavailable", timeout=5)
    check(alice.presence(bot.jid) == {},
          "SIGTERM: the bot goes offline (presence "
          "unavailable)", repr(alice.presence(bot.jid)))
    db = os.path.join(bot.state_dir, "secours.db")
    try:
        con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
        res = con.execute("PRAGMA integrity_check").fetchone()[0]
        con.close()
    except sqlite3.Error as e:
        res = str(e)
    check(res == "ok", "the store passes SQLite's integrity check", res)
    wal = db + "-wal"
    check(not os.path.exists(wal) or os.path.getsize(wal) == 0,
          "no WAL left over: the store was closed cleanly")
    rc, out, err = status(bot)
    check(rc == 1 and "not running" in err,
          "--status after the stop: not running, exit 1",
          short("%d %s %s" % (rc, out, err)))
    check(not bot.sanitizer_errors(), "no sanitizer reports")
    return 1 if failures() else 0


def notifyless(srv, bot, alice, fake):
    """A build without libsystemd: the same person, then the admin's side."""
    alice.connect()
    alice.subscribe(bot.jid)
    attempt(alice.wait_presence, bot.jid, timeout=10)
    alice.send_plain(bot.jid, "hello")
    attempt(alice.wait_encrypted, bot.jid, timeout=10)
    check(alice.otr_state(bot.jid) == "encrypted",
          "a person opens an OTR conversation")
    return admin_and_stop(bot, alice, fake, False)


def main():
    sd = built_with_systemd()
    if not sd:
        note("built without libsystemd: no notification checks")
    srv = Prosody()
    srv.register("alice", "alicepw")
    srv.register("helper1", "helperpw")
    srv.start()
    fake = Notify()
    bot = Bot(srv, config={
        "helpers": [{"jid": srv.jid("helper1"),
                     "fingerprints": ["00112233445566778899AABBCCDDEEFF00112233"]}],
    }, env={"NOTIFY_SOCKET": fake.path, "WATCHDOG_USEC": str(WATCHDOG_USEC)})
    fake.log_path = bot.log_path
    alice = Client(srv.jid("alice"), "alicepw", srv.port)
    try:
        t0 = time.monotonic()
        bot.start()
        if not sd:
            bot.wait_log(r"logged in as ", 15)
            check(fake.msgs == [], "no libsystemd: nothing sent to "
                  "NOTIFY_SOCKET")
            return notifyless(srv, bot, alice, fake)
        ready = fake.wait(r"^READY=1$", 15)
        check(ready is not None, "READY=1 arrives",
              "%d datagrams" % len(fake.msgs))
        if ready:
            note("READY=1 %.2f s after start" % (ready[0] - t0))
            check("logged in as" in ready[2],
                  "READY=1 only once the bot is logged in")
            check(re.search(r"^STATUS=serving; 0 open requests; 0 private "
                            r"conversations$", ready[1], re.M) is not None,
                  "READY=1 comes with STATUS=serving; 0 open requests; "
                  "0 private conversations", short(ready[1]))
        check(len(fake.find(r"^READY=1$")) == 1, "READY=1 is sent once")

        w0 = time.monotonic()
        time.sleep(2.0)
        pings = fake.find(r"^WATCHDOG=1$", w0)
        check(len(pings) >= 4, "WATCHDOG=1 again and again (>= 4 in 2 s, "
              "WATCHDOG_USEC %d)" % WATCHDOG_USEC, "%d" % len(pings))
        gaps = [b[0] - a[0] for a, b in zip(pings, pings[1:])]
        if gaps:
            check(max(gaps) < WATCHDOG_USEC / 1e6 * SCALE,
                  "no gap between pings as long as the watchdog interval",
                  "max %.3f s" % max(gaps))

        # A person opens a private conversation: STATUS= follows.
        alice.connect()
        alice.subscribe(bot.jid)
        attempt(alice.wait_presence, bot.jid, timeout=10)
        check(alice.presence(bot.jid) != {}, "the person sees the bot online (presence)",
              repr(alice.presence(bot.jid)))
        m0 = time.monotonic()
        alice.send_plain(bot.jid, "hello")
        enc = attempt(alice.wait_encrypted, bot.jid, timeout=10)
        check(enc is not None or alice.otr_state(bot.jid) == "encrypted",
              "a person opens an OTR conversation")
        st = fake.wait(r"^STATUS=serving; 0 open requests; 1 private "
                       r"conversation$", 10, since=m0)
        check(st is not None, "STATUS= follows: serving; 0 open requests; "
              "1 private conversation",
              " | ".join(short(m[1], 60) for m in fake.find("STATUS=", m0)))

        return admin_and_stop(bot, alice, fake, sd)
    finally:
        alice.close()
        bot.cleanup()
        fake.close()
        srv.cleanup()
    return 1 if failures() else 0


if __name__ == "__main__":
    sys.exit(main())
