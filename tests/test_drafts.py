"""Issue 13: the editor's drafts on disk (borderline.drafts): kept atomically, read back whole, pruned."""

from __future__ import annotations

import os

import pytest

from borderline import drafts
from borderline.ui.editor import AreaDraft, Draft, ZoneDraft


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("BORDERLINE_HOME", str(tmp_path))
    return tmp_path


def full_draft() -> Draft:
    polygon = {"type": "Polygon", "coordinates": [[[36.0, 47.5], [37.5, 47.5], [37.5, 48.5], [36.0, 47.5]]]}
    return Draft(id="x", title="Чернетка ✓", summary="s", baseline="latest", ua_km=12.5, ru_km=3.0,
                 territory=AreaDraft(control="2025-02-12", oblasts=["UA-14"], uploads=[polygon],
                                     cities=[("Zaporizhzhia", 15.0)], expression=""),
                 zones=[ZoneDraft(name="z", type="buffer", shape="band", band_within=["UA-14"],
                                  facts={"entry": "monitors"}, area=AreaDraft(expression="ukraine = true"))])


def test_a_draft_is_read_back_as_it_was_saved(home):
    path = drafts.save("a" * 32, full_draft())
    assert path.parent == home / "drafts" and not list(path.parent.glob("*.part"))
    found = drafts.latest()
    assert found.session == "a" * 32 and found.draft == full_draft()
    assert drafts.latest(exclude="a" * 32) is None


def test_an_unreadable_draft_is_skipped_for_the_next_newest(home):
    drafts.save("a" * 32, full_draft())
    broken = home / "drafts" / ("b" * 32 + ".json")
    broken.write_text('{"format": 1, "draft": {"territory": ', encoding="utf-8")
    os.utime(broken, (2e9, 2e9))  # the newest
    assert drafts.latest().session == "a" * 32


def test_only_the_newest_drafts_are_kept(home, monkeypatch):
    monkeypatch.setattr(drafts, "MAX_DRAFTS", 3)
    for i in range(5):
        path = drafts.save(f"{i}" * 32, Draft(title=str(i)))
        os.utime(path, (1e9 + i, 1e9 + i))
    assert sorted(p.stem[0] for p in (home / "drafts").glob("*.json")) == ["2", "3", "4"]
    assert drafts.latest().draft.title == "4"


def test_a_session_id_cannot_name_a_path(home):
    with pytest.raises(ValueError):
        drafts.save("../../etc/passwd", Draft())
