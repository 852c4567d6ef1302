"""A report section: a title, an HTML fragment made by winset (escaped inside) and its anchor."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Section"]


@dataclass(frozen=True)
class Section:
    """A report section: its title, its HTML (trusted, made by winset), its id in the page."""

    title: str
    html: str
    anchor: str = ""
