"""torch.hub's cache and downloads: get_dir/set_dir, download_url_to_file, load_state_dict_from_url,
and load() of a local hubconf.py (GitHub repositories are not fetched)."""
from __future__ import annotations

import contextlib
import errno
import hashlib
import importlib.util
import os
import re
import shutil
import sys
import tempfile
import uuid
import warnings
import zipfile
from typing import Any
from urllib.error import URLError
from urllib.parse import urlparse
from urllib.request import Request, urlopen

__all__ = ["download_url_to_file", "get_dir", "help", "list", "load", "load_state_dict_from_url",
           "set_dir"]

ENV_TORCH_HOME = "TORCH_HOME"
ENV_XDG_CACHE_HOME = "XDG_CACHE_HOME"
DEFAULT_CACHE_DIR = "~/.cache"
VAR_DEPENDENCY = "dependencies"
MODULE_HUBCONF = "hubconf.py"
READ_DATA_CHUNK = 128 * 1024
HASH_REGEX = re.compile(r"-([a-f0-9]*)\.")  # resnet18-f37072fd.pth -> f37072fd

_hub_dir: str | None = None


def _get_torch_home() -> str:
    return os.path.expanduser(os.getenv(ENV_TORCH_HOME, os.path.join(
        os.getenv(ENV_XDG_CACHE_HOME, DEFAULT_CACHE_DIR), "torch")))


def get_dir() -> str:
    """The hub cache: set_dir's, else $TORCH_HOME/hub, else $XDG_CACHE_HOME/torch/hub, else
    ~/.cache/torch/hub."""
    if os.getenv("TORCH_HUB"):
        warnings.warn("TORCH_HUB is deprecated, please use env TORCH_HOME instead", stacklevel=2)
    if _hub_dir is not None:
        return _hub_dir
    return os.path.join(_get_torch_home(), "hub")


def set_dir(d: str | os.PathLike) -> None:
    """Use directory `d` as the hub cache from now on."""
    global _hub_dir
    _hub_dir = os.path.expanduser(d)


class _ByteBar:
    """A download progress bar on stderr (torch uses tqdm; ember draws its own)."""

    def __init__(self, total: int | None, disable: bool) -> None:
        self.total, self.n, self.disable = total, 0, disable

    def update(self, n: int) -> None:
        self.n += n
        if self.disable:
            return
        done = f"{self.n / 2**20:.1f}MB"
        if self.total:
            frac = self.n / self.total
            done = f"{frac:4.0%} |{'#' * int(frac * 30):<30}| {done}/{self.total / 2**20:.1f}MB"
        sys.stderr.write(f"\r{done}")

    def close(self) -> None:
        if not self.disable:
            sys.stderr.write("\n")


def _offline_error(url: str, dst: str, reason: object) -> URLError:
    return URLError(f"could not download {url} ({reason}). Without network access, download "
                    f"it elsewhere and place the file at {dst}")


def download_url_to_file(url: str, dst: str, hash_prefix: str | None = None,
                         progress: bool = True) -> None:
    """Download `url` to `dst` through a temporary file renamed into place once complete; with
    `hash_prefix`, the file's sha256 must start with it (RuntimeError otherwise)."""
    dst = os.path.expanduser(dst)
    for _ in range(tempfile.TMP_MAX):
        tmp_dst = dst + "." + uuid.uuid4().hex + ".partial"
        try:
            f = open(tmp_dst, "x+b")  # noqa: SIM115 - closed in the finally below
        except FileExistsError:
            continue
        break
    else:
        raise FileExistsError(errno.EEXIST, "No usable temporary file name found")
    try:
        try:
            u = urlopen(Request(url, headers={"User-Agent": "torch.hub"}))
        except (URLError, OSError) as error:
            raise _offline_error(url, dst, getattr(error, "reason", error)) from error
        with u:
            length = u.info().get_all("Content-Length")
            file_size = int(length[0]) if length else None
            sha256 = hashlib.sha256() if hash_prefix is not None else None
            bar = _ByteBar(file_size, disable=not progress)
            while buffer := u.read(READ_DATA_CHUNK):
                f.write(buffer)
                if sha256 is not None:
                    sha256.update(buffer)
                bar.update(len(buffer))
            bar.close()
        f.close()
        if sha256 is not None:
            digest = sha256.hexdigest()
            if digest[:len(hash_prefix)] != hash_prefix:
                raise RuntimeError(f'invalid hash value (expected "{hash_prefix}", got '
                                   f'"{digest}")')
        shutil.move(f.name, dst)
    finally:
        f.close()
        if os.path.exists(f.name):
            os.remove(f.name)


def _is_legacy_zip_format(filename: str) -> bool:
    if zipfile.is_zipfile(filename):
        with zipfile.ZipFile(filename) as zf:
            infolist = zf.infolist()
        return len(infolist) == 1 and not infolist[0].is_dir()
    return False


def _legacy_zip_load(filename: str, model_dir: str, map_location, weights_only: bool) -> Any:
    from ember.serialization import load

    warnings.warn("Falling back to the old format < 1.6. This support will be deprecated in favor "
                  "of default zipfile format introduced in 1.6. Please redo torch.save() to save "
                  "it in the new zipfile format.", FutureWarning, stacklevel=3)
    with zipfile.ZipFile(filename) as f:
        members = f.infolist()
        if len(members) != 1:
            raise RuntimeError("Only one file(not dir) is allowed in the zipfile")
        target = os.path.realpath(model_dir)
        if not os.path.realpath(os.path.join(model_dir, members[0].filename)).startswith(target):
            raise ValueError(f"{members[0].filename} is outside of {model_dir}")
        f.extractall(model_dir)
        extracted_file = os.path.join(model_dir, members[0].filename)
    return load(extracted_file, map_location=map_location, weights_only=weights_only)


def load_state_dict_from_url(url: str, model_dir: str | None = None, map_location=None,
                             progress: bool = True, check_hash: bool = False,
                             file_name: str | None = None, weights_only: bool = False) -> Any:
    """The object saved at `url`, downloaded once into <get_dir()>/checkpoints (or `model_dir`);
    check_hash compares the sha256 with the file name's '-<hex>.' part."""
    if os.getenv("TORCH_MODEL_ZOO"):
        warnings.warn("TORCH_MODEL_ZOO is deprecated, please use env TORCH_HOME instead",
                      stacklevel=2)
    if model_dir is None:
        model_dir = os.path.join(get_dir(), "checkpoints")
    os.makedirs(model_dir, exist_ok=True)
    filename = file_name if file_name is not None else os.path.basename(urlparse(url).path)
    cached_file = os.path.join(model_dir, filename)
    if not os.path.exists(cached_file):
        sys.stdout.write(f'Downloading: "{url}" to {cached_file}\n')
        hash_prefix = None
        if check_hash:
            r = HASH_REGEX.search(filename)
            hash_prefix = r.group(1) if r else None
        download_url_to_file(url, cached_file, hash_prefix, progress=progress)
    if _is_legacy_zip_format(cached_file):
        return _legacy_zip_load(cached_file, model_dir, map_location, weights_only)
    from ember.serialization import load

    return load(cached_file, map_location=map_location, weights_only=weights_only)


# ---- hubconf entry points ----------------------------------------------------------------------


@contextlib.contextmanager
def _add_to_sys_path(path: str):
    sys.path.insert(0, path)
    try:
        yield
    finally:
        sys.path.remove(path)


def _import_hubconf(hubconf_dir: str):
    path = os.path.join(hubconf_dir, MODULE_HUBCONF)
    spec = importlib.util.spec_from_file_location(MODULE_HUBCONF, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _load_entry_from_hubconf(m, model: str):
    if not isinstance(model, str):
        raise ValueError("Invalid input: model should be a string of function name")  # noqa: TRY004
    dependencies = getattr(m, VAR_DEPENDENCY, None)
    if dependencies is not None:
        missing = [pkg for pkg in dependencies if importlib.util.find_spec(pkg) is None]
        if missing:
            raise RuntimeError(f"Missing dependencies: {', '.join(missing)}")
    func = getattr(m, model, None)
    if func is None or not callable(func):
        raise RuntimeError(f"Cannot find callable {model} in hubconf")
    return func


def _no_github(what: str, repo: str) -> NotImplementedError:
    return NotImplementedError(
        f"ember.hub.{what} does not fetch GitHub repositories ({repo!r}): clone it and call "
        f"ember.hub.load('<the clone>', model, source='local')")


def list(github: str, force_reload: bool = False, skip_validation: bool = False,
         trust_repo: bool | str | None = "check", verbose: bool = True) -> list:
    """Entry points of a GitHub repository's hubconf.py (not fetched by ember: raises)."""
    raise _no_github("list", github)


def help(github: str, model: str, force_reload: bool = False,
         skip_validation: bool = False, trust_repo: bool | str | None = "check") -> str:
    """Docstring of a GitHub repository's entry point (not fetched by ember: raises)."""
    raise _no_github("help", github)


def load(repo_or_dir: str, model: str, *args: Any, source: str = "github",
         trust_repo: bool | str | None = "check", force_reload: bool = False,
         verbose: bool = True, skip_validation: bool = False, **kwargs: Any) -> Any:
    """Call entry point `model` of the hubconf.py in directory `repo_or_dir` (source='local')."""
    source = source.lower()
    if source not in ("github", "local"):
        raise ValueError(f'Unknown source: "{source}". Allowed values: "github" | "local".')
    if source == "github":
        raise _no_github("load", repo_or_dir)
    with _add_to_sys_path(repo_or_dir):
        entry = _load_entry_from_hubconf(_import_hubconf(repo_or_dir), model)
        return entry(*args, **kwargs)
