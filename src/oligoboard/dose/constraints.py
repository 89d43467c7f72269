"""A small DVH-metric notation for dose constraints, parsed once into ``Constraint`` objects.

Grammar (case-insensitive, spaces optional)::

    constraint := metric op value unit | metric value "±" tolerance unit
    metric     := Dmax | Dmin | Dmean | D<x>cc | D<x>% | V<x>Gy
    op         := < | <= | > | >=
    unit       := Gy (for D metrics) | cc | % (for V metrics)

Examples: ``Dmax < 54 Gy``, ``D0.03cc < 30 Gy``, ``V20Gy < 35 %``, ``Dmean 20 ± 1 Gy`` (also ``+/-``).
A rule may add a tolerance band (``tolerance: "1 Gy"``): a value beyond the limit but within the band is
``within_tolerance`` rather than ``fail``. A ``±`` constraint is a prescription target: inside the band is
``on_target``, outside ``off_target``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from oligoboard.dose.dvh import Dvh
from oligoboard.errors import KnowledgeError

_METRIC = r"(?P<metric>dmax|dmin|dmean|d(?P<dvol>\d+(?:\.\d+)?)(?P<dunit>cc|%)|v(?P<vdose>\d+(?:\.\d+)?)gy)"
_NUMBER = r"(?P<value>\d+(?:\.\d+)?)"
_LIMIT = re.compile(rf"^\s*{_METRIC}\s*(?P<op><=|>=|<|>)\s*{_NUMBER}\s*(?P<unit>gy|cc|%)\s*$", re.IGNORECASE)
_BAND = re.compile(
    rf"^\s*{_METRIC}\s*{_NUMBER}\s*(?:±|\+/-)\s*(?P<tol>\d+(?:\.\d+)?)\s*(?P<unit>gy|cc|%)\s*$", re.IGNORECASE
)
_TOLERANCE = re.compile(r"^\s*(?P<value>\d+(?:\.\d+)?)\s*(?P<unit>gy|cc|%)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Constraint:
    """One parsed constraint. ``operator`` is ``band`` for ``±`` constraints."""

    text: str
    metric: str  # dmax | dmin | dmean | dvol_cc | dvol_pct | vdose
    parameter: float | None  # volume (cc or %) for D metrics, dose (Gy) for V metrics
    operator: str
    limit: float
    unit: str  # Gy, cc or %
    band: float  # ± half-width, or the rule's tolerance band beyond the limit (0 if none)

    def measure(self, dvh: Dvh) -> float:
        """The constraint's metric on a DVH, in ``unit``."""
        if self.metric == "dmax":
            return dvh.max_gy
        if self.metric == "dmin":
            return dvh.min_gy
        if self.metric == "dmean":
            return dvh.mean_gy
        assert self.parameter is not None
        if self.metric == "dvol_cc":
            return dvh.dose_at_volume_cc(self.parameter)
        if self.metric == "dvol_pct":
            return dvh.dose_at_volume_percent(self.parameter)
        if self.unit == "%":
            return dvh.volume_at_dose_percent(self.parameter)
        return dvh.volume_at_dose_cc(self.parameter)

    def evaluate(self, value: float) -> tuple[str, float]:
        """(status, margin): margin > 0 means inside the limit by that much (in ``unit``)."""
        v = round(value, 6)
        if self.operator == "band":
            # A ± band is a prescription aim (MLD 20 ± 1 Gy): on or off target, not a pass or a failure.
            margin = self.band - abs(v - self.limit)
            return ("on_target" if round(margin, 6) >= 0 else "off_target"), margin
        margin = self.limit - v if self.operator in ("<", "<=") else v - self.limit
        strict = self.operator in ("<", ">")
        ok = margin > 0 if strict else margin >= 0
        if ok:
            return "pass", margin
        return ("within_tolerance" if self.band > 0 and round(-margin, 6) <= self.band else "fail"), margin


def parse_constraint(text: str, tolerance: str | None = None) -> Constraint:
    """Parse the notation above; raise ``KnowledgeError`` naming the text on anything else."""
    band_match = _BAND.match(text)
    match = band_match or _LIMIT.match(text)
    if match is None:
        raise KnowledgeError(
            f"cannot parse constraint '{text}' (expected e.g. 'Dmax < 54 Gy', 'V20Gy < 35 %')"
        )
    metric_text = match["metric"].lower()
    unit = match["unit"].lower()
    parameter: float | None = None
    if metric_text in ("dmax", "dmin", "dmean"):
        metric = metric_text
    elif match["dvol"] is not None:
        metric = "dvol_cc" if match["dunit"].lower() == "cc" else "dvol_pct"
        parameter = float(match["dvol"])
    else:
        metric, parameter = "vdose", float(match["vdose"])
    expected = ("cc", "%") if metric == "vdose" else ("gy",)
    if unit not in expected:
        raise KnowledgeError(f"constraint '{text}': unit {unit!r} does not fit metric {match['metric']!r}")
    band = float(match["tol"]) if band_match else 0.0
    if tolerance and not band_match:
        tol = _TOLERANCE.match(tolerance)
        if tol is None or tol["unit"].lower() != unit:
            raise KnowledgeError(f"constraint '{text}': tolerance '{tolerance}' must be a number in {unit}")
        band = float(tol["value"])
    return Constraint(
        text=text.strip(),
        metric=metric,
        parameter=parameter,
        operator="band" if band_match else match["op"],
        limit=float(match["value"]),
        unit="Gy" if unit == "gy" else unit,
        band=band,
    )
