"""borderline: territorial scenarios for a settlement of the Russia–Ukraine war, for notebooks and scripts.

    import borderline
    result = borderline.evaluate("donbas-withdrawal", dmz_km=(5, 15))
    result.metrics.russian_administered_km2

The functions are those of :mod:`borderline.api` (imported on first use, so the
command line starts fast): ``load_scenario``, ``evaluate``, ``control``, ``place``, ``compare``.
"""

from __future__ import annotations

__all__ = ["load_scenario", "evaluate", "control", "place", "compare"]


def __getattr__(name: str):
    if name in __all__:
        from borderline import api

        return getattr(api, name)
    raise AttributeError(f"module 'borderline' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
