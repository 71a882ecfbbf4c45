#!/usr/bin/python3
"""End-to-end fault: the bot is SIGKILLed in the middle of a claim, a close
and a handoff. A real Prosody on 127.0.0.1, the real bot behind a loopback
tap, potr clients as the people and a pinned helper (Alice).

Each operation is cut twice:
  now   the bot is killed right after the helper sends the command (it
        may not even have read it);
  held  the tap keeps the bot's output from the server, the bot is killed
        once its answer is written (so after its store write) and that
        answer is lost.
After the restart the case must be in exactly one state (the store has
one row for it, and the person's STATUS and the helper's QUEUE agree with
it), offered again if it is not taken, never offered twice, never lost:
the helper can go on with it (claim it, relay, or has the handoff
details), and a handed-off case leaves both sides with each other's
address. One line per check; exit 1 on failure.
"""
import os
import re
import sqlite3
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
from checks import (SCALE, attempt, check, finish, mark,  # noqa: E402
                    note, run_world, short, since_text, wait_msg)
from botproc import Bot, secret  # noqa: E402
from otrclient import Client, load_or_make_key  # noqa: E402
from tcptap import Tap  # noqa: E402
from world import duty_now  # noqa: E402

TAG = "kq%d" % os.getpid()
secret(TAG)
STATES = {0: "waiting", 1: "offered", 2: "claimed", 3: "closed"}


class World:
    def __init__(self, tmp, srv, bots, clients):
        self.tmp, self.srv, self.bots, self.clients = tmp, srv, bots, clients
        self.n = 0
        self.pkey = load_or_make_key(os.path.join(tmp, "people.key"))
        self.akey = os.path.join(tmp, "alice.key")

    def client(self, user, **kw):
        self.n += 1
        c = Client(self.srv.jid(user), user + "pw", self.srv.port,
                   resource="r%d" % self.n, **kw)
        self.clients.append(c)
        return c

    def alice(self, bot, fresh_otr=True):
        """A new Alice client, online and in OTR with bot."""
        a = self.client("alice", key_file=self.akey)
        a.connect()
        attempt(a.wait_presence, bot.jid, timeout=10)
        if fresh_otr:
            # The bot may start OTR itself to offer a case: give it a
            # moment, never cross its AKE.
            t = time.monotonic() + 0.6 * SCALE
            while time.monotonic() < t and not a.raw_from(bot.jid):
                time.sleep(0.05)
            if not a.raw_from(bot.jid):
                a.start_otr(bot.jid)
            attempt(a.wait_encrypted, bot.jid, timeout=10)
            time.sleep(0.2)
        return a

    def person(self, user, bot):
        p = self.client(user, key=self.pkey)
        p.connect()
        # The desk in their contacts (as Pidgin users have it): the bot
        # sees them online and need not ping them before helpers' texts.
        p.subscribe(bot.jid)
        attempt(p.wait_presence, bot.jid, timeout=10)
        m = mark(p, bot.jid)
        p.start_otr(bot.jid)
        attempt(p.wait_encrypted, bot.jid, timeout=10)
        wait_msg(p, bot.jid, r"private", m, 10)
        return p


def db_rows(bot, case):
    con = sqlite3.connect("file:%s?mode=ro" % os.path.join(
        bot.state_dir, "secours.db"), uri=True)
    try:
        return con.execute("SELECT state, helper FROM cases WHERE id = ?",
                           (case,)).fetchall()
    finally:
        con.close()


def ask(client, bot, text, regex, timeout=10.0):
    m = mark(client, bot.jid)
    client.send(bot.jid, text)
    return wait_msg(client, bot.jid, regex, m, timeout)


def open_case(w, bot, alice, user, question):
    p = w.person(user, bot)
    ask(p, bot, "HUMAN", r"short description")
    ask(p, bot, question, r"Type YES")
    ma = mark(alice, bot.jid)
    got = ask(p, bot, "YES", r"your request is number (\d+)")
    n = int(re.search(r"number (\d+)", got).group(1)) if got else 0
    offer = wait_msg(alice, bot.jid, r"Case #%d \(en\)" % n, ma, 10)
    check(n > 0 and offer is not None, "%s: case #%d opened and offered to "
          "Alice" % (user, n), since_text(alice, bot.jid, ma))
    return p, n


def cut(w, bot, tap, alice, cmd, how):
    """Alice sends cmd; the bot is SIGKILLed (how: "now" or "held").
    Returns (rows in the store after the kill, answers that got out)."""
    ma = mark(alice, bot.jid)
    if how == "held":
        tap.hold = True
    alice.send(bot.jid, cmd)
    if how == "held":
        t = time.monotonic() + 5 * SCALE
        while b"?OTR:" not in tap.data("held") and time.monotonic() < t:
            time.sleep(0.005)
        time.sleep(0.05)          # the rest of the answer, if any
        if b"?OTR:" not in tap.data("held"):
            note("held: %r\nlog: %s" % (tap.data("held")[:300], bot.tail(8)))
        check(b"?OTR:" in tap.data("held"), "%s (%s): the bot answered into the tap" %
              (cmd, how), "%d bytes held" % tap.held())
    bot.kill()
    tap.hold = False
    tap.drop_all()
    got = alice.messages(bot.jid)[ma:]
    return got


def restart(w, bot, clients_to_close):
    for c in clients_to_close:
        c.close(timeout=2)
    bot.start()
    bot.wait_log(r"logged in as ", timeout=20)


def scenario(w, bot, tap, op, how, mode):
    """op: "claim" or "close" (relay), "handoff" (handoff mode)."""
    what = "%s, killed %s" % (op, "at once" if how == "now" else
                              "after its answer was written")
    note("---- " + what)
    alice = w.alice(bot)
    user = "p%s%s" % (op[:3], how)
    w.srv.register(user, user + "pw")
    q = "%s %s %s request text" % (TAG, op, how)
    p, n = open_case(w, bot, alice, user, q)
    if n == 0:
        return
    if op == "close":
        ask(alice, bot, "CLAIM %d" % n, r"is yours")
        ma = mark(alice, bot.jid)
        p.send(bot.jid, "%s before the close" % TAG)
        check(wait_msg(alice, bot.jid, r"^\[#%d\]" % n, ma, 10) is not None,
              "%s: the relay works before the close" % what)
    cmd = ("CLOSE %d" if op == "close" else "CLAIM %d") % n
    before = alice.messages(bot.jid)
    cut(w, bot, tap, alice, cmd, how)
    rows = db_rows(bot, n)
    state = STATES.get(rows[0][0]) if len(rows) == 1 else None
    check(len(rows) == 1, "%s: the store has exactly one row for case #%d"
          % (what, n), "state %s" % state)
    restart(w, bot, [alice, p])
    t0 = time.monotonic()
    p = w.person(user, bot)
    alice = w.alice(bot)
    ms = mark(p, bot.jid)
    ask(p, bot, "STATUS", r"This conversation is private|request")
    time.sleep(0.3)
    st = "\n".join(p.messages(bot.jid)[ms:])
    mq = mark(alice, bot.jid)
    ask(alice, bot, "QUEUE", r"Open cases|queue is empty")
    time.sleep(0.5)
    qu = "\n".join(alice.messages(bot.jid)[mq:])
    # Let any offer the restart makes arrive.
    if state in ("waiting", "offered"):
        wait_msg(alice, bot.jid, r"^Case #%d \(en\): " % n, 0, 5)
    time.sleep(0.5 * SCALE)
    note("restart to here: %.1f s" % (time.monotonic() - t0))
    offers = [t for t in alice.messages(bot.jid)
              if re.match(r"Case #%d \(en\): " % n, t)]
    before_offers = [t for t in before
                     if re.match(r"Case #%d \(en\): " % n, t)]
    if state in ("waiting", "offered"):
        check(len(offers) == 1 and st and "sent to a helper" in st and
              qu and re.search(r"#%d \(en\) offered to Alice" % n, qu),
              "%s: not applied: offered again once, STATUS and QUEUE agree"
              % what, "%d offer(s); %s; %s" % (len(offers), short(st, 40),
                                               short(qu, 60)))
        # The command can be given again and works.
        if op == "close":
            check(False, "%s: a claimed case went back to %s" % (what, state))
        ma = mark(p, bot.jid)
        got = ask(alice, bot, cmd, r"is yours|Contact them directly")
        check(got is not None, "%s: CLAIM again works" % what,
              since_text(alice, bot.jid, len(alice.messages(bot.jid)) - 2))
    elif state == "claimed":
        ok = not offers and st and "is handling your request" in st and \
            qu and re.search(r"#%d \(en\) with Alice" % n, qu)
        check(ok, "%s: claimed: not offered again, STATUS and QUEUE agree"
              % what, "%d offer(s); %s; %s" % (len(offers), short(st, 40),
                                               short(qu, 60)))
        ma = mark(alice, bot.jid)
        p.send(bot.jid, "%s after the restart" % TAG)
        check(wait_msg(alice, bot.jid, r"^\[#%d\] %s after" % (n, TAG), ma,
                       10) is not None,
              "%s: claimed: the relay goes on after the restart" % what)
        if op == "close":
            got = ask(alice, bot, cmd, r"is closed")
            check(got is not None, "%s: CLOSE again works" % what)
    elif state == "closed" and op == "handoff":
        # Handed off: the person's STATUS and the helper's CASE n give
        # the details again (kept 24 h in the handoff's transaction).
        check(not offers and st and "Their address: %s" % alice.jid.split(
              "/")[0] in st and "is handling" not in st and
              qu and not re.search(r"#%d \(" % n, qu),
              "%s: handed off: not offered again; the person's STATUS "
              "gives Alice's address, QUEUE agrees" % what,
              "%d offer(s); %s; %s" % (len(offers), short(st, 60),
                                       short(qu, 60)))
        got = ask(alice, bot, "CASE %d" % n, r"Contact them directly")
        check(got is not None and p.jid.split("/")[0] in got,
              "%s: handed off: Alice's CASE %d gives the person's address"
              % (what, n), short(got or "", 60))
    elif state == "closed":
        check(not offers and st and "Your request" not in st and
              "is handling" not in st and
              qu and not re.search(r"#%d \(" % n, qu),
              "%s: closed: not offered again, STATUS and QUEUE agree" % what,
              "%d offer(s); %s; %s" % (len(offers), short(st, 40),
                                       short(qu, 60)))
    if op == "handoff":
        # However it went, both sides end up with each other's address.
        # An answer lost with the connection (no XEP-0198 acks) is
        # given again on request: STATUS, CASE n (checked above).
        ha = [t for t in alice.messages(bot.jid) + before
              if "Contact them directly" in t and p.jid in t]
        wait_msg(p, bot.jid, r"Their address", 0, 5)
        hp = [t for t in p.messages(bot.jid) if "Their address" in t and
              alice.jid in t]
        check(ha and hp, "%s: Alice has the person's address and the "
              "person has hers" % what, "alice %d, person %d" %
              (len(ha), len(hp)))
    check(len(before_offers) == 1,
          "%s: offered once before the kill" % what,
          "%d" % len(before_offers))
    for c in (alice, p):
        c.close(timeout=2)


def main():
    return run_world("secours-fkill-", run)


def run(tmp, srv, bots, clients):
    srv.register("alice", "alicepw")
    srv.start()
    w = World(tmp, srv, bots, clients)
    afp = Client(srv.jid("alice"), "alicepw", srv.port,
                 key=load_or_make_key(w.akey)).our_fingerprint()
    frm, to = duty_now()
    taps = []

    def mkbot(user, mode):
        tap = Tap(srv.port)
        taps.append(tap)
        b = Bot(srv, user=user, password=user + "pw", port=tap.port,
                log_level="debug", config={
                    "limits": {"max_per_minute": 120},
                    "helpers": [{"jid": srv.jid("alice"), "name": "Alice",
                                 "languages": ["en"], "fingerprints": [afp]}],
                    "duty": {"timezone": "UTC", "shifts": [
                        {"helper": srv.jid("alice"), "days": ["daily"],
                         "from": frm, "to": to}]},
                    "escalation": {"mode": mode, "ack_timeout": "30s"}})
        bots.append(b)
        return b, tap

    try:
        a0 = w.client("alice", key_file=w.akey)
        a0.connect()
        bot_r, tap_r = mkbot("botr", "relay")
        bot_h, tap_h = mkbot("both", "handoff")
        for b in (bot_r, bot_h):
            b.start()
        for b in (bot_r, bot_h):
            b.wait_log(r"logged in as ", timeout=20)
            a0.subscribe(b.jid)
            attempt(a0.wait_presence, b.jid, timeout=10)
        a0.close()
        for how in ("now", "held"):
            scenario(w, bot_r, tap_r, "claim", how, "relay")
            scenario(w, bot_r, tap_r, "close", how, "relay")
            scenario(w, bot_h, tap_h, "handoff", how, "handoff")
        for b in (bot_r, bot_h):
            rc, _ = b.stop(timeout=5)
            check(rc == 0, "%s: SIGTERM, exit 0" % b.jid.split("@")[0])
            check(not b.log_contains(TAG), "%s: no request text in the "
                  "debug log" % b.jid.split("@")[0])
            san = b.sanitizer_errors()
            check(not san, "%s: no sanitizer reports" % b.jid.split("@")[0],
                  short(san[0]) if san else "")
    finally:
        for t in taps:
            t.stop()
    return finish()


if __name__ == "__main__":
    sys.exit(main())
