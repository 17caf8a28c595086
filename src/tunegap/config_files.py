"""Loading a run config from a YAML file, YAML text or a packaged preset, with good errors: a
validation failure becomes one `UserError` line naming the file, the line of the offending key
and the field."""

from __future__ import annotations

import importlib.resources
from pathlib import Path
from typing import Any

import yaml

from tunegap.config import RunConfig, validate_config
from tunegap.errors import UserError


def _yaml_lines(text: str) -> dict[tuple[Any, ...], int]:
    """Map each key path in a YAML document to its 1-based line, for error messages."""
    lines: dict[tuple[Any, ...], int] = {}

    def walk(node: yaml.Node, path: tuple[Any, ...]) -> None:
        lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                key_path = path + (key_node.value,)
                lines[key_path] = key_node.start_mark.line + 1
                walk(value_node, key_path)
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                walk(item, path + (i,))

    try:
        root = yaml.compose(text)
    except yaml.YAMLError:
        return lines
    if root is not None:
        walk(root, ())
    return lines


def load_config_text(text: str, *, source: str) -> RunConfig:
    try:
        # The C loader when PyYAML has it: a large config parses in a fraction of the time.
        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise UserError(
            f"not valid YAML ({getattr(exc, 'problem', exc)})",
            file=source,
            row=mark.line + 1 if mark else None,
        ) from None
    if not isinstance(data, dict):
        raise UserError("a run config must be a YAML mapping", file=source)
    return validate_config(data, source=source, lines=_yaml_lines(text))


def load_config_file(path: str | Path) -> RunConfig:
    p = Path(path)
    if not p.is_file():
        raise UserError("config file not found", file=str(p))
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise UserError(f"cannot read the config ({exc.strerror})", file=str(p)) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise UserError(f"not UTF-8 text (byte {exc.start})", file=str(p), row=line) from None
    return load_config_text(text, source=str(p))


def preset_names() -> list[str]:
    root = importlib.resources.files("tunegap") / "presets"
    return sorted(f.name[: -len(".yaml")] for f in root.iterdir() if f.name.endswith(".yaml"))


def load_preset(name: str) -> RunConfig:
    if name not in preset_names():
        raise UserError(f"unknown preset '{name}' (known: {', '.join(preset_names())})")
    res = importlib.resources.files("tunegap") / "presets" / f"{name}.yaml"
    return load_config_text(res.read_text(encoding="utf-8"), source=f"preset:{name}")
