#!/usr/bin/python3
"""End-to-end (issue 10): a frightened person who retries never meets
silence, and never gets mixed signals about verification.

A real Prosody on 127.0.0.1, the real bot, and potr clients:
- never silence: a manual-policy client (potr answers queries, never tags)
  handshakes, ends the private conversation and writes in clear again: it
  gets a query at once (not silence for refusal_cooldown), re-handshakes
  and is answered; a client without OTR that writes twice, 10 s apart, gets
  the notice, then the bare query tag (no text); an opportunistic client
  (whitespace tag) gets the notice saying OTR starts by itself, each time;
- after STOP: the private conversation stays open and the next question is
  answered; the goodbye says how to end it from Pidgin/Profanity; ending it
  and writing in clear starts a new one that is answered;
- honest verification, with remember_people: VERIFY passes (STATUS says the
  bot checked the person; the fingerprints file holds the trust; the next
  session greets a known key), then a later VERIFY fails (STATUS says not
  checked, the file's trust is gone, HUMAN warns); the person checks the
  bot from their app (STATUS says so); the greeting names the app's
  Authenticate buddy with the question, in the person's language, and a
  French conversation gets the French SMP question;
- first contact: "hello, I need help" (en/fr/es) gets the greeting and
  what the bot can do; the bot's presence carries a status text; the
  consent question names the helper on duty; "they are at my door" gets
  the way to a person first.
One line per check; exit 1 on any failure.
"""

import os
import sys
import time

_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(_HERE, "..", "lib"))

from botproc import Bot                                   # noqa: E402
from checks import (attempt, check, failures, mark, note,  # noqa: E402
                    run_world, short, since_text, wait_msg)
from otrclient import Client, load_or_make_key, otr_kind  # noqa: E402

SECRET = "Lighthouse 42"
Q_EN = "Which word is printed on the back of our flyer?"
Q_FR = "Quel mot est imprimé au dos de notre tract ?"
SOURCE = "\u203a"
PIN = "1A2B3C4D 5E6F7A8B 9C0D1E2F 3A4B5C6D 7E8F9A0B"
PIN2 = "0F1E2D3C 4B5A6978 8796A5B4 C3D2E1F0 0A1B2C3D"
QUESTION = "how do I verify the fingerprint of the desk?"


def expect(client, bot, regex, since, what, timeout=10):
    got = wait_msg(client, bot.jid, regex, since, timeout)
    check(got is not None, what,
          short(got) if got else "got: " + since_text(client, bot.jid, since))
    return got


def secure(p, bot, via_plain=None, tag=False):
    """OTR between p and bot: p's own query, or a plaintext (tagged or
    not) answered by the bot's notice. Returns the greeting."""
    m = mark(p, bot.jid)
    if via_plain is None:
        p.start_otr(bot.jid)
    else:
        p.send_plain(bot.jid, via_plain, tag=tag)
    attempt(p.wait_encrypted, bot.jid, timeout=10)
    return wait_msg(p, bot.jid, r"talking privately", m, 10)


def plain_since(p, bot, n):
    return p.plain_messages(bot.jid)[n:]


def part_manual(bot, p):
    """A manual policy (Profanity's default): no tag, answers queries."""
    t0 = time.monotonic()
    greet = secure(p, bot, via_plain="hello? is this the help desk")
    check(greet is not None, "manual client: plaintext, the notice's query "
          "starts OTR, greeting (%.2f s)" % (time.monotonic() - t0),
          p.otr_failures[-2:])
    for round_ in (1, 2):
        since = bot.mark()
        p.end_otr(bot.jid)
        attempt(bot.wait_log, r"ended the private conversation", timeout=5,
                since=since)
        n = len(p.plain_messages(bot.jid))
        m = mark(p, bot.jid)
        t0 = time.monotonic()
        p.send_plain(bot.jid, "please answer, I need help")
        enc = attempt(p.wait_encrypted, bot.jid, timeout=10)
        clear = plain_since(p, bot, n)
        check(enc is not None and len(clear) == 1 and "?OTRv" in clear[0],
              "ended, wrote in clear again (%d): one query at once, a new "
              "private conversation (%.2f s), not %s of silence"
              % (round_, time.monotonic() - t0, "10 min"),
              [short(c, 40) for c in clear])
        expect(p, bot, r"talking privately", m, "... with a greeting")
        expect(p, bot, r"before this private conversation started was not "
               r"read", m, "... saying the plaintext was not read")
        m = mark(p, bot.jid)
        p.send(bot.jid, QUESTION)
        expect(p, bot, SOURCE, m, "... and the question is answered")


def part_bare_query(bot, c):
    """No OTR at all: the notice, then within the cooldown the bare query
    tag (no text), never silence; nothing in answer to its own notice."""
    c.send_plain(bot.jid, "hello? anyone?")
    notice = attempt(c.expect_plain, bot.jid, r"\?OTRv", timeout=5)
    check(notice is not None and "private" in notice,
          "no OTR: plaintext gets the notice with its text", short(notice))
    c.send_plain(bot.jid, "hello again")
    time.sleep(1.5)
    check(len(c.plain_messages(bot.jid)) == 1,
          "a second plaintext while the query is fresh (< 10 s): nothing "
          "(a query now could cross a handshake)")
    time.sleep(9.5)
    c.send_plain(bot.jid, "is anybody there? please")
    q = attempt(c.expect_plain, bot.jid, r"\?OTR", timeout=5)
    check(q is not None and q.strip() == "?OTRv23?",
          "inside the cooldown, 10 s later: the bare query tag, no text",
          repr(q))


def part_tagged(bot, f):
    """An opportunistic client (Pidgin's default) tags its plaintext."""
    for round_ in (1, 2):
        n = len(f.plain_messages(bot.jid))
        m = mark(f, bot.jid)
        greet = secure(f, bot, via_plain="hello, I need advice", tag=True)
        clear = plain_since(f, bot, n)
        check(greet is not None and not f.otr_failures,
              "tagged plaintext (%d): OTR starts by itself" % round_,
              f.otr_failures[-2:])
        again = wait_msg(f, bot.jid, r"was not read", m, 10)
        check(again is not None, "... the greeting says the plaintext was "
              "not read")
        check(len(clear) == 1 and otr_kind(clear[0]) == "plain" and
              "starting one by itself" in clear[0] and
              "OTR menu" not in clear[0],
              "... the notice says the private conversation is starting "
              "by itself (no query, no menu instructions)",
              [short(c, 60) for c in clear])
        time.sleep(0.3)
        since = bot.mark()
        f.end_otr(bot.jid)
        attempt(bot.wait_log, r"ended the private conversation", timeout=5,
                since=since)


def part_stop(bot, p):
    m = mark(p, bot.jid)
    p.send(bot.jid, "STOP")
    bye = expect(p, bot, r"forgotten this conversation", m, "STOP: goodbye")
    check(bye is not None and "stays open" in bye and
          "End private conversation" in bye and "/otr end" in bye and
          "/otr start" in bye and "Write again any time to start a new one"
          not in bye,
          "the goodbye says the private conversation stays open and how "
          "Pidgin and Profanity end it and start again", short(bye, 300))
    time.sleep(0.5)
    check(p.otr_state(bot.jid) == "encrypted",
          "after STOP the client is still in the private conversation "
          "(Pidgin would not be stuck in Finished)", p.otr_state(bot.jid))
    m = mark(p, bot.jid)
    p.send(bot.jid, QUESTION)
    expect(p, bot, SOURCE, m, "after STOP, the next question is answered")
    # The person ends it from their app and writes in clear.
    since = bot.mark()
    p.end_otr(bot.jid)
    attempt(bot.wait_log, r"ended the private conversation", timeout=5,
            since=since)
    m = mark(p, bot.jid)
    p.send_plain(bot.jid, QUESTION)
    enc = attempt(p.wait_encrypted, bot.jid, timeout=10)
    check(enc is not None, "after STOP and ending it: writing in clear "
          "starts a new private conversation")
    expect(p, bot, r"talking privately", m, "... greeted")
    p.send(bot.jid, QUESTION)
    expect(p, bot, SOURCE, m, "... and answered")


def fpr_trust(bot, jid):
    """The trust field of jid's lines in the bot's fingerprints file."""
    try:
        with open(os.path.join(bot.state_dir, "otr.fingerprints")) as f:
            lines = [l.rstrip("\n").split("\t") for l in f]
    except OSError:
        return None
    return [l[4] if len(l) > 4 else "" for l in lines if l and l[0] == jid]


def part_verify(bot, d):
    greet = secure(d, bot)
    check(greet is not None and "Authenticate buddy" in greet and
          Q_EN in greet and "VERIFY lets me check you" in greet,
          "greeting: to check me, your app's Authenticate buddy with the "
          "question; VERIFY is for me to check you", short(greet, 400))
    m = mark(d, bot.jid)
    d.send(bot.jid, "VERIFY")
    asked = attempt(d.wait_smp, bot.jid, timeout=10)
    check(asked == "asked:" + Q_EN, "VERIFY: the bot's SMP question", asked)
    d.smp_respond(bot.jid, SECRET)
    expect(d, bot, r"Check passed", m, "right answer: check passed")
    m = mark(d, bot.jid)
    d.send(bot.jid, "STATUS")
    st = expect(d, bot, r"checked your key", m, "STATUS")
    check(st is not None and "I have checked your key" in st and
          "You haven't checked me yet" in st,
          "STATUS tells the two directions apart: the bot checked the "
          "person, the person has not checked the bot", short(st, 200))
    time.sleep(0.3)
    check(fpr_trust(bot, d.jid) == ["smp"],
          "remember_people: the passed check is the key's trust in the "
          "fingerprints file", fpr_trust(bot, d.jid))
    # A new session with the same key: known.
    since = bot.mark()
    d.end_otr(bot.jid)
    attempt(bot.wait_log, r"ended the private conversation", timeout=5,
            since=since)
    greet = secure(d, bot)
    check(greet is not None and "I recognise your key" in greet,
          "the next conversation knows the key was checked", short(greet, 200))
    # A later check fails: nothing earlier counts.
    m = mark(d, bot.jid)
    d.send(bot.jid, "VERIFY")
    attempt(d.wait_smp, bot.jid, timeout=10)
    d.smp_respond(bot.jid, "lighthouse")
    res = attempt(d.wait_smp_result, bot.jid, timeout=10)
    check(res in ("failed", "aborted"), "wrong answer: the client's SMP "
          "fails", res)
    expect(d, bot, r"check didn't pass", m, "... and the bot says so")
    # potr also reports the bot's abort that follows: drop what is left.
    while True:
        try:
            d.wait_smp(bot.jid, timeout=1)
        except AssertionError:
            break
    m = mark(d, bot.jid)
    d.send(bot.jid, "STATUS")
    st = expect(d, bot, r"checked your key", m, "STATUS after the failure")
    check(st is not None and "I haven't checked your key" in st and
          "I have checked" not in st,
          "a failed check clears the verified state", short(st, 200))
    time.sleep(0.3)
    check(fpr_trust(bot, d.jid) == [""],
          "... and the key's trust in the fingerprints file",
          fpr_trust(bot, d.jid))
    m = mark(d, bot.jid)
    d.send(bot.jid, "HUMAN")
    expect(d, bot, r"isn't verified yet", m, "HUMAN warns: not verified")
    d.send(bot.jid, "NO")
    # The person checks the bot from their app.
    m = mark(d, bot.jid)
    d.smp_start(bot.jid, SECRET, Q_EN)
    res = attempt(d.wait_smp_result, bot.jid, timeout=10)
    check(res == "succeeded", "the person's check of the bot passes in "
          "their app", res)
    expect(d, bot, r"Your check of me passed", m, "the bot says so")
    m = mark(d, bot.jid)
    d.send(bot.jid, "STATUS")
    st = expect(d, bot, r"checked me", m, "STATUS")
    check(st is not None and "You have checked me" in st,
          "STATUS: the person checked the bot", short(st, 200))


def part_first_contact(bot, fr, es, e):
    for c, hello, want, lang in (
            (e, "hello, I need help", r"I'm here to help.*TOPICS.*HUMAN", "en"),
            (fr, "bonjour, j'ai besoin d'aide", r"je suis là pour vous aider"
             r".*SUJETS.*HUMAIN", "fr"),
            (es, "hola, necesito ayuda", r"estoy aquí para ayudarte.*TEMAS"
             r".*HUMANO", "es")):
        secure(c, bot)
        m = mark(c, bot.jid)
        c.send(bot.jid, hello)
        got = expect(c, bot, want, m, "%r: greeting and what the bot can "
                     "do, in %s" % (hello, lang))
        check(got is not None and SOURCE not in got, "... not a guide "
              "section", short(got))
    m = mark(fr, bot.jid)
    fr.send(bot.jid, "VERIFIER")
    asked = attempt(fr.wait_smp, bot.jid, timeout=10)
    check(asked == "asked:" + Q_FR, "a French conversation gets the French "
          "SMP question", asked)
    fr.smp_abort(bot.jid)
    # Danger now.
    m = mark(e, bot.jid)
    e.send(bot.jid, "they are at my door, what do I do with my phone")
    got = wait_msg(e, bot.jid, r"", m, 10)
    check(got is not None and "danger right now" in got and "HUMAN" in got
          and "+353 1 210 0489" in got and SOURCE not in got,
          "danger now: the way to a person comes first, with the emergency "
          "line", short(got, 200))
    # Consent names the helper on duty.
    m = mark(e, bot.jid)
    e.send(bot.jid, "HUMAN")
    got = expect(e, bot, r"I can pass this on to", m, "HUMAN: consent")
    check(got is not None and "to Alice, the helper on duty" in got and
          "they are at my door" in got,
          "the consent names the helper on duty, and the very words",
          short(got, 200))
    e.send(bot.jid, "NO")


def run(tmp, srv, bots, clients):
    users = ["pat", "nora", "fred", "dan", "sam", "marie", "ana", "eve"]
    for u in users:
        srv.register(u, u + "pw")
    srv.start()
    key = load_or_make_key(os.path.join(tmp, "people.key"))
    bot = Bot(srv, config={
        "otr": {"smp_question": {"en": Q_EN, "fr": Q_FR},
                "smp_secret": SECRET, "refusal_cooldown": "10m",
                "remember_people": True, "smp_max_attempts": 20},
        "helpers": [{"jid": srv.jid("alice"), "name": "Alice",
                     "languages": ["en"], "fingerprints": [PIN]},
                    {"jid": srv.jid("bob"), "name": "Bob",
                     "languages": ["en"], "fingerprints": [PIN2]}],
        "duty": {"timezone": "UTC",
                 "shifts": [{"helper": srv.jid("alice"), "days": ["daily"],
                             "from": "00:00", "to": "00:00"}],
                 "fallback": [srv.jid("bob")]},
    })
    bots.append(bot)
    rc, out = bot.check()
    if not check(rc == 0, "config (smp_question per language) passes "
                 "--check", short(out, 300)):
        return 1
    bot.start(wait=r"logged in as ")

    def client(user, **kw):
        kw.setdefault("key", key)
        c = Client(srv.jid(user), user + "pw", srv.port, **kw)
        c.connect()
        clients.append(c)
        return c

    # Presence: contacts lists show what the desk is.
    pat = client("pat")
    pat.subscribe(bot.jid)
    attempt(pat.wait_presence, bot.jid, timeout=10)
    st = list(pat.presence_status(bot.jid).values())
    check(st and "private (OTR)" in st[0], "the bot's presence has a status "
          "text (what the desk is, OTR only)", st)

    steps = [("manual policy: end and write again", part_manual, pat),
             ("no OTR: the bare query", part_bare_query,
              client("nora", otr_policy={"ALLOW_V2": False})),
             ("opportunistic policy", part_tagged, client("fred")),
             ("STOP", part_stop, pat),
             ("verification both ways", part_verify,
              client("dan", key=load_or_make_key(os.path.join(tmp, "d.key"))))]
    for name, fn, c in steps:
        t0 = time.monotonic()
        try:
            fn(bot, c)
        except AssertionError as ex:
            check(False, "%s raised" % name, short(str(ex), 300))
        note("%s: %.1f s" % (name, time.monotonic() - t0))
    try:
        part_first_contact(bot, client("marie"), client("ana"), client("eve"))
    except AssertionError as ex:
        check(False, "first contact raised", short(str(ex), 300))
    for t in ("please answer, I need help", "at my door", SECRET):
        if bot.log_contains(t):
            check(False, "no message text or secret in the log", t)
    rc, _ = bot.stop(timeout=5)
    check(rc == 0, "the bot exits 0")
    check(not bot.sanitizer_errors(), "no sanitizer reports",
          bot.sanitizer_errors()[:3])
    return 1 if failures() else 0


def main():
    return run_world("secours-e2eretry-", run)


if __name__ == "__main__":
    sys.exit(main())
