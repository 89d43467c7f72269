"""HTML pages come from autoescaped templates: text from a DICOM file or the knowledge cannot inject markup."""

from __future__ import annotations

from types import SimpleNamespace

from oligoboard.report.html.render import render_page
from oligoboard.report.palette import css_class


def test_plan_page_escapes_values_and_colours_by_the_palette() -> None:
    row = {
        "status": "fail",
        "constraint": "cord: Dmax < 30 Gy",
        "structure": "<script>alert(1)</script>",
        "value": "31 Gy",
        "margin": "-1",
        "source": "protocol & co",
        "verified": False,
    }
    page = render_page(
        "plan_check.html.j2", check=SimpleNamespace(protocol="P<1>", title="t"), plan=None, rows=[row]
    )
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "protocol &amp; co <em>(unverified)</em>" in page
    assert f'class="{css_class("fail")}"' in page and "P&lt;1&gt;" in page
