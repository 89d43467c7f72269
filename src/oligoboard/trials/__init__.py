"""Trial eligibility: metadata validation, explanations, "not now", next best question.

The catalogue views (`trials.catalogue`: list, show, compare) are imported from their module, not
re-exported here: every `assess` imports this package, and needs no catalogue view.
"""

from __future__ import annotations

from oligoboard.trials.explain import CriterionView, TrialExplanation, explain
from oligoboard.trials.metadata import TrialCard, TrialInfo, trial_card, trial_cards
from oligoboard.trials.questions import Question, next_best_questions
from oligoboard.trials.section import trials_section

__all__ = [
    "CriterionView",
    "Question",
    "TrialCard",
    "TrialExplanation",
    "TrialInfo",
    "explain",
    "next_best_questions",
    "trial_card",
    "trial_cards",
    "trials_section",
]
