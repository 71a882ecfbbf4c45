#!/usr/bin/python3
"""fit-rank.py: fit the search's ranking constants (issue 8).

The constants of src/search.c's rank_params (BM25_K1, W_HEADING, ...) were
set by hand. This script fits them jointly on the TUNE lines of the
question sets, through bench/rank_eval (built by `make`), which rebuilds
both indexes and asks every tune question for each setting (0.16 s a
setting with the DFAK pages, unloaded machine). Run it in the build
directory (or give --eval); --dfak adds the DFAK tune lines (the figures
in docs/design.md have them).

  scripts/fit-rank.py --dfak DIR [--eval B/bench/rank_eval] [--top SRC]
      coordinate ascent from today's defaults (below); prints every step
      taken, the changes pruned, and tune figures before -> after
  ... --steepest      best-first instead: each step takes the single
                      change, over every constant and value, that raises
                      both folds and their sum most
  ... --relaxed       coordinate steps that raise the sum and lose on
                      neither fold (the pruning still asks for both)
  ... --random N      then N random joint steps (2-3 constants, 1-2 grid
                      steps each), taken when both folds rise
  ... --scatter N     first N random settings around the defaults; start
                      from the best if it beats them on both folds
  ... --guard         a step must also lose on no set
  ... --sweep         each constant alone over its grid: the best and the
                      worst change of the objective on folds A and B
  ... --show "name=value ..."
      tune figures of one setting, per set and fold, against the defaults
  ... --test "name=value ..."
      test-half totals of one setting against the defaults: run it ONCE
      per candidate, after the fit, never to steer it

Objective, per fold: the sum over sets of weight x (top-1 + rank-1 - 2 x
confident wrong), counted as test_quality counts them; questions.tsv
weighs 0.25 (it was tuned on by hand), the DFAK tune lines 2 (pages nobody
wrote for this search, so that the constants generalise), every other set
with halves 1 (helpdesk, uncovered, long, scope, helpdesk2, helpdesk3,
uncovered2, helpdesk4).

Folds: the tune lines of each set alternate between fold A and fold B.
Coordinate ascent: for each constant in turn, every value of its grid
(round values) is tried with the others fixed; the best one is taken only
if it raises the objective on fold A AND on fold B. Rounds until none
moves (at most ROUNDS). Then each changed constant is put back to its
default alone: it stays only if the fitted setting beats that on both
folds (pruned one at a time, weakest first, until every change left
helps on both folds). Deterministic (fixed seeds).

When the pages or the lexicon change, re-run the fit (with the DFAK
corpus), then --test once per candidate, and copy the values that win on
the test halves into rank_params in src/search.c (docs/design.md, "Ranking
constants").
"""

import argparse
import os
import random
import subprocess
import sys

ROUNDS = 4
WEIGHTS = {"questions": 0.25, "dfak": 2.0}
WRONG = 2.0


def frange(lo, hi, step):
    n = int(round((hi - lo) / step))
    return [round(lo + i * step, 4) for i in range(n + 1)]


# Round values each constant may take.
GRIDS = {
    "bm25_k1": frange(0.4, 2.4, 0.2),
    "bm25_b": frange(0.3, 1.0, 0.05),
    "w_heading": frange(0.5, 5.0, 0.25),
    "w_page": frange(0.0, 2.0, 0.1),
    "heading_bonus": frange(0.0, 1.5, 0.1),
    "sibling_near": frange(0.6, 1.0, 0.05),
    "sibling_cover": frange(0.0, 0.5, 0.05),
    "w_path": frange(0.0, 3.0, 0.25),
    "w_title": frange(0.0, 3.0, 0.25),
    "w_page_kw": frange(0.0, 4.0, 0.25),
    "w_sec_kw": frange(0.0, 5.0, 0.25),
    "w_concept": frange(0.2, 1.2, 0.05),
    "w_mention": frange(0.1, 1.0, 0.05),
    "w_mention_word": frange(0.1, 1.0, 0.05),
    "w_weak": frange(0.0, 1.0, 0.05),
    "subject_other": frange(0.3, 1.0, 0.05),
    "w_prefix": frange(0.0, 1.0, 0.05),
    "w_typo": frange(0.0, 1.0, 0.05),
    "w_unknown": frange(0.0, 2.0, 0.1),
    "lang_other": frange(0.1, 1.0, 0.05),
    "lang_absent": frange(0.3, 1.0, 0.05),
    "nb_norm": frange(0.0, 1.0, 0.1),
}
ORDER = list(GRIDS)


class Evaluator:
    """One bench/rank_eval process; settings in, per set/fold counts out."""

    def __init__(self, exe, top, dfak, test=False):
        cmd = [exe] + (["-t"] if test else []) + \
            (["-d", dfak] if dfak else []) + [top]
        self.p = subprocess.Popen(cmd, stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True,
                                  bufsize=1)
        self.cache = {}
        self.calls = 0

    def run(self, setting):
        key = " ".join("%s=%g" % (k, setting[k]) for k in sorted(setting))
        if key in self.cache:
            return self.cache[key]
        self.p.stdin.write(key + "\n")
        self.p.stdin.flush()
        res = {}
        while True:
            line = self.p.stdout.readline()
            if not line:
                sys.exit("rank_eval stopped")
            line = line.split()
            if line == ["end"]:
                break
            if line[0] == "error":
                sys.exit("rank_eval: " + " ".join(line[1:]))
            res[(line[0], line[1])] = [int(x) for x in line[2:12]]
        self.calls += 1
        self.cache[key] = res
        return res


def score(res, fold):
    s = 0.0
    for (name, f), v in res.items():
        total, top1, rank1, top3, answers, wrong = v[:6]
        if f == fold:
            s += WEIGHTS.get(name, 1.0) * (top1 + rank1 - WRONG * wrong)
    return s


def folds(res):
    return score(res, "A"), score(res, "B")


def set_scores(res):
    """Each set's objective over both folds."""
    out = {}
    for (name, f), v in res.items():
        total, top1, rank1, top3, answers, wrong = v[:6]
        out[name] = out.get(name, 0) + top1 + rank1 - WRONG * wrong
    return out


# --guard: a step must also lose on no set (both folds together).
GUARD = False


def diff(setting, defaults):
    return {k: v for k, v in setting.items() if v != defaults[k]}


def fmt(setting):
    return " ".join("%s=%g" % kv for kv in sorted(setting.items())) or \
        "(defaults)"


def better(f, base, relaxed, res=None, bres=None):
    """Does f beat base: on both folds, or (relaxed) on their sum and
    on neither fold less? With GUARD, no set may lose either."""
    if GUARD and res is not None:
        a, b = set_scores(res), set_scores(bres)
        if any(a[k] < b[k] for k in b):
            return False
    if relaxed:
        return sum(f) > sum(base) and f[0] >= base[0] and f[1] >= base[1]
    return f[0] > base[0] and f[1] > base[1]


def scatter(ev, defaults, n, keep=3):
    """n random settings (each constant, with odds 1/2, moved up to three
    grid steps from its default); the keep best by their worse fold."""
    rng = random.Random(80)
    found = []
    for t in range(n):
        trial = dict(defaults)
        for name in ORDER:
            if rng.random() < 0.5:
                continue
            g = GRIDS[name]
            i = min(range(len(g)), key=lambda j: abs(g[j] - trial[name]))
            i = max(0, min(len(g) - 1, i + rng.choice([-3, -2, -1, 1, 2,
                                                       3])))
            trial[name] = g[i]
        trial = diff(trial, defaults)
        f = folds(ev.run(trial))
        found.append((min(f), sum(f), t, trial))
    found.sort(key=lambda x: (-x[0], -x[1], x[2]))
    for m, s, t, trial in found[:keep]:
        print("scatter %d: worse fold %.2f, sum %.2f: %s" %
              (t, m, s, fmt(trial)))
    return [x[3] for x in found[:keep]]


def fit(ev, defaults, relaxed=False, tries=0, start=None):
    cur = dict(start or {})
    base = folds(ev.run(cur))
    print("start %s: objective A %.2f, B %.2f" % ((fmt(cur),) + base))
    for rnd in range(ROUNDS):
        moved = False
        for name in ORDER:
            best, bestf = None, base
            for v in GRIDS[name]:
                trial = dict(cur)
                trial[name] = v
                trial = diff({**defaults, **trial}, defaults)
                f = folds(ev.run(trial))
                if better(f, base, relaxed, ev.run(trial),
                          ev.run(cur)) and \
                        (best is None or sum(f) > sum(bestf)):
                    best, bestf = v, f
            if best is not None:
                old = cur.get(name, defaults[name])
                cur = diff({**defaults, **cur, name: best}, defaults)
                print("round %d: %s %g -> %g: A %.2f -> %.2f, "
                      "B %.2f -> %.2f" % (rnd + 1, name, old, best,
                                          base[0], bestf[0], base[1],
                                          bestf[1]))
                base = bestf
                moved = True
        if not moved:
            break
    # Random joint steps (two or three constants, one or two grid steps
    # each) from there, taken when they help on both folds.
    rng = random.Random(8)
    for t in range(tries):
        trial = {**defaults, **cur}
        for name in rng.sample(ORDER, rng.choice([2, 3])):
            g = GRIDS[name]
            i = min(range(len(g)), key=lambda j: abs(g[j] - trial[name]))
            i = max(0, min(len(g) - 1, i + rng.choice([-2, -1, 1, 2])))
            trial[name] = g[i]
        trial = diff(trial, defaults)
        f = folds(ev.run(trial))
        if better(f, base, False, ev.run(trial), ev.run(cur)):
            print("random %d: %s: A %.2f -> %.2f, B %.2f -> %.2f" %
                  (t, fmt(trial), base[0], f[0], base[1], f[1]))
            cur, base = trial, f
    # Each change must help on both folds, given the others.
    return prune(ev, cur, base)


def steepest(ev, defaults, steps=8):
    """Best-first: each step takes the one change, over every constant and
    value, that raises both folds and the sum most."""
    cur = {}
    base = folds(ev.run(cur))
    print("start (defaults): objective A %.2f, B %.2f" % base)
    for step in range(steps):
        best, bestf = None, base
        for name in ORDER:
            for v in GRIDS[name]:
                trial = diff({**defaults, **cur, name: v}, defaults)
                f = folds(ev.run(trial))
                if better(f, base, False, ev.run(trial), ev.run(cur)) and \
                        (best is None or sum(f) > sum(bestf)):
                    best, bestf = (name, v), f
        if best is None:
            break
        print("step %d: %s %g -> %g: A %.2f -> %.2f, B %.2f -> %.2f" %
              (step + 1, best[0], cur.get(best[0], defaults[best[0]]),
               best[1], base[0], bestf[0], base[1], bestf[1]))
        cur = diff({**defaults, **cur, best[0]: best[1]}, defaults)
        base = bestf
    return prune(ev, cur, base)


def prune(ev, cur, base):
    """Drops, weakest first, each change that does not help on both folds
    given the others."""
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
              (weakest, cur[weakest], wgain))
        del cur[weakest]
        base = folds(ev.run(cur))
    print("fitted: %s: objective A %.2f, B %.2f (%d settings run)" %
          (fmt(cur), base[0], base[1], ev.calls))
    return cur


def sweep(ev, defaults):
    """Each constant alone over its grid: how far the objective moves."""
    base = folds(ev.run({}))
    print("%-15s %8s %8s %15s %15s" % ("constant", "default", "best",
                                        "best (A, B)", "worst (A, B)"))
    for name in ORDER:
        rows = []
        for v in GRIDS[name]:
            f = folds(ev.run(diff({**defaults, name: v}, defaults)))
            rows.append((min(f[0] - base[0], f[1] - base[1]), sum(f), v, f))
        rows.sort(key=lambda r: (-r[0], -r[1]))
        worst = min(rows, key=lambda r: r[1])
        print("%-15s %8g %8g %7.2f,%7.2f %7.2f,%7.2f" %
              (name, defaults[name], rows[0][2],
               rows[0][3][0] - base[0], rows[0][3][1] - base[1],
               worst[3][0] - base[0], worst[3][1] - base[1]))


def table(res0, res1, test):
    """Per set (and fold) figures, before -> after."""
    keys = sorted(set(res0) | set(res1))
    tot0, tot1 = [0] * 6, [0] * 6
    print("%-12s %-4s %5s  %-13s %-13s %-13s %-9s" %
          ("set", "fold", "n", "top-1", "rank-1", "top-3", "wrong"))
    for k in keys:
        a, b = res0[k], res1[k]
        for i in range(6):
            tot0[i] += a[i]
            tot1[i] += b[i]
        print("%-12s %-4s %5d  %4d -> %-4d  %4d -> %-4d  %4d -> %-4d  "
              "%3d -> %d" % (k[0], k[1], a[0], a[1], b[1], a[2], b[2],
                             a[3], b[3], a[5], b[5]))
    print("%-12s %-4s %5d  %4d -> %-4d  %4d -> %-4d  %4d -> %-4d  "
          "%3d -> %d" % ("total", "", tot0[0], tot0[1], tot1[1], tot0[2],
                         tot1[2], tot0[3], tot1[3], tot0[5], tot1[5]))
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
    ap = argparse.ArgumentParser(description="fit the ranking constants")
    ap.add_argument("--eval", default="./bench/rank_eval")
    ap.add_argument("--top", default=None, help="source tree")
    ap.add_argument("--dfak", default=None, help="DFAK pages")
    ap.add_argument("--relaxed", action="store_true",
                    help="coordinate steps that raise the sum and lose on "
                    "neither fold (the pruning still asks for both)")
    ap.add_argument("--random", type=int, default=0, metavar="N",
                    help="then N random joint steps")
    ap.add_argument("--guard", action="store_true",
                    help="a step must also lose on no set")
    ap.add_argument("--scatter", type=int, default=0, metavar="N",
                    help="first N random settings around the defaults; "
                    "fit from the best (by its worse fold) if it beats "
                    "them on both folds")
    ap.add_argument("--sweep", action="store_true",
                    help="each constant alone over its grid, against "
                    "the defaults (gains on folds A and B)")
    ap.add_argument("--steepest", action="store_true",
                    help="best-first steps instead of constant by constant")
    ap.add_argument("--show", default=None)
    ap.add_argument("--test", default=None)
    a = ap.parse_args()
    top = a.top or os.path.join(os.path.dirname(os.path.abspath(
        __file__)), "..")
    if a.test is not None:
        ev = Evaluator(a.eval, top, a.dfak, test=True)
        print("TEST halves (totals; never tune on them):")
        table(ev.run({}), ev.run(parse(a.test)), True)
        return
    ev = Evaluator(a.eval, top, a.dfak)
    # search.c's defaults, as rank_eval -p prints them.
    defaults = {}
    for line in subprocess.run([a.eval, "-p"], capture_output=True,
                               text=True, check=True).stdout.splitlines():
        name, value = line.split()
        defaults[name] = round(float(value), 6)
    if set(defaults) != set(GRIDS):
        sys.exit("rank_eval -p and GRIDS name different constants")
    if a.show is not None:
        table(ev.run({}), ev.run(parse(a.show)), False)
        return
    global GUARD
    GUARD = a.guard
    if a.sweep:
        sweep(ev, defaults)
        return
    if a.steepest:
        cur = steepest(ev, defaults)
        table(ev.run({}), ev.run(cur), False)
        return
    start = None
    if a.scatter:
        best = scatter(ev, defaults, a.scatter)[0]
        if better(folds(ev.run(best)), folds(ev.run({})), False):
            start = best
    cur = fit(ev, defaults, a.relaxed, a.random, start)
    table(ev.run({}), ev.run(cur), False)


if __name__ == "__main__":
    main()
