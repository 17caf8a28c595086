"""Perturbed sets as first-class benchmarks: a `perturb:` block of a run config names a source
benchmark, kinds, variants and a seed; this module turns it into a Benchmark whose items are the
verified variants of the source's first `seeds` items.

A perturbed set is derived from the config that names it, when it is needed (`benchmark_for`):
nothing is registered, so two configs in one process never see each other's sets.

A run evaluates the perturbed set beside its source (same settings, same exemplar pool), so each
variant's `meta.seed_id` finds its original in the same cells. A variant's `Example.benchmark`
stays the source's name: it is the item's format (its prompt family and answer format), while
the cell's benchmark is the perturbed set's name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tunegap.data import get_benchmark
from tunegap.data.base import Benchmark
from tunegap.perturb.kinds import make_variant
from tunegap.types import Example


@dataclass(frozen=True)
class Spec:
    name: str
    source: str
    kinds: tuple[str, ...]
    variants: int = 1
    seed: int = 0
    seeds: int | None = None  # how many seed problems (the source's first N); None = all
    decoding: tuple[str, ...] | None = None  # decoding columns it runs under; None = all


def perturbed_spec(name: str, perturb: Iterable[Any]) -> Spec | None:
    """The perturbed set `name` among a config's `perturb:` blocks (config.PerturbSpec), if any."""
    for p in perturb:
        if p.set_name == name:
            return Spec(p.set_name, p.source, tuple(p.kinds), p.variants, p.seed, p.seeds,
                        None if p.decoding is None else tuple(p.decoding))
    return None


def benchmark_for(name: str, perturb: Iterable[Any] = ()) -> Benchmark:
    """The benchmark a run config means by `name`: one of its perturbed sets (made from its
    `perturb:` blocks), else a registered benchmark or a `module:attr` plug-in."""
    spec = perturbed_spec(name, perturb)
    return get_benchmark(name) if spec is None else make_benchmark(spec)


def variants_of(originals: Iterable[Example], spec: Spec, data_dir: Path | None,
                progress: Callable[[int], None] | None = None) -> list[Example]:
    """Every verified variant, in (seed problem, kind, n) order; duplicates of an earlier variant
    of the same seed problem are dropped (a kind with fewer distinct forms than `variants`)."""
    out: list[Example] = []
    for index, ex in enumerate(originals):
        seen: set[tuple] = set()
        for kind in spec.kinds:
            for n in range(spec.variants):
                v = make_variant(ex, kind, spec.seed, n, data_dir)
                if progress is not None:
                    progress(1)
                if v is None:
                    continue
                key = (v.question, v.target, repr(v.meta.get("prompt_format")),
                       repr(v.meta.get("exemplars")))
                if key in seen:
                    continue
                seen.add(key)
                v.meta["seed_index"] = index  # its original's position in the source
                out.append(v)
    return out


def source_items(spec: Spec, data_dir: Path | None) -> list[Example]:
    items = get_benchmark(spec.source).load_test(data_dir)
    return items if spec.seeds is None else items[: spec.seeds]


def make_benchmark(spec: Spec) -> Benchmark:
    src = get_benchmark(spec.source)

    def load_test(data_dir: Path | None) -> list[Example]:
        return variants_of(source_items(spec, data_dir), spec, data_dir)

    size = None if src.expected_size is None else (
        min(spec.seeds or src.expected_size, src.expected_size) * len(spec.kinds) * spec.variants)
    return Benchmark(
        name=spec.name,
        description=f"{spec.source} perturbed: {', '.join(spec.kinds)} x{spec.variants} (seed {spec.seed})",
        settings=src.settings, prompt_family=src.prompt_family, load_test=load_test,
        load_exemplars=src.load_exemplars, needs_data_dir=src.needs_data_dir, expected_size=size,
        exemplars_for=src.exemplars_for, local_files=src.local_files, graders=src.graders,
        # A block's own name is its title; the default name reads as the source's, perturbed.
        title=(f"{src.display_title} perturbed" if spec.name == f"{spec.source}~perturbed"
               else spec.name),
        answer_type=src.answer_type,
    )


def limit_seed_problems(examples: list[Example], limit: int) -> list[Example]:
    """A run's `limit` counts seed problems for a perturbed set: the variants of the source's
    first `limit` items, which are exactly the originals the source's own `limit` keeps."""
    return [ex for ex in examples if ex.meta["seed_index"] < limit]

