"""The prompt fixture: a hash of every prompt the plan renders for the landed benchmarks, under
every setting they define × chat/text × JSON/plain answers (and the other prompt-format axes),
with a perturbed block beside the source. Refactors must leave every hash as it is: the prompt is
what the model sees, and the request key is what a resumed run finds its old outputs by.

Regenerate (only when a prompt change is intended): python -m tests.prompt_fixture --write
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

from tests.helpers import SHARED_DATA
from tunegap.config import RunConfig
from tunegap.data import BENCHMARKS
from tunegap.plan import build_plan
from tunegap.prompts.chat_template import render_chat
from tunegap.types import canonical_json

FIXTURE = Path(__file__).parent / "fixtures" / "prompt_hashes.json"
DATA = SHARED_DATA
# A fixed ChatML template: the chat prompts are also hashed as the text a model would see.
CHATML = ("{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>\n"
          "{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}")


# The benchmarks as landed (not BENCHMARKS itself: a test may register a toy benchmark there).
LANDED = ("gsm8k", "gsm_hard", "gsm_plus", "gsm_symbolic", "math500", "math_perturb_hard",
          "math_perturb_original", "math_perturb_simple", "medcalc", "synthetic")


def _model(name: str, kind: str) -> dict:
    return {"name": name, "kind": kind, "backend": {"type": "scripted", "model": name}}


def _settings(name: str) -> list[dict]:
    out = []
    for chat in (None, True, False):
        for json_answer in ([], ["instruct"], ["base", "instruct"]):
            out.append({"name": name, "k": 3, "chat": chat, "json_answer": json_answer})
    out += [{"name": name, "k": 3, "chat": True, "thinking": False},
            {"name": name, "k": 3, "chat": True, "fewshot_as": "single"},
            {"name": name, "k": 3, "chat": True, "system_prompt": False,
             "json_answer": ["base", "instruct"]}]
    return out


def fixture_config(bench: str) -> RunConfig:
    settings = [s for name in BENCHMARKS[bench].settings for s in _settings(name)]
    perturb = ([{"source": bench, "name": f"{bench}_perturbed",
                 "kinds": ["numeric", "names", "distractor"], "variants": 1, "seed": 0,
                 "seeds": 4}] if bench in ("synthetic", "gsm8k") else [])
    return RunConfig.model_validate({
        "name": "prompt-fixture", "data_dir": str(DATA), "limit": 6, "seed": 1234,
        "pairs": [{"label": "p", "base": _model("b", "base"), "instruct": _model("i", "instruct")}],
        "benchmarks": [bench], "settings": settings, "perturb": perturb,
        "decoding": [{"strategy": "greedy", "max_tokens": 64},
                     {"strategy": "sample", "n": 3, "temperature": 0.7, "max_tokens": 64}],
    })


def prompt_hashes() -> dict[str, str]:
    """(benchmark|setting|side) → sha256 of its items' prompts, rendered texts and request keys."""
    digests: dict[str, hashlib._Hash] = {}
    for bench in LANDED:
        for it in build_plan(fixture_config(bench), check_settings=False):
            p = it.request.prompt
            rendered = p.text if p.text is not None else render_chat(
                CHATML, p.messages, bos_token="", eos_token="",
                template_kwargs=dict(p.template_kwargs))
            key = "|".join((it.cell.benchmark, it.cell.setting, it.cell.side, it.cell.decoding))
            h = digests.setdefault(key, hashlib.sha256())
            for part in (it.example.id, canonical_json(p.to_dict()), rendered, it.request.key):
                h.update(part.encode())
                h.update(b"\0")
    return {k: h.hexdigest() for k, h in sorted(digests.items())}


if __name__ == "__main__":
    hashes = prompt_hashes()
    if "--write" in sys.argv:
        FIXTURE.write_text(json.dumps(hashes, indent=1) + "\n")
    print(f"{len(hashes)} (benchmark, setting, side) groups")
