"""Random numbers with torch's CPU streams: manual_seed, Generator, rand/randn/randint/...

After `manual_seed(s)` every function here draws exactly what torch's CPU generator draws, in the
same order, so mixed sequences (rand, randn, randint, randperm, bernoulli, multinomial, ...) give
torch's values and leave the generator in torch's state. The recipes live in `_sampling.py`.
"""
from __future__ import annotations

import contextlib
import math

import numpy as np

from . import _dtype as _dt
from . import _sampling as S
from . import _sampling_discrete as D
from ._mt19937 import Generator, default_generator
from .backend import to_device
from .ops import _op, creation
from .ops._common import check_broadcast
from .ops._output import _cap, _out
from .ops.creation import _finish, _parse_size, zeros_like

__all__ = [
    "Generator",
    "bernoulli",
    "default_generator",
    "get_rng_state",
    "initial_seed",
    "manual_seed",
    "multinomial",
    "normal",
    "rand",
    "rand_like",
    "randint",
    "randint_like",
    "randn",
    "randn_like",
    "randperm",
    "seed",
    "set_rng_state",
]


# ---- the default generator --------------------------------------------------------------------


def manual_seed(seed) -> Generator:
    """Seed the default generator (and every GPU's, as torch does); returns the default one."""
    from . import cuda  # on first use: `import ember` does not load the cuda package

    gen = default_generator.manual_seed(seed)
    cuda.manual_seed_all(int(seed))
    return gen


def seed() -> int:
    return default_generator.seed()


def initial_seed() -> int:
    return default_generator.initial_seed()


def get_rng_state():
    """The default generator's state: a uint8 tensor in torch's 5056-byte layout."""
    return default_generator.get_state()


def set_rng_state(new_state) -> None:
    default_generator.set_state(new_state)


@contextlib.contextmanager
def fork_rng(devices=None, enabled: bool = True, **kwargs):
    """Restore the default generator's state on exit (torch.random.fork_rng)."""
    if not enabled:
        yield
        return
    state = default_generator._state_bytes()
    try:
        yield
    finally:
        default_generator._load_bytes(state)


# ---- shared helpers ---------------------------------------------------------------------------


def _gen(generator) -> Generator:
    if generator is None:
        return default_generator
    if not isinstance(generator, Generator):
        raise TypeError(f"expected a torch.Generator, but got {type(generator).__name__}")
    return generator


def _sizes(args, size) -> tuple:
    return _parse_size((size,) if size is not None else args)


def _floating(dtype, kernel: str) -> _dt.dtype:
    d = dtype or _dt.get_default_dtype()
    if not d.is_floating_point:
        raise NotImplementedError(f'"{kernel}" not implemented for \'{_cap(d)}\'')
    return d


def _make(arr, shape, dtype, device, requires_grad, out):
    arr = arr.reshape(shape)
    if out is not None:
        return _out(_finish(arr, out.dtype, out.device), out)
    return _finish(arr, dtype, device, requires_grad)


def _numel(shape) -> int:
    return math.prod(shape)


# ---- factories --------------------------------------------------------------------------------


def _plain_shape(args, size):
    """args when they are plain non-negative ints (the common call), else None."""
    if size is not None:
        return None
    for a in args:
        if a.__class__ is not int or a < 0:
            return None
    return args


def rand(*args, size=None, generator=None, out=None, dtype=None, layout=None, device=None,
         requires_grad: bool = False, pin_memory: bool = False):
    """Uniform samples on [0, 1)."""
    shape = _plain_shape(args, size)
    if shape is not None and out is None and dtype is None and device is None \
            and not requires_grad:
        n = math.prod(shape)
        d = _dt.get_default_dtype()
        if n < 512 and d is _dt.float32:
            arr = S.uniform24_small(_gen(generator), n)
        else:
            arr = S.uniform(_gen(generator), n, d.np_dtype, 0.0, 1.0)
        return _op._new_tensor(arr if len(shape) == 1 else arr.reshape(shape))
    shape = _sizes(args, size)
    d = dtype if out is None else out.dtype
    if d is not None and d.is_complex:  # torch draws the real and imaginary parts in turn
        arr = S.uniform(_gen(generator), 2 * _numel(shape), d.to_real().np_dtype, 0.0, 1.0)
        return _make(arr.view(d.np_dtype), shape, d, device, requires_grad, out)
    d = _floating(d, "check_uniform_bounds")
    arr = S.uniform(_gen(generator), _numel(shape), d.np_dtype, 0.0, 1.0)
    return _make(arr, shape, d, device, requires_grad, out)


def randn(*args, size=None, generator=None, out=None, dtype=None, layout=None, device=None,
          requires_grad: bool = False, pin_memory: bool = False):
    """Standard normal samples (torch's Box-Muller streams)."""
    shape = _plain_shape(args, size)
    if shape is not None and out is None and dtype is None and device is None \
            and not requires_grad:
        d = _dt.get_default_dtype()
        arr = S.normal(_gen(generator), math.prod(shape), d.np_dtype)
        return _op._new_tensor(arr if len(shape) == 1 else arr.reshape(shape))
    shape = _sizes(args, size)
    d = dtype if out is None else out.dtype
    if d is not None and d.is_complex:  # parts in turn, each of variance 1/2 (torch)
        arr = S.normal(_gen(generator), 2 * _numel(shape), d.to_real().np_dtype) * 0.5 ** 0.5
        return _make(arr.view(d.np_dtype), shape, d, device, requires_grad, out)
    d = _floating(d, "normal_kernel_cpu")
    arr = S.normal(_gen(generator), _numel(shape), d.np_dtype)
    return _make(arr, shape, d, device, requires_grad, out)


def _like_in_layout(input, dtype, device):
    """An empty tensor in input's memory layout (torch's preserve_format), or None when a plain
    contiguous one is right; random fills then visit memory in torch's order."""
    if creation.layout_perm(input._data) is None:
        return None
    return creation.empty_like(input, dtype=dtype, device=device)


def _fill_like(t, requires_grad: bool):
    return t.requires_grad_(True) if requires_grad else t


def rand_like(input, *, generator=None, dtype=None, layout=None, device=None,
              requires_grad: bool = False, memory_format=None):
    t = _like_in_layout(input, dtype, device)
    if t is not None:
        return _fill_like(t.uniform_(generator=generator), requires_grad)
    return rand(tuple(input.shape), generator=generator, dtype=dtype or input.dtype,
                device=device or input.device, requires_grad=requires_grad)


def randn_like(input, *, generator=None, dtype=None, layout=None, device=None,
               requires_grad: bool = False, memory_format=None):
    t = _like_in_layout(input, dtype, device)
    if t is not None:
        return _fill_like(t.normal_(generator=generator), requires_grad)
    return randn(tuple(input.shape), generator=generator, dtype=dtype or input.dtype,
                 device=device or input.device, requires_grad=requires_grad)


_CTYPE = {"uint8": "unsigned char", "int8": "signed char", "int16": "short", "int32": "int",
          "int64": "int64_t", "bool": "bool", "float16": "c10::Half", "bfloat16": "c10::BFloat16"}
_FLOAT_DIGITS = {"float16": 11, "bfloat16": 8, "float32": 24, "float64": 53}


def _check_from_to(low: int, high: int, d: _dt.dtype) -> None:
    """random_(from, to)'s checks: from < to, both inside the dtype's exact integers."""
    if low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= "
                           f"to={high}")
    if d.name in _FLOAT_DIGITS:
        lim = 1 << _FLOAT_DIGITS[d.name]
        lo, hi = -lim, lim
    elif d is _dt.bool:
        lo, hi = 0, 1
    else:
        info = np.iinfo(d.np_dtype)
        lo, hi = int(info.min), int(info.max)
    if low < lo or low > hi:
        raise RuntimeError(f"from is out of bounds for {_CTYPE.get(d.name, d.name)}")
    if high - 1 < lo or high - 1 > hi:
        if d.name in ("float32", "float64"):
            return  # torch only warns here
        raise RuntimeError(f"to - 1 is out of bounds for {_CTYPE.get(d.name, d.name)}")


def _as_int(v, what: str) -> int:
    if isinstance(v, _op.Tensor):
        v = v.item()
    if isinstance(v, (float, np.floating)):
        return int(v)
    if not isinstance(v, (int, np.integer)) or isinstance(v, bool):
        raise TypeError(f"randint(): argument '{what}' must be int, not {type(v).__name__}")
    return int(v)


def randint(*args, size=None, generator=None, out=None, dtype=None, layout=None, device=None,
            requires_grad: bool = False, pin_memory: bool = False):
    """randint(high, size) or randint(low, high, size): integers in [low, high), int64 default."""
    if size is not None:
        args = args + (size,)
    if len(args) == 2:
        low, high, shape = 0, args[0], args[1]
    elif len(args) == 3:
        low, high, shape = args
    else:
        raise TypeError(f"randint() received an invalid combination of arguments - got "
                        f"{len(args)} positional arguments, but expected (high, size) or "
                        "(low, high, size)")
    if not isinstance(shape, (tuple, list)):
        raise TypeError(f"randint(): argument 'size' must be tuple of ints, not "
                        f"{type(shape).__name__}")
    shape = _parse_size((shape,))
    low, high = _as_int(low, "low"), _as_int(high, "high")
    d = (out.dtype if out is not None else dtype) or _dt.int64
    _check_from_to(low, high, d)
    arr = S.random_from_to(_gen(generator), _numel(shape), d.np_dtype, low, high - low)
    return _make(arr, shape, d, device, requires_grad, out)


def randint_like(input, low=0, high=None, *, generator=None, dtype=None, layout=None,
                 device=None, requires_grad: bool = False, memory_format=None):
    if high is None:
        low, high = 0, low
    t = _like_in_layout(input, dtype, device)
    if t is not None:
        return _fill_like(t.random_(low, high, generator=generator), requires_grad)
    return randint(low, high, tuple(input.shape), generator=generator,
                   dtype=dtype or input.dtype, device=device or input.device,
                   requires_grad=requires_grad)


def randperm(n, *, generator=None, out=None, dtype=None, layout=None, device=None,
             requires_grad: bool = False, pin_memory: bool = False):
    """A random permutation of 0..n-1 (torch's Fisher-Yates stream)."""
    n = _as_int(n, "n")
    if n < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {n}: [{n}]")
    d = (out.dtype if out is not None else dtype) or _dt.int64
    if d.name in _FLOAT_DIGITS and n > (1 << _FLOAT_DIGITS[d.name]) + 1:
        raise RuntimeError(f"n cannot be greater than 2^{_FLOAT_DIGITS[d.name]}+1 for "
                           f"{_cap(d)} type.")
    arr = D.randperm(_gen(generator), n)
    return _make(arr, (n,), d, device, requires_grad, out)


# ---- normal, bernoulli, multinomial -----------------------------------------------------------


class _RandomOf(_op.Op):
    """A random result that depends on tensor arguments without a gradient through them:
    PyTorch records a node (NormalBackward1, BernoulliBackward0, ...) that returns zeros."""

    @staticmethod
    def forward(ctx, *args, values=None):
        return values

    @staticmethod
    def backward(ctx, grad):
        return tuple(zeros_like(grad) if need else None for need in ctx.needs_input_grad)


_NODE_OPS: dict = {}


def _random_of(name: str, tensors, values):
    """Wrap `values` as a Tensor whose grad_fn is PyTorch's zero-gradient node `name`."""
    op = _NODE_OPS.get(name)
    if op is None:
        op = type(name.replace("Backward", ""), (_RandomOf,), {"node_name": name})
        _NODE_OPS[name] = op
    return op.apply(*tensors, values=values)


def _host_of(t) -> np.ndarray:
    return t._host()


def _check_std(std) -> None:
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {_fmt(std)}")


def _fmt(v) -> str:
    return str(int(v)) if float(v).is_integer() else repr(float(v))


def normal(mean, std=1.0, size=None, *, generator=None, out=None, dtype=None, layout=None,
           device=None, requires_grad: bool = False, pin_memory: bool = False):
    """All of torch.normal's overloads: numbers with `size`, or tensors of means and/or stds.

    With tensors, a standard normal (or N(0, std)) sample of the broadcast shape is scaled and
    shifted in place, as ATen does; the result carries a zero gradient to mean and std.
    """
    g = _gen(generator)
    T = _op.Tensor
    mt, st = isinstance(mean, T), isinstance(std, T)
    if not mt and not st:
        if size is None:
            raise TypeError("normal() received an invalid combination of arguments - got "
                            "(float, float), but expected (float mean, float std, tuple of ints "
                            "size)")
        _check_std(std)
        shape = _parse_size((size,))
        d = _floating(dtype if out is None else out.dtype, "normal_kernel_cpu")
        arr = S.normal(g, _numel(shape), d.np_dtype, float(mean), float(std))
        return _make(arr, shape, d, device, requires_grad, out)
    if mt and not st:
        _check_std(std)
        d = mean.dtype
        noise = S.normal(g, mean.numel(), d.np_dtype, 0.0, float(std)).reshape(mean.shape)
        xp_noise = to_device(noise, mean.device)
        values = xp_noise + mean._data
        res = _random_of("NormalBackward1", (mean,), values)
    else:
        std_h = _host_of(std)
        if np.any(std_h < 0):
            raise RuntimeError("normal expects all elements of std >= 0.0")
        if mt:
            shape = check_broadcast(tuple(mean.shape), tuple(std.shape))
            d = _dt.promote_types(mean.dtype, std.dtype)
        else:
            shape, d = tuple(std.shape), std.dtype
        noise = S.normal(g, _numel(shape), d.np_dtype).reshape(shape)
        noise = to_device(noise, std.device)
        values = noise * std._data.astype(noise.dtype, copy=False)
        values = values + (mean._data if mt else np.array(mean).astype(noise.dtype))
        values = values.astype(noise.dtype, copy=False)
        res = _random_of("NormalBackward3" if mt else "NormalBackward2",
                         (mean, std) if mt else (std,), values)
    return _out(res, out)


def bernoulli(input, p=None, *, generator=None, out=None):
    """bernoulli(probs): one draw per element; bernoulli(input, p): with a fixed p."""
    g = _gen(generator)
    if p is not None:
        res = _finish(np.zeros(input._data.shape, input._data.dtype), None, input.device)
        res.bernoulli_(p, generator=g)
        return _out(res, out)
    probs = _host_of(input)
    if probs.dtype.kind == "f" and not np.all((probs >= 0) & (probs <= 1)):
        raise RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.  "
                           "(Could this error message be improved?  If so, please report an "
                           "enhancement request to PyTorch.)")
    work = probs if probs.dtype.kind == "f" and probs.dtype.itemsize >= 4 else \
        probs.astype(np.float32)
    values = to_device(S.bernoulli_tensor(g, np.ascontiguousarray(work)).astype(probs.dtype),
                       input.device)
    return _out(_random_of("BernoulliBackward0", (input,), values), out)


def multinomial(input, num_samples: int, replacement: bool = False, *, generator=None,
                out=None):
    """Indices drawn from the rows of `input` (unnormalised probabilities), as torch's CPU."""
    g = _gen(generator)
    if not input.is_floating_point():
        raise RuntimeError(f"multinomial only supports floating-point dtypes for input, got: "
                           f"{_cap(input.dtype)}")
    if input.dim() not in (1, 2):
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    if num_samples <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    probs = _host_of(input).reshape(-1, input.shape[-1])
    if not replacement and num_samples > probs.shape[1]:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without "
                           "replacement")
    with np.errstate(invalid="ignore"):
        if not np.all(np.isfinite(probs)) or np.any(probs < 0):
            raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    if np.any(probs.sum(axis=1, dtype=np.float64) == 0):
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    idx = D.multinomial(g, np.ascontiguousarray(probs), int(num_samples), bool(replacement))
    if input.dim() == 1:
        idx = idx.reshape(-1)
    res = _finish(idx, None, input.device)
    return _out(res, out)
