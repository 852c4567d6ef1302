"""Draw docs/img/architecture.svg: winset's packages by layer, with the imports between them.

Run from the project root: ``python docs/architecture.py`` (needs the dev extra: grimp comes
with import-linter).
"""

from __future__ import annotations

from pathlib import Path

import grimp
from matplotlib.figure import Figure

LAYERS = [
    ["cli", "testing"],
    ["report"],
    ["study"],
    ["backtest"],
    ["twolevel", "analysis"],
    ["draws"],
    ["models"],
    ["scenario"],
    ["store"],
    ["results", "seeds", "files", "numbers"],
    ["errors", "_version"],
]


def main() -> None:
    graph = grimp.build_graph("winset")
    place = {}
    for row, names in enumerate(LAYERS):
        for col, name in enumerate(names):
            place[name] = ((col + 1) / (len(names) + 1), 1 - row / (len(LAYERS) - 1))
    edges = set()
    for a in place:
        for b in place:
            if a != b and graph.direct_import_exists(
                importer=f"winset.{a}", imported=f"winset.{b}", as_packages=True
            ):
                edges.add((a, b))
    fig = Figure(figsize=(7.5, 9))
    ax = fig.subplots()
    for a, b in sorted(edges):
        (x0, y0), (x1, y1) = place[a], place[b]
        ax.annotate(
            "", (x1, y1 + 0.02), (x0, y0 - 0.02),
            arrowprops={"arrowstyle": "->", "color": "#9a9a9a", "lw": 0.7,
                        "connectionstyle": "arc3,rad=0.08"},
        )  # fmt: skip
    for name, (x, y) in place.items():
        ax.text(x, y, name, ha="center", va="center", fontsize=10,
                bbox={"boxstyle": "round,pad=0.35", "fc": "#eaf2fb", "ec": "#0072B2"})  # fmt: skip
    ax.set_xlim(0, 1)
    ax.set_ylim(-0.06, 1.06)
    ax.axis("off")
    ax.set_title("winset: every arrow is an import; each layer imports only layers below it",
                 fontsize=10)  # fmt: skip
    out = Path(__file__).parent / "img" / "architecture.svg"
    fig.savefig(out, format="svg", bbox_inches="tight", metadata={"Date": None})
    print(f"wrote {out} ({len(edges)} imports between packages)")


if __name__ == "__main__":
    main()
