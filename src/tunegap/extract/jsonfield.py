"""json: the `answer` field of a JSON object in the output (the paper's instruct format).

Models wrap the object in prose or code fences and break it (trailing commas, unescaped LaTeX
backslashes, a cut-off tail); json-repair mends what it can. Only the object's `answer` key is read;
a missing key, an empty value or "none" is a missing answer.
"""

from __future__ import annotations

import json
import re
from typing import Any

import json_repair

from tunegap.types import Example

_FENCE = re.compile(r"```(?:json)?\s*(.*?)(?:```|$)", re.DOTALL | re.IGNORECASE)
_NONE = {"", "none", "null", "n/a"}


def _candidates(text: str) -> list[str]:
    """Fenced blocks first, then the span from the first '{' (repair closes a cut-off tail)."""
    out = [m.group(1) for m in _FENCE.finditer(text)]
    start = text.find("{")
    if start >= 0:
        out.append(text[start:])
    return out


def _loads(blob: str) -> Any:
    try:
        return json.loads(blob)
    except ValueError:
        pass
    try:
        return json_repair.loads(blob)
    except Exception:  # noqa: BLE001  (json-repair raises assorted errors on hopeless input)
        return None


def answer_field(text: str, key: str = "answer") -> str | None:
    for blob in _candidates(text):
        obj = _loads(blob)
        if isinstance(obj, list):  # repair sometimes yields [obj, junk]
            obj = next((o for o in obj if isinstance(o, dict) and key in o), None)
        if isinstance(obj, dict) and key in obj:
            value = obj[key]
            if isinstance(value, (dict, list)):
                value = json.dumps(value, ensure_ascii=False)
            s = "" if value is None else str(value).strip()
            return None if s.lower() in _NONE else s
    return None


def extract(text: str, example: Example | None = None) -> str | None:
    return answer_field(text)
