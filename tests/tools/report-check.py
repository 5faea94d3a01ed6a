"""report-check: hold a page made by `storyhub report` to the store it came
from (tests/e2e/hub-report.sh runs it with /usr/bin/python3; standard
library only).

    report-check.py PAGE.html EXPORT.json CODEBOOK.csv [--by Q] [--consent TIER]
        [--tiers A,B,C] [--stories N] [--where Q=CHOICE|Q=LOW..HIGH]... [--absent TEXT]...
        [--show-if Q=P:V]... [--text TEXT]... [--pattern Q]... [--no-pattern Q]...

EXPORT.json is `storyhub export --format json` of the same store (every
story not withdrawn) and CODEBOOK.csv its --codebook (the form's questions).
The figures expected are worked out here from the export, independently of
the report's C code, and compared with the numbers the page shows;
--absent TEXT must not be in the file, --text TEXT must be in the page's
text (as characters, so markup in it was escaped); --show-if Q=P:V says
question Q is shown only when P's answer is (or, for a multi, holds) V. Prints
one "PASS what" or "FAIL what: why" line per check; exits 0.
"""
import argparse
import base64
import csv
import hashlib
import json
import math
import re
import statistics
import sys
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
        "source", "track", "wbr"}


class Node:
    def __init__(self, tag, attrs, parent):
        self.tag, self.attrs, self.parent = tag, dict(attrs), parent
        self.children = []  # Node or str

    def text(self):
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def walk(self):
        yield self
        for c in self.children:
            if isinstance(c, Node):
                yield from c.walk()

    def find(self, tag=None, **attrs):
        for n in self.walk():
            if (tag is None or n.tag == tag) and all(
                    n.attrs.get(k.replace("_", "-")) == v for k, v in attrs.items()):
                yield n

    def has_class(self, c):
        return c in (self.attrs.get("class") or "").split()


class Tree(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {}, None)
        self.cur = self.root
        self.errors = []

    def handle_starttag(self, tag, attrs):
        n = Node(tag, attrs, self.cur)
        self.cur.children.append(n)
        if tag not in VOID:
            self.cur = n

    def handle_startendtag(self, tag, attrs):
        self.cur.children.append(Node(tag, attrs, self.cur))

    def handle_endtag(self, tag):
        n = self.cur
        while n is not None and n.tag != tag:
            n = n.parent
        if n is None:
            self.errors.append("stray </%s>" % tag)
            return
        if n is not self.cur:
            self.errors.append("</%s> closes <%s>" % (tag, self.cur.tag))
        self.cur = n.parent

    def handle_data(self, data):
        self.cur.children.append(data)


results = []


def check(ok, what, why=""):
    results.append((bool(ok), what, why))


def neutral(s):
    """What utf8_neutralise makes of s (C0, C1, DEL, bidi and invisible
    format characters become U+FFFD); newlines are kept in stories."""
    out = []
    for ch in s:
        cp = ord(ch)
        unsafe = (cp < 0x20 and ch != "\n") or cp == 0x7f or 0x80 <= cp < 0xa0 or \
            cp in (0x200b, 0x200e, 0x200f, 0xfeff) or 0x2028 <= cp <= 0x202e or \
            0x2060 <= cp <= 0x206f or 0xfff9 <= cp <= 0xfffb or 0xe0000 <= cp <= 0xe007f
        out.append("\ufffd" if unsafe else ch)
    return "".join(out)


def quantile7(xs, p):
    xs = sorted(xs)
    h = (len(xs) - 1) * p
    j = int(math.floor(h))
    hi = xs[j + 1] if j + 1 < len(xs) else xs[j]
    return xs[j] + (h - j) * (hi - xs[j])


def close(got, want, tol=1e-3):
    try:
        return abs(float(got) - float(want)) <= tol * max(1, abs(float(want)))
    except ValueError:
        return False


def chi2_sf(x, df):
    """P(X >= x) for chi-square with a whole number df (closed forms)."""
    if x <= 0:
        return 1.0
    if df % 2 == 0:
        term, total = 1.0, 1.0
        for k in range(1, df // 2):
            term *= (x / 2) / k
            total += term
        return math.exp(-x / 2) * total
    total = math.erfc(math.sqrt(x / 2))
    term = math.sqrt(2 * x / math.pi) * math.exp(-x / 2)
    for k in range(1, (df + 1) // 2):
        total += term
        term *= x / (2 * k + 1)
    return total


def kruskal(groups):
    """H (ties corrected), df and p of Kruskal-Wallis, as R's kruskal.test."""
    groups = [g for g in groups if g]
    allv = sorted(v for g in groups for v in g)
    n = len(allv)
    rank, i = {}, 0
    while i < n:
        j = i
        while j < n and allv[j] == allv[i]:
            j += 1
        rank[allv[i]] = (i + 1 + j) / 2.0
        i = j
    ties = sum(c ** 3 - c for c in (allv.count(v) for v in set(allv)))
    h = 12.0 / (n * (n + 1)) * sum(sum(rank[v] for v in g) ** 2 / len(g) for g in groups) \
        - 3 * (n + 1)
    h /= 1 - ties / float(n ** 3 - n)
    return h, len(groups) - 1, chi2_sf(h, len(groups) - 1), n


def contingency(table):
    """(method, X^2, df, p or None) as report-stats.c chooses: chi-square, or
    Fisher's exact test (2 x 2, computed here) or by Monte Carlo (p None)
    when an expected count is below 5; empty rows and columns left out."""
    table = [r for r in table if sum(r)]
    cols = [j for j in range(len(table[0]) if table else 0) if sum(r[j] for r in table)]
    table = [[r[j] for j in cols] for r in table]
    if len(table) < 2 or len(cols) < 2:
        return None, None, None, None
    n = float(sum(map(sum, table)))
    rs = [sum(r) for r in table]
    cs = [sum(r[j] for r in table) for j in range(len(cols))]
    x2, small = 0.0, False
    for i, r in enumerate(table):
        for j, o in enumerate(r):
            ex = rs[i] * cs[j] / n
            x2 += (o - ex) ** 2 / ex
            small |= ex < 5
    df = (len(table) - 1) * (len(cols) - 1)
    if not small:
        return "chi-square", x2, df, chi2_sf(x2, df)
    if len(table) == 2 and len(cols) == 2:
        (a, b), (c, _) = table
        r1, r2, c1 = a + b, rs[1], a + c

        def hyper(k):
            return math.comb(r1, k) * math.comb(r2, c1 - k) / float(math.comb(r1 + r2, c1))
        pobs = hyper(a)
        p = sum(hyper(k) for k in range(max(0, c1 - r2), min(c1, r1) + 1)
                if hyper(k) <= pobs * (1 + 1e-7))
        return "Fisher's exact test", x2, df, min(1.0, p)
    return "Fisher's test (Monte Carlo)", x2, df, None


def bh(ps):
    """Benjamini-Hochberg, as R's p.adjust(p, "BH")."""
    order = sorted(range(len(ps)), key=lambda i: (ps[i], i))
    adj, run, m = [0.0] * len(ps), 1.0, len(ps)
    for rank in range(m, 0, -1):
        i = order[rank - 1]
        run = min(run, m / float(rank) * ps[i])
        adj[i] = run
    return adj


def replaced(x):
    z = sum(1 for v in x if v == 0)
    return [0.065 if v == 0 else v * (1 - z * 0.065) for v in x]


def clr(x):
    ls = [math.log(v) for v in replaced(x)]
    g = sum(ls) / 3
    return [v - g for v in ls]


def lround(x):
    return int(math.floor(x + 0.5))


def triad_point(p):
    """report_triad_point: the nearest point of a grid of 60 steps."""
    i = min(max(lround(p[0] * 60), 0), 60)
    j = max(lround(p[1] * 60), 0)
    if i + j > 60:
        j = 60 - i
    return i, j


def triad_cell(p):
    """report_triad_cell: the grid point, then the nearest tenth."""
    i, j = triad_point(p)
    ci, cj = lround(10.0 * i / 60), lround(10.0 * j / 60)
    if ci + cj > 10:
        cj = 10 - ci
    return ci * 11 + cj


def token(name, value):
    t = "%s=%s" % (name, value if value else "unknown")
    return re.sub(r"[^A-Za-z0-9_.:=-]", "_", t)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("page")
    ap.add_argument("export")
    ap.add_argument("codebook")
    ap.add_argument("--by")
    ap.add_argument("--consent", default="quotes")
    ap.add_argument("--tiers", default="analysis,quotes,public")
    ap.add_argument("--stories", type=int, default=0)
    ap.add_argument("--where", action="append", default=[])
    ap.add_argument("--absent", action="append", default=[])
    ap.add_argument("--text", action="append", default=[])
    ap.add_argument("--show-if", action="append", default=[])
    ap.add_argument("--pattern", action="append", default=[])
    ap.add_argument("--no-pattern", action="append", default=[])
    a = ap.parse_args()

    raw = open(a.page, encoding="utf-8").read()
    stories = json.load(open(a.export, encoding="utf-8"))
    questions, choices = [], {}
    for row in csv.DictReader(open(a.codebook, encoding="utf-8")):
        if row["question"] not in [q for q, _ in questions] and not row["column"].endswith(
                "_untouched"):
            questions.append((row["question"], row["type"]))
        if row["type"] in ("choice", "multi") and row["column"] == row["question"]:
            vals = row["values"].split(": ", 1)[-1] if row["type"] == "multi" else row["values"]
            choices[row["question"]] = [v.split(" = ")[0] for v in vals.split("; ")]
    qtype = dict(questions)
    poles, corners = {}, {}
    for row in csv.DictReader(open(a.codebook, encoding="utf-8")):
        if row["type"] == "scale" and row["column"] == row["question"]:
            poles[row["question"]] = [v.split(" = ", 1)[1] for v in row["values"].split("; ")]
        if row["type"] == "triad" and re.search(r"_[123]$", row["column"]):
            corners.setdefault(row["question"], []).append(row["values"].split(": ", 1)[1])
    tiers = a.tiers.split(",")
    rank = tiers.index(a.consent)

    t = Tree()
    t.feed(raw)
    t.close()
    root = t.root
    html = next(root.find("html"), None)
    # the codebook's labels are in the form's first language (en here)
    same_lang = html is not None and html.attrs.get("lang") == "en"
    check(not t.errors, "the page parses as well-formed HTML", "; ".join(t.errors[:3]))

    # --- safety: one script, allowed by its hash; nothing fetched from anywhere
    scripts = list(root.find("script"))
    check(len(scripts) == 1, "exactly one script element", "%d found" % len(scripts))
    csp = [m.attrs.get("content", "") for m in root.find("meta")
           if (m.attrs.get("http-equiv") or "").lower() == "content-security-policy"]
    check(len(csp) == 1 and "default-src 'none'" in csp[0], "a CSP forbids every request",
          repr(csp))
    if scripts and csp:
        body = scripts[0].text()
        digest = base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode()
        check("script-src 'sha256-%s'" % digest in csp[0] and "src" not in scripts[0].attrs,
              "the CSP allows the inline script by its hash, and only it")
    bad_attr = [(n.tag, k, v) for n in root.walk() for k, v in n.attrs.items()
                if k.startswith("on") or (k in ("href", "src", "action", "formaction",
                                                "xlink:href", "poster", "data", "srcset")
                                          and not (v or "").startswith("#"))]
    check(not bad_attr, "no event handler, and every link points inside the page",
          repr(bad_attr[:3]))
    banned = [n.tag for n in root.walk() if n.tag in (
        "img", "iframe", "object", "embed", "link", "base", "form", "audio", "video", "frame")]
    check(not banned, "no element that loads or sends anything", repr(banned[:3]))
    urls = re.findall(r"url\(([^)]*)\)", raw)
    check(all(u.startswith("#") for u in urls) and not re.search(r"https?:|//[a-z]", raw,
                                                                     re.I),
          "no external URL anywhere in the file", repr([u for u in urls if not u.startswith("#")]))
    check("\x1b" not in raw and "\u202e" not in raw and "\u009b" not in raw and "\x07" not in raw,
          "no ESC, BEL, CSI or right-to-left override byte in the file")

    # --- the selection the figures are about
    def chosen(s, q):
        return s["answers"].get(q)

    sel = []
    for s in stories:
        if s["form"] != "partnership-stories":
            continue
        keep = True
        for w in a.where:
            q, v = w.split("=", 1)
            ans = chosen(s, q)
            if ".." in v:
                lo, hi = (float(x) for x in v.split(".."))
                keep &= isinstance(ans, (int, float)) and lo <= ans <= hi
            else:
                keep &= ans == v or (isinstance(ans, list) and v in ans)
        if keep:
            sel.append(s)
    quot = [s for s in sel if s["consent"] in tiers and tiers.index(s["consent"]) >= rank]
    sel_p = next(root.find(id="selection"), None)
    check(sel_p is not None and sel_p.attrs.get("data-selected") == str(len(sel)),
          "the page counts the stories selected (%d)" % len(sel),
          sel_p.attrs.get("data-selected") if sel_p else "no #selection")
    check(sel_p is not None and sel_p.attrs.get("data-quotable") == str(len(quot)),
          "... and the quotable ones (%d)" % len(quot))

    # --- overview
    prompt_label = {}
    def day(s):
        d = (s.get("created") or "")[:10]
        return d if re.match(r"^\d{4}-\d\d-\d\d$", d) else "unknown"

    for what, key in (("lang", "lang"), ("consent", "consent"), ("status", "status"),
                      ("source", "source"), ("kiosk", "kiosk"), ("prompt", "prompt"),
                      ("day", day)):
        want = {}
        for s in sel:
            k = key(s) if callable(key) else s[key]
            want[k] = want.get(k, 0) + 1
        table = next(root.find("table", data_overview=what), None)
        got = {}
        if table is not None:
            for tr in table.find("tr"):
                tds = [c for c in tr.children if isinstance(c, Node) and c.tag == "td"]
                got[tr.attrs.get("data-v")] = int(tds[1].text())
            if what == "prompt":
                prompt_label = {tr.attrs.get("data-v"): [c for c in tr.children if isinstance(
                    c, Node) and c.tag == "td"][0].text() for tr in table.find("tr")}
        check(got == want, "Overview: stories by %s equal the store's" % what,
              "page %r, store %r" % (got, want))

    # --- every question, its chart and its figures
    by_choices = choices.get(a.by, []) if a.by else []
    groups = [("0", sel)] + [(str(1 + i), [s for s in sel if chosen(s, a.by) == c])
                             for i, c in enumerate(by_choices)]

    show_if = dict(x.split("=", 1) for x in a.show_if)

    def shown(s, q):
        if q not in show_if:
            return True
        p, v = show_if[q].split(":", 1)
        return chosen(s, p) == v or (isinstance(chosen(s, p), list) and v in chosen(s, p))

    def rel(got, want, tol=1e-4):
        try:
            return abs(float(got) - want) <= tol * abs(want) + 1e-12
        except (TypeError, ValueError):
            return False

    def check_test(sec, q, typ, answered_by_group):
        """The test of difference, worked out here from the export."""
        if typ in ("scale", "number"):
            t = next(sec.find("p", **{"class": "test"}), None)
            h, df, pv, n = kruskal([[chosen(s, q) for s in ss] for ss in answered_by_group])
            check(t is not None and t.attrs.get("data-method") == "Kruskal-Wallis" and
                  rel(t.attrs.get("data-p"), pv) and rel(t.attrs.get("data-effect"), h / (n - 1)),
                  "%s: Kruskal-Wallis p and effect equal the store's (H %.3f, df %d, p %.3g)" %
                  (q, h, df, pv), repr(t.attrs if t else None))
        elif typ == "choice":
            t = next(sec.find("p", **{"class": "test"}), None)
            table = [[sum(1 for s in ss if chosen(s, q) == c) for c in choices[q]]
                     for ss in answered_by_group]
            method, x2, df, pv = contingency(table)
            check(t is not None and t.attrs.get("data-method") == method and
                  (pv is None or rel(t.attrs.get("data-p"), pv)),
                  "%s: %s, p as worked out from the store" % (q, method),
                  repr(t.attrs if t else None))
        elif typ == "multi":
            bad = []
            for c in choices[q]:
                t = next(sec.find("li", data_choice=c), None)
                table = [[sum(1 for s in ss if c in chosen(s, q)),
                          sum(1 for s in ss if c not in chosen(s, q))]
                         for ss in answered_by_group]
                method, x2, df, pv = contingency(table)
                if t is None or t.attrs.get("data-method") != method or (
                        pv is not None and not rel(t.attrs.get("data-p"), pv)):
                    bad.append((c, method, pv, t.attrs if t else None))
            check(not bad, "%s: each choice tested alone, method and p as worked out from the "
                  "store" % q, repr(bad[:2]))
        elif typ == "triad":
            t = next(sec.find("p", **{"class": "test"}), None)
            vs = [[clr(chosen(s, q)) for s in ss] for ss in answered_by_group]
            allv = [v for g in vs for v in g]
            mean = [sum(v[j] for v in allv) / len(allv) for j in range(3)]
            sst = sum((v[j] - mean[j]) ** 2 for v in allv for j in range(3))
            ssb = sum(len(g) * sum((sum(v[j] for v in g) / len(g) - mean[j]) ** 2
                                   for j in range(3)) for g in vs if g)
            p = float(t.attrs.get("data-p", "nan")) if t else float("nan")
            check(t is not None and t.attrs.get("data-method") == "permutation test" and
                  rel(t.attrs.get("data-effect"), ssb / sst) and 0 < p <= 1,
                  "%s: a permutation test, R\u00b2 %.3f as worked out from the store" %
                  (q, ssb / sst), repr(t.attrs if t else None))

    for q, typ in questions:
        sec = next(root.find("section", data_q=q), None)
        check(sec is not None, "question %s has its section" % q)
        if sec is None:
            continue
        meta = next(sec.find("p", **{"class": "qmeta"}), None)
        seen = [s for s in sel if shown(s, q) and q in s["answers"]]
        answered = [s for s in seen if chosen(s, q) is not None]
        check(meta is not None and meta.attrs.get("data-seen") == str(len(seen)) and
              meta.attrs.get("data-answered") == str(len(answered)),
              "question %s: seen by %d, answered by %d (show_if counted)" % (
                  q, len(seen), len(answered)), repr(meta.attrs if meta else None))
        if typ in ("choice", "multi", "scale", "number", "triad"):
            fig = next(sec.find("figure", data_q=q, data_g="0"), None)
            check(fig is not None and next(fig.find("svg"), None) is not None,
                  "question %s has its chart" % q)
            if a.by and q != a.by:
                figs = {f.attrs.get("data-g") for f in sec.find("figure")} - {"0"}
                empty = {x.attrs.get("data-g") for x in sec.find("span") if "data-g" in x.attrs}
                want = {str(1 + i) for i in range(len(by_choices))}
                asked = {g for g, ss in groups if g != "0" and any(shown(s, q) for s in ss)}
                check(figs | empty == want and not figs & empty and figs == asked,
                      "question %s is drawn for each group asked it, the others named" % q,
                      "drawn %r, named %r" % (sorted(figs), sorted(empty)))
                check(next(sec.find(None, **{"class": "test"}), None) is not None,
                      "question %s has its test of difference" % q)
                # side by side on one scale, each with its size
                axes, sizes = set(), []
                for f in sec.find("figure"):
                    g = f.attrs.get("data-g")
                    if g in (None, "0"):
                        continue
                    axes.add(tuple(t.text() for t in f.find("text")
                                   if t.attrs.get("font-size") == "10" and
                                   not t.text().startswith("median")))
                    cap = next(f.find("figcaption"), None)
                    ss = dict(groups)[g]
                    n = sum(1 for s in ss if shown(s, q) and chosen(s, q) is not None)
                    sizes.append(cap is not None and "(n = %d" % n in cap.text())
                check(len(axes) == 1 and all(sizes),
                      "question %s: the groups' charts share one scale, each with its size" % q,
                      "%d scales: %r" % (len(axes), sorted(axes)[:2]))
                check_test(sec, q, typ, [[s for s in ss if shown(s, q) and
                                          chosen(s, q) is not None]
                                         for g, ss in groups if g != "0"])
        for g, ss in groups:
            if g != "0" and (q == a.by or typ in ("text", "story")):
                continue
            seen = [s for s in ss if shown(s, q)]
            answered = [s for s in seen if chosen(s, q) is not None]
            if typ in ("choice", "multi"):
                table = next(sec.find("table", data_q=q, data_g=g), None)
                got, interval = {}, {}
                for tr in (table.find("tr") if table else []):
                    tds = [c for c in tr.children if isinstance(c, Node) and c.tag == "td"]
                    if tr.attrs.get("data-v") is not None:
                        got[tr.attrs["data-v"]] = int(tds[1].text())
                        interval[tr.attrs["data-v"]] = re.findall(r"[\d.]+", tds[3].text())
                want = {c: sum(1 for s in answered if chosen(s, q) == c or
                               (isinstance(chosen(s, q), list) and c in chosen(s, q)))
                        for c in choices[q]}
                want["-"] = len(seen) - len(answered)
                if g != "0" and not seen:
                    continue
                check(got == want, "%s, group %s: the counts equal the store's" % (q, g),
                      "page %r, store %r" % (got, want))
                # the 95% Wilson interval of each share, worked out here
                z, bad = statistics.NormalDist().inv_cdf(0.975), []
                for c in choices[q]:
                    n, k = len(answered), want[c]
                    if n == 0:
                        ok_ = interval.get(c) == []
                    else:
                        ph = k / float(n)
                        mid = (ph + z * z / (2 * n)) / (1 + z * z / n)
                        half = z / (1 + z * z / n) * math.sqrt(ph * (1 - ph) / n +
                                                               z * z / (4 * n * n))
                        iv = interval.get(c) or []
                        ok_ = len(iv) == 2 and abs(float(iv[0]) - 100 * max(0, mid - half)) \
                            <= 0.051 and abs(float(iv[1]) - 100 * min(1, mid + half)) <= 0.051
                    if not ok_:
                        bad.append((c, interval.get(c)))
                check(not bad, "%s, group %s: each share's 95%% Wilson interval" % (q, g),
                      repr(bad[:3]))
            elif typ in ("scale", "number"):
                p = next(sec.find("p", data_q=q, data_g=g), None)
                if g != "0" and not seen:
                    continue
                st = {n.attrs["data-stat"]: n.text() for n in p.find("span")} if p else {}
                xs = [chosen(s, q) for s in answered]
                ok = st.get("n") == str(len(xs)) and st.get("not-answered") == str(
                    len(seen) - len(xs))
                if xs:
                    for name, v in (("median", quantile7(xs, .5)), ("q1", quantile7(xs, .25)),
                                    ("q3", quantile7(xs, .75)),
                                    ("mean", sum(xs) / len(xs)), ("min", min(xs)),
                                    ("max", max(xs))):
                        ok &= close(st.get(name, "x"), v)
                    ok &= close(st.get("sd", "x"), statistics.stdev(xs)) if len(xs) > 1 else \
                        st.get("sd") == "\u2013"
                check(ok, "%s, group %s: n, median, quartiles, mean, sd equal the store's" %
                      (q, g), "page %r, store n %d" % (st, len(xs)))
                if typ == "scale" and g == "0" and same_lang:
                    fig = next(sec.find("figure", data_q=q, data_g=g), None)
                    labels = [t.text() for t in fig.find("text")] if fig else []
                    check(all(any(t.startswith(pole[:20]) for t in labels) for pole in poles[q]),
                          "%s: the scale's poles label its axis" % q, repr(labels[-4:]))
            elif typ == "triad":
                p = next(sec.find("p", data_q=q, data_g=g), None)
                if g != "0" and not seen:
                    continue
                st = {n.attrs["data-stat"]: n.text() for n in p.find("span")} if p else {}
                xs = [chosen(s, q) for s in answered]
                ok = st.get("n") == str(len(xs))
                if xs:
                    logs = [0.0, 0.0, 0.0]
                    for x in xs:
                        z = sum(1 for v in x if v == 0)
                        r = [0.065 if v == 0 else v * (1 - z * 0.065) for v in x]
                        logs = [logs[j] + math.log(r[j]) for j in range(3)]
                    gm = [math.exp(v / len(xs)) for v in logs]
                    want = [100 * v / sum(gm) for v in gm]
                    got = [float(v) for v in st.get("centre", "0 / 0 / 0").split(" / ")]
                    ok &= all(abs(x - y) <= 0.051 for x, y in zip(got, want))
                    ok &= st.get("zeros") == str(sum(1 for x in xs if 0 in x))
                check(ok, "%s, group %s: n and the compositional centre equal the store's" %
                      (q, g), "page %r" % st)
                fig = next(sec.find("figure", data_q=q, data_g=g), None)
                svg = next(fig.find("svg"), None) if fig else None
                labels = [t.text() for t in svg.find("text")] if svg else []
                shading = [n for n in svg.walk() if n.tag == "g" and "clip-path" in n.attrs] \
                    if svg else []
                cells = [n for n in shading[0].walk() if n.tag == "path"] if shading else []
                if g == "0":
                    check(not same_lang or
                          all(any(t.startswith(c[:20]) for t in labels) for c in corners[q]),
                          "%s: the ternary plot has its corner labels" % q, repr(labels[:3]))
                    dots = [n for n in svg.walk() if n.tag == "circle" and
                            " at " in n.text()]
                    check(len(dots) == len({triad_point(x) for x in xs}),
                          "%s: a dot per place answered" % q,
                          "%d dots, %d places" % (len(dots), len({triad_point(x) for x in xs})))
                if len(xs) >= 30:
                    links = {n.attrs.get("href") for n in shading[0].walk() if n.tag == "a"} \
                        if shading else set()
                    want = {"#f:%s=t%d" % (q, triad_cell(x)) for x in xs}
                    check(len(cells) == len(want) and (g != "0" or links == want),
                          "%s, group %s (%d answers): a density shading, a cell per tenth "
                          "answered%s" % (q, g, len(xs), ", each linking to its stories"
                                           if g == "0" else ""),
                          "%d cells, %d wanted" % (len(cells), len(want)))
                else:
                    check(not shading, "%s, group %s (%d answers): no shading for so few" %
                          (q, g, len(xs)))

    # --- consent, withdrawal, hostile text
    texts = set()
    for n in root.walk():
        for c in n.children:
            if isinstance(c, str) and c.strip():
                texts.add(c.strip())
    alltext = root.text()
    leaked = []
    for s in sel:
        if s in quot:
            continue
        for q, typ in questions:
            v = chosen(s, q)
            if typ in ("story", "text") and v:
                if neutral(v) in texts or (typ == "story" and neutral(v)[:40] in alltext):
                    leaked.append(v[:40])
    check(not leaked, "no text of an analysis-only story appears", repr(leaked[:3]))
    for s in a.absent:
        check(s not in raw, "%r (withdrawn) appears nowhere" % s)
    for s in a.text:
        check(s in alltext, "%r is shown as text" % s)
    cards = list(root.find("article"))
    by_id = {c.attrs.get("id"): c for c in cards}
    def group_of(s):
        v = chosen(s, a.by) if a.by else None
        return str(1 + by_choices.index(v)) if v in by_choices else "0"

    if a.stories:
        quotable_in, shown_in = {}, {}
        for s in quot:
            quotable_in[group_of(s)] = quotable_in.get(group_of(s), 0) + 1
        for c in cards:
            shown_in[c.attrs.get("data-g")] = shown_in.get(c.attrs.get("data-g"), 0) + 1
        want = {g: min(n, a.stories) for g, n in quotable_in.items()}
        check(shown_in == want, "--stories %d: each group shows at most that many" % a.stories,
              "page %r, want %r" % (shown_in, want))
        ids = {"s-" + s["story_id"]: group_of(s) for s in quot}
        check(all(ids.get(c.attrs.get("id")) == c.attrs.get("data-g") for c in cards),
              "... each a quotable story of its group")
        table = next(root.find("table", **{"class": "shown"}), None)
        left = {}
        for tr in (table.find("tr") if table else []):
            for td in tr.find("td", data_stat="left-out"):
                left[tr.attrs.get("data-g")] = int(td.text())
        want = {g: n - min(n, a.stories) for g, n in quotable_in.items()}
        check(left == want, "... and the page says how many were left out",
              "page %r, want %r" % (left, want))
    else:
        missing = [s["code"] for s in quot if "s-" + s["story_id"] not in by_id]
        check(not missing and len(cards) == len(quot), "every quotable story has its card",
              "missing %r, %d cards" % (missing[:3], len(cards)))
        wrong = []
        for s in quot:
            c = by_id.get("s-" + s["story_id"])
            bq = next(c.find("blockquote"), None) if c else None
            if bq is None or bq.text() != neutral(s["answers"]["story"]):
                wrong.append(s["code"])
        check(not wrong, "... its story text, exactly, made inert", repr(wrong[:3]))
        wrong = []
        for s in quot:
            c = by_id.get("s-" + s["story_id"])
            h3 = next(c.find("h3"), None) if c else None
            meta = next(c.find("p", **{"class": "smeta"}), None) if c else None
            parts = meta.text().split(" \u00b7 ") if meta else []
            if h3 is None or h3.text() != s["code"] or parts[:2] != [
                    s["lang"], prompt_label.get(s["prompt"], s["prompt"])]:
                wrong.append((s["code"], parts[:2]))
        check(not wrong, "... with its code, language and prompt", repr(wrong[:3]))
        # a text question lists the quotable stories' answers (all of them: fewer than 50)
        for q, typ in questions:
            if typ != "text":
                continue
            div = next(root.find("div", data_q=q, **{"class": "texts"}), None)
            got = sorted(li.text() for li in div.find("li")) if div else None
            want = sorted(neutral(chosen(s, q)) for s in quot
                          if shown(s, q) and chosen(s, q))
            check(len(want) <= 50 and got == want,
                  "%s: the short answers listed are the quotable stories' (%d)" % (q, len(want)),
                  "page %r, store %r" % ((got or [])[:3], want[:3]))
    if not a.stories:
        # what a chart's link shows: the cards holding its token
        tokens = {}
        for c in cards:
            for k in c.attrs.get("data-k", "").split():
                tokens[k] = tokens.get(k, 0) + 1
        wrong = []
        for q, typ in questions:
            for s in quot:
                v = chosen(s, q)
                if typ == "choice" and v is not None:
                    tokens["%s=%s" % (q, v)] = tokens.get("%s=%s" % (q, v), 0) - 1
                elif typ == "multi" and v is not None:
                    for x in v:
                        tokens["%s=%s" % (q, x)] = tokens.get("%s=%s" % (q, x), 0) - 1
                elif typ == "scale" and v is not None:
                    k = "%s=b%d" % (q, int(math.floor(v / 5.0 + 0.5)))
                    tokens[k] = tokens.get(k, 0) - 1
                elif typ == "triad" and v is not None:
                    k = "%s=t%d" % (q, triad_cell(v))
                    tokens[k] = tokens.get(k, 0) - 1
            wrong += [k for k, n in tokens.items() if k.startswith(q + "=") and
                      typ in ("choice", "multi", "scale", "triad") and not k.endswith("=-") and
                      n != 0]
        # the Overview's bars: kiosk, language, prompt, tier, source, status, day
        for s in quot:
            for name, v in (("kiosk", s["kiosk"]), ("lang", s["lang"]), ("prompt", s["prompt"]),
                            ("consent", s["consent"]), ("source", s["source"]),
                            ("status", s["status"]), ("day", day(s))):
                k = token(name, v)
                tokens[k] = tokens.get(k, 0) - 1
        wrong += [k for k, n in tokens.items() if k.split("=")[0] in (
            "kiosk", "lang", "prompt", "consent", "source", "status", "day") and n != 0]
        for q, typ in questions:
            if typ != "number":
                continue
            sec = next(root.find("section", data_q=q), None)
            fig = next(sec.find("figure", data_q=q, data_g="0"), None) if sec else None
            for link in (fig.find("a") if fig else []):
                m = re.match(r"#f:%s=r([^:]+):(.+)$" % re.escape(q), link.attrs.get("href", ""))
                if not m:
                    continue
                lo, hi = float(m.group(1)), float(m.group(2))
                want = sum(1 for s in quot if chosen(s, q) is not None and
                           lo <= chosen(s, q) < hi)
                got = sum(1 for c in cards for k in c.attrs.get("data-k", "").split()
                          if k.startswith(q + "=v") and lo <= float(k[len(q) + 2:]) < hi)
                if want != got:
                    wrong.append("%s %g..%g: %d cards, %d stories" % (q, lo, hi, got, want))
        check(not wrong, "a bar's or bin's link finds exactly the quotable stories behind it",
              repr(wrong[:4]))

        # every chart link, the groups' ("GROUP+TOKEN") too: the cards the
        # page's script would show (as it matches a part) against the
        # quotable stories the link stands for, worked out from the export
        def card_has(keys, part):
            m = re.match(r"^(.*)=r([^:]*):(.*)$", part)
            return part in keys or bool(m and any(
                k.startswith(m.group(1) + "=v") and
                float(m.group(2)) <= float(k[len(m.group(1)) + 2:]) < float(m.group(3))
                for k in keys))

        fields = {"kiosk": "kiosk", "lang": "lang", "prompt": "prompt", "consent": "consent",
                  "source": "source", "status": "status"}

        def story_has(s, part):
            name, v = part.split("=", 1)
            if name in fields:
                return token(name, s[fields[name]]) == part
            if name == "day":
                return token("day", day(s)) == part
            ans, typ = chosen(s, name), qtype.get(name)
            if v == "-":
                return name in s["answers"] and shown(s, name) and ans is None
            if ans is None:
                return False
            if typ == "choice":
                return ans == v
            if typ == "multi":
                return v in ans
            if typ == "scale":
                return v == "b%d" % lround(lround(ans) / 5.0)
            if typ == "number":
                lo, hi = v[1:].split(":")
                return float(lo) <= ans < float(hi)
            if typ == "triad":
                return v == "t%d" % triad_cell(ans)
            return False

        card_keys = [set(c.attrs.get("data-k", "").split()) for c in cards]
        links = sorted({n.attrs["href"][3:] for n in root.walk()
                        if n.tag == "a" and n.attrs.get("href", "").startswith("#f:")})
        wrong, grouped = [], 0
        for link in links:
            parts = link.split("+")
            grouped += len(parts) > 1
            got = sum(1 for ks in card_keys if all(card_has(ks, p) for p in parts))
            want = sum(1 for s in quot if all(story_has(s, p) for p in parts))
            if got != want:
                wrong.append("%s: %d cards, %d stories" % (link, got, want))
        # and a group's chart links to its group's stories only
        for fig in root.find("figure"):
            g = fig.attrs.get("data-g")
            if not a.by or g in (None, "0"):
                continue
            want = token(a.by, by_choices[int(g) - 1])  # the heading's; the rest, in it
            wrong += ["%s in group %s" % (n.attrs["href"], g) for n in fig.walk()
                      if n.tag == "a" and n.attrs.get("href", "").startswith("#f:") and
                      n.attrs["href"][3:] != want and
                      not n.attrs["href"][3:].startswith(want + "+")]
        check(links and (grouped or not a.by) and not wrong,
              "each of the %d chart links (%d in a group's chart) shows exactly the quotable "
              "stories behind it" % (len(links), grouped), repr(wrong[:4]))
    anchors = {n.attrs.get("id") for n in root.walk() if n.tag == "span"}
    hrefs = {n.attrs.get("href") for n in root.walk() if n.tag == "a"}
    lost = [h for h in hrefs if h and h.startswith("#f:") and h[1:] not in anchors]
    inner = [h for h in hrefs if h and not h.startswith("#f:") and
             h[1:] not in {n.attrs.get("id") for n in root.walk()}]
    check(not lost and not inner, "every link lands in the page (a chart's on an anchor in "
          "Stories)", repr((lost + inner)[:3]))
    cc = next(root.find(id="cards-count"), None)
    check(cc is not None and cc.attrs.get("data-n") == str(len(cards)),
          "the page says how many stories it holds")
    for c in cards:
        bad = [n.tag for n in c.walk() if n.tag in ("svg", "script", "b", "img")]
        if bad:
            check(False, "hostile text stays text inside its card", "%s holds %r" % (
                c.attrs.get("id"), bad))
            break
    else:
        check(True, "hostile text stays text inside its card")

    # --- the adjustment, and Patterns
    tested = [n for n in root.walk() if "data-p" in n.attrs and "data-padj" in n.attrs]
    if a.by:
        ps = [float(n.attrs["data-p"]) for n in tested]
        want = bh(ps)
        bad = [(n.attrs.get("data-q") or n.attrs.get("data-choice"), n.attrs["data-padj"], w)
               for n, w in zip(tested, want) if not rel(n.attrs["data-padj"], w)]
        check(tested and not bad, "every adjusted p is Benjamini-Hochberg over the page's %d "
              "tests" % len(tested), repr(bad[:3]))
    pats = [li for li in root.find("li") if "data-padj" in li.attrs and li.attrs.get("data-q")]
    order = [n.attrs.get("id") for n in root.walk() if n.tag == "section" and n.attrs.get("id")]
    check(order[:2] == ["patterns", "overview"], "Patterns comes first, then the Overview",
          repr(order[:3]))
    effects = [float(li.attrs["data-effect"]) for li in pats]
    check(effects == sorted(effects, reverse=True) and
          all(float(li.attrs["data-padj"]) < 0.05 and float(li.attrs["data-effect"]) >= 0.01
              for li in pats), "Patterns lists only adjusted p < 0.05 and effects of 0.01 or "
          "more, the strongest first", repr(effects))
    check(all(re.search(r"adjusted p [=<] [\d.]+, n = \d+ and \d+\.", li.text())
              for li in pats), "each pattern says its figures in words",
          repr([li.text()[:80] for li in pats[:2]]))
    for q in a.pattern:
        check(any(li.attrs["data-q"] == q for li in pats), "Patterns lists %s" % q,
              repr([li.text()[:60] for li in pats]))
    for q in a.no_pattern:
        check(not any(li.attrs["data-q"] == q for li in pats), "Patterns does not list %s" % q)

    for ok, what, why in results:
        print(("PASS %s" % what) if ok else ("FAIL %s: %s" % (what, why)))
    return 0


sys.exit(main())
