"""Differential tests of ember/fft.py (torch.fft) against torch: values, dtypes, gradients."""
from __future__ import annotations

import numpy as np
import pytest

from tests.oracle import check, check_raises

ONE_D = ["fft", "ifft", "rfft", "irfft", "hfft", "ihfft"]
MULTI = ["fft2", "ifft2", "fftn", "ifftn", "rfft2", "irfft2", "rfftn", "irfftn", "hfft2",
         "ihfft2", "hfftn", "ihfftn"]
REAL_ONLY = ("rfft", "ihfft")


def _dtypes(name):
    real = ["float32", "float64"]
    return real if name.startswith(REAL_ONLY) else real + ["complex64", "complex128"]


@pytest.mark.parametrize("name", ONE_D)
@pytest.mark.parametrize("kw", [{}, {"n": 7}, {"n": 3, "dim": 0, "norm": "ortho"},
                                {"norm": "forward"}, {"dim": -2, "norm": "backward"}])
def test_fft_1d(name, kw):
    for dtype in _dtypes(name):
        check(lambda lib, x: getattr(lib.fft, name)(x, **kw), shapes=[(4, 6)], dtype=dtype)


@pytest.mark.parametrize("name", MULTI)
@pytest.mark.parametrize("kw", [{}, {"s": (3, 4)}, {"dim": (0, 2), "norm": "ortho"},
                                {"s": (5, -1), "dim": (2, 0), "norm": "forward"}])
def test_fft_nd(name, kw):
    for dtype in _dtypes(name):
        check(lambda lib, x: getattr(lib.fft, name)(x, **kw), shapes=[(3, 4, 5)], dtype=dtype)


@pytest.mark.parametrize("name", ["fft", "rfft", "ifft", "fftn", "rfftn", "irfft", "hfft"])
def test_fft_of_integers_and_odd_lengths(name):
    check(lambda lib, x: getattr(lib.fft, name)(x), shapes=[(5,)], dtype="int64", grad=False)
    check(lambda lib, x: getattr(lib.fft, name)(x), shapes=[(3,)], dtype="float64")


def test_fft_second_order():
    check(lambda lib, x: lib.fft.rfft(x).abs().pow(2.0), shapes=[(6,)], dtype="float64")
    check(lambda lib, x: lib.fft.irfft(lib.fft.rfft(x) * 2.0, n=6), shapes=[(6,)],
          dtype="float64", grad2=True)


def test_fft_out():
    def fn(lib, x):
        out = lib.empty(3, dtype=lib.complex64)
        r = lib.fft.rfft(x, out=out)
        return r, out
    check(fn, shapes=[(4,)], grad=False)


def test_fft_roundtrip():
    check(lambda lib, x: lib.fft.irfftn(lib.fft.rfftn(x), s=x.shape), shapes=[(4, 6)])
    check(lambda lib, x: lib.fft.ifft(lib.fft.fft(x)), shapes=[(5,)], dtype="complex64")


@pytest.mark.parametrize("n,d", [(1, 1.0), (5, 1.0), (6, 0.25)])
def test_fftfreq(n, d):
    check(lambda lib: lib.fft.fftfreq(n, d), inputs=[], grad=False)
    check(lambda lib: lib.fft.rfftfreq(n, d), inputs=[], grad=False)
    check(lambda lib: lib.fft.fftfreq(n, d, dtype=lib.float64), inputs=[], grad=False)
    check(lambda lib: lib.fft.rfftfreq(n, d, dtype=lib.float64), inputs=[], grad=False)


@pytest.mark.parametrize("name", ["fftshift", "ifftshift"])
@pytest.mark.parametrize("dim", [None, 0, (1,), (-1, 0)])
def test_fftshift(name, dim):
    check(lambda lib, x: getattr(lib.fft, name)(x, dim), shapes=[(4, 5)])


@pytest.mark.parametrize("call", [
    lambda lib, x: lib.fft.fft(x, norm="bad"),
    lambda lib, x: lib.fft.fft(x, n=0),
    lambda lib, x: lib.fft.rfft(x.to(lib.complex64)),
    lambda lib, x: lib.fft.ihfft(x.to(lib.complex64)),
    lambda lib, x: lib.fft.fftn(x, dim=(0, 0)),
    lambda lib, x: lib.fft.fftn(x, s=(2,), dim=(0, 1)),
    lambda lib, x: lib.fft.irfft(x[0, :1]),
    lambda lib, x: lib.fft.fft(x, dim=2),
    lambda lib, x: lib.fft.fft(x.half()),
    lambda lib, x: lib.fft.fft(x[0, 0]),
    lambda lib, x: lib.fft.fftn(x, s=(0, 3)),
    lambda lib, x: lib.fft.fftn(x, s=(1, 2, 3)),
])
def test_fft_errors(call):
    check_raises(call, shapes=[(4, 4)])


@pytest.mark.parametrize("name", ["fft", "ifft"])
@pytest.mark.parametrize("norm", [None, "ortho", "forward"])
def test_fft_long_four_step(name, norm):
    """2^18 points (the four-step path of ops/_fft_fourstep.py): values and, through the
    backward (an inverse C2C transform), gradients. A float32 transform this long is accurate
    to ~1e-7 of its largest output, not elementwise (torch's own result misses an elementwise
    1e-5 by up to 5e-4 here), so complex64 gets an absolute tolerance at that scale."""
    scale = {None: 1.0, "ortho": 2.0 ** -9, "forward": 2.0 ** -18}[norm]
    if name == "ifft":
        scale = 1.0 / (scale * 2.0 ** 18)
    tol = 3e-3 * scale
    check(lambda lib, x: getattr(lib.fft, name)(x, norm=norm), shapes=[(1 << 18,)],
          dtype="complex64", atol=tol, grad_atol=3e-3)
    check(lambda lib, x: getattr(lib.fft, name)(x, norm=norm), shapes=[(1 << 18,)],
          dtype="complex128")


def test_fft_long_four_step_accuracy():
    """Against the float64 transform, the four-step complex64 result is as accurate as
    pocketfft's direct one (both ~5e-8 of the largest output)."""
    import ember
    rng = np.random.default_rng(0)
    x = (rng.uniform(-2, 2, 1 << 20) + 1j * rng.uniform(-2, 2, 1 << 20)).astype(np.complex64)
    exact = np.fft.fft(x.astype(np.complex128))
    got = ember.fft.fft(ember.from_numpy(x)).numpy()
    assert got.dtype == np.complex64
    assert np.abs(got - exact).max() <= 2e-7 * np.abs(exact).max()
    back = ember.fft.ifft(ember.from_numpy(got)).numpy()
    assert np.abs(back - x).max() <= 1e-6 * np.abs(x).max()


def test_rfft_long_gradient():
    """rfft's backward runs inverse C2Cs of 3 * 2^17 points (two rows: the four-step path,
    128 x 3072)."""
    check(lambda lib, x: lib.fft.rfft(x).abs(), shapes=[(2, 3 * 1 << 17)], dtype="float32",
          atol=3e-3, grad_atol=1e-3)


@pytest.mark.parametrize("shape", [(3, 1 << 15), (5 ** 7,), (1, 2 * 3 ** 10)])
def test_fft_four_step_batches_and_odd_factors(shape):
    """The four-step path on a batch of rows (32 x 1024 each; complex128 takes pocketfft's SIMD
    batch loop there), on odd factors (5^7: 25 x 3125) and on a strided input (every other point
    of 2 * 3^10: 27 x 2187), both directions."""
    scale = 1e-3 * shape[-1] ** 0.5  # complex64: accurate to ~1e-7 of the largest output

    def fn(lib, x):
        x = x[..., ::2] if shape[-1] % 3 == 0 else x
        return lib.fft.fft(x), lib.fft.ifft(x, norm="ortho")
    check(fn, shapes=[shape], dtype="complex64", atol=scale, grad_atol=scale)
    check(fn, shapes=[shape], dtype="complex128")


def test_fft_transposed_and_real_two_sided():
    """Strided inputs and the two-sided transform of real input, written half by half."""
    check(lambda lib, x: lib.fft.fft(x.t()), shapes=[(6, 5)], dtype="complex64")
    check(lambda lib, x: lib.fft.fft(x.t(), dim=0), shapes=[(6, 5)])
    check(lambda lib, x: lib.fft.fft2(x[:, ::2]), shapes=[(3, 8)], dtype="float64")
    check(lambda lib, x: lib.fft.fft(x), shapes=[(2, 1)])


@pytest.mark.parametrize("name", ["fft", "rfft", "ifft", "irfft"])
def test_fft_single_precision_stays_single(name):
    """float32/complex64 transforms run pocketfft's single-precision loop, as torch does: no
    float64 copies (numpy.fft's own unscaled fft/rfft casts single to double and back: 5x the
    output's bytes; the four-step path's one temporary is 1x)."""
    import tracemalloc

    import ember
    x = ember.randn(1 << 16)
    if name in ("fft", "ifft", "irfft"):
        x = ember.complex(x, ember.randn(1 << 16))
    f = getattr(ember.fft, name)
    f(x)  # plans and twiddles first
    tracemalloc.start()
    y = f(x)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert y.dtype in (ember.float32, ember.complex64)
    assert peak <= 2.2 * y.numpy().nbytes + (1 << 16), (peak, y.numpy().nbytes)


@pytest.mark.parametrize("call", [
    lambda lib, x: lib.fft.fft(x, norm="ortho"),
    lambda lib, x: lib.fft.ifft(x.to(lib.complex64)),
    lambda lib, x: lib.fft.rfft2(x, norm="forward"),
    lambda lib, x: lib.fft.irfftn(x.to(lib.complex128), s=(4, 6)),
    lambda lib, x: lib.fft.hfft(x.to(lib.complex64), n=5),
    lambda lib, x: lib.fft.fft2(x.to(lib.complex64)),
])
def test_fft_without_numpy_gufuncs(call, monkeypatch):
    """The path other backends (CuPy) take, through xp.fft's public functions."""
    from ember.ops import _fft_fourstep, _fft_pocket
    monkeypatch.setattr(_fft_pocket, "_pfu", None)
    monkeypatch.setattr(_fft_fourstep, "_pfu", None)
    check(call, shapes=[(4, 5)])
