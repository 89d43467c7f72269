"""Trial-office pages: screening → enrolment → randomisation → follow-up → analysis, per configured trial.

The pages post forms to the same functions as the JSON API (`routes/trials_api.py`), so the rules,
permissions and refusals are one. Screening lists every stored case with its current verdict for the
trial (the case's assessment); the analysis page shows Kaplan–Meier curves of PFS and OS by arm
(trialstats' `trial.survival`, plotted by `report.trial.km_plot`) and the CONSORT counts and diagram.
"""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from oligoboard.errors import InputError
from oligoboard.store import repositories as repo
from oligoboard.store import trial_repositories as trials
from oligoboard.store.db import transaction
from oligoboard.trial import followup
from oligoboard.trial.randomisation.config import TrialOperations, configured_trials
from oligoboard.trial.survival.endpoints import EndpointDefinition, endpoint_definition
from oligoboard.web.deps import Principal, factory, permit
from oligoboard.web.problems import NotFound
from oligoboard.web.routes import trials_api as work
from oligoboard.web.templating import render

router = APIRouter(include_in_schema=False)
#: matplotlib (imported on first use, global pyplot state) is not thread-safe: one figure at a time
_FIGURES = threading.Lock()


async def _form(request: Request) -> dict[str, Any]:
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}


def screening(session: Session, config: TrialOperations) -> list[dict[str, Any]]:
    """Every stored case with the trial's verdict on its current version, and its enrolment if any."""
    enrolled = {row.case_pk: row.id for row in trials.enrolments(session, config.trial)}
    out = []
    for record in repo.list_cases(session, "", "", "", 100, 0).items:
        try:
            _, assessment = work.assessment_of(session, record.case_id)
        except InputError:
            continue  # a stored case the current contract refuses is not screenable
        verdict = next((t for t in assessment.get("trials", []) if t.get("id") == config.trial), None)
        out.append(
            {
                "case_id": record.case_id,
                "version": record.current_version,
                "verdict": verdict.get("status") if verdict else "not assessed",
                "enrolment_id": enrolled.get(record.id),
            }
        )
    return out


@router.get("/trials")
def trial_list(request: Request, p: Principal = Depends(permit("trial:read"))) -> Response:
    with transaction(factory(request)) as session:
        items = [
            {
                "config": c,
                "enrolled": len(trials.enrolments(session, c.trial)),
                "randomised": len(trials.allocations(session, c.trial)),
            }
            for c in configured_trials().values()
        ]
    return render("trial_list.html.j2", principal=p, items=items)


@router.get("/trials/{trial_id}")
def trial_page(request: Request, trial_id: str, p: Principal = Depends(permit("trial:read"))) -> Response:
    config = work.config_of(trial_id)
    with transaction(factory(request)) as session:
        rows = work.enrolment_rows(session, config)
        screened = screening(session, config)
    overdue = [
        {"case_id": r["case_id"], "enrolment_id": r["enrolment_id"], **o} for r in rows for o in r["overdue"]
    ]
    return render(
        "trial_ops.html.j2", principal=p, config=config, rows=rows, screened=screened, overdue=overdue
    )


@router.post("/trials/{trial_id}/enrolments")
async def enrol_form(
    request: Request, trial_id: str, p: Principal = Depends(permit("trial:enrol", csrf=True))
) -> Response:
    config = work.config_of(trial_id)
    row = work.enrol(request, config, await _form(request), p)
    return RedirectResponse(f"/trials/{trial_id}/enrolments/{row.id}", status_code=303)


@router.get("/trials/{trial_id}/enrolments/{enrolment_id}")
def enrolment_page(
    request: Request, trial_id: str, enrolment_id: int, p: Principal = Depends(permit("trial:read"))
) -> Response:
    config = work.config_of(trial_id)
    with transaction(factory(request)) as session:
        row = work.enrolment_or_404(session, config, enrolment_id)
        item = next(r for r in work.enrolment_rows(session, config) if r["enrolment_id"] == row.id)
        snapshot = trials.snapshot_of(row)
        visits = trials.visits(session, row.id)
        record = trials.case_of(session, row)
        document = repo.document_of(repo.current_version(session, record))
        allocation = trials.allocation_of(session, row.id)
        schedule = (
            followup.schedule(config, dt.date.fromisoformat(allocation.randomisation_date))
            if allocation
            else []
        )
    scans = {str(s.get("id")): s for s in document.get("imaging") or []}
    return render(
        "trial_enrolment.html.j2",
        principal=p,
        config=config,
        item=item,
        snapshot=snapshot,
        override_reason=row.override_reason,
        visits=[{"visit": v, "scan": scans.get(v.scan_id, {})} for v in visits],
        schedule=schedule,
        lesions=[str(lesion.get("id")) for lesion in document.get("lesions") or []],
        sites=followup.SITES,
        responses=followup.RESPONSES,
    )


@router.post("/trials/{trial_id}/randomisations")
async def randomise_form(
    request: Request, trial_id: str, p: Principal = Depends(permit("trial:randomise", csrf=True))
) -> Response:
    config = work.config_of(trial_id)
    form = await _form(request)
    body: dict[str, Any] = {
        "enrolment_id": form.get("enrolment_id"),
        "randomisation_date": form.get("randomisation_date"),
        "factors": {k[len("factor_") :]: v for k, v in form.items() if k.startswith("factor_")},
    }
    done = work.randomise(request, config, body, p)
    return RedirectResponse(f"/trials/{trial_id}/enrolments/{done.enrolment_id}", status_code=303)


@router.post("/trials/{trial_id}/enrolments/{enrolment_id}/visits")
async def visit_form(
    request: Request,
    trial_id: str,
    enrolment_id: int,
    p: Principal = Depends(permit("trial:followup", csrf=True)),
) -> Response:
    config = work.config_of(trial_id)
    work.record_visit(request, config, enrolment_id, await _form(request), p)
    return RedirectResponse(f"/trials/{trial_id}/enrolments/{enrolment_id}", status_code=303)


@router.post("/trials/{trial_id}/enrolments/{enrolment_id}/death")
async def death_form(
    request: Request,
    trial_id: str,
    enrolment_id: int,
    p: Principal = Depends(permit("trial:followup", csrf=True)),
) -> Response:
    config = work.config_of(trial_id)
    work.record_death(request, config, enrolment_id, await _form(request), p)
    return RedirectResponse(f"/trials/{trial_id}/enrolments/{enrolment_id}", status_code=303)


@router.post("/trials/{trial_id}/randomisations/{sequence}/invalidations")
async def invalidate_form(
    request: Request,
    trial_id: str,
    sequence: int,
    p: Principal = Depends(permit("trial:invalidate", csrf=True)),
) -> Response:
    config = work.config_of(trial_id)
    work.invalidate(request, config, sequence, await _form(request), p)
    return RedirectResponse(f"/trials/{trial_id}", status_code=303)


# --------------------------------------------------------------------------------------------- analysis


def _flow(session: Session, config: TrialOperations) -> Any:
    from oligoboard.trial.consort import Allocation, AnalysisExclusion, Screened, consort_flow

    rows = work.enrolment_rows(session, config)
    by_case = {r["case_id"]: r for r in rows}
    screened = []
    for s in screening(session, config):
        row = by_case.get(s["case_id"])
        if row is not None and row["sequence"] is not None:
            screened.append(Screened(s["case_id"]))
        elif row is not None:
            screened.append(Screened(s["case_id"], "enrolled, not yet randomised"))
        elif s["verdict"] == "ineligible":
            screened.append(Screened(s["case_id"], "not meeting inclusion criteria"))
        else:
            screened.append(Screened(s["case_id"], f"{s['verdict']}, not enrolled"))
    allocated = [r for r in rows if r["sequence"] is not None]
    labels = {a.id: a.label for a in config.arms.value}
    return consort_flow(
        screened,
        [Allocation(r["case_id"], labels[r["arm"]]) for r in allocated],
        analysis_exclusions=[
            AnalysisExclusion(r["case_id"], "allocation invalidated") for r in allocated if r["invalidated"]
        ],
        arms=[a.label for a in config.arms.value],
    )


def _sample(session: Session, config: TrialOperations, endpoint: str) -> Any:
    from oligoboard.trial.survival.data import sample_from_values

    rows = work.endpoint_rows(session, config)
    if not rows:
        return None
    labels = {a.id: a.label for a in config.arms.value}
    return sample_from_values(
        [r[f"{endpoint}_days"] / 30.4375 for r in rows],
        [int(r[f"{endpoint}_event"]) for r in rows],
        [labels[r["arm"]] for r in rows],
    )


_EVENT_WORDS = {
    "tumour_assessment": "tumour assessment",
    "last_known_alive": "date known alive",
    "progression": "progression",
    "death": "death from any cause",
    "enrolment": "enrolment",
    "randomisation": "randomisation",
}


def _endpoint_sentence(definition: EndpointDefinition) -> str:
    """The protocol's definition in words: origin, the events that end the time, where it is censored."""
    events = " or ".join(_EVENT_WORDS[e] for e in definition.events)
    censor = ", ".join(_EVENT_WORDS[e] for e in definition.censor_at) or _EVENT_WORDS[definition.origin]
    return (
        f"{definition.name}: from {_EVENT_WORDS[definition.origin]} to the first {events}; "
        f"without one, censored at the latest {censor}"
    )


@router.get("/trials/{trial_id}/analysis")
def analysis_page(request: Request, trial_id: str, p: Principal = Depends(permit("trial:read"))) -> Response:
    from oligoboard.trial.survival.summary import summarise

    config = work.config_of(trial_id)
    definitions = {kind: endpoint_definition(config.trial, kind) for kind in ("pfs", "os")}
    with transaction(factory(request)) as session:
        flow = _flow(session, config)
        summaries = {}
        for endpoint in ("pfs", "os"):
            sample = _sample(session, config, endpoint)
            summaries[endpoint] = None if sample is None else summarise(sample, at=(6.0, 12.0, 24.0))
        endpoints = work.endpoint_rows(session, config)
    return render(
        "trial_analysis.html.j2",
        principal=p,
        config=config,
        flow=flow.as_dict(),
        summaries=summaries,
        endpoints=endpoints,
        definitions=definitions,
        endpoint_words={kind: _endpoint_sentence(d) for kind, d in definitions.items()},
    )


@router.get("/trials/{trial_id}/analysis/{figure}.png")
def analysis_figure(
    request: Request, trial_id: str, figure: str, _p: Principal = Depends(permit("trial:read"))
) -> Response:
    config = work.config_of(trial_id)
    with _FIGURES, transaction(factory(request)) as session:
        if figure == "consort":
            from oligoboard.report.trial.consort_diagram import render_consort

            png = render_consort(_flow(session, config), fmt="png", title=f"{config.trial} CONSORT flow")
        elif figure in ("pfs", "os"):
            from oligoboard.report.trial.km_plot import render_km_plot
            from oligoboard.trial.survival.summary import curves

            sample = _sample(session, config, figure)
            if sample is None:
                raise NotFound("no randomised patient yet", [])
            png = render_km_plot(
                curves(sample),
                fmt="png",
                title=f"{config.trial} {'progression-free' if figure == 'pfs' else 'overall'} survival",
                time_label="Months from randomisation",
            )
        else:
            raise NotFound("unknown figure", [])
    return Response(png, media_type="image/png")
