"""ember.nn.utils: gradient clipping, parameter/vector conversion, parametrizations, weight and
spectral normalisation, conv/linear + batch-norm fusion, skip_init, functional calls.

The helpers that build on nn.modules (parametrize and everything after it below) load on first
use: nn.modules.rnn imports this package for packing, so importing them here would be a circle.
"""
from __future__ import annotations

import importlib

from . import clip_grad, convert_parameters, rnn  # noqa: F401
from .clip_grad import (
    clip_grad_norm,
    clip_grad_norm_,
    clip_grad_value_,
    clip_grads_with_norm_,
    get_total_norm,
)
from .convert_parameters import (
    parameters_to_vector,
    vector_to_parameters,
)

_LAZY = {
    "fusion": None, "parametrizations": None, "parametrize": None, "prune": None,
    "stateless": None, "memory_format": None,
    "convert_conv2d_weight_memory_format": "memory_format",
    "convert_conv3d_weight_memory_format": "memory_format",
    "fuse_conv_bn_eval": "fusion", "fuse_conv_bn_weights": "fusion",
    "fuse_linear_bn_eval": "fusion", "fuse_linear_bn_weights": "fusion", "skip_init": "init",
    "remove_spectral_norm": "_spectral_norm_hook", "spectral_norm": "_spectral_norm_hook",
    "remove_weight_norm": "_weight_norm_hook", "weight_norm": "_weight_norm_hook",
}


def __getattr__(name: str):
    if name not in _LAZY:
        raise AttributeError(f"module 'ember.nn.utils' has no attribute '{name}'")
    module = importlib.import_module(f"{__name__}.{_LAZY[name] or name}")
    return module if _LAZY[name] is None else getattr(module, name)


__all__ = [
    "clip_grad_norm",
    "clip_grad_norm_",
    "clip_grad_value_",
    "clip_grads_with_norm_",
    "convert_conv2d_weight_memory_format",
    "convert_conv3d_weight_memory_format",
    "fuse_conv_bn_eval",
    "fuse_conv_bn_weights",
    "fuse_linear_bn_eval",
    "fuse_linear_bn_weights",
    "get_total_norm",
    "parameters_to_vector",
    "remove_spectral_norm",
    "remove_weight_norm",
    "skip_init",
    "spectral_norm",
    "vector_to_parameters",
    "weight_norm",
]
