"""Run one corpus input through its parser and judge what happened.

``run_case(case) -> Outcome`` is the one checker shared by tests/test_corpus.py and
bench/cases_robustness.py. Each case gets a fresh sandbox::

    <root>/l1/l2/l3/case/   the case's folder: its input files are made here, and it is the working directory
    <root>/l1/l2/l3/tmp/    the temporary folder the parser sees (tempfile.tempdir / $TMPDIR)

After the run, nothing may exist under <root> outside ``case/`` (a zip entry such as ``../../x`` or an
absolute path aimed at <root> would land there: the sandbox is nested so that up to five ``../`` are still
inside <root>), and ``tmp/`` must be empty again (uploads are deleted after reading).

Parsers run by calling the product's Python functions directly (no CLI in between), in a long-lived worker
process: the input is built first, untimed, and then the parser gets ``HANG_LIMIT_S`` (5 s) to answer;
a worker that does not answer is killed (and replaced), so a hang or runaway memory in one input cannot
disturb the others or the test process. The worker's address space is capped at ``MEMORY_LIMIT_BYTES``.
CLI cases run ``python -m borderline ...`` in a subprocess, with the same 5 s plus a start-up allowance:
twice the time the command takes to evaluate a built-in scenario (interpreter, imports, loading the embedded
data, one evaluation: what a normal command costs), measured once, and at least ``MIN_STARTUP_ALLOWANCE_S``,
so that a busy 2-core machine does not turn a slow start into a "hang".

An outcome is

* ``error``: a clear error -- the parser's own exception type (``ScenarioError``, ``ControlError``,
  ``UploadError``) with a message of one non-empty line of at most ``MAX_MESSAGE_CHARS`` characters and no
  "Traceback"; for the CLI, exit code 2 with one ``error: ...`` line on stderr (argparse's usage errors,
  ``usage: ...`` then one ``... error: ...`` line, count too) and no traceback;
* ``ok``: a result, and a correct one (the case's checks pass: valid polygon in EPSG:4326, a scenario that
  round-trips, exit code 0 with the expected output, ...);
* ``failure``: anything else -- another exception type, a multi-line or huge message, a hang past the
  limit, a bad input accepted, a good input refused, a wrong result, files left outside the case's folder.
"""

from __future__ import annotations

import gc
import json
import math
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import time
import traceback
from dataclasses import asdict, dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Callable

REPO = Path(__file__).resolve().parents[2]
TESTS = REPO / "tests"
HANG_LIMIT_S = 5.0
PREPARE_LIMIT_S = 180.0  # building an input (a zip bomb, a million-vertex polygon) is not timed against the 5 s
STARTUP_LIMIT_S = 180.0
MIN_STARTUP_ALLOWANCE_S = 3.0
MAX_MESSAGE_CHARS = 1000
MEMORY_LIMIT_BYTES = 6 * 1024**3
UKRAINE_LONLAT_BOX = (21.0, 43.5, 41.5, 53.5)

GROUPS = {
    "scenario": "scenario TOML",
    "control": "control-line file",
    "geojson": "GeoJSON (geo.geojson)",
    "upload-geojson": "GeoJSON upload",
    "gpkg": "GeoPackage upload",
    "shapefile": "zipped Shapefile upload",
    "kml": "KML/KMZ upload",
    "app": "app upload (upload + scenario polygon)",
    "cli": "CLI arguments",
}


@dataclass(frozen=True)
class Case:
    """One input.

    ``make(folder)`` builds the input (files in ``folder`` and/or values in memory) and returns the
    runner's keyword inputs; ``expect`` is "error" (must be refused clearly), "ok" (must give a correct
    result) or "either"; ``check(result, folder)`` returns None when an accepted result is correct, else
    why not (the group's own checks always run too); ``says`` is a phrase a refusal must contain.
    """

    id: str
    group: str
    make: Callable[[Path], dict]
    expect: str = "error"
    check: Callable[[Any, Path], str | None] | None = None
    origin: str = "generated"  # or "hand-made" (a file under tests/corpus/files/)
    says: str = ""  # when set, a clear error's message must contain this (case-insensitive)

    def __post_init__(self):
        assert self.group in GROUPS, self.group
        assert self.expect in ("error", "ok", "either"), self.expect


@dataclass
class Outcome:
    id: str
    group: str
    status: str  # "error" (clear error), "ok" (correct result) or "failure"
    detail: str = ""
    seconds: float = 0.0
    expect: str = "error"

    @property
    def handled(self) -> bool:
        return self.status in ("error", "ok")


# ----------------------------------------------------------------------------------------------- judging


def message_problem(message: str) -> str | None:
    """Why an error message is not a clear one-line message, or None."""
    if not message.strip():
        return "empty message"
    if "\n" in message or "\r" in message:
        return "more than one line"
    if "Traceback" in message:
        return "contains a traceback"
    if len(message) > MAX_MESSAGE_CHARS:
        return f"{len(message):,} characters long"
    return None


def _first_line(text: str, limit: int = 300) -> str:
    lines = [line for line in str(text).splitlines() if line.strip()]
    return (lines[0] if lines else "")[:limit]


def expected_errors(group: str) -> tuple[type, ...]:
    """The exception types that count as a clear error for a group (imported lazily, in the worker)."""
    from geo.errors import GeometryError
    from scenarios.model import ScenarioError

    if group == "geojson":
        return (GeometryError,)
    if group == "scenario":
        return (ScenarioError,)
    if group == "control":
        from geo.build.control import ControlError

        return (ControlError,)
    from geo.upload import UploadError

    if group == "app":
        return (UploadError, ScenarioError)
    return (UploadError,)


def check_lonlat_polygon(geom) -> str | None:
    """None if ``geom`` is a usable area in EPSG:4326: valid, non-empty (Multi)Polygon, finite, in range, near Ukraine."""
    import numpy as np
    import shapely

    if not isinstance(geom, shapely.Geometry):
        return f"not a geometry but {type(geom).__name__}"
    if geom.geom_type not in ("Polygon", "MultiPolygon"):
        return f"a {geom.geom_type}, not a polygon"
    if geom.is_empty or geom.area <= 0:
        return "empty or zero-area polygon"
    if not geom.is_valid:
        return f"invalid polygon ({shapely.is_valid_reason(geom)})"
    xy = shapely.get_coordinates(geom)
    if not np.isfinite(xy).all():
        return "non-finite coordinates"
    if (np.abs(xy[:, 0]) > 180).any() or (np.abs(xy[:, 1]) > 90).any():
        return "coordinates outside ±180/±90"
    if not geom.intersects(shapely.box(*UKRAINE_LONLAT_BOX)):
        return "polygon does not reach Ukraine"
    return None


def group_check(group: str, result, inputs: dict) -> str | None:
    """The checks every accepted result of a group must pass."""
    if group == "scenario":
        from scenarios.model import Scenario, dumps, loads

        if not isinstance(result, Scenario):
            return f"not a Scenario but {type(result).__name__}"
        text = dumps(result)
        again = loads(text)
        if again != result and dumps(again) != text:
            return "does not round-trip through dumps/loads"
        return None
    if group == "control":
        from geo.build.control import ControlSpec

        return None if isinstance(result, ControlSpec) else check_lonlat_polygon(result)
    if group == "geojson":
        return check_lonlat_polygon(result)
    if group in ("upload-geojson", "gpkg", "shapefile", "kml", "app"):
        from geo.upload import UploadedArea

        area = result["area"] if group == "app" else result
        if not isinstance(area, UploadedArea):
            return f"not an UploadedArea but {type(area).__name__}"
        problem = check_lonlat_polygon(area.geometry)
        if problem:
            return problem
        if not isinstance(area.name, str) or len(area.name) > 120:
            return "name is not a short text"
        if "/" in area.filename or "\\" in area.filename:
            return f"the shown file name keeps a path: {area.filename[:80]!r}"
        if not (math.isfinite(area.km2) and area.km2 > 0):
            return f"area {area.km2} km²"
        if group == "app":
            import shapely.geometry

            problem = check_lonlat_polygon(shapely.geometry.shape(result["geojson"]))
            if problem:
                return f"the polygon the app puts in a scenario: {problem}"
        return None
    return None


def judge(case: Case, call: Callable[[], Any], inputs: dict, folder: Path) -> tuple[str, str]:
    """(status, detail) of running ``call``, for a non-CLI case."""
    try:
        result = call()
    except BaseException as exc:  # noqa: BLE001 -- anything but the expected type is the finding
        if isinstance(exc, KeyboardInterrupt):
            raise
        expected = expected_errors(case.group)
        if not isinstance(exc, expected):
            tb = traceback.extract_tb(exc.__traceback__)
            where = f" at {Path(tb[-1].filename).name}:{tb[-1].lineno}" if tb else ""
            return "failure", f"unexpected {type(exc).__name__}{where}: {_first_line(exc)}"
        message = str(exc)
        problem = message_problem(message)
        if problem:
            return "failure", f"unclear message ({problem}): {message[:200]!r}"
        if case.expect == "ok":
            return "failure", f"refused a good input: {message}"
        if case.says and case.says.lower() not in message.lower():
            return "failure", f"the message does not say {case.says!r}: {message[:200]!r}"
        return "error", message
    if case.expect == "error":
        return "failure", f"accepted a bad input (returned {type(result).__name__})"
    try:
        problem = group_check(case.group, result, inputs) or (case.check(result, folder) if case.check else None)
    except Exception as exc:  # noqa: BLE001
        problem = f"checking the result raised {type(exc).__name__}: {_first_line(exc)}"
    if problem:
        return "failure", f"wrong result: {problem}"
    return "ok", "correct result"


# ----------------------------------------------------------------------------------------------- runners (in the worker)


def _run_scenario(inputs: dict, folder: Path):
    from scenarios.model import load, loads

    scenario = load(inputs["path"]) if "path" in inputs else loads(inputs["text"], "corpus.toml")
    if inputs.get("resolve"):
        from scenarios.engine import territory

        territory(scenario, base_dir=folder)
    return scenario


def _layers():
    from geo.data import load_layer

    settlements = load_layer("settlements")
    course = load_layer("dnieper").set_index("part").geometry["course"]
    ukraine = load_layer("country").geometry.iloc[0]
    return settlements, course, ukraine


def _run_control(inputs: dict, folder: Path):
    from geo.build import control

    settlements, course, ukraine = _layers()
    spec = control.read_control_spec(inputs["path"], settlements if inputs.get("resolve") else None)
    if inputs.get("build"):
        return control.build_control(spec, settlements, course, ukraine)
    return spec


def _run_geojson(inputs: dict, folder: Path):
    from geo.geojson import polygon_from_geojson, read_geojson_file

    if "path" in inputs:
        return read_geojson_file(Path(inputs["path"]), "corpus")
    return polygon_from_geojson(inputs["obj"], "corpus")


def _run_upload(inputs: dict, folder: Path):
    from geo.upload import parse_upload

    return parse_upload(inputs["filename"], inputs["data"])


def _run_app(inputs: dict, folder: Path):
    """What the app does with an area file: parse it, make the scenario polygon, put it in an editor draft."""
    from borderline.ui import editor
    from geo.upload import parse_upload, scenario_geojson
    from scenarios.model import dumps, loads

    area = parse_upload(inputs["filename"], inputs["data"])
    geojson, _ = scenario_geojson(area)
    draft = editor.Draft(id="uploaded-area", title="Uploaded area", summary="From the corpus.", proposed_by="tests",
                         date="2025-12", source=area.filename, territory=editor.AreaDraft(uploads=[geojson]))
    scenario = editor.to_scenario(draft)
    loads(dumps(scenario))
    return {"area": area, "geojson": geojson, "scenario": scenario}


RUNNERS = {"scenario": _run_scenario, "control": _run_control, "geojson": _run_geojson,
           "upload-geojson": _run_upload, "gpkg": _run_upload, "shapefile": _run_upload, "kml": _run_upload,
           "app": _run_app}


def _warm_up() -> None:
    """Import the parsers and load the embedded data once, so no case pays for it inside its 5 s."""
    import geo.build.control  # noqa: F401
    import geo.upload  # noqa: F401
    import scenarios.geometry  # noqa: F401
    from borderline.ui import editor  # noqa: F401
    from geo.projected import projected
    from scenarios.engine import territory
    from scenarios.library import load_builtin

    projected()
    _layers()
    territory(load_builtin("donbas-withdrawal"))


# ----------------------------------------------------------------------------------------------- the worker


def _send(conn: Connection, obj) -> None:
    conn.send_bytes(json.dumps(obj).encode())


def _recv(conn: Connection):
    return json.loads(conn.recv_bytes().decode())


def serve(read_fd: int, write_fd: int) -> None:
    """The worker's loop: build a case's input, then run and judge it (see the module docstring)."""
    import resource
    import warnings

    warnings.simplefilter("ignore")
    rx, tx = Connection(read_fd, writable=False), Connection(write_fd, readable=False)
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT_BYTES, MEMORY_LIMIT_BYTES))
    _warm_up()
    from corpus import build

    cases = {c.id: c for c in [*build.all_cases(), *build.self_test_cases()]}
    _send(tx, {"ready": True})
    while True:
        try:
            msg = _recv(rx)
        except EOFError:
            return
        if msg.get("op") == "stop":
            return
        case, folder = cases[msg["id"]], Path(msg["case_dir"])
        tempfile.tempdir = msg["tmp_dir"]
        os.environ["TMPDIR"] = msg["tmp_dir"]
        os.chdir(folder)
        try:
            inputs = case.make(folder)
        except BaseException as exc:  # noqa: BLE001
            _send(tx, {"prepared": False, "detail": f"could not build the input: {type(exc).__name__}: "
                                                    f"{_first_line(exc)}"})
            continue
        _send(tx, {"prepared": True})
        start = time.perf_counter()
        status, detail = judge(case, lambda: RUNNERS[case.group](inputs, folder), inputs, folder)
        _send(tx, {"status": status, "detail": detail, "seconds": time.perf_counter() - start})
        del inputs
        os.chdir(REPO)
        gc.collect()


class _Worker:
    """The parent's handle on a worker process (started at once; ``ready()`` waits for its warm-up)."""

    def __init__(self):
        to_child_r, to_child_w = os.pipe()
        to_parent_r, to_parent_w = os.pipe()
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(TESTS), str(REPO), os.environ.get("PYTHONPATH", "")])}
        self.proc = subprocess.Popen(
            [sys.executable, "-c", f"from corpus.harness import serve; serve({to_child_r}, {to_parent_w})"],
            pass_fds=(to_child_r, to_parent_w), env=env, cwd=REPO, stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_child_r)
        os.close(to_parent_w)
        self.tx = Connection(to_child_w, readable=False)
        self.rx = Connection(to_parent_r, writable=False)
        self._ready = False

    def ready(self) -> None:
        if self._ready:
            return
        reply = self._wait(STARTUP_LIMIT_S)
        if not reply or not reply.get("ready"):
            self.kill()
            raise RuntimeError("the corpus worker did not start")
        self._ready = True

    def _wait(self, timeout: float):
        try:
            if self.rx.poll(timeout):
                return _recv(self.rx)
        except (EOFError, OSError):
            pass
        return None

    def alive(self) -> bool:
        return self.proc.poll() is None

    def run(self, case: Case, box: Sandbox) -> Outcome:
        _send(self.tx, {"op": "run", "id": case.id, "case_dir": str(box.case_dir), "tmp_dir": str(box.tmp_dir)})
        prepared = self._wait(PREPARE_LIMIT_S)
        if prepared is None:
            self.kill()
            return Outcome(case.id, case.group, "failure", "the worker died or stalled building the input",
                           expect=case.expect)
        if not prepared["prepared"]:
            return Outcome(case.id, case.group, "failure", prepared["detail"], expect=case.expect)
        start = time.perf_counter()
        reply = self._wait(HANG_LIMIT_S)
        elapsed = time.perf_counter() - start
        if reply is None:
            died = not self.alive() or elapsed < HANG_LIMIT_S
            self.kill()
            why = ("the parser crashed the process (or ran out of memory)" if died
                   else f"no answer within {HANG_LIMIT_S:g} s (hang)")
            return Outcome(case.id, case.group, "failure", why, elapsed, case.expect)
        return Outcome(case.id, case.group, reply["status"], reply["detail"], reply["seconds"], case.expect)

    def kill(self) -> None:
        if self.alive():
            self.proc.kill()
        self.proc.wait()
        for conn in (self.tx, self.rx):
            try:
                conn.close()
            except OSError:
                pass

    def stop(self) -> None:
        if self.alive() and self._ready:
            try:
                _send(self.tx, {"op": "stop"})
                self.proc.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                pass
        self.kill()


_WORKER: _Worker | None = None
_SPARE: _Worker | None = None  # warmed up in the background, takes over at once after a hang


def _worker() -> _Worker:
    global _WORKER, _SPARE
    if _WORKER is None or not _WORKER.alive():
        _WORKER = _SPARE if _SPARE is not None and _SPARE.alive() else _Worker()
        _SPARE = None
    if _SPARE is None:
        _SPARE = _Worker()
    _WORKER.ready()
    return _WORKER


def stop_worker() -> None:
    global _WORKER, _SPARE
    for w in (_WORKER, _SPARE):
        if w is not None:
            w.stop()
    _WORKER = _SPARE = None


import atexit  # noqa: E402

atexit.register(stop_worker)


# ----------------------------------------------------------------------------------------------- sandbox


class Sandbox:
    """The folders of one case, nested so that escapes of up to five ``../`` stay inside ``root``."""

    def __init__(self):
        self.root = Path(tempfile.mkdtemp(prefix="borderline-corpus-"))
        self.box = self.root / "l1" / "l2" / "l3"
        self.case_dir = self.box / "case"
        self.tmp_dir = self.box / "tmp"
        self.case_dir.mkdir(parents=True)
        self.tmp_dir.mkdir()

    def stray(self) -> list[str]:
        """Paths that appeared outside the case's folder, and leftovers in its temporary folder."""
        allowed = {self.root / "l1", self.root / "l1" / "l2", self.box, self.case_dir, self.tmp_dir}
        found = []
        for top, dirs, files in os.walk(self.root, followlinks=False):
            here = Path(top)
            if here == self.case_dir or self.case_dir in here.parents:
                dirs[:] = []
                continue
            for name in dirs + files:
                path = here / name
                if path not in allowed:
                    found.append(str(path.relative_to(self.root)))
        return found

    def remove(self) -> None:
        def unlock(func, path, _exc):
            try:
                os.chmod(path, stat.S_IRWXU)
                os.chmod(os.path.dirname(path), stat.S_IRWXU)
                func(path)
            except OSError:
                pass

        shutil.rmtree(self.root, onerror=unlock)


# ----------------------------------------------------------------------------------------------- CLI cases


_STARTUP_S: float | None = None


def cli_startup_s() -> float:
    """Wall time of ``borderline evaluate`` of a built-in scenario (start, imports, data): a normal command's cost."""
    global _STARTUP_S
    if _STARTUP_S is None:
        times = []
        for _ in range(2):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "borderline", "evaluate", "status-quo-2025-02", "--json"],
                           capture_output=True, cwd=REPO, timeout=120)
            times.append(time.perf_counter() - start)
        _STARTUP_S = min(times)
    return _STARTUP_S


def _limit_memory() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT_BYTES, MEMORY_LIMIT_BYTES))


def cli_problem(rc: int, stdout: str, stderr: str) -> tuple[str, str]:
    """(status, detail) of a finished CLI run, before the case's expectation is applied."""
    if "Traceback" in stderr or "Traceback" in stdout:
        return "failure", f"traceback (exit {rc}): {_first_line(stderr.strip().splitlines()[-1] if stderr.strip() else stdout)}"
    lines = [line for line in stderr.splitlines() if line.strip()]
    if rc == 2:
        one_line = len(lines) == 1 and lines[0].startswith("error: ")
        usage = bool(lines) and lines[0].startswith("usage:") and ": error: " in lines[-1]
        if not (one_line or usage):
            return "failure", f"exit 2 but stderr is not one error line: {stderr[:300]!r}"
        problem = message_problem(lines[-1])
        if problem:
            return "failure", f"unclear message ({problem}): {lines[-1][:200]!r}"
        return "error", lines[-1]
    if rc == 0:
        return "ok", "exit 0"
    return "failure", f"exit code {rc}: {_first_line(stderr)!r}"


def _run_cli(case: Case, box: Sandbox) -> Outcome:
    try:
        inputs = case.make(box.case_dir)
    except Exception as exc:  # noqa: BLE001
        return Outcome(case.id, case.group, "failure", f"could not build the input: {exc}", expect=case.expect)
    env = {**os.environ, "BORDERLINE_HOME": str(box.case_dir / "home"), "TMPDIR": str(box.tmp_dir),
           "PYTHONWARNINGS": "ignore", **inputs.get("env", {})}
    limit = HANG_LIMIT_S + max(2 * cli_startup_s(), MIN_STARTUP_ALLOWANCE_S)
    start = time.perf_counter()
    try:
        proc = subprocess.run([sys.executable, "-m", "borderline", *inputs["args"]], capture_output=True,
                              cwd=box.case_dir, env=env, timeout=limit, stdin=subprocess.DEVNULL,
                              preexec_fn=_limit_memory)
    except subprocess.TimeoutExpired:
        return Outcome(case.id, case.group, "failure",
                       f"no answer within {limit:.1f} s ({HANG_LIMIT_S:g} s + {limit - HANG_LIMIT_S:.1f} s for start-up): hang",
                       time.perf_counter() - start, case.expect)
    elapsed = time.perf_counter() - start
    stdout, stderr = proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace")
    status, detail = cli_problem(proc.returncode, stdout, stderr)
    if status == "error" and case.expect == "ok":
        status, detail = "failure", f"refused a good input: {detail}"
    elif status == "error" and case.says and case.says.lower() not in detail.lower():
        status, detail = "failure", f"the message does not say {case.says!r}: {detail[:200]!r}"
    elif status == "ok" and case.expect == "error":
        status, detail = "failure", f"accepted a bad input (exit 0): {stdout[:200]!r}"
    elif status == "ok" and case.check:
        problem = case.check({"rc": proc.returncode, "stdout": stdout, "stderr": stderr,
                              "raw_stdout": proc.stdout}, box.case_dir)
        if problem:
            status, detail = "failure", f"wrong result: {problem}"
    return Outcome(case.id, case.group, status, detail, elapsed, case.expect)


# ----------------------------------------------------------------------------------------------- entry points


def run_case(case: Case) -> Outcome:
    """Run one case in a fresh sandbox and judge it (see the module docstring)."""
    box = Sandbox()
    try:
        if case.group == "cli":
            outcome = _run_cli(case, box)
        else:
            outcome = _worker().run(case, box)
        stray = box.stray()
        if stray:
            where = ", ".join(stray[:5])
            extra = f"files outside its folder or left in its temporary folder: {where}"
            outcome = Outcome(case.id, case.group, "failure",
                              f"{outcome.detail}; {extra}" if outcome.status == "failure" else extra,
                              outcome.seconds, case.expect)
        return outcome
    finally:
        box.remove()


def run_all(cases=None, progress: Callable[[Outcome], None] | None = None) -> list[Outcome]:
    """Run every case (default: the whole corpus) and return the outcomes, in order."""
    if cases is None:
        from corpus import build

        cases = build.all_cases()
    outcomes = []
    for case in cases:
        outcome = run_case(case)
        outcomes.append(outcome)
        if progress:
            progress(outcome)
    return outcomes


def summary(outcomes: list[Outcome]) -> dict:
    """Counts per group: tried, handled, errors, ok, failures."""
    table: dict[str, dict] = {}
    for o in outcomes:
        row = table.setdefault(o.group, {"label": GROUPS[o.group], "tried": 0, "handled": 0, "error": 0, "ok": 0,
                                         "failure": 0})
        row["tried"] += 1
        row["handled"] += o.handled
        row[o.status] += 1
    return table


def outcome_dict(o: Outcome) -> dict:
    return {**asdict(o), "handled": o.handled}


__all__ = ["Case", "Outcome", "GROUPS", "HANG_LIMIT_S", "run_case", "run_all", "summary", "check_lonlat_polygon",
           "message_problem", "Sandbox"]
