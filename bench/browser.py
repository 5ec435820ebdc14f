"""Keystroke to results in a real browser, and what each view weighs on the wire.

    python bench/browser.py                 # 80 judged queries spread over the set (~5 min)
    python bench/browser.py --all           # every judged query (~25 min)
    python bench/browser.py --sizes-only    # transfer sizes alone (seconds)

Builds content/ into a temporary index and serves it with uvicorn on 127.0.0.1 (stopped by
PID at the end, whatever happens). Drives Debian's Chromium through Playwright with the CPU
slowed 4 times (DevTools `Emulation.setCPUThrottlingRate`) and 40 ms added to every request
(`Network.emulateNetworkConditions`), like a mid-range phone on a fair connection.

For each query of tests/relevance/queries.tsv it opens /search and types the query into the
box at 8 characters a second. A script added to the page (for the benchmark only) notes when
each key went down and when the results part was painted, with the words it was painted for
(Element Timing's render time of the results heading; the frame after the change where the
browser gives none). A key's time is from its key-down to the first paint of results for its
words or later ones: a key whose answer was overtaken by the next key is done when the newer
results are painted. Prints p50/p95/p99 and the worst, with the number of keys.

Transfer sizes: each view's HTML, CSS and JS as sent with gzip, and the cache header of the
static files the pages link. Nothing passes or fails here: it measures.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import os
import re
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"
CHROMIUM = "/usr/bin/chromium"
CPU_SLOWDOWN = 4
ADDED_LATENCY_MS = 40
CHARS_PER_SECOND = 8
SAMPLE = 80  # queries, spread evenly over the judged set
SETTLE_SECONDS = 3.0  # at most, for the last key's results after the query is typed
VIEWS = {
    "home": "/",
    "results page": "/search?q=headache",
    "results, relaxed": "/search?q=can+i+get+pregnant+on+methotrexate",
    "guide page": "/other-drugs/ivig",
    "drugs table": "/drugs",
    "compare two drugs": "/drugs/compare?a=methotrexate&b=azathioprine",
    "side-effect page": "/side-effects/headache",
    "sections": "/sections",
    "not found": "/treating-lupus/methotrexat",
}
KEYSTROKE_ANSWER = "/search?q=headache&fragment=1&typing=1"

# Added to every page the benchmark opens: key-down times and results paints, in the
# page's own clock (performance.now()).
PROBE = """
(() => {
  const probe = (window.__probe = { keys: [], paints: [] });
  let seq = 0;
  const values = new Map();
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const value = values.get(entry.identifier);
      if (value === undefined || !entry.renderTime) continue;
      values.delete(entry.identifier);
      probe.paints.push({ t: entry.renderTime, value });
    }
  }).observe({ type: "element", buffered: true });
  document.addEventListener("DOMContentLoaded", () => {
    const input = document.getElementById("q");
    const results = document.getElementById("search-results");
    if (!input || !results) return;
    let down = 0;
    input.addEventListener("keydown", (event) => { down = event.timeStamp; }, true);
    input.addEventListener("input", () => { probe.keys.push({ t: down, value: input.value }); });
    new MutationObserver(() => {
      const heading = results.querySelector(".results-heading");
      if (!heading || heading.hasAttribute("elementtiming")) return;
      const id = `results-${++seq}`;
      values.set(id, input.value);
      heading.setAttribute("elementtiming", id);
      // Where no render time comes, the frame after the change stands in for the paint.
      const value = input.value;
      requestAnimationFrame(() => setTimeout(() => {
        if (values.has(id)) {
          values.delete(id);
          probe.paints.push({ t: performance.now(), value });
        }
      }, 0));
    }).observe(results, { childList: true });
  });
})();
"""


def use_project_python() -> None:
    """Re-run under the project's virtualenv when started with a Python that lacks it."""
    try:
        import playwright  # noqa: F401
        import whoosh  # noqa: F401
    except ImportError:
        if VENV_PYTHON.exists() and Path(sys.executable) != VENV_PYTHON:
            os.execv(VENV_PYTHON, [str(VENV_PYTHON), *sys.argv])
        sys.exit("Playwright is not installed: run `make .venv/.test-installed`")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=SAMPLE,
                        help="judged queries to type, spread over the set (default %(default)s)")
    parser.add_argument("--all", action="store_true", help="type every judged query")
    parser.add_argument("--sizes-only", action="store_true", help="transfer sizes alone")
    parser.add_argument("--max-seconds", type=float, default=1800,
                        help="stop typing new queries after this long (default %(default)s)")
    parser.add_argument("--cpu", type=float, default=CPU_SLOWDOWN,
                        help="CPU slowdown (default %(default)s; 1: this machine's speed)")
    parser.add_argument("--latency", type=float, default=ADDED_LATENCY_MS,
                        help="milliseconds added to each request (default %(default)s)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    return parser.parse_args()


# -- transfer sizes ---------------------------------------------------------------------------

def _get(url: str) -> tuple[bytes, dict[str, str]]:
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.read(), {k.lower(): v for k, v in response.headers.items()}


def _fetch(url: str) -> tuple[bytes, dict[str, str]]:
    try:
        return _get(url)
    except urllib.error.HTTPError as error:  # the not-found view is a 404 with a body
        return error.read(), {k.lower(): v for k, v in error.headers.items()}


def _plain(body: bytes, headers: dict[str, str]) -> bytes:
    return gzip.decompress(body) if headers.get("content-encoding") == "gzip" else body


def transfer_sizes(base: str) -> dict:
    """Each view's HTML, CSS and JS in bytes as sent (gzip), and the static files' headers."""
    sizes: dict[str, dict] = {}
    static_headers: dict[str, str] = {}
    for name, path in VIEWS.items():
        body, headers = _fetch(base + path)
        html = _plain(body, headers).decode("utf-8", "replace")
        row = {"html": len(body), "css": 0, "js": 0}
        links = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
        scripts = re.findall(r'<script src="([^"]+)"', html)
        for kind, found in (("css", links), ("js", scripts)):
            for url in found:
                asset, asset_headers = _fetch(base + url)
                row[kind] += len(asset)
                static_headers[url] = asset_headers.get("cache-control", "")
        row["total"] = row["html"] + row["css"] + row["js"]
        sizes[name] = row
    answer, _ = _fetch(base + KEYSTROKE_ANSWER)
    return {"views": sizes, "keystroke_answer": len(answer), "static_cache": static_headers}


def print_sizes(found: dict) -> None:
    print("\nTransfer sizes (gzip, bytes sent; a first visit, nothing cached)")
    print(f"{'view':<22}{'HTML':>9}{'CSS':>9}{'JS':>9}{'total':>10}")
    for name, row in found["views"].items():
        print(f"{name:<22}{row['html'] / 1024:>8.1f}K{row['css'] / 1024:>8.1f}K"
              f"{row['js'] / 1024:>8.1f}K{row['total'] / 1024:>9.1f}K")
    print(f"one keystroke's answer on /search (the results part): "
          f"{found['keystroke_answer'] / 1024:.1f}K")
    for url, control in found["static_cache"].items():
        print(f"{url}: Cache-Control: {control}")


# -- keystroke to results ----------------------------------------------------------------------

def key_latencies(keys: list[dict], paints: list[dict]) -> tuple[list[tuple[float, str]], int]:
    """Each key's milliseconds from key-down to the first paint of results for its words or
    later ones, with its words; and how many keys never had one."""
    found, missing = [], 0
    for i, key in enumerate(keys):
        later_words = {k["value"] for k in keys[i:]}
        done = [p["t"] for p in paints if p["t"] >= key["t"] and p["value"] in later_words]
        if done:
            found.append((min(done) - key["t"], key["value"]))
        else:
            missing += 1
    return found, missing


def type_query(page, query: str) -> tuple[list[tuple[float, str]], int]:
    from playwright.sync_api import Error as PlaywrightError

    """Types `query` into /search's box at the set speed; the keys' latencies."""
    page.goto("/search")
    page.wait_for_load_state("load")
    box = page.locator("#q")
    box.click()
    interval = 1 / CHARS_PER_SECOND
    start = time.monotonic()
    for i, char in enumerate(query):
        wait = start + i * interval - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        page.keyboard.type(char)
    # The last words' results, painted (if they never are, the keys count as without).
    with contextlib.suppress(PlaywrightError):
        page.wait_for_function(
            "q => window.__probe.paints.some(p => p.value === q)", arg=query,
            timeout=SETTLE_SECONDS * 1000)
    probe = page.evaluate("() => window.__probe")
    return key_latencies(probe["keys"], probe["paints"])


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))]


def keystrokes(base: str, queries: list[str], max_seconds: float, cpu: float,
               latency: float) -> dict:
    from playwright.sync_api import sync_playwright

    keyed: list[tuple[float, str]] = []
    missing = typed = 0
    started = time.monotonic()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"])
        try:
            context = browser.new_context(base_url=base, viewport={"width": 375, "height": 812},
                                          has_touch=True, is_mobile=True)
            context.add_init_script(PROBE)
            page = context.new_page()
            page.set_default_timeout(20_000)
            cdp = context.new_cdp_session(page)
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": cpu})
            cdp.send("Network.enable")
            cdp.send("Network.emulateNetworkConditions", {
                "offline": False, "latency": latency,
                "downloadThroughput": -1, "uploadThroughput": -1})
            type_query(page, "warm up")  # the server's first searches, the page's first load
            for number, query in enumerate(queries, 1):
                if time.monotonic() - started > max_seconds:
                    print(f"stopped after {max_seconds:.0f} s", file=sys.stderr)
                    break
                found, lost = type_query(page, query)
                keyed += found
                missing += lost
                typed += 1
                if number % 10 == 0:
                    print(f"  {number}/{len(queries)} queries, {len(keyed)} keys",
                          file=sys.stderr)
        finally:
            browser.close()
    latencies = [ms for ms, _ in keyed]
    return {"slowest": sorted(keyed, reverse=True)[:5],
            "cpu_slowdown": cpu, "added_latency_ms": latency, "load_average": os.getloadavg(),
            "queries": typed, "keys": len(latencies), "keys_without_results": missing,
            "p50_ms": percentile(latencies, 0.50) if latencies else None,
            "p95_ms": percentile(latencies, 0.95) if latencies else None,
            "p99_ms": percentile(latencies, 0.99) if latencies else None,
            "max_ms": max(latencies) if latencies else None,
            "seconds": time.monotonic() - started}


def print_keystrokes(found: dict) -> None:
    print(f"\nKey press to results painted, /search at 375 px, CPU {found['cpu_slowdown']:g}x "
          f"slower, +{found['added_latency_ms']:g} ms a request, {CHARS_PER_SECOND} characters "
          f"a second (load average at the end: {found['load_average'][0]:.1f})")
    print(f"{found['queries']} judged queries, {found['keys']} keys "
          f"({found['keys_without_results']} without results painted), "
          f"{found['seconds']:.0f} s")
    if found["keys"]:
        print(f"p50 {found['p50_ms']:.0f} ms   p95 {found['p95_ms']:.0f} ms   "
              f"p99 {found['p99_ms']:.0f} ms   worst {found['max_ms']:.0f} ms")
        print("slowest keys: " + ", ".join(f"{words!r} {ms:.0f} ms"
                                           for ms, words in found["slowest"]))


def main() -> int:
    use_project_python()
    args = parse_args()
    sys.path.insert(0, str(BENCH))
    sys.path.insert(0, str(ROOT))
    from judged import load_queries
    from server import start_server

    from indexer.build import build_index

    judged = [j.query for j in load_queries(ROOT / "tests/relevance/queries.tsv")]
    if not args.all:
        step = max(1, len(judged) // max(1, args.sample))
        judged = judged[::step][: args.sample]
    results: dict = {}
    with tempfile.TemporaryDirectory(prefix="lupus-guide-browser-") as work:
        index_dir = Path(work) / "index"
        print("building the shipped guide...", file=sys.stderr)
        build_index(ROOT / "content", index_dir)
        server = start_server(ROOT / "content", index_dir, Path(work) / "uvicorn.log")
        try:
            results["sizes"] = transfer_sizes(server.base_url)
            if not args.sizes_only:
                print(f"typing {len(judged)} queries...", file=sys.stderr)
                results["keystrokes"] = keystrokes(server.base_url, judged, args.max_seconds,
                                                   args.cpu, args.latency)
        finally:
            server.stop()
    if "keystrokes" in results:
        print_keystrokes(results["keystrokes"])
    print_sizes(results["sizes"])
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
