"""Reading FHIR JSON safely: the container shapes, R4B model validation, and small accessors on plain dicts.

Why plain dicts after validation: the `fhir.resources.R4B` models prove each resource is well-formed FHIR
(types, cardinalities, choice types), and the mapping then reads the same JSON the sender wrote, so the
import report can name the elements exactly as they appear (`valueCodeableConcept`, `extension[url=…]`).
Validation errors name the resource (type/id and bundle index) and the element; never a value.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from oligoboard.errors import InputError, Problem, kind_of

Json = dict[str, Any]

#: more than this many resources is refused: a case is one patient, not a server export
MAX_RESOURCES = 5000


class FhirInputError(InputError):
    """The FHIR input is not a Bundle / resource list, or a resource is not valid R4: exit 2, HTTP 422."""


@dataclass(frozen=True)
class Item:
    """One input resource with where it was found (bundle index and fullUrl)."""

    index: int
    resource: Json
    full_url: str | None

    @property
    def type(self) -> str:
        return str(self.resource.get("resourceType"))

    @property
    def id(self) -> str | None:
        value = self.resource.get("id")
        return value if isinstance(value, str) else None

    @property
    def label(self) -> str:
        return f"{self.type}/{self.id}" if self.id else f"{self.type}[{self.index}]"


def _safe_id(value: object) -> str:
    """A resource id as it may appear in a message: FHIR ids are [A-Za-z0-9.-]{1,64}; anything else is
    not shown (it could be free text)."""
    if isinstance(value, str) and re.fullmatch(r"[A-Za-z0-9.\-]{1,64}", value):
        return value
    return "<invalid id>"


def _safe_type(value: str) -> str:
    """A resourceType as it may appear in a message: resource type names are [A-Z][A-Za-z]+."""
    return value if re.fullmatch(r"[A-Z][A-Za-z]{1,63}", value) else "<invalid resourceType>"


def items_of(data: object) -> tuple[list[Item], Json | None]:
    """The resources of a Bundle (its entries) or of a list of resources, and the Bundle itself (or None)."""
    problems: list[Problem] = []
    bundle: Json | None = None
    raw: list[tuple[object, str | None]] = []
    if isinstance(data, Mapping) and data.get("resourceType") == "Bundle":
        bundle = dict(data)
        entries = bundle.get("entry", [])
        if not isinstance(entries, list):
            raise FhirInputError(
                "not a FHIR Bundle", [Problem("Bundle.entry", f"expected a list, got {kind_of(entries)}")]
            )
        for i, entry in enumerate(entries):
            if not isinstance(entry, Mapping) or not isinstance(entry.get("resource"), Mapping):
                problems.append(Problem(f"Bundle.entry[{i}].resource", "every entry needs a resource object"))
                continue
            url = entry.get("fullUrl")
            raw.append((entry["resource"], url if isinstance(url, str) else None))
    elif isinstance(data, Mapping) and isinstance(data.get("resourceType"), str):
        raw.append((data, None))
    elif isinstance(data, list):
        for r in data:  # a prefetch list may hold search Bundles: their entries are the resources
            if (
                isinstance(r, Mapping)
                and r.get("resourceType") == "Bundle"
                and isinstance(r.get("entry"), list)
            ):
                raw.extend(
                    (e["resource"], e.get("fullUrl") if isinstance(e.get("fullUrl"), str) else None)
                    for e in r["entry"]
                    if isinstance(e, Mapping) and isinstance(e.get("resource"), Mapping)
                )
            else:
                raw.append((r, None))
    else:
        raise FhirInputError(
            "not FHIR: expected a Bundle, a resource or a list of resources",
            [Problem("<document>", f"found {kind_of(data)} without resourceType")],
        )
    if len(raw) > MAX_RESOURCES:
        raise FhirInputError(f"too many resources (more than {MAX_RESOURCES:,}): one patient per import")
    out: list[Item] = []
    for i, (resource, url) in enumerate(raw):
        if not isinstance(resource, Mapping) or not isinstance(resource.get("resourceType"), str):
            problems.append(Problem(f"entry[{i}]", f"not a FHIR resource (found {kind_of(resource)})"))
            continue
        out.append(Item(i, dict(resource), url))
    if problems:
        raise FhirInputError("invalid FHIR input", problems)
    return out, bundle


def _element_path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part.startswith(("function-", "lax-")):
            continue
        else:
            out += ("." if out else "") + part
    return out


def validate_r4(items: list[Item], bundle: Json | None) -> None:
    """Every resource (and the Bundle shell) against its `fhir.resources.R4B` model; all problems at once.

    A problem reads `entry[3] Observation/tnm-1: valueCodeableConcept.coding[0].code: …, got text (4
    characters)`: the resource by index and type/id, the element by its JSON path, the kind of value.
    """
    from fhir.resources.R4B import get_fhir_model_class
    from pydantic import ValidationError

    problems: list[Problem] = []
    targets: list[tuple[str, Json]] = []
    if bundle is not None:
        shell = {k: v for k, v in bundle.items() if k != "entry"}
        targets.append((f"Bundle/{_safe_id(bundle.get('id'))}" if bundle.get("id") else "Bundle", shell))
    targets += [(f"entry[{it.index}] {_safe_type(it.type)}/{_safe_id(it.id)}", it.resource) for it in items]
    for where, resource in targets:
        name = str(resource.get("resourceType"))
        try:
            model = get_fhir_model_class(name)
        except (KeyError, ValueError, AttributeError):
            problems.append(Problem(where, "resourceType is not an R4 resource type"))
            continue
        try:
            model.model_validate(resource)
        except ValidationError as exc:
            for err in exc.errors(include_url=False):
                element = _element_path(tuple(err["loc"])) or "<resource>"
                found = kind_of(err.get("input"))
                kind = err["type"]
                message = {
                    "missing": "required element is missing",
                    "extra_forbidden": "not an element of this resource type",
                }.get(kind, f"invalid value ({kind.replace('_', ' ')}), got {found}")
                problems.append(Problem(f"{where}: {element}", message, found=found))
        except (TypeError, ValueError):
            problems.append(Problem(where, "not a valid R4 resource"))
    if problems:
        raise FhirInputError(f"invalid FHIR R4: {len(problems)} problem(s)", problems)


# --- accessors -------------------------------------------------------------------------------------------


def codings(concept: object) -> Iterator[tuple[str, str, str]]:
    """(system, code, display) of a CodeableConcept or a Coding."""
    if not isinstance(concept, Mapping):
        return
    items = concept.get("coding") if "coding" in concept else [concept]
    for c in items if isinstance(items, list) else []:
        if isinstance(c, Mapping) and isinstance(c.get("code"), str):
            yield str(c.get("system", "")), c["code"], str(c.get("display", ""))


def code_in(
    concept: object, system: str, codes: Mapping[str, object] | frozenset[str] | set[str]
) -> str | None:
    """The first code of `concept` in `system` that is one of `codes`."""
    for s, code, _ in codings(concept):
        if s == system and code in codes:
            return code
    return None


def has_code(concept: object, system: str, code: str) -> bool:
    return any(s == system and c == code for s, c, _ in codings(concept))


def profiles(resource: Mapping[str, Any]) -> list[str]:
    meta = resource.get("meta")
    found = meta.get("profile", []) if isinstance(meta, Mapping) else []
    return [p.split("|")[0] for p in found if isinstance(p, str)]


def extensions(element: Mapping[str, Any], url: str) -> list[Json]:
    return [dict(e) for e in element.get("extension", []) if isinstance(e, Mapping) and e.get("url") == url]


def extension_value(element: Mapping[str, Any], url: str) -> tuple[str, Any] | None:
    """(value[x] key, value) of the first extension with `url`."""
    for ext in extensions(element, url):
        for key, value in ext.items():
            if key.startswith("value"):
                return key, value
    return None


def reference(value: object) -> str | None:
    return (
        value.get("reference")
        if isinstance(value, Mapping) and isinstance(value.get("reference"), str)
        else None
    )


def date_of(value: object) -> date | None:
    """The day of a FHIR date or dateTime; a partial date (year or year-month) is no day: None."""
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def start_of(resource: Mapping[str, Any], prefix: str) -> tuple[str, date | None]:
    """The element used and the start day of `<prefix>DateTime` / `<prefix>Period.start`."""
    if f"{prefix}DateTime" in resource:
        return f"{prefix}DateTime", date_of(resource[f"{prefix}DateTime"])
    period = resource.get(f"{prefix}Period")
    if isinstance(period, Mapping):
        return f"{prefix}Period.start", date_of(period.get("start"))
    return "", None


def end_of(resource: Mapping[str, Any], prefix: str) -> date | None:
    period = resource.get(f"{prefix}Period")
    return date_of(period.get("end")) if isinstance(period, Mapping) else None
