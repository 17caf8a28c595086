"""The resolved config: what a run does, computed once when it starts and handed down.

`RunConfig` (config.py) is what a user wrote, validated. `Resolved` is what every stage reads:
the benchmarks that run (optional and perturbed sets included), the graders (each benchmark's own
when none are named), the extractor columns (the by-side column included), the models in pair
order, each model's reasoning markers. Nothing downstream derives these again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from tunegap.config import (
    DecodingSpec,
    ModelSpec,
    PairSpec,
    PerturbSpec,
    ReasoningSpec,
    RunConfig,
    SettingSpec,
)

if TYPE_CHECKING:
    from tunegap.data.base import Benchmark

BY_SIDE = "by-side"  # the extractor column that reads each side with its own extractor


@dataclass(frozen=True)
class Resolved:
    config: RunConfig  # as validated, with graders filled in: what the store records
    name: str
    caveat: str | None
    seed: int
    limit: int | None
    data_dir: Path | None
    run_dir: Path
    pairs: tuple[PairSpec, ...]
    models: tuple[ModelSpec, ...]  # every evaluated model once, in pair order
    benchmarks: tuple[str, ...]  # every benchmark that runs, perturbed sets last
    settings: tuple[SettingSpec, ...]
    decoding: tuple[DecodingSpec, ...]
    perturb: tuple[PerturbSpec, ...]
    extractors: tuple[str, ...]  # the configured extractors, in order
    by_side: Mapping[Literal["base", "instruct"], str] | None
    extractor_columns: tuple[str, ...]  # extractors, then the by-side column when configured
    graders: tuple[str, ...]
    cluster_by: Mapping[str, str]
    llm_extractor: ModelSpec | None
    llm_extractor_max_tokens: int
    reasoning: Mapping[str, ReasoningSpec | None] = field(default_factory=dict)  # by model name

    def benchmark(self, name: str) -> Benchmark:
        """The Benchmark a name stands for in this run: a registered one, or one of the run's
        perturbed sets (built from its `perturb:` block)."""
        from tunegap.perturb.benchmark import benchmark_for

        return benchmark_for(name, self.perturb)

    def benchmark_objects(self) -> list[Benchmark]:
        return [self.benchmark(name) for name in self.benchmarks]

    def runs(self, benchmark: str, setting: str, side: str) -> bool:
        """Whether this benchmark runs this setting on this side (its `scopes:` entry)."""
        return self.config.runs(benchmark, setting, side)

    # The RunConfig names, for code written against it (a Resolved passes where a config did).
    @property
    def all_benchmarks(self) -> tuple[str, ...]:
        return self.benchmarks

    @property
    def extractor_by_side(self) -> Mapping[Literal["base", "instruct"], str] | None:
        return self.by_side

    @property
    def extractors_run(self) -> tuple[str, ...]:
        """Every extractor that reads the outputs: the configured ones, then the by-side ones."""
        return tuple(dict.fromkeys([*self.extractors, *(self.by_side or {}).values()]))

    def uses_llm_extractor(self) -> bool:
        return "llm" in self.extractors_run

    @property
    def summary_extractor(self) -> str:
        """The extractor column the terminal summary and the headline use: by-side if
        configured, else the first."""
        return BY_SIDE if self.by_side else self.extractors[0]

    def dump(self) -> dict[str, Any]:
        """The config as stored in the run (graders resolved)."""
        return self.config.model_dump(mode="json")

    def with_scorers(self, extractors: list[str], graders: list[str],
                     llm_extractor: ModelSpec | None = None) -> Resolved:
        """The same run scored by more extractors and graders (`tunegap grade`)."""
        update: dict[str, Any] = {
            "extractors": list(dict.fromkeys([*self.extractors, *extractors])),
            "graders": list(dict.fromkeys([*self.graders, *graders])),
        }
        if llm_extractor is not None:
            update["llm_extractor"] = llm_extractor
        return resolve(self.config.model_copy(update=update))


def resolve(config: RunConfig) -> Resolved:
    """Everything a run derives from its config, once."""
    graders = tuple(config.resolved_graders())
    config = config.model_copy(update={"graders": list(graders)})
    models: dict[str, ModelSpec] = {}
    for pair in config.pairs:
        for spec in (pair.base, pair.instruct):
            models.setdefault(spec.name, spec)
    by_side = dict(config.extractor_by_side) if config.extractor_by_side else None
    extractors = tuple(config.extractors)
    return Resolved(
        config=config, name=config.name, caveat=config.caveat, seed=config.seed,
        limit=config.limit, data_dir=config.data_dir, run_dir=config.run_dir,
        pairs=tuple(config.pairs), models=tuple(models.values()),
        benchmarks=tuple(config.all_benchmarks), settings=tuple(config.settings),
        decoding=tuple(config.decoding), perturb=tuple(config.perturb),
        extractors=extractors, by_side=by_side,
        extractor_columns=(*extractors, *((BY_SIDE,) if by_side else ())),
        graders=graders, cluster_by=dict(config.cluster_by),
        llm_extractor=config.llm_extractor,
        llm_extractor_max_tokens=config.llm_extractor_max_tokens,
        reasoning={name: spec.reasoning for name, spec in models.items()},
    )


def as_resolved(config: RunConfig | Resolved) -> Resolved:
    """A Resolved as is; a RunConfig (the Python API, tests) resolved now."""
    return config if isinstance(config, Resolved) else resolve(config)
