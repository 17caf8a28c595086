"""The answer format travels with each plan row: stored, read back into records, and used by
`strict`; a store written before formats were stored is graded with its benchmark's default."""

from __future__ import annotations

import sqlite3

from tests.helpers import RESPONDERS, scripted_pair
from tunegap.config import RunConfig
from tunegap.runner import run
from tunegap.scoring import score_store
from tunegap.store import Store
from tunegap.types import AnswerFormat


def _answers(store: Store) -> dict:
    return {(r.request_key, r.cell.side): r.answers["strict"] for r in store.records()}


def test_formats_are_stored_per_row_and_old_stores_fall_back(tmp_path, monkeypatch):
    monkeypatch.setitem(RESPONDERS, "scripted:i", lambda req, i: '{"answer": "7"} The answer is 3.')
    monkeypatch.setitem(RESPONDERS, "scripted:b", lambda req, i: '{"answer": "7"} The answer is 3.')
    cfg = RunConfig.model_validate({
        "name": "fmt", "out": str(tmp_path / "r"), "benchmarks": ["synthetic"], "limit": 3,
        "settings": [{"name": "zeroshot_cot", "json_answer": ["instruct"]}],
        "extractors": ["strict"], "pairs": [scripted_pair()]})
    run(cfg, progress=False)
    store = Store(tmp_path / "r" / "tunegap.sqlite")
    try:
        formats = {r.cell.side: r.answer_format for r in store.records()}
        assert formats == {"instruct": AnswerFormat("json"), "base": AnswerFormat("answer_is")}
        got = _answers(store)
        assert {a for (_k, side), a in got.items() if side == "instruct"} == {"7"}
        assert {a for (_k, side), a in got.items() if side == "base"} == {"3"}

        # A store from before formats were stored: no format on its rows. Re-grading reads the
        # benchmark's default ("The answer is N." for these problems) on both sides.
        with sqlite3.connect(tmp_path / "r" / "tunegap.sqlite") as db:
            db.execute("UPDATE plan SET answer_format = NULL")
        store._scored_cache = None
        assert {r.answer_format for r in store.records()} == {None}
        score_store(store, cfg)
        store._scored_cache = None
        assert set(_answers(store).values()) == {"3"}
    finally:
        store.close()
