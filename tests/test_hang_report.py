"""A hung async fixture fails its test, names what it awaited, and the run goes on."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]

HUNG = """
import asyncio
import pytest

@pytest.fixture
async def stuck_on_teardown():
    yield
    await asyncio.Event().wait()  # nobody ever sets it

async def test_hangs(stuck_on_teardown):
    pass

def test_after():
    pass
"""

INI = """[pytest]
asyncio_mode = auto
asyncio_default_fixture_loop_scope = session
asyncio_default_test_loop_scope = session
timeout = 2
timeout_method = signal
"""


def test_a_hung_teardown_fails_alone_and_shows_the_pending_await(tmp_path: Path) -> None:
    (tmp_path / "test_hung.py").write_text(HUNG)
    (tmp_path / "pytest.ini").write_text(INI)

    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "tests.hang_report",
            "-p",
            "no:cacheprovider",
            "-c",
            str(tmp_path / "pytest.ini"),
            "--rootdir",
            str(tmp_path),
            str(tmp_path),
        ],
        cwd=PROJECT,
        env={"PYTHONPATH": str(PROJECT), "PATH": ""},
        capture_output=True,
        text=True,
        timeout=120,
    )

    out = run.stdout
    assert run.returncode == 1, out + run.stderr
    assert "2 passed, 1 error" in out, out  # the hung test's teardown errs; test_after runs
    assert "pending asyncio tasks (teardown)" in out, out
    # Down to the fixture's own line, and to what that line awaits.
    assert "in stuck_on_teardown\n    await asyncio.Event().wait()" in out, out
    assert "in wait\n" in out, out
