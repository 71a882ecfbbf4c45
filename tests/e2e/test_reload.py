#!/usr/bin/python3
"""SIGHUP reload, end to end against a real Prosody, with potr clients.

- A broken new configuration is logged as FILE:LINE:COL and the running one
  keeps serving (the person's questions are still answered).
- A valid one takes effect at once: a guide page added to a new guide
  directory answers; the rota changes who gets the next offer.
- Across the reload the person's OTR session is the same (no new
  handshake, still encrypted) and the claimed request goes on: the person's
  words still reach the helper who claimed it.
- A helper removed from the configuration gets no more offers: the offer
  he had is withdrawn (his CLAIM gets him nothing) and goes to the helper
  on duty; a new request is not offered to him.
- A changed pin applies to the next message: with the helper's pin
  replaced, the person's next words do not reach that helper.
- A guide folder that disappears before a reload: a clear error naming it,
  and the pages already loaded keep answering.
"""

import datetime
import os
import re
import sys
import time

from checks import attempt, check, failures, mark, run_world, short, \
    since_text, wait_msg
from botproc import Bot
from otrclient import load_or_make_key
from world import say, start_server

WRONG_PIN = "0123456789ABCDEF0123456789ABCDEF01234567"
PAGE = """---
title: "Lighthouse keepers"
language: en
summary: "What a zorblax lighthouse keeper does."
keywords:
  - zorblax
---
# Zorblax lighthouse keepers

A zorblax lighthouse keeper trims the lamp every evening and logs the ships.
"""


def shift(c, now):
    a = (now - datetime.timedelta(minutes=60)).strftime("%H:%M")
    b = (now + datetime.timedelta(minutes=120)).strftime("%H:%M")
    return {"helper": c.jid, "days": ["daily"], "from": a, "to": b}


def helper(c, pin=None):
    return {"jid": c.jid, "name": c.jid.split("@")[0].capitalize(),
            "languages": ["en"], "fingerprints": [pin or c.our_fingerprint()]}


def hup(bot, what, regex, timeout=10.0):
    """Writes bot.cfg, sends SIGHUP, waits for regex in the log."""
    since = bot.mark()
    bot.write_config()
    bot.signal(__import__("signal").SIGHUP)
    got = attempt(bot.wait_log, regex, timeout, since=since)
    check(got is not None, what, short(bot.log_text(since), 300))
    return since


def open_case(p, bot, question, n):
    say(p, bot, question, r".", "%s: a question gets an answer" % p.jid)
    say(p, bot, "HUMAN", r"Type YES", "%s: HUMAN asks for consent" % p.jid)
    say(p, bot, "YES", r"request is number %d\b" % n,
        "%s: YES opens request #%d" % (p.jid, n))


def run(tmp, srv, bots, clients):
    client = start_server(srv, clients, ("alice", "bob", "p1", "p2", "p3"))

    alice, bob = (client(u, key_file=os.path.join(tmp, u + ".key"))
                  for u in ("alice", "bob"))
    pkey = load_or_make_key(os.path.join(tmp, "people.key"))
    p1, p2, p3 = (client(u, key=pkey) for u in ("p1", "p2", "p3"))
    now = datetime.datetime.now(datetime.timezone.utc)
    extra = os.path.join(tmp, "extra")
    os.mkdir(extra)

    bot = Bot(srv, config={
        "helpers": [helper(alice), helper(bob)],
        "duty": {"timezone": "UTC", "shifts": [shift(alice, now)]},
    })
    bots.append(bot)
    replies = bot.cfg["guide"]["paths"][0]
    bot.start(wait=r"logged in as ")
    for c in (alice, bob, p1, p2, p3):
        c.connect()
    for p in (p1, p2):
        p.start_otr(bot.jid)
        attempt(p.wait_encrypted, bot.jid, timeout=10)
        check(p.otr_state(bot.jid) == "encrypted", "%s: OTR with the bot"
              % p.jid)

    # p1's request goes to Alice, the helper on duty; she claims it.
    ma = mark(alice, bot.jid)
    open_case(p1, bot, "my phone was taken at the border", 1)
    offer = wait_msg(alice, bot.jid, r"Case #1 \(en\).*CLAIM 1", ma, 10)
    check(offer is not None, "Alice (on duty) gets offer #1",
          since_text(alice, bot.jid, ma))
    say(alice, bot, "CLAIM 1", r"Case #1 \(en\) is yours",
        "Alice: CLAIM 1 is confirmed")

    # 1. A broken configuration: reported with its position, old one kept.
    good = dict(bot.cfg)
    bot.cfg = dict(good, limits={"max_body": 5})
    since = hup(bot, "a broken configuration is logged as FILE:LINE:COL",
                re.escape(bot.config_path) + r":\d+:\d+: .*max_body")
    check(attempt(bot.wait_log, r"running configuration is kept", 5,
                  since=since) is not None,
          "... and the running configuration is kept")
    say(p2, bot, "how do I verify the fingerprint of the desk?", "\u203a",
        "after the broken reload the bot still answers (guide source line)")
    check(bot.running, "the bot is still running")

    # 2. A valid one: a new guide directory, and Bob on duty instead.
    ask = "what does a zorblax lighthouse keeper do?"
    before = say(p2, bot, ask, r".", "before the reload: asked about "
                 "zorblax")
    check(before is not None and "trims the lamp" not in before,
          "before the reload the new page is unknown", short(before))
    with open(os.path.join(extra, "keepers.en.md"), "w") as f:
        f.write(PAGE)
    bot.cfg = dict(good, guide={"paths": [replies, extra]},
                   duty={"timezone": "UTC", "shifts": [shift(bob, now)]})
    hup(bot, "a valid configuration is reloaded",
        r"reloaded: 2 helper\(s\), 1 shift\(s\)")
    say(p2, bot, ask, r"trims the lamp",
        "after the reload the new guide page answers")
    check(all(c.otr_state(bot.jid) == "encrypted" for c in (p1, p2, alice)),
          "the OTR sessions are still encrypted (no new handshake needed)")
    ma = mark(alice, bot.jid)
    p1.send(bot.jid, "they kept it for two hours")
    got = wait_msg(alice, bot.jid, r"\[#1\] they kept it for two hours",
                   ma, 10)
    check(got is not None, "the claimed request goes on: p1's words reach "
          "Alice", since_text(alice, bot.jid, ma))

    mb, ma = mark(bob, bot.jid), mark(alice, bot.jid)
    open_case(p2, bot, "someone reads my mail", 2)
    check(wait_msg(bob, bot.jid, r"Case #2 \(en\).*CLAIM 2", mb, 10)
          is not None, "the new rota: Bob (now on duty) gets offer #2",
          since_text(bob, bot.jid, mb))
    check(wait_msg(alice, bot.jid, r"Case #2", ma, 1) is None,
          "Alice (off duty now) does not")

    # 3. Bob removed: no more offers for him.
    bot.cfg = dict(good, guide={"paths": [replies, extra]},
                   helpers=[helper(alice)],
                   duty={"timezone": "UTC", "shifts": [shift(alice, now)]})
    ma = mark(alice, bot.jid)
    hup(bot, "Bob removed: reloaded", r"reloaded: 1 helper\(s\)")
    mb = mark(bob, bot.jid)
    bob.send(bot.jid, "CLAIM 2")
    time.sleep(1.5)
    took = [t for t in bob.messages(bot.jid)[mb:]
            if "is yours" in t or "reads my mail" in t]
    check(not took, "the offer Bob had is withdrawn: his CLAIM 2 gets him "
          "neither the case nor its text", short(" | ".join(took)))
    check(wait_msg(alice, bot.jid, r"Case #2 \(en\).*CLAIM 2", ma, 10)
          is not None, "... and #2 is offered to Alice, on duty again",
          since_text(alice, bot.jid, ma))
    p3.start_otr(bot.jid)
    attempt(p3.wait_encrypted, bot.jid, timeout=10)
    open_case(p3, bot, "my laptop acts strangely", 3)
    time.sleep(2)
    late = [t for t in bob.messages(bot.jid)[mb:] if "Case #" in t]
    check(not late, "a helper removed from the configuration gets no more "
          "offers", short(" | ".join(late)))

    # 4. Alice's pin replaced: the next message is not sent to her key.
    bot.cfg = dict(bot.cfg, helpers=[helper(alice, WRONG_PIN)])
    hup(bot, "Alice's pin changed: reloaded", r"reloaded: 1 helper\(s\)")
    ma = mark(alice, bot.jid)
    p1.send(bot.jid, "are you still there?")
    time.sleep(2)
    leaked = [t for t in alice.messages(bot.jid)[ma:]
              if "still there" in t]
    check(not leaked, "a changed pin applies to the next message: p1's "
          "words do not reach Alice's now unpinned key",
          short(" | ".join(leaked)))
    # 5. A guide folder that disappeared: a clear error, the rest serves.
    import shutil
    shutil.rmtree(extra)
    since = hup(bot, "a guide folder gone before a reload: a clear error",
                r"guide.paths: " + re.escape(extra) + r": no such folder")
    check(attempt(bot.wait_log, r"running configuration is kept", 5,
                  since=since) is not None,
          "... and the running configuration (and guide) is kept")
    say(p2, bot, ask, r"trims the lamp",
        "the pages already loaded still answer")

    check(not bot.log_contains("still there") and
          not bot.log_contains("zorblax lighthouse"),
          "no message text in the log")
    rc, secs = bot.stop()
    check(rc == 0, "SIGTERM after the reloads: exit 0", "rc %s" % rc)
    check(not bot.sanitizer_errors(), "no sanitizer reports")
    return 1 if failures() else 0


if __name__ == "__main__":
    sys.exit(run_world("secours-reload-", run))
