"""Literal text (issue 12 item 3): strings from a case or a DICOM file are escaped, never interpreted.

`report/terminal/literal.visible` is the one escaping function; these tests pin what it shows, then follow
the hostile strings through the Rich plan check, the `dvh` command on a real RT structure set whose ROI is
renamed, and the HTML page (where Jinja2 autoescape is the guard).
"""

from __future__ import annotations

import io
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Literal, cast

import pytest
from rich.console import Console

from oligoboard.cli.main import main
from oligoboard.report.html.render import render_page
from oligoboard.report.terminal.literal import literal, visible, visible_lines
from tests.case.make_hostile import MARKUP_ATTACK, RAW_CONTROLS, TERMINAL_ATTACK, write_hostile_rtstruct
from tests.support.shared import SHARED, needs

RT = SHARED / "data" / "rt-example"

# (raw text, what a person sees) — every class of character the brief names, and text that must stay as is
VISIBLE = [
    ("\x1b[2J", "\\x1b[2J"),  # CSI: clear the screen
    ("\x1b]0;title\x07", "\\x1b]0;title\\x07"),  # OSC: retitle the terminal, BEL-terminated
    ("a\x00b", "a\\x00b"),  # NUL
    ("\x9b31m", "\\x9b31m"),  # C1 CSI
    ("\x7f", "\\x7f"),  # DEL
    ("abc\u202edef", "abc\\u202edef"),  # right-to-left override
    ("\u2066x\u2069", "\\u2066x\\u2069"),  # bidi isolates
    ("a\u200bb", "a\\u200bb"),  # zero-width space
    ("line\nbreak\ttab", "line\\nbreak\\ttab"),  # an id is one line
    ("a\u2028b", "a\\u2028b"),  # line separator
    ("\U000e0041", "\\U000e0041"),  # tag character (format, astral)
    ("[/red] [bold]x[/bold] :pill:", "[/red] [bold]x[/bold] :pill:"),  # markup is text, not escaped
    ("Jørgen Ærø, 北京, Ωmega", "Jørgen Ærø, 北京, Ωmega"),  # letters of every script stay
    ("C:\\path", "C:\\path"),  # backslashes are not doubled
    ("", ""),
]


@pytest.mark.parametrize(("raw", "shown"), VISIBLE, ids=[repr(r) for r, _ in VISIBLE])
def test_visible_escapes_controls_format_and_bidi_characters(raw: str, shown: str) -> None:
    assert visible(raw) == shown


def test_visible_lines_keeps_line_breaks_and_escapes_within_lines() -> None:
    assert visible_lines("error: a\x1b.json\n  - id: x") == "error: a\\x1b.json\n  - id: x"


def _print(renderable: Any, *, terminal: bool) -> str:
    buffer = io.StringIO()
    colours: Literal["standard"] | None = "standard" if terminal else None
    Console(file=buffer, width=200, force_terminal=terminal, color_system=colours).print(renderable)
    return buffer.getvalue()


@pytest.mark.parametrize("terminal", [False, True])
def test_literal_text_is_never_markup_or_emoji(terminal: bool) -> None:
    shown = _print(literal(MARKUP_ATTACK + " [bold]x :pill: " + TERMINAL_ATTACK), terminal=terminal)
    assert "[/red] [bold]x :pill: \\x1b]0;PWNED\\x07" in shown
    assert "\x1b]" not in shown and "\x07" not in shown and "\u202e" not in shown and "\x00" not in shown


def test_plan_check_view_shows_a_hostile_roi_name_literally() -> None:
    from oligoboard.dose.plancheck import PlanCheck
    from oligoboard.report.terminal.dose import render_plan_check

    result = {
        "id": "c1",
        "constraint": "Dmax < 30 Gy",
        "structure": "[/bold]" + TERMINAL_ATTACK,
        "value": 31.0,
        "unit": "Gy",
        "margin": -1.0,
        "status": "fail",
        "source": "protocol",
        "verified": True,
    }
    check = cast(PlanCheck, SimpleNamespace(protocol="P", title="t", results=[result]))
    shown = _print(render_plan_check(check), terminal=False)
    assert "[/bold]\\x1b]0;PWNED" in shown
    for raw in RAW_CONTROLS:
        assert raw not in shown


def test_html_plan_page_escapes_the_same_hostile_strings() -> None:
    """HTML relies on Jinja2 autoescape: markup-looking and script text arrive as text."""
    row = {
        "status": "fail",
        "constraint": "c",
        "structure": "<script>alert(1)</script>" + MARKUP_ATTACK + TERMINAL_ATTACK,
        "value": "1 Gy",
        "margin": "0",
        "source": "<b>s</b>",
        "verified": True,
    }
    page = render_page(
        "plan_check.html.j2", check=SimpleNamespace(protocol="P", title="t"), plan=None, rows=[row]
    )
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;[/red]" in page
    assert "<b>s</b>" not in page and "&lt;b&gt;s&lt;/b&gt;" in page


@needs(RT / "rtss.dcm")
@pytest.mark.filterwarnings("ignore:Found unknown escape sequence")  # pydicom: the ESC is no ISO 2022 escape
def test_dvh_command_prints_a_hostile_roi_name_literally(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A DICOM ROI named `[/bold]…` crashed the Rich table (exit 1); now it is a row like any other."""
    hostile = write_hostile_rtstruct(RT / "rtss.dcm", tmp_path / "rtss.dcm")
    monkeypatch.setenv("COLUMNS", "300")
    code = main(["dvh", str(tmp_path / "rtss.dcm"), str(RT / "rtdose.dcm"), "--structure", hostile])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "[/bold]\\x1b]0;PWNED\\x07\\x1b[2J" in out
    for raw in RAW_CONTROLS:
        assert raw not in out
