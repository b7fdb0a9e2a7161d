"""The `observations` connection written as JSON straight from its rows (`fast.projected`).

The resolver turns each `ObservationRow` into an `Observation`, wraps it in an `Edge`, and
the executor then completes every object field by field. Here a plan compiles, once, one
function that writes the selected edges of a whole page from the rows: the node's fields
as `ROW_VALUES` computes them from a row, completed by the executor's own leaf and list
completions; the indicator and the area loaded once per code through the request's
loaders, as the plan loads them, and completed once per code; the page info and the total
as the resolver makes them. Covered: `edges { node cursor __typename }`, `pageInfo`,
`totalCount` and `__typename` on the connection; on the node, its plain attributes, its
loaded fields and `__typename`. A node field with a resolver of its own (`id`, the names,
`revisions`) and anything else leaves the field to the resolver.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from hub.graphql.fast.extension import stats
from hub.graphql.fast.plan import FieldPlan, Kind, Output, Selection, Unsupported
from hub.graphql.fast.projected import (
    Compile,
    Completions,
    Projected,
    attribute_item,
    item_of,
    name_of,
    selection_of,
)
from hub.graphql.pagination import PageRequest, page_info
from hub.observations.records import ObservationRow, row_cursor
from hub.observations.types import LEAN_FIELDS, ROW_NAMES, ROW_VALUES, row_function

ReadPage = Callable[..., Awaitable[tuple[PageRequest, list[ObservationRow], int]]]
# A key of the connection: (key, what it is, its writer, completion or type name).
Part = tuple[str, str, Any]


def page_projection(read_page: ReadPage) -> Compile:
    """The projection of a connection of observations whose page `read_page` reads, with
    the resolver's keyword arguments and `with_total`, `lean` (as `queries.read_page`)."""

    def compile_page(field: FieldPlan, completions: Completions) -> Projected:
        parts = _connection_parts(selection_of(field.output), completions)
        with_total = any(what == "totalCount" for _, what, _ in parts)
        shown = {name for _, what, part in parts if what == "edges" for name in part.shown}
        lean = shown <= LEAN_FIELDS

        async def projected(run: Any, kwargs: dict[str, Any]) -> dict[str, Any]:
            page, rows, total = await read_page(**kwargs, with_total=with_total, lean=lean)
            has_next = len(rows) > page.first
            rows = rows[: page.first]
            out: dict[str, Any] = {}
            for key, what, part in parts:
                if what == "edges":
                    out[key] = await part.write(rows, run)
                elif what == "pageInfo":
                    info = page_info(page, rows, has_next=has_next, encode=row_cursor)
                    out[key] = part(info, run, None)
                elif what == "totalCount":
                    out[key] = part(total)
                else:
                    out[key] = part
            stats["projected pages"] += 1
            return out

        return projected

    return compile_page


def _leaf(field: FieldPlan, completions: Completions) -> Callable[[Any], Any]:
    if field.output is None or field.output.coerce is None:
        raise Unsupported(f"{name_of(field)} is not a leaf")
    return completions.leaf(field.output)


def _output(field: FieldPlan) -> Output:
    if field.output is None:
        raise Unsupported(f"{name_of(field)} has no type")
    return field.output


def _connection_parts(connection: Selection, completions: Completions) -> list[Part]:
    """What each key of the connection holds, in order: its edges' writer, the completion
    of its page info or of its total, or its type's name."""
    parts: list[Part] = []
    for field in connection.fields:
        name = name_of(field)
        if field.kind is Kind.TYPENAME:
            parts.append((field.key, "__typename", connection.type.name))
        elif name == "edges":
            writer = _EdgesWriter(selection_of(item_of(field.output)), completions)
            parts.append((field.key, name, writer))
        elif name == "pageInfo":
            parts.append((field.key, name, completions.complete(_output(field))))
        elif name == "totalCount":
            parts.append((field.key, name, _leaf(field, completions)))
        else:
            raise Unsupported(f"{name} on a connection")
    return parts


class _EdgesWriter:
    """The JSON of a page's edges for one `edges` selection: one compiled function of the
    rows (a list display of dict displays), given the loaded objects' JSON by key."""

    def __init__(self, edge: Selection, completions: Completions) -> None:
        env: dict[str, Any] = dict(ROW_NAMES)
        # Per loaded field: the function of a row that is its key, the batch load, and the
        # completion of what it loads.
        self.loads: list[tuple[Callable[[ObservationRow], Any], Any, Any]] = []
        self.shown: set[str] = set()  # the node's fields, by name (`LEAN_FIELDS`' names)
        fields = []
        for i, field in enumerate(edge.fields):
            name = name_of(field)
            if field.kind is Kind.TYPENAME:
                env[f"t{i}"] = edge.type.name
                fields.append(f"{field.key!r}: t{i}")
            elif name == "node" and field.kind is Kind.ATTRIBUTE:
                node = self._node(selection_of(field.output), completions, env, f"n{i}_")
                fields.append(f"{field.key!r}: {node}")
            elif name == "cursor" and field.kind is Kind.RESOLVER:
                env[f"c{i}"] = _leaf(field, completions)
                fields.append(f"{field.key!r}: c{i}(row.cursor)")
            else:
                raise Unsupported(f"{name} on an edge")
        loaded = "".join(f"l{j}, " for j in range(len(self.loads)))
        source = (
            f"def edges(rows, run, {loaded}):\n"
            f"    return [{{{', '.join(fields)}}} for row in rows]\n"
        )
        exec(compile(source, "<observation page>", "exec"), env)  # the text is made above
        self.edges: Callable[..., list[dict[str, Any]]] = env["edges"]

    def _node(self, node: Selection, completions: Completions, env: dict[str, Any], at: str) -> str:
        """The dict display of one node, its names bound in `env` (prefixed `at`)."""
        items = []
        for i, field in enumerate(node.fields):
            name, key = f"{at}{i}", repr(field.key)
            self.shown.add(name_of(field))
            if field.kind is Kind.TYPENAME:
                env[name] = node.type.name
                items.append(f"{key}: {name}")
                continue
            assert field.strawberry_field is not None and field.output is not None
            attribute = field.strawberry_field.python_name
            if field.kind is Kind.LOADED:
                assert field.loaded is not None
                expression = ROW_VALUES[field.loaded.attribute]
                complete = completions.complete(field.output)
                loaded = f"l{len(self.loads)}"
                self.loads.append((row_function(expression), field.loaded.batch_load, complete))
                if getattr(complete, "pure", False):  # one JSON per key, as the plan shares it
                    items.append(f"{key}: {loaded}[{expression}]")
                else:
                    env[name] = complete
                    items.append(f"{key}: {name}({loaded}[{expression}], run, None)")
            elif field.kind is Kind.ATTRIBUTE and attribute in ROW_VALUES:
                items.append(attribute_item(field, ROW_VALUES[attribute], name, completions, env))
            else:
                raise Unsupported(f"{name_of(field)} on an observation")
        return "{" + ", ".join(items) + "}"

    async def write(self, rows: list[ObservationRow], run: Any) -> list[dict[str, Any]]:
        loaded = []
        for key_of, batch, complete in self.loads:
            keys = dict.fromkeys(map(key_of, rows))
            present = [k for k in keys if k is not None]
            values = await run.context.loader(batch).load_many(present) if present else []
            by_key: dict[Any, Any] = dict(zip(present, values, strict=True))
            if None in keys:  # no key, no load: completed from None, as the plan does
                by_key[None] = None
            if getattr(complete, "pure", False):
                by_key = {k: complete(v, run, None) for k, v in by_key.items()}
            loaded.append(by_key)
        return self.edges(rows, run, *loaded)
