"""The run grid's axes as config models: prompt settings, decodings, a benchmark's scope, and
perturbed sets (`perturb:` blocks). Re-exported by config.py: `from tunegap.config import X`.

Validation checks names only: a perturbed set is made from its block when a run needs it
(perturb/benchmark.py: `benchmark_for`), never registered.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from tunegap.setting_kinds import SETTING_KINDS


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SettingSpec(StrictModel):
    """A prompt setting. `chat` None means: chat template for instruct models, text for base."""

    name: str
    k: int = 8  # few-shot exemplars
    chat: bool | None = None
    # Sides asked to answer as a JSON object {"step_by_step_thinking", "answer"} (the paper asks
    # this of instruct models only); the `json` extractor reads it.
    json_answer: tuple[Literal["base", "instruct"], ...] = ()
    # The prompt-format axes (each its own column): thinking on/off for chat templates with an
    # enable_thinking switch (None: the model's default), few-shot exemplars as alternating
    # turns or in one user turn, and the instruction as a system turn or inside the first user
    # turn (system_prompt: false; it changes the families that use a system turn: MedCalc-Bench
    # and the JSON-answer prompts).
    thinking: bool | None = None
    fewshot_as: Literal["turns", "single"] = "turns"
    system_prompt: bool = True

    @property
    def label(self) -> str:
        suffix = "" if self.chat is None else ("+chat" if self.chat else "+text")
        if self.json_answer:
            suffix += "+json(" + ",".join(self.json_answer) + ")"
        if self.thinking is not None:
            suffix += "+think" if self.thinking else "+nothink"
        if self.fewshot_as == "single":
            suffix += "+single"
        if not self.system_prompt:
            suffix += "+nosystem"
        kind = SETTING_KINDS.get(self.name)
        if kind is not None and kind.takes_k:
            return f"{self.name}[k={self.k}]{suffix}"
        return f"{self.name}{suffix}"


class DecodingSpec(StrictModel):
    """A decoding strategy; both sides of a pair get the same one unless `sides` says otherwise.

    `group` compares two different strategies across sides as one column: the paper's protocol
    gives base models cot_decoding(20) and instruct models sample(20, T=0.05), both in group
    "paper". Without a group a strategy is compared with itself.
    """

    strategy: Literal["greedy", "sample", "cot_decoding"] = "greedy"
    n: int = Field(1, ge=1)  # samples, or branches k for cot_decoding
    temperature: float = Field(0.0, ge=0.0)
    top_p: float = Field(1.0, gt=0.0, le=1.0)
    seed: int = 0
    max_tokens: int = Field(512, ge=1)
    sides: tuple[Literal["base", "instruct"], ...] = ("base", "instruct")
    group: str | None = None
    limit: int | None = Field(None, ge=1)  # only the first N items of each benchmark

    @property
    def label(self) -> str:
        if self.strategy == "greedy":
            return "greedy"
        if self.strategy == "sample":
            return f"sample(n={self.n},T={self.temperature:g})"
        return f"cot_decoding(k={self.n})"

    @property
    def column(self) -> str:
        """The label cells are compared under."""
        return self.group or self.label


class BenchmarkScope(StrictModel):
    """Narrow one benchmark's part of the grid (the paper runs MATH-Perturb on instruct models
    only, zero-shot)."""

    settings: list[str] | None = None  # setting names; None = every configured one it defines
    sides: tuple[Literal["base", "instruct"], ...] = ("base", "instruct")


class PerturbSpec(StrictModel):
    """A perturbed set run beside its source (docs/perturbations.md): the variants of the
    source's first `seeds` items under each kind, `variants` each, drawn from `seed`."""

    source: str
    kinds: list[str] = Field(min_length=1)
    variants: int = Field(1, ge=1)
    seed: int = 0
    seeds: int | None = Field(None, ge=1)  # how many seed problems; None = the source's all
    name: str | None = Field(None, pattern=r"^[\w.~-]+$")  # default "<source>~perturbed"
    decoding: list[str] | None = None  # decoding columns (e.g. [greedy]) it runs under

    @field_validator("kinds")
    @classmethod
    def _known_kinds(cls, v: list[str]) -> list[str]:
        from tunegap.perturb import PERTURBATION_KINDS

        for k in v:
            if not PERTURBATION_KINDS.known(k):
                raise ValueError(f"unknown perturbation kind '{k}' "
                                 f"(known: {', '.join(PERTURBATION_KINDS)})")
        return v

    @field_validator("source")
    @classmethod
    def _known_source(cls, v: str) -> str:
        from tunegap.data import BENCHMARKS

        if not BENCHMARKS.known(v):  # a registered benchmark or a plug-in, not a perturbed set
            raise ValueError(f"unknown source benchmark '{v}' (known: {', '.join(BENCHMARKS)})")
        return v

    @property
    def set_name(self) -> str:
        return self.name or f"{self.source}~perturbed"
