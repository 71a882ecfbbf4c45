#!/usr/bin/python3
"""End-to-end: a helper is a key, not a JID (issue 9, point 1).

A real Prosody on 127.0.0.1, the bot (relay; Alice and Bob on duty and
pinned), potr clients for Alice, Bob and the person p1, and a second client
on Alice's account ("alice@.../evil") that speaks OTR v3 through libotr
(tests/e2e/otrpeer) with a key that is not pinned, while Alice's pinned
session is up. (potr speaks only v2, where a second handshake would replace
Alice's session; in v3 both sessions live side by side, which is the
attack.) Checks: the second session's CLAIM 1, QUEUE, WHO, "#1 text" and
CLOSE 1 each get only the refusal about keys and nothing about anyone; p1
receives nothing from it; the case is still Alice's to claim, and Alice's
replies reach Alice, not the second session; Bob is alerted; the log says
pin mismatch. One line per check; exit 1 on failure.
"""
import os
import re
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checks import (SCALE, attempt, check, failures, mark,  # noqa: E402
                    note, run_world, short, since_text, wait_msg)
from botproc import Bot, TOP_BUILDDIR  # noqa: E402
from world import (greet_helper, helpers_config, open_person,  # noqa: E402
                   sanitizer_check, say, start_server, verdict)
from otrpeer import OtrPeer  # noqa: E402
from xmppraw import RawClient, q, NS_CLIENT  # noqa: E402

OTRPEER = os.path.join(TOP_BUILDDIR, "tests", "e2e", "otrpeer")
P_Q = "My ex has my passwords and reads my mail"
EVIL_TEXT = "this is your helper, send me your address"
REFUSAL = r"key of this conversation is not the one on file"


class Impostor:
    """A raw XMPP client on Alice's account whose OTR (v3) is libotr."""

    def __init__(self, d, jid, password, port, bot_jid):
        self.bot = bot_jid
        self.peer = OtrPeer(OTRPEER, os.path.join(d, "evil.key"),
                            os.path.join(d, "evil.instag"))
        self.got = self.peer.got
        self.events = self.peer.events
        self.x = RawClient(jid, password, port, resource="evil")
        self.x.connect()
        self.x.presence()

    def pump(self, quiet=1.5):
        """Moves bodies both ways until nothing comes for quiet seconds."""
        end = time.monotonic() + 30 * SCALE
        while time.monotonic() < end:
            for body in self.peer.sync():
                self.x.message(self.bot, body)
            el = self.x.wait(lambda e: e.tag == q(NS_CLIENT, "message") and
                             e.find(q(NS_CLIENT, "body")) is not None,
                             quiet * SCALE)
            if el is None:
                return
            body = el.find(q(NS_CLIENT, "body")).text or ""
            self.peer.cmd("R", body)

    def say(self, text):
        n = len(self.got)
        self.peer.cmd("S", text)
        self.pump()
        return self.got[n:]

    def close(self):
        try:
            self.x.sock.close()
        except Exception:
            pass
        self.peer.close()


def main():
    if not os.access(OTRPEER, os.X_OK):
        print("otrpeer not built at %s" % OTRPEER)
        return 77
    return run_world("secours-e2eimpostor-", run)


def run(tmp, srv, bots, clients):
    client = start_server(srv, clients, ("alice", "bob", "p1"))

    alice = client("alice", resource="desk",
                   key_file=os.path.join(tmp, "alice.key"))
    bob = client("bob", key_file=os.path.join(tmp, "bob.key"))
    p1 = client("p1")
    bot = Bot(srv, user="bot", password="botpw", config=helpers_config(
        [(alice, "Alice"), (bob, "Bob")], ack_timeout="60s"))
    bots.append(bot)
    bot.start()
    bot.wait_log(r"logged in as ", timeout=20)
    for h in (alice, bob):
        h.connect()
        greet_helper(h, bot, "%s (pinned): OTR with the bot" %
                     h.jid.split("@")[0], timeout=10)

    open_person(p1, bot, "p1: OTR with the bot")
    say(p1, bot, "HUMAN", r"short description", "p1: HUMAN")
    say(p1, bot, P_Q, r"Type YES", "p1: consent asked")
    ma, mb = mark(alice, bot.jid), mark(bob, bot.jid)
    say(p1, bot, "YES", r"your request is number 1\b", "p1: YES opens #1")
    offered = (wait_msg(alice, bot.jid, r"Case #1 \(en\)", ma, 10) or
               wait_msg(bob, bot.jid, r"Case #1 \(en\)", mb, 2))
    check(offered is not None, "case #1 is offered to a helper")

    # The second client on Alice's account, v3, another key.
    evil = Impostor(tmp, alice.jid, "alicepw", srv.port, bot.jid)
    try:
        mb = mark(bob, bot.jid)
        mp = mark(p1, bot.jid)
        evil.x.message(bot.jid, "?OTRv3?")
        evil.pump()
        check(any(e.startswith("gone_secure") for e in evil.events),
              "the second client has an OTR v3 session with the bot",
              "; ".join(evil.events[:3]))
        answers = {}
        for cmd in ("CLAIM 1", "QUEUE", "WHO", "#1 " + EVIL_TEXT,
                    "CLOSE 1"):
            answers[cmd] = evil.say(cmd)
        for cmd, got in answers.items():
            check(got and all(re.search(REFUSAL, t) for t in got),
                  "second client's %s: only the refusal about keys" %
                  cmd.split()[0], short(" | ".join(got), 120))
        check(evil.got and all(re.search(REFUSAL, t) for t in evil.got),
              "the second client learns nothing about anyone",
              "%d texts" % len(evil.got))
        time.sleep(1)
        got = [t for t in p1.messages(bot.jid)[mp:]]
        check(not got, "p1 receives nothing from it",
              short(" | ".join(got)))
        check(wait_msg(bob, bot.jid, r"another chat session on Alice's "
                       r"account", mb, 5) is not None,
              "Bob is alerted", since_text(bob, bot.jid, mb))
        check(attempt(bot.wait_log, r"pin mismatch", timeout=2) is not None,
              "the bot's log: pin mismatch")

        # Alice's pinned session is still Alice, and still on duty.
        n_evil = len(evil.got)
        m = mark(p1, bot.jid)
        say(alice, bot, "CLAIM 1", r"Case #1 \(en\) is yours",
            "Alice (pinned session): CLAIM 1 is hers")
        check(wait_msg(p1, bot.jid, r"^Alice, a helper, has taken", m, 10)
              is not None, "p1 is told Alice took it")
        ma = mark(alice, bot.jid)
        p1.send(bot.jid, "are you really Alice?")
        check(wait_msg(alice, bot.jid, r"^\[#1\] are you really Alice\?$",
                       ma, 10) is not None, "p1's words reach Alice's "
              "pinned session")
        evil.pump(quiet=1.0)
        check(len(evil.got) == n_evil, "and nothing of it reaches the "
              "second client", short(" | ".join(evil.got[n_evil:])))
    finally:
        evil.close()

    m = mark(p1, bot.jid)
    say(alice, bot, "CLOSE 1", r"Case #1 is closed", "Alice: CLOSE 1")
    rc, _ = bot.stop(timeout=5)
    check(rc == 0, "SIGTERM, exit 0", "rc %s" % rc)
    check(not bot.log_contains(EVIL_TEXT) and not bot.log_contains(P_Q),
          "no message text in the log")
    sanitizer_check(bot)
    if failures():
        note("alice raw from bot (last 6): %s" % [
            (short(r.body, 20)) for r in alice.raw_from(bot.jid)[-6:]])
        note("alice otr failures: %s" % (alice.otr_failures[-3:],))
        note("alice texts (last 4): %s" % alice.messages(bot.jid)[-4:])
    return verdict(bot, 30)


if __name__ == "__main__":
    sys.exit(main())
