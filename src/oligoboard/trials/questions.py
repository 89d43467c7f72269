"""The "next best question": which unknown fact, once collected, could change the most trial verdicts.

Only undetermined trials can change verdict by learning a fact (an ineligible trial stays ineligible
whatever else is learnt). For every unknown criterion of an undetermined trial, each of its missing facts
could flip that trial; a fact is ranked by how many recruiting trials it could change, then by how many
trials in all, then by name, so the list is stable. Clinician attestations (`answers[...]`) are facts too:
each belongs to one trial, so shared clinical facts (ECOG, a lesion's status) naturally rank first.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from oligoboard.trials.explain import TrialExplanation


@dataclass
class Question:
    fact: str
    trials: list[str] = field(default_factory=list)
    recruiting_trials: list[str] = field(default_factory=list)
    criteria: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)

    @property
    def attested(self) -> bool:
        return self.fact.startswith("answers[")

    def as_dict(self) -> dict[str, object]:
        return {
            "fact": self.fact,
            "attested": self.attested,
            "could_change": len(self.trials),
            "could_change_recruiting": len(self.recruiting_trials),
            "trials": list(self.trials),
            "criteria": list(self.criteria),
            "question": self.texts[0] if self.attested and self.texts else None,
        }


def next_best_questions(
    explanations: Iterable[TrialExplanation], recruiting: dict[str, bool]
) -> list[Question]:
    """Rank the missing facts of all undetermined trials (see module docstring)."""
    by_fact: dict[str, Question] = {}
    for ex in explanations:
        if ex.verdict != "undetermined":
            continue
        for crit in ex.criteria:
            if crit.status != "unknown":
                continue
            for fact in crit.missing:
                q = by_fact.setdefault(fact, Question(fact=fact))
                if ex.id not in q.trials:
                    q.trials.append(ex.id)
                    if recruiting.get(ex.id, False):
                        q.recruiting_trials.append(ex.id)
                q.criteria.append(f"{ex.id}/{crit.id}")
                q.texts.append(crit.text)
    return sorted(by_fact.values(), key=lambda q: (-len(q.recruiting_trials), -len(q.trials), q.fact))
