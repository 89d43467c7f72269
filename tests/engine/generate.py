"""Seeded random cases that vary every field of the case contract (case/models.py), unknowns everywhere.

For the differential test of the backends: each field is drawn from its whole domain plus None (unknown),
lists are omitted, empty or filled, dates fall around the clinical cut-offs, and answers go to real attested
criterion ids. case@2 draws add the timeline: scans (same-day and undated ones included) with findings for
the lesions, local treatments, RT protocols and dates, therapy end reasons. Cases that violate a cross-field
rule (a summary status contradicting the latest finding…) are repaired rather than dropped, so every draw is
a valid case. `version=1` gives the case@1 part alone (the conversion tests upgrade it).
Plain `random.Random(seed)`: deterministic and fast.
"""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from typing import Any, get_args

from oligoboard.case import models as m
from oligoboard.case.convert import upgrade_v1
from oligoboard.case.models import Case
from oligoboard.case.timeline import latest_status
from oligoboard.case.validate import parse_case

ASSESSMENT = date(2026, 10, 1)


def _choice(rng: random.Random, options: tuple[Any, ...] | list[Any], unknown: float = 0.15) -> Any:
    return None if rng.random() < unknown else rng.choice(list(options))


def _literal(rng: random.Random, alias: Any, unknown: float = 0.15) -> Any:
    return _choice(rng, get_args(alias), unknown)


def _date(rng: random.Random, latest: date, days_back: int = 1500, unknown: float = 0.15) -> str | None:
    if rng.random() < unknown:
        return None
    return (latest - timedelta(days=rng.randint(0, days_back))).isoformat()


def _maybe(rng: random.Random, value: Any, unknown: float = 0.1) -> Any:
    return None if rng.random() < unknown else value


def _lesion(rng: random.Random, j: int) -> dict[str, Any]:
    organ = _literal(rng, m.Organ, 0.08)
    relation = _literal(rng, m.LungRelation, 0.3) if organ in ("lung", None) else None
    return {
        "id": f"L{j}",
        "organ": organ,
        "laterality": _literal(rng, m.Laterality),
        "lung_relation": relation,
        "pattern": _choice(rng, ["discrete", "discrete", "discrete", "effusion", "diffuse"], 0.1),
        "detected_date": _date(rng, ASSESSMENT, 600),
        "status": _literal(rng, m.LesionStatus, 0.1),
        "size_mm": _maybe(rng, round(rng.uniform(0, 80), 1)),
        "amenable_to_lat": _choice(rng, [True, True, False], 0.15),
        "treated": _choice(rng, [True, False]),
    }


def _therapy(rng: random.Random) -> dict[str, Any]:
    start = _date(rng, ASSESSMENT, 900, 0.1)
    end = None
    if start is not None and rng.random() < 0.5:
        start_d = date.fromisoformat(start)
        end = (start_d + timedelta(days=rng.randint(0, (ASSESSMENT - start_d).days))).isoformat()
    return {
        "line": _choice(rng, [1, 1, 1, 2, 3], 0.08),
        "regimen": _choice(rng, ["carboplatin-pemetrexed-pembrolizumab", "osimertinib", "docetaxel"]),
        "category": _literal(rng, m.TherapyCategory, 0.1),
        "start_date": start,
        "end_date": end,
        "cycles": _maybe(rng, rng.randint(0, 12), 0.2),
        "best_response": _literal(rng, m.Response, 0.2),
    }


def _course(rng: random.Random, k: int, lesion_ids: list[str]) -> dict[str, Any]:
    return {
        "id": f"RT{k}",
        "target": _choice(rng, ["primary", *lesion_ids], 0.2),
        "technique": _literal(rng, m.Technique),
        "total_dose_gy": _maybe(rng, rng.choice([8.0, 20.0, 30.0, 45.0, 50.0, 54.0, 60.0, 66.0])),
        "fractions": _maybe(rng, rng.choice([1, 3, 5, 8, 10, 15, 30, 33])),
        "oar": None
        if rng.random() < 0.3
        else {
            "spinal_cord_dmax_gy": _maybe(rng, round(rng.uniform(0, 60), 1), 0.3),
            "brachial_plexus_dmax_gy": _maybe(rng, round(rng.uniform(0, 70), 1), 0.3),
            "mean_lung_dose_gy": _maybe(rng, round(rng.uniform(0, 25), 1), 0.3),
            "esophagus_dmax_gy": _maybe(rng, round(rng.uniform(0, 70), 1), 0.3),
        },
    }


def _section(rng: random.Random, fields: dict[str, Any], absent: float = 0.08) -> dict[str, Any] | None:
    return None if rng.random() < absent else fields


def _list(rng: random.Random, make: Any, most: int) -> list[Any] | None:
    roll = rng.random()
    if roll < 0.1:
        return None  # omitted: unknown
    if roll < 0.2:
        return []  # known: none
    return [make(j) for j in range(1, rng.randint(1, most) + 1)]


def random_case_doc(
    rng: random.Random, case_id: str, answer_keys: list[str], version: int = 2
) -> dict[str, Any]:
    """One valid case document with every field of the contract drawn at random (None = unknown)."""
    diagnosis = _date(rng, ASSESSMENT, 1800, 0.1)
    metastatic: str | None
    if diagnosis is not None and rng.random() < 0.85:
        dx = date.fromisoformat(diagnosis)
        # around the 6-month synchronous cut-off often, anywhere up to the assessment otherwise
        span = (ASSESSMENT - dx).days
        # and sometimes before it: a staging CT before histology is valid (issue 11)
        offset = rng.choice([-40, -1, 0, 90, 182, 183, 184, 200, rng.randint(0, max(span, 0))])
        metastatic = (dx + timedelta(days=min(offset, span))).isoformat()
    else:
        metastatic = _date(rng, ASSESSMENT, 900)
    lesions = _list(rng, lambda j: _lesion(rng, j), 9)
    lesion_ids = [lesion["id"] for lesion in lesions or []]
    age = _maybe(rng, rng.randint(16, 95), 0.25)
    birth = (
        _date(rng, ASSESSMENT - timedelta(days=365 * 17), 365 * 70, 0.5)
        if age is None or rng.random() < 0.3
        else None
    )
    doc: dict[str, Any] = {
        "schema": "oligoboard/case@1",
        "id": case_id,
        "assessment_date": ASSESSMENT.isoformat(),
        "patient": _section(
            rng,
            {
                "age_years": age,
                "birth_date": birth,
                "sex": _literal(rng, m.Sex),
                "ecog": _maybe(rng, rng.randint(0, 4), 0.15),
            },
        ),
        "tumour": _section(
            rng,
            {
                "histology": _literal(rng, m.Histology, 0.1),
                "histology_confirmed": _choice(rng, [True, True, False]),
                "diagnosis_date": diagnosis,
                "t": _literal(rng, m.TCategory),
                "n": _literal(rng, m.NCategory),
                "drivers": _section(
                    rng,
                    {
                        name: _choice(
                            rng, ["negative", "negative", "negative", "positive", "not_tested"], 0.1
                        )
                        for name in m.DRIVER_NAMES
                    },
                    0.15,
                ),
                "pdl1_tps": _maybe(
                    rng, rng.choice([0.0, 1.0, 49.0, 50.0, round(rng.uniform(0, 100), 1)]), 0.2
                ),
            },
        ),
        "primary": _section(
            rng,
            {
                "status": _literal(rng, m.PrimaryStatus, 0.1),
                "radically_treatable": _choice(rng, [True, False]),
            },
        ),
        "metastatic_diagnosis_date": metastatic,
        "history": _section(
            rng,
            {
                "polymetastatic_before": _choice(rng, [False, False, True]),
                "omd_before": _choice(rng, [False, False, True]),
                "prior_thoracic_rt": _choice(rng, [False, True]),
            },
        ),
        "lesions": lesions,
        "systemic_therapy": _list(rng, lambda j: _therapy(rng), 3),
        "staging": _section(
            rng,
            {
                "fdg_pet_ct_date": _date(rng, ASSESSMENT, 200),
                "brain_mri_date": _date(rng, ASSESSMENT, 200),
                "mediastinal_staging": _literal(rng, m.MediastinalStaging),
            },
        ),
        "radiotherapy_courses": _list(rng, lambda k: _course(rng, k, lesion_ids), 3),
        "answers": None
        if rng.random() < 0.2
        else {
            key: _choice(rng, [True, False])
            for key in rng.sample(answer_keys, k=rng.randint(0, min(len(answer_keys), 8)))
        },
    }
    if rng.random() < 0.35:
        _favourable(rng, doc)
    if version == 1:
        return doc
    return _timeline(rng, upgrade_v1(doc))


def _favourable(rng: random.Random, doc: dict[str, Any]) -> None:
    """Pull a draw towards the typical oligometastatic candidate, so strict rule sets are met sometimes too
    (a fully random case almost never satisfies ten conditions at once)."""
    tumour = doc["tumour"] = doc["tumour"] or {}
    tumour.update(
        histology=rng.choice(["adenocarcinoma", "squamous"]),
        histology_confirmed=True,
        drivers=dict.fromkeys(m.DRIVER_NAMES, "negative"),
    )
    doc["primary"] = {
        "status": rng.choice(["untreated", "controlled", "resected"]),
        "radically_treatable": True,
    }
    doc["history"] = {"polymetastatic_before": False, "omd_before": False, "prior_thoracic_rt": False}
    organs = ["adrenal", "bone", "brain", "lung", "liver"]
    doc["lesions"] = [
        {
            **_lesion(rng, j),
            "organ": (organ := rng.choice(organs)),
            "pattern": "discrete",
            "amenable_to_lat": True,
        }
        | {"lung_relation": "contralateral" if organ == "lung" else None}
        for j in range(1, rng.randint(1, 3) + 1)
    ]
    ids = {lesion["id"] for lesion in doc["lesions"]}
    for course in doc["radiotherapy_courses"] or []:
        if course["target"] not in ids | {"primary", None}:
            course["target"] = "primary"


def _finding(rng: random.Random, lesion_id: str) -> dict[str, Any]:
    return {
        "lesion": lesion_id,
        "status": _literal(rng, m.LesionStatus, 0.15),
        "size_mm": _maybe(rng, round(rng.uniform(0, 80), 1), 0.3),
    }


def _scans(rng: random.Random, lesion_ids: list[str]) -> list[dict[str, Any]]:
    scans: list[dict[str, Any]] = []
    for k in range(1, rng.randint(1, 5) + 1):
        same_day = scans and scans[-1]["date"] is not None and rng.random() < 0.15
        read = [lid for lid in lesion_ids if rng.random() < 0.7]
        scans.append(
            {
                "id": f"S{k}",
                "date": scans[-1]["date"] if same_day else _date(rng, ASSESSMENT, 500, 0.1),
                "modality": _choice(rng, (*get_args(m.Modality), "fdg_pet_ct", "mri", "ct"), 0.1),
                "purpose": _literal(rng, m.ScanPurpose),
                "brain": _choice(rng, [True, False]),
                "response": _literal(rng, m.ScanResponse, 0.3),
                "findings": None if rng.random() < 0.15 else [_finding(rng, lid) for lid in read],
            }
        )
    return scans


def _treatment(rng: random.Random, k: int, lesion_ids: list[str], course_ids: list[str]) -> dict[str, Any]:
    modality = _literal(rng, m.LocalModality)
    return {
        "id": f"LT{k}",
        "target": _choice(rng, ["primary", "primary", *lesion_ids]),
        "modality": modality,
        "intent": _literal(rng, m.Intent),
        "date": _date(rng, ASSESSMENT, 1200),
        "margin": _literal(rng, m.Margin, 0.3) if modality in ("surgery", None) else None,
        "rt_course": _choice(rng, course_ids, 0.5) if course_ids else None,
    }


def _timeline(rng: random.Random, doc: dict[str, Any]) -> dict[str, Any]:
    """Add the case@2 facts to an upgraded draw: the staging scans of case@1 stay, or a whole timeline."""
    lesion_ids = [lesion["id"] for lesion in doc["lesions"] or []]
    roll = rng.random()
    if roll < 0.15:
        doc["imaging"] = []
    elif roll < 0.75:
        doc["imaging"] = [*doc.get("imaging", []), *_scans(rng, lesion_ids)]
    for therapy in doc["systemic_therapy"] or []:
        therapy["end_reason"] = _literal(rng, m.EndReason, 0.3) if therapy["end_date"] else None
    courses = doc["radiotherapy_courses"] or []
    for course in courses:
        course["protocol"] = _choice(rng, ["NCT01282450", "NCT06114108", "sabr-comet-3"], 0.5)
        start = _date(rng, ASSESSMENT, 300, 0.3)
        course["start_date"] = start
        course["end_date"] = None if start is None or rng.random() < 0.3 else ASSESSMENT.isoformat()
    course_ids = [course["id"] for course in courses]
    doc["local_treatments"] = _list(rng, lambda k: _treatment(rng, k, lesion_ids, course_ids), 3)
    return _repair(doc)


def _repair(doc: dict[str, Any]) -> dict[str, Any]:
    """Keep the draw valid: a summary status agrees with the latest finding (or is left unknown), and a
    lesion that a local treatment targets is not `treated: false`."""
    shape_only = Case.model_validate_json(json.dumps(doc))
    latest = latest_status(shape_only)
    targeted = {t["target"] for t in doc["local_treatments"] or []}
    for lesion in doc["lesions"] or []:
        current = latest.get(lesion["id"])
        if current is not None and lesion["status"] not in (None, current):
            lesion["status"] = None if lesion["status"] == "stable" else current
        if lesion["treated"] is False and lesion["id"] in targeted:
            lesion["treated"] = True
    return doc


def random_cases(seed: int, n: int, answer_keys: list[str], version: int = 2) -> list[Case]:
    rng = random.Random(seed)
    return [parse_case(random_case_doc(rng, f"gen-{seed}-{i}", answer_keys, version)) for i in range(n)]
