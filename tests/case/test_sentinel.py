"""No patient data in messages (issue 12 item 2): a sentinel in every field never reaches stderr or an error.

The fields are walked from the case models themselves (a field added to the contract is swept too). Each
document puts the sentinel in one place: every field (a string where a string is wrong for most of them),
every list and object replaced by it, an unknown key at every level, answer keys and answer values, and the
cross-field checks that used to quote ids (duplicate lesion and course ids, an RT target). Every document is
run through `validate` and `assess`, as JSON and YAML, one file at a time and as a directory (where batch
error records go to stdout and are checked too), and through `load_checked` for the exception itself.
"""

from __future__ import annotations

import copy
import json
import traceback
import types
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import BaseModel

from oligoboard.case.models import Case
from oligoboard.cli.batch import load_checked
from oligoboard.cli.main import main
from oligoboard.engine.knowledge_base import KnowledgeBase
from oligoboard.errors import OligoboardError
from tests.case.make_hostile import SENTINEL
from tests.support.cases import BASE

#: A sentinel shaped like a field name: such keys are shown in paths (a misspelt field must be visible),
#: except under `answers`, whose keys are the user's own text and are never shown.
NAME_SHAPED = "JaneDoe0123456"
Loc = tuple[str | int, ...]


def _model_of(annotation: Any) -> tuple[type[BaseModel] | None, bool]:
    """The pydantic model inside `X | None`, `Annotated[X, …]` or `list[X]`, and whether it is a list."""
    is_list = False
    stack = [annotation]
    while stack:
        current = stack.pop()
        origin = typing.get_origin(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            return current, is_list
        if origin is list:
            is_list = True
        if origin in (list, typing.Union, types.UnionType, typing.Annotated):
            stack.extend(
                typing.get_args(current)[:1] if origin is typing.Annotated else typing.get_args(current)
            )
    return None, False


def _fields(model: type[BaseModel], loc: Loc = ()) -> Iterator[tuple[Loc, bool]]:
    """Every field path of the contract, `(path, is_a_container)`, lists entered at index 0."""
    for name, info in model.model_fields.items():
        key = info.alias or name
        inner, is_list = _model_of(info.annotation)
        here = (*loc, key)
        yield here, inner is not None or is_list or typing.get_origin(info.annotation) is dict
        if inner is not None:
            yield from _fields(inner, (*here, 0) if is_list else here)


def _full(kb: KnowledgeBase) -> dict[str, Any]:
    """The test baseline with every optional part present, so every field path exists."""
    out = copy.deepcopy(BASE)
    out["patient"]["birth_date"] = "1960-01-01"
    out["lesions"][0]["lung_relation"] = None
    out["systemic_therapy"] = [{"line": 1, "regimen": "carboplatin", "start_date": "2026-08-20"}]
    out["radiotherapy_courses"] = [
        {"id": "RT1", "target": "L1", "technique": "sbrt", "total_dose_gy": 30, "fractions": 5, "oar": {}}
    ]
    out["answers"] = {kb.answer_keys[0]: True}
    return out


def _set(doc: dict[str, Any], loc: Loc, value: Any) -> None:
    node: Any = doc
    for part in loc[:-1]:
        node = node[part]
    node[loc[-1]] = value


def _get(doc: dict[str, Any], loc: Loc) -> Any:
    node: Any = doc
    for part in loc:
        node = node[part]
    return node


def sentinel_documents(kb: KnowledgeBase) -> dict[str, Any]:
    """File stem → a case document carrying the sentinel in one place."""
    full = _full(kb)
    docs: dict[str, Any] = {"whole_document": SENTINEL}
    for i, (loc, container) in enumerate(_fields(Case)):
        doc = copy.deepcopy(full)
        _set(doc, loc, SENTINEL)
        docs[f"field{i:02d}"] = doc
        if container and isinstance(_get(full, loc), dict | list):
            target = _get(full, loc)
            doc = copy.deepcopy(full)
            inner = _get(doc, loc)
            if isinstance(target, dict):
                inner[SENTINEL] = SENTINEL  # an unknown key, and its value
            else:
                inner.append(SENTINEL)
            docs[f"inside{i:02d}"] = doc
    top = copy.deepcopy(full)
    top[SENTINEL] = 1
    docs["unknown_top_key"] = top
    for j, key in enumerate((SENTINEL, NAME_SHAPED, f"NCT0/{SENTINEL}")):
        doc = copy.deepcopy(full)
        doc["answers"] = {key: True}
        docs[f"answer_key{j}"] = doc
        doc = copy.deepcopy(full)
        doc["answers"] = {key: SENTINEL}
        docs[f"answer_key_and_value{j}"] = doc
    doc = copy.deepcopy(full)
    doc["answers"] = {kb.answer_keys[0]: SENTINEL}
    docs["answer_value"] = doc
    doc = copy.deepcopy(full)
    doc["lesions"] = [dict(full["lesions"][0], id=SENTINEL), dict(full["lesions"][0], id=SENTINEL)]
    docs["duplicate_lesion_id"] = doc
    doc = copy.deepcopy(full)
    doc["radiotherapy_courses"] = [dict(full["radiotherapy_courses"][0], id=SENTINEL)] * 2
    docs["duplicate_course_id"] = doc
    doc = copy.deepcopy(full)
    doc["radiotherapy_courses"][0]["target"] = SENTINEL
    docs["unknown_target"] = doc
    doc = copy.deepcopy(full)
    doc["id"] = SENTINEL
    doc["answers"] = {"NCT0/typo": True}  # the old message began "case <id>: …"
    docs["case_id_with_bad_answer"] = doc
    doc = copy.deepcopy(full)
    doc["id"] = SENTINEL
    doc["metastatic_diagnosis_date"] = "9999-12-31"
    docs["case_id_with_far_date"] = doc
    doc = copy.deepcopy(full)
    doc["patient"]["birth_date"] = "2199-12-31"  # a date is patient data too: never quoted
    docs["birth_date_after_assessment"] = doc
    return docs


def _write(folder: Path, docs: dict[str, Any], suffix: str) -> list[Path]:
    folder.mkdir()
    paths = []
    for stem, doc in docs.items():
        path = folder / f"{stem}{suffix}"
        text = json.dumps(doc) if suffix == ".json" else yaml.safe_dump(doc, allow_unicode=True)
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


@pytest.fixture(scope="module")
def corpus(kb: KnowledgeBase, tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Path]]:
    root = tmp_path_factory.mktemp("sentinel")
    docs = sentinel_documents(kb)
    return {suffix: _write(root / suffix.strip("."), docs, suffix) for suffix in (".json", ".yaml")}


def test_the_sweep_reaches_every_field_and_refuses_most(kb: KnowledgeBase) -> None:
    """The walk is not vacuous: it finds nested and list fields, and most sentinel documents are invalid."""
    paths = {loc for loc, _ in _fields(Case)}
    assert ("radiotherapy_courses", 0, "oar", "mean_lung_dose_gy") in paths
    assert ("tumour", "drivers", "egfr") in paths and ("answers",) in paths
    docs = sentinel_documents(kb)
    refused = 0
    for doc in docs.values():
        try:
            from oligoboard.case.validate import parse_case

            parse_case(doc)
        except OligoboardError:
            refused += 1
    assert len(docs) > 80 and refused > 0.8 * len(docs)


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_sentinel_never_in_stderr_of_validate_or_assess_per_file(
    corpus: dict[str, list[Path]], capsys: pytest.CaptureFixture[str], suffix: str
) -> None:
    refused = 0
    for path in corpus[suffix]:
        # YAML documents go through `assess` in the directory run below (the same reading path), to save time
        runs = [["validate", str(path)], ["assess", str(path), "--json"]][: 2 if suffix == ".json" else 1]
        for argv in runs:
            code = main(argv)
            _, err = capsys.readouterr()
            assert code in (0, 2), (argv, err)
            refused += code == 2
            assert SENTINEL not in err and NAME_SHAPED not in err, (argv, err)
    assert refused > 0.8 * len(corpus[suffix])  # most documents are refused


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_sentinel_never_in_stderr_or_error_records_of_a_directory_run(
    corpus: dict[str, list[Path]], capsys: pytest.CaptureFixture[str], suffix: str
) -> None:
    folder = str(corpus[suffix][0].parent)
    assert main(["validate", folder]) == 2
    _, err = capsys.readouterr()
    assert err.count("error: ") > len(corpus[suffix]) // 2
    assert SENTINEL not in err and NAME_SHAPED not in err
    for fmt in ("--jsonl", "--csv"):
        assert main(["assess", folder, fmt]) == 2
        out, err = capsys.readouterr()
        assert SENTINEL not in err and NAME_SHAPED not in err
        if fmt == "--jsonl":
            errors = [r["error"] for r in map(json.loads, out.splitlines()) if r["status"] == "error"]
            assert len(errors) > len(corpus[suffix]) // 2
            assert SENTINEL not in json.dumps(errors) and NAME_SHAPED not in json.dumps(errors)


def test_sentinel_never_in_exception_text(corpus: dict[str, list[Path]], kb: KnowledgeBase) -> None:
    """The exception itself (message, problems, dict form, formatted traceback) carries no value either."""
    raised = 0
    for path in corpus[".json"] + corpus[".yaml"]:
        try:
            load_checked(path, kb.answer_keys)
        except OligoboardError as exc:
            raised += 1
            texts = [
                str(exc),
                exc.render(),
                json.dumps(exc.as_dict()),
                "".join(traceback.format_exception(exc)),
            ]
            for text in texts:
                assert SENTINEL not in text and NAME_SHAPED not in text, text
    assert raised > len(corpus[".json"])
