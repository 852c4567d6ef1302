"""Downloads of what a page shows: results as JSON (``to_dict``), CSV or XLSX (``to_frame``).

Text cells that a spreadsheet would read as a formula (starting with ``=``, ``+``, ``-``, ``@``)
get a leading apostrophe, so an actor's name can never run in Excel.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Sequence
from typing import Any

from winset.files import defuse, defused
from winset.numbers import finite
from winset.results import Result

__all__ = ["attachment", "to_csv", "to_json", "to_xlsx"]


def attachment(name: str) -> dict[str, str]:
    """A ``Content-Disposition`` header for a download called ``name`` (made safe)."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-") or "download"
    return {"content-disposition": f'attachment; filename="{safe}"'}


def _frame(result: Result) -> Any:
    return defused(result.to_frame())


def to_json(results: Sequence[Result]) -> str:
    """One result's document, or a list of them."""
    docs = [finite(r.to_dict()) for r in results]
    return json.dumps(docs[0] if len(docs) == 1 else docs, indent=2, allow_nan=False)


def to_csv(results: Sequence[Result]) -> str:
    """The results' tables; several are stacked with a ``run_id`` column first."""
    import pandas as pd

    if len(results) == 1:
        return str(_frame(results[0]).to_csv(index=False))
    parts = []
    for r in results:
        table = _frame(r)
        table.insert(0, "run_id", r.run_id[:12])
        parts.append(table)
    return str(pd.concat(parts, ignore_index=True).to_csv(index=False))


def to_xlsx(results: Sequence[Result], labels: Sequence[str] | None = None) -> bytes:
    """One sheet per result (named by ``labels``), and a sheet of their provenance."""
    import pandas as pd

    buffer = io.BytesIO()
    used: set[str] = set()
    rows = []
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for k, r in enumerate(results):
            label = labels[k] if labels and k < len(labels) else f"{r.provenance.kind} {k + 1}"
            sheet = re.sub(r"[\[\]:*?/\\]", " ", label)[:31].strip() or f"result {k + 1}"
            base, n = sheet, 2
            while sheet.lower() in used:
                sheet = f"{base[:27]} ({n})"
                n += 1
            used.add(sheet.lower())
            _frame(r).to_excel(writer, sheet_name=sheet, index=False)
            prov = r.provenance.to_dict()
            rows.append(
                {
                    "sheet": sheet,
                    "run_id": r.run_id,
                    **{
                        k: defuse(json.dumps(v) if isinstance(v, dict) else v)
                        for k, v in prov.items()
                    },
                }
            )
        pd.DataFrame(rows).to_excel(writer, sheet_name="provenance", index=False)
    return buffer.getvalue()
