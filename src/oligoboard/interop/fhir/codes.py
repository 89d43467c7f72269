"""Code systems, profile URLs and the value maps of the mCODE import and export (docs/fhir.md).

Every map is typed data with the place its codes were read: `mcode` = a ValueSet or example resource of
the mCODE 4.0.0 npm package (`hl7.fhir.us.mcode`, fetched to `.venv/share/fhir/`); `fsh` = a public FSH
value set listing the SNOMED CT AJCC qualifier values (cited in docs/fhir.md); `hl7` = the FHIR R4 base
specification. Codes not read in any of these are not listed: an unknown code is reported, never guessed.

Values not in mCODE (facts of case@2 that no mCODE element carries, e.g. the tumour board's judgement that a
primary is radically treatable) travel as Observations or extensions in the oligoboard code system
`FACT_SYSTEM`; the importer reads them like any other element and its report names them.
"""

from __future__ import annotations

from typing import Final

SNOMED: Final = "http://snomed.info/sct"
LOINC: Final = "http://loinc.org"
ICD10CM: Final = "http://hl7.org/fhir/sid/icd-10-cm"
ICDO3: Final = "http://terminology.hl7.org/CodeSystem/icd-o-3"
HGNC: Final = "http://www.genenames.org"
DICOM: Final = "http://dicom.nema.org/resources/ontology/DCM"
UCUM: Final = "http://unitsofmeasure.org"
OBS_CATEGORY: Final = "http://terminology.hl7.org/CodeSystem/observation-category"
CONDITION_CLINICAL: Final = "http://terminology.hl7.org/CodeSystem/condition-clinical"

MCODE: Final = "http://hl7.org/fhir/us/mcode/StructureDefinition/"
#: oligoboard's own code system and extension base for case@2 facts mCODE has no element for
FACT_SYSTEM: Final = "urn:oligoboard:fhir:case-fact"
FACT_EXT: Final = "urn:oligoboard:fhir:extension:"
CASE_ID_SYSTEM: Final = "urn:oligoboard:case-id"
LESION_ID_SYSTEM: Final = "urn:oligoboard:lesion-id"
SCAN_ID_SYSTEM: Final = "urn:oligoboard:scan-id"
TREATMENT_ID_SYSTEM: Final = "urn:oligoboard:treatment-id"
COURSE_ID_SYSTEM: Final = "urn:oligoboard:rt-course-id"

PROFILE_PRIMARY: Final = MCODE + "mcode-primary-cancer-condition"
PROFILE_SECONDARY: Final = MCODE + "mcode-secondary-cancer-condition"
PROFILE_PATIENT: Final = MCODE + "mcode-cancer-patient"
PROFILE_TUMOR: Final = MCODE + "mcode-tumor"
PROFILE_TUMOR_SIZE: Final = MCODE + "mcode-tumor-size"
PROFILE_STAGE_GROUP: Final = MCODE + "mcode-tnm-stage-group"
PROFILE_T: Final = MCODE + "mcode-tnm-primary-tumor-category"
PROFILE_N: Final = MCODE + "mcode-tnm-regional-nodes-category"
PROFILE_M: Final = MCODE + "mcode-tnm-distant-metastases-category"
PROFILE_ECOG: Final = MCODE + "mcode-ecog-performance-status"
PROFILE_GENOMIC_VARIANT: Final = MCODE + "mcode-genomic-variant"
PROFILE_TUMOR_MARKER: Final = MCODE + "mcode-tumor-marker-test"
PROFILE_DISEASE_STATUS: Final = MCODE + "mcode-cancer-disease-status"
PROFILE_MED_REQUEST: Final = MCODE + "mcode-cancer-related-medication-request"
PROFILE_MED_ADMIN: Final = MCODE + "mcode-cancer-related-medication-administration"
PROFILE_SURGERY: Final = MCODE + "mcode-cancer-related-surgical-procedure"
PROFILE_RT_SUMMARY: Final = MCODE + "mcode-radiotherapy-course-summary"
PROFILE_HISTOLOGY_OBS: Final = MCODE + "mcode-histologic-behavior-and-type"

EXT_HISTOLOGY: Final = MCODE + "mcode-histology-morphology-behavior"
EXT_LATERALITY: Final = MCODE + "mcode-laterality-qualifier"
EXT_RELATED_CONDITION: Final = MCODE + "mcode-related-condition"
EXT_CONDITION_RELATED: Final = "http://hl7.org/fhir/StructureDefinition/condition-related"
EXT_PROCEDURE_INTENT: Final = MCODE + "mcode-procedure-intent"
EXT_RT_SESSIONS: Final = MCODE + "mcode-radiotherapy-sessions"
EXT_RT_MODALITY_TECHNIQUE: Final = MCODE + "mcode-radiotherapy-modality-and-technique"
EXT_RT_DOSE: Final = MCODE + "mcode-radiotherapy-dose-delivered-to-volume"
EXT_EVIDENCE_TYPE: Final = MCODE + "mcode-cancer-disease-status-evidence-type"

# --- LOINC / SNOMED observation codes (each seen in the mCODE package: examples or ValueSets) ---------------
LOINC_ECOG: Final = "89247-1"  # mcode: Observation-ecog-performance-status-fully-active
LOINC_KARNOFSKY: Final = "89243-0"  # mcode: Observation-karnofsky-performance-status-normal-activity
LOINC_TUMOR_SIZE: Final = "21889-1"  # mcode: Observation-tumor-size-jenny-m ("Size Tumor")
LOINC_DISEASE_STATUS: Final = "97509-4"  # mcode: Observation-cancer-disease-status-improved
LOINC_HISTOLOGY: Final = "31206-6"  # mcode: Observation-histologic-behavior-and-type-non-small-cell
LOINC_GENETIC_VARIANT: Final = "69548-6"  # mcode: Observation-gx-genomic-variant-fusion-met-alk
LOINC_GENE_STUDIED: Final = "48018-6"  # mcode: same example, component "gene studied"
LOINC_DNA_CHANGE_TYPE: Final = "48019-4"  # mcode: same example, component (Sequence Ontology value)
LOINC_AMINO_ACID_CHANGE: Final = "48005-3"  # mcode: genomic-variant examples, component p.HGVS
LOINC_DNA_CHANGE: Final = "48004-6"  # mcode: genomic-variant examples, component c.HGVS
LOINC_PRESENT: Final = "LA9633-4"  # mcode: value "Present"
LOINC_ABSENT: Final = "LA9634-2"  # mcode: value "Absent" (pertinent-negative example)
LOINC_PDL1_TPS: Final = (
    "83053-9"  # mcode ValueSet tumor-marker-test: PD-L1 cells/100 viable tumour cells, IHC
)
LOINC_AGE: Final = "30525-0"  # hl7: LOINC "Age" (used by the R4 core for an observed age)
SCT_STAGE_GROUP_CLINICAL: Final = "399537006"  # mcode: Observation-tnm-clinical-stage-group-3c
SCT_CT: Final = "399504009"  # mcode: "cT category"
SCT_CN: Final = "399534004"  # mcode: "cN category"
SCT_CM: Final = "399387003"  # mcode: "cM category"
SCT_PT: Final = "384625004"  # mcode: pathologic T (jenny-m)
SCT_PN: Final = "371494008"  # mcode: pathologic N (jenny-m)
SCT_PM: Final = "371497001"  # mcode: pathologic M (jenny-m)
SCT_RT_COURSE: Final = (
    "1217123003"  # mcode: Procedure-radiotherapy-treatment-summary-*, "Radiotherapy course"
)
SCT_IMAGING_EVIDENCE: Final = "363679005"  # mcode: evidence type "Imaging (procedure)"

#: Tumour-marker LOINC codes of protein (immunohistochemistry / immunoassay) tests: never a mutation result
#: (mcode ValueSet mcode-tumor-marker-test-vs). Keyed to the gene the protein belongs to, for the report.
PROTEIN_TESTS: Final[dict[str, str]] = {
    "39004-7": "egfr",
    "32581-1": "egfr",
    "13659-8": "egfr",
    "14050-9": "egfr",
    "42782-3": "egfr",
    "48676-1": "her2",
    "72383-3": "her2",
    "72382-5": "her2",
    "85319-2": "her2",
    "32996-1": "her2",
    "42914-2": "her2",
    "51981-9": "her2",
}
#: ALK rearrangement by FISH (mcode ValueSet mcode-tumor-marker-test-vs): a rearrangement test, not protein
ALK_FISH_TESTS: Final = frozenset({"78205-2"})
#: ERBB2 copy-number tests: an amplification is not the HER2 *mutation* case@2 records
ERBB2_AMPLIFICATION_TESTS: Final = frozenset({"31150-6", "85318-4", "96893-3", "49683-6", "74860-8"})

#: HGNC gene ids (mcode genomic examples: HGNC:427 ALK, HGNC:7029 MET, HGNC:1097 BRAF; the others are the
#: HGNC ids of the approved symbols) → case@2
#: driver key of the gene. The variant still decides positive: see biomarkers.BiomarkerMapping.positive_variant.
GENES: Final[dict[str, str]] = {
    "HGNC:3236": "egfr",
    "HGNC:427": "alk",
    "HGNC:10261": "ros1",
    "HGNC:9967": "ret",
    "HGNC:1097": "braf",
    "HGNC:7029": "met",
    "HGNC:8031": "ntrk1",
    "HGNC:8032": "ntrk2",
    "HGNC:8033": "ntrk3",
    "HGNC:6407": "kras",
    "HGNC:3430": "erbb2",
}
GENE_SYMBOLS: Final[dict[str, str]] = {
    "EGFR": "egfr",
    "ALK": "alk",
    "ROS1": "ros1",
    "RET": "ret",
    "BRAF": "braf",
    "MET": "met",
    "NTRK1": "ntrk1",
    "NTRK2": "ntrk2",
    "NTRK3": "ntrk3",
    "KRAS": "kras",
    "ERBB2": "erbb2",
    "HER2": "erbb2",
}
#: Sequence Ontology DNA change types that are a rearrangement / fusion (mcode example: SO:0002062
#: "complex chromosomal rearrangement"; SO:0001565 gene_fusion and SO:1000183 chromosome_structure_variation
#: are the Sequence Ontology terms for a fusion and a structural rearrangement)
SO_REARRANGEMENT: Final = frozenset({"SO:0002062", "SO:0001565", "SO:1000183"})
#: SO terms for a copy-number change: an amplification is not a mutation
SO_COPY_NUMBER: Final = frozenset({"SO:0001019", "SO:0001742", "SO:0001743"})

# --- primary lung cancer --------------------------------------------------------------------------------
#: SNOMED disorder codes of a primary lung cancer (mcode: 254637007 in Condition-primary-cancer-condition-nsclc)
LUNG_CANCER_SNOMED: Final[dict[str, str | None]] = {"254637007": "nsclc_nos"}
#: ICD-10-CM C34.* (mcode ValueSet mcode-primary-malignant-neoplasm-disorder-vs): lung, histology unknown
LUNG_CANCER_ICD10_PREFIX: Final = "C34"
#: morphology (histology) codes → case@2 histology. SNOMED 1187332001 from the mcode NSCLC example; ICD-O-3
#: morphology codes (first four digits, behaviour /3) from the ICD-O-3 classification (hl7 code system).
HISTOLOGY_SNOMED: Final[dict[str, str]] = {"1187332001": "adenocarcinoma"}
HISTOLOGY_ICDO3: Final[dict[str, str]] = {
    "8140": "adenocarcinoma",
    "8070": "squamous",
    "8071": "squamous",
    "8072": "squamous",
    "8012": "large_cell",
    "8046": "nsclc_nos",
    "8041": "sclc",
}
#: case@2 histology → the ICD-O-3 code the exporter writes (inverse of the first entry per histology)
ICDO3_OF_HISTOLOGY: Final[dict[str, str]] = {
    "adenocarcinoma": "8140/3",
    "squamous": "8070/3",
    "large_cell": "8012/3",
    "nsclc_nos": "8046/3",
    "sclc": "8041/3",
}

#: SNOMED CT AJCC clinical categories (fsh: ClinicalTStageLungCancer / NStage / MStage; cT3 1228938002, cN3
#: 1229984001, cM0 1229901006 also in the mcode examples) → TNM 9th-edition categories of case@2. The T
#: categories and N0/N1/N3 are unchanged from the 8th edition; a bare N2 is not mapped (9th splits it).
T_SNOMED: Final[dict[str, str]] = {
    "1222604002": "TX",
    "1228882005": "T0",
    "1228884006": "Tis",
    "1228891009": "T1mi",
    "1228892002": "T1a",
    "1228895000": "T1b",
    "1228899006": "T1c",
    "1228931008": "T2a",
    "1228934000": "T2b",
    "1228938002": "T3",
    "1228944003": "T4",
}
N_SNOMED: Final[dict[str, str]] = {
    "1229966003": "NX",
    "1229967007": "N0",
    "1229973008": "N1",
    "1229981009": "N2a",
    "1229982002": "N2b",
    "1229984001": "N3",
}
#: SNOMED codes of categories that exist but do not map to one case@2 value (reported, left unknown)
T_UNMAPPED: Final[dict[str, str]] = {
    "1228889001": "cT1 (no subcategory)",
    "1228929004": "cT2 (no subcategory)",
}
N_UNMAPPED: Final[dict[str, str]] = {"1229978004": "cN2 (8th edition; TNM 9 splits N2a/N2b)"}
M0_SNOMED: Final = frozenset({"1229901006"})
M1_SNOMED: Final = frozenset({"1229903009", "1229904003", "1229907005", "1229910003"})

# --- metastatic sites -------------------------------------------------------------------------------------
#: body-site SNOMED codes (mcode ValueSet mcode-radiotherapy-treatment-location-vs, and 39607008 from the
#: NSCLC example) → case@2 organ
BODY_SITE_ORGAN: Final[dict[str, str]] = {
    "12738006": "brain",
    "15926001": "brain",
    "23451007": "adrenal",
    "10200004": "liver",
    "39607008": "lung",
    "59441001": "distant_lymph_node",
    "119186007": "bone",
    "73903008": "bone",
    "35769007": "bone",
    "113197003": "bone",
    "71341001": "bone",
    "85050009": "bone",
    "14016003": "bone",
}
#: organ → body-site code the exporter writes
ORGAN_BODY_SITE: Final[dict[str, tuple[str, str]]] = {
    "brain": ("12738006", "Brain structure (body structure)"),
    "adrenal": ("23451007", "Adrenal structure (body structure)"),
    "liver": ("10200004", "Liver structure (body structure)"),
    "lung": ("39607008", "Lung structure (body structure)"),
    "distant_lymph_node": ("59441001", "Structure of lymph node (body structure)"),
    "bone": ("119186007", "Bone part (body structure)"),
}
#: secondary-malignancy disorder codes → organ: ICD-10-CM prefixes (mcode ValueSet
#: mcode-secondary-cancer-disorder-vs) and SNOMED 94225005 (mcode example secondary-cancer-condition-brain-mets)
SECONDARY_ICD10_ORGAN: Final[tuple[tuple[str, str], ...]] = (
    ("C79.3", "brain"),
    ("C79.5", "bone"),
    ("C78.7", "liver"),
    ("C78.0", "lung"),
    ("C78.2", "pleura"),
    ("C79.7", "adrenal"),
    ("C79.0", "kidney"),
    ("C77", "distant_lymph_node"),
)
SECONDARY_SNOMED_ORGAN: Final[dict[str, str]] = {"94225005": "brain"}
#: organ → ICD-10-CM code the exporter writes as the secondary Condition's code
ORGAN_SECONDARY_ICD10: Final[dict[str, tuple[str, str]]] = {
    "brain": ("C79.31", "Secondary malignant neoplasm of brain"),
    "bone": ("C79.51", "Secondary malignant neoplasm of bone"),
    "liver": ("C78.7", "Secondary malignant neoplasm of liver and intrahepatic bile duct"),
    "lung": ("C78.00", "Secondary malignant neoplasm of unspecified lung"),
    "pleura": ("C78.2", "Secondary malignant neoplasm of pleura"),
    "adrenal": ("C79.70", "Secondary malignant neoplasm of unspecified adrenal gland"),
    "kidney": ("C79.00", "Secondary malignant neoplasm of unspecified kidney and renal pelvis"),
    "distant_lymph_node": (
        "C77.9",
        "Secondary and unspecified malignant neoplasm of lymph node, unspecified",
    ),
    "pericardium": ("C79.89", "Secondary malignant neoplasm of other specified sites"),
    "soft_tissue": ("C79.89", "Secondary malignant neoplasm of other specified sites"),
    "other": ("C79.9", "Secondary malignant neoplasm of unspecified site"),
}
#: laterality qualifiers (mcode: 7771000 Left in the NSCLC example; ValueSet mcode-laterality-qualifier-vs)
LATERALITY_SNOMED: Final[dict[str, str]] = {"7771000": "left", "24028007": "right", "399488007": "midline"}
SNOMED_OF_LATERALITY: Final[dict[str, tuple[str, str]]] = {
    "left": ("7771000", "Left (qualifier value)"),
    "right": ("24028007", "Right (qualifier value)"),
    "midline": ("399488007", "Midline (qualifier value)"),
}

# --- performance status -----------------------------------------------------------------------------------
#: ECOG answers (LOINC answer list LL529-9; LA9622-7 in the mcode ECOG example)
ECOG_ANSWERS: Final[dict[str, int]] = {
    "LA9622-7": 0,
    "LA9623-5": 1,
    "LA9624-3": 2,
    "LA9625-0": 3,
    "LA9626-8": 4,
}

# --- procedures -------------------------------------------------------------------------------------------
#: procedure intent (mcode ValueSet mcode-procedure-intent-vs) → case@2 intent; "ablative" has no SNOMED
#: intent in that set and travels as FACT_SYSTEM#ablative
INTENT_SNOMED: Final[dict[str, str]] = {"373808002": "curative", "363676003": "palliative"}
SNOMED_OF_INTENT: Final[dict[str, tuple[str, str]]] = {
    "curative": ("373808002", "Curative - procedure intent"),
    "palliative": ("363676003", "Palliative - procedure intent"),
}
#: radiotherapy techniques (mcode ValueSet mcode-teleradiotherapy-photon-beam-technique-vs) → case@2 technique.
#: SBRT/SRS have no code in that set: they travel as FACT_SYSTEM#sbrt / #srs next to the mCODE coding.
RT_TECHNIQUE_SNOMED: Final[dict[str, str]] = {
    "441799006": "imrt",
    "1156530009": "vmat",
    "1162782007": "3dcrt",
}
SNOMED_OF_TECHNIQUE: Final[dict[str, tuple[str, str]]] = {
    "imrt": ("441799006", "Intensity modulated radiation therapy (procedure)"),
    "vmat": ("1156530009", "Volumetric Modulated Arc Therapy (procedure)"),
    "3dcrt": ("1162782007", "Three dimensional external beam radiation therapy (procedure)"),
}
#: treatment termination reasons (mcode ValueSet mcode-treatment-termination-reason-vs) → case@2 end_reason
END_REASON_SNOMED: Final[dict[str, str]] = {
    "407563006": "toxicity",  # Treatment not tolerated (situation)
    "105480006": "patient_choice",  # Refusal of treatment by patient (situation)
}

# --- imaging ----------------------------------------------------------------------------------------------
#: DICOM modality codes (DCM) → case@2 modality. PT alone is not mapped to fdg_pet_ct: the tracer is not said.
DICOM_MODALITY: Final[dict[str, str]] = {
    "CT": "ct",
    "MR": "mri",
    "DX": "xray",
    "CR": "xray",
    "US": "ultrasound",
}
MODALITY_DICOM: Final[dict[str, tuple[str, ...]]] = {
    "ct": ("CT",),
    "fdg_pet_ct": ("PT", "CT"),
    "mri": ("MR",),
    "bone_scan": ("NM",),
    "xray": ("DX",),
    "ultrasound": ("US",),
    "other": ("OT",),
}

# --- systemic therapy -------------------------------------------------------------------------------------
#: anticancer drugs (by ingredient name, matched as a word in the coding display or text) → drug class. The
#: class combines into a line category (chemo + io = chemo_io). Drugs not listed make no line: a supportive
#: drug (dexamethasone) is not a line of systemic therapy. Classes from the drugs' approved indications.
DRUG_CLASS: Final[dict[str, str]] = {
    "carboplatin": "chemo",
    "cisplatin": "chemo",
    "pemetrexed": "chemo",
    "paclitaxel": "chemo",
    "docetaxel": "chemo",
    "gemcitabine": "chemo",
    "vinorelbine": "chemo",
    "etoposide": "chemo",
    "nab-paclitaxel": "chemo",
    "pembrolizumab": "io",
    "nivolumab": "io",
    "atezolizumab": "io",
    "durvalumab": "io",
    "cemiplimab": "io",
    "ipilimumab": "io",
    "tremelimumab": "io",
    "osimertinib": "targeted",
    "gefitinib": "targeted",
    "erlotinib": "targeted",
    "afatinib": "targeted",
    "dacomitinib": "targeted",
    "alectinib": "targeted",
    "brigatinib": "targeted",
    "lorlatinib": "targeted",
    "crizotinib": "targeted",
    "ceritinib": "targeted",
    "entrectinib": "targeted",
    "larotrectinib": "targeted",
    "selpercatinib": "targeted",
    "pralsetinib": "targeted",
    "dabrafenib": "targeted",
    "trametinib": "targeted",
    "capmatinib": "targeted",
    "tepotinib": "targeted",
    "sotorasib": "targeted",
    "adagrasib": "targeted",
    "amivantamab": "targeted",
    "trastuzumab deruxtecan": "targeted",
    "bevacizumab": "other",
}
