"""``winset report -o report.pdf``: a PDF whose pages show the report (checked as PNG pages)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from winset.cli import app
from winset.report.pdf import pdf_engine


def test_pdf_pages_show_the_report(tmp_path: Path) -> None:
    if pdf_engine() is None:
        pytest.skip("no PDF engine: apt-get install chromium, or pip install 'winset[pdf]'")
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm is missing: apt-get install poppler-utils")
    out = tmp_path / "report.pdf"
    args = [
        "report",
        "eu-emissions-1994",
        "-m",
        "median",
        "-m",
        "eum",
        "--seed",
        "1",
        "-o",
        str(out),
    ]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.stderr
    assert out.read_bytes().startswith(b"%PDF")
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(out), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) >= 3  # the bottom line, the issue with its pictures, the actors...
    from PIL import Image

    first = Image.open(pages[0]).convert("L")
    dark = int((np.asarray(first) < 128).sum())
    assert dark > 0.002 * first.width * first.height  # text and pictures, not a blank page


def test_pdf_without_an_engine_is_refused_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import winset.report.pdf as pdf

    monkeypatch.setattr(pdf, "pdf_engine", lambda: None)
    out = tmp_path / "r.pdf"
    result = CliRunner().invoke(app, ["report", "eu-emissions-1994", "-o", str(out)])
    assert result.exit_code == 2 and not out.exists()
    assert result.stderr.strip().count("\n") == 0 and "needs Chromium" in result.stderr
