"""report.html in headless Chromium, driven over the DevTools protocol:

- it opens from file:// and no request leaves the page; tables and plots are there;
- "instruct right, base wrong" shows exactly c items and the reverse exactly b, for every
  accuracy comparison of results.json under every extractor × grader;
- hostile model outputs (<script>, </script><img onerror>, <!--, U+2028) appear as text and no
  script runs;
- a stored run of 20,000 samples: the page stays under 25 MB and shows its first page of samples
  within 3 s (both figures printed).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
import urllib.request
import zlib
from pathlib import Path

import pytest

from tests.helpers import RESPONDERS, scripted_pair
from tunegap.config import RunConfig
from tunegap.runner import run

websocket = pytest.importorskip("websocket")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian package `chromium` not installed")

PAYLOADS = ["<script>window.__pwned=1;alert(1)</script>",
            '</script><img src=x onerror="window.__pwned=2;alert(2)">',
            "<!-- an open comment", "line\u2028separated\u2029paragraph"]


class Page:
    """One Chromium tab over the DevTools protocol; records network requests, dialogs and log
    entries of the page."""

    def __init__(self, profile: Path):
        self.proc = subprocess.Popen(
            [CHROMIUM, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--remote-debugging-port=0", "--remote-allow-origins=*",
             f"--user-data-dir={profile}", "--disable-background-networking", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        port = None
        deadline = time.monotonic() + 60
        while port is None and time.monotonic() < deadline:
            line = self.proc.stderr.readline()
            if "DevTools listening on ws://" in line:
                port = int(line.split("ws://", 1)[1].split("/", 1)[0].rsplit(":", 1)[1])
        assert port, "chromium did not start"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as r:
            target = next(t for t in json.load(r) if t["type"] == "page")
        self.ws = websocket.create_connection(target["webSocketDebuggerUrl"], timeout=60,
                                              suppress_origin=True)
        self.events: list[dict] = []
        self._id = 0
        for domain in ("Page", "Network", "Runtime", "Log"):
            self.call(f"{domain}.enable")

    def call(self, method: str, **params):
        self._id += 1
        self.ws.send(json.dumps({"id": self._id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == self._id:
                assert "error" not in msg, msg
                return msg.get("result", {})
            self.events.append(msg)

    def js(self, expr: str):
        res = self.call("Runtime.evaluate", expression=expr, returnByValue=True, awaitPromise=True)
        assert "exceptionDetails" not in res, res
        return res["result"].get("value")

    def open(self, url: str) -> float:
        """Navigate; wait until the browser has shown its first page. Returns the wall time."""
        t0 = time.monotonic()
        self.call("Page.navigate", url=url)
        ready = (f"location.href === {json.dumps(url)} && document.documentElement !== null"
                 " && document.documentElement.dataset.ready === '1'")
        self.wait(ready)
        return time.monotonic() - t0

    def wait(self, expr: str, limit: float = 60):
        t0 = time.monotonic()
        while not (value := self.js(expr)):
            assert time.monotonic() - t0 < limit, f"timed out waiting for {expr}"
            time.sleep(0.02)
        return value

    def of(self, method: str) -> list[dict]:
        return [e["params"] for e in self.events if e.get("method") == method]

    def close(self):
        self.ws.close()
        self.proc.terminate()
        self.proc.wait(timeout=20)


@pytest.fixture
def page(tmp_path):
    p = Page(tmp_path / "profile")
    yield p
    p.close()


@pytest.fixture
def hostile_run(tmp_path):
    """tunegap's own problems, two settings, greedy and 3 samples, two extractors and two
    graders; some outputs carry markup and line separators, one is very long."""
    from tunegap.data import get_benchmark

    problems = {ex.question: ex for ex in get_benchmark("synthetic").load_test()}

    def responder(side):
        def respond(req, i):
            text = req.prompt.messages[-1].content if req.prompt.is_chat else req.prompt.text
            ex = next(problems[q] for q in problems if q in text)
            n = int(ex.id.rsplit("-", 1)[1])
            h = zlib.crc32(f"{side}{ex.id}{i}{req.prompt.text is None}".encode())
            answer = ex.target if h % 3 else str(int(ex.target) + 1)
            extra = PAYLOADS[n % len(PAYLOADS)] if n < 8 else ""
            if n == 9 and side == "i":
                extra += "x" * 20_000  # cut in the page, whole in samples.jsonl
            elif h % 11 == 0:
                return f"I am not sure.{extra}"  # no number: a missing answer
            tail = f"{answer}.00001" if h % 7 == 0 else answer  # numeric: right; math-standard: wrong
            return f"Step by step.{extra}\nThe answer is {tail}."
        return respond

    RESPONDERS["scripted:hi"], RESPONDERS["scripted:hb"] = responder("i"), responder("b")
    cfg = RunConfig.model_validate({
        "name": "hostile", "out": str(tmp_path / "run"), "benchmarks": ["synthetic"],
        "limit": 30, "settings": ["zeroshot_cot", {"name": "fewshot_cot", "k": 2}],
        "pairs": [scripted_pair("hb", "hi")],
        "decoding": [{"strategy": "greedy"},
                     {"strategy": "sample", "n": 3, "temperature": 0.7, "limit": 10}],
        "extractors": ["strict", "flexible"], "graders": ["numeric", "math-standard"]})
    run(cfg, progress=False)
    return tmp_path / "run"


def _select(name: str, label: str) -> str:
    return (f"(() => {{ const s = document.getElementById('{name}');"
            f" const o = [...s.options].find(o => o.textContent === {json.dumps(label)});"
            f" s.value = o.value; s.dispatchEvent(new Event('change')); }})()")


def _count(page: Page) -> int:
    return int(page.js("document.getElementById('count').dataset.n"))


def _check_counts(page: Page, run_dir: Path) -> int:
    """Every 0/1 accuracy comparison of results.json: the browser's outcome filters show its
    c, b and both-right counts. Returns how many comparisons were checked."""
    data = json.loads((run_dir / "results.json").read_text())
    checked = 0
    for c in data["comparisons"]:
        if c["metric"] != "accuracy" or c["instruct_only"] is None:
            continue
        for name, label in (("f-pair", c["pair"]), ("f-benchmark", c["benchmark"]),
                            ("f-setting", c["setting"]), ("f-decoding", c["decoding"]),
                            ("f-ext", c["extractor"]), ("f-grader", c["grader"])):
            page.js(_select(name, label))
        for outcome, want in (("instruct right, base wrong", c["instruct_only"]),
                              ("base right, instruct wrong", c["base_only"]),
                              ("both right", c["both_right"]), ("both wrong", c["both_wrong"])):
            page.js(_select("f-outcome", outcome))
            assert _count(page) == want, (outcome, c)
        checked += 1
    return checked


def test_report_opens_offline_and_filters_match_the_comparisons(hostile_run, page):
    html = hostile_run / "report.html"
    url = html.as_uri()
    page.open(url)

    assert page.js("document.querySelectorAll('table.t').length") >= 8
    assert page.js("document.querySelectorAll('figure.plot svg').length") >= 4
    assert "Summary" in page.js("document.getElementById('summary').textContent")
    assert "sha256" in page.js("document.getElementById('provenance').textContent")

    assert _check_counts(page, hostile_run) == 2 * 2 * 2  # settings × extractors × graders

    # The default grader is each benchmark's own; the counts name the comparison they match.
    page.js(_select("f-grader", "each benchmark's own"))
    page.js(_select("f-outcome", "instruct right, base wrong"))
    assert "results.json" in page.js("document.getElementById('check').textContent")

    # Grader disagreement and missing answers: what samples.jsonl says, per item.
    samples = [json.loads(line) for line in (hostile_run / "samples.jsonl").open()]
    page.js(_select("f-outcome", "all items"))
    for name in ("f-pair", "f-benchmark", "f-setting", "f-decoding"):
        page.js(_select(name, "all"))
    page.js(_select("f-ext", "strict"))
    items_with = {"missing": set(), "disagree": set()}
    for s in samples:
        key = (s["setting"], s["decoding"], s["example_id"])
        if s["answers"]["strict"] is None:
            items_with["missing"].add(key)
        verdicts = {g["correct"] for k, g in s["grades"].items()
                    if k.startswith("strict/") and g["status"] not in ("n/a", "not-graded")}
        if len(verdicts) > 1:
            items_with["disagree"].add(key)
    assert items_with["missing"] and items_with["disagree"]
    for box in ("missing", "disagree"):
        page.js(f"document.getElementById('f-{box}').click()")
        assert _count(page) == len(items_with[box]), box
        page.js(f"document.getElementById('f-{box}').click()")

    # Text search.
    page.js("(() => { const q = document.getElementById('f-q'); q.value = 'ALERT(1)';"
            " q.dispatchEvent(new Event('input')); })()")
    want = {(s["setting"], s["decoding"], s["example_id"]) for s in samples
            if "alert(1)" in s["output"].lower()}
    assert _count(page) == len(want) > 0

    requests = {r["request"]["url"] for r in page.of("Network.requestWillBeSent")}
    assert requests == {url}, requests
    # The page's own CSS, SVG and script break none of its Content-Security-Policy.
    assert not [e for e in page.of("Log.entryAdded") if "Content Security" in e["entry"]["text"]]


def test_model_text_is_text_and_no_script_runs(hostile_run, page):
    url = (hostile_run / "report.html").as_uri()
    samples = [json.loads(line) for line in (hostile_run / "samples.jsonl").open()]
    shown = 0
    for payload in PAYLOADS:
        s = next(s for s in samples if payload in s["output"])
        key = "|".join((s["pair"], s["benchmark"], s["setting"], s["decoding"], s["example_id"]))
        # A permalink opens the item directly.
        page.open(url + "#item=" + urllib.request.quote(key, safe=""))
        page.wait(f"document.getElementById('detail').textContent.includes({json.dumps(key)})"
                  " || document.getElementById('detail').textContent.includes("
                  f"{json.dumps(s['example_id'] + ' · ' + s['pair'])})")
        detail = page.js("document.getElementById('detail').textContent")
        assert payload in detail
        # Each grade shows as its outcome's word (records.OUTCOME_WORD, carried in the data).
        words = page.js("[...document.querySelectorAll('#detail td.ok, #detail td.bad, "
                        "#detail td.na')].map(td => td.textContent)")
        assert words and set(words) <= {"right", "wrong", "missing", "n/a", "timeout", "error",
                                        "unparsable", "not graded"}
        shown += 1
    long = next(s for s in samples if len(s["output"]) > 20_000)
    key = "|".join((long["pair"], long["benchmark"], long["setting"], long["decoding"],
                    long["example_id"]))
    page.js(f"location.hash = 'item=' + encodeURIComponent({json.dumps(key)})")
    page.wait("document.getElementById('detail').textContent.includes('truncated')")

    assert shown == len(PAYLOADS)
    assert page.js("typeof window.__pwned") == "undefined"
    assert page.js("document.querySelectorAll('#detail script, #detail img, #rows img').length") \
        == 0
    assert not page.of("Page.javascriptDialogOpening")
    assert not [e for e in page.of("Log.entryAdded") if "Content Security" in e["entry"]["text"]]
    requests = {r["request"]["url"].split("#")[0] for r in page.of("Network.requestWillBeSent")}
    assert requests == {url}, requests
    # The embedded data never holds a raw "</" or "<!--" or line separator.
    html = (hostile_run / "report.html").read_text(encoding="utf-8")
    data = html.split('id="tg-data">', 1)[1].split("</script>", 1)[0]
    assert "<" not in data and "\u2028" not in data and "\u2029" not in data


def test_by_side_extractors_and_a_decoding_group(tmp_path, page):
    """The paper's shape: each side read by its own extractor (`by-side`), base by CoT decoding
    and instruct by another strategy compared in one column (`group`); the counts still match."""
    from tunegap.data import get_benchmark

    problems = {ex.question: ex for ex in get_benchmark("synthetic").load_test()}

    def responder(side):
        def respond(req, i):
            text = req.prompt.messages[-1].content if req.prompt.is_chat else req.prompt.text
            ex = next(problems[q] for q in problems if q in text)
            h = zlib.crc32(f"{side}{ex.id}{i}".encode())
            answer = ex.target if h % 3 else "0"
            return f"The answer is {answer}." if h % 2 else f"So {answer} it is."
        return respond

    RESPONDERS["scripted:gi"], RESPONDERS["scripted:gb"] = responder("i"), responder("b")
    cfg = RunConfig.model_validate({
        "name": "grouped", "out": str(tmp_path / "run"), "benchmarks": ["synthetic"],
        "limit": 30, "settings": ["zeroshot_cot"], "pairs": [scripted_pair("gb", "gi")],
        "decoding": [{"strategy": "cot_decoding", "n": 3, "sides": ["base"], "group": "paper"},
                     {"strategy": "greedy", "sides": ["instruct"], "group": "paper"}],
        "extractors": ["strict", "flexible"],
        "extractor_by_side": {"base": "flexible", "instruct": "strict"}, "graders": ["numeric"]})
    run(cfg, progress=False)
    page.open((tmp_path / "run" / "report.html").as_uri())
    data = json.loads((tmp_path / "run" / "results.json").read_text())
    grouped = [c for c in data["comparisons"] if c["metric"] == "accuracy"]
    assert {c["decoding"] for c in grouped} == {"paper"}
    assert {c["extractor"] for c in grouped} == {"strict", "flexible", "by-side"}
    assert page.js("[...document.getElementById('f-ext').options].map(o => o.value)") == \
        ["strict", "flexible", "by-side"]
    page.js(_select("f-ext", "by-side"))
    assert _count(page) == 30
    # CoT decoding's top branch and greedy are both 0/1: every extractor column has its 2×2.
    assert _check_counts(page, tmp_path / "run") == 3
    col = {c["extractor"]: c for c in grouped}
    assert col["by-side"]["base"] == col["flexible"]["base"]
    assert col["by-side"]["instruct"] == col["strict"]["instruct"]


def test_20000_samples_stay_small_and_show_fast(tmp_path, page):
    from tunegap.data import get_benchmark

    problems = {ex.question: ex for ex in get_benchmark("synthetic").load_test()}

    def responder(side):
        def respond(req, i):
            text = req.prompt.messages[-1].content if req.prompt.is_chat else req.prompt.text
            ex = next(problems[q] for q in problems if q in text)
            h = zlib.crc32(f"{side}{ex.id}{i}".encode())
            # Chain-of-thought lengths of real small models: 300 to 3,000 characters, and now
            # and then a run-away generation of 30,000.
            size = 30_000 if h % 97 == 0 else 300 + h % 2700
            body = ("First we compute the total, then we subtract what was given away. " * 500)
            return f"{body[:size]}\nThe answer is {ex.target if h % 3 else 0}."
        return respond

    RESPONDERS["scripted:zi"], RESPONDERS["scripted:zb"] = responder("i"), responder("b")
    cfg = RunConfig.model_validate({
        "name": "scale", "out": str(tmp_path / "run"), "benchmarks": ["synthetic"],
        "limit": 250, "settings": ["zeroshot_cot", {"name": "fewshot_cot", "k": 4}],
        "pairs": [scripted_pair("zb", "zi", batch_size=512)],
        "decoding": [{"strategy": "greedy"}, {"strategy": "sample", "n": 19, "temperature": 0.7}],
        "extractors": ["strict", "flexible"], "graders": ["numeric"]})
    run(cfg, progress=False)
    run_dir = tmp_path / "run"
    n_samples = sum(1 for _ in (run_dir / "samples.jsonl").open())
    assert n_samples == 20_000
    size = (run_dir / "report.html").stat().st_size
    seconds = page.open((run_dir / "report.html").as_uri())
    first_page_ms = page.js("window.tgFirstPage")
    rows = page.js("document.querySelectorAll('#rows tr').length")
    print(f"\n20,000 samples: report.html {size / 1e6:.1f} MB; first page of samples shown "
          f"{first_page_ms / 1000:.2f} s after navigation start ({seconds:.2f} s wall)")
    assert rows == 25
    assert size < 25e6
    assert first_page_ms < 3000
