"""The shape of a knowledge file (docs/knowledge-format.md), as strict pydantic models.

A knowledge file that does not fit is refused at load: a rule with no `source` must never reach a patient.
"""

from __future__ import annotations

from contextlib import suppress
from typing import Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from oligoboard.knowledge._factories import empty_list
from oligoboard.knowledge.info import (
    CRITERION_KEYS,
    FILE_KEYS,
    RULE_SET_KEYS,
    Conflict,
    CriterionInfo,
    FileInfo,
    RuleSetInfo,
    TrialInfo,
)

Source = str


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


def _non_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank")
    return value


class DefinitionSpec(_Spec):
    """A named expression; later expressions may use its name (it is expanded as a macro)."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    expr: str
    description: str = ""
    source: Source
    verified: bool = True
    note: str | None = None

    _source_not_blank = field_validator("source")(_non_blank)


class DecisionRuleSpec(_Spec):
    when: str
    then: str | None
    source: Source
    note: str | None = None
    verified: bool = True

    _source_not_blank = field_validator("source")(_non_blank)


class DecisionListSpec(_Spec):
    """Ordered first-match rules with the NULL short-circuit: an unknown `when` makes the result unknown."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    description: str = ""
    source: Source
    verified: bool = True
    rules: list[DecisionRuleSpec] = Field(min_length=1)
    otherwise: str | None = None
    note: str | None = None

    _source_not_blank = field_validator("source")(_non_blank)


class CriterionSpec(_Spec):
    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
    kind: Literal["inclusion", "exclusion"]
    text: str
    sql: str | None = None
    attested: bool = False
    source: Source
    recoverable: bool | None = None
    verified: bool = True
    counts: str | None = None
    note: str | None = None
    info: CriterionInfo = Field(default_factory=CriterionInfo)
    conflict: Conflict | None = None

    _source_not_blank = field_validator("source")(_non_blank)

    @model_validator(mode="after")
    def _conflict_readings_are_conditions(self) -> CriterionSpec:
        """Each reading of a criterion's conflict is a condition; the applied one is the criterion's `sql`.

        So the verdict the report shows and the verdict "under the applied reading" cannot drift apart.
        """
        if self.conflict is None:
            return self
        if self.sql is None:
            raise ValueError("conflict: an attested criterion has no readings to evaluate")
        for reading in self.conflict.readings:
            if reading.sql is None or reading.operator is not None:
                raise ValueError(f"conflict reading {reading.id!r}: a criterion reading needs `sql` only")
        if _squash(self.conflict.applied_reading.sql or "") != _squash(self.sql):
            raise ValueError(
                f"conflict: the applied reading {self.conflict.applied!r} must have the criterion's sql"
            )
        return self


def _squash(sql: str) -> str:
    return " ".join(sql.split())


def _foreign_keys(keys: set[str], allowed: frozenset[str]) -> list[str]:
    return sorted(keys - allowed)


class RuleSetSpec(_Spec):
    """A trial's eligibility criteria or a recommendation's conditions."""

    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
    kind: Literal["trial", "recommendation"]
    title: str = ""
    source: Source
    grade: str | None = None
    verified: bool = True
    info: RuleSetInfo = Field(default_factory=RuleSetInfo)
    criteria: list[CriterionSpec] = Field(min_length=1)

    _source_not_blank = field_validator("source")(_non_blank)

    @model_validator(mode="after")
    def _keys_of_kind(self) -> RuleSetSpec:
        """Each kind sets only its own info keys: a trial `number` on a recommendation is a typo."""
        foreign = _foreign_keys(self.info.keys_set(), RULE_SET_KEYS[self.kind])
        if foreign:
            raise ValueError(f"info key(s) {', '.join(foreign)} not allowed in a {self.kind} rule set")
        for crit in self.criteria:
            foreign = _foreign_keys(crit.info.keys_set(), CRITERION_KEYS[self.kind])
            if foreign:
                raise ValueError(
                    f"criterion {crit.id}: info key(s) {', '.join(foreign)} not allowed in a {self.kind} rule set"
                )
        return self


class KnowledgeFileSpec(_Spec):
    id: str
    title: str = ""
    source: Source
    verified: bool = True
    version: str | None = None
    date: str | None = None
    info: FileInfo = Field(default_factory=FileInfo)
    definitions: list[DefinitionSpec] = Field(default_factory=empty_list)
    decision_lists: list[DecisionListSpec] = Field(default_factory=empty_list)
    rule_sets: list[RuleSetSpec] = Field(default_factory=empty_list)

    #: A trials file's `info` validated as `TrialInfo` when the file loads; None for other folders and
    #: when it does not validate (`trials.metadata.trial_card` then validates it itself and names every
    #: problem). Why here: the compiled-knowledge cache pickles the spec with it, so a warm `assess` builds
    #: no validator or serializer for `FileInfo` and `TrialInfo` (≈ 3 ms, docs/architecture.md "Start-up").
    _trial_info: TrialInfo | None = PrivateAttr(default=None)

    _source_not_blank = field_validator("source")(_non_blank)

    @property
    def trial_info(self) -> TrialInfo | None:
        return self._trial_info

    @model_validator(mode="after")
    def _keys_of_folder(self, validation: ValidationInfo) -> KnowledgeFileSpec:
        """With the folder in the validation context, the file sets only that folder's info keys."""
        folder = (validation.context or {}).get("folder")
        if folder in FILE_KEYS:
            foreign = _foreign_keys(self.info.keys_set(), FILE_KEYS[folder])
            if foreign:
                raise ValueError(f"info key(s) {', '.join(foreign)} not allowed in a {folder} file")
        if folder == "trials":  # a refusal is reported, with every problem, where the trial is shown
            with suppress(ValidationError):
                self._trial_info = TrialInfo.model_validate(self.info.model_dump(exclude_unset=True))
        return self


class ManifestSpec(_Spec):
    version: str = Field(pattern=r"^\d+\.\d+\.\d+$")
    classification: list[str] = Field(min_length=1)
    description: str = ""
    source: str = ""
