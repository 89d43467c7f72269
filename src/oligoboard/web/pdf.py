"""The printable report: the same assessment partial as the page, rendered to PDF by WeasyPrint.

The PDF is made from the page's own template (`report.html.j2` includes `_assessment.html.j2`) and the
page's stylesheet with its print rules, so the paper and the screen cannot say different things.
Fonts come from Debian (fonts-dejavu-core); WeasyPrint needs Pango (debian-packages.txt).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from oligoboard.web.templating import environment

STYLESHEET = Path(__file__).resolve().parent / "static" / "style.css"


def report_html(**context: Any) -> str:
    context.setdefault("decision", None)
    return environment().get_template("report.html.j2").render(**context)


def report_pdf(**context: Any) -> bytes:
    """The report as PDF bytes, by the one PDF renderer (`report.pdf`: WeasyPrint, no URL fetched) with the
    page's own stylesheet and its print rules."""
    from oligoboard.report.pdf import html_to_pdf

    return html_to_pdf(report_html(**context), css=STYLESHEET.read_text(encoding="utf-8"))
