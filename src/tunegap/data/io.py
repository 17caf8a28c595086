"""Readers for benchmark source files that fail with file, line and field, never silently.

Every reader yields (RowRef, row): the RowRef says where the row came from (a file and its line,
or a hub split and its row number), so a converter can raise an error that points at it.
"""

from __future__ import annotations

import csv
import io
import json
import math
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tunegap.errors import UserError


@dataclass(frozen=True)
class RowRef:
    """Where a row came from: a file (or `hub:<id>[split]`) and its 1-based line/row."""

    file: str
    line: int

    def error(self, message: str, field: str | None = None) -> UserError:
        return UserError(message, file=self.file, row=self.line, field=field)


def _open_binary(path: Path):
    try:
        return path.open("rb")
    except OSError as exc:
        raise UserError(f"cannot read the file ({exc.strerror})", file=str(path)) from None


def _decode(raw: bytes, path: Path, lineno: int) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UserError(f"not UTF-8 text (byte {exc.start} of the line)", file=str(path),
                        row=lineno) from None
    return text.removeprefix("\ufeff") if lineno == 1 else text


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


def bench_file(data_dir: Path, subdir: str, name: str) -> Path:
    """DIR/<subdir>/<name>, or DIR/<name> when DIR is the benchmark's own folder."""
    nested = Path(data_dir) / subdir / name
    if nested.is_file() or not (Path(data_dir) / name).is_file():
        return nested
    return Path(data_dir) / name


def _check_required(ref: RowRef, row: dict[str, Any], required: tuple[str, ...]) -> None:
    for name in required:
        if name not in row or row[name] is None:
            raise ref.error("required field is missing", field=name)


def read_jsonl(path: Path, *,
               required: tuple[str, ...] = ()) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield (line number, row). A broken line or a missing required field is a UserError."""
    with _open_binary(require_file(path)) as fh:
        for lineno, raw in enumerate(fh, start=1):
            line = _decode(raw, path, lineno)
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise UserError(f"not valid JSON ({exc.msg})", file=str(path), row=lineno) from None
            except RecursionError:
                raise UserError(TOO_DEEP, file=str(path), row=lineno) from None
            if not isinstance(row, dict):
                raise UserError("a row must be a JSON object", file=str(path), row=lineno)
            if "\\u" in line:  # only an escape can spell a lone surrogate
                check_surrogates(row, RowRef(str(path), lineno))
            _check_required(RowRef(str(path), lineno), row, required)
            yield lineno, row


def jsonl_rows(path: Path, *, required: tuple[str, ...] = ()) -> Iterator[tuple[RowRef, dict]]:
    for lineno, row in read_jsonl(path, required=required):
        yield RowRef(str(path), lineno), row


def csv_rows(path: Path, *, required: tuple[str, ...] = ()) -> Iterator[tuple[RowRef, dict]]:
    """Rows of a CSV with a header; the line is where the record starts (notes span lines)."""
    # Patient notes are long; the default 128 KiB field limit is too small for some releases.
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    with _open_binary(require_file(path)) as bfh:
        data = bfh.read()
    try:
        text = data.decode("utf-8-sig")  # a spreadsheet's byte-order mark is not a column name
    except UnicodeDecodeError as exc:
        raise UserError(f"not UTF-8 text (byte {exc.start})", file=str(path),
                        row=data[: exc.start].count(b"\n") + 1) from None
    with io.StringIO(text, newline="") as fh:
        reader = csv.reader(fh)
        try:
            header = next(reader)
        except StopIteration:
            raise UserError("empty CSV file (no header)", file=str(path), row=1) from None
        except csv.Error as exc:
            raise UserError(f"not valid CSV ({exc})", file=str(path), row=1) from None
        for name in required:
            if name not in header:
                raise UserError("the header has no such column", file=str(path), row=1,
                                field=name)
        start = reader.line_num + 1
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise UserError(f"not valid CSV ({exc})", file=str(path), row=start) from None
            ref = RowRef(str(path), start)
            start = reader.line_num + 1
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(header):
                raise ref.error(f"the row has {len(cells)} columns but the header has "
                                f"{len(header)}", field=header[min(len(cells), len(header) - 1)])
            yield ref, dict(zip(header, cells, strict=True))


def read_json(path: Path) -> Any:
    with _open_binary(require_file(path)) as fh:
        data = fh.read()
    try:
        value = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise UserError(f"not UTF-8 text (byte {exc.start})", file=str(path),
                        row=data[: exc.start].count(b"\n") + 1) from None
    except json.JSONDecodeError as exc:
        raise UserError(f"not valid JSON ({exc.msg})", file=str(path), row=exc.lineno) from None
    except RecursionError:
        raise UserError(TOO_DEEP, file=str(path)) from None
    if b"\\u" in data:
        check_surrogates(value, RowRef(str(path), 1))
    return value


TOO_DEEP = "JSON nested too deeply (more levels than Python can read)"


def _surrogate_field(value: Any, name: str | None) -> str | None:
    """The field (dotted path) of the first string holding a lone surrogate, else None.
    Iterative: a value nested thousands deep must not overflow the stack here either."""
    stack: list[tuple[Any, str | None]] = [(value, name)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return where or "?"
        elif isinstance(item, dict):
            for k, v in item.items():
                stack.append((k, where))
                stack.append((v, f"{where}.{k}" if where else str(k)))
        elif isinstance(item, list):
            stack.extend((v, f"{where}.{i}" if where else str(i)) for i, v in enumerate(item))
    return None


def check_surrogates(value: Any, ref: RowRef) -> None:
    """A lone surrogate (JSON "\\ud800") is not text: UTF-8 cannot hold it, so it would fail
    the store's first write. Refused here, at its row and field, before anything is written."""
    field = _surrogate_field(value, None)
    if field is not None:
        raise ref.error("holds a lone surrogate escape (\\ud800-\\udfff without its pair), "
                        "which is not text", field=field)


# ---------------------------------------------------------------- field readers


def text_field(row: dict[str, Any], name: str, ref: RowRef) -> str:
    value = row.get(name)
    if not isinstance(value, str) or not value.strip():
        raise ref.error("must be a non-empty string", field=name)
    return value


def scalar_text(row: dict[str, Any], name: str, ref: RowRef) -> str:
    """A string, int or float value as text (MATH-Perturb answers come as all three)."""
    value = row.get(name)
    if isinstance(value, bool) or value is None:
        raise ref.error("must be a string or a number", field=name)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ref.error("must be a finite number", field=name)
        return str(int(value)) if value.is_integer() else repr(value)
    text = str(value).strip()
    if not text:
        raise ref.error("must not be empty", field=name)
    return text


def number_field(row: dict[str, Any], name: str, ref: RowRef) -> float:
    value = row.get(name)
    if isinstance(value, bool):
        raise ref.error("must be a number", field=name)
    try:
        number = float(str(value).replace(",", "")) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        raise ref.error(f"must be a number (got {str(value)[:40]!r})", field=name) from None
    if not math.isfinite(number):
        raise ref.error("must be a finite number", field=name)
    return number


def int_field(row: dict[str, Any], name: str, ref: RowRef) -> int:
    number = number_field(row, name, ref)
    if not number.is_integer():
        raise ref.error(f"must be a whole number (got {row.get(name)!r})", field=name)
    return int(number)


def number_text(value: float) -> str:
    """A float as the shortest exact text: 18.0 → "18", 4.33 → "4.33"."""
    return str(int(value)) if value.is_integer() else repr(value)
