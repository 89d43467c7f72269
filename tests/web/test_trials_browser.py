"""The demo trial in a real browser (Playwright driving Debian's Chromium, as tests/web/test_browser.py):
trial office, enrolment page after randomising, a recorded visit, and the analysis page with its figures.
Screenshots go to a temporary folder, or to docs/screenshots/ with OLIGOBOARD_SCREENSHOTS=1."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from oligoboard.store import repositories as repo
from oligoboard.store.db import transaction
from oligoboard.web.demo import load_demo
from oligoboard.web.main import create_app
from oligoboard.web.settings import Settings
from tests.support.live_server import serve_in_thread
from tests.web.conftest import EXAMPLES, PASSWORD
from tests.web.test_browser import CHROMIUM, DOCS_SCREENSHOTS

TRIAL = "NCT06114108"
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} not found (Debian package chromium)"),
]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:

    from oligoboard.web.security import hash_password

    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'trial.db'}"))
    with transaction(app.state.factory) as session:
        repo.add_user(session, "clara", hash_password(PASSWORD), "clinician")
    load_demo(app.state.factory, EXAMPLES, with_trial=True)
    with serve_in_thread(app) as url:
        yield url


def test_trial_office_from_screening_to_analysis(server: str, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    shots = DOCS_SCREENSHOTS if os.environ.get("OLIGOBOARD_SCREENSHOTS") == "1" else tmp_path
    shots.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        page.goto(f"{server}/login")
        page.fill("input[name=username]", "clara")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.click("text=Trial office")
        page.click(f"text={TRIAL}")
        expect(page.locator("h1")).to_have_text(TRIAL)
        page.screenshot(path=str(shots / "trial-office.png"), full_page=True)
        row = page.locator("tr", has_text="demo-02-sync-two-bone-on-induction")
        row.locator("button", has_text="Enrol").click()
        expect(page.locator("h1")).to_contain_text("demo-02-sync-two-bone-on-induction")
        page.select_option("select[name=factor_centre]", "A")
        page.click("button:has-text('Randomise')")
        expect(page.locator("body")).to_contain_text("Sequence number")
        page.screenshot(path=str(shots / "trial-enrolment.png"), full_page=True)
        page.goto(f"{server}/trials/{TRIAL}/analysis")
        expect(page.locator("h1")).to_contain_text("analysis")
        page.wait_for_load_state("networkidle")
        for image in page.locator("img").all():  # each figure really rendered (the page allows no script)
            assert image.evaluate("i => i.naturalWidth") > 0
        page.screenshot(path=str(shots / "trial-analysis.png"), full_page=True)
        browser.close()
