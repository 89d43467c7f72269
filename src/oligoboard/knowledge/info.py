"""Typed `info:` metadata of every knowledge kind (docs/knowledge-format.md, "info keys").

`info` was a free mapping read with `.get()` defaults, so a misspelt key loaded cleanly and showed a blank.
Each level now has one strict model (unknown key or wrong type = load error naming file, line, rule and
key), and each kind may set only its own keys: `FILE_KEYS` per folder, `RULE_SET_KEYS` and
`CRITERION_KEYS` per rule-set kind. The models are flat (every key of the level, each optional with the
default its consumers used) so consumers read `info.number`, not `info.get("number", 0)`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from oligoboard.knowledge._factories import empty_dict, empty_list


class _Info(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    def keys_set(self) -> set[str]:
        return set(self.model_fields_set)

    @model_validator(mode="after")
    def _corrected_has_printed(self) -> _Info:
        """A corrected Danish reading (`<key>_corrected`) is a reading *of* a printed text: both or neither.

        The seed 002 is OCR text (å, ø, æ lost); `<key>` keeps it as printed for citations and
        `<key>_corrected` is what the clinical views show (issue 12).
        """
        for key in self.model_fields_set:
            if key.endswith("_corrected") and getattr(self, key) is not None:
                printed = key.removesuffix("_corrected")
                if getattr(self, printed, None) is None:
                    raise ValueError(f"{key} is set but {printed} (the text as printed) is not")
        return self


EstroEortcState = Literal[
    "synchronous_oligometastatic",
    "metachronous_oligorecurrence",
    "metachronous_oligoprogression",
    "repeat_oligorecurrence",
    "repeat_oligoprogression",
    "repeat_oligopersistence",
    "induced_oligorecurrence",
    "induced_oligoprogression",
    "induced_oligopersistence",
]


# ------------------------------------------------------------------------------------ source conflicts


class ConflictReading(_Info):
    """One source's reading of a rule: where it is written, the phrase as printed, and the rule it gives.

    Criteria carry `sql` (the criterion's condition under this reading, evaluated by the engine for every
    case); a threshold rule outside the engine (the ablative BED) carries `operator` instead.
    """

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    source: str = Field(min_length=1)
    phrase: str = Field(min_length=1)
    sql: str | None = None
    operator: Literal[">", ">=", "<", "<="] | None = None

    @field_validator("source", "phrase")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value


class Conflict(_Info):
    """Sources that disagree about one rule, as data: every reading, the one applied and why.

    The verdict under each reading is computed per case (criteria: by the engine, in the same statement), so
    a report can say "eligible under the registry, ineligible under the publication" instead of hiding the
    choice in a comment.
    """

    readings: list[ConflictReading] = Field(min_length=2)
    applied: str
    why: str = Field(min_length=1)

    @field_validator("readings")
    @classmethod
    def _unique_ids(cls, value: list[ConflictReading]) -> list[ConflictReading]:
        ids = [r.id for r in value]
        if len(set(ids)) != len(ids):
            raise ValueError("two readings have the same id")
        return value

    @model_validator(mode="after")
    def _applied_is_a_reading(self) -> Conflict:
        if self.applied not in {r.id for r in self.readings}:
            raise ValueError(f"applied {self.applied!r} is not the id of a reading")
        if not self.why.strip():
            raise ValueError("why must not be blank")
        return self

    def reading(self, reading_id: str) -> ConflictReading:
        return next(r for r in self.readings if r.id == reading_id)

    @property
    def applied_reading(self) -> ConflictReading:
        return self.reading(self.applied)


# ----------------------------------------------------------------------------------- trial file info


class Arm(_Info):
    name: str = Field(min_length=1)
    description: str = Field(min_length=1)
    rt: str | None = None


class Endpoints(_Info):
    primary: list[str] = Field(min_length=1)
    secondary: list[str] = Field(default_factory=empty_list)


class Accrual(_Info):
    target: int | None = None
    actual: int | None = None
    note: str | None = None

    def label(self) -> str:
        if self.actual is not None:
            return f"{self.actual} enrolled"
        if self.target is not None:
            return f"{self.target} planned"
        return "n/a"


class TrialInfo(_Info):
    """A trial file's `info:` as `trials list/show/compare` need it: every display field required."""

    acronym: str | None = None
    sponsor: str = Field(min_length=1)
    phase: str = Field(min_length=1)
    design: str = Field(min_length=1)
    randomisation: str = Field(min_length=1)
    accrual: Accrual
    status: str = Field(min_length=1)
    recruiting: bool
    setting: list[EstroEortcState] = Field(min_length=1)
    countries: list[str] = Field(default_factory=empty_list)
    arms: list[Arm] = Field(min_length=1)
    endpoints: Endpoints
    result: str | None = None
    result_note: str | None = None
    counting: str = Field(min_length=1)
    conflicts: list[str] = Field(default_factory=empty_list)
    notes: list[str] = Field(default_factory=empty_list)

    @field_validator("setting")
    @classmethod
    def _unique_states(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("setting lists a state twice")
        return value


# ------------------------------------------------------------------------------ guideline file info


class GuidanceItem(_Info):
    """Unverified guidance text of a guideline (not an encoded rule)."""

    id: str
    text: str
    source: str
    verified: bool = False
    topic: str = "other"
    strength: str | None = None
    quality: str | None = None


class AblativeInfo(_Info):
    """The wording of an ablative-dose definition; the threshold itself is the radiotherapy rule named by
    `regimen_rule` (knowledge/radiotherapy/regimens.yaml), so BED10 > 75 Gy lives in one place."""

    regimen_rule: str
    text_da: str
    text_da_corrected: str | None = None
    text_en: str
    alpha_beta_note: str = ""
    local_control_target: str = ""
    local_control_min_percent: float
    local_control_years: float
    boundary_example: str = ""
    source: str
    conflict: Conflict | None = None

    @model_validator(mode="after")
    def _conflict_readings_are_operators(self) -> AblativeInfo:
        """A conflict about the ablative threshold is about its comparison: each reading names an operator."""
        for reading in self.conflict.readings if self.conflict else []:
            if reading.operator is None or reading.sql is not None:
                raise ValueError(
                    f"conflict reading {reading.id!r}: an ablative reading needs `operator` only"
                )
        return self


class PrognosticGroup(_Info):
    definition: str
    five_year_os_percent: float


class FileInfo(_Info):
    """`info:` of a knowledge file; `FILE_KEYS` says which keys each folder may set."""

    # classification
    choices: list[str] = Field(default_factory=empty_list)
    counting_choices: list[str] = Field(default_factory=empty_list)
    groups: dict[Literal["low", "intermediate", "high"], PrognosticGroup] = Field(default_factory=empty_dict)
    caveats: list[str] = Field(default_factory=empty_list)
    organ_system_choice: str | None = None
    not_m1: str | None = None
    # guidelines
    guideline: str | None = None
    language: str | None = None
    grading: str | None = None
    seed: str | None = None
    differences_from_dlcg: list[str] = Field(default_factory=empty_list)
    guidance: list[GuidanceItem] = Field(default_factory=empty_list)
    state_reasons: dict[str, str] = Field(default_factory=empty_dict)
    ablative: AblativeInfo | None = None
    quote_da: str | None = None
    quote_da_corrected: str | None = None
    quote_en: str | None = None
    quote_source: str | None = None
    # trials (TrialInfo requires the display fields; here they are typed and optional)
    acronym: str | None = None
    sponsor: str | None = None
    phase: str | None = None
    design: str | None = None
    randomisation: str | None = None
    accrual: Accrual | None = None
    status: str | None = None
    recruiting: bool | None = None
    setting: list[EstroEortcState] = Field(default_factory=empty_list)
    countries: list[str] = Field(default_factory=empty_list)
    arms: list[Arm] = Field(default_factory=empty_list)
    endpoints: Endpoints | None = None
    result: str | None = None
    result_note: str | None = None
    counting: str | None = None
    conflicts: list[str] = Field(default_factory=empty_list)
    notes: list[str] = Field(default_factory=empty_list)


class GradePart(_Info):
    part: str
    grade: str


class RuleSetInfo(_Info):
    """`info:` of a rule set (recommendations; trial rule sets carry none)."""

    guideline: str | None = None
    number: int = 0
    topic: str = "other"
    scenario: str | None = None
    strength: str | None = None
    quality: str | None = None
    text_en: str | None = None
    text_da: str | None = None
    text_da_corrected: str | None = None
    sbrt: bool = False
    grades: list[GradePart] = Field(default_factory=empty_list)
    ablative_dose: AblativeInfo | None = None
    alternative_to: list[str] = Field(default_factory=empty_list)
    applies_later_if: str = ""
    applies_later_if_da: str | None = None
    applies_later_if_da_corrected: str | None = None
    months_note: str | None = None
    workup: bool = False
    advisory_window_days: int | None = None
    advisory_window_source: str = ""
    advisory_window_verified: bool = False


class CriterionInfo(_Info):
    """`info:` of a criterion; `CRITERION_KEYS` says which keys each rule-set kind may set."""

    # trials
    number: str | None = None
    # recommendations
    quote_da: str | None = None
    quote_da_corrected: str | None = None
    quote_en: str | None = None
    state_output: str | None = None
    unsettled: str | None = None
    timing: bool = False
    item: str | None = None
    collect: str | None = None
    age_feature: str | None = None


_CLASSIFICATION = {"choices", "counting_choices", "groups", "caveats", "organ_system_choice", "not_m1"}
_GUIDELINE = {
    "guideline", "language", "grading", "seed", "differences_from_dlcg", "guidance", "state_reasons",
    "ablative", "quote_da", "quote_da_corrected", "quote_en", "quote_source",
}  # fmt: skip
#: Which `info` keys a file in each knowledge folder may set.
FILE_KEYS: dict[str, frozenset[str]] = {
    "classification": frozenset(_CLASSIFICATION),
    "guidelines": frozenset(_GUIDELINE),
    "trials": frozenset(TrialInfo.model_fields),
}
#: Which `info` keys a rule set of each kind may set.
RULE_SET_KEYS: dict[str, frozenset[str]] = {
    "trial": frozenset(),
    "recommendation": frozenset(RuleSetInfo.model_fields),
}
#: Which `info` keys a criterion of each rule-set kind may set.
CRITERION_KEYS: dict[str, frozenset[str]] = {
    "trial": frozenset({"number"}),
    "recommendation": frozenset(CriterionInfo.model_fields) - {"number"},
}
