"""Label sets (data/label_sets.py) on the real corrected files: counts checked against an
independent count of the raw files and against what SOURCES.md / PROVENANCE.md say, read at run
time; broken copies give a UserError naming file, row and field."""

from __future__ import annotations

import csv
import json
import re
import sys
from pathlib import Path

import pytest

from tests.helpers import SHARED_DATA
from tunegap.data import gsm8k, medcalc
from tunegap.data.label_sets import LABEL_SETS, label_set, relabel
from tunegap.errors import UserError

CORRECTED = SHARED_DATA / "medcalc_bench" / "corrected_v1_junzeye" / "medcalc_v1_corrected.csv"
PLATINUM = SHARED_DATA / "gsm8k_platinum" / "gsm8k_platinum_test.jsonl"
INDEX_MAP = SHARED_DATA / "gsm8k_platinum" / "gsm8k_test_index_map.csv"


@pytest.fixture(scope="module")
def data() -> Path:
    if not (SHARED_DATA / "SOURCES.md").is_file():
        pytest.skip(f"the benchmark release files are not at {SHARED_DATA}")
    return SHARED_DATA


@pytest.fixture(scope="module")
def medcalc_items(data):
    return medcalc.load_test(data)


@pytest.fixture(scope="module")
def gsm8k_items(data):
    return gsm8k.load_test(data)


def _csv(path: Path) -> list[dict[str, str]]:
    csv.field_size_limit(sys.maxsize)
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _num(text: str) -> float:
    return float(text.replace(",", ""))


def _stated(doc: Path, pattern: str) -> int:
    match = re.search(pattern, doc.read_text(encoding="utf-8"))
    assert match, f"{doc.name} no longer says {pattern!r}"
    return int(match.group(1).replace(",", ""))


def test_gsm8k_platinum_counts(data, gsm8k_items):
    ls = label_set("gsm8k", "platinum", data, gsm8k_items)
    counts = ls.counts()
    # Independent count: the index map (one row per GSM8K test index, made when the data was
    # assembled) says which items were removed and which final answers changed.
    rows = _csv(INDEX_MAP)
    removed = sum(r["cleaning_status"] == "removed" for r in rows)
    changed = sum(r["cleaning_status"] != "removed"
                  and _num(r["gsm8k_final_answer"]) != _num(r["platinum_final_answer"])
                  for r in rows)
    assert counts == {"unchanged": len(rows) - removed - changed, "relabelled": changed, "na": 0,
                      "excluded": removed, "question_changed": 0, "within_official_limits": 0}
    provenance = data / "gsm8k_platinum" / "PROVENANCE.md"
    assert removed == _stated(provenance, r"(\d+) GSM8K indices are removed")
    assert changed == _stated(provenance, r"Answers that differ from GSM8K: exactly (\d+) rows")
    # Matched by question text, the ids agree with the map's GSM8K indices.
    by_index = {int(r["gsm8k_test_index"]): r for r in rows}
    for ex in gsm8k_items:
        row, label = by_index[ex.meta["index"]], ls.labels[ex.id]
        assert (label.kind == "excluded") == (row["cleaning_status"] == "removed")
        if label.kind == "relabelled":
            assert _num(label.target) == _num(row["platinum_final_answer"]) != _num(ex.target)
            assert row["cleaning_status"] == "revised"
    print(f"\nGSM8K platinum: {counts}")


def test_medcalc_corrected_counts(data, medcalc_items):
    ls = label_set("medcalc", "corrected", data, medcalc_items)
    counts = ls.counts()
    # Independent count from the two raw CSVs.
    official = {r["Row Number"]: r for r in _csv(data / "medcalc_bench" / "test_data.csv")}
    audit = _csv(CORRECTED)
    na = [r for r in audit if r["Ground Truth Answer"].strip().upper() == "N/A"]
    same = relabelled = within = restated = 0
    for r in audit:
        if r in na:
            continue
        old, new = official[r["Unique ID"]]["Ground Truth Answer"].strip(), \
            r["Ground Truth Answer"].strip()
        weeks = re.findall(r"\d+", old) if old.startswith("(") else None
        if weeks:  # v1.0's (weeks, days) restated by the audit as total days
            restated += 1
            equal = int(weeks[0]) * 7 + int(weeks[1]) == int(new)
        elif "/" in old:
            equal = old == new
        else:
            equal = float(old) == float(new)
        same += equal
        relabelled += not equal
        o = official[r["Unique ID"]]
        if not equal and o["Output Type"] == "decimal":
            within += float(o["Lower Limit"]) <= float(new) <= float(o["Upper Limit"])
    assert counts == {"unchanged": same, "relabelled": relabelled, "na": len(na),
                      "excluded": len(official) - len(audit),
                      "question_changed": restated, "within_official_limits": within}
    sources = data / "SOURCES.md"
    assert len(audit) == _stated(sources, r"(\d+) of the 1,047 v1.0 test rows")
    assert len(na) == _stated(sources, r"(\d+) corrected labels are `N/A`")
    print(f"\nMedCalc corrected: {counts} (of {len(official)} v1.0 rows, {len(audit)} audited)")


def test_relabel_gives_the_item_under_each_kind_of_label(data, medcalc_items):
    ls = label_set("medcalc", "corrected", data, medcalc_items)
    by_kind = {}
    for ex in medcalc_items:
        by_kind.setdefault((ls.labels[ex.id].kind, ex.answer_type), ex)
    na_item = by_kind[("na", "decimal")]
    assert relabel(na_item, ls.labels[na_item.id]).answer_type == "none"
    assert relabel(na_item, ls.labels[na_item.id]).target == "N/A"
    assert "lower_limit" not in relabel(na_item, ls.labels[na_item.id]).meta
    moved = by_kind[("relabelled", "decimal")]
    new = relabel(moved, ls.labels[moved.id])
    assert new.target != moved.target and new.meta["lower_limit"] <= float(new.target)
    assert new.question == moved.question and new.id == moved.id
    counted = by_kind[("relabelled", "integer")]
    label = ls.labels[counted.id]
    assert label.lower_limit < float(label.target) < label.upper_limit  # the audit's ±5 %
    assert "lower_limit" not in relabel(counted, label).meta  # graded by a rounded match
    assert relabel(by_kind[("excluded", "decimal")], ls.labels[by_kind[("excluded", "decimal")]
                                                              .id]) is None
    same = by_kind[("unchanged", "weeks_days")]
    label = ls.labels[same.id]
    assert label.question_changed and "days" in (label.note or "")
    assert relabel(same, label) is same  # the days were converted back to v1.0's form
    official = label_set("medcalc", "official", data, medcalc_items)
    assert official.counts()["unchanged"] == len(medcalc_items)


def test_unknown_set_and_missing_data():
    with pytest.raises(UserError, match="has no label set 'platinum'.*official, corrected"):
        label_set("medcalc", "platinum", None, [])
    assert "platinum" in LABEL_SETS["gsm8k"]
    with pytest.raises(UserError, match="--data-dir"):
        label_set("gsm8k", "platinum", None, [])


def _error(benchmark, name, tmp, items) -> UserError:
    with pytest.raises(UserError) as info:
        label_set(benchmark, name, tmp, items)
    return info.value


@pytest.mark.parametrize(("field", "value", "message"), [
    ("Unique ID", "99999", "no MedCalc-Bench v1.0 row"),
    ("Calculator Name", "Body Mass Index", "not the calculator"),
    ("Lower Limit", "abc", "must be a number"),
    ("Ground Truth Answer", "1e9", "outside its limits"),
])
def test_bad_medcalc_rows_name_file_row_and_field(data, medcalc_items, tmp_path, field, value,
                                                  message):
    rows = _csv(CORRECTED)
    target = next(i for i, r in enumerate(rows) if r["Ground Truth Answer"][:1].isdigit()
                  and "." in r["Ground Truth Answer"] and r["Calculator Name"] != value)
    rows[target][field] = value
    out = tmp_path / "medcalc_bench" / "corrected_v1_junzeye" / "medcalc_v1_corrected.csv"
    out.parent.mkdir(parents=True)
    with out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    # The line a record starts on (notes span lines): count the newlines written before it.
    with out.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        next(reader)
        starts = []
        line = reader.line_num + 1
        for _ in reader:
            starts.append(line)
            line = reader.line_num + 1
    err = _error("medcalc", "corrected", tmp_path, medcalc_items)
    assert (err.file, err.row, err.field) == (str(out), starts[target], field)
    assert message in err.message


@pytest.mark.parametrize(("field", "value", "message"), [
    ("cleaning_status", "fixed", "unknown status"),
    ("question", "How many apples are on the moon?", "no GSM8K test item"),
    ("answer", "no final answer here", "no final answer"),
    ("answer", "work... #### twelve", "must be a number"),
])
def test_bad_platinum_rows_name_file_row_and_field(data, gsm8k_items, tmp_path, field, value,
                                                   message):
    lines = PLATINUM.read_text(encoding="utf-8").splitlines()
    row = json.loads(lines[41])
    row[field] = value
    lines[41] = json.dumps(row)
    out = tmp_path / "gsm8k_platinum" / "gsm8k_platinum_test.jsonl"
    out.parent.mkdir(parents=True)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    err = _error("gsm8k", "platinum", tmp_path, gsm8k_items)
    assert (err.file, err.row, err.field) == (str(out), 42, field)
    assert message in err.message
