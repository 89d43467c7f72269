"""Regimen and organ-at-risk checks on a case's ``radiotherapy_courses``, by the course's context.

The rules are data (``knowledge/radiotherapy/regimens.yaml`` and ``oar_limits.yaml``, read as typed
specs); this module decides which rules apply to a course and which comparison each needs:

- **Which rules.** A course that names a protocol (``protocol``, case@2) gets that protocol's rules and
  only that protocol's: a closed trial's dose rule is never applied to a patient treated off trial. The
  general limits of organs the protocol leaves open are added (an unconstrained organ is not a free organ).
  A course without a protocol, or naming one the knowledge does not hold, gets the general limits chosen by
  fraction number (SBRT tables for 1-5 fractions, conventional limits otherwise) and, when it is SBRT/SRS to
  a metastasis, the DLCG ablative statement; nothing trial-specific.
- **Which comparison.** A limit tabulated per fraction number is compared as stated for that number. A
  limit stated for one fractionation (``stated_for``) is compared as stated when the course's dose per
  fraction is in that range, and in EQD2 with the organ's α/β otherwise (55 Gy/20 fx with cord Dmax 50 Gy
  is EQD2₂ 56.25 Gy, above a 54 Gy limit stated for 2 Gy fractions). Every check says which it made.
- **What a result means.** Limits give pass/fail; a prescription target (MLD 20 ± 1 Gy for the primary)
  gives on_target/off_target; the DLCG statement gives ablative/not_ablative. Three-valued throughout: a
  missing dose, fraction number, technique, target or OAR value gives ``unknown`` when it could change the
  answer, never a pass.

It depends on the case model only through the small protocols below, so anything with the same attribute
names can be checked.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from oligoboard.dose import lq
from oligoboard.dose.knowledge import alpha_beta_for, load_knowledge
from oligoboard.knowledge.radiotherapy import AlphaBetaRule, AppliesTo, OarLimitRule, RegimenRule

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
    """One radiotherapy course as the case contract describes it (case@2: ``protocol`` names the protocol
    the course is given under; case@1 documents are upgraded with none)."""

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
    @property
    def protocol(self) -> str | None: ...


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


def course_protocol(course: CourseLike) -> str | None:
    """The protocol a course names (case@2 ``protocol``), blank as None."""
    value = course.protocol
    return (str(value).strip() or None) if value is not None else None


@dataclass(frozen=True)
class RuleBook:
    """The course rules, typed, split once into general rules and each protocol's rules."""

    regimens: tuple[RegimenRule, ...]
    oar_limits: tuple[OarLimitRule, ...]

    @classmethod
    def packaged(cls) -> RuleBook:
        regimens = tuple(r for r in load_knowledge("regimens").typed if isinstance(r, RegimenRule))
        oar = tuple(r for r in load_knowledge("oar_limits").typed if isinstance(r, OarLimitRule))
        return cls(regimens, oar)

    def protocols(self) -> dict[str, str]:
        """Protocol ids with course rules, keyed case-insensitively (``nct01282450`` → ``NCT01282450``)."""
        found = {r.protocol for r in self.regimens if r.protocol}
        found |= {r.protocol for r in self.oar_limits if r.protocol}
        return {p.lower(): p for p in sorted(found)}


def _applicability(scope: AppliesTo, course: CourseLike) -> tuple[bool | None, str | None]:
    """Whether a rule applies to a course: True, False, or None (a filter's input unknown) with a note."""
    technique = (course.technique or "").lower() or None
    kind = target_kind(course.target)
    missing = []
    if scope.techniques is not None:
        if technique is None:
            missing.append("technique")
        elif technique not in scope.techniques:
            return False, None
    if scope.targets is not None:
        if kind is None:
            missing.append("target")
        elif kind not in scope.targets:
            return False, None
    if scope.fractions is not None:
        if course.fractions is None:
            missing.append("fractions")
        elif not scope.fractions.contains(course.fractions):
            return False, None
    if missing:
        return None, f"applicability unknown: {', '.join(missing)} not given"
    return True, None


def _basis(protocol: str | None, role: str) -> str:
    if protocol:
        return f"protocol {protocol}"
    return "guideline" if role == "statement" else "general"


def _check(
    rule: RegimenRule | OarLimitRule, status: str, value: float | None, limit: str, **extra: object
) -> dict[str, object]:
    result: dict[str, object] = {
        "id": rule.id,
        "status": status,
        "value": None if value is None else round(value, 3),
        "limit": limit,
        "basis": _basis(rule.protocol, rule.role),
        "role": rule.role,
        "source": rule.source,
        "verified": rule.verified,
    }
    if rule.note:
        result["note"] = rule.note
    result.update({k: v for k, v in extra.items() if v is not None})
    return result


def _statement_status(met: bool, rule: RegimenRule) -> str:
    if rule.role == "statement":
        return "ablative" if met else "not_ablative"
    return "pass" if met else "fail"


def _regimen_check(rule: RegimenRule, course: CourseLike, note: str | None) -> dict[str, object]:
    dose, n = course.total_dose_gy, course.fractions
    if rule.metric == "regimen_range":
        assert rule.min_total_gy is not None and rule.max_total_gy is not None
        assert rule.min_fractions is not None and rule.max_fractions is not None
        limit = f"{rule.min_total_gy}-{rule.max_total_gy} Gy in {rule.min_fractions}-{rule.max_fractions} fx"
        if dose is None or n is None or note:
            reason = note or "total_dose_gy or fractions not given"
            return _check(rule, "unknown", dose, limit, metric=rule.metric, reason=reason)
        ok = rule.min_total_gy <= dose <= rule.max_total_gy and rule.min_fractions <= n <= rule.max_fractions
        return _check(
            rule,
            "pass" if ok else "fail",
            float(dose),
            limit,
            metric="total_dose_gy",
            fractions=n,
            comparison="as stated: total dose and fraction number",
        )
    assert rule.alpha_beta_gy is not None and rule.operator is not None and rule.limit_gy is not None
    alpha_beta = float(rule.alpha_beta_gy)
    limit = f"{rule.metric.upper()}{alpha_beta:g} {rule.operator} {rule.limit_gy} Gy"
    comparison = f"{rule.metric.upper()} with α/β {alpha_beta:g} Gy (a biological dose: no conversion)"
    if dose is None or n is None:
        reason = "total_dose_gy or fractions not given"
        return _check(
            rule, "unknown", None, limit, metric=rule.metric, alpha_beta_gy=alpha_beta, reason=note or reason
        )
    value = lq.bed(dose, n, alpha_beta) if rule.metric == "bed" else lq.eqd2(dose, n, alpha_beta)
    met = compare(value, rule.operator, float(rule.limit_gy))
    status = "unknown" if note else _statement_status(met, rule)
    warning = (
        "dose per fraction > 10 Gy: outside the validated LQ range"
        if lq.outside_validated_range(dose, n)
        else None
    )
    return _check(
        rule,
        status,
        value,
        limit,
        metric=rule.metric,
        alpha_beta_gy=alpha_beta,
        comparison=comparison,
        reason=note,
        warning=warning,
    )


@dataclass(frozen=True)
class _Comparison:
    """One way of comparing an organ dose with a limit: the value compared and how it was obtained."""

    mode: str  # as_stated | eqd2
    value: float
    text: str
    warning: str | None = None
    alpha_beta: AlphaBetaRule | None = None


def _eqd2_comparison(rule: OarLimitRule, value: float, n: int, course_dpf: float | None) -> _Comparison:
    alpha_beta, ab_rule = alpha_beta_for(rule.organ)
    organ_eqd2 = lq.eqd2(value, n, alpha_beta) if value > 0 else 0.0
    assert rule.stated_for is not None
    course_text = f"course {course_dpf:g} Gy per fraction" if course_dpf is not None else "course"
    text = (
        f"in EQD2 (α/β {alpha_beta:g} Gy): {rule.organ.replace('_', ' ')} {value:g} Gy in {n} fx = "
        f"{organ_eqd2:.2f} Gy; limit stated for {rule.stated_for.text}, {course_text}"
    )
    warning = (
        "organ dose per fraction > 10 Gy: outside the validated LQ range"
        if value > 0 and lq.outside_validated_range(value, n)
        else None
    )
    return _Comparison("eqd2", organ_eqd2, text, warning, ab_rule)


def _comparisons(rule: OarLimitRule, value: float, course: CourseLike) -> list[_Comparison] | str:
    """The comparison(s) a limit needs for this course, or the reason none can be made.

    Two are returned when the course's dose per fraction is unknown but the EQD2 one can be computed: the
    answer is then known only if both agree (unknown is not no: it matters only if it could change it)."""
    n = course.fractions
    if rule.limits_by_fractions_gy is not None:
        return [_Comparison("as_stated", value, f"as stated: limit tabulated for {n} fractions")]
    stated = rule.stated_for
    if stated is None:
        return [_Comparison("as_stated", value, "as stated")]
    if n is None:
        return "fractions not given: the comparison (as stated or in EQD2) cannot be chosen"
    dose = course.total_dose_gy
    if dose is None:
        return [
            _Comparison("as_stated", value, f"as stated: limit stated for {stated.text}"),
            _eqd2_comparison(rule, value, n, None),
        ]
    dpf = round(dose / n, COMPARE_DECIMALS)
    if stated.min_dose_per_fraction_gy <= dpf <= stated.max_dose_per_fraction_gy:
        text = f"as stated: limit stated for {stated.text}; course {dpf:g} Gy per fraction"
        return [_Comparison("as_stated", value, text)]
    return [_eqd2_comparison(rule, value, n, dpf)]


def _oar_status(rule: OarLimitRule, value: float, limit_gy: float) -> str:
    if rule.operator == "band":
        assert rule.tolerance_gy is not None
        inside = compare(abs(value - limit_gy), "<=", float(rule.tolerance_gy))
        return "on_target" if inside else "off_target"
    return "pass" if compare(value, rule.operator, limit_gy) else "fail"


def _oar_check(rule: OarLimitRule, course: CourseLike, note: str | None) -> dict[str, object]:
    oar = course.oar
    raw = getattr(oar, rule.field, None) if oar is not None else None
    value = None if raw is None else float(raw)
    n = course.fractions
    field = {"metric": rule.field, "organ": rule.organ}
    if rule.limits_by_fractions_gy is not None:
        table = {int(k): float(v) for k, v in rule.limits_by_fractions_gy.items()}
        if n is None:
            return _check(
                rule,
                "unknown",
                value,
                "limit depends on fraction number",
                **field,
                reason="fractions not given",
            )
        if n not in table:
            reason = (
                f"the source tabulates {sorted(table)} fractions only; no LQ extrapolation between SBRT "
                "schedules (reference note §1.4)"
            )
            return _check(
                rule, "unknown", value, f"no tabulated limit for {n} fractions", **field, reason=reason
            )
        limit_gy = table[n]
    else:
        assert rule.limit_gy is not None
        limit_gy = float(rule.limit_gy)
    if rule.operator == "band":
        limit = f"{limit_gy:g} ± {float(rule.tolerance_gy or 0):g} Gy (target)"
    else:
        limit = f"{rule.operator} {limit_gy:g} Gy"
    if value is None or note:
        return _check(rule, "unknown", value, limit, **field, reason=note or f"{rule.field} not given")
    ways = _comparisons(rule, value, course)
    if isinstance(ways, str):
        return _check(rule, "unknown", value, limit, **field, reason=ways)
    statuses = {_oar_status(rule, way.value, limit_gy) for way in ways}
    chosen = ways[-1]
    if len(ways) > 1:
        if len(statuses) > 1:
            reason = "total_dose_gy not given: as stated and in EQD2 disagree, so the comparison matters"
            return _check(rule, "unknown", value, limit, **field, reason=reason)
        comparison = "either way (total_dose_gy not given; as stated and in EQD2 agree): " + chosen.text
    else:
        comparison = chosen.text
    extra: dict[str, object] = {"comparison": comparison, "comparison_mode": chosen.mode}
    if chosen.alpha_beta is not None:
        extra["value_eqd2_gy"] = round(chosen.value, 3)
        extra["alpha_beta_gy"] = float(chosen.alpha_beta.alpha_beta_gy)
        extra["alpha_beta_source"] = chosen.alpha_beta.source
        extra["alpha_beta_verified"] = chosen.alpha_beta.verified
    return _check(rule, statuses.pop(), value, limit, **field, **extra, warning=chosen.warning)


def _protocol_note(named: str | None, known: str | None) -> dict[str, object] | None:
    if named is None:
        return None
    if known is None:
        return {
            "named": named,
            "known": False,
            "note": f"protocol '{named}' has no course rules in the knowledge: general limits only",
        }
    return {"named": named, "known": True, "protocol": known}


def check_course(course: CourseLike, book: RuleBook | None = None) -> dict[str, object]:
    """The checks of one course in its context (see the module docstring for which rules and why)."""
    book = book or RuleBook.packaged()
    named = course_protocol(course)
    protocol = book.protocols().get(named.lower()) if named else None
    checks: list[dict[str, object]] = []
    for rule in book.regimens:
        if rule.protocol != protocol or (protocol is not None and rule.role == "statement"):
            continue
        applies, note = _applicability(rule.applies_to, course)
        if applies is not False:
            checks.append(_regimen_check(rule, course, note))
    # A general limit gives way to the protocol's own rule on that organ, where that rule applies here.
    protocol_fields = {
        r.field
        for r in book.oar_limits
        if protocol and r.protocol == protocol and _applicability(r.applies_to, course)[0] is not False
    }
    for oar_rule in book.oar_limits:
        if oar_rule.protocol is not None and oar_rule.protocol != protocol:
            continue
        if oar_rule.protocol is None and oar_rule.field in protocol_fields:
            continue
        applies, note = _applicability(oar_rule.applies_to, course)
        if applies is not False:
            checks.append(_oar_check(oar_rule, course, note))
    result: dict[str, object] = {"course": course.id, "checks": checks}
    context = _protocol_note(named, protocol)
    if context is not None:
        result["protocol"] = context
    return result


def check_courses(courses: Sequence[CourseLike] | None) -> list[dict[str, object]]:
    """The ``radiotherapy`` section of ``assess`` output: one entry per course, in input order.

    ``None`` (courses unknown) and ``[]`` (known: none) both give an empty list; there is nothing to check.
    """
    book = RuleBook.packaged()
    return [check_course(course, book) for course in courses or []]
