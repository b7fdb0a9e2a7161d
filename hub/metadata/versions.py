"""One catalog entity as canonical Turtle and back, in the context of the whole catalog.

A version's content is the entity written alone by `catalog.mapping` (stable longturtle under
`SOURCE_BASE_IRI`). It reads back by parsing it together with the rest of the catalog, so
references (a unit, a codelist) resolve exactly as in `hub catalog import`; the mapping stays
the only code that knows triples. Diffs between versions are unified diffs of that Turtle.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rdflib import Graph

from catalog import model
from catalog.mapping import MappingError, catalog_to_graph, graph_to_catalog, serialize
from catalog.namespaces import SOURCE_BASE_IRI
from hub.metadata.version_models import EntityKind

Entity = (
    model.Agency
    | model.Area
    | model.Unit
    | model.Codelist
    | model.IndicatorGroup
    | model.Indicator
    | model.Regime
)

# The field of `catalog.model.Catalog` holding each kind.
CATALOG_FIELDS: dict[EntityKind, str] = {
    EntityKind.AGENCY: "agencies",
    EntityKind.AREA: "areas",
    EntityKind.UNIT: "units",
    EntityKind.CODELIST: "codelists",
    EntityKind.INDICATOR_GROUP: "groups",
    EntityKind.INDICATOR: "indicators",
    EntityKind.REGIME: "regimes",
}


@dataclass(frozen=True)
class ContentProblem:
    """Why a Turtle text is not the entity it claims to be: where, and what."""

    path: str
    message: str


class EntityContentError(ValueError):
    """The Turtle of an edit does not read as the one entity it names."""

    def __init__(self, problems: list[ContentProblem]) -> None:
        super().__init__("; ".join(f"{p.path}: {p.message}" for p in problems))
        self.problems = problems


def label(kind: EntityKind) -> str:
    """How messages name a kind: `indicator`, `indicator group` ..."""
    return kind.value.replace("-", " ")


def entities(catalog: model.Catalog, kind: EntityKind) -> Mapping[str, Entity]:
    found: Mapping[str, Entity] = getattr(catalog, CATALOG_FIELDS[kind])
    return found


def with_entity(
    catalog: model.Catalog, kind: EntityKind, entity: Entity | None, code: str
) -> model.Catalog:
    """`catalog` with the entity `code` of `kind` replaced by `entity` (removed when None)."""
    kept = {c: e for c, e in entities(catalog, kind).items() if c != code}
    if entity is not None:
        kept[code] = entity
    fields: dict[str, Any] = {name: getattr(catalog, name) for name in CATALOG_FIELDS.values()}
    fields[CATALOG_FIELDS[kind]] = kept
    return model.Catalog(**fields)


def only(kind: EntityKind, entity: Entity) -> model.Catalog:
    """A catalog holding nothing but `entity`."""
    # Any: one field of `Catalog` per kind; `CATALOG_FIELDS` pairs each kind with its field.
    fields: dict[str, Any] = {CATALOG_FIELDS[kind]: {entity.code: entity}}
    return model.Catalog(**fields)


def entity_turtle(kind: EntityKind, entity: Entity, base_iri: str = SOURCE_BASE_IRI) -> str:
    """The entity alone as stable Turtle: the content of a version, the text of a diff."""
    return serialize(catalog_to_graph(only(kind, entity), base_iri), "turtle")


def read_entity(
    kind: EntityKind,
    code: str,
    turtle: str,
    context: model.Catalog,
    base_iri: str = SOURCE_BASE_IRI,
) -> Entity:
    """The entity `code` described by `turtle`, read together with the rest of `context`.

    Raises `EntityContentError` when the text is not Turtle, does not describe that entity,
    breaks an invariant of the model, or says anything about another entity.
    """
    rest = with_entity(context, kind, None, code)
    graph: Graph = catalog_to_graph(rest, base_iri)
    where = f"{label(kind)} {code}"
    try:
        graph.parse(data=turtle, format="turtle")
    except Exception as error:  # rdflib raises many parser types; all mean "not Turtle"
        raise EntityContentError([ContentProblem("turtle", f"not Turtle: {error}")]) from None
    try:
        read = graph_to_catalog(graph)
    except MappingError as error:
        raise EntityContentError(
            [ContentProblem(f"{error.subject} {error.property}".strip(), error.message)]
        ) from None
    except model.CatalogError as error:
        raise EntityContentError([ContentProblem(error.path, error.message)]) from None
    entity = entities(read, kind).get(code)
    if entity is None:
        raise EntityContentError(
            [ContentProblem("turtle", f"the Turtle does not describe {where}")]
        )
    others = with_entity(read, kind, None, code)
    if others != rest:
        changed = _changed_codes(rest, others)
        raise EntityContentError(
            [
                ContentProblem(
                    "turtle",
                    f"the Turtle also changes {', '.join(changed[:5])}: edit one entity at a time",
                )
            ]
        )
    return entity


def _changed_codes(before: model.Catalog, after: model.Catalog) -> list[str]:
    changed: list[str] = []
    for kind in EntityKind:
        old, new = entities(before, kind), entities(after, kind)
        for code in sorted(set(old) | set(new)):
            if old.get(code) != new.get(code):
                changed.append(f"{label(kind)} {code}")
    return changed


def turtle_diff(before: str | None, after: str, from_name: str, to_name: str) -> str:
    """A unified diff of two versions' Turtle (everything added when there is no `before`)."""
    lines = difflib.unified_diff(
        (before or "").splitlines(), after.splitlines(), from_name, to_name, lineterm=""
    )
    return "\n".join(lines)
