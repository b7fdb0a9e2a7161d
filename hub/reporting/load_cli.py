"""`hub load FILE`: a report from a CSV, SDMX-CSV or filled Excel file, through submit_report.

Each format is read into a draft that remembers where each value came from (rows, cells);
the draft then takes the one submission path every way in takes, and its problems are
printed at their rows or cells. Nothing is written when anything is wrong.

Signatures: a regime that requires one (all seed regimes) refuses an unsigned file. Sign
the canonical content the hub derives from the file (`--canonical-content` prints it) and
pass the base64 value with `--signature FILE --key-id ID --algorithm ED25519`; or, as the
operator entering a report received by other means (Decree 09's fallback when the system
is unavailable), say so with `--unsigned`.
"""

from __future__ import annotations

import asyncio
import getpass
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

# The rest is imported when the command runs: `hub serve` and `hub --help` load this module.
if TYPE_CHECKING:
    from hub.access.signatures import DetachedSignature
    from hub.reporting.bulk import CsvDraft
    from hub.reporting.drafts import SubmissionDraft
    from hub.reporting.problems import Problem
    from hub.settings import Settings

console = Console()
err = Console(stderr=True)
SHOWN = 50  # problems printed at most


@dataclass(frozen=True)
class FileDraft:
    """A report read from a file, and how to place the submission's problems in that file."""

    draft: SubmissionDraft
    locate: Callable[[Sequence[Problem]], Sequence[object]]  # each printable: "row 3, unit: ..."


class FileUnreadable(Exception):
    """The file is not a report of the format: its problems, printable."""

    def __init__(self, problems: Sequence[object]) -> None:
        super().__init__(str(problems[0]) if problems else "unreadable")
        self.problems = problems


def load(
    file: Annotated[
        Path, typer.Argument(help="The file.", exists=True, dir_okay=False, readable=True)
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
            "as /sdmx/2.1/data writes it); a .xlsx file is read as a filled form.",
        ),
    ] = "csv",
    canonical: Annotated[
        bool,
        typer.Option(
            "--canonical-content",
            help="Print the canonical content (RFC 8785 JSON) a signature of this file's "
            "report covers, and stop.",
        ),
    ] = False,
    signature_file: Annotated[
        Path | None,
        typer.Option("--signature", help="File holding the base64 signature of the content."),
    ] = None,
    key_id: Annotated[str | None, typer.Option(help="keyId of the registered key.")] = None,
    algorithm: Annotated[
        str | None, typer.Option(help="ED25519, ES256, ES384, RS256 or PS256.")
    ] = None,
    unsigned: Annotated[
        bool,
        typer.Option(
            "--unsigned",
            help="Load without the signature the regime requires: the operator enters a "
            "report received by other means.",
        ),
    ] = False,
) -> None:
    """Submit a report from a file: CSV (one observation a row), SDMX-CSV, or a filled Excel
    form (`hub form xlsx`). Checked by the same validator and stored in one transaction, like
    submitReport. A file with any problem writes nothing and prints the first 50 problems
    with their rows (the header is row 1) or cells.

    \b
    CSV: UTF-8, comma-separated (or semicolon-separated, as Excel saves it where the decimal
    mark is a comma). Header, columns in any order:
      indicator,area,period,value,unit,status,comment,dim.SEX,dim.URBAN_RURAL
      HUB-EXPORTS,01,2025-M07,1234.5,USD_MN,,,,
    indicator, area, period, value and unit are required; status (normal, estimated,
    provisional, forecast) and comment are optional. Disaggregations: one dim.<CODELIST>
    column each, the code in the cell; an empty cell means not disaggregated by it.
    """
    from hub.access.signatures import SignaturePolicy, canonical_content
    from hub.db import create_engine, create_session_factory
    from hub.errors import HubError
    from hub.reporting.submission import SubmissionOutcome, submit_report
    from hub.settings import Settings

    if file_format not in ("csv", "sdmx-csv"):
        err.print(f"--format {file_format!r}: expected csv or sdmx-csv")
        raise typer.Exit(2)
    signature = _signature(signature_file, key_id, algorithm, unsigned)
    settings = Settings.from_env()
    try:
        parsed = _read(file, file_format, settings, regime, period, agency, system)
    except FileUnreadable as error:
        _print_problems(error.problems)
        err.print(f"[red]{file}: cannot be read ({len(error.problems)} problem(s))[/red]")
        raise typer.Exit(1) from None
    except HubError as error:
        err.print(f"[red]{error.message}[/red]")
        raise typer.Exit(1) from None
    if canonical:
        sys.stdout.buffer.write(canonical_content(parsed.draft))
        return
    if settings.require_signatures:
        policy = SignaturePolicy.ALWAYS
    else:
        policy = SignaturePolicy.NEVER if unsigned else SignaturePolicy.REGIME

    async def submit() -> SubmissionOutcome:
        engine = create_engine(settings)
        try:
            async with create_session_factory(engine)() as session:
                outcome = await submit_report(
                    parsed.draft,
                    session=session,
                    actor=actor or _user(),
                    validate_only=validate_only,
                    idempotency_key=idempotency_key,
                    signature=signature,
                    signature_policy=policy,
                )
                if not outcome.problems and not validate_only:
                    await session.commit()
                return outcome
        finally:
            await engine.dispose()

    try:
        with err.status(f"validating {len(parsed.draft.observations)} observations"):
            outcome = asyncio.run(submit())
    except HubError as error:
        err.print(f"[red]{error.message}[/red]")
        raise typer.Exit(1) from None
    if outcome.problems:
        located = parsed.locate(outcome.problems)
        _print_problems(located)
        more = f", the first {SHOWN} shown" if len(located) > SHOWN else ""
        err.print(f"[red]{len(located)} problem(s){more}: nothing was written[/red]")
        raise typer.Exit(1)
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


def _signature(
    file: Path | None, key_id: str | None, algorithm: str | None, unsigned: bool
) -> DetachedSignature | None:
    from hub.access.signatures import DetachedSignature

    if file is None:
        if key_id or algorithm:
            err.print("--key-id and --algorithm go with --signature FILE")
            raise typer.Exit(2)
        return None
    if unsigned:
        err.print("--unsigned and --signature exclude each other")
        raise typer.Exit(2)
    if not key_id or not algorithm:
        err.print("--signature needs --key-id and --algorithm")
        raise typer.Exit(2)
    try:
        value = file.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError) as error:
        err.print(f"--signature {file}: cannot be read as base64 text ({error})")
        raise typer.Exit(2) from None
    return DetachedSignature(key_id=key_id, algorithm=algorithm, value=value)


def _read(
    file: Path,
    file_format: str,
    settings: Settings,
    regime: str,
    period: str,
    agency: str,
    system: str | None,
) -> FileDraft:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from hub.reporting.bulk import CsvFormatError, read_csv
    from hub.reporting.bulk import locate as locate_rows
    from hub.reporting.excel_import import ExcelFormatError, read_workbook
    from hub.reporting.excel_import import locate as locate_cells

    data = file.read_bytes()
    if file.suffix.lower() == ".xlsx":
        try:
            workbook = read_workbook(
                data, regime=regime, period=period, agency=agency, system=system
            )
        except ExcelFormatError as error:
            raise FileUnreadable(error.problems) from None
        return FileDraft(workbook.draft, lambda problems: locate_cells(problems, workbook))
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
                parsed = asyncio.run(_read_sdmx_csv(data, settings, regime, period, agency, system))
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
        raise FileUnreadable(error.problems) from None
    return FileDraft(parsed.draft, lambda problems: locate_rows(problems, parsed.rows))


async def _read_sdmx_csv(
    data: bytes, settings: Settings, regime: str, period: str, agency: str, system: str | None
) -> CsvDraft:
    """An SDMX-CSV file read against the stored catalog's dataflow of `regime`."""
    from hub.db import create_engine, create_session_factory
    from hub.errors import NotFoundError
    from hub.metadata.store import load_catalog
    from hub.reporting.bulk import CsvFormatError, CsvProblem
    from hub.sdmx.csv_import import read_sdmx_csv

    engine = create_engine(settings)
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


def _print_problems(problems: Sequence[object]) -> None:
    for problem in problems[:SHOWN]:
        err.print(str(problem), markup=False, highlight=False)


def _user() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no user name in some containers
        return "cli"
