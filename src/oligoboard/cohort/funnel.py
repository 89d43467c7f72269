"""Unknown-aware feasibility funnels, recomputed from the stored bitmasks only (issue 14, item 4).

Why bitmasks: each screened patient has, per trial, two masks over the trial's criteria (`met`: the
condition holds, `unknown`). Grouping a trial's patients by their mask pair gives a histogram of at most a
few thousand rows even for 10⁷ patients; every view here — protocol order or any other order, a what-if
with criteria switched off, the overlap of two trials — is arithmetic on that histogram, never a new
screening.

Reading of one step (criterion c, kind inclusion or exclusion), for a patient still possibly eligible:
- met: the patient passes the step (an inclusion holds, an exclusion does not apply);
- not met: the patient is out (an inclusion fails, an exclusion applies) — counted at the first such step;
- unknown: the criterion cannot be decided from the data; the patient goes on as possibly eligible.
The funnel starts from the exact input count: data-quality exclusions are its first drops, so
input = data-quality exclusions + every step's not met + eligible + undetermined.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from oligoboard.cohort import manifest as mf
from oligoboard.cohort.screen import EXCLUSIONS
from oligoboard.cohort.sources import sql_string
from oligoboard.errors import InputError, Problem

Masks = tuple[int, int]  # (met, unknown)
Histogram = Counter[Masks]


@dataclass(frozen=True)
class Step:
    criterion: str
    kind: str
    text: str
    entering: int
    met: int
    not_met: int
    unknown: int

    @property
    def leaving(self) -> int:
        return self.entering - self.not_met


@dataclass(frozen=True)
class FactGain:
    """A fact to collect: how many undetermined patients wait for it, and for how many it alone is open."""

    fact: str
    needed: int  # undetermined patients with an open criterion reading this fact
    alone: int  # ... of whom every open criterion reads it (collecting it can decide them by itself)


@dataclass(frozen=True)
class Funnel:
    trial: str
    title: str
    input: int
    data_quality: tuple[tuple[str, int], ...]  # (reason, patients), in EXCLUSIONS order
    steps: tuple[Step, ...]
    eligible: int
    undetermined: int
    without: tuple[str, ...] = ()
    excludes_most: tuple[str, int] | None = None  # criterion failed by most screened patients, and how many
    facts: tuple[FactGain, ...] = ()

    @property
    def screened(self) -> int:
        return self.input - sum(n for _, n in self.data_quality)

    @property
    def upper_bound(self) -> int:
        """Eligible if every unknown resolved favourably."""
        return self.eligible + self.undetermined

    @property
    def accounted(self) -> int:
        """Every patient of the input in exactly one place: must equal `input`."""
        return sum(n for _, n in self.data_quality) + sum(s.not_met for s in self.steps) + self.upper_bound


@dataclass(frozen=True)
class Overlap:
    """Patients by their status in two trials (eligible / undetermined / ineligible each)."""

    first: str
    second: str
    cells: dict[tuple[str, str], int] = field(default_factory=dict)


STATUSES = ("eligible", "undetermined", "ineligible")


def passes(met: int, unknown: int, bit: int, kind: str) -> bool | None:
    """The step outcome of one criterion for one mask pair: True met, False not met, None unknown."""
    if unknown >> bit & 1:
        return None
    holds = bool(met >> bit & 1)
    return holds if kind == "inclusion" else not holds


def _criteria(
    trial: mf.TrialEntry, order: Sequence[str] | None, without: Iterable[str]
) -> list[mf.CriterionEntry]:
    by_id = {c.id: c for c in trial.criteria}
    off = list(dict.fromkeys(without))
    unknown = [c for c in [*(order or []), *off] if c not in by_id]
    if unknown:
        raise InputError(
            f"trial {trial.id}: no criterion called {', '.join(unknown)}",
            [Problem("--order/--without", "unknown criterion id", expected=", ".join(by_id))],
        )
    chosen = list(dict.fromkeys(order or []))
    chosen += [c.id for c in trial.criteria if c.id not in chosen]  # unlisted ones keep protocol order
    return [by_id[c] for c in chosen if c not in off]


def status_of(met: int, unknown: int, criteria: Sequence[mf.CriterionEntry]) -> str:
    """eligible / undetermined / ineligible under the given criteria (Kleene AND, as the statement does)."""
    outcomes = [passes(met, unknown, c.bit, c.kind) for c in criteria]
    if False in outcomes:
        return "ineligible"
    return "undetermined" if None in outcomes else "eligible"


def compute(
    manifest: mf.Manifest,
    trial_id: str,
    histogram: Mapping[Masks, int],
    *,
    order: Sequence[str] | None = None,
    without: Iterable[str] = (),
    top_facts: int = 5,
) -> Funnel:
    """The funnel of one trial from its mask histogram (see the module docstring for the reading)."""
    trial = _trial(manifest, trial_id)
    off = tuple(dict.fromkeys(without))
    criteria = _criteria(trial, order, off)
    alive: dict[Masks, int] = {k: n for k, n in histogram.items() if n}
    steps: list[Step] = []
    for c in criteria:
        met = not_met = unknown = 0
        survivors: dict[Masks, int] = {}
        for (m, u), n in alive.items():
            outcome = passes(m, u, c.bit, c.kind)
            if outcome is False:
                not_met += n
                continue
            if outcome is None:
                unknown += n
            else:
                met += n
            survivors[(m, u)] = n
        steps.append(Step(c.id, c.kind, c.text, met + not_met + unknown, met, not_met, unknown))
        alive = survivors
    eligible = sum(n for (m, u), n in alive.items() if status_of(m, u, criteria) == "eligible")
    undetermined = sum(alive.values()) - eligible
    fails = Counter[str]()
    for (m, u), n in histogram.items():
        for c in criteria:
            if passes(m, u, c.bit, c.kind) is False:
                fails[c.id] += n
    most = fails.most_common(1)
    needed, alone = Counter[str](), Counter[str]()
    for (m, u), n in alive.items():
        open_criteria = [c for c in criteria if passes(m, u, c.bit, c.kind) is None]
        if not open_criteria:
            continue
        for fact in set().union(*(c.facts for c in open_criteria)):
            needed[fact] += n
        for fact in set(open_criteria[0].facts).intersection(*(c.facts for c in open_criteria[1:])):
            alone[fact] += n
    ranked = sorted(needed, key=lambda f: (-alone[f], -needed[f], f))[:top_facts]
    facts = tuple(FactGain(f, needed[f], alone[f]) for f in ranked)
    return Funnel(
        trial=trial.id,
        title=trial.title,
        input=manifest.counts["input"],
        data_quality=tuple((label, manifest.counts.get(key, 0)) for key, label in EXCLUSIONS),
        steps=tuple(steps),
        eligible=eligible,
        undetermined=undetermined,
        without=off,
        excludes_most=(most[0][0], most[0][1]) if most else None,
        facts=facts,
    )


def overlap(
    manifest: mf.Manifest, first: str, second: str, histogram: Mapping[tuple[int, int, int, int], int]
) -> Overlap:
    """Status in `first` × status in `second`, from the joint histogram of both trials' masks."""
    a, b = _trial(manifest, first), _trial(manifest, second)
    cells = {(x, y): 0 for x in STATUSES for y in STATUSES}
    for (m1, u1, m2, u2), n in histogram.items():
        cells[(status_of(m1, u1, a.criteria), status_of(m2, u2, b.criteria))] += n
    return Overlap(a.id, b.id, cells)


def _trial(manifest: mf.Manifest, trial_id: str) -> mf.TrialEntry:
    try:
        return manifest.trial(trial_id)
    except KeyError:
        raise InputError(
            f"--trial: no trial {trial_id} in these results",
            [Problem("--trial", "unknown trial id", expected=", ".join(t.id for t in manifest.trials))],
        ) from None


class Results:
    """A screening result folder: its manifest and DuckDB queries over its trial bitmasks."""

    def __init__(self, folder: Path) -> None:
        import duckdb

        self.folder = folder
        self.manifest = mf.read(folder)
        path = folder / mf.TRIALS
        if not path.is_dir() or not any(path.glob("*.parquet")):
            raise InputError(f"{folder}: no {mf.TRIALS}/", [Problem(mf.TRIALS, "missing")])
        self._con: Any = duckdb.connect(":memory:")
        self._source = f"read_parquet({sql_string(str(path))})"

    def histogram(self, trial_id: str) -> Histogram:
        t = _trial(self.manifest, trial_id)
        rows = self._con.execute(
            f"SELECT {t.met_column}, {t.unknown_column}, count(*) FROM {self._source} GROUP BY ALL"
        ).fetchall()
        return Counter({(int(m), int(u)): int(n) for m, u, n in rows})

    def joint(self, first: str, second: str) -> Counter[tuple[int, int, int, int]]:
        a, b = _trial(self.manifest, first), _trial(self.manifest, second)
        rows = self._con.execute(
            f"SELECT {a.met_column}, {a.unknown_column}, {b.met_column}, {b.unknown_column}, count(*) "
            f"FROM {self._source} GROUP BY ALL"
        ).fetchall()
        return Counter({(int(r[0]), int(r[1]), int(r[2]), int(r[3])): int(r[4]) for r in rows})

    def close(self) -> None:
        self._con.close()
