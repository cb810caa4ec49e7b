"""nn.functional's embeddings: torch's argument checks (index dtype, weight rank, padding_idx,
bag mode and offsets) before ember.ops.embedding looks the rows up."""
from __future__ import annotations

from .._tensor import Tensor
from ..ops import embedding as _ops

__all__ = ["embedding", "embedding_bag"]

_TYPE = {"float16": "Half", "bfloat16": "BFloat16", "float32": "Float", "float64": "Double",
         "int8": "Char", "uint8": "Byte", "int16": "Short", "int32": "Int", "int64": "Long",
         "bool": "Bool"}


def _check_indices(input, fn: str) -> None:
    if input.dtype.name not in ("int64", "int32"):
        raise RuntimeError(
            "Expected tensor for argument #1 'indices' to have one of the following scalar types: "
            f"Long, Int; but got torch.{_TYPE.get(input.dtype.name, input.dtype.name)}Tensor "
            f"instead (while checking arguments for {fn})")


def _normalize_padding_idx(padding_idx, num: int) -> int:
    if padding_idx is None:
        return -1
    if padding_idx >= num or padding_idx < -num:
        raise AssertionError("Padding_idx must be within num_embeddings")
    return padding_idx + num if padding_idx < 0 else padding_idx


def embedding(input: Tensor, weight: Tensor, padding_idx: int | None = None,
              max_norm: float | None = None, norm_type: float = 2.0,
              scale_grad_by_freq: bool = False, sparse: bool = False) -> Tensor:
    """Rows of `weight` at integer `input`; padding_idx rows get no gradient.

    `sparse=True` is accepted but the gradient is dense (ember has no sparse tensors).
    """
    _check_indices(input, "embedding")
    if weight.dim() != 2:
        raise RuntimeError("'weight' must be 2-D")
    pad = _normalize_padding_idx(padding_idx, weight.shape[0])
    return _ops.embedding(weight, input._data, pad, max_norm, norm_type, scale_grad_by_freq)


def _check_bag_offsets(input, offsets) -> None:
    if input.dim() == 2:
        if offsets is not None:
            raise ValueError("if input is 2D, then offsets has to be None, as input is treated "
                             "is a mini-batch of fixed length sequences. However, found offsets "
                             f"of type {type(offsets)}")
        return
    if input.dim() != 1:
        raise ValueError(f"input has to be 1D or 2D Tensor, but got Tensor of dimension "
                         f"{input.dim()}")
    if offsets is None:
        raise ValueError("offsets has to be a 1D Tensor but got None")
    if offsets.dim() != 1:
        raise ValueError("offsets has to be a 1D Tensor")


def embedding_bag(input: Tensor, weight: Tensor, offsets: Tensor | None = None,
                  max_norm: float | None = None, norm_type: float = 2,
                  scale_grad_by_freq: bool = False, mode: str = "mean", sparse: bool = False,
                  per_sample_weights: Tensor | None = None, include_last_offset: bool = False,
                  padding_idx: int | None = None) -> Tensor:
    """Sums, means or maxes of embedding rows per bag, as a composite of ember ops."""
    _check_indices(input, "embedding_bag")
    if weight.dim() != 2:
        raise RuntimeError("'weight' must be 2-D")
    if mode not in ("sum", "mean", "max"):
        raise ValueError(f"mode has to be one of sum, mean or max, but got {mode}")
    if per_sample_weights is not None and mode != "sum":
        raise NotImplementedError("embedding_bag: per_sample_weights was not None. "
                                  "per_sample_weights is only supported for mode='sum' "
                                  f"(got mode='{mode}'). Please open a feature request on GitHub.")
    pad = _normalize_padding_idx(padding_idx, weight.shape[0])
    _check_bag_offsets(input, offsets)
    return _ops.embedding_bag(input, weight, offsets, max_norm, norm_type, mode,
                              per_sample_weights, include_last_offset, pad)
