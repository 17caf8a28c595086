"""Expand a RunConfig into cells and requests. Pure: loads data, never a model.

A cell is (pair, side, benchmark, setting, decoding); each of its items is one Request. Identical
requests (same model fingerprint, prompt and params) share one key and are generated once.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from tunegap.config import DecodingSpec, ModelSpec, RunConfig, SettingSpec
from tunegap.data import get_benchmark
from tunegap.data.base import Benchmark
from tunegap.decoding import sampling_params
from tunegap.errors import UserError
from tunegap.perturb.benchmark import PERTURBED, limit_seed_problems
from tunegap.prompts import build_prompt, pick_exemplars
from tunegap.types import Example, Request, canonical_json


@dataclass(frozen=True)
class Cell:
    pair: str
    side: str  # base | instruct
    benchmark: str
    setting: str
    decoding: str

    @property
    def id(self) -> str:
        return "|".join((self.pair, self.side, self.benchmark, self.setting, self.decoding))


@dataclass(frozen=True)
class PlanItem:
    cell: Cell
    model: ModelSpec
    example: Example
    request: Request


def _check_settings(config: RunConfig) -> None:
    """A setting runs on the benchmarks that define it; one that none defines is an error. A
    perturbed set runs beside its source."""
    benches = [get_benchmark(name) for name in config.all_benchmarks]
    for name in config.all_benchmarks:  # a variant is scored against its original: run both
        spec = PERTURBED.get(name)
        if spec is not None and spec.source not in config.all_benchmarks:
            raise UserError(f"the perturbed set '{name}' runs only beside its source "
                            f"'{spec.source}' (its originals)", field="benchmarks")
    for s in config.settings:
        if not any(s.name in b.settings for b in benches):
            known = sorted({x for b in benches for x in b.settings})
            raise UserError(f"no selected benchmark has a setting '{s.name}' "
                            f"(they have: {', '.join(known)})", field="settings")


def build_plan(config: RunConfig, *, check_settings: bool = True) -> list[PlanItem]:
    if check_settings:
        _check_settings(config)
    items: list[PlanItem] = []
    for bench_name in config.all_benchmarks:
        bench = get_benchmark(bench_name)
        spec = PERTURBED.get(bench_name)
        examples = bench.load_test(config.data_dir)
        if config.limit is not None:
            # For a perturbed set the limit counts seed problems, so its originals all run.
            examples = (limit_seed_problems(examples, config.limit) if spec is not None
                        else examples[: config.limit])
        pool: list[Example] | None = None
        for setting in config.settings:
            if setting.name not in bench.settings:
                continue  # e.g. MedCalc's "direct" is not a GSM8K setting
            shots: list[Example] = []
            if setting.name.startswith("fewshot") and bench.exemplars_for is None:
                if pool is None:
                    if bench.load_exemplars is None:
                        raise UserError(f"benchmark '{bench_name}' has no exemplar pool for few-shot")
                    pool = bench.load_exemplars(config.data_dir)
                shots = pick_exemplars(pool, setting.k, config.seed)
            for dec in config.decoding:
                if spec is not None and spec.decoding is not None and dec.column not in spec.decoding:
                    continue  # the perturb block runs under the decodings it names
                items.extend(_cell_items(config, bench, examples, setting, dec, shots, pool or []))
    return items


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


def _cell_items(config: RunConfig, bench: Benchmark, examples: list[Example],
                setting: SettingSpec, dec: DecodingSpec, shots: list[Example],
                pool: list[Example] = ()) -> list[PlanItem]:
    params = sampling_params(dec)
    bench_name, family = bench.name, bench.prompt_family
    per_item = bench.exemplars_for is not None and setting.name.startswith(("fewshot", "oneshot"))
    if dec.limit is not None:
        examples = examples[: dec.limit]
    out = []
    for pair in config.pairs:
        for side in ("instruct", "base"):
            if side not in dec.sides or not config.runs(bench.name, setting.name, side):
                continue
            model: ModelSpec = getattr(pair, side)
            cell = Cell(pair.label, side, bench_name, setting.label, dec.column)
            fingerprint = model.fingerprint()  # stats the weights: once per cell, not per item
            for ex in examples:
                item_shots = (bench.exemplars_for(ex, config.data_dir) if per_item
                              else _variant_shots(ex, shots, list(pool)))
                prompt = build_prompt(ex, setting, family=family, model_kind=model.kind,
                                      exemplars=item_shots)
                req = Request(model=fingerprint, prompt=prompt, params=params)
                out.append(PlanItem(cell, model, ex, req))
    return out


def plan_rows(items: list[PlanItem]) -> list[dict]:
    return [
        {
            "cell": it.cell.id, "example_id": it.example.id, "request_key": it.request.key,
            "pair": it.cell.pair, "side": it.cell.side, "model": it.model.name,
            "benchmark": it.cell.benchmark, "setting": it.cell.setting,
            "decoding": it.cell.decoding, "target": it.example.target,
            "answer_type": it.example.answer_type,
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
        if it.request.key in seen:
            continue
        seen.add(it.request.key)
        groups.setdefault(it.request.model, []).append((it.model, it.request))
    return groups
