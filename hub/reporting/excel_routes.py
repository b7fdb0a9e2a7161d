"""`GET /forms/{regime}/{period}.xlsx[?agency=A]`: a regime's form as an Excel workbook."""

from __future__ import annotations

import asyncio

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from hub.errors import HubError, NotFoundError
from hub.metadata.store import load_catalog
from hub.read_routing import read_sessions
from hub.reporting.excel import form_bytes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def download_form(request: Request) -> Response:
    """The form of the regime and period in the path, for `agency` when given."""
    regime = request.path_params["regime"]
    period = request.path_params["period"]
    agency = request.query_params.get("agency") or None
    async with read_sessions(request)() as session:
        catalog = await load_catalog(session=session)
    try:
        # Building a workbook is CPU work of a few hundred ms for large forms: off the loop.
        data = await asyncio.to_thread(form_bytes, catalog, regime, period, agency)
    except NotFoundError as error:
        return PlainTextResponse(f"404 Not Found: {error.message}", status_code=404)
    except HubError as error:
        return PlainTextResponse(f"400 Bad Request: {error.message}", status_code=400)
    filename = f"{regime}_{period}{'_' + agency if agency else ''}.xlsx"
    return Response(
        data,
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def form_routes() -> list[Route]:
    return [Route("/forms/{regime}/{period}.xlsx", download_form, methods=["GET"])]
