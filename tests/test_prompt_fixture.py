"""Every rendered prompt (and request key) of the landed benchmarks is byte-identical to the
recorded fixture: refactors of the plan, prompts and backends change no prompt (issue 14)."""

from __future__ import annotations

import json

import pytest

from tests.prompt_fixture import DATA, FIXTURE, prompt_hashes

pytestmark = pytest.mark.skipif(not DATA.is_dir(), reason="needs ../shared/data")


def test_every_prompt_is_byte_identical_to_the_fixture():
    expected = json.loads(FIXTURE.read_text())
    got = prompt_hashes()
    assert sorted(got) == sorted(expected), "the set of (benchmark, setting, side) groups changed"
    changed = [k for k in expected if got[k] != expected[k]]
    assert not changed, f"{len(changed)} prompt groups changed, e.g. {changed[:5]}"
