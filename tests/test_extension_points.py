"""Issues 14 and 24: a new backend, benchmark, extractor and grader are one module each plus one
registration call (or, with no registration at all, a `module:attr` plug-in name in the config),
and run end to end through `tunegap run` (extractors and graders inside the worker processes)."""

from __future__ import annotations

import json

import pytest
import yaml
from typer.testing import CliRunner

from tunegap.backends import BACKENDS, BackendEntry, register_backend
from tunegap.cli import app
from tunegap.data import BENCHMARKS, register_benchmark
from tunegap.errors import UserError
from tunegap.extract import EXTRACTORS, register_extractor
from tunegap.grade import GRADERS, register_grader


@pytest.fixture
def registries():
    """Registrations made by the test are undone after it."""
    with BACKENDS.saved(), BENCHMARKS.saved(), GRADERS.saved(), EXTRACTORS.saved():
        yield


def test_toy_backend_grader_and_benchmark_run_end_to_end(tmp_path, registries):
    from tests.toys import benchmark, grader

    register_backend(BackendEntry("toy", "tests.toys.backend", "ToyBackend"))
    register_grader("toy-within-one", grader)
    register_benchmark(benchmark.BENCHMARK)

    def model(name, kind):
        return {"name": name, "kind": kind, "backend": {"type": "toy", "model": name}}
    config = tmp_path / "toy.yaml"
    config.write_text(yaml.safe_dump({
        "name": "toy", "out": str(tmp_path / "run"), "benchmarks": ["toy-sums"],
        "settings": ["zeroshot_cot"], "extractors": ["strict"],
        "pairs": [{"label": "toy", "base": model("toy-base", "base"),
                   "instruct": model("toy-instruct", "instruct")}]}))
    res = CliRunner().invoke(app, ["run", str(config), "--no-progress"])
    assert res.exit_code == 0, res.output

    results = json.loads((tmp_path / "run" / "results.json").read_text())
    acc = {(c["side"], c["grader"]): c["accuracy"] for c in results["cells"]
           if c["benchmark"] == "toy-sums"}
    odd = sum((3 * i + 1) % 2 for i in range(12)) / 12  # base is off by one on odd sums
    assert acc[("instruct", "numeric")] == acc[("instruct", "toy-within-one")] == 100.0
    assert acc[("base", "numeric")] == pytest.approx(100 * (1 - odd))
    assert acc[("base", "toy-within-one")] == 100.0  # the toy grader's own rule, in the workers
    # An option the toy backend does not declare is refused like any backend's.
    bad = yaml.safe_load(config.read_text())
    bad["pairs"][0]["base"]["backend"]["options"] = {"nope": 1}
    bad["out"] = str(tmp_path / "bad")
    config.write_text(yaml.safe_dump(bad))
    res = CliRunner().invoke(app, ["run", str(config), "--no-progress"])
    # (in-process the error surfaces as the exception; the installed command prints its one
    # line and exits 2, tests/test_bad_inputs.py)
    assert isinstance(res.exception, UserError)
    assert "unknown toy backend option(s): nope (known: offset)" in str(res.exception)


def test_a_backend_that_streams_has_each_finished_request_stored_even_if_it_fails(
        tmp_path, registries, monkeypatch):
    """The runner stores what a backend's stream yields as it comes (mapped back by index) and
    keeps it when the stream fails: the re-run asks only for the rest."""
    import sqlite3

    from tests.toys import benchmark

    register_backend(BackendEntry("toy-stream", "tests.toys.backend", "StreamingToyBackend"))
    register_benchmark(benchmark.BENCHMARK)

    def model(name, kind):
        return {"name": name, "kind": kind,
                "backend": {"type": "toy-stream", "model": name, "batch_size": 4}}
    config = tmp_path / "toy.yaml"
    config.write_text(yaml.safe_dump({
        "name": "toy", "out": str(tmp_path / "run"), "benchmarks": ["toy-sums"],
        "settings": ["zeroshot_cot"], "extractors": ["strict"], "graders": ["numeric"],
        "pairs": [{"label": "toy", "base": model("toy-base", "base"),
                   "instruct": model("toy-instruct", "instruct")}]}))
    monkeypatch.setenv("TOY_FAIL_AFTER", "7")  # one group of 4 saved, 3 more left in hand
    res = CliRunner().invoke(app, ["run", str(config), "--no-progress"])
    assert "the toy engine stopped" in str(res.exception)
    db = sqlite3.connect(tmp_path / "run" / "tunegap.sqlite")
    stored = [r[0] for r in db.execute("SELECT text FROM generations")]
    db.close()
    assert len(stored) == 7  # all that had finished, not only the full group
    # The last seven items, by index, of the side generated first (base is off on odd sums).
    sides = [sorted(f"Adding them. The answer is {3 * i + 1 + off * (i % 2 == 0)}."
                    for i in range(5, 12)) for off in (0, 1)]
    assert sorted(stored) in sides
    monkeypatch.delenv("TOY_FAIL_AFTER")
    res = CliRunner().invoke(app, ["run", str(config), "--no-progress"])
    assert res.exit_code == 0, res.output
    db = sqlite3.connect(tmp_path / "run" / "tunegap.sqlite")
    sent = db.execute("SELECT COUNT(*) FROM requested WHERE attempt = 2").fetchone()[0]
    total = db.execute("SELECT COUNT(*) FROM generations").fetchone()[0]
    db.close()
    assert (sent, total) == (24 - 7, 24)


def _scripted(name: str, kind: str) -> dict:
    return {"name": name, "kind": kind, "backend": {
        "type": "scripted", "model": name, "options": {"responder": "tests.toys.responder:answer"}}}


def _invoke(tmp_path, **fields):
    """`tunegap run` on a config of the toy pair (scripted backend) and `fields`."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    config = tmp_path / "toy.yaml"
    config.write_text(yaml.safe_dump({
        "name": "toy", "out": str(tmp_path / "run"), "settings": ["zeroshot_cot"],
        "pairs": [{"label": "toy", "base": _scripted("toy-base", "base"),
                   "instruct": _scripted("toy-instruct", "instruct")}], **fields}))
    return CliRunner().invoke(app, ["run", str(config), "--no-progress"])


def _run(tmp_path, **fields) -> dict:
    """The run's results.json."""
    res = _invoke(tmp_path, **fields)
    assert res.exit_code == 0, (res.output, res.exception)
    return json.loads((tmp_path / "run" / "results.json").read_text())


ODD = sum((3 * i + 1) % 2 for i in range(12)) / 12  # the base side is off by one on odd sums


def _accuracy(results: dict, benchmark: str) -> dict[tuple[str, str, str], float]:
    return {(c["side"], c["extractor"], c["grader"]): c["accuracy"] for c in results["cells"]
            if c["benchmark"] == benchmark}


def test_a_benchmark_extractor_and_grader_registered_from_outside_run_end_to_end(
        tmp_path, registries):
    from tests.toys import benchmark, extractor, grader
    from tunegap.data import get_benchmark

    register_benchmark(benchmark.BENCHMARK)  # with its own title, answer type and graders
    register_extractor("toy-angle", extractor.extract)
    register_grader("toy-within-one", grader)
    assert (get_benchmark("toy-sums").display_title, get_benchmark("toy-sums").answer_type) == (
        "Toy sums", "integer")
    # The workers are fresh interpreters: they find the registered ones by module path.
    assert (EXTRACTORS.ref("toy-angle"), GRADERS.ref("toy-within-one")) == (
        "tests.toys.extractor:extract", "tests.toys:grader")
    assert (EXTRACTORS.ref("strict"), GRADERS.ref("numeric")) == ("strict", "numeric")

    results = _run(tmp_path, benchmarks=["toy-sums"], extractors=["toy-angle", "flexible"])
    acc = _accuracy(results, "toy-sums")
    assert acc[("instruct", "toy-angle", "numeric")] == 100.0
    assert acc[("instruct", "toy-angle", "toy-within-one")] == 100.0
    assert acc[("base", "toy-angle", "numeric")] == pytest.approx(100 * (1 - ODD))
    assert acc[("base", "toy-angle", "toy-within-one")] == 100.0  # the toy grader's own rule
    # flexible reads the last number ("checked 1"): right only where the sum is 1
    assert acc[("instruct", "flexible", "numeric")] == pytest.approx(100 / 12)
    # no `graders` in the config: the benchmark's own, in its order
    assert results["config"]["graders"] == ["toy-within-one", "numeric"]
    tables = (tmp_path / "run" / "tables.md").read_text()
    assert "toy-angle" in tables and "toy-within-one" in tables


def test_module_attr_plugins_run_with_no_registration(tmp_path, registries):
    """Every name a config gives may be a plug-in: benchmark, extractor, grader, backend."""
    from tunegap.backends import load_backend
    from tunegap.config import ModelSpec
    from tunegap.data import BENCHMARKS

    bench, ext, grader = ("tests.toys.benchmark:BENCHMARK", "tests.toys.extractor:extract",
                          "tests.toys:grader")
    results = _run(tmp_path, benchmarks=[bench], extractors=[ext], graders=[grader, "numeric"])
    acc = _accuracy(results, bench)
    assert acc[("instruct", ext, grader)] == acc[("base", ext, grader)] == 100.0
    assert acc[("base", ext, "numeric")] == pytest.approx(100 * (1 - ODD))
    assert "toy-sums" not in BENCHMARKS and bench not in BENCHMARKS  # nothing was registered
    # a backend plug-in: a Backend subclass named as backend.type
    spec = ModelSpec.model_validate({"name": "toy-base", "kind": "base", "backend": {
        "type": "tests.toys.backend:ToyBackend", "model": "toy"}})
    assert type(load_backend(spec)).__name__ == "ToyBackend"
    # a plug-in that is not there is refused before anything runs, naming the field
    for field, name in (("extractors", "tests.toys.extractor:nope"), ("graders", "tests.toys:nowhere"),
                        ("benchmarks", "tests.toys.benchmark:NOPE")):
        res = _invoke(tmp_path / field, **{"benchmarks": [bench], "extractors": [ext],
                                           "graders": ["numeric"], field: [name]})
        assert isinstance(res.exception, UserError), res.output
        assert "cannot be loaded" in str(res.exception) and field in str(res.exception)
        assert not (tmp_path / field / "run" / "results.json").exists()


def test_listing_the_registries_imports_no_entry():
    """Entries are import paths: naming every benchmark, extractor, grader, prompt family,
    perturbation kind and backend loads none of their modules (a fresh interpreter)."""
    import subprocess
    import sys

    from tests.helpers import REPO

    code = ("import json, sys\n"
            "from tunegap.data import BENCHMARKS\nfrom tunegap.extract import EXTRACTORS\n"
            "from tunegap.grade import GRADERS\nfrom tunegap.prompts import FAMILIES\n"
            "from tunegap.perturb import PERTURBATION_KINDS\nfrom tunegap.backends import BACKENDS\n"
            "names = [r.names() for r in (BENCHMARKS, EXTRACTORS, GRADERS, FAMILIES, "
            "PERTURBATION_KINDS, BACKENDS)]\n"
            "assert all(len(n) >= 3 for n in names), names\n"
            "print(json.dumps([m for m in sys.modules if m.count('.') >= 2 and m.startswith('tunegap.')]))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    loaded = set(json.loads(proc.stdout))
    assert loaded <= {"tunegap.data.base", "tunegap.grade.base", "tunegap.prompts.chat_template",
                      "tunegap.prompts.layout", "tunegap.backends.base"}, loaded


def test_an_entry_a_worker_cannot_import_is_refused_by_name():
    def local(text, example, answer_format):  # defined inside a function: no module path
        return None

    with EXTRACTORS.saved():
        register_extractor("local", local)
        with pytest.raises(UserError, match="top level of an importable module"):
            EXTRACTORS.ref("local")
    assert "local" not in EXTRACTORS  # saved() undid the registration
