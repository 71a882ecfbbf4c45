#!/usr/bin/python3
"""End-to-end: escalation to a human helper, with a real Prosody on
127.0.0.1, the real bot and independent OTR clients (potr) as the people
and the helpers.

Three bots share one server:
  R (relay)    helpers Carol (on duty, pinned to a key that is NOT hers),
               Alice (on duty, pinned), Bob (fallback, pinned);
               ack_timeout 30 s (the config's minimum).
  H (handoff)  Alice alone (on duty).
  Q (queue)    Dave (a shift later today, never online) and Erin
               (fallback, offline until after a SIGKILL of the bot).
Checks: consent (what, to whom, how; unverified session; NO; YES), the
offer, CLAIM, relay both ways, CLOSE; a helper with an unpinned key gets
nothing about the person, is taken off duty, the others are alerted and
the case moves on; no claim within ack_timeout: revoked and offered to the
fallback; STATUS and CANCEL; handoff (addresses and fingerprints);
nobody on duty (next shift time, queued); SIGKILL with a queued case and
restart: offered as soon as a helper comes online; no plaintext from the
bot but the one refusal notice; no message text in the bot's log.
One line per check; exit 1 on failure. The 30 s offer timeout runs while
the other scenarios play, so the whole file takes about 40 s.
"""
import datetime
import os
import re
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
from checks import (SCALE, attempt, check, failures, finish, mark,  # noqa: E402
                    note, run_world, short, since_text, wait_msg)
from botproc import Bot, secret  # noqa: E402
from otrclient import load_or_make_key, otr_kind  # noqa: E402
from world import client_maker, say  # noqa: E402

ACK = 30                     # escalation.ack_timeout (the config's minimum)
# "At once" after a restart: before a new ack_timeout could have run out
# (the wrong behaviour waits ACK more). Not ACK / 2: a restart under ASan
# on a loaded 2-core machine took 16-24 s, and that is still "at once".
AT_ONCE = ACK - 2
WRONG_PIN = "DEADBEEF 0BADF00D DEADBEEF 0BADF00D DEADBEEF"
DAVE_PIN = "11111111 22222222 33333333 44444444 55555555"

# What the people write (none of it may reach a log or the wrong helper).
P1_Q = "How can I tell whether someone reads my chats"
P1_RELAY = "My phone is an old Android and I share it with my brother"
A_REPLY = "Please check which apps can read your notifications."
A_HELD1 = "Are you safe where you are now?"
P1_BACK = "Sorry, my battery died"
A_HELD2 = "Write to me when you can."
P2_Q = "Someone follows me and knows where I go every day"
B_REPLY = "Do not carry your phone when you meet me."
P3_Q = "My laptop shows strange windows since yesterday"
P4_Q = "My email account was taken over this morning"
P5_Q = "I got threats by text message from an unknown number"
SECRETS = [P1_Q, P1_RELAY, A_REPLY, A_HELD1, P1_BACK, A_HELD2, P2_Q, B_REPLY, P3_Q, P4_Q, P5_Q]

def shift_times(now, start_min, end_min):
    a = now + datetime.timedelta(minutes=start_min)
    b = now + datetime.timedelta(minutes=end_min)
    return a.strftime("%H:%M"), b.strftime("%H:%M")


def helper_cfg(client, name, pin):
    return {"jid": client.jid, "name": name, "languages": ["en"],
            "fingerprints": [pin]}


def secure_person(p, bot, via_notice=False):
    """OTR between person p and bot, with the greeting. via_notice: write
    in clear and let the bot's refusal notice (its query) start OTR."""
    m = mark(p, bot.jid)
    if via_notice:
        p.send_plain(bot.jid, "hello, is anyone there?")
    else:
        p.start_otr(bot.jid)
    attempt(p.wait_encrypted, bot.jid, timeout=10)
    return wait_msg(p, bot.jid, r"private", m, 10)


def main():
    return run_world("secours-e2eesc-", run)


def run(tmp, srv, bots, clients):
    users = ["alice", "bob", "carol", "erin", "p1", "p2", "p3", "p4", "p5"]
    for u in users:
        srv.register(u, u + "pw")
    srv.start()

    note("server up, %d accounts" % len(users))

    client = client_maker(srv, clients)

    # Helpers' keys first: their fingerprints are the pins. The people
    # share one key (a DSA key costs up to a second on a loaded machine);
    # the bot does not remember people's keys anyway.
    alice, bob, carol, erin = (
        client(u, key_file=os.path.join(tmp, u + ".key"))
        for u in ("alice", "bob", "carol", "erin"))
    pkey = load_or_make_key(os.path.join(tmp, "people.key"))
    p1, p2, p3, p4, p5 = (client(u, key=pkey)
                          for u in ("p1", "p2", "p3", "p4", "p5"))
    secret(*SECRETS)
    secret(*(p.jid for p in (p1, p2, p3, p4, p5)))
    note("keys made")

    now = datetime.datetime.now(datetime.timezone.utc)
    cov_from, cov_to = shift_times(now, -60, 120)
    fut_from, fut_to = shift_times(now, 180, 240)

    def cover(c):
        return {"helper": c.jid, "days": ["daily"], "from": cov_from,
                "to": cov_to}

    common = {"limits": {"max_per_minute": 60}}
    bot_r = Bot(srv, user="botr", password="botrpw", config=dict(common, **{
        "helpers": [helper_cfg(carol, "Carol", WRONG_PIN),
                    helper_cfg(alice, "Alice", alice.our_fingerprint()),
                    helper_cfg(bob, "Bob", bob.our_fingerprint())],
        "duty": {"timezone": "UTC", "shifts": [cover(carol), cover(alice)],
                 "fallback": [bob.jid]},
        "escalation": {"mode": "relay", "ack_timeout": "%ds" % ACK},
    }))
    bot_h = Bot(srv, user="both", password="bothpw", config=dict(common, **{
        "helpers": [helper_cfg(alice, "Alice", alice.our_fingerprint())],
        "duty": {"timezone": "UTC", "shifts": [cover(alice)]},
        "escalation": {"mode": "handoff", "ack_timeout": "%ds" % ACK},
    }))
    bot_q = Bot(srv, user="botq", password="botqpw", config=dict(common, **{
        "helpers": [{"jid": srv.jid("dave"), "name": "Dave",
                     "languages": ["en"], "fingerprints": [DAVE_PIN]},
                    helper_cfg(erin, "Erin", erin.our_fingerprint())],
        "duty": {"timezone": "UTC",
                 "shifts": [{"helper": srv.jid("dave"), "days": ["daily"],
                             "from": fut_from, "to": fut_to}],
                 "fallback": [erin.jid]},
        "escalation": {"mode": "relay", "ack_timeout": "%ds" % ACK},
    }))
    bots += [bot_r, bot_h, bot_q]
    for b in bots:
        rc, out = b.check()
        if not check(rc == 0, "config of %s passes --check" % b.jid.split("@")[0],
                     short(out, 300)):
            return 1

    # Helpers online before the bots: a bot subscribes to its helpers at
    # login and needs their presence.
    for h in (alice, bob, carol):
        h.connect()
    for b in bots:
        b.start()
    for b in bots:
        b.wait_log(r"logged in as ", timeout=20)
    note("bots online")
    for h in (alice, bob, carol):
        h.subscribe(bot_r.jid)
    alice.subscribe(bot_h.jid)
    for h in (alice, bob, carol):
        attempt(h.wait_presence, bot_r.jid, timeout=10)
    attempt(alice.wait_presence, bot_h.jid, timeout=10)
    # Alice and Bob open OTR with R themselves; Carol waits for the bot.
    ma, mb = mark(alice, bot_r.jid), mark(bob, bot_r.jid)
    alice.start_otr(bot_r.jid)
    bob.start_otr(bot_r.jid)
    ok = attempt(alice.wait_encrypted, bot_r.jid) is not None and \
        attempt(bob.wait_encrypted, bot_r.jid) is not None
    hello_a = wait_msg(alice, bot_r.jid, r"key matches", ma, 5)
    hello_b = wait_msg(bob, bot_r.jid, r"key matches", mb, 5)
    check(ok and hello_a and hello_b,
          "pinned helpers: OTR with the bot, greeted as helpers",
          short(hello_a, 60))
    for p in (p1, p2, p3, p4, p5):
        p.connect()
    note("helpers and people online")

    # ---- R: the first case goes to Carol (on duty, first in the config),
    # whose key is not the pinned one.
    t_case1 = None
    if secure_person(p2, bot_r) is None:
        check(False, "p2: OTR with R and greeting")
    else:
        say(p2, bot_r, P2_Q, r".", "p2: a question gets an answer")
        say(p2, bot_r, "HUMAN", r"YES", "p2: HUMAN asks for consent")
        ma = mark(alice, bot_r.jid)
        mb = mark(bob, bot_r.jid)
        say(p2, bot_r, "YES", r"contacting a helper now; your request is "
            r"number 1\b", "p2: YES: told a helper is being contacted (#1)")
        q = None
        deadline = time.monotonic() + 10 * SCALE
        while q is None and time.monotonic() < deadline:
            q = next((r for r in carol.raw_from(bot_r.jid)
                      if r.kind == "query"), None)
            time.sleep(0.05)
        check(q is not None, "case #1 goes to Carol first: the bot asks "
              "her for a private conversation")
        enc = attempt(carol.wait_encrypted, bot_r.jid, timeout=10)
        check(enc is not None and carol.their_fingerprint(bot_r.jid),
              "Carol's client accepts the bot's OTR (her unpinned key)")
        alert_a = wait_msg(alice, bot_r.jid, r"Carol's chat key does not "
                           r"match", ma, 10)
        alert_b = wait_msg(bob, bot_r.jid, r"Carol's chat key does not "
                           r"match", mb, 5)
        check(alert_a is not None and alert_b is not None,
              "key mismatch: the helper on duty and the fallback are alerted",
              short(alert_a, 70))
        offer1 = wait_msg(alice, bot_r.jid, r"Case #1 \(en\): \"%s\".*"
                          r"CLAIM 1" % re.escape(P2_Q), ma, 10)
        t_case1 = time.monotonic()
        check(offer1 is not None, "the case moves on: Alice gets offer #1 "
              "(case number, language, the consented text, CLAIM 1)",
              short(offer1))
        check(attempt(bot_r.wait_log, r"helper \S+ is using an OTR key "
                      r"that is not pinned", timeout=1) is not None,
              "the mismatch is logged")
    note("case #1 offered to Alice; its %d s timeout runs from here" % ACK)

    # ---- R: p1, the main path: notice, consent (NO, then YES), claim,
    # relay both ways, close.
    # p1 has the desk in their contacts (as Pidgin users do): the bot sees
    # their presence.
    p1.subscribe(bot_r.jid)
    attempt(p1.wait_presence, bot_r.jid, timeout=10)
    greet = secure_person(p1, bot_r, via_notice=True)
    check(greet is not None, "p1: clear text gets the notice; its query "
          "starts OTR; greeting", short(greet, 60))
    notices = [b for b in p1.plain_messages(bot_r.jid)]
    check(len(notices) == 1 and otr_kind(notices[0]) == "query",
          "p1: exactly one plaintext body: the refusal notice with a query",
          "%d" % len(notices))
    say(p1, bot_r, P1_Q, r".", "p1: a question gets an answer")
    m = mark(p1, bot_r.jid)
    p1.send(bot_r.jid, "HUMAN")
    consent = wait_msg(p1, bot_r.jid, r"Type YES", m, 10)
    unverified = wait_msg(p1, bot_r.jid, r"isn't verified yet.*VERIFY", m, 2)
    check(unverified is not None, "p1: unverified session: the bot says so "
          "and offers VERIFY", short(unverified, 60))
    check(consent is not None and
          re.search(r"pass this on to the helper on duty:\s*\"%s\"" %
                    re.escape(P1_Q), consent) and
          "go through me" in consent,
          "p1: consent names what (the question), to whom (the helper on "
          "duty) and how (relayed)", short(consent, 120))
    say(p1, bot_r, "NO", r"nothing was sent", "p1: NO: nothing was sent")
    time.sleep(0.3)
    check(not any(P1_Q in t for h in (alice, bob, carol)
                  for t in h.messages(bot_r.jid)),
          "p1: after NO no helper has the question")
    # s14-handover: a YES right after the NO is a change of mind.
    say(p1, bot_r, "YES", r"Type YES", "p1: YES right after NO: consent "
        "again")
    ma = mark(alice, bot_r.jid)
    say(p1, bot_r, "YES", r"contacting a helper now; your request is "
        r"number 2\b", "p1: YES: told a helper is being contacted (#2)")
    offer2 = wait_msg(alice, bot_r.jid, r"Case #2 \(en\): \"%s\".*CLAIM 2"
                      % re.escape(P1_Q), ma, 10)
    check(offer2 is not None, "Alice gets offer #2 with the consented text",
          short(offer2))
    m = mark(p1, bot_r.jid)
    say(alice, bot_r, "CLAIM 2", r"Case #2 \(en\) is yours",
        "Alice: CLAIM 2 is confirmed")
    claimed = wait_msg(p1, bot_r.jid, r"has taken your request", m, 10)
    check(claimed is not None and claimed.startswith("Alice, a helper") and
          alice.jid not in claimed and "@" not in claimed,
          "p1 is told the helper's name, not the JID", short(claimed, 60))
    p1.send(bot_r.jid, P1_RELAY)
    relay = wait_msg(alice, bot_r.jid, r"^\[#2\] %s$" % re.escape(P1_RELAY),
                     ma, 10)
    check(relay is not None, "relay: the person's text reaches Alice as "
          "\"[#2] text\"")
    # HUMAN inside the relay is the bot's: who has the request.
    say(p1, bot_r, "HUMAN", r"Alice is handling your request",
        "relay: HUMAN says who handles the request")
    time.sleep(0.3)
    check("[#2] HUMAN" not in alice.messages(bot_r.jid),
          "relay: HUMAN does not reach Alice as words")
    m = mark(p1, bot_r.jid)
    alice.send(bot_r.jid, "#2 " + A_REPLY)
    back = wait_msg(p1, bot_r.jid, r"^Alice: %s$" % re.escape(A_REPLY), m, 10)
    check(back is not None, "relay: Alice's \"#2 text\" reaches the person")

    # p1's connection drops (OTR not ended): Alice's words wait, and come
    # out when p1 is back in the same private conversation.
    p1.disconnect()
    time.sleep(0.5 * SCALE)
    say(alice, bot_r, "#2 " + A_HELD1, r"Case #2: the person is offline",
        "p1 offline (OTR not ended): Alice is told her words wait")
    m = mark(p1, bot_r.jid)
    p1.connect()
    time.sleep(0.3 * SCALE)
    ma = mark(alice, bot_r.jid)
    p1.send(bot_r.jid, P1_BACK)
    held = wait_msg(p1, bot_r.jid, r"^Alice: %s$" % re.escape(A_HELD1), m, 10)
    check(held is not None, "p1 back in the same session: the words that "
          "waited arrive", since_text(p1, bot_r.jid, m) if held is None
          else "")
    check(wait_msg(alice, bot_r.jid, r"^\[#2\] %s$" % re.escape(P1_BACK),
                   ma, 10) is not None,
          "p1 back: their text reaches Alice")
    # Gone again, and back from a restarted app (a new session).
    p1.close()
    time.sleep(0.5 * SCALE)
    say(alice, bot_r, "#2 " + A_HELD2, r"Case #2: the person is offline",
        "p1 gone again: Alice is told her words wait")
    p1b = client("p1", key=pkey, resource="again")
    p1b.connect()
    m = mark(p1b, bot_r.jid)
    secure_person(p1b, bot_r)
    held = wait_msg(p1b, bot_r.jid, r"^Alice: %s$" % re.escape(A_HELD2), m,
                    10)
    check(held is not None, "p1 back with a new session: the words that "
          "waited arrive", since_text(p1b, bot_r.jid, m) if held is None
          else "")
    m = mark(p1b, bot_r.jid)
    say(alice, bot_r, "CLOSE 2", r"Case #2 is closed",
        "Alice: CLOSE 2 is confirmed")
    closed = wait_msg(p1b, bot_r.jid, r"Alice has closed your request "
                      r"\(number 2\)", m, 10)
    check(closed is not None, "CLOSE: the person is told")
    note("p1 done")

    # ---- R: p3: HUMAN without a question, STATUS, CANCEL.
    if secure_person(p3, bot_r) is None:
        check(False, "p3: OTR with R and greeting")
    else:
        say(p3, bot_r, "can I talk to a human?", r"short description",
            "p3: asking for a person in plain words, without a question, "
            "asks for a description")
        say(p3, bot_r, P3_Q, r"pass this on to the helper on duty:\s*\"%s\""
            % re.escape(P3_Q), "p3: the description is shown for consent")
        ma = mark(alice, bot_r.jid)
        say(p3, bot_r, "YES", r"your request is number 3\b",
            "p3: YES opens case #3")
        offer3 = wait_msg(alice, bot_r.jid, r"Case #3 \(en\)", ma, 10)
        check(offer3 is not None, "Alice gets offer #3")
        say(p3, bot_r, "STATUS", r"Your request \(number 3\) has been sent to "
            r"a helper.*It is at position 2 in the queue",
            "p3: STATUS shows the state and the queue position (2, behind #1)")
        say(p3, bot_r, "CANCEL", r"your request \(number 3\) is closed",
            "p3: CANCEL withdraws the case")
        wd = wait_msg(alice, bot_r.jid, r"Case #3 is closed \(withdrawn", ma, 10)
        check(wd is not None, "CANCEL: the helper with the offer is told")
        st = say(p3, bot_r, "STATUS", r"This conversation is private",
                 "p3: STATUS after CANCEL: the session only")
        check(st is not None and "request" not in st,
              "p3: STATUS after CANCEL shows no request")
    note("p3 done")

    # ---- H: handoff.
    if secure_person(p4, bot_h) is None:
        check(False, "p4: OTR with H and greeting")
    else:
        say(p4, bot_h, P4_Q, r".", "p4: a question gets an answer")
        consent = say(p4, bot_h, "HUMAN", r"Type YES",
                      "p4 (handoff): HUMAN asks for consent")
        check(consent is not None and
              re.search(r"pass this on to Alice:\s*\"%s\"" % re.escape(P4_Q),
                        consent) and
              "get your chat address and write to you directly" in consent,
              "handoff consent names the helper (the only one) and says "
              "she gets the address", short(consent, 100))
        ma = mark(alice, bot_h.jid)
        say(p4, bot_h, "YES", r"contacting a helper",
            "p4: YES: told a helper is being contacted")
        enc = attempt(alice.wait_encrypted, bot_h.jid, timeout=10)
        check(enc is not None, "H opens OTR with Alice (pinned) for the offer")
        offer = wait_msg(alice, bot_h.jid, r"Case #1 \(en\): \"%s\""
                         % re.escape(P4_Q), ma, 10)
        check(offer is not None, "Alice gets H's offer #1")
        m = mark(p4, bot_h.jid)
        got = say(alice, bot_h, "CLAIM 1", r"Contact them directly",
                  "Alice: CLAIM 1 in handoff mode")
        check(got is not None and p4.jid in got and
              p4.our_fingerprint() in got,
              "handoff: the helper gets the person's JID and fingerprint",
              short(got, 120))
        ho = wait_msg(p4, bot_h.jid, r"Their address", m, 10)
        check(ho is not None and alice.jid in ho and
              alice.our_fingerprint() in ho,
              "handoff: the person gets the helper's JID and fingerprint",
              short(ho, 120))
    note("handoff done")

    # ---- Q: nobody on duty, no fallback online; SIGKILL; restart.
    t_q = None
    if secure_person(p5, bot_q) is None:
        check(False, "p5: OTR with Q and greeting")
    else:
        say(p5, bot_q, "HUMAN", r"short description",
            "p5: HUMAN asks for a description")
        say(p5, bot_q, P5_Q, r"Type YES", "p5: consent asked")
        say(p5, bot_q, "YES", r"No helper is on duty right now; the next "
            r"shift starts (on \w+ )?at %s \(UTC\)\. Your request is number "
            r"1 in the queue" % fut_from,
            "nobody on duty: told the next shift's start (%s UTC) and "
            "queued" % fut_from)
        p5.close()
        rc, _ = bot_q.kill()
        check(rc == -9, "Q killed with SIGKILL while case #1 waits",
              "rc %s" % rc)
        bot_q.start()
        bot_q.wait_log(r"logged in as ", timeout=20)
        check(attempt(bot_q.wait_log, r"1 open cases loaded", timeout=1)
              is not None,
              "restart: the case is loaded from the store")
        erin.connect()
        t_q = time.monotonic()
        erin.subscribe(bot_q.jid)
        offer = wait_msg(erin, bot_q.jid, r"Case #1 \(en\): \"%s\".*CLAIM 1"
                         % re.escape(P5_Q), 0, ACK + 10)
        dt = time.monotonic() - t_q
        check(offer is not None and dt < AT_ONCE,
              "after the restart the fallback helper gets the case as soon "
              "as she is online", "%.1f s after her login" % dt)
        # Killed again while the case is offered to Erin, who stays online
        # with the dead process's OTR session: the new process offers it
        # again at once (a fresh session), not after a new ack_timeout.
        me = mark(erin, bot_q.jid)
        rc, _ = bot_q.kill()
        t_q = time.monotonic()
        bot_q.start()
        bot_q.wait_log(r"logged in as ", timeout=20)
        offer = wait_msg(erin, bot_q.jid, r"Case #1 \(en\): \"%s\".*CLAIM 1"
                         % re.escape(P5_Q), me, ACK + 10)
        dt = time.monotonic() - t_q
        check(rc == -9 and offer is not None and dt < AT_ONCE,
              "SIGKILL while offered: offered again at once after the "
              "restart (the helper stayed online)",
              "%.1f s after the kill" % dt)
        # The person comes back (same key) and asks.
        p5b = client("p5", key=pkey, resource="again")
        p5b.connect()
        if secure_person(p5b, bot_q) is not None:
            say(p5b, bot_q, "STATUS", r"Your request \(number 1\) has been "
                r"sent to a helper", "p5 back: STATUS: sent to a helper")
            m = mark(p5b, bot_q.jid)
            say(erin, bot_q, "CLAIM 1", r"is yours", "Erin: CLAIM 1")
            cl = wait_msg(p5b, bot_q.jid, r"^Erin, a helper, has taken", m, 10)
            check(cl is not None, "p5 is told Erin took the request")
        else:
            check(False, "p5 back: OTR with Q")
    note("queue and restart done")

    # ---- R: the offer timeout of case #1.
    if t_case1 is not None:
        left = t_case1 + ACK + 4 * SCALE - time.monotonic()
        note("waiting up to %.1f s for the %d s offer timeout" % (left, ACK))
        rev = wait_msg(alice, bot_r.jid, r"Offer #1 withdrawn", 0,
                       max(left, 0.1) / SCALE)
        t_rev = time.monotonic() - t_case1
        check(rev is not None and t_rev >= ACK - 2,
              "no claim within ack_timeout: the offer is revoked, Alice told",
              "%.1f s after the offer" % t_rev)
        offb = wait_msg(bob, bot_r.jid, r"Case #1 \(en\): \"%s\".*CLAIM 1"
                        % re.escape(P2_Q), 0, 5)
        check(offb is not None, "the fallback helper Bob gets offer #1",
              "%.1f s after the first offer" % (time.monotonic() - t_case1))
        say(alice, bot_r, "WHO", r"Off duty \(key mismatch\): Carol",
            "WHO: Carol is off duty (key mismatch)")
        m = mark(p2, bot_r.jid)
        say(bob, bot_r, "CLAIM 1", r"Case #1 \(en\) is yours",
            "Bob: CLAIM 1 after the timeout")
        cl = wait_msg(p2, bot_r.jid, r"^Bob, a helper, has taken", m, 10)
        check(cl is not None, "p2 is told Bob took the request")
        # The person ends OTR: Bob's words wait, and arrive with the next
        # private conversation.
        p2.end_otr(bot_r.jid)
        time.sleep(0.3)
        say(bob, bot_r, "#1 " + B_REPLY, r"Case #1: the person is offline",
            "p2 out of OTR: Bob is told his words wait")
        m = mark(p2, bot_r.jid)
        p2.start_otr(bot_r.jid)
        back = wait_msg(p2, bot_r.jid, r"^Bob: %s$" % re.escape(B_REPLY), m,
                        10)
        check(back is not None, "p2 back in OTR: Bob's words are delivered")

    # Carol asks for cases herself: she gets nothing but the key notice.
    mc = mark(carol, bot_r.jid)
    for cmd in ("QUEUE", "CLAIM 1", "WHO"):
        carol.send(bot_r.jid, cmd)
    got = wait_msg(carol, bot_r.jid, r".", mc, 5)
    time.sleep(0.5)
    check(got is not None and all("not the one on file" in t for t in
                                  carol.messages(bot_r.jid)[mc:]),
          "Carol's QUEUE, CLAIM, WHO: only the key notice comes back",
          "%d answer(s)" % len(carol.messages(bot_r.jid)[mc:]))

    # ---- Everything Carol got: nothing about anybody.
    got_c = carol.messages(bot_r.jid)
    leaks = [t for t in got_c
             if any(s in t for s in SECRETS) or
             any(p.jid in t for p in (p1, p2, p3, p4, p5)) or
             re.search(r"Case #|\[#", t)]
    check(not leaks, "Carol (unpinned) got nothing about the people",
          "%d message(s) decrypted, %d leak(s)%s" %
          (len(got_c), len(leaks), (": " + short(leaks[0])) if leaks else ""))

    # ---- Only OTR from the bots (after one notice at most).
    bad = []
    for c in clients:
        for b in bots:
            bodies = [r.body for r in c.raw_from(b.jid)]
            if bodies and not bodies[0].startswith("?OTR") and \
                    otr_kind(bodies[0]) == "query":
                bodies = bodies[1:]
            bad += ["%s<-%s: %s" % (c.jid.split("@")[0],
                                     b.jid.split("@")[0], short(x, 40))
                    for x in bodies if not x.startswith("?OTR")]
    nraw = sum(len(c.raw_from(b.jid)) for c in clients for b in bots)
    check(not bad, "every body from the bots (after the first notice) "
          "starts with ?OTR", "%d bodies; %s" % (nraw, "; ".join(bad[:3])))
    # libotr's "[resent]" means a message went into a session the client
    # no longer had; failures: potr could not read a message.
    resent = ["%s: %s" % (c.jid.split("@")[0], short(t, 40))
              for c in clients for b in bots for t in c.messages(b.jid)
              if t.startswith("[resent]")]
    unread = ["%s: %s" % (c.jid.split("@")[0], short(e, 60))
              for c in clients for (_, e) in c.otr_failures]
    check(not resent and not unread, "no message was sent into a session "
          "the client no longer had", "; ".join((resent + unread)[:3]))

    for b in bots:
        rc, secs = b.stop(timeout=5)
        name = b.jid.split("@")[0]
        check(rc == 0, "%s: SIGTERM, exit 0" % name, "rc %s" % rc)
        leaked = [s for s in SECRETS if b.log_contains(s)]
        check(not leaked, "%s: no message text in the log" % name,
              short(leaked[0]) if leaked else "")
        seen = [p.jid for p in (p1, p2, p3, p4, p5) if b.log_contains(p.jid)]
        check(not seen, "%s: people's JIDs only as keyed hashes in the log"
              % name, ", ".join(seen))
        san = b.sanitizer_errors()
        check(not san, "%s: no sanitizer reports" % name,
              short(san[0]) if san else "")
        if failures():
            note("%s log tail:\n%s" % (name, b.tail(15)))
    return finish()


if __name__ == "__main__":
    sys.exit(main())
