"""Per-trial randomisation and follow-up settings, read from typed YAML in knowledge/trial_operations/.

Every value carries its `source:` (and `verified: false` where the protocol does not give it and the trial
office chose it), and unknown keys fail the load, like the rest of the knowledge (docs/knowledge-format.md).
A stratification factor is either read from the eligibility snapshot's facts (`fact:`, banded into levels
by inclusive `min`/`max`) or entered at randomisation (`entered: true`, e.g. the centre).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from oligoboard.errors import InputError, Problem
from oligoboard.knowledge.files import KNOWLEDGE_DIR

OPERATIONS_DIR = KNOWLEDGE_DIR / "trial_operations"
T = TypeVar("T")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Sourced(_Strict, Generic[T]):
    """One configured value with where it comes from; `verified: false` = a setting, not a protocol fact."""

    value: T
    source: str = Field(min_length=1)
    verified: bool = True


class Arm(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")
    label: str


class Level(_Strict):
    id: str = Field(min_length=1, max_length=40)
    min: float | None = None
    max: float | None = None


class Factor(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")
    label: str
    fact: str | None = None
    entered: bool = False
    weight: Sourced[float]
    levels: tuple[Level, ...] = Field(min_length=2)
    source: str = Field(min_length=1)
    verified: bool = True

    @model_validator(mode="after")
    def _one_origin(self) -> Factor:
        if (self.fact is None) == (not self.entered):
            raise ValueError("a factor has exactly one of `fact:` or `entered: true`")
        if self.fact is not None and any(lv.min is None or lv.max is None for lv in self.levels):
            raise ValueError("levels of a fact-based factor need min and max")
        return self

    def level_of(self, value: object) -> str | None:
        """The level a fact value falls in (None: outside every band, or not a number)."""
        if self.entered:
            return str(value) if any(lv.id == value for lv in self.levels) else None
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None
        for level in self.levels:
            assert level.min is not None and level.max is not None
            if level.min <= value <= level.max:
                return level.id
        return None


class Minimisation(_Strict):
    probability: Sourced[float]
    imbalance: Sourced[Literal["range", "variance"]]


class Blocks(_Strict):
    sizes: Sourced[tuple[int, ...]]


class FollowUpSettings(_Strict):
    interval_months: Sourced[int]
    horizon_months: Sourced[int]
    window_days: Sourced[int]


class TrialOperations(_Strict):
    trial: str
    source: str = Field(min_length=1)
    arms: Sourced[tuple[Arm, ...]]
    ratio: Sourced[tuple[int, ...]]
    target_accrual: Sourced[int]
    method: Sourced[Literal["blocks", "minimisation"]]
    blocks: Blocks | None = None
    minimisation: Minimisation | None = None
    factors: tuple[Factor, ...]
    followup: FollowUpSettings

    @model_validator(mode="after")
    def _consistent(self) -> TrialOperations:
        if len(self.arms.value) < 2 or len(self.ratio.value) != len(self.arms.value):
            raise ValueError("ratio needs one positive entry per arm (at least two arms)")
        if any(r < 1 for r in self.ratio.value):
            raise ValueError("ratio entries must be ≥ 1")
        if self.method.value == "blocks":
            if self.blocks is None:
                raise ValueError("method blocks needs a `blocks:` section")
            unit = sum(self.ratio.value)
            if not self.blocks.sizes.value or any(s < unit or s % unit for s in self.blocks.sizes.value):
                raise ValueError(f"block sizes are total lengths, each a multiple of sum(ratio) = {unit}")
        if self.method.value == "minimisation":
            if self.minimisation is None:
                raise ValueError("method minimisation needs a `minimisation:` section")
            if not 0.5 <= self.minimisation.probability.value <= 1:
                raise ValueError("minimisation probability must be in [0.5, 1]")
        if len({f.id for f in self.factors}) != len(self.factors):
            raise ValueError("factor ids must be unique")
        return self

    @property
    def arm_ids(self) -> tuple[str, ...]:
        return tuple(a.id for a in self.arms.value)

    def factor(self, factor_id: str) -> Factor | None:
        return next((f for f in self.factors if f.id == factor_id), None)


def load_operations(path: Path) -> TrialOperations:
    """Parse one file; every problem names the file and the key path (no values are echoed)."""
    import yaml

    try:
        data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
        return TrialOperations.model_validate(data)
    except yaml.YAMLError as exc:
        raise InputError(f"{path.name}: not YAML", [Problem("<document>", type(exc).__name__)]) from None
    except ValidationError as exc:
        problems = [
            Problem(".".join(str(p) for p in e["loc"]) or "<document>", str(e["msg"])) for e in exc.errors()
        ]
        raise InputError(f"{path.name}: invalid trial-operations file", problems) from None


@cache
def configured_trials(root: Path = OPERATIONS_DIR) -> dict[str, TrialOperations]:
    """Every trial with an operations file, by trial id (the file name must be the trial id)."""
    found: dict[str, TrialOperations] = {}
    for path in sorted(root.glob("*.yaml")):
        config = load_operations(path)
        if config.trial != path.stem:
            raise InputError(
                f"{path.name}: trial id differs from the file name", [Problem("trial", "mismatch")]
            )
        found[config.trial] = config
    return found


def operations_for(trial_id: str) -> TrialOperations:
    """The trial's settings, or an InputError naming the unknown trial (a URL or CLI argument)."""
    config = configured_trials().get(trial_id)
    if config is None:
        raise InputError("unknown trial", [Problem("trial_id", "no operations file for this trial")])
    return config
