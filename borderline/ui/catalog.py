"""The scenarios the app offers: the built-ins, then the user's own library (no Streamlit here).

Reading the library parses every file, so the app caches ``all_entries`` on
``signature(folder)``: the name, modification time and size of each file. A
save, rename, duplicate or delete (here or by another session or program)
changes the signature, and only then is the folder read again.
"""

from __future__ import annotations

import functools
import logging
import os
from pathlib import Path
from dataclasses import dataclass

from geo.errors import one_line
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
            problems.append(one_line(exc))
            continue
        entries.append(Entry(s.id, s.title, False, dumps(s)))
    return entries, problems


def signature(folder: str | Path) -> tuple[tuple[str, int, int], ...]:
    """(name, mtime in ns, size) of each scenario file in a library folder, sorted; empty if there is none."""
    try:
        with os.scandir(folder) as it:
            found = []
            for item in it:
                if item.name.endswith(".toml") and item.is_file():
                    stat = item.stat()
                    found.append((item.name, stat.st_mtime_ns, stat.st_size))
    except OSError:  # no folder yet, or not readable: reading it reports the problem
        return ()
    return tuple(sorted(found))


def all_entries(library: UserLibrary) -> tuple[list[Entry], list[str]]:
    """Built-ins then the user's scenarios, with the problems of unreadable user files."""
    users, problems = user_entries(library)
    return [*builtin_entries(), *users], problems
