"""Execution plans: a validated query compiled once per document text and operation name.

A plan is the operation's selection tree resolved against the schema: for each response
key, the field nodes merged under it (with the @skip/@include conditions on the way to each,
fragments on concrete types expanded), what produces its value and how the value completes:

- `__typename`: the object type's name;
- a plain attribute (a strawberry field without resolver nor extensions): `getattr`;
- a resolver (sync or async) called as strawberry calls it: `self` the parent object,
  arguments coerced by graphql-core and converted by strawberry, `info` when it asks;
- a resolver marked `loaded_by` (without arguments): its loader, once per level for the
  keys of all the level's objects (`hub.graphql.loaded`);
- completion by the field's GraphQL type: leaves through the type's own output coercion
  (enums by name), lists, objects recursively; null where the type is non-null is a failure.

Anything else raises `Unsupported`, and the standard executor runs the document: operations
other than queries, abstract types (interfaces, unions), introspection fields, directives
other than @skip/@include, fields with strawberry extensions (permissions ...), schemas with
resolver middleware or exception handlers.

A plan depends on the document only: variables, context and principal come with each run.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from graphql import (
    DirectiveNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    get_operation_ast,
    is_abstract_type,
    is_leaf_type,
    type_from_ast,
)
from strawberry.types.field import StrawberryField

from hub.graphql.loaded import LoadedBy, loaded_by_of

CONDITION_DIRECTIVES = frozenset({"skip", "include"})
# graphql-core's link from a GraphQL field to the strawberry field it was made from.
STRAWBERRY_DEFINITION = "strawberry-definition"


class Unsupported(Exception):
    """The plan does not cover this document; the standard executor runs it."""


class Kind(Enum):
    TYPENAME = "typename"
    ATTRIBUTE = "attribute"
    RESOLVER = "resolver"
    LOADED = "loaded"


@dataclass(frozen=True)
class Entry:
    """One field node under a response key, and the @skip/@include directives (of the
    field, its enclosing fragments and its ancestors' nodes) that must allow it."""

    node: FieldNode
    conditions: tuple[DirectiveNode, ...]


@dataclass
class Output:
    """How a value of one GraphQL output type completes into JSON."""

    non_null: bool
    # Exactly one of these three says what the type is.
    coerce: Callable[[Any], Any] | None = None  # a leaf: its output coercion
    leaf: GraphQLNamedType | None = None  # ... and its type (scalar or enum)
    item: Output | None = None  # a list: its items' completion
    selection: Selection | None = None  # an object type: its fields
    is_type_of: Callable[[Any, Any], Any] | None = None


@dataclass
class FieldPlan:
    key: str
    entries: list[Entry]
    kind: Kind
    parent: GraphQLObjectType
    definition: GraphQLField | None = None
    strawberry_field: StrawberryField | None = None
    output: Output | None = None  # None for __typename
    loaded: LoadedBy | None = None  # for Kind.LOADED


@dataclass
class Selection:
    """The fields selected on one object type, in response order."""

    type: GraphQLObjectType
    fields: list[FieldPlan] = field(default_factory=list)


@dataclass
class OperationPlan:
    operation: OperationDefinitionNode
    fragments: dict[str, FragmentDefinitionNode]
    root: Selection
    # Whether any selection has @skip/@include: if not, one binding serves every run,
    # kept here once made (`execute.bind`).
    conditional: bool
    bound: Any = None
    # How its variables are coerced (`variables.variables_coercion`), made on first run.
    coerce_variables: Any = None


def compile_operation(
    schema: GraphQLSchema, document: DocumentNode, operation_name: str | None
) -> OperationPlan:
    """The plan of the query `operation_name` of a validated `document`."""
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        raise Unsupported("no such operation")
    if operation.operation is not OperationType.QUERY:
        raise Unsupported(f"a {operation.operation.value}")
    if operation.directives:
        raise Unsupported("directives on the operation")
    root = schema.query_type
    if root is None:
        raise Unsupported("no query type")
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    compiler = _Compiler(schema, fragments)
    selection = compiler.selection(root, [(operation.selection_set, ())])
    return OperationPlan(operation, fragments, selection, compiler.conditional)


SelectionSets = Sequence[tuple[SelectionSetNode, tuple[DirectiveNode, ...]]]


class _Compiler:
    def __init__(self, schema: GraphQLSchema, fragments: dict[str, FragmentDefinitionNode]):
        self.schema = schema
        self.fragments = fragments
        self.conditional = False

    def selection(self, type_: GraphQLObjectType, sets: SelectionSets) -> Selection:
        """The fields of `sets` (selection sets merged under one key, each with the
        conditions of the node it belongs to) on `type_`."""
        by_key: dict[str, list[Entry]] = {}
        for selection_set, conditions in sets:
            self._collect(type_, selection_set, conditions, by_key)
        return Selection(type_, [self._field(type_, k, e) for k, e in by_key.items()])

    def _conditions(self, node: Any, inherited: tuple[DirectiveNode, ...]) -> tuple[Any, ...]:
        directives = node.directives or ()
        for directive in directives:
            if directive.name.value not in CONDITION_DIRECTIVES:
                raise Unsupported(f"the @{directive.name.value} directive")
        if directives:
            self.conditional = True
            return (*inherited, *directives)
        return inherited

    def _collect(
        self,
        type_: GraphQLObjectType,
        selection_set: SelectionSetNode,
        conditions: tuple[DirectiveNode, ...],
        by_key: dict[str, list[Entry]],
    ) -> None:
        for node in selection_set.selections:
            own = self._conditions(node, conditions)
            if isinstance(node, FieldNode):
                key = node.alias.value if node.alias else node.name.value
                by_key.setdefault(key, []).append(Entry(node, own))
            elif isinstance(node, InlineFragmentNode):
                if self._applies(node.type_condition, type_):
                    self._collect(type_, node.selection_set, own, by_key)
            elif isinstance(node, FragmentSpreadNode):
                fragment = self.fragments.get(node.name.value)
                if fragment is None:
                    raise Unsupported(f"unknown fragment {node.name.value}")
                if getattr(fragment, "variable_definitions", None):
                    raise Unsupported("fragment variables")
                for directive in fragment.directives or ():
                    raise Unsupported(f"the @{directive.name.value} directive on a fragment")
                if self._applies(fragment.type_condition, type_):
                    self._collect(type_, fragment.selection_set, own, by_key)
            else:
                raise Unsupported(f"a {type(node).__name__}")

    def _applies(self, condition: Any, type_: GraphQLObjectType) -> bool:
        """Whether a fragment with type condition `condition` applies to objects of
        `type_` (graphql-core's `does_fragment_condition_match`)."""
        if condition is None:
            return True
        conditional = type_from_ast(self.schema, condition)
        if conditional is type_:
            return True
        if is_abstract_type(conditional):
            return self.schema.is_sub_type(conditional, type_)
        return False

    def _field(self, parent: GraphQLObjectType, key: str, entries: list[Entry]) -> FieldPlan:
        name = entries[0].node.name.value
        if name == "__typename":
            return FieldPlan(key, entries, Kind.TYPENAME, parent)
        if name.startswith("__"):
            raise Unsupported(f"introspection ({name})")
        definition = parent.fields.get(name)
        if definition is None:
            raise Unsupported(f"unknown field {parent.name}.{name}")
        found = (definition.extensions or {}).get(STRAWBERRY_DEFINITION)
        if not isinstance(found, StrawberryField):
            raise Unsupported(f"{parent.name}.{name} is not a strawberry field")
        if found.extensions:
            raise Unsupported(f"{parent.name}.{name} has field extensions")
        kind = Kind.RESOLVER if found.base_resolver is not None else Kind.ATTRIBUTE
        loaded = None
        if found.base_resolver is not None and not definition.args:
            loaded = loaded_by_of(found.base_resolver.wrapped_func)
            kind = Kind.LOADED if loaded is not None else kind
        sets = [(e.node.selection_set, e.conditions) for e in entries if e.node.selection_set]
        output = self._output(definition.type, sets)
        return FieldPlan(key, entries, kind, parent, definition, found, output, loaded)

    def _output(self, type_: GraphQLOutputType, sets: SelectionSets) -> Output:
        non_null = isinstance(type_, GraphQLNonNull)
        inner = type_.of_type if isinstance(type_, GraphQLNonNull) else type_
        if isinstance(inner, GraphQLList):
            return Output(non_null, item=self._output(inner.of_type, sets))
        if is_leaf_type(inner):
            return Output(non_null, coerce=inner.coerce_output_value, leaf=inner)
        if isinstance(inner, GraphQLObjectType):
            return Output(
                non_null, selection=self.selection(inner, sets), is_type_of=inner.is_type_of
            )
        raise Unsupported(f"an abstract type ({inner})")
