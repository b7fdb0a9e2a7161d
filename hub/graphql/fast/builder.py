"""An object's bound fields compiled into one Python function that builds its JSON.

`execute._object` walks a selection's fields for every object: per field it unpacks a
tuple, tests the kind and calls `getattr` with a name held in a variable. For the objects
of a page (a thousand rows of five fields, each in an edge) that loop is the largest part
of completion. A selection bound once for every run (a plan without @skip/@include) gets a
function of its own instead, made once with `exec`, as graphql-jit does in JavaScript:
one dict display in response order, attributes read by name, strings and booleans taken as
they are, the async resolvers and loaded fields queued for their level exactly as `_object`
queues them. Same values, same order of calls, same failures.
"""

from __future__ import annotations

import keyword
from collections.abc import Callable
from typing import Any

from strawberry.execution.is_awaitable import optimized_is_awaitable

# A bound field: (key, kind, how to get its value, how to complete it). The kinds, by
# frequency: an attribute that is a leaf (completed from its value alone), another
# attribute, a resolver, a loaded field, __typename.
LEAF, ATTRIBUTE, RESOLVER, LOADED, TYPENAME = range(5)
Bound = tuple[str, int, Any, Any]
Build = Callable[[Any, Any, Any], dict[str, Any]]


def compile_builder(fields: list[Bound]) -> Build:
    """`execute._object(fields, ...)` as a function of (source, run, path): each field's
    value computed in field order, then the dict, then the queued ones in field order."""
    env: dict[str, Any] = {"is_awaitable": optimized_is_awaitable}
    steps: list[str] = []
    queue: list[str] = []
    for i, (key, kind, get, complete) in enumerate(fields):
        env[f"k{i}"], env[f"c{i}"], env[f"g{i}"] = key, complete, get
        if kind == LEAF:
            plain = getattr(complete, "plain", None)
            if plain is not None:
                env[f"p{i}"] = plain
                steps.append(f"v{i} = {_read(get, i)}")
                steps.append(f"x{i} = v{i} if v{i}.__class__ is p{i} else c{i}(v{i})")
            else:
                steps.append(f"x{i} = c{i}({_read(get, i)})")
        elif kind == ATTRIBUTE:
            steps.append(f"x{i} = c{i}({_read(get, i)}, run, (path, k{i}))")
        elif kind == RESOLVER:
            steps.append(f"v{i} = g{i}(source, run, (path, k{i}))")
            steps.append(f"a{i} = is_awaitable(v{i})")
            steps.append(f"x{i} = None if a{i} else c{i}(v{i}, run, (path, k{i}))")
            queue.append(f"if a{i}: run.pending.append((out, k{i}, v{i}, c{i}, (path, k{i})))")
        elif kind == LOADED:
            env[f"b{i}"], env[f"n{i}"] = get.batch_load, get.attribute
            steps.append(f"v{i} = {_read(get.attribute, i, name=f'n{i}')}")
            steps.append(f"x{i} = c{i}(None, run, (path, k{i})) if v{i} is None else None")
            queue.append(
                f"if v{i} is not None: run.loads.setdefault(b{i}, []).append("
                f"(out, k{i}, v{i}, c{i}, (path, k{i})))"
            )
        else:  # __typename: its name
            steps.append(f"x{i} = g{i}")
    display = "out = {" + ", ".join(f"k{i}: x{i}" for i in range(len(fields))) + "}"
    body = [*steps, display, *queue, "return out"]
    source = "def build(source, run, path):\n" + "".join(f"    {line}\n" for line in body)
    exec(compile(source, "<fast path object>", "exec"), env)  # the text is made above
    build: Build = env["build"]
    return build


def _read(attribute: str, i: int, *, name: str | None = None) -> str:
    """Reading `attribute` of the source: by name in the code where it is an identifier."""
    if attribute.isidentifier() and not keyword.iskeyword(attribute):
        return f"source.{attribute}"
    return f"getattr(source, {name or f'g{i}'})"
