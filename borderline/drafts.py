"""The editor's unsaved drafts, kept on disk so a reload or a crash loses no work (no Streamlit here).

Each app session autosaves its draft to ``<user data folder>/drafts/<session>.json``
(``geo.fs.user_data_dir()``; written atomically, so a crash mid-write leaves the
previous version) whenever the form changes. A new session is offered the newest
draft of another session (``latest``) and restores or discards it. A draft saved to
the library is discarded. At most ``MAX_DRAFTS`` are kept, the oldest dropped.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path

from borderline.ui.editor import AreaDraft, Draft, ZoneDraft
from geo.fs import user_data_dir, write_atomic

log = logging.getLogger(__name__)

MAX_DRAFTS = 20
FORMAT = 1
SESSION = re.compile(r"^[a-z0-9]{8,64}$")


def folder() -> Path:
    """Where drafts are kept: drafts/ in the user data folder ($BORDERLINE_HOME, else XDG)."""
    return user_data_dir() / "drafts"


@dataclass(frozen=True)
class SavedDraft:
    """A draft read back from disk: whose session wrote it, when (local time) and what it holds."""

    session: str
    saved_at: dt.datetime
    draft: Draft


def to_json(draft: Draft) -> str:
    """A draft as JSON text (uploaded polygons included, so it restores without the session's uploads)."""
    return json.dumps({"format": FORMAT, "draft": dataclasses.asdict(draft)}, sort_keys=True, ensure_ascii=False)


def _area(data: dict) -> AreaDraft:
    names = {f.name for f in dataclasses.fields(AreaDraft)}
    area = AreaDraft(**{k: v for k, v in data.items() if k in names})
    area.cities = [(str(name), float(radius)) for name, radius in area.cities]
    return area


def from_json(text: str) -> Draft:
    """The draft JSON text holds; ValueError (or KeyError/TypeError) when it is not one."""
    data = json.loads(text)
    if data.get("format") != FORMAT:
        raise ValueError("not a borderline draft of a known format")
    raw = dict(data["draft"])
    names = {f.name for f in dataclasses.fields(Draft)}
    zones = [ZoneDraft(**{**{k: v for k, v in z.items() if k != "area"}, "area": _area(z.get("area") or {})})
             for z in raw.pop("zones", [])]
    territory = _area(raw.pop("territory", {}) or {})
    return Draft(**{k: v for k, v in raw.items() if k in names}, territory=territory, zones=zones)


def _path(session: str) -> Path:
    if not SESSION.fullmatch(session):
        raise ValueError(f"{session!r} is not a session id")
    return folder() / f"{session}.json"


def save(session: str, draft: Draft) -> Path:
    """Keep a session's draft (atomically), and drop the oldest beyond MAX_DRAFTS."""
    path = _path(session)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, to_json(draft))
    for old in _by_age()[MAX_DRAFTS:]:
        old.unlink(missing_ok=True)
    return path


def discard(session: str) -> None:
    """Forget a session's draft (saved to the library, or discarded by the reader)."""
    _path(session).unlink(missing_ok=True)


def _by_age() -> list[Path]:
    """The draft files, newest first."""
    try:
        files = [p for p in folder().glob("*.json") if SESSION.fullmatch(p.stem)]
        return sorted(files, key=lambda p: p.stat().st_mtime, reverse=True)
    except OSError:
        return []


def latest(exclude: str = "") -> SavedDraft | None:
    """The newest readable draft not of the session ``exclude`` (an unreadable file is skipped and logged)."""
    for path in _by_age():
        if path.stem == exclude:
            continue
        try:
            draft = from_json(path.read_text(encoding="utf-8"))
            when = dt.datetime.fromtimestamp(path.stat().st_mtime)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("draft %s cannot be read: %s", path, exc)
            continue
        return SavedDraft(path.stem, when, draft)
    return None
