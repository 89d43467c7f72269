"""The PDF report: made by WeasyPrint from the page's own template, readable back as text."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import CASE_ID, csrf, upload

pytestmark = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) not found"
)


def _text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def test_case_and_decision_reports_carry_the_page_content(
    client_for: Callable[[str], TestClient], tmp_path: Path
) -> None:
    client = client_for("clinician")
    assert upload(client) == 303
    response = client.get(f"/cases/{CASE_ID}/report.pdf")
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = _text(response.content, tmp_path)
    page = client.get(f"/cases/{CASE_ID}").text
    for phrase in (
        CASE_ID,
        "synchronous oligometastatic",
        "Recommendations",
        "Facts to collect before the MDT",
    ):
        assert phrase in text and phrase in page
    decided = client.post(
        f"/cases/{CASE_ID}/decisions",
        data={
            "csrf_token": csrf(client),
            "recommendation": "dlcg-2025-2",
            "attendees": "oncology, radiology",
        },
        follow_redirects=False,
    )
    pdf = client.get(decided.headers["location"] + "/report.pdf")
    decision_text = _text(pdf.content, tmp_path)
    assert "Tumour-board decision" in decision_text and "dlcg-2025-2" in decision_text
    assert "oncology, radiology" in decision_text
