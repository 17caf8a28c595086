"""The grid a config expands to, with generation counts and token estimates (`tunegap plan`).

Loads data when it can (to count items and measure prompts); a benchmark whose data is not at
hand is counted by its official size, so `tunegap plan --preset paper` works anywhere. No model
is ever loaded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tunegap.config import RunConfig
from tunegap.decoding import strategy_label
from tunegap.plan import build_plan, verify_settings
from tunegap.plan import grid as cell_grid
from tunegap.resolved import Resolved, as_resolved, resolve

CHARS_PER_TOKEN = 4.0  # rough for English/LaTeX with BPE tokenizers; an estimate, not a count


@dataclass
class GridRow:
    pair: str
    side: str
    model: str
    benchmark: str
    setting: str
    decoding: str
    items: int
    generations: int
    prompt_tokens: int | None  # estimated; None when the data was not loaded
    max_new_tokens: int  # the budget: generations x max_tokens
    strategy: str = ""  # the actual decoding, when `decoding` is a group column

    @property
    def key(self) -> tuple[str, ...]:
        return (self.pair, self.side, self.benchmark, self.setting, self.decoding)


def _prompt_chars(prompt) -> int:
    if prompt.text is not None:
        return len(prompt.text)
    return sum(len(m.content) + 16 for m in prompt.messages)  # + template tokens per turn


def _loaded_rows(config: Resolved) -> list[GridRow]:
    rows: dict[str, GridRow] = {}
    for it in build_plan(config, check_settings=False):
        p = it.request.params
        row = rows.get(it.cell.id)
        if row is None:
            row = rows[it.cell.id] = GridRow(it.cell.pair, it.cell.side, it.model.name,
                                             it.cell.benchmark, it.cell.setting, it.cell.decoding,
                                             0, 0, 0, 0, strategy_label(p))
        row.items += 1
        row.generations += p.samples
        # CoT branches share one prefill; samples re-read the prompt unless the engine caches it.
        row.prompt_tokens = (row.prompt_tokens or 0) + round(_prompt_chars(it.request.prompt) / CHARS_PER_TOKEN)
        row.max_new_tokens += p.samples * p.max_tokens
    return list(rows.values())


def _counted_rows(config: Resolved, bench_name: str) -> list[GridRow]:
    bench = config.benchmark(bench_name)
    size = bench.expected_size or 0
    if config.limit is not None:
        size = min(size, config.limit)
    rows = []
    for gc in cell_grid(config, bench):
        items = min(size, gc.decoding.limit) if gc.decoding.limit else size
        samples = gc.params.samples
        c = gc.cell
        rows.append(GridRow(c.pair, c.side, c.model, c.benchmark, c.setting, c.decoding, items,
                            items * samples, None, items * samples * gc.params.max_tokens,
                            gc.decoding.label))
    return rows


def grid(config: RunConfig) -> list[GridRow]:
    resolved = resolve(config)
    verify_settings(resolved)
    rows: list[GridRow] = []
    for name in resolved.benchmarks:
        bench = resolved.benchmark(name)
        sub = resolve(config.with_overrides(benchmarks=[name]))
        if bench.needs_data_dir and resolved.data_dir is None:
            rows.extend(_counted_rows(sub, name))
        else:
            rows.extend(_loaded_rows(sub))
    return rows


def setting_name(label: str) -> str:
    """A setting label without its options: "zeroshot_cot+json(instruct)" → "zeroshot_cot"."""
    return re.split(r"[\[+]", label, maxsplit=1)[0]


def compare(rows: list[GridRow], other: list[GridRow]) -> list[tuple[str, str, str, int, int]]:
    """Generations per (side, strategy, setting name) here and in `other`: what one grid adds.
    Rows line up by setting name, so a JSON-answer option on one side does not hide a row
    both grids share."""
    def tally(rs: list[GridRow]) -> dict[tuple[str, str, str], int]:
        out: dict[tuple[str, str, str], int] = {}
        for r in rs:
            k = (r.side, r.strategy, setting_name(r.setting))
            out[k] = out.get(k, 0) + r.generations
        return out

    here, there = tally(rows), tally(other)
    keys = sorted(set(here) | set(there))
    return [(*k, here.get(k, 0), there.get(k, 0)) for k in keys]


def extractor_generations(config: Resolved | RunConfig, rows: list[GridRow]) -> int:
    """Calls of the `llm` extractor's model: one per generation it reads (an upper bound: a
    text seen twice is read once), when the run uses it for either side."""
    config = as_resolved(config)
    if not config.uses_llm_extractor() or config.llm_extractor is None:
        return 0
    sides = {s for s, e in (config.extractor_by_side or {}).items() if e == "llm"}
    every = "llm" in config.extractors
    return sum(r.generations for r in rows if every or r.side in sides)
