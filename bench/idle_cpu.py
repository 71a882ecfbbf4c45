"""Idle cost of the bot: CPU and context switches of all its threads.

    /usr/bin/python3 bench/idle_cpu.py OTR_THREADS [SECONDS]

A throwaway Prosody on 127.0.0.1 and the bot (tests/lib), nobody talking;
after it is online and 3 s more, measures SECONDS (20) of CPU time
(/proc/PID/task/*/schedstat) and context switches. SECOURS: the binary
(default: the build in this tree). Every process is stopped by PID.
"""
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "lib"))
from prosody import Prosody  # noqa: E402
from botproc import Bot  # noqa: E402


def totals(pid):
    cpu = switches = 0
    for t in os.listdir("/proc/%d/task" % pid):
        with open("/proc/%d/task/%s/schedstat" % (pid, t)) as f:
            cpu += int(f.read().split()[0])
        with open("/proc/%d/task/%s/status" % (pid, t)) as f:
            for line in f:
                if line.startswith(("voluntary_ctxt_switches",
                                    "nonvoluntary_ctxt_switches")):
                    switches += int(line.split()[1])
    return cpu, switches


def main():
    n = int(sys.argv[1])
    secs = float(sys.argv[2]) if len(sys.argv) > 2 else 20.0
    with Prosody() as srv:
        srv.start()
        bot = Bot(srv, config={"limits": {"otr_threads": n}})
        bot.start()
        bot.wait_log(r"online", timeout=30)
        time.sleep(3)
        c0, s0 = totals(bot.pid)
        t0 = time.monotonic()
        time.sleep(secs)
        c1, s1 = totals(bot.pid)
        t1 = time.monotonic()
        threads = len(os.listdir("/proc/%d/task" % bot.pid))
        bot.stop()
    print("idle otr_threads %d: %d threads, CPU %.3f ms/s, context "
          "switches %.1f/s over %.0f s" % (n, threads,
                                            (c1 - c0) / 1e6 / (t1 - t0),
                                            (s1 - s0) / (t1 - t0), t1 - t0))


if __name__ == "__main__":
    main()
