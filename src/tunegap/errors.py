"""User-facing errors: one line, naming file, row and field where there is one; exit code 2."""

from __future__ import annotations


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
