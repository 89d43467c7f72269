"""Trial files load with version, date and valid metadata; broken files fail naming file and criterion."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from oligoboard.engine.compile import load_knowledge
from oligoboard.engine.knowledge_base import KnowledgeBase
from oligoboard.errors import KnowledgeError
from oligoboard.knowledge.loader import KNOWLEDGE_DIR
from oligoboard.trials.metadata import trial_card, trial_cards

REQUIRED = {
    "NCT01282450", "NCT06114108", "NCT06523673", "NCT01725165", "NCT02045446", "NCT01446744",
    "NCT03862911", "NCT03721341", "NCT03137771", "NCT02417662", "NCT03256981", "NCT02756793",
}  # fmt: skip


def test_catalogue_holds_the_seed_and_landmark_trials(kb: KnowledgeBase) -> None:
    assert {rs.spec.id for rs in kb.rule_sets_of("trial")} >= REQUIRED


def test_every_trial_has_version_date_and_valid_metadata(kb: KnowledgeBase) -> None:
    for card in trial_cards(kb):
        assert card.version and card.date, card.id
        assert card.info.arms and card.info.endpoints.primary


def test_closed_seed_trial_is_flagged_not_recruiting(kb: KnowledgeBase) -> None:
    cards = {c.id: c for c in trial_cards(kb)}
    assert cards["NCT01282450"].info.recruiting is False
    assert cards["NCT06114108"].info.recruiting is True
    assert cards["NCT01282450"].info.conflicts  # "< 4 sites" vs "< 5 metastases" shown


def test_unverified_background_knowledge_is_marked(kb: KnowledgeBase) -> None:
    """trials.md: anything tagged [M] is encoded only with verified: false."""
    for rs in kb.rule_sets_of("trial"):
        for c in rs.criteria:
            if "[M]" in c.spec.source:
                assert c.spec.verified is False, f"{rs.spec.id}/{c.spec.id}"


def test_seed_trials_keep_clinician_attestations(kb: KnowledgeBase) -> None:
    attested = {
        rs.spec.id: {c.spec.id for c in rs.criteria if c.spec.attested} for rs in kb.rule_sets_of("trial")
    }
    assert {"consent", "contraception"} <= attested["NCT06114108"]
    assert {"consent", "sbrt-suitable"} <= attested["NCT06523673"]


def _knowledge_copy(tmp_path: Path, trial_doc: dict[str, object], name: str) -> Path:
    root = tmp_path / "knowledge"
    root.mkdir()
    shutil.copy(KNOWLEDGE_DIR / "manifest.yaml", root / "manifest.yaml")
    shutil.copytree(KNOWLEDGE_DIR / "classification", root / "classification")
    (root / "trials").mkdir()
    (root / "trials" / name).write_text(yaml.safe_dump(trial_doc, allow_unicode=True), encoding="utf-8")
    return root


def _trial_doc() -> dict[str, object]:
    doc: dict[str, object] = yaml.safe_load(
        (KNOWLEDGE_DIR / "trials" / "NCT06114108.yaml").read_text("utf-8")
    )
    return doc


def test_unknown_feature_fails_naming_file_and_criterion(tmp_path: Path) -> None:
    doc = _trial_doc()
    doc["rule_sets"][0]["criteria"][2]["sql"] = "ecog_score <= 1"  # type: ignore[index]
    doc["rule_sets"][0]["criteria"][2].pop("conflict")  # type: ignore[index]  # its applied reading has the sql
    root = _knowledge_copy(tmp_path, doc, "NCT06114108.yaml")
    with pytest.raises(
        KnowledgeError, match=r"NCT06114108\.yaml:\d+: NCT06114108/ecog: unknown feature\(s\) ecog_score"
    ):
        load_knowledge(root)


def test_criterion_without_source_fails_naming_file_and_criterion(tmp_path: Path) -> None:
    doc = _trial_doc()
    del doc["rule_sets"][0]["criteria"][2]["source"]  # type: ignore[index]
    root = _knowledge_copy(tmp_path, doc, "NCT06114108.yaml")
    with pytest.raises(KnowledgeError) as err:
        load_knowledge(root)
    rendered = err.value.render()
    assert "NCT06114108.yaml" in rendered
    assert "rule_sets[0].criteria[2].source" in rendered


def test_trial_metadata_without_recruiting_flag_fails_naming_file(tmp_path: Path) -> None:
    doc = _trial_doc()
    del doc["info"]["recruiting"]  # type: ignore[attr-defined]
    kb = load_knowledge(_knowledge_copy(tmp_path, doc, "NCT06114108.yaml"))
    with pytest.raises(KnowledgeError) as err:
        trial_card(kb.rule_set("NCT06114108"))
    assert "NCT06114108.yaml" in err.value.render()
    assert "info.recruiting" in err.value.render()


def test_criterion_without_number_fails(tmp_path: Path) -> None:
    doc = _trial_doc()
    doc["rule_sets"][0]["criteria"][0]["info"] = {}  # type: ignore[index]
    kb = load_knowledge(_knowledge_copy(tmp_path, doc, "NCT06114108.yaml"))
    with pytest.raises(KnowledgeError, match="invalid trial description"):
        trial_card(kb.rule_set("NCT06114108"))


def test_trial_info_is_validated_once_when_the_file_loads(kb: KnowledgeBase) -> None:
    """The card uses the `TrialInfo` the loader validated (the compiled-knowledge cache carries it, so a
    warm `assess` builds no validator for it), and that is what validating the file's info again gives."""
    from oligoboard.trials.metadata import TrialInfo

    for rs in kb.rule_sets_of("trial"):
        remembered = rs.file_spec.trial_info
        assert remembered is not None, rs.file
        assert trial_card(rs).info is remembered
        assert remembered == TrialInfo.model_validate(rs.file_spec.info.model_dump(exclude_unset=True))


def test_trial_info_that_does_not_validate_is_left_to_the_card(tmp_path: Path) -> None:
    doc = _trial_doc()
    del doc["info"]["recruiting"]  # type: ignore[attr-defined]
    kb = load_knowledge(_knowledge_copy(tmp_path, doc, "NCT06114108.yaml"))
    assert kb.rule_set("NCT06114108").file_spec.trial_info is None
