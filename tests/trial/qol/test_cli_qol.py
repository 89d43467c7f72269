"""`oligoboard qol score`: one JSON object per row with null where not scoreable; bad responses exit 2
naming row and item, never the value; the Rich view fits 80 columns."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from oligoboard.cli.main import main

HEADER = [f"q{i}" for i in range(1, 31)]


def _write(path: Path, rows: list[list[str]]) -> Path:
    path.write_text("\n".join(",".join(r) for r in [HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def test_json_one_object_per_row_with_nulls(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    best = ["1"] * 28 + ["7", "7"]
    gaps = ["1"] * 28 + ["NA", "4"]
    gaps[7] = ""  # DY missing
    data = _write(tmp_path / "items.csv", [best, gaps])
    assert main(["qol", "score", "--instrument", "qlq-c30", str(data), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["row"] for r in rows] == [1, 2]
    assert rows[0]["scores"]["C30SUMMARY"] == 100 and rows[0]["scores"]["QL2"] == 100
    assert rows[1]["scores"]["DY"] is None and rows[1]["scores"]["C30SUMMARY"] is None
    assert rows[1]["scores"]["QL2"] == 50 and rows[1]["items_answered"]["QL2"] == 1


@pytest.mark.parametrize(
    ("item", "value", "phrase"),
    [
        (12, "5", "row 2, item q12: response outside 1–4"),
        (29, "8", "row 2, item q29: response outside 1–7"),
        (3, "0", "row 2, item q3: response outside 1–4"),
        (30, "2.5", "row 2, item q30: not a whole number"),
    ],
)
def test_out_of_range_response_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], item: int, value: str, phrase: str
) -> None:
    good = ["1"] * 28 + ["7", "7"]
    bad = list(good)
    bad[item - 1] = value
    data = _write(tmp_path / "items.csv", [good, bad])
    assert main(["qol", "score", str(data), "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and phrase in captured.err and "Traceback" not in captured.err


def test_values_are_never_echoed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = ["1"] * 28 + ["7", "7"]
    bad[4] = "31337"
    assert main(["qol", "score", str(_write(tmp_path / "i.csv", [bad]))]) == 2
    assert "31337" not in capsys.readouterr().err


def test_missing_columns_and_unknown_instrument(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    short = tmp_path / "short.csv"
    short.write_text("q1,q2\n1,1\n", encoding="utf-8")
    assert main(["qol", "score", str(short)]) == 2
    assert "q3" in capsys.readouterr().err
    assert main(["qol", "score", "--instrument", "qlq-lc29", str(short)]) == 2
    assert "--instrument" in capsys.readouterr().err


def test_rich_view_fits_80_columns(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = [["1"] * 28 + ["7", "7"], ["4"] * 28 + ["1", "1"]] * 4
    assert main(["qol", "score", str(_write(tmp_path / "items.csv", rows))]) == 0
    out = capsys.readouterr().out
    assert "PF2 Physical functioning" in out and "100.0" in out and "row 8" in out
    assert max(len(line) for line in out.splitlines()) <= 80
