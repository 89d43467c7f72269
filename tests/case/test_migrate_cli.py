"""`oligoboard migrate` and `oligoboard schema`: the case@2 contract on the command line.

Brief (issue 11 item 1): "`oligoboard migrate CASE` writes the v2 form"; "the JSON Schema from
`oligoboard schema`, descriptions and units on every field". Refusals exit 2 and write nothing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from oligoboard.cli.main import main
from tests.support.cases import BASE, doc, lesion


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def v1_file(tmp_path: Path) -> Path:
    path = tmp_path / "case.json"
    path.write_text(json.dumps(BASE))
    return path


def test_migrate_prints_the_case2_form(v1_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["migrate", str(v1_file)], capsys)
    document = json.loads(out)
    assert code == 0 and document["schema"] == "oligoboard/case@2"
    assert [s["id"] for s in document["imaging"]] == ["staging-fdg-pet-ct", "staging-brain-mri"]
    assert list(document).index("imaging") == list(document).index("staging") + 1


def test_migrate_refuses_to_overwrite_without_force(
    v1_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.json"
    out.write_text("keep me")
    code, _, err = run(["migrate", str(v1_file), "--out", str(out)], capsys)
    assert code == 2 and "--force" in err and out.read_text() == "keep me"
    code, _, _ = run(["migrate", str(v1_file), "--out", str(out), "--force"], capsys)
    assert code == 0 and json.loads(out.read_text())["schema"] == "oligoboard/case@2"


def test_migrate_writes_yaml_that_reads_back(
    v1_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "case2.yaml"
    assert run(["migrate", str(v1_file), "--out", str(out)], capsys)[0] == 0
    assert yaml.safe_load(out.read_text())["schema"] == "oligoboard/case@2"
    assert run(["validate", str(out)], capsys)[0] == 0


@pytest.mark.parametrize(
    ("document", "where"),
    [
        (doc(lesions=[lesion(1, "adrenals")]), "lesions[0].organ"),
        (doc(staging={"fdg_pet_ct_date": "2026-10-02"}), "staging.fdg_pet_ct_date"),  # named as written (v1)
        (doc(schema="oligoboard/case@9"), "schema"),
    ],
)
def test_migrate_refuses_invalid_input_naming_the_field(
    document: dict[str, Any], where: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, out = tmp_path / "bad.json", tmp_path / "out.json"
    path.write_text(json.dumps(document))
    code, _, err = run(["migrate", str(path), "--out", str(out)], capsys)
    assert code == 2 and where in err and "Traceback" not in err
    assert not out.exists()


def test_migrate_into_a_missing_folder_is_an_input_error(
    v1_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(["migrate", str(v1_file), "--out", str(tmp_path / "no" / "such" / "x.json")], capsys)
    assert code == 2 and "folder" in err


def _fields(schema: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    models = [("Case", schema), *schema["$defs"].items()]
    return [
        (f"{name}.{field}", spec) for name, model in models for field, spec in model["properties"].items()
    ]


def test_schema_is_case2_with_a_description_on_every_field(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["schema"], capsys)
    schema = json.loads(out)
    assert code == 0 and schema["properties"]["schema"]["const"] == "oligoboard/case@2"
    assert {"imaging", "local_treatments"} <= set(schema["properties"])
    undocumented = [name for name, spec in _fields(schema) if not spec.get("description")]
    assert undocumented == []


@pytest.mark.parametrize(
    ("field", "unit"),
    [
        ("Lesion.size_mm", "(mm)"),
        ("Finding.size_mm", "(mm)"),
        ("RadiotherapyCourse.total_dose_gy", "(Gy)"),
        ("OarDoses.mean_lung_dose_gy", "(Gy)"),
        ("Tumour.pdl1_tps", "percent"),
        ("Scan.date", "ISO date"),
        ("Patient.age_years", "years"),
    ],
)
def test_schema_descriptions_carry_units(field: str, unit: str) -> None:
    from oligoboard.case.models import Case

    schema = Case.model_json_schema(by_alias=True)
    assert unit in dict(_fields(schema))[field]["description"]


def test_schema_v1_is_still_printable(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["schema", "--v1"], capsys)
    schema = json.loads(out)
    assert code == 0 and schema["properties"]["schema"]["const"] == "oligoboard/case@1"
    assert "fdg_pet_ct_date" in schema["$defs"]["StagingV1"]["properties"]
