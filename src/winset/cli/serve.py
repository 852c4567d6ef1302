"""``winset serve``: the web workbench and the JSON API, in one process."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from winset.cli.common import StoreOption, handles_input_errors
from winset.errors import InputError, Problem

__all__ = ["serve"]


@handles_input_errors
def serve(
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on (loopback unless a token is set).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8000,
    store: StoreOption = None,
    open_browser: Annotated[
        bool, typer.Option("--open", help="Open the workbench in the web browser.")
    ] = False,
    token: Annotated[
        str | None,
        typer.Option(
            "--token",
            envvar="WINSET_TOKEN",
            help="Every request must carry this token (needed to listen beyond this machine).",
        ),
    ] = None,
    max_jobs: Annotated[
        int, typer.Option("--max-jobs", help="Background jobs that run at once.")
    ] = 2,
) -> None:
    """Serve the web workbench and the JSON API (/api/v1/) on this machine."""
    from winset.web.settings import WebSettings, is_loopback

    token = (token or "").strip() or None
    if not is_loopback(host) and token is None:
        typer.echo(
            f"winset serve: refusing to listen on {host} without a token (anyone who can reach "
            "it could use it); set --token or WINSET_TOKEN, or use --host 127.0.0.1",
            err=True,
        )
        raise typer.Exit(2)
    if not 0 <= port <= 65535:
        raise InputError(Problem("", "--port", f"must be between 0 and 65535, not {port}"))
    if not 1 <= max_jobs <= 64:
        raise InputError(Problem("", "--max-jobs", f"must be between 1 and 64, not {max_jobs}"))
    try:
        import uvicorn

        from winset.web.app import create_app
    except ImportError as exc:
        raise InputError(
            Problem("", "serve", f"needs the web extra: pip install 'winset[web]' ({exc.name})")
        ) from None
    settings = WebSettings(
        store=Path(store) if store is not None else None,
        token=token,
        host=host,
        max_jobs=max_jobs,
        allowed_hosts=tuple(h for h in os.environ.get("WINSET_HOSTS", "").split(",") if h),
    )
    app = create_app(settings)
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}/"
    typer.echo(f"winset workbench on {url} (Ctrl-C stops it)", err=True)
    if open_browser:
        import threading
        import webbrowser

        link = url + (f"?token={token}" if token else "")
        threading.Timer(1.0, lambda: webbrowser.open(link)).start()
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level="warning",
        timeout_graceful_shutdown=10,
        server_header=False,
    )
    typer.echo("winset workbench stopped", err=True)
