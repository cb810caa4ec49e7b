"""autograd.functional against torch.autograd.functional on small functions."""
import pytest

from tests.autograd._both import same


def _x(lib):
    return lib.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=lib.float64)


def _y(lib):
    return lib.tensor([0.5, -1.0], dtype=lib.float64)


def f_exp(a):
    return (a * a * 0.1).exp()


def f_mv(a, b):
    return (a @ b.reshape(2, 1)).reshape(2) * b


def f_cube(a):
    return (a ** 3).sum()


def f_two(a, b):
    return (a * b).sum() + (b ** 3).sum()


CASES = {
    "jac_single": lambda lib, F: F.jacobian(f_exp, _x(lib)),
    "jac_tuple_in": lambda lib, F: F.jacobian(f_mv, (_x(lib), _y(lib))),
    "jac_tuple_both": lambda lib, F: F.jacobian(lambda a, b: (a.sum(0), b * 2), (_x(lib), _y(lib))),
    "jac_tuple_out": lambda lib, F: F.jacobian(lambda a: (a * 2, a.sum()), _y(lib)),
    "jac_create_graph": lambda lib, F: F.jacobian(f_exp, _y(lib), create_graph=True),
    "jac_unused": lambda lib, F: F.jacobian(lambda a, b: a * 2, (_y(lib), _y(lib))),
    "jac_strict": lambda lib, F: F.jacobian(lambda a, b: a * 2, (_y(lib), _y(lib)), strict=True),
    "jac_bad_type": lambda lib, F: F.jacobian(f_exp, [_x(lib)]),
    "hessian": lambda lib, F: F.hessian(f_cube, _y(lib)),
    "hessian_tuple": lambda lib, F: F.hessian(f_two, (_y(lib), _y(lib))),
    "hessian_not_scalar": lambda lib, F: F.hessian(lambda a: a * 2, _y(lib)),
    "vjp": lambda lib, F: F.vjp(f_exp, _x(lib), lib.ones(2, 2, dtype=lib.float64)),
    "vjp_v_none": lambda lib, F: F.vjp(f_cube, _y(lib)),
    "vjp_v_none_bad": lambda lib, F: F.vjp(f_exp, _y(lib)),
    "vjp_bad_v": lambda lib, F: F.vjp(f_exp, _y(lib), lib.ones(3, dtype=lib.float64)),
    "vjp_tuple": lambda lib, F: F.vjp(f_mv, (_x(lib), _y(lib)), lib.tensor([1.0, 2.0],
                                                                          dtype=lib.float64)),
    "vjp_create_graph": lambda lib, F: F.vjp(f_cube, _y(lib).requires_grad_(), create_graph=True),
    "jvp": lambda lib, F: F.jvp(f_exp, _x(lib), lib.ones(2, 2, dtype=lib.float64)),
    "jvp_tuple": lambda lib, F: F.jvp(f_mv, (_x(lib), _y(lib)),
                                      (lib.ones(2, 2, dtype=lib.float64), _y(lib))),
    "jvp_v_none_bad": lambda lib, F: F.jvp(f_exp, _y(lib)),
    "hvp": lambda lib, F: F.hvp(f_cube, _y(lib), _y(lib)),
    "hvp_tuple": lambda lib, F: F.hvp(f_two, (_y(lib), _y(lib)), (_y(lib), _y(lib) * 2)),
    "vhp_tuple": lambda lib, F: F.vhp(f_two, (_y(lib), _y(lib)), (_y(lib), _y(lib) * 2)),
    "vhp_not_scalar": lambda lib, F: F.vhp(f_exp, _y(lib), _y(lib)),
    "vhp_v_tuple_len": lambda lib, F: F.vhp(f_two, (_y(lib), _y(lib)), (_y(lib),)),
}


@pytest.mark.parametrize("name", list(CASES))
def test_functional(name):
    same(lambda lib: CASES[name](lib, lib.autograd.functional), same_message=True)


def test_inputs_are_not_modified_and_grads_detached():
    def fn(lib):
        x = _y(lib).requires_grad_()
        out, g = lib.autograd.functional.vjp(f_cube, x)
        return x.grad, out.requires_grad, g.requires_grad, x.is_leaf
    same(fn)
