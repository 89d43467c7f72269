"""Any part of a valid bundle may be missing: the import answers (a case and a report) or refuses with
`FhirInputError`, never crashes. Entries and elements are dropped at random from the example bundles."""

from __future__ import annotations

import copy
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oligoboard.interop.fhir.importer import import_resources
from oligoboard.interop.fhir.resources import FhirInputError
from tests.interop.fhir_support import FHIR_EXAMPLES, example

BUNDLES: list[dict[str, Any]] = [json.loads(p.read_text()) for p in sorted(FHIR_EXAMPLES.glob("*.json"))] + [
    example("Bundle-gx-genomic-bundle-adam-anyperson.json"),
    example("Bundle-mcode-patient-bundle-jenny-m.json"),
]


def _drop(document: dict[str, Any], picks: list[int]) -> dict[str, Any]:
    """Remove entries and keys chosen by `picks` (indexes into the entries, then into a resource's keys)."""
    out = copy.deepcopy(document)
    for pick in picks:
        entries = out["entry"]
        if not entries:
            break
        entry = entries[pick % len(entries)]
        keys = [k for k in entry["resource"] if k != "resourceType"]
        if pick % 3 == 0 or not keys:
            entries.remove(entry)
        else:
            del entry["resource"][keys[pick % len(keys)]]
    return out


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, len(BUNDLES) - 1), st.lists(st.integers(0, 10_000), min_size=1, max_size=25))
def test_a_bundle_with_parts_missing_never_crashes_the_import(which: int, picks: list[int]) -> None:
    document = _drop(BUNDLES[which], picks)
    try:
        result = import_resources(document)
    except FhirInputError:
        return
    assert len(result.report.resources) == len(document["entry"])
    assert result.case["schema"] == "oligoboard/case@2"
