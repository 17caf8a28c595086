"""The data of the paired sample browser in report.html, built while the records stream by.

Base and instruct samples are paired by (pair, benchmark, setting, decoding, example id). One
"side" entry (the prompt as the model saw it and every sample of that item on that side) is
serialised as soon as its samples have passed and goes to a temporary file; only a small index
per item stays in memory. Long texts are cut to a per-run budget (so 20,000 samples stay well
under 25 MB) into [head, characters left out, tail]; samples.jsonl keeps the full text.

Per item and side the browser gets the item's `accuracy` under every extractor × grader, taken
from Results.items (the same ItemScore the paired comparison uses), so its "instruct right,
base wrong" filter counts exactly the comparison's c, and the reverse its b.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

from tunegap.records import OUTCOME_CODE, OUTCOME_WORD, SampleRecord
from tunegap.report.lines import read_extractors
from tunegap.resolved import BY_SIDE, Resolved
from tunegap.results import Results

NOT_GRADED = "."
# Characters of model text the whole page may carry (outputs, prompts, questions); per-field
# limits follow from the run's size, within [MIN_CUT, MAX_CUT].
BUDGET = {"output": 12_000_000, "prompt": 4_000_000, "question": 2_000_000}
MIN_CUT, MAX_CUT = 240, 6_000
GROUP_KEYS = ("category", "perturbation", "subject")  # the "category / kind" filter


# Bidirectional controls: an override, embedding, isolate or mark in model text can make the
# browser draw "12" as "21". On the page each is shown as a visible [U+XXXX] instead, so the
# digits read in the order the model wrote them (samples.jsonl keeps the text as written).
BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _visible_bidi(match: re.Match) -> str:
    return f"[U+{ord(match.group()):04X}]"


def safe_json(obj: Any) -> str:
    """JSON that can sit inside <script type="application/json">: `<`, `>` and `&` become
    \\u escapes (no `</script>`, no `<!--`), and so do U+2028/U+2029; bidirectional controls
    become visible [U+XXXX] text."""
    s = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    s = (s.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
         .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))
    s = BIDI_CONTROLS.sub(_visible_bidi, s)
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate in model text
        s = s.encode("utf-8", "replace").decode("utf-8")
    return s


def clip(text: str | None, limit: int) -> str | list | None:
    """The text, or [head, characters left out, tail] when it is longer than `limit`."""
    if text is None or len(text) <= limit:
        return text
    head = limit * 2 // 3
    tail = limit - head
    return [text[:head], len(text) - limit, text[-tail:]]


def prompt_text(rec: SampleRecord) -> str | None:
    """What the model saw: the rendered prompt (template applied), else the prompt as sent."""
    if rec.rendered_prompt:
        return rec.rendered_prompt
    p = rec.prompt or {}
    if p.get("text") is not None:
        return p["text"]
    msgs = p.get("messages") or []
    return "\n\n".join(f"[{m.get('role')}]\n{m.get('content')}" for m in msgs) or None


def _limit(budget: int, count: int) -> int:
    return max(MIN_CUT, min(MAX_CUT, budget // max(1, count)))


class BrowserData:
    """Collects the browser's data from the records stream (`tap`), then writes it (`write`)."""

    def __init__(self, resolved: Resolved, tmp_dir: Path):
        self.resolved = resolved
        self.extractors = read_extractors(resolved)
        self.graders = list(resolved.graders)
        self.score_cols = list(resolved.extractor_columns)  # with by-side: the scores' columns
        self.cut: dict[str, int] = {}
        self.dims: dict[str, list[str]] = {"pair": [], "benchmark": [], "setting": [],
                                           "decoding": []}
        self._dim_index: dict[str, dict[str, int]] = {k: {} for k in self.dims}
        self.items: dict[tuple, dict] = {}
        # Sides are kept whole here while the records stream by (the cut to the run's text
        # budget needs the run's size, known once the analysis has read the stream).
        fd, name = tempfile.mkstemp(prefix=".browser.", suffix=".jsonl", dir=tmp_dir)
        self._path = Path(name)
        self._out: TextIO = os.fdopen(fd, "w", encoding="utf-8")
        self._n_sides = 0
        self._group: list[SampleRecord] = []

    def _set_cut(self, results: Results) -> None:
        sides = {}
        for c in results.cells:
            key = (c.pair, c.side, c.benchmark, c.setting, c.decoding)
            items = max(c.planned, c.n)  # every extractor × grader copy says the same
            sides[key] = (items * max(1, c.samples), items)
        n_samples = sum(s for s, _i in sides.values())
        n_sides = sum(i for _s, i in sides.values())
        self.cut = {"output": _limit(BUDGET["output"], n_samples),
                    "prompt": _limit(BUDGET["prompt"], n_sides),
                    "question": _limit(BUDGET["question"], n_sides // 2)}

    # -- collecting ------------------------------------------------------------------------------

    def tap(self, records: Iterable[SampleRecord]) -> Iterator[SampleRecord]:
        """Pass the records on unchanged, keeping what the browser needs."""
        for r in records:
            g = self._group
            if g and (r.example.id != g[0].example.id or r.cell != g[0].cell):
                self._flush()
            self._group.append(r)
            yield r
        self._flush()

    def _dim(self, name: str, value: str) -> int:
        idx = self._dim_index[name]
        if value not in idx:
            idx[value] = len(self.dims[name])
            self.dims[name].append(value)
        return idx[value]

    def _flush(self) -> None:
        group, self._group = sorted(self._group, key=lambda r: r.sample_index), []
        if not group:
            return
        first = group[0]
        c, ex = first.cell, first.example
        key = (c.pair, c.benchmark, c.setting, c.decoding, ex.id)
        item = self.items.get(key)
        if item is None:
            group_value = next((str(ex.meta[k]) for k in GROUP_KEYS if k in ex.meta), "")
            item = self.items[key] = {
                "k": [self._dim("pair", c.pair), self._dim("benchmark", c.benchmark),
                      self._dim("setting", c.setting), self._dim("decoding", c.decoding)],
                "id": ex.id, "g": group_value, "t": ex.target,
                "q": ex.question, "base": [], "instruct": []}
        item.setdefault(c.side, []).append(self._n_sides)
        samples = []
        for r in group:
            codes = "".join(
                OUTCOME_CODE.get(got.outcome, "e") if (got := r.grades.get((e, g))) else NOT_GRADED
                for e in self.extractors for g in self.graders)
            samples.append({"i": r.sample_index, "o": r.output,
                            "f": r.finish_reason, "n": r.completion_tokens,
                            "a": [r.answers.get(e) for e in self.extractors],
                            "s": [r.answer_status.get(e, "not-extracted") for e in self.extractors],
                            "g": codes})
        entry = {"m": c.model, "p": prompt_text(first), "x": samples}
        self._out.write(json.dumps(entry, ensure_ascii=True) + "\n")  # lossless, one line
        self._n_sides += 1

    # -- writing ---------------------------------------------------------------------------------

    def _scores(self, results: Results) -> None:
        """Per item and side, `accuracy` under every extractor column × grader (None: not
        scored — the grader does not apply, or a sample is missing)."""
        cols = {(e, g): i for i, (e, g) in enumerate(
            (e, g) for e in self.score_cols for g in self.graders)}
        for it in results.items:
            c = it.cell
            item = self.items.get((c.pair, c.benchmark, c.setting, c.decoding, it.example.id))
            if item is None or (it.extractor, it.grader) not in cols:
                continue
            sc = item.setdefault("sc_" + c.side, [None] * len(cols))
            sc[cols[(it.extractor, it.grader)]] = round(it.scores["accuracy"], 6)

    def meta(self, r: Results) -> dict:
        comps = {}
        for c in r.comparisons:
            if c.metric == "accuracy":
                comps["|".join((c.pair, c.benchmark, c.setting, c.decoding, c.extractor,
                                c.grader))] = {"n": c.n, "b": c.base_only, "c": c.instruct_only}
        return {
            "extractors": self.extractors, "graders": self.graders, "scoreCols": self.score_cols,
            "bySide": dict(self.resolved.by_side or {}), "bySideName": BY_SIDE,
            "primary": {"extractor": r.primary_extractor,
                        "graders": {b: r.primary_grader(b) for b in self.dims["benchmark"]}},
            "dims": self.dims, "comparisons": comps, "cut": self.cut, "outcomes": OUTCOME_WORD,
        }

    def chunks(self, results: Results) -> Iterator[str]:
        """The JSON document, piece by piece: {"meta": …, "items": […], "sides": […]}, its
        texts cut to the run's budget."""
        self._out.close()
        self._set_cut(results)
        self._scores(results)
        yield '{"meta":' + safe_json(self.meta(results)) + ',"items":['
        for i, item in enumerate(self.items.values()):
            item = {**item, "q": clip(item["q"], self.cut["question"])}
            yield ("," if i else "") + safe_json(item)
        yield '],"sides":['
        with open(self._path, encoding="utf-8") as fh:
            for i, line in enumerate(fh):
                entry = json.loads(line)
                entry["p"] = clip(entry["p"], self.cut["prompt"])
                for x in entry["x"]:
                    x["o"] = clip(x["o"], self.cut["output"])
                yield ("," if i else "") + safe_json(entry)
        yield "]}"

    def close(self) -> None:
        if not self._out.closed:
            self._out.close()
        self._path.unlink(missing_ok=True)
