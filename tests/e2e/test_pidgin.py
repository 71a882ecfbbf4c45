#!/usr/bin/python3
"""End-to-end: real Pidgin 2.14 with pidgin-otr 4.0.2 (libotr, OTR v3 with
instance tags) talks to the bot.

Pidgin runs headless (tests/lib/pidgin.py: its own Xvfb display and D-Bus
session bus, a private HOME), logged in to a throwaway Prosody on
127.0.0.1; the test sends as the person through libpurple's D-Bus API and
reads what the conversation window shows (WroteImMsg signals); OTR menu
actions are keyboard input (xdotool). Loopback taps (tests/lib/tcptap.py)
sit in front of the bot and of each Pidgin: what crossed the wire.

1. First contact, pidgin-otr's default (opportunistic) policy: "hello"
   goes out with the whitespace tag; OTR v3 starts by itself (every OTR
   message on the wire is v3, ?OTR:AAM..., with instance tags); the
   notice says the private conversation is starting by itself; the next
   message is answered, readable in the window.
2. Questions are answered inside OTR: no line the window showed from the
   bot, and no question, crossed the wire in clear.
3. SMP from Pidgin (OTR > Authenticate buddy, question and answer): a
   wrong answer fails, the right one makes pidgin-otr trust the bot's key
   (otr.fingerprints) and the bot's STATUS says the person checked it;
   VERIFY: Pidgin's dialog shows the bot's question, the answer passes.
4. Manual policy (set in prefs): the notice's query starts OTR (libotr
   hides the notice's text); the person ends the private conversation
   (OTR > End) and writes again in clear, with the bot missing from the
   buddy list (pidgin-otr does not tell the bot) and then listed: never
   silence, OTR restarts, the greeting says the message was not read, and
   the question written again is answered; STOP keeps the private
   conversation; the bot's SIGTERM shows "has ended his/her private
   conversation" and leaves Pidgin in Finished ("Your message was not
   sent"); the bot back, OTR > Start private conversation works again.
Exit 77 (skip) without Pidgin, pidgin-otr, Xvfb, dbus-daemon, xdotool or
python3-dbus. One line per check; exit 1 on any failure.
"""

import base64
import os
import re
import shutil
import struct
import sys
import time
import traceback

_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(_HERE, "..", "lib"))
from checks import private_tmp  # noqa: E402
RUN_DIR = private_tmp("e2epidgin-run-")
from world import (DESK_QUESTION as QUESTION,  # noqa: E402
                   DESK_SECRET as SECRET, SOURCE)

from checks import check, failures, note, short     # noqa: E402

Q1 = "how do I verify the fingerprint of the desk?"
Q2 = "what should I do if my phone was stolen?"
STARTED = r"(Unverified|Private) conversation with \S+ started"
# pidgin-otr's whitespace tag: the base, then the v2 and v3 markers.
TAG_BASE = " \t  \t\t\t\t \t \t \t  "
TAG_V3 = "  \t\t  \t\t"


def otr_header(body):
    """(version, type, sender instance, receiver instance) of an encoded
    OTR message (v3 has instance tags; v2 has none: 0, 0)."""
    m = re.match(r"\?OTR:([A-Za-z0-9+/=]+)", body)
    if not m:
        return None
    raw = base64.b64decode(m.group(1) + "=" * (-len(m.group(1)) % 4))
    version, kind = struct.unpack(">HB", raw[:3])
    if version == 3 and len(raw) >= 11:
        snd, rcv = struct.unpack(">II", raw[3:11])
        return version, kind, snd, rcv
    return version, kind, 0, 0


def timed(t0):
    return "%.2f s" % (time.monotonic() - t0)


def say(p, bot, text, needle, timeout=10):
    """The person writes text; the first line from then on matching needle
    (None when time runs out)."""
    m = p.mark()
    p.send(bot.jid, text)
    return p.wait(needle, m, timeout)


def part_first_contact(srv, bot, tap_bot, fp):
    """Scenarios 1-3: alice, opportunistic policy, behind her own tap."""
    from pidgin import Pidgin
    from tcptap import Tap
    tap = Tap(srv.port)
    p = Pidgin(srv, "alice", "alicepw", policy="opportunistic", port=tap.port)
    try:
        secs = p.start()
        note("Pidgin (opportunistic policy) logged in over D-Bus-"
             "driven libpurple (%.2f s)" % secs)

        # 1. First contact: the whitespace tag starts OTR by itself.
        t0 = time.monotonic()
        m = p.mark()
        p.send(bot.jid, "hello")
        s = p.wait(STARTED, m, 15)
        check(s is not None and s.startswith("Unverified"),
              "\"hello\": Pidgin shows \"Unverified conversation with ... "
              "started\" by itself (%s)" % timed(t0), short(s) or p.seen(m))
        greet = p.wait(r"talking privately", m, 5)
        check(greet is not None and fp in greet,
              "the greeting, with the bot's fingerprint, is readable in "
              "the window", short(greet))
        notice = [t for t in p.seen(m) if "only answers in private" in t]
        check(len(notice) == 1 and "starting one by itself" in notice[0] and
              "OTR menu" not in notice[0],
              "the notice says the private conversation is starting by "
              "itself (no menu instructions)", [short(n) for n in notice])
        check(p.wait(r"was not read", m, 5) is not None,
              "... and that the first message was not read")

        sent = tap.bodies("c2s")
        check(sent and sent[0].startswith("hello" + TAG_BASE) and
              TAG_V3 in sent[0],
              "on the wire, Pidgin's \"hello\" carries the whitespace tag "
              "with the v3 marker", [repr(b[:40]) for b in sent[:1]])

        # The next message gets an answer.
        t0 = time.monotonic()
        a = say(p, bot, Q1, SOURCE)
        check(a is not None, "the next message is answered, readable in "
              "the window (%s): %s" % (timed(t0), short(a, 50)), Q1)

        # 2. Inside OTR; and nothing readable in clear.
        t0 = time.monotonic()
        m = p.mark()
        a = say(p, bot, Q2, SOURCE)
        check(a is not None, "a second question is answered (%s)" % timed(t0))

        # 3. SMP from Pidgin: wrong answer, then the right one.
        t0 = time.monotonic()
        m = p.mark()
        win = p.authenticate(bot.jid, QUESTION, "lighthouse 41")
        check(win is not None, "OTR > Authenticate buddy opens the dialog")
        s = p.wait(r"Your check of me didn't pass", m, 10)
        trust = [t for (_b, _a, _p, f, t) in p.fingerprints() if f == fp]
        check(s is not None and trust == [""] and
              p.expect_none(r"is now: Private", m, 0.1),
              "a wrong answer: the bot says the check of it didn't pass, "
              "pidgin-otr does not trust its key, the window never says "
              "Private (%s)" % timed(t0),
              [p.seen(m), trust])
        p.close_dialogs()
        t0 = time.monotonic()
        m = p.mark()
        p.authenticate(bot.jid, QUESTION, SECRET)
        s = p.wait(r"answered your question", m, 10)
        trusted = p._until(lambda: [t for (_b, _a, _p, f, t)
                                    in p.fingerprints() if f == fp] == ["smp"],
                           10)
        check(s is not None and trusted,
              "the right answer: the bot says it answered, and pidgin-otr "
              "now trusts the bot's key (otr.fingerprints: smp) (%s)"
              % timed(t0), [short(s), p.fingerprints()])
        s = p.wait(r"Your check of me passed", m, 10)
        check(s is not None, "... and then that the person's check of it "
              "passed", p.seen(m))
        s = p.wait(r"privacy status of the current conversation is now: "
                   r"Private", m, 5)
        check(s is not None, "Pidgin's window: \"The privacy status of the "
              "current conversation is now: Private\"", p.seen(m))
        p.close_dialogs()
        s = say(p, bot, "STATUS", r"checked me")
        check(s is not None and "You have checked me" in s,
              "STATUS says the person checked the bot", short(s))

        # VERIFY: the bot checks the person; Pidgin asks for the answer.
        t0 = time.monotonic()
        m = p.mark()
        p.send(bot.jid, "VERIFY")
        win = p.window("^Authenticate Buddy$", timeout=10)
        check(win is not None, "VERIFY: Pidgin opens its Authenticate "
              "Buddy dialog for the bot's question (%s)" % timed(t0))
        if win:
            p.keys(win, text=SECRET)
            p.keys(win, "alt+a")
        s = p.wait(r"Check passed", m, 10)
        check(s is not None, "... the answer typed there passes: the bot "
              "says \"Check passed\" (%s)" % timed(t0), p.seen(m)[-3:])
        p.close_dialogs()

        # Nothing readable crossed the wire, in either stream.
        # (flag 2: PURPLE_MESSAGE_RECV, what came from the bot)
        allowed = {ln.strip() for ln in notice[0].splitlines()}
        lines = sorted({ln.strip() for (_n, _w, t, f) in p.written if f & 2
                        for ln in t.splitlines()
                        if len(ln.strip()) > 20} - allowed)
        leaked = [ln for ln in lines
                  if tap.contains(ln) or tap_bot.contains(ln)]
        check(len(lines) > 10 and not leaked,
              "none of the %d lines Pidgin showed from the bot (but the "
              "notice) crossed the wire in clear" % len(lines),
              [short(x, 50) for x in leaked[:3]])
        asked = [q for q in (Q1, Q2, QUESTION, SECRET, "STATUS", "VERIFY")
                 if tap.contains(q) or tap_bot.contains(q)]
        check(not asked, "no question, secret or command crossed in clear",
              asked)
        bodies = tap.bodies()
        clear = [b for b in bodies if not b.startswith("?OTR")]
        check(len(clear) == 2 and clear[0].startswith("hello") and
              "only answers in private" in clear[1],
              "Pidgin's stream: only \"hello\" and the notice in clear, all "
              "else ?OTR (%d bodies)" % len(bodies),
              [short(c, 40) for c in clear])

        # OTR v3, with instance tags, on both streams.
        heads = [otr_header(b) for b in bodies + tap_bot.bodies()
                 if b.startswith("?OTR:")]
        versions = sorted({h[0] for h in heads})
        data = [h for h in heads if h[1] == 3]
        check(versions == [3] and len(data) > 5,
              "every OTR message on the wire is v3 (?OTR:AAM...): %d, %d "
              "data messages" % (len(heads), len(data)), versions)
        tags = {(h[2], h[3]) for h in data}
        check(data and all(s >= 0x100 and r >= 0x100 for s, r in tags) and
              len(tags) == 2,
              "data messages carry both instance tags (%s)"
              % ", ".join("%08x->%08x" % t for t in sorted(tags)), tags)
        return p
    except Exception:
        p.cleanup()
        tap.stop()
        raise
    finally:
        if failures() and os.environ.get("SECOURS_TEST_DEBUG") == "1":
            shot = os.path.join(p.home, "screen.png")
            if p.screenshot(shot):
                note("screenshot: %s (KEEP_TMP=1 keeps it)" % shot)


def part_manual(srv, bot):
    """Scenario 4: bob, manual policy; ends OTR and writes again."""
    from pidgin import Pidgin
    from tcptap import Tap
    tap = Tap(srv.port)
    p = Pidgin(srv, "bob", "bobpw", policy="manual", port=tap.port)
    try:
        secs = p.start()
        note("Pidgin (manual policy) logged in (%.2f s)" % secs)
        t0 = time.monotonic()
        m = p.mark()
        p.send(bot.jid, "hello, can you help me")
        s = p.wait(STARTED, m, 15)
        check(s is not None, "manual policy: plaintext, the notice's query "
              "starts OTR in Pidgin (%s)" % timed(t0), p.seen(m)[-3:])
        notice = [b for b in tap.bodies("s2c")
                  if "only answers in private" in b]
        check(len(notice) == 1 and "?OTRv" in notice[0] and
              "Pidgin: OTR menu" in notice[0],
              "... the notice on the wire carries the query and names "
              "Pidgin's OTR menu", [short(n) for n in notice])
        note("Pidgin shows %s of the notice (libotr hides a message that "
             "carries a query)" % ("some" if any(
                 "only answers in private" in t for t in p.seen(m))
                 else "nothing"))
        a = say(p, bot, Q1, SOURCE)
        check(a is not None, "the question is answered")

        # OTR > End private conversation, then simply write again: once
        # with the bot missing from the buddy list (pidgin-otr then does
        # not tell the other side), once with it there and online.
        for listed in (False, True):
            how = "listed buddy" if listed else "unlisted contact"
            if listed:
                check(p.add_buddy(bot.jid), "bob adds the bot to his "
                      "buddy list; it shows online (the bot accepts)")
            t0 = time.monotonic()
            m = p.mark()
            since = bot.mark()
            p.menu_end(bot.jid)
            s = p.wait(r"Private conversation with \S+ lost", m, 5)
            check(s is not None, "%s: OTR > End private conversation: "
                  "Pidgin shows \"... lost\" (%s)" % (how, timed(t0)),
                  p.seen(m))
            if listed:
                try:
                    bot.wait_log(r"ended the private conversation",
                                 timeout=5, since=since)
                    ended = True
                except AssertionError:
                    ended = False
                check(ended, "... and the bot is told: it logs the end")
            t0 = time.monotonic()
            m = p.mark()
            p.send(bot.jid, Q2)
            s = p.wait(STARTED, m, 10)
            check(s is not None, "%s: writing again after End: no silence, "
                  "OTR restarts by itself on the bot's query (%s)"
                  % (how, timed(t0)), p.seen(m)[-3:])
            s = p.wait(r"was not read", m, 5)
            check(s is not None, "... and the bot says the message was not "
                  "read, to write it again (%s)" % timed(t0), p.seen(m)[-3:])
            t0 = time.monotonic()
            a = say(p, bot, Q2, SOURCE)
            check(a is not None, "... and the question written again is "
                  "answered (%s)" % timed(t0))

        # STOP keeps the private conversation: writing again just works.
        s = say(p, bot, "STOP", r"stays open")
        check(s is not None and "Pidgin: OTR menu, End private "
              "conversation" in s, "STOP: the goodbye says the private "
              "conversation stays open and how to end it in Pidgin",
              short(s))
        m = p.mark()
        a = say(p, bot, Q1, SOURCE)
        check(a is not None and p.expect_none(r"lost|ended", m, 0.1),
              "after STOP the next question is answered, still private")

        clear = [b for b in tap.bodies("c2s") if not b.startswith("?OTR")]
        check(clear == ["hello, can you help me", Q2, Q2],
              "bob's Pidgin sent in clear only the first message and the "
              "ones written after each End", [short(c, 40) for c in clear])

        # The bot stops: Pidgin is told.
        m = p.mark()
        rc, secs = bot.stop(timeout=5)
        s = p.wait(r"has ended his/her private conversation", m, 5)
        check(s is not None and rc == 0, "bot SIGTERM: Pidgin shows \"... "
              "has ended his/her private conversation with you\" (%.2f s)"
              % secs, [rc, p.seen(m)])

        # Pidgin is now in "Finished": it refuses to send until the person
        # ends or restarts the private conversation (what the trainer
        # guide says). The bot comes back; OTR > Start restarts it.
        m = p.mark()
        p.send(bot.jid, Q1)
        s = p.wait(r"Your message was not sent", m, 5)
        check(s is not None, "Finished: Pidgin refuses to send (\"Your "
              "message was not sent. Either end your private conversation, "
              "or restart it.\")", p.seen(m))
        t0 = time.monotonic()
        bot.start(wait=r"logged in as ")
        p.pump(0.5)
        m = p.mark()
        p.menu_otr(bot.jid, "start")
        s = p.wait(STARTED, m, 10)
        g = p.wait(r"talking privately", m, 5)
        check(s is not None and g is not None, "the bot restarted, OTR > "
              "Start private conversation: a new private conversation and "
              "the greeting (%s)" % timed(t0), p.seen(m)[-3:])
        a = say(p, bot, Q1, SOURCE)
        check(a is not None, "... and the question written again is "
              "answered")
        return p
    except Exception:
        p.cleanup()
        raise
    finally:
        tap.stop()


def main():
    from pidgin import missing
    lack = missing() + [t for t in ("prosody",) if shutil.which(t) is None]
    if lack:
        print("# SKIP: not installed: %s" % ", ".join(lack))
        shutil.rmtree(RUN_DIR, ignore_errors=True)
        return 77
    from prosody import Prosody
    from botproc import Bot
    from tcptap import Tap

    t_all = time.monotonic()
    srv = Prosody()
    srv.register("alice", "alicepw")
    srv.register("bob", "bobpw")
    srv.start()
    tap_bot = Tap(srv.port)
    bot = Bot(srv, port=tap_bot.port,
              config={"otr": {"smp_question": QUESTION, "smp_secret": SECRET}})
    pidgins = []
    try:
        fp = bot.fingerprint()
        bot.start(wait=r"logged in as ")
        try:
            pidgins.append(part_first_contact(srv, bot, tap_bot, fp))
            pidgins[-1].stop()
            pidgins.append(part_manual(srv, bot))
        except Exception as e:       # noqa: B902
            check(False, "the Pidgin session raised",
                  "%s\n%s" % (e, traceback.format_exc()))
        bot.stop(timeout=5)
        v = re.findall(r"private conversation with \S+ \(OTR v(\d)", bot.log)
        check(len(v) >= 3 and set(v) == {"3"}, "the bot's log: every "
              "private conversation with Pidgin was OTR v3 (%d)" % len(v), v)
        check(not any(bot.log_contains(x) for x in
                      (Q1, Q2, SECRET, QUESTION, "can you help me")),
              "no message text or secret in the bot's log")
        check(not bot.sanitizer_errors(), "no sanitizer reports",
              bot.sanitizer_errors()[:3])
    finally:
        for p in pidgins:
            p.cleanup()
        bot.cleanup()
        tap_bot.stop()
        srv.cleanup()
        if os.environ.get("KEEP_TMP") != "1":
            shutil.rmtree(RUN_DIR, ignore_errors=True)
    note("%d failed, %.1f s" % (failures(), time.monotonic() - t_all))
    return 1 if failures() else 0


if __name__ == "__main__":
    sys.exit(main())
