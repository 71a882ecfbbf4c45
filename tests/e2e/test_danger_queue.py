#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""End-to-end: a person in danger goes first in the helpers' queue
(s13-danger), with a real Prosody on 127.0.0.1, the real bot and potr
clients as the people and the helper.

One bot, one pinned helper (Alice, on duty, offline at first), two people:
- A opens an ordinary request (HUMAN, YES), then B opens one with words of
  danger (consent YES): each is told their place (B first), STATUS agrees,
  the admin's --status counts 1 danger case and its wait (no JID, no words);
  when Alice comes online B's offer comes first and starts "DANGER:";
  Alice's QUEUE lists B's case first, with the mark;
- the bot is stopped (SIGTERM, by PID) and started on the same state
  directory: both cases are loaded, the offers come again in the same
  order, B's still says DANGER, QUEUE and both people's STATUS agree;
- A, still waiting, writes words of danger: A's reply gives the new place
  (first: the older of two marked cases), Alice, who holds A's offer,
  hears that case #1 now comes with danger, without A's new words; QUEUE
  and B's STATUS follow, --status counts 2 danger cases;
- C's ordinary request is claimed by Alice; in the relay C writes words
  of danger: Alice reads them flagged "DANGER:", and the case is marked
  (s14-safe3): QUEUE says so, --status counts 3 danger cases, and after a
  restart QUEUE still marks it;
- a second bot opens a state directory written by schema version 1 (the
  old CREATE statements, as tests/unit/test_store.c freezes them): its
  cases are kept (offered, unmarked; its person's STATUS), and the file is
  at user_version 2 afterwards.
One line per check; exit 1 on failure.
"""
import os
import re
import sqlite3
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
from checks import (attempt, check, finish, mark, note,  # noqa: E402
                    run_world, short, since_text, wait_msg)
from botproc import Bot, secret  # noqa: E402
from world import (helpers_config, open_person, sanitizer_check,  # noqa: E402
                   say, start_server)

ACK = "10m"                 # no offer may time out during the test
A_Q = "My email account was taken over this morning"
B_DANGER = "they are outside my door right now"
# A's words of danger while the request waits: never consented to, so
# they must not reach the helper.
A_DANGER = "a grey van with two men is parked outside my house now"
A_MARK = "grey van"
OLD_Q = "Someone copied my phone at the border last week"
C_Q = "How do I lock my Signal account with a PIN"
# C's words of danger in a live relay, after Alice claimed the case.
C_DANGER = "they are knocking on my door right now"

# Schema version 1 as the first release wrote it (tests/unit/test_store.c's
# frozen copy): a file this old must still open.
OLD_V1 = """
CREATE TABLE cases (
 id INTEGER PRIMARY KEY AUTOINCREMENT,
 state INTEGER NOT NULL,
 person TEXT NOT NULL COLLATE NOCASE,
 lang TEXT NOT NULL,
 text TEXT,
 person_fp TEXT,
 helper TEXT COLLATE NOCASE,
 opened INTEGER NOT NULL,
 offered INTEGER NOT NULL DEFAULT 0,
 claimed INTEGER NOT NULL DEFAULT 0,
 closed INTEGER NOT NULL DEFAULT 0);
CREATE TABLE outbox (
 id INTEGER PRIMARY KEY AUTOINCREMENT,
 case_id INTEGER NOT NULL,
 recipient TEXT NOT NULL COLLATE NOCASE,
 lang TEXT NOT NULL,
 key TEXT NOT NULL,
 vars BLOB,
 sensitive INTEGER NOT NULL,
 fp TEXT,
 created INTEGER NOT NULL);
CREATE INDEX outbox_recipient ON outbox (recipient);
CREATE TABLE helpers (
 jid TEXT PRIMARY KEY COLLATE NOCASE,
 duty INTEGER NOT NULL DEFAULT 0,
 blocked INTEGER NOT NULL DEFAULT 0,
 blocked_fp TEXT,
 blocked_pins TEXT,
 blocked_at INTEGER NOT NULL DEFAULT 0);
PRAGMA user_version = 1;
"""

OFFER = re.compile(r"^(DANGER: )?[Cc]ase #\d+ \(en\)")


def offers(h, bot, since, n, timeout=30):
    """The first n offers Alice got from bot at or after index since, in
    the order they came (fewer if they do not come in time)."""
    deadline = time.monotonic() + timeout
    while True:
        got = [t for t in h.messages(bot.jid)[since:] if OFFER.search(t)]
        if len(got) >= n or time.monotonic() >= deadline:
            return got[:n]
        time.sleep(0.05)


def queue(h, bot, n):
    """Alice's QUEUE: the case lines ("#n ..."), in order, once n came."""
    m = mark(h, bot.jid)
    h.send(bot.jid, "QUEUE")
    deadline = time.monotonic() + 10
    while True:
        text = "\n".join(h.messages(bot.jid)[m:])
        lines = [l for l in text.split("\n") if re.match(r"#\d+ ", l)]
        if len(lines) >= n or time.monotonic() >= deadline:
            return text, lines
        time.sleep(0.05)


def resecure(p, bot):
    """A new private conversation with the restarted bot (it ended the
    old ones when it stopped)."""
    attempt(p.wait_state, bot.jid, "finished", timeout=5)
    m = mark(p, bot.jid)
    p.start_otr(bot.jid)
    attempt(p.wait_encrypted, bot.jid, timeout=10)
    return wait_msg(p, bot.jid, r"private", m, 10)


def admin_status(bot, people, regex, what, timeout=8.0):
    """`--status` until its output matches regex (the file is rewritten
    every 5 s); checks it names nobody and holds no words."""
    deadline = time.monotonic() + timeout
    out = err = ""
    while True:
        rc, out, err = bot.run("--status")
        if rc == 0 and re.search(regex, out, re.M):
            break
        if time.monotonic() > deadline:
            break
        time.sleep(0.5)
    check(rc == 0 and re.search(regex, out, re.M) is not None, what,
          short(out + err, 300))
    words = [w for w in [p.jid for p in people] +
             [B_DANGER, A_Q, A_DANGER, A_MARK, C_Q, C_DANGER] if w in out]
    check(not words, "... --status names nobody and holds no words",
          ", ".join(words))


def part_open(alice, pa, pb, bot):
    """Two requests while Alice is offline; she comes; B's offer first."""
    say(pa, bot, A_Q, r".", "A: a question gets an answer")
    say(pa, bot, "HUMAN", r"Type YES", "A: HUMAN asks for consent")
    say(pa, bot, "YES", r"Your request is number 1 in the queue",
        "A (ordinary, first): YES: number 1 in the queue")
    got = say(pb, bot, B_DANGER, r"You may be in danger right now",
              "B: words of danger get the danger reply")
    check(got is not None and "HUMAN" in got, "... which offers HUMAN",
          short(got, 120))
    got = say(pb, bot, "HUMAN", r"Type YES", "B: HUMAN asks for consent")
    check(got is not None and B_DANGER in got,
          "B: the consent shows the words of danger", short(got, 120))
    say(pb, bot, "YES", r"Your request is number 1 in the queue",
        "B (danger, second): YES: number 1 in the queue, before A")
    say(pa, bot, "STATUS", r"Your request \(number 1\) is at position 2 ",
        "A: STATUS: request 1, now at position 2")
    say(pb, bot, "STATUS", r"Your request \(number 2\) is at position 1 ",
        "B: STATUS: request 2 at position 1")
    admin_status(bot, (alice, pa, pb),
                 r"^danger cases: 1 open, oldest waiting \d+ s$",
                 "admin --status: 1 danger case, with its wait")
    # Alice comes online: the bot offers both, B's first.
    ma = mark(alice, bot.jid)
    alice.connect()
    alice.subscribe(bot.jid)
    attempt(alice.wait_presence, bot.jid, timeout=10)
    attempt(alice.wait_encrypted, bot.jid, timeout=20)
    got = offers(alice, bot, ma, 2)
    check(len(got) == 2 and got[0].startswith(
        'DANGER: case #2 (en) came with words of danger now: "%s"'
        % B_DANGER) and "CLAIM 2" in got[0],
        "Alice comes online: B's offer comes first and starts DANGER:, "
        "with B's words", " | ".join(short(g, 70) for g in got))
    check(len(got) == 2 and got[1].startswith('Case #1 (en): "%s"' % A_Q),
          "... then A's ordinary offer, unmarked",
          since_text(alice, bot.jid, ma))
    text, lines = queue(alice, bot, 2)
    check(len(lines) == 2 and
          lines[0].startswith("#2 DANGER (en) offered to Alice") and
          lines[1].startswith("#1 (en) offered to Alice"),
          "QUEUE: B's case first with the DANGER mark, then A's",
          short(text, 160))


def part_restart(alice, pa, pb, bot):
    """SIGTERM by PID, start on the same state dir: mark and order hold."""
    rc, _ = bot.stop(timeout=10)
    check(rc == 0, "the bot stops on SIGTERM (exit 0)", "rc %s" % rc)
    ma = mark(alice, bot.jid)
    bot.start()
    attempt(bot.wait_log, r"logged in as ", timeout=20)
    check(attempt(bot.wait_log, r"2 open cases loaded", timeout=5)
          is not None, "restart: both cases loaded from the store")
    attempt(alice.wait_encrypted, bot.jid, timeout=20)
    got = offers(alice, bot, ma, 2)
    check(len(got) == 2 and got[0].startswith(
        'DANGER: case #2 (en) came with words of danger now: "%s"'
        % B_DANGER),
        "after the restart B's offer still comes first and says DANGER",
        " | ".join(short(g, 70) for g in got) or
        since_text(alice, bot.jid, ma))
    check(any(g.startswith('Case #1 (en): "%s"' % A_Q) for g in got),
          "... and A's offer, unmarked, is not lost",
          since_text(alice, bot.jid, ma))
    text, lines = queue(alice, bot, 2)
    check(len(lines) == 2 and lines[0].startswith("#2 DANGER (en)") and
          lines[1].startswith("#1 (en)"),
          "after the restart QUEUE: B's case first, marked, then A's",
          short(text, 160))
    for p, name in ((pa, "A"), (pb, "B")):
        check(resecure(p, bot) is not None,
              "%s: a new private conversation with the restarted bot" % name)
    say(pa, bot, "STATUS", r"Your request \(number 1\) has been sent to a "
        r"helper.*position 2 in the queue",
        "after the restart A's STATUS: request 1, position 2")
    say(pb, bot, "STATUS", r"Your request \(number 2\) has been sent to a "
        r"helper.*position 1 in the queue",
        "after the restart B's STATUS: request 2, position 1")


def part_mark(alice, pa, pb, bot):
    """A writes words of danger while the request waits."""
    ma = mark(alice, bot.jid)
    m = mark(pa, bot.jid)
    pa.send(bot.jid, A_DANGER)
    got = wait_msg(pa, bot.jid, r"You may be in danger right now", m, 10)
    check(got is not None and re.search(r"Your request \(number 1\).*"
                                        r"position 1 in the queue", got, re.S),
          "A's words of danger while waiting: the reply gives the new "
          "place (position 1)", short(got, 200) if got else
          since_text(pa, bot.jid, m))
    now = wait_msg(alice, bot.jid, r"^DANGER: case #1 now comes with words "
                   r"of danger", ma, 10)
    check(now is not None, "Alice, who holds A's offer, hears that case #1 "
          "now comes with danger", since_text(alice, bot.jid, ma))
    time.sleep(1)
    sent = alice.messages(bot.jid)[ma:]
    check(not any(A_MARK in t or A_DANGER in t for t in sent),
          "... by case number only: A's new words are not sent to Alice",
          " | ".join(short(t, 60) for t in sent))
    text, lines = queue(alice, bot, 2)
    check(len(lines) == 2 and lines[0].startswith("#1 DANGER (en)") and
          lines[1].startswith("#2 DANGER (en)"),
          "QUEUE: A's case is marked and first (the older of two marked "
          "cases), then B's", short(text, 160))
    say(pb, bot, "STATUS", r"Your request \(number 2\).*position 2 in the "
        r"queue", "B's STATUS: now position 2")
    say(pa, bot, "STATUS", r"Your request \(number 1\).*position 1 in the "
        r"queue", "A's STATUS: position 1")
    check(not any(A_MARK in t for t in alice.messages(bot.jid)),
          "nothing Alice ever got holds A's unconsented words")
    admin_status(bot, (alice, pa, pb),
                 r"^danger cases: 2 open, oldest waiting \d+ s$",
                 "admin --status: 2 danger cases (offered, not claimed)")


def part_relay(alice, pc, bot):
    """C's request, claimed; words of danger in the relay mark the case."""
    if not open_person(pc, bot, "C: OTR with the bot, greeting"):
        return
    say(pc, bot, C_Q, r".", "C: a question gets an answer")
    say(pc, bot, "HUMAN", r"Type YES", "C: HUMAN asks for consent")
    ma = mark(alice, bot.jid)
    say(pc, bot, "YES", r"[Yy]our request is number 3",
        "C (ordinary): YES: request number 3")
    check(wait_msg(alice, bot.jid, r'^Case #3 \(en\)', ma, 15) is not None,
          "Alice is offered C's case, unmarked",
          since_text(alice, bot.jid, ma))
    say(alice, bot, "CLAIM 3", r"Case #3 \(en\) is yours",
        "Alice claims case #3")
    ma = mark(alice, bot.jid)
    say(pc, bot, C_DANGER, r"\+353 1 210 0489",
        "C's words of danger in the relay: the emergency line")
    check(wait_msg(alice, bot.jid, r"^DANGER: \[#3\] " + re.escape(C_DANGER),
                   ma, 10) is not None,
          "... and Alice reads them flagged DANGER:",
          since_text(alice, bot.jid, ma))
    text, lines = queue(alice, bot, 3)
    check(any(l.startswith("#3 DANGER (en) with Alice") for l in lines),
          "QUEUE: the claimed case #3 is marked DANGER now", short(text, 200))
    admin_status(bot, (alice, pc),
                 r"^danger cases: 3 open",
                 "admin --status: 3 danger cases (one claimed)")
    rc, _ = bot.stop(timeout=10)
    check(rc == 0, "the bot stops on SIGTERM (exit 0)", "rc %s" % rc)
    bot.start()
    attempt(bot.wait_log, r"logged in as ", timeout=20)
    check(attempt(bot.wait_log, r"3 open cases loaded", timeout=5)
          is not None, "restart: the three cases loaded from the store")
    attempt(alice.wait_encrypted, bot.jid, timeout=20)
    text, lines = queue(alice, bot, 3)
    check(any(l.startswith("#3 DANGER (en) with Alice") for l in lines),
          "after the restart QUEUE: case #3 still marked DANGER",
          short(text, 200))


def old_store(state_dir, person, helper):
    """A state directory whose database schema version 1 wrote: two cases
    waiting (one of person's), one claimed by helper."""
    os.makedirs(state_dir, 0o700)
    path = os.path.join(state_dir, "secours.db")
    db = sqlite3.connect(path)
    t = int(time.time()) - 600
    db.executescript(OLD_V1)
    db.execute("INSERT INTO cases (state, person, lang, text, opened) "
               "VALUES (0, ?, 'en', ?, ?)", (person, OLD_Q, t))
    db.execute("INSERT INTO cases (state, person, lang, text, helper, "
               "opened, offered, claimed) VALUES (2, 'gone@example.test', "
               "'en', NULL, ?, ?, ?, ?)", (helper, t + 10, t + 20, t + 30))
    db.commit()
    db.close()
    os.chmod(path, 0o600)
    return path


def read_store(path):
    """(PRAGMA user_version, [(id, state, danger)] or the error)."""
    db = sqlite3.connect(path)
    try:
        ver = db.execute("PRAGMA user_version").fetchone()[0]
        try:
            rows = db.execute("SELECT id, state, danger FROM cases "
                              "ORDER BY id").fetchall()
        except sqlite3.Error as e:
            rows = str(e)
        return ver, rows
    finally:
        db.close()


def part_v1(srv, bots, alice, pold):
    bot = Bot(srv, user="botv", password="botvpw",
              config=helpers_config([(alice, "Alice")], ack_timeout=ACK))
    bots.append(bot)
    path = old_store(bot.state_dir, pold.jid, alice.jid)
    ver, rows = read_store(path)
    check(ver == 1 and "no such column: danger" in rows,
          "a state directory written by schema version 1 (no danger "
          "column)", "%s %s" % (ver, rows))
    ma = mark(alice, bot.jid)
    bot.start()
    attempt(bot.wait_log, r"logged in as ", timeout=20)
    check(attempt(bot.wait_log, r"schema version 1 brought to 2",
                  timeout=2) is not None and
          attempt(bot.wait_log, r"2 open cases loaded", timeout=2)
          is not None,
          "the bot opens it, upgrades it, and loads its two open cases")
    alice.subscribe(bot.jid)
    attempt(alice.wait_presence, bot.jid, timeout=10)
    attempt(alice.wait_encrypted, bot.jid, timeout=20)
    got = offers(alice, bot, ma, 1)
    check(len(got) == 1 and got[0].startswith('Case #1 (en): "%s"' % OLD_Q),
          "the old waiting case is offered to Alice, not marked",
          since_text(alice, bot.jid, ma))
    text, lines = queue(alice, bot, 2)
    check(len(lines) == 2 and lines[0].startswith("#1 (en) offered to Alice")
          and lines[1].startswith("#2 (en) with Alice"),
          "QUEUE: both old cases, neither marked", short(text, 160))
    if open_person(pold, bot, "the old case's person: OTR with the bot"):
        say(pold, bot, "STATUS", r"Your request \(number 1\) has been sent "
            r"to a helper", "... STATUS: their request (number 1) is kept")
    rc, _ = bot.stop(timeout=10)
    check(rc == 0, "the bot on the upgraded store stops (exit 0)",
          "rc %s" % rc)
    ver, rows = read_store(path)
    check(ver == 2 and rows == [(1, 1, 0), (2, 2, 0)],
          "afterwards: PRAGMA user_version 2, both cases kept, unmarked",
          "%s %s" % (ver, rows))
    sanitizer_check(bot)


def run(tmp, srv, bots, clients):
    t0 = time.monotonic()
    client = start_server(srv, clients, ["alice", "pa", "pb", "pc", "pold"])
    alice = client("alice", key_file=os.path.join(tmp, "alice.key"))
    pa, pb, pc, pold = (client(u, key_file=os.path.join(tmp, "people.key"))
                        for u in ("pa", "pb", "pc", "pold"))
    secret(A_Q, B_DANGER, A_DANGER, OLD_Q, C_Q, C_DANGER, pa.jid, pb.jid,
           pc.jid, pold.jid)
    bot = Bot(srv, config=helpers_config([(alice, "Alice")],
                                         ack_timeout=ACK))
    bots.append(bot)
    rc, out = bot.check()
    if not check(rc == 0, "the config passes --check", short(out, 300)):
        return finish()
    # Alice stays offline: both requests wait, so their order is the
    # queue's, not the order they came in.
    bot.start()
    attempt(bot.wait_log, r"logged in as ", timeout=20)
    ok = open_person(pa, bot, "A: OTR with the bot, greeting")
    ok = open_person(pb, bot, "B: OTR with the bot, greeting") and ok
    if not ok:
        return finish()
    steps = (("two requests, B in danger", part_open),
             ("restart", part_restart),
             ("A's danger while waiting", part_mark),
             ("C's danger in a relay", lambda a, x, y, b: part_relay(a, pc, b)))
    for name, fn in steps:
        t1 = time.monotonic()
        try:
            fn(alice, pa, pb, bot)
        except AssertionError as ex:
            check(False, "%s raised" % name, short(str(ex), 300))
        note("%s: %.1f s" % (name, time.monotonic() - t1))
    rc, _ = bot.stop(timeout=10)
    check(rc == 0, "SIGTERM, exit 0", "rc %s" % rc)
    leaked = [s for s in (A_Q, B_DANGER, A_DANGER, C_Q, C_DANGER)
              if bot.log_contains(s)]
    check(not leaked, "no message text in the log",
          short(leaked[0]) if leaked else "")
    sanitizer_check(bot)
    t1 = time.monotonic()
    try:
        part_v1(srv, bots, alice, pold)
    except AssertionError as ex:
        check(False, "schema version 1 raised", short(str(ex), 300))
    note("schema version 1: %.1f s; whole test %.1f s"
         % (time.monotonic() - t1, time.monotonic() - t0))
    return finish()


def main():
    return run_world("secours-e2edanger-", run)


if __name__ == "__main__":
    sys.exit(main())
