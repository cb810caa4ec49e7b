"""torch.special's namespace: every public name present, the re-exported ones agree with torch."""
import pytest
import torch

import ember
from tests.oracle import check

SKIP = {"Tensor", "torch", "common_args", "multi_dim_common"}


def test_every_name_present():
    names = {n for n in dir(torch.special) if not n.startswith("_")} - SKIP
    assert len(names) == 56
    assert sorted(n for n in names if not hasattr(ember.special, n)) == []
    assert sorted(ember.special.__all__) == sorted(names)


@pytest.mark.parametrize("call", [
    lambda lib, x: lib.special.softmax(x, 1),
    lambda lib, x: lib.special.log_softmax(x, 0, dtype=lib.float64),
    lambda lib, x: lib.special.logsumexp(x, 1, keepdim=True),
    lambda lib, x: lib.special.xlogy(x, x.abs()),
    lambda lib, x: lib.special.round(x, decimals=1),
    lambda lib, x: lib.special.exp2(x),
    lambda lib, x: lib.special.expm1(x),
    lambda lib, x: lib.special.log1p(x.abs()),
    lambda lib, x: lib.special.erfinv(x / 3),
])
def test_reexports(call):
    check(call, shapes=[(3, 4)])
