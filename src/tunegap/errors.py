"""User-facing errors: one line, naming file, row and field where there is one; exit code 2."""

from __future__ import annotations

import re


class UserError(Exception):
    """Bad input from the user (config, data, flags). The CLI prints one line and exits 2."""

    exit_code = 2

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        field: str | None = None,
    ) -> None:
        self.message = message
        self.file = file
        self.row = row
        self.field = field
        super().__init__(self.one_line())

    def one_line(self) -> str:
        where = []
        if self.file:
            where.append(str(self.file))
        if self.row is not None:
            where.append(f"line {self.row}")
        if self.field:
            where.append(f"field '{self.field}'")
        prefix = ": ".join([", ".join(where)]) if where else ""
        text = f"{prefix}: {self.message}" if prefix else self.message
        return " ".join(text.split())  # always one line


class BackendError(Exception):
    """A backend failed in a way retrying did not fix. The run stops; stored work stays."""

    exit_code = 3


_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_URL_CREDENTIALS = re.compile(r"(\w+://)[^/\s@]+@")


def printable(text: str) -> str:
    """Text from a server or a model, safe for a terminal: escape sequences and control
    characters removed (a hostile server cannot recolour, move or clear the screen)."""
    return _CONTROL.sub("", _ANSI.sub("", text))


def has_url_credentials(text: str) -> bool:
    """Whether `text` holds a URL with credentials (scheme://user:pass@host)."""
    return _URL_CREDENTIALS.search(text) is not None


def redact(text: str) -> str:
    """URL credentials (scheme://user:pass@host) replaced by ***."""
    return _URL_CREDENTIALS.sub(r"\1***@", text)
