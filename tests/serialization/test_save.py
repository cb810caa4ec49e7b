"""ember.save to a path has no side effects beyond the checkpoint: a temporary file in the target's
folder is fsynced and renamed over it; symlinks are written through, the mode and hard links are
kept, devices and FIFOs are written into (as torch does), sockets and directories refused, a
read-only folder falls back to writing in place, and temporaries left by killed saves are removed
by the next save to that path."""
from __future__ import annotations

import os
import signal
import socket
import stat
import subprocess
import sys
import textwrap
import threading
import time

import pytest
import torch

import ember
from ember import _checkpoint_zip
from ember.utils import safetensors as es


def _temps(folder) -> list:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def _loads(path) -> list:
    return ember.load(path)["w"].tolist()


def test_symlink_is_written_through(tmp_path):
    target = tmp_path / "real" / "model.pt"
    target.parent.mkdir()
    target.write_bytes(b"old")
    link = tmp_path / "link.pt"
    link.symlink_to(target)
    ember.save({"w": ember.ones(2)}, link)
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert _loads(target) == [1.0, 1.0] and torch.load(link, weights_only=True)["w"].sum() == 2
    assert _temps(tmp_path) == [] and _temps(target.parent) == []
    dangling = tmp_path / "dangling.pt"
    dangling.symlink_to(tmp_path / "real" / "new.pt")  # a link to a file not yet there
    es.save_file({"w": ember.zeros(3)}, dangling)
    assert dangling.is_symlink() and es.load_file(tmp_path / "real" / "new.pt")["w"].tolist() == \
        [0.0] * 3


def test_mode_is_kept(tmp_path):
    path = tmp_path / "m.pt"
    ember.save({"w": ember.ones(1)}, path)
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask  # a new file: as open() makes it
    path.chmod(0o640)
    ember.save({"w": ember.zeros(1)}, path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640 and _loads(path) == [0.0]


def test_hard_links_keep_sharing(tmp_path):
    path, other = tmp_path / "a.pt", tmp_path / "b.pt"
    ember.save({"w": ember.ones(1)}, path)
    os.link(path, other)
    ember.save({"w": ember.zeros(1)}, path)
    assert os.path.samefile(path, other) and _loads(other) == [0.0]


def test_dev_null_and_fifo_are_written_into(tmp_path):
    ember.save({"w": ember.ones(3)}, "/dev/null")  # as torch.save: no replacing /dev/null
    torch.save({"w": torch.ones(3)}, "/dev/null")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    ember.save({"w": ember.ones(2)}, fifo)
    reader.join(10)
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    (tmp_path / "copy.pt").write_bytes(received[0])
    assert _loads(tmp_path / "copy.pt") == [1.0, 1.0]


def test_sockets_directories_and_block_devices_refused(tmp_path):
    sock_path = tmp_path / "s"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(sock_path))
    try:
        for path in (sock_path, tmp_path):
            with pytest.raises(RuntimeError, match="not a regular file"):
                ember.save({"w": ember.ones(1)}, path)
            with pytest.raises(RuntimeError):
                torch.save({"w": torch.ones(1)}, path)
        assert stat.S_ISSOCK(sock_path.stat().st_mode)
    finally:
        server.close()
    block = tmp_path / "blk"
    try:
        os.mknod(block, stat.S_IFBLK | 0o600, os.makedev(7, 0))
    except PermissionError:
        pytest.skip("creating a block device needs root")
    with pytest.raises(RuntimeError, match="block device"):
        ember.save({"w": ember.ones(1)}, block)
    assert stat.S_ISBLK(block.stat().st_mode)


def test_read_only_folder_writes_the_file_in_place(tmp_path, monkeypatch):
    path = tmp_path / "ro.pt"
    ember.save({"w": ember.ones(1)}, path)

    def no_temp(*args, **kwargs):  # a read-only folder (root ignores chmod, so simulate it)
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(_checkpoint_zip.tempfile, "mkstemp", no_temp)
    inode = path.stat().st_ino
    ember.save({"w": ember.zeros(1)}, path)
    assert _loads(path) == [0.0] and path.stat().st_ino == inode
    with pytest.raises(PermissionError):  # a new file cannot be made there at all
        ember.save({"w": ember.zeros(1)}, tmp_path / "new.pt")
    monkeypatch.setattr(_checkpoint_zip.os, "access", lambda *a: False)
    with pytest.raises(PermissionError):
        ember.save({"w": ember.zeros(1)}, path)


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_stale_temps_of_dead_processes_are_removed(tmp_path):
    path = tmp_path / "ckpt.pt"
    prefix = _checkpoint_zip._temp_prefix("ckpt.pt")
    dead = tmp_path / f"{prefix}{_dead_pid()}-abcdefgh.tmp"
    alive = tmp_path / f"{prefix}{os.getppid()}-abcdefgh.tmp"  # a live process: kept
    other = tmp_path / f"{_checkpoint_zip._temp_prefix('other.pt')}{_dead_pid()}-x.tmp"
    for p in (dead, alive, other):
        p.write_bytes(b"partial")
    ember.save({"w": ember.ones(1)}, path)
    assert not dead.exists() and alive.exists() and other.exists()
    assert _loads(path) == [1.0]


def _child(script: str, tmp_path) -> subprocess.Popen:
    root = os.path.dirname(os.path.dirname(os.path.abspath(ember.__file__)))
    code = f"import sys; sys.path.insert(0, {root!r})\n" + textwrap.dedent(script)
    return subprocess.Popen([sys.executable, "-c", code], cwd=tmp_path)


def _size(path) -> int:
    """The size of a file that may be renamed away at any moment (0 once gone)."""
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def _wait_for(cond, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not cond():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.001)


def test_kill_during_save_leaves_no_temp_after_next_save(tmp_path):
    """A process SIGKILLed while writing a 64 MB tensor leaves its temporary file; the next
    save to the same path removes it and the checkpoint is whole."""
    path = tmp_path / "big.pt"
    for _ in range(5):  # the kill can land between one save's rename and the next one's write
        child = _child("""
            import ember
            big = ember.ones(16 * 2 ** 20)
            while True:
                ember.save({"w": big}, "big.pt")
        """, tmp_path)
        try:
            _wait_for(lambda: any(_size(tmp_path / t) > 1 << 20 for t in _temps(tmp_path)))
        finally:
            child.send_signal(signal.SIGKILL)
            child.wait()
        left = _temps(tmp_path)
        if left:
            break
    assert left and str(child.pid) in left[0]  # killed mid-write: its temp file is still there
    ember.save({"w": ember.arange(3.0)}, path)
    assert _temps(tmp_path) == [] and _loads(path) == [0.0, 1.0, 2.0]


def test_kill_while_pickling(tmp_path):
    """Killed at a known point (an object whose pickling blocks) after the temp file exists."""
    child = _child("""
        import os, time, ember
        class Slow:
            def __reduce__(self):
                open("ready", "w").close()
                time.sleep(60)
        ember.save({"w": ember.ones(4), "slow": Slow()}, "ckpt.pt")
    """, tmp_path)
    try:
        _wait_for(lambda: (tmp_path / "ready").exists())
        assert len(_temps(tmp_path)) == 1
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    assert not (tmp_path / "ckpt.pt").exists()
    ember.save({"w": ember.zeros(2)}, tmp_path / "ckpt.pt")
    assert _temps(tmp_path) == [] and _loads(tmp_path / "ckpt.pt") == [0.0, 0.0]
