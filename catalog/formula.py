"""Formulas of derived indicators: parsed to a tree (never `eval`), their references and units.

The language is small and closed:

    formula  := sum
    sum      := product (("+" | "-") product)*
    product  := unary (("*" | "/") unary)*
    unary    := "-" unary | atom
    atom     := number | reference | function "(" sum ("," sum)* ")" | "(" sum ")"
    reference:= "[" code (codelist "=" code)* "]" | code   (a bare code starts with a letter)

`[0501] / [0102]`, `HUB-EXPORTS - HUB-IMPORTS` (spaces around a binary minus: `-` is a code
character), `growth(0501)` is refused (a bare token starting with a digit is a number, and
`0501` is not written as one): write `growth([0501])`. `[0501 PRICE_BASIS=CUR]` reads an
input at a code of one of its codelists; an input's other codelists that the derived
indicator does not have are read at their total code (`T`). Functions:

- `growth(X)`: percent change on the same period one year earlier, `(X / X[-1y] - 1) * 100`;
- `growth_prev(X)`: percent change on the previous period of the same frequency;
- `share(X)`: percent of the value of the area's parent area, `X / X[parent] * 100`, where
  `X[parent]` is the parent's own value if it has one for the period, else the sum of the
  values of the parent's children (the areas under the same parent that have one).

A number is a conversion factor: `[0501] / [0102] * 1000` is billion VND per person written
in million VND; units are checked (`formula_unit`) so that the declared unit must match the
formula's after multipliers.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Context, Decimal

from catalog.model import CODE_PATTERN, Unit

FUNCTIONS = {"growth": 1, "growth_prev": 1, "share": 1}
MAX_LENGTH = 1000  # characters: a formula is a line, not a program
MAX_DEPTH = 50  # nesting; a deeper tree is refused before recursion could run out


class FormulaError(ValueError):
    """A formula that does not parse; `position` is the 0-based character where it went wrong."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(f"{message} (at character {position + 1})")
        self.message = message
        self.position = position


@dataclass(frozen=True)
class Number:
    value: Decimal


@dataclass(frozen=True)
class Reference:
    code: str
    # (codelist, code) pairs the input is read at, sorted: `[0501 PRICE_BASIS=CUR]`
    selection: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Negate:
    operand: Node


@dataclass(frozen=True)
class Binary:
    operator: str  # + - * /
    left: Node
    right: Node


@dataclass(frozen=True)
class Call:
    function: str
    arguments: tuple[Node, ...]


Node = Number | Reference | Negate | Binary | Call

_TOKEN = re.compile(
    r"\s*(?:(?P<bracket>\[(?P<quoted>[^\]]*)\])|(?P<word>[A-Za-z0-9][A-Za-z0-9_.\-]*)"
    r"|(?P<op>[-+*/(),]))"
)
_NUMBER = re.compile(r"(?:0|[1-9][0-9]*)(?:\.[0-9]+)?|0\.[0-9]+")


@dataclass(frozen=True)
class _Token:
    kind: str  # number reference name op end
    text: str
    position: int


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    position = 0
    while position < len(text):
        if text[position:].strip() == "":
            break
        match = _TOKEN.match(text, position)
        if match is None:
            start = len(text) - len(text[position:].lstrip())
            raise FormulaError(f"unexpected character {text[start]!r}", start)
        start = match.start(match.lastgroup or 0)
        if match["bracket"] is not None:
            code, *pairs = match["quoted"].split() or [""]
            if not CODE_PATTERN.match(code):
                raise FormulaError(f"{code!r} is not an indicator code", start)
            for pair in pairs:
                codelist, _, item = pair.partition("=")
                if not (CODE_PATTERN.match(codelist) and CODE_PATTERN.match(item)):
                    raise FormulaError(f"{pair!r} is not CODELIST=CODE", start)
            tokens.append(_Token("reference", match["quoted"].strip(), start))
        elif match["word"] is not None:
            word = match["word"]
            if word[0].isdigit():
                if not _NUMBER.fullmatch(word):
                    raise FormulaError(
                        f"{word!r} is not a number; write an indicator code that starts "
                        f"with a digit in brackets: [{word}]",
                        start,
                    )
                tokens.append(_Token("number", word, start))
            else:
                tokens.append(_Token("name", word, start))
        else:
            tokens.append(_Token("op", match["op"], start))
        position = match.end()
    tokens.append(_Token("end", "", len(text)))
    return tokens


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _tokens(text)
        self.at = 0
        self.depth = 0

    @property
    def token(self) -> _Token:
        return self.tokens[self.at]

    def take(self, text: str) -> bool:
        if self.token.kind == "op" and self.token.text == text:
            self.at += 1
            return True
        return False

    def expect(self, text: str) -> None:
        if not self.take(text):
            raise FormulaError(f"expected {text!r}, found {self._shown()}", self.token.position)

    def _shown(self) -> str:
        return "the end" if self.token.kind == "end" else repr(self.token.text)

    def formula(self) -> Node:
        if self.token.kind == "end":
            raise FormulaError("the formula is empty", 0)
        node = self.sum()
        if self.token.kind != "end":
            raise FormulaError(f"unexpected {self._shown()}", self.token.position)
        return node

    def sum(self) -> Node:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise FormulaError(f"nested deeper than {MAX_DEPTH}", self.token.position)
        node = self.product()
        while self.token.kind == "op" and self.token.text in "+-":
            operator = self.token.text
            self.at += 1
            node = Binary(operator, node, self.product())
        self.depth -= 1
        return node

    def product(self) -> Node:
        node = self.unary()
        while self.token.kind == "op" and self.token.text in "*/":
            operator = self.token.text
            self.at += 1
            node = Binary(operator, node, self.unary())
        return node

    def unary(self) -> Node:
        if self.take("-"):
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise FormulaError(f"nested deeper than {MAX_DEPTH}", self.token.position)
            node = Negate(self.unary())
            self.depth -= 1
            return node
        return self.atom()

    def atom(self) -> Node:
        token = self.token
        if token.kind == "number":
            self.at += 1
            return Number(Decimal(token.text))
        if token.kind == "reference":
            self.at += 1
            code, *pairs = token.text.split()
            selection = tuple(sorted(tuple(p.split("=", 1)) for p in pairs))
            codelists = [codelist for codelist, _ in selection]
            if len(set(codelists)) != len(codelists):
                raise FormulaError(f"[{token.text}] names a codelist twice", token.position)
            return Reference(code, selection)  # type: ignore[arg-type]
        if token.kind == "name":
            self.at += 1
            if not self.take("("):
                return Reference(token.text)
            return self.call(token)
        if self.take("("):
            node = self.sum()
            self.expect(")")
            return node
        raise FormulaError(
            f"expected a number, an indicator or '(', found {self._shown()}", token.position
        )

    def call(self, name: _Token) -> Node:
        arity = FUNCTIONS.get(name.text)
        if arity is None:
            known = ", ".join(sorted(FUNCTIONS))
            raise FormulaError(f"unknown function {name.text!r} (known: {known})", name.position)
        arguments = [self.sum()]
        while self.take(","):
            arguments.append(self.sum())
        self.expect(")")
        if len(arguments) != arity:
            raise FormulaError(
                f"{name.text} takes {arity} argument(s), got {len(arguments)}", name.position
            )
        return Call(name.text, tuple(arguments))


def parse_formula(text: str) -> Node:
    """The tree of `text`; raises `FormulaError` naming what is wrong and where."""
    if len(text) > MAX_LENGTH:
        raise FormulaError(f"longer than {MAX_LENGTH} characters", MAX_LENGTH)
    return _Parser(text).formula()


def walk(node: Node) -> Iterator[Node]:
    """`node` and every node under it, parents first."""
    yield node
    if isinstance(node, Negate):
        yield from walk(node.operand)
    elif isinstance(node, Binary):
        yield from walk(node.left)
        yield from walk(node.right)
    elif isinstance(node, Call):
        for argument in node.arguments:
            yield from walk(argument)


def references(node: Node) -> tuple[str, ...]:
    """The indicator codes a formula reads, in order of first appearance."""
    seen: dict[str, None] = {}
    for item in walk(node):
        if isinstance(item, Reference):
            seen.setdefault(item.code)
    return tuple(seen)


def show(node: Node) -> str:
    """A canonical text of the tree (brackets around every code, parentheses where needed)."""
    if isinstance(node, Number):
        return format(node.value, "f")
    if isinstance(node, Reference):
        return f"[{' '.join([node.code, *(f'{c}={v}' for c, v in node.selection)])}]"
    if isinstance(node, Negate):
        return f"-{_show_operand(node.operand, 3)}"
    if isinstance(node, Call):
        return f"{node.function}({', '.join(show(a) for a in node.arguments)})"
    level = 1 if node.operator in "+-" else 2
    left = _show_operand(node.left, level)
    right = _show_operand(node.right, level + 1)  # a - (b - c): right operands bind tighter
    return f"{left} {node.operator} {right}"


def _show_operand(node: Node, level: int) -> str:
    own = 3
    if isinstance(node, Binary):
        own = 1 if node.operator in "+-" else 2
    text = show(node)
    return f"({text})" if own < level else text


# -- units --------------------------------------------------------------------------------

# Quantity kinds whose base unit is a pure number, and what one of it is worth: counts of
# persons, enterprises or cases (QUDT maps them to unit:NUM), coefficients, and percent (the
# ratio units are scalings of percent in units.ttl), indices (100 = the base).
_DIMENSIONLESS = {
    "count": Decimal(1),
    "dimensionless": Decimal(1),
    "ratio": Decimal("0.01"),
    "index": Decimal("0.01"),
}
PERCENT = Decimal("0.01")


@dataclass(frozen=True)
class Dimension:
    """The unit of a formula's value: base units with exponents, and what one unit is worth in
    them (`multiplier`): billion VND per person is ({VND: 1}, 1e9)."""

    bases: tuple[tuple[str, int], ...]
    multiplier: Decimal

    def describe(self) -> str:
        named = " ".join(b if e == 1 else f"{b}^{e}" for b, e in self.bases) or "a pure number"
        return f"{named} x {_plain(self.multiplier)}"


def _plain(number: Decimal) -> str:
    return format(number.normalize(_EXACT), "f")


# Multipliers are powers of ten and small factors: 50 digits keep every quotient of them
# exact enough to compare.
_EXACT = Context(prec=50)


class FormulaUnitError(ValueError):
    """The parts of a formula do not combine (a sum of VND and persons)."""


def unit_dimension(unit: Unit, base: Unit) -> Dimension:
    """The dimension of a catalog unit (`base` is its base unit)."""
    worth = _DIMENSIONLESS.get(base.quantity_kind)
    if worth is not None:
        return Dimension((), unit.multiplier * worth)
    return Dimension(((base.code, 1),), unit.multiplier)


def _combine(
    left: tuple[tuple[str, int], ...], right: tuple[tuple[str, int], ...], sign: int
) -> tuple[tuple[str, int], ...]:
    exponents = dict(left)
    for base, exponent in right:
        exponents[base] = exponents.get(base, 0) + sign * exponent
    return tuple(sorted((b, e) for b, e in exponents.items() if e))


def formula_dimension(node: Node, dimension_of: Callable[[str], Dimension | None]) -> Dimension:
    """The dimension of a formula's value; `dimension_of(code)` gives an input's (None: unknown,
    then treated as a pure number so that the other problems still show). Raises
    `FormulaUnitError` for a sum or difference of different dimensions."""
    if isinstance(node, Number):
        return Dimension((), _EXACT.divide(1, node.value) if node.value else Decimal(1))
    if isinstance(node, Reference):
        return dimension_of(node.code) or Dimension((), Decimal(1))
    if isinstance(node, Negate):
        return formula_dimension(node.operand, dimension_of)
    if isinstance(node, Call):
        for argument in node.arguments:
            formula_dimension(argument, dimension_of)
        return Dimension((), PERCENT)
    left = formula_dimension(node.left, dimension_of)
    right = formula_dimension(node.right, dimension_of)
    if node.operator in "+-":
        if left != right:
            raise FormulaUnitError(
                f"{show(node)} {'adds' if node.operator == '+' else 'subtracts'} values in "
                f"different units: {left.describe()} and {right.describe()}"
            )
        return left
    if node.operator == "*":
        product = _EXACT.multiply(left.multiplier, right.multiplier)
        return Dimension(_combine(left.bases, right.bases, 1), product)
    quotient = _EXACT.divide(left.multiplier, right.multiplier)
    return Dimension(_combine(left.bases, right.bases, -1), quotient)


def dimension_in(units: Mapping[str, Unit], code: str) -> Dimension | None:
    """The dimension of the catalog unit `code`, or None when it or its base is unknown."""
    unit = units.get(code)
    if unit is None:
        return None
    base = units.get(unit.base_code)
    return None if base is None else unit_dimension(unit, base)
