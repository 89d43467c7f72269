"""The `info:` metadata of a trial file, validated: what `trials list/show/compare` and `assess` display.

The loader checks the rules (SQL, sources); this module checks the trial description around them, so a
trial file missing its sponsor, arms, endpoints, recruiting flag or criterion numbers fails loudly, naming
the file and the field, instead of showing blanks to a trial coordinator.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pydantic import ValidationError

from oligoboard.case.validate import format_path
from oligoboard.engine.knowledge_base import CompiledRuleSet, KnowledgeBase
from oligoboard.errors import KnowledgeError, Problem
from oligoboard.knowledge.info import Accrual, Arm, Endpoints, EstroEortcState, TrialInfo

__all__ = [
    "Accrual",
    "Arm",
    "Endpoints",
    "EstroEortcState",
    "TrialCard",
    "TrialInfo",
    "trial_card",
    "trial_cards",
]


_DATE = re.compile(r"^(\d{4}(-\d{2}(-\d{2})?)?|undated)$")


@dataclass(frozen=True)
class TrialCard:
    """Everything the domain layer shows about one trial: identity, version and validated metadata.

    A plain frozen dataclass, not a pydantic model: every field is filled by `trial_card` from data already
    validated (`TrialInfo`), and building a model class at import cost `assess` ≈ 10 ms of start-up.
    """

    id: str
    title: str
    short_title: str
    version: str
    date: str
    source: str
    verified: bool
    file: str
    info: TrialInfo

    @property
    def label(self) -> str:
        return f"{self.id} ({self.info.acronym})" if self.info.acronym else self.id


def trial_card(rs: CompiledRuleSet) -> TrialCard:
    """Validate one compiled trial rule set and its file; raises `KnowledgeError` naming file and field."""
    file_spec = rs.file_spec
    problems: list[Problem] = []
    if rs.spec.kind != "trial":
        problems.append(Problem(rs.spec.id, f"rule set kind is {rs.spec.kind!r}", expected="trial"))
    if file_spec.version is None or not file_spec.version.strip():
        problems.append(Problem("version", "missing protocol/registry version"))
    if file_spec.date is None or not _DATE.match(file_spec.date):
        problems.append(
            Problem(
                "date", "missing or malformed version date", expected="YYYY, YYYY-MM, YYYY-MM-DD or 'undated'"
            )
        )
    if rs.file != f"{rs.spec.id}.yaml":
        problems.append(
            Problem("rule_sets[0].id", f"rule set id {rs.spec.id!r} does not match the file name")
        )
    for i, crit in enumerate(c.spec for c in rs.criteria):
        if not (crit.info.number or "").strip():
            problems.append(
                Problem(f"rule_sets[0].criteria[{i}].info.number", f"criterion {crit.id}: no number")
            )
        if crit.recoverable is None:
            problems.append(
                Problem(f"rule_sets[0].criteria[{i}].recoverable", f"criterion {crit.id}: not set")
            )
    # validated when the file loaded (`KnowledgeFileSpec.trial_info`, carried by the compiled-knowledge
    # cache); validated here when it was not, so a broken description names every problem
    info: TrialInfo | None = file_spec.trial_info
    if info is None:
        try:
            info = TrialInfo.model_validate(file_spec.info.model_dump(exclude_unset=True))
        except ValidationError as exc:
            problems.extend(Problem("info." + format_path(e["loc"]), e["msg"]) for e in exc.errors())
    if problems or info is None:
        raise KnowledgeError(f"{rs.file}: invalid trial description", problems)
    return TrialCard(
        id=rs.spec.id,
        title=file_spec.title or rs.spec.title,
        short_title=rs.spec.title or file_spec.title,
        version=file_spec.version or "",
        date=file_spec.date or "",
        source=rs.spec.source,
        verified=rs.spec.verified and file_spec.verified,
        file=rs.file,
        info=info,
    )


def trial_cards(kb: KnowledgeBase) -> list[TrialCard]:
    """Every trial of the knowledge base, validated, in load (registry id) order (built once per `kb`)."""
    return list(kb.derived("trial_cards", lambda k: [trial_card(rs) for rs in k.rule_sets_of("trial")]))
