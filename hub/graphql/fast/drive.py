"""Run many coroutines together without a task each, as one level of a query's resolvers.

graphql-core awaits the async resolvers of a level through a task per resolver (asyncio
gather): thousands of tasks for a page whose rows each load a label. Here the coroutines are
stepped by hand: each runs until it waits on a future (a DataLoader's, a lock's, a
database driver's), then all wait together, and each is resumed once its future is done.
Loads started by the coroutines of one step land in the same DataLoader batch, exactly as
with gather, since the batch dispatches on the next turn of the loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Coroutine, Sequence
from types import CoroutineType
from typing import Any


async def _awaiting(awaitable: Awaitable[Any]) -> Any:
    return await awaitable


async def drive(awaitables: Sequence[Awaitable[Any]]) -> list[Any]:
    """The results of `awaitables`, in order. The first exception raised by one of them is
    raised here; the others are closed (their `finally` blocks run)."""
    if len(awaitables) == 1:  # one root field (a chart's series): nothing to step together
        return [await awaitables[0]]
    coroutines: list[Coroutine[Any, Any, Any]] = [
        a if type(a) is CoroutineType else _awaiting(a) for a in awaitables
    ]
    results: list[Any] = [None] * len(coroutines)
    ready = list(range(len(coroutines)))
    waiting: dict[asyncio.Future[Any], list[int]] = {}
    try:
        while True:
            idle: list[int] = []
            for index in ready:
                try:
                    yielded = coroutines[index].send(None)
                except StopIteration as done:
                    results[index] = done.value
                    continue
                if yielded is None:  # a bare yield (asyncio.sleep(0)): resume next turn
                    idle.append(index)
                elif getattr(yielded, "_asyncio_future_blocking", None) is not None:
                    yielded._asyncio_future_blocking = False  # what a Task does
                    waiting.setdefault(yielded, []).append(index)
                else:
                    raise RuntimeError(f"a resolver yielded {yielded!r}, not a future")
            if not idle and not waiting:
                return results
            if idle:
                await asyncio.sleep(0)
            else:
                await asyncio.wait(list(waiting), return_when=asyncio.FIRST_COMPLETED)
            ready = idle
            for future in [f for f in waiting if f.done()]:
                ready.extend(waiting.pop(future))
    finally:
        for coroutine in coroutines:
            coroutine.close()
