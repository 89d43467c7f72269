"""Check a plan's DVHs against a protocol's constraints (``knowledge/radiotherapy/protocols/*.yaml``).

Structure names are mapped to TG-263 standard names: first by the user's explicit map (``--map "Lt
Lung=Lung_L"`` or a map file: a physicist's naming wins over any guess), then through
``tg263_aliases.yaml``. Each constraint is evaluated on the first listed standard structure the plan has,
and a constraint that cannot be evaluated is ``unknown`` with its reason, never ``pass``: no structure maps
to it, two structures map to it (pick one with ``--map``), or its structure has no volume in the dose grid.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from oligoboard.dose import lq
from oligoboard.dose.constraints import parse_constraint
from oligoboard.dose.dicom_rt import (
    Plan,
    StructureSet,
    check_same_frame,
    read_rtdose,
    read_rtplan,
    read_rtstruct,
)
from oligoboard.dose.dvh import Dvh, compute_dvhs
from oligoboard.dose.knowledge import alpha_beta_for, load_knowledge, protocol_ids
from oligoboard.dose.plan_eqd2 import Fractionation, measure_eqd2
from oligoboard.errors import InputError, Problem
from oligoboard.knowledge.radiotherapy import ProtocolRule, StatedFor, StructureAliasRule


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


@cache
def _alias_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for rule in load_knowledge("tg263_aliases").typed:
        if isinstance(rule, StructureAliasRule):
            for alias in [rule.id, *rule.aliases]:
                table[_key(alias)] = rule.id
    return table


@cache
def _tissue_table() -> dict[str, str | None]:
    return {
        r.id: r.tissue for r in load_knowledge("tg263_aliases").typed if isinstance(r, StructureAliasRule)
    }


def standard_names() -> list[str]:
    """The TG-263 standard names a structure can be mapped to."""
    return sorted(set(_alias_table().values()))


def standard_name(name: str) -> str | None:
    """The TG-263 standard name of a free-text ROI name, or None when no alias matches."""
    return _alias_table().get(_key(name))


@dataclass(frozen=True)
class ProtocolSummary:
    """One protocol a plan can be checked against (`plan check --list-protocols`)."""

    id: str
    title: str
    constraints: int
    unverified: int

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "title": self.title,
            "constraints": self.constraints,
            "unverified": self.unverified,
        }


def protocols() -> list[ProtocolSummary]:
    """Every packaged protocol with its title and how many of its constraints are unverified."""
    found = []
    for protocol in protocol_ids():
        rules = load_knowledge(f"protocols/{protocol}")
        typed = [r for r in rules.typed if isinstance(r, ProtocolRule)]
        title = str(rules.header.get("title", protocol))
        found.append(ProtocolSummary(protocol, title, len(typed), sum(not r.verified for r in typed)))
    return found


def parse_mapping(entries: Sequence[str], where: str = "--map") -> dict[str, str]:
    """``"ROI name=TG263Name"`` entries as a mapping; a malformed entry or an unknown standard name is an
    ``InputError`` naming ``where`` (the option, or ``file:line`` for a map file)."""
    mapping: dict[str, str] = {}
    known = standard_names()
    for entry in entries:
        at = where
        roi, sep, standard = entry.partition("=")
        roi, standard = roi.strip(), standard.strip()
        if not sep or not roi or not standard:
            raise InputError(
                f"{at}: expected 'ROI name=TG-263 name'",
                problems=[Problem(at, "malformed mapping", expected="ROI name=TG-263 name")],
            )
        if standard not in known:
            raise InputError(
                f"{at}: '{standard}' is not a TG-263 name this tool knows",
                problems=[Problem(at, "unknown TG-263 name", expected=", ".join(known), found=standard)],
            )
        mapping[roi] = standard
    return mapping


def read_mapping_file(path: Path) -> dict[str, str]:
    """A map file: one ``ROI name=TG263Name`` per line, ``#`` starts a comment, blank lines ignored."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(
            f"{path}: cannot read the map file ({type(exc).__name__})",
            problems=[Problem("--map-file", "unreadable", found=str(path))],
        ) from None
    mapping: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        content = line.split("#", 1)[0].strip()
        if content:
            mapping.update(parse_mapping([content], where=f"{path.name}:{number}"))
    return mapping


@dataclass(frozen=True)
class PlanCheck:
    protocol: str
    title: str
    plan: Plan | None
    results: list[dict[str, object]]
    structures: list[dict[str, object]]
    warnings: list[dict[str, object]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

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
            "warnings": self.warnings,
            "notes": self.notes,
        }


def _require_protocol(protocol: str) -> str:
    if protocol not in protocol_ids():
        raise InputError(
            f"unknown protocol '{protocol}'",
            problems=[
                Problem("--protocol", "unknown protocol", expected=", ".join(protocol_ids()), found=protocol)
            ],
        )
    return protocol


def _mapped_structures(
    structure_set: StructureSet, mapping: Mapping[str, str]
) -> tuple[list[dict[str, object]], dict[str, list[int]]]:
    """Each contoured structure with its TG-263 name and where that came from; standard name → ROI numbers.

    An explicit map entry names a structure of the set (a typo is an error, not a silent no-op); a name
    shared by several ROIs maps them all, so the constraint says it is ambiguous instead of taking one."""
    for roi in mapping:
        if not any(s.name.strip().lower() == roi.strip().lower() for s in structure_set.structures.values()):
            names = ", ".join(s.name for s in structure_set.structures.values())
            raise InputError(
                f"--map: no structure named '{roi}' in {structure_set.path.name}",
                problems=[Problem("--map", "no such structure", expected=names, found=roi)],
            )
    explicit = {roi.strip().lower(): standard for roi, standard in mapping.items()}
    rows: list[dict[str, object]] = []
    by_standard: dict[str, list[int]] = {}
    for number, structure in sorted(structure_set.structures.items()):
        if not structure.planes:
            continue
        standard = explicit.get(structure.name.strip().lower())
        source = "map" if standard is not None else None
        if standard is None:
            standard = standard_name(structure.name)
            source = "alias" if standard is not None else None
        rows.append({"name": structure.name, "roi_number": number, "tg263": standard, "mapped_by": source})
        if standard is not None:
            by_standard.setdefault(standard, []).append(number)
    # An explicit map takes a standard name from every structure that only matched it by alias.
    for standard, numbers in by_standard.items():
        chosen = [n for n in numbers if any(r["roi_number"] == n and r["mapped_by"] == "map" for r in rows)]
        if chosen:
            by_standard[standard] = chosen
    return rows, by_standard


def check_plan(
    rtstruct: Path,
    rtdose: Path,
    rtplan: Path | None,
    protocol: str,
    mapping: Mapping[str, str] | None = None,
) -> PlanCheck:
    """Read the files (the order of `dvh`: structures, dose, plan), compute the DVHs of the structures the
    protocol needs, evaluate every constraint."""
    rules = load_knowledge(f"protocols/{_require_protocol(protocol)}")
    structure_set, grid = read_rtstruct(rtstruct), read_rtdose(rtdose)
    plan = read_rtplan(rtplan) if rtplan is not None else None
    check_same_frame(*(item for item in (structure_set, grid, plan) if item is not None))
    rows, by_standard = _mapped_structures(structure_set, mapping or {})
    typed = [r for r in rules.typed if isinstance(r, ProtocolRule)]
    needed: list[int] = []
    for rule in typed:
        present = [s for s in rule.structures if s in by_standard]
        if present and len(by_standard[present[0]]) == 1 and by_standard[present[0]][0] not in needed:
            needed.append(by_standard[present[0]][0])
    dvhs = {d.roi_number: d for d in compute_dvhs(structure_set, grid, roi_numbers=needed)} if needed else {}
    notes, schedule = _fractionation(rules.header, plan)
    results = [_evaluate(rule, by_standard, dvhs, structure_set, schedule) for rule in typed]
    warnings = [w.as_dict() for d in dvhs.values() for w in d.warnings]
    title = str(rules.header.get("title", protocol))
    return PlanCheck(protocol, title, plan, results, rows, warnings, notes)


def _fractionation(header: Mapping[str, object], plan: Plan | None) -> tuple[list[str], Fractionation | None]:
    """Whether the plan is in the schedule the protocol's constraints are stated for. If not, the
    constraints are compared in EQD2 (returned schedule); if the plan's schedule is unknown, as physical
    doses with a note saying so: never silently as if the schedules were the same."""
    stated = header.get("stated_for")
    if not isinstance(stated, Mapping):
        return [], None
    spec = StatedFor.model_validate(stated)
    if plan is None or plan.fractions is None or not plan.prescription_gy:
        note = (
            f"the protocol's constraints are stated for {spec.text}; the plan's fractionation is unknown "
            "(no RTPLAN, or no fractions or prescription in it): compared as physical doses, check that "
            "the plan uses that fractionation"
        )
        return [note], None
    schedule = Fractionation(plan.fractions, plan.prescription_gy, spec.text)
    if spec.min_dose_per_fraction_gy <= round(schedule.per_fraction_gy, 6) <= spec.max_dose_per_fraction_gy:
        return [], None
    notes = [
        f"this plan gives {schedule.per_fraction_gy:.3g} Gy per fraction ({plan.prescription_gy:g} Gy in "
        f"{plan.fractions} fx); the protocol's constraints are stated for {spec.text}: each is compared in "
        "EQD2 with its structure's α/β, every voxel receiving its dose in the plan's fractions"
    ]
    if lq.outside_validated_range(plan.prescription_gy, plan.fractions):
        notes.append("dose per fraction > 10 Gy: outside the validated LQ range (reference note §1.4)")
    return notes, schedule


def _unknown(base: dict[str, object], reason: str, structure: str | None = None) -> dict[str, object]:
    return {
        **base,
        "structure": structure,
        "status": "unknown",
        "value": None,
        "margin": None,
        "reason": reason,
    }


def _evaluate(
    rule: ProtocolRule,
    by_standard: dict[str, list[int]],
    dvhs: dict[int | None, Dvh],
    structures: StructureSet,
    schedule: Fractionation | None = None,
) -> dict[str, object]:
    constraint = parse_constraint(rule.constraint, rule.tolerance)
    base: dict[str, object] = {
        "id": rule.id,
        "constraint": constraint.text,
        "source": rule.source,
        "verified": rule.verified,
    }
    present = [s for s in rule.structures if s in by_standard]
    if not present:
        wanted = ", ".join(rule.structures)
        return _unknown(base, f"no structure maps to {wanted} (name one with --map)")
    standard = present[0]
    numbers = by_standard[standard]
    if len(numbers) > 1:
        listing = ", ".join(f"ROI {n} '{structures.structures[n].name}'" for n in numbers)
        return {
            **_unknown(base, f"{len(numbers)} structures map to {standard} ({listing}): pick one with --map"),
            "tg263": standard,
        }
    dvh = dvhs[numbers[0]]
    if dvh.status in ("outside_dose_grid", "no_contours"):
        reason = f"structure '{dvh.name}' has no volume inside the dose grid ({dvh.status.replace('_', ' ')})"
        return {**_unknown(base, reason, dvh.name), "tg263": standard, "roi_number": dvh.roi_number}
    value = constraint.measure(dvh)
    compared = value
    extra: dict[str, object] = {}
    if schedule is not None:
        tissue = _tissue_table().get(standard)
        if tissue is None:
            reason = (
                f"the plan ({schedule.fractions} fx) is not in the protocol's fractionation and the knowledge "
                f"holds no α/β for {standard}: it cannot be compared in EQD2"
            )
            return {**_unknown(base, reason, dvh.name), "tg263": standard, "roi_number": dvh.roi_number}
        alpha_beta, ab_rule = alpha_beta_for(tissue)
        compared = measure_eqd2(constraint, dvh, schedule.fractions, alpha_beta)
        extra = {
            "value_eqd2": round(compared, 3),
            "comparison": f"in EQD2 (α/β {alpha_beta:g} Gy, {tissue.replace('_', ' ')}), {schedule.fractions} fx",
            "alpha_beta_gy": alpha_beta,
            "alpha_beta_source": ab_rule.source,
            "alpha_beta_verified": ab_rule.verified,
        }
    status, margin = constraint.evaluate(compared)
    result: dict[str, object] = {
        **base,
        "structure": dvh.name,
        "roi_number": dvh.roi_number,
        "tg263": standard,
        "status": status,
        "value": round(value, 3),
        "unit": constraint.unit,
        "margin": round(margin, 3),
        "tolerance": constraint.band,
        **extra,
    }
    if dvh.status != "ok":
        result["note"] = f"structure {dvh.status.replace('_', ' ')}: statistics of the part inside the grid"
    return result
