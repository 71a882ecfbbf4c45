"""A blocking XMPP test client with a real, independent OTR implementation.

python3-slixmpp for XMPP, python3-potr (patched by potrfix) for OTR v2.
All asyncio work runs on ONE background thread shared by every Client; the
public methods block until done and raise on failure, so a test is a plain
script:

    from prosody import Prosody
    from otrclient import Client

    with Prosody() as srv:
        srv.register("alice", "pw"); srv.register("bob", "pw"); srv.start()
        a = Client("alice@example.test", "pw", srv.port)
        b = Client("bob@example.test", "pw", srv.port)
        a.connect(); b.connect()
        a.subscribe(b.jid); a.wait_presence(b.jid)
        a.start_otr(b.jid); a.wait_encrypted(b.jid); b.wait_encrypted(a.jid)
        a.send(b.jid, "hello")
        b.expect(a.jid, r"hel+o")                 # -> "hello"
        a.smp_start(b.jid, "s3cret", "the cat?")
        b.wait_smp(a.jid)                          # -> "asked:the cat?"
        b.smp_respond(a.jid, "s3cret")
        a.wait_smp(b.jid)                          # -> "succeeded"
        a.disconnect(); b.disconnect()

Conventions
- `jid` arguments: a bare JID means "that contact" (OTR contexts are keyed by
  the lower-cased bare JID); messages go to the full JID last heard from, else
  to the bare JID. A full JID in send_raw_body/send_plain is used as is.
- Every wait takes `timeout` (seconds, default DEFAULT_TIMEOUT), multiplied by
  $SECOURS_TEST_TIMEOUT_SCALE (e.g. 3 for sanitizer builds). A wait that runs
  out raises HarnessTimeout (a subclass of AssertionError) whose message says
  what was seen instead. Misuse (send() while not encrypted...) raises
  AssertionError.
- Incoming bodies are sorted three ways:
    received_raw          every <body> of a chat/normal message, as RawMsg
                          (jid, body, t, kind), kind from otr_kind(): "data",
                          "ake", "query", "tagged", "error", "fragment",
                          "otr" (other ?OTR: messages) or "plain";
    plain queue           bodies that arrived outside OTR, i.e. kind in
                          plain/query/tagged/error (what a non-OTR client would
                          display): plain_messages(), expect_plain();
    encrypted queue       decrypted texts: expect(), next_message(),
                          expect_none(), messages().
  The queues are consumed in order by expect*/next_message; the *_messages()
  lists are full history and are never consumed.
- potr speaks OTR v2 only; it starts an AKE by itself when it receives a
  query (?OTRv2? anywhere in a body) or a whitespace tag. Never call
  start_otr while the peer is starting one too (two AKEs that cross fail
  with potr): either start_otr() OR let the bot send its query.
- SMP results come from wait_smp() in order: "asked:<question>" (question ""
  when none) on the responder, then "succeeded" / "failed" / "aborted". A
  potr responder with the wrong secret reports "failed" and sends an abort,
  so the potr initiator reports "aborted"; against libotr the initiator gets
  "failed". Tests expecting failure should accept either (wait_smp_result()).

Debug: SECOURS_TEST_DEBUG=1 logs slixmpp and potr at DEBUG to stderr.
"""

import asyncio
import atexit
import collections
import concurrent.futures
import logging
import os
import re
import threading
import time
from pathlib import Path

import prosody as _prosody  # noqa: F401  (atexit order: clients close first)
import potrfix  # noqa: F401  (patches potr)
import potr
from potr import proto
from potr.context import (STATE_PLAINTEXT, STATE_ENCRYPTED, STATE_FINISHED,
                          FRAGMENT_SEND_ALL, UnencryptedMessage,
                          NotOTRMessage, ErrorReceived, NotEncryptedError)
from potr.crypt import SMPPROG_SUCCEEDED, SMPPROG_FAILED, SMPPROG_CHEATED
import slixmpp

__all__ = ["Client", "OfflineOtr", "HarnessTimeout", "RawMsg", "Msg",
           "otr_kind", "DEFAULT_TIMEOUT", "load_or_make_key", "refuse_plain"]

DEFAULT_TIMEOUT = 10.0
_SCALE = float(os.environ.get("SECOURS_TEST_TIMEOUT_SCALE", "1") or 1)

log = logging.getLogger("otrclient")
if os.environ.get("SECOURS_TEST_DEBUG") == "1":
    logging.basicConfig(level=logging.DEBUG,
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")
else:
    # slixmpp logs expected events (lost connections in restart tests) at
    # ERROR/WARNING; keep stderr for real problems of the harness itself.
    logging.getLogger("slixmpp").setLevel(logging.CRITICAL)
    logging.getLogger("potr").setLevel(logging.CRITICAL)


class HarnessTimeout(AssertionError):
    """A wait ran out; the message says what was awaited and what was seen."""


RawMsg = collections.namedtuple("RawMsg", "jid body t kind")
Msg = collections.namedtuple("Msg", "jid text t")

_STATE_NAMES = {STATE_PLAINTEXT: "plaintext", STATE_ENCRYPTED: "encrypted",
                STATE_FINISHED: "finished"}
_AKE_PREFIXES = ("?OTR:AAIC", "?OTR:AAIK", "?OTR:AAIR", "?OTR:AAIS",
                 "?OTR:AAMC", "?OTR:AAMK", "?OTR:AAMR", "?OTR:AAMS")
_DATA_PREFIXES = ("?OTR:AAID", "?OTR:AAMD", "?OTR:AAED")
_WS_TAG = proto.MESSAGE_TAG_BASE.decode("ascii")
_WS_TAG_V2 = _WS_TAG + proto.MESSAGE_TAGS[2].decode("ascii")


def otr_kind(body):
    """Classify a raw message body: "data" (an OTR data message), "ake"
    (DH-commit, DH-key, reveal-sig, signature, v2 or v3), "fragment"
    (?OTR, or ?OTR| fragments), "otr" (another ?OTR: message), "error"
    (?OTR Error:), "query" (?OTR? / ?OTRv..? anywhere), "tagged" (carries
    the whitespace tag) or "plain"."""
    if body.startswith(_DATA_PREFIXES):
        return "data"
    if body.startswith(_AKE_PREFIXES):
        return "ake"
    if body.startswith("?OTR,") or body.startswith("?OTR|"):
        return "fragment"
    if body.startswith("?OTR:"):
        return "otr"
    if body.startswith("?OTR Error:"):
        return "error"
    if re.search(r"\?OTR(\?|v[0-9]*\?)", body):
        return "query"
    if _WS_TAG in body:
        return "tagged"
    return "plain"


def _scaled(timeout):
    return (DEFAULT_TIMEOUT if timeout is None else timeout) * _SCALE


# ---------------------------------------------------------------------------
# The one background asyncio loop

_loop = None
_loop_thread = None
_loop_lock = threading.Lock()
_clients = []


def _get_loop():
    global _loop, _loop_thread
    with _loop_lock:
        if _loop is None:
            _loop = asyncio.new_event_loop()
            ready = threading.Event()

            def run():
                asyncio.set_event_loop(_loop)
                _loop.call_soon(ready.set)
                _loop.run_forever()

            _loop_thread = threading.Thread(target=run, name="otrclient-loop",
                                            daemon=True)
            _loop_thread.start()
            ready.wait()
        return _loop


def _in_loop():
    return threading.current_thread() is _loop_thread


def _call(fn, *args, timeout=30.0, **kw):
    """Run fn(*args) on the loop thread and return its result (re-raising
    its exception). Called from the loop thread itself, it runs directly."""
    if _in_loop():
        return fn(*args, **kw)
    loop = _get_loop()
    fut = concurrent.futures.Future()

    def run():
        try:
            fut.set_result(fn(*args, **kw))
        except BaseException as e:    # noqa: B902 - propagate everything
            fut.set_exception(e)
    loop.call_soon_threadsafe(run)
    return fut.result(timeout)


@atexit.register
def _shutdown():
    """Close every client, cancel what slixmpp left pending (else asyncio
    prints "Task was destroyed but it is pending!"), stop the loop."""
    if _loop is None or not _loop.is_running():
        return
    for c in list(_clients):
        try:
            c.close(timeout=1.0)
        except Exception:
            pass

    async def cancel_all():
        me = asyncio.current_task()
        tasks = [t for t in asyncio.all_tasks() if t is not me]
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    try:
        asyncio.run_coroutine_threadsafe(cancel_all(), _loop).result(2.0)
    except Exception:
        pass
    _loop.call_soon_threadsafe(_loop.stop)
    _loop_thread.join(2.0)


# ---------------------------------------------------------------------------
# OTR keys

def load_or_make_key(path=None):
    """Return a potr DSA private key: read from path if it exists, else
    generate one (0.05-0.6 s) and, if path is given, save it there (0600,
    potr's serialized private key). Reuse a path to keep a client's identity
    across restarts."""
    if path and os.path.exists(path):
        with open(path, "rb") as f:
            key, _ = potr.crypt.PK.parsePrivateKey(f.read())
        return key
    key = potr.compatcrypto.generateDefaultKey()
    if path:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(key.serializePrivateKey())
    return key


def _safe_abort(x):
    """Cancel any connection attempt and drop the transport of a slixmpp
    object. slixmpp's abort() calls transport.abort() after close(), which
    raises on an SSL transport that is already closing: ignore that."""
    try:
        x.cancel_connection_attempt()
    except Exception:
        pass
    if x.transport:
        try:
            x.abort()
        except Exception:
            pass


def _human_fpr(key):
    return str(key).upper()           # potr's human_hash: 5 groups of 8 hex


# ---------------------------------------------------------------------------
# potr glue

class _Context(potr.context.Context):
    """One OTR conversation with one bare JID."""

    def __init__(self, account, peer):
        super().__init__(account, peer)
        self.client = account.client

    def getPolicy(self, key):
        return bool(self.client.otr_policy.get(key, False))

    def inject(self, msg, appdata=None):
        if isinstance(msg, bytes):
            msg = msg.decode("ascii")
        self.client._send_body(self.peer, msg)

    def setState(self, newstate):
        super().setState(newstate)
        self.client._notify()

    def processTLVs(self, tlvs, appdata=None):
        for tlv in tlvs:
            super().processTLVs([tlv], appdata=appdata)
            if not isinstance(tlv, proto.SMPTLV) and \
                    not isinstance(tlv, proto.SMPABORTTLV):
                continue
            smp = self.crypto.smp
            prog = smp.prog if smp is not None else None
            ev = None
            if isinstance(tlv, proto.SMPABORTTLV):
                ev = "aborted"
            elif prog == SMPPROG_CHEATED:
                ev = "aborted"      # out of order / invalid: we sent an abort
            elif isinstance(tlv, proto.SMP1QTLV):
                ev = "asked:" + tlv.msg.decode("utf-8", "replace")
            elif isinstance(tlv, proto.SMP1TLV):
                ev = "asked:"
            elif isinstance(tlv, (proto.SMP3TLV, proto.SMP4TLV)):
                if prog == SMPPROG_SUCCEEDED:
                    ev = "succeeded"
                elif prog == SMPPROG_FAILED:
                    ev = "failed"
            if ev is not None:
                self.client._smp_event(self.peer, ev)


class _Account(potr.context.Account):
    contextclass = _Context

    def __init__(self, client, name, key):
        super().__init__(name, "xmpp", 0, key)   # MMS 0: never fragment
        self.client = client

    def loadPrivkey(self):
        return self.privkey

    def savePrivkey(self):
        pass

    def saveTrusts(self):
        pass


class _Xmpp(slixmpp.ClientXMPP):
    """ClientXMPP that never does DNS: every lookup answers the address we
    were told to connect to."""

    def __init__(self, jid, password, addr):
        super().__init__(jid, password)
        self._fixed_addr = addr

    async def get_dns_records(self, domain, port=None):
        return [(domain, self._fixed_addr[0], self._fixed_addr[1])]


# ---------------------------------------------------------------------------

class OfflineOtr:
    """potr without XMPP: for driving OTR against another implementation
    through pipes (tests/e2e/test_potr_libotr.py). Same policy/SMP glue as
    Client. Bodies potr wants to send pile up in .outbox as (peer, body);
    SMP events in .smp as (peer, event).

        me = OfflineOtr("alice@example.test")
        me.outbox.append((peer, "?OTRv2?"))      # or me.send(peer, text)
        text = me.receive(peer, body)            # decrypted text or None
    """

    def __init__(self, jid, key=None, otr_policy=None):
        self.jid = jid
        self.otr_policy = dict(otr_policy) if otr_policy else {"ALLOW_V2": True}
        self.key = key if key is not None else load_or_make_key()
        self.account = _Account(self, jid, self.key)
        self.outbox = []
        self.smp = []
        self.plain = []
        self.failures = []

    def _send_body(self, peer, body):
        self.outbox.append((peer, body))

    def _notify(self):
        pass

    def _smp_event(self, peer, ev):
        self.smp.append((peer, ev))

    def ctx(self, peer):
        return self.account.getContext(peer.lower())

    def receive(self, peer, body):
        """Feed one raw body; returns the decrypted text or None (plain
        bodies go to .plain, potr exceptions to .failures)."""
        try:
            txt, _ = self.ctx(peer).receiveMessage(body.encode("utf-8"))
            return txt.decode("utf-8", "replace") if txt else None
        except (UnencryptedMessage, NotOTRMessage, ErrorReceived):
            self.plain.append((peer, body))
        except Exception as e:
            self.failures.append((peer, repr(e)))
        return None

    def send(self, peer, text):
        """Encrypt text to peer (AssertionError unless ENCRYPTED)."""
        ctx = self.ctx(peer)
        if ctx.state != STATE_ENCRYPTED:
            raise AssertionError("OfflineOtr.send while %s" % _STATE_NAMES[ctx.state])
        ctx.sendMessage(FRAGMENT_SEND_ALL, text.encode("utf-8"))

    def state(self, peer):
        return _STATE_NAMES[self.ctx(peer).state]

    def our_fingerprint(self):
        return _human_fpr(self.key)

    def their_fingerprint(self, peer):
        k = self.ctx(peer).crypto.theirPubkey
        return _human_fpr(k) if k is not None else None


def refuse_plain(notice):
    """An on_plain callback for a naive "bot-like" client: answer every
    plain message that is not an OTR query/error with `notice` in clear
    (no loop protection at all, on purpose: the bot under test must be the
    one that stops)."""
    def cb(client, jid, body):
        if otr_kind(body) in ("plain", "tagged"):
            client.send_raw_body(jid, notice)
    return cb


class Client:
    """One XMPP account with OTR. See the module docstring for conventions.

    Client(jid, password, port, ca_file=None, host="127.0.0.1",
           resource="test", otr_policy=None, key_file=None, key=None,
           on_plain=None, on_message=None)

    jid: bare JID (resource is added). port: the server's c2s port on host.
    ca_file: None for a plaintext server (STARTTLS disabled); else the CA /
    self-signed cert to trust, and STARTTLS is required.
    otr_policy: potr policy flags, default {"ALLOW_V2": True}; others are
    REQUIRE_ENCRYPTION, SEND_TAG, ALLOW_V1 (unsupported).
    key_file: keep the OTR key there (created if missing) so a restarted
    client keeps its fingerprint; key: a potr key object to use instead.
    on_plain(client, full_jid, body) and on_message(client, full_jid, text)
    are called on the loop thread for plain / decrypted messages; they may
    call the send_* methods (not the waiting ones).
    """

    def __init__(self, jid, password, port, ca_file=None, host="127.0.0.1",
                 resource="test", otr_policy=None, key_file=None, key=None,
                 on_plain=None, on_message=None):
        self.jid = jid.split("/")[0]
        self.domain = self.jid.split("@")[-1]
        self.resource = resource
        self.full_jid = "%s/%s" % (self.jid, resource)
        self.password = password
        self.host = host
        self.port = int(port)
        self.ca_file = ca_file
        self.otr_policy = dict(otr_policy) if otr_policy else {"ALLOW_V2": True}
        self.on_plain = on_plain
        self.on_message = on_message
        self.key_file = key_file
        self.key = key if key is not None else load_or_make_key(key_file)
        self.account = _Account(self, self.jid, self.key)

        self._cv = threading.Condition()
        self.xmpp = None
        self._retired = []
        self._session = False         # session_start seen on current xmpp
        self._bound = False           # stream bound: sending works
        self._conn_errors = []
        self._disconnects = 0
        self.received_raw = []        # RawMsg, every incoming body
        self.sent_raw = []            # RawMsg, every body we sent (jid=to)
        self.stanza_errors = []       # (from, condition) of type=error msgs
        self.otr_failures = []        # (bare, repr(exception)) from potr
        self._plain_hist = collections.defaultdict(list)
        self._plain_q = collections.defaultdict(collections.deque)
        self._msg_hist = collections.defaultdict(list)
        self._msg_q = collections.defaultdict(collections.deque)
        self._smp_q = collections.defaultdict(collections.deque)
        self._smp_auto = {}
        self._presence = collections.defaultdict(dict)   # bare -> {res: show}
        self._status = collections.defaultdict(dict)     # bare -> {res: text}
        self._subs = collections.defaultdict(list)       # bare -> [types]
        self._last_full = {}
        self._ake_time = {}
        _get_loop()
        _clients.append(self)

    def __repr__(self):
        return "<Client %s port=%d tls=%s>" % (self.full_jid, self.port,
                                              bool(self.ca_file))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    # ---- internal helpers (loop thread) -----------------------------------

    def _notify(self):
        with self._cv:
            self._cv.notify_all()

    def _wait(self, pred, timeout, what):
        """Block until pred() (called under the lock) is true."""
        deadline = time.monotonic() + _scaled(timeout)
        with self._cv:
            while True:
                r = pred()
                if r:
                    return r
                left = deadline - time.monotonic()
                if left <= 0:
                    raise HarnessTimeout("%s: timed out after %.1fs waiting for %s"
                                         % (self.jid, _scaled(timeout), what()
                                            if callable(what) else what))
                self._cv.wait(min(left, 0.2))

    @staticmethod
    def _bare(jid):
        return str(jid).split("/")[0].lower()

    def _ctx(self, jid):
        return self.account.getContext(self._bare(jid))

    def _send_body(self, jid, body):
        """Send a raw body (loop thread). Bare jid -> last full JID heard."""
        # _bound, not _session: a peer may write (and potr answer) as soon
        # as our presence is out, before the roster result arrives.
        if self.xmpp is None or not (self._session or self._bound):
            raise AssertionError("%s: not connected" % self.jid)
        to = str(jid)
        if "/" not in to:
            to = self._last_full.get(to.lower(), to)
        if otr_kind(body) == "ake":
            self._ake_time[self._bare(to)] = time.monotonic()
        self.xmpp.send_message(mto=to, mbody=body, mtype="chat")
        with self._cv:
            self.sent_raw.append(RawMsg(to, body, time.monotonic(), otr_kind(body)))

    def _smp_event(self, bare, ev):
        with self._cv:
            self._smp_q[bare].append(ev)
            self._cv.notify_all()
        secret = self._smp_auto.get(bare)
        if secret is not None and ev.startswith("asked:"):
            self._ctx(bare).smpGotSecret(secret.encode("utf-8"))

    # ---- slixmpp event handlers (loop thread) ------------------------------

    def _on_session_start(self, _ev):
        self._bound = True
        self.xmpp.send_presence()
        fut = self.xmpp.get_roster()

        def done(_f):
            with self._cv:
                self._session = True
                self._cv.notify_all()
        if asyncio.isfuture(fut):
            fut.add_done_callback(done)
        else:
            done(None)

    def _on_conn_error(self, what):
        def handler(ev=None):
            with self._cv:
                self._conn_errors.append("%s: %s" % (what, ev))
                self._cv.notify_all()
        return handler

    def _on_negotiated(self, _ev=None):
        if not self.xmpp.authenticated:
            # e.g. a TLS-only server and a client with TLS disabled: no SASL
            # mechanisms are offered and slixmpp would just wait forever.
            self._on_conn_error("no authentication offered")("TLS required?")

    def _on_disconnected(self, _ev=None):
        with self._cv:
            self._session = False
            self._bound = False
            self._disconnects += 1
            self._presence.clear()
            self._cv.notify_all()

    def _on_presence(self, pres):
        frm = pres["from"]
        bare = frm.bare.lower()
        typ = pres["type"]
        with self._cv:
            if typ in ("available", "away", "chat", "dnd", "xa"):
                self._presence[bare][frm.resource] = typ
                self._status[bare][frm.resource] = pres["status"] or ""
            elif typ == "unavailable":
                self._presence[bare].pop(frm.resource, None)
            elif typ in ("subscribe", "subscribed", "unsubscribe",
                         "unsubscribed"):
                self._subs[bare].append(typ)
            self._cv.notify_all()

    def _on_message(self, msg):
        mtype = msg["type"]
        frm = msg["from"]
        if mtype == "error":
            with self._cv:
                self.stanza_errors.append((str(frm), msg["error"]["condition"]))
                self._cv.notify_all()
            return
        if mtype not in ("chat", "normal"):
            return
        body = msg["body"]
        if not body:
            return
        full = str(frm)
        bare = frm.bare.lower()
        kind = otr_kind(body)
        now = time.monotonic()
        with self._cv:
            self.received_raw.append(RawMsg(full, body, now, kind))
            self._last_full[bare] = full
        if kind == "ake":
            self._ake_time[bare] = now
        ctx = self._ctx(bare)
        text = None
        try:
            txt, _tlvs = ctx.receiveMessage(body.encode("utf-8"))
            if txt:
                text = txt.decode("utf-8", "replace")
        except (UnencryptedMessage, NotOTRMessage, ErrorReceived):
            pass                       # classified as plain below
        except NotEncryptedError as e:
            with self._cv:
                self.otr_failures.append((bare, "unreadable data: %r" % (e,)))
        except Exception as e:         # potr crypto/protocol failure
            log.warning("%s: potr failed on a message from %s: %r",
                        self.jid, bare, e)
            with self._cv:
                self.otr_failures.append((bare, repr(e)))
        if kind in ("plain", "query", "tagged", "error"):
            with self._cv:
                self._plain_hist[bare].append(Msg(full, body, now))
                self._plain_q[bare].append(Msg(full, body, now))
                self._cv.notify_all()
            if self.on_plain is not None:
                self.on_plain(self, full, body)
        if text is not None:
            with self._cv:
                self._msg_hist[bare].append(Msg(full, text, now))
                self._msg_q[bare].append(Msg(full, text, now))
                self._cv.notify_all()
            if self.on_message is not None:
                self.on_message(self, full, text)
        self._notify()

    # ---- connection --------------------------------------------------------

    def connect(self, timeout=None):
        """Log in, send initial presence, fetch the roster. Returns seconds
        taken. Raises AssertionError on auth/TLS failure, HarnessTimeout."""
        t0 = time.monotonic()
        with self._cv:
            self._conn_errors = []
            self._session = False
        _call(self._connect_in_loop)
        try:
            self._wait(lambda: self._session or self._conn_errors, timeout,
                       "session start on 127.0.0.1:%d" % self.port)
        except HarnessTimeout:
            _call(self._abort_in_loop)
            raise
        if not self._session:
            errs = list(self._conn_errors)
            _call(self._abort_in_loop)
            raise AssertionError("%s: connect failed: %s" % (self.jid, "; ".join(errs)))
        return time.monotonic() - t0

    def _retire_xmpp(self):
        """Drop the current slixmpp object, cancelling its long-lived tasks
        first (a pending task that gets garbage-collected makes asyncio
        print "Task was destroyed but it is pending!")."""
        x = self.xmpp
        if x is None:
            return
        _safe_abort(x)
        for name in ("_run_out_filters", "_current_connection_attempt"):
            t = getattr(x, name, None)
            if t is not None and not t.done():
                t.cancel()
        self._retired.append(x)       # keep a reference until cancelled
        del self._retired[:-4]
        self._session = False

    def _connect_in_loop(self):
        self._retire_xmpp()
        x = _Xmpp(self.full_jid, self.password, (self.host, self.port))
        x.default_domain = self.domain         # SNI and cert hostname check
        x.use_ipv6 = False
        x.auto_authorize = True
        x.auto_subscribe = True
        if self.ca_file:
            x.ca_certs = Path(self.ca_file)
        x.add_event_handler("session_start", self._on_session_start)
        x.add_event_handler("failed_all_auth", self._on_conn_error("auth failed"))
        x.add_event_handler("connection_failed", self._on_conn_error("connection failed"))
        x.add_event_handler("ssl_invalid_chain", self._on_conn_error("TLS certificate rejected"))
        x.add_event_handler("stream_error", self._on_conn_error("stream error"))
        x.add_event_handler("stream_negotiated", self._on_negotiated)
        x.add_event_handler("disconnected", self._on_disconnected)
        x.add_event_handler("disconnected", self._on_conn_error("disconnected"))
        x.add_event_handler("message", self._on_message)
        x.add_event_handler("presence", self._on_presence)
        self.xmpp = x
        tls = bool(self.ca_file)
        x.connect(address=(self.host, self.port),
                  disable_starttls=not tls, force_starttls=tls)

    def _abort_in_loop(self):
        x = self.xmpp
        if x is not None:
            _safe_abort(x)
            self._session = False

    @property
    def connected(self):
        """True while the XMPP session is up."""
        return self._session

    def disconnect(self, timeout=None, end_otr=False):
        """Close the stream politely (end OTR sessions first if end_otr).
        Returns seconds taken. Safe to call when not connected."""
        t0 = time.monotonic()
        if end_otr and self._session:
            for peer, ctx in list(self.account.ctxs.items()):
                if ctx.state == STATE_ENCRYPTED:
                    _call(ctx.disconnect)
        if self.xmpp is None or not self._session:
            _call(self._abort_in_loop)
            return 0.0
        n = self._disconnects
        _call(lambda: self.xmpp.disconnect(wait=1.0))
        try:
            self._wait(lambda: self._disconnects > n, timeout, "disconnect")
        except HarnessTimeout:
            _call(self._abort_in_loop)
        return time.monotonic() - t0

    def close(self, timeout=None):
        """disconnect() and forget this client (atexit does it for all)."""
        try:
            self.disconnect(timeout=timeout)
            _call(self._retire_xmpp)
        finally:
            if self in _clients:
                _clients.remove(self)

    def wait_disconnected(self, timeout=None):
        """Wait until the server connection is gone (e.g. after srv.kill())."""
        self._wait(lambda: not self._session, timeout, "disconnection")

    # ---- presence ------------------------------------------------------------

    def subscribe(self, jid):
        """Ask for jid's presence (a subscription request)."""
        _call(lambda: self.xmpp.send_presence(pto=self._bare(jid), ptype="subscribe"))

    def set_presence(self, show="available", status=None):
        """show: available, away, chat, dnd, xa, or unavailable."""
        def run():
            if show == "unavailable":
                self.xmpp.send_presence(ptype="unavailable", pstatus=status)
            elif show == "available":
                self.xmpp.send_presence(pstatus=status)
            else:
                self.xmpp.send_presence(pshow=show, pstatus=status)
        _call(run)

    def presence(self, jid):
        """{resource: show} of jid's available resources as last seen."""
        with self._cv:
            return dict(self._presence.get(self._bare(jid), {}))

    def presence_status(self, jid):
        """{resource: status text} of jid's available resources."""
        with self._cv:
            return dict(self._status.get(self._bare(jid), {}))

    def wait_presence(self, jid, show="available", timeout=None):
        """Wait until jid is available (any show; or exactly `show` if it is
        away/chat/dnd/xa) or, with show="unavailable", has no available
        resource. A full jid restricts it to that resource."""
        bare = self._bare(jid)
        res = str(jid).split("/", 1)[1] if "/" in str(jid) else None

        def shows():
            d = self._presence.get(bare, {})
            return [v for k, v in d.items() if res is None or k == res]

        def pred():
            s = shows()
            if show == "unavailable":
                return not s
            if show == "available":
                return bool(s)
            return show in s
        self._wait(pred, timeout, lambda: "presence %s of %s (seen %r)"
                   % (show, jid, self._presence.get(bare)))

    def subscription_events(self, jid):
        """subscribe/subscribed/unsubscribe/unsubscribed presences from jid."""
        with self._cv:
            return list(self._subs.get(self._bare(jid), []))

    # ---- plaintext -----------------------------------------------------------

    def send_raw_body(self, jid, body):
        """Send body exactly as given, outside OTR."""
        _call(self._send_body, jid, body)

    def send_plain(self, jid, text, tag=False):
        """Send text unencrypted (with the OTR v2 whitespace tag if tag=True,
        as Pidgin's opportunistic policy does). Bypasses potr entirely."""
        self.send_raw_body(jid, text + (_WS_TAG_V2 if tag else ""))

    def plain_messages(self, jid):
        """History of bodies from jid that arrived outside OTR (plain, query,
        tagged, ?OTR Error:), as texts."""
        with self._cv:
            return [m.text for m in self._plain_hist.get(self._bare(jid), [])]

    def expect_plain(self, jid, regex, timeout=None):
        """Consume queued plain bodies from jid until one matches regex
        (re.search, DOTALL); return it."""
        return self._expect(self._plain_q, jid, regex, timeout, "plain")

    # ---- OTR -----------------------------------------------------------------

    def otr_state(self, jid):
        """'plaintext', 'encrypted' or 'finished'."""
        return _STATE_NAMES[self._ctx(jid).state]

    def ake_running(self, jid):
        """True if an AKE with jid started and had traffic in the last 10 s."""
        ctx = self._ctx(jid)
        return (ctx.state != STATE_ENCRYPTED and ctx.crypto.ake is not None
                and time.monotonic() - self._ake_time.get(self._bare(jid), 0) < 10)

    def start_otr(self, jid, wait=False, timeout=None):
        """Send a ?OTRv2? query, unless already encrypted or an AKE is
        running (crossing AKEs break potr). wait=True: wait_encrypted too."""
        def run():
            if self._ctx(jid).state == STATE_ENCRYPTED or self.ake_running(jid):
                return
            self._send_body(jid, "?OTRv2?")
        _call(run)
        if wait:
            self.wait_encrypted(jid, timeout)

    def wait_encrypted(self, jid, timeout=None):
        """Wait until the OTR session with jid is ENCRYPTED; returns seconds."""
        t0 = time.monotonic()
        ctx = self._ctx(jid)
        self._wait(lambda: ctx.state == STATE_ENCRYPTED, timeout,
                   lambda: "OTR encrypted with %s (state %s, potr failures %r)"
                   % (jid, _STATE_NAMES[ctx.state], self.otr_failures[-3:]))
        return time.monotonic() - t0

    def wait_state(self, jid, state, timeout=None):
        """Wait until otr_state(jid) == state."""
        ctx = self._ctx(jid)
        self._wait(lambda: _STATE_NAMES[ctx.state] == state, timeout,
                   lambda: "OTR state %s with %s (is %s)"
                   % (state, jid, _STATE_NAMES[ctx.state]))

    def send(self, jid, text):
        """Send text encrypted. AssertionError if the session is not
        ENCRYPTED (nothing is sent then)."""
        def run():
            ctx = self._ctx(jid)
            if ctx.state != STATE_ENCRYPTED:
                raise AssertionError("%s: send to %s while OTR state is %s"
                                     % (self.jid, jid, _STATE_NAMES[ctx.state]))
            ctx.sendMessage(FRAGMENT_SEND_ALL, text.encode("utf-8"))
        _call(run)

    def end_otr(self, jid):
        """End the session (sends the DISCONNECTED TLV); state -> plaintext."""
        _call(self._ctx(jid).disconnect)

    def our_fingerprint(self):
        """Our fingerprint, "XXXXXXXX XXXXXXXX XXXXXXXX XXXXXXXX XXXXXXXX"."""
        return _human_fpr(self.key)

    def their_fingerprint(self, jid):
        """jid's fingerprint as seen in the current/last AKE, or None."""
        k = self._ctx(jid).crypto.theirPubkey
        return _human_fpr(k) if k is not None else None

    def trusted(self, jid):
        """True if jid's current key is trusted here (SMP we asked succeeded,
        or set_trust())."""
        return bool(self._ctx(jid).getCurrentTrust())

    def set_trust(self, jid, level="verified"):
        _call(self._ctx(jid).setCurrentTrust, level)

    # ---- decrypted messages --------------------------------------------------

    def _expect(self, queues, jid, regex, timeout, what, strict=False):
        bare = self._bare(jid)
        rx = regex if hasattr(regex, "search") else re.compile(regex, re.S)
        skipped = []

        def pred():
            q = queues[bare]
            while q:
                m = q.popleft()
                if rx.search(m.text):
                    return m
                skipped.append(m.text)
                if strict:
                    raise AssertionError(
                        "%s: next %s message from %s does not match %r: %r"
                        % (self.jid, what, jid, rx.pattern, m.text))
            return None
        m = self._wait(pred, timeout, lambda: "%s message from %s matching %r; "
                       "skipped: %r" % (what, jid, rx.pattern, skipped[-5:]))
        self.last_skipped = skipped
        return m.text

    def expect(self, jid, regex, timeout=None, strict=False):
        """Consume decrypted messages from jid in order until one matches
        regex (re.search, DOTALL); return its text. Non-matching ones are
        dropped (kept in self.last_skipped); strict=True fails on the first
        non-matching one instead."""
        return self._expect(self._msg_q, jid, regex, timeout, "decrypted", strict)

    def next_message(self, jid, timeout=None):
        """Consume and return the next decrypted text from jid."""
        return self._expect(self._msg_q, jid, r"", timeout, "decrypted")

    def expect_none(self, jid, seconds=1.0, flush=False):
        """Assert that no decrypted message from jid is queued now or
        arrives within `seconds` (flush=True: drop queued ones first)."""
        bare = self._bare(jid)
        if flush:
            self.drain(jid)
        deadline = time.monotonic() + seconds
        with self._cv:
            while True:
                q = self._msg_q[bare]
                if q:
                    raise AssertionError("%s: unexpected message from %s: %r"
                                         % (self.jid, jid, q[0].text))
                left = deadline - time.monotonic()
                if left <= 0:
                    return
                self._cv.wait(min(left, 0.2))

    def drain(self, jid):
        """Consume and return every queued decrypted text from jid."""
        with self._cv:
            q = self._msg_q[self._bare(jid)]
            out = [m.text for m in q]
            q.clear()
            return out

    def messages(self, jid):
        """History of every decrypted text from jid (never consumed)."""
        with self._cv:
            return [m.text for m in self._msg_hist.get(self._bare(jid), [])]

    # ---- SMP -----------------------------------------------------------------

    def smp_start(self, jid, secret, question=None):
        """Start SMP (needs ENCRYPTED). Result via wait_smp()."""
        def run():
            ctx = self._ctx(jid)
            if ctx.state != STATE_ENCRYPTED:
                raise AssertionError("%s: smp_start with %s while %s"
                                     % (self.jid, jid, _STATE_NAMES[ctx.state]))
            ctx.smpInit(secret.encode("utf-8"),
                        question.encode("utf-8") if question is not None else None)
        _call(run)

    def smp_respond(self, jid, secret):
        """Answer the peer's SMP request (after wait_smp -> 'asked:...')."""
        _call(lambda: self._ctx(jid).smpGotSecret(secret.encode("utf-8")))

    def smp_auto_respond(self, jid, secret):
        """From now on answer every SMP request from jid with secret (None
        turns it off). The 'asked:' event is still queued for wait_smp."""
        def run():
            if secret is None:
                self._smp_auto.pop(self._bare(jid), None)
            else:
                self._smp_auto[self._bare(jid)] = secret
        _call(run)

    def smp_abort(self, jid):
        _call(lambda: self._ctx(jid).smpAbort())

    def wait_smp(self, jid, timeout=None):
        """Consume the next SMP event from jid: 'asked:<question>',
        'succeeded', 'failed' or 'aborted'."""
        bare = self._bare(jid)

        def pred():
            q = self._smp_q[bare]
            return q.popleft() if q else None
        return self._wait(pred, timeout, "an SMP event from %s" % jid)

    def wait_smp_result(self, jid, timeout=None):
        """Like wait_smp but skips 'asked:' events: the final result."""
        while True:
            ev = self.wait_smp(jid, timeout)
            if not ev.startswith("asked:"):
                return ev

    # ---- raw views -----------------------------------------------------------

    def raw_from(self, jid):
        """RawMsg list of every body received from jid (bare or full)."""
        with self._cv:
            j = str(jid).lower()
            return [r for r in self.received_raw
                    if r.jid.lower() == j or self._bare(r.jid) == j]

    def raw_to(self, jid):
        """RawMsg list of every body we sent to jid (bare or full)."""
        with self._cv:
            j = str(jid).lower()
            return [r for r in self.sent_raw
                    if r.jid.lower() == j or self._bare(r.jid) == j]
