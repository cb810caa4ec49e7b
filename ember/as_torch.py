"""Run PyTorch programs on ember unchanged: `torch`, `torch.X.Y`, `torchvision` and `torchaudio`
imports resolve to ember's modules.

    python -m ember.as_torch script.py ARGS...      # runs script.py as __main__
    import ember.as_torch; ember.as_torch.install() # the same from Python (notebooks, tests)

`install()` puts a finder in front of `sys.meta_path`; each `torch...` name is answered with the
ember module of the same path (`torch.nn.functional` -> `ember.nn.functional`), which keeps its own
identity: `torch.nn is ember.nn`. A name ember does not have fails like any missing module, with a
message that names the ember module it looked for.
"""
from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import os
import runpy
import sys

__all__ = ["install", "main", "uninstall"]

# torch's package names and the ember packages that stand in for them
_ALIASES = {"torch": "ember", "torchvision": "ember.vision", "torchaudio": "ember.audio"}


def _target(fullname: str) -> str | None:
    """The ember module name standing in for `fullname`, or None when it is not a torch name."""
    top, _, rest = fullname.partition(".")
    base = _ALIASES.get(top)
    if base is None:
        return None
    return f"{base}.{rest}" if rest else base


class _AliasLoader(importlib.abc.Loader):
    """Hands back the already-imported ember module instead of creating a new one."""

    def __init__(self, module) -> None:
        self._module = module
        self._own_spec = module.__spec__

    def create_module(self, spec):
        return self._module

    def exec_module(self, module) -> None:
        # the import system has just set module.__spec__ to the torch-named spec: restore ember's
        module.__spec__ = self._own_spec


class _TorchFinder(importlib.abc.MetaPathFinder):
    """Answers `torch...`, `torchvision...` and `torchaudio...` with ember's modules."""

    def find_spec(self, fullname, path=None, target=None):
        name = _target(fullname)
        if name is None:
            return None
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as e:
            if e.name is not None and name.startswith(e.name):  # the ember module itself is absent
                raise ModuleNotFoundError(
                    f"No module named '{fullname}' (ember.as_torch: ember has no '{name}' yet)",
                    name=fullname) from None
            raise
        return importlib.machinery.ModuleSpec(fullname, _AliasLoader(module),
                                              is_package=hasattr(module, "__path__"))


_finder = _TorchFinder()


def install() -> None:
    """Resolve `torch`, `torchvision` and `torchaudio` imports to ember from now on.

    Names already imported from the real packages are dropped from `sys.modules` first, so the
    next `import torch` gets ember (objects made by the real torch stay what they are).
    """
    if _finder not in sys.meta_path:
        sys.meta_path.insert(0, _finder)
    for name in list(sys.modules):
        if _target(name) is not None and not _is_ember(sys.modules[name]):
            del sys.modules[name]


def uninstall() -> None:
    """Undo install(): torch names resolve to the real packages again (if installed)."""
    if _finder in sys.meta_path:
        sys.meta_path.remove(_finder)
    for name in list(sys.modules):
        if _target(name) is not None and _is_ember(sys.modules[name]):
            del sys.modules[name]


def _is_ember(module) -> bool:
    return getattr(module, "__name__", "").partition(".")[0] == "ember"


def main(argv: list[str] | None = None) -> int:
    """`python -m ember.as_torch script.py ARGS`: run script.py as __main__ on ember."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help"):
        print("usage: python -m ember.as_torch script.py [ARGS ...]\n\n"
              "Runs a PyTorch program with torch, torchvision and torchaudio resolved to ember.")
        return 0 if argv else 2
    script = argv[0]
    if not os.path.isfile(script):
        print(f"ember.as_torch: error: no such file: '{script}'", file=sys.stderr)
        return 2
    install()
    sys.argv = argv
    sys.path.insert(0, os.path.dirname(os.path.abspath(script)))
    runpy.run_path(script, run_name="__main__")
    return 0


if __name__ == "__main__":
    sys.exit(main())
