"""Shared-memory batches: a worker stacks a big batch straight into a file in /dev/shm and sends
only the file's name; the main process maps the file and unlinks it. The bytes are written once
(by the stack) and never pickled or pushed through the result pipe, as torch's shared storage.
Contiguous samples are written into the file with writev (`from_parts`) rather than stacked
through a mapping: the kernel then neither zeroes each page first nor takes a fault per page.

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
_IOV_MAX = 1024  # buffers per writev (Linux's IOV_MAX)
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


def _nbytes(shape: tuple, np_dtype) -> int | None:
    """The size of a block for this array, or None when no block is made (not a worker, small)."""
    if _prefix is None:
        return None
    nbytes = int(np.prod(shape, dtype=np.int64)) * np.dtype(np_dtype).itemsize
    return nbytes if nbytes >= _MIN_BYTES else None


def _block(nbytes: int, shape: tuple, np_dtype, fill) -> np.ndarray | None:
    """Create a file, let fill(fd) give it its nbytes (OSError: no space), map it as an array."""
    name = f"{_prefix}{next(_counter)}"
    path = os.path.join(_DIR, name)
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError:
        return None
    try:
        fill(fd)
        block = _Block(fd, nbytes)
    except OSError:
        os.unlink(path)
        return None
    finally:
        os.close(fd)
    block.name = name
    return np.frombuffer(block, np_dtype).reshape(shape)


def empty(shape: tuple, np_dtype) -> np.ndarray | None:
    """An uninitialised array in shared memory, or None (not a worker, small, or no space)."""
    nbytes = _nbytes(shape, np_dtype)
    if nbytes is None:
        return None
    # ENOSPC now, instead of SIGBUS on first write
    return _block(nbytes, shape, np_dtype, lambda fd: os.posix_fallocate(fd, 0, nbytes))


def from_parts(parts: list, shape: tuple, np_dtype) -> np.ndarray | None:
    """An array in shared memory holding the C-contiguous arrays `parts` back to back (a stack
    along a new first axis), or None (not a worker, small, or no space)."""
    nbytes = _nbytes(shape, np_dtype)
    if nbytes is None:
        return None
    views = [p.reshape(-1).view(np.uint8) for p in parts if p.size]
    return _block(nbytes, shape, np_dtype, lambda fd: _write_all(fd, views))


def _write_all(fd: int, views: list) -> None:
    """writev every byte of `views` (1-D uint8 arrays) to fd, IOV_MAX buffers at a time."""
    i = 0
    while i < len(views):
        n = os.writev(fd, views[i:i + _IOV_MAX])
        if n == 0:
            raise OSError("no progress writing a shared block")
        while n:
            if n >= len(views[i]):
                n -= len(views[i])
                i += 1
            else:
                views[i] = views[i][n:]
                n = 0


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
