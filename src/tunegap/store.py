"""SQLite run store: the single source of truth of a run directory.

- `plan`: one row per (cell, example): which request key answers which item, with its target.
- `generations`: one row per (request key, sample index), written in a transaction per batch as
  it arrives; a re-run skips every key already here (resume).
- `requested`: what each attempt asked a backend for (audit: proves resume skipped stored work).
- `answers` / `grades`: derived, re-computable from generations (`tunegap grade`).
WAL mode, so a SIGKILL loses at most the batch in flight.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tunegap.records import CellKey, GradeRecord, SampleRecord
from tunegap.types import AnswerFormat, Example, Generation, Request, SamplingParams

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS attempts (
  id INTEGER PRIMARY KEY AUTOINCREMENT, started REAL NOT NULL, finished REAL, argv TEXT);
CREATE TABLE IF NOT EXISTS plan (
  cell TEXT NOT NULL, example_id TEXT NOT NULL, request_key TEXT NOT NULL,
  pair TEXT NOT NULL, side TEXT NOT NULL, model TEXT NOT NULL, benchmark TEXT NOT NULL,
  setting TEXT NOT NULL, decoding TEXT NOT NULL, target TEXT NOT NULL, answer_type TEXT NOT NULL,
  example_json TEXT NOT NULL, request_json TEXT NOT NULL, answer_format TEXT,
  PRIMARY KEY (cell, example_id));
CREATE INDEX IF NOT EXISTS plan_key ON plan(request_key);
CREATE TABLE IF NOT EXISTS generations (
  request_key TEXT NOT NULL, sample_index INTEGER NOT NULL, model TEXT NOT NULL,
  text TEXT NOT NULL, finish_reason TEXT NOT NULL, prompt_tokens INTEGER, completion_tokens INTEGER,
  rendered_prompt TEXT, extra_json TEXT NOT NULL, attempt INTEGER NOT NULL, created REAL NOT NULL,
  PRIMARY KEY (request_key, sample_index));
CREATE TABLE IF NOT EXISTS requested (
  attempt INTEGER NOT NULL, request_key TEXT NOT NULL, at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS answers (
  request_key TEXT NOT NULL, sample_index INTEGER NOT NULL, extractor TEXT NOT NULL,
  answer TEXT, status TEXT NOT NULL DEFAULT 'ok',
  PRIMARY KEY (request_key, sample_index, extractor));
CREATE TABLE IF NOT EXISTS llm_answers (
  model TEXT NOT NULL, prompt_version TEXT NOT NULL, text_sha TEXT NOT NULL,
  raw TEXT NOT NULL, answer TEXT, PRIMARY KEY (model, prompt_version, text_sha));
CREATE TABLE IF NOT EXISTS grades (
  request_key TEXT NOT NULL, sample_index INTEGER NOT NULL, extractor TEXT NOT NULL,
  grader TEXT NOT NULL, target TEXT NOT NULL, correct INTEGER, status TEXT NOT NULL,
  canonical TEXT,
  PRIMARY KEY (request_key, sample_index, extractor, grader, target));
-- "is any answer or grade a timeout?" (the re-run's reuse check, Store.has_status) without
-- scanning millions of rows
CREATE INDEX IF NOT EXISTS answers_status ON answers(status);
CREATE INDEX IF NOT EXISTS grades_status ON grades(status);
"""


def clean_text(text: str) -> str:
    """Model text as stored: a lone surrogate (which UTF-8 cannot hold, and which made every
    later read fail) becomes U+FFFD; everything else is kept as the model wrote it."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


class Store:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(str(self.path), timeout=30, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(SCHEMA)
        self._migrate()
        self._scored_cache: tuple[dict, dict] | None = None

    def _migrate(self) -> None:
        """Columns added after a store was first written (answers.status, grades.canonical,
        plan.answer_format): added in place, so an older run directory re-grades and re-reports
        (a plan row without an answer format gets its benchmark's default, scoring.py)."""
        for table, column, decl in (("answers", "status", "TEXT NOT NULL DEFAULT 'ok'"),
                                    ("grades", "canonical", "TEXT"),
                                    ("plan", "answer_format", "TEXT")):
            have = {r[1] for r in self.db.execute(f"PRAGMA table_info({table})")}
            if column not in have:
                self.db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {decl}")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def close(self) -> None:
        self.db.close()

    # ---- meta and attempts
    def set_meta(self, key: str, value: Any) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, json.dumps(value)))

    def get_meta(self, key: str, default: Any = None) -> Any:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else default

    def begin_attempt(self, argv: Sequence[str]) -> int:
        cur = self.db.execute("INSERT INTO attempts (started, argv) VALUES (?, ?)",
                              (time.time(), json.dumps(list(argv))))
        return int(cur.lastrowid)

    def finish_attempt(self, attempt: int) -> None:
        self.db.execute("UPDATE attempts SET finished = ? WHERE id = ?", (time.time(), attempt))

    def last_attempt(self) -> dict[str, Any]:
        """The latest attempt: its id and whether it finished generating and grading."""
        row = self.db.execute("SELECT id, finished FROM attempts ORDER BY id DESC LIMIT 1"
                              ).fetchone()
        return {"id": row[0], "finished": row[1] is not None} if row else {"id": None,
                                                                          "finished": False}

    def sample_count(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM generations").fetchone()[0]

    def has_status(self, status: str) -> bool:
        """Whether any stored answer or grade has this status (e.g. "timeout")."""
        return any(self.db.execute(f"SELECT 1 FROM {table} WHERE status = ? LIMIT 1",
                                   (status,)).fetchone() for table in ("answers", "grades"))

    # ---- the llm extractor's cache (extract/llm.py AnswerCache)
    def llm_answers(self, model: str, version: str, shas: set[str]) -> dict[str, str | None]:
        """text sha → answer, for the texts this auxiliary model has already read."""
        rows = self.db.execute("SELECT text_sha, answer FROM llm_answers WHERE model = ? AND "
                               "prompt_version = ?", (model, version)).fetchall()
        return {sha: ans for sha, ans in rows if sha in shas}

    def save_llm_answers(self, model: str, version: str,
                         rows: Sequence[tuple[str, str, str | None]]) -> None:
        self.db.executemany("INSERT OR REPLACE INTO llm_answers VALUES (?,?,?,?,?)",
                            [(model, version, sha, raw, ans) for sha, raw, ans in rows])

    # ---- plan
    def replace_plan(self, rows: Iterable[dict[str, Any]]) -> None:
        """The plan is derived from the config; the latest run's plan replaces the previous one
        (generations stay, so changing --limit or a setting reuses everything already made)."""
        cols = ("cell", "example_id", "request_key", "pair", "side", "model", "benchmark",
                "setting", "decoding", "target", "answer_type", "example_json", "request_json",
                "answer_format")
        with self.transaction() as db:
            db.execute("DELETE FROM plan")
            db.executemany(
                f"INSERT OR IGNORE INTO plan ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                [tuple(r[c] for c in cols) for r in rows],
            )

    def plan_rows(self) -> list[sqlite3.Row]:
        self.db.row_factory = sqlite3.Row
        try:
            return self.db.execute("SELECT * FROM plan ORDER BY rowid").fetchall()
        finally:
            self.db.row_factory = None

    # ---- generations
    def stored_samples(self, keys: Iterable[str] | None = None) -> set[tuple[str, int]]:
        rows = self.db.execute("SELECT request_key, sample_index FROM generations").fetchall()
        have = {(k, i) for k, i in rows}
        if keys is None:
            return have
        wanted = set(keys)
        return {(k, i) for k, i in have if k in wanted}

    def log_requested(self, attempt: int, requests: Sequence[Request]) -> None:
        now = time.time()
        self.db.executemany("INSERT INTO requested VALUES (?, ?, ?)",
                            [(attempt, r.key, now) for r in requests])

    def requested_keys(self, attempt: int) -> list[str]:
        rows = self.db.execute("SELECT request_key FROM requested WHERE attempt = ?", (attempt,))
        return [r[0] for r in rows]

    def save_generations(self, attempt: int, items: Sequence[tuple[Request, list[Generation]]]) -> None:
        now = time.time()
        rows = []
        for req, gens in items:
            for i, g in enumerate(gens):
                extra = {"first_token_topk": [c.__dict__ for c in g.first_token_topk],
                         "token_margins": [list(m) for m in g.token_margins]}
                rows.append((req.key, i, req.model, clean_text(g.text), g.finish_reason,
                             g.prompt_tokens, g.completion_tokens,
                             None if g.rendered_prompt is None else clean_text(g.rendered_prompt),
                             json.dumps(extra), attempt, now))
        with self.transaction() as db:
            db.executemany("INSERT OR IGNORE INTO generations VALUES (?,?,?,?,?,?,?,?,?,?,?)", rows)

    def generations(self) -> dict[tuple[str, int], Generation]:
        out = {}
        for (key, idx, text, finish, pt, ct, rendered, extra) in self.db.execute(
            "SELECT request_key, sample_index, text, finish_reason, prompt_tokens, "
            "completion_tokens, rendered_prompt, extra_json FROM generations"
        ):
            e = json.loads(extra)
            out[(key, idx)] = Generation.from_dict({
                "text": text, "finish_reason": finish, "prompt_tokens": pt or 0,
                "completion_tokens": ct or 0, "rendered_prompt": rendered,
                "first_token_topk": e.get("first_token_topk", []),
                "token_margins": e.get("token_margins", []),
            })
        return out

    # ---- answers and grades (derived; replaced wholesale on re-grade)
    def save_answers(self, rows: Sequence[tuple[str, int, str, str | None, str]]) -> None:
        """rows: (request key, sample index, extractor, answer or None, extraction status)."""
        self._scored_cache = None
        with self.transaction() as db:
            db.executemany("INSERT OR REPLACE INTO answers (request_key, sample_index, extractor, "
                           "answer, status) VALUES (?,?,?,?,?)", rows)

    def answers(self) -> dict[tuple[str, int, str], str | None]:
        return {(k, i, e): a for k, i, e, a in
                self.db.execute("SELECT request_key, sample_index, extractor, answer FROM answers")}

    def save_grades(self, rows: Sequence[tuple[str, int, str, str, str, int | None, str, str | None]]
                    ) -> None:
        """rows: (key, sample, extractor, grader, target, correct 1/0/None, status, canonical
        form of the answer under that grader or None)."""
        self._scored_cache = None
        with self.transaction() as db:
            db.executemany("INSERT OR REPLACE INTO grades (request_key, sample_index, extractor, "
                           "grader, target, correct, status, canonical) VALUES (?,?,?,?,?,?,?,?)",
                           rows)

    def grades(self) -> dict[tuple[str, int, str, str, str], tuple[int | None, str]]:
        return {(k, i, e, g, t): (c, s) for k, i, e, g, t, c, s in self.db.execute(
            "SELECT request_key, sample_index, extractor, grader, target, correct, status "
            "FROM grades")}

    # ---- the typed read everything after grading works from
    def plan_counts(self) -> dict[str, int]:
        """Planned items per cell id (a cell with fewer scored items is incomplete)."""
        return dict(self.db.execute("SELECT cell, COUNT(*) FROM plan GROUP BY cell"))

    def _scored(self) -> tuple[dict, dict]:
        """(answers, grades) indexed by (request key, sample index): answers → (answer by
        extractor, status by extractor); grades → target → {(extractor, grader): GradeRecord}.
        Built once per store object and dropped when answers or grades are written."""
        if self._scored_cache is None:
            answers: dict[tuple[str, int], tuple[dict, dict]] = {}
            for k, i, e, a, st in self.db.execute(
                    "SELECT request_key, sample_index, extractor, answer, status FROM answers"):
                got = answers.get((k, i))
                if got is None:
                    got = answers[(k, i)] = ({}, {})
                got[0][e], got[1][e] = a, st
            grades: dict[tuple[str, int], dict[str, dict]] = {}
            interned: dict[tuple, GradeRecord] = {}  # few distinct grades: share the objects
            for k, i, e, g, t, c, st, canon in self.db.execute(
                    "SELECT request_key, sample_index, extractor, grader, target, correct, status, "
                    "canonical FROM grades"):
                gr = interned.get((c, st, canon))
                if gr is None:
                    gr = interned[(c, st, canon)] = GradeRecord(None if c is None else bool(c),
                                                                st, canon)
                grades.setdefault((k, i), {}).setdefault(t, {})[(e, g)] = gr
            self._scored_cache = (answers, grades)
        return self._scored_cache

    def records(self, *, full: bool = False) -> Iterator[SampleRecord]:
        """Every stored sample of the current plan as a SampleRecord, in plan order.

        `full` adds the prompt as sent, the rendered prompt and the sampling params (for
        samples.jsonl); the light read is what the statistics need, and keeps 200k samples small.
        """
        answers, grades = self._scored()
        plan_cols = ("cell, pair, side, model, benchmark, setting, decoding, example_json, target, "
                     "request_key, json_extract(request_json, '$.params'), answer_format")
        if full:
            plan_cols += ", json_extract(request_json, '$.prompt')"
        gen_cols = "sample_index, text, finish_reason, completion_tokens, extra_json"
        if full:
            gen_cols += ", rendered_prompt, prompt_tokens"
        gen_sql = (f"SELECT {gen_cols} FROM generations WHERE request_key = ? "
                   "ORDER BY sample_index")
        examples: dict[str, Example] = {}
        cells: dict[str, CellKey] = {}
        params_of: dict[str, tuple[dict[str, Any], SamplingParams]] = {}
        formats: dict[str, AnswerFormat] = {}
        no_answers: tuple[dict, dict] = ({}, {})
        for prow in self.db.execute(f"SELECT {plan_cols} FROM plan ORDER BY rowid").fetchall():
            (cell_id, pair, side, model, bench, setting, decoding, ex_json, target, key,
             params_json, fmt_json) = prow[:12]
            ex = examples.get(ex_json)
            if ex is None:
                ex = examples[ex_json] = Example(**json.loads(ex_json))
            cell = cells.get(cell_id)
            if cell is None:
                cell = cells[cell_id] = CellKey(pair, side, model, bench, setting, decoding)
            got = params_of.get(params_json)
            if got is None:
                raw = json.loads(params_json)
                got = params_of[params_json] = (raw, SamplingParams(**raw))
            raw, params = got
            ranked = raw.get("cot_branches", 0) > 0
            samples = params.samples
            prompt = json.loads(prow[12]) if full else None
            fmt = formats.get(fmt_json)
            if fmt is None and fmt_json is not None:
                fmt = formats[fmt_json] = AnswerFormat.from_json(fmt_json)
            for grow in self.db.execute(gen_sql, (key,)):
                idx, text, finish, ctoks, extra_json = grow[:5]
                margins: tuple = ()
                if ranked:  # confidences need the margins; other strategies never read them
                    margins = tuple(tuple(m) for m in
                                    json.loads(extra_json).get("token_margins", ()))
                found = answers.get((key, idx), no_answers)
                yield SampleRecord(
                    cell=cell, example=ex, request_key=key, sample_index=idx, samples=samples,
                    ranked=ranked, output=text, finish_reason=finish,
                    completion_tokens=ctoks or 0, token_margins=margins, answers=found[0],
                    answer_status=found[1], answer_format=fmt,
                    grades=grades.get((key, idx), {}).get(target, {}),
                    params=params if full else None, prompt=prompt,
                    rendered_prompt=grow[5] if full else None,
                    prompt_tokens=(grow[6] or 0) if full else 0)
