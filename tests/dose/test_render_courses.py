"""The course-check table of `assess`: basis and comparison under each check, the reason of every unknown,
protocol notes, literal case strings, 80 columns."""

from __future__ import annotations

from rich.console import Console

from oligoboard.dose.course_checks import check_courses
from oligoboard.report.terminal.dose import render_course_checks
from tests.dose.courses import Course, Oar


def render(courses: list[Course], width: int) -> str:
    console = Console(width=width, record=True, color_system=None)
    console.print(render_course_checks(check_courses(courses)))
    return console.export_text()


def test_comparison_reason_and_protocol_note_are_shown() -> None:
    courses = [
        Course(id="RT[/bold]", technique="imrt", total_dose_gy=55, fractions=20,
               oar=Oar(spinal_cord_dmax_gy=50.0), protocol="NCT01282450"),
        Course(id="RT2", total_dose_gy=30, fractions=5, protocol="NCT99999999"),
    ]  # fmt: skip
    wide = render(courses, 300)
    rows = wide.splitlines()
    # the quantity in words and the limit in symbols (the check id is for --sources)
    assert any(
        "spinal cord Dmax (protocol NCT01282450)" in r and "fail" in r and "≤ 54 Gy" in r for r in rows
    )
    assert "in EQD2 (α/β 2 Gy): spinal cord 50 Gy in 20 fx = 56.25 Gy" in wide
    assert "EQD2 56.25" in wide  # the converted value under the recorded one
    assert "brachial_plexus_dmax_gy not given" in wide  # the reason of an unknown
    assert "RT[/bold]" in wide  # a case id is text, never markup
    assert "RT2: protocol 'NCT99999999' has no course rules in the knowledge: general limits only" in wide
    narrow = render(courses, 80)
    assert max(len(line) for line in narrow.splitlines()) <= 80
    assert "not ablative" in narrow  # whole status words at 80 columns
