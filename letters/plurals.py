"""A catalog's `Plural-Forms` header, read with a strict grammar and checked before it is used.

The header is a translator's text, and gettext runs it as code: `plural=(n>1)?7:0` picks a
form that does not exist (the letter silently prints English), `plural=n%0` divides by zero on
every French preview, and `nplurals=1000000` makes a compiler allocate gigabytes. Here it is
parsed as data: the C subset gettext documents (`n`, integers, `! * / % + - < > <= >= == != &&
|| ?:` and parentheses), evaluated by our own small interpreter, never by Python.

`plural_rule` refuses anything else, naming it; a rule must give, for every n in 0…1000, an index
in 0…nplurals-1, and nplurals is at most 6 (no language needs more). `babel_difference` says
whether a rule differs from Babel's locale data for the language (`i18n check` and `compile`
refuse that unless `letters/data/plural_forms.toml` holds a reviewed exception).
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from . import tomlsafe
from .errors import TranslationError
from .resources import package_data

MAX_PLURALS = 6
CHECKED = range(0, 1001)
MAX_LENGTH = 300  # Babel's longest rule (Arabic, 6 forms) is under 120 characters
MAX_NESTING = 12

HEADER = re.compile(r"\s*nplurals\s*=\s*([^;]*?)\s*;\s*plural\s*=\s*(.*?)\s*;?\s*")
SYMBOL = re.compile(r"\s*(?:(\d{1,9})|(n)|(&&|\|\||==|!=|<=|>=|[-+*/%<>!?:()]))")

Expression = Callable[[int], int]


class PluralFormsError(TranslationError):
    """A Plural-Forms header that is not the small, safe language gettext describes."""


@dataclass(frozen=True)
class PluralRule:
    """A checked rule: `index(n)` is always in 0…nplurals-1 for the n a letter counts."""

    nplurals: int
    expression: str
    _evaluate: Expression

    def index(self, n: int) -> int:
        """The form for `n`; a rule that fails beyond the checked range gives the last form."""
        try:
            found = int(self._evaluate(n))
        except ZeroDivisionError:
            return self.nplurals - 1
        return found if 0 <= found < self.nplurals else self.nplurals - 1

    @property
    def header(self) -> str:
        return f"nplurals={self.nplurals}; plural={self.expression};"


def plural_rule(header: str, lang: str = "") -> PluralRule:
    """Parse and check a `Plural-Forms` value; a `PluralFormsError` names what is wrong."""

    def refuse(problem: str) -> PluralFormsError:
        return PluralFormsError(
            f"Plural-Forms {header.strip()[:80]!r}: {problem}",
            field=f"{lang} catalog" if lang else "Plural-Forms",
            fix=f"use the header Babel gives for the language ({_babel_header(lang)}) "
            "and compile the catalog again",
        )

    if len(header) > MAX_LENGTH:
        raise refuse(f"is longer than {MAX_LENGTH} characters")
    match = HEADER.fullmatch(header)
    if not match:
        raise refuse("is not `nplurals=N; plural=EXPRESSION;`")
    if not re.fullmatch(r"\d{1,9}", match[1]):
        raise refuse(f"nplurals {match[1][:20]!r} is not a number")
    nplurals = int(match[1])
    if not 1 <= nplurals <= MAX_PLURALS:
        raise refuse(f"nplurals is {nplurals}; it must be 1 to {MAX_PLURALS}")
    try:
        evaluate = _Parser(match[2]).parse()
    except ValueError as error:
        raise refuse(str(error)) from error
    for n in CHECKED:
        try:
            index = int(evaluate(n))
        except ZeroDivisionError as error:
            raise refuse(f"divides by zero for n = {n}") from error
        if not 0 <= index < nplurals:
            raise refuse(f"gives form {index} for n = {n}; forms are 0 to {nplurals - 1}")
    return PluralRule(nplurals, " ".join(match[2].split()), evaluate)


def _babel_header(lang: str) -> str:
    from babel.messages.plurals import get_plural  # babel.messages: only to explain a refusal

    try:
        return f"`{get_plural(lang or 'en')}`".replace("; `", "`")
    except (ValueError, LookupError):  # a language Babel does not know
        return "see `pybabel init -l LANG`"


def babel_rule(lang: str) -> PluralRule:
    """The rule Babel's locale data gives for a language."""
    from babel.messages.plurals import get_plural

    return plural_rule(str(get_plural(lang)), lang)


def babel_difference(rule: PluralRule, lang: str) -> str | None:
    """Why `rule` is not Babel's for `lang` (None when it gives the same form for every n in
    0…1000), unless letters/data/plural_forms.toml allows exactly this rule after review.
    A language Babel does not know has nothing to differ from."""
    try:
        babel = babel_rule(lang)
    except (ValueError, LookupError):
        return None
    for expected in (babel, *_reviewed(lang)):
        if _same(rule, expected):
            return None
    n = next((n for n in CHECKED if rule.index(n) != babel.index(n)), None)
    where = (
        f" (for n = {n}: form {rule.index(n)}, Babel's {babel.index(n)})" if n is not None else ""
    )
    return (
        f"differs from Babel's locale data for {lang!r}, {babel.header!r}{where}; a reviewed "
        "exception goes into letters/data/plural_forms.toml"
    )


def _same(one: PluralRule, other: PluralRule) -> bool:
    return one.nplurals == other.nplurals and all(one.index(n) == other.index(n) for n in CHECKED)


@cache
def _reviewed(lang: str) -> tuple[PluralRule, ...]:
    """The reviewed exceptions for a language (each with its reason, in the data file)."""
    allowed = tomlsafe.loads(package_data("plural_forms.toml").read_text(encoding="utf-8"))
    entry = allowed.get(lang) or {}
    headers = entry.get("allow", [])
    return tuple(plural_rule(header, lang) for header in headers)


# -- the interpreter: recursive descent over gettext's C subset ----------------------------------

_BINARY = {
    "||": (1, None),  # short-circuit, as in C: `n != 0 && 5 % n == 0` is safe for n = 0
    "&&": (2, None),
    "==": (3, lambda a, b: int(a == b)),
    "!=": (3, lambda a, b: int(a != b)),
    "<": (4, lambda a, b: int(a < b)),
    ">": (4, lambda a, b: int(a > b)),
    "<=": (4, lambda a, b: int(a <= b)),
    ">=": (4, lambda a, b: int(a >= b)),
    "+": (5, operator.add),
    "-": (5, operator.sub),
    "*": (6, operator.mul),
    "/": (6, lambda a, b: _c_division(a, b)[0]),
    "%": (6, lambda a, b: _c_division(a, b)[1]),
}


def _c_division(a: int, b: int) -> tuple[int, int]:
    """C's integer division (truncating toward zero); b == 0 raises ZeroDivisionError."""
    quotient = abs(a) // abs(b) * (1 if (a < 0) == (b < 0) else -1)
    return quotient, a - b * quotient


class _Parser:
    def __init__(self, text: str) -> None:
        self.symbols: list[str] = []
        position = 0
        text = text.rstrip()
        while position < len(text):
            match = SYMBOL.match(text, position)
            if not match:
                raise ValueError(f"{text[position:].strip()[:20]!r} is not allowed in a rule")
            self.symbols.append(match[1] or match[2] or match[3])
            position = match.end()
        self.at = 0
        self.depth = 0

    def parse(self) -> Expression:
        if not self.symbols:
            raise ValueError("the plural expression is empty")
        expression = self._ternary()
        if self.at != len(self.symbols):
            raise ValueError(f"unexpected {self.symbols[self.at]!r}")
        return expression

    def _peek(self) -> str | None:
        return self.symbols[self.at] if self.at < len(self.symbols) else None

    def _take(self, expected: str | None = None) -> str:
        symbol = self._peek()
        if symbol is None or (expected is not None and symbol != expected):
            raise ValueError(f"expected {expected or 'more'!r}, found {symbol or 'the end'!r}")
        self.at += 1
        return symbol

    def _nested(self):
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise ValueError(f"is nested more than {MAX_NESTING} deep")

    def _ternary(self) -> Expression:
        self._nested()
        condition = self._binary(1)
        if self._peek() == "?":
            self._take("?")
            yes = self._ternary()
            self._take(":")
            no = self._ternary()
            self.depth -= 1
            return lambda n: yes(n) if condition(n) else no(n)
        self.depth -= 1
        return condition

    def _binary(self, level: int) -> Expression:
        if level > 6:
            return self._unary()
        left = self._binary(level + 1)
        while (symbol := self._peek()) in _BINARY and _BINARY[symbol][0] == level:
            self._take()
            right = self._binary(level + 1)
            left = _combine(_BINARY[symbol][1], left, right, symbol)
        return left

    def _unary(self) -> Expression:
        symbol = self._take()
        if symbol == "!":
            self._nested()
            inner = self._unary()
            self.depth -= 1
            return lambda n: int(not inner(n))
        if symbol == "(":
            inner = self._ternary()
            self._take(")")
            return inner
        if symbol == "n":
            return lambda n: n
        if symbol.isdigit():
            value = int(symbol)
            return lambda n: value
        raise ValueError(f"unexpected {symbol!r}")


def _combine(op, left: Expression, right: Expression, symbol: str) -> Expression:
    if symbol == "||":
        return lambda n: int(bool(left(n)) or bool(right(n)))
    if symbol == "&&":
        return lambda n: int(bool(left(n)) and bool(right(n)))
    return lambda n: op(left(n), right(n))
