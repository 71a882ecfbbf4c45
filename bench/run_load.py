"""Load benchmark of the secours daemon (issue 13). Run through
bench/run-load.sh, which sets the paths; see docs/performance.md.

One throwaway Prosody on 127.0.0.1, accounts written straight into its
storage (prosodyctl takes 20-300 ms an account), the bot (the secours
binary, log.level debug for its "text handled in N us" lines), C clients
(bench/loadgen, at most --per-proc per process), and in the same run the
floors: bench/otrfloor (libotr alone) and bench/echobot (the server alone).

Scenarios (--scenarios, comma-separated):
  floor    libotr-only CPU per handshake and per answer
  echo     the load generator against an echo account: server ceiling
  steady   sessions grow through --stages (e.g. 100,1000,5000); at each
           stage the new clients handshake, then every live client asks
           for --ask-secs: CPU per handshake/answer, rates, latencies, RSS
  restart  the bot restarted with every session out there: time until
           every client has an answer again
  flood    one JID floods (queries, garbage) while --flood-victims others
           ask: their p99 against the same clients without the flood
  churn    --churn-gone people came and went (handshake, one question,
           OTR ended, logged off) beside --churn-live live ones: idle CPU
           per second and a stranger's first message, before and after
Every process started here is stopped by PID; nothing leaves 127.0.0.1.
"""

import argparse
import glob
import hashlib
import hmac
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SRCDIR = os.environ.get("TOP_SRCDIR") or os.path.dirname(HERE)
BUILDDIR = os.environ.get("BUILDDIR") or SRCDIR
sys.path.insert(0, os.path.join(SRCDIR, "tests", "lib"))

# The bot's environment beyond the runner's own (--bot-env adds to it):
# none by default, as contrib/secours.service.in sets none. E.g.
# --bot-env GLIBC_TUNABLES=glibc.malloc.hugetlb=1 (docs/performance.md,
# "Why libotr looked slower inside the bot").
BOT_ENV = {}


def bot_env(a):
    """BOT_ENV with --bot-env applied (KEY= leaves KEY empty)."""
    env = dict(BOT_ENV)
    for kv in getattr(a, "bot_env", []):
        k, _, v = kv.partition("=")
        env[k.strip()] = v
    return env

from prosody import Prosody  # noqa: E402
from botproc import Bot  # noqa: E402

PW = "benchpw"
HOST = "example.test"
CLK = os.sysconf("SC_CLK_TCK")


def stop_proc(p, sig, timeout):
    """Sends sig to a process we started, waits timeout s, then kills it."""
    p.send_signal(sig)
    try:
        p.wait(timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()


def log(*a):
    print("[%s]" % time.strftime("%H:%M:%S"), *a, flush=True)


# ---- accounts ---------------------------------------------------------------

def scram_entry(password, iterations=4096):
    """Prosody internal_hashed account file (SCRAM-SHA-1), as Lua."""
    salt = "benchsalt-0001"
    salted = hashlib.pbkdf2_hmac("sha1", password.encode(), salt.encode(),
                                 iterations)
    ck = hmac.new(salted, b"Client Key", "sha1").digest()
    sk = hmac.new(salted, b"Server Key", "sha1").digest()
    stored = hashlib.sha1(ck).hexdigest()
    return ('return {\n\t["server_key"] = "%s";\n\t["salt"] = "%s";\n'
            '\t["stored_key"] = "%s";\n\t["iteration_count"] = %d;\n};\n'
            % (sk.hex(), salt, stored, iterations))


def bulk_accounts(srv, names, password=PW):
    """Writes account files into Prosody's storage (before it starts)."""
    d = os.path.join(srv.dir, "data", HOST.replace(".", "%2e"), "accounts")
    os.makedirs(d, exist_ok=True)
    text = scram_entry(password)
    t0 = time.monotonic()
    for n in names:
        with open(os.path.join(d, n + ".dat"), "w") as f:
            f.write(text)
    return time.monotonic() - t0


# ---- process figures ----------------------------------------------------------

def cpu_s(pid):
    """On-CPU time of pid in seconds, every thread of it (schedstat of
    each task: ns; else utime+stime of the process)."""
    try:
        total = 0
        for t in os.listdir("/proc/%d/task" % pid):
            try:
                with open("/proc/%d/task/%s/schedstat" % (pid, t)) as f:
                    total += int(f.read().split()[0])
            except FileNotFoundError:
                pass            # a thread that just ended
        return total / 1e9
    except (OSError, ValueError, IndexError):
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK


def thread_cpu(pid):
    """{tid: on-CPU seconds} of each thread of pid (schedstat): with
    limits.otr_threads, how the work splits over the shards' workers."""
    out = {}
    try:
        for t in os.listdir("/proc/%d/task" % pid):
            try:
                with open("/proc/%d/task/%s/schedstat" % (pid, t)) as f:
                    out[int(t)] = int(f.read().split()[0]) / 1e9
            except (FileNotFoundError, ValueError, IndexError):
                pass
    except OSError:
        pass
    return out


def thread_delta(a, b):
    """ms each thread ran between two thread_cpu() readings, by thread id
    (the main thread first, then the workers in the order they started)."""
    return [round((b[t] - a.get(t, 0.0)) * 1e3, 1) for t in sorted(b)]


# the daemon's "cpu by kind (n, us bot/otr/xmpp): NAME N B O X; ..." line
# (src/cpustat.c, at log.level debug): totals since it started
KINDS_RE = re.compile(r"cpu by kind \(n, us bot/otr/xmpp\): (.*)")


def kinds_parse(text):
    """{kind: [n, bot_us, otr_us, xmpp_us]} of the last such line."""
    last = None
    for m in KINDS_RE.finditer(text):
        last = m.group(1)
    out = {}
    for part in (last or "").split(";"):
        p = part.split()
        if len(p) == 5:
            out[p[0]] = [int(x) for x in p[1:]]
    return out


def kinds_delta(k0, k1):
    d = {k: [v[i] - k0.get(k, [0, 0, 0, 0])[i] for i in range(4)]
         for k, v in k1.items()
         if v[0] != k0.get(k, [0, 0, 0, 0])[0]}
    if "clock-reads" in d:          # reads, and one read's cost (ns)
        d["clock-reads"][1] = k1["clock-reads"][1]
    return d


def probe_s(kd):
    """CPU seconds the per-kind measurement itself cost (its clock
    reads are system calls)."""
    r = kd.get("clock-reads")
    return r[0] * r[1] / 1e9 if r else 0.0


def spread(vals):
    """mean, min, max of a list (rounded)."""
    v = [x for x in vals if x is not None]
    if not v:
        return None
    return {"mean": round(sum(v) / len(v), 3), "min": round(min(v), 3),
            "max": round(max(v), 3), "n": len(v)}


def faults_switches(pid):
    """(minor page faults, context switches) of pid so far, every
    thread."""
    with open("/proc/%d/stat" % pid) as f:
        minflt = int(f.read().rsplit(")", 1)[1].split()[7])
    sw = 0
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if "ctxt_switches:" in line:     # voluntary and not
                sw += int(line.split()[1])
    return minflt, sw


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def pct(v, p):
    if not v:
        return float("nan")
    v = sorted(v)
    k = min(len(v) - 1, max(0, int(round(p / 100.0 * (len(v) - 1)))))
    return v[k]


# ---- load generator processes ---------------------------------------------------

# system calls counted by --perf (those of an event loop, a log, libgcrypt's
# random pool and malloc)
PERF_CALLS = ("getrusage", "clock_gettime", "select", "pselect6", "poll",
              "read", "recvfrom", "write", "sendto", "writev", "getpid",
              "getrandom", "brk", "mmap", "munmap", "madvise", "futex",
              "openat", "fsync")


def cpus(spec):
    return {int(c) for c in spec.split(",")} if spec else None


def gen_setup(nice, cpu_spec):
    """In a generator process before exec: nicer, and on --gen-cpus."""
    os.nice(nice)
    if cpu_spec:
        os.sched_setaffinity(0, cpus(cpu_spec))


class Gen:
    """One bench/loadgen process."""

    def __init__(self, run, first, count, prefix="u", mode="otr",
                 target=None, think=None, extra=()):
        n = run.seq()
        self.samples = os.path.join(run.dir, "s-%s%d-%s-%d.txt"
                                    % (prefix, first, mode, n))
        self.control = os.path.join(run.dir, "c-%s%d-%d.txt" % (prefix, first, n))
        args = [run.loadgen, "--port", str(run.srv.port), "--first", str(first),
                "--count", str(count), "--prefix", prefix, "--password", PW,
                "--host", HOST, "--target", target or run.bot_jid,
                "--key", run.key, "--questions", run.questions,
                "--samples", self.samples, "--mode", mode,
                "--login-rate", str(run.args.login_rate / run.nprocs_hint),
                "--otr-rate", str(run.otr_rate / run.nprocs_hint),
                "--think", str(run.args.think if think is None else think),
                "--control", self.control]
        args += list(extra)
        gen_nice = run.args.gen_nice
        self.count = count
        self.lines = []
        self.cond = threading.Condition()
        self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE,
                                     stderr=open(os.path.join(run.dir, "loadgen.err"), "ab"),
                                     text=True,
                                     preexec_fn=lambda: gen_setup(gen_nice, run.args.gen_cpus))
        run.procs.append(self.proc)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            with self.cond:
                self.lines.append(line.strip())
                self.cond.notify_all()

    def wait_line(self, prefix, timeout):
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                for l in self.lines:
                    if l.startswith(prefix):
                        return l
                left = deadline - time.monotonic()
                if left <= 0 or self.proc.poll() is not None:
                    raise TimeoutError("loadgen: no %r (got %r)" % (prefix, self.lines))
                self.cond.wait(min(left, 0.5))

    def signal(self, sig):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)

    def command(self, askers, once=False):
        """The first `askers` clients ask (0: none; once: one question
        each, then they wait)."""
        with open(self.control, "w") as f:
            f.write("%d%s\n" % (askers, " once" if once else ""))
        self.signal(signal.SIGUSR2)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def read_samples(self):
        out = []
        try:
            with open(self.samples) as f:
                for line in f:
                    p = line.split()
                    if len(p) == 4:
                        out.append((p[0], float(p[1]), float(p[2]), int(p[3])))
        except OSError:
            pass
        return out


def share_out(gens, askers, once):
    """askers spread over the processes in proportion to their clients.
    (Until 2026-12-06 an even split capped by each process's clients left
    the rest out: with 100 + 500 + 400 clients, "all 1,000 ask" made
    950 ask, and the restart storm waited for 50 who never asked.)"""
    left, cap = askers, sum(g.count for g in gens)
    for g in gens:
        share = min(g.count, -(-left * g.count // cap)) if cap else 0
        g.command(share, once)
        left -= share
        cap -= g.count


class Group:
    """Clients prefix<first>.. split over processes of at most per_proc."""

    def __init__(self, run, first, count, **kw):
        self.gens = []
        per = run.args.per_proc
        run.nprocs_hint = max(1, (count + per - 1) // per)
        for f in range(first, first + count, per):
            self.gens.append(Gen(run, f, min(per, first + count - f), **kw))
        run.nprocs_hint = 1

    def wait(self, prefix, timeout):
        return [g.wait_line(prefix, timeout) for g in self.gens]

    def ask(self, askers=None, once=False):
        """askers (None: all) of the group's clients ask, spread evenly
        over its processes."""
        n = sum(g.count for g in self.gens)
        share_out(self.gens, n if askers is None else min(askers, n), once)

    def signal(self, sig):
        for g in self.gens:
            g.signal(sig)

    def stop(self):
        for g in self.gens:
            g.stop()

    def samples(self, tag, t0=0, t1=float("inf")):
        out = []
        for g in self.gens:
            out += [(t, v) for (k, t, v, i) in g.read_samples()
                    if k == tag and t0 <= t <= t1]
        return out


# ---- the run --------------------------------------------------------------------

class Run:
    def __init__(self, args):
        self.args = args
        self.dir = tempfile.mkdtemp(prefix="secours-bench-")
        self.loadgen = os.path.join(BUILDDIR, "bench", "loadgen")
        self.echobot = os.path.join(BUILDDIR, "bench", "echobot")
        self.otrfloor = os.path.join(BUILDDIR, "bench", "otrfloor")
        self.questions = os.path.join(self.dir, "questions.txt")
        self.key = os.path.join(self.dir, "client.key")
        self.procs = []
        self.nprocs_hint = 1
        self.otr_rate = args.otr_rate    # the generators started next
        self._seq = 0
        self.results = {}
        self.srv = None
        self.bot = None
        self.live = []
        self.have = 0
        self.asking_on = False

    def seq(self):
        self._seq += 1
        return self._seq

    def setup(self):
        a = self.args
        # questions: column 1 of the DFAK question list
        src = os.path.join(SRCDIR, "bench", "dfak-questions.tsv")
        with open(src) as f, open(self.questions, "w") as o:
            for line in f:
                q = line.split("\t")[0].strip()
                if q and not q.startswith("#") and "?OTR" not in q:
                    o.write(q + "\n")
        subprocess.run([self.loadgen, "--genkey", self.key], check=True)
        self.srv = Prosody(host=HOST, log_level="warn")
        names = ["bot", "echo"]
        names += ["u%d" % i for i in range(a.max_clients)]
        names += ["g%d" % i for i in range(a.churn_gone)]
        names += ["s%d" % i for i in range(a.strangers)]
        names += ["v%d" % i for i in range(a.flood_victims)]
        names += ["f0"]
        secs = bulk_accounts(self.srv, names)
        self.results["accounts"] = {"n": len(names), "write_s": round(secs, 3)}
        log("accounts: %d written in %.2f s" % (len(names), secs))
        self.srv.start()
        self.bot_jid = "bot@" + HOST
        cfg = {"limits": {"max_sessions": max(
                   1000, a.max_clients + a.churn_gone + a.flood_victims +
                   a.strangers + 100)},
               "otr": {"idle_timeout": "1h"}}
        for kv in a.set:
            # --set limits.otr_threads=2: a setting of the bot's config
            key, _, val = kv.partition("=")
            d = cfg
            parts = key.split(".")
            for k in parts[:-1]:
                d = d.setdefault(k, {})
            d[parts[-1]] = (int(val) if val.isdigit() else
                            {"true": True, "false": False}.get(val, val))
        # the bot in a session of its own (setsid, same PID): with the
        # kernel's autogroups it gets its own share of the CPU, as
        # Prosody does (tests/lib/prosody.py), instead of splitting the
        # runner's with the generator's processes
        secours = os.environ.get("SECOURS") or os.path.join(BUILDDIR, "secours")
        wrap = os.path.join(self.dir, "secours-setsid")
        # --callgrind: the bot under callgrind, instrumented only in the
        # windows callgrind_window() opens (its dumps: instructions)
        vg = ("valgrind --tool=callgrind --instr-atstart=no "
              "--callgrind-out-file=%s/callgrind.out " % self.dir
              if a.callgrind else "")
        with open(wrap, "w") as f:
            f.write('#!/bin/sh\nexec setsid %s%s"%s" "$@"\n' % (
                "taskset -c %s " % a.bot_cpus if a.bot_cpus else "", vg,
                secours))
        os.chmod(wrap, 0o755)
        self.bot = Bot(self.srv, password=PW, register=False,
                       log_level=a.bot_log_level, env=bot_env(a),
                       config=cfg, secours=wrap if a.bot_session else secours)
        self.bot.start(wait=r"online", timeout=300 if a.callgrind else 30)
        log("prosody pid %d port %d, bot pid %d" % (self.srv.pid, self.srv.port, self.bot.pid))

    def teardown(self):
        for p in self.procs:
            if p.poll() is None:
                stop_proc(p, signal.SIGTERM, 10)
        if self.bot is not None:
            self.bot.stop()
            if os.environ.get("KEEP_TMP") != "1":
                shutil.rmtree(self.bot.dir, ignore_errors=True)
        if self.srv is not None:
            self.srv.cleanup()
        if os.environ.get("KEEP_TMP") != "1":
            shutil.rmtree(self.dir, ignore_errors=True)

    # -- helpers

    def bot_pid(self):
        return self.bot.pid

    def bot_lat(self, since):
        """Bot-side "text handled in N us" values (ms) after log offset."""
        return [int(m) / 1e3 for m in
                re.findall(r"text handled in (\d+) us", self.bot.log_text(since))]

    def prosody_cpu(self):
        return cpu_s(self.srv.pid)

    # -- scenarios

    def floor_start(self, contexts=0, handshakes=None, answers=None,
                    beside_bot=False, like_bot=False, perf_name=None):
        """bench/otrfloor started (in a session of its own, as the bot:
        the same share of the CPU; beside_bot: on --bot-cpus, so that its
        neighbour on the other CPU is the bot's); floor_wait() reads its
        figures. like_bot: the bot's side keeps every session it
        handshakes with (a new person each time) and spreads them over
        as many user states as the bot (limits.otr_userstates), as the
        daemon does; otherwise one user state and one peer whose session
        is forgotten before each handshake."""
        a = self.args
        pin = (["taskset", "-c", a.bot_cpus]
               if beside_bot and a.bot_cpus else [])
        like = (["--keep", "1", "--userstates", str(self.userstates())]
                if like_bot else [])
        if perf_name and a.perf:
            # recorded as the bot is (perf_start), to set their
            # profiles side by side
            pin = pin + ["perf", "record", "-q", "-e", "cpu-clock", "-F",
                         "999"] + (["--call-graph", a.perf_call_graph]
                                   if a.perf_call_graph else []) + [
                "-o", os.path.join(self.dir, "perf-%s.data" % perf_name),
                "--"]
        p = subprocess.Popen(["setsid"] + pin + [self.otrfloor, "--handshakes",
                              str(handshakes or a.floor_handshakes),
                              "--answers", str(answers or a.floor_answers),
                              "--answer-bytes", str(a.answer_bytes),
                              "--contexts", str(contexts)] + like,
                             stdout=subprocess.PIPE, text=True)
        self.procs.append(p)
        return (p, contexts, os.getloadavg()[0])

    def userstates(self):
        """The bot's limits.otr_userstates (its default unless --set)."""
        n = 256
        for kv in self.args.set:
            k, _, v = kv.partition("=")
            if k.strip() == "limits.otr_userstates":
                n = int(v)
        return n

    def floor_pair_start(self, contexts, handshakes):
        """Two floors one after the other beside the bot's handshakes:
        like the bot (like_bot) and the older one (one user state, one
        peer forgotten each time), so that both ratios come from the same
        window; which goes first alternates with the clock's second (the
        window's first half and second half are not alike).
        floor_pair_wait() gives (like the bot, older)."""
        box = {}
        like_first = int(time.time()) % 2 == 0

        def one(like):
            f = self.floor_start(contexts=contexts, handshakes=handshakes,
                                 answers=1, beside_bot=True, like_bot=like,
                                 perf_name="floor-like-%d" % handshakes
                                 if like else None)
            r = self.floor_wait(f)
            r["like_bot"] = like
            r["first"] = like == like_first
            box["like" if like else "old"] = r

        def run():
            one(like_first)
            one(not like_first)
        t = threading.Thread(target=run, daemon=True)
        t.start()
        return (t, box)

    def floor_pair_wait(self, started):
        t, box = started
        t.join(900)
        return box.get("like", {}), box.get("old", {})

    def floor_wait(self, started):
        """{handshake_cpu_ms, answer_cpu_ms, steps: {query, dh-key,
        signature, greeting, data-in, reply}} of a floor_start()."""
        p, contexts, load0 = started
        out, _ = p.communicate(timeout=600)
        res = {"contexts": contexts, "load1": round(load0, 1)}
        for line in out.splitlines():
            p = line.split()
            if p and p[0] == "floor":
                res["handshake_cpu_ms"] = float(p[2])
                res["answer_cpu_ms"] = float(p[4])
            elif p and p[0] == "steps":
                res["steps"] = {p[i]: float(p[i + 1])
                                for i in range(1, len(p) - 1, 2)
                                if p[i] not in ("contexts", "faults")}
                if "faults" in p:
                    res["faults_per_handshake"] = float(
                        p[p.index("faults") + 1])
        return res

    def run_floor(self, contexts=0, handshakes=None, answers=None):
        """One run of bench/otrfloor, the machine as it is."""
        return self.floor_wait(self.floor_start(contexts, handshakes, answers))

    def floor(self):
        """The crypto floor, once more (three times in a run: at the
        start, after the first stage, at the end; the table gives their
        mean and spread)."""
        f = self.run_floor()
        self.results.setdefault("floors", []).append(f)
        log("floor:", f)

    def echo(self):
        a = self.args
        eb = subprocess.Popen([self.echobot, "--port", str(self.srv.port),
                               "--jid", "echo@" + HOST, "--password", PW],
                              stdout=subprocess.PIPE, text=True)
        self.procs.append(eb)
        eb.stdout.readline()
        n = a.stages[0]
        g = Group(self, 0, n, mode="echo", target="echo@" + HOST)
        g.wait("ready", 60 + n / 20)
        g.signal(signal.SIGUSR1)
        g.wait("secure", 30)
        pc0, ec0, t0 = self.prosody_cpu(), cpu_s(eb.pid), time.time()
        g.ask()
        time.sleep(a.ask_secs)
        t1 = time.time()
        pc1, ec1 = self.prosody_cpu(), cpu_s(eb.pid)
        g.stop()
        eb.send_signal(signal.SIGTERM)
        eb.wait(10)
        lat = [v for (t, v) in g.samples("A", t0 * 1e3, t1 * 1e3)]
        secs = t1 - t0
        res = {"clients": n, "answers_per_s": round(len(lat) / secs, 1),
               "p50_ms": round(pct(lat, 50), 2), "p99_ms": round(pct(lat, 99), 2),
               "prosody_cpu_ms_per_msg": round((pc1 - pc0) * 1e3 / max(1, len(lat)), 3),
               "echobot_cpu_ms_per_msg": round((ec1 - ec0) * 1e3 / max(1, len(lat)), 3)}
        self.results["echo"] = res
        log("echo:", res)

    def steady(self, stages):
        """Grows the live sessions through stages; at each, the new clients
        handshake, then every live client asks for --ask-secs."""
        a = self.args
        out = self.results.setdefault("steady", [])
        for n in stages:
            if n > a.max_clients or n <= self.have:
                continue
            add = n - self.have
            log("stage %d: logging in %d more" % (n, add))
            # the bot instrumented by callgrind: as many OTR starts a
            # second as it can take there
            self.otr_rate = (a.callgrind_otr_rate if self.callgrind_stage(n)
                             and "handshakes" in a.callgrind_windows
                             else a.otr_rate)
            t_login = time.monotonic()
            g = Group(self, self.have, add, mode="otr")
            try:
                g.wait("ready", 60 + add / 10)
            except TimeoutError as e:
                log("stage %d: logins did not finish: %s" % (n, e))
                out.append({"sessions": n, "stopped": "logins: " + str(e)[:200]})
                g.stop()
                return False
            login_s = time.monotonic() - t_login
            self.live.append(g)
            self.otr_rate = a.otr_rate
            pid = self.bot_pid()
            # the bot's CPU with every session open and nobody asking:
            # its fixed cost a second (the tick, presence), subtracted
            # below for the marginal cost of a handshake and an answer
            time.sleep(2)
            cg = self.callgrind_on(pid, n)
            idle = self._idle_cpu(a.idle_secs) / 1e3      # s a second
            cg_idle = self.callgrind_dump(cg, "idle-%d" % n)
            cg_hs_on = cg and "handshakes" in a.callgrind_windows
            if cg and not cg_hs_on:
                self.callgrind_off(cg)
            k0 = self.kinds()
            prof = self.perf_start(pid, "handshakes-%d" % n)
            c0, r0, t0 = cpu_s(pid), rss_kb(pid), time.time()
            fs0, th0 = faults_switches(pid), thread_cpu(pid)
            g.signal(signal.SIGUSR1)
            # libotr alone, at the same time as the bot's handshakes, so
            # on a CPU as busy as the bot's (the other core's load makes
            # the same code 25-30% slower here: docs/performance.md)
            # (like the bot: the sessions it had at the stage's start and
            # half of the new ones, in as many user states; then the older
            # floor, the same count, as the ratio was read before)
            fl_hs = self.floor_pair_start(n - add // 2, min(add, 200)) \
                if a.floor_alongside else None
            stopped = None
            missing = self._wait_secure(g, add, 60 + add / 5 + (
                3 * add / a.callgrind_otr_rate if cg_hs_on else 0))
            if missing > add // 100:
                stopped = "handshakes: %d of %d missing" % (missing, add)
            t1 = time.time()
            c1, r1 = cpu_s(pid), rss_kb(pid)
            hs_lat = [v for (t, v) in g.samples("H")]
            hs = len(hs_lat)
            # greetings are out (or 2 s passed): the handshake phase ended
            # at the last greeting; its CPU includes the greetings. Then
            # the bot's queue drains (what it still has to read) before
            # the asking window
            settle = self._settle(pid, 180)
            time.sleep(1.2)          # the tick logs the totals
            k1 = self.kinds()
            cs, ts = cpu_s(pid), time.time()
            fs1, th1 = faults_switches(pid), thread_cpu(pid)
            perf = self.perf_stop(prof)
            cg_hs = (self.callgrind_dump(cg, "handshakes-%d" % n)
                     if cg_hs_on else 0)
            self.callgrind_off(cg if cg_hs_on else None)
            queries = [v for (t, v) in g.samples("Q")]
            mark = self.bot.mark()
            askers = min(n, a.askers)
            self.asking(askers)
            time.sleep(1.0)          # let the first round start
            fl_an = self.floor_start(contexts=n, handshakes=1, answers=300,
                                     beside_bot=True) \
                if a.floor_alongside else None
            cg_an_on = cg and "answers" in a.callgrind_windows
            if cg_an_on:
                self.callgrind_on(pid, n)
            k2 = self.kinds()
            c2, t2, m2 = cpu_s(pid), time.time(), self.bot.mark()
            th2 = thread_cpu(pid)
            p2 = self.prosody_cpu()
            time.sleep(a.ask_secs)
            c3, t3, r3 = cpu_s(pid), time.time(), rss_kb(pid)
            th3 = thread_cpu(pid)
            cg_an = (self.callgrind_dump(cg, "answers-%d" % n)
                     if cg_an_on else 0)
            self.callgrind_off(cg if cg_an_on else None)
            k3 = self.kinds()
            m3 = self.bot.mark()
            p3 = self.prosody_cpu()
            # questions the bot answered inside the CPU window (its own
            # count: clients may lag behind it)
            nb = len(re.findall(r"text handled in \d+ us",
                                self.bot.log_text(m2)[:m3 - m2]))
            self.asking(0)
            lat = []
            for lg in self.live:
                lat += [v for (t, v) in lg.samples("A", t2 * 1e3, t3 * 1e3)]
            blat = self.bot_lat(mark)
            na = len(lat)
            if a.bot_log_level != "debug":
                nb = na          # no "text handled" lines: the clients' count
            res = {"sessions": n, "askers": askers,
                   "login_s": round(login_s, 1),
                   "handshakes": hs, "handshakes_missing": missing,
                   "handshake_wall_s": round(t1 - t0, 2),
                   "settle_s": settle,
                   "handshakes_per_s": round(hs / max(1e-9, t1 - t0), 1),
                   "handshake_p50_ms": round(pct(hs_lat, 50), 1),
                   "handshake_p99_ms": round(pct(hs_lat, 99), 1),
                   # the handshakes' window runs until the bot's queue
                   # is drained (settle), its idle rate subtracted
                   "cpu_ms_per_handshake": round(
                       ((cs - c0) - idle * (ts - t0)) * 1e3 / max(1, hs), 3),
                   "cpu_ms_per_handshake_raw": round(
                       (c1 - c0) * 1e3 / max(1, hs), 3),
                   "handshake_window_s": round(ts - t0, 2),
                   "page_faults_per_handshake": round(
                       (fs1[0] - fs0[0]) / max(1, hs), 2),
                   "context_switches_per_handshake": round(
                       (fs1[1] - fs0[1]) / max(1, hs), 2),
                   "queries_sent": len(queries),
                   "queries_resent": sum(1 for v in queries if v == 1),
                   "queries_by_libotr": sum(1 for v in queries if v == 2),
                   "answers": na, "answers_per_s": round(na / (t3 - t2), 1),
                   "bot_answers": nb,
                   "bot_answers_per_s": round(nb / (t3 - t2), 1),
                   "cpu_ms_per_answer": round((c3 - c2) * 1e3 / max(1, nb), 3),
                   "idle_cpu_ms_per_s": round(idle * 1e3, 2),
                   "cpu_ms_per_answer_marginal": round(
                       ((c3 - c2) - idle * (t3 - t2)) * 1e3 / max(1, nb), 3),
                   "cpu_ms_per_handshake_marginal": round(
                       ((c1 - c0) - idle * (t1 - t0)) * 1e3 / max(1, hs), 3),
                   "bot_cpu_share": round((c3 - c2) / (t3 - t2), 2),
                   "prosody_cpu_ms_per_answer": round((p3 - p2) * 1e3 / max(1, nb), 3),
                   "client_p50_ms": round(pct(lat, 50), 1),
                   "client_p99_ms": round(pct(lat, 99), 1),
                   "bot_p50_ms": round(pct(blat, 50), 2),
                   "bot_p99_ms": round(pct(blat, 99), 2),
                   "rss_kb_before": r0, "rss_kb_after_handshakes": r1,
                   "rss_kb_after_asking": r3,
                   "rss_kb_per_session_added": round((r3 - r0) / max(1, add), 1)}
            res["threads_cpu_ms_handshakes"] = thread_delta(th0, th1)
            res["threads_cpu_ms_answers"] = thread_delta(th2, th3)
            res["load"] = os.getloadavg()
            res["load1"] = round(res["load"][0], 1)
            res["machine_state"] = machine_state()
            kh, ka = kinds_delta(k0, k1), kinds_delta(k2, k3)
            # the measurement's own cost is not the bot's
            ph, pa = probe_s(kh), probe_s(ka)
            res["probe_ms_per_handshake"] = round(ph * 1e3 / max(1, hs), 3)
            res["probe_ms_per_answer"] = round(pa * 1e3 / max(1, nb), 3)
            res["cpu_ms_per_handshake"] = round(
                ((cs - c0) - idle * (ts - t0) - ph) * 1e3 / max(1, hs), 3)
            res["cpu_ms_per_answer"] = round(
                ((c3 - c2) - pa) * 1e3 / max(1, nb), 3)
            res["cpu_ms_per_answer_marginal"] = round(
                ((c3 - c2) - idle * (t3 - t2) - pa) * 1e3 / max(1, nb), 3)
            if perf:
                res["perf_handshakes"] = perf
                for k in ("raw_syscalls:sys_enter", "page-faults",
                          "context-switches"):
                    if k in perf:
                        res["perf_%s_per_handshake" % k.split(":")[-1]] = \
                            round(perf[k] / max(1, hs), 1)
                res["perf_calls_per_handshake"] = {
                    c: round(perf["syscalls:sys_enter_" + c] / max(1, hs), 1)
                    for c in PERF_CALLS
                    if perf.get("syscalls:sys_enter_" + c)}
            if cg:
                # instructions: the window's, less the idle rate's share
                ir_idle = cg_idle / max(1e-9, a.idle_secs)
                res["callgrind"] = {"ir_idle_per_s": round(ir_idle)}
                if cg_hs_on:
                    res["callgrind"].update({
                        "ir_handshake_window": cg_hs,
                        "ir_per_handshake": round(
                            (cg_hs - ir_idle * (ts - t0)) / max(1, hs)),
                        "ir_per_handshake_raw": round(cg_hs / max(1, hs))})
                if cg_an_on:
                    res["callgrind"].update({
                        "ir_answer_window": cg_an,
                        "ir_per_answer": round(
                            (cg_an - ir_idle * (t3 - t2)) / max(1, nb))})
            if fl_hs:
                (res["floor_alongside_handshakes"],
                 res["floor_alongside_handshakes_one_list"]) = \
                    self.floor_pair_wait(fl_hs)
                res["floor_alongside_answers"] = self.floor_wait(fl_an)
            res["kinds_handshakes"] = kh
            res["kinds_answers"] = ka
            res["bot_cpu_ms_handshake_window"] = round((cs - c0 - ph) * 1e3, 1)
            res["bot_cpu_ms_answer_window"] = round((c3 - c2 - pa) * 1e3, 1)
            res["idle_ms_handshake_window"] = round(idle * (ts - t0) * 1e3, 1)
            res["idle_ms_answer_window"] = round(idle * (t3 - t2) * 1e3, 1)
            if a.floor_per_stage:
                # libotr alone with as many other sessions in its list
                res["floor_same_contexts"] = self.run_floor(
                    contexts=n, handshakes=max(50, a.floor_handshakes // 2),
                    answers=max(100, a.floor_answers // 2))
            if stopped:
                res["stopped"] = stopped
            out.append(res)
            log("stage:", json.dumps(res))
            self.have = n
            time.sleep(3)            # answers in flight come back
            if stopped:
                return False
        return True

    def callgrind_stage(self, stage):
        """Whether the bot is instrumented at this stage (--callgrind,
        --callgrind-stages)."""
        a = self.args
        return a.callgrind and (not a.callgrind_stages or str(stage) in
                                a.callgrind_stages.split(","))

    def callgrind_on(self, pid, stage):
        """--callgrind: the bot's instrumentation on (at the stages of
        --callgrind-stages, all by default); a handle for the dumps."""
        if not self.callgrind_stage(stage):
            return None
        subprocess.run(["callgrind_control", "-i", "on", str(pid)],
                       stdout=subprocess.DEVNULL, check=True)
        return pid

    def callgrind_dump(self, cg, name):
        """The instructions the bot ran since the last dump (callgrind
        zeroes its counters at each), dumped as callgrind.out.N."""
        if cg is None:
            return 0
        before = set(glob.glob(os.path.join(self.dir, "callgrind.out*")))
        subprocess.run(["callgrind_control", "-d", name, str(cg)],
                       stdout=subprocess.DEVNULL, check=True)
        for _ in range(600):
            new = set(glob.glob(os.path.join(self.dir, "callgrind.out*"))) \
                - before
            for path in new:
                with open(path) as f:
                    for line in f:
                        if line.startswith("totals:"):
                            log("callgrind %s: %s" % (name, path))
                            return int(line.split()[1])
            time.sleep(0.5)
        raise TimeoutError("callgrind dump %s" % name)

    def callgrind_off(self, cg):
        if cg is not None:
            subprocess.run(["callgrind_control", "-i", "off", str(cg)],
                           stdout=subprocess.DEVNULL, check=True)

    def perf_start(self, pid, name):
        """--perf: perf record of the bot (cpu-clock samples, user and
        kernel) until perf_stop()."""
        if not self.args.perf:
            return None
        out = os.path.join(self.dir, "perf-%s.data" % name)
        cg = (["--call-graph", self.args.perf_call_graph]
              if self.args.perf_call_graph else [])
        ev = (["-e", "cpu-clock", "-F", "999"]
              if self.args.perf_event == "cpu-clock" else
              ["-e", self.args.perf_event, "-c", "1", "-d"])
        p = subprocess.Popen(["perf", "record", "-q"] + ev + cg +
                             ["-p", str(pid), "-o", out],
                             stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        # system calls and page faults: each costs about 3 us of the
        # bot's CPU on this virtual machine (docs/performance.md)
        st = os.path.join(self.dir, "perf-%s.stat" % name)
        calls = ",".join("syscalls:sys_enter_" + c for c in PERF_CALLS)
        q = subprocess.Popen(["perf", "stat", "-x", ",", "-o", st, "-e",
                              "raw_syscalls:sys_enter,page-faults,"
                              "context-switches," + calls, "-p", str(pid)],
                             stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        time.sleep(0.5)
        return (p, out, q, st)

    def perf_stop(self, prof):
        """{"dso": [[share %, name]...], "sym": [...]} of the recording."""
        if prof is None:
            return None
        p, out, q, st = prof
        res = {"file": out}
        for proc in (p, q):
            stop_proc(proc, signal.SIGINT, 30)
        try:
            with open(st) as f:
                for line in f:
                    v = line.strip().split(",")
                    if len(v) > 2 and v[0].isdigit():
                        res[v[2]] = int(v[0])
        except OSError:
            pass
        for key, sort, top in (("dso", "dso", 10), ("sym", "dso,sym", 25)):
            r = subprocess.run(["perf", "report", "-i", out, "--stdio",
                                "--sort", sort, "--percent-limit", "0.3"],
                               stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True)
            rows = []
            for line in r.stdout.splitlines():
                m = re.match(r"\s*([\d.]+)%\s+(.*)", line)
                if m and len(rows) < top:
                    rows.append([float(m.group(1)),
                                 " ".join(m.group(2).split())])
            res[key] = rows
        log("perf:", json.dumps(res))
        return res

    def kinds(self):
        """The bot's CPU by stanza kind so far (its last debug line)."""
        return kinds_parse(self.bot.run_log)

    def _settle(self, pid, timeout):
        """Waits until the bot uses under 10% of a core over 2 s (its
        backlog is read), at most timeout s; returns the seconds waited."""
        t0 = time.monotonic()
        while time.monotonic() - t0 < timeout:
            c0 = cpu_s(pid)
            time.sleep(2)
            if cpu_s(pid) - c0 < 0.2:
                break
        return round(time.monotonic() - t0, 1)

    def _wait_secure(self, g, add, timeout):
        """Waits until every process of g said "secure"; or, once 99% of
        the handshakes are done and none finished for 45 s (a client
        stuck in a handshake its re-sent queries do not mend), goes on.
        Returns how many handshakes are missing."""
        deadline = time.monotonic() + timeout
        last_h, last_change = -1, time.monotonic()
        while True:
            with_secure = 0
            for gen in g.gens:
                with gen.cond:
                    with_secure += any(l.startswith("secure") for l in gen.lines)
            h = len(g.samples("H"))
            if with_secure == len(g.gens):
                return max(0, add - h)
            now = time.monotonic()
            if h != last_h:
                last_h, last_change = h, now
            elif now - last_change > 45 and h >= 0.99 * add:
                log("%d of %d handshakes did not finish: going on" % (add - h, add))
                return add - h
            if now > deadline:
                return add - h
            time.sleep(1)

    def asking(self, askers, once=False):
        """askers of the live clients ask (spread evenly over the
        processes), the others keep their sessions idle; once: one
        question each."""
        gens = [g for lg in self.live for g in lg.gens]
        share_out(gens, min(askers, sum(g.count for g in gens)), once)
        self.asking_on = askers > 0

    def stop_live(self):
        for lg in self.live:
            lg.stop()
        self.live = []
        self.asking_on = False

    def restart(self):
        """The bot restarted with every live session out there: it ends
        them all when it stops; once it is online again every client asks
        one question (starting OTR again first). Time until each has its
        answer."""
        a = self.args
        if not self.live:
            return
        n = sum(g.count for lg in self.live for g in lg.gens)
        log("restart storm with %d sessions" % n)
        self.asking(0)
        time.sleep(3)            # answers in flight come back
        load0 = os.getloadavg()
        if "memory" in a.scenarios:
            # the memory scenario watches the sessions expire
            self.bot.cfg["otr"]["idle_timeout"] = "%ds" % a.idle_timeout
            self.bot.write_config()
            self.short_idle = True
        rss_before = rss_kb(self.bot_pid())
        self.bot.stop(timeout=120)
        self.bot.start(wait=r"online", timeout=60)
        # the clients' and the server's CPU too: on this machine they
        # share the bot's two cores, so the storm cannot take less wall
        # time than the three together over 2 (docs/performance.md)
        gpids = [g.proc.pid for lg in self.live for g in lg.gens]
        g0, p0 = sum(cpu_s(x) for x in gpids), self.prosody_cpu()
        t_on = time.time()
        pid = self.bot_pid()
        mark = self.bot.mark()
        c0 = cpu_s(pid)
        self.asking(n, once=True)
        # every client's first answer after t_on
        deadline = time.monotonic() + a.restart_timeout
        got = {}
        while time.monotonic() < deadline:
            time.sleep(1.0)
            got = self._answered_since(t_on)
            if len(got) >= n:
                break
        c1 = cpu_s(pid)
        g1, p1 = sum(cpu_s(x) for x in gpids), self.prosody_cpu()
        t_end = time.time()
        rekeys = set()
        for lg in self.live:
            for g in lg.gens:
                rekeys |= {i for (k, t, v, i) in g.read_samples()
                           if k == "H" and t > t_on * 1e3}
        # each answer's own latency (question sent in the new session to
        # answer, loadgen's R samples), for the clients whose session was
        # back while others still handshook
        lat = []
        for lg in self.live:
            lat += [v for (t, v) in lg.samples("R", t_on * 1e3, time.time() * 1e3)]
        blat = self.bot_lat(mark)
        res = {"sessions": n, "clients_answered": len(got),
               "all_answered_s": round(max(got.values()), 2) if len(got) >= n else None,
               "half_answered_s": round(sorted(got.values())[len(got) // 2], 2) if got else None,
               "answer_p50_ms": round(pct(lat, 50), 1),
               "answer_p99_ms": round(pct(lat, 99), 1),
               "bot_p50_ms": round(pct(blat, 50), 2),
               "bot_p99_ms": round(pct(blat, 99), 2),
               "bot_cpu_s": round(c1 - c0, 2),
               "clients_rekeyed": len(rekeys),
               "rss_kb_before": rss_before,
               "rss_kb_after": rss_kb(pid),
               "load_before": load0, "load": os.getloadavg()}
        if len(got) < n:
            res["stopped"] = "%d of %d answered after %.0f s" % (
                len(got), n, a.restart_timeout)
        res.update({"generator_cpu_s": round(g1 - g0, 2),
                    "prosody_cpu_s": round(p1 - p0, 2),
                    "wall_s": round(t_end - t_on, 2),
                    "machine_state": machine_state()})
        self.results["restart"] = res
        log("restart:", res)

    def memory(self):
        """RSS as sessions grew (the steady stages), with every session
        open after the restart, and after the idle timeout ended them
        (the restarted bot runs with otr.idle_timeout --idle-timeout)."""
        a = self.args
        steps = [{"sessions": st["sessions"],
                  "rss_kb": st.get("rss_kb_after_asking")}
                 for st in self.results.get("steady", [])]
        res = {"steps": steps}
        if not getattr(self, "short_idle", False) or not self.live:
            res["stopped"] = "needs the restart scenario (its bot expires idle sessions)"
            self.results["memory"] = res
            return
        pid = self.bot_pid()
        n = sum(g.count for lg in self.live for g in lg.gens)
        self.asking(0)
        mark = self.bot.mark()
        r0 = rss_kb(pid)
        log("memory: %d sessions, waiting for the %d s idle timeout" % (n, a.idle_timeout))
        deadline = time.monotonic() + a.idle_timeout + 60
        ended = 0
        while time.monotonic() < deadline:
            time.sleep(2)
            ended = len(re.findall(r"idle for \d+s: ending it", self.bot.log_text(mark)))
            if ended >= n:
                break
        time.sleep(3)            # the tick after the last one
        r1 = rss_kb(pid)
        res.update({"sessions": n, "rss_kb_with_sessions": r0,
                    "sessions_expired": ended, "rss_kb_after_expiry": r1,
                    "rss_kb_freed_per_session": round((r0 - r1) / max(1, n), 1),
                    "load": os.getloadavg()})
        self.results["memory"] = res
        log("memory:", res)

    def _answered_since(self, t_on):
        """{client: time of its first answer after t_on (s since t_on)}"""
        got = {}
        for lg in self.live:
            for g in lg.gens:
                for (k, t, v, i) in g.read_samples():
                    if k == "A" and t > t_on * 1e3 and i not in got:
                        got[i] = t / 1e3 - t_on
        return got

    def flood(self):
        a = self.args
        n = a.flood_victims
        log("flood: %d victims" % n)
        g = Group(self, 0, n, prefix="v", mode="otr")
        g.wait("ready", 120)
        g.signal(signal.SIGUSR1)
        g.wait("secure", 120)
        mark = self.bot.mark()
        g.ask()
        time.sleep(1)
        t0 = time.time()
        time.sleep(a.flood_secs)
        t1 = time.time()
        normal = [v for (t, v) in g.samples("A", t0 * 1e3, t1 * 1e3)]
        bnormal = self.bot_lat(mark)
        fl = Group(self, 0, 1, prefix="f", mode="flood",
                   extra=("--flood-rate", str(a.flood_rate)))
        fl.wait("ready", 30)
        pid = self.bot_pid()
        c0 = cpu_s(pid)
        fl.signal(signal.SIGUSR1)
        mark = self.bot.mark()
        time.sleep(1)
        t2 = time.time()
        time.sleep(a.flood_secs)
        t3 = time.time()
        c1 = cpu_s(pid)
        flooded = [v for (t, v) in g.samples("A", t2 * 1e3, t3 * 1e3)]
        bflooded = self.bot_lat(mark)
        fl.stop()
        g.stop()
        res = {"victims": n, "flood_rate": a.flood_rate,
               "normal_p50_ms": round(pct(normal, 50), 1),
               "normal_p99_ms": round(pct(normal, 99), 1),
               "flooded_p50_ms": round(pct(flooded, 50), 1),
               "flooded_p99_ms": round(pct(flooded, 99), 1),
               "bot_normal_p99_ms": round(pct(bnormal, 99), 2),
               "bot_flooded_p99_ms": round(pct(bflooded, 99), 2),
               "answers_normal": len(normal), "answers_flooded": len(flooded),
               "bot_cpu_share_flooded": round((c1 - c0) / (t3 - t2 + 1), 2)}
        res["p99_ratio"] = round(res["flooded_p99_ms"] / max(1e-9, res["normal_p99_ms"]), 2)
        self.results["flood"] = res
        log("flood:", res)

    def _idle_cpu(self, secs):
        pid = self.bot_pid()
        c0, t0 = cpu_s(pid), time.time()
        time.sleep(secs)
        return (cpu_s(pid) - c0) * 1e3 / (time.time() - t0)

    def _strangers(self, first, count):
        """count strangers each send one plaintext hello (no OTR): the
        bot's CPU for all of them, per stranger."""
        g = Group(self, first, count, prefix="s", mode="echo",
                  target=self.bot_jid, think=60000)
        g.wait("ready", 60)
        g.signal(signal.SIGUSR1)
        g.wait("secure", 30)
        time.sleep(1)
        pid = self.bot_pid()
        c0 = cpu_s(pid)
        g.ask(once=True)
        time.sleep(3)
        c1 = cpu_s(pid)
        g.stop()
        return (c1 - c0) * 1e3 / count - self._idle_per_ms * 3 / count

    def churn(self):
        a = self.args
        self._idle_per_ms = 0
        idle0 = self._idle_cpu(a.idle_secs)
        self._idle_per_ms = idle0
        s0 = self._strangers(0, a.strangers // 2)
        log("churn: %d people come and go" % a.churn_gone)
        g = Group(self, 0, a.churn_gone, prefix="g", mode="gone")
        g.wait("ready", 60 + a.churn_gone / 10)
        g.signal(signal.SIGUSR1)
        g.ask()
        g.wait("gone", 120 + a.churn_gone / 5)
        g.stop()
        time.sleep(5)            # their offline presences are handled
        idle1 = self._idle_cpu(a.idle_secs)
        idle2 = self._idle_cpu(a.idle_secs)
        self._idle_per_ms = idle2
        s1 = self._strangers(a.strangers // 2, a.strangers // 2)
        live = sum(g.count for lg in self.live for g in lg.gens)
        res = {"live": live, "gone": a.churn_gone,
               "idle_cpu_ms_per_s_before": round(idle0, 2),
               "idle_cpu_ms_per_s_after": round(idle1, 2),
               "idle_cpu_ms_per_s_after_2nd_window": round(idle2, 2),
               "stranger_first_msg_cpu_ms_before": round(s0, 3),
               "stranger_first_msg_cpu_ms_after": round(s1, 3),
               "rss_kb_after": rss_kb(self.bot_pid())}
        self.results["churn"] = res
        log("churn:", res)


STEP_KINDS = (("query", "query"), ("dh-key", "dh-key"),
              ("signature", "signature"))


def ratios(r):
    """The floors' mean and spread, and each figure's ratio to them: the
    ratio to the mean, and the range given by the highest and lowest
    floor (what the floor's own noise allows)."""
    floors = r.get("floors", [])
    if not floors:
        return
    fl = {k: spread([f[k] for f in floors])
          for k in ("handshake_cpu_ms", "answer_cpu_ms")}
    steps = {}
    for k in ("query", "dh-key", "signature", "greeting", "data-in", "reply"):
        steps[k] = spread([f["steps"].get(k) for f in floors
                           if "steps" in f])
    r["floor"] = {"handshake_cpu_ms": fl["handshake_cpu_ms"]["mean"],
                  "answer_cpu_ms": fl["answer_cpu_ms"]["mean"],
                  "handshake_spread": fl["handshake_cpu_ms"],
                  "answer_spread": fl["answer_cpu_ms"], "steps": steps}

    def ratio(v, sp):
        return {"mean": round(v / sp["mean"], 2),
                "lo": round(v / sp["max"], 2), "hi": round(v / sp["min"], 2)}
    for st in r.get("steady", []):
        for key, fk in (("cpu_ms_per_answer", "answer_cpu_ms"),
                        ("cpu_ms_per_handshake", "handshake_cpu_ms"),
                        ("cpu_ms_per_answer_marginal", "answer_cpu_ms")):
            if key in st:
                rr = ratio(st[key], fl[fk])
                name = key.replace("cpu_ms_per_", "") + "_ratio"
                st[name] = rr["mean"]
                st[name + "_range"] = "%.2f-%.2f" % (rr["lo"], rr["hi"])
        fa = st.get("floor_alongside_handshakes", {})
        if fa.get("handshake_cpu_ms") and "cpu_ms_per_handshake" in st:
            st["handshake_ratio_alongside"] = round(
                st["cpu_ms_per_handshake"] / fa["handshake_cpu_ms"], 2)
        fo = st.get("floor_alongside_handshakes_one_list", {})
        if fo.get("handshake_cpu_ms") and "cpu_ms_per_handshake" in st:
            st["handshake_ratio_alongside_one_list"] = round(
                st["cpu_ms_per_handshake"] / fo["handshake_cpu_ms"], 2)
        fb = st.get("floor_alongside_answers", {})
        if fb.get("answer_cpu_ms") and "cpu_ms_per_answer" in st:
            st["answer_ratio_alongside"] = round(
                st["cpu_ms_per_answer"] / fb["answer_cpu_ms"], 2)
        # the handshake by step: the bot's CPU per stanza of each kind
        # (its phases: otr = otr.c + libotr, bot = daemon and bot,
        # xmpp = sending) beside libotr's own for that step
        kh = st.get("kinds_handshakes", {})
        att = []
        for kind, fk in STEP_KINDS:
            if kind not in kh or not kh[kind][0]:
                continue
            n, b, o, x = kh[kind]
            row = {"step": kind, "n": n, "bot_ms": round(b / n / 1e3, 3),
                   "otr_ms": round(o / n / 1e3, 3),
                   "xmpp_ms": round(x / n / 1e3, 3),
                   "total_ms": round((b + o + x) / n / 1e3, 3)}
            if steps.get(fk):
                row["floor_ms"] = steps[fk]["mean"]
                if kind == "signature" and steps.get("greeting"):
                    # the greeting goes out while the signature is handled
                    row["floor_ms"] = round(steps[fk]["mean"] +
                                            steps["greeting"]["mean"], 3)
                row["otr_ratio"] = round(row["otr_ms"] / row["floor_ms"], 2)
                row["total_ratio"] = round(row["total_ms"] / row["floor_ms"], 2)
            fs = st.get("floor_same_contexts", {}).get("steps", {})
            if fk in fs:
                row["floor_same_contexts_ms"] = round(fs[fk] + (
                    fs.get("greeting", 0) if kind == "signature" else 0), 3)
            fs = fa.get("steps", {})
            if fk in fs:
                row["floor_alongside_ms"] = round(fs[fk] + (
                    fs.get("greeting", 0) if kind == "signature" else 0), 3)
                row["total_ratio_alongside"] = round(
                    row["total_ms"] / row["floor_alongside_ms"], 2)
                row["otr_ratio_alongside"] = round(
                    row["otr_ms"] / row["floor_alongside_ms"], 2)
            fs = st.get("floor_alongside_handshakes_one_list", {}).get(
                "steps", {})
            if fk in fs:
                row["floor_one_list_ms"] = round(fs[fk] + (
                    fs.get("greeting", 0) if kind == "signature" else 0), 3)
                row["otr_ratio_one_list"] = round(
                    row["otr_ms"] / row["floor_one_list_ms"], 2)
            att.append(row)
        hs = st.get("handshakes") or 0
        if hs and kh:
            inside = sum(v[1] + v[2] + v[3] for k, v in kh.items()
                         if k != "clock-reads") / 1e3
            steps_ms = sum(sum(kh[k][1:]) for k, _ in STEP_KINDS
                           if k in kh) / 1e3
            total = st["bot_cpu_ms_handshake_window"]
            idle = st["idle_ms_handshake_window"]
            st["handshake_attribution"] = {
                "steps": att,
                "window_ms": total, "idle_ms": idle,
                "handshake_steps_ms": round(steps_ms, 1),
                "other_kinds_ms": {k: round(sum(v[1:]) / 1e3, 1)
                                   for k, v in kh.items()
                                   if k not in dict(STEP_KINDS) and
                                   k != "clock-reads"},
                # parsing, select(), the log's writes and whatever runs
                # outside a stanza's handler
                "outside_handlers_ms": round(total - inside, 1),
                "per_handshake_ms": {
                    "steps": round(steps_ms / hs, 3),
                    "rest_minus_idle": round((total - steps_ms - idle) / hs, 3)},
            }
        ka = st.get("kinds_answers", {})
        if "data" in ka and ka["data"][0]:
            n, b, o, x = ka["data"]
            row = {"n": n, "bot_ms": round(b / n / 1e3, 3),
                   "otr_ms": round(o / n / 1e3, 3),
                   "xmpp_ms": round(x / n / 1e3, 3)}
            if steps.get("data-in") and steps.get("reply"):
                row["floor_ms"] = round(steps["data-in"]["mean"] +
                                        steps["reply"]["mean"], 3)
                row["otr_ratio"] = round(row["otr_ms"] / row["floor_ms"], 2)
            if fb.get("answer_cpu_ms"):
                row["floor_alongside_ms"] = fb["answer_cpu_ms"]
                row["otr_ratio_alongside"] = round(
                    row["otr_ms"] / fb["answer_cpu_ms"], 2)
            st["answer_attribution"] = row


def machine():
    model = ""
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem = f.readline().split()[1]
    return {"nproc": os.cpu_count(), "cpu": model, "mem_kb": int(mem),
            "load_at_start": os.getloadavg(), "kernel": platform.release()}


def machine_state():
    """What else ran: the time, the load averages, the bench's own
    niceness and the first 20 lines of `top -b -n1` (kept in the JSON
    with every stage, the storm and the run's start and end)."""
    try:
        top = subprocess.run(["top", "-b", "-n1", "-w", "160"],
                             stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, text=True,
                             timeout=20).stdout.splitlines()[:20]
    except (OSError, subprocess.SubprocessError):
        top = []
    return {"utc": time.strftime("%H:%M:%S", time.gmtime()),
            "load": os.getloadavg(), "nice": os.nice(0), "top": top}


def fmt(v, unit="", nd=2):
    if v is None or v != v:
        return "-"
    if isinstance(v, float):
        return ("%%.%df%%s" % nd) % (v, unit)
    return "%s%s" % (v, unit)


def table(r):
    """The figures as text: ratios to the floors first."""
    out = []
    w = out.append
    fl = r.get("floor", {})
    m = r.get("machine", {})
    w("")
    w("== secours load benchmark: %d CPUs, load %s at the start, %s at the end, %s s, nice %s =="
      % (m.get("nproc", 0), "/".join("%.1f" % x for x in m.get("load_at_start", ())),
         "/".join("%.1f" % x for x in r.get("load_at_end", ())), r.get("wall_s"),
         r.get("machine_state_start", {}).get("nice", "?")))
    if r.get("bot_env"):
        w("the bot's environment: " + " ".join(
            "%s=%s" % kv for kv in sorted(r["bot_env"].items())))
    if fl:
        hs, an = fl["handshake_spread"], fl["answer_spread"]
        w("floor (libotr alone, same run, %d runs: mean, min-max): handshake "
          "%.2f ms (%.2f-%.2f), answer %.2f ms (%.2f-%.2f) of CPU"
          % (hs["n"], hs["mean"], hs["min"], hs["max"],
             an["mean"], an["min"], an["max"]))
    st = r.get("steady", [])
    if st:
        w("")
        w("%-34s" % "steady: sessions" + "".join("%14s" % s["sessions"] for s in st))
        rows = [("clients asking", "askers", ""),
                ("bot CPU per handshake, ms", "cpu_ms_per_handshake", ""),
                ("  / floor (target <= 1.1)", "handshake_ratio", "x"),
                ("  / floor, by the floors' spread", "handshake_ratio_range", ""),
                ("bot CPU per answer, ms", "cpu_ms_per_answer", ""),
                ("  / floor (target <= 1.1)", "answer_ratio", "x"),
                ("  / floor, by the floors' spread", "answer_ratio_range", ""),
                ("floor alongside: handshake, ms", "floor_hs_alongside", ""),
                ("  bot / it (target <= 1.1)", "handshake_ratio_alongside", "x"),
                ("  the older floor (one list), ms", "floor_hs_one_list", ""),
                ("  bot / it", "handshake_ratio_alongside_one_list", "x"),
                ("floor alongside: answer, ms", "floor_an_alongside", ""),
                ("  bot / it (target <= 1.1)", "answer_ratio_alongside", "x"),
                ("bot idle CPU, ms/s (subtracted)", "idle_cpu_ms_per_s", ""),
                ("answer - idle, / floor", "answer_marginal_ratio", "x"),
                ("queries sent / re-sent / by libotr", "queries", ""),
                ("handshake window, s", "handshake_window_s", ""),
                ("measurement's own, ms/handshake", "probe_ms_per_handshake", ""),
                ("page faults per handshake", "page_faults_per_handshake", ""),
                ("system calls per handshake (perf)",
                 "perf_sys_enter_per_handshake", ""),
                ("context switches per handshake",
                 "context_switches_per_handshake", ""),
                ("handshakes/s", "handshakes_per_s", ""),
                ("answers/s (bot's count)", "bot_answers_per_s", ""),
                ("bot CPU share while asking", "bot_cpu_share", ""),
                ("inside the bot p50, ms", "bot_p50_ms", ""),
                ("inside the bot p99, ms (< 50)", "bot_p99_ms", ""),
                ("client p50, ms", "client_p50_ms", ""),
                ("client p99, ms", "client_p99_ms", ""),
                ("handshake p99 (client), ms", "handshake_p99_ms", ""),
                ("bot RSS after asking, KB", "rss_kb_after_asking", ""),
                ("RSS per session added, KB", "rss_kb_per_session_added", ""),
                ("load average (1 min) at the end", "load1", ""),
                ("stopped", "stopped", "")]
        for s in st:
            s["floor_hs_alongside"] = s.get(
                "floor_alongside_handshakes", {}).get("handshake_cpu_ms")
            s["floor_hs_one_list"] = s.get(
                "floor_alongside_handshakes_one_list", {}).get(
                "handshake_cpu_ms")
            s["floor_an_alongside"] = s.get(
                "floor_alongside_answers", {}).get("answer_cpu_ms")
            if "queries_sent" in s:
                s["queries"] = "%d/%d/%d" % (s["queries_sent"],
                                             s["queries_resent"],
                                             s["queries_by_libotr"])
        for label, k, u in rows:
            if any(k in s for s in st):
                w("%-34s" % label + "".join(
                    "%14s" % fmt(s.get(k), u)[:13] for s in st))
        for s in st:
            att = s.get("handshake_attribution")
            if not att:
                continue
            w("")
            w("handshake by step at %d sessions (bot's thread CPU per stanza, "
              "ms; otr = otr.c + libotr)" % s["sessions"])
            w("%-11s%5s%8s%7s%7s%8s%8s%7s%8s%7s%7s" % (
                "step", "n", "otr", "bot", "xmpp", "total", "floor",
                "ratio", "along", "ratio", "otr"))
            for row in att["steps"]:
                w("%-11s%5d%8.3f%7.3f%7.3f%8.3f%8s%7s%8s%7s%7s" % (
                    row["step"], row["n"], row["otr_ms"], row["bot_ms"],
                    row["xmpp_ms"], row["total_ms"],
                    fmt(row.get("floor_ms"), "", 3),
                    fmt(row.get("total_ratio"), "x"),
                    fmt(row.get("floor_alongside_ms"), "", 3),
                    fmt(row.get("total_ratio_alongside"), "x"),
                    fmt(row.get("otr_ratio_alongside"), "x")))
            w("(floor: the quiet floors' mean; along: libotr alone during "
              "these handshakes, %s sessions in its list; ratio: total / "
              "floor; otr: otr / along)" % s["sessions"])
            ph = att["per_handshake_ms"]
            w("per handshake: steps %.3f ms, the rest of the window less idle "
              "%.3f ms (window %.0f ms, idle %.0f ms, outside handlers %.0f ms; "
              "other kinds %s)" % (ph["steps"], ph["rest_minus_idle"],
                                   att["window_ms"], att["idle_ms"],
                                   att["outside_handlers_ms"],
                                   att["other_kinds_ms"]))
            an = s.get("answer_attribution")
            if an:
                w("per answer (data in + reply): otr %.3f ms (floor %s, %sx; "
                  "alongside %s, %sx), bot %.3f ms, xmpp %.3f ms, %d questions"
                  % (an["otr_ms"], fmt(an.get("floor_ms"), "", 3),
                     fmt(an.get("otr_ratio")),
                     fmt(an.get("floor_alongside_ms"), "", 3),
                     fmt(an.get("otr_ratio_alongside")),
                     an["bot_ms"], an["xmpp_ms"], an["n"]))
    e = r.get("echo")
    if e:
        w("")
        w("echo (server ceiling, %d clients, no OTR): %s msg/s, p50 %s ms, p99 %s ms; "
          "Prosody %s ms CPU a message" % (e["clients"], e["answers_per_s"],
                                          e["p50_ms"], e["p99_ms"],
                                          e["prosody_cpu_ms_per_msg"]))
    f = r.get("flood")
    if f:
        w("flood (%d others asking, one JID at %s/s): others' client p99 %s -> %s ms "
          "= %sx (target < 2); inside the bot p99 %s -> %s ms"
          % (f["victims"], f["flood_rate"], f["normal_p99_ms"], f["flooded_p99_ms"],
             f["p99_ratio"], f["bot_normal_p99_ms"], f["bot_flooded_p99_ms"]))
    c = r.get("churn")
    if c:
        w("churn (%d live, %d came and went): idle CPU %s -> %s ms/s; "
          "a stranger's first message %s -> %s ms"
          % (c["live"], c["gone"], c["idle_cpu_ms_per_s_before"],
             c["idle_cpu_ms_per_s_after_2nd_window"],
             c["stranger_first_msg_cpu_ms_before"],
             c["stranger_first_msg_cpu_ms_after"]))
    rs = r.get("restart")
    if rs:
        w("restart storm (%d sessions): all answered after %s s, half after %s s; "
          "bot CPU %s s; %d re-keyed; answers p50/p99 %s / %s ms (client), "
          "%s / %s ms (inside the bot)%s"
          % (rs["sessions"], fmt(rs["all_answered_s"]), fmt(rs["half_answered_s"]),
             rs["bot_cpu_s"], rs["clients_rekeyed"],
             fmt(rs.get("answer_p50_ms")), fmt(rs.get("answer_p99_ms")),
             fmt(rs.get("bot_p50_ms")), fmt(rs.get("bot_p99_ms")),
             (" (" + rs["stopped"] + ")") if "stopped" in rs else ""))
    me = r.get("memory")
    if me:
        steps = ", ".join("%s: %s KB" % (x["sessions"], x["rss_kb"])
                          for x in me.get("steps", []))
        if "rss_kb_after_expiry" in me:
            w("memory: RSS by sessions %s; %d sessions %s KB -> %s KB after "
              "%d expired (%s KB a session freed)"
              % (steps, me["sessions"], me["rss_kb_with_sessions"],
                 me["rss_kb_after_expiry"], me["sessions_expired"],
                 me["rss_kb_freed_per_session"]))
        else:
            w("memory: RSS by sessions %s; %s" % (steps, me.get("stopped", "")))
    if rs and "generator_cpu_s" in rs:
        w("restart storm's CPU: bot %s s, clients %s s, Prosody %s s over "
          "%s s of wall time (2 cores: at least %.1f s)"
          % (rs["bot_cpu_s"], rs["generator_cpu_s"], rs["prosody_cpu_s"],
             rs["wall_s"], (rs["bot_cpu_s"] + rs["generator_cpu_s"] +
                            rs["prosody_cpu_s"]) / 2))
    if r.get("errors"):
        w("errors: %s" % r["errors"])
    return "\n".join(out)


def parser():
    """The runner's options (bench/expire_rss.py takes its defaults)."""
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--stages", default="100,1000",
                   help="session counts the steady scenario grows through")
    p.add_argument("--scenarios",
                   default="floor,echo,steady,restart,memory,flood,churn")
    p.add_argument("--askers", type=int, default=150,
                   help="at each steady stage, this many of the live clients "
                   "ask (the others keep their sessions idle)")
    p.add_argument("--gen-nice", type=int, default=5,
                   help="the generator runs this much nicer than the bot "
                   "and Prosody")
    p.add_argument("--no-bot-session", dest="bot_session",
                   action="store_false",
                   help="run the bot in the runner's session (by default it "
                   "gets one of its own: its own autogroup)")
    p.add_argument("--idle-timeout", type=int, default=60,
                   help="otr.idle_timeout (s) of the bot restarted by the "
                   "restart scenario, for the memory scenario")
    p.add_argument("--bot-env", action="append", default=[],
                   metavar="KEY=VALUE",
                   help="a variable of the bot's environment only "
                   "(repeatable; KEY= empties it)")
    p.add_argument("--set", action="append", default=[],
                   help="KEY=VALUE of the bot's config, e.g. "
                   "limits.otr_threads=2 (repeatable)")
    p.add_argument("--ask-secs", type=float, default=15)
    p.add_argument("--think", type=float, default=1100,
                   help="ms between an answer and the next question")
    p.add_argument("--login-rate", type=float, default=100,
                   help="logins per second (all processes together)")
    p.add_argument("--otr-rate", type=float, default=100,
                   help="new clients start OTR at this rate (a second, all "
                   "processes together; 0: all at once); the restart storm "
                   "is always all at once")
    p.add_argument("--per-proc", type=int, default=50)
    p.add_argument("--restart-timeout", type=float, default=300)
    p.add_argument("--flood-victims", type=int, default=100)
    p.add_argument("--flood-rate", type=float, default=50)
    p.add_argument("--flood-secs", type=float, default=15)
    p.add_argument("--churn-gone", type=int, default=1000)
    p.add_argument("--strangers", type=int, default=100)
    p.add_argument("--idle-secs", type=float, default=10)
    p.add_argument("--floor-handshakes", type=int, default=200)
    p.add_argument("--floor-answers", type=int, default=1000)
    p.add_argument("--answer-bytes", type=int, default=1200)
    p.add_argument("--bot-cpus", help="taskset the bot on these CPUs "
                   "(e.g. 0); with --gen-cpus, to see what the generator "
                   "running beside the bot does to its CPU time")
    p.add_argument("--gen-cpus", help="the generator's processes on these "
                   "CPUs (e.g. 1, or 0: the same CPU as --bot-cpus 0)")
    p.add_argument("--perf", action="store_true",
                   help="perf record the bot during each stage's handshakes "
                   "(needs perf; the profile's top lines go into the results)")
    p.add_argument("--perf-event", default="cpu-clock",
                   help="with --perf: what perf records in the bot "
                   "(cpu-clock at 999 a second by default; another event, "
                   "e.g. page-faults, is recorded at each occurrence, "
                   "with its data address)")
    p.add_argument("--perf-call-graph", metavar="MODE",
                   help="with --perf: perf record --call-graph MODE (e.g. "
                   "dwarf,16384: who called what; KEEP_TMP=1 keeps the data)")
    p.add_argument("--callgrind", action="store_true",
                   help="run the bot under valgrind --tool=callgrind, "
                   "instrumented in each stage's idle and handshake windows "
                   "only: its instructions per handshake (the idle rate's "
                   "subtracted); CPU figures are then meaningless")
    p.add_argument("--callgrind-stages", metavar="N,N",
                   help="with --callgrind: only these stages (the others "
                   "run under valgrind uninstrumented, --otr-rate)")
    p.add_argument("--callgrind-windows", default="handshakes",
                   help="with --callgrind: the windows instrumented, "
                   "handshakes and/or answers (comma-separated; the idle "
                   "window always is, for the idle rate)")
    p.add_argument("--callgrind-otr-rate", type=float, default=4,
                   help="with --callgrind: OTR starts a second in the "
                   "instrumented stages (default 4; the bot runs about 50 "
                   "times slower there)")
    p.add_argument("--bot-log-level", default="debug",
                   choices=("debug", "info", "notice", "warning"),
                   help="the bot's log.level (debug: its CPU by OTR "
                   "message kind and its own latency are measured too)")
    p.add_argument("--no-floor-alongside", dest="floor_alongside",
                   action="store_false",
                   help="at each steady stage, libotr alone runs at the same "
                   "time as the bot's handshakes and again as its answers, "
                   "with as many sessions in its list (the default): the "
                   "floor on an equally busy machine")
    p.add_argument("--no-floor-per-stage", dest="floor_per_stage",
                   action="store_false",
                   help="after each steady stage, libotr alone with as many "
                   "other sessions in its list is measured too (the default)")
    p.add_argument("--json", help="write the results here too")
    return p


def main():
    a = parser().parse_args()
    a.stages = [int(x) for x in a.stages.split(",") if x]
    a.scenarios = a.scenarios.split(",")
    a.max_clients = max(a.stages + [a.flood_victims])
    run = Run(a)
    run.results["machine"] = machine()
    run.results["machine_state_start"] = machine_state()
    run.results["args"] = {k: v for k, v in vars(a).items()}
    run.results["bot_env"] = bot_env(a)
    t0 = time.monotonic()
    try:
        run.setup()
        # order: floors and echo first; the first stage; flood and churn
        # with that stage's sessions idle (churn: --churn-gone against
        # them); the larger stages; the restart storm with all of them
        plan = [("floor", run.floor), ("echo", run.echo),
                ("steady", lambda: run.steady(a.stages[:1])),
                ("flood", run.flood), ("churn", run.churn),
                ("floor", run.floor),
                ("steady", lambda: run.steady(a.stages[1:])),
                ("restart", run.restart), ("memory", run.memory)]
        for s, fn in plan:
            if s in a.scenarios:
                try:
                    fn()
                except Exception as e:  # report and go on with the others
                    log("%s failed: %r" % (s, e))
                    run.results.setdefault("errors", {})[s] = repr(e)
        run.stop_live()
        # the floor again at the end: the machine is shared
        if "floor" in a.scenarios:
            run.floor()
    finally:
        run.results["wall_s"] = round(time.monotonic() - t0, 1)
        run.results["load_at_end"] = os.getloadavg()
        run.results["machine_state_end"] = machine_state()
        run.teardown()
    ratios(run.results)
    text = json.dumps(run.results, indent=1)
    if a.json:
        with open(a.json, "w") as f:
            f.write(text + "\n")
    else:
        print(text)
    print(table(run.results))


if __name__ == "__main__":
    main()
