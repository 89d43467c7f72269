"""PDF reports: the HTML page of a report (`report/html/`), laid out for print by WeasyPrint.

One renderer: the PDF is the same autoescaped Jinja2 page as `--html`, so the two cannot disagree; only a
print stylesheet (page size, margins, type size) is added here. WeasyPrint is imported when a PDF is asked
for (it loads Pango through cffi, ~0.3 s), and the page may fetch nothing: every URL is refused, so a string
from a DICOM file can never make the renderer read a file or reach a host.
"""

from __future__ import annotations

from typing import Any, NoReturn

#: A4 landscape: the plan-check table has six columns and long citations.
PRINT_CSS = """
@page { size: A4 landscape; margin: 12mm 10mm; @bottom-right { content: "page " counter(page) " of " counter(pages); font-size: 8pt; } }
body { font-size: 9pt; }
table { width: 100%; }
td, th { vertical-align: top; }
"""


def _refuse(url: str, *args: Any, **kwargs: Any) -> NoReturn:
    raise ValueError("oligoboard PDF pages are self-contained: no URL is fetched")


def html_to_pdf(page: str, css: str = PRINT_CSS) -> bytes:
    """The PDF of one self-contained HTML page (bytes, starting ``%PDF``), laid out with `css`
    (the plan check's print rules by default; the web workspace passes its page stylesheet)."""
    import weasyprint

    document = weasyprint.HTML(string=page, url_fetcher=_refuse, base_url=None)
    pdf = document.write_pdf(stylesheets=[weasyprint.CSS(string=css, url_fetcher=_refuse)])
    assert isinstance(pdf, bytes)
    return pdf
