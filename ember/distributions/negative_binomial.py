"""NegativeBinomial: failures before total_count successes (a Gamma-Poisson mixture)."""
from __future__ import annotations

from typing import ClassVar

import ember
from ember.distributions import constraints
from ember.distributions._counted import _CountAndProbs
from ember.distributions.gamma import Gamma
from ember.distributions.poisson import _poisson
from ember.distributions.utils import lazy_property, logits_to_probs, probs_to_logits
from ember.nn.functional import logsigmoid

__all__ = ["NegativeBinomial"]


class NegativeBinomial(_CountAndProbs):
    """NegativeBinomial(total_count, probs or logits) on {0, 1, 2, ...}."""

    arg_constraints: ClassVar[dict] = {"total_count": constraints.greater_than_eq(0),
                                       "probs": constraints.half_open_interval(0.0, 1.0),
                                       "logits": constraints.real}
    support = constraints.nonnegative_integer

    def __init__(self, total_count, probs=None, logits=None, validate_args=None) -> None:
        self._init_count(total_count, probs, logits, validate_args)

    def expand(self, batch_shape, _instance=None):
        return self._expand_count(NegativeBinomial, batch_shape, _instance)

    @property
    def mean(self):
        return self.total_count * ember.exp(self.logits)

    @property
    def mode(self):
        return ((self.total_count - 1) * self.logits.exp()).floor().clamp(min=0.0)

    @property
    def variance(self):
        return self.mean / ember.sigmoid(-self.logits)

    @lazy_property
    def logits(self):
        return probs_to_logits(self.probs, is_binary=True)

    @lazy_property
    def probs(self):
        return logits_to_probs(self.logits, is_binary=True)

    @property
    def param_shape(self):
        return self._param.size()

    @lazy_property
    def _gamma(self):
        return Gamma(concentration=self.total_count, rate=ember.exp(-self.logits),
                     validate_args=False)

    def sample(self, sample_shape=()):
        with ember.no_grad():
            rate = self._gamma.sample(sample_shape=sample_shape)
            return _poisson(rate)

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        lgamma = ember.special.gammaln
        log_unnormalized_prob = (self.total_count * logsigmoid(-self.logits)
                                 + value * logsigmoid(self.logits))
        log_normalization = (-lgamma(self.total_count + value) + lgamma(1.0 + value)
                             + lgamma(self.total_count))
        log_normalization = log_normalization.masked_fill(self.total_count + value == 0.0, 0.0)
        return log_unnormalized_prob - log_normalization
