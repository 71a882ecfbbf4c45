#!/usr/bin/python3
"""End-to-end: the bot's cost per stranger does not grow with the number
of strangers it has heard from (issue 13, issue 9 point 2).

A real Prosody on 127.0.0.1 with an external component (XEP-0114), so
that one connection can speak as thousands of bare JIDs, and the bot with
limits.max_sessions 1024 (its presence, rate and people tables hold 8,192
strangers). Each stranger sends presence and a plaintext (the bot answers
with its notice). The bot's CPU time (utime + stime of its process) for
500 new strangers is measured first with an empty table, then again after
8,000 more strangers filled it: the second must stay within 1.5x the
first (each new stranger then evicts one); the cheapest of up to three
such batches counts, so one batch slowed by a busy machine does not fail
while a cost that grows with the table fails all three.
One line per check; exit 1 on failure.
"""
import hashlib
import os
import re
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
from checks import check, failures, note, run_world  # noqa: E402
from botproc import Bot  # noqa: E402

CROWD = "crowd.example.test"
SECRET = "crowdpw"
MEASURED = 500
FILL = 8000


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def cpu_s(pid):
    """utime + stime of pid, in seconds."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Crowd:
    """An XEP-0114 component connection; counts the notices received."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.sock.sendall((
            "<stream:stream xmlns='jabber:component:accept' "
            "xmlns:stream='http://etherx.jabber.org/streams' to='%s'>"
            % CROWD).encode())
        buf = b""
        while b" id=" not in buf or b">" not in buf.split(b" id=", 1)[1]:
            buf += self.sock.recv(4096)
        sid = re.search(rb" id=['\"]([^'\"]+)['\"]", buf).group(1).decode()
        digest = hashlib.sha1((sid + SECRET).encode()).hexdigest()
        self.sock.sendall(("<handshake>%s</handshake>" % digest).encode())
        while b"<handshake" not in buf:
            buf += self.sock.recv(4096)
        self.replies = 0
        self.lock = threading.Lock()
        self.sock.settimeout(None)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        tail = b""
        while True:
            try:
                data = self.sock.recv(65536)
            except OSError:
                return
            if not data:
                return
            data = tail + data
            n = data.count(b"<message")
            tail = data[-16:]
            n -= tail.count(b"<message")
            with self.lock:
                self.replies += n

    def count(self):
        with self.lock:
            return self.replies

    def strangers(self, bot_jid, first, n):
        out = []
        for i in range(first, first + n):
            who = "s%d@%s/r" % (i, CROWD)
            out.append("<presence from='%s' to='%s'/>"
                       "<message from='%s' to='%s' type='chat'>"
                       "<body>hello? (%d)</body></message>"
                       % (who, bot_jid, who, bot_jid, i))
            if len(out) == 100:
                self.sock.sendall("".join(out).encode())
                out = []
        if out:
            self.sock.sendall("".join(out).encode())

    def wait(self, n, timeout):
        end = time.monotonic() + timeout
        while self.count() < n and time.monotonic() < end:
            time.sleep(0.05)
        return self.count() >= n


def main():
    return run_world("secours-e2ecost-", run)


def run(tmp, srv, bots, clients):
    cport = free_port()
    srv.extra_config = ('Component "%s"\n'
                        '    component_secret = "%s"\n'
                        % (CROWD, SECRET))
    srv._write_config()
    with open(srv.config_path) as f:
        cfg = f.read()
    with open(srv.config_path, "w") as f:
        f.write(cfg.replace("component_ports = {}",
                            "component_ports = { %d }" % cport))
    srv.start()
    scale = float(os.environ.get("SECOURS_TEST_TIMEOUT_SCALE", "1"))
    bot = Bot(srv, user="bot", password="botpw", config={
        "limits": {"max_per_minute": 600, "max_sessions": 1024},
    })
    bots.append(bot)
    bot.start()
    bot.wait_log(r"logged in as ", timeout=20 * scale)
    crowd = Crowd(cport)

    def batch(first, n, what):
        want = crowd.count() + n
        c0 = cpu_s(bot.pid)
        crowd.strangers(bot.jid, first, n)
        ok = crowd.wait(want, 120 * scale)
        time.sleep(0.5)		# the bot's own tick, in both batches
        dt = cpu_s(bot.pid) - c0
        note("%s: %d strangers, %.2f s of the bot's CPU" % (what, n, dt))
        return ok, dt

    ok, first = batch(0, MEASURED, "empty tables")
    check(ok, "each stranger is answered (the notice)")
    ok, _ = batch(MEASURED, FILL, "filling")
    check(ok, "%d more strangers answered" % FILL)
    # A busy machine can slow one batch: up to three batches of new
    # strangers, the cheapest counts. A cost that grows with the table
    # slows every one of them.
    nextj = MEASURED + FILL
    full = None
    for _ in range(3):
        ok, dt = batch(nextj, MEASURED, "full tables")
        nextj += MEASURED
        if not ok:
            break
        full = dt if full is None else min(full, dt)
        if full <= 1.5 * first + 0.05:
            break
    check(ok, "and %d new ones, each evicting one" % MEASURED)
    full = full if full is not None else float("inf")
    check(full <= 1.5 * first + 0.05, "the cost per stranger does not grow "
          "with the strangers heard from",
          "%.2f s for %d with empty tables, %.2f s when full"
          % (first, MEASURED, full))
    rc, _ = bot.stop(timeout=5)
    check(rc == 0, "SIGTERM, exit 0", "rc %s" % rc)
    return 1 if failures() else 0


if __name__ == "__main__":
    sys.exit(main())
