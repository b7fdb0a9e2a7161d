"""The dashboard's routes: `/` (overview, or the service description as JSON), an indicator's
page, a regime's compliance board, and the pages' own static assets."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from catalog.periods import PeriodError
from hub.db import utcnow
from hub.errors import HubError, InvalidInputError, NotFoundError
from hub.metadata.service import get_indicator
from hub.portal.boards import board_period, neighbours
from hub.portal.headlines import HEADLINES, RANKINGS
from hub.portal.messages import page_language
from hub.portal.pages import link, render_page
from hub.reporting.regimes import get_regime, list_regimes
from hub.reporting.validation import vietnam_date

STATIC_DIR = Path(__file__).parent / "static"


def prefers_html(accept: str | None) -> bool:
    """Whether a client names HTML at least as high as JSON (browsers do; curl's and most
    API clients' `*/*` does not, so they keep getting JSON)."""
    quality = {"html": 0.0, "json": 0.0}
    for item in (accept or "").split(","):
        media, *params = item.strip().lower().split(";")
        q = 1.0
        for param in params:
            key, _, value = param.strip().partition("=")
            if key == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if media.strip() in ("text/html", "application/xhtml+xml"):
            quality["html"] = max(quality["html"], q)
        elif media.strip() == "application/json":
            quality["json"] = max(quality["json"], q)
    return quality["html"] > 0 and quality["html"] >= quality["json"]


def service_description(request: Request) -> Response:
    """Where the machine-readable ways in are (what `/` answered before the dashboard)."""
    base = str(request.base_url).rstrip("/")
    body = {
        "name": "reporting-hub",
        "graphql": f"{base}/graphql",
        "catalog": {"turtle": f"{base}/catalog.ttl", "jsonld": f"{base}/catalog.jsonld"},
        "identifiers": f"{base}/id/{{kind}}/{{code}}",
        "dashboard": f"{base}/",
    }
    return Response(orjson.dumps(body), media_type="application/json", headers={"Vary": "Accept"})


def _error_page(request: Request, lang: str, error: HubError) -> Response:
    status = 404 if isinstance(error, NotFoundError) else 400
    title = "notfound.title" if status == 404 else "badrequest.title"
    field = f"{error.field}: " if error.field else ""
    return render_page(
        request,
        "error.html",
        lang,
        status_code=status,
        title_key=title,
        detail=field + error.message,
    )


def _language(request: Request) -> tuple[str, Response | None]:
    try:
        return page_language(request), None
    except InvalidInputError as error:
        return "vi", _error_page(request, "vi", error)


async def overview(request: Request) -> Response:
    if not prefers_html(request.headers.get("accept")):
        return service_description(request)
    lang, refused = _language(request)
    if refused:
        return refused
    async with request.app.state.session_factory() as session:
        regimes = await list_regimes(session=session)
    boards = [
        {"code": r.code, "name": r.name.get(lang), "frequency": r.frequency.name} for r in regimes
    ]
    return render_page(
        request,
        "overview.html",
        lang,
        data={
            "headlines": [h.as_json() for h in HEADLINES],
            "rankings": [r.as_json() for r in RANKINGS],
        },
        headlines=HEADLINES,
        rankings=RANKINGS,
        boards=boards,
    )


async def indicator_page(request: Request) -> Response:
    lang, refused = _language(request)
    if refused:
        return refused
    code = request.path_params["code"]
    async with request.app.state.session_factory() as session:
        record = await get_indicator(code, session=session)
    if record is None:
        return _error_page(request, lang, NotFoundError("indicator", code, field="code"))
    name = record.indicator.name.get(lang)
    return render_page(
        request,
        "indicator.html",
        lang,
        data={"indicator": code},
        code=code,
        name=name,
        iri_path=f"/id/indicator/{code}",
    )


async def compliance_page(request: Request) -> Response:
    lang, refused = _language(request)
    if refused:
        return refused
    code = request.path_params["code"]
    async with request.app.state.session_factory() as session:
        regime = await get_regime(code, session=session)
    if regime is None:
        return _error_page(request, lang, NotFoundError("regime", code, field="regime"))
    today: date = vietnam_date(utcnow())
    try:
        period = board_period(regime, request.query_params.get("period"), today)
    except PeriodError as error:
        return _error_page(request, lang, InvalidInputError(str(error), field="period"))
    except InvalidInputError as error:
        return _error_page(request, lang, error)
    previous, following = neighbours(regime, period)
    path = f"/regimes/{code}/compliance"
    return render_page(
        request,
        "compliance.html",
        lang,
        data={"regime": code, "period": period.code},
        regime=regime,
        name=regime.name.get(lang),
        period=period.code,
        previous_link=link(lang, path, period=previous.code) if previous else None,
        next_link=link(lang, path, period=following.code) if following else None,
    )


def portal_routes() -> list[BaseRoute]:
    """The dashboard's routes, `/` included."""
    return [
        Route("/", overview, methods=["GET"]),
        Route("/indicators/{code}", indicator_page, methods=["GET"]),
        Route("/regimes/{code}/compliance", compliance_page, methods=["GET"]),
        Mount("/static", StaticFiles(directory=STATIC_DIR), name="static"),
    ]
