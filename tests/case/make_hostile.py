"""Generate the hostile-input corpus (issue 12): every document the strict reader must refuse or accept.

Generated, never hand-typed, so each blob says how it is built. `python tests/case/make_hostile.py DIR`
writes the corpus to DIR (default tests/case/hostile/); the tests call `write_corpus(tmp_path)`.
Each entry: file name → (bytes, expected exit code of `oligoboard validate/assess`, phrase stderr must hold).
"""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path
from typing import Any

BASE: dict[str, object] = {"id": "hostile", "assessment_date": "2026-01-01"}
SENTINEL = "SENTINEL-0123456-JaneDoe"
#: What a terminal must never receive from a case: OSC (retitle the window), CSI (clear the screen,
#: recolour), BEL, NUL, a right-to-left override and Rich markup/emoji codes.
TERMINAL_ATTACK = "\x1b]0;PWNED\x07\x1b[2J\x1b[31mred\x00\u202eabc"
MARKUP_ATTACK = "[/red]"
RAW_CONTROLS = ("\x1b", "\x07", "\x00", "\u202e")


def _full_case(**changes: Any) -> dict[str, Any]:
    """The tests' complete baseline case (tests/support/cases.py) with top-level fields replaced."""
    from tests.support.cases import BASE as FULL

    out = copy.deepcopy(FULL)
    out.update(changes)
    return out


def _far_case() -> dict[str, Any]:
    """Every date of a complete case at 9999-12-31: the Python executor used to crash adding months."""
    far = "9999-12-31"
    out = _full_case(assessment_date=far, metastatic_diagnosis_date=far)
    out["tumour"]["diagnosis_date"] = far
    out["lesions"][0]["detected_date"] = far
    out["staging"].update(fdg_pet_ct_date=far, brain_mri_date=far)
    return out


def _json(doc: object) -> bytes:
    return json.dumps(doc).encode()


def alias_bomb(levels: int = 9, fan_out: int = 9) -> bytes:
    """Nested anchors (`&aN [*aN-1 × 9]`): 9**9 values if expanded, ~400 bytes on disk."""
    lines = ["a0: &a0 [" + ",".join(["x"] * fan_out) + "]"]
    for i in range(1, levels + 1):
        lines.append(f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * fan_out) + "]")
    return ("\n".join(lines) + "\n").encode()


def corpus() -> dict[str, tuple[bytes, int, str]]:
    far = {**BASE, "assessment_date": "9999-12-31", "metastatic_diagnosis_date": "9999-12-31"}
    many_answers = {f"N/{SENTINEL}": True, **{f"N/{i}": True for i in range(100_000)}}
    some_answers = {f"NCT00000000/typo-{i}": True for i in range(1_500)}
    return {
        "alias_bomb.yaml": (alias_bomb(), 2, "max_nodes"),
        "deep.json": (b"[" * 100_000 + b"]" * 100_000, 2, "max_depth"),
        "deep.yaml": (b"a: " + b"[" * 5_000 + b"]" * 5_000 + b"\n", 2, "max_depth"),
        "huge_int.json": (
            _json({**BASE, "patient": {"age_years": 0}})[:-2] + b', "x": ' + b"9" * 5_000 + b"}}",
            2,
            "max_int_digits",
        ),
        "huge_int.yaml": (
            b"id: x\nassessment_date: 2026-01-01\npatient: {age_years: " + b"9" * 5_000 + b"}\n",
            2,
            "max_int_digits",
        ),
        # dates at the end of the calendar: after the assessment date → exit 2 naming the field ...
        "far_dates.json": (
            _json({**BASE, "metastatic_diagnosis_date": "9999-12-31"}),
            2,
            "metastatic_diagnosis_date",
        ),
        "far_dates.yaml": (
            b"id: x\nassessment_date: 2026-01-01\nmetastatic_diagnosis_date: 9999-12-31\n",
            2,
            "metastatic_diagnosis_date",
        ),
        # ... and consistent ones (assessed in year 9999) are outside the supported calendar, on both paths
        # (the Python executor's calendar ends at 9999-12-31, so a rule adding months to them would crash)
        "far_dates_consistent.json": (_json(far), 2, "outside the supported calendar"),
        "many_answer_keys.json": (_json({**BASE, "answers": many_answers}), 2, "max_mapping_keys"),
        "some_answer_keys.json": (_json({**BASE, "answers": some_answers}), 2, "more problem(s)"),
        "huge_answer_key.json": (
            _json({**BASE, "answers": {SENTINEL + "x" * 10_000_000: True}}),
            2,
            "max_bytes",
        ),
        "long_answer_key.json": (
            _json({**BASE, "answers": {SENTINEL + "x" * 70_000: True}}),
            2,
            "max_string_chars",
        ),
        "dup_key.json": (b'{"id": "a", "assessment_date": "2026-01-01", "id": "b"}', 2, "duplicate key"),
        "dup_key.yaml": (b"id: a\nassessment_date: 2026-01-01\nid: b\n", 2, "duplicate key at line 3"),
        "nan.json": (
            b'{"id": "a", "assessment_date": "2026-01-01", "patient": {"age_years": NaN}}',
            2,
            "finite number",
        ),
        "two_documents.yaml": (
            b"id: a\nassessment_date: 2026-01-01\n---\nid: b\n",
            2,
            "second document starts",
        ),
        "python_tag.yaml": (
            b"id: !!python/object/apply:os.system [echo]\nassessment_date: 2026-01-01\n",
            2,
            "unsupported tag",
        ),
        "latin1.json": (
            '{"id": "Jørgen", "assessment_date": "2026-01-01"}'.encode("latin-1"),
            2,
            "invalid UTF-8",
        ),
        "far_dates_full.json": (_json(_far_case()), 2, "outside the supported calendar"),
        # patient data in values, ids and keys: the message names the field and the kind, never the value
        "value_is_patient_data.json": (
            _json(_full_case(patient={"sex": SENTINEL})),
            2,
            "patient.sex: text (24 characters) is not one of",
        ),
        "case_id_and_bad_answer.json": (
            _json(_full_case(id=SENTINEL, answers={"NCT05278052/remaining-criteri": True})),
            2,
            "did you mean 'NCT05278052/remaining-criteria'?",
        ),
        "answer_key_is_patient_data.json": (
            _json(_full_case(answers={SENTINEL: True})),
            2,
            "answers.<key 1>: no attested criterion",
        ),
        "lone_surrogate.json": (
            b'{"id": "\\ud800 ' + SENTINEL.encode() + b'", "assessment_date": "2026-01-01"}',
            2,
            "id: text with a lone surrogate",
        ),
        # strings the terminal view must print literally (see terminal_corpus): valid input, exit 0
        "terminal_attack_case_id.json": (_json(_full_case(id=TERMINAL_ATTACK)), 0, ""),
        "markup_course_id.json": (_json(_markup_case()), 0, ""),
        "bom.json": (b"\xef\xbb\xbf" + _json(BASE), 0, ""),
        "bom.yaml": (b"\xef\xbb\xbfid: hostile\nassessment_date: 2026-01-01\n", 0, ""),
    }


def _markup_case() -> dict[str, Any]:
    course = {"id": MARKUP_ATTACK, "target": "L1", "total_dose_gy": 30, "fractions": 5}
    return _full_case(radiotherapy_courses=[course, dict(course, id=MARKUP_ATTACK + TERMINAL_ATTACK)])


def terminal_corpus() -> dict[str, tuple[str, ...]]:
    """Corpus file → the escaped forms the Rich report must show (the raw characters must not appear)."""
    return {
        "terminal_attack_case_id.json": ("\\x1b]0;PWNED\\x07\\x1b[2J", "\\x00\\u202eabc"),
        "markup_course_id.json": (MARKUP_ATTACK, "[/red]\\x1b]0;PWNED"),
    }


def batch_corpus() -> dict[str, tuple[bytes, str | None]]:
    """A folder for `assess DIR --jsonl|--csv`: file → (bytes, phrase of its error record or None if ok).

    The bad file sits between good ones (errors must not stop the rest); `b-same-id` repeats the case id of
    `a-good` (an error for the second file only, naming the first); a YAML file is read like a JSON one.
    """
    good = _full_case(id=SENTINEL)
    return {
        "a-good.json": (_json(good), None),
        "b-same-id.json": (_json(good), "already used by"),
        "c-bad.json": (_json(_full_case(id="c", patient={"sex": SENTINEL})), "patient.sex"),
        "d-bad-answer.json": (_json(_full_case(id="d", answers={SENTINEL: True})), "answers.<key 1>"),
        "e-not-json.json": (b"{" + SENTINEL.encode(), "not valid JSON"),
        "f-good.yaml": (json.dumps(_full_case(id="f")).encode(), None),
        "notes.txt": (b"not a case: skipped in a folder run", None),
    }


def write_batch_corpus(folder: Path) -> dict[str, tuple[Path, str | None]]:
    folder.mkdir(parents=True, exist_ok=True)
    out: dict[str, tuple[Path, str | None]] = {}
    for name, (data, phrase) in batch_corpus().items():
        (folder / name).write_bytes(data)
        out[name] = (folder / name, phrase)
    return out


#: The ROI name `write_hostile_rtstruct` gives the Heart of the shared RT example: markup and terminal attack.
HOSTILE_ROI = "[/bold]" + TERMINAL_ATTACK


def write_hostile_rtstruct(source: Path, target: Path) -> str:
    """Copy an RT structure set with its fifth ROI renamed `HOSTILE_ROI` (UTF-8, so ESC and U+202E survive
    the file as they are); returns the name. A DICOM ROI named `[/bold]` used to crash the Rich table."""
    import warnings

    import pydicom

    ds = pydicom.dcmread(source)
    ds.SpecificCharacterSet = "ISO_IR 192"
    ds.StructureSetROISequence[4].ROIName = HOSTILE_ROI
    with warnings.catch_warnings():  # pydicom: the ESC bytes are no ISO 2022 escape sequence (indeed)
        warnings.simplefilter("ignore")
        ds.save_as(target)
    return HOSTILE_ROI


def write_corpus(folder: Path) -> dict[str, tuple[Path, int, str]]:
    folder.mkdir(parents=True, exist_ok=True)
    out: dict[str, tuple[Path, int, str]] = {}
    for name, (data, code, phrase) in corpus().items():
        path = folder / name
        path.write_bytes(data)
        out[name] = (path, code, phrase)
    return out


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # `tests.support` when run as a script
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent / "hostile"
    for name in write_corpus(target):
        print(target / name)
    for name in write_batch_corpus(target / "batch"):
        print(target / "batch" / name)
