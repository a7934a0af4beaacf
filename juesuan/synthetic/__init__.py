"""Synthetic disclosures: consistent accounts printed in every known layout and format.

For round-trip tests of the parser (render, read, parse, compare with the accounts) and for
benchmarks. Every document says it is synthetic, in its first line and in its file name.
"""

from juesuan.synthetic.accounts import SyntheticAccounts, make_accounts
from juesuan.synthetic.layout import Layout, random_layout, variants
from juesuan.synthetic.printed import SYNTHETIC_MARK, build
from juesuan.synthetic.render import FORMATS, file_name, render

__all__ = [
    "FORMATS",
    "SYNTHETIC_MARK",
    "Layout",
    "SyntheticAccounts",
    "build",
    "file_name",
    "make_accounts",
    "random_layout",
    "render",
    "variants",
]
