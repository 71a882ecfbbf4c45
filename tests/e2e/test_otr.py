#!/usr/bin/python3
"""End-to-end: the bot's OTR behaviour, seen from an independent OTR client.

A real Prosody on 127.0.0.1 (plaintext, so that a tcptap between the bot and
the server records every byte the bot sends and gets), the real bot
(botproc), and potr clients (otrclient). Checked:

- plaintext gets exactly one notice with an OTR query tag and no guide text;
  more plaintext inside the cooldown (from any resource) gets nothing in
  clear; a whitespace-tagged plaintext starts OTR without a second query;
- the notice's query (or the client's ?OTRv2?) starts OTR; questions get
  answers, encrypted; nothing the bot sent after the notice is outside OTR;
- SMP: the person asks (right, wrong, over the attempt limit), the bot asks
  (VERIFY, wrong then right answer);
- `secours --fingerprint` is the fingerprint the client sees; state_dir
  0700 with 0600 files;
- the person ends the session and comes back with the same key;
- a plaintext that reaches the bot just after the session began (typed
  while the handshake ran) gets the notice without its query tag, so no
  re-key that would make the next question unreadable, and is answered
  inside the session; a
  message the bot cannot read: OTR error, re-key, told once in the
  person's language (French), answered when sent again;
- bot-like peers that answer every plaintext (or every body, with an OTR
  error) settle within 5 s and stay quiet;
- a flood from one JID, an oversized body, fragmented messages and a bad
  fragment header cost nobody else service;
- a Prosody restart keeps the OTR session; a second bot with a session
  cap ignores a third handshake until a session ends, and survives ~75
  malformed OTR bodies;
- the bot restarts (SIGKILL) under a live session: OTR error, fresh
  handshake, "please resend", answer; after SIGTERM the client starts anew;
- SIGTERM ends the encrypted sessions (client sees FINISHED), exit 0;
- over the whole test, no decrypted text crossed the wire in clear, and no
  message text reached the bot's log.

One line per check; exit 1 on any failure.
"""

import base64
import glob
import html
import os
import random
import re
import shutil
import sys
import time
import traceback

_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(_HERE, "..", "lib"))
from checks import private_tmp, SCALE as _SCALE  # noqa: E402
RUN_DIR = private_tmp("e2eotr-run-")
from world import (DESK_QUESTION as QUESTION,  # noqa: E402
                   DESK_SECRET as SECRET, SOURCE)

from prosody import Prosody                      # noqa: E402
from botproc import Bot, TOP_SRCDIR              # noqa: E402
from otrclient import Client, otr_kind           # noqa: E402
from tcptap import Tap                           # noqa: E402
import potrfix                                   # noqa: E402,F401
from potr.compatcrypto import pycrypto as _pc    # noqa: E402
from Cryptodome.PublicKey import DSA             # noqa: E402
from checks import check, finish, note  # noqa: E402




def section(name, fn, *args):
    """Run one part; an exception fails it without hiding the others."""
    t0 = time.monotonic()
    try:
        return fn(*args)
    except Exception as e:          # noqa: B902
        check(False, "%s raised" % name, "%s\n%s" % (e, traceback.format_exc()))
        return None
    finally:
        print("# %s: %.2f s" % (name, time.monotonic() - t0))


def attempt(fn, *args, **kw):
    """fn(*args) or None if a harness wait runs out."""
    try:
        return fn(*args, **kw)
    except AssertionError:
        return None


def short(s, n=70):
    s = (s or "").replace("\n", " | ")
    return s if len(s) <= n else s[:n] + "..."


def first_line(s):
    return (s or "").split("\n", 1)[0]


# ---- client keys ----------------------------------------------------------

_domain = None


def fast_key():
    """A potr DSA-1024 key. Generating DSA domain parameters takes 0.3-4 s
    each time; the clients of this test share one set (each has its own
    private key, so fingerprints differ)."""
    global _domain
    if _domain is None:
        k = DSA.generate(1024)
        _domain = (int(k.p), int(k.q), int(k.g))
    else:
        k = DSA.generate(1024, domain=_domain)
    return _pc.DSAKey((int(k.y), int(k.g), int(k.p), int(k.q), int(k.x)),
                      private=True)


# ---- texts we know ----------------------------------------------------------

def guide_lines():
    """Body lines (>= 30 chars) of the project's guide pages."""
    out = set()
    for path in glob.glob(os.path.join(TOP_SRCDIR, "replies", "*.md")):
        with open(path, encoding="utf-8") as f:
            text = f.read()
        if text.startswith("---"):
            end = text.find("\n---", 3)
            text = text[end + 4:] if end != -1 else text
        for line in text.splitlines():
            line = line.strip().lstrip("#-* ").strip()
            if len(line) >= 30:
                out.add(line)
    return out


def public_phrases(key="refusal"):
    """Texts that may legitimately cross in clear: every language's
    [refusal] phrase (the notice), or [refusal_auto] (the notice to a
    whitespace-tagged plaintext)."""
    out = []
    for path in sorted(glob.glob(os.path.join(TOP_SRCDIR, "replies", "phrases",
                                              "*.txt"))):
        with open(path, encoding="utf-8") as f:
            text = f.read()
        m = re.search(r"^\[%s\]\n(.*?)(?=^\[|\Z)" % key, text, re.M | re.S)
        if m:
            out.append(m.group(1).strip())
    return out


def untagged(notice):
    """The notice's text without its leading OTR query tag: what a
    plaintext that arrives just after a session began gets."""
    return re.sub(r"^\?OTRv[0-9]*\?\s*", "", notice or "")


def escaped_forms(s):
    """s as it could appear on the wire: raw and every XML escaping."""
    forms = {s, html.escape(s, quote=False), html.escape(s, quote=True),
             s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
              .replace("'", "&apos;").replace('"', "&quot;")}
    return [f.encode("utf-8") for f in forms]


def chunks(text, width=24, minimum=12):
    """Distinctive pieces of a decrypted text: each line of 12..23 chars,
    and 24-char windows of longer lines."""
    out = []
    for line in text.splitlines():
        line = line.strip()
        if len(line) < minimum:
            continue
        if len(line) < width:
            out.append(line)
            continue
        for i in range(0, len(line) - width + 1, width):
            out.append(line[i:i + width])
        out.append(line[-width:])
    return out


# Every text a client sends encrypted, to look for it on the wire and in logs.
SENT = []
_client_send = Client.send


def _recording_send(self, jid, text):
    SENT.append(text)
    return _client_send(self, jid, text)


Client.send = _recording_send


# ---- the test ---------------------------------------------------------------

class World:
    pass


def setup(w):
    w.srv = Prosody()
    for u in ("alice", "bob", "carol", "erin", "mallory", "dave",
              "robo1", "robo2", "robo3", "frank", "gina", "ivan",
              "judy", "kim", "lena"):
        w.srv.register(u, u + "pw")
    w.srv.start()
    w.tap = Tap(w.srv.port)
    w.bot = Bot(w.srv, port=w.tap.port, config={
        "otr": {"smp_question": QUESTION, "smp_secret": SECRET,
                "refusal_cooldown": "10m", "smp_max_attempts": 2},
        "limits": {"max_body": 4096, "max_per_minute": 20},
    })
    w.clients = []
    w.closed = []
    w.tagless = []


def client(w, user, **kw):
    if "key" not in kw:
        kw["key"] = fast_key()
    c = Client(w.srv.jid(user), user + "pw", w.srv.port, **kw)
    try:
        c.connect()
    except AssertionError:
        print("# login of %s failed; Prosody log:\n# %s" % (
            user, "\n# ".join(w.srv.log_text().splitlines()[-15:])))
        raise
    w.clients.append(c)
    return c


def part_fingerprint_before(w):
    t0 = time.monotonic()
    w.fp = w.bot.fingerprint()
    check(re.fullmatch(r"[0-9A-F]{8}( [0-9A-F]{8}){4}", w.fp) is not None,
          "secours --fingerprint prints a fingerprint (%.2f s)"
          % (time.monotonic() - t0), w.fp)
    st = w.bot.state_dir
    modes = {os.path.relpath(os.path.join(d, f), st):
             os.stat(os.path.join(d, f)).st_mode & 0o777
             for d, _, fs in os.walk(st) for f in fs}
    check((os.stat(st).st_mode & 0o777) == 0o700 and modes and
          all(m == 0o600 for m in modes.values()),
          "state_dir 0700, its files 0600", "%o %r" % (os.stat(st).st_mode & 0o777,
                                                      {k: "%o" % v for k, v in modes.items()}))
    t0 = time.monotonic()
    w.bot.start(wait=r"logged in as ")
    note("bot logged in through the tap (%.2f s)" % (time.monotonic() - t0))


def part_plaintext(w):
    """carol has no OTR at all (a plain client): notice once, then silence."""
    carol = w.carol = client(w, "carol", otr_policy={"ALLOW_V2": False})
    carol.send_plain(w.bot.jid, "hello? is anyone there")
    notice = attempt(carol.expect_plain, w.bot.jid, r"\?OTR", timeout=5)
    check(notice is not None, "plaintext from a non-OTR client gets a notice",
          short(notice))
    notice = notice or ""
    tag = re.search(r"\?OTRv([0-9]*)\?", notice)
    check(tag is not None and "2" in tag.group(1),
          "the notice carries an OTR query tag offering v2",
          tag.group(0) if tag else short(notice, 30))
    check(SOURCE not in notice, "the notice has no answer source line")
    leaked = [l for l in w.guide if l in notice]
    check(not leaked, "the notice has no guide text", short(leaked[0]) if leaked else "")
    carol.send_plain(w.bot.jid, "please answer me, I need help")
    time.sleep(1.5)
    plain = carol.plain_messages(w.bot.jid)
    check(len(plain) == 1, "a second plaintext inside the cooldown gets nothing",
          "%d plaintext bodies" % len(plain))
    check(all(r.kind == "query" for r in carol.raw_from(w.bot.jid)),
          "the bot sent the non-OTR client nothing but the notice",
          [r.kind for r in carol.raw_from(w.bot.jid)])
    # The cooldown is per bare JID: carol's phone gets nothing either.
    phone = client(w, "carol", otr_policy={"ALLOW_V2": False}, resource="phone")
    phone.send_plain(w.bot.jid, "hello from my phone")
    time.sleep(1.0)
    check(not phone.raw_from(w.bot.jid) and
          len(carol.plain_messages(w.bot.jid)) == 1,
          "another resource of the same JID inside the cooldown: nothing",
          [r.body[:40] for r in phone.raw_from(w.bot.jid)])


def part_alice(w):
    """alice: plaintext, the bot's query starts OTR, questions, answers."""
    alice = w.alice = client(w, "alice")
    t0 = time.monotonic()
    alice.send_plain(w.bot.jid, "hi, I think my phone is tapped")
    notice = attempt(alice.expect_plain, w.bot.jid, r"\?OTRv", timeout=5)
    check(notice is not None, "plaintext gets the notice (%.2f s)"
          % (time.monotonic() - t0), short(notice))
    w.notice = notice or ""
    w.notice_at = len(alice.raw_from(w.bot.jid))
    # More plaintext while the handshake runs: refused silently. Under
    # load it can reach the bot after its side of the session began;
    # then no query (a re-key would lose the next question), the notice
    # without its tag.
    alice.send_plain(w.bot.jid, "hello?? why no answer")
    enc = attempt(alice.wait_encrypted, w.bot.jid, timeout=10)
    check(enc is not None, "the notice's query starts OTR: encrypted (%.2f s)"
          % (time.monotonic() - t0), alice.otr_failures[-2:])
    greet = attempt(alice.next_message, w.bot.jid, timeout=5)
    check(greet is not None and "privately" in greet,
          "the greeting arrives encrypted", short(greet))
    check(greet is not None and w.fp in greet,
          "the greeting shows the bot's fingerprint", short(greet))
    for q in ("how do I verify the fingerprint of the desk?",
              "what should I do if my phone was stolen?",
              # as Pidgin sends it: HTML-escaped, markup, <br>
              "<FONT>how can I start a <b>private</b> conversation in "
              "&quot;Pidgin&quot;?</FONT><br>"):
        t1 = time.monotonic()
        alice.send(w.bot.jid, q)
        ans = attempt(alice.expect, w.bot.jid, SOURCE, timeout=5)
        check(ans is not None, "question gets an answer (%.2f s): %s"
              % (time.monotonic() - t1, short(first_line(ans), 50)), short(q))
    time.sleep(0.5)
    plain = alice.plain_messages(w.bot.jid)
    late = untagged(w.notice)
    check(len(plain) == 1 or (len(plain) == 2 and late in plain[1]),
          "one body in clear (the notice; under load a second without its "
          "tag), however much plaintext alice sent",
          "%d: %r" % (len(plain), [short(p, 40) for p in plain]))
    after = [r for r in alice.raw_from(w.bot.jid)[w.notice_at:]
             if r.body != late]
    bad = [r for r in after if not r.body.startswith("?OTR")]
    check(after and not bad, "every body after the notice starts with ?OTR "
          "(%d bodies)" % len(after), [short(r.body) for r in bad[:3]])
    kinds = sorted(set(r.kind for r in after))
    check(set(kinds) <= {"ake", "data"}, "after the notice: only handshake and "
          "data messages", kinds)
    check(alice.their_fingerprint(w.bot.jid) == w.fp,
          "secours --fingerprint = the fingerprint the client sees",
          (w.fp, alice.their_fingerprint(w.bot.jid)))
    check(w.bot.fingerprint() == w.fp,
          "--fingerprint while the daemon runs: same key")


def part_tagged(w):
    """frank's client is opportunistic (Pidgin's default): his first
    message is plaintext with the whitespace tag. libotr starts the
    handshake itself; the bot must not send a second query (crossing
    handshakes), and the notice goes without the tag."""
    frank = w.frank = client(w, "frank")
    t0 = time.monotonic()
    frank.send_plain(w.bot.jid, "hello, I need advice", tag=True)
    enc = attempt(frank.wait_encrypted, w.bot.jid, timeout=10)
    check(enc is not None and not frank.otr_failures,
          "a whitespace-tagged plaintext starts OTR, no crossed handshake "
          "(%.2f s)" % (time.monotonic() - t0), frank.otr_failures[-2:])
    greet = attempt(frank.expect, w.bot.jid, r"privately", timeout=5)
    check(greet is not None, "greeting", short(greet))
    again = attempt(frank.expect, w.bot.jid, r"before this private "
                    r"conversation started was not read", timeout=5)
    check(again is not None, "the bot says the plaintext was not read",
          short(again))
    raw = frank.raw_from(w.bot.jid)
    clear = [r for r in raw if not r.body.startswith("?OTR:")]
    queries = [r for r in raw if r.kind == "query"]
    check(len(clear) <= 1 and not queries and
          all(r.kind == "plain" for r in clear),
          "to a tagged plaintext: at most one notice, without a query tag, "
          "then only OTR", [(r.kind, short(r.body, 30)) for r in raw[:4]])
    check(clear and "starting one by itself" in clear[0].body and
          "OTR menu" not in clear[0].body,
          "that notice says the private conversation is starting by itself "
          "(no instructions to open it)", short(clear[0].body if clear else ""))
    frank.send(w.bot.jid, "how do I verify the fingerprint of the desk?")
    check(attempt(frank.expect, w.bot.jid, SOURCE, timeout=5) is not None,
          "and questions get answers")
    w.tagless = [r.body for r in clear]


def part_smp_person(w):
    """alice asks the bot: right secret, then a wrong one."""
    alice = w.alice
    t0 = time.monotonic()
    alice.smp_start(w.bot.jid, SECRET, QUESTION)
    res = attempt(alice.wait_smp_result, w.bot.jid, timeout=10)
    check(res == "succeeded" and alice.trusted(w.bot.jid),
          "SMP asked by the person, right secret: succeeded (%.2f s)"
          % (time.monotonic() - t0), res)
    msg = attempt(alice.expect, w.bot.jid, r"answered your question", timeout=5)
    check(msg is not None, "the bot says it answered the check", short(msg))
    # A question about this session gets its facts, not a guide page
    # (s14-trainer): her check of the bot passed.
    alice.send(w.bot.jid, "is this chat verified?")
    st = attempt(alice.expect, w.bot.jid, r"private", timeout=5)
    check(st is not None and "You have checked me" in st
          and SOURCE not in st,
          "after her SMP, 'is this chat verified?' says she checked the bot",
          short(st))
    t0 = time.monotonic()
    alice.smp_start(w.bot.jid, "lighthouse 42", QUESTION)   # case matters
    res = attempt(alice.wait_smp_result, w.bot.jid, timeout=10)
    check(res in ("failed", "aborted"),
          "SMP with a wrong secret: %s (%.2f s)" % (res, time.monotonic() - t0), res)
    msg = attempt(alice.expect, w.bot.jid, r"didn't pass", timeout=5)
    check(msg is not None, "the bot says the check failed", short(msg))
    # smp_max_attempts is 2 here: a third check within the hour is refused,
    # even with the right secret (online guessing).
    t0 = time.monotonic()
    alice.smp_start(w.bot.jid, SECRET, QUESTION)
    res = attempt(alice.wait_smp_result, w.bot.jid, timeout=10)
    msg = attempt(alice.expect, w.bot.jid, r"too many checks", timeout=5)
    check(res in ("failed", "aborted") and msg is not None,
          "over smp_max_attempts: the bot aborts (%s) and says why (%.2f s)"
          % (res, time.monotonic() - t0), (res, short(msg)))
    check(re.search(r"over the SMP attempt limit", w.bot.log) is not None,
          "the SMP limit is logged")


def part_verify(w):
    """bob types VERIFY: the bot asks, bob answers (wrong, then right)."""
    w.bob_key = fast_key()
    bob = w.bob = client(w, "bob", key=w.bob_key)
    t0 = time.monotonic()
    bob.start_otr(w.bot.jid)                    # bob's own ?OTRv2? query
    enc = attempt(bob.wait_encrypted, w.bot.jid, timeout=10)
    check(enc is not None, "a client's ?OTRv2? query starts OTR (%.2f s)"
          % (time.monotonic() - t0), bob.otr_failures[-2:])
    attempt(bob.next_message, w.bot.jid, timeout=5)     # greeting
    # Questions about this session get its facts (s14-trainer): not
    # verified yet; the desk's question; the bot's fingerprint.
    bob.send(w.bot.jid, "is this chat verified?")
    st = attempt(bob.expect, w.bot.jid, r"private", timeout=5)
    check(st is not None and "I haven't checked your key" in st
          and SOURCE not in st,
          "before SMP, 'is this chat verified?' says the bot has not "
          "checked bob", short(st))
    bob.send(w.bot.jid, "what is the SMP question")
    st = attempt(bob.expect, w.bot.jid, r"question", timeout=5)
    check(st is not None and QUESTION in st and SOURCE not in st,
          "'what is the SMP question' gives the desk's question", short(st))
    bob.send(w.bot.jid, "what is your fingerprint")
    st = attempt(bob.expect, w.bot.jid, r"fingerprint", timeout=5)
    check(st is not None and st.startswith("My fingerprint") and
          w.fp in st,
          "'what is your fingerprint' gives the bot's own", short(st))
    for secret, want, said in (("lighthouse", ("failed", "aborted"), r"check didn't pass"),
                               (SECRET, ("succeeded",), r"Check passed")):
        t0 = time.monotonic()
        bob.send(w.bot.jid, "VERIFY")
        intro = attempt(bob.expect, w.bot.jid, r"question", timeout=5)
        check(intro is not None and QUESTION in intro,
              "VERIFY: the bot announces its question", short(intro))
        asked = attempt(bob.wait_smp, w.bot.jid, timeout=10)
        check(asked == "asked:" + QUESTION, "the bot's SMP carries its question",
              asked)
        bob.smp_respond(w.bot.jid, secret)
        res = attempt(bob.wait_smp_result, w.bot.jid, timeout=10)
        msg = attempt(bob.expect, w.bot.jid, said, timeout=5)
        check(res in want and msg is not None,
              "bot-initiated SMP, %s answer: client %s, the bot says %r (%.2f s)"
              % ("right" if secret == SECRET else "wrong", res,
                 said.replace("\\", ""), time.monotonic() - t0),
              (res, short(msg)))
    bob.send(w.bot.jid, "STATUS")
    st = attempt(bob.expect, w.bot.jid, r"checked your key", timeout=5)
    check(st is not None and "I have checked your key" in st,
          "after the check the bot counts bob as verified", short(st))
    bob.send(w.bot.jid, "is this chat verified?")
    st = attempt(bob.expect, w.bot.jid, r"private", timeout=5)
    check(st is not None and "I have checked your key" in st
          and SOURCE not in st,
          "after SMP, 'is this chat verified?' says so", short(st))


def part_end_and_return(w):
    """bob ends the session, restarts his client with the same key, talks."""
    bob = w.bob
    bob.end_otr(w.bot.jid)
    time.sleep(0.3)
    bob.close()
    w.clients.remove(bob)
    w.closed.append(bob)
    t0 = time.monotonic()
    bob2 = w.bob = client(w, "bob", key=w.bob_key, resource="test2")
    check(bob2.our_fingerprint() == bob.our_fingerprint(),
          "restarted client kept its key")
    bob2.start_otr(w.bot.jid)
    enc = attempt(bob2.wait_encrypted, w.bot.jid, timeout=10)
    check(enc is not None, "after /otr end and a client restart: new AKE "
          "(%.2f s)" % (time.monotonic() - t0), bob2.otr_failures[-2:])
    greet = attempt(bob2.next_message, w.bot.jid, timeout=5)
    check(greet is not None and "privately" in greet,
          "a new greeting for the new session", short(greet))
    bob2.send(w.bot.jid, "how do I verify the fingerprint of the desk?")
    ans = attempt(bob2.expect, w.bot.jid, SOURCE, timeout=5)
    check(ans is not None, "the returning person gets answers",
          short(first_line(ans)))
    check(not bob2.plain_messages(w.bot.jid),
          "nothing in clear to the returning client",
          bob2.plain_messages(w.bot.jid))


def part_late_and_lost(w):
    """lena (French) opens OTR herself; a plaintext she typed meanwhile
    reaches the bot after its side of the session began. A query then
    made her client re-key, and her next question, encrypted under the
    old keys, was unreadable: alice's third question under load. Then a
    message the bot really cannot read (a replay): she is told once, in
    French, and her question is answered when she sends it again."""
    lena = w.lena = client(w, "lena")
    lena.start_otr(w.bot.jid)
    enc = attempt(lena.wait_encrypted, w.bot.jid, timeout=10)
    greet = attempt(lena.next_message, w.bot.jid, timeout=5)
    check(enc is not None and greet is not None, "lena: OTR started by her "
          "client", lena.otr_failures[-2:])
    akes = sum(r.kind == "ake" for r in lena.raw_from(w.bot.jid))
    lena.send_plain(w.bot.jid, "bonjour ? vous êtes là ?")
    told = attempt(lena.expect, w.bot.jid, r"not read|pas été lu", timeout=5)
    check(told is not None, "a plaintext that arrives after the session "
          "began: told inside it that it was not read", short(told))
    question = "comment vérifier l'empreinte du bureau d'aide ?"
    t0 = time.monotonic()
    lena.send(w.bot.jid, question)
    ans = attempt(lena.expect, w.bot.jid, SOURCE, timeout=5)
    check(ans is not None, "her next question is answered (%.2f s)"
          % (time.monotonic() - t0), short(first_line(ans)))
    raw = lena.raw_from(w.bot.jid)
    late = untagged(getattr(w, "notice", ""))
    clear = [r for r in raw if r.kind not in ("ake", "data")]
    check(sum(r.kind == "ake" for r in raw) == akes and
          len(clear) == 1 and clear[0].body == late,
          "no re-key: her handshake, data, and in clear only the notice "
          "without its query tag",
          [(r.kind, short(r.body, 30)) for r in raw if r.kind != "data"])

    # A data message the bot cannot read: her last one, replayed.
    last = [r.body for r in lena.sent_raw if r.kind == "data"][-1]
    before = len(lena.raw_from(w.bot.jid))
    t0 = time.monotonic()
    lena.send_raw_body(w.bot.jid, last)
    err = attempt(lena.expect_plain, w.bot.jid, r"^\?OTR Error:", timeout=5)
    check(err is not None, "an unreadable message gets libotr's OTR error",
          short(err))
    nudge = attempt(lena.expect, w.bot.jid, r"pas pu lire", timeout=10)
    check(nudge is not None, "after the re-key the bot says, in French, that "
          "it could not read her message (%.2f s)" % (time.monotonic() - t0),
          short(nudge))
    lena.send_raw_body(w.bot.jid, last)
    time.sleep(1.5)
    again = [m for m in lena.messages(w.bot.jid) if "pas pu lire" in m]
    check(len(again) == 1, "a second unreadable one at once: told once",
          len(again))
    kinds = set(r.kind for r in lena.raw_from(w.bot.jid)[before:])
    check(kinds <= {"error", "query", "ake", "data"},
          "recovery: error, query, handshake, data only", sorted(kinds))
    attempt(lena.wait_encrypted, w.bot.jid, timeout=5)
    lena.drain(w.bot.jid)
    lena.send(w.bot.jid, question)
    ans = attempt(lena.expect, w.bot.jid, SOURCE, timeout=5)
    check(ans is not None, "the question sent again is answered",
          short(first_line(ans)))


class AnswerAll(Client):
    """An auto-responder that answers EVERY body it gets, OTR or not, with
    an OTR error (a client whose OTR is broken)."""

    reply = "?OTR Error: I cannot read that."

    def _on_message(self, msg):
        super()._on_message(msg)
        if msg["type"] in ("chat", "normal") and msg["body"]:
            self._send_body(str(msg["from"]), self.reply)


ROBOS = [
    ("robo1", "Sorry, I only talk with my friends. Please retry later."),
    ("robo2", "?OTRv2? I require encryption: this account only reads "
     "OTR messages."),
    ("robo3", None),
]


def part_botlike_start(w):
    """Auto-responders that never finish OTR: robo1 and robo2 answer every
    plaintext (queries and errors included) with their own notice (robo2's
    carries a query tag), robo3 answers every body with an OTR error. They
    write first; the bot must be the one that stops. Checked later, while
    the other parts run."""
    def responder(notice):
        def cb(c, jid, body):
            if not body.startswith("?OTR:"):
                c.send_raw_body(jid, notice)
        return cb
    w.robos = []
    for user, notice in ROBOS:
        if notice is None:
            c = AnswerAll(w.srv.jid(user), user + "pw", w.srv.port,
                          otr_policy={"ALLOW_V2": False}, key=fast_key())
            c.connect()
            w.clients.append(c)
        else:
            c = client(w, user, otr_policy={"ALLOW_V2": False},
                       on_plain=responder(notice))
        w.robos.append(c)
    w.robo_t0 = time.monotonic()
    for c in w.robos:
        c.send_plain(w.bot.jid, "hello")


def robo_counts(w):
    return [(len(c.raw_from(w.bot.jid)), len(c.raw_to(w.bot.jid)))
            for c in w.robos]


def part_botlike_check(w):
    left = 5.0 - (time.monotonic() - w.robo_t0)
    if left > 0:
        time.sleep(left)
    w.robo_at5 = robo_counts(w)
    for (user, _), c, (got, sent) in zip(ROBOS, w.robos, w.robo_at5):
        check(1 <= got <= 4 and sent <= 4,
              "bot-like peer %s: bounded within 5 s (bot sent %d, peer sent "
              "%d)" % (user, got, sent),
              [short(r.body, 40) for r in c.raw_from(w.bot.jid)])


def part_botlike_settled(w):
    """Called much later: nothing more was exchanged since the 5 s mark."""
    later = robo_counts(w)
    secs = time.monotonic() - w.robo_t0
    for (user, _), a, b in zip(ROBOS, w.robo_at5, later):
        check(a == b, "bot-like peer %s: settled, nothing more after %.0f s"
              % (user, secs), "at 5 s %r, now %r" % (a, b))
    for c in w.robos:
        c.close()
        w.clients.remove(c)
        w.closed.append(c)


def part_flood(w):
    """mallory floods 100 encrypted questions; alice is still answered
    promptly. An oversized body is dropped and the bot goes on."""
    alice = w.alice
    t0 = time.monotonic()
    mallory = w.mallory = client(w, "mallory")
    mallory.start_otr(w.bot.jid)
    enc = attempt(mallory.wait_encrypted, w.bot.jid, timeout=10)
    check(enc is not None, "mallory encrypted (%.2f s)" % (time.monotonic() - t0),
          mallory.otr_failures[-2:])
    attempt(mallory.next_message, w.bot.jid, timeout=5)
    alice.drain(w.bot.jid)
    t0 = time.monotonic()
    for i in range(100):
        mallory.send(w.bot.jid, "how do I protect my accounts %d" % i)
    sent_in = time.monotonic() - t0
    t1 = time.monotonic()
    alice.send(w.bot.jid, "what should I do if my phone was stolen?")
    ans = attempt(alice.expect, w.bot.jid, SOURCE, timeout=10)
    lat = time.monotonic() - t1
    check(ans is not None and lat < 3.0 * _SCALE,
          "during a 100-message flood (sent in %.2f s) another person is "
          "answered in %.2f s" % (sent_in, lat), short(first_line(ans)))
    time.sleep(1.0)
    n = len(mallory.messages(w.bot.jid))
    check(n <= 21, "the flooder got at most max_per_minute replies (%d)" % n)
    check(re.search(r"sends more than 20 messages a minute", w.bot.log) is not None,
          "the rate limit is logged")
    # Oversized: a plaintext body from a fresh JID gets no notice at all...
    dave = w.dave = client(w, "dave", otr_policy={"ALLOW_V2": False})
    mark = w.bot.mark()
    dave.send_plain(w.bot.jid, "x" * 5000)
    time.sleep(1.0)
    check(not dave.raw_from(w.bot.jid), "an oversized plaintext body is "
          "dropped (no notice)", [short(r.body) for r in dave.raw_from(w.bot.jid)])
    check(re.search(r"dropped.*5000|5000.*dropped", w.bot.log_text(mark)) is not None,
          "the drop is logged", short(w.bot.log_text(mark), 200))
    dave.send_plain(w.bot.jid, "hello")
    check(attempt(dave.expect_plain, w.bot.jid, r"\?OTRv", timeout=5) is not None,
          "the same JID with a normal body then gets the notice")
    # ... and an oversized encrypted message does not break the session.
    alice.drain(w.bot.jid)
    alice.send(w.bot.jid, "tell me about passwords " + "y" * 4500)
    time.sleep(1.0)
    check(not alice.drain(w.bot.jid), "an oversized encrypted message gets "
          "no answer")
    t1 = time.monotonic()
    alice.send(w.bot.jid, "how do I verify the fingerprint of the desk?")
    ans = attempt(alice.expect, w.bot.jid, SOURCE, timeout=5)
    check(ans is not None, "after it, the same session is still answered "
          "(%.2f s)" % (time.monotonic() - t1), short(first_line(ans)))
    check(w.bot.running, "the bot is still running")


def part_fragments(w):
    """gina's client fragments everything (OTR v2 "?OTR,k,n," pieces of at
    most 250 bytes): handshake and question are reassembled; a fragment
    header announcing more pieces than limits.max_fragments is dropped.
    (Every piece counts against limits.max_per_minute, 20 here: smaller
    pieces would run into it within this part.)"""
    gina = client(w, "gina")
    gina.account.maxMessageSize = 250
    t0 = time.monotonic()
    gina.start_otr(w.bot.jid)
    enc = attempt(gina.wait_encrypted, w.bot.jid, timeout=10)
    attempt(gina.next_message, w.bot.jid, timeout=5)
    # A guide question, answered with a section (its source line): "the
    # real help desk" alone is the bot's own check (s17-fixv).
    gina.send(w.bot.jid, "how do I verify the fingerprint of my friend? "
              "I want to be sure I am talking to the real person.")
    ans = attempt(gina.expect, w.bot.jid, SOURCE, timeout=5)
    frags = [r for r in gina.raw_to(w.bot.jid) if r.kind == "fragment"]
    check(enc is not None and ans is not None and len(frags) >= 5,
          "a client that fragments (%d pieces): handshake and question "
          "reassembled, answered (%.2f s)" % (len(frags), time.monotonic() - t0),
          gina.otr_failures[-2:])
    mark = w.bot.mark()
    gina.send_raw_body(w.bot.jid, "?OTR,1,65,AAAA,")
    time.sleep(0.5)
    check(re.search(r"dropped an OTR fragment", w.bot.log_text(mark)) is not None,
          "a fragment header over max_fragments (65 > 64) is dropped and logged")
    gina.send(w.bot.jid, "what should I do if my phone was stolen?")
    check(attempt(gina.expect, w.bot.jid, SOURCE, timeout=5) is not None,
          "the session goes on", w.bot.log_text(mark))


def part_server_restart(w):
    """Prosody restarts under an encrypted session: the bot logs in again
    and the session goes on end to end, without a new handshake."""
    frank = w.frank
    before = len(frank.raw_from(w.bot.jid))
    t0 = time.monotonic()
    mark = w.bot.mark()
    w.srv.restart()
    attempt(frank.wait_disconnected, timeout=5)
    back = attempt(w.bot.wait_log, r"logged in as", timeout=20, since=mark)
    frank.connect()
    time.sleep(0.3)
    check(back is not None, "after a server restart the bot logs in again "
          "(%.2f s)" % (time.monotonic() - t0))
    frank.send(w.bot.jid, "what should I do if my phone was stolen?")
    ans = attempt(frank.expect, w.bot.jid, SOURCE, timeout=5)
    kinds = [r.kind for r in frank.raw_from(w.bot.jid)[before:]]
    check(ans is not None and kinds == ["data"],
          "the OTR session survived it: answered, no new handshake", kinds)


def garbage_bodies(real, seed=1):
    """Malformed OTR bodies: truncated and bad headers, bad fragments,
    odd queries and whitespace tags, and mutations of a real data
    message."""
    rnd = random.Random(seed)
    tag = " \t  \t\t\t\t \t \t \t  \t\t  \t\t"
    out = ["?OTR:", "?OTR:AAID", "?OTR:AAIC", "?OTR:AAIK", "?OTR:AAIR",
           "?OTR:AAIS", "?OTR:AAMD", "?OTR:AAMC", "?OTR:AAID" + "A" * 3000,
           "?OTR:!!!!.", "?OTR,1,2,", "?OTR,2,2,AAAA,", "?OTR,0,0,,",
           "?OTR,1,1,?OTR:AAID,", "?OTR,99999999999,1,x,",
           "?OTR|00000000|00000000,1,1,x,",
           "?OTR|ffffffff|00000100,00001,00002,?OTR:AAMD,", "?OTR Error:",
           "?OTRv", "?OTRv?", "?OTRv23456789?", "?OTR?v2?", "?OTR?",
           tag, tag + " \t\t  \t\t" * 50, "\u202e?OTR:AAID."]
    raw = base64.b64decode(real[5:real.rindex(".")])
    for _ in range(40):
        bb = bytearray(raw)
        for _ in range(rnd.randint(1, 5)):
            bb[rnd.randrange(len(bb))] = rnd.randrange(256)
        if rnd.random() < 0.3:
            bb = bb[:rnd.randrange(len(bb))]
        out.append("?OTR:" + base64.b64encode(bytes(bb)).decode() + ".")
    for _ in range(10):
        n = rnd.randint(0, 400)
        out.append("?OTR:" + base64.b64encode(
            bytes(rnd.randrange(256) for _ in range(n))).decode() + ".")
    return out


def part_bot2(w):
    """A second bot (not behind the tap) with limits.max_sessions 2 and no
    practical rate limit. kim sends it ~75 malformed OTR bodies inside her
    session: it keeps running and serving. Then, with two live sessions, a
    third person's handshake ends the least recently active one (kim's)."""
    bot2 = w.bot2 = Bot(w.srv, user="capbot", config={
        "limits": {"max_sessions": 2, "max_per_minute": 600}})
    # A new account makes its OTR key before it logs in: under sanitizers
    # on a loaded machine that alone took over 20 s (CI, 2026-12-07).
    bot2.start(wait=r"logged in as ", timeout=60.0)
    kim, ivan, judy = client(w, "kim"), client(w, "ivan"), client(w, "judy")
    kim.start_otr(bot2.jid)
    attempt(kim.wait_encrypted, bot2.jid, timeout=10)
    attempt(kim.next_message, bot2.jid, timeout=5)
    kim.send(bot2.jid, "hello there")
    attempt(kim.next_message, bot2.jid, timeout=5)
    real = [r.body for r in kim.raw_to(bot2.jid) if r.kind == "data"]
    check(bool(real), "kim has a session with the second bot")
    if real:
        junk = garbage_bodies(real[-1])
        t0 = time.monotonic()
        for body in junk:
            kim.send_raw_body(bot2.jid, body)
        time.sleep(1.5 * _SCALE)
        check(bot2.running and not bot2.sanitizer_errors(),
              "%d malformed OTR bodies: the bot keeps running" % len(junk),
              bot2.sanitizer_errors()[:3] or bot2.tail(5))
        back = kim.raw_from(bot2.jid)
        check(len(back) < 40, "... and answers them sparingly (%d bodies back)"
              % len(back))
        # More than 16 unreadable messages end the session by design
        # (libotr leaks a little on each): kim may have to start again.
        ended = re.search(r"unreadable messages from .*ending the session",
                          bot2.log) is not None
        if ended:
            # Her client may or may not have seen the end (no DISCONNECTED
            # goes into a session that is no longer readable): she ends it
            # herself and asks again until a deadline, as a person would.
            attempt(kim.wait_state, bot2.jid, "finished", timeout=2)
            kim.end_otr(bot2.jid)
            deadline = time.monotonic() + 15 * _SCALE
            while (kim.otr_state(bot2.jid) != "encrypted" and
                   time.monotonic() < deadline):
                kim.start_otr(bot2.jid)
                attempt(kim.wait_encrypted, bot2.jid, timeout=2)
        if kim.otr_state(bot2.jid) == "encrypted":
            kim.drain(bot2.jid)
            kim.send(bot2.jid, "how do I verify the fingerprint of the desk?")
            ok = attempt(kim.expect, bot2.jid, SOURCE, timeout=5)
        else:
            ok = None
        check(ok is not None, "... and still answers kim%s (%.2f s)"
              % (" (in a new session: the bot ended hers after too many "
                 "unreadable messages)" if ended else "",
                 time.monotonic() - t0), kim.otr_state(bot2.jid))
    ivan.start_otr(bot2.jid)
    ok1 = attempt(ivan.wait_encrypted, bot2.jid, timeout=10) is not None
    attempt(ivan.next_message, bot2.jid, timeout=5)
    ivan.send(bot2.jid, "how do I verify the fingerprint of the desk?")
    check(attempt(ivan.expect, bot2.jid, SOURCE, timeout=5) is not None,
          "ivan is served (kim is now the least recently active)")
    # At the cap, a newcomer is not refused: the least recently active
    # session without an open case (kim's) ends, and judy gets one.
    judy.start_otr(bot2.jid)
    ok2 = attempt(judy.wait_encrypted, bot2.jid, timeout=10) is not None
    greet = attempt(judy.next_message, bot2.jid, timeout=5)
    check(ok1 and ok2 and greet is not None,
          "max_sessions 2: a third person gets a session, not a refusal")
    check(re.search(r"live sessions \(the limit\): ending the least "
                    r"recently active", bot2.log) is not None,
          "the eviction is logged")
    attempt(kim.wait_state, bot2.jid, "finished", timeout=5)
    check(kim.otr_state(bot2.jid) == "finished",
          "kim's session (the least recent) was ended",
          kim.otr_state(bot2.jid))
    ivan.send(bot2.jid, "how do I verify the fingerprint of the desk?")
    check(attempt(ivan.expect, bot2.jid, SOURCE, timeout=5) is not None,
          "the other live session is still served")
    rc, _ = bot2.stop()
    check(rc == 0 and not bot2.sanitizer_errors(), "second bot: exit 0, "
          "no sanitizer reports", bot2.sanitizer_errors()[:3])
    for c in (kim, ivan, judy):
        c.close()
        w.clients.remove(c)


def part_restart(w):
    """The bot dies (SIGKILL) while erin keeps her session."""
    t0 = time.monotonic()
    erin = w.erin = client(w, "erin")
    t1 = time.monotonic()
    erin.start_otr(w.bot.jid)
    enc = attempt(erin.wait_encrypted, w.bot.jid, timeout=10)
    t2 = time.monotonic()
    greet = attempt(erin.next_message, w.bot.jid, timeout=5)
    check(enc is not None and greet is not None,
          "erin encrypted (login %.2f s, AKE %.2f s, greeting %.2f s)"
          % (t1 - t0, t2 - t1, time.monotonic() - t2), erin.otr_failures[-2:])
    t0 = time.monotonic()
    w.bot.restart(kill=True, wait=r"logged in as ")
    note("bot killed and restarted with the same state_dir (%.2f s)"
          % (time.monotonic() - t0))
    check(erin.otr_state(w.bot.jid) == "encrypted",
          "the client still believes in its session")
    before = len(erin.raw_from(w.bot.jid))
    # Prosody needs the bot's new presence before it routes to the bare JID;
    # erin's full-JID route (bot/secours) is the same resource anyway.
    time.sleep(0.3)
    t0 = time.monotonic()
    question = "what should I do if my phone was stolen?"
    erin.send(w.bot.jid, question)
    err = attempt(erin.expect_plain, w.bot.jid, r"^\?OTR Error:", timeout=5)
    check(err is not None, "the stale message gets an OTR error", short(err))
    check(err is not None and SOURCE not in err and len(err) < 300,
          "the error is fixed protocol text", short(err))
    nudge = attempt(erin.expect, w.bot.jid, r"send it again", timeout=10)
    check(nudge is not None, "after a fresh handshake the bot asks to resend "
          "(%.2f s)" % (time.monotonic() - t0), short(nudge))
    check(erin.their_fingerprint(w.bot.jid) == w.fp, "same bot key after restart")
    new = erin.raw_from(w.bot.jid)[before:]
    kinds = [r.kind for r in new]
    check("ake" in kinds and set(kinds) <= {"error", "query", "ake", "data"},
          "recovery: error, query, handshake, data only", kinds)
    erin.send(w.bot.jid, question)
    ans = attempt(erin.expect, w.bot.jid, SOURCE, timeout=5)
    check(ans is not None, "the resent question is answered (%.2f s after the "
          "stale one)" % (time.monotonic() - t0), short(first_line(ans)))

    # A clean restart (SIGTERM) ends the session: the client sees FINISHED
    # and starts a new one itself.
    t0 = time.monotonic()
    rc, _ = w.bot.stop()
    w.bot.start(wait=r"logged in as ")
    fin = attempt(erin.wait_state, w.bot.jid, "finished", timeout=3)
    check(fin is not None or erin.otr_state(w.bot.jid) == "finished",
          "SIGTERM restart: the client sees the session end (%.2f s), exit %s"
          % (time.monotonic() - t0, rc), erin.otr_state(w.bot.jid))
    time.sleep(0.3)
    erin.start_otr(w.bot.jid)
    enc = attempt(erin.wait_encrypted, w.bot.jid, timeout=10)
    greet = attempt(erin.expect, w.bot.jid, r"privately", timeout=5)
    check(enc is not None and greet is not None,
          "after a clean restart the client's new session starts at once")
    erin.send(w.bot.jid, question)
    check(attempt(erin.expect, w.bot.jid, SOURCE, timeout=5) is not None,
          "and is answered")


def part_sigterm(w):
    erin = w.erin
    rc, secs = w.bot.stop(timeout=5)
    fin = attempt(erin.wait_state, w.bot.jid, "finished", timeout=3)
    check(fin is not None or erin.otr_state(w.bot.jid) == "finished",
          "SIGTERM: the client sees the session end (FINISHED)",
          erin.otr_state(w.bot.jid))
    check(rc == 0, "SIGTERM: exit 0 (%.2f s)" % secs, rc)


def part_wire(w):
    """Over the whole test: nothing any client decrypted crossed in clear."""
    allowed = [p for p in w.public + w.public_auto]
    for c in w.clients + w.closed:
        for r in c.raw_from(w.bot.jid):
            if r.kind == "error":
                allowed.append(r.body)
    texts = []
    for c in w.clients + w.closed:
        texts += c.messages(w.bot.jid)
    texts += w.sent_texts
    blob = w.tap.data()
    check(len(blob) > 10000, "the tap saw the bot's traffic (%d bytes, %d "
          "connections)" % (len(blob), w.tap.connections))
    control = [l for l in w.public[0].split(". ") if len(l) > 24][:1]
    check(control and any(f in blob for f in escaped_forms(control[0][:24])),
          "control: the notice text is visible on the wire (the search works)")
    pieces, skipped, leaks = 0, 0, []
    for t in texts:
        for ch in chunks(t):
            if any(ch in a for a in allowed):
                skipped += 1
                continue
            pieces += 1
            if any(f in blob for f in escaped_forms(ch)):
                leaks.append(ch)
    check(pieces > 100 and not leaks,
          "no decrypted text crossed the wire in clear (%d texts, %d pieces "
          "searched, %d public ones skipped)" % (len(texts), pieces, skipped),
          leaks[:5])
    bodies = w.tap.bodies("c2s")
    clear = [b for b in bodies if otr_kind(b) not in ("data", "ake", "otr")]
    notices = [b for b in clear if otr_kind(b) == "query" and len(b) > 20]
    queries = [b for b in clear if otr_kind(b) == "query" and len(b) <= 20]
    errors = [b for b in clear if otr_kind(b) == "error"]
    tagless = [b for b in clear if otr_kind(b) == "plain" and
               any(a in b for a in w.public_auto)]
    check(tagless == w.tagless and len(tagless) == 1,
          "the notice that says OTR is starting by itself (no tag) went only "
          "to the tagged plaintext (%d)" % len(tagless))
    late = [b for b in clear if otr_kind(b) == "plain" and
            b in set(untagged(n) for n in notices)]
    other = [b for b in clear if b not in notices + queries + errors +
             tagless + late]
    check(not other, "the bot sent nothing in clear but notices, queries and "
          "OTR errors (%d bodies: %d notices, %d without a tag to a late "
          "plaintext, %d queries, %d errors)"
          % (len(bodies), len(notices), len(late), len(queries), len(errors)),
          [short(b) for b in other[:3]])
    check(len(set(notices)) == 1 and len(notices) == 6,
          "one notice text with a query tag, once per person who wrote "
          "untagged plaintext (carol, alice, robo1-3, dave)",
          "%d notices, %d texts" % (len(notices), len(set(notices))))
    check(all(len(b) < 300 and SOURCE not in b for b in errors + queries),
          "queries and errors are short protocol text", [short(b) for b in errors + queries])


def part_log(w):
    leaked = [t for t in w.sent_texts if len(t) >= 12 and w.bot.log_contains(t)]
    for t in ("I think my phone is tapped", "why no answer", "I need help",
              SECRET, QUESTION):
        if w.bot.log_contains(t):
            leaked.append(t)
    check(not leaked, "no message text, secret or question in the bot's log",
          leaked[:3])
    check(not w.bot.sanitizer_errors(), "no sanitizer reports",
          w.bot.sanitizer_errors()[:3])


def main():
    w = World()
    w.guide = guide_lines()
    w.public = public_phrases()
    w.public_auto = public_phrases("refusal_auto")
    w.sent_texts = SENT
    setup(w)
    try:
        section("fingerprint", part_fingerprint_before, w)
        section("botlike-start", part_botlike_start, w)
        section("plaintext", part_plaintext, w)
        section("alice", part_alice, w)
        section("tagged", part_tagged, w)
        if getattr(w, "alice", None) is not None and \
                w.alice.otr_state(w.bot.jid) == "encrypted":
            section("smp-person", part_smp_person, w)
        section("verify", part_verify, w)
        section("end-and-return", part_end_and_return, w)
        section("late-and-lost", part_late_and_lost, w)
        section("botlike", part_botlike_check, w)
        if getattr(w, "alice", None) is not None and \
                w.alice.otr_state(w.bot.jid) == "encrypted":
            section("flood", part_flood, w)
        if getattr(w, "robo_at5", None) is not None:
            section("botlike-settled", part_botlike_settled, w)
        section("fragments", part_fragments, w)
        if getattr(w, "frank", None) is not None:
            section("server-restart", part_server_restart, w)
        section("bot2", part_bot2, w)
        section("restart", part_restart, w)
        section("sigterm", part_sigterm, w)
        section("wire", part_wire, w)
        section("log", part_log, w)
    finally:
        for c in list(w.clients):
            try:
                c.close(timeout=2)
            except Exception:
                pass
        w.bot.cleanup()
        if getattr(w, "bot2", None) is not None:
            w.bot2.cleanup()
        w.tap.stop()
        w.srv.cleanup()
        if os.environ.get("KEEP_TMP") != "1":
            shutil.rmtree(RUN_DIR, ignore_errors=True)
    return finish()


if __name__ == "__main__":
    sys.exit(main())
