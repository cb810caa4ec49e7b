"""Every collective of ember.distributed against a NumPy reference, on any number of ranks.

Rank r's data comes from a generator seeded with r, so every rank can compute every other
rank's input and with it the exact expected result. Prints `ok <rank>` at the end.
"""
import os

import numpy as np

import ember
import ember.distributed as dist

# torchrun's variables exist before init_process_group (set by `import ember` under mpiexec)
R, N = int(os.environ["RANK"]), int(os.environ["WORLD_SIZE"])
assert os.environ["LOCAL_RANK"] == str(R) and os.environ["LOCAL_WORLD_SIZE"] == str(N)
assert "MASTER_ADDR" in os.environ and "MASTER_PORT" in os.environ
dist.init_process_group("gloo")
assert (dist.get_rank(), dist.get_world_size()) == (R, N)
assert dist.get_backend() == "gloo" and dist.is_initialized()


def data(r, shape=(3, 4), dtype=np.float32):
    return np.random.default_rng(r).standard_normal(shape).astype(dtype)


def ints(r, shape=(5,)):
    return np.random.default_rng(100 + r).integers(1, 1 << 20, shape).astype(np.int64)


def t(a):
    return ember.from_numpy(np.array(a))


def close(got, want, tol=1e-5):
    np.testing.assert_allclose(got.numpy().astype(np.float64),
                               np.asarray(want, np.float64), rtol=tol, atol=tol)


ALL = [data(r) for r in range(N)]
INTS = [ints(r) for r in range(N)]
OP = dist.ReduceOp

# ---- all_reduce: every op, dtypes, a non-contiguous tensor, async ----
for op, ref in [(OP.SUM, np.sum), (OP.PRODUCT, np.prod), (OP.MIN, np.min), (OP.MAX, np.max),
                (OP.AVG, np.mean)]:
    x = t(ALL[R])
    assert dist.all_reduce(x, op=op) is None
    close(x, ref(np.stack(ALL), axis=0))
for op, ref in [(OP.BAND, np.bitwise_and), (OP.BOR, np.bitwise_or), (OP.BXOR, np.bitwise_xor),
                (OP.SUM, np.add), (OP.MAX, np.maximum)]:
    x = t(INTS[R])
    dist.all_reduce(x, op)
    np.testing.assert_array_equal(x.numpy(), ref.reduce(np.stack(INTS), axis=0))
x = t(INTS[R])
dist.all_reduce(x, OP.AVG)
np.testing.assert_array_equal(x.numpy(), np.stack(INTS).sum(0) // N)
for dt in (ember.float16, ember.bfloat16, ember.float64):
    x = t(ALL[R]).to(dt)
    dist.all_reduce(x)
    assert x.dtype == dt
    close(x.float(), sum(t(a).to(dt).float().numpy() for a in ALL), tol=5e-2)
flags = ember.tensor([R == 0, True, False])
dist.all_reduce(flags, OP.MAX)
assert flags.tolist() == [True, True, False]
base = t(ALL[R])
view = base.t()                                   # a non-contiguous view: written back in place
dist.all_reduce(view)
close(base, np.sum(ALL, axis=0))
work = dist.all_reduce(t(ALL[R]), async_op=True)
assert isinstance(work, dist.Work) and work.wait() is True and work.is_completed()
x = t(ALL[R])
works = [dist.all_reduce(x, async_op=True)]
while not works[0].is_completed():
    pass
close(x, np.sum(ALL, axis=0))

# ---- broadcast / reduce ----
for src in range(N):
    x = t(ALL[R])
    dist.broadcast(x, src=src)
    close(x, ALL[src], 0)
x = t(ALL[R])
dist.broadcast(x, group_src=N - 1)
close(x, ALL[N - 1], 0)
b = ember.tensor([1.5, 2.5], dtype=ember.bfloat16) * (R + 1)
dist.broadcast(b, 0)
assert b.float().tolist() == [1.5, 2.5]
x = t(ALL[R])
dist.reduce(x, dst=N - 1, op=OP.MAX)
close(x, np.max(ALL, axis=0) if R == N - 1 else ALL[R])

# ---- gathers and scatters ----
out = [ember.zeros(3, 4) for _ in range(N)]
dist.all_gather(out, t(ALL[R]))
for r in range(N):
    close(out[r], ALL[r], 0)
ragged = [ember.zeros(r + 1, dtype=ember.int64) for r in range(N)]
dist.all_gather(ragged, ember.full((R + 1,), R, dtype=ember.int64))
assert [g.tolist() for g in ragged] == [[r] * (r + 1) for r in range(N)]
cat = ember.zeros(3 * N, 4)
dist.all_gather_into_tensor(cat, t(ALL[R]))
close(cat, np.concatenate(ALL), 0)
stacked = ember.zeros(N, 3, 4)
dist.all_gather_into_tensor(stacked, t(ALL[R]))
close(stacked, np.stack(ALL), 0)
glist = [ember.zeros(3, 4) for _ in range(N)] if R == 0 else None
dist.gather(t(ALL[R]), glist, dst=0)
if R == 0:
    for r in range(N):
        close(glist[r], ALL[r], 0)
recv = ember.zeros(3, 4)
dist.scatter(recv, [t(a) * 2 for a in ALL] if R == N - 1 else None, src=N - 1)
close(recv, ALL[R] * 2, 0)

# ---- reduce_scatter ----
inputs = [t(data(10 * R + k)) for k in range(N)]
out = ember.zeros(3, 4)
dist.reduce_scatter(out, inputs)
close(out, sum(data(10 * r + R) for r in range(N)))
big = t(data(R, (2 * N, 3)))
out = ember.zeros(2, 3)
dist.reduce_scatter_tensor(out, big, op=OP.MIN)
close(out, np.min([data(r, (2 * N, 3)) for r in range(N)], axis=0)[2 * R:2 * R + 2])

# ---- all_to_all (uneven pieces) and all_to_all_single ----
send_list = [ember.full((R + 1, j + 1), 10.0 * R + j) for j in range(N)]
recv_list = [ember.zeros(r + 1, R + 1) for r in range(N)]
dist.all_to_all(recv_list, send_list)
for r in range(N):
    close(recv_list[r], np.full((r + 1, R + 1), 10.0 * r + R), 0)
inp = ember.arange(2 * N, dtype=ember.float32) + 100 * R
outp = ember.zeros(2 * N)
dist.all_to_all_single(outp, inp)
close(outp, np.concatenate([np.arange(2 * R, 2 * R + 2) + 100 * r for r in range(N)]), 0)
in_splits = [j + 1 for j in range(N)]                 # rank R sends j+1 rows to rank j
out_splits = [R + 1] * N                             # and receives R+1 rows from every rank
inp = ember.full((sum(in_splits), 2), float(R))
outp = ember.zeros(sum(out_splits), 2)
dist.all_to_all_single(outp, inp, out_splits, in_splits)
close(outp, np.repeat(np.arange(N, dtype=np.float32), R + 1)[:, None] * np.ones(2), 0)

# ---- point to point: a ring, async, any source ----
right, left = (R + 1) % N, (R - 1) % N
box = ember.zeros(3, 4)
if R % 2 == 0:
    dist.send(t(ALL[R]), dst=right)
    src = dist.recv(box, src=left)
else:
    src = dist.recv(box, src=left)
    dist.send(t(ALL[R]), dst=right)
assert src == left
close(box, ALL[left], 0)
box = ember.zeros(3, 4)
works = [dist.isend(t(ALL[R]), right, tag=7), dist.irecv(box, left, tag=7)]
for w in works:
    w.wait()
close(box, ALL[left], 0)
if R == 0:
    got = sorted(dist.recv(ember.zeros(1), tag=3) for _ in range(N - 1))
    assert got == list(range(1, N)), got
else:
    dist.send(ember.ones(1), dst=0, tag=3)
dist.barrier()
dist.barrier(async_op=True).wait()

# ---- objects ----
objs = [{"rank": R, "t": ember.ones(2) * R}, "x"] if R == 1 % N else [None, None]
dist.broadcast_object_list(objs, src=1 % N)
assert objs[0]["rank"] == 1 % N and objs[0]["t"].tolist() == [1 % N] * 2 and objs[1] == "x"
everyone = [None] * N
dist.all_gather_object(everyone, (R, f"r{R}"))
assert everyone == [(r, f"r{r}") for r in range(N)]
gathered = [None] * N if R == 0 else None
dist.gather_object(R * R, gathered, dst=0)
assert R != 0 or gathered == [r * r for r in range(N)]
mine = [None]
dist.scatter_object_list(mine, [f"to{r}" for r in range(N)] if R == 0 else None, src=0)
assert mine == [f"to{R}"]

# ---- a subgroup of the first two ranks ----
pair = dist.new_group([0, 1])
if R < 2:
    assert dist.get_rank(pair) == R and dist.get_world_size(pair) == 2
    assert dist.get_process_group_ranks(pair) == [0, 1]
    x = t(ALL[R])
    dist.all_reduce(x, group=pair)
    close(x, ALL[0] + ALL[1])
    x = t(ALL[R])
    dist.broadcast(x, src=1, group=pair)
    close(x, ALL[1], 0)
else:
    assert pair == dist.GroupMember.NON_GROUP_MEMBER and dist.get_rank(pair) == -1
    x = t(ALL[R])
    assert dist.all_reduce(x, group=pair) is None
    close(x, ALL[R], 0)
if N > 2:
    tail = dist.new_group(list(range(1, N)))
    if R >= 1:
        assert dist.get_global_rank(tail, 0) == 1 and dist.get_group_rank(tail, R) == R - 1
        x = t(ALL[R])
        dist.reduce(x, dst=N - 1, group=tail)
        close(x, np.sum(ALL[1:], axis=0) if R == N - 1 else ALL[R])
    dist.destroy_process_group(tail)

dist.destroy_process_group()
assert not dist.is_initialized()
print(f"ok {R}", flush=True)  # one string: ranks share the pipe, pieces could interleave
