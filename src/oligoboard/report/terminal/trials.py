"""Rich renderings of the trials section of an assessment and of the trial catalogue (list, show, compare)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rich.console import Group, RenderableType
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from oligoboard.engine.knowledge_base import KnowledgeBase
from oligoboard.report.findings import finding
from oligoboard.report.labels import answer_key, clinical_text, plural, words
from oligoboard.report.palette import status_text, style
from oligoboard.trials.catalogue import ComparisonRow
from oligoboard.trials.metadata import TrialCard


def _questions_table(questions: Sequence[Mapping[str, Any]]) -> Table:
    """The work-up plan: each fact whole (answer keys as typed under `answers:`), folded, never cut."""
    table = Table(title="Next best questions (work-up plan)", title_justify="left", expand=False)
    longest = max((len(f"answers: {answer_key(str(q['fact'])) or q['fact']}") for q in questions), default=8)
    table.add_column("#")
    table.add_column("collect", overflow="fold", min_width=min(longest, 44))
    table.add_column(
        "could change", overflow="fold", max_width=24
    )  # Rich crops a table over-wide by min_width
    for i, q in enumerate(questions, start=1):
        fact = str(q["fact"])
        key = answer_key(fact)
        label = Text(f"answers: {key}" if key else fact, style="bold", overflow="fold")
        if q.get("question"):
            label.append("\n" + str(q["question"]), style="")
        n = plural(int(q["could_change"]), "trial")
        table.add_row(
            str(i), label, f"{n} ({q['could_change_recruiting']} recruiting): {', '.join(q['trials'])}"
        )
    return table


def _deciding_text(
    item: Mapping[str, Any], kb: KnowledgeBase | None, facts: Mapping[str, Any], *, sources: bool
) -> Text:
    """The deciding criteria: the patient's finding, then the requirement (and what to collect)."""
    crits = {c["id"]: c for c in item["criteria"]}
    text = Text(overflow="fold")
    if item.get("not_now"):
        findings = [finding(kb, facts, item["id"], cid) for cid in item["deciding"]] if kb is not None else []
        now = "; ".join(f for f in findings if f)
        text.append(f"now: {now}\n" if now else "", style=style("not_now"))
        text.append("not now, could change: " + "; ".join(item["not_now"]), style=style("not_now"))
        return text
    parts = []
    for cid in item["deciding"]:
        c = crits[cid]
        found = finding(kb, facts, item["id"], cid) if kb is not None and facts else ""
        requirement = str(c["text"]) if sources else clinical_text(c["text"])
        line = f"{c['number']} "
        if found and c["status"] != "unknown":
            line += f"found: {found} — requires: "
        line += requirement
        keys = [answer_key(str(m)) or str(m) for m in c["missing"]]
        if keys:
            line += " — collect " + ", ".join(keys)
        line += "".join(f" [sources conflict: {r['set_status']} under the {r['id']} reading]" for r in (c.get("conflict") or {}).get("readings", []) if c["conflict"]["decisive"] and not r["applied"])  # fmt: skip
        parts.append(line)
    text.append("\n".join(parts) if parts else "all criteria met")
    return text


def _order(item: Mapping[str, Any]) -> tuple[int, int, str]:
    rank = {"eligible": 0, "undetermined": 1, "ineligible": 2}[item["status"]]
    later = 0 if item.get("not_now") else 1
    return (0 if item["recruiting"] else 1, rank * 2 + (later if rank == 2 else 0), item["id"])


def trial_status(item: Mapping[str, Any]) -> Text:
    """The one status word (`eligible`, `ineligible`, `undetermined`) and `(not now)` when it can change."""
    if item["status"] == "ineligible" and item.get("not_now"):
        return Text.assemble(status_text("ineligible"), ("\n(not now)", style("not_now")))
    return status_text(item["status"])


def render_trials(
    section: Mapping[str, Any], kb: KnowledgeBase | None = None, *, sources: bool = True
) -> list[RenderableType]:
    """Human view: next best questions first, then every trial with its deciding criteria."""
    out: list[RenderableType] = []
    questions = section.get("next_best_questions") or []
    if questions:
        out.append(_questions_table(questions))
    facts = section.get("facts") or {}
    table = Table(title="Trials", title_justify="left", show_lines=True)
    table.add_column("trial", overflow="fold")
    table.add_column("recruiting", overflow="fold")
    table.add_column("status", overflow="fold")
    table.add_column("deciding criteria", overflow="fold")
    for item in sorted(section.get("trials", []), key=_order):
        name = f"{item['id']}\n{item['acronym']}" if item.get("acronym") else item["id"]
        table.add_row(
            name,
            "yes" if item["recruiting"] else "closed",
            trial_status(item),
            _deciding_text(item, kb, facts, sources=sources),
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
        Text(f"accrual: {info.accrual.label()}; status: {info.status}; recruiting: {words(info.recruiting)}"),
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


#: Below this console width the comparison is one block per trial (seven columns of prose do not fit).
COMPARISON_TABLE_WIDTH = 120


def _comparison_cards(rows: Sequence[ComparisonRow]) -> Group:
    """One block per trial: `field  value` lines that wrap at spaces (narrow terminals)."""
    blocks: list[RenderableType] = [Text("Trial comparison", style="bold")]
    for r in rows:
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="bold", no_wrap=True)
        grid.add_column(overflow="fold")
        grid.add_row(Text(r.id, style="bold"), Text(r.acronym or "", style="bold"))
        setting = ", ".join(part.strip().replace("_", " ") for part in r.setting.split(","))
        for label, value in (
            ("setting", setting),
            ("N", r.n),
            ("design", r.design),
            ("RT dose", r.rt_dose),
            ("primary endpoint", r.primary_endpoint),
            ("result", r.result),
        ):
            grid.add_row(label, Text(str(value), overflow="fold"))
        blocks.append(Panel(grid, expand=True))
    return Group(*blocks)


def render_comparison(rows: Sequence[ComparisonRow], width: int = COMPARISON_TABLE_WIDTH) -> RenderableType:
    """`trials compare`: setting, N, design, RT dose, primary endpoint and result per trial.

    Fits the console it is printed on (no fixed width): a table from `COMPARISON_TABLE_WIDTH` columns,
    one block per trial below it, so no word is broken mid-way. The id never wraps (`trials show` needs it).
    """
    if width < COMPARISON_TABLE_WIDTH:
        return _comparison_cards(rows)
    table = Table(title="Trial comparison", show_lines=True)
    id_width = max((len(r.id) for r in rows), default=5)
    table.add_column("trial", no_wrap=True, min_width=id_width, overflow="ignore")
    table.add_column("setting", ratio=2)
    table.add_column("N", ratio=1)
    table.add_column("design", ratio=2)
    table.add_column("RT dose", ratio=2)
    table.add_column("primary endpoint", ratio=2)
    table.add_column("result", ratio=3)
    for r in rows:
        name = f"{r.id}\n{r.acronym}" if r.acronym else r.id
        setting = "\n".join(part.strip().replace("_", " ") for part in r.setting.split(","))
        table.add_row(name, setting, r.n, r.design, r.rt_dose, r.primary_endpoint, r.result)
    return table
