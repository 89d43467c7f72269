"""`oligoboard import-fhir` / `export-fhir` and `POST /api/v1/fhir/import`: exit 2 / 422 naming the
resource and element, nothing half-written, role and CSRF checks like the rest of the API."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from oligoboard.cli.main import main
from tests.interop.fhir_support import FHIR_EXAMPLES
from tests.web.conftest import _hashed, anonymous, app, client_for, csrf  # noqa: F401  (fixtures)

BUNDLE = FHIR_EXAMPLES / "demo-02-sync-two-bone-on-induction.bundle.json"


def _broken(tmp_path: Path) -> Path:
    bundle = json.loads(BUNDLE.read_text(encoding="utf-8"))
    bundle["entry"][2]["resource"]["valueInteger"] = "PRIVATE-TEXT"
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(bundle), encoding="utf-8")
    return path


def test_import_writes_case_and_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out, report = tmp_path / "case.json", tmp_path / "report.json"
    assert main(["import-fhir", str(BUNDLE), "--out", str(out), "--report", str(report)]) == 0
    assert json.loads(out.read_text())["id"] == "demo-02-sync-two-bone-on-induction"
    summary = json.loads(report.read_text())["summary"]
    assert summary["not_mapped"] == 0 and summary["resources"] == len(json.loads(BUNDLE.read_text())["entry"])
    assert main(["validate", str(out)]) == 0
    assert main(["import-fhir", str(BUNDLE), "--out", str(out)]) == 2  # not replaced without --force


def test_invalid_fhir_exits_2_naming_resource_and_element(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "case.json"
    assert main(["import-fhir", str(_broken(tmp_path)), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "entry[2] Observation/" in err and "valueInteger" in err and "PRIVATE" not in err
    assert not out.exists() and [p.name for p in tmp_path.iterdir()] == ["broken.json"]


def test_export_writes_valid_fhir(tmp_path: Path) -> None:
    out = tmp_path / "assessment.fhir.json"
    case = FHIR_EXAMPLES.parent / "cases" / "demo-01-sync-adrenal.json"
    assert main(["export-fhir", str(case), "--out", str(out)]) == 0
    types = [e["resource"]["resourceType"] for e in json.loads(out.read_text())["entry"]]
    assert types == ["GuidanceResponse", "RequestGroup"]


def test_api_import(client_for: Callable[[str], TestClient]) -> None:  # noqa: F811
    client = client_for("clinician")
    headers = {"X-CSRF-Token": csrf(client), "Content-Type": "application/json"}
    response = client.post("/api/v1/fhir/import", content=BUNDLE.read_bytes(), headers=headers)
    assert response.status_code == 200
    assert response.json()["case"]["id"] == "demo-02-sync-two-bone-on-induction"
    assert client.post("/api/v1/fhir/import", content=BUNDLE.read_bytes()).status_code == 403  # no CSRF token


def test_api_import_invalid_is_422_without_values(
    client_for: Callable[[str], TestClient],  # noqa: F811
    tmp_path: Path,
) -> None:
    client = client_for("clinician")
    headers = {"X-CSRF-Token": csrf(client)}
    response = client.post("/api/v1/fhir/import", content=_broken(tmp_path).read_bytes(), headers=headers)
    assert response.status_code == 422
    assert "PRIVATE" not in response.text and "valueInteger" in response.text


def test_api_import_needs_case_write(client_for: Callable[[str], TestClient], anonymous: TestClient) -> None:  # noqa: F811
    viewer = client_for("viewer")
    response = viewer.post(
        "/api/v1/fhir/import", content=BUNDLE.read_bytes(), headers={"X-CSRF-Token": csrf(viewer)}
    )
    assert response.status_code == 403
    assert anonymous.post("/api/v1/fhir/import", content=BUNDLE.read_bytes()).status_code == 401
