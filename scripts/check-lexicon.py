#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Check the concept lexicon (replies/lexicon.txt) before the bot loads it.

Usage: check-lexicon.py [--quiet] [--stopwords LANG_DIR]
                        [--match LANG TEXT] [--pages GUIDE_DIR] FILE

Errors (exit status 1): a line that is neither a comment, a [block] header
nor a "LANG: terms" line; a bad block name or tag; a block defined twice or
without terms; a language other than en, fr, es or *; an empty term; the
same term twice in one block (compared as the search compares words:
folded, French elisions cut, stemmed when libstemmer is there); subject
tags on anything but exactly account, device, website, person, message.

Also an error: a term whose words all have one letter (the search drops
them). Warnings (exit status 0): a term found in three or more blocks (as
the search sees it: with --stopwords, stopwords left out), and with
--stopwords (the data directory's lang/, whose [stopwords] and
[elisions] entries are read) a term made only of stopwords, which can
never match.

Last, counts per language. With --match (and --stopwords), a lexicon
editor's aid: the concepts TEXT, read in LANG, would bring in (words
folded, stopwords dropped, stemmed; phrases as consecutive words).

With --pages (and --stopwords), the concepts of the lexicon's last part,
the neighbouring subjects (from its "Neighbouring subjects" comment on),
that a page of GUIDE_DIR carries, one "carried:" line each, with the
pages and the terms: such a concept is no longer a subject the guide
lacks, either because a term collides with the guide's words on
something else (a bug to fix in the lexicon) or because a page now
covers it. Pages are the *.md files under GUIDE_DIR, their language from
the name (x.fr.md) or a folder named en, fr or es, else English; terms
compared as the search compares them (stemmed in the page's language,
"*" terms as typed). A page's <!-- asks: --> blocks (the questions it
says it answers) and <!-- not-asks: --> blocks (those it says it does
not answer) are left out, as the search leaves them out of what a page
carries; a block without its "-->" before the next heading or comment is
an error (exit status 1), as the loader reports it.
"""
import ctypes
import ctypes.util
import os
import re
import sys
import unicodedata

SUBJECTS = ("account", "device", "website", "person", "message")
TAGS = ("subject", "weak", "name", "addressed", "vague", "law")
LANGS = ("en", "fr", "es")
# Lines in the languages the desk does not speak (lang/*.txt without
# phrases): a few words of theirs, stemmed in their own language, that
# carry a question's subject into the search (s19-fixc).
OTHER_LANGS = ("de", "it", "pt", "tr", "ar")
STEMMERS = {"en": b"english", "fr": b"french", "es": b"spanish",
            "de": b"german", "it": b"italian", "pt": b"portuguese",
            "tr": b"turkish", "ar": b"arabic"}
ELISIONS = ("c", "d", "j", "jusqu", "l", "lorsqu", "m", "n", "puisqu", "qu",
            "quoiqu", "s", "t")
APOSTROPHES = "'\u2019\u2018\u02bc\u2032\u00b4`"
SPECIAL = {"\u0153": "oe", "\u00e6": "ae", "\u00f8": "o", "\u0142": "l",
           "\u0111": "d", "\u0131": "i", "\u00fe": "th", "\u00f0": "d"}
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
HEADER_RE = re.compile(r"^\[([^\]]*)\]$")
TERM_LINE_RE = re.compile(r"^([A-Za-z*]+)\s*:(.*)$")


# search.c's stem_accents table, read from src/search.c itself so that the
# checker cannot drift from the search: (language, folded ending, accented).
SEARCH_C = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                        os.pardir, "src", "search.c")
ACCENT_ROW_RE = re.compile(r'\{\s*"([a-z]+)",\s*"([a-z]+)",\s*((?:"[^"]*"\s*)+)\}')


def c_string(literals):
    """The bytes of adjacent C string literals ("i\\xc3\\xa8" "res"), as text."""
    out = bytearray()
    for lit in re.findall(r'"([^"]*)"', literals):
        i = 0
        while i < len(lit):
            if lit.startswith("\\x", i):
                out.append(int(lit[i + 2:i + 4], 16))
                i += 4
            else:
                out += lit[i].encode("utf-8")
                i += 1
    return out.decode("utf-8")


def load_stem_accents(path=SEARCH_C):
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except OSError as e:
        sys.exit("check-lexicon: cannot read the stem_accents table: %s" % e)
    start = text.find("stem_accents[] = {")
    end = text.find("};", start)
    rows = tuple((m.group(1), m.group(2), c_string(m.group(3)))
                 for m in ACCENT_ROW_RE.finditer(text, start, end))
    if start < 0 or not rows:
        sys.exit("check-lexicon: %s: no stem_accents table" % path)
    return rows


STEM_ACCENTS = load_stem_accents()


class Stemmer:
    """Snowball stemmers through libstemmer, or none (words left as they
    are) when the library cannot be loaded."""

    def __init__(self):
        self.lib = None
        self.cache = {}
        path = ctypes.util.find_library("stemmer")
        for cand in ([path] if path else []) + ["libstemmer.so.0d",
                                                  "libstemmer.so"]:
            try:
                self.lib = ctypes.CDLL(cand)
                break
            except OSError:
                continue
        if self.lib is None:
            return
        self.lib.sb_stemmer_new.restype = ctypes.c_void_p
        self.lib.sb_stemmer_new.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
        self.lib.sb_stemmer_stem.restype = ctypes.c_void_p
        self.lib.sb_stemmer_stem.argtypes = [ctypes.c_void_p, ctypes.c_char_p,
                                             ctypes.c_int]
        self.lib.sb_stemmer_length.restype = ctypes.c_int
        self.lib.sb_stemmer_length.argtypes = [ctypes.c_void_p]
        self.handles = {}
        for lang, algo in STEMMERS.items():
            h = self.lib.sb_stemmer_new(algo, b"UTF_8")
            if h:
                self.handles[lang] = h

    def stem(self, lang, word):
        if self.lib is None or lang not in self.handles:
            return word
        key = (lang, word)
        if key not in self.cache:
            # As search.c's stem_run(): a folded ending of STEM_ACCENTS
            # gets its accents back for Snowball, the stem is folded again.
            accented = False
            for elang, folded, acc in STEM_ACCENTS:
                if (elang == lang and len(word) >= len(folded) + 2 and
                        word.endswith(folded)):
                    word = word[:-len(folded)] + acc
                    accented = True
                    break
            b = word.encode("utf-8")
            h = self.handles[lang]
            p = self.lib.sb_stemmer_stem(h, b, len(b))
            n = self.lib.sb_stemmer_length(h)
            st = ctypes.string_at(p, n).decode("utf-8") if p else word
            self.cache[key] = fold(st) if accented and p else st
        return self.cache[key]


def fold(text):
    """Case fold, compatibility decomposition, marks dropped (as lang.c)."""
    out = []
    for c in unicodedata.normalize("NFKD", text.casefold()):
        if unicodedata.category(c).startswith("M"):
            continue
        if c in APOSTROPHES:
            c = "'"
        elif c in "\u2010\u2011":
            c = "-"
        out.append(SPECIAL.get(c, c))
    return "".join(out)


def is_word_char(c):
    return unicodedata.category(c)[0] in "LN"


def words(term):
    """The words of a term after folding and elision cutting, in order
    (hyphenated parts apart, as the tokenizer emits them)."""
    raw, cur = [], ""
    f = fold(term)
    for i, c in enumerate(f):
        if is_word_char(c):
            cur += c
        elif c in "'-" and cur and i + 1 < len(f) and is_word_char(f[i + 1]):
            cur += c
        else:
            if cur:
                raw.append(cur)
            cur = ""
    if cur:
        raw.append(cur)
    result = []
    for w in raw:
        if "'" in w:
            pre, rest = w.split("'", 1)
            if pre in ELISIONS:
                w = rest
            w = w.replace("'", "")
        result.extend(p for p in w.split("-") if p)
    return result


def expr_words(term, end=False):
    """The words of an expression (a term in quotes) as search.c's
    expr_split() reads them: letters and digits, every word kept, split
    at apostrophes and hyphens; a clause's end as "$" (a '$' of a term;
    ". , ; : ? !" or the end of a question, when end)."""
    out, cur = [], ""
    for c in fold(term):
        if c.isalnum() or (ord(c) >= 0x80 and is_word_char(c)):
            cur += c
            continue
        if cur:
            out.append(cur)
        cur = ""
        if c in "$.,;:?!" and out and out[-1] != "$":
            out.append("$")
    if cur:
        out.append(cur)
    if end and out and out[-1] != "$":
        out.append("$")
    return out


def is_expr(term):
    return term.startswith('"')


def read_entry(text, key):
    """The items of [key] in a language file (src/lang.h's format), or
    None when it has no such entry."""
    items, cur = None, False
    for line in text.split("\n"):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            cur = line == "[%s]" % key
            if cur:
                items = []
            continue
        if cur:
            items.extend(w.strip() for w in line.split(",") if w.strip())
    return items


def read_stopwords(path):
    """The words the search drops, per language: the [stopwords] entries
    of the language files in PATH (the data directory's lang/); their
    [elisions] replace ELISIONS."""
    global ELISIONS
    stops, elisions = {}, []
    for lang in LANGS:
        try:
            with open(os.path.join(path, lang + ".txt"),
                      encoding="utf-8") as f:
                text = f.read()
        except OSError as e:
            return None, str(e)
        stops[lang] = set(fold(w) for w in read_entry(text, "stopwords")
                          or [])
        elisions.extend(fold(w) for w in read_entry(text, "elisions") or [])
    if not any(stops.values()):
        return None, "no [stopwords] in %s/{en,fr,es}.txt" % path
    if elisions:
        ELISIONS = tuple(elisions)
    return stops, None


class Block:
    def __init__(self, name, tags, line):
        self.name = name
        self.tags = tags
        self.line = line
        self.terms = []		# (lang, term, line)


def parse(path, errors):
    blocks = []
    names = {}
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        errors.append("%s: %s" % (path, e.strerror))
        return blocks
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        errors.append("%s: not UTF-8 (byte %d)" % (path, e.start))
        return blocks
    cur = None
    for no, line in enumerate(text.split("\n"), 1):
        s = line.strip()
        where = "%s:%d" % (path, no)
        if not s or s.startswith("#"):
            continue
        m = HEADER_RE.match(s)
        if m:
            fields = m.group(1).split()
            if not fields:
                errors.append("%s: empty block name" % where)
                cur = None
                continue
            name, tags = fields[0], fields[1:]
            if not NAME_RE.match(name):
                errors.append("%s: bad block name '%s' (a-z, 0-9, '-')"
                              % (where, name))
            for t in tags:
                if t not in TAGS:
                    errors.append("%s: unknown tag '%s' in [%s] (only %s)"
                                  % (where, t, name, ", ".join(TAGS)))
            if len(set(tags)) != len(tags):
                errors.append("%s: repeated tag in [%s]" % (where, name))
            if name in names:
                errors.append("%s: block [%s] already defined at line %d"
                              % (where, name, names[name].line))
            cur = Block(name, tags, no)
            names.setdefault(name, cur)
            blocks.append(cur)
            continue
        m = TERM_LINE_RE.match(s)
        if not m:
            errors.append("%s: not a comment, [block] or 'LANG: terms' line"
                          % where)
            continue
        lang, rest = m.group(1), m.group(2)
        if lang not in LANGS + OTHER_LANGS and lang != "*":
            errors.append("%s: unknown language '%s' (%s or *)"
                          % (where, lang, ", ".join(LANGS + OTHER_LANGS)))
            continue
        if cur is None:
            errors.append("%s: terms before any [block]" % where)
            continue
        for term in rest.split(","):
            term = " ".join(term.split())
            if not term:
                errors.append("%s: empty term in [%s]" % (where, cur.name))
                continue
            if not words(term):
                errors.append("%s: term '%s' in [%s] has no word"
                              % (where, term, cur.name))
                continue
            cur.terms.append((lang, term, no))
    return blocks


def term_keys(stemmer, lang, term, stops=None):
    """(language, stemmed words) keys of a term: one per language for '*',
    whose words stay as typed (the search does not stem them). With stops
    (language -> set), the words the search drops are left out, as the
    search will see the term."""
    ws = words(term)
    langs = LANGS if lang == "*" else (lang,)
    keys = []
    if is_expr(term):
        # Every word counts; the '"' keeps it apart from a plain term.
        for l in langs:
            keys.append((l, ('"',) + tuple(
                w if lang == "*" else stemmer.stem(l, w)
                for w in expr_words(term))))
        return keys
    for l in langs:
        sw = stops.get(l, ()) if stops else ()
        keys.append((l, tuple(w if lang == "*" else stemmer.stem(l, w)
                              for w in ws if w not in sw)))
    return keys


def show_match(blocks, stemmer, stopfile, lang, text):
    """Print the concepts TEXT brings in, read in LANG."""
    stops = {}
    if stopfile is not None:
        stops, why = read_stopwords(stopfile)
        if stops is None:
            sys.stderr.write("check-lexicon: %s: %s\n" % (stopfile, why))
            return 2
    sw = stops.get(lang, set())

    def seq(t, l):
        return tuple(stemmer.stem(l, w) for w in words(t) if w not in sw)

    q = seq(text, lang)
    raw = tuple(w for w in words(text) if w not in sw)
    print("%s: %s" % (lang, " ".join(q)))
    # Expressions first, as search.c's query_expressions() reads them:
    # where two overlap, the longer (more words) claims the words and the
    # shorter is not read; the same length, both are.
    found = []
    for bi, b in enumerate(blocks):
        for l, term, _ in b.terms:
            if (l != lang and l != "*") or not is_expr(term):
                continue
            k = tuple(w if l == "*" else stemmer.stem(lang, w)
                      for w in expr_words(term))
            q = tuple(w if l == "*" else stemmer.stem(lang, w)
                      for w in expr_words(text, True))
            for i in range(len(q) - len(k) + 1):
                if k and q[i:i + len(k)] == k:
                    found.append((len(k), bi, term, i))
    found.sort(key=lambda f: -f[0])     # stable: ties keep file order
    took, read, shadowed = {}, set(), []
    for n, bi, term, i in found:
        if any(took.get(j, 0) > n for j in range(i, i + n)):
            shadowed.append((bi, term))
            continue
        for j in range(i, i + n):
            took[j] = n
        read.add((bi, term))
    for bi, b in enumerate(blocks):
        hits = []
        for l, term, _ in b.terms:
            if l != lang and l != "*":
                continue
            if is_expr(term):
                if (bi, term) in read:
                    hits.append(term)
                continue
            # "*" terms as the search compares them: as typed.
            k = seq(term, lang) if l != "*" else tuple(
                w for w in words(term) if w not in sw)
            q = seq(text, lang) if l != "*" else raw
            if k and any(q[i:i + len(k)] == k
                         for i in range(len(q) - len(k) + 1)):
                hits.append(term)
        if hits:
            print("  [%s%s] %s" % (b.name, "".join(" " + t for t in b.tags),
                                   ", ".join(hits)))
    for bi, term in shadowed:
        print("  (not read: %s of [%s], inside a longer expression)"
              % (term, blocks[bi].name))
    return 0


NEIGHBOURS = "Neighbouring subjects"


def page_lang(path):
    m = re.match(r".*\.(en|fr|es)\.md$", os.path.basename(path))
    if m:
        return m.group(1)
    parts = path.split(os.sep)
    for l in LANGS:
        if l in parts[:-1]:
            return l
    return "en"


ASKS_OPEN = re.compile(r"<!--\s*(not-asks|asks):", re.IGNORECASE)
HEADING = re.compile(r" {0,3}#{1,6}(\s|$)")


def strip_asks(text, name, errors):
    """TEXT without its asks and not-asks blocks; a block not closed is
    an error."""
    out = []
    pos = 0
    while True:
        m = ASKS_OPEN.search(text, pos)
        if m is None:
            out.append(text[pos:])
            return "".join(out)
        out.append(text[pos:m.start()])
        start = m.end()
        close = text.find("-->", start)
        lines = text[start:close if close >= 0 else len(text)].split("\n")
        broken = close < 0 or any(
            HEADING.match(l) or "<!--" in l for l in lines[1:])
        if not broken:
            pos = close + 3
            continue
        errors.append("%s:%d: %s block not closed with '-->'"
                      % (name, text.count("\n", 0, m.start()) + 1,
                         m.group(1).lower()))
        # As the loader: it ends at its first blank line.
        blank = re.compile(r"\n[ \t]*\n").search(text, start)
        pos = blank.start() + 1 if blank else len(text)


def show_carried(path, blocks, stemmer, stopfile, guide):
    """Print the neighbouring concepts the pages of GUIDE carry."""
    stops, why = read_stopwords(stopfile) if stopfile else (None, None)
    if stops is None:
        sys.stderr.write("check-lexicon: --pages needs --stopwords%s\n"
                         % (": " + why if why else ""))
        return 2
    start = None
    with open(path, encoding="utf-8") as f:
        for no, line in enumerate(f, 1):
            if line.startswith("#") and NEIGHBOURS in line:
                start = no
                break
    if start is None:
        sys.stderr.write("check-lexicon: %s: no '%s' comment\n"
                         % (path, NEIGHBOURS))
        return 2
    pages = []
    errors = []
    for root, _, files in os.walk(guide):
        for name in sorted(files):
            if not name.endswith(".md"):
                continue
            full = os.path.join(root, name)
            lang = page_lang(os.path.relpath(full, guide))
            with open(full, encoding="utf-8", errors="replace") as f:
                text = strip_asks(f.read(), os.path.relpath(full, guide),
                                  errors)
                raw = [w for w in words(text) if w not in stops[lang]]
            pages.append((os.path.relpath(full, guide), lang, raw,
                          [stemmer.stem(lang, w) for w in raw]))
    pages.sort()

    def has(seq, k):
        n = len(k)
        return any(tuple(seq[i:i + n]) == k
                   for i in range(len(seq) - n + 1))

    for b in blocks:
        if b.line < start:
            continue
        hits = {}
        for lang, term, _ in b.terms:
            for name, pl, raw, st in pages:
                if lang == "*":
                    k, seq = tuple(w for w in words(term)
                                   if w not in stops[pl]), raw
                elif lang == pl:
                    k, seq = term_keys(stemmer, lang, term, stops)[0][1], st
                else:
                    continue
                if k and has(seq, k):
                    hits.setdefault(name, set()).add(term)
        if hits:
            print("carried: [%s] %s" % (b.name, "; ".join(
                "%s (%s)" % (p, ", ".join(sorted(t)))
                for p, t in sorted(hits.items()))))
    for e in errors:
        sys.stderr.write("check-lexicon: %s\n" % e)
    return 1 if errors else 0


def main(argv):
    quiet = False
    stopfile = None
    match = None
    guide = None
    args = []
    i = 1
    while i < len(argv):
        a = argv[i]
        if a == "--quiet":
            quiet = True
        elif a == "--stopwords" and i + 1 < len(argv):
            i += 1
            stopfile = argv[i]
        elif a == "--match" and i + 2 < len(argv):
            match = (argv[i + 1], argv[i + 2])
            i += 2
        elif a == "--pages" and i + 1 < len(argv):
            i += 1
            guide = argv[i]
        elif a.startswith("-") and a != "-":
            sys.stderr.write("check-lexicon: unknown option %s\n" % a)
            return 2
        else:
            args.append(a)
        i += 1
    if len(args) != 1:
        sys.stderr.write(__doc__.split("\n\n")[1] + "\n")
        return 2
    path = args[0]
    errors, warnings = [], []
    blocks = parse(path, errors)
    stemmer = Stemmer()
    if stemmer.lib is None:
        warnings.append("libstemmer not found: terms compared unstemmed")
    stops = None
    if stopfile is not None:
        stops, why = read_stopwords(stopfile)
        if stops is None:
            warnings.append("%s: %s: stopword checks skipped"
                            % (stopfile, why))

    where_key = {}			# key -> set of block names
    for b in blocks:
        if not b.terms:
            errors.append("%s:%d: block [%s] has no terms"
                          % (path, b.line, b.name))
        seen = {}
        for lang, term, no in b.terms:
            for key in term_keys(stemmer, lang, term):
                if key in seen and seen[key] != (lang, term, no):
                    o = seen[key]
                    errors.append(
                        "%s:%d: '%s' (%s) in [%s] is the same term as '%s'"
                        " (%s, line %d)" % (path, no, term, lang, b.name,
                                            o[1], o[0], o[2]))
                    break
                seen.setdefault(key, (lang, term, no))
            for key in term_keys(stemmer, lang, term, stops):
                if key[1]:
                    where_key.setdefault(key, {})
                    where_key[key].setdefault(b.name, term)
            if all(len(w) == 1 and not w.isdigit() for w in words(term)):
                errors.append("%s:%d: '%s' in [%s] has only one-letter "
                              "words, which the search drops"
                              % (path, no, term, b.name))
    subjects = sorted(b.name for b in blocks if "subject" in b.tags)
    if subjects != sorted(SUBJECTS):
        errors.append("%s: subject blocks are [%s], want exactly [%s]"
                      % (path, ", ".join(subjects),
                         ", ".join(sorted(SUBJECTS))))

    reported = set()
    for key, where in sorted(where_key.items()):
        if len(where) >= 3:
            terms = sorted(set(where.values()))
            sig = (tuple(terms), tuple(sorted(where)))
            if sig in reported:
                continue
            reported.add(sig)
            warnings.append("'%s' is in %d blocks: %s" % (
                "/".join(terms), len(where), ", ".join(sorted(where))))

    if match is not None:
        return show_match(blocks, stemmer, stopfile, match[0], match[1])
    if guide is not None:
        return show_carried(path, blocks, stemmer, stopfile, guide)

    if stops is not None:
        for b in blocks:
            for lang, term, no in b.terms:
                if is_expr(term):
                    continue
                for l in LANGS if lang == "*" else (lang,):
                    sw = stops.get(l, set())
                    if all(w in sw for w in words(term)):
                        warnings.append(
                            "%s:%d: '%s' (%s) in [%s] is only stopwords and"
                            " never matches" % (path, no, term, l, b.name))
                        break

    for w in warnings:
        print("warning: " + w)
    for e in errors:
        print("error: " + e)
    if not quiet or errors:
        per = {l: 0 for l in LANGS + OTHER_LANGS + ("*",)}
        for b in blocks:
            for lang, _, _ in b.terms:
                per[lang] += 1
        print("%s: %d blocks (%d subject, %d weak); terms: %s; %d error(s),"
              " %d warning(s)" % (
                  path, len(blocks),
                  sum("subject" in b.tags for b in blocks),
                  sum("weak" in b.tags for b in blocks),
                  ", ".join("%s %d" % (l, per[l]) for l in per),
                  len(errors), len(warnings)))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
