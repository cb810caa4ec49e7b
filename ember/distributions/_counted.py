"""The parameters Binomial and NegativeBinomial share: a total_count broadcast against either
probs or logits (given as one, derived lazily as the other), and their expand."""
from __future__ import annotations

import ember
from ember.distributions.distribution import Distribution
from ember.distributions.utils import broadcast_all


class _CountAndProbs(Distribution):
    """Base of the count distributions parametrised by (total_count, probs | logits)."""

    def _init_count(self, total_count, probs, logits, validate_args) -> None:
        if (probs is None) == (logits is None):
            raise ValueError("Either `probs` or `logits` must be specified, but not both.")
        if probs is not None:
            self.total_count, self.probs = broadcast_all(total_count, probs)
            self.total_count = self.total_count.type_as(self.probs)
        else:
            self.total_count, self.logits = broadcast_all(total_count, logits)
            self.total_count = self.total_count.type_as(self.logits)
        self._param = self.probs if probs is not None else self.logits
        Distribution.__init__(self, self._param.size(), validate_args=validate_args)

    def _expand_count(self, cls, batch_shape, _instance):
        """expand() for `cls`, the subclass whose __init__ a custom subclass must match."""
        new = self._get_checked_instance(cls, _instance)
        batch_shape = ember.Size(batch_shape)
        new.total_count = self.total_count.expand(batch_shape)
        if "probs" in self.__dict__:
            new.probs = self.probs.expand(batch_shape)
            new._param = new.probs
        if "logits" in self.__dict__:
            new.logits = self.logits.expand(batch_shape)
            new._param = new.logits
        Distribution.__init__(new, batch_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new
