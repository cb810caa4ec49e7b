"""GPU memory statistics over CuPy's default memory pool, in torch.cuda's vocabulary.

allocated = bytes held by live arrays (pool.used_bytes), reserved = bytes the pool holds from the
driver (pool.total_bytes). Peaks are exact: ember wraps the pool's malloc to record them. Without
a GPU every query answers 0 (an empty dict for memory_stats), as torch does before CUDA starts.
"""
from __future__ import annotations

import collections

from .. import backend as _backend

_peak_allocated: dict[int, int] = {}
_peak_reserved: dict[int, int] = {}
_pool = None


def _install_peak_tracking(cp) -> None:
    """Route CuPy allocations through a wrapper that records the peaks (once, at lazy init).

    Only when CuPy still uses its default pool: a user's own allocator is left alone.
    """
    global _pool
    pool = cp.get_default_memory_pool()
    _pool = pool
    try:
        current = cp.cuda.get_allocator()
    except AttributeError:
        return
    if current != pool.malloc:
        return
    malloc = pool.malloc

    def _tracking_malloc(size):
        mem = malloc(size)
        dev = mem.device_id
        used = pool.used_bytes()
        if used > _peak_allocated.get(dev, 0):
            _peak_allocated[dev] = used
        total = pool.total_bytes()
        if total > _peak_reserved.get(dev, 0):
            _peak_reserved[dev] = total
        return mem

    cp.cuda.set_allocator(_tracking_malloc)


def _pool_bytes(device):
    """(device index, used bytes, total bytes) for `device`, or None without a GPU."""
    cp = _backend._load_cupy()
    if cp is None:
        return None
    from . import _get_device_index, _lazy_init

    _lazy_init()
    idx = _get_device_index(device, optional=True)
    pool = cp.get_default_memory_pool()
    with cp.cuda.Device(idx):
        used, total = pool.used_bytes(), pool.total_bytes()
    # a peak is never below the present value (covers allocations made before tracking began)
    if used > _peak_allocated.get(idx, 0):
        _peak_allocated[idx] = used
    if total > _peak_reserved.get(idx, 0):
        _peak_reserved[idx] = total
    return idx, used, total


def memory_stats(device=None) -> collections.OrderedDict:
    """The allocator's counters, under torch's key names (current and peak, bytes)."""
    stats = collections.OrderedDict()
    got = _pool_bytes(device)
    if got is None:
        return stats
    idx, used, total = got
    stats["active_bytes.all.current"] = used
    stats["active_bytes.all.peak"] = _peak_allocated.get(idx, used)
    stats["allocated_bytes.all.current"] = used
    stats["allocated_bytes.all.peak"] = _peak_allocated.get(idx, used)
    stats["reserved_bytes.all.current"] = total
    stats["reserved_bytes.all.peak"] = _peak_reserved.get(idx, total)
    return collections.OrderedDict(sorted(stats.items()))


def memory_allocated(device=None) -> int:
    return memory_stats(device).get("allocated_bytes.all.current", 0)


def max_memory_allocated(device=None) -> int:
    return memory_stats(device).get("allocated_bytes.all.peak", 0)


def memory_reserved(device=None) -> int:
    return memory_stats(device).get("reserved_bytes.all.current", 0)


def max_memory_reserved(device=None) -> int:
    return memory_stats(device).get("reserved_bytes.all.peak", 0)


def memory_cached(device=None) -> int:
    """Deprecated alias of memory_reserved."""
    return memory_reserved(device)


def max_memory_cached(device=None) -> int:
    """Deprecated alias of max_memory_reserved."""
    return max_memory_reserved(device)


def reset_peak_memory_stats(device=None) -> None:
    """Start the peaks again from the present values."""
    from . import _get_device_index, _lazy_init

    cp = _lazy_init()
    idx = _get_device_index(device, optional=True)
    pool = cp.get_default_memory_pool()
    with cp.cuda.Device(idx):
        _peak_allocated[idx] = pool.used_bytes()
        _peak_reserved[idx] = pool.total_bytes()


def reset_max_memory_allocated(device=None) -> None:
    reset_peak_memory_stats(device)


def empty_cache() -> None:
    """Give the pool's unused blocks back to the driver; nothing to do without a GPU."""
    cp = _backend._load_cupy()
    if cp is not None:
        cp.get_default_memory_pool().free_all_blocks()
        cp.get_default_pinned_memory_pool().free_all_blocks()


def mem_get_info(device=None) -> tuple[int, int]:
    """(free, total) bytes of the device, as the driver reports them."""
    from . import _get_device_index, _lazy_init

    cp = _lazy_init()
    with cp.cuda.Device(_get_device_index(device, optional=True)):
        free, total = cp.cuda.runtime.memGetInfo()
    return int(free), int(total)


def memory_summary(device=None, abbreviated: bool = False) -> str:
    """A short table of current and peak allocated/reserved memory."""
    stats = memory_stats(device)

    def mib(key):
        return f"{stats[key] / 2**20:12.1f} MiB"

    return "\n".join([
        "|                  |      current     |       peak       |",
        (f"| Allocated memory | {mib('allocated_bytes.all.current')} | "
         f"{mib('allocated_bytes.all.peak')} |"),
        (f"| Reserved memory  | {mib('reserved_bytes.all.current')} | "
         f"{mib('reserved_bytes.all.peak')} |"),
    ])
