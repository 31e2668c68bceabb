"""A benchmark case and how it is timed."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass, field
from typing import Callable


@dataclass
class Case:
    """One measured figure.

    ``run`` is called ``repeat`` times after ``setup`` (once); each call is
    timed unless it returns a number, which is then taken as the measurement
    itself (for figures that are not wall time of the call, such as a payload
    size or a ratio).
    """

    key: str
    label: str
    unit: str  # "ms", "s", "MB", "x", "count"
    run: Callable[[], float | None]
    repeat: int = 5
    target: str = ""
    setup: Callable[[], None] | None = None
    values: list[float] = field(default_factory=list)

    def measure(self) -> list[float]:
        if self.setup:
            self.setup()
        scale = {"ms": 1e3, "s": 1.0}.get(self.unit, 1.0)
        for _ in range(self.repeat):
            start = time.perf_counter()
            result = self.run()
            elapsed = time.perf_counter() - start
            self.values.append(float(result) if isinstance(result, (int, float)) else elapsed * scale)
        return self.values

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    @property
    def spread(self) -> tuple[float, float]:
        return min(self.values), max(self.values)
