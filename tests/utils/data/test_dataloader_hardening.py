"""The DataLoader never hangs: a worker dying or stalling half-way through a large batch, a
sample that cannot be pickled, and a main process killed with batches in shared memory.

Each scenario runs in a child Python with a hard time limit, so a regression fails the test
instead of hanging the suite; the child prints one line that the test checks.
"""
from __future__ import annotations

import glob
import multiprocessing
import os
import signal
import struct
import subprocess
import sys
import textwrap
import time

import pytest

import ember
from ember.utils.data import _channel, _shared, dataloader

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(ember.__file__)))  # where children import it
HAS_SHM = _shared.available()

PRELUDE = """
import os, signal, sys, threading, time
lib = __import__(sys.argv[1])
"""


def run(body: str, lib: str = "ember", limit: float = 30.0) -> str:
    """Run `body` in a fresh interpreter (own session); its stdout, or a failure if it hangs."""
    proc = subprocess.Popen([sys.executable, "-c", PRELUDE + textwrap.dedent(body), lib],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        out, err = proc.communicate(timeout=limit)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # the child and its DataLoader workers
        proc.communicate()
        pytest.fail(f"{lib}: the DataLoader hung (no answer within {limit} s)")
    assert proc.returncode in (0, -signal.SIGKILL), err
    return out


# a worker that kills (or stops) itself while its 50 MB batch is half-way through the pipe: the
# main process sleeps first, so the pipe is full and the worker blocked in write when it happens
HALF_SENT = """
class HalfSent:
    def __len__(self):
        return 4

    def __getitem__(self, i):
        threading.Timer(0.3, os.kill, (os.getpid(), signal.{sig})).start()
        return b"x" * 50_000_000

it = iter(lib.utils.data.DataLoader(HalfSent(), batch_size=None, num_workers=1{kw}))
start = time.monotonic()
reading = None
try:
    time.sleep(1.0)
    reading = time.monotonic()
    next(it)
    print("NO ERROR")
except RuntimeError as exc:
    now = time.monotonic()
    print(f"{{now - start:.2f}} {{now - (reading or now):.2f}}", exc)
for w in it._workers:  # a stopped worker ignores SIGTERM: end it before shutdown
    if w.is_alive():
        os.kill(w.pid, signal.SIGKILL)
"""


@pytest.mark.parametrize("lib", ["ember", "torch"])
def test_worker_killed_while_sending_a_large_batch_raises(lib):
    out = run(HALF_SENT.format(sig="SIGKILL", kw=""), lib)
    elapsed, _, msg = out.strip().partition(" ")
    msg = msg.partition(" ")[2]
    assert "DataLoader worker (pid " in msg and "is killed by signal: Killed" in msg, out
    assert float(elapsed) < 2.5  # 1 s of sleep, then at once: not a 5 s poll, not a hang


def test_timeout_bounds_a_read_stalled_mid_message():
    out = run(HALF_SENT.format(sig="SIGSTOP", kw=", timeout=1"))  # torch hangs here
    _, reading, msg = out.strip().split(" ", 2)
    assert msg == "DataLoader timed out after 1 seconds", out
    assert 1.0 <= float(reading) < 2.5  # the timeout, counted over the whole partial read


BIG_TASKS = """
class Dies:
    def __len__(self):
        return 10**6

    def __getitem__(self, i):
        os.kill(os.getpid(), signal.SIGKILL)

# each task is a 300,000-index list: the second one fills the index pipe of a worker that is dead
sampler = [list(range(300_000))] * 4
try:
    list(lib.utils.data.DataLoader(Dies(), batch_sampler=sampler, num_workers=1))
except RuntimeError as exc:
    print(exc)
"""


def test_worker_dead_while_the_main_process_sends_a_large_task():
    out = run(BIG_TASKS, limit=20)
    assert "exited unexpectedly" in out and "is killed by signal: Killed" in out, out


UNPICKLABLE = """
class BadError(Exception):  # defined in a function's scope below: its type cannot be pickled
    pass

class Lock:
    def __len__(self):
        return 2

    def __getitem__(self, i):
        return threading.Lock()

def local_error():
    class LocalError(Exception):
        pass
    class Raises:
        def __len__(self):
            return 2

        def __getitem__(self, i):
            raise LocalError("sample 0 is broken")
    return Raises()

for ds in (Lock(), local_error()):
    try:
        next(iter(lib.utils.data.DataLoader(ds, batch_size=None, num_workers=1)))
        print("NO ERROR")
    except Exception as exc:
        print(type(exc).__name__, "|", str(exc).splitlines()[0], "|", str(exc).splitlines()[-1])
"""


def test_unpicklable_results_raise_the_workers_error():
    lines = run(UNPICKLABLE, limit=20).strip().splitlines()  # torch hangs on both
    assert lines[0] == ("TypeError | Caught TypeError in DataLoader worker process 0. | "
                        "TypeError: cannot pickle '_thread.lock' object"), lines
    assert lines[1].startswith("RuntimeError | Caught LocalError in DataLoader worker process 0.")
    assert lines[1].endswith("LocalError: sample 0 is broken"), lines


MAIN_KILLED = """
import glob
import numpy as np

class Big:
    def __len__(self):
        return 16

    def __getitem__(self, i):
        return np.zeros((64, 1024), np.float32)

it = iter(lib.utils.data.DataLoader(Big(), batch_size=2, num_workers=2, prefetch_factor=2))
next(it)
time.sleep(0.5)  # the workers stack their prefetched batches into shared memory
files = glob.glob(f"/dev/shm/ember_dl_{os.getpid()}_*")
print(os.getpid(), len(files), " ".join(str(w.pid) for w in it._workers), flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.skipif(not HAS_SHM, reason="no /dev/shm: batches travel through the pipe")
def test_shared_memory_files_removed_when_the_main_process_is_killed():
    pid, count, *workers = run(MAIN_KILLED).split()
    assert int(count) > 0  # batches were in flight when the main process died
    deadline = time.monotonic() + 3.0
    while time.monotonic() < deadline and (
            glob.glob(f"/dev/shm/ember_dl_{pid}_*") or any(alive(int(w)) for w in workers)):
        time.sleep(0.05)
    assert glob.glob(f"/dev/shm/ember_dl_{pid}_*") == []
    assert not any(alive(int(w)) for w in workers)  # the workers noticed at once and stopped


@pytest.mark.skipif(not HAS_SHM, reason="no /dev/shm: batches travel through the pipe")
def test_shared_memory_files_removed_when_python_exits_with_a_live_iterator():
    body = MAIN_KILLED.replace("os.kill(os.getpid(), signal.SIGKILL)", "sys.exit(0)")
    pid, count, *_ = run(body).split()  # multiprocessing terminates the workers at exit
    assert int(count) > 0
    time.sleep(0.2)
    assert glob.glob(f"/dev/shm/ember_dl_{pid}_*") == []


@pytest.mark.skipif(not HAS_SHM, reason="no /dev/shm")
def test_files_of_a_main_process_killed_with_its_workers_are_swept(monkeypatch):
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    dead = int(gone.stdout)
    stale = f"/dev/shm/ember_dl_{dead}_0_1_0"
    mine = f"/dev/shm/ember_dl_{os.getpid()}_999_0_0"  # this process's: never swept
    for path in (stale, mine):
        with open(path, "wb") as f:
            f.write(b"\0" * 16)
    try:
        monkeypatch.setattr(dataloader, "_swept", False)
        assert [b.tolist() for b in ember.utils.data.DataLoader(range(3), num_workers=1)] == \
            [[0], [1], [2]]
        assert not os.path.exists(stale) and os.path.exists(mine)
    finally:
        for path in (stale, mine):
            if os.path.exists(path):
                os.unlink(path)


def test_batches_still_match_after_a_large_transfer():
    class Big:
        def __len__(self):
            return 6

        def __getitem__(self, i):
            return bytes([i]) * 3_000_000, i

    got = [(b[0][:2], b[0][-1:], len(b[0]), b[1])
           for b in ember.utils.data.DataLoader(Big(), batch_size=None, num_workers=2)]
    assert got == [(bytes([i]) * 2, bytes([i]), 3_000_000, i) for i in range(6)]


# ---- the result pipe's reader, in-process ----------------------------------------------------------


def test_receiver_reassembles_a_message_arriving_byte_by_byte():
    reader, writer = multiprocessing.Pipe(duplex=False)
    receiver = _channel.Receiver(reader)
    payload = _channel.dumps((3, {"x": list(range(50))}), "in test")
    frames = struct.pack("!i", len(payload)) + payload
    frames += struct.pack("!i", -1) + struct.pack("!Q", len(payload)) + payload  # > 2 GiB form
    got = []
    for i in range(len(frames)):
        os.write(writer.fileno(), frames[i:i + 1])
        got += receiver.pump()
        assert len(got) == (i + 1 >= 4 + len(payload)) + (i + 1 == len(frames))
    assert [_channel.loads(g) for g in got] == [(3, {"x": list(range(50))})] * 2
    writer.close()
    assert receiver.pump() == [] and receiver.eof
    receiver.close()


def test_receiver_sees_eof_in_the_middle_of_a_message():
    reader, writer = multiprocessing.Pipe(duplex=False)
    receiver = _channel.Receiver(reader)
    os.write(writer.fileno(), struct.pack("!i", 1000) + b"x" * 10)
    assert receiver.pump() == [] and not receiver.eof  # a partial message: no block, no data
    writer.close()
    assert receiver.pump() == [] and receiver.eof
    receiver.close()
