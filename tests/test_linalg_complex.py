"""ember.linalg on complex inputs and the complex-valued eig/eigvals, against torch. Gradients of
decompositions with a phase gauge (svd, eigh, eig) are compared under upstream gradients that do
not depend on the phase (gU = U c, c real), as torch requires."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import ember
from tests.oracle import assert_same, check, check_raises

RNG = np.random.default_rng(3)


def cx(*shape, dtype=np.complex128):
    return (RNG.uniform(-2, 2, shape) + 1j * RNG.uniform(-2, 2, shape)).astype(dtype)


def _grads_under(fn, a, upstreams):
    """Gradient of fn's outputs w.r.t. `a` in both libraries, each upstream built from the
    library's own output (so it follows that library's gauge)."""
    ta = torch.tensor(a, requires_grad=True)
    ea = ember.tensor(a, requires_grad=True)
    tout, eout = fn(torch, ta), fn(ember, ea)
    tup = [torch.tensor(u(o.detach().numpy())) for u, o in zip(upstreams, tout)]
    eup = [ember.tensor(u(o.detach().numpy())) for u, o in zip(upstreams, eout)]
    assert_same(ember.autograd.grad(list(eout), ea, eup)[0],
                torch.autograd.grad(list(tout), ta, tup)[0], where="grad", order=1)


@pytest.mark.parametrize("dtype", [np.complex64, np.complex128])
def test_complex_values_and_gradients(dtype):
    eye = 4 * np.eye(3)
    check(lambda lib, x: lib.linalg.det(x), inputs=[cx(2, 3, 3, dtype=dtype)])
    check(lambda lib, x: lib.linalg.slogdet(x), inputs=[cx(3, 3, dtype=dtype)])
    check(lambda lib, x: lib.linalg.inv(x), inputs=[(cx(2, 3, 3) + eye).astype(dtype)])
    check(lambda lib, x, b: lib.linalg.solve(x, b),
          inputs=[(cx(3, 3) + eye).astype(dtype), cx(3, 2, dtype=dtype)])
    check(lambda lib, x, b: lib.linalg.solve_triangular(x, b, upper=True),
          inputs=[(cx(3, 3) + eye).astype(dtype), cx(3, 2, dtype=dtype)])
    check(lambda lib, x: lib.linalg.qr(x), inputs=[cx(4, 3, dtype=dtype)])
    check(lambda lib, x: lib.linalg.svdvals(x), inputs=[cx(4, 3, dtype=dtype)])
    check(lambda lib, x: lib.linalg.eigvalsh(x), inputs=[cx(3, 3, dtype=dtype)])
    check(lambda lib, x: lib.linalg.matrix_exp(x), inputs=[cx(3, 3, dtype=dtype)])
    check(lambda lib, x: lib.linalg.pinv(x), inputs=[cx(4, 3, dtype=dtype)])
    check(lambda lib, x: lib.linalg.lu_factor(x), inputs=[cx(3, 3, dtype=dtype)])
    check(lambda lib, x: lib.linalg.lu(x), inputs=[cx(3, 4, dtype=dtype)])
    check(lambda lib, x: lib.linalg.matrix_norm(x, "nuc"), inputs=[cx(3, 3, dtype=dtype)])


def test_complex_cholesky():
    a = cx(3, 3)
    hpd = a @ a.conj().T + 3 * np.eye(3)
    check(lambda lib, x: lib.linalg.cholesky(x), inputs=[hpd])
    check(lambda lib, x: lib.linalg.cholesky(x, upper=True), inputs=[hpd])
    low = np.linalg.cholesky(hpd)
    check(lambda lib, x: lib.cholesky_inverse(x), inputs=[low])
    check(lambda lib, b, x: lib.cholesky_solve(b, x), inputs=[cx(3, 2), low])


def test_complex_solvers_and_ldl():
    check(lambda lib, a, b: lib.linalg.lu_solve(*lib.linalg.lu_factor(a), b, adjoint=True),
          inputs=[cx(3, 3), cx(3, 2)])
    check(lambda lib, a: lib.linalg.matrix_power(a, -2), inputs=[cx(3, 3) + 4 * np.eye(3)])
    check(lambda lib, a, b: lib.linalg.lstsq(a, b).solution, inputs=[cx(5, 3), cx(5, 2)],
          grad=False)
    check(lambda lib, a: (lib.linalg.matrix_rank(a), lib.linalg.cond(a)), inputs=[cx(3, 3)])
    a = cx(4, 4)
    for m, herm in ((a + a.conj().T, True), (a + a.T, False)):
        check(lambda lib, x, b, h=herm: lib.linalg.ldl_solve(
            *lib.linalg.ldl_factor(x, hermitian=h), b, hermitian=h), inputs=[m, cx(4, 2)],
            grad=False)
        check(lambda lib, x, h=herm: lib.linalg.ldl_factor(x, hermitian=h), inputs=[m],
              grad=False)


def test_complex_svd_and_eigh_gradients():
    c = RNG.uniform(-1, 1, (1, 3))
    gs = RNG.uniform(-1, 1, 3)
    r = cx(4, 3)
    svd = lambda lib, x: lib.linalg.svd(x, full_matrices=False)
    _grads_under(svd, cx(4, 3), [lambda u: u * c + r - u @ (u.conj().T @ r),
                                 lambda s: gs + 0 * s, lambda vh: vh * c.T])
    _grads_under(svd, cx(3, 4), [lambda u: u * c, lambda s: gs + 0 * s,
                                 lambda vh: vh * c.T + r.T - (r.T @ vh.conj().T) @ vh])
    _grads_under(lambda lib, x: lib.linalg.eigh(x), cx(3, 3),
                 [lambda w: gs + 0 * w, lambda v: v * c])


def _eig_values_and_moduli(lib, x):
    w, v = lib.linalg.eig(x)
    return w, v.abs()


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_eig_of_real_matrices(dtype):
    check(lambda lib, x: lib.linalg.eigvals(x), [(2, 3, 3)], dtype=dtype)
    check(_eig_values_and_moduli, [(2, 3, 3)], dtype=dtype)
    c = RNG.uniform(-1, 1, (1, 4))
    gw = RNG.uniform(-1, 1, 4) + 1j * RNG.uniform(-1, 1, 4)
    _grads_under(lambda lib, x: lib.linalg.eig(x), RNG.uniform(-2, 2, (4, 4)),
                 [lambda w: gw + 0 * w, lambda v: v * c])


def test_eig_of_complex_matrices():
    check(lambda lib, x: lib.linalg.eigvals(x), inputs=[cx(3, 3)])
    c = RNG.uniform(-1, 1, (2, 1, 3))
    _grads_under(lambda lib, x: lib.linalg.eig(x), cx(2, 3, 3),
                 [lambda w: 0.5 + 0 * w, lambda v: v * c])


def test_eig_phase_dependent_loss_raises():
    def f(lib, x):
        _, v = lib.linalg.eig(x.requires_grad_())
        return lib.autograd.grad([v], [x], [lib.ones_like(v)])
    check_raises(f, inputs=[cx(3, 3)], match="specified up to multiplication by e\\^\\{i phi\\}")


def test_eig_errors():
    check_raises(lambda lib, x: lib.linalg.eig(x), [(2, 3)])
    check_raises(lambda lib, x: lib.linalg.eigvals(x), inputs=[np.ones((2, 2), np.int64)])


def test_removed_functions_raise_torchs_message():
    for name in ("eig", "symeig", "lstsq", "matrix_rank"):
        fn = getattr(torch, name)
        args = (torch.eye(2), torch.eye(2)) if name == "lstsq" else (torch.eye(2),)
        with pytest.raises(RuntimeError) as t_err:
            fn(*args)
        with pytest.raises(RuntimeError) as e_err:
            getattr(ember, name)(*(ember.eye(2) for _ in args))
        assert str(e_err.value) == str(t_err.value)
    check_raises(lambda x: x.symeig(), [(2, 2)], match="deprecated since version 1.9")
