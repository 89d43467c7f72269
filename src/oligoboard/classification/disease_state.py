"""The disease-state section of an assessment: ESTRO/EORTC state, ESTRO-ASTRO OMD, TNM9 M, stage, prognosis.

The engine decides every value (decision lists and definitions of `knowledge/classification/`); this module
arranges them with the facts still missing and, per value, the rule and source that decided it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from oligoboard.engine.knowledge_base import KnowledgeBase
from oligoboard.engine.results import CaseResult, Verifier

if TYPE_CHECKING:  # contract TypedDicts: for mypy only, not built at run time (≈ 3 ms of `assess`)
    from oligoboard.classification.models import (
        DecisionExplain,
        DiseaseState,
        DiseaseStateExplain,
        OmdExplain,
    )

DISEASE_STATE_DECISIONS = ("estro_eortc", "tnm9_m", "stage", "prognostic_group")
NOT_OMD = "not_oligometastatic"  # decided "no state" inside the engine; null in the JSON contract
OMD_PARTS = ("omd_lesion_limit", "omd_all_sites_treatable", "omd_no_diffuse_disease")


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def disease_state(result: CaseResult, kb: KnowledgeBase) -> DiseaseState:
    """The `disease_state` section: decided values, missing facts, counts and the explanation per value."""
    missing: list[str] = list(result.definition_missing.get("omd", ()))
    out: dict[str, Any] = {}
    decided: dict[str, DecisionExplain] = {}
    verifier = Verifier(result, kb)
    for name in DISEASE_STATE_DECISIONS:
        decision = result.decisions[name]
        out[name] = decision.value
        missing.extend(decision.missing)
        verification = verifier.decision(name)
        decided[name] = {
            "decided_by": decision.decided_by,
            "source": decision.source,
            "verified": verification.verified,
            "verified_because": list(verification.because),
            "missing": list(decision.missing),
        }
    definitions = {d.spec.id: d for d in kb.definitions}
    omd_def = definitions["omd"]
    omd_verification = verifier.uses(frozenset({"omd"}))
    omd: OmdExplain = {
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
    explain: DiseaseStateExplain = {
        "estro_eortc": decided["estro_eortc"],
        "tnm9_m": decided["tnm9_m"],
        "stage": decided["stage"],
        "prognostic_group": decided["prognostic_group"],
        "omd": omd,
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
            "n_metastases": result.features.get("n_metastases"),
            "n_intracranial": result.features.get("n_intracranial"),
            "n_extracranial": result.features.get("n_extracranial"),
            "n_organs": result.features.get("n_organs"),
            "n_extrathoracic_organs": result.features.get("n_extrathoracic_organs"),
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
