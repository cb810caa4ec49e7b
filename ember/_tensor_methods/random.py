"""Tensor methods that draw random numbers in place (uniform_, normal_, bernoulli_, random_...)."""
from __future__ import annotations


class RandomMethods:
    __slots__ = ()
