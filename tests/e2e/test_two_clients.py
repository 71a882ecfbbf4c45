#!/usr/bin/python3
"""End-to-end: one person, two clients (issue 9, point 5b).

A real Prosody on 127.0.0.1, the bot (relay, Alice on duty and pinned) and
potr clients. The person p1 opens and Alice claims case #1 from p1's phone
(OTR v2, the only session). Then p1's laptop, a client without OTR, writes
plaintext to the bot; it gets the refusal notice and nothing else. The
laptop speaking last must neither move the phone's session to the laptop
nor hide the phone leaving: the phone is closed without ending OTR, and
Alice's next "#1 ..." must wait (she is told the person is offline) rather
than go, encrypted for the phone's session, to the laptop. When p1 is back
with a fresh handshake, the words that waited arrive. One line per check;
exit 1 on failure.
"""
import os
import re
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
from checks import (SCALE, attempt, check, mark, run_world,  # noqa: E402
                    short, since_text, wait_msg)
from botproc import Bot  # noqa: E402
from otrclient import load_or_make_key  # noqa: E402
from world import (greet_helper, helpers_config,  # noqa: E402
                   open_person, sanitizer_check, say, start_server,
                   stop_checks, verdict)

P_Q = "My phone may be followed, I need to talk to someone"
A_REPLY = "Are you somewhere safe right now?"
A_HELD = "Write to me when you have the other phone."
LAPTOP = "hello from the laptop"
SECRETS = [P_Q, A_REPLY, A_HELD]


def main():
    return run_world("secours-e2etwo-", run)


def run(tmp, srv, bots, clients):
    client = start_server(srv, clients, ("alice", "p1"))

    alice = client("alice", key_file=os.path.join(tmp, "alice.key"))
    pkey = load_or_make_key(os.path.join(tmp, "p1.key"))
    phone = client("p1", key=pkey, resource="phone")
    # A client without OTR: it never answers the bot's query.
    laptop = client("p1", resource="laptop", otr_policy={"ALLOW_V2": False})
    bot = Bot(srv, user="bot", password="botpw",
              config=helpers_config([(alice, "Alice")]))
    bots.append(bot)
    alice.connect()
    bot.start()
    bot.wait_log(r"logged in as ", timeout=20)
    greet_helper(alice, bot, "Alice (pinned): OTR with the bot")

    open_person(phone, bot, "p1's phone: OTR with the bot")
    say(phone, bot, "HUMAN", r"short description", "phone: HUMAN")
    say(phone, bot, P_Q, r"Type YES", "phone: consent asked")
    ma = mark(alice, bot.jid)
    say(phone, bot, "YES", r"your request is number 1\b", "phone: YES")
    check(wait_msg(alice, bot.jid, r"Case #1 \(en\)", ma, 10) is not None,
          "Alice gets offer #1")
    m = mark(phone, bot.jid)
    say(alice, bot, "CLAIM 1", r"Case #1 \(en\) is yours", "Alice: CLAIM 1")
    check(wait_msg(phone, bot.jid, r"has taken", m, 10) is not None,
          "the phone is told Alice took it")

    # The laptop writes in clear, and speaks last.
    laptop.connect()
    n_laptop = len(laptop.raw_from(bot.jid))
    laptop.send_plain(bot.jid, LAPTOP)
    got = attempt(laptop.expect_plain, bot.jid, r"OTR", timeout=10)
    check(got is not None, "the laptop's plaintext gets the refusal notice")
    m = mark(phone, bot.jid)
    alice.send(bot.jid, "#1 " + A_REPLY)
    got = wait_msg(phone, bot.jid, r"^Alice: %s$" % re.escape(A_REPLY), m,
                   10)
    check(got is not None, "Alice's words still reach the phone's session",
          since_text(phone, bot.jid, m))

    # The phone goes away without ending OTR; the laptop stays online.
    phone.close()
    time.sleep(0.3 * SCALE)
    ma = mark(alice, bot.jid)
    alice.send(bot.jid, "#1 " + A_HELD)
    told = wait_msg(alice, bot.jid, r"Case #1: the person is offline", ma,
                    12)
    check(told is not None, "phone gone, laptop online: Alice is told her "
          "words wait", since_text(alice, bot.jid, ma))
    time.sleep(0.5 * SCALE)
    data = [r for r in laptop.raw_from(bot.jid)[n_laptop:]
            if r.body.startswith("?OTR:")]
    check(not data, "nothing of the phone's session went to the laptop",
          "%d OTR bodies: %s" % (len(data), "; ".join(
              short(r.body, 30) for r in data[:2])))

    # p1 is back on the phone: a fresh handshake, the words that waited.
    back = client("p1", key=pkey, resource="phone2")
    back.connect()
    m = mark(back, bot.jid)
    back.start_otr(bot.jid)
    attempt(back.wait_encrypted, bot.jid, timeout=10)
    held = wait_msg(back, bot.jid, r"^Alice: %s$" % re.escape(A_HELD), m, 10)
    check(held is not None, "p1 back: Alice's words that waited arrive",
          since_text(back, bot.jid, m))

    stop_checks(bot, SECRETS)
    sanitizer_check(bot)
    return verdict(bot)


if __name__ == "__main__":
    sys.exit(main())
