"""The Hugging Face hub source: `datasets.load_dataset` with the dataset ids users know.

`source` is a hub id (e.g. "openai/gsm8k") or a local path that `datasets` can read: a copy of
the hub repository (data files, with or without a README that declares configs) or a folder
written by `Dataset.save_to_disk`. Cached hub datasets load offline (HF_DATASETS_OFFLINE=1).
Rows come back with a RowRef like `hub:openai/gsm8k[test]`, row N, for one-line errors.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tunegap.data.io import RowRef
from tunegap.errors import UserError


def _both_ways(benchmark: str, local_hint: str) -> str:
    return (f"pass --data-dir DIR with {local_hint} (the release files), or install the "
            f"`datasets` library (pip install 'tunegap[data]') and go online so the hub copy "
            f"can be downloaded")


@contextmanager
def _quiet() -> Iterator[None]:
    """No retry warnings or progress bars on stderr: a failure must read as one line."""
    import datasets
    import huggingface_hub.utils.logging as hub_logging

    levels = (datasets.logging.get_verbosity(), hub_logging.get_verbosity())
    bars = datasets.is_progress_bar_enabled()
    datasets.logging.set_verbosity_error()
    hub_logging.set_verbosity_error()
    datasets.disable_progress_bars()
    try:
        yield
    finally:
        datasets.logging.set_verbosity(levels[0])
        hub_logging.set_verbosity(levels[1])
        if bars:
            datasets.enable_progress_bars()


def _load(source: str, config: str | None, split: str) -> Any:
    import datasets

    path = Path(source).expanduser()
    if path.is_dir() and (path / "dataset_dict.json").is_file():
        return datasets.load_from_disk(str(path))[split]
    if path.is_dir() and (path / "state.json").is_file():
        return datasets.load_from_disk(str(path))
    return datasets.load_dataset(str(path) if path.exists() else source, config, split=split)


def hub_rows(source: str, *, split: str, benchmark: str, local_hint: str,
             config: str | None = None,
             required: tuple[str, ...] = ()) -> Iterator[tuple[RowRef, dict[str, Any]]]:
    """Yield (RowRef, row) for one split of a hub dataset (or a local copy of one)."""
    try:
        import datasets  # noqa: F401  (optional dependency: the [data] extra)
    except ImportError:
        raise UserError(f"benchmark '{benchmark}': no local data given and the `datasets` "
                        f"library is not installed; {_both_ways(benchmark, local_hint)}") from None
    try:
        with _quiet():
            ds = _load(source, config, split)
    except Exception as exc:  # noqa: BLE001  (network, missing split, bad files: all one message)
        reason = " ".join(f"{type(exc).__name__}: {exc}".split())[:200]
        raise UserError(f"benchmark '{benchmark}': could not load '{source}' split '{split}' "
                        f"through `datasets` ({reason}); {_both_ways(benchmark, local_hint)}"
                        ) from None
    where = f"hub:{source}" + (f"/{config}" if config else "") + f"[{split}]"
    columns = set(getattr(ds, "column_names", None) or [])
    for name in required:
        if columns and name not in columns:
            raise UserError("the dataset has no such column", file=where, field=name)
    for i, row in enumerate(ds, start=1):
        ref = RowRef(where, i)
        for name in required:
            if row.get(name) is None:
                raise ref.error("required field is missing", field=name)
        yield ref, dict(row)
