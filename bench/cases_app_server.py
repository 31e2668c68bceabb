"""The app's server time (issue 9): how long the script takes to redraw after a slider move or a scenario switch.

Measured with Streamlit's AppTest, which runs app.py as the server does (no browser): the time of one
script run after the reader's change, with the scenario's territory already computed once (as on a running
server, where the built-ins are warmed up at start), and a DMZ width not evaluated before.
"""

from __future__ import annotations

import itertools
import os
import tempfile
import time
from pathlib import Path

from bench.core import Case

APP = Path(__file__).resolve().parents[1] / "app.py"
SWITCHES = ["donbas-withdrawal", "four-oblasts-claim", "claim-with-referendum-zone", "trans-dnieper-dmz",
            "us-28-point-plan-2025-11", "zaporizhzhia-city-held", "status-quo-2025-02"]
_STATE: dict = {}


def _setup() -> None:
    from streamlit.testing.v1 import AppTest

    from scenarios.engine import territory
    from scenarios.library import load_builtin

    os.environ.setdefault("BORDERLINE_HOME", tempfile.mkdtemp(prefix="borderline-bench-server-"))
    for sid in SWITCHES:
        territory(load_builtin(sid))
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.run()
    _STATE.update(at=at, widths=itertools.count(1), switches=itertools.cycle(SWITCHES), times=[])


def _redraw() -> float:
    """Seconds of one script run after alternately a slider move and a scenario switch."""
    at = _STATE["at"]
    if len(_STATE["times"]) % 2 == 0:
        at.sidebar.slider(key="w_both").set_value(float(next(_STATE["widths"]) % 60) + 0.5)
    else:
        at.sidebar.selectbox(key="w_scenario").set_value(next(_STATE["switches"]))
    start = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - start
    if at.exception:
        raise RuntimeError(f"the app failed: {at.exception[0].message}")
    _STATE["times"].append(elapsed)
    return elapsed


CASES = [
    Case("app_redraw_s", "app: server time of one redraw after a slider move or a scenario switch (AppTest, "
         "alternating; territories computed once, widths new)", "s", _redraw, repeat=12, target="≤ 0.3 s",
         setup=_setup),
]
