"""Hypothesis strategies for scenarios and model inputs (they live in :mod:`winset.testing`)."""

from winset.testing import inputs, scenarios

__all__ = ["inputs", "scenarios"]
