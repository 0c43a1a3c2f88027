"""Every page of the built book, opened in a real browser with no network.

Headless Chromium (Debian's `chromium`, driven by Playwright) loads each page of _toc.yml
from a local HTTP server, every request to another host refused, and checks what a reader
sees: equations typeset by the MathJax served from the build, every image loaded and
described (alt text), no MyST syntax and no TensorFlow log line in the text, the Colab
links of a notebook page opening that notebook's Colab edition, code cells that fit the
column at 1280 px (CODE_COLUMNS characters, the formatter's line length), display
equations within the column, no console error, no sideways scrolling at 1280 or 390 px. It
saves a desktop (1280 px) and a phone (390 px) screenshot of the top of every page, and of
its first figure as a phone shows it, into _build/screenshots/.

Run after `make book` (`make test` does). Without Chromium the test is skipped, saying how
to install it.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import tempfile
import threading
from pathlib import Path

import pytest
import yaml

from tests.helpers_for_tests import ROOT
from tools import notebooks as nbtools

HTML = ROOT / "_build" / "html"
SCREENSHOTS = ROOT / "_build" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# Debian's Chromium as root on a closed network: no sandbox, no GPU, and none of the
# background connections that a machine without network refuses.
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
CODE_COLUMNS = 88  # characters a code cell shows without scrolling at 1280 px
MYST = re.compile(r"\{(glue|cite|doc|ref|numref|term|admonition|note|warning|figure)[:}]|^:::|```\{", re.M)
TF_LOG = re.compile(r"\b[IWEF]\d{4} \d\d:\d\d:\d\d|tensorflow/core/|oneDNN custom operations|absl::|cuda|TF_ENABLE_ONEDNN_OPTS")
RAW_TEX = re.compile(r"\$\$|\\frac|\\begin\{|\\\(|\\\[")


def _pages() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    return [toc["root"], *(c["file"] for part in toc.get("parts", []) for c in part.get("chapters", []))]


PAGES = _pages()

# Runs in the page: the facts the checks below need, measured by the browser.
MEASURE = """() => {
  const article = document.querySelector('article.bd-article') || document.querySelector('main');
  const clone = article.cloneNode(true);
  clone.querySelectorAll('pre, code, script, style, mjx-container, mjx-assistive-mml').forEach(e => e.remove());
  const code = [...article.querySelectorAll('.cell_input pre, div.highlight pre')];
  const probe = document.createElement('span');
  probe.textContent = 'x'.repeat(100);
  probe.style.font = code.length ? getComputedStyle(code[0]).font : 'inherit';
  probe.style.position = 'absolute';
  document.body.appendChild(probe);
  const charWidth = probe.getBoundingClientRect().width / 100;
  probe.remove();
  const display = [...article.querySelectorAll('div.math, mjx-container[display="true"]')];
  return {
    text: clone.innerText,
    fullText: article.innerText,
    mathNodes: article.querySelectorAll('span.math, div.math').length,
    typeset: article.querySelectorAll('mjx-container').length,
    mathErrors: article.querySelectorAll('mjx-merror, [data-mjx-error]').length,
    images: [...document.querySelectorAll('img')].map(i => ({
      src: i.getAttribute('src'), loaded: i.complete && i.naturalWidth > 0,
      alt: i.getAttribute('alt') || '', inArticle: article.contains(i),
      natural: i.naturalWidth, shown: i.getBoundingClientRect().width})),
    colab: [...document.querySelectorAll('a[href*="colab.research.google.com/github/"]')].map(a => a.href),
    codeColumns: code.map(p => { const cs = getComputedStyle(p);
      return Math.floor((p.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight)) / charWidth); }),
    wideCode: code.filter(p => p.scrollWidth > p.clientWidth + 1).map(p => p.innerText.split('\\n').reduce((a, b) => a.length > b.length ? a : b)),
    wideMath: display.filter(d => d.scrollWidth > d.clientWidth + 1 || d.getBoundingClientRect().right > article.getBoundingClientRect().right + 1).map(d => d.textContent.slice(0, 60)),
    pageWidth: document.documentElement.scrollWidth,
  };
}"""


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    if not (HTML / "index.html").exists():
        pytest.skip("the book is not built: run `make book` first (`make test` does)")
    handler = functools.partial(_QuietHandler, directory=str(HTML))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser(server):
    if not shutil.which(CHROMIUM):
        pytest.skip(
            f"no Chromium at {CHROMIUM}: install Debian's package (`apt-get install -y chromium`, as "
            ".ci/run does) or point CHROMIUM at a Chromium binary, then run `make test-book`"
        )
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as profile, sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, args=FLAGS, headless=True, viewport=DESKTOP
        )
        external = []

        def offline(route):  # no network: only the local server answers
            if route.request.url.startswith(server):
                route.continue_()
            else:
                external.append(route.request.url)
                route.abort()

        context.route("**/*", offline)
        yield context, external
        context.close()


def _open(context, url: str, viewport: dict = DESKTOP):
    page = context.new_page()
    page.set_viewport_size(viewport)
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url, wait_until="load")
    page.evaluate("async () => { if (window.MathJax && MathJax.startup) await MathJax.startup.promise; }")
    return page, errors


@pytest.mark.parametrize("name", PAGES)
def test_page_reads_right_offline(browser, server, name):
    context, external = browser
    external.clear()
    page, errors = _open(context, f"{server}/{name}.html")
    try:
        facts = page.evaluate(MEASURE)
        shot = SCREENSHOTS / name.replace("/", "__")
        page.screenshot(path=f"{shot}.desktop.png")
    finally:
        page.close()
    phone, phone_errors = _open(context, f"{server}/{name}.html", PHONE)  # as a phone loads it
    try:
        phone_width = phone.evaluate("document.documentElement.scrollWidth")
        phone.screenshot(path=f"{shot}.phone.png")
        figure = phone.locator("article .cell_output img").first
        if figure.count():  # the first figure as a phone shows it: are its labels legible?
            figure.screenshot(path=f"{shot}.phone-figure.png")
    finally:
        phone.close()
    errors += phone_errors

    assert not external, f"{name}: the page asked the network for {external[:3]}"
    assert not errors, f"{name}: console errors {errors[:3]}"
    # Mathematics: typeset by the local MathJax, no error, no TeX left in the prose.
    assert facts["typeset"] >= facts["mathNodes"], f"{name}: {facts['mathNodes']} equations, {facts['typeset']} typeset"
    assert facts["mathErrors"] == 0, f"{name}: MathJax could not typeset {facts['mathErrors']} equations"
    raw = RAW_TEX.findall(facts["text"])
    assert not raw, f"{name}: untypeset TeX in the text: {raw[:5]}"
    # Images: loaded, and described for a screen reader.
    broken = [i["src"] for i in facts["images"] if not i["loaded"]]
    assert not broken, f"{name}: images that did not load: {broken}"
    undescribed = [i["src"] for i in facts["images"] if i["inArticle"] and not i["alt"].strip()]
    assert not undescribed, f"{name}: images without alt text (give the figure cell mystnb.image.alt): {undescribed}"
    # Text: no MyST left, no TensorFlow log line (outputs included).
    myst = MYST.findall(facts["text"])
    assert not myst, f"{name}: MyST syntax in the text: {myst[:5]}"
    logs = TF_LOG.findall(facts["fullText"])
    assert not logs, f"{name}: TensorFlow log lines on the page: {logs[:3]}"
    # Colab: every Colab link of a notebook page opens this notebook's Colab edition.
    source = f"{name}.ipynb"
    if (ROOT / source).exists():
        expected = nbtools.colab_url(source)
        assert facts["colab"] and set(facts["colab"]) == {expected}, f"{name}: Colab links {set(facts['colab'])}, not {expected}"
    # The column at 1280 px: code cells and display equations fit.
    assert all(c >= CODE_COLUMNS for c in facts["codeColumns"]), f"{name}: code column {min(facts['codeColumns'])} characters"
    assert not facts["wideCode"], f"{name}: code wider than the column: {facts['wideCode'][:3]}"
    assert not facts["wideMath"], f"{name}: display equations wider than the column: {facts['wideMath'][:3]}"
    assert facts["pageWidth"] <= DESKTOP["width"] and phone_width <= PHONE["width"], (
        f"{name}: the page scrolls sideways ({facts['pageWidth']} px at 1280, {phone_width} px at 390)"
    )
