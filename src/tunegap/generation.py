"""The generation stage: every missing sample of the plan, one model at a time.

The backend streams each request's generations as they finish (`Backend.stream`); they are
written to the store in groups of a batch (or every few seconds), and what had finished is kept
when the engine fails or the run is interrupted. A model with nothing missing is never loaded.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence

from rich.console import Console

from tunegap.config import ModelSpec
from tunegap.progress_lines import progress_display
from tunegap.store import Store
from tunegap.types import Generation, Request

SAVE_EVERY_S = 5.0  # finished generations wait at most this long (or a batch) to be stored


def generate_missing(store: Store, attempt: int,
                     groups: Mapping[str, Sequence[tuple[ModelSpec, Request]]], *,
                     console: Console, progress: bool) -> int:
    """Generate what the store lacks, model by model (`plan.unique_requests` groups).
    Returns how many requests were sent."""
    sent = 0
    with progress_display(console, progress) as bar:  # a bar, or plain lines in a log
        for pairs in groups.values():
            sent += generate_model(store, attempt, pairs[0][0], [r for _, r in pairs], bar)
    return sent


def generate_model(store: Store, attempt: int, model: ModelSpec, requests: Sequence[Request],
                   progress=None) -> int:
    """Generate the missing samples of one model. Returns how many requests were sent."""
    keys = [r.key for r in requests]  # Request.key hashes the request anew on every call
    stored = store.stored_samples(keys)
    missing = [r for r, key in zip(requests, keys)
               if any((key, i) not in stored for i in range(r.params.samples))]
    if not missing:
        return 0
    from tunegap.backends import load_backend

    backend = load_backend(model)
    finished: list[tuple[Request, list[Generation]]] = []

    def save() -> None:  # one transaction per group: a kill loses only what was in flight
        store.log_requested(attempt, [r for r, _ in finished])
        store.save_generations(attempt, finished)
        finished.clear()

    try:
        backend.check(missing)
        group = model.backend.batch_size
        task = progress.add_task(f"{model.name:>24}", total=len(missing)) if progress else None
        saved_at = time.monotonic()
        try:
            for i, gens in backend.stream(missing):
                finished.append((missing[i], gens))
                if progress is not None:
                    progress.advance(task, 1)
                if len(finished) >= group or time.monotonic() - saved_at > SAVE_EVERY_S:
                    save()
                    saved_at = time.monotonic()
        finally:
            if finished:  # an error or Ctrl-C keeps what had finished
                save()
    finally:
        backend.close()
    return len(missing)
