"""torch's CPU generator: MT19937 seeded by init_genrand, the 5056-byte state layout of
torch.get_rng_state(), and the raw draws every sampler builds on.

A u32 is one MT19937 output; a u64 is two outputs joined as (first << 32) | second, as PyTorch's
`random64()`. The stream lives in NumPy's MT19937 bit generator, whose legacy seeding is exactly
init_genrand, so draws cost NumPy's speed, not a Python loop.
"""
from __future__ import annotations

import os
import struct

import numpy as np

from .device import as_device

__all__ = ["Generator", "default_generator"]

_DEFAULT_SEED = 67280421310721  # c10::detail::default_rng_seed_val
_N = 624
_STATE_SIZE = 5056  # sizeof(CPUGeneratorImplState): legacy THGeneratorState + float normal cache
_LEGACY_SIZE = 5048
_HEAD = struct.Struct("<QiiQ")  # the_initial_seed, left, seeded, next
_TAIL = struct.Struct("<dddi4xf?3x")  # normal_x, normal_y, normal_rho, normal_is_valid, float cache
_MASK64 = (1 << 64) - 1


def _check_seed(seed) -> int:
    """PyTorch accepts seeds in [-2**63, 2**64) and keeps them modulo 2**64."""
    if isinstance(seed, float):
        seed = int(seed)
    if not isinstance(seed, (int, np.integer)):
        try:
            seed = int(seed)
        except (TypeError, ValueError):
            raise TypeError(f"manual_seed expected a long, but got {type(seed).__name__}") from None
    seed = int(seed)
    if seed >= 1 << 64 or seed < -(1 << 63):
        raise ValueError("Overflow when unpacking long long")
    return seed & _MASK64


def _init_genrand(seed32: int) -> np.ndarray:
    """The 624-word key of init_genrand(seed32), for NumPy builds without _legacy_seeding."""
    key = np.empty(_N, np.uint32)
    x = seed32
    key[0] = x
    for j in range(1, _N):
        x = (1812433253 * (x ^ (x >> 30)) + j) & 0xFFFFFFFF
        key[j] = x
    return key


class Generator:
    """torch.Generator: an MT19937 stream with torch's seeding, draws and state layout.

    `device='cuda'` is accepted and draws the same CPU stream (PyTorch's CUDA generator is Philox;
    its streams are not reproduced).
    """

    __slots__ = (
        "__weakref__",
        "_bg",
        "_device",
        "_draw32",
        "_fresh",
        "_normal_double",
        "_normal_float",
        "_seed",
    )

    def __init__(self, device="cpu") -> None:
        self._device = as_device(device)
        self._bg = np.random.MT19937(0)
        self._draw32 = np.random.Generator(self._bg).integers
        self._reseed(_DEFAULT_SEED)

    # ---- seeding -------------------------------------------------------------------------------
    def _reseed(self, seed: int) -> None:
        seed32 = seed & 0xFFFFFFFF
        legacy = getattr(self._bg, "_legacy_seeding", None)
        if legacy is not None:
            legacy(seed32)
        else:
            self._bg.state = {"bit_generator": "MT19937",
                              "state": {"key": _init_genrand(seed32), "pos": _N}}
        self._seed = seed
        self._fresh = True  # torch's `next` field is 0 only right after seeding
        self._normal_double = None
        self._normal_float = None

    def manual_seed(self, seed) -> Generator:
        self._reseed(_check_seed(seed))
        return self

    def seed(self) -> int:
        """Seed from the OS entropy pool; returns the new seed (a non-negative 63-bit int)."""
        s = int.from_bytes(os.urandom(8), "little") & ((1 << 63) - 1)
        self._reseed(s)
        return s

    def initial_seed(self) -> int:
        return self._seed

    @property
    def device(self):
        return self._device

    # ---- state ---------------------------------------------------------------------------------
    def _state_bytes(self) -> bytes:
        st = self._bg.state["state"]
        pos = int(st["pos"])
        left = _N + 1 - pos
        nxt = 0 if self._fresh else pos
        key = np.asarray(st["key"], np.uint32).astype("<u8").tobytes()
        nd, nf = self._normal_double, self._normal_float
        return (_HEAD.pack(self._seed, left, 1, nxt) + key
                + _TAIL.pack(0.0, nd or 0.0, 0.0, nd is not None, nf or 0.0, nf is not None))

    def _load_bytes(self, raw: bytes) -> None:
        if len(raw) not in (_STATE_SIZE, _LEGACY_SIZE):
            raise RuntimeError("Expected either a THGeneratorState of size 5048 or a "
                               "THGeneratorStateNew of size 5056 but found the input RNG state "
                               f"size to be {len(raw)}")
        seed, left, _, nxt = _HEAD.unpack_from(raw, 0)
        if left < 1 or left > _N:
            raise RuntimeError(f"The legacy MT19937 state is invalid: left={left}")
        key = np.frombuffer(raw, "<u8", _N, _HEAD.size).astype(np.uint32)
        if len(raw) == _STATE_SIZE:
            _, ny, _, nvalid, nf, fvalid = _TAIL.unpack_from(raw, _HEAD.size + 8 * _N)
        else:
            _, ny, _, nvalid = struct.unpack_from("<dddi", raw, _HEAD.size + 8 * _N)
            nf, fvalid = 0.0, False
        self._bg.state = {"bit_generator": "MT19937",
                          "state": {"key": key, "pos": _N + 1 - left}}
        self._seed = seed
        self._fresh = nxt == 0 and left == 1
        self._normal_double = ny if nvalid else None
        self._normal_float = nf if fvalid else None

    def get_state(self):
        """The state as a uint8 tensor in torch's 5056-byte layout (loads into torch too)."""
        from .ops.creation import _finish

        return _finish(np.frombuffer(self._state_bytes(), np.uint8).copy())

    def set_state(self, new_state) -> Generator:
        from .ops import _op

        if not isinstance(new_state, _op.Tensor):
            raise TypeError(f"expected a torch.ByteTensor, but got {type(new_state).__name__}")
        if new_state.dtype.name != "uint8":
            raise RuntimeError(f"expected a torch.ByteTensor, but got a tensor of dtype "
                               f"{new_state.dtype}")
        self._load_bytes(np.ascontiguousarray(new_state._host()).tobytes())
        return self

    def clone_state(self) -> Generator:
        g = Generator(self._device)
        g._load_bytes(self._state_bytes())
        return g

    def __getstate__(self):
        return {"device": str(self._device), "state": self._state_bytes()}

    def __setstate__(self, d) -> None:
        self._device = as_device(d["device"])
        self._bg = np.random.MT19937(0)
        self._draw32 = np.random.Generator(self._bg).integers
        self._load_bytes(d["state"])

    def __repr__(self) -> str:
        return f"<torch._C.Generator object at {hex(id(self))}>"

    # ---- raw draws -----------------------------------------------------------------------------
    def _raw(self, n: int) -> np.ndarray:
        """n u32 draws (in a uint64 array, ready for 64-bit arithmetic)."""
        if n:
            self._fresh = False
        return self._bg.random_raw(n)

    def _u32(self, n: int) -> np.ndarray:
        """n u32 draws as a uint32 array."""
        if n < 512:
            if n:
                self._fresh = False
            return self._bg.random_raw(n).astype(np.uint32)
        if not _u64_is_two_u32():
            self._fresh = False
            return self._draw32(0, 1 << 32, n, np.uint32)
        out = np.empty(n, np.uint32)
        pairs = self._u64(n // 2).view(np.uint32).reshape(-1, 2)  # (low, high) = (2nd, 1st)
        o = out[:n - n % 2].reshape(-1, 2)
        o[:, 0] = pairs[:, 1]
        o[:, 1] = pairs[:, 0]
        if n % 2:
            out[-1] = self._bg.random_raw()
        return out

    def _u64(self, n: int) -> np.ndarray:
        """n u64 draws, each two u32 draws joined as (first << 32) | second."""
        if n:
            self._fresh = False
        if n >= 32 and _u64_is_two_u32():
            return self._draw32(0, 1 << 64, n, np.uint64)  # NumPy's next_uint64: ~2x faster
        r = self._raw(2 * n)
        return (r[0::2] << 32) | r[1::2]


_U64_JOIN: list = []


def _u64_is_two_u32() -> bool:
    """Whether NumPy's full-range uint64 draws are (first << 32) | second of the MT19937 stream
    (NumPy's C joins two next32 calls in one expression; checked once, not assumed)."""
    if not _U64_JOIN:
        a, b = np.random.MT19937(12345), np.random.MT19937(12345)
        r = a.random_raw(4)
        v = np.random.Generator(b).integers(0, 1 << 64, 2, np.uint64)
        _U64_JOIN.append(bool(np.array_equal(v, (r[0::2] << 32) | r[1::2])))
    return _U64_JOIN[0]


default_generator = Generator()
