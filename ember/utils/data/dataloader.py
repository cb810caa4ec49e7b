"""DataLoader as torch.utils.data: batching, shuffling, and loading in worker processes.

The iterators follow torch's protocol: the main process draws `base_seed` from its generator when
an epoch's iterator is made, hands (task index, batch indices) to the workers round-robin through
one index queue each, keeps `prefetch_factor * num_workers` tasks in flight, and returns results
in order (or as they come with in_order=False). Results come back through one pipe per worker
(`_channel`), read without ever blocking: waiting watches every worker's process sentinel and the
`timeout` deadline during the whole transfer, so a worker that dies, even half-way through sending
a large batch, raises a RuntimeError at once, and a stalled one times out.
"""
from __future__ import annotations

import atexit
import collections
import itertools
import os
import signal
import time
import warnings
import weakref

from ..._dtype import int64
from ..._mt19937 import Generator
from ...ops.creation import empty
from . import _channel, _shared, _worker, graph_settings
from ._collate import default_collate, default_convert
from ._fetch import _create_fetcher
from ._worker import ExceptionWrapper, get_worker_info
from .datapipes.datapipe import IterDataPipe
from .dataset import IterableDataset
from .sampler import BatchSampler, RandomSampler, Sampler, SequentialSampler

__all__ = ["DataLoader", "default_collate", "default_convert", "get_worker_info"]

_python_exiting = False
_iterator_ids = itertools.count()
_swept = False  # shared-memory files of dead main processes removed once per process


def _set_python_exiting() -> None:
    """At exit: multiprocessing terminates the workers; their unreceived batches go too."""
    global _python_exiting
    _python_exiting = True
    _shared.cleanup(f"ember_dl_{os.getpid()}_")


atexit.register(_set_python_exiting)


class _InfiniteConstantSampler(Sampler):
    """None forever: the 'indices' of an IterableDataset."""

    def __iter__(self):
        while True:
            yield None


def _mp():
    """multiprocessing, imported on first use so that `import ember` does not pay for it."""
    import multiprocessing
    import multiprocessing.connection

    return multiprocessing


def _default_context():
    """'fork' where the platform has it (Linux, as torch), else the platform default."""
    multiprocessing = _mp()
    if "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


def _put(index_queue, task) -> None:
    """Send a task; a dead worker's pipe refuses it (EPIPE) and the next read reports the death."""
    try:
        index_queue.put(task)
    except OSError:
        pass


def _sweep_once() -> None:
    """Remove shared-memory batches left by main processes that were killed with their workers."""
    global _swept
    if not _swept:
        _swept = True
        _shared.sweep_orphans()


def _cpu_count() -> int | None:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count()


class DataLoader:
    """Iterate over a dataset in (optionally shuffled) batches, optionally in worker processes."""

    __initialized = False

    def __class_getitem__(cls, item):  # DataLoader[int] in annotations, as torch's Generic
        return cls

    def __init__(self, dataset, batch_size: int | None = 1, shuffle: bool | None = None,
                 sampler=None, batch_sampler=None, num_workers: int = 0, collate_fn=None,
                 pin_memory: bool = False, drop_last: bool = False, timeout: float = 0,
                 worker_init_fn=None, multiprocessing_context=None, generator=None, *,
                 prefetch_factor: int | None = None, persistent_workers: bool = False,
                 pin_memory_device: str = "", in_order: bool = True) -> None:
        if num_workers < 0:
            raise ValueError("num_workers option should be non-negative; use num_workers=0 to "
                             "disable multiprocessing.")
        if timeout < 0:
            raise ValueError("timeout option should be non-negative")
        if num_workers == 0 and prefetch_factor is not None:
            raise ValueError("prefetch_factor option could only be specified in multiprocessing."
                             "let num_workers > 0 to enable multiprocessing, otherwise set "
                             "prefetch_factor to None.")
        if num_workers > 0 and prefetch_factor is None:
            prefetch_factor = 2
        elif prefetch_factor is not None and prefetch_factor < 0:
            raise ValueError("prefetch_factor option should be non-negative")
        if persistent_workers and num_workers == 0:
            raise ValueError("persistent_workers option needs num_workers > 0")
        self.dataset = dataset
        self.num_workers = num_workers
        self.prefetch_factor = prefetch_factor
        self.pin_memory = pin_memory
        self.pin_memory_device = pin_memory_device
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.multiprocessing_context = multiprocessing_context
        self.in_order = in_order
        self._is_iterable = isinstance(dataset, IterableDataset)
        if self._is_iterable:
            if shuffle not in {False, None}:
                raise ValueError("DataLoader with IterableDataset: expected unspecified shuffle "
                                 f"option, but got shuffle={shuffle}")
            if sampler is not None:
                raise ValueError("DataLoader with IterableDataset: expected unspecified sampler "
                                 f"option, but got sampler={sampler}")
            if batch_sampler is not None:
                raise ValueError("DataLoader with IterableDataset: expected unspecified "
                                 f"batch_sampler option, but got batch_sampler={batch_sampler}")
        else:
            shuffle = bool(shuffle)
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError("batch_sampler option is mutually exclusive with batch_size, "
                                 "shuffle, sampler, and drop_last")
            batch_size = None
            drop_last = False
        elif batch_size is None and drop_last:
            raise ValueError("batch_size=None option disables auto-batching and is mutually "
                             "exclusive with drop_last")
        if sampler is None:
            if self._is_iterable:
                sampler = _InfiniteConstantSampler()
            elif shuffle:
                sampler = RandomSampler(dataset, generator=generator)
            else:
                sampler = SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.generator = generator
        if collate_fn is None:
            collate_fn = default_collate if self._auto_collation else default_convert
        self.collate_fn = collate_fn
        self.persistent_workers = persistent_workers
        self.__initialized = True
        self._IterableDataset_len_called = None
        self._iterator = None
        self.check_worker_number_rationality()

    @property
    def multiprocessing_context(self):
        return self.__multiprocessing_context

    @multiprocessing_context.setter
    def multiprocessing_context(self, context) -> None:
        if context is not None:
            if self.num_workers <= 0:
                raise ValueError("multiprocessing_context can only be used with multi-process "
                                 "loading (num_workers > 0), but got "
                                 f"num_workers={self.num_workers}")
            multiprocessing = _mp()
            if isinstance(context, str):
                methods = multiprocessing.get_all_start_methods()
                if context not in methods:
                    raise ValueError("multiprocessing_context option should specify a valid "
                                     f"start method in {methods!r}, but got "
                                     f"multiprocessing_context={context!r}")
                context = multiprocessing.get_context(context)
            if not isinstance(context, multiprocessing.context.BaseContext):
                raise TypeError("multiprocessing_context option should be a valid context "
                                "object or a string specifying the start method, but got "
                                f"multiprocessing_context={context}")
        self.__multiprocessing_context = context

    def __setattr__(self, attr, val) -> None:
        if self.__initialized and attr in ("batch_size", "batch_sampler", "sampler", "drop_last",
                                           "dataset", "persistent_workers"):
            raise ValueError(f"{attr} attribute should not be set after "
                             f"{self.__class__.__name__} is initialized")
        super().__setattr__(attr, val)

    def _get_iterator(self):
        if self.num_workers == 0:
            return _SingleProcessDataLoaderIter(self)
        self.check_worker_number_rationality()
        return _MultiProcessingDataLoaderIter(self)

    def __iter__(self):
        if self.persistent_workers and self.num_workers > 0:
            if self._iterator is None:
                self._iterator = self._get_iterator()
            else:
                self._iterator._reset(self)
            return self._iterator
        return self._get_iterator()

    @property
    def _auto_collation(self) -> bool:
        return self.batch_sampler is not None

    @property
    def _index_sampler(self):
        return self.batch_sampler if self._auto_collation else self.sampler

    def __len__(self) -> int:
        if not self._is_iterable:
            return len(self._index_sampler)
        length = self._IterableDataset_len_called = len(self.dataset)
        if self.batch_size is not None:
            length = length // self.batch_size if self.drop_last else \
                -(-length // self.batch_size)
        return length

    def check_worker_number_rationality(self) -> None:
        """Warn when more workers are asked for than this process may use CPUs."""
        if not self.num_workers:
            return
        suggest = _cpu_count()
        if suggest is None or self.num_workers > suggest:
            checked = "" if hasattr(os, "sched_getaffinity") else \
                " (`cpuset` is not taken into account)"
            max_msg = (f"Our suggested max number of worker in current system is {suggest}"
                       f"{checked}, which is smaller than what this DataLoader is going to "
                       "create.") if suggest is not None else \
                "DataLoader is not able to compute a suggested max number of worker in current " \
                "system."
            warnings.warn(f"This DataLoader will create {self.num_workers} worker processes in "
                          f"total. {max_msg} Please be aware that excessive worker creation "
                          "might get DataLoader running slow or even freeze, lower the worker "
                          "number to avoid potential slowness/freeze if necessary.",
                          stacklevel=2)


# ---- iterators ----------------------------------------------------------------------------------


class _BaseDataLoaderIter:
    """What both iterators share: the sampler iterator, base_seed, the length warning."""

    def __init__(self, loader: DataLoader) -> None:
        self._dataset = loader.dataset
        self._is_iterable = loader._is_iterable
        self._IterableDataset_len_called = loader._IterableDataset_len_called
        self._auto_collation = loader._auto_collation
        self._drop_last = loader.drop_last
        self._index_sampler = loader._index_sampler
        self._num_workers = loader.num_workers
        if loader.pin_memory:
            from ... import accelerator

            if not accelerator.is_available():
                warnings.warn("'pin_memory' argument is set as true but no accelerator is "
                              "found, then device pinned memory won't be used.", stacklevel=3)
        self._timeout = loader.timeout
        self._collate_fn = loader.collate_fn
        self._sampler_iter = iter(self._index_sampler)
        if isinstance(self._dataset, IterDataPipe):  # torch's shared seed for the shufflers
            shared = int(empty((), dtype=int64).random_(generator=loader.generator).item())
            graph_settings.apply_random_seed(self._dataset, Generator().manual_seed(shared))
        self._base_seed = int(empty((), dtype=int64).random_(generator=loader.generator).item())
        self._persistent_workers = loader.persistent_workers
        self._num_yielded = 0

    def __iter__(self):
        return self

    def _reset(self, loader, first_iter: bool = False) -> None:
        self._sampler_iter = iter(self._index_sampler)
        self._num_yielded = 0
        self._IterableDataset_len_called = loader._IterableDataset_len_called

    def _next_index(self):
        return next(self._sampler_iter)

    def __next__(self):
        data = self._next_data()
        self._num_yielded += 1
        if self._is_iterable and self._IterableDataset_len_called is not None \
                and self._num_yielded > self._IterableDataset_len_called:
            msg = (f"Length of IterableDataset {self._dataset} was reported to be "
                   f"{self._IterableDataset_len_called}(when accessing len(dataloader)), but "
                   f"{self._num_yielded} samples have been fetched. ")
            if self._num_workers > 0:
                msg += ("For multiprocessing data-loading, this could be caused by not properly "
                        "configuring the IterableDataset replica at each worker. Please see "
                        "https://pytorch.org/docs/stable/data.html#torch.utils.data."
                        "IterableDataset for examples.")
            warnings.warn(msg, stacklevel=2)
        return data

    def __len__(self) -> int:
        return len(self._index_sampler)

    def __getstate__(self):
        raise NotImplementedError(f"{self.__class__.__name__} cannot be pickled")


class _SingleProcessDataLoaderIter(_BaseDataLoaderIter):
    """Fetch in the main process: index -> fetcher -> collated batch."""

    def __init__(self, loader) -> None:
        super().__init__(loader)
        if self._timeout != 0:
            raise AssertionError("_SingleProcessDataLoaderIter requires timeout == 0")
        self._fetcher = _create_fetcher(self._is_iterable, self._dataset, self._auto_collation,
                                        self._collate_fn, self._drop_last)

    def _next_data(self):
        return self._fetcher.fetch(self._next_index())


def _death_message(workers) -> str:
    """torch's two texts: the exit poll's 'exited unexpectedly', the signal handler's 'killed'."""
    pids = ", ".join(str(w.pid) for w in workers)
    msg = f"DataLoader worker (pid(s) {pids}) exited unexpectedly"
    for w in workers:
        if w.exitcode is not None and w.exitcode < 0:
            msg += (f"; DataLoader worker (pid {w.pid}) is killed by signal: "
                    f"{signal.strsignal(-w.exitcode)}.")
    return msg


class _WorkerSet:
    """One iterator's processes and queues. A weakref finalizer of the iterator shuts them down,
    so they are still intact even when the iterator dies inside a garbage cycle (where __del__
    may run after the queues' own finalizers closed their pipes)."""

    def __init__(self, workers, index_queues, receivers, parent_conn, done_event, status,
                 persistent, shm_prefix):
        self.workers, self.index_queues, self.receivers = workers, index_queues, receivers
        self.parent_conn = parent_conn  # its EOF tells the workers that the main process is gone
        self.done_event, self.status, self.persistent = done_event, status, persistent
        self.shm_prefix = shm_prefix

    def shutdown(self) -> None:
        """Tell every worker to stop, join them briefly, terminate the stragglers."""
        if _python_exiting:  # multiprocessing's own atexit terminates daemonic workers
            return
        try:
            self.done_event.set()
            for worker_id, q in enumerate(self.index_queues):
                if self.persistent or self.status[worker_id]:
                    _put(q, None)
                    self.status[worker_id] = False
            for w in self.workers:
                w.join(timeout=_worker.MP_STATUS_CHECK_INTERVAL)
            for q in self.index_queues:
                q.close()
        finally:
            for w in self.workers:
                if w.is_alive():
                    w.terminate()
                    w.join(timeout=_worker.MP_STATUS_CHECK_INTERVAL)
                if w.is_alive():  # a stopped process ignores SIGTERM
                    w.kill()
                    w.join(timeout=_worker.MP_STATUS_CHECK_INTERVAL)
            for r in self.receivers:
                r.close()
            self.parent_conn.close()
            if self.shm_prefix is not None:
                _shared.cleanup(self.shm_prefix)


class _MultiProcessingDataLoaderIter(_BaseDataLoaderIter):
    """Fetch in `num_workers` processes; results come back through one queue."""

    def __init__(self, loader) -> None:
        super().__init__(loader)
        if isinstance(self._dataset, IterDataPipe):  # torch draws one more seed here
            empty((), dtype=int64).random_(generator=loader.generator)
        self._prefetch_factor = loader.prefetch_factor
        self._in_order = loader.in_order
        if self._prefetch_factor <= 0:
            raise AssertionError("prefetch_factor must be greater than 0 for "
                                 "MultiProcessingDataLoaderIter")
        ctx = loader.multiprocessing_context or _default_context()
        self._wait = _mp().connection.wait
        _worker._register_reducer()
        self._worker_init_fn = loader.worker_init_fn
        self._workers_done_event = ctx.Event()
        self._workers_status = [True] * self._num_workers
        self._shm_prefix = None
        if _shared.available():
            _sweep_once()
            self._shm_prefix = f"ember_dl_{os.getpid()}_{next(_iterator_ids)}_"
        self._index_queues = []
        self._workers = []
        self._receivers = []  # one _channel.Receiver per worker
        self._owner = {}  # result pipe or process sentinel -> worker id
        self._ready = collections.deque()  # (task index, data) received, not yet consumed
        parent_reader, parent_conn = ctx.Pipe(duplex=False)
        # the finalizer exists before the first start(): a failed start leaks no workers
        pool = _WorkerSet(self._workers, self._index_queues, self._receivers, parent_conn,
                          self._workers_done_event, self._workers_status,
                          self._persistent_workers, self._shm_prefix)
        self._finalizer = weakref.finalize(self, pool.shutdown)
        self._finalizer.atexit = False
        try:
            for i in range(self._num_workers):
                self._start_worker(ctx, i, parent_reader, parent_conn)
        finally:
            parent_reader.close()
        self._reset(loader, first_iter=True)

    def _start_worker(self, ctx, i, parent_reader, parent_conn) -> None:
        # SimpleQueue writes at put(): a None sent from __del__ during a gc pass still
        # arrives (a Queue's feeder thread may already be finalised by then)
        index_queue = ctx.SimpleQueue()
        reader, writer = ctx.Pipe(duplex=False)
        _channel.enlarge(writer)
        # pipe ends a forked worker must not keep open: the main process's alone reach EOF
        inherited = [parent_conn, reader, index_queue._writer] + [r.conn for r in self._receivers]
        inherited += [q._writer for q in self._index_queues]
        w = ctx.Process(target=_worker._worker_loop, args=(
            self._is_iterable, self._dataset, index_queue, writer,
            self._workers_done_event, self._auto_collation, self._collate_fn,
            self._drop_last, self._base_seed, self._worker_init_fn, i, self._num_workers,
            self._persistent_workers, self._shm_prefix, parent_reader, inherited))
        w.daemon = True
        self._receivers.append(_channel.Receiver(reader))
        self._index_queues.append(index_queue)
        try:
            w.start()
        finally:
            writer.close()  # the worker holds the only write end: its death is EOF here
            index_queue._reader.close()  # and the only read end: a put to the dead fails
        self._workers.append(w)
        self._owner[reader] = self._owner[w.sentinel] = i

    def _reset(self, loader, first_iter: bool = False) -> None:
        super()._reset(loader, first_iter)
        self._send_idx = 0
        self._rcvd_idx = 0
        self._task_info = {}
        self._tasks_outstanding = 0
        self._workers_status[:] = [True] * self._num_workers  # shared with the _WorkerSet
        self._workers_num_tasks = [0] * self._num_workers
        self._worker_queue_idx_cycle = itertools.cycle(range(self._num_workers))
        if not first_iter:
            for q in self._index_queues:
                q.put(_worker._ResumeIteration())
            pending = self._num_workers
            while pending > 0:
                idx, _ = self._get_data()
                if isinstance(idx, _worker._ResumeIteration):
                    pending -= 1
        for _ in range(self._prefetch_factor * self._num_workers):
            self._try_put_index()

    def _receive(self, worker_id: int) -> None:
        """Take the bytes worker `worker_id` has sent; queue each message they complete."""
        for payload in self._receivers[worker_id].pump():
            self._ready.append(_channel.loads(payload))

    def _try_get_data(self, timeout: float = _worker.MP_STATUS_CHECK_INTERVAL):
        """(True, item) when a result arrived within `timeout` seconds; (False, None) otherwise;
        RuntimeError when a live worker's process ended (after what it sent completely)."""
        deadline = time.monotonic() + timeout
        while not self._ready:
            live = [i for i, up in enumerate(self._workers_status) if up]
            handles = [self._receivers[i].conn for i in live if not self._receivers[i].eof]
            handles += [self._workers[i].sentinel for i in live]
            dead = []
            for handle in self._wait(handles, max(0.0, deadline - time.monotonic())):
                worker_id = self._owner[handle]
                if isinstance(handle, int):  # a process sentinel: that worker has ended
                    dead.append(worker_id)
                else:
                    self._receive(worker_id)
            if dead and not self._ready:
                for worker_id in dead:  # bytes written just before the end
                    self._receive(worker_id)
                if not self._ready:
                    for worker_id in dead:
                        self._workers[worker_id].join(1.0)  # reap it: exitcode names the signal
                        self._mark_worker_as_unavailable(worker_id)
                    raise RuntimeError(_death_message([self._workers[i] for i in dead]))
            if not self._ready and time.monotonic() >= deadline:
                return False, None
        return True, self._ready.popleft()

    def _get_data(self):
        if self._timeout > 0:
            ok, data = self._try_get_data(self._timeout)
            if not ok:
                raise RuntimeError(f"DataLoader timed out after {self._timeout} seconds")
            return data
        while True:
            ok, data = self._try_get_data()
            if ok:
                return data

    def _next_data(self):
        while True:
            # skip tasks whose worker ended (an exhausted IterableDataset) without data
            while self._rcvd_idx < self._send_idx:
                info = self._task_info.get(self._rcvd_idx)
                if info and (len(info) == 2 or self._workers_status[info[0]]):
                    break
                self._task_info.pop(self._rcvd_idx, None)
                self._rcvd_idx += 1
            else:
                if not self._persistent_workers:
                    self._shutdown_workers()
                raise StopIteration
            if len(self._task_info[self._rcvd_idx]) == 2:
                worker_id, data = self._task_info.pop(self._rcvd_idx)
                self._rcvd_idx += 1
                return self._process_data(data, worker_id)
            idx, data = self._get_data()
            self._tasks_outstanding -= 1
            if self._is_iterable and isinstance(data, _worker._IterableDatasetStopIteration):
                if self._persistent_workers:
                    self._workers_status[data.worker_id] = False
                else:
                    self._mark_worker_as_unavailable(data.worker_id)
                self._try_put_index()
                continue
            if idx != self._rcvd_idx:
                if not self._in_order:
                    worker_id = self._task_info.pop(idx)[0]
                    return self._process_data(data, worker_id)
                self._task_info[idx] += (data,)
            else:
                worker_id = self._task_info.pop(idx)[0]
                self._rcvd_idx += 1
                return self._process_data(data, worker_id)

    def _try_put_index(self) -> None:
        max_tasks = self._prefetch_factor * self._num_workers
        try:
            index = self._next_index()
        except StopIteration:
            return
        for _ in range(self._num_workers):  # the next active worker, if any
            worker_idx = next(self._worker_queue_idx_cycle)
            if self._workers_status[worker_idx] and (
                    self._in_order
                    or self._workers_num_tasks[worker_idx] < max_tasks // sum(self._workers_status)):
                break
        else:
            return
        _put(self._index_queues[worker_idx], (self._send_idx, index))
        self._task_info[self._send_idx] = (worker_idx,)
        self._workers_num_tasks[worker_idx] += 1
        self._tasks_outstanding += 1
        self._send_idx += 1

    def _process_data(self, data, worker_idx):
        self._workers_num_tasks[worker_idx] -= 1
        self._try_put_index()
        if isinstance(data, ExceptionWrapper):
            data.reraise()
        return data

    def _mark_worker_as_unavailable(self, worker_id: int, shutdown: bool = False) -> None:
        _put(self._index_queues[worker_id], None)
        self._workers_status[worker_id] = False

    def _shutdown_workers(self) -> None:
        """Stop the workers now (also run by the finalizer when the iterator dies)."""
        self._finalizer()

    @property
    def _shutdown(self) -> bool:
        return not self._finalizer.alive
