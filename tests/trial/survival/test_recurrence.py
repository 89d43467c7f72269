"""Patterns of recurrence (`knowledge/endpoints/recurrence.yaml`), each row quoting its source.

RTOG 0236 (`shared/reference/trial-operations.md` §5.1-§5.2): "Local failure = primary-tumour failure +
involved-lobe failure; regional = hilar/mediastinal nodes; distant = uninvolved lobes + extrathoracic".
Dosimetric (§5.1, [M], verified: false): in-field ≥ 95 % of the recurrence volume inside the 95 % isodose,
marginal 20-95 %, out-of-field < 20 %.
"""

from __future__ import annotations

from typing import get_args

import pytest

from oligoboard.errors import InputError
from oligoboard.trial.survival.recurrence import (
    Recurrence,
    RecurrenceSite,
    classify_recurrence,
    pattern_counts,
    recurrence_rules,
)


@pytest.mark.parametrize(
    ("site", "spatial"),
    [
        ("primary_tumour", "local"),  # "Local failure = primary-tumour failure + ..."
        ("involved_lobe", "local"),  # "... + involved-lobe failure"
        ("treated_lesion", "local"),  # §5.3 "progression of a lesion that received SABR/surgery"
        ("regional_nodes", "regional"),  # "regional, hilar or mediastinal lymph nodes"
        ("uninvolved_lobe", "distant"),  # "Distant indicates uninvolved lobes of the lung ..."
        ("extrathoracic", "distant"),  # "... and extrathoracic sites"
    ],
)
def test_spatial_pattern(site: RecurrenceSite, spatial: str) -> None:
    assert classify_recurrence(Recurrence("p", site)).spatial == spatial


@pytest.mark.parametrize(
    ("fraction", "dosimetric"),
    [
        (1.0, "in_field"),
        (0.95, "in_field"),
        (0.949, "marginal"),
        (0.20, "marginal"),
        (0.199, "out_of_field"),
        (0.0, "out_of_field"),
    ],
)
def test_dosimetric_pattern_at_the_boundaries(fraction: float, dosimetric: str) -> None:
    assert classify_recurrence(Recurrence("p", "treated_lesion", fraction)).dosimetric == dosimetric


def test_without_dose_information_the_dosimetric_pattern_is_unknown() -> None:
    assert classify_recurrence(Recurrence("p", "regional_nodes")).dosimetric is None


def test_every_site_is_mapped_once_and_the_unverified_rule_says_so() -> None:
    rules = recurrence_rules()
    assert sorted(r.site for r in rules.spatial) == sorted(get_args(RecurrenceSite))
    assert rules.dosimetric.verified is False and rules.dosimetric.isodose_percent == 95


def test_counts_are_patients_not_events() -> None:
    """RTOG 0236 5-year letter: 'patients can have more than one' pattern."""
    counts = pattern_counts(
        [
            Recurrence("a", "primary_tumour", 0.99),
            Recurrence("a", "involved_lobe", 0.5),
            Recurrence("a", "extrathoracic"),
            Recurrence("b", "regional_nodes", 0.1),
        ]
    )
    assert counts.patients_with_recurrence == 2
    assert counts.spatial == {"local": 1, "regional": 1, "distant": 1}
    assert counts.dosimetric == {"in_field": 1, "marginal": 1, "out_of_field": 1}
    assert counts.dosimetric_unknown == 1


def test_a_fraction_outside_0_to_1_is_refused() -> None:
    with pytest.raises(InputError) as info:
        pattern_counts([Recurrence("a", "primary_tumour", 95.0)])
    assert "recurrences[0].fraction_in_isodose" in info.value.render() and "95" not in info.value.render()
