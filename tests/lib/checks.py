"""Reporting and waiting helpers shared by the end-to-end test scripts.

A test prints one line per check ("ok 3 - what" / "not ok 3 - what
(detail)"), a check that cannot run here as skipped ("ok 4 - what # SKIP
why", counted as skipped, never as passed), progress as notes with the time
since start ("#  12.3 s  text": a note is not a check), and exits 1 if any
check failed: `sys.exit(1 if checks.failures() else 0)`.
"""

import os
import re
import sys
import time

SCALE = float(os.environ.get("SECOURS_TEST_TIMEOUT_SCALE", "1") or 1)
T0 = time.monotonic()
_failures = 0
_count = 0


def failures():
    """How many checks failed so far."""
    return _failures


def count():
    """How many checks (skipped ones included) were reported so far."""
    return _count


def check(ok, what, detail=""):
    """Prints the check's line; returns ok."""
    global _failures, _count
    _count += 1
    if not ok:
        _failures += 1
    print("%s %d - %s%s" % ("ok" if ok else "not ok", _count, what,
                            " (%s)" % (detail,) if detail != "" else ""))
    sys.stdout.flush()
    return ok


def skip(what, why):
    """Reports a check that cannot run here as skipped."""
    global _count
    _count += 1
    print("ok %d - %s # SKIP %s" % (_count, what, why))
    sys.stdout.flush()


def finish():
    """Prints the plan and a summary line; returns the exit status."""
    print("1..%d" % _count)
    print("# %d checks, %d failed, %.1f s" % (_count, _failures,
                                             time.monotonic() - T0))
    sys.stdout.flush()
    return 1 if _failures else 0


def note(text):
    text = text.replace("\n", "\n#   ")
    print("# %5.1f s  %s" % (time.monotonic() - T0, text))
    sys.stdout.flush()


def short(s, n=90):
    s = (s or "").replace("\n", " | ")
    return s if len(s) <= n else s[:n] + "..."


def attempt(fn, *args, **kw):
    """fn(*args) or None if a harness wait runs out (noted)."""
    try:
        return fn(*args, **kw)
    except AssertionError as e:
        note("wait failed: %s" % short(str(e), 300))
        return None


def mark(client, peer):
    """Where the history of decrypted messages from peer ends now."""
    return len(client.messages(peer))


def wait_msg(client, peer, regex, since=0, timeout=10.0):
    """The first decrypted message from peer, at or after index since,
    that matches regex (re.search, DOTALL); None if none within timeout
    (stretched by SECOURS_TEST_TIMEOUT_SCALE). Reads the history, so the
    order of arrival does not matter."""
    rx = re.compile(regex, re.S)
    deadline = time.monotonic() + timeout * SCALE
    while True:
        for text in client.messages(peer)[since:]:
            if rx.search(text):
                return text
        if time.monotonic() >= deadline:
            return None
        time.sleep(0.02)


def since_text(client, peer, since):
    """The messages from peer after index since, shortened, on one line."""
    return " | ".join(short(t, 60) for t in client.messages(peer)[since:])


def private_tmp(prefix):
    """Makes a private parent for every temp dir of this run (Prosody's,
    the bots', a client's HOME) and returns it: other tests' cleanups of
    /tmp/secours-* cannot pull a live server's files from under us."""
    import tempfile
    tmp = tempfile.mkdtemp(prefix=prefix)
    tempfile.tempdir = tmp
    return tmp


def run_world(prefix, run):
    """run(tmp, srv, bots, clients) with a private temp dir (the server's
    and the bots' dirs go under it, out of the way of other runs' cleanup;
    kept with KEEP_TMP=1), a Prosody not yet started, and lists the test
    fills with the bots and clients to close afterwards."""
    import shutil
    from prosody import Prosody

    tmp = private_tmp(prefix)
    srv = Prosody()
    bots, clients = [], []
    try:
        return run(tmp, srv, bots, clients)
    finally:
        for c in clients:
            try:
                c.close(timeout=2)
            except Exception:
                pass
        for b in bots:
            b.cleanup()
        srv.cleanup()
        if os.environ.get("KEEP_TMP") != "1":
            shutil.rmtree(tmp, ignore_errors=True)
