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
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run_load as rl  # noqa: E402


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sessions", type=int, default=1000)
    p.add_argument("--per-proc", type=int, default=100)
    p.add_argument("--login-rate", type=float, default=50)
    p.add_argument("--ask-secs", type=float, default=5)
    p.add_argument("--idle", type=int, default=60,
                   help="the bot's otr.idle_timeout, s (60 at least)")
    p.add_argument("--json", help="write the results here too")
    a = p.parse_args()
    # What run_load.Run and its steady scenario read.
    a.stages = [a.sessions]
    a.max_clients = a.sessions
    a.churn_gone = a.strangers = a.flood_victims = 0
    a.think = 1100
    real_bot = rl.Bot

    def bot(*args, **kw):
        kw.setdefault("config", {}).setdefault("otr", {})["idle_timeout"] = \
            "%ds" % a.idle
        return real_bot(*args, **kw)

    rl.Bot = bot
    run = rl.Run(a)
    res = {"sessions": a.sessions, "idle_timeout_s": a.idle}
    t0 = time.monotonic()
    try:
        run.setup()
        pid = run.bot_pid()
        time.sleep(2)
        res["rss_kb_no_session"] = rl.rss_kb(pid)
        run.steady([a.sessions])
        run.asking(False)
        time.sleep(3)
        res["rss_kb_with_sessions"] = rl.rss_kb(pid)
        quiet = time.monotonic()
        # The sessions end a tick after idle_timeout; give the bot room.
        samples = []
        while time.monotonic() - quiet < a.idle + 20:
            time.sleep(5)
            samples.append([round(time.monotonic() - quiet),
                            rl.rss_kb(pid)])
        res["rss_kb_after_expiry"] = samples[-1][1]
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
