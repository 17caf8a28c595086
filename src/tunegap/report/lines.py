"""The two JSON Lines exports: items.jsonl (one per-item score per line, for re-analysis) and
samples.jsonl (one sample per line: prompt as sent, output, answers, grades with status)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from tunegap.analysis.compare import cluster_of
from tunegap.records import SampleRecord
from tunegap.resolved import Resolved
from tunegap.results import Results


def _line(obj: dict) -> str:
    # ensure_ascii keeps U+2028/U+2029 escaped, so a line-splitter never cuts a record.
    return json.dumps(obj, ensure_ascii=True, allow_nan=False) + "\n"


def item_lines(results: Results) -> Iterator[str]:
    cluster_by = results.resolved.cluster_by
    for it in results.items:
        c = it.cell
        yield _line({
            "pair": c.pair, "side": c.side, "model": c.model, "benchmark": c.benchmark,
            "setting": c.setting, "decoding": c.decoding, "extractor": it.extractor,
            "grader": it.grader, "example_id": it.example.id,
            "cluster": cluster_of(it.example, cluster_by), "samples": it.samples,
            "scores": it.scores, "outcomes": list(it.outcomes), "answers": list(it.answers),
            "meta": it.example.meta,
        })


def read_extractors(resolved) -> list[str]:
    """The extractors whose answers a sample carries: the configured ones and the by-side ones."""
    return list(dict.fromkeys([*resolved.extractors, *(resolved.by_side or {}).values()]))


def sample_lines(records: Iterable[SampleRecord], resolved: Resolved) -> Iterator[str]:
    extractors = read_extractors(resolved)
    graders = list(resolved.graders)
    params_dicts: dict = {}  # one dict per distinct SamplingParams, not per sample
    for r in records:
        c = r.cell
        params = None
        if r.params is not None:
            params = params_dicts.get(r.params)
            if params is None:
                params = params_dicts[r.params] = r.params.to_dict()
        grades = {}
        for e in extractors:
            for g in graders:
                got = r.grades.get((e, g))
                grades[f"{e}/{g}"] = ({"correct": got.correct, "status": got.status}
                                      if got else {"correct": None, "status": "not-graded"})
        yield _line({
            "cell": c.id, "pair": c.pair, "side": c.side, "model": c.model,
            "benchmark": c.benchmark, "setting": c.setting, "decoding": c.decoding,
            "example_id": r.example.id, "sample_index": r.sample_index,
            "request_key": r.request_key, "question": r.example.question,
            "target": r.example.target, "meta": r.example.meta, "prompt": r.prompt,
            "rendered_prompt": r.rendered_prompt,
            "params": params,
            "output": r.output, "finish_reason": r.finish_reason,
            "prompt_tokens": r.prompt_tokens, "completion_tokens": r.completion_tokens,
            "answers": {e: r.answers.get(e) for e in extractors},
            "answer_status": {e: r.answer_status.get(e, "not-extracted") for e in extractors},
            "grades": grades,
        })
