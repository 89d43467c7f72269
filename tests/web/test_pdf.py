"""The PDF report: made by WeasyPrint from the page's own template, readable back as text."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import CASE_ID, EXAMPLES, csrf, upload

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


def _pages(pdf: bytes, tmp_path: Path) -> list[str]:
    """The text of each page (pdftotext splits pages with a form feed)."""
    path = tmp_path / "pages.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    return text.split("\f")[:-1]


DEMO_DECISION = {
    "created_at": "2026-12-02T10:00:00Z",
    "created_by": "demo",
    "case_version": 1,
    "knowledge_version": "demo-knowledge",
    "recommendation": "dlcg-2025-3: definitive local treatment of the primary followed by stereotaxy",
    "deviation": True,
    "deviation_reason": "Systemic therapy first at the patient's wish; reassess after three cycles.",
    "trial_offered": "NCT06114108",
    "attendees": "oncologist, radiation oncologist, thoracic surgeon, radiologist, nurse",
    "text": "Re-staging CT in three months.\nSBRT planning in parallel.",
}


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("demo-*.json")), ids=lambda p: p.stem[:7])
@pytest.mark.parametrize("with_decision", [False, True], ids=["assessment", "decision"])
def test_demo_reports_fit_one_page_plus_a_marked_continuation(
    path: Path, with_decision: bool, tmp_path: Path
) -> None:
    """Page 1 carries the whole summary (decision, state, recommendations that apply, open trials, the
    first facts, RT checks, provenance); what does not fit is on pages headed "Continued", nowhere else."""
    from oligoboard.web import casework
    from oligoboard.web.pdf import report_pdf
    from oligoboard.web.templating import open_trials

    a = casework.assess(casework.validate(casework.parse_upload(path.read_bytes(), path.name)))
    pdf = report_pdf(
        case_id=a["case_id"],
        version=1,
        a=a,
        decision=DEMO_DECISION if with_decision else None,
        printed_at="2026-12-02T00:00:00Z",
        printed_by="demo",
    )
    pages = _pages(pdf, tmp_path)
    first = " ".join(pages[0].split())
    assert f"Knowledge {a['knowledge_version']}" in first, "the summary ran past page 1"
    assert ("Tumour-board decision" in first) == with_decision
    for rec in a["recommendations"]:
        if rec["status"] != "not_applicable":
            assert f"rec. {rec['id'].rsplit('-', 1)[-1]}" in first
    for trial in open_trials(a["trials"])[:4]:
        assert trial["id"] in first
    continued = len(a["next_best_questions"]) > 4 or len(open_trials(a["trials"])) > 4
    assert (len(pages) > 1) == continued
    if continued:
        assert pages[1].lstrip().startswith("Continued")
        rest = " ".join(" ".join(pages[1:]).split())
        for trial in open_trials(a["trials"])[4:]:
            assert trial["id"] in rest


def test_print_type_is_at_least_8_pt() -> None:
    """Every font size the paper rules set (the @page boxes and @media print) is 8 pt or more."""
    from oligoboard.web.pdf import STYLESHEET

    css = STYLESHEET.read_text(encoding="utf-8")
    paper = "".join(re.findall(r"@page\{.*?\}\}|@media print\{.*?\}\}", css, flags=re.S))
    sizes = [float(s) for s in re.findall(r"font-size:\s*([\d.]+)pt", paper)]
    assert sizes and min(sizes) >= 8
    assert not re.search(r"font-size:\s*[\d.]+(?:px|em|rem|%)", paper)
