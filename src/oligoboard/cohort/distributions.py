"""The distributions `synth` draws from, in one place so docs/cohort.md can quote them.

Why a table of constants: every figure is either a plausibility target from the shared reference
(OligoCare, via issue 14) or an assumption; docs/cohort.md lists which is which (`verified: false`).
Each categorical is (values, probabilities); a missing rate is the share of rows left NULL (unknown).
"""

from __future__ import annotations

Categorical = tuple[tuple[str, ...], tuple[float, ...]]

#: ESTRO-EORTC OligoCare (issue 14): de novo 58 %, repeat 30 %, induced 12 % of OMD. [verified: false]
OMD_KIND: Categorical = (("de_novo", "repeat", "induced"), (0.58, 0.30, 0.12))
#: OligoCare (issue 14): solitary metastasis 67 % of OMD; the split of 2-5 is an assumption.
OMD_LESION_COUNT: tuple[tuple[int, ...], tuple[float, ...]] = (
    (1, 2, 3, 4, 5),
    (0.67, 0.15, 0.10, 0.05, 0.03),
)
#: Assumption: share of stage-IV patients with more than five metastases (6-15, uniform).
POLYMETASTATIC_SHARE = 0.30
#: Assumption: metastatic disease found with the primary (synchronous) rather than later.
SYNCHRONOUS_SHARE = 0.55

SEX: Categorical = (("male", "female"), (0.58, 0.42))
ECOG: tuple[tuple[int, ...], tuple[float, ...]] = ((0, 1, 2, 3), (0.35, 0.45, 0.15, 0.05))
HISTOLOGY: Categorical = (
    ("adenocarcinoma", "squamous", "large_cell", "nsclc_nos", "other_nsclc"),
    (0.65, 0.22, 0.02, 0.08, 0.03),
)
T_CATEGORY: Categorical = (
    ("TX", "T1a", "T1b", "T1c", "T2a", "T2b", "T3", "T4"),
    (0.04, 0.05, 0.10, 0.12, 0.17, 0.12, 0.18, 0.22),
)
N_CATEGORY: Categorical = (("NX", "N0", "N1", "N2a", "N2b", "N3"), (0.03, 0.30, 0.15, 0.17, 0.15, 0.20))
#: Assumption: positive share per driver among tested patients (independent draws).
DRIVER_POSITIVE: dict[str, float] = {
    "egfr": 0.15,
    "alk": 0.04,
    "ros1": 0.01,
    "ret": 0.01,
    "braf_v600e": 0.02,
    "met_ex14": 0.03,
    "ntrk": 0.002,
    "kras_g12c": 0.12,
    "her2": 0.02,
}
DRIVER_NOT_TESTED = 0.10
PRIMARY_STATUS: Categorical = (
    ("untreated", "controlled", "progressing", "resected", "absent_unknown"),
    (0.45, 0.25, 0.08, 0.17, 0.05),
)
MEDIASTINAL: Categorical = (("ebus", "mediastinoscopy", "pet_only", "none"), (0.40, 0.05, 0.45, 0.10))
ORGAN: Categorical = (
    ("bone", "brain", "adrenal", "lung", "liver", "distant_lymph_node", "pleura", "soft_tissue", "other"),
    (0.30, 0.20, 0.12, 0.12, 0.10, 0.10, 0.03, 0.02, 0.01),
)
LATERALITY: Categorical = (("left", "right", "midline"), (0.45, 0.45, 0.10))
#: Lung lesions are contralateral: an ipsilateral other-lobe nodule is T4, not a metastasis (case contract).
LUNG_RELATION: Categorical = (("contralateral",), (1.0,))
PATTERN: Categorical = (("discrete", "diffuse"), (0.97, 0.03))
LESION_STATUS: Categorical = (
    ("new", "stable", "responding", "progressing", "complete_response"),
    (0.30, 0.30, 0.20, 0.15, 0.05),
)
#: Assumption: number of systemic lines by the assessment date.
LINES: tuple[tuple[int, ...], tuple[float, ...]] = ((0, 1, 2, 3), (0.30, 0.45, 0.18, 0.07))
CATEGORY: Categorical = (("chemo_io", "io", "chemo"), (0.60, 0.15, 0.25))
REGIMEN: dict[str, str] = {
    "chemo_io": "carboplatin-pemetrexed-pembrolizumab",
    "io": "pembrolizumab",
    "chemo": "carboplatin-paclitaxel",
    "targeted": "osimertinib",
}
BEST_RESPONSE: Categorical = (("CR", "PR", "SD", "PD"), (0.05, 0.35, 0.38, 0.22))
END_REASON: Categorical = (
    ("progression", "toxicity", "completed", "patient_choice", "other"),
    (0.60, 0.15, 0.17, 0.03, 0.05),
)
SCAN_RESPONSE: Categorical = (("CR", "PR", "SD", "PD", "NE"), (0.04, 0.30, 0.40, 0.22, 0.04))
BRAIN_MRI_SHARE = 0.80

#: Assumption: share of NULL (unknown) per field; lists: share omitted (unknown) rather than given.
MISSING: dict[str, float] = {
    "age_years": 0.02,
    "ecog": 0.10,
    "histology": 0.01,
    "histology_confirmed": 0.03,
    "t_category": 0.05,
    "n_category": 0.05,
    "driver": 0.05,
    "pdl1_tps": 0.15,
    "primary_status": 0.03,
    "primary_radically_treatable": 0.20,
    "history": 0.08,
    "prior_thoracic_rt": 0.10,
    "mediastinal_staging": 0.10,
    "laterality": 0.05,
    "pattern": 0.03,
    "size_mm": 0.10,
    "amenable_to_lat": 0.15,
    "treated": 0.10,
    "best_response": 0.05,
    "cycles": 0.10,
    "lesions_list": 0.03,
    "systemic_list": 0.05,
    "rt_list": 0.10,
    "imaging_list": 0.05,
    "local_treatments_list": 0.10,
}
