"""The model registry: names to model classes, imported only when asked for."""

from __future__ import annotations

from importlib import import_module

from winset.errors import InputError, Problem
from winset.models.base import Model, ModelInfo

__all__ = ["get_model", "model_infos", "model_names"]

# name -> "module:Class". Adding a model is one line here and one module in models/.
_MODELS: dict[str, str] = {
    "compromise": "winset.models.compromise:CompromiseModel",
    "median": "winset.models.median:MedianModel",
    "nash": "winset.models.nash:NashModel",
    "eum": "winset.models.eum:EUMModel",
}


def model_names() -> tuple[str, ...]:
    """Registered model names, in registry order."""
    return tuple(_MODELS)


def get_model(name: str) -> Model:
    """An instance of the named model; :class:`InputError` for an unknown name."""
    target = _MODELS.get(name)
    if target is None:
        raise InputError(
            Problem("", "model", f"unknown model {name!r} (models: {', '.join(_MODELS)})")
        )
    module, cls = target.split(":")
    model: Model = getattr(import_module(module), cls)()
    return model


def model_infos() -> tuple[ModelInfo, ...]:
    """Metadata of every registered model."""
    return tuple(get_model(name).info for name in _MODELS)
