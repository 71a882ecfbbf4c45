#!/usr/bin/python3
"""Self-test of the e2e harness (tests/lib): no bot needed.

Two potr clients over a plaintext Prosody (one of them behind a tcptap) and
over a TLS Prosody: login, presence, OTR AKE, messages both ways,
fingerprints, SMP right and wrong, end of session, what crossed the wire,
and a Prosody kill + restart on the same port. One line per check, exit 1
on any failure.
"""

import os
import sys
import tempfile
import time
import traceback

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

import potrfix                                   # noqa: E402
from prosody import Prosody                      # noqa: E402
from otrclient import Client, refuse_plain       # noqa: E402
from tcptap import Tap                           # noqa: E402
from botproc import Bot, to_yaml, SECOURS        # noqa: E402
from checks import check, finish, note, skip  # noqa: E402


def section(name, fn, *args):
    try:
        return fn(*args)
    except Exception as e:      # one failing section must not hide the rest
        check(False, "%s raised" % name, "%s\n%s" % (e, traceback.format_exc()))
        return None


def otr_session(a, b, label, wrong_smp=True):
    """AKE, messages both ways, fingerprints, SMP good and bad, end."""
    t0 = time.monotonic()
    a.start_otr(b.jid)
    a.wait_encrypted(b.jid)
    b.wait_encrypted(a.jid)
    note("%s: OTR AKE done (%.2fs)" % (label, time.monotonic() - t0))
    a.send(b.jid, "hello from alice, é ü 日本")
    check(b.expect(a.jid, r"hello from alice") == "hello from alice, é ü 日本",
          "%s: alice -> bob decrypted, UTF-8 intact" % label)
    b.send(a.jid, "hi alice <&> \"quoted\"")
    check(a.expect(b.jid, r"^hi alice") == "hi alice <&> \"quoted\"",
          "%s: bob -> alice decrypted, XML specials intact" % label)
    b.expect_none(a.jid, 0.05)
    note("%s: no extra message queued" % label)
    check(a.their_fingerprint(b.jid) == b.our_fingerprint()
          and b.their_fingerprint(a.jid) == a.our_fingerprint()
          and a.our_fingerprint() != b.our_fingerprint(),
          "%s: fingerprints seen = peers' own" % label,
          (a.their_fingerprint(b.jid), b.our_fingerprint()))
    t0 = time.monotonic()
    a.smp_start(b.jid, "correct horse", "Name of the cat?")
    asked = b.wait_smp(a.jid)
    check(asked == "asked:Name of the cat?", "%s: SMP question arrives" % label, asked)
    b.smp_respond(a.jid, "correct horse")
    ra, rb = a.wait_smp(b.jid), b.wait_smp(a.jid)
    check(ra == "succeeded" and rb == "succeeded" and a.trusted(b.jid),
          "%s: SMP right secret succeeds (%.2fs)" % (label, time.monotonic() - t0),
          (ra, rb))
    if not wrong_smp:
        return
    b.smp_auto_respond(a.jid, "wrong horse")
    a.smp_start(b.jid, "correct horse")
    ra, rb = a.wait_smp_result(b.jid), b.wait_smp_result(a.jid)
    check(ra in ("failed", "aborted") and rb in ("failed", "aborted"),
          "%s: SMP wrong secret fails (%s/%s)" % (label, ra, rb))
    b.smp_auto_respond(a.jid, None)
    a.send(b.jid, "still encrypted after SMP")
    check(b.expect(a.jid, "still encrypted") is not None,
          "%s: session usable after failed SMP" % label)


def run_server(tls, keys):
    label = "tls" if tls else "plain"
    with Prosody(tls=tls) as srv:
        for u in ("alice", "bob", "carol"):
            srv.register(u, u + "pw")
        secs = srv.start()
        check(srv.running, "%s: prosody started on port %d (%.2fs)" % (label, srv.port, secs))

        tap = None if tls else Tap(srv.port)
        a_port = srv.port if tap is None else tap.port
        a = Client(srv.jid("alice"), "alicepw", a_port, ca_file=srv.ca_file,
                   key_file=keys["alice"])
        b = Client(srv.jid("bob"), "bobpw", srv.port, ca_file=srv.ca_file,
                   key_file=keys["bob"])
        try:
            t0 = time.monotonic()
            a.connect()
            b.connect()
            check(a.connected and b.connected,
                  "%s: both clients logged in (%.2fs)" % (label, time.monotonic() - t0))

            if tls:
                bad = Client(srv.jid("alice"), "alicepw", srv.port, key=a.key,
                             resource="notls")
                refused = False
                try:
                    bad.connect(timeout=5)
                except AssertionError:
                    refused = True
                finally:
                    bad.close()
                check(refused, "tls: login without TLS is refused")
            bad = Client(srv.jid("bob"), "wrongpw", srv.port, ca_file=srv.ca_file,
                         key=b.key, resource="bad")
            try:
                bad.connect(timeout=5)
                check(False, "%s: wrong password is refused" % label)
            except AssertionError as e:
                check("auth" in str(e), "%s: wrong password is refused" % label, e)
            finally:
                bad.close()

            a.subscribe(b.jid)
            a.wait_presence(b.jid)
            b.wait_presence(a.jid)
            note("%s: subscription + presence seen both ways" % label)
            b.set_presence("away")
            a.wait_presence(b.jid, "away")
            note("%s: presence show change seen" % label)

            a.send_plain(b.jid, "plain before otr")
            b.expect_plain(a.jid, "plain before otr")
            check(b.plain_messages(a.jid) == ["plain before otr"],
                  "%s: plaintext arrives outside OTR" % label)
            refused = False
            try:
                a.send(b.jid, "must not go")
            except AssertionError:
                refused = True
            check(refused, "%s: send() refuses while not encrypted" % label)

            if tap is not None:
                mark = len(tap.bodies("c2s")), len(tap.bodies("s2c"))
            otr_session(a, b, label, wrong_smp=not tls)

            if tap is not None:
                c2s = tap.bodies("c2s")[mark[0]:]
                s2c = tap.bodies("s2c")[mark[1]:]
                check(c2s and s2c and all(x.startswith("?OTR") for x in c2s + s2c),
                      "tap: only ?OTR bodies crossed after plaintext (%d out, %d in)"
                      % (len(c2s), len(s2c)),
                      [x[:40] for x in c2s + s2c if not x.startswith("?OTR")])
                check(not tap.contains("hello from alice") and
                      not tap.contains("hi alice") and
                      tap.contains("plain before otr"),
                      "tap: encrypted texts never in clear, plaintext one seen")
                check(all(x.startswith("?OTR:") for x in c2s[1:] + s2c),
                      "tap: after the query only ?OTR: messages")

            a.end_otr(b.jid)
            b.wait_state(a.jid, "finished")
            check(a.otr_state(b.jid) == "plaintext",
                  "%s: end_otr -> peer finished, us plaintext" % label)

            if not tls:
                # a bot-like peer: refuses plaintext with an OTR query notice
                c = Client(srv.jid("carol"), "carolpw", srv.port,
                           on_plain=refuse_plain("?OTRv2? OTR only, please."))
                try:
                    c.connect()
                    a.send_plain(c.jid, "hello carol")
                    a.expect_plain(c.jid, "OTR only")
                    a.wait_encrypted(c.jid)
                    c.wait_encrypted(a.jid)
                    check(c.plain_messages(a.jid) == ["hello carol"] and
                          len(c.raw_to(a.jid)) >= 2,
                          "plain: on_plain refusal notice starts OTR from the other side")
                finally:
                    c.close()

                # server crash and restart on the same port
                t0 = time.monotonic()
                srv.kill()
                a.wait_disconnected()
                b.wait_disconnected()
                note("plain: clients see prosody killed (%.2fs)"
                      % (time.monotonic() - t0))
                port = srv.port
                secs = srv.restart()
                check(srv.port == port and srv.running,
                      "plain: prosody restarted on the same port (%.2fs)" % secs)
                a.connect()
                b.connect()
                b.wait_presence(a.jid)
                note("plain: clients log in again, roster kept")
                a.start_otr(b.jid)
                a.wait_encrypted(b.jid)
                a.send(b.jid, "after restart")
                check(b.expect(a.jid, "after restart") == "after restart",
                      "plain: OTR again after server restart")
                check(tap.connections >= 2, "tap: reconnection went through the tap")
        finally:
            a.close()
            b.close()
            if tap is not None:
                tap.stop()
        t0 = time.monotonic()
        srv.stop()
        check(not srv.running, "%s: prosody stopped (%.3fs)" % (label, time.monotonic() - t0))
    return a, b


def check_botproc():
    """The YAML botproc writes is accepted by the real config parser."""
    if not os.access(SECOURS, os.X_OK):
        skip("botproc", "no secours binary at %s" % SECOURS)
        return
    for tls in (False, True):
        with Prosody(tls=tls) as srv:
            with Bot(srv, register=False, config={
                    "otr": {"refusal_cooldown": "10m"},
                    "limits": {"max_per_minute": 20}}) as bot:
                rc, out = bot.check()
                check(rc == 0, "botproc: %s config passes secours --check"
                      % ("TLS" if tls else "plaintext"), out)


def main():
    t_start = time.monotonic()
    check(potrfix.selftest(), "potr patched: DSA keygen/sign/verify, AES-CTR")
    y = to_yaml({"a": {"b": "x\"y", "n": 3, "t": True, "l": ["p", "q"]},
                 "h": [{"jid": "j", "fp": ["1 2"]}]})
    check(y == 'a:\n  b: "x\\"y"\n  n: 3\n  t: true\n  l: ["p", "q"]\n'
          'h:\n  - jid: "j"\n    fp: ["1 2"]', "botproc.to_yaml output", y)
    with tempfile.TemporaryDirectory(prefix="secours-harness-") as d:
        keys = {u: os.path.join(d, u + ".key") for u in ("alice", "bob")}
        res = section("plain server", run_server, False, keys)
        fp = res[0].our_fingerprint() if res else None
        res = section("tls server", run_server, True, keys)
        if res and fp:
            check(res[0].our_fingerprint() == fp,
                  "key_file: a new client keeps its fingerprint")
    section("botproc config", check_botproc)
    note("total %.1fs" % (time.monotonic() - t_start))
    return finish()


if __name__ == "__main__":
    sys.exit(main())
