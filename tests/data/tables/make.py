"""Write the spreadsheet corpus of tests/data/tables (run from the project root).

Every file here is made by this script, so the corpus can be read and regenerated; the test
(tests/scenario/test_tables.py) checks what each one reads to, or the message that refuses it.
The actors and numbers are made up.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from openpyxl import Workbook

HERE = Path(__file__).resolve().parent

BASE = [("Alpha", 40, 20, 80), ("Beta", 25, 70, 50), ("Gamma", 10, 55, 90)]


def text(name: str, body: str, encoding: str = "utf-8", newline: str = "\n") -> None:
    data = body.replace("\n", newline).encode(encoding)
    (HERE / name).write_bytes(data)


def rows(header: str, fmt: str = "{0},{1},{2},{3}", data: list = BASE) -> str:
    return header + "\n" + "\n".join(fmt.format(*r) for r in data) + "\n"


def book(name: str, sheets: dict[str, list[list]], percent: dict[str, str] | None = None) -> None:
    wb = Workbook()
    wb.remove(wb.active)
    for title, grid in sheets.items():
        ws = wb.create_sheet(title)
        for row in grid:
            ws.append(row)
        for ref, fmt in (percent or {}).items():
            sheet, cells = ref.split("!")
            if sheet == title:
                for row in ws[cells]:
                    for cell in row:
                        cell.number_format = fmt
    wb.save(HERE / name)


def main() -> None:
    header = "actor,capability,position,salience"
    text("one_issue.csv", rows(header))
    text("title_rows.csv", "Stakeholder analysis, March\nPrepared by the desk\n\n" + rows(header))
    text("synonyms_stakeholder.csv", rows("Stakeholder,Influence,Stance,Importance"))
    text("synonyms_power.csv", rows("Actor name,Power,Position (0-100),Priority"))
    text("salience_percent_header.csv", rows("Actor,Capability,Position,Salience (%)"))
    text("percent_text.csv", rows(header, "{0},{1},{2},{3}%"))
    text(
        "semicolon_decimal_comma.csv",
        "Akteur;capability;position;salience\n".replace("Akteur", "actor")
        + "Alpha;40,5;20,25;80\nBeta;25;70;50\nGamma;10;55,5;90\n",
    )
    text("thousands.csv", rows(header, '{0},"{1},000",{2},{3}'))
    text("cp1252.csv", rows(header, "{0}é,{1},{2},{3}"), encoding="cp1252")
    text("tab.tsv", rows("actor\tcapability\tposition\tsalience", "{0}\t{1}\t{2}\t{3}"))
    text("mac_line_ends.csv", rows(header), newline="\r")
    text("windows_line_ends.csv", rows(header), newline="\r\n")
    text(
        "long.csv",
        "actor,issue,capability,position,salience\n"
        "Alpha,troops,40,3500,55\nAlpha,immunity,40,100,90\n"
        "Beta,troops,25,0,95\nBeta,immunity,25,0,95\nGamma,troops,10,15000,70\n",
    )
    text(
        "wide.csv",
        "Actor,Capability,Troops Position,Troops Salience,Immunity Position,Immunity Salience\n"
        "Alpha,40,3500,55,100,90\nBeta,25,0,95,0,95\nGamma,10,15000,70,,\n",
    )
    text(
        "ktab_no_title.csv",
        "Actor,Description,Influence,Policy Position,Policy Salience,\n"
        "XJ,Xi Jinping,100.0,30,24.0,\nLK,Li Keqiang,60.2,45,44.7,\nZG,Zhang Gaoli,35.0,30,28.9,\n",
    )
    text(
        "ktab_title.csv",
        "Reform; scen 1,Scenario-0001;Policy reform, 3, 1, \n"
        "Actor,Description,Influence,Policy Position,Policy Salience,\n"
        "XJ,Xi Jinping,100.0,30,24.0,\nLK,Li Keqiang,60.2,45,44.7,\nZG,Zhang Gaoli,35.0,30,28.9,\n",
    )
    text(
        "ranges_one_issue.csv",
        "actor,capability,capability_low,capability_high,position,position_low,position_high,"
        "salience,salience_low,salience_high\n"
        "Alpha,40,30,50,20,10,30,80,70,90\nBeta,25,,,70,60,80,50,,\nGamma,10,,,55,,,90,85,95\n",
    )
    text(
        "ranges_wide.csv",
        "actor,capability,troops position,troops position low,troops position high,"
        "troops salience\n"
        "Alpha,40,3500,3000,5000,55\nBeta,25,0,,,95\nGamma,10,15000,10000,16000,70\n",
    )
    text(
        "sources_column.csv",
        "actor,capability,position,salience,source,basis\n"
        "Alpha,40,20,80,Reuters 2011-10-04,reported\nBeta,25,70,50,Analyst estimate,estimated\n"
        "Gamma,10,55,90,Reuters 2011-10-04,reported\n",
    )
    text("unit_salience.csv", rows(header, "{0},{1},{2},0.{3}"))
    text("years_scale.csv", rows(header, data=[("Alpha", 4, 2, 80), ("Beta", 3, 9, 50),
                                               ("Gamma", 1, 7, 90)]))  # fmt: skip
    text("negative_positions.csv", rows(header, data=[("Alpha", 4, -20, 80), ("Beta", 3, 35, 50),
                                                      ("Gamma", 1, 10, 90)]))  # fmt: skip
    grid = [["actor", "capability", "position", "salience"], *[list(r) for r in BASE]]
    book("second_sheet.xlsx", {"Notes": [["Prepared for the briefing"]], "Data": grid})
    book("sheet_option.xlsx", {"Old": grid[:2], "Data": grid})
    book(
        "issues_sheet.xlsx",
        {
            "actors": [["actor", "capability", "position", "salience"],
                       ["Alpha", 4, 2, 80], ["Beta", 3, 9, 50], ["Gamma", 1, 7, 90]],
            "issues": [["issue", "label", "unit", "min", "max", "status quo"],
                       ["lag", "Years of lag", "years", 0, 10, 5]],
        },
    )  # fmt: skip
    book(
        "percent_cells.xlsx",
        {"Sheet": [["actor", "capability", "position", "salience"], ["Alpha", 40, 20, 0.8],
                   ["Beta", 25, 70, 0.5], ["Gamma", 10, 55, 0.9]]},
        percent={"Sheet!D2:D4": "0%"},
    )  # fmt: skip
    book("title_rows.xlsx", {"Sheet": [["Desk analysis"], [], *grid]})
    book(
        "long.xlsx",
        {"Stakeholders": [["Stakeholder", "Issue", "Influence", "Stance", "Importance"],
                          ["Alpha", "price", 40, 20, 80], ["Alpha", "volume", 40, 60, 30],
                          ["Beta", "price", 25, 70, 50], ["Beta", "volume", 25, 10, 90]]},
    )  # fmt: skip
    frame = pd.DataFrame(BASE, columns=["actor", "capability", "position", "salience"])
    frame.to_excel(HERE / "table.ods", index=False, engine="odf")
    # refused shapes, each with a message that says how to fix the file
    (HERE / "legacy.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)
    text("mixed_salience.csv", rows(header, data=[("Alpha", 40, 20, 0.9), ("Beta", 25, 70, 0.7),
                                                  ("Gamma", 10, 55, 80)]))  # fmt: skip
    text("no_header.csv", "Alpha,40,20,80\nBeta,25,70,50\n")
    text("missing_salience.csv", rows("actor,capability,position", "{0},{1},{2}"))
    text("duplicate_actor.csv", rows(header, data=[*BASE, ("Alpha", 5, 5, 5)]))
    text(
        "capability_conflict.csv",
        "actor,issue,capability,position,salience\nAlpha,a,40,20,80\nAlpha,b,45,30,80\n",
    )
    text("text_number.csv", rows(header, data=[("Alpha", 40, "high", 80), *BASE[1:]]))
    text("decimal_comma_in_comma_file.csv", rows(header, '{0},{1},"{2},5",{3}'))
    text("half_range.csv", "actor,capability,position,position_low,salience\nAlpha,40,20,10,80\n")
    text("salience_over_100.csv", rows(header, data=[("Alpha", 40, 20, 180), *BASE[1:]]))
    book("far_cell.xlsx", {"Sheet": [[None] * 5]})
    wb = Workbook()
    wb.active["XFD1048576"] = 1
    wb.save(HERE / "far_cell.xlsx")


if __name__ == "__main__":
    main()
