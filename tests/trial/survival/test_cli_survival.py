"""`oligoboard survival DATA.csv …`: the JSON contract, the Rich view, the plot file, and bad input → exit 2.

The data are a synthetic CSV written by `_write_lung` from lifelines' `lung` (a public data set shipped by
the pinned package), so the printed figures can be compared with the R reference (`test_lung_reference`).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from lifelines.datasets import load_lung

from oligoboard.cli.main import main


def _write_lung(path: Path) -> Path:
    frame = load_lung()
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["days", "dead", "arm"])
        for t, s, sex in zip(frame["time"], frame["status"], frame["sex"], strict=True):
            writer.writerow([int(t), int(s), "male" if sex == 1 else "female"])
    return path


def _write(path: Path, rows: list[list[str]]) -> Path:
    path.write_text("\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8")
    return path


def test_json_has_median_survival_at_logrank_and_cox(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _write_lung(tmp_path / "lung.csv")
    argv = ["survival", str(data), "--time", "days", "--event", "dead", "--group", "arm"]
    assert (
        main([*argv, "--at", "365.25,730.5,1095.75", "--tau", "730.5", "--reference", "male", "--json"]) == 0
    )
    out = json.loads(capsys.readouterr().out)
    assert (out["n"], out["events"]) == (228, 165)
    assert "log(-log)" in out["ci_method"]
    assert out["overall"]["median"] == {"estimate": 310, "lower": 284, "upper": 361}
    one_year, two_years, three_years = out["overall"]["survival_at"]
    assert one_year["survival"] == pytest.approx(0.409242, abs=5e-7) and one_year["at_risk"] == 65
    assert two_years["estimable"] and not three_years["estimable"] and "survival" not in three_years
    assert [g["group"] for g in out["groups"]] == ["female", "male"]
    assert out["logrank"]["chi2"] == pytest.approx(10.326742, abs=5e-7)
    (hr,) = out["cox"]["hazard_ratios"]
    assert (out["cox"]["reference"], hr["group"]) == ("male", "female")
    assert hr["hr"] == pytest.approx(0.588003, abs=5e-6)
    assert out["overall"]["rmst"]["estimate"] == pytest.approx(357.131, abs=5e-4)
    assert out["median_followup"]["estimate"] == 588


def test_without_group_there_is_no_comparison(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = _write_lung(tmp_path / "lung.csv")
    assert main(["survival", str(data), "--time", "days", "--event", "dead", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["groups"] == [] and out["logrank"] is None and out["cox"] is None
    assert out["overall"]["landmarks"] is None  # no --unit: the years cannot be placed on the time axis


def test_rich_view_fits_80_columns_and_names_the_ci_method(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _write_lung(tmp_path / "lung.csv")
    argv = [
        "survival",
        str(data),
        "--time",
        "days",
        "--event",
        "dead",
        "--group",
        "arm",
        "--at",
        "365.25,730.5",
    ]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "310 (284–361)" in out and "log-rank: chi2 10.327" in out and "efron" in out
    assert max(len(line) for line in out.splitlines()) <= 80


@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_plot_is_written(tmp_path: Path, suffix: str, capsys: pytest.CaptureFixture[str]) -> None:
    data = _write_lung(tmp_path / "lung.csv")
    plot = tmp_path / f"km{suffix}"
    argv = ["survival", str(data), "--time", "days", "--event", "dead", "--group", "arm", "--plot", str(plot)]
    assert main([*argv, "--json"]) == 0
    body = plot.read_bytes()
    if suffix == ".png":
        assert body.startswith(b"\x89PNG")
    else:
        assert b"<svg" in body and b"Number at risk" in body
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".km-")] == []  # no temp file left


@pytest.mark.parametrize(
    ("rows", "argv", "names"),
    [
        (
            [["t", "e"], ["3", "1"], ["-2", "0"]],
            ["--time", "t", "--event", "e"],
            ["row 2", "column t", "negative"],
        ),
        ([["t", "e"], ["3", "2"]], ["--time", "t", "--event", "e"], ["row 1", "column e", "0 or 1"]),
        (
            [["t", "e"], ["three", "1"]],
            ["--time", "t", "--event", "e"],
            ["row 1", "column t", "not a number"],
        ),
        ([["t", "e"], ["3", "1"]], ["--time", "t", "--event", "status"], ["column status", "not found"]),
        (
            [["t", "e", "g"], ["3", "1", ""]],
            ["--time", "t", "--event", "e", "--group", "g"],
            ["row 1", "column g"],
        ),
        ([["t", "e"], ["3", "1"]], ["--time", "t", "--event", "e", "--at", "12,x"], ["--at"]),
    ],
)
def test_bad_input_exits_2_naming_column_and_row(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    rows: list[list[str]],
    argv: list[str],
    names: list[str],
) -> None:
    data = _write(tmp_path / "d.csv", rows)
    assert main(["survival", str(data), *argv, "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    for name in names:
        assert name in captured.err
    assert "Traceback" not in captured.err


def test_a_bad_value_is_never_echoed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = _write(tmp_path / "d.csv", [["t", "e"], ["-987654", "1"], ["5", "7777"]])
    assert main(["survival", str(data), "--time", "t", "--event", "e"]) == 2
    err = capsys.readouterr().err
    assert "987654" not in err and "7777" not in err
    assert "row 1" in err and "row 2" in err


def test_bad_plot_path_is_refused_before_any_work(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = _write(tmp_path / "d.csv", [["t", "e"], ["3", "1"]])
    assert (
        main(["survival", str(data), "--time", "t", "--event", "e", "--plot", str(tmp_path / "km.pdf")]) == 2
    )
    assert (
        main(["survival", str(data), "--time", "t", "--event", "e", "--plot", str(tmp_path / "no" / "k.png")])
        == 2
    )
    assert "--plot" in capsys.readouterr().err


def test_a_group_without_events_gives_no_hazard_ratio_and_valid_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [
        ["t", "e", "g"],
        ["1", "1", "a"],
        ["2", "1", "a"],
        ["3", "1", "a"],
        ["4", "0", "b"],
        ["5", "0", "b"],
    ]
    data = _write(tmp_path / "d.csv", rows)
    assert main(["survival", str(data), "--time", "t", "--event", "e", "--group", "g", "--json"]) == 0
    text = capsys.readouterr().out
    assert "Infinity" not in text and "NaN" not in text
    out = json.loads(text)
    assert out["cox"] is None and "no events" in out["notes"][0]
    assert out["logrank"]["chi2"] > 0
    assert out["groups"][1]["median"] == {"estimate": None, "lower": None, "upper": None}


def test_unit_adds_landmarks_at_1_2_3_years(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = _write_lung(tmp_path / "lung.csv")
    argv = ["survival", str(data), "--time", "days", "--event", "dead", "--group", "arm"]
    assert main([*argv, "--unit", "days", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [len(g["landmarks"]) for g in out["groups"]] == [3, 3]
    one, two, three = out["overall"]["landmarks"]
    assert (one["years"], one["time"]) == (1, 365.25) and two["time"] == 730.5
    assert one["survival"]["survival"] == pytest.approx(0.409242, abs=5e-7) and three["survival"] is None
    assert main([*argv, "--unit", "fortnights"]) == 2
    assert "--unit" in capsys.readouterr().err
