#!/usr/bin/python3
"""fit-decide.py: fit search_decide()'s answer model (issue 8).

Reads the feature dumps of the TUNE lines only (never a test line, never a
blind set's line: the dumps hold none), fits a small L2-regularised
logistic regression that says how likely the best hit is right, and
compares the decision it makes, cross-validated, with the rules it
replaces.

Making the dumps (in the build directory):

  SECOURS_QUALITY_DUMP=/tmp/replies.tsv TOP_SRCDIR=. ./tests/unit/test_quality
  ./bench/guide_dump -K -T -D /tmp/dfak.tsv -x replies/lexicon.txt \\
      DFAK_DIR < bench/dfak-questions.tsv        (when the corpus is there)

Then:

  scripts/fit-decide.py /tmp/replies.tsv /tmp/dfak.tsv           report
  scripts/fit-decide.py --write src/search.c /tmp/replies.tsv /tmp/dfak.tsv

--write replaces the block between the "fit-decide.py: begin" and
"fit-decide.py: end" lines of search.c with the weights, the bias and the
answer threshold, only when the verdict is that the model wins. (On
main 67b331e's tune halves it did not: search.c holds no block, and
search_decide() is still the hand rules; see docs/design.md.) Plain
Python (no numpy); deterministic (fixed seeds).

Method: features standardised; forward selection (at most MAX_FEATURES)
on the 10-fold cross-validated log-loss, repeated over REPEATS shuffles;
then the regularisation picked the same way; out-of-fold probabilities
give the threshold P_ANSWER: the lowest one at which the confident wrong
answers (a wrong best hit, or any answer to a question the guide cannot
answer) do not exceed those of the rules it replaces, on the same lines.
The rules around the model (search.c's decide_veto(): off the question's
subject, lacks its key concept, a rival page, too little of the question
covered, words the guide does not know that say the question's subject
is one it lacks: hit_unknown()) are kept when the tune data says they help: the script fits and
compares the model alone (on every question) and the model behind the
rules (fitted on the questions they let through), and keeps the better
(more right answers, then fewer wrong ones).
"""

import math
import random
import sys

MAX_FEATURES = 12
FOLDS = 10
REPEATS = 3
LAMBDAS = [0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0]
SELECT_LAMBDA = 0.3
NEG_WEIGHT = 1.0
MIN_GAIN = 0.002        # log-loss per question a feature must gain
META = ["set", "line", "dash", "rank1", "top3", "outcome", "nhits"]
ANSWER = 2


def read_dump(paths):
    rows, names = [], None
    for path in paths:
        with open(path, encoding="utf-8") as f:
            head = f.readline().rstrip("\n").split("\t")
            if names is None:
                names = head[len(META):]
            elif head[len(META):] != names:
                sys.exit("%s: not the same features as the first dump"
                         % path)
            for line in f:
                v = line.rstrip("\n").split("\t")
                r = dict(zip(META, v[:len(META)]))
                for k in ("dash", "rank1", "top3", "outcome", "nhits"):
                    r[k] = int(r[k])
                r["x"] = [float(a) for a in v[len(META):]]
                rows.append(r)
    return rows, names


def sigmoid(z):
    if z >= 0:
        return 1 / (1 + math.exp(-z))
    e = math.exp(z)
    return e / (1 + e)


def solve(a, b):
    """Gaussian elimination with partial pivoting (a is small)."""
    n = len(b)
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    for c in range(n):
        p = max(range(c, n), key=lambda r: abs(m[r][c]))
        m[c], m[p] = m[p], m[c]
        if abs(m[c][c]) < 1e-12:
            continue
        for r in range(c + 1, n):
            f = m[r][c] / m[c][c]
            if f != 0:
                for k in range(c, n + 1):
                    m[r][k] -= f * m[c][k]
    x = [0.0] * n
    for c in range(n - 1, -1, -1):
        if abs(m[c][c]) < 1e-12:
            continue
        s = m[c][n] - sum(m[c][k] * x[k] for k in range(c + 1, n))
        x[c] = s / m[c][c]
    return x


def fit(xs, ys, lam):
    """Newton's method for L2 logistic regression; xs standardised, the
    bias (last weight) not penalised; a wrong best hit weighs NEG_WEIGHT
    (a confident wrong answer costs more than a missed right one).
    Returns the weights."""
    d = len(xs[0]) + 1
    w = [0.0] * d
    xb = [x + [1.0] for x in xs]
    for _ in range(25):
        g = [0.0] * d
        h = [[0.0] * d for _ in range(d)]
        for x, y in zip(xb, ys):
            p = sigmoid(sum(a * b for a, b in zip(w, x)))
            c = 1.0 if y else NEG_WEIGHT
            e = c * (p - y)
            s = c * p * (1 - p)
            for i in range(d):
                g[i] += e * x[i]
                si = s * x[i]
                hi = h[i]
                for j in range(i, d):
                    hi[j] += si * x[j]
        for i in range(d):
            for j in range(i):
                h[i][j] = h[j][i]
        for i in range(d - 1):
            g[i] += lam * w[i]
            h[i][i] += lam
        h[d - 1][d - 1] += 1e-9
        step = solve(h, g)
        w = [a - b for a, b in zip(w, step)]
        if max(abs(s) for s in step) < 1e-7:
            break
    return w


def standardise(rows, cols):
    mean, sd = [], []
    for c in cols:
        v = [r["x"][c] for r in rows]
        m = sum(v) / len(v)
        s = math.sqrt(sum((a - m) ** 2 for a in v) / len(v))
        mean.append(m)
        sd.append(s if s > 1e-9 else 1.0)
    return mean, sd


def design(rows, cols, mean, sd):
    return [[(r["x"][c] - mean[i]) / sd[i] for i, c in enumerate(cols)]
            for r in rows]


def folds_of(rows, k, seed):
    """Stratified folds: positives and negatives dealt out apart."""
    rnd = random.Random(seed)
    pos = [i for i, r in enumerate(rows) if r["rank1"]]
    neg = [i for i, r in enumerate(rows) if not r["rank1"]]
    rnd.shuffle(pos)
    rnd.shuffle(neg)
    fold = [0] * len(rows)
    for n, i in enumerate(pos + neg):
        fold[i] = n % k
    return fold


def oof(rows, cols, lam, seed):
    """Out-of-fold probabilities."""
    fold = folds_of(rows, FOLDS, seed)
    p = [0.0] * len(rows)
    for k in range(FOLDS):
        train = [r for i, r in enumerate(rows) if fold[i] != k]
        test = [i for i in range(len(rows)) if fold[i] == k]
        if not cols:
            base = sum(r["rank1"] for r in train) / len(train)
            for i in test:
                p[i] = base
            continue
        mean, sd = standardise(train, cols)
        w = fit(design(train, cols, mean, sd), [r["rank1"] for r in train],
                lam)
        for i, x in zip(test, design([rows[i] for i in test], cols, mean,
                                     sd)):
            p[i] = sigmoid(sum(a * b for a, b in zip(w, x + [1.0])))
    return p


def logloss(rows, p):
    e = 1e-6
    return -sum(math.log(max(e, q)) if r["rank1"] else
                math.log(max(e, 1 - q)) for r, q in zip(rows, p)) / len(rows)


def cv_loss(rows, cols, lam):
    return sum(logloss(rows, oof(rows, cols, lam, s))
               for s in range(REPEATS)) / REPEATS


def select(rows, names):
    cols, best = [], cv_loss(rows, [], SELECT_LAMBDA)
    print("# forward selection (lambda %g), %d-fold x %d: base log-loss "
          "%.4f" % (SELECT_LAMBDA, FOLDS, REPEATS, best))
    while len(cols) < MAX_FEATURES:
        trial = []
        for c in range(len(names)):
            if c in cols:
                continue
            trial.append((cv_loss(rows, cols + [c], SELECT_LAMBDA), c))
        loss, c = min(trial)
        if best - loss < MIN_GAIN:
            break
        cols.append(c)
        best = loss
        print("#   + %-12s log-loss %.4f" % (names[c], loss))
    return cols


def decide(r, p, thr, names, veto):
    """ANSWER or not, for a row whose best hit is right with probability
    p; veto: the rules around the model apply."""
    if r["nhits"] == 0:
        return False
    if veto and r["x"][names.index("veto")] > 0:
        return False
    return p >= thr


def tally(rows, answered):
    t = {"n": len(rows), "right": 0, "wrong": 0, "unc": 0, "dash": 0,
         "answers": 0}
    for r, a in zip(rows, answered):
        t["dash"] += r["dash"]
        if not a:
            continue
        t["answers"] += 1
        if r["rank1"]:
            t["right"] += 1
        else:
            t["wrong"] += 1
            t["unc"] += r["dash"]
    return t


def pick_threshold(rows, p, names, veto, max_wrong, max_unc):
    """The threshold with the most right answers at no more wrong ones
    and no more confident answers to uncovered questions than today's;
    on a tie, the fewest wrong ones."""
    best = None
    for k in range(5, 100):
        thr = k / 100
        t = tally(rows, [decide(r, q, thr, names, veto)
                         for r, q in zip(rows, p)])
        if t["wrong"] <= max_wrong and t["unc"] <= max_unc:
            if best is None or (t["right"], -t["wrong"]) > \
                    (best[1]["right"], -best[1]["wrong"]):
                best = (thr, t)
    return best


def show(label, rows, answered):
    sets = sorted(set(r["set"] for r in rows))
    for s in sets + ["all"]:
        idx = [i for i, r in enumerate(rows) if s == "all" or r["set"] == s]
        t = tally([rows[i] for i in idx], [answered[i] for i in idx])
        print("%-8s %-24s right %3d/%3d  wrong %2d  uncovered confident "
              "%2d/%2d" % (label, s, t["right"], t["n"], t["wrong"],
                            t["unc"], t["dash"]))


def final_weights(rows, cols, lam):
    mean, sd = standardise(rows, cols)
    w = fit(design(rows, cols, mean, sd), [r["rank1"] for r in rows], lam)
    raw = [w[i] / sd[i] for i in range(len(cols))]
    bias = w[-1] - sum(w[i] * mean[i] / sd[i] for i in range(len(cols)))
    return raw, bias


def c_block(names, cols, raw, bias, thr, lam, hard, paths):
    out = ["/* fit-decide.py: begin (generated by scripts/fit-decide.py"
           " --write; do not edit) */",
           "/* Fitted on the tune lines of: %s. L2 %g on standardised"
           % (", ".join(p.split("/")[-1] for p in paths), lam),
           " * features; the weights here apply to the raw ones. */",
           "static const struct decide_weight decide_weights[] = {"]
    for c, w in zip(cols, raw):
        out.append("\t{ SF_%s, %.6f }," % (names[c].upper(), w))
    out.append("};")
    out.append("#define DECIDE_BIAS\t\t(%.6f)" % bias)
    out.append("#define DECIDE_P_ANSWER\t\t%.2f" % thr)
    out.append("#define DECIDE_VETO\t\t%d\t/* the rules around the model"
               " apply */" % (1 if hard else 0))
    out.append("/* fit-decide.py: end */")
    return "\n".join(out) + "\n"


def write_block(path, block):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    a = text.find("/* fit-decide.py: begin")
    b = text.find("/* fit-decide.py: end */")
    if a < 0 or b < 0:
        sys.exit("%s: no fit-decide.py block" % path)
    b = text.index("\n", b) + 1
    with open(path, "w", encoding="utf-8") as f:
        f.write(text[:a] + block + text[b:])


def baseline(paths, rows):
    """Today's outcome of each row: from the dumps of the decision being
    replaced (--baseline), else the dumps' own outcome column."""
    if not paths:
        return [r["outcome"] == ANSWER for r in rows]
    old, _ = read_dump(paths)
    out = {(r["set"], r["line"]): r["outcome"] for r in old}
    return [out[(r["set"], r["line"])] == ANSWER for r in rows]


def model(rows, names, train_rows):
    cols = select(train_rows, names)
    lam, best = SELECT_LAMBDA, None
    for l in LAMBDAS:
        loss = cv_loss(train_rows, cols, l)
        print("# lambda %-5g CV log-loss %.4f" % (l, loss))
        if best is None or loss < best:
            lam, best = l, loss
    print("# chosen: %s, lambda %g" % (", ".join(names[c] for c in cols),
                                      lam))
    # Out-of-fold probabilities, averaged over the repeats (0 for rows
    # outside train_rows: never answered).
    pmap = {}
    for s in range(REPEATS):
        for r, q in zip(train_rows, oof(train_rows, cols, lam, s)):
            pmap[id(r)] = pmap.get(id(r), 0) + q / REPEATS
    return cols, lam, [pmap.get(id(r), 0.0) for r in rows]


def model_p(rows, train, cols, lam):
    """The out-of-fold probabilities again (the same seeds)."""
    pmap = {}
    for s in range(REPEATS):
        for r, q in zip(train, oof(train, cols, lam, s)):
            pmap[id(r)] = pmap.get(id(r), 0) + q / REPEATS
    return [pmap.get(id(r), 0.0) for r in rows]


def main(argv):
    out, base_paths = None, []
    args = argv[1:]
    while args and args[0].startswith("--"):
        if args[0] == "--write" and len(args) > 1:
            out = args[1]
        elif args[0] == "--baseline" and len(args) > 1:
            base_paths.append(args[1])
        else:
            sys.exit("usage: fit-decide.py [--write search.c] "
                     "[--baseline old.tsv]... dump.tsv...")
        args = args[2:]
    paths = args
    if not paths:
        sys.exit("usage: fit-decide.py [--write search.c] "
                 "[--baseline old.tsv]... dump.tsv...")
    rows, names = read_dump(paths)
    legacy = baseline(base_paths, rows)
    base = tally(rows, legacy)
    vi = names.index("veto")
    print("# %d tune questions (%d with hits, %d vetoed), %d right at rank 1,"
          " %d features" % (len(rows), sum(r["nhits"] > 0 for r in rows),
                            sum(r["x"][vi] > 0 for r in rows),
                            sum(r["rank1"] for r in rows), len(names)))
    cands = []
    # The model alone, fitted on every question; with the rules around
    # it, fitted on the questions they let through.
    for veto in (False, True):
        train = [r for r in rows if r["nhits"] > 0 and
                 (not veto or r["x"][vi] == 0)]
        print("# %s" % ("with the rules around the model" if veto else
                        "the model alone"))
        cols, lam, p = model(rows, names, train)
        got = pick_threshold(rows, p, names, veto, base["wrong"],
                             base["unc"])
        if got is None:
            print("# no threshold keeps wrong answers down")
            continue
        print("# P_ANSWER %.2f" % got[0])
        show("model", rows, [decide(r, q, got[0], names, veto)
                             for r, q in zip(rows, p)])
        cands.append((got[1]["right"], -got[1]["wrong"], veto, got[0],
                      cols, lam, train))
    show("today", rows, legacy)
    if not cands:
        sys.exit("no model keeps the confident wrong answers down")
    cands.sort(key=lambda c: (c[0], c[1]), reverse=True)
    right, wrong, veto, thr, cols, lam, train = cands[0]
    print("# kept: %s, P_ANSWER %.2f (CV on tune: %d right, %d wrong; "
          "today %d right, %d wrong, %d uncovered answered)" %
          ("with the rules" if veto else "alone", thr, right, -wrong,
           base["right"], base["wrong"], base["unc"]))
    # The verdict: more right answers, no more wrong ones, no more
    # confident answers to uncovered questions, and no set losing right
    # answers (test_quality's floors are per set).
    p = model_p(rows, train, cols, lam)
    now = [decide(r, q, thr, names, veto) for r, q in zip(rows, p)]
    lost = []
    for s in sorted(set(r["set"] for r in rows)):
        a = tally([r for r in rows if r["set"] == s],
                  [x for r, x in zip(rows, now) if r["set"] == s])
        b = tally([r for r in rows if r["set"] == s],
                  [x for r, x in zip(rows, legacy) if r["set"] == s])
        if a["right"] < b["right"]:
            lost.append("%s %d -> %d" % (s, b["right"], a["right"]))
    t = tally(rows, now)
    wins = (t["right"] > base["right"] and t["wrong"] <= base["wrong"] and
            t["unc"] <= base["unc"] and not lost)
    print("# verdict: %s%s" % ("the model wins on tune (CV)" if wins else
                               "the model does not win on tune (CV)",
                               "; right answers lost: " + ", ".join(lost)
                               if lost else ""))
    raw, bias = final_weights(train, cols, lam)
    block = c_block(names, cols, raw, bias, thr, lam, veto, paths)
    print(block, end="")
    if out is not None and wins:
        write_block(out, block)
        print("# written to %s" % out)


if __name__ == "__main__":
    main(sys.argv)
