"""Readers for benchmark source files that fail with file, line and field, never silently."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tunegap.errors import UserError


def require_file(path: Path, *, hint: str = "") -> Path:
    if not path.is_file():
        raise UserError(f"data file not found{'; ' + hint if hint else ''}", file=str(path))
    return path


def require_dir(path: Path | None, *, benchmark: str) -> Path:
    if path is None:
        raise UserError(
            f"benchmark '{benchmark}' needs its data: pass --data-dir DIR (a folder with "
            f"{benchmark}/ in its release format)"
        )
    p = Path(path)
    if not p.is_dir():
        raise UserError("data directory not found", file=str(p))
    return p


def read_jsonl(path: Path, *, required: tuple[str, ...] = ()) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield (line number, row). A broken line or a missing required field is a UserError."""
    with require_file(path).open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise UserError(f"not valid JSON ({exc.msg})", file=str(path), row=lineno) from None
            if not isinstance(row, dict):
                raise UserError("a row must be a JSON object", file=str(path), row=lineno)
            for name in required:
                if name not in row or row[name] is None:
                    raise UserError("required field is missing", file=str(path), row=lineno, field=name)
            yield lineno, row


def require_str(row: dict[str, Any], name: str, *, path: Path, lineno: int) -> str:
    value = row.get(name)
    if not isinstance(value, str) or not value.strip():
        raise UserError("must be a non-empty string", file=str(path), row=lineno, field=name)
    return value
