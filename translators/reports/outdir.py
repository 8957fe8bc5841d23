"""Output folders and files the tool owns: checked before the work, written atomically, stale files removed.

Rules (README "Commands"):

* ``translate --out DIR`` writes only into a folder that does not exist yet, is empty, or holds the marker
  file :data:`MARKER` (``.eks-to-aks-output.json``: ``{"tool": "eks-to-aks", "files": [...]}``) of an
  earlier run. A non-empty folder without the marker is refused unless ``--force`` (then files of the
  same names are replaced and the others kept). Files the previous run listed in the marker and this run
  does not write are removed; nothing else is ever removed.
* Writing is staged: a new folder is written as a temporary sibling and renamed into place; an existing
  folder gets a temporary staging folder inside it whose files are renamed over the old ones only once all
  of them are written. A failed write (disk full, permission) removes the staging folder and leaves the
  output as it was.
* Single files (``analyze --out``, ``plan --json``) are written to a temporary file beside them and renamed.
* :func:`check_output_folder` and :func:`check_output_file` run before the translation: an ``--out`` that
  is a file, an input, a folder holding the inputs, or not writable (probed by creating a temporary file,
  so a read-only mount is caught even as root) is an error before any work is done.

Every problem is an :class:`OutputError` (one line, the CLI exits 1).
"""
from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from translators.input.files import OUTPUT_MARKER

MARKER = OUTPUT_MARKER
TOOL = "eks-to-aks"
MARKER_MAX_BYTES = 4 * 1024 * 1024
_STAGING_PREFIX = ".eks-to-aks-staging-"


class OutputError(Exception):
    """An output path that cannot be written: ``str()`` is ``<path>: <what is wrong>``."""

    def __init__(self, path: str | Path, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = str(path)
        self.message = message


def _reason(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return "no space left on device"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if exc.errno == errno.EROFS:
        return "read-only file system"
    if exc.errno == errno.ENAMETOOLONG:
        return "file name too long"
    return (exc.strerror or str(exc)).lower()


def _same(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def _abs(p: str | Path) -> Path:
    return Path(os.path.abspath(p))


def _probe(folder: Path, shown: Path) -> None:
    """Create and remove a temporary file in ``folder`` (raises :class:`OutputError` if that fails)."""
    try:
        fd, name = tempfile.mkstemp(prefix=".eks-to-aks-probe-", dir=folder)
        os.close(fd)
        os.unlink(name)
    except OSError as exc:
        raise OutputError(shown, f"cannot write here: {_reason(exc)}") from None


def _existing_ancestor(path: Path) -> Path:
    for parent in [path, *path.parents]:
        if parent.exists() or parent.is_symlink():
            return parent
    return Path("/")


def read_marker(folder: Path) -> list[str] | None:
    """The file names an earlier run listed in ``folder``'s marker, or ``None`` when there is no marker.

    Raises:
        OutputError: the marker exists but is not one this tool wrote.
    """
    path = folder / MARKER
    if not (path.exists() or path.is_symlink()):
        return None
    try:
        if path.is_symlink() or not path.is_file():
            raise ValueError("not a regular file")
        with path.open("rb") as fh:
            doc = json.loads(fh.read(MARKER_MAX_BYTES + 1).decode("utf-8"))
        files = doc["files"]
        if doc.get("tool") != TOOL or not isinstance(files, list) or not all(
                isinstance(f, str) and f and "/" not in f and "\\" not in f and f not in (".", "..", MARKER)
                for f in files):
            raise ValueError("unexpected content")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise OutputError(path, f"not an eks-to-aks output marker ({exc}); remove it or choose another "
                          "folder") from None
    return files


def check_output_folder(out: str | Path, force: bool = False, inputs: Iterable[str | Path] = ()) -> None:
    """Refuse ``out`` before any work (see module docstring).

    Raises:
        OutputError: ``out`` is a file; is or holds one of ``inputs``; is a non-empty folder this tool did not
            write (without ``force``); has a foreign marker; or cannot be written.
    """
    path = Path(out)
    full = _abs(path)
    for item in inputs:
        ip = _abs(item)
        if ip == full or full in ip.parents or _same(path, Path(item)):
            raise OutputError(out, f"the output folder would hold the input {item}; choose another folder")
    if path.exists() or path.is_symlink():
        if not path.is_dir():
            raise OutputError(out, "is a file, not a folder; choose a folder for --out")
        try:
            names = os.listdir(path)
        except OSError as exc:
            raise OutputError(out, f"cannot read the folder: {_reason(exc)}") from None
        if MARKER in names:
            read_marker(path)
        elif names and not force:
            raise OutputError(out, "folder is not empty and was not written by eks-to-aks; choose an empty or "
                              "new folder, or pass --force to write into it (files of the same names are replaced)")
        _probe(path, path)
        return
    parent = _existing_ancestor(full.parent)
    if not parent.is_dir():
        raise OutputError(out, f"{parent} is a file, not a folder")
    _probe(parent, path)


def check_output_file(out: str | Path, inputs: Iterable[str | Path] = (),
                      input_folders: Iterable[str | Path] = ()) -> None:
    """Refuse the single output file ``out`` before any work.

    Raises:
        OutputError: ``out`` is a folder, is one of the ``inputs`` files, would be read back as a manifest
            (a ``.yaml``/``.yml``/``.json`` file inside one of ``input_folders``), or its folder cannot
            be written.
    """
    path = Path(out)
    full = _abs(path)
    for item in inputs:
        if _abs(item) == full or _same(path, Path(item)):
            raise OutputError(out, f"is an input file ({item}); refusing to overwrite it")
    if path.suffix.lower() in (".yaml", ".yml", ".json"):
        for folder in input_folders:
            if _abs(folder) in full.parents:
                raise OutputError(out, f"lies inside the manifests folder {folder} and would be read as input "
                                  "by the next run; write it elsewhere")
    if path.is_dir():
        raise OutputError(out, "is a folder; --out needs a file name")
    parent = full.parent
    if not parent.is_dir():
        raise OutputError(out, f"folder {path.parent} does not exist")
    _probe(parent, path)


def _write_bytes(path: Path, data: bytes) -> None:
    """Create ``path`` (must not exist) holding ``data``; ``os.write`` loop so a short write is retried."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    finally:
        os.close(fd)


def write_file_atomic(out: str | Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``out`` through a temporary file in the same folder and a rename.

    Raises:
        OutputError: the write failed (the temporary file is removed, ``out`` unchanged).
    """
    path = Path(out)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        _write_bytes(tmp, text.encode("utf-8"))
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise OutputError(out, f"cannot write: {_reason(exc)}; nothing was written") from None


def write_output_folder(out: str | Path, files: Mapping[str, str], force: bool = False) -> list[str]:
    """Write ``files`` (``{file name: UTF-8 text}``) and the marker into ``out``; return the stale file
    names removed (listed by the previous run's marker, not written now).

    Raises:
        OutputError: ``out`` is refused (:func:`check_output_folder`) or a write failed; in that case the
            staging folder is removed and ``out`` is as it was.
    """
    path = Path(out)
    for name in files:
        if not name or "/" in name or name in (".", "..", MARKER) or name.startswith(_STAGING_PREFIX):
            raise ValueError(f"bad output file name {name!r}")
    check_output_folder(path, force)
    previous = read_marker(path) if path.is_dir() else None
    marker = json.dumps({"tool": TOOL, "files": sorted(files)}, indent=1) + "\n"
    fresh = not path.exists()
    if fresh:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            staging = Path(tempfile.mkdtemp(prefix=f".{path.name}.tmp-", dir=path.parent))
        except OSError as exc:
            raise OutputError(out, f"cannot write: {_reason(exc)}") from None
    else:
        try:
            staging = Path(tempfile.mkdtemp(prefix=_STAGING_PREFIX, dir=path))
        except OSError as exc:
            raise OutputError(out, f"cannot write: {_reason(exc)}") from None
    current = ""
    try:
        for current, text in files.items():
            _write_bytes(staging / current, text.encode("utf-8"))
        current = MARKER
        _write_bytes(staging / MARKER, marker.encode("utf-8"))
        if fresh:
            os.rename(staging, path)
            return []
        for name in [*files, MARKER]:  # renames within one folder: no new data blocks
            current = name
            os.replace(staging / name, path / name)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise OutputError(path / current if current else path,
                          f"cannot write: {_reason(exc)}; the output folder was left as it was") from None
    shutil.rmtree(staging, ignore_errors=True)
    stale = sorted(set(previous or ()) - set(files))
    for name in stale:
        with contextlib.suppress(OSError):
            (path / name).unlink()
    return stale
