"""The model contract (it lives in :mod:`winset.testing`, so outside models can use it too)."""

from winset.testing import ModelContract

__all__ = ["ModelContract"]
