"""Issue 5, point 3: the hub path is `datasets.load_dataset` with the ids users know. Tested
without network: a few real rows are laid out in tmp_path as a copy of the hub repository and
loaded through the same function (a local path in place of the id), and the id route is checked
by redirecting `load_dataset` to that copy."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import SHARED_DATA

datasets = pytest.importorskip("datasets", reason="the hub path needs the `datasets` library")

from tunegap.data import get_benchmark  # noqa: E402
from tunegap.errors import UserError  # noqa: E402

N = 4


@pytest.fixture(scope="module")
def data() -> Path:
    if not (SHARED_DATA / "SOURCES.md").is_file():
        pytest.skip(f"the benchmark release files are not at {SHARED_DATA}")
    return SHARED_DATA


@pytest.fixture(autouse=True)
def offline(monkeypatch, tmp_path):
    # Nothing may reach the network, and no user cache may answer for the copy.
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(datasets.config, "HF_HUB_OFFLINE", True, raising=False)
    monkeypatch.setattr(datasets.config, "HF_DATASETS_CACHE", tmp_path / "hf-cache")


def jsonl_head(path: Path, n: int = N) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(next(fh)) for _ in range(n)]


def medcalc_head(path: Path, n: int = N) -> list[dict]:
    csv.field_size_limit(2**31 - 1)
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        rows = [next(reader) for _ in range(n)]
    for row in rows:  # the hub's parquet types these two columns as integers
        row["Row Number"], row["Calculator ID"] = int(row["Row Number"]), int(row["Calculator ID"])
    return rows


def write_split(root: Path, split: str, rows: list[dict], folder: str = "data") -> None:
    (root / folder).mkdir(parents=True, exist_ok=True)
    path = root / folder / f"{split}-00000-of-00001.parquet"
    datasets.Dataset.from_list(rows).to_parquet(str(path))


def gsm8k_copy(root: Path, data: Path) -> Path:
    """openai/gsm8k's layout: configs main/socratic declared in the README."""
    for split in ("test", "train"):
        write_split(root, split, jsonl_head(data / "gsm8k" / f"{split}.jsonl"), folder="main")
    (root / "README.md").write_text(
        "---\nconfigs:\n- config_name: main\n  data_files:\n  - split: train\n"
        "    path: main/train-*\n  - split: test\n    path: main/test-*\n---\n")
    return root


# benchmark → (hub id, split, release file, reader)
HUB = {
    "math500": ("HuggingFaceH4/MATH-500", "test", "math500/test.jsonl", jsonl_head),
    "medcalc": ("ncbi/MedCalc-Bench-v1.0", "test", "medcalc_bench/test_data.csv", medcalc_head),
    "gsm_plus": ("qintongli/GSM-Plus", "testmini", "gsm_plus/gsmplus_testmini.jsonl", jsonl_head),
    "gsm_hard": ("reasoning-machines/gsm-hard", "train", "gsm_hard/gsmhardv2.jsonl", jsonl_head),
}


def hub_copy(name: str, root: Path, data: Path) -> Path:
    if name == "gsm8k":
        return gsm8k_copy(root, data)
    _id, split, rel, reader = HUB[name]
    write_split(root, split, reader(data / rel))
    return root


def comparable(ex) -> dict:
    d = ex.to_dict()
    d["meta"] = {k: v for k, v in d["meta"].items() if k != "seed_id"}  # see gsm_plus.py
    return d


@pytest.mark.parametrize("name", ["gsm8k", *HUB])
def test_hub_copy_loads_like_the_release(name, data, tmp_path):
    bench = get_benchmark(name)
    copy = hub_copy(name, tmp_path / "copy", data)
    from_hub = bench.load_hub(str(copy))
    local = bench.load_test(data)[:N]
    assert len(from_hub) == N
    assert [comparable(e) for e in from_hub] == [comparable(e) for e in local]


@pytest.mark.parametrize("name", ["gsm8k", *HUB])
def test_no_data_dir_loads_the_known_hub_id(name, data, tmp_path, monkeypatch):
    """load_test(None), what `tunegap run` calls without --data-dir, asks `datasets` for the
    dataset id users know (answered here by the local copy)."""
    bench = get_benchmark(name)
    copy = hub_copy(name, tmp_path / "copy", data)
    real = datasets.load_dataset
    calls = []

    def redirect(path, name=None, split=None, **kw):
        calls.append((path, name, split))
        return real(str(copy), name, split=split, **kw)

    monkeypatch.setattr(datasets, "load_dataset", redirect)
    exs = bench.load_test(None)
    assert len(exs) == N
    want = (("openai/gsm8k", "main", "test") if name == "gsm8k"
            else (HUB[name][0], None, HUB[name][1]))
    assert calls == [want]
    assert bench.hub_id == want[0]
    if name == "gsm8k":  # few-shot exemplars come from the hub's train split
        calls.clear()
        assert len(bench.load_exemplars(None)) == N
        assert calls == [("openai/gsm8k", "main", "train")]


def test_save_to_disk_copy_and_cli_source(data, tmp_path):
    rows = jsonl_head(data / "math500" / "test.jsonl")
    datasets.DatasetDict({"test": datasets.Dataset.from_list(rows)}).save_to_disk(
        str(tmp_path / "saved"))
    exs = get_benchmark("math500").load_hub(str(tmp_path / "saved"))
    assert [e.meta["unique_id"] for e in exs] == [r["unique_id"] for r in rows]

    copy = hub_copy("medcalc", tmp_path / "medcalc", data)
    proc = subprocess.run([sys.executable, "-m", "tunegap.cli", "data", "show", "medcalc",
                           "--source", str(copy), "--n", "2"], capture_output=True, text=True,
                          check=False, timeout=120, env={**os.environ, "COLUMNS": "200"})
    assert proc.returncode == 0, proc.stderr
    assert f"medcalc: {N} items; first 2:" in proc.stdout
    assert "medcalc-1" in proc.stdout and "medcalc-3" not in proc.stdout


def test_missing_column_in_a_hub_copy_names_it(data, tmp_path):
    rows = jsonl_head(data / "gsm_hard" / "gsmhardv2.jsonl")
    for r in rows:
        del r["target"]
    write_split(tmp_path / "copy", "train", rows)
    with pytest.raises(UserError) as exc:
        get_benchmark("gsm_hard").load_hub(str(tmp_path / "copy"))
    assert exc.value.field == "target" and "copy" in exc.value.file and "[train]" in exc.value.file


def test_a_bad_hub_row_names_its_row(data, tmp_path):
    rows = jsonl_head(data / "math500" / "test.jsonl")
    rows[2]["level"] = 9
    write_split(tmp_path / "copy", "test", rows)
    with pytest.raises(UserError) as exc:
        get_benchmark("math500").load_hub(str(tmp_path / "copy"))
    assert (exc.value.row, exc.value.field) == (3, "level")


def test_offline_without_a_folder_names_both_ways(tmp_path):
    env = {**os.environ, "HF_DATASETS_OFFLINE": "1", "HF_HUB_OFFLINE": "1",
           "HF_HOME": str(tmp_path / "hf"), "COLUMNS": "400"}
    proc = subprocess.run([sys.executable, "-m", "tunegap.cli", "data", "show", "gsm8k"],
                          capture_output=True, text=True, timeout=120, env=env, check=False)
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "Traceback" not in proc.stderr
    assert "openai/gsm8k" in lines[0] and "--data-dir" in lines[0]
    assert "tunegap[data]" in lines[0]
