"""`tunegap import inspect` on logs written by inspect_ai itself (its mock model, whose replies
the test chooses, on GSM8K items read from ../shared/data at test time): epochs become
samples, items are matched to tunegap's GSM8K by question, the pair gets paired statistics."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

inspect_ai = pytest.importorskip("inspect_ai")

N = 5


def _inspect_log(tmp_path, shared_data, name: str, right) -> str:
    from inspect_ai import Task
    from inspect_ai import eval as inspect_eval
    from inspect_ai.dataset import Sample
    from inspect_ai.model import ModelOutput, ModelUsage, get_model
    from inspect_ai.scorer import match
    from inspect_ai.solver import generate

    rows = [json.loads(x) for x in
            (shared_data / "gsm8k" / "test.jsonl").read_text(encoding="utf-8").splitlines()[:N]]
    targets = [r["answer"].split("####")[-1].strip().replace(",", "") for r in rows]
    outputs = []
    for epoch in range(2):  # inspect runs epoch by epoch, samples in order
        for j, t in enumerate(targets):
            text = f"So the answer is {t if right(j, epoch) else '-1'}."
            out = ModelOutput.from_content("mockllm/model", text)
            out.usage = ModelUsage(input_tokens=1, output_tokens=1, total_tokens=2)  # offline
            outputs.append(out)
    model = get_model("mockllm/model", custom_outputs=outputs)
    task = Task(dataset=[Sample(input=r["question"], target=t) for r, t in zip(rows, targets)],
                solver=generate(), scorer=match())
    (log,) = inspect_eval(task, model=model, log_dir=str(tmp_path / name), epochs=2,
                          display="none", max_samples=1)
    assert log.status == "success"
    return log.location


def test_import_inspect_logs(tmp_path, shared_data):
    base = _inspect_log(tmp_path, shared_data, "base", lambda j, e: j == 0)
    inst = _inspect_log(tmp_path, shared_data, "inst", lambda j, e: j < 3 or (j == 3 and e == 1))
    out = tmp_path / "run"
    res = subprocess.run([sys.executable, "-m", "tunegap.cli", "import", "inspect", "--base",
                          base, "--instruct", inst, "--benchmark", "gsm8k", "--data-dir",
                          str(shared_data), "--out", str(out), "--extractors", "flexible"],
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    assert "warning" not in res.stderr  # every item matched tunegap's copy by its question
    results = json.loads((out / "results.json").read_text())
    by = {c["metric"]: c for c in results["comparisons"]}
    assert by["accuracy"]["n"] == N
    assert by["accuracy"]["instruct"] == pytest.approx(100 * (3 + 0.5) / N)  # pass@1 of 2
    assert by["accuracy"]["base"] == pytest.approx(100 * 1 / N)
    assert by["pass@2"]["instruct"] == pytest.approx(100 * 4 / N)
    files = results["provenance"]["files"]
    assert {f["tool"] for f in files} == {"inspect"}
    assert all(f["tool_version"] == inspect_ai.__version__ for f in files)
    samples = (out / "samples.jsonl").read_text().splitlines()
    assert len(samples) == 2 * N * 2
