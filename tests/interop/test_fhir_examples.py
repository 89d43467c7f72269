"""examples/fhir/: made by scripts/make_fhir_examples.py from hand-written demo cases, and each imports to a
case whose assessment equals the hand-written case's (case hash included: the same facts)."""

from __future__ import annotations

import json
import runpy
from pathlib import Path
from typing import Any

import pytest

from oligoboard.assessment import assess
from oligoboard.case.io import load_case
from oligoboard.case.validate import parse_case
from oligoboard.engine.runner import Engine
from oligoboard.interop.fhir.importer import import_resources
from tests.interop.fhir_support import DEMO_CASES, FHIR_EXAMPLES, ROOT

SCRIPT: dict[str, Any] = runpy.run_path(str(ROOT / "scripts" / "make_fhir_examples.py"))
BUNDLES = sorted(FHIR_EXAMPLES.glob("*.bundle.json"))


def test_three_examples_and_they_are_what_the_generator_makes() -> None:
    assert [p.name for p in BUNDLES] == sorted(f"{n}.bundle.json" for n in SCRIPT["SOURCES"])
    for path in BUNDLES:
        name = path.name.removesuffix(".bundle.json")
        assert path.read_text(encoding="utf-8") == SCRIPT["bundle_text"](name), f"{path.name} is stale"


@pytest.mark.parametrize("path", BUNDLES, ids=lambda p: p.name)
def test_example_bundle_assesses_as_the_hand_written_case(engine: Engine, path: Path) -> None:
    result = import_resources(json.loads(path.read_text(encoding="utf-8")))
    assert result.problems == []
    imported = assess(parse_case(result.case), engine)
    hand_written = assess(load_case(DEMO_CASES / path.name.replace(".bundle.json", ".json")), engine)
    assert json.dumps(imported, default=str) == json.dumps(hand_written, default=str)
