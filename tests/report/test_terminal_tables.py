"""Terminal tables fit the terminal without cutting a number or an id."""

from __future__ import annotations

import io
import re

from rich.console import Console

from winset.cli.render import fit_table, render
from winset.models.runner import run


def console(width: int) -> tuple[Console, io.StringIO]:
    buf = io.StringIO()
    return Console(file=buf, width=width, force_terminal=False, color_system=None), buf


ROWS = [
    ["US military commanders", "position", "16,000", "10,000–20,000", "5,127–6,184"],
    ["Kurdistan Alliance", "position", "10,000", "5,000–15,000", "5,353–6,170"],
]
HEADERS = ["actor", "input", "value", "moved to", "forecast"]


def test_wide_enough_gives_a_table_with_whole_numbers() -> None:
    con, buf = console(100)
    fit_table(con, "a title that is long " * 3, HEADERS, ROWS, numeric={2, 3, 4})
    text = buf.getvalue()
    assert "a title that is long a title" in text.splitlines()[0]  # the title is not wrapped
    for cell in ("10,000–20,000", "5,127–6,184", "US military commanders"):
        assert cell in text
    assert "…" not in text


def test_too_narrow_switches_to_one_row_at_a_time() -> None:
    con, buf = console(40)
    fit_table(con, None, HEADERS, ROWS, numeric={2, 3, 4})
    text = buf.getvalue()
    assert "moved to  10,000–20,000" in text and "…" not in text
    assert max(len(line) for line in text.splitlines()) <= 40


def test_every_line_of_a_forecast_fits_80_columns() -> None:
    con, buf = console(80)
    render(con, run("china-soe-competitive", "eum"))
    text = buf.getvalue()
    assert max(len(line) for line in text.splitlines()) <= 80
    assert "…" not in text
    assert re.search(r"run [0-9a-f]{12} ", text)
