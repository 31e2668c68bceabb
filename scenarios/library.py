"""The built-in scenario library and a user's own library on disk.

A user library is a folder of ``<id>.toml`` files. Saves go to a temporary
file in the same folder and are renamed into place, so a crash mid-save
leaves either the old or the new version, never a half-written file.

``UserLibrary`` also holds the library's policy for the app: an id already in
the library is replaced only when asked (``add``), and what a TOML upload must
be (``add_toml``: at most ``MAX_TOML_BYTES``, UTF-8, no ``geojson_file``).
"""

from __future__ import annotations

from pathlib import Path

from geo.fs import user_data_dir, write_atomic
from scenarios.model import SLUG, Scenario, ScenarioError, dumps, load, loads

BUILTIN_DIR = Path(__file__).resolve().parent / "library"
MAX_TOML_BYTES = 1_000_000  # a scenario file is a few kB; an upload larger than this is not one


def builtin_ids() -> list[str]:
    """Ids of the built-in scenarios, in the library's order."""
    return [p.stem for p in sorted(BUILTIN_DIR.glob("*.toml"), key=_builtin_order)]


def _builtin_order(path: Path) -> tuple[int, str]:
    # Freezes first, then the tabled proposals by date, then the earlier analysts' ideas and the reference lines.
    order = ["status-quo-2025-02", "status-quo-latest",
             "kellogg-zones-2025-04", "us-framework-2025-04", "russia-memorandum-2025-06", "anchorage-formula-2025-08",
             "european-12-point-2025-10", "us-28-point-plan-2025-11", "e3-counter-proposal-2025-11",
             "us-ukraine-20-point-2025-12", "geneva-round-2026-02", "russia-offer-2026-02",
             "donbas-withdrawal", "zaporizhzhia-city-held", "four-oblasts-claim", "claim-with-referendum-zone",
             "trans-dnieper-dmz", "pre-invasion-line-restored", "line-after-2022-11"]
    return (order.index(path.stem) if path.stem in order else len(order), path.stem)


def load_builtin(scenario_id: str) -> Scenario:
    """A built-in scenario by id."""
    if scenario_id not in builtin_ids():
        raise ScenarioError(f"no built-in scenario {scenario_id!r}; run `borderline list` for the ids")
    return load(BUILTIN_DIR / f"{scenario_id}.toml")


def default_user_dir() -> Path:
    """The user's library folder: scenarios/ in the user data folder ($BORDERLINE_HOME, else XDG)."""
    return user_data_dir() / "scenarios"


class AlreadyInLibrary(ScenarioError):
    """A save would replace a scenario of the same id, and replacing was not asked for."""


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


class UserLibrary:
    """Scenarios saved by a user, one TOML file per id, in ``folder``."""

    def __init__(self, folder: str | Path | None = None):
        self.folder = Path(folder) if folder else default_user_dir()

    def _path(self, scenario_id: str) -> Path:
        if not SLUG.fullmatch(scenario_id or "") or len(scenario_id) > 64:
            raise ScenarioError(f"{scenario_id!r} is not a valid scenario id: use lowercase letters, digits and "
                                "hyphens, at most 64 characters")
        return self.folder / f"{scenario_id}.toml"

    def ensure_folder(self) -> None:
        """Create the library folder if it is missing (OSError if it cannot be)."""
        self.folder.mkdir(parents=True, exist_ok=True)

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
        write_atomic(path, dumps(scenario, style="readable"))
        return path

    def add(self, scenario: Scenario, replace: bool = False) -> Path:
        """Save a scenario a reader made or uploaded; an id already there is replaced only if ``replace``.

        AlreadyInLibrary when the id is taken and ``replace`` is false (the file is left as it was).
        """
        if scenario.id in self.ids() and not replace:
            raise AlreadyInLibrary(f"a scenario {scenario.id!r} is already in your library")
        return self.save(scenario, overwrite=True)

    def add_toml(self, filename: str, data: bytes, replace: bool = False) -> Scenario:
        """Add an uploaded scenario file, or ScenarioError with one line saying why it is refused.

        The file must be at most MAX_TOML_BYTES of UTF-8 TOML describing a valid scenario, and must not
        refer to files on disk (``geojson_file``): in the app, a path would be resolved on the server.
        """
        if len(data) > MAX_TOML_BYTES:
            raise ScenarioError(f"{filename}: larger than {MAX_TOML_BYTES // 1_000_000} MB; a scenario file is a "
                                "few kB")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise ScenarioError(f"{filename}: not UTF-8 text; save the scenario as UTF-8 TOML") from None
        scenario = loads(text, filename)
        refs = file_references(scenario.model_dump(mode="json"))
        if refs:
            raise ScenarioError(f"{filename}: refers to a file on disk ({refs[0][:60]}); in the app, import the "
                                "polygon as an area and use it in the editor instead")
        self.add(scenario, replace)
        return scenario

    def delete(self, scenario_id: str) -> None:
        self._path(scenario_id).unlink(missing_ok=True)

    def rename(self, old_id: str, new_id: str) -> Scenario:
        """Give a scenario a new id (refused if the new id is taken); the old file is removed."""
        renamed = self.load(old_id).model_copy(update={"id": new_id})
        self.save(renamed, overwrite=False)
        self.delete(old_id)
        return renamed

    def duplicate(self, old_id: str, new_id: str) -> Scenario:
        """A copy of a scenario under a new id (refused if the new id is taken)."""
        copy = self.load(old_id).model_copy(update={"id": new_id})
        self.save(copy, overwrite=False)
        return copy
