#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""reply-lengths.py: how long the first message of each answer is.

    scripts/reply-lengths.py [-n N] SECOURS GUIDE_DIR SET.tsv...

Asks SECOURS (--ask, with the line's language) every TUNE line of the
question sets given ("lang<TAB>question<TAB>expected<TAB>tune|test";
never the test lines) over GUIDE_DIR, and prints how many first messages
are over 600, 800, 1000 and 1200 characters, their median and the
largest. Only messages that read a guide section (a "Title › Heading"
first line) are counted. VOICE.md: a reply fits a phone screen without
scrolling.
"""
import statistics
import subprocess
import sys

SEP = "\n---\n"
LIMITS = (600, 800, 1000, 1200)


def main(argv):
    limit = None
    if len(argv) > 2 and argv[1] == "-n":
        limit = int(argv[2])
        argv = argv[:1] + argv[3:]
    if len(argv) < 4:
        sys.stderr.write(__doc__)
        return 2
    secours, guide, sets = argv[1], argv[2], argv[3:]
    lengths = []
    for path in sets:
        with open(path, encoding="utf-8") as f:
            for line in f:
                cols = line.rstrip("\n").split("\t")
                if line.startswith("#") or len(cols) < 4 or \
                        cols[3] != "tune":
                    continue
                cmd = [secours, "--guide", guide, "--ask", cols[1]]
                if cols[0] != "auto":
                    cmd += ["--lang", cols[0]]
                out = subprocess.run(cmd, capture_output=True,
                                     text=True).stdout
                first = out.split(SEP)[0].rstrip("\n")
                if "\u203a" not in first.split("\n")[0]:
                    continue
                lengths.append(len(first))
                if limit is not None and len(lengths) >= limit:
                    break
    if not lengths:
        print("no section read")
        return 1
    print("answers reading a section: %d" % len(lengths))
    for n in LIMITS:
        print("over %d characters: %d" % (n, sum(x > n for x in lengths)))
    print("median %d, largest %d" % (statistics.median(lengths),
                                     max(lengths)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
