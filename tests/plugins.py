"""Plug-in extractors for tests (`tests.plugins:NAME`): they run in the grader workers."""

from __future__ import annotations


def spin(text, example, answer_format):
    """Never returns: a pure-Python busy loop, as a runaway extractor or grader would be."""
    n = 0
    while True:
        n += 1
