"""The nested containers torch.func maps over (tuple, list, dict, namedtuple): flatten a value to
its leaves and a TreeSpec, and rebuild it; TreeSpec prints like torch.utils._pytree's.
"""
from __future__ import annotations


class TreeSpec:
    """The shape of a nested value: container type, its keys (dict) or class (namedtuple), children.

    A leaf is the spec with kind None (printed `*`).
    """

    __slots__ = ("children", "context", "kind", "num_leaves")

    def __init__(self, kind, context, children: list) -> None:
        self.kind = kind
        self.context = context
        self.children = children
        self.num_leaves = 1 if kind is None else sum(c.num_leaves for c in children)

    def is_leaf(self) -> bool:
        return self.kind is None

    def __eq__(self, other) -> bool:
        return (isinstance(other, TreeSpec) and self.kind == other.kind
                and self.context == other.context and self.children == other.children)

    def __hash__(self) -> int:
        return hash((self.kind, len(self.children)))

    def pprint(self) -> str:
        """torch's treespec_pprint: the value's shape with `*` for leaves, e.g. `(*, [*, *])`."""
        kind = self.kind
        if kind is None:
            return "*"
        parts = [c.pprint() for c in self.children]
        if kind is dict:
            return "{" + ", ".join(f"{k!r}: {v}" for k, v in zip(self.context[1], parts)) + "}"
        if kind == "namedtuple":
            fields = ", ".join(f"{k}={v}" for k, v in zip(self.context._fields, parts))
            return f"{self.context.__name__}({fields})"
        if kind is list:
            return "[" + ", ".join(parts) + "]"
        return "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")"

    def __repr__(self, indent: int = 0) -> str:
        if self.kind is None:
            return "*"
        name = {tuple: "tuple", list: "list", dict: "dict", "namedtuple": "namedtuple"}[self.kind]
        ctx = self.context
        if ctx is None:
            ctx_repr = "None"
        else:
            ctx_repr = repr(list(ctx[1])) if self.kind is dict else repr(ctx)
        parts = [c.__repr__(indent + 2) for c in self.children]
        sep = ",\n" + " " * (indent + 2)
        return f"TreeSpec({name}, {ctx_repr}, [{sep.join(parts)}])"


LEAF = TreeSpec(None, None, [])


def _is_namedtuple(x) -> bool:
    return isinstance(x, tuple) and hasattr(type(x), "_fields")


def tree_flatten(tree) -> tuple[list, TreeSpec]:
    """(leaves in order, spec); dicts keep their insertion order."""
    leaves: list = []
    return leaves, _flatten(tree, leaves)


def _flatten(x, leaves: list) -> TreeSpec:
    cls = type(x)
    if cls is tuple or cls is list:
        return TreeSpec(cls, None, [_flatten(v, leaves) for v in x])
    if isinstance(x, dict):
        return TreeSpec(dict, (cls, tuple(x.keys())), [_flatten(v, leaves) for v in x.values()])
    if _is_namedtuple(x):
        return TreeSpec("namedtuple", cls, [_flatten(v, leaves) for v in x])
    leaves.append(x)
    return LEAF


def tree_unflatten(leaves, spec: TreeSpec):
    """Rebuild the value of `spec` from `leaves` (any iterable, consumed in order)."""
    return _unflatten(iter(leaves), spec)


def _unflatten(it, spec: TreeSpec):
    kind = spec.kind
    if kind is None:
        return next(it)
    values = [_unflatten(it, c) for c in spec.children]
    if kind is dict:
        cls, keys = spec.context
        return cls(zip(keys, values)) if cls is dict else cls(list(zip(keys, values)))
    if kind == "namedtuple":
        return spec.context(*values)
    return kind(values)


def tree_map(fn, tree):
    leaves, spec = tree_flatten(tree)
    return tree_unflatten([fn(x) for x in leaves], spec)


def broadcast_prefix(prefix, tree, spec: TreeSpec | None = None) -> list | None:
    """Leaves of `prefix` repeated over the subtrees of `tree` they cover (torch.func's in_dims and
    out_dims); None when `prefix` is not a prefix of `tree`'s structure."""
    if spec is None:
        spec = tree_flatten(tree)[1]
    out: list = []
    return out if _broadcast(prefix, spec, out) else None


def _broadcast(prefix, spec: TreeSpec, out: list) -> bool:
    pspec = tree_flatten(prefix)[1]
    if pspec.kind is None or spec.kind is None:
        if pspec.kind is not None:
            return False
        out.extend([prefix] * spec.num_leaves)
        return True
    if pspec.kind != spec.kind or len(pspec.children) != len(spec.children):
        return False
    if spec.kind is dict:
        if set(pspec.context[1]) != set(spec.context[1]):
            return False
        return all(_broadcast(prefix[k], c, out) for k, c in zip(spec.context[1], spec.children))
    return all(_broadcast(p, c, out) for p, c in zip(prefix, spec.children))
