"""A throwaway Prosody XMPP server for end-to-end tests.

Usage (blocking, no asyncio needed):

    from prosody import Prosody

    with Prosody() as srv:                      # plaintext, host "example.test"
        srv.register("bot", "botpw")            # -> "bot@example.test"
        srv.register("alice", "alicepw")
        srv.start()                             # returns once c2s accepts
        ... connect to ("127.0.0.1", srv.port) ...
        srv.kill(); srv.restart()               # same port, same accounts
    # stopped and temp dir removed here (and at interpreter exit anyway)

    with Prosody(tls=True) as srv:              # STARTTLS required, self-signed
        srv.start()
        srv.ca_file                             # the cert to trust (CN/SAN = host)

Facts this relies on: Prosody runs as a direct
child `prosody -F --config DIR/prosody.cfg.lua` so that we know its exact PID;
`run_as_root = true` is required as uid 0; s2s is disabled so Prosody does no
DNS; mod_tls is loaded only with a certificate; a port clash is only logged
("Failed to open server port"), so start() checks that the listening socket
belongs to our process and retries on another port.

Several instances side by side are fine (separate temp dirs and ports).
Set KEEP_TMP=1 in the environment to keep the temp dirs for debugging.
"""

import atexit
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

from child import Child

__all__ = ["Prosody", "free_port"]

_live = []          # instances to clean up at exit


def free_port(host="127.0.0.1"):
    """Return a TCP port that was free on host a moment ago (bind to 0)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.bind((host, 0))
        return s.getsockname()[1]
    finally:
        s.close()


def _listening_inodes(port):
    """Inodes of sockets listening on TCP port (IPv4 and IPv6)."""
    inodes = set()
    for name in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(name) as f:
                next(f)
                for line in f:
                    fields = line.split()
                    local, state, inode = fields[1], fields[3], fields[9]
                    if state == "0A" and int(local.rsplit(":", 1)[1], 16) == port:
                        inodes.add(inode)
        except OSError:
            pass
    return inodes


def _pid_socket_inodes(pid):
    inodes = set()
    fddir = "/proc/%d/fd" % pid
    try:
        for fd in os.listdir(fddir):
            try:
                target = os.readlink(os.path.join(fddir, fd))
            except OSError:
                continue
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    except OSError:
        pass
    return inodes


class Prosody(Child):
    """One Prosody instance in its own temp dir, on 127.0.0.1:port.

    Attributes: host (the virtual host / JID domain), port, tls, ca_file
    (path of the self-signed cert when tls=True, else None), dir, config_path,
    log_path, pid (None when not running), proc.
    """

    def __init__(self, host="example.test", tls=False, port=None,
                 ipv6=False, log_level="info", users=None, extra_config=""):
        """host: the VirtualHost (need not resolve). tls: require STARTTLS
        with a fresh self-signed cert. port: fixed port, else a free one is
        picked at start(). ipv6: also listen on ::1. log_level: Prosody's
        minimum log level ("debug" logs stanza top tags, never bodies).
        users: dict user -> password registered before start.
        extra_config: Lua text appended before the VirtualHost line."""
        self.host = host
        self.tls = bool(tls)
        self.port = port
        self._fixed_port = port is not None
        self.ipv6 = ipv6
        self.log_level = log_level
        self.extra_config = extra_config
        self.proc = None
        self.dir = tempfile.mkdtemp(prefix="secours-prosody-")
        os.chmod(self.dir, 0o700)
        self.config_path = os.path.join(self.dir, "prosody.cfg.lua")
        self.log_path = os.path.join(self.dir, "prosody.log")
        self.stdout_path = os.path.join(self.dir, "stdout.log")
        self.ca_file = None
        self.cert_file = None
        self.key_file = None
        os.makedirs(os.path.join(self.dir, "data"), exist_ok=True)
        os.makedirs(os.path.join(self.dir, "certs"), exist_ok=True)
        if self.tls:
            self._make_cert()
        if self.port is None:
            self.port = free_port()
        self._write_config()
        _live.append(self)
        for user, pw in (users or {}).items():
            self.register(user, pw)

    # ---- setup -----------------------------------------------------------

    def _make_cert(self):
        certs = os.path.join(self.dir, "certs")
        self.key_file = os.path.join(certs, self.host + ".key")
        self.cert_file = os.path.join(certs, self.host + ".crt")
        r = subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "ec",
             "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "3",
             "-keyout", self.key_file, "-out", self.cert_file,
             "-subj", "/CN=" + self.host,
             "-addext", "subjectAltName=DNS:" + self.host],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, timeout=30)
        if r.returncode != 0:
            raise RuntimeError("openssl failed: " + r.stdout.decode(errors="replace"))
        os.chmod(self.key_file, 0o600)
        self.ca_file = self.cert_file

    def _write_config(self):
        d = self.dir
        ifaces = '"127.0.0.1"' + (', "::1"' if self.ipv6 else "")
        mods = ['"roster"', '"saslauth"', '"disco"', '"ping"', '"posix"',
                '"offline"', '"version"', '"admin_shell"']
        if self.tls:
            mods.append('"tls"')
        lines = [
            "-- generated by tests/lib/prosody.py",
            "run_as_root = true",
            'pidfile = "%s/prosody.pid"' % d,
            'data_path = "%s/data"' % d,
            "plugin_paths = {}",
            "interfaces = { %s }" % ifaces,
            "local_interfaces = { %s }" % ifaces,
            "c2s_ports = { %d }" % self.port,
            "c2s_direct_tls_ports = {}",
            "legacy_ssl_ports = {}",
            "s2s_ports = {}",
            "component_ports = {}",
            "http_ports = {}",
            "https_ports = {}",
            'admin_socket = "%s/admin.sock"' % d,
            'log = { { levels = { min = "%s" }, to = "file", filename = "%s" } }'
            % (self.log_level, self.log_path),
            "modules_enabled = { %s }" % "; ".join(mods),
            'modules_disabled = { "s2s" }',
            'authentication = "internal_hashed"',
            'storage = "internal"',
            "allow_registration = false",
            'certificates = "%s/certs"' % d,
        ]
        if self.tls:
            lines += [
                "c2s_require_encryption = true",
                "allow_unencrypted_plain_auth = false",
                'ssl = { certificate = "%s", key = "%s" }'
                % (self.cert_file, self.key_file),
            ]
        else:
            lines += [
                "c2s_require_encryption = false",
                "allow_unencrypted_plain_auth = true",
            ]
        if self.extra_config:
            lines.append(self.extra_config)
        lines.append('VirtualHost "%s"' % self.host)
        with open(self.config_path, "w") as f:
            f.write("\n".join(lines) + "\n")

    # ---- accounts --------------------------------------------------------

    def jid(self, user):
        """Bare JID of user on this host."""
        return "%s@%s" % (user, self.host)

    def _ctl(self, *args, timeout=30):
        r = subprocess.run(["prosodyctl", "--config", self.config_path] + list(args),
                           stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=timeout)
        return r.returncode, r.stdout.decode(errors="replace")

    def register(self, user, password):
        """Create (or reset the password of) user; works before start() and
        while running. Returns the bare JID."""
        rc, out = self._ctl("register", user, self.host, password)
        if rc != 0:
            raise RuntimeError("prosodyctl register %s failed (%d): %s" % (user, rc, out))
        return self.jid(user)

    def unregister(self, user):
        """Delete user's account."""
        rc, out = self._ctl("deluser", self.jid(user))
        if rc != 0:
            raise RuntimeError("prosodyctl deluser %s failed (%d): %s" % (user, rc, out))

    # ---- process ---------------------------------------------------------


    def _our_listener(self):
        pid = self.pid
        if pid is None:
            return False
        lst = _listening_inodes(self.port)
        return bool(lst) and bool(lst & _pid_socket_inodes(pid))

    def start(self, timeout=10.0, retries=5):
        """Start Prosody and return once its c2s port accepts connections
        (the listening socket is checked to be ours). On a port clash a new
        port is picked (unless the port was fixed by the caller) and start
        is retried. Returns the seconds it took."""
        if self.running:
            raise RuntimeError("prosody already running (pid %d)" % self.pid)
        t0 = time.monotonic()
        for attempt in range(retries):
            log_off = self._log_size()
            self._spawn(["prosody", "-F", "--config", self.config_path],
                        self.stdout_path, start_new_session=True)
            deadline = time.monotonic() + timeout
            clash = False
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    raise RuntimeError("prosody exited with %s during start:\n%s"
                                       % (self.proc.returncode, self.tail()))
                if "Failed to open server port" in self.log_text(log_off):
                    clash = True
                    break
                if self._our_listener():
                    return time.monotonic() - t0
                time.sleep(0.01)
            self.kill()
            if not clash:
                raise TimeoutError("prosody did not listen on %d within %.1fs:\n%s"
                                   % (self.port, timeout, self.tail()))
            if self._fixed_port:
                raise RuntimeError("prosody: port %d in use" % self.port)
            self.port = free_port()
            self._write_config()
        raise RuntimeError("prosody: no free port after %d attempts" % retries)

    def _connectable(self):
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                return True
        except OSError:
            return False

    def stop(self, timeout=10.0):
        """SIGTERM and wait; SIGKILL if it does not exit within timeout.
        Returns the seconds it took (0 if not running)."""
        if self.proc is None or self.proc.poll() is not None:
            return 0.0
        t0 = time.monotonic()
        self._terminate(timeout)
        return time.monotonic() - t0

    def kill(self):
        """SIGKILL (a crash: no stream close sent to clients) and reap."""
        if self.proc is not None:
            self._kill()

    def pause(self):
        """SIGSTOP: the server stays connected but answers nothing
        (for keepalive / ping-timeout tests). resume() undoes it."""
        if self.running:
            os.kill(self.proc.pid, signal.SIGSTOP)

    def resume(self):
        if self.running:
            os.kill(self.proc.pid, signal.SIGCONT)

    def restart(self, timeout=10.0, kill=False):
        """Stop (or kill, if kill=True) and start again on the SAME port with
        the same accounts and data. Returns the seconds start() took."""
        if kill:
            self.kill()
        else:
            self.stop()
        saved, self._fixed_port = self._fixed_port, True
        try:
            return self.start(timeout=timeout, retries=1)
        finally:
            self._fixed_port = saved

    # ---- log -------------------------------------------------------------


    def wait_log(self, needle, timeout=5.0, offset=0):
        """Wait until the log (from offset) contains needle (a plain string
        or a compiled regex). Returns the match / True; raises TimeoutError."""
        deadline = time.monotonic() + timeout
        while True:
            text = self.log_text(offset)
            if hasattr(needle, "search"):
                m = needle.search(text)
                if m:
                    return m
            elif needle in text:
                return True
            if time.monotonic() >= deadline:
                raise TimeoutError("prosody log: %r not seen within %.1fs" % (needle, timeout))
            time.sleep(0.02)

    def tail(self, n=30):
        """Last n lines of the log and of prosody's own stdout/stderr."""
        lines = self.log_text().splitlines()[-n:]
        try:
            with open(self.stdout_path, "rb") as f:
                lines += ["[stdout] " + l for l in
                          f.read().decode(errors="replace").splitlines()[-n:]]
        except OSError:
            pass
        return "\n".join(lines)

    # ---- cleanup ---------------------------------------------------------

    def cleanup(self):
        """Stop the server and remove the temp dir (unless KEEP_TMP=1)."""
        self.stop(timeout=5)
        if os.environ.get("KEEP_TMP") != "1":
            shutil.rmtree(self.dir, ignore_errors=True)
        if self in _live:
            _live.remove(self)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.cleanup()
        return False

    def __repr__(self):
        return "<Prosody %s 127.0.0.1:%s tls=%s pid=%s dir=%s>" % (
            self.host, self.port, self.tls, self.pid, self.dir)


@atexit.register
def _cleanup_all():
    for p in list(_live):
        try:
            p.cleanup()
        except Exception:
            pass
