"""YAML a clinician fills in: the open attestations of one case (`answers`) and a blank case (`new`).

Both are text with comments, written by hand rather than by a YAML dumper, because the comments are the
point: each answer key carries its criterion's text, each case field what it means. Every value is a
JSON scalar (valid YAML), every comment one line with control characters removed, so a criterion text
or a case id can neither break the YAML nor the terminal.
"""

from __future__ import annotations

import json
import textwrap
import unicodedata
from collections.abc import Iterable

from oligoboard.engine.knowledge_base import KnowledgeBase

#: Comment lines are wrapped to this many characters (the file is read in an editor, not a terminal).
COMMENT_WIDTH = 76
#: The schema id of the blank case (`/work/notes/case_v2.md`: the frame of case@2).
CASE_SCHEMA = "oligoboard/case@2"


def comment(text: object) -> str:
    """One comment line's text: whitespace folded, control and format characters (bidi) dropped.

    Example:
        >>> comment("ECOG ≤ 1\\n\\x1b[2J and\\u202e more")
        'ECOG ≤ 1 [2J and more'
    """
    kept = "".join(
        " " if ch.isspace() else ch for ch in str(text) if ch.isspace() or unicodedata.category(ch)[0] != "C"
    )
    return " ".join(kept.split())


def open_answers(kb: KnowledgeBase, answered: Iterable[str]) -> list[tuple[str, str, str]]:
    """(key, rule set label, criterion text) of every attested criterion this case has not answered."""
    done = set(answered)
    out: list[tuple[str, str, str]] = []
    for rule_set in kb.rule_sets:
        acronym = getattr(rule_set.file_spec.info, "acronym", None) or getattr(
            rule_set.spec.info, "acronym", None
        )
        label = f"{rule_set.spec.id} {acronym}" if acronym else rule_set.spec.id
        for criterion in rule_set.criteria:
            key = criterion.answer_key
            if key is None or key in done:
                continue
            number = getattr(criterion.spec.info, "number", None)
            text = f"{number}: {criterion.spec.text}" if number else criterion.spec.text
            out.append((key, label, text))
    return out


def answers_yaml(kb: KnowledgeBase, answered: Iterable[str], case_label: str) -> str:
    """The fill-in YAML: one `key: null` per open attestation, its criterion text in a comment above it."""
    rows = open_answers(kb, answered)
    lines = [
        f"# Open clinician attestations for {comment(case_label)} ({len(rows)}).",
        "# Answer true or false; leave null what you cannot answer yet (null stays unknown, never no).",
        "# Then copy the answered lines under `answers:` in the case file.",
        "answers:",
    ]
    if not rows:
        lines[-1] = "answers: {}"
    for key, label, text in rows:
        wrapped = textwrap.wrap(f"{comment(label)} — {comment(text)}", width=COMMENT_WIDTH)
        lines.extend(f"  # {part}" for part in wrapped)
        lines.append(f"  {json.dumps(key, ensure_ascii=False)}: null")
    return "\n".join(lines) + "\n"


def blank_case_yaml() -> str:
    """A blank case@2 document: every field present and null (unknown), required ones marked."""
    return _BLANK_CASE.replace("@SCHEMA@", CASE_SCHEMA)


_BLANK_CASE = """\
# A blank oligoboard case. Every field may stay null: null means unknown, never "no".
# Lists: [] means known none, null means unknown. Dates are YYYY-MM-DD, doses Gy, sizes mm.
# Check it with: oligoboard validate CASE.yaml
schema: "@SCHEMA@"
id: null                      # required: a case id without patient identifiers
assessment_date: null         # required: "today" for every interval
patient:
  age_years: null             # or birth_date
  sex: null                   # female | male | other
  ecog: null                  # 0..4
tumour:
  histology: null             # adenocarcinoma | squamous | large_cell | nsclc_nos | other_nsclc | sclc
  histology_confirmed: null   # tissue or cytology diagnosis: true | false
  diagnosis_date: null        # primary lung cancer diagnosis
  t: null                     # TNM 9th: TX | T0 | Tis | T1mi | T1a | T1b | T1c | T2a | T2b | T3 | T4
  n: null                     # TNM 9th: NX | N0 | N1 | N2a | N2b | N3
  drivers:                    # each: positive | negative | not_tested
    egfr: null
    alk: null
    ros1: null
    ret: null
    braf_v600e: null
    met_ex14: null
    ntrk: null
    kras_g12c: null
    her2: null
  pdl1_tps: null              # percent 0..100
primary:
  status: null                # untreated | controlled | progressing | resected | absent_unknown
  radically_treatable: null   # MDT judgement: surgery or radical (chemo)RT possible
metastatic_diagnosis_date: null
history:
  polymetastatic_before: null
  omd_before: null
  prior_thoracic_rt: null
lesions: null                 # distant metastases; one entry per lesion:
#  - id: L1
#    organ: adrenal           # brain | adrenal | bone | liver | lung | pleura | pericardium |
#                             # distant_lymph_node | soft_tissue | kidney | other
#    laterality: left         # left | right | midline
#    lung_relation: null      # organ lung: contralateral | ipsilateral_other_lobe
#    pattern: discrete        # discrete | effusion | diffuse
#    detected_date: null
#    status: new              # new | progressing | stable | responding | complete_response
#    size_mm: null
#    amenable_to_lat: null
#    treated: null
imaging: null                 # scans; one entry per scan:
#  - id: staging-fdg-pet-ct   # required, unique
#    date: null
#    modality: fdg_pet_ct     # ct | fdg_pet_ct | mri | bone_scan | xray | ultrasound | other
#    purpose: staging         # staging | restaging | follow_up
#    brain: null              # the brain is covered by this scan
#    response: null           # RECIST 1.1: CR | PR | SD | PD | NE
#    findings:
#      - {lesion: L1, status: new, size_mm: null}
local_treatments: null        # one entry per local treatment:
#  - id: LT1
#    target: L1               # "primary" or a lesion id
#    modality: sbrt           # surgery | sbrt | srs | conventional_rt | chemoradiotherapy | rfa | other
#    intent: ablative         # curative | ablative | palliative
#    date: null
#    margin: null             # surgery only: R0 | R1 | R2
#    rt_course: null          # a radiotherapy course id
systemic_therapy: null        # one entry per line:
#  - line: 1
#    regimen: null
#    category: chemo_io       # chemo | io | chemo_io | targeted | other
#    start_date: null
#    end_date: null           # null = ongoing at assessment_date
#    end_reason: null         # progression | toxicity | completed | patient_choice | other
#    cycles: null
#    best_response: null      # CR | PR | SD | PD
staging:
  mediastinal_staging: null   # ebus | mediastinoscopy | pet_only | none
radiotherapy_courses: null    # one entry per planned or given course:
#  - id: RT1
#    target: L1               # "primary" or a lesion id
#    technique: sbrt          # sbrt | srs | imrt | vmat | 3dcrt
#    total_dose_gy: null
#    fractions: null
#    protocol: null           # e.g. NCT01282450
#    start_date: null
#    end_date: null
#    oar: {spinal_cord_dmax_gy: null, brachial_plexus_dmax_gy: null, mean_lung_dose_gy: null,
#          esophagus_dmax_gy: null}
answers: {}                   # clinician attestations; `oligoboard answers CASE` lists the open ones
"""
