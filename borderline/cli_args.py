"""Command-line values shared by the subcommands (no heavy imports)."""

from __future__ import annotations

from borderline.errors import UsageError


def parse_dmz(text: str | None) -> tuple[float, float] | None:
    """``"10"`` → (10, 10); ``"5:15"`` → (5, 15) (Ukrainian side : Russian side, km); None stays None."""
    if text is None:
        return None
    from scenarios.values import DmzWidths

    try:
        return DmzWidths.parse(text).as_tuple()
    except ValueError as exc:
        raise UsageError(f"--dmz-km: {exc}") from None
