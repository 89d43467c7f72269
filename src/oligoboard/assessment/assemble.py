"""One case in, the `assess --json` contract out (architecture note, "Command-line contract").

The engine decides and each domain package builds its section (`section.py`); this module only assembles
them: disease state with the facts still missing, recommendations, trials and radiotherapy checks, each carrying its source, plus the provenance needed to
reproduce the verdict (knowledge version, engine version, case hash).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from oligoboard import __version__
from oligoboard.case.io import case_content_hash
from oligoboard.case.models import Case
from oligoboard.case.validate import answer_key_problems
from oligoboard.classification.disease_state import disease_state
from oligoboard.dose.section import cumulative_section, radiotherapy_section
from oligoboard.engine.knowledge_base import KnowledgeBase
from oligoboard.engine.results import CaseResult
from oligoboard.engine.runner import Engine
from oligoboard.errors import CaseValidationError
from oligoboard.guidelines.ablative import ablative_definition
from oligoboard.guidelines.section import recommendations_section
from oligoboard.trials.section import trials_section

if TYPE_CHECKING:  # the contract type is for mypy; the contract test imports it to validate at run time
    from oligoboard.assessment.contract import Assessment


def check_answers(case: Case, kb: KnowledgeBase) -> None:
    """Refuse answers to criteria the knowledge base does not ask: a typo would silently leave one unanswered.

    The message names neither the case id nor the keys (patient data, issue 12): `answer_key_problems`.
    """
    problems = answer_key_problems(case.answers, kb.answer_keys)
    if problems:
        raise CaseValidationError(f"{len(problems)} answer(s) to no known criterion", problems)


def assess(case: Case, engine: Engine) -> Assessment:
    """The full assessment of one case, as the JSON contract."""
    check_answers(case, engine.kb)
    result = engine.evaluate_one(case)
    return assemble(case, result, engine.kb)


def assemble(case: Case, result: CaseResult, kb: KnowledgeBase) -> Assessment:
    """The JSON contract from an evaluated case: each domain package builds its own section.

    The keys are written in the order `assess --json` has always printed them (the contract is byte-stable).
    """
    recommendations = recommendations_section(result, kb)
    trials = trials_section(result, kb)
    states = {k: d.value for k, d in result.decisions.items()}  # facts: the findings report/ words
    return {
        "case_id": case.id,
        "knowledge_version": kb.full_version,
        "engine_version": __version__,
        "case_hash": case_content_hash(case),
        "assessment_date": case.assessment_date.isoformat(),
        "disease_state": disease_state(result, kb),
        "recommendations": recommendations["recommendations"],
        "alternatives": recommendations["alternatives"],
        "concordance": recommendations["concordance"],
        "workup_gaps": recommendations["workup_gaps"],
        "workup_advisories": recommendations["workup_advisories"],
        "ablative_dose": recommendations["ablative_dose"],
        "guidance": recommendations["guidance"],
        "trials": trials["trials"],
        "next_best_questions": trials["next_best_questions"],
        "radiotherapy": radiotherapy_section(case.radiotherapy_courses, ablative_definition(kb)),
        "radiotherapy_cumulative": cumulative_section(case.radiotherapy_courses),
        "facts": {k: v for k, v in result.features.items() if k != "case_id"} | states,
    }
