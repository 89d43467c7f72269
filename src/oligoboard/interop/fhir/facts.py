"""oligoboard fact Observations (case@2 fields mCODE has no element for) → the case (docs/fhir.md).

Separate from the mCODE families because these are read in oligoboard's own code system, written by
`case_to_bundle.py` so that a case makes the round trip; they may set fields of several sections (lesions,
drivers, history, answers), hence the mixin sits on top of the lesion and biomarker mappings.
"""

from __future__ import annotations

from typing import Any

from oligoboard.errors import safe_key
from oligoboard.interop.fhir.biomarkers import BiomarkerMapping
from oligoboard.interop.fhir.lesions import LesionMapping
from oligoboard.interop.fhir.mapper_base import DRIVERS, LISTS, _fact_code, _value
from oligoboard.interop.fhir.resources import (
    Item,
    date_of,
)


class FactMapping(LesionMapping, BiomarkerMapping):
    """oligoboard facts."""

    # -- oligoboard facts (case@2 fields mCODE has no element for)
    def fact(self, it: Item, name: str) -> None:
        res, entry = it.resource, self.e(it)
        value = _value(res)
        raw: Any = None
        if value is not None:
            key, raw = value
            if key in ("valueCodeableConcept", "valueCoding"):
                raw = _fact_code(raw)
            elif key == "valueDateTime":
                raw = raw[:10]
            elif key == "valueQuantity":
                raw = raw.get("value")
        if name == "assessment_date":
            self.fact_date = date_of(raw)
            entry.use("valueDateTime", "assessment_date")
            return
        if name == "known-none":
            if raw in (*LISTS, "answers"):
                self.known_none.add(str(raw))
                entry.use("valueString", str(raw))
            return
        if name == "answer":
            key_text = None
            for comp in res.get("component", []):
                if _fact_code(comp.get("code")) == "answer-key":
                    key_text = comp.get("valueString")
            if isinstance(key_text, str):
                self.case.setdefault("answers", {})[key_text] = raw if isinstance(raw, bool) else None
                entry.use("component[answer-key]", "answers")
            return
        if name.startswith("lesion."):
            lesion = self.lesion_for(res)
            if lesion is None:
                entry.skip("focus is not a lesion of the bundle: not mapped")
                return
            lesion[name.split(".", 1)[1]] = raw
            entry.use("focus", f"lesions[].{name.split('.', 1)[1]}")
            return
        section, _, field_name = name.partition(".")
        allowed = {
            "tumour": {"histology", "histology_confirmed"},
            "primary": {"status", "radically_treatable"},
            "history": {"polymetastatic_before", "omd_before", "prior_thoracic_rt"},
            "staging": {"mediastinal_staging"},
            "metastatic_diagnosis_date": {""},
        }
        if name == "metastatic_diagnosis_date":
            self.case["metastatic_diagnosis_date"] = raw
            entry.use("valueDateTime", name)
        elif section == "tumour" and field_name.startswith("drivers."):
            driver = field_name.split(".", 1)[1]
            if driver in DRIVERS and raw == "not_tested":
                self.drivers()[driver] = "not_tested"
                entry.use("valueCodeableConcept", f"tumour.drivers.{driver}")
        elif field_name in allowed.get(section, set()):
            self.section(section)[field_name] = raw
            entry.use(value[0] if value else "value", name)
        else:
            entry.skip(f"oligoboard fact code not known to this version: {safe_key(section)}")
