"""Bulk CSV: files become drafts with row numbers, go through the one submission path, and a
bad file writes nothing."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path

import orjson
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.pool import NullPool
from typer.testing import CliRunner

from hub.access.signatures import register_key
from hub.cli import app
from hub.db import create_engine
from hub.observations.models import Observation, ObservationRevision
from hub.reporting.bulk import CsvFormatError, load_csv, locate, read_csv
from hub.reporting.models import Regime
from hub.reporting.problems import Problem, ProblemCode
from hub.reporting.report_models import Report, ReportVersion
from hub.reporting.validation import ObservationDraft
from hub.settings import Settings
from tests.hub.reporting.catalog_fixture import NOW, PERIOD, PROVINCE, REGIME, store_catalog
from tests.hub.security.keys import SigningKey, make_key

GOOD = """indicator,area,period,value,unit,status,comment,dim.SEX
POP,P01,2025-M03,1000,PERSON,,,T
POP,P01,2025-M03,480.5,PERSON,estimated,"ước tính, chưa chính thức",M
REV,P01,2025-M03,1.25,BVND,,,
RATE,P01,2025-M03,12.5,PCT,,,F
"""
# Row 3: million VND for a person count; row 5: no such indicator.
BAD = """indicator,area,period,value,unit,dim.SEX
POP,P01,2025-M03,1000,PERSON,T
POP,P01,2025-M03,480,MVND,M
REV,P01,2025-M03,1.25,BVND,
NOPE,P01,2025-M03,1,PERSON,
"""


def read(text: str | bytes) -> tuple[tuple[ObservationDraft, ...], tuple[int, ...]]:
    data = text.encode() if isinstance(text, str) else text
    parsed = read_csv(data, regime=REGIME, period=PERIOD, agency=PROVINCE)
    return parsed.draft.observations, parsed.rows


def codes(error: pytest.ExceptionInfo[CsvFormatError]) -> list[tuple[int | None, str]]:
    return [(p.row, p.code) for p in error.value.problems]


def test_rows_become_observation_drafts() -> None:
    observations, rows = read(GOOD)

    assert rows == (2, 3, 4, 5)
    assert observations[1] == ObservationDraft(
        "POP",
        "P01",
        "2025-M03",
        (("SEX", "M"),),
        "480.5",
        "PERSON",
        "estimated",
        "ước tính, chưa chính thức",
    )
    assert observations[2].dimensions == ()  # an empty dim cell: not disaggregated by it
    assert observations[2].status is None and observations[2].comment is None


def test_bom_semicolons_any_column_order_and_blank_lines() -> None:
    text = "\ufeffUnit;Value;dim.SEX;Period;Area;Indicator\r\n\r\nPERSON;7;T;2025-03;P01;POP\r\n"

    observations, rows = read(text.encode("utf-8"))

    assert rows == (3,)
    assert observations[0] == ObservationDraft(
        "POP", "P01", "2025-03", (("SEX", "T"),), "7", "PERSON"
    )


def test_a_quoted_line_break_keeps_row_numbers_true() -> None:
    text = (
        "indicator,area,period,value,unit,comment\n"
        'REV,P01,2025-03,1,BVND,"two\nlines"\n'
        "REV,P02,2025-03,2,BVND,\n"
    )

    _, rows = read(text)

    assert rows == (2, 4)


def test_bad_encoding_names_its_line() -> None:
    # Saved as Latin-1 (a legacy Windows code page) instead of UTF-8.
    data = b"indicator,area,period,value,unit\nPOP,P01,2025-03,1,PERSON\n" + (
        "POP,Hà Tây,2025-03,1,PERSON\n".encode("latin-1")
    )

    with pytest.raises(CsvFormatError) as error:
        read(data)

    assert codes(error) == [(3, "NOT_UTF8")]
    assert "UTF-8" in str(error.value.problems[0])


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("indicator,area,period,value", [(1, "BAD_HEADER")]),  # unit missing
        ("indicator,area,period,value,unit,valeu", [(1, "BAD_HEADER")]),
        ("indicator,area,period,value,unit,Unit", [(1, "BAD_HEADER")]),
        ("indicator,area,period,value,unit,dim.", [(1, "BAD_HEADER")]),
    ],
)
def test_bad_headers_are_named(header: str, expected: list[tuple[int, str]]) -> None:
    with pytest.raises(CsvFormatError) as error:
        read(header + "\nPOP,P01,2025-03,1,PERSON\n")

    assert codes(error) == expected


def test_ragged_rows_empty_files_and_files_without_rows() -> None:
    with pytest.raises(CsvFormatError) as ragged:
        read("indicator,area,period,value,unit\nPOP,P01,2025-03,1\nPOP,P01,2025-03,1,PERSON\n")
    with pytest.raises(CsvFormatError) as empty:
        read("")
    with pytest.raises(CsvFormatError) as header_only:
        read("indicator,area,period,value,unit\n")

    assert codes(ragged) == [(2, "RAGGED_ROW")]
    assert codes(empty) == [(1, "EMPTY_FILE")]
    assert codes(header_only) == [(None, "NO_ROWS")]


def test_problem_paths_become_rows_and_fields() -> None:
    problems = [
        Problem("observations[1].unit", ProblemCode.UNIT_INCOMPATIBLE, "no"),
        Problem("observations[0]", ProblemCode.DUPLICATE_OBSERVATION, "twice"),
        Problem("period", ProblemCode.PERIOD_MALFORMED, "bad"),
    ]

    located = locate(problems, [2, 7])

    assert [(p.row, p.field) for p in located] == [(7, "unit"), (2, None), (None, "period")]
    assert str(located[0]) == "row 7, unit: no [UNIT_INCOMPATIBLE]"


async def test_a_good_file_is_stored_exactly(session: AsyncSession) -> None:
    await store_catalog(session)
    parsed = read_csv(GOOD.encode(), regime=REGIME, period=PERIOD, agency=PROVINCE)

    result = await load_csv(parsed, session=session, actor="tester", now=NOW)

    assert result.ok, result.problems
    assert result.outcome.created == 4
    values = (
        await session.scalars(sa.select(ObservationRevision.value).order_by(ObservationRevision.id))
    ).all()
    assert values == [Decimal("1000"), Decimal("480.5"), Decimal("1.25"), Decimal("12.5")]


async def test_a_bad_file_writes_nothing_and_names_its_rows(session: AsyncSession) -> None:
    await store_catalog(session)
    parsed = read_csv(BAD.encode(), regime=REGIME, period=PERIOD, agency=PROVINCE)

    result = await load_csv(parsed, session=session, actor="tester", now=NOW)

    assert not result.ok
    assert [(p.row, p.field, p.code) for p in result.problems] == [
        (3, "unit", "UNIT_INCOMPATIBLE"),
        (5, "indicator", "UNKNOWN_INDICATOR"),
    ]
    for table in (Report, ReportVersion, Observation, ObservationRevision):
        assert await session.scalar(sa.select(sa.func.count()).select_from(table)) == 0


async def test_a_nul_in_a_cell_is_refused_at_its_row_on_both_databases(
    session: AsyncSession,
) -> None:
    # given a file whose comment and code cells hold NUL (PostgreSQL cannot store it)
    await store_catalog(session)
    text = GOOD.replace("chưa chính thức", "chưa\x00chính thức").replace(",,,F", ",,,F\x00")
    parsed = read_csv(text.encode(), regime=REGIME, period=PERIOD, agency=PROVINCE)

    result = await load_csv(parsed, session=session, actor="tester", now=NOW)

    assert [(p.row, p.field, p.code) for p in result.problems] == [
        (3, "comment", "TEXT_HAS_NUL"),
        (5, "dimensions[0].code", "TEXT_HAS_NUL"),
    ]
    for table in (Report, ReportVersion, Observation, ObservationRevision):
        assert await session.scalar(sa.select(sa.func.count()).select_from(table)) == 0


@pytest.fixture
async def stored_catalog(
    session_factory: async_sessionmaker[AsyncSession],
) -> AsyncIterator[None]:
    async with session_factory() as session:
        await store_catalog(session)
        await session.commit()
    yield
    # report and report_version refer to each other; the tables are emptied in an order
    # that needs this link cut first.
    async with session_factory() as session:
        await session.execute(sa.update(Report).values(current_version_id=None))
        await session.commit()


@pytest.fixture
def runner(database_url: str, stored_catalog: None, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("HUB_DATABASE_URL", database_url)
    return CliRunner()


def _arguments(path: Path, *extra: str) -> list[str]:
    return ["load", str(path), "--regime", REGIME, "--period", PERIOD, "--agency", PROVINCE, *extra]


def _load(runner: CliRunner, path: Path, *extra: str) -> tuple[int, str]:
    result = runner.invoke(app, _arguments(path, *extra))
    return result.exit_code, " ".join(result.output.split())


def test_hub_load_stores_a_file_once(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "report.csv"
    path.write_text(GOOD, encoding="utf-8")

    checked = _load(runner, path, "--validate-only")
    stored = _load(runner, path, "--idempotency-key", "file-1", "--actor", "tester")
    again = _load(runner, path, "--idempotency-key", "file-1", "--actor", "tester")

    assert checked[0] == 0 and "valid: 4 observations (nothing written)" in checked[1]
    assert stored[0] == 0 and "stored: BC-M/UBND-01/2025-M03 version 1, 4 observations" in stored[1]
    assert again[0] == 0 and "already loaded with this idempotency key" in again[1]


def test_hub_load_prints_problems_by_row_and_fails(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(BAD, encoding="utf-8")
    unreadable = tmp_path / "unreadable.csv"
    unreadable.write_text("indicator,area\nPOP,P01\n", encoding="utf-8")

    code, output = _load(runner, bad)
    unreadable_code, unreadable_output = _load(runner, unreadable)

    assert code == 1
    assert "row 3, unit:" in output and "row 5, indicator:" in output
    assert "2 problem(s): nothing was written" in output
    assert unreadable_code == 1
    assert "column 'period' is required but missing" in unreadable_output


@pytest.fixture
async def signing_regime(
    runner: CliRunner, session_factory: async_sessionmaker[AsyncSession]
) -> tuple[SigningKey, str]:
    """REGIME now requires signatures; an Ed25519 key of PROVINCE is registered (its id)."""
    key = make_key("ED25519")
    async with session_factory() as session:
        await session.execute(
            sa.update(Regime).where(Regime.code == REGIME).values(requires_signature=True)
        )
        registered = await register_key(
            session=session, agency=PROVINCE, public_key=key.public, algorithm=None, actor="t"
        )
        await session.commit()
    return key, registered.fingerprint


def _signature_key_ids(database_url: str) -> list[str | None]:
    """The key id of each stored report version, read on a loop and engine of its own (the
    CLI runs its own event loop, so the test calling it cannot be a coroutine)."""

    async def read() -> list[str | None]:
        engine = create_engine(Settings(database_url=database_url), poolclass=NullPool)
        try:
            async with engine.connect() as connection:
                found = await connection.scalars(sa.select(ReportVersion.signature_key_id))
                return sorted(found.all(), key=str)
        finally:
            await engine.dispose()

    return asyncio.run(read())


def test_hub_load_signs_the_canonical_content_or_loads_unsigned_when_told(
    runner: CliRunner, signing_regime: tuple[SigningKey, str], database_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "report.csv"
    path.write_text(GOOD, encoding="utf-8")
    key, key_id = signing_regime

    unsigned = _load(runner, path)
    content = runner.invoke(app, _arguments(path, "--canonical-content")).stdout_bytes
    signature = tmp_path / "report.sig"
    signature.write_text(base64.b64encode(key.sign(content)).decode())
    tampered = tmp_path / "tampered.csv"
    tampered.write_text(GOOD.replace("480.5", "480.6"), encoding="utf-8")
    signed_option = ("--signature", str(signature), "--key-id", key_id, "--algorithm", "ED25519")
    forged = _load(runner, tampered, *signed_option)
    before = _signature_key_ids(database_url)
    signed = _load(runner, path, *signed_option)
    after_signed = _signature_key_ids(database_url)
    fallback = _load(runner, tampered, "--unsigned")

    assert unsigned[0] == 1 and "SIGNATURE_REQUIRED" in unsigned[1]
    assert orjson.loads(content)["observations"][1]["value"] == "480.5"
    assert forged[0] == 1 and "SIGNATURE_INVALID" in forged[1]
    assert before == []
    assert signed[0] == 0 and "version 1" in signed[1]
    assert after_signed == [key_id]
    assert fallback[0] == 0 and "version 2" in fallback[1]
    assert _signature_key_ids(database_url) == sorted([key_id, None], key=str)


def test_hub_load_signature_options_go_together(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "report.csv"
    path.write_text(GOOD, encoding="utf-8")
    signature = tmp_path / "report.sig"
    signature.write_text("AAAA")

    lonely = _load(runner, path, "--key-id", "k")
    half = _load(runner, path, "--signature", str(signature))
    both = _load(
        runner,
        path,
        "--unsigned",
        "--signature",
        str(signature),
        "--key-id",
        "k",
        "--algorithm",
        "ED25519",
    )

    assert lonely == (2, "--key-id and --algorithm go with --signature FILE")
    assert half == (2, "--signature needs --key-id and --algorithm")
    assert both == (2, "--unsigned and --signature exclude each other")
