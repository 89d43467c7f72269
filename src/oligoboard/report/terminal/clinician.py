"""The default `assess` view: one screen at 80 columns for the clinician at the MDT.

What is on it, in order: the disease state in words; the recommendations that apply or are undetermined
(those that do not apply are summarised by the patient's finding, "EGFR positive → outside DLCG 2025
scope"); eligible and undetermined trials ("recruiting" only for trials that recruit); radiotherapy flags;
the facts to collect as keys that can be pasted into the case file. Requirement texts, sources and the
guideline's worked examples are in `--full`; citations in `--sources`.

Every id and key is printed whole: lines wrap (a key longer than the screen folds), nothing is cut.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.table import Table
from rich.text import Text

from oligoboard.engine.knowledge_base import KnowledgeBase
from oligoboard.report.findings import case_facts, finding
from oligoboard.report.labels import (
    answer_key,
    clinical_text,
    plural,
    recommendation_label,
    state_label,
    trial_name,
    words,
)
from oligoboard.report.palette import status_text, style
from oligoboard.report.terminal.guidelines import danish_reading
from oligoboard.report.terminal.literal import visible

_METRIC_TOKEN = re.compile(r"^(?P<metric>BED|EQD2)(?P<ab>\d+(?:\.\d+)?)?$")
_METRIC_NAMES = {"bed": "BED", "eqd2": "EQD2", "total_dose_gy": "total dose"}
#: The narrowest "could change" note kept beside a key; below it the note goes under the key.
NOTE_MIN_WIDTH = 24
#: Width of the status column: the longest status word shown (`not applicable`).
STATUS_WIDTH = 14


def _heading(text: str) -> Text:
    return Text(text, style="bold underline")


def _line(*parts: tuple[str, str] | str | Text) -> Text:
    """A wrapped line; words wrap at spaces and a word longer than the screen folds (never an ellipsis)."""
    text = Text.assemble(*parts)
    text.overflow = "fold"
    return text


def _rows(rows: Iterable[tuple[Text, Text]]) -> Table:
    """Status words in one column, the rest beside them: a wrapped line keeps its indent."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(width=1)
    grid.add_column(no_wrap=True, min_width=STATUS_WIDTH)
    grid.add_column(overflow="fold")
    for status, body in rows:
        grid.add_row("", status, body)
    return grid


def _status(status: str, label: str | None = None) -> Text:
    return status_text(status, label=label)


# ── disease state ──────────────────────────────────────────────────────────────────────────────────


def _disease_state(ds: Mapping[str, Any]) -> list[RenderableType]:
    state = state_label(ds)
    out: list[RenderableType] = [
        _line(("Disease state: ", "bold"), (state, style(None) if state == "undetermined" else "bold")),
    ]
    omd = ds.get("omd")
    omd_word = {True: "yes", False: "no", None: "unknown"}[omd]
    facts = [
        f"oligometastatic (ESTRO-ASTRO 2020): {omd_word}",
        f"TNM 9th {words(ds.get('tnm9_m'))}",
        f"stage {words(ds.get('stage'))}",
        f"Ashworth 2014 risk: {words(ds.get('prognostic_group'))}",
    ]
    counts = ds.get("counts") or {}
    if counts:
        n = counts.get("n_metastases")
        organs = counts.get("n_organs")
        brain = counts.get("n_intracranial")
        facts.append(
            ", ".join(
                [
                    "metastases unknown" if n is None else plural(int(n), "metastasis"),
                    "brain unknown" if brain is None else f"{brain} in the brain",
                    "organs unknown" if organs is None else plural(int(organs), "organ"),
                ]
            )
        )
    grid = Table.grid(padding=(0, 1))
    grid.add_column(width=1)
    grid.add_column(overflow="fold")
    grid.add_row("", " · ".join(facts))
    if ds.get("missing"):
        grid.add_row("", _line(("open until known: ", style(None)), ", ".join(ds["missing"])))
    out.append(grid)
    return out


# ── recommendations ────────────────────────────────────────────────────────────────────────────────


def _blocking(rec: Mapping[str, Any]) -> list[str]:
    return [str(reason["id"]) for reason in rec.get("reasons", [])]


def _number(rec: Mapping[str, Any]) -> str:
    return str(rec["id"]).rpartition("-")[2]


def _not_applicable(
    guideline: str, recs: Sequence[Mapping[str, Any]], kb: KnowledgeBase, facts: Mapping[str, Any]
) -> list[tuple[Text, Text]]:
    """One row per guideline for what does not apply: by the shared finding, else per recommendation."""
    idle = [r for r in recs if r["status"] == "not_applicable"]
    if not idle:
        return []
    shared = set(_blocking(idle[0]))
    for rec in idle[1:]:
        shared &= set(_blocking(rec))
    if len(idle) == len(recs) and shared:
        first = idle[0]
        found = [finding(kb, facts, first["id"], cid) for cid in _blocking(first) if cid in shared]
        what = "; ".join(f for f in found if f) or "not in scope"
        return [
            (
                _status("not_applicable", "outside scope"),
                _line((what, "bold"), f" → outside {guideline} scope"),
            )
        ]
    by_finding: dict[str, list[str]] = {}
    for rec in idle:
        found = [finding(kb, facts, rec["id"], cid) for cid in _blocking(rec)[:1]]  # the first that decided
        by_finding.setdefault("; ".join(dict.fromkeys(f for f in found if f)), []).append(_number(rec))
    parts = [
        f"rec. {', '.join(numbers)}" + (f" ({text})" if text else "") for text, numbers in by_finding.items()
    ]
    return [(_status("not_applicable"), _line(f"{guideline} " + ", ".join(parts)))]


def _applies(rec: Mapping[str, Any]) -> tuple[Text, Text]:
    grade = rec.get("grade") or rec.get("strength")
    label = recommendation_label(rec)
    if grade and " " not in grade:  # "not stated in the abstract" is no grade
        label += f" ({grade.lower()})" if grade == rec.get("strength") else f" (grade {grade})"
    body = _line((label, "bold"), ": ", str(rec.get("title") or rec["text"]))
    later = rec.get("later") or {}
    if later.get("status") == "applies_later_if":
        body.append(f"\n{later['text']}", style=style("applies_later_if"))
        danish = danish_reading(later, "condition_da")  # the guideline's own words, å ø æ restored
        if danish:
            body.append(f'\n{rec["guideline"]}: "{danish}"', style="italic")
    status = rec["status"]
    shown = (
        "applies later" if status == "not_applicable" and later.get("status") == "applies_later_if" else None
    )
    return (_status("applies_later_if" if shown else status, shown), body)


def _undetermined(recs: Sequence[Mapping[str, Any]]) -> list[tuple[Text, Text]]:
    """Undetermined recommendations of one guideline, grouped by what keeps them open."""
    groups: dict[str, list[Mapping[str, Any]]] = {}
    for rec in recs:
        if rec["missing"]:
            why = "open until known: " + ", ".join(rec["missing"])
        else:
            why = " ".join(clinical_text(r) for r in rec.get("undetermined_because", []))
            why = why or "the guideline text does not settle this case"
        groups.setdefault(why, []).append(rec)
    out = []
    for why, members in groups.items():
        name = f"{members[0]['guideline']} rec. {', '.join(_number(r) for r in members)}"
        body = _line((name, "bold"))
        if len(members) == 1:
            body.append(": " + str(members[0].get("title") or members[0]["text"]))
        body.append("\n" + why, style=style(None))
        out.append((_status("undetermined"), body))
    return out


def _recommendations(out: Mapping[str, Any], kb: KnowledgeBase) -> list[RenderableType]:
    recs: list[dict[str, Any]] = out.get("recommendations", [])
    facts = case_facts(out)
    rows: list[tuple[Text, Text]] = []
    for guideline in dict.fromkeys(r["guideline"] for r in recs):
        mine = [r for r in recs if r["guideline"] == guideline]
        later = [
            r
            for r in mine
            if r["status"] == "not_applicable" and (r.get("later") or {}).get("status") == "applies_later_if"
        ]
        rows.extend(_applies(r) for r in mine if r["status"] == "applies")
        rows.extend(_undetermined([r for r in mine if r["status"] == "undetermined"]))
        rows.extend(_applies(r) for r in later)
        rows.extend(_not_applicable(guideline, [r for r in mine if r not in later], kb, facts))
    for alt in out.get("alternatives", []):
        if all(o["status"] == "applies" for o in alt["options"]):
            names = " and ".join(recommendation_label(r) for r in _by_ids(recs, alt["ids"]))
            rows.append((Text(""), _line((f"{names} are alternatives: the MDT chooses one.", "italic"))))
    return [_heading("Guidelines"), _rows(rows)]


def _by_ids(recs: Iterable[Mapping[str, Any]], ids: Iterable[str]) -> list[Mapping[str, Any]]:
    index = {r["id"]: r for r in recs}
    return [index[i] for i in ids if i in index]


# ── trials ─────────────────────────────────────────────────────────────────────────────────────────


def _n_keys(item: Mapping[str, Any]) -> str:
    n = len(item.get("missing", []))
    return f" — {plural(n, 'fact')} to collect" if n else ""


def _not_now(item: Mapping[str, Any], kb: KnowledgeBase, facts: Mapping[str, Any]) -> str:
    """`found: primary untreated; needs: …`: what the patient has now, then what would have to change."""
    found = [finding(kb, facts, item["id"], cid) for cid in item.get("deciding", [])]
    shown = "; ".join(f for f in found if f)
    needs = "; ".join(clinical_text(n).removeprefix("needs: ") for n in item["not_now"])
    needs = needs[:1].lower() + needs[1:] if needs[:2].istitle() else needs
    return (f"now: {shown} → " if shown else "could change: ") + f"needs {needs}"


def _trials(out: Mapping[str, Any], kb: KnowledgeBase) -> list[RenderableType]:
    """Recruiting trials one by one (eligible, undetermined, not now); closed ones on one line."""
    facts = case_facts(out)
    items: list[dict[str, Any]] = sorted(out.get("trials", []), key=lambda t: t["id"])
    recruiting = [t for t in items if t.get("recruiting")]
    closed = [t for t in items if not t.get("recruiting")]
    rows: list[tuple[Text, Text]] = []
    for item in recruiting:
        if item["status"] == "eligible":
            rows.append((_status("eligible"), _line((trial_name(item), "bold"), " recruiting")))
    for item in recruiting:
        if item["status"] == "undetermined":
            rows.append(
                (
                    _status("undetermined"),
                    _line((trial_name(item), "bold"), " recruiting", (_n_keys(item), "dim")),
                )
            )
    for item in recruiting:
        if item["status"] == "ineligible" and item.get("not_now"):
            body = _line((trial_name(item), "bold"), " recruiting")
            body.append("\n" + _not_now(item, kb, facts), style=style("not_now"))
            rows.append((_status("not_now", "ineligible now"), body))
    others = [t for t in recruiting if t["status"] == "ineligible" and not t.get("not_now")]
    if others:
        rows.append(
            (_status("ineligible"), _line(("recruiting: ", "dim"), ", ".join(trial_name(t) for t in others)))
        )
    for status in ("eligible", "undetermined"):
        mine = [t for t in closed if t["status"] == status]
        if mine:
            rows.append((_status(status), _line(("closed: ", "dim"), ", ".join(trial_name(t) for t in mine))))
    rest = len([t for t in closed if t["status"] == "ineligible"])
    if rest:
        rows.append(
            (_status("ineligible"), _line(plural(rest, "closed trial"), (" (--full says why)", "dim")))
        )
    if not rows:
        rows.append((Text(""), _line("no trial in the catalogue")))
    return [_heading("Trials"), _rows(rows)]


# ── radiotherapy ───────────────────────────────────────────────────────────────────────────────────


def metric_name(check: Mapping[str, Any]) -> str:
    metric = str(check.get("metric") or "")
    name = _METRIC_NAMES.get(metric) or metric.removesuffix("_gy").replace("_", " ").replace("dmax", "Dmax")
    ab = check.get("alpha_beta_gy")
    return f"{name} (α/β {ab:g} Gy)" if isinstance(ab, (int, float)) and metric in ("bed", "eqd2") else name


_OWNER = re.compile(r"^(?:(?P<nct>nct\d{8})|(?P<body>[a-z]+)-(?P<year>\d{4})|(?P<name>[a-z0-9]+))(?:-|$)")
#: Tokens of a check id that name the quantity (already said by `metric_name`), not what the check is for.
_QUANTITY_TOKENS = {"bed10", "eqd2", "dmax", "mld", "range", "sbrt", "dose"}


def check_owner(check_id: str) -> str:
    """Whose rule a radiotherapy check is, from its id: `dlcg-2025-ablative-bed10` → `DLCG 2025 ablative`.

    Example:
        >>> check_owner("nct01282450-metastasis-eqd2"), check_owner("dlcg-2025-ablative-bed10")
        ('NCT01282450 metastasis', 'DLCG 2025 ablative')
    """
    match = _OWNER.match(check_id)
    if not match:
        return check_id
    if match["nct"]:
        owner = match["nct"].upper()
    elif match["body"]:
        owner = f"{match['body'].upper()} {match['year']}"
    else:
        owner = str(match["name"]).upper()
    rest = [t for t in check_id[match.end() :].split("-") if t and t not in _QUANTITY_TOKENS]
    return f"{owner} {rest[0]}" if rest else owner


def plain_limit(limit: str) -> str:
    """`EQD210 >= 60 Gy` → `≥ 60 Gy`: the metric is named once, in words, by `metric_name`.

    Example:
        >>> plain_limit("BED10 > 75 Gy"), plain_limit("<= 25.3 Gy"), plain_limit("27-70 Gy in 3-10 fx")
        ('> 75 Gy', '≤ 25.3 Gy', '27-70 Gy in 3-10 fx')
    """
    head, _, rest = limit.strip().partition(" ")
    shown = rest if _METRIC_TOKEN.match(head) and rest else limit.strip()
    return shown.replace(">=", "≥").replace("<=", "≤")


def _radiotherapy(out: Mapping[str, Any]) -> list[RenderableType]:
    """Only the flags: failed or near-limit checks, doses not given, cumulative organ doses over a limit."""
    courses: list[dict[str, Any]] = out.get("radiotherapy") or []
    cumulative = (out.get("radiotherapy_cumulative") or {}).get("organs") or []
    if not courses and not cumulative:
        return []
    rows: list[tuple[Text, Text]] = []
    for course in courses:
        unknown: list[str] = []
        for check in course.get("checks", []):
            status = str(check.get("status"))
            if status == "unknown":
                unknown.append(metric_name(check))
                continue
            if status == "pass":
                continue
            value = check.get("value")
            shown = "" if value is None else f" {value:.1f} Gy"
            limit = plain_limit(str(check.get("limit", "")))
            rows.append(
                (
                    _status(status, words(status)),
                    _line(
                        (visible(course.get("course")), "bold"),
                        f" {metric_name(check)}{shown}, limit {limit}",
                        (f" ({check_owner(str(check.get('id', '')))})", "dim"),
                    ),
                )
            )
        if unknown:
            rows.append(
                (
                    _status("unknown", "not checked"),
                    _line((visible(course.get("course")), "bold"), " dose not given: " + ", ".join(unknown)),
                )
            )
    for organ in cumulative:
        check = organ.get("check") or {}
        if check.get("status") in (None, "pass"):
            continue
        value = check.get("value")
        ab = organ.get("alpha_beta_gy")
        body = _line(
            (words(organ.get("organ")), "bold"),
            " cumulative EQD2" + (f" (α/β {ab:g} Gy)" if isinstance(ab, (int, float)) else ""),
            "" if value is None else f" {value:.1f} Gy",
            f" over {', '.join(organ.get('courses_touching', []))}",
            f", limit {plain_limit(str(check.get('limit', '')))}",
        )
        rows.append((_status(str(check["status"]), words(check["status"])), body))
    if not rows:
        rows.append((_status("pass", "pass"), _line("every check of every course")))
    return [_heading("Radiotherapy"), _rows(rows)]


# ── facts to collect ───────────────────────────────────────────────────────────────────────────────


def facts_to_collect(out: Mapping[str, Any]) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(answer keys, case fields) still missing, each with what it could change, most useful first.

    Answer keys are the clinician attestations (`answers:` in the case file) of recruiting trials and of
    the work-up; those of closed trials only change a closed trial and are left to `oligoboard answers`.
    """
    recruiting = {t["id"] for t in out.get("trials", []) if t.get("recruiting")}
    names = {t["id"]: t.get("acronym") or "" for t in out.get("trials", [])}
    answers: dict[str, str] = {}
    fields: dict[str, list[str]] = {}
    for fact in out.get("disease_state", {}).get("missing", []):
        fields.setdefault(str(fact), []).append("disease state")
    n_recs: dict[str, int] = {}
    for rec in out.get("recommendations", []):
        for fact in rec.get("missing", []):
            n_recs[str(fact)] = n_recs.get(str(fact), 0) + 1
    for fact, n in n_recs.items():
        key = answer_key(fact)
        if key:
            answers.setdefault(key, plural(n, "recommendation"))
        else:
            fields.setdefault(fact, []).append(plural(n, "recommendation"))
    for q in out.get("next_best_questions", []):
        fact = str(q["fact"])
        n, n_open = int(q["could_change"]), int(q["could_change_recruiting"])
        key = answer_key(fact)
        if key:
            if recruiting & set(q["trials"]):
                answers.setdefault(key, ", ".join(names.get(t, "") for t in q["trials"]))
        else:
            fields.setdefault(fact, []).append(
                plural(n, "trial") + (f" ({n_open} recruiting)" if n_open else "")
            )
    for gap in out.get("workup_gaps", []):
        for fact in gap.get("missing", []):
            key = answer_key(str(fact))
            if key:
                answers.setdefault(key, f"work-up: {gap['item']}")
            else:
                fields.setdefault(str(fact), []).append(f"work-up: {gap['item']}")
    return list(answers.items()), [(f, ", ".join(dict.fromkeys(w))) for f, w in fields.items()]


class _Keys:
    """Keys whole in a column as wide as the longest key, what each could change beside it; on a screen too
    narrow for both, each key on its own line with its note below (a key wider than the screen folds)."""

    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        self.pairs = pairs

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        longest = max(len(k) for k, _ in self.pairs)
        if options.max_width >= longest + 4 + NOTE_MIN_WIDTH:
            grid = Table.grid(padding=(0, 2))
            grid.add_column(width=2)
            grid.add_column(min_width=longest, overflow="fold")
            grid.add_column(overflow="fold", style="dim")
            for key, what in self.pairs:
                grid.add_row("", Text(key, overflow="fold"), Text(what, overflow="fold"))
            yield grid
            return
        for key, what in self.pairs:
            yield Text("    " + key, overflow="fold")
            if what:
                yield Text("      " + what, style="dim", overflow="fold")


def _collect(out: Mapping[str, Any]) -> list[RenderableType]:
    answers, fields = facts_to_collect(out)
    lines: list[RenderableType] = [_heading("To collect")]
    if not answers and not fields:
        lines.append(_line("  nothing for the guidelines or the recruiting trials"))
    if fields:
        lines.append(_line(("  case fields", "bold"), (" (each could change what follows it)", "dim")))
        lines.append(_Keys(fields))
    if answers:
        lines.append(_line(("  answers:", "bold"), (" (clinician attestations, true or false each)", "dim")))
        lines.append(_Keys(answers))
    lines.append(_line(("  every unanswered question with its text: ", "dim"), "oligoboard answers CASE"))
    return lines


# ── the view ───────────────────────────────────────────────────────────────────────────────────────


def render_clinician(out: Mapping[str, Any], kb: KnowledgeBase) -> Group:
    """The one-screen view of an assessment (the JSON contract), for a clinician."""
    parts: list[RenderableType] = [
        _line((f"Case {visible(out['case_id'])}", "bold"), f" · assessed {out.get('assessment_date')}"),
    ]
    parts.extend(_disease_state(out["disease_state"]))
    parts.extend(_recommendations(out, kb))
    parts.extend(_trials(out, kb))
    parts.extend(_radiotherapy(out))
    parts.extend(_collect(out))
    parts.append(
        _line(
            ("More: ", "dim"),
            "--full",
            (" every criterion · ", "dim"),
            "--sources",
            (" citations · ", "dim"),
            "--json",
            (f" · knowledge {out['knowledge_version']}", "dim"),
        )
    )
    return Group(*parts)
