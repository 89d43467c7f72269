"""Where the tests find the FHIR packages `make install` fetched, failing (never skipping) without them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from oligoboard.interop.fhir.packages import mcode_examples_dir, r4_schema_path

ROOT = Path(__file__).resolve().parents[2]
DEMO_CASES = ROOT / "examples" / "cases"
FHIR_EXAMPLES = ROOT / "examples" / "fhir"


def mcode_examples() -> list[Path]:
    """Every official example resource of the mCODE 4.0.0 package: an AssertionError if it is missing."""
    folder = mcode_examples_dir()
    files = sorted(folder.glob("*.json"))
    assert len(files) > 150, f"{folder}: the mCODE package is not installed (run `make install`)"
    return files


def schema_installed() -> Path:
    path = r4_schema_path()
    assert path.is_file(), f"{path}: the R4 JSON Schema is not installed (run `make install`)"
    return path


def example(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((mcode_examples_dir() / name).read_text(encoding="utf-8"))
    return data


def resources_of_patient(patient_id: str) -> list[dict[str, Any]]:
    """The official example resources that name one example patient (the mCODE package's own grouping)."""
    out = []
    for path in mcode_examples():
        text = path.read_text(encoding="utf-8")
        data = json.loads(text)
        if (data["resourceType"] != "Bundle" and f"Patient/{patient_id}" in text) or data.get(
            "id"
        ) == patient_id:
            out.append(data)
    return out
