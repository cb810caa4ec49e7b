"""Tensor methods of the elementwise family (arithmetic, math, comparison, logic), in/out of place."""
from __future__ import annotations

from ..ops import elementwise as _ew


class ElementwiseMethods:
    __slots__ = ()

    def add(self, other, *, alpha=1):
        return _ew.add(self, other, alpha=alpha)

    def add_(self, other, *, alpha=1):
        return _ew.inplace(self, _ew.add, other, alpha=alpha)

    def sub(self, other, *, alpha=1):
        return _ew.sub(self, other, alpha=alpha)

    def sub_(self, other, *, alpha=1):
        return _ew.inplace(self, _ew.sub, other, alpha=alpha)

    subtract = sub
    subtract_ = sub_

    def mul(self, other):
        return _ew.mul(self, other)

    def mul_(self, other):
        return _ew.inplace(self, _ew.mul, other)

    multiply = mul
    multiply_ = mul_

    def div(self, other, *, rounding_mode=None):
        return _ew.div(self, other, rounding_mode=rounding_mode)

    def div_(self, other, *, rounding_mode=None):
        return _ew.inplace(self, _ew.div, other, rounding_mode=rounding_mode)

    divide = div
    divide_ = div_
    true_divide = div
    true_divide_ = div_

    def pow(self, exponent):
        return _ew.pow(self, exponent)

    def pow_(self, exponent):
        return _ew.inplace(self, _ew.pow, exponent)

    def neg(self):
        return _ew.neg(self)

    def neg_(self):
        return _ew.inplace(self, _ew.neg)

    negative = neg
    negative_ = neg_

    def exp(self):
        return _ew.exp(self)

    def exp_(self):
        return _ew.inplace(self, _ew.exp)

    def log(self):
        return _ew.log(self)

    def log_(self):
        return _ew.inplace(self, _ew.log)
