"""Check a plan's DVHs against a protocol's constraints (``knowledge/radiotherapy/protocols/*.yaml``).

Structure names are mapped to TG-263 standard names through ``tg263_aliases.yaml``; each constraint is
evaluated on the first listed standard structure the plan has (or on each of several laterality variants),
and a constraint whose structure the plan lacks is ``unknown``, never ``pass``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from oligoboard.dose.constraints import parse_constraint
from oligoboard.dose.dicom_rt import Plan, check_same_frame, read_rtdose, read_rtplan, read_rtstruct
from oligoboard.dose.dvh import Dvh, compute_dvhs
from oligoboard.dose.knowledge import load_knowledge, protocol_ids
from oligoboard.errors import InputError, Problem


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


@cache
def _alias_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for rule in load_knowledge("tg263_aliases").rules:
        standard = str(rule["id"])
        for alias in [standard, *rule.get("aliases", [])]:
            table[_key(str(alias))] = standard
    return table


def standard_name(name: str) -> str | None:
    """The TG-263 standard name of a free-text ROI name, or None when no alias matches."""
    return _alias_table().get(_key(name))


@dataclass(frozen=True)
class PlanCheck:
    protocol: str
    title: str
    plan: Plan | None
    results: list[dict[str, object]]
    structures: list[dict[str, object]]

    def as_dict(self) -> dict[str, object]:
        plan = None
        if self.plan is not None:
            plan = {
                "label": self.plan.label,
                "fractions": self.plan.fractions,
                "prescription_gy": self.plan.prescription_gy,
            }
        return {
            "protocol": self.protocol,
            "title": self.title,
            "plan": plan,
            "results": self.results,
            "structures": self.structures,
        }


def check_plan(rtdose: Path, rtstruct: Path, rtplan: Path | None, protocol: str) -> PlanCheck:
    """Read the files, compute DVHs of the structures the protocol needs, evaluate every constraint."""
    if protocol not in protocol_ids():
        raise InputError(
            f"unknown protocol '{protocol}'",
            problems=[
                Problem("--protocol", "unknown protocol", expected=", ".join(protocol_ids()), found=protocol)
            ],
        )
    rules = load_knowledge(f"protocols/{protocol}")
    structure_set, grid = read_rtstruct(rtstruct), read_rtdose(rtdose)
    plan = read_rtplan(rtplan) if rtplan is not None else None
    check_same_frame(*(item for item in (structure_set, grid, plan) if item is not None))
    mapped = {s.name: standard_name(s.name) for s in structure_set.structures.values() if s.planes}
    by_standard: dict[str, str] = {}
    for name, standard in mapped.items():
        if standard is not None:
            by_standard.setdefault(standard, name)
    needed: list[str] = []
    for rule in rules.rules:
        for standard in rule["structures"]:
            if standard in by_standard and by_standard[standard] not in needed:
                needed.append(by_standard[standard])
    dvhs = {d.name: d for d in compute_dvhs(structure_set, grid, needed)} if needed else {}
    results = [_evaluate(rule, by_standard, dvhs) for rule in rules.rules]
    structures: list[dict[str, object]] = [{"name": n, "tg263": s} for n, s in mapped.items()]
    return PlanCheck(protocol, str(rules.header.get("title", protocol)), plan, results, structures)


def _evaluate(
    rule: Mapping[str, Any], by_standard: dict[str, str], dvhs: dict[str, Dvh]
) -> dict[str, object]:
    tolerance = rule.get("tolerance")
    constraint = parse_constraint(str(rule["constraint"]), str(tolerance) if tolerance is not None else None)
    standards: Sequence[str] = [str(s) for s in rule["structures"]]
    present = [s for s in standards if s in by_standard]
    base: dict[str, object] = {
        "id": rule["id"],
        "constraint": constraint.text,
        "source": rule["source"],
        "verified": rule["verified"],
    }
    if not present:
        return {
            **base,
            "structure": None,
            "status": "unknown",
            "value": None,
            "margin": None,
            "reason": f"no structure mapping to {', '.join(standards)}",
        }
    standard = present[0]
    dvh = dvhs[by_standard[standard]]
    value = constraint.measure(dvh)
    status, margin = constraint.evaluate(value)
    return {
        **base,
        "structure": dvh.name,
        "tg263": standard,
        "status": status,
        "value": round(value, 3),
        "unit": constraint.unit,
        "margin": round(margin, 3),
        "tolerance": constraint.band,
    }
