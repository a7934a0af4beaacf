"""juesuan: Chinese government final-accounts disclosures (部门决算) as open data.

The domain library: reading documents, finding the nine tables, turning them into canonical
records and checking them. It knows nothing of Dagster; see assets/ and pipelines/ for that.
"""

__version__ = "0.1.0"

# Bumped whenever parsing output may change, so that cached parses are redone (DESIGN: parse once).
PARSER_VERSION = "2.2"
