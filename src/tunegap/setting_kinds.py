"""What each prompt setting means, said once: whether it reasons, and where its exemplars come
from. The plan, the prompt families and the setting labels read this table instead of testing
setting names. A leaf module (config.py reads it for labels).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

SettingName = Literal["zeroshot_cot", "fewshot_cot", "oneshot_cot", "direct"]


@dataclass(frozen=True)
class SettingKind:
    name: str
    # Exemplars: none; "pool" draws k from the benchmark's exemplar pool, unless the benchmark
    # has per-item exemplars (MATH-Perturb's matched problem, MedCalc's calculator example),
    # which "pool" and "item" settings both use.
    exemplars: Literal["none", "pool", "item"]
    reasoning: bool  # asks for step-by-step reasoning (direct does not)

    @property
    def shows_exemplars(self) -> bool:
        return self.exemplars != "none"

    @property
    def takes_k(self) -> bool:
        """Its label shows k, the number of exemplars drawn from the pool."""
        return self.exemplars == "pool"


SETTING_KINDS: dict[str, SettingKind] = {k.name: k for k in (
    SettingKind("zeroshot_cot", "none", True),
    SettingKind("fewshot_cot", "pool", True),
    SettingKind("oneshot_cot", "item", True),  # per-item exemplar (MedCalc, MATH-Perturb)
    SettingKind("direct", "none", False),  # answer with no reasoning (MedCalc)
)}


def setting_kind(name: str) -> SettingKind | None:
    return SETTING_KINDS.get(name)
