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
#: Assumption: among de novo OMD, metastases found with the primary (synchronous) rather than later.
#: Repeat and induced OMD are metachronous by definition (an earlier metastatic episode).
SYNCHRONOUS_SHARE_DE_NOVO = 0.70
#: Assumption: curative treatment of the primary before the metastatic diagnosis, metachronous patients
#: (all repeat/induced ones get it: oligorecidiv after curative treatment of the primary).
PRIMARY_CURATIVE_METACHRONOUS_DE_NOVO = 0.85
#: Assumption: consolidative (curative-intent) treatment of the primary after first-line start, synchronous.
PRIMARY_CONSOLIDATION_SYNCHRONOUS = 0.30
#: Assumption: how the primary was treated curatively (surgery / SBRT / chemoradiotherapy).
PRIMARY_MODALITY: Categorical = (("surgery", "sbrt", "chemoradiotherapy"), (0.50, 0.25, 0.25))
MARGIN: Categorical = (("R0", "R1", "R2"), (0.90, 0.08, 0.02))
#: Assumption: share of OMD (<= 5) baseline lesions given metastasis-directed treatment.
MDT_SHARE = 0.50
#: Assumption: share of polymetastatic patients' bone lesions given palliative RT.
PALLIATIVE_BONE_RT_SHARE = 0.20
#: Assumption: share of patients whose ongoing line shows oligoprogression treated by SBRT of that lesion.
OLIGOPROGRESSION_SBRT_SHARE = 0.60
INTENT_MDT: Categorical = (("ablative", "curative", "palliative"), (0.85, 0.10, 0.05))

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
#: Assumption: why a line that was followed by another line ended.
END_REASON: Categorical = (
    ("progression", "toxicity", "completed", "patient_choice", "other"),
    (0.75, 0.15, 0.00, 0.03, 0.07),
)
#: Assumption: why the last line ended, when it is not ongoing.
END_REASON_LAST: Categorical = (
    ("progression", "toxicity", "completed", "patient_choice", "other"),
    (0.35, 0.20, 0.40, 0.03, 0.02),
)
#: Assumption: share of last lines still ongoing at the assessment date.
LAST_LINE_ONGOING = 0.70
#: Assumption: the patient-level draw behind a restaging scan of a line that did not end by progression
#: (CR / PR / SD / PD); the scan's read response is then derived from the lesions (RECIST 1.1: a new
#: lesion or a progressing one is PD, all lesions gone is CR, any responding is PR, else SD).
RESTAGING_DRAW: tuple[float, float, float, float] = (0.04, 0.40, 0.41, 0.15)
#: Assumption: the same for a line that ended for another reason than progression (no PD).
RESTAGING_DRAW_ENDED: tuple[float, float, float, float] = (0.05, 0.40, 0.55, 0.0)
#: Assumption: the draw behind a follow-up scan of a patient without systemic therapy.
FOLLOW_UP_DRAW: tuple[float, float, float, float] = (0.05, 0.15, 0.55, 0.25)
#: Assumption: at a PD time point, chance that a new lesion appears (else a known lesion progresses).
NEW_LESION_AT_PD = 0.35
#: Assumption: at a PD time point, chance that each other known lesion progresses too.
OTHER_PROGRESSING_AT_PD = 0.30
#: Assumption: organ of a new lesion (never the brain: brain follow-up is only read where brain lesions were).
NEW_LESION_ORGAN: Categorical = (
    ("bone", "adrenal", "lung", "liver", "distant_lymph_node"),
    (0.35, 0.15, 0.20, 0.15, 0.15),
)
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
    "lesion_status": 0.05,
    "scan_response": 0.05,
    "scan_findings": 0.05,
    "intent": 0.05,
    "margin": 0.10,
    "rt_protocol": 0.20,
    "oar": 0.30,
    "cycles": 0.10,
    "lesions_list": 0.03,
    "systemic_list": 0.05,
    "rt_list": 0.10,
    "imaging_list": 0.05,
    "local_treatments_list": 0.10,
}

#: Radiotherapy regimens: (name, total dose Gy, fractions, days from first to last fraction, technique).
#: SABR-COMET protocol table 1 "Dose and fractionations by site" (/work/shared/reference/radiotherapy.md
#: §4.1, [V]): lung 54/3, 55/5, 60/8, bone 35/5, 20/1 (16-20 Gy single), 30/3, brain 40/5, adrenal 60/8,
#: other sites 45-60 Gy in 3-8 (50/5 taken here); every second day except bone 35/5 and brain (daily).
#: Primary chemoradiotherapy 60 Gy in 30 daily fractions: NCT01282450 (knowledge/radiotherapy/protocols).
#: Palliative 20/5 and 8/1 to bone: assumption. Daily courses skip weekends (5 fractions a week).
RT_REGIMENS: tuple[tuple[str, float, int, int, str], ...] = (
    ("lung_54_3", 54.0, 3, 4, "sbrt"),
    ("lung_55_5", 55.0, 5, 8, "sbrt"),
    ("lung_60_8", 60.0, 8, 14, "sbrt"),
    ("bone_35_5", 35.0, 5, 4, "sbrt"),
    ("bone_20_1", 20.0, 1, 0, "sbrt"),
    ("bone_30_3", 30.0, 3, 4, "sbrt"),
    ("brain_40_5", 40.0, 5, 4, "srs"),
    ("adrenal_60_8", 60.0, 8, 14, "sbrt"),
    ("other_50_5", 50.0, 5, 8, "sbrt"),
    ("crt_60_30", 60.0, 30, 39, "imrt"),
    ("palliative_20_5", 20.0, 5, 4, "3dcrt"),
    ("palliative_8_1", 8.0, 1, 0, "3dcrt"),
)
#: Per lesion organ (ORGAN order): probabilities of the metastasis-directed modality, in MDT_MODALITY order.
#: Assumption (`verified: false`).
MDT_MODALITY: tuple[str, ...] = ("sbrt", "srs", "surgery", "rfa", "other")
MDT_MODALITY_BY_ORGAN: dict[str, tuple[float, ...]] = {
    "bone": (0.90, 0.0, 0.0, 0.0, 0.10),
    "brain": (0.0, 0.85, 0.15, 0.0, 0.0),
    "adrenal": (0.75, 0.0, 0.25, 0.0, 0.0),
    "lung": (0.80, 0.0, 0.20, 0.0, 0.0),
    "liver": (0.60, 0.0, 0.10, 0.30, 0.0),
    "distant_lymph_node": (0.90, 0.0, 0.0, 0.0, 0.10),
    "pleura": (0.90, 0.0, 0.0, 0.0, 0.10),
    "soft_tissue": (0.90, 0.0, 0.0, 0.0, 0.10),
    "other": (0.90, 0.0, 0.0, 0.0, 0.10),
}
#: Per lesion organ: SBRT/SRS regimen probabilities over RT_REGIMENS (SABR-COMET by site; the split within
#: a site is an assumption).
SBRT_REGIMEN_BY_ORGAN: dict[str, dict[str, float]] = {
    "bone": {"bone_35_5": 0.5, "bone_20_1": 0.2, "bone_30_3": 0.3},
    "brain": {"brain_40_5": 1.0},
    "adrenal": {"adrenal_60_8": 1.0},
    "lung": {"lung_54_3": 0.5, "lung_55_5": 0.3, "lung_60_8": 0.2},
}
SBRT_REGIMEN_OTHER: dict[str, float] = {"other_50_5": 1.0}
#: Primary SBRT: the SABR-COMET lung rows (assumption: the peripheral/central split).
PRIMARY_SBRT_REGIMEN: dict[str, float] = {"lung_54_3": 0.6, "lung_60_8": 0.4}
