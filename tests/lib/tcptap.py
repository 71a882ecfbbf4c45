"""A loopback TCP proxy that records every byte in both directions.

Point a client (the bot) at tap.port instead of the server's port, on a
PLAINTEXT server, then inspect what crossed the wire:

    from tcptap import Tap
    with Tap(srv.port) as tap:           # listens on 127.0.0.1:tap.port
        ... run the bot against tap.port ...
        tap.bodies("c2s")                # <body> texts the bot sent (unescaped)
        tap.contains("secret text")      # False if it never crossed in clear
        tap.drop_all()                   # cut every connection (network loss)
        tap.hold = True                  # keep what the bot sends from the
                                         # server (tap.held() bytes); a later
                                         # drop or kill loses it

Directions: "c2s" is client -> server (what the bot sends), "s2c" the
other way, "held" what the client sent while hold was set.
Bytes are kept per connection, in order, with timestamps.
"""

import html
import re
import select
import socket
import threading
import time

__all__ = ["Tap"]


class _Conn:
    def __init__(self, cid, client, server):
        self.id = cid
        self.client = client
        self.server = server
        self.chunks = []              # (t, direction, bytes)
        self.held = 0                 # c2s bytes kept from the server
        self.open = True


class Tap:
    """Tap(target_port, target_host="127.0.0.1", listen_port=0)."""

    def __init__(self, target_port, target_host="127.0.0.1", listen_port=0):
        self.target = (target_host, int(target_port))
        self._lock = threading.Lock()
        self._conns = []
        self._stop = False
        self._lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._lsock.bind(("127.0.0.1", listen_port))
        self._lsock.listen(16)
        self.port = self._lsock.getsockname()[1]
        self.refuse = False           # True: accept then close at once
        self.hold = False             # True: c2s bytes are not forwarded
        self._thread = threading.Thread(target=self._accept_loop,
                                        name="tcptap-%d" % self.port, daemon=True)
        self._thread.start()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    def __repr__(self):
        return "<Tap 127.0.0.1:%d -> %s:%d, %d conns>" % (
            self.port, self.target[0], self.target[1], len(self._conns))

    # ---- proxying --------------------------------------------------------

    def _accept_loop(self):
        while not self._stop:
            try:
                r, _, _ = select.select([self._lsock], [], [], 0.2)
            except (OSError, ValueError):
                return
            if not r:
                continue
            try:
                client, _ = self._lsock.accept()
            except OSError:
                continue
            if self.refuse:
                client.close()
                continue
            try:
                server = socket.create_connection(self.target, timeout=5)
                server.settimeout(None)
            except OSError:
                client.close()
                continue
            with self._lock:
                conn = _Conn(len(self._conns), client, server)
                self._conns.append(conn)
            threading.Thread(target=self._pump, args=(conn,), daemon=True,
                             name="tcptap-%d-%d" % (self.port, conn.id)).start()

    def _pump(self, conn):
        peers = {conn.client: (conn.server, "c2s"),
                 conn.server: (conn.client, "s2c")}
        try:
            while conn.open and not self._stop:
                r, _, _ = select.select(list(peers), [], [], 0.2)
                for s in r:
                    data = s.recv(65536)
                    dst, direction = peers[s]
                    if not data:
                        return
                    with self._lock:
                        if direction == "c2s" and self.hold:
                            conn.held += len(data)
                            conn.chunks.append((time.monotonic(), "held",
                                                data))
                            continue
                        conn.chunks.append((time.monotonic(), direction, data))
                    dst.sendall(data)
        except (OSError, ValueError):
            pass
        finally:
            self._close(conn)

    def _close(self, conn):
        conn.open = False
        for s in (conn.client, conn.server):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            try:
                s.close()
            except OSError:
                pass

    def drop_all(self):
        """Cut every open connection now (both sides see a reset/EOF)."""
        with self._lock:
            conns = list(self._conns)
        for c in conns:
            if c.open:
                self._close(c)

    def stop(self):
        """Stop listening and cut every connection. Data stays readable."""
        self._stop = True
        self.drop_all()
        try:
            self._lsock.close()
        except OSError:
            pass
        self._thread.join(2)

    # ---- inspection ------------------------------------------------------

    @property
    def connections(self):
        """Number of connections accepted so far."""
        with self._lock:
            return len(self._conns)

    @property
    def open_connections(self):
        with self._lock:
            return sum(1 for c in self._conns if c.open)

    def held(self):
        """Bytes the client sent while hold was set (never forwarded)."""
        with self._lock:
            return sum(c.held for c in self._conns)

    def data(self, direction=None, conn=None):
        """Concatenated bytes in one direction ("c2s"/"s2c", None = both
        interleaved in arrival order), of every connection or of conn
        (an index)."""
        with self._lock:
            conns = self._conns if conn is None else [self._conns[conn]]
            return b"".join(d for c in conns for (_, dr, d) in c.chunks
                            if direction is None or dr == direction)

    def text(self, direction=None, conn=None):
        return self.data(direction, conn).decode("utf-8", "replace")

    def contains(self, needle, direction=None):
        """True if needle (str or bytes) crossed the wire raw, or XML-escaped
        in text form."""
        if isinstance(needle, str):
            raw = needle.encode("utf-8")
            esc = html.escape(needle, quote=False).encode("utf-8")
        else:
            raw = esc = needle
        blob = self.data(direction)
        return raw in blob or esc in blob

    _BODY = re.compile(rb"<body(?:\s[^>]*)?>(.*?)</body>", re.S)

    def bodies(self, direction=None):
        """Texts of every <body> element that crossed (XML-unescaped)."""
        out = []
        with self._lock:
            conns = list(self._conns)
        for c in conns:
            for dr in (("c2s", "s2c") if direction is None else (direction,)):
                blob = self.data(dr, c.id)
                for m in self._BODY.finditer(blob):
                    out.append(html.unescape(m.group(1).decode("utf-8", "replace")))
        return out

    def wait_connections(self, n, timeout=10.0):
        """Wait until at least n connections were accepted in total."""
        deadline = time.monotonic() + timeout
        while self.connections < n:
            if time.monotonic() > deadline:
                raise AssertionError("tap: %d connections after %.1fs, wanted %d"
                                     % (self.connections, timeout, n))
            time.sleep(0.02)
