"""Typed specs of the radiotherapy knowledge files (`knowledge/radiotherapy/*.yaml`, `protocols/*.yaml`).

The same strictness as the rest of the knowledge: read by the one strict reader, every rule validated with
`extra="forbid"` (a misspelt key is a load error naming file, line and rule), every rule with a non-blank
`source` and a boolean `verified`. Numbers keep the type they were written with (`75` stays `75`, so
"BED10 > 75 Gy" prints as before).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from oligoboard.knowledge._factories import empty_list

Number = int | float
Operator = Literal["<", "<=", ">", ">=", "band"]


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class RtRule(_Spec):
    """What every radiotherapy rule carries: an id, its citation and whether the citation was checked."""

    id: str = Field(min_length=1)
    source: str
    verified: bool
    note: str | None = None

    @field_validator("source")
    @classmethod
    def _source_not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value


class FractionRange(_Spec):
    """Fraction numbers a general limit is tabulated for (inclusive); `max` None means no upper end."""

    min: int = Field(ge=1)
    max: int | None = Field(default=None, ge=1)

    def contains(self, fractions: int) -> bool:
        return fractions >= self.min and (self.max is None or fractions <= self.max)


class AppliesTo(_Spec):
    """Which courses a rule applies to; a filter left out does not restrict (general limits select by
    fraction number, not by technique, so they omit `techniques`)."""

    techniques: list[str] | None = Field(default=None, min_length=1)
    targets: list[str] | None = Field(default=None, min_length=1)
    fractions: FractionRange | None = None


class StatedFor(_Spec):
    """The fractionation a limit is stated for, as the course's dose per fraction (Gy, inclusive range).

    A course outside the range is compared in EQD2 with the organ's α/β (the limit read as a dose in 2 Gy
    fractions), and the check says so (docs/radiotherapy.md, "Which comparison")."""

    min_dose_per_fraction_gy: Number = Field(gt=0)
    max_dose_per_fraction_gy: Number = Field(gt=0)
    text: str = Field(min_length=1)


class AlphaBetaRule(RtRule):
    alpha_beta_gy: Number = Field(gt=0)
    tissues: list[str] = Field(default_factory=empty_list)


class RegimenRule(RtRule):
    """A course-level rule: `bed`/`eqd2` against a limit, or a total-dose and fraction range."""

    title: str
    metric: Literal["bed", "eqd2", "regimen_range"]
    applies_to: AppliesTo
    #: The trial protocol the rule belongs to (checked only on courses naming it); None = general.
    protocol: str | None = None
    #: `limit` gives pass/fail; `statement` a guideline's reading (DLCG: ablative / not ablative).
    role: Literal["limit", "statement"] = "limit"
    alpha_beta_gy: Number | None = Field(default=None, gt=0)
    operator: Operator | None = None
    limit_gy: Number | None = None
    min_total_gy: Number | None = None
    max_total_gy: Number | None = None
    min_fractions: int | None = None
    max_fractions: int | None = None
    typical: list[str] = Field(default_factory=empty_list)

    @model_validator(mode="after")
    def _complete(self) -> RegimenRule:
        needed: tuple[str, ...]
        if self.metric == "regimen_range":
            needed = ("min_total_gy", "max_total_gy", "min_fractions", "max_fractions")
        else:
            needed = ("alpha_beta_gy", "operator", "limit_gy")
        missing = [name for name in needed if getattr(self, name) is None]
        if missing:
            raise ValueError(f"rule {self.id}: metric {self.metric} needs {', '.join(missing)}")
        return self


class OarLimitRule(RtRule):
    """An organ dose rule on a course's recorded OAR dose (`field`): a limit, or a prescription target.

    A limit is stated either per fraction number (`limits_by_fractions_gy`, SBRT tables) or for one
    fractionation (`limit_gy` with `stated_for`); `role: target` (a `band`) is a dose to aim at (MAASTRO's
    MLD 20 ± 1 Gy for the primary), reported on / off target, never as an organ limit."""

    field: str
    organ: str
    operator: Operator
    limit_gy: Number | None = None
    tolerance_gy: Number | None = None
    limits_by_fractions_gy: dict[int, Number] | None = None
    applies_to: AppliesTo
    protocol: str | None = None
    role: Literal["limit", "target"] = "limit"
    stated_for: StatedFor | None = None

    @model_validator(mode="after")
    def _has_limit(self) -> OarLimitRule:
        if self.limit_gy is None and self.limits_by_fractions_gy is None:
            raise ValueError(f"rule {self.id}: needs limit_gy or limits_by_fractions_gy")
        if (self.operator == "band") != (self.tolerance_gy is not None):
            raise ValueError(f"rule {self.id}: operator band needs tolerance_gy, and only band has one")
        if (self.role == "target") != (self.operator == "band"):
            raise ValueError(f"rule {self.id}: a prescription target is a band, and a band is a target")
        return self


class ReirradiationRule(RtRule):
    field: str
    organ: str
    operator: Operator
    limit_gy: Number


class StructureAliasRule(RtRule):
    aliases: list[str] = Field(default_factory=empty_list)
    #: The tissue of `alpha_beta.yaml` whose α/β converts this structure's doses to EQD2 (plan check of a
    #: plan in another fractionation); None when the knowledge holds no α/β for it.
    tissue: str | None = None


class ProtocolRule(RtRule):
    structures: list[str] = Field(min_length=1)
    constraint: str = Field(min_length=1)
    tolerance: str | None = None


RULE_MODELS: dict[str, type[RtRule]] = {
    "alpha_beta": AlphaBetaRule,
    "regimens": RegimenRule,
    "oar_limits": OarLimitRule,
    "reirradiation": ReirradiationRule,
    "tg263_aliases": StructureAliasRule,
    "protocol": ProtocolRule,
}


class RtFileSpec(_Spec):
    """One radiotherapy knowledge file: its kind (which rule model applies), version and rules."""

    kind: str
    version: str | int
    id: str | None = None
    title: str | None = None
    #: Protocols: the fractionation their constraints are stated for (`plan check` says when a plan differs).
    stated_for: StatedFor | None = None
    rules: list[dict[str, object]] = Field(min_length=1)

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, value: str) -> str:
        if value not in RULE_MODELS:
            raise ValueError(f"unknown kind (expected one of {', '.join(RULE_MODELS)})")
        return value
