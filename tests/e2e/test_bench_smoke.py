#!/usr/bin/python3
"""Smoke test of the load benchmark (bench/run_load.py, issue 13).

Five generator clients against the real bot on a throwaway Prosody: every
one logs in, finishes an OTR handshake and gets answers, and again after
the bot is restarted; the libotr floor
runs; the bot logs its "text handled in N us" lines at debug level; the
runner's figures come out. It keeps the benchmark from rotting without
running it (the benchmark itself is `make bench`). One line per
check; exit 1 on failure.
"""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
from checks import SCALE, check, finish, note  # noqa: E402
from prosody import Prosody  # noqa: E402

TOP = os.environ.get("TOP_SRCDIR") or os.path.abspath(os.path.join(HERE, "..", ".."))
BUILD = os.environ.get("TOP_BUILDDIR") or TOP


def one_query():
    """A client whose query nobody answers asks once (again only after
    --ake-retry, 120 s): a generator that re-asks on its own is a message
    loop of its own (b5f4e08 re-sent ?OTRv3? every 10 ms)."""
    sys.path.insert(0, os.path.join(TOP, "bench"))
    from run_load import bulk_accounts
    loadgen = os.path.join(BUILD, "bench", "loadgen")
    srv = Prosody(host="example.test", log_level="warn")
    try:
        bulk_accounts(srv, ["q0"], password="pw")
        srv.start()
        with tempfile.TemporaryDirectory(prefix="secours-onequery-") as d:
            key = os.path.join(d, "k")
            subprocess.run([loadgen, "--genkey", key], check=True,
                           env=dict(os.environ, ASAN_OPTIONS="detect_leaks=0"))
            env = dict(os.environ, LOADGEN_TRACE="1",
                       ASAN_OPTIONS="detect_leaks=0")
            g = subprocess.Popen(
                [loadgen, "--port", str(srv.port), "--prefix", "q",
                 "--password", "pw", "--target", "nobody@example.test",
                 "--key", key, "--auto"],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE, env=env, text=True)
            time.sleep(2 * SCALE)
            g.send_signal(signal.SIGTERM)
            err = g.communicate(timeout=20)[1]
        sent = [l for l in err.splitlines()
                if l.startswith("T ") and l.endswith("> ?OTRv3?")]
        check(len(sent) == 1, "a client whose query goes unanswered sends "
              "it once (no re-send loop)", "%d queries in %ds"
              % (len(sent), 2 * SCALE))
    finally:
        srv.cleanup()


def main():
    t0 = time.monotonic()
    one_query()
    with tempfile.TemporaryDirectory(prefix="secours-benchsmoke-") as d:
        out = os.path.join(d, "r.json")
        # leak checks belong to the other tests: here the figures matter
        env = dict(os.environ, BUILDDIR=BUILD, TOP_SRCDIR=TOP,
                   ASAN_OPTIONS="detect_leaks=0")
        try:
            r = subprocess.run(
                ["/usr/bin/python3", os.path.join(TOP, "bench", "run_load.py"),
                 "--stages", "5", "--scenarios", "floor,steady,restart",
                 "--ask-secs", str(3 * SCALE), "--flood-victims", "0",
                 "--churn-gone", "0", "--strangers", "0",
                 "--floor-handshakes", "3", "--floor-answers", "10",
                 "--idle-secs", "2",
                 "--json", out],
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT, env=env, timeout=120 * SCALE)
            text = r.stdout.decode(errors="replace")
            rc = r.returncode
        except subprocess.TimeoutExpired:
            text, rc = "timeout", -1
        check(rc == 0, "run_load.py exits 0", text[-300:] if rc else "")
        try:
            with open(out) as f:
                res = json.load(f)
        except (OSError, ValueError) as e:
            check(False, "results written", repr(e))
            return finish()
        fl = res.get("floor", {})
        check(fl.get("handshake_cpu_ms", 0) > 0 and fl.get("answer_cpu_ms", 0) > 0,
              "the libotr floor measures a handshake and an answer", str(fl))
        st = (res.get("steady") or [{}])[0]
        check(st.get("handshakes") == 5, "5 clients finish the OTR handshake",
              str(st.get("handshakes")))
        check(st.get("answers", 0) >= 5, "the clients get answers",
              str(st.get("answers")))
        check(st.get("bot_answers", 0) >= 5,
              "the bot logs 'text handled in N us' for each question",
              str(st.get("bot_answers")))
        check(st.get("cpu_ms_per_answer", 0) > 0 and st.get("answer_ratio", 0) > 0,
              "CPU per answer and its ratio to the floor are reported",
              str(st.get("answer_ratio")))
        check(st.get("rss_kb_after_asking", 0) > 0, "the bot's RSS is read")
        rs = res.get("restart", {})
        check(rs.get("clients_rekeyed") == 5 and rs.get("clients_answered") == 5
              and rs.get("all_answered_s") is not None,
              "after the bot's restart every client starts OTR again and "
              "gets an answer", str(rs))
        table = "== secours load benchmark" in text and "/ floor" in text
        check(table, "the runner prints the table of ratios",
              "" if table else text[-400:])
        check("errors" not in res, "no scenario failed", str(res.get("errors")))
    note("total %.1fs" % (time.monotonic() - t0))
    return finish()


if __name__ == "__main__":
    sys.exit(main())
