"""nn.utils.rnn: PackedSequence, pad_sequence, pack_padded_sequence, pad_packed_sequence,
pack_sequence (and unpad/unpack). Packing and padding are one differentiable gather each, with the
gather index built once on the host from the lengths."""
from __future__ import annotations

from collections import namedtuple

import numpy as np

from ... import _dtype
from ...ops import creation as _creation
from ...ops import indexing as _indexing
from ...ops import shape as _shape

__all__ = ["PackedSequence", "invert_permutation", "pack_padded_sequence", "pack_sequence",
           "pad_packed_sequence", "pad_sequence", "unpack_sequence", "unpad_sequence"]

PackedSequence_ = namedtuple("PackedSequence_",
                             ["data", "batch_sizes", "sorted_indices", "unsorted_indices"])
PackedSequence_.__qualname__ = "PackedSequence_"


def _long(arr, device=None):
    return _creation.tensor(np.asarray(arr, dtype=np.int64), device=device)


class PackedSequence(PackedSequence_):
    """Data of variable-length sequences, time step by time step: rows of step t are the first
    batch_sizes[t] sequences (sorted by decreasing length; sorted_indices maps back)."""

    def __new__(cls, data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
        if unsorted_indices is None:
            unsorted_indices = invert_permutation(sorted_indices)
        if batch_sizes is None:  # PackedSequence((data, batch_sizes)), as PyTorch allows
            data, batch_sizes = data[0], data[1]
        if batch_sizes.device.type != "cpu":
            raise ValueError(
                "batch_sizes should always be on CPU. Instances of PackedSequence should never "
                "be created manually. They should be instantiated by functions like "
                "pack_sequence and pack_padded_sequences in nn.utils.rnn. "
                "https://pytorch.org/docs/stable/nn.html#torch.nn.utils.rnn.pack_sequence")
        return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)

    def to(self, *args, **kwargs):
        """Move or cast `data` (indices follow data's device); batch_sizes stays on the CPU."""
        data = self.data.to(*args, **kwargs)
        if data is self.data:
            return self
        dev = data.device
        s = None if self.sorted_indices is None else self.sorted_indices.to(dev)
        u = None if self.unsorted_indices is None else self.unsorted_indices.to(dev)
        return type(self)(data, self.batch_sizes, s, u)

    def cuda(self, *args, **kwargs):
        return self.to("cuda" if not args else args[0], **kwargs)

    def cpu(self, *args, **kwargs):
        return self.to("cpu")

    def double(self):
        return self.to(dtype=_dtype_of("float64"))

    def float(self):
        return self.to(dtype=_dtype_of("float32"))

    def half(self):
        return self.to(dtype=_dtype_of("float16"))

    @property
    def is_cuda(self) -> bool:
        return self.data.is_cuda

    def is_pinned(self) -> bool:
        return False


def _dtype_of(name):
    return getattr(_dtype, name)


def invert_permutation(permutation):
    """The inverse permutation (None stays None)."""
    if permutation is None:
        return None
    perm = np.asarray(permutation.tolist(), dtype=np.int64)
    inv = np.empty_like(perm)
    inv[perm] = np.arange(perm.size, dtype=np.int64)
    return _long(inv, permutation.device)


def _lengths_array(lengths) -> np.ndarray:
    if hasattr(lengths, "tolist"):
        lengths = lengths.tolist()
    return np.asarray(lengths, dtype=np.float64).astype(np.int64).reshape(-1)


def pack_padded_sequence(input, lengths, batch_first=False, enforce_sorted=True):
    """Pack a padded batch (T, B, *) (or (B, T, *) with batch_first) of sequences of `lengths`."""
    lens = _lengths_array(lengths)
    batch = input.shape[0 if batch_first else 1]
    if lens.size != batch:
        raise RuntimeError(f"Expected `len(lengths)` to be equal to batch_size, but got "
                           f"{lens.size} (batch_size={batch})")
    if enforce_sorted:
        if np.any(lens[:-1] < lens[1:]):
            raise RuntimeError(
                "`lengths` array must be sorted in decreasing order when `enforce_sorted` is "
                "True. You can pass `enforce_sorted=False` to pack_padded_sequence and/or "
                "pack_sequence to sidestep this requirement if you do not need ONNX "
                "exportability.")
        order = np.arange(batch)
        sorted_indices = None
    else:
        order = np.argsort(-lens, kind="stable")
        sorted_indices = _long(order, input.device)
    if lens.size and lens.min() <= 0:
        raise RuntimeError("Length of all samples has to be greater than 0, but found an element "
                           "in 'lengths' that is <= 0")
    slens = lens[order]
    steps = int(slens[0]) if slens.size else 0
    batch_sizes = (slens[None, :] > np.arange(steps)[:, None]).sum(1)
    t_idx = np.repeat(np.arange(steps), batch_sizes)
    k_idx = np.concatenate([np.arange(b) for b in batch_sizes]) if steps else t_idx
    cols = order[k_idx]
    n_time = input.shape[1 if batch_first else 0]
    flat_idx = cols * n_time + t_idx if batch_first else t_idx * batch + cols
    flat = _shape.reshape(input, (-1,) + tuple(input.shape[2:]))
    data = _indexing.index_select(flat, 0, _long(flat_idx, input.device))
    return PackedSequence(data, _long(batch_sizes), sorted_indices, None)


def pad_packed_sequence(sequence, batch_first=False, padding_value=0.0, total_length=None):
    """Inverse of pack_padded_sequence: (padded, lengths), batch in the original order."""
    data, batch_sizes, sorted_indices, _ = sequence
    sizes = np.asarray(batch_sizes.tolist(), dtype=np.int64)
    steps = sizes.size
    if total_length is not None:
        if total_length < steps:
            raise ValueError("Expected total_length to be at least the length of the longest "
                             f"sequence in input, but got total_length={total_length} and max "
                             f"sequence length being {steps}")
        steps_out = total_length
    else:
        steps_out = steps
    batch = int(sizes[0]) if steps else 0
    slens = (sizes[None, :] > np.arange(batch)[:, None]).sum(1)  # per sorted position
    order = (np.arange(batch) if sorted_indices is None
             else np.asarray(sorted_indices.tolist(), dtype=np.int64))
    t_idx = np.repeat(np.arange(steps), sizes)
    k_idx = np.concatenate([np.arange(b) for b in sizes]) if steps else t_idx
    cols = order[k_idx]
    pos = cols * steps_out + t_idx if batch_first else t_idx * batch + cols
    n_rows = data.shape[0]
    gather = np.full(steps_out * batch, n_rows, dtype=np.int64)
    gather[pos] = np.arange(n_rows)
    rest = tuple(data.shape[1:])
    pad = _creation.full((1,) + rest, padding_value, dtype=data.dtype, device=data.device)
    ext = _shape.cat([data, pad])
    out = _indexing.index_select(ext, 0, _long(gather, data.device))
    shape = (batch, steps_out) if batch_first else (steps_out, batch)
    out = _shape.reshape(out, shape + rest)
    lengths = np.empty(batch, dtype=np.int64)
    lengths[order] = slens
    return out, _long(lengths)


def pad_sequence(sequences, batch_first=False, padding_value=0.0, padding_side="right"):
    """Stack sequences of shape (L_i, *) into (max L, B, *) (or (B, max L, *)), padded."""
    if padding_side not in ("left", "right"):
        raise RuntimeError(
            f"Expected padding_side to be one of left or right, but got {padding_side}.")
    sequences = list(sequences)
    if not sequences:
        raise RuntimeError("received an empty list of sequences")
    lens = np.asarray([s.shape[0] for s in sequences], dtype=np.int64)
    first = sequences[0]
    rest = tuple(first.shape[1:])
    for s in sequences[1:]:
        if tuple(s.shape[1:]) != rest:
            for d, (a, b) in enumerate(zip(s.shape[1:], rest), 1):
                if a != b:
                    raise RuntimeError(f"The size of tensor a ({b}) must match the size of "
                                       f"tensor b ({a}) at non-singleton dimension {d}")
            raise RuntimeError("pad_sequence: all sequences must have the same number of dims")
    batch, steps = lens.size, int(lens.max())
    n_rows = int(lens.sum())
    starts = np.concatenate([[0], np.cumsum(lens)[:-1]])
    gather = np.full((batch, steps), n_rows, dtype=np.int64)
    for j, (s0, n) in enumerate(zip(starts.tolist(), lens.tolist())):
        lo = 0 if padding_side == "right" else steps - n
        gather[j, lo:lo + n] = np.arange(s0, s0 + n)
    if not batch_first:
        gather = gather.T
    pad = _creation.full((1,) + rest, padding_value, dtype=first.dtype, device=first.device)
    ext = _shape.cat(sequences + [pad])
    out = _indexing.index_select(ext, 0, _long(gather.reshape(-1), first.device))
    return _shape.reshape(out, gather.shape + rest)


def pack_sequence(sequences, enforce_sorted=True):
    """Pack a list of variable-length sequences (L_i, *)."""
    lengths = [s.shape[0] for s in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpad_sequence(padded_sequences, lengths, batch_first=False):
    """Split a padded batch back into a list of its sequences."""
    if not batch_first:
        padded_sequences = _shape.transpose(padded_sequences, 0, 1)
    return [padded_sequences[i, :int(n)] for i, n in enumerate(_lengths_array(lengths))]


def unpack_sequence(packed_sequences):
    """A PackedSequence back to the list of its sequences."""
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)
