#!/usr/bin/env python3
"""Opens `accord report` on the bundled sample in headless Chromium.

What the Rust tests cannot see, because only a browser lays the page out:

- the page logs nothing to the console and fetches nothing;
- every chart is drawn at a size above zero, with shapes that have area;
- laid out with the print style at the width of an A4 page inside its
  margins, nothing is wider than the page, and the small charts drawn one
  per window sit two to a row;
- it prints to a PDF of A4 pages;
- a screenshot at 150 dpi A4 (1240 x 1754) is written to
  target/browser/report.png (and the print layout's first page to
  report-print.png), for a person to look at.

Usage: tests/browser/check.py [ACCORD_BINARY]   (default: target/release/accord)
Exit 0 when all hold, 1 when one does not, 2 when it cannot run.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zlib
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "target" / "browser"
# A4 is 210 mm wide; the report's @page leaves 12 mm each side: 186 mm at
# 96 CSS px per inch.
A4_INNER_PX = round(186 / 25.4 * 96)
SHAPES = ("rect", "line", "circle", "path", "polygon", "polyline")

failures = []
passes = []


def fail(message):
    failures.append(message)
    print(f"FAIL {message}")


def ok(message):
    passes.append(message)
    print(f"ok   {message}")


def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    print("chromium not found: apt-get install -y chromium", file=sys.stderr)
    sys.exit(2)


def browse(browser, url, *flags, timeout=120):
    """Runs headless Chromium once; returns (stdout, console lines)."""
    with tempfile.TemporaryDirectory() as profile:
        run = subprocess.run(
            [
                browser,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                "--no-first-run",
                "--disable-extensions",
                "--enable-logging=stderr",
                "--v=0",
                f"--user-data-dir={profile}",
                *flags,
                url,
            ],
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    # Chromium logs page console messages as `...:CONSOLE(line)] "text"`;
    # its own chatter (dbus, GPU) is not the page's and is ignored.
    console = [line for line in run.stderr.splitlines() if ":CONSOLE" in line]
    if run.returncode != 0:
        fail(f"chromium exited {run.returncode}: {run.stderr[-2000:]}")
    return run.stdout, console


class Svgs(HTMLParser):
    """Every <svg> of a page: its attributes, title and shape count."""

    def __init__(self):
        super().__init__()
        self.svgs = []
        self.depth = 0
        self.in_title = False

    def handle_starttag(self, tag, attrs):
        if tag == "svg":
            self.svgs.append({"attrs": dict(attrs), "title": "", "shapes": 0})
            self.depth += 1
        elif self.depth and tag in SHAPES:
            self.svgs[-1]["shapes"] += 1
        elif self.depth and tag == "title":
            self.in_title = True

    def handle_endtag(self, tag):
        if tag == "svg":
            self.depth -= 1
        elif tag == "title":
            self.in_title = False

    def handle_data(self, data):
        if self.in_title and self.svgs:
            self.svgs[-1]["title"] += data


# Injected into a copy of the page, never into the report itself: it
# measures what the browser laid out and writes it where --dump-dom shows it.
PROBE = """
<script>
(function () {
  var errors = [];
  window.addEventListener('error', function (e) { errors.push(String(e.message || e)); }, true);
  var charts = [].map.call(document.querySelectorAll('svg'), function (svg) {
    var box = svg.getBoundingClientRect();
    var drawn = [].filter.call(svg.querySelectorAll('%s'), function (s) {
      if (s.closest('defs')) return false;
      var b = s.getBBox();
      return b.width > 0 || b.height > 0;
    }).length;
    var title = svg.querySelector('title');
    return { title: title ? title.textContent : '', width: box.width, height: box.height, drawn: drawn,
             small: !!svg.closest('figure.multiples'), top: box.top };
  });
  var page = document.documentElement;
  var wide = [].filter.call(document.querySelectorAll('body *'), function (e) {
    return e.getBoundingClientRect().right > page.clientWidth + 1;
  }).slice(0, 5).map(function (e) {
    return e.tagName.toLowerCase() + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().width) + 'px';
  });
  var resources = performance.getEntriesByType('resource').map(function (r) { return r.name; });
  var out = document.createElement('pre');
  out.id = 'accord-probe';
  out.textContent = JSON.stringify({
    charts: charts, errors: errors, resources: resources,
    width: page.clientWidth, scrollWidth: page.scrollWidth, wide: wide
  });
  document.body.appendChild(out);
})();
</script>
""" % ", ".join(SHAPES)


def probe(browser, html, name, width, print_style):
    """Lays out a copy of the page with the probe and returns its findings."""
    if print_style:
        # The print style, applied on screen, so that a window as wide as
        # an A4 page's text shows what paper would get.
        html = html.replace("@media print", "@media all")
    copy = OUT / f"{name}.html"
    copy.write_text(html.replace("</body>", PROBE + "</body>"), encoding="utf-8")
    dom, console = browse(
        browser, copy.as_uri(), "--dump-dom", f"--window-size={width},1754"
    )
    found = re.search(r'<pre id="accord-probe">(.*?)</pre>', dom, re.S)
    if not found:
        fail(f"{name}: the probe did not run")
        return None, console, copy
    text = found.group(1).replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">")
    return json.loads(text.replace("&amp;", "&")), console, copy


def nonblank(png):
    """Whether a PNG has content: a blank page's rows filter to zeros."""
    data = png.read_bytes()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        return False, (0, 0)
    width = int.from_bytes(data[16:20], "big")
    height = int.from_bytes(data[20:24], "big")
    idat, pos = b"", 8
    while pos < len(data):
        length = int.from_bytes(data[pos : pos + 4], "big")
        kind = data[pos + 4 : pos + 8]
        if kind == b"IDAT":
            idat += data[pos + 8 : pos + 8 + length]
        pos += 12 + length
    raw = zlib.decompress(idat)
    busy = sum(1 for b in raw[:: max(1, len(raw) // 200_000)] if b)
    return busy > 2_000, (width, height)


def main():
    binary = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "target" / "release" / "accord"
    if not binary.exists():
        print(f"{binary} not found: build it first (cargo build --release)", file=sys.stderr)
        return 2
    browser = chromium()
    OUT.mkdir(parents=True, exist_ok=True)
    report = OUT / "report.html"
    made = subprocess.run(
        [str(binary), "report", "--out", str(report)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
    )
    if made.returncode != 0:
        print(f"accord report exited {made.returncode}: {made.stderr}", file=sys.stderr)
        return 2
    html = report.read_text(encoding="utf-8")

    # The report as it is: no console message at all (it has no scripts,
    # so any message is the browser complaining), and every chart sized,
    # titled and holding shapes in the DOM the browser built.
    dom, console = browse(browser, report.as_uri(), "--dump-dom", "--window-size=1240,1754")
    for line in console:
        fail(f"console: {line}")
    parsed = Svgs()
    parsed.feed(dom)
    if len(parsed.svgs) < 10:
        fail(f"only {len(parsed.svgs)} charts in the page")
    for svg in parsed.svgs:
        title = svg["title"].strip() or "(untitled)"
        if not svg["title"].strip():
            fail("a chart without a title")
        for side in ("width", "height"):
            try:
                size = float(svg["attrs"].get(side, "0"))
            except ValueError:
                size = 0
            if size <= 0:
                fail(f"{title}: {side} is {svg['attrs'].get(side)!r}")
        if svg["shapes"] == 0:
            fail(f"{title}: no shapes")

    # Laid out on screen: charts have area and shapes with area; nothing
    # was fetched and no script error happened (the probe's own).
    screen, console, _ = probe(browser, html, "probe-screen", 1240, print_style=False)
    for line in console:
        fail(f"console (probe): {line}")
    if screen:
        for e in screen["errors"]:
            fail(f"script error: {e}")
        for r in screen["resources"]:
            fail(f"fetched {r}")
        for c in screen["charts"]:
            if c["width"] <= 0 or c["height"] <= 0:
                fail(f"{c['title']}: drawn at {c['width']}x{c['height']}")
            if c["drawn"] < 3:
                fail(f"{c['title']}: only {c['drawn']} shapes with area")
        ok(f"{len(screen['charts'])} charts laid out, nothing fetched")

    # The print style at the width of an A4 page's text.
    paper, _, print_copy = probe(browser, html, "probe-print", A4_INNER_PX, print_style=True)
    if paper:
        if paper["scrollWidth"] > paper["width"] + 1:
            fail(
                f"wider than an A4 page ({paper['scrollWidth']}px > {paper['width']}px): "
                + ", ".join(paper["wide"])
            )
        else:
            ok(f"fits an A4 page ({paper['scrollWidth']}px of {paper['width']}px)")
        # Small charts (one per window) are drawn to sit two to a row; one
        # to a row on paper would double the pages they take.
        small = [c for c in paper["charts"] if c["small"]]
        rows = {round(c["top"]) for c in small}
        half = paper["width"] / 2
        if any(c["width"] > half for c in small) or len(rows) >= max(len(small), 2):
            fail(f"small charts not two to a row on A4: {len(small)} in {len(rows)} rows")
        elif small:
            ok(f"{len(small)} small charts two to a row on A4 ({len(rows)} rows)")

    pdf = OUT / "report.pdf"
    browse(browser, report.as_uri(), f"--print-to-pdf={pdf}", "--no-pdf-header-footer")
    if not pdf.exists():
        fail("no PDF printed")
    else:
        body = pdf.read_bytes()
        pages = len(re.findall(rb"/Type\s*/Page[^s]", body))
        boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)", body)
        a4 = all(abs(float(w) - 595.3) < 2 and abs(float(h) - 841.9) < 2 for w, h in boxes)
        if pages < 2 or not boxes or not a4:
            fail(f"the PDF has {pages} pages, media boxes {boxes[:2]}")
        else:
            ok(f"printed to {pages} A4 pages: {pdf.relative_to(ROOT)}")

    for name, url, width in (
        ("report.png", report.as_uri(), 1240),
        ("report-print.png", print_copy.as_uri(), A4_INNER_PX),
    ):
        shot = OUT / name
        shot.unlink(missing_ok=True)
        browse(browser, url, f"--screenshot={shot}", f"--window-size={width},1754")
        drawn, size = nonblank(shot) if shot.exists() else (False, (0, 0))
        if not drawn:
            fail(f"{name}: blank or missing ({size[0]}x{size[1]})")
        else:
            ok(f"screenshot {shot.relative_to(ROOT)} ({size[0]}x{size[1]})")

    if not failures and not parsed.svgs:
        fail("nothing was checked")
    print(f"browser: {len(passes)} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
