"""One handler per refusal, for pages and the API alike (the growth layout's `web/errors.py`).

`InputError` → 422 with the field paths (never the values), `NotAuthenticated` → 401 (pages: redirect to
/login), `Forbidden` → 403. Anything else is logged by the server as its type only and shown as 500
without details, so no patient value reaches a log or a page through an exception message.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response

from oligoboard.errors import InputError
from oligoboard.web.deps import Forbidden, NotAuthenticated, is_api
from oligoboard.web.problems import NotFound, safe_problems, safe_summary
from oligoboard.web.templating import render

log = logging.getLogger("oligoboard.web")


def install(app: FastAPI) -> None:
    @app.exception_handler(NotAuthenticated)
    async def _unauthenticated(request: Request, _exc: NotAuthenticated) -> Response:
        if is_api(request):
            return JSONResponse({"error": "not_authenticated", "message": "sign in first"}, status_code=401)
        return RedirectResponse("/login", status_code=303)

    @app.exception_handler(Forbidden)
    async def _forbidden(request: Request, exc: Forbidden) -> Response:
        if is_api(request):
            return JSONResponse({"error": "forbidden", "message": exc.reason}, status_code=403)
        return render("error.html.j2", 403, title="Not allowed", message=exc.reason, problems=[])

    @app.exception_handler(InputError)
    async def _invalid(request: Request, exc: InputError) -> Response:
        status = 404 if isinstance(exc, NotFound) else 422
        message = exc.message if isinstance(exc, NotFound) else safe_summary(exc)
        body = {
            "error": "not_found" if status == 404 else "invalid_input",
            "message": message,
            "problems": safe_problems(exc),
        }
        if is_api(request):
            return JSONResponse(body, status_code=status)
        title = "Not found" if status == 404 else "Invalid input"
        return render("error.html.j2", status, title=title, message=message, problems=body["problems"])

    @app.exception_handler(RequestValidationError)
    async def _request_invalid(request: Request, exc: RequestValidationError) -> Response:
        problems = [
            {
                "path": ".".join(str(p) for p in e.get("loc", ())),
                "message": str(e.get("msg", "invalid")),
                "expected": None,
            }
            for e in exc.errors()
        ]
        return JSONResponse(
            {"error": "invalid_input", "message": "invalid request", "problems": problems}, 422
        )


def internal_error(request: Request, exc: Exception) -> Response:
    """A 500 without details; the log names the exception type only (its message may carry a value).

    Called by the app's outermost own middleware, so the exception never reaches Starlette's
    ServerErrorMiddleware, which would re-raise it for the server to log with its traceback.
    """
    log.error("internal error on %s %s: %s", request.method, request.url.path, type(exc).__name__)
    if is_api(request):
        return JSONResponse({"error": "internal", "message": "internal error"}, status_code=500)
    return render(
        "error.html.j2",
        500,
        title="Internal error",
        message="Something went wrong; it was logged.",
        problems=[],
    )
