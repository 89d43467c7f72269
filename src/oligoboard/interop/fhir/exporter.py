"""The assessment contract → FHIR R4: a GuidanceResponse with its RequestGroup, in one collection Bundle.

Why this shape: a GuidanceResponse is FHIR's record of "a decision-support module was asked about this
patient and answered": `moduleUri` names the module *and the knowledge version* that answered, `status`
says whether it needed more data (`data-required`), `dataRequirement` lists the missing facts, and `result`
points at a RequestGroup whose actions are the proposals: one group of guideline recommendations (each with
its grade as `prefix`, its status and its source as a citation) and one of trial options (each with its
verdict and its registry record). The recommendation and trial status words are the contract's own, carried
in an oligoboard extension, so `summary_of_export` gives back exactly what `summary_of_assessment` reads
from the contract (round-trip tested). Nothing of the case itself is exported but its id and hash.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from oligoboard.interop.fhir import codes as C

Json = dict[str, Any]
MISSING_SYSTEM = "urn:oligoboard:fhir:missing-fact"
KNOWLEDGE_URI = "urn:oligoboard:knowledge:"
CASE_HASH_SYSTEM = "urn:oligoboard:case-hash"


def _uri_part(text: str) -> str:
    """A version string as a URI segment (`0.2.0+sha256:538d…` keeps its characters; spaces are escaped)."""
    return text.replace(" ", "%20")


def missing_facts(assessment: Mapping[str, Any]) -> list[str]:
    """Every fact the assessment names as missing (disease state, recommendations, trials, work-up)."""
    found: list[str] = list(assessment["disease_state"].get("missing", []))
    for key in ("recommendations", "trials", "workup_gaps"):
        for item in assessment.get(key, []):
            found += item.get("missing", [])
    return sorted(set(found))


def summary_of_assessment(assessment: Mapping[str, Any]) -> Json:
    """What the export must carry, read from the contract: for the round-trip test and the CDS cards."""
    return {
        "knowledge_version": assessment["knowledge_version"],
        "recommendations": [[r["id"], r["status"], r.get("grade")] for r in assessment["recommendations"]],
        "trials": [[t["id"], t["status"], t["verdict"]] for t in assessment["trials"]],
        "missing": missing_facts(assessment),
    }


def _status_ext(status: str) -> Json:
    return {"url": C.FACT_EXT + "status", "valueCode": status}


def _recommendation(r: Mapping[str, Any]) -> Json:
    action: Json = {
        "id": r["id"],
        "extension": [_status_ext(r["status"])],
        "title": r.get("title") or r["id"],
        "description": r["text"],
        "documentation": [
            {"type": "citation", "label": r.get("guideline") or "source", "citation": r["source"]}
        ],
    }
    if r.get("grade"):
        action["prefix"] = r["grade"]
    return action


def _trial(t: Mapping[str, Any]) -> Json:
    action: Json = {
        "id": t["id"],
        "extension": [_status_ext(t["status"]), {"url": C.FACT_EXT + "verdict", "valueCode": t["verdict"]}],
        "title": t.get("title") or t["id"],
        "description": f"Trial {t['id']}: {t['verdict'].replace('_', ' ')}",
        "documentation": [{"type": "citation", "label": "source", "citation": t["source"]}],
    }
    if str(t["id"]).startswith("NCT"):
        action["documentation"].append(
            {
                "type": "documentation",
                "label": "registry record",
                "url": f"https://clinicaltrials.gov/study/{t['id']}",
            }
        )
    return action


def assessment_to_fhir(assessment: Mapping[str, Any]) -> Json:
    """The FHIR R4 collection Bundle (GuidanceResponse + RequestGroup) of one assessment contract."""
    subject = {"identifier": {"system": C.CASE_ID_SYSTEM, "value": assessment["case_id"]}}
    module = KNOWLEDGE_URI + _uri_part(assessment["knowledge_version"])
    missing = missing_facts(assessment)
    group: Json = {
        "resourceType": "RequestGroup",
        "id": "proposals",
        "instantiatesUri": [module],
        "status": "draft",
        "intent": "proposal",
        "subject": subject,
        "authoredOn": assessment["assessment_date"],
        "action": [
            {
                "id": "recommendations",
                "title": "Guideline recommendations",
                "action": [_recommendation(r) for r in assessment["recommendations"]],
            },
            {"id": "trials", "title": "Trial options", "action": [_trial(t) for t in assessment["trials"]]},
        ],
    }
    if not group["action"][0]["action"]:
        group["action"][0]["description"] = "no recommendation in the knowledge base"
        del group["action"][0]["action"]
    if not group["action"][1]["action"]:
        group["action"][1]["description"] = "no trial in the knowledge base"
        del group["action"][1]["action"]
    state = assessment["disease_state"]
    guidance: Json = {
        "resourceType": "GuidanceResponse",
        "id": "assessment",
        "extension": [{"url": C.FACT_EXT + "engine-version", "valueString": assessment["engine_version"]}],
        "identifier": [{"system": CASE_HASH_SYSTEM, "value": assessment["case_hash"]}],
        "moduleUri": module,
        "status": "data-required" if missing else "success",
        "subject": subject,
        "occurrenceDateTime": assessment["assessment_date"],
        "result": {"reference": "RequestGroup/proposals"},
        "note": [
            {
                "text": "Disease state: "
                + ", ".join(
                    f"{k} {state[k]}" for k in ("estro_eortc", "tnm9_m", "stage") if state.get(k) is not None
                )
            }
        ],
    }
    if missing:
        guidance["dataRequirement"] = [
            {
                "type": "Observation",
                "codeFilter": [{"path": "code", "code": [{"system": MISSING_SYSTEM, "code": m}]}],
            }
            for m in missing
        ]
    return {
        "resourceType": "Bundle",
        "id": "assessment-bundle",
        "type": "collection",
        "timestamp": f"{assessment['assessment_date']}T00:00:00Z",
        "entry": [
            {"fullUrl": "urn:oligoboard:GuidanceResponse/assessment", "resource": guidance},
            {"fullUrl": "urn:oligoboard:RequestGroup/proposals", "resource": group},
        ],
    }


def summary_of_export(bundle: Mapping[str, Any]) -> Json:
    """Read an exported Bundle back (after parsing it with the R4B models): what `summary_of_assessment` says."""
    resources = {e["resource"]["resourceType"]: e["resource"] for e in bundle["entry"]}
    guidance, group = resources["GuidanceResponse"], resources["RequestGroup"]

    def ext(action: Mapping[str, Any], name: str) -> str:
        return str(next(e["valueCode"] for e in action["extension"] if e["url"] == C.FACT_EXT + name))

    sections = {a["id"]: a.get("action", []) for a in group["action"]}
    return {
        "knowledge_version": guidance["moduleUri"].removeprefix(KNOWLEDGE_URI).replace("%20", " "),
        "recommendations": [
            [a["id"], ext(a, "status"), a.get("prefix")] for a in sections["recommendations"]
        ],
        "trials": [[a["id"], ext(a, "status"), ext(a, "verdict")] for a in sections["trials"]],
        "missing": [
            f["code"][0]["code"] for d in guidance.get("dataRequirement", []) for f in d.get("codeFilter", [])
        ],
    }
