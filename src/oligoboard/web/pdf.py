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
    """The report as PDF bytes (WeasyPrint imported here: it costs ~0.5 s and only this needs it)."""
    import weasyprint  # type: ignore[import-untyped]  # no type information shipped

    html = report_html(**context)
    document = weasyprint.HTML(string=html, base_url=str(STYLESHEET.parent))
    pdf = document.write_pdf(stylesheets=[weasyprint.CSS(filename=str(STYLESHEET))])
    assert isinstance(pdf, bytes)
    return pdf
