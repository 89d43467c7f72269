"""The FastAPI application: store, routes, static files and error handlers, built by `create_app`.

`oligoboard serve` calls `create_app(Settings…)` and runs it under uvicorn; tests build their own app on
a temporary database. OpenAPI documentation of the JSON API is served at /docs.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

from oligoboard import __version__
from oligoboard.store.db import make_engine, session_factory, upgrade
from oligoboard.store.login_attempts import LoginPolicy
from oligoboard.web import errors
from oligoboard.web.routes import (
    api,
    auth,
    caseform,
    cases,
    cds_hooks,
    fhir,
    meetings,
    trials_api,
    trials_ops,
)
from oligoboard.web.security import LoginRateLimiter
from oligoboard.web.settings import Settings

STATIC = Path(__file__).resolve().parent / "static"


def create_app(settings: Settings) -> FastAPI:
    """The workspace on `settings.database_url`, its schema migrated to the newest revision."""
    engine = make_engine(settings.database_url)
    upgrade(engine)
    app = FastAPI(
        title="oligoboard workspace",
        version=__version__,
        description="Cases, assessments and tumour-board decisions for oligometastatic NSCLC.",
        docs_url="/docs",
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.factory = session_factory(engine)
    app.state.limiter = LoginRateLimiter(
        LoginPolicy(
            settings.login_max_failures, settings.login_window_seconds, settings.login_lockout_seconds
        )
    )
    errors.install(app)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for module in (auth, cases, caseform, meetings, api, fhir, cds_hooks, trials_api, trials_ops):
        app.include_router(module.router)

    @app.get("/", include_in_schema=False)
    def home() -> RedirectResponse:
        return RedirectResponse("/cases", status_code=303)

    @app.middleware("http")
    async def security_headers(request, call_next):  # type: ignore[no-untyped-def]
        try:
            response = await call_next(request)
        except Exception as exc:  # every unexpected error: 500, logged by type only
            response = errors.internal_error(request, exc)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if not request.url.path.startswith("/docs"):
            response.headers.setdefault(
                "Content-Security-Policy", "default-src 'self'; style-src 'self'; form-action 'self'"
            )
        return response

    return app
