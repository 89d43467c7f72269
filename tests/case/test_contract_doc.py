"""docs/case-contract.md documents every field of the case@2 models, and its example is a valid case@2 case."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import get_args

from pydantic import BaseModel

from oligoboard.case import models as m
from oligoboard.case.validate import parse_case

DOC = (Path(__file__).resolve().parents[2] / "docs" / "case-contract.md").read_text(encoding="utf-8")
MODELS: list[type[BaseModel]] = [
    m.Case,
    m.Patient,
    m.Tumour,
    m.Drivers,
    m.Primary,
    m.History,
    m.Lesion,
    m.SystemicTherapy,
    m.Staging,
    m.Scan,
    m.Finding,
    m.LocalTreatment,
    m.RadiotherapyCourse,
    m.OarDoses,
]


def test_every_model_field_is_documented() -> None:
    names = {f.alias or n for model in MODELS for n, f in model.model_fields.items()}
    # a field is named alone (`organ`) or with its section (`primary.status`, `findings[].lesion`)
    undocumented = sorted(n for n in names if not re.search(rf"`([\w\[\]]+\.)?{n}`", DOC))
    assert undocumented == []


def test_every_enumerated_value_is_documented() -> None:
    literals = [m.Modality, m.ScanPurpose, m.ScanResponse, m.LocalModality, m.Intent, m.Margin, m.EndReason]
    missing = [v for lit in literals for v in get_args(lit) if not re.search(rf"\b{v}\b", DOC)]
    assert missing == []


def test_the_example_is_a_valid_case2_document() -> None:
    example = DOC.split("```json", 1)[1].split("```", 1)[0]
    case = parse_case(json.loads(example))
    assert case.schema_ == "oligoboard/case@2" and case.imaging and case.imaging[2].response == "SD"
