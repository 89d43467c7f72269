"""QLQ-LC13: 10 symptom scores from items 31-42 (`shared/reference/trial-operations.md` §1.8, QoLR's
`scoring.QLQLC13`): symptom formula with range 3; LCDY = items 33-35, "3 items, ≥2 needed"; item 43 not scored.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from oligoboard.trial.qol.items import read_items_csv, score_row
from oligoboard.trial.qol.qlq_lc13 import SCALES, score_qlq_lc13


@pytest.mark.parametrize(
    ("code", "items"),
    [
        ("LCCO", (31,)),
        ("LCHA", (32,)),
        ("LCDY", (33, 34, 35)),
        ("LCSM", (36,)),
        ("LCDS", (37,)),
        ("LCPN", (38,)),
        ("LCHR", (39,)),
        ("LCPC", (40,)),
        ("LCPA", (41,)),
        ("LCPO", (42,)),
    ],
)
def test_item_map(code: str, items: tuple[int, ...]) -> None:
    (scale,) = [s for s in SCALES if s.code == code]
    assert scale.items == items and scale.kind == "symptom" and scale.range == 3


def test_scores_and_the_dyspnoea_half_rule() -> None:
    responses: dict[int, int | None] = {i: 1 for i in range(31, 43)}
    responses.update({31: 4, 33: 2, 34: None, 35: 3})
    scores, answered = score_qlq_lc13(responses)
    assert scores["LCCO"] == 100 and scores["LCHA"] == 0
    assert scores["LCDY"] == pytest.approx(50.0) and answered["LCDY"] == 2  # mean(2, 3) = 2.5 → 50
    responses[35] = None
    assert score_qlq_lc13(responses)[0]["LCDY"] is None  # 1 of 3 answered


def _write(path: Path, header: list[str], values: list[str]) -> Path:
    path.write_text(",".join(header) + "\n" + ",".join(values) + "\n", encoding="utf-8")
    return path


def test_module_and_core_numbering_give_the_same_scores(tmp_path: Path) -> None:
    values = ["2", "1", "3", "3", "4", "1", "2", "1", "1", "2", "3", "4", "1"]
    core = _write(tmp_path / "core.csv", [f"q{i}" for i in range(31, 44)], values)
    module = _write(tmp_path / "module.csv", [f"Q{i}" for i in range(1, 14)], values)
    a = score_row(read_items_csv(core, "qlq-lc13")[0], "qlq-lc13")
    b = score_row(read_items_csv(module, "qlq-lc13")[0], "qlq-lc13")
    assert a["scores"] == b["scores"]
    assert isinstance(a["scores"], dict) and a["scores"]["LCDY"] == pytest.approx((10 / 3 - 1) / 3 * 100)


def test_item_43_is_read_but_not_scored(tmp_path: Path) -> None:
    values = ["1"] * 12 + [
        "9"
    ]  # item 43's structure differs (yes/no + follow-up): never range-checked or scored
    path = _write(tmp_path / "lc13.csv", [f"q{i}" for i in range(31, 44)], values)
    out = score_row(read_items_csv(path, "qlq-lc13")[0], "qlq-lc13")
    assert isinstance(out["scores"], dict) and "43" not in str(list(out["scores"]))
