"""The department registry: one stable id per department, whatever name it was printed under.

A printed name is resolved by the curated alias table first (`aliases`), then by its matching key
(`names`: NFKC, no spaces or punctuation, 管委会 = 管理委员会, X局（本级） = X局); a name matching
no alias gets an id derived from its key and is listed for review. Where a department is and at
which level (`places`) is read from its name with the bundled gazetteer of divisions.

The parser calls `department_id` for each document; the warehouse resolves every printed name
again with the alias table of the day (`registry.warehouse`), so curating an alias never needs a
re-parse.
"""

from juesuan.registry.aliases import (
    ALIASES_ENV,
    AliasTable,
    AliasTableError,
    aliases_path,
    current_aliases,
    load_aliases,
)
from juesuan.registry.names import name_key
from juesuan.registry.places import Place, place_of
from juesuan.registry.resolve import (
    AUTOMATIC,
    CURATED,
    Resolution,
    automatic_id,
    department_id,
    resolve,
)

__all__ = [
    "ALIASES_ENV",
    "AUTOMATIC",
    "CURATED",
    "AliasTable",
    "AliasTableError",
    "Place",
    "Resolution",
    "aliases_path",
    "automatic_id",
    "current_aliases",
    "department_id",
    "load_aliases",
    "name_key",
    "place_of",
    "resolve",
]

# Files of juesuan/data read by the registry only. They are applied in the warehouse stage,
# so editing them must not invalidate the parse cache (parse_year.cache_key).
REGISTRY_DATA_FILES = frozenset(
    {
        "department_aliases.csv",
        "department_name_rules.csv",
        "adcodes.csv",
        "place_rules.csv",
        "admin_levels.csv",
    }
)
