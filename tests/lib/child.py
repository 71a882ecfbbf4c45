"""What the test harness's child processes (the bot, Prosody) share: the
process with its output appended to a log file, stopped with SIGTERM then
SIGKILL, and the log read back from a byte offset.

A class using it sets self.proc (None until started), self.dir and
self.log_path.
"""

import os
import signal
import subprocess


class Child:
    @property
    def pid(self):
        if self.proc is not None and self.proc.poll() is None:
            return self.proc.pid
        return None

    @property
    def running(self):
        return self.pid is not None

    def _spawn(self, argv, out_path, **kw):
        """Starts argv in self.dir, stdout and stderr appended to out_path."""
        out = open(out_path, "ab")
        try:
            self.proc = subprocess.Popen(
                argv, stdin=subprocess.DEVNULL, stdout=out,
                stderr=subprocess.STDOUT, cwd=self.dir, **kw)
        finally:
            out.close()

    def _terminate(self, timeout):
        """SIGTERM (after SIGCONT, in case it was paused), then SIGKILL if
        it has not exited within timeout seconds; reaps it."""
        if self.proc.poll() is not None:
            return
        os.kill(self.proc.pid, signal.SIGCONT)
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def _kill(self):
        """SIGKILL (a crash) and reap."""
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def _log_size(self):
        try:
            return os.path.getsize(self.log_path)
        except OSError:
            return 0

    def log_text(self, since=0):
        """The log from byte since, as text."""
        try:
            with open(self.log_path, "rb") as f:
                f.seek(since)
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    @property
    def log(self):
        return self.log_text()
