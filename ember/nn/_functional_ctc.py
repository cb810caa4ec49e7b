"""F.ctc_loss: argument handling and reduction around the CTC op (ember.ops.ctc)."""
from __future__ import annotations

import numpy as np

from .._tensor import Tensor
from ..ops.ctc import CtcLoss

__all__ = ["ctc_loss"]

_CHECK = "(while checking arguments for ctc_loss_allocate_outputs)"


def _lengths(value, name: str, batch: int) -> np.ndarray:
    arr = np.asarray(value._data if isinstance(value, Tensor) else value, dtype=np.int64)
    arr = arr.reshape(-1)
    if arr.shape[0] != batch:
        raise RuntimeError(f"{name} must be of size batch_size")
    return arr


def ctc_loss(log_probs: Tensor, targets: Tensor, input_lengths, target_lengths, blank: int = 0,
             reduction: str = "mean", zero_infinity: bool = False) -> Tensor:
    """CTC loss of (T, N, C) (or unbatched (T, C)) log-probabilities against label sequences."""
    unbatched = log_probs.dim() == 2
    lp = log_probs.unsqueeze(1) if unbatched else log_probs
    if lp.dim() != 3:
        raise RuntimeError(f"ctc_loss: expected log_probs to be 2-D or 3-D, got {log_probs.dim()}-D")
    T, N, C = lp.shape
    if not 0 <= blank < C:
        raise RuntimeError("blank must be in label range")
    in_lens = _lengths(input_lengths, "input_lengths", N)
    tgt_lens = _lengths(target_lengths, "target_lengths", N)
    if in_lens.size and in_lens.max() > T:
        raise RuntimeError(f"Expected input_lengths to have value at most {T}, but got value "
                           f"{int(in_lens.max())} {_CHECK}")
    t = np.asarray(targets._data, dtype=np.int64)
    if unbatched:
        t = t.reshape(1, -1)
    if t.ndim == 2 and not (unbatched and t.shape[0] == 1 and N == 1 and targets.dim() == 1):
        longest = int(tgt_lens.max()) if tgt_lens.size else 0
        if t.shape[1] < longest:
            raise RuntimeError(f"Expected tensor to have size at least {longest} at dimension 1, "
                               f"but got size {t.shape[1]} for argument #2 'targets' {_CHECK}")
        seqs = [t[n, :tgt_lens[n]] for n in range(N)]
    else:
        flat = t.reshape(-1)
        ends = np.cumsum(tgt_lens)
        seqs = [flat[e - n_len:e] for e, n_len in zip(ends, tgt_lens)]
    res = CtcLoss.apply(lp, seqs, in_lens, blank, zero_infinity)
    if reduction == "mean":
        lengths = Tensor(np.maximum(tgt_lens, 1).astype(res._data.dtype))
        return (res / lengths).mean()
    if reduction == "sum":
        return res.sum()
    if reduction != "none":
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return res.squeeze(0) if unbatched else res
