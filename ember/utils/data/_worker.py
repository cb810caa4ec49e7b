"""The DataLoader worker process: its loop, its seeding, get_worker_info, and error transport.

Seeding is torch's: worker `i` seeds Python's `random` and ember's default (CPU) generator with
`base_seed + i` (GPU generators are left alone, as torch's lazy CUDA seeding never starts CUDA in a
forked worker), and NumPy's legacy global RNG with `_generate_state(base_seed, i)` (torch 2.x's
SeedSequence-style hash), so a dataset drawing from any of the three gets torch's values.
`base_seed` is drawn afresh from the main process's generator for every epoch's iterator.
A worker keeps freed heap memory for the next batch's samples (`_keep_heap`), as torch's do.
"""
from __future__ import annotations

import os
import random
import signal
import sys
import traceback
from dataclasses import dataclass

import numpy as np

from ..._mt19937 import default_generator
from ..._tensor import Tensor, _rebuild
from . import _channel, _shared, graph_settings
from ._fetch import _create_fetcher
from .datapipes.datapipe import IterDataPipe

__all__ = ["WorkerInfo", "get_worker_info"]

# how often (seconds) a waiting worker checks that its parent is still alive
MP_STATUS_CHECK_INTERVAL = 5.0


def _reduce_tensor(t):
    """Send a tensor between processes as its array, without the extra copy __reduce_ex__ makes;
    a batch stacked into shared memory travels as its block's name."""
    arr = t._data
    if arr.__class__ is np.ndarray:
        name = _shared.block_name(arr)
        if name is not None:
            return _rebuild_shared, (name, arr.shape, arr.dtype, t._requires_grad)
    return _rebuild, (t._host(), t._requires_grad)


def _rebuild_shared(name, shape, np_dtype, requires_grad):
    return _rebuild(_shared.receive(name, shape, np_dtype), requires_grad)


def _register_reducer() -> None:
    """Make multiprocessing's pickler use _reduce_tensor (main process and every worker)."""
    from multiprocessing.reduction import ForkingPickler

    ForkingPickler.register(Tensor, _reduce_tensor)


@dataclass(frozen=True, slots=True)
class WorkerInfo:
    """What a worker knows about itself: id, num_workers, seed, and its copy of the dataset."""

    id: int
    num_workers: int
    seed: int
    dataset: object
    rng: object = None
    worker_method: str | None = "multiprocessing"


_worker_info: WorkerInfo | None = None


def get_worker_info() -> WorkerInfo | None:
    """This worker's WorkerInfo inside a DataLoader worker process; None in the main process."""
    return _worker_info


@dataclass(frozen=True)
class _IterableDatasetStopIteration:
    """A worker's IterableDataset is exhausted."""

    worker_id: int


@dataclass(frozen=True)
class _ResumeIteration:
    """Persistent workers: start a new epoch with a fresh fetcher."""

    seed: int | None = None


class KeyErrorMessage(str):
    """A str whose repr is itself, so a re-raised KeyError prints its traceback readably."""

    def __repr__(self):
        return self


class ExceptionWrapper:
    """An exception's type and formatted traceback, picklable, re-raised in the main process."""

    def __init__(self, exc_info=None, where: str = "in background") -> None:
        if exc_info is None:
            exc_info = sys.exc_info()
        self.exc_type = exc_info[0]
        self.exc_name = exc_info[0].__name__  # kept if the type must travel as RuntimeError
        self.exc_msg = "".join(traceback.format_exception(*exc_info))
        self.where = where

    def reraise(self):
        msg = f"Caught {self.exc_name} {self.where}.\nOriginal {self.exc_msg}"
        if self.exc_type is KeyError:
            msg = KeyErrorMessage(msg)
        elif getattr(self.exc_type, "message", None):
            raise self.exc_type(message=msg)
        try:
            exception = self.exc_type(msg)
        except Exception:  # noqa: BLE001 - an exception type we cannot rebuild from one message
            raise RuntimeError(msg) from None
        raise exception


def _generate_state(base_seed: int, worker_id: int) -> list:
    """NumPy's seed for a worker: torch's port of SeedSequence's hash of (worker_id, base_seed)."""
    init_a, mult_a = 0x43B0D7E5, 0x931E8875
    init_b, mult_b = 0x8B51F9DD, 0x58F38DED
    mix_l, mix_r = 0xCA01F9DD, 0x4973F715
    mask = 0xFFFFFFFF
    entropy = [worker_id, base_seed & mask, base_seed >> 32, 0]
    const_a = init_a

    def hash_(value):
        nonlocal const_a
        value = (value ^ const_a) & mask
        const_a = (const_a * mult_a) & mask
        value = (value * const_a) & mask
        return (value ^ (value >> 16)) & mask

    def mix(x, y):
        r = (((mix_l * x) & mask) - ((mix_r * y) & mask)) & mask
        return (r ^ (r >> 16)) & mask

    pool = [hash_(e) for e in entropy]
    for src in range(4):
        for dst in range(4):
            if src != dst:
                pool[dst] = mix(pool[dst], hash_(pool[src]))
    const_b = init_b
    state = []
    for value in pool:
        value = (value ^ const_b) & mask
        const_b = (const_b * mult_b) & mask
        value = (value * const_b) & mask
        state.append((value ^ (value >> 16)) & mask)
    return state


# glibc's malloc in a worker: arrays below 32 MiB come from the heap and up to 64 MiB of freed heap
# is kept, the values its dynamic thresholds grow to (DEFAULT_MMAP_THRESHOLD_MAX and twice it)
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
_MMAP_THRESHOLD = 32 << 20


def _keep_heap() -> None:
    """Let the next batch's samples reuse the last batch's freed memory: otherwise glibc hands a
    batch's worth of freed samples back to the kernel and each page faults (and is zeroed) anew."""
    try:
        import ctypes

        mallopt = ctypes.CDLL(None).mallopt
    except (ImportError, OSError, AttributeError):  # not glibc (macOS, Windows): nothing to tune
        return
    mallopt(_M_MMAP_THRESHOLD, _MMAP_THRESHOLD)
    mallopt(_M_TRIM_THRESHOLD, 2 * _MMAP_THRESHOLD)


def _parent_alive(parent_pid: int) -> bool:
    return os.getppid() == parent_pid


def _worker_loop(is_iterable, dataset, index_queue, result_conn, done_event, auto_collation,
                 collate_fn, drop_last, base_seed, init_fn, worker_id, num_workers,
                 persistent_workers, shm_prefix=None, parent_conn=None, inherited=()) -> None:
    """Fetch (task_idx, indices) from index_queue, send (task_idx, data) through result_conn.

    `parent_conn` reaches EOF when the main process dies (even by SIGKILL): the worker then stops
    at once and removes the shared-memory files it made that were never received. `inherited`
    are the main process's pipe ends a forked worker must close so that EOF can happen.
    """
    global _worker_info
    for conn in inherited:
        conn.close()
    signal.signal(signal.SIGTERM, _terminated)  # terminate() still runs the cleanup below
    sender = None
    shm = None if shm_prefix is None else f"{shm_prefix}{worker_id}_"
    try:
        _register_reducer()  # already done in a forked worker; needed under spawn/forkserver
        seed = base_seed + worker_id
        random.seed(seed)
        default_generator.manual_seed(seed)  # the CPU stream only: CUDA must not start in a fork
        np.random.seed(_generate_state(base_seed, worker_id))
        _shared.start_worker(shm)
        _keep_heap()
        _worker_info = WorkerInfo(id=worker_id, num_workers=num_workers, seed=seed,
                                  dataset=dataset)
        where = f"in DataLoader worker process {worker_id}"
        sender = _channel.Sender(result_conn)
        init_exception = None
        fetcher = None
        try:
            if isinstance(dataset, IterDataPipe):  # each worker keeps its share of the samples
                graph_settings.apply_sharding(dataset, num_workers, worker_id)
            if init_fn is not None:
                init_fn(worker_id)
            fetcher = _create_fetcher(is_iterable, dataset, auto_collation, collate_fn,
                                      drop_last)
        except Exception:  # noqa: BLE001 - reported with the first task
            init_exception = ExceptionWrapper(where=where)
        iteration_end = False
        parent = os.getppid()
        tasks = index_queue._reader  # a SimpleQueue: no feeder thread on either side
        watched = [tasks] if parent_conn is None else [tasks, parent_conn]
        while _parent_alive(parent):
            ready = _wait(watched, MP_STATUS_CHECK_INTERVAL)
            if not ready:
                continue
            if parent_conn in ready:  # EOF: the main process is gone, its tasks with it
                break
            try:
                r = index_queue.get()
            except (EOFError, OSError):
                break
            if isinstance(r, _ResumeIteration):
                sender.put(_channel.dumps((r, None), where))
                iteration_end = False
                fetcher = _create_fetcher(is_iterable, dataset, auto_collation, collate_fn,
                                          drop_last)
                continue
            if r is None:
                break
            if done_event.is_set() or iteration_end:
                continue
            idx, index = r
            if init_exception is not None:
                data, init_exception = init_exception, None
            else:
                try:
                    data = fetcher.fetch(index)
                except StopIteration:
                    if not is_iterable:
                        data = ExceptionWrapper(where=where)
                    else:
                        data = _IterableDatasetStopIteration(worker_id)
                        iteration_end = True
                except Exception:  # noqa: BLE001 - re-raised in the main process
                    data = ExceptionWrapper(where=where)
            sender.put(_channel.dumps((idx, data), where))
            del data, idx, index, r
    except KeyboardInterrupt:
        pass
    finally:
        if sender is not None:  # the main process wants nothing more once it stops a worker
            sender.close(0)
        if shm is not None:  # batches stacked but never received (the receiver unlinks the rest)
            _shared.cleanup(shm)
        if _terminating:  # die of the signal after all, so the exit code still names it
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            os.kill(os.getpid(), signal.SIGTERM)


_terminating = False


def _terminated(signum, frame):
    global _terminating
    _terminating = True
    raise SystemExit(1)


def _wait(conns, timeout):
    from multiprocessing.connection import wait

    return wait(conns, timeout)
