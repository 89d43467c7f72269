"""In a real browser (Playwright driving Debian's Chromium): sign in, upload a case or create one with a
two-scan timeline through the form, read the assessment, answer a criterion, record a decision, download
its PDF and read its text.

`playwright install` cannot download here, so Chromium comes from Debian (debian-packages.txt) and is
launched through `executable_path`. Screenshots go to a temporary folder, or to docs/screenshots/ when
OLIGOBOARD_SCREENSHOTS=1 (how the README's pictures are refreshed).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from oligoboard.store import repositories as repo
from oligoboard.store.db import transaction
from oligoboard.web.main import create_app
from oligoboard.web.settings import Settings
from tests.support.live_server import serve_in_thread
from tests.web.conftest import DEMO_CASE, EXAMPLES, PASSWORD

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DOCS_SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} not found (Debian package chromium)"),
]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """The workspace under uvicorn on a free loopback port, with two demo cases and a clinician account."""

    from oligoboard.web.security import hash_password

    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'browser.db'}"))
    with transaction(app.state.factory) as session:
        repo.add_user(session, "clara", hash_password(PASSWORD), "clinician")
    from oligoboard.web.demo import load_demo

    demo_dir = tmp_path / "demo"
    demo_dir.mkdir()
    for path in sorted(EXAMPLES.glob("demo-0[14]*.json")):
        shutil.copy(path, demo_dir / path.name)
    load_demo(app.state.factory, demo_dir)
    with serve_in_thread(app) as url:
        yield url


def test_sign_in_upload_assess_answer_decide(server: str, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    shots = DOCS_SCREENSHOTS if os.environ.get("OLIGOBOARD_SCREENSHOTS") == "1" else tmp_path
    shots.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{server}/cases")
        expect(page).to_have_url(f"{server}/login")
        page.fill("input[name=username]", "clara")
        page.fill("input[name=password]", PASSWORD)
        page.screenshot(path=str(shots / "login.png"))
        page.click("button[type=submit]")
        expect(page.locator("h1")).to_have_text("Cases")

        page.click("text=Upload case")
        page.fill(
            "textarea[name=document]", '{"id": "bad", "assessment_date": "2026-01-01", "tumour": {"n": "N9"}}'
        )
        page.click("text=Validate and store")
        expect(page.locator(".problems")).to_contain_text("tumour.n")
        page.screenshot(path=str(shots / "upload-error.png"))
        page.set_input_files("input[name=file]", str(DEMO_CASE))
        page.fill("textarea[name=document]", "")
        page.click("text=Validate and store")
        expect(page.locator("h1")).to_have_text(DEMO_CASE.stem)
        expect(page.locator("#state")).to_contain_text("synchronous oligometastatic")
        page.screenshot(path=str(shots / "assessment.png"))

        row = page.locator("#criteria tr", has_text="NCT01282450/remaining-criteria")
        row.locator("button[value=yes]").click()
        expect(page.locator(".meta")).to_contain_text("Version 2")
        expect(page.locator("#criteria tr", has_text="NCT01282450/remaining-criteria")).to_contain_text("yes")

        page.fill("input[name=recommendation]", "dlcg-2025-2")
        page.fill("input[name=attendees]", "oncology, radiotherapy, radiology")
        page.fill("textarea[name=text]", "SBRT to both bone sites; continue systemic therapy.")
        page.click("text=Record decision")
        expect(page.locator("h1")).to_contain_text("Decision on")
        expect(page.locator("body")).to_contain_text("On case version")
        expect(page.locator("body")).to_contain_text("The knowledge is unchanged since this decision")
        page.screenshot(path=str(shots / "decision.png"))
        with page.expect_download() as download:
            page.click("text=PDF report")
        pdf = tmp_path / "decision.pdf"
        download.value.save_as(pdf)
        if shutil.which("pdftotext"):
            text = subprocess.run(
                ["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True
            ).stdout
            assert "Tumour-board decision" in text and "oncology, radiotherapy, radiology" in text
        else:
            assert pdf.read_bytes().startswith(b"%PDF")

        page.goto(f"{server}/cases")
        expect(page.locator("table.list")).to_contain_text(DEMO_CASE.stem)
        page.screenshot(path=str(shots / "cases.png"))
        browser.close()


def _fill(page: Any, values: dict[str, str]) -> None:
    """Type each value into the form field of that name (select, checkbox or text), as a clinician would."""
    for name, value in values.items():
        field = page.locator(f'[name="{name}"]')
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        elif field.get_attribute("type") == "checkbox":
            field.check()
        else:
            field.fill(value)


def test_form_case_with_two_scans_answer_decide_pdf(server: str, tmp_path: Path) -> None:
    """The whole board workflow through the form: a refused field, a second scan row, the assessment,
    an attested answer, a decision with a deviation, and its PDF read back as text."""
    from playwright.sync_api import expect, sync_playwright

    from tests.web.test_caseform import TIMELINE_FORM

    shots = DOCS_SCREENSHOTS if os.environ.get("OLIGOBOARD_SCREENSHOTS") == "1" else tmp_path
    shots.mkdir(parents=True, exist_ok=True)
    first = {k: v for k, v in TIMELINE_FORM.items() if not k.startswith("imaging[1]")}
    second = {k: v for k, v in TIMELINE_FORM.items() if k.startswith("imaging[1]")}
    case_id = str(TIMELINE_FORM["id"])
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{server}/login")
        page.fill("input[name=username]", "clara")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.click("text=New case")
        expect(page.locator("h1")).to_have_text("New case")
        expect(page.locator("form.caseform")).to_contain_text("ECOG performance status")

        _fill(page, {**first, "lesions[0].size_mm": "2000"})  # beyond the contract's 0–1000 mm
        page.click('button[name=add][value="imaging"]')  # a second scan row (no JavaScript)
        expect(page.locator('[name="imaging[1].id"]')).to_be_visible()
        _fill(page, second)
        page.locator("form.caseform button[type=submit]:not([name])").first.click()
        error = page.locator('.field-error[data-path="lesions[0].size_mm"]')
        expect(error).to_be_visible()
        expect(page.locator('[name="imaging[1].id"]')).to_have_value("CT2")  # what was typed is kept
        error.scroll_into_view_if_needed()
        page.screenshot(path=str(shots / "case-form.png"))
        page.goto(f"{server}/cases?q={case_id}")
        expect(page.locator("table.list")).not_to_contain_text(case_id)  # nothing was stored
        page.go_back()

        page.fill('[name="lesions[0].size_mm"]', "18.5")
        page.locator("form.caseform button[type=submit]:not([name])").first.click()
        expect(page.locator("h1")).to_have_text(case_id)
        expect(page.locator("#state")).to_contain_text("ESTRO/EORTC 2020")
        page.goto(f"{server}/cases/{case_id}/edit")  # the stored timeline has both scans
        expect(page.locator('[name="imaging[0].id"]')).to_have_value("PET1")
        expect(page.locator('[name="imaging[1].id"]')).to_have_value("CT2")
        expect(page.locator('[name="imaging[1].findings[0].status"]')).to_have_value("stable")
        page.goto(f"{server}/cases/{case_id}")

        page.locator("#criteria button[value=yes]").first.click()
        expect(page.locator(".meta")).to_contain_text("Version 2")

        page.fill("input[name=recommendation]", "dlcg-2025-2")
        page.check("input[name=deviation]")
        page.fill("input[name=deviation_reason]", "Systemic therapy first at the patient's wish.")
        page.fill("input[name=attendees]", "oncology, radiotherapy, radiology")
        page.click("text=Record decision")
        expect(page.locator("h1")).to_contain_text("Decision on")
        with page.expect_download() as download:
            page.click("text=PDF report")
        pdf = tmp_path / "form-decision.pdf"
        download.value.save_as(pdf)
        text = " ".join(
            subprocess.run(
                ["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True
            ).stdout.split()
        )
        assert case_id in text and "Tumour-board decision" in text
        assert "Systemic therapy first at the patient's wish." in text
        assert "on case version 2" in text.lower() or "case version 2" in text
        browser.close()
