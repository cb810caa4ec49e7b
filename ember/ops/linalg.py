"""Linear algebra: matmul (every rank case), mm, bmm, mv, dot, outer, addmm, baddbmm, einsum."""
from __future__ import annotations

from ..backend import array_module
from ._op import Op

__all__ = ["matmul"]


class MM(Op):
    """2-D @ 2-D (MmBackward0): the BLAS workhorse."""

    save_inputs = (0, 1)

    @staticmethod
    def forward(ctx, x, y):
        return array_module(x).matmul(x, y)

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.inputs
        gx = mm(grad, y.t()) if ctx.needs_input_grad[0] else None
        gy = mm(x.t(), grad) if ctx.needs_input_grad[1] else None
        return gx, gy


def mm(input, mat2):
    if input.ndim != 2 or mat2.ndim != 2:
        raise RuntimeError(f"{'self' if input.ndim != 2 else 'mat2'} must be a matrix")
    if input.shape[1] != mat2.shape[0]:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({input.shape[0]}x"
                           f"{input.shape[1]} and {mat2.shape[0]}x{mat2.shape[1]})")
    if input.dtype is not mat2.dtype:
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: {input.dtype} != "
                           f"{mat2.dtype}")
    return MM.apply(input, mat2)


def matmul(input, other):
    """PyTorch's matmul; the 2-D case for now, other ranks routed by ops.linalg as they land."""
    return mm(input, other)
