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
        if row["type"] in ("choice", "multi"):
            vals = row["values"].split(": ", 1)[-1] if row["type"] == "multi" else row["values"]
            choices[row["question"]] = [v.split(" = ")[0] for v in vals.split("; ")]
    qtype = dict(questions)
    tiers = a.tiers.split(",")
    rank = tiers.index(a.consent)

    t = Tree()
    t.feed(raw)
    t.close()
    root = t.root
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
    for what, key in (("lang", "lang"), ("consent", "consent"), ("status", "status"),
                      ("source", "source"), ("kiosk", "kiosk")):
        want = {}
        for s in sel:
            want[s[key]] = want.get(s[key], 0) + 1
        table = next(root.find("table", data_overview=what), None)
        got = {}
        if table is not None:
            for tr in table.find("tr"):
                tds = [c for c in tr.children if isinstance(c, Node) and c.tag == "td"]
                got[tr.attrs.get("data-v")] = int(tds[1].text())
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
        for g, ss in groups:
            if g != "0" and (q == a.by or typ in ("text", "story")):
                continue
            seen = [s for s in ss if shown(s, q)]
            answered = [s for s in seen if chosen(s, q) is not None]
            if typ in ("choice", "multi"):
                table = next(sec.find("table", data_q=q, data_g=g), None)
                got = {}
                for tr in (table.find("tr") if table else []):
                    tds = [c for c in tr.children if isinstance(c, Node) and c.tag == "td"]
                    if tr.attrs.get("data-v") is not None:
                        got[tr.attrs["data-v"]] = int(tds[1].text())
                want = {c: sum(1 for s in answered if chosen(s, q) == c or
                               (isinstance(chosen(s, q), list) and c in chosen(s, q)))
                        for c in choices[q]}
                want["-"] = len(seen) - len(answered)
                if g != "0" and not seen:
                    continue
                check(got == want, "%s, group %s: the counts equal the store's" % (q, g),
                      "page %r, store %r" % (got, want))
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
                check(ok, "%s, group %s: n, median, quartiles, mean equal the store's" % (q, g),
                      "page %r, store n %d" % (st, len(xs)))
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
            wrong += [k for k, n in tokens.items() if k.startswith(q + "=") and
                      typ in ("choice", "multi", "scale") and not k.endswith("=-") and n != 0]
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

    # --- patterns
    pats = [li for li in root.find("li") if "data-padj" in li.attrs and li.attrs.get("data-q")]
    for q in a.pattern:
        check(any(li.attrs["data-q"] == q for li in pats), "Patterns lists %s" % q,
              repr([li.text()[:60] for li in pats]))
    for q in a.no_pattern:
        check(not any(li.attrs["data-q"] == q for li in pats), "Patterns does not list %s" % q)

    for ok, what, why in results:
        print(("PASS %s" % what) if ok else ("FAIL %s: %s" % (what, why)))
    return 0


sys.exit(main())
