"""Cases as the workspace handles them: parse an upload with the contract, assess, index for the list.

Validation is the contract's own (`documents` strict reader, `case.validate.parse_case`, and the
assessment's `check_answers`), so the web refuses exactly what `oligoboard validate` refuses.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING, Any, cast

from oligoboard.case.models import Case
from oligoboard.case.validate import parse_case
from oligoboard.documents import InputLimits, decode, parse_json, parse_yaml
from oligoboard.errors import CaseValidationError, Problem

if TYPE_CHECKING:
    from oligoboard.engine.runner import Engine
    from oligoboard.store.repositories import CaseIndex


@cache
def engine() -> Engine:
    """One engine per process (built from the on-disk compiled-knowledge cache)."""
    from oligoboard.engine.runner import Engine

    return Engine()


def parse_upload(data: bytes, filename: str) -> dict[str, Any]:
    """The uploaded bytes as a parsed document (JSON, or YAML for .yaml/.yml), within the reader's limits."""
    limits = InputLimits.from_env()
    if len(data) > limits.max_bytes:
        raise CaseValidationError(
            "upload too large", [Problem("<document>", f"larger than {limits.max_bytes} bytes")]
        )
    name = "upload"
    text = decode(data, name)
    is_yaml = filename.lower().endswith((".yaml", ".yml"))
    document = (parse_yaml if is_yaml else parse_json)(text, name, limits).value
    if not isinstance(document, dict):
        raise CaseValidationError("a case must be an object", [Problem("<document>", "not an object")])
    return document


def validate(document: dict[str, Any]) -> Case:
    """The contract's checks plus the answer keys the knowledge asks (a typo there would be silently lost)."""
    from oligoboard.assessment.assemble import check_answers

    case = parse_case(document, source="upload")
    check_answers(case, engine().kb)
    return case


def stored_form(case: Case) -> dict[str, Any]:
    """The validated case as stored: the contract's JSON, unknown (None) fields left out."""
    return case.model_dump(mode="json", by_alias=True, exclude_none=True)


def assess(case: Case) -> dict[str, Any]:
    from oligoboard.assessment.assemble import assess as run

    # the web layer stores and serves the contract as JSON: a plain dict here (typed as `Assessment` below)
    return cast("dict[str, Any]", run(case, engine()))


def index_of(assessment: dict[str, Any]) -> CaseIndex:
    """The list columns: the ESTRO/EORTC state and the best trial status (eligible > undetermined > none)."""
    from oligoboard.store.repositories import CaseIndex

    statuses = {str(t.get("status")) for t in assessment.get("trials", [])}
    trial_status = (
        "eligible" if "eligible" in statuses else "undetermined" if "undetermined" in statuses else "none"
    )
    state = assessment.get("disease_state", {}).get("estro_eortc")
    return CaseIndex(state=str(state) if state is not None else "unknown", trial_status=trial_status)


def with_answer(document: dict[str, Any], key: str, value: bool | None) -> dict[str, Any]:
    """A copy of the document with one attested criterion answered (None removes the answer: unknown)."""
    answers = dict(document.get("answers") or {})
    if value is None:
        answers.pop(key, None)
    else:
        answers[key] = value
    out = dict(document)
    out["answers"] = answers
    return out


_ANSWER_FACT = re.compile(r"^answers\['(?P<key>[^']+)'\]$")


def attested_open(assessment: dict[str, Any], answers: dict[str, Any]) -> list[dict[str, Any]]:
    """Attested criteria a clinician can answer on the page: open questions first, then answered ones.

    Open ones come from the facts to collect (`next_best_questions`, attested) and the unknown criteria
    of trials still undetermined (an answer there can change a verdict; an ineligible trial stays
    ineligible whatever is answered); answered ones from the case's `answers`, so an answer can be
    changed or withdrawn.
    """
    seen: dict[str, dict[str, Any]] = {}
    for question in assessment.get("next_best_questions", []):
        match = _ANSWER_FACT.match(str(question.get("fact", "")))
        if question.get("attested") and match:
            seen.setdefault(
                match["key"], {"key": match["key"], "text": question.get("question"), "answer": None}
            )
    for trial in assessment.get("trials", []):
        if trial.get("status") != "undetermined":
            continue
        for criterion in trial.get("criteria", []):
            key = criterion.get("answer_key")
            if criterion.get("attested") and key and criterion.get("status") == "unknown":
                seen.setdefault(key, {"key": key, "text": criterion.get("text"), "answer": None})
    for key, value in answers.items():
        seen.setdefault(key, {"key": key, "text": None, "answer": value})["answer"] = value
    return sorted(seen.values(), key=lambda item: (item["answer"] is not None, item["key"]))
