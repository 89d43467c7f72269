"""The strict reader (oligoboard.documents): each limit by name, and a fuzz test over JSON and YAML."""

from __future__ import annotations

import contextlib
from dataclasses import FrozenInstanceError
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oligoboard.documents import DocumentError, InputLimits, parse_json, parse_yaml, read_document
from oligoboard.errors import InputError

SMALL = InputLimits(
    max_bytes=1_000, max_depth=3, max_string_chars=10, max_list_items=3, max_mapping_keys=3, max_nodes=20,
    max_int_digits=5,
)  # fmt: skip

LIMIT_CASES = [
    # (limit breached, JSON text, YAML text)
    ("max_depth", "[[[[1]]]]", "a: [[[1]]]"),
    ("max_string_chars", '["01234567890"]', "a: '01234567890'"),
    ("max_list_items", "[1, 2, 3, 4]", "a: [1, 2, 3, 4]"),
    ("max_mapping_keys", '{"a": 1, "b": 2, "c": 3, "d": 4}', "{a: 1, b: 2, c: 3, d: 4}"),
    ("max_int_digits", "[123456]", "a: 123456"),
    ("max_nodes", "", "x: &x [1, 1, 1]\ny: [*x, *x, *x]\nz: [*x, *x, *x]"),  # JSON has no aliases
]


@pytest.mark.parametrize(("limit", "json_text", "yaml_text"), LIMIT_CASES, ids=[c[0] for c in LIMIT_CASES])
def test_each_limit_is_named_on_both_readers(limit: str, json_text: str, yaml_text: str) -> None:
    if json_text:
        with pytest.raises(DocumentError) as jinfo:
            parse_json(json_text, "doc.json", SMALL)
        assert jinfo.value.limit == limit and limit in jinfo.value.render()
    with pytest.raises(DocumentError) as yinfo:
        parse_yaml(yaml_text, "doc.yaml", SMALL)
    assert yinfo.value.limit == limit and limit in yinfo.value.render()


def test_limits_are_one_frozen_object_and_the_file_size_is_configurable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with pytest.raises(FrozenInstanceError):
        InputLimits().max_bytes = 1  # type: ignore[misc]
    monkeypatch.setenv("OLIGOBOARD_MAX_INPUT_BYTES", "123")
    assert InputLimits.from_env().max_bytes == 123
    monkeypatch.setenv("OLIGOBOARD_MAX_INPUT_BYTES", "lots")
    with pytest.raises(InputError):
        InputLimits.from_env()


def test_file_larger_than_max_bytes_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    path.write_text("[" + " " * 2_000 + "]")
    with pytest.raises(DocumentError) as info:
        read_document(path, SMALL)
    assert info.value.limit == "max_bytes"


def test_yaml_keeps_lines_and_merge_keys() -> None:
    doc = parse_yaml("base: &b {x: 1, y: 2}\nitem:\n  <<: *b\n  y: 3\n", "k.yaml", InputLimits())
    assert doc.value["item"] == {"x": 1, "y": 3}
    assert doc.line_of(("item", "y")) == 4
    assert doc.line_of(("item", "missing", 0)) == 3


def test_duplicate_key_names_its_line_not_its_value() -> None:
    with pytest.raises(DocumentError) as info:
        parse_yaml("a: 1\nsecret-value: 2\nsecret-value: 3\n", "k.yaml", InputLimits())
    assert "line 3" in info.value.render()


def test_bom_is_accepted_for_json_as_for_yaml(tmp_path: Path) -> None:
    for name in ("a.json", "a.yaml"):
        path = tmp_path / name
        path.write_bytes(b"\xef\xbb\xbf" + b'{"a": 1}')
        assert read_document(path).value == {"a": 1}


FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
_TOKENS = [
    *"ab1:-[]{}&*!|>'\"#,? \n\t\\%@`~.",
    "<<",
    "\ufeff",
    "\x00",
    "&a ",
    "*a",
    "!!int ",
    "2026-02-30",
    "0x1F",
]
yaml_ish = st.lists(st.sampled_from(_TOKENS), max_size=60).map("".join)


@FUZZ
@given(st.one_of(st.text(max_size=200), yaml_ish, st.binary(max_size=200).map(lambda b: b.decode("latin-1"))))
def test_fuzz_readers_raise_nothing_but_input_errors(text: str) -> None:
    for parse in (parse_json, parse_yaml):
        with contextlib.suppress(InputError):
            parse(text, "fuzz", SMALL)
