"""json: the `answer` field of a JSON object in the output (the paper's instruct format).

Models wrap the object in prose or code fences and break it (trailing commas, single quotes,
unescaped LaTeX backslashes, a cut-off tail). Per candidate (fenced blocks first, then the span
from the first '{'), in order:

1. the JSON value at its start, parsed strictly (trailing prose ignored; deep nesting is a
   failed parse, never a RecursionError);
2. json-repair on a *window*: from the last '{' before the first "answer" key to 2 KB past it,
   and only when that window holds few brackets. json-repair is slow on bracket-heavy text
   (seconds on 4 KB of "{{}}", a minute on 60 KB of '{"'), so it never sees a whole output;
3. the key's value read directly (a quoted string, possibly cut off, or a bare token).

Only the object's `answer` key is read; a missing key, an empty value or "none" is a missing
answer. Every step is linear in the text except json-repair, which sees at most a bounded window.
"""

from __future__ import annotations

import json
import re
from typing import Any

import json_repair

from tunegap.types import AnswerFormat, Example

_FENCE = re.compile(r"```(?:json)?\s*(.*?)(?:```|$)", re.DOTALL | re.IGNORECASE)
_NONE = {"", "none", "null", "n/a"}
_QUOTED = re.compile(r'"((?:[^"\\\n]|\\.)*)"?|\'((?:[^\'\\\n]|\\.)*)\'?|([^,}\n]*)')
WINDOW_BEFORE = 2048  # how far back the enclosing '{' may be (a long step_by_step_thinking)
WINDOW_AFTER = 2048
MAX_BRACKETS = 16  # more brackets than this in the window: skip json-repair (its slow case)
_DECODER = json.JSONDecoder()
# A LaTeX command written with one backslash inside a JSON string decodes to a control
# character ("\frac" → form feed + "rac"); an answer never holds one, so it is put back.
_LATEX_ESCAPES = re.compile(r"[\x08\x0c]|[\t\n\r](?=[a-zA-Z])")
_BACK = {"\x08": "\\b", "\x0c": "\\f", "\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _candidates(text: str) -> list[str]:
    """Fenced blocks first, then the span from the first '{' (repair closes a cut-off tail)."""
    out = [m.group(1) for m in _FENCE.finditer(text)]
    start = text.find("{")
    if start >= 0:
        out.append(text[start:])
    return out


def _strict(blob: str) -> Any:
    start = blob.find("{")
    if start < 0:
        return None
    try:
        return _DECODER.raw_decode(blob, start)[0]
    except (ValueError, RecursionError):
        return None


def _repaired(blob: str, key_at: int) -> Any:
    start = blob.rfind("{", max(0, key_at - WINDOW_BEFORE), key_at)
    if start < 0:
        return None
    window = blob[start : key_at + WINDOW_AFTER]
    if sum(window.count(c) for c in "{[") > MAX_BRACKETS:
        return None
    try:
        return json_repair.loads(window)
    except Exception:  # noqa: BLE001  (json-repair raises assorted errors on hopeless input)
        return None


def _direct(blob: str, value_at: int) -> str | None:
    m = _QUOTED.match(blob, value_at)
    dq, sq, bare = m.groups()
    if dq is not None:
        try:
            return json.loads('"' + dq + '"')
        except ValueError:
            return dq
    return sq if sq is not None else bare


def _field(obj: Any, key: str) -> tuple[bool, Any]:
    if isinstance(obj, list):  # repair sometimes yields [obj, junk]
        obj = next((o for o in obj if isinstance(o, dict) and key in o), None)
    if isinstance(obj, dict) and key in obj:
        return True, obj[key]
    return False, None


def _clean(value: Any) -> str | None:
    if isinstance(value, (dict, list)):
        value = json.dumps(value, ensure_ascii=False)
    s = "" if value is None else str(value)
    s = _LATEX_ESCAPES.sub(lambda m: _BACK[m.group(0)], s).strip()
    return None if s.lower() in _NONE else s


def answer_field(text: str, key: str = "answer") -> str | None:
    for blob in _candidates(text):
        found, value = _field(_strict(blob), key)
        if found:
            return _clean(value)
        m = re.search(r"[\"']" + re.escape(key) + r"[\"']\s*:\s*", blob)
        if m is None:
            continue
        found, value = _field(_repaired(blob, m.start()), key)
        return _clean(value if found else _direct(blob, m.end()))
    return None


def extract(text: str, example: Example | None = None,
            answer_format: AnswerFormat | None = None) -> str | None:
    return answer_field(text)
