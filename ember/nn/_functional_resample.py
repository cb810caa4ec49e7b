"""nn.functional's resampling: interpolate and its deprecated aliases, pixel and channel shuffles
(composites of shape ops), fold/unfold. torch's argument checks live here; ember.ops.resample
computes."""
from __future__ import annotations

import math
import warnings

from .._tensor import Tensor
from ..autograd.function import Function
from ..ops import resample as _ops
from ..ops.creation import linspace as _linspace
from ..ops.creation import ones as _ones
from ..ops.creation import tensor as _tensor
from ..ops.creation import zeros as _zeros
from ..ops.grid_sample3d import grid_sampler_3d
from ..ops.rearrange import meshgrid as _meshgrid
from ..ops.shape import stack as _stack
from ._functional_pool import _ntuple, adaptive_avg_pool1d, adaptive_avg_pool2d, adaptive_avg_pool3d

__all__ = ["affine_grid", "channel_shuffle", "fold", "grid_sample", "interpolate",
           "native_channel_shuffle", "pixel_shuffle", "pixel_unshuffle", "unfold", "upsample",
           "upsample_bilinear", "upsample_nearest"]

_MODE_DIMS = {"linear": 1, "bilinear": 2, "bicubic": 2, "trilinear": 3}


def interpolate(input: Tensor, size: int | tuple[int, ...] | None = None,
                scale_factor: float | tuple[float, ...] | None = None, mode: str = "nearest",
                align_corners: bool | None = None, recompute_scale_factor: bool | None = None,
                antialias: bool = False) -> Tensor:
    """Resize the spatial dims of (N, C, *spatial) by `size` or `scale_factor` (PyTorch's rules
    for output size, scale and align_corners; antialias is not supported)."""
    if mode in ("nearest", "area", "nearest-exact"):
        if align_corners is not None:
            raise ValueError("align_corners option can only be set with the interpolating modes: "
                             "linear | bilinear | bicubic | trilinear")
    elif align_corners is None:
        align_corners = False
    dim = input.dim() - 2
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is not None:
        if isinstance(size, (list, tuple)):
            if len(size) != dim:
                raise ValueError(
                    "Input and output must have the same number of spatial dimensions, but got "
                    f"input with spatial dimensions of {list(input.shape[2:])} and output size of "
                    f"{size}. Please provide input tensor in (N, C, d1, d2, ...,dK) format and "
                    "output size in (o1, o2, ...,oK) format.")
            output_size = [int(s) for s in size]
        else:
            output_size = [int(size)] * dim
        scale_factors = None
    elif scale_factor is not None:
        if isinstance(scale_factor, (list, tuple)):
            if len(scale_factor) != dim:
                raise ValueError(
                    "Input and scale_factor must have the same number of spatial dimensions, but "
                    f"got input with spatial dimensions of {list(input.shape[2:])} and "
                    f"scale_factor of shape {scale_factor}. Please provide input tensor in (N, C, "
                    "d1, d2, ...,dK) format and scale_factor in (s1, s2, ...,sK) format.")
            scale_factors = [float(s) for s in scale_factor]
        else:
            scale_factors = [float(scale_factor)] * dim
        output_size = None
    else:
        raise ValueError("either size or scale_factor should be defined")
    if recompute_scale_factor is not None and recompute_scale_factor and size is not None:
        raise ValueError("recompute_scale_factor is not meaningful with an explicit size.")
    if mode == "area" and output_size is None:
        recompute_scale_factor = True
    if recompute_scale_factor is not None and recompute_scale_factor:
        output_size = [math.floor(float(input.shape[i + 2]) * scale_factors[i])
                       for i in range(dim)]
        scale_factors = None
    if antialias:
        raise NotImplementedError("ember's interpolate does not support antialias=True")
    if dim not in (1, 2, 3):
        raise NotImplementedError(
            f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {input.dim()}D) for "
            "the modes: nearest | linear | bilinear | bicubic | trilinear | area | nearest-exact "
            f"(got {mode})")
    if mode == "area":
        return (adaptive_avg_pool1d, adaptive_avg_pool2d, adaptive_avg_pool3d)[dim - 1](
            input, output_size)
    if mode in _MODE_DIMS:
        need = _MODE_DIMS[mode]
        if dim != need:
            raise NotImplementedError(f"Got {input.dim()}D input, but {mode} mode needs "
                                      f"{need + 2}D input")
    elif mode not in ("nearest", "nearest-exact"):
        raise NotImplementedError(
            "Input Error: Only 3D, 4D and 5D input Tensors supported (got "
            f"{input.dim()}D) for the modes: nearest | linear | bilinear | bicubic | trilinear | "
            f"area | nearest-exact (got {mode})")
    if output_size is None:
        output_size = [int(float(input.shape[i + 2]) * scale_factors[i]) for i in range(dim)]
        scales = scale_factors
    else:
        scales = [None] * dim
    x = input._data
    spatial = x.shape[2:]
    if any(n <= 0 for n in spatial) or any(o <= 0 for o in output_size):
        raise RuntimeError(f"Input and output sizes should be greater than 0, but got input "
                           f"{tuple(spatial)} output {tuple(output_size)}")
    if mode not in ("nearest", "nearest-exact") and x.dtype.kind not in "fV":  # V: bfloat16
        raise NotImplementedError(f'"upsample_{mode}{dim}d" not implemented for '
                                  f"'{input.dtype}'")
    return _ops.resample(input, output_size, scales, mode, bool(align_corners))


def upsample(input: Tensor, size: int | tuple[int, ...] | None = None,
             scale_factor: float | tuple[float, ...] | None = None, mode: str = "nearest",
             align_corners: bool | None = None) -> Tensor:
    """Deprecated alias of interpolate."""
    warnings.warn("`nn.functional.upsample` is deprecated. Use `nn.functional.interpolate` "
                  "instead.", stacklevel=2)
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input: Tensor, size: int | tuple[int, ...] | None = None,
                     scale_factor: float | tuple[float, ...] | None = None) -> Tensor:
    """Deprecated: interpolate(mode='nearest')."""
    warnings.warn("`nn.functional.upsample_nearest` is deprecated. Use "
                  "`nn.functional.interpolate` instead.", stacklevel=2)
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input: Tensor, size: int | tuple[int, ...] | None = None,
                      scale_factor: float | tuple[float, ...] | None = None) -> Tensor:
    """Deprecated: interpolate(mode='bilinear', align_corners=True)."""
    warnings.warn("`nn.functional.upsample_bilinear` is deprecated. Use "
                  "`nn.functional.interpolate` instead.", stacklevel=2)
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)


# ---- pixel and channel shuffles ------------------------------------------------------------------


def pixel_shuffle(input: Tensor, upscale_factor: int) -> Tensor:
    """(*, C*r^2, H, W) -> (*, C, H*r, W*r)."""
    r = int(upscale_factor)
    if input.dim() < 3:
        raise RuntimeError("pixel_shuffle expects input to have at least 3 dimensions, but got "
                           f"input with {input.dim()} dimension(s)")
    if r <= 0:
        raise RuntimeError(f"pixel_shuffle expects a positive upscale_factor, but got {r}")
    *lead, c, h, w = input.shape
    if c % (r * r):
        raise RuntimeError("pixel_shuffle expects its input's 'channel' dimension to be "
                           f"divisible by the square of upscale_factor, but input.size(-3)={c} "
                           f"is not divisible by {r * r}")
    L = len(lead)
    y = input.reshape(*lead, c // (r * r), r, r, h, w)
    y = y.permute(*range(L), L, L + 3, L + 1, L + 4, L + 2)
    return y.reshape(*lead, c // (r * r), h * r, w * r)


def pixel_unshuffle(input: Tensor, downscale_factor: int) -> Tensor:
    """(*, C, H*r, W*r) -> (*, C*r^2, H, W)."""
    r = int(downscale_factor)
    if input.dim() < 3:
        raise RuntimeError("pixel_unshuffle expects input to have at least 3 dimensions, but got "
                           f"input with {input.dim()} dimension(s)")
    if r <= 0:
        raise RuntimeError(f"pixel_unshuffle expects a positive downscale_factor, but got {r}")
    *lead, c, h, w = input.shape
    if h % r:
        raise RuntimeError("pixel_unshuffle expects height to be divisible by downscale_factor, "
                           f"but input.size(-2)={h} is not divisible by {r}")
    if w % r:
        raise RuntimeError("pixel_unshuffle expects width to be divisible by downscale_factor, "
                           f"but input.size(-1)={w} is not divisible by {r}")
    if input.numel() == 0:  # PyTorch returns an empty input unchanged (a copy)
        return input.clone()
    L = len(lead)
    y = input.reshape(*lead, c, h // r, r, w // r, r)
    y = y.permute(*range(L), L, L + 2, L + 4, L + 1, L + 3)
    return y.reshape(*lead, c * r * r, h // r, w // r)


def channel_shuffle(input: Tensor, groups: int) -> Tensor:
    """Interleave channel groups: (N, g*k, *) viewed as (N, g, k, *) -> (N, k, g, *)."""
    g = int(groups)
    if input.dim() < 3:
        raise RuntimeError("channel_shuffle expects input to have at least 3 dimensions, but got "
                           f"input with {input.dim()} dimension(s)")
    if g <= 0:
        raise RuntimeError(f"Number of groups to divide channels in must be positive. Value of "
                           f"groups:{g}")
    n, c, *rest = input.shape
    if c % g:
        raise RuntimeError(f"Number of channels must be divisible by groups. Got {c} channels and "
                           f"{g} groups.")
    y = input.reshape(n, g, c // g, *rest).transpose(1, 2)
    return y.reshape(n, c, *rest)


native_channel_shuffle = channel_shuffle


def _pair_args(kernel_size, dilation, padding, stride):
    return (_ntuple(kernel_size, 2, "kernel_size"), _ntuple(dilation, 2, "dilation"),
            _ntuple(padding, 2, "padding"), _ntuple(stride, 2, "stride"))


def _check_pos(k, d, p, s):
    if any(i <= 0 for i in k):
        raise RuntimeError(f"kernel size should be greater than zero, but got kernel_height: "
                           f"{k[0]} kernel_width: {k[1]}")
    if any(i <= 0 for i in s):
        raise RuntimeError(f"stride should be greater than zero, but got stride_height: {s[0]} "
                           f"stride_width: {s[1]}")
    if any(i <= 0 for i in d):
        raise RuntimeError(f"dilation should be greater than zero, but got dilation_height: "
                           f"{d[0]} dilation_width: {d[1]}")
    if any(i < 0 for i in p):
        raise RuntimeError(f"padding should be non-negative, but got pad_height: {p[0]} "
                           f"pad_width: {p[1]}")


def _blocks(spatial, k, d, p, s):
    return tuple((n + 2 * pi - di * (ki - 1) - 1) // si + 1
                 for n, ki, di, pi, si in zip(spatial, k, d, p, s))


def unfold(input: Tensor, kernel_size: int | tuple[int, ...], dilation: int | tuple[int, ...] = 1,
           padding: int | tuple[int, ...] = 0, stride: int | tuple[int, ...] = 1) -> Tensor:
    """Extract sliding blocks: (N, C, H, W) -> (N, C*prod(kernel_size), L)."""
    k, d, p, s = _pair_args(kernel_size, dilation, padding, stride)
    _check_pos(k, d, p, s)
    if input.dim() < 3:
        raise IndexError(f"Dimension out of range (expected to be in range of "
                         f"[{-input.dim()}, {input.dim() - 1}], but got 2)")
    if input.dim() not in (3, 4) or any(n == 0 for n in input.shape[-3:]):
        raise RuntimeError("Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size "
                           f"for input, but got: {list(input.shape)}")
    spatial = tuple(input.shape[-2:])
    out = _blocks(spatial, k, d, p, s)
    if any(o < 1 for o in out):
        raise RuntimeError(
            f"Given input with spatial size {spatial}, kernel_size={k}, dilation={d}, "
            f"padding={p}, calculated shape of the array of sliding blocks as {out}, but its "
            "components must be at least one.")
    return _ops.unfold(input, k, d, p, s, out)


def fold(input: Tensor, output_size: int | tuple[int, ...], kernel_size: int | tuple[int, ...],
         dilation: int | tuple[int, ...] = 1, padding: int | tuple[int, ...] = 0,
         stride: int | tuple[int, ...] = 1) -> Tensor:
    """Combine sliding blocks into a tensor: (N, C*prod(kernel_size), L) -> (N, C, *output_size)."""
    k, d, p, s = _pair_args(kernel_size, dilation, padding, stride)
    osz = _ntuple(output_size, 2, "output_size")
    _check_pos(k, d, p, s)
    if input.dim() not in (2, 3) or any(n == 0 for n in input.shape[-2:]):
        raise RuntimeError("Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size "
                           f"for input, but got: {list(input.shape)}")
    kk = k[0] * k[1]
    if input.shape[-2] % kk:
        raise RuntimeError("Expected size of input's dimension 1 to be divisible by the product "
                           f"of kernel_size, but got input.size(1)={input.shape[-2]} and "
                           f"kernel_size={k}")
    out = _blocks(osz, k, d, p, s)
    if any(o < 1 for o in out) or out[0] * out[1] != input.shape[-1]:
        raise RuntimeError(
            f"Given output_size={osz}, kernel_size={k}, dilation={d}, padding={p}, stride={s}, "
            "expected size of input's dimension 2 to match the calculated number of sliding "
            f"blocks {out[0]} * {out[1]} = {out[0] * out[1]}, but got "
            f"input.size(2)={input.shape[-1]}.")
    return _ops.fold(input, k, d, p, s, out, osz)


# ---- affine_grid ---------------------------------------------------------------------------------

_ALIGN_WARNING = (
    "Default grid_sample and affine_grid behavior has changed to align_corners=False since 1.3.0. "
    "Please specify align_corners=True if the old behavior is desired. See the documentation of "
    "grid_sample for details.")


def _unit_steps(theta: Tensor, n: int, align_corners: bool) -> Tensor:
    """n sampling positions across [-1, 1]: the corners' centres (align_corners) or the pixels'
    centres; a single position is 0."""
    if n <= 1:
        return _tensor([0.0], dtype=theta.dtype)
    r = _linspace(-1.0, 1.0, n, dtype=theta.dtype)
    return r if align_corners else r * ((n - 1) / n)


def affine_grid(theta: Tensor, size, align_corners: bool | None = None) -> Tensor:
    """The sampling grid of a batch of affine maps: (N, H, W, 2) for 2-D (theta N x 2 x 3),
    (N, D, H, W, 3) for 3-D (theta N x 3 x 4), in normalised [-1, 1] coordinates (x first)."""
    if align_corners is None:
        warnings.warn(_ALIGN_WARNING, UserWarning, stacklevel=2)
        align_corners = False
    if not theta.is_floating_point():
        raise ValueError(f"Expected theta to have floating point type, but got {theta.dtype}")
    size = tuple(size)
    if len(size) == 4:
        if theta.dim() != 3 or tuple(theta.shape[-2:]) != (2, 3):
            raise ValueError(f"Expected a batch of 2D affine matrices of shape Nx2x3 for size "
                             f"{size}. Got {theta.shape}.")
        spatial = size[-2:]
    elif len(size) == 5:
        if theta.dim() != 3 or tuple(theta.shape[-2:]) != (3, 4):
            raise ValueError(f"Expected a batch of 3D affine matrices of shape Nx3x4 for size "
                             f"{size}. Got {theta.shape}.")
        spatial = size[-3:]
    else:
        raise NotImplementedError(f"affine_grid only supports 4D and 5D sizes, for 2D and 3D "
                                  f"affine transforms, respectively. Got size {size}.")
    if align_corners and min(spatial) == 1:
        warnings.warn("Since version 1.3.0, affine_grid behavior has changed for unit-size grids "
                      "when align_corners=True. This is not an intended use case of affine_grid. "
                      "See the documentation of affine_grid for details.", UserWarning,
                      stacklevel=2)
    if min(size) <= 0:
        raise ValueError(f"Expected non-zero, positive output size. Got {size}")
    # base[..., k] is the coordinate along the k-th spatial axis counted from the last (x first),
    # and a trailing 1 so that theta's last column translates
    grids = _meshgrid(*[_unit_steps(theta, n, align_corners) for n in spatial], indexing="ij")
    base = _stack([*reversed(grids), _ones(spatial, dtype=theta.dtype)], dim=-1)
    n = theta.shape[0]
    grid = base.reshape(1, -1, len(spatial) + 1) @ theta.transpose(1, 2)
    return grid.reshape(n, *spatial, len(spatial))


# ---- grid_sample -------------------------------------------------------------------------------
# Written with differentiable ember ops (gather, floor, clamp, fmod, where), so the gradients to
# the input and to the grid, and second derivatives, come from autograd.


def _source_coord(g: Tensor, size: int, padding_mode: str, align_corners: bool) -> Tensor:
    """Grid values in [-1, 1] as pixel coordinates along one axis, after border or reflection
    padding (zeros padding leaves them as they are: taps outside read 0)."""
    x = (g + 1) / 2 * (size - 1) if align_corners else ((g + 1) * size - 1) / 2
    if padding_mode == "border":
        return x.clamp(0, size - 1)
    if padding_mode == "reflection":
        if align_corners:
            x = _reflect(x, 0, 2 * (size - 1))
        else:
            x = _reflect(x, -1, 2 * size - 1).clamp(0, size - 1)
    return x


def _reflect(x: Tensor, twice_low: int, twice_high: int) -> Tensor:
    """Reflect coordinates into [twice_low / 2, twice_high / 2] as often as needed."""
    if twice_low == twice_high:
        return x * 0
    low = twice_low / 2
    span = (twice_high - twice_low) / 2
    d = (x - low).abs()
    extra = d.fmod(span)
    flips = (d / span).floor().detach()
    return ((flips.fmod(2) == 0) * (extra + low)
            + (flips.fmod(2) != 0) * (span - extra + low))


def _taps(input: Tensor, iy: Tensor, ix: Tensor) -> Tensor:
    """input[n, :, iy, ix] for integer coordinate tensors (N, Ho, Wo), 0 where out of bounds."""
    n, c, h, w = input.shape
    inside = (iy >= 0) & (iy < h) & (ix >= 0) & (ix < w)
    flat = (iy.clamp(0, h - 1) * w + ix.clamp(0, w - 1)).long()
    index = flat.reshape(n, 1, -1).expand(n, c, flat[0].numel())
    values = input.reshape(n, c, h * w).gather(2, index).reshape(n, c, *iy.shape[1:])
    return values * inside.unsqueeze(1).to(input.dtype)


class _ZeroGradTo(Function):
    """`out` unchanged, with `other` in the graph receiving a zero gradient."""

    @staticmethod
    def forward(ctx, out, other):
        ctx.shape, ctx.dtype = other.shape, other.dtype
        return out.clone()

    @staticmethod
    def backward(ctx, grad):
        return grad, _zeros(ctx.shape, dtype=ctx.dtype)


_GRID_MODES = {"bilinear": 0, "nearest": 1}  # ATen's integer codes, as grid_sampler_3d takes
_GRID_PADDINGS = {"zeros": 0, "border": 1, "reflection": 2}


def grid_sample(input: Tensor, grid: Tensor, mode: str = "bilinear", padding_mode: str = "zeros",
                align_corners: bool | None = None) -> Tensor:
    """Sample 4-D `input` (N, C, H, W) at the normalised (x, y) points of `grid` (N, Ho, Wo, 2),
    bilinearly or at the nearest pixel, with zeros, border or reflection padding."""
    if mode not in ("bilinear", "nearest", "bicubic"):
        raise ValueError(f"nn.functional.grid_sample(): expected mode to be 'bilinear', "
                         f"'nearest' or 'bicubic', but got: '{mode}'")
    if padding_mode not in ("zeros", "border", "reflection"):
        raise ValueError(f"nn.functional.grid_sample(): expected padding_mode to be 'zeros', "
                         f"'border', or 'reflection', but got: '{padding_mode}'")
    if align_corners is None:
        warnings.warn(_ALIGN_WARNING, UserWarning, stacklevel=2)
        align_corners = False
    if input.dim() == 5 and mode != "bicubic":  # volumetric: trilinear or nearest
        return grid_sampler_3d(input, grid, _GRID_MODES[mode], _GRID_PADDINGS[padding_mode],
                               align_corners)
    if input.dim() != 4 or mode == "bicubic":
        raise NotImplementedError(f"ember's grid_sample samples 4-D and 5-D inputs in 'bilinear' "
                                  f"or 'nearest' mode; got a {input.dim()}-D input in '{mode}' "
                                  "mode")
    if grid.dim() != 4 or grid.shape[-1] != 2 or grid.shape[0] != input.shape[0]:
        raise RuntimeError(f"grid_sampler(): expected grid to have size 2 in last dimension and "
                           f"the same batch size as input, but got grid with sizes "
                           f"{list(grid.shape)} and input with sizes {list(input.shape)}")
    h, w = input.shape[2], input.shape[3]
    ix = _source_coord(grid[..., 0], w, padding_mode, align_corners)
    iy = _source_coord(grid[..., 1], h, padding_mode, align_corners)
    if mode == "nearest":  # piecewise constant in the grid: its gradient is zero, as in torch
        out = _taps(input, iy.round().detach(), ix.round().detach())
        return _ZeroGradTo.apply(out, grid) if grid.requires_grad else out
    x0, y0 = ix.floor().detach(), iy.floor().detach()
    wx, wy = ix - x0, iy - y0  # the weights of the far corners; gradients reach the grid here
    out = 0
    for dy, ry in ((0, 1 - wy), (1, wy)):
        for dx, rx in ((0, 1 - wx), (1, wx)):
            out = out + _taps(input, y0 + dy, x0 + dx) * (ry * rx).unsqueeze(1)
    return out
