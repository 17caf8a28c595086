"""GSM-Symbolic (Mirzadeh et al. 2024) read from Apple's released templates at run time.

Local layout (the release's): DIR/gsm_symbolic/templates/symbolic/NNNN.json. The released
instance files of the main set are not available, and the data's licence (CC BY-NC-ND 4.0)
forbids shipping derived files, so tunegap reads the templates at run time and never writes an
instance to disk. Each test item is a template at its original values (the GSM8K problem, as
the template renders it); only templates whose original values satisfy their conditions and
reproduce the GSM8K answer are items. GSM-Symbolic-style variants (new values, names) come from
a `perturb:` block with kinds `numeric` / `names` on this benchmark; they are tunegap's
instances, not Apple's.
"""

from __future__ import annotations

from pathlib import Path

from tunegap.data.base import Benchmark
from tunegap.data.io import require_dir
from tunegap.errors import UserError
from tunegap.templates.gsm_symbolic import check, read_folder
from tunegap.templates.template_ref import jsonable
from tunegap.types import Example

FAMILY = "symbolic"


def templates_dir(data_dir: Path) -> Path:
    return Path(data_dir) / "gsm_symbolic" / "templates"


def load_test(data_dir: Path | None) -> list[Example]:
    if data_dir is None:
        raise UserError("gsm_symbolic reads Apple's templates from --data-dir "
                        "(DIR/gsm_symbolic/templates/symbolic/*.json); it has no hub copy")
    folder = templates_dir(require_dir(data_dir, benchmark="gsm_symbolic"))
    out = []
    for tpl in read_folder(folder, families=(FAMILY,)):
        if check(tpl):
            continue  # listed by `tunegap perturb --check-gsm-symbolic`
        values = tpl.defaults()
        question, solution = tpl.render(values)
        out.append(Example(
            benchmark="gsm_symbolic", id=f"gsm_symbolic-{tpl.id.split('/')[-1]}",
            question=question, target=str(int(tpl.value(values))), answer_type="number",
            solution=solution,
            meta={"template": f"gsm_symbolic/{tpl.id}", "steps": tpl.steps,
                  "gsm8k_index": tpl.id_orig, "values": jsonable(values)},
        ))
    return out


def load_exemplars(data_dir: Path | None) -> list[Example]:
    from tunegap.data import gsm8k

    return gsm8k.load_exemplars(data_dir)  # the paper's 8-shot GSM8K exemplars


BENCHMARK = Benchmark(
    title="GSM-Symbolic",
    answer_type=None,  # imported items need tunegap's copy (--data-dir) to be graded
    name="gsm_symbolic",
    description="GSM-Symbolic templates at their original values (read at run time; variants "
                "through a perturb: block)",
    settings=("zeroshot_cot", "fewshot_cot"),
    prompt_family="math_cot",
    load_test=load_test,
    load_exemplars=load_exemplars,
    expected_size=93,
    local_files=("gsm_symbolic/templates/symbolic/", "gsm8k/train.jsonl"),
)
