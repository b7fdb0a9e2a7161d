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
from hub.reporting.load_cli import load
from hub.settings import Settings

if TYPE_CHECKING:
    from catalog.model import Catalog
    from catalog.validation import Issue
    from hub.metadata.store import ImportSummary

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
app.command()(load)

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
