#!/usr/bin/python3
"""End-to-end: news for a person whose presence the bot cannot see.

A real Prosody on 127.0.0.1, the bot (escalation relay, Alice on duty and
pinned) and potr clients. The person p1 never adds the desk to their
contacts, so the bot never sees their presence: it learns whether their
session is still there by pinging (XEP-0199) the full JID of that session
before it acts on a helper's text.
Checks: a case opened and claimed by a person without subscription; pings
to a present person do not disturb the relay; the person closes the client
(OTR not ended): Alice's "#1 ..." waits and she is told so; the person
comes back (same key, new resource), a fresh handshake delivers the words;
the bot's log says the session was found gone, without JIDs or text; every
body from the bot starts with ?OTR. One line per check; exit 1 on failure.
"""
import os
import re
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
from checks import (SCALE, attempt, check, mark,  # noqa: E402
                    note, run_world, short, since_text, wait_msg)
from botproc import Bot  # noqa: E402
from otrclient import load_or_make_key  # noqa: E402
from world import (greet_helper, helpers_config, open_person,  # noqa: E402
                   sanitizer_check, say, start_server, stop_checks,
                   verdict)


P_Q = "Someone reads my messages, I think it is my partner"
P_RELAY = "I use an old phone that he set up for me"
A_REPLY = "Do you have a computer he never touches?"
A_HELD = "Use that one to write to me, not the phone."
P_BACK = "I am back on the other device"
SECRETS = [P_Q, P_RELAY, A_REPLY, A_HELD, P_BACK]

def main():
    return run_world("secours-e2ereach-", run)


def run(tmp, srv, bots, clients):
    client = start_server(srv, clients, ("alice", "p1"))

    alice = client("alice", key_file=os.path.join(tmp, "alice.key"))
    pkey = load_or_make_key(os.path.join(tmp, "p1.key"))
    p1 = client("p1", key=pkey)
    bot = Bot(srv, user="bot", password="botpw",
              config=helpers_config([(alice, "Alice")]))
    bots.append(bot)
    rc, out = bot.check()
    if not check(rc == 0, "config passes --check", short(out, 300)):
        return 1
    alice.connect()
    bot.start()
    bot.wait_log(r"logged in as ", timeout=20)
    greet_helper(alice, bot,
                 "Alice (pinned): OTR with the bot, greeted as a helper")
    note("bot and helper ready")

    # p1 never subscribes: the bot never sees their presence.
    open_person(p1, bot, "p1 (no subscription): OTR with the bot and "
                "greeting")
    check(not p1.presence(bot.jid), "p1 has no presence of the bot (never "
          "subscribed)")
    say(p1, bot, "HUMAN", r"short description", "p1: HUMAN")
    say(p1, bot, P_Q, r"Type YES", "p1: consent asked")
    ma = mark(alice, bot.jid)
    say(p1, bot, "YES", r"your request is number 1\b", "p1: YES opens #1")
    check(wait_msg(alice, bot.jid, r"Case #1 \(en\)", ma, 10) is not None,
          "Alice gets offer #1")
    m = mark(p1, bot.jid)
    t = time.monotonic()
    say(alice, bot, "CLAIM 1", r"Case #1 \(en\) is yours",
        "Alice: CLAIM 1 (the bot pings p1 first)")
    claimed = wait_msg(p1, bot.jid, r"^Alice, a helper, has taken", m, 10)
    check(claimed is not None, "p1 (present, pinged) is told Alice took "
          "the request", "%.2f s after the claim" % (time.monotonic() - t))

    # Pings of a present person do not disturb the relay, both ways.
    ma = mark(alice, bot.jid)
    p1.send(bot.jid, P_RELAY)
    check(wait_msg(alice, bot.jid, r"^\[#1\] %s$" % re.escape(P_RELAY), ma,
                   10) is not None, "relay: p1's text reaches Alice")
    lat = []
    for i in range(3):
        m = mark(p1, bot.jid)
        t = time.monotonic()
        alice.send(bot.jid, "#1 %s (%d)" % (A_REPLY, i))
        got = wait_msg(p1, bot.jid, r"^Alice: %s \(%d\)$" %
                       (re.escape(A_REPLY), i), m, 10)
        lat.append(time.monotonic() - t if got else None)
    check(all(x is not None for x in lat) and
          [t for t in p1.messages(bot.jid)[-3:]] ==
          ["Alice: %s (%d)" % (A_REPLY, i) for i in range(3)],
          "relay: Alice's three messages reach present p1, in order, "
          "each after a ping", "latencies %s s" %
          ", ".join("%.2f" % x if x is not None else "-" for x in lat))
    check(not bot.log_contains("is gone (ping)"),
          "the bot did not take present p1 for gone")

    # p1 closes the client without ending OTR.
    p1.close()
    time.sleep(0.3 * SCALE)
    say(alice, bot, "#1 " + A_HELD,
        r"Case #1: the person is offline",
        "p1 gone (client closed, OTR open): Alice is told her words wait")
    check(attempt(bot.wait_log, r"is gone \(ping\): news for them waits",
                  timeout=2) is not None,
          "the bot's log: the session was found gone by a ping")
    leaked = [r.body for r in p1.raw_from(bot.jid)
              if A_HELD in r.body]
    check(not leaked, "nothing reached p1's closed client in clear")

    # p1 comes back: same key, new resource, a fresh handshake.
    p1b = client("p1", key=pkey, resource="again")
    p1b.connect()
    m = mark(p1b, bot.jid)
    t = time.monotonic()
    p1b.start_otr(bot.jid)
    attempt(p1b.wait_encrypted, bot.jid, timeout=10)
    held = wait_msg(p1b, bot.jid, r"^Alice: %s$" % re.escape(A_HELD), m, 10)
    check(held is not None, "p1 back (fresh handshake): Alice's words that "
          "waited arrive", "%.2f s after the query" %
          (time.monotonic() - t) if held else
          since_text(p1b, bot.jid, m))
    ma = mark(alice, bot.jid)
    p1b.send(bot.jid, P_BACK)
    check(wait_msg(alice, bot.jid, r"^\[#1\] %s$" % re.escape(P_BACK), ma,
                   10) is not None, "p1 back: their text reaches Alice")
    m = mark(p1b, bot.jid)
    say(alice, bot, "CLOSE 1", r"Case #1 is closed", "Alice: CLOSE 1")
    check(wait_msg(p1b, bot.jid, r"Alice has closed your request", m, 10)
          is not None, "CLOSE: p1 is told")

    bad = ["%s: %s" % (c.jid, short(r.body, 40)) for c in clients
           for r in c.raw_from(bot.jid) if not r.body.startswith("?OTR")]
    nraw = sum(len(c.raw_from(bot.jid)) for c in clients)
    check(not bad, "every body from the bot starts with ?OTR",
          "%d bodies; %s" % (nraw, "; ".join(bad[:3])))
    resent = [t for c in clients for t in c.messages(bot.jid)
              if t.startswith("[resent]")]
    unread = [e for c in clients for (_, e) in c.otr_failures]
    check(not resent and not unread, "no message went into a session the "
          "client no longer had", "; ".join((resent + unread)[:3]))

    stop_checks(bot, SECRETS)
    check(not bot.log_contains(p1.jid), "p1's JID only as a keyed hash in "
          "the log")
    sanitizer_check(bot)
    return verdict(bot, 25)


if __name__ == "__main__":
    sys.exit(main())
