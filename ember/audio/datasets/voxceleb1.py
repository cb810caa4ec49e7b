"""torchaudio.datasets.voxceleb1: VoxCeleb1Identification, VoxCeleb1Verification, not implemented in ember yet (the constructor
raises NotImplementedError naming the dataset)."""
from .utils import _not_implemented

VoxCeleb1Identification = _not_implemented("VoxCeleb1Identification", __name__)
VoxCeleb1Verification = _not_implemented("VoxCeleb1Verification", __name__)
