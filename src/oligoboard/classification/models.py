"""Typed models of the `disease_state` section (issue 10: domain packages return typed sections).

`TypedDict`s, not classes with behaviour: the section stays the plain JSON of the contract (`assess --json`
is unchanged), while mypy checks every key the builder writes and `report/` reads. They come from
`typing_extensions` because pydantic validates them at runtime in the contract test (Python 3.11).
"""

from __future__ import annotations

from typing_extensions import TypedDict


class DecisionExplain(TypedDict):
    """Why one decided value holds: the rule and source that decided it, its verification, missing facts."""

    decided_by: str
    source: str
    verified: bool
    verified_because: list[str]
    missing: list[str]


class OmdPart(TypedDict):
    """One part of the ESTRO-ASTRO OMD definition: its value for the case and the rule behind it."""

    value: bool | None
    rule: str
    source: str
    verified: bool


class OmdExplain(TypedDict):
    """The OMD definition as a whole: its parts and whether every rule it uses is verified."""

    definition: str
    source: str
    verified: bool
    verified_because: list[str]
    parts: dict[str, OmdPart]
    missing: list[str]


class DiseaseStateExplain(TypedDict):
    """The explanation per decided value (`disease_state.explain`)."""

    estro_eortc: DecisionExplain
    tnm9_m: DecisionExplain
    stage: DecisionExplain
    prognostic_group: DecisionExplain
    omd: OmdExplain


class DiseaseCounts(TypedDict):
    """The metastasis counts the states rest on (None when the case does not say)."""

    n_metastases: int | None
    n_intracranial: int | None
    n_extracranial: int | None
    n_organs: int | None
    n_extrathoracic_organs: int | None


class DiseaseState(TypedDict):
    """The `disease_state` section: decided values, missing facts, counts and the explanation per value."""

    estro_eortc: str | None
    oligometastatic: bool | None
    omd: bool | None
    tnm9_m: str | None
    stage: str | None
    prognostic_group: str | None
    verified: bool
    verified_because: list[str]
    missing: list[str]
    counts: DiseaseCounts
    months_primary_to_metastatic: float | None
    explain: DiseaseStateExplain
    conventions: list[str]
