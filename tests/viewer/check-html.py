#!/usr/bin/env python3
"""check-html.py — check the HTML page of `libmap-timeline --html` in real
headless Chromium: the page is self-contained, its script ran and drew the
lanes, operations, race and panic marks, and a screenshot is not blank.

Usage:
  check-html.py FILE [--expect-tids T1,T2,...] [--expect-race TID1,TID2]
                     [--expect-panic | --no-panic] [--aggregated] [--keep DIR]

Checks (exit 1 with one line `check-html: FILE: reason`):
  - the file: no http(s):// text, no src=/href= attributes, no CSS url( or
    @import: nothing to fetch; the data block <script type="application/json"
    id="tl-data"> parses as JSON and holds no "</";
  - the DOM after scripts ran (`chromium --dump-dom`): a <title> and an
    <h1 id="summary">; one <g class="lane" data-tid=...> per thread and at
    least one rect.op (or density strip) in each; with --expect-tids the lane
    TIDs are exactly these; with --expect-race exactly two rect.race, on the
    lanes of TID1 and TID2, an #overlap, the heading names both TIDs, and
    #panic-mark unless --no-panic; --expect-panic / --no-panic require
    #panic-mark / its absence; --aggregated requires the big-view notice;
  - a screenshot (`--screenshot`, 1400x800): a PNG with at least 8 colours,
    and with --expect-race at least 20 pixels of the race colour (#e0245e).
Every Chromium run is bounded by `timeout 60`. CHROMIUM names the browser
(default /usr/bin/chromium); exit 77 (skip) when it is missing.
Exit: 0 ok, 1 failed, 2 usage, 77 no browser.
"""
import argparse
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib
from html.parser import HTMLParser

PROG = "check-html"
RACE_RGB = (0xE0, 0x24, 0x5E)
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", "--force-device-scale-factor=1"]


class Bad(Exception):
    pass


class Dom(HTMLParser):
    """Lanes (data-tid), the rects in each, ids, title and heading."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []       # (tag, lane tid or None)
        self.lanes = []       # tids in order
        self.rects = []       # (classes, data-kind, lane tid)
        self.ids = set()
        self.title = ""
        self.h1 = ""
        self.text_in = None
        self.aggregated = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        cls = (a.get("class") or "").split()
        lane = self.stack[-1][1] if self.stack else None
        if tag == "g" and "lane" in cls:
            lane = a.get("data-tid")
            self.lanes.append(lane)
        if tag == "rect":
            self.rects.append((cls, a.get("data-kind"), lane))
        if a.get("id"):
            self.ids.add(a["id"])
            if a["id"] == "summary":
                self.text_in = "h1"
            if a["id"] == "aggregated":
                self.aggregated = True
        if tag == "title" and not self.stack_has("svg"):
            self.text_in = "title"
        if tag not in ("meta", "link", "br", "img", "input", "hr"):
            self.stack.append((tag, lane))

    def stack_has(self, tag):
        return any(t == tag for t, _ in self.stack)

    def handle_endtag(self, tag):
        while self.stack:
            t, _ = self.stack.pop()
            if t == tag:
                break
        if tag in ("title", "h1"):
            self.text_in = None

    def handle_data(self, data):
        if self.text_in == "title":
            self.title += data
        elif self.text_in == "h1":
            self.h1 += data


def static_checks(text):
    if re.search(r"(?i)https?://", text):
        raise Bad("the page refers to a URL (http:// or https://)")
    if re.search(r"(?i)<[^>]+\s(src|href)\s*=", text):
        raise Bad("the page has a src= or href= attribute")
    if re.search(r"(?i)url\(\s*['\"]?(?!#)|@import", text):
        raise Bad("the page's CSS imports or fetches something")
    m = re.search(r'<script type="application/json" id="tl-data">(.*?)</script>', text, re.S)
    if not m:
        raise Bad("no <script type=\"application/json\" id=\"tl-data\"> block")
    if "</" in m.group(1):
        raise Bad("the data block holds an unescaped \"</\"")
    try:
        json.loads(m.group(1))
    except ValueError as err:
        raise Bad("the data block is not JSON: %s" % err)


def chromium(args, tmp):
    browser = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    if not shutil.which(browser):
        print("%s: no browser %s: skipped" % (PROG, browser), file=sys.stderr)
        sys.exit(77)
    profile = tempfile.mkdtemp(prefix="profile-", dir=tmp)
    cmd = ["timeout", "60", browser] + FLAGS + ["--user-data-dir=" + profile] + args
    try:
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=75,
                           stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise Bad("chromium did not finish in 60 s")
    if r.returncode != 0:
        err = r.stderr.decode(errors="replace").strip().splitlines()
        raise Bad("chromium exited with %d: %s" % (r.returncode, err[-1] if err else ""))
    return r.stdout.decode("utf-8", errors="replace")


def png_pixels(path):
    """(width, height, channels, rows of bytes) of an 8-bit RGB/RGBA PNG."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise Bad("the screenshot is not a PNG")
    pos, idat, ihdr = 8, [], None
    while pos < len(data):
        n, typ = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if typ == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif typ == b"IDAT":
            idat.append(body)
        pos += 12 + n
    w, h, depth, ctype, _, _, interlace = ihdr
    if depth != 8 or ctype not in (2, 6) or interlace:
        raise Bad("unexpected PNG format (depth %d, colour type %d)" % (depth, ctype))
    ch = 4 if ctype == 6 else 3
    raw = zlib.decompress(b"".join(idat))
    stride = w * ch
    rows, prev = [], bytearray(stride)
    for y in range(h):
        ft = raw[y * (stride + 1)]
        cur = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        if ft == 1:
            for i in range(ch, stride):
                cur[i] = (cur[i] + cur[i - ch]) & 255
        elif ft == 2:
            cur = bytearray((c + p) & 255 for c, p in zip(cur, prev))
        elif ft == 3:
            for i in range(stride):
                left = cur[i - ch] if i >= ch else 0
                cur[i] = (cur[i] + ((left + prev[i]) >> 1)) & 255
        elif ft == 4:
            for i in range(stride):
                a = cur[i - ch] if i >= ch else 0
                b = prev[i]
                c = prev[i - ch] if i >= ch else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pr = a if pa <= pb and pa <= pc else b if pb <= pc else c
                cur[i] = (cur[i] + pr) & 255
        rows.append(bytes(cur))
        prev = cur
    return w, h, ch, rows


def check_png(path, want_race):
    if not os.path.exists(path) or os.path.getsize(path) < 1000:
        raise Bad("no screenshot written")
    w, h, ch, rows = png_pixels(path)
    colours, race = set(), 0
    target = bytes(RACE_RGB)
    for row in rows:
        for x in range(0, len(row), ch):
            px = row[x:x + 3]
            colours.add(px)
            if px == target:
                race += 1
    if len(colours) < 8:
        raise Bad("the screenshot is blank (%d colours)" % len(colours))
    if want_race and race < 20:
        raise Bad("the screenshot shows no race highlight (%d pixels of #e0245e)" % race)
    return w, h, len(colours), race


def main():
    ap = argparse.ArgumentParser(prog=PROG, description="Check libmap-timeline's HTML page in Chromium.")
    ap.add_argument("file")
    ap.add_argument("--expect-tids")
    ap.add_argument("--expect-race")
    g = ap.add_mutually_exclusive_group()
    g.add_argument("--expect-panic", action="store_true")
    g.add_argument("--no-panic", action="store_true")
    ap.add_argument("--aggregated", action="store_true")
    ap.add_argument("--keep", metavar="DIR", help="keep the DOM dump and the screenshot here")
    a = ap.parse_args()
    try:
        tids = [t for t in a.expect_tids.split(",")] if a.expect_tids else None
        race = [t for t in a.expect_race.split(",")] if a.expect_race else None
        for t in (tids or []) + (race or []):
            int(t)
        if race is not None and len(race) != 2:
            raise ValueError
    except ValueError:
        ap.error("TIDs are integers; --expect-race wants two")
    try:
        info = check(a, tids, race)
    except Bad as err:
        print("%s: %s: %s" % (PROG, a.file, err), file=sys.stderr)
        return 1
    print("%s: %s: ok (%s)" % (PROG, a.file, info))
    return 0


def check(a, tids, race):
    try:
        with open(a.file, encoding="utf-8") as f:
            text = f.read()
    except (OSError, UnicodeDecodeError) as err:
        raise Bad("cannot read: %s" % err)
    static_checks(text)
    url = "file://" + os.path.abspath(a.file)
    tmp = tempfile.mkdtemp(prefix="check-html-")
    try:
        dom_text = chromium(["--dump-dom", url], tmp)
        png = os.path.join(tmp, "shot.png")
        chromium(["--screenshot=" + png, "--window-size=1400,800", url], tmp)
        if a.keep:
            os.makedirs(a.keep, exist_ok=True)
            with open(os.path.join(a.keep, os.path.basename(a.file) + ".dom.html"), "w") as f:
                f.write(dom_text)
            shutil.copy(png, os.path.join(a.keep, os.path.basename(a.file) + ".png"))
        d = Dom()
        d.feed(dom_text)
        check_dom(d, a, tids, race)
        w, h, ncol, nrace = check_png(png, race is not None)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    ops = sum(1 for c, _, _ in d.rects if "op" in c)
    return "%d lanes, %d op rects, screenshot %dx%d with %d colours, %d race pixels" % (
        len(d.lanes), ops, w, h, ncol, nrace)


def check_dom(d, a, tids, race):
    if not d.title.strip():
        raise Bad("no <title>")
    if "summary" not in d.ids:
        raise Bad("no <h1 id=\"summary\">")
    if "timeline" not in d.ids or not d.lanes:
        raise Bad("no lanes drawn: did the script run?")
    if len(set(d.lanes)) != len(d.lanes):
        raise Bad("a TID has more than one lane: %s" % d.lanes)
    if tids is not None and sorted(d.lanes, key=int) != sorted(tids, key=int):
        raise Bad("lanes for TIDs %s, expected %s" % (",".join(sorted(d.lanes, key=int)),
                                                    ",".join(sorted(tids, key=int))))
    # The page opens on the race when there is one: the racing lanes must
    # show operations there; without a race every lane must.
    drawn_lanes = race if race else d.lanes
    for lane in drawn_lanes:
        if not any(l == lane and ("op" in c or "density" in c) for c, _, l in d.rects):
            raise Bad("lane %s has no operation drawn" % lane)
    if not any("op" in c and k for c, k, _ in d.rects):
        raise Bad("no rect.op with a data-kind")
    races = [l for c, _, l in d.rects if "op" in c and "race" in c]
    want_panic = a.expect_panic or (race is not None and not a.no_panic)
    if race is not None:
        if sorted(races, key=str) != sorted(race, key=int):
            raise Bad("rect.race on lanes %s, expected exactly %s" % (races, race))
        if "overlap" not in d.ids:
            raise Bad("no #overlap")
        for t in race:
            if not re.search(r"\b%s\b" % t, d.h1):
                raise Bad("the heading does not name thread %s: %r" % (t, d.h1.strip()))
    if want_panic and "panic-mark" not in d.ids:
        raise Bad("no #panic-mark")
    if a.no_panic and "panic-mark" in d.ids:
        raise Bad("a #panic-mark on a trace without panic")
    if a.aggregated and not d.aggregated:
        raise Bad("no big-view notice (#aggregated)")


if __name__ == "__main__":
    sys.exit(main())
