"""Rich renderings of the trials section of an assessment and of the trial catalogue (list, show, compare)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.console import RenderableType
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from oligoboard.report.palette import status_text, style
from oligoboard.trials.catalogue import ComparisonRow
from oligoboard.trials.metadata import TrialCard


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
        return Text("; ".join(item["not_now"]), style=style("not_now"))
    parts = []
    for cid in item["deciding"]:
        c = crits[cid]
        missing = f" — collect {', '.join(c['missing'])}" if c["missing"] else ""
        missing += "".join(f" [sources conflict: {r['set_status']} under the {r['id']} reading]" for r in (c.get("conflict") or {}).get("readings", []) if c["conflict"]["decisive"] and not r["applied"])  # fmt: skip
        parts.append(f"{c['number']} {c['text']}{missing}")
    return Text("\n".join(parts) if parts else "all criteria met")


def _order(item: dict[str, Any]) -> tuple[int, int, str]:
    rank = {"eligible": 0, "undetermined": 1, "not_now": 2, "ineligible": 3}[item["verdict"]]
    return (0 if item["recruiting"] else 1, rank, item["id"])


def render_trials(section: dict[str, Any]) -> list[RenderableType]:
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
        table.add_row(
            name,
            "yes" if item["recruiting"] else "closed",
            status_text(item["verdict"]),
            _deciding_text(item),
        )
    out.append(table)
    return out


def render_catalogue(cards: Sequence[TrialCard]) -> Table:
    """`trials list`: every trial with its phase, whether it recruits, and the disease states it enrols.

    The id is what `trials show ID` needs, so its column never wraps or cuts, at any width. The phase
    qualifier and the criteria version and date are shown by `trials show`, so the list fits 80 columns.
    """
    table = Table(title="Trial catalogue")
    id_width = max((len(c.id) for c in cards), default=2)
    table.add_column("id", no_wrap=True, min_width=id_width, overflow="ignore")
    table.add_column("acronym", overflow="fold", max_width=13)
    table.add_column("phase", overflow="fold", max_width=8)
    table.add_column("status", no_wrap=True)
    table.add_column("setting", overflow="fold", min_width=18)
    for c in cards:
        table.add_row(
            c.id,
            c.info.acronym or "",
            c.info.phase.split(" (", 1)[0],  # the qualifier in brackets is shown by `trials show`
            "recruiting" if c.info.recruiting else "closed",
            "\n".join(state.replace("_", " ") for state in c.info.setting),
        )
    return table


def render_trial(card: TrialCard, criteria: Sequence[dict[str, object]]) -> list[RenderableType]:
    """`trials show`: header lines, arms, endpoints, then every criterion with rule and source."""
    info = card.info
    out: list[RenderableType] = [
        Text.from_markup(f"[bold]{escape(card.label)}[/bold] — {escape(card.title)}"),
        Text(f"criteria version: {card.version} ({card.date}); source: {card.source}"),
        Text(
            f"sponsor: {info.sponsor}; phase {info.phase}; {info.design}; randomisation {info.randomisation}"
        ),
        Text(f"accrual: {info.accrual.label()}; status: {info.status}; recruiting: {info.recruiting}"),
        Text(f"setting: {', '.join(info.setting)}; counting: {info.counting}"),
    ]
    out.extend(Text.assemble(("conflict:", style("unknown")), f" {conflict}") for conflict in info.conflicts)
    arms = Table(title="Arms")
    for col in ("arm", "treatment", "radiotherapy dose / fractionation"):
        arms.add_column(col)
    for arm in info.arms:
        arms.add_row(arm.name, arm.description, arm.rt or "—")
    out.append(arms)
    out.append(Text(f"primary endpoint(s): {'; '.join(info.endpoints.primary)}"))
    if info.endpoints.secondary:
        out.append(Text(f"secondary: {'; '.join(info.endpoints.secondary)}"))
    if info.result:
        out.append(Text(f"published result: {info.result}"))
    table = Table(title="Eligibility criteria", show_lines=True)
    for col in ("#", "kind", "criterion", "rule", "recoverable", "source"):
        table.add_column(col)
    recoverable = {True: "yes", False: "no", None: "?"}
    for c in criteria:
        flag = "" if c["verified"] else " [unverified]"
        table.add_row(
            str(c["number"]),
            str(c["kind"]),
            Text(str(c["text"]) + flag),
            Text(str(c["rule"])),
            recoverable.get(c["recoverable"] if isinstance(c["recoverable"], bool) else None, "?"),
            Text(str(c["source"])),
        )
    out.append(table)
    return out


def render_comparison(rows: Sequence[ComparisonRow]) -> Table:
    """`trials compare`: setting, N, design, RT dose, primary endpoint and result per trial."""
    table = Table(title="Trial comparison", show_lines=True)
    for col in ("trial", "setting", "N", "design", "RT dose", "primary endpoint", "result"):
        table.add_column(col)
    for r in rows:
        name = f"{r.id}\n{r.acronym}" if r.acronym else r.id
        table.add_row(name, r.setting, r.n, r.design, r.rt_dose, r.primary_endpoint, r.result)
    return table
