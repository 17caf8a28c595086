"""A toy benchmark: twelve sums, no files, zero-shot CoT with the math word-problem prompts."""

from __future__ import annotations

from pathlib import Path

from tunegap.data.base import Benchmark
from tunegap.types import Example


def load_test(data_dir: Path | None = None) -> list[Example]:
    return [Example("toy-sums", f"s{i}", f"What is {i} + {2 * i + 1}?", str(3 * i + 1), "integer")
            for i in range(12)]


BENCHMARK = Benchmark(name="toy-sums", description="twelve sums", settings=("zeroshot_cot",),
                      prompt_family="math_cot", load_test=load_test, needs_data_dir=False,
                      expected_size=12, graders=("toy-within-one", "numeric"),
                      title="Toy sums", answer_type="integer")
