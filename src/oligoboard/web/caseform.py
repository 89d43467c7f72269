"""The case form: flat HTML form fields <-> a case@2 document, derived from the contract's own models.

Each form field is labelled in clinical words with its unit and the contract's check (`web/fields.py`),
and named by its contract path (`imaging[1].findings[0].size_mm`), so a problem from
`parse_case` lands next to the field of the same name without a mapping table, and a new model field
appears on the form by itself. The form only reshapes and types text (a number typed as text becomes a
number, "" is unknown); every check is the contract's, so the form refuses exactly what upload refuses.

Unknown is not no: a blank field is left out (unknown), a list with no filled row is left out unless its
"none" box is ticked (`[]`, known: none).
"""

from __future__ import annotations

import datetime as dt
import re
import types
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from oligoboard.case.models import Case
from oligoboard.web import fields

Kind = Literal["text", "int", "float", "bool", "date", "choice"]
#: Case fields the form does not show: the contract id is fixed, answers are given on the case page.
HIDDEN = frozenset({"schema_", "answers"})
#: Blank rows shown under the filled ones of every list (more via the section's "add row" button).
BLANK_ROWS = 1
MAX_ROWS = 100


@dataclass
class Widget:
    path: str
    label: str
    kind: Kind
    choices: tuple[str, ...] = ()
    value: str = ""
    error: str | None = None
    readonly: bool = False
    #: the contract's check in words (`whole number 0–130`), shown next to the field
    check: str = ""


@dataclass
class Section:
    """An object (`fields`, `children`) or a list (`rows`, each a Section of one item)."""

    path: str
    title: str
    is_list: bool = False
    fields: list[Widget] = field(default_factory=list)
    children: list[Section] = field(default_factory=list)
    rows: list[Section] = field(default_factory=list)
    none_checked: bool = False
    error: str | None = None


def _unwrap(annotation: Any) -> Any:
    """`Annotated[X, …] | None` → X (the contract makes nearly every field optional, with bounds)."""
    if get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        annotation = args[0] if len(args) == 1 else annotation
    if get_origin(annotation) is Annotated:
        return get_args(annotation)[0]
    return annotation


def _model_of(annotation: Any) -> type[BaseModel] | None:
    inner = _unwrap(annotation)
    return inner if isinstance(inner, type) and issubclass(inner, BaseModel) else None


def _list_model_of(annotation: Any) -> type[BaseModel] | None:
    inner = _unwrap(annotation)
    if get_origin(inner) is list:
        return _model_of(get_args(inner)[0])
    return None


def _kind(annotation: Any) -> tuple[Kind, tuple[str, ...]]:
    inner = _unwrap(annotation)
    if get_origin(inner) is Literal:
        return "choice", tuple(str(a) for a in get_args(inner))
    if inner is bool:
        return "bool", ()
    if inner is int:
        return "int", ()
    if inner is float:
        return "float", ()
    if inner is dt.date:
        return "date", ()
    return "text", ()


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


# --- form → document -------------------------------------------------------------------------------


def _typed(kind: Kind, raw: str) -> Any:
    """Form text as the JSON value the contract expects; text that is not a number stays text, so the
    contract reports it at its path ("should be a valid number") instead of the form guessing."""
    if kind == "bool":
        return {"true": True, "false": False}.get(raw, raw)
    if kind == "int":
        return int(raw) if re.fullmatch(r"[+-]?\d{1,9}", raw) else raw
    if kind == "float":
        if re.fullmatch(r"[+-]?\d{1,9}", raw):
            return int(raw)
        try:
            number = float(raw)
        except ValueError:
            return raw
        return number if number == number and abs(number) != float("inf") else raw
    return raw


def _object_from(model: type[BaseModel], prefix: str, form: Mapping[str, str]) -> dict[str, Any] | None:
    out: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        if prefix == "" and name in HIDDEN:
            continue
        key = info.alias or name
        path = _join(prefix, key)
        annotation = info.annotation
        if (sub := _model_of(annotation)) is not None:
            value = _object_from(sub, path, form)
            if value is not None:
                out[key] = value
        elif (item := _list_model_of(annotation)) is not None:
            items = _list_from(item, path, form)
            if items is not None:
                out[key] = items
        else:
            raw = form.get(path, "").strip()
            if raw:
                out[key] = _typed(_kind(annotation)[0], raw)
    return out or None


def row_count(path: str, form: Mapping[str, str]) -> int:
    """Rows the form carries for a list: the highest index sent (or `path.rows`) plus one."""
    stated = form.get(f"{path}.rows", "")
    count = int(stated) if stated.isdigit() else 0
    pattern = re.compile(re.escape(path) + r"\[(\d+)\]")
    for key in form:
        match = pattern.match(key)
        if match:
            count = max(count, int(match.group(1)) + 1)
    return min(count, MAX_ROWS)


def _filled_rows(path: str, form: Mapping[str, str]) -> int:
    """Rows of a list that carry a typed value (highest such index plus one): re-rendering a form adds
    blank rows to these, not to the blank rows it already showed."""
    pattern = re.compile(re.escape(path) + r"\[(\d+)\]\.")
    count = 0
    for key, value in form.items():
        match = pattern.match(key)
        if match and value.strip() and not key.endswith((".rows", ".none")):
            count = max(count, int(match.group(1)) + 1)
    return min(count, MAX_ROWS)


def _list_from(model: type[BaseModel], path: str, form: Mapping[str, str]) -> list[Any] | None:
    items = [
        value
        for index in range(row_count(path, form))
        if (value := _object_from(model, f"{path}[{index}]", form)) is not None
    ]
    if items or form.get(f"{path}.none") == "on":
        return items
    return None


def document_from(form: Mapping[str, str], answers: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The case@2 document the form describes (answers carried over from the version being edited)."""
    document: dict[str, Any] = {"schema": "oligoboard/case@2", **(_object_from(Case, "", form) or {})}
    if answers is not None:
        document["answers"] = dict(answers)
    return document


# --- document → form -------------------------------------------------------------------------------


def flatten(document: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    """A stored document as form values by contract path (`[]` ticks the list's "none" box)."""
    out: dict[str, str] = {}
    for key, value in document.items():
        if prefix == "" and key in ("schema", "answers"):
            continue
        path = _join(prefix, str(key))
        if isinstance(value, Mapping):
            out.update(flatten(value, path))
        elif isinstance(value, list):
            if not value:
                out[f"{path}.none"] = "on"
            for index, item in enumerate(value):
                if isinstance(item, Mapping):
                    out.update(flatten(item, f"{path}[{index}]"))
        elif isinstance(value, bool):
            out[path] = "true" if value else "false"
        elif value is not None:
            out[path] = str(value)
    return out


def with_row_added(form: Mapping[str, str], path: str) -> dict[str, str]:
    """The same form with one more blank row in the list at `path` than it showed (the "add row" button)."""
    values = dict(form)
    values[f"{path}.rows"] = str(min(_shown_rows(path, form) + 1, MAX_ROWS))
    return values


def _shown_rows(path: str, form: Mapping[str, str]) -> int:
    """Rows a list shows: its filled rows plus the blank ones, or as many as the form last stated."""
    stated = form.get(f"{path}.rows", "")
    return min(max(_filled_rows(path, form) + BLANK_ROWS, int(stated) if stated.isdigit() else 0), MAX_ROWS)


# --- the page's sections ---------------------------------------------------------------------------


def _section(
    model: type[BaseModel],
    path: str,
    title: str,
    form: Mapping[str, str],
    errors: Mapping[str, str],
    readonly: frozenset[str],
) -> Section:
    section = Section(path=path, title=title, error=errors.get(path))
    for name, info in model.model_fields.items():
        if path == "" and name in HIDDEN:
            continue
        key = info.alias or name
        sub_path = _join(path, key)
        annotation = info.annotation
        if (sub := _model_of(annotation)) is not None:
            section.children.append(_section(sub, sub_path, fields.label(sub_path), form, errors, readonly))
        elif (item := _list_model_of(annotation)) is not None:
            title = fields.LIST_TITLES.get(fields.key_of(sub_path), fields.label(sub_path))
            section.children.append(_list_section(item, sub_path, title, form, errors, readonly))
        else:
            kind, choices = _kind(annotation)
            section.fields.append(
                Widget(
                    path=sub_path,
                    label=fields.label(sub_path),
                    check=fields.check_text(info),
                    kind=kind,
                    choices=choices,
                    value=form.get(sub_path, ""),
                    error=errors.get(sub_path),
                    readonly=sub_path in readonly,
                )
            )
    return section


def _list_section(
    model: type[BaseModel],
    path: str,
    title: str,
    form: Mapping[str, str],
    errors: Mapping[str, str],
    readonly: frozenset[str],
) -> Section:
    item = fields.label(path, unit=False)
    rows = [
        _section(model, f"{path}[{i}]", f"{item} {i + 1}", form, errors, readonly)
        for i in range(_shown_rows(path, form))
    ]
    return Section(
        path=path,
        title=title,
        is_list=True,
        rows=rows,
        none_checked=form.get(f"{path}.none") == "on",
        error=errors.get(path),
    )


def sections(
    form: Mapping[str, str], errors: Mapping[str, str], readonly: frozenset[str] = frozenset()
) -> Section:
    """The whole form as nested sections, each field with its value and its problem (if any)."""
    return _section(Case, "", "Case", form, errors, readonly)


def form_values(raw: Mapping[str, Any]) -> dict[str, str]:
    """Submitted form values as text, limited in length (files and repeated keys are ignored)."""
    return {str(k)[:300]: str(v)[:2000] for k, v in raw.items() if isinstance(v, str) and k != "csrf_token"}
