"""The scenarios the app offers: the built-ins, then the user's own library (no Streamlit here)."""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass

from scenarios.library import UserLibrary, builtin_ids, load_builtin
from scenarios.model import Scenario, ScenarioError, dumps, loads

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Entry:
    """One scenario in the list. ``toml`` is its canonical text, the cache key of all derived results."""

    id: str
    title: str
    builtin: bool
    toml: str

    @property
    def label(self) -> str:
        """The text of the scenario picker (plain text: Streamlit shows option labels literally)."""
        return f"{self.title}" if self.builtin else f"{self.title} (yours: {self.id})"

    def scenario(self) -> Scenario:
        return loads(self.toml, f"scenario {self.id}")


@functools.cache
def builtin_entries() -> tuple[Entry, ...]:
    """The built-in scenarios, read once per process."""
    out = []
    for sid in builtin_ids():
        s = load_builtin(sid)
        out.append(Entry(s.id, s.title, True, dumps(s)))
    return tuple(out)


def user_entries(library: UserLibrary) -> tuple[list[Entry], list[str]]:
    """The user's scenarios, and a one-line problem for each file that cannot be read."""
    entries, problems = [], []
    builtin = {e.id for e in builtin_entries()}
    for sid in library.ids():
        if sid in builtin:
            problems.append(f"{sid}.toml: has the id of a built-in scenario and is ignored; rename the file")
            continue
        try:
            s = library.load(sid)
        except (ScenarioError, OSError) as exc:
            log.warning("unreadable scenario %s in %s: %s", sid, library.folder, exc)
            problems.append(str(exc).splitlines()[0])
            continue
        entries.append(Entry(s.id, s.title, False, dumps(s)))
    return entries, problems


def all_entries(library: UserLibrary) -> tuple[list[Entry], list[str]]:
    """Built-ins then the user's scenarios, with the problems of unreadable user files."""
    users, problems = user_entries(library)
    return [*builtin_entries(), *users], problems


def file_references(node) -> list[str]:
    """Every ``geojson_file`` path in a scenario (as a dict from model_dump, or any nested value)."""
    found: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "geojson_file" and isinstance(value, str):
                found.append(value)
            else:
                found += file_references(value)
    elif isinstance(node, list):
        for value in node:
            found += file_references(value)
    return found
