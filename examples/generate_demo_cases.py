"""Write the synthetic demo cases (no patient data: every value is invented).

One case per ESTRO/EORTC family (synchronous, metachronous, repeat, induced), a polymetastatic case, a
driver-positive case with an unknown history, and cases carrying radiotherapy courses. Each is a case@2
document with a dated imaging timeline (staging, restaging and follow-up scans with per-lesion findings)
and the local treatments given so far, in examples/cases/.

Each demo also gets its case@1 copy in tests/case/fixtures_v1/: what case@1 can carry of the same patient
(the latest FDG-PET/CT and brain MRI dates as staging dates, the lesions' current status as their summary).
The conversion tests read those copies. Run: python examples/generate_demo_cases.py
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
OUT = HERE / "cases"
OUT_V1 = HERE.parent / "tests" / "case" / "fixtures_v1"
DRIVERS = ("egfr", "alk", "ros1", "ret", "braf_v600e", "met_ex14", "ntrk", "kras_g12c", "her2")
Doc = dict[str, Any]


def lesion(i: int, detected: str, **fields: Any) -> Doc:
    base = {"id": f"L{i}", "pattern": "discrete", "detected_date": detected, "status": "new", "size_mm": 15,
            "amenable_to_lat": True, "treated": False}
    base.update(fields)
    return base


def chemo_io(start: str, cycles: int, response: str) -> Doc:
    return {"line": 1, "regimen": "carboplatin-pemetrexed-pembrolizumab", "category": "chemo_io",
            "start_date": start, "end_date": None, "cycles": cycles, "best_response": response}


def scan(scan_id: str, day: str, modality: str, purpose: str, reads: dict[str, tuple[str, float]] | None = None,
         *, brain: bool | None = None, response: str | None = None) -> Doc:
    """One scan; `reads` maps lesion id → (status, size mm) as read on it ({} = no listed lesion seen)."""
    out: Doc = {"id": scan_id, "date": day, "modality": modality, "purpose": purpose}
    if brain is not None:
        out["brain"] = brain
    if response is not None:
        out["response"] = response
    out["findings"] = [{"lesion": k, "status": s, "size_mm": mm} for k, (s, mm) in (reads or {}).items()]
    return out


def brain_mri(scan_id: str, day: str, purpose: str, reads: dict[str, tuple[str, float]] | None = None) -> Doc:
    return scan(scan_id, day, "mri", purpose, reads, brain=True)


def case(case_id: str, today: str, dx: str, mdx: str, lesions: list[Doc], therapy: list[Doc] | None,
         imaging: list[Doc], *, local: list[Doc] | None = None,
         history: tuple[bool | None, bool | None, bool] = (False, False, False),
         primary: tuple[str, bool | None] = ("untreated", True), n: str = "N1", ecog: int = 1,
         drivers: dict[str, str] | None = None, rt: list[Doc] | None = None,
         answers: dict[str, bool] | None = None) -> Doc:
    """A case@2 demo; a lesion's summary status and size are its latest finding, as validation requires."""
    doc: Doc = {
        "schema": "oligoboard/case@2", "id": case_id, "assessment_date": today,
        "patient": {"age_years": 64, "sex": "female", "ecog": ecog},
        "tumour": {"histology": "adenocarcinoma", "histology_confirmed": True, "diagnosis_date": dx, "t": "T2a",
                   "n": n, "drivers": drivers or dict.fromkeys(DRIVERS, "negative"), "pdl1_tps": 35},
        "primary": {"status": primary[0], "radically_treatable": primary[1]},
        "metastatic_diagnosis_date": mdx,
        "history": {"polymetastatic_before": history[0], "omd_before": history[1], "prior_thoracic_rt": history[2]},
        "lesions": [lesion(i + 1, mdx, **fields) for i, fields in enumerate(lesions)],
        "systemic_therapy": therapy,
        "staging": {"mediastinal_staging": "ebus"},
        "imaging": imaging,
        "local_treatments": local,
        "radiotherapy_courses": rt or [],
        "answers": answers or {},
    }
    for item in doc["lesions"]:
        seen = sorted(((s["date"], f) for s in imaging for f in s["findings"] if f["lesion"] == item["id"]),
                      key=lambda pair: pair[0])
        if seen:
            item["detected_date"] = seen[0][0]
            item["status"], item["size_mm"] = seen[-1][1]["status"], seen[-1][1]["size_mm"]
    for key in ("systemic_therapy", "local_treatments"):
        if doc[key] is None:
            del doc[key]  # omitted = unknown
    return doc


def as_case1(doc: Doc) -> Doc:
    """What case@1 can carry of a demo: the latest PET/CT and brain MRI dates, the current lesion status."""
    out = copy.deepcopy(doc)
    out["schema"] = "oligoboard/case@1"
    scans = out.pop("imaging")
    out.pop("local_treatments", None)
    pets = [s["date"] for s in scans if s["modality"] == "fdg_pet_ct"]
    mris = [s["date"] for s in scans if s["modality"] == "mri" and s.get("brain")]
    out["staging"] = {"fdg_pet_ct_date": max(pets, default=None), "brain_mri_date": max(mris, default=None),
                      **out["staging"]}
    for therapy in out.get("systemic_therapy", []):
        therapy.pop("end_reason", None)
    for course in out["radiotherapy_courses"]:
        for key in ("protocol", "start_date", "end_date"):
            course.pop(key, None)
    return out


NONE: dict[str, tuple[str, float]] = {}
SURGERY_2023 = {"id": "LT1", "target": "primary", "modality": "surgery", "intent": "curative",
                "date": "2023-05-10", "margin": "R0"}

DEMOS = [
    case("demo-01-sync-adrenal", "2026-09-20", "2026-09-01", "2026-09-01",
         [{"organ": "adrenal", "laterality": "left"}], [],
         [scan("CT1", "2026-09-01", "ct", "staging", {"L1": ("new", 17)}),
          scan("PET1", "2026-09-08", "fdg_pet_ct", "staging", {"L1": ("new", 18)}),
          brain_mri("MRI1", "2026-09-10", "staging", NONE)],
         local=[],
         rt=[{"id": "RT1", "target": "L1", "technique": "sbrt", "total_dose_gy": 45, "fractions": 3,
              "oar": {"spinal_cord_dmax_gy": 12.1}}]),
    case("demo-02-sync-two-bone-on-induction", "2026-10-01", "2026-06-01", "2026-06-01",
         [{"organ": "bone", "laterality": "midline"}, {"organ": "bone", "laterality": "right"}],
         [chemo_io("2026-06-10", 6, "SD")],
         [scan("CT1", "2026-06-01", "ct", "staging", {"L1": ("new", 22), "L2": ("new", 15)}),
          scan("PET1", "2026-06-03", "fdg_pet_ct", "staging", {"L1": ("new", 22), "L2": ("new", 15)}),
          brain_mri("MRI1", "2026-06-04", "staging", NONE),
          scan("CT2", "2026-08-10", "ct", "restaging", {"L1": ("stable", 21), "L2": ("stable", 15)}, response="SD"),
          scan("CT3", "2026-09-21", "ct", "restaging", {"L1": ("stable", 21), "L2": ("stable", 14)}, response="SD")],
         local=[], n="N0",
         rt=[{"id": "RT1", "target": "L1", "technique": "sbrt", "total_dose_gy": 30, "fractions": 5,
              "oar": {"spinal_cord_dmax_gy": 23.0}},
             {"id": "RT2", "target": "primary", "technique": "vmat", "total_dose_gy": 60, "fractions": 30,
              "oar": {"mean_lung_dose_gy": 20.5, "spinal_cord_dmax_gy": 44.0}}],
         # the research nurse has answered salVage's clinician-attested criteria: the trial becomes decidable
         answers={"NCT06114108/consent": True, "NCT06114108/contraception": True,
                  "NCT06114108/severe-comorbidity": False, "NCT06114108/persistent-toxicity": False,
                  "NCT06114108/pregnancy": False, "NCT06114108/remaining-exclusions": False}),
    case("demo-03-sync-brain-single", "2026-09-15", "2026-08-20", "2026-08-20",
         [{"organ": "brain", "laterality": "right"}], [],
         [brain_mri("MRI1", "2026-08-20", "staging", {"L1": ("new", 12)}),
          scan("CT1", "2026-08-21", "ct", "staging", NONE),
          scan("PET1", "2026-08-24", "fdg_pet_ct", "staging", NONE)],
         local=[]),
    case("demo-04-metachronous-oligorecurrence", "2026-10-05", "2023-04-11", "2026-09-28",
         [{"organ": "lung", "lung_relation": "contralateral", "laterality": "left"}], [],
         [scan("PET1", "2023-04-11", "fdg_pet_ct", "staging", NONE),
          brain_mri("MRI1", "2023-04-12", "staging", NONE),
          scan("CT2", "2025-09-30", "ct", "follow_up", NONE),
          scan("CT3", "2026-09-28", "ct", "follow_up", {"L1": ("new", 9)}),
          scan("PET2", "2026-10-01", "fdg_pet_ct", "staging", {"L1": ("new", 10)}),
          brain_mri("MRI2", "2026-10-02", "staging", NONE)],
         local=[SURGERY_2023], primary=("resected", True), n="N0"),
    case("demo-05-metachronous-oligoprogression", "2026-10-12", "2025-03-03", "2026-10-01",
         [{"organ": "adrenal", "laterality": "right"}],
         [{"line": 1, "regimen": "durvalumab", "category": "io", "start_date": "2025-05-05", "end_date": None,
           "cycles": 12, "best_response": "SD"}],
         [scan("PET1", "2025-02-25", "fdg_pet_ct", "staging", NONE),
          brain_mri("MRI1", "2025-02-27", "staging", NONE),
          scan("CT1", "2025-07-01", "ct", "restaging", NONE, response="PR"),
          scan("CT2", "2026-06-30", "ct", "follow_up", {"L1": ("stable", 8)}, response="SD"),
          scan("CT3", "2026-10-01", "ct", "restaging", {"L1": ("progressing", 19)}, response="PD"),
          scan("PET2", "2026-10-05", "fdg_pet_ct", "restaging", {"L1": ("progressing", 19)}),
          brain_mri("MRI2", "2026-10-06", "restaging", NONE)],
         local=[{"id": "LT1", "target": "primary", "modality": "chemoradiotherapy", "intent": "curative",
                 "date": "2025-03-20"}],
         primary=("controlled", True), n="N2a", history=(False, False, True)),
    case("demo-06-repeat-oligorecurrence", "2026-10-19", "2022-02-14", "2026-10-10",
         [{"organ": "bone", "laterality": "midline"}], [],
         [scan("PET1", "2022-02-14", "fdg_pet_ct", "staging", NONE),
          brain_mri("MRI1", "2022-02-16", "staging", NONE),
          scan("CT1", "2026-04-12", "ct", "follow_up", NONE),
          scan("PET2", "2026-10-10", "fdg_pet_ct", "staging", {"L1": ("new", 16)}),
          brain_mri("MRI2", "2026-10-12", "staging", NONE)],
         local=[{**SURGERY_2023, "date": "2022-03-15"}], primary=("resected", True), history=(False, True, False)),
    case("demo-07-induced-oligoprogression", "2026-10-20", "2025-09-01", "2026-10-14",
         [{"organ": "liver", "laterality": "right"}, {"organ": "bone", "laterality": "midline"}],
         [chemo_io("2025-09-15", 16, "PR")],
         [scan("PET1", "2025-08-28", "fdg_pet_ct", "staging", {"L1": ("new", 25), "L2": ("new", 20)}),
          brain_mri("MRI1", "2025-08-30", "staging", NONE),
          scan("CT1", "2025-12-10", "ct", "restaging", {"L1": ("responding", 12), "L2": ("responding", 14)},
               response="PR"),
          scan("CT2", "2026-03-12", "ct", "restaging", {"L1": ("responding", 10), "L2": ("stable", 14)},
               response="PR"),
          scan("CT3", "2026-06-15", "ct", "restaging", {"L1": ("stable", 10), "L2": ("stable", 14)}, response="SD"),
          scan("CT4", "2026-10-14", "ct", "restaging", {"L1": ("progressing", 21), "L2": ("stable", 14)},
               response="PD"),
          scan("PET2", "2026-10-16", "fdg_pet_ct", "restaging", {"L1": ("progressing", 21), "L2": ("stable", 14)}),
          brain_mri("MRI2", "2026-10-16", "restaging", NONE)],
         local=[], history=(True, False, False), n="N3", ecog=0),
    case("demo-08-induced-oligopersistence", "2026-10-26", "2026-05-04", "2026-10-20",
         [{"organ": "adrenal", "laterality": "left"}, {"organ": "bone", "laterality": "midline"},
          {"organ": "lung", "lung_relation": "contralateral", "laterality": "left"}],
         [chemo_io("2026-05-18", 8, "PR")],
         [scan("PET1", "2026-04-28", "fdg_pet_ct", "staging",
               {"L1": ("new", 30), "L2": ("new", 18), "L3": ("new", 12)}),
          brain_mri("MRI1", "2026-04-30", "staging", NONE),
          scan("CT1", "2026-07-20", "ct", "restaging",
               {"L1": ("responding", 20), "L2": ("stable", 18), "L3": ("responding", 8)}, response="PR"),
          scan("CT2", "2026-10-20", "ct", "restaging",
               {"L1": ("responding", 16), "L2": ("stable", 17), "L3": ("stable", 8)}, response="PR"),
          scan("PET2", "2026-10-22", "fdg_pet_ct", "restaging",
               {"L1": ("responding", 16), "L2": ("stable", 17), "L3": ("stable", 8)}),
          brain_mri("MRI2", "2026-10-22", "restaging", NONE)],
         local=[], history=(True, False, False)),
    case("demo-09-polymetastatic", "2026-09-30", "2026-09-14", "2026-09-14",
         [{"organ": o, "laterality": "right", "amenable_to_lat": None}
          for o in ("bone", "bone", "bone", "liver", "liver", "adrenal", "brain")], [],
         [scan("CT1", "2026-09-14", "ct", "staging", {f"L{i}": ("new", 10 + 3 * i) for i in range(1, 7)}),
          scan("PET1", "2026-09-18", "fdg_pet_ct", "staging", {f"L{i}": ("new", 10 + 3 * i) for i in range(1, 7)}),
          brain_mri("MRI1", "2026-09-20", "staging", {"L7": ("new", 6)})],
         local=[], primary=("untreated", None)),
    case("demo-10-egfr-positive-unknown-history", "2026-11-02", "2026-10-12", "2026-10-12",
         [{"organ": "bone", "laterality": "left"}], None,
         [scan("PET1", "2026-10-12", "fdg_pet_ct", "staging", {"L1": ("new", 14)}),
          brain_mri("MRI1", "2026-10-14", "staging", NONE)],
         drivers=dict(dict.fromkeys(DRIVERS, "negative"), egfr="positive"), history=(False, None, False)),
]


def _write(folder: Path, docs: list[Doc]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for doc in docs:
        (folder / f"{doc['id']}.json").write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")


def main() -> None:
    _write(OUT, DEMOS)
    _write(OUT_V1, [as_case1(doc) for doc in DEMOS])
    print(f"wrote {len(DEMOS)} case@2 demo cases to {OUT} and their case@1 copies to {OUT_V1}")


if __name__ == "__main__":
    main()
