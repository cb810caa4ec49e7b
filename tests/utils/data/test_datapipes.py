"""DataPipes against torch.utils.data's: the bases, functional registration, the built-in
iter and map pipes (values, lengths, seeded shuffles), decorators and their errors."""
from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch

import ember


def plain(x):
    """A comparable form: DataChunks tagged, tensors as arrays, containers recursed."""
    if type(x).__name__ == "DataChunk":
        return ("chunk", [plain(v) for v in x])
    if isinstance(x, (torch.Tensor, ember.Tensor)):
        return ("tensor", str(x.dtype).split(".")[-1], np.asarray(x.tolist()).tolist())
    if isinstance(x, (list, tuple)):
        return (type(x).__name__, [plain(v) for v in x])
    if isinstance(x, dict):
        return {k: plain(v) for k, v in x.items()}
    return x


def D(lib):
    return lib.utils.data


def src(lib, data):
    return D(lib).datapipes.iter.IterableWrapper(data)


def seq(lib, data):
    return D(lib).datapipes.map.SequenceWrapper(data)


def double(x):
    return x * 2


def odd(x):
    return x % 2 == 1


def add(a, b):
    return a + b


def times10(v):
    return v * 10


def pair(x):
    return (x, x + 1)


ITER = [
    lambda lib: src(lib, range(5)).map(double),
    lambda lib: src(lib, range(5)).map(fn=double),
    lambda lib: src(lib, range(7)).filter(odd),
    lambda lib: src(lib, range(5)).batch(2),
    lambda lib: src(lib, range(5)).batch(2, drop_last=True),
    lambda lib: src(lib, range(5)).batch(2, wrapper_class=list),
    lambda lib: src(lib, range(5)).batch(2).unbatch(),
    lambda lib: src(lib, range(7)).batch(3).batch(2).unbatch(2),
    lambda lib: src(lib, range(7)).batch(3).batch(2).unbatch(-1),
    lambda lib: src(lib, range(7)).batch(3).unbatch(0),
    lambda lib: src(lib, range(5)).batch(2).collate(),
    lambda lib: src(lib, range(4)).batch(2).collate(collate_fn=sum),
    lambda lib: src(lib, range(5)).zip(src(lib, "abc")),
    lambda lib: src(lib, range(3)).concat(src(lib, [9, 8])),
    lambda lib: src(lib, range(3)).concat(),
    lambda lib: src(lib, [1, 2, 3]).mux(src(lib, [4]), src(lib, [5, 6])),
    lambda lib: src(lib, [1, 2]).mux(src(lib, [4, 5]), src(lib, [5, 6])),
    lambda lib: src(lib, range(5)).sharding_filter(),
    lambda lib: src(lib, range(3)).map(pair).map(times10, input_col=1),
    lambda lib: src(lib, range(3)).map(pair).map(times10, input_col=0, output_col=-1),
    lambda lib: src(lib, [[1, 2, 3], [4, 5, 6]]).map(add, input_col=[0, 2]),
    lambda lib: src(lib, [{"a": 1}, {"a": 2}]).map(times10, input_col="a", output_col="b"),
    lambda lib: src(lib, [{"a": 1}, {"a": 2}]).map(times10, input_col="a", output_col=["b"]),
    lambda lib: src(lib, [(1, 2), (3, 4)]).filter(odd, input_col=1),
]


@pytest.mark.parametrize("i", range(len(ITER)))
def test_iter_pipes_yield_as_torch(i):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t, e = ITER[i](torch), ITER[i](ember)
    assert plain(list(e)) == plain(list(t))
    assert plain(list(e)) == plain(list(t))  # a second epoch yields the same
    assert repr(e).replace("ember", "torch") == repr(t)


LENGTHS = [
    lambda lib: src(lib, range(4)).map(double),
    lambda lib: src(lib, range(4)).batch(3),
    lambda lib: src(lib, range(4)).batch(3, drop_last=True),
    lambda lib: src(lib, range(4)).zip(src(lib, range(3)), src(lib, range(9))),
    lambda lib: src(lib, range(4)).concat(src(lib, range(3))),
    lambda lib: src(lib, range(4)).mux(src(lib, range(3))),
    lambda lib: src(lib, range(4)).shuffle(),
    lambda lib: src(lib, range(4)).sharding_filter(),
    lambda lib: seq(lib, range(5)).batch(2),
    lambda lib: seq(lib, range(5)).batch(2, drop_last=True),
    lambda lib: seq(lib, range(5)).map(double),
    lambda lib: seq(lib, range(5)).concat(seq(lib, range(2))),
    lambda lib: seq(lib, range(5)).zip(seq(lib, range(2))),
    lambda lib: seq(lib, range(5)).shuffle(),
]


@pytest.mark.parametrize("i", range(len(LENGTHS)))
def test_lengths(i):
    assert len(LENGTHS[i](ember)) == len(LENGTHS[i](torch))


NO_LENGTH = [
    lambda lib: src(lib, iter(range(3))),
    lambda lib: src(lib, iter(range(3))).map(double),
    lambda lib: src(lib, range(3)).filter(odd),
    lambda lib: src(lib, range(3)).batch(2).unbatch(),
    lambda lib: src(lib, iter(range(3))).batch(2),
]


@pytest.mark.parametrize("i", range(len(NO_LENGTH)))
def test_no_length_raises_type_error(i):
    with pytest.raises(TypeError):
        len(NO_LENGTH[i](torch))
    with pytest.raises(TypeError):
        len(NO_LENGTH[i](ember))


MAP = [
    lambda lib: seq(lib, range(5)).map(double),
    lambda lib: seq(lib, range(5)).batch(2),
    lambda lib: seq(lib, range(5)).batch(2, drop_last=True),
    lambda lib: seq(lib, range(3)).concat(seq(lib, "ab")),
    lambda lib: seq(lib, range(3)).zip(seq(lib, "ab")),
]


@pytest.mark.parametrize("i", range(len(MAP)))
def test_map_pipes_index_and_iterate_as_torch(i):
    t, e = MAP[i](torch), MAP[i](ember)
    assert plain(list(e)) == plain(list(t))
    assert plain([e[k] for k in range(len(t))]) == plain([t[k] for k in range(len(t))])
    with pytest.raises(IndexError):
        t[len(t) + 1]
    with pytest.raises(IndexError):
        e[len(t) + 1]


@pytest.mark.parametrize("make", [
    lambda lib: src(lib, range(25)).shuffle(),
    lambda lib: src(lib, range(25)).shuffle(buffer_size=4),
    lambda lib: src(lib, range(12)).batch(3).shuffle(unbatch_level=1, buffer_size=2),
    lambda lib: seq(lib, range(20)).shuffle(),
    lambda lib: seq(lib, range(20)).shuffle(indices=[3, 5, 7, 9]),
])
def test_shuffles_draw_torchs_order(make):
    torch.manual_seed(3)
    ember.manual_seed(3)
    t, e = make(torch), make(ember)
    for _ in range(2):  # a fresh seed each epoch, from the default generator
        assert list(e) == list(t)
    assert list(e.set_seed(11)) == list(t.set_seed(11))
    assert list(e.set_shuffle(False)) == list(t.set_shuffle(False))
    assert ember.rand(2).tolist() == torch.rand(2).tolist()


def test_functional_registration_and_dir():
    for lib in (torch, ember):
        name = "repeat_each_s2test"

        @D(lib).functional_datapipe(name)
        class Repeat(D(lib).IterDataPipe):
            def __init__(self, source, k=2):
                self.source, self.k = source, k

            def __iter__(self):
                for x in self.source:
                    yield from [x] * self.k

        assert list(src(lib, range(2)).repeat_each_s2test(3)) == [0, 0, 0, 1, 1, 1]
        assert name in dir(src(lib, [1]))
        with pytest.raises(Exception, match="already taken"):
            D(lib).functional_datapipe(name)(Repeat)
        with pytest.raises(AttributeError):
            _ = src(lib, [1]).no_such_pipe_s2test
        del D(lib).IterDataPipe.functions[name]


def test_datachunk():
    for lib in (torch, ember):
        chunk = D(lib).DataChunk([1, D(lib).DataChunk([2, 3])])
        assert (repr(chunk), str(chunk), chunk.as_str("  "), list(chunk.raw_iterator())) == \
            ("[1, [2, 3]]", "[1, [2, 3]]", "  [1, [2, 3]]", [1, [2, 3]])
        assert isinstance(chunk, list) and type(chunk + [4]) is list


def test_bases_are_datasets_and_usable_in_a_dataloader():
    for lib in (torch, ember):
        assert issubclass(D(lib).IterDataPipe, D(lib).IterableDataset)
        assert issubclass(D(lib).MapDataPipe, D(lib).Dataset)
        assert issubclass(D(lib).DFIterDataPipe, D(lib).IterDataPipe)
    loaders = [list(D(lib).DataLoader(src(lib, range(5)).map(double), batch_size=2))
               for lib in (torch, ember)]
    assert plain(loaders[1]) == plain(loaders[0])


def _build_nd(lib, arg):
    @D(lib).non_deterministic
    class ND(D(lib).IterDataPipe):
        def __iter__(self):
            yield arg

    return ND


def _strict(lib, pipe):
    """`pipe` after entering guaranteed_datapipes_determinism (the test restores the flag)."""
    D(lib).guaranteed_datapipes_determinism()
    return pipe


def _decide(x):
    return x > 0


def _build_nd_fn(lib):
    @D(lib).non_deterministic(_decide)
    class ND2(D(lib).IterDataPipe):
        def __init__(self, x):
            self.x = x

        def __iter__(self):
            yield self.x

    return ND2


@pytest.mark.parametrize("call", [
    lambda lib: list(_build_nd(lib, 1)()),
    lambda lib: _strict(lib, _build_nd(lib, 1))(),
    lambda lib: list(_build_nd_fn(lib)(-1)),
    lambda lib: _strict(lib, _build_nd_fn(lib))(1),
    lambda lib: _strict(lib, _build_nd_fn(lib))(-1),
    lambda lib: D(lib).non_deterministic(int),
    lambda lib: D(lib).non_deterministic(5),
    lambda lib: D(lib).runtime_validation(lambda self: 1),
    lambda lib: src(lib, range(3)).batch(0),
    lambda lib: src(lib, range(3)).map(double, output_col=1),
    lambda lib: src(lib, range(3)).zip([1]),
    lambda lib: src(lib, range(3)).concat([1]),
    lambda lib: list(src(lib, range(3)).unbatch(-2)),
    lambda lib: list(src(lib, range(3)).batch(2).unbatch(2)),
    lambda lib: list(src(lib, range(3)).filter(double)),
    lambda lib: D(lib).datapipes.map.Concater(),
    lambda lib: seq(lib, range(3)).zip(src(lib, [1])),
])
def test_decorators_and_errors_as_torch(call):
    """Same result, or the same exception type; determinism flags restored afterwards."""
    outcome = []
    for lib in (torch, ember):
        dec = D(lib).datapipes._decorator
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                result = call(lib)
            outcome.append(("ok", repr(plain(result))))
        except Exception as exc:  # noqa: BLE001 - the type is the comparison
            outcome.append(("raise", type(exc).__name__))
        finally:
            for cm in (D(lib).guaranteed_datapipes_determinism, ):
                cm().__exit__(None, None, None)
            dec._determinism = False
    assert outcome[1] == outcome[0]


def test_validation_decorators():
    for lib in (torch, ember):
        def init(self, dp, n):
            self.dp = dp

        init.__annotations__ = {"dp": D(lib).IterDataPipe, "n": int}

        class Typed(D(lib).IterDataPipe):
            __init__ = D(lib).argument_validation(init)

        class Checked(D(lib).IterDataPipe):
            def __init__(self, data):
                self.data = data

            @D(lib).runtime_validation
            def __iter__(self):
                yield from self.data

        with pytest.raises(TypeError, match="Expected argument 'dp' as a IterDataPipe"):
            Typed([1], 3)
        with pytest.raises(AttributeError):  # untyped DataPipes fail the checks, as torch's do
            Typed(src(lib, [1]), 3)
        with pytest.raises(AttributeError):
            list(Checked([1, "a"]))
        with D(lib).runtime_validation_disabled():
            assert list(Checked([1, "a"])) == [1, "a"]


IDENTITY = lambda x: x  # a module-level lambda is what torch calls "Lambda"


def test_lambda_warns_as_torch():
    for lib in (torch, ember):
        with pytest.warns(UserWarning, match="Lambda function is not supported by pickle"):
            src(lib, [1]).map(IDENTITY)
        with pytest.warns(UserWarning, match="Local function is not supported by pickle"):
            src(lib, [1]).map(lambda x: x)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            src(lib, [1]).map(double)


def test_dataloader_seeds_shufflers_as_torch():
    """One shared seed per epoch from the loader's generator seeds the graph's shufflers."""
    out = []
    for lib in (torch, ember):
        lib.manual_seed(0)
        loader = D(lib).DataLoader(src(lib, range(10)).shuffle().batch(3), batch_size=None)
        epochs = [plain(list(loader)) for _ in range(2)]
        gen = lib.Generator().manual_seed(5)
        seeded = list(D(lib).DataLoader(src(lib, range(8)).shuffle(), batch_size=None,
                                        generator=gen))
        out.append((epochs, [int(v) for v in seeded], lib.rand(2).tolist()))
    assert out[1] == out[0]


def test_dataloader_workers_shard_a_sharding_filter():
    """Workers shuffle alike (the shared seed), each keeps its share; the stream stays torch's."""
    results = []
    for lib in (torch, ember):
        lib.manual_seed(0)
        plain_pipe = src(lib, range(10)).sharding_filter().map(double)
        shuffled = src(lib, range(10)).shuffle().sharding_filter()
        results.append((
            [int(v) for v in D(lib).DataLoader(plain_pipe, batch_size=None, num_workers=2)],
            [v.tolist() for v in D(lib).DataLoader(shuffled, batch_size=2, num_workers=2)],
            lib.rand(2).tolist()))
    assert results[1] == results[0]


def test_graph_settings():
    gs = ember.utils.data.graph_settings
    shuffler = src(ember, range(6)).shuffle()
    pipe = shuffler.zip(src(ember, range(6)).sharding_filter()).map(double)
    assert [type(p).__name__ for p in gs.get_all_graph_pipes(pipe)] == [
        "MapperIterDataPipe", "ZipperIterDataPipe", "ShufflerIterDataPipe",
        "IterableWrapperIterDataPipe", "ShardingFilterIterDataPipe",
        "IterableWrapperIterDataPipe"]
    gs.apply_shuffle_settings(pipe, shuffle=False)
    gs.apply_sharding(pipe, 2, 1)
    assert list(pipe) == [(0, 1, 0, 1), (1, 3, 1, 3), (2, 5, 2, 5)]  # unshuffled; odd shard
