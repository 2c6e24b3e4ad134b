"""Atomic file writes: a file is replaced whole or not at all (checkpoints, drawings).

``write_atomically(path, data)`` writes ``data`` to a temporary file in the same
directory, flushes it to disk and renames it over ``path`` with ``os.replace``, which
POSIX makes atomic: a reader (or a crash) sees the old file or the new one, never half.

The temporary name is short (``.tmp-`` and 16 hex digits), so a target whose own name
is at the file system's limit (255 bytes) can still be written. The new file gets the
mode any program's new file gets (0o666 less the umask, and a directory's default ACL),
because it is created by ``os.open`` with that mode; an existing file keeps its mode.

May import only the standard library.

>>> import os, tempfile
>>> path = os.path.join(tempfile.mkdtemp(), "x" * 250)
>>> write_atomically(path, b"hello") == path
True
>>> open(path, "rb").read(), os.listdir(os.path.dirname(path)) == ["x" * 250]
(b'hello', True)
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat

__all__ = ["write_atomically"]

_NEW_FILE_MODE = 0o666  # what open() and the shell use; the umask takes its bits off


def write_atomically(path: str | os.PathLike[str], data: bytes) -> str:
    """Replace the file at ``path`` by ``data`` atomically; return the path as a string."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"write_atomically: data must be bytes, got {type(data).__name__}")
    target = os.fspath(path)
    directory = os.path.dirname(target) or "."
    try:
        mode: int | None = stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        mode = None
    fd, tmp = _create_temporary(directory)
    try:
        try:
            if mode is not None:
                os.fchmod(fd, mode)
            view = memoryview(data)
            while view:  # os.write may write less than asked (signals, pipes, quotas)
                view = view[os.write(fd, view) :]
            os.fsync(fd)  # the data is on disk before the name points at it
        finally:
            os.close(fd)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    _sync_directory(directory)
    return target


def _create_temporary(directory: str) -> tuple[int, str]:
    """A new, empty file with a short random name in ``directory``, opened for writing."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    while True:
        tmp = os.path.join(directory, f".tmp-{secrets.token_hex(8)}")
        try:
            return os.open(tmp, flags, _NEW_FILE_MODE), tmp
        except FileExistsError:  # 2**64 names: only ever a coincidence
            continue


def _sync_directory(directory: str) -> None:
    """Make the rename itself durable (where the platform lets a directory be opened)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
