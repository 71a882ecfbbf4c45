#!/usr/bin/python3
"""The bot's own CPU in a call-graph profile of its handshakes.

    perf script -i perf-handshakes-1000.data -F tid,period,ip,sym,dso > s.txt
    bench/perf_own.py s.txt 1000 [-v]

(the data file of `bench/run-load.sh --perf --perf-call-graph dwarf,16384`
with KEEP_TMP=1; 1000: the handshakes in it). A sample is libotr's (the
crypto floor's work) when the first frame from the leaf outside libc, the
kernel, the vDSO and libgcrypt is libotr's; every other sample is the
bot's own, counted in the first category whose function is on its stack
(the table below, in order). perf's cpu-clock samples at -F 999 are 1 ms
of CPU each, so samples / handshakes = ms a handshake. See
docs/performance.md, "The bot's own work per handshake".
"""
import collections
import re
import sys

GLUE = ("libc.so", "[kernel", "[vdso]", "ld-linux", "[unknown]",
        "libgcrypt", "libgpg-error")

CATEGORIES = [
    ("the measurement's clock reads (cpustat: debug level only)",
     ("charge", "cpustat_begin", "cpustat_begin_body", "cpustat_end",
      "clock_read")),
    ("log lines written (fprintf, write)", ("log_emit",)),
    ("log_peer (keyed hash of a JID)", ("log_peer",)),
    ("select() in the event loop", ("__GI___select", "__select")),
    ("send() of queued stanzas", ("__libc_send", "__send")),
    ("recv()", ("__libc_recv", "__recv")),
    ("building a stanza (xmppc_send_body)", ("xmppc_send_body",)),
    ("the tick", ("tick",)),
    ("handlers: daemon, bot, otr.c outside libotr",
     ("on_message", "cb_message", "otr_dispatch", "flush")),
    ("parsing outside handlers (expat, libstrophe)", ("XML_ParseBuffer",)),
    ("libstrophe's loop, other", ("xmpp_run_once",)),
]


def parse(path):
    """[[(symbol, object), ...] leaf first] per sample."""
    samples, cur = [], None
    with open(path) as f:
        for line in f:
            if not line.strip():
                if cur:
                    samples.append(cur)
                cur = None
                continue
            if cur is None:         # the sample's header line
                cur = []
                continue
            m = re.match(r"\s*([0-9a-f]+) (.*) \((.*)\)$", line)
            if m:
                cur.append([m.group(2), m.group(3), m.group(1)])
    if cur:
        samples.append(cur)
    for s in samples:
        # an inlined frame at the address of the next real frame is part
        # of that frame's object; otherwise it is libc's (malloc's inlines)
        for i in range(len(s) - 1, -1, -1):
            if s[i][1] == "inlined":
                same = i + 1 < len(s) and s[i + 1][2] == s[i][2]
                s[i][1] = s[i + 1][1] if same else "libc.so.6"
    return [[(sym, obj) for sym, obj, _ in s] for s in samples]


def is_crypto(s):
    for _, obj in s:
        if not any(g in obj for g in GLUE):
            return "libotr" in obj
    return any("libgcrypt" in obj for _, obj in s)


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    samples = parse(sys.argv[1])
    n = float(sys.argv[2])
    verbose = "-v" in sys.argv[3:]
    count, detail = collections.Counter(), collections.defaultdict(
        collections.Counter)
    own = 0
    for s in samples:
        if is_crypto(s):
            continue
        own += 1
        names = [sym for sym, _ in s]
        label = "other"
        for lab, funcs in CATEGORIES:
            if any(f in names for f in funcs):
                label = lab
                break
        count[label] += 1
        mine = [sym for sym, obj in s if "secours" in obj.rsplit("/", 1)[-1]]
        detail[label][mine[0] if mine else names[0]] += 1
    print("%d samples, %d the bot's own: %.3f ms a handshake"
          % (len(samples), own, own / n))
    for label, v in count.most_common():
        print("%7.3f ms %5.1f%%  %s" % (v / n, 100.0 * v / max(1, own), label))
        if verbose:
            for fn, k in detail[label].most_common(6):
                print("%18d  %s" % (k, fn))


if __name__ == "__main__":
    main()
