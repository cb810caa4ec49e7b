"""The weights_only unpickler: ember's own opcode loop over a pickle stream (protocols 0-5).

Its safety does not rest on the stdlib's internals: every opcode it accepts is listed in
`_DISPATCH` (EXT1/2/4 and out-of-band buffers are refused, as torch refuses them), globals come
only from the caller's `find_class` allowlist, and the allowlisted builtins are called only with
arguments checked first (no tensors to iterate, no sizes to allocate). Resources are bounded:
hashable nesting depth, the expanded size of a tuple and the total cost of hashing keys, the memo,
and the byte length of LONG4 integers. Error messages describe objects by type, never by `repr`.
"""
from __future__ import annotations

import _compat_pickle
import codecs
import collections
import pickle
import struct

from ._tensor import Tensor

UnpicklingError = pickle.UnpicklingError

MAX_DEPTH = 1000  # nesting of tuples (hashing and comparing them recurses)
MAX_TUPLE_NODES = 1_000_000  # elements of a tuple with its shared sub-tuples expanded
MAX_HASH_COST = 4_000_000  # tuple elements and big-int words hashed as keys, in all
MAX_COLLISIONS = 1000  # keys whose hash equals an unequal earlier key's
MAX_MEMO = 1 << 24
MAX_LONG_BYTES = 4096  # LONG4 integers (torch refuses LONG4 altogether)


def describe(obj) -> str:
    """A short, bounded description of an untrusted object for an error message (never repr)."""
    kind = type(obj).__name__[:40]
    if isinstance(obj, (str, bytes)):
        text = repr(obj[:40])
        return f"{kind} {text}{'...' if len(obj) > 40 else ''}"
    if type(obj) is int:
        return repr(obj) if obj.bit_length() <= 64 else f"int of {obj.bit_length()} bits"
    if isinstance(obj, (float, bool)) or obj is None:
        return repr(obj)
    return kind


def refused(what: str) -> UnpicklingError:
    return UnpicklingError(f"Weights only load failed: {what} is not allowed")


def forbidden(module: str, name: str) -> UnpicklingError:
    module, name = module[:200], name[:200]
    hint = (" (a torch type ember does not support)" if module.split(".")[0] == "torch"
            else "")
    return UnpicklingError(
        f"Weights only load failed: unsupported global: GLOBAL {module}.{name} is not an allowed "
        f"global{hint}. If you trust this file, allow it with ember.serialization."
        f"add_safe_globals([{name}]) or load with weights_only=False (which can run arbitrary "
        "code).")


class StorageType:
    """What `torch.FloatStorage` (etc.) unpickles to: just the element dtype; not callable."""

    __slots__ = ("dtype",)

    def __init__(self, dtype) -> None:
        self.dtype = dtype


# ---- the allowlisted builtins, each with a check of its arguments --------------------------------

_ITERABLES = (list, tuple, set, frozenset, dict, collections.OrderedDict, collections.Counter,
              str, bytes)


def _iterable(args, what: str, pairs: bool = False):
    if len(args) > 1:
        raise refused(f"{what} with {len(args)} arguments")
    if not args:
        return ()
    arg = args[0]
    if type(arg) not in _ITERABLES:  # a tensor (or anything else) would be iterated: refuse
        raise refused(f"{what}({describe(arg)})")
    if pairs and not isinstance(arg, dict):
        if type(arg) not in (list, tuple) or any(type(p) is not tuple or len(p) != 2
                                                 for p in arg):
            raise refused(f"{what} of anything but (key, value) pairs")
        return [p[0] for p in arg]
    return arg


def _bytearray(data=b"", encoding="latin-1"):
    """bytearray as pickle rebuilds it; never bytearray(n), which would allocate n bytes."""
    if isinstance(data, str) and encoding in ("latin1", "latin-1"):
        return bytearray(data, encoding)
    if type(data) in (list, tuple) and all(type(b) is int for b in data):
        return bytearray(data)
    if not isinstance(data, (bytes, bytearray)):
        raise refused(f"bytearray({describe(data)})")
    return bytearray(data)


def _encode(obj, encoding="utf-8"):
    """_codecs.encode as pickle uses it for bytes (latin1 only: no arbitrary codecs)."""
    if encoding not in ("latin1", "latin-1") or not isinstance(obj, str):
        raise refused(f"_codecs.encode with {describe(encoding)}")
    return codecs.encode(obj, encoding)


def _scalar_args(args, what: str, n: int) -> None:
    if len(args) > n or any(type(a) not in (int, float, complex, str, bool) for a in args):
        raise refused(f"{what}({', '.join(describe(a) for a in args[:3])})")
    if any(type(a) is str and len(a) > 1000 for a in args):
        raise refused(f"{what} of a string longer than 1000 characters")


SAFE_BUILTINS = {
    ("collections", "OrderedDict"): collections.OrderedDict,
    ("collections", "Counter"): collections.Counter,
    ("_codecs", "encode"): _encode,
}
for _mod in ("builtins", "__builtin__"):
    SAFE_BUILTINS.update({(_mod, "set"): set, (_mod, "frozenset"): frozenset,
                          (_mod, "bytearray"): _bytearray, (_mod, "complex"): complex})
BUILD_OK = (collections.OrderedDict, collections.Counter)  # BUILD sets their __dict__ only


class Unpickler:
    """Loads one pickle from `data` at `pos`; see the module docstring for the rules.

    find_class(module, name) -> object or raises; persistent_load(pid) -> object;
    guards: {id(callable): (callable, check)} for allowlisted callables, where check(args)
    raises for hostile arguments and returns the keys the call will hash (or None);
    user_types: the user's add_safe_globals objects (may be called, built and extended).
    """

    def __init__(self, data: bytes, find_class, persistent_load, guards: dict, user_types,
                 pos: int = 0) -> None:
        self.data, self.pos = bytes(data), pos
        self.find_class, self.persistent_load = find_class, persistent_load
        self.guards = guards
        self.user_types = tuple(user_types)
        self.memo: dict = {}
        self.proto = 0
        self.tuples: dict = {}  # id(tuple) -> (tuple, expanded nodes, depth)
        self.hash_cost = 0
        self.first_of_hash: dict = {}  # hash -> the first key seen with it
        self.collisions = 0

    def read(self, n: int) -> bytes:
        pos = self.pos
        end = pos + n
        if end > len(self.data):
            raise EOFError("the pickle data was truncated")
        self.pos = end
        return self.data[pos:end]

    def readline(self) -> bytes:
        end = self.data.find(b"\n", self.pos)
        if end < 0:
            raise EOFError("the pickle data was truncated")
        line = self.data[self.pos:end + 1]
        self.pos = end + 1
        return line

    def unpack(self, fmt: struct.Struct):
        pos = self.pos
        if pos + fmt.size > len(self.data):
            raise EOFError("the pickle data was truncated")
        self.pos = pos + fmt.size
        return fmt.unpack_from(self.data, pos)[0]

    def load(self):
        """The object of the pickle starting at self.pos; self.pos ends just after its STOP."""
        self.stack: list = []
        self.metastack: list = []
        data, dispatch = self.data, _DISPATCH
        while True:
            pos = self.pos
            if pos >= len(data):
                raise EOFError("the pickle data was truncated")
            op = data[pos]
            self.pos = pos + 1
            handler = dispatch.get(op)
            if handler is None:
                raise UnpicklingError(f"Weights only load failed: unsupported opcode "
                                      f"{op} ({_OPNAME.get(op, 'unknown')})")
            if handler is _stop:  # marks left open are ignored, as pickle and torch do
                return self.pop()
            handler(self)

    # ---- stack helpers ----

    def pop(self):
        if not self.stack:
            raise UnpicklingError("pickle stack underflow")
        return self.stack.pop()

    def top(self):
        if not self.stack:
            raise UnpicklingError("pickle stack underflow")
        return self.stack[-1]

    def pop_mark(self) -> list:
        if not self.metastack:
            raise UnpicklingError("could not find MARK")
        items = self.stack
        self.stack = self.metastack.pop()
        return items

    def push(self, obj) -> None:
        self.stack.append(obj)

    def make_tuple(self, items) -> tuple:
        """A tuple, with its nesting depth and expanded size bounded."""
        t = tuple(items)
        nodes, depth = 1 + len(t), 1
        for item in t:
            if isinstance(item, tuple):  # tuples and ember.Size
                entry = self.tuples.get(id(item))
                sub_nodes, sub_depth = (entry[1], entry[2]) if entry else (len(item) + 1, 1)
                nodes += sub_nodes
                depth = max(depth, sub_depth + 1)
        if depth > MAX_DEPTH:
            raise UnpicklingError(f"Weights only load failed: tuples nested deeper than "
                                  f"{MAX_DEPTH} levels")
        if nodes > MAX_TUPLE_NODES:
            raise UnpicklingError(f"Weights only load failed: a tuple that expands to more than "
                                  f"{MAX_TUPLE_NODES} elements through shared sub-tuples")
        if depth > 1:
            self.tuples[id(t)] = (t, nodes, depth)
        return t

    def charge(self, keys) -> None:
        """Account for hashing `keys`: tuples hash element by element every time, and keys with
        equal hashes but unequal values (a hash flood) make every dict insertion a linear probe."""
        cost = 0
        first_of = self.first_of_hash
        for k in keys:
            kind = type(k)
            if isinstance(k, tuple):
                entry = self.tuples.get(id(k))
                cost += entry[1] if entry else len(k)
            elif kind is int:
                cost += k.bit_length() >> 6
            elif kind not in _PLAIN_KEYS:
                continue
            first = first_of.setdefault(hash(k), k)
            if first is not k and _differ(first, k):
                self.collisions += 1
        self.hash_cost += cost
        if self.hash_cost > MAX_HASH_COST or self.collisions > MAX_COLLISIONS:
            raise UnpicklingError("Weights only load failed: hashing the keys of this pickle "
                                  "costs too much (shared tuples, huge integers or colliding "
                                  "hashes)")

    def is_user_type(self, obj) -> bool:
        return any(obj is u for u in self.user_types)

    def call(self, func, args, what: str):
        """func(*args) for an allowlisted callable, after checking its arguments."""
        if type(args) is not tuple:
            raise refused(f"{what} with arguments of type {describe(args)}")
        guard = self.guards.get(id(func))
        if guard is not None and guard[0] is func:
            keys = guard[1](args)
            if keys:
                self.charge(keys)
            return func(*args)
        if self.is_user_type(func):
            return func(*args)
        raise refused(f"{what} of {describe(func)}")

    def check_class(self, cls, what: str) -> None:
        if not (any(cls is k for k in (*BUILD_OK, set, frozenset, complex))
                or (isinstance(cls, type) and self.is_user_type(cls))):
            raise refused(f"{what} of {describe(cls)}")

    def store(self, index: int) -> None:
        if index < 0:
            raise UnpicklingError("negative memo index")
        if len(self.memo) >= MAX_MEMO and index not in self.memo:
            raise UnpicklingError(f"Weights only load failed: more than {MAX_MEMO} memo entries")
        self.memo[index] = self.top()

    def fetch(self, index: int) -> None:
        try:
            self.push(self.memo[index])
        except KeyError:
            raise UnpicklingError(f"memo value not found at index {index}") from None

    def target(self, kinds: tuple, what: str):
        obj = self.top()
        if type(obj) not in kinds and not self.is_user_type(type(obj)):
            raise UnpicklingError(f"Weights only load failed: can only {what} to "
                                  f"{' or '.join(k.__name__ for k in kinds)}, not to "
                                  f"{describe(obj)}")
        return obj


_DICTS = (dict, collections.OrderedDict, collections.Counter)
_PLAIN_KEYS = (int, float, complex, str, bytes, bool, frozenset)


def _differ(a, b) -> bool:
    try:
        return bool(a != b)
    except Exception:  # noqa: BLE001 - an element that cannot compare (a tensor in a tuple)
        return True


# ---- opcode handlers ----------------------------------------------------------------------------


def _stop(u):  # handled in the loop
    raise AssertionError


def _proto(u):
    u.proto = u.read(1)[0]  # any number, as torch (which only warns)


def _frame(u):
    n = u.unpack(_Q)
    if n > len(u.data) - u.pos:  # a truncated frame: refused before anything is read from it
        raise UnpicklingError("Weights only load failed: a FRAME runs past the end of the pickle")


def _decimal(text: bytes) -> int:
    """int() of a text opcode's argument, at most 4300 digits (int() is quadratic in them)."""
    if len(text) > 4310:
        raise UnpicklingError("Weights only load failed: an integer of more than 4300 digits")
    return int(text, 0)


def _int(u):
    data = u.readline()
    if data == b"00\n":
        u.push(False)
    elif data == b"01\n":
        u.push(True)
    else:
        u.push(_decimal(data))


def _long(u):
    val = u.readline()[:-1]
    if val and val[-1:] == b"L":
        val = val[:-1]
    u.push(_decimal(val))


def _long_n(size_fmt: struct.Struct):
    def handler(u):
        n = u.unpack(size_fmt)
        if n < 0:
            raise UnpicklingError("LONG pickle has negative byte count")
        if n > MAX_LONG_BYTES:
            raise UnpicklingError(f"Weights only load failed: an integer of {n} bytes")
        u.push(pickle.decode_long(u.read(n)))
    return handler


def _float(u):
    u.push(float(u.readline()[:-1]))


def _string(u):
    data = u.readline()[:-1]
    if len(data) >= 2 and data[0] == data[-1] and data[0] in b"\"'":
        data = data[1:-1]
    else:
        raise UnpicklingError("the STRING opcode argument must be quoted")
    u.push(u.decode_str(codecs.escape_decode(data)[0]))


def _sized(fmt: struct.Struct, make):
    def handler(u):
        n = u.unpack(fmt)
        if n < 0:
            raise UnpicklingError("negative byte count")
        u.push(make(u, u.read(n)))
    return handler


def _decode_str(u, data: bytes):
    return data.decode("utf-8")  # Python 2 str pickles are text (encoding='utf-8', as before)


Unpickler.decode_str = _decode_str


def _unicode_text(u):
    u.push(str(u.readline()[:-1], "raw-unicode-escape"))


def _global(u):
    module = u.readline()[:-1].decode("utf-8")
    name = u.readline()[:-1].decode("utf-8")
    u.push(_find(u, module, name))


def _stack_global(u):
    name, module = u.pop(), u.pop()
    if type(name) is not str or type(module) is not str:
        raise UnpicklingError("STACK_GLOBAL requires str")
    u.push(_find(u, module, name))


def _find(u, module: str, name: str):
    if u.proto < 3:  # Python 2 names, as pickle's fix_imports maps them
        if (module, name) in _compat_pickle.NAME_MAPPING:
            module, name = _compat_pickle.NAME_MAPPING[(module, name)]
        elif module in _compat_pickle.IMPORT_MAPPING:
            module = _compat_pickle.IMPORT_MAPPING[module]
    return u.find_class(module, name)


def _reduce(u):
    args = u.pop()
    func = u.pop()
    u.push(u.call(func, args, "calling"))


def _newobj(u):
    args = u.pop()
    cls = u.pop()
    _new(u, cls, args, {})


def _newobj_ex(u):
    kwargs = u.pop()
    args = u.pop()
    cls = u.pop()
    if type(kwargs) is not dict:
        raise refused(f"NEWOBJ_EX with keyword arguments of type {describe(kwargs)}")
    _new(u, cls, args, kwargs)


def _new(u, cls, args, kwargs):
    u.check_class(cls, "NEWOBJ")
    if type(args) is not tuple:
        raise refused(f"NEWOBJ with arguments of type {describe(args)}")
    if cls is complex:
        _scalar_args(args, "complex", 2)
    u.push(cls.__new__(cls, *args, **kwargs) if u.is_user_type(cls) or cls is complex
           else cls.__new__(cls))


def _inst(u):
    module = u.readline()[:-1].decode("ascii")
    name = u.readline()[:-1].decode("ascii")
    cls = _find(u, module, name)
    _instantiate(u, cls, tuple(u.pop_mark()))


def _obj(u):
    args = u.pop_mark()
    if not args:
        raise UnpicklingError("OBJ without a class")
    _instantiate(u, args[0], tuple(args[1:]))


def _instantiate(u, cls, args):
    u.check_class(cls, "INST/OBJ")
    u.push(u.call(cls, args, "INST/OBJ") if not u.is_user_type(cls) else cls(*args))


def _build(u):
    state = u.pop()
    inst = u.top()
    cls = type(inst)
    if cls in BUILD_OK:
        if type(state) is not dict or not all(type(k) is str for k in state):
            raise refused(f"BUILD on {cls.__name__} with state {describe(state)}")
        inst.__dict__.update(state)
    elif u.is_user_type(cls):
        setstate = getattr(inst, "__setstate__", None)
        if setstate is not None:
            setstate(state)
            return
        slotstate = None
        if type(state) is tuple and len(state) == 2:
            state, slotstate = state
        if state:
            inst.__dict__.update(state)
        if slotstate:
            for k, v in slotstate.items():
                setattr(inst, k, v)
    else:
        raise refused(f"BUILD on {describe(inst)} (add its class with add_safe_globals)")


def _append(u):
    item = u.pop()
    u.target((list,), "APPEND").append(item)


def _appends(u):
    items = u.pop_mark()
    u.target((list,), "APPENDS").extend(items)


def _setitem(u):
    value, key = u.pop(), u.pop()
    target = u.target(_DICTS, "SETITEM")
    u.charge((key,))
    target[key] = value


def _setitems(u):
    items = u.pop_mark()
    target = u.target(_DICTS, "SETITEMS")
    if len(items) % 2:
        raise UnpicklingError("SETITEMS with an odd number of items")
    u.charge(items[::2])
    for i in range(0, len(items), 2):
        target[items[i]] = items[i + 1]


def _additems(u):
    items = u.pop_mark()
    target = u.target((set,), "ADDITEMS")
    u.charge(items)
    target.update(items)


def _frozenset(u):
    items = u.pop_mark()
    u.charge(items)
    u.push(frozenset(items))


def _dict(u):
    items = u.pop_mark()
    if len(items) % 2:
        raise UnpicklingError("DICT with an odd number of items")
    u.charge(items[::2])
    u.push({items[i]: items[i + 1] for i in range(0, len(items), 2)})


def _persid(u):
    u.push(u.persistent_load(u.readline()[:-1].decode("ascii")))


def _binpersid(u):
    u.push(u.persistent_load(u.pop()))


def _pop(u):
    if u.stack:
        u.stack.pop()
    else:
        u.pop_mark()


def _dup(u):
    u.push(u.top())


def _get(u):
    u.fetch(_decimal(u.readline()[:-1]))


def _put(u):
    u.store(_decimal(u.readline()[:-1]))


def _memoize(u):
    u.store(len(u.memo))


def _const(value):
    def handler(u):
        u.push(value() if callable(value) else value)
    return handler


def _fixed(fmt: struct.Struct):
    def handler(u):
        u.stack.append(u.unpack(fmt))
    return handler


def _tuple_n(n: int):
    def handler(u):
        if len(u.stack) < n:
            raise UnpicklingError("pickle stack underflow")
        items = u.stack[len(u.stack) - n:]
        del u.stack[len(u.stack) - n:]
        u.push(u.make_tuple(items))
    return handler


def _mark(u):
    u.metastack.append(u.stack)
    u.stack = []


def _memo_op(fmt: struct.Struct, op):
    def handler(u):
        op(u, u.unpack(fmt))
    return handler


def _bytes(u, data):
    return data


def _bytearray8(u, data):
    return bytearray(data)


def _str_utf8(u, data):
    return str(data, "utf-8", "surrogatepass")


_B, _H, _i4, _I4, _Q, _d = (struct.Struct(f) for f in ("<B", "<H", "<i", "<I", "<Q", ">d"))
_P = pickle
_DISPATCH = {op[0]: handler for op, handler in [
    (_P.STOP, _stop), (_P.PROTO, _proto), (_P.FRAME, _frame),
    (_P.MARK, _mark), (_P.POP, _pop), (_P.POP_MARK, lambda u: u.pop_mark()), (_P.DUP, _dup),
    (_P.NONE, _const(None)), (_P.NEWTRUE, _const(True)), (_P.NEWFALSE, _const(False)),
    (_P.INT, _int), (_P.BININT, _fixed(_i4)), (_P.BININT1, _fixed(_B)),
    (_P.BININT2, _fixed(_H)), (_P.LONG, _long), (_P.LONG1, _long_n(_B)),
    (_P.LONG4, _long_n(_i4)), (_P.FLOAT, _float), (_P.BINFLOAT, _fixed(_d)),
    (_P.STRING, _string), (_P.BINSTRING, _sized(_i4, _decode_str)),
    (_P.SHORT_BINSTRING, _sized(_B, _decode_str)),
    (_P.BINBYTES, _sized(_I4, _bytes)), (_P.SHORT_BINBYTES, _sized(_B, _bytes)),
    (_P.BINBYTES8, _sized(_Q, _bytes)), (_P.BYTEARRAY8, _sized(_Q, _bytearray8)),
    (_P.UNICODE, _unicode_text), (_P.BINUNICODE, _sized(_I4, _str_utf8)),
    (_P.SHORT_BINUNICODE, _sized(_B, _str_utf8)),
    (_P.BINUNICODE8, _sized(_Q, _str_utf8)),
    (_P.EMPTY_TUPLE, _const(())), (_P.TUPLE, lambda u: u.push(u.make_tuple(u.pop_mark()))),
    (_P.TUPLE1, _tuple_n(1)), (_P.TUPLE2, _tuple_n(2)), (_P.TUPLE3, _tuple_n(3)),
    (_P.EMPTY_LIST, _const(list)), (_P.LIST, lambda u: u.push(u.pop_mark())),
    (_P.APPEND, _append), (_P.APPENDS, _appends),
    (_P.EMPTY_DICT, _const(dict)), (_P.DICT, _dict), (_P.SETITEM, _setitem),
    (_P.SETITEMS, _setitems), (_P.EMPTY_SET, _const(set)), (_P.ADDITEMS, _additems),
    (_P.FROZENSET, _frozenset),
    (_P.GET, _get), (_P.BINGET, _memo_op(_B, Unpickler.fetch)),
    (_P.LONG_BINGET, _memo_op(_I4, Unpickler.fetch)), (_P.PUT, _put),
    (_P.BINPUT, _memo_op(_B, Unpickler.store)),
    (_P.LONG_BINPUT, _memo_op(_I4, Unpickler.store)), (_P.MEMOIZE, _memoize),
    (_P.GLOBAL, _global), (_P.STACK_GLOBAL, _stack_global), (_P.REDUCE, _reduce),
    (_P.NEWOBJ, _newobj), (_P.NEWOBJ_EX, _newobj_ex), (_P.INST, _inst), (_P.OBJ, _obj),
    (_P.BUILD, _build), (_P.PERSID, _persid), (_P.BINPERSID, _binpersid),
]}
# Refused: EXT1/EXT2/EXT4 (copyreg's extension registry bypasses any allowlist; torch refuses
# them too) and NEXT_BUFFER/READONLY_BUFFER (out-of-band data that a checkpoint never has).
_OPNAME = {getattr(_P, n)[0]: n for n in ("EXT1", "EXT2", "EXT4", "NEXT_BUFFER",
                                          "READONLY_BUFFER")}


def builtin_guards(size_cls, device_cls, parameter_cls) -> dict:
    """{id(callable): (callable, check)} for the allowlisted builtins and torch constructors."""
    def set_args(args):
        return _iterable(args, "set")

    def counter_args(args):
        arg = _iterable(args, "Counter")
        return list(arg) if isinstance(arg, dict) else arg

    def odict_args(args):
        arg = _iterable(args, "OrderedDict", pairs=True)
        return list(arg) if isinstance(arg, dict) else arg

    def size_args(args):
        if not args:
            return
        if len(args) != 1 or type(args[0]) not in (list, tuple) or not all(
                type(n) in (int, bool) for n in args[0]):
            raise refused("ember.Size of anything but a list of ints")
        if any(not -(1 << 63) <= n < (1 << 63) for n in args[0]):
            raise ValueError("Overflow when unpacking long long")

    def device_args(args):
        if len(args) > 2 or any(type(a) not in (str, int) for a in args) or any(
                type(a) is str and len(a) > 64 or type(a) is int and not 0 <= a < (1 << 31)
                for a in args):
            raise refused(f"device({', '.join(describe(a) for a in args[:3])})")

    def parameter_args(args):
        if not args or len(args) > 2 or not isinstance(args[0], Tensor) or any(
                type(a) not in (bool, int) for a in args[1:]):
            raise refused("Parameter of anything but a tensor and a flag")

    def text_args(args):
        if len(args) > 2 or any(type(a) not in (str, bytes, bytearray, list, tuple) for a in args):
            raise refused(f"bytes/bytearray({', '.join(describe(a) for a in args[:3])})")

    table = [(set, set_args), (frozenset, set_args), (collections.Counter, counter_args),
             (collections.OrderedDict, odict_args),
             (complex, lambda args: _scalar_args(args, "complex", 2)),
             (_bytearray, text_args), (_encode, text_args), (size_cls, size_args),
             (device_cls, device_args), (parameter_cls, parameter_args)]
    return {id(f): (f, check) for f, check in table}
