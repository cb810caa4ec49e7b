"""nn.functional's convolutions: torch's argument checks (types, ranks, sizes, options, with its
messages), then one call into ember.ops.conv, which only computes."""
from __future__ import annotations

import numpy as np

from .._tensor import Tensor
from ..ops import conv as _ops

__all__ = ["conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
           "conv_transpose3d"]


def _tuple(value, nd: int, name: str) -> tuple:
    """An int or a sequence of nd ints as a tuple, or PyTorch's RuntimeError."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return (int(value),) * nd
    if isinstance(value, (tuple, list)) and all(
            isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in value):
        if len(value) == 1:
            return (int(value[0]),) * nd
        if len(value) == nd:
            return tuple(int(v) for v in value)
        raise RuntimeError(f"expected {name} to be a single integer value or a list of {nd} values "
                           f"to match the convolution dimensions, but got {name}={list(value)}")
    raise TypeError(f"{name} must be an int or a tuple of ints, but got {type(value).__name__}")


def _shape_str(shape) -> str:
    return "[" + ", ".join(str(s) for s in shape) + "]"


def _check_common(x, w, b, nd: int, name: str, transposed: bool):
    """Rank, dtype and bias checks shared by conv and conv_transpose; returns batched x."""
    if not isinstance(x, Tensor) or not isinstance(w, Tensor):
        raise TypeError(f"{name}(): argument 'input' and 'weight' must be Tensors")
    if x.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(f"Expected {nd + 1}D (unbatched) or {nd + 2}D (batched) input to "
                           f"{name}, but got input of size: {_shape_str(x.shape)}")
    if w.ndim != nd + 2:
        raise RuntimeError(f"weight should have {nd + 2} dimensions for {name}, but got weight of "
                           f"size {_shape_str(w.shape)}")
    if x.dtype != w.dtype:
        raise RuntimeError(f"expected scalar type {_type_name(x)} but found {_type_name(w)}")
    if x.dtype.is_floating_point is False and x._data.dtype.kind not in "iu":
        raise NotImplementedError(f'"{name}" not implemented for \'{_type_name(x)}\'')
    if b is not None:
        if b.dtype != x.dtype:
            raise RuntimeError(f"Input type ({_c_name(x)}) and bias type ({_c_name(b)}) should be "
                               "the same")
        out_ch = w.shape[1] if transposed else w.shape[0]
        if b.ndim != 1 or (b.shape[0] != out_ch and not transposed):
            raise RuntimeError(f"Given weight of size {_shape_str(w.shape)}, expected bias to be "
                               f"1-dimensional with {out_ch} elements, but got bias of size "
                               f"{_shape_str(b.shape)} instead")


def _type_name(t) -> str:
    name = str(t.dtype).rsplit(".", 1)[-1]
    return {"float32": "Float", "float64": "Double", "float16": "Half", "bfloat16": "BFloat16",
            "int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte",
            "bool": "Bool"}.get(name, name)


def _c_name(t) -> str:
    name = str(t.dtype).rsplit(".", 1)[-1]
    return {"float32": "float", "float64": "double", "float16": "c10::Half"}.get(name, name)


def _check_hyper(stride, dilation, groups) -> None:
    if any(s <= 0 for s in stride):
        raise RuntimeError("non-positive stride is not supported")
    if any(d <= 0 for d in dilation):
        raise RuntimeError("non-positive dilation is not supported")
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")


def _convnd(input, weight, bias, stride, padding, dilation, groups, nd: int, name: str):
    _check_common(input, weight, bias, nd, name, False)
    stride = _tuple(stride, nd, "stride")
    dilation = _tuple(dilation, nd, "dilation")
    groups = int(groups)
    _check_hyper(stride, dilation, groups)
    ksize = tuple(weight.shape[2:])
    if isinstance(padding, str):
        if padding == "valid":
            lo = hi = (0,) * nd
        elif padding == "same":
            if any(s != 1 for s in stride):
                raise RuntimeError("padding='same' is not supported for strided convolutions")
            total = [d * (k - 1) for d, k in zip(dilation, ksize)]
            lo = tuple(t // 2 for t in total)
            hi = tuple(t - t // 2 for t in total)
        else:
            raise RuntimeError(f"Invalid padding string: '{padding}'")
    else:
        lo = hi = _tuple(padding, nd, "padding")
        if any(p < 0 for p in lo):
            raise RuntimeError("negative padding is not supported")
    unbatched = input.ndim == nd + 1
    x = input.unsqueeze(0) if unbatched else input
    out_ch, cg = weight.shape[:2]
    if x.shape[1] != cg * groups:
        raise RuntimeError(f"Given groups={groups}, weight of size {_shape_str(weight.shape)}, "
                           f"expected input{_shape_str(x.shape)} to have {cg * groups} channels, "
                           f"but got {x.shape[1]} channels instead")
    if out_ch == 0 or out_ch % groups:
        what = "at least 1" if out_ch == 0 else f"divisible by {groups}"
        raise RuntimeError(f"Given groups={groups}, expected weight to be {what} at dimension 0, "
                           f"but got weight of size {_shape_str(weight.shape)} instead")
    in_sp = tuple(x.shape[2:])
    padded = [n + a + b for n, a, b in zip(in_sp, lo, hi)]
    eff = [d * (k - 1) + 1 for d, k in zip(dilation, ksize)]
    if any(p < e for p, e in zip(padded, eff)):
        raise RuntimeError(
            f"Calculated padded input size per channel: ({' x '.join(map(str, padded))}). Kernel "
            f"size: ({' x '.join(map(str, eff))}). Kernel size can't be greater than actual input "
            "size")
    out_sp = tuple((p - e) // s + 1 for p, e, s in zip(padded, eff, stride))
    y = _ops.conv(x, weight, bias, stride, dilation, lo, groups, out_sp)
    return y.squeeze(0) if unbatched else y


def _output_padding_error(op, stride, dilation) -> RuntimeError:
    if len(op) <= 2:
        op2, s2, d2 = ((0,) + op, (1,) + stride, (1,) + dilation) if len(op) == 1 else (
            op, stride, dilation)
        return RuntimeError(
            "output padding must be smaller than either stride or dilation, but got "
            f"output_padding_height: {op2[0]} output_padding_width: {op2[1]} stride_height: "
            f"{s2[0]} stride_width: {s2[1]} dilation_height: {d2[0]} dilation_width: {d2[1]}")
    return RuntimeError("output padding must be smaller than either stride or dilation, but got "
                        f"output_padding={list(op)} stride={list(stride)} "
                        f"dilation={list(dilation)}")


def _conv_transpose(input, weight, bias, stride, padding, output_padding, groups, dilation,
                    nd: int, name: str):
    _check_common(input, weight, bias, nd, name, True)
    stride = _tuple(stride, nd, "stride")
    dilation = _tuple(dilation, nd, "dilation")
    if isinstance(padding, str):
        raise TypeError(f"{name}(): argument 'padding' must be tuple of ints, not str")
    padding = _tuple(padding, nd, "padding")
    output_padding = _tuple(output_padding, nd, "output_padding")
    groups = int(groups)
    _check_hyper(stride, dilation, groups)
    if any(p < 0 for p in padding):
        raise RuntimeError("negative padding is not supported")
    if any(p < 0 for p in output_padding):
        raise RuntimeError("negative output_padding is not supported")
    if any(op >= s and op >= d for op, s, d in zip(output_padding, stride, dilation)):
        raise _output_padding_error(output_padding, stride, dilation)
    unbatched = input.ndim == nd + 1
    x = input.unsqueeze(0) if unbatched else input
    in_ch, cg = weight.shape[:2]
    if x.shape[1] != in_ch:
        raise RuntimeError(f"Given transposed=1, weight of size {_shape_str(weight.shape)}, "
                           f"expected input{_shape_str(x.shape)} to have {in_ch} channels, but "
                           f"got {x.shape[1]} channels instead")
    if in_ch % groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be divisible by {groups} "
                           f"at dimension 0, but got weight of size [{_shape_str(weight.shape)}] "
                           "instead")
    if bias is not None and bias.shape[0] != cg * groups:
        raise RuntimeError(f"Given transposed=1, weight of size {_shape_str(weight.shape)}, "
                           f"expected bias to be 1-dimensional with {cg * groups} elements, but "
                           f"got bias of size {_shape_str(bias.shape)} instead")
    ksize = tuple(weight.shape[2:])
    i_sp = tuple(x.shape[2:])
    out_sp = tuple((i - 1) * s - 2 * p + d * (k - 1) + op + 1 for i, s, p, d, k, op in
                   zip(i_sp, stride, padding, dilation, ksize, output_padding))
    if any(o <= 0 for o in out_sp):
        raise RuntimeError(
            f"Given input size per channel: ({' x '.join(map(str, i_sp))}). Calculated output "
            f"size per channel: ({' x '.join(map(str, out_sp))}). Output size is too small")
    y = _ops.conv_transpose(x, weight, bias, stride, dilation, padding, groups, out_sp)
    return y.squeeze(0) if unbatched else y


def conv1d(input: Tensor, weight: Tensor, bias: Tensor | None = None,
           stride: int | tuple[int, ...] = 1, padding: int | tuple[int, ...] | str = 0,
           dilation: int | tuple[int, ...] = 1, groups: int = 1) -> Tensor:
    """1-D cross-correlation over (N, C, L) or unbatched (C, L) input."""
    return _convnd(input, weight, bias, stride, padding, dilation, groups, 1, "conv1d")


def conv2d(input: Tensor, weight: Tensor, bias: Tensor | None = None,
           stride: int | tuple[int, ...] = 1, padding: int | tuple[int, ...] | str = 0,
           dilation: int | tuple[int, ...] = 1, groups: int = 1) -> Tensor:
    """2-D cross-correlation over (N, C, H, W) or unbatched (C, H, W) input."""
    return _convnd(input, weight, bias, stride, padding, dilation, groups, 2, "conv2d")


def conv3d(input: Tensor, weight: Tensor, bias: Tensor | None = None,
           stride: int | tuple[int, ...] = 1, padding: int | tuple[int, ...] | str = 0,
           dilation: int | tuple[int, ...] = 1, groups: int = 1) -> Tensor:
    """3-D cross-correlation over (N, C, D, H, W) or unbatched (C, D, H, W) input."""
    return _convnd(input, weight, bias, stride, padding, dilation, groups, 3, "conv3d")


def conv_transpose1d(input: Tensor, weight: Tensor, bias: Tensor | None = None,
                     stride: int | tuple[int, ...] = 1, padding: int | tuple[int, ...] = 0,
                     output_padding: int | tuple[int, ...] = 0, groups: int = 1,
                     dilation: int | tuple[int, ...] = 1) -> Tensor:
    """1-D transposed convolution (the gradient of conv1d with respect to its input)."""
    return _conv_transpose(input, weight, bias, stride, padding, output_padding, groups, dilation,
                           1, "conv_transpose1d")


def conv_transpose2d(input: Tensor, weight: Tensor, bias: Tensor | None = None,
                     stride: int | tuple[int, ...] = 1, padding: int | tuple[int, ...] = 0,
                     output_padding: int | tuple[int, ...] = 0, groups: int = 1,
                     dilation: int | tuple[int, ...] = 1) -> Tensor:
    """2-D transposed convolution (the gradient of conv2d with respect to its input)."""
    return _conv_transpose(input, weight, bias, stride, padding, output_padding, groups, dilation,
                           2, "conv_transpose2d")


def conv_transpose3d(input: Tensor, weight: Tensor, bias: Tensor | None = None,
                     stride: int | tuple[int, ...] = 1, padding: int | tuple[int, ...] = 0,
                     output_padding: int | tuple[int, ...] = 0, groups: int = 1,
                     dilation: int | tuple[int, ...] = 1) -> Tensor:
    """3-D transposed convolution (the gradient of conv3d with respect to its input)."""
    return _conv_transpose(input, weight, bias, stride, padding, output_padding, groups, dilation,
                           3, "conv_transpose3d")
