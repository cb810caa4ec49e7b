"""SyncBatchNorm: batch norm whose training statistics cover the whole global batch (all ranks).

Forward all-reduces per-channel [sum x, sum x^2, count] (float64) so every rank normalizes with
the global mean and variance; backward all-reduces [sum dy, sum dy*(x - mean)], the two terms of
dx that depend on other ranks' rows. weight/bias gradients stay local, as torch's (DDP averages
them). Unlike torch, which requires a GPU here, ember's runs on CPU tensors over MPI.
"""
from __future__ import annotations

import numpy as np

from ... import distributed as _dist
from ..._tensor import _new_tensor
from ...autograd.function import Function, once_differentiable
from ...autograd.grad_mode import no_grad
from .normalization import _BatchNorm

__all__ = ["SyncBatchNorm"]


def _channel_view(a: np.ndarray, ndim: int) -> np.ndarray:
    """A per-channel vector shaped to broadcast against an (N, C, *) input."""
    return a.reshape((1, -1) + (1,) * (ndim - 2))


class _SyncBatchNormFunction(Function):
    @staticmethod
    def forward(ctx, input, weight, bias, running_mean, running_var, eps, momentum, group):
        x = input._data
        c = x.shape[1]
        axes = (0, *range(2, x.ndim))
        stats = np.concatenate([x.sum(axes, dtype=np.float64),
                                np.square(x, dtype=np.float64).sum(axes), [x.size // c]])
        _dist.all_reduce(_new_tensor(stats), group=group)
        n = stats[-1]
        mean = stats[:c] / n
        var = np.maximum(stats[c:2 * c] / n - mean * mean, 0.0)
        if running_mean is not None:
            unbiased = var * (n / (n - 1)) if n > 1 else np.full_like(var, np.nan)
            for buf, value in ((running_mean, mean), (running_var, unbiased)):
                buf._data[...] = (1 - momentum) * buf._data + momentum * value
                buf._vbox[0] += 1
        mean = _channel_view(mean.astype(x.dtype), x.ndim)
        invstd = _channel_view((1.0 / np.sqrt(var + eps)).astype(x.dtype), x.ndim)
        y = (x - mean) * invstd
        w = None if weight is None else _channel_view(weight._data, x.ndim)
        if w is not None:
            y *= w
        if bias is not None:
            y += _channel_view(bias._data, x.ndim)
        ctx.saved = (x, mean, invstd, w, n, axes, group)
        return _new_tensor(y)

    @staticmethod
    @once_differentiable
    def backward(ctx, grad):
        x, mean, invstd, w, n, axes, group = ctx.saved
        dy = grad._data
        xmu = x - mean
        sum_dy = dy.sum(axes)
        sum_dy_xmu = (dy * xmu).sum(axes)
        needs = ctx.needs_input_grad
        dw = _new_tensor(sum_dy_xmu * invstd.reshape(-1)) if needs[1] else None
        db = _new_tensor(sum_dy) if needs[2] else None
        dx = None
        if needs[0]:
            both = _new_tensor(np.concatenate([sum_dy, sum_dy_xmu]))
            _dist.all_reduce(both, group=group)
            c = sum_dy.shape[0]
            mean_dy = _channel_view(both._data[:c] / n, x.ndim).astype(x.dtype)
            mean_dy_xmu = _channel_view(both._data[c:] / n, x.ndim).astype(x.dtype)
            scale = invstd if w is None else invstd * w
            dx = _new_tensor((dy - mean_dy - xmu * (invstd * invstd) * mean_dy_xmu) * scale)
        return dx, dw, db, None, None, None, None, None


class SyncBatchNorm(_BatchNorm):
    """BatchNorm over the N and spatial dims of (N, C, *) inputs, statistics synchronised over
    `process_group` (default: the world) in training mode."""

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1,
                 affine: bool = True, track_running_stats: bool = True, process_group=None,
                 device=None, dtype=None, *, bias: bool = True) -> None:
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device, dtype,
                         bias=bias)
        self.process_group = process_group

    def _check_input_dim(self, input) -> None:
        if input.dim() < 2:
            raise ValueError(f"expected at least 2D input (got {input.dim()}D input)")

    def _check_non_zero_input_channels(self, input) -> None:
        if input.size(1) == 0:
            raise ValueError("SyncBatchNorm number of input channels should be non-zero")

    def forward(self, input):
        self._check_input_dim(input)
        self._check_non_zero_input_channels(input)
        group = self.process_group if self.process_group else _dist.group.WORLD
        if not (self.training and _dist.is_initialized() and _dist.get_world_size(group) > 1):
            return super().forward(input)
        factor = 0.0 if self.momentum is None else self.momentum
        if self.track_running_stats:
            self.num_batches_tracked.add_(1)
            if self.momentum is None:  # cumulative moving average
                factor = 1.0 / float(self.num_batches_tracked)
        track = self.track_running_stats
        return _SyncBatchNormFunction.apply(input, self.weight, self.bias,
                                            self.running_mean if track else None,
                                            self.running_var if track else None,
                                            self.eps, factor, group)

    @classmethod
    def convert_sync_batchnorm(cls, module, process_group=None):
        """A copy of `module`'s tree with every BatchNorm*D replaced by a SyncBatchNorm that
        shares its parameters and buffers."""
        out = module
        if isinstance(module, _BatchNorm) and not isinstance(module, SyncBatchNorm):
            out = SyncBatchNorm(module.num_features, module.eps, module.momentum, module.affine,
                                module.track_running_stats, process_group)
            if module.affine:
                with no_grad():
                    out.weight = module.weight
                    out.bias = module.bias
            out.running_mean = module.running_mean
            out.running_var = module.running_var
            out.num_batches_tracked = module.num_batches_tracked
            out.training = module.training
            if hasattr(module, "qconfig"):
                out.qconfig = module.qconfig
        for name, child in module.named_children():
            out.add_module(name, cls.convert_sync_batchnorm(child, process_group))
        del module
        return out
