"""Checkpoint files on disk: reading a zip archive's records with every size checked against
the bytes present, and saving through a temporary file without side effects on the target.

Reading: a stored record must lie inside the file; a compressed one may inflate at most
`_MAX_RATIO` times its compressed bytes; all records read add up to no more than the file
(stored) or `_MAX_RATIO` times it (inflated), so a small file never allocates much memory.
Saving: a temporary file in the target's folder, fsync, rename over the target (symlinks are
written through, the mode is kept); stale temporaries of dead processes are removed; devices and
FIFOs are written in place as torch does; other special files are refused.
"""
from __future__ import annotations

import contextlib
import errno
import os
import stat
import struct
import tempfile
import zipfile
import zlib

import numpy as np

_MAX_RATIO = 1100  # deflate's best ratio is 1032:1
_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA)
_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError,
               ValueError, struct.error, UnicodeDecodeError, OverflowError)


def invalid(what: str, err=None) -> RuntimeError:
    detail = f" ({str(err)[:200]})" if err is not None else ""
    return RuntimeError(f"{what} is not a valid or complete ember/PyTorch checkpoint: the file is "
                        f"truncated or corrupt{detail}")


def file_length(fh) -> int:
    pos = fh.tell()
    end = fh.seek(0, os.SEEK_END)
    fh.seek(pos)
    return end


class ZipCheckpoint:
    """The records of a torch zip checkpoint: data.pkl, byteorder and the storages."""

    def __init__(self, fh, name: str, mm=None) -> None:
        self.fh, self.name, self.mm = fh, name, mm
        self.size = file_length(fh)
        self.stored = self.inflated = 0  # bytes handed out so far, bounded by the file
        try:
            self.zf = zipfile.ZipFile(fh)
            names = self.zf.namelist()
        except _ZIP_ERRORS as e:
            raise invalid(name, e) from e
        pkl = [n for n in names if n.endswith("data.pkl") and n.count("/") == 1]
        if len(pkl) != 1:
            raise invalid(name, "no data.pkl record")
        self.prefix = pkl[0][: -len("data.pkl")]
        byteorder = "little"
        if self.prefix + "byteorder" in names:
            raw = self.read_bytes(self.prefix + "byteorder", limit=16)
            byteorder = raw.decode("ascii", "replace")
        if byteorder not in ("little", "big"):
            raise invalid(name, "unknown byte order")
        self.byteorder = byteorder
        self.data_pkl = self.read_bytes(pkl[0])

    def _info(self, rec: str) -> zipfile.ZipInfo:
        try:
            info = self.zf.getinfo(rec)
        except KeyError:
            raise invalid(self.name, f"missing record {rec[:200]}") from None
        if info.compress_type not in _METHODS:
            raise invalid(self.name, f"record {rec[:200]} uses the unsupported compression "
                                     f"method {info.compress_type}")
        if info.header_offset + 30 + info.compress_size > self.size:
            raise invalid(self.name, f"record {rec[:200]} runs past the end of the file")
        return info

    def _charge(self, info: zipfile.ZipInfo) -> None:
        if info.compress_type == zipfile.ZIP_STORED:
            self.stored += info.file_size
            if info.file_size != info.compress_size or self.stored > self.size:
                raise invalid(self.name, "records overlap or claim more bytes than the file has")
        else:
            self.inflated += info.file_size
            if (info.file_size > _MAX_RATIO * info.compress_size + 64
                    or self.inflated > _MAX_RATIO * self.size + 64):
                raise invalid(self.name, f"record {info.filename[:200]} claims to inflate to "
                                         f"{info.file_size} bytes from {info.compress_size}")

    def read_bytes(self, rec: str, limit: int | None = None) -> bytes:
        """A whole record's bytes (small records: data.pkl, byteorder)."""
        info = self._info(rec)
        if limit is not None and info.file_size > limit:
            raise invalid(self.name, f"record {rec[:200]} is too large")
        self._charge(info)
        try:
            return self.zf.read(info)
        except _ZIP_ERRORS as e:
            raise invalid(self.name, e) from e

    def _data_offset(self, info: zipfile.ZipInfo) -> int:
        """Where a stored record's bytes start (after its local header, whose extra may differ)."""
        self.fh.seek(info.header_offset)
        header = self.fh.read(30)
        if len(header) != 30 or header[:4] != b"PK\x03\x04":
            raise invalid(self.name, "bad local header")
        name_len, extra_len = struct.unpack("<HH", header[26:30])
        start = info.header_offset + 30 + name_len + extra_len
        if start + info.file_size > self.size:
            raise invalid(self.name, f"record {info.filename[:200]} runs past the end of the file")
        return start

    def storage(self, key: str, np_dtype, numel: int):
        """The flat array of storage `key`: numel elements of np_dtype, or a RuntimeError."""
        rec = f"{self.prefix}data/{key}"
        info = self._info(rec)
        if info.file_size != numel * np_dtype.itemsize:
            raise invalid(self.name, f"storage {key[:100]} holds {info.file_size} bytes, not "
                                     f"{numel} elements of {np_dtype.itemsize} bytes")
        self._charge(info)
        if info.compress_type != zipfile.ZIP_STORED:
            try:
                return np.frombuffer(bytearray(self.zf.read(info)), np_dtype)
            except _ZIP_ERRORS as e:
                raise invalid(self.name, e) from e
        start = self._data_offset(info)
        if self.mm is not None:
            return np.ndarray((numel,), np_dtype, buffer=self.mm, offset=start)
        out = np.empty(numel, np_dtype)
        self.fh.seek(start)
        if self.fh.readinto(memoryview(out.view(np.uint8))) != info.file_size:
            raise invalid(self.name, f"record {rec[:200]} is cut short")
        return out


# ---- saving -------------------------------------------------------------------------------------

def _temp_prefix(base: str) -> str:
    """`.<base>.<host hash>-`: a pid in a temporary file's name means something on this host only."""
    import platform

    host = zlib.crc32(platform.node().encode()) & 0xFFFFFFFF
    return f".{base[:100]}.{host:08x}-"


def _remove_stale_temps(folder: str, base: str) -> None:
    """Delete `.<base>.<host>-<pid>-XXXXXXXX.tmp` files whose process (on this host) is dead."""
    prefix = _temp_prefix(base)
    try:
        entries = os.listdir(folder)
    except OSError:
        return
    for entry in entries:
        if not (entry.startswith(prefix) and entry.endswith(".tmp")):
            continue
        pid_text = entry[len(prefix):].partition("-")[0]
        if not pid_text.isdigit() or int(pid_text) == os.getpid():
            continue
        try:
            os.kill(int(pid_text), 0)
        except ProcessLookupError:
            with contextlib.suppress(OSError):
                os.unlink(os.path.join(folder, entry))
        except (PermissionError, OverflowError, OSError):
            continue


def _write_in_place(path: str, write) -> None:
    """What torch does for every path: open for writing (truncating) and write."""
    with open(path, "wb") as fh:
        write(fh)
        fh.flush()
        if stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
            os.fsync(fh.fileno())


def _new_file_mode() -> int:
    """0o666 less the umask, as open() creates files (read without changing it where we can)."""
    try:
        with open("/proc/self/status") as fh:
            umask = next(int(line.split()[1], 8) for line in fh if line.startswith("Umask:"))
    except (OSError, StopIteration, ValueError, IndexError):
        umask = os.umask(0)
        os.umask(umask)
    return 0o666 & ~umask


def save_to_path(path, write) -> None:
    """Run write(file) into a temporary file beside `path`'s real target, then rename it over."""
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise RuntimeError(f"Parent directory {folder} does not exist.")
    real = os.path.realpath(path)  # a symlink is written through, not replaced
    folder, base = os.path.split(real)
    if not os.path.isdir(folder):
        raise RuntimeError(f"Parent directory {folder} does not exist.")
    try:
        st = os.stat(real)
    except FileNotFoundError:
        st = None
    if st is not None and not stat.S_ISREG(st.st_mode):
        if stat.S_ISCHR(st.st_mode) or stat.S_ISFIFO(st.st_mode):
            _write_in_place(real, write)  # /dev/null, a pipe: written into, as torch does
            return
        kind = ("directory" if stat.S_ISDIR(st.st_mode) else "block device"
                if stat.S_ISBLK(st.st_mode) else "socket or special file")
        raise RuntimeError(f"cannot save to {path!r}: it is a {kind}, not a regular file, and "
                           "ember.save does not replace it")
    if st is not None and st.st_nlink > 1:  # hard links keep sharing the file, as with torch
        _write_in_place(real, write)
        return
    if st is not None and not os.access(real, os.W_OK):  # as open(path, "wb") would refuse
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), path)
    _remove_stale_temps(folder, base)
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f"{_temp_prefix(base)}{os.getpid()}-",
                                   suffix=".tmp")
    except PermissionError:
        if st is not None:  # a read-only folder but a writable file: in place, as torch writes
            _write_in_place(real, write)
            return
        raise
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, stat.S_IMODE(st.st_mode) if st is not None else _new_file_mode())
        if st is not None and hasattr(os, "chown") and (st.st_uid, st.st_gid) != (
                os.geteuid(), os.getegid()):
            with contextlib.suppress(OSError):
                os.chown(tmp, st.st_uid, st.st_gid)
        os.replace(tmp, real)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):  # make the rename itself durable
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
