"""Expand a run (its resolved config) into cells and requests. Pure: loads data, never a model.

A cell is (pair, side, benchmark, setting, decoding) — `records.CellKey`, the same type the
records and the analysis use; each of its items is one Request. Identical requests (same model
fingerprint, prompt and params) share one key and are generated once. `grid` is the one place
that says which cells a config expands to (`tunegap plan` counts the same cells without data).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

from tunegap.config import DecodingSpec, ModelSpec, SettingSpec
from tunegap.data.base import Benchmark
from tunegap.decoding import sampling_params
from tunegap.errors import UserError
from tunegap.perturb.benchmark import benchmark_for, limit_seed_problems, perturbed_spec
from tunegap.prompts import build_prompt, pick_exemplars
from tunegap.records import CellKey
from tunegap.resolved import Resolved, as_resolved
from tunegap.setting_kinds import SETTING_KINDS
from tunegap.types import AnswerFormat, Example, Request, SamplingParams, canonical_json


@dataclass(frozen=True)
class PlanItem:
    cell: CellKey
    model: ModelSpec
    example: Example
    request: Request
    # What the prompt asked the reply to end with: handed down to the extractors.
    answer_format: AnswerFormat = AnswerFormat()


@dataclass(frozen=True)
class GridCell:
    """One cell of the grid, before its items are known."""

    cell: CellKey
    model: ModelSpec
    setting: SettingSpec
    decoding: DecodingSpec
    params: SamplingParams


def grid(config: Resolved, bench: Benchmark) -> Iterator[GridCell]:
    """The cells of one benchmark, in plan order: setting × decoding × pair × side (instruct
    first), skipping settings the benchmark lacks, decodings a perturbed set leaves out, and
    sides a decoding or a scope leaves out."""
    spec = perturbed_spec(bench.name, config.perturb)
    for setting in config.settings:
        if setting.name not in bench.settings:
            continue  # e.g. MedCalc's "direct" is not a GSM8K setting
        for dec in config.decoding:
            if spec is not None and spec.decoding is not None and dec.column not in spec.decoding:
                continue  # the perturb block runs under the decodings it names
            params = sampling_params(dec)
            for pair in config.pairs:
                for side in ("instruct", "base"):
                    if side not in dec.sides or not config.runs(bench.name, setting.name, side):
                        continue
                    model: ModelSpec = getattr(pair, side)
                    yield GridCell(CellKey(pair.label, side, model.name, bench.name,
                                           setting.label, dec.column), model, setting, dec, params)


def verify_settings(config: Resolved) -> None:
    """A setting runs on the benchmarks that define it; one that none defines is an error. A
    perturbed set runs beside its source."""
    benches = [benchmark_for(name, config.perturb) for name in config.all_benchmarks]
    for name in config.all_benchmarks:  # a variant is scored against its original: run both
        spec = perturbed_spec(name, config.perturb)
        if spec is not None and spec.source not in config.all_benchmarks:
            raise UserError(f"the perturbed set '{name}' runs only beside its source "
                            f"'{spec.source}' (its originals)", field="benchmarks")
    for s in config.settings:
        if not any(s.name in b.settings for b in benches):
            known = sorted({x for b in benches for x in b.settings})
            raise UserError(f"no selected benchmark has a setting '{s.name}' "
                            f"(they have: {', '.join(known)})", field="settings")


def build_plan(config: Resolved, *, check_settings: bool = True) -> list[PlanItem]:
    config = as_resolved(config)  # a RunConfig from the Python API is resolved here
    if check_settings:
        verify_settings(config)
    items: list[PlanItem] = []
    for bench_name in config.all_benchmarks:
        bench = benchmark_for(bench_name, config.perturb)
        examples = bench.load_test(config.data_dir)
        if config.limit is not None:
            # For a perturbed set the limit counts seed problems, so its originals all run.
            examples = (limit_seed_problems(examples, config.limit)
                        if perturbed_spec(bench_name, config.perturb) else examples[: config.limit])
        pools = _ExemplarPools(config, bench)
        for gc in grid(config, bench):
            items.extend(_cell_items(config, bench, examples, gc, pools))
    return items


class _ExemplarPools:
    """A benchmark's exemplar pool, loaded once, and each setting's draw from it."""

    def __init__(self, config: Resolved, bench: Benchmark) -> None:
        self.config, self.bench = config, bench
        self.pool: list[Example] | None = None

    def shots(self, setting: SettingSpec) -> list[Example]:
        kind = SETTING_KINDS[setting.name]
        if kind.exemplars != "pool" or self.bench.exemplars_for is not None:
            return []
        if self.pool is None:
            if self.bench.load_exemplars is None:
                raise UserError(f"benchmark '{self.bench.name}' has no exemplar pool for few-shot")
            self.pool = self.bench.load_exemplars(self.config.data_dir)
        return pick_exemplars(self.pool, setting.k, self.config.seed)


def _variant_shots(ex: Example, shots: list[Example], pool: list[Example]) -> list[Example]:
    """Exemplar-order and exemplar-set variants (meta.exemplars, perturb/kinds.py) get their own
    draw of the few-shot exemplars; every other item gets the setting's shared draw."""
    spec = ex.meta.get("exemplars")
    if not spec or not shots:
        return shots
    if "order_seed" in spec:
        order = list(shots)
        random.Random(spec["order_seed"]).shuffle(order)
        return order if order != shots else shots[1:] + shots[:1]  # always another order
    drawn = pick_exemplars(pool, len(shots), spec["set_seed"])
    return drawn if drawn != shots else pick_exemplars(pool, len(shots), spec["set_seed"] + 1)


def _cell_items(config: Resolved, bench: Benchmark, examples: list[Example], gc: GridCell,
                pools: _ExemplarPools) -> list[PlanItem]:
    shots = pools.shots(gc.setting)
    per_item = (bench.exemplars_for is not None
                and SETTING_KINDS[gc.setting.name].shows_exemplars)
    if gc.decoding.limit is not None:
        examples = examples[: gc.decoding.limit]
    fingerprint = gc.model.fingerprint()  # stats the weights: once per cell, not per item
    out = []
    for ex in examples:
        item_shots = (bench.exemplars_for(ex, config.data_dir) if per_item
                      else _variant_shots(ex, shots, pools.pool or []))
        rendered = build_prompt(ex, gc.setting, family=bench.prompt_family,
                                model_kind=gc.model.kind, exemplars=item_shots)
        req = Request(model=fingerprint, prompt=rendered.prompt, params=gc.params)
        out.append(PlanItem(gc.cell, gc.model, ex, req, rendered.answer_format))
    return out


def plan_rows(items: list[PlanItem]) -> list[dict]:
    return [
        {
            "cell": it.cell.id, "example_id": it.example.id, "request_key": it.request.key,
            "pair": it.cell.pair, "side": it.cell.side, "model": it.model.name,
            "benchmark": it.cell.benchmark, "setting": it.cell.setting,
            "decoding": it.cell.decoding, "target": it.example.target,
            "answer_type": it.example.answer_type,
            "answer_format": it.answer_format.to_json(),
            "example_json": canonical_json(it.example.to_dict()),
            "request_json": canonical_json(it.request.to_dict()),
        }
        for it in items
    ]


def unique_requests(items: list[PlanItem]) -> dict[str, list[tuple[ModelSpec, Request]]]:
    """Requests grouped by model fingerprint, each key once, in plan order."""
    groups: dict[str, list[tuple[ModelSpec, Request]]] = {}
    seen: set[str] = set()
    for it in items:
        key = it.request.key
        if key in seen:
            continue
        seen.add(key)
        groups.setdefault(it.request.model, []).append((it.model, it.request))
    return groups
