"""The workbench's scenarios: the bundled ones and those uploaded or saved, loaded once each.

Saved scenarios are YAML files in one folder, named by a slug, so no user text ever becomes a
path. Uploads are read by the library's own readers (YAML with ``safe_load``, CSV, XLSX), from a
temporary file named like the upload, and checked against the workbench's size limits.
"""

from __future__ import annotations

import re
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from winset.errors import InputError, Problem
from winset.files import write_atomic
from winset.scenario.load import build_scenario, bundled_names, load_scenario
from winset.scenario.schema import Scenario

__all__ = ["Entry", "Library", "scenario_yaml", "scenario_xlsx", "slug"]

_SLUG = re.compile(r"^[a-z0-9][a-z0-9._-]{0,79}$")
SUFFIXES = {".yaml", ".yml", ".csv", ".tsv", ".txt", ".xlsx", ".xlsm"}
_TYPES = {
    "text/csv": ".csv",
    "application/csv": ".csv",
    "text/tab-separated-values": ".tsv",
    "application/yaml": ".yaml",
    "application/x-yaml": ".yaml",
    "text/yaml": ".yaml",
    "text/x-yaml": ".yaml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
}


def slug(text: str) -> str:
    """A safe scenario name: lower case letters, digits, dots, dashes (``scenario`` if none)."""
    out = re.sub(r"[^a-z0-9._-]+", "-", text.strip().lower()).strip("-._")
    return out[:80] or "scenario"


def scenario_yaml(scenario: Scenario) -> str:
    """The scenario as YAML (what ``winset convert`` writes)."""
    from winset.scenario.export import scenario_to_yaml

    return scenario_to_yaml(scenario)


def scenario_xlsx(scenario: Scenario) -> bytes:
    """The scenario as an XLSX workbook (what ``winset convert`` writes)."""
    from winset.scenario.export import scenario_to_xlsx

    return scenario_to_xlsx(scenario)


@dataclass(frozen=True)
class Entry:
    """One scenario of the library, as listed."""

    name: str
    origin: str  # "bundled" or "saved"
    actors: int
    issues: tuple[str, ...]
    description: str
    twolevel: bool

    def to_dict(self) -> dict[str, Any]:
        """The entry as in ``GET /api/v1/scenarios``."""
        return {
            "name": self.name,
            "origin": self.origin,
            "actors": self.actors,
            "issues": list(self.issues),
            "description": self.description,
            "ratification": self.twolevel,
        }


class Library:
    """Bundled and saved scenarios, each loaded once (saved ones again when their file changes)."""

    def __init__(self, folder: Path, max_actors: int, max_issues: int) -> None:
        self.folder = folder
        self.max_actors = max_actors
        self.max_issues = max_issues
        self._bundled = set(bundled_names())
        self._cache: dict[str, tuple[int, Scenario]] = {}
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ reading

    def _path(self, name: str) -> Path:
        return self.folder / f"{name}.yaml"

    def saved_names(self) -> list[str]:
        """Names of the saved scenarios, sorted."""
        if not self.folder.is_dir():
            return []
        return sorted(p.stem for p in self.folder.glob("*.yaml") if _SLUG.match(p.stem))

    def exists(self, name: str) -> bool:
        """Whether a scenario of that name is bundled or saved."""
        return name in self._bundled or (
            _SLUG.match(name) is not None and self._path(name).is_file()
        )

    def origin(self, name: str) -> str:
        """``saved`` or ``bundled``."""
        return "saved" if _SLUG.match(name) and self._path(name).is_file() else "bundled"

    def get(self, name: str) -> Scenario:
        """The scenario called ``name`` (saved ones first); InputError naming the known ones."""
        path = self._path(name) if _SLUG.match(name) else None
        if path is not None and path.is_file():
            stamp = path.stat().st_mtime_ns
            with self._lock:
                hit = self._cache.get(name)
            if hit is not None and hit[0] == stamp:
                return hit[1]
            scenario = load_scenario(path)
            with self._lock:
                self._cache[name] = (stamp, scenario)
            return scenario
        if name in self._bundled:
            with self._lock:
                hit = self._cache.get("\0" + name)
            if hit is None:
                hit = (0, load_scenario(name))
                with self._lock:
                    self._cache["\0" + name] = hit
            return hit[1]
        raise InputError(
            Problem("", "scenario", f"no scenario called {name!r} (see the Scenarios page)")
        )

    def entries(self) -> list[Entry]:
        """Every scenario: the bundled ones, then the saved ones."""
        out = []
        for origin, names in (("bundled", sorted(self._bundled)), ("saved", self.saved_names())):
            for name in names:
                if origin == "bundled" and self._path(name).is_file():
                    continue  # a saved one of the same name is listed instead
                try:
                    s = self.get(name)
                except InputError:
                    continue
                out.append(
                    Entry(
                        name,
                        origin,
                        len(s.actors),
                        s.issue_names(),
                        s.description or "",
                        s.ratification is not None,
                    )
                )
        return out

    # ------------------------------------------------------------------ checks and writing

    def check_size(self, scenario: Scenario, source: str = "") -> None:
        """InputError when the scenario is larger than the workbench takes."""
        problems = []
        if len(scenario.actors) > self.max_actors:
            problems.append(
                Problem(
                    source,
                    "actors",
                    f"{len(scenario.actors):,} actors; the workbench takes at most "
                    f"{self.max_actors:,} (use the command line for larger ones)",
                )
            )
        if len(scenario.issues) > self.max_issues:
            problems.append(
                Problem(
                    source,
                    "issues",
                    f"{len(scenario.issues):,} issues; the workbench takes at most "
                    f"{self.max_issues:,}",
                )
            )
        if problems:
            raise InputError(problems)

    def free_name(self, wanted: str) -> str:
        """``wanted`` as a slug, with ``-2``, ``-3``... if it is taken."""
        base = slug(wanted)
        name, k = base, 1
        while self.exists(name):
            k += 1
            name = f"{base}-{k}"
        return name

    def save(self, scenario: Scenario, name: str) -> str:
        """Save the scenario under ``name`` (a slug; replaces a saved one); returns the name.

        The scenario is renamed to ``name``, so results name it as the library does.
        """
        name = slug(name)
        if name in self._bundled:
            raise InputError(
                Problem("", "name", f"{name!r} is a bundled scenario; choose another name")
            )
        self.check_size(scenario)
        data = scenario.model_dump(mode="json", exclude_none=True)
        data["name"] = name
        renamed = build_scenario(data, name)
        self.folder.mkdir(parents=True, exist_ok=True)
        write_atomic(self._path(name), scenario_yaml(renamed))
        with self._lock:
            self._cache.pop(name, None)
        return name

    def parse_upload(self, content: bytes, filename: str, content_type: str = "") -> Scenario:
        """Read an uploaded file with the library's readers; InputError names the upload.

        The format is taken from the file name's suffix, else from the content type, else
        guessed by the reader (YAML if it starts like a mapping, else a table).
        """
        shown = Path(filename.replace("\\", "/")).name or "upload"
        suffix = Path(shown).suffix.lower()
        if suffix not in SUFFIXES:
            suffix = _TYPES.get(content_type.split(";")[0].strip().lower(), "")
        stem = slug(Path(shown).stem) if Path(shown).stem else "upload"
        if not content.strip():
            raise InputError(Problem(shown, "", "the file is empty"))
        with tempfile.TemporaryDirectory(prefix="winset-upload-") as tmp:
            path = Path(tmp) / f"{stem}{suffix}"
            path.write_bytes(content)
            try:
                scenario = load_scenario(path)
            except InputError as exc:
                raise InputError(
                    [
                        Problem(p.source.replace(str(path), shown), p.field, p.message)
                        for p in exc.problems
                    ]
                ) from None
        self.check_size(scenario, shown)
        return scenario

    def add_upload(
        self, content: bytes, filename: str, content_type: str = ""
    ) -> tuple[str, Scenario]:
        """Read, check and save an upload under a free name derived from it.

        Returns the name it was saved under and the scenario as read.
        """
        scenario = self.parse_upload(content, filename, content_type)
        wanted = scenario.name if scenario.name not in ("table", "upload") else Path(filename).stem
        return self.save(scenario, self.free_name(wanted or "upload")), scenario
