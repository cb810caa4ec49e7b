"""The ONNX graph under construction: value names for tensors, initializers, constants and nodes."""
from __future__ import annotations

import numpy as np

from .._tensor import Tensor
from .errors import UnsupportedOperatorError


class GraphBuilder:
    """Names every tensor once; parameters keep their state_dict names, as torch's exporter does."""

    def __init__(self, onnx, opset: int, param_names: dict[int, str], export_params: bool):
        self.onnx = onnx
        self.helper = onnx.helper
        self.opset = opset
        self.nodes: list = []
        self.initializers: dict[str, object] = {}
        self.names: dict[int, str] = {}
        self.param_names = param_names
        self.export_params = export_params
        self._count: dict[str, int] = {}

    def fresh(self, base: str) -> str:
        """A new unique value or node name built from `base`."""
        n = self._count.get(base, 0)
        self._count[base] = n + 1
        return f"{base}" if n == 0 else f"{base}_{n}"

    def bind(self, tensor: Tensor, name: str) -> str:
        self.names[id(tensor)] = name
        return name

    def name_of(self, value) -> str:
        """The value name of a tensor already in the graph, a parameter, or a new constant."""
        if isinstance(value, Tensor):
            name = self.names.get(id(value))
            if name is not None:
                return name
            pname = self.param_names.get(id(value))
            if pname is not None:
                self.add_initializer(pname, value.detach().numpy())
                return self.bind(value, pname)
            return self.bind(value, self.const(value.detach().numpy(), "const"))
        raise UnsupportedOperatorError(f"cannot name a value of type {type(value).__name__}")

    def add_initializer(self, name: str, array: np.ndarray) -> str:
        if name not in self.initializers:
            self.initializers[name] = self.onnx.numpy_helper.from_array(np.asarray(array), name)
        return name

    def const(self, array, base: str = "const", dtype=None) -> str:
        """An initializer holding `array` (a NumPy value), returned by name."""
        arr = np.asarray(array, dtype=dtype)
        return self.add_initializer(self.fresh(f"/{base}"), arr)

    def scalar_like(self, value, tensor: Tensor) -> str:
        """A 0-d constant of `tensor`'s dtype: the Python-number operand of a binary op."""
        return self.const(np.asarray(value, dtype=tensor.detach().numpy().dtype), "scalar")

    def ints(self, values, base: str = "shape") -> str:
        return self.const(np.asarray(list(values), dtype=np.int64), base)

    def node(self, op_type: str, inputs: list[str], n_outputs: int = 1, *, base=None,
             **attrs) -> list[str]:
        """Append a node; returns its output names."""
        name = self.fresh(f"/{base or op_type}")
        outputs = [f"{name}_output_{i}" for i in range(n_outputs)]
        self.nodes.append(self.helper.make_node(op_type, inputs, outputs, name=name, **attrs))
        return outputs

    def node_into(self, op_type: str, inputs: list[str], output: Tensor, **attrs) -> str:
        """Append a node whose single output is `output` (binds the tensor to it)."""
        (out,) = self.node(op_type, inputs, **attrs)
        return self.bind(output, out)

    def elem_type(self, tensor: Tensor) -> int:
        return self.helper.np_dtype_to_tensor_dtype(tensor.detach().numpy().dtype)
