#!/usr/bin/python3
"""End-to-end fault: the bot's files. A real Prosody on 127.0.0.1, the real
bot, potr clients as a person and a pinned helper (Alice).

The tests run as root, which ignores file modes; the bot is started with
CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH dropped (setpriv), as a bot
running under its own user would be, so modes count.

  read-only state_dir at start: a clear error naming the path, exit != 0;
  an unreadable guide page: a warning naming the file, the rest serves;
  the state_dir full while running (a 1 MiB tmpfs in the bot's own mount
  namespace, filled up: a read-only remount is refused by the kernel while
  the bot has its database open for writing, so ENOSPC is what a running
  bot meets): guide answers go on; HUMAN + YES tells the person the
  request was not recorded and no helper gets it; once space is back,
  HUMAN works again;
  the guide folder removed while running: answers go on from memory.
One line per check; exit 1 on failure.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
from checks import (attempt, check, mark,  # noqa: E402
                    note, run_world, short, since_text, wait_msg)
from botproc import Bot, SECOURS, TOP_SRCDIR  # noqa: E402
from otrclient import load_or_make_key  # noqa: E402
from world import (client_maker, duty_now, otr_with, say,  # noqa: E402
                   verdict)

DROP = "-dac_override,-dac_read_search"
TAG = "fq%d" % os.getpid()
PAGES = ("device-lost.en.md", "arrested.en.md", "encryption.en.md")
Q_LOST = "my phone was stolen yesterday what should I do"
Q_ARREST = "my friend was arrested by the police"


def wrapper(tmp, name, body):
    path = os.path.join(tmp, name)
    with open(path, "w") as f:
        f.write("#!/bin/sh\n" + body + "\n")
    os.chmod(path, 0o755)
    return path


def can_sandbox():
    """None if setpriv can drop the DAC capabilities and unshare can mount
    a tmpfs (root with CAP_SYS_ADMIN), else why not."""
    d = tempfile.mkdtemp(prefix="secours-probe-")
    try:
        for cmd in (["setpriv", "--bounding-set=" + DROP, "true"],
                    ["unshare", "-m", "--propagation", "private", "mount",
                     "-t", "tmpfs", "-o", "size=64k", "probe", d]):
            try:
                r = subprocess.run(cmd, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE, timeout=10)
            except (OSError, subprocess.TimeoutExpired) as e:
                return "%s: %s" % (cmd[0], e)
            if r.returncode != 0:
                return "%s: %s" % (cmd[0], r.stderr.decode().strip())
        return None
    finally:
        shutil.rmtree(d, ignore_errors=True)


def main():
    why = can_sandbox()
    if why is not None:
        print("# skip: needs root with CAP_SYS_ADMIN (%s)" % why)
        return 77
    return run_world("secours-ffiles-", run)


def run(tmp, srv, bots, clients):
    for u in ("alice", "p1"):
        srv.register(u, u + "pw")
    srv.start()
    nocap = wrapper(tmp, "nocap", 'exec setpriv --bounding-set=%s '
                    '--inh-caps=%s "%s" "$@"' % (DROP, DROP, SECOURS))

    # ---- a read-only state directory at start.
    ro = Bot(srv, user="botro", password="botropw", secours=nocap)
    bots.append(ro)
    os.makedirs(ro.state_dir)
    os.chmod(ro.state_dir, 0o500)
    t0 = time.monotonic()
    ro.start()
    rc = attempt(ro.wait_exit, timeout=10)
    out = ro.log
    check(rc is not None and rc != 0 and ro.state_dir in out and
          re.search(r"error: .*%s" % re.escape(ro.state_dir), out),
          "read-only state_dir: an error naming the path, exit != 0",
          "rc %s in %.1f s: %s" % (rc, time.monotonic() - t0,
                                   short(out.replace(tmp, "T"), 200)))
    check("logged in" not in out, "read-only state_dir: never goes online")

    # ---- the running bot: its own guide copy, one page unreadable, the
    # state_dir a small tmpfs in its own mount namespace.
    guide = os.path.join(tmp, "guide")
    os.makedirs(guide)
    for pg in PAGES:
        shutil.copy(os.path.join(TOP_SRCDIR, "replies", pg), guide)
    shutil.copytree(os.path.join(TOP_SRCDIR, "replies", "phrases"),
                    os.path.join(guide, "phrases"))
    bad = os.path.join(guide, "arrested.en.md")
    os.chmod(bad, 0)
    client = client_maker(srv, clients)
    alice = client("alice", key_file=os.path.join(tmp, "alice.key"))
    p1 = client("p1", key=load_or_make_key(os.path.join(tmp, "p1.key")))
    frm, to = duty_now()
    bot = Bot(srv, log_level="debug", config={
        "guide": {"paths": [guide]},
        "limits": {"max_per_minute": 60},
        "helpers": [{"jid": alice.jid, "name": "Alice", "languages": ["en"],
                     "fingerprints": [alice.our_fingerprint()]}],
        "duty": {"timezone": "UTC", "shifts": [
            {"helper": alice.jid, "days": ["daily"], "from": frm, "to": to}]},
        "escalation": {"mode": "relay", "ack_timeout": "30s"}})
    bots.append(bot)
    os.makedirs(bot.state_dir)
    bot.secours = wrapper(
        tmp, "tmpfs", 'exec unshare -m --propagation private sh -c '
        '\'mount -t tmpfs -o size=1m,mode=0700 secours-test "%s" && exec '
        'setpriv --bounding-set=%s --inh-caps=%s "$0" "$@"\' "%s" "$@"'
        % (bot.state_dir, DROP, DROP, SECOURS))
    alice.connect()
    bot.start()
    bot.wait_log(r"logged in as ", timeout=20)
    check(re.search(r"warn: .*%s" % re.escape(bad), bot.log) is not None,
          "unreadable page: a warning naming the file",
          short([l for l in bot.log.splitlines() if "arrested" in l][:1]
                and [l for l in bot.log.splitlines()
                     if "arrested" in l][0].replace(tmp, "T") or "none"))
    otr_with(alice, bot)
    p1.connect()
    otr_with(p1, bot)
    time.sleep(0.3)
    say(p1, bot, Q_LOST, r"(?i)lost|stolen|taken",
        "unreadable page: the other pages serve")
    # The tmpfs is the bot's: reach it through its /proc root.
    proot = "/proc/%d/root%s" % (bot.pid, bot.state_dir)
    check(os.path.exists(os.path.join(proot, "secours.db")),
          "the store is on the bot's own 1 MiB tmpfs")
    fill = os.path.join(proot, "fill")
    with open(fill, "wb") as f:
        try:
            while True:
                f.write(b"\0" * 65536)
                f.flush()
        except OSError as e:
            note("state_dir filled: %s" % e.strerror)
    ma = mark(alice, bot.jid)
    say(p1, bot, Q_LOST, r"(?i)lost|stolen|taken",
        "state_dir full: guide answers go on")
    say(p1, bot, "HUMAN", r"Type YES", "state_dir full: HUMAN asks consent")
    got = say(p1, bot, "YES", r"not recorded|nothing was sent",
              "state_dir full: YES: told the request was not recorded")
    check(got is not None and "number" not in got,
          "state_dir full: no request number is promised", short(got))
    time.sleep(0.5)
    check(not alice.messages(bot.jid)[ma:],
          "state_dir full: Alice gets nothing",
          since_text(alice, bot.jid, ma))
    check(bot.running and re.search(r"(warn|error): .*(full|space)",
                                    bot.log) is not None,
          "state_dir full: the bot runs on and logs why",
          short([l for l in bot.log.splitlines() if "store" in l][-1:]
                and [l for l in bot.log.splitlines() if "store" in l][-1]
                or ""))
    os.unlink(fill)
    say(p1, bot, "HUMAN", r"Type YES", "space back: HUMAN asks consent")
    say(p1, bot, "YES", r"your request is number \d+",
        "space back: YES opens a case")
    check(wait_msg(alice, bot.jid, r"Case #\d+ \(en\)", ma, 10) is not None,
          "space back: Alice gets the offer")
    say(p1, bot, "CANCEL", r"closed", "space back: CANCEL")

    # ---- the guide folder disappears while running.
    shutil.rmtree(guide)
    say(p1, bot, Q_LOST, r"(?i)lost|stolen|taken",
        "guide folder removed: answers go on from memory")
    say(p1, bot, "TOPICS", r".", "guide folder removed: TOPICS works")
    rc, _ = bot.stop(timeout=5)
    check(rc == 0, "SIGTERM: exit 0", "rc %s" % rc)
    san = bot.sanitizer_errors() + ro.sanitizer_errors()
    check(not san, "no sanitizer reports", short(san[0]) if san else "")
    return verdict(bot, 25, hide=tmp)


if __name__ == "__main__":
    sys.exit(main())
