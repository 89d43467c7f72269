"""`verified: false` propagates to every verdict that rests on an unverified rule (issue 11, item 4).

Issue 11: "`verified: false` propagates to every verdict that depends on an unverified rule (a recommendation
resting on an unverified state is unverified)". House rule: "[M] facts only with `verified: false`".
The synthetic file below isolates each path: an unverified definition, an unverified branch of a decision list
(the "state"), a verified and an unverified blocker.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from oligoboard.assessment.assemble import assess
from oligoboard.engine.compile import load_knowledge
from oligoboard.engine.results import Verifier
from oligoboard.engine.runner import Engine
from tests.support.cases import build
from tests.support.knowledge_trees import classification_tree

TRIALS = """id: TEST-V
source: "synthetic test file"
definitions:
  - id: test_adult
    expr: "age_years >= 18"
    source: "synthetic [M]"
    verified: false
decision_lists:
  - id: test_band
    source: "synthetic"
    rules:
      - {when: "ecog <= 1", then: fit, source: "synthetic, verified"}
      - {when: "ecog <= 2", then: borderline, source: "synthetic [M]", verified: false}
    otherwise: unfit
rule_sets:
  - id: TEST-V
    kind: trial
    source: "synthetic"
    criteria:
      - {id: inc-ecog, kind: inclusion, text: "ECOG 0-1", sql: "ecog <= 1", source: "s", info: {number: "1"}}
      - {id: inc-adult, kind: inclusion, text: "adult", sql: "test_adult", source: "s", info: {number: "2"}}
  - id: TEST-S
    kind: trial
    source: "synthetic"
    criteria:
      - {id: inc-fit, kind: inclusion, text: "fit", sql: "test_band = 'fit'", source: "s", info: {number: "1"}}
  - id: TEST-U
    kind: trial
    source: "synthetic"
    verified: false
    criteria:
      - {id: inc-ecog, kind: inclusion, text: "ECOG 0-1", sql: "ecog <= 1", source: "s", info: {number: "1"}}
"""

CASES = [
    # ecog, age, then per trial: (status, verified, the unverified rules it rests on)
    (0, 66, {"TEST-V": ("met", False, ["definition test_adult"]),
             "TEST-S": ("met", True, []),  # decided by the verified rule 1, nothing unverified tried
             "TEST-U": ("met", False, ["rule set TEST-U"])}),
    (2, 66, {"TEST-V": ("not_met", True, []),  # the ECOG blocker is verified: a verified "no"
             "TEST-S": ("not_met", False, ["decision list test_band, rule 2"]),  # the state rests on rule 2
             "TEST-U": ("not_met", False, ["rule set TEST-U"])}),
    (3, 66, {"TEST-V": ("not_met", True, []),
             "TEST-S": ("not_met", False, ["decision list test_band, rule 2"]),  # tried: could have fired
             "TEST-U": ("not_met", False, ["rule set TEST-U"])}),
    (0, 10, {"TEST-V": ("not_met", False, ["definition test_adult"]),  # the only blocker is unverified
             "TEST-S": ("met", True, []),
             "TEST-U": ("met", False, ["rule set TEST-U"])}),
    (None, 66, {"TEST-V": ("unknown", False, ["definition test_adult"]),
                "TEST-S": ("unknown", True, []),  # stopped at the verified rule 1
                "TEST-U": ("unknown", False, ["rule set TEST-U"])}),
]  # fmt: skip


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    root = classification_tree(tmp_path_factory.mktemp("verified"), {"TEST-V.yaml": TRIALS})
    return Engine(load_knowledge(root))


@pytest.mark.parametrize(("ecog", "age", "expected"), CASES)
def test_verified_propagates(
    synthetic: Engine, ecog: int | None, age: int, expected: dict[str, tuple[str, bool, list[str]]]
) -> None:
    result = synthetic.evaluate_one(build(patient={"ecog": ecog, "age_years": age}))
    verifier = Verifier(result, synthetic.kb)
    for trial_id, (outcome, verified, because) in expected.items():
        rs = result.rule_sets[trial_id]
        got = verifier.rule_set(rs)
        assert (rs.outcome, got.verified, list(got.because)) == (outcome, verified, because), trial_id


def test_criterion_level(synthetic: Engine) -> None:
    result = synthetic.evaluate_one(build(patient={"ecog": 0, "age_years": 66}))
    verifier = Verifier(result, synthetic.kb)
    rs = result.rule_sets["TEST-V"]
    by_id = {c.id: verifier.criterion(rs.id, c) for c in rs.criteria}
    assert by_id["inc-ecog"].verified and not by_id["inc-adult"].verified


def _json_items(out: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [*out["trials"], *out["recommendations"]]


def test_json_has_verified_at_every_level(engine: Engine) -> None:
    """`verified` and `verified_because` on the state, every trial and recommendation and every criterion."""
    out = assess(build(), engine)
    assert isinstance(out["disease_state"]["verified"], bool)
    explain: Mapping[str, Any] = out["disease_state"]["explain"]
    for name, entry in explain.items():
        assert isinstance(entry["verified"], bool) and isinstance(entry["verified_because"], list), name
    for item in _json_items(out):
        assert item["verified"] is (not item["verified_because"]), item["id"]
        for crit in item["criteria"]:
            assert crit["verified"] is (not crit["verified_because"]), (item["id"], crit["id"])


def test_a_recommendation_resting_on_an_unverified_state_is_unverified(engine: Engine) -> None:
    """ASTRO/ESTRO 2023 recommendations read the ESTRO/EORTC state, a decision list marked [M] (unverified)."""
    out = assess(build(), engine)
    assert out["disease_state"]["verified"] is False
    resting = [
        rec
        for rec in out["recommendations"]
        if any("decision list estro_eortc" in b for b in rec["verified_because"])
    ]
    assert resting and all(rec["verified"] is False for rec in resting)


def test_an_unverified_criterion_makes_an_eligible_trial_unverified(engine: Engine) -> None:
    """NCT01282450 I3 ('less than 4 oligo-metastatic sites', verified: false) under a met verdict."""
    from tests.support.cases import lesion

    out = assess(build(lesions=[lesion(1, "bone")], answers={"NCT01282450/remaining-criteria": True}), engine)
    item = next(t for t in out["trials"] if t["id"] == "NCT01282450")
    assert item["status"] == "eligible" and item["verified"] is False
    assert "criterion NCT01282450/fewer-than-4-sites" in item["verified_because"]


@pytest.mark.parametrize(("ecog", "age"), [(ecog, age) for ecog, age, _ in CASES] + [(1, 90), (4, 30)])
def test_the_per_knowledge_base_part_changes_no_verification(
    synthetic: Engine, ecog: int | None, age: int
) -> None:
    """A verification found once per knowledge base (nothing it rests on reads a decision list) is the one
    each case would find on its own: every rule set and criterion, with and without the shared part."""
    for engine in (synthetic, Engine()):
        result = engine.evaluate_one(build(patient={"ecog": ecog, "age_years": age}))
        shared, alone = Verifier(result, engine.kb), Verifier(result, engine.kb, static=False)
        for rs in result.rule_sets.values():
            assert shared.rule_set_and_criteria(rs) == alone.rule_set_and_criteria(rs), rs.id


def test_the_shared_part_leaves_decision_lists_to_the_case(synthetic: Engine) -> None:
    """Only what reads no decision list is shared: TEST-S's criterion rests on `test_band` as decided."""
    from oligoboard.engine.results import _static_verification

    shared = _static_verification(synthetic.kb)
    rule_sets = {rs.spec.id: rs for rs in synthetic.kb.rule_sets}
    assert id(rule_sets["TEST-S"].criteria[0]) not in shared.criteria
    assert id(rule_sets["TEST-V"].criteria[1]) in shared.criteria  # reads the definition test_adult only
    assert shared.names["test_adult"] == ("definition test_adult",)
    assert "test_band" not in shared.names
