"""CTCAE grading: terms and allowed grades per version, the version pinned per trial, worst grade per term.

Terms and grade text live in `knowledge/toxicity/ctcae_v<version>.yaml` (v5.0 for the thoracic and SBRT
terms of `shared/reference/trial-operations.md` §2.3; v4.03 for the two terms NCT01282450 names), each with
its `source:`; `knowledge/toxicity/trials.yaml` pins the version per trial. Grades are never remapped
between versions (§2.5: SOC and definition changes). A grade the table marks "–" is not allowed for the
term (Cough has no grade 4 or 5, Hypoxia no grade 1). The per-patient summary is the worst grade per term
(rawr's `tox_worst`, §2.5). Refusals name the event by position and field, never the value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

from oligoboard.errors import InputError, KnowledgeError, Problem, kind_of
from oligoboard.knowledge.files import KNOWLEDGE_DIR

TOXICITY_DIR = KNOWLEDGE_DIR / "toxicity"
GRADES = (1, 2, 3, 4, 5)


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TermSpec(_Spec):
    """One CTCAE term: MedDRA code, system organ class, the text of each allowed grade, its citation."""

    term: str = Field(min_length=1)
    meddra_code: int = Field(gt=10_000_000, lt=100_000_000)
    soc: str = Field(min_length=1)
    grades: dict[int, str] = Field(min_length=1)
    change_from_v4_03: str | None = None
    source: str = Field(min_length=1)
    verified: bool

    @field_validator("grades")
    @classmethod
    def _grades_1_to_5(cls, value: dict[int, str]) -> dict[int, str]:
        if not set(value) <= set(GRADES):
            raise ValueError("grades are 1 to 5")
        return value

    @property
    def allowed_grades(self) -> tuple[int, ...]:
        return tuple(sorted(self.grades))


class CtcaeVersion(_Spec):
    """One CTCAE version's terms (a subset of the official list: the ones the trials need)."""

    version: str
    title: str
    source: str = Field(min_length=1)
    terms: tuple[TermSpec, ...] = Field(min_length=1)

    def term(self, name: str) -> TermSpec | None:
        """The term by its CTCAE name, case-insensitively (`dyspnea` = `Dyspnea`)."""
        wanted = name.strip().casefold()
        return next((t for t in self.terms if t.term.casefold() == wanted), None)


class TrialPin(_Spec):
    """The CTCAE version a trial's protocol grades with (and the terms it names, if it names some)."""

    trial: str
    ctcae_version: str
    terms: tuple[str, ...] = ()
    source: str = Field(min_length=1)
    verified: bool
    note: str | None = None


class TrialPins(_Spec):
    source: str
    trials: tuple[TrialPin, ...]


@cache
def ctcae(version: str) -> CtcaeVersion:
    """The packaged terms of a CTCAE version ("5.0", "4.03"); an unknown version is an `InputError`."""
    from oligoboard.knowledge.reading import load_spec

    path = TOXICITY_DIR / f"ctcae_v{version}.yaml"
    if version not in available_versions():
        raise InputError(
            "CTCAE version not packaged",
            [Problem("ctcae_version", "not packaged", " or ".join(available_versions()))],
        )
    spec = load_spec(CtcaeVersion, path)
    if spec.version != version:
        raise KnowledgeError(f"{path.name}: says version {spec.version}")
    names = [t.term.casefold() for t in spec.terms]
    if len(names) != len(set(names)):
        raise KnowledgeError(f"{path.name}: a term is listed twice")
    return spec


def available_versions() -> tuple[str, ...]:
    """Versions with a knowledge file, from the file names."""
    return tuple(sorted(p.stem.removeprefix("ctcae_v") for p in TOXICITY_DIR.glob("ctcae_v*.yaml")))


@cache
def _pins(path: Path = TOXICITY_DIR / "trials.yaml") -> dict[str, TrialPin]:
    from oligoboard.knowledge.reading import load_spec

    spec = load_spec(TrialPins, path)
    return {p.trial: p for p in spec.trials}


def trial_pin(trial: str) -> TrialPin:
    """The pinned version of a trial; a trial without one is refused (no version is guessed)."""
    found = _pins().get(trial)
    if found is None:
        raise InputError(
            "no CTCAE version pinned for this trial in knowledge/toxicity/trials.yaml",
            [Problem("trial", "no pinned CTCAE version", "a trial listed in knowledge/toxicity/trials.yaml")],
        )
    return found


@dataclass(frozen=True)
class AdverseEvent:
    """One graded adverse event of one patient (term by its CTCAE name)."""

    patient_id: str
    term: str
    grade: int


@dataclass(frozen=True)
class WorstGrade:
    """A patient's worst grade of one term, with how many events of that term were recorded."""

    patient_id: str
    term: str
    meddra_code: int
    grade: int
    grade_text: str
    events: int

    def as_dict(self) -> dict[str, object]:
        return {
            "patient_id": self.patient_id,
            "term": self.term,
            "meddra_code": self.meddra_code,
            "grade": self.grade,
            "grade_text": self.grade_text,
            "events": self.events,
        }


def check_events(events: Sequence[AdverseEvent], version: str) -> list[TermSpec]:
    """Each event's term in `version`, or one `InputError` listing every unknown term and disallowed grade."""
    table = ctcae(version)
    problems: list[Problem] = []
    found: list[TermSpec] = []
    for i, event in enumerate(events):
        term = table.term(event.term)
        if term is None:
            problems.append(Problem(f"events[{i}].term", f"not a CTCAE {version} term in the knowledge"))
            continue
        if (
            isinstance(event.grade, bool)
            or not isinstance(event.grade, int)
            or event.grade not in term.grades
        ):
            allowed = ", ".join(str(g) for g in term.allowed_grades)
            problems.append(
                Problem(
                    f"events[{i}].grade",
                    f"not a grade of {term.term}",
                    f"one of {allowed}",
                    kind_of(event.grade),
                )
            )
            continue
        found.append(term)
    if problems:
        raise InputError(f"adverse events: {problems[0].path}: {problems[0].message}", problems)
    return found


def worst_grades(events: Sequence[AdverseEvent], version: str) -> list[WorstGrade]:
    """The worst grade per patient and term (sorted by patient, then term), after `check_events`."""
    terms = check_events(events, version)
    best: dict[tuple[str, str], tuple[int, int, TermSpec]] = {}
    for event, term in zip(events, terms, strict=True):
        key = (event.patient_id, term.term)
        grade, count, _ = best.get(key, (0, 0, term))
        best[key] = (max(grade, event.grade), count + 1, term)
    return [
        WorstGrade(patient, name, term.meddra_code, grade, term.grades[grade], count)
        for (patient, name), (grade, count, term) in sorted(best.items())
    ]


def worst_grades_for_trial(events: Sequence[AdverseEvent], trial: str) -> list[WorstGrade]:
    """`worst_grades` in the trial's pinned version; a term the protocol does not name is refused."""
    pin = trial_pin(trial)
    if pin.terms:
        named = {t.casefold() for t in pin.terms}
        problems = [
            Problem(f"events[{i}].term", "not a term this trial's protocol grades")
            for i, e in enumerate(events)
            if e.term.strip().casefold() not in named
        ]
        if problems:
            raise InputError(f"adverse events: {problems[0].path}: {problems[0].message}", problems)
    return worst_grades(events, pin.ctcae_version)
