"""The built-in scenario library and a user's own library on disk.

A user library is a folder of ``<id>.toml`` files. Saves go to a temporary
file in the same folder and are renamed into place, so a crash mid-save
leaves either the old or the new version, never a half-written file.
"""

from __future__ import annotations

import os
from pathlib import Path

from geo.fs import write_atomic
from scenarios.model import SLUG, Scenario, ScenarioError, dumps, load

BUILTIN_DIR = Path(__file__).resolve().parent / "library"


def builtin_ids() -> list[str]:
    """Ids of the built-in scenarios, in the library's order."""
    return [p.stem for p in sorted(BUILTIN_DIR.glob("*.toml"), key=_builtin_order)]


def _builtin_order(path: Path) -> tuple[int, str]:
    order = ["status-quo-2025-02", "status-quo-latest", "donbas-withdrawal", "zaporizhzhia-city-held", "four-oblasts-claim",
             "claim-with-referendum-zone", "trans-dnieper-dmz", "us-28-point-plan-2025-11",
             "us-ukraine-20-point-2025-12"]
    return (order.index(path.stem) if path.stem in order else len(order), path.stem)


def load_builtin(scenario_id: str) -> Scenario:
    """A built-in scenario by id."""
    if scenario_id not in builtin_ids():
        raise ScenarioError(f"no built-in scenario {scenario_id!r}; run `borderline list` for the ids")
    return load(BUILTIN_DIR / f"{scenario_id}.toml")


def default_user_dir() -> Path:
    """The user's library folder: $BORDERLINE_HOME/scenarios, else the XDG data folder."""
    home = os.environ.get("BORDERLINE_HOME")
    if home:
        return Path(home) / "scenarios"
    xdg = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(xdg) / "borderline" / "scenarios"


class UserLibrary:
    """Scenarios saved by a user, one TOML file per id, in ``folder``."""

    def __init__(self, folder: str | Path | None = None):
        self.folder = Path(folder) if folder else default_user_dir()

    def _path(self, scenario_id: str) -> Path:
        if not SLUG.fullmatch(scenario_id or "") or len(scenario_id) > 64:
            raise ScenarioError(f"{scenario_id!r} is not a valid scenario id: use lowercase letters, digits and "
                                "hyphens, at most 64 characters")
        return self.folder / f"{scenario_id}.toml"

    def ids(self) -> list[str]:
        if not self.folder.is_dir():
            return []
        return sorted(p.stem for p in self.folder.glob("*.toml") if SLUG.fullmatch(p.stem))

    def load(self, scenario_id: str) -> Scenario:
        return load(self._path(scenario_id))

    def save(self, scenario: Scenario, overwrite: bool = True) -> Path:
        path = self._path(scenario.id)
        if scenario.id in builtin_ids():
            raise ScenarioError(f"{scenario.id!r} is a built-in scenario id; choose another id")
        if path.exists() and not overwrite:
            raise ScenarioError(f"a scenario {scenario.id!r} already exists in {self.folder}")
        self.folder.mkdir(parents=True, exist_ok=True)
        write_atomic(path, dumps(scenario))
        return path

    def delete(self, scenario_id: str) -> None:
        self._path(scenario_id).unlink(missing_ok=True)

    def rename(self, old_id: str, new_id: str) -> Scenario:
        renamed = self.load(old_id).model_copy(update={"id": new_id})
        self.save(renamed, overwrite=False)
        self.delete(old_id)
        return renamed

    def duplicate(self, old_id: str, new_id: str) -> Scenario:
        copy = self.load(old_id).model_copy(update={"id": new_id})
        self.save(copy, overwrite=False)
        return copy
