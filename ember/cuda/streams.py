"""torch.cuda.Stream / Event / stream() as thin wrappers over CuPy's streams and events."""
from __future__ import annotations

from .. import backend as _backend


def _cupy(what: str):
    cp = _backend._load_cupy()
    if cp is None:
        raise RuntimeError(what)
    return cp


class Stream:
    """A CUDA stream of one device (non-blocking with respect to the legacy default stream)."""

    def __init__(self, device=None, priority: int = 0, **kwargs) -> None:
        cp = _cupy("torch.cuda.Stream requires CUDA support")
        from . import _get_device_index, _lazy_init

        _lazy_init()
        wrapped = kwargs.get("_wrap")
        self.device_index = _get_device_index(device, optional=True)
        if wrapped is not None:
            self._cp = wrapped
            return
        with cp.cuda.Device(self.device_index):
            try:
                self._cp = cp.cuda.Stream(non_blocking=True, priority=priority or None)
            except TypeError:  # CuPy without stream priorities
                self._cp = cp.cuda.Stream(non_blocking=True)

    @classmethod
    def _wrap(cls, cp_stream, device_index: int) -> Stream:
        return cls(device_index, _wrap=cp_stream)

    @property
    def device(self):
        from ..device import device

        return device("cuda", self.device_index)

    @property
    def cuda_stream(self) -> int:
        return self._cp.ptr

    def query(self) -> bool:
        return bool(self._cp.done)

    def synchronize(self) -> None:
        self._cp.synchronize()

    def wait_event(self, event: Event) -> None:
        self._cp.wait_event(event._cp)

    def wait_stream(self, stream: Stream) -> None:
        self.wait_event(stream.record_event())

    def record_event(self, event: Event | None = None) -> Event:
        event = Event() if event is None else event
        event.record(self)
        return event

    def __eq__(self, other) -> bool:
        return isinstance(other, Stream) and self._cp.ptr == other._cp.ptr \
            and self.device_index == other.device_index

    def __hash__(self) -> int:
        return hash((self._cp.ptr, self.device_index))

    def __repr__(self) -> str:
        return f"<torch.cuda.Stream device=cuda:{self.device_index} cuda_stream={self._cp.ptr:#x}>"


class Event:
    """A CUDA event: marks a point in a stream; with enable_timing, measures elapsed ms."""

    def __init__(self, enable_timing: bool = False, blocking: bool = False,
                 interprocess: bool = False) -> None:
        cp = _cupy("Tried to instantiate dummy base class Event")
        self._cp = cp.cuda.Event(block=blocking, disable_timing=not enable_timing,
                                 interprocess=interprocess)

    def record(self, stream: Stream | None = None) -> None:
        stream = current_stream() if stream is None else stream
        self._cp.record(stream._cp)

    def wait(self, stream: Stream | None = None) -> None:
        stream = current_stream() if stream is None else stream
        stream.wait_event(self)

    def query(self) -> bool:
        return bool(self._cp.done)

    def synchronize(self) -> None:
        self._cp.synchronize()

    def elapsed_time(self, end_event: Event) -> float:
        """Milliseconds between this event and `end_event` (both recorded with timing)."""
        return float(_backend._load_cupy().cuda.get_elapsed_time(self._cp, end_event._cp))

    def __repr__(self) -> str:
        return f"<torch.cuda.Event {self._cp.ptr:#x}>"


def current_stream(device=None) -> Stream:
    from . import _get_device_index, _lazy_init

    cp = _lazy_init()
    idx = _get_device_index(device, optional=True)
    with cp.cuda.Device(idx):
        return Stream._wrap(cp.cuda.get_current_stream(), idx)


def default_stream(device=None) -> Stream:
    from . import _get_device_index, _lazy_init

    cp = _lazy_init()
    return Stream._wrap(cp.cuda.Stream.null, _get_device_index(device, optional=True))


class StreamContext:
    """Make `stream` current (and its device) inside a with-block; None is a no-op."""

    def __init__(self, stream: Stream | None) -> None:
        self.stream = stream
        self._device_ctx = None

    def __enter__(self) -> None:
        cp = _backend._load_cupy()
        if self.stream is None or cp is None:
            return
        self._device_ctx = cp.cuda.Device(self.stream.device_index)
        self._device_ctx.__enter__()
        self.stream._cp.__enter__()

    def __exit__(self, *exc) -> bool:
        if self._device_ctx is not None:
            self.stream._cp.__exit__(*exc)
            self._device_ctx.__exit__(*exc)
            self._device_ctx = None
        return False


def stream(stream: Stream | None) -> StreamContext:
    return StreamContext(stream)
