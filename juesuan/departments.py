"""Department ids: stable, derived from the department's normalised name.

The same department printed as `郑州高新技术产业开发区管委会` or `郑州高新技术产业开发区管理委员会`,
with full-width forms or stray spaces, gets the same id.
"""

from __future__ import annotations

import hashlib
import re

from juesuan.textnorm import compact

# Abbreviation → full form, applied before hashing so both spellings meet.
_EXPANSIONS = (("管委会", "管理委员会"),)
_PUNCTUATION = re.compile(r"[\"'“”‘’()（）\[\]【】·・,，.。、:：;；]")


def normalise_name(name: str) -> str:
    key = _PUNCTUATION.sub("", compact(name))
    for short, full in _EXPANSIONS:
        key = key.replace(short, full)
    return key


def department_id(name: str) -> str:
    digest = hashlib.sha256(normalise_name(name).encode("utf-8")).hexdigest()
    return f"dept-{digest[:12]}"
