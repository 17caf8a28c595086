"""From an item's meta back to its template and values: what template-backed kinds need.

An item is template-backed when its meta names a `template` and its `values`. tunegap's own
templates are looked up by id; `gsm_symbolic/<family>/<NNNN>` is read from the data folder at
run time (never stored). Values are kept JSON-friendly in meta: ints and strings as they are,
other fractions as {"frac": "a/b"}, numbers written as words as {"word": text, "value": "a/b"}.
"""

from __future__ import annotations

from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import Any

from tunegap.templates.symbolic_lists import Word


def jsonable(values: dict[str, Any]) -> dict[str, Any]:
    def one(v: Any) -> Any:
        if isinstance(v, Word):
            return {"word": v.text, "value": str(Fraction(v))}
        if isinstance(v, Fraction):
            return int(v) if v.denominator == 1 else {"frac": str(v)}
        return v
    return {k: one(v) for k, v in values.items()}


def from_jsonable(values: dict[str, Any]) -> dict[str, Any]:
    def one(v: Any) -> Any:
        if isinstance(v, dict) and "word" in v:
            return Word(v["word"], Fraction(v["value"]))
        if isinstance(v, dict) and "frac" in v:
            return Fraction(v["frac"])
        return v
    return {k: one(v) for k, v in values.items()}


@lru_cache(maxsize=64)
def _symbolic(folder: str, family: str, stem: str):
    from tunegap.templates.gsm_symbolic import read_template

    return read_template(Path(folder) / family / f"{stem}.json", family)


def resolve(template_id: str | None, data_dir: Path | None):
    """The template object behind an item, or None when it has none we can read."""
    if not template_id:
        return None
    if template_id.startswith("gsm_symbolic/"):
        parts = template_id.split("/")
        if data_dir is None or len(parts) != 3:
            return None
        folder = Path(data_dir) / "gsm_symbolic" / "templates"
        if not (folder / parts[1] / f"{parts[2]}.json").is_file():
            return None
        return _symbolic(str(folder), parts[1], parts[2])
    from tunegap.templates.gsm_templates import BY_ID

    return BY_ID.get(template_id)
