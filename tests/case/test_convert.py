"""case@1 → case@2 is lossless, and a case@1 document and its migration give identical `assess --json`.

Sources: issue 11 ("keep accepting case@1 unchanged, converted losslessly"; "case@1 and case@2 give the same
answers where case@1 carries the information") and the case@2 frame (staging dates → staging scans).
`downgrade` below is the inverse mapping written independently of `convert.py`: upgrading and then
downgrading must give back every case@1 fact, and nothing may be added on the way.
"""

from __future__ import annotations

import copy
import json
import random
from pathlib import Path
from typing import Any

import pytest

from oligoboard.case.convert import upgrade_v1
from oligoboard.case.validate import case2_document, parse_case
from oligoboard.cli.main import main
from tests.engine.generate import random_case_doc
from tests.support.cases import BASE
from tests.support.shared import VIGNETTES

FIXTURES_V1 = Path(__file__).parent / "fixtures_v1"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "cases"


def _v1_documents() -> list[tuple[str, dict[str, Any]]]:
    docs: list[tuple[str, dict[str, Any]]] = [("baseline", copy.deepcopy(BASE))]
    for path in sorted([*FIXTURES_V1.glob("*.json"), *EXAMPLES.glob("*.json")]):
        data = json.loads(path.read_text())
        if data.get("schema", "oligoboard/case@1") == "oligoboard/case@1":
            docs.append((f"demo:{path.stem}", data))
    for path in sorted(VIGNETTES.glob("*/case.json")):
        data = json.loads(path.read_text())
        try:
            parse_case(data)
        except Exception:  # the invalid-input vignettes: nothing to convert
            continue
        docs.append((f"vignette:{path.parent.name}", data))
    rng = random.Random(11)
    docs += [(f"generated:{i}", random_case_doc(rng, f"g{i}", [], version=1)) for i in range(60)]
    return docs


V1_DOCS = _v1_documents()
V1_FILES = [(name, doc) for name, doc in V1_DOCS if name.startswith(("demo:", "vignette:"))]

SCAN_DATES = {"staging-fdg-pet-ct": "fdg_pet_ct_date", "staging-brain-mri": "brain_mri_date"}


def downgrade(v2: dict[str, Any]) -> dict[str, Any]:
    """case@2 → case@1 for documents that carry only case@1 facts (the converted ones)."""
    out = {k: copy.deepcopy(v) for k, v in v2.items() if k not in ("schema", "imaging")}
    out["schema"] = "oligoboard/case@1"
    for scan in v2.get("imaging", []):
        out["staging"][SCAN_DATES[scan["id"]]] = scan["date"]
    return out


def _without_unknown_scan_dates(v1: dict[str, Any]) -> dict[str, Any]:
    """A null scan date and an omitted one are the same fact (unknown); case@2 keeps neither."""
    out = copy.deepcopy(v1)
    out["schema"] = "oligoboard/case@1"
    staging = out.get("staging")
    if isinstance(staging, dict):
        for key in ("fdg_pet_ct_date", "brain_mri_date"):
            if staging.get(key, 0) is None:
                del staging[key]
    return out


def test_the_documents_cover_demos_vignettes_and_generated_cases() -> None:
    kinds = {name.split(":")[0] for name, _ in V1_DOCS}
    assert {"baseline", "demo", "generated"} <= kinds
    assert len([n for n, _ in V1_DOCS if n.startswith("demo:")]) >= 8


@pytest.mark.parametrize(("name", "v1"), V1_DOCS, ids=[n for n, _ in V1_DOCS])
def test_upgrade_keeps_every_case1_fact_and_adds_none(name: str, v1: dict[str, Any]) -> None:
    v2 = upgrade_v1(v1)
    assert v2["schema"] == "oligoboard/case@2"
    assert downgrade(v2) == _without_unknown_scan_dates(v1)
    for scan in v2.get("imaging", []):
        assert "findings" not in scan  # case@1 does not say what each scan showed: unknown, not none
    assert parse_case(v1) == parse_case(v2)  # one model whichever form was read


def test_unknown_scan_dates_leave_the_timeline_unknown() -> None:
    v1 = copy.deepcopy(BASE)
    v1["staging"] = {"fdg_pet_ct_date": None, "mediastinal_staging": "ebus"}
    v2 = upgrade_v1(v1)
    assert "imaging" not in v2 and v2["staging"] == {"mediastinal_staging": "ebus"}


def test_the_staging_scans_of_the_frame() -> None:
    scans = upgrade_v1(BASE)["imaging"]
    assert scans == [
        {"id": "staging-fdg-pet-ct", "date": "2026-08-10", "modality": "fdg_pet_ct", "purpose": "staging"},
        {
            "id": "staging-brain-mri",
            "date": "2026-08-12",
            "modality": "mri",
            "purpose": "staging",
            "brain": True,
        },
    ]


def test_case2_documents_are_not_converted_again() -> None:
    v2 = upgrade_v1(BASE)
    assert case2_document(v2) == v2


def _assess(path: Path, capsys: pytest.CaptureFixture[str]) -> Any:
    code = main(["assess", str(path), "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out)


@pytest.mark.parametrize(("name", "v1"), V1_FILES, ids=[n for n, _ in V1_FILES])
def test_a_case1_file_and_its_migration_assess_identically(
    name: str, v1: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = tmp_path / "v1.json", tmp_path / "v2.json"
    old.write_text(json.dumps(v1))
    assert main(["migrate", str(old), "--out", str(new)]) == 0
    capsys.readouterr()
    assert json.loads(new.read_text())["schema"] == "oligoboard/case@2"
    assert _assess(old, capsys) == _assess(new, capsys)
