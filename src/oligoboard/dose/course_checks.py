"""Regimen and organ-at-risk checks on a case's ``radiotherapy_courses``.

The rules are data (``knowledge/radiotherapy/regimens.yaml`` and ``oar_limits.yaml``); this module only
decides which rules apply to a course and evaluates them with three-valued logic: a missing dose, fraction
number, technique, target or OAR value gives ``unknown``, never ``pass``. It depends on the case model only
through the small protocols below, so it can be used on anything with the same attribute names.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from oligoboard.dose import lq
from oligoboard.dose.knowledge import load_knowledge

#: Decimal places values are rounded to before comparing, so 50 Gy/10 fx gives BED10 75.0 exactly.
COMPARE_DECIMALS = 6


class OarLike(Protocol):
    """Planned OAR doses of a course (Gy); any of them may be unknown."""

    @property
    def spinal_cord_dmax_gy(self) -> float | None: ...
    @property
    def brachial_plexus_dmax_gy(self) -> float | None: ...
    @property
    def mean_lung_dose_gy(self) -> float | None: ...
    @property
    def esophagus_dmax_gy(self) -> float | None: ...


class CourseLike(Protocol):
    """One radiotherapy course as the case contract describes it (case-schema.md)."""

    @property
    def id(self) -> str: ...
    @property
    def target(self) -> str | None: ...
    @property
    def technique(self) -> str | None: ...
    @property
    def total_dose_gy(self) -> float | None: ...
    @property
    def fractions(self) -> int | None: ...
    @property
    def oar(self) -> OarLike | None: ...


def target_kind(target: str | None) -> str | None:
    """``primary`` for the primary tumour, ``metastasis`` for a lesion id, None when unknown."""
    if target is None or not str(target).strip():
        return None
    return "primary" if str(target).strip().lower() == "primary" else "metastasis"


def compare(value: float, operator: str, limit: float) -> bool:
    """Apply a rule's comparison operator after rounding (see ``COMPARE_DECIMALS``)."""
    v, lim = round(value, COMPARE_DECIMALS), round(limit, COMPARE_DECIMALS)
    operations = {">": v > lim, ">=": v >= lim, "<": v < lim, "<=": v <= lim}
    return operations[operator]


def _applicability(rule: Mapping[str, Any], course: CourseLike) -> tuple[bool | None, str | None]:
    """Whether a rule applies to a course: True, False, or None (technique/target unknown) with a note."""
    scope = rule.get("applies_to", {})
    technique = (course.technique or "").lower() or None
    kind = target_kind(course.target)
    missing = []
    if "techniques" in scope:
        if technique is None:
            missing.append("technique")
        elif technique not in scope["techniques"]:
            return False, None
    if "targets" in scope:
        if kind is None:
            missing.append("target")
        elif kind not in scope["targets"]:
            return False, None
    if missing:
        return None, f"applicability unknown: {', '.join(missing)} not given"
    return True, None


def _check(
    rule: Mapping[str, Any], status: str, value: float | None, limit: str, **extra: object
) -> dict[str, object]:
    result: dict[str, object] = {
        "id": rule["id"],
        "status": status,
        "value": None if value is None else round(value, 3),
        "limit": limit,
        "source": rule["source"],
        "verified": rule["verified"],
    }
    if rule.get("note"):
        result["note"] = rule["note"]
    result.update({k: v for k, v in extra.items() if v is not None})
    return result


def _regimen_check(rule: Mapping[str, Any], course: CourseLike, note: str | None) -> dict[str, object]:
    dose, n = course.total_dose_gy, course.fractions
    metric = rule["metric"]
    if metric == "regimen_range":
        doses = f"{rule['min_total_gy']}-{rule['max_total_gy']} Gy"
        limit = f"{doses} in {rule['min_fractions']}-{rule['max_fractions']} fx"
        if dose is None or n is None or note:
            return _check(rule, "unknown", dose, limit, metric=metric, reason=note)
        ok = (
            rule["min_total_gy"] <= dose <= rule["max_total_gy"]
            and rule["min_fractions"] <= n <= rule["max_fractions"]
        )
        return _check(rule, "pass" if ok else "fail", float(dose), limit, metric="total_dose_gy", fractions=n)
    alpha_beta = float(rule["alpha_beta_gy"])
    limit = f"{metric.upper()}{alpha_beta:g} {rule['operator']} {rule['limit_gy']} Gy"
    if dose is None or n is None:
        return _check(
            rule,
            "unknown",
            None,
            limit,
            metric=metric,
            alpha_beta_gy=alpha_beta,
            reason="total_dose_gy or fractions not given",
        )
    value = lq.bed(dose, n, alpha_beta) if metric == "bed" else lq.eqd2(dose, n, alpha_beta)
    status = (
        "unknown"
        if note
        else ("pass" if compare(value, rule["operator"], float(rule["limit_gy"])) else "fail")
    )
    warning = (
        "dose per fraction > 10 Gy: outside the validated LQ range"
        if lq.outside_validated_range(dose, n)
        else None
    )
    return _check(
        rule, status, value, limit, metric=metric, alpha_beta_gy=alpha_beta, reason=note, warning=warning
    )


def _oar_check(rule: Mapping[str, Any], course: CourseLike, note: str | None) -> dict[str, object] | None:
    oar = course.oar
    value = getattr(oar, rule["field"], None) if oar is not None else None
    n = course.fractions
    if "limits_by_fractions_gy" in rule:
        table = {int(k): float(v) for k, v in rule["limits_by_fractions_gy"].items()}
        if n is None:
            return _check(
                rule,
                "unknown",
                value,
                "limit depends on fraction number",
                metric=rule["field"],
                reason="fractions not given",
            )
        if n not in table:
            return _check(
                rule,
                "unknown",
                value,
                f"no tabulated limit for {n} fractions",
                metric=rule["field"],
                reason=f"the source tabulates {sorted(table)} fractions only",
            )
        limit_gy = table[n]
    else:
        limit_gy = float(rule["limit_gy"])
    operator = rule["operator"]
    if operator == "band":
        tolerance = float(rule["tolerance_gy"])
        limit = f"{limit_gy:g} ± {tolerance:g} Gy"
    else:
        limit = f"{operator} {limit_gy:g} Gy"
    if value is None or note:
        return _check(
            rule, "unknown", value, limit, metric=rule["field"], reason=note or f"{rule['field']} not given"
        )
    if operator == "band":
        ok = compare(abs(float(value) - limit_gy), "<=", tolerance)
    else:
        ok = compare(float(value), operator, limit_gy)
    return _check(rule, "pass" if ok else "fail", float(value), limit, metric=rule["field"])


def check_course(course: CourseLike) -> dict[str, object]:
    """All applicable regimen and OAR checks of one course."""
    checks: list[dict[str, object]] = []
    for rule in load_knowledge("regimens").rules:
        applies, note = _applicability(rule, course)
        if applies is not False:
            checks.append(_regimen_check(rule, course, note))
    for rule in load_knowledge("oar_limits").rules:
        applies, note = _applicability(rule, course)
        if applies is not False:
            check = _oar_check(rule, course, note)
            if check is not None:
                checks.append(check)
    return {"course": course.id, "checks": checks}


def check_courses(courses: Sequence[CourseLike] | None) -> list[dict[str, object]]:
    """The ``radiotherapy`` section of ``assess`` output: one entry per course, in input order.

    ``None`` (courses unknown) and ``[]`` (known: none) both give an empty list; there is nothing to check.
    """
    return [check_course(course) for course in courses or []]
