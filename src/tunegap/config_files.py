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

# A run config is a few kilobytes (the paper's preset is 4 KB): far beyond these limits it is
# not a config, and parsing it would cost minutes and gigabytes before its one-line error.
MAX_CONFIG_BYTES = 1 << 20
# Nodes once every alias is expanded: a 1 KB "billion laughs" file expands to 10^9 of them.
MAX_EXPANDED_NODES = 100_000
MAX_DEPTH = 64


def _yaml_lines(root: yaml.Node | None) -> dict[tuple[Any, ...], int]:
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

    if root is not None:
        walk(root, ())
    return lines


def _check_expansion(root: yaml.Node, source: str) -> None:
    """Refuse a document whose aliases expand past MAX_EXPANDED_NODES nodes, nest past
    MAX_DEPTH, or refer to themselves. Counted over the node graph (aliases are shared nodes),
    never by expanding it; iterative, so no nesting reaches Python's recursion limit."""
    size: dict[int, int] = {}  # id(node) -> nodes in its expansion
    depth_of: dict[int, int] = {}  # id(node) -> levels below it
    on_path: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        children = _children(node)
        if done:
            on_path.discard(key)
            size[key] = 1 + sum(size[id(c)] for c in children)
            depth_of[key] = 1 + max((depth_of[id(c)] for c in children), default=0)
            if size[key] > MAX_EXPANDED_NODES:
                raise UserError(f"the YAML expands to more than {MAX_EXPANDED_NODES} values "
                                "(aliases repeated inside aliases)", file=source,
                                row=node.start_mark.line + 1)
            if depth_of[key] > MAX_DEPTH:
                raise UserError(f"the YAML nests deeper than {MAX_DEPTH} levels", file=source,
                                row=node.start_mark.line + 1)
            continue
        if key in size:
            continue
        if key in on_path:
            raise UserError("a YAML alias refers to itself", file=source,
                            row=node.start_mark.line + 1)
        on_path.add(key)
        stack.append((node, True))
        stack.extend((c, False) for c in children if id(c) not in size)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _loader(text: str) -> Any:
    # The C loader when PyYAML has it: a large config parses in a fraction of the time.
    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)


def load_config_text(text: str, *, source: str) -> RunConfig:
    """Parse (within the size, alias and nesting limits, before anything is built from it) and
    validate a config."""
    if len(text) > MAX_CONFIG_BYTES:
        raise UserError(f"a config is at most {MAX_CONFIG_BYTES >> 20} MiB; this one is "
                        f"{len(text) / (1 << 20):.1f} MiB", file=source)
    loader = _loader(text)
    try:
        root = loader.get_single_node()  # the node graph: aliases are shared, not copied
        if root is not None:
            _check_expansion(root, source)
        data = loader.construct_document(root) if root is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise UserError(
            f"not valid YAML ({getattr(exc, 'problem', exc)})",
            file=source,
            row=mark.line + 1 if mark else None,
        ) from None
    except RecursionError:
        raise UserError(f"the YAML nests deeper than {MAX_DEPTH} levels", file=source) from None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        raise UserError("a run config must be a YAML mapping", file=source)
    return validate_config(data, source=source, lines=_yaml_lines(root))


def load_config_file(path: str | Path) -> RunConfig:
    p = Path(path)
    if not p.is_file():
        raise UserError("config file not found", file=str(p))
    try:
        size = p.stat().st_size
        if size > MAX_CONFIG_BYTES:  # refused before a byte is read
            raise UserError(f"a config is at most {MAX_CONFIG_BYTES >> 20} MiB; this one is "
                            f"{size / (1 << 20):.1f} MiB", file=str(p))
        with p.open("rb") as fh:
            raw = fh.read(MAX_CONFIG_BYTES + 1)
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
