"""torch.cuda.random: per-GPU generator seeding and state.

A GPU generator's state is 16 bytes as torch's Philox state (seed, offset, little-endian uint64):
ember's CuPy generators are restored by reseeding, so a saved state replays from its seed.
Without a GPU, get_rng_state raises torch's CPU-build AssertionError and the setters do nothing
(torch queues them until CUDA initialises, which never happens).
"""
from __future__ import annotations

from .. import _dtype as _dt
from .. import backend as _backend
from . import (
    _lazy_init,
    _seed_device,
    initial_seed,
    manual_seed,
    manual_seed_all,
    seed,
    seed_all,
)

__all__ = ["get_rng_state", "get_rng_state_all", "initial_seed", "manual_seed", "manual_seed_all",
           "seed", "seed_all", "set_rng_state", "set_rng_state_all"]


def _index(device) -> int:
    from . import _get_device_index
    if isinstance(device, str) and device == "cuda":
        return _lazy_init().cuda.runtime.getDevice()
    return _get_device_index(device, optional=True)


def get_rng_state(device="cuda"):
    """The generator state of GPU `device` as a 16-byte uint8 tensor."""
    from .. import cuda
    from ..ops.creation import tensor
    _lazy_init()
    seed_value = cuda._seeds.get(_index(device), cuda._DEFAULT_SEED)
    raw = seed_value.to_bytes(8, "little") + bytes(8)  # seed, then a zero offset
    return tensor(list(raw), dtype=_dt.uint8)


def get_rng_state_all() -> list:
    from . import device_count
    return [get_rng_state(i) for i in range(device_count())]


def set_rng_state(new_state, device="cuda") -> None:
    """Restore a state from get_rng_state (reseeds with its seed); no-op without a GPU."""
    cp = _backend._load_cupy()
    if cp is None:
        return
    raw = bytes(int(b) for b in new_state.tolist())
    _seed_device(cp, _index(device), int.from_bytes(raw[:8], "little"))


def set_rng_state_all(new_states) -> None:
    for i, state in enumerate(new_states):
        set_rng_state(state, i)
