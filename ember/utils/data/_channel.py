"""The result pipe of one DataLoader worker: the worker pickles each result itself and writes it
from a thread; the main process reads whatever bytes are there, never blocking.

Why not a multiprocessing.Queue: its get() blocks until a whole message has arrived, so a worker
that dies half-way through a large message hangs the main process for good (the pipe never reaches
EOF while the main process holds a write end), and its feeder thread drops results it cannot
pickle, so the main process waits forever for them. Here every worker has its own pipe (a death
corrupts no other worker's stream), a pickling failure travels back as the worker's error, and the
reader keeps partial messages in a buffer between polls, so the caller can watch worker liveness
and its own deadline at any point of a transfer. The framing is multiprocessing.Connection's.
"""
from __future__ import annotations

import os
import queue
import struct
import threading

_PIPE_BYTES = 1 << 20  # ask Linux for 1 MiB pipes: fewer wake-ups per large batch
_F_SETPIPE_SZ = 1031


def _pickler():
    """multiprocessing's ForkingPickler (imported on first use: `import ember` stays light)."""
    from multiprocessing.reduction import ForkingPickler

    return ForkingPickler


def enlarge(conn) -> None:
    """Grow a pipe's kernel buffer where the platform allows it (best effort)."""
    try:
        import fcntl

        fcntl.fcntl(conn.fileno(), _F_SETPIPE_SZ, _PIPE_BYTES)
    except (ImportError, OSError):
        pass


def dumps(item, where: str) -> bytes:
    """Pickle a worker's (task index, data); an unpicklable result becomes the worker's error,
    an unpicklable exception type a RuntimeError carrying its name and traceback."""
    from ._worker import ExceptionWrapper

    pickler = _pickler()
    try:
        return pickler.dumps(item)
    except Exception:  # noqa: BLE001 - any pickling failure is reported, not dropped
        idx, data = item
        if not isinstance(data, ExceptionWrapper):
            data = ExceptionWrapper(where=where)
    try:
        return pickler.dumps((idx, data))
    except Exception:  # noqa: BLE001 - the exception type itself cannot be pickled
        data.exc_type = RuntimeError
        return pickler.dumps((idx, data))


class Sender:
    """The worker's end: put() queues a pickled result, a daemon thread writes it to the pipe,
    so the worker goes on fetching while the main process drains a large batch."""

    def __init__(self, conn) -> None:
        self._conn = conn
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="ember-dl-sender", daemon=True)
        self._thread.start()

    def put(self, payload: bytes) -> None:
        self._queue.put(payload)

    def _run(self) -> None:
        while (payload := self._queue.get()) is not None:
            try:
                self._conn.send_bytes(payload)
            except OSError:  # the main process closed its end or died: nobody reads any more
                return

    def close(self, timeout: float) -> None:
        """Let the thread write what is queued (at most `timeout` seconds), then stop it."""
        self._queue.put(None)
        self._thread.join(timeout)


class Receiver:
    """The main process's end: pump() returns the messages completed by the bytes available now,
    keeping a partial message for the next call; `eof` turns True when every writer is gone."""

    def __init__(self, conn) -> None:
        self.conn = conn
        self.eof = False
        self._fd = conn.fileno()
        os.set_blocking(self._fd, False)
        self._head = b""
        self._body: bytearray | None = None
        self._view: memoryview | None = None
        self._pos = 0

    def _read_header(self) -> bool:
        """Read the size prefix; True once the body buffer is allocated."""
        need = 4 if len(self._head) < 4 else 12
        chunk = os.read(self._fd, need - len(self._head))
        if not chunk:
            self.eof = True
            return False
        self._head += chunk
        if len(self._head) == 4 and self._head != b"\xff\xff\xff\xff":
            size = struct.unpack("!i", self._head)[0]
        elif len(self._head) == 12:
            size = struct.unpack("!Q", self._head[4:])[0]
        else:
            return False
        self._body, self._pos = bytearray(size), 0
        self._view = memoryview(self._body)
        return True

    def pump(self) -> list:
        """The complete messages (bytes-like) readable without blocking."""
        done = []
        try:
            while not self.eof:
                if self._body is None and not self._read_header():
                    continue
                if self._pos < len(self._body):
                    n = os.readv(self._fd, [self._view[self._pos:]])
                    if n == 0:
                        self.eof = True
                        break
                    self._pos += n
                if self._pos == len(self._body):
                    self._view.release()
                    done.append(self._body)
                    self._head, self._body, self._view = b"", None, None
        except BlockingIOError:
            pass
        return done

    def close(self) -> None:
        if self._view is not None:
            self._view.release()
        self.conn.close()


def loads(payload):
    return _pickler().loads(payload)
