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
    limits = {rule["field"]: rule for rule in load_knowledge("reirradiation").rules}
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
            "alpha_beta_source": ab_rule["source"],
            "alpha_beta_verified": ab_rule["verified"],
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
                else ("pass" if compare(cumulative, rule["operator"], float(rule["limit_gy"])) else "fail")
            )
            entry["check"] = {
                "id": rule["id"],
                "status": status,
                "value": cumulative,
                "limit": f"EQD2 {rule['operator']} {rule['limit_gy']} Gy",
                "source": rule["source"],
                "verified": rule["verified"],
            }
        results.append(entry)
    return results
