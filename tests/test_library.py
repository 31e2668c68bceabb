"""Issue 9: the library and upload policy the app uses, without a page.

``UserLibrary`` saves with the reader's replace choice and holds the TOML
upload rules; ``UploadStore`` keeps a session's uploaded areas; the catalog's
signature (the cache key of the app's scenario list) changes with the files.
"""

from __future__ import annotations

import json

import pytest
import shapely

from borderline.ui import catalog
from borderline.uploads import MAX_AREAS, AreaInfo, UploadStore
from geo.upload import UploadError
from scenarios.library import MAX_TOML_BYTES, AlreadyInLibrary, UserLibrary, file_references, load_builtin
from scenarios.model import ScenarioError, dumps


def mine(scenario_id: str = "mine", title: str = "Mine"):
    return load_builtin("donbas-withdrawal").model_copy(update={"id": scenario_id, "title": title})


def square(x: float = 36.0) -> dict:
    return shapely.geometry.mapping(shapely.box(x, 47.5, x + 1.5, 48.5))


# ------------------------------------------------------------------------------------------- UserLibrary


def test_add_replaces_an_id_only_when_asked(tmp_path):
    lib = UserLibrary(tmp_path)
    lib.add(mine(title="First"))
    with pytest.raises(AlreadyInLibrary, match="already in your library"):
        lib.add(mine(title="Second"))
    assert lib.load("mine").title == "First", "a refused save changed the file"
    lib.add(mine(title="Second"), replace=True)
    assert lib.load("mine").title == "Second"


def test_add_refuses_a_builtin_id(tmp_path):
    with pytest.raises(ScenarioError, match="built-in"):
        UserLibrary(tmp_path).add(load_builtin("donbas-withdrawal"), replace=True)
    assert not list(tmp_path.glob("*.toml"))


def test_add_toml_accepts_a_scenario_and_keeps_its_content(tmp_path):
    lib = UserLibrary(tmp_path)
    scenario = lib.add_toml("mine.toml", dumps(mine()).encode("utf-8"))
    assert scenario.id == "mine" and lib.ids() == ["mine"]
    assert dumps(lib.load("mine")) == dumps(mine())


@pytest.mark.parametrize("name, data, message", [
    ("big.toml", b"#" * (MAX_TOML_BYTES + 1), "larger than 1 MB"),
    ("latin.toml", 'title = "Zaporizhzhia, Dnipró"'.encode("latin-1"), "not UTF-8"),
    ("bad.toml", b"id = [", "invalid TOML"),
])
def test_add_toml_refuses_files_that_are_not_scenarios_with_one_line(tmp_path, name, data, message):
    lib = UserLibrary(tmp_path)
    with pytest.raises(ScenarioError, match=message) as info:
        lib.add_toml(name, data)
    assert name in str(info.value) and "\n" not in str(info.value).strip()
    assert lib.ids() == []


def test_add_toml_refuses_references_to_files_on_disk(tmp_path):
    sneaky = (b'id = "x"\ntitle = "x"\nsummary = "x"\n[provenance]\nproposed_by = "x"\ndate = "2025"\nsource = "x"\n'
              b'[territory]\ngeojson_file = "/etc/passwd"\n')
    with pytest.raises(ScenarioError, match="refers to a file on disk"):
        UserLibrary(tmp_path).add_toml("sneaky.toml", sneaky)
    assert not list(tmp_path.glob("*.toml"))


def test_add_toml_replaces_only_when_asked(tmp_path):
    lib = UserLibrary(tmp_path)
    lib.add(mine(title="First"))
    data = dumps(mine(title="Uploaded")).encode("utf-8")
    with pytest.raises(AlreadyInLibrary):
        lib.add_toml("mine.toml", data)
    assert lib.add_toml("mine.toml", data, replace=True).title == "Uploaded"
    assert lib.load("mine").title == "Uploaded"


def test_file_references_are_found_at_any_depth():
    node = {"union": [{"admin1": ["UA-14"]}, {"difference": [{"geojson_file": "a.geojson"}, {"x": [{"geojson_file": "b"}]}]}]}
    assert file_references(node) == ["a.geojson", "b"]
    assert file_references(mine().model_dump(mode="json")) == []


def test_rename_duplicate_delete(tmp_path):
    lib = UserLibrary(tmp_path)
    lib.add(mine())
    lib.duplicate("mine", "mine-2")
    lib.rename("mine", "mine-3")
    assert lib.ids() == ["mine-2", "mine-3"]
    with pytest.raises(ScenarioError, match="already exists"):
        lib.rename("mine-2", "mine-3")
    with pytest.raises(ScenarioError, match="not a valid scenario id"):
        lib.duplicate("mine-2", "../x")
    assert lib.ids() == ["mine-2", "mine-3"]
    lib.delete("mine-2")
    assert lib.ids() == ["mine-3"]


def test_ensure_folder_creates_the_library(tmp_path):
    lib = UserLibrary(tmp_path / "a" / "b")
    lib.ensure_folder()
    assert lib.folder.is_dir() and lib.ids() == []


# ------------------------------------------------------------------------------------------- UploadStore


def test_upload_store_keys_dedup_and_limit():
    store = UploadStore()
    assert store == {} and not store
    first = store.add(square(), "Line", AreaInfo("line.geojson", 1.0, "EPSG:4326", 1))
    assert first == "area-1" and store[first].label == "Line [area-1]"
    reordered = json.loads(json.dumps(square(), sort_keys=True))
    assert store.add(reordered, "Same polygon again") == first, "the same polygon was filed twice"
    keys = [store.add(square(50.0 + i), f"Area {i}") for i in range(MAX_AREAS)]
    assert len(store) == MAX_AREAS and first not in store, "the oldest area is dropped beyond the limit"
    assert list(store) == keys


def test_upload_store_never_reuses_a_key():
    store = UploadStore()
    key = store.add(square(), "A")
    store.remove(key)
    store.remove(key)  # removing twice is harmless
    assert store.add(square(), "A again") == "area-2"


def test_upload_store_reads_a_file_and_refuses_a_bad_one():
    store = UploadStore()
    data = json.dumps({"type": "Feature", "properties": {"name": "New line"}, "geometry": square()}).encode()
    key = store.add_file("line.geojson", data)
    area = store[key]
    assert area.label == "New line [area-1]" and area.info.file == "line.geojson"
    assert area.info.km2 > 1000 and area.info.features == 1
    assert store.geojson_by_key() == {key: area.geojson}
    with pytest.raises(UploadError, match="not valid JSON"):
        store.add_file("broken.geojson", b"{not json")
    assert list(store) == [key]


def test_two_stores_share_nothing():
    a, b = UploadStore(), UploadStore()
    a.add(square(), "secret")
    assert b == {} and a != b


# ------------------------------------------------------------------------------------------- the catalog's cache key


def test_catalog_signature_changes_with_the_library_files(tmp_path):
    lib = UserLibrary(tmp_path)
    assert catalog.signature(tmp_path / "missing") == ()
    empty = catalog.signature(tmp_path)
    lib.add(mine())
    saved = catalog.signature(tmp_path)
    assert saved != empty and [name for name, *_ in saved] == ["mine.toml"]
    assert catalog.signature(tmp_path) == saved, "the signature changes with no change to the files"
    lib.add(mine(title="A longer title than before"), replace=True)
    assert catalog.signature(tmp_path) != saved
    lib.rename("mine", "mine-2")
    assert [name for name, *_ in catalog.signature(tmp_path)] == ["mine-2.toml"]
