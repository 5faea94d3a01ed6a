"""browser-check: open a page made by `storyhub report` in headless Chromium
with the network off, and check what a person would see (run by
tests/e2e/hub-report.sh with /usr/bin/python3; standard library only).

    browser-check.py [--netns] CHROMIUM PAGE.html OUTDIR SEARCH EXPECT_IDS TOKEN=N...

1. chromium --headless --screenshot: the PNG (decoded here with zlib and
   struct) must not be blank.
2. The page again, driven through the DevTools protocol over
   --remote-debugging-pipe (Chromium reads commands on fd 3 and answers on
   fd 4): the network is emulated offline and every request the page makes
   is recorded (only the file itself may be read); the search box appears
   (so the CSP let the inline script run), SEARCH is typed into it
   (Input.insertText, the browser's own text input), and the stories left
   visible must be exactly EXPECT_IDS (comma-separated article ids); then
   for each TOKEN=N the address gets "#f:TOKEN" (what a chart's bar or bin
   links to) and N stories must be visible.
3. The same page as printed (Emulation.setEmulatedMedia print): the menu
   and the search box are gone, every story is there, and Page.printToPDF
   gives a PDF of more than one page.

With --netns both run inside `unshare -n` (a network namespace with no
interface up), the network off for real. Prints "PASS what" / "FAIL what:
why" lines; "SKIP why" when Chromium cannot run here.
"""
import base64
import json
import os
import select
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import zlib

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-default-apps", "--disable-extensions", "--mute-audio"]
TIMEOUT = 60


def png_pixels(data):
    """(width, height, bytes per pixel, rows) of an 8-bit RGB or RGBA PNG."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, ihdr = 8, b"", None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        pos += 12 + n
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
    w, h, depth, ctype, _, _, interlace = ihdr
    if depth != 8 or ctype not in (2, 6) or interlace:
        raise ValueError("PNG colour type %d, depth %d" % (ctype, depth))
    bpp = 3 if ctype == 2 else 4
    raw, stride, rows, prev, i = zlib.decompress(idat), w * bpp, [], bytearray(w * bpp), 0
    for _ in range(h):
        f, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if f == 1:
                line[x] = (line[x] + a) & 255
            elif f == 2:
                line[x] = (line[x] + b) & 255
            elif f == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, bpp, rows


def inked(data):
    """The share of pixels that are not near white, and the distinct colours."""
    w, h, bpp, rows = png_pixels(data)
    ink, colours = 0, set()
    for r in rows:
        for x in range(0, w * bpp, bpp):
            px = r[x:x + 3]
            if min(px) < 230:
                ink += 1
                colours.add(bytes(px))
    return ink / float(w * h), len(colours)


class Pipe:
    """The DevTools protocol over Chromium's --remote-debugging-pipe."""

    def __init__(self, argv):
        r_cmd, self.w = os.pipe()
        self.r, w_res = os.pipe()

        def fds():
            a, b = os.dup(r_cmd), os.dup(w_res)
            os.dup2(a, 3)
            os.dup2(b, 4)

        self.p = subprocess.Popen(argv + ["--remote-debugging-pipe"], preexec_fn=fds,
                                  close_fds=False, stdin=subprocess.DEVNULL,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(r_cmd)
        os.close(w_res)
        self.buf, self.n, self.events = b"", 0, []
        self.deadline = time.time() + TIMEOUT

    def recv(self):
        while b"\0" not in self.buf:
            left = self.deadline - time.time()
            if left <= 0 or not select.select([self.r], [], [], left)[0]:
                raise TimeoutError("no answer from Chromium")
            d = os.read(self.r, 1 << 16)
            if not d:
                raise EOFError("Chromium closed the pipe")
            self.buf += d
        m, self.buf = self.buf.split(b"\0", 1)
        return json.loads(m)

    def call(self, method, params=None, session=None):
        self.n += 1
        msg = {"id": self.n, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self.w, json.dumps(msg).encode() + b"\0")
        while True:
            m = self.recv()
            if m.get("id") == self.n:
                if "error" in m:
                    raise RuntimeError("%s: %s" % (method, m["error"]))
                return m["result"]
            self.events.append(m)

    def wait(self, method):
        for i, m in enumerate(self.events):
            if m.get("method") == method:
                return self.events.pop(i)
        while True:
            m = self.recv()
            if m.get("method") == method:
                return m
            self.events.append(m)

    def close(self):
        try:
            self.call("Browser.close")
        except Exception:
            pass
        try:
            self.p.wait(10)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()


def main():
    args = sys.argv[1:]
    prefix = []
    if args and args[0] == "--netns":
        prefix = ["unshare", "-n"]
        args = args[1:]
    chromium, page, out, search, expect_ids = args[:5]
    links = [a.rsplit("=", 1) for a in args[5:]]
    url = "file://" + os.path.abspath(page)
    results = []

    def check(ok, what, why=""):
        results.append("PASS %s" % what if ok else "FAIL %s: %s" % (what, why))

    # 1. the screenshot
    profile = tempfile.mkdtemp(dir=out)
    shot = os.path.join(out, "shot.png")
    try:
        subprocess.run(prefix + [chromium] + FLAGS + ["--user-data-dir=" + profile,
                       "--window-size=1100,1600", "--screenshot=" + shot, url],
                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=TIMEOUT)
    except (OSError, subprocess.TimeoutExpired) as e:
        print("SKIP chromium does not run here (%s)" % e)
        return 0
    if not os.path.exists(shot):
        print("SKIP chromium ran but wrote no screenshot (it cannot run here)")
        return 0
    share, colours = inked(open(shot, "rb").read())
    check(share > 0.03 and colours > 20, "the screenshot is not blank",
          "%.1f%% of pixels inked, %d colours" % (100 * share, colours))
    shutil.rmtree(profile, ignore_errors=True)

    # 2. type into the search box, follow a chart's link
    profile = tempfile.mkdtemp(dir=out)
    cdp = Pipe(prefix + [chromium] + FLAGS + ["--user-data-dir=" + profile, "about:blank"])
    try:
        target = cdp.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        s = cdp.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        cdp.call("Network.enable", session=s)
        cdp.call("Network.emulateNetworkConditions", {"offline": True, "latency": 0,
                 "downloadThroughput": -1, "uploadThroughput": -1}, session=s)
        cdp.call("Page.enable", session=s)
        cdp.call("Page.navigate", {"url": url}, session=s)
        cdp.wait("Page.loadEventFired")

        def js(expr):
            r = cdp.call("Runtime.evaluate", {"expression": expr, "returnByValue": True},
                         session=s)
            return r["result"].get("value")

        visible = "Array.from(document.querySelectorAll('article.story'))" \
                  ".filter(function (a) { return !a.hidden; }).map(function (a) { return a.id; })"
        total = js("document.querySelectorAll('article.story').length")
        check(js("document.getElementById('tools').hidden") is False,
              "the search box appears (the CSP let the inline script run)")
        check(len(js(visible)) == total and total > 0, "every story is shown at first",
              "%s of %s" % (len(js(visible)), total))
        js("document.getElementById('search').focus()")
        cdp.call("Input.insertText", {"text": search}, session=s)
        got = sorted(js(visible))
        want = sorted(expect_ids.split(","))
        check(got == want, "typing %r into the search box leaves its stories" % search,
              "shown %r, want %r" % (got[:5], want))
        check(search in (js("document.getElementById('shown').textContent") or ""),
              "... and says what it searched for")
        js("document.getElementById('all').click()")
        for token, expect_n in links:
            js("location.hash = '#f:' + %s" % json.dumps(token))
            deadline = time.time() + 10
            n = -1
            while time.time() < deadline:
                n = len(js(visible))
                if n == int(expect_n):
                    break
                time.sleep(0.1)
            check(n == int(expect_n), "a chart's link (#f:%s) shows the stories behind it" %
                  token, "%d shown, want %s" % (n, expect_n))
        # 3. printed: the print stylesheet hides the menu and the search box,
        # keeps every story, and Chromium prints the page to PDF pages
        js("location.hash = ''")
        js("document.getElementById('all').click()")
        cdp.call("Emulation.setEmulatedMedia", {"media": "print"}, session=s)
        shown = "function (q) { return Array.from(document.querySelectorAll(q)).filter(" \
                "function (e) { return getComputedStyle(e).display !== 'none'; }).length; }"
        hidden = js("(%s)('nav, #tools')" % shown)
        cards = js("(%s)('article.story')" % shown)
        check(hidden == 0 and cards == total,
              "printed: no menu or search box, every story kept",
              "%s of nav/#tools shown, %s of %s stories" % (hidden, cards, total))
        pdf = base64.b64decode(cdp.call("Page.printToPDF", {}, session=s)["data"])
        pages = pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages") if pdf else 0
        check(pdf[:5] == b"%PDF-" and pages > 1, "... and prints to PDF pages",
              "%d bytes, %d pages" % (len(pdf), pages))
        cdp.call("Emulation.setEmulatedMedia", {"media": ""}, session=s)
        urls = [m["params"]["request"]["url"] for m in cdp.events
                if m.get("method") == "Network.requestWillBeSent"]
        check(all(u.startswith("file:") for u in urls),
              "the page asks for nothing from the network", repr(urls[:3]))
    except (TimeoutError, EOFError, RuntimeError, OSError) as e:
        check(False, "Chromium answers over the DevTools pipe", str(e))
    finally:
        cdp.close()
        shutil.rmtree(profile, ignore_errors=True)
    print("\n".join(results))
    return 0


sys.exit(main())
