"""Bounded, confined reading of input files: size caps, a YAML loader with limits, short errors.

Every file a command reads (scenario YAML, its CSV tables and parameters file, sweep files,
recorded roll calls) goes through :func:`read_bytes`: only regular files (never a FIFO, a device
such as ``/dev/zero`` or a directory), at most :data:`MAX_FILE_BYTES`, read with a cap so a file
that grows while read cannot blow memory up. YAML is parsed by :func:`load_yaml`: the safe
loader (no python tags) with a bounded nesting depth, a bounded number of aliases (no "billion
laughs") and duplicate keys refused. Errors raise :class:`InputError`, which
:class:`sim.scenario.errors.ScenarioError` turns into one line naming the file.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import yaml

MAX_FILE_BYTES = 16 * 1024 * 1024
"""Largest input file read (16 MiB; the bundled un_2022 tables are below 100 KiB)."""
MAX_YAML_DEPTH = 64
"""Deepest nesting of YAML mappings and lists accepted."""
MAX_YAML_ALIASES = 1000
"""Most alias uses (``*name``) in one YAML document."""
MAX_YAML_NODES = 2_000_000
"""Most nodes one YAML document may expand to (bounds alias bombs)."""
MAX_SHOWN = 60
"""Longest piece of user input quoted back in an error message (characters)."""


class InputError(Exception):
    """A file cannot be read within the limits (message only; the caller names the file)."""


def shorten(value: object, limit: int = MAX_SHOWN) -> str:
    """Return ``repr(value)`` cut to ``limit`` characters (errors never echo huge input)."""
    text = repr(value)
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return text


def check_path_text(path: str | os.PathLike[str]) -> None:
    """Refuse a path with a NUL byte (the OS cannot open it) before anything touches it."""
    if "\0" in os.fspath(path):
        raise InputError("path contains a NUL byte")


def resolve(path: str | os.PathLike[str]) -> Path:
    """``Path(path).resolve()`` with NUL bytes and symlink loops reported as :class:`InputError`."""
    check_path_text(path)
    try:
        return Path(path).resolve()
    except (OSError, RuntimeError) as exc:  # RuntimeError: symlink loop (Python < 3.13)
        raise InputError(f"cannot resolve path: {_reason(exc)}") from None


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower()
    return str(exc)[:100]


def read_bytes(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """Read a regular file of at most ``limit`` bytes.

    Raises
    ------
    FileNotFoundError
        If the file does not exist (callers say "file not found").
    InputError
        If it is not a regular file, is too large, or cannot be read.
    """
    check_path_text(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise InputError(f"cannot read file: {_reason(exc)}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = "a directory" if stat.S_ISDIR(info.st_mode) else "not a regular file"
            raise InputError(f"cannot read file: {kind}")
        if info.st_size > limit:
            raise InputError(f"file too large ({info.st_size} bytes; the limit is {limit})")
        chunks: list[bytes] = []
        total = 0
        while True:
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise InputError(f"file too large (over {limit} bytes)")
        return b"".join(chunks)
    except OSError as exc:
        raise InputError(f"cannot read file: {_reason(exc)}") from None
    finally:
        os.close(fd)


def read_text(path: Path, limit: int = MAX_FILE_BYTES) -> str:
    """Read a regular file as UTF-8 (a leading byte-order mark is dropped)."""
    data = read_bytes(path, limit)
    nul = data.find(b"\0")
    if nul >= 0:
        raise InputError(f"contains a NUL byte (at byte {nul}): not a text file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (byte {exc.start})") from None


class _BoundedLoader(yaml.SafeLoader):
    """The safe loader with limits on depth, aliases and nodes, refusing duplicate keys."""

    def __init__(self, stream: str | bytes) -> None:
        super().__init__(stream)
        self._depth = 0
        self._aliases = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_YAML_ALIASES:
                raise InputError(f"more than {MAX_YAML_ALIASES} YAML aliases")
        self._depth += 1
        if self._depth > MAX_YAML_DEPTH:
            raise InputError(f"YAML nested deeper than {MAX_YAML_DEPTH} levels")
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        if isinstance(node, yaml.MappingNode):
            seen: set[Any] = set()
            for key_node, _ in node.value:
                if isinstance(key_node, yaml.ScalarNode):
                    key = key_node.value
                    if key in seen and key != "<<":
                        line = key_node.start_mark.line + 1
                        raise InputError(f"duplicate key {shorten(key)} (line {line})")
                    seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _count_nodes(node: Any, budget: list[int], seen: dict[int, int]) -> int:
    """Size of the tree ``node`` expands to (aliases counted as often as used), capped."""
    key = id(node)
    if key in seen:
        size = seen[key]
    else:
        size = 1
        if isinstance(node, yaml.SequenceNode):
            for child in node.value:
                size += _count_nodes(child, budget, seen)
                if size > MAX_YAML_NODES:
                    break
        elif isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                size += _count_nodes(k, budget, seen) + _count_nodes(v, budget, seen)
                if size > MAX_YAML_NODES:
                    break
        seen[key] = size
    if size > MAX_YAML_NODES:
        raise InputError(f"YAML expands to more than {MAX_YAML_NODES} values (an alias bomb?)")
    return size


def load_yaml(text: str | bytes) -> Any:
    """Parse one YAML document safely and within the limits.

    Raises
    ------
    InputError
        Nesting, aliases or expansion beyond the limits, or a duplicate key.
    yaml.YAMLError
        Malformed YAML.
    """
    loader = _BoundedLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _count_nodes(node, [0], {})
        return loader.construct_document(node)
    except RecursionError:
        raise InputError(f"YAML nested deeper than {MAX_YAML_DEPTH} levels") from None
    finally:
        loader.dispose()


def yaml_problem(exc: yaml.YAMLError) -> str:
    """One short line for a YAML syntax error: where, and what."""
    mark = getattr(exc, "problem_mark", None)
    where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    return f"invalid YAML: {where}{str(problem)[:120]}"
