"""GSM-Symbolic's released templates, read at run time from ../shared/data: how many reproduce the
GSM8K answer at their original values, which fail and why, and the benchmark built on them."""

from __future__ import annotations

import json
import subprocess
import sys
from fractions import Fraction

import pytest

from tests.helpers import REPO, SHARED_DATA
from tunegap.cli.perturb import check_gsm_symbolic
from tunegap.errors import UserError
from tunegap.templates.gsm_symbolic import read_folder

TEMPLATES = SHARED_DATA / "gsm_symbolic" / "templates"
pytestmark = pytest.mark.skipif(not TEMPLATES.is_dir(), reason=f"no GSM-Symbolic under {TEMPLATES}")

REPRODUCE = 93  # of the 100 `symbolic` templates
FAILING = {"symbolic/0014", "symbolic/0015", "symbolic/0040", "symbolic/0045", "symbolic/0058",
           "symbolic/0062", "symbolic/0080"}


def test_count_of_templates_reproducing_gsm8k_and_the_failures():
    ok, failures = check_gsm_symbolic(TEMPLATES)
    assert ok + len(failures) == 100
    assert ok == REPRODUCE
    assert {tid for tid, _ in failures} == FAILING
    reasons = dict(failures)
    assert reasons["symbolic/0062"] == "answer at original values is 48, GSM8K says 78"
    assert reasons["symbolic/0014"].startswith("condition false at original values")


def test_the_command_prints_the_count_and_lists_the_failures():
    proc = subprocess.run([sys.executable, "-m", "tunegap.cli", "perturb", "--check-gsm-symbolic",
                           str(TEMPLATES)], capture_output=True, text=True, timeout=120, cwd=REPO)
    assert proc.returncode == 0, proc.stderr
    assert f"{REPRODUCE} of 100 GSM-Symbolic templates reproduce" in proc.stdout
    assert "symbolic/0062: answer at original values is 48, GSM8K says 78" in proc.stdout


def test_original_answers_are_checked_against_gsm8k_itself():
    """Independent of the templates' own `answer` field: the GSM8K test file at id_orig."""
    rows = [json.loads(line) for line in (SHARED_DATA / "gsm8k" / "test.jsonl").open()]
    checked = 0
    for tpl in read_folder(TEMPLATES, families=("symbolic",)):
        if tpl.id in FAILING:
            continue
        gsm = rows[tpl.id_orig]["answer"].rpartition("####")[2].strip().replace(",", "")
        assert tpl.value(tpl.defaults()) == Fraction(gsm), tpl.id
        checked += 1
    assert checked == REPRODUCE


def test_benchmark_items_are_the_verified_templates_at_original_values():
    from tunegap.data import get_benchmark

    items = get_benchmark("gsm_symbolic").load_test(SHARED_DATA)
    assert len(items) == REPRODUCE
    first = items[0]
    assert first.id == "gsm_symbolic-0000" and first.target == "10"
    assert first.question.startswith("Benny saw a 10-foot shark with 2 6-inch remoras")
    assert first.meta["template"] == "gsm_symbolic/symbolic/0000"
    json.dumps([e.meta for e in items])


def test_numeric_variants_of_gsm_symbolic_are_verified():
    from tunegap.data import get_benchmark
    from tunegap.perturb.kinds import make_variant

    items = get_benchmark("gsm_symbolic").load_test(SHARED_DATA)[:15]
    made = [make_variant(ex, "numeric", 1, 0, SHARED_DATA) for ex in items]
    made = [v for v in made if v is not None]
    assert len(made) >= 12
    for v in made:
        checks = v.meta["verification"]["checks"]
        assert checks["round_trip"] and checks["conditions"] and checks["formula"] == v.target


def test_a_missing_or_empty_folder_is_a_user_error(tmp_path):
    with pytest.raises(UserError, match="not found"):
        read_folder(tmp_path / "nope")
    with pytest.raises(UserError, match="no GSM-Symbolic templates"):
        read_folder(tmp_path)
    bad = tmp_path / "symbolic"
    bad.mkdir()
    (bad / "0000.json").write_text("{not json")
    with pytest.raises(UserError) as exc:
        read_folder(tmp_path)
    assert exc.value.file.endswith("0000.json")
