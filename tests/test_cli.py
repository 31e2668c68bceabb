"""Issue 3: the `borderline` command line."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest


def cli(*args, env=None):
    return subprocess.run([sys.executable, "-m", "borderline", *args], capture_output=True, text=True,
                          timeout=300, env=env)


def test_list_json_has_the_builtins():
    done = cli("list", "--json")
    assert done.returncode == 0, done.stderr
    ids = [row["id"] for row in json.loads(done.stdout)]
    assert "donbas-withdrawal" in ids and "us-28-point-plan-2025-11" in ids


def test_evaluate_json_matches_the_engine():
    from scenarios.engine import evaluate
    from scenarios.library import load_builtin

    done = cli("evaluate", "donbas-withdrawal", "--dmz-km", "5:10", "--json")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    direct = evaluate(load_builtin("donbas-withdrawal"), dmz_km=(5, 10)).metrics
    assert out == json.loads(json.dumps(direct.to_json()))
    assert out["dmz_km"] == {"ukrainian_side": 5.0, "russian_side": 10.0}


def test_evaluate_table_says_what_the_population_is():
    done = cli("evaluate", "status-quo-2025-02")
    assert done.returncode == 0, done.stderr
    assert "Russian-administered" in done.stdout
    assert "2022" in done.stdout and "estimated" in done.stdout


def test_compare_shows_deltas_against_the_first():
    done = cli("compare", "status-quo-2025-02", "donbas-withdrawal", "--json")
    assert done.returncode == 0, done.stderr
    rows = {r["key"]: r for r in json.loads(done.stdout)["rows"]}
    ceded = rows["ceded_by_ukraine_km2"]
    assert ceded["deltas"][0] == 0 and ceded["deltas"][1] > 5_000
    table = cli("compare", "status-quo-2025-02", "donbas-withdrawal")
    assert table.returncode == 0 and "Deltas are against the first scenario" in table.stdout


def test_validate_and_evaluate_a_users_file(tmp_path):
    (tmp_path / "area.geojson").write_text(json.dumps({"type": "Polygon", "coordinates": [
        [[36.0, 48.0], [37.0, 48.0], [37.0, 48.6], [36.0, 48.6], [36.0, 48.0]]]}))
    path = tmp_path / "mine.toml"
    path.write_text("""
id = "mine"
title = "Mine"
summary = "A test scenario."
[provenance]
proposed_by = "test"
date = "2026"
source = "test"
[territory]
union = [{ control = "2025-02-12" }, { geojson_file = "area.geojson" }]
""")
    assert cli("validate", str(path)).stdout.strip() == "ok: mine"
    done = cli("evaluate", "--file", str(path), "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["ceded_by_ukraine_km2"] > 1_000


def test_place_with_scenarios():
    done = cli("place", "Kramatorsk", "--json", "--scenarios")
    assert done.returncode == 0, done.stderr
    info = json.loads(done.stdout)
    assert info["scenarios"]["donbas-withdrawal"] == "russia"
    assert info["scenarios"]["status-quo-2025-02"] == "ukraine"


BAD_ARGS = [
    ("evaluate", "no-such-scenario"),
    ("evaluate", "donbas-withdrawal", "--dmz-km", "-5"),
    ("evaluate", "donbas-withdrawal", "--dmz-km", "250"),
    ("evaluate", "donbas-withdrawal", "--dmz-km", "wide"),
    ("evaluate", "donbas-withdrawal", "--baseline", "1999-01-01"),
    ("compare", "donbas-withdrawal"),
    ("validate", "/nonexistent/file.toml"),
    ("place", "Nowhereville"),
    ("place", "95,30"),
    ("nonsense-command",),
]


@pytest.mark.parametrize("args", BAD_ARGS)
def test_bad_arguments_give_one_line_and_exit_2(args):
    done = cli(*args)
    assert done.returncode == 2, (args, done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    assert done.stderr.strip()
    if args[0] != "nonsense-command":  # argparse prints its usage too
        assert len(done.stderr.strip().splitlines()) == 1


def test_help_on_every_command():
    for command in ("place", "list", "evaluate", "compare", "validate", "data", "app"):
        done = cli(command, "--help")
        assert done.returncode == 0 and "usage:" in done.stdout


def test_place_lists_every_candidate_and_admin1_picks_one():
    done = cli("place", "Borova")
    assert done.returncode == 0 and "2 places have this name" in done.stdout and "Kharkiv Oblast (UA-63)" in done.stdout
    picked = json.loads(cli("place", "Borova", "--admin1", "UA-63", "--json").stdout)
    assert picked["admin1_iso"] == "UA-63" and "UA-63" in picked["chosen_by"]
    assert {c["admin1_iso"] for c in picked["candidates"]} == {"UA-32", "UA-63"}


def test_place_scenarios_count_a_coastal_town_where_the_numbers_do():
    info = json.loads(cli("place", "Skadovsk", "--scenarios", "--json").stdout)
    assert info["control"]["2025-02-12"] == "russia" and info["scenarios"]["status-quo-2025-02"] == "russia"
