"""Canonical records: what a parsed document becomes (the contract of shared/domain/TABLES.md)."""

from __future__ import annotations

from dataclasses import dataclass, field, fields, make_dataclass
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class LineItem:
    """One printed amount, keyed canonically, with where it stands in the source."""

    table_no: str
    side: str | None
    code: str | None
    item: str | None
    name: str
    measure: str
    amount_yuan: Decimal
    published_unit: str
    source_ref: str

    @property
    def key(self) -> tuple[str, str | None, str | None, str | None, str]:
        return (self.table_no, self.side, self.code, self.item, self.measure)


# LineItem's fields in LineItem's slot layout, unfrozen: made and then given the class LineItem,
# it is a LineItem (see `new_line_item`; the parser does so inline, per amount). Derived from
# LineItem's fields, so that the two layouts cannot drift apart.
LineItemFields = make_dataclass(
    "LineItemFields", [(f.name, f.type) for f in fields(LineItem)], slots=True
)


def new_line_item(
    table_no: str,
    side: str | None,
    code: str | None,
    item: str | None,
    name: str,
    measure: str,
    amount_yuan: Decimal,
    published_unit: str,
    source_ref: str,
) -> LineItem:
    """LineItem(...), the same object, made four times faster: a frozen dataclass sets each
    field through object.__setattr__, and a document has hundreds of line items. The fields are
    set on an unfrozen twin of the same slot layout, which then becomes a LineItem."""
    record = LineItemFields(
        table_no, side, code, item, name, measure, amount_yuan, published_unit, source_ref
    )
    record.__class__ = LineItem  # type: ignore[assignment]
    return record  # type: ignore[return-value]


@dataclass(frozen=True, slots=True)
class TableRecord:
    """What the parser found of one canonical table in one document."""

    table_no: str
    status: str  # data | empty | missing
    printed_title: str | None = None
    printed_label: str | None = None
    published_unit: str | None = None
    row_count: int = 0
    source_ref: str | None = None


@dataclass(frozen=True, slots=True)
class Finding:
    """Something the parser noticed and did not act on silently: where, and what."""

    source_ref: str
    message: str
    table_no: str | None = None

    def __str__(self) -> str:
        where = f"table {self.table_no}, " if self.table_no else ""
        return f"{where}{self.source_ref}: {self.message}"


@dataclass
class ParsedDocument:
    """Everything the parser read from one file."""

    kind: str  # final_accounts | budget | template | unknown
    fiscal_year: int | None
    department_name: str | None
    published_unit: str | None
    page_count: int
    tables: dict[str, TableRecord] = field(default_factory=dict)
    line_items: list[LineItem] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    def tables_with_status(self, status: str) -> list[str]:
        return sorted(no for no, table in self.tables.items() if table.status == status)
