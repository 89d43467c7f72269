"""Cross-field rules of the case@2 timeline: facts valid alone but contradictory together (exit 2).

They complete `validate.cross_field_problems` for case@2 documents (docs/case-contract.md,
"Contradictions"). `latest_status` is the rule for a lesion's current status that `features.sql`
(`lesions_current`) applies too: the finding on the latest dated scan that records the lesion; none when a
scan recording it is undated (it might be the latest) or when findings of the same day disagree.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date

from oligoboard.case.models import Case, LesionStatus
from oligoboard.errors import Problem


def _duplicates(ids: Iterable[str]) -> Iterable[tuple[int, str]]:
    """(index of the second occurrence, id) for every id given more than once."""
    seen: Counter[str] = Counter()
    for i, item in enumerate(ids):
        seen[item] += 1
        if seen[item] == 2:
            yield i, item


def latest_status(case: Case) -> dict[str, LesionStatus]:
    """Lesion id → status at the latest scan recording it, where the timeline settles it."""
    dated: dict[str, list[tuple[date, LesionStatus | None]]] = {}
    undated: set[str] = set()
    for scan in case.imaging or []:
        for finding in scan.findings or []:
            if scan.date is None:
                undated.add(finding.lesion)
            else:
                dated.setdefault(finding.lesion, []).append((scan.date, finding.status))
    out: dict[str, LesionStatus] = {}
    for lesion_id, seen in dated.items():
        if lesion_id in undated:
            continue
        last = max(d for d, _ in seen)
        statuses = {s for d, s in seen if d == last}
        if len(statuses) == 1 and None not in statuses:
            out[lesion_id] = statuses.pop()  # type: ignore[assignment]  # None excluded just above
    return out


def _scan_problems(case: Case, lesion_ids: set[str]) -> list[Problem]:
    problems: list[Problem] = []
    scans = case.imaging or []
    for i, _ in _duplicates(scan.id for scan in scans):
        problems.append(Problem(f"imaging[{i}].id", "duplicate scan id (an earlier scan has the same id)"))
    for i, scan in enumerate(scans):
        findings = scan.findings or []
        for j, finding in enumerate(findings):
            if finding.lesion not in lesion_ids:
                problems.append(
                    Problem(
                        f"imaging[{i}].findings[{j}].lesion",
                        "is not the id of a lesion in lesions",
                        expected="the id of an entry in lesions",
                    )
                )
        for j, _ in _duplicates(f.lesion for f in findings):
            problems.append(
                Problem(f"imaging[{i}].findings[{j}].lesion", "the same lesion is read twice on one scan")
            )
    return problems


def _treatment_problems(case: Case, lesion_ids: set[str]) -> list[Problem]:
    problems: list[Problem] = []
    treatments = case.local_treatments or []
    course_ids = {course.id for course in case.radiotherapy_courses or []}
    for i, _ in _duplicates(t.id for t in treatments):
        problems.append(
            Problem(f"local_treatments[{i}].id", "duplicate treatment id (an earlier one has it)")
        )
    for i, treatment in enumerate(treatments):
        where = f"local_treatments[{i}]"
        if treatment.target is not None and treatment.target not in {"primary", *lesion_ids}:
            problems.append(
                Problem(
                    f"{where}.target",
                    "is neither 'primary' nor the id of a lesion in lesions",
                    expected="'primary' or the id of an entry in lesions",
                )
            )
        if treatment.margin is not None and treatment.modality not in (None, "surgery"):
            problems.append(
                Problem(
                    f"{where}.margin",
                    "a resection margin is only meaningful when modality is surgery",
                    expected="no margin, or modality surgery",
                )
            )
        if treatment.rt_course is not None and treatment.rt_course not in course_ids:
            problems.append(
                Problem(
                    f"{where}.rt_course",
                    "is not the id of a course in radiotherapy_courses",
                    expected="the id of an entry in radiotherapy_courses",
                )
            )
    return problems


def _lesion_problems(case: Case) -> list[Problem]:
    problems: list[Problem] = []
    targeted = {t.target for t in case.local_treatments or [] if t.target is not None}
    latest = latest_status(case)
    for i, lesion in enumerate(case.lesions or []):
        if lesion.treated is False and lesion.id in targeted:
            problems.append(
                Problem(
                    f"lesions[{i}].treated",
                    "is false, but an entry of local_treatments targets this lesion",
                )
            )
        current = latest.get(lesion.id)
        if lesion.status is not None and current is not None and lesion.status != current:
            problems.append(
                Problem(
                    f"lesions[{i}].status",
                    "contradicts the status of the latest scan finding for this lesion (imaging[].findings[])",
                    expected="the status of that finding, or no summary status",
                )
            )
    return problems


def _course_problems(case: Case) -> list[Problem]:
    problems: list[Problem] = []
    for i, course in enumerate(case.radiotherapy_courses or []):
        if course.start_date and course.end_date and course.end_date < course.start_date:
            problems.append(
                Problem(
                    f"radiotherapy_courses[{i}].end_date",
                    f"{course.end_date.isoformat()} is before start_date {course.start_date.isoformat()}",
                )
            )
    return problems


def timeline_problems(case: Case) -> list[Problem]:
    """Every contradiction of the case@2 timeline, in document order of the sections."""
    lesion_ids = {lesion.id for lesion in case.lesions or []}
    return [
        *_scan_problems(case, lesion_ids),
        *_treatment_problems(case, lesion_ids),
        *_lesion_problems(case),
        *_course_problems(case),
    ]
