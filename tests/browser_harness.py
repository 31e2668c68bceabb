"""Driving the app in a real browser: a live server and headless Chromium with the network cut off.

Used by tests/test_browser.py and bench/cases_app.py (a test driver: it is not part of the package). The server is
`streamlit run app.py` on a free local port with its own library folder; the
browser is Debian's Chromium driven by Playwright, with every request to a
host other than this machine aborted and recorded, so a test can assert that
the page needs no internet.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

REPO = Path(__file__).resolve().parents[1]
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]"}
LOCAL_SCHEMES = {"data", "about", "blob", "chrome-error"}
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
GRID_FRAME = 'iframe[srcdoc*="bl-grid"]'  # the comparison's small maps (one frame, st.iframe)


def chromium_path() -> str | None:
    """Debian's Chromium, if installed."""
    for path in CHROMIUM_CANDIDATES:
        if Path(path).exists():
            return path
    return shutil.which("chromium")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class AppServer:
    """`streamlit run app.py` on a free port, with BORDERLINE_HOME in ``home``; a context manager.

    ``env`` adds environment variables (BORDERLINE_DATA_DIR, say). The
    server's output goes to ``home/server.log``.
    """

    def __init__(self, home: Path, env: dict | None = None, startup_timeout_s: float = 120.0):
        self.home = Path(home)
        self.port = free_port()
        self.env = {**os.environ, "BORDERLINE_HOME": str(self.home), **(env or {})}
        self.startup_timeout_s = startup_timeout_s
        self.process: subprocess.Popen | None = None
        self.log_path = self.home / "server.log"

    @property
    def url(self) -> str:
        return f"http://localhost:{self.port}/"

    def __enter__(self) -> AppServer:
        self.home.mkdir(parents=True, exist_ok=True)
        cmd = [sys.executable, "-m", "streamlit", "run", str(REPO / "app.py"), "--server.headless", "true",
               "--server.port", str(self.port), "--server.address", "127.0.0.1",
               "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
        log = open(self.log_path, "wb")  # noqa: SIM115 (closed with the process)
        self.process = subprocess.Popen(cmd, cwd=REPO, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL)
        self._log = log
        self.wait_healthy()
        return self

    def wait_healthy(self) -> None:
        """Poll /_stcore/health until it answers ok (or the process dies, or the start-up limit passes)."""
        deadline = time.monotonic() + self.startup_timeout_s
        health = f"http://127.0.0.1:{self.port}/_stcore/health"
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the app server exited with {self.process.returncode}: {self.tail()}")
            try:
                with urllib.request.urlopen(health, timeout=2) as r:
                    if r.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.2)
        raise RuntimeError(f"the app server did not answer within {self.startup_timeout_s:.0f} s: {self.tail()}")

    def tail(self, chars: int = 2000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)
        self._log.close()


def launch(playwright):
    """Headless Debian Chromium (never a downloaded browser build)."""
    path = chromium_path()
    if path is None:
        raise FileNotFoundError("chromium is not installed (apt-get install chromium)")
    return playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)


def is_local(url: str) -> bool:
    """Whether a request stays on this machine."""
    parsed = urlparse(url)
    if parsed.scheme in LOCAL_SCHEMES:
        return True
    return (parsed.hostname or "") in LOCAL_HOSTS


def cut_network(page) -> list[str]:
    """Abort every request of the page (and its frames) to another host; return the list of those URLs."""
    attempted: list[str] = []

    def route(r):
        if is_local(r.request.url):
            r.continue_()
        else:
            attempted.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    return attempted


def map_frame(page, index: int = 0):
    """The frame of the index-th map component."""
    return page.frame_locator(MAP_FRAME).nth(index)


def wait_for_map(page, timeout_ms: float = 60_000, index: int = 0) -> int:
    """Wait until a map has drawn its polygons; return the number of SVG paths it holds."""
    frame = map_frame(page, index)
    frame.locator("path.leaflet-interactive").first.wait_for(state="attached", timeout=timeout_ms)
    return frame.locator("path.leaflet-interactive").count()


def wait_for_grid(page, maps: int, timeout_ms: float = 60_000):
    """Wait until the comparison's frame has drawn ``maps`` maps with their polygons; return its frame locator."""
    frame = page.frame_locator(GRID_FRAME).first
    frame.locator(f"#blm{maps - 1} path.leaflet-interactive").first.wait_for(state="attached", timeout=timeout_ms)
    return frame


def folium_frame(page):
    """The Frame (not a locator) of the first st_folium map, to run scripts in."""
    return next(f for f in page.frames if "streamlit_folium" in f.url)


def legend_text(page) -> str:
    return page.locator(".bl-legend").first.inner_text()


def metric_value(page, label: str) -> str:
    """The value of the st.metric with this label."""
    block = page.locator('[data-testid="stMetric"]', has_text=label).first
    return block.locator('[data-testid="stMetricValue"]').inner_text()


def open_choices(page, label: str, option: str, timeout_ms: float = 30_000):
    """Open the st.selectbox whose label is ``label``; return the locator of ``option``, shown and ready."""
    box = page.locator('[data-testid="stSelectbox"]', has_text=label).first
    box.locator("input").first.click()
    choice = page.get_by_role("option", name=option, exact=True).first
    choice.wait_for(timeout=timeout_ms)
    return choice


def choose(page, label: str, option: str, timeout_ms: float = 30_000) -> None:
    """Pick an option in the st.selectbox whose label is ``label``."""
    open_choices(page, label, option, timeout_ms).click(timeout=timeout_ms)


def feature_group_stamp(page, index: int = 0) -> str:
    """A fingerprint of the layers the map component shows now (it changes when the scenario does)."""
    frame = page.frames[0]
    for f in page.frames:
        if "streamlit_folium" in f.url:
            frame = f
            break
    return frame.evaluate("() => { const g = window.__GLOBAL_DATA__ && window.__GLOBAL_DATA__.last_feature_group;"
                          " return g ? g.length + ':' + g.slice(-200) : ''; }")


CHART = '[data-testid="stVegaLiteChart"]'


def wait_for_chart(page, timeout_ms: float = 60_000) -> int:
    """Wait until a Vega-Lite chart (st.altair_chart) has drawn; return the number of marks its SVG or canvas holds."""
    drawn = page.locator(f"{CHART} canvas, {CHART} svg .mark-line path, {CHART} svg .mark-rule line")
    drawn.first.wait_for(state="attached", timeout=timeout_ms)
    return drawn.count()


def press_slider(page, label: str, key: str) -> None:
    """Focus the thumb of the st.slider whose label is ``label`` and press a key (Home, End, ArrowRight...)."""
    block = page.locator('[data-testid="stSlider"]', has_text=label).first
    thumb = block.locator('input[type="range"], [role="slider"]').first
    thumb.focus()
    thumb.press(key)
