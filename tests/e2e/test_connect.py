#!/usr/bin/python3
"""End-to-end: the bot's XMPP link against a real Prosody on loopback.

Login and presence (status text), subscriptions, XEP-0199 ping, unknown IQs,
the body size cap, reconnect after the server is killed, clean stop on
SIGTERM, a wrong password (clear error, slow retry), and TLS with an
untrusted and a trusted certificate. One line per check; exit 1 on failure.
"""
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from xmppraw import RawClient, is_presence, q, status_of, NS_CLIENT, NS_STANZAS  # noqa: E402

SECOURS = os.environ.get("SECOURS", "./secours")
DOMAIN = "example.test"
STATUS = "Help desk: OTR only (test)"

failures = 0


def check(ok, what, detail=""):
    global failures
    if ok:
        print("ok - %s%s" % (what, " (%s)" % detail if detail else ""))
    else:
        failures += 1
        print("not ok - %s%s" % (what, " (%s)" % detail if detail else ""))
    sys.stdout.flush()
    return ok


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Prosody:
    """A throwaway Prosody (plaintext, or TLS with a self-signed cert)."""

    def __init__(self, base, tls=False):
        self.dir = tempfile.mkdtemp(prefix="prosody-", dir=base)
        self.tls = tls
        self.port = free_port()
        self.proc = None
        os.makedirs(self.dir + "/data")
        os.makedirs(self.dir + "/certs")
        mods = ['roster', 'saslauth', 'disco', 'ping', 'posix', 'offline']
        ssl = ""
        self.cafile = None
        if tls:
            mods.append("tls")
            key = "%s/certs/%s.key" % (self.dir, DOMAIN)
            crt = "%s/certs/%s.crt" % (self.dir, DOMAIN)
            subprocess.run(
                ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                 "ec_paramgen_curve:prime256v1", "-nodes", "-days", "3",
                 "-keyout", key, "-out", crt, "-subj", "/CN=" + DOMAIN,
                 "-addext", "subjectAltName=DNS:" + DOMAIN],
                check=True, capture_output=True)
            ssl = 'ssl = { certificate = "%s", key = "%s" }\n' % (crt, key)
            self.cafile = crt
        self.cfg = self.dir + "/prosody.cfg.lua"
        with open(self.cfg, "w") as f:
            f.write('''run_as_root = true
pidfile = "{d}/prosody.pid"
data_path = "{d}/data"
plugin_paths = {{}}
interfaces = {{ "127.0.0.1" }}
local_interfaces = {{ "127.0.0.1" }}
c2s_ports = {{ {port} }}
c2s_direct_tls_ports = {{}}
legacy_ssl_ports = {{}}
s2s_ports = {{}}
component_ports = {{}}
http_ports = {{}}
https_ports = {{}}
log = {{ {{ levels = {{ min = "info" }}, to = "file", filename = "{d}/prosody.log" }} }}
modules_enabled = {{ {mods} }}
modules_disabled = {{ "s2s" }}
authentication = "internal_hashed"
storage = "internal"
allow_registration = false
c2s_require_encryption = {req}
allow_unencrypted_plain_auth = {plain}
certificates = "{d}/certs"
{ssl}VirtualHost "{dom}"
'''.format(d=self.dir, port=self.port,
           mods="; ".join('"%s"' % m for m in mods),
           req="true" if tls else "false",
           plain="false" if tls else "true", ssl=ssl, dom=DOMAIN))

    def register(self, user, password):
        subprocess.run(["prosodyctl", "--config", self.cfg, "register",
                        user, DOMAIN, password],
                       check=True, capture_output=True)

    def start(self):
        self.proc = subprocess.Popen(
            ["prosody", "-F", "--config", self.cfg],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        end = time.monotonic() + 10
        while time.monotonic() < end:
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("prosody did not start on port %d" % self.port)

    def kill(self):
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait(5)
            self.proc = None

    def stop(self):
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
            self.proc = None


class Bot:
    """secours -c FILE with a generated config; stderr goes to a log."""

    def __init__(self, base, server, password="botpw", ca_file=None,
                 extra_limits=""):
        self.dir = tempfile.mkdtemp(prefix="bot-", dir=base)
        self.log_path = self.dir + "/bot.log"
        state = self.dir + "/state"
        os.mkdir(state, 0o700)
        pwfile = self.dir + "/password"
        fd = os.open(pwfile, os.O_WRONLY | os.O_CREAT, 0o600)
        os.write(fd, (password + "\n").encode())
        os.close(fd)
        guide = self.dir + "/guide"
        os.mkdir(guide)
        lines = [
            "account:",
            "  jid: bot@%s" % DOMAIN,
            "  password_file: %s" % pwfile,
            "  host: 127.0.0.1",
            "  port: %d" % server.port,
            "  tls: %s" % ("required" if server.tls else "disabled"),
            '  status: "%s"' % STATUS,
        ]
        if ca_file:
            lines.append("  ca_file: %s" % ca_file)
        lines += [
            "state_dir: %s" % state,
            "guide:",
            "  paths: [%s]" % guide,
            "log:",
            "  level: info",
            "limits:",
            "  max_body: 1024",
            "  max_per_minute: 5",
        ]
        self.cfg = self.dir + "/config.yaml"
        with open(self.cfg, "w") as f:
            f.write("\n".join(lines) + "\n")
        self.proc = None
        self.logf = None

    def start(self):
        self.logf = open(self.log_path, "wb")
        argv = [SECOURS, "-c", self.cfg]
        if os.geteuid() == 0:
            argv.append("--allow-root")
        self.proc = subprocess.Popen(argv, stdout=self.logf, stderr=self.logf)

    def log(self):
        with open(self.log_path, encoding="utf-8", errors="replace") as f:
            return f.read()

    def wait_log(self, text, count=1, timeout=10.0):
        """Seconds until text appears count times in the log, or None."""
        t0 = time.monotonic()
        while time.monotonic() - t0 < timeout:
            if self.log().count(text) >= count:
                return time.monotonic() - t0
            if self.proc.poll() is not None:
                return None
            time.sleep(0.05)
        return None

    def terminate(self, timeout=3.0):
        """SIGTERM; returns (exit status or None, seconds)."""
        t0 = time.monotonic()
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            rc = None
        return rc, time.monotonic() - t0

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(5)
        if self.logf is not None:
            self.logf.close()
            self.logf = None


def is_iq(iid=None):
    def pred(e):
        return e.tag == q(NS_CLIENT, "iq") and (iid is None or
                                                 e.get("id") == iid)
    return pred


def test_plain(base):
    srv = Prosody(base)
    srv.register("bot", "botpw")
    srv.register("alice", "alicepw")
    srv.start()
    bot = Bot(base, srv)
    alice = RawClient("alice@" + DOMAIN, "alicepw", srv.port)
    botfull = "bot@%s/secours" % DOMAIN
    try:
        bot.start()
        t = bot.wait_log("logged in as " + botfull)
        if not check(t is not None, "bot logs in",
                     "%.2f s" % t if t is not None else bot.log()[-400:]):
            return

        alice.connect()
        alice.presence()
        alice.presence(to="bot@" + DOMAIN, type_="subscribe")
        pres = alice.wait(is_presence(frm=botfull))
        check(pres is not None and status_of(pres) == STATUS,
              "subscriber sees the bot available with its status text",
              repr(status_of(pres)) if pres is not None else "no presence")
        sub = alice.wait(is_presence(bare="bot@" + DOMAIN, type_="subscribe"))
        check(sub is not None, "the bot subscribes back")
        if sub is not None:
            alice.presence(to="bot@" + DOMAIN, type_="subscribed")

        res = alice.iq(botfull, "get", "<ping xmlns='urn:xmpp:ping'/>")
        check(res is not None and res.get("type") == "result",
              "XMPP ping answered")
        res = alice.iq(botfull, "get", "<query xmlns='urn:example:nothing'/>")
        ok = (res is not None and res.get("type") == "error" and
              res.find(q(NS_CLIENT, "error")) is not None and
              res.find(q(NS_CLIENT, "error")).find(
                  q(NS_STANZAS, "service-unavailable")) is not None)
        check(ok, "unknown IQ get gets service-unavailable")
        res = alice.iq(botfull, "set", "<query xmlns='urn:example:nothing'/>")
        check(res is not None and res.get("type") == "error",
              "unknown IQ set gets an error")

        secret = "S3CRET-" + "x" * 1500
        alice.message(botfull, secret)
        t = bot.wait_log("over limits.max_body", timeout=5)
        check(t is not None and secret[:7] not in bot.log(),
              "oversized body dropped with a log line, text not logged")

        for i in range(8):
            alice.message(botfull, "hello %d" % i)
        t = bot.wait_log("messages a minute", timeout=5)
        time.sleep(0.3)
        check(t is not None and bot.log().count("messages a minute") == 1,
              "over max_per_minute: dropped with one log line")

        # Prosody dies hard and comes back on the same port.
        alice.close()
        t_kill = time.monotonic()
        srv.kill()
        srv.start()
        t = bot.wait_log("logged in as " + botfull, count=2, timeout=15)
        back = time.monotonic() - t_kill if t is not None else None
        check(back is not None and back < 10,
              "back online after Prosody SIGKILL + restart",
              "%.2f s" % back if back is not None else bot.log()[-400:])
        alice = RawClient("alice@" + DOMAIN, "alicepw", srv.port)
        alice.connect()
        alice.presence()
        pres = alice.wait(is_presence(frm=botfull), timeout=5)
        check(pres is not None and status_of(pres) == STATUS,
              "after the restart the subscriber sees the bot available")

        rc, secs = bot.terminate(3.0)
        gone = alice.wait(is_presence(frm=botfull, type_="unavailable"),
                          timeout=2)
        check(gone is not None, "SIGTERM: subscriber sees unavailable")
        check(rc == 0 and secs < 3.0, "SIGTERM: exit 0 within 3 s",
              "rc %s in %.2f s" % (rc, secs))
    finally:
        alice.close()
        bot.kill()
        srv.stop()

    # A wrong password: one clear error, no hot loop.
    srv.start()
    bad = Bot(base, srv, password="not-the-password")
    try:
        bad.start()
        t = bad.wait_log("authentication failed for bot@%s" % DOMAIN, timeout=5)
        check(t is not None and "check the password" in bad.log(),
              "wrong password: clear error in the log")
        time.sleep(3)
        n = bad.log().count("authentication failed")
        check(n == 1 and bad.proc.poll() is None,
              "wrong password: slow retry", "%d attempt(s) in 3+ s" % n)
        rc, secs = bad.terminate(3.0)
        check(rc == 0, "SIGTERM while waiting to retry: exit 0",
              "rc %s in %.2f s" % (rc, secs))
    finally:
        bad.kill()
        srv.stop()


def test_tls(base):
    srv = Prosody(base, tls=True)
    srv.register("bot", "botpw")
    srv.start()
    untrusted = Bot(base, srv)
    trusted = Bot(base, srv, ca_file=srv.cafile)
    try:
        untrusted.start()
        t = untrusted.wait_log("TLS certificate for %s not trusted" % DOMAIN,
                               timeout=5)
        check(t is not None and "logged in" not in untrusted.log(),
              "TLS: untrusted certificate refused with a clear log line")
        rc, _ = untrusted.terminate(3.0)
        check(rc == 0, "TLS: SIGTERM while refused: exit 0")

        trusted.start()
        t = trusted.wait_log("logged in as bot@%s/secours (TLS)" % DOMAIN,
                             timeout=5)
        check(t is not None, "TLS: with ca_file the bot logs in",
              "%.2f s" % t if t is not None else trusted.log()[-400:])
        rc, _ = trusted.terminate(3.0)
        check(rc == 0, "TLS: SIGTERM exit 0")
    finally:
        untrusted.kill()
        trusted.kill()
        srv.stop()


def main():
    with tempfile.TemporaryDirectory(prefix="secours-connect-") as base:
        test_plain(base)
        test_tls(base)
    if failures:
        print("%d check(s) failed" % failures)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
