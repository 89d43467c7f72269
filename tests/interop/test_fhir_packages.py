"""The FHIR packages `make install` fetched are the pinned ones: the `.integrity` each unpacked package
records equals the sha512 pinned in scripts/fetch-fhir-packages.sh, and the schema is HL7's R4 schema."""

from __future__ import annotations

import json
import re

from oligoboard.interop.fhir.packages import R4_SCHEMA_ID, packages_dir
from tests.interop.fhir_support import ROOT, mcode_examples, schema_installed


def test_installed_packages_match_the_pins() -> None:
    script = (ROOT / "scripts" / "fetch-fhir-packages.sh").read_text(encoding="utf-8")
    pins = dict(re.findall(r'"\S+@\S+ (\S+) (sha512-\S+)"', script))
    assert set(pins) == {"mcode", "r4-json-schema"}
    for name, integrity in pins.items():
        recorded = packages_dir() / name / ".integrity"
        assert recorded.is_file(), f"{recorded}: run `make install`"
        assert recorded.read_text().strip() == integrity


def test_the_packages_are_what_they_say() -> None:
    manifest = json.loads((packages_dir() / "mcode" / "package" / "package.json").read_text())
    assert (manifest["name"], manifest["version"]) == ("hl7.fhir.us.mcode", "4.0.0")
    assert len(mcode_examples()) == 179
    schema = json.loads(schema_installed().read_text())
    assert schema["id"] == R4_SCHEMA_ID and "GuidanceResponse" in schema["definitions"]
