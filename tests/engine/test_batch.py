"""One compiled statement, two executors, one case or many: every path must give identical answers.

DuckDB runs batches; the compiled Python executor (engine/pyexec.py) runs single cases. Both execute the
same SQL text from `build_query`, and these property tests hold them to the same answers on random cases.
"""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oligoboard.case.validate import parse_case
from oligoboard.engine.runner import Engine
from tests.support.cases import BASE

ORGANS = ["brain", "adrenal", "bone", "liver", "lung", "pleura", "distant_lymph_node", "kidney", None]
STATUSES = ["new", "progressing", "stable", "responding", None]

lesion_st = st.fixed_dictionaries(
    {
        "organ": st.sampled_from(ORGANS),
        "lung_relation": st.sampled_from(["contralateral", "ipsilateral_other_lobe", None]),
        "detected_date": st.sampled_from(["2025-06-30", "2026-08-31", None]),
        "status": st.sampled_from(STATUSES),
        "amenable_to_lat": st.sampled_from([True, False, None]),
        "pattern": st.sampled_from(["discrete", "discrete", "effusion", None]),
    }
)
therapy_row_st = st.fixed_dictionaries(
    {
        "line": st.sampled_from([1, 1, 2, None]),
        "category": st.sampled_from(["chemo", "io", "chemo_io", "targeted", None]),
        "start_date": st.sampled_from(["2025-01-31", "2025-08-31", "2026-02-28", "2026-03-01", None]),
        "end_date": st.sampled_from([None, None, "2026-08-31"]),
        "cycles": st.sampled_from([2, 4, 6, None]),
        "best_response": st.sampled_from(["CR", "PR", "SD", "PD", None]),
    }
)
case_st = st.fixed_dictionaries(
    {
        "lesions": st.one_of(st.none(), st.lists(lesion_st, max_size=7)),
        "poly": st.sampled_from([True, False, None]),
        "omd_before": st.sampled_from([True, False, None]),
        "months": st.integers(min_value=0, max_value=40),
        "therapy": st.one_of(
            st.sampled_from(["none", "on", "off", "unknown"]), st.lists(therapy_row_st, max_size=3)
        ),
        "n": st.sampled_from(["N0", "N1", "N2a", "N3", None]),
        "ecog": st.sampled_from([0, 1, 2, None]),
    }
)


def make_doc(i: int, p: dict[str, Any]) -> dict[str, Any]:
    d = copy.deepcopy(BASE)
    d["id"] = f"prop-{i}"
    d["assessment_date"] = "2026-10-01"
    year, month = divmod(2026 * 12 + 9 - 1 - p["months"], 12)
    d["tumour"]["diagnosis_date"] = f"{year}-{month + 1:02d}-01"
    d["metastatic_diagnosis_date"] = "2026-09-01"
    d["tumour"]["n"] = p["n"]
    d["patient"]["ecog"] = p["ecog"]
    d["history"] = {
        "polymetastatic_before": p["poly"],
        "omd_before": p["omd_before"],
        "prior_thoracic_rt": False,
    }
    if p["lesions"] is None:
        d["lesions"] = None
    else:
        d["lesions"] = [
            {
                "id": f"L{j}",
                **lesion,
                "lung_relation": lesion["lung_relation"] if lesion["organ"] in ("lung", None) else None,
            }
            for j, lesion in enumerate(p["lesions"])
        ]
    if isinstance(p["therapy"], list):  # explicit rows; an end before its start is not a valid case
        d["systemic_therapy"] = [
            r
            for r in p["therapy"]
            if not (r["start_date"] and r["end_date"] and r["end_date"] < r["start_date"])
        ]
    else:
        d["systemic_therapy"] = {
            "none": [],
            "on": [{"line": 1, "start_date": "2026-03-01", "end_date": None}],
            "off": [{"line": 1, "start_date": "2025-03-01", "end_date": "2025-09-01"}],
            "unknown": None,
        }[p["therapy"]]
    return d


def _rounded(features: dict[str, Any]) -> dict[str, Any]:
    return {k: round(v, 9) if isinstance(v, float) else v for k, v in features.items()}


def snapshot(engine: Engine, results: list[Any]) -> list[Any]:
    return [
        (
            r.case_id,
            _rounded(r.features),
            {k: v.value for k, v in r.decisions.items()},
            dict(r.definitions),
            {k: (v.status, [c.status for c in v.criteria], v.missing) for k, v in r.rule_sets.items()},
        )
        for r in results
    ]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(case_st, min_size=1, max_size=6))
def test_batch_equals_single(engine: Engine, params: list[dict[str, Any]]) -> None:
    cases = [parse_case(make_doc(i, p)) for i, p in enumerate(params)]
    batch_duckdb = snapshot(engine, engine.evaluate(cases, backend="duckdb"))
    single_python = snapshot(engine, [engine.evaluate_one(c, backend="python") for c in cases])
    batch_python = snapshot(engine, engine.evaluate(cases, backend="python"))
    assert batch_duckdb == single_python
    assert batch_python == single_python


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case_st)
def test_random_valid_cases_never_crash_and_unknown_is_explained(engine: Engine, p: dict[str, Any]) -> None:
    result = engine.evaluate_one(parse_case(make_doc(0, p)))
    for decision in result.decisions.values():
        if decision.step < 0:
            assert (
                decision.value is None and decision.missing
            )  # an unknown answer always says what is missing
    for rs in result.rule_sets.values():
        assert rs.status in ("eligible", "ineligible", "undetermined", "applies", "not_applicable")
        if rs.outcome == "unknown":
            # every open verdict is explained: facts to collect, or a gap the source itself declares
            declared_gap = any(
                c.value is None
                and ("unsettled" in c.compiled.spec.info or "state_output" in c.compiled.spec.info)
                for c in rs.criteria
            )
            assert rs.missing or declared_gap, rs.id
