#!/usr/bin/python3
"""End-to-end: the daemon's wiring of xmpp, otr and bot, against a real
Prosody and an independent OTR client (potr).

Plaintext gets the refusal notice (with the OTR query, in every language
the phrases have) and nothing else in clear; the handshake the notice
starts ends encrypted, with the greeting; a question gets a guide answer;
error, headline and groupchat messages get nothing; SIGTERM ends the OTR
session (the client sees it finished) before the bot logs out.
One line per check; exit 1 on failure.
"""
import os
import sys
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from prosody import Prosody  # noqa: E402
from botproc import Bot  # noqa: E402
from otrclient import Client  # noqa: E402
from xmppraw import RawClient, q, NS_CLIENT  # noqa: E402
from checks import check, finish  # noqa: E402


def attempt(fn, *args, **kw):
    """fn(*args) or None if it fails (a harness wait that runs out); True
    for a wait that returns nothing."""
    try:
        r = fn(*args, **kw)
    except AssertionError:
        return None
    return True if r is None else r


def is_message_from(bare):
    def pred(e):
        return (e.tag == q(NS_CLIENT, "message") and
                (e.get("from") or "").split("/")[0] == bare)
    return pred


def main():
    srv = Prosody()
    srv.register("alice", "alicepw")
    srv.register("mallory", "mallorypw")
    srv.start()
    bot = Bot(srv)
    alice = Client(srv.jid("alice"), "alicepw", srv.port)
    mallory = RawClient(srv.jid("mallory"), "mallorypw", srv.port)
    try:
        bot.start(wait=r"logged in as ")
        alice.connect()

        alice.send_plain(bot.jid, "hello, I need help")
        notice = attempt(alice.expect_plain, bot.jid, r"\?OTRv", timeout=5)
        check(notice is not None, "plaintext gets the refusal notice",
              repr(notice[:60]) if notice else "")
        if notice:
            lines = [l for l in notice.splitlines() if l.strip()]
            check(any("private" in l for l in lines) and
                  any("privée" in l for l in lines) and
                  any("privadas" in l for l in lines),
                  "the notice speaks English, French and Spanish",
                  "%d line(s)" % len(lines))
        enc = attempt(alice.wait_encrypted, bot.jid, timeout=10)
        check(enc is not None or alice.otr_state(bot.jid) == "encrypted",
              "the notice's query starts OTR: session encrypted")
        greet = attempt(alice.next_message, bot.jid, timeout=5)
        check(greet is not None and "privately" in greet,
              "greeting arrives encrypted", repr((greet or "")[:50]))
        alice.send(bot.jid, "how do I verify the fingerprint of the desk?")
        ans = attempt(alice.expect, bot.jid, "\u203a", timeout=5)
        check(ans is not None, "a question gets a guide answer (source line)",
              repr((ans or "").splitlines()[0][:60]) if ans else "")
        plain = alice.plain_messages(bot.jid)
        check(len(plain) == 1, "nothing but the notice went out in clear",
              "%d plaintext bodies" % len(plain))
        check(not bot.log_contains("how do I verify") and
              not bot.log_contains("I need help"),
              "no message text in the log")

        # What must never reach OTR (or get any answer).
        mallory.connect()
        mallory.presence()
        mallory.message(bot.jid, "hi")
        first = mallory.wait(is_message_from(bot.jid), timeout=5)
        check(first is not None, "a second person gets the notice too")
        mallory.wait(is_message_from(bot.jid), timeout=0.5)  # the rest
        mallory.queue.clear()
        mallory.message(bot.jid, "?OTR Error: boom", type_="error")
        mallory.message(bot.jid, "news", type_="headline")
        mallory.message(bot.jid, "room talk", type_="groupchat")
        # (Prosody itself bounces the groupchat one: type error, from the
        # bot's bare JID. Only what the bot sends counts.)
        extra = mallory.wait(lambda e: is_message_from(bot.jid)(e) and
                             e.get("type") != "error", timeout=1.5)
        check(extra is None,
              "error, headline and groupchat messages get no answer",
              ET.tostring(extra, encoding="unicode")[:200] if extra is not None else "")

        rc, secs = bot.stop(timeout=3.0)
        fin = attempt(alice.wait_state, bot.jid, "finished", timeout=3)
        check(fin is not None or alice.otr_state(bot.jid) == "finished",
              "SIGTERM ends the OTR session (client sees it finished)",
              alice.otr_state(bot.jid))
        check(rc == 0 and secs < 3.0, "SIGTERM: exit 0 within 3 s",
              "rc %s in %.2f s" % (rc, secs))
        check(not bot.sanitizer_errors(), "no sanitizer reports")
    finally:
        mallory.close()
        alice.close()
        bot.cleanup()
        srv.cleanup()
    escalation()
    return finish()


def escalation():
    """HUMAN -> consent -> the helper on duty has an unpinned key (pin
    mismatch: nothing for him) -> the pinned fallback helper gets the offer
    inside OTR -> CLAIM -> relay both ways."""
    srv = Prosody()
    srv.register("zoe", "zoepw")
    srv.register("hana", "hanapw")
    srv.register("ivan", "ivanpw")
    srv.start()
    zoe = Client(srv.jid("zoe"), "zoepw", srv.port)
    hana = Client(srv.jid("hana"), "hanapw", srv.port)
    ivan = Client(srv.jid("ivan"), "ivanpw", srv.port)
    other = Client(srv.jid("ivan"), "ivanpw", srv.port)  # for a foreign key
    whole_day = {"days": ["daily"], "from": "00:00", "to": "00:00"}
    bot = Bot(srv, config={
        "helpers": [
            {"jid": hana.jid, "name": "Hana", "languages": ["en"],
             "fingerprints": [hana.our_fingerprint()]},
            # ivan's pin is a key he does not use.
            {"jid": ivan.jid, "name": "Ivan", "languages": ["en"],
             "fingerprints": [other.our_fingerprint()]},
        ],
        # ivan is on duty but talks with an unpinned key: the case must go
        # to hana, the fallback, and ivan must see nothing of it.
        "duty": {"shifts": [dict(whole_day, helper=ivan.jid)],
                 "fallback": [hana.jid]},
    })
    try:
        hana.connect()
        ivan.connect()
        bot.start(wait=r"logged in as ")
        ok = attempt(hana.wait_presence, bot.jid, timeout=5) is not None
        check(ok and "subscribe" in hana.subscription_events(bot.jid),
              "helper: the bot subscribes and is seen online")

        zoe.connect()
        zoe.start_otr(bot.jid, wait=True)
        attempt(zoe.next_message, bot.jid, timeout=5)       # greeting
        zoe.send(bot.jid, "my phone was stolen, what now")
        attempt(zoe.next_message, bot.jid, timeout=5)       # guide's answer
        zoe.send(bot.jid, "HUMAN")
        consent = attempt(zoe.expect, bot.jid, r"YES", timeout=5)
        check(consent is not None and "my phone was stolen" in consent,
              "HUMAN asks for consent, naming the text")
        zoe.send(bot.jid, "YES")
        opened = attempt(zoe.expect, bot.jid, r"number 1", timeout=5)
        check(opened is not None, "the person is told the case number")

        offer = attempt(hana.expect, bot.jid, r"Case #1", timeout=10)
        check(offer is not None and "my phone was stolen" in offer,
              "the pinned helper gets the offer, encrypted")
        check(all("phone" not in m for m in hana.plain_messages(bot.jid)),
              "nothing of the case reached the helper in clear")
        hana.send(bot.jid, "CLAIM 1")
        claimed = attempt(zoe.expect, bot.jid, r"Hana", timeout=5)
        check(claimed is not None, "CLAIM: the person learns who took it")
        attempt(hana.expect, bot.jid, r"is yours", timeout=5)
        zoe.send(bot.jid, "I use Signal too")
        relay = attempt(hana.expect, bot.jid, r"\[#1\] I use Signal too",
                        timeout=5)
        check(relay is not None, "relay: person -> helper")
        hana.send(bot.jid, "#1 Change your password first")
        back = attempt(zoe.expect, bot.jid, r"Change your password first",
                       timeout=5)
        check(back is not None, "relay: helper -> person")

        leaked = [m for m in ivan.messages(bot.jid) +
                  ivan.plain_messages(bot.jid) if "phone" in m]
        check(not leaked, "the helper with an unpinned key saw nothing",
              "OTR with him: %s" % ivan.otr_state(bot.jid))
        check(not bot.log_contains("phone was stolen") and
              not bot.log_contains("Signal too"), "no message text in the log")
        rc, secs = bot.stop(timeout=3.0)
        check(rc == 0, "SIGTERM: exit 0", "rc %s in %.2f s" % (rc, secs))
        check(not bot.sanitizer_errors(), "no sanitizer reports")
    finally:
        for c in (zoe, hana, ivan):
            c.close()
        bot.cleanup()
        srv.cleanup()


if __name__ == "__main__":
    sys.exit(main())
