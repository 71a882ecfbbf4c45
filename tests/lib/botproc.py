"""Run the bot under test (the secours binary) against a test server.

    from prosody import Prosody
    from botproc import Bot

    with Prosody() as srv:
        srv.start()
        bot = Bot(srv)                     # registers bot@example.test / botpw
        bot.start()                        # writes the YAML config, runs it
        bot.wait_log(r"connected")         # regex on its stderr (info level)
        rc, secs = bot.stop()              # SIGTERM; exit code and duration
        bot.restart()                      # same config and state_dir

Config: a dict deep-merged over the defaults below, written as YAML:
    account: {jid, password, host: 127.0.0.1, port: server port (or port=),
              tls: disabled | required (+ ca_file) from the server}
    state_dir: <temp>/state
    guide: {paths: [$TOP_SRCDIR/replies]}
    log: {level: info}      # never debug unless a test asks: no text leaks
A key whose value is None in `config` is removed from the defaults.

Environment: SECOURS (binary; default $TOP_BUILDDIR/secours), TOP_SRCDIR
and TOP_BUILDDIR (default: the source tree this file is in).
The bot runs as `$SECOURS -c CFG --allow-root`, stdout+stderr to bot.log_path.

Leak checks for every test: SECOURS_TEST_LOG_LEVEL=debug runs every Bot
whose test does not set log_level at that level. A test registers what
must never be logged with secret("text", ...) (message texts, SMP
secrets, people's JIDs); when a bot is cleaned up its whole output is
searched for them, each hit is printed as a "not ok" line, and the
process exits 1 at the end.
"""

import atexit
import copy
import json
import os
import re
import shutil
import subprocess
import tempfile
import time

import prosody as _prosody  # noqa: F401  (atexit order: bot stops before the server)
from child import Child

__all__ = ["Bot", "to_yaml", "secret", "TOP_SRCDIR", "TOP_BUILDDIR",
           "SECOURS"]

_HERE = os.path.dirname(os.path.abspath(__file__))
TOP_SRCDIR = os.environ.get("TOP_SRCDIR") or os.path.abspath(os.path.join(_HERE, "..", ".."))
TOP_BUILDDIR = os.environ.get("TOP_BUILDDIR") or TOP_SRCDIR
SECOURS = os.environ.get("SECOURS") or os.path.join(TOP_BUILDDIR, "secours")
_SCALE = float(os.environ.get("SECOURS_TEST_TIMEOUT_SCALE", "1") or 1)

_live = []
_LOG_LEVEL = os.environ.get("SECOURS_TEST_LOG_LEVEL") or "info"
_secrets = []           # what no bot may log (see secret())
_leaks = []             # (bot jid, text) found at cleanup


def secret(*texts):
    """Registers texts that must never appear in any bot's output."""
    _secrets.extend(t for t in texts if t)

_SANITIZER = re.compile(r"(ERROR: AddressSanitizer|ERROR: LeakSanitizer|"
                        r"runtime error:|WARNING: ThreadSanitizer)")


# ---- a small YAML writer (no PyYAML needed) -------------------------------

def _scalar(v):
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, (int, float)):
        return repr(v)
    return json.dumps(str(v), ensure_ascii=False)   # a valid YAML "string"


def _is_scalar(v):
    return not isinstance(v, (dict, list, tuple))


def to_yaml(obj, indent=0):
    """Block-style YAML for dicts/lists of str/int/float/bool. Strings are
    double-quoted, numbers and booleans plain; lists of scalars in flow
    style. None values are skipped."""
    pad = "  " * indent
    out = []
    if isinstance(obj, dict):
        for k, v in obj.items():
            if v is None:
                continue
            if _is_scalar(v):
                out.append("%s%s: %s" % (pad, k, _scalar(v)))
            elif isinstance(v, dict):
                out.append("%s%s:" % (pad, k))
                out.append(to_yaml(v, indent + 1))
            elif all(_is_scalar(x) for x in v):
                out.append("%s%s: [%s]" % (pad, k, ", ".join(_scalar(x) for x in v)))
            else:
                out.append("%s%s:" % (pad, k))
                out.append(to_yaml(list(v), indent + 1))
    elif isinstance(obj, (list, tuple)):
        for v in obj:
            if _is_scalar(v):
                out.append("%s- %s" % (pad, _scalar(v)))
            else:
                sub = to_yaml(v, indent + 1).split("\n")
                out.append("%s- %s" % (pad, sub[0].lstrip()))
                out.extend(sub[1:])
    else:
        out.append(pad + _scalar(obj))
    return "\n".join(l for l in out if l != "")


def _merge(base, over):
    for k, v in over.items():
        if v is None:
            base.pop(k, None)
        elif isinstance(v, dict) and isinstance(base.get(k), dict):
            _merge(base[k], v)
        else:
            base[k] = copy.deepcopy(v)
    return base


# ---------------------------------------------------------------------------

class Bot(Child):
    """Bot(server=None, user="bot", password="botpw", register=True,
           port=None, host="127.0.0.1", config=None, args=(), env=None,
           secours=None, log_level="info")

    server: a prosody.Prosody (gives jid domain, port, tls/ca_file) or None
    (then give config["account"] fully). register: create the account on
    server. port: connect there instead (e.g. a tcptap.Tap's port).
    config: dict merged over the defaults. args: extra command-line args.

    Attributes: cfg (the dict written), dir (temp dir), config_path,
    state_dir, log_path, pid, proc, returncode, jid.
    """

    def __init__(self, server=None, user="bot", password="botpw",
                 register=True, port=None, host="127.0.0.1", config=None,
                 args=(), env=None, secours=None, log_level=None):
        self.secours = secours or SECOURS
        self.dir = tempfile.mkdtemp(prefix="secours-bot-")
        os.chmod(self.dir, 0o700)
        self.config_path = os.path.join(self.dir, "config.yaml")
        self.state_dir = os.path.join(self.dir, "state")
        self.log_path = os.path.join(self.dir, "bot.log")
        self.args = list(args)
        self.env = env
        self.proc = None
        self.returncode = None
        self._run_offset = 0
        self._sanitizer_hits = []
        account = {"resource": "secours", "host": host}
        if server is not None:
            account["jid"] = server.jid(user)
            account["port"] = int(port if port is not None else server.port)
            if server.tls:
                account["tls"] = "required"
                account["ca_file"] = server.ca_file
            else:
                account["tls"] = "disabled"
            if register:
                server.register(user, password)
        elif port is not None:
            account["port"] = int(port)
        account["password"] = password
        self.cfg = {
            "account": account,
            "state_dir": self.state_dir,
            "guide": {"paths": [os.path.join(TOP_SRCDIR, "replies")]},
            "log": {"level": log_level or _LOG_LEVEL},
        }
        if config:
            _merge(self.cfg, config)
        self.jid = self.cfg.get("account", {}).get("jid")
        self.write_config()
        _live.append(self)

    def __repr__(self):
        return "<Bot %s pid=%s dir=%s>" % (self.jid, self.pid, self.dir)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.cleanup()
        return False

    def write_config(self):
        """(Re)write config_path from self.cfg (edit cfg, then restart)."""
        text = "# written by tests/lib/botproc.py\n" + to_yaml(self.cfg) + "\n"
        fd = os.open(self.config_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(text)
        return text

    # ---- process ----------------------------------------------------------

    def start(self, wait=None, timeout=10.0):
        """Run the bot. wait: a regex to wait_log() for before returning
        (e.g. the line it logs once online). Returns self."""
        if self.running:
            raise RuntimeError("bot already running (pid %d)" % self.pid)
        self._run_offset = self._log_size()
        env = dict(os.environ)
        if self.env:
            env.update(self.env)
        self._spawn([self.secours, "-c", self.config_path, "--allow-root"] +
                    self.args, self.log_path, env=env)
        self.returncode = None
        if wait is not None:
            self.wait_log(wait, timeout)
        return self

    def _reap(self, t0):
        self.returncode = self.proc.returncode
        self._sanitizer_hits += self.sanitizer_errors()
        return self.returncode, time.monotonic() - t0

    def stop(self, timeout=10.0):
        """SIGTERM, wait up to timeout (then SIGKILL). Returns
        (exit code, seconds). Exit code is negative for a signal death."""
        if self.proc is None:
            return None, 0.0
        t0 = time.monotonic()
        self._terminate(timeout * _SCALE)
        return self._reap(t0)

    def kill(self):
        """SIGKILL (a crash) and reap. Returns (exit code, seconds)."""
        if self.proc is None:
            return None, 0.0
        t0 = time.monotonic()
        self._kill()
        return self._reap(t0)

    def signal(self, sig):
        """Send sig (e.g. signal.SIGHUP) to the running bot."""
        if self.running:
            self.proc.send_signal(sig)

    def wait_exit(self, timeout=10.0):
        """Wait for the bot to exit by itself; returns its exit code."""
        t0 = time.monotonic()
        try:
            self.proc.wait(timeout * _SCALE)
        except subprocess.TimeoutExpired:
            raise AssertionError("bot still running after %.1fs:\n%s"
                                 % (timeout, self.tail()))
        return self._reap(t0)[0]

    def restart(self, wait=None, timeout=10.0, kill=False):
        """Stop (or kill) and start again with the same config file (rewritten
        from self.cfg) and state_dir."""
        if kill:
            self.kill()
        else:
            self.stop()
        self.write_config()
        return self.start(wait=wait, timeout=timeout)

    def run(self, *args, timeout=30.0, input=None):
        """Run `$SECOURS -c CFG ARGS...` to completion (not the daemon):
        returns (exit code, stdout, stderr) as text."""
        env = dict(os.environ)
        if self.env:
            env.update(self.env)
        r = subprocess.run([self.secours, "-c", self.config_path] + list(args),
                           input=input.encode() if input is not None else None,
                           stdin=None if input is not None else subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=timeout * _SCALE, env=env, cwd=self.dir)
        return (r.returncode, r.stdout.decode("utf-8", "replace"),
                r.stderr.decode("utf-8", "replace"))

    def fingerprint(self):
        """The bot's OTR fingerprint as `--fingerprint` prints it (human
        form, first line); generates the key in state_dir if needed."""
        rc, out, err = self.run("--fingerprint", "--allow-root")
        if rc != 0:
            raise AssertionError("secours --fingerprint failed (%d): %s%s" % (rc, out, err))
        return out.splitlines()[0].strip()

    def check(self):
        """`--check`: (exit code, stdout + stderr)."""
        rc, out, err = self.run("--check")
        return rc, out + err

    # ---- log --------------------------------------------------------------

    def mark(self):
        """Current end of the log: pass as since= to wait only for new lines."""
        return self._log_size()


    @property
    def run_log(self):
        """Output of the current (or last) run only."""
        return self.log_text(self._run_offset)

    def wait_log(self, regex, timeout=10.0, since=None):
        """Wait until regex (re.search, MULTILINE) matches the log from
        since (default: start of the current run); returns the match.
        Fails early if the bot exits."""
        rx = regex if hasattr(regex, "search") else re.compile(regex, re.M)
        off = self._run_offset if since is None else since
        deadline = time.monotonic() + timeout * _SCALE
        while True:
            m = rx.search(self.log_text(off))
            if m:
                return m
            if self.proc is not None and self.proc.poll() is not None:
                m = rx.search(self.log_text(off))
                if m:
                    return m
                raise AssertionError("bot exited (%s) before logging %r:\n%s"
                                     % (self.proc.returncode, rx.pattern, self.tail()))
            if time.monotonic() >= deadline:
                raise AssertionError("bot did not log %r within %.1fs:\n%s"
                                     % (rx.pattern, timeout * _SCALE, self.tail()))
            time.sleep(0.02)

    def tail(self, n=25):
        return "\n".join(self.log.splitlines()[-n:])

    def sanitizer_errors(self):
        """Lines of ASan/UBSan/LSan reports in the log (all runs)."""
        return [l for l in self.log.splitlines() if _SANITIZER.search(l)]

    def log_contains(self, text):
        """True if text appears anywhere in the bot's output (leak checks)."""
        return text in self.log

    # ---- cleanup ----------------------------------------------------------

    def leaks(self):
        """The registered secrets (see secret()) found in the output."""
        text = self.log
        return [s for s in _secrets if s in text]

    def cleanup(self):
        """Stop the bot, search its output for the registered secrets,
        remove the temp dir (unless KEEP_TMP=1)."""
        if self.running:
            self.stop(timeout=5)
        found = self.leaks() if self.proc is not None else []
        for s in found:
            print("not ok - %s logged a registered secret at level %s: %r"
                  % (self.jid, self.cfg.get("log", {}).get("level"), s[:60]))
        if found:
            _leaks.extend((self.jid, s) for s in found)
        elif self.proc is not None and _secrets:
            print("ok - %s: none of %d registered secrets in its %s-level "
                  "log" % (self.jid, len(_secrets),
                           self.cfg.get("log", {}).get("level")))
        if os.environ.get("KEEP_TMP") != "1":
            shutil.rmtree(self.dir, ignore_errors=True)
        if self in _live:
            _live.remove(self)


@atexit.register
def _cleanup_all():
    for b in list(_live):
        try:
            b.cleanup()
        except Exception:
            pass
    if _leaks:
        # The test's own exit code cannot see this: fail the process, after
        # stopping the servers (their atexit would not run).
        print("%d registered secret(s) found in bot logs" % len(_leaks))
        try:
            _prosody._cleanup_all()
        except Exception:
            pass
        import sys
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(1)
