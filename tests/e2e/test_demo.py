#!/usr/bin/python3
"""scripts/demo without a terminal (stdin from /dev/null): the scripted
conversation against the build tree's secours ($SECOURS, as make check
sets it; the demo then neither installs nor builds). Checks the printed
transcript: the refusal notice in clear carries no guide text, the greeting
comes after the handshake, inside OTR, the answer starts with a
"Title › Heading" source line, every step (the escalation to the helper
included) did what it should, and the demo exits 0. One line
per check, exit 1 on any failure.
"""

import os
import re
import subprocess
import sys
import time

from checks import check, finish, note  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
TOP_SRCDIR = os.environ.get("TOP_SRCDIR") or os.path.abspath(
    os.path.join(HERE, "..", ".."))
TOP_BUILDDIR = os.environ.get("TOP_BUILDDIR") or TOP_SRCDIR
SCALE = float(os.environ.get("SECOURS_TEST_TIMEOUT_SCALE", "1") or 1)


def guide_lines():
    """Body lines (25+ characters) of the shipped guide pages."""
    out = set()
    rdir = os.path.join(TOP_SRCDIR, "replies")
    for name in sorted(os.listdir(rdir)):
        if not name.endswith(".md") or name == "README.md":
            continue
        with open(os.path.join(rdir, name), encoding="utf-8") as f:
            text = f.read()
        if text.startswith("---"):
            text = text.split("\n---", 1)[-1]
        for line in text.splitlines():
            line = line.strip(" -#*>\t")
            if len(line) >= 25:
                out.add(line)
    return out


def blocks(lines, prefix):
    """(index, text) of every message printed with prefix; continuation
    lines are indented by the prefix's width."""
    res = []
    pad = " " * len(prefix)
    i = 0
    while i < len(lines):
        if lines[i].startswith(prefix):
            start = i
            text = [lines[i][len(prefix):]]
            i += 1
            while i < len(lines) and lines[i].startswith(pad):
                text.append(lines[i][len(pad):])
                i += 1
            res.append((start, "\n".join(text)))
        else:
            i += 1
    return res


def main():
    env = dict(os.environ)
    env.setdefault("SECOURS", os.path.join(TOP_BUILDDIR, "secours"))
    env["TOP_SRCDIR"] = TOP_SRCDIR
    env["TOP_BUILDDIR"] = TOP_BUILDDIR
    demo = os.path.join(TOP_SRCDIR, "scripts", "demo")
    t0 = time.monotonic()
    try:
        r = subprocess.run([demo], stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           env=env, timeout=120 * SCALE, cwd=TOP_BUILDDIR)
        out, rc = r.stdout.decode("utf-8", "replace"), r.returncode
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode("utf-8", "replace")
        rc = None
    secs = time.monotonic() - t0
    sys.stdout.write("# " + out.replace("\n", "\n# ") + "\n")
    lines = out.splitlines()

    refusals = blocks(lines, "bot (in clear)> ")
    if check(len(refusals) == 1, "one refusal notice in clear",
             "%d seen" % len(refusals)):
        _, text = refusals[0]
        check("?OTR" in text or "OTR tag" in text,
              "the notice carries an OTR query", text[:80])
        leaks = [l for l in guide_lines() if l in text]
        check(not leaks and "\u203a" not in text,
              "the notice carries no guide text", leaks[:2])

    said = blocks(lines, "bot> ")
    hs = [i for i, l in enumerate(lines) if "private conversation in" in l]
    greet = [(i, t) for i, t in said if "talking privately" in t]
    check(hs and greet and greet[0][0] > hs[0]
          and (not refusals or greet[0][0] > refusals[0][0]),
          "the greeting comes after the handshake, encrypted",
          "handshake line %s, greeting %s" % (hs[:1], [g[0] for g in greet[:1]]))

    asked = [i for i, l in enumerate(lines) if l == "you> my phone was stolen"]
    answer = [(i, t) for i, t in said if asked and i > asked[0]]
    first = answer[0][1].split("\n", 1)[0] if answer else ""
    check(re.match(r"\S.* \u203a \S", first),
          'the answer starts with a "Title \u203a Heading" source line', first)

    last = lines[-1] if lines else ""
    check(last.startswith("demo: ") and re.search(r" (\d+)/\1 steps ok", last),
          "every step of the scripted conversation did what it should", last)
    check(rc == 0, "scripts/demo exits 0", rc)
    # Speed is for benchmarks, not for a check that a loaded machine fails.
    note("the demo ran in %.1f s" % secs)
    return finish()


if __name__ == "__main__":
    sys.exit(main())
