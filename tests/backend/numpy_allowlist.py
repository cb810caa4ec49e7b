"""Where ember uses NumPy outside ember/backend/, found with ast, and the allowlist file that
names every such use with a reason. `python -m tests.backend.numpy_allowlist --write` rewrites
the list from the tree (keeping the reasons already written); `--check` prints the difference.

A use is the top-level numpy name reached: `np.float32` and `np.linalg.norm` use `float32` and
`linalg`, `from numpy.lib.stride_tricks import as_strided` uses `lib`, and the module itself
handed around (`xp = np`, `return np`) is the name `<module>`.
"""
from __future__ import annotations

import ast
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LIST = os.path.join(os.path.dirname(os.path.abspath(__file__)), "numpy_allowlist.txt")
EXEMPT = "ember/backend/"  # the one package that may use NumPy freely

_DTYPES = {
    "dtype", "dtypes", "bool", "bool_", "int8", "int16", "int32", "int64", "uint8", "uint16",
    "uint32", "uint64", "float16", "float32", "float64", "complex64", "complex128", "intp",
    "uintp", "half", "single", "double", "longdouble", "clongdouble", "longlong", "ulonglong",
    "number", "integer", "signedinteger", "unsignedinteger", "floating", "complexfloating",
    "inexact", "object_", "str_", "bytes_", "void", "iinfo", "finfo", "result_type",
    "promote_types", "can_cast", "issubdtype", "datetime64", "timedelta64", "character",
}
_CATEGORIES = [  # (names, reason): the first that holds a name gives its reason
    (_DTYPES, "dtype objects"),
    ({"ndarray", "generic", "isscalar", "ScalarType"}, "type checks: fast path on host arrays"),
    ({"<module>"}, "the module as a value: the cpu array module"),
    ({"errstate", "seterr", "geterr"}, "floating-point error state"),
    ({"random"}, "host RNG state (NumPy's legacy global generator, as torch seeds it)"),
    ({"save", "load", "savez", "frombuffer", "fromfile", "memmap", "lib", "ctypeslib"},
     "host-only I/O"),
    ({"set_printoptions", "get_printoptions", "printoptions", "array2string",
      "format_float_positional", "format_float_scientific"}, "printing"),
    ({"pi", "e", "inf", "nan", "newaxis", "euler_gamma"}, "constants"),
]
_HOST_FILES = [  # (path prefix, reason) for modules whose arrays live on the host by design
    (("ember/_sampling.py", "ember/_mt19937.py", "ember/_libm.py", "ember/random.py",
      "ember/_tensor_methods/random.py"),
     "host RNG: torch's CPU generator streams, computed bit for bit on the host"),
    (("ember/utils/data/", "ember/utils/tensorboard/", "ember/serialization.py",
      "ember/_checkpoint_zip.py", "ember/utils/safetensors.py", "ember/tools/",
      "ember/__main__.py"), "host-only I/O"),
    (("ember/_printing.py",), "printing"),
]
_DEFAULT = "array math on tensor data: to move behind ember.backend"


def reason(path: str, name: str) -> str:
    """The reason category a new entry gets when the list is regenerated."""
    for names, why in _CATEGORIES:
        if name in names:
            return why
    for prefixes, why in _HOST_FILES:
        if path.startswith(prefixes):
            return why
    return _DEFAULT


def _uses_in(tree: ast.AST) -> set:
    """The top-level numpy names one module's code reaches."""
    aliases = set()  # local names bound to the numpy module
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name == "numpy" or a.name.startswith("numpy."):
                    if a.name != "numpy":  # import numpy.fft [as f]: fft is used
                        found.add(a.name.split(".")[1])
                    if a.asname is None:
                        aliases.add("numpy")
                    elif a.name == "numpy":
                        aliases.add(a.asname)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module and (
                node.module == "numpy" or node.module.startswith("numpy.")):
            parts = node.module.split(".")
            if len(parts) > 1:
                found.add(parts[1])
            else:
                found.update(a.name for a in node.names)
    attribute_bases = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
                and node.value.id in aliases:
            found.add(node.attr)
            attribute_bases.add(id(node.value))
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id in aliases and id(node) not in attribute_bases \
                and isinstance(node.ctx, ast.Load):
            found.add("<module>")
    return found


def scan(root: str = ROOT) -> set:
    """{(path, name)} for every numpy use in ember/**/*.py outside ember/backend/."""
    uses = set()
    for folder, dirs, files in os.walk(os.path.join(root, "ember")):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for fname in sorted(files):
            if not fname.endswith(".py"):
                continue
            path = os.path.relpath(os.path.join(folder, fname), root).replace(os.sep, "/")
            if path.startswith(EXEMPT):
                continue
            with open(os.path.join(folder, fname), encoding="utf-8") as f:
                tree = ast.parse(f.read(), filename=path)
            uses.update((path, name) for name in _uses_in(tree))
    return uses


def read(path: str = LIST) -> dict:
    """{(path, name): reason} from the allowlist file."""
    entries = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            file, name, why = line.split(None, 2)
            entries[(file, name)] = why
    return entries


def write(uses: set, old: dict, path: str = LIST) -> None:
    """Rewrite the allowlist for `uses`, keeping each surviving entry's reason."""
    lines = [
        "# NumPy uses allowed outside ember/backend/: path, numpy name, reason.",
        "# Checked by tests/backend/test_numpy_allowlist.py (new uses and stale entries fail).",
        "# Regenerate: python -m tests.backend.numpy_allowlist --write",
    ]
    width = max((len(p) for p, _ in uses), default=0) + 2
    name_width = max((len(n) for _, n in uses), default=0) + 2
    for file, name in sorted(uses):
        why = old.get((file, name)) or reason(file, name)
        lines.append(f"{file:<{width}}{name:<{name_width}}{why}")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


def main(argv: list) -> int:
    uses = scan()
    old = read() if os.path.exists(LIST) else {}
    if "--write" in argv:
        write(uses, old)
        print(f"{LIST}: {len(uses)} entries in {len({p for p, _ in uses})} files")
        return 0
    new, stale = sorted(uses - old.keys()), sorted(old.keys() - uses)
    for file, name in new:
        print(f"not allowed: {file} {name}")
    for file, name in stale:
        print(f"stale entry: {file} {name}")
    return 1 if new or stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
