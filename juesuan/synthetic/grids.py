"""The grid of each of the nine tables: header trees, data cells, merges, 栏次 row.

Separate from printed.py so the document's structure and each table's shape can be read apart.
A builder takes (accounts, layout, unit) and returns the header tree, the data cells, merges
inside the data rows and the 栏次 row (None when the table prints none, as 06 in the seed).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from juesuan.synthetic import vocab
from juesuan.synthetic.accounts import MEASURES, AccountRow, SyntheticAccounts
from juesuan.synthetic.layout import Layout

_WRAP_NAME_AT = 12


@dataclass(frozen=True)
class Merge:
    """A merged cell of a table grid (header rows and data rows counted together)."""

    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1


# --- header trees ------------------------------------------------------------------------------


@dataclass(frozen=True)
class H:
    """A header cell and the header cells below it (a merged group when it has children)."""

    text: str
    children: tuple[H, ...] = ()

    def leaves(self) -> int:
        return sum(child.leaves() for child in self.children) if self.children else 1

    def depth(self) -> int:
        return 1 + max((child.depth() for child in self.children), default=0)


def header_grid(tree: list[H]) -> tuple[list[list[str]], list[Merge]]:
    """Rows of header cells from a tree: groups span their leaves, leaves span down to the end."""
    depth = max(node.depth() for node in tree)
    width = sum(node.leaves() for node in tree)
    rows = [[""] * width for _ in range(depth)]
    merges: list[Merge] = []

    def place(node: H, level: int, col: int) -> None:
        rowspan = 1 if node.children else depth - level
        colspan = node.leaves()
        rows[level][col] = node.text
        if rowspan > 1 or colspan > 1:
            merges.append(Merge(level, col, rowspan, colspan))
        for child in node.children:
            place(child, level + 1, col)
            col += child.leaves()

    col = 0
    for node in tree:
        place(node, 0, col)
        col += node.leaves()
    return rows, merges


@dataclass(frozen=True)
class C:
    """A printed data cell: its text and, for amounts, the number (None when "-" or blank)."""

    text: str = ""
    value: Decimal | None = None


def amount(yuan: Decimal, unit: str, layout: Layout) -> C:
    value = (yuan / Decimal(10000) if unit == "万元" else yuan).quantize(Decimal("0.01"))
    if value == 0:
        return {"0.00": C("0.00", Decimal("0.00")), "-": C("-"), "blank": C("")}[layout.zero]
    return C(f"{value:,.2f}" if layout.thousands else f"{value:.2f}", value)


def _code_cells(code: str | None, layout: Layout) -> list[C]:
    if layout.codes == "three_columns":
        if code is None:
            return [C(), C(), C()]
        return [C(code[:3]), C(code[3:5]), C(code[5:7])]
    if code is None:
        return [C()]
    if layout.codes == "split" and len(code) == 7:
        return [C(f"{code[:6]} {code[6:]}")]
    return [C(code)]


def _code_header(layout: Layout, wording: str) -> H:
    if layout.codes == "three_columns":
        return H(f"功能分类{wording}", (H("类"), H("款"), H("项")))
    return H(wording)


def _name(row: AccountRow, layout: Layout) -> str:
    name = row.name
    if layout.wrapped_names and row.code and len(row.code) == 7 and len(name) > _WRAP_NAME_AT:
        return f"{name[:_WRAP_NAME_AT]}\n{name[_WRAP_NAME_AT:]}"
    return name


Built = tuple[list[H], list[list[C]], list[Merge], list[str] | None]

_FUNCTION_HEADERS: dict[str, tuple[str, list[H]]] = {
    "02": ("科目编码", [H("本年收入合计"), H("财政拨款收入"), H("上级补助收入"), H("事业收入"),
                       H("经营收入"), H("附属单位上缴收入"), H("其他收入")]),
    "03": ("科目代码", [H("本年支出合计"), H("基本支出"), H("项目支出"), H("上缴上级支出"),
                       H("经营支出"), H("对附属单位补助支出")]),
    "05": ("科目代码", [H("本年支出", (H("小计"), H("基本支出"), H("项目支出")))]),
    "07": ("科目代码", [H("年初结转和结余"), H("本年收入"),
                       H("本年支出", (H("小计"), H("基本支出"), H("项目支出"))),
                       H("年末结转和结余")]),
    "08": ("科目代码", [H("本年支出", (H("合计"), H("基本支出"), H("项目支出")))]),
}  # fmt: skip
_FUNCTION_MEASURES = MEASURES  # the columns of the functional tables, in printed order


def _functional(table_no: str):
    def build_rows(accounts: SyntheticAccounts, layout: Layout, unit: str) -> Built:
        wording, amount_headers = _FUNCTION_HEADERS[table_no]
        code_header = _code_header(layout, wording)
        tree = [H("项目", (code_header, H("科目名称"))), *amount_headers]
        measures = _FUNCTION_MEASURES[table_no]
        codes = len(_code_cells(None, layout))
        column_numbers = ["栏次"] + [""] * codes + [str(n) for n in range(1, len(measures) + 1)]
        rows: list[list[C]] = []
        table_rows = accounts.rows(table_no)
        if not table_rows:  # printed empty: the 合计 row with nothing in it
            rows.append([C("合计"), *[C()] * (codes - 1), C(), *[C()] * len(measures)])
            return tree, rows, [], column_numbers
        for row in table_rows:
            if row.item == "total":
                cells = [C("合计"), *[C()] * (codes - 1), C()]
            else:
                cells = [*_code_cells(row.code, layout), C(_name(row, layout))]
            rows.append(cells + [amount(row.amounts[m], unit, layout) for m in measures])
        return tree, rows, [], column_numbers

    return build_rows


def _two_sided(table_no: str):
    """Tables 01 and 04: income on the left, expenditure on the right, with line numbers."""

    def build_rows(accounts: SyntheticAccounts, layout: Layout, unit: str) -> Built:
        if table_no == "01":
            right_measures: tuple[str, ...] = ("final",)
            tree = [H("收入", (H("项目"), H("行次"), H("决算数"))),
                    H("支出", (H("项目"), H("行次"), H("决算数")))]  # fmt: skip
        else:
            right_measures = ("total", "general_public_budget", "government_fund",
                              "state_capital")  # fmt: skip
            funds = ("一般公共预算财政拨款", "政府性基金预算财政拨款", "国有资本经营预算财政拨款")
            tree = [
                H("收入", (H("项目"), H("行次"), H("金额"))),
                H("支出", (H("项目"), H("行次"), H("合计"), *(H(fund) for fund in funds))),
            ]
        income = list(accounts.rows(table_no, "income"))
        expenditure = list(accounts.rows(table_no, "expenditure"))
        n_sources = 8 if table_no == "01" else 3
        sources, income_summary = income[:n_sources], income[n_sources:]
        classes = [row for row in expenditure if row.code]
        expenditure_summary = [row for row in expenditure if not row.code]
        pairs: list[tuple[AccountRow | None, AccountRow | None, bool]] = []
        for index in range(max(len(sources), len(classes))):
            left = sources[index] if index < len(sources) else None
            right = classes[index] if index < len(classes) else None
            pairs.append((left, right, True))
        # The summary rows: subtotal, balances (04: three sub-rows by fund), a filler, 总计.
        left_rows = income_summary[:-1]
        right_rows = expenditure_summary[:-1]
        for index in range(max(len(left_rows), len(right_rows))):
            left = left_rows[index] if index < len(left_rows) else None
            right = right_rows[index] if index < len(right_rows) else None
            pairs.append((left, right, False))
        if table_no == "01":
            pairs.append((None, None, False))
        pairs.append((income_summary[-1], expenditure_summary[-1], False))
        right_start = len(pairs) + 1
        rows: list[list[C]] = []
        for index, (left, right, enumerated) in enumerate(pairs):
            number = index + 1 if enumerated else 0  # 一、 二、 … on sources and classes
            cells = _side(left, index + 1, number, ("final",), unit, layout)
            cells += _side(right, right_start + index, number, right_measures, unit, layout)
            rows.append(cells)
        numbers = [str(n) for n in range(2, 2 + len(right_measures))]
        column_numbers = ["栏次", "", "1", "栏次", "", *numbers]
        return tree, rows, [], column_numbers

    return build_rows


def _side(row: AccountRow | None, lineno: int, enumerated: int, measures: tuple[str, ...],
          unit: str, layout: Layout) -> list[C]:  # fmt: skip
    if row is None:
        return [C(), C(str(lineno)), *[C()] * len(measures)]
    name = f"{vocab.chinese_number(enumerated)}、{row.name}" if enumerated else row.name
    return [C(name), C(str(lineno)), *[amount(row.amounts[m], unit, layout) for m in measures]]


def _economic(accounts: SyntheticAccounts, layout: Layout, unit: str) -> Built:
    """Table 06: three (code, name, amount) segments side by side, as the 2023 template."""
    tree = [H("人员经费", (H("科目代码"), H("科目名称"), H("决算数"))),
            H("公用经费", (H("科目代码"), H("科目名称"), H("决算数"),
                           H("科目代码"), H("科目名称"), H("决算数")))]  # fmt: skip
    by_code = {row.code: row for row in accounts.rows("06") if row.code}
    by_item = {row.item: row for row in accounts.rows("06") if row.item}
    segments = vocab.ECONOMIC_SEGMENTS
    rows: list[list[C]] = []
    for index in range(max(len(segment) for segment in segments)):
        cells: list[C] = []
        for segment in segments:
            if index < len(segment):
                code, name = segment[index]
                cells += [C(code), C(name), amount(by_code[code].amounts["final"], unit, layout)]
            else:
                cells += [C(), C(), C()]
        rows.append(cells)
    personnel = amount(by_item["personnel_total"].amounts["final"], unit, layout)
    public = amount(by_item["public_total"].amounts["final"], unit, layout)
    rows.append([C("人员经费合计"), C(), personnel, C("公用经费合计"), C(), C(), C(), C(), public])
    last = len(rows) - 1
    return tree, rows, [Merge(last, 0, 1, 2), Merge(last, 3, 1, 5)], None


def _three_public(accounts: SyntheticAccounts, layout: Layout, unit: str) -> Built:
    rows_by_item = {row.item: row for row in accounts.rows("09")}
    order = [item for item, _name in vocab.THREE_PUBLIC]
    names = dict(vocab.THREE_PUBLIC)

    def value(item: str, measure: str) -> C:
        return amount(rows_by_item[item].amounts[measure], unit, layout)

    def categories(leaf: tuple[H, ...]) -> list[H]:
        vehicle = H(names["vehicle_total"], (H("小计", leaf), H(names["vehicle_purchase"], leaf),
                                             H(names["vehicle_operation"], leaf)))  # fmt: skip
        return [H(names["total"], leaf), H(names["overseas_travel"], leaf), vehicle,
                H(names["official_reception"], leaf)]  # fmt: skip

    if layout.three_public == "vertical":
        tree = [H("项目"), H("预算数"), H("决算数")]
        rows = [[C(_vertical_label(item, names)), value(item, "budget"), value(item, "final")]
                for item in order]  # fmt: skip
        return tree, rows, [], ["栏次", "1", "2"]
    if layout.three_public == "alternating":
        tree = categories((H("预算数"), H("决算数")))
        row = [value(item, measure) for item in order for measure in ("budget", "final")]
    else:
        tree = [H("预算数", tuple(categories(()))), H("决算数", tuple(categories(())))]
        row = [value(item, measure) for measure in ("budget", "final") for item in order]
    return tree, [row], [], [str(n) for n in range(1, 13)]


def _vertical_label(item: str, names: dict[str, str]) -> str:
    if item in {"vehicle_purchase", "vehicle_operation"}:
        return f"　　{names[item]}"  # indented under the vehicle line
    return names[item]


BUILDERS = {
    "01": _two_sided("01"),
    "02": _functional("02"),
    "03": _functional("03"),
    "04": _two_sided("04"),
    "05": _functional("05"),
    "06": _economic,
    "07": _functional("07"),
    "08": _functional("08"),
    "09": _three_public,
}
