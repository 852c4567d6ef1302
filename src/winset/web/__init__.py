"""The web workbench (``winset serve``): pages to build, run, question and brief a scenario.

Server-rendered Jinja2 pages with htmx, Plotly charts and a JSON API under ``/api/v1/``, on one
ASGI app (FastAPI, served by uvicorn). The handlers call the services (:mod:`winset.study`) and
render; nothing here computes what the library does not. Needs the ``web`` extra
(``pip install 'winset[web]'``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from winset.web.app import create_app
    from winset.web.settings import WebSettings

__all__ = ["WebSettings", "create_app"]


def __getattr__(name: str) -> Any:
    """Import the app only when it is asked for (no work at import time)."""
    if name == "create_app":
        from winset.web.app import create_app

        return create_app
    if name == "WebSettings":
        from winset.web.settings import WebSettings

        return WebSettings
    raise AttributeError(name)
