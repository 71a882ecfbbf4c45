#!/usr/bin/python3
"""End-to-end: floods from strangers while a person and a helper work
(issue 9, point 2).

A real Prosody on 127.0.0.1, the bot (relay, Alice on duty and pinned,
limits.max_sessions 8, so its presence and rate tables hold 64 strangers)
and potr clients. Checks, each flood running while the person p1 and Alice
keep a case going at normal speed:
- 70 strangers send presence and a plaintext each (more than the tables
  hold); Alice logs in only afterwards: her presence is not dropped (she
  gets the offer), her messages are not rate-limited out, p1 is served;
- the same strangers again from new resources: the bot's memory (VmRSS)
  stops growing;
- one stranger sends 400 fragments of 60 KB behind "?OTRx " (libotr
  reassembles the first "?OTR," anywhere): the bot does not hold them
  (VmRSS grows by less than 8 MB; 24 MB would be held otherwise).
One line per check; exit 1 on failure.
"""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checks import (check, mark, note, run_world,  # noqa: E402
                    wait_msg)
from botproc import Bot  # noqa: E402
from world import (client_maker, greet_helper,  # noqa: E402
                   helpers_config, open_person, sanitizer_check, say,
                   stop_checks, verdict)
from xmppraw import RawClient  # noqa: E402

NSTRANGERS = 70
P_Q = "Someone took my phone and I need help with my accounts"
SECRETS = [P_Q]


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def flood(srv, bot, raws, resource):
    """Each stranger logs in, sends presence to the bot and a plaintext.
    The connections stay open (closing one sends unavailable)."""
    t = time.monotonic()
    for i in range(NSTRANGERS):
        c = RawClient(srv.jid("s%d" % i), "spw", srv.port,
                      resource=resource)
        c.connect()
        c.presence(to=bot.jid)
        c.message(bot.jid, "hello, anyone there? (%d)" % i)
        raws.append(c)
    return time.monotonic() - t


def main():
    return run_world("secours-e2eflood-", run)


def run(tmp, srv, bots, clients):
    raws = []
    try:
        return run2(tmp, srv, bots, clients, raws)
    finally:
        for c in raws:
            try:
                c.sock.close()
            except Exception:
                pass


def run2(tmp, srv, bots, clients, raws):
    for u in ("alice", "p1"):
        srv.register(u, u + "pw")
    for i in range(NSTRANGERS):
        srv.register("s%d" % i, "spw")
    srv.register("frag", "fragpw")
    srv.start()

    client = client_maker(srv, clients)

    alice = client("alice", key_file=os.path.join(tmp, "alice.key"))
    p1 = client("p1")
    # ASan keeps freed blocks in a quarantine (256 MB by default): with
    # it, VmRSS would measure the quarantine, not what the bot holds.
    asan = os.environ.get("ASAN_OPTIONS", "")
    asan = (asan + ":" if asan else "") + "quarantine_size_mb=0"
    bot = Bot(srv, user="bot", password="botpw", env={"ASAN_OPTIONS": asan},
              config=helpers_config(
                  [(alice, "Alice")], ack_timeout="60s",
                  limits={"max_per_minute": 600, "max_sessions": 8}))
    bots.append(bot)
    bot.start()
    bot.wait_log(r"logged in as ", timeout=20)

    open_person(p1, bot, "p1: OTR with the bot")
    rss0 = rss_kb(bot.pid)

    # Flood 1: more strangers than the presence and rate tables hold.
    dt = flood(srv, bot, raws, "a")
    note("flood 1: %d strangers in %.1f s" % (NSTRANGERS, dt))
    say(p1, bot, "HUMAN", r"short description", "p1 during the flood: HUMAN")

    # Alice comes online only now: her presence must not be dropped.
    alice.connect()
    greet_helper(alice, bot, "Alice logs in after the flood: OTR with the "
                 "bot, greeted", timeout=10)
    say(p1, bot, P_Q, r"Type YES", "p1: consent asked")
    ma = mark(alice, bot.jid)
    say(p1, bot, "YES", r"your request is number 1\b", "p1: YES opens #1")
    check(wait_msg(alice, bot.jid, r"Case #1 \(en\)", ma, 10) is not None,
          "Alice's presence was kept: she gets the offer")
    m = mark(p1, bot.jid)
    say(alice, bot, "CLAIM 1", r"Case #1 \(en\) is yours",
        "Alice's messages are not rate-limited out: CLAIM 1")
    check(wait_msg(p1, bot.jid, r"has taken", m, 10) is not None,
          "p1 is told Alice took it")
    rss1 = rss_kb(bot.pid)

    # Flood 2: the same strangers from new resources.
    dt = flood(srv, bot, raws, "b")
    note("flood 2: %d strangers in %.1f s" % (NSTRANGERS, dt))
    m = mark(p1, bot.jid)
    alice.send(bot.jid, "#1 are you safe now?")
    check(wait_msg(p1, bot.jid, r"^Alice: are you safe now\?$", m, 10)
          is not None, "relay during the second flood: Alice to p1")
    ma = mark(alice, bot.jid)
    p1.send(bot.jid, "yes, at a friend's")
    check(wait_msg(alice, bot.jid, r"^\[#1\] yes, at a friend's$", ma, 10)
          is not None, "relay during the second flood: p1 to Alice")
    time.sleep(1)
    rss2 = rss_kb(bot.pid)
    check(rss2 - rss1 < 2048, "the second flood does not grow the bot's "
          "memory", "VmRSS %d kB, %d kB after flood 1, %d kB after flood "
          "2" % (rss0, rss1, rss2))

    # Fragments behind "?OTRx ": 400 x 60 KB from one stranger.
    fr = RawClient(srv.jid("frag"), "fragpw", srv.port, resource="f")
    fr.connect()
    raws.append(fr)
    piece = "z" * (60 * 1024)
    t = time.monotonic()
    for k in range(1, 401):
        fr.message(bot.jid, "?OTRx ?OTR,%d,65535,%s," % (k, piece))
        if k % 50 == 0:
            fr.wait(lambda e: False, 0.05)
    fr.iq(bot.jid + "/secours", "get", "<ping xmlns='urn:xmpp:ping'/>",
          timeout=30)
    note("fragments: 400 x 60 KB sent in %.1f s" % (time.monotonic() - t))
    m = mark(p1, bot.jid)
    alice.send(bot.jid, "#1 still there?")
    check(wait_msg(p1, bot.jid, r"^Alice: still there\?$", m, 10)
          is not None, "relay after the fragment flood")
    rss3 = rss_kb(bot.pid)
    check(rss3 - rss2 < 8192, "the fragment flood is not held in memory",
          "VmRSS %d kB before, %d kB after" % (rss2, rss3))

    m = mark(p1, bot.jid)
    say(alice, bot, "CLOSE 1", r"Case #1 is closed", "Alice: CLOSE 1")
    check(wait_msg(p1, bot.jid, r"Alice has closed your request", m, 10)
          is not None, "p1 is told")
    stop_checks(bot, SECRETS)
    sanitizer_check(bot)
    return verdict(bot)


if __name__ == "__main__":
    sys.exit(main())
