"""Real Pidgin (libpurple + pidgin-otr), headless, driven over D-Bus.

Pidgin runs under its own Xvfb display and its own D-Bus session bus, with
a private HOME and ~/.purple written here: one XMPP account on a
tests/lib/prosody.Prosody (plaintext, 127.0.0.1, no DNS: the STUN server
is a loopback address and port mapping is off) and pidgin-otr loaded with
a policy ("opportunistic", pidgin-otr's default; "manual"; "always").

What a Pidgin user sees in a conversation window is what libpurple writes
to it: every such write is a WroteImMsg D-Bus signal, recorded here
(`written`), including pidgin-otr's status lines ("Unverified conversation
with ... started.", "Private conversation with ... lost."). Sending is
PurpleConvImSend (the same path as typing: pidgin-otr's sending-im-msg
hook encrypts or tags it). pidgin-otr has no D-Bus or command interface,
so its menu actions (OTR > End private conversation, Authenticate buddy)
are keyboard input to the conversation window with xdotool.

    p = Pidgin(srv, "alice", "alicepw", policy="manual", port=None)
    p.start(timeout=30) -> seconds until the account is connected
    p.send(jid, text); p.wait(regex, since=n, timeout=10) -> text or None
    p.mark() -> n; p.seen(since) -> [text, ...]; p.otr_level(jid)
    p.menu_end(jid); p.authenticate(jid, question, answer)
    p.screenshot(path)  (PNG, for debugging); p.stop(); p.cleanup()

Needs Xvfb, dbus-daemon, pidgin, pidgin-otr, xdotool and python3-dbus
with python3-gi; `missing()` names what is absent (tests then skip).
"""

import atexit
import html
import os
import re
import shutil
import signal
import struct
import subprocess
import tempfile
import time
import zlib

_SCALE = float(os.environ.get("SECOURS_TEST_TIMEOUT_SCALE", "1") or 1)
OTR_PLUGIN = "/usr/lib/pidgin/pidgin-otr.so"
IFACE = "im.pidgin.purple.PurpleInterface"
SERVICE = "im.pidgin.purple.PurpleService"
OBJECT = "/im/pidgin/purple/PurpleObject"

# pidgin-otr's global policy, as its prefs (/OTR/...) spell it.
POLICIES = {
    "manual": (1, 0, 0),
    "opportunistic": (1, 1, 0),
    "always": (1, 1, 1),
}


def missing():
    """What this machine lacks to run Pidgin headless ([] when nothing)."""
    out = [t for t in ("Xvfb", "dbus-daemon", "pidgin", "xdotool")
           if shutil.which(t) is None]
    if not os.path.exists(OTR_PLUGIN):
        out.append("pidgin-otr")
    try:
        import dbus                                  # noqa: F401
        import dbus.mainloop.glib                    # noqa: F401
        from gi.repository import GLib               # noqa: F401
    except ImportError:
        out.append("python3-dbus/python3-gi")
    return out


def plain_text(markup):
    """What the window shows for a written message: tags dropped,
    entities decoded, <br> as a newline."""
    s = re.sub(r"<br\s*/?>", "\n", markup or "", flags=re.I)
    return html.unescape(re.sub(r"<[^>]*>", "", s))


def _write(path, text, mode=0o600):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "w") as f:
        f.write(text)


def _alive(proc):
    return proc is not None and proc.poll() is None


def _stop(proc, sig=signal.SIGTERM, timeout=5.0):
    if not _alive(proc):
        return
    proc.send_signal(sig)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


_live = []


@atexit.register
def _cleanup_all():
    """No Xvfb, bus or Pidgin outlives a test that crashed."""
    for p in list(_live):
        p.cleanup()


class Pidgin:
    """One headless Pidgin with one XMPP account (see the module text)."""

    def __init__(self, server, user, password, policy="opportunistic",
                 port=None, resource="pidgin"):
        if policy not in POLICIES:
            raise ValueError("policy: one of %s" % ", ".join(POLICIES))
        self.server = server
        self.user = user
        self.jid = server.jid(user)
        self.account = "%s/%s" % (self.jid, resource)
        self.policy = policy
        self.home = tempfile.mkdtemp(prefix="secours-pidgin-")
        os.chmod(self.home, 0o700)
        self.purple = os.path.join(self.home, ".purple")
        os.makedirs(self.purple)
        self.debug_log = os.path.join(self.home, "pidgin-debug.log")
        self.xvfb = self.dbusd = self.proc = None
        self.display = None
        self.env = None
        self._bus = self._p = self._acct = None
        self.written = []      # (monotonic time, who, text as shown, flags)
        self.received = []     # (monotonic time, sender, raw body) after OTR
        self._write_profile(password, port if port is not None else server.port)
        _live.append(self)

    # ---- profile ------------------------------------------------------

    def _write_profile(self, password, port):
        enabled, automatic, onlyprivate = POLICIES[self.policy]
        _write(os.path.join(self.purple, "accounts.xml"), """\
<?xml version='1.0' encoding='UTF-8' ?>
<account version='1.0'>
 <account>
  <protocol>prpl-jabber</protocol>
  <name>%s</name>
  <password>%s</password>
  <settings>
   <setting name='connect_server' type='string'>127.0.0.1</setting>
   <setting name='port' type='int'>%d</setting>
   <setting name='connection_security' type='string'>opportunistic_tls</setting>
   <setting name='auth_plain_in_clear' type='bool'>1</setting>
  </settings>
  <settings ui='gtk-gaim'>
   <setting name='auto-login' type='bool'>1</setting>
  </settings>
 </account>
</account>
""" % (html.escape(self.account), html.escape(password), port))
        _write(os.path.join(self.purple, "prefs.xml"), """\
<?xml version='1.0' encoding='UTF-8' ?>
<pref version='1' name='/'>
 <pref name='purple'>
  <pref name='network'>
   <pref name='stun_server' type='string' value='127.0.0.1'/>
   <pref name='auto_ip' type='bool' value='0'/>
   <pref name='map_ports' type='bool' value='0'/>
  </pref>
  <pref name='away'>
   <pref name='away_when_idle' type='bool' value='0'/>
  </pref>
 </pref>
 <pref name='pidgin'>
  <pref name='plugins'>
   <pref name='loaded' type='pathlist'>
    <item value='%s'/>
   </pref>
  </pref>
  <pref name='conversations'>
   <pref name='im'>
    <pref name='x' type='int' value='0'/>
    <pref name='y' type='int' value='0'/>
    <pref name='width' type='int' value='640'/>
    <pref name='height' type='int' value='480'/>
   </pref>
  </pref>
 </pref>
 <pref name='OTR'>
  <pref name='enabled' type='bool' value='%d'/>
  <pref name='automatic' type='bool' value='%d'/>
  <pref name='onlyprivate' type='bool' value='%d'/>
  <pref name='avoidloggingotr' type='bool' value='1'/>
  <pref name='showotrbutton' type='bool' value='1'/>
 </pref>
</pref>
""" % (OTR_PLUGIN, enabled, automatic, onlyprivate))

    # ---- processes ----------------------------------------------------

    def _spawn_fd(self, argv, what):
        """Start argv, which writes one line to the fd given as {fd};
        return (proc, line)."""
        r, w = os.pipe()
        argv = [a.replace("{fd}", str(w)) for a in argv]
        log = open(os.path.join(self.home, what + ".log"), "ab")
        try:
            proc = subprocess.Popen(argv, pass_fds=[w], env=self.env,
                                    stdin=subprocess.DEVNULL, stdout=log,
                                    stderr=subprocess.STDOUT)
        finally:
            os.close(w)
            log.close()
        line = b""
        deadline = time.monotonic() + 10 * _SCALE
        os.set_blocking(r, False)
        while not line.endswith(b"\n") and time.monotonic() < deadline:
            try:
                chunk = os.read(r, 256)
            except BlockingIOError:
                chunk = None
            if chunk == b"":
                break
            if chunk:
                line += chunk
            elif proc.poll() is not None:
                break
            else:
                time.sleep(0.02)
        os.close(r)
        if not line.strip():
            _stop(proc, signal.SIGKILL)
            raise RuntimeError("%s did not start (see %s.log)" % (what, what))
        return proc, line.decode().strip()

    def start(self, timeout=30.0):
        """Xvfb, a session bus, Pidgin; returns once the account is
        connected (seconds taken)."""
        import dbus
        import dbus.mainloop.glib
        t0 = time.monotonic()
        h = self.home
        self.env = {k: v for k, v in os.environ.items()
                    if not k.startswith(("DBUS_", "XDG_", "DISPLAY",
                                         "XAUTHORITY", "WAYLAND"))}
        self.env.update(HOME=h, XDG_CONFIG_HOME=h + "/.config",
                        XDG_DATA_HOME=h + "/.local/share",
                        XDG_CACHE_HOME=h + "/.cache", XDG_RUNTIME_DIR=h,
                        NO_AT_BRIDGE="1", LC_ALL="C.UTF-8", LANG="C.UTF-8")
        self.xvfb, num = self._spawn_fd(
            ["Xvfb", "-displayfd", "{fd}", "-nolisten", "tcp", "-noreset",
             "-screen", "0", "1024x768x24"], "xvfb")
        self.display = ":" + num
        self.env["DISPLAY"] = self.display
        self.dbusd, addr = self._spawn_fd(
            ["dbus-daemon", "--session", "--nofork", "--nopidfile",
             "--print-address={fd}"], "dbus")
        self.env["DBUS_SESSION_BUS_ADDRESS"] = addr
        self._bus = dbus.bus.BusConnection(
            addr, mainloop=dbus.mainloop.glib.DBusGMainLoop())
        self._bus.add_signal_receiver(self._on_signal, dbus_interface=IFACE,
                                      member_keyword="member")
        log = open(self.debug_log, "ab")
        try:
            self.proc = subprocess.Popen(
                ["pidgin", "--debug", "--config=" + self.purple],
                env=self.env, stdin=subprocess.DEVNULL, stdout=log,
                stderr=subprocess.STDOUT, cwd=h)
        finally:
            log.close()
        ok = self._until(self._connected, timeout)
        if not ok:
            raise AssertionError("Pidgin did not connect in %.0f s: %s"
                                 % (timeout * _SCALE, self.tail()))
        return time.monotonic() - t0

    def _connected(self):
        import dbus
        if not _alive(self.proc):
            raise AssertionError("Pidgin exited (%s): %s"
                                 % (self.proc.returncode, self.tail()))
        try:
            if self._p is None:
                obj = self._bus.get_object(SERVICE, OBJECT)
                self._p = dbus.Interface(obj, IFACE)
            if not self._acct:
                self._acct = self._p.PurpleAccountsFind(self.account,
                                                        "prpl-jabber")
            return bool(self._acct) and bool(
                self._p.PurpleAccountIsConnected(self._acct))
        except dbus.exceptions.DBusException:
            self._p = None
            return False

    def _on_signal(self, *args, member=None):
        now = time.monotonic()
        if member == "WroteImMsg":
            _acct, who, msg, _conv, flags = args[:5]
            self.written.append((now, str(who), plain_text(str(msg)),
                                 int(flags)))
        elif member == "ReceivedImMsg":
            _acct, who, msg = args[:3]
            self.received.append((now, str(who), str(msg)))

    def pump(self, seconds=0.0):
        """Deliver the D-Bus signals that arrived (for `seconds`)."""
        from gi.repository import GLib
        ctx = GLib.MainContext.default()
        end = time.monotonic() + seconds
        while True:
            while ctx.iteration(False):
                pass
            if time.monotonic() >= end:
                return
            time.sleep(0.02)

    def _until(self, cond, timeout):
        deadline = time.monotonic() + timeout * _SCALE
        while True:
            self.pump()
            v = cond()
            if v:
                return v
            if time.monotonic() >= deadline:
                return v
            time.sleep(0.05)

    # ---- conversations -------------------------------------------------

    def conv(self, who):
        """The IM conversation with `who` (opened, like a double click on
        the buddy, if none is open)."""
        c = self._p.PurpleFindConversationWithAccount(1, who, self._acct)
        if not c:
            c = self._p.PurpleConversationNew(1, self._acct, who)
        return c

    def add_buddy(self, who, timeout=10.0):
        """Buddies > Add Buddy: the contact goes into the buddy list and
        the server roster, with a presence subscription. Returns True once
        Pidgin shows the buddy online (the other side accepted)."""
        p = self._p
        buddy = p.PurpleFindBuddy(self._acct, who)
        if not buddy:
            group = p.PurpleFindGroup("Buddies") or p.PurpleGroupNew("Buddies")
            buddy = p.PurpleBuddyNew(self._acct, who, "")
            p.PurpleBlistAddBuddy(buddy, 0, group, 0)
            p.PurpleAccountAddBuddy(self._acct, buddy)
        return bool(self._until(lambda: p.PurplePresenceIsOnline(
            p.PurpleBuddyGetPresence(buddy)), timeout))

    def send(self, who, text):
        """Type `text` into the conversation with `who` and press Enter:
        Pidgin's input box is HTML, so < > & " come out escaped."""
        im = self._p.PurpleConvIm(self.conv(who))
        self._p.PurpleConvImSend(im, html.escape(text, quote=True))
        self.pump()

    def mark(self):
        self.pump()
        return len(self.written)

    def seen(self, since=0):
        """What the conversation window shows from index `since` on."""
        self.pump()
        return [t for (_n, _w, t, _f) in self.written[since:]]

    def wait(self, needle, since=0, timeout=10.0):
        """Wait until a written line from index `since` matches needle (a
        regex string or compiled); returns that line's text or None."""
        rx = re.compile(needle) if isinstance(needle, str) else needle

        def hit():
            for (_n, _w, t, _f) in self.written[since:]:
                if rx.search(t):
                    return t
            return None
        return self._until(hit, timeout)

    def expect_none(self, needle, since=0, seconds=1.0):
        """True when nothing matching needle was written for `seconds`."""
        self.pump(seconds)
        rx = re.compile(needle) if isinstance(needle, str) else needle
        return not any(rx.search(t) for t in self.seen(since))

    # ---- the OTR menu, by keyboard ---------------------------------------

    def _xdo(self, *args):
        return subprocess.run(["xdotool"] + list(args), env=self.env,
                              stdin=subprocess.DEVNULL, capture_output=True,
                              text=True, timeout=10)

    def window(self, title_regex, timeout=5.0):
        """The X window id of a visible window whose title matches."""
        def find():
            r = self._xdo("search", "--onlyvisible", "--name", title_regex)
            ids = r.stdout.split()
            return ids[-1] if ids else None
        return self._until(find, timeout)

    def keys(self, win, *keys, text=None):
        """Raise and focus `win`, then press keys (xdotool names), then
        type text."""
        self._xdo("windowraise", win)
        self._xdo("windowfocus", "--sync", win)
        for k in keys:
            self._xdo("key", k)
            time.sleep(0.2)
            self.pump()
        if text is not None:
            self._xdo("type", "--delay", "10", text)
            self.pump()

    # The OTR menu's items, in order (the first is "Start private
    # conversation" or "Refresh private conversation").
    OTR_ITEMS = {"start": 1, "end": 2, "authenticate": 3}

    def _popups(self):
        """Visible GTK menu popups (override-redirect windows that GTK
        names after the program)."""
        r = self._xdo("search", "--onlyvisible", "--name", "^Pidgin$")
        return set(r.stdout.split())

    def _next_popup(self, key, before):
        """Press key; wait until a menu popup other than `before` shows
        (the menu that key opened). Returns its id, or None."""
        self._xdo("key", key)
        new = self._until(lambda: self._popups() - before, 5.0)
        return sorted(new)[0] if new else None

    def menu_otr(self, who, item):
        """OTR menu > item, by keyboard, as a user without a mouse would:
        F10 opens the menu bar's first menu (Conversation); Right twice
        reaches OTR (Options, then Send To, insensitive with one account
        and so skipped); Down selects the items in order; Return. Each
        key waits for its menu to show, so a slow Pidgin gets no key
        early. (The items' mnemonics do not fire here.)"""
        self.conv(who)
        self.pump(0.2)
        win = self.window(re.escape(who))
        if not win:
            raise AssertionError("no conversation window for %s" % who)
        self.close_keygen_dialog()
        self._xdo("windowraise", win)
        self._xdo("windowfocus", "--sync", win)
        shown = self._popups()
        for key in ("F10", "Right", "Right"):
            popup = self._next_popup(key, shown)
            if popup is None:
                self._xdo("key", "Escape")
                raise AssertionError("OTR menu: no menu after %s" % key)
            shown.add(popup)
        for key in ["Down"] * self.OTR_ITEMS[item] + ["Return"]:
            self._xdo("key", key)
            time.sleep(0.1)
        self.pump()
        return win

    def close_keygen_dialog(self):
        """pidgin-otr's "Generating private key" dialog stays open with an
        OK button once the key is made: press it, as a user would."""
        win = self.window("^Generating private key$", timeout=0.1)
        if win:
            self.keys(win, "Return")

    def menu_end(self, who):
        """OTR > End private conversation."""
        return self.menu_otr(who, "end")

    def authenticate(self, who, question, answer):
        """OTR > Authenticate buddy: "Question and answer" (the dialog's
        default), the question in the first field (it has the focus),
        Tab, the answer, Alt+A (the Authenticate button). Returns the
        dialog's window id, or None when it did not open."""
        self.menu_otr(who, "authenticate")
        win = self.window("^Authenticate Buddy$")
        if not win:
            return None
        self.keys(win, text=question)
        self.keys(win, "Tab", text=answer)
        self.keys(win, "alt+a")
        return win

    def close_dialogs(self):
        """OK on pidgin-otr's finished authentication progress dialogs
        ("Authenticating Buddy", "Authenticating to Buddy")."""
        for title in ("^Authenticating Buddy$", "^Authenticating to Buddy$"):
            win = self.window(title, timeout=0.1)
            if win:
                self.keys(win, "Return")

    def fingerprints(self):
        """pidgin-otr's otr.fingerprints: [(buddy, account, protocol,
        fingerprint as libotr prints it, trust)]; trust "smp" after a
        successful Authenticate buddy, "verified" after a manual one."""
        out = []
        try:
            with open(os.path.join(self.purple, "otr.fingerprints")) as f:
                for line in f:
                    p = line.rstrip("\n").split("\t")
                    if len(p) >= 4:
                        fp = p[3].upper()
                        human = " ".join(fp[i:i + 8] for i in range(0, 40, 8))
                        out.append((p[0], p[1], p[2], human,
                                    p[4] if len(p) > 4 else ""))
        except OSError:
            pass
        return out

    # ---- debugging -------------------------------------------------------

    def screenshot(self, path):
        """The whole display as a PNG (xwd, converted here); False
        without xwd (x11-apps)."""
        if shutil.which("xwd") is None:
            return False
        r = subprocess.run(["xwd", "-root", "-silent"], env=self.env,
                           capture_output=True, timeout=20)
        if r.returncode != 0:
            return False
        _xwd_to_png(r.stdout, path)
        return True

    def tail(self, n=15):
        try:
            with open(self.debug_log, encoding="utf-8", errors="replace") as f:
                lines = f.read().splitlines()
        except OSError:
            return ""
        return "\n".join(lines[-n:])

    def log_text(self):
        try:
            with open(self.debug_log, encoding="utf-8", errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def stop(self):
        """Quit Pidgin (PurpleCoreQuit, then SIGTERM), the bus and Xvfb."""
        if _alive(self.proc) and self._p is not None:
            try:
                self._p.PurpleCoreQuit()
            except Exception:                  # noqa: B902
                pass
            try:
                self.proc.wait(5 * _SCALE)
            except subprocess.TimeoutExpired:
                pass
        _stop(self.proc)
        if self._bus is not None:
            try:
                self._bus.close()
            except Exception:                  # noqa: B902
                pass
            self._bus = self._p = None
        _stop(self.dbusd)
        _stop(self.xvfb)

    def cleanup(self):
        self.stop()
        if self in _live:
            _live.remove(self)
        if os.environ.get("KEEP_TMP") != "1":
            shutil.rmtree(self.home, ignore_errors=True)


def _xwd_to_png(data, path):
    """X window dump (ZPixmap, 24/32 bpp, the Xvfb default) to PNG."""
    h = struct.unpack(">25I", data[:100])
    header_size, width, height = h[0], h[4], h[5]
    bpp, bytes_per_line, ncolors = h[11], h[12], h[19]
    lsb = h[7] == 0                     # byte_order: 0 = LSBFirst
    off = header_size + ncolors * 12
    rows = []
    step = bpp // 8
    for y in range(height):
        line = data[off + y * bytes_per_line: off + y * bytes_per_line +
                    width * step]
        row = bytearray(b"\0")
        for x in range(0, len(line), step):
            px = line[x:x + step]
            if lsb:
                row += bytes((px[2], px[1], px[0]))
            else:
                row += bytes((px[-3], px[-2], px[-1]))
        rows.append(bytes(row))

    def chunk(kind, body):
        return (struct.pack(">I", len(body)) + kind + body +
                struct.pack(">I", zlib.crc32(kind + body) & 0xffffffff))
    png = (b"\x89PNG\r\n\x1a\n" +
           chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)) +
           chunk(b"IDAT", zlib.compress(b"".join(rows), 6)) +
           chunk(b"IEND", b""))
    with open(path, "wb") as f:
        f.write(png)
