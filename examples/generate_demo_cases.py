"""Write the synthetic demo cases in examples/cases/ (no patient data: every value is invented).

One case per ESTRO/EORTC family (synchronous, metachronous, repeat, induced), a polymetastatic case, a
driver-positive case with an unknown history, and cases carrying radiotherapy courses.
Run: python examples/generate_demo_cases.py
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

OUT = Path(__file__).parent / "cases"
DRIVERS = ("egfr", "alk", "ros1", "ret", "braf_v600e", "met_ex14", "ntrk", "kras_g12c", "her2")


def lesion(i: int, mdx: str, **fields: Any) -> dict[str, Any]:
    base = {"id": f"L{i}", "pattern": "discrete", "detected_date": mdx, "status": "new", "size_mm": 15,
            "amenable_to_lat": True, "treated": False}
    base.update(fields)
    return base


def chemo_io(start: str, cycles: int, response: str) -> dict[str, Any]:
    return {"line": 1, "regimen": "carboplatin-pemetrexed-pembrolizumab", "category": "chemo_io",
            "start_date": start, "end_date": None, "cycles": cycles, "best_response": response}


def case(case_id: str, today: str, dx: str, mdx: str, lesions: list[dict[str, Any]],
         therapy: list[dict[str, Any]] | None, *, history: tuple[bool | None, bool | None, bool] = (False, False, False),
         primary: tuple[str, bool | None] = ("untreated", True), n: str = "N1", ecog: int = 1,
         drivers: dict[str, str] | None = None, rt: list[dict[str, Any]] | None = None,
         answers: dict[str, bool] | None = None) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "schema": "oligoboard/case@1", "id": case_id, "assessment_date": today,
        "patient": {"age_years": 64, "sex": "female", "ecog": ecog},
        "tumour": {"histology": "adenocarcinoma", "histology_confirmed": True, "diagnosis_date": dx, "t": "T2a",
                   "n": n, "drivers": drivers or dict.fromkeys(DRIVERS, "negative"), "pdl1_tps": 35},
        "primary": {"status": primary[0], "radically_treatable": primary[1]},
        "metastatic_diagnosis_date": mdx,
        "history": {"polymetastatic_before": history[0], "omd_before": history[1], "prior_thoracic_rt": history[2]},
        "lesions": [lesion(i + 1, mdx, **fields) for i, fields in enumerate(lesions)],
        "systemic_therapy": therapy,
        "staging": {"fdg_pet_ct_date": mdx, "brain_mri_date": mdx, "mediastinal_staging": "ebus"},
        "radiotherapy_courses": rt or [],
        "answers": answers or {},
    }
    if therapy is None:
        del doc["systemic_therapy"]  # omitted = unknown
    return doc


DEMOS = [
    case("demo-01-sync-adrenal", "2026-09-20", "2026-09-01", "2026-09-01",
         [{"organ": "adrenal", "laterality": "left"}], [],
         rt=[{"id": "RT1", "target": "L1", "technique": "sbrt", "total_dose_gy": 45, "fractions": 3,
              "oar": {"spinal_cord_dmax_gy": 12.1}}]),
    case("demo-02-sync-two-bone-on-induction", "2026-10-01", "2026-06-01", "2026-06-01",
         [{"organ": "bone", "laterality": "midline", "status": "stable"},
          {"organ": "bone", "laterality": "right", "status": "stable"}],
         [chemo_io("2026-06-10", 6, "SD")], n="N0",
         rt=[{"id": "RT1", "target": "L1", "technique": "sbrt", "total_dose_gy": 30, "fractions": 5,
              "oar": {"spinal_cord_dmax_gy": 23.0}},
             {"id": "RT2", "target": "primary", "technique": "vmat", "total_dose_gy": 60, "fractions": 30,
              "oar": {"mean_lung_dose_gy": 20.5, "spinal_cord_dmax_gy": 44.0}}],
         # the research nurse has answered salVage's clinician-attested criteria: the trial becomes decidable
         answers={"NCT06114108/consent": True, "NCT06114108/contraception": True,
                  "NCT06114108/severe-comorbidity": False, "NCT06114108/persistent-toxicity": False,
                  "NCT06114108/pregnancy": False, "NCT06114108/remaining-exclusions": False}),
    case("demo-03-sync-brain-single", "2026-09-15", "2026-08-20", "2026-08-20",
         [{"organ": "brain", "laterality": "right"}], []),
    case("demo-04-metachronous-oligorecurrence", "2026-10-05", "2023-04-11", "2026-09-28",
         [{"organ": "lung", "lung_relation": "contralateral", "laterality": "left"}], [],
         primary=("resected", True), n="N0"),
    case("demo-05-metachronous-oligoprogression", "2026-10-12", "2025-03-03", "2026-10-01",
         [{"organ": "adrenal", "laterality": "right", "status": "progressing"}],
         [{"line": 1, "regimen": "durvalumab", "category": "io", "start_date": "2025-05-05", "end_date": None,
           "cycles": 12, "best_response": "SD"}],
         primary=("controlled", True), n="N2a", history=(False, False, True)),
    case("demo-06-repeat-oligorecurrence", "2026-10-19", "2022-02-14", "2026-10-10",
         [{"organ": "bone", "laterality": "midline"}], [], primary=("resected", True), history=(False, True, False)),
    case("demo-07-induced-oligoprogression", "2026-10-20", "2025-09-01", "2026-10-14",
         [{"organ": "liver", "laterality": "right", "status": "progressing"},
          {"organ": "bone", "laterality": "midline", "status": "stable"}],
         [chemo_io("2025-09-15", 16, "PR")], history=(True, False, False), n="N3", ecog=0),
    case("demo-08-induced-oligopersistence", "2026-10-26", "2026-05-04", "2026-10-20",
         [{"organ": "adrenal", "laterality": "left", "status": "responding"},
          {"organ": "bone", "laterality": "midline", "status": "stable"},
          {"organ": "lung", "lung_relation": "contralateral", "laterality": "left", "status": "stable"}],
         [chemo_io("2026-05-18", 8, "PR")], history=(True, False, False)),
    case("demo-09-polymetastatic", "2026-09-30", "2026-09-14", "2026-09-14",
         [{"organ": o, "laterality": "right", "amenable_to_lat": None}
          for o in ("bone", "bone", "bone", "liver", "liver", "adrenal", "brain")], [],
         primary=("untreated", None)),
    case("demo-10-egfr-positive-unknown-history", "2026-11-02", "2026-10-12", "2026-10-12",
         [{"organ": "bone", "laterality": "left"}], None,
         drivers=dict(dict.fromkeys(DRIVERS, "negative"), egfr="positive"), history=(False, None, False)),
]


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for doc in DEMOS:
        (OUT / f"{doc['id']}.json").write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {len(DEMOS)} demo cases to {OUT}")


if __name__ == "__main__":
    main()
