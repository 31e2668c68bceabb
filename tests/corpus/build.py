"""The corpus of malformed and hostile inputs, one ``Case`` per input, over every parser of the product.

``all_cases()`` lists them cheaply: every input is made by the case's ``make(folder)`` at run time, in
memory or in the case's own temporary folder (nothing large is committed). The hand-made files are in
``files/<group>/<expect>__<name>.<ext>`` (expect: ok, error or either).

Groups (see harness.GROUPS): scenario TOML (``scenarios.model.load``, and through the engine where an
expression only fails when resolved), control-line files (``geo.build.control.read_control_spec`` /
``build_control``), GeoJSON through ``geo.geojson``, uploads through ``geo.upload.parse_upload``
(GeoJSON, GeoPackage, zipped Shapefile, KML/KMZ which the product does not accept), the app's upload chain
(``parse_upload`` then ``scenario_geojson`` then the editor's scenario) and the command line.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import io
import json
import os
import random
import sqlite3
import stat
import struct
import zipfile
from pathlib import Path

from corpus.harness import REPO, Case

FILES = Path(__file__).resolve().parent / "files"
BUILTIN = REPO / "scenarios" / "library" / "donbas-withdrawal.toml"
CONTROL_FILE = REPO / "data" / "sources" / "control" / "2025-02-12.toml"
NAN, INF = float("nan"), float("inf")
DELETE = object()

# A square in Donetsk and Zaporizhzhia oblasts (lon, lat), the shape most cases start from.
SQUARE = [[35.0, 47.5], [36.5, 47.5], [36.5, 48.5], [35.0, 48.5], [35.0, 47.5]]
BOWTIE = [[35.0, 47.5], [36.5, 48.5], [36.5, 47.5], [35.0, 48.5], [35.0, 47.5]]
FLAT = [[35.0, 47.5], [35.5, 47.75], [36.0, 48.0], [35.5, 47.75], [35.0, 47.5]]  # zero area
# The same square in ETRS89-LAEA metres (EPSG:3035) and in web mercator (EPSG:3857): projected numbers.
SQUARE_3035 = [[6_400_000, 2_800_000], [6_500_000, 2_800_000], [6_500_000, 2_900_000], [6_400_000, 2_900_000],
               [6_400_000, 2_800_000]]
SQUARE_3857 = [[3_896_000, 6_026_000], [4_063_000, 6_026_000], [4_063_000, 6_190_000], [3_896_000, 6_190_000],
               [3_896_000, 6_026_000]]
HOSTILE = "<script>alert(1)</script>"


def polygon(*rings) -> dict:
    return {"type": "Polygon", "coordinates": [list(r) for r in (rings or (SQUARE,))]}


def feature(geometry, **properties) -> dict:
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def collection(*features) -> dict:
    return {"type": "FeatureCollection", "features": list(features)}


def circle(n: int, lon: float = 35.8, lat: float = 48.0, radius_deg: float = 0.5) -> list[list[float]]:
    """A closed ring of ``n`` vertices (plus the closing one)."""
    import numpy as np

    t = np.linspace(0, 2 * np.pi, n, endpoint=False)
    ring = np.c_[lon + radius_deg * np.cos(t), lat + radius_deg * 0.67 * np.sin(t)]
    return np.vstack([ring, ring[:1]]).tolist()


def nested_list(depth: int, leaf=0) -> list:
    node = leaf
    for _ in range(depth):
        node = [node]
    return node


def json_bytes(obj) -> bytes:
    return json.dumps(obj).encode()


def scenario_dict(**top) -> dict:
    """A valid scenario table, with top-level keys replaced."""
    base = {"id": "corpus-case", "title": "Corpus case", "summary": "A scenario from the robustness corpus.",
            "baseline": "2025-02-12",
            "provenance": {"proposed_by": "tests", "date": "2025-12", "source": "tests/corpus"},
            "territory": {"admin1": ["UA-14"]}}
    base.update(top)
    return base


def mutate(base: dict, path: tuple, value) -> dict:
    """A deep copy of ``base`` with the value at ``path`` replaced (or deleted with DELETE)."""
    data = copy.deepcopy(base)
    node = data
    for key in path[:-1]:
        node = node.setdefault(key, {}) if isinstance(node, dict) else node[key]
    if value is DELETE:
        node.pop(path[-1], None)
    else:
        node[path[-1]] = value
    return data


def toml_text(data: dict) -> str:
    import tomli_w

    return tomli_w.dumps(data)


def hand_made(group: str) -> list[tuple[str, Path]]:
    """(expect, path) of the hand-made files of a group."""
    out = []
    for path in sorted((FILES / group).glob("*")):
        expect, _, _ = path.name.partition("__")
        out.append((expect, path))
    return out


def _plain_name(path: Path) -> str:
    return path.name.partition("__")[2]


# ================================================================================================ scenario TOML


def scenario_cases() -> list[Case]:
    cases: list[Case] = []

    def add(cid, content, expect="error", resolve=False, extra=None, check=None, origin="generated", name=None):
        def make(folder, content=content, extra=extra, resolve=resolve, name=name):
            data = content() if callable(content) else content
            if isinstance(data, dict):
                data = toml_text(data)
            if isinstance(data, str):
                data = data.encode("utf-8")
            path = folder / (name or "scenario.toml")
            if data is not None:
                path.write_bytes(data)
            if extra:
                extra(folder)
            return {"path": str(path), "resolve": resolve}

        cases.append(Case(f"scenario/{cid}", "scenario", make, expect, check, origin))

    for expect, path in hand_made("scenario"):
        add(f"file-{_plain_name(path)}", path.read_bytes, expect, origin="hand-made")

    # --- the text of a real scenario, truncated and corrupted: a clear error, or still a valid scenario
    def builtin() -> bytes:
        return BUILTIN.read_bytes()

    for frac in (0.03, 0.15, 0.3, 0.45, 0.6, 0.75, 0.9, 0.99):
        add(f"truncated-at-{int(frac * 100)}pct", lambda f=frac: builtin()[:int(len(builtin()) * f)], "either")
    for seed in range(6):
        def flipped(seed=seed):
            data = bytearray(builtin())
            rng = random.Random(seed)
            for _ in range(4):
                data[rng.randrange(len(data))] = rng.randrange(256)
            return bytes(data)
        add(f"bytes-corrupted-seed{seed}", flipped, "either")
    for seed in range(3):
        add(f"random-bytes-seed{seed}", lambda seed=seed: random.Random(seed).randbytes(2000))

    # --- encodings
    text = toml_text(scenario_dict(title="Запоріжжя, Бахмут"))
    add("encoding-cp1251", lambda: text.encode("cp1251"))
    add("encoding-utf16-le", lambda: text.encode("utf-16-le"))
    add("encoding-utf32", lambda: text.encode("utf-32"))
    add("encoding-utf8-bom", lambda: b"\xef\xbb\xbf" + text.encode(), "either")
    add("encoding-overlong-utf8", lambda: text.encode().replace(b"robustness", b"rob\xc0\xafstness"))
    add("encoding-lone-surrogate", lambda: text.encode().replace(b"robustness", b"rob\xed\xa0\x80stness"))

    # --- TOML syntax
    for cid, bad in [
        ("syntax-open-array", 'id = ['),
        ("syntax-unterminated-multiline", 'title = """never closed\n'),
        ("syntax-invalid-escape", 'title = "\\q"\n'),
        ("syntax-redefined-table", '[provenance]\na = 1\n[provenance]\nb = 2\n'),
        ("syntax-key-without-value", 'title =\n'),
        ("syntax-bare-word", 'territory = ukraine\n'),
        ("syntax-only-comments", '# nothing here\n# at all\n'),
        ("syntax-whitespace-only", ' \t\n\n   \n'),
        ("syntax-control-character", 'title = "a\x07b"\n'),
    ]:
        add(cid, bad)
    add("syntax-arrays-nested-1000-deep", lambda: "x = " + "[" * 1000 + "]" * 1000 + "\n")
    add("syntax-arrays-nested-100000-deep", lambda: "x = " + "[" * 100_000 + "]" * 100_000 + "\n")
    add("syntax-inline-tables-nested-300-deep",
        lambda: toml_text(scenario_dict(territory={"ukraine": True})).replace(
            "[territory]\nukraine = true\n", "") + "territory = " + "{ union = [" * 300 + "{ ukraine = true }"
        + "] }" * 300 + "\n")
    add("huge-integer-width",
        lambda: toml_text(scenario_dict()) + "\n[dmz]\nukrainian_side_km = 99999999999999999999999999999\n")
    add("float-overflow-width", lambda: toml_text(scenario_dict()) + "\n[dmz]\nukrainian_side_km = 1e999\n")

    # --- wrong types and out-of-range values, field by field
    base = scenario_dict()
    field_values = [
        (("id",), [1, "", "../x", "/etc/passwd", "a/b", "..", "CON", "Upper", "a--b", "-a", "a" * 65, "a b",
                   "a\nb", "abc\n", "іd-cyrillic", "x.toml", "a\\b"]),
        (("title",), [5, [], "", "x" * 201, {"a": 1}]),
        (("summary",), ["", "x" * 4001]),
        (("provenance",), ["x", {}]),
        (("provenance", "date"), ["202", dt.date(2025, 1, 1)]),
        (("provenance", "source"), ["x" * 1001]),
        (("baseline",), [20250212, "2025-2-12", dt.date(2025, 2, 12), "2025-02-12\n", "../../2025-02-12"]),
        (("territory",), ["UA-14", [], {}]),
        (("dmz",), [5]),
        (("dmz", "ukrainian_side_km"), [NAN, INF, -INF, -1.0, 200.0001, 1e308, 2**63 - 1]),
        (("dmz", "russian_side_km"), [NAN, -1e-9]),
        (("zones",), ["x", [1], [{}]]),
        (("unexpected_key",), ["x"]),
        (("provenance", "extra"), ["x"]),
    ]
    for path, values in field_values:
        for i, value in enumerate(values):
            add(f"field-{'.'.join(path)}-{i}-{type(value).__name__}", mutate(base, path, value))
    for path in (("id",), ("title",), ("summary",), ("provenance",), ("territory",), ("provenance", "source")):
        add(f"missing-{'.'.join(path)}", mutate(base, path, DELETE))

    # pydantic reads "5" as 5.0 (lenient, and written back as a number): refused or accepted, both are fine
    add("field-dmz-width-as-text", mutate(base, ("dmz", "ukrainian_side_km"), "5"), "either")

    # --- values that are fine
    for cid, path, value in [("dmz-negative-zero", ("dmz", "ukrainian_side_km"), -0.0),
                             ("dmz-at-maximum", ("dmz", "russian_side_km"), 200.0),
                             ("dmz-tiny", ("dmz", "russian_side_km"), 5e-324),
                             ("title-at-maximum", ("title",), "é" * 200),
                             ("id-at-maximum", ("id",), "a" * 64),
                             ("title-markup", ("title",), HOSTILE),
                             ("summary-tab-and-newline", ("summary",), "tab\there\nand a new line")]:
        add(cid, mutate(base, path, value), "ok")
    # Terminal control characters in text are refused by the model, clearly.
    add("summary-control-characters", mutate(base, ("summary",), "bell\x07escape\x1b[2J"), "error")

    # --- expressions
    expressions = [
        ("admin1-string", {"admin1": "UA-14"}), ("admin1-empty", {"admin1": []}), ("admin1-int", {"admin1": [14]}),
        ("admin1-lowercase", {"admin1": ["ua-14"]}), ("admin1-path", {"admin1": ["../UA-14"]}),
        ("control-date-literal", {"control": dt.date(2025, 2, 12)}), ("control-not-a-date", {"control": "yesterday"}),
        ("bank-east", {"bank": "east"}), ("bank-list", {"bank": ["left"]}),
        ("city-empty-name", {"city": {"name": ""}}), ("city-radius-zero", {"city": {"name": "Kyiv", "radius_km": 0}}),
        ("city-radius-nan", {"city": {"name": "Kyiv", "radius_km": NAN}}),
        ("city-radius-inf", {"city": {"name": "Kyiv", "radius_km": INF}}),
        ("city-radius-negative", {"city": {"name": "Kyiv", "radius_km": -5}}),
        ("city-radius-huge", {"city": {"name": "Kyiv", "radius_km": 1e308}}),
        ("city-extra-key", {"city": {"name": "Kyiv", "radius_km": 5, "population": 1}}),
        ("city-name-too-long", {"city": {"name": "x" * 201}}),
        ("ukraine-false", {"ukraine": False}), ("ukraine-string", {"ukraine": "true"}),
        ("union-string", {"union": "x"}), ("intersection-empty", {"intersection": []}),
        ("difference-empty", {"difference": []}), ("two-keys", {"admin1": ["UA-14"], "bank": "left"}),
        ("unknown-operator", {"xor": [{"ukraine": True}]}), ("empty-table", {}),
        ("geojson-point", {"geojson": {"type": "Point", "coordinates": [35.0, 48.0]}}),
        ("geojson-no-type", {"geojson": {"coordinates": [SQUARE]}}),
        ("geojson-file-empty", {"geojson_file": ""}), ("geojson-file-too-long", {"geojson_file": "x" * 501}),
        ("nested-two-keys", {"union": [{"ukraine": True}, {"admin1": ["UA-14"], "control": "2025-02-12"}]}),
    ]
    for cid, expr in expressions:
        add(f"expr-{cid}", scenario_dict(territory=expr))

    def deep(n):
        node = {"admin1": ["UA-14"]}
        for _ in range(n):
            node = {"union": [node]}
        return node
    add("expr-union-nested-60-deep", lambda: scenario_dict(territory=deep(60)), "ok", resolve=True)
    # TOML can spell nan and inf: a scenario holding them must be refused, or be one that can be written back
    add("inline-geojson-nan", scenario_dict(territory={"geojson": polygon([[NAN, 47.5]] + SQUARE[1:-1] + [[NAN, 47.5]])}))
    add("inline-geojson-inf", scenario_dict(territory={"geojson": polygon([[35.0, INF]] + SQUARE[1:-1] + [[35.0, INF]])}))

    # --- expressions that only fail when the engine resolves them
    resolved = [
        ("unknown-iso", {"admin1": ["UA-99"]}, "error"),
        ("unknown-control-date", {"control": "2025-02-30"}, "error"),
        ("unknown-city", {"city": {"name": "Atlantis"}}, "error"),
        ("markup-city", {"city": {"name": HOSTILE}}, "error"),
        ("long-city-name", {"city": {"name": "Zaporizhzhia" * 16}}, "error"),
        ("geojson-nan", {"geojson": polygon([[NAN, 47.5]] + SQUARE[1:-1] + [[NAN, 47.5]])}, "error"),
        ("geojson-inf", {"geojson": polygon([[INF, 47.5]] + SQUARE[1:-1] + [[INF, 47.5]])}, "error"),
        ("geojson-projected-3035", {"geojson": polygon(SQUARE_3035)}, "error"),
        ("geojson-bowtie", {"geojson": polygon(BOWTIE)}, "error"),
        ("geojson-zero-area", {"geojson": polygon(FLAT)}, "error"),
        ("geojson-paris", {"geojson": polygon([[2.0, 48.5], [2.5, 48.5], [2.5, 49.0], [2.0, 49.0], [2.0, 48.5]])},
         "error"),
        ("geojson-lat-lon-swapped", {"geojson": polygon([[y, x] for x, y in SQUARE])}, "error"),
        ("geojson-square", {"geojson": polygon()}, "ok"),
        ("union-empty", {"union": []}, "either"),
    ]
    for cid, expr, expect in resolved:
        add(f"resolve-{cid}", scenario_dict(territory=expr), expect, resolve=True)
    add("resolve-baseline-1900", scenario_dict(baseline="1900-01-01"), "error", resolve=True)
    add("resolve-zone-unknown-iso", scenario_dict(zones=[{"name": "Z", "type": "referendum",
                                                          "area": {"admin1": ["UA-00"]}}]), "error", resolve=True)
    add("resolve-zones-all-types", scenario_dict(zones=[
        {"name": HOSTILE, "type": "demilitarized", "area": {"admin1": ["UA-09"]}},
        {"name": "Referendum", "type": "referendum", "area": {"bank": "left"}},
        {"name": "Buffer", "type": "border_buffer", "width_km": 20.0}]), "ok", resolve=True)
    add("zones-21", scenario_dict(zones=[{"name": f"Z{i}", "type": "border_buffer", "width_km": 1.0}
                                         for i in range(21)]))
    add("zones-duplicate-names", scenario_dict(zones=[{"name": "Z", "type": "border_buffer", "width_km": 1.0}] * 2))
    add("zone-buffer-without-width", scenario_dict(zones=[{"name": "Z", "type": "border_buffer"}]))
    add("zone-dmz-without-area", scenario_dict(zones=[{"name": "Z", "type": "demilitarized"}]))
    add("zone-width-nan", scenario_dict(zones=[{"name": "Z", "type": "border_buffer", "width_km": NAN}]))
    add("zones-100000", lambda: toml_text(scenario_dict()) + "".join(
        f'\n[[zones]]\nname = "Z{i}"\ntype = "border_buffer"\nwidth_km = 1.0\n' for i in range(100_000)))
    add("title-10-megabytes", lambda: toml_text(scenario_dict(title="x" * 10_000_000)))

    # --- files a scenario refers to, and paths that are not files
    def file_ref(value):
        return scenario_dict(territory={"geojson_file": value})

    def write(name, data):
        return lambda folder: (folder / name).write_bytes(data if isinstance(data, bytes) else data.encode())

    add("ref-missing-file", file_ref("missing.geojson"), resolve=True)
    add("ref-climbs-to-etc-passwd", file_ref("../" * 12 + "etc/passwd"), resolve=True)
    add("ref-absolute-etc-passwd", file_ref("/etc/passwd"), resolve=True)
    add("ref-dev-null", file_ref("/dev/null"), resolve=True)
    add("ref-dev-zero", file_ref("/dev/zero"), resolve=True)
    add("ref-directory", file_ref("."), resolve=True)
    add("ref-fifo", file_ref("pipe.geojson"), resolve=True, extra=lambda f: os.mkfifo(f / "pipe.geojson"))
    add("ref-symlink-loop", file_ref("loop.geojson"), resolve=True,
        extra=lambda f: os.symlink("loop.geojson", f / "loop.geojson"))
    add("ref-sparse-30-megabytes", file_ref("big.geojson"), resolve=True,
        extra=lambda f: os.truncate(_touch(f / "big.geojson"), 30 * 2**20))
    add("ref-unreadable", file_ref("secret.geojson"), resolve=True,
        extra=lambda f: os.chmod(_write(f / "secret.geojson", json_bytes(polygon())), 0),
        expect="error" if os.geteuid() != 0 else "either")
    add("ref-not-utf8", file_ref("latin1.geojson"), resolve=True,
        extra=write("latin1.geojson", json.dumps(feature(polygon(), name="été"), ensure_ascii=False).encode("latin-1")))
    add("ref-deep-json", file_ref("deep.geojson"), resolve=True, extra=write("deep.geojson", "[" * 100_000 + "]" * 100_000))
    add("ref-bowtie", file_ref("bowtie.geojson"), resolve=True, extra=write("bowtie.geojson", json_bytes(polygon(BOWTIE))))
    add("ref-valid-square", file_ref("square.geojson"), "ok", resolve=True,
        extra=write("square.geojson", json_bytes(collection(feature(polygon(), name=HOSTILE)))))
    add("path-is-directory", None, name=".")
    add("path-is-fifo", None, extra=lambda f: os.mkfifo(f / "fifo.toml"), name="fifo.toml")
    return cases


def _touch(path: Path) -> Path:
    path.touch()
    return path


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


# ================================================================================================ control lines


CONTROL = {"date": "2025-02-12", "title": "Corpus line", "sources": ["tests/corpus"],
           "area": [{"name": "Area", "waypoints": ["48.0, 37.5", "47.5, 37.0", {"at": "47.0, 36.5", "note": "n"}],
                     "close_via": ["46.5, 38.5"]}]}


def control_cases() -> list[Case]:
    cases: list[Case] = []

    def add(cid, content, expect="error", resolve=False, build=False, name="line.toml", extra=None,
            origin="generated"):
        def make(folder, content=content):
            data = content() if callable(content) else content
            if isinstance(data, dict):
                data = toml_text(data)
            if isinstance(data, str):
                data = data.encode("utf-8")
            path = folder / name
            if data is not None:
                path.write_bytes(data)
            if extra:
                extra(folder)
            return {"path": str(path), "resolve": resolve, "build": build}

        cases.append(Case(f"control/{cid}", "control", make, expect, None, origin))

    for expect, path in hand_made("control"):
        add(f"file-{_plain_name(path)}", path.read_bytes, expect, origin="hand-made")

    real = CONTROL_FILE.read_bytes
    add("real-file-builds", real, "ok", build=True, name="2025-02-12.toml")
    for frac in (0.1, 0.5, 0.9):
        add(f"real-truncated-{int(frac * 100)}pct", lambda f=frac: real()[:int(len(real()) * f)], "either")
    add("real-file-wrong-date-in-name", real, name="2025-02-13.toml")
    add("real-encoded-cp1251", lambda: real().decode().replace("Line of contact", "Лінія").encode("cp1251"))
    add("empty", b"")
    add("random-bytes", lambda: random.Random(7).randbytes(3000))
    add("utf16", lambda: toml_text(CONTROL).encode("utf-16"))
    add("arrays-nested-1000-deep", lambda: "x = " + "[" * 1000 + "]" * 1000 + "\n")
    add("directory", None, name=".")
    add("missing-file", None, name="missing.toml")
    add("fifo", None, name="fifo.toml", extra=lambda f: os.mkfifo(f / "fifo.toml"))

    area = ("area", 0)
    values = [
        (("date",), [DELETE, 5, "2025-13-45", "99999-01-01", "", [2025]]),
        (("title",), [DELETE, [], "", "   "]),
        (("sources",), ["one source", [1], [""]]),
        (("notes",), [5]),
        (("area",), [DELETE, {}, [], [5], "x"]),
        (("unknown",), ["x"]),
        (area + ("name",), [DELETE, 5, ""]),
        (area + ("waypoints",), [DELETE, "48.0, 37.5", ["48.0, 37.5"], [{}], [5, 6],
                                 [{"at": "48.0, 37.5", "place": "Siversk"}, "47.5, 37.0"],
                                 [{"at": "48.0, 37.5", "admin1": "UA-14"}, "47.5, 37.0"],
                                 ["nan, nan", "47.5, 37.0"], [[NAN, NAN], "47.5, 37.0"], [[INF, -INF], "47.5, 37.0"],
                                 [[1e308, 1e308], "47.5, 37.0"], [[True, False], "47.5, 37.0"],
                                 ["48.0, 37.5, 1", "47.5, 37.0"], [{"place": ""}, "47.5, 37.0"],
                                 [{"place": 5}, "47.5, 37.0"], [{"place": "Siversk", "admin1": "../x"}, "47.5, 37.0"],
                                 [{"at": "48.0, 37.5", "note": 5}, "47.5, 37.0"],
                                 [{"at": "48.0, 37.5", "elevation": 5}, "47.5, 37.0"]]),
        (area + ("follow_dnieper_to_sea",), ["yes"]),
        (area + ("close_via",), ["46.5, 38.5", [[NAN, 1.0]], ["91, 0"], [{"at": "46.5, 38.5"}]]),
        (area + ("note",), [5]),
    ]
    for path, vals in values:
        for i, value in enumerate(vals):
            label = "missing" if value is DELETE else type(value).__name__
            add(f"field-{'.'.join(map(str, path))}-{i}-{label}", _control_mutate(path, value), resolve=True)
    add("waypoints-integers", _control_mutate(area + ("waypoints",), [{"at": [48, 37]}, {"at": [47, 36]},
                                                                      {"at": [47, 37]}]), "ok")
    add("date-datetime", lambda: toml_text(CONTROL).replace('date = "2025-02-12"', "date = 2025-02-12T10:00:00"), "ok")
    add("coordinates-one-megabyte", _control_mutate(area + ("waypoints",), [{"at": "4" * 1_000_000}, "47.5, 37.0"]))
    add("place-one-megabyte", _control_mutate(area + ("waypoints",), [{"place": "x" * 1_000_000}, "47.5, 37.0"]),
        resolve=True)
    add("waypoints-100000", lambda: _control_mutate(area + ("waypoints",), [
        f"{47 + (i % 1000) / 1000:.3f}, {36 + i / 100_000:.5f}" for i in range(100_000)]), "ok")

    # resolved against the settlements layer, and built into a polygon
    add("place-unknown", _control_mutate(area + ("waypoints",), [{"place": "Atlantis"}, "47.5, 37.0"]), resolve=True)
    add("place-markup", _control_mutate(area + ("waypoints",), [{"place": HOSTILE}, "47.5, 37.0"]), resolve=True)
    add("place-admin1-trailing-newline",
        _control_mutate(area + ("waypoints",), [{"place": "Siversk", "admin1": "UA-14\n"}, "47.5, 37.0"]),
        "either", resolve=True)
    ring_cases = [
        ("bowtie", {"waypoints": ["48.5, 37.0", "47.5, 38.0", "48.5, 38.0", "47.5, 37.0"], "close_via": []}),
        ("collinear", {"waypoints": ["48.0, 37.0", "48.0, 37.5", "48.0, 38.0"], "close_via": []}),
        ("in-the-sea", {"waypoints": ["43.5, 33.0", "43.0, 33.5", "43.0, 32.5"], "close_via": []}),
        ("closing-leg-through-ukraine", {"waypoints": ["48.5, 36.0", "48.0, 36.5"], "close_via": ["49.5, 30.0"]}),
        ("river-far-away", {"waypoints": ["48.5, 38.0", "48.0, 38.5"], "follow_dnieper_to_sea": True,
                            "close_via": ["46.0, 39.0"]}),
    ]
    for cid, changes in ring_cases:
        data = copy.deepcopy(CONTROL)
        data["area"][0].update(changes)
        add(f"build-{cid}", data, build=True)
    return cases


def _control_mutate(path, value):
    return mutate(CONTROL, path, value)


# ================================================================================================ GeoJSON (geometry)


def geojson_cases() -> list[Case]:
    cases: list[Case] = []

    def add(cid, obj, expect="error"):
        def make(folder, obj=obj):
            return {"obj": obj() if callable(obj) else obj}

        cases.append(Case(f"geojson/{cid}", "geojson", make, expect))

    def add_file(cid, content, expect="error", origin="generated", extra=None, name="area.geojson"):
        def make(folder, content=content):
            path = folder / name
            data = content() if callable(content) else content
            if data is not None:
                path.write_bytes(data if isinstance(data, bytes) else data.encode())
            if extra:
                extra(folder)
            return {"path": str(path)}

        cases.append(Case(f"geojson/{cid}", "geojson", make, expect, None, origin))

    for expect, path in hand_made("geojson"):
        add_file(f"file-{_plain_name(path)}", path.read_bytes, expect, origin="hand-made")

    for cid, obj in [("none", None), ("list", []), ("string", "Polygon"), ("number", 5), ("no-type", {}),
                     ("polygon-without-coordinates", {"type": "Polygon"}),
                     ("coordinates-null", {"type": "Polygon", "coordinates": None}),
                     ("coordinates-string", {"type": "Polygon", "coordinates": "35 47, 36 48"}),
                     ("coordinates-empty", {"type": "Polygon", "coordinates": []}),
                     ("ring-empty", {"type": "Polygon", "coordinates": [[]]}),
                     ("depth-1", {"type": "Polygon", "coordinates": [35.0, 48.0]}),
                     ("depth-2", {"type": "Polygon", "coordinates": SQUARE}),
                     ("depth-4", {"type": "Polygon", "coordinates": [[SQUARE]]}),
                     ("two-points", polygon(SQUARE[:2])),
                     ("booleans-as-numbers", polygon([[True, False], [False, True], [True, True], [True, False]])),
                     ("one-coordinate-per-point", polygon([[x] for x, _ in SQUARE])),
                     ("nan", polygon([[NAN, 47.5]] + SQUARE[1:-1] + [[NAN, 47.5]])),
                     ("nan-everywhere", polygon([[NAN, NAN]] * 5)),
                     ("inf", polygon([[INF, 47.5]] + SQUARE[1:-1] + [[INF, 47.5]])),
                     ("minus-inf-latitude", polygon([[35.0, -INF]] + SQUARE[1:-1] + [[35.0, -INF]])),
                     ("huge-1e308", polygon([[1e308, 1e308], [-1e308, 1e308], [-1e308, -1e308], [1e308, 1e308]])),
                     ("projected-3035", polygon(SQUARE_3035)), ("projected-3857", polygon(SQUARE_3857)),
                     ("lat-lon-swapped", polygon([[y, x] for x, y in SQUARE])),
                     ("null-island", polygon([[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]])),
                     ("antimeridian", polygon([[170, 48], [190, 48], [190, 49], [170, 49], [170, 48]])),
                     ("bowtie", polygon(BOWTIE)), ("zero-area", polygon(FLAT)),
                     ("repeated-point", polygon([[35.0, 47.5]] * 5)),
                     ("hole-outside-shell", polygon(SQUARE, [[37, 49], [37.5, 49], [37.5, 49.5], [37, 49]])),
                     ("hole-equals-shell", polygon(SQUARE, SQUARE)),
                     ("multipolygon-overlapping", {"type": "MultiPolygon", "coordinates": [[SQUARE], [SQUARE]]}),
                     ("geometry-collection", {"type": "GeometryCollection", "geometries": [polygon()]}),
                     ("feature-geometry-null", feature(None)), ("feature-geometry-string", feature("POLYGON")),
                     ("feature-without-geometry", {"type": "Feature"}),
                     ("collection-features-null", {"type": "FeatureCollection", "features": None}),
                     ("collection-features-string", {"type": "FeatureCollection", "features": "abc"}),
                     ("collection-features-null-items", {"type": "FeatureCollection", "features": [None, 5]}),
                     ("collection-points-only", collection(feature({"type": "Point", "coordinates": [35, 48]}))),
                     ("coordinates-nested-10000-deep", {"type": "Polygon", "coordinates": nested_list(10_000, 35.0)}),
                     ]:
        add(cid, obj)
    for cid, obj in [("square", polygon()), ("square-3d", polygon([[x, y, 100.0] for x, y in SQUARE])),
                     ("unclosed-triangle", polygon([[35.0, 47.5], [36.5, 47.5], [36.5, 48.5]])),
                     ("multipolygon", {"type": "MultiPolygon", "coordinates": [[SQUARE], [[[p[0] + 2, p[1]] for p in SQUARE]]]}),
                     ("whole-world", polygon([[-180, -90], [180, -90], [180, 90], [-180, 90], [-180, -90]])),
                     ("collection-mixed", collection(feature({"type": "Point", "coordinates": [35, 48]}),
                                                     feature(polygon(), name=HOSTILE))),
                     ("collection-overlapping", collection(feature(polygon()), feature(polygon(
                         [[x + 0.5, y] for x, y in SQUARE])))),
                     ("collection-1000-squares", lambda: collection(*[feature(polygon(
                         [[x + (i % 40) * 0.05, y + (i // 40) * 0.05] for x, y in
                          [[30, 46], [30.04, 46], [30.04, 46.04], [30, 46.04], [30, 46]]])) for i in range(1000)])),
                     ("circle-1900000-vertices", lambda: polygon(circle(1_900_000)))]:
        add(cid, obj, "ok")
    # lenient but right: shapely reads numeric strings and a lower-case type
    add("strings-as-numbers", polygon([[str(x), str(y)] for x, y in SQUARE]), "either")
    add("lowercase-type", {"type": "polygon", "coordinates": [SQUARE]}, "either")
    add("circle-2500000-vertices", lambda: polygon(circle(2_500_000)))
    add("multipolygon-100000-parts", lambda: {"type": "MultiPolygon", "coordinates": [
        [[[30 + (i % 400) * 0.02, 45 + (i // 400) * 0.02], [30.01 + (i % 400) * 0.02, 45 + (i // 400) * 0.02],
          [30.01 + (i % 400) * 0.02, 45.01 + (i // 400) * 0.02], [30 + (i % 400) * 0.02, 45 + (i // 400) * 0.02]]]
        for i in range(100_000)]}, "ok")

    add_file("empty-file", b"")
    add_file("utf16", lambda: json.dumps(polygon()).encode("utf-16"))
    add_file("arrays-nested-100000-deep", lambda: "[" * 100_000 + "]" * 100_000)
    add_file("objects-nested-100000-deep", lambda: '{"a":' * 100_000 + "1" + "}" * 100_000)
    add_file("sparse-30-megabytes", None, extra=lambda f: os.truncate(_touch(f / "area.geojson"), 30 * 2**20))
    add_file("directory", None, name=".")
    # (a FIFO and /dev/zero as GeoJSON files: see scenario/ref-fifo and scenario/ref-dev-zero, the same function)
    add_file("json-nan-literal", lambda: json.dumps(polygon([[NAN, 47.5]] + SQUARE[1:-1] + [[NAN, 47.5]])))
    add_file("json-1e400", lambda: json.dumps(polygon()).replace("36.5", "1e400"))
    return cases


# ================================================================================================ uploads


def upload_case(group, cid, filename, data, expect="error", check=None, origin="generated", says="") -> Case:
    """An upload of ``data`` (bytes, or a callable(folder) making them) named ``filename``."""
    def make(folder, data=data):
        return {"filename": filename, "data": data(folder) if callable(data) else data}

    return Case(f"{group}/{cid}", group, make, expect, check, origin, says)


def _shown_name_is_base_name(result, folder) -> str | None:
    return None if result.filename == "passwd.geojson" else f"shown file name {result.filename!r}"


def _reprojected_about(ring, crs):
    """A check that the area read from a file in ``crs`` is that of ``ring`` (within 5 %): it was reprojected."""
    def check(result, folder):
        km2 = _square_km2(ring, crs)
        area = result["area"] if isinstance(result, dict) else result
        return None if abs(area.km2 - km2) / km2 < 0.05 else f"{area.km2:,.0f} km², expected about {km2:,.0f}"
    return check


def upload_geojson_cases() -> list[Case]:
    cases = []
    for expect, path in hand_made("upload"):
        group = "kml" if path.suffix in (".kml", ".kmz") else "upload-geojson"
        says = "unsupported file type" if group == "kml" else ""
        cases.append(upload_case(group, f"file-{_plain_name(path)}", _plain_name(path), lambda f, p=path: p.read_bytes(),
                                 expect, origin="hand-made", says=says))
    sq = lambda **props: json_bytes(collection(feature(polygon(), **props)))  # noqa: E731
    with_crs = lambda ring, crs: json_bytes({**collection(feature(polygon(ring))), "crs": crs})  # noqa: E731
    for cid, name, data, expect in [
        ("valid-square", "area.geojson", sq(name="Area"), "ok"),
        ("valid-json-extension", "area.json", sq(), "ok"),
        ("uppercase-extension", "AREA.GEOJSON", sq(), "ok"),
        ("name-is-a-path", "../../../../etc/passwd.geojson", sq(), "ok"),
        ("name-is-markup", f"{HOSTILE}.geojson", sq(name=HOSTILE), "ok"),
        ("name-10000-characters", "a" * 10_000 + ".geojson", sq(), "ok"),
        ("name-without-extension", "area", sq(), "error"),
        ("name-hidden-extension", "area.geojson\x00.exe", sq(), "error"),
        ("name-empty", "", sq(), "error"),
        ("nan-literal", "a.geojson", json.dumps(collection(feature(polygon([[NAN, 47.5]] + SQUARE[1:-1] + [[NAN, 47.5]])))).encode(), "error"),
        ("infinity-literal", "a.geojson", json.dumps(polygon([[INF, 47.5]] + SQUARE[1:-1] + [[INF, 47.5]])).encode(), "error"),
        ("number-1e400", "a.geojson", sq().replace(b"36.5", b"1e400"), "error"),
        ("huge-1e308", "a.geojson", json_bytes(polygon([[1e308, 1e308], [-1e308, 1e308], [-1e308, -1e308], [1e308, 1e308]])), "error"),
        ("projected-without-crs", "a.geojson", json_bytes(polygon(SQUARE_3035)), "error"),
        ("projected-3857-declared", "a.geojson", with_crs(SQUARE_3857, {"type": "name", "properties": {
            "name": "urn:ogc:def:crs:EPSG::3857"}}), "ok"),
        ("crs-link-to-network", "a.geojson", with_crs(SQUARE, {"type": "link", "properties": {
            "href": "http://10.255.255.1/crs.wkt", "type": "ogcwkt"}}), "either"),
        ("crs-unknown-code", "a.geojson", with_crs(SQUARE, {"type": "name", "properties": {"name": "EPSG:99999"}}), "either"),
        ("crs-garbage", "a.geojson", with_crs(SQUARE, "garbage"), "either"),
        ("empty-collection", "a.geojson", json_bytes(collection()), "error"),
        ("points-only", "a.geojson", json_bytes(collection(feature({"type": "Point", "coordinates": [35, 48]}))), "error"),
        ("bowtie-is-repaired", "a.geojson", json_bytes(collection(feature(polygon(BOWTIE)))), "ok"),
        ("zero-area", "a.geojson", json_bytes(polygon(FLAT)), "error"),
        ("lat-lon-swapped", "a.geojson", json_bytes(polygon([[y, x] for x, y in SQUARE])), "error"),
        ("truncated", "a.geojson", sq()[:60], "error"),
        ("not-utf8", "a.geojson", json.dumps(collection(feature(polygon(), name="été")), ensure_ascii=False).encode("latin-1"), "error"),
        ("utf16", "a.geojson", json.dumps(polygon()).encode("utf-16"), "error"),
        ("json-array", "a.geojson", b"[1, 2, 3]", "error"),
        ("json-string", "a.geojson", b'"Polygon"', "error"),
        ("topojson", "a.json", json_bytes({"type": "Topology", "objects": {}, "arcs": []}), "error"),
        ("empty-file", "a.geojson", b"", "error"),
        ("duplicate-keys", "a.geojson", b'{"type": "Polygon", "type": "Point", "coordinates": [35, 48]}', "error"),
        ("geometry-collection-feature", "a.geojson", json_bytes(feature({"type": "GeometryCollection", "geometries": [
            polygon(), {"type": "Point", "coordinates": [35, 48]}]})), "ok"),
        ("mixed-features", "a.geojson", json_bytes(collection(feature({"type": "Point", "coordinates": [35, 48]}),
                                                              feature(polygon(), name="Area"))), "ok"),
    ]:
        cases.append(upload_case("upload-geojson", cid, name, data, expect,
                                 _shown_name_is_base_name if cid == "name-is-a-path" else None))
    cases += [
        upload_case("upload-geojson", "nested-100000-deep", "a.geojson", lambda f: b"[" * 100_000 + b"]" * 100_000),
        upload_case("upload-geojson", "properties-nested-5000-deep", "a.geojson", lambda f: json_bytes(
            feature(polygon(), deep="@")).replace(b'"@"', b"[" * 5000 + b"]" * 5000)),
        upload_case("upload-geojson", "size-26-megabytes", "a.geojson", lambda f: sq() + b" " * (26 * 2**20)),
        upload_case("upload-geojson", "vertices-1200000-in-24-megabytes", "a.geojson", lambda f: _compact_circle(1_200_000),
                    "either"),
        upload_case("upload-geojson", "features-50000", "a.geojson", lambda f: json_bytes(collection(*[feature(polygon(
            [[30 + (i % 250) * 0.04 + dx, 45 + (i // 250) * 0.04 + dy] for dx, dy in
             [(0, 0), (0.03, 0), (0.03, 0.03), (0, 0.03), (0, 0)]])) for i in range(50_000)])), "either"),
    ]
    return cases


def _compact_circle(n: int) -> bytes:
    """A polygon of ``n`` vertices written with 3 decimals (about 20 bytes a vertex): large but under 25 MB."""
    ring = circle(n, radius_deg=3.0)
    body = ",".join(f"[{x:.3f},{y:.3f}]" for x, y in ring)
    return ('{"type":"Polygon","coordinates":[[' + body + "]]}").encode()


# --------------------------------------------------------------------------------------- GeoPackage


def _frame(geoms, crs="EPSG:4326", **columns):
    import geopandas as gpd

    return gpd.GeoDataFrame(columns or {"name": [f"f{i}" for i in range(len(geoms))]}, geometry=list(geoms), crs=crs)


def _gpkg(folder: Path, *layers) -> bytes:
    """A GeoPackage with the given (name, frame) layers, as bytes (the file is removed)."""
    import pyogrio

    path = folder / "_build.gpkg"
    for name, frame in layers:
        kind = {"geometry_type": "Polygon"} if len(frame) == 0 else {}
        pyogrio.write_dataframe(frame, path, layer=name, driver="GPKG", append=path.exists(), **kind)
    data = path.read_bytes()
    path.unlink()
    return data


def _shapely(ring):
    import shapely

    return shapely.Polygon(ring)


def gpkg_cases() -> list[Case]:
    import_ = []

    def add(cid, build, expect="error", filename="area.gpkg", check=None):
        def make(folder, build=build):
            return {"filename": filename, "data": build(folder)}

        import_.append(Case(f"gpkg/{cid}", "gpkg", make, expect, check))

    sq = lambda: _shapely(SQUARE)  # noqa: E731
    add("valid", lambda f: _gpkg(f, ("area", _frame([sq()]))), "ok")
    add("projected-3035", lambda f: _gpkg(f, ("area", _frame([_shapely(SQUARE_3035)], "EPSG:3035"))), "ok",
        check=_reprojected_about(SQUARE_3035, "EPSG:3035"))
    add("projected-3857", lambda f: _gpkg(f, ("area", _frame([_shapely(SQUARE_3857)], "EPSG:3857"))), "ok")
    add("no-crs-lonlat", lambda f: _gpkg(f, ("area", _frame([sq()], None))), "ok")
    add("no-crs-projected", lambda f: _gpkg(f, ("area", _frame([_shapely(SQUARE_3035)], None))))
    add("points-only", lambda f: _gpkg(f, ("pts", _frame([_point()]))))
    add("lines-only", lambda f: _gpkg(f, ("lines", _frame([_line()]))))
    add("empty-layer", lambda f: _gpkg(f, ("area", _frame([]))))
    add("outside-ukraine", lambda f: _gpkg(f, ("area", _frame([_shapely([[2, 48], [3, 48], [3, 49], [2, 48]])]))))
    add("bowtie-is-repaired", lambda f: _gpkg(f, ("area", _frame([_shapely(BOWTIE)]))), "ok")
    add("nan-coordinates", lambda f: _gpkg(f, ("area", _frame([_shapely([SQUARE[0], [NAN, NAN], *SQUARE[2:]])]))))
    add("markup-names", lambda f: _gpkg(f, ("script_alert", _frame([sq()], name=[HOSTILE]))), "ok")
    add("points-then-polygons", lambda f: _gpkg(f, ("pts", _frame([_point()])), ("area", _frame([sq()]))), "ok")
    add("features-20000", lambda f: _gpkg(f, ("area", _frame([_shapely(
        [[30 + (i % 200) * 0.05 + dx, 45 + (i // 200) * 0.05 + dy] for dx, dy in
         [(0, 0), (0.04, 0), (0.04, 0.04), (0, 0.04), (0, 0)]]) for i in range(20_000)]))), "either")
    add("truncated-half", lambda f: _gpkg(f, ("area", _frame([sq()])))[:len(_gpkg(f, ("area", _frame([sq()])))) // 2])
    add("truncated-header", lambda f: _gpkg(f, ("area", _frame([sq()])))[:100])
    add("magic-then-random", lambda f: b"SQLite format 3\x00" + random.Random(3).randbytes(8000))
    add("plain-sqlite", _plain_sqlite)
    add("infinite-view", _gpkg_infinite_view, "either")
    add("is-geojson", lambda f: json_bytes(polygon()))
    add("gpkg-named-geojson", lambda f: _gpkg(f, ("area", _frame([sq()]))), filename="area.geojson")
    add("gpkg-named-zip", lambda f: _gpkg(f, ("area", _frame([sq()]))), filename="area.zip")
    return import_


def _square_km2(ring, crs) -> float:
    from geo.crs import area_km2, to_equal_area

    import geopandas as gpd

    geom = gpd.GeoSeries([_shapely(ring)], crs=crs).to_crs("EPSG:4326").iloc[0]
    return float(area_km2(to_equal_area(geom)))


def _point():
    import shapely

    return shapely.Point(35.5, 48.0)


def _line():
    import shapely

    return shapely.LineString([(35, 47.5), (36, 48.5)])


def _plain_sqlite(folder: Path) -> bytes:
    path = folder / "_plain.sqlite"
    db = sqlite3.connect(path)
    with db:
        db.execute("CREATE TABLE area (id INTEGER PRIMARY KEY, name TEXT)")
        db.execute("INSERT INTO area (name) VALUES (?)", (HOSTILE,))
    db.close()
    data = path.read_bytes()
    path.unlink()
    return data


def _gpkg_infinite_view(folder: Path) -> bytes:
    """A GeoPackage whose only polygon layer is a view over a recursive query that never ends."""
    path = folder / "_view.gpkg"
    path.write_bytes(_gpkg(folder, ("src", _frame([_shapely(SQUARE)]))))
    db = sqlite3.connect(path)
    with db:
        db.execute("CREATE VIEW evil AS WITH RECURSIVE c(fid) AS (SELECT 1 UNION ALL SELECT fid + 1 FROM c) "
                   "SELECT c.fid AS fid, (SELECT geom FROM src LIMIT 1) AS geom FROM c")
        db.execute("INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id) "
                   "VALUES ('evil', 'features', 'evil', 4326)")
        db.execute("INSERT INTO gpkg_geometry_columns VALUES ('evil', 'geom', 'POLYGON', 4326, 0, 0)")
        db.execute("UPDATE gpkg_geometry_columns SET geometry_type_name = 'POINT' WHERE table_name = 'src'")
    db.close()
    data = path.read_bytes()
    path.unlink()
    return data


# --------------------------------------------------------------------------------------- zipped Shapefile


def _shapefile_parts(folder: Path, frame=None, drop=(), encoding=None) -> dict[str, bytes]:
    """The files of a Shapefile (by extension) written from ``frame`` (default: the square in EPSG:4326)."""
    import pyogrio

    frame = _frame([_shapely(SQUARE)], name=["Area"]) if frame is None else frame
    out = folder / "_shp"
    out.mkdir(exist_ok=True)
    kwargs = {"encoding": encoding} if encoding else {}
    pyogrio.write_dataframe(frame, out / "layer.shp", driver="ESRI Shapefile", **kwargs)
    parts = {p.suffix.lower(): p.read_bytes() for p in out.iterdir() if p.suffix.lower() not in drop}
    for p in out.iterdir():
        p.unlink()
    out.rmdir()
    return parts


def _zip(members: list[tuple], compression=zipfile.ZIP_DEFLATED) -> bytes:
    """A zip of (name, bytes) or (ZipInfo, bytes) members."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as z:
        for name, data in members:
            z.writestr(name, data)
    return buf.getvalue()


def _zip_shapefile(folder: Path, stem="layer", **kwargs) -> bytes:
    return _zip([(f"{stem}{ext}", data) for ext, data in _shapefile_parts(folder, **kwargs).items()])


def _symlink_member(name: str, target: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.create_system = 3
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info, target.encode()


def _bomb(member_bytes: int, members: int = 1, lie_about_size: bool = False) -> bytes:
    """A small zip whose members expand to ``member_bytes`` each, written in a streaming way (1 MB at a time).

    With ``lie_about_size`` the sizes in the headers are rewritten to 1 KB after the fact.
    """
    buf = io.BytesIO()
    chunk = bytes(2**20)
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("layer.prj", 'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563]],'
                                'PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]]')
        for k in range(members):
            with z.open("layer.shp" if k == 0 else f"layer{k}.dbf", "w", force_zip64=True) as f:
                for _ in range(member_bytes // len(chunk)):
                    f.write(chunk)
    data = buf.getvalue()
    if not lie_about_size:
        return data
    # Rewrite the uncompressed size of layer.shp in its central-directory entry (which readers trust).
    patched = bytearray(data)
    pos = patched.find(b"PK\x01\x02")
    while pos != -1:
        name_len = struct.unpack_from("<H", patched, pos + 28)[0]
        if patched[pos + 46:pos + 46 + name_len] == b"layer.shp":
            assert struct.unpack_from("<I", patched, pos + 24)[0] == member_bytes
            struct.pack_into("<I", patched, pos + 24, 1024)
            return bytes(patched)
        pos = patched.find(b"PK\x01\x02", pos + 4)
    raise AssertionError("no central-directory entry for layer.shp")


def _write_nan_into_shp(parts: dict[str, bytes]) -> dict[str, bytes]:
    shp = bytearray(parts[".shp"])
    struct.pack_into("<dd", shp, 156, NAN, NAN)  # the first vertex of the first (only) polygon record
    return {**parts, ".shp": bytes(shp)}


def shapefile_cases() -> list[Case]:
    cases = []

    def add(cid, build, expect="error", filename="area.zip", check=None, says=""):
        def make(folder, build=build):
            return {"filename": filename, "data": build(folder)}

        cases.append(Case(f"shapefile/{cid}", "shapefile", make, expect, check, says=says))

    def zip_parts(parts, names=None):
        names = names or {}
        return _zip([(names.get(ext, f"layer{ext}"), data) for ext, data in parts.items()])

    def root_escape(folder: Path) -> str:
        # an absolute path aimed at the sandbox's root: the harness would see a file written there
        return str(folder.parents[3] / "abs-escape.shp")

    add("valid", _zip_shapefile, "ok")
    add("without-prj-lonlat", lambda f: _zip_shapefile(f, drop=(".prj",)), "ok")
    add("without-prj-projected", lambda f: _zip_shapefile(
        f, frame=_frame([_shapely(SQUARE_3035)], "EPSG:3035"), drop=(".prj",)))
    add("projected-3035-with-prj", lambda f: _zip_shapefile(f, frame=_frame([_shapely(SQUARE_3035)], "EPSG:3035")),
        "ok", check=_reprojected_about(SQUARE_3035, "EPSG:3035"))
    add("without-shx", lambda f: _zip_shapefile(f, drop=(".shx",)), "either")
    add("without-dbf", lambda f: _zip_shapefile(f, drop=(".dbf",)), "either")
    add("only-shp", lambda f: _zip_shapefile(f, drop=(".shx", ".dbf", ".prj", ".cpg")), "either")
    add("no-shp", lambda f: _zip_shapefile(f, drop=(".shp",)))
    add("empty-zip", lambda f: _zip([]))
    add("truncated-zip", lambda f: _zip_shapefile(f)[:300])
    add("not-a-zip", lambda f: random.Random(11).randbytes(4000))
    add("zip-magic-then-garbage", lambda f: b"PK\x03\x04" + random.Random(12).randbytes(4000))
    add("points-only", lambda f: _zip_shapefile(f, frame=_frame([_point()])))
    add("outside-ukraine", lambda f: _zip_shapefile(f, frame=_frame([_shapely([[2, 48], [3, 48], [3, 49], [2, 48]])])))
    add("bowtie-is-repaired", lambda f: _zip_shapefile(f, frame=_frame([_shapely(BOWTIE)])), "ok")
    add("nan-vertex", lambda f: zip_parts(_write_nan_into_shp(_shapefile_parts(f))))
    add("garbage-shp", lambda f: zip_parts({**_shapefile_parts(f), ".shp": random.Random(5).randbytes(500)}))
    add("markup-and-cyrillic-names", lambda f: _zip_shapefile(
        f, frame=_frame([_shapely(SQUARE)], name=[HOSTILE + " Запоріжжя"]), encoding="cp1251"), "ok")
    add("uppercase-names", lambda f: zip_parts(_shapefile_parts(f), {
        ".shp": "LAYER.SHP", ".shx": "LAYER.SHX", ".dbf": "LAYER.DBF", ".prj": "LAYER.PRJ", ".cpg": "LAYER.CPG"}), "either")
    add("in-a-subfolder", lambda f: zip_parts(_shapefile_parts(f), {
        ext: f"data/deeper/layer{ext}" for ext in (".shp", ".shx", ".dbf", ".prj", ".cpg")}), "ok")
    add("with-macosx-entries", lambda f: _zip([*[(f"layer{e}", d) for e, d in _shapefile_parts(f).items()],
                                               ("__MACOSX/._layer.shp", b"\x00\x05\x16\x07junk")]), "ok")
    add("nested-zip", lambda f: _zip([("inner.zip", _zip_shapefile(f))]))
    # paths that leave the extraction folder
    add("slip-parent", lambda f: zip_parts(_shapefile_parts(f), {".shp": "../layer.shp"}), says="refused")
    add("slip-four-levels", lambda f: zip_parts(_shapefile_parts(f), {
        ext: f"../../../../layer{ext}" for ext in (".shp", ".shx", ".dbf", ".prj", ".cpg")}), says="refused")
    add("slip-in-the-middle", lambda f: zip_parts(_shapefile_parts(f), {".shp": "data/../../../layer.shp"}), says="refused")
    add("slip-backslashes", lambda f: zip_parts(_shapefile_parts(f), {".shp": "..\\..\\..\\layer.shp"}), says="refused")
    add("slip-extra-file", lambda f: _zip([*[(f"layer{e}", d) for e, d in _shapefile_parts(f).items()],
                                          ("../../../../escape.txt", b"escaped")]), says="refused")
    add("absolute-path", lambda f: zip_parts(_shapefile_parts(f), {".shp": root_escape(f)}), says="refused")
    add("absolute-extra-file", lambda f: _zip([*[(f"layer{e}", d) for e, d in _shapefile_parts(f).items()],
                                              (str(f.parents[3] / "abs-escape.txt"), b"escaped")]), says="refused")
    add("windows-drive-path", lambda f: zip_parts(_shapefile_parts(f), {".shp": "C:\\Windows\\layer.shp"}), says="refused")
    add("symlink-to-etc-passwd", lambda f: _zip([*[(f"layer{e}", d) for e, d in _shapefile_parts(f).items()
                                                  if e != ".dbf"], _symlink_member("layer.dbf", "/etc/passwd")]), says="refused")
    add("symlink-climbing-out", lambda f: _zip([*[(f"layer{e}", d) for e, d in _shapefile_parts(f).items()
                                                 if e != ".prj"], _symlink_member("layer.prj", "../../../../x")]), says="refused")
    add("member-name-10000-characters", lambda f: zip_parts(_shapefile_parts(f), {".shp": "a" * 10_000 + ".shp"}),
        "either")
    add("member-is-a-directory", lambda f: _zip([("layer.shp/", b""), *[(f"layer{e}", d) for e, d in
                                                                        _shapefile_parts(f).items() if e != ".shp"]]))
    add("501-members", lambda f: _zip([*[(f"layer{e}", d) for e, d in _shapefile_parts(f).items()],
                                      *[(f"extra/{i}.txt", b"x") for i in range(501)]]))
    add("encrypted-flag", _encrypted_zip)
    # bombs: small zips that expand beyond the 200 MB allowed
    add("bomb-one-member-210MB", lambda f: _bomb(210 * 2**20), says="refused")
    add("bomb-nine-members-25MB", lambda f: _bomb(25 * 2**20, members=9), says="refused")
    add("bomb-lying-header-210MB", lambda f: _bomb(210 * 2**20, lie_about_size=True))
    return cases


def _encrypted_zip(folder: Path) -> bytes:
    data = bytearray(_zip_shapefile(folder))
    pos = 0
    while (pos := data.find(b"PK\x03\x04", pos)) != -1:  # local headers
        struct.pack_into("<H", data, pos + 6, struct.unpack_from("<H", data, pos + 6)[0] | 1)
        pos += 4
    pos = 0
    while (pos := data.find(b"PK\x01\x02", pos)) != -1:  # central directory
        struct.pack_into("<H", data, pos + 8, struct.unpack_from("<H", data, pos + 8)[0] | 1)
        pos += 4
    return bytes(data)


# --------------------------------------------------------------------------------------- KML / KMZ


KML = ('<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2"><Placemark>'
       '<name>Area</name><Polygon><outerBoundaryIs><LinearRing><coordinates>35,47.5 36.5,47.5 36.5,48.5 35,48.5 '
       '35,47.5</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark></kml>').encode()


def kml_cases() -> list[Case]:
    """The product reads no KML: a .kml or .kmz upload must be refused with a message that says so."""
    kmz = lambda f: _zip([("doc.kml", KML)])  # noqa: E731
    return [
        upload_case("kml", "kml", "area.kml", KML, says="unsupported file type"),
        upload_case("kml", "kmz", "area.kmz", kmz, says="unsupported file type"),
        upload_case("kml", "kml-uppercase-extension", "AREA.KML", KML, says="unsupported file type"),
        upload_case("kml", "kmz-named-zip", "area.zip", kmz, says="no .shp"),
        upload_case("kml", "kml-named-geojson", "area.geojson", KML, says="not valid JSON"),
        upload_case("kml", "kml-named-gpkg", "area.gpkg", KML, says="not a GeoPackage"),
    ]


# --------------------------------------------------------------------------------------- the app's upload chain


def _app_vertices_at_most(n: int):
    def check(result, folder):
        import shapely.geometry

        count = shapely.get_num_coordinates(shapely.geometry.shape(result["geojson"]))
        return None if count <= n else f"the scenario polygon keeps {count:,} vertices (more than {n:,})"
    return check


def app_cases() -> list[Case]:
    def add(cid, filename, data, expect="ok", check=None):
        return upload_case("app", cid, filename, data, expect, check)

    sq = json_bytes(collection(feature(polygon(), name=HOSTILE)))
    return [
        add("square", "area.geojson", sq),
        add("circle-100000-vertices", "area.geojson", lambda f: json_bytes(polygon(circle(100_000))),
            check=_app_vertices_at_most(20_000)),
        add("circle-600000-vertices", "area.geojson", lambda f: _compact_circle(600_000),
            check=_app_vertices_at_most(20_000)),
        add("tiny-detailed-circle", "area.geojson", lambda f: json_bytes(polygon(circle(30_000, radius_deg=0.0003)))),
        add("6000-small-squares", "area.geojson", lambda f: json_bytes({"type": "MultiPolygon", "coordinates": [
            [[[30 + (i % 100) * 0.1 + dx, 45 + (i // 100) * 0.1 + dy] for dx, dy in
              [(0, 0), (0.05, 0), (0.05, 0.05), (0, 0.05), (0, 0)]]] for i in range(6000)]})),
        add("projected-3857-declared", "area.geojson", json_bytes({**collection(feature(polygon(SQUARE_3857))),
                                                                   "crs": {"type": "name", "properties": {
                                                                       "name": "urn:ogc:def:crs:EPSG::3857"}}})),
        add("bowtie-is-repaired", "area.geojson", json_bytes(polygon(BOWTIE))),
        add("square-with-hole", "area.geojson", json_bytes(polygon(SQUARE, [[35.5, 47.8], [35.5, 48.0], [35.8, 48.0],
                                                                            [35.8, 47.8], [35.5, 47.8]]))),
        add("shapefile-in-3035", "area.zip", lambda f: _zip_shapefile(
            f, frame=_frame([_shapely(SQUARE_3035)], "EPSG:3035")), check=_reprojected_about(SQUARE_3035, "EPSG:3035")),
        add("nan", "area.geojson", json.dumps(polygon([[NAN, 47.5]] + SQUARE[1:-1] + [[NAN, 47.5]])).encode(), "error"),
        add("outside-ukraine", "area.geojson", json_bytes(polygon([[2, 48], [3, 48], [3, 49], [2, 48]])), "error"),
        add("kml", "area.kml", KML, "error"),
    ]


# ================================================================================================ CLI


def _json_with(key: str):
    def check(result, folder):
        try:
            data = json.loads(result["stdout"])
        except json.JSONDecodeError as exc:
            return f"stdout is not JSON ({exc})"
        return None if key in data else f"no {key!r} in the JSON"
    return check


def _no_raw_control_characters(*must_show: str):
    def check(result, folder):
        raw = result["raw_stdout"]
        bad = sorted({f"\\x{b:02x}" for b in raw if b < 0x20 and b not in (0x09, 0x0A, 0x0D)} | (
            {"\\x7f"} if b"\x7f" in raw else set()))
        if bad:
            return f"stdout carries raw control characters {', '.join(bad)} from a file (terminal escape injection)"
        missing = [s for s in must_show if s not in result["stdout"]]
        return f"does not show {missing[0]!r} literally" if missing else None
    return check


def cli_cases() -> list[Case]:
    cases: list[Case] = []

    def add(cid, args, expect="error", files=None, check=None, env=None):
        def make(folder, args=args, files=files):
            if files:
                files(folder)
            return {"args": args(folder) if callable(args) else list(args), "env": env or {}}

        cases.append(Case(f"cli/{cid}", "cli", make, expect, check))

    def scenario_file(name="s.toml", _raw=None, **top):
        def write(folder):
            data = _raw if _raw is not None else toml_text(scenario_dict(**top)).encode()
            (folder / name).write_bytes(data)
        return write

    for cid, width in [("nan", "nan"), ("inf", "inf"), ("negative", "-1"), ("three-parts", "5:15:20"), ("empty", ""),
                       ("over-200", "201"), ("words", "five")]:
        add(f"dmz-{cid}", ["evaluate", "status-quo-2025-02", f"--dmz-km={width}"])
    add("dmz-missing-value", ["evaluate", "status-quo-2025-02", "--dmz-km"])
    add("baseline-is-a-path", ["evaluate", "donbas-withdrawal", "--baseline", "../../etc/passwd"])
    add("id-is-a-path", ["evaluate", "../../etc/passwd"])
    add("id-is-markup", ["evaluate", HOSTILE])
    add("no-id-no-file", ["evaluate"])
    add("unknown-option", ["evaluate", "status-quo-2025-02", "--colour"])
    add("unknown-command", ["destroy"])
    add("file-missing", ["evaluate", "--file", "missing.toml"])
    add("file-is-a-directory", ["evaluate", "--file", "."])
    add("file-is-geojson", ["evaluate", "--file", "area.geojson"],
        files=lambda f: (f / "area.geojson").write_bytes(json_bytes(polygon())))
    add("file-latin1", ["validate", "s.toml"], files=scenario_file(
        _raw=toml_text(scenario_dict(title="été")).encode("latin-1")))
    add("file-arrays-nested-1000-deep", ["validate", "s.toml"], files=scenario_file(
        _raw=b"x = " + b"[" * 1000 + b"]" * 1000))
    add("file-dev-null", ["validate", "/dev/null"])
    add("file-title-10MB", ["validate", "s.toml"], files=scenario_file(title="x" * 10_000_000))
    add("file-ref-climbs-to-etc-passwd", ["validate", "s.toml"],
        files=scenario_file(territory={"geojson_file": "../" * 12 + "etc/passwd"}))
    add("file-ref-fifo", ["validate", "s.toml"], files=lambda f: (
        os.mkfifo(f / "pipe.geojson"), scenario_file(territory={"geojson_file": "pipe.geojson"})(f)))
    add("file-inline-nan", ["evaluate", "--file", "s.toml"],
        files=scenario_file(territory={"geojson": polygon([[NAN, 47.5]] + SQUARE[1:-1] + [[NAN, 47.5]])}))
    add("file-inline-projected", ["evaluate", "--file", "s.toml"],
        files=scenario_file(territory={"geojson": polygon(SQUARE_3035)}))
    add("file-inline-bowtie", ["evaluate", "--file", "s.toml"], files=scenario_file(territory={"geojson": polygon(BOWTIE)}))
    add("file-unknown-iso", ["validate", "s.toml"], files=scenario_file(territory={"admin1": ["UA-99"]}))
    add("file-valid-json", ["evaluate", "--file", "s.toml", "--json"], "ok",
        files=scenario_file(territory={"geojson": polygon()}), check=_json_with("russian_administered_km2"))
    add("file-markup-text", ["evaluate", "--file", "s.toml"], "ok", files=scenario_file(
        title=HOSTILE, zones=[{"name": "<img src=x onerror=alert(2)>", "type": "border_buffer", "width_km": 10.0}]),
        check=_no_raw_control_characters(HOSTILE, "<img src=x onerror=alert(2)>"))
    # Terminal escapes in text are refused by the model (one line, exit 2), so nothing reaches the terminal.
    add("file-terminal-escapes", ["evaluate", "--file", "s.toml"], "error", files=scenario_file(
        title="Title \x1b]0;pwned\x07\x1b[2J", zones=[{"name": "Zone\x1b[31m", "type": "border_buffer",
                                                       "width_km": 10.0}]))
    add("list-hostile-library", ["list"], "ok", files=_hostile_library, check=_no_raw_control_characters())
    add("compare-one-id", ["compare", "status-quo-2025-02"])
    add("place-empty", ["place", ""])
    add("place-markup", ["place", HOSTILE])
    add("place-nan", ["place", "nan,nan"])
    add("place-huge-numbers", ["place", "1e308,1e308"])
    add("place-out-of-range", ["place", "91,181"])
    add("place-100000-characters", ["place", "x" * 100_000])
    add("place-terminal-escape", ["place", "\x1b[2J\x1b]0;pwned\x07Kyiv"])
    add("export-out-is-a-file", ["export", "status-quo-2025-02", "--format", "csv", "--out", "file.txt"],
        files=lambda f: (f / "file.txt").write_text("x"))
    add("export-unknown-format", ["export", "status-quo-2025-02", "--format", "exe", "--out", "out"])
    add("report-out-is-a-folder", ["report", "status-quo-2025-02", "--out", "."])
    return cases


def _hostile_library(folder: Path) -> None:
    lib = folder / "home" / "scenarios"
    lib.mkdir(parents=True)
    (lib / "broken.toml").write_text("id = 'broken'\ntitle = \n")
    (lib / "latin1.toml").write_bytes(toml_text(scenario_dict(id="latin1", title="été")).encode("latin-1"))
    (lib / "dir.toml").mkdir()
    (lib / "UPPER.toml").write_text(toml_text(scenario_dict(id="upper")))
    (lib / ".corpus-case.toml.abc123.tmp").write_text(toml_text(scenario_dict())[:40])
    (lib / "corpus-case.toml").write_text(toml_text(scenario_dict(
        title="Escapes \x1b[2J\x1b]0;pwned\x07 and " + HOSTILE)))
    (lib / "status-quo-2025-02.toml").write_text(toml_text(scenario_dict(id="status-quo-2025-02")))


# ================================================================================================ all


@functools.cache
def _all() -> tuple[Case, ...]:
    cases = [*scenario_cases(), *control_cases(), *geojson_cases(), *upload_geojson_cases(), *gpkg_cases(),
             *shapefile_cases(), *kml_cases(), *app_cases(), *cli_cases()]
    ids = [c.id for c in cases]
    duplicates = {i for i in ids if ids.count(i) > 1}
    assert not duplicates, f"duplicate case ids: {sorted(duplicates)}"
    return tuple(cases)


def all_cases() -> list[Case]:
    """Every case of the corpus, in a fixed order (cheap: inputs are made when a case runs)."""
    return list(_all())


# ================================================================================================ checking the checker


class _Sleepy(dict):
    """A GeoJSON object that takes 60 s to say its type: the harness must call that a hang."""

    def get(self, key, default=None):
        import time

        time.sleep(60)
        return super().get(key, default)


class _Exploding(dict):
    def get(self, key, default=None):
        raise RuntimeError("boom")


def _escape(folder: Path) -> dict:
    (folder.parents[3] / "escaped.txt").write_text("outside the case folder")
    return {"obj": polygon()}


def _leave_temp(folder: Path) -> dict:
    import tempfile

    tempfile.mkstemp(prefix="left-behind-")
    return {"obj": polygon()}


def self_test_cases() -> list[Case]:
    """Inputs the harness must judge as failures (not part of the corpus): see tests/test_corpus.py."""
    return [
        Case("selftest/hang", "geojson", lambda f: {"obj": _Sleepy(polygon())}, "either"),
        Case("selftest/unexpected-exception", "geojson", lambda f: {"obj": _Exploding(polygon())}, "either"),
        Case("selftest/writes-outside", "geojson", _escape, "ok"),
        Case("selftest/leaves-temp-file", "geojson", _leave_temp, "ok"),
        Case("selftest/accepts-bad-input", "geojson", lambda f: {"obj": polygon()}, "error"),
        Case("selftest/refuses-good-input", "geojson", lambda f: {"obj": polygon(BOWTIE)}, "ok"),
        Case("selftest/wrong-message", "geojson", lambda f: {"obj": polygon(BOWTIE)}, "error", says="zebra"),
        Case("selftest/wrong-result", "geojson", lambda f: {"obj": polygon()}, "ok",
             check=lambda result, folder: "the check says no"),
        Case("selftest/cli-wrong-exit", "cli", lambda f: {"args": ["evaluate", "status-quo-2025-02", "--dmz-km=7"]},
             "error"),
    ]


__all__ = ["all_cases", "polygon", "feature", "collection", "circle", "SQUARE", "BOWTIE", "FLAT", "SQUARE_3035",
           "SQUARE_3857", "HOSTILE", "scenario_dict"]
