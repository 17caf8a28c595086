"""Readers for generations made elsewhere: each turns one file into `ImportedSample`s that say
where they came from (file, line), so every later error can point at the row.

- lm-evaluation-harness `--log_samples` files (`samples_<task>_<date>.jsonl`): one line per
  document and filter; `resps[0]` holds the generations of the document (several with
  `repeats`), `arguments` the prompt as sent, `doc` the item, `target` its answer.
- inspect_ai logs (`.eval` / `.json`), read with inspect_ai's own `read_eval_log`; epochs
  become samples.
- tunegap's plain JSONL (docs/import.md): `item_id`, `model`, `side`, `output`, optional
  `prompt`, `question`, `target`, `sample_index`, `meta`.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tunegap.data.io import RowRef, jsonl_rows, require_file
from tunegap.errors import UserError

SIDES = ("base", "instruct")


@dataclass(frozen=True)
class ImportedSample:
    ref: RowRef  # file and line it came from
    side: str
    model: str
    item_id: str
    output: str
    sample_index: int | None = None  # None: numbered in file order
    prompt: str | None = None
    question: str | None = None
    target: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass
class Source:
    """What one file holds, and what it says about itself (for provenance)."""

    path: Path
    tool: str  # lm-eval | inspect | jsonl
    samples: list[ImportedSample]
    task: str | None = None
    version: str | None = None  # the tool's version where the log states it
    model: str | None = None
    generation: dict[str, Any] = field(default_factory=dict)  # e.g. do_sample, temperature
    n_shot: int | None = None

    def provenance(self) -> dict[str, Any]:
        return {"file": str(self.path), "sha256": file_sha256(self.path), "tool": self.tool,
                "tool_version": self.version, "task": self.task, "model": self.model}


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# ---------------------------------------------------------------- lm-evaluation-harness

_SAMPLES_NAME = re.compile(r"^samples_(?P<task>.+)_(?P<date>\d{4}-\d{2}-\d{2}T[\d\-.]+)\.jsonl$")


def _lm_eval_prompt(arguments: Any) -> tuple[str | None, dict[str, Any]]:
    """(context, generation kwargs) of the first request; both layouts lm-eval has written:
    {"gen_args_0": {"arg_0": ctx, "arg_1": kwargs}} and [[ctx, kwargs]]."""
    first: Any = None
    if isinstance(arguments, dict) and arguments:
        first = next(iter(arguments.values()))
        if isinstance(first, dict):
            first = [first.get("arg_0"), first.get("arg_1")]
    elif isinstance(arguments, list) and arguments:
        first = arguments[0]
    if isinstance(first, list) and first:
        ctx = first[0] if isinstance(first[0], str) else None
        kwargs = first[1] if len(first) > 1 and isinstance(first[1], dict) else {}
        return ctx, kwargs
    return None, {}


def _doc_question(doc: Any) -> str | None:
    if isinstance(doc, dict):
        for key in ("question", "problem", "input", "Question"):
            if isinstance(doc.get(key), str):
                return doc[key]
    return None


def read_lm_eval(path: Path, side: str) -> Source:
    """One `samples_<task>_*.jsonl` file of one model. Lines repeat per filter: the first line
    of each doc_id is kept (the generations are the same under every filter)."""
    path = require_file(Path(path))
    m = _SAMPLES_NAME.match(path.name)
    task = m.group("task") if m else None
    samples: list[ImportedSample] = []
    seen: dict[str, tuple[RowRef, list[str]]] = {}
    generation: dict[str, Any] = {}
    for ref, row in jsonl_rows(path, required=("doc_id", "resps")):
        doc_id = str(row["doc_id"])
        resps = row["resps"]
        if not (isinstance(resps, list) and resps and isinstance(resps[0], list)
                and all(isinstance(x, str) for x in resps[0])):
            raise ref.error("expected a list of generated strings in resps[0] (a "
                            "generate_until task)", field="resps")
        if doc_id in seen:  # another filter's line of the same document: same generations
            first, outputs = seen[doc_id]
            if resps[0] != outputs:
                raise ref.error(f"doc_id {doc_id} appears again with different generations "
                                f"(first on line {first.line}): which is the model's answer is "
                                "ambiguous", field="resps")
            continue
        seen[doc_id] = (ref, list(resps[0]))
        prompt, kwargs = _lm_eval_prompt(row.get("arguments"))
        generation = generation or kwargs
        target = row.get("target")
        for i, text in enumerate(resps[0]):
            samples.append(ImportedSample(
                ref=ref, side=side, model="", item_id=doc_id, output=text, sample_index=i,
                prompt=prompt, question=_doc_question(row.get("doc")),
                target=None if target is None else str(target),
                meta={"lm_eval_doc_id": row["doc_id"]}))
    src = Source(path=path, tool="lm-eval", samples=samples, task=task, generation=generation)
    _lm_eval_results_beside(src)
    return src


def _lm_eval_results_beside(src: Source) -> None:
    """lm-eval writes results_<date>.json beside the samples: version, model, n-shot."""
    m = _SAMPLES_NAME.match(src.path.name)
    if not m:
        return
    results = src.path.with_name(f"results_{m.group('date')}.json")
    if not results.is_file():
        return
    try:
        data = json.loads(results.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):  # JSON and UTF-8 errors are ValueErrors
        return  # provenance only: a damaged summary does not block the import
    if not isinstance(data, dict):
        return
    src.version = data.get("lm_eval_version")
    src.model = data.get("model_name")
    shots = (data.get("n-shot") or {}).get(src.task or "")
    src.n_shot = shots if isinstance(shots, int) else None


# ---------------------------------------------------------------- inspect_ai


def read_inspect(path: Path, side: str) -> Source:
    path = require_file(Path(path))
    try:
        from inspect_ai.log import read_eval_log
    except ImportError:
        raise UserError("reading inspect logs needs inspect_ai (pip install inspect-ai)",
                        file=str(path)) from None
    try:
        log = read_eval_log(str(path))
    except Exception as exc:  # noqa: BLE001  (any reader failure is a bad input file)
        raise UserError(f"not a readable inspect log ({type(exc).__name__})",
                        file=str(path)) from None
    if getattr(log, "status", "success") != "success" and not any(
            s.output is not None and s.output.completion for s in log.samples or []):
        message = getattr(getattr(log, "error", None), "message", "") or str(log.status)
        raise UserError(f"the inspect run did not finish ({log.status}: "
                        f"{' '.join(message.split())[:160]})", file=str(path))
    samples = []
    for n, s in enumerate(log.samples or [], start=1):
        ref = RowRef(str(path), n)  # the n-th sample of the log
        if getattr(s, "error", None) is not None:
            raise ref.error(f"sample {s.id} (epoch {s.epoch}) ended in an error in inspect: "
                            "its output is not a model's answer", field="output")
        text = s.input if isinstance(s.input, str) else "\n".join(
            str(getattr(m, "text", getattr(m, "content", ""))) for m in s.input)
        target = s.target if isinstance(s.target, str) else (s.target[0] if s.target else None)
        completion = s.output.completion if s.output is not None else ""
        samples.append(ImportedSample(
            ref=ref, side=side, model="", item_id=str(s.id), output=completion or "",
            sample_index=max(0, int(getattr(s, "epoch", 1) or 1) - 1), prompt=text,
            question=text, target=target, meta=dict(s.metadata or {})))
    version = getattr(getattr(log, "eval", None), "packages", {}) or {}
    return Source(path=path, tool="inspect", samples=samples,
                  task=getattr(log.eval, "task", None), version=version.get("inspect_ai"),
                  model=getattr(log.eval, "model", None))


# ---------------------------------------------------------------- plain JSONL

JSONL_FIELDS = ("item_id", "model", "side", "output")


def read_jsonl(path: Path) -> Source:
    path = require_file(Path(path))
    samples = []
    for ref, row in jsonl_rows(path, required=JSONL_FIELDS):
        for name in ("item_id", "model", "output"):
            if not isinstance(row[name], (str, int)) or (name != "output" and str(row[name]) == ""):
                raise ref.error("must be a non-empty string", field=name)
        if row["side"] not in SIDES:
            raise ref.error(f"side must be base or instruct (got {row['side']!r})", field="side")
        idx = row.get("sample_index")
        if idx is not None and (not isinstance(idx, int) or isinstance(idx, bool) or idx < 0):
            raise ref.error("must be a whole number ≥ 0", field="sample_index")
        meta = row.get("meta") or {}
        if not isinstance(meta, dict):
            raise ref.error("must be an object", field="meta")
        target = row.get("target")
        samples.append(ImportedSample(
            ref=ref, side=row["side"], model=str(row["model"]), item_id=str(row["item_id"]),
            output=str(row["output"]), sample_index=idx,
            prompt=row.get("prompt") if isinstance(row.get("prompt"), str) else None,
            question=row.get("question") if isinstance(row.get("question"), str) else None,
            target=None if target is None else str(target), meta=meta))
    return Source(path=path, tool="jsonl", samples=samples)
