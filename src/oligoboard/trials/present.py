"""The trials part of `assess`: the JSON contract items plus explanations, and their Rich rendering.

Each trial item keeps the contract keys (`id`, `status`, `criteria` with `id`/`kind`/`status`, `missing`)
and adds the verdict ("not now"), the deciding criteria, metadata and version; `next_best_questions` comes
first in the human view because it is the MDT's work-up plan.
"""

from __future__ import annotations

from typing import Any

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from oligoboard.engine.knowledge_base import KnowledgeBase
from oligoboard.engine.results import CaseResult
from oligoboard.trials.explain import TrialExplanation, explain
from oligoboard.trials.metadata import TrialCard, trial_cards
from oligoboard.trials.questions import next_best_questions

VERDICT_STYLE = {"eligible": "green", "undetermined": "yellow", "not_now": "cyan", "ineligible": "red"}


def trial_item(ex: TrialExplanation, card: TrialCard) -> dict[str, Any]:
    info = card.info
    return {
        "id": ex.id,
        "status": ex.status,
        "verdict": ex.verdict,
        "title": card.short_title,
        "acronym": info.acronym,
        "recruiting": info.recruiting,
        "phase": info.phase,
        "setting": list(info.setting),
        "version": card.version,
        "date": card.date,
        "source": card.source,
        "verified": card.verified,
        "deciding": [c.id for c in ex.deciding],
        "not_now": list(ex.not_now) if ex.verdict == "not_now" else None,
        "criteria": [c.as_dict() for c in ex.criteria],
        "missing": list(ex.missing),
    }


def trials_section(result: CaseResult, kb: KnowledgeBase) -> dict[str, Any]:
    """`{"trials": [...], "next_best_questions": [...]}` for one evaluated case."""
    cards = {card.id: card for card in trial_cards(kb)}
    explanations = [explain(result.rule_sets[trial_id]) for trial_id in cards]
    recruiting = {trial_id: card.info.recruiting for trial_id, card in cards.items()}
    return {
        "trials": [trial_item(ex, cards[ex.id]) for ex in explanations],
        "next_best_questions": [q.as_dict() for q in next_best_questions(explanations, recruiting)],
    }


def _questions_table(questions: list[dict[str, Any]]) -> Table:
    table = Table(title="Next best questions (work-up plan)", title_justify="left", expand=False)
    for col in ("#", "collect", "could change", "trials"):
        table.add_column(col)
    for i, q in enumerate(questions, start=1):
        fact = str(q["fact"])
        label = f"{fact}: {q['question']}" if q.get("question") else fact
        table.add_row(
            str(i),
            label,
            f"{q['could_change']} ({q['could_change_recruiting']} recruiting)",
            ", ".join(q["trials"]),
        )
    return table


def _deciding_text(item: dict[str, Any]) -> Text:
    crits = {c["id"]: c for c in item["criteria"]}
    if item["verdict"] == "not_now" and item.get("not_now"):
        return Text("; ".join(item["not_now"]), style="cyan")
    parts = []
    for cid in item["deciding"]:
        c = crits[cid]
        missing = f" — collect {', '.join(c['missing'])}" if c["missing"] else ""
        parts.append(f"{c['number']} {c['text']}{missing}")
    return Text("\n".join(parts) if parts else "all criteria met")


def _order(item: dict[str, Any]) -> tuple[int, int, str]:
    rank = {"eligible": 0, "undetermined": 1, "not_now": 2, "ineligible": 3}[item["verdict"]]
    return (0 if item["recruiting"] else 1, rank, item["id"])


def rich_trials(section: dict[str, Any]) -> list[RenderableType]:
    """Human view: next best questions first, then every trial with its deciding criteria."""
    out: list[RenderableType] = []
    questions = section.get("next_best_questions") or []
    if questions:
        out.append(_questions_table(questions))
    table = Table(title="Trials", title_justify="left", show_lines=True)
    for col in ("trial", "recruiting", "verdict", "deciding criteria"):
        table.add_column(col)
    for item in sorted(section.get("trials", []), key=_order):
        name = f"{item['id']}\n{item['acronym']}" if item.get("acronym") else item["id"]
        verdict = item["verdict"].replace("_", " ")
        table.add_row(
            name,
            "yes" if item["recruiting"] else "closed",
            Text(verdict, style=VERDICT_STYLE[item["verdict"]]),
            _deciding_text(item),
        )
    out.append(table)
    return out
