"""Writing result files: one atomic writer, Parquet tables, output checks, provenance.

Every file a command writes appears whole or not at all: text and bytes go to a temporary file
in the same folder and are moved into place with ``os.replace`` (atomic on POSIX); a results
directory is filled in a staging folder and moved into place by :func:`publish_dir`.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import re
import shutil
import sys
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

LIBRARIES = ("mesa", "numpy", "scipy", "pandas", "pyarrow", "pydantic", "matplotlib")


class ResultsError(Exception):
    """A results directory cannot be written or read (names the path and the problem)."""


def atomic_write(path: Path, data: str | bytes, *, mode: int = 0o644) -> Path:
    """Write ``data`` to ``path`` atomically (a reader sees the old file or the new one).

    Text is written as UTF-8. The file gets ``mode`` (readable by others, as a report should
    be), not the 0600 of a bare temporary file.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(payload)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def write_json(path: Path, data: dict[str, Any]) -> Path:
    """Write a JSON document atomically (sorted keys, indented: stable across runs)."""
    return atomic_write(path, json.dumps(data, indent=2, sort_keys=True, allow_nan=True))


def write_table(table: pa.Table, path: Path) -> Path:
    """Write one Parquet file atomically and deterministically (no timestamps; zstd)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    try:
        pq.write_table(table, temporary, compression="zstd", write_statistics=True)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def sha256_of(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


SYSTEM_ROOTS = (Path("/proc"), Path("/sys"), Path("/dev"))


def _shown(out: Path | str) -> str:
    text = str(out).replace("\0", "\\0")
    return text if len(text) <= 120 else text[:117] + "..."


def check_output_dir(out: Path, force: bool) -> None:
    """Refuse an output directory that cannot or must not be written.

    Refused: a path with a NUL byte; a symlink (dangling or not); the working directory or one
    of its ancestors (``.``, ``''``); anything under ``/proc``, ``/sys`` or ``/dev``; a path
    below a file; an existing file; a non-empty directory unless ``force`` (nothing a user made
    is lost); a folder that cannot be written.
    """
    text = str(out)
    if "\0" in text:
        raise ResultsError(f"{_shown(out)}: output path contains a NUL byte")
    if not text.strip() or text.strip() in (".", "./"):
        raise ResultsError(f"{_shown(out)!r}: give a new directory as the output, not '.'")
    try:
        if out.is_symlink():
            raise ResultsError(f"{_shown(out)}: is a symbolic link; give a real directory")
        resolved = out.resolve()
        cwd = Path.cwd().resolve()
    except (OSError, RuntimeError) as exc:
        raise ResultsError(f"{_shown(out)}: cannot use as output: {_why(exc)}") from None
    if resolved == cwd or resolved in cwd.parents or resolved == Path(resolved.anchor):
        raise ResultsError(
            f"{_shown(out)}: is the working directory or above it; give a new directory"
        )
    if any(resolved == root or root in resolved.parents for root in SYSTEM_ROOTS):
        raise ResultsError(f"{_shown(out)}: is under a system folder; give another directory")
    if out.exists() and not out.is_dir():
        raise ResultsError(f"{_shown(out)}: exists and is not a directory")
    ancestor = resolved.parent
    while not ancestor.exists():
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise ResultsError(f"{_shown(out)}: {_shown(ancestor)} is a file, not a directory")
    if not os.access(ancestor, os.W_OK | os.X_OK):
        raise ResultsError(f"{_shown(out)}: cannot write in {_shown(ancestor)}")
    if out.is_dir() and any(out.iterdir()) and not force:
        raise ResultsError(
            f"{_shown(out)}: directory exists and is not empty (use --force to replace it)"
        )


def _why(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower()
    return str(exc)[:100]


def publish_dir(out: Path, fill: Callable[[Path], None], force: bool) -> Path:
    """Fill a fresh temporary directory next to ``out``, then move it into place.

    A crash or error leaves ``out`` as it was: either absent, or the previous results.
    """
    check_output_dir(out, force)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))
        os.chmod(staging, 0o777 & ~_umask())  # mkdtemp's 0700 would hide results from others
    except OSError as exc:
        raise ResultsError(f"{_shown(out)}: cannot create: {_why(exc)}") from None
    try:
        fill(staging)
        if out.exists():
            retired = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".old", dir=out.parent))
            os.replace(out, retired / "previous")
            os.replace(staging, out)
            shutil.rmtree(retired)
        else:
            os.replace(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return out


def _umask() -> int:
    """Return the process's umask (read by setting it and setting it back)."""
    mask = os.umask(0o077)
    os.umask(mask)
    return mask


def package_versions() -> dict[str, str]:
    """Versions of Python, this package and the libraries that shape its numbers."""
    versions = {"python": platform.python_version(), "alliance-sim": _version("alliance-sim")}
    versions.update({name: _version(name) for name in LIBRARIES})
    return versions


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def timestamp() -> str:
    """Return the current UTC time as ``YYYYmmdd-HHMMSS`` (names of default outputs)."""
    return datetime.now(UTC).strftime("%Y%m%d-%H%M%S")


def now_iso() -> str:
    """Return the current UTC time in ISO 8601 to the second (manifests)."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def safe_component(name: str) -> str:
    """Return ``name`` as one harmless folder name: ``[A-Za-z0-9._-]``, no leading dot."""
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._")[:64]
    return slug or "unnamed"


def default_out_dir(root: Path, scenario_name: str) -> Path:
    """``root/<scenario>/<UTC timestamp>``, with a numeric suffix if that already exists.

    The name is made one safe folder name first, so output stays under ``root`` whatever the
    scenario calls itself (``../../outside`` becomes ``outside``).
    """
    stamp = timestamp()
    folder = safe_component(scenario_name)
    out = root / folder / stamp
    suffix = 1
    while out.exists():
        suffix += 1
        out = root / folder / f"{stamp}-{suffix}"
    return out


def command_line() -> list[str]:
    """Return the command line that started this process (for the manifest)."""
    return [Path(sys.argv[0]).name, *sys.argv[1:]]
