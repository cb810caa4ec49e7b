"""Volumetric grid sampling (torch.grid_sampler_3d, F.grid_sample on 5-D input): trilinear or
nearest reads of (N, C, D, H, W) at the (x, y, z) points of a (N, Do, Ho, Wo, 3) grid.

Composed from ember ops (gather, floor, clamp), so gradients reach the input and the grid, to
any order. Coordinates follow torch's grid_sampler_compute_source_index: unnormalise, then clip
(border) or reflect and clip (reflection); zeros padding drops the corners outside.
"""
from __future__ import annotations

__all__ = ["grid_sampler_3d"]

_MODES = ("bilinear", "nearest")
_PADDING = ("zeros", "border", "reflection")


def _unnormalize(coord, size: int, align_corners: bool):
    if align_corners:
        return (coord + 1) / 2 * (size - 1)
    return ((coord + 1) * size - 1) / 2


def _reflect(coord, twice_low: int, twice_high: int):
    """Fold coord into [low, high] by reflection at the ends (any number of times)."""
    if twice_low == twice_high:
        return coord * 0
    low, span = twice_low / 2, (twice_high - twice_low) / 2
    x = (coord - low).abs()
    extra = x.fmod(span)
    flips = (x / span).floor()
    even = flips.remainder(2) == 0
    return (extra + low).where(even, span - extra + low)


def _source_index(coord, size: int, padding: str, align_corners: bool):
    x = _unnormalize(coord, size, align_corners)
    if padding == "reflection":
        x = _reflect(x, 0, 2 * (size - 1)) if align_corners else _reflect(x, -1, 2 * size - 1)
    if padding in ("border", "reflection"):
        x = x.clamp(0, size - 1)
    return x


def _read(flat, iz, iy, ix, shape):
    """flat (N, C, D*H*W) at integer corners (N, P) -> (N, C, P); zero where out of range."""
    d, h, w = shape
    inside = (ix >= 0) & (ix < w) & (iy >= 0) & (iy < h) & (iz >= 0) & (iz < d)
    lin = (iz.clamp(0, d - 1) * h + iy.clamp(0, h - 1)) * w + ix.clamp(0, w - 1)
    lin = lin.long().unsqueeze(1).expand(flat.shape[0], flat.shape[1], lin.shape[-1])
    return flat.gather(2, lin), inside.unsqueeze(1)


def grid_sampler_3d(input, grid, interpolation_mode: int, padding_mode: int,
                    align_corners: bool):
    """Sample 5-D input at grid's points (ATen's integer mode codes: 0 bilinear, 1 nearest;
    padding 0 zeros, 1 border, 2 reflection)."""
    if input.dim() != 5 or grid.dim() != 5 or grid.shape[-1] != 3:
        raise RuntimeError(f"grid_sampler(): expected 5D input and grid with same number of "
                           f"dimensions, but got input with sizes {list(input.shape)} and grid "
                           f"with sizes {list(grid.shape)}")
    if input.shape[0] != grid.shape[0]:
        raise RuntimeError(f"grid_sampler(): expected grid and input to have same batch size, "
                           f"but got input with sizes {list(input.shape)} and grid with sizes "
                           f"{list(grid.shape)}")
    if interpolation_mode not in (0, 1):
        raise RuntimeError("grid_sampler(): bicubic interpolation only supports 4D input")
    mode, padding = _MODES[interpolation_mode], _PADDING[padding_mode]
    n, c, d, h, w = input.shape
    out_sp = tuple(grid.shape[1:4])
    g = grid.reshape(n, -1, 3)
    ix = _source_index(g[..., 0], w, padding, align_corners)
    iy = _source_index(g[..., 1], h, padding, align_corners)
    iz = _source_index(g[..., 2], d, padding, align_corners)
    flat = input.reshape(n, c, d * h * w)
    if mode == "nearest":
        vals, inside = _read(flat, iz.round(), iy.round(), ix.round(), (d, h, w))
        one = (ix * 0 + 1).unsqueeze(1)  # the grid stays in the graph with a zero gradient
        out = vals * (inside * one)
    else:
        x0, y0, z0 = ix.floor(), iy.floor(), iz.floor()
        # weights of the low and high corner per axis (torch's tnw = (x1 - x)(y1 - y)(z1 - z)...)
        wx, wy, wz = (x0 + 1 - ix, ix - x0), (y0 + 1 - iy, iy - y0), (z0 + 1 - iz, iz - z0)
        out = None
        for dz in (0, 1):
            for dy in (0, 1):
                for dx in (0, 1):
                    wgt = wx[dx] * wy[dy] * wz[dz]
                    vals, inside = _read(flat, z0 + dz, y0 + dy, x0 + dx, (d, h, w))
                    term = vals * (wgt.unsqueeze(1) * inside)
                    out = term if out is None else out + term
    return out.reshape((n, c) + out_sp)
