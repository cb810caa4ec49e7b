"""torch.func.rearrange: einops' `rearrange` (transpose, reshape, squeeze/unsqueeze, stack and
concatenate by a pattern such as "b h w c -> b (h w) c") as one reshape-permute-reshape.
"""
from __future__ import annotations

import math
import re

from ..autograd import node as _node
from ..ops.shape import stack

__all__ = ["rearrange"]

_TOKEN = re.compile(r"\.\.\.|\(|\)|[A-Za-z_][A-Za-z0-9_]*|\d+|\S")
_ELLIPSIS = "…"
_GROUPED_ELLIPSIS = "(…)"


class DimensionBindError(Exception):
    """Sizes that cannot be bound to a pattern's axes (torch's functorch.dim.DimensionBindError)."""


def _parse(side: str) -> list[list[str]]:
    """Groups of axis names; a bare name is a group of one, `1` and `()` are empty groups."""
    groups: list[list[str]] = []
    current = None
    for tok in _TOKEN.findall(side):
        if tok == "(":
            if current is not None:
                raise ValueError(f"Axis composition is one-level (brackets inside brackets not "
                                 f"allowed): '{side}'")
            current = []
        elif tok == ")":
            if current is None:
                raise ValueError(f"Brackets are not balanced: '{side}'")
            groups.append(current)
            current = None
        elif tok.isdigit():
            if tok != "1":
                raise ValueError("rearrange only supports unnamed axes of size 1")
            if current is None:
                groups.append([])
        elif tok == "..." or tok.isidentifier():
            if current is None:
                groups.append([_ELLIPSIS if tok == "..." else tok])
            else:
                current.append(_GROUPED_ELLIPSIS if tok == "..." else tok)
        else:
            raise ValueError(f"Unknown character '{tok}' in pattern '{side}'")
    if current is not None:
        raise ValueError(f"Brackets are not balanced: '{side}'")
    return groups


def _expand_ellipsis(groups: list[list[str]], n_ell: int) -> list[list[str]]:
    names = [f"{_ELLIPSIS}{i}" for i in range(n_ell)]
    out = []
    for g in groups:
        if g == [_ELLIPSIS]:
            out.extend([[n] for n in names])
        elif _GROUPED_ELLIPSIS in g:
            i = g.index(_GROUPED_ELLIPSIS)
            out.append(g[:i] + names + g[i + 1:])
        else:
            out.append(g)
    return out


def rearrange(tensor, pattern: str, **axes_lengths: int):
    """Reorder, merge and split the axes of `tensor` (or of a stack of tensors) by `pattern`."""
    if isinstance(tensor, (list, tuple)):
        tensor = stack(list(tensor))
    if not isinstance(tensor, _node.Tensor):
        raise TypeError(f"rearrange expects a Tensor or a sequence of Tensors, got {type(tensor)}")
    if "->" not in pattern:
        raise ValueError(f"Pattern must contain '->': '{pattern}'")
    lhs, rhs = pattern.split("->")
    left, right = _parse(lhs), _parse(rhs)
    flat_left = [n for g in left for n in g]
    if any(_GROUPED_ELLIPSIS in g for g in left):
        raise ValueError(f"Ellipsis inside parenthesis in the left side is not allowed: "
                         f"'{pattern}'")
    n_ell = 0
    if _ELLIPSIS in flat_left:
        n_ell = tensor.dim() - (len(left) - 1)
        if n_ell < 0:
            raise ValueError(f"Wrong shape: expected >={len(left) - 1} dims. Received "
                             f"{tensor.dim()}-dim tensor.")
    left, right = _expand_ellipsis(left, n_ell), _expand_ellipsis(right, n_ell)
    flat_left = [n for g in left for n in g]
    flat_right = [n for g in right for n in g]
    for names in (flat_left, flat_right):
        for n in names:
            if names.count(n) > 1:
                raise ValueError(f"Indexing expression contains duplicate dimension '{n}'")
    if set(flat_left) != set(flat_right):
        diff = set(flat_left).symmetric_difference(flat_right)
        raise ValueError("Identifiers only on one side of rearrange expression (should be on "
                         f"both): {diff}")
    if len(left) != tensor.dim():
        raise ValueError(f"Number of dimensions in pattern ({len(left)}) must be equal to the "
                         f"number of dimensions in the tensor ({tensor.dim()})")
    sizes = dict(axes_lengths)
    for g, dim in zip(left, tensor.shape):
        unknown = [n for n in g if n not in sizes]
        known = math.prod(sizes[n] for n in g if n in sizes)
        if len(unknown) > 1:
            raise DimensionBindError("cannot infer the sizes of two dimensions at once "
                                     f"{unknown[0]} and {unknown[1]}")
        if unknown:
            if known == 0 or dim % known:
                known_sizes = tuple(sizes.get(n, "?") for n in g)
                raise DimensionBindError("inferred dimension does not evenly fit into larger "
                                         f"dimension: {dim} vs {known_sizes}")
            sizes[unknown[0]] = dim // known
        elif known != dim:
            raise DimensionBindError(f"Dimension sizes to do not match ({dim} != {known}) when "
                                     f"matching dimension pack {tuple(g)}")
    x = tensor.reshape([sizes[n] for n in flat_left])
    order = [flat_left.index(n) for n in flat_right]
    if order != list(range(len(order))):
        x = x.permute(order)
    return x.reshape([math.prod(sizes[n] for n in g) for g in right])
