"""Private math used by the distributions where ember's public op differs from torch."""
from __future__ import annotations

import ember


def xlogy(x, y):
    """x * log(y), 0 where x == 0; d/dx = log(y) everywhere, as torch (ember.xlogy's backward
    gives 0 at x == 0)."""
    both_zero = (x == 0) & (y == 0)
    return x * ember.where(both_zero, ember.ones_like(y), y).log()
