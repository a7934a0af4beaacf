"""How frictionless reads a CSV cell, spelled out as DuckDB SQL over VARCHAR text.

frictionless parses every cell in Python: `int()` for an integer, `Decimal()` for a number, a
list of words for a boolean. Python is laxer than DuckDB's casts in places (full-width digits
２０２３, `1_000`, `1e3` or `Infinity` as a number) and stricter in others (DuckDB's TRY_CAST
takes `1.0` and `1e3` as a BIGINT, `int()` refuses both). The SQL checks of
`juesuan.checks.constraints` and the frictionless gate of a release must give the same verdicts,
so the grammar Python accepts is written out here, and text is cast only once it is known to be
well-formed. Types and options with no faithful translation raise `UnsupportedField` when the
SQL is generated, rather than being checked differently in silence.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Any

# What Python's str.strip() removes: frictionless strips integers and numbers before parsing.
_PY_SPACE = "".join(chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace())
_ASCII_SPACE = "".join(c for c in _PY_SPACE if c.isascii())
# Every Unicode decimal digit (category Nd) and its ASCII value: int() and Decimal() read them.
_ND_DIGITS = "".join(
    chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Nd"
)
_ASCII_DIGITS = "".join(str(unicodedata.decimal(c)) for c in _ND_DIGITS)

# int() after strip(): an optional sign, digits, single underscores between digits.
_INTEGER = r"[+-]?[0-9]+(_[0-9]+)*"
# Decimal() (libmpdec) after its underscores are dropped; case-insensitive.
_NUMBER = r"(?i)[+-]?(([0-9]+(\.[0-9]*)?|\.[0-9]+)(e[+-]?[0-9]+)?|inf(inity)?|s?nan[0-9]*)"
_NAN = r"(?i)[+-]?s?nan[0-9]*"
# Text that DuckDB casts to HUGEINT / DECIMAL(38,20) exactly as int() / Decimal() read it.
_PLAIN = {"integer": r"-?[0-9]{1,18}", "number": r"-?[0-9]{1,18}(\.[0-9]{1,20})?"}

# Exact values for comparisons and keys: 18 integer digits and 20 places. Amounts fit with
# room to spare; a number with more places is rounded to 20, a larger one compares as DOUBLE.
_NUMBER_SQL = "DECIMAL(38,20)"

_TRUE = ("true", "True", "TRUE", "1")
_FALSE = ("false", "False", "FALSE", "0")
_TYPES = ("string", "integer", "number", "boolean")
_NUMBER_OPTIONS = ("bareNumber", "floatNumber", "decimalChar", "groupChar")
# Python `re` escapes whose RE2 meaning differs (Unicode vs ASCII classes).
_NON_PORTABLE = re.compile(r"(?<!\\)(?:\\\\)*\\[dDwWsSbB]")


class UnsupportedField(ValueError):
    """A field whose frictionless reading has no faithful SQL translation here."""


def literal(value: str) -> str:
    """A SQL string literal; the only way data or schema text enters the generated SQL."""
    return "'" + value.replace("'", "''") + "'"


@dataclass(frozen=True)
class CellField:
    """One field as frictionless reads it: type, constraints and what counts as missing."""

    name: str
    type: str
    constraints: Mapping[str, Any]
    missing_values: tuple[str, ...]
    true_values: tuple[str, ...] = _TRUE
    false_values: tuple[str, ...] = _FALSE

    @classmethod
    def from_descriptor(
        cls, descriptor: Mapping[str, Any], schema_missing: Sequence[str] = ("",)
    ) -> CellField:
        """The field of a Table Schema descriptor; refuses what SQL would read differently."""
        name = descriptor["name"]
        type_ = descriptor.get("type", "string")
        if type_ not in _TYPES:
            raise UnsupportedField(
                f"field {name!r}: no SQL check of frictionless type {type_!r} "
                f"(supported: {', '.join(_TYPES)})"
            )
        if descriptor.get("format", "default") != "default":
            raise UnsupportedField(
                f"field {name!r}: no SQL check of format {descriptor['format']!r}"
            )
        if type_ in ("integer", "number") and set(_NUMBER_OPTIONS) & set(descriptor):
            raise UnsupportedField(f"field {name!r}: number options {_NUMBER_OPTIONS} unsupported")
        return cls(
            name=name,
            type=type_,
            constraints=dict(descriptor.get("constraints") or {}),
            missing_values=tuple(descriptor.get("missingValues", schema_missing)),
            true_values=tuple(descriptor.get("trueValues", _TRUE)),
            false_values=tuple(descriptor.get("falseValues", _FALSE)),
        )

    @property
    def numeric(self) -> bool:
        return self.type in ("integer", "number")


def _in_list(expr: str, values: Iterable[str]) -> str:
    items = ", ".join(literal(v) for v in values)
    return f"{expr} IN ({items})" if items else "FALSE"


def missing(f: CellField, col: str) -> str:
    """True when frictionless reads the cell as None (NULL stands for the empty field)."""
    return f"({col} IS NULL OR {_in_list(col, f.missing_values)})"


def _normal(f: CellField, col: str) -> str:
    """The text Python parses: stripped, digits in ASCII; numbers then lose every underscore.

    Written with `col` in each branch only once: DuckDB hoists repeated subexpressions out of
    CASE and would then strip every cell with 29 kinds of space (slow), and translate() of 660
    digits is slower still (30 µs a cell), so it runs on non-ASCII text only.
    """
    ascii_text = f"trim({col}, {literal(_ASCII_SPACE)})"
    other = f"trim({col}, {literal(_PY_SPACE)})"
    if f.type == "number":
        ascii_text, other = f"replace({ascii_text}, '_', '')", f"replace({other}, '_', '')"
    other = f"translate({other}, {literal(_ND_DIGITS)}, {literal(_ASCII_DIGITS)})"
    return f"(CASE WHEN strlen({col}) = length({col}) THEN {ascii_text} ELSE {other} END)"


def _plain(f: CellField, col: str) -> str:
    """True for the common text DuckDB casts exactly as Python reads it: the fast path.

    Only the other cells are normalised. Fast and slow paths are the branches of a CASE, which
    DuckDB evaluates for the rows that reach them (NOT (a OR b) would evaluate both for all).
    """
    return f"regexp_full_match({col}, {literal(_PLAIN[f.type])})"


def well_typed(f: CellField, col: str) -> str:
    """True when a non-missing cell parses as the field's type (frictionless: no type-error)."""
    if f.type == "string":
        return "TRUE"
    if f.type == "boolean":
        return _in_list(col, f.true_values + f.false_values)
    grammar = literal(_INTEGER if f.type == "integer" else _NUMBER)
    return (
        f"(CASE WHEN {_plain(f, col)} THEN TRUE "
        f"ELSE regexp_full_match({_normal(f, col)}, {grammar}) END)"
    )


def _sql_type(f: CellField) -> str:
    return "HUGEINT" if f.type == "integer" else _NUMBER_SQL


def _castable(f: CellField, col: str) -> str:
    """Normalised text ready for a cast (an integer's underscores go once its grammar held)."""
    return _normal(f, col) if f.type == "number" else f"replace({_normal(f, col)}, '_', '')"


def _exact_branches(f: CellField, col: str) -> tuple[str, str]:
    """`_exact` of plain text, and of other text."""
    return (
        f"TRY_CAST({col} AS {_sql_type(f)})",
        f"TRY_CAST({_castable(f, col)} AS {_sql_type(f)})",
    )


def _exact(f: CellField, col: str) -> str:
    """The exact typed value of well-formed text (NULL where DuckDB cannot hold it)."""
    plain, other = _exact_branches(f, col)
    return f"CASE WHEN {_plain(f, col)} THEN {plain} ELSE {other} END"


def value(f: CellField, col: str) -> str:
    """The parsed value, NULL when missing or ill-typed, as frictionless' row[field] is None.

    Keys (unique, primary, foreign) compare these, so `1.0` and `1.00` are the same number as
    they are for Decimal. Integers beyond HUGEINT and the numbers NaN, Infinity and those beyond
    DECIMAL(38,20) have no exact value here and read as NULL in keys.
    """
    if f.type == "string":
        return f"CASE WHEN {missing(f, col)} THEN NULL ELSE {col} END"
    parsed = _in_list(col, f.true_values) if f.type == "boolean" else _exact(f, col)
    return f"CASE WHEN {missing(f, col)} OR NOT {well_typed(f, col)} THEN NULL ELSE {parsed} END"


def python_value(f: CellField, raw: Any) -> Any:
    """A constraint value (enum entry, bound) read as frictionless reads it; None if it fails."""
    if f.type == "string":
        return raw if isinstance(raw, str) else None
    if f.type == "boolean":
        if isinstance(raw, bool):
            return raw
        return True if raw in f.true_values else False if raw in f.false_values else None
    if isinstance(raw, bool):
        return None
    try:
        if f.type == "integer":
            if isinstance(raw, float):
                return int(raw) if raw.is_integer() else None
            return int(raw.strip()) if isinstance(raw, str) else int(raw)
        return Decimal(raw.strip() if isinstance(raw, str) else str(raw))
    except (ValueError, InvalidOperation):
        return None


def _sql_constant(f: CellField, v: Any) -> str:
    if f.type == "string":
        return literal(v)
    if f.type == "boolean":
        return "TRUE" if v else "FALSE"
    return f"CAST({literal(str(v))} AS {_sql_type(f)})"


def _constants(f: CellField, values: Sequence[Any]) -> str:
    """The enum `values` read like the cells, as SQL constants ("" when none reads)."""
    parsed = [p for p in (python_value(f, v) for v in values) if p is not None]
    if f.type == "string":
        return ", ".join(literal(v) for v in parsed)
    return ", ".join(_sql_constant(f, p) for p in parsed)


def in_enum(f: CellField, col: str, values: Sequence[Any]) -> str:
    """True when the well-typed cell's value is one of `values` (read like the cells)."""
    constants = _constants(f, values)
    if f.type == "string":
        return f"{col} IN ({constants})" if constants else "FALSE"
    target = _in_list(col, f.true_values) if f.type == "boolean" else _exact(f, col)
    return f"coalesce({target} IN ({constants}), FALSE)" if constants else "FALSE"


def _compare_branches(f: CellField, col: str, op: str, bound: Any) -> tuple[str, str]:
    """`compare` of plain text, and of other text."""
    if op not in ("<", "<=", ">", ">="):
        raise ValueError(f"unknown comparison {op!r}")
    b = python_value(f, bound)
    if b is None:
        raise UnsupportedField(f"field {f.name!r}: bound {bound!r} is not a {f.type}")
    text, bound_sql = _castable(f, col), _sql_constant(f, b)
    exact = f"TRY_CAST({text} AS {_sql_type(f)})"
    double = f"coalesce(TRY_CAST({text} AS DOUBLE) {op} CAST({literal(str(b))} AS DOUBLE), FALSE)"
    slow = f"CASE WHEN {exact} IS NOT NULL THEN {exact} {op} {bound_sql} ELSE {double} END"
    if f.type == "number":
        slow = f"NOT regexp_full_match({text}, {literal(_NAN)}) AND {slow}"
    return f"TRY_CAST({col} AS {_sql_type(f)}) {op} {bound_sql}", slow


def compare(f: CellField, col: str, op: str, bound: Any) -> str:
    """True when `value op bound` holds for a well-typed numeric cell, exactly where possible.

    NaN fails every bound, as in frictionless; values too large for the exact types (and
    Infinity) are compared as DOUBLE, which orders them correctly against any sane bound.
    """
    fast, slow = _compare_branches(f, col, op, bound)
    return f"(CASE WHEN {_plain(f, col)} THEN {fast} ELSE {slow} END)"


def matches(pattern: str, col: str) -> str:
    """True when frictionless' `re.match('^' + pattern + '$', cell)` would match.

    Python's `$` also matches before a final newline, hence `\\n?$`; the outer `^(?:…)` keeps
    a top-level alternation anchored at the start, as `re.match` does. Escapes whose meaning
    differs between Python and RE2 are refused: write [0-9] rather than \\d.
    """
    if _NON_PORTABLE.search(pattern):
        raise UnsupportedField(
            f"pattern {pattern!r}: \\d \\w \\s \\b match Unicode in Python but ASCII in DuckDB; "
            "use explicit classes such as [0-9]"
        )
    anchored = "^(?:^" + pattern + r"\n?$)"
    return f"regexp_matches({col}, {literal(anchored)})"


# The constraints checked cell by cell, beyond `required`, and the comparison of each bound.
BOUNDS = {"minimum": ">=", "maximum": "<=", "exclusiveMinimum": ">", "exclusiveMaximum": "<"}


def holds(f: CellField, col: str, name: str, value: Any) -> str:
    """True when a well-typed cell meets constraint `name` of `value` (NULL: it does not)."""
    if name == "pattern":
        return matches(value, col)
    if name == "enum":
        return in_enum(f, col, value)
    if name in BOUNDS:
        return compare(f, col, BOUNDS[name], value)
    if name in ("minLength", "maxLength"):  # Python len() and DuckDB length() count code points
        return f"length({col}) {'>=' if name == 'minLength' else '<='} {int(value)}"
    raise ValueError(f"no cell test of constraint {name!r}")


def _plain_holds(f: CellField, col: str, name: str, value: Any) -> str:
    """`holds` of a numeric cell whose text is plain (`_plain`): its fast branch only."""
    if name in BOUNDS:
        return _compare_branches(f, col, BOUNDS[name], value)[0]
    constants = _constants(f, value) if name == "enum" else ""
    if not constants:  # no value of the enum reads as a number: nothing holds
        return holds(f, col, name, value)
    return f"{_exact_branches(f, col)[0]} IN ({constants})"


def surely_valid(f: CellField, col: str, tests: Sequence[tuple[str, Any]]) -> str:
    """True when a cell (not missing) is well-typed and meets every (constraint, value) test;
    for a number, only if its text is also plain: a screen, to select what may be invalid.

    Numbers in a release or in the warehouse are written plain, and the rare others are left
    to the exact checks, so that the screen holds none of the long slow branches (Python's
    spaces and digits), which cost more to plan than a small table costs to scan.
    """
    if f.numeric:
        tested = [f"coalesce({_plain_holds(f, col, *t)}, FALSE)" for t in tests]
        return f"({' AND '.join([_plain(f, col), *tested])})"
    tested = [f"coalesce({holds(f, col, *t)}, FALSE)" for t in tests]
    return f"({' AND '.join([f'({well_typed(f, col)})', *tested])})"


def may_pass(f: CellField, character: str) -> bool:
    """Whether a cell holding `character` may be missing or `surely_valid` (not screened).

    A number that is surely valid is plain (digits, sign, point); a boolean, or a string with
    an enum, one of a list of texts.
    """
    if any(character in v for v in f.missing_values):
        return True
    if f.numeric:
        return character in "-.0123456789"
    if f.type == "boolean":
        texts = f.true_values + f.false_values
    elif f.constraints.get("enum") is not None:
        texts = tuple(
            v for v in map(partial(python_value, f), f.constraints["enum"]) if v is not None
        )
    else:
        return True
    return any(character in text for text in texts)
