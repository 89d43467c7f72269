"""Genomic variant, ALK FISH and PD-L1 Observations → case@2 `tumour.drivers` and `tumour.pdl1_tps`
(docs/fhir.md, "Drivers").

Kept apart because the driver rules are the subtlest of the mapping: a variant is positive only for the
alteration case@2 records, a protein test is not a mutation result, and two differing results are reported as
a contradiction.
"""

from __future__ import annotations

import re
from typing import Any

from oligoboard.interop.fhir import codes as C
from oligoboard.interop.fhir.mapper_base import DRIVERS, MapperBase, _fact_code
from oligoboard.interop.fhir.resources import (
    Item,
    code_in,
    codings,
    has_code,
)


class BiomarkerMapping(MapperBase):
    """Drivers and PD-L1."""

    def drivers(self) -> dict[str, Any]:
        drivers: dict[str, Any] = self.section("tumour").setdefault("drivers", {})
        return drivers

    def set_driver(self, it: Item, key: str, status: str) -> None:
        drivers = self.drivers()
        old = drivers.get(key)
        if old is not None and old != status:
            self.report.contradiction(
                "driver-results-differ",
                (it.label,),
                f"{key}: results of two Observations differ; kept positive",
            )
            status = "positive"
        drivers[key] = status
        self.e(it).use("valueCodeableConcept", f"tumour.drivers.{key}")

    def variant(self, it: Item) -> None:
        """A genomic variant: positive only for the variant class case@2 records (docs/fhir.md, "Drivers")."""
        res, entry = it.resource, self.e(it)
        presence = res.get("valueCodeableConcept")
        present = has_code(presence, C.LOINC, C.LOINC_PRESENT)
        absent = has_code(presence, C.LOINC, C.LOINC_ABSENT)
        genes: list[str] = []
        change_types: set[str] = set()
        texts: list[str] = []
        driver_fact: str | None = None
        for comp in res.get("component", []):
            concept, value = comp.get("code"), comp.get("valueCodeableConcept")
            if has_code(concept, C.LOINC, C.LOINC_GENE_STUDIED):
                for system, code, display in codings(value):
                    gene = C.GENES.get(code) if system == C.HGNC else None
                    gene = gene or C.GENE_SYMBOLS.get(display.upper())
                    if gene and gene not in genes:
                        genes.append(gene)
                entry.use("component[gene-studied]")
            elif has_code(concept, C.LOINC, C.LOINC_DNA_CHANGE_TYPE):
                change_types |= {code for _, code, _ in codings(value)}
                entry.use("component[dna-change-type]")
            elif _fact_code(concept) == "driver":
                driver_fact = _fact_code(value)
                entry.use("component[driver]")
            else:
                texts += [f"{code} {display}" for _, code, display in codings(value)]
                if isinstance(comp.get("valueString"), str):
                    texts.append(comp["valueString"])
        if driver_fact in DRIVERS and (present or absent):
            self.set_driver(it, driver_fact, "positive" if present else "negative")
            return
        if not genes:
            entry.skip("no gene studied among the case@2 drivers")
            return
        hgvs = " ".join(texts)
        for gene in genes:
            key = {"braf": "braf_v600e", "met": "met_ex14", "kras": "kras_g12c", "erbb2": "her2"}.get(
                gene, gene
            )
            if key.startswith("ntrk"):
                key = "ntrk"
            if absent:
                if key == "ntrk" and not {"ntrk1", "ntrk2", "ntrk3"} <= set(genes):
                    entry.skip("NTRK: not all of NTRK1-3 reported absent: ntrk left unknown")
                    continue
                self.set_driver(it, key, "negative")
            elif present:
                verdict = self.positive_variant(key, change_types, hgvs, driver_fact)
                if verdict is None:
                    entry.skip(
                        f"{gene.upper()} variant present but not the {key} alteration case@2 records: left unknown"
                    )
                else:
                    self.set_driver(it, key, "positive")
            else:
                entry.skip("value: neither Present nor Absent: driver left unknown")

    @staticmethod
    def positive_variant(key: str, change_types: set[str], hgvs: str, driver_fact: str | None) -> str | None:
        if driver_fact == key:
            return "positive"
        if change_types & C.SO_COPY_NUMBER:
            return None
        rearranged = bool(change_types & C.SO_REARRANGEMENT)
        if key in ("alk", "ros1", "ret", "ntrk"):
            return "positive" if rearranged else None
        if key == "braf_v600e":
            return "positive" if re.search(r"p\.(V600E|Val600Glu)\b", hgvs) else None
        if key == "kras_g12c":
            return "positive" if re.search(r"p\.(G12C|Gly12Cys)\b", hgvs) else None
        if key == "egfr":
            return (
                "positive"
                if re.search(r"p\.(L858R|Leu858Arg)\b|p\.\w*7(4[5-9]|5[0-9])\w*del", hgvs)
                else None
            )
        return None  # met_ex14 and her2: only an explicit oligoboard driver statement, see docs/fhir.md

    def alk_fish(self, it: Item, value: tuple[str, Any] | None) -> None:
        if value and value[0] == "valueCodeableConcept":
            if code_in(value[1], C.SNOMED, {"10828004"}) or has_code(value[1], C.LOINC, C.LOINC_PRESENT):
                self.set_driver(it, "alk", "positive")
                return
            if code_in(value[1], C.SNOMED, {"260385009"}) or has_code(value[1], C.LOINC, C.LOINC_ABSENT):
                self.set_driver(it, "alk", "negative")
                return
        self.e(it).skip("ALK FISH result not positive/negative: left unknown")

    def pdl1(self, it: Item, value: tuple[str, Any] | None) -> None:
        entry = self.e(it)
        if value and value[0] == "valueQuantity" and value[1].get("code") == "%" and "value" in value[1]:
            tps = float(value[1]["value"])
            self.section("tumour")["pdl1_tps"] = int(tps) if tps.is_integer() else tps
            entry.use("valueQuantity", "tumour.pdl1_tps")
        else:
            entry.skip("PD-L1: not a percentage of tumour cells: pdl1_tps left unknown")
