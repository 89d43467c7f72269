"""CTCAE terms, allowed grades, per-trial version pin and worst grade per patient and term.

Every term of every packaged version must exist in the external CTCAE v5.0 list
(`../shared/external/ctcae/ctcae_v5_terms_rawr.csv`, from the `rawr` R package) with the same MedDRA code.
Allowed grades quote `shared/reference/trial-operations.md` §2.3 ("–" = grade not available for the term).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from oligoboard.errors import InputError, KnowledgeError
from oligoboard.knowledge.reading import load_spec
from oligoboard.trial.toxicity.ctcae import (
    TOXICITY_DIR,
    AdverseEvent,
    CtcaeVersion,
    available_versions,
    ctcae,
    trial_pin,
    worst_grades,
    worst_grades_for_trial,
)
from tests.support.shared import SHARED, needs

V5_LIST = SHARED / "external" / "ctcae" / "ctcae_v5_terms_rawr.csv"
TERMS = [(v, t.term) for v in available_versions() for t in ctcae(v).terms]


@pytest.fixture(scope="module")
def v5_list() -> dict[str, dict[str, str]]:
    with V5_LIST.open(encoding="utf-8") as handle:
        return {row["tox_desc"]: row for row in csv.DictReader(handle)}


@needs(V5_LIST)
@pytest.mark.parametrize(("version", "term"), TERMS, ids=[f"v{v}-{t}" for v, t in TERMS])
def test_term_exists_in_the_ctcae_v5_list_with_its_meddra_code(
    v5_list: dict[str, dict[str, str]], version: str, term: str
) -> None:
    spec = ctcae(version).term(term)
    assert spec is not None
    assert term in v5_list, f"{term} is not a CTCAE v5.0 term"
    assert int(v5_list[term]["MedDRA_code_v50"]) == spec.meddra_code
    if version == "5.0":
        assert v5_list[term]["tox_cat"] == spec.soc


def test_the_reference_terms_are_all_there() -> None:
    """§2.3: the thoracic/SBRT terms with grade text in the note (the issue names dyspnoea and dysphagia)."""
    names = {t.term for t in ctcae("5.0").terms}
    assert {
        "Dyspnea",
        "Dysphagia",
        "Pneumonitis",
        "Esophagitis",
        "Fatigue",
        "Cough",
        "Chest wall pain",
        "Fracture",
        "Dermatitis radiation",
        "Pulmonary fibrosis",
        "Bronchopulmonary hemorrhage",
        "Hypoxia",
        "Pleural effusion",
        "Myelitis",
        "Brachial plexopathy",
    } <= names
    # "There is no separate 'Rib fracture' or 'Hemoptysis' term in v5.0" (§2.3)
    assert not names & {"Rib fracture", "Hemoptysis", "Radiation pneumonitis"}


@pytest.mark.parametrize(
    ("term", "allowed"),
    [
        ("Dyspnea", (1, 2, 3, 4, 5)),
        ("Cough", (1, 2, 3)),  # G4 "–", G5 "–"
        ("Fatigue", (1, 2, 3)),  # G4 "–", G5 "–"
        ("Nausea", (1, 2, 3)),
        ("Hypoxia", (2, 3, 4, 5)),  # G1 "–"
        ("Chest wall necrosis", (2, 3, 4, 5)),  # G1 "–"
        ("Spinal cord compression", (3, 4, 5)),  # G1 "–", G2 "–"
    ],
)
def test_allowed_grades(term: str, allowed: tuple[int, ...]) -> None:
    spec = ctcae("5.0").term(term)
    assert spec is not None and spec.allowed_grades == allowed


def test_grade_text_is_the_official_wording() -> None:
    """§2.3: Pneumonitis G3 'Severe symptoms; limiting self care ADL; oxygen indicated'."""
    spec = ctcae("5.0").term("pneumonitis")
    assert spec is not None and spec.grades[3] == "Severe symptoms; limiting self care ADL; oxygen indicated"


def test_worst_grade_per_patient_and_term() -> None:
    events = [
        AdverseEvent("p1", "Pneumonitis", 1),
        AdverseEvent("p1", "pneumonitis", 3),
        AdverseEvent("p1", "Pneumonitis", 2),
        AdverseEvent("p1", "Cough", 2),
        AdverseEvent("p2", "Pneumonitis", 2),
    ]
    worst = [(w.patient_id, w.term, w.grade, w.events) for w in worst_grades(events, "5.0")]
    assert worst == [("p1", "Cough", 2, 1), ("p1", "Pneumonitis", 3, 3), ("p2", "Pneumonitis", 2, 1)]


@pytest.mark.parametrize(
    ("event", "path"),
    [
        (AdverseEvent("p1", "Cough", 4), "events[1].grade"),  # no grade 4 for Cough
        (AdverseEvent("p1", "Hypoxia", 1), "events[1].grade"),
        (AdverseEvent("p1", "Pneumonitis", 0), "events[1].grade"),
        (AdverseEvent("p1", "Rib fracture", 2), "events[1].term"),  # graded under Fracture in v5.0
    ],
)
def test_invalid_events_are_refused_naming_the_field(event: AdverseEvent, path: str) -> None:
    with pytest.raises(InputError) as info:
        worst_grades([AdverseEvent("p1", "Dyspnea", 2), event], "5.0")
    rendered = info.value.render()
    assert path in rendered and "p1" not in rendered


def test_version_is_pinned_per_trial() -> None:
    """Seed 000 (NCT01282450): 'Dyspnea (CTC4.0)', 'Dysphagia (CTC 4.0)'."""
    pin = trial_pin("NCT01282450")
    assert pin.ctcae_version == "4.03" and set(pin.terms) == {"Dyspnea", "Dysphagia"}
    assert pin.verified is False  # 4.0 in the registry, 4.03 assumed: the file says so
    worst = worst_grades_for_trial(
        [AdverseEvent("p", "Dysphagia", 2), AdverseEvent("p", "Dyspnea", 1)], "NCT01282450"
    )
    assert [(w.term, w.grade) for w in worst] == [("Dysphagia", 2), ("Dyspnea", 1)]
    with pytest.raises(InputError, match="not a term this trial"):
        worst_grades_for_trial([AdverseEvent("p", "Pneumonitis", 2)], "NCT01282450")
    with pytest.raises(InputError, match="no CTCAE version pinned"):
        trial_pin("NCT06523673")  # "Safety of SBRT" names no CTCAE version (seed 004)


def test_v4_03_grade_3_of_dysphagia_is_marked_unread() -> None:
    """§2.4: v5.0 'Clarification: Grade 3' vs v4.03; the v4.03 wording was not in the sources."""
    old, new = ctcae("4.03").term("Dysphagia"), ctcae("5.0").term("Dysphagia")
    assert old is not None and new is not None and not old.verified
    assert (
        old.grades[1] == new.grades[1]
        and old.grades[3] != new.grades[3]
        and "not in the sources" in old.grades[3]
    )


def test_unknown_key_fails_the_load(tmp_path: Path) -> None:
    text = (TOXICITY_DIR / "ctcae_v5.0.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "ctcae_v5.0.yaml"
    bad.write_text(
        text.replace("    verified: true\n", "    verified: true\n    grade_6: x\n", 1), encoding="utf-8"
    )
    with pytest.raises(KnowledgeError) as info:
        load_spec(CtcaeVersion, bad)
    assert "grade_6" in info.value.render()


def test_every_term_has_a_source() -> None:
    for version in available_versions():
        assert all(t.source.strip() for t in ctcae(version).terms)
