"""Observation dispatch: which family maps an Observation, by its code or profile (docs/fhir.md).

One Observation type carries staging, performance status, histology, drivers, sizes, disease status and
oligoboard facts; the dispatch is the one place that says which code goes where (and why the others are not
mapped), so it sits on top of the family mixins rather than in any one of them.
"""

from __future__ import annotations

from oligoboard.interop.fhir import codes as C
from oligoboard.interop.fhir.facts import FactMapping
from oligoboard.interop.fhir.imaging import ImagingMapping
from oligoboard.interop.fhir.mapper_base import _fact_code, _value
from oligoboard.interop.fhir.resources import (
    Item,
    code_in,
    has_code,
    profiles,
    start_of,
)


class ObservationMapping(FactMapping, ImagingMapping):
    """Routes each Observation to its family."""

    # -- observations
    def observation(self, it: Item) -> None:
        res, entry = it.resource, self.e(it)
        concept = res.get("code")
        fact = _fact_code(concept)
        if fact is not None:
            self.fact(it, fact)
            return
        prof = profiles(res)
        _, when = start_of(res, "effective")
        self.seen(when)
        value = _value(res)
        if has_code(concept, C.LOINC, C.LOINC_ECOG) or C.PROFILE_ECOG in prof:
            self.ecog(it, value, when)
        elif has_code(concept, C.LOINC, C.LOINC_KARNOFSKY):
            entry.skip(
                "Karnofsky score: case@2 holds ECOG only; Karnofsky→ECOG tables disagree, not converted"
            )
        elif has_code(concept, C.LOINC, C.LOINC_AGE):
            if value and value[0] == "valueQuantity" and value[1].get("code") in ("a", None):
                self.section("patient")["age_years"] = int(value[1]["value"])
                entry.use("valueQuantity", "patient.age_years")
            else:
                entry.skip("Age: not a quantity in years")
        elif has_code(concept, C.SNOMED, C.SCT_CT):
            self.tnm(it, "t", C.T_SNOMED, C.T_UNMAPPED)
        elif has_code(concept, C.SNOMED, C.SCT_CN):
            self.tnm(it, "n", C.N_SNOMED, C.N_UNMAPPED)
        elif has_code(concept, C.SNOMED, C.SCT_CM):
            self.m_category(it, when)
        elif code_in(concept, C.SNOMED, {C.SCT_PT, C.SCT_PN, C.SCT_PM}):
            entry.use("code")
            entry.skip("pathological TNM category: case@2 records the clinical T and N only")
        elif has_code(concept, C.SNOMED, C.SCT_STAGE_GROUP_CLINICAL) or C.PROFILE_STAGE_GROUP in prof:
            entry.use("code")
            entry.use("hasMember")
            entry.skip("stage group: case@2 has no stage group; T and N come from their own Observations")
        elif has_code(concept, C.LOINC, C.LOINC_HISTOLOGY):
            self.histology(it)
        elif has_code(concept, C.LOINC, C.LOINC_GENETIC_VARIANT) or C.PROFILE_GENOMIC_VARIANT in prof:
            self.variant(it)
        elif has_code(concept, C.LOINC, C.LOINC_PDL1_TPS):
            self.pdl1(it, value)
        elif code_in(concept, C.LOINC, C.PROTEIN_TESTS):
            gene = C.PROTEIN_TESTS[code_in(concept, C.LOINC, C.PROTEIN_TESTS) or ""]
            entry.use("code")
            entry.skip(
                f"protein (IHC/immunoassay) test of {gene.upper()}: not a mutation result, driver left unknown"
            )
        elif code_in(concept, C.LOINC, C.ALK_FISH_TESTS):
            self.alk_fish(it, value)
        elif code_in(concept, C.LOINC, C.ERBB2_AMPLIFICATION_TESTS):
            entry.use("code")
            entry.skip("ERBB2 copy number (amplification): not the HER2 mutation case@2 records")
        elif has_code(concept, C.LOINC, C.LOINC_TUMOR_SIZE):
            self.tumour_size(it)
        elif has_code(concept, C.LOINC, C.LOINC_DISEASE_STATUS) or C.PROFILE_DISEASE_STATUS in prof:
            self.disease_status(it, when)
        elif C.PROFILE_TUMOR_MARKER in prof:
            entry.skip("tumour marker not among the drivers and PD-L1 of case@2")
        else:
            entry.skip("Observation code not in the mapping (docs/fhir.md)")
