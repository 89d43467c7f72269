"""Cumulative EQD2 per organ across radiotherapy courses (re-irradiation).

Assumptions, stated in every result: each course's organ dose is converted to EQD2 with the LQ model using
that course's fraction number (the organ is assumed to receive its dose in the same number of fractions as
the target), the organ's α/β from ``alpha_beta.yaml``, no time factor, and no recovery between courses
(full additivity: the most conservative assumption). A mean dose converted to EQD2 is an approximation
(LQ is not linear in dose), flagged as such. One unknown course dose makes the cumulative dose unknown.
"""

from __future__ import annotations

from collections.abc import Sequence

from oligoboard.dose import lq
from oligoboard.dose.course_checks import CourseLike, compare
from oligoboard.dose.knowledge import alpha_beta_for, load_knowledge
from oligoboard.knowledge.radiotherapy import ReirradiationRule

#: Organ fields of the case contract and the tissue whose α/β applies to each.
ORGAN_FIELDS: dict[str, str] = {
    "spinal_cord_dmax_gy": "spinal_cord",
    "brachial_plexus_dmax_gy": "brachial_plexus",
    "mean_lung_dose_gy": "lungs",
    "esophagus_dmax_gy": "esophagus",
}

ASSUMPTIONS = (
    "LQ model without time factor; organ dose delivered in the course's number of fractions; "
    "no recovery between courses (full additivity)"
)


def cumulative_eqd2(courses: Sequence[CourseLike] | None) -> list[dict[str, object]]:
    """Per organ: EQD2 of each course, their sum, the α/β used, and any cumulative limit from
    ``reirradiation.yaml`` with its status (``unknown`` when any course dose is missing)."""
    limits = {
        rule.field: rule
        for rule in load_knowledge("reirradiation").typed
        if isinstance(rule, ReirradiationRule)
    }
    results: list[dict[str, object]] = []
    for field, tissue in ORGAN_FIELDS.items():
        alpha_beta, ab_rule = alpha_beta_for(tissue)
        per_course: list[dict[str, object]] = []
        missing: list[str] = []
        total = 0.0
        for course in courses or []:
            dose = getattr(course.oar, field, None) if course.oar is not None else None
            if dose is None or course.fractions is None:
                missing.append(course.id)
                per_course.append({"course": course.id, "dose_gy": dose, "eqd2_gy": None})
                continue
            value = lq.eqd2(float(dose), course.fractions, alpha_beta) if dose > 0 else 0.0
            total += value
            per_course.append(
                {
                    "course": course.id,
                    "dose_gy": float(dose),
                    "fractions": course.fractions,
                    "eqd2_gy": round(value, 3),
                }
            )
        cumulative = None if missing or not per_course else round(total, 3)
        entry: dict[str, object] = {
            "organ": tissue,
            "field": field,
            "alpha_beta_gy": alpha_beta,
            "alpha_beta_source": ab_rule.source,
            "alpha_beta_verified": ab_rule.verified,
            "courses": per_course,
            "cumulative_eqd2_gy": cumulative,
            "missing_courses": missing,
            "assumptions": ASSUMPTIONS
            + ("; mean dose converted as if uniform (approximation)" if field == "mean_lung_dose_gy" else ""),
        }
        rule = limits.get(field)
        if rule is not None:
            status = (
                "unknown"
                if cumulative is None
                else ("pass" if compare(cumulative, rule.operator, float(rule.limit_gy)) else "fail")
            )
            entry["check"] = {
                "id": rule.id,
                "status": status,
                "value": cumulative,
                "limit": f"EQD2 {rule.operator} {rule.limit_gy} Gy",
                "source": rule.source,
                "verified": rule.verified,
            }
        results.append(entry)
    return results


#: How the re-irradiation sum treats time between courses, stated in every summary.
REPAIR_ASSUMPTION = (
    "no recovery between courses: full additivity of EQD2, whatever the interval (the most conservative "
    "assumption; HyTEC re-irradiation data and clinical practice may credit partial recovery after 6+ "
    "months, which this summary does not do)"
)


def _touches(course: CourseLike, field: str) -> bool:
    dose = getattr(course.oar, field, None) if course.oar is not None else None
    return dose is not None and float(dose) > 0


def reirradiation_summary(courses: Sequence[CourseLike] | None) -> dict[str, object] | None:
    """Cumulative EQD2 per organ for the organs that at least two courses irradiate, or None.

    An organ counts as irradiated by a course when the course records a positive dose for it. Each organ
    entry is the ``cumulative_eqd2`` record (per-course EQD2, α/β with its source, the cumulative limit and
    its status) plus ``courses_touching`` and, when another course's dose to the organ is unknown,
    ``known_courses_eqd2_gy``: the sum over the courses that report it, a lower bound (the cumulative
    value itself stays None and the check ``unknown``). The LQ, fractionation and repair assumptions are
    stated at the top level and in each entry. Returns None when no organ is irradiated by two courses
    (fewer than two courses, or courses to separate organs): there is no re-irradiation to sum.

    Example:
        >>> from types import SimpleNamespace as C
        >>> oar = lambda cord: C(spinal_cord_dmax_gy=cord, brachial_plexus_dmax_gy=None,
        ...                      mean_lung_dose_gy=None, esophagus_dmax_gy=None)
        >>> summary = reirradiation_summary([C(id="RT1", fractions=5, oar=oar(20.0)),
        ...                                  C(id="RT2", fractions=10, oar=oar(30.0))])
        >>> summary["organs"][0]["organ"], summary["organs"][0]["cumulative_eqd2_gy"]
        ('spinal_cord', 67.5)
        >>> reirradiation_summary([C(id="RT1", fractions=5, oar=oar(20.0))]) is None
        True
    """
    courses = list(courses or [])
    if len(courses) < 2:
        return None
    organs: list[dict[str, object]] = []
    for entry in cumulative_eqd2(courses):
        field = str(entry["field"])
        touching = [course.id for course in courses if _touches(course, field)]
        if len(touching) < 2:
            continue
        record = dict(entry)
        record["courses_touching"] = touching
        per_course = entry["courses"]
        if entry["cumulative_eqd2_gy"] is None and isinstance(per_course, list):
            known = [float(c["eqd2_gy"]) for c in per_course if c["eqd2_gy"] is not None]
            record["known_courses_eqd2_gy"] = round(sum(known), 3)
        organs.append(record)
    if not organs:
        return None
    return {
        "assumptions": {
            "model": "linear-quadratic, no time factor; EQD2 = D (d + α/β) / (2 + α/β)",
            "fractionation": "each course's organ dose is delivered in that course's number of fractions",
            "repair": REPAIR_ASSUMPTION,
            "alpha_beta": "per organ from knowledge/radiotherapy/alpha_beta.yaml (value and source in each entry)",
        },
        "organs": organs,
    }
