"""Department ids: kept as the parser's entry point; the registry (juesuan/registry) decides.

`department_id(name)` resolves a printed name through the curated alias table, then the
automatic rules; `normalise_name` is the matching key two printings of one name share.
"""

from __future__ import annotations

from juesuan.registry import department_id
from juesuan.registry import name_key as normalise_name

__all__ = ["department_id", "normalise_name"]
