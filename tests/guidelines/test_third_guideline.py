"""A third guideline file needs no Python change: its names, order, JSON and terminal rows come from the file."""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from oligoboard.assessment import assess
from oligoboard.case.io import load_case
from oligoboard.engine.compile import load_knowledge
from oligoboard.engine.runner import Engine
from oligoboard.knowledge.loader import KNOWLEDGE_DIR
from oligoboard.report.terminal.assessment import render_assessment

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "cases" / "demo-01-sync-adrenal.json"

THIRD = """\
id: esmo-2026
title: "ESMO 2026: a synthetic third guideline for this test"
source: "synthetic test guideline (no clinical content)"
version: "2026"
date: "2026-01-01"
rule_sets:
  - id: esmo-2026-1
    kind: recommendation
    title: "Local therapy when there are at most three metastases"
    source: "synthetic test guideline, rec. 1"
    grade: "I, A"
    info:
      number: 1
      topic: local_therapy
    criteria:
      - id: few-metastases
        kind: inclusion
        text: "At most three metastases"
        sql: "n_metastases <= 3"
        source: "synthetic test guideline, rec. 1"
"""


@pytest.mark.slow
def test_a_third_guideline_file_shows_up_in_json_and_terminal(tmp_path: Path) -> None:
    root = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE_DIR, root, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    (root / "guidelines" / "esmo_2026.yaml").write_text(THIRD, encoding="utf-8")
    engine = Engine(load_knowledge(root=root))
    out = assess(load_case(EXAMPLE), engine)

    recs = {r["id"]: r for r in out["recommendations"]}
    assert recs["esmo-2026-1"]["guideline"] == "ESMO 2026"
    assert recs["esmo-2026-1"]["status"] == "applies"
    conc = out["concordance"]
    assert [g["name"] for g in conc["guidelines"]] == ["ESMO 2026", "DLCG 2025", "ASTRO/ESTRO 2023"]
    # a third guideline's key ("esmo") is a row key the typed model does not name: read the row as a mapping
    local: Mapping[str, Any] = next(row for row in conc["rows"] if row["topic"] == "local_therapy")
    assert [r["id"] for r in local["esmo"]] == ["esmo-2026-1"]
    assert [side["key"] for side in local["sides"]] == ["esmo", "dlcg", "astro_estro"]
    assert "dlcg" in local and "astro_estro" in local  # the first contract's keys are kept

    console = Console(record=True, width=200)
    render_assessment(console, out)
    text = console.export_text()
    assert "esmo-2026-1" in text
    assert "ESMO 2026, DLCG 2025, ASTRO/ESTRO 2023 side by side" in text
