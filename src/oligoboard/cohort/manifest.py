"""The manifest of a screening result set (`OUT/manifest.json`): what was screened, with what, and how to read it.

Why a manifest: the result tables are wide (one column per rule set, criterion, trial bitmask), so the
manifest maps every column back to its rule set and criterion, states the bit order of the trial bitmasks,
and records provenance — knowledge version and content hash (so `funnel` can warn when the knowledge has
changed since), the cohort's content hash (file names, sizes and SHA-256 of their bytes, streamed), the
engine, the counts (input patients, data-quality exclusions, screened) and the creation time (UTC).
Every fact `funnel` needs is here or in the bitmasks: it never loads the knowledge to count.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from oligoboard import __version__
from oligoboard.atomic_write import write_text_atomically
from oligoboard.cohort.sources import TableFiles
from oligoboard.engine.knowledge_base import KnowledgeBase
from oligoboard.engine.layout import Statement
from oligoboard.engine.missing import missing_facts
from oligoboard.errors import InputError, Problem

#: 2: each result table is a folder of Parquet parts, one per chunk (1: one file per table)
FORMAT = 2
MANIFEST = "manifest.json"
#: result tables: folders of `part-NNNNNN.parquet` (read the folder: `read_parquet('OUT/criteria')` in DuckDB,
#: `spark.read.parquet`, `pyarrow.dataset`), so a cohort screened in chunks is never concatenated
RULE_SETS = "rule_sets"
CRITERIA = "criteria"
TRIALS = "trials"
BIT_ORDER = (
    "bit i (value 1 << i, i from 0) of a trial's masks is the trial's i-th criterion in protocol order "
    "(the order of the knowledge file); <trial>__met: the criterion's condition holds (for an exclusion: "
    "the patient is excluded by it); <trial>__unknown: the criterion is unknown; neither: condition false"
)
MAX_BITS = 63


@dataclass(frozen=True)
class RuleSetEntry:
    id: str
    kind: str
    column: str


@dataclass(frozen=True)
class CriterionEntry:
    rule_set: str
    id: str
    kind: str  # inclusion | exclusion
    column: str
    bit: int  # position in protocol order within its rule set
    text: str
    facts: tuple[str, ...]  # case fields that decide it when unknown (generic patterns)


@dataclass(frozen=True)
class TrialEntry:
    id: str
    title: str
    met_column: str
    unknown_column: str
    criteria: tuple[CriterionEntry, ...]


@dataclass
class Manifest:
    format: int
    created: str
    engine: str
    oligoboard_version: str
    knowledge_version: str
    knowledge_hash: str
    cohort: str
    cohort_hash: str
    counts: dict[str, int]
    bit_order: str
    rule_sets: list[RuleSetEntry] = field(default_factory=list)
    criteria: list[CriterionEntry] = field(default_factory=list)
    trials: list[TrialEntry] = field(default_factory=list)
    seconds: float | None = None
    timings: dict[str, float] = field(default_factory=dict)  # seconds per phase of the run

    def trial(self, trial_id: str) -> TrialEntry:
        for t in self.trials:
            if t.id == trial_id:
                return t
        raise KeyError(trial_id)


def files_hash(root: Path, files: Sequence[Path], check: Callable[[], None] | None = None) -> str:
    """SHA-256 over every file's name relative to `root`, its size and the SHA-256 of its bytes (read in
    1 MiB blocks: a 10⁷-patient cohort is never held in memory)."""
    outer = hashlib.sha256()
    for path in files:
        inner = hashlib.sha256()
        with path.open("rb") as handle:
            while block := handle.read(1 << 20):
                inner.update(block)
        if check is not None:
            check()
        rel = path.relative_to(root).as_posix()
        outer.update(f"{rel}\0{path.stat().st_size}\0{inner.hexdigest()}\n".encode())
    return "sha256:" + outer.hexdigest()


def cohort_hash(cohort: Path, sources: Mapping[str, TableFiles], check: Callable[[], None]) -> str:
    """The content hash of a cohort in the table layout: every table's files, tables in name order."""
    return files_hash(cohort, [p for table in sorted(sources) for p in sources[table].files], check)


def _entries(kb: KnowledgeBase, statement: Statement) -> tuple[list[CriterionEntry], list[TrialEntry]]:
    criteria: list[CriterionEntry] = []
    trials: list[TrialEntry] = []
    for rs in kb.rule_sets:
        mine: list[CriterionEntry] = []
        for bit, crit in enumerate(rs.criteria):
            facts = missing_facts(crit.expr.reads, {}, kb.features, None)
            if crit.answer_key is not None:
                facts = [f"answers['{crit.answer_key}']", *facts]
            mine.append(
                CriterionEntry(
                    rule_set=rs.spec.id,
                    id=crit.spec.id,
                    kind=crit.spec.kind,
                    column=statement.criteria[(rs.spec.id, crit.spec.id)],
                    bit=bit,
                    text=crit.spec.text,
                    facts=tuple(dict.fromkeys(facts)),
                )
            )
        criteria.extend(mine)
        if rs.spec.kind == "trial":
            if len(mine) > MAX_BITS:
                raise InputError(f"trial {rs.spec.id}: more than {MAX_BITS} criteria do not fit a bitmask")
            column = statement.rule_set_status[rs.spec.id].removeprefix("status__")
            trials.append(
                TrialEntry(
                    id=rs.spec.id,
                    title=rs.spec.title,
                    met_column=f"trial__{column}__met",
                    unknown_column=f"trial__{column}__unknown",
                    criteria=tuple(mine),
                )
            )
    return criteria, trials


def build(
    kb: KnowledgeBase,
    statement: Statement,
    *,
    engine: str,
    cohort: str,
    cohort_hash: str,
    counts: dict[str, int],
) -> Manifest:
    criteria, trials = _entries(kb, statement)
    return Manifest(
        format=FORMAT,
        created=datetime.now(UTC).isoformat(timespec="seconds"),
        engine=engine,
        oligoboard_version=__version__,
        knowledge_version=kb.full_version,
        knowledge_hash=kb.content_hash,
        cohort=cohort,
        cohort_hash=cohort_hash,
        counts=counts,
        bit_order=BIT_ORDER,
        rule_sets=[
            RuleSetEntry(rs.spec.id, rs.spec.kind, statement.rule_set_status[rs.spec.id])
            for rs in kb.rule_sets
        ],
        criteria=criteria,
        trials=trials,
    )


def write(folder: Path, manifest: Manifest) -> None:
    """Write `manifest.json` through a temporary file (a reader never sees half of it)."""
    write_text_atomically(
        folder / MANIFEST, json.dumps(asdict(manifest), indent=2, ensure_ascii=False) + "\n"
    )


def _criterion(raw: Mapping[str, Any]) -> CriterionEntry:
    return CriterionEntry(**{**raw, "facts": tuple(raw["facts"])})


def read(folder: Path) -> Manifest:
    """The manifest of a result folder; a missing or malformed one is an input error naming the field."""
    path = folder / MANIFEST
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(
            f"{path}: no manifest (not a screening result folder)", [Problem(MANIFEST, "missing")]
        ) from None
    except (OSError, ValueError):
        raise InputError(f"{path}: not readable JSON", [Problem(MANIFEST, "not JSON")]) from None
    try:
        if raw.get("format") != FORMAT:
            raise InputError(f"{path}: format", [Problem("format", "unknown", expected=str(FORMAT))])
        return Manifest(
            **{
                **raw,
                "rule_sets": [RuleSetEntry(**r) for r in raw["rule_sets"]],
                "criteria": [_criterion(c) for c in raw["criteria"]],
                "trials": [
                    TrialEntry(**{**t, "criteria": tuple(_criterion(c) for c in t["criteria"])})
                    for t in raw["trials"]
                ],
            }
        )
    except (TypeError, KeyError, AttributeError):
        raise InputError(
            f"{path}: not a screening manifest", [Problem(MANIFEST, "unexpected keys or values")]
        ) from None
