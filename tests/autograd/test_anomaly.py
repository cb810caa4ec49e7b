"""Anomaly detection against torch: entry warning, NaN in backward named, forward trace shown."""
import warnings

from tests.autograd._both import same


def _nan_backward(lib):
    x = lib.tensor([0.0, 1.0], requires_grad=True)
    y = x / x
    y.sum().backward()


def _caught(fn):
    def run(lib):
        with warnings.catch_warnings(record=True) as ws:
            warnings.simplefilter("always")
            try:
                fn(lib)
                err = None
            except RuntimeError as e:
                err = str(e)
        return err, [str(w.message) for w in ws]
    return run


def test_detect_anomaly_context_names_nan_node():
    def fn(lib):
        with lib.autograd.detect_anomaly():
            _nan_backward(lib)
    err_e, warns_e = _caught(fn)(__import__("ember"))
    err_t, warns_t = _caught(fn)(__import__("torch"))
    assert err_e == err_t == "Function 'DivBackward0' returned nan values in its 1th output."
    assert warns_e[0] == warns_t[0]  # "Anomaly Detection has been enabled..."
    trace_e = [w for w in warns_e if w.startswith("Error detected in DivBackward0")]
    assert trace_e and "test_anomaly.py" in trace_e[0] and "_nan_backward" in trace_e[0]


def test_detect_anomaly_flags_and_not_a_decorator():
    def fn(lib):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with lib.autograd.detect_anomaly():
                inside = lib.is_anomaly_enabled()
            try:
                lib.autograd.detect_anomaly()(lambda: None)  # torch 2.13: not callable
                callable_ = True
            except TypeError:
                callable_ = False
        return inside, lib.is_anomaly_enabled(), callable_
    same(fn)


def test_set_detect_anomaly_function_and_context():
    def fn(lib):
        lib.autograd.set_detect_anomaly(True)
        on = lib.is_anomaly_enabled()
        lib.autograd.set_detect_anomaly(False)
        with lib.autograd.set_detect_anomaly(True):
            ctx = lib.is_anomaly_enabled()
        return on, ctx, lib.is_anomaly_enabled()
    same(fn)


def test_set_detect_anomaly_reports_nan():
    def fn(lib):
        with lib.autograd.set_detect_anomaly(True):
            _nan_backward(lib)
    err_e, _ = _caught(fn)(__import__("ember"))
    err_t, _ = _caught(fn)(__import__("torch"))
    assert err_e == err_t


def test_check_nan_false_lets_nan_through():
    def fn(lib):
        x = lib.tensor([0.0, 1.0], requires_grad=True)
        with lib.autograd.set_detect_anomaly(True, check_nan=False):
            (x / x).sum().backward()
        return x.grad
    same(fn)


def test_without_anomaly_mode_nan_is_silent():
    def fn(lib):
        x = lib.tensor([0.0, 1.0], requires_grad=True)
        (x / x).sum().backward()
        return x.grad
    same(fn)


def _nan_function(lib):
    class NanGrad(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 1

        @staticmethod
        def backward(ctx, g):
            return g * float("nan")

    x = lib.ones(2, requires_grad=True)
    with lib.autograd.detect_anomaly():
        NanGrad.apply(x).sum().backward()


def test_custom_function_nan_is_named_with_forward_trace():
    err_e, warns_e = _caught(_nan_function)(__import__("ember"))
    err_t, warns_t = _caught(_nan_function)(__import__("torch"))
    assert err_e == err_t == "Function 'NanGradBackward' returned nan values in its 0th output."
    trace_e = [w for w in warns_e if w.startswith("Error detected in NanGradBackward")]
    assert trace_e and "_nan_function" in trace_e[0]
    assert any(w.startswith("Error detected in NanGradBackward") for w in warns_t)
