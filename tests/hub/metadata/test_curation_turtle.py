"""Curating through Turtle: export, edit the file, import --as-drafts --dry-run shows exactly
the edit and writes nothing; without --dry-run the edit becomes a draft."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from catalog.namespaces import SOURCE_BASE_IRI
from hub.cli import app


@pytest.fixture
def runner(database_url: str, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("HUB_DATABASE_URL", database_url)
    monkeypatch.setenv("HUB_BASE_IRI", SOURCE_BASE_IRI)
    return CliRunner()


def test_export_edit_import_dry_run_shows_exactly_the_edit(
    runner: CliRunner, tmp_path: Path
) -> None:
    assert runner.invoke(app, ["catalog", "import"]).exit_code == 0
    edited = tmp_path / "edited"
    edited.mkdir()
    exported = edited / "catalog.ttl"
    assert runner.invoke(app, ["catalog", "export", "--output", str(exported)]).exit_code == 0
    text = exported.read_text(encoding="utf-8")
    assert text.count('"Diện tích đất"@vi') == 1
    exported.write_text(text.replace('"Diện tích đất"@vi', '"Diện tích đất tự nhiên"@vi'))

    dry = runner.invoke(
        app, ["catalog", "import", "--sources", str(edited), "--as-drafts", "--dry-run"]
    )
    again = runner.invoke(
        app, ["catalog", "import", "--sources", str(edited), "--as-drafts", "--dry-run"]
    )
    stored = runner.invoke(app, ["catalog", "import", "--sources", str(edited), "--as-drafts"])
    after = runner.invoke(
        app, ["catalog", "import", "--sources", str(edited), "--as-drafts", "--dry-run"]
    )

    assert dry.exit_code == 0, dry.output
    changed = [line for line in dry.output.splitlines() if line[:1] in "+-"]
    assert changed == [
        "--- indicator/0101 v1",
        "+++ indicator/0101 (file)",
        '-        "Diện tích đất"@vi ;',
        '+        "Diện tích đất tự nhiên"@vi ;',
    ]
    assert "1 changed entity would become drafts (dry run, nothing written)" in dry.output
    assert again.output == dry.output  # the dry run wrote nothing
    assert stored.exit_code == 0 and "1 changed entity stored as drafts" in stored.output
    assert "0 changed entities" in after.output  # the file now equals the draft
