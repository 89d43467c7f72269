"""CONSORT 2010 flow counts (`shared/reference/trial-operations.md` §6) and the diagram.

§6.3: "counts must reconcile (randomised = Σ allocated; allocated = analysed + excluded from analysis)".
Records are synthetic, built here.
"""

from __future__ import annotations

import pytest

from oligoboard.errors import InputError
from oligoboard.report.trial.consort_diagram import render_consort
from oligoboard.trial.consort import (
    Allocation,
    AnalysisExclusion,
    ConsortFlow,
    FollowUp,
    Screened,
    consort_flow,
    total,
)

SCREENED = [Screened(f"s{i}") for i in range(12)] + [
    Screened("x1", "not meeting inclusion criteria"),
    Screened("x2", "not meeting inclusion criteria"),
    Screened("x3", "declined to participate"),
]
ALLOCATED = [Allocation(f"s{i}", "SBRT + SOC" if i % 2 else "SOC") for i in range(11)] + [
    Allocation("s11", "SBRT + SOC", received=False, not_received_reason="withdrew consent")
]
FOLLOW_UP = [FollowUp("s1", "lost_to_follow_up", "moved"), FollowUp("s2", "discontinued", "toxicity")]
EXCLUDED = [AnalysisExclusion("s3", "no post-baseline assessment")]


def _flow() -> ConsortFlow:
    return consort_flow(SCREENED, ALLOCATED, FOLLOW_UP, EXCLUDED, arms=["SBRT + SOC", "SOC"])


def test_counts_reconcile() -> None:
    flow = _flow()
    assert flow.assessed == 15
    assert flow.excluded == (("not meeting inclusion criteria", 2), ("declined to participate", 1))
    assert flow.allocated_total == sum(a.allocated for a in flow.arms) == 12  # randomised = Σ allocated
    for arm in flow.arms:
        assert arm.allocated == arm.analysed + total(arm.excluded_from_analysis)
        assert arm.allocated == arm.received + total(arm.not_received)
    sbrt, soc = flow.arms
    assert (sbrt.allocated, sbrt.received, sbrt.not_received) == (6, 5, (("withdrew consent", 1),))
    assert sbrt.lost_to_follow_up == (("moved", 1),) and sbrt.analysed == 5
    assert soc.discontinued == (("toxicity", 1),) and soc.analysed == 6


def test_json_keeps_every_reason() -> None:
    data = _flow().as_dict()
    assert data["randomised"] == 12 and data["assessed_for_eligibility"] == 15
    assert data["excluded"] == {
        "n": 3,
        "reasons": [
            {"reason": "not meeting inclusion criteria", "n": 2},
            {"reason": "declined to participate", "n": 1},
        ],
    }


@pytest.mark.parametrize(
    ("allocations", "exclusions", "phrase"),
    [
        ([*ALLOCATED, Allocation("s0", "SOC")], [], "patient allocated twice"),
        ([Allocation("nobody", "SOC")], [], "missing from the screening log"),
        ([Allocation("x1", "SOC")], [], "excluded at screening"),
        ([Allocation("s0", "SOC", received=False)], [], "reason missing"),
        ([Allocation("s0", "Other arm")], [], "not among the trial's arms"),
        (ALLOCATED, [AnalysisExclusion("x1", "r")], "never allocated"),
    ],
)
def test_inconsistent_records_are_refused(
    allocations: list[Allocation], exclusions: list[AnalysisExclusion], phrase: str
) -> None:
    with pytest.raises(InputError) as info:
        consort_flow(SCREENED, allocations, [], exclusions, arms=["SBRT + SOC", "SOC"])
    rendered = info.value.render()
    assert phrase in rendered and "nobody" not in rendered and "x1" not in rendered


def test_single_arm_trial_is_enrolled_not_randomised() -> None:
    flow = consort_flow(
        SCREENED, [Allocation(f"s{i}", "radical treatment") for i in range(12)], randomised=False
    )
    assert "enrolled" in flow.as_dict() and "randomised" not in flow.as_dict()
    assert b"Enrolled (n=12)" in render_consort(flow, fmt="svg")


def test_diagram_png_and_svg() -> None:
    flow = _flow()
    assert render_consort(flow).startswith(b"\x89PNG")
    svg = render_consort(flow, fmt="svg", title="Trial $A$")
    assert svg == render_consort(flow, fmt="svg", title="Trial $A$")
    text = svg.decode("utf-8")
    for box in (
        "Assessed for eligibility (n=15)",
        "Excluded (n=3)",
        "Randomised (n=12)",
        "Allocated to SBRT + SOC (n=6)",
        "Lost to follow-up (n=1)",
        "Analysed (n=5)",
        "Trial $A$",
    ):
        assert box in text, box
