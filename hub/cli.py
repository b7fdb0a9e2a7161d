"""The `hub` command: serve, migrate, catalog validate/import/export, schema export/check."""

from __future__ import annotations

import asyncio
import difflib
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from hub.access.token_cli import token_app
from hub.settings import Settings

if TYPE_CHECKING:
    from catalog.model import Catalog
    from catalog.validation import Issue
    from hub.metadata.store import ImportSummary
    from hub.reporting.bulk import CsvDraft

app = typer.Typer(
    help="reporting-hub: the data hub of the national reporting system.", no_args_is_help=True
)
catalog_app = typer.Typer(
    help="The semantic catalog: validate, import, export.", no_args_is_help=True
)
schema_app = typer.Typer(help="The GraphQL schema (schema.graphql).", no_args_is_help=True)
demo_app = typer.Typer(help="Demo data, clearly labelled as demo.", no_args_is_help=True)
app.add_typer(catalog_app, name="catalog")
app.add_typer(schema_app, name="schema")
app.add_typer(demo_app, name="demo")
form_app = typer.Typer(help="Report forms to fill offline (Excel).", no_args_is_help=True)
app.add_typer(form_app, name="form")
app.add_typer(token_app, name="token")

console = Console()
err = Console(stderr=True)

SourcesOption = Annotated[
    Path | None,
    typer.Option("--sources", help="Folder of Turtle sources (default: the seed catalog)."),
]


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to bind.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
    reload: Annotated[bool, typer.Option(help="Restart on code changes (development).")] = False,
) -> None:
    """Serve the hub over HTTP with uvicorn."""
    import uvicorn

    settings = Settings.from_env()
    host = host or settings.host
    port = port or settings.port
    console.print(f"reporting-hub on http://{host}:{port}/")
    console.print(f"  GraphQL       http://{host}:{port}/graphql")
    console.print(f"  catalog       http://{host}:{port}/catalog.ttl  (and /catalog.jsonld)")
    console.print(f"  identifiers   http://{host}:{port}/id/indicator/{{code}}")
    uvicorn.run("hub.app:create_app", factory=True, host=host, port=port, reload=reload)


@app.command()
def migrate() -> None:
    """Upgrade the database to the latest schema (creates the SQLite file if needed)."""
    from hub.db import run_migrations

    settings = Settings.from_env()
    run_migrations(settings.database_url)
    console.print("database is at the latest migration")


@catalog_app.command("validate")
def catalog_validate(sources: SourcesOption = None) -> None:
    """Check the Turtle sources with SHACL and the catalog rules; exit 1 on a violation."""
    from catalog.validation import format_report

    issues = _validated_source_issues(sources)
    if issues is None:
        raise typer.Exit(1)
    violations = [i for i in issues if i.severity == "violation"]
    if issues:
        err.print(format_report(issues))
    if violations:
        err.print(f"[red]{len(violations)} violation(s): the catalog is not valid[/red]")
        raise typer.Exit(1)
    console.print("[green]catalog is valid[/green]")


@catalog_app.command("import")
def catalog_import(
    sources: SourcesOption = None,
    as_drafts: Annotated[
        bool,
        typer.Option(
            "--as-drafts", help="Store each changed entity as a new draft version to publish."
        ),
    ] = False,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="With --as-drafts: print what would change; write nothing."),
    ] = False,
) -> None:
    """Validate the sources, then load them into the database (idempotent).

    With --as-drafts (curating through Turtle: export, edit, import), every entity that
    differs from its latest version becomes a draft, published with `publishDraft`.
    """
    from catalog.mapping import graph_to_catalog, parse_sources
    from catalog.validation import format_report

    issues = _validated_source_issues(sources)
    if issues is None:
        raise typer.Exit(1)
    if any(i.severity == "violation" for i in issues):
        err.print(format_report(issues))
        err.print("[red]not imported: fix the violations first (hub catalog validate)[/red]")
        raise typer.Exit(1)
    catalog = graph_to_catalog(parse_sources(sources))
    if as_drafts or dry_run:
        _import_as_drafts(catalog, dry_run=dry_run)
        return
    summary = asyncio.run(_import(catalog))
    console.print(f"imported: {summary}", soft_wrap=True)


@catalog_app.command("export")
def catalog_export(
    format: Annotated[str, typer.Option("--format", help="turtle or json-ld")] = "turtle",
    output: Annotated[Path | None, typer.Option(help="File to write (default stdout).")] = None,
) -> None:
    """Write the catalog stored in the database as Turtle or JSON-LD."""
    from catalog.mapping import catalog_to_graph, serialize

    if format not in ("turtle", "json-ld"):
        err.print(f"--format {format!r}: expected turtle or json-ld")
        raise typer.Exit(2)
    settings = Settings.from_env()
    catalog = asyncio.run(_load())
    text = serialize(catalog_to_graph(catalog, settings.base_iri), format)
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
        console.print(f"wrote {output}")


@schema_app.command("export")
def schema_export(
    output: Annotated[Path, typer.Option(help="Where to write the SDL.")] = Path("schema.graphql"),
) -> None:
    """Write the GraphQL SDL of the code."""
    from hub.graphql.schema import schema_sdl

    output.write_text(schema_sdl(), encoding="utf-8")
    console.print(f"wrote {output}")


@schema_app.command("check")
def schema_check(
    path: Annotated[Path, typer.Argument(help="The committed SDL.")] = Path("schema.graphql"),
) -> None:
    """Fail when the committed SDL differs from the code's (run `make schema` to update)."""
    from hub.graphql.schema import schema_sdl

    expected = schema_sdl()
    actual = path.read_text(encoding="utf-8") if path.exists() else ""
    if actual != expected:
        diff = difflib.unified_diff(
            actual.splitlines(), expected.splitlines(), str(path), "code", lineterm=""
        )
        err.print("\n".join(diff), markup=False, highlight=False)
        err.print(f"[red]{path} is out of date: run `make schema`[/red]")
        raise typer.Exit(1)
    console.print(f"{path} matches the code")


@demo_app.command("load")
def demo_load() -> None:
    """Load the demo reports (labelled as demo) of the seed regimes; a second load adds nothing.

    Reports of several provinces and ministries, some late, some missing, some returned or
    revised, submitted and reviewed at historic moments by the actors `demo` and
    `demo-reviewer`. Run `hub catalog import` first.
    """
    import time

    from hub.db import create_engine, create_session_factory
    from hub.demo import DEMO_NOTE, DemoSummary, load_demo
    from hub.errors import HubError

    async def run() -> DemoSummary:
        engine = create_engine(Settings.from_env())
        try:
            async with create_session_factory(engine)() as session:
                summary = await load_demo(session=session)
                await session.commit()
                return summary
        finally:
            await engine.dispose()

    started = time.perf_counter()
    try:
        with err.status("loading the demo data"):
            summary = asyncio.run(run())
    except HubError as error:
        err.print(f"[red]{error.message}[/red]")
        raise typer.Exit(1) from None
    console.print(f"[yellow]{DEMO_NOTE}[/yellow]")
    for regime, (first, last) in summary.periods.items():
        console.print(f"  {regime}: {first} .. {last}")
    console.print(
        f"demo data: {summary.submitted} submissions ({summary.observations} values), "
        f"{summary.accepted} accepted, {summary.returned} returned, {summary.replayed} "
        f"already loaded; {time.perf_counter() - started:.1f} s"
    )


@app.command()
def load(
    file: Annotated[
        Path, typer.Argument(help="The CSV file.", exists=True, dir_okay=False, readable=True)
    ],
    regime: Annotated[str, typer.Option(help="Regime code, e.g. HUB-RR-PROV-SEM-M.")],
    period: Annotated[str, typer.Option(help="Period of the report, e.g. 2025-M07.")],
    agency: Annotated[str, typer.Option(help="Code of the reporting agency, e.g. UBND-01.")],
    system: Annotated[
        str | None,
        typer.Option(help="Connected system whose registered local codes the file uses."),
    ] = None,
    validate_only: Annotated[
        bool, typer.Option("--validate-only", help="Check the file; write nothing.")
    ] = False,
    idempotency_key: Annotated[
        str | None, typer.Option(help="A key that makes a retry of this load a no-op.")
    ] = None,
    actor: Annotated[
        str | None, typer.Option(help="Who submits, for the audit log (default cli:<user>).")
    ] = None,
    file_format: Annotated[
        str,
        typer.Option(
            "--format",
            help="csv (the columns below) or sdmx-csv (SDMX-CSV 1.0 of the regime's dataflow, "
            "as /sdmx/2.1/data writes it).",
        ),
    ] = "csv",
) -> None:
    """Submit a report from a CSV file: one observation a row, checked by the same validator
    and stored in one transaction, like submitReport. A file with any problem writes nothing
    and prints the first 50 problems with their row numbers (the header is row 1).

    \b
    UTF-8, comma-separated (or semicolon-separated, as Excel saves it where the decimal
    mark is a comma). Header, columns in any order:
      indicator,area,period,value,unit,status,comment,dim.SEX,dim.URBAN_RURAL
      HUB-EXPORTS,01,2025-M07,1234.5,USD_MN,,,,
    indicator, area, period, value and unit are required; status (normal, estimated,
    provisional, forecast) and comment are optional. Disaggregations: one dim.<CODELIST>
    column each, the code in the cell; an empty cell means not disaggregated by it.
    """
    import getpass

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from hub.db import create_engine, create_session_factory
    from hub.errors import HubError
    from hub.reporting.bulk import CsvFormatError, LoadResult, load_csv, read_csv

    shown = 50
    if file_format not in ("csv", "sdmx-csv"):
        err.print(f"--format {file_format!r}: expected csv or sdmx-csv")
        raise typer.Exit(2)
    try:
        who = actor or f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no user name in some containers
        who = "cli"
    if file.suffix.lower() == ".xlsx":  # a filled Excel form (`hub form xlsx`)
        _load_workbook(file, regime, period, agency, system, validate_only, idempotency_key, who)
        return
    data = file.read_bytes()
    lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    try:
        with Progress(
            TextColumn("reading {task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            console=err,
        ) as progress:
            task = progress.add_task(file.name, total=lines)
            if file_format == "sdmx-csv":
                parsed = asyncio.run(_read_sdmx_csv(data, regime, period, agency, system))
                progress.advance(task, lines)
            else:
                parsed = read_csv(
                    data,
                    regime=regime,
                    period=period,
                    agency=agency,
                    system=system,
                    on_rows=lambda count: progress.advance(task, count),
                )
    except CsvFormatError as error:
        for problem in error.problems[:shown]:
            err.print(str(problem), markup=False, highlight=False)
        err.print(f"[red]{file}: cannot be read ({len(error.problems)} problem(s))[/red]")
        raise typer.Exit(1) from None

    async def submit(parsed: CsvDraft) -> LoadResult:
        engine = create_engine(Settings.from_env())
        try:
            async with create_session_factory(engine)() as session:
                result = await load_csv(
                    parsed,
                    session=session,
                    actor=who,
                    validate_only=validate_only,
                    idempotency_key=idempotency_key,
                )
                if result.ok and not validate_only:
                    await session.commit()
                return result
        finally:
            await engine.dispose()

    try:
        with err.status(f"validating {len(parsed.rows)} observations"):
            result = asyncio.run(submit(parsed))
    except HubError as error:
        err.print(f"[red]{error.message}[/red]")
        raise typer.Exit(1) from None
    if not result.ok:
        for problem in result.problems[:shown]:
            err.print(str(problem), markup=False, highlight=False)
        more = f", the first {shown} shown" if len(result.problems) > shown else ""
        err.print(f"[red]{len(result.problems)} problem(s){more}: nothing was written[/red]")
        raise typer.Exit(1)
    outcome = result.outcome
    if validate_only:
        console.print(f"valid: {outcome.observation_count} observations (nothing written)")
        return
    assert outcome.version is not None
    done = "already loaded with this idempotency key" if outcome.replayed else "stored"
    console.print(
        f"{done}: {regime}/{agency}/{period} version {outcome.version.version}, "
        f"{outcome.observation_count} observations ({outcome.created} new, "
        f"{outcome.revised} revised, {outcome.unchanged} unchanged)"
    )


@form_app.command("xlsx")
def form_xlsx(
    regime: Annotated[str, typer.Option(help="Regime code, e.g. HUB-RR-PROV-SEM-M.")],
    period: Annotated[str, typer.Option(help="Period of the report, e.g. 2025-M07.")],
    output: Annotated[Path, typer.Option(help="The .xlsx file to write.")],
    agency: Annotated[
        str | None, typer.Option(help="Reporting agency: its codes and areas are filled in.")
    ] = None,
) -> None:
    """Write a regime's report form for a period as an Excel workbook: one sheet per data
    table, a sheet for the outline. Fill it, then `hub load FILE.xlsx --regime ...`."""
    from hub.errors import HubError
    from hub.reporting.excel import form_bytes

    try:
        catalog = asyncio.run(_load())
        data = form_bytes(catalog, regime, period, agency)
    except HubError as error:
        err.print(f"[red]{error.message}[/red]")
        raise typer.Exit(1) from None
    output.write_bytes(data)
    console.print(f"wrote {output}")


def _load_workbook(
    file: Path,
    regime: str,
    period: str,
    agency: str,
    system: str | None,
    validate_only: bool,
    idempotency_key: str | None,
    who: str,
) -> None:
    """`hub load` of a filled Excel form: problems are printed with their cells."""
    from hub.db import create_engine, create_session_factory
    from hub.errors import HubError
    from hub.reporting.excel_import import (
        ExcelDraft,
        ExcelFormatError,
        ExcelLoadResult,
        load_workbook_draft,
        read_workbook,
    )

    shown = 50
    try:
        parsed = read_workbook(
            file.read_bytes(), regime=regime, period=period, agency=agency, system=system
        )
    except ExcelFormatError as error:
        for problem in error.problems[:shown]:
            err.print(str(problem), markup=False, highlight=False)
        err.print(f"[red]{file}: cannot be read ({len(error.problems)} problem(s))[/red]")
        raise typer.Exit(1) from None
    except HubError as error:
        err.print(f"[red]{error.message}[/red]")
        raise typer.Exit(1) from None

    async def submit(parsed: ExcelDraft) -> ExcelLoadResult:
        engine = create_engine(Settings.from_env())
        try:
            async with create_session_factory(engine)() as session:
                result = await load_workbook_draft(
                    parsed,
                    session=session,
                    actor=who,
                    validate_only=validate_only,
                    idempotency_key=idempotency_key,
                )
                if result.ok and not validate_only:
                    await session.commit()
                return result
        finally:
            await engine.dispose()

    try:
        result = asyncio.run(submit(parsed))
    except HubError as error:
        err.print(f"[red]{error.message}[/red]")
        raise typer.Exit(1) from None
    if not result.ok:
        for problem in result.problems[:shown]:
            err.print(str(problem), markup=False, highlight=False)
        more = f", the first {shown} shown" if len(result.problems) > shown else ""
        err.print(f"[red]{len(result.problems)} problem(s){more}: nothing was written[/red]")
        raise typer.Exit(1)
    outcome = result.outcome
    if validate_only:
        console.print(f"valid: {outcome.observation_count} observations (nothing written)")
        return
    assert outcome.version is not None
    done = "already loaded with this idempotency key" if outcome.replayed else "stored"
    console.print(
        f"{done}: {regime}/{agency}/{period} version {outcome.version.version}, "
        f"{outcome.observation_count} observations from {file.name}"
    )


def _validated_source_issues(sources: Path | None) -> list[Issue] | None:
    from catalog.mapping import parse_sources
    from catalog.model import CatalogError
    from catalog.validation import validate_graph

    try:
        graph = parse_sources(sources)
    except (OSError, SyntaxError, ValueError) as error:
        err.print(f"[red]cannot read the sources: {error}[/red]")
        return None
    try:
        return list(validate_graph(graph))
    except CatalogError as error:
        err.print(f"[red]{error}[/red]")
        return None


async def _import(catalog: Catalog) -> ImportSummary:
    from hub.db import create_engine, create_session_factory
    from hub.metadata.store import import_catalog

    settings = Settings.from_env()
    engine = create_engine(settings)
    try:
        async with create_session_factory(engine)() as session:
            summary = await import_catalog(catalog, session=session)
            await session.commit()
            return summary
    finally:
        await engine.dispose()


async def _read_sdmx_csv(
    data: bytes, regime: str, period: str, agency: str, system: str | None
) -> CsvDraft:
    """An SDMX-CSV file read against the stored catalog's dataflow of `regime`."""
    from hub.db import create_engine, create_session_factory
    from hub.errors import NotFoundError
    from hub.metadata.store import load_catalog
    from hub.reporting.bulk import CsvFormatError, CsvProblem
    from hub.sdmx.csv_import import read_sdmx_csv

    engine = create_engine(Settings.from_env())
    try:
        async with create_session_factory(engine)() as session:
            catalog = await load_catalog(session=session)
    finally:
        await engine.dispose()
    try:
        return read_sdmx_csv(
            data, catalog, regime=regime, period=period, agency=agency, system=system
        )
    except NotFoundError as error:  # no such regime, or one without data tables
        raise CsvFormatError([CsvProblem(None, "regime", "NO_DATAFLOW", error.message)]) from None


def _import_as_drafts(catalog: Catalog, *, dry_run: bool) -> None:
    from hub.db import create_engine, create_session_factory
    from hub.metadata.curation import PlannedChange, import_as_drafts

    async def run() -> list[PlannedChange]:
        engine = create_engine(Settings.from_env())
        try:
            async with create_session_factory(engine)() as session:
                changes = await import_as_drafts(
                    catalog, session=session, actor="local", dry_run=dry_run
                )
                if not dry_run:
                    await session.commit()
                return changes
        finally:
            await engine.dispose()

    changes = asyncio.run(run())
    for change in changes:
        what = "new" if change.base_version == 0 else f"edit of version {change.base_version}"
        console.print(f"{change.kind.value} {change.code}: {what}", markup=False)
        console.print(change.diff, markup=False, highlight=False, soft_wrap=True)
    done = "would become drafts (dry run, nothing written)" if dry_run else "stored as drafts"
    console.print(f"{len(changes)} changed entit{'y' if len(changes) == 1 else 'ies'} {done}")


async def _load() -> Catalog:
    from hub.db import create_engine, create_session_factory
    from hub.metadata.store import load_catalog

    settings = Settings.from_env()
    engine = create_engine(settings)
    try:
        async with create_session_factory(engine)() as session:
            return await load_catalog(session=session)
    finally:
        await engine.dispose()


def main() -> None:
    app()
