"""The `assess --json` contract against its typed models (issue 10 item 3), at runtime.

mypy checks that the builders write the keys of the section models; this test checks the other direction on
real output: every demo case and every valid public vignette, validated strictly by pydantic against
`Assessment` with extra keys forbidden. A key added to a section without its model, a key dropped, or a
value of another type fails here.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError

from oligoboard.assessment import assess
from oligoboard.assessment.contract import Assessment
from oligoboard.case.io import load_case
from oligoboard.engine.runner import Engine
from oligoboard.errors import CaseValidationError
from tests.support.shared import VIGNETTES, needs

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "cases"
ADAPTER = TypeAdapter(Assessment)


def _json(out: Assessment) -> Any:
    """The contract as `assess --json` prints it, read back: what a consumer of the JSON sees."""
    return json.loads(json.dumps(out, ensure_ascii=False, default=str))


def _demo(engine: Engine, name: str = "demo-01-sync-adrenal") -> Any:
    return _json(assess(load_case(EXAMPLES / f"{name}.json"), engine))


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.json")), ids=lambda p: p.stem)
def test_demo_case_matches_the_contract(engine: Engine, path: Path) -> None:
    out = assess(load_case(path), engine)
    ADAPTER.validate_python(out, strict=True)
    ADAPTER.validate_python(_json(out), strict=True)


@needs(VIGNETTES)
def test_every_valid_vignette_matches_the_contract(engine: Engine) -> None:
    checked = 0
    for case_path in sorted(VIGNETTES.glob("*/case.json")):
        try:
            case = load_case(case_path)
        except CaseValidationError:
            continue  # the invalid-input vignettes: no assessment to validate
        ADAPTER.validate_python(_json(assess(case, engine)), strict=True)
        checked += 1
    assert checked > 0


def test_key_order_is_the_order_of_the_model(engine: Engine) -> None:
    """`Assessment` lists the top-level keys in the order `assess --json` prints them."""
    assert list(_demo(engine)) == list(Assessment.__annotations__)


# Each mutation of a valid output must be refused: the models are closed, complete and typed.
def _add_top(out: Any) -> None:
    out["new_section"] = []


def _add_in_disease_state(out: Any) -> None:
    out["disease_state"]["new_key"] = 1


def _add_in_trial_criterion(out: Any) -> None:
    out["trials"][0]["criteria"][0]["new_key"] = "x"


def _add_in_recommendation(out: Any) -> None:
    out["recommendations"][0]["new_key"] = None


def _add_in_course_check(out: Any) -> None:
    out["radiotherapy"][0]["checks"][0]["new_key"] = True


def _drop_trial_status(out: Any) -> None:
    del out["trials"][0]["status"]


def _string_for_bool(out: Any) -> None:
    out["disease_state"]["verified"] = "true"


def _string_for_count(out: Any) -> None:
    out["disease_state"]["counts"]["n_metastases"] = "1"


MUTATIONS = [
    _add_top,
    _add_in_disease_state,
    _add_in_trial_criterion,
    _add_in_recommendation,
    _add_in_course_check,
    _drop_trial_status,
    _string_for_bool,
    _string_for_count,
]


def test_a_new_guideline_key_in_a_concordance_row_is_accepted(engine: Engine) -> None:
    """Guideline keys of concordance rows come from the knowledge files: the one open model."""
    out = _demo(engine)
    row = out["concordance"]["rows"][0]
    row["esmo"] = copy.deepcopy(row["dlcg"])
    ADAPTER.validate_python(out, strict=True)
    row["sides"][0]["new_key"] = 1  # but the parts of a row stay closed
    with pytest.raises(ValidationError):
        ADAPTER.validate_python(out, strict=True)


@pytest.mark.parametrize("mutate", MUTATIONS, ids=lambda f: f.__name__.strip("_"))
def test_a_key_or_type_outside_the_models_is_refused(engine: Engine, mutate: Any) -> None:
    out = _demo(engine)
    assert out["radiotherapy"] and out["trials"] and out["recommendations"]  # each mutation has a target
    ADAPTER.validate_python(out, strict=True)
    changed = copy.deepcopy(out)
    mutate(changed)
    with pytest.raises(ValidationError):
        ADAPTER.validate_python(changed, strict=True)
