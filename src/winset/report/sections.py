"""A report section: a title and an HTML fragment made by winset (trusted, escaped inside)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Section"]


@dataclass(frozen=True)
class Section:
    """An extra report section: a title and an HTML fragment (trusted, made by winset)."""

    title: str
    html: str
