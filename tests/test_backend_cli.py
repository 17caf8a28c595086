"""`tunegap backends` lists every registered backend with its declared capabilities."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from tunegap.backends import BACKENDS, backend_class
from tunegap.cli import app


def test_backends_lists_capabilities_as_declared():
    res = CliRunner().invoke(app, ["backends", "--json"])
    assert res.exit_code == 0, res.output
    rows = {r["name"]: r for r in json.loads(res.output)}
    generating = {n for n, e in BACKENDS.items() if e.generates}
    assert set(rows) == generating >= {"llamacpp", "hf", "vllm", "openai", "scripted"}
    for name in ("llamacpp", "hf", "openai", "vllm"):
        assert rows[name]["capabilities"] == backend_class(name).capabilities.describe()
    assert rows["llamacpp"]["capabilities"]["cot_decoding"] is True
    assert rows["openai"]["capabilities"]["cot_decoding"] is True  # token-id servers (vLLM)
    table = CliRunner().invoke(app, ["backends"], env={"COLUMNS": "200"})
    assert table.exit_code == 0 and "cot_decoding" in table.output and "vllm" in table.output
    if not rows["vllm"]["installed"]:  # the install hint survives rich's markup
        assert "tunegap[vllm]" in table.output
