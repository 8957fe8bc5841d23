"""Reading input files and folders without hangs, unbounded memory or silent skips.

* :func:`read_bytes_bounded` opens with ``O_NONBLOCK`` and checks the opened descriptor with ``fstat``:
  folders, FIFOs, devices (``/dev/zero``) and sockets are refused before a byte is read (a FIFO never
  blocks the open or the read), and at most ``limit + 1`` bytes are read whatever ``stat`` said, so a
  file that grows or lies about its size is still refused.
* :func:`walk_input_folder` lists a manifests folder itself (``os.scandir``) so that an unreadable
  subfolder, a broken symbolic link or a non-regular ``*.yaml`` entry is an error naming it, never
  skipped; folders holding a tool-owned output marker (:data:`OUTPUT_MARKER`) and paths in ``exclude``
  (the run's own ``--out``) are not read back as input.

Every error is an :class:`~translators.errors.InputError` naming the path.
"""
from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable
from pathlib import Path

from translators.errors import InputError

#: The file ``translate --out`` writes into a folder it owns (see :mod:`translators.reports.outdir`).
OUTPUT_MARKER = ".eks-to-aks-output.json"


def _os_error(path: str, exc: OSError, what: str = "file") -> InputError:
    if exc.errno == errno.ENOENT:
        return InputError(path, None, "", f"cannot read {what}: no such file or folder")
    if exc.errno in (errno.EACCES, errno.EPERM):
        return InputError(path, None, "", f"cannot read {what}: permission denied")
    if exc.errno == errno.ELOOP:
        return InputError(path, None, "", f"cannot read {what}: too many levels of symbolic links")
    return InputError(path, None, "", f"cannot read {what}: {exc.strerror or exc}")


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def read_bytes_bounded(path: str | Path, limit: int) -> bytes:
    """The bytes of the regular file ``path``, at most ``limit`` of them.

    Raises:
        InputError: missing, unreadable (permission), not a regular file (folder, FIFO, device, socket),
            a broken symbolic link, or larger than ``limit`` bytes (counted by reading, not by ``stat``).
    """
    name = str(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        if exc.errno == errno.ENOENT and os.path.islink(path):
            raise InputError(name, None, "", "broken symbolic link: its target does not exist") from None
        if exc.errno == errno.EISDIR:
            raise InputError(name, None, "", "is a folder, not a regular file") from None
        raise _os_error(name, exc) from None
    try:
        info = os.fstat(fd)
        mode = info.st_mode
        if not stat.S_ISREG(mode):
            raise InputError(name, None, "", f"is {_kind(mode)}, not a regular file")
        chunks, size = [], 0
        with os.fdopen(fd, "rb", closefd=False) as fh:
            while size <= limit:
                chunk = fh.read(min(1 << 20, limit + 1 - size))
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
    except OSError as exc:
        raise _os_error(name, exc) from None
    finally:
        os.close(fd)
    if size > limit:
        told = f"{info.st_size:,} bytes" if info.st_size > limit else f"more than {limit:,} bytes"
        raise InputError(name, None, "", f"file is {told}; the limit is {limit:,} bytes")
    return b"".join(chunks)


def _under(path: Path, roots: Iterable[Path]) -> bool:
    return any(path == r or r in path.parents for r in roots)


def walk_input_folder(folder: Path, suffixes: tuple[str, ...], exclude: Iterable[Path] = ()) -> list[Path]:
    """Every file under ``folder`` whose name ends in one of ``suffixes``, sorted (symbolic links to
    files are followed, links to folders are not walked, as :meth:`pathlib.Path.rglob` did).

    Folders holding :data:`OUTPUT_MARKER` and paths under ``exclude`` (resolved) are skipped.

    Raises:
        InputError: a subfolder cannot be listed, or an entry with a YAML suffix is a broken symbolic
            link or not a regular file.
    """
    roots = [Path(os.path.abspath(e)) for e in exclude]
    out: list[Path] = []
    pending = [folder]
    while pending:
        current = pending.pop()
        if _under(Path(os.path.abspath(current)), roots):
            continue
        try:
            with os.scandir(current) as it:
                entries = list(it)
        except OSError as exc:
            raise _os_error(str(current), exc, "folder") from None
        if any(e.name == OUTPUT_MARKER for e in entries) and current != folder:
            continue
        for e in entries:
            path = Path(e.path)
            try:
                if e.is_dir(follow_symlinks=False):
                    pending.append(path)
                    continue
                if not e.name.endswith(suffixes) or _under(Path(os.path.abspath(path)), roots):
                    continue
                if e.is_symlink() and not os.path.exists(path):
                    raise InputError(str(path), None, "", "broken symbolic link: its target does not exist")
                if e.is_symlink() and os.path.isdir(path):
                    continue
                mode = os.stat(path).st_mode
            except OSError as exc:
                raise _os_error(str(path), exc) from None
            if not stat.S_ISREG(mode):
                raise InputError(str(path), None, "", f"is {_kind(mode)}, not a regular file")
            out.append(path)
    return sorted(out)
