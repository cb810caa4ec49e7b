"""Tensor's method surface as mixins, one file per family; each method delegates to an op."""
