"""The world most end-to-end tests build: a Prosody, the bot with pinned
helpers on duty now, and person clients; the steps they repeat.

Each step reports through checks.py, with the check names the tests used
before these helpers existed.
"""

import datetime

from checks import (attempt, check, failures, finish, mark, note, short,
                    since_text, wait_msg)
from otrclient import Client

# The desk's SMP question and secret in the OTR client tests' configs, and
# the mark that opens a guide answer ("Page title \u203a Section").
DESK_QUESTION = "Which word is printed on the back of our flyer?"
DESK_SECRET = "Lighthouse 42"
SOURCE = "\u203a"


def say(client, bot, text, regex, what, timeout=10.0):
    """client writes text to bot; checks that an answer matching regex
    comes (shown on success, what came instead on failure). Returns the
    answer or None."""
    m = mark(client, bot.jid)
    client.send(bot.jid, text)
    got = wait_msg(client, bot.jid, regex, m, timeout)
    check(got is not None, what,
          short(got) if got else "got: " + since_text(client, bot.jid, m))
    return got


def client_maker(srv, clients):
    """A function client(user, **kw) that makes a Client for user (password
    user + "pw") on srv and adds it to clients, to be closed by run_world."""
    def client(user, **kw):
        c = Client(srv.jid(user), user + "pw", srv.port, **kw)
        clients.append(c)
        return c
    return client


def duty_now(before=60, after=120):
    """("HH:MM", "HH:MM") in UTC: from before minutes ago to after minutes
    from now, a shift that covers the whole test."""
    now = datetime.datetime.now(datetime.timezone.utc)
    return tuple((now + datetime.timedelta(minutes=m)).strftime("%H:%M")
                 for m in (-before, after))


def helpers_config(helpers, ack_timeout="30s", limits=None):
    """Bot config: helpers (a list of (client, name)) pinned by their key,
    speaking English, on duty daily now; relay escalation; limits (60
    messages a minute unless given)."""
    cov = duty_now()
    return {
        "limits": limits or {"max_per_minute": 60},
        "helpers": [{"jid": h.jid, "name": name, "languages": ["en"],
                     "fingerprints": [h.our_fingerprint()]}
                    for h, name in helpers],
        "duty": {"timezone": "UTC",
                 "shifts": [{"helper": h.jid, "days": ["daily"],
                             "from": cov[0], "to": cov[1]}
                            for h, _ in helpers]},
        "escalation": {"mode": "relay", "ack_timeout": ack_timeout},
    }


def greet_helper(h, bot, what, timeout=5):
    """A connected helper subscribes to the bot and opens OTR; checks the
    bot greets it as a helper whose key matches."""
    h.subscribe(bot.jid)
    attempt(h.wait_presence, bot.jid, timeout=10)
    m = mark(h, bot.jid)
    h.start_otr(bot.jid)
    ok = attempt(h.wait_encrypted, bot.jid) is not None
    return check(ok and wait_msg(h, bot.jid, r"key matches", m, timeout),
                 what)


def open_person(p, bot, what):
    """A person's client connects and opens OTR; checks the bot's private
    greeting comes."""
    p.connect()
    m = mark(p, bot.jid)
    p.start_otr(bot.jid)
    attempt(p.wait_encrypted, bot.jid, timeout=10)
    return check(wait_msg(p, bot.jid, r"private", m, 10) is not None, what)


def stop_checks(bot, secrets):
    """Stops the bot; checks it exits 0 and that none of secrets is in its
    log."""
    rc, _ = bot.stop(timeout=5)
    check(rc == 0, "SIGTERM, exit 0", "rc %s" % rc)
    leaked = [s for s in secrets if bot.log_contains(s)]
    check(not leaked, "no message text in the log",
          short(leaked[0]) if leaked else "")


def sanitizer_check(bot):
    """Checks the bot left no ASan/UBSan report."""
    san = bot.sanitizer_errors()
    check(not san, "no sanitizer reports", short(san[0]) if san else "")


def start_server(srv, clients, users):
    """Registers users (password user + "pw"), starts srv; returns
    client_maker(srv, clients)."""
    for u in users:
        srv.register(u, u + "pw")
    srv.start()
    return client_maker(srv, clients)


def verdict(bot, tail=30, hide=None):
    """The exit status (checks.finish): 1, after the bot's log tail (with
    hide, e.g. a temp dir, written T), if any check failed, else 0."""
    if failures():
        text = bot.tail(tail)
        note("log tail:\n%s" % (text.replace(hide, "T") if hide else text))
    return finish()


def otr_with(client, bot):
    """The client has the bot in its contacts and sees it online, then opens
    OTR with it."""
    client.subscribe(bot.jid)
    attempt(client.wait_presence, bot.jid, timeout=10)
    client.start_otr(bot.jid)
    attempt(client.wait_encrypted, bot.jid)
