"""nn.functional's plain data and dispatch helpers: grid_sample's mode tables, the doc notes,
the __torch_function__ hooks (has_torch_function*, handle_torch_function), boolean_dispatch,
assert_int_or_pair and conv_tbc (a time-batch-channel conv1d)."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Optional  # noqa: F401  (torch's F exposes these names)

from .._tensor import Tensor
from ..nn.parameter import Parameter
from ._functional_conv import conv1d
from ._functional_misc import _CAP

DType = int

GRID_SAMPLE_INTERPOLATION_MODES = {"bilinear": 0, "nearest": 1, "bicubic": 2}
GRID_SAMPLE_PADDING_MODES = {"zeros": 0, "border": 1, "reflection": 2}

reproducibility_notes = {
    "forward_reproducibility_note":
        "This operation may behave nondeterministically when given tensors on a CUDA device. "
        "See :doc:`/notes/randomness` for more information.",
    "backward_reproducibility_note":
        "This operation may produce nondeterministic gradients when given tensors on a CUDA "
        "device. See :doc:`/notes/randomness` for more information.",
    "cudnn_reproducibility_note":
        "In some circumstances when given tensors on a CUDA device and using CuDNN, this operator "
        "may select a nondeterministic algorithm to increase performance. If this is undesirable, "
        "you can try to make the operation deterministic (potentially at a performance cost) by "
        "setting ``torch.backends.cudnn.deterministic = True``. See :doc:`/notes/randomness` for "
        "more information.",
}
sparse_support_notes = {
    "sparse_beta_warning": "\n.. warning::\n    Sparse support is a beta feature and some "
    "layout(s)/dtype/device combinations may not be supported,\n    or may not have autograd "
    "support. If you notice missing functionality please\n    open a feature request.",
}
tf32_notes = {"tf32_note": "This operator supports :ref:`TensorFloat32<tf32_on_ampere>`."}


class _BroadcastingList:
    """TorchScript's BroadcastingListN annotation: subscripting it gives None in eager mode."""

    def __getitem__(self, types):
        return None


BroadcastingList1 = BroadcastingList2 = BroadcastingList3 = _BroadcastingList()


# ---- __torch_function__ hooks ----------------------------------------------------------------


def _overrides(obj) -> bool:
    """Whether `obj`'s type brings its own __torch_function__ (exact Tensor/Parameter do not)."""
    kind = type(obj)
    return kind not in (Tensor, Parameter) and hasattr(kind, "__torch_function__")


def has_torch_function(relevant_args) -> bool:
    """Whether any element of the sequence `relevant_args` overrides __torch_function__."""
    if not isinstance(relevant_args, (tuple, list)):
        raise TypeError("expected a sequence")
    return any(_overrides(a) for a in relevant_args)


def has_torch_function_unary(obj) -> bool:
    """has_torch_function for a single argument."""
    return _overrides(obj)


def has_torch_function_variadic(*args) -> bool:
    """has_torch_function over the positional arguments."""
    return any(_overrides(a) for a in args)


def handle_torch_function(public_api: Callable, relevant_args: Iterable, *args, **kwargs):
    """Call the first __torch_function__ override that accepts; a plain ember tensor runs
    `public_api` itself (Tensor's default __torch_function__)."""
    candidates = [a for a in relevant_args if isinstance(a, Tensor) or _overrides(a)]
    types = tuple(dict.fromkeys(type(a) for a in candidates))
    for arg in candidates:
        hook = getattr(type(arg), "__torch_function__", None)
        if hook is None:
            return public_api(*args, **kwargs)
        result = hook(public_api, types, args, kwargs)
        if result is not NotImplemented:
            return result
    name = f"{public_api.__module__}.{public_api.__qualname__}"
    raise TypeError(f"no implementation found for '{name}' on types that implement "
                    f"__torch_function__: {[type(a) for a in candidates]}")


def boolean_dispatch(arg_name, arg_index, default, if_true, if_false, module_name, func_name):
    """A function calling `if_true` or `if_false` by a boolean argument (keyword or position)."""
    def fn(*args, **kwargs):
        if arg_name in kwargs:
            flag = kwargs[arg_name]
        elif arg_index < len(args):
            flag = args[arg_index]
        else:
            flag = default
        return if_true(*args, **kwargs) if flag else if_false(*args, **kwargs)

    docs = [f.__doc__ for f in (if_true, if_false) if f.__doc__ is not None]
    if len(docs) == 2:
        raise RuntimeError("only one function can have a docstring")
    fn.__doc__ = docs[0] if docs else None
    for f in (if_true, if_false):  # both branches share the one docstring, as torch's do
        f.__doc__ = fn.__doc__
    if module_name is not None:
        fn.__module__ = module_name
    if func_name is not None:
        fn.__name__ = func_name
    return fn


def assert_int_or_pair(arg, arg_name: str, message: str) -> None:
    """Assert `arg` is an int or a pair (a sequence of length 2)."""
    assert isinstance(arg, int) or len(arg) == 2, message.format(arg_name)


# ---- conv_tbc --------------------------------------------------------------------------------


def conv_tbc(input: Tensor, weight: Tensor, bias: Tensor, pad: int = 0) -> Tensor:
    """1-D convolution over (time, batch, channels) input with a (kernel, in, out) weight."""
    for name, pos, t in (("self", 1, input), ("weight", 2, weight), ("bias", 3, bias)):
        if not isinstance(t, Tensor):
            raise TypeError(f"conv_tbc(): argument '{name}' (position {pos}) must be Tensor, not "
                            f"{type(t).__name__}")
    if input.dim() != 3:
        raise RuntimeError("Input must have 3 dims: time, batch, in_channel")
    if weight.dim() != 3:
        raise RuntimeError(
            "Weight tensor must have 3 dims: kernel_width, in_channels, out_channels.")
    if bias.dim() != 1:
        raise RuntimeError("Bias must be 1-D")
    time, batch, channels = input.shape
    kernel, _, out_channels = weight.shape
    if channels != weight.shape[1]:
        raise RuntimeError("Input dim 2 (input channels) is not == dim 1 in the weight tensor")
    if bias.shape[0] != out_channels:
        raise RuntimeError("Bias size must equal dim 2 in the weight tensor (output channels).")
    out_time = time + 2 * pad - kernel + 1
    if out_time < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {out_time}: "
                           f"[{out_time}, {batch}, {out_channels}]")
    if input.dtype != weight.dtype:
        raise RuntimeError(f"self and mat2 must have the same dtype, but got "
                           f"{_CAP[input.dtype.name]} and {_CAP[weight.dtype.name]}")
    if out_time == 0:  # conv1d refuses an empty window; the empty result still joins the graph
        return (bias * 0).expand(0, batch, out_channels) + (input.sum() + weight.sum()) * 0
    x = input.permute(1, 2, 0)
    if pad < 0:  # a negative pad crops the sequence
        x = x[:, :, -pad:time + pad]
    y = conv1d(x, weight.permute(2, 1, 0), bias, 1, max(pad, 0))
    return y.permute(2, 0, 1)

