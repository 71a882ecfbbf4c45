#!/usr/bin/python3
"""page-classifier.py: a page classifier trained on the tune halves,
measured as a prior on the search's hits (issue 8). A measurement only:
nothing here is in the daemon.

Run it in the build directory, after `make` (which builds bench/hits_dump):

  scripts/page-classifier.py [--top SRCDIR] [--build BUILDDIR] [--quick]

(SRCDIR and BUILDDIR default to "."; in a separate build directory,
`../scripts/page-classifier.py --top ..`). It takes a few minutes of CPU
(plain Python, no numpy); --quick tries fewer settings.

  scripts/page-classifier.py --asks DIR [--test]

trains the classifier on the example questions of the pages of DIR
instead (their `<!-- asks:` blocks, one question a line, labelled by the
page's stem, in the page's language): no question set is trained on, so
every tune line is held out and the form is chosen on them directly.

What it does:
1. bench/hits_dump asks every line of the sets test_quality splits into
   halves (and questions.tsv, all tune) of replies/ with its lexicon: the
   ten best hits (page, score, right or not), test_quality's decision,
   and the question's tokens as search.c reads them (its own fold, split,
   stopwords and stemmer). No blind set is read.
2. Features of a question: its stems in its language, and the lexicon
   concepts it names, matched as search.c matches them (each term a phrase
   of stems in its language, "*" terms folded only, every language
   tried). Labels: the page stems of the expected sections (a page in any
   language is one class); "-" questions are not trained on.
3. Two classifiers, multinomial naive Bayes and an L2 logistic
   regression, each with its settings chosen by cross-validation inside
   the tune lines. Folds are the sets themselves (leave one set out: a
   set written by someone else is the nearest thing to new questions
   here; random folds would put a question's rewording in the training
   half); random 10-fold accuracy is printed beside it.
4. Combination: the search's K best hits reordered by score x p(page)^beta
   (or score x (1 - g + g p(page))), then decided three ways:
     veto      search_decide()'s outcome as it is, but an ANSWER only when
               the reordered first hit is the one the search answers with
               (else CHOICES);
     redecide  search_decide() on the reordered hits (bench/hits_dump -r:
               the rules as they are, on the new first hit);
     gate      redecide, and an ANSWER only when p(page of the first hit)
               reaches tau (else CHOICES).
   The form, K, beta (or g) and tau are chosen on the tune lines, with
   out-of-fold probabilities, by the objective of scripts/fit-rank.py:
   top-1 + rank-1 - 2 x confident wrong, questions.tsv weighed 0.25.
5. The chosen setting is trained on every tune line and applied once to
   the test halves; their totals are printed (never a line), before and
   after, per set and together: rank-1, top-1, top-3, confident wrong,
   uncovered answered; and the classifier alone (page accuracy on the
   test halves' answerable questions, beside the search's first page).

Counts as test_quality counts: rank-1, the first hit right whatever the
outcome; top-1, ANSWER and the first hit right; top-3, one of the three
first right; for a "-" question each is "not ANSWER". Confident wrong:
an ANSWER on a wrong section or to a "-" question.
"""

import argparse
import collections
import math
import os
import random
import re
import subprocess
import sys

SET_WEIGHT = {"questions.tsv": 0.25}
ANSWER, CHOICES, NONE = "ANSWER", "CHOICES", "NONE"


# ------------------------------------------------------------------ data

class Question:
    __slots__ = ("qid", "set", "line", "half", "lang", "expected",
                 "outcome", "right3", "text", "tokens", "hits", "stems",
                 "feats")

    def __init__(self, f):
        self.qid = int(f[1])
        self.set = f[2]
        self.line = int(f[3])
        self.half = f[4]
        self.lang = f[5]
        self.expected = f[6]
        self.outcome = f[7]
        self.right3 = [c == "1" for c in f[8]]
        self.text = f[9] if len(f) > 9 else ""
        self.tokens = {}
        self.hits = []          # (page, stem, lang, score, right)
        self.stems = None
        self.feats = None


def run(build, args, stdin=None):
    return subprocess.run([os.path.join(build, "bench", "hits_dump")] + args,
                          input=stdin, capture_output=True, text=True,
                          check=True).stdout


def load(build, top, k):
    qs = []
    for line in run(build, ["-k", str(k), top]).splitlines():
        if line.startswith("#"):
            continue
        f = line.split("\t")
        if f[0] == "Q":
            qs.append(Question(f))
        elif f[0] == "T":
            qs[int(f[1])].tokens[f[2]] = f[3].split()
        elif f[0] == "H":
            qs[int(f[1])].hits.append((int(f[3]), f[4], f[5], float(f[6]),
                                       f[7] == "1"))
    return qs


def load_lexicon(build, top):
    """{code: {first token: [(tokens, concept)]}}, as lx_compile()."""
    lex = collections.defaultdict(lambda: collections.defaultdict(list))
    for line in run(build, ["-l", top]).splitlines():
        _, concept, _flags, code, toks = line.split("\t")
        toks = toks.split()
        if toks:
            lex[code][toks[0]].append((toks, concept))
    return lex


def concepts(q, lex):
    found = set()
    for code, index in lex.items():
        toks = q.tokens.get(code, [])
        for i, t in enumerate(toks):
            for term, c in index.get(t, ()):
                if toks[i:i + len(term)] == term:
                    found.add(c)
    return found


class Ask:
    """An example question of a page, as a training line."""
    _n = 0

    def __init__(self, stem, lang, text):
        self.qid = ("ask", Ask._n)
        Ask._n += 1
        self.set, self.half, self.lang, self.text = "asks", "train", lang, text
        self.stems = {stem}
        self.tokens = {}


def load_asks(build, top, folder):
    """The asks of every page of folder (name.xx.md: language xx)."""
    asks = []
    for fn in sorted(os.listdir(folder)):
        m = re.match(r"(.+)\.([a-z][a-z])\.md$", fn)
        if not m:
            continue
        inside = False
        with open(os.path.join(folder, fn), encoding="utf-8") as f:
            for line in f:
                line = line.strip()
                if line.startswith("<!-- asks:"):
                    inside = True
                    rest = line[len("<!-- asks:"):].strip()
                    if rest.endswith("-->"):
                        inside = False
                        rest = rest[:-3].strip()
                    if rest:
                        asks.append(Ask(m.group(1), m.group(2), rest))
                    continue
                if not inside:
                    continue
                if line.endswith("-->"):
                    inside = False
                    line = line[:-3].strip()
                if line:
                    asks.append(Ask(m.group(1), m.group(2), line))
    text = "".join("%s\t%s\n" % (x.lang, x.text.replace("\t", " "))
                   for x in asks)
    for line in run(build, ["-t", top], text).splitlines():
        f = line.split("\t")
        asks[int(f[1])].tokens[f[2]] = f[3].split()
    return asks


def label_stems(expected):
    """The page stems of an expected field ("-": none)."""
    if expected.strip() == "-":
        return set()
    out = set()
    for alt in expected.split(" | "):
        f = alt.split(" :: ")[0].strip()
        f = f.rsplit("/", 1)[-1]
        if f.endswith(".md"):
            f = f[:-3]
        f = re.sub(r"\.[a-z][a-z]$", "", f)
        out.add(f)
    return out


def features(q, lex, kind):
    fs = set()
    if kind in ("words", "both"):
        fs.update("w:" + t for t in q.tokens.get("q", []))
    if kind in ("concepts", "both"):
        fs.update("c:" + c for c in concepts(q, lex))
    return fs


# ----------------------------------------------------------- classifiers

class NaiveBayes:
    """Multinomial naive Bayes over binary features (Laplace alpha)."""

    def __init__(self, alpha=0.3, prior="uniform"):
        self.alpha, self.prior = alpha, prior

    def fit(self, X, Y, classes):
        self.classes = classes
        vocab = set()
        for x in X:
            vocab.update(x)
        self.V = len(vocab) + 1
        cnt = {c: collections.Counter() for c in classes}
        tot = dict.fromkeys(classes, 0.0)
        n = dict.fromkeys(classes, 0.0)
        for x, ys in zip(X, Y):
            w = 1.0 / len(ys)
            for c in ys:
                n[c] += w
                for f in x:
                    cnt[c][f] += w
                tot[c] += w * len(x)
        self.cnt, self.tot = cnt, tot
        N = sum(n.values())
        self.logprior = {c: (math.log((n[c] + 1) / (N + len(classes)))
                             if self.prior == "empirical" else 0.0)
                         for c in classes}
        return self

    def proba(self, x):
        lp = {}
        for c in self.classes:
            d = math.log(self.tot[c] + self.alpha * self.V)
            s = self.logprior[c]
            for f in x:
                s += math.log(self.cnt[c][f] + self.alpha) - d
            lp[c] = s
        return softmax(lp)


class Logistic:
    """Multinomial logistic regression, L2 (lam per example), by SGD with
    a decaying step and the L2 shrink kept as one scale factor."""

    def __init__(self, lam=1e-3, epochs=25, seed=1):
        self.lam, self.epochs, self.seed = lam, epochs, seed

    def fit(self, X, Y, classes):
        self.classes = classes
        ci = {c: i for i, c in enumerate(classes)}
        C = len(classes)
        self.fi = {}
        rows = []
        for x, ys in zip(X, Y):
            ids = [self.fi.setdefault(f, len(self.fi)) for f in x]
            target = [0.0] * C
            for c in ys:
                target[ci[c]] = 1.0 / len(ys)
            rows.append((ids, target))
        W = [[0.0] * C for _ in range(len(self.fi))]
        b = [0.0] * C
        scale = 1.0
        rnd = random.Random(self.seed)
        t = 0
        eta0 = 0.5
        for _ in range(self.epochs):
            rnd.shuffle(rows)
            for ids, target in rows:
                eta = eta0 / (1 + eta0 * self.lam * t)
                t += 1
                z = b[:]
                for i in ids:
                    wi = W[i]
                    for c in range(C):
                        z[c] += scale * wi[c]
                m = max(z)
                e = [math.exp(v - m) for v in z]
                s = sum(e)
                g = [e[c] / s - target[c] for c in range(C)]
                scale *= 1 - eta * self.lam
                if scale < 1e-6:
                    for wi in W:
                        for c in range(C):
                            wi[c] *= scale
                    scale = 1.0
                step = eta / scale
                for i in ids:
                    wi = W[i]
                    for c in range(C):
                        wi[c] -= step * g[c]
                for c in range(C):
                    b[c] -= eta * g[c]
        self.W = [[scale * v for v in wi] for wi in W]
        self.b = b
        return self

    def proba(self, x):
        z = self.b[:]
        for f in x:
            i = self.fi.get(f)
            if i is None:
                continue
            for c, v in enumerate(self.W[i]):
                z[c] += v
        return softmax(dict(zip(self.classes, z)))


def softmax(lp):
    m = max(lp.values())
    e = {c: math.exp(v - m) for c, v in lp.items()}
    s = sum(e.values())
    return {c: v / s for c, v in e.items()}


def make_model(spec):
    kind, a, b = spec
    return NaiveBayes(a, b) if kind == "nb" else Logistic(a)


def train(train_qs, spec, feat, dash):
    """A model of spec on the labelled questions of train_qs (with dash,
    the "-" ones too, as a class of their own)."""
    tr = [q for q in train_qs if q.stems or dash]
    ys = [q.stems or {"-"} for q in tr]
    classes = sorted(set(c for y in ys for c in y))
    return make_model(spec).fit([feat[q.qid] for q in tr], ys, classes)


def oof_proba(qs, train_qs, spec, feat, folds, dash=False):
    """Out-of-fold probabilities for every question of qs: fold f's model
    is trained on the questions of train_qs outside fold f."""
    out = {}
    for fold in sorted(set(folds[q.qid] for q in qs)):
        m = train([q for q in train_qs if folds[q.qid] != fold], spec, feat,
                  dash)
        for q in qs:
            if folds[q.qid] == fold:
                out[q.qid] = m.proba(feat[q.qid])
    return out


def page_acc(qs, probs):
    n = ok = 0
    for q in qs:
        if not q.stems:
            continue
        n += 1
        p = probs[q.qid]
        ok += max(p, key=p.get) in q.stems
    return ok, n


# ------------------------------------------------------------- combining

class Decider:
    """search_decide() on reordered hits, through bench/hits_dump -r
    (only the first three hits count; cached)."""

    def __init__(self, build, top, k):
        self.p = subprocess.Popen(
            [os.path.join(build, "bench", "hits_dump"), "-r", "-k", str(k),
             top], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.cache = {}

    def many(self, reqs):
        todo = [r for r in set(reqs) if r not in self.cache]
        for i in range(0, len(todo), 200):
            chunk = todo[i:i + 200]
            self.p.stdin.write("".join(
                "%d %s\n" % (r[0], " ".join(map(str, r[1])))
                for r in chunk))
            self.p.stdin.flush()
            for r in chunk:
                self.cache[r] = self.p.stdout.readline().strip()
        return [self.cache[r] for r in reqs]

    def close(self):
        self.p.stdin.close()
        self.p.wait()


def reorder(q, p, k, form, w):
    hits = q.hits[:k]
    if p is None or w == 0:
        return list(range(len(hits)))

    def key(j):
        pj = p.get(hits[j][1], 0.0)
        if form == "power":
            return hits[j][3] * max(pj, 1e-9) ** w
        return hits[j][3] * (1 - w + w * pj)
    return sorted(range(len(hits)), key=lambda j: (-key(j), j))


def outcomes(qs, probs, setting, dec):
    """Per question: (the first three hits right or not, outcome)."""
    k, form, w, mode, tau = setting
    orders = [reorder(q, probs.get(q.qid) if probs else None, k, form, w)
              for q in qs]
    if mode == "veto":
        res = dec.many([(q.qid, tuple(range(min(3, len(q.hits)))))
                        for q in qs])
        res = [CHOICES if out == ANSWER and o and o[0] != 0 else out
               for out, o in zip(res, orders)]
    else:
        res = dec.many([(q.qid, tuple(o[:3])) for q, o in zip(qs, orders)])
        if mode == "gate" and probs:
            for i, q in enumerate(qs):
                o = orders[i]
                if res[i] == ANSWER and probs[q.qid].get(
                        q.hits[o[0]][1], 0.0) < tau:
                    res[i] = CHOICES
    return rights(qs, orders), res


def before(qs):
    """test_quality's own three hits and decision."""
    return [q.right3 for q in qs], [q.outcome for q in qs]


def rights(qs, orders):
    return [[q.hits[j][4] for j in o[:3]] for q, o in zip(qs, orders)]


def tally(qs, right, res):
    t = collections.defaultdict(lambda: collections.Counter())
    for q, rt, out in zip(qs, right, res):
        c = t[q.set]
        c["n"] += 1
        ans = out == ANSWER
        c["answers"] += ans
        if not q.stems:
            c["dash"] += 1
            c["dash_answered"] += ans
            ok = not ans
            c["rank1"] += ok
            c["top1"] += ok
            c["top3"] += ok
            c["wrong"] += ans
            continue
        r1 = bool(rt) and rt[0]
        c["rank1"] += r1
        c["top1"] += r1 and ans
        c["top3"] += any(rt)
        c["wrong"] += ans and not r1
        c["choices"] += out == CHOICES
    return t


def name(fk, st=None):
    kind, spec, dash = fk
    s = "%s %s%s" % (kind, " ".join(str(x) for x in spec if x is not None),
                     " with -" if dash else "")
    if st:
        s += " k=%d %s=%g %s" % (st[0], st[1], st[2], st[3])
        if st[3] == "gate":
            s += " tau=%g" % st[4]
    return s


def objective(t):
    return sum(SET_WEIGHT.get(s, 1.0) *
               (c["top1"] + c["rank1"] - 2 * c["wrong"])
               for s, c in t.items())


def total(t):
    s = collections.Counter()
    for c in t.values():
        s.update(c)
    return s


def fmt(c):
    return ("rank-1 %d, top-1 %d, top-3 %d of %d; confident wrong %d; "
            "uncovered answered %d/%d" % (c["rank1"], c["top1"], c["top3"],
                                          c["n"], c["wrong"],
                                          c["dash_answered"], c["dash"]))


# ------------------------------------------------------------------ main

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--top", default=".")
    ap.add_argument("--build", default=".")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--asks", metavar="DIR",
                    help="train on the asks of DIR's pages only")
    ap.add_argument("--test", action="store_true",
                    help="apply the settings chosen on tune to the test "
                    "halves, once, and print their totals")
    a = ap.parse_args()
    K = 10
    qs = load(a.build, a.top, K)
    lex = load_lexicon(a.build, a.top)
    pages = sorted(set(h[1] for q in qs for h in q.hits))
    for q in qs:
        q.stems = label_stems(q.expected)
        unknown = q.stems - set(pages)
        if unknown:
            sys.exit("page-classifier: %s:%d: no page %s" %
                     (q.set, q.line, sorted(unknown)))
    tune = [q for q in qs if q.half == "tune"]
    test = [q for q in qs if q.half == "test"]
    print("# %d questions: tune %d (%d labelled), test %d (%d labelled); "
          "%d pages" % (len(qs), len(tune), sum(bool(q.stems) for q in tune),
                        len(test), sum(bool(q.stems) for q in test),
                        len(pages)))
    sys.stdout.flush()
    feats = {kind: {q.qid: features(q, lex, kind) for q in qs}
             for kind in ("words", "concepts", "both")}
    set_fold = {q.qid: q.set for q in qs}
    rnd = random.Random(7)
    rand_fold = {q.qid: rnd.randrange(10) for q in qs}

    if a.asks:
        return main_asks(a, qs, tune, test, lex, feats, pages, K)

    # The classifier's form: page accuracy out of fold on the tune lines.
    specs = [("nb", al, pr) for al in (0.1, 0.3, 1.0)
             for pr in ("uniform", "empirical")]
    specs += [("lr", lam, None) for lam in (1e-4, 1e-3, 1e-2)]
    kinds = ("words", "concepts", "both")
    if a.quick:
        specs = [("nb", 0.3, "uniform"), ("lr", 1e-3, None)]
        kinds = ("both",)
    cv = {}
    print("# classifier, page accuracy on the labelled tune lines "
          "(leave one set out / random 10-fold):")
    for kind in kinds:
        for spec in specs:
            if spec[0] == "lr" and kind != "both":
                continue        # slow in plain Python; "both" wins for nb
            p_set = oof_proba(tune, tune, spec, feats[kind], set_fold)
            p_rnd = oof_proba(tune, tune, spec, feats[kind], rand_fold)
            ok, n = page_acc(tune, p_set)
            ok2, _ = page_acc(tune, p_rnd)
            cv[(kind, spec, False)] = (ok, p_set)
            print("#   %-8s %-28s %d/%d (%.1f%%)  %d/%d (%.1f%%)" % (
                kind, spec, ok, n, 100.0 * ok / n, ok2, n, 100.0 * ok2 / n))
            sys.stdout.flush()
    # The best of each family again, with "-" as a class (for the gate).
    for fam in ("nb", "lr"):
        ok, key = max((v[0], key) for key, v in cv.items()
                      if key[1][0] == fam)
        p_set = oof_proba(tune, tune, key[1], feats[key[0]], set_fold, True)
        ok, n = page_acc(tune, p_set)
        cv[(key[0], key[1], True)] = (ok, p_set)
        print("#   %-8s %-28s with a \"-\" class: %d/%d (%.1f%%)" % (
            key[0], key[1], ok, n, 100.0 * ok / n))
    ok, n = search_page_acc(tune)
    print("#   the search's first hit's page: %d/%d (%.1f%%)" %
          (ok, n, 100.0 * ok / n))

    best_forms = []
    for fam in ("nb", "lr"):
        cands = sorted(((v[0], key) for key, v in cv.items()
                        if key[1][0] == fam and not key[2]), reverse=True)
        best_forms += [c[1] for c in cands[:2]]
        best_forms += [key for key in cv if key[1][0] == fam and key[2]]

    def test_probs(fk):
        m = train(tune, fk[1], feats[fk[0]], fk[2])
        return {q.qid: m.proba(feats[fk[0]][q.qid]) for q in test}

    def extra(chosen, models, dec, after):
        # The same settings, each test half's model trained without its
        # own set's tune half (the lines written next to it, by the same
        # hand): what a new writer's questions would meet.
        loso = {}
        for fk in models:
            probs = {}
            for sname in set(q.set for q in test):
                m = train([q for q in tune if q.set != sname], fk[1],
                          feats[fk[0]], fk[2])
                probs.update({q.qid: m.proba(feats[fk[0]][q.qid])
                              for q in test if q.set == sname})
            loso[fk] = probs
            ok, n = page_acc(test, probs)
            print("# classifier alone %s, trained without the set's own "
                  "tune half, test page accuracy %d/%d (%.1f%%)" %
                  (name(fk), ok, n, 100.0 * ok / n))
        for mode, (obj, fk, st, _, _) in chosen.items():
            after[mode + " (without own set)"] = tally(
                test, *outcomes(test, loso[fk], st, dec))
        # How close the test halves are to the tune lines: the share of
        # test questions with a tune question of Jaccard similarity >= 0.5
        # (words and concepts), in the same set and in another.
        f = feats["both"]
        near = collections.Counter()
        for q in test:
            for same in (True, False):
                best = 0.0
                for r in tune:
                    if (r.set == q.set) != same:
                        continue
                    u = len(f[q.qid] | f[r.qid])
                    if u:
                        best = max(best, len(f[q.qid] & f[r.qid]) / u)
                near[same] += best >= 0.5
        print("# test questions with a tune question of Jaccard >= 0.5: in "
              "their own set %d/%d, in another set %d/%d" %
              (near[True], len(test), near[False], len(test)))

    combine(a, K, tune, test, cv, best_forms, test_probs, extra)


def main_asks(a, qs, tune, test, lex, feats, pages, K):
    """The classifier trained on the pages' asks only: every tune line is
    held out, so forms and settings are chosen on them directly."""
    asks = load_asks(a.build, a.top, a.asks)
    bad = set(c for x in asks for c in x.stems) - set(pages)
    if bad:
        sys.exit("page-classifier: asks of pages the guide lacks: %s" %
                 sorted(bad))
    per = collections.Counter(c for x in asks for c in x.stems)
    print("# %d asks in %s, %d to %d a page" % (len(asks), a.asks,
                                               min(per.values()),
                                               max(per.values())))
    for kind in feats:
        feats[kind].update({x.qid: features(x, lex, kind) for x in asks})
    specs = [("nb", al, pr) for al in (0.1, 0.3, 1.0)
             for pr in ("uniform", "empirical")]
    specs += [("lr", lam, None) for lam in (1e-4, 1e-3, 1e-2)]
    kinds = ("words", "concepts", "both")
    if a.quick:
        specs = [("nb", 0.3, "uniform")]
        kinds = ("both",)
    cv, models = {}, {}
    print("# classifier trained on the asks, page accuracy on the labelled "
          "tune lines (all held out):")
    for kind in kinds:
        for spec in specs:
            if spec[0] == "lr" and kind != "both":
                continue
            m = train(asks, spec, feats[kind], False)
            models[(kind, spec, False)] = m
            probs = {q.qid: m.proba(feats[kind][q.qid]) for q in tune}
            ok, n = page_acc(tune, probs)
            cv[(kind, spec, False)] = (ok, probs)
            print("#   %-8s %-28s %d/%d (%.1f%%)" % (kind, spec, ok, n,
                                                    100.0 * ok / n))
            sys.stdout.flush()
    best_forms = []
    for fam in ("nb", "lr"):
        cands = sorted(((v[0], key) for key, v in cv.items()
                        if key[1][0] == fam), reverse=True)
        best_forms += [c[1] for c in cands[:2]]

    def test_probs(fk):
        return {q.qid: models[fk].proba(feats[fk[0]][q.qid]) for q in test}

    # How close the question sets are to the asks (written apart from
    # them): questions with an ask of Jaccard similarity >= 0.5 (words and
    # concepts), and with an ask of the very same features.
    f = feats["both"]
    for half, lines in (("tune", tune), ("test", test)):
        near = same = 0
        for q in lines:
            best = 0.0
            for x in asks:
                u = len(f[q.qid] | f[x.qid])
                if u:
                    best = max(best, len(f[q.qid] & f[x.qid]) / u)
            near += best >= 0.5
            same += best == 1.0
        print("# %s questions with an ask of Jaccard >= 0.5: %d/%d, of the "
              "same features: %d" % (half, near, len(lines), same))
    ok, n = search_page_acc(tune)
    print("#   the search's first hit's page, tune: %d/%d (%.1f%%)" %
          (ok, n, 100.0 * ok / n))
    combine(a, K, tune, test, cv, best_forms, test_probs, None)


def search_page_acc(lines):
    """How often the search's own first hit is on a right page: (ok, n)
    over the labelled lines."""
    ok, n = 0, 0
    for q in lines:
        if q.stems:
            n += 1
            ok += q.hits[0][1] in q.stems if q.hits else 0
    return ok, n


def combine(a, K, tune, test, cv, best_forms, test_probs, extra):
    """Chooses each decision mode's setting on the tune lines; with
    --test, applies it to the test halves once and prints their totals."""
    # The combination, on the tune lines' out-of-fold probabilities (the
    # two best forms of each family).
    dec = Decider(a.build, a.top, K)
    base_t = tally(tune, *before(tune))
    print("# tune, test_quality's decision: %s; objective %.2f" %
          (fmt(total(base_t)), objective(base_t)))
    ident = outcomes(tune, None, (K, "power", 0, "redecide", 0), dec)
    print("# tune, the same hits decided on ten (as the bot): %s" %
          fmt(total(tally(tune, *ident))))
    grid = []
    for k in (3, 5, 10):
        for form, ws in (("power", (0.03, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75,
                                    1.0)),
                         ("mix", (0.1, 0.2, 0.4, 0.6, 0.8))):
            for w in ws:
                grid.append((k, form, w, "veto", 0))
                grid.append((k, form, w, "redecide", 0))
                for tau in (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8):
                    grid.append((k, form, w, "gate", tau))
    for tau in (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8):
        grid.append((K, "power", 0, "gate", tau))
    if a.quick:
        grid = [g for g in grid if g[0] == 10 and g[1] == "power"]
    results = []
    for fk in best_forms:
        probs = cv[fk][1]
        for st in grid:
            t = tally(tune, *outcomes(tune, probs, st, dec))
            results.append((objective(t), fk, st, total(t), t))
    results.sort(key=lambda r: -r[0])
    print("# best settings on tune (objective: top-1 + rank-1 - 2 wrong, "
          "questions.tsv x0.25):")
    for obj, fk, st, c, _ in results[:12]:
        print("#   %.2f %s: %s" % (obj, name(fk, st), fmt(c)))
    for mode in ("veto", "redecide", "gate"):
        r = [x for x in results if x[2][3] == mode]
        if r:
            obj, fk, st, c, _ = r[0]
            print("#   best %s: %.2f %s: %s" % (mode, obj, name(fk, st),
                                               fmt(c)))
            for s, c in sorted(r[0][4].items()):
                print("#     %s tune: %s" % (s, fmt(c)))
    sys.stdout.flush()
    if not a.test:
        dec.close()
        return

    # Test halves, once: the best setting of each mode, trained on every
    # labelled tune line.
    print("# TEST halves, totals (before: test_quality's decision):")
    base = tally(test, *before(test))
    chosen = {}
    for mode in ("veto", "redecide", "gate"):
        r = [x for x in results if x[2][3] == mode]
        if r:
            chosen[mode] = r[0]
    models = {}
    for mode, (obj, fk, st, _, _) in chosen.items():
        if fk not in models:
            models[fk] = test_probs(fk)
    for fk, probs in models.items():
        ok, n = page_acc(test, probs)
        print("# classifier alone %s, test page accuracy %d/%d "
              "(%.1f%%)" % (name(fk), ok, n, 100.0 * ok / n))
    ok, n = 0, 0
    for q in test:
        if q.stems:
            n += 1
            ok += q.hits[0][1] in q.stems if q.hits else 0
    print("# the search's first hit's page, test: %d/%d (%.1f%%)" %
          (ok, n, 100.0 * ok / n))
    after = {}
    for mode, (obj, fk, st, _, _) in chosen.items():
        after[mode] = tally(test, *outcomes(test, models[fk], st, dec))
    if extra:
        extra(chosen, models, dec, after)
    sets = sorted(base)
    for s in sets + ["together"]:
        pick = (lambda t: total(t)) if s == "together" else \
            (lambda t, s=s: t[s])
        print("test %s before: %s" % (s, fmt(pick(base))))
        for mode in after:
            print("test %s %s: %s" % (s, mode, fmt(pick(after[mode]))))
    for mode, (obj, fk, st, _, _) in chosen.items():
        print("# %s: %s" % (mode, name(fk, st)))
    dec.close()


if __name__ == "__main__":
    main()
