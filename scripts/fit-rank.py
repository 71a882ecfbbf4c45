#!/usr/bin/python3
"""fit-rank.py: fit the search's ranking and decision constants (issue 8).

The constants of src/search.c's rank_params (BM25_K1, W_HEADING, the page
outcome's page_*, the prior's nb_*...) were set by hand, most of them on
far fewer questions than there are today. This script fits them jointly
on the TUNE lines of the question sets, through bench/rank_eval (built by
`make bench/rank_eval`), which rebuilds both indexes and asks every tune
question for each setting. Run it in the build directory (or give
--eval), niced; --dfak adds the DFAK tune lines (the figures in
docs/design.md have them). Every constant rank_eval -p lists must have a
grid below (round values around today's default).

  scripts/fit-rank.py --dfak DIR [--eval B/bench/rank_eval] [--top SRC]
      coordinate ascent from today's defaults; prints every step taken,
      the changes pruned, and tune figures before -> after
  ... --jobs N        N rank_eval processes at once (default 2)
  ... --steepest      best-first instead: each step takes the single
                      change, over every constant and value, that passes
                      the step test and raises the folds' sum most
  ... --relaxed       coordinate steps that raise the folds' sum and lose
                      on neither fold (the pruning still asks for both)
  ... --random N      then N random joint steps (2-3 constants, 1-2 grid
                      steps each), taken when they pass the step test
  ... --guard         a step must also lose on no set
  ... --only a,b,...  vary these constants only
  ... --sweep         each constant alone over its grid: its best and
                      worst change of the objective on folds A and B
  ... --start "name=value ..."   coordinate ascent from this setting
  ... --prune "name=value ..."   the pruning alone, of this setting
  ... --show "name=value ..."
      tune figures of one setting, per set and fold, against the defaults
  ... --test "name=value ..."
      test-half totals of one setting against the defaults: run it ONCE
      per candidate, after the fit, never to steer it

Objective, per fold (as docs/design.md's measurements count it): for the
replies/ sets, top-1 - 3 x confident wrong; for the DFAK sets, page-1
(top-1, or a PAGE outcome on a page the label names) - 3 x confident
wrong; the fold's objective is replies + W x DFAK, where W is the number
of replies/ tune lines over the number of DFAK tune lines (about 2.2
today; --dfak-weight to change it): a DFAK question then weighs as much
as a replies/ one times their ratio, so that each group weighs the same in
total and neither decides alone.

Step test: a step is taken only when it raises the objective on fold A
AND on fold B (the tune lines of each set alternate between the folds),
and lowers neither group (replies, DFAK) on either fold.

Coordinate ascent: each constant in turn, every value of its grid tried
with the others fixed; the best that passes the step test is taken.
Rounds until none moves (at most ROUNDS). Then the pruning: each changed
constant is put back to its default alone, and stays only if the fitted
setting beats that on both folds (weakest first, until every change left
helps on both folds alone). Deterministic (fixed seeds).

When the pages or the lexicon change, re-run the fit (with the DFAK
corpus), then --test once per candidate, and copy into rank_params in
src/search.c only a candidate that loses on neither test-half objective
(docs/design.md, "Ranking constants").
"""

import argparse
import os
import random
import subprocess
import sys

ROUNDS = 3
WRONG = 3.0
DFAK_WEIGHT = None      # set in main(): replies tune lines / DFAK ones

# Grids shared by constants with the same default.
AROUND_025 = [0, 0.1, 0.2, 0.25, 0.3, 0.4, 0.5]
AROUND_06 = [0.4, 0.5, 0.55, 0.6, 0.65, 0.7, 0.8]
AROUND_07 = [0.5, 0.6, 0.65, 0.7, 0.75, 0.8, 0.9]
AROUND_1 = [0.5, 0.75, 1, 1.25, 1.5]

# Round values each constant may take, around today's defaults (switches:
# 0 and 1; page_cover_asks above 1 is "never").
GRIDS = {
    "bm25_k1": [0.6, 0.8, 1.0, 1.2, 1.4, 1.6, 2.0],
    "bm25_b": [0.5, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 1.0],
    "bm25_mindl": [0, 0.25, 0.5, 0.75, 1, 1.25, 1.5],
    "w_borrowed": [0, 0.1, 0.25, 0.5],
    "w_heading": [1, 1.5, 1.75, 2, 2.25, 2.5, 3],
    "w_page": [0.5, 0.7, 0.8, 0.9, 1, 1.1, 1.2, 1.5],
    "heading_bonus": [0.2, 0.4, 0.5, 0.6, 0.7, 0.8, 1.0],
    "sibling_near": [0.7, 0.75, 0.8, 0.85, 0.9, 0.95],
    "sibling_cover": [0.05, 0.1, 0.15, 0.2, 0.25, 0.3],
    "w_path": AROUND_1,
    "w_title": AROUND_1,
    "w_page_kw": [1, 1.5, 2, 2.5, 3],
    "w_sec_kw": [2, 2.5, 3, 3.5, 4],
    "w_concept": AROUND_07,
    "w_claim": AROUND_07,
    "w_mention": AROUND_06,
    "w_mention_word": [0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 1.0],
    "w_weak": [0.1, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5],
    "subject_other": AROUND_07,
    "w_prefix": AROUND_06,
    "w_typo": AROUND_06,
    "w_unknown": [0.6, 0.8, 0.9, 1.0, 1.1, 1.2, 1.5],
    "lang_other": [0.3, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7],
    "w_asks": AROUND_025,
    "w_ask": AROUND_025,
    "w_ask_own": [0, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4],
    "nb_alpha": [0.03, 0.05, 0.1, 0.2, 0.3],
    "nb_beta": [0, 0.03, 0.05, 0.1, 0.15, 0.2],
    "nb_k": [3, 5, 8, 10, 15],
    "nb_veto": [0, 1],
    "nb_gate": [0, 0.05, 0.1, 0.2],
    "nb_doubt": [0.5, 0.6, 0.7, 0.75, 0.8, 0.9, 1.0],
    "nb_doubt_bar": [1, 1.5, 1.75, 2, 2.25, 2.5, 3],
    "nb_grade": [0, 0.25, 0.5, 1],
    "nb_vouch_bar": AROUND_07,
    "nb_vouch_cover": [0.3, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7],
    "not_floor": [0.3, 0.35, 0.4, 0.45, 0.5],
    "not_margin": [0.15, 0.2, 0.25, 0.3, 0.35],
    "not_aside": [0, 0.05, 0.1, 0.15, 0.2],
    "ask_cover": [0.3, 0.35, 0.4, 0.42, 0.45, 0.5, 0.55],
    "moved_ask": [0.25, 0.3, 0.35, 0.4, 0.45],
    "exact_ask": [0, 0.8, 0.85, 0.9, 0.95],
    "ask_pick": [0.4, 0.45, 0.5, 0.55, 0.6],
    "match_share": [0.35, 0.4, 0.45, 0.5, 0.55],
    "page_hits": [0, 2, 3],
    "page_cover": [0.1, 0.15, 0.2, 0.25, 0.3],
    "page_cover_asks": [0.3, 0.5, 2],
    "page_lead": [0, 0.1, 0.2],
    "page_tie": [0, 0.8, 0.9, 0.95],
    "page_agreed": [0, 1, 1.25, 1.5],
    "page_other": [0.8, 0.85, 0.9, 0.95, 1.1],
    "page_section": [0.8, 0.85, 0.9, 0.95, 1.1],
    "page_heading": [0, 0.2, 0.25, 0.3, 0.35, 0.4],
    "page_clear": [0, 0.5, 0.55, 0.6, 0.65, 0.7],
    "w_term": [0.1, 0.2, 0.3, 0.4, 0.5, 1.0],
    "w_router_unknown": [0, 0.3, 0.35, 0.4, 0.45, 0.5],
    "w_branch": [0, 1],
    "w_prevent_past": [0.4, 0.5, 0.6, 0.7, 0.8, 1.0],
    "w_prevent_before": [1.0, 1.1, 1.2, 1.3, 1.4, 1.5],
    "w_case": [0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 1.0],
    "w_case_named": [1.0, 1.1, 1.2, 1.3, 1.4, 1.5],
    "w_page_absent": [0.7, 0.8, 0.85, 0.9, 0.95, 1.0],
    "page_topic": [0, 1],
    "page_far": [0, 0.6, 0.65, 0.7, 0.75, 0.8],
    "page_share": [0, 0.1, 0.15, 0.2, 0.25],
    "page_carry": [0, 0.5, 0.55, 0.6, 0.65, 0.7],
    "w_links": [1, 1.5, 2, 2.5, 3],
    "page_alone": [0, 0.05, 0.1, 0.15, 0.2],
    "page_titled": [0, 1],
    "page_rival_share": [0, 0.05, 0.1, 0.15, 0.2],
    "w_yield": [0, 0.4, 0.5, 0.6, 0.7, 0.8],
    "w_picked": [0, 0.4, 0.5, 0.6, 0.7, 0.8],
    "lang_absent": [0.5, 0.6, 0.65, 0.7, 0.75, 0.8, 0.9, 1.0],
    "nb_norm": [0, 0.1, 0.2, 0.3, 0.4, 0.5],
}
ORDER = list(GRIDS)

# rank_eval's columns after "set fold" (the last, bar, is a float).
COLS = ["total", "top1", "rank1", "top3", "answers", "wrong", "dash",
        "pages", "pageright", "page1", "dashn"]


def key(setting):
    return " ".join("%s=%g" % (k, setting[k]) for k in sorted(setting))


class Evaluator:
    """N bench/rank_eval processes; settings in, per set/fold counts out
    ({(set, fold): {column: count}})."""

    def __init__(self, exe, top, dfak, test=False, jobs=2):
        cmd = ["nice", exe] + (["-t"] if test else []) + \
            (["-d", dfak] if dfak else []) + [top]
        self.ps = [subprocess.Popen(cmd, stdin=subprocess.PIPE,
                                    stdout=subprocess.PIPE,
                                    stderr=subprocess.DEVNULL, text=True,
                                    bufsize=1) for _ in range(jobs)]
        self.cache = {}
        self.calls = 0

    @staticmethod
    def _read(p):
        res = {}
        while True:
            line = p.stdout.readline()
            if not line:
                sys.exit("rank_eval stopped")
            line = line.split()
            if line == ["end"]:
                return res
            if line[0] == "error":
                sys.exit("rank_eval: " + " ".join(line[1:]))
            if len(line) != len(COLS) + 3:
                sys.exit("rank_eval: %d columns, not %d (COLS)" %
                         (len(line), len(COLS) + 3))
            res[(line[0], line[1])] = dict(zip(COLS, map(int, line[2:-1])))

    def many(self, settings):
        """Runs every setting not yet cached, len(self.ps) at a time."""
        todo = []
        for s in settings:
            k = key(s)
            if k not in self.cache and k not in todo:
                todo.append(k)
        for i in range(0, len(todo), len(self.ps)):
            batch = todo[i:i + len(self.ps)]
            for p, k in zip(self.ps, batch):
                p.stdin.write(k + "\n")
                p.stdin.flush()
            for p, k in zip(self.ps, batch):
                self.cache[k] = self._read(p)
                self.calls += 1
        return [self.cache[key(s)] for s in settings]

    def run(self, setting):
        return self.many([setting])[0]


def is_dfak(name):
    return name.startswith("dfak")


def groups(res, fold):
    """(replies, DFAK) objectives of one fold ("T": the test halves)."""
    rep = dfak = 0.0
    for (name, f), v in res.items():
        if f != fold:
            continue
        if is_dfak(name):
            dfak += v["page1"] - WRONG * v["wrong"]
        else:
            rep += v["top1"] - WRONG * v["wrong"]
    return rep, dfak


def folds(res):
    """The objective of fold A and of fold B."""
    out = []
    for fold in "AB":
        rep, dfak = groups(res, fold)
        out.append(rep + DFAK_WEIGHT * dfak)
    return tuple(out)


def set_scores(res):
    """Each set's objective over both folds."""
    out = {}
    for (name, f), v in res.items():
        right = v["page1"] if is_dfak(name) else v["top1"]
        out[name] = out.get(name, 0) + right - WRONG * v["wrong"]
    return out


# --guard: a step must also lose on no set (both folds together).
GUARD = False


def diff(setting, defaults):
    return {k: v for k, v in setting.items() if v != defaults[k]}


def fmt(setting):
    return " ".join("%s=%g" % kv for kv in sorted(setting.items())) or \
        "(defaults)"


def better(res, bres, relaxed=False):
    """Does setting res beat bres: on both folds (relaxed: on their sum,
    on neither fold less), with neither group (replies, DFAK) lower on
    either fold? With GUARD, no set may lose either."""
    for fold in "AB":
        a, b = groups(res, fold), groups(bres, fold)
        if a[0] < b[0] or a[1] < b[1]:
            return False
    if GUARD:
        a, b = set_scores(res), set_scores(bres)
        if any(a[k] < b[k] for k in b):
            return False
    f, base = folds(res), folds(bres)
    if relaxed:
        return sum(f) > sum(base) and f[0] >= base[0] and f[1] >= base[1]
    return f[0] > base[0] and f[1] > base[1]


def report(what, base, f):
    print("%s: A %.2f -> %.2f, B %.2f -> %.2f" %
          (what, base[0], f[0], base[1], f[1]), flush=True)


def best_of(ev, cur, trials, relaxed):
    """The trial that passes the step test against cur and raises the
    folds' sum most (None if none does)."""
    bres = ev.run(cur)
    best, bsum = None, None
    for trial, res in zip(trials, ev.many(trials)):
        if better(res, bres, relaxed) and (best is None or
                                           sum(folds(res)) > bsum):
            best, bsum = trial, sum(folds(res))
    return best


def fit(ev, defaults, names, relaxed=False, tries=0, start=None):
    cur = dict(start or {})
    base = folds(ev.run(cur))
    print("start %s: objective A %.2f, B %.2f" % ((fmt(cur),) + base),
          flush=True)
    for rnd in range(ROUNDS):
        moved = False
        for name in names:
            trials = [diff({**defaults, **cur, name: v}, defaults)
                      for v in GRIDS[name]]
            best = best_of(ev, cur, trials, relaxed)
            if best is None:
                continue
            f = folds(ev.run(best))
            report("round %d: %s %g -> %g" %
                   (rnd + 1, name, cur.get(name, defaults[name]),
                    best.get(name, defaults[name])), base, f)
            cur, base, moved = best, f, True
        if not moved:
            break
    # Random joint steps (two or three constants, one or two grid steps
    # each) from there.
    rng = random.Random(8)
    for t in range(tries):
        trial = {**defaults, **cur}
        for name in rng.sample(names, rng.choice([2, 3])):
            g = GRIDS[name]
            i = min(range(len(g)), key=lambda j: abs(g[j] - trial[name]))
            i = max(0, min(len(g) - 1, i + rng.choice([-2, -1, 1, 2])))
            trial[name] = g[i]
        trial = diff(trial, defaults)
        if better(ev.run(trial), ev.run(cur)):
            f = folds(ev.run(trial))
            report("random %d: %s" % (t, fmt(trial)), base, f)
            cur, base = trial, f
    return prune(ev, cur)


def steepest(ev, defaults, names, steps=10):
    """Best-first: each step takes the one change, over every constant and
    value, that passes the step test and raises the folds' sum most."""
    cur = {}
    base = folds(ev.run(cur))
    print("start (defaults): objective A %.2f, B %.2f" % base, flush=True)
    for step in range(steps):
        trials = [diff({**defaults, **cur, n: v}, defaults)
                  for n in names for v in GRIDS[n]]
        best = best_of(ev, cur, trials, False)
        if best is None:
            break
        f = folds(ev.run(best))
        report("step %d: %s" % (step + 1, fmt(best)), base, f)
        cur, base = best, f
    return prune(ev, cur)


def prune(ev, cur):
    """Drops, weakest first, each change that does not help on both folds
    given the others."""
    base = folds(ev.run(cur))
    while cur:
        weakest, wgain = None, None
        for name in sorted(cur):
            rest = {k: v for k, v in cur.items() if k != name}
            f = folds(ev.run(rest))
            gain = min(base[0] - f[0], base[1] - f[1])
            if weakest is None or gain < wgain:
                weakest, wgain = name, gain
        if wgain > 0:
            break
        print("pruned %s=%g (gain on the worse fold %.2f)" %
              (weakest, cur[weakest], wgain), flush=True)
        del cur[weakest]
        base = folds(ev.run(cur))
    print("fitted: %s: objective A %.2f, B %.2f (%d settings run)" %
          (fmt(cur), base[0], base[1], ev.calls), flush=True)
    return cur


def sweep(ev, defaults, names):
    """Each constant alone over its grid: how far the objective moves."""
    res0 = ev.run({})
    base = folds(res0)
    print("%-17s %7s %7s %15s %15s %s" % ("constant", "default", "best",
                                          "best (A, B)", "worst (A, B)",
                                          "passes"))
    for name in names:
        trials = [diff({**defaults, name: v}, defaults) for v in GRIDS[name]]
        rows = []
        for v, res in zip(GRIDS[name], ev.many(trials)):
            f = folds(res)
            rows.append((min(f[0] - base[0], f[1] - base[1]), sum(f), v, f,
                         better(res, res0)))
        rows.sort(key=lambda r: (-r[0], -r[1]))
        worst = min(rows, key=lambda r: r[1])
        print("%-17s %7g %7g %7.2f,%7.2f %7.2f,%7.2f %s" %
              (name, defaults[name], rows[0][2],
               rows[0][3][0] - base[0], rows[0][3][1] - base[1],
               worst[3][0] - base[0], worst[3][1] - base[1],
               ",".join("%g" % r[2] for r in rows if r[4]) or "-"),
              flush=True)


def summary(res, fold):
    """The groups' totals of one fold, as docs/design.md reports them."""
    t = {g: dict.fromkeys(COLS, 0) for g in ("replies", "dfak")}
    for (name, f), v in res.items():
        if f == fold:
            g = "dfak" if is_dfak(name) else "replies"
            for c in COLS:
                t[g][c] += v[c]
    rep, dfak = groups(res, fold)
    return ("replies top1 %d rank1 %d wrong %d obj %g; "
            "dfak top1 %d rank1 %d page1 %d wrong %d obj %g" %
            (t["replies"]["top1"], t["replies"]["rank1"],
             t["replies"]["wrong"], rep, t["dfak"]["top1"],
             t["dfak"]["rank1"], t["dfak"]["page1"], t["dfak"]["wrong"],
             dfak))


def table(res0, res1, test):
    """Per set (and fold) figures, before -> after, then the groups (the
    test halves: the groups' totals only)."""
    keys = [] if test else sorted(set(res0) | set(res1))
    if keys:
        print("%-12s %-4s %5s  %-13s %-13s %-13s %-13s %-9s" %
              ("set", "fold", "n", "top-1", "rank-1", "top-3", "page-1",
               "wrong"))
    for k in keys:
        a, b = res0[k], res1[k]
        if a == b:
            continue
        print("%-12s %-4s %5d  %4d -> %-4d  %4d -> %-4d  %4d -> %-4d  "
              "%4d -> %-4d  %3d -> %d" %
              (k[0], k[1], a["total"], a["top1"], b["top1"], a["rank1"],
               b["rank1"], a["top3"], b["top3"], a["page1"], b["page1"],
               a["wrong"], b["wrong"]))
    for fold in ("T",) if test else ("A", "B"):
        print("fold %s before: %s" % (fold, summary(res0, fold)))
        print("fold %s after:  %s" % (fold, summary(res1, fold)))
    if not test:
        print("objective (A, B): %.2f, %.2f -> %.2f, %.2f" %
              (folds(res0) + folds(res1)))


def parse(text):
    out = {}
    for w in text.split():
        k, _, v = w.partition("=")
        if k not in GRIDS:
            sys.exit("no constant %s" % k)
        out[k] = float(v)
    return out


def main():
    global DFAK_WEIGHT, GUARD
    ap = argparse.ArgumentParser(description="fit the ranking constants")
    ap.add_argument("--eval", default="./bench/rank_eval")
    ap.add_argument("--top", default=None, help="source tree")
    ap.add_argument("--dfak", default=None, help="DFAK pages")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--dfak-weight", type=float, default=None)
    ap.add_argument("--relaxed", action="store_true")
    ap.add_argument("--random", type=int, default=0, metavar="N")
    ap.add_argument("--guard", action="store_true")
    ap.add_argument("--only", default=None)
    ap.add_argument("--sweep", action="store_true")
    ap.add_argument("--steepest", action="store_true")
    ap.add_argument("--start", default=None)
    ap.add_argument("--prune", default=None)
    ap.add_argument("--show", default=None)
    ap.add_argument("--test", default=None)
    a = ap.parse_args()
    top = a.top or os.path.join(os.path.dirname(os.path.abspath(
        __file__)), "..")
    if a.test is not None:
        ev = Evaluator(a.eval, top, a.dfak, test=True, jobs=1)
        print("TEST halves (totals; never tune on them):")
        table(ev.run({}), ev.run(parse(a.test)), True)
        return
    # search.c's defaults, as rank_eval -p prints them.
    defaults = {}
    for line in subprocess.run([a.eval, "-p"], capture_output=True,
                               text=True, check=True).stdout.splitlines():
        name, value = line.split()
        defaults[name] = round(float(value), 6)
    if set(defaults) != set(GRIDS):
        sys.exit("rank_eval -p and GRIDS name different constants: %s" %
                 " ".join(sorted(set(defaults) ^ set(GRIDS))))
    ev = Evaluator(a.eval, top, a.dfak, jobs=a.jobs)
    res0 = ev.run({})
    nrep = sum(v["total"] for k, v in res0.items() if not is_dfak(k[0]))
    ndfak = sum(v["total"] for k, v in res0.items() if is_dfak(k[0]))
    DFAK_WEIGHT = a.dfak_weight if a.dfak_weight is not None else \
        (round(nrep / ndfak, 2) if ndfak else 0)
    print("tune lines: replies %d, DFAK %d; DFAK weight %g" %
          (nrep, ndfak, DFAK_WEIGHT), flush=True)
    if a.show is not None:
        table(res0, ev.run(parse(a.show)), False)
        return
    GUARD = a.guard
    names = a.only.split(",") if a.only else ORDER
    for n in names:
        if n not in GRIDS:
            sys.exit("no constant %s" % n)
    if a.sweep:
        sweep(ev, defaults, names)
        return
    if a.prune is not None:
        cur = prune(ev, parse(a.prune))
    elif a.steepest:
        cur = steepest(ev, defaults, names)
    else:
        cur = fit(ev, defaults, names, a.relaxed, a.random,
                  parse(a.start or ""))
    table(res0, ev.run(cur), False)


if __name__ == "__main__":
    main()
