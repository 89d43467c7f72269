"""The disease-state section of an assessment: ESTRO/EORTC state, ESTRO-ASTRO OMD, TNM9 M, stage, prognosis.

The engine decides every value (decision lists and definitions of `knowledge/classification/`); this module
arranges them with the facts still missing and, per value, the rule and source that decided it.
"""

from __future__ import annotations

from typing import Any

from oligoboard.engine.knowledge_base import KnowledgeBase
from oligoboard.engine.results import CaseResult, Verifier

DISEASE_STATE_DECISIONS = ("estro_eortc", "tnm9_m", "stage", "prognostic_group")
NOT_OMD = "not_oligometastatic"  # decided "no state" inside the engine; null in the JSON contract
OMD_PARTS = ("omd_lesion_limit", "omd_all_sites_treatable", "omd_no_diffuse_disease")


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def disease_state(result: CaseResult, kb: KnowledgeBase) -> dict[str, Any]:
    """The `disease_state` section: decided values, missing facts, counts and the explanation per value."""
    missing: list[str] = list(result.definition_missing.get("omd", ()))
    out: dict[str, Any] = {}
    explain: dict[str, Any] = {}
    verifier = Verifier(result, kb)
    for name in DISEASE_STATE_DECISIONS:
        decision = result.decisions[name]
        out[name] = decision.value
        missing.extend(decision.missing)
        explain[name] = {
            "decided_by": decision.decided_by,
            "source": decision.source,
            **verifier.decision(name).as_dict(),
            "missing": list(decision.missing),
        }
    definitions = {d.spec.id: d for d in kb.definitions}
    omd_def = definitions["omd"]
    omd_verification = verifier.uses(frozenset({"omd"}))
    explain["omd"] = {
        "definition": omd_def.spec.description,
        "source": omd_def.spec.source,
        "verified": not omd_verification,
        "verified_because": list(omd_verification),
        "parts": {
            part: {
                "value": result.definitions.get(part),
                "rule": definitions[part].spec.expr,
                "source": definitions[part].spec.source,
                "verified": definitions[part].spec.verified,
            }
            for part in OMD_PARTS
        },
        "missing": list(result.definition_missing.get("omd", ())),
    }
    return {
        "estro_eortc": None if out["estro_eortc"] == NOT_OMD else out["estro_eortc"],
        "oligometastatic": result.definitions.get("omd"),
        "omd": result.definitions.get("omd"),
        "tnm9_m": out["tnm9_m"],
        "stage": out["stage"],
        "prognostic_group": out["prognostic_group"],
        # the state recommendations and trials rest on (ESTRO/EORTC): is every rule that decided it verified?
        "verified": explain["estro_eortc"]["verified"],
        "verified_because": explain["estro_eortc"]["verified_because"],
        "missing": _unique(missing),
        "counts": {
            key: result.features.get(key)
            for key in (
                "n_metastases",
                "n_intracranial",
                "n_extracranial",
                "n_organs",
                "n_extrathoracic_organs",
            )
        },
        "months_primary_to_metastatic": _round(result.features.get("months_primary_to_metastatic")),
        "explain": explain,
        "conventions": [
            *kb.files["omd-estro-astro-2020"].info.counting_choices,
            *kb.files["estro-eortc-2020"].info.choices,
        ],
    }


def _round(value: Any) -> Any:
    return round(float(value), 2) if isinstance(value, int | float) else value
