"""The `hub catalog` commands on a real database: validate, import (idempotent), export."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic
from typer.testing import CliRunner

from catalog.mapping import parse_sources
from catalog.namespaces import SOURCE_BASE_IRI
from hub.cli import app

SOURCES = Path(__file__).resolve().parents[2] / "catalog" / "sources"


@pytest.fixture
def runner(database_url: str, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """A CLI runner aimed at the test database, minting IRIs with the sources' base."""
    monkeypatch.setenv("HUB_DATABASE_URL", database_url)
    monkeypatch.setenv("HUB_BASE_IRI", SOURCE_BASE_IRI)
    return CliRunner()


def test_the_seed_sources_validate(runner: CliRunner) -> None:
    result = runner.invoke(app, ["catalog", "validate"])

    assert result.exit_code == 0, result.output
    assert "catalog is valid" in result.output


def test_a_violation_fails_validation_with_a_readable_report(
    runner: CliRunner, tmp_path: Path
) -> None:
    broken = tmp_path / "sources"
    shutil.copytree(SOURCES, broken)
    units = broken / "units.ttl"
    # Every Vietnamese label of the units is lost: a violation SHACL must name.
    units.write_text(units.read_text(encoding="utf-8").replace("@vi", "@fr"), encoding="utf-8")

    result = runner.invoke(app, ["catalog", "validate", "--sources", str(broken)])

    assert result.exit_code == 1
    assert "violation" in result.output.lower()
    assert "prefLabel" in result.output


def test_import_is_idempotent_and_export_gives_back_the_sources(
    runner: CliRunner, tmp_path: Path
) -> None:
    first = runner.invoke(app, ["catalog", "import"])
    second = runner.invoke(app, ["catalog", "import"])
    exported = tmp_path / "catalog.ttl"
    as_jsonld = tmp_path / "catalog.jsonld"
    export = runner.invoke(
        app, ["catalog", "export", "--format", "turtle", "--output", str(exported)]
    )
    export_jsonld = runner.invoke(
        app, ["catalog", "export", "--format", "json-ld", "--output", str(as_jsonld)]
    )

    assert first.exit_code == 0, first.output
    assert "indicators: 91 created" in " ".join(first.output.split())
    assert second.exit_code == 0, second.output
    assert " ".join(second.output.split()).count("0 created, 0 updated") == 7
    assert export.exit_code == 0 and export_jsonld.exit_code == 0
    sources = parse_sources()
    assert isomorphic(Graph().parse(exported, format="turtle"), sources)
    assert isomorphic(Graph().parse(as_jsonld, format="json-ld"), sources)


def test_an_unknown_export_format_is_refused(runner: CliRunner) -> None:
    result = runner.invoke(app, ["catalog", "export", "--format", "xml"])

    assert result.exit_code == 2
    assert "turtle or json-ld" in result.output
