"""The frame shared by the release's HTML files: one self-contained page, no external request.

A release is often read offline (downloaded as a zip, archived, opened from a USB stick), so the
pages carry their own style, use the reader's system fonts, and link only to files beside them.
"""

from __future__ import annotations

from html import escape

FONT = (
    '"Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei", "PingFang SC", '
    '"Microsoft YaHei", "Helvetica Neue", Arial, sans-serif'
)

CSS = f"""
:root {{ --ink: #1f2933; --muted: #52606d; --line: #d9e2ec; --accent: #1f5f8b; }}
* {{ box-sizing: border-box; }}
body {{ font-family: {FONT}; color: var(--ink); margin: 0; line-height: 1.5; background: #fff; }}
main {{ max-width: 1180px; margin: 0 auto; padding: 24px 28px 64px; }}
header.top {{ background: #102a43; color: #f0f4f8; padding: 22px 28px; }}
header.top h1 {{ margin: 0 0 4px; font-size: 24px; }}
header.top p {{ margin: 0; color: #bcccdc; }}
h2 {{ border-bottom: 2px solid var(--line); padding-bottom: 4px; margin-top: 36px; }}
h3 {{ margin-bottom: 6px; }}
table {{ border-collapse: collapse; margin: 8px 0 16px; font-size: 14px; }}
th, td {{ border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }}
th {{ background: #f0f4f8; }}
td.num, th.num {{ text-align: right; font-variant-numeric: tabular-nums; }}
code {{ background: #f0f4f8; padding: 0 3px; border-radius: 3px; }}
pre {{ background: #f0f4f8; padding: 10px; overflow-x: auto; }}
a {{ color: var(--accent); }}
.muted {{ color: var(--muted); }}
.cards {{ display: flex; flex-wrap: wrap; gap: 12px; margin: 12px 0; }}
.card {{ border: 1px solid var(--line); border-radius: 6px; padding: 10px 14px; min-width: 150px; }}
.card b {{ display: block; font-size: 22px; }}
.charts {{ display: flex; flex-wrap: wrap; gap: 10px; }}
.dept {{ border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; margin: 14px 0; }}
.note {{ color: var(--muted); font-size: 13px; max-width: 360px; }}
svg.chart {{ background: #fff; }}
"""


def esc(value: object) -> str:
    """HTML-escaped text of any value; None is empty."""
    return "" if value is None else escape(str(value), quote=True)


def page(title: str, subtitle: str, body: str) -> str:
    """A complete HTML document around `body`."""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="zh-Hans">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        f'<header class="top"><h1>{esc(title)}</h1><p>{esc(subtitle)}</p></header>\n'
        f"<main>\n{body}\n</main>\n</body>\n</html>\n"
    )


def table(header: list[str], rows: list[list[str]], numeric: set[int] | None = None) -> str:
    """An HTML table; cells are already-escaped HTML, `numeric` column indexes align right."""
    numeric = numeric or set()

    def cls(i: int) -> str:
        return ' class="num"' if i in numeric else ""

    head = "".join(f"<th{cls(i)}>{h}</th>" for i, h in enumerate(header))
    body = "".join(
        "<tr>" + "".join(f"<td{cls(i)}>{c}</td>" for i, c in enumerate(row)) + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
