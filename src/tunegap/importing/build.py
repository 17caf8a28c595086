"""Turn imported generations into a tunegap run directory: the same store, so `tunegap grade`
and `tunegap report` work unchanged.

Items are matched to the benchmark (by its own ids, else by question text) when a data folder
is given, and their targets checked against tunegap's copy; without one, the items and targets
come from the files. Base and instruct are paired by item. The directory is built beside --out
under a temporary name and renamed into place only when it is complete: a bad file leaves
nothing behind.
"""

from __future__ import annotations

import os
import shutil
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tunegap.config import (
    BackendSpec,
    DecodingSpec,
    ModelSpec,
    PairSpec,
    RunConfig,
    SettingSpec,
)
from tunegap.data import BENCHMARKS, get_benchmark
from tunegap.data.io import check_surrogates
from tunegap.errors import UserError
from tunegap.importing.sources import ImportedSample, Source
from tunegap.plan import PlanItem, plan_rows
from tunegap.prompts import build_prompt
from tunegap.records import CellKey
from tunegap.setting_kinds import SETTING_KINDS
from tunegap.types import Example, Generation, Prompt, Request, SamplingParams

# lm-eval / inspect task → tunegap benchmark, so the benchmark's graders apply; and how a
# benchmark's targets read when its items come from the files (no --data-dir). Both are the
# benchmarks' own (Benchmark.importer_tasks, Benchmark.answer_type).
TASK_BENCHMARKS = {task: b.name for b in BENCHMARKS.values() for task in b.importer_tasks}
ANSWER_TYPES = {b.name: b.answer_type for b in BENCHMARKS.values() if b.answer_type is not None}
DECODING = "imported"


@dataclass
class ImportOptions:
    benchmark: str
    out: Path
    name: str = "imported"  # the run's name (not the folder's: two imports compare equal)
    data_dir: Path | None = None
    pair: str = "imported"
    models: dict[str, str] = field(default_factory=dict)  # side → model name
    setting: str | None = None
    extractors: list[str] | None = None
    graders: list[str] | None = None


def _norm(text: str) -> str:
    return " ".join(text.split())


def _same_value(a: str, b: str) -> bool:
    a, b = a.strip().replace(",", ""), b.strip().replace(",", "")
    try:
        return float(a) == float(b)
    except ValueError:
        return _norm(a) == _norm(b)


def _group(samples: Sequence[ImportedSample]) -> dict[tuple[str, str], list[ImportedSample]]:
    """(side, item id) → samples in sample order; duplicates and gaps are errors."""
    out: dict[tuple[str, str], dict[int, ImportedSample]] = defaultdict(dict)
    for s in samples:
        got = out[(s.side, s.item_id)]
        idx = s.sample_index if s.sample_index is not None else len(got)
        if idx in got:
            raise s.ref.error(f"duplicate row: {s.side} item '{s.item_id}' sample {idx} is "
                              f"already on {got[idx].ref.file} line {got[idx].ref.line}",
                              field="item_id")
        got[idx] = s
    grouped = {}
    for key, by_idx in out.items():
        if sorted(by_idx) != list(range(len(by_idx))):
            first = min(by_idx.values(), key=lambda s: s.ref.line)
            raise first.ref.error(f"sample indexes of item '{key[1]}' ({key[0]}) are not "
                                  f"0..{len(by_idx) - 1}", field="sample_index")
        grouped[key] = [by_idx[i] for i in range(len(by_idx))]
    return grouped


def _examples(grouped: dict[tuple[str, str], list[ImportedSample]], opts: ImportOptions,
              warnings: list[str]) -> dict[str, Example]:
    """item id → Example: tunegap's copy when --data-dir is given, else built from the files."""
    items: dict[str, ImportedSample] = {}
    for (_side, item), samples in grouped.items():
        items.setdefault(item, samples[0])
    out: dict[str, Example] = {}
    if opts.data_dir is not None:
        known = get_benchmark(opts.benchmark).load_test(opts.data_dir)
        by_id = {ex.id: ex for ex in known}
        by_question = {_norm(ex.question): ex for ex in known}
        unmatched, mismatched = [], []
        for item, s in items.items():
            ex = by_id.get(item)
            if ex is None and s.question is not None:
                ex = by_question.get(_norm(s.question))
            if ex is None:
                if s.target is None:  # nothing to grade it against
                    raise s.ref.error(f"unknown item id '{item}' (not in {opts.benchmark} "
                                      f"from {opts.data_dir})", field="item_id")
                unmatched.append(s)
                continue
            if s.target is not None and not _same_value(s.target, ex.target):
                mismatched.append((s, ex))
            out[item] = ex
        if unmatched:
            first = unmatched[0]
            warnings.append(f"{first.ref.file}, line {first.ref.line}: {len(unmatched)} item(s) "
                            f"not found in tunegap's {opts.benchmark}; kept with the file's "
                            "own question and target")
        if mismatched:
            s, ex = mismatched[0]
            warnings.append(f"{s.ref.file}, line {s.ref.line}: {len(mismatched)} target(s) "
                            f"differ from tunegap's copy (first: {s.target!r} vs {ex.target!r}); "
                            "tunegap's are used")
        pending = {i: s for i, s in items.items() if i not in out}
    else:
        pending = items
    answer_type = ANSWER_TYPES.get(opts.benchmark)
    for item, s in pending.items():
        if s.target is None:
            raise s.ref.error("no target: give one in the file, or --data-dir to take "
                              "tunegap's copy of the benchmark", field="target")
        if answer_type is None:
            raise s.ref.error(f"items of {opts.benchmark} need tunegap's copy to be graded: "
                              "pass --data-dir", field="item_id")
        out[item] = Example(benchmark=opts.benchmark, id=item,
                            question=s.question or s.prompt or "", target=s.target,
                            answer_type=answer_type, meta=dict(s.meta))
    return out


def _setting(opts: ImportOptions, sources: Sequence[Source]) -> SettingSpec:
    if opts.setting:
        return SettingSpec(name=opts.setting)
    shots = {s.n_shot for s in sources if s.n_shot is not None}
    k = max(shots) if shots else 0
    return SettingSpec(name="fewshot_cot", k=k) if k > 0 else SettingSpec(name="zeroshot_cot")


def _samples_per_side(grouped: dict[tuple[str, str], list[ImportedSample]]) -> dict[str, int]:
    """Samples per item, one number per side; the item that differs from most is the error."""
    counts: dict[str, Counter] = defaultdict(Counter)
    for (side, _item), samples in grouped.items():
        counts[side][len(samples)] += 1
    per_side = {side: c.most_common(1)[0][0] for side, c in counts.items()}
    odd = []
    for (side, item), group in grouped.items():
        n, most = len(group), per_side[side]
        if n == most:
            continue
        # An item with too many samples is pointed at by its first extra row (a duplicated
        # row is found at its own line); one with too few by its first row.
        at = group[most] if n > most else group[0]
        odd.append((at.ref.file, at.ref.line, item, side, n, at, group))
    if odd:
        _file, _line, item, side, n, at, group = min(odd, key=lambda o: (o[0], o[1]))
        same = next((s for s in group if s is not at and s.output == at.output
                     and s.ref.line < at.ref.line), None)
        if same is not None and n > per_side[side]:
            raise at.ref.error(f"duplicate row: {side} item '{item}' has the same output on "
                               f"{same.ref.file} line {same.ref.line}", field="item_id")
        raise at.ref.error(f"item '{item}' has {n} samples, most {side} items have "
                           f"{per_side[side]}", field="sample_index")
    return per_side


def check_distinct_files(sources: Sequence[Source]) -> None:
    """The same file (by content) given twice would count each row twice, or pair a model's
    outputs with themselves as base and instruct: refused."""
    from tunegap.importing.sources import file_sha256

    seen: dict[str, Path] = {}
    for src in sources:
        digest = file_sha256(src.path)
        if digest in seen:
            raise UserError(f"the same file as {seen[digest]} (identical content): give each "
                            "file once, and different files for base and instruct",
                            file=str(src.path))
        seen[digest] = src.path


def plan_import(sources: Sequence[Source], opts: ImportOptions
                ) -> tuple[RunConfig, list[PlanItem], dict[str, list[Generation]], list[str]]:
    """Everything the store needs, checked: (config, plan items, generations by request key,
    warnings). Raises UserError (file, line, field) on bad input; writes nothing."""
    warnings: list[str] = []
    check_distinct_files(sources)
    samples = [s for src in sources for s in src.samples]
    for s in samples:  # inspect logs reach here without data/io's check
        check_surrogates({"item_id": s.item_id, "question": s.question, "target": s.target,
                          "prompt": s.prompt, "model": s.model}, s.ref)
    if not samples:
        raise UserError("nothing to import: the files hold no generations",
                        file=str(sources[0].path) if sources else None)
    names: dict[str, str] = {}
    for s in samples:
        name = opts.models.get(s.side) or s.model
        if not name:
            src = next(x for x in sources if Path(s.ref.file) == x.path)
            name = src.model or src.path.stem
        if names.setdefault(s.side, name) != name:
            raise s.ref.error(f"a second {s.side} model '{name}' (the first is "
                              f"'{names[s.side]}'): import one pair at a time", field="model")
    for side in ("base", "instruct"):
        if side not in names:
            raise UserError(f"no {side} generations: a pair needs both sides")
    grouped = _group(samples)
    examples = _examples(grouped, opts, warnings)
    per_side = _samples_per_side(grouped)
    sides_of: dict[str, set[str]] = defaultdict(set)
    for side, item in grouped:
        sides_of[item].add(side)
    lonely = [grouped[(next(iter(s)), item)][0] for item, s in sides_of.items() if len(s) < 2]
    if lonely:
        first = min(lonely, key=lambda s: (s.ref.file, s.ref.line))
        warnings.append(f"{first.ref.file}, line {first.ref.line}: {len(lonely)} item(s) have "
                        "only one side; they are left out of the paired comparisons")
    setting = _setting(opts, sources)
    generation = next((s.generation for s in sources if s.generation), {})
    temperature = float(generation.get("temperature", 0.0) or 0.0)
    specs = {side: ModelSpec(name=names[side], kind=side,
                             backend=BackendSpec(type="imported", model=", ".join(
                                 str(x.path) for x in sources
                                 if any(s.side == side for s in x.samples))))
             for side in ("base", "instruct")}
    config = RunConfig(
        name=opts.name,
        description="generations imported from " + ", ".join(sorted({s.tool for s in sources})),
        pairs=[PairSpec(label=opts.pair, base=specs["base"], instruct=specs["instruct"])],
        benchmarks=[opts.benchmark], settings=[setting],
        decoding=[DecodingSpec(strategy="greedy" if per_side[side] == 1 else "sample",
                               n=per_side[side], temperature=temperature, sides=(side,),
                               group=DECODING) for side in ("base", "instruct")],
        extractors=opts.extractors or ["strict", "flexible"], graders=opts.graders or None)
    items: list[PlanItem] = []
    gens: dict[str, list[Generation]] = {}
    bench_family = get_benchmark(opts.benchmark).prompt_family
    format_setting = setting if setting.name in SETTING_KINDS else SettingSpec(name="zeroshot_cot")
    for (side, item), group in sorted(grouped.items(), key=lambda kv: (kv[0][0] != "instruct",
                                                                       kv[1][0].ref.line)):
        if item not in examples:
            continue
        first = group[0]
        prompt = Prompt(text=first.prompt or first.question or examples[item].question)
        params = SamplingParams(n=len(group), temperature=temperature)
        # Imported requests are never sent anywhere: the key names the side, the model and the
        # item, so two items (or two sides) that share a prompt keep their own generations.
        req = Request(model=f"{side}:{names[side]}@imported#{item}", prompt=prompt,
                      params=params)
        cell = CellKey(opts.pair, side, names[side], opts.benchmark, setting.label, DECODING)
        # The answer format tunegap's own prompt for this item and setting asks for (what
        # `strict` reads): the imported prompt was written for the same benchmark.
        fmt = build_prompt(examples[item], format_setting, family=bench_family,
                           model_kind=side, exemplars=()).answer_format
        items.append(PlanItem(cell, specs[side], examples[item], req, fmt))
        gens[req.key] = [Generation(text=s.output, finish_reason="unknown") for s in group]
    return config, items, gens, warnings


def write_import(sources: Sequence[Source], opts: ImportOptions, argv: Sequence[str]):
    """Build the run directory at opts.out; returns (Results, warnings).

    The store is built and scored beside --out under `.OUT.importing-PID`, locked while it is
    written (a second import into the same --out is refused; a killed import's folder is
    removed by the next one), renamed into place, and reported there: the report names the
    run's own folder, and the attempt is finished before the report is written."""
    from tunegap.fs_faults import one_line_faults
    from tunegap.resolved import resolve
    from tunegap.rundir import Meta, RunDir
    from tunegap.scoring import check_scorers

    out = Path(opts.out)
    if out.is_symlink():
        raise UserError("the output directory is a symbolic link: give the real path (an import "
                        "never writes through a link)", file=str(out))
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise UserError("the output directory exists and is not empty: import into a new one",
                        file=str(out))
    config, items, gens, warnings = plan_import(sources, opts)
    resolved = resolve(config)
    check_scorers(resolved.extractors, resolved.graders)
    with one_line_faults(out):
        out.parent.mkdir(parents=True, exist_ok=True)
        if not os.access(out.parent, os.W_OK | os.X_OK):
            raise UserError("cannot create the output directory: its folder is not writable",
                            file=str(out.parent))
        tmp = out.parent / f".{out.name}.importing-{os.getpid()}"
        shutil.rmtree(tmp, ignore_errors=True)
        try:
            building = RunDir(tmp)
            with building.writing():
                _refuse_concurrent(out, tmp)
                building.record_config(resolved)
                building.set(Meta.PROVENANCE, provenance(sources))
                attempt = building.store.begin_attempt(list(argv))
                building.set_plan(plan_rows(items))
                building.store.save_generations(attempt, [(it.request, gens[it.request.key])
                                                          for it in items])
                building.set(Meta.COUNTS, {"plan_items": len(items), "unique_requests": len(gens),
                                           "requests_sent_last_attempt": 0})
                building.score(resolved)
                building.store.finish_attempt(attempt)  # generated (elsewhere) and graded
                building.close()
                _move_into_place(tmp, out)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        # From here the run directory is whole: a failing report leaves it marked incomplete
        # (report/__init__.py), to be rebuilt with `tunegap report`.
        run_dir = RunDir.existing(out, to="report")
        with run_dir.writing():
            results = run_dir.report(resolved)
    return results, warnings


def _refuse_concurrent(out: Path, mine: Path) -> None:
    """Another import writing the same --out holds the lock of its `.OUT.importing-PID`: refuse.
    An importing folder beside it whose lock is free (for any --out in this folder) was left by
    a killed import: removed (it can hold a whole store)."""
    import fcntl
    import re

    from tunegap.runlock import LOCK_NAME

    pattern = re.compile(r"^\.(?P<name>.+)\.importing-\d+$")
    for other in out.parent.glob(".*.importing-*"):
        m = pattern.match(other.name)
        if other == mine or m is None or not other.is_dir() or other.is_symlink():
            continue
        try:
            fd = os.open(other / LOCK_NAME, os.O_RDWR)
        except OSError:  # killed before it took its lock
            shutil.rmtree(other, ignore_errors=True)
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:  # a live import
            if m.group("name") != out.name:
                continue
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "?"
            raise UserError(f"another tunegap import (PID {holder}) is writing this output "
                            "directory: wait for it, or use another --out", file=str(out)) from None
        finally:
            os.close(fd)
        shutil.rmtree(other, ignore_errors=True)


def _move_into_place(tmp: Path, out: Path) -> None:
    """Rename the finished folder to --out; --out made meanwhile by someone else is refused."""
    try:
        if out.is_dir() and not out.is_symlink() and not any(out.iterdir()):
            out.rmdir()  # empty: checked before the import started, and again now
        os.rename(tmp, out)
    except OSError as exc:
        raise UserError(f"the output directory was created by another process during the "
                        f"import ({exc.strerror}): import into a new one", file=str(out)) from None


def provenance(sources: Sequence[Source]) -> dict[str, Any]:
    return {"source": "import", "files": [src.provenance() for src in sources]}
