"""Trial eligibility: metadata validation, explanations, "not now", next best question, catalogue views."""

from __future__ import annotations

from oligoboard.trials.catalogue import ComparisonRow, comparison_table
from oligoboard.trials.explain import CriterionView, TrialExplanation, explain
from oligoboard.trials.metadata import TrialCard, TrialInfo, trial_card, trial_cards
from oligoboard.trials.questions import Question, next_best_questions
from oligoboard.trials.section import trials_section

__all__ = [
    "ComparisonRow",
    "CriterionView",
    "Question",
    "TrialCard",
    "TrialExplanation",
    "TrialInfo",
    "comparison_table",
    "explain",
    "next_best_questions",
    "trial_card",
    "trial_cards",
    "trials_section",
]
