"""torch.func.vmap: map a per-sample function over a batch dimension.

ember has no batching dispatch under its ops, so vmap runs the function once per sample on views
(`select`) of the batched inputs and stacks the results at out_dims; every op family therefore
"batches" by this loop, with the answers torch's batching rules give. One fast path: an
elementwise ember function handed to vmap directly (vmap(torch.sin), vmap(F.gelu),
vmap(torch.add) on same-dtype tensors) runs once on the whole batch, batch dim moved to the front.
Inside the loop, jacrev takes all rows of each sample's Jacobian in one batched backward pass
(_batched_backward) when the graph holds only ops with batched rules.

Autograd flows through the views and the stack, in-place updates of a sample write through to the
batched input, and transforms nest (vmap(grad(f)), vmap(jacrev(f)), vmap(vmap(f))). randomness
follows torch: 'error' raises if the function draws from the default generator, 'same' replays
one draw for every sample, 'different' lets each sample draw its own. Unlike torch, .item() and
data-dependent control flow inside the function work (each sample is an ordinary tensor).
"""
from __future__ import annotations

import contextlib
import ctypes
import functools

from ..autograd import node as _node
from ..ops.shape import stack
from ._pytree import LEAF, broadcast_prefix, tree_flatten, tree_unflatten

__all__ = ["vmap"]

_RANDOMNESS = ("error", "different", "same")
_RANDOM_ERROR = ("vmap: called random operation while in randomness error mode. Please either use "
                 "the 'same' or 'different' randomness flags on vmap or perform the randomness "
                 "operation out of vmap")


def check_randomness(randomness) -> None:
    if randomness not in _RANDOMNESS:
        raise RuntimeError("Only allowed values for randomness are 'error', 'different', or "
                           f"'same'. Got {randomness}")


def _generator():
    from ..random import default_generator

    return default_generator


def _fingerprint(g):
    """A cheap summary of the generator's position: NumPy's MT19937 struct (key[624], pos)."""
    raw = ctypes.string_at(g._bg.ctypes.state_address, 624 * 4 + 4)
    return raw, g._normal_double, g._normal_float, g._fresh, g._seed


@contextlib.contextmanager
def rng_guard(randomness: str):
    """randomness='error': raise torch's error if the body drew from the default generator."""
    if randomness != "error":
        yield
        return
    g = _generator()
    before = _fingerprint(g)
    yield
    if _fingerprint(g) != before:
        raise RuntimeError(_RANDOM_ERROR)


def _name(func) -> str:
    return getattr(func, "__name__", repr(func))


def _check_in_dims(func, in_dims, args):
    """Flat (leaves, dims, spec) of the inputs, validated with torch's messages."""
    head = f"vmap({_name(func)}, in_dims={in_dims}, ...)(<inputs>)"
    if not isinstance(in_dims, (int, tuple)) or isinstance(in_dims, bool):
        raise ValueError(  # noqa: TRY004 - torch raises ValueError
            f"{head}: expected `in_dims` to be int or a (potentially nested) tuple "
            f"matching the structure of inputs, got: {type(in_dims)}.")
    if not args:
        raise ValueError(f"vmap({_name(func)})(<inputs>): got no inputs. Maybe you forgot to add "
                         "inputs, or you are trying to vmap over a function with no inputs. The "
                         "latter is unsupported.")
    leaves, spec = tree_flatten(args)
    dims = broadcast_prefix(in_dims if isinstance(in_dims, tuple) else (in_dims,) * len(args),
                            args, spec)
    if dims is None:
        raise ValueError(f"{head}: in_dims is not compatible with the structure of `inputs`. "
                         f"in_dims has structure {tree_flatten(in_dims)[1]!r} but inputs has "
                         f"structure {spec!r}.")
    sizes = []
    for x, d in zip(leaves, dims):
        if d is None:
            continue
        if not isinstance(d, int) or isinstance(d, bool):
            raise ValueError(  # noqa: TRY004 - torch raises ValueError
                f"{head}: Got in_dim={d} for an input but in_dim must be either an "
                "integer dimension or None.")
        if not isinstance(x, _node.Tensor):
            raise ValueError(  # noqa: TRY004 - torch raises ValueError
                f"{head}: Got in_dim={d} for an input but the input is of type "
                f"{type(x)}. We cannot vmap over non-Tensor arguments, please use "
                "None as the respective in_dim")
        n = x.dim()
        if not -n <= d < n:
            raise ValueError(f"{head}: Got in_dim={d} for some input, but that input is a Tensor "
                             f"of dimensionality {n} so expected in_dim to satisfy -{n} <= in_dim "
                             f"< {n}.")
        sizes.append(x.shape[d])
    if not sizes:
        raise ValueError("vmap: Expected at least one Tensor to vmap over")
    if any(s != sizes[0] for s in sizes):
        raise ValueError("vmap: Expected all tensors to have the same size in the mapped "
                         f"dimension, got sizes {sizes} for the mapped dimension")
    return leaves, dims, spec, sizes[0]


def _check_out_dims(func, out_dims) -> None:
    leaves = tree_flatten(out_dims)[0]
    if not isinstance(out_dims, (int, tuple, list, dict)) or isinstance(out_dims, bool) or any(
            d is not None and (not isinstance(d, int) or isinstance(d, bool)) for d in leaves):
        raise ValueError(f"vmap({_name(func)}, ..., out_dims={out_dims}): `out_dims` must be an "
                         "int, None or a python collection of ints representing where in the "
                         "outputs the vmapped dimension should appear.")


def _sample(leaves, dims, i: int) -> list:
    return [x if d is None else x.select(d, i) for x, d in zip(leaves, dims)]


def _placeholder(leaves, dims) -> list:
    """Per-sample zero inputs for an empty batch (the function runs once to learn its outputs)."""
    out = []
    for x, d in zip(leaves, dims):
        if d is None:
            out.append(x)
        else:
            shape = list(x.shape)
            del shape[d]
            out.append(x.new_zeros(shape))
    return out


def _run(func, leaves, dims, spec, size: int, kwargs, randomness: str) -> list:
    """func on every sample (or once on zeros for an empty batch): the list of its outputs."""
    if size == 0:
        with _replayed_rng(True):
            return [func(*tree_unflatten(_placeholder(leaves, dims), spec), **kwargs)]
    if randomness != "same":
        with rng_guard(randomness):
            return [func(*tree_unflatten(_sample(leaves, dims, i), spec), **kwargs)
                    for i in range(size)]
    g = _generator()
    start = g._state_bytes()
    results = []
    for i in range(size):
        g._load_bytes(start)
        results.append(func(*tree_unflatten(_sample(leaves, dims, i), spec), **kwargs))
    return results


@contextlib.contextmanager
def _replayed_rng(restore: bool):
    """Leave the default generator where it was (the empty-batch probe draws nothing)."""
    g = _generator()
    start = g._state_bytes()
    try:
        yield
    finally:
        if restore:
            g._load_bytes(start)


def _combine(func, results: list, out_dims, size: int):
    """Stack the per-sample outputs at out_dims into the batched output structure."""
    name = _name(func)
    flat0, out_spec = tree_flatten(results[0])
    dims = broadcast_prefix(out_dims, results[0], out_spec)
    if dims is None:
        raise ValueError(f"vmap({name}, ..., out_dims={out_dims})(<inputs>): out_dims is not "
                         "compatible with the structure of `outputs`. out_dims has structure "
                         f"{tree_flatten(out_dims)[1]!r} but outputs has structure "
                         f"{out_spec!r}.")
    columns = [flat0] + [tree_flatten(r)[0] for r in results[1:]]
    out = []
    for k, d in enumerate(dims):
        vals = [col[k] for col in columns]
        if d is None:
            if isinstance(vals[0], _node.Tensor) and any(not _same(vals[0], v) for v in vals[1:]):
                raise ValueError(f"vmap({name}, ...): `{name}` can not return a BatchedTensor when "
                                 "out_dim is None")
            out.append(vals[0])
            continue
        if not isinstance(vals[0], _node.Tensor):
            raise ValueError(  # noqa: TRY004 - torch raises ValueError
                f"vmap({name}, ...): `{name}` must only return Tensors, got type "
                f"{type(vals[0])}. Did you mean to set out_dims= to None for output?")
        if size == 0:
            out.append(stack(vals, d).narrow(d if d >= 0 else d + vals[0].dim() + 1, 0, 0))
        else:
            out.append(stack(vals, d))
    return tree_unflatten(out, out_spec)


def _same(a, b) -> bool:
    """Equal shapes and values (nan equal to nan): an output that does not vary over the batch."""
    if a is b:
        return True
    if a.shape != b.shape:
        return False
    a, b = a.detach(), b.detach()
    eq = a == b
    if a.dtype.is_floating_point or a.dtype.is_complex:
        eq = eq | (a.isnan() & b.isnan())
    return bool(eq.all())


# ember functions that act elementwise: run once on the batch by the fast path
_ELEMENTWISE_NAMES = (
    "abs", "neg", "exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "sqrt", "rsqrt", "sin",
    "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "asinh", "acosh", "atanh",
    "sigmoid", "erf", "erfc", "erfinv", "floor", "ceil", "trunc", "frac", "sign", "sgn",
    "reciprocal", "square", "relu", "add", "sub", "mul", "div", "true_divide", "pow", "maximum",
    "minimum", "fmax", "fmin", "atan2", "hypot", "logaddexp", "xlogy", "clamp", "nan_to_num",
    "lerp",
)
_ACTIVATION_NAMES = (
    "relu", "gelu", "silu", "softplus", "elu", "leaky_relu", "sigmoid", "tanh", "mish", "hardtanh",
    "relu6", "selu", "celu", "logsigmoid", "hardswish", "hardsigmoid", "softsign", "tanhshrink",
)
_elementwise: set = set()


def _is_elementwise(func) -> bool:
    """func is one of ember's elementwise functions (module-level, F.* or an unbound method)."""
    if not _elementwise:
        import ember
        from ember.nn import functional as F

        for name in _ELEMENTWISE_NAMES:
            _elementwise.update((getattr(ember, name), getattr(ember.Tensor, name, None)))
        _elementwise.update(getattr(F, name) for name in _ACTIVATION_NAMES)
        _elementwise.discard(None)
    try:
        return func in _elementwise
    except TypeError:  # unhashable callables
        return False


def _elementwise_batched(func, args: list, dims: list, out_dims, kwargs):
    """The fast path: func on the whole batch; None where it does not apply (then the loop).

    `args`/`dims` are the validated flat arguments and their in_dims."""
    if not isinstance(out_dims, int) or not _is_elementwise(func) or "out" in kwargs or \
            kwargs.get("inplace") or any(isinstance(v, _node.Tensor) for v in kwargs.values()):
        return None
    tensors = [(x, d) for x, d in zip(args, dims) if isinstance(x, _node.Tensor)]
    # 0-d tensors promote differently from batched 1-d ones: same-dtype tensors only
    if len({x.dtype for x, _ in tensors}) != 1:
        return None
    top = max(x.dim() - (d is not None) for x, d in tensors)
    new_args = []
    for x, d in zip(args, dims):
        if d is not None:
            x = x.movedim(d, 0)
            x = x.reshape((x.shape[0],) + (1,) * (top - x.dim() + 1) + tuple(x.shape[1:]))
        new_args.append(x)
    out = func(*new_args, **kwargs)
    if not isinstance(out, _node.Tensor) or not -out.dim() <= out_dims < out.dim():
        return None
    return out.movedim(0, out_dims)


def vmap(func, in_dims=0, out_dims=0, randomness: str = "error", *, chunk_size=None):
    """Vectorise `func` over dim in_dims of its inputs; results are stacked at out_dims."""
    check_randomness(randomness)
    if chunk_size is not None and (not isinstance(chunk_size, int) or chunk_size <= 0):
        raise ValueError(f"vmap: chunk_size should be None or greater than 0. (got {chunk_size})")
    _check_out_dims(func, out_dims)

    @functools.wraps(func)
    def wrapped(*args, **kwargs):
        leaves, dims, spec, size = _check_in_dims(func, in_dims, args)
        if spec.children == [LEAF] * len(args):  # flat arguments: the elementwise fast path
            out = _elementwise_batched(func, leaves, dims, out_dims, kwargs)
            if out is not None:
                return out
        results = _run(func, leaves, dims, spec, size, kwargs, randomness)
        return _combine(func, results, out_dims, size)

    return wrapped
