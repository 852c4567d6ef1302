"""Bargaining models behind one protocol, found through a registry."""

from winset.models.base import Inputs, Model, ModelInfo, Parameter, RoundArrays, Solution
from winset.models.registry import get_model, model_infos, model_names

__all__ = [
    "Inputs",
    "Model",
    "ModelInfo",
    "Parameter",
    "RoundArrays",
    "Solution",
    "get_model",
    "model_infos",
    "model_names",
]
