"""CSV export of any observation query, streamed page by page, labelled in Vietnamese or English.

`GET /export/observations.csv` takes the filters of the `observations` query as URL
parameters (repeat a parameter, or separate codes by commas, for several):

    indicator=POP,REV   area=01   from=2024-Q1   to=2025   frequency=Q
    dim=SEX:F           status=estimated          asOf=2025-01-01T00:00:00+07:00
    lang=vi|en (labels; default vi)

Rows are the public values (the latest accepted revision of published indicators, or the
one accepted at `asOf`), in the order of the keyset reads. Values are written exactly as
stored (positional decimals, never floats). The response streams: the export reads
`PAGE` observations per statement with `list_observations`, writes them and reads on, so
the table is never held in memory. A bad parameter is a 400 naming it, before anything is
streamed.
"""

from __future__ import annotations

import contextlib
import csv
import io
from collections.abc import AsyncGenerator, AsyncIterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse

from catalog.model import Catalog, Frequency
from catalog.periods import PeriodError, parse_period
from hub.decimals import decimal_text
from hub.errors import HubError, InvalidInputError
from hub.metadata.store import load_catalog
from hub.observations.models import StatusFlag
from hub.observations.records import ObservationCriteria, ObservationRow
from hub.observations.service import list_observations
from hub.read_routing import read_sessions

PAGE = 1_000  # observations read per statement
LANGUAGES = ("vi", "en")
PARAMETERS = ("indicator", "area", "from", "to", "frequency", "dim", "status", "asOf", "lang")
COLUMNS = (
    "indicator",
    "indicator_name",
    "area",
    "area_name",
    "period",
    "frequency",
    "disaggregation",
    "disaggregation_name",
    "value",
    "unit",
    "unit_name",
    "status",
    "revision",
    "accepted_at",
)


@dataclass(frozen=True)
class ExportQuery:
    """What to export and in which language."""

    criteria: ObservationCriteria
    lang: str = "vi"


def _codes(params: QueryParams, name: str) -> tuple[str, ...]:
    codes: list[str] = []
    for value in params.getlist(name):
        codes.extend(part.strip() for part in value.split(",") if part.strip())
    return tuple(codes)


def _one(params: QueryParams, name: str) -> str | None:
    values = params.getlist(name)
    if len(values) > 1:
        raise InvalidInputError(f"`{name}` is given {len(values)} times; give it once", field=name)
    if values and not values[0].strip():
        raise InvalidInputError(f"`{name}` is empty", field=name)
    return values[0].strip() if values else None


def parse_export_query(params: QueryParams) -> ExportQuery:
    """The export the URL parameters ask for; `InvalidInputError` naming a bad parameter."""
    unknown = sorted(set(params.keys()) - set(PARAMETERS))
    if unknown:
        raise InvalidInputError(
            f"unknown parameter `{unknown[0]}`; the export takes {', '.join(PARAMETERS)}",
            field=unknown[0],
        )
    lang = _one(params, "lang") or "vi"
    if lang not in LANGUAGES:
        raise InvalidInputError(f"lang must be vi or en, not {lang!r}", field="lang")
    for name in ("from", "to"):
        value = _one(params, name)
        if value is not None:
            try:
                parse_period(value)
            except PeriodError as error:
                raise InvalidInputError(f"`{name}`: {error}", field=name) from None
    frequency: Frequency | None = None
    if (text := _one(params, "frequency")) is not None:
        try:
            frequency = Frequency(text)
        except ValueError:
            known = ", ".join(f.value for f in Frequency)
            raise InvalidInputError(
                f"frequency {text!r} is not one of {known}", field="frequency"
            ) from None
    dimensions: list[tuple[str, str]] = []
    for pair in _codes(params, "dim"):
        codelist, sep, code = pair.partition(":")
        if not sep or not codelist.strip() or not code.strip():
            raise InvalidInputError(
                f"dim {pair!r} is not CODELIST:CODE (e.g. dim=SEX:F)", field="dim"
            )
        dimensions.append((codelist.strip(), code.strip()))
    statuses: list[StatusFlag] = []
    for text in _codes(params, "status"):
        try:
            statuses.append(StatusFlag(text.lower()))
        except ValueError:
            known = ", ".join(f.value for f in StatusFlag)
            raise InvalidInputError(
                f"status {text!r} is not one of {known}", field="status"
            ) from None
    as_of: datetime | None = None
    if (text := _one(params, "asOf")) is not None:
        try:
            as_of = datetime.fromisoformat(text)
        except ValueError:
            raise InvalidInputError(
                f"asOf {text!r} is not an ISO 8601 date-time", field="asOf"
            ) from None
        if as_of.tzinfo is None:
            raise InvalidInputError(
                "asOf needs a time zone (e.g. 2025-01-01T00:00:00+07:00)", field="asOf"
            )
    criteria = ObservationCriteria(
        indicators=_codes(params, "indicator"),
        areas=_codes(params, "area"),
        period_from=_one(params, "from"),
        period_to=_one(params, "to"),
        frequency=frequency,
        dimensions=tuple(sorted(dimensions)),
        status_flags=tuple(statuses),
        as_of=as_of,
    )
    return ExportQuery(criteria, lang)


class Labels:
    """Names of codes and units in one language (the other when a name is missing)."""

    def __init__(self, catalog: Catalog, lang: str) -> None:
        self.lang = lang
        self.codelists = {
            code: (codelist.name.get(lang), {c.code: c.name.get(lang) for c in codelist.codes})
            for code, codelist in catalog.codelists.items()
        }
        self.units = {code: unit.name.get(lang) for code, unit in catalog.units.items()}

    def disaggregation(self, dimensions: Sequence[tuple[str, str]]) -> str:
        parts = []
        for codelist, code in dimensions:
            name, codes = self.codelists.get(codelist, (codelist, {}))
            parts.append(f"{name}: {codes.get(code, code)}")
        return "; ".join(parts)

    def row(self, row: ObservationRow) -> list[str]:
        english = self.lang == "en"
        return [
            row.indicator,
            (row.indicator_name_en if english else None) or row.indicator_name_vi,
            row.area,
            (row.area_name_en if english else None) or row.area_name_vi,
            row.period,
            row.frequency.value,
            row.dimension_key,
            self.disaggregation(row.dimensions),
            decimal_text(row.value),
            row.unit,
            self.units.get(row.unit, row.unit),
            row.status_flag.value,
            str(row.revision),
            row.accepted_at.isoformat() if row.accepted_at else "",
        ]


def _csv_lines(rows: Sequence[Sequence[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


async def export_pages(
    query: ExportQuery, *, session: AsyncSession, page: int = PAGE
) -> AsyncGenerator[str, None]:
    """The CSV text of the export, header first, one chunk per page of `page` observations."""
    labels = Labels(await load_catalog(session=session), query.lang)
    yield _csv_lines([COLUMNS])
    after: str | None = None
    while True:
        rows, _ = await list_observations(
            query.criteria, after=after, limit=page, session=session, with_total=False
        )
        if rows:
            yield _csv_lines([labels.row(row) for row in rows])
        if len(rows) < page:
            return
        after = rows[-1].cursor


async def _first_and_rest(
    chunks: AsyncGenerator[str, None],
) -> tuple[list[str], AsyncGenerator[str, None]]:
    """Run the export up to its first page, so that errors become a 400, not a cut stream."""
    head = [await anext(chunks)]
    with contextlib.suppress(StopAsyncIteration):
        head.append(await anext(chunks))
    return head, chunks


def _bad_request(error: HubError) -> Response:
    return PlainTextResponse(f"400 Bad Request: {error.message}", status_code=400)


async def export_observations_csv(request: Request) -> Response:
    """`GET /export/observations.csv`: the module docstring says the parameters."""
    try:
        query = parse_export_query(request.query_params)
    except HubError as error:
        return _bad_request(error)
    factory = read_sessions(request)
    session = factory()
    chunks = export_pages(query, session=session, page=PAGE)
    try:
        head, rest = await _first_and_rest(chunks)
    except HubError as error:
        await chunks.aclose()
        await session.close()
        return _bad_request(error)
    except BaseException:
        await chunks.aclose()
        await session.close()
        raise

    async def body() -> AsyncIterator[str]:
        try:
            for chunk in head:
                yield chunk
            async for chunk in rest:
                yield chunk
        finally:
            await rest.aclose()
            await session.close()

    filename = "observations.csv"
    headers: Mapping[str, str] = {"Content-Disposition": f'attachment; filename="{filename}"'}
    return StreamingResponse(body(), media_type="text/csv; charset=utf-8", headers=headers)


__all__ = [
    "COLUMNS",
    "ExportQuery",
    "export_observations_csv",
    "export_pages",
    "parse_export_query",
]
