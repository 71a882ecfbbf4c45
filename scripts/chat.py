#!/usr/bin/python3
"""An OTR chat in the terminal, for the demo (scripts/demo).

    scripts/chat.py                  # as you@example.test, with the running demo's bot
    scripts/chat.py --as helper      # play the on-duty helper, in a second terminal

It logs in to the demo's throwaway Prosody, starts a private (OTR)
conversation with the bot and shows the bot's messages as they arrive
("bot> "). Lines you type are sent encrypted. Commands:

    /fp                  both fingerprints (yours and the bot's)
    /smp ANSWER          answer the bot's verification question
    /ask QUESTION SECRET ask the bot a question only the real bot can answer
    /plain TEXT          send TEXT in clear (to see the bot refuse it)
    /otr                 (re)start the private conversation
    /end                 end the private conversation
    /help                this list
    /quit                leave (Ctrl-D works too)

It finds the demo through the session file the demo writes
(/tmp/secours-demo-*/session.json, the newest whose bot still runs), or
--session FILE. Built on tests/lib/otrclient.py (slixmpp + potr, OTR v2).
"""

import argparse
import glob
import json
import os
import shlex
import signal
import sys
import threading
import time

_HERE = os.path.dirname(os.path.abspath(__file__))
_TOP = os.path.dirname(_HERE)
for _p in (os.path.join(_TOP, "tests", "lib"), os.path.join(_HERE, "lib")):
    if _p not in sys.path:
        sys.path.insert(0, _p)

from otrclient import Client, HarnessTimeout, otr_kind, _WS_TAG  # noqa: E402

__all__ = ["ChatClient", "Printer", "show_body", "chat", "find_session",
           "main"]


def show_body(body):
    """A raw plaintext body as a person would see it: the invisible OTR
    whitespace tag named instead of printed."""
    if _WS_TAG in body:
        i = body.index(_WS_TAG)
        j = i + len(_WS_TAG)
        while j + 8 <= len(body) and set(body[j:j + 8]) <= {" ", "\t"}:
            j += 8
        body = body[:i] + " [invisible OTR tag]" + body[j:]
    return body


class Printer:
    """Prints lines without mangling what is being typed: a message that
    arrives while the person types is printed above the prompt, and the
    prompt and half-typed line are drawn again."""

    def __init__(self, prompt="", width=None):
        self.prompt = prompt
        self.lock = threading.Lock()
        self.tty = sys.stdout.isatty()
        self.width = width
        self.reading = False

    def _wrap(self, prefix, text):
        lines = text.split("\n")
        pad = " " * len(prefix)
        out = []
        width = self.width
        for i, line in enumerate(lines):
            head = prefix if i == 0 else pad
            if width and len(head) + len(line) > width:
                import textwrap
                parts = textwrap.wrap(line, max(20, width - len(head)),
                                      break_long_words=False,
                                      break_on_hyphens=False) or [""]
                out.append(head + parts[0])
                out.extend(pad + p for p in parts[1:])
            else:
                out.append(head + line)
        return "\n".join(out)

    def say(self, prefix, text=""):
        s = self._wrap(prefix, text)
        with self.lock:
            if self.tty and self.reading:
                try:
                    import readline
                    buf = readline.get_line_buffer()
                except ImportError:
                    buf = ""
                sys.stdout.write("\r\033[K" + s + "\n" + self.prompt + buf)
            else:
                sys.stdout.write(s + "\n")
            sys.stdout.flush()


class ChatClient(Client):
    """otrclient.Client that also tells watchers (callables taking (bare,
    event)) about SMP events ("smp:asked:Q", "smp:succeeded"...) and OTR
    state changes caused by incoming messages ("state:encrypted"...), in
    the order the messages came."""

    def __init__(self, *a, **kw):
        self.watchers = []
        super().__init__(*a, **kw)

    def _tell(self, bare, ev):
        for w in list(self.watchers):
            w(bare, ev)

    def _smp_event(self, bare, ev):
        super()._smp_event(bare, ev)
        self._tell(bare, "smp:" + ev)

    def _on_message(self, msg):
        bare = msg["from"].bare.lower()
        before = self.otr_state(bare)
        super()._on_message(msg)
        after = self.otr_state(bare)
        if after != before:
            self._tell(bare, "state:" + after)


def find_session(path=None):
    """The demo's session dict (see scripts/lib/demo.py), from path or the
    newest /tmp/secours-demo-*/session.json whose bot is alive."""
    if path:
        with open(path) as f:
            return json.load(f)
    tmp = os.environ.get("TMPDIR", "/tmp")
    best = None
    for p in glob.glob(os.path.join(tmp, "secours-demo-*", "session.json")):
        try:
            with open(p) as f:
                s = json.load(f)
            os.kill(int(s["bot_pid"]), 0)
        except (OSError, ValueError, KeyError):
            continue
        m = os.path.getmtime(p)
        if best is None or m > best[0]:
            best = (m, s)
    return best[1] if best else None


HELP = """Commands:
  /fp                   both fingerprints
  /smp ANSWER           answer the bot's verification question
  /ask QUESTION SECRET  check the bot: ask a question only it can answer
                        (e.g. /ask "What is the name of this bot?" secours)
  /plain TEXT           send TEXT in clear, to see the bot refuse it
  /otr                  start the private conversation again
  /end                  end the private conversation
  /quit                 leave (Ctrl-D too)
Anything else is sent to the bot, encrypted."""


def chat(client, peer, out, name="bot", start=True):
    """The interactive loop: client is connected; peer is the bot's bare
    JID. Returns when the person types /quit or Ctrl-D (Ctrl-C raises
    KeyboardInterrupt to the caller)."""
    stop = threading.Event()

    def on_message(_c, frm, text):
        out.say(name + "> ", text)

    def on_plain(_c, frm, body):
        kind = otr_kind(body)
        if kind == "error":
            out.say("-- ", "OTR error from the %s: %s" % (name, body))
        else:
            out.say(name + " (in clear)> ", show_body(body))

    def on_event(bare, ev):
        if bare != peer.lower():
            return
        if ev.startswith("smp:asked:"):
            q = ev[len("smp:asked:"):]
            if q:
                out.say("-- ", 'the %s asks you to verify: "%s"\n'
                        "answer with /smp ANSWER" % (name, q))
            else:
                out.say("-- ", "the %s asks you to verify with a shared "
                        "secret; answer with /smp SECRET" % name)
        elif ev == "smp:succeeded":
            out.say("-- ", "verification succeeded")
        elif ev in ("smp:failed", "smp:aborted"):
            out.say("-- ", "verification %s" % ev[4:])
        elif ev == "state:encrypted":
            out.say("-- ", "private conversation started (OTR); the %s's "
                    "fingerprint: %s" % (name, client.their_fingerprint(peer)))
        elif ev == "state:finished":
            out.say("-- ", "the %s ended the private conversation; /otr "
                    "starts a new one" % name)
        elif ev == "state:plaintext":
            out.say("-- ", "not private any more")

    def watch_link():
        """The server went away (the demo stopped): say so and leave."""
        while not stop.wait(0.5):
            if not client.connected:
                out.say("-- ", "disconnected from the server (did the demo "
                        "stop?); bye")
                os.kill(os.getpid(), signal.SIGINT)
                return

    client.on_message = on_message
    client.on_plain = on_plain
    client.watchers.append(on_event)
    watcher = threading.Thread(target=watch_link, daemon=True)
    watcher.start()
    if start:
        out.say("-- ", "starting a private conversation with %s ..." % peer)
        client.start_otr(peer)
    try:
        import readline  # noqa: F401  (line editing and history for input())
    except ImportError:
        pass
    try:
        while True:
            out.reading = True
            try:
                line = input(out.prompt)
            except EOFError:
                print()
                return
            finally:
                out.reading = False
            line = line.strip()
            if not line:
                continue
            try:
                if not _command(client, peer, out, line, name):
                    return
            except HarnessTimeout as e:
                out.say("-- ", str(e))
            except AssertionError as e:
                out.say("-- ", str(e))
    finally:
        stop.set()
        client.watchers.remove(on_event)


def _command(client, peer, out, line, name):
    """Runs one typed line; False to quit."""
    if not line.startswith("/") or line.startswith("//"):
        if line.startswith("//"):
            line = line[1:]
        if client.otr_state(peer) != "encrypted":
            out.say("-- ", "not private yet: nothing sent. Wait for the "
                    "private conversation (or /otr), or use /plain TEXT "
                    "to send in clear.")
            return True
        client.send(peer, line)
        return True
    cmd, _, rest = line.partition(" ")
    rest = rest.strip()
    cmd = cmd.lower()
    if cmd in ("/quit", "/exit", "/q"):
        return False
    if cmd in ("/help", "/?"):
        out.say("", HELP)
    elif cmd == "/fp":
        theirs = client.their_fingerprint(peer)
        out.say("-- ", "yours:   %s\nthe %s's: %s%s" % (
            client.our_fingerprint(), name, theirs or "(no private "
            "conversation yet)", "  (verified)" if theirs and
            client.trusted(peer) else ""))
    elif cmd == "/smp":
        if not rest:
            out.say("-- ", "usage: /smp ANSWER")
        else:
            client.smp_respond(peer, rest)
            out.say("-- ", "answer sent (it never crosses the network "
                    "itself; only a proof that you know it)")
    elif cmd == "/ask":
        try:
            words = shlex.split(rest)
        except ValueError:
            words = rest.split()
        if len(words) < 2:
            out.say("-- ", 'usage: /ask "QUESTION" SECRET')
        else:
            q, secret = " ".join(words[:-1]), words[-1]
            client.smp_start(peer, secret, q)
            out.say("-- ", 'asked the %s: "%s" (expected answer: %s)'
                    % (name, q, secret))
    elif cmd == "/plain":
        if not rest:
            out.say("-- ", "usage: /plain TEXT")
        else:
            client.send_plain(peer, rest)
            out.say("you (in clear)> ", rest)
    elif cmd == "/otr":
        if client.otr_state(peer) == "encrypted":
            client.end_otr(peer)
            time.sleep(0.2)
        client.start_otr(peer)
        out.say("-- ", "starting a private conversation ...")
    elif cmd == "/end":
        client.end_otr(peer)
        out.say("-- ", "private conversation ended; /otr starts a new one")
    else:
        out.say("-- ", "unknown command %s; /help lists them" % cmd)
    return True


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="An OTR chat with the demo bot (see scripts/demo).")
    ap.add_argument("--as", dest="who", default="you",
                    help="account of the demo to use: you (default), helper "
                    "or guest")
    ap.add_argument("--session", help="the demo's session.json")
    ap.add_argument("--to", help="talk to this JID instead of the bot")
    args = ap.parse_args(argv)

    s = find_session(args.session)
    if s is None:
        print("chat.py: no running demo found; start scripts/demo first "
              "(or give --session FILE)", file=sys.stderr)
        return 1
    acct = s["accounts"].get(args.who)
    if acct is None:
        print("chat.py: no account %r in the demo (have: %s)"
              % (args.who, ", ".join(sorted(s["accounts"]))), file=sys.stderr)
        return 1
    peer = args.to or s["bot_jid"]
    c = ChatClient(acct["jid"], acct["password"], s["port"],
                   ca_file=s.get("ca_file"), resource="chat",
                   key_file=acct.get("key_file"),
                   otr_policy={"ALLOW_V2": True,
                               "WHITESPACE_START_AKE": True})
    out = Printer(prompt="%s> " % args.who)
    try:
        c.connect()
        out.say("-- ", "logged in as %s (your fingerprint %s)"
                % (acct["jid"], c.our_fingerprint()))
        c.subscribe(peer)
        if args.who == "helper":
            out.say("-- ", "you are the helper on duty. Offers look like "
                    "\"Case #1 ...\"; type CLAIM 1 to take one, then just "
                    "write; CLOSE 1 ends it. HELP lists helper commands.")
        chat(c, peer, out, name="bot" if peer == s["bot_jid"] else peer)
    except KeyboardInterrupt:
        print()
    finally:
        c.close(timeout=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
