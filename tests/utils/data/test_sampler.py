"""ember.utils.data samplers against torch.utils.data: same seeds give the same index orders."""
from __future__ import annotations

import pytest

from tests.utils.data.data_compare import both, raises_same


def seeded(lib, seed=7):
    return lib.Generator().manual_seed(seed)


def epochs(sampler, n=2):
    """Several passes: each pass draws afresh from the (shared) generator."""
    return [list(sampler) for _ in range(n)] + [len(sampler)]


def test_sequential():
    both(lambda lib: epochs(lib.utils.data.SequentialSampler(range(5))))
    both(lambda lib: epochs(lib.utils.data.SequentialSampler([])))


@pytest.mark.parametrize("n,kw", [
    (10, {}),
    (1, {}),
    (10, {"num_samples": 25}),
    (10, {"num_samples": 3}),
    (10, {"num_samples": 20}),
    (5, {"replacement": True}),
    (7, {"replacement": True, "num_samples": 70}),
    (7, {"replacement": True, "num_samples": 64}),
    (100, {"replacement": True, "num_samples": 31}),
])
def test_random_sampler_generator(n, kw):
    both(lambda lib: epochs(lib.utils.data.RandomSampler(range(n), generator=seeded(lib), **kw)))


@pytest.mark.parametrize("kw", [{}, {"replacement": True, "num_samples": 40}])
def test_random_sampler_default_generator(kw):
    """No generator: a seed is drawn from the default generator per pass (torch's recipe)."""
    def fn(lib):
        lib.manual_seed(123)
        s = lib.utils.data.RandomSampler(range(13), **kw)
        return epochs(s) + [lib.randint(0, 1000, (3,))]
    both(fn)


@pytest.mark.parametrize("kw", [
    {"replacement": 1}, {"num_samples": 0}, {"num_samples": -3}, {"num_samples": 2.0},
])
def test_random_sampler_errors(kw):
    raises_same(lambda lib: lib.utils.data.RandomSampler(range(5), **kw))


def test_random_sampler_empty_source_errors():
    raises_same(lambda lib: lib.utils.data.RandomSampler([]))


def test_subset_random_sampler():
    both(lambda lib: epochs(lib.utils.data.SubsetRandomSampler([9, 3, 5, 1], seeded(lib))))
    both(lambda lib: epochs(lib.utils.data.SubsetRandomSampler(range(10, 20), seeded(lib, 1))))

    def default(lib):
        lib.manual_seed(5)
        return epochs(lib.utils.data.SubsetRandomSampler([4, 2, 8]))
    both(default)


@pytest.mark.parametrize("weights,num,repl", [
    ([0.1, 0.9, 0.4, 0.7, 3.0, 0.6], 5, True),
    ([0.9, 0.4, 0.05, 0.2, 0.3, 0.1], 5, False),
    ([1, 2, 3], 10, True),
    ((0.5, 0.5), 2, False),
])
def test_weighted_random_sampler(weights, num, repl):
    def fn(lib):
        s = lib.utils.data.WeightedRandomSampler(weights, num, repl, generator=seeded(lib))
        return epochs(s) + [s.weights]
    both(fn)


def test_weighted_random_sampler_tensor_weights_default_generator():
    def fn(lib):
        lib.manual_seed(11)
        return epochs(lib.utils.data.WeightedRandomSampler(lib.tensor([1.0, 0.0, 4.0]), 6))
    both(fn)


@pytest.mark.parametrize("args", [
    ([1.0, 2.0], 0), ([1.0, 2.0], True), ([1.0, 2.0], 2.0), ([1.0, 2.0], 2, 1),
    ([[1.0, 2.0]], 2), ([1.0, 2.0], 3, False),
])
def test_weighted_random_sampler_errors(args):
    raises_same(lambda lib: list(lib.utils.data.WeightedRandomSampler(*args)))


@pytest.mark.parametrize("n,bs,drop", [(10, 3, False), (10, 3, True), (9, 3, True), (2, 5, False),
                                       (2, 5, True), (0, 2, False)])
def test_batch_sampler(n, bs, drop):
    both(lambda lib: epochs(lib.utils.data.BatchSampler(
        lib.utils.data.SequentialSampler(range(n)), bs, drop)))


def test_batch_sampler_over_random_sampler_and_plain_iterable():
    both(lambda lib: epochs(lib.utils.data.BatchSampler(
        lib.utils.data.RandomSampler(range(11), generator=seeded(lib)), 4, False)))
    both(lambda lib: list(lib.utils.data.BatchSampler(iter(range(7)), 3, False)))


@pytest.mark.parametrize("bs,drop", [(0, False), (-1, False), (True, False), (2.0, False),
                                     (2, 1), (2, None)])
def test_batch_sampler_errors(bs, drop):
    raises_same(lambda lib: lib.utils.data.BatchSampler(range(4), bs, drop))


def test_sampler_base_and_subclassing():
    raises_same(lambda lib: iter(lib.utils.data.Sampler()))

    def fn(lib):
        class Evens(lib.utils.data.Sampler[int]):
            def __init__(self, n):
                self.n = n

            def __iter__(self):
                return iter(range(0, self.n, 2))

            def __len__(self):
                return (self.n + 1) // 2
        return [list(Evens(7)), len(lib.utils.data.BatchSampler(Evens(7), 3, False))]
    both(fn)
