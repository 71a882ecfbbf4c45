#!/usr/bin/python3
"""The bot's XMPP link is dead only when nothing comes in.

The bot pings the server every 60 s (XEP-0199). When thousands of people
come back at once (a restart, issue 13's load benchmark) the answer to the
ping waits behind their stanzas for more than 20 s, and the bot used to
drop a working link and everything in flight with it. Here a TCP tap in
front of the bot keeps what the bot sends from the server (so the ping is
never answered) while a person keeps writing to it: the link must stay up.
Once the person stops, the silence is a dead link and the bot reconnects.
About 110 s. One line per check; exit 1 on failure.
"""
import os
import re
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
from botproc import Bot  # noqa: E402
from checks import SCALE, check, finish, note, run_world  # noqa: E402
from otrclient import Client  # noqa: E402
from tcptap import Tap  # noqa: E402

DEAD = r"no answer to a ping in 20 s: the link is dead"


def run(tmp, srv, bots, clients):
    srv.register("bob", "bobpw")
    srv.start()
    with Tap(srv.port) as tap:
        bot = Bot(srv, port=tap.port, log_level="debug",
                  config={"limits": {"max_per_minute": 600}})
        bots.append(bot)
        bot.start(wait=r"online", timeout=20 * SCALE)
        bob = Client(srv.jid("bob"), "bobpw", srv.port)
        clients.append(bob)
        bob.connect()
        mark = bot.mark()
        domain = bot.jid.split("@", 1)[1]
        server_ping = re.compile(rb'<iq[^>]*to="%s"[^>]*>\s*<ping xmlns="urn:xmpp:ping"'
                                 % re.escape(domain.encode()))

        def pinged():
            return server_ping.search(tap.data("held")) is not None
        # from now on nothing the bot sends reaches the server: its next
        # ping (60 s after the login) gets no answer
        tap.hold = True
        t0 = time.monotonic()
        deadline = t0 + 75 * SCALE
        n = 0
        while not pinged() and time.monotonic() < deadline:
            bob.send_plain(bot.jid, "hello %d" % n)
            n += 1
            time.sleep(2)
        ok = pinged()
        check(ok, "the bot pings the server (held by the tap)",
              "%d bytes held after %.0f s" % (tap.held(), time.monotonic() - t0))
        # 25 s more of a person writing: longer than the 20 s timeout
        t1 = time.monotonic()
        while time.monotonic() - t1 < 25:
            bob.send_plain(bot.jid, "hello %d" % n)
            n += 1
            time.sleep(2)
        log = bot.log_text(mark)
        check(ok and DEAD not in log,
              "no answer to the ping for 25 s while stanzas keep coming: "
              "the link stays up", bot.tail(5) if DEAD in log else "")
        check(tap.connections == 1,
              "the bot did not reconnect", "%d connections" % tap.connections)
        # silence: now the link is dead
        t2 = time.monotonic()
        try:
            bot.wait_log(DEAD, timeout=35 * SCALE, since=mark)
            dead = True
        except Exception as e:  # noqa: BLE001 (the reason goes in the note)
            note(repr(e)[:300])
            dead = False
        check(dead, "silence after the unanswered ping: the bot calls the "
              "link dead (%.0f s after the last stanza)" % (time.monotonic() - t2))
        mark2 = bot.mark()
        tap.hold = False
        try:
            bot.wait_log(r"logged in as", timeout=30 * SCALE, since=mark2)
            back = True
        except Exception:  # noqa: BLE001
            back = False
        check(back, "and logs in again")
    return finish()


if __name__ == "__main__":
    sys.exit(run_world("secours-pingbacklog-", run))
