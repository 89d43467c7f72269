"""One case in, the `assess --json` contract out (architecture note, "Command-line contract").

The engine decides; this module only arranges the answers: disease state with the facts still missing,
recommendations, trials and radiotherapy checks, each carrying its source, plus the provenance needed to
reproduce the verdict (knowledge version, engine version, case hash).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from oligoboard import __version__
from oligoboard.case.io import case_content_hash
from oligoboard.case.models import Case
from oligoboard.engine.knowledge_base import KnowledgeBase
from oligoboard.engine.results import CaseResult, RuleSetResult
from oligoboard.engine.runner import Engine
from oligoboard.errors import CaseValidationError, Problem
from oligoboard.subsystems import optional_module

DISEASE_STATE_DECISIONS = ("estro_eortc", "tnm9_m", "stage", "prognostic_group")
NOT_OMD = "not_oligometastatic"  # decided "no state" inside the engine; null in the JSON contract
OMD_PARTS = ("omd_lesion_limit", "omd_all_sites_treatable", "omd_no_diffuse_disease")

Section = Callable[[CaseResult, KnowledgeBase], dict[str, Any]]


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def disease_state(result: CaseResult, kb: KnowledgeBase) -> dict[str, Any]:
    missing: list[str] = list(result.definition_missing.get("omd", ()))
    out: dict[str, Any] = {}
    explain: dict[str, Any] = {}
    for name in DISEASE_STATE_DECISIONS:
        decision = result.decisions[name]
        out[name] = decision.value
        missing.extend(decision.missing)
        explain[name] = {
            "decided_by": decision.decided_by,
            "source": decision.source,
            "verified": decision.compiled.spec.verified,
            "missing": list(decision.missing),
        }
    definitions = {d.spec.id: d for d in kb.definitions}
    omd_def = definitions["omd"]
    explain["omd"] = {
        "definition": omd_def.spec.description,
        "source": omd_def.spec.source,
        "verified": omd_def.spec.verified,
        "parts": {
            part: {
                "value": result.definitions.get(part),
                "rule": definitions[part].spec.expr,
                "source": definitions[part].spec.source,
                "verified": definitions[part].spec.verified,
            }
            for part in OMD_PARTS
        },
        "missing": list(result.definition_missing.get("omd", ())),
    }
    return {
        "estro_eortc": None if out["estro_eortc"] == NOT_OMD else out["estro_eortc"],
        "oligometastatic": result.definitions.get("omd"),
        "omd": result.definitions.get("omd"),
        "tnm9_m": out["tnm9_m"],
        "stage": out["stage"],
        "prognostic_group": out["prognostic_group"],
        "missing": _unique(missing),
        "counts": {
            key: result.features.get(key)
            for key in (
                "n_metastases",
                "n_intracranial",
                "n_extracranial",
                "n_organs",
                "n_extrathoracic_organs",
            )
        },
        "months_primary_to_metastatic": _round(result.features.get("months_primary_to_metastatic")),
        "explain": explain,
        "conventions": [
            *kb.files["omd-estro-astro-2020"].info.counting_choices,
            *kb.files["estro-eortc-2020"].info.choices,
        ],
    }


def _round(value: Any) -> Any:
    return round(float(value), 2) if isinstance(value, int | float) else value


def rule_set_json(rs: RuleSetResult) -> dict[str, Any]:
    """Generic rendering of a trial or recommendation: status, criteria, missing facts, source."""
    spec = rs.compiled.spec
    return {
        "id": rs.id,
        "status": rs.status,
        "title": spec.title,
        "grade": spec.grade,
        "source": spec.source,
        "verified": spec.verified,
        "criteria": [
            {
                "id": c.id,
                "kind": c.kind,
                "status": c.status,
                "text": c.compiled.spec.text,
                "missing": list(c.missing),
            }
            for c in rs.criteria
        ],
        "missing": rs.missing,
    }


def _generic_section(kind: str, key: str) -> Section:
    def section(result: CaseResult, kb: KnowledgeBase) -> dict[str, Any]:
        return {key: [rule_set_json(result.rule_sets[rs.spec.id]) for rs in kb.rule_sets_of(kind)]}

    return section


def _domain_section(module: str, function: str, fallback: Section) -> Section:
    """Use the domain layer (guidelines/, trials/) when it is installed, else the generic rendering."""
    mod = optional_module(module)
    if mod is None:
        return fallback
    found: Section = getattr(mod, function)
    return found


def radiotherapy_section(case: Case) -> list[dict[str, Any]]:
    checks = optional_module("oligoboard.dose.course_checks")
    if checks is None:
        return []
    result: list[dict[str, Any]] = checks.check_courses(case.radiotherapy_courses)
    return result


def check_answers(case: Case, kb: KnowledgeBase) -> None:
    """Refuse answers to criteria the knowledge base does not ask: a typo would silently leave one unanswered."""
    known = set(kb.answer_keys)
    unknown = [key for key in (case.answers or {}) if key not in known]
    if unknown:
        raise CaseValidationError(
            f"case {case.id}: {len(unknown)} answer(s) to no known criterion",
            [
                Problem(
                    f"answers[{key!r}]",
                    "no attested criterion has this id",
                    expected="'<rule set id>/<criterion id>'",
                )
                for key in unknown
            ],
        )


def cumulative_section(case: Case) -> dict[str, Any] | None:
    """Cumulative EQD2 per organ when two or more courses reach the same organ (re-irradiation)."""
    dose = optional_module("oligoboard.dose.reirradiation")
    if dose is None:
        return None
    summary: dict[str, Any] | None = dose.reirradiation_summary(case.radiotherapy_courses or [])
    return summary


def assess(case: Case, engine: Engine) -> dict[str, Any]:
    """The full assessment of one case, as the JSON contract."""
    check_answers(case, engine.kb)
    result = engine.evaluate_one(case)
    return assemble(case, result, engine.kb)


def assemble(case: Case, result: CaseResult, kb: KnowledgeBase) -> dict[str, Any]:
    recommendations = _domain_section(
        "oligoboard.guidelines.present",
        "recommendations_section",
        _generic_section("recommendation", "recommendations"),
    )(result, kb)
    trials = _domain_section(
        "oligoboard.trials.present", "trials_section", _generic_section("trial", "trials")
    )(result, kb)
    out: dict[str, Any] = {
        "case_id": case.id,
        "knowledge_version": kb.full_version,
        "engine_version": __version__,
        "case_hash": case_content_hash(case),
        "assessment_date": case.assessment_date.isoformat(),
        "disease_state": disease_state(result, kb),
    }
    out.update(recommendations)
    out.update(trials)
    out["radiotherapy"] = radiotherapy_section(case)
    out["radiotherapy_cumulative"] = cumulative_section(case)
    return out
