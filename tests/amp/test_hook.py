"""The wrappers autocast installs: they reach every spelling of a listed op, stay out of the way
when autocast is off, and leave the lists' core entries resolvable."""
import inspect
import threading

import torch

import ember
import ember.nn.functional as F
from ember.amp import _hook, _policy
from ember.ops import linalg


def _install():
    with ember.autocast("cpu"):
        pass


def test_core_policy_entries_resolve():
    core = ["ember.ops.linalg:matmul", "ember.ops.linalg:mm", "ember.ops.linalg:bmm",
            "ember.nn._functional_linear:linear", "ember.nn._functional_conv:conv2d",
            "ember.nn._functional_conv:conv_transpose2d", "ember.ops.activation:prelu",
            "ember.nn._functional_loss:cross_entropy", "ember.nn._functional_loss:mse_loss",
            "ember.nn._functional_loss_extra:kl_div", "ember.nn._functional_pool:avg_pool3d",
            "ember.nn._functional_misc:pad", "ember.ops.shape:cat", "ember.ops.shape:stack",
            "ember.ops.recurrent:rnn_stack", "ember.ops.reduction:prod"]
    for key in core:
        assert key in _policy.CPU and _hook._resolve(key) is not None, key


def test_every_spelling_reaches_one_wrapper():
    _install()
    assert ember.matmul is linalg.matmul is ember.ops.linalg.matmul
    assert hasattr(ember.matmul, "__autocast_wraps__") and hasattr(F.linear, "__autocast_wraps__")
    assert ember.nn.Conv2d._fn is F.conv2d
    assert inspect.signature(F.linear) == inspect.signature(F.linear.__autocast_wraps__)
    assert F.linear.__name__ == "linear" and F.linear.__doc__
    assert not hasattr(ember.add, "__autocast_wraps__")  # unlisted ops are never wrapped
    with ember.autocast("cpu"):
        assert (ember.ones(2, 2) @ ember.ones(2, 2)).dtype is ember.bfloat16
        assert ember.ones(2, 2).matmul(ember.ones(2, 2)).dtype is ember.bfloat16
        assert ember.nn.Linear(2, 2)(ember.ones(1, 2)).dtype is ember.bfloat16


def test_wrappers_are_transparent_when_off():
    _install()
    x, w = ember.randn(3, 4, requires_grad=True), ember.randn(5, 4)
    y = F.linear(x, w)
    assert y.dtype is ember.float32 and type(y.grad_fn).__name__ == "MmBackward0"
    for lib in (torch, ember):
        try:
            lib.nn.functional.linear(lib.ones(2, 3), lib.ones(2, 3, dtype=lib.float64))
        except RuntimeError as e:
            msg = str(e)
        assert "expected m1 and m2 to have the same dtype" in msg


def test_autocast_state_is_per_thread():
    _install()
    seen = []
    with ember.autocast("cpu"):
        t = threading.Thread(target=lambda: seen.append((ember.ones(2, 2) @ ember.ones(2, 2)).dtype))
        t.start()
        t.join()
        seen.append((ember.ones(2, 2) @ ember.ones(2, 2)).dtype)
    assert seen == [ember.float32, ember.bfloat16]
