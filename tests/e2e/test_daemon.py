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
import re
import sys
import time
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from prosody import Prosody  # noqa: E402
from botproc import Bot  # noqa: E402
from otrclient import Client  # noqa: E402
from xmppraw import RawClient, q, NS_CLIENT  # noqa: E402

failures = 0


def check(ok, what, detail=""):
    global failures
    if not ok:
        failures += 1
    print("%s - %s%s" % ("ok" if ok else "not ok", what,
                         " (%s)" % detail if detail else ""))
    sys.stdout.flush()
    return ok


def attempt(fn, *args, **kw):
    """fn(*args) or None if it fails (a harness wait that runs out)."""
    try:
        return fn(*args, **kw)
    except AssertionError:
        return None


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
    if failures:
        print("%d check(s) failed" % failures)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
