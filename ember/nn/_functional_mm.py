"""nn.functional's grouped and scaled matrix multiplies as torch's CPU build runs them:
grouped_mm computes (float32/float16/bfloat16, 16-byte aligned strides), scaled_mm multiplies
float8 operands with tensor-wise or row-wise float32 scales, scaled_grouped_mm has no CPU kernel."""
from __future__ import annotations

import enum

from .._tensor import Tensor
from ..ops.shape import cat

__all__ = ["ScalingType", "SwizzleType", "grouped_mm", "scaled_grouped_mm", "scaled_mm"]


class _ScalingType(enum.Enum):
    TensorWise = 0
    RowWise = 1
    BlockWise1x16 = 2
    BlockWise1x32 = 3
    BlockWise1x128 = 4
    BlockWise128x128 = 5


class _SwizzleType(enum.Enum):
    NO_SWIZZLE = 0
    SWIZZLE_32_4_4 = 1


ScalingType = _ScalingType
SwizzleType = _SwizzleType

_CAP = {"float16": "Half", "bfloat16": "BFloat16", "float32": "Float", "float64": "Double"}


def _aligned(t: Tensor) -> bool:
    """Every stride but the unit one spans a multiple of 16 bytes (torch's grouped gemm rule)."""
    size = t.element_size()
    return all(s == 1 or (s * size) % 16 == 0 for s in t.stride())


def _check_grouped(a: Tensor, b: Tensor, offs, bias, out_dtype) -> None:
    for name, t in (("mat_a", a), ("mat_b", b)):
        if t.dim() not in (2, 3):
            raise RuntimeError(f"{name} has to be 2 or 3d")
    if a.dtype.name not in ("float32", "bfloat16", "float16"):
        raise RuntimeError(f"Expected mat_a to be Float32, BFloat16 or Float16 matrix, got "
                           f"{_CAP.get(a.dtype.name, a.dtype.name)}")
    if not (_aligned(a) and _aligned(b)) or a.dtype != b.dtype:
        raise RuntimeError("strides should be multiple of 16 bytes")
    if (offs is None) != (a.dim() == 3 and b.dim() == 3):
        raise RuntimeError("Have to provide offsets if there is a 2d matrix, or no offset if both "
                           "matrices are 3d")
    if offs is not None and offs.dtype.name != "int32":
        raise RuntimeError("Offsets have to be int32")
    if bias is not None:
        raise RuntimeError("Bias not supported yet")
    if out_dtype is not None and out_dtype != a.dtype:
        raise RuntimeError("Grouped gemm output dtype must match `mat_a` dtype")
    if a.shape[-1] != b.shape[-2]:
        raise RuntimeError("contraction dimension of mat_a and mat_b must match")
    if a.dim() == 3 and b.dim() == 3 and a.shape[0] != b.shape[0]:
        raise RuntimeError("batched dimension has to match")
    groups = a.shape[0] if a.dim() == 3 else b.shape[0] if b.dim() == 3 else None
    if offs is not None and groups is not None and offs.shape[0] != groups:
        raise RuntimeError("matrix batch sizes have to match")


def grouped_mm(mat_a: Tensor, mat_b: Tensor, *, offs: Tensor | None = None,
               bias: Tensor | None = None, out_dtype=None) -> Tensor:
    """Matmuls over groups: `offs` (cumulative int32 ends) cuts the 2-D operand's M (2d x 3d),
    N (3d x 2d) or K (2d x 2d); two 3-D operands multiply batch by batch."""
    _check_grouped(mat_a, mat_b, offs, bias, out_dtype)
    if offs is None:
        return mat_a @ mat_b
    ends = [int(e) for e in offs.tolist()]
    starts = [0, *ends[:-1]]
    if mat_a.dim() == 2 and mat_b.dim() == 3:  # token rows routed to one expert each
        parts = [mat_a[s:e] @ mat_b[g] for g, (s, e) in enumerate(zip(starts, ends))]
        # rows after the last group stay zero (torch leaves them uninitialised)
        parts.append(mat_a.new_zeros((mat_a.shape[0] - ends[-1], mat_b.shape[2])))
        return cat(parts, 0)
    if mat_a.dim() == 3:  # 3d x 2d: each group owns a slice of the output columns
        parts = [mat_a[g] @ mat_b[:, s:e] for g, (s, e) in enumerate(zip(starts, ends))]
        parts.append(mat_a.new_zeros((mat_a.shape[1], mat_b.shape[1] - ends[-1])))
        return cat(parts, 1)
    return cat([(mat_a[:, s:e] @ mat_b[s:e]).unsqueeze(0) for s, e in zip(starts, ends)], 0)


def _name(t: Tensor) -> str:
    return _CAP.get(t.dtype.name, t.dtype.name)


def _check_recipes(*recipes) -> None:
    """torch reads `.value` of each recipe: anything but a ScalingType (or a list) fails there."""
    for recipe in recipes:
        if not isinstance(recipe, (_ScalingType, list)):
            raise AttributeError(  # noqa: TRY004  (torch's error type)
                f"'{type(recipe).__name__}' object has no attribute 'value'")


def scaled_mm(mat_a: Tensor, mat_b: Tensor, scale_a, scale_recipe_a, scale_b, scale_recipe_b,
              swizzle_a=None, swizzle_b=None, bias: Tensor | None = None, output_dtype=None,
              contraction_dim=(), use_fast_accum: bool = False) -> Tensor:
    """(mat_a @ mat_b) * scale_a * scale_b (+ bias) for float8 operands, in output_dtype
    (bfloat16 by default); other operand or scale types are refused (ValueError)."""
    if mat_a.dim() != 2:
        raise ValueError("mat_a must be a matrix")
    if mat_b.dim() != 2:
        raise ValueError("mat_b must be a matrix")
    m, k = mat_a.shape
    k2, n = mat_b.shape
    if k != k2:
        raise ValueError(f"mat_a and mat_b shapes cannot be multiplied ({m}x{k} and {k2}x{n})")
    _check_recipes(scale_recipe_a, scale_recipe_b)
    sa, sb = scale_a, scale_b
    if _scaling_ok(mat_a, mat_b, sa, scale_recipe_a, sb, scale_recipe_b):
        y = (mat_a.float() @ mat_b.float()) * sa * sb  # float32 accumulation, then the scales
        if bias is not None:
            y = y + bias.float()
        return y.to(_bfloat16() if output_dtype is None else output_dtype)
    raise ValueError(
        "Invalid scaling configuration.\n"
        "- For TensorWise scaling, a and b should be float8, scales should be float and "
        "singletons.\n"
        f"- For RowWise scaling, a and b should be float8, scales should be float, scale_a should "
        f"be ({m}, 1) and scale_b should be (1, {n}), and both should be contiguous.\n"
        f"Got mat_a.dtype()={_name(mat_a)}, scale_a.dtype()={_name(sa)}, scale_a.size()="
        f"{list(sa.shape)}, scale_a.stride()={list(sa.stride())}, mat_b.dtype()={_name(mat_b)}, "
        f"scale_b.dtype()={_name(sb)}, scale_b.size()={list(sb.shape)} and scale_b.stride()="
        f"{list(sb.stride())}")


def _bfloat16():
    from .._dtype import bfloat16
    return bfloat16


def _scaling_ok(a, b, sa, recipe_a, sb, recipe_b) -> bool:
    """torch's CPU check: float8 operands, float32 scales that are singletons (TensorWise) or
    contiguous (M, 1) and (1, N) columns (RowWise)."""
    if not (a.dtype.name.startswith("float8") and b.dtype.name.startswith("float8")):
        return False
    if not (isinstance(sa, Tensor) and isinstance(sb, Tensor)):
        return False
    if sa.dtype.name != "float32" or sb.dtype.name != "float32":
        return False
    kinds = (recipe_a, recipe_b)
    if kinds == (_ScalingType.TensorWise, _ScalingType.TensorWise):
        return sa.numel() == 1 and sb.numel() == 1
    if kinds == (_ScalingType.RowWise, _ScalingType.RowWise):
        return (tuple(sa.shape) == (a.shape[0], 1) and tuple(sb.shape) == (1, b.shape[1])
                and sa.is_contiguous() and sb.is_contiguous())
    return False


def scaled_grouped_mm(mat_a: Tensor, mat_b: Tensor, scale_a, scale_recipe_a, scale_b,
                      scale_recipe_b, swizzle_a=None, swizzle_b=None, bias: Tensor | None = None,
                      offs: Tensor | None = None, output_dtype=None, contraction_dim=(),
                      use_fast_accum: bool = False) -> Tensor:
    """Not available on CPU: torch's CPU build has no kernel for it (NotImplementedError)."""
    _check_recipes(scale_recipe_a, scale_recipe_b)
    raise NotImplementedError(
        "Could not run 'aten::_scaled_grouped_mm_v2' with arguments from the 'CPU' backend. This "
        "could be because the operator doesn't exist for this backend.")
