"""ember.get/set_num_threads against torch's: defaults, round trips and torch's errors."""
from __future__ import annotations

import pytest
import torch

import ember


def test_round_trip_and_default_like_torch():
    assert ember.get_num_threads() == torch.get_num_threads()
    before = ember.get_num_threads()
    try:
        ember.set_num_threads(1)
        assert ember.get_num_threads() == 1
    finally:
        ember.set_num_threads(before)
    assert ember.get_num_threads() == before
    assert ember.get_num_interop_threads() >= 1


@pytest.mark.parametrize("value", [0, -1, 1.5, "2", True])
def test_bad_counts_raise_torchs_errors(value):
    with pytest.raises(RuntimeError) as want:
        torch.set_num_threads(value)
    with pytest.raises(RuntimeError) as got:
        ember.set_num_threads(value)
    assert str(got.value) == str(want.value)
    with pytest.raises(RuntimeError, match="set_num_interop_threads expects"):
        ember.set_num_interop_threads(value)
