"""The model registry: names to model classes, imported only when asked for.

Outside models join with :func:`register_model` (a class, an instance, or a ``"module:Class"``
reference), so a researcher's model works with every command without editing winset.
"""

from __future__ import annotations

from importlib import import_module

from winset.errors import InputError, Problem
from winset.models.base import Model, ModelInfo

__all__ = ["get_model", "model_infos", "model_name", "model_names", "register_model"]

# name -> "module:Class" or a model class. Adding a model is one line here and one module.
_MODELS: dict[str, str | type[Model]] = {
    "compromise": "winset.models.compromise:CompromiseModel",
    "median": "winset.models.median:MedianModel",
    "nash": "winset.models.nash:NashModel",
    "eum": "winset.models.eum:EUMModel",
    "smp": "winset.models.smp:SMPModel",
    "exchange": "winset.models.exchange:ExchangeModel",
}


def model_names() -> tuple[str, ...]:
    """Registered model names, in registry order."""
    return tuple(_MODELS)


def model_name(name: str) -> str:
    """The registered name that ``name`` means; :class:`InputError` for an unknown name.

    Names are matched without regard to case or surrounding spaces.
    """
    if name in _MODELS:
        return name
    wanted = name.strip().lower()
    match = next((k for k in _MODELS if k.lower() == wanted), None)
    if match is None:
        raise InputError(
            Problem("", "model", f"unknown model {name!r} (models: {', '.join(_MODELS)})")
        )
    return match


def _load(target: str | type[Model], name: str) -> type[Model]:
    if not isinstance(target, str):
        return target
    module, _, cls = target.partition(":")
    try:
        loaded = getattr(import_module(module), cls)
    except (ImportError, AttributeError) as exc:
        raise InputError(
            Problem("", "model", f"model {name!r} cannot be loaded from {target!r} ({exc})")
        ) from None
    if not (isinstance(loaded, type) and issubclass(loaded, Model)):
        raise InputError(Problem("", "model", f"{target!r} is not a winset model class"))
    return loaded


def get_model(name: str, threads: int | None = None) -> Model:
    """A new instance of the named model (see :func:`model_name`); InputError if unknown."""
    key = model_name(name)
    return _load(_MODELS[key], key)(threads=threads)


def register_model(model: str | type[Model] | Model, name: str | None = None) -> str:
    """Add a model to the registry and return its name.

    Parameters
    ----------
    model
        A :class:`Model` subclass, an instance of one, or a ``"module:Class"`` reference.
    name
        The registry name; default: the model's ``info.name``.

    Registering the same class under the same name again does nothing; another class under a
    taken name is refused.
    """
    if isinstance(model, Model):
        model = type(model)
    cls = _load(model, name or str(model))
    key = name or cls.info.name
    current = _MODELS.get(key)
    if current is not None and _load(current, key) is not cls:
        raise InputError(Problem("", "model", f"a different model is registered as {key!r}"))
    _MODELS[key] = model
    return key


def model_infos() -> tuple[ModelInfo, ...]:
    """Metadata of every registered model."""
    return tuple(get_model(name).info for name in _MODELS)
