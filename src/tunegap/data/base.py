"""What a benchmark module provides. One module per benchmark; see gsm8k.py for the shape."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tunegap.types import Example


@dataclass(frozen=True)
class Benchmark:
    name: str
    description: str
    settings: tuple[str, ...]  # prompt settings this benchmark is defined with
    prompt_family: str  # which prompts/ module renders it
    # data_dir None means "no local folder": hub benchmarks then load from the hub.
    load_test: Callable[[Path | None], list[Example]]
    # Exemplar pool for few-shot settings (a train split, or generated items).
    load_exemplars: Callable[[Path | None], list[Example]] | None = None
    needs_data_dir: bool = True
    expected_size: int | None = None  # official test size, for planning without the data
    # Per-item exemplars (e.g. MedCalc's one-shot exemplar of the item's calculator). When set,
    # it replaces the shared draw from `load_exemplars` for few/one-shot settings.
    exemplars_for: Callable[[Example, Path | None], list[Example]] | None = None
    # The test split from a hub id or a local copy of the hub dataset (see data/hub.py).
    load_hub: Callable[[str], list[Example]] | None = None
    hub_id: str | None = None  # the dataset id users know, e.g. "openai/gsm8k"
    local_files: tuple[str, ...] = ()  # release files under --data-dir, for `tunegap data list`
    # The graders its answers are judged by, preferred first: a run without a `graders` list
    # uses these, and the terminal summary shows the first one the run has.
    graders: tuple[str, ...] = ("numeric",)
    title: str = ""  # how reports name it ("GSM8K"); empty: its name
    # How its targets read when items come from another tool's files (`tunegap import`); None:
    # such items need tunegap's copy (--data-dir) to be graded (per-item answer types).
    answer_type: str | None = "number"
    importer_tasks: tuple[str, ...] = ()  # lm-eval / inspect task names that are this benchmark

    @property
    def display_title(self) -> str:
        return self.title or self.name
