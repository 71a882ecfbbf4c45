#!/usr/bin/python3
"""End-to-end fault: Prosody is SIGKILLed and restarted in the middle of a
relay. A real Prosody on 127.0.0.1, the real bot (relay mode, at
log.level debug) behind a loopback tap that records its every byte, potr
clients as the person and a pinned helper (Alice).

Checks: the bot is back online within 10 s of the server; what the person
writes right after the restart, before the bot is back (Prosody keeps it
offline), reaches Alice exactly once; after a new OTR handshake on each
side the relay goes on both ways; no text either side wrote ever crossed
the bot's connection in clear, nor sits in clear in Prosody's storage,
nor appears in the bot's log. One line per check; exit 1 on failure.
"""
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
from checks import (SCALE, attempt, check, mark,  # noqa: E402
                    note, run_world, short, since_text, wait_msg)
from botproc import Bot, secret  # noqa: E402
from otrclient import load_or_make_key  # noqa: E402
from world import (client_maker, duty_now, otr_with, say,  # noqa: E402
                   verdict)
from tcptap import Tap  # noqa: E402

TAG = "zq%d" % os.getpid()         # unique per run: no false hits
P_Q = "%s my messages are read by someone at home" % TAG
P_BEFORE = "%s-before the phone is mine alone" % TAG
A_BEFORE = "%s-alice first reply about settings" % TAG
P_GAP = "%s-gap written while the desk was away" % TAG
P_AFTER = "%s-after a new handshake from the person" % TAG
A_AFTER = "%s-alice writes again after her handshake" % TAG
SMP_Q = "%s which harbour did we first meet at" % TAG
SMP_SECRET = "%s-tidewater-secret" % TAG
SMP_WRONG = "%s-wrong-guess" % TAG
MARKERS = [P_Q, P_BEFORE, A_BEFORE, P_GAP, P_AFTER, A_AFTER, SMP_Q,
           SMP_SECRET, SMP_WRONG]


def main():
    return run_world("secours-fsrv-", run)


def run(tmp, srv, bots, clients):
    for u in ("alice", "p1"):
        srv.register(u, u + "pw")
    srv.start()
    tap = Tap(srv.port)

    client = client_maker(srv, clients)

    alice = client("alice", key_file=os.path.join(tmp, "alice.key"))
    p1 = client("p1", key=load_or_make_key(os.path.join(tmp, "p1.key")))
    secret(p1.jid, *MARKERS)
    frm, to = duty_now()
    bot = Bot(srv, port=tap.port, log_level="debug", config={
        "limits": {"max_per_minute": 60},
        "otr": {"smp_question": SMP_Q, "smp_secret": SMP_SECRET},
        "helpers": [{"jid": alice.jid, "name": "Alice", "languages": ["en"],
                     "fingerprints": [alice.our_fingerprint()]}],
        "duty": {"timezone": "UTC", "shifts": [
            {"helper": alice.jid, "days": ["daily"], "from": frm, "to": to}]},
        "escalation": {"mode": "relay", "ack_timeout": "30s"},
    })
    bots.append(bot)
    try:
        return scenario(srv, tap, bot, alice, p1)
    finally:
        tap.stop()


def scenario(srv, tap, bot, alice, p1):
    alice.connect()
    bot.start()
    bot.wait_log(r"logged in as ", timeout=20)
    otr_with(alice, bot)
    p1.connect()
    otr_with(p1, bot)
    note("online, OTR up")

    # The person checks the bot with SMP: a wrong secret, then the right
    # one (none of it may reach the log).
    p1.smp_start(bot.jid, SMP_WRONG, SMP_Q)
    res = attempt(p1.wait_smp_result, bot.jid, timeout=10)
    check(res in ("failed", "aborted"), "p1: SMP with a wrong secret fails",
          res)
    p1.smp_start(bot.jid, SMP_SECRET, SMP_Q)
    res = attempt(p1.wait_smp_result, bot.jid, timeout=10)
    check(res == "succeeded", "p1: SMP with the right secret succeeds", res)

    # A relay in progress.
    answer = say(p1, bot, P_Q, r".", "p1: a question gets an answer")
    say(p1, bot, "HUMAN", r"Type YES", "p1: HUMAN asks for consent")
    ma = mark(alice, bot.jid)
    say(p1, bot, "YES", r"your request is number 1\b", "p1: YES opens case #1")
    check(wait_msg(alice, bot.jid, r"Case #1 \(en\).*CLAIM 1", ma, 10)
          is not None, "Alice gets offer #1")
    m = mark(p1, bot.jid)
    say(alice, bot, "CLAIM 1", r"is yours", "Alice: CLAIM 1")
    wait_msg(p1, bot.jid, r"has taken your request", m, 10)
    ma = mark(alice, bot.jid)
    p1.send(bot.jid, P_BEFORE)
    check(wait_msg(alice, bot.jid, r"^\[#1\] %s$" % re.escape(P_BEFORE), ma,
                   10) is not None, "relay before the fault: person to Alice")
    m = mark(p1, bot.jid)
    alice.send(bot.jid, "#1 " + A_BEFORE)
    check(wait_msg(p1, bot.jid, r"^Alice: %s$" % re.escape(A_BEFORE), m, 10)
          is not None, "relay before the fault: Alice to the person")

    # The server dies hard and comes back on the same port.
    mark_log = bot.mark()
    srv.kill()
    srv.restart()
    t_up = time.monotonic()
    note("Prosody SIGKILLed and restarted")
    # The person is back first and writes in the session they still have;
    # the bot is not online yet (its first retry is a second away), so
    # Prosody keeps the message for it.
    attempt(p1.wait_disconnected, timeout=5)
    p1.connect()
    offline_first = "logged in as" not in bot.log_text(mark_log)
    ma = mark(alice, bot.jid)
    p1.send(bot.jid, P_GAP)
    m = attempt(bot.wait_log, r"logged in as ", timeout=15, since=mark_log)
    back = time.monotonic() - t_up
    check(m is not None and back < 10,
          "the bot is back online within 10 s of the server",
          "%.2f s" % back)
    note("bot back after %.2f s; the person wrote while it was away: %s"
         % (back, offline_first))
    attempt(alice.wait_disconnected, timeout=5)
    alice.connect()
    got = wait_msg(alice, bot.jid, r"^\[#1\] %s$" % re.escape(P_GAP), ma, 10)
    check(got is not None, "what the person wrote while the bot was away "
          "reaches Alice", since_text(alice, bot.jid, ma))

    # New handshakes on both sides; the relay goes on.
    m = mark(p1, bot.jid)
    p1.start_otr(bot.jid)
    ok = attempt(p1.wait_encrypted, bot.jid) is not None
    time.sleep(0.3 * SCALE)
    ma = mark(alice, bot.jid)
    p1.send(bot.jid, P_AFTER)
    got = wait_msg(alice, bot.jid, r"^\[#1\] %s$" % re.escape(P_AFTER), ma, 10)
    check(ok and got is not None, "person: new handshake, the relay goes on "
          "to Alice", since_text(alice, bot.jid, ma))
    alice.start_otr(bot.jid)
    ok = attempt(alice.wait_encrypted, bot.jid) is not None
    time.sleep(0.3 * SCALE)
    m = mark(p1, bot.jid)
    alice.send(bot.jid, "#1 " + A_AFTER)
    got = wait_msg(p1, bot.jid, r"^Alice: %s$" % re.escape(A_AFTER), m, 10)
    check(ok and got is not None, "Alice: new handshake, the relay goes on "
          "to the person", since_text(p1, bot.jid, m))
    time.sleep(0.5 * SCALE)

    # Nothing lost, nothing twice.
    ga = alice.messages(bot.jid)
    gp = p1.messages(bot.jid)
    counts = {"[#1] " + P_BEFORE: ga, "[#1] " + P_GAP: ga,
              "[#1] " + P_AFTER: ga, "Alice: " + A_BEFORE: gp,
              "Alice: " + A_AFTER: gp}
    bad = ["%s x%d" % (short(k, 40), v.count(k)) for k, v in counts.items()
           if v.count(k) != 1]
    check(not bad, "every relayed text arrived exactly once", "; ".join(bad))

    # Never in clear: the bot's wire (both directions, both connections),
    # Prosody's storage, the bot's debug log.
    check(tap.connections >= 2, "the tap saw the bot's two connections",
          "%d" % tap.connections)
    clear = [s for s in MARKERS if tap.contains(s)]
    check(not clear, "no text crossed the bot's connection in clear",
          short(clear[0]) if clear else "%d bytes" % len(tap.data()))
    nonotr = [b for b in tap.bodies("c2s") if not b.startswith("?OTR")]
    check(not nonotr, "every body the bot sent is OTR",
          "%d bodies; %s" % (len(tap.bodies("c2s")),
                             short(nonotr[0]) if nonotr else ""))
    r = subprocess.run(["grep", "-rlF", TAG, srv.dir], stdout=subprocess.PIPE)
    hits = r.stdout.decode().split()
    check(not hits, "no text in clear in Prosody's storage or log",
          ", ".join(hits))
    rc, _ = bot.stop(timeout=5)
    check(rc == 0, "SIGTERM: exit 0", "rc %s" % rc)
    leaked = [s for s in MARKERS if bot.log_contains(s)]
    # The answer given (the guide's text) is not logged either.
    lines = [l for l in (answer or "").splitlines() if len(l) > 30]
    leaked += [l for l in lines if bot.log_contains(l)]
    jids = [j for j in (p1.jid,) if bot.log_contains(j)]
    check(not leaked and not jids, "debug log: no text, no person's JID",
          short((leaked + jids)[0]) if leaked or jids else
          "%d lines" % len(bot.log.splitlines()))
    san = bot.sanitizer_errors()
    check(not san, "no sanitizer reports", short(san[0]) if san else "")
    return verdict(bot, 30)


if __name__ == "__main__":
    sys.exit(main())
