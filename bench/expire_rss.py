"""The bot's memory when its sessions expire (issue 13): N clients log in,
handshake and ask for a few seconds, then go quiet; once the bot's idle
timeout (otr.idle_timeout, 60 s here, its minimum) has ended every session,
its RSS is read again. Prints one JSON object: RSS before the clients,
with N sessions, and after they expired.

  BUILDDIR=. /usr/bin/python3 bench/expire_rss.py --sessions 1000

Reuses bench/run_load.py's parts (Prosody on 127.0.0.1, accounts, the real
secours binary, bench/loadgen); every process is stopped by PID.
"""

import argparse
import json
import os
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run_load as rl  # noqa: E402


def maps_kb(pid):
    """Rss of the bot's [heap] (malloc's main arena) and of its other
    anonymous mappings (large allocations, other arenas, libgcrypt's
    secure memory pools), in kB."""
    heap = anon = 0
    cur = None
    try:
        with open("/proc/%d/smaps" % pid) as f:
            for line in f:
                head = line.split()
                if head and "-" in head[0] and len(head) >= 5:
                    name = head[5] if len(head) > 5 else ""
                    cur = "heap" if name == "[heap]" else \
                        "anon" if name == "" else None
                elif head and head[0] == "Rss:" and cur is not None:
                    if cur == "heap":
                        heap += int(head[1])
                    else:
                        anon += int(head[1])
    except OSError:
        pass
    return {"heap_kb": heap, "anon_kb": anon}


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sessions", type=int, default=1000)
    p.add_argument("--per-proc", type=int, default=100)
    p.add_argument("--login-rate", type=float, default=50)
    p.add_argument("--ask-secs", type=float, default=5)
    p.add_argument("--idle", type=int, default=60,
                   help="the bot's otr.idle_timeout, s (60 at least)")
    p.add_argument("--bot-env", action="append", default=[],
                   metavar="KEY=VALUE", help="as run_load.py's")
    p.add_argument("--json", help="write the results here too")
    a = p.parse_args()
    # run_load.py's defaults for what is not asked here
    for k, v in vars(rl.parser().parse_args([])).items():
        if not hasattr(a, k):
            setattr(a, k, v)
    # What run_load.Run and its steady scenario read.
    a.stages = [a.sessions]
    a.max_clients = a.sessions
    a.churn_gone = a.strangers = a.flood_victims = 0
    a.set = []
    a.think = 1100
    real_bot = rl.Bot

    def bot(*args, **kw):
        kw.setdefault("config", {}).setdefault("otr", {})["idle_timeout"] = \
            "%ds" % a.idle
        return real_bot(*args, **kw)

    rl.Bot = bot
    # SIGTERM (timeout, ^C): the processes started here are stopped too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    run = rl.Run(a)
    res = {"sessions": a.sessions, "idle_timeout_s": a.idle}
    t0 = time.monotonic()
    try:
        run.setup()
        pid = run.bot_pid()
        time.sleep(2)
        res["rss_kb_no_session"] = rl.rss_kb(pid)
        res["maps_no_session"] = maps_kb(pid)
        run.steady([a.sessions])
        run.asking(False)
        time.sleep(3)
        res["rss_kb_with_sessions"] = rl.rss_kb(pid)
        res["maps_with_sessions"] = maps_kb(pid)
        quiet = time.monotonic()
        # The sessions end a tick after idle_timeout from their last
        # message (answers still queued in the bot delay it): wait until
        # the bot logged every one as idle, then 10 s more.
        samples = []
        ended_at = None
        while time.monotonic() - quiet < 3 * a.idle + 60:
            time.sleep(5)
            samples.append([round(time.monotonic() - quiet),
                            rl.rss_kb(pid)])
            if ended_at is None and \
                    run.bot.log_text(0).count("idle for") >= a.sessions:
                ended_at = time.monotonic()
            if ended_at is not None and time.monotonic() - ended_at >= 10:
                break
        res["rss_kb_after_expiry"] = samples[-1][1]
        res["maps_after_expiry"] = maps_kb(pid)
        log = run.bot.log_text(0)
        res["sessions_ended_idle"] = log.count("idle for")
        res["heap_trims"] = log.count("heap trimmed")
        res["rss_kb_every_5s_after_quiet"] = samples
        res["steady"] = run.results.get("steady")
    finally:
        res["wall_s"] = round(time.monotonic() - t0, 1)
        run.teardown()
    text = json.dumps(res, indent=1)
    print(text)
    if a.json:
        with open(a.json, "w") as f:
            f.write(text + "\n")


if __name__ == "__main__":
    main()
