"""Shared-memory batches: a worker stacks a big batch straight into a file in /dev/shm and sends
only the file's name; the main process maps the file and unlinks it. The bytes are written once
(by the stack) and never pickled or pushed through the result pipe, as torch's shared storage.

Only worker processes allocate here (`start_worker` names their files); small arrays, full
/dev/shm or platforms without it fall back to plain pickling. Nothing outlives its processes:
a worker removes its unreceived files when it stops (it stops at once when the main process
dies, even by SIGKILL), the iterator removes those of a dead worker when it shuts down, and
`sweep_orphans()` removes files whose main process no longer exists (both killed at once).
"""
from __future__ import annotations

import glob
import itertools
import mmap
import os

import numpy as np

__all__: list = []

_DIR = "/dev/shm"
_MIN_BYTES = 1 << 16  # below this, pickling through the pipe is as cheap as a file
_prefix: str | None = None
_counter = itertools.count()


class _Block(mmap.mmap):
    """A shared mapping that remembers the name of its file."""

    name = ""


def available() -> bool:
    return os.path.isdir(_DIR) and hasattr(os, "posix_fallocate")


def start_worker(prefix: str | None) -> None:
    """Called in a worker: its shared batches get files named prefix + a counter."""
    global _prefix
    _prefix = prefix if prefix is not None and available() else None


def empty(shape: tuple, np_dtype) -> np.ndarray | None:
    """An uninitialised array in shared memory, or None (not a worker, small, or no space)."""
    if _prefix is None:
        return None
    nbytes = int(np.prod(shape, dtype=np.int64)) * np.dtype(np_dtype).itemsize
    if nbytes < _MIN_BYTES:
        return None
    name = f"{_prefix}{next(_counter)}"
    path = os.path.join(_DIR, name)
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError:
        return None
    try:
        os.posix_fallocate(fd, 0, nbytes)  # ENOSPC now, instead of SIGBUS on first write
        block = _Block(fd, nbytes)
    except OSError:
        os.unlink(path)
        return None
    finally:
        os.close(fd)
    block.name = name
    return np.frombuffer(block, np_dtype).reshape(shape)


def block_name(arr: np.ndarray) -> str | None:
    """The file name when `arr` is exactly a whole shared block, else None."""
    base = arr.base
    while isinstance(base, np.ndarray):
        base = base.base
    if isinstance(base, memoryview):  # np.frombuffer keeps a memoryview of the mmap
        base = base.obj
    if isinstance(base, _Block) and arr.flags.c_contiguous and arr.nbytes == len(base):
        return base.name
    return None


def receive(name: str, shape: tuple, np_dtype) -> np.ndarray:
    """Map a worker's block in the main process and unlink its file (the mapping stays)."""
    path = os.path.join(_DIR, name)
    fd = os.open(path, os.O_RDWR)
    try:
        block = mmap.mmap(fd, os.fstat(fd).st_size)
    finally:
        os.close(fd)
        os.unlink(path)
    return np.frombuffer(block, np_dtype).reshape(shape)


def sweep_orphans() -> None:
    """Remove ember_dl_<pid>_* files of main processes that no longer exist."""
    for path in glob.glob(os.path.join(_DIR, "ember_dl_*_*")):
        pid = os.path.basename(path).split("_")[2]
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            try:
                os.unlink(path)
            except OSError:
                pass
        except OSError:  # alive, owned by another user
            pass


def cleanup(prefix: str) -> None:
    """Remove the files of batches that were sent but never received."""
    for path in glob.glob(os.path.join(_DIR, glob.escape(prefix) + "*")):
        try:
            os.unlink(path)
        except OSError:
            pass
