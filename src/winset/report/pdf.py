"""The report as a PDF, for people who circulate PDFs.

Two engines, the first found is used:

* a Chromium or Chrome browser on the machine (Debian: ``apt-get install chromium``; or the
  program named by the ``WINSET_CHROMIUM`` environment variable), run headless to print the
  static report: the same rendering as the HTML;
* WeasyPrint (``pip install 'winset[pdf]'``, which needs the Pango library of the system).

Without either, :func:`write_pdf` refuses with one clear line. The PDF is always made from the
static report (an interactive chart needs a browser to be drawn).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from winset.errors import InputError, Problem

__all__ = ["BROWSERS", "pdf_engine", "write_pdf"]

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
"""Browser programs looked for on the ``PATH``, in this order."""

_TIMEOUT = 180


def _browser() -> str | None:
    named = os.environ.get("WINSET_CHROMIUM")
    if named:
        return shutil.which(named) or (named if Path(named).is_file() else None)
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    return None


def _weasyprint() -> bool:
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):  # OSError: the package is there but Pango is not
        return False
    return True


def pdf_engine() -> str | None:
    """The PDF engine that would be used: a browser's path, ``"weasyprint"``, or None."""
    return _browser() or ("weasyprint" if _weasyprint() else None)


def write_pdf(html_text: str, path: Path) -> str:
    """Print the report's HTML to ``path`` as a PDF; returns the engine used.

    Raises :class:`InputError` (one line) when no engine is available or the engine fails;
    nothing is written then.
    """
    engine = pdf_engine()
    if engine is None:
        raise InputError(
            Problem(
                str(path),
                "",
                "writing a PDF needs Chromium (apt-get install chromium) or WeasyPrint "
                "(pip install 'winset[pdf]'); neither was found",
            )
        )
    path = Path(path)
    with tempfile.TemporaryDirectory(prefix="winset-pdf-") as tmp:
        out = Path(tmp) / "report.pdf"
        if engine == "weasyprint":
            import weasyprint

            weasyprint.HTML(string=html_text, base_url=tmp).write_pdf(out)
        else:
            _chromium(engine, html_text, Path(tmp), out)
        if not out.is_file() or out.stat().st_size == 0:
            raise InputError(Problem(str(path), "", f"{engine} wrote no PDF"))
        from winset.files import write_atomic

        write_atomic(path, out.read_bytes())
    return engine


def _chromium(browser: str, html_text: str, tmp: Path, out: Path) -> None:
    page = tmp / "report.html"
    page.write_text(html_text, encoding="utf-8")
    args = [
        browser,
        "--headless",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--no-pdf-header-footer",
        f"--user-data-dir={tmp / 'profile'}",
        f"--print-to-pdf={out}",
        page.as_uri(),
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.insert(1, "--no-sandbox")  # Chromium refuses to run as root with its sandbox
    try:
        done = subprocess.run(args, capture_output=True, timeout=_TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise InputError(Problem("", "pdf", f"{browser} failed: {exc}")) from None
    if done.returncode != 0:
        last = (done.stderr.decode(errors="replace").strip().splitlines() or ["no message"])[-1]
        raise InputError(Problem("", "pdf", f"{browser} failed ({done.returncode}): {last}"))
