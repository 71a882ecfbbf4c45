#!/usr/bin/python3
"""End-to-end: a real OTR client (Profanity, libotr) talks to the bot.

Profanity runs in tmux (a private server socket, a temp HOME) against a
real Prosody on 127.0.0.1 (plaintext); the test types into it and reads
the screen (capture-pane). A person who writes in clear gets the notice,
whose query makes Profanity start OTR by itself; questions get answers on
screen; `/otr theirfp` is `secours --fingerprint`; SMP asked by the person
(wrong, then right secret) and by the bot (VERIFY, `/otr answer`); after a
successful check a new `/otr start` is trusted; `/otr end` and writing
again in clear (the bot's query restarts OTR at once, even inside the
refusal cooldown); STOP and writing again (the session stays); the bot is
killed and restarted (Profanity re-keys on the bot's error and query, the
resent question is answered); the bot's SIGTERM ends the session; `/quit`.
Profanity's DEBUG log holds every stanza: the bot sent nothing but ?OTR
bodies after its notice. Exit 77 (skip) without profanity or tmux.
One line per check; exit 1 on any failure.
"""

import html
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from checks import check, failures, finish  # noqa: E402

_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(_HERE, "..", "lib"))
from checks import private_tmp, SCALE as _SCALE  # noqa: E402
RUN_DIR = private_tmp("e2eotr-run-")
from world import (DESK_QUESTION as QUESTION,  # noqa: E402
                   DESK_SECRET as SECRET, SOURCE)

AGAIN = "how do I verify the fingerprint of the desk?"


def short(s, n=70):
    s = (s or "").replace("\n", " | ")
    return s if len(s) <= n else s[:n] + "..."


class Profanity:
    """Profanity in a detached tmux session on a private server socket."""

    def __init__(self, srv, user, password):
        self.home = tempfile.mkdtemp(prefix="secours-prof-")
        os.chmod(self.home, 0o700)
        self.data = os.path.join(self.home, ".local", "share", "profanity")
        os.makedirs(self.data)
        os.makedirs(os.path.join(self.home, ".config"))
        with open(os.path.join(self.data, "accounts"), "w") as f:
            f.write("[%s]\nenabled=true\njid=%s\nserver=127.0.0.1\nport=%d\n"
                    "tls.policy=disable\npassword=%s\notr.policy=manual\n"
                    % (user, srv.jid(user), srv.port, password))
        self.log_path = os.path.join(self.data, "logs", "profanity.log")
        self.sock = "secours-test-%d" % os.getpid()
        self.user = user
        self.pid = None
        self.socket_path = None

    def tmux(self, *args, timeout=10):
        return subprocess.run(["tmux", "-L", self.sock] + list(args),
                              stdin=subprocess.DEVNULL, capture_output=True,
                              text=True, timeout=timeout)

    def start(self):
        h = self.home
        cmd = ("env HOME=%s XDG_CONFIG_HOME=%s/.config "
               "XDG_DATA_HOME=%s/.local/share TERM=xterm-256color "
               "profanity -l DEBUG -a %s" % (h, h, h, self.user))
        r = self.tmux("-f", "/dev/null", "new-session", "-d", "-s", "prof",
                      "-x", "220", "-y", "80", cmd)
        if r.returncode != 0:
            raise RuntimeError("tmux new-session failed: %s" % r.stderr)
        r = self.tmux("list-panes", "-t", "prof", "-F",
                      "#{pane_pid} #{socket_path}")
        pid, self.socket_path = r.stdout.split(None, 1)
        self.pid = int(pid)
        self.socket_path = self.socket_path.strip()

    def screen(self):
        """The visible screen, wrapped lines joined (Profanity redraws in
        place: there is no terminal scrollback to read)."""
        return self.tmux("capture-pane", "-p", "-J", "-t", "prof").stdout

    def type(self, text):
        self.tmux("send-keys", "-t", "prof", "-l", text)
        self.tmux("send-keys", "-t", "prof", "Enter")

    def clear(self):
        """/clear the current window, so that waits see only new output."""
        self.type("/clear")
        time.sleep(0.15)

    def wait(self, needle, timeout=10.0, after=0):
        """Wait until needle (str or compiled regex) occurs more than `after`
        times on the visible screen. Returns the screen, or None when time
        runs out."""
        deadline = time.monotonic() + timeout * _SCALE
        while True:
            s = self.screen()
            n = len(needle.findall(s)) if hasattr(needle, "findall") else s.count(needle)
            if n > after:
                return s
            if time.monotonic() >= deadline:
                return None
            time.sleep(0.1)

    def running(self):
        if self.pid is None:
            return False
        try:
            os.kill(self.pid, 0)
        except OSError:
            return False
        try:
            with open("/proc/%d/stat" % self.pid) as f:
                return f.read().split(")")[-1].split()[0] != "Z"
        except OSError:
            return False

    def log(self):
        try:
            with open(self.log_path, encoding="utf-8", errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def stop(self):
        """Kill profanity (by PID) if it still runs, then our tmux server."""
        if self.running():
            try:
                os.kill(self.pid, signal.SIGTERM)
            except OSError:
                pass
            for _ in range(20):
                if not self.running():
                    break
                time.sleep(0.05)
            if self.running():
                try:
                    os.kill(self.pid, signal.SIGKILL)
                except OSError:
                    pass
        self.tmux("kill-server")
        # tmux leaves the socket file behind once the server is gone.
        if self.socket_path and os.path.basename(self.socket_path) == self.sock:
            try:
                os.unlink(self.socket_path)
            except OSError:
                pass

    def cleanup(self):
        self.stop()
        if os.environ.get("KEEP_TMP") != "1":
            shutil.rmtree(self.home, ignore_errors=True)


_ENTRY = re.compile(r"^(?=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)", re.M)
_STANZA = re.compile(r"DBG: (SENT|RECV): (<message\b.*)", re.S)
_BODY = re.compile(r"<body(?:\s[^>]*)?>(.*?)</body>", re.S)
_ATTR = r"""\b%s=(?:"([^"]*)"|'([^']*)')"""


def attr(tag, name):
    m = re.search(_ATTR % name, tag)
    return html.unescape(m.group(1) if m.group(1) is not None else m.group(2)) if m else None


def log_messages(text):
    """(direction, from, to, body) of every <message> with a body in
    Profanity's DEBUG log."""
    out = []
    for entry in _ENTRY.split(text):
        m = _STANZA.search(entry)
        if not m:
            continue
        stanza = m.group(2)
        head = stanza[:stanza.find(">") + 1]
        b = _BODY.search(stanza)
        if b is None:
            continue
        out.append((m.group(1), attr(head, "from") or "", attr(head, "to") or "",
                    html.unescape(b.group(1))))
    return out


def tail(prof, n=400):
    return short(prof.screen().rstrip()[-n:], n)


def run(srv, bot, prof, fp):
    """The session. Profanity redraws its window (no terminal scrollback),
    so each step clears the chat window (/clear) and waits for its own
    output on the visible screen."""
    jid = bot.jid
    t0 = time.monotonic()
    prof.start()
    s = prof.wait("logged in successfully", timeout=15)
    check(s is not None, "Profanity logs in (%.2f s)" % (time.monotonic() - t0),
          tail(prof))
    if s is None:
        return
    t0 = time.monotonic()
    prof.type("/otr gen")
    check(prof.wait("Private key generation complete", timeout=20) is not None,
          "/otr gen (%.2f s)" % (time.monotonic() - t0))
    prof.type("/msg " + jid)
    time.sleep(0.3)

    # A person who writes in clear: the notice's query makes Profanity's
    # libotr start OTR by itself.
    t0 = time.monotonic()
    prof.type("hello, can you help me")
    s = prof.wait("OTR session started (untrusted)", timeout=10)
    check(s is not None, "plaintext -> the bot's notice -> Profanity starts "
          "OTR by itself: \"OTR session started (untrusted)\" (%.2f s)"
          % (time.monotonic() - t0), tail(prof))
    s = prof.wait(fp, timeout=5)
    check(s is not None, "the greeting shows the bot's fingerprint on screen")
    print("# Profanity's screen: the notice text is %s" %
          ("shown" if "only answers in private" in (s or "") else
           "not shown (libotr hides a query message)"))

    # Questions: answers are paged and open with the source line.
    for q in ("how do I verify the fingerprint of the desk?",
              "what should I do if my phone was stolen?"):
        prof.clear()
        t0 = time.monotonic()
        prof.type(q)
        s = prof.wait(SOURCE, timeout=5)
        line = [l for l in (s or "").splitlines() if SOURCE in l]
        check(s is not None, "question -> answer on screen (%.2f s): %s"
              % (time.monotonic() - t0, short(line[-1].strip() if line else "", 60)), q)

    # The bot's fingerprint as Profanity sees it.
    prof.clear()
    prof.type("/otr theirfp")
    fp_rx = re.compile(r"OTR fingerprint: ([0-9A-F]{8}(?: [0-9A-F]{8}){4})")
    s = prof.wait(fp_rx, timeout=5)
    seen = fp_rx.findall(s)[-1] if s else None
    check(seen == fp, "/otr theirfp = secours --fingerprint", (seen, fp))

    # SMP asked by the person: wrong secret, then the right one. Profanity
    # splits arguments on spaces unless quoted: a secret with a space must
    # be typed in quotes.
    prof.clear()
    t0 = time.monotonic()
    prof.type('/otr question "%s" "%s"' % (QUESTION, "lighthouse 42"))
    s = prof.wait(re.compile(r"Authentication failed|failed to authenticate|"
                             r"SMP session aborted"), timeout=10)
    s2 = prof.wait("didn't pass", timeout=5)
    check(s is not None and s2 is not None,
          "/otr question, wrong secret: Profanity reports failure and the bot "
          "says the check didn't pass (%.2f s)" % (time.monotonic() - t0), tail(prof))
    prof.clear()
    t0 = time.monotonic()
    prof.type('/otr question "%s" "%s"' % (QUESTION, SECRET))
    s = prof.wait("Authentication successful", timeout=10)
    s2 = prof.wait("I answered your question", timeout=5)
    check(s is not None and s2 is not None,
          "/otr question, right secret: \"Authentication successful\", and "
          "the bot says it answered (%.2f s)" % (time.monotonic() - t0), tail(prof))
    check(prof.wait("OTR session trusted", timeout=3) is not None,
          "Profanity now trusts the bot")

    # SMP asked by the bot.
    prof.clear()
    t0 = time.monotonic()
    prof.type("VERIFY")
    s = prof.wait("wants to authenticate your identity", timeout=10)
    check(s is not None and QUESTION in s,
          "VERIFY: Profanity shows the bot's question", tail(prof))
    prof.type('/otr answer "%s"' % SECRET)
    s = prof.wait("Check passed", timeout=10)
    check(s is not None, "/otr answer with the secret: the bot says the check "
          "passed (%.2f s)" % (time.monotonic() - t0), tail(prof))

    # End, then start again explicitly: the key is trusted now.
    prof.clear()
    mark = bot.mark()
    prof.type("/otr end")
    s = prof.wait("OTR session ended", timeout=5)
    seen = attempt_log(bot, r"ended the private conversation", mark)
    check(s is not None and seen, "/otr end: Profanity and the bot both end "
          "the session")
    prof.clear()
    t0 = time.monotonic()
    prof.type("/otr start")
    s = prof.wait("OTR session started", timeout=10)
    started = [l for l in (s or "").splitlines() if "OTR session started" in l]
    check(started and "(trusted)" in started[-1],
          "/otr start -> \"OTR session started (trusted)\" after the check "
          "(%.2f s)" % (time.monotonic() - t0), started[-1:] or tail(prof))
    prof.wait("HELP to see what I can do", timeout=5)       # the greeting
    prof.clear()
    prof.type("how can I start a private conversation in Pidgin?")
    check(prof.wait(SOURCE, timeout=5) is not None, "the new session gets answers")

    # End, then simply write again (manual policy: the text goes in clear).
    # The bot answers at once with its query, even inside refusal_cooldown
    # (that session reached ENCRYPTED), and Profanity starts OTR by itself.
    prof.clear()
    mark = bot.mark()
    prof.type("/otr end")
    prof.wait("OTR session ended", timeout=5)
    attempt_log(bot, r"ended the private conversation", mark)
    prof.clear()
    t0 = time.monotonic()
    prof.type(AGAIN)
    s = prof.wait("OTR session started", timeout=10)
    check(s is not None, "/otr end, then writing again: Profanity restarts "
          "OTR by itself on the bot's query (%.2f s), no silence"
          % (time.monotonic() - t0), tail(prof))
    s = prof.wait("was not read", timeout=5)
    check(s is not None, "... the greeting asks to write it again", tail(prof))
    prof.clear()
    prof.type(AGAIN)
    check(prof.wait(SOURCE, timeout=5) is not None,
          "... and the question written again is answered", tail(prof))

    # STOP: the conversation is forgotten, the private one stays open;
    # writing again just works.
    prof.clear()
    prof.type("STOP")
    s = prof.wait("/otr start", timeout=5)
    check(s is not None and "stays open" in s and "/otr end" in s,
          "STOP: the goodbye says the private conversation stays open, and "
          "how to end (/otr end) and restart (/otr start) it", tail(prof))
    check(prof.wait("OTR session ended", timeout=1) is None,
          "STOP does not end Profanity's OTR session")
    prof.clear()
    prof.type("what should I do if my phone was stolen?")
    check(prof.wait(SOURCE, timeout=5) is not None,
          "after STOP, writing again is answered at once", tail(prof))

    # The bot dies (SIGKILL) and comes back: Profanity's next message is
    # stale; the bot's OTR error and query make Profanity re-key by itself.
    t0 = time.monotonic()
    bot.restart(kill=True, wait=r"logged in as ")
    time.sleep(0.3)
    q = "what should I do if my phone was stolen?"
    prof.clear()
    prof.type(q)
    s = prof.wait("OTR: Received error", timeout=5)
    check(s is not None, "after a bot crash: Profanity shows the bot's OTR "
          "error", tail(prof))
    s = prof.wait("Please send it again", timeout=10)
    check(s is not None, "Profanity re-keys by itself and the bot asks to "
          "resend (%.2f s)" % (time.monotonic() - t0), tail(prof))
    prof.clear()
    prof.type(q)
    check(prof.wait(SOURCE, timeout=5) is not None,
          "the resent question is answered (%.2f s after the crash)"
          % (time.monotonic() - t0), tail(prof))

    # SIGTERM: Profanity is told the session ended.
    prof.clear()
    rc, secs = bot.stop(timeout=5)
    s = prof.wait("OTR session ended", timeout=5)
    check(s is not None and rc == 0, "bot SIGTERM: \"OTR session ended\" in "
          "Profanity, the bot exits 0 (%.2f s)" % secs, (rc, tail(prof)))
    t0 = time.monotonic()
    prof.type("/quit")
    deadline = time.monotonic() + 5 * _SCALE
    while prof.running() and time.monotonic() < deadline:
        time.sleep(0.05)
    check(not prof.running(), "/quit: Profanity exits (%.2f s)"
          % (time.monotonic() - t0))


def attempt_log(bot, regex, since):
    try:
        bot.wait_log(regex, timeout=3, since=since)
        return True
    except AssertionError:
        return False


def check_logs(bot, prof, fp):
    msgs = log_messages(prof.log())
    bare = bot.jid
    recv = [b for (d, f, _t, b) in msgs if d == "RECV" and f.split("/")[0] == bare]
    sent = [b for (d, _f, t, b) in msgs if d == "SENT" and t.split("/")[0] == bare]
    check(len(recv) > 10 and len(sent) > 5,
          "Profanity's DEBUG log has the stanzas (%d received from the bot, "
          "%d sent)" % (len(recv), len(sent)))
    first = next((i for i, b in enumerate(recv) if "?OTRv" in b and len(b) > 20), None)
    check(first == 0, "the first body from the bot is its notice (with a query)",
          short(recv[0]) if recv else "none")
    after = recv[1:] if first == 0 else recv
    bad = [b for b in after if not b.startswith("?OTR")]
    check(not bad, "after the notice the bot sent only ?OTR bodies (%d)" % len(after),
          [short(b) for b in bad[:3]])
    clear = [b for b in after if not b.startswith("?OTR:")]
    check(len(clear) == 3 and clear[0] == recv[0] and
          clear[1].startswith("?OTR Error:") and
          clear[2].strip() == "?OTRv23?",
          "... all OTR-encoded (?OTR:) but the notice again (after /otr "
          "end), and the crash recovery's error and query",
          [short(b) for b in clear[:4]])
    plain_sent = [b for b in sent if not b.startswith("?OTR")]
    check(plain_sent == ["hello, can you help me", AGAIN],
          "Profanity sent in clear only the first message, and the one "
          "written after /otr end", [short(b) for b in plain_sent])
    check(not any(fp in b for b in recv), "the bot's fingerprint never crossed "
          "in clear (only inside OTR)")


def main():
    for tool in ("profanity", "tmux", "prosody"):
        if shutil.which(tool) is None:
            print("# SKIP: %s is not installed" % tool)
            shutil.rmtree(RUN_DIR, ignore_errors=True)
            return 77
    from prosody import Prosody
    from botproc import Bot

    srv = Prosody()
    srv.register("alice", "alicepw")
    srv.start()
    bot = Bot(srv, config={"otr": {"smp_question": QUESTION,
                                   "smp_secret": SECRET}})
    prof = Profanity(srv, "alice", "alicepw")
    try:
        fp = bot.fingerprint()
        bot.start(wait=r"logged in as ")
        try:
            run(srv, bot, prof, fp)
        except Exception as e:       # noqa: B902
            check(False, "the Profanity session raised",
                  "%s\n%s" % (e, traceback.format_exc()))
        prof.stop()
        check_logs(bot, prof, fp)
        bot.stop(timeout=5)
        check(not bot.log_contains("can you help me") and
              not bot.log_contains("phone was stolen") and
              not bot.log_contains(SECRET) and
              not bot.log_contains(QUESTION),
              "no message text or secret in the bot's log")
        check(not bot.sanitizer_errors(), "no sanitizer reports",
              bot.sanitizer_errors()[:3])
    finally:
        if failures() and os.environ.get("SECOURS_TEST_DEBUG") == "1":
            print(prof.screen())
        prof.cleanup()
        bot.cleanup()
        srv.cleanup()
        if os.environ.get("KEEP_TMP") != "1":
            shutil.rmtree(RUN_DIR, ignore_errors=True)
    return finish()


if __name__ == "__main__":
    sys.exit(main())
