"""Running a plan: the selections bound to a request's variables, then the response built
level by level (the async resolvers of a level run together: `drive`).

The result is the `data` of the response, or an exception: any failure (a resolver's error,
a null where the type forbids it, a value the type cannot represent) raises, and the caller
runs the standard executor instead, whose errors are the API's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any, cast

from graphql import (
    DirectiveNode,
    FieldNode,
    GraphQLEnumType,
    GraphQLIncludeDirective,
    GraphQLSchema,
    GraphQLSkipDirective,
    Undefined,
    get_argument_values,
)
from graphql.execution.values import VariableValues
from graphql.pyutils import Path, is_iterable
from strawberry.execution.is_awaitable import optimized_is_awaitable
from strawberry.relay.types import GlobalID
from strawberry.scalars import is_scalar
from strawberry.types.arguments import convert_arguments
from strawberry.types.base import StrawberryList, StrawberryMaybe, StrawberryOptional
from strawberry.types.enum import StrawberryEnumDefinition, has_enum_definition
from strawberry.types.field import StrawberryField
from strawberry.types.unset import UNSET

from hub.graphql.fast.builder import (
    ATTRIBUTE,
    LEAF,
    LOADED,
    RESOLVER,
    TYPENAME,
    Bound,
    Build,
    compile_builder,
)
from hub.graphql.fast.drive import drive
from hub.graphql.fast.plan import (
    Entry,
    FieldPlan,
    Kind,
    OperationPlan,
    Output,
    Selection,
    Unsupported,
)
from hub.graphql.fast.projected import projection_of
from hub.graphql.fast.variables import variables_coercion

# (parent path, key): a response path, made a graphql-core Path only if a resolver asks.
PathLink = tuple[Any, str | int] | None
Complete = Callable[[Any, "Run", PathLink], Any]


class Failed(Exception):
    """The plan cannot answer this request (the standard executor will say why)."""


@dataclass
class Run:
    """One execution: what resolvers see, and the async resolvers waiting for their level."""

    schema: Any  # strawberry.Schema (not imported: it imports the schema's modules)
    context: Any
    root_value: Any
    variables: VariableValues
    plan: OperationPlan
    operation_extensions: dict[str, Any] | None
    # (object being built, key, awaitable, completion, path) of the next level.
    pending: list[tuple[dict[str, Any], str, Any, Complete, PathLink]] = field(default_factory=list)
    # Arguments of each field, converted once per request (on first use, with its info).
    arguments: dict[int, dict[str, Any]] = field(default_factory=dict)
    # Objects and lists completed by pure selections: (selection, id) -> (value, its JSON).
    completed: dict[tuple[int, int], tuple[Any, Any]] = field(default_factory=dict)
    # Loaded fields of the next level, by batch function: (object being built, key, the
    # load's key, completion, path).
    loads: dict[Any, list[tuple[dict[str, Any], str, Any, Complete, PathLink]]] = field(
        default_factory=dict
    )


async def execute(
    plan: OperationPlan,
    *,
    schema: Any,
    context: Any,
    root_value: Any,
    variable_values: dict[str, Any] | None,
    operation_extensions: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The `data` of the response to `plan` with these variables (raises on any failure)."""
    graphql_schema: GraphQLSchema = schema._schema
    coerce = plan.coerce_variables
    if coerce is None:
        definitions = plan.operation.variable_definitions or ()
        coerce = plan.coerce_variables = variables_coercion(graphql_schema, definitions, 50)
    variables = coerce(variable_values or {})
    if isinstance(variables, list):
        raise Failed("variables do not coerce")
    run = Run(schema, context, root_value, variables, plan, operation_extensions)
    fields = bind(plan, variables)
    data = _object(fields, root_value, run, None)
    while run.pending or run.loads:
        level, run.pending = run.pending, []
        loads, run.loads = run.loads, {}
        keys = [list(dict.fromkeys(k for _, _, k, _, _ in items)) for items in loads.values()]
        values = await drive(
            [awaitable for _, _, awaitable, _, _ in level]
            + [run.context.loader(b).load_many(k) for b, k in zip(loads, keys, strict=True)]
        )
        for (target, key, _, complete, path), value in zip(
            level, values[: len(level)], strict=True
        ):
            target[key] = complete(value, run, path)
        found = values[len(level) :]
        for items, asked, got in zip(loads.values(), keys, found, strict=True):
            by_key = dict(zip(asked, got, strict=True))
            for target, key, load_key, complete, path in items:
                target[key] = complete(by_key[load_key], run, path)
    return data


Leaf = Callable[[Any], Any]


def bind(plan: OperationPlan, variables: VariableValues) -> list[Bound]:
    """The root fields with @skip/@include decided for these variables; a plan without
    conditions is bound once and for all."""
    if not plan.conditional:
        if plan.bound is None:
            plan.bound = _Binder(None).fields(plan.root)
        bound: list[Bound] = plan.bound
        return bound
    return _Binder(variables).fields(plan.root)


class _Binder:
    def __init__(self, variables: VariableValues | None) -> None:
        self.variables = variables
        self.decided: dict[int, bool] = {}

    def _holds(self, directive: DirectiveNode) -> bool:
        found = self.decided.get(id(directive))
        if found is None:
            skip = directive.name.value == "skip"
            values = get_argument_values(
                GraphQLSkipDirective if skip else GraphQLIncludeDirective,
                directive,
                self.variables,
            )
            found = self.decided[id(directive)] = bool(values["if"]) is not skip
        return found

    def _included(self, entry: Entry) -> bool:
        return all(self._holds(d) for d in entry.conditions)

    def fields(self, selection: Selection) -> list[Bound]:
        bound: list[Bound] = []
        for plan in selection.fields:
            nodes = [e.node for e in plan.entries if self._included(e)]
            if not nodes:
                continue
            if plan.kind is Kind.TYPENAME:
                bound.append((plan.key, TYPENAME, selection.type.name, None))
                continue
            assert plan.output is not None and plan.strawberry_field is not None
            output = plan.output
            if plan.kind is Kind.RESOLVER:
                projected = self._projected(plan, nodes)
                if projected is not None:
                    bound.append(projected)
                    continue
                bound.append((plan.key, RESOLVER, _caller(plan, nodes), self._complete(output)))
            elif plan.kind is Kind.LOADED:
                assert plan.loaded is not None
                bound.append((plan.key, LOADED, plan.loaded, self._complete(output)))
            elif output.coerce is not None:
                name = plan.strawberry_field.python_name
                bound.append((plan.key, LEAF, name, _leaf(output)))
            else:
                name = plan.strawberry_field.python_name
                bound.append((plan.key, ATTRIBUTE, name, self._complete(output)))
        return bound

    def _projected(self, plan: FieldPlan, nodes: list[FieldNode]) -> Bound | None:
        """The field answered by its resolver's projection (`fast.projected`), when it has
        one that covers the selection; only in a binding made once for every run."""
        field_ = plan.strawberry_field
        assert field_ is not None and field_.base_resolver is not None
        compile_projection = projection_of(field_.base_resolver.wrapped_func)
        if compile_projection is None or self.variables is not None:
            return None
        try:
            projected = compile_projection(plan, self)
        except Unsupported:
            return None
        return (plan.key, RESOLVER, _caller(plan, nodes, projection=projected), _as_is)

    def complete(self, output: Output) -> Complete:
        """How a value of `output` completes (for projections)."""
        return self._complete(output)

    def leaf(self, output: Output) -> Leaf:
        """How a leaf value of `output` completes (for projections)."""
        return _leaf(output)

    def _complete(self, output: Output) -> Complete:
        if output.coerce is not None:
            leaf = _leaf(output)
            return lambda value, run, path: leaf(value)
        if output.item is not None:
            if output.item.coerce is not None:
                return _leaf_list(_leaf(output.item), output.non_null)
            return _list(self._complete(output.item), output.non_null)
        assert output.selection is not None
        fields = self.fields(output.selection)
        # Bound once for every run (no @skip/@include): worth compiling.
        build = compile_builder(fields) if self.variables is None else partial(_object, fields)
        return _object_completion(fields, output, build, pure=_pure(fields))


_INT_RANGE = range(-(2**31), 2**31)
_LISTS = (list, tuple)  # what a list field mostly returns: no need to ask `is_iterable`


def _leaf(output: Output) -> Leaf:
    """The completion of a leaf: its type's output coercion (strings, booleans, 32-bit ints
    and enum members known to their type take a shortcut with the same result)."""
    coerce, non_null = output.coerce, output.non_null
    assert coerce is not None
    name = output.leaf.name if output.leaf is not None else None
    plain: type | None = {"String": str, "ID": str, "Boolean": bool}.get(name or "")
    lookup: dict[Any, str] = (
        getattr(output.leaf, "_value_lookup", {})
        if isinstance(output.leaf, GraphQLEnumType)
        else {}
    )

    def complete(value: Any) -> Any:
        if value is None:
            if non_null:
                raise Failed("null for a non-null field")
            return None
        kind = type(value)
        if kind is plain or (kind is int and name == "Int" and value in _INT_RANGE):
            return value
        if lookup:
            found = lookup.get(value)
            if found is not None:
                return found
        coerced = coerce(value)
        if coerced is None or coerced is Undefined:
            raise Failed("a leaf value that does not coerce")
        return coerced

    complete.plain = plain  # type: ignore[attr-defined]  # values of it complete as they are
    return complete


def _leaf_list(item: Leaf, non_null: bool) -> Complete:
    def complete(value: Any, run: Run, path: PathLink) -> Any:
        if value is None:
            if non_null:
                raise Failed("null for a non-null field")
            return None
        if type(value) not in _LISTS and not is_iterable(value):
            raise Failed("a list field returned no list")
        return [item(v) for v in value]

    return complete


def _list(item: Complete, non_null: bool) -> Complete:
    """Completes a list of objects. Of pure items, one list completes once per request, as
    a pure object does: the breakdowns a page's rows share (one list per distinct key)."""
    pure = getattr(item, "pure", True)
    slot = id(item)

    def complete(value: Any, run: Run, path: PathLink) -> Any:
        if value is None:
            if non_null:
                raise Failed("null for a non-null field")
            return None
        if pure:
            found = run.completed.get((slot, id(value)))
            if found is not None:
                return found[1]
        if type(value) not in _LISTS and not is_iterable(value):
            raise Failed("a list field returned no list")
        out = [item(v, run, (path, i)) for i, v in enumerate(value)]
        if pure:
            run.completed[(slot, id(value))] = (value, out)  # the list kept: its id stays its
        return out

    complete.pure = pure  # type: ignore[attr-defined]
    return complete


def _pure(fields: list[Bound]) -> bool:
    """Whether these fields' JSON is a function of the object alone: attributes and sync
    resolvers that take no `info` (so neither path nor context), all the way down."""
    for _key, kind, get, complete in fields:
        if kind == LOADED:
            return False
        if kind == RESOLVER and not getattr(get, "pure", False):
            return False
        if kind in (ATTRIBUTE, RESOLVER) and not getattr(complete, "pure", True):
            return False
    return True


def _object_completion(
    fields: list[Bound], output: Output, build: Build, *, pure: bool
) -> Complete:
    """Completes an object of this selection. A pure selection completes each object once
    per request: the indicator that a thousand rows of a page show is built once, and its
    JSON is shared (it is the same value each time)."""
    non_null, is_type_of, slot = output.non_null, output.is_type_of, id(fields)

    def complete(value: Any, run: Run, path: PathLink) -> Any:
        if value is None:
            if non_null:
                raise Failed("null for a non-null field")
            return None
        if pure:
            found = run.completed.get((slot, id(value)))
            if found is not None:
                return found[1]
        if is_type_of is not None and not is_type_of(value, None):
            raise Failed("an object of another type")
        out = build(value, run, path)
        if pure:
            run.completed[(slot, id(value))] = (value, out)  # the object kept: its id stays its
        return out

    complete.pure = pure  # type: ignore[attr-defined]
    return complete


def _object(fields: list[Bound], source: Any, run: Run, path: PathLink) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, kind, get, complete in fields:
        if kind is LEAF:
            out[key] = complete(getattr(source, get))
        elif kind is ATTRIBUTE:
            out[key] = complete(getattr(source, get), run, (path, key))
        elif kind is RESOLVER:
            value = get(source, run, (path, key))
            if optimized_is_awaitable(value):
                out[key] = None  # keeps the key's place; set when its level has run
                run.pending.append((out, key, value, complete, (path, key)))
            else:
                out[key] = complete(value, run, (path, key))
        elif kind is LOADED:
            load_key = getattr(source, get.attribute)
            if load_key is None:
                out[key] = complete(None, run, (path, key))
            else:
                out[key] = None  # keeps the key's place; set when its level has run
                items = run.loads.setdefault(get.batch_load, [])
                items.append((out, key, load_key, complete, (path, key)))
        else:
            out[key] = get
    return out


def _as_is(value: Any, run: Run, path: PathLink) -> Any:
    """The completion of a projected field: its projection wrote the JSON."""
    return value


_as_is.pure = False  # type: ignore[attr-defined]


def _caller(
    plan: FieldPlan,
    nodes: list[FieldNode],
    projection: Callable[[Run, dict[str, Any]], Any] | None = None,
) -> Callable[[Any, Run, PathLink], Any]:
    """Calls the field's resolver as strawberry does (`schema_converter.get_arguments`),
    or `projection(run, the resolver's keyword arguments)` instead."""
    field_ = plan.strawberry_field
    assert field_ is not None and field_.base_resolver is not None
    resolver = field_.base_resolver
    has_self = resolver.self_parameter is not None
    info_name = resolver.info_parameter.name if resolver.info_parameter else None
    source_names = [
        p.name for p in (resolver.parent_parameter, resolver.root_parameter) if p is not None
    ]
    function = cast(Callable[..., Any], resolver.wrapped_func)
    template = _InfoTemplate(plan, nodes)
    slot = id(template)

    def caller(source: Any, run: Run, path: PathLink) -> Any:
        kwargs = run.arguments.get(slot)
        if kwargs is None:
            kwargs = run.arguments[slot] = _arguments(template, run, field_, path)
        if info_name or source_names:
            kwargs = dict(kwargs)
            if info_name:
                kwargs[info_name] = _info(template, run, path, field_)
            for name in source_names:
                kwargs[name] = source
        if projection is not None:
            return projection(run, kwargs)
        return function(source, **kwargs) if has_self else function(**kwargs)

    # A sync resolver of its object and arguments alone (no info, no parent or root).
    pure = not (projection or field_.is_async or info_name or source_names)
    caller.pure = pure  # type: ignore[attr-defined]
    return caller


def _arguments(
    template: _InfoTemplate, run: Run, field_: StrawberryField, path: PathLink
) -> dict[str, Any]:
    definition = template.plan.definition
    if definition is None or not definition.args:
        return {}
    raw = get_argument_values(definition, template.field_nodes[0], run.variables)
    kinds = template.kinds(field_, run)
    kwargs: dict[str, Any] = {}
    for name, value in raw.items():
        kind = kinds.get(name)
        if kind is None:
            break
        python_name, is_list, plain = kind
        if value is None or value is UNSET:
            kwargs[python_name] = value
        elif not plain:
            break
        else:
            # A list is copied, as strawberry does: graphql-core gives every request that
            # omits it the same default list object.
            kwargs[python_name] = list(value) if is_list else value
    else:
        return kwargs
    return convert_arguments(
        raw,
        field_.arguments,
        scalar_registry=run.schema.schema_converter.scalar_registry,
        config=run.schema.config,
        info=_info(template, run, path, field_),
    )


# Per GraphQL argument name: its Python name, whether it is a list, and whether
# `convert_arguments` hands its value on as graphql-core coerced it (a null or unset value
# it always does); None for a Maybe, which it wraps in Some, null or not.
_Kinds = dict[str, tuple[str, bool, bool] | None]


def _argument_kinds(field_: StrawberryField, run: Run) -> _Kinds:
    """Which of the field's arguments need no conversion: a scalar or an enum, or a list of
    them (copied), each optional or not. Not an input object, a GlobalID, a Maybe (wrapped
    in Some) or a lazy type. Strawberry resolves each argument's annotation on every call
    (~70 us for Q1's two strings); a plan asks once."""
    registry = run.schema.schema_converter.scalar_registry
    kinds: _Kinds = {}
    for argument in field_.arguments:
        name = run.schema.config.name_converter.from_argument(argument)
        if isinstance(argument.type, StrawberryMaybe):
            kinds[name] = None
            continue
        type_, is_list = _bare(argument.type), False
        if isinstance(type_, StrawberryList):
            type_, is_list = _bare(type_.of_type), True
        plain = type_ is not GlobalID and (
            is_scalar(type_, registry)
            or isinstance(type_, StrawberryEnumDefinition)
            or has_enum_definition(type_)
        )
        kinds[name] = (argument.python_name, is_list, plain)
    return kinds


def _bare(type_: Any) -> Any:
    """`type_` without an Optional around it (a Maybe stays: it is converted)."""
    if isinstance(type_, StrawberryOptional) and not isinstance(type_, StrawberryMaybe):
        return type_.of_type
    return type_


class _InfoTemplate:
    """What every call of one field shares in its resolve info."""

    def __init__(self, plan: FieldPlan, nodes: list[FieldNode]) -> None:
        self.plan = plan
        self.field_name = nodes[0].name.value
        self.field_nodes = nodes
        self.return_type = plan.definition.type if plan.definition else None
        self.parent_type = plan.parent
        self._kinds: _Kinds | None = None

    def kinds(self, field_: StrawberryField, run: Run) -> _Kinds:
        if self._kinds is None:
            self._kinds = _argument_kinds(field_, run)
        return self._kinds


class _ResolveInfo:
    """graphql-core's resolve info as strawberry's `Info` reads it, built per call cheaply:
    the path is made only when asked for."""

    __slots__ = ("_link", "_run", "_template")

    def __init__(self, template: _InfoTemplate, run: Run, link: PathLink) -> None:
        self._template = template
        self._run = run
        self._link = link

    field_name = property(lambda self: self._template.field_name)
    field_nodes = property(lambda self: self._template.field_nodes)
    return_type = property(lambda self: self._template.return_type)
    parent_type = property(lambda self: self._template.parent_type)
    context = property(lambda self: self._run.context)
    root_value = property(lambda self: self._run.root_value)
    operation = property(lambda self: self._run.plan.operation)
    fragments = property(lambda self: self._run.plan.fragments)
    variable_values = property(lambda self: self._run.variables.coerced)
    operation_extensions = property(lambda self: self._run.operation_extensions)
    schema = property(lambda self: self._run.schema._schema)

    @property
    def path(self) -> Path | None:
        keys: list[str | int] = []
        link = self._link
        while link is not None:
            link, key = link
            keys.append(key)
        path: Path | None = None
        for key in reversed(keys):
            path = Path(path, key, None)
        return path

    @staticmethod
    def is_awaitable(value: Any) -> bool:
        return optimized_is_awaitable(value)


def _info(template: _InfoTemplate, run: Run, link: PathLink, field_: StrawberryField) -> Any:
    return run.schema.config.info_class(_raw_info=_ResolveInfo(template, run, link), _field=field_)
