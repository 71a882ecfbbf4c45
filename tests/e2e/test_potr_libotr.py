#!/usr/bin/python3
"""The patched potr (tests/lib/potrfix.py) against the real libotr 4.1.1.

tests/e2e/otrpeer (C, libotr) runs as a child speaking hex lines on stdio;
potr runs in-process (otrclient.OfflineOtr). No network, no server. Checks
the AKE both ways (potr or libotr initiating), data messages both ways
across key rotations, fingerprints, SMP both ways with the right and the
wrong secret. If potrfix's DSA or AES-CTR semantics were off, the AKE or
the first data message would fail here.
"""

import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

from otrclient import OfflineOtr          # noqa: E402
from potr import proto                    # noqa: E402
from checks import check, finish, note  # noqa: E402
from otrpeer import OtrPeer              # noqa: E402

BUILD = os.environ.get("TOP_BUILDDIR") or os.path.abspath(
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
OTRPEER = os.path.join(BUILD, "tests", "e2e", "otrpeer")
BOT = "bot@example.test"


def pump(me, peer):
    """Move bodies both ways until both sides are quiet. Returns potr's
    decrypted texts."""
    texts = []
    for _ in range(50):
        moved = False
        while me.outbox:
            _, body = me.outbox.pop(0)
            peer.cmd("R", body)
            moved = True
        for body in peer.sync():
            moved = True
            t = me.receive(BOT, body)
            if t is not None:
                texts.append(t)
        if not moved:
            return texts
    raise AssertionError("no quiescence after 50 rounds")


def run(initiator):
    with tempfile.TemporaryDirectory(prefix="secours-otrpeer-") as d:
        peer = OtrPeer(OTRPEER, os.path.join(d, "key"),
                           os.path.join(d, "instag"))
        me = OfflineOtr("alice@example.test")
        try:
            t0 = time.monotonic()
            if initiator == "potr":
                me.outbox.append((BOT, "?OTRv2?"))
            else:   # libotr starts the AKE on a whitespace-tagged plaintext
                tag = (proto.MESSAGE_TAG_BASE + proto.MESSAGE_TAGS[2]).decode()
                me.outbox.append((BOT, "hello" + tag))
            pump(me, peer)
            check(me.state(BOT) == "encrypted" and "gone_secure" in peer.events,
                  "%s starts: AKE completes (%.2fs)" % (initiator, time.monotonic() - t0),
                  (me.state(BOT), peer.events, me.failures))
            me.send(BOT, "hello libotr é")
            peer.cmd("S", "hello potr ü")
            texts = pump(me, peer)
            check("hello libotr é" in peer.got and texts == ["hello potr ü"],
                  "%s starts: one message each way" % initiator, (peer.got, texts))
            for i in range(25):
                me.send(BOT, "m%d" % i)
                peer.cmd("S", "n%d" % i)
                if i % 5 == 0:
                    texts += pump(me, peer)
            texts += pump(me, peer)
            check(all("m%d" % i in peer.got and "n%d" % i in texts for i in range(25)),
                  "%s starts: 25 messages each way across key rotations" % initiator)
            peer.cmd("F")
            peer.cmd("T")
            pump(me, peer)
            check(peer.fps.get("F") == me.their_fingerprint(BOT) and
                  peer.fps.get("T") == me.our_fingerprint(),
                  "%s starts: fingerprints agree (libotr human form)" % initiator,
                  (peer.fps, me.our_fingerprint(), me.their_fingerprint(BOT)))
            if initiator == "potr":
                me.ctx(BOT).smpInit(b"s3cret", b"Cat?")
                pump(me, peer)
                peer.cmd("A", "s3cret")
                pump(me, peer)
                check(me.smp[-1:] == [(BOT, "succeeded")],
                      "potr asks, libotr answers right: succeeded", (me.smp, peer.events[-3:]))
                me.smp.clear()
                me.ctx(BOT).smpInit(b"s3cret")
                pump(me, peer)
                peer.cmd("A", "wrong")
                pump(me, peer)
                check(me.smp[-1:] == [(BOT, "failed")],
                      "potr asks, libotr answers wrong: failed", me.smp)
            else:
                for secret, want in (("s3cret", "succeeded"), ("wrong", "failed")):
                    me.smp.clear()
                    peer.cmd("Q", "Dog?", "s3cret")
                    pump(me, peer)
                    me.ctx(BOT).smpGotSecret(secret.encode())
                    pump(me, peer)
                    check([e for _, e in me.smp] == ["asked:Dog?", want],
                          "libotr asks, potr answers %s: %s" % (secret, want),
                          (me.smp, peer.events[-3:]))
            check(not me.failures, "%s starts: no potr failure" % initiator, me.failures)
        finally:
            peer.close()


def main():
    if not os.access(OTRPEER, os.X_OK):
        print("otrpeer not built at %s" % OTRPEER)
        return 77                      # automake: SKIP
    t0 = time.monotonic()
    for initiator in ("potr", "libotr"):
        try:
            run(initiator)
        except Exception as e:
            check(False, "%s starts: raised %r" % (initiator, e))
    note("total %.1fs" % (time.monotonic() - t0))
    return finish()


if __name__ == "__main__":
    sys.exit(main())
