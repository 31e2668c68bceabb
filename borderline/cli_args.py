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


def parse_params(values: list[str] | None) -> dict[str, float]:
    """``["pullback_km=10", …]`` (repeated ``--param``) → {"pullback_km": 10.0}; a name given twice is refused."""
    from scenarios.values import param_assignment

    out: dict[str, float] = {}
    for text in values or []:
        try:
            name, value = param_assignment(text)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        if name in out:
            raise UsageError(f"--param {name}: given twice; give each parameter once")
        out[name] = value
    return out


def params_for(scenario, params: dict[str, float], all_scenarios=()) -> dict[str, float]:
    """The ``params`` a scenario declares (each still checked by ``with_params``); a name that none of
    ``all_scenarios`` (default: this one) declares is refused with the names they do declare."""
    from borderline.i18n import _

    pool = list(all_scenarios) or [scenario]
    declared = {p.name for s in pool for p in s.parameters}
    unknown = [n for n in params if n not in declared]
    if unknown:
        hint = _("parameters: {names}").format(names=", ".join(sorted(declared))) if declared else \
            _("these scenarios have no parameters")
        raise UsageError(_("--param {name}: no such parameter; {hint}").format(name=unknown[0], hint=hint))
    own = {p.name for p in scenario.parameters}
    return {n: v for n, v in params.items() if n in own}
