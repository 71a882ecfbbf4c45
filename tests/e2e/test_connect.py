#!/usr/bin/python3
"""End-to-end: the bot's XMPP link against a real Prosody on loopback.

Login and presence (status text), subscriptions, XEP-0199 ping, unknown IQs,
the body size cap, reconnect after the server is killed, clean stop on
SIGTERM, a wrong password (clear error, slow retry), and TLS with an
untrusted and a trusted certificate. One line per check; exit 1 on failure.
"""
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from prosody import Prosody  # noqa: E402
from botproc import Bot  # noqa: E402
from xmppraw import RawClient, is_presence, q, status_of, NS_CLIENT, NS_STANZAS  # noqa: E402
from checks import check, finish  # noqa: E402

DOMAIN = "example.test"
STATUS = "Help desk: OTR only (test)"
CONFIG = {
    "account": {"status": STATUS},
    "limits": {"max_body": 1024, "max_per_minute": 5},
}

sanitizer_hits = []


def seen(bot, regex, timeout=15.0, since=None):
    """Seconds until the bot logged regex, or None. The wait ends as soon
    as the line is there; the bound is generous because a sanitizer build
    on a loaded machine takes seconds to index the guide before it logs
    in."""
    t0 = time.monotonic()
    try:
        bot.wait_log(regex, timeout=timeout, since=since)
    except AssertionError:
        return None
    return time.monotonic() - t0


def done(bot):
    """Cleans up a bot, keeping any sanitizer report of its runs."""
    sanitizer_hits.extend(bot.sanitizer_errors())
    bot.cleanup()


def test_plain():
    srv = Prosody()
    srv.register("alice", "alicepw")
    srv.start()
    bot = Bot(srv, config=CONFIG)
    botfull = bot.jid + "/secours"
    logged_in = re.escape("logged in as " + botfull)
    alice = RawClient(srv.jid("alice"), "alicepw", srv.port)
    try:
        bot.start()
        t = seen(bot, logged_in)
        if not check(t is not None, "bot logs in",
                     "%.2f s" % t if t is not None else bot.tail()):
            return

        alice.connect()
        alice.presence()
        alice.presence(to=bot.jid, type_="subscribe")
        pres = alice.wait(is_presence(frm=botfull))
        check(pres is not None and status_of(pres) == STATUS,
              "subscriber sees the bot available with its status text",
              repr(status_of(pres)) if pres is not None else "no presence")
        sub = alice.wait(is_presence(bare=bot.jid, type_="subscribe"))
        check(sub is not None, "the bot subscribes back")
        if sub is not None:
            alice.presence(to=bot.jid, type_="subscribed")

        res = alice.iq(botfull, "get", "<ping xmlns='urn:xmpp:ping'/>")
        check(res is not None and res.get("type") == "result",
              "XMPP ping answered")
        res = alice.iq(botfull, "get", "<query xmlns='urn:example:nothing'/>")
        err = res.find(q(NS_CLIENT, "error")) if res is not None else None
        check(res is not None and res.get("type") == "error" and
              err is not None and
              err.find(q(NS_STANZAS, "service-unavailable")) is not None,
              "unknown IQ get gets service-unavailable")
        res = alice.iq(botfull, "set", "<query xmlns='urn:example:nothing'/>")
        check(res is not None and res.get("type") == "error",
              "unknown IQ set gets an error")

        secret = "S3CRET-" + "x" * 1500
        mark = bot.mark()
        alice.message(botfull, secret)
        t = seen(bot, "over limits.max_body", since=mark)
        check(t is not None and not bot.log_contains(secret[:7]),
              "oversized body dropped with a log line, text not logged")

        mark = bot.mark()
        for i in range(8):
            alice.message(botfull, "hello %d" % i)
        t = seen(bot, "messages a minute", since=mark)
        time.sleep(0.3)
        check(t is not None and
              bot.log_text(mark).count("messages a minute") == 1,
              "over max_per_minute: dropped with one log line")

        # Prosody dies hard and comes back on the same port.
        alice.close()
        mark = bot.mark()
        t_kill = time.monotonic()
        srv.restart(kill=True)
        t = seen(bot, logged_in, timeout=15, since=mark)
        back = time.monotonic() - t_kill if t is not None else None
        check(back is not None and back < 10,
              "back online after Prosody SIGKILL + restart",
              "%.2f s" % back if back is not None else bot.tail())
        alice = RawClient(srv.jid("alice"), "alicepw", srv.port)
        alice.connect()
        alice.presence()
        pres = alice.wait(is_presence(frm=botfull), timeout=5)
        check(pres is not None and status_of(pres) == STATUS,
              "after the restart the subscriber sees the bot available")

        rc, secs = bot.stop(timeout=3.0)
        gone = alice.wait(is_presence(frm=botfull, type_="unavailable"),
                          timeout=2)
        check(gone is not None, "SIGTERM: subscriber sees unavailable")
        check(rc == 0 and secs < 3.0, "SIGTERM: exit 0 within 3 s",
              "rc %s in %.2f s" % (rc, secs))
    finally:
        alice.close()
        done(bot)

    # A wrong password: one clear error, no hot loop.
    bad = Bot(srv, password="not-the-password", register=False)
    try:
        bad.start()
        t = seen(bad, "authentication failed for %s: check the password"
                 % re.escape(bad.jid))
        check(t is not None, "wrong password: clear error in the log")
        time.sleep(3)
        n = bad.log.count("authentication failed")
        check(n == 1 and bad.running, "wrong password: slow retry",
              "%d attempt(s) in 3+ s" % n)
        rc, secs = bad.stop(timeout=3.0)
        check(rc == 0, "SIGTERM while waiting to retry: exit 0",
              "rc %s in %.2f s" % (rc, secs))
    finally:
        done(bad)
        srv.cleanup()


def test_tls():
    srv = Prosody(tls=True)
    srv.start()
    untrusted = Bot(srv, config={"account": {"ca_file": None}})
    trusted = Bot(srv)
    try:
        untrusted.start()
        t = seen(untrusted, "TLS certificate for %s not trusted" % DOMAIN)
        check(t is not None and "logged in" not in untrusted.log,
              "TLS: untrusted certificate refused with a clear log line")
        rc, _ = untrusted.stop(timeout=3.0)
        check(rc == 0, "TLS: SIGTERM while refused: exit 0")

        trusted.start()
        t = seen(trusted, re.escape("logged in as %s/secours (TLS)"
                                    % trusted.jid))
        check(t is not None, "TLS: with ca_file the bot logs in",
              "%.2f s" % t if t is not None else trusted.tail())
        rc, _ = trusted.stop(timeout=3.0)
        check(rc == 0, "TLS: SIGTERM exit 0")
    finally:
        done(untrusted)
        done(trusted)
        srv.cleanup()


def main():
    test_plain()
    test_tls()
    check(not sanitizer_hits, "no sanitizer reports",
          sanitizer_hits[0] if sanitizer_hits else "")
    return finish()


if __name__ == "__main__":
    sys.exit(main())
