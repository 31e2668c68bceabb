"""Issue 3: bad scenario files give one line naming the file, the field and what is allowed."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEADER = """
id = "bad"
title = "Bad"
summary = "Bad input."
[provenance]
proposed_by = "test"
date = "2026"
source = "test"
"""

SQUARE = [[36.0, 48.0], [37.0, 48.0], [37.0, 48.6], [36.0, 48.6], [36.0, 48.0]]
BOWTIE = [[36.0, 48.0], [37.0, 48.6], [37.0, 48.0], [36.0, 48.6], [36.0, 48.0]]

CASES = {
    "invalid TOML": ("id = ", "invalid TOML"),
    "unknown key": (HEADER + "colour = 'red'\n[territory]\ncontrol = '2025-02-12'\n", "unknown key 'colour'"),
    "unknown expression": (HEADER + "[territory]\noblast = ['UA-14']\n", "exactly one key"),
    "unknown ISO code": (HEADER + "[territory]\nadmin1 = ['UA-99']\n", "unknown ISO code 'UA-99'"),
    "malformed ISO code": (HEADER + "[territory]\nadmin1 = ['Donetsk']\n", "territory.admin1"),
    "unknown settlement": (HEADER + "[territory]\ncity = { name = 'Zaporizhzhiaa' }\n", "close matches: Zaporizhzhia"),
    "unknown date": (HEADER + "[territory]\ncontrol = '2021-01-01'\n", "no control line dated 2021-01-01"),  # before the first line
    "negative width": (HEADER + "[territory]\ncontrol = '2025-02-12'\n[dmz]\nukrainian_side_km = -1\n",
                       "dmz.ukrainian_side_km"),
    "huge width": (HEADER + "[territory]\ncontrol = '2025-02-12'\n[dmz]\nrussian_side_km = 500\n",
                   "dmz.russian_side_km"),
    "bad id": (HEADER.replace('id = "bad"', 'id = "../etc/passwd"') + "[territory]\ncontrol = '2025-02-12'\n",
               "slug"),
    "self-intersecting polygon": (HEADER + f"[territory]\ngeojson = {{ type = 'Polygon', coordinates = [{BOWTIE}] }}\n",
                                  "invalid polygon"),
    "projected coordinates": (HEADER + "[territory]\ngeojson = { type = 'Polygon', coordinates = "
                              "[[[3900000, 2800000], [4000000, 2800000], [4000000, 2900000], [3900000, 2800000]]] }\n",
                              "look projected"),
    "outside Ukraine": (HEADER + "[territory]\ngeojson = { type = 'Polygon', coordinates = "
                        "[[[2, 48], [3, 48], [3, 49], [2, 48]]] }\n", "outside Ukraine"),
    "empty polygon": (HEADER + "[territory]\ngeojson = { type = 'Polygon', coordinates = [] }\n", "empty"),
    "missing file": (HEADER + "[territory]\ngeojson_file = 'nothere.geojson'\n", "no such file"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_scenario_is_one_line_exit_2(tmp_path, case):
    text, expected = CASES[case]
    path = tmp_path / "bad.toml"
    path.write_text(text)
    done = subprocess.run([sys.executable, "-m", "borderline", "validate", str(path)], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 2, done.stdout
    line = done.stderr.strip()
    assert len(line.splitlines()) == 1 and "Traceback" not in line
    assert str(path) in line
    assert expected in line, line


def test_non_utf8_file(tmp_path):
    path = tmp_path / "latin1.toml"
    path.write_bytes((HEADER + "[territory]\ncontrol = '2025-02-12'\n# caf\xe9\n").encode("latin-1"))
    done = subprocess.run([sys.executable, "-m", "borderline", "validate", str(path)], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 2 and "UTF-8" in done.stderr


def test_geojson_file_that_is_not_json(tmp_path):
    (tmp_path / "x.geojson").write_text("{not json")
    path = tmp_path / "s.toml"
    path.write_text(HEADER + "[territory]\ngeojson_file = 'x.geojson'\n")
    done = subprocess.run([sys.executable, "-m", "borderline", "validate", str(path)], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 2 and "not GeoJSON" in done.stderr


def test_empty_and_whole_territory_validate(tmp_path):
    for name, expr in (("empty", "union = []"), ("whole", "ukraine = true")):
        path = tmp_path / f"{name}.toml"
        path.write_text(HEADER + f"[territory]\n{expr}\n")
        done = subprocess.run([sys.executable, "-m", "borderline", "evaluate", "--file", str(path), "--json"],
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        json.loads(done.stdout)
