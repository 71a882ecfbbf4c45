"""A small synchronous XMPP client for tests of the bot's XMPP link.

It speaks just enough XMPP to log in to a plaintext Prosody on loopback
(SASL PLAIN), send raw stanzas and wait for stanzas matching a predicate.
No OTR here: connection tests look at presence, IQs and stream behaviour,
which a raw client shows exactly. (OTR tests use tests/lib/otrclient.py.)
"""
import base64
import select
import socket
import time
import xml.etree.ElementTree as ET

NS_CLIENT = "jabber:client"
NS_STREAM = "http://etherx.jabber.org/streams"
NS_SASL = "urn:ietf:params:xml:ns:xmpp-sasl"
NS_BIND = "urn:ietf:params:xml:ns:xmpp-bind"
NS_STANZAS = "urn:ietf:params:xml:ns:xmpp-stanzas"


def q(ns, name):
    return "{%s}%s" % (ns, name)


def xml_escape(s):
    return (s.replace("&", "&amp;").replace("<", "&lt;")
            .replace(">", "&gt;").replace("'", "&apos;")
            .replace('"', "&quot;"))


class RawClient:
    def __init__(self, jid, password, port, host="127.0.0.1",
                 resource="test"):
        self.jid = jid
        self.node, self.domain = jid.split("@", 1)
        self.password = password
        self.port = port
        self.host = host
        self.resource = resource
        self.sock = None
        self.queue = []
        self.closed = False
        self.full = None
        self._n = 0

    # -- plumbing -----------------------------------------------------
    def _new_parser(self):
        self.parser = ET.XMLPullParser(events=("start", "end"))
        self.depth = 0

    def _open_stream(self):
        self._new_parser()
        self.send("<?xml version='1.0'?><stream:stream to='%s' "
                  "xmlns='jabber:client' "
                  "xmlns:stream='http://etherx.jabber.org/streams' "
                  "version='1.0'>" % self.domain)

    def send(self, data):
        self.sock.sendall(data.encode("utf-8"))

    def _pump(self, timeout):
        """Reads what is there (waiting up to timeout); queues stanzas."""
        if self.closed:
            return
        r, _, _ = select.select([self.sock], [], [], max(timeout, 0))
        if not r:
            return
        try:
            data = self.sock.recv(65536)
        except OSError:
            data = b""
        if not data:
            self.closed = True
            return
        self.parser.feed(data)
        for ev, el in self.parser.read_events():
            if ev == "start":
                self.depth += 1
            else:
                self.depth -= 1
                if self.depth == 1:
                    self.queue.append(el)
                elif self.depth == 0:
                    self.closed = True

    def wait(self, pred, timeout=5.0):
        """First queued or incoming stanza for which pred is true, removed
        from the queue; None after timeout."""
        end = time.monotonic() + timeout
        while True:
            for i, el in enumerate(self.queue):
                if pred(el):
                    return self.queue.pop(i)
            left = end - time.monotonic()
            if left <= 0 or self.closed:
                return None
            self._pump(min(left, 0.2))

    def next_id(self):
        self._n += 1
        return "t%d" % self._n

    # -- session ------------------------------------------------------
    def connect(self, timeout=5.0):
        self.sock = socket.create_connection((self.host, self.port), timeout)
        self.closed = False
        self.queue = []
        self._open_stream()
        feat = self.wait(lambda e: e.tag == q(NS_STREAM, "features"), timeout)
        if feat is None:
            raise RuntimeError("no stream features")
        cred = base64.b64encode(("\0%s\0%s" % (self.node, self.password))
                                .encode()).decode()
        self.send("<auth xmlns='%s' mechanism='PLAIN'>%s</auth>"
                  % (NS_SASL, cred))
        res = self.wait(lambda e: e.tag in (q(NS_SASL, "success"),
                                            q(NS_SASL, "failure")), timeout)
        if res is None or res.tag != q(NS_SASL, "success"):
            raise RuntimeError("authentication failed for %s" % self.jid)
        self._open_stream()
        if self.wait(lambda e: e.tag == q(NS_STREAM, "features"),
                     timeout) is None:
            raise RuntimeError("no stream features after auth")
        bid = self.next_id()
        self.send("<iq type='set' id='%s'><bind xmlns='%s'><resource>%s"
                  "</resource></bind></iq>" % (bid, NS_BIND, self.resource))
        res = self.wait(lambda e: e.get("id") == bid, timeout)
        if res is None or res.get("type") != "result":
            raise RuntimeError("bind failed")
        self.full = res.find(q(NS_BIND, "bind")).find(q(NS_BIND, "jid")).text
        return self

    def close(self):
        if self.sock is None:
            return
        try:
            if not self.closed:
                self.send("<presence type='unavailable'/></stream:stream>")
                self.wait(lambda e: False, 0.3)
        except OSError:
            pass
        self.sock.close()
        self.sock = None
        self.closed = True

    def presence(self, to=None, type_=None, status=None):
        attrs = ""
        if to:
            attrs += " to='%s'" % xml_escape(to)
        if type_:
            attrs += " type='%s'" % type_
        body = "<status>%s</status>" % xml_escape(status) if status else ""
        self.send("<presence%s>%s</presence>" % (attrs, body))

    def message(self, to, body, type_="chat", extra=""):
        self.send("<message to='%s' type='%s' id='%s'><body>%s</body>%s"
                  "</message>" % (xml_escape(to), type_, self.next_id(),
                                  xml_escape(body), extra))

    def iq(self, to, type_, payload, timeout=5.0):
        """Sends an IQ and waits for its answer (None on timeout)."""
        iid = self.next_id()
        self.send("<iq to='%s' type='%s' id='%s'>%s</iq>"
                  % (xml_escape(to), type_, iid, payload))
        return self.wait(lambda e: e.tag == q(NS_CLIENT, "iq")
                         and e.get("id") == iid
                         and e.get("type") in ("result", "error"), timeout)


def is_presence(frm=None, type_=None, bare=None):
    """Predicate: a presence, from a full JID (frm) or any resource of bare,
    of the given type (None: available)."""
    def pred(e):
        if e.tag != q(NS_CLIENT, "presence"):
            return False
        f = e.get("from") or ""
        if frm is not None and f != frm:
            return False
        if bare is not None and f.split("/")[0] != bare:
            return False
        return e.get("type") == type_
    return pred


def status_of(e):
    st = e.find(q(NS_CLIENT, "status"))
    return st.text if st is not None else None
