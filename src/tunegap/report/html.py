"""report.html: one self-contained page (no network: CSS, script, plots and data inline, and a
Content-Security-Policy that forbids any request) — summary, tables, plots, provenance and the
paired sample browser. Written in chunks: the sample data streams from the browser's file."""

from __future__ import annotations

import base64
import hashlib
import json
from collections import defaultdict
from collections.abc import Iterator
from html import escape as e

from tunegap.report.assets import CSS, JS
from tunegap.report.browser import BrowserData
from tunegap.report.paper import Gap, bench_title, setting_title
from tunegap.report.plots import Plot
from tunegap.report.table import CI, LEGEND, Num, Table, text, to_html
from tunegap.results import Results, versions

SCRIPT_HASH = base64.b64encode(hashlib.sha256(JS.encode("utf-8")).digest()).decode("ascii")
# Only the page's own script may run (by hash): an injected inline script or handler cannot,
# and no fetch, image, font or frame may load from anywhere.
CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
       f"script-src 'sha256-{SCRIPT_HASH}'; base-uri 'none'; form-action 'none'")


def _verdict(c) -> tuple[str, str]:
    if c.significant:
        return ("helps", "instruct better") if c.delta > 0 else ("hurts", "base better")
    if c.unresolved:
        return "unclear", "unresolved: too few items to tell"
    return "unclear", "no significant gap"


def summary(results: Results) -> str:
    """Per benchmark: where instruction tuning helps or hurts, and whether it is real."""
    by_bench: dict[str, list] = defaultdict(list)
    for c in results.headline():
        if c.metric == "accuracy":
            by_bench[c.benchmark].append(c)
    cards = []
    for bench, cs in by_bench.items():
        kinds = [_verdict(c)[0] for c in cs]
        head = (f"instruct better in {kinds.count('helps')}, base better in "
                f"{kinds.count('hurts')}, no significant gap in {kinds.count('unclear')} "
                f"of {len(cs)} cell(s)")
        items = []
        for c in cs:
            cls, words = _verdict(c)
            g = Gap.of(c)
            items.append(
                f"<li>{e(c.pair)} · {e(setting_title(c.setting))} · {e(c.decoding)}: "
                f"<span class=\"{cls}\">Δ {e(text(Num(c.delta, g.mark)))}</span> "
                f"{e(text(CI(c.ci_low, c.ci_high)))} — {e(words)} "
                f"<span class=\"kv\">(inst {e(text(Num(c.instruct)))}, base "
                f"{e(text(Num(c.base)))}, n {c.n})</span></li>")
        cards.append(f'<div class="card"><h3>{e(bench_title(bench))}</h3>'
                     f'<div class="kv">accuracy, grader {e(results.primary_grader(bench))}: '
                     f'{e(head)}</div><ul>{"".join(items)}</ul></div>')
    return ('<p>Does instruction tuning make the model better on each benchmark, and is the gap '
            f'real? Extractor <code>{e(results.primary_extractor)}</code>. {e(LEGEND)}</p>'
            f'<div class="verdicts">{"".join(cards)}</div>')


def data_hashes(results: Results) -> list[tuple[str, str, str]]:
    """(benchmark, file, sha256) of the data files, as the run recorded them when it started."""
    files = results.provenance.get("data_files")
    if files is None:
        return [("", "(not recorded by this run)", "")]
    return [(f["benchmark"], f["file"], f["sha256"]) for f in files]


def provenance(results: Results) -> str:
    run = results.resolved
    ver = versions()
    models = "".join(
        f"<li>{e(p.label)}: base <code>{e(p.base.name)}</code> "
        f"(<code>{e(p.base.backend.type)}:{e(str(p.base.backend.model))}</code>, "
        f"<code>{e(p.base.fingerprint())}</code>); instruct <code>{e(p.instruct.name)}</code> "
        f"(<code>{e(p.instruct.backend.type)}:{e(str(p.instruct.backend.model))}</code>, "
        f"<code>{e(p.instruct.fingerprint())}</code>)</li>" for p in run.pairs)
    seeds = [f"run seed {run.seed} (exemplar draws, bootstraps)"]
    seeds += [f"{d.label}: seed {d.seed}" for d in run.decoding if d.strategy == "sample"]
    seeds += [f"perturb {p.set_name}: seed {p.seed}" for p in run.perturb]
    files = "".join(f"<tr><td>{e(b)}</td><td class=\"mono\">{e(f)}</td>"
                    f"<td class=\"mono\">{e(h)}</td></tr>" for b, f, h in data_hashes(results))
    config = json.dumps(results.config_dict(), indent=2, ensure_ascii=False)
    # Imported runs name their source files (Results.provenance, when the run records one).
    source = getattr(results, "provenance", None) or {}
    imported = "".join(f"<li class=\"mono\">{e(str(f.get('file')))} · {e(str(f.get('tool')))} · "
                       f"sha256 {e(str(f.get('sha256')))}</li>" for f in source.get("files") or [])
    return (
        '<dl class="prov">'
        f"<dt>tunegap</dt><dd>{e(ver.get('tunegap', 'unknown'))}</dd>"
        f"<dt>versions</dt><dd class=\"mono\">{e(', '.join(f'{k} {v}' for k, v in ver.items()))}"
        "</dd>"
        f"<dt>run</dt><dd>{e(run.name)} · {e(str(results.run_dir))} · "
        f"{'complete' if results.complete else 'INCOMPLETE'} · "
        f"{e(', '.join(f'{k} {v:,}' for k, v in results.counts.items()))}</dd>"
        f"<dt>source</dt><dd>{e(str(source.get('source', 'tunegap run')))}"
        f"{f'<ul>{imported}</ul>' if imported else ''}</dd>"
        f"<dt>models</dt><dd><ul>{models}</ul></dd>"
        + (f"<dt>batching</dt><dd>{e(results.batching_note)}</dd>" if results.batching_note
           else "") +
        f"<dt>seeds</dt><dd>{e('; '.join(seeds))}</dd>"
        f"<dt>data files</dt><dd><table class=\"t\"><thead><tr><th>benchmark</th><th>file</th>"
        f"<th>sha256 (when the run started)</th></tr></thead><tbody>{files}</tbody></table></dd>"
        "</dl>"
        f"<details><summary>config as run</summary><pre>{e(config)}</pre></details>")


BROWSER = """
<p class="note">Base (left) and instruct (right) on the same item. Filters use the item's
accuracy under the chosen extractor × grader — the same per-item score as the paired comparison:
an item is right on a side when its accuracy is above 0.5 (greedy and CoT-decoding items are
0/1; with n samples, most samples right). So "instruct right, base wrong" shows the comparison's
c and the reverse its b. Model text is shown as text; long texts are cut (marked), samples.jsonl
has them whole.</p>
<div class="controls">
<label>pair<select id="f-pair"></select></label>
<label>benchmark<select id="f-benchmark"></select></label>
<label>setting<select id="f-setting"></select></label>
<label>decoding<select id="f-decoding"></select></label>
<label>category / kind<select id="f-group"></select></label>
<label>extractor<select id="f-ext"></select></label>
<label>grader<select id="f-grader"></select></label>
<label>outcome<select id="f-outcome">
<option value="all">all items</option>
<option value="inst_only">instruct right, base wrong</option>
<option value="base_only">base right, instruct wrong</option>
<option value="both_right">both right</option>
<option value="both_wrong">both wrong</option>
<option value="unscored">not scored on both sides</option>
</select></label>
<label class="chk"><input type="checkbox" id="f-disagree"> grader disagreement</label>
<label class="chk"><input type="checkbox" id="f-missing"> missing answer</label>
<label>search<input type="search" id="f-q" placeholder="id, question, output, answer"></label>
</div>
<div><span id="count"></span><span class="check" id="check"></span></div>
<div class="pager"><button id="prev">← prev</button><span id="page"></span>
<button id="next">next →</button></div>
<div class="scroll"><table class="t" id="list"><thead><tr><th>item</th><th>pair</th>
<th>benchmark</th><th>setting</th><th>decoding</th><th>category / kind</th><th>base</th>
<th>base answer</th><th>instruct</th><th>instruct answer</th></tr></thead>
<tbody id="rows"></tbody></table></div>
<div id="detail"></div>
"""


def page(results: Results, tables: list[Table], plots: list[Plot],
         browser: BrowserData) -> Iterator[str]:
    name = results.name
    yield ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
           f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
           '<meta name="viewport" content="width=device-width, initial-scale=1">'
           f"<title>tunegap report: {e(name)}</title><style>{CSS}</style></head><body>")
    caveat = f'<div class="caveat"><b>Caveat.</b> {e(results.caveat)}</div>' \
        if results.caveat else ""
    incomplete = ('<div class="caveat"><b>Incomplete run.</b> Some cells have fewer scored items '
                  "than planned; Δ is over the items both sides have.</div>"
                  if not results.complete else "")
    yield (f"<header><h1>tunegap report: {e(name)}</h1>{caveat}{incomplete}<nav>"
           '<a href="#summary">summary</a><a href="#plots">plots</a><a href="#tables">tables</a>'
           '<a href="#browser">sample browser</a><a href="#provenance">provenance</a></nav>'
           "</header>")
    tables = [t for t in tables if "report.html" in t.outputs]  # the headline first
    yield f'<section id="summary"><h2>Summary</h2>{summary(results)}'
    if tables:
        yield f'<div class="scroll">{to_html(tables[0])}</div>'
    yield "</section>"
    yield '<section id="plots"><h2>Plots</h2>'
    for p in plots:
        yield (f'<figure class="plot" id="plot-{e(p.slug)}">{p.svg}<figcaption>{e(p.title)} '
               f"(plots/{e(p.slug)}.png)</figcaption></figure>")
    yield "</section>"
    yield ('<section id="tables"><h2>Tables</h2><p class="note">Each table is also in '
           "tables/ as Markdown, LaTeX (booktabs) and CSV.</p>")
    for t in tables[1:]:
        yield f'<div class="scroll">{to_html(t)}</div>'
    yield "</section>"
    yield f'<section id="browser"><h2>Paired sample browser</h2>{BROWSER}</section>'
    yield f'<section id="provenance"><h2>Provenance</h2>{provenance(results)}</section>'
    yield '<script type="application/json" id="tg-data">'
    yield from browser.chunks(results)
    yield f"</script><script>{JS}</script></body></html>\n"
