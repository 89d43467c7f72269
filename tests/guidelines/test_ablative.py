"""DLCG ablative dose: 'BED > 75 Gy' (strictly greater) and 'lokal kontrolrate pa minimum 85% efter 2 ar'.

Seed 002 lines 262-264. 50 Gy / 10 fx gives BED10 = 50 (1 + 5/10) = 75.0 Gy exactly: not ablative.
"""

from __future__ import annotations

import pytest

from oligoboard.engine.knowledge_base import KnowledgeBase
from oligoboard.guidelines import ablative_definition, is_ablative
from oligoboard.guidelines.ablative import packaged_ablative


def test_seed_prints_threshold_and_target(seed_dlcg_text: str) -> None:
    assert "biologisk effektiv dosis (BED) > 75 Gy" in seed_dlcg_text
    assert "lokal kontrolrate pa minimum 85% efter 2 ar" in seed_dlcg_text


@pytest.mark.parametrize(
    ("dose_gy", "fractions", "ablative"),
    [
        (50, 10, False),  # BED10 = 75.0 exactly — the boundary, not > 75
        (51, 10, True),  # 77.0
        (60, 15, True),  # 84.0
        (60, 30, False),  # 72.0
        (45, 3, True),  # 112.5
        (30, 10, False),  # 39.0
    ],
)
def test_strictly_greater_than_75(dose_gy: float, fractions: int, ablative: bool) -> None:
    assert is_ablative(dose_gy, fractions) is ablative


def test_knowledge_file_matches_packaged_values(kb: KnowledgeBase) -> None:
    loaded = ablative_definition(kb)
    assert loaded.bed_threshold_gy == packaged_ablative().bed_threshold_gy == 75.0
    assert loaded.alpha_beta_gy == packaged_ablative().alpha_beta_gy == 10.0
    assert (loaded.local_control_min_percent, loaded.local_control_years) == (85.0, 2.0)
    assert loaded.is_ablative(50, 10) is False
    assert "≥ 85 % local control at 2 years" in loaded.as_dict()["local_control_target"]


def test_attached_to_every_sbrt_recommendation(kb: KnowledgeBase) -> None:
    """DLCG recs 1-3 name 'kirurgi eller stereotaksi', rec. 4 'lokal ablativ behandling': all carry it."""
    for rec_id in ("dlcg-2025-1", "dlcg-2025-2", "dlcg-2025-3", "dlcg-2025-4"):
        info = kb.rule_set(rec_id).spec.info
        assert info.sbrt is True
        assert info.ablative_dose is not None
        assert info.ablative_dose.regimen_rule == "dlcg-2025-ablative-bed10"


def test_the_ablative_statement_is_found_by_content_and_must_be_unique(kb: KnowledgeBase) -> None:
    """No file id in Python: the one guideline file carrying `info.ablative` defines it; none or two fail."""
    from oligoboard.errors import KnowledgeError
    from oligoboard.guidelines.ablative import _the_one

    carriers = [(fid, spec.info.ablative) for fid, spec in kb.files.items() if spec.info.ablative is not None]
    assert [fid for fid, _ in carriers] == ["dlcg-2025"]
    assert _the_one(carriers) is carriers[0][1]
    for wrong in ([], carriers * 2):
        with pytest.raises(KnowledgeError, match=r"exactly one file may carry info\.ablative"):
            _the_one(wrong)
