"""MedicationRequest / MedicationAdministration → case@2 `systemic_therapy` lines (docs/fhir.md).

Separate because lines are built in two steps: each medication resource gives one agent, and
`finish_lines` then merges the agents started on one day into one line and derives its category.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from oligoboard.interop.fhir import codes as C
from oligoboard.interop.fhir.mapper_base import MapperBase, _fact_code, _fact_ext
from oligoboard.interop.fhir.resources import (
    Item,
    code_in,
    codings,
    date_of,
    end_of,
    reference,
    start_of,
)


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z]+", text.lower())


class MedicationMapping(MapperBase):
    """Lines of systemic therapy."""

    # -- systemic therapy
    def medication(self, it: Item) -> None:
        res, entry = it.resource, self.e(it)
        concept = res.get("medicationCodeableConcept")
        if concept is None:
            med = self.resolve(reference(res.get("medicationReference")))
            concept = med.resource.get("code") if med else None
            if med:
                self.e(med).use("code", "systemic_therapy[].regimen")
        names = [concept.get("text", "")] if isinstance(concept, Mapping) and concept.get("text") else []
        names += [display for _, _, display in codings(concept)]
        text = " ".join(names)
        drugs = self.drugs(text)
        explicit = _fact_ext(res, "systemic-line") is True
        if not drugs and not explicit:
            entry.skip("medication not in the anticancer drug table: not a line of systemic therapy")
            return
        if it.type == "MedicationRequest":
            timing = (res.get("dosageInstruction") or [{}])[0].get("timing", {})
            period = timing.get("repeat", {}).get("boundsPeriod", {})
            start, end = date_of(period.get("start")), date_of(period.get("end"))
            used = "dosageInstruction[0].timing.repeat.boundsPeriod"
            events = sorted(d for e in timing.get("event", []) if (d := date_of(e)) is not None)
            if start is None and events:
                # the days it was to be given; a completed request was given on them
                start, used = events[0], "dosageInstruction[0].timing.event"
                end = events[-1] if res.get("status") == "completed" else None
        else:
            used, start = start_of(res, "effective")
            end = end_of(res, "effective") or (start if "effectiveDateTime" in res else None)
        self.seen(start)
        self.seen(end)
        regimen = (concept.get("text") if isinstance(concept, Mapping) else None) or "-".join(drugs) or None
        line: dict[str, Any] = {"_drugs": drugs, "_item": it, "_explicit": explicit}
        if regimen is not None:
            line["regimen"] = regimen
        entry.use(
            "medicationCodeableConcept" if "medicationCodeableConcept" in res else "medicationReference"
        )
        entry.use("", "systemic_therapy[].regimen")
        if start is not None:
            line["start_date"] = start.isoformat()
            entry.use(used, "systemic_therapy[].start_date")
        if end is not None:
            line["end_date"] = end.isoformat()
            entry.use(used, "systemic_therapy[].end_date")
        elif res.get("status") in ("completed", "stopped") and it.type == "MedicationRequest":
            entry.skip(
                "status stopped/completed without an end day: end_date unknown (case@2 null reads 'ongoing')"
            )
        reason = res.get("statusReason")
        if reason is not None:
            code = code_in(reason, C.SNOMED, C.END_REASON_SNOMED)
            end_reason = C.END_REASON_SNOMED[code] if code else _fact_code(reason)
            if end_reason:
                line["end_reason"] = end_reason
                entry.use("statusReason", "systemic_therapy[].end_reason")
            else:
                entry.skip("statusReason: termination reason not in the map")
        for name in ("line", "category", "cycles", "best_response"):
            fact = _fact_ext(res, name.replace("_", "-"))
            if fact is not None:
                line[name] = fact
                entry.use(f"extension[{name}]", f"systemic_therapy[].{name}")
        self.lines.append(line)

    @property
    def lines(self) -> list[dict[str, Any]]:
        if not hasattr(self, "_lines"):
            self._lines: list[dict[str, Any]] = []
        return self._lines

    @staticmethod
    def drugs(text: str) -> list[str]:
        lowered = " ".join(_words(text))
        found = [drug for drug in C.DRUG_CLASS if re.search(rf"\b{re.escape(drug)}\b", lowered)]
        if "nab-paclitaxel" in found and "paclitaxel" in found:
            found.remove("paclitaxel")
        return found

    def finish_lines(self) -> None:
        """Agents starting on one day form one line (a doublet is two MedicationRequests); explicit line
        numbers (oligoboard extension) are kept as given."""
        merged: list[dict[str, Any]] = []
        for line in self.lines:
            twin = next(
                (
                    m
                    for m in merged
                    if not line["_explicit"]
                    and not m["_explicit"]
                    and m.get("start_date") is not None
                    and m.get("start_date") == line.get("start_date")
                ),
                None,
            )
            if twin is None:
                merged.append(line)
                continue
            twin["_drugs"] += [d for d in line["_drugs"] if d not in twin["_drugs"]]
            twin["regimen"] = "-".join(twin["_drugs"])
            if line.get("end_date") and (twin.get("end_date") or "") < line["end_date"]:
                twin["end_date"] = line["end_date"]
        out = []
        for line in merged:
            drugs = line.pop("_drugs")
            line.pop("_item")
            explicit = line.pop("_explicit")
            if "category" not in line and not explicit:
                classes = {C.DRUG_CLASS[d] for d in drugs}
                category = None
                if classes == {"chemo"}:
                    category = "chemo"
                elif classes == {"io"}:
                    category = "io"
                elif classes == {"chemo", "io"}:
                    category = "chemo_io"
                elif classes == {"targeted"}:
                    category = "targeted"
                if category:
                    line["category"] = category
            out.append({k: line[k] for k in sorted(line, key=_LINE_ORDER.index)})
        if out or "systemic_therapy" in self.known_none:
            self.case["systemic_therapy"] = out


_LINE_ORDER = [
    "line",
    "regimen",
    "category",
    "start_date",
    "end_date",
    "cycles",
    "best_response",
    "end_reason",
]
