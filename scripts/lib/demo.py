"""scripts/demo, once secours is built: a throwaway Prosody on 127.0.0.1,
the bot, and either an OTR chat in the terminal or, without a terminal on
standard input, a scripted conversation printed as a transcript.

    /usr/bin/python3 scripts/lib/demo.py [--plain] [--script|--interactive] [--keep]

Environment: SECOURS (the binary), TOP_SRCDIR, TOP_BUILDDIR (as for make
check; defaults: this checkout). Exit status: 0 when every step of the
script did what it should, 1 otherwise (a step the daemon says it cannot
do is reported as "not yet available", and fails too), 2 when the demo
could not even start.
"""

import argparse
import concurrent.futures
import json
import os
import re
import shutil
import signal
import sys
import tempfile
import threading
import time
import traceback

_HERE = os.path.dirname(os.path.abspath(__file__))
_TOP = os.path.dirname(os.path.dirname(_HERE))
for _p in (os.path.join(_TOP, "tests", "lib"), os.path.dirname(_HERE), _HERE):
    if _p not in sys.path:
        sys.path.insert(0, _p)

from prosody import Prosody                      # noqa: E402
from botproc import Bot, TOP_SRCDIR, SECOURS     # noqa: E402
from otrclient import HarnessTimeout, load_or_make_key, _human_fpr  # noqa: E402
import chat as chatmod                           # noqa: E402
from chat import ChatClient, Printer, show_body  # noqa: E402

DOMAIN = "example.test"
BOT_USER = "desk"
HELPER_NAME = "Sam"
SMP_QUESTION = "What is the name of this bot?"
SMP_SECRET = "secours"
PASSWORDS = {"desk": "deskpw", "you": "youpw", "helper": "helperpw",
             "guest": "guestpw"}
SCALE = float(os.environ.get("SECOURS_TEST_TIMEOUT_SCALE", "1") or 1)

SOURCE_LINE = re.compile(r"^\S.* \u203a \S")     # "Title › Heading"


class Fatal(Exception):
    """The demo cannot go on (setup failed)."""


def _on_term(signum, _frame):
    raise KeyboardInterrupt()


# ---- setup -----------------------------------------------------------------

class Demo:
    """Everything the demo started, to clean up in any case."""

    def __init__(self, args, out):
        self.args = args
        self.out = out
        self.dir = tempfile.mkdtemp(prefix="secours-demo-")
        os.chmod(self.dir, 0o700)
        self.srv = None
        self.bot = None
        self.clients = []
        self.tls = False
        self.fp = None
        self.helper_fp = None
        self.t_setup = 0.0
        self.stopping = False

    def key_file(self, user):
        return os.path.join(self.dir, user + ".key")

    def start(self):
        t0 = time.monotonic()
        if not os.access(SECOURS, os.X_OK):
            raise Fatal("no secours binary at %s (build first, or set "
                        "SECOURS)" % SECOURS)
        self.srv = None
        if not self.args.plain:
            try:
                self.srv = Prosody(host=DOMAIN, tls=True)
                self.tls = True
            except Exception as e:     # no openssl? fall back, say so
                self.out.say("-- ", "TLS server not possible (%s); using "
                             "plain TCP on loopback" % e)
        if self.srv is None:
            self.srv = Prosody(host=DOMAIN, tls=False)
        # prosodyctl takes 0.25 s or more each: register side by side, and
        # make the clients' OTR keys meanwhile. The helper's key must exist
        # before the bot's config pins it.
        users = ("desk", "you", "helper", "guest")
        with concurrent.futures.ThreadPoolExecutor(len(users)) as ex:
            regs = [ex.submit(self.srv.register, u, PASSWORDS[u])
                    for u in users]
            hkey = load_or_make_key(self.key_file("helper"))
            self.helper_fp = _human_fpr(hkey)
            load_or_make_key(self.key_file("you"))
            for r in regs:
                r.result()
        helper_jid = self.srv.jid("helper")
        cfg = {
            "guide": {"paths": [os.path.join(TOP_SRCDIR, "replies")]},
            "otr": {"smp_question": SMP_QUESTION, "smp_secret": SMP_SECRET,
                    "narrate": True},
            "helpers": [{"jid": helper_jid, "name": HELPER_NAME,
                         "languages": ["en", "fr", "es"],
                         "fingerprints": [self.helper_fp]}],
            "duty": {"timezone": "UTC",
                     "shifts": [{"helper": helper_jid, "days": ["daily"],
                                 "from": "00:00", "to": "00:00"}]},
            "escalation": {"mode": "relay", "ack_timeout": "2m"},
        }
        self.bot = Bot(self.srv, user=BOT_USER, password=PASSWORDS["desk"],
                       register=False, config=cfg)
        rc, text = self.bot.check()
        if rc != 0:
            raise Fatal("the demo's bot config does not pass --check:\n"
                        + text)
        self.fp = self.bot.fingerprint()
        self.srv.start()
        self.bot.start()
        try:
            self.bot.wait_log(r"logged in as |\bonline\b", timeout=15)
        except AssertionError as e:
            raise Fatal("the bot did not come online: %s" % e)
        self.t_setup = time.monotonic() - t0
        self.write_session()

    def write_session(self):
        s = {
            "port": self.srv.port,
            "ca_file": self.srv.ca_file,
            "bot_jid": self.bot.jid,
            "bot_pid": self.bot.pid,
            "bot_fingerprint": self.fp,
            "bot_log": self.bot.log_path,
            "smp_question": SMP_QUESTION,
            "smp_secret": SMP_SECRET,
            "accounts": {
                u: {"jid": self.srv.jid(u), "password": PASSWORDS[u],
                    "key_file": (self.key_file(u)
                                 if u in ("you", "helper") else None)}
                for u in ("you", "helper", "guest")},
        }
        path = os.path.join(self.dir, "session.json")
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            json.dump(s, f, indent=1)
        self.session_path = path

    def client(self, user):
        c = ChatClient(self.srv.jid(user), PASSWORDS[user], self.srv.port,
                       ca_file=self.srv.ca_file, resource="demo",
                       key_file=self.key_file(user),
                       otr_policy={"ALLOW_V2": True,
                                   "WHITESPACE_START_AKE": True})
        self.clients.append(c)
        return c

    def cleanup(self):
        self.stopping = True
        for c in self.clients:
            try:
                c.close(timeout=1)
            except Exception:
                pass
        if self.bot is not None:
            try:
                self.bot.stop(timeout=5)
            except Exception:
                pass
            if self.args.keep:
                self.out.say("-- ", "kept: bot files in %s" % self.bot.dir)
            else:
                self.bot.cleanup()
        if self.srv is not None:
            if self.args.keep:
                self.srv.stop()
                self.out.say("-- ", "kept: Prosody files in %s" % self.srv.dir)
            else:
                self.srv.cleanup()
        if self.args.keep:
            self.out.say("-- ", "kept: demo files in %s" % self.dir)
        else:
            shutil.rmtree(self.dir, ignore_errors=True)


# ---- the interactive demo -------------------------------------------------

def banner(d):
    srv = d.srv
    tls = ("TLS, self-signed certificate %s" % srv.ca_file) if d.tls \
        else "plain TCP, loopback only"
    prof_tls = "trust" if d.tls else "disable"
    return """\
secours demo: everything runs on this machine, on 127.0.0.1 only.
  Prosody   127.0.0.1:{port} ({tls}), pid {spid}
  the bot   {bot} (pid {bpid}), log: {blog}
  its OTR fingerprint   {fp}
  verification question "{q}"  answer: {a}
  helper on duty        {hname} = helper@{dom} (pinned key {hfp})

Things to type (the bot's words appear as "bot> "):
  HELP, TOPICS, my phone was stolen, on m'a volé mon téléphone, MORE,
  VERIFY (then /smp {a}), FINGERPRINT, STATUS, HUMAN, STOP
  /fp, /ask "{q}" {a}, /plain hello, /help, /quit

Play the helper in a second terminal:   scripts/chat.py --as helper
  (then type HUMAN here; the helper gets the case and types CLAIM 1)
Or use Profanity as another person (guest@{dom}):
  profanity, then:
    /account add guest
    /account set guest jid guest@{dom}
    /account set guest password {gpw}
    /account set guest server 127.0.0.1
    /account set guest port {port}
    /account set guest tls {ptls}
    /connect guest
    /otr gen
    /msg {bot}
    /otr start
    (after VERIFY: /otr answer {a}; to check the bot: /otr question "{q}" {a})
""".format(port=srv.port, tls=tls, spid=srv.pid, bot=d.bot.jid,
           bpid=d.bot.pid, blog=d.bot.log_path, fp=d.fp, q=SMP_QUESTION,
           a=SMP_SECRET, hname=HELPER_NAME, dom=DOMAIN, hfp=d.helper_fp,
           gpw=PASSWORDS["guest"], ptls=prof_tls)


def watch_bot(d, out):
    """Tell the person if the bot dies under them (a crash, a sanitizer
    report), with the end of its log."""
    def run():
        while d.bot.proc is not None and d.bot.proc.poll() is None:
            time.sleep(0.5)
        if not d.stopping:
            out.say("-- ", "the bot stopped (exit status %s); the end of "
                    "its log:\n%s" % (d.bot.proc.returncode, d.bot.tail(10)))
    threading.Thread(target=run, daemon=True).start()


def interactive(d, out):
    sys.stdout.write(banner(d) + "\n")
    sys.stdout.flush()
    watch_bot(d, out)
    you = d.client("you")
    you.connect()
    out.prompt = "you> "
    chatmod.chat(you, d.bot.jid, out, name="bot")
    return 0


# ---- the scripted demo ----------------------------------------------------

class Step:
    def __init__(self, key, title):
        self.key = key
        self.title = title
        self.status = None      # "ok", "failed", "n/a"
        self.notes = []
        self.secs = 0.0


class Script:
    """The scripted conversation: steps (a)..(f), each printed as it runs."""

    def __init__(self, d, out):
        self.d = d
        self.out = out
        self.bot = d.bot.jid
        self.steps = []
        self.cur = None
        self.you = None
        self.helper = None
        self.escalation = None     # True/False once known

    # -- printing and checking
    def say(self, prefix, text=""):
        self.out.say(prefix, text)

    def check(self, cond, what, detail=None):
        if cond:
            self.say("   ok: ", what)
        else:
            self.say("   NOT OK: ", what + (": %s" % detail if detail else ""))
            self.cur.status = "failed"
        return cond

    def unavailable(self, what):
        self.say("   not yet available: ", what)
        if self.cur.status is None:
            self.cur.status = "n/a"

    def read(self, client, peer, prefix, until=None, timeout=5.0,
             settle=0.4):
        """Print decrypted messages from peer as they come; return their
        texts once one matches `until` (a regex) and nothing more came for
        `settle` s, or (until None) after `settle` s of quiet, or at
        `timeout`."""
        rx = re.compile(until, re.S | re.I) if until else None
        got = []
        seen = rx is None
        deadline = time.monotonic() + timeout * SCALE
        while True:
            wait = settle if seen else deadline - time.monotonic()
            if wait <= 0:
                break
            try:
                text = client.next_message(peer, timeout=wait / SCALE)
            except HarnessTimeout:
                break
            self.say(prefix, text)
            got.append(text)
            if rx is not None and rx.search(text):
                seen = True
        return got

    def run_step(self, key, title, fn):
        st = Step(key, title)
        self.steps.append(st)
        self.cur = st
        self.say("")
        self.say("(%s) %s" % (key, title))
        t0 = time.monotonic()
        try:
            fn()
        except (HarnessTimeout, AssertionError) as e:
            self.check(False, "step stopped", e)
        except Exception as e:
            self.check(False, "step raised", "%r\n%s" % (e, traceback.format_exc()))
        st.secs = time.monotonic() - t0
        if st.status is None:
            st.status = "ok"
        self.say("   (%.2f s)" % st.secs)
        return st.status == "ok"

    # -- the steps
    def step_plain(self):
        you = self.you
        self.say("you (in clear)> ", "hello")
        you.send_plain(self.bot, "hello")
        try:
            body = you.expect_plain(self.bot, r".", timeout=5)
        except HarnessTimeout:
            self.check(False, "the bot answers a message in clear with a "
                       "notice", "nothing came in 5 s")
            return
        self.say("bot (in clear)> ", show_body(body))
        kind = [r.kind for r in you.raw_from(self.bot) if r.body == body]
        self.check(kind and kind[0] in ("query", "tagged"),
                   "one notice in clear, with an OTR query so the app "
                   "starts a private conversation", kind)
        leaks = guide_lines_in(body)
        self.check(not leaks and "\u203a" not in body,
                   "the notice carries no guide text", leaks[:2])
        self.check("hello" not in body.lower().replace("?otr", ""),
                   "the notice does not repeat what was written")

    def step_otr(self):
        you = self.you
        t0 = time.monotonic()
        try:
            you.wait_encrypted(self.bot, timeout=3)
            self.say("   ", "your app answered the bot's OTR query: "
                     "private conversation in %.2f s"
                     % (time.monotonic() - t0))
        except HarnessTimeout:
            self.say("   ", "no handshake after the notice; your app "
                     "starts one (?OTRv2?)")
            you.start_otr(self.bot)
            you.wait_encrypted(self.bot, timeout=5)
        theirs = you.their_fingerprint(self.bot)
        self.check(theirs == self.d.fp, "the bot's key in the handshake is "
                   "the one `secours --fingerprint` printed", theirs)
        got = self.read(you, self.bot, "bot> ", until=r"privately",
                        timeout=5)
        hello = [t for t in got if re.search(r"privately", t, re.I)]
        self.check(hello, "the greeting arrives, encrypted, after the "
                   "handshake", got)
        self.check(any(self.d.fp in t for t in got),
                   "the greeting shows the bot's fingerprint")
        self.check(not any(SOURCE_LINE.search(t) for t in got),
                   "nothing of the guide before a question")

    def ask(self, question):
        self.say("you> ", question)
        self.you.send(self.bot, question)
        got = self.read(self.you, self.bot, "bot> ", until=r".", timeout=8)
        first = got[0].split("\n", 1)[0] if got else ""
        self.check(SOURCE_LINE.search(first),
                   'the answer starts with a "Page title \u203a Section" '
                   "source line", first or "no answer")
        return got

    def command(self, word, expect):
        self.say("you> ", word)
        self.you.send(self.bot, word)
        got = self.read(self.you, self.bot, "bot> ", until=r".", timeout=5,
                        settle=0.2)
        self.check(any(re.search(expect, t) for t in got),
                   "%s: the bot %s" % (word, {
                       "FRANCAIS": "answers in French from now on",
                       "ENGLISH": "answers in English again"}.get(word,
                                                                  "answers")),
                   got)

    def step_question(self):
        got = self.ask("my phone was stolen")
        self.check(got and re.search(r"MORE|TOPICS|HUMAN", got[-1]),
                   "and ends with what to type next")
        # The language is the one of the first message; FRANCAIS changes it.
        self.command("FRANCAIS", r"fran\u00e7ais")
        got = self.ask("on m'a vol\u00e9 mon t\u00e9l\u00e9phone")
        self.check(got and re.search(r"PLUS|SUJETS|HUMAIN", got[-1]),
                   "in French, with what to type next in French")
        self.command("ENGLISH", r"English")

    def step_verify(self):
        you = self.you
        self.say("you> ", "VERIFY")
        you.send(self.bot, "VERIFY")
        asked = you.wait_smp(self.bot, timeout=8)
        self.read(you, self.bot, "bot> ", timeout=1, settle=0.2)
        self.check(asked == "asked:" + SMP_QUESTION,
                   'your app shows the question "%s"' % SMP_QUESTION, asked)
        self.say("   ", "you answer in your app: %s" % SMP_SECRET)
        you.smp_respond(self.bot, SMP_SECRET)
        res = you.wait_smp_result(self.bot, timeout=10)
        got = self.read(you, self.bot, "bot> ", until=r"passed|verified",
                        timeout=5)
        self.check(res == "succeeded", "the check succeeds on your side", res)
        self.check(any(re.search(r"verified", t, re.I) for t in got),
                   "the bot says the conversation is verified", got)
        # The other way round: the person checks the bot.
        self.say("   ", 'you ask the bot from your app: "%s" (answer %s)'
                 % (SMP_QUESTION, SMP_SECRET))
        you.smp_start(self.bot, SMP_SECRET, SMP_QUESTION)
        res = you.wait_smp_result(self.bot, timeout=10)
        self.read(you, self.bot, "bot> ", timeout=2, settle=0.3)
        self.check(res == "succeeded" and you.trusted(self.bot),
                   "the bot knows the answer: you have verified it", res)

    def step_human(self):
        you, helper = self.you, self.helper
        problem = ("My phone was stolen yesterday and my accounts were "
                   "logged in on it.")
        self.say("you> ", problem)
        you.send(self.bot, problem)
        self.read(you, self.bot, "bot> ", until=r".", timeout=8)
        self.say("you> ", "HUMAN")
        you.send(self.bot, "HUMAN")
        got = self.read(you, self.bot, "bot> ",
                        until=r"YES|descri|\?|reach the helpers", timeout=5)
        if any(re.search(r"can't reach the helpers|offline test console",
                         t) for t in got):
            self.escalation = False
            self.unavailable("this build of the daemon has no escalation "
                             "wired in (the bot says it cannot reach the "
                             "helpers)")
            return
        self.escalation = True
        if not any("YES" in t for t in got):
            # The bot asks for a description first.
            self.say("you> ", problem)
            you.send(self.bot, problem)
            got = self.read(you, self.bot, "bot> ", until=r"YES", timeout=5)
        consent = [t for t in got if "YES" in t]
        self.check(consent and problem in consent[-1],
                   "the bot shows what it would pass on, and to whom, and "
                   "asks first", got)
        self.check(not any(problem in t for t in helper.messages(self.bot)),
                   "nothing reached the helper before YES")
        self.say("you> ", "YES")
        you.send(self.bot, "YES")
        self.read(you, self.bot, "bot> ", until=r".", timeout=5, settle=0.2)
        try:
            helper.wait_encrypted(self.bot, timeout=8)
        except HarnessTimeout:
            self.check(False, "the bot opens a private conversation with "
                       "the helper on duty")
            return
        got = self.read(helper, self.bot, "   helper's screen: bot> ",
                        until=r"CLAIM", timeout=8)
        offer = [t for t in got if "CLAIM" in t]
        self.check(offer and problem in offer[-1],
                   "the helper gets the offer with the consented text", got)
        m = re.search(r"CLAIM (\d+)", offer[-1]) if offer else None
        if not m:
            return
        case = m.group(1)
        self.say("   helper> ", "CLAIM " + case)
        helper.send(self.bot, "CLAIM " + case)
        self.read(helper, self.bot, "   helper's screen: bot> ", until=r".",
                  timeout=5, settle=0.2)
        got = self.read(you, self.bot, "bot> ", until=HELPER_NAME, timeout=5)
        self.check(any(HELPER_NAME in t for t in got),
                   "you are told %s has taken your request" % HELPER_NAME,
                   got)
        hello = "Hello, I'm %s from the help desk. Is your phone still " \
                "switched on?" % HELPER_NAME
        self.say("   helper> ", hello)
        helper.send(self.bot, hello)
        got = self.read(you, self.bot, "bot> ", until=r"phone still",
                        timeout=5, settle=0.2)
        self.check(any(hello in t for t in got),
                   "you see the helper's message, through the bot", got)
        reply = "No, it was switched off."
        self.say("you> ", reply)
        you.send(self.bot, reply)
        got = self.read(helper, self.bot, "   helper's screen: bot> ",
                        until=r"switched off", timeout=5, settle=0.2)
        self.check(any(reply in t for t in got),
                   "the helper sees your answer", got)
        self.say("   helper> ", "CLOSE " + case)
        helper.send(self.bot, "CLOSE " + case)
        self.read(helper, self.bot, "   helper's screen: bot> ", until=r".",
                  timeout=5, settle=0.2)
        got = self.read(you, self.bot, "bot> ", until=r"closed", timeout=5,
                        settle=0.2)
        self.check(any(re.search(r"closed", t) for t in got),
                   "you are told the request is closed", got)

    def step_stop(self):
        you = self.you
        self.say("you> ", "STOP")
        you.send(self.bot, "STOP")
        got = self.read(you, self.bot, "bot> ", until=r"forgotten",
                        timeout=5, settle=0.3)
        self.check(any("forgotten" in t for t in got),
                   "the bot forgets the conversation", got)
        # The private conversation stays open (an app left in "Finished"
        # would refuse to send); ending it is the person's app's job.
        time.sleep(0.3)
        self.check(you.otr_state(self.bot) == "encrypted",
                   "the private conversation stays open after STOP",
                   you.otr_state(self.bot))
        you.end_otr(self.bot)
        self.say("   ", "you end the private conversation from your app")

    def run(self):
        d = self.d
        self.say("secours demo, scripted (standard input is not a terminal)")
        self.say("  Prosody 127.0.0.1:%d (%s); accounts %s, you, helper @%s"
                 % (d.srv.port, "TLS" if d.tls else "plain TCP", BOT_USER,
                    DOMAIN))
        self.say("  the bot %s, OTR fingerprint %s" % (self.bot, d.fp))
        self.say('  verification: "%s" / %s; helper on duty: %s (%s), '
                 "key pinned" % (SMP_QUESTION, SMP_SECRET, HELPER_NAME,
                                 d.srv.jid("helper")))
        self.say("  started in %.2f s" % d.t_setup)
        t0 = time.monotonic()
        self.you = d.client("you")
        self.helper = d.client("helper")
        self.you.connect()
        self.helper.connect()
        self.helper.subscribe(self.bot)
        steps = [
            ("a", "A message in clear", self.step_plain),
            ("b", "The private (OTR) conversation starts", self.step_otr),
            ("c", "A question, in English and in French", self.step_question),
            ("d", "VERIFY: checking each other with a question (SMP)",
             self.step_verify),
            ("e", "HUMAN: reaching the helper on duty", self.step_human),
            ("f", "STOP", self.step_stop),
        ]
        for key, title, fn in steps:
            ok = self.run_step(key, title, fn)
            if not ok and key == "b" and \
                    self.you.otr_state(self.bot) != "encrypted":
                for k2, t2, _ in steps[steps.index((key, title, fn)) + 1:]:
                    st = Step(k2, t2)
                    st.status = "failed"
                    self.steps.append(st)
                    self.say("")
                    self.say("(%s) %s" % (k2, t2))
                    self.say("   NOT OK: ", "skipped: no private conversation")
                break
        total = time.monotonic() - t0
        return self.summary(total)

    def summary(self, total):
        ok = [s.key for s in self.steps if s.status == "ok"]
        na = [s.key for s in self.steps if s.status == "n/a"]
        bad = [s.key for s in self.steps if s.status == "failed"]
        self.say("")
        if not self.d.bot.running:
            bad.append("bot")
            self.say("NOT OK: ", "the bot exited during the demo (status "
                     "%s); the end of its log:\n%s"
                     % (self.d.bot.proc.returncode, self.d.bot.tail(15)))
        else:
            for c in (self.you, self.helper):
                c.close(timeout=1)
            rc, secs = self.d.bot.stop()
            if rc != 0:
                bad.append("bot")
                self.say("NOT OK: ", "SIGTERM: the bot exited with status "
                         "%s; the end of its log:\n%s"
                         % (rc, self.d.bot.tail(15)))
        errs = self.d.bot.sanitizer_errors()
        if errs:
            bad.append("sanitizer")
            self.say("NOT OK: ", "sanitizer reports in the bot's log:\n"
                     + "\n".join(errs[:5]))
        parts = ["%d/%d steps ok (%s)" % (len(ok), len(self.steps),
                                          " ".join(ok) or "none")]
        if na:
            parts.append("not yet available: %s" % " ".join(na))
        if bad:
            parts.append("FAILED: %s" % " ".join(bad))
        self.say("demo: %s; setup %.1f s, conversation %.1f s"
                 % ("; ".join(parts), self.d.t_setup, total))
        if bad or na:
            return 1
        return 0


_guide_lines = None


def guide_lines_in(text):
    """Lines of the guide pages (replies/*.md bodies, 25+ characters) that
    appear in text."""
    global _guide_lines
    if _guide_lines is None:
        _guide_lines = set()
        rdir = os.path.join(TOP_SRCDIR, "replies")
        for name in os.listdir(rdir):
            if not name.endswith(".md") or name == "README.md":
                continue
            with open(os.path.join(rdir, name), encoding="utf-8") as f:
                body = f.read()
            if body.startswith("---"):
                body = body.split("\n---", 1)[-1]
            for line in body.splitlines():
                line = line.strip(" -#*>\t")
                if len(line) >= 25:
                    _guide_lines.add(line)
    return [l for l in _guide_lines if l in text]


# ---------------------------------------------------------------------------

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--plain", action="store_true",
                    help="plain TCP instead of TLS between clients and "
                    "Prosody (loopback only either way)")
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument("--script", action="store_true",
                      help="play the scripted conversation even on a terminal")
    mode.add_argument("--interactive", action="store_true",
                      help="the terminal chat even without a terminal")
    ap.add_argument("--keep", action="store_true",
                    help="keep the temp dirs (logs, config) at the end")
    args = ap.parse_args(argv)
    if args.keep:
        os.environ["KEEP_TMP"] = "1"     # tests/lib's atexit cleanups too
    interactive_mode = args.interactive or (sys.stdin.isatty() and
                                            not args.script)
    width = None
    if sys.stdout.isatty():
        width = shutil.get_terminal_size((80, 24)).columns - 1
    out = Printer(width=width)
    signal.signal(signal.SIGTERM, _on_term)
    signal.signal(signal.SIGHUP, _on_term)
    d = Demo(args, out)
    status = 2
    try:
        if not interactive_mode:
            out.say("starting Prosody and the bot ...")
        d.start()
        if interactive_mode:
            status = interactive(d, out)
        else:
            status = Script(d, out).run()
    except Fatal as e:
        out.say("demo: ", str(e))
        if d.bot is not None:
            out.say("demo: ", "bot log:\n" + d.bot.tail())
        status = 2
    except KeyboardInterrupt:
        out.say("")
        out.say("demo: interrupted")
        status = 130
    finally:
        t0 = time.monotonic()
        try:
            d.cleanup()
        except KeyboardInterrupt:
            d.cleanup()
        if interactive_mode:
            out.say("demo: stopped the bot and Prosody (%.1f s)"
                    % (time.monotonic() - t0))
    return status


if __name__ == "__main__":
    sys.exit(main())
