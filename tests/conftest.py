"""Shared fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import SHARED_DATA


@pytest.fixture
def shared_data() -> Path:
    if not (SHARED_DATA / "gsm8k" / "test.jsonl").is_file():
        pytest.skip(f"benchmark data not found at {SHARED_DATA}")
    return SHARED_DATA
