"""What a hung test was waiting for: its report carries the stack of every pending task.

pytest-timeout (signal method, `pyproject.toml`) fails a test that runs past its limit and the
run goes on. A hung async test or fixture sits in the event loop's `select`, so the main
thread's stack says nothing; the coroutines still pending on the run's one event loop (a
session-wide loop, see `asyncio_default_*_loop_scope`) show what each one awaits.
"""

from __future__ import annotations

import asyncio
import gc
import inspect
import io
import traceback
from collections.abc import AsyncIterator, Generator

import pytest

_loops: list[asyncio.AbstractEventLoop] = []


@pytest.fixture(scope="session", autouse=True)
async def _remember_the_loop() -> AsyncIterator[None]:
    _loops.append(asyncio.get_running_loop())
    yield


def _awaited(awaitable: object) -> object | None:
    """What a coroutine, generator or async generator is waiting on, if it says."""
    for attribute in ("cr_await", "gi_yieldfrom", "ag_await"):
        inner: object | None = getattr(awaitable, attribute, None)
        if inner is not None:
            return inner
    # `agen.__anext__()` hides its generator; the garbage collector still sees it.
    for referent in gc.get_referents(awaitable):
        if inspect.isasyncgen(referent):
            return referent
    return None


def await_chain(task: asyncio.Task[object]) -> list[str]:
    """Each frame from the task's coroutine down to the innermost await (a task's own
    `print_stack` shows the outermost frame only)."""
    lines: list[str] = []
    awaitable: object | None = task.get_coro()
    while awaitable is not None and len(lines) < 100:
        frame = next(
            (f for a in ("cr_frame", "gi_frame", "ag_frame") if (f := getattr(awaitable, a, None))),
            None,
        )
        if frame is not None:
            lines.extend(traceback.format_stack(frame, limit=1))
        awaitable = _awaited(awaitable)
    return lines


def pending_tasks() -> str:
    """Every unfinished task on the remembered loops, with what it awaits."""
    out = io.StringIO()
    for loop in _loops:
        for task in asyncio.all_tasks(loop):
            out.write(f"{task!r}\n{''.join(await_chain(task))}\n")
    return out.getvalue() or "no pending tasks\n"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    excinfo = call.excinfo
    if (
        report.failed
        and excinfo is not None
        and excinfo.errisinstance(pytest.fail.Exception)
        and str(excinfo.value).startswith("Timeout")
    ):
        report.sections.append((f"pending asyncio tasks ({call.when})", pending_tasks()))
    return report
